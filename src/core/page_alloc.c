// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - the buddy allocator's free lists (see kmm/page_alloc.h);
 * allocation and the per-CPU lists are in page_alloc_rt.c.
 *
 * A zone keeps, per order and migrate type, a doubly linked list of free
 * blocks threaded through the blocks' head descriptors by pfn; the head
 * also records which list it is on (page->mt), so a block can be taken off
 * or moved without searching.  Freeing a block merges it with its buddy
 * (pfn ^ 2^order) for as long as the buddy is a free block of the same
 * order in the same zone, as Linux's __free_one_page() does; at and above
 * pageblock_order two blocks only merge when their pageblock types may
 * share a free list.
 *
 * The placement of a freed block on its list (head or tail) decides which
 * block the next allocation returns, so it follows Linux: to the tail when
 * the caller asks (FPI_TO_TAIL: memblock_free_all, onlining) or when the
 * next-larger buddy is free too (buddy_merge_likely), else to the head.
 *
 * Pageblock types are read and changed here with atomic byte operations
 * (Linux's get/set_pfnblock_flags_mask use READ_ONCE and cmpxchg): a free
 * reads its pageblock's type without the zone lock, and two pageblocks of
 * neighbouring zones share a byte of the bitmap.
 */
#include <kmm/check.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>

#include "page_alloc_internal.h"

_Static_assert(sizeof(struct kmm_page) <= 40, "struct kmm_page must fit i386's struct page");
_Static_assert(KMM_MIGRATE_TYPES <= 8, "a migrate type must fit the 3 pageblock bits");

#define NR_PAGEBLOCK_BITS 4
#define MIGRATETYPE_MASK 7u

static const char *const migratetype_names[KMM_MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

const char *kmm_migratetype_name(enum kmm_migratetype mt)
{
	return (unsigned int)mt < KMM_MIGRATE_TYPES ? migratetype_names[mt] : "?";
}

void kmm_zone_free_lists_init(struct kmm_zone *z)
{
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
		struct kmm_free_area *fa = &z->free_area[o];

		for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++) {
			fa->head[t] = KMM_PFN_NONE;
			fa->tail[t] = KMM_PFN_NONE;
			fa->nr[t] = 0;
		}
		fa->nr_free = 0;
	}
	z->vm_free_pages = 0;
	z->vm_free_cma_pages = 0;
}

unsigned long kmm_zone_free_pages(const struct kmm_zone *z)
{
	return kmm_read_ulong(&z->vm_free_pages);
}

/*
 * Isolated pages are not free pages to the rest of the kernel: Linux leaves
 * them out of NR_FREE_PAGES, and so does kmm.
 */
void kmm_zone_account_free(struct kmm_zone *z, unsigned int order, unsigned int mt, bool add)
{
	unsigned long n = 1UL << order;

	if (mt == KMM_MIGRATE_ISOLATE)
		return;
	kmm_write_ulong(&z->vm_free_pages, add ? z->vm_free_pages + n : z->vm_free_pages - n);
	if (mt == KMM_MIGRATE_CMA)
		kmm_write_ulong(&z->vm_free_cma_pages,
				add ? z->vm_free_cma_pages + n : z->vm_free_cma_pages - n);
}

void kmm_free_list_add(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
		       unsigned int order, unsigned int mt, bool tail)
{
	struct kmm_free_area *fa = &z->free_area[order];
	struct kmm_page *page = kmm_page_of(m, pfn);

	page->private = order;
	page->mt = (u8)mt;
	if (fa->head[mt] == KMM_PFN_NONE) {
		page->next = page->prev = KMM_PFN_NONE;
		fa->head[mt] = fa->tail[mt] = pfn;
	} else if (tail) {
		struct kmm_page *last = kmm_page_of(m, (unsigned long)fa->tail[mt]);

		page->prev = fa->tail[mt];
		page->next = KMM_PFN_NONE;
		last->next = pfn;
		fa->tail[mt] = pfn;
	} else {
		struct kmm_page *first = kmm_page_of(m, (unsigned long)fa->head[mt]);

		page->next = fa->head[mt];
		page->prev = KMM_PFN_NONE;
		first->prev = pfn;
		fa->head[mt] = pfn;
	}
	__kmm_page_flags_set(page, KMM_PG_BUDDY); /* free, under the zone lock */
	/* the watermark check reads the counts without the zone lock */
	kmm_write_ulong(&fa->nr[mt], fa->nr[mt] + 1);
	kmm_write_ulong(&fa->nr_free, fa->nr_free + 1);
}

/* unlink the block at @pfn (descriptor @page) from list @mt of @order */
static void free_list_unlink(const struct kmm_machine *m, struct kmm_free_area *fa,
			     struct kmm_page *page, unsigned int mt)
{
	if (page->prev == KMM_PFN_NONE)
		fa->head[mt] = page->next;
	else
		kmm_page_of(m, (unsigned long)page->prev)->next = page->next;
	if (page->next == KMM_PFN_NONE)
		fa->tail[mt] = page->prev;
	else
		kmm_page_of(m, (unsigned long)page->next)->prev = page->prev;
	kmm_write_ulong(&fa->nr[mt], fa->nr[mt] - 1);
	kmm_write_ulong(&fa->nr_free, fa->nr_free - 1);
}

void kmm_free_list_del(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
		       unsigned int order)
{
	struct kmm_page *page = kmm_page_of(m, pfn);

	free_list_unlink(m, &z->free_area[order], page, page->mt);
	__kmm_page_flags_clear(page, KMM_PG_BUDDY);
	page->next = page->prev = 0;
	page->private = 0;
}

void kmm_free_list_move(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			unsigned int order, unsigned int mt)
{
	struct kmm_page *page = kmm_page_of(m, pfn);

	free_list_unlink(m, &z->free_area[order], page, page->mt);
	kmm_free_list_add(m, z, pfn, order, mt, true);
}

/* buddy_merge_likely(): is the next-larger buddy free, so that this block should wait at the tail? */
static bool buddy_merge_likely(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			       unsigned int order)
{
	unsigned long higher, hbuddy;
	struct kmm_page *hp;

	if (order >= KMM_MAX_ORDER - 2)
		return false;
	higher = pfn & ~((2UL << order) - 1);
	hbuddy = higher ^ (2UL << order);
	if (kmm_zone_of(m, hbuddy) != z || !kmm_has_memmap(m, hbuddy))
		return false;
	hp = kmm_page_of(m, hbuddy);
	return hp && (kmm_page_flags(hp) & KMM_PG_BUDDY) && hp->private == order + 1;
}

void __kmm_free_one_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			 unsigned int order, enum kmm_migratetype mt, bool to_tail)
{
	struct kmm_page *page = kmm_page_of(m, pfn);

	KMM_CHECK(&m->env, page && !(pfn & ((1UL << order) - 1)));
	if (!page)
		return;
	kmm_zone_account_free(z, order, mt, true);
	while (order < KMM_MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct kmm_page *buddy;

		if (kmm_zone_of(m, buddy_pfn) != z || !kmm_has_memmap(m, buddy_pfn))
			break;
		buddy = kmm_page_of(m, buddy_pfn);
		if (!buddy || !(kmm_page_flags(buddy) & KMM_PG_BUDDY) || buddy->private != order)
			break;
		/* never mix isolated/CMA/highatomic pageblocks with normal ones */
		if (order >= KMM_PAGEBLOCK_ORDER) {
			enum kmm_migratetype bmt = kmm_pageblock_mt(m, buddy_pfn);

			if (bmt != mt && (!kmm_migratetype_is_mergeable(mt) ||
					  !kmm_migratetype_is_mergeable(bmt)))
				break;
		}
		kmm_free_list_del(m, z, buddy_pfn, order);
		pfn &= buddy_pfn;
		order++;
	}
	if (!to_tail)
		to_tail = buddy_merge_likely(m, z, pfn, order);
	kmm_free_list_add(m, z, pfn, order, mt, to_tail);
}

/* ------------------------------------------------------------ validation */

static bool lists_bad(const struct kmm_machine *m, const char *what)
{
	kmm_bug(&m->env, "kmm_free_lists_validate", what);
	return false;
}

/* the pageblock rules of a free block on list @t: CMA and ISOLATE never mix with others */
static bool block_types_ok(const struct kmm_machine *m, unsigned long pfn, unsigned int order,
			   unsigned int t)
{
	unsigned long step = KMM_PAGEBLOCK_NR_PAGES, n = 1UL << order;

	for (unsigned long p = pfn & ~(step - 1); p < pfn + n; p += step) {
		enum kmm_migratetype pb = kmm_pageblock_mt(m, p);

		if ((t == KMM_MIGRATE_CMA) != (pb == KMM_MIGRATE_CMA))
			return false;
		if (t == KMM_MIGRATE_ISOLATE && pb != KMM_MIGRATE_ISOLATE)
			return false;
	}
	return true;
}

static bool free_list_ok(const struct kmm_machine *m, const struct kmm_zone *z, unsigned int o,
			 unsigned int t, unsigned long *pages, unsigned long *cma)
{
	const struct kmm_free_area *fa = &z->free_area[o];
	u64 prev = KMM_PFN_NONE, p = fa->head[t];
	unsigned long n = 0;

	for (; p != KMM_PFN_NONE; prev = p, p = kmm_page_of(m, (unsigned long)p)->next) {
		const struct kmm_page *pg = kmm_page_of(m, (unsigned long)p);
		u16 flags = pg ? kmm_page_flags(pg) : 0;

		if (!pg || pg->prev != prev || !(flags & KMM_PG_BUDDY) ||
		    (flags & (KMM_PG_RESERVED | KMM_PG_PCP | KMM_PG_TAIL)) || pg->private != o ||
		    pg->mt != t || kmm_page_ref_count(pg) || (p & ((1ULL << o) - 1)) ||
		    p < z->zone_start_pfn ||
		    p + (1ULL << o) > z->zone_start_pfn + z->spanned_pages || n > z->spanned_pages)
			return lists_bad(m, "free list entry inconsistent");
		if (!block_types_ok(m, (unsigned long)p, o, t))
			return lists_bad(m, "free block on a list its pageblock type forbids");
		n++;
	}
	if (prev != fa->tail[t] || n != fa->nr[t])
		return lists_bad(m, "free list counters differ from the walk");
	if (t != KMM_MIGRATE_ISOLATE)
		*pages += n << o;
	if (t == KMM_MIGRATE_CMA)
		*cma += n << o;
	return true;
}

/* nr_reserved_highatomic counts the zone's HIGHATOMIC pageblocks */
static bool highatomic_ok(const struct kmm_machine *m, const struct kmm_zone *z)
{
	unsigned long end = z->zone_start_pfn + z->spanned_pages, blocks = 0;

	for (unsigned long p = z->zone_start_pfn & ~(KMM_PAGEBLOCK_NR_PAGES - 1); p < end;
	     p += KMM_PAGEBLOCK_NR_PAGES)
		if (kmm_has_memmap(m, p) && kmm_pageblock_mt(m, p) == KMM_MIGRATE_HIGHATOMIC)
			blocks++;
	if (blocks * KMM_PAGEBLOCK_NR_PAGES != kmm_read_ulong(&z->nr_reserved_highatomic))
		return lists_bad(m, "nr_reserved_highatomic differs from the HIGHATOMIC pageblocks");
	return true;
}

bool kmm_free_lists_validate(const struct kmm_machine *m, const struct kmm_zone *z)
{
	unsigned long pages = 0, cma = 0;

	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
		unsigned long total = 0;

		for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++) {
			if (!free_list_ok(m, z, o, t, &pages, &cma))
				return false;
			total += z->free_area[o].nr[t];
		}
		if (total != z->free_area[o].nr_free)
			return lists_bad(m, "nr_free differs from the lists");
	}
	if (pages != kmm_read_ulong(&z->vm_free_pages) ||
	    cma != kmm_read_ulong(&z->vm_free_cma_pages))
		return lists_bad(m, "NR_FREE_PAGES differs from the lists");
	return highatomic_ok(m, z);
}
