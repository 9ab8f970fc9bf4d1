/* SPDX-License-Identifier: MIT */
/*
 * kmm/memblock_debugfs.h - /sys/kernel/debug/memblock/{memory,reserved} as
 * Linux 6.1 shows them (mm/memblock.c memblock_debug_show()): one line per
 * region of the type, in array order,
 *     "%4d: %pa..%pa\n"
 * the index, then the region's first and last byte as 0x and 16 hex digits
 * (a region [base, base + size) ends at base + size - 1; the empty type's
 * single zero-sized region therefore prints 0x0000000000000000..
 * 0xffffffffffffffff, as in Linux).  arm64 keeps memblock after boot
 * (ARCH_KEEP_MEMBLOCK), so these files show the final state.
 */
#ifndef KMM_MEMBLOCK_DEBUGFS_H
#define KMM_MEMBLOCK_DEBUGFS_H

#include <kmm/memblock.h>

/*
 * kmm_memblock_debugfs_show - write @type's file into @buf (@size bytes,
 * always NUL-terminated when @size > 0, cut like snprintf).  Returns the
 * length of the whole text, so a caller can size its buffer with a first
 * call of @size 0 (@buf may then be NULL).
 */
size_t kmm_memblock_debugfs_show(const struct memblock_type *type, char *buf, size_t size);

#endif /* KMM_MEMBLOCK_DEBUGFS_H */
