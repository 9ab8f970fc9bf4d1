/* SPDX-License-Identifier: MIT */
/*
 * kmm/vmscan.h - reclaim: shrinkers, direct reclaim and kswapd (Linux 6.1
 * mm/vmscan.c, include/linux/shrinker.h).
 *
 * A shrinker is a cache that can give memory back: count_objects() says how
 * many objects could be freed, scan_objects() frees up to nr_to_scan of
 * them (giving their pages back with kmm___free_pages()) and returns how
 * many it freed, or KMM_SHRINK_STOP when it cannot make progress now.
 * Reclaim asks each shrinker for a share proportional to its size and the
 * reclaim priority, as do_shrink_slab() does:
 *
 *   delta      = (freeable >> priority) * 4 / seeks   (freeable / 2 when seeks is 0)
 *   total_scan = min(nr_deferred >> priority + delta, 2 * freeable)
 *
 * scanned in batches of @batch (KMM_SHRINK_BATCH when 0); work left undone
 * is carried over in nr_deferred (at most 2 * freeable).
 *
 * Direct reclaim (the allocation slow path, for requests with
 * __GFP_DIRECT_RECLAIM) runs the shrinkers at priority 12 (DEF_PRIORITY),
 * 11, ... 0 until SWAP_CLUSTER_MAX (32) pages were freed.
 *
 * kswapd: Linux has a kernel thread per node that sleeps until an
 * allocation below the low watermark (or a boosted one) wakes it, unless
 * the node is already balanced for the order and zone asked for or is
 * hopeless (KMM_MAX_RECLAIM_RETRIES passes in a row freed nothing, until a
 * reclaim somewhere frees pages again).  A wake-up records the work on the
 * node (the largest order and the highest zone asked for); a pass
 * (balance_pgdat) takes it and shrinks until a zone is above its high
 * watermark, boost included, then takes back the boost the zones had when
 * it began.  kmm runs the pass in one of two models:
 *
 *   - synchronous (the default, for freestanding users; env.wake_kswapd is
 *     NULL): kmm has no threads of its own, so the pass runs
 *       - in the waking thread, when its request may reclaim directly
 *         (__GFP_DIRECT_RECLAIM: it may sleep, so it may also run kswapd's
 *         work) and it is not itself inside reclaim;
 *       - otherwise (GFP_ATOMIC, GFP_NOWAIT, allocations made by shrinkers)
 *         the work stays pending until the next such request or until the
 *         host calls kmm_kswapd_run() from a thread of its choice (a timer,
 *         the end of a batch).
 *   - threaded (env.wake_kswapd set, e.g. by kmm_hosted_kswapd_start(),
 *     kmm/hosted_kswapd.h): the host runs a thread per node.  A wake-up that
 *     finds no work pending calls env.wake_kswapd(cookie, nid) once; no
 *     allocating thread runs the pass.  The woken thread calls
 *     kmm_kswapd_run_node(), which runs one pass and, while the node is
 *     still unbalanced for that work and not hopeless, leaves the work
 *     pending and wakes the thread again (kswapd_try_to_sleep); then it
 *     sleeps until the next wake-up.
 * Either way the shrinkers never run inside an atomic request, as in Linux.
 *
 * Threads: shrinkers run on the calling thread, with no kmm lock held.
 * While a CPU runs shrinkers it is "in reclaim" (Linux's PF_MEMALLOC): its
 * allocations skip reclaim and may use the reserves below the min
 * watermark.  Registration may race with reclaim on other threads;
 * kmm_unregister_shrinker() waits until no reclaim uses the shrinker, so it
 * must not be called from a shrinker's own callbacks.
 */
#ifndef KMM_VMSCAN_H
#define KMM_VMSCAN_H

#include <stdatomic.h>

#include <kmm/env.h>
#include <kmm/gfp.h>
#include <kmm/mmzone.h>
#include <kmm/spinlock.h>

#define KMM_SHRINK_STOP (~0UL)        /* scan_objects: no progress possible now */
#define KMM_SHRINK_EMPTY (~0UL - 1)   /* count_objects: the cache is empty */
#define KMM_SHRINK_BATCH 128          /* SHRINK_BATCH */
#define KMM_DEFAULT_SEEKS 2           /* DEFAULT_SEEKS */
#define KMM_DEF_PRIORITY 12           /* DEF_PRIORITY */
#define KMM_SWAP_CLUSTER_MAX 32UL     /* pages one direct reclaim pass aims for */
#define KMM_MAX_RECLAIM_RETRIES 16    /* MAX_RECLAIM_RETRIES */
#define KMM_MAX_SHRINKERS 32          /* registered at once, per machine */

struct kmm_machine;

/* struct shrink_control: what one count/scan call is about */
struct kmm_shrink_control {
	gfp_t gfp_mask;           /* the request that reclaims (check __GFP_FS etc. as Linux's do) */
	int nid;                  /* the node being reclaimed */
	unsigned long nr_to_scan; /* scan_objects: how many objects to look at */
	unsigned long nr_scanned; /* scan_objects may lower it to what it really scanned */
};

struct kmm_shrinker {
	/* how many objects could be freed now; 0 or KMM_SHRINK_EMPTY: none */
	unsigned long (*count_objects)(struct kmm_machine *m, struct kmm_shrinker *s,
				       struct kmm_shrink_control *sc);
	/* free up to sc->nr_to_scan objects; the number freed or KMM_SHRINK_STOP */
	unsigned long (*scan_objects)(struct kmm_machine *m, struct kmm_shrinker *s,
				      struct kmm_shrink_control *sc);
	int seeks;             /* cost to recreate an object (KMM_DEFAULT_SEEKS); 0: trim half at once */
	long batch;            /* objects per scan_objects call; 0: KMM_SHRINK_BATCH */
	void *priv;            /* the owner's */
	atomic_long nr_deferred; /* scan work carried to the next pass (kmm's, zero it before registering) */
};

/* Per-node kswapd state (pgdat->kswapd_*). */
struct kmm_kswapd {
	atomic_uint pending;          /* a wake-up is waiting to run */
	atomic_uint running;          /* a pass runs now (one at a time per node) */
	atomic_uint order;            /* pgdat->kswapd_order: the largest order asked for */
	atomic_int highest_zoneidx;   /* pgdat->kswapd_highest_zoneidx (the largest asked for) */
	atomic_uint failures;         /* pgdat->kswapd_failures: passes that freed nothing */
};

/* The reclaim state of a machine (in struct kmm_page_alloc; zeroed = none registered). */
struct kmm_reclaim {
	struct kmm_spinlock lock;                      /* registration */
	_Atomic(struct kmm_shrinker *) shrinkers[KMM_MAX_SHRINKERS];
	atomic_uint nr_readers;                        /* reclaim passes walking shrinkers[] */
	struct kmm_kswapd kswapd[KMM_MAX_NUMNODES];
	_Atomic u8 in_reclaim[64];                     /* per CPU: PF_MEMALLOC while shrinkers run */
};

/*
 * kmm_register_shrinker - make @s available to reclaim.  @s stays owned by
 * the caller and must stay valid until kmm_unregister_shrinker().  Returns
 * 0, -KMM_EINVAL (NULL @s or callbacks, negative seeks or batch),
 * -KMM_EEXIST (already registered) or -KMM_EOVERFLOW (KMM_MAX_SHRINKERS
 * are registered).
 */
int kmm_register_shrinker(struct kmm_machine *m, struct kmm_shrinker *s);

/*
 * kmm_unregister_shrinker - remove @s and wait until no reclaim pass uses
 * it.  Returns 0 or -KMM_ENOENT (not registered).  Not from a callback.
 */
int kmm_unregister_shrinker(struct kmm_machine *m, struct kmm_shrinker *s);

/*
 * kmm_shrink_slab - one shrink_slab() pass over every shrinker for node
 * @nid at @priority (0..KMM_DEF_PRIORITY) on behalf of @gfp.  Returns the
 * objects the shrinkers reported freed.  Counts slabs_scanned.
 */
unsigned long kmm_shrink_slab(struct kmm_machine *m, gfp_t gfp, int nid, int priority);

/*
 * kmm_try_to_free_pages - direct reclaim for a request @gfp of @order whose
 * highest zone is @highest_zoneidx, preferring node @nid: shrink_slab on
 * each node of the zonelist at priority 12 down to 0 until 32 pages were
 * freed.  Counts allocstall_<zone>, pgscan_direct, pgsteal_direct.
 * Returns the pages freed (0 with nothing to reclaim, and for a CPU that is
 * already in reclaim).
 */
unsigned long kmm_try_to_free_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order,
				    int nid, int highest_zoneidx);

/*
 * kmm_wakeup_kswapd - wakeup_kswapd(): node @nid should reclaim for an
 * @order request up to zone @highest_zoneidx.  Nothing happens when a zone
 * of the node already meets its high watermark (and none is boosted) or
 * the node failed KMM_MAX_RECLAIM_RETRIES times.  Records the work; see
 * above for when it runs (with env.wake_kswapd set, the hook is called
 * when no work was pending on the node).
 */
void kmm_wakeup_kswapd(struct kmm_machine *m, int nid, unsigned int order, int highest_zoneidx);

/*
 * kmm_kswapd_run - run every pending kswapd pass now, on the calling thread
 * (no kmm lock may be held), one pass per node; a node whose pass another
 * thread runs (its kswapd thread, in the threaded model) is skipped.
 * Returns the pages the passes freed.
 */
unsigned long kmm_kswapd_run(struct kmm_machine *m);

/*
 * kmm_kswapd_run_node - the body of node @nid's kswapd thread (threaded
 * model, see above): when a wake-up left work pending on @nid and no other
 * thread runs its pass, run one pass on the calling thread (no kmm lock may
 * be held; the thread should be bound to a CPU of the node that no
 * allocating thread uses, as the reclaim state and the progress count are
 * per CPU).  If the node is still unbalanced for that work and not
 * hopeless, the work is pending again and env.wake_kswapd is called for
 * @nid.  Returns the pages the pass freed; 0 when there was nothing to do,
 * @nid is not an online node or the calling CPU is inside reclaim.
 */
unsigned long kmm_kswapd_run_node(struct kmm_machine *m, int nid);

/* kmm_kswapd_idle - no node has kswapd work pending or a pass running */
bool kmm_kswapd_idle(const struct kmm_machine *m);

/* kmm_kswapd_pending - true while some node has a kswapd wake-up waiting */
bool kmm_kswapd_pending(const struct kmm_machine *m);

/* kmm_in_reclaim - the calling CPU is inside reclaim (PF_MEMALLOC) */
bool kmm_in_reclaim(const struct kmm_machine *m);

/* kmm_kswapd_failures - pgdat->kswapd_failures of node @nid (show_mem's "all_unreclaimable?") */
unsigned int kmm_kswapd_failures(const struct kmm_machine *m, int nid);

#endif /* KMM_VMSCAN_H */
