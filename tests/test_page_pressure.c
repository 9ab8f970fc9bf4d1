// SPDX-License-Identifier: MIT
/*
 * test_page_pressure.c - the page allocator under memory pressure: shrinkers
 * and their proportion rule, direct reclaim and kswapd, compaction of
 * movable pages, alloc_contig_range and page isolation, CMA allocation,
 * the failure and OOM reports, __GFP_NOFAIL, and the vmstat counters
 * (src/core/vmscan.c, compaction.c, page_isolation.c, cma.c, show_mem.c,
 * vmstat.c and the slow path of page_alloc_rt.c).
 *
 * Machines are x86_64 built by hand as the boot builds them (memblock,
 * sparse, free_area_init, zonelists, memmap_init, memblock_free_all,
 * watermarks), one DMA32 zone [16M, 80M) with NODE_DATA at its top:
 *
 *   16M                                                         80M
 *   |  16384 pages = 32 pageblocks of 512               |NODE_DATA|
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"
#include "helpers/small_machine.h"

#include <kmm/cma.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/gfp.h>
#include <kmm/hosted_cpu.h>
#include <kmm/late_init.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>
#include <kmm/vmscan.h>
#include <kmm/vmstat.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#define SZ_1M 0x100000ULL
#define PFN(pa) ((unsigned long)((pa) >> 12))
#define ZONE_BASE (16 * SZ_1M)
#define ZONE_SIZE (64 * SZ_1M)
#define PB 512UL

struct px {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	struct kmm_zone *z;
	char err[256];
};

/* the DMA32 zone machine; @cma_pages > 0: a CMA area of that many pages at 32M (CONFIG_CMA on) */
static void px_new(struct px *x, unsigned long cma_pages)
{
	static const struct kmm_test_ram ram[] = { { ZONE_BASE, ZONE_SIZE, 0 } };
	struct kmm_machine *m;

	x->t = kmm_test_env_new(ZONE_BASE + ZONE_SIZE + 64 * SZ_1M);
	kmm_hosted_cpu_fill_env(&x->t->env);
	m = x->m = kmm_test_small_machine(x->t, ram, 1, 1, false);
	if (cma_pages) {
		m->kernel.cma = true;
		m->nr_cma_areas = 1;
		m->cma_areas[0].base = 32 * SZ_1M;
		m->cma_areas[0].size = (u64)cma_pages << 12;
		strcpy(m->cma_areas[0].name, "reserved");
		m->totalcma_pages = cma_pages;
		assert_int_equal(memblock_reserve(&m->memblock, 32 * SZ_1M, (u64)cma_pages << 12), 0);
	}
	kmm_test_small_machine_zones(m);
	assert_int_equal(kmm_build_all_zonelists(m, x->err, sizeof(x->err)), 0);
	kmm_memmap_init(m);
	kmm_memblock_free_all(m);
	if (cma_pages)
		kmm_cma_init_reserved_areas(m);
	assert_int_equal(kmm_init_per_zone_wmark_min(m, x->err, sizeof(x->err)), 0);
	x->z = &m->node[0].zones[kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_DMA32)];
	assert_true(kmm_page_alloc_validate(m));
	kmm_test_env_clear_log(x->t);
}

static void px_free(struct px *x)
{
	assert_true(kmm_page_alloc_validate(x->m));
	assert_int_equal(x->t->nr_bugs, 0);
	free(x->m);
	kmm_test_env_free(x->t);
}

static unsigned long ev(struct px *x, enum kmm_vm_event e)
{
	return kmm_vm_event_count(x->m, e);
}

static unsigned long vmstat(struct px *x, const char *name)
{
	unsigned long v = ~0UL;

	assert_int_equal(kmm_vmstat_item(x->m, name, &v), 0);
	return v;
}

static bool has_line(struct px *x, const char *line)
{
	return kmm_test_find_line(x->t, 0, line) >= 0;
}

/* ------------------------------------------------------------------ a cache with a shrinker */

/*
 * A cache of whole pages: scan frees up to nr_to_scan of them (newest
 * first) and says how many.  With @fixed the cache only counts: scan frees
 * nothing and reports nr_to_scan freed, so the numbers the rule asks for
 * can be read off exactly.
 */
struct cache {
	struct kmm_shrinker s;
	unsigned long *pfns, n, cap;
	unsigned long fixed;                 /* > 0: count_objects returns this, nothing is freed */
	unsigned long calls, asked, last_nr; /* scan calls, sum of nr_to_scan, the last one */
};

static unsigned long cache_count(struct kmm_machine *m, struct kmm_shrinker *s,
				 struct kmm_shrink_control *sc)
{
	struct cache *c = s->priv;

	return c->fixed ? c->fixed : c->n;
}

static unsigned long cache_scan(struct kmm_machine *m, struct kmm_shrinker *s,
				struct kmm_shrink_control *sc)
{
	struct cache *c = s->priv;
	unsigned long freed = 0;

	c->calls++;
	c->asked += sc->nr_to_scan;
	c->last_nr = sc->nr_to_scan;
	if (c->fixed)
		return sc->nr_to_scan;
	while (freed < sc->nr_to_scan && c->n) {
		assert_int_equal(kmm___free_pages(m, c->pfns[--c->n], 0), 0);
		freed++;
	}
	return freed;
}

static void cache_init(struct cache *c, unsigned long cap, int seeks, long batch)
{
	memset(c, 0, sizeof(*c));
	c->s.count_objects = cache_count;
	c->s.scan_objects = cache_scan;
	c->s.seeks = seeks;
	c->s.batch = batch;
	c->s.priv = c;
	c->cap = cap;
	c->pfns = cap ? calloc(cap, sizeof(*c->pfns)) : NULL;
}

/*
 * Fill the cache with GFP_NOWAIT pages until the zone is at its min
 * watermark: again after each drain of the per-CPU lists and each kswapd
 * pass (which takes back the boost the fallbacks added), until nothing more
 * comes.  A kswapd wake-up stays pending.
 */
static void cache_fill(struct px *x, struct cache *c)
{
	unsigned long pfn, got;

	do {
		got = 0;
		while (c->n < c->cap && kmm_alloc_pages(x->m, GFP_NOWAIT | __GFP_NOWARN, 0, &pfn) == 0) {
			c->pfns[c->n++] = pfn;
			got++;
		}
		kmm_drain_all_pages(x->m, NULL);
		kmm_kswapd_run(x->m);
	} while (got);
	assert_true(c->n < c->cap);
	assert_int_equal(kmm_alloc_pages(x->m, GFP_NOWAIT | __GFP_NOWARN, 0, &pfn), -KMM_ENOMEM);
}

static void cache_empty(struct px *x, struct cache *c)
{
	while (c->n)
		assert_int_equal(kmm___free_pages(x->m, c->pfns[--c->n], 0), 0);
	free(c->pfns);
	c->pfns = NULL;
}

/*
 * do_shrink_slab's rule on a cache of 1000 objects, seeks 2, batch 128:
 *   priority 2: delta = (1000 >> 2) * 4 / 2 = 500 -> 3 batches (384), 116 deferred
 *   again:      116 >> 2 + 500 = 529             -> 4 batches (512), 104 deferred
 *   priority 12: delta = 0, deferred 104 >> 12 = 0 -> nothing
 * and a cache four times as large gets four times the work (batch 1).
 * Expect exactly those scan calls and slabs_scanned.
 */
static void shrinker_proportion_rule(void **state)
{
	struct px x;
	struct cache a, b;

	px_new(&x, 0);
	cache_init(&a, 0, KMM_DEFAULT_SEEKS, 0);
	a.fixed = 1000;
	assert_int_equal(kmm_register_shrinker(x.m, &a.s), 0);
	assert_int_equal(kmm_shrink_slab(x.m, GFP_KERNEL, 0, 2), 384);
	assert_int_equal(a.calls, 3);
	assert_int_equal(a.last_nr, 128);
	assert_int_equal(atomic_load(&a.s.nr_deferred), 116);
	assert_int_equal(ev(&x, KMM_SLABS_SCANNED), 384);
	assert_int_equal(kmm_shrink_slab(x.m, GFP_KERNEL, 0, 2), 512);
	assert_int_equal(atomic_load(&a.s.nr_deferred), 104);
	assert_int_equal(kmm_shrink_slab(x.m, GFP_KERNEL, 0, 12), 0);
	assert_int_equal(a.calls, 7);
	assert_int_equal(kmm_unregister_shrinker(x.m, &a.s), 0);

	/* proportional: 1000 and 4000 objects, batch 1, priority 4 -> 62 * 2 and 250 * 2 */
	cache_init(&a, 0, KMM_DEFAULT_SEEKS, 1);
	cache_init(&b, 0, KMM_DEFAULT_SEEKS, 1);
	a.fixed = 1000;
	b.fixed = 4000;
	assert_int_equal(kmm_register_shrinker(x.m, &a.s), 0);
	assert_int_equal(kmm_register_shrinker(x.m, &b.s), 0);
	kmm_shrink_slab(x.m, GFP_KERNEL, 0, 4);
	assert_int_equal(a.asked, 124);
	assert_int_equal(b.asked, 500);
	/* seeks 0: half the cache at once, whatever the priority */
	assert_int_equal(kmm_unregister_shrinker(x.m, &b.s), 0);
	cache_init(&b, 0, 0, 0);
	b.fixed = 300;
	assert_int_equal(kmm_register_shrinker(x.m, &b.s), 0);
	kmm_shrink_slab(x.m, GFP_KERNEL, 0, 12);
	assert_int_equal(b.asked, 128); /* 150 wanted: one batch of 128, 22 deferred */
	assert_int_equal(atomic_load(&b.s.nr_deferred), 22);
	assert_int_equal(kmm_unregister_shrinker(x.m, &a.s), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &b.s), 0);
	px_free(&x);
}

/* Every class of bad shrinker registration gets its error. */
static void shrinker_registration_errors(void **state)
{
	struct px x;
	struct cache c[KMM_MAX_SHRINKERS + 1];
	struct kmm_shrinker bad = { 0 };

	px_new(&x, 0);
	assert_int_equal(kmm_register_shrinker(x.m, NULL), -KMM_EINVAL);
	assert_int_equal(kmm_register_shrinker(x.m, &bad), -KMM_EINVAL);
	cache_init(&c[0], 0, -1, 0);
	assert_int_equal(kmm_register_shrinker(x.m, &c[0].s), -KMM_EINVAL);
	for (unsigned int i = 0; i <= KMM_MAX_SHRINKERS; i++)
		cache_init(&c[i], 0, KMM_DEFAULT_SEEKS, 0);
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++)
		assert_int_equal(kmm_register_shrinker(x.m, &c[i].s), 0);
	assert_int_equal(kmm_register_shrinker(x.m, &c[0].s), -KMM_EEXIST);
	assert_int_equal(kmm_register_shrinker(x.m, &c[KMM_MAX_SHRINKERS].s), -KMM_EOVERFLOW);
	assert_int_equal(kmm_unregister_shrinker(x.m, &c[KMM_MAX_SHRINKERS].s), -KMM_ENOENT);
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++)
		assert_int_equal(kmm_unregister_shrinker(x.m, &c[i].s), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &c[0].s), -KMM_ENOENT);
	px_free(&x);
}

/*
 * The zone filled to its min watermark by a cache.  Without a shrinker
 * GFP_KERNEL fails: expect the OOM report ("no killable processes") and
 * warn_alloc's report with show_mem, line by line.  With the cache's
 * shrinker registered, a GFP_KERNEL request that does not wake kswapd
 * succeeds through direct reclaim: expect one allocstall_dma32, at least
 * 32 pages stolen, the cache smaller by exactly pgsteal_direct.
 */
static void reclaim_makes_failing_allocation_succeed(void **state)
{
	struct px x;
	struct cache c;
	unsigned long pfn, before, free_kb, pcp_kb = 0;
	char line[1024], zl[1024];
	struct kmm_zone *z;

	px_new(&x, 0);
	z = x.z;
	cache_init(&c, 20000, KMM_DEFAULT_SEEKS, 0);
	cache_fill(&x, &c);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), -KMM_ENOMEM);
	free_kb = kmm_zone_free_pages(z) * 4;
	assert_true(has_line(&x, "kmm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
				 "oom_score_adj=0"));
	assert_true(has_line(&x, "Tasks state (memory values in pages):"));
	assert_true(has_line(&x, "Out of memory and no killable processes..."));
	assert_true(has_line(&x, "kmm: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), "
				 "nodemask=(null),cpuset=/,mems_allowed=0"));
	assert_true(has_line(&x, "Mem-Info:"));
	snprintf(line, sizeof(line), " free:%lu free_pcp:0 free_cma:0", kmm_zone_free_pages(z));
	assert_true(has_line(&x, line));
	snprintf(zl, sizeof(zl),
		 "Node 0 DMA32 free:%lukB boost:0kB min:%lukB low:%lukB high:%lukB "
		 "reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB "
		 "inactive_file:0kB unevictable:0kB writepending:0kB present:%lukB managed:%lukB "
		 "mlocked:0kB bounce:0kB free_pcp:%lukB local_pcp:0kB free_cma:0kB",
		 free_kb, z->watermark[KMM_WMARK_MIN] * 4, z->watermark[KMM_WMARK_LOW] * 4,
		 z->watermark[KMM_WMARK_HIGH] * 4, z->present_pages * 4, z->managed_pages * 4, pcp_kb);
	assert_true(has_line(&x, zl));
	snprintf(line, sizeof(line), "lowmem_reserve[]: %lu %lu %lu %lu %lu", z->lowmem_reserve[0],
		 z->lowmem_reserve[1], z->lowmem_reserve[2], z->lowmem_reserve[3],
		 z->lowmem_reserve[4]);
	assert_true(has_line(&x, line));
	assert_true(has_line(&x, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
				 "hugepages_size=2048kB"));
	assert_true(has_line(&x, "Free swap  = 0kB"));
	snprintf(line, sizeof(line), "%lu pages RAM", z->present_pages);
	assert_true(has_line(&x, line));
	/* the free-list line: every order, types of the non-empty ones, total */
	{
		int i = kmm_test_find_line(x.t, 0, "0 total pagecache pages");

		assert_true(i > 0);
		snprintf(line, sizeof(line), "= %lukB", free_kb);
		assert_non_null(strstr(x.t->lines[i - 2], "Node 0 DMA32: "));
		assert_non_null(strstr(x.t->lines[i - 2], line));
		assert_non_null(strstr(x.t->lines[i - 2], "*4096kB "));
	}
	assert_int_equal(ev(&x, KMM_OOM_REPORTS), 1);
	assert_int_equal(ev(&x, KMM_ALLOC_FAIL_REPORTS), 1);
	/* the failed request reclaimed too; GFP_KERNEL's reclaim_idx is ZONE_NORMAL */
	assert_int_equal(kmm_vm_allocstall_count(x.m, 2), 1);

	/* now with the shrinker: direct reclaim gives the cache's pages back */
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	before = c.n;
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM, 0, &pfn), 0);
	assert_int_equal(x.t->nr_lines, 0);
	assert_int_equal(kmm_vm_allocstall_count(x.m, 2), 2);
	assert_true(ev(&x, KMM_PGSTEAL_DIRECT) >= KMM_SWAP_CLUSTER_MAX);
	assert_int_equal(before - c.n, ev(&x, KMM_PGSTEAL_DIRECT));
	assert_int_equal(vmstat(&x, "pgsteal_direct"), ev(&x, KMM_PGSTEAL_DIRECT));
	assert_true(ev(&x, KMM_PGSCAN_DIRECT) >= ev(&x, KMM_PGSTEAL_DIRECT));
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	px_free(&x);
}

/*
 * kswapd: with the zone below low, a GFP_NOWAIT request (cannot sleep)
 * only records the wake-up; a GFP_KERNEL one runs the pass itself, and so
 * does kmm_kswapd_run().  Expect the shrinker untouched until then, the
 * zone back above its high watermark after, pgsteal_kswapd and pageoutrun
 * counted.
 */
static void kswapd_runs_where_it_may_sleep(void **state)
{
	struct px x;
	struct cache c;
	unsigned long pfn, runs;

	px_new(&x, 0);
	cache_init(&c, 20000, KMM_DEFAULT_SEEKS, 0);
	cache_fill(&x, &c);
	runs = ev(&x, KMM_PAGEOUTRUN);
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_NOWAIT | __GFP_NOWARN, 0, &pfn), -KMM_ENOMEM);
	assert_true(kmm_kswapd_pending(x.m));
	assert_int_equal(c.calls, 0);
	assert_true(kmm_kswapd_run(x.m) > 0);
	assert_false(kmm_kswapd_pending(x.m));
	assert_true(c.calls > 0);
	assert_true(kmm_zone_free_pages(x.z) > kmm_wmark_pages(x.z, KMM_WMARK_HIGH));
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);
	assert_true(ev(&x, KMM_PGSTEAL_KSWAPD) > 0);
	assert_int_equal(ev(&x, KMM_PGSTEAL_DIRECT), 0);
	assert_int_equal(kmm_vm_allocstall_count(x.m, 2), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	px_free(&x);
}

/*
 * __GFP_NOFAIL at the min watermark with nothing to reclaim: the OOM step
 * lets it use the reserves, so it succeeds, with the OOM report and no
 * failure report.  With the zone truly empty it fails after kmm's bounded
 * retries - never silently: the failure report is printed although the
 * request says __GFP_NOWARN.
 */
static void nofail_uses_reserves_and_never_fails_silently(void **state)
{
	struct px x;
	struct cache c;
	unsigned long pfn, pfn2;

	px_new(&x, 0);
	cache_init(&c, 20000, KMM_DEFAULT_SEEKS, 0);
	cache_fill(&x, &c);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_NOFAIL, 0, &pfn), 0);
	assert_true(has_line(&x, "Out of memory and no killable processes..."));
	assert_int_equal(ev(&x, KMM_ALLOC_FAIL_REPORTS), 0);
	/* take everything, reserves included */
	while (c.n < c.cap &&
	       kmm_alloc_pages(x.m, GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN, 0, &c.pfns[c.n]) == 0)
		c.n++;
	kmm_drain_all_pages(x.m, NULL);
	while (c.n < c.cap &&
	       kmm_alloc_pages(x.m, GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN, 0, &c.pfns[c.n]) == 0)
		c.n++;
	assert_int_equal(kmm_zone_free_pages(x.z), 0);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_NOFAIL | __GFP_NOWARN, 0, &pfn2),
			 -KMM_ENOMEM);
	assert_true(has_line(&x, "kmm: page allocation failure: order:0, "
				 "mode:0xacc0(GFP_KERNEL|__GFP_NOWARN|__GFP_NOFAIL), "
				 "nodemask=(null),cpuset=/,mems_allowed=0"));
	assert_int_equal(ev(&x, KMM_ALLOC_FAIL_REPORTS), 1);
	assert_int_equal(kmm___free_pages(x.m, pfn, 0), 0);
	cache_empty(&x, &c);
	px_free(&x);
}

/* %pGg: composite names first, then single flags, unnamed bits as hex. */
static void gfp_flags_print_as_linux(void **state)
{
	char buf[256];

	kmm_format_gfp_flags(buf, sizeof(buf), GFP_KERNEL);
	assert_string_equal(buf, "GFP_KERNEL");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO);
	assert_string_equal(buf, "GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_HIGHUSER_MOVABLE | __GFP_COMP);
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_TRANSHUGE);
	assert_string_equal(buf, "GFP_TRANSHUGE");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_ATOMIC);
	assert_string_equal(buf, "GFP_ATOMIC");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_NOWAIT | __GFP_NOWARN);
	assert_string_equal(buf, "GFP_NOWAIT|__GFP_NOWARN");
	kmm_format_gfp_flags(buf, sizeof(buf), GFP_DMA32 | __GFP_HIGH);
	assert_string_equal(buf, "GFP_DMA32|__GFP_HIGH");
	kmm_format_gfp_flags(buf, sizeof(buf), __GFP_DIRECT_RECLAIM | 0x4000000);
	assert_string_equal(buf, "__GFP_DIRECT_RECLAIM|0x4000000");
	kmm_format_gfp_flags(buf, sizeof(buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(kmm_format_gfp_flags(buf, 4, GFP_KERNEL), strlen("GFP_KERNEL"));
	assert_string_equal(buf, "GFP");
}

/* ------------------------------------------------------------------ movable pages */

/* An owner of movable pages: slot i holds a pfn and the page holds the value i. */
struct owner {
	unsigned long *pfn;
	unsigned long n;
	unsigned long migrations;
	bool refuse;
};

static int owner_migrate(struct kmm_machine *m, void *priv, unsigned long old, unsigned long new)
{
	struct owner *o = priv;

	if (o->refuse)
		return -KMM_EBUSY;
	for (unsigned long i = 0; i < o->n; i++)
		if (o->pfn[i] == old) {
			o->pfn[i] = new;
			o->migrations++;
			return 0;
		}
	return -KMM_ENOENT;
}

static const struct kmm_movable_ops owner_ops = { .migrate = owner_migrate };

static void owner_take(struct px *x, struct owner *o, unsigned long pfn)
{
	unsigned long *va = kmm_pfn_to_virt(x->m, pfn);

	va[0] = o->n;
	o->pfn[o->n++] = pfn;
	assert_int_equal(kmm_set_page_movable(x->m, pfn, &owner_ops, o), 0);
}

static void owner_check(struct px *x, struct owner *o)
{
	for (unsigned long i = 0; i < o->n; i++) {
		unsigned long *va = kmm_pfn_to_virt(x->m, o->pfn[i]);

		assert_true(kmm_page_movable(x->m, o->pfn[i]));
		assert_int_equal(va[0], i);
	}
}

static void owner_release(struct px *x, struct owner *o)
{
	for (unsigned long i = 0; i < o->n; i++)
		assert_int_equal(kmm___free_pages(x->m, o->pfn[i], 0), 0);
	o->n = 0;
	free(o->pfn);
}

/*
 * Fill the zone with movable pages, then free every other one (odd slots
 * freed): every pageblock is half free, no free block is above order 0.
 * With @pinned, one page in each pageblock loses its migrate callback.
 */
static void fragment_zone(struct px *x, struct owner *o, bool pinned)
{
	unsigned long pfn, kept = 0;
	struct owner all = { calloc(20000, sizeof(unsigned long)), 0, 0, false };

	o->pfn = calloc(20000, sizeof(unsigned long));
	o->n = 0;
	/* every page, reserves included (the per-CPU lists drain on the way) */
	while (kmm_alloc_pages(x->m, GFP_HIGHUSER_MOVABLE | __GFP_MEMALLOC | __GFP_NOWARN, 0, &pfn) == 0)
		all.pfn[all.n++] = pfn;
	assert_int_equal(kmm_zone_free_pages(x->z), 0);
	for (unsigned long i = 0; i < all.n; i++) {
		if (all.pfn[i] & 1) {
			assert_int_equal(kmm___free_pages(x->m, all.pfn[i], 0), 0);
			continue;
		}
		if (pinned && (all.pfn[i] & (PB - 1)) == 0) {
			all.pfn[kept++] = all.pfn[i]; /* no callback: unmovable */
			continue;
		}
		owner_take(x, o, all.pfn[i]);
	}
	all.n = kept;
	kmm_drain_all_pages(x->m, NULL);
	for (unsigned int order = 1; order < KMM_MAX_ORDER; order++)
		assert_int_equal(x->z->free_area[order].nr_free, 0);
	/* the pinned pages stay allocated: park them in the owner's array end */
	for (unsigned long i = 0; i < all.n; i++)
		o->pfn[19999 - i] = all.pfn[i];
	free(all.pfn);
}

static void pinned_release(struct px *x, struct owner *o, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		assert_int_equal(kmm___free_pages(x->m, o->pfn[19999 - i], 0), 0);
}

/*
 * A zone fragmented by movable pages: an order-9 GFP_KERNEL request finds
 * no block, compaction (async, costly order) moves pages to the zone's top
 * and the freed bottom merges.  Expect the allocation to succeed, one
 * compact_stall and compact_success, pages migrated with their contents
 * and owners' references updated, the scanners' work counted.
 */
static void compaction_makes_order9_block(void **state)
{
	struct px x;
	struct owner o = { 0 };
	unsigned long pfn, migrated;

	px_new(&x, 0);
	fragment_zone(&x, &o, false);
	assert_true(kmm_fragmentation_index(x.m, x.z, 9) > KMM_EXTFRAG_THRESHOLD);
	assert_int_equal(kmm_compaction_suitable(x.m, x.z, 9, KMM_ALLOC_WMARK_MIN, 1),
			 KMM_COMPACT_CONTINUE);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 9, &pfn), 0);
	assert_int_equal(x.t->nr_lines, 0);
	assert_int_equal(ev(&x, KMM_COMPACTSTALL), 1);
	assert_int_equal(ev(&x, KMM_COMPACTSUCCESS), 1);
	assert_int_equal(ev(&x, KMM_COMPACTFAIL), 0);
	migrated = ev(&x, KMM_PGMIGRATE_SUCCESS);
	/* the first pageblock's 256 pages moved; its last page (free) was never looked at */
	assert_int_equal(migrated, PB / 2);
	assert_int_equal(migrated, o.migrations);
	assert_int_equal(ev(&x, KMM_COMPACTMIGRATE_SCANNED), PB - 1);
	assert_true(ev(&x, KMM_COMPACTFREE_SCANNED) >= PB / 2);
	assert_int_equal(ev(&x, KMM_COMPACTISOLATED), 2 * migrated);
	assert_int_equal(vmstat(&x, "compact_stall"), 1);
	assert_int_equal(vmstat(&x, "pgmigrate_success"), migrated);
	owner_check(&x, &o);
	assert_true(kmm_page_alloc_validate(x.m));
	assert_int_equal(kmm___free_pages(x.m, pfn, 9), 0);
	owner_release(&x, &o);
	px_free(&x);
}

/*
 * The same zone with one page without a migrate callback in every
 * pageblock: no pageblock can be emptied.  Expect the order-9 request to
 * fail (quietly with __GFP_NOWARN), compact_fail counted, no order-9 block
 * made, every movable page still where its owner thinks.
 */
static void compaction_fails_with_unmovable_in_every_block(void **state)
{
	struct px x;
	struct owner o = { 0 };
	unsigned long pfn, pinned = 0;

	px_new(&x, 0);
	fragment_zone(&x, &o, true);
	for (unsigned long i = 0; i < 20000 && o.pfn[19999 - i]; i++)
		pinned++;
	assert_true(pinned >= 30);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL | __GFP_NOWARN, 9, &pfn), -KMM_ENOMEM);
	assert_int_equal(x.t->nr_lines, 0);
	assert_true(ev(&x, KMM_COMPACTFAIL) >= 1);
	assert_int_equal(ev(&x, KMM_COMPACTSUCCESS), 0);
	for (unsigned int order = 9; order < KMM_MAX_ORDER; order++)
		assert_int_equal(x.z->free_area[order].nr_free, 0);
	owner_check(&x, &o);
	pinned_release(&x, &o, pinned);
	owner_release(&x, &o);
	px_free(&x);
}

/* Deferral: failures push the next tries back (1, 2, 4 ... 64), a success resets it. */
static void compaction_deferral_counts(void **state)
{
	struct px x;

	px_new(&x, 0);
	assert_false(kmm_compaction_deferred(x.m, x.z, 9));
	kmm_defer_compaction(x.m, x.z, 9);
	assert_true(kmm_compaction_deferred(x.m, x.z, 9));
	assert_false(kmm_compaction_deferred(x.m, x.z, 9)); /* 2 considered = 1 << 1 */
	assert_false(kmm_compaction_deferred(x.m, x.z, 3)); /* smaller orders are not deferred */
	for (int i = 0; i < 10; i++)
		kmm_defer_compaction(x.m, x.z, 9);
	for (int i = 0; i < 63; i++)
		assert_true(kmm_compaction_deferred(x.m, x.z, 9));
	assert_false(kmm_compaction_deferred(x.m, x.z, 9));
	kmm_compaction_defer_reset(x.m, x.z, 9, true);
	assert_false(kmm_compaction_deferred(x.m, x.z, 10));
	px_free(&x);
}

/* kmm_set_page_movable & co. refuse what is not an allocated order-0 page. */
static void movable_page_errors(void **state)
{
	struct px x;
	unsigned long pfn, pfn2, new;

	px_new(&x, 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 2, &pfn), 0);
	assert_int_equal(kmm_set_page_movable(x.m, pfn, &owner_ops, NULL), -KMM_EINVAL);
	assert_int_equal(kmm___free_pages(x.m, pfn, 2), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(kmm_set_page_movable(x.m, pfn, &owner_ops, NULL), -KMM_EINVAL); /* free */
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(kmm_set_page_movable(x.m, pfn, NULL, NULL), -KMM_EINVAL);
	assert_int_equal(kmm_clear_page_movable(x.m, pfn), -KMM_EINVAL);
	assert_int_equal(kmm_migrate_page(x.m, pfn, GFP_KERNEL, &new), -KMM_EINVAL);
	assert_int_equal(kmm_set_page_movable(x.m, PFN(8 * SZ_1M), &owner_ops, NULL), -KMM_EINVAL);
	/* an owner that refuses keeps its page where it is */
	{
		struct owner o = { calloc(1, sizeof(unsigned long)), 0, 0, true };

		owner_take(&x, &o, pfn);
		assert_int_equal(kmm_migrate_page(x.m, pfn, GFP_KERNEL, &new), -KMM_EBUSY);
		assert_int_equal(o.pfn[0], pfn);
		assert_int_equal(ev(&x, KMM_PGMIGRATE_FAIL), 1);
		o.refuse = false;
		assert_int_equal(kmm_migrate_page(x.m, pfn, GFP_KERNEL, &new), 0);
		assert_int_equal(o.pfn[0], new);
		assert_false(kmm_page_movable(x.m, pfn));
		owner_check(&x, &o);
		assert_int_equal(kmm_clear_page_movable(x.m, new), 0);
		assert_false(kmm_page_movable(x.m, new));
		pfn2 = new;
		free(o.pfn);
	}
	assert_int_equal(kmm___free_pages(x.m, pfn2, 0), 0);
	px_free(&x);
}

/* ------------------------------------------------------------------ contiguous ranges */

/*
 * The fragmented zone; take pageblock 8 of the zone whole:
 *
 *   |pb0|pb1| ... |pb8: every other page a movable page| ... |pb31|
 *
 * Expect alloc_contig_range to migrate the movable pages out and return
 * the 512 pages allocated (refcount 1 each), the pageblock MOVABLE again;
 * free_contig_range gives them back.  Then a page of pageblock 9 without
 * a migrate callback: expect -KMM_EBUSY, nothing isolated or lost.
 */
static void alloc_contig_range_success_and_busy(void **state)
{
	struct px x;
	struct owner o = { 0 };
	unsigned long start, free_before, pinned;

	px_new(&x, 0);
	fragment_zone(&x, &o, false);
	/* room for the migration targets: give back the top pageblocks' pages */
	start = x.z->zone_start_pfn + 8 * PB;
	free_before = kmm_nr_free_pages(x.m);
	assert_int_equal(kmm_alloc_contig_range(x.m, start, start + PB, KMM_MIGRATE_MOVABLE,
						GFP_KERNEL),
			 0);
	for (unsigned long p = start; p < start + PB; p++) {
		assert_int_equal(kmm_pfn_to_page(x.m, p)->refcount, 1);
		assert_false(kmm_page_movable(x.m, p));
	}
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, start), KMM_MIGRATE_MOVABLE);
	assert_int_equal(ev(&x, KMM_PGMIGRATE_SUCCESS), PB / 2);
	owner_check(&x, &o);
	for (unsigned long i = 0; i < o.n; i++)
		assert_true(o.pfn[i] < start || o.pfn[i] >= start + PB);
	kmm_drain_all_pages(x.m, NULL);
	/* the range's 256 free pages and 256 migration targets are gone from the free pages */
	assert_int_equal(kmm_nr_free_pages(x.m), free_before - PB);
	assert_true(kmm_page_alloc_validate(x.m));
	assert_int_equal(kmm_free_contig_range(x.m, start, PB), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(kmm_nr_free_pages(x.m), free_before);

	/* busy: pageblock 9 holds a page without a migrate callback */
	start += PB;
	for (pinned = 0; pinned < o.n; pinned++)
		if (o.pfn[pinned] >= start && o.pfn[pinned] < start + PB)
			break;
	assert_true(pinned < o.n);
	assert_int_equal(kmm_clear_page_movable(x.m, o.pfn[pinned]), 0);
	kmm_test_env_clear_log(x.t);
	free_before = kmm_nr_free_pages(x.m);
	assert_int_equal(kmm_alloc_contig_range(x.m, start, start + PB, KMM_MIGRATE_MOVABLE,
						GFP_KERNEL),
			 -KMM_EBUSY);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, start), KMM_MIGRATE_MOVABLE);
	assert_int_equal(kmm_nr_free_pages(x.m), free_before);
	assert_true(kmm_page_alloc_validate(x.m));
	/* isolating it directly says the same; the bad ranges say EINVAL */
	assert_int_equal(kmm_start_isolate_page_range(x.m, start, start + PB, KMM_MIGRATE_MOVABLE),
			 -KMM_EBUSY);
	assert_int_equal(kmm_alloc_contig_range(x.m, start, start, KMM_MIGRATE_MOVABLE, GFP_KERNEL),
			 -KMM_EINVAL);
	assert_int_equal(kmm_alloc_contig_range(x.m, PFN(8 * SZ_1M), start, KMM_MIGRATE_MOVABLE,
						GFP_KERNEL),
			 -KMM_EINVAL);
	assert_int_equal(kmm_alloc_contig_range(x.m, start, start + PB, KMM_MIGRATE_CMA, GFP_KERNEL),
			 -KMM_EINVAL); /* no CONFIG_CMA here */
	assert_int_equal(kmm_alloc_contig_range(x.m, start, start + PB, KMM_MIGRATE_UNMOVABLE,
						GFP_KERNEL),
			 -KMM_EINVAL);
	assert_int_equal(kmm_test_pages_isolated(x.m, start, start + PB), -KMM_EBUSY);
	/* an isolated pageblock cannot be isolated twice */
	{
		unsigned long s2 = x.z->zone_start_pfn + 20 * PB;

		assert_int_equal(kmm_start_isolate_page_range(x.m, s2, s2 + PB, KMM_MIGRATE_MOVABLE), 0);
		assert_int_equal(kmm_get_pageblock_migratetype(x.m, s2), KMM_MIGRATE_ISOLATE);
		assert_true(kmm_nr_free_pages(x.m) < free_before);
		assert_int_equal(kmm_start_isolate_page_range(x.m, s2, s2 + 1, KMM_MIGRATE_MOVABLE),
				 -KMM_EBUSY);
		assert_true(kmm_page_alloc_validate(x.m));
		kmm_undo_isolate_page_range(x.m, s2, s2 + PB, KMM_MIGRATE_MOVABLE);
		assert_int_equal(kmm_nr_free_pages(x.m), free_before);
	}
	owner_release(&x, &o);
	px_free(&x);
}

/* ------------------------------------------------------------------ CMA */

/*
 * A 4 MiB CMA area (1024 pages, 2 pageblocks) at 32M, first filled by
 * movable pages (movable allocations may use CMA).  Expect cma_alloc of
 * 100 pages aligned to 16 to migrate them out and succeed inside the area,
 * a second one to follow it, cma_release to give them back, and the
 * failures: too large (-ENOMEM with Linux's two lines), a bad index, a
 * count of 0, a release outside the area or twice (-EINVAL).
 */
static void cma_alloc_and_release(void **state)
{
	struct px x;
	struct owner o = { calloc(20000, sizeof(unsigned long)), 0, 0, false };
	unsigned long base = PFN(32 * SZ_1M), pfn, pfn2, pfn3, in_cma = 0, cma_free;


	px_new(&x, 1024);
	assert_int_equal(kmm_get_pageblock_migratetype(x.m, base), KMM_MIGRATE_CMA);
	while (x.z->vm_free_cma_pages > 0 &&
	       kmm_alloc_pages(x.m, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, &pfn) == 0)
		owner_take(&x, &o, pfn);
	/* keep only the pages inside the area: the rest of the zone is room to migrate to */
	for (unsigned long i = 0; i < o.n; i++) {
		if (o.pfn[i] >= base && o.pfn[i] < base + 1024) {
			unsigned long *va = kmm_pfn_to_virt(x.m, o.pfn[i]);

			va[0] = in_cma;
			o.pfn[in_cma++] = o.pfn[i];
		} else {
			assert_int_equal(kmm___free_pages(x.m, o.pfn[i], 0), 0);
		}
	}
	o.n = in_cma;
	assert_true(in_cma > 512);
	kmm_drain_all_pages(x.m, NULL);
	kmm_test_env_clear_log(x.t);
	assert_int_equal(kmm_cma_alloc(x.m, 0, 100, 4, false, &pfn), 0);
	assert_int_equal(x.t->nr_lines, 0);
	assert_int_equal(pfn, base); /* the first free stretch; base is 16-page aligned */
	for (unsigned long p = pfn; p < pfn + 100; p++)
		assert_int_equal(kmm_pfn_to_page(x.m, p)->refcount, 1);
	assert_true(ev(&x, KMM_PGMIGRATE_SUCCESS) > 0);
	owner_check(&x, &o);
	assert_int_equal(kmm_cma_allocated(x.m, 0), 100);
	assert_int_equal(kmm_cma_alloc(x.m, 0, 10, 0, false, &pfn2), 0);
	assert_int_equal(pfn2, pfn + 100);
	assert_int_equal(vmstat(&x, "cma_alloc_success"), 2);
	assert_true(kmm_page_alloc_validate(x.m));

	/* failures */
	assert_int_equal(kmm_cma_alloc(x.m, 0, 1000, 0, false, &pfn3), -KMM_ENOMEM);
	assert_true(has_line(&x, "cma_alloc: reserved: alloc failed, req-size: 1000 pages, ret: -12"));
	assert_true(has_line(&x, "number of available pages: 914@110=> 914 free of 1024 total pages"));
	assert_int_equal(ev(&x, KMM_CMA_ALLOC_FAIL), 1);
	assert_int_equal(kmm_cma_alloc(x.m, 1, 10, 0, false, &pfn3), -KMM_EINVAL);
	assert_int_equal(kmm_cma_alloc(x.m, 0, 0, 0, false, &pfn3), -KMM_EINVAL);
	assert_int_equal(kmm_cma_release(x.m, 0, base - 1, 2), -KMM_EINVAL);
	assert_int_equal(kmm_cma_release(x.m, 0, base + 1000, 100), -KMM_EINVAL);

	kmm_drain_all_pages(x.m, NULL);
	cma_free = x.z->vm_free_cma_pages;
	assert_int_equal(kmm_cma_release(x.m, 0, pfn, 100), 0);
	assert_int_equal(kmm_cma_release(x.m, 0, pfn, 100), -KMM_EINVAL);
	assert_int_equal(kmm_cma_release(x.m, 0, pfn2, 10), 0);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(x.z->vm_free_cma_pages, cma_free + 110);
	assert_int_equal(kmm_cma_allocated(x.m, 0), 0);
	owner_release(&x, &o);
	px_free(&x);
}

/* Without CONFIG_CMA (x86_64) there is nothing to allocate from. */
static void cma_needs_config_cma(void **state)
{
	struct px x;
	unsigned long pfn;

	px_new(&x, 0);
	assert_int_equal(kmm_cma_alloc(x.m, 0, 1, 0, false, &pfn), -KMM_ENOTSUP);
	assert_int_equal(kmm_cma_release(x.m, 0, 0, 1), -KMM_EINVAL);
	assert_int_equal(kmm_cma_area_init_bitmap(x.m, 0), -KMM_ENOTSUP);
	px_free(&x);
}

/* ------------------------------------------------------------------ counters */

/*
 * pgalloc_<zone> counts pages at allocation, pgfree at free (whatever the
 * order); /proc/vmstat has x86_64's 173 lines in Linux's order with
 * nr_free_pages, pgalloc_dma32 and pgfree current, and the dirty
 * thresholds derived from the free pages.
 */
static void counters_and_vmstat_text(void **state)
{
	struct px x;
	unsigned long pfn, pfn2, v;
	char *text = malloc(16384);
	size_t len;
	unsigned int lines = 0;

	px_new(&x, 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 3, &pfn), 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn2), 0);
	assert_int_equal(kmm_vm_pgalloc_count(x.m, 1), 9);
	assert_int_equal(kmm_vm_pgalloc_count(x.m, 2), 0);
	assert_int_equal(kmm___free_pages(x.m, pfn, 3), 0);
	assert_int_equal(ev(&x, KMM_PGFREE), 8);
	assert_int_equal(kmm___free_pages(x.m, pfn2, 0), 0);
	assert_int_equal(ev(&x, KMM_PGFREE), 9);
	assert_int_equal(ev(&x, KMM_NUMA_HIT), 2);
	assert_int_equal(ev(&x, KMM_NUMA_LOCAL), 2);
	len = kmm_vmstat_format(x.m, text, 16384);
	assert_true(len < 16384);
	assert_int_equal(strlen(text), len);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 173);
	assert_true(strncmp(text, "nr_free_pages ", 14) == 0);
	assert_non_null(strstr(text, "\npgalloc_dma 0\npgalloc_dma32 9\npgalloc_normal 0\n"
				     "pgalloc_movable 0\npgalloc_device 0\nallocstall_dma 0\n"));
	assert_non_null(strstr(text, "\npgfree 9\n"));
	assert_non_null(strstr(text, "\nnuma_hit 2\n"));
	assert_non_null(strstr(text, "\ndirect_map_level3_splits 0\nnr_unstable 0\n"));
	assert_null(strstr(text, "cma_alloc_success"));
	assert_int_equal(vmstat(&x, "nr_free_pages"), kmm_nr_free_pages(x.m));
	v = vmstat(&x, "nr_dirty_threshold");
	assert_int_equal(v, (unsigned long)((20UL * 4096 / 100) *
					    (kmm_nr_free_pages(x.m) - x.m->wmark.totalreserve_pages + 1) / 4096));
	assert_int_equal(vmstat(&x, "nr_dirty_background_threshold"),
			 (unsigned long)((10UL * 4096 / 100) *
					 (kmm_nr_free_pages(x.m) - x.m->wmark.totalreserve_pages + 1) / 4096));
	assert_int_equal(kmm_vmstat_item(x.m, "pgalloc_high", &v), -KMM_ENOENT);
	assert_int_equal(kmm_vmstat_item(x.m, "no_such_line", &v), -KMM_ENOENT);
	/* a short buffer: cut, terminated, full length returned */
	assert_int_equal(kmm_vmstat_format(x.m, text, 10), len);
	assert_int_equal(strlen(text), 9);
	free(text);
	px_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shrinker_proportion_rule),
		cmocka_unit_test(shrinker_registration_errors),
		cmocka_unit_test(reclaim_makes_failing_allocation_succeed),
		cmocka_unit_test(kswapd_runs_where_it_may_sleep),
		cmocka_unit_test(nofail_uses_reserves_and_never_fails_silently),
		cmocka_unit_test(gfp_flags_print_as_linux),
		cmocka_unit_test(compaction_makes_order9_block),
		cmocka_unit_test(compaction_fails_with_unmovable_in_every_block),
		cmocka_unit_test(compaction_deferral_counts),
		cmocka_unit_test(movable_page_errors),
		cmocka_unit_test(alloc_contig_range_success_and_busy),
		cmocka_unit_test(cma_alloc_and_release),
		cmocka_unit_test(cma_needs_config_cma),
		cmocka_unit_test(counters_and_vmstat_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
