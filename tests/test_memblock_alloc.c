// SPDX-License-Identifier: MIT
/*
 * test_memblock_alloc.c - memblock's allocators: where memblock_alloc*,
 * memblock_phys_alloc* and memblock_find_in_range place a block, top-down
 * and bottom-up, with alignment, limits, node preference and mirroring, and
 * what they return on failure.  Expected results are Linux 6.1's.
 *
 * Pictures show physical addresses growing to the right: "rsv" is reserved,
 * "new" the block the call under test should return.  The fixture backs
 * [0, 1G) with real memory, so virtual results can be checked and written.
 */
#include <string.h>

#include "helpers/memblock_fixture.h"

#define FIX                                 \
	struct mb_fixture *f = *state;      \
	struct memblock *mb = &f->mb

#define MAXN MB_FIXTURE_MAX_NUMNODES

/* the direct-map address of @pa in @f's simulated memory */
static void *pv(struct mb_fixture *f, phys_addr_t pa)
{
	return f->t->env.phys_to_virt(f->t->env.opaque, pa);
}

/* the physical address of the direct-map pointer @p */
static phys_addr_t vp(struct mb_fixture *f, const void *p)
{
	return f->t->env.virt_to_phys(f->t->env.opaque, p);
}

static bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

/* ------------------------------------------------------------- placement */

/*
 *  |     +-----------------+   |
 *  |     |             |new|   |   memory [16M, 32M)
 *  |     +-----------------+   |
 * Expect memblock_alloc to return the top 4K, [32M - 4K, 32M), reserved.
 */
static void alloc_top_down_simple(void **state)
{
	FIX;
	void *p;

	memblock_add(mb, SZ_16M, SZ_16M);
	p = memblock_alloc(mb, SZ_4K, SZ_4K);
	assert_non_null(p);
	assert_ptr_equal(p, pv(f, SZ_32M - SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - SZ_4K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +-----------------+   |
 *  |     |new|             |   |   memory [16M, 32M), bottom-up
 *  |     +-----------------+   |
 * Expect the lowest 4K, [16M, 16M + 4K).
 */
static void alloc_bottom_up_simple(void **state)
{
	FIX;
	void *p;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, SZ_16M, SZ_16M);
	p = memblock_alloc(mb, SZ_4K, SZ_4K);
	assert_ptr_equal(p, pv(f, SZ_16M));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_16M, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +-----------+---+---+   |
 *  |     |           |new|rsv|   |   the top 8K already reserved
 *  |     +-----------+---+---+   |
 * Expect the block right below the reservation, merged with it.
 */
static void alloc_top_down_below_reserved(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_32M - SZ_8K, SZ_8K);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_32M - 3 * SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - 3 * SZ_4K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +------+---+---+---+---+  |
 *  |     |      |new|r2 |gap|r1 |  |   the 4K gap is too small for 8K
 *  |     +------+---+---+---+---+  |
 * Expect the block below r2, merged with it; the gap stays free.
 */
static void alloc_top_down_skips_small_gap(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_32M - SZ_4K, SZ_4K);
	memblock_reserve(mb, SZ_32M - 3 * SZ_4K, SZ_4K);
	assert_ptr_equal(memblock_alloc(mb, SZ_8K, SZ_4K), pv(f, SZ_32M - 5 * SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 2, 4 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - 5 * SZ_4K, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_32M - SZ_4K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +---+---+---+---+------+     |
 *  |  |r1 |gap|r2 |new|      |     |   bottom-up, 4K gap too small for 8K
 *  |  +---+---+---+---+------+     |
 * Expect the block right above r2.
 */
static void alloc_bottom_up_skips_small_gap(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_16M, SZ_4K);
	memblock_reserve(mb, SZ_16M + SZ_8K, SZ_4K);
	assert_ptr_equal(memblock_alloc(mb, SZ_8K, SZ_4K), pv(f, SZ_16M + 3 * SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 2, 4 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_16M + SZ_8K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+       +----+      |
 *  |  | r1 |       |new |      |   two memory regions, the upper one
 *  |  +----+       +----+      |   exactly the requested size
 * Expect the upper region used whole; then the next allocation in r1.
 */
static void alloc_top_down_exact_fit(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_64K);
	assert_ptr_equal(memblock_alloc(mb, SZ_64K, SZ_4K), pv(f, SZ_64M));
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_32M - SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_64K + SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +---------+-+-------+--+  |   memory [16M, 32M), reserved the top 100
 *  |  |         |n|       |rs|  |   bytes; 4K aligned to 1M
 *  |  +---------+-+-------+--+  |
 * Expect the block at 31M: the highest 1M-aligned base that fits.
 */
static void alloc_top_down_alignment(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_32M - 100, 100);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_1M), pv(f, SZ_32M - SZ_1M));
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_4K + 100);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - SZ_1M, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-+----+--+-------------+  |   memory [16M + 16, 32M), bottom-up,
 *  |  | |    |n |             |  |   4K aligned to 1M
 *  |  +-+----+--+-------------+  |
 * Expect the block at 17M: the lowest 1M-aligned base above the start.
 */
static void alloc_bottom_up_alignment(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, SZ_16M + 16, SZ_16M - 16);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_1M), pv(f, SZ_16M + SZ_1M));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+-----------+     |   memory [16M, 32M), top 100 bytes reserved,
 *  |  |      | new |rsv  |     |   100 bytes with align 0
 *  |  +------+-----------+     |
 * Expect align 0 to mean SMP_CACHE_BYTES (64): base 32M - 256, i.e.
 * round_down(32M - 200, 64).
 */
static void alloc_align_zero_uses_cache_line(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_32M - 100, 100);
	assert_int_equal(memblock_phys_alloc(mb, 100, 0), SZ_32M - 256);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +---------+-------------+  |   memory [16M, 64M), current_limit 32M
 *  |  |     |new|   above     |  |
 *  |  +---------+-------------+  |
 * Expect MEMBLOCK_ALLOC_ACCESSIBLE allocations to end at the limit.
 */
static void alloc_respects_current_limit(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_set_current_limit(mb, SZ_32M);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_32M - SZ_4K));
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), SZ_32M - SZ_8K);
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE),
			 SZ_32M - 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +---------+-----------+-+  |   memory [16M, 64M), current_limit 32M
 *  |  |   (a)   |           |b|  |
 *  |  +---------+-----------+-+  |
 * Expect memblock_alloc_try_nid(max_addr = ANYWHERE) capped to the limit (a:
 * memblock_alloc_internal lowers max_addr to current_limit), but
 * memblock_phys_alloc_range(end = ANYWHERE) to ignore it (b).
 */
static void alloc_anywhere_vs_current_limit(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_set_current_limit(mb, SZ_32M);
	assert_ptr_equal(memblock_alloc_try_nid(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE,
						NUMA_NO_NODE),
			 pv(f, SZ_32M - SZ_4K));
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE),
			 SZ_64M - SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+-----+-------+  |   memory [16M, 64M), max_addr 24M
 *  |  |    |new|     |       |  |
 *  |  +--------+-----+-------+  |
 * Expect the block to end at max_addr.
 */
static void alloc_try_nid_max_addr(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	assert_ptr_equal(memblock_alloc_try_nid(mb, SZ_4K, SZ_4K, 0, SZ_16M + SZ_8M, NUMA_NO_NODE),
			 pv(f, SZ_16M + SZ_8M - SZ_4K));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+----+--------+  |   memory [16M, 64M), bottom-up,
 *  |  |        |new |        |  |   min_addr 48M
 *  |  +--------+----+--------+  |
 * Expect memblock_alloc_from to start at min_addr.
 */
static void alloc_from_bottom_up(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	assert_ptr_equal(memblock_alloc_from(mb, SZ_4K, SZ_4K, SZ_32M + SZ_16M),
			 pv(f, SZ_32M + SZ_16M));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+           :    |   memory [16M, 32M), min_addr 48M:
 *  |  |     |new|          :    |   nothing above min_addr
 *  |  +--------+           :    |
 * Expect memblock_alloc_try_nid to retry without the lower limit and return
 * the top of memory.
 */
static void alloc_min_addr_retry_top_down(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_ptr_equal(memblock_alloc_try_nid(mb, SZ_4K, SZ_4K, SZ_32M + SZ_16M,
						MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE),
			 pv(f, SZ_32M - SZ_4K));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+           :    |   the same, bottom-up
 *  |  |new|    |           :    |
 *  |  +--------+           :    |
 * Expect the retry to return the bottom of memory.
 */
static void alloc_min_addr_retry_bottom_up(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, SZ_16M, SZ_16M);
	assert_ptr_equal(memblock_alloc_from(mb, SZ_4K, SZ_4K, SZ_32M + SZ_16M), pv(f, SZ_16M));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+           :    |   memory [16M, 32M), phys range from 48M
 *  |  |        |           :    |
 *  |  +--------+           :    |
 * Expect memblock_phys_alloc_range to fail with 0 (only the virtual API
 * retries without the lower limit) and reserve nothing.
 */
static void phys_alloc_range_no_retry(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, SZ_32M + SZ_16M,
						   MEMBLOCK_ALLOC_ANYWHERE),
			 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-----+----+-----+       |   memory [16M, 64M); range [24M, 40M)
 *  |  |     |  new|    |       |
 *  |  +-----+----+-----+       |
 * Expect memblock_phys_alloc_range to return the top of the range,
 * and bottom-up its bottom.
 */
static void phys_alloc_range_inside(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, SZ_16M + SZ_8M, 40 * SZ_1M),
			 40 * SZ_1M - SZ_4K);
	memblock_set_bottom_up(mb, true);
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, SZ_16M + SZ_8M, 40 * SZ_1M),
			 SZ_16M + SZ_8M);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_8K);
	MB_ASSERT_VALID(f);
}

/*
 *  |+---+---+--------+         |   memory [0, 8K)
 *  ||pg0|new|        |         |
 *  |+---+---+--------+         |
 * Expect page 0 never handed out: bottom-up gives 4K, the next allocation
 * fails (0), and with memory only [0, 4K) even top-down fails.
 */
static void alloc_never_first_page(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	memblock_add(mb, 0, SZ_8K);
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), SZ_4K);
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), 0);
	memblock_set_bottom_up(mb, false);
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), 0);
	assert_null(memblock_alloc(mb, 16, 16));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_4K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |+---+--------+             |   memory [0, 4K + 256), top-down, 256 bytes
 *  ||pg0|new|    |             |   aligned to 256
 *  |+---+--------+             |
 * Expect the block at 4K exactly (the lowest legal address).
 */
static void alloc_top_down_just_above_first_page(void **state)
{
	FIX;

	memblock_add(mb, 0, SZ_4K + 256);
	assert_int_equal(memblock_phys_alloc(mb, 256, 256), SZ_4K);
	MB_ASSERT_VALID(f);
}

/* ---------------------------------------------------------------- zeroing */

/*
 * memory [16M, 32M) whose top pages are filled with 0xaa.
 * Expect memblock_alloc (and _node, _from, _low, _try_nid) to zero the block,
 * and memblock_alloc_raw / _try_nid_raw / _exact_nid_raw to leave it as is.
 */
static void alloc_zeroes_unless_raw(void **state)
{
	FIX;
	void *p;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	memset(pv(f, SZ_32M - SZ_64K), 0xaa, SZ_64K);

	p = memblock_alloc(mb, SZ_4K, SZ_4K);
	assert_true(all_bytes(p, 0, SZ_4K));
	p = memblock_alloc_raw(mb, SZ_4K, SZ_4K);
	assert_ptr_equal(p, pv(f, SZ_32M - SZ_8K));
	assert_true(all_bytes(p, 0xaa, SZ_4K));
	p = memblock_alloc_try_nid_raw(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0);
	assert_true(all_bytes(p, 0xaa, SZ_4K));
	p = memblock_alloc_exact_nid_raw(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0);
	assert_true(all_bytes(p, 0xaa, SZ_4K));
	p = memblock_alloc_node(mb, SZ_4K, SZ_4K, 0);
	assert_true(all_bytes(p, 0, SZ_4K));
	p = memblock_alloc_from(mb, SZ_4K, SZ_4K, SZ_16M);
	assert_true(all_bytes(p, 0, SZ_4K));
	p = memblock_alloc_low(mb, SZ_4K, SZ_4K);
	assert_true(all_bytes(p, 0, SZ_4K));
	p = memblock_alloc_try_nid(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
	assert_true(all_bytes(p, 0, SZ_4K));
	assert_int_equal(vp(f, p), SZ_32M - 8 * SZ_4K);
	MB_ASSERT_TYPE(&mb->reserved, 1, 8 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/* ---------------------------------------------------------------- failure */

/*
 *  |  +----+       +----+      |   two 64K regions, request 96K
 *  |  |    |       |    |      |
 *  |  +----+       +----+      |
 * Expect every allocator to fail (NULL or 0) although 128K is free in total,
 * and nothing reserved.
 */
static void alloc_fails_when_no_range_fits(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64K);
	memblock_add(mb, SZ_32M, SZ_64K);
	assert_null(memblock_alloc(mb, SZ_64K + SZ_32K, SZ_4K));
	assert_null(memblock_alloc_raw(mb, SZ_64K + SZ_32K, SZ_4K));
	assert_null(memblock_alloc_from(mb, SZ_64K + SZ_32K, SZ_4K, SZ_16M));
	assert_null(memblock_alloc_node(mb, SZ_64K + SZ_32K, SZ_4K, 0));
	assert_null(memblock_alloc_exact_nid_raw(mb, SZ_64K + SZ_32K, SZ_4K, 0, 0, 0));
	assert_int_equal(memblock_phys_alloc(mb, SZ_64K + SZ_32K, SZ_4K), 0);
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_64K + SZ_32K, SZ_4K, NUMA_NO_NODE), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 * No memory at all.  Expect NULL / 0 and reserved still empty.
 */
static void alloc_fails_without_memory(void **state)
{
	FIX;

	assert_null(memblock_alloc(mb, SZ_4K, SZ_4K));
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------------------+     |   memory [16M, 32M) entirely reserved
 *  |  |       rsv        |     |
 *  |  +------------------+     |
 * Expect allocation to fail and the reservation to stay as it was.
 */
static void alloc_fails_when_all_reserved(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_null(memblock_alloc(mb, SZ_4K, SZ_4K));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-----------------+|     |   memory [16M, 32M), size 0
 *  |  |                 ||     |
 *  |  +-----------------+|     |
 * Expect Linux's result for size 0: the (aligned) top of the free range is
 * returned, not NULL, and nothing is reserved.
 */
static void alloc_size_zero(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_phys_alloc(mb, 0, SZ_4K), SZ_32M);
	assert_ptr_equal(memblock_alloc(mb, 0, SZ_4K), pv(f, SZ_32M));
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/* ------------------------------------------------------------------- NUMA */

/* node 0 = [16M, 32M), node 1 = [32M, 48M) */
static void add_two_nodes(struct memblock *mb)
{
	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, SZ_32M, SZ_16M, 1, MEMBLOCK_NONE);
}

/*
 *  |  +--------+--------+      |
 *  |  |  n0|new|   n1   |      |
 *  |  +--------+--------+      |
 * Expect memblock_alloc_node(nid 0) at the top of node 0, and
 * memblock_phys_alloc_try_nid(nid 0) right below it.
 */
static void alloc_node_prefers_nid(void **state)
{
	FIX;

	add_two_nodes(mb);
	assert_ptr_equal(memblock_alloc_node(mb, SZ_4K, SZ_4K, 0), pv(f, SZ_32M - SZ_4K));
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_4K, SZ_4K, 0), SZ_32M - SZ_8K);
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_4K, SZ_4K, 1), SZ_32M + SZ_16M - SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |
 *  |  | n0 rsv |  n1|new|      |   node 0 fully reserved
 *  |  +--------+--------+      |
 * Expect memblock_alloc_node(nid 0) to fall back to any node (top of
 * node 1), while memblock_alloc_exact_nid_raw(nid 0) fails.
 */
static void alloc_node_fallback_vs_exact(void **state)
{
	FIX;

	add_two_nodes(mb);
	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_null(memblock_alloc_exact_nid_raw(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_16M);
	assert_ptr_equal(memblock_alloc_node(mb, SZ_4K, SZ_4K, 0), pv(f, SZ_32M + SZ_16M - SZ_4K));
	assert_ptr_equal(memblock_alloc_try_nid_raw(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0),
			 pv(f, SZ_32M + SZ_16M - SZ_8K));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |
 *  |  |  n0    |  n1|new|      |
 *  |  +--------+--------+      |
 * Expect NUMA_NO_NODE to take the top of all memory, and nid MAX_NUMNODES
 * (deprecated) to be treated as NUMA_NO_NODE.
 */
static void alloc_any_node(void **state)
{
	FIX;

	add_two_nodes(mb);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_32M + SZ_16M - SZ_4K));
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_4K, SZ_4K, MAXN),
			 SZ_32M + SZ_16M - SZ_8K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |
 *  |  |  n0|new|   n1   |      |   nid 0, max_addr 40M, min_addr 24M
 *  |  +--------+--------+      |
 * Expect memblock_alloc_exact_nid_raw to stay inside node 0 and the range.
 */
static void alloc_exact_nid_in_range(void **state)
{
	FIX;

	add_two_nodes(mb);
	assert_ptr_equal(memblock_alloc_exact_nid_raw(mb, SZ_4K, SZ_4K, SZ_16M + SZ_8M,
						      40 * SZ_1M, 0),
			 pv(f, SZ_32M - SZ_4K));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |
 *  |  | n0     |  n1    |      |   memblock_find_in_range_node, nid 1,
 *  |  +--------+--------+      |   bottom-up
 * Expect the bottom of node 1, and nothing reserved (find does not reserve).
 */
static void find_in_range_node_filters_nid(void **state)
{
	FIX;

	add_two_nodes(mb);
	memblock_set_bottom_up(mb, true);
	assert_int_equal(memblock_find_in_range_node(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE,
						     1, MEMBLOCK_NONE),
			 SZ_32M);
	assert_int_equal(memblock_find_in_range(mb, 0, MEMBLOCK_ALLOC_ACCESSIBLE, SZ_4K, SZ_4K),
			 SZ_16M);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |   no NUMA: regions added with nid 3 read as 0
 *  |  |        |    |new|      |
 *  |  +--------+--------+      |
 * Expect memblock_alloc_node(nid 0) and memblock_alloc_exact_nid_raw(nid 0)
 * to use the top of memory.
 */
static void alloc_node_flat(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_16M, 3, MEMBLOCK_NONE);
	assert_ptr_equal(memblock_alloc_node(mb, SZ_4K, SZ_4K, 0), pv(f, SZ_32M - SZ_4K));
	assert_ptr_equal(memblock_alloc_exact_nid_raw(mb, SZ_4K, SZ_4K, 0, 0, 0),
			 pv(f, SZ_32M - SZ_8K));
	MB_ASSERT_VALID(f);
}

/* ----------------------------------------------------------------- mirror */

/*
 *  |  +--------+--------+      |   [16M, 32M) MIRROR, [32M, 64M) plain
 *  |  | mir|new|        |      |
 *  |  +--------+--------+      |
 * Expect allocations to prefer mirrored memory once some is marked.
 */
static void alloc_prefers_mirror(void **state)
{
	FIX;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_mark_mirror(mb, SZ_16M, SZ_16M);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_32M - SZ_4K));
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), SZ_32M - SZ_8K);
	assert_false(mb_fixture_log_count_prefix(f, "Could not allocate") > 0);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |   mirrored [16M, 32M) all reserved
 *  |  |mir rsv |    |new|      |
 *  |  +--------+--------+      |
 * Expect the allocation to fall back to plain memory (top of [32M, 64M)) and
 * Linux's warning "Could not allocate 0x0000000000001000 bytes of mirrored
 * memory".
 */
static void alloc_mirror_fallback_warns(void **state)
{
	FIX;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_mark_mirror(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_ptr_equal(memblock_alloc(mb, SZ_4K, SZ_4K), pv(f, SZ_64M - SZ_4K));
	MB_ASSERT_LOG(f, "Could not allocate 0x0000000000001000 bytes of mirrored memory");
	MB_ASSERT_VALID(f);
}

/*
 * The same with memblock_find_in_range (its own fallback).
 * Expect the plain top and the same warning, with nothing reserved by find.
 */
static void find_in_range_mirror_fallback_warns(void **state)
{
	FIX;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_mark_mirror(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_find_in_range(mb, SZ_32M, SZ_64M, SZ_8K, SZ_4K), SZ_64M - SZ_8K);
	MB_ASSERT_LOG(f, "Could not allocate 0x0000000000002000 bytes of mirrored memory");
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/* --------------------------------------------------------------- helpers */

/*
 *  |  +----------+     +------------+   |   memory [512M, 1G) and [4G, 5G)
 *  |  |      |new|     |           b|   |
 *  |  +----------+     +------------+   |
 * Expect memblock_alloc_low below ARCH_LOW_ADDRESS_LIMIT (top of 1G) while
 * memblock_phys_alloc takes the top of all memory (b).
 */
static void alloc_low_stays_below_4g(void **state)
{
	FIX;

	memblock_add(mb, SZ_512M, SZ_512M);
	memblock_add(mb, 4 * SZ_1G, SZ_1G);
	assert_ptr_equal(memblock_alloc_low(mb, SZ_4K, SZ_4K), pv(f, SZ_1G - SZ_4K));
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), 5 * SZ_1G - SZ_4K);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_8K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |   every helper once, top-down, in order
 *  |  |        |  ...654321|   |
 *  |  +--------+--------+      |
 * Expect consecutive 4K blocks growing down from the top of memory, one
 * merged reservation in the end.
 */
static void alloc_every_helper_once(void **state)
{
	FIX;
	phys_addr_t top = SZ_64M;

	memblock_add_node(mb, SZ_16M, SZ_64M - SZ_16M, 0, MEMBLOCK_NONE);
	assert_int_equal(vp(f, memblock_alloc(mb, SZ_4K, SZ_4K)), top - 1 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_raw(mb, SZ_4K, SZ_4K)), top - 2 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_from(mb, SZ_4K, SZ_4K, SZ_16M)), top - 3 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_low(mb, SZ_4K, SZ_4K)), top - 4 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_node(mb, SZ_4K, SZ_4K, 0)), top - 5 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_try_nid(mb, SZ_4K, SZ_4K, 0, 0, 0)), top - 6 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_try_nid_raw(mb, SZ_4K, SZ_4K, 0, 0, 0)),
			 top - 7 * SZ_4K);
	assert_int_equal(vp(f, memblock_alloc_exact_nid_raw(mb, SZ_4K, SZ_4K, 0, 0, 0)),
			 top - 8 * SZ_4K);
	assert_int_equal(memblock_phys_alloc(mb, SZ_4K, SZ_4K), top - 9 * SZ_4K);
	assert_int_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE),
			 top - 10 * SZ_4K);
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_4K, SZ_4K, 0), top - 11 * SZ_4K);
	MB_ASSERT_TYPE(&mb->reserved, 1, 11 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, top - 11 * SZ_4K, 11 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+--------+      |   memblock_alloc_range_nid directly:
 *  |  | n0     | n1     |      |   exact_nid true on node 0 fully reserved
 *  |  +--------+--------+      |
 * Expect 0 with exact_nid and the top of node 1 without it.
 */
static void alloc_range_nid_exact(void **state)
{
	FIX;

	add_two_nodes(mb);
	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_alloc_range_nid(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0,
						  true),
			 0);
	assert_int_equal(memblock_alloc_range_nid(mb, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0,
						  false),
			 SZ_32M + SZ_16M - SZ_4K);
	MB_ASSERT_VALID(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_numa, mb_teardown)
#define T_FLAT(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_flat, mb_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(alloc_top_down_simple),
		T(alloc_bottom_up_simple),
		T(alloc_top_down_below_reserved),
		T(alloc_top_down_skips_small_gap),
		T(alloc_bottom_up_skips_small_gap),
		T(alloc_top_down_exact_fit),
		T(alloc_top_down_alignment),
		T(alloc_bottom_up_alignment),
		T(alloc_align_zero_uses_cache_line),
		T(alloc_respects_current_limit),
		T(alloc_anywhere_vs_current_limit),
		T(alloc_try_nid_max_addr),
		T(alloc_from_bottom_up),
		T(alloc_min_addr_retry_top_down),
		T(alloc_min_addr_retry_bottom_up),
		T(phys_alloc_range_no_retry),
		T(phys_alloc_range_inside),
		T(alloc_never_first_page),
		T(alloc_top_down_just_above_first_page),
		T(alloc_zeroes_unless_raw),
		T(alloc_fails_when_no_range_fits),
		T(alloc_fails_without_memory),
		T(alloc_fails_when_all_reserved),
		T(alloc_size_zero),
		T(alloc_node_prefers_nid),
		T(alloc_node_fallback_vs_exact),
		T(alloc_any_node),
		T(alloc_exact_nid_in_range),
		T(find_in_range_node_filters_nid),
		T_FLAT(alloc_node_flat),
		T(alloc_prefers_mirror),
		T(alloc_mirror_fallback_warns),
		T(find_in_range_mirror_fallback_warns),
		T(alloc_low_stays_below_4g),
		T(alloc_every_helper_once),
		T(alloc_range_nid_exact),
	};

	return cmocka_run_group_tests_name("memblock_alloc", tests, NULL, NULL);
}
