/* SPDX-License-Identifier: MIT */
/*
 * kmm/gfp.h - the page allocator's request flags, with the bit values of
 * Linux 6.1 (include/linux/gfp_types.h, include/linux/gfp.h) for the Debian
 * builds kmm models: no KASAN hardware tags and no lockdep, so
 * __GFP_SKIP_ZERO, __GFP_SKIP_KASAN_* and __GFP_NOLOCKDEP are 0 and the
 * flags fit in __GFP_BITS_SHIFT = 27 bits.
 *
 * The low four bits are zone modifiers: they choose the highest zone an
 * allocation may use (kmm_gfp_zone()).  __GFP_MOVABLE and
 * __GFP_RECLAIMABLE also choose the migrate type (kmm_gfp_migratetype()).
 * The other bits say how hard to try (__GFP_HIGH, __GFP_ATOMIC,
 * __GFP_MEMALLOC, __GFP_NOMEMALLOC, the reclaim bits) and what to do with
 * the pages (__GFP_ZERO, __GFP_COMP, __GFP_THISNODE, __GFP_NOWARN).
 */
#ifndef KMM_GFP_H
#define KMM_GFP_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

typedef u32 gfp_t;

#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u /* ZONE_MOVABLE allowed; movable migrate type */
#define __GFP_RECLAIMABLE 0x10u
#define __GFP_HIGH 0x20u /* may use half of the min watermark (ALLOC_HIGH) */
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u
#define __GFP_ATOMIC 0x200u /* cannot sleep: ALLOC_HARDER unless __GFP_NOMEMALLOC */
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_WRITE 0x1000u
#define __GFP_NOWARN 0x2000u
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NOFAIL 0x8000u
#define __GFP_NORETRY 0x10000u
#define __GFP_MEMALLOC 0x20000u /* ignore the watermarks (ALLOC_NO_WATERMARKS) */
#define __GFP_COMP 0x40000u     /* a compound page: head and tails */
#define __GFP_NOMEMALLOC 0x80000u
#define __GFP_HARDWALL 0x100000u
#define __GFP_THISNODE 0x200000u /* only the requested node (NOFALLBACK zonelist) */
#define __GFP_ACCOUNT 0x400000u
#define __GFP_ZEROTAGS 0x800000u
#define __GFP_SKIP_ZERO 0u
#define __GFP_SKIP_KASAN_UNPOISON 0u
#define __GFP_SKIP_KASAN_POISON 0u
#define __GFP_NOLOCKDEP 0u

#define __GFP_BITS_SHIFT 27
#define __GFP_BITS_MASK ((1u << __GFP_BITS_SHIFT) - 1)

#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)          /* 0xa20 */
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)                      /* 0xcc0 */
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)                                     /* 0x800 */
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)       /* 0x100cc0 */
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE \
	(GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN_POISON | __GFP_SKIP_KASAN_UNPOISON)
#define GFP_TRANSHUGE_LIGHT \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

struct kmm_machine;

/*
 * kmm_gfp_zone - gfp_zone(): the index (in @m's compact zone layout) of the
 * highest zone @flags may allocate from.  The zone modifiers map as Linux's
 * GFP_ZONE_TABLE does: none or __GFP_MOVABLE alone -> Normal, __GFP_DMA ->
 * DMA, __GFP_DMA32 -> DMA32, __GFP_HIGHMEM -> HighMem, __GFP_MOVABLE |
 * __GFP_HIGHMEM -> Movable (with __GFP_DMA or __GFP_DMA32 the movable bit
 * changes nothing); a zone the build lacks becomes Normal (OPT_ZONE_*).
 * Returns -KMM_EINVAL for the combinations Linux calls GFP_ZONE_BAD (two of
 * DMA, DMA32 and HIGHMEM together) and when @m has no zone layout yet.
 */
int kmm_gfp_zone(const struct kmm_machine *m, gfp_t flags);

/*
 * kmm_gfp_migratetype - gfp_migratetype(): MOVABLE for __GFP_MOVABLE,
 * RECLAIMABLE for __GFP_RECLAIMABLE, UNMOVABLE otherwise and always while
 * page_group_by_mobility_disabled (m->zonelists.mobility_disabled).  Both
 * bits together are invalid (kmm_alloc_pages() refuses them); this
 * function then answers HIGHATOMIC as Linux's shift would.
 */
enum kmm_migratetype kmm_gfp_migratetype(const struct kmm_machine *m, gfp_t flags);

#endif /* KMM_GFP_H */
