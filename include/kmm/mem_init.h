/* SPDX-License-Identifier: MIT */
/*
 * kmm/mem_init.h - the end of boot memory: memblock_free_all() gives every
 * free memblock range to the buddy allocator, mem_init_print_info() prints
 * the "Memory:" line (Linux 6.1 mm/memblock.c, mm/page_alloc.c).
 *
 * Preconditions: the memmap exists (sparse_init/free_area_init), zones are
 * sized and their free lists initialised.
 */
#ifndef KMM_MEM_INIT_H
#define KMM_MEM_INIT_H

#include <kmm/env.h>

struct kmm_machine;

/*
 * kmm_memmap_init - memmap_init()'s lasting effects: pageblocks on memory
 * MIGRATE_MOVABLE (below first_deferred_pfn), hole pages PG_reserved.
 */
void kmm_memmap_init(struct kmm_machine *m);

/* kmm_set_highmem_pages_init - i386: free HighMem page by page (totalhigh_pages) */
void kmm_set_highmem_pages_init(struct kmm_machine *m);

/*
 * kmm_memblock_free_all - memblock_free_all(): reserved pages marked
 * PG_reserved, free ranges below max_low_pfn freed to the buddy allocator
 * (those left for deferred init skipped but counted), zones' managed_pages
 * recounted.  Adds the freed page count to m->totalram_pages and returns it.
 */
unsigned long kmm_memblock_free_all(struct kmm_machine *m);

/* kmm_early_page_uninitialised - @pfn's struct page waits for deferred init */
bool kmm_early_page_uninitialised(const struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_free_pages_core - __free_pages_core(): the clean block [pfn, pfn +
 * 2^order) counted managed and freed to the tail of the free lists (no
 * per-CPU lists).  The caller clears PG_reserved where it was set.
 */
void kmm_free_pages_core(struct kmm_machine *m, unsigned long pfn, unsigned int order);

/* kmm_nr_free_pages - nr_free_pages(): NR_FREE_PAGES over all zones */
unsigned long kmm_nr_free_pages(const struct kmm_machine *m);

/* kmm_num_physpages - get_num_physpages(): present pages of the online nodes */
unsigned long kmm_num_physpages(const struct kmm_machine *m);

/* kmm_mem_init_print_info - "Memory: %luK/%luK available (...)" */
void kmm_mem_init_print_info(struct kmm_machine *m);

/*
 * kmm_deferred_init_memmap - deferred_init_memmap() for node @nid: the free
 * pages at and above its first_deferred_pfn go to the buddy allocator in
 * pageblock-sized pieces (each pageblock marked MIGRATE_MOVABLE), and Linux's
 * "node N deferred pages initialised in Nms" line is printed (kmm has no
 * clock: 0ms).  Returns the pages freed; 0 when nothing was deferred.
 */
unsigned long kmm_deferred_init_memmap(struct kmm_machine *m, int nid);

#endif /* KMM_MEM_INIT_H */
