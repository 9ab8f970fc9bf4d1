/* SPDX-License-Identifier: MIT */
/*
 * page_alloc_internal.h - what page_alloc.c (the free lists) and
 * page_alloc_rt.c (allocation, per-CPU lists) share; not public.
 *
 * Locking: the free-list primitives need the zone lock of @z once other
 * CPUs use the allocator (kmm_zone_lock()); at boot, single-threaded, they
 * are called without it.
 */
#ifndef KMM_PAGE_ALLOC_INTERNAL_H
#define KMM_PAGE_ALLOC_INTERNAL_H

#include <kmm/machine.h>
#include <kmm/page_alloc.h>

/*
 * page flags: atomic, see struct kmm_page.  The __ forms (Linux's
 * __SetPageX) are for a page the caller owns alone: free and on a list
 * whose lock it holds, or one whose last reference it just dropped.  Other
 * CPUs may read such a page's flags but change them only with a reference
 * (compaction's isolation), so a plain read-modify-write loses nothing.
 */
static inline u16 kmm_page_flags(const struct kmm_page *p)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}

static inline void kmm_page_flags_set(struct kmm_page *p, u16 f)
{
	__atomic_fetch_or(&p->flags, f, __ATOMIC_RELAXED);
}

static inline void kmm_page_flags_clear(struct kmm_page *p, u16 f)
{
	__atomic_fetch_and(&p->flags, (u16)~f, __ATOMIC_RELAXED);
}

static inline void __kmm_page_flags_set(struct kmm_page *p, u16 f)
{
	__atomic_store_n(&p->flags, (u16)(__atomic_load_n(&p->flags, __ATOMIC_RELAXED) | f),
			 __ATOMIC_RELAXED);
}

static inline void __kmm_page_flags_clear(struct kmm_page *p, u16 f)
{
	__atomic_store_n(&p->flags, (u16)(__atomic_load_n(&p->flags, __ATOMIC_RELAXED) & ~f),
			 __ATOMIC_RELAXED);
}

/*
 * page_ref_count(): read atomically, always - compaction takes speculative
 * references (get_page_unless_zero) on any page it scans, free or not.
 */
static inline s32 kmm_page_ref_count(const struct kmm_page *p)
{
	return __atomic_load_n(&p->refcount, __ATOMIC_RELAXED);
}

/* one of the per-CPU lists' counters, under the lists' lock */
static inline void kmm_pcp_stat_add(struct kmm_per_cpu_pages *pcp, enum kmm_pcp_stat s,
				    unsigned long n)
{
	__atomic_store_n(&pcp->stat[s], __atomic_load_n(&pcp->stat[s], __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

/*
 * The hot paths' memory-model lookups: the post-boot section caches
 * (kmm/sparse.h: memmap_host, usemap_host, section_zone) inline, the full
 * lookups of memmap.c otherwise.  Same answers as kmm_pfn_to_page(),
 * kmm_pfn_has_memmap(), kmm_pfn_zone() and kmm_get_pageblock_migratetype().
 */
static inline unsigned long kmm_cached_section(unsigned long pfn)
{
	return pfn >> KMM_PFN_SECTION_SHIFT;
}

static inline struct kmm_page *kmm_page_of(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = kmm_cached_section(pfn);

	if (nr < KMM_SPARSE_MEMMAP_CACHE && m->sparse.memmap_host[nr])
		return (struct kmm_page *)(m->sparse.memmap_host[nr] +
					   (pfn & (KMM_PAGES_PER_SECTION - 1)) *
						   m->sparse.page_struct_size);
	return kmm_pfn_to_page(m, pfn);
}

static inline bool kmm_has_memmap(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = kmm_cached_section(pfn);

	if (nr < KMM_SPARSE_MEMMAP_CACHE && m->sparse.memmap_host[nr])
		return true;
	return kmm_pfn_has_memmap(m, pfn);
}

static inline struct kmm_zone *kmm_zone_of(struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = kmm_cached_section(pfn);
	unsigned int id = nr < KMM_SPARSE_MEMMAP_CACHE ? m->sparse.section_zone[nr] : 0;

	if (id--)
		return &m->node[id / KMM_MAX_NR_ZONES].zones[id % KMM_MAX_NR_ZONES];
	return kmm_pfn_zone(m, pfn);
}

static inline enum kmm_migratetype kmm_pageblock_mt(const struct kmm_machine *m,
						    unsigned long pfn)
{
	unsigned long nr = kmm_cached_section(pfn);

	if (nr < KMM_SPARSE_MEMMAP_CACHE && m->sparse.usemap_host[nr]) {
		/* 4 bits per pageblock, the migratetype in the low 3 */
		unsigned long bit = ((pfn & (KMM_PAGES_PER_SECTION - 1)) >> KMM_PAGEBLOCK_ORDER) * 4;
		u8 b = __atomic_load_n(m->sparse.usemap_host[nr] + bit / 8, __ATOMIC_RELAXED);

		return (enum kmm_migratetype)((b >> (bit & 7)) & 7);
	}
	return kmm_get_pageblock_migratetype(m, pfn);
}

/* counters read without the zone lock: written under it, read atomically */
static inline unsigned long kmm_read_ulong(const unsigned long *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static inline void kmm_write_ulong(unsigned long *v, unsigned long x)
{
	__atomic_store_n(v, x, __ATOMIC_RELAXED);
}

/* zone_idx() of @z inside its node */
static inline unsigned int kmm_zone_idx(const struct kmm_machine *m, const struct kmm_zone *z)
{
	return (unsigned int)(z - m->node[z->node].zones);
}

static inline struct kmm_spinlock *kmm_zone_lock(struct kmm_machine *m, const struct kmm_zone *z)
{
	return &m->page_alloc.zone_lock[z->node][kmm_zone_idx(m, z)].lock;
}

static inline bool kmm_migratetype_is_mergeable(unsigned int mt)
{
	return mt < KMM_MIGRATE_PCPTYPES;
}

/* add_to_free_list / add_to_free_list_tail: mark @pfn a buddy head of @order on list @mt */
void kmm_free_list_add(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
		       unsigned int order, unsigned int mt, bool tail);
/* del_page_from_free_list: take the free block @pfn off its list; clears its buddy state */
void kmm_free_list_del(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
		       unsigned int order);
/* move_to_free_list: the free block @pfn to the tail of list @mt */
void kmm_free_list_move(const struct kmm_machine *m, struct kmm_zone *z, unsigned long pfn,
			unsigned int order, unsigned int mt);
/* __mod_zone_freepage_state(): NR_FREE_PAGES and NR_FREE_CMA_PAGES by +-2^order */
void kmm_zone_account_free(struct kmm_zone *z, unsigned int order, unsigned int mt, bool add);

/* ------------------------------------------------------------ counters (vmstat.c) */

static inline unsigned int kmm_vm_cpu(unsigned int cpu)
{
	return cpu < KMM_VMSTAT_CPUS ? cpu : 0;
}

/* __count_vm_events() on CPU @cpu */
static inline void kmm_count_vm_events_cpu(struct kmm_machine *m, unsigned int cpu,
					   enum kmm_vm_event e, unsigned long n)
{
	atomic_fetch_add_explicit(&m->page_alloc.vmstat.cpu[kmm_vm_cpu(cpu)].ev[e], n,
				  memory_order_relaxed);
}

/* count_vm_events() on the calling CPU */
static inline void kmm_count_vm_events(struct kmm_machine *m, enum kmm_vm_event e, unsigned long n)
{
	kmm_count_vm_events_cpu(m, kmm_this_cpu(m), e, n);
}

/* the pages this CPU freed so far (pgfree): reclaim measures its progress with it */
static inline unsigned long kmm_cpu_pgfree(const struct kmm_machine *m, unsigned int cpu)
{
	return kmm_vm_cpu_event_count(m, kmm_vm_cpu(cpu), KMM_PGFREE);
}

/* ------------------------------------------------------------ shared with compaction, isolation */

static inline struct kmm_zone_compact *kmm_zone_compact(struct kmm_machine *m,
						       const struct kmm_zone *z)
{
	return &m->page_alloc.compact[z->node][kmm_zone_idx(m, z)];
}

static inline bool kmm_zone_has_isolate_pageblock(struct kmm_machine *m, const struct kmm_zone *z)
{
	return atomic_load_explicit(&kmm_zone_compact(m, z)->nr_isolate_pageblock,
				    memory_order_relaxed) != 0;
}

/*
 * kmm_move_freepages_block - move_freepages_block(): every free block
 * starting inside @pfn's pageblock (and inside @z) to the tail of list @mt;
 * the pages moved.  Counters are not touched (the caller accounts when a
 * block enters or leaves the ISOLATE list).  Zone lock held.
 */
unsigned long kmm_move_freepages_block(struct kmm_machine *m, struct kmm_zone *z,
				       unsigned long pfn, unsigned int mt);

/*
 * kmm_isolate_free_block - __isolate_free_page(): take the free block @pfn
 * of @order off its list for compaction (only while the zone stays above
 * min + 2^order, unless the block is isolated) and make its pageblock(s)
 * MOVABLE when it is at least half a pageblock of a normal type.  Returns
 * 2^order, or 0 when the watermark forbids it.  Zone lock held.
 */
unsigned long kmm_isolate_free_block(struct kmm_machine *m, struct kmm_zone *z,
				     unsigned long pfn, unsigned int order);

/* prep_new_page(): a block taken off the free lists becomes an allocated block of @order */
void kmm_prep_new_page(struct kmm_machine *m, unsigned long pfn, unsigned int order, gfp_t gfp);

/*
 * kmm_free_page_to_buddy - free the allocated order-@order block @pfn whose
 * reference count is already 0 straight to the free lists (checks, poison,
 * pgfree), bypassing the per-CPU lists: compaction frees the pages it
 * moved away from this way (Linux frees them to the per-CPU list and
 * drains it when the migration scanner leaves the block).
 */
void kmm_free_page_to_buddy(struct kmm_machine *m, unsigned long pfn, unsigned int order);

/* put_page() of an order-0 page: drop a reference, free it when it was the last */
void kmm_put_page(struct kmm_machine *m, unsigned long pfn);

/* ------------------------------------------------------------ reports (show_mem.c) */

/*
 * kmm_warn_alloc - warn_alloc(): "kmm: page allocation failure: order:N,
 * mode:0x...(NAMES), nodemask=(null),cpuset=/,mems_allowed=N" and
 * show_mem(), unless @gfp has __GFP_NOWARN and not @force (a failed
 * __GFP_NOFAIL request is always reported).
 */
void kmm_warn_alloc(struct kmm_machine *m, gfp_t gfp, unsigned int order, bool force);

/*
 * kmm_out_of_memory - out_of_memory() of a machine with no process to
 * kill: the "invoked oom-killer" header with show_mem() and the task dump,
 * then "Out of memory and no killable processes...".  Returns false (no
 * memory was freed).
 */
bool kmm_out_of_memory(struct kmm_machine *m, gfp_t gfp, unsigned int order);

#endif /* KMM_PAGE_ALLOC_INTERNAL_H */
