/* SPDX-License-Identifier: MIT */
/*
 * arm64.h - what the arm64 boot files share (src/arch/arm64 only): the
 * Debian 6.1 kernel's page and address layout (4K pages, 48-bit VA and PA,
 * four levels of page tables) and the steps of setup_arch() that live in
 * separate files.
 *
 *   setup.c    kmm_arm64_setup_arch(): the device tree, arm64_memblock_init(),
 *              /reserved-memory, then the steps below in Linux's order
 *   mmu.c      paging_init(): the page tables built from memblock
 *   numa.c     arch_numa_init(): of_numa_init() or one faked node, NODE_DATA
 *   bootmem.c  bootmem_init(): zones, the default CMA area, crashkernel=
 *   cma.c      the CMA area table (mm/cma.c)
 */
#ifndef KMM_ARCH_ARM64_ARM64_H
#define KMM_ARCH_ARM64_ARM64_H

#include <kmm/lib.h>
#include <kmm/machine.h>

#define ARM64_PAGE_SHIFT 12
#define ARM64_PAGE_SIZE (1ULL << ARM64_PAGE_SHIFT)
#define ARM64_SZ_1M 0x100000ULL
#define ARM64_SZ_4G 0x100000000ULL
#define ARM64_PHYS_MASK_SHIFT 48
#define ARM64_SMP_CACHE_BYTES 64  /* L1_CACHE_BYTES */
#define ARM64_PAGEBLOCK_ORDER 9   /* HUGETLB_PAGE_ORDER: PMD_SHIFT - PAGE_SHIFT */
#define ARM64_CMA_MIN_ALIGNMENT_BYTES (ARM64_PAGE_SIZE << ARM64_PAGEBLOCK_ORDER)
#define ARM64_CMA_AREAS 19        /* CONFIG_CMA_AREAS */

_Static_assert(KMM_ARRAY_SIZE(((struct kmm_machine *)0)->cma_areas) == ARM64_CMA_AREAS,
	       "one slot per CONFIG_CMA_AREAS");

/* __pa_symbol(): the Image's link address @sym at its load address */
static inline u64 arm64_pa_symbol(const struct kmm_machine *m, u64 sym)
{
	return kmm_kernel_pa(m, sym);
}

/*
 * arm64_paging_init - paging_init(): map_kernel() and map_mem() into
 * swapper_pg_dir, init_pg_dir given back, memblock resizable, then
 * create_idmap().  Every page table comes from early_pgtable_alloc().
 * Returns 0, -KMM_ENOMEM ("Failed to allocate page table page", where Linux
 * panics), -KMM_EINVAL (a mapping Linux would BUG() on) or -KMM_EOVERFLOW
 * (kmm's page-table model is full).
 */
int arm64_paging_init(struct kmm_machine *m, char *err, size_t errlen);

/*
 * arm64_numa_init - arch_numa_init(): of_numa_init() unless numa=off, else
 * (or when it fails) dummy_numa_init(); nodes registered with NODE_DATA.
 * Sets m->node[], m->numa_distance, m->node_possible_map, m->nr_nodes.
 * Returns 0 or -KMM_ENOMEM (NODE_DATA could not be placed: Linux panics).
 */
int arm64_numa_init(struct kmm_machine *m, char *err, size_t errlen);

/*
 * arm64_bootmem_init - bootmem_init() from sparse_init() on: the zones
 * (zone_sizes_init), the default CMA area, crashkernel= and the MEMBLOCK
 * dump.  Runs arm64_numa_init() first.
 */
int arm64_bootmem_init(struct kmm_machine *m, char *err, size_t errlen);

/*
 * arm64_cma_init_reserved_mem - cma_init_reserved_mem(): make the reserved
 * [@base, @base + @size) CMA area @name.  Returns 0 (the area is appended
 * to m->cma_areas, m->totalcma_pages grows), -KMM_EOVERFLOW ("Not enough
 * slots for CMA reserved regions!" printed) or -KMM_EINVAL (@size 0, the
 * range not reserved, or not CMA_MIN_ALIGNMENT_BYTES aligned).
 */
int arm64_cma_init_reserved_mem(struct kmm_machine *m, u64 base, u64 size, const char *name);

/*
 * arm64_cma_declare_contiguous_nid - cma_declare_contiguous_nid(): place an
 * area of @size (@alignment 0: CMA_MIN_ALIGNMENT_BYTES) below @limit (0:
 * anywhere) on node @nid (NUMA_NO_NODE: any), or with @fixed reserve it at
 * @base, make it area @name and print "cma: Reserved N MiB at ..." or
 * Linux's error.  Returns 0 or the kmm_err of Linux's -errno: -KMM_EINVAL
 * (size 0, bad alignment, misaligned fixed base, above the limit),
 * -KMM_EBUSY (a fixed range already reserved), -KMM_ENOMEM (no room),
 * -KMM_EOVERFLOW (no free slot).
 */
int arm64_cma_declare_contiguous_nid(struct kmm_machine *m, u64 base, u64 size, u64 limit,
				     u64 alignment, bool fixed, const char *name, int nid);

#endif /* KMM_ARCH_ARM64_ARM64_H */
