// SPDX-License-Identifier: MIT
/*
 * page_isolation.c - MIGRATE_ISOLATE pageblocks and alloc_contig_range()
 * (Linux 6.1 mm/page_isolation.c and mm/page_alloc.c); see
 * kmm/compaction.h.
 *
 * Isolating a pageblock (under the zone lock): refuse when it is already
 * isolated or holds an unmovable page in the range; split any free block
 * larger than a pageblock that covers it (so each pageblock's free pages
 * can change list on their own); set the type to ISOLATE and move its free
 * blocks to the ISOLATE list, taking them out of NR_FREE_PAGES.  Pages
 * freed into an isolated pageblock from then on stay on the ISOLATE list
 * (free_unref_page and the per-CPU drain look at the pageblock's type).
 * Undoing moves the free blocks back to the restored type, counting them
 * again, and lets a whole free pageblock merge with its buddy.
 *
 * alloc_contig_range(): isolate, drain the per-CPU lists, migrate every
 * movable page of the range out (up to 5 passes), check that the range is
 * all free blocks on the ISOLATE list, take those blocks as order-0 pages,
 * give back the parts of the first and last block outside the range, undo
 * the isolation.
 */
#include <kmm/check.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#include "compaction_internal.h"
#include "page_alloc_internal.h"

#define PB_MASK (KMM_PAGEBLOCK_NR_PAGES - 1)
#define CONTIG_MIGRATE_TRIES 5

static unsigned long pb_start(unsigned long pfn)
{
	return pfn & ~PB_MASK;
}

/* has_unmovable_pages(): the first page of [start, end) (one pageblock) that cannot move, or NONE */
static unsigned long find_unmovable(struct kmm_machine *m, const struct kmm_zone *z,
				    unsigned long start, unsigned long end, unsigned int migratetype)
{
	if (kmm_get_pageblock_migratetype(m, start) == KMM_MIGRATE_CMA)
		return migratetype == KMM_MIGRATE_CMA ? KMM_PFN_NONE : start;
	for (unsigned long pfn = start; pfn < end; pfn++) {
		const struct kmm_page *page = kmm_pfn_to_page(m, pfn);
		u16 f = page ? kmm_page_flags(page) : KMM_PG_RESERVED;

		if (f & KMM_PG_RESERVED)
			return pfn;
		if (z->kind == KMM_ZONE_MOVABLE)
			continue;
		if (f & KMM_PG_BUDDY) {
			pfn += (1UL << page->private) - 1;
			continue;
		}
		if (f & KMM_PG_HEAD)
			return pfn; /* no compound page migration in kmm */
		if (__atomic_load_n(&page->refcount, __ATOMIC_RELAXED) <= 0 || (f & KMM_PG_MOVABLE))
			continue;
		return pfn;
	}
	return KMM_PFN_NONE;
}

/* split_free_page(): a free block above pageblock_order covering @block becomes pageblocks */
static void split_covering_block(struct kmm_machine *m, struct kmm_zone *z, unsigned long block)
{
	for (unsigned int o = KMM_PAGEBLOCK_ORDER + 1; o < KMM_MAX_ORDER; o++) {
		unsigned long head = block & ~((1UL << o) - 1);
		struct kmm_page *page;
		unsigned int mt;

		if (head < z->zone_start_pfn || !kmm_pfn_has_memmap(m, head))
			break;
		page = kmm_pfn_to_page(m, head);
		if (!(kmm_page_flags(page) & KMM_PG_BUDDY) || page->private != o)
			continue;
		mt = page->mt;
		kmm_free_list_del(m, z, head, o);
		for (unsigned long p = head; p < head + (1UL << o); p += KMM_PAGEBLOCK_NR_PAGES)
			kmm_free_list_add(m, z, p, KMM_PAGEBLOCK_ORDER, mt, false);
		return;
	}
}

/* move every free block of @block's pageblock to list @mt, keeping NR_FREE_PAGES right */
static void rehome_free_blocks(struct kmm_machine *m, struct kmm_zone *z, unsigned long block,
			       unsigned int mt)
{
	unsigned long end = KMM_MIN(block + KMM_PAGEBLOCK_NR_PAGES,
				    z->zone_start_pfn + z->spanned_pages);

	for (unsigned long p = KMM_MAX(block, z->zone_start_pfn); p < end;) {
		struct kmm_page *page = kmm_pfn_to_page(m, p);
		unsigned int order;

		if (!page || !(kmm_page_flags(page) & KMM_PG_BUDDY)) {
			p++;
			continue;
		}
		order = page->private;
		if (page->mt != mt) {
			kmm_zone_account_free(z, order, page->mt, false);
			kmm_zone_account_free(z, order, mt, true);
			kmm_free_list_move(m, z, p, order, mt);
		}
		p += 1UL << order;
	}
}

static int isolate_pageblock(struct kmm_machine *m, struct kmm_zone *z, unsigned long block,
			     unsigned long start, unsigned long end, unsigned int migratetype)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	unsigned long s = KMM_MAX(block, start), e = KMM_MIN(block + KMM_PAGEBLOCK_NR_PAGES, end);
	unsigned long bad;

	kmm_spin_lock(lock);
	if (kmm_get_pageblock_migratetype(m, block) == KMM_MIGRATE_ISOLATE) {
		kmm_spin_unlock(lock);
		return -KMM_EBUSY;
	}
	bad = find_unmovable(m, z, s, e, migratetype);
	if (bad != KMM_PFN_NONE) {
		kmm_spin_unlock(lock);
		return -KMM_EBUSY;
	}
	if (kmm_get_pageblock_migratetype(m, block) == KMM_MIGRATE_HIGHATOMIC)
		kmm_write_ulong(&z->nr_reserved_highatomic,
				z->nr_reserved_highatomic -
					KMM_MIN(KMM_PAGEBLOCK_NR_PAGES, z->nr_reserved_highatomic));
	split_covering_block(m, z, block);
	kmm_set_pageblock_migratetype(m, block, KMM_MIGRATE_ISOLATE);
	rehome_free_blocks(m, z, block, KMM_MIGRATE_ISOLATE);
	atomic_fetch_add_explicit(&kmm_zone_compact(m, z)->nr_isolate_pageblock, 1,
				  memory_order_relaxed);
	kmm_spin_unlock(lock);
	return 0;
}

/*
 * unset_migratetype_isolate(): back to @mt; a pageblock that is one free
 * block is freed again so it can merge with a free buddy pageblock.
 */
static void unisolate_pageblock(struct kmm_machine *m, struct kmm_zone *z, unsigned long block,
				unsigned int mt)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	struct kmm_page *head;

	kmm_spin_lock(lock);
	if (kmm_get_pageblock_migratetype(m, block) != KMM_MIGRATE_ISOLATE) {
		kmm_spin_unlock(lock);
		return;
	}
	kmm_set_pageblock_migratetype(m, block, (enum kmm_migratetype)mt);
	rehome_free_blocks(m, z, block, mt);
	head = kmm_pfn_to_page(m, block);
	if (head && (kmm_page_flags(head) & KMM_PG_BUDDY) && head->private == KMM_PAGEBLOCK_ORDER) {
		kmm_free_list_del(m, z, block, KMM_PAGEBLOCK_ORDER);
		kmm_zone_account_free(z, KMM_PAGEBLOCK_ORDER, mt, false);
		__kmm_free_one_page(m, z, block, KMM_PAGEBLOCK_ORDER, (enum kmm_migratetype)mt, false);
	}
	atomic_fetch_sub_explicit(&kmm_zone_compact(m, z)->nr_isolate_pageblock, 1,
				  memory_order_relaxed);
	kmm_spin_unlock(lock);
}

/* the zone holding all of [start, end) with a memmap everywhere at the ends, or NULL */
static struct kmm_zone *range_zone(struct kmm_machine *m, unsigned long start, unsigned long end)
{
	struct kmm_zone *z;

	if (start >= end || !kmm_pfn_has_memmap(m, start) || !kmm_pfn_has_memmap(m, end - 1))
		return NULL;
	z = kmm_pfn_zone(m, start);
	if (!z || kmm_pfn_zone(m, end - 1) != z)
		return NULL;
	return z;
}

int kmm_start_isolate_page_range(struct kmm_machine *m, unsigned long start_pfn,
				 unsigned long end_pfn, enum kmm_migratetype migratetype)
{
	struct kmm_zone *z = range_zone(m, start_pfn, end_pfn);
	unsigned long block;

	if (!z || (migratetype != KMM_MIGRATE_MOVABLE && migratetype != KMM_MIGRATE_CMA))
		return -KMM_EINVAL;
	if (pb_start(start_pfn) < z->zone_start_pfn ||
	    pb_start(end_pfn - 1) + KMM_PAGEBLOCK_NR_PAGES > z->zone_start_pfn + z->spanned_pages)
		return -KMM_EINVAL; /* the outer pageblocks must lie in the zone too */
	for (block = pb_start(start_pfn); block < end_pfn; block += KMM_PAGEBLOCK_NR_PAGES) {
		int ret = isolate_pageblock(m, z, block, start_pfn, end_pfn, migratetype);

		if (ret) {
			if (block > pb_start(start_pfn))
				kmm_undo_isolate_page_range(m, start_pfn, block, migratetype);
			return ret;
		}
	}
	return 0;
}

void kmm_undo_isolate_page_range(struct kmm_machine *m, unsigned long start_pfn,
				 unsigned long end_pfn, enum kmm_migratetype migratetype)
{
	struct kmm_zone *z = range_zone(m, start_pfn, end_pfn);

	if (!z)
		return;
	for (unsigned long b = pb_start(start_pfn); b < end_pfn; b += KMM_PAGEBLOCK_NR_PAGES)
		unisolate_pageblock(m, z, b, migratetype);
}

int kmm_test_pages_isolated(struct kmm_machine *m, unsigned long start_pfn, unsigned long end_pfn)
{
	struct kmm_zone *z = range_zone(m, start_pfn, end_pfn);
	struct kmm_spinlock *lock;
	unsigned long pfn = start_pfn;

	if (!z)
		return -KMM_EBUSY;
	for (unsigned long b = pb_start(start_pfn); b < end_pfn; b += KMM_PAGEBLOCK_NR_PAGES)
		if (kmm_get_pageblock_migratetype(m, b) != KMM_MIGRATE_ISOLATE)
			return -KMM_EBUSY;
	lock = kmm_zone_lock(m, z);
	kmm_spin_lock(lock);
	while (pfn < end_pfn) {
		const struct kmm_page *page = kmm_pfn_to_page(m, pfn);

		if (!(kmm_page_flags(page) & KMM_PG_BUDDY) || page->mt != KMM_MIGRATE_ISOLATE)
			break;
		pfn += 1UL << page->private;
	}
	kmm_spin_unlock(lock);
	return pfn < end_pfn ? -KMM_EBUSY : 0;
}

/* ------------------------------------------------------------ alloc_contig_range */

/*
 * __alloc_contig_migrate_range(): move every movable page of [start, end)
 * to a page outside the isolated pageblocks on the same node.  Pages that
 * cannot be isolated now (another migration holds them) are retried up to
 * CONTIG_MIGRATE_TRIES passes.  Returns 0 or -KMM_EBUSY.
 */
static int migrate_range(struct kmm_machine *m, const struct kmm_zone *z, unsigned long start,
			 unsigned long end, gfp_t gfp)
{
	gfp_t target = (GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL | __GFP_NOWARN) &
		       ~(__GFP_RECLAIM & ~gfp);

	for (unsigned int pass = 0; pass < CONTIG_MIGRATE_TRIES; pass++) {
		unsigned long left = 0;

		for (unsigned long pfn = start; pfn < end; pfn++) {
			const struct kmm_page *page = kmm_pfn_to_page(m, pfn);
			unsigned long new;

			if (!(kmm_page_flags(page) & KMM_PG_MOVABLE))
				continue;
			if (!kmm_isolate_movable_page(m, pfn)) {
				left++;
				continue;
			}
			if (kmm_alloc_pages_node(m, z->node, target, 0, &new)) {
				kmm_putback_movable_page(m, pfn);
				return -KMM_EBUSY; /* no room to move to */
			}
			if (kmm_migrate_one(m, pfn, new)) {
				kmm___free_pages(m, new, 0);
				left++;
			}
		}
		if (!left)
			return 0;
	}
	return -KMM_EBUSY;
}

/* the free block that contains @start (Linux's outer_start), or @start itself */
static unsigned long outer_start(struct kmm_machine *m, unsigned long start)
{
	unsigned long outer = start;
	unsigned int order = 0;

	while (!(kmm_page_flags(kmm_pfn_to_page(m, outer)) & KMM_PG_BUDDY)) {
		if (++order >= KMM_MAX_ORDER)
			return start;
		outer &= ~0UL << order;
		if (!kmm_pfn_has_memmap(m, outer))
			return start;
	}
	if (outer != start && outer + (1UL << kmm_pfn_to_page(m, outer)->private) <= start)
		return start;
	return outer;
}

/*
 * isolate_freepages_range(): take the free blocks [from, end...) off the
 * ISOLATE lists as order-0 pages of refcount 1; returns where the last
 * block ends (>= end).  Zone lock taken here.
 */
static unsigned long take_free_range(struct kmm_machine *m, struct kmm_zone *z,
				     unsigned long from, unsigned long end)
{
	struct kmm_spinlock *lock = kmm_zone_lock(m, z);
	unsigned long pfn = from;

	kmm_spin_lock(lock);
	while (pfn < end) {
		unsigned int order = kmm_pfn_to_page(m, pfn)->private;

		kmm_free_list_del(m, z, pfn, order);
		kmm_spin_unlock(lock);
		for (unsigned long p = pfn; p < pfn + (1UL << order); p++)
			kmm_prep_new_page(m, p, 0, 0);
		kmm_spin_lock(lock);
		pfn += 1UL << order;
	}
	kmm_spin_unlock(lock);
	return pfn;
}

int kmm_alloc_contig_range(struct kmm_machine *m, unsigned long start_pfn, unsigned long end_pfn,
			   enum kmm_migratetype migratetype, gfp_t gfp)
{
	struct kmm_zone *z = range_zone(m, start_pfn, end_pfn);
	unsigned long outer = start_pfn, outer_end;
	int ret;

	if (!z || (migratetype == KMM_MIGRATE_CMA && !m->kernel.cma))
		return -KMM_EINVAL;
	ret = kmm_start_isolate_page_range(m, start_pfn, end_pfn, migratetype);
	if (ret)
		return ret;
	kmm_drain_all_pages(m, z);
	ret = migrate_range(m, z, start_pfn, end_pfn, gfp);
	if (!ret) {
		kmm_drain_all_pages(m, z);
		kmm_spin_lock(kmm_zone_lock(m, z));
		outer = outer_start(m, start_pfn);
		kmm_spin_unlock(kmm_zone_lock(m, z));
		if (kmm_test_pages_isolated(m, outer, end_pfn)) {
			if (!(gfp & __GFP_NOWARN))
				kmm_printk(&m->env, "alloc_contig_range: [%lx, %lx) PFNs busy", outer,
					   end_pfn);
			ret = -KMM_EBUSY;
		}
	}
	if (!ret) {
		outer_end = take_free_range(m, z, outer, end_pfn);
		for (unsigned long p = outer; p < start_pfn; p++)
			kmm___free_pages(m, p, 0);
		for (unsigned long p = end_pfn; p < outer_end; p++)
			kmm___free_pages(m, p, 0);
	}
	kmm_undo_isolate_page_range(m, start_pfn, end_pfn, migratetype);
	return ret;
}

int kmm_free_contig_range(struct kmm_machine *m, unsigned long pfn, unsigned long nr_pages)
{
	unsigned long busy = 0;

	for (unsigned long p = pfn; p < pfn + nr_pages; p++) {
		struct kmm_page *page = kmm_pfn_to_page(m, p);

		if (!page) {
			busy++;
			continue;
		}
		busy += __atomic_load_n(&page->refcount, __ATOMIC_RELAXED) != 1;
		kmm___free_pages(m, p, 0);
	}
	if (busy) {
		kmm_printk(&m->env, "%lu pages are still in use!", busy);
		return -KMM_EFAULT;
	}
	return 0;
}
