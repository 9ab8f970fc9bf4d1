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

/* page flags: atomic, see struct kmm_page */
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

#endif /* KMM_PAGE_ALLOC_INTERNAL_H */
