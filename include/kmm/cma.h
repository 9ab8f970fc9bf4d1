/* SPDX-License-Identifier: MIT */
/*
 * kmm/cma.h - allocating from the Contiguous Memory Allocator's areas
 * (Linux 6.1 mm/cma.c cma_alloc/cma_release).
 *
 * The areas are m->cma_areas[0, nr_cma_areas), declared at boot and
 * activated by kmm_cma_init_reserved_areas() (late_init.h): their
 * pageblocks are MIGRATE_CMA, free, and used by movable allocations until
 * a CMA allocation claims them back through kmm_alloc_contig_range().
 *
 * Each area keeps a bitmap of the pages handed out (order_per_bit 0, as
 * for every area Linux 6.1 declares from the device tree or cma=: one bit
 * per page).  Linux allocates it with bitmap_zalloc() when the area is
 * activated; kmm has no kmalloc, so the bitmap is made of whole pages
 * from the page allocator (GFP_KERNEL, ceil(count / 32768) pages rounded up
 * to an order), in simulated memory, on the first kmm_cma_alloc() of the
 * area (kmm_cma_area_init_bitmap() makes it earlier, for a caller that
 * wants it made at activation).  It needs the direct map (phys_to_virt).
 *
 * Locks: the bitmap is under the area's lock; alloc_contig_range() calls
 * are serialised by one lock of the machine (Linux's cma_mutex).
 */
#ifndef KMM_CMA_H
#define KMM_CMA_H

#include <stdatomic.h>

#include <kmm/env.h>
#include <kmm/spinlock.h>

#define KMM_CMA_AREAS 19 /* CONFIG_CMA_AREAS of the Debian 6.1 builds */

struct kmm_machine;

/* Run-time state of one area (the declared base/size/name live in m->cma_areas[]). */
struct kmm_cma_rt {
	struct kmm_spinlock lock;   /* cma->lock: the bitmap */
	unsigned long bitmap_pfn;   /* first page of the bitmap */
	unsigned int bitmap_order;  /* the bitmap's allocation order */
	bool has_bitmap;
	atomic_ulong nr_allocated;  /* pages handed out now */
};

struct kmm_cma_state {
	struct kmm_spinlock contig_lock; /* cma_mutex */
	struct kmm_cma_rt area[KMM_CMA_AREAS];
};

/*
 * kmm_cma_area_init_bitmap - allocate area @idx's bitmap now.  Returns 0
 * (also when it exists), -KMM_EINVAL (no such active area), -KMM_ENOTSUP
 * (no CONFIG_CMA, or no direct map), -KMM_ENOMEM.
 */
int kmm_cma_area_init_bitmap(struct kmm_machine *m, unsigned int idx);

/*
 * kmm_cma_alloc - cma_alloc(): @count pages from area @idx, the first
 * aligned to 2^@align pages, in *@pfn.  Tries each free aligned stretch of
 * the bitmap in turn, from the start, while alloc_contig_range() says
 * busy.  On failure prints Linux's "cma_alloc: NAME: alloc failed,
 * req-size: N pages, ret: -12" and the area's free stretches, unless
 * @no_warn.  Counts cma_alloc_success/fail.  Returns 0, -KMM_EINVAL (@idx
 * not an active area, @count 0, @align >= 32), -KMM_ENOTSUP (as above),
 * -KMM_ENOMEM (no free stretch), -KMM_EBUSY (every stretch busy).
 */
int kmm_cma_alloc(struct kmm_machine *m, unsigned int idx, unsigned long count,
		  unsigned int align, bool no_warn, unsigned long *pfn);

/*
 * kmm_cma_release - cma_release(): give back @count pages from @pfn that
 * kmm_cma_alloc() returned from area @idx.  Returns 0, or -KMM_EINVAL when
 * the range is not inside the area or not allocated (nothing is freed).
 */
int kmm_cma_release(struct kmm_machine *m, unsigned int idx, unsigned long pfn,
		    unsigned long count);

/* kmm_cma_allocated - pages of area @idx handed out now (0 for a bad index) */
unsigned long kmm_cma_allocated(const struct kmm_machine *m, unsigned int idx);

#endif /* KMM_CMA_H */
