// SPDX-License-Identifier: MIT
/*
 * cma.c - cma_alloc() and cma_release() of Linux 6.1 mm/cma.c on the
 * areas of m->cma_areas[] (see kmm/cma.h).
 *
 * The bitmap (one bit per page, order_per_bit 0) lives in pages from the
 * page allocator, reached through the direct map; bit i is page base + i.
 * An allocation looks for the first run of @count clear bits whose pfn is
 * aligned to 2^align (bitmap_find_next_zero_area_off with Linux's mask
 * and offset), sets it under the area lock, and claims the pages with
 * kmm_alloc_contig_range(..., MIGRATE_CMA); when that says busy, the bits
 * are cleared and the search goes on after the start of the failed run
 * (by one alignment step).
 */
#include <kmm/cma.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#include "page_alloc_internal.h"

#define PAGE_SHIFT 12
#define BITS_PER_PAGE (KMM_PAGE_SIZE * 8)

_Static_assert(KMM_CMA_AREAS == sizeof(((struct kmm_machine *)0)->cma_areas) /
					sizeof(((struct kmm_machine *)0)->cma_areas[0]),
	       "one run-time state per declared CMA area");

static bool area_active(const struct kmm_machine *m, unsigned int idx)
{
	const struct kmm_cma_area *a;
	unsigned long base;

	if (!m->kernel.cma || idx >= m->nr_cma_areas || idx >= KMM_CMA_AREAS)
		return false;
	a = &m->cma_areas[idx];
	base = (unsigned long)(a->base >> PAGE_SHIFT);
	if (!a->size || !kmm_pfn_has_memmap(m, base))
		return false;
	/* activated: the first pageblock is CMA (or isolated for a CMA allocation right now) */
	return kmm_get_pageblock_migratetype(m, base) == KMM_MIGRATE_CMA ||
	       kmm_get_pageblock_migratetype(m, base) == KMM_MIGRATE_ISOLATE;
}

static unsigned long area_base(const struct kmm_machine *m, unsigned int idx)
{
	return (unsigned long)(m->cma_areas[idx].base >> PAGE_SHIFT);
}

static unsigned long area_count(const struct kmm_machine *m, unsigned int idx)
{
	return (unsigned long)(m->cma_areas[idx].size >> PAGE_SHIFT);
}

static unsigned int order_for_bytes(unsigned long bytes)
{
	unsigned int order = 0;

	while ((KMM_PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

int kmm_cma_area_init_bitmap(struct kmm_machine *m, unsigned int idx)
{
	struct kmm_cma_rt *rt;
	unsigned long bytes, pfn;
	unsigned int order;
	int ret = 0;

	if (!m->kernel.cma || !m->env.phys_to_virt)
		return -KMM_ENOTSUP;
	if (!area_active(m, idx))
		return -KMM_EINVAL;
	rt = &m->page_alloc.cma.area[idx];
	bytes = (area_count(m, idx) + 7) / 8;
	order = order_for_bytes(bytes);
	if (order >= KMM_MAX_ORDER)
		return -KMM_ENOMEM;
	kmm_spin_lock(&rt->lock);
	if (!rt->has_bitmap) {
		/* bitmap_zalloc(); allocated under the area lock so two first users agree */
		ret = kmm_alloc_pages(m, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order, &pfn);
		if (!ret) {
			rt->bitmap_pfn = pfn;
			rt->bitmap_order = order;
			rt->has_bitmap = true;
		}
	}
	kmm_spin_unlock(&rt->lock);
	return ret ? -KMM_ENOMEM : 0;
}

/* bit @i of area @rt's bitmap (the bitmap pages are contiguous in the direct map) */
static u8 *bitmap_byte(const struct kmm_machine *m, const struct kmm_cma_rt *rt, unsigned long i)
{
	u8 *base = kmm_pfn_to_virt(m, rt->bitmap_pfn);

	return base + i / 8;
}

static bool bit_test(const struct kmm_machine *m, const struct kmm_cma_rt *rt, unsigned long i)
{
	return (*bitmap_byte(m, rt, i) >> (i % 8)) & 1;
}

static void bits_assign(const struct kmm_machine *m, const struct kmm_cma_rt *rt,
			unsigned long i, unsigned long n, bool set)
{
	for (unsigned long k = i; k < i + n; k++) {
		u8 *b = bitmap_byte(m, rt, k);

		*b = set ? (u8)(*b | (1u << (k % 8))) : (u8)(*b & ~(1u << (k % 8)));
	}
}

/*
 * bitmap_find_next_zero_area_off(): the first index >= @start of @nr clear
 * bits with (index + @offset) a multiple of @mask + 1; a value past @size
 * when there is none.
 */
static unsigned long find_zero_area(const struct kmm_machine *m, const struct kmm_cma_rt *rt,
				    unsigned long size, unsigned long start, unsigned long nr,
				    unsigned long mask, unsigned long offset)
{
	for (;;) {
		unsigned long index = start, end, i;

		while (index < size && bit_test(m, rt, index))
			index++;
		index = ((index + offset + mask) & ~mask) - offset;
		end = index + nr;
		if (end > size)
			return end;
		for (i = index; i < end && !bit_test(m, rt, i); i++)
			;
		if (i == end)
			return index;
		start = i + 1;
	}
}

/* cma_debug_show_areas(): the free stretches as "N@START" joined by '+' */
static void show_areas(struct kmm_machine *m, unsigned int idx, struct kmm_cma_rt *rt)
{
	unsigned long n = area_count(m, idx), total = 0, i = 0;
	char line[512];
	int at = kmm_snprintf(line, sizeof(line), "number of available pages: ");

	kmm_spin_lock(&rt->lock);
	while (i < n) {
		unsigned long start;

		while (i < n && bit_test(m, rt, i))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && !bit_test(m, rt, i))
			i++;
		if (at < (int)sizeof(line))
			at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, "%s%lu@%lu",
					   total ? "+" : "", i - start, start);
		total += i - start;
	}
	kmm_spin_unlock(&rt->lock);
	if (at < (int)sizeof(line))
		kmm_snprintf(line + at, sizeof(line) - (size_t)at, "=> %lu free of %lu total pages",
			     total, n);
	kmm_printk(&m->env, "%s", line);
}

int kmm_cma_alloc(struct kmm_machine *m, unsigned int idx, unsigned long count,
		  unsigned int align, bool no_warn, unsigned long *pfn)
{
	struct kmm_cma_rt *rt;
	unsigned long size, base, mask, offset, start = 0;
	int ret;

	if (!m->kernel.cma || !m->env.phys_to_virt)
		return -KMM_ENOTSUP;
	if (!area_active(m, idx) || !count || align >= 32)
		return -KMM_EINVAL;
	ret = kmm_cma_area_init_bitmap(m, idx);
	if (ret)
		return ret;
	rt = &m->page_alloc.cma.area[idx];
	size = area_count(m, idx);
	base = area_base(m, idx);
	mask = (1UL << align) - 1;
	offset = base & mask;
	ret = -KMM_ENOMEM;
	for (;;) {
		unsigned long bit, p;

		kmm_spin_lock(&rt->lock);
		bit = find_zero_area(m, rt, size, start, count, mask, offset);
		if (bit >= size || bit + count > size) {
			kmm_spin_unlock(&rt->lock);
			break;
		}
		bits_assign(m, rt, bit, count, true);
		kmm_spin_unlock(&rt->lock);
		p = base + bit;
		kmm_spin_lock(&m->page_alloc.cma.contig_lock);
		ret = kmm_alloc_contig_range(m, p, p + count, KMM_MIGRATE_CMA,
					     GFP_KERNEL | (no_warn ? __GFP_NOWARN : 0));
		kmm_spin_unlock(&m->page_alloc.cma.contig_lock);
		if (!ret) {
			atomic_fetch_add_explicit(&rt->nr_allocated, count, memory_order_relaxed);
			*pfn = p;
			break;
		}
		kmm_spin_lock(&rt->lock);
		bits_assign(m, rt, bit, count, false);
		kmm_spin_unlock(&rt->lock);
		if (ret != -KMM_EBUSY)
			break;
		start = bit + mask + 1; /* try a little further on */
	}
	if (ret && !no_warn) {
		kmm_printk(&m->env, "cma_alloc: %s: alloc failed, req-size: %lu pages, ret: %d",
			   m->cma_areas[idx].name, count, ret == -KMM_EBUSY ? -16 : -12);
		show_areas(m, idx, rt);
	}
	kmm_count_vm_events(m, ret ? KMM_CMA_ALLOC_FAIL : KMM_CMA_ALLOC_SUCCESS, 1);
	return ret;
}

int kmm_cma_release(struct kmm_machine *m, unsigned int idx, unsigned long pfn,
		    unsigned long count)
{
	struct kmm_cma_rt *rt;
	unsigned long base, bit;
	bool ok;

	if (!area_active(m, idx) || !count)
		return -KMM_EINVAL;
	rt = &m->page_alloc.cma.area[idx];
	base = area_base(m, idx);
	if (pfn < base || pfn - base >= area_count(m, idx) || count > area_count(m, idx) - (pfn - base))
		return -KMM_EINVAL;
	bit = pfn - base;
	kmm_spin_lock(&rt->lock);
	ok = rt->has_bitmap;
	for (unsigned long i = bit; ok && i < bit + count; i++)
		ok = bit_test(m, rt, i);
	kmm_spin_unlock(&rt->lock);
	if (!ok)
		return -KMM_EINVAL;
	kmm_free_contig_range(m, pfn, count);
	kmm_spin_lock(&rt->lock);
	bits_assign(m, rt, bit, count, false);
	kmm_spin_unlock(&rt->lock);
	atomic_fetch_sub_explicit(&rt->nr_allocated, count, memory_order_relaxed);
	return 0;
}

unsigned long kmm_cma_allocated(const struct kmm_machine *m, unsigned int idx)
{
	if (idx >= KMM_CMA_AREAS)
		return 0;
	return atomic_load_explicit(&m->page_alloc.cma.area[idx].nr_allocated,
				    memory_order_relaxed);
}
