/* SPDX-License-Identifier: MIT */
/*
 * kmm/stress.h - a seeded stress driver for the runtime page allocator,
 * written as library code so that tests, the CLI (`kmm stress`) and
 * benchmarks share one workload.
 *
 * Types: struct kmm_stress_config says what to run; struct kmm_stress is
 * the whole run's state, owned by the caller (with one caller-provided
 * buffer for the per-thread tables of live blocks); struct
 * kmm_stress_result is what a finished run measured.
 *
 * Lifecycle:
 *   [kmm_stress_cma_hook()/kmm_stress_contig_range_hook() -> cfg.contig]
 *   kmm_stress_buffer_size() -> the caller allocates that many bytes
 *   kmm_stress_init()        -> drains the per-CPU lists, counts the free
 *                               pages, sizes the tables, sets
 *                               page_group_by_mobility_disabled if asked
 *   kmm_stress_worker(s, t)  -> run by the caller on T host threads at once,
 *                               thread t for t in [0, T); each binds itself
 *                               to CPU t (kmm_set_this_cpu())
 *   kmm_stress_result_get()  -> after every worker returned
 *   kmm_stress_format_line() -> "stress: ops=... unusable_index_order9=F"
 * The driver has no threads, clock or allocator of its own; the host
 * provides them.
 *
 * The workload (one "op" is one step of one worker; the ops are split
 * evenly over the threads):
 *   - each thread keeps two tables of the blocks it holds: a long-lived
 *     class (GFP_KERNEL orders 0..3, some of them split into order-0
 *     pages; GFP_KERNEL | __GFP_RECLAIMABLE orders 0..2; GFP_DMA32 and
 *     GFP_DMA when the machine has those zones) and a short-lived class
 *     (GFP_HIGHUSER_MOVABLE orders 0..10 weighted toward small orders,
 *     order-9 THP-like compound pages, short-lived GFP_KERNEL compound
 *     buffers of orders 4..10, GFP_ATOMIC bursts of 8..64 allocations, and
 *     contiguous ranges through the contig hook when one is given);
 *   - the order-0 movable pages, and the pages of half the movable blocks
 *     of orders 1..3 (split), are registered movable (kmm/compaction.h):
 *     other workers' contiguous allocations and compaction migrate them
 *     while they are held (struct kmm_stress_slot says how the owner and
 *     the callback agree on where a page is);
 *   - each class allocates while its share of the thread's page budget
 *     (fill_percent of the free pages at init, split over the threads) is
 *     not used up, with probability 5/8 per step, else frees a random
 *     block of the class; the long class gets 3/10 of the steps and 35% of
 *     the budget, so its blocks live several times longer;
 *   - with two or more threads, one free in eight hands the block to the
 *     next thread through that thread's inbox (a locked ring) and the
 *     receiver frees it on its CPU: cross-CPU frees;
 *   - every validate_every ops all workers stop at a barrier and the last
 *     to arrive runs kmm_page_alloc_validate() (and checks the bad-page
 *     counter) while the others wait;
 *   - with cfg.shrinker, the long-lived GFP_KERNEL | __GFP_RECLAIMABLE
 *     blocks form a cache that reclaim may take back: a shrinker
 *     (kmm/vmscan.h) registered for the run counts the ones held by every
 *     thread and frees them, on whichever thread reclaims (a worker in
 *     direct reclaim, kswapd's pass in a worker or on a host kswapd
 *     thread), while their owners use and free their tables (struct
 *     kmm_stress_slot says how the two agree); an owner that later picks a
 *     reclaimed entry finds it gone and drops it, as a cache user whose
 *     object was shrunk away looks it up again.
 * At the end the workers stop at a barrier where the fragmentation is
 * measured (the "peak": the unusable free space index for order 9 over
 * every zone, and a fingerprint of every free list), free everything they
 * hold, and the last one drains every per-CPU list, validates again and
 * computes leaked_pages = free pages at init - free pages now.
 *
 * Reclaim and a host kswapd thread: the serial steps first wait until no
 * kswapd pass runs or is due when the environment has kswapd threads
 * (env.wake_kswapd, kmm/hosted_kswapd.h), so the walkers and the peak see
 * quiet free lists; the final one unregisters the shrinker (which waits
 * for reclaim passes still using it) before it counts the free pages.
 * The host starts kswapd threads before the workers (before
 * kmm_stress_init() is fine: until the shrinker is registered their
 * passes free nothing) and stops them after the workers returned; give
 * them a CPU no worker uses.
 *
 * A failed allocation (-KMM_ENOMEM) is part of the workload, counted in
 * alloc_failures; any other error (a refused free, a bad-page report, a
 * failed validation, a thread that could not bind to its CPU) makes the
 * run fail: validate=FAILED.
 */
#ifndef KMM_STRESS_H
#define KMM_STRESS_H

#include <stdatomic.h>

#include <kmm/cma.h>
#include <kmm/env.h>
#include <kmm/mmzone.h>
#include <kmm/page_alloc.h>
#include <kmm/spinlock.h>
#include <kmm/vmscan.h>

struct kmm_machine;

#define KMM_STRESS_MAX_THREADS KMM_PCP_MAX_CPUS
#define KMM_STRESS_INBOX 256          /* blocks one thread's inbox holds */
#define KMM_STRESS_FRAG_ORDER 9       /* the order the unusable index is measured for */
#define KMM_STRESS_DEFAULT_FILL 60    /* percent of the free pages the workload keeps live */

/*
 * The contig hook: contiguous allocations the driver does not make itself
 * because they need a policy for where (alloc_contig_range() takes an
 * explicit range, cma_alloc() an area; kmm/compaction.h, kmm/cma.h).  When
 * @alloc is set the driver asks for runs of 1..512 pages through it
 * (short-lived), and gives them back through @free.
 * @alloc returns 0 with *@pfn the first of @nr_pages contiguous pages, or a
 * negative kmm_err (-KMM_ENOMEM and -KMM_EBUSY count as a failed
 * allocation, as alloc_contig_range()'s "PFNs busy" is one).  @free
 * returns 0 or a negative kmm_err.
 */
struct kmm_stress_contig_hook {
	int (*alloc)(void *ctx, struct kmm_machine *m, unsigned long nr_pages, unsigned long *pfn);
	int (*free)(void *ctx, struct kmm_machine *m, unsigned long pfn, unsigned long nr_pages);
	void *ctx;
};

struct kmm_stress_config {
	u64 ops;                   /* steps over all threads */
	unsigned int threads;      /* 1 .. min(online CPUs, KMM_STRESS_MAX_THREADS) */
	u64 seed;                  /* any value; same seed and one thread -> same run */
	u64 validate_every;        /* ops between validations; 0: only at the end */
	bool no_mobility;          /* page_group_by_mobility_disabled for the run */
	unsigned int fill_percent; /* 1..95; 0: KMM_STRESS_DEFAULT_FILL */
	bool shrinker;             /* the reclaimable blocks are a cache reclaim may shrink */
	struct kmm_stress_contig_hook contig;
};

#define KMM_STRESS_NO_SLOT 0xffffffffu

/*
 * one block a thread holds: [pfn, pfn + nr_pages), allocated as @kind.
 * A movable page (registered with kmm_set_page_movable()) has @slot set:
 * its pfn lives in the owner's slots[slot], which migrations update, and
 * @pfn is not used.  A reclaimable block of a run with cfg.shrinker has
 * @slot set too, an index in the owner's rslots[] (which the shrinker may
 * empty; @pfn stays valid).  Every other block has slot == KMM_STRESS_NO_SLOT.
 */
struct kmm_stress_block {
	u64 pfn;
	u32 slot;     /* index in the owner's slots[], or KMM_STRESS_NO_SLOT */
	u16 nr_pages; /* 2^order, or the contig run's length (<= 1024) */
	u8 order;     /* the order to free with (0 for split pages) */
	u8 kind;      /* enum kmm_stress_kind (stress.c) */
};

/*
 * struct kmm_stress_slot - where a movable page of the workload is now.
 * The page's migrate callback gets the slot as its priv and switches @pfn
 * from the old to the new pfn with one compare-and-swap, on whichever
 * thread migrates; the owner takes the page out with an exchange (to a
 * free-slot value) before it unregisters and frees or hands it over, so a
 * callback that comes later finds another value and refuses.  A free slot
 * holds KMM_STRESS_SLOT_FREE | the next free slot's index (no pfn has that
 * bit).  @owner: the thread whose migrated counter the callback bumps.
 */
#define KMM_STRESS_SLOT_FREE (1ULL << 63)

/*
 * The reclaim slots (rslots[]) of the reclaimable blocks: one atomic u64
 * per held block, KMM_STRESS_RSLOT_HELD(pfn, order) while the owner holds
 * it.  The owner publishes it (release) after tagging the block; it takes
 * the block back with an exchange to a free-slot value before it frees or
 * hands it over.  The shrinker takes it with a compare-and-swap from the
 * held value it read to KMM_STRESS_RSLOT_GONE, and only then frees the
 * block (pfn and order come from the value).  Exactly one of the two wins:
 * an owner whose exchange returns GONE drops the entry without freeing.  A
 * free rslot holds KMM_STRESS_SLOT_FREE | the next free rslot's index.
 */
#define KMM_STRESS_RSLOT_GONE (1ULL << 62)
#define KMM_STRESS_RSLOT_ORDER_SHIFT 56
#define KMM_STRESS_RSLOT_PFN_MASK ((1ULL << KMM_STRESS_RSLOT_ORDER_SHIFT) - 1)
#define KMM_STRESS_RSLOT_HELD(pfn, order) \
	((u64)(pfn) | ((u64)(order) << KMM_STRESS_RSLOT_ORDER_SHIFT))

struct kmm_stress_slot {
	_Atomic u64 pfn;
	struct kmm_stress_thread *owner;
};

/* a table of blocks: blk[0, nr) are held, nr <= cap; pages = sum of their nr_pages */
struct kmm_stress_table {
	struct kmm_stress_block *blk;
	u32 nr, cap;
	unsigned long pages, budget; /* the class allocates while pages < budget */
};

/*
 * struct kmm_stress_thread - one worker's state; only its worker touches it
 * except @inbox, which any worker pushes to under @inbox_lock:
 *   inbox holds inbox_nr blocks from inbox[inbox_head] on (mod KMM_STRESS_INBOX).
 */
struct kmm_stress_thread {
	u64 rng;                      /* xorshift64* state, never 0 */
	struct kmm_stress_table live[2]; /* [0] long-lived, [1] short-lived */
	struct kmm_stress_slot *slots; /* [0, nr_slots): its movable pages, see above */
	u32 nr_slots, free_slot;      /* free_slot: first free slot, or KMM_STRESS_NO_SLOT */
	_Atomic u64 *rslots;          /* [0, nr_rslots): its reclaimable blocks (cfg.shrinker) */
	u32 nr_rslots, free_rslot;    /* free_rslot: first free rslot, or KMM_STRESS_NO_SLOT */
	atomic_uint rslot_hwm;        /* rslots[hwm, nr_rslots) were never used (the shrinker's walk) */
	atomic_ulong rslots_held;     /* rslots holding a block now (count_objects sums them) */
	u64 reclaim_gone;             /* its entries it found reclaimed when it took them */
	unsigned int burst;           /* GFP_ATOMIC allocations left in the current burst */
	u64 ops, allocs, alloc_failures, frees, handoffs, split_pages;
	u64 movable_pages;            /* pages it registered movable */
	u64 contig_ok, contig_busy, contig_nomem, contig_pages; /* contig hook calls */
	atomic_ulong migrated;        /* its pages migrated (bumped by the migrating thread) */
	struct kmm_spinlock inbox_lock;
	unsigned int inbox_head;
	atomic_uint inbox_nr;         /* written under inbox_lock, peeked at without it */
	struct kmm_stress_block inbox[KMM_STRESS_INBOX];
} __attribute__((aligned(64)));

/*
 * A reusable barrier on C11 atomics for @n threads: @arrived counts the
 * threads at the barrier in the current generation; the last to arrive
 * runs the serial step, resets @arrived and bumps @generation, which
 * releases the others (release/acquire, so the serial step's writes are
 * seen by everyone after the barrier).
 */
struct kmm_stress_barrier {
	atomic_uint arrived;
	atomic_uint generation;
	unsigned int n;
};

struct kmm_stress_result {
	u64 ops, allocs, alloc_failures, frees, handoffs, split_pages;
	u64 movable_pages;           /* order-0 pages registered movable */
	u64 migrated;                /* ... of which migrated (callbacks that said yes) */
	u64 contig_ok;               /* contig hook allocations that succeeded */
	u64 contig_busy;             /* ... that failed -KMM_EBUSY ("PFNs busy") */
	u64 contig_nomem;            /* ... that failed -KMM_ENOMEM */
	u64 contig_pages;            /* pages the successful ones gave */
	/* reclaim (cfg.shrinker): blocks the shrinker took from the owners */
	u64 reclaim_blocks;          /* reclaimable blocks the shrinker freed */
	u64 reclaim_pages;           /* ... their pages */
	u64 reclaim_scans;           /* scan_objects calls */
	u64 reclaim_gone;            /* entries their owners found gone (= reclaim_blocks at the end) */
	/* the machine's reclaim events during the run (kmm/vmstat.h), any shrinker's */
	u64 kswapd_wakes;            /* KMM_KSWAPD_WAKE: kswapd passes that ran */
	u64 pgsteal_kswapd;          /* pages freed by kswapd's passes */
	u64 pgsteal_direct;          /* pages freed by direct reclaim */
	unsigned int threads;
	unsigned int validations;    /* validation rounds run, the final one included */
	bool validate_ok;            /* every validation passed and no error happened */
	long leaked_pages;           /* free pages at init - free pages at the end */
	unsigned long free_before, free_after;
	/* at the peak (all ops done, nothing freed yet) */
	unsigned long peak_free_pages;               /* on the free lists of every zone */
	unsigned long peak_nr_free[KMM_MAX_ORDER];   /* free blocks per order, all zones */
	unsigned int unusable_index;                 /* order 9, thousandths: 0..1000 */
	u64 peak_fingerprint;                        /* FNV-1a of every free list */
	unsigned long nr_errors;
	char first_error[128];
};

struct kmm_stress {
	struct kmm_machine *m;
	struct kmm_stress_config cfg;
	bool has_dma, has_dma32;
	bool saved_mobility_disabled;
	unsigned long bad_pages_at_init; /* kmm_nr_bad_pages() when the run began */
	u64 rounds;                  /* validation rounds: ceil(ops / validate_every), or 1 */
	struct kmm_stress_barrier barrier;
	struct kmm_shrinker shrinker;  /* registered from init to the final step when cfg.shrinker */
	bool shrinker_registered;
	atomic_ullong reclaim_cursor;  /* where the next scan starts: thread << 32 | rslot */
	atomic_ullong reclaim_blocks, reclaim_pages, reclaim_scans;
	u64 events_at_init[3];         /* KSWAPD_WAKE, PGSTEAL_KSWAPD, PGSTEAL_DIRECT */
	atomic_ulong nr_errors;
	struct kmm_spinlock error_lock; /* first_error */
	struct kmm_stress_result result; /* written by the serial steps only */
	struct kmm_stress_thread thread[KMM_STRESS_MAX_THREADS];
};

/*
 * Built-in contig hooks (stress_contig.c): the policies `kmm stress
 * --contig` offers.  The hook's ctx is a struct kmm_stress_contig the
 * caller keeps for the whole run; the hook may be called from every worker
 * at once.
 *
 *   CMA    cma_alloc() of the run's length (no alignment) from the
 *          machine's active CMA areas, tried in turn from a rotating first
 *          one; cma_release() to give it back.  Needs a kernel built with
 *          CONFIG_CMA and an area (arm64's default one, cma=, a reusable
 *          shared-dma-pool); the Debian amd64 6.1 kernel has no CONFIG_CMA.
 *   RANGE  alloc_contig_range(MIGRATE_MOVABLE) of the run's length at a
 *          random start aligned to the run's size rounded up to a power of
 *          two (so the range lies in one pageblock), in a random zone among
 *          ZONE_NORMAL, ZONE_HIGHMEM and ZONE_MOVABLE (weighted by their
 *          spanned pages; ZONE_DMA32 when none of those has pages), up to
 *          KMM_STRESS_RANGE_TRIES places before it reports "PFNs busy"
 *          (-KMM_EBUSY); free_contig_range() to give it back.
 */
enum kmm_stress_contig_policy {
	KMM_STRESS_CONTIG_NONE,
	KMM_STRESS_CONTIG_CMA,
	KMM_STRESS_CONTIG_RANGE,
};

#define KMM_STRESS_RANGE_TRIES 4

struct kmm_stress_contig {
	enum kmm_stress_contig_policy policy;
	unsigned int nr;              /* CMA: areas in area[]; RANGE: zones in zone[] */
	unsigned int area[KMM_CMA_AREAS]; /* CMA: indexes of active areas in m->cma_areas */
	struct {
		unsigned long start, end; /* RANGE: pageblock-aligned pfns [start, end) of a zone */
	} zone[KMM_MAX_NUMNODES * KMM_MAX_NR_ZONES];
	unsigned long total;          /* RANGE: sum of end - start */
	u64 seed;
	atomic_ullong seq;            /* calls so far: each picks with splitmix(seed ^ seq) */
};

/* kmm_stress_machine_has_cma - @m has at least one active CMA area it can allocate from */
bool kmm_stress_machine_has_cma(struct kmm_machine *m);

/*
 * kmm_stress_cma_hook - fill @hook (and @ctx, its state) with the CMA
 * policy.  Makes every active area's bitmap now (its pages come from the
 * page allocator: call this before kmm_stress_init(), which counts the
 * free pages).  Returns 0, or -KMM_ENOTSUP with @err saying why: the kernel
 * has no CONFIG_CMA, the environment no direct map, or the machine no
 * active CMA area; -KMM_ENOMEM when a bitmap cannot be allocated.
 */
int kmm_stress_cma_hook(struct kmm_machine *m, struct kmm_stress_contig *ctx,
			struct kmm_stress_contig_hook *hook, char *err, size_t errlen);

/*
 * kmm_stress_contig_range_hook - fill @hook (and @ctx) with the RANGE
 * policy, its random picks seeded with @seed.  Returns 0, or -KMM_EINVAL
 * with @err when the machine has no zone with a whole pageblock to pick
 * from.
 */
int kmm_stress_contig_range_hook(struct kmm_machine *m, u64 seed, struct kmm_stress_contig *ctx,
				 struct kmm_stress_contig_hook *hook, char *err, size_t errlen);

/*
 * kmm_stress_buffer_size - bytes of the table buffer kmm_stress_init()
 * needs for @cfg on @m as it is now (the free pages, without the per-CPU
 * lists, decide the budgets; it drains them).  0 when @cfg->threads is 0
 * or too large or the machine has no zonelists.
 */
size_t kmm_stress_buffer_size(struct kmm_machine *m, const struct kmm_stress_config *cfg);

/*
 * kmm_stress_init - prepare @s for a run of @cfg on the booted machine @m
 * (watermarks set, zonelists built), using @buf (@buflen bytes, aligned to
 * 8) for the tables.  Drains every per-CPU list.  No worker may run yet.
 * Returns 0, or -KMM_EINVAL with @err saying why: threads 0 or above the
 * online CPUs or KMM_STRESS_MAX_THREADS; threads > 1 without the env's
 * set_this_cpu hook; fill_percent above 95; only one of the contig hooks;
 * a machine without zonelists or free pages; @buf NULL, misaligned or
 * smaller than kmm_stress_buffer_size().  With cfg.shrinker, -KMM_EOVERFLOW
 * when the machine's shrinker table is full (KMM_MAX_SHRINKERS are
 * registered).  Nothing is changed on error.
 * With cfg.shrinker the shrinker is registered here and unregistered by
 * the workers' final step: once this returned 0 the workers must run.
 */
int kmm_stress_init(struct kmm_stress *s, struct kmm_machine *m,
		    const struct kmm_stress_config *cfg, void *buf, size_t buflen, char *err,
		    size_t errlen);

/*
 * kmm_stress_worker - the body of worker @thread: bind to CPU @thread, run
 * its share of the ops, meet the others at every barrier, free what it
 * holds.  Call it on cfg.threads host threads at once, each with its own
 * @thread in [0, threads); it returns when the whole run is over.
 */
void kmm_stress_worker(struct kmm_stress *s, unsigned int thread);

/* kmm_stress_result_get - what the run measured; call after every worker returned */
const struct kmm_stress_result *kmm_stress_result_get(const struct kmm_stress *s);

/*
 * kmm_stress_format_line - the run's one-line summary into @buf:
 *   stress: ops=N threads=T seconds=S validate=ok leaked_pages=L unusable_index_order9=F
 * S = @elapsed_ms in seconds with two decimals, F the index as Linux's
 * debugfs extfrag/unusable_index prints it ("0.123"), validate=ok or
 * validate=FAILED.  Returns the length kmm_snprintf() returns.
 */
int kmm_stress_format_line(const struct kmm_stress *s, u64 elapsed_ms, char *buf, size_t len);

/*
 * kmm_unusable_free_index - Linux's unusable_free_index() (mm/vmstat.c):
 * the share of @free_pages, in thousandths, that is not in free blocks of
 * at least @order, given @suitable = those blocks counted in units of
 * 2^@order pages.  1000 when nothing is free.
 */
unsigned int kmm_unusable_free_index(unsigned int order, unsigned long free_pages,
				     unsigned long suitable);

#endif /* KMM_STRESS_H */
