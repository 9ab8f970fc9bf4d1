// SPDX-License-Identifier: MIT
/*
 * memblock_debugfs.c - the text of /sys/kernel/debug/memblock/memory and
 * .../reserved; see kmm/memblock_debugfs.h.
 */
#include <kmm/lib.h>
#include <kmm/memblock_debugfs.h>

size_t kmm_memblock_debugfs_show(const struct memblock_type *type, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned long i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];
		size_t room = len < size ? size - len : 0;
		int n = kmm_snprintf(room ? buf + len : NULL, room, "%4lu: 0x%016llx..0x%016llx\n", i,
				     (unsigned long long)r->base,
				     (unsigned long long)(r->base + r->size - 1));

		len += (size_t)n;
	}
	return len;
}
