// SPDX-License-Identifier: MIT
/*
 * test_page_alloc_rt.c - the page allocator at run time (src/core/page_alloc_rt.c):
 * GFP flags, zone and node fallback, the watermark check, migrate-type
 * fallbacks and pageblock stealing, the highatomic reserve, per-CPU lists,
 * split and compound pages, misuse reports, poisoning and threads.
 *
 * Machines are x86_64 (zones DMA < 16M <= DMA32 < 4G <= Normal) built by
 * hand as the boot builds them: memblock, sparse_init, free_area_init,
 * build_all_zonelists, memmap_init, memblock_free_all and, where a test
 * says so, the watermarks (which also set the pcp high and batch; without
 * them every CPU uses the boot pageset: high 0, batch 1).  NODE_DATA sits
 * at the top of each node's last range.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"
#include "helpers/small_machine.h"

#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/gfp.h>
#include <kmm/hosted_cpu.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#define SZ_1M 0x100000ULL
#define SZ_4G 0x100000000ULL
#define PFN(pa) ((unsigned long)((pa) >> 12))
#define NODE_DATA_SIZE KMM_TEST_NODE_DATA_SIZE

struct rt {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	char err[256];
};

/* up to free_area_init, zonelists and memmap_init: the test may reserve and retype now */
static void rt_begin(struct rt *x, const struct kmm_test_ram *r, unsigned int nr, unsigned int cpus)
{
	u64 end = 0;

	for (unsigned int i = 0; i < nr; i++)
		end = r[i].base + r[i].size > end ? r[i].base + r[i].size : end;
	x->t = kmm_test_env_new(end + 64 * SZ_1M);
	kmm_hosted_cpu_fill_env(&x->t->env);
	x->m = kmm_test_small_machine(x->t, r, nr, cpus, false);
	kmm_test_small_machine_zones(x->m);
	assert_int_equal(kmm_build_all_zonelists(x->m, x->err, sizeof(x->err)), 0);
	kmm_memmap_init(x->m);
}

/* memblock_free_all, then the watermarks (and pcp limits) when @wmarks */
static void rt_finish(struct rt *x, bool wmarks)
{
	kmm_memblock_free_all(x->m);
	if (wmarks)
		assert_int_equal(kmm_init_per_zone_wmark_min(x->m, x->err, sizeof(x->err)), 0);
	assert_true(kmm_page_alloc_validate(x->m));
	kmm_test_env_clear_log(x->t);
}

static void rt_new(struct rt *x, const struct kmm_test_ram *r, unsigned int nr, unsigned int cpus,
		   bool wmarks)
{
	rt_begin(x, r, nr, cpus);
	rt_finish(x, wmarks);
}

static void rt_free(struct rt *x)
{
	assert_int_equal(x->t->nr_bugs, 0);
	free(x->m);
	kmm_test_env_free(x->t);
}

static struct kmm_zone *zone_of(struct rt *x, int nid, enum kmm_zone_kind kind)
{
	return &x->m->node[nid].zones[kmm_zone_layout_index(&x->m->zone_layout, kind)];
}

static unsigned long nr_free(struct rt *x)
{
	return kmm_nr_free_pages(x->m);
}

/* pages on every CPU's lists of every zone */
static unsigned long nr_pcp(struct rt *x)
{
	unsigned long n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; x->m->node[nid].online && z < x->m->zone_layout.nr; z++)
			for (unsigned int c = 0; c < kmm_num_online_cpus(x->m); c++)
				n += (unsigned long)kmm_pcp_count(x->m, &x->m->node[nid].zones[z], c);
	return n;
}

/* reserve all of [base, base + size) except the pfn ranges free[0, nr) (half-open) */
static void reserve_all_but(struct rt *x, u64 base, u64 size, const unsigned long (*free)[2],
			    unsigned int nr)
{
	u64 at = base;

	for (unsigned int i = 0; i < nr; i++) {
		u64 s = (u64)free[i][0] << 12, e = (u64)free[i][1] << 12;

		if (s > at)
			assert_int_equal(memblock_reserve(&x->m->memblock, at, s - at), 0);
		at = e;
	}
	if (base + size > at)
		assert_int_equal(memblock_reserve(&x->m->memblock, at, base + size - at), 0);
}

static int bad_page_line(struct rt *x, unsigned long pfn)
{
	char line[128];

	snprintf(line, sizeof(line), "BUG: Bad page state in process kmm  pfn:%05lx", pfn);
	return kmm_test_find_line(x->t, 0, line);
}

/* DMA [1M, 16M), DMA32 [16M, 80M), Normal [4G, 4G + 64M), one node */
static const struct kmm_test_ram three_zones[] = {
	{ SZ_1M, 15 * SZ_1M, 0 },
	{ 16 * SZ_1M, 64 * SZ_1M, 0 },
	{ SZ_4G, 64 * SZ_1M, 0 },
};

/* one DMA32 zone [16M, 80M) */
static const struct kmm_test_ram one_zone[] = { { 16 * SZ_1M, 64 * SZ_1M, 0 } };

/* ------------------------------------------------------------------ flags */

/*
 * Expect Linux's GFP_ZONE_TABLE on x86_64 (DMA=0 DMA32=1 Normal=2
 * Movable=3) and i386 (DMA=0 Normal=1 HighMem=2 Movable=3), and the
 * composite values Linux 6.1 prints (GFP_KERNEL 0xcc0, GFP_ATOMIC 0xa20).
 */
static void gfp_zone_maps_modifiers(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(0);
	struct kmm_machine *m = calloc(1, sizeof(*m));

	assert_int_equal(GFP_KERNEL, 0xcc0);
	assert_int_equal(GFP_ATOMIC, 0xa20);
	assert_int_equal(GFP_NOWAIT, 0x800);
	assert_int_equal(GFP_USER, 0x100cc0);
	assert_int_equal(GFP_HIGHUSER_MOVABLE, 0x100cca);
	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_gfp_zone(m, GFP_KERNEL), -KMM_EINVAL); /* no layout yet */
	kmm_zone_layout_init(&m->zone_layout, &m->kernel);
	assert_int_equal(kmm_gfp_zone(m, GFP_KERNEL), 2);
	assert_int_equal(kmm_gfp_zone(m, GFP_DMA), 0);
	assert_int_equal(kmm_gfp_zone(m, GFP_DMA32), 1);
	assert_int_equal(kmm_gfp_zone(m, GFP_HIGHUSER), 2);
	assert_int_equal(kmm_gfp_zone(m, GFP_HIGHUSER_MOVABLE), 3);
	assert_int_equal(kmm_gfp_zone(m, __GFP_MOVABLE), 2);
	assert_int_equal(kmm_gfp_zone(m, __GFP_MOVABLE | __GFP_DMA32), 1);
	assert_int_equal(kmm_gfp_zone(m, __GFP_DMA | __GFP_HIGHMEM), -KMM_EINVAL);
	assert_int_equal(kmm_gfp_zone(m, __GFP_DMA | __GFP_DMA32), -KMM_EINVAL);
	assert_int_equal(kmm_gfp_zone(m, __GFP_DMA32 | __GFP_HIGHMEM | __GFP_MOVABLE), -KMM_EINVAL);
	assert_int_equal(kmm_gfp_migratetype(m, GFP_KERNEL), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(kmm_gfp_migratetype(m, GFP_HIGHUSER_MOVABLE), KMM_MIGRATE_MOVABLE);
	assert_int_equal(kmm_gfp_migratetype(m, GFP_KERNEL | __GFP_RECLAIMABLE),
			 KMM_MIGRATE_RECLAIMABLE);
	m->zonelists.mobility_disabled = true;
	assert_int_equal(kmm_gfp_migratetype(m, GFP_HIGHUSER_MOVABLE), KMM_MIGRATE_UNMOVABLE);

	kmm_machine_init(m, KMM_ARCH_I386, &t->env);
	kmm_zone_layout_init(&m->zone_layout, &m->kernel);
	assert_int_equal(kmm_gfp_zone(m, GFP_DMA32), 1); /* no ZONE_DMA32: Normal */
	assert_int_equal(kmm_gfp_zone(m, GFP_HIGHUSER), 2);
	assert_int_equal(kmm_gfp_zone(m, GFP_HIGHUSER_MOVABLE), 3);
	free(m);
	kmm_test_env_free(t);
}

/*
 * __zone_watermark_ok() on a bare zone, mark 100:
 *   plain 101 ok / 100 not; ALLOC_HIGH 51/50; ALLOC_HARDER 76/75;
 *   GFP_ATOMIC (HIGH|HARDER: 50 - 12) 39/38; ALLOC_OOM 51/50;
 *   lowmem_reserve[2] = 10 raises every line by 10; a highatomic reserve
 *   and free CMA pages count only for requests allowed to use them;
 *   order 2 needs a free block of order >= 2 on a usable list.
 */
static void watermark_ok_follows_6_1(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(0);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_zone *z;
	const unsigned int high_harder = KMM_ALLOC_HIGH | KMM_ALLOC_HARDER;

	kmm_machine_init(m, KMM_ARCH_ARM64, &t->env); /* a CMA kernel */
	m->kernel.cma = true;
	z = &m->node[0].zones[1];
	kmm_zone_free_lists_init(z);
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 101));
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 100));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_HIGH, 51));
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_HIGH, 50));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_HARDER, 76));
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_HARDER, 75));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, high_harder, 39));
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, high_harder, 38));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_OOM, 51));
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_OOM, 50));
	z->lowmem_reserve[2] = 10;
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 110));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 1, 0, 101)); /* lowmem_reserve[1] is 0 */
	z->lowmem_reserve[2] = 0;
	z->nr_reserved_highatomic = 512;
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 612));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 613));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_HARDER, 76));
	z->nr_reserved_highatomic = 0;
	z->vm_free_cma_pages = 50;
	assert_false(kmm_zone_watermark_ok(m, z, 0, 100, 2, 0, 150));
	assert_true(kmm_zone_watermark_ok(m, z, 0, 100, 2, KMM_ALLOC_CMA, 150));
	z->vm_free_cma_pages = 0;
	/* order 2: the order-0 test uses free - 3, then a block must exist */
	assert_false(kmm_zone_watermark_ok(m, z, 2, 100, 2, 0, 1000));
	z->free_area[3].nr_free = z->free_area[3].nr[KMM_MIGRATE_HIGHATOMIC] = 1;
	assert_false(kmm_zone_watermark_ok(m, z, 2, 100, 2, 0, 1000));
	assert_true(kmm_zone_watermark_ok(m, z, 2, 100, 2, KMM_ALLOC_HARDER, 1000));
	z->free_area[3].nr[KMM_MIGRATE_HIGHATOMIC] = 0;
	z->free_area[3].nr[KMM_MIGRATE_CMA] = 1;
	assert_false(kmm_zone_watermark_ok(m, z, 2, 100, 2, 0, 1000));
	assert_true(kmm_zone_watermark_ok(m, z, 2, 100, 2, KMM_ALLOC_CMA, 1000));
	z->free_area[3].nr[KMM_MIGRATE_CMA] = 0;
	z->free_area[2].nr_free = z->free_area[2].nr[KMM_MIGRATE_MOVABLE] = 1;
	assert_true(kmm_zone_watermark_ok(m, z, 2, 100, 2, 0, 104));
	assert_false(kmm_zone_watermark_ok(m, z, 2, 100, 2, 0, 103));
	assert_false(kmm_zone_watermark_ok(m, z, 3, 100, 2, 0, 1000));
	free(m);
	kmm_test_env_free(t);
}

/* ------------------------------------------------------------------ boot pageset */

/*
 * Before the watermarks: GFP_KERNEL prefers Normal [4G, 4G+64M), whose
 * pageblocks are all Movable.  The first unmovable page steals the first
 * order-10 block whole (both pageblocks become Unmovable) and splits it:
 *
 *   4G: [p p p ... p][ order 5 ][ order 6 ] ... [ order 9 ]
 *        ^ 64 pages, one kmm_alloc_pages() each, in pfn order
 *
 * Expect pfns 0x100000.. in order, NR_FREE_PAGES down by exactly 64 (each
 * page came from the free lists through the boot pageset), nothing left on
 * any per-CPU list, and freeing one page returns it at once.
 */
static void boot_pageset_takes_one_page_at_a_time(void **state)
{
	struct rt x = { 0 };
	unsigned long pfns[64], before, pfn;
	struct kmm_zone *normal;

	rt_new(&x, three_zones, 3, 1, false);
	normal = zone_of(&x, 0, KMM_ZONE_NORMAL);
	before = nr_free(&x);
	assert_int_equal(kmm_alloc_boot_pages(x.m, GFP_KERNEL | __GFP_ZERO, 64, pfns), 0);
	for (unsigned int i = 0; i < 64; i++)
		assert_int_equal(pfns[i], 0x100000 + i);
	assert_int_equal(nr_free(&x), before - 64);
	assert_int_equal(nr_pcp(&x), 0);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, 0x100000), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, 0x100200), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, 0x100400), KMM_MIGRATE_MOVABLE);
	assert_int_equal(normal->free_area[9].nr[KMM_MIGRATE_UNMOVABLE], 1);
	assert_int_equal(kmm_pfn_to_page(x.m, 0x100000)->refcount, 1);
	assert_int_equal(kmm___free_pages(x.m, 0x100000, 0), 0);
	assert_int_equal(nr_free(&x), before - 63);
	assert_int_equal(nr_pcp(&x), 0);
	/* the freed page is the next one handed out */
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(pfn, 0x100000);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/* ------------------------------------------------------------------ zones and nodes */

/*
 * With watermarks: GFP_DMA from DMA, GFP_DMA32 from DMA32, GFP_KERNEL from
 * Normal first.  A request that prefers Normal carries ALLOC_NOFRAGMENT
 * (DMA32 is there to fall back to), so once Normal has no Unmovable block
 * and no whole free pageblock to steal, GFP_KERNEL moves on to DMA32 even
 * above Normal's low watermark, while movable requests still find Movable
 * blocks in Normal.  DMA serves GFP_KERNEL only after DMA32 did the same.
 */
static void zone_fallback_follows_zonelist(void **state)
{
	struct rt x = { 0 };
	struct kmm_zone *normal, *dma32, *dma;
	unsigned long pfn, n = 0, n32 = 0;

	rt_new(&x, three_zones, 3, 1, true);
	normal = zone_of(&x, 0, KMM_ZONE_NORMAL);
	dma32 = zone_of(&x, 0, KMM_ZONE_DMA32);
	dma = zone_of(&x, 0, KMM_ZONE_DMA);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_DMA, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), dma);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_DMA32, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), dma32);
	for (;;) {
		assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
		if (kmm_pfn_zone(x.m, pfn) != normal)
			break;
		n++;
	}
	assert_true(n > 10000);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), dma32);
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++)
		assert_int_equal(normal->free_area[o].nr[KMM_MIGRATE_UNMOVABLE] +
					 (o >= KMM_PAGEBLOCK_ORDER ? normal->free_area[o].nr_free : 0),
				 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), normal);
	for (;;) {
		assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
		if (kmm_pfn_zone(x.m, pfn) != dma32)
			break;
		n32++;
	}
	assert_true(n32 > 10000);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), dma);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/*
 * Two nodes: node 0 [16M, 144M) is DMA32, node 1 [4G, 4G+128M) Normal.
 * Expect node 1's Normal for GFP_KERNEL on node 1; node 0 for
 * __GFP_THISNODE on node 0; GFP_DMA32 on node 1 falls back to node 0, but
 * with __GFP_THISNODE fails (node 1 has no DMA32).
 */
static void thisnode_stays_on_the_node(void **state)
{
	static const struct kmm_test_ram two_nodes[] = {
		{ 16 * SZ_1M, 128 * SZ_1M, 0 },
		{ SZ_4G, 128 * SZ_1M, 1 },
	};
	struct rt x = { 0 };
	unsigned long pfn;

	rt_new(&x, two_nodes, 2, 1, true);
	assert_true(x.m->zonelists.numa);
	assert_int_equal(kmm_alloc_pages_node(x.m, 1, GFP_KERNEL, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), zone_of(&x, 1, KMM_ZONE_NORMAL));
	assert_int_equal(kmm_alloc_pages_node(x.m, 0, GFP_KERNEL | __GFP_THISNODE, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), zone_of(&x, 0, KMM_ZONE_DMA32));
	assert_int_equal(kmm_alloc_pages_node(x.m, 1, GFP_DMA32, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), zone_of(&x, 0, KMM_ZONE_DMA32));
	assert_int_equal(kmm_alloc_pages_node(x.m, 1, GFP_DMA32 | __GFP_THISNODE, 0, &pfn),
			 -KMM_ENOMEM);
	/* the default node is the CPU's: node 0, whose zonelist starts with its own DMA32 */
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_ptr_equal(kmm_pfn_zone(x.m, pfn), zone_of(&x, 0, KMM_ZONE_DMA32));
	assert_int_equal(kmm_alloc_pages_node(x.m, 1, GFP_KERNEL | __GFP_THISNODE, 10, &pfn), 0);
	assert_int_equal(kmm_pfn_zone(x.m, pfn)->node, 1);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/* ------------------------------------------------------------------ watermarks end to end */

/*
 * One DMA32 zone with watermarks.  Allocate GFP_KERNEL pages until the
 * request fails: expect the failure with the zone at or below min (after
 * the slow path drained the per-CPU lists), GFP_NOWAIT failing too, then
 * GFP_ATOMIC still succeeding (down to min/2 - min/8), then
 * __GFP_MEMALLOC ignoring the watermarks.  Everything freed, the zone is
 * back where it started.
 */
static void watermarks_decide_who_gets_the_last_pages(void **state)
{
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long *pfns, n = 0, pfn, before, min, atomic_min;
	unsigned int n_atomic = 0;

	rt_new(&x, one_zone, 1, 1, true);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	min = z->watermark[KMM_WMARK_MIN];
	atomic_min = min - min / 2;
	atomic_min -= atomic_min / 4;
	before = nr_free(&x);
	pfns = calloc(before + 16, sizeof(*pfns));
	while (kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn) == 0)
		pfns[n++] = pfn;
	assert_int_equal(nr_pcp(&x), 0);
	assert_true(kmm_zone_free_pages(z) <= min);
	assert_true(kmm_zone_free_pages(z) > atomic_min);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_NOWAIT, 0, &pfn), -KMM_ENOMEM);
	while (kmm_alloc_pages(x.m, GFP_ATOMIC, 0, &pfn) == 0) {
		pfns[n++] = pfn;
		n_atomic++;
	}
	assert_true(n_atomic > 0);
	/* atomic requests do not drain: the check failed on the free lists alone */
	assert_false(kmm_zone_watermark_ok(x.m, z, 0, min, 1, KMM_ALLOC_HIGH | KMM_ALLOC_HARDER,
					   (long)kmm_zone_free_pages(z)));
	assert_int_equal(kmm_alloc_pages(x.m, GFP_ATOMIC | __GFP_MEMALLOC, 0, &pfn), 0);
	pfns[n++] = pfn;
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(kmm___free_pages(x.m, pfns[i], 0), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	free(pfns);
	rt_free(&x);
}

/* ------------------------------------------------------------------ fallbacks */

#define P0 PFN(16 * SZ_1M) /* first pageblock of one_zone */

/* one_zone with only the pfn ranges @free free, pageblock P0 retyped to @mt */
static void fallback_machine(struct rt *x, const unsigned long (*free)[2], unsigned int nr,
			     enum kmm_migratetype mt)
{
	rt_begin(x, one_zone, 1, 1);
	reserve_all_but(x, 16 * SZ_1M, 64 * SZ_1M - NODE_DATA_SIZE, free, nr);
	kmm_set_pageblock_migratetype(x->m, P0, mt);
	rt_finish(x, false);
}

/*
 * The zone's only free pages are in an Unmovable pageblock:
 *
 *   P0: [o1][..reserved..][ order 3 ][ reserved ... ]
 *
 * A movable order-0 request may not take the pageblock (order < 4), so it
 * steals the smallest block (the order-1 one) alone.  Expect P0 returned,
 * P0 + 1 on the Movable order-0 list, the order-3 block still Unmovable
 * and the pageblock still Unmovable.
 */
static void fallback_movable_steals_one_block(void **state)
{
	static const unsigned long free[][2] = { { P0, P0 + 2 }, { P0 + 8, P0 + 16 } };
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long pfn;

	fallback_machine(&x, free, 2, KMM_MIGRATE_UNMOVABLE);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	assert_int_equal(z->free_area[1].nr[KMM_MIGRATE_UNMOVABLE], 1);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfn), 0);
	assert_int_equal(pfn, P0);
	assert_int_equal(z->free_area[0].nr[KMM_MIGRATE_MOVABLE], 1);
	assert_int_equal(z->free_area[0].head[KMM_MIGRATE_MOVABLE], P0 + 1);
	assert_int_equal(z->free_area[3].nr[KMM_MIGRATE_UNMOVABLE], 1);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, P0), KMM_MIGRATE_UNMOVABLE);
	rt_free(&x);
}

/*
 *   P0: [ order 8 (256 pages) ][..][ order 4 ][ reserved ... ]
 *
 * A movable request finds the order-8 block first (largest first); order
 * >= pageblock_order/2 may take the whole pageblock: every free block moves
 * to Movable and, 272 >= 256 pages being free, the pageblock becomes
 * Movable.  Expect the smallest Movable block (order 4 at P0 + 272) split.
 */
static void fallback_claims_a_mostly_free_pageblock(void **state)
{
	static const unsigned long free[][2] = { { P0, P0 + 256 }, { P0 + 272, P0 + 288 } };
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long pfn;

	fallback_machine(&x, free, 2, KMM_MIGRATE_UNMOVABLE);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfn), 0);
	assert_int_equal(pfn, P0 + 272);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, P0), KMM_MIGRATE_MOVABLE);
	assert_int_equal(z->free_area[8].nr[KMM_MIGRATE_MOVABLE], 1);
	assert_int_equal(z->free_area[8].nr[KMM_MIGRATE_UNMOVABLE], 0);
	rt_free(&x);
}

/*
 *   P0: [ order 7 (128 pages) ][....][ order 4 ][ reserved ... ]
 *
 * The same with only 144 free pages: the free blocks move to Movable but
 * the pageblock keeps its Unmovable type (less than half of it is free).
 */
static void fallback_moves_blocks_but_keeps_a_busy_pageblock(void **state)
{
	static const unsigned long free[][2] = { { P0, P0 + 128 }, { P0 + 256, P0 + 272 } };
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long pfn;

	fallback_machine(&x, free, 2, KMM_MIGRATE_UNMOVABLE);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfn), 0);
	assert_int_equal(pfn, P0 + 256);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, P0), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(z->free_area[7].nr[KMM_MIGRATE_MOVABLE], 1);
	rt_free(&x);
}

/*
 * An unmovable request in a Movable pageblock with a single free order-2
 * block: unmovable requests always try for the whole pageblock, and kmm
 * has no LRU pages, so every allocated page counts as "alike": the
 * pageblock becomes Unmovable.  A reclaimable request in that Unmovable
 * pageblock then only moves the blocks (not alike, 4 pages free of 512).
 */
static void fallback_unmovable_claims_a_movable_pageblock(void **state)
{
	static const unsigned long free[][2] = { { P0 + 4, P0 + 12 } };
	struct rt x = { 0 };
	unsigned long pfn;

	fallback_machine(&x, free, 1, KMM_MIGRATE_MOVABLE);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(pfn, P0 + 4);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, P0), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_RECLAIMABLE, 0, &pfn), 0);
	assert_int_equal(pfn, P0 + 5);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, P0), KMM_MIGRATE_UNMOVABLE);
	assert_int_equal(zone_of(&x, 0, KMM_ZONE_DMA32)->free_area[1].nr[KMM_MIGRATE_RECLAIMABLE], 1);
	rt_free(&x);
}

/* ------------------------------------------------------------------ highatomic */

/*
 * Bring the zone below its low watermark, then ask GFP_ATOMIC for an
 * order-2 block: the slow path (ALLOC_HARDER) succeeds and reserves the
 * block's pageblock: Expect it HighAtomic, nr_reserved_highatomic 512 and
 * the pageblock's other free blocks on the HighAtomic lists.  A GFP_KERNEL
 * request that then runs dry takes the reserve back (pageblock Unmovable,
 * reserve 0).
 */
static void highatomic_reserve_and_release(void **state)
{
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long pfn, atomic_pfn, *pfns, n = 0, before;
	long low;

	rt_new(&x, one_zone, 1, 1, true);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	before = nr_free(&x);
	pfns = calloc(before + 16, sizeof(*pfns));
	low = (long)kmm_wmark_pages(z, KMM_WMARK_LOW);
	while ((long)kmm_zone_free_pages(z) > low + 64) {
		assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
		pfns[n++] = pfn;
	}
	kmm_drain_all_pages(x.m, NULL);
	/* below low for order 2 (free - 3 - ...): the fast path fails, the atomic slow path does not */
	while ((long)kmm_zone_free_pages(z) > low) {
		assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
		pfns[n++] = pfn;
		kmm_drain_all_pages(x.m, NULL);
	}
	assert_int_equal(z->nr_reserved_highatomic, 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_ATOMIC, 2, &atomic_pfn), 0);
	assert_int_equal(z->nr_reserved_highatomic, 512);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, atomic_pfn), KMM_MIGRATE_HIGHATOMIC);
	assert_true(kmm_page_alloc_validate(x.m));
	/* freed, the block waits on a per-CPU list, then (drained) on the HighAtomic list */
	assert_int_equal(kmm___free_pages(x.m, atomic_pfn, 2), 0);
	/* run GFP_KERNEL dry: the slow path drains and gives the last reserve up */
	while (kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn) == 0)
		pfns[n++] = pfn;
	assert_int_equal(z->nr_reserved_highatomic, 0);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, atomic_pfn), KMM_MIGRATE_UNMOVABLE);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(kmm___free_pages(x.m, pfns[i], 0), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	free(pfns);
	rt_free(&x);
}

/* ------------------------------------------------------------------ per-CPU lists */

/*
 * With watermarks (pcp high H, batch B).  Expect: the first order-0
 * allocation moves B pages to the CPU's list and hands out one (list
 * B - 1, NR_FREE_PAGES - B); frees stay on the list until it reaches H,
 * then B go back (list H - B); an order-1 allocation takes max(B >> 1, 2)
 * blocks; drain empties the list and NR_FREE_PAGES is back.
 */
static void pcp_refill_and_drain_counts(void **state)
{
	struct rt x = { 0 };
	struct kmm_zone *z;
	unsigned long before, *pfns, pfn;
	int high, batch, k;

	rt_new(&x, one_zone, 1, 1, true);
	z = zone_of(&x, 0, KMM_ZONE_DMA32);
	high = z->pageset_high;
	batch = z->pageset_batch;
	assert_true(batch > 1 && high >= 4 * batch);
	before = nr_free(&x);
	pfns = calloc((size_t)high + 1, sizeof(*pfns));
	assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfns[0]), 0);
	assert_int_equal(kmm_pcp_count(x.m, z, 0), batch - 1);
	assert_int_equal(nr_free(&x), before - (unsigned long)batch);
	for (k = 1; k <= high; k++)
		assert_int_equal(kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE, 0, &pfns[k]), 0);
	kmm_drain_local_pages(x.m, NULL);
	assert_int_equal(kmm_pcp_count(x.m, z, 0), 0);
	assert_int_equal(nr_free(&x), before - (unsigned long)high - 1);
	for (k = 0; k < high - 1; k++)
		assert_int_equal(kmm___free_pages(x.m, pfns[k], 0), 0);
	assert_int_equal(kmm_pcp_count(x.m, z, 0), high - 1);
	assert_int_equal(kmm___free_pages(x.m, pfns[k++], 0), 0); /* reaches high: trim a batch */
	assert_int_equal(kmm_pcp_count(x.m, z, 0), high - batch);
	assert_int_equal(kmm___free_pages(x.m, pfns[k++], 0), 0);
	kmm_drain_local_pages(x.m, NULL);
	assert_int_equal(kmm_pcp_count(x.m, z, 0), 0);
	assert_int_equal(nr_free(&x), before);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 1, &pfn), 0);
	assert_int_equal(kmm_pcp_count(x.m, z, 0), 2 * ((batch >> 1 > 2 ? batch >> 1 : 2) - 1));
	assert_int_equal(kmm___free_pages(x.m, pfn, 1), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	free(pfns);
	rt_free(&x);
}

/* ------------------------------------------------------------------ split, compound */

/*
 * split_page: an order-2 block becomes four pages of refcount 1, freed one
 * by one (they merge again).  A compound page cannot be split.
 */
static void split_page_makes_order0_pages(void **state)
{
	struct rt x = { 0 };
	unsigned long pfn, before;

	rt_new(&x, one_zone, 1, 1, false);
	before = nr_free(&x);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 2, &pfn), 0);
	assert_int_equal(kmm_split_page(x.m, pfn, 1), -KMM_EINVAL); /* not its order */
	assert_int_equal(kmm_split_page(x.m, pfn, 2), 0);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(kmm_pfn_to_page(x.m, pfn + i)->refcount, 1);
		assert_int_equal(kmm___free_pages(x.m, pfn + i, 0), 0);
	}
	assert_int_equal(nr_free(&x), before);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_COMP, 2, &pfn), 0);
	assert_int_equal(kmm_split_page(x.m, pfn, 2), -KMM_EINVAL);
	assert_int_equal(kmm___free_pages(x.m, pfn, 2), 0);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/*
 * __GFP_COMP order 3: head with KMM_PG_HEAD and order 3, seven tails
 * pointing at it.  Expect freeing a tail and freeing with order 2 to be
 * refused with Linux's reports, freeing with order 3 to clean every
 * descriptor.
 */
static void compound_pages_link_tails_to_head(void **state)
{
	struct rt x = { 0 };
	unsigned long pfn, before;
	struct kmm_page *head;

	rt_new(&x, one_zone, 1, 1, false);
	before = nr_free(&x);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_COMP, 3, &pfn), 0);
	head = kmm_pfn_to_page(x.m, pfn);
	assert_true(head->flags & KMM_PG_HEAD);
	assert_int_equal(head->order, 3);
	for (unsigned int i = 1; i < 8; i++) {
		assert_true(kmm_pfn_to_page(x.m, pfn + i)->flags & KMM_PG_TAIL);
		assert_int_equal(kmm_pfn_to_page(x.m, pfn + i)->compound_head, pfn);
	}
	assert_int_equal(kmm___free_pages(x.m, pfn + 1, 0), -KMM_EFAULT);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "page dumped because: VM_BUG_ON_PAGE(PageTail(page))"),
			     -1);
	assert_int_not_equal(bad_page_line(&x, pfn + 1), -1);
	assert_int_equal(kmm___free_pages(x.m, pfn, 2), -KMM_EFAULT);
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "page dumped because: VM_BUG_ON_PAGE(compound && compound_order(page) != order)"),
			     -1);
	assert_int_equal(kmm_nr_bad_pages(x.m), 2);
	assert_int_equal(kmm___free_pages(x.m, pfn, 3), 0);
	for (unsigned int i = 0; i < 8; i++)
		assert_false(kmm_pfn_to_page(x.m, pfn + i)->flags & (KMM_PG_HEAD | KMM_PG_TAIL));
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/* ------------------------------------------------------------------ misuse */

/*
 * Each misuse: Linux's first line, the dump with the reason, the page left
 * alone (-KMM_EFAULT) and the allocator still valid:
 *   double free                 VM_BUG_ON_PAGE(page_ref_count(page) == 0)
 *   a PG_reserved page          PAGE_FLAGS_CHECK_AT_FREE flag set
 *   a page still mapped         nonzero mapcount
 *   an order-2 block as order 0 freed with order 0, allocated with order 2
 */
static void misuse_is_reported_and_refused(void **state)
{
	struct rt x = { 0 };
	unsigned long pfn, pfn2, before, reserved;
	char line[160];

	rt_new(&x, one_zone, 1, 1, false);
	before = nr_free(&x);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), 0);
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), -KMM_EFAULT);
	assert_int_not_equal(bad_page_line(&x, pfn), -1);
	snprintf(line, sizeof(line), "page:%016llx refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:%#lx",
		 (unsigned long long)kmm_pfn_to_page_phys(x.m, pfn), pfn);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, line), -1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "flags: 0x0(node=0|zone=1)"), -1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "page dumped because: VM_BUG_ON_PAGE(page_ref_count(page) == 0)"), -1);
	assert_int_equal(nr_free(&x), before);

	kmm_test_env_clear_log(x.t);
	reserved = PFN(x.m->node[0].phys);
	assert_int_equal(kmm___free_pages(x.m, reserved, 0), -KMM_EFAULT);
	assert_int_not_equal(bad_page_line(&x, reserved), -1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "flags: 0x1000(reserved|node=0|zone=1)"), -1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag set"),
			     -1);

	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	kmm_pfn_to_page(x.m, pfn)->mapcount = 1;
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), -KMM_EFAULT);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "page dumped because: nonzero mapcount"), -1);
	kmm_pfn_to_page(x.m, pfn)->mapcount = 0; /* unmapped: now it may go */
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), 0);

	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 2, &pfn2), 0);
	assert_int_equal(kmm___free_pages(x.m, pfn2, 0), -KMM_EFAULT);
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "page dumped because: freed with order 0, allocated with order 2"), -1);
	assert_int_equal(kmm___free_pages(x.m, pfn2, 2), 0);
	assert_int_equal(kmm_nr_bad_pages(x.m), 4);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

/*
 * Bad arguments: nothing allocated, nothing printed for allocations; the
 * free of a pfn without a struct page is logged.
 */
static void bad_arguments_are_refused(void **state)
{
	struct rt x = { 0 };
	unsigned long pfn = 0x12345, before;

	rt_new(&x, one_zone, 1, 1, false);
	before = nr_free(&x);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, KMM_MAX_ORDER, &pfn), -KMM_EINVAL);
	assert_int_equal(kmm_alloc_pages(x.m, __GFP_DMA | __GFP_HIGHMEM, 0, &pfn), -KMM_EINVAL);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_MOVABLE | __GFP_RECLAIMABLE, 0, &pfn),
			 -KMM_EINVAL);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | (1u << 27), 0, &pfn), -KMM_EINVAL);
	assert_int_equal(kmm_alloc_pages_node(x.m, KMM_MAX_NUMNODES, GFP_KERNEL, 0, &pfn), -KMM_EINVAL);
	assert_int_equal(kmm_alloc_pages_node(x.m, 3, GFP_KERNEL, 0, &pfn), -KMM_EINVAL); /* offline */
	assert_int_equal(pfn, 0x12345);
	assert_int_equal(x.t->nr_lines, 0);
	assert_int_equal(kmm___free_pages(x.m, 0x7fffffff, 0), -KMM_EINVAL);
	assert_int_not_equal(kmm_test_find_line(x.t, 0,
			      "kmm: __free_pages: pfn 0x7fffffff order 0: not an allocated block"), -1);
	assert_int_equal(kmm___free_pages(x.m, PFN(16 * SZ_1M) + 1, 1), -KMM_EINVAL); /* misaligned */
	assert_int_equal(kmm___free_pages(x.m, PFN(16 * SZ_1M), KMM_MAX_ORDER), -KMM_EINVAL);
	assert_int_equal(kmm_set_this_cpu(x.m, 1), -KMM_EINVAL); /* one CPU */
	assert_int_equal(kmm_set_this_cpu(x.m, 0), 0);
	x.m->env.set_this_cpu = NULL;
	assert_int_equal(kmm_set_this_cpu(x.m, 0), -KMM_ENOTSUP);
	assert_int_equal(kmm_free_pages(x.m, NULL, 0), 0);
	assert_int_equal(kmm_free_pages(x.m, &pfn, 0), -KMM_EINVAL); /* not the direct map */
	assert_int_equal(nr_free(&x), before);
	x.m->zonelists.built = false;
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), -KMM_EINVAL);
	x.m->zonelists.built = true;
	rt_free(&x);
}

/* ------------------------------------------------------------------ poisoning */

/*
 * Debug builds poison freed pages.  Write into a freed page: expect the
 * next allocation of it to report "pagealloc: memory corruption" with the
 * changed bytes and the page, and a single flipped bit "single bit error".
 * Virtual addresses: __get_free_pages / get_zeroed_page / free_pages.
 */
static void poisoned_page_written_after_free(void **state)
{
#if KMM_DEBUG_LEVEL >= 1
	struct rt x = { 0 };
	unsigned char *va, *va2;
	unsigned long pfn;
	char line[160];

	rt_new(&x, one_zone, 1, 1, false);
	assert_int_equal(kmm___get_free_pages(x.m, GFP_KERNEL, 0, (void **)&va), 0);
	assert_int_equal(kmm_virt_to_pfn(x.m, va, &pfn), 0);
	assert_int_equal(kmm_free_pages(x.m, va, 0), 0);
	assert_int_equal(va[0], KMM_PAGE_POISON);
	assert_int_equal(va[4095], KMM_PAGE_POISON);
	va[0x10] = 0x41;
	va[0x12] = 0x42;
	assert_int_equal(kmm_get_zeroed_page(x.m, GFP_KERNEL, (void **)&va2), 0);
	assert_ptr_equal(va2, va);
	assert_int_equal(va[0x10], 0);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "pagealloc: memory corruption"), -1);
	snprintf(line, sizeof(line), "%016llx: %-49sA.B", ((unsigned long long)pfn << 12) + 0x10,
		 "41 aa 42");
	assert_int_not_equal(kmm_test_find_line(x.t, 0, line), -1);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "page dumped because: pagealloc: corrupted page details"),
			     -1);
	assert_int_equal(kmm_nr_poison_reports(x.m), 1);
	assert_int_equal(kmm_free_pages(x.m, va, 0), 0);
	va[100] = KMM_PAGE_POISON ^ 0x04;
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm___get_free_pages(x.m, GFP_KERNEL, 0, (void **)&va2), 0);
	assert_int_not_equal(kmm_test_find_line(x.t, 0, "pagealloc: single bit error"), -1);
	assert_int_equal(kmm_nr_poison_reports(x.m), 2);
	/* untouched: no report */
	assert_int_equal(kmm_free_pages(x.m, va2, 0), 0);
	assert_int_equal(kmm___get_free_pages(x.m, GFP_KERNEL, 0, (void **)&va2), 0);
	assert_int_equal(kmm_nr_poison_reports(x.m), 2);
	assert_int_equal(kmm_free_pages(x.m, va2, 0), 0);
	rt_free(&x);
#else
	skip();
#endif
}

/* ------------------------------------------------------------------ threads */

#define THREADS 4
#define THREAD_OPS 3000
#define THREAD_LIVE 64

struct worker {
	struct rt *x;
	unsigned int cpu;
	int failures;
};

static const gfp_t worker_gfp[] = {
	GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC,
	GFP_KERNEL | __GFP_COMP, GFP_DMA32,
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned long pfn[THREAD_LIVE];
	unsigned int order[THREAD_LIVE], seed = 12345u * (w->cpu + 1);
	int live = 0;

	if (kmm_set_this_cpu(w->x->m, w->cpu))
		w->failures++;
	for (int i = 0; i < THREAD_OPS; i++) {
		seed = seed * 1103515245u + 12345u;
		if (live < THREAD_LIVE && (live == 0 || (seed >> 16) % 3)) {
			unsigned int o = (seed >> 8) % 8 == 0 ? (seed >> 20) % 5 : 0;
			gfp_t gfp = worker_gfp[(seed >> 12) % 6];

			if ((seed >> 24) % 16 == 0)
				o = 9;
			if (kmm_alloc_pages(w->x->m, gfp, o, &pfn[live]) == 0)
				order[live++] = o;
		} else {
			int k = (int)((seed >> 16) % (unsigned int)live);

			if (kmm___free_pages(w->x->m, pfn[k], order[k]))
				w->failures++;
			pfn[k] = pfn[--live];
			order[k] = order[live];
		}
	}
	while (live > 0) {
		live--;
		if (kmm___free_pages(w->x->m, pfn[live], order[live]))
			w->failures++;
	}
	return NULL;
}

/*
 * Four threads, each bound to its own CPU, allocate and free mixed orders
 * and types at once.  Expect no failure, no report, every page back once
 * the per-CPU lists are drained and the whole allocator valid.
 */
static void threads_allocate_and_free_concurrently(void **state)
{
	struct rt x = { 0 };
	struct worker w[THREADS];
	pthread_t th[THREADS];
	unsigned long before;

	rt_new(&x, three_zones, 3, THREADS, true);
	before = nr_free(&x);
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .x = &x, .cpu = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_true(kmm_page_alloc_validate(x.m));
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(nr_pcp(&x), 0);
	assert_int_equal(nr_free(&x), before);
	assert_int_equal(kmm_nr_bad_pages(x.m), 0);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

struct sharer {
	struct rt *x;
	int failures;
};

#define SHARED_PAIRS 20000

static void *sharer_run(void *arg)
{
	struct sharer *w = arg;

	if (kmm_set_this_cpu(w->x->m, 0))
		w->failures++;
	for (int i = 0; i < SHARED_PAIRS; i++) {
		unsigned long pfn;

		if (kmm_alloc_pages(w->x->m, GFP_KERNEL, 0, &pfn) ||
		    kmm___free_pages(w->x->m, pfn, 0))
			w->failures++;
	}
	return NULL;
}

/*
 * A CPU id shared by two host threads at once (a CPU that runs two tasks
 * in turn, squeezed together): the per-CPU lists stay consistent (their
 * trylock sends the loser to the free lists) and the vmstat events stay
 * exact, whichever path each operation took.
 */
static void threads_sharing_a_cpu_count_exactly(void **state)
{
	struct rt x = { 0 };
	struct sharer w[2];
	pthread_t th[2];
	unsigned long alloc0 = 0, alloc1 = 0, free0, free1, before;

	rt_new(&x, three_zones, 3, 1, true);
	before = nr_free(&x);
	for (unsigned int zi = 0; zi < KMM_MAX_NR_ZONES; zi++)
		alloc0 += kmm_vm_pgalloc_count(x.m, zi);
	free0 = kmm_vm_event_count(x.m, KMM_PGFREE);
	for (unsigned int i = 0; i < 2; i++) {
		w[i] = (struct sharer){ .x = &x };
		assert_int_equal(pthread_create(&th[i], NULL, sharer_run, &w[i]), 0);
	}
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	for (unsigned int zi = 0; zi < KMM_MAX_NR_ZONES; zi++)
		alloc1 += kmm_vm_pgalloc_count(x.m, zi);
	free1 = kmm_vm_event_count(x.m, KMM_PGFREE);
	assert_int_equal(alloc1 - alloc0, 2 * SHARED_PAIRS);
	assert_int_equal(free1 - free0, 2 * SHARED_PAIRS);
	assert_int_equal(kmm_vm_cpu_event_count(x.m, 0, KMM_PGFREE), free1);
	assert_int_equal(kmm_vm_cpu_event_count(x.m, 1, KMM_PGFREE), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(nr_free(&x), before);
	assert_true(kmm_page_alloc_validate(x.m));
	rt_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gfp_zone_maps_modifiers),
		cmocka_unit_test(watermark_ok_follows_6_1),
		cmocka_unit_test(boot_pageset_takes_one_page_at_a_time),
		cmocka_unit_test(zone_fallback_follows_zonelist),
		cmocka_unit_test(thisnode_stays_on_the_node),
		cmocka_unit_test(watermarks_decide_who_gets_the_last_pages),
		cmocka_unit_test(fallback_movable_steals_one_block),
		cmocka_unit_test(fallback_claims_a_mostly_free_pageblock),
		cmocka_unit_test(fallback_moves_blocks_but_keeps_a_busy_pageblock),
		cmocka_unit_test(fallback_unmovable_claims_a_movable_pageblock),
		cmocka_unit_test(highatomic_reserve_and_release),
		cmocka_unit_test(pcp_refill_and_drain_counts),
		cmocka_unit_test(split_page_makes_order0_pages),
		cmocka_unit_test(compound_pages_link_tails_to_head),
		cmocka_unit_test(misuse_is_reported_and_refused),
		cmocka_unit_test(bad_arguments_are_refused),
		cmocka_unit_test(poisoned_page_written_after_free),
		cmocka_unit_test(threads_allocate_and_free_concurrently),
		cmocka_unit_test(threads_sharing_a_cpu_count_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
