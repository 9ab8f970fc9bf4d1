/* SPDX-License-Identifier: MIT */
/*
 * kmm/late_init.h - what Linux 6.1 does to memory after mem_init() and
 * before userspace runs, in its order, so that a booted machine's figures
 * (MemTotal, managed and CMA pages, pageblock types) are those of a running
 * system:
 *
 *   start_kernel -> efi_enter_virtual_mode(): x86 EFI boot services
 *       memory goes back (memblock_free_late; not with efi=debug)
 *   start_kernel -> check_bugs -> alternative_instructions():
 *       x86: "Freeing SMP alternatives memory" (the lock prefix table is
 *       only needed to patch a UP kernel to SMP, which cannot happen with
 *       one possible CPU or once every CPU is present)
 *   kernel_init_freeable -> page_alloc_init_late: deferred struct pages
 *   core_initcall cma_init_reserved_areas(): each CMA area's pageblocks
 *       become MIGRATE_CMA and go to the buddy allocator
 *   postcore/subsys initcalls: min_free_kbytes and the watermarks
 *       (init_per_zone_wmark_min, then the THP recommendation)
 *   rootfs_initcall: x86's swiotlb report; populate_rootfs frees the initrd
 *       ("Freeing initrd memory", the part outside a crash kernel only)
 *   kernel_init -> free_initmem(): x86_64 "unused decrypted", the init
 *       sections ("unused kernel image (initmem)" / arm64 "unused kernel")
 *   mark_readonly -> mark_rodata_ro(): x86_64 frees the padding between
 *       text and rodata and between rodata and data
 *
 * Every free is free_reserved_area(): whole pages inside the range, poisoned,
 * PG_reserved cleared, given to the buddy allocator and counted managed.
 */
#ifndef KMM_LATE_INIT_H
#define KMM_LATE_INIT_H

#include <kmm/env.h>

struct kmm_machine;

/*
 * kmm_free_reserved_area - free_reserved_area(): every whole page of the
 * physical range [@start, @end) leaves PG_reserved and goes to the buddy
 * allocator (poisoned with @poison unless @poison > 0xff), counted in its
 * zone's managed pages and totalram_pages; prints "Freeing @what memory: NK"
 * when @what is set and something was freed.  Pages without a memmap or
 * outside every zone are skipped.  Returns the pages freed.
 */
unsigned long kmm_free_reserved_area(struct kmm_machine *m, u64 start, u64 end, int poison,
				     const char *what);

/*
 * kmm_memblock_free_late - memblock_free_late(): [@base, @base + @size)
 * goes to the buddy allocator page by page after memblock_free_all(),
 * counted in totalram_pages (a page still waiting for deferred init is
 * counted but not freed, as in Linux).
 */
void kmm_memblock_free_late(struct kmm_machine *m, u64 base, u64 size);

/* kmm_cma_init_reserved_areas - activate every CMA area (core_initcall). */
void kmm_cma_init_reserved_areas(struct kmm_machine *m);

/* kmm_free_smp_alternatives - x86 alternative_instructions()'s free. */
void kmm_free_smp_alternatives(struct kmm_machine *m);

/*
 * kmm_late_frees - after the watermarks: x86's swiotlb line, the initrd,
 * free_initmem() and mark_rodata_ro()'s frees, in Linux's order.
 */
void kmm_late_frees(struct kmm_machine *m);

#endif /* KMM_LATE_INIT_H */
