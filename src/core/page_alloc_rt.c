// SPDX-License-Identifier: MIT
/*
 * page_alloc_rt.c - the page allocator at run time: Linux 6.1's
 * __alloc_pages() and __free_pages() with their per-CPU lists, migrate-type
 * fallbacks and reserves (see kmm/page_alloc.h for the model and the API).
 *
 * Allocation: kmm_alloc_pages_node()
 *   -> get_page_from_freelist(): zones of the zonelist at or below the
 *      request's highest zone, first the fast way (low watermark, local
 *      node first when ALLOC_NOFRAGMENT keeps DMA32 for later)
 *   -> zone_watermark_fast() / kmm_zone_watermark_ok()
 *   -> rmqueue(): the per-CPU list (refilled by rmqueue_bulk()) for orders
 *      0..3 and 9, else the free lists under the zone lock
 *   -> __rmqueue(): smallest block of the type, CMA for movable requests,
 *      else __rmqueue_fallback() steals from another type
 *   -> prep_new_page(): refcount, zeroing, compound pages, poison check.
 *   The slow path (alloc_slowpath) retries at the min watermark with the
 *   allowances of gfp_to_alloc_flags(), without watermarks for
 *   __GFP_MEMALLOC, and, for requests that may reclaim, after draining the
 *   per-CPU lists and the highatomic reserve.
 *
 * Freeing: kmm___free_pages() -> checks (bad_page reports) -> free_the_page()
 *   -> free_unref_page() onto the CPU's list, which free_pcppages_bulk()
 *   trims back to the zone's pcp high, or __free_pages_ok() for big blocks
 *   -> __kmm_free_one_page() (page_alloc.c) merges buddies.
 *
 * Locks: a CPU's pcp lock, then the zone lock (never the other way).  The
 * fast paths take the pcp lock with a trylock, as 6.1 does, and go to the
 * free lists when a drain holds it.
 */
#include <kmm/check.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/percpu.h>
#include <kmm/sparse.h>
#include <kmm/vmscan.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#include "page_alloc_internal.h"

#define PAGE_SHIFT 12
/* page poisoning (CONFIG_PAGE_POISONING with page_poison=1) in debug builds */
#define KMM_PAGE_POISONING (KMM_DEBUG_LEVEL >= 1)
#define DEFAULT_WATERMARK_BOOST_FACTOR 15000

_Static_assert(KMM_NR_PCP_LISTS == 13, "6.1 with THP: 3 types x orders 0..3, one order-9 list");
_Static_assert(KMM_PCP_MAX_ZONES < 255, "pcp slots are stored + 1 in a u8");
_Static_assert(KMM_ALLOC_HIGH == __GFP_HIGH && KMM_ALLOC_KSWAPD == __GFP_KSWAPD_RECLAIM,
	       "gfp_to_alloc_flags() copies these bits");

/* struct alloc_context: what one request walks */
struct alloc_ctx {
	const struct kmm_zonelist *zl;
	unsigned int preferred; /* index in zl of preferred_zoneref; zl->nr: none */
	int highest_zoneidx;
	unsigned int migratetype;
	unsigned int cpu;
	int nid;                /* the node whose zonelist this is */
	int local_nid;          /* numa_node_id(): the allocating CPU's node */
};

/*
 * The fallback order of each migrate type when its own lists are empty
 * (6.1's fallbacks[]); CMA, HIGHATOMIC and ISOLATE never steal.
 */
static const u8 fallbacks[KMM_MIGRATE_TYPES][3] = {
	[KMM_MIGRATE_UNMOVABLE] = { KMM_MIGRATE_RECLAIMABLE, KMM_MIGRATE_MOVABLE, KMM_MIGRATE_TYPES },
	[KMM_MIGRATE_MOVABLE] = { KMM_MIGRATE_RECLAIMABLE, KMM_MIGRATE_UNMOVABLE, KMM_MIGRATE_TYPES },
	[KMM_MIGRATE_RECLAIMABLE] = { KMM_MIGRATE_UNMOVABLE, KMM_MIGRATE_MOVABLE, KMM_MIGRATE_TYPES },
	[KMM_MIGRATE_HIGHATOMIC] = { KMM_MIGRATE_TYPES },
	[KMM_MIGRATE_CMA] = { KMM_MIGRATE_TYPES },
	[KMM_MIGRATE_ISOLATE] = { KMM_MIGRATE_TYPES },
};

/* ------------------------------------------------------------ flags */

int kmm_gfp_zone(const struct kmm_machine *m, gfp_t flags)
{
	unsigned int bits = flags & GFP_ZONEMASK;
	enum kmm_zone_kind kind;
	int idx;

	if (!m->zone_layout.nr)
		return -KMM_EINVAL;
	switch (bits & ~__GFP_MOVABLE) {
	case 0:
		kind = KMM_ZONE_NORMAL;
		break;
	case __GFP_DMA:
		kind = KMM_ZONE_DMA;
		break;
	case __GFP_DMA32:
		kind = KMM_ZONE_DMA32;
		break;
	case __GFP_HIGHMEM:
		kind = (bits & __GFP_MOVABLE) ? KMM_ZONE_MOVABLE : KMM_ZONE_HIGHMEM;
		break;
	default:
		return -KMM_EINVAL; /* GFP_ZONE_BAD */
	}
	idx = kmm_zone_layout_index(&m->zone_layout, kind);
	if (idx < 0) /* OPT_ZONE_DMA/DMA32/HIGHMEM of a build without that zone */
		idx = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_NORMAL);
	return idx;
}

bool kmm_page_group_by_mobility_disabled(const struct kmm_machine *m)
{
	return m->zonelists.mobility_disabled;
}

enum kmm_migratetype kmm_gfp_migratetype(const struct kmm_machine *m, gfp_t flags)
{
	if (kmm_page_group_by_mobility_disabled(m))
		return KMM_MIGRATE_UNMOVABLE;
	return (enum kmm_migratetype)((flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/* gfp_to_alloc_flags_cma(): movable requests may use CMA pageblocks */
static unsigned int alloc_flags_cma(const struct kmm_machine *m, gfp_t gfp, unsigned int flags)
{
	if (m->kernel.cma && kmm_gfp_migratetype(m, gfp) == KMM_MIGRATE_MOVABLE)
		flags |= KMM_ALLOC_CMA;
	return flags;
}

/* gfp_to_alloc_flags(): the slow path's allowances */
static unsigned int gfp_to_alloc_flags(const struct kmm_machine *m, gfp_t gfp)
{
	unsigned int flags = KMM_ALLOC_WMARK_MIN | KMM_ALLOC_CPUSET;

	flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (gfp & __GFP_ATOMIC) {
		if (!(gfp & __GFP_NOMEMALLOC))
			flags |= KMM_ALLOC_HARDER;
		flags &= ~(unsigned int)KMM_ALLOC_CPUSET;
	}
	return alloc_flags_cma(m, gfp, flags);
}

/*
 * __gfp_pfmemalloc_flags(): __GFP_MEMALLOC, and a CPU running reclaim
 * (PF_MEMALLOC: its shrinkers free memory and may need some to do so), may
 * ignore the watermarks; kmm has no OOM victims.
 */
static unsigned int gfp_pfmemalloc_flags(const struct kmm_machine *m, gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if ((gfp & __GFP_MEMALLOC) || kmm_in_reclaim(m))
		return KMM_ALLOC_NO_WATERMARKS;
	return 0;
}

/* ------------------------------------------------------------ CPUs */

static unsigned int nr_pcp_cpus(const struct kmm_machine *m)
{
	unsigned int online = m->nr_online_cpus ? m->nr_online_cpus : 1; /* num_online_cpus() */

	return KMM_MIN(online, (unsigned int)KMM_PCP_MAX_CPUS);
}

int kmm_set_this_cpu(struct kmm_machine *m, unsigned int cpu)
{
	if (!m->env.set_this_cpu || !m->env.this_cpu)
		return -KMM_ENOTSUP;
	if (cpu >= nr_pcp_cpus(m))
		return -KMM_EINVAL;
	m->env.set_this_cpu(m->env.opaque, cpu);
	return 0;
}

unsigned int kmm_this_cpu(const struct kmm_machine *m)
{
	unsigned int cpu = m->env.this_cpu ? m->env.this_cpu(m->env.opaque) : 0;

	return cpu < nr_pcp_cpus(m) ? cpu : 0;
}

int kmm_cpu_to_node(const struct kmm_machine *m, unsigned int cpu)
{
	int nid = m->percpu.ready && cpu < m->percpu.nr_cpu_ids ? m->percpu.cpu_node[cpu] : 0;

	if (nid >= 0 && nid < KMM_MAX_NUMNODES && m->node[nid].online)
		return nid;
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (m->node[nid].online)
			return nid;
	return 0;
}

/* ------------------------------------------------------------ per-CPU lists */

static bool pcp_allowed_order(unsigned int order)
{
	return order <= KMM_PAGE_ALLOC_COSTLY_ORDER || order == KMM_PAGEBLOCK_ORDER;
}

static unsigned int order_to_pindex(unsigned int mt, unsigned int order)
{
	if (order > KMM_PAGE_ALLOC_COSTLY_ORDER)
		return KMM_NR_LOWORDER_PCP_LISTS;
	return KMM_MIGRATE_PCPTYPES * order + mt;
}

static unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex == KMM_NR_LOWORDER_PCP_LISTS)
		return KMM_PAGEBLOCK_ORDER;
	return pindex / KMM_MIGRATE_PCPTYPES;
}

/*
 * Per-CPU lists are handed out per zone on first use.  A slot's lists are
 * made empty before the slot is published, so a thread that sees the slot
 * sees empty lists.
 */
static u8 pcp_slot_assign(struct kmm_machine *m, unsigned int nid, unsigned int zi)
{
	struct kmm_page_alloc *pa = &m->page_alloc;
	unsigned int n = atomic_load_explicit(&pa->nr_pcp_slots, memory_order_relaxed);
	u8 none = 0;

	if (n >= KMM_PCP_MAX_ZONES)
		return 0;
	n = atomic_fetch_add_explicit(&pa->nr_pcp_slots, 1, memory_order_relaxed);
	if (n >= KMM_PCP_MAX_ZONES)
		return 0;
	for (unsigned int c = 0; c < KMM_PCP_MAX_CPUS; c++)
		for (unsigned int i = 0; i < KMM_NR_PCP_LISTS; i++)
			pa->pcp[n][c].lists[i].head = pa->pcp[n][c].lists[i].tail = KMM_PFN_NONE;
	if (atomic_compare_exchange_strong_explicit(&pa->pcp_slot[nid][zi], &none, (u8)(n + 1),
						    memory_order_acq_rel, memory_order_acquire))
		return (u8)(n + 1);
	return none; /* another CPU published one first; slot n stays unused */
}

/* zone->per_cpu_pageset of @cpu, NULL when @z has none (all slots taken) */
static struct kmm_per_cpu_pages *zone_pcp(struct kmm_machine *m, const struct kmm_zone *z,
					  unsigned int cpu, bool assign)
{
	unsigned int zi = kmm_zone_idx(m, z);
	u8 s = atomic_load_explicit(&m->page_alloc.pcp_slot[z->node][zi], memory_order_acquire);

	if (!s && assign)
		s = pcp_slot_assign(m, (unsigned int)z->node, zi);
	return s ? &m->page_alloc.pcp[s - 1][cpu] : NULL;
}

/* the zone's pcp high and batch; before the watermarks the boot pageset's 0 and 1 */
static void pcp_limits(const struct kmm_zone *z, int *high, int *batch)
{
	if (z->pageset_batch <= 0) {
		*high = 0;
		*batch = 1;
	} else {
		*high = z->pageset_high;
		*batch = z->pageset_batch;
	}
}

static void pcp_list_add(const struct kmm_machine *m, struct kmm_per_cpu_pages *pcp,
			 unsigned int pindex, unsigned long pfn, bool tail)
{
	struct kmm_pcp_list *l = &pcp->lists[pindex];
	struct kmm_page *page = kmm_page_of(m, pfn);

	if (l->head == KMM_PFN_NONE) {
		page->next = page->prev = KMM_PFN_NONE;
		l->head = l->tail = pfn;
	} else if (tail) {
		page->prev = l->tail;
		page->next = KMM_PFN_NONE;
		kmm_page_of(m, (unsigned long)l->tail)->next = pfn;
		l->tail = pfn;
	} else {
		page->next = l->head;
		page->prev = KMM_PFN_NONE;
		kmm_page_of(m, (unsigned long)l->head)->prev = pfn;
		l->head = pfn;
	}
	__kmm_page_flags_set(page, KMM_PG_PCP);
}

static void pcp_list_del(const struct kmm_machine *m, struct kmm_per_cpu_pages *pcp,
			 unsigned int pindex, unsigned long pfn)
{
	struct kmm_pcp_list *l = &pcp->lists[pindex];
	struct kmm_page *page = kmm_page_of(m, pfn);

	if (page->prev == KMM_PFN_NONE)
		l->head = page->next;
	else
		kmm_page_of(m, (unsigned long)page->prev)->next = page->next;
	if (page->next == KMM_PFN_NONE)
		l->tail = page->prev;
	else
		kmm_page_of(m, (unsigned long)page->next)->prev = page->prev;
	page->next = page->prev = 0;
	__kmm_page_flags_clear(page, KMM_PG_PCP);
}

/* ------------------------------------------------------------ removing blocks */

/* expand(): split the block [pfn, pfn + 2^high) down to 2^low, upper halves to list @mt */
static void expand(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn, unsigned int low,
		   unsigned int high, unsigned int mt)
{
	while (high > low) {
		high--;
		kmm_free_list_add(m, z, pfn + (1UL << high), high, mt, false);
	}
}

/* __rmqueue_smallest(): the first block of the smallest order >= @order on list @mt */
static unsigned long rmqueue_smallest(struct kmm_machine *m, struct kmm_zone *z,
				      unsigned int order, unsigned int mt)
{
	for (unsigned int o = order; o < KMM_MAX_ORDER; o++) {
		u64 pfn = z->free_area[o].head[mt];

		if (pfn == KMM_PFN_NONE)
			continue;
		kmm_free_list_del(m, z, (unsigned long)pfn, o);
		expand(m, z, (unsigned long)pfn, order, o, mt);
		kmm_page_of(m, (unsigned long)pfn)->mt = (u8)mt;
		return (unsigned long)pfn;
	}
	return KMM_PFN_NONE;
}

/*
 * can_steal_fallback(): may a request of @start_mt take a whole pageblock
 * when it falls back at @order?  Always from pageblock_order on; from half
 * a pageblock, for unmovable and reclaimable requests, and when mobility
 * grouping is off, at any order.
 */
static bool can_steal_fallback(const struct kmm_machine *m, unsigned int order,
			       unsigned int start_mt)
{
	if (order >= KMM_PAGEBLOCK_ORDER)
		return true;
	return order >= KMM_PAGEBLOCK_ORDER / 2 || start_mt == KMM_MIGRATE_RECLAIMABLE ||
	       start_mt == KMM_MIGRATE_UNMOVABLE || kmm_page_group_by_mobility_disabled(m);
}

/* find_suitable_fallback(): the first fallback type with a free block of @order, or -1 */
static int find_suitable_fallback(const struct kmm_machine *m, const struct kmm_zone *z,
				  unsigned int order, unsigned int start_mt, bool *can_steal)
{
	const struct kmm_free_area *fa = &z->free_area[order];

	*can_steal = false;
	if (!fa->nr_free)
		return -1;
	for (unsigned int i = 0; fallbacks[start_mt][i] != KMM_MIGRATE_TYPES; i++) {
		unsigned int fmt = fallbacks[start_mt][i];

		if (!fa->nr[fmt])
			continue;
		*can_steal = can_steal_fallback(m, order, start_mt);
		return (int)fmt;
	}
	return -1;
}

/*
 * move_freepages_block(): every free block inside @pfn's pageblock (from
 * @pfn on when the pageblock starts below the zone; nothing when it ends
 * beyond it) to the tail of list @mt.  Returns the pages moved and, in
 * *@movable, the allocated pages of the pageblock that have a migrate
 * callback (Linux counts LRU and movable-ops pages).
 */
static unsigned long move_freepages_block(struct kmm_machine *m, struct kmm_zone *z,
					  unsigned long pfn, unsigned int mt, unsigned long *movable)
{
	unsigned long start = pfn & ~(KMM_PAGEBLOCK_NR_PAGES - 1);
	unsigned long end = start + KMM_PAGEBLOCK_NR_PAGES - 1, moved = 0;
	unsigned long zend = z->zone_start_pfn + z->spanned_pages;

	if (movable)
		*movable = 0;
	if (start < z->zone_start_pfn)
		start = pfn;
	if (end >= zend)
		return 0;
	for (unsigned long p = start; p <= end;) {
		struct kmm_page *page = kmm_page_of(m, p);
		unsigned int order;

		if (!page || !(kmm_page_flags(page) & KMM_PG_BUDDY)) {
			if (movable && page && (kmm_page_flags(page) & KMM_PG_MOVABLE))
				(*movable)++;
			p++;
			continue;
		}
		order = page->private;
		kmm_free_list_move(m, z, p, order, mt);
		p += 1UL << order;
		moved += 1UL << order;
	}
	return moved;
}

unsigned long kmm_move_freepages_block(struct kmm_machine *m, struct kmm_zone *z,
				       unsigned long pfn, unsigned int mt)
{
	return move_freepages_block(m, z, pfn, mt, NULL);
}

/*
 * boost_watermark(): a fallback below pageblock_order raises the zone's
 * watermarks by a pageblock, up to watermark_boost_factor/10000 of the high
 * watermark (not in small zones, nor before the watermarks exist).
 */
static bool boost_watermark(struct kmm_machine *m, struct kmm_zone *z)
{
	int factor = m->wmark.configured ? m->wmark.watermark_boost_factor
					 : DEFAULT_WATERMARK_BOOST_FACTOR;
	unsigned long high = z->watermark[KMM_WMARK_HIGH], max_boost;

	if (factor <= 0 || KMM_PAGEBLOCK_NR_PAGES * 4 > z->managed_pages)
		return false;
	max_boost = high / 10000 * (unsigned long)factor + high % 10000 * (unsigned long)factor / 10000;
	if (!max_boost)
		return false;
	max_boost = KMM_MAX(KMM_PAGEBLOCK_NR_PAGES, max_boost);
	kmm_write_ulong(&z->watermark_boost,
			KMM_MIN(z->watermark_boost + KMM_PAGEBLOCK_NR_PAGES, max_boost));
	return true;
}

/*
 * steal_suitable_fallback(): the free block at @pfn (on a fallback list)
 * goes to @start_type.  A block of a pageblock or more takes its pageblocks'
 * type with it.  A smaller one may take its whole pageblock: its free
 * blocks all move, and the pageblock changes type when at least half of it
 * is free or compatible (or mobility grouping is off); else only the block
 * itself moves.  Highatomic pageblocks are never taken over.
 */
static void steal_suitable_fallback(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
				    unsigned int alloc_flags, unsigned int start_type,
				    bool whole_block)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	unsigned int order = page->private;
	enum kmm_migratetype old = kmm_pageblock_mt(m, pfn);
	unsigned long free_pages, movable_pages, alike_pages;

	if (old == KMM_MIGRATE_HIGHATOMIC)
		goto single_page;
	if (order >= KMM_PAGEBLOCK_ORDER) {
		for (unsigned long i = 0; i < 1UL << (order - KMM_PAGEBLOCK_ORDER); i++)
			kmm_set_pageblock_migratetype(m, pfn + i * KMM_PAGEBLOCK_NR_PAGES,
					     (enum kmm_migratetype)start_type);
		goto single_page;
	}
	if (boost_watermark(m, z) && (alloc_flags & KMM_ALLOC_KSWAPD))
		atomic_store_explicit(&m->page_alloc.boosted[z->node][kmm_zone_idx(m, z)], 1,
				      memory_order_relaxed);
	if (!whole_block)
		goto single_page;
	free_pages = move_freepages_block(m, z, pfn, start_type, &movable_pages);
	if (start_type == KMM_MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old == KMM_MIGRATE_MOVABLE)
		alike_pages = KMM_PAGEBLOCK_NR_PAGES - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike_pages >= (1UL << (KMM_PAGEBLOCK_ORDER - 1)) ||
	    kmm_page_group_by_mobility_disabled(m))
		kmm_set_pageblock_migratetype(m, pfn, (enum kmm_migratetype)start_type);
	return;
single_page:
	kmm_free_list_move(m, z, pfn, order, start_type);
}

/*
 * __rmqueue_fallback(): move a block of another type to @start_mt's list.
 * Search from the largest order down (to ALLOC_NOFRAGMENT's pageblock_order
 * only); when a movable request could not take the whole pageblock, split
 * the smallest suitable block instead.  True when a block was moved.
 */
static bool rmqueue_fallback(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
			     unsigned int start_mt, unsigned int alloc_flags)
{
	int min_order = (alloc_flags & KMM_ALLOC_NOFRAGMENT) ? KMM_PAGEBLOCK_ORDER : (int)order;
	int o, fmt = -1;
	bool can_steal = false;

	for (o = KMM_MAX_ORDER - 1; o >= min_order; o--) {
		fmt = find_suitable_fallback(m, z, (unsigned int)o, start_mt, &can_steal);
		if (fmt >= 0)
			break;
	}
	if (fmt < 0)
		return false;
	if (!can_steal && start_mt == KMM_MIGRATE_MOVABLE && (unsigned int)o > order) {
		for (o = (int)order; o < KMM_MAX_ORDER; o++) {
			fmt = find_suitable_fallback(m, z, (unsigned int)o, start_mt, &can_steal);
			if (fmt >= 0)
				break;
		}
		if (fmt < 0)
			return false;
	}
	steal_suitable_fallback(m, z, (unsigned long)z->free_area[o].head[fmt], alloc_flags,
				start_mt, can_steal);
	return true;
}

/* __rmqueue(): one block of @order for @mt, under the zone lock */
static unsigned long rmqueue_locked(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
				    unsigned int mt, unsigned int alloc_flags)
{
	unsigned long pfn;

	/* balance movable allocations: CMA first while it holds over half the free pages */
	if ((alloc_flags & KMM_ALLOC_CMA) &&
	    z->vm_free_cma_pages > z->vm_free_pages / 2) {
		pfn = rmqueue_smallest(m, z, order, KMM_MIGRATE_CMA);
		if (pfn != KMM_PFN_NONE)
			return pfn;
	}
	for (;;) {
		pfn = rmqueue_smallest(m, z, order, mt);
		if (pfn != KMM_PFN_NONE)
			return pfn;
		if (alloc_flags & KMM_ALLOC_CMA) {
			pfn = rmqueue_smallest(m, z, order, KMM_MIGRATE_CMA);
			if (pfn != KMM_PFN_NONE)
				return pfn;
		}
		if (!rmqueue_fallback(m, z, order, mt, alloc_flags))
			return KMM_PFN_NONE;
	}
}

/*
 * free_pcppages_bulk(): give @count pages from @pcp back to the free lists,
 * taking the last block of each non-empty list in turn, starting with list
 * @pindex.  Caller holds the pcp lock.
 */
static void free_pcppages_bulk(struct kmm_machine *m, struct kmm_zone *z, int count,
			       struct kmm_per_cpu_pages *pcp, unsigned int pindex)
{
	int min_pindex = 0, max_pindex = KMM_NR_PCP_LISTS - 1, pi = (int)pindex - 1;
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	bool isolated;

	count = KMM_MIN(pcp->count, count);
	kmm_spin_lock(lock);
	/* a pageblock may have been isolated since its pages went on the list */
	isolated = kmm_zone_has_isolate_pageblock(m, z);
	while (count > 0) {
		unsigned int order, n;

		do {
			if (++pi > max_pindex)
				pi = min_pindex;
			if (pcp->lists[pi].tail != KMM_PFN_NONE)
				break;
			if (pi == max_pindex)
				max_pindex--;
			if (pi == min_pindex)
				min_pindex++;
		} while (1);
		order = pindex_to_order((unsigned int)pi);
		n = 1u << order;
		do {
			unsigned long pfn = (unsigned long)pcp->lists[pi].tail;
			unsigned int mt = kmm_page_of(m, pfn)->mt;

			if (isolated && kmm_pageblock_mt(m, pfn) == KMM_MIGRATE_ISOLATE)
				mt = KMM_MIGRATE_ISOLATE;
			pcp_list_del(m, pcp, (unsigned int)pi, pfn);
			count -= (int)n;
			pcp->count -= (int)n;
			__kmm_free_one_page(m, z, pfn, order, (enum kmm_migratetype)mt, false);
		} while (count > 0 && pcp->lists[pi].tail != KMM_PFN_NONE);
	}
	kmm_spin_unlock(lock);
}

/*
 * rmqueue_bulk(): move @count blocks of @order from the free lists to the
 * tail of pcp list @pindex (in the order the buddy allocator hands them
 * out, which is ascending pfn after a split).  Returns the blocks moved.
 */
static int rmqueue_bulk(struct kmm_machine *m, struct kmm_zone *z, unsigned int order, int count,
			struct kmm_per_cpu_pages *pcp, unsigned int pindex, unsigned int mt,
			unsigned int alloc_flags)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	int i;

	kmm_spin_lock(lock);
	for (i = 0; i < count; i++) {
		unsigned long pfn = rmqueue_locked(m, z, order, mt, alloc_flags);

		if (pfn == KMM_PFN_NONE)
			break;
		kmm_zone_account_free(z, order, kmm_page_of(m, pfn)->mt, false);
		pcp_list_add(m, pcp, pindex, pfn, true);
	}
	kmm_spin_unlock(lock);
	return i;
}

/*
 * zone_statistics(): numa_hit when the page came from the preferred node
 * (else numa_miss, and numa_foreign for the preferred node), numa_local
 * when from the allocating CPU's node (else numa_other).  Kept on NUMA
 * builds only, as vmstat shows them only there.  With @pcp (its lock held)
 * the events go to the per-CPU lists' counters, else to the CPU's.
 */
static void zone_statistics(struct kmm_machine *m, struct kmm_per_cpu_pages *pcp,
			    const struct kmm_zone *z, const struct alloc_ctx *ac)
{
	static const u8 pcp_ev[] = { KMM_PCP_NUMA_HIT, KMM_PCP_NUMA_MISS, KMM_PCP_NUMA_FOREIGN,
				     KMM_PCP_NUMA_LOCAL, KMM_PCP_NUMA_OTHER };
	static const u8 cpu_ev[] = { KMM_NUMA_HIT, KMM_NUMA_MISS, KMM_NUMA_FOREIGN,
				     KMM_NUMA_LOCAL, KMM_NUMA_OTHER };
	unsigned int ev[3], n = 0;

	if (!m->kernel.numa || ac->preferred >= ac->zl->nr)
		return;
	if (z->node == ac->zl->ref[ac->preferred].nid) {
		ev[n++] = 0;
	} else {
		ev[n++] = 1;
		ev[n++] = 2;
	}
	ev[n++] = z->node == ac->local_nid ? 3 : 4;
	for (unsigned int i = 0; i < n; i++) {
		if (pcp)
			kmm_pcp_stat_add(pcp, (enum kmm_pcp_stat)pcp_ev[ev[i]], 1);
		else
			kmm_count_vm_events_cpu(m, ac->cpu, (enum kmm_vm_event)cpu_ev[ev[i]], 1);
	}
}

/* __rmqueue_pcplist() under the pcp lock */
static unsigned long rmqueue_pcplist_locked(struct kmm_machine *m, struct kmm_zone *z,
					    struct kmm_per_cpu_pages *pcp, unsigned int order,
					    unsigned int mt, unsigned int alloc_flags)
{
	unsigned int pindex = order_to_pindex(mt, order);
	unsigned long pfn;

	pcp->free_factor >>= 1;
	if (pcp->lists[pindex].head == KMM_PFN_NONE) {
		int high, batch;

		pcp_limits(z, &high, &batch);
		/* a real batch shrinks with the order; the boot pageset's stays 1 */
		if (batch > 1)
			batch = KMM_MAX(batch >> order, 2);
		pcp->count += rmqueue_bulk(m, z, order, batch, pcp, pindex, mt, alloc_flags) << order;
		if (pcp->lists[pindex].head == KMM_PFN_NONE)
			return KMM_PFN_NONE;
	}
	pfn = (unsigned long)pcp->lists[pindex].head;
	pcp_list_del(m, pcp, pindex, pfn);
	pcp->count -= 1 << order;
	return pfn;
}

/* rmqueue_pcplist(): from this CPU's list, the events counted on the list's counters */
static unsigned long rmqueue_pcplist(struct kmm_machine *m, struct kmm_zone *z,
				     unsigned int order, unsigned int alloc_flags,
				     const struct alloc_ctx *ac)
{
	struct kmm_per_cpu_pages *pcp = zone_pcp(m, z, ac->cpu, true);
	unsigned long pfn;

	if (!pcp || !kmm_spin_trylock(&pcp->lock))
		return KMM_PFN_NONE;
	pfn = rmqueue_pcplist_locked(m, z, pcp, order, ac->migratetype, alloc_flags);
	if (pfn != KMM_PFN_NONE) {
		kmm_pcp_stat_add(pcp, KMM_PCP_PGALLOC, 1UL << order);
		zone_statistics(m, pcp, z, ac);
	}
	kmm_spin_unlock(&pcp->lock);
	return pfn;
}

/* rmqueue_buddy(): straight from the free lists; order > 0 ALLOC_HARDER tries the highatomic reserve first */
static unsigned long rmqueue_buddy(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
				   unsigned int alloc_flags, unsigned int mt)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	unsigned long pfn = KMM_PFN_NONE;

	kmm_spin_lock(lock);
	if (order > 0 && (alloc_flags & KMM_ALLOC_HARDER))
		pfn = rmqueue_smallest(m, z, order, KMM_MIGRATE_HIGHATOMIC);
	if (pfn == KMM_PFN_NONE)
		pfn = rmqueue_locked(m, z, order, mt, alloc_flags);
	if (pfn != KMM_PFN_NONE)
		kmm_zone_account_free(z, order, kmm_page_of(m, pfn)->mt, false);
	kmm_spin_unlock(lock);
	return pfn;
}

/*
 * Run the kswapd work a wake-up left pending, when the request may sleep
 * (see kmm/vmscan.h: kswapd runs in the waking thread then, else later).
 * With a host kswapd thread (env.wake_kswapd) the wake-up went to it.
 */
static void kswapd_maybe_run(struct kmm_machine *m, gfp_t gfp)
{
	if (!m->env.wake_kswapd && (gfp & __GFP_DIRECT_RECLAIM) && kmm_kswapd_pending(m))
		kmm_kswapd_run(m);
}

/*
 * rmqueue(): the block, counted in pgalloc_<zone>; a zone whose watermark
 * a fallback just boosted wakes kswapd (ZONE_BOOSTED_WATERMARK), whose
 * pass reclaims what it can and takes the boost back.
 */
static unsigned long rmqueue(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
			     unsigned int alloc_flags, const struct alloc_ctx *ac, gfp_t gfp)
{
	_Atomic u8 *boosted = &m->page_alloc.boosted[z->node][kmm_zone_idx(m, z)];
	unsigned int mt = ac->migratetype;
	unsigned long pfn = KMM_PFN_NONE;

	/* movable pcp lists may hold CMA pages: only for requests that may use them */
	if (pcp_allowed_order(order) &&
	    (!m->kernel.cma || (alloc_flags & KMM_ALLOC_CMA) || mt != KMM_MIGRATE_MOVABLE))
		pfn = rmqueue_pcplist(m, z, order, alloc_flags, ac);
	if (pfn == KMM_PFN_NONE) {
		pfn = rmqueue_buddy(m, z, order, alloc_flags, mt);
		if (pfn != KMM_PFN_NONE) {
			atomic_fetch_add_explicit(&m->page_alloc.vmstat.cpu[kmm_vm_cpu(ac->cpu)]
							   .pgalloc[kmm_zone_idx(m, z)],
						  1UL << order, memory_order_relaxed);
			zone_statistics(m, NULL, z, ac);
		}
	}
	if (atomic_load_explicit(boosted, memory_order_relaxed) &&
	    atomic_exchange_explicit(boosted, 0, memory_order_relaxed)) {
		kmm_wakeup_kswapd(m, z->node, order, (int)kmm_zone_idx(m, z));
		kswapd_maybe_run(m, gfp);
	}
	return pfn;
}

/* ------------------------------------------------------------ reserves */

unsigned long kmm_wmark_pages(const struct kmm_zone *z, unsigned int i)
{
	return z->watermark[i] + kmm_read_ulong(&z->watermark_boost);
}

/* __zone_watermark_unusable_free() */
static long unusable_free(const struct kmm_machine *m, const struct kmm_zone *z,
			  unsigned int order, unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	if (!(alloc_flags & (KMM_ALLOC_HARDER | KMM_ALLOC_OOM)))
		unusable += (long)kmm_read_ulong(&z->nr_reserved_highatomic);
	if (m->kernel.cma && !(alloc_flags & KMM_ALLOC_CMA))
		unusable += (long)kmm_read_ulong(&z->vm_free_cma_pages);
	return unusable;
}

/* a free block of at least @order on a list the request may use (read without the zone lock) */
static bool suitable_block_free(const struct kmm_machine *m, const struct kmm_zone *z,
				unsigned int order, unsigned int alloc_flags)
{
	bool harder = alloc_flags & (KMM_ALLOC_HARDER | KMM_ALLOC_OOM);

	for (unsigned int o = order; o < KMM_MAX_ORDER; o++) {
		const struct kmm_free_area *fa = &z->free_area[o];

		if (!kmm_read_ulong(&fa->nr_free))
			continue;
		for (unsigned int mt = 0; mt < KMM_MIGRATE_PCPTYPES; mt++)
			if (kmm_read_ulong(&fa->nr[mt]))
				return true;
		if (m->kernel.cma && (alloc_flags & KMM_ALLOC_CMA) &&
		    kmm_read_ulong(&fa->nr[KMM_MIGRATE_CMA]))
			return true;
		if (harder && kmm_read_ulong(&fa->nr[KMM_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

bool kmm_zone_watermark_ok(const struct kmm_machine *m, const struct kmm_zone *z,
			   unsigned int order, unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= unusable_free(m, z, order, alloc_flags);
	if (alloc_flags & KMM_ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & (KMM_ALLOC_HARDER | KMM_ALLOC_OOM)) {
		/* OOM victims may go further than atomic requests */
		if (alloc_flags & KMM_ALLOC_OOM)
			min -= min / 2;
		else
			min -= min / 4;
	}
	/* the order-0 check first: no high-order block may take the last pages either */
	if (free_pages <= min + (long)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	return suitable_block_free(m, z, order, alloc_flags);
}

/*
 * zone_watermark_fast(): the order-0 shortcut, then the full check; an
 * order-0 __GFP_ATOMIC request at the min watermark ignores the boost.
 */
static bool zone_watermark_fast(const struct kmm_machine *m, const struct kmm_zone *z,
				unsigned int order, unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, gfp_t gfp)
{
	long free_pages = (long)kmm_read_ulong(&z->vm_free_pages);

	if (!order) {
		long reserved = unusable_free(m, z, 0, alloc_flags);
		long usable = free_pages - KMM_MIN(free_pages, reserved);

		if (usable > (long)(mark + z->lowmem_reserve[highest_zoneidx]))
			return true;
	}
	if (kmm_zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	if (!order && (gfp & __GFP_ATOMIC) && kmm_read_ulong(&z->watermark_boost) &&
	    (alloc_flags & KMM_ALLOC_WMARK_MASK) == KMM_ALLOC_WMARK_MIN)
		return kmm_zone_watermark_ok(m, z, order, z->watermark[KMM_WMARK_MIN],
					     highest_zoneidx, alloc_flags, free_pages);
	return false;
}

/*
 * reserve_highatomic_pageblock(): after a high-order ALLOC_HARDER
 * allocation, its pageblock (if of a normal type) joins the highatomic
 * reserve, up to about 1% of the zone plus one pageblock.
 */
static void reserve_highatomic_pageblock(struct kmm_machine *m, struct kmm_zone *z,
					 unsigned long pfn)
{
	unsigned long max_managed = z->managed_pages / 100 + KMM_PAGEBLOCK_NR_PAGES;
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	enum kmm_migratetype mt;

	if (kmm_read_ulong(&z->nr_reserved_highatomic) >= max_managed)
		return;
	kmm_spin_lock(lock);
	if (z->nr_reserved_highatomic < max_managed) {
		mt = kmm_pageblock_mt(m, pfn);
		if (kmm_migratetype_is_mergeable(mt)) {
			kmm_write_ulong(&z->nr_reserved_highatomic,
					z->nr_reserved_highatomic + KMM_PAGEBLOCK_NR_PAGES);
			kmm_set_pageblock_migratetype(m, pfn, KMM_MIGRATE_HIGHATOMIC);
			move_freepages_block(m, z, pfn, KMM_MIGRATE_HIGHATOMIC, NULL);
		}
	}
	kmm_spin_unlock(lock);
}

/*
 * unreserve_highatomic_pageblock(): under pressure, give one highatomic
 * pageblock (one with a free block) back to the request's type; unless
 * @force, each zone keeps its last one.  True when free pages moved.
 */
static bool unreserve_highatomic_pageblock(struct kmm_machine *m, const struct alloc_ctx *ac,
					   bool force)
{
	struct kmm_zone *z;
	unsigned int i;

	kmm_for_each_zone_zonelist(m, z, i, ac->zl, ac->highest_zoneidx) {
		struct kmm_spinlock *lock = kmm_zone_lock(m, z);

		if (!force && kmm_read_ulong(&z->nr_reserved_highatomic) <= KMM_PAGEBLOCK_NR_PAGES)
			continue;
		kmm_spin_lock(lock);
		for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
			u64 pfn = z->free_area[o].head[KMM_MIGRATE_HIGHATOMIC];

			if (pfn == KMM_PFN_NONE)
				continue;
			if (kmm_pageblock_mt(m, (unsigned long)pfn) == KMM_MIGRATE_HIGHATOMIC)
				kmm_write_ulong(&z->nr_reserved_highatomic,
						z->nr_reserved_highatomic -
							KMM_MIN(KMM_PAGEBLOCK_NR_PAGES,
								z->nr_reserved_highatomic));
			kmm_set_pageblock_migratetype(m, (unsigned long)pfn,
					     (enum kmm_migratetype)ac->migratetype);
			if (move_freepages_block(m, z, (unsigned long)pfn, ac->migratetype, NULL)) {
				kmm_spin_unlock(lock);
				return true;
			}
		}
		kmm_spin_unlock(lock);
	}
	return false;
}

/* ------------------------------------------------------------ reports */

static unsigned long linux_page_flags(u16 flags)
{
	/* PG_reserved and PG_head of 6.1's enum pageflags */
	return ((flags & KMM_PG_RESERVED) ? 1UL << 12 : 0) | ((flags & KMM_PG_HEAD) ? 1UL << 16 : 0);
}

/*
 * dump_page(): Linux's __dump_page() lines for @pfn.  Where Linux prints a
 * hashed pointer kmm prints the descriptor's physical address; the flags
 * word holds the page-flag bits only (no node/zone fields in the number).
 */
static void dump_page(struct kmm_machine *m, unsigned long pfn, const char *reason)
{
	const struct kmm_page *page = kmm_page_of(m, pfn);
	const struct kmm_page *head = page;
	unsigned long head_pfn = pfn;
	const struct kmm_zone *z = kmm_zone_of(m, pfn);
	u16 flags = kmm_page_flags(page);
	char names[64] = "";

	if ((flags & KMM_PG_TAIL) && kmm_page_of(m, (unsigned long)page->compound_head)) {
		head_pfn = (unsigned long)page->compound_head;
		head = kmm_page_of(m, head_pfn);
	}
	kmm_printk(&m->env,
		   "page:%016llx refcount:%d mapcount:%d mapping:0000000000000000 index:0x0 pfn:%#lx",
		   (unsigned long long)kmm_pfn_to_page_phys(m, pfn), kmm_page_ref_count(head),
		   page->mapcount, pfn);
	if (kmm_page_flags(head) & KMM_PG_HEAD)
		kmm_printk(&m->env, "head:%016llx order:%u compound_mapcount:0 compound_pincount:0",
			   (unsigned long long)kmm_pfn_to_page_phys(m, head_pfn), head->order);
	flags = kmm_page_flags(head);
	kmm_snprintf(names, sizeof(names), "%s%s%s", (flags & KMM_PG_RESERVED) ? "reserved" : "",
		     (flags & KMM_PG_RESERVED) && (flags & KMM_PG_HEAD) ? "|" : "",
		     (flags & KMM_PG_HEAD) ? "head" : "");
	kmm_printk(&m->env, "flags: %#lx(%s%snode=%d|zone=%u)", linux_page_flags(flags), names,
		   names[0] ? "|" : "", z ? z->node : 0, z ? kmm_zone_idx(m, z) : 0);
	kmm_printk(&m->env, "page dumped because: %s", reason);
}

/* bad_page(): Linux's report of a page in a state it must not be in; the page is left alone */
static void bad_page(struct kmm_machine *m, unsigned long pfn, const char *reason)
{
	kmm_printk(&m->env, "BUG: Bad page state in process %s  pfn:%05lx", "kmm", pfn);
	dump_page(m, pfn, reason);
	atomic_fetch_add_explicit(&m->page_alloc.nr_bad_pages, 1, memory_order_relaxed);
}

unsigned long kmm_nr_bad_pages(const struct kmm_machine *m)
{
	return atomic_load_explicit(&m->page_alloc.nr_bad_pages, memory_order_relaxed);
}

unsigned long kmm_nr_poison_reports(const struct kmm_machine *m)
{
	return atomic_load_explicit(&m->page_alloc.nr_poison_reports, memory_order_relaxed);
}

/* ------------------------------------------------------------ poisoning */

void *kmm_pfn_to_virt(const struct kmm_machine *m, unsigned long pfn)
{
	if (!m->env.phys_to_virt)
		return NULL;
	return m->env.phys_to_virt(m->env.opaque, (phys_addr_t)pfn << PAGE_SHIFT);
}

int kmm_virt_to_pfn(const struct kmm_machine *m, const void *addr, unsigned long *pfn)
{
	phys_addr_t pa;

	if (!m->env.virt_to_phys || !addr)
		return -KMM_EINVAL;
	pa = m->env.virt_to_phys(m->env.opaque, addr);
	if (pa == KMM_PHYS_ADDR_MAX)
		return -KMM_EINVAL;
	*pfn = (unsigned long)(pa >> PAGE_SHIFT);
	return 0;
}

/* print_hex_dump(DUMP_PREFIX_ADDRESS, 16 bytes a row, ASCII column) of [p, p + len) at @pa */
static void hex_dump(struct kmm_machine *m, const u8 *p, size_t len, phys_addr_t pa)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = KMM_MIN(len - off, (size_t)16);
		char line[128];
		int at = kmm_snprintf(line, sizeof(line), "%016llx: ", (unsigned long long)(pa + off));
		int hex_start = at;

		for (size_t i = 0; i < n; i++)
			at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, i ? " %02x" : "%02x",
					   p[off + i]);
		while (at < hex_start + 49)
			line[at++] = ' ';
		for (size_t i = 0; i < n; i++)
			line[at++] = (p[off + i] >= 0x20 && p[off + i] < 0x7f) ? (char)p[off + i] : '.';
		line[at] = '\0';
		kmm_printk(&m->env, "%s", line);
	}
}

/*
 * check_poison_mem(): a freed page is all KMM_PAGE_POISON until it is
 * allocated again; anything else was written after the free.
 */
static void check_poison(struct kmm_machine *m, unsigned long pfn)
{
	const u8 *mem = kmm_pfn_to_virt(m, pfn);
	size_t start = 0, end = KMM_PAGE_SIZE - 1;
	u8 err;

	if (!mem)
		return;
	while (start < KMM_PAGE_SIZE && mem[start] == KMM_PAGE_POISON)
		start++;
	if (start == KMM_PAGE_SIZE)
		return;
	while (end > start && mem[end] == KMM_PAGE_POISON)
		end--;
	err = mem[start] ^ KMM_PAGE_POISON;
	if (start == end && !(err & (err - 1)))
		kmm_printk(&m->env, "pagealloc: single bit error");
	else
		kmm_printk(&m->env, "pagealloc: memory corruption");
	hex_dump(m, mem + start, end - start + 1, ((phys_addr_t)pfn << PAGE_SHIFT) + start);
	dump_page(m, pfn, "pagealloc: corrupted page details");
	atomic_fetch_add_explicit(&m->page_alloc.nr_poison_reports, 1, memory_order_relaxed);
}

static void poison_page(struct kmm_machine *m, unsigned long pfn, struct kmm_page *page)
{
	u8 *mem = kmm_pfn_to_virt(m, pfn);

	if (!mem)
		return;
	kmm_memset(mem, KMM_PAGE_POISON, KMM_PAGE_SIZE);
	kmm_page_flags_set(page, KMM_PG_POISONED);
}

/* ------------------------------------------------------------ allocation */

/*
 * prep_new_page(): the block leaves the allocator with refcount 1 on its
 * first page and its order recorded there; poisoned pages are checked and
 * unpoisoned, __GFP_ZERO clears, __GFP_COMP links the tails to the head.
 */
void kmm_prep_new_page(struct kmm_machine *m, unsigned long pfn, unsigned int order, gfp_t gfp)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	unsigned long n = 1UL << order;

	for (unsigned long i = 0; KMM_PAGE_POISONING && i < n; i++) {
		struct kmm_page *p = i ? kmm_page_of(m, pfn + i) : page;

		if (kmm_page_flags(p) & KMM_PG_POISONED) {
			check_poison(m, pfn + i);
			kmm_page_flags_clear(p, KMM_PG_POISONED);
		}
	}
	page->private = 0;
	page->order = (u8)order;
	__atomic_store_n(&page->refcount, 1, __ATOMIC_RELAXED);
	if (gfp & __GFP_ZERO)
		for (unsigned long i = 0; i < n; i++) {
			void *va = kmm_pfn_to_virt(m, pfn + i);

			if (va)
				kmm_memset(va, 0, KMM_PAGE_SIZE);
		}
	if (order && (gfp & __GFP_COMP)) {
		kmm_page_flags_set(page, KMM_PG_HEAD);
		for (unsigned long i = 1; i < n; i++) {
			struct kmm_page *t = kmm_page_of(m, pfn + i);

			t->compound_head = pfn;
			kmm_page_flags_set(t, KMM_PG_TAIL);
		}
	}
}

static bool zone_populated(const struct kmm_zone *z)
{
	return z->present_pages != 0;
}

/*
 * alloc_flags_nofragment(): with a DMA32 zone, a request that prefers
 * ZONE_NORMAL first tries not to fragment (falls back only whole
 * pageblocks), since DMA32 is still there to fall back to; on NUMA not when
 * the node has no DMA32.
 */
static unsigned int alloc_flags_nofragment(const struct kmm_machine *m, const struct kmm_zone *z,
					   gfp_t gfp)
{
	unsigned int flags = gfp & __GFP_KSWAPD_RECLAIM;
	int normal = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_NORMAL);
	unsigned int zi;

	if (!m->kernel.zone_dma32 || !z || normal < 1)
		return flags;
	zi = kmm_zone_idx(m, z);
	if ((int)zi != normal)
		return flags;
	if (m->zonelists.nr_online_nodes > 1 && !zone_populated(&m->node[z->node].zones[zi - 1]))
		return flags;
	return flags | KMM_ALLOC_NOFRAGMENT;
}

static struct kmm_zone *preferred_zone(struct kmm_machine *m, const struct alloc_ctx *ac)
{
	return ac->preferred < ac->zl->nr ? kmm_zoneref_zone(m, &ac->zl->ref[ac->preferred]) : NULL;
}

/*
 * get_page_from_freelist(): the first zone of the zonelist (at or below the
 * highest zone) that passes its watermark check and has a block.  With
 * ALLOC_NOFRAGMENT, leaving the preferred node drops the flag and starts
 * over (locality first), and so does reaching the end of the list.
 */
static unsigned long get_page_from_freelist(struct kmm_machine *m, gfp_t gfp, unsigned int order,
					    unsigned int alloc_flags, const struct alloc_ctx *ac)
{
	struct kmm_zone *pref = preferred_zone(m, ac), *z;
	unsigned int i;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & KMM_ALLOC_NOFRAGMENT;
	for (i = ac->preferred; i < ac->zl->nr;
	     i = __kmm_next_zones_zonelist(ac->zl, i + 1, ac->highest_zoneidx)) {
		unsigned long mark, pfn;

		z = kmm_zoneref_zone(m, &ac->zl->ref[i]);
		if (no_fallback && m->zonelists.nr_online_nodes > 1 && z != pref &&
		    z->node != pref->node) {
			alloc_flags &= ~(unsigned int)KMM_ALLOC_NOFRAGMENT;
			goto retry;
		}
		mark = kmm_wmark_pages(z, alloc_flags & KMM_ALLOC_WMARK_MASK);
		if (!zone_watermark_fast(m, z, order, mark, ac->highest_zoneidx, alloc_flags, gfp) &&
		    !(alloc_flags & KMM_ALLOC_NO_WATERMARKS))
			continue; /* node reclaim is off (node_reclaim_mode 0) */
		pfn = rmqueue(m, z, order, alloc_flags, ac, gfp);
		if (pfn == KMM_PFN_NONE)
			continue;
		kmm_prep_new_page(m, pfn, order, gfp);
		if (order && (alloc_flags & KMM_ALLOC_HARDER))
			reserve_highatomic_pageblock(m, z, pfn);
		return pfn;
	}
	if (no_fallback) {
		alloc_flags &= ~(unsigned int)KMM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return KMM_PFN_NONE;
}

/* ------------------------------------------------------------ slow path */

#define MAX_COMPACT_RETRIES 16
/*
 * Linux retries for as long as reclaim, compaction or the OOM killer report
 * progress, and __GFP_NOFAIL forever.  kmm bounds the retry loop: after
 * SLOWPATH_MAX_RETRIES passes (each one a reclaim pass at every priority,
 * a compaction run and the retry checks) the request fails, a
 * __GFP_NOFAIL one with the failure report even under __GFP_NOWARN.
 */
#define SLOWPATH_MAX_RETRIES 32

struct slowpath {
	gfp_t gfp;
	unsigned int order;
	const struct alloc_ctx *ac;
	unsigned int alloc_flags;
	enum kmm_compact_priority compact_priority;
	enum kmm_compact_result compact_result;
	int compaction_retries;
	int no_progress_loops;
	unsigned long progress; /* did_some_progress: pages the last reclaim freed */
	bool oom_reported;      /* one OOM report per request (kmm: Linux would have panicked) */
};

/* wake_all_kswapds(): each node of the zonelist once, then run the work if we may sleep */
static void wake_all_kswapds(struct kmm_machine *m, gfp_t gfp, unsigned int order,
			     const struct alloc_ctx *ac)
{
	u64 woken = 0;
	struct kmm_zone *z;
	unsigned int i;

	kmm_for_each_zone_zonelist(m, z, i, ac->zl, ac->highest_zoneidx) {
		if (woken & (1ULL << z->node))
			continue;
		woken |= 1ULL << z->node;
		kmm_wakeup_kswapd(m, z->node, order, ac->highest_zoneidx);
	}
	kswapd_maybe_run(m, gfp);
}

/*
 * __alloc_pages_direct_compact(): compaction at @prio, then the free lists.
 * A run that was skipped is not a stall; a success resets the zone's
 * deferral.
 */
static unsigned long direct_compact(struct kmm_machine *m, struct slowpath *sp,
				    enum kmm_compact_priority prio)
{
	const struct alloc_ctx *ac = sp->ac;
	unsigned long pfn;

	if (!sp->order)
		return KMM_PFN_NONE;
	sp->compact_result = kmm_try_to_compact_pages(m, sp->gfp, sp->order, sp->alloc_flags,
						      ac->nid, ac->highest_zoneidx, prio);
	if (sp->compact_result == KMM_COMPACT_SKIPPED)
		return KMM_PFN_NONE;
	kmm_count_vm_events_cpu(m, ac->cpu, KMM_COMPACTSTALL, 1);
	pfn = get_page_from_freelist(m, sp->gfp, sp->order, sp->alloc_flags, ac);
	if (pfn != KMM_PFN_NONE) {
		kmm_compaction_defer_reset(m, kmm_zone_of(m, pfn), sp->order, true);
		kmm_count_vm_events_cpu(m, ac->cpu, KMM_COMPACTSUCCESS, 1);
		return pfn;
	}
	kmm_count_vm_events_cpu(m, ac->cpu, KMM_COMPACTFAIL, 1);
	return KMM_PFN_NONE;
}

/*
 * __alloc_pages_direct_reclaim(): run the shrinkers, retry; then give one
 * highatomic pageblock back, drain every CPU's lists and retry once more.
 * Linux drains only after a reclaim pass that made progress; kmm drains
 * after every pass, since the per-CPU pages are the one thing a machine
 * without LRU lists can always give back.
 */
static unsigned long direct_reclaim(struct kmm_machine *m, struct slowpath *sp)
{
	const struct alloc_ctx *ac = sp->ac;
	unsigned long pfn;

	sp->progress = kmm_try_to_free_pages(m, sp->gfp, sp->order, ac->nid, ac->highest_zoneidx);
	pfn = get_page_from_freelist(m, sp->gfp, sp->order, sp->alloc_flags, ac);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	unreserve_highatomic_pageblock(m, ac, false);
	kmm_drain_all_pages(m, NULL);
	return get_page_from_freelist(m, sp->gfp, sp->order, sp->alloc_flags, ac);
}

/*
 * should_reclaim_retry(): retry while a zone would pass its min watermark
 * with its free and reclaimable pages (kmm's shrinkers hold objects, not
 * zone pages, so reclaimable is 0 here), at most MAX_RECLAIM_RETRIES
 * passes without progress; before giving up, the whole highatomic reserve
 * is released (a retry if that freed something).
 */
static bool should_reclaim_retry(struct kmm_machine *m, struct slowpath *sp)
{
	const struct alloc_ctx *ac = sp->ac;
	struct kmm_zone *z;
	unsigned int i;

	if (sp->progress && sp->order <= KMM_PAGE_ALLOC_COSTLY_ORDER)
		sp->no_progress_loops = 0;
	else
		sp->no_progress_loops++;
	if (sp->no_progress_loops > KMM_MAX_RECLAIM_RETRIES)
		return unreserve_highatomic_pageblock(m, ac, true);
	kmm_for_each_zone_zonelist(m, z, i, ac->zl, ac->highest_zoneidx)
		if (kmm_zone_watermark_ok(m, z, sp->order, kmm_wmark_pages(z, KMM_WMARK_MIN),
					  ac->highest_zoneidx, sp->alloc_flags,
					  (long)kmm_zone_free_pages(z)))
			return true;
	return unreserve_highatomic_pageblock(m, ac, true);
}

/*
 * should_compact_retry(): for order > 0, retry while compaction succeeded
 * (up to 16 times, 4 for costly orders) or needs only reclaim to help; a
 * failed or withdrawn run raises the priority first, down to SYNC_FULL
 * (SYNC_LIGHT for costly orders).
 */
static bool should_compact_retry(struct kmm_machine *m, struct slowpath *sp)
{
	int max_retries = MAX_COMPACT_RETRIES;
	enum kmm_compact_priority min_prio;
	enum kmm_compact_result r = sp->compact_result;

	if (!sp->order)
		return false;
	if (r == KMM_COMPACT_SUCCESS)
		sp->compaction_retries++;
	if (r == KMM_COMPACT_SKIPPED) {
		struct kmm_zone *z;
		unsigned int i;

		/* compaction_zonelist_suitable(): would reclaim give it the room to work? */
		kmm_for_each_zone_zonelist(m, z, i, sp->ac->zl, sp->ac->highest_zoneidx)
			if (kmm_compaction_suitable(m, z, sp->order, sp->alloc_flags,
						    sp->ac->highest_zoneidx) != KMM_COMPACT_SKIPPED)
				return true;
		return false;
	}
	if (r != KMM_COMPACT_COMPLETE && r != KMM_COMPACT_DEFERRED &&
	    r != KMM_COMPACT_CONTENDED && r != KMM_COMPACT_PARTIAL_SKIPPED) {
		if (sp->order > KMM_PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (sp->compaction_retries <= max_retries)
			return true;
	}
	min_prio = sp->order > KMM_PAGE_ALLOC_COSTLY_ORDER ? KMM_COMPACT_PRIO_SYNC_LIGHT
							   : KMM_COMPACT_PRIO_SYNC_FULL;
	if (sp->compact_priority > min_prio) {
		sp->compact_priority--;
		sp->compaction_retries = 0;
		return true;
	}
	return false;
}

/*
 * __alloc_pages_may_oom(): one more try at the high watermark (someone may
 * have freed memory meanwhile); then, for requests the OOM killer could
 * serve (order <= 3, may use ZONE_NORMAL, not __GFP_RETRY_MAYFAIL or
 * __GFP_THISNODE), out_of_memory().  __GFP_NOFAIL requests then get the
 * reserves without any watermark.
 */
static unsigned long may_oom(struct kmm_machine *m, struct slowpath *sp)
{
	const struct alloc_ctx *ac = sp->ac;
	gfp_t gfp = sp->gfp;
	unsigned long pfn;
	int normal = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_NORMAL);

	sp->progress = 0;
	pfn = get_page_from_freelist(m, (gfp | __GFP_HARDWALL) & ~(gfp_t)__GFP_DIRECT_RECLAIM,
				     sp->order, KMM_ALLOC_WMARK_HIGH | KMM_ALLOC_CPUSET, ac);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	if (!(gfp & __GFP_NOFAIL)) {
		if (sp->order > KMM_PAGE_ALLOC_COSTLY_ORDER ||
		    (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) || ac->highest_zoneidx < normal)
			return KMM_PFN_NONE;
	}
	if (!(gfp & __GFP_FS) || !sp->oom_reported) {
		bool progress = kmm_out_of_memory(m, gfp, sp->order);

		sp->oom_reported |= !progress;
		sp->progress = progress;
	}
	if (sp->progress || (gfp & __GFP_NOFAIL)) {
		sp->progress = 1;
		if (gfp & __GFP_NOFAIL)
			return get_page_from_freelist(m, gfp, sp->order,
						      alloc_flags_cma(m, gfp, KMM_ALLOC_NO_WATERMARKS),
						      ac);
	}
	return KMM_PFN_NONE;
}

/*
 * __alloc_pages_slowpath(): wake kswapd; retry at the min watermark with
 * the request's allowances; compact first for costly or unmovable
 * high-order requests; then loop: reserves for __GFP_MEMALLOC (and CPUs in
 * reclaim), direct reclaim, direct compaction, the retry rules, the OOM
 * step.  A request that cannot sleep stops after the first retry.  On
 * failure: __GFP_NOFAIL tries the ALLOC_HARDER reserves and loops (see
 * SLOWPATH_MAX_RETRIES), anything else prints warn_alloc()'s report
 * unless __GFP_NOWARN.
 */
static unsigned long alloc_slowpath(struct kmm_machine *m, gfp_t gfp, unsigned int order,
				    const struct alloc_ctx *ac)
{
	struct slowpath sp = {
		.gfp = gfp, .order = order, .ac = ac, .alloc_flags = gfp_to_alloc_flags(m, gfp),
		.compact_priority = KMM_COMPACT_PRIO_ASYNC, .compact_result = KMM_COMPACT_SKIPPED,
	};
	bool can_reclaim = (gfp & __GFP_DIRECT_RECLAIM) && !kmm_in_reclaim(m);
	bool costly = order > KMM_PAGE_ALLOC_COSTLY_ORDER;
	unsigned long pfn;
	unsigned int reserve, loops = 0;

	if (sp.alloc_flags & KMM_ALLOC_KSWAPD)
		wake_all_kswapds(m, gfp, order, ac);
	pfn = get_page_from_freelist(m, gfp, order, sp.alloc_flags, ac);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	if (can_reclaim && (costly || (order > 0 && ac->migratetype != KMM_MIGRATE_MOVABLE)) &&
	    !gfp_pfmemalloc_flags(m, gfp)) {
		pfn = direct_compact(m, &sp, KMM_COMPACT_PRIO_ASYNC);
		if (pfn != KMM_PFN_NONE)
			return pfn;
		if (costly && (gfp & __GFP_NORETRY) &&
		    (sp.compact_result == KMM_COMPACT_SKIPPED ||
		     sp.compact_result == KMM_COMPACT_DEFERRED))
			goto nopage;
	}
retry:
	if (sp.alloc_flags & KMM_ALLOC_KSWAPD)
		wake_all_kswapds(m, gfp, order, ac);
	reserve = gfp_pfmemalloc_flags(m, gfp);
	if (reserve)
		sp.alloc_flags = alloc_flags_cma(m, gfp, reserve) | (sp.alloc_flags & KMM_ALLOC_KSWAPD);
	pfn = get_page_from_freelist(m, gfp, order, sp.alloc_flags, ac);
	if (pfn != KMM_PFN_NONE || !can_reclaim)
		goto out;
	pfn = direct_reclaim(m, &sp);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	pfn = direct_compact(m, &sp, sp.compact_priority);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	if ((gfp & __GFP_NORETRY) || (costly && !(gfp & __GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (++loops > SLOWPATH_MAX_RETRIES)
		goto nopage;
	if (should_reclaim_retry(m, &sp))
		goto retry;
	if (sp.progress && should_compact_retry(m, &sp))
		goto retry;
	pfn = may_oom(m, &sp);
	if (pfn != KMM_PFN_NONE)
		return pfn;
	if (sp.progress) {
		sp.no_progress_loops = 0;
		goto retry;
	}
nopage:
	if ((gfp & __GFP_NOFAIL) && can_reclaim && loops <= SLOWPATH_MAX_RETRIES) {
		pfn = get_page_from_freelist(m, gfp, order,
					     alloc_flags_cma(m, gfp, KMM_ALLOC_HARDER), ac);
		if (pfn != KMM_PFN_NONE)
			return pfn;
		loops++;
		goto retry;
	}
out:
	if (pfn == KMM_PFN_NONE)
		kmm_warn_alloc(m, gfp, order, gfp & __GFP_NOFAIL);
	return pfn;
}

/* debug builds: the zone the operation touched and the CPU's lists, under their locks */
static bool zone_validate_locked(struct kmm_machine *m, struct kmm_zone *z, unsigned int cpu)
{
	struct kmm_per_cpu_pages *pcp = zone_pcp(m, z, cpu, false);
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	bool ok;

	if (pcp)
		kmm_spin_lock(&pcp->lock);
	kmm_spin_lock(lock);
	ok = kmm_free_lists_validate(m, z) && kmm_pcp_validate(m, z, cpu);
	kmm_spin_unlock(lock);
	if (pcp)
		kmm_spin_unlock(&pcp->lock);
	return ok;
}

static int alloc_prepare(struct kmm_machine *m, int nid, gfp_t gfp, unsigned int order,
			 struct alloc_ctx *ac)
{
	int highest = kmm_gfp_zone(m, gfp);
	bool thisnode = m->zonelists.numa && (gfp & __GFP_THISNODE);

	if (order >= KMM_MAX_ORDER || (gfp & ~__GFP_BITS_MASK) || highest < 0 ||
	    (gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return -KMM_EINVAL;
	ac->cpu = kmm_this_cpu(m);
	ac->local_nid = kmm_cpu_to_node(m, ac->cpu);
	if (nid == KMM_NUMA_NO_NODE)
		nid = ac->local_nid;
	if (nid < 0 || nid >= KMM_MAX_NUMNODES || !m->node[nid].online)
		return -KMM_EINVAL;
	ac->zl = kmm_node_zonelist(m, nid,
				   thisnode ? KMM_ZONELIST_NOFALLBACK : KMM_ZONELIST_FALLBACK);
	if (!ac->zl)
		return -KMM_EINVAL;
	ac->highest_zoneidx = highest;
	ac->migratetype = kmm_gfp_migratetype(m, gfp);
	ac->preferred = __kmm_next_zones_zonelist(ac->zl, 0, highest);
	ac->nid = nid;
	return 0;
}

int kmm_alloc_pages_node(struct kmm_machine *m, int nid, gfp_t gfp, unsigned int order,
			 unsigned long *pfn)
{
	struct alloc_ctx ac;
	unsigned int alloc_flags;
	unsigned long p;
	int ret = alloc_prepare(m, nid, gfp, order, &ac);

	if (ret)
		return ret;
	if (ac.preferred >= ac.zl->nr)
		return -KMM_ENOMEM;
	alloc_flags = alloc_flags_cma(m, gfp, KMM_ALLOC_WMARK_LOW) |
		      alloc_flags_nofragment(m, preferred_zone(m, &ac), gfp);
	p = get_page_from_freelist(m, gfp, order, alloc_flags, &ac);
	if (p == KMM_PFN_NONE)
		p = alloc_slowpath(m, gfp, order, &ac);
	if (p == KMM_PFN_NONE)
		return -KMM_ENOMEM;
	KMM_CHECK_EXPENSIVE(&m->env, zone_validate_locked(m, kmm_zone_of(m, p), ac.cpu));
	*pfn = p;
	return 0;
}

int kmm_alloc_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order, unsigned long *pfn)
{
	return kmm_alloc_pages_node(m, KMM_NUMA_NO_NODE, gfp, order, pfn);
}

int kmm___get_free_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order, void **addr)
{
	unsigned long pfn;
	int ret;

	if (!m->env.phys_to_virt)
		return -KMM_EINVAL;
	ret = kmm_alloc_pages(m, gfp & ~__GFP_HIGHMEM, order, &pfn);
	if (ret)
		return ret;
	*addr = kmm_pfn_to_virt(m, pfn);
	return 0;
}

int kmm_get_zeroed_page(struct kmm_machine *m, gfp_t gfp, void **addr)
{
	return kmm___get_free_pages(m, gfp | __GFP_ZERO, 0, addr);
}

int kmm_alloc_boot_pages(struct kmm_machine *m, gfp_t gfp, unsigned int nr, unsigned long *pfns)
{
	for (unsigned int i = 0; i < nr; i++) {
		int ret = kmm_alloc_pages(m, gfp, 0, &pfns[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------ freeing */

/*
 * free_pages_prepare(): the block is about to be free.  A compound page's
 * tails must point at the head; every page must be unmapped and not
 * reserved.  On a bad page the block is reported and not freed (Linux
 * leaks it).  Otherwise the descriptors are cleaned and, in debug builds,
 * the pages poisoned.
 */
static bool free_pages_prepare(struct kmm_machine *m, unsigned long pfn, unsigned int order)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	bool compound = kmm_page_flags(page) & KMM_PG_HEAD;
	unsigned long n = 1UL << order;
	int bad = 0;

	for (unsigned long i = 1; i < n; i++) {
		struct kmm_page *t = kmm_page_of(m, pfn + i);
		u16 f = kmm_page_flags(t);

		if (compound && !(f & KMM_PG_TAIL)) {
			bad_page(m, pfn + i, "PageTail not set");
			bad++;
		} else if (compound && t->compound_head != pfn) {
			bad_page(m, pfn + i, "compound_head not consistent");
			bad++;
		} else if (t->mapcount) {
			bad_page(m, pfn + i, "nonzero mapcount");
			bad++;
		} else if (f & (KMM_PG_RESERVED | KMM_PG_BUDDY | KMM_PG_PCP)) {
			bad_page(m, pfn + i, "PAGE_FLAGS_CHECK_AT_FREE flag set");
			bad++;
		}
	}
	if (bad)
		return false;
	for (unsigned long i = 0; i < n; i++) {
		struct kmm_page *p = i ? kmm_page_of(m, pfn + i) : page;

		/* the last reference is gone: the block is ours alone */
		__kmm_page_flags_clear(p, KMM_PG_HEAD | KMM_PG_TAIL | KMM_PG_MOVABLE |
						  KMM_PG_ISOLATED);
		p->compound_head = 0;
		p->next = p->prev = 0; /* a movable page's ops and owner */
		p->order = 0;
		p->private = 0;
		if (KMM_PAGE_POISONING)
			poison_page(m, pfn + i, p);
	}
	return true;
}

/* free_one_page(): straight to the free lists under the zone lock */
static void free_one_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			  unsigned int order, unsigned int mt)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);

	kmm_spin_lock(lock);
	if (mt == KMM_MIGRATE_ISOLATE)
		mt = kmm_pageblock_mt(m, pfn);
	__kmm_free_one_page(m, z, pfn, order, (enum kmm_migratetype)mt, false);
	kmm_spin_unlock(lock);
}

/* nr_pcp_free(): how much to trim; doubling while frees run without allocations */
static int nr_pcp_free(struct kmm_per_cpu_pages *pcp, int high, int batch, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch) /* the boot pageset, or pcp disabled */
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free)
		pcp->free_factor++;
	return KMM_MIN(KMM_MAX(batch, min_nr_free), max_nr_free); /* clamp() */
}

/*
 * free_unref_page_commit(): the block joins the head of its pcp list; past
 * the zone's pcp high (at once for the boot pageset, and for orders 1..3
 * while frees outnumber allocations) a batch goes back to the free lists.
 */
static void free_unref_page_commit(struct kmm_machine *m, struct kmm_zone *z,
				   struct kmm_per_cpu_pages *pcp, unsigned long pfn,
				   unsigned int list_mt, unsigned int order)
{
	unsigned int pindex = order_to_pindex(list_mt, order);
	bool free_high;
	int high, batch;

	pcp_list_add(m, pcp, pindex, pfn, false);
	pcp->count += 1 << order;
	kmm_pcp_stat_add(pcp, KMM_PCP_PGFREE, 1UL << order);
	free_high = pcp->free_factor && order && order <= KMM_PAGE_ALLOC_COSTLY_ORDER;
	pcp_limits(z, &high, &batch);
	if (!high || free_high)
		high = 0;
	if (pcp->count >= high)
		free_pcppages_bulk(m, z, nr_pcp_free(pcp, high, batch, free_high), pcp, pindex);
}

/*
 * free_unref_page(): record the pageblock's type on the block; isolated
 * blocks go straight to the free lists, CMA and highatomic ones onto the
 * movable pcp list (they keep their own type for the way back).
 */
static void free_unref_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			    unsigned int order, unsigned int cpu)
{
	struct kmm_per_cpu_pages *pcp;
	unsigned int mt, list_mt;

	if (!free_pages_prepare(m, pfn, order))
		return;
	mt = kmm_pageblock_mt(m, pfn);
	kmm_page_of(m, pfn)->mt = (u8)mt;
	list_mt = mt;
	if (mt >= KMM_MIGRATE_PCPTYPES) {
		if (mt == KMM_MIGRATE_ISOLATE) {
			kmm_count_vm_events_cpu(m, cpu, KMM_PGFREE, 1UL << order);
			free_one_page(m, z, pfn, order, mt);
			return;
		}
		list_mt = KMM_MIGRATE_MOVABLE;
	}
	pcp = zone_pcp(m, z, cpu, true);
	if (pcp && kmm_spin_trylock(&pcp->lock)) {
		free_unref_page_commit(m, z, pcp, pfn, list_mt, order);
		kmm_spin_unlock(&pcp->lock);
	} else {
		kmm_count_vm_events_cpu(m, cpu, KMM_PGFREE, 1UL << order);
		free_one_page(m, z, pfn, order, mt);
	}
}

/* __free_pages_ok(): blocks the pcp lists do not take */
static void free_pages_ok(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			  unsigned int order, unsigned int cpu)
{
	if (!free_pages_prepare(m, pfn, order))
		return;
	kmm_count_vm_events_cpu(m, cpu, KMM_PGFREE, 1UL << order);
	free_one_page(m, z, pfn, order, kmm_pageblock_mt(m, pfn));
}

void kmm_free_page_to_buddy(struct kmm_machine *m, unsigned long pfn, unsigned int order)
{
	struct kmm_zone *z = kmm_zone_of(m, pfn);

	if (z)
		free_pages_ok(m, z, pfn, order, kmm_this_cpu(m));
}

static void free_the_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			  unsigned int order, unsigned int cpu);

void kmm_put_page(struct kmm_machine *m, unsigned long pfn)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	struct kmm_zone *z = kmm_zone_of(m, pfn);

	if (!page || !z)
		return;
	if (__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		free_the_page(m, z, pfn, 0, kmm_this_cpu(m));
}

unsigned long kmm_isolate_free_block(struct kmm_machine *m, struct kmm_zone *z,
				     unsigned long pfn, unsigned int order)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	unsigned int mt = page->mt;

	if (mt != KMM_MIGRATE_ISOLATE) {
		/* leave the zone its min watermark: compaction must not eat the reserves */
		unsigned long mark = z->watermark[KMM_WMARK_MIN] + (1UL << order);

		if (!kmm_zone_watermark_ok(m, z, 0, mark, 0, KMM_ALLOC_CMA, (long)z->vm_free_pages))
			return 0;
		kmm_zone_account_free(z, order, mt, false);
	}
	kmm_free_list_del(m, z, pfn, order);
	if (order >= KMM_PAGEBLOCK_ORDER - 1) {
		for (unsigned long p = pfn; p < pfn + (1UL << order); p += KMM_PAGEBLOCK_NR_PAGES) {
			enum kmm_migratetype pt = kmm_pageblock_mt(m, p);

			if (pt != KMM_MIGRATE_ISOLATE && pt != KMM_MIGRATE_CMA &&
			    pt != KMM_MIGRATE_HIGHATOMIC)
				kmm_set_pageblock_migratetype(m, p, KMM_MIGRATE_MOVABLE);
		}
	}
	return 1UL << order;
}

static void free_the_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			  unsigned int order, unsigned int cpu)
{
	if (pcp_allowed_order(order))
		free_unref_page(m, z, pfn, order, cpu);
	else
		free_pages_ok(m, z, pfn, order, cpu);
}

/*
 * What is wrong with freeing @page as an allocation of @order, or NULL.
 * Checked before the reference is dropped, so a refused page stays as it
 * was (Linux drops the reference first and then leaks the page).
 */
static const char *free_misuse(const struct kmm_page *page, unsigned int order, char *buf,
			       size_t len)
{
	u16 flags = kmm_page_flags(page);

	if (flags & KMM_PG_TAIL)
		return "VM_BUG_ON_PAGE(PageTail(page))";
	if (flags & (KMM_PG_RESERVED | KMM_PG_BUDDY | KMM_PG_PCP))
		return (flags & KMM_PG_RESERVED) ? "PAGE_FLAGS_CHECK_AT_FREE flag set"
						 : "VM_BUG_ON_PAGE(page_ref_count(page) == 0)";
	if (__atomic_load_n(&page->refcount, __ATOMIC_RELAXED) <= 0)
		return "VM_BUG_ON_PAGE(page_ref_count(page) == 0)";
	if (page->mapcount)
		return "nonzero mapcount";
	if ((flags & KMM_PG_HEAD) && page->order != order)
		return "VM_BUG_ON_PAGE(compound && compound_order(page) != order)";
	if (page->order != order) {
		kmm_snprintf(buf, len, "freed with order %u, allocated with order %u", order,
			     page->order);
		return buf;
	}
	return NULL;
}

int kmm___free_pages(struct kmm_machine *m, unsigned long pfn, unsigned int order)
{
	struct kmm_page *page = kmm_page_of(m, pfn);
	struct kmm_zone *z = kmm_zone_of(m, pfn);
	unsigned int cpu = kmm_this_cpu(m);
	const char *why;
	char buf[64];

	if (order >= KMM_MAX_ORDER || !page || !z || (pfn & ((1UL << order) - 1))) {
		kmm_printk(&m->env, "kmm: __free_pages: pfn %#lx order %u: not an allocated block",
			   pfn, order);
		return -KMM_EINVAL;
	}
	why = free_misuse(page, order, buf, sizeof(buf));
	if (why) {
		bad_page(m, pfn, why);
		return -KMM_EFAULT;
	}
	if (__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		free_the_page(m, z, pfn, order, cpu);
	} else if (order && !(kmm_page_flags(page) & KMM_PG_HEAD)) {
		/*
		 * Someone else holds the first page: the rest of the block goes
		 * now (for order 0 there is no rest, and the page is theirs).
		 */
		page->order = 0;
		while (order-- > 0)
			free_the_page(m, z, pfn + (1UL << order), order, cpu);
	}
	KMM_CHECK_EXPENSIVE(&m->env, zone_validate_locked(m, z, cpu));
	return 0;
}

int kmm_free_pages(struct kmm_machine *m, void *addr, unsigned int order)
{
	unsigned long pfn;

	if (!addr)
		return 0;
	if (kmm_virt_to_pfn(m, addr, &pfn)) {
		kmm_printk(&m->env, "kmm: free_pages: %p is not a direct-map address", addr);
		return -KMM_EINVAL;
	}
	return kmm___free_pages(m, pfn, order);
}

int kmm_split_page(struct kmm_machine *m, unsigned long pfn, unsigned int order)
{
	struct kmm_page *page = kmm_page_of(m, pfn);

	if (!page || order >= KMM_MAX_ORDER ||
	    (kmm_page_flags(page) & (KMM_PG_HEAD | KMM_PG_TAIL | KMM_PG_BUDDY | KMM_PG_PCP)) ||
	    __atomic_load_n(&page->refcount, __ATOMIC_RELAXED) <= 0 || page->order != order)
		return -KMM_EINVAL;
	for (unsigned long i = 1; i < 1UL << order; i++)
		__atomic_store_n(&kmm_page_of(m, pfn + i)->refcount, 1, __ATOMIC_RELAXED);
	page->order = 0;
	return 0;
}

/* ------------------------------------------------------------ drain */

static void drain_pages_zone(struct kmm_machine *m, struct kmm_zone *z, unsigned int cpu)
{
	struct kmm_per_cpu_pages *pcp = zone_pcp(m, z, cpu, false);

	if (!pcp)
		return;
	kmm_spin_lock(&pcp->lock);
	if (pcp->count)
		free_pcppages_bulk(m, z, pcp->count, pcp, 0);
	kmm_spin_unlock(&pcp->lock);
}

static void drain_cpu(struct kmm_machine *m, struct kmm_zone *z, unsigned int cpu)
{
	if (z) {
		drain_pages_zone(m, z, cpu);
		return;
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++)
			drain_pages_zone(m, &m->node[nid].zones[zi], cpu);
}

void kmm_drain_local_pages(struct kmm_machine *m, struct kmm_zone *z)
{
	drain_cpu(m, z, kmm_this_cpu(m));
}

void kmm_drain_all_pages(struct kmm_machine *m, struct kmm_zone *z)
{
	for (unsigned int cpu = 0; cpu < nr_pcp_cpus(m); cpu++)
		drain_cpu(m, z, cpu);
}

int kmm_pcp_count(struct kmm_machine *m, const struct kmm_zone *z, unsigned int cpu)
{
	struct kmm_per_cpu_pages *pcp;
	int n;

	if (cpu >= KMM_PCP_MAX_CPUS)
		return 0;
	pcp = zone_pcp(m, z, cpu, false);
	if (!pcp)
		return 0;
	kmm_spin_lock(&pcp->lock);
	n = pcp->count;
	kmm_spin_unlock(&pcp->lock);
	return n;
}

/* ------------------------------------------------------------ validation */

static bool pcp_bad(const struct kmm_machine *m, const char *what)
{
	kmm_bug(&m->env, "kmm_pcp_validate", what);
	return false;
}

/* may list @pindex hold a block whose recorded type is @mt? */
static bool pcp_list_takes(unsigned int pindex, unsigned int mt)
{
	if (pindex == KMM_NR_LOWORDER_PCP_LISTS)
		return mt < KMM_MIGRATE_ISOLATE;
	if (pindex % KMM_MIGRATE_PCPTYPES == KMM_MIGRATE_MOVABLE &&
	    (mt == KMM_MIGRATE_CMA || mt == KMM_MIGRATE_HIGHATOMIC))
		return true;
	return mt == pindex % KMM_MIGRATE_PCPTYPES;
}

bool kmm_pcp_validate(const struct kmm_machine *m, const struct kmm_zone *z, unsigned int cpu)
{
	u8 s;
	const struct kmm_per_cpu_pages *pcp;
	long count = 0;

	if (cpu >= KMM_PCP_MAX_CPUS)
		return true;
	s = atomic_load_explicit(&m->page_alloc.pcp_slot[z->node][kmm_zone_idx(m, z)],
				 memory_order_acquire);
	if (!s)
		return true;
	pcp = &m->page_alloc.pcp[s - 1][cpu];
	for (unsigned int pi = 0; pi < KMM_NR_PCP_LISTS; pi++) {
		unsigned int order = pindex_to_order(pi);
		u64 prev = KMM_PFN_NONE, p = pcp->lists[pi].head;
		unsigned long n = 0;

		for (; p != KMM_PFN_NONE; prev = p, p = kmm_page_of(m, (unsigned long)p)->next) {
			const struct kmm_page *pg = kmm_page_of(m, (unsigned long)p);
			u16 f = pg ? kmm_page_flags(pg) : 0;

			if (!pg || pg->prev != prev || !(f & KMM_PG_PCP) ||
			    (f & (KMM_PG_BUDDY | KMM_PG_RESERVED | KMM_PG_HEAD | KMM_PG_TAIL)) ||
			    kmm_page_ref_count(pg) || (p & ((1ULL << order) - 1)) || p < z->zone_start_pfn ||
			    p + (1ULL << order) > z->zone_start_pfn + z->spanned_pages ||
			    !pcp_list_takes(pi, pg->mt) || ++n > z->spanned_pages)
				return pcp_bad(m, "per-CPU list entry inconsistent");
			count += 1L << order;
		}
		if (prev != pcp->lists[pi].tail)
			return pcp_bad(m, "per-CPU list tail differs from the walk");
	}
	if (count != pcp->count)
		return pcp_bad(m, "per-CPU count differs from the lists");
	return true;
}

bool kmm_page_alloc_validate(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		for (unsigned int zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++) {
			struct kmm_zone *z = &m->node[nid].zones[zi];

			if (!z->spanned_pages)
				continue;
			for (unsigned int cpu = 0; cpu < nr_pcp_cpus(m); cpu++)
				if (!zone_validate_locked(m, z, cpu))
					return false;
		}
	}
	return true;
}
