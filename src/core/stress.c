// SPDX-License-Identifier: MIT
/*
 * stress.c - the seeded stress driver of the runtime page allocator
 * (kmm/stress.h): the workload, the barrier the workers meet at, and the
 * measurements at the peak and at the end.
 *
 * Types: struct kmm_stress (the run), struct kmm_stress_thread (one
 * worker: its random state, two tables of held blocks, its inbox),
 * struct kmm_stress_barrier.
 *
 * Entry points: kmm_stress_buffer_size(), kmm_stress_init(),
 * kmm_stress_worker() (run by the host on every thread),
 * kmm_stress_result_get(), kmm_stress_format_line().
 *
 * Lifecycle of a run, as every worker sees it:
 *   bind to CPU t -> for each validation round: its share of the round's
 *   ops, barrier (serial step: validate; after the last round: validate
 *   and measure the peak) -> free its inbox and both tables -> barrier
 *   (serial step: drain every per-CPU list, validate, count the leak,
 *   restore page_group_by_mobility_disabled, sum the counters).
 * Every worker passes the same number of barriers whatever happens, so an
 * error never leaves a thread waiting: it is recorded and the run goes on.
 *
 * Concurrency: a thread's tables, random state and counters are touched by
 * that thread only, except at a barrier's serial step, which runs while
 * every other worker waits (the barrier orders their writes before it).
 * Two structures are shared: the inboxes (a ring per thread under a
 * spinlock, pushed to by its neighbour and popped by its owner) and the
 * movable slots.
 *
 * Movable pages: every order-0 GFP_HIGHUSER_MOVABLE page the workload holds
 * (allocated as such, or one of a split order-1..3 movable block) is
 * registered with kmm_set_page_movable(), its migrate callback's priv being
 * a slot of its owner (struct kmm_stress_slot).  Another worker's
 * alloc_contig_range()/cma_alloc() or compaction in an allocation's slow
 * path may migrate it at any time: the callback then compare-and-swaps the
 * slot from the old pfn to the new one.  The owner never uses the pfn while
 * the page is registered; to free the page (or hand it over) it first
 * exchanges the slot for a free-slot value, which gives the pfn the page is
 * at now and makes any later callback for it refuse, then unregisters it
 * (kmm_clear_page_movable()), checks the tag the page carries since its
 * allocation (a migration that did not copy is caught here) and frees it.
 * The exchange and the compare-and-swap are acquire-release, so the copy a
 * successful migration made is visible to the owner.
 *
 * Reclaimable blocks (cfg.shrinker): the same idea with the roles of the
 * migrate callback played by the run's shrinker.  Each long-lived
 * __GFP_RECLAIMABLE block sits in an rslot of its owner holding its pfn
 * and order.  scan_objects, on whichever thread reclaims, walks every
 * thread's used rslots from a rotating cursor and compare-and-swaps a held
 * value to GONE; the winner of that swap owns the block: it checks the tag
 * and frees it on its own CPU (its pgfree count is how reclaim measures
 * progress).  The owner exchanges the rslot to free before it frees or
 * hands the block over; finding GONE there, it drops the entry instead.
 * count_objects sums the owners' rslots_held counters, which an owner
 * bumps before publishing a block and whoever wins a block decrements.
 */
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/gfp.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/stress.h>
#include <kmm/vmscan.h>
#include <kmm/vmstat.h>
#include <kmm/watermark.h>

_Static_assert(sizeof(struct kmm_stress_block) == 16, "a held block is 16 bytes");
_Static_assert(KMM_STRESS_FRAG_ORDER < KMM_MAX_ORDER, "the index order is an order");
_Static_assert((1u << (KMM_MAX_ORDER - 1)) <= 0xffff, "a block's nr_pages fits 16 bits");
_Static_assert(sizeof(struct kmm_stress_slot) == 16, "a movable slot is 16 bytes");
_Static_assert(KMM_MAX_ORDER <= 255 && (KMM_STRESS_RSLOT_GONE & KMM_STRESS_RSLOT_PFN_MASK) == 0,
	       "an rslot's order and markers sit above its pfn");

/* the workload's allocation kinds; each belongs to one class */
enum kmm_stress_kind {
	SK_KERNEL,      /* long: GFP_KERNEL orders 0..3, a quarter of order >= 1 split */
	SK_RECLAIMABLE, /* long: GFP_KERNEL | __GFP_RECLAIMABLE orders 0..2 */
	SK_DMA32,       /* long: GFP_KERNEL | GFP_DMA32 orders 0..2 */
	SK_DMA,         /* long: GFP_KERNEL | GFP_DMA orders 0..1 */
	SK_MOVABLE,     /* short: GFP_HIGHUSER_MOVABLE orders 0..10 */
	SK_THP,         /* short: GFP_TRANSHUGE_LIGHT order 9 (compound) */
	SK_KERNEL_BUF,  /* short: GFP_KERNEL | __GFP_COMP orders 4..10 */
	SK_ATOMIC,      /* short: GFP_ATOMIC orders 0..1, mostly in bursts */
	SK_CONTIG,      /* short: 1..512 contiguous pages through the contig hook */
	SK_NR
};

enum { CLASS_LONG, CLASS_SHORT };

#define STRESS_LONG_STEPS 3       /* of 10 steps go to the long-lived class */
#define STRESS_LONG_BUDGET 35     /* percent of a thread's budget */
#define STRESS_ALLOC_EIGHTHS 5    /* alloc with probability 5/8 while under budget */
#define STRESS_HANDOFF_EIGHTHS 1  /* 1/8 of frees go to the next thread */
#define STRESS_BURST_ONE_IN 1024  /* a GFP_ATOMIC burst starts once per ~1024 steps */
#define STRESS_TABLE_SLACK 2048   /* entries beyond the budget: one order-10 block + bursts */
#define STRESS_CONTIG_MAX 512
#define STRESS_TAG 0x5354524553530000ULL /* "STRESS" ^ pfn, written in a held block's first page */
#define STRESS_MOVABLE_SPLIT_MAX 3 /* movable blocks of order 1..3 may be split into pages */

struct kind_info {
	gfp_t gfp;
	u8 class;
	u8 min_order;
	u8 nr_weights;
	u8 weight[KMM_MAX_ORDER]; /* order min_order + i gets weight[i] */
};

static const struct kind_info kinds[SK_NR] = {
	[SK_KERNEL] = { GFP_KERNEL, CLASS_LONG, 0, 4, { 70, 15, 10, 5 } },
	[SK_RECLAIMABLE] = { GFP_KERNEL | __GFP_RECLAIMABLE, CLASS_LONG, 0, 3, { 80, 15, 5 } },
	[SK_DMA32] = { GFP_KERNEL | GFP_DMA32, CLASS_LONG, 0, 3, { 70, 20, 10 } },
	[SK_DMA] = { GFP_KERNEL | GFP_DMA, CLASS_LONG, 0, 2, { 90, 10 } },
	[SK_MOVABLE] = { GFP_HIGHUSER_MOVABLE, CLASS_SHORT, 0, 11,
			 { 40, 15, 12, 10, 6, 5, 4, 3, 2, 2, 1 } },
	[SK_THP] = { GFP_TRANSHUGE_LIGHT, CLASS_SHORT, 9, 1, { 1 } },
	[SK_KERNEL_BUF] = { GFP_KERNEL | __GFP_COMP, CLASS_SHORT, 4, 7,
			    { 30, 20, 15, 12, 10, 8, 5 } },
	[SK_ATOMIC] = { GFP_ATOMIC, CLASS_SHORT, 0, 2, { 80, 20 } },
	[SK_CONTIG] = { 0, CLASS_SHORT, 0, 1, { 1 } },
};

/* how often each kind is picked within its class (0: never) */
static const u8 kind_weight[SK_NR] = {
	[SK_KERNEL] = 50, [SK_RECLAIMABLE] = 30, [SK_DMA32] = 15, [SK_DMA] = 5,
	[SK_MOVABLE] = 80, [SK_THP] = 6, [SK_KERNEL_BUF] = 6, [SK_ATOMIC] = 4, [SK_CONTIG] = 4,
};

enum serial_step { STEP_VALIDATE, STEP_PEAK, STEP_FINAL };

/* ------------------------------------------------------------------ randomness */

/* xorshift64*: period 2^64 - 1 over non-zero states */
static u64 rnd(struct kmm_stress_thread *th)
{
	u64 x = th->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	th->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* uniform in [0, n), n >= 1 */
static u32 rnd_below(struct kmm_stress_thread *th, u32 n)
{
	return (u32)(((rnd(th) >> 32) * (u64)n) >> 32);
}

/* an index in [0, nr) drawn with the weights w[0, nr) (their sum > 0) */
static unsigned int rnd_weighted(struct kmm_stress_thread *th, const u8 *w, unsigned int nr)
{
	unsigned int sum = 0, r;

	for (unsigned int i = 0; i < nr; i++)
		sum += w[i];
	r = rnd_below(th, sum);
	for (unsigned int i = 0; i < nr; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return nr - 1;
}

/* ------------------------------------------------------------------ errors */

static void stress_error(struct kmm_stress *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* record an error; the first one's text is kept for the report */
static void stress_error(struct kmm_stress *s, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add_explicit(&s->nr_errors, 1, memory_order_relaxed) != 0)
		return;
	kmm_spin_lock(&s->error_lock);
	va_start(ap, fmt);
	kmm_vsnprintf(s->result.first_error, sizeof(s->result.first_error), fmt, ap);
	va_end(ap);
	kmm_spin_unlock(&s->error_lock);
}

/* ------------------------------------------------------------------ sizing */

static bool zone_kind_has_pages(const struct kmm_machine *m, enum kmm_zone_kind kind)
{
	int idx = kmm_zone_layout_index(&m->zone_layout, kind);

	for (int n = 0; idx >= 0 && n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online && m->node[n].zones[idx].managed_pages)
			return true;
	return false;
}

/* the page budget of one class of one thread for @free pages */
static unsigned long class_budget(const struct kmm_stress_config *cfg, unsigned long free,
				  int cls)
{
	unsigned int fill = cfg->fill_percent ? cfg->fill_percent : KMM_STRESS_DEFAULT_FILL;
	unsigned long per_thread = (unsigned long)((u64)free * fill / 100 / cfg->threads);
	unsigned long lng = (unsigned long)((u64)per_thread * STRESS_LONG_BUDGET / 100);

	return cls == CLASS_LONG ? lng : per_thread - lng;
}

static u32 class_cap(const struct kmm_stress_config *cfg, unsigned long free, int cls)
{
	return (u32)(class_budget(cfg, free, cls) + STRESS_TABLE_SLACK);
}

/* free pages on the free lists once every per-CPU list is drained */
static unsigned long drained_free_pages(struct kmm_machine *m)
{
	kmm_drain_all_pages(m, NULL);
	return kmm_nr_free_pages(m);
}

/* reclaim slots of one thread: one per long-lived entry with the shrinker, else none */
static u32 rslot_cap(const struct kmm_stress_config *cfg, unsigned long free)
{
	return cfg->shrinker ? class_cap(cfg, free, CLASS_LONG) : 0;
}

/*
 * One thread's share of the buffer: its two tables, then one movable slot
 * per short-lived entry (movable pages are only ever short-lived), then
 * one reclaim slot per long-lived entry when the shrinker is on.
 */
static size_t thread_buffer_size(const struct kmm_stress_config *cfg, unsigned long free)
{
	return ((size_t)class_cap(cfg, free, CLASS_LONG) + class_cap(cfg, free, CLASS_SHORT)) *
		       sizeof(struct kmm_stress_block) +
	       (size_t)class_cap(cfg, free, CLASS_SHORT) * sizeof(struct kmm_stress_slot) +
	       (size_t)rslot_cap(cfg, free) * sizeof(u64);
}

size_t kmm_stress_buffer_size(struct kmm_machine *m, const struct kmm_stress_config *cfg)
{
	if (!cfg->threads || cfg->threads > KMM_STRESS_MAX_THREADS || !m->zonelists.built)
		return 0;
	return (size_t)cfg->threads * thread_buffer_size(cfg, drained_free_pages(m));
}

static int check_config(struct kmm_machine *m, const struct kmm_stress_config *cfg, char *err,
			size_t errlen)
{
	unsigned int cpus = kmm_num_online_cpus(m);

	if (!cfg->threads || cfg->threads > KMM_STRESS_MAX_THREADS || cfg->threads > cpus) {
		kmm_snprintf(err, errlen, "threads %u: the machine has %u online CPUs (at most %u)",
			     cfg->threads, cpus, KMM_STRESS_MAX_THREADS);
		return -KMM_EINVAL;
	}
	if (cfg->threads > 1 && !m->env.set_this_cpu) {
		kmm_snprintf(err, errlen, "threads %u: the environment cannot bind threads to CPUs",
			     cfg->threads);
		return -KMM_EINVAL;
	}
	if (cfg->fill_percent > 95) {
		kmm_snprintf(err, errlen, "fill_percent %u is above 95", cfg->fill_percent);
		return -KMM_EINVAL;
	}
	if (!cfg->contig.alloc != !cfg->contig.free) {
		kmm_snprintf(err, errlen, "the contig hook needs both alloc and free");
		return -KMM_EINVAL;
	}
	if (!m->zonelists.built) {
		kmm_snprintf(err, errlen, "the machine's zonelists are not built (not booted?)");
		return -KMM_EINVAL;
	}
	return 0;
}

/* every slot of @th free, chained in index order */
static void slots_init(struct kmm_stress_thread *th)
{
	for (u32 i = 0; i < th->nr_slots; i++) {
		u32 next = i + 1 < th->nr_slots ? i + 1 : KMM_STRESS_NO_SLOT;

		atomic_init(&th->slots[i].pfn, KMM_STRESS_SLOT_FREE | next);
		th->slots[i].owner = th;
	}
	th->free_slot = th->nr_slots ? 0 : KMM_STRESS_NO_SLOT;
	for (u32 i = 0; i < th->nr_rslots; i++)
		atomic_init(&th->rslots[i],
			    KMM_STRESS_SLOT_FREE | (i + 1 < th->nr_rslots ? i + 1 : KMM_STRESS_NO_SLOT));
	th->free_rslot = th->nr_rslots ? 0 : KMM_STRESS_NO_SLOT;
}

static const enum kmm_vm_event run_events[3] = { KMM_KSWAPD_WAKE, KMM_PGSTEAL_KSWAPD,
						 KMM_PGSTEAL_DIRECT };

static void stress_shrinker_init(struct kmm_stress *s);

int kmm_stress_init(struct kmm_stress *s, struct kmm_machine *m,
		    const struct kmm_stress_config *cfg, void *buf, size_t buflen, char *err,
		    size_t errlen)
{
	char *next = buf;
	unsigned long free;
	size_t need;
	int ret = check_config(m, cfg, err, errlen);

	if (ret)
		return ret;
	free = drained_free_pages(m);
	if (!free) {
		kmm_snprintf(err, errlen, "the machine has no free pages");
		return -KMM_EINVAL;
	}
	need = kmm_stress_buffer_size(m, cfg);
	if (!buf || ((uintptr_t)buf & 7) || buflen < need) {
		kmm_snprintf(err, errlen, "table buffer %p of %zu bytes: need %zu bytes, 8-aligned",
			     buf, buflen, need);
		return -KMM_EINVAL;
	}
	kmm_memset(s, 0, sizeof(*s));
	s->m = m;
	s->cfg = *cfg;
	s->has_dma = zone_kind_has_pages(m, KMM_ZONE_DMA);
	s->has_dma32 = zone_kind_has_pages(m, KMM_ZONE_DMA32);
	s->rounds = cfg->validate_every ? (cfg->ops + cfg->validate_every - 1) / cfg->validate_every
					: 1;
	if (!s->rounds)
		s->rounds = 1;
	s->barrier.n = cfg->threads;
	s->result.threads = cfg->threads;
	s->result.free_before = free;
	s->result.validate_ok = true;
	for (unsigned int t = 0; t < cfg->threads; t++) {
		struct kmm_stress_thread *th = &s->thread[t];

		th->rng = kmm_splitmix64(cfg->seed ^ kmm_splitmix64(t + 1));
		if (!th->rng)
			th->rng = 1;
		for (int cls = CLASS_LONG; cls <= CLASS_SHORT; cls++) {
			th->live[cls].blk = (struct kmm_stress_block *)next;
			th->live[cls].cap = class_cap(cfg, free, cls);
			th->live[cls].budget = class_budget(cfg, free, cls);
			next += (size_t)th->live[cls].cap * sizeof(struct kmm_stress_block);
		}
		th->slots = (struct kmm_stress_slot *)next;
		th->nr_slots = class_cap(cfg, free, CLASS_SHORT);
		next += (size_t)th->nr_slots * sizeof(struct kmm_stress_slot);
		th->rslots = (_Atomic u64 *)next;
		th->nr_rslots = rslot_cap(cfg, free);
		next += (size_t)th->nr_rslots * sizeof(u64);
		slots_init(th);
	}
	for (unsigned int i = 0; i < 3; i++)
		s->events_at_init[i] = kmm_vm_event_count(m, run_events[i]);
	if (cfg->shrinker) {
		stress_shrinker_init(s);
		ret = kmm_register_shrinker(m, &s->shrinker);
		if (ret) {
			kmm_snprintf(err, errlen, "cannot register the shrinker: error %d", ret);
			return ret;
		}
		s->shrinker_registered = true;
	}
	s->saved_mobility_disabled = m->zonelists.mobility_disabled;
	if (cfg->no_mobility)
		m->zonelists.mobility_disabled = true;
	s->bad_pages_at_init = kmm_nr_bad_pages(m);
	return 0;
}

/* ------------------------------------------------------------------ blocks */

/* a held block's first page carries a tag; NULL when the page has no direct map (highmem) */
static u64 *block_tag(const struct kmm_stress *s, u64 pfn)
{
	return kmm_pfn_to_virt(s->m, (unsigned long)pfn);
}

static void tag_block(struct kmm_stress *s, const struct kmm_stress_block *b)
{
	u64 *tag = block_tag(s, b->pfn);

	if (tag)
		*tag = STRESS_TAG ^ b->pfn;
}

/* give @b back: a changed tag means two owners had the page at once */
static void free_block(struct kmm_stress *s, struct kmm_stress_thread *th,
		       const struct kmm_stress_block *b)
{
	u64 *tag = block_tag(s, b->pfn);
	int ret;

	if (tag && *tag != (STRESS_TAG ^ b->pfn))
		stress_error(s, "pfn %#llx: tag %#llx overwritten while held",
			     (unsigned long long)b->pfn, (unsigned long long)*tag);
	if (b->kind == SK_CONTIG)
		ret = s->cfg.contig.free(s->cfg.contig.ctx, s->m, (unsigned long)b->pfn, b->nr_pages);
	else
		ret = kmm___free_pages(s->m, (unsigned long)b->pfn, b->order);
	if (ret)
		stress_error(s, "free of pfn %#llx order %u: error %d", (unsigned long long)b->pfn,
			     b->order, ret);
	th->frees++;
}

static void table_push(struct kmm_stress_table *tab, u64 pfn, u32 nr_pages, unsigned int order,
		       enum kmm_stress_kind kind)
{
	tab->blk[tab->nr++] = (struct kmm_stress_block){ .pfn = pfn,
							 .slot = KMM_STRESS_NO_SLOT,
							 .nr_pages = (u16)nr_pages,
							 .order = (u8)order,
							 .kind = (u8)kind };
	tab->pages += nr_pages;
}

/* ------------------------------------------------------------------ movable pages */

/*
 * The migrate callback of the workload's movable pages (any thread): the
 * page of slot @priv moved from @old_pfn to @new_pfn.  Refuses when the
 * slot no longer holds @old_pfn: its owner took the page out to free it.
 */
static int stress_migrate_page(struct kmm_machine *m, void *priv, unsigned long old_pfn,
			       unsigned long new_pfn)
{
	struct kmm_stress_slot *slot = priv;
	u64 expect = old_pfn;

	(void)m;
	if (!atomic_compare_exchange_strong_explicit(&slot->pfn, &expect, (u64)new_pfn,
						     memory_order_acq_rel, memory_order_acquire))
		return -KMM_EBUSY;
	atomic_fetch_add_explicit(&slot->owner->migrated, 1, memory_order_relaxed);
	return 0;
}

static const struct kmm_movable_ops stress_movable_ops = { .migrate = stress_migrate_page };

/*
 * Hold the freshly allocated order-0 page @pfn in @tab as a movable page:
 * tag it, put it in a free slot and register it (the release inside
 * kmm_set_page_movable() publishes the tag and the slot to the migrating
 * thread).  Without a free slot, or when the registration is refused, the
 * page is held as a plain page.  The entry's pfn stays the tag's key.
 */
static void push_movable(struct kmm_stress *s, struct kmm_stress_thread *th,
			 struct kmm_stress_table *tab, unsigned long pfn)
{
	u32 i = th->free_slot;
	struct kmm_stress_block *b;
	int ret;

	table_push(tab, pfn, 1, 0, SK_MOVABLE);
	b = &tab->blk[tab->nr - 1];
	tag_block(s, b);
	if (i == KMM_STRESS_NO_SLOT)
		return;
	th->free_slot = (u32)atomic_load_explicit(&th->slots[i].pfn, memory_order_relaxed);
	atomic_store_explicit(&th->slots[i].pfn, (u64)pfn, memory_order_relaxed);
	ret = kmm_set_page_movable(s->m, pfn, &stress_movable_ops, &th->slots[i]);
	if (ret) {
		stress_error(s, "set_page_movable pfn %#lx: error %d", pfn, ret);
		atomic_store_explicit(&th->slots[i].pfn, KMM_STRESS_SLOT_FREE | th->free_slot,
				      memory_order_relaxed);
		th->free_slot = i;
		return;
	}
	b->slot = i;
	th->movable_pages++;
}

/*
 * Take @b's page out of its slot before it is freed or handed over: after
 * the exchange no migration can succeed on it, so the pfn it returns is
 * where the page stays.  Unregister it, check that the tag written at the
 * allocation pfn (b->pfn) came along, and re-key the tag to the pfn now so
 * the block is a plain one again.
 */
static void detach_movable(struct kmm_stress *s, struct kmm_stress_thread *th,
			   struct kmm_stress_block *b)
{
	u64 pfn, *tag;
	int ret;

	if (b->slot == KMM_STRESS_NO_SLOT)
		return;
	pfn = atomic_exchange_explicit(&th->slots[b->slot].pfn,
				       KMM_STRESS_SLOT_FREE | th->free_slot, memory_order_acq_rel);
	th->free_slot = b->slot;
	b->slot = KMM_STRESS_NO_SLOT;
	if (pfn & KMM_STRESS_SLOT_FREE) {
		stress_error(s, "movable page allocated at pfn %#llx: its slot was free",
			     (unsigned long long)b->pfn);
		return;
	}
	ret = kmm_clear_page_movable(s->m, (unsigned long)pfn);
	if (ret)
		stress_error(s, "clear_page_movable pfn %#llx (allocated at %#llx): error %d",
			     (unsigned long long)pfn, (unsigned long long)b->pfn, ret);
	tag = block_tag(s, pfn);
	if (tag && *tag != (STRESS_TAG ^ b->pfn))
		stress_error(s, "movable page allocated at pfn %#llx, now at %#llx: tag %#llx lost",
			     (unsigned long long)b->pfn, (unsigned long long)pfn,
			     (unsigned long long)*tag);
	else if (tag)
		*tag = STRESS_TAG ^ pfn;
	b->pfn = pfn;
}

/* ------------------------------------------------------------------ reclaimable blocks */

/*
 * Hold the freshly allocated reclaimable block @pfn of @order in @tab and,
 * when an rslot is free, offer it to the shrinker: count it held first
 * (so the sum never goes below the blocks that can be won), then publish
 * the rslot with a release store, after the tag.
 */
static void push_reclaimable(struct kmm_stress *s, struct kmm_stress_thread *th,
			     struct kmm_stress_table *tab, unsigned long pfn, unsigned int order)
{
	u32 i = th->free_rslot;
	struct kmm_stress_block *b;

	table_push(tab, pfn, 1u << order, order, SK_RECLAIMABLE);
	b = &tab->blk[tab->nr - 1];
	tag_block(s, b);
	if (i == KMM_STRESS_NO_SLOT)
		return;
	th->free_rslot = (u32)atomic_load_explicit(&th->rslots[i], memory_order_relaxed);
	b->slot = i;
	if (i + 1 > atomic_load_explicit(&th->rslot_hwm, memory_order_relaxed))
		atomic_store_explicit(&th->rslot_hwm, i + 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&th->rslots_held, 1, memory_order_relaxed);
	atomic_store_explicit(&th->rslots[i], KMM_STRESS_RSLOT_HELD(pfn, order),
			      memory_order_release);
}

/*
 * Take @b back from the shrinker's reach before it is freed or handed
 * over.  Returns false when the shrinker won it first (the block is freed
 * already: drop the entry); the rslot is free again either way.
 */
static bool detach_reclaimable(struct kmm_stress *s, struct kmm_stress_thread *th,
			       struct kmm_stress_block *b)
{
	u64 v = atomic_exchange_explicit(&th->rslots[b->slot],
					 KMM_STRESS_SLOT_FREE | th->free_rslot, memory_order_acq_rel);

	th->free_rslot = b->slot;
	b->slot = KMM_STRESS_NO_SLOT;
	if (v == KMM_STRESS_RSLOT_GONE) {
		th->reclaim_gone++;
		return false;
	}
	if (v != KMM_STRESS_RSLOT_HELD(b->pfn, b->order))
		stress_error(s, "reclaimable block pfn %#llx order %u: its rslot held %#llx",
			     (unsigned long long)b->pfn, b->order, (unsigned long long)v);
	atomic_fetch_sub_explicit(&th->rslots_held, 1, memory_order_relaxed);
	return true;
}

/* take @b out of every shared slot; false when the shrinker freed it already */
static bool detach_block(struct kmm_stress *s, struct kmm_stress_thread *th,
			 struct kmm_stress_block *b)
{
	if (b->slot == KMM_STRESS_NO_SLOT)
		return true;
	if (b->kind == SK_RECLAIMABLE)
		return detach_reclaimable(s, th, b);
	detach_movable(s, th, b);
	return true;
}

/*
 * Try to win rslot @i of @th for reclaim: compare-and-swap the held value
 * seen to GONE, then free the block on this thread (after the tag check,
 * as an owner would).  Returns the pages freed, 0 when the rslot was free,
 * gone or taken meanwhile.
 */
static unsigned long reclaim_rslot(struct kmm_stress *s, struct kmm_stress_thread *th, u32 i)
{
	u64 v = atomic_load_explicit(&th->rslots[i], memory_order_relaxed), pfn, *tag;
	unsigned int order;
	int ret;

	if (v & (KMM_STRESS_SLOT_FREE | KMM_STRESS_RSLOT_GONE))
		return 0;
	if (!atomic_compare_exchange_strong_explicit(&th->rslots[i], &v, KMM_STRESS_RSLOT_GONE,
						     memory_order_acq_rel, memory_order_relaxed))
		return 0;
	atomic_fetch_sub_explicit(&th->rslots_held, 1, memory_order_relaxed);
	pfn = v & KMM_STRESS_RSLOT_PFN_MASK;
	order = (unsigned int)(v >> KMM_STRESS_RSLOT_ORDER_SHIFT);
	tag = block_tag(s, pfn);
	if (tag && *tag != (STRESS_TAG ^ pfn))
		stress_error(s, "reclaimed pfn %#llx: tag %#llx overwritten while held",
			     (unsigned long long)pfn, (unsigned long long)*tag);
	ret = kmm___free_pages(s->m, (unsigned long)pfn, order);
	if (ret)
		stress_error(s, "reclaim free of pfn %#llx order %u: error %d",
			     (unsigned long long)pfn, order, ret);
	atomic_fetch_add_explicit(&s->reclaim_blocks, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->reclaim_pages, 1ull << order, memory_order_relaxed);
	return 1ul << order;
}

/* count_objects: the reclaimable blocks every thread holds in an rslot */
static unsigned long stress_shrink_count(struct kmm_machine *m, struct kmm_shrinker *sh,
					 struct kmm_shrink_control *sc)
{
	const struct kmm_stress *s = sh->priv;
	unsigned long n = 0;

	(void)m;
	(void)sc;
	for (unsigned int t = 0; t < s->cfg.threads; t++)
		n += atomic_load_explicit(&s->thread[t].rslots_held, memory_order_relaxed);
	return n ? n : KMM_SHRINK_EMPTY;
}

/*
 * scan_objects: free up to nr_to_scan held blocks, walking the threads'
 * used rslots from the cursor (thread << 32 | rslot), at most one lap, and
 * leave the cursor where the walk stopped.  Returns the blocks freed.  Two
 * reclaimers may walk at once; the compare-and-swap gives each block to
 * one of them, and the cursor is only a starting hint.
 */
static unsigned long stress_shrink_scan(struct kmm_machine *m, struct kmm_shrinker *sh,
					struct kmm_shrink_control *sc)
{
	struct kmm_stress *s = sh->priv;
	unsigned int threads = s->cfg.threads;
	u64 cur = atomic_load_explicit(&s->reclaim_cursor, memory_order_relaxed);
	unsigned int t = (unsigned int)(cur >> 32) % threads;
	u32 i = (u32)cur;
	unsigned long freed = 0, steps = threads;

	(void)m;
	atomic_fetch_add_explicit(&s->reclaim_scans, 1, memory_order_relaxed);
	for (unsigned int k = 0; k < threads; k++)
		steps += atomic_load_explicit(&s->thread[k].rslot_hwm, memory_order_relaxed);
	while (freed < sc->nr_to_scan && steps--) {
		struct kmm_stress_thread *th = &s->thread[t];

		if (i >= atomic_load_explicit(&th->rslot_hwm, memory_order_relaxed)) {
			t = (t + 1) % threads;
			i = 0;
			continue;
		}
		freed += reclaim_rslot(s, th, i++) ? 1 : 0;
	}
	atomic_store_explicit(&s->reclaim_cursor, ((u64)t << 32) | i, memory_order_relaxed);
	return freed;
}

static void stress_shrinker_init(struct kmm_stress *s)
{
	s->shrinker = (struct kmm_shrinker){ .count_objects = stress_shrink_count,
					     .scan_objects = stress_shrink_scan,
					     .seeks = KMM_DEFAULT_SEEKS,
					     .priv = s };
	atomic_init(&s->shrinker.nr_deferred, 0);
}

/* take a random block out of @tab (not empty) into *@out, detached; false when it was reclaimed */
static bool table_take(struct kmm_stress *s, struct kmm_stress_thread *th,
		       struct kmm_stress_table *tab, struct kmm_stress_block *out)
{
	u32 i = rnd_below(th, tab->nr);

	*out = tab->blk[i];
	tab->blk[i] = tab->blk[--tab->nr];
	tab->pages -= out->nr_pages;
	return detach_block(s, th, out);
}

/* ------------------------------------------------------------------ inboxes */

/* hand @b to @to's inbox; false when it is full */
static bool inbox_push(struct kmm_stress_thread *to, const struct kmm_stress_block *b)
{
	unsigned int nr;
	bool ok = false;

	kmm_spin_lock(&to->inbox_lock);
	nr = atomic_load_explicit(&to->inbox_nr, memory_order_relaxed);
	if (nr < KMM_STRESS_INBOX) {
		to->inbox[(to->inbox_head + nr) % KMM_STRESS_INBOX] = *b;
		atomic_store_explicit(&to->inbox_nr, nr + 1, memory_order_relaxed);
		ok = true;
	}
	kmm_spin_unlock(&to->inbox_lock);
	return ok;
}

/* the oldest block in @th's inbox; false when it is empty */
static bool inbox_pop(struct kmm_stress_thread *th, struct kmm_stress_block *b)
{
	unsigned int nr;
	bool ok = false;

	if (!atomic_load_explicit(&th->inbox_nr, memory_order_relaxed))
		return false;
	kmm_spin_lock(&th->inbox_lock);
	nr = atomic_load_explicit(&th->inbox_nr, memory_order_relaxed);
	if (nr) {
		*b = th->inbox[th->inbox_head];
		th->inbox_head = (th->inbox_head + 1) % KMM_STRESS_INBOX;
		atomic_store_explicit(&th->inbox_nr, nr - 1, memory_order_relaxed);
		ok = true;
	}
	kmm_spin_unlock(&th->inbox_lock);
	return ok;
}

/* ------------------------------------------------------------------ steps */

static bool kind_enabled(const struct kmm_stress *s, enum kmm_stress_kind k)
{
	switch (k) {
	case SK_DMA: return s->has_dma;
	case SK_DMA32: return s->has_dma32;
	case SK_CONTIG: return s->cfg.contig.alloc != NULL;
	default: return true;
	}
}

static enum kmm_stress_kind pick_kind(const struct kmm_stress *s, struct kmm_stress_thread *th,
				      int cls)
{
	u8 w[SK_NR];

	for (int k = 0; k < SK_NR; k++)
		w[k] = kinds[k].class == cls && kind_enabled(s, (enum kmm_stress_kind)k) ?
			       kind_weight[k] : 0;
	return (enum kmm_stress_kind)rnd_weighted(th, w, SK_NR);
}

/* a contiguous run through the hook: 1..512 pages, any length */
static void alloc_contig(struct kmm_stress *s, struct kmm_stress_thread *th,
			 struct kmm_stress_table *tab)
{
	unsigned long nr = 1 + rnd_below(th, STRESS_CONTIG_MAX), pfn;
	int ret = s->cfg.contig.alloc(s->cfg.contig.ctx, s->m, nr, &pfn);

	th->allocs++;
	if (ret == -KMM_ENOMEM || ret == -KMM_EBUSY) {
		th->alloc_failures++;
		if (ret == -KMM_EBUSY)
			th->contig_busy++;
		else
			th->contig_nomem++;
		return;
	}
	if (ret) {
		stress_error(s, "contig alloc of %lu pages: error %d", nr, ret);
		return;
	}
	th->contig_ok++;
	th->contig_pages += nr;
	table_push(tab, pfn, (u32)nr, 0, SK_CONTIG);
	tag_block(s, &tab->blk[tab->nr - 1]);
}

/* one allocation of @kind into @tab; a quarter of SK_KERNEL's order >= 1 blocks are split */
static void alloc_one(struct kmm_stress *s, struct kmm_stress_thread *th,
		      struct kmm_stress_table *tab, enum kmm_stress_kind kind)
{
	const struct kind_info *ki = &kinds[kind];
	unsigned int order = ki->min_order + rnd_weighted(th, ki->weight, ki->nr_weights);
	unsigned long pfn;
	int ret;

	if (tab->nr + (1u << order) > tab->cap)
		return; /* cannot happen with the slack; keeps the table safe regardless */
	if (kind == SK_CONTIG) {
		alloc_contig(s, th, tab);
		return;
	}
	ret = kmm_alloc_pages(s->m, ki->gfp | __GFP_NOWARN, order, &pfn);
	th->allocs++;
	if (ret == -KMM_ENOMEM) {
		th->alloc_failures++;
		return;
	}
	if (ret) {
		stress_error(s, "alloc gfp %#x order %u: error %d", ki->gfp, order, ret);
		return;
	}
	if (kind == SK_MOVABLE && !order) {
		push_movable(s, th, tab, pfn);
		return;
	}
	if (kind == SK_RECLAIMABLE && s->cfg.shrinker) {
		push_reclaimable(s, th, tab, pfn, order);
		return;
	}
	if ((kind == SK_KERNEL && order && rnd_below(th, 4) == 0) ||
	    (kind == SK_MOVABLE && order <= STRESS_MOVABLE_SPLIT_MAX && rnd_below(th, 2) == 0)) {
		ret = kmm_split_page(s->m, pfn, order);
		if (ret)
			stress_error(s, "split_page pfn %#lx order %u: error %d", pfn, order, ret);
		for (unsigned long i = 0; !ret && i < (1ul << order); i++) {
			if (kind == SK_MOVABLE) {
				push_movable(s, th, tab, pfn + i);
				continue;
			}
			table_push(tab, pfn + i, 1, 0, kind);
			tag_block(s, &tab->blk[tab->nr - 1]);
		}
		th->split_pages += ret ? 0 : 1;
		if (!ret)
			return;
	}
	table_push(tab, pfn, 1u << order, order, kind);
	tag_block(s, &tab->blk[tab->nr - 1]);
}

/* free a random block of @tab, or hand it to the next thread */
static void free_one(struct kmm_stress *s, struct kmm_stress_thread *th, unsigned int t,
		     struct kmm_stress_table *tab)
{
	struct kmm_stress_block b;
	unsigned int threads = s->cfg.threads;

	if (!table_take(s, th, tab, &b))
		return;
	if (threads > 1 && rnd_below(th, 8) < STRESS_HANDOFF_EIGHTHS &&
	    inbox_push(&s->thread[(t + 1) % threads], &b)) {
		th->handoffs++;
		return;
	}
	free_block(s, th, &b);
}

/*
 * One step of thread @t: free a block another thread handed over, or
 * continue a GFP_ATOMIC burst, or (maybe starting a burst) pick a class and
 * allocate while it is under budget (probability 5/8) or free one of its
 * blocks.
 */
static void stress_step(struct kmm_stress *s, struct kmm_stress_thread *th, unsigned int t)
{
	struct kmm_stress_block b;
	struct kmm_stress_table *tab;
	int cls;

	th->ops++;
	if (inbox_pop(th, &b)) {
		free_block(s, th, &b);
		return;
	}
	if (!th->burst && rnd_below(th, STRESS_BURST_ONE_IN) == 0)
		th->burst = 8 + rnd_below(th, 57);
	if (th->burst) {
		th->burst--;
		alloc_one(s, th, &th->live[CLASS_SHORT], SK_ATOMIC);
		return;
	}
	cls = rnd_below(th, 10) < STRESS_LONG_STEPS ? CLASS_LONG : CLASS_SHORT;
	tab = &th->live[cls];
	if (!tab->nr || (tab->pages < tab->budget && rnd_below(th, 8) < STRESS_ALLOC_EIGHTHS))
		alloc_one(s, th, tab, pick_kind(s, th, cls));
	else
		free_one(s, th, t, tab);
}

/* give back everything @th holds or was handed */
static void free_everything(struct kmm_stress *s, struct kmm_stress_thread *th)
{
	struct kmm_stress_block b;

	while (inbox_pop(th, &b))
		free_block(s, th, &b);
	for (int cls = CLASS_LONG; cls <= CLASS_SHORT; cls++) {
		struct kmm_stress_table *tab = &th->live[cls];

		while (tab->nr) {
			b = tab->blk[--tab->nr];
			tab->pages -= b.nr_pages;
			if (detach_block(s, th, &b))
				free_block(s, th, &b);
		}
	}
}

/* ------------------------------------------------------------------ measuring */

unsigned int kmm_unusable_free_index(unsigned int order, unsigned long free_pages,
				     unsigned long suitable)
{
	u64 usable = (u64)suitable << order;

	/* nothing free counts as nothing usable, as Linux says */
	if (!free_pages)
		return 1000;
	if (usable > free_pages)
		usable = free_pages;
	return (unsigned int)(((u64)free_pages - usable) * 1000 / free_pages);
}

static u64 fnv1a(u64 h, u64 v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
	return h;
}

/* hash @z's free lists: each list's length and its pfns in list order */
static u64 zone_fingerprint(const struct kmm_machine *m, const struct kmm_zone *z, u64 h)
{
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
		for (int mt = 0; mt < KMM_MIGRATE_TYPES; mt++) {
			u64 pfn = z->free_area[o].head[mt];
			unsigned long n = z->free_area[o].nr[mt];

			h = fnv1a(h, ((u64)o << 56) | ((u64)mt << 48) | n);
			for (; pfn != KMM_PFN_NONE && n; n--) {
				const struct kmm_page *p = kmm_pfn_to_page(m, (unsigned long)pfn);

				h = fnv1a(h, pfn);
				if (!p)
					break;
				pfn = p->next;
			}
		}
	}
	return h;
}

/*
 * The peak: every zone's free lists as Linux's debugfs reads them (the
 * per-CPU lists not counted), summed over the zones: the free pages, the
 * free blocks of each order, the unusable free space index for order 9,
 * and a fingerprint of the lists.  Runs while every worker waits.
 */
static void measure_peak(struct kmm_stress *s)
{
	struct kmm_stress_result *r = &s->result;
	const struct kmm_machine *m = s->m;
	unsigned long suitable = 0;
	u64 h = 0xcbf29ce484222325ULL;

	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		if (!m->node[n].online)
			continue;
		for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++) {
			const struct kmm_zone *z = &m->node[n].zones[zi];

			if (!z->managed_pages)
				continue;
			for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
				unsigned long nr = z->free_area[o].nr_free;

				r->peak_nr_free[o] += nr;
				r->peak_free_pages += nr << o;
				if (o >= KMM_STRESS_FRAG_ORDER)
					suitable += nr << (o - KMM_STRESS_FRAG_ORDER);
			}
			h = zone_fingerprint(m, z, fnv1a(h, ((u64)n << 8) | zi));
		}
	}
	r->unusable_index = kmm_unusable_free_index(KMM_STRESS_FRAG_ORDER, r->peak_free_pages,
						    suitable);
	r->peak_fingerprint = h;
}

/* the allocator's own checks: its walkers and no new bad-page report */
static void validate_now(struct kmm_stress *s)
{
	unsigned long bad = kmm_nr_bad_pages(s->m);

	s->result.validations++;
	if (!kmm_page_alloc_validate(s->m))
		stress_error(s, "kmm_page_alloc_validate failed after %llu ops",
			     (unsigned long long)s->result.ops);
	if (bad != s->bad_pages_at_init)
		stress_error(s, "%lu bad page reports", bad);
}

static void sum_counters(struct kmm_stress *s)
{
	struct kmm_stress_result *r = &s->result;

	r->ops = r->allocs = r->alloc_failures = r->frees = r->handoffs = r->split_pages = 0;
	r->movable_pages = r->migrated = 0;
	r->contig_ok = r->contig_busy = r->contig_nomem = r->contig_pages = 0;
	r->reclaim_gone = 0;
	for (unsigned int t = 0; t < s->cfg.threads; t++) {
		const struct kmm_stress_thread *th = &s->thread[t];

		r->ops += th->ops;
		r->allocs += th->allocs;
		r->alloc_failures += th->alloc_failures;
		r->frees += th->frees;
		r->handoffs += th->handoffs;
		r->split_pages += th->split_pages;
		r->movable_pages += th->movable_pages;
		r->migrated += atomic_load_explicit(&th->migrated, memory_order_relaxed);
		r->contig_ok += th->contig_ok;
		r->contig_busy += th->contig_busy;
		r->contig_nomem += th->contig_nomem;
		r->contig_pages += th->contig_pages;
		r->reclaim_gone += th->reclaim_gone;
	}
	r->reclaim_blocks = atomic_load_explicit(&s->reclaim_blocks, memory_order_relaxed);
	r->reclaim_pages = atomic_load_explicit(&s->reclaim_pages, memory_order_relaxed);
	r->reclaim_scans = atomic_load_explicit(&s->reclaim_scans, memory_order_relaxed);
	r->kswapd_wakes = kmm_vm_event_count(s->m, KMM_KSWAPD_WAKE) - s->events_at_init[0];
	r->pgsteal_kswapd = kmm_vm_event_count(s->m, KMM_PGSTEAL_KSWAPD) - s->events_at_init[1];
	r->pgsteal_direct = kmm_vm_event_count(s->m, KMM_PGSTEAL_DIRECT) - s->events_at_init[2];
}

/*
 * With host kswapd threads (env.wake_kswapd), wait until no pass runs or
 * is due: the workers are at the barrier, so nothing wakes kswapd again,
 * and a pass ends (balanced, or hopeless after KMM_MAX_RECLAIM_RETRIES
 * passes that freed nothing).  Without them every pass runs in a worker,
 * and none runs now.
 */
static void quiesce_kswapd(struct kmm_stress *s)
{
	if (!s->m->env.wake_kswapd)
		return;
	while (!kmm_kswapd_idle(s->m))
		kmm_cpu_relax();
}

static void serial_step(struct kmm_stress *s, enum serial_step step)
{
	struct kmm_stress_result *r = &s->result;

	if (step == STEP_FINAL && s->shrinker_registered) {
		/* waits for the reclaim passes that still walk the rslots */
		if (kmm_unregister_shrinker(s->m, &s->shrinker))
			stress_error(s, "the run's shrinker was not registered at the end");
		s->shrinker_registered = false;
	}
	quiesce_kswapd(s);
	sum_counters(s);
	switch (step) {
	case STEP_VALIDATE:
		validate_now(s);
		break;
	case STEP_PEAK:
		validate_now(s);
		measure_peak(s);
		break;
	case STEP_FINAL:
		r->free_after = drained_free_pages(s->m);
		r->leaked_pages = (long)r->free_before - (long)r->free_after;
		validate_now(s);
		if (r->leaked_pages)
			stress_error(s, "%ld pages leaked", r->leaked_pages);
		if (r->reclaim_gone != r->reclaim_blocks)
			stress_error(s, "%llu blocks reclaimed but %llu found gone by their owners",
				     (unsigned long long)r->reclaim_blocks,
				     (unsigned long long)r->reclaim_gone);
		s->m->zonelists.mobility_disabled = s->saved_mobility_disabled;
		break;
	}
	r->nr_errors = atomic_load_explicit(&s->nr_errors, memory_order_relaxed);
	r->validate_ok = r->nr_errors == 0;
}

/*
 * Meet the other workers.  The thread that arrives last runs @step while
 * the others spin on the generation; its acquire-release increment of
 * @arrived sees everything the others did before arriving, and their
 * acquire load of the new generation sees everything the step did.
 */
static void stress_sync(struct kmm_stress *s, enum serial_step step)
{
	struct kmm_stress_barrier *b = &s->barrier;
	unsigned int gen = atomic_load_explicit(&b->generation, memory_order_acquire);

	if (atomic_fetch_add_explicit(&b->arrived, 1, memory_order_acq_rel) + 1 == b->n) {
		serial_step(s, step);
		atomic_store_explicit(&b->arrived, 0, memory_order_relaxed);
		atomic_fetch_add_explicit(&b->generation, 1, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&b->generation, memory_order_acquire) == gen)
		kmm_cpu_relax();
}

/* ops of thread @t in round @round: the round's ops split evenly, remainder to the first */
static u64 round_share(const struct kmm_stress *s, u64 round, unsigned int t)
{
	u64 v = s->cfg.validate_every, ops = s->cfg.ops, in_round;
	unsigned int n = s->cfg.threads;

	in_round = !v ? ops : round + 1 < s->rounds ? v : ops - v * (s->rounds - 1);
	return in_round / n + (t < in_round % n ? 1 : 0);
}

void kmm_stress_worker(struct kmm_stress *s, unsigned int thread)
{
	struct kmm_stress_thread *th = &s->thread[thread];
	int ret = kmm_set_this_cpu(s->m, thread);

	if (ret && !(ret == -KMM_ENOTSUP && s->cfg.threads == 1))
		stress_error(s, "thread %u: cannot bind to CPU %u: error %d", thread, thread, ret);
	for (u64 round = 0; round < s->rounds; round++) {
		for (u64 i = round_share(s, round, thread); i; i--)
			stress_step(s, th, thread);
		stress_sync(s, round + 1 == s->rounds ? STEP_PEAK : STEP_VALIDATE);
	}
	free_everything(s, th);
	stress_sync(s, STEP_FINAL);
}

const struct kmm_stress_result *kmm_stress_result_get(const struct kmm_stress *s)
{
	return &s->result;
}

int kmm_stress_format_line(const struct kmm_stress *s, u64 elapsed_ms, char *buf, size_t len)
{
	const struct kmm_stress_result *r = &s->result;
	u64 cs = (elapsed_ms + 5) / 10;

	return kmm_snprintf(buf, len,
			    "stress: ops=%llu threads=%u seconds=%llu.%02llu validate=%s "
			    "leaked_pages=%ld unusable_index_order9=%u.%03u",
			    (unsigned long long)r->ops, r->threads, (unsigned long long)(cs / 100),
			    (unsigned long long)(cs % 100), r->validate_ok ? "ok" : "FAILED",
			    r->leaked_pages, r->unusable_index / 1000, r->unusable_index % 1000);
}
