// SPDX-License-Identifier: MIT
/*
 * cma.c - the boot-time half of the contiguous memory allocator (Linux 6.1
 * mm/cma.c): the table of CMA areas (m->cma_areas, at most CONFIG_CMA_AREAS)
 * and the two ways an area enters it.
 *
 *   cma_init_reserved_mem()       a range already reserved in memblock (a
 *                                 reusable shared-dma-pool of the device
 *                                 tree) becomes an area;
 *   cma_declare_contiguous_nid()  an area is placed (or, "fixed", reserved
 *                                 where asked) and then made one (the default
 *                                 area of dma_contiguous_reserve(), per-node
 *                                 areas).
 *
 * Every area counts in totalcma_pages.  The areas are activated later
 * (cma_init_reserved_areas(), a core initcall): their pageblocks become
 * MIGRATE_CMA there, not here.  Only arm64 declares areas in kmm so far, so
 * the code lives with it.
 */
#include <kmm/error.h>
#include <kmm/lib.h>

#include "arm64.h"

int arm64_cma_init_reserved_mem(struct kmm_machine *m, u64 base, u64 size, const char *name)
{
	struct kmm_cma_area *a;

	if (m->nr_cma_areas == ARM64_CMA_AREAS) {
		kmm_printk(&m->env, "cma: Not enough slots for CMA reserved regions!");
		return -KMM_EOVERFLOW;
	}
	if (!size || !memblock_is_region_reserved(&m->memblock, base, size))
		return -KMM_EINVAL;
	if (!KMM_IS_ALIGNED(base | size, ARM64_CMA_MIN_ALIGNMENT_BYTES))
		return -KMM_EINVAL;
	a = &m->cma_areas[m->nr_cma_areas++];
	a->base = base;
	a->size = size;
	kmm_strlcpy(a->name, name, sizeof(a->name));
	m->totalcma_pages += size / ARM64_PAGE_SIZE;
	return 0;
}

/*
 * cma_declare_contiguous_nid().  arm64 has no
 * highmem, so the low/high boundary checks of Linux never apply here.  The
 * placement, when not fixed: with enough memory above 4 GiB, bottom-up from
 * 4 GiB first (to keep the area out of the DMA zones), then top-down below
 * @limit; both exact to @nid.  Neither prints a memblock=debug request line
 * (memblock_alloc_range_nid() is called directly), only the reservation.
 */
int arm64_cma_declare_contiguous_nid(struct kmm_machine *m, u64 base, u64 size, u64 limit,
				     u64 alignment, bool fixed, const char *name, int nid)
{
	struct memblock *mb = &m->memblock;
	u64 memblock_end = memblock_end_of_DRAM(mb);
	int ret;

	if (m->nr_cma_areas == ARM64_CMA_AREAS) {
		kmm_printk(&m->env, "cma: Not enough slots for CMA reserved regions!");
		return -KMM_EOVERFLOW;
	}
	if (!size)
		return -KMM_EINVAL;
	if (alignment && !KMM_IS_POW2(alignment))
		return -KMM_EINVAL;
	alignment = KMM_MAX(alignment, ARM64_CMA_MIN_ALIGNMENT_BYTES);
	if (fixed && (base & (alignment - 1))) {
		kmm_printk(&m->env, "cma: Region at 0x%016llx must be aligned to 0x%016llx bytes",
			   (unsigned long long)base, (unsigned long long)alignment);
		ret = -KMM_EINVAL;
		goto err;
	}
	base = KMM_ALIGN(base, alignment);
	size = KMM_ALIGN(size, alignment);
	limit &= ~(alignment - 1);
	if (!base)
		fixed = false;
	if (limit == 0 || limit > memblock_end)
		limit = memblock_end;
	if (base + size > limit) {
		kmm_printk(&m->env, "cma: Size (0x%016llx) of region at 0x%016llx exceeds limit (0x%016llx)",
			   (unsigned long long)size, (unsigned long long)base,
			   (unsigned long long)limit);
		ret = -KMM_EINVAL;
		goto err;
	}
	if (fixed) {
		if (memblock_is_region_reserved(mb, base, size) ||
		    memblock_reserve_caller(mb, base, size, "cma_declare_contiguous_nid") < 0) {
			ret = -KMM_EBUSY;
			goto err;
		}
	} else {
		u64 addr = 0;

		if (!memblock_bottom_up(mb) && memblock_end >= ARM64_SZ_4G + size) {
			memblock_set_bottom_up(mb, true);
			addr = memblock_alloc_range_nid(mb, size, alignment, ARM64_SZ_4G, limit, nid,
							true);
			memblock_set_bottom_up(mb, false);
		}
		if (!addr)
			addr = memblock_alloc_range_nid(mb, size, alignment, base, limit, nid, true);
		if (!addr) {
			ret = -KMM_ENOMEM;
			goto err;
		}
		base = addr;
	}
	ret = arm64_cma_init_reserved_mem(m, base, size, name);
	if (ret) {
		memblock_phys_free_caller(mb, base, size, "cma_declare_contiguous_nid");
		goto err;
	}
	kmm_printk(&m->env, "cma: Reserved %llu MiB at 0x%016llx",
		   (unsigned long long)(size / ARM64_SZ_1M), (unsigned long long)base);
	return 0;
err:
	kmm_printk(&m->env, "cma: Failed to reserve %llu MiB",
		   (unsigned long long)(size / ARM64_SZ_1M));
	return ret;
}
