/* SPDX-License-Identifier: MIT */
/*
 * kmm/page_alloc.h - struct page and the buddy allocator's free lists
 * (Linux 6.1 mm/page_alloc.c, include/linux/mmzone.h).
 *
 * Every page frame has a struct kmm_page in the simulated physical memory,
 * in the memmap Linux allocates for it (vmemmap sections on x86_64/arm64,
 * node_mem_map on i386), one every sizeof(struct page) bytes of the
 * simulated kernel (64, or 40 on i386).  A zeroed descriptor is a valid one:
 * it is a page that is not reserved, not on a list, with no references —
 * exactly what a page inside a free buddy block is.  So kmm writes only the
 * descriptors whose state differs from zero (reserved pages, heads of free
 * blocks, allocated pages) and a machine's memmap costs host memory only
 * where it is used.
 *
 * The free lists: zone->free_area[order].free_list[migratetype], doubly
 * linked through the pages' pfns.  A free block of 2^order pages starts at a
 * pfn aligned to 2^order; its head page has KMM_PG_BUDDY and private =
 * order; no other page of the block is on a list.
 *
 * Lifecycle: memmap init (kmm_memmap_init) -> kmm_memblock_free_all() hands
 * free memory to the buddy allocator -> kmm_alloc_pages()/kmm_free_pages().
 */
#ifndef KMM_PAGE_ALLOC_H
#define KMM_PAGE_ALLOC_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

struct kmm_machine;

#define KMM_PFN_NONE (~0ULL)
#define KMM_PAGEBLOCK_ORDER 9 /* HUGETLB_PAGE_ORDER with 4K pages */
#define KMM_PAGEBLOCK_NR_PAGES (1UL << KMM_PAGEBLOCK_ORDER)

/* Page flags kmm keeps (a subset of Linux's, same meaning). */
enum {
	KMM_PG_RESERVED = 1u << 0, /* PG_reserved: never given to the buddy allocator */
	KMM_PG_BUDDY = 1u << 1,    /* PageBuddy: head of a free block, private = order */
	KMM_PG_HEAD = 1u << 2,     /* compound head */
	KMM_PG_TAIL = 1u << 3,     /* compound tail: compound_head = head pfn */
	KMM_PG_HIGHMEM = 1u << 4,
	KMM_PG_POISONED = 1u << 5, /* debug: freed and poisoned */
};

/*
 * struct kmm_page - kmm's page descriptor.  Fits in 40 bytes (i386's struct
 * page); the rest of a 64-byte slot is unused.
 */
struct kmm_page {
	u32 flags;    /* KMM_PG_* */
	u32 private;  /* KMM_PG_BUDDY: the block's order */
	s32 refcount; /* _refcount: 0 while free */
	s32 mapcount; /* page_mapcount(): 0 = unmapped */
	u64 next;     /* free list / lru link: pfn or KMM_PFN_NONE */
	u64 prev;
	u64 compound_head; /* KMM_PG_TAIL: pfn of the head */
};

/* kmm_migratetype_name - pagetypeinfo's names: "Unmovable", "Movable", ... */
const char *kmm_migratetype_name(enum kmm_migratetype mt);

/*
 * The memory model (src/core/memmap.c): where pfn's descriptor and its
 * pageblock's bits live.  kmm_pfn_to_page() returns NULL for a pfn without a
 * memmap or when the environment has no phys_to_virt.
 */
bool kmm_pfn_has_memmap(const struct kmm_machine *m, unsigned long pfn);
struct kmm_page *kmm_pfn_to_page(const struct kmm_machine *m, unsigned long pfn);
enum kmm_migratetype kmm_get_pageblock_migratetype(const struct kmm_machine *m, unsigned long pfn);
void kmm_set_pageblock_migratetype(struct kmm_machine *m, unsigned long pfn,
				   enum kmm_migratetype mt);
/* the zone @pfn belongs to (node from memblock, zone from the node's spans), or NULL */
struct kmm_zone *kmm_pfn_zone(struct kmm_machine *m, unsigned long pfn);

/* kmm_zone_free_lists_init - empty free lists for @z (free_area_init_core's zone_init_free_lists). */
void kmm_zone_free_lists_init(struct kmm_zone *z);

/*
 * __kmm_free_one_page - put the free block [pfn, pfn + 2^order) of @z, whose
 * descriptors are clean, on the free lists as migratetype @mt, merging it
 * with free buddies of the same order, zone and a compatible pageblock type
 * (Linux __free_one_page).  @to_tail: FPI_TO_TAIL.  The caller accounts
 * NR_FREE_PAGES through @z->vm_free_pages.
 */
void __kmm_free_one_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			 unsigned int order, enum kmm_migratetype mt, bool to_tail);

/* kmm_zone_free_pages - pages on @z's free lists (NR_FREE_PAGES) */
unsigned long kmm_zone_free_pages(const struct kmm_zone *z);

/*
 * kmm_free_lists_validate - walk every free list of @z: links consistent,
 * heads marked buddy with the list's order, aligned, inside the zone, the
 * pageblock type matching the list (except for the types Linux lets mix),
 * counters equal to the walk.  Returns false (and reports via env->bug) on
 * the first inconsistency.
 */
bool kmm_free_lists_validate(const struct kmm_machine *m, const struct kmm_zone *z);

#endif /* KMM_PAGE_ALLOC_H */
