// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - the buddy allocator's free lists (see kmm/page_alloc.h).
 *
 * A zone keeps, per order and migrate type, a doubly linked list of free
 * blocks threaded through the blocks' head descriptors by pfn.  Freeing a
 * block merges it with its buddy (pfn ^ 2^order) for as long as the buddy is
 * a free block of the same order in the same zone, as Linux's
 * __free_one_page() does; at and above pageblock_order two blocks only merge
 * when their pageblock types may share a free list.
 *
 * The placement of a freed block on its list (head or tail) decides which
 * block the next allocation returns, so it follows Linux: to the tail when
 * the caller asks (FPI_TO_TAIL: memblock_free_all, onlining) or when the
 * next-larger buddy is free too (buddy_merge_likely), else to the head.
 */
#include <kmm/check.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>

_Static_assert(sizeof(struct kmm_page) <= 40, "struct kmm_page must fit i386's struct page");

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
	return z->vm_free_pages;
}

static void account_free(struct kmm_zone *z, unsigned int order, enum kmm_migratetype mt,
			 bool add)
{
	unsigned long n = 1UL << order;

	if (add) {
		z->vm_free_pages += n;
		if (mt == KMM_MIGRATE_CMA)
			z->vm_free_cma_pages += n;
	} else {
		z->vm_free_pages -= n;
		if (mt == KMM_MIGRATE_CMA)
			z->vm_free_cma_pages -= n;
	}
}

/* add the block at @pfn (descriptor @page) to its list, at the head or the tail */
static void free_list_add(const struct kmm_machine *m, struct kmm_zone *z, struct kmm_page *page,
			  unsigned long pfn, unsigned int order, enum kmm_migratetype mt, bool tail)
{
	struct kmm_free_area *fa = &z->free_area[order];

	page->flags |= KMM_PG_BUDDY;
	page->private = order;
	if (fa->head[mt] == KMM_PFN_NONE) {
		page->next = page->prev = KMM_PFN_NONE;
		fa->head[mt] = fa->tail[mt] = pfn;
	} else if (tail) {
		struct kmm_page *last = kmm_pfn_to_page(m, (unsigned long)fa->tail[mt]);

		page->prev = fa->tail[mt];
		page->next = KMM_PFN_NONE;
		last->next = pfn;
		fa->tail[mt] = pfn;
	} else {
		struct kmm_page *first = kmm_pfn_to_page(m, (unsigned long)fa->head[mt]);

		page->next = fa->head[mt];
		page->prev = KMM_PFN_NONE;
		first->prev = pfn;
		fa->head[mt] = pfn;
	}
	fa->nr[mt]++;
	fa->nr_free++;
}

/* take the block at @pfn off its list and clear its buddy state */
static void free_list_del(const struct kmm_machine *m, struct kmm_zone *z, struct kmm_page *page,
			  unsigned long pfn, unsigned int order, enum kmm_migratetype mt)
{
	struct kmm_free_area *fa = &z->free_area[order];

	if (page->prev == KMM_PFN_NONE)
		fa->head[mt] = page->next;
	else
		kmm_pfn_to_page(m, (unsigned long)page->prev)->next = page->next;
	if (page->next == KMM_PFN_NONE)
		fa->tail[mt] = page->prev;
	else
		kmm_pfn_to_page(m, (unsigned long)page->next)->prev = page->prev;
	page->next = page->prev = 0;
	page->flags &= ~KMM_PG_BUDDY;
	page->private = 0;
	fa->nr[mt]--;
	fa->nr_free--;
	(void)pfn;
}

/*
 * The list a free block sits on.  Blocks keep the migrate type of the list
 * they were put on, which is their pageblock's type when they were freed;
 * kmm finds it again by searching the lists of that order (few types).
 */
static int free_block_list(const struct kmm_machine *m, const struct kmm_zone *z,
			   unsigned long pfn, unsigned int order)
{
	const struct kmm_free_area *fa = &z->free_area[order];
	enum kmm_migratetype hint = kmm_get_pageblock_migratetype(m, pfn);

	for (unsigned int i = 0; i < KMM_MIGRATE_TYPES; i++) {
		unsigned int t = (hint + i) % KMM_MIGRATE_TYPES;
		u64 p = fa->head[t];

		if (!fa->nr[t])
			continue;
		if (t == hint)
			return (int)t;
		/* not the pageblock's type: confirm by walking (rare: stolen or isolated blocks) */
		for (; p != KMM_PFN_NONE; p = kmm_pfn_to_page(m, (unsigned long)p)->next)
			if (p == pfn)
				return (int)t;
	}
	return -1;
}

static bool migratetype_is_mergeable(enum kmm_migratetype mt)
{
	return mt < KMM_MIGRATE_PCPTYPES;
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
	if (kmm_pfn_zone(m, hbuddy) != z || !kmm_pfn_has_memmap(m, hbuddy))
		return false;
	hp = kmm_pfn_to_page(m, hbuddy);
	return hp && (hp->flags & KMM_PG_BUDDY) && hp->private == order + 1;
}

void __kmm_free_one_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			 unsigned int order, enum kmm_migratetype mt, bool to_tail)
{
	struct kmm_page *page = kmm_pfn_to_page(m, pfn);

	KMM_CHECK(&m->env, page && !(pfn & ((1UL << order) - 1)));
	if (!page)
		return;
	account_free(z, order, mt, true);
	while (order < KMM_MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct kmm_page *buddy;
		int buddy_list;

		if (kmm_pfn_zone(m, buddy_pfn) != z || !kmm_pfn_has_memmap(m, buddy_pfn))
			break;
		buddy = kmm_pfn_to_page(m, buddy_pfn);
		if (!buddy || !(buddy->flags & KMM_PG_BUDDY) || buddy->private != order)
			break;
		buddy_list = free_block_list(m, z, buddy_pfn, order);
		if (buddy_list < 0)
			break;
		/* never mix isolated/CMA/highatomic pageblocks with normal ones */
		if (order >= KMM_PAGEBLOCK_ORDER) {
			enum kmm_migratetype bmt = kmm_get_pageblock_migratetype(m, buddy_pfn);

			if (bmt != mt && (!migratetype_is_mergeable(mt) ||
					  !migratetype_is_mergeable(bmt)))
				break;
		}
		free_list_del(m, z, buddy, buddy_pfn, order, (enum kmm_migratetype)buddy_list);
		pfn &= buddy_pfn;
		order++;
		page = kmm_pfn_to_page(m, pfn);
	}
	if (!to_tail)
		to_tail = buddy_merge_likely(m, z, pfn, order);
	free_list_add(m, z, page, pfn, order, mt, to_tail);
}

bool kmm_free_lists_validate(const struct kmm_machine *m, const struct kmm_zone *z)
{
	unsigned long pages = 0, cma = 0;

	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
		const struct kmm_free_area *fa = &z->free_area[o];
		unsigned long total = 0;

		for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++) {
			u64 prev = KMM_PFN_NONE, p = fa->head[t];
			unsigned long n = 0;

			for (; p != KMM_PFN_NONE; prev = p, p = kmm_pfn_to_page(m, (unsigned long)p)->next) {
				const struct kmm_page *pg = kmm_pfn_to_page(m, (unsigned long)p);

				if (!pg || pg->prev != prev || !(pg->flags & KMM_PG_BUDDY) ||
				    pg->private != o || (p & ((1ULL << o) - 1)) ||
				    p < z->zone_start_pfn ||
				    p + (1ULL << o) > z->zone_start_pfn + z->spanned_pages ||
				    n > z->spanned_pages) {
					kmm_bug(&m->env, __func__, "free list entry inconsistent");
					return false;
				}
				n++;
			}
			if (prev != fa->tail[t] || n != fa->nr[t]) {
				kmm_bug(&m->env, __func__, "free list counters differ from the walk");
				return false;
			}
			total += n;
			pages += n << o;
			if (t == KMM_MIGRATE_CMA)
				cma += n << o;
		}
		if (total != fa->nr_free) {
			kmm_bug(&m->env, __func__, "nr_free differs from the lists");
			return false;
		}
	}
	if (pages != z->vm_free_pages || cma != z->vm_free_cma_pages) {
		kmm_bug(&m->env, __func__, "NR_FREE_PAGES differs from the lists");
		return false;
	}
	return true;
}
