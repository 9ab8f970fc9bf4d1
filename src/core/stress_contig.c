// SPDX-License-Identifier: MIT
/*
 * stress_contig.c - the stress driver's built-in contig hooks
 * (kmm/stress.h): contiguous allocations from the CMA areas
 * (cma_alloc/cma_release, kmm/cma.h) or over ranges a policy picks
 * (alloc_contig_range/free_contig_range, kmm/compaction.h).
 *
 * Types: struct kmm_stress_contig, the hook's ctx: the areas or zones to
 * pick from, fixed when the hook is made, and an atomic call counter that
 * feeds the random picks.  Entry points: kmm_stress_machine_has_cma(),
 * kmm_stress_cma_hook(), kmm_stress_contig_range_hook(); the hooks
 * themselves are the static functions they install.
 *
 * Both hooks run on any worker at once: the ctx is read-only during the
 * run except for @seq, and the allocator's own locks (the CMA area lock and
 * cma_mutex, the zone locks, pageblock isolation) serialise the rest.  A
 * range that is busy (an unmovable page, a pageblock another thread is
 * isolating) is part of the workload: -KMM_EBUSY, not an error.
 */
#include <kmm/cma.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/gfp.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/stress.h>

#define PB_NR KMM_PAGEBLOCK_NR_PAGES

static u64 next_random(struct kmm_stress_contig *c)
{
	u64 seq = atomic_fetch_add_explicit(&c->seq, 1, memory_order_relaxed);

	return kmm_splitmix64(c->seed ^ kmm_splitmix64(seq)); /* one value per (seed, call) */
}

/* ------------------------------------------------------------------ CMA */

static unsigned long area_base_pfn(const struct kmm_machine *m, unsigned int idx)
{
	return (unsigned long)(m->cma_areas[idx].base / KMM_PAGE_SIZE);
}

static unsigned long area_pages(const struct kmm_machine *m, unsigned int idx)
{
	return (unsigned long)(m->cma_areas[idx].size / KMM_PAGE_SIZE);
}

/* the area was activated: its first pageblock is MIGRATE_CMA (cma_activate_area) */
static bool area_active(const struct kmm_machine *m, unsigned int idx)
{
	unsigned long base = area_base_pfn(m, idx);

	return m->cma_areas[idx].size && kmm_pfn_to_page(m, base) &&
	       kmm_get_pageblock_migratetype(m, base) == KMM_MIGRATE_CMA;
}

bool kmm_stress_machine_has_cma(struct kmm_machine *m)
{
	if (!m->kernel.cma || !m->env.phys_to_virt)
		return false;
	for (unsigned int i = 0; i < m->nr_cma_areas && i < KMM_CMA_AREAS; i++)
		if (area_active(m, i))
			return true;
	return false;
}

/* cma_alloc() of @nr pages: the areas in turn from a rotating first one */
static int cma_hook_alloc(void *ctx, struct kmm_machine *m, unsigned long nr, unsigned long *pfn)
{
	struct kmm_stress_contig *c = ctx;
	unsigned int first = (unsigned int)(next_random(c) % c->nr);
	int ret = -KMM_ENOMEM;

	for (unsigned int k = 0; k < c->nr; k++) {
		ret = kmm_cma_alloc(m, c->area[(first + k) % c->nr], nr, 0, true, pfn);
		if (ret != -KMM_ENOMEM && ret != -KMM_EBUSY)
			return ret;
	}
	return ret;
}

/* cma_release() to the area that holds [pfn, pfn + nr) */
static int cma_hook_free(void *ctx, struct kmm_machine *m, unsigned long pfn, unsigned long nr)
{
	struct kmm_stress_contig *c = ctx;

	for (unsigned int k = 0; k < c->nr; k++) {
		unsigned int idx = c->area[k];
		unsigned long base = area_base_pfn(m, idx);

		if (pfn >= base && pfn - base < area_pages(m, idx))
			return kmm_cma_release(m, idx, pfn, nr);
	}
	return -KMM_EINVAL;
}

int kmm_stress_cma_hook(struct kmm_machine *m, struct kmm_stress_contig *ctx,
			struct kmm_stress_contig_hook *hook, char *err, size_t errlen)
{
	if (!m->kernel.cma) {
		kmm_snprintf(err, errlen, "the kernel is built without CONFIG_CMA");
		return -KMM_ENOTSUP;
	}
	if (!m->env.phys_to_virt) {
		kmm_snprintf(err, errlen, "CMA needs the direct map (the env's phys_to_virt)");
		return -KMM_ENOTSUP;
	}
	kmm_memset(ctx, 0, sizeof(*ctx));
	ctx->policy = KMM_STRESS_CONTIG_CMA;
	for (unsigned int i = 0; i < m->nr_cma_areas && i < KMM_CMA_AREAS; i++) {
		int ret;

		if (!area_active(m, i))
			continue;
		/* the bitmap now, not in the middle of the run */
		ret = kmm_cma_area_init_bitmap(m, i);
		if (ret) {
			kmm_snprintf(err, errlen, "CMA area %s: no bitmap: error %d",
				     m->cma_areas[i].name, ret);
			return ret;
		}
		ctx->area[ctx->nr++] = i;
	}
	if (!ctx->nr) {
		kmm_snprintf(err, errlen, "the machine has no active CMA area (%u declared)",
			     m->nr_cma_areas);
		return -KMM_ENOTSUP;
	}
	atomic_init(&ctx->seq, 0);
	*hook = (struct kmm_stress_contig_hook){ cma_hook_alloc, cma_hook_free, ctx };
	return 0;
}

/* ------------------------------------------------------------------ ranges */

/* the smallest power of two >= @nr */
static unsigned long pow2_above(unsigned long nr)
{
	unsigned long a = 1;

	while (a < nr)
		a <<= 1;
	return a;
}

/* a random start for @nr pages, aligned to pow2_above(@nr), in one of ctx's zones */
static unsigned long pick_range(struct kmm_stress_contig *c, unsigned long nr)
{
	unsigned long align = pow2_above(nr), at;
	u64 r = next_random(c);
	unsigned int k = 0;

	at = (unsigned long)((r >> 32) * c->total >> 32);
	while (at >= c->zone[k].end - c->zone[k].start) {
		at -= c->zone[k].end - c->zone[k].start;
		k++;
	}
	/* zone starts are pageblock-aligned, so aligning the offset aligns the pfn */
	return c->zone[k].start + (at & ~(align - 1));
}

/* the range has a memmap at both ends and one zone (holes make no contiguous range) */
static bool range_backed(struct kmm_machine *m, unsigned long start, unsigned long end)
{
	struct kmm_zone *z = kmm_pfn_zone(m, start);

	return kmm_pfn_to_page(m, start) && kmm_pfn_to_page(m, end - 1) && z &&
	       kmm_pfn_zone(m, end - 1) == z;
}

static int range_hook_alloc(void *ctx, struct kmm_machine *m, unsigned long nr,
			    unsigned long *pfn)
{
	struct kmm_stress_contig *c = ctx;
	int ret = -KMM_EBUSY;

	if (!nr || nr > PB_NR)
		return -KMM_EINVAL;
	for (unsigned int t = 0; t < KMM_STRESS_RANGE_TRIES; t++) {
		unsigned long start = pick_range(c, nr);

		if (!range_backed(m, start, start + nr))
			continue;
		ret = kmm_alloc_contig_range(m, start, start + nr, KMM_MIGRATE_MOVABLE,
					     GFP_KERNEL | __GFP_NOWARN);
		if (!ret) {
			*pfn = start;
			return 0;
		}
		if (ret != -KMM_EBUSY)
			return ret;
	}
	return -KMM_EBUSY;
}

static int range_hook_free(void *ctx, struct kmm_machine *m, unsigned long pfn, unsigned long nr)
{
	(void)ctx;
	return kmm_free_contig_range(m, pfn, nr);
}

static bool range_zone_kind(enum kmm_zone_kind kind, bool dma32)
{
	if (dma32)
		return kind == KMM_ZONE_DMA32;
	return kind == KMM_ZONE_NORMAL || kind == KMM_ZONE_HIGHMEM || kind == KMM_ZONE_MOVABLE;
}

/* the whole pageblocks of every populated zone of the kinds range_zone_kind() takes */
static void collect_zones(struct kmm_machine *m, struct kmm_stress_contig *c, bool dma32)
{
	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		for (unsigned int zi = 0; m->node[n].online && zi < m->zone_layout.nr; zi++) {
			const struct kmm_zone *z = &m->node[n].zones[zi];
			unsigned long start = KMM_ALIGN(z->zone_start_pfn, PB_NR);
			unsigned long end = (z->zone_start_pfn + z->spanned_pages) & ~(PB_NR - 1);

			if (!z->managed_pages || !range_zone_kind(z->kind, dma32) || end <= start)
				continue;
			c->zone[c->nr].start = start;
			c->zone[c->nr].end = end;
			c->nr++;
			c->total += end - start;
		}
	}
}

int kmm_stress_contig_range_hook(struct kmm_machine *m, u64 seed, struct kmm_stress_contig *ctx,
				 struct kmm_stress_contig_hook *hook, char *err, size_t errlen)
{
	kmm_memset(ctx, 0, sizeof(*ctx));
	ctx->policy = KMM_STRESS_CONTIG_RANGE;
	ctx->seed = seed;
	collect_zones(m, ctx, false);
	if (!ctx->nr)
		collect_zones(m, ctx, true);
	if (!ctx->nr) {
		kmm_snprintf(err, errlen, "no Normal, HighMem, Movable or DMA32 zone with a whole "
					  "pageblock to allocate ranges from");
		return -KMM_EINVAL;
	}
	atomic_init(&ctx->seq, 0);
	*hook = (struct kmm_stress_contig_hook){ range_hook_alloc, range_hook_free, ctx };
	return 0;
}
