// SPDX-License-Identifier: MIT
/*
 * vmscan.c - reclaim through the registered shrinkers: Linux 6.1's
 * do_shrink_slab() proportion rule, direct reclaim (try_to_free_pages) and
 * kswapd's balance pass (see kmm/vmscan.h for the model and when kswapd
 * runs).
 *
 * Registered shrinkers sit in a fixed table of atomic pointers.  A reclaim
 * pass announces itself in nr_readers before it reads the table and
 * withdraws after its last callback; unregistering clears the slot and
 * waits for nr_readers to reach 0, after which no pass can still hold the
 * pointer (a pass that starts later does not see it).
 *
 * Progress is measured in pages: the calling CPU's pgfree counter before
 * and after the shrinkers ran (Linux's reclaim_state->reclaimed_slab, which
 * the slab allocator bumps as it frees pages on behalf of a shrinker).
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/vmscan.h>
#include <kmm/zonelist.h>

#include "page_alloc_internal.h"

_Static_assert(sizeof(((struct kmm_reclaim *)0)->in_reclaim) / sizeof(u8) == KMM_PCP_MAX_CPUS,
	       "one in_reclaim flag per allocator CPU");

/* ------------------------------------------------------------ registration */

int kmm_register_shrinker(struct kmm_machine *m, struct kmm_shrinker *s)
{
	struct kmm_reclaim *r = &m->page_alloc.reclaim;
	int ret = -KMM_EOVERFLOW;

	if (!s || !s->count_objects || !s->scan_objects || s->seeks < 0 || s->batch < 0)
		return -KMM_EINVAL;
	kmm_spin_lock(&r->lock);
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++)
		if (atomic_load_explicit(&r->shrinkers[i], memory_order_relaxed) == s) {
			kmm_spin_unlock(&r->lock);
			return -KMM_EEXIST;
		}
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++)
		if (!atomic_load_explicit(&r->shrinkers[i], memory_order_relaxed)) {
			atomic_store_explicit(&r->shrinkers[i], s, memory_order_release);
			ret = 0;
			break;
		}
	kmm_spin_unlock(&r->lock);
	return ret;
}

int kmm_unregister_shrinker(struct kmm_machine *m, struct kmm_shrinker *s)
{
	struct kmm_reclaim *r = &m->page_alloc.reclaim;
	bool found = false;

	kmm_spin_lock(&r->lock);
	for (unsigned int i = 0; s && i < KMM_MAX_SHRINKERS; i++)
		if (atomic_load_explicit(&r->shrinkers[i], memory_order_relaxed) == s) {
			atomic_store_explicit(&r->shrinkers[i], NULL, memory_order_release);
			found = true;
		}
	kmm_spin_unlock(&r->lock);
	if (!found)
		return -KMM_ENOENT;
	while (atomic_load_explicit(&r->nr_readers, memory_order_acquire))
		kmm_cpu_relax();
	return 0;
}

/* ------------------------------------------------------------ shrink_slab */

bool kmm_in_reclaim(const struct kmm_machine *m)
{
	return atomic_load_explicit(&m->page_alloc.reclaim.in_reclaim[kmm_this_cpu(m)],
				    memory_order_relaxed) != 0;
}

/*
 * do_shrink_slab(): ask @s for its share.  The scan target grows with the
 * cache and halves with each priority step up; work not done now (because
 * the target is below one batch, or the shrinker stopped) is deferred to
 * the next pass, at most twice the cache.  A cache smaller than a batch is
 * still scanned once the target reaches its whole size (tight memory).
 */
static unsigned long do_shrink_slab(struct kmm_machine *m, struct kmm_shrinker *s,
				    struct kmm_shrink_control *sc, int priority)
{
	long batch = s->batch ? s->batch : KMM_SHRINK_BATCH;
	unsigned long freeable, freed = 0;
	long nr, total_scan, scanned = 0, next;
	u64 delta;

	sc->nr_to_scan = sc->nr_scanned = 0;
	freeable = s->count_objects(m, s, sc);
	if (freeable == 0 || freeable == KMM_SHRINK_EMPTY || freeable > (~0UL >> 2))
		return 0;
	nr = atomic_exchange_explicit(&s->nr_deferred, 0, memory_order_relaxed);
	if (s->seeks)
		delta = ((u64)(freeable >> priority) * 4) / (u64)s->seeks;
	else
		delta = freeable / 2;
	total_scan = (nr >> priority) + (long)delta;
	total_scan = KMM_MIN(total_scan, (long)(2 * freeable));
	while (total_scan >= batch || total_scan >= (long)freeable) {
		unsigned long ret;

		sc->nr_to_scan = (unsigned long)KMM_MIN(batch, total_scan);
		sc->nr_scanned = sc->nr_to_scan;
		ret = s->scan_objects(m, s, sc);
		if (ret == KMM_SHRINK_STOP)
			break;
		freed += ret;
		/* a shrinker that claims to have scanned nothing would loop forever */
		if (!sc->nr_scanned || sc->nr_scanned > sc->nr_to_scan)
			break;
		kmm_count_vm_events(m, KMM_SLABS_SCANNED, sc->nr_scanned);
		total_scan -= (long)sc->nr_scanned;
		scanned += (long)sc->nr_scanned;
	}
	next = KMM_MAX(nr + (long)delta - scanned, 0L);
	next = KMM_MIN(next, (long)(2 * freeable));
	atomic_fetch_add_explicit(&s->nr_deferred, next, memory_order_relaxed);
	return freed;
}

unsigned long kmm_shrink_slab(struct kmm_machine *m, gfp_t gfp, int nid, int priority)
{
	struct kmm_reclaim *r = &m->page_alloc.reclaim;
	unsigned long freed = 0;

	if (priority < 0 || priority > KMM_DEF_PRIORITY)
		return 0;
	atomic_fetch_add_explicit(&r->nr_readers, 1, memory_order_acq_rel);
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++) {
		struct kmm_shrinker *s = atomic_load_explicit(&r->shrinkers[i], memory_order_acquire);
		struct kmm_shrink_control sc = { .gfp_mask = gfp, .nid = nid };

		if (s)
			freed += do_shrink_slab(m, s, &sc, priority);
	}
	atomic_fetch_sub_explicit(&r->nr_readers, 1, memory_order_acq_rel);
	return freed;
}

/*
 * One shrink_slab() pass for node @nid with the CPU marked as in reclaim;
 * returns the pages this CPU freed meanwhile and adds the objects it asked
 * for to *@scanned.
 */
static unsigned long shrink_node(struct kmm_machine *m, gfp_t gfp, int nid, int priority,
				 unsigned long *scanned)
{
	unsigned int cpu = kmm_this_cpu(m);
	_Atomic u8 *flag = &m->page_alloc.reclaim.in_reclaim[cpu];
	unsigned long before = kmm_cpu_pgfree(m, cpu), before_scan;
	unsigned long freed;

	before_scan = kmm_vm_event_count(m, KMM_SLABS_SCANNED);
	atomic_store_explicit(flag, 1, memory_order_relaxed);
	kmm_shrink_slab(m, gfp, nid, priority);
	atomic_store_explicit(flag, 0, memory_order_relaxed);
	*scanned += kmm_vm_event_count(m, KMM_SLABS_SCANNED) - before_scan;
	freed = kmm_cpu_pgfree(m, cpu) - before;
	if (freed)
		atomic_store_explicit(&m->page_alloc.reclaim.kswapd[nid].failures, 0,
				      memory_order_relaxed);
	return freed;
}

/* ------------------------------------------------------------ direct reclaim */

/* the nodes of @nid's zonelist that have a zone at or below @highest, each once, in list order */
static unsigned int zonelist_nodes(struct kmm_machine *m, int nid, int highest, int *nodes)
{
	const struct kmm_zonelist *zl = kmm_node_zonelist(m, nid, KMM_ZONELIST_FALLBACK);
	struct kmm_zone *z;
	unsigned int i, n = 0;

	if (!zl) {
		nodes[0] = nid;
		return 1;
	}
	kmm_for_each_zone_zonelist(m, z, i, zl, highest) {
		bool seen = false;

		for (unsigned int k = 0; k < n; k++)
			seen |= nodes[k] == z->node;
		if (!seen && n < KMM_MAX_NUMNODES)
			nodes[n++] = z->node;
	}
	return n;
}

unsigned long kmm_try_to_free_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order,
				    int nid, int highest_zoneidx)
{
	unsigned int cpu = kmm_this_cpu(m);
	int nodes[KMM_MAX_NUMNODES];
	unsigned int nr_nodes;
	unsigned long reclaimed = 0, scanned = 0;

	if (kmm_in_reclaim(m) || nid < 0 || nid >= KMM_MAX_NUMNODES || highest_zoneidx < 0 ||
	    highest_zoneidx >= KMM_MAX_NR_ZONES)
		return 0;
	atomic_fetch_add_explicit(&m->page_alloc.vmstat.cpu[kmm_vm_cpu(cpu)].allocstall[highest_zoneidx],
				  1, memory_order_relaxed);
	nr_nodes = zonelist_nodes(m, nid, highest_zoneidx, nodes);
	for (int prio = KMM_DEF_PRIORITY; prio >= 0; prio--) {
		for (unsigned int k = 0; k < nr_nodes; k++)
			reclaimed += shrink_node(m, gfp, nodes[k], prio, &scanned);
		if (reclaimed >= KMM_SWAP_CLUSTER_MAX)
			break;
	}
	kmm_count_vm_events(m, KMM_PGSCAN_DIRECT, scanned);
	kmm_count_vm_events(m, KMM_PGSTEAL_DIRECT, reclaimed);
	return reclaimed;
}

/* ------------------------------------------------------------ kswapd */

static bool zone_managed(const struct kmm_zone *z)
{
	return z->managed_pages != 0;
}

/* pgdat_watermark_boosted(): a zone up to @highest has a boost */
static bool node_boosted(struct kmm_machine *m, int nid, int highest)
{
	for (int zi = highest; zi >= 0; zi--) {
		const struct kmm_zone *z = &m->node[nid].zones[zi];

		if (zone_managed(z) && kmm_read_ulong(&z->watermark_boost))
			return true;
	}
	return false;
}

/*
 * pgdat_balanced(): some zone up to @highest meets its high watermark (boost
 * included) for @order; a node without managed zones there counts as
 * balanced (nothing to do).
 */
static bool node_balanced(struct kmm_machine *m, int nid, unsigned int order, int highest)
{
	bool any = false;

	for (int zi = 0; zi <= highest; zi++) {
		const struct kmm_zone *z = &m->node[nid].zones[zi];

		if (!zone_managed(z))
			continue;
		any = true;
		if (kmm_zone_watermark_ok(m, z, order, kmm_wmark_pages(z, KMM_WMARK_HIGH), highest, 0,
					  (long)kmm_zone_free_pages(z)))
			return true;
	}
	return !any;
}

/*
 * Record a wake-up's work on @k: the largest order and the highest zone
 * asked for since the last pass took the work, and that work is pending.
 * Returns true when no work was pending before (a sleeping kswapd must be
 * woken; one that is already due will see the new work anyway).
 */
static bool kswapd_record(struct kmm_kswapd *k, unsigned int order, int highest_zoneidx)
{
	unsigned int cur = atomic_load_explicit(&k->order, memory_order_relaxed);
	int h = atomic_load_explicit(&k->highest_zoneidx, memory_order_relaxed);

	while (order > cur &&
	       !atomic_compare_exchange_weak_explicit(&k->order, &cur, order, memory_order_relaxed,
						      memory_order_relaxed))
		;
	while (highest_zoneidx > h &&
	       !atomic_compare_exchange_weak_explicit(&k->highest_zoneidx, &h, highest_zoneidx,
						      memory_order_relaxed, memory_order_relaxed))
		;
	return !atomic_exchange_explicit(&k->pending, 1, memory_order_acq_rel);
}

/* hand node @nid's newly pending work to the host's kswapd thread, if it has one */
static void kswapd_wake_thread(struct kmm_machine *m, int nid)
{
	if (m->env.wake_kswapd)
		m->env.wake_kswapd(m->env.kswapd_cookie, nid);
}

void kmm_wakeup_kswapd(struct kmm_machine *m, int nid, unsigned int order, int highest_zoneidx)
{
	struct kmm_kswapd *k;

	if (nid < 0 || nid >= KMM_MAX_NUMNODES || !m->node[nid].online || highest_zoneidx < 0 ||
	    (unsigned int)highest_zoneidx >= m->zone_layout.nr)
		return;
	k = &m->page_alloc.reclaim.kswapd[nid];
	/* a hopeless node is left to direct reclaim */
	if (atomic_load_explicit(&k->failures, memory_order_relaxed) >= KMM_MAX_RECLAIM_RETRIES)
		return;
	if (node_balanced(m, nid, order, highest_zoneidx) &&
	    !node_boosted(m, nid, highest_zoneidx))
		return;
	if (kswapd_record(k, order, highest_zoneidx))
		kswapd_wake_thread(m, nid);
}

/*
 * balance_pgdat(): shrink at rising pressure (priority 12 down to 1) until a
 * zone meets its high watermark and the boost has been reclaimed; then take
 * back the boost each zone had when the pass began (a boost added while it
 * ran stays for the next pass, whose wake-up it caused).  A pass that freed
 * nothing counts as a failure unless it found the node balanced with no
 * boost to reclaim (so the test comes before the boost is taken back).
 */
static unsigned long balance_node(struct kmm_machine *m, int nid, unsigned int order, int highest)
{
	unsigned long reclaimed = 0, boost = 0, scanned = 0;
	unsigned long zone_boost[KMM_MAX_NR_ZONES];
	gfp_t gfp = GFP_KERNEL;
	bool done = false;

	kmm_count_vm_events(m, KMM_PAGEOUTRUN, 1);
	for (int zi = 0; zi <= highest; zi++) {
		zone_boost[zi] = kmm_read_ulong(&m->node[nid].zones[zi].watermark_boost);
		boost += zone_boost[zi];
	}
	for (int prio = KMM_DEF_PRIORITY; prio >= 1; prio--) {
		bool balanced = node_balanced(m, nid, order, highest);
		unsigned long freed;

		if (balanced && !boost) {
			done = true;
			break;
		}
		freed = shrink_node(m, gfp, nid, prio, &scanned);
		reclaimed += freed;
		boost -= KMM_MIN(boost, freed);
		/* boosted reclaim of a balanced node stops at the first pass with no progress */
		if (balanced && !freed)
			break;
	}
	if (!reclaimed && !done)
		atomic_fetch_add_explicit(&m->page_alloc.reclaim.kswapd[nid].failures, 1,
					  memory_order_relaxed);
	for (int zi = 0; zi <= highest; zi++) {
		struct kmm_zone *z = &m->node[nid].zones[zi];
		struct kmm_spinlock *lock;
		unsigned long cur;

		if (!zone_boost[zi])
			continue;
		lock = kmm_zone_lock(m, z);
		kmm_spin_lock(lock);
		cur = kmm_read_ulong(&z->watermark_boost);
		kmm_write_ulong(&z->watermark_boost, cur - KMM_MIN(cur, zone_boost[zi]));
		kmm_spin_unlock(lock);
	}
	kmm_count_vm_events(m, KMM_PGSCAN_KSWAPD, scanned);
	kmm_count_vm_events(m, KMM_PGSTEAL_KSWAPD, reclaimed);
	return reclaimed;
}

/*
 * Take node @nid's pending work for a pass: false when none is pending or
 * another thread runs the node's pass now (one pass per node at a time).
 * On true the caller runs the pass and then clears k->running.
 */
static bool kswapd_claim(struct kmm_kswapd *k, unsigned int *order, int *highest)
{
	unsigned int idle = 0;

	if (!atomic_load_explicit(&k->pending, memory_order_acquire))
		return false;
	if (!atomic_compare_exchange_strong_explicit(&k->running, &idle, 1, memory_order_acquire,
						     memory_order_relaxed))
		return false;
	if (!atomic_exchange_explicit(&k->pending, 0, memory_order_acq_rel)) {
		/* a pass that ended meanwhile took the work */
		atomic_store_explicit(&k->running, 0, memory_order_release);
		return false;
	}
	*order = atomic_exchange_explicit(&k->order, 0, memory_order_relaxed);
	*highest = atomic_exchange_explicit(&k->highest_zoneidx, 0, memory_order_relaxed);
	return true;
}

/* a pass for work kswapd_claim() took; the caller then clears k->running */
static unsigned long kswapd_pass(struct kmm_machine *m, int nid, unsigned int order, int highest)
{
	kmm_count_vm_events(m, KMM_KSWAPD_WAKE, 1);
	return balance_node(m, nid, order, highest);
}

unsigned long kmm_kswapd_run(struct kmm_machine *m)
{
	unsigned long freed = 0;

	if (kmm_in_reclaim(m))
		return 0;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		struct kmm_kswapd *k = &m->page_alloc.reclaim.kswapd[nid];
		unsigned int order;
		int highest;

		if (!kswapd_claim(k, &order, &highest))
			continue;
		freed += kswapd_pass(m, nid, order, highest);
		atomic_store_explicit(&k->running, 0, memory_order_release);
	}
	return freed;
}

/*
 * The host's kswapd thread for @nid.  After the pass comes
 * kswapd_try_to_sleep()'s test (prepare_kswapd_sleep): the thread may sleep
 * once the node is balanced for the work it just did, or hopeless
 * (KMM_MAX_RECLAIM_RETRIES passes in a row freed nothing); otherwise the
 * same work is pending again and the thread is woken for another pass.
 * Linux's short nap before the full sleep (HZ/10, to notice a quick
 * re-wake) is not modelled: the thread sleeps at once.
 */
unsigned long kmm_kswapd_run_node(struct kmm_machine *m, int nid)
{
	struct kmm_kswapd *k;
	unsigned long freed;
	unsigned int order;
	int highest;
	bool again;

	if (nid < 0 || nid >= KMM_MAX_NUMNODES || !m->node[nid].online || kmm_in_reclaim(m))
		return 0;
	k = &m->page_alloc.reclaim.kswapd[nid];
	if (!kswapd_claim(k, &order, &highest))
		return 0;
	freed = kswapd_pass(m, nid, order, highest);
	/* the work is pending again before the pass ends: the node never looks idle meanwhile */
	again = atomic_load_explicit(&k->failures, memory_order_relaxed) < KMM_MAX_RECLAIM_RETRIES &&
		!node_balanced(m, nid, order, highest) && kswapd_record(k, order, highest);
	atomic_store_explicit(&k->running, 0, memory_order_release);
	if (again)
		kswapd_wake_thread(m, nid);
	return freed;
}

bool kmm_kswapd_idle(const struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		const struct kmm_kswapd *k = &m->page_alloc.reclaim.kswapd[nid];

		if (atomic_load_explicit(&k->pending, memory_order_acquire) ||
		    atomic_load_explicit(&k->running, memory_order_acquire))
			return false;
	}
	return true;
}

bool kmm_kswapd_pending(const struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (atomic_load_explicit(&m->page_alloc.reclaim.kswapd[nid].pending,
					 memory_order_relaxed))
			return true;
	return false;
}

unsigned int kmm_kswapd_failures(const struct kmm_machine *m, int nid)
{
	if (nid < 0 || nid >= KMM_MAX_NUMNODES)
		return 0;
	return atomic_load_explicit(&m->page_alloc.reclaim.kswapd[nid].failures,
				    memory_order_relaxed);
}
