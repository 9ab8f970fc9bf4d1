// SPDX-License-Identifier: MIT
/*
 * compaction.c - movable pages, migration and Linux 6.1's compaction
 * (mm/migrate.c, mm/compaction.c); see kmm/compaction.h for the model.
 *
 * Types: struct compact_control (one run on one zone) holds the pages the
 * migration scanner isolated and the free ranges the free scanner took.
 * Entry points: kmm_set_page_movable()/kmm_clear_page_movable(),
 * kmm_migrate_page(), kmm_compact_zone() and kmm_try_to_compact_pages()
 * (the allocation slow path's __alloc_pages_direct_compact), the deferral
 * helpers, and the migration core shared with alloc_contig_range()
 * (page_isolation.c): kmm_isolate_movable_page(), kmm_migrate_one().
 *
 * A movable page keeps its ops in page->next and its owner's priv in
 * page->prev (the list links are unused while a page is allocated), read
 * and written atomically; KMM_PG_ISOLATED marks the one migration that
 * holds it, together with an extra reference.
 */
#include <kmm/check.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/zonelist.h>

#include "compaction_internal.h"
#include "page_alloc_internal.h"

#define COMPACT_CLUSTER_MAX 32 /* pages isolated for migration at a time (SWAP_CLUSTER_MAX) */
#define MAX_FREE_RANGES 64

/* ------------------------------------------------------------ movable pages */

static bool page_is_allocated_base(const struct kmm_page *page)
{
	u16 f = kmm_page_flags(page);

	return !(f & (KMM_PG_RESERVED | KMM_PG_BUDDY | KMM_PG_PCP | KMM_PG_HEAD | KMM_PG_TAIL)) &&
	       __atomic_load_n(&page->refcount, __ATOMIC_RELAXED) > 0 && page->order == 0;
}

int kmm_set_page_movable(struct kmm_machine *m, unsigned long pfn,
			 const struct kmm_movable_ops *ops, void *priv)
{
	struct kmm_page *page = kmm_pfn_to_page(m, pfn);

	if (!page || !ops || !ops->migrate || !page_is_allocated_base(page))
		return -KMM_EINVAL;
	__atomic_store_n(&page->next, (u64)(uintptr_t)ops, __ATOMIC_RELAXED);
	__atomic_store_n(&page->prev, (u64)(uintptr_t)priv, __ATOMIC_RELAXED);
	__atomic_fetch_or(&page->flags, (u16)KMM_PG_MOVABLE, __ATOMIC_RELEASE);
	return 0;
}

int kmm_clear_page_movable(struct kmm_machine *m, unsigned long pfn)
{
	struct kmm_page *page = kmm_pfn_to_page(m, pfn);

	if (!page || !(kmm_page_flags(page) & KMM_PG_MOVABLE))
		return -KMM_EINVAL;
	kmm_page_flags_clear(page, KMM_PG_MOVABLE);
	return 0;
}

bool kmm_page_movable(const struct kmm_machine *m, unsigned long pfn)
{
	const struct kmm_page *page = kmm_pfn_to_page(m, pfn);

	return page && (kmm_page_flags(page) & KMM_PG_MOVABLE) && page_is_allocated_base(page);
}

/*
 * isolate_movable_page(): take a reference on a live movable page
 * (get_page_unless_zero) and mark it isolated; false when it is free, not
 * movable, or another migration has it.
 */
bool kmm_isolate_movable_page(struct kmm_machine *m, unsigned long pfn)
{
	struct kmm_page *page = kmm_pfn_to_page(m, pfn);
	s32 ref;
	u16 f;

	if (!page || !(kmm_page_flags(page) & KMM_PG_MOVABLE))
		return false;
	ref = __atomic_load_n(&page->refcount, __ATOMIC_RELAXED);
	do {
		if (ref <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&page->refcount, &ref, ref + 1, true, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	f = kmm_page_flags(page);
	do {
		if (!(f & KMM_PG_MOVABLE) || (f & (KMM_PG_ISOLATED | KMM_PG_HEAD | KMM_PG_TAIL))) {
			kmm_put_page(m, pfn);
			return false;
		}
	} while (!__atomic_compare_exchange_n(&page->flags, &f, (u16)(f | KMM_PG_ISOLATED), true,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

/* putback_movable_page(): the migration gives the page up */
void kmm_putback_movable_page(struct kmm_machine *m, unsigned long pfn)
{
	kmm_page_flags_clear(kmm_pfn_to_page(m, pfn), KMM_PG_ISOLATED);
	kmm_put_page(m, pfn);
}

/*
 * Migrate the isolated page @old to @new (an order-0 page the caller
 * allocated, refcount 1): copy, ask the owner, and on success move the
 * registration and free @old (its owner's reference and ours).  On
 * failure @new is the caller's to free and @old is put back.  Returns 0
 * or the owner's error (-KMM_EBUSY when the owner is gone).
 *
 * Once ops->migrate returned 0 the owner holds @new and may free it at
 * once, on another CPU.  So everything that touches @new's descriptor
 * happens before the callback: @new gets the registration, the isolated
 * mark (no other migration takes it meanwhile) and a reference of ours;
 * after the callback only that mark is cleared and our reference dropped,
 * which frees @new if its owner already did.
 */
int kmm_migrate_one(struct kmm_machine *m, unsigned long old, unsigned long new)
{
	struct kmm_page *op = kmm_pfn_to_page(m, old), *np = kmm_pfn_to_page(m, new);
	const struct kmm_movable_ops *ops =
		(const void *)(uintptr_t)__atomic_load_n(&op->next, __ATOMIC_ACQUIRE);
	void *priv = (void *)(uintptr_t)__atomic_load_n(&op->prev, __ATOMIC_RELAXED);
	void *src = kmm_pfn_to_virt(m, old), *dst = kmm_pfn_to_virt(m, new);
	int ret;

	if (!(kmm_page_flags(op) & KMM_PG_MOVABLE) || !ops) {
		kmm_putback_movable_page(m, old);
		kmm_count_vm_events(m, KMM_PGMIGRATE_FAIL, 1);
		return -KMM_EBUSY;
	}
	if (src && dst)
		kmm_memcpy(dst, src, KMM_PAGE_SIZE);
	__atomic_store_n(&np->next, (u64)(uintptr_t)ops, __ATOMIC_RELAXED);
	__atomic_store_n(&np->prev, (u64)(uintptr_t)priv, __ATOMIC_RELAXED);
	__atomic_add_fetch(&np->refcount, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&np->flags, (u16)(KMM_PG_MOVABLE | KMM_PG_ISOLATED), __ATOMIC_RELEASE);
	ret = ops->migrate(m, priv, old, new);
	if (ret) {
		kmm_page_flags_clear(np, KMM_PG_MOVABLE | KMM_PG_ISOLATED);
		__atomic_store_n(&np->next, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&np->prev, 0, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&np->refcount, 1, __ATOMIC_RELAXED);
		kmm_putback_movable_page(m, old);
		kmm_count_vm_events(m, KMM_PGMIGRATE_FAIL, 1);
		return ret < 0 ? ret : -KMM_EBUSY;
	}
	/* acquire: an owner that registered @old again meanwhile did so before we free it */
	__atomic_fetch_and(&op->flags, (u16)~(KMM_PG_MOVABLE | KMM_PG_ISOLATED), __ATOMIC_ACQ_REL);
	if (__atomic_sub_fetch(&op->refcount, 2, __ATOMIC_ACQ_REL) == 0)
		kmm_free_page_to_buddy(m, old, 0);
	kmm_page_flags_clear(np, KMM_PG_ISOLATED);
	kmm_put_page(m, new);
	kmm_count_vm_events(m, KMM_PGMIGRATE_SUCCESS, 1);
	return 0;
}

int kmm_migrate_page(struct kmm_machine *m, unsigned long pfn, gfp_t gfp, unsigned long *new_pfn)
{
	unsigned long new;
	int ret;

	if (!kmm_page_movable(m, pfn))
		return -KMM_EINVAL;
	if (!kmm_isolate_movable_page(m, pfn))
		return -KMM_EBUSY;
	ret = kmm_alloc_pages(m, (gfp & ~(gfp_t)__GFP_COMP) | __GFP_NOWARN, 0, &new);
	if (ret) {
		kmm_putback_movable_page(m, pfn);
		return -KMM_ENOMEM;
	}
	ret = kmm_migrate_one(m, pfn, new);
	if (ret) {
		kmm___free_pages(m, new, 0);
		return ret;
	}
	*new_pfn = new;
	return 0;
}

/* ------------------------------------------------------------ suitability */

int kmm_fragmentation_index(const struct kmm_machine *m, const struct kmm_zone *z,
			    unsigned int order)
{
	unsigned long blocks = 0, pages = 0, suitable = 0;

	if (order >= KMM_MAX_ORDER)
		return 0;
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
		unsigned long n = kmm_read_ulong(&z->free_area[o].nr_free);

		blocks += n;
		pages += n << o;
		if (o >= order)
			suitable += n << (o - order);
	}
	if (!blocks)
		return 0;
	if (suitable)
		return -1000;
	/* 1000 - (1000 + 1000 * free_pages / requested) / free_blocks, in integers */
	return 1000 - (int)((1000 + pages * 1000 / (1UL << order)) / blocks);
}

enum kmm_compact_result kmm_compaction_suitable(const struct kmm_machine *m,
						const struct kmm_zone *z, unsigned int order,
						unsigned int alloc_flags, int highest_zoneidx)
{
	long free = (long)kmm_zone_free_pages(z);
	unsigned long mark = kmm_wmark_pages(z, alloc_flags & KMM_ALLOC_WMARK_MASK);
	int fragindex;

	if (kmm_zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags, free))
		return KMM_COMPACT_SUCCESS;
	/* the copies need free pages: min (low for costly orders) plus twice the request */
	mark = kmm_wmark_pages(z, order > KMM_PAGE_ALLOC_COSTLY_ORDER ? KMM_WMARK_LOW : KMM_WMARK_MIN);
	mark += 2UL << order;
	if (!kmm_zone_watermark_ok(m, z, 0, mark, highest_zoneidx, KMM_ALLOC_CMA, free))
		return KMM_COMPACT_SKIPPED;
	if (order > KMM_PAGE_ALLOC_COSTLY_ORDER) {
		fragindex = kmm_fragmentation_index(m, z, order);
		if (fragindex >= 0 && fragindex <= KMM_EXTFRAG_THRESHOLD)
			return KMM_COMPACT_SKIPPED; /* NOT_SUITABLE_ZONE: lack of memory, not fragmentation */
	}
	return KMM_COMPACT_CONTINUE;
}

/* ------------------------------------------------------------ deferral */

bool kmm_compaction_deferred(struct kmm_machine *m, struct kmm_zone *z, unsigned int order)
{
	struct kmm_zone_compact *c = kmm_zone_compact(m, z);
	unsigned int limit = 1u << c->defer_shift;

	if ((int)order < c->order_failed) /* smaller orders than the failed one are not deferred */
		return false;
	if (++c->considered >= limit) {
		c->considered = limit;
		return false;
	}
	return true;
}

void kmm_defer_compaction(struct kmm_machine *m, struct kmm_zone *z, unsigned int order)
{
	struct kmm_zone_compact *c = kmm_zone_compact(m, z);

	c->considered = 0;
	if (++c->defer_shift > KMM_COMPACT_MAX_DEFER_SHIFT)
		c->defer_shift = KMM_COMPACT_MAX_DEFER_SHIFT;
	if ((int)order < c->order_failed)
		c->order_failed = (int)order;
}

void kmm_compaction_defer_reset(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
				bool alloc_success)
{
	struct kmm_zone_compact *c = kmm_zone_compact(m, z);

	if (alloc_success) {
		c->considered = 0;
		c->defer_shift = 0;
	}
	if ((int)order >= c->order_failed)
		c->order_failed = (int)order + 1;
}

/* ------------------------------------------------------------ compact_zone */

struct free_range {
	unsigned long pfn, nr; /* order-0 free pages [pfn, pfn + nr) not on any list */
};

struct compact_control {
	struct kmm_zone *zone;
	int order;                  /* -1: the whole zone */
	unsigned int migratetype;
	unsigned int alloc_flags;
	int highest_zoneidx;
	enum kmm_compact_priority prio;
	unsigned long zone_start, zone_end;
	unsigned long migrate_pfn;  /* next pfn the migration scanner looks at */
	unsigned long free_pfn;     /* start of the next pageblock the free scanner takes (downwards) */
	unsigned long migrate[COMPACT_CLUSTER_MAX];
	unsigned int nr_migrate;
	struct free_range free[MAX_FREE_RANGES];
	unsigned int nr_free_ranges;
	unsigned long nr_free_pages;
	unsigned long migrate_scanned, free_scanned, isolated;
};

static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> KMM_PAGEBLOCK_ORDER) <= (cc->migrate_pfn >> KMM_PAGEBLOCK_ORDER);
}

/* pageblock_pfn_to_page(): [start, end) is all in the zone and has a memmap */
static bool block_in_zone(struct kmm_machine *m, const struct compact_control *cc,
			  unsigned long start, unsigned long end)
{
	return start >= cc->zone_start && end <= cc->zone_end && kmm_pfn_has_memmap(m, start) &&
	       kmm_pfn_has_memmap(m, end - 1) && kmm_pfn_zone(m, start) == cc->zone &&
	       kmm_pfn_zone(m, end - 1) == cc->zone;
}

static bool migrate_async_suitable(unsigned int mt)
{
	return mt == KMM_MIGRATE_MOVABLE || mt == KMM_MIGRATE_CMA;
}

/*
 * isolate_migratepages(): from cc->migrate_pfn to the end of its pageblock,
 * isolate movable pages until COMPACT_CLUSTER_MAX are held.  Async runs
 * only take from MOVABLE and CMA pageblocks.  The walk runs under the zone
 * lock, so a free block's order (page->private) is stable while it is
 * skipped; the candidates are isolated after the lock is dropped (that
 * takes their reference atomically and fails for a page freed meanwhile).
 */
static void isolate_migratepages(struct kmm_machine *m, struct compact_control *cc)
{
	unsigned long pfn = cc->migrate_pfn, cand[COMPACT_CLUSTER_MAX];
	unsigned long block = pfn & ~(KMM_PAGEBLOCK_NR_PAGES - 1);
	unsigned long end = KMM_MIN(block + KMM_PAGEBLOCK_NR_PAGES, cc->zone_end);
	unsigned long start = KMM_MAX(block, cc->zone_start);
	struct kmm_spinlock *lock = kmm_zone_lock(m, cc->zone);
	unsigned int mt, nr = 0;

	mt = block_in_zone(m, cc, start, end) ? kmm_get_pageblock_migratetype(m, block)
					      : KMM_MIGRATE_ISOLATE;
	if (mt == KMM_MIGRATE_ISOLATE ||
	    (cc->prio == KMM_COMPACT_PRIO_ASYNC && !migrate_async_suitable(mt))) {
		cc->migrate_scanned += end - pfn;
		cc->migrate_pfn = end;
		return;
	}
	kmm_spin_lock(lock);
	while (pfn < end && nr < COMPACT_CLUSTER_MAX - cc->nr_migrate) {
		const struct kmm_page *page = kmm_pfn_to_page(m, pfn);
		u16 f = kmm_page_flags(page);

		cc->migrate_scanned++;
		if (f & KMM_PG_BUDDY) {
			pfn += 1UL << page->private;
			continue;
		}
		if ((f & KMM_PG_MOVABLE) && !(f & KMM_PG_ISOLATED))
			cand[nr++] = pfn;
		pfn++;
	}
	kmm_spin_unlock(lock);
	cc->migrate_pfn = pfn;
	for (unsigned int i = 0; i < nr; i++)
		if (kmm_isolate_movable_page(m, cand[i])) {
			cc->migrate[cc->nr_migrate++] = cand[i];
			cc->isolated++;
		}
}

/* suitable_migration_target(): free pages of this pageblock may receive migrated pages */
static bool suitable_target_block(struct kmm_machine *m, const struct compact_control *cc,
				  unsigned long block)
{
	unsigned int mt = kmm_get_pageblock_migratetype(m, block);

	if (mt == KMM_MIGRATE_ISOLATE || mt == KMM_MIGRATE_HIGHATOMIC)
		return false;
	if (cc->prio == KMM_COMPACT_PRIO_SYNC_FULL)
		return true; /* ignore_block_suitable */
	return migrate_async_suitable(mt);
}

/*
 * isolate_freepages_block(): take every free block below pageblock_order
 * of the pageblock [start, end) (zone lock held); returns false once the
 * zone reached its watermark floor.
 */
static bool isolate_freepages_block(struct kmm_machine *m, struct compact_control *cc,
				    unsigned long start, unsigned long end)
{
	for (unsigned long pfn = start; pfn < end;) {
		const struct kmm_page *page = kmm_pfn_to_page(m, pfn);
		unsigned int order;
		unsigned long got;

		cc->free_scanned++;
		if (!(kmm_page_flags(page) & KMM_PG_BUDDY)) {
			pfn++;
			continue;
		}
		order = page->private;
		if (order >= KMM_PAGEBLOCK_ORDER || cc->nr_free_ranges == MAX_FREE_RANGES) {
			pfn += 1UL << order; /* never break up whole pageblocks */
			continue;
		}
		got = kmm_isolate_free_block(m, cc->zone, pfn, order);
		if (!got)
			return false;
		cc->free[cc->nr_free_ranges++] = (struct free_range){ pfn, got };
		cc->nr_free_pages += got;
		cc->isolated += got;
		pfn += got;
	}
	return true;
}

/* isolate_freepages(): pageblocks from the zone end down, until the migration batch has targets */
static void isolate_freepages(struct kmm_machine *m, struct compact_control *cc)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, cc->zone);

	while (cc->nr_free_pages < cc->nr_migrate && !compact_scanners_met(cc)) {
		unsigned long block = cc->free_pfn;
		unsigned long start = KMM_MAX(block, cc->zone_start);
		unsigned long end = KMM_MIN(block + KMM_PAGEBLOCK_NR_PAGES, cc->zone_end);
		bool ok = true;

		cc->free_pfn -= KMM_PAGEBLOCK_NR_PAGES;
		if (!block_in_zone(m, cc, start, end) || !suitable_target_block(m, cc, block))
			continue;
		kmm_spin_lock(lock);
		ok = isolate_freepages_block(m, cc, start, end);
		kmm_spin_unlock(lock);
		if (!ok)
			break;
	}
}

/* compaction_alloc(): one target page from the free ranges; KMM_PFN_NONE when none is left */
static unsigned long compaction_alloc(struct kmm_machine *m, struct compact_control *cc)
{
	struct free_range *r;
	unsigned long pfn;

	if (!cc->nr_free_pages)
		isolate_freepages(m, cc);
	if (!cc->nr_free_pages)
		return KMM_PFN_NONE;
	r = &cc->free[cc->nr_free_ranges - 1];
	pfn = r->pfn + --r->nr;
	if (!r->nr)
		cc->nr_free_ranges--;
	cc->nr_free_pages--;
	kmm_prep_new_page(m, pfn, 0, 0);
	return pfn;
}

/* a target page that was not used goes back with the unused ranges */
static void compaction_free(struct kmm_machine *m, struct compact_control *cc, unsigned long pfn)
{
	struct kmm_page *page = kmm_pfn_to_page(m, pfn);

	__atomic_store_n(&page->refcount, 0, __ATOMIC_RELAXED);
	page->order = 0;
	if (cc->nr_free_ranges < MAX_FREE_RANGES) {
		cc->free[cc->nr_free_ranges++] = (struct free_range){ pfn, 1 };
		cc->nr_free_pages++;
	} else {
		kmm_free_page_to_buddy(m, pfn, 0);
	}
}

/* release_freepages(): the free pages not used go back to the free lists */
static void release_freepages(struct kmm_machine *m, struct compact_control *cc)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, cc->zone);

	kmm_spin_lock(lock);
	for (unsigned int i = 0; i < cc->nr_free_ranges; i++)
		for (unsigned long p = cc->free[i].pfn; p < cc->free[i].pfn + cc->free[i].nr; p++)
			__kmm_free_one_page(m, cc->zone, p, 0, kmm_get_pageblock_migratetype(m, p),
					    false);
	kmm_spin_unlock(lock);
	cc->nr_free_ranges = 0;
	cc->nr_free_pages = 0;
}

/* migrate_pages() of the batch; false when targets ran out (the rest is put back) */
static bool migrate_batch(struct kmm_machine *m, struct compact_control *cc)
{
	bool ok = true;

	for (unsigned int i = 0; i < cc->nr_migrate; i++) {
		unsigned long new = ok ? compaction_alloc(m, cc) : KMM_PFN_NONE;

		if (new == KMM_PFN_NONE) {
			ok = false;
			kmm_putback_movable_page(m, cc->migrate[i]);
			continue;
		}
		if (kmm_migrate_one(m, cc->migrate[i], new))
			compaction_free(m, cc, new);
	}
	cc->nr_migrate = 0;
	return ok;
}

/*
 * __compact_finished(): a free block of the order for the request's type
 * exists (its own list, CMA for movable requests, or a list it may steal
 * from at that order).
 */
static bool compact_block_free(struct kmm_machine *m, const struct compact_control *cc)
{
	const struct kmm_zone *z = cc->zone;

	for (unsigned int o = (unsigned int)cc->order; o < KMM_MAX_ORDER; o++) {
		const struct kmm_free_area *fa = &z->free_area[o];

		if (kmm_read_ulong(&fa->nr[cc->migratetype]))
			return true;
		if (m->kernel.cma && cc->migratetype == KMM_MIGRATE_MOVABLE &&
		    kmm_read_ulong(&fa->nr[KMM_MIGRATE_CMA]))
			return true;
		if (o >= KMM_PAGEBLOCK_ORDER / 2 || cc->migratetype != KMM_MIGRATE_MOVABLE)
			for (unsigned int t = 0; t < KMM_MIGRATE_PCPTYPES; t++)
				if (t != cc->migratetype && kmm_read_ulong(&fa->nr[t]))
					return true;
	}
	return false;
}

static enum kmm_compact_result compact_loop(struct kmm_machine *m, struct compact_control *cc)
{
	for (;;) {
		if (compact_scanners_met(cc))
			return KMM_COMPACT_COMPLETE;
		if (cc->order > 0 && compact_block_free(m, cc))
			return KMM_COMPACT_SUCCESS;
		isolate_migratepages(m, cc);
		if (!cc->nr_migrate)
			continue;
		if (!migrate_batch(m, cc))
			return compact_scanners_met(cc) ? KMM_COMPACT_COMPLETE : KMM_COMPACT_CONTENDED;
	}
}

enum kmm_compact_result kmm_compact_zone(struct kmm_machine *m, struct kmm_zone *z, int order,
					 gfp_t gfp, unsigned int alloc_flags, int highest_zoneidx,
					 enum kmm_compact_priority prio)
{
	struct kmm_zone_compact *zc = kmm_zone_compact(m, z);
	struct compact_control *cc;
	enum kmm_compact_result ret;
	struct compact_control ccs;

	if (!z->managed_pages || order >= KMM_MAX_ORDER || order < -1)
		return KMM_COMPACT_SKIPPED;
	if (order >= 0) {
		ret = kmm_compaction_suitable(m, z, (unsigned int)order, alloc_flags, highest_zoneidx);
		if (ret != KMM_COMPACT_CONTINUE)
			return ret;
	}
	if (!kmm_spin_trylock(&zc->lock))
		return KMM_COMPACT_CONTENDED;
	cc = &ccs;
	kmm_memset(cc, 0, sizeof(*cc));
	cc->zone = z;
	cc->order = order;
	cc->migratetype = kmm_gfp_migratetype(m, gfp);
	cc->alloc_flags = alloc_flags;
	cc->highest_zoneidx = highest_zoneidx;
	cc->prio = prio;
	cc->zone_start = z->zone_start_pfn;
	cc->zone_end = z->zone_start_pfn + z->spanned_pages;
	cc->migrate_pfn = cc->zone_start;
	cc->free_pfn = (cc->zone_end - 1) & ~(KMM_PAGEBLOCK_NR_PAGES - 1);
	kmm_drain_all_pages(m, z); /* pages on per-CPU lists cannot merge */
	ret = compact_loop(m, cc);
	for (unsigned int i = 0; i < cc->nr_migrate; i++)
		kmm_putback_movable_page(m, cc->migrate[i]);
	release_freepages(m, cc);
	kmm_count_vm_events(m, KMM_COMPACTMIGRATE_SCANNED, cc->migrate_scanned);
	kmm_count_vm_events(m, KMM_COMPACTFREE_SCANNED, cc->free_scanned);
	kmm_count_vm_events(m, KMM_COMPACTISOLATED, cc->isolated);
	kmm_spin_unlock(&zc->lock);
	return ret;
}

enum kmm_compact_result kmm_try_to_compact_pages(struct kmm_machine *m, gfp_t gfp,
						 unsigned int order, unsigned int alloc_flags,
						 int nid, int highest_zoneidx,
						 enum kmm_compact_priority prio)
{
	const struct kmm_zonelist *zl;
	enum kmm_compact_result rc = KMM_COMPACT_SKIPPED;
	struct kmm_zone *z;
	unsigned int i;

	/* compaction may do I/O in Linux (writeback of dirty pages): it needs __GFP_IO */
	if (!order || !(gfp & __GFP_IO) || nid < 0 || nid >= KMM_MAX_NUMNODES)
		return KMM_COMPACT_SKIPPED;
	zl = kmm_node_zonelist(m, nid, (gfp & __GFP_THISNODE) && m->zonelists.numa
					       ? KMM_ZONELIST_NOFALLBACK
					       : KMM_ZONELIST_FALLBACK);
	if (!zl)
		return KMM_COMPACT_SKIPPED;
	kmm_for_each_zone_zonelist(m, z, i, zl, highest_zoneidx) {
		enum kmm_compact_result status;

		if (prio > KMM_COMPACT_PRIO_SYNC_FULL && kmm_compaction_deferred(m, z, order)) {
			rc = KMM_MAX(rc, KMM_COMPACT_DEFERRED);
			continue;
		}
		status = kmm_compact_zone(m, z, (int)order, gfp, alloc_flags, highest_zoneidx, prio);
		rc = KMM_MAX(status, rc);
		if (status == KMM_COMPACT_SUCCESS) {
			/* the allocation may still fail; only a real success resets the deferral */
			kmm_compaction_defer_reset(m, z, order, false);
			break;
		}
		if (prio != KMM_COMPACT_PRIO_ASYNC &&
		    (status == KMM_COMPACT_COMPLETE || status == KMM_COMPACT_PARTIAL_SKIPPED))
			kmm_defer_compaction(m, z, order);
	}
	return rc;
}

void kmm_compact_memory(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++) {
			struct kmm_zone *z = &m->node[nid].zones[zi];

			if (z->present_pages)
				kmm_compact_zone(m, z, -1, GFP_KERNEL | __GFP_MOVABLE, 0, (int)zi,
						 KMM_COMPACT_PRIO_SYNC_FULL);
		}
}
