// SPDX-License-Identifier: MIT
/*
 * test_page_alloc.c - the buddy free lists, memmap_init and
 * memblock_free_all() on small x86_64 machines built by hand.
 *
 * Every machine: one node, memory [16M, 16M + size), all of it ZONE_DMA32
 * (ZONE_DMA ends at 16M), NODE_DATA at the top, sparse_init and
 * free_area_init as the boot runs them, then the test's own reservations.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"
#include "helpers/small_machine.h"

#include <kmm/free_area.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>

#define SZ_1M 0x100000ULL
#define BASE (16 * SZ_1M)

struct pa {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	char err[256];
};

static void pa_new(struct pa *x, u64 size, bool deferred)
{
	const struct kmm_test_ram ram[] = { { BASE, size, 0 } };

	x->t = kmm_test_env_new(BASE + size + 64 * SZ_1M);
	x->m = kmm_test_small_machine(x->t, ram, 1, 0, deferred);
	kmm_test_small_machine_zones(x->m);
}

static void pa_free(struct pa *x)
{
	free(x->m);
	kmm_test_env_free(x->t);
}

static struct kmm_zone *dma32(struct pa *x)
{
	return &x->m->node[0].zones[kmm_zone_layout_index(&x->m->zone_layout, KMM_ZONE_DMA32)];
}

/*
 * 16M..272M on one node, the sparse/NODE_DATA allocations at the top
 * reserved.  Expect every free page in the buddy allocator: the free lists
 * validate, NR_FREE_PAGES and totalram equal the memblock free pages, the
 * block at 16M is a MAX_ORDER-1 block on the Movable list, and the
 * pageblocks are MIGRATE_MOVABLE.
 */
static void free_all_gives_every_free_page(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;
	u64 i, s, e, free_bytes = 0;
	unsigned long n;
	struct kmm_page *p;

	pa_new(&x, 256 * SZ_1M, false);
	for_each_free_mem_range(&x.m->memblock, i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
		free_bytes += e - s;
	kmm_memmap_init(x.m);
	n = kmm_memblock_free_all(x.m);
	z = dma32(&x);
	assert_int_equal(n, free_bytes >> 12);
	assert_int_equal(x.m->totalram_pages, n);
	assert_int_equal(kmm_zone_free_pages(z), n);
	assert_int_equal(z->managed_pages, n);
	assert_true(kmm_free_lists_validate(x.m, z));
	p = kmm_pfn_to_page(x.m, BASE >> 12);
	assert_non_null(p);
	assert_true(p->flags & KMM_PG_BUDDY);
	assert_int_equal(p->private, KMM_MAX_ORDER - 1);
	assert_int_equal(z->free_area[KMM_MAX_ORDER - 1].head[KMM_MIGRATE_MOVABLE], BASE >> 12);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, BASE >> 12), KMM_MIGRATE_MOVABLE);
	/* the reserved NODE_DATA pages are PG_reserved, not free */
	p = kmm_pfn_to_page(x.m, (unsigned long)(x.m->node[0].phys >> 12));
	assert_true(p->flags & KMM_PG_RESERVED);
	assert_false(p->flags & KMM_PG_BUDDY);
	pa_free(&x);
}

/*
 *   [16M ........ 20M)   one MAX_ORDER block, reserved, then freed page by page
 *
 * Expect each page's buddy merge to end, after the last page, in the same
 * single order-10 block, with no order-0..9 block left over from it.
 */
static void freeing_buddies_merges_them(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;
	unsigned long base = BASE >> 12, before[KMM_MAX_ORDER];

	pa_new(&x, 256 * SZ_1M, false);
	assert_int_equal(memblock_reserve(&x.m->memblock, BASE, 4 * SZ_1M), 0);
	kmm_memmap_init(x.m);
	kmm_memblock_free_all(x.m);
	z = dma32(&x);
	assert_int_not_equal(z->free_area[KMM_MAX_ORDER - 1].head[KMM_MIGRATE_MOVABLE], base);
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++)
		before[o] = z->free_area[o].nr_free;
	/* free the block back in an order that merges at every level */
	for (unsigned long k = 0; k < 1024; k++) {
		unsigned long pfn = base + (k * 7 % 1024); /* 7 is odd: a permutation */
		struct kmm_page *p = kmm_pfn_to_page(x.m, pfn);

		p->flags = 0;
		__kmm_free_one_page(x.m, z, pfn, 0, KMM_MIGRATE_MOVABLE, false);
		assert_true(kmm_free_lists_validate(x.m, z));
	}
	for (unsigned int o = 0; o < KMM_MAX_ORDER - 1; o++)
		assert_int_equal(z->free_area[o].nr_free, before[o]);
	assert_int_equal(z->free_area[KMM_MAX_ORDER - 1].nr_free, before[KMM_MAX_ORDER - 1] + 1);
	assert_true(kmm_pfn_to_page(x.m, base)->flags & KMM_PG_BUDDY);
	assert_int_equal(kmm_pfn_to_page(x.m, base)->private, KMM_MAX_ORDER - 1);
	pa_free(&x);
}

/*
 * A pageblock of MIGRATE_CMA next to a Movable one: two order-9 blocks that
 * are buddies.  Expect them not to merge (CMA blocks never share a list with
 * normal ones), one on each list.
 */
static void cma_pageblocks_do_not_merge(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;
	unsigned long base = BASE >> 12;

	pa_new(&x, 256 * SZ_1M, false);
	assert_int_equal(memblock_reserve(&x.m->memblock, BASE, 4 * SZ_1M), 0);
	kmm_memmap_init(x.m);
	kmm_memblock_free_all(x.m);
	z = dma32(&x);
	kmm_set_pageblock_migratetype(x.m, base + 512, KMM_MIGRATE_CMA);
	kmm_pfn_to_page(x.m, base)->flags = 0;
	kmm_pfn_to_page(x.m, base + 512)->flags = 0;
	__kmm_free_one_page(x.m, z, base, 9, KMM_MIGRATE_MOVABLE, false);
	__kmm_free_one_page(x.m, z, base + 512, 9, KMM_MIGRATE_CMA, false);
	assert_int_equal(z->free_area[9].nr[KMM_MIGRATE_MOVABLE], 1);
	assert_int_equal(z->free_area[9].nr[KMM_MIGRATE_CMA], 1);
	assert_int_equal(z->vm_free_cma_pages, 512);
	assert_true(kmm_free_lists_validate(x.m, z));
	pa_free(&x);
}

/*
 * Deferred struct page init: free_all frees only below first_deferred_pfn
 * (one section and up to the next section boundary) but counts everything in
 * totalram; deferred init then frees the rest.  Expect NR_FREE_PAGES to grow
 * to totalram and the lists to validate.
 */
static void deferred_pages_follow_later(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;
	unsigned long n, early;

	pa_new(&x, 512 * SZ_1M, true);
	assert_true(x.m->node[0].first_deferred_pfn != ~0UL);
	kmm_memmap_init(x.m);
	n = kmm_memblock_free_all(x.m);
	z = dma32(&x);
	early = kmm_zone_free_pages(z);
	assert_true(early < n);
	assert_true(early <= x.m->node[0].first_deferred_pfn - (BASE >> 12));
	assert_int_equal(kmm_deferred_init_memmap(x.m, 0), n - early);
	assert_int_equal(kmm_zone_free_pages(z), n);
	assert_int_equal(z->managed_pages, n);
	assert_true(kmm_free_lists_validate(x.m, z));
	assert_int_equal(kmm_deferred_init_memmap(x.m, 0), 0);
	pa_free(&x);
}

/* Expect a corrupted list counter to be reported by the walker. */
static void validate_catches_a_bad_counter(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;

	pa_new(&x, 256 * SZ_1M, false);
	kmm_memmap_init(x.m);
	kmm_memblock_free_all(x.m);
	z = dma32(&x);
	z->free_area[KMM_MAX_ORDER - 1].nr[KMM_MIGRATE_MOVABLE]++;
	x.t->nr_bugs = 0;
	assert_false(kmm_free_lists_validate(x.m, z));
	assert_int_equal(x.t->nr_bugs, 1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "kmm: BUG: kmm_free_lists_validate: free list counters differ from the walk"),
			     -1);
	pa_free(&x);
}

/*
 * The pageblock rules the walker checks.  A free block whose pageblock is
 * CMA but which sits on the Movable list, and a highatomic count that does
 * not match the HighAtomic pageblocks, are each reported.
 */
static void validate_catches_pageblock_mismatches(void **state)
{
	struct pa x = { 0 };
	struct kmm_zone *z;
	unsigned long base = BASE >> 12;

	pa_new(&x, 256 * SZ_1M, false);
	kmm_memmap_init(x.m);
	kmm_memblock_free_all(x.m);
	z = dma32(&x);
	assert_true(kmm_free_lists_validate(x.m, z));
	kmm_set_pageblock_migratetype(x.m, base, KMM_MIGRATE_CMA);
	x.t->nr_bugs = 0;
	assert_false(kmm_free_lists_validate(x.m, z));
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "kmm: BUG: kmm_free_lists_validate: free block on a list its pageblock type forbids"),
			     -1);
	kmm_set_pageblock_migratetype(x.m, base, KMM_MIGRATE_MOVABLE);
	assert_true(kmm_free_lists_validate(x.m, z));
	z->nr_reserved_highatomic = KMM_PAGEBLOCK_NR_PAGES;
	assert_false(kmm_free_lists_validate(x.m, z));
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "kmm: BUG: kmm_free_lists_validate: nr_reserved_highatomic differs from the HIGHATOMIC pageblocks"),
			     -1);
	assert_int_equal(x.t->nr_bugs, 2);
	pa_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_all_gives_every_free_page),
		cmocka_unit_test(freeing_buddies_merges_them),
		cmocka_unit_test(cma_pageblocks_do_not_merge),
		cmocka_unit_test(deferred_pages_follow_later),
		cmocka_unit_test(validate_catches_a_bad_counter),
		cmocka_unit_test(validate_catches_pageblock_mismatches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
