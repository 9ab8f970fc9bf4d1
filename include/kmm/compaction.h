/* SPDX-License-Identifier: MIT */
/*
 * kmm/compaction.h - movable pages, page migration, compaction and
 * contiguous allocations (Linux 6.1 mm/migrate.c, mm/compaction.c,
 * mm/page_isolation.c, alloc_contig_range() in mm/page_alloc.c).
 *
 * Movable pages.  A page may be moved when its owner says how: it registers
 * a struct kmm_movable_ops for the allocated order-0 page
 * (kmm_set_page_movable(), Linux's __SetPageMovable with a
 * movable_operations).  To migrate, kmm isolates the page (takes a
 * reference and marks it isolated, so no other migration takes it),
 * allocates the target, copies the 4 KiB through the direct map
 * (phys_to_virt) and calls ops->migrate(old, new): the owner updates its
 * references to the new pfn and returns 0, or refuses with a negative
 * kmm_err (the copy is then discarded).  On success the registration moves
 * to the new page, which the owner now holds with the one reference it had
 * on the old page, and the old page is freed.  Callbacks run with no kmm
 * lock held; an owner serialises them against its own use of the page
 * (for example with its own lock).  Freeing a movable page clears the
 * registration.
 *
 * Compaction (compact_zone): a migration scanner walks the zone's
 * pageblocks upwards from the zone start isolating movable pages, a free
 * scanner walks down from the zone end isolating free pages (from MOVABLE
 * and CMA pageblocks, never breaking up free blocks of a pageblock or
 * more) as targets; the pages move to the top of the zone and the free
 * space merges at the bottom.  It stops when the scanners meet or a free
 * block of the requested order exists.  compaction_suitable() first
 * decides whether it may help: the zone must have the free pages for the
 * copies (min, or low for costly orders, watermark plus 2 << order free),
 * and for costly orders a fragmentation index above extfrag_threshold
 * (500): below it a failure is for lack of memory, not fragmentation.
 * Failed runs defer later ones (compact_defer_shift, up to 64 skipped
 * tries) until a success resets it.
 *
 * Isolation and contiguous ranges: kmm_alloc_contig_range() marks the
 * pageblocks of a range MIGRATE_ISOLATE (nothing is allocated from them;
 * their free pages leave NR_FREE_PAGES), migrates the movable pages out,
 * checks that every page is free and takes them.  Unmovable pages make it
 * fail with -KMM_EBUSY.  CMA areas (kmm/cma.h) allocate this way.
 */
#ifndef KMM_COMPACTION_H
#define KMM_COMPACTION_H

#include <kmm/env.h>
#include <kmm/gfp.h>
#include <kmm/mmzone.h>
#include <kmm/spinlock.h>

struct kmm_machine;

struct kmm_movable_ops {
	/*
	 * The page @old_pfn (registered with @priv) has been copied to
	 * @new_pfn: switch every reference to @new_pfn and return 0, or
	 * return a negative kmm_err to keep the page where it is.
	 */
	int (*migrate)(struct kmm_machine *m, void *priv, unsigned long old_pfn,
		       unsigned long new_pfn);
};

/*
 * enum compact_priority: lower is more thorough.  ASYNC migrates only out
 * of MOVABLE/CMA pageblocks; SYNC_FULL (MIN_COMPACT_PRIORITY) also ignores
 * whether a free scanner target pageblock is MOVABLE.  Costly orders never
 * go below SYNC_LIGHT (MIN_COMPACT_COSTLY_PRIORITY).
 */
enum kmm_compact_priority {
	KMM_COMPACT_PRIO_SYNC_FULL,  /* MIN_COMPACT_PRIORITY */
	KMM_COMPACT_PRIO_SYNC_LIGHT, /* MIN_COMPACT_COSTLY_PRIORITY, DEF_COMPACT_PRIORITY */
	KMM_COMPACT_PRIO_ASYNC,      /* INIT_COMPACT_PRIORITY */
};

/* enum compact_result, the values the slow path looks at */
enum kmm_compact_result {
	KMM_COMPACT_NOT_SUITABLE_ZONE, /* fragmentation index too low: compaction cannot help */
	KMM_COMPACT_SKIPPED,           /* too few free pages to compact */
	KMM_COMPACT_DEFERRED,          /* recent failures: not tried */
	KMM_COMPACT_NO_SUITABLE_PAGE,
	KMM_COMPACT_CONTINUE,
	KMM_COMPACT_COMPLETE,          /* the scanners met: the whole zone was tried */
	KMM_COMPACT_PARTIAL_SKIPPED,
	KMM_COMPACT_CONTENDED,         /* another compaction runs in the zone */
	KMM_COMPACT_SUCCESS,           /* a block of the order is free */
};

#define KMM_COMPACT_MAX_DEFER_SHIFT 6
#define KMM_EXTFRAG_THRESHOLD 500 /* sysctl_extfrag_threshold default */

/* Per-zone compaction and isolation state. */
struct kmm_zone_compact {
	struct kmm_spinlock lock;       /* one compaction at a time in the zone */
	unsigned int considered;        /* compact_considered */
	unsigned int defer_shift;       /* compact_defer_shift <= KMM_COMPACT_MAX_DEFER_SHIFT */
	int order_failed;               /* compact_order_failed */
	atomic_ulong nr_isolate_pageblock; /* pageblocks of the zone now MIGRATE_ISOLATE */
};

/*
 * kmm_set_page_movable - register @ops/@priv for the allocated order-0
 * page @pfn (a page kmm_alloc_pages() returned with order 0, or one of a
 * kmm_split_page()).  Returns 0, or -KMM_EINVAL (no struct page, not an
 * allocated order-0 non-compound page, reserved, NULL @ops or migrate).
 * Registering again replaces ops and priv.
 */
int kmm_set_page_movable(struct kmm_machine *m, unsigned long pfn,
			 const struct kmm_movable_ops *ops, void *priv);

/*
 * kmm_clear_page_movable - the page at @pfn is no longer movable: no
 * migration starts on it from now on.  One that already isolated it still
 * calls ops->migrate, which must then refuse (the owner knows the page is
 * no longer its movable page).  Returns 0 or -KMM_EINVAL (not a movable
 * page).
 */
int kmm_clear_page_movable(struct kmm_machine *m, unsigned long pfn);

/* kmm_page_movable - @pfn is an allocated page with a migrate callback */
bool kmm_page_movable(const struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_migrate_page - migrate the movable page @pfn now to a page allocated
 * with @gfp (outside isolated pageblocks); the new pfn in *@new_pfn.
 * Returns 0, -KMM_EINVAL (not movable), -KMM_EBUSY (isolated by another
 * migration, or the owner refused), -KMM_ENOMEM (no target page).
 */
int kmm_migrate_page(struct kmm_machine *m, unsigned long pfn, gfp_t gfp,
		     unsigned long *new_pfn);

/*
 * kmm_fragmentation_index - fragmentation_index(@z, @order): 0..1000, the
 * closer to 1000 the more a failure at @order is due to fragmentation
 * (close to 0: lack of memory); -1000 when a block of @order is free; 0
 * when the zone has no free page at all.
 */
int kmm_fragmentation_index(const struct kmm_machine *m, const struct kmm_zone *z,
			    unsigned int order);

/*
 * kmm_compaction_suitable - compaction_suitable(): SUCCESS (a block can be
 * allocated already), SKIPPED (too few free pages, or - Linux's
 * NOT_SUITABLE_ZONE, reported as SKIPPED as 6.1 does - a fragmentation index
 * at or below KMM_EXTFRAG_THRESHOLD) or CONTINUE for an @order
 * request with @alloc_flags (KMM_ALLOC_*) whose highest zone is
 * @highest_zoneidx.
 */
enum kmm_compact_result kmm_compaction_suitable(const struct kmm_machine *m,
						const struct kmm_zone *z, unsigned int order,
						unsigned int alloc_flags, int highest_zoneidx);

/* kmm_compaction_deferred / kmm_defer_compaction / kmm_compaction_defer_reset - Linux's */
bool kmm_compaction_deferred(struct kmm_machine *m, struct kmm_zone *z, unsigned int order);
void kmm_defer_compaction(struct kmm_machine *m, struct kmm_zone *z, unsigned int order);
void kmm_compaction_defer_reset(struct kmm_machine *m, struct kmm_zone *z, unsigned int order,
				bool alloc_success);

/*
 * kmm_compact_zone - compact @z for an @order request (migrate type from
 * @gfp) at @prio.  @order -1 compacts the whole zone (proc's
 * compact_memory).  Returns the compact result (SUCCESS, COMPLETE,
 * SKIPPED, NOT_SUITABLE_ZONE, CONTENDED, PARTIAL_SKIPPED).  Counts
 * compact_migrate_scanned, compact_free_scanned, compact_isolated,
 * pgmigrate_success/fail.
 */
enum kmm_compact_result kmm_compact_zone(struct kmm_machine *m, struct kmm_zone *z, int order,
					 gfp_t gfp, unsigned int alloc_flags, int highest_zoneidx,
					 enum kmm_compact_priority prio);

/*
 * kmm_try_to_compact_pages - try_to_compact_pages(): kmm_compact_zone() on
 * each zone of node @nid's zonelist up to @highest_zoneidx, skipping
 * deferred zones (above MIN priority), until one succeeds; failures of
 * sync runs defer the zone.  Returns the best result.
 */
enum kmm_compact_result kmm_try_to_compact_pages(struct kmm_machine *m, gfp_t gfp,
						 unsigned int order, unsigned int alloc_flags,
						 int nid, int highest_zoneidx,
						 enum kmm_compact_priority prio);

/* kmm_compact_memory - compact every populated zone fully (/proc/sys/vm/compact_memory) */
void kmm_compact_memory(struct kmm_machine *m);

/*
 * kmm_start_isolate_page_range - start_isolate_page_range(): every
 * pageblock overlapping [start_pfn, end_pfn) becomes MIGRATE_ISOLATE (the
 * type it had is kept to restore it, given as @migratetype for the undo).
 * The range must lie in one zone.  Returns 0, -KMM_EINVAL (empty or
 * cross-zone range, no memmap), -KMM_EBUSY (a pageblock is already
 * isolated, or holds an unmovable page inside the range: reserved, or
 * allocated without a migrate callback, outside ZONE_MOVABLE and outside
 * a CMA pageblock when @migratetype is CMA); nothing stays isolated then.
 */
int kmm_start_isolate_page_range(struct kmm_machine *m, unsigned long start_pfn,
				 unsigned long end_pfn, enum kmm_migratetype migratetype);

/* kmm_undo_isolate_page_range - the pageblocks become @migratetype again, their free pages rejoin */
void kmm_undo_isolate_page_range(struct kmm_machine *m, unsigned long start_pfn,
				 unsigned long end_pfn, enum kmm_migratetype migratetype);

/*
 * kmm_test_pages_isolated - test_pages_isolated(): every page of
 * [start_pfn, end_pfn) is free in an isolated pageblock.  Returns 0 or
 * -KMM_EBUSY.
 */
int kmm_test_pages_isolated(struct kmm_machine *m, unsigned long start_pfn, unsigned long end_pfn);

/*
 * kmm_alloc_contig_range - alloc_contig_range(): allocate every page of
 * [start_pfn, end_pfn) (one zone; @migratetype MOVABLE or CMA, the type
 * the pageblocks return to), migrating movable pages out of the way.  On
 * success each page of the range is an order-0 page with refcount 1 (free
 * them with kmm_free_contig_range()).  @gfp: the migration targets' flags
 * (__GFP_NOWARN is honoured).  Returns 0, -KMM_EINVAL (empty range,
 * crosses zones, bad migratetype), -KMM_EBUSY (a page could not be
 * migrated or freed: "alloc_contig_range: [start, end) PFNs busy").
 */
int kmm_alloc_contig_range(struct kmm_machine *m, unsigned long start_pfn, unsigned long end_pfn,
			   enum kmm_migratetype migratetype, gfp_t gfp);

/*
 * kmm_free_contig_range - free_contig_range(): free @nr_pages order-0 pages
 * from @pfn.  Returns 0, or -KMM_EFAULT when pages were still in use
 * (Linux's "%lu pages are still in use!" warning; they are freed anyway as
 * far as the allocator allows).
 */
int kmm_free_contig_range(struct kmm_machine *m, unsigned long pfn, unsigned long nr_pages);

#endif /* KMM_COMPACTION_H */
