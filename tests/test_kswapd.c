// SPDX-License-Identifier: MIT
/*
 * test_kswapd.c - kswapd as a host thread (src/port/hosted/kswapd.c and the
 * threaded model of src/core/vmscan.c): the wake-up goes to the node's
 * thread, which reclaims through the shrinkers until the zone is above its
 * high watermark and takes back the boost; failures stop it until a direct
 * reclaim frees pages again; allocating threads never run its work; start
 * and stop, their errors, and allocators on two CPUs while it runs.
 *
 * The machine is x86_64 built by hand, three CPUs on node 0 (kswapd binds
 * to CPU 2, the allocating threads use CPUs 0 and 1), one DMA32 zone:
 *
 *   16M                                                         80M
 *   |  16384 pages = 32 pageblocks of 512               |NODE_DATA|
 *
 * Memory pressure comes from a cache of whole pages that registers a
 * shrinker; it is filled with requests that never reclaim and never wake
 * kswapd (no __GFP_KSWAPD_RECLAIM) until the zone is at its min watermark.
 * The fill steals pageblocks from other migrate types, so the zone ends
 * boosted (one pageblock, 512 pages: with min 251, low 313, high 375 it
 * stops near 456 free, below low + boost).
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
#include <kmm/hosted_kswapd.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>
#include <kmm/vmscan.h>
#include <kmm/vmstat.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#define SZ_1M 0x100000ULL
#define ZONE_BASE (16 * SZ_1M)
#define ZONE_SIZE (64 * SZ_1M)
#define NR_CPUS 3
#define KSWAPD_CPU 2	       /* the highest-numbered CPU of node 0 */
#define WAIT_MS 10000	       /* the longest a test waits for kswapd to go idle */
#define NO_WAKE (__GFP_NOWARN) /* neither reclaims nor wakes kswapd: fills to the min watermark */

struct kx {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	struct kmm_zone *z;
	int zi;
	char err[256];
};

/* the machine up to the zonelists; kx_finish does the rest */
static void kx_begin(struct kx *x)
{
	static const struct kmm_test_ram ram[] = { { ZONE_BASE, ZONE_SIZE, 0 } };

	x->t = kmm_test_env_new(ZONE_BASE + ZONE_SIZE + 64 * SZ_1M);
	kmm_hosted_cpu_fill_env(&x->t->env);
	x->m = kmm_test_small_machine(x->t, ram, 1, NR_CPUS, false);
	kmm_test_small_machine_zones(x->m);
	x->zi = kmm_zone_layout_index(&x->m->zone_layout, KMM_ZONE_DMA32);
	x->z = &x->m->node[0].zones[x->zi];
}

static void kx_finish(struct kx *x)
{
	assert_int_equal(kmm_build_all_zonelists(x->m, x->err, sizeof(x->err)), 0);
	kmm_memmap_init(x->m);
	kmm_memblock_free_all(x->m);
	assert_int_equal(kmm_init_per_zone_wmark_min(x->m, x->err, sizeof(x->err)), 0);
	assert_true(kmm_page_alloc_validate(x->m));
	kmm_test_env_clear_log(x->t);
	assert_int_equal(kmm_set_this_cpu(x->m, 0), 0);
}

static void kx_new(struct kx *x)
{
	kx_begin(x);
	kx_finish(x);
}

static void kx_free(struct kx *x)
{
	assert_false(kmm_hosted_kswapd_running(x->m));
	assert_true(kmm_page_alloc_validate(x->m));
	assert_int_equal(x->t->nr_bugs, 0);
	free(x->m);
	kmm_test_env_free(x->t);
}

static unsigned long ev(struct kx *x, enum kmm_vm_event e)
{
	return kmm_vm_event_count(x->m, e);
}

static unsigned long high_wmark(struct kx *x)
{
	return x->z->watermark[KMM_WMARK_HIGH];
}

static unsigned long boost(struct kx *x)
{
	return __atomic_load_n(&x->z->watermark_boost, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ a cache with a shrinker */

/*
 * A cache of order-0 pages, safe to use from several threads.  scan frees
 * up to nr_to_scan of them (newest first).  With @frees_nothing it counts
 * 1000 objects and claims to free what it is asked, but frees no page: the
 * reclaim sees no progress.  Every scan records where it ran.
 */
struct cache {
	struct kmm_shrinker s;
	pthread_mutex_t lock;
	unsigned long *pfns, n, cap;
	bool frees_nothing;
	unsigned long calls;	      /* scan calls */
	unsigned long off_kswapd_cpu; /* scans that did not run on KSWAPD_CPU */
	unsigned long not_in_reclaim; /* scans during which kmm_in_reclaim() was false */
	unsigned long on_main;	      /* scans that ran on the test's main thread */
	unsigned long errors;	      /* frees kmm refused (checked on the main thread) */
	pthread_t main;
};

static unsigned long cache_count(struct kmm_machine *m, struct kmm_shrinker *s,
				 struct kmm_shrink_control *sc)
{
	struct cache *c = s->priv;
	unsigned long n;

	if (c->frees_nothing)
		return 1000;
	pthread_mutex_lock(&c->lock);
	n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

static unsigned long cache_scan(struct kmm_machine *m, struct kmm_shrinker *s,
				struct kmm_shrink_control *sc)
{
	struct cache *c = s->priv;
	unsigned long freed = 0;

	pthread_mutex_lock(&c->lock);
	c->calls++;
	c->off_kswapd_cpu += kmm_this_cpu(m) != KSWAPD_CPU;
	c->not_in_reclaim += !kmm_in_reclaim(m);
	c->on_main += pthread_equal(pthread_self(), c->main) != 0;
	if (c->frees_nothing) {
		pthread_mutex_unlock(&c->lock);
		return sc->nr_to_scan;
	}
	while (freed < sc->nr_to_scan && c->n) {
		c->errors += kmm___free_pages(m, c->pfns[--c->n], 0) != 0;
		freed++;
	}
	pthread_mutex_unlock(&c->lock);
	return freed;
}

static void cache_init(struct cache *c, unsigned long cap, bool frees_nothing)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(pthread_mutex_init(&c->lock, NULL), 0);
	c->s.count_objects = cache_count;
	c->s.scan_objects = cache_scan;
	c->s.seeks = KMM_DEFAULT_SEEKS;
	c->s.priv = c;
	c->frees_nothing = frees_nothing;
	c->cap = cap;
	c->pfns = calloc(cap, sizeof(*c->pfns));
	c->main = pthread_self();
	assert_non_null(c->pfns);
}

static bool cache_push(struct cache *c, unsigned long pfn)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = c->n < c->cap;
	if (ok)
		c->pfns[c->n++] = pfn;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* give one page of the cache back (as its user would); false when empty */
static bool cache_pop_free(struct kmm_machine *m, struct cache *c)
{
	unsigned long pfn = KMM_PFN_NONE;

	pthread_mutex_lock(&c->lock);
	if (c->n)
		pfn = c->pfns[--c->n];
	pthread_mutex_unlock(&c->lock);
	if (pfn == KMM_PFN_NONE)
		return false;
	if (kmm___free_pages(m, pfn, 0)) {
		pthread_mutex_lock(&c->lock);
		c->errors++;
		pthread_mutex_unlock(&c->lock);
	}
	return true;
}

/*
 * Fill the cache with NO_WAKE pages until the zone is at its min watermark,
 * again after each drain of the per-CPU lists, until nothing more comes.
 * No kswapd wake-up is recorded (the flags do not ask for it).
 */
static void cache_fill(struct kx *x, struct cache *c)
{
	unsigned long pfn, got;

	do {
		got = 0;
		while (kmm_alloc_pages(x->m, NO_WAKE, 0, &pfn) == 0) {
			assert_true(cache_push(c, pfn));
			got++;
		}
		kmm_drain_all_pages(x->m, NULL);
	} while (got);
	assert_true(kmm_zone_free_pages(x->z) < kmm_wmark_pages(x->z, KMM_WMARK_LOW));
	assert_false(kmm_kswapd_pending(x->m));
}

static void cache_empty(struct kx *x, struct cache *c)
{
	while (cache_pop_free(x->m, c))
		;
	assert_int_equal(c->errors, 0);
	free(c->pfns);
	pthread_mutex_destroy(&c->lock);
}

/* a GFP_NOWAIT request: wakes kswapd, never reclaims itself; keeps the page it may get */
static void nowait_alloc(struct kx *x, struct cache *keep)
{
	unsigned long pfn;

	if (kmm_alloc_pages(x->m, GFP_NOWAIT | __GFP_NOWARN, 0, &pfn) == 0)
		assert_true(cache_push(keep, pfn));
}

/* ------------------------------------------------------------------ reclaim by the thread */

/*
 * The zone below its low watermark, a shrinker holding ~14000 pages, a
 * kswapd thread sleeping on CPU 2.  A GFP_NOWAIT request (CPU 0) wakes it.
 * Expect: nothing reclaimed before the wake-up; after it, the thread (and
 * only it: every scan on CPU 2, in reclaim, not on the main thread) brings
 * the zone above its high watermark; the boost the fill's fallbacks took
 * is gone; pgsteal_kswapd and pageoutrun counted, no direct reclaim.
 */
static void kswapd_thread_reclaims_above_high(void **state)
{
	struct kx x;
	struct cache c, keep;
	unsigned long runs, wakes;

	kx_new(&x);
	cache_init(&c, 20000, false);
	cache_init(&keep, 16, false);
	cache_fill(&x, &c);
	assert_true(boost(&x) > 0);
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	runs = ev(&x, KMM_PAGEOUTRUN);
	wakes = ev(&x, KMM_KSWAPD_WAKE);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	assert_true(kmm_hosted_kswapd_running(x.m));
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(c.calls, 0);
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs);

	nowait_alloc(&x, &keep);
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_true(kmm_zone_free_pages(x.z) > high_wmark(&x));
	assert_int_equal(boost(&x), 0);
	assert_true(c.calls > 0);
	assert_int_equal(c.off_kswapd_cpu, 0);
	assert_int_equal(c.not_in_reclaim, 0);
	assert_int_equal(c.on_main, 0);
	assert_true(ev(&x, KMM_PAGEOUTRUN) > runs);
	assert_true(ev(&x, KMM_KSWAPD_WAKE) > wakes);
	assert_true(ev(&x, KMM_PGSTEAL_KSWAPD) > 0);
	assert_true(ev(&x, KMM_PGSCAN_KSWAPD) >= ev(&x, KMM_PGSTEAL_KSWAPD));
	assert_int_equal(ev(&x, KMM_PGSTEAL_DIRECT), 0);
	assert_int_equal(kmm_vm_allocstall_count(x.m, (unsigned int)x.zi), 0);
	assert_int_equal(kmm_kswapd_failures(x.m, 0), 0);
	assert_false(kmm_in_reclaim(x.m));

	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	assert_false(kmm_hosted_kswapd_running(x.m));
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	cache_empty(&x, &keep);
	kx_free(&x);
}

/*
 * A boosted zone that is above its high watermark but below high + boost:
 * a wake-up (kmm_wakeup_kswapd, as rmqueue makes after a fallback boosted
 * the zone) runs exactly one pass on the thread, which reclaims and then
 * takes the whole boost back.  Expect boost 0, pages reclaimed, one
 * pageoutrun, and a second wake-up with the zone balanced and unboosted
 * doing nothing.
 */
static void kswapd_thread_takes_back_the_boost(void **state)
{
	struct kx x;
	struct cache c;
	unsigned long runs, steal, free_before;

	kx_new(&x);
	cache_init(&c, 20000, false);
	cache_fill(&x, &c);
	/* give pages back until the zone is 64 pages above its high watermark */
	while (kmm_zone_free_pages(x.z) < high_wmark(&x) + 64) {
		assert_true(cache_pop_free(x.m, &c));
		kmm_drain_all_pages(x.m, NULL);
	}
	__atomic_store_n(&x.z->watermark_boost, 512UL, __ATOMIC_RELAXED);
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	runs = ev(&x, KMM_PAGEOUTRUN);
	steal = ev(&x, KMM_PGSTEAL_KSWAPD);
	free_before = kmm_zone_free_pages(x.z);

	kmm_wakeup_kswapd(x.m, 0, 0, x.zi);
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(boost(&x), 0);
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);
	assert_true(ev(&x, KMM_PGSTEAL_KSWAPD) > steal);
	assert_true(kmm_zone_free_pages(x.z) > free_before);
	assert_int_equal(c.off_kswapd_cpu, 0);

	kmm_wakeup_kswapd(x.m, 0, 0, x.zi);
	assert_false(kmm_kswapd_pending(x.m));
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);

	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	kx_free(&x);
}

/*
 * A shrinker that frees nothing: each pass fails, the thread keeps trying
 * while the node is unbalanced, and stops after KMM_MAX_RECLAIM_RETRIES
 * (16) passes in a row.  Expect failures 16, exactly 16 passes, nothing
 * stolen; a further wake-up ignored (the node is hopeless); then a direct
 * reclaim (GFP_KERNEL on CPU 0) that frees pages resets the count and
 * kswapd works again.
 */
static void kswapd_thread_counts_failures(void **state)
{
	struct kx x;
	struct cache held, stuck, keep;
	unsigned long runs, pfn;

	kx_new(&x);
	cache_init(&held, 20000, false);
	cache_init(&stuck, 1, true);
	cache_init(&keep, 16, false);
	/* below the high watermark without a boost: a pass cannot balance the node by taking it back */
	cache_fill(&x, &held);
	__atomic_store_n(&x.z->watermark_boost, 0UL, __ATOMIC_RELAXED);
	cache_fill(&x, &held);
	assert_int_equal(kmm_register_shrinker(x.m, &stuck.s), 0);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	runs = ev(&x, KMM_PAGEOUTRUN);

	nowait_alloc(&x, &keep);
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(kmm_kswapd_failures(x.m, 0), KMM_MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + KMM_MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(&x, KMM_PGSTEAL_KSWAPD), 0);
	assert_true(stuck.calls > 0);
	assert_int_equal(stuck.off_kswapd_cpu, 0);

	nowait_alloc(&x, &keep);
	assert_false(kmm_kswapd_pending(x.m));
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + KMM_MAX_RECLAIM_RETRIES);

	/* the pages become reclaimable: direct reclaim on CPU 0 frees some */
	assert_int_equal(kmm_register_shrinker(x.m, &held.s), 0);
	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_true(cache_push(&keep, pfn));
	assert_true(ev(&x, KMM_PGSTEAL_DIRECT) > 0);
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_true(held.on_main > 0);
	assert_int_equal(kmm_kswapd_failures(x.m, 0), 0);

	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &stuck.s), 0);
	assert_int_equal(kmm_unregister_shrinker(x.m, &held.s), 0);
	cache_empty(&x, &held);
	cache_empty(&x, &stuck);
	cache_empty(&x, &keep);
	kx_free(&x);
}

/* ------------------------------------------------------------------ the hook contract */

struct hook_log {
	unsigned int calls;
	int last_nid;
};

static void counting_hook(void *cookie, int nid)
{
	struct hook_log *h = cookie;

	h->calls++;
	h->last_nid = nid;
}

/*
 * The core side of the threaded model, with a hook that only counts (no
 * thread, so nothing races): the zone between its min and low watermarks,
 * unboosted.  A GFP_KERNEL request (it may sleep, so in the synchronous
 * model it would run the pass itself) succeeds at the min watermark; its
 * wake-up calls the hook once for node 0 and the work stays pending, the
 * shrinker untouched.  A second wake-up with the work still pending does
 * not call the hook.  kmm_kswapd_run_node() then runs the pass on the
 * calling thread; once the node is balanced it asks for no more (hook not
 * called, nothing pending) and a further call finds nothing to do.
 */
static void wake_hook_gets_the_work_and_allocators_leave_it(void **state)
{
	struct kx x;
	struct cache c, keep;
	struct hook_log log = { 0, -1 };
	unsigned long pfn, runs;

	kx_new(&x);
	cache_init(&c, 20000, false);
	cache_init(&keep, 16, false);
	cache_fill(&x, &c);
	__atomic_store_n(&x.z->watermark_boost, 0UL, __ATOMIC_RELAXED);
	cache_fill(&x, &c);
	while (kmm_zone_free_pages(x.z) < x.z->watermark[KMM_WMARK_MIN] + 30) {
		assert_true(cache_pop_free(x.m, &c));
		kmm_drain_all_pages(x.m, NULL);
	}
	assert_true(kmm_zone_free_pages(x.z) < x.z->watermark[KMM_WMARK_LOW]);
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	x.m->env.wake_kswapd = counting_hook;
	x.m->env.kswapd_cookie = &log;
	runs = ev(&x, KMM_PAGEOUTRUN);

	assert_int_equal(kmm_alloc_pages(x.m, GFP_KERNEL, 0, &pfn), 0);
	assert_true(cache_push(&keep, pfn));
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.last_nid, 0);
	assert_true(kmm_kswapd_pending(x.m));
	assert_false(kmm_kswapd_idle(x.m));
	assert_int_equal(c.calls, 0);
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs);

	nowait_alloc(&x, &keep);
	assert_int_equal(log.calls, 1);

	assert_int_equal(kmm_kswapd_run_node(x.m, -1), 0);
	assert_int_equal(kmm_kswapd_run_node(x.m, KMM_MAX_NUMNODES), 0);
	assert_int_equal(kmm_kswapd_run_node(x.m, 1), 0); /* offline */
	assert_true(kmm_kswapd_pending(x.m));
	assert_true(kmm_kswapd_run_node(x.m, 0) > 0);
	assert_true(c.calls > 0);
	assert_true(kmm_zone_free_pages(x.z) > high_wmark(&x));
	assert_int_equal(log.calls, 1);
	assert_false(kmm_kswapd_pending(x.m));
	assert_true(kmm_kswapd_idle(x.m));
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);
	assert_int_equal(kmm_kswapd_run_node(x.m, 0), 0);
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);
	assert_int_equal(ev(&x, KMM_PGSTEAL_DIRECT), 0);

	x.m->env.wake_kswapd = NULL;
	x.m->env.kswapd_cookie = NULL;
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	cache_empty(&x, &keep);
	kx_free(&x);
}

/* ------------------------------------------------------------------ lifecycle */

/*
 * Work a GFP_NOWAIT wake-up recorded in the synchronous model (no thread
 * yet) goes to the thread when it starts.  After stop the machine is
 * synchronous again: a GFP_NOWAIT wake-up leaves the work pending until
 * kmm_kswapd_run().
 */
static void kswapd_start_takes_pending_work_and_stop_restores_sync(void **state)
{
	struct kx x;
	struct cache c, keep;
	unsigned long runs;

	kx_new(&x);
	cache_init(&c, 20000, false);
	cache_init(&keep, 16, false);
	cache_fill(&x, &c);
	nowait_alloc(&x, &keep);
	assert_true(kmm_kswapd_pending(x.m));
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	runs = ev(&x, KMM_PAGEOUTRUN);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_true(ev(&x, KMM_PAGEOUTRUN) > runs);
	assert_true(kmm_zone_free_pages(x.z) > high_wmark(&x));
	assert_int_equal(c.off_kswapd_cpu, 0);
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	assert_null(x.m->env.wake_kswapd);
	assert_null(x.m->env.kswapd_cookie);

	/* synchronous again: take the zone below low, the work waits */
	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_fill(&x, &c);
	nowait_alloc(&x, &keep);
	assert_true(kmm_kswapd_pending(x.m));
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	runs = ev(&x, KMM_PAGEOUTRUN);
	assert_true(kmm_kswapd_run(x.m) > 0);
	assert_false(kmm_kswapd_pending(x.m));
	assert_int_equal(ev(&x, KMM_PAGEOUTRUN), runs + 1);
	assert_true(c.on_main > 0);

	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	cache_empty(&x, &keep);
	kx_free(&x);
}

static void other_hook(void *cookie, int nid)
{
	(void)cookie;
	(void)nid;
}

/*
 * Misuse, each with its exact error and message: no machine; a machine
 * whose page allocator is not set up; an env that cannot bind threads;
 * starting twice; an env with someone else's hook; stopping what was not
 * started; waiting without threads.  A failed start changes nothing.
 */
static void kswapd_start_stop_errors(void **state)
{
	struct kx x;
	unsigned int (*this_cpu)(void *);

	assert_int_equal(kmm_hosted_kswapd_start(NULL, x.err, sizeof(x.err)), -KMM_EINVAL);
	assert_string_equal(x.err, "kswapd: no machine");
	assert_int_equal(kmm_hosted_kswapd_stop(NULL), -KMM_EINVAL);
	assert_false(kmm_hosted_kswapd_running(NULL));
	assert_false(kmm_hosted_kswapd_wait_idle(NULL, 0));

	kx_begin(&x);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), -KMM_EINVAL);
	assert_string_equal(x.err,
			    "kswapd: the page allocator is not set up (zonelists not built)");
	assert_null(x.m->env.wake_kswapd);
	kx_finish(&x);

	this_cpu = x.m->env.this_cpu;
	x.m->env.this_cpu = NULL;
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), -KMM_ENOTSUP);
	assert_string_equal(x.err, "kswapd: the environment cannot bind threads to CPUs "
				   "(no this_cpu/set_this_cpu hooks: kmm_hosted_cpu_fill_env)");
	x.m->env.this_cpu = this_cpu;
	assert_null(x.m->env.wake_kswapd);

	x.m->env.wake_kswapd = other_hook;
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), -KMM_EEXIST);
	assert_string_equal(x.err, "kswapd: the environment has another wake_kswapd hook");
	assert_false(kmm_hosted_kswapd_running(x.m));
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), -KMM_ENOENT);
	x.m->env.wake_kswapd = NULL;

	assert_int_equal(kmm_hosted_kswapd_stop(x.m), -KMM_ENOENT);
	assert_false(kmm_hosted_kswapd_wait_idle(x.m, 0));
	assert_int_equal(kmm_hosted_kswapd_start(x.m, NULL, 0), 0);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), -KMM_EEXIST);
	assert_string_equal(x.err, "kswapd: the kswapd threads run already");
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, 0));
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), -KMM_ENOENT);
	/* and again: a machine may be given threads more than once */
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);
	kx_free(&x);
}

/*
 * A machine whose only node has no managed pages (memory not yet given to
 * the buddy allocator): there is no node for a kswapd.
 */
static void kswapd_start_needs_memory(void **state)
{
	struct kx x;

	kx_begin(&x);
	assert_int_equal(kmm_build_all_zonelists(x.m, x.err, sizeof(x.err)), 0);
	for (unsigned int zi = 0; zi < x.m->zone_layout.nr; zi++)
		x.m->node[0].zones[zi].managed_pages = 0;
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), -KMM_EINVAL);
	assert_string_equal(x.err, "kswapd: no online node has managed pages");
	assert_null(x.m->env.wake_kswapd);
	free(x.m);
	kmm_test_env_free(x.t);
}

/* ------------------------------------------------------------------ concurrency */

#define WORKERS 2
#define WORKER_OPS 10000

struct worker {
	struct kx *x;
	struct cache *c;
	unsigned int cpu;
	unsigned long got, failed, errors;
};

/*
 * A user of the cache: GFP_NOWAIT pages go into it (they never reclaim,
 * so only kswapd makes room), and one in eight steps a page of the cache
 * is given back: together they keep more pages than the zone has.  Two workers on CPUs 0 and 1, kswapd on CPU 2.
 */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned long pfn;

	if (kmm_set_this_cpu(w->x->m, w->cpu)) {
		w->errors++;
		return NULL;
	}
	for (unsigned int i = 0; i < WORKER_OPS; i++) {
		int ret = kmm_alloc_pages(w->x->m, GFP_NOWAIT | __GFP_NOWARN, 0, &pfn);

		if (ret == 0) {
			w->got++;
			if (!cache_push(w->c, pfn) && kmm___free_pages(w->x->m, pfn, 0))
				w->errors++;
		} else if (ret == -KMM_ENOMEM) {
			w->failed++;
		} else {
			w->errors++;
		}
		if (i % 8 == 0)
			cache_pop_free(w->x->m, w->c);
	}
	return NULL;
}

/*
 * Expect: the workers' requests wake kswapd, which reclaims on CPU 2 while
 * they run (pgsteal_kswapd > 0, every scan on CPU 2 in reclaim); the
 * workers never reclaim (no direct reclaim, no allocstall); no errors, no
 * bad pages; stop joins; every page comes back (free pages as before).
 * Run under TSan (label threads).
 */
static void kswapd_thread_with_concurrent_allocators(void **state)
{
	struct kx x;
	struct cache c;
	struct worker w[WORKERS];
	pthread_t th[WORKERS];
	unsigned long free_before, got = 0;

	kx_new(&x);
	kmm_drain_all_pages(x.m, NULL);
	free_before = kmm_zone_free_pages(x.z);
	cache_init(&c, 40000, false);
	assert_int_equal(kmm_register_shrinker(x.m, &c.s), 0);
	assert_int_equal(kmm_hosted_kswapd_start(x.m, x.err, sizeof(x.err)), 0);
	for (unsigned int i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ .x = &x, .c = &c, .cpu = i };
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (unsigned int i = 0; i < WORKERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].errors, 0);
		got += w[i].got;
	}
	assert_true(kmm_hosted_kswapd_wait_idle(x.m, WAIT_MS));
	assert_int_equal(kmm_hosted_kswapd_stop(x.m), 0);

	assert_true(got > free_before); /* more than the zone holds: kswapd made room */
	assert_true(ev(&x, KMM_PAGEOUTRUN) > 0);
	assert_true(ev(&x, KMM_PGSTEAL_KSWAPD) > 0);
	assert_int_equal(c.off_kswapd_cpu, 0);
	assert_int_equal(c.not_in_reclaim, 0);
	assert_int_equal(c.on_main, 0);
	assert_int_equal(ev(&x, KMM_PGSTEAL_DIRECT), 0);
	assert_int_equal(kmm_vm_allocstall_count(x.m, (unsigned int)x.zi), 0);

	assert_int_equal(kmm_unregister_shrinker(x.m, &c.s), 0);
	cache_empty(&x, &c);
	kmm_drain_all_pages(x.m, NULL);
	assert_int_equal(kmm_zone_free_pages(x.z), free_before);
	kx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kswapd_thread_reclaims_above_high),
		cmocka_unit_test(kswapd_thread_takes_back_the_boost),
		cmocka_unit_test(kswapd_thread_counts_failures),
		cmocka_unit_test(wake_hook_gets_the_work_and_allocators_leave_it),
		cmocka_unit_test(kswapd_start_takes_pending_work_and_stop_restores_sync),
		cmocka_unit_test(kswapd_start_stop_errors),
		cmocka_unit_test(kswapd_start_needs_memory),
		cmocka_unit_test(kswapd_thread_with_concurrent_allocators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
