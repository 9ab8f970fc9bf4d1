/* SPDX-License-Identifier: MIT */
/*
 * kmm/page_alloc.h - struct page and the buddy allocator of Linux 6.1
 * (mm/page_alloc.c, include/linux/mmzone.h, include/linux/gfp.h).
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
 * In front of the free lists sit the per-CPU page lists (struct
 * kmm_per_cpu_pages, one per zone and CPU): order-0..3 blocks of the three
 * "PCP" migrate types and order-9 (THP) blocks, taken from the zone in
 * batches and given back when a list grows past the zone's pcp high.  Pages
 * on them are free but not on the free lists, so NR_FREE_PAGES
 * (zone->vm_free_pages) does not count them, as in Linux.
 *
 * Allocation (kmm_alloc_pages_node()) walks the zonelist of the preferred
 * node (only the node's own zones with __GFP_THISNODE) from the highest
 * zone the GFP flags allow, takes the first zone whose watermark check
 * passes (kmm_zone_watermark_ok()) and removes a block there: from the
 * per-CPU list, else the smallest free block of the request's migrate type,
 * else CMA (movable requests), else a block stolen from another type by
 * Linux's fallback rules.  The slow path (__alloc_pages_slowpath) wakes
 * kswapd, repeats the walk at the min watermark with the
 * ALLOC_HIGH/ALLOC_HARDER allowances of the flags, compacts first for costly
 * or unmovable high orders, then loops: the reserves for __GFP_MEMALLOC,
 * direct reclaim through the shrinkers (kmm/vmscan.h), direct compaction
 * (kmm/compaction.h), Linux's retry rules, and the OOM step (a report: kmm
 * has no process to kill).  A failed request prints warn_alloc()'s "page
 * allocation failure" report with show_mem() unless __GFP_NOWARN;
 * __GFP_NOFAIL gets the reserves after the OOM step and retries a bounded
 * number of times (32 passes), then fails with the report regardless of
 * __GFP_NOWARN.  Counters: kmm/vmstat.h.
 *
 * Pages are named by pfn: allocations return the first pfn through an
 * out-parameter (kmm_pfn_to_page() gives the descriptor,
 * kmm_pfn_to_virt() the direct-map address); errors are negative kmm_err.
 *
 * Concurrency: every host thread that allocates or frees is bound to a CPU
 * id (kmm_set_this_cpu()); each CPU's per-CPU lists have their own lock, each
 * zone's free lists the zone lock (taken after a pcp lock, never before).
 * There is no global lock.  Counters read without the zone lock
 * (NR_FREE_PAGES, the highatomic reserve, the boost) are read atomically.
 *
 * Lifecycle: memmap init (kmm_memmap_init) -> kmm_memblock_free_all() hands
 * free memory to the buddy allocator -> kmm_alloc_pages()/kmm___free_pages().
 * Until the watermarks are set (kmm_init_per_zone_wmark_min()) the zones'
 * pcp limits are 0 and every CPU uses Linux's boot pageset rule (high 0,
 * batch 1): each order-0 allocation takes exactly one page from the free
 * lists and each free gives it straight back.
 */
#ifndef KMM_PAGE_ALLOC_H
#define KMM_PAGE_ALLOC_H

#include <kmm/cma.h>
#include <kmm/compaction.h>
#include <kmm/env.h>
#include <kmm/gfp.h>
#include <kmm/mmzone.h>
#include <kmm/spinlock.h>
#include <kmm/vmscan.h>
#include <kmm/vmstat.h>

struct kmm_machine;

#define KMM_PFN_NONE (~0ULL)
#define KMM_PAGEBLOCK_ORDER 9 /* HUGETLB_PAGE_ORDER with 4K pages */
#define KMM_PAGEBLOCK_NR_PAGES (1UL << KMM_PAGEBLOCK_ORDER)

#define KMM_PAGE_ALLOC_COSTLY_ORDER 3
#define KMM_PAGE_SIZE 4096UL

/* Page flags kmm keeps (a subset of Linux's, same meaning). */
enum {
	KMM_PG_RESERVED = 1u << 0, /* PG_reserved: never given to the buddy allocator */
	KMM_PG_BUDDY = 1u << 1,    /* PageBuddy: head of a free block, private = order */
	KMM_PG_HEAD = 1u << 2,     /* compound head: order = compound order */
	KMM_PG_TAIL = 1u << 3,     /* compound tail: compound_head = head pfn */
	KMM_PG_HIGHMEM = 1u << 4,
	KMM_PG_POISONED = 1u << 5, /* debug: freed and filled with KMM_PAGE_POISON */
	KMM_PG_PCP = 1u << 6,      /* head of a block on a per-CPU list (kmm only) */
	KMM_PG_MOVABLE = 1u << 7,  /* __PageMovable: allocated, owner registered a migrate
				    * callback: next = ops, prev = priv (kmm/compaction.h) */
	KMM_PG_ISOLATED = 1u << 8, /* PageIsolated: a migration holds the page */
};

#define KMM_PAGE_POISON 0xaa /* PAGE_POISON: what a freed page is filled with */

/*
 * struct kmm_page - kmm's page descriptor.  Fits in 40 bytes (i386's struct
 * page); the rest of a 64-byte slot is unused.
 *
 * @flags is read by other CPUs while the page's owner may change it (the
 * buddy merge looks at a neighbour's KMM_PG_BUDDY), so the allocator reads
 * and writes it with atomic operations, as Linux's page flag bit operations
 * are atomic.
 */
struct kmm_page {
	u16 flags;    /* KMM_PG_* */
	u8 order;     /* allocated head: the order it was allocated with (compound order) */
	u8 mt;        /* the free or per-CPU list type the block is on, came from or goes to */
	u32 private;  /* KMM_PG_BUDDY: the block's order; the owner's while allocated */
	s32 refcount; /* _refcount: 0 while free, 1 when allocated (head or split pages) */
	s32 mapcount; /* page_mapcount(): 0 = unmapped */
	u64 next;     /* free list / per-CPU list link: pfn or KMM_PFN_NONE */
	u64 prev;
	u64 compound_head; /* KMM_PG_TAIL: pfn of the head */
};

/*
 * Allocation flags (mm/internal.h ALLOC_*): the watermark to check and the
 * reserves a request may dip into.  ALLOC_HIGH == __GFP_HIGH and
 * ALLOC_KSWAPD == __GFP_KSWAPD_RECLAIM, as in Linux.
 */
enum {
	KMM_ALLOC_WMARK_MIN = KMM_WMARK_MIN,
	KMM_ALLOC_WMARK_LOW = KMM_WMARK_LOW,
	KMM_ALLOC_WMARK_HIGH = KMM_WMARK_HIGH,
	KMM_ALLOC_NO_WATERMARKS = 0x04,
	KMM_ALLOC_WMARK_MASK = KMM_ALLOC_NO_WATERMARKS - 1,
	KMM_ALLOC_OOM = 0x08,
	KMM_ALLOC_HARDER = 0x10,
	KMM_ALLOC_HIGH = 0x20,
	KMM_ALLOC_CPUSET = 0x40,
	KMM_ALLOC_CMA = 0x80,
	KMM_ALLOC_NOFRAGMENT = 0x100,
	KMM_ALLOC_KSWAPD = 0x800,
};

/*
 * Per-CPU page lists (struct per_cpu_pages).  6.1 keeps one list per
 * migrate type for each order 0..PAGE_ALLOC_COSTLY_ORDER and one shared
 * list for pageblock_order blocks (THP): list index = 3 * order + type, or
 * KMM_NR_LOWORDER_PCP_LISTS for order 9.
 */
#define KMM_NR_LOWORDER_PCP_LISTS (KMM_MIGRATE_PCPTYPES * (KMM_PAGE_ALLOC_COSTLY_ORDER + 1))
#define KMM_NR_PCP_LISTS (KMM_NR_LOWORDER_PCP_LISTS + 1)
#define KMM_PCP_MAX_CPUS 64  /* CPUs with per-CPU lists; more online CPUs share CPU 0's */
#define KMM_PCP_MAX_ZONES 16 /* zones with per-CPU lists; others go to the free lists directly */

struct kmm_pcp_list {
	u64 head, tail; /* pfns of the first and last block, KMM_PFN_NONE when empty */
};

/* the vmstat events the per-CPU fast path counts in its own lists (see below) */
enum kmm_pcp_stat {
	KMM_PCP_PGALLOC, /* pages allocated from this zone (pgalloc_<zone>) */
	KMM_PCP_PGFREE,  /* pages freed (pgfree) */
	KMM_PCP_NUMA_HIT,
	KMM_PCP_NUMA_MISS,
	KMM_PCP_NUMA_FOREIGN,
	KMM_PCP_NUMA_LOCAL,
	KMM_PCP_NUMA_OTHER,
	KMM_PCP_NR_STATS
};

/*
 * struct kmm_per_cpu_pages - one CPU's lists of one zone.  @lock protects
 * every field and the list links of the pages on the lists.
 *   count = sum over lists of (blocks on the list) << (the list's order)
 * The limits are the zone's (pageset_high/pageset_batch); a zone whose
 * batch is still 0 uses the boot pageset's high 0, batch 1.
 *   stat[]: the events of allocations and frees that went through these
 *   lists, counted under @lock without a locked instruction (Linux's
 *   __count_vm_events with preemption off) and exact even when two host
 *   threads share a CPU id; written with relaxed atomic stores so the
 *   vmstat readers (kmm/vmstat.h), which add them in, may read any time.
 */
struct kmm_per_cpu_pages {
	struct kmm_spinlock lock;
	int count;
	int free_factor; /* batch scaling while frees outnumber allocations */
	struct kmm_pcp_list lists[KMM_NR_PCP_LISTS];
	unsigned long stat[KMM_PCP_NR_STATS];
} __attribute__((aligned(64)));

struct kmm_zone_lock {
	struct kmm_spinlock lock; /* zone->lock: the zone's free lists and free counters */
} __attribute__((aligned(64)));

/*
 * struct kmm_page_alloc - the runtime state of a machine's page allocator
 * (in struct kmm_machine; zeroed by kmm_machine_init(), which is a valid
 * empty state).
 *   pcp_slot[n][z] = 0 (no per-CPU lists yet) or 1 + the index in pcp[] of
 *   zone z of node n; slots are handed out on first use, nr_pcp_slots of
 *   them so far (<= KMM_PCP_MAX_ZONES).
 *   boosted[n][z]: ZONE_BOOSTED_WATERMARK (kswapd is to be woken).
 *   nr_bad_pages: "BUG: Bad page state" reports (Linux taints the kernel);
 *   nr_poison_reports: "pagealloc: memory corruption" reports.
 *   vmstat: event counters (kmm/vmstat.h); reclaim: shrinkers and kswapd
 *   (kmm/vmscan.h); compact[n][z]: compaction deferral and isolated
 *   pageblocks of zone z of node n (kmm/compaction.h); cma: CMA bitmaps
 *   (kmm/cma.h).
 */
struct kmm_page_alloc {
	struct kmm_zone_lock zone_lock[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES];
	_Atomic u8 pcp_slot[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES];
	_Atomic u8 boosted[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES];
	atomic_uint nr_pcp_slots;
	atomic_ulong nr_bad_pages;
	atomic_ulong nr_poison_reports;
	struct kmm_per_cpu_pages pcp[KMM_PCP_MAX_ZONES][KMM_PCP_MAX_CPUS];
	struct kmm_vmstat vmstat;
	struct kmm_reclaim reclaim;
	struct kmm_zone_compact compact[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES];
	struct kmm_cma_state cma;
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
 * (Linux __free_one_page).  @to_tail: FPI_TO_TAIL.  Adds 2^order to
 * NR_FREE_PAGES (and NR_FREE_CMA_PAGES for CMA) unless @mt is ISOLATE.
 * The caller holds the zone lock once other CPUs may use the allocator.
 */
void __kmm_free_one_page(struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			 unsigned int order, enum kmm_migratetype mt, bool to_tail);

/* kmm_zone_free_pages - pages on @z's free lists (NR_FREE_PAGES), read atomically */
unsigned long kmm_zone_free_pages(const struct kmm_zone *z);

/*
 * kmm_free_lists_validate - walk every free list of @z: links consistent,
 * heads marked buddy (and not reserved, not on a per-CPU list) with the
 * list's order, aligned, inside the zone; blocks on the CMA and ISOLATE
 * lists in pageblocks of that type and no other block in a CMA pageblock
 * (the types Linux never lets mix); counters equal to the walk;
 * nr_reserved_highatomic equal to the HIGHATOMIC pageblocks times
 * pageblock_nr_pages.  Returns false (and reports via env->bug) on the
 * first inconsistency.  Not locked: call it when no other CPU uses @z
 * (kmm_page_alloc_validate() takes the locks).
 */
bool kmm_free_lists_validate(const struct kmm_machine *m, const struct kmm_zone *z);

/* ------------------------------------------------------------------ runtime */

/*
 * kmm_set_this_cpu - bind the calling host thread to CPU @cpu of @m (its
 * per-CPU lists).  Needs the environment's set_this_cpu/this_cpu hooks (the
 * hosted port's kmm_hosted_cpu_fill_env()).  Returns 0, -KMM_EINVAL when
 * @cpu >= the online CPUs (kmm_num_online_cpus()) or KMM_PCP_MAX_CPUS, or
 * -KMM_ENOTSUP without the hooks.  Threads that never bind are CPU 0.
 */
int kmm_set_this_cpu(struct kmm_machine *m, unsigned int cpu);

/* kmm_this_cpu - smp_processor_id(): the calling thread's CPU (0 when unbound or out of range) */
unsigned int kmm_this_cpu(const struct kmm_machine *m);

/*
 * kmm_cpu_to_node - numa_node_id() of CPU @cpu as the page allocator sees
 * it: the CPU's node once the per-CPU areas are set up and when that node
 * is online, else the first online node (0 when none is).
 */
int kmm_cpu_to_node(const struct kmm_machine *m, unsigned int cpu);

/*
 * kmm_alloc_pages_node - __alloc_pages(@gfp, @order, @nid): 2^@order
 * contiguous pages, the first at *@pfn (aligned to 2^order).  @nid is the
 * preferred node, KMM_NUMA_NO_NODE for the calling CPU's node.
 * The block has refcount 1 on its first page (each page with
 * kmm_split_page()); __GFP_ZERO clears it, __GFP_COMP makes it a compound
 * page (KMM_PG_HEAD on the first page, KMM_PG_TAIL and compound_head on the
 * others).  Any thread bound to a CPU may call it; no lock may be held.
 * Returns 0, or:
 *   -KMM_EINVAL  @order >= MAX_ORDER, @gfp has bits above __GFP_BITS_MASK,
 *                a GFP_ZONE_BAD zone combination or both __GFP_MOVABLE and
 *                __GFP_RECLAIMABLE, @nid out of range or offline, or the
 *                zonelists are not built (nothing is allocated);
 *   -KMM_ENOMEM  no zone of the zonelist could satisfy the request at the
 *                watermark the flags allow (*@pfn is not written).
 */
int kmm_alloc_pages_node(struct kmm_machine *m, int nid, gfp_t gfp, unsigned int order,
			 unsigned long *pfn);

/* kmm_alloc_pages - alloc_pages(): kmm_alloc_pages_node() on the calling CPU's node */
int kmm_alloc_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order, unsigned long *pfn);

/*
 * kmm___free_pages - __free_pages(): drop the reference of the block
 * [pfn, pfn + 2^order) that kmm_alloc_pages() returned; when it was the
 * last one, the block goes back (order <= 3 and 9 through the calling CPU's
 * per-CPU list, larger ones straight to the free lists).  While other
 * references remain, a non-compound block's pages beyond the first are
 * freed (as Linux does).  Misuse is reported as Linux reports it, with
 * "BUG: Bad page state in process kmm  pfn:XXXXX", a dump of the page and
 * the reason, and the page is left alone (counted in nr_bad_pages):
 * already free (double free), a compound tail, PG_reserved, still mapped,
 * an order other than the one allocated.  Returns 0, or -KMM_EFAULT after
 * such a report, -KMM_EINVAL for @order >= MAX_ORDER or a pfn without a
 * struct page or zone (logged, nothing done).
 */
int kmm___free_pages(struct kmm_machine *m, unsigned long pfn, unsigned int order);

/* kmm_pfn_to_virt - the direct-map address of @pfn (page_address), NULL when not backed */
void *kmm_pfn_to_virt(const struct kmm_machine *m, unsigned long pfn);

/* kmm_virt_to_pfn - the pfn of direct-map address @addr; -KMM_EINVAL when @addr is not one */
int kmm_virt_to_pfn(const struct kmm_machine *m, const void *addr, unsigned long *pfn);

/*
 * kmm___get_free_pages - __get_free_pages(): kmm_alloc_pages() without
 * __GFP_HIGHMEM, returning the block's direct-map address in *@addr.
 * Errors as kmm_alloc_pages(), and -KMM_EINVAL without phys_to_virt.
 */
int kmm___get_free_pages(struct kmm_machine *m, gfp_t gfp, unsigned int order, void **addr);

/* kmm_get_zeroed_page - get_zeroed_page(): one page with __GFP_ZERO */
int kmm_get_zeroed_page(struct kmm_machine *m, gfp_t gfp, void **addr);

/* kmm_free_pages - free_pages(): kmm___free_pages() of direct-map @addr (NULL: nothing) */
int kmm_free_pages(struct kmm_machine *m, void *addr, unsigned int order);

/*
 * kmm_split_page - split_page(): turn the non-compound block at @pfn
 * allocated with @order into 2^order order-0 pages, each with refcount 1,
 * to be freed one by one.  Returns 0, or -KMM_EINVAL (a compound page, a
 * page that is not an allocated head of that order, no struct page).
 */
int kmm_split_page(struct kmm_machine *m, unsigned long pfn, unsigned int order);

/*
 * kmm_alloc_boot_pages - boot code's order-0 allocations (x86_64's
 * preallocate_vmalloc_pages(), page-table pages): @nr pages with @gfp, one
 * kmm_alloc_pages() each, pfns in @pfns[0, nr) in allocation order.
 * Returns 0 or the first error (the pages allocated before it stay
 * allocated and are in @pfns).
 */
int kmm_alloc_boot_pages(struct kmm_machine *m, gfp_t gfp, unsigned int nr, unsigned long *pfns);

/*
 * kmm_zone_watermark_ok - __zone_watermark_ok(): may @z give a block of
 * @order to a request limited to zones <= @highest_zoneidx with
 * @alloc_flags, @free_pages being free and @mark the watermark?  The free
 * pages that request may not use (the highatomic reserve without
 * ALLOC_HARDER/OOM, free CMA pages without ALLOC_CMA, 2^order - 1) are
 * subtracted; ALLOC_HIGH halves the mark, then ALLOC_HARDER takes a
 * quarter off it (ALLOC_OOM a half); the rest must exceed the mark plus
 * lowmem_reserve[highest_zoneidx], and for order > 0 a free block of at
 * least @order must exist on a list the request may use.
 */
bool kmm_zone_watermark_ok(const struct kmm_machine *m, const struct kmm_zone *z,
			   unsigned int order, unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags, long free_pages);

/* kmm_wmark_pages - wmark_pages(): watermark @i (KMM_WMARK_*) plus the boost */
unsigned long kmm_wmark_pages(const struct kmm_zone *z, unsigned int i);

/* kmm_page_group_by_mobility_disabled - page_group_by_mobility_disabled (from build_all_zonelists) */
bool kmm_page_group_by_mobility_disabled(const struct kmm_machine *m);

/*
 * kmm_drain_local_pages / kmm_drain_all_pages - drain_local_pages() /
 * drain_all_pages(): give every block on the calling CPU's (all CPUs')
 * per-CPU lists of @z (every zone when NULL) back to the free lists.
 */
void kmm_drain_local_pages(struct kmm_machine *m, struct kmm_zone *z);
void kmm_drain_all_pages(struct kmm_machine *m, struct kmm_zone *z);

/* kmm_pcp_count - pages on CPU @cpu's per-CPU lists of @z (pcp->count) */
int kmm_pcp_count(struct kmm_machine *m, const struct kmm_zone *z, unsigned int cpu);

/*
 * kmm_pcp_validate - check CPU @cpu's per-CPU lists of @z: links
 * consistent, every block a KMM_PG_PCP head (not buddy, not reserved,
 * refcount 0) of the list's order, aligned, inside the zone, of a type the
 * list may hold, count equal to the walk.  Not locked (see
 * kmm_page_alloc_validate()).  Returns false via kmm_bug() on the first
 * inconsistency.
 */
bool kmm_pcp_validate(const struct kmm_machine *m, const struct kmm_zone *z, unsigned int cpu);

/*
 * kmm_page_alloc_validate - every populated zone of every online node:
 * kmm_free_lists_validate() and kmm_pcp_validate() of every CPU, each
 * zone under its locks, so it may run while other threads allocate.  Debug
 * builds run the one-zone form after every allocator operation.
 */
bool kmm_page_alloc_validate(struct kmm_machine *m);

/*
 * kmm_show_mem - show_mem(): Linux's "Mem-Info:" report of every populated
 * zone (free pages, watermarks, lowmem_reserve, the free lists by order
 * with their migrate-type letters U M E H C I) and the totals.
 */
void kmm_show_mem(struct kmm_machine *m);

/*
 * kmm_format_gfp_flags - @gfp as %pGg prints it ("GFP_KERNEL|__GFP_NOWARN",
 * unnamed bits as a trailing hex number, "" for 0) into @buf; returns the
 * full length (snprintf's rule).
 */
size_t kmm_format_gfp_flags(char *buf, size_t len, gfp_t gfp);

/*
 * Runtime counters.  kmm_nr_bad_pages: "Bad page state" reports so far;
 * kmm_nr_poison_reports: poisoned pages found changed on allocation.
 */
unsigned long kmm_nr_bad_pages(const struct kmm_machine *m);
unsigned long kmm_nr_poison_reports(const struct kmm_machine *m);

#endif /* KMM_PAGE_ALLOC_H */
