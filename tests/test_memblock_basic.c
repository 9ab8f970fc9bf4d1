// SPDX-License-Identifier: MIT
/*
 * test_memblock_basic.c - memblock's region operations: add, add_node,
 * reserve, remove, phys_free, free, the flag setters, set_node, trimming and
 * limits, and the queries.  Expected results are Linux 6.1 mm/memblock.c's.
 *
 * Pictures show physical addresses growing to the right; "|" marks the ends
 * of the picture, r1/r2 the regions set up before the call, "new" the range
 * of the call under test.  All ranges are half-open [base, base + size).
 */
#include "helpers/memblock_fixture.h"

#define FIX                                 \
	struct mb_fixture *f = *state;      \
	struct memblock *mb = &f->mb

#define MAXN MB_FIXTURE_MAX_NUMNODES
#define PMAX KMM_PHYS_ADDR_MAX

/* ------------------------------------------------------------------ init */

/*
 * A fresh memblock:  memory = { [0, 0) }, reserved = { [0, 0) }
 * Expect both types to be the empty dummy (cnt 1), with Linux's names and
 * defaults: top-down, current_limit = MEMBLOCK_ALLOC_ANYWHERE.
 */
static void memblock_init_empty(void **state)
{
	FIX;

	MB_ASSERT_EMPTY(&mb->memory);
	MB_ASSERT_EMPTY(&mb->reserved);
	assert_int_equal(mb->memory.max, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(mb->reserved.max, INIT_MEMBLOCK_REGIONS);
	assert_string_equal(mb->memory.name, "memory");
	assert_string_equal(mb->reserved.name, "reserved");
	assert_ptr_equal(mb->memory.regions, f->memory_regions);
	assert_ptr_equal(mb->reserved.regions, f->reserved_regions);
	assert_false(memblock_bottom_up(mb));
	assert_int_equal(memblock_get_current_limit(mb), MEMBLOCK_ALLOC_ANYWHERE);
	MB_ASSERT_VALID(f);
}

/* ------------------------------------------------------------------- add */

/*
 *  |        +--------+        |
 *  |        |  new   |        |
 *  |        +--------+        |
 *           256M     512M
 * Expect one memory region equal to the range, total_size its size, and the
 * node MAX_NUMNODES (memblock_add does not assign a node).
 */
static void memblock_add_simple(void **state)
{
	FIX;

	assert_int_equal(memblock_add(mb, SZ_256M, SZ_256M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_256M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_256M, SZ_256M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |        +--------+        |
 *  |        | new n3 |        |   memblock_add_node(nid 3, HOTPLUG)
 *  |        +--------+        |
 * Expect one region carrying node 3 and MEMBLOCK_HOTPLUG.
 */
static void memblock_add_node_simple(void **state)
{
	FIX;

	assert_int_equal(memblock_add_node(mb, SZ_16M, SZ_32M, 3, MEMBLOCK_HOTPLUG), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 3, MEMBLOCK_HOTPLUG);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+        +----+   |
 *  |   | r2 |        | r1 |   |   r1 added first, then r2 below it
 *  |   +----+        +----+   |
 * Expect two regions sorted by address, total_size the sum.
 */
static void memblock_add_disjoint(void **state)
{
	FIX;

	assert_int_equal(memblock_add(mb, SZ_256M, SZ_64M), 0);
	assert_int_equal(memblock_add(mb, SZ_16M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_64M + SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_256M, SZ_64M);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +---+-----+------+   |
 *  |     |new|  both | r1 |   |   new overlaps the start of r1
 *  |     +---+-----+------+   |
 *        32M  64M   96M  128M
 * Expect one region [32M, 128M) with total_size 96M (the overlap counted once).
 */
static void memblock_add_overlaps_start(void **state)
{
	FIX;

	memblock_add(mb, SZ_64M, SZ_64M);
	assert_int_equal(memblock_add(mb, SZ_32M, SZ_64M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, 3 * SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, 3 * SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +------+-----+---+   |
 *  |     |  r1  | both|new|   |   new overlaps the end of r1
 *  |     +------+-----+---+   |
 *        32M    64M   96M 128M
 * Expect one region [32M, 128M) with total_size 96M.
 */
static void memblock_add_overlaps_end(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_64M);
	assert_int_equal(memblock_add(mb, SZ_64M, SZ_64M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, 3 * SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, 3 * SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +----+-----+----+    |
 *  |     | r1 | new | r1 |    |   new lies inside r1
 *  |     +----+-----+----+    |
 * Expect r1 unchanged, total_size unchanged.
 */
static void memblock_add_within(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_64M);
	assert_int_equal(memblock_add(mb, SZ_64M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_64M);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +--------+           |
 *  |     |r1 = new|           |   the same range added twice
 *  |     +--------+           |
 * Expect one region and total_size counted once.
 */
static void memblock_add_twice(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_64M);
	assert_int_equal(memblock_add(mb, SZ_32M, SZ_64M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_64M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+   +----+         |
 *  |   | r1 |   | r2 |         |
 *  | +-+----+---+----+---+     |
 *  | |       new         |     |   new covers r1, the gap and r2
 *  | +-------------------+     |
 *    16M 32M 64M 96M 128M 160M
 * Expect the three to become one region [16M, 160M).
 */
static void memblock_add_across(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_32M);
	memblock_add(mb, 3 * SZ_32M, SZ_32M);
	assert_int_equal(memblock_add(mb, SZ_16M, 9 * SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, 9 * SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, 9 * SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+-----+----+       |
 *  |   | r1 | new | r2 |       |   new fills the gap exactly
 *  |   +----+-----+----+       |
 * Expect one region from r1's base to r2's end.
 */
static void memblock_add_between(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_16M);
	assert_int_equal(memblock_add(mb, SZ_32M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_64M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +-----+----+            |
 *  |   | new | r1 |            |   new ends where r1 begins
 *  |   +-----+----+            |
 * Expect the two to merge (same node MAX_NUMNODES, same flags).
 */
static void memblock_add_adjacent_below(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_16M);
	assert_int_equal(memblock_add(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+-----+            |
 *  |   | r1 | new |            |   new begins where r1 ends
 *  |   +----+-----+            |
 * Expect the two to merge.
 */
static void memblock_add_adjacent_above(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_add(mb, SZ_32M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +-------+-------+       |
 *  |   | r1 n0 |new n1 |       |   adjacent, different nodes
 *  |   +-------+-------+       |
 * Expect two regions, each keeping its node.
 */
static void memblock_add_node_adjacent_other_nid(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	assert_int_equal(memblock_add_node(mb, SZ_32M, SZ_16M, 1, MEMBLOCK_NONE), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 0, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 1, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +-------+-------+       |
 *  |   | r1 n0 |new n0 |       |   adjacent, same node, new is HOTPLUG
 *  |   +-------+-------+       |
 * Expect two regions (flags differ), then adding a third adjacent HOTPLUG
 * range above to merge with new only.
 */
static void memblock_add_node_adjacent_other_flags(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	assert_int_equal(memblock_add_node(mb, SZ_32M, SZ_16M, 0, MEMBLOCK_HOTPLUG), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 0, MEMBLOCK_HOTPLUG);
	assert_int_equal(memblock_add_node(mb, SZ_32M + SZ_16M, SZ_16M, 0, MEMBLOCK_HOTPLUG), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M + SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +-------+-------+       |
 *  |   | r1    |  new  |       |   r1 from memblock_add (node MAX_NUMNODES),
 *  |   +-------+-------+       |   new from memblock_add_node(nid 0)
 * Expect two regions: MAX_NUMNODES and 0 are different nodes.
 */
static void memblock_add_node_adjacent_to_unassigned(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add_node(mb, SZ_32M, SZ_16M, 0, MEMBLOCK_NONE);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 0, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 * Without NUMA:
 *  |   +-------+-------+       |
 *  |   | r1 n0 |new n3 |       |
 *  |   +-------+-------+       |
 * Expect one merged region: node ids are ignored and read as 0.
 */
static void memblock_add_node_flat_ignores_nid(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	assert_int_equal(memblock_add_node(mb, SZ_32M, SZ_16M, 3, MEMBLOCK_NONE), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	assert_int_equal(memblock_get_region_node(mb, &mb->memory.regions[0]), 0);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+----+-------+----+  |
 *  |   |new | r1 n0      |new |  |   new (nid 1) spans r1 (nid 0)
 *  |   +----+------------+----+  |
 * Expect r1 to keep node 0 and the parts of new outside it to get node 1:
 * three regions.
 */
static void memblock_add_node_over_other_nid(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_32M, SZ_32M, 0, MEMBLOCK_NONE);
	assert_int_equal(memblock_add_node(mb, SZ_16M, SZ_64M, 1, MEMBLOCK_NONE), 0);
	MB_ASSERT_TYPE(&mb->memory, 3, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 1, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 0, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 2, SZ_64M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 2, 1, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |                  +-------+---> wraps
 *  |                  |  new  |
 *  |                  +-------+
 *                     MAX-1M  MAX
 * Expect the size capped to PHYS_ADDR_MAX - base: region [MAX - 1M, MAX).
 */
static void memblock_add_near_max_capped(void **state)
{
	FIX;

	assert_int_equal(memblock_add(mb, PMAX - SZ_1M, SZ_2M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_1M);
	MB_ASSERT_RGN(&mb->memory, 0, PMAX - SZ_1M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_add(PHYS_ADDR_MAX, 1): the capped size is 0.
 * Expect a successful no-op: memory stays the empty dummy.
 */
static void memblock_add_at_max_is_empty(void **state)
{
	FIX;

	assert_int_equal(memblock_add(mb, PMAX, 1), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_add(base, 0) with memory empty and with one region.
 * Expect 0 and no change either time.
 */
static void memblock_add_size_zero(void **state)
{
	FIX;

	assert_int_equal(memblock_add(mb, SZ_16M, 0), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	memblock_add(mb, SZ_32M, SZ_16M);
	assert_int_equal(memblock_add(mb, SZ_16M, 0), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+                  |
 *  |   | r1 |  removed, then   |
 *  |   +----+                  |
 *  |             +-----+       |
 *  |             | new |       |   added into the empty array
 *  |             +-----+       |
 * Expect removing the only region to leave the dummy [0, 0) with node
 * MAX_NUMNODES and no flags, and the next add to fill regions[0] directly.
 */
static void memblock_add_into_emptied_array(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_16M, 2, MEMBLOCK_HOTPLUG);
	assert_int_equal(memblock_remove(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	assert_int_equal(memblock_add_node(mb, SZ_64M, SZ_32M, 1, MEMBLOCK_MIRROR), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_64M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 1, MEMBLOCK_MIRROR);
	MB_ASSERT_VALID(f);
}

/*
 *  | +--+ +--+ +--+ ... +--+   |   63 disjoint regions, then one range
 *  | +--+ +--+ +--+ ... +--+   |   covering all of them and the gaps
 * Expect the covering add to fit (63 regions + 64 new pieces <= 128, counted
 * before inserting) and to leave one region.
 */
static void memblock_add_fills_many_gaps(void **state)
{
	FIX;
	int i;

	for (i = 0; i < 63; i++)
		assert_int_equal(memblock_add(mb, SZ_1M + (phys_addr_t)i * SZ_2M, SZ_1M), 0);
	assert_int_equal(mb->memory.cnt, 63);
	assert_int_equal(memblock_add(mb, 0, SZ_256M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_256M);
	MB_ASSERT_RGN(&mb->memory, 0, 0, SZ_256M);
	MB_ASSERT_VALID(f);
}

/* --------------------------------------------------------------- reserve */

/*
 *  |        +--------+        |
 *  |        |  new   |        |   memory is empty
 *  |        +--------+        |
 * Expect one reserved region (reservations need no memory below them) with
 * node MAX_NUMNODES, and memory untouched.
 */
static void memblock_reserve_simple(void **state)
{
	FIX;

	assert_int_equal(memblock_reserve(mb, SZ_1M, SZ_4K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, SZ_4K);
	MB_ASSERT_RGN_ATTR(mb, &mb->reserved, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_EMPTY(&mb->memory);
	assert_int_equal(memblock_reserved_size(mb), SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+        +----+   |
 *  |   | r1 |        |new |   |
 *  |   +----+        +----+   |
 * Expect two reserved regions, in address order.
 */
static void memblock_reserve_disjoint(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_64M, SZ_4K);
	assert_int_equal(memblock_reserve(mb, SZ_16M, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_4K + SZ_8K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_16M, SZ_8K);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_64M, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +---+------+---+     |
 *  |     |new| both |r1 |     |   new overlaps the start of r1
 *  |     +---+------+---+     |
 * Expect one merged region, the overlap counted once.
 */
static void memblock_reserve_overlaps_start(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_8K, SZ_8K);
	assert_int_equal(memblock_reserve(mb, SZ_4K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_4K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +---+------+---+     |
 *  |     |r1 | both |new|     |   new overlaps the end of r1
 *  |     +---+------+---+     |
 * Expect one merged region.
 */
static void memblock_reserve_overlaps_end(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_4K, SZ_8K);
	assert_int_equal(memblock_reserve(mb, SZ_8K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_4K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |     +----+-----+----+    |
 *  |     | r1 | new | r1 |    |
 *  |     +----+-----+----+    |
 * Expect no change.
 */
static void memblock_reserve_within(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_1M);
	assert_int_equal(memblock_reserve(mb, SZ_1M + SZ_4K, SZ_4K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_1M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+-----+----+       |
 *  |   | r1 | new | r2 |       |   new fills the gap exactly
 *  |   +----+-----+----+       |
 * Expect one reserved region.
 */
static void memblock_reserve_between(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_4K);
	memblock_reserve(mb, SZ_1M + SZ_8K, SZ_4K);
	assert_int_equal(memblock_reserve(mb, SZ_1M + SZ_4K, SZ_4K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+   +----+   +----+  |
 *  |   | r1 |   | r2 |   | r3 |  |
 *  | +-+----+---+----+---+-+  |  |
 *  | |        new          |  |  |   new covers r1, r2 and part of r3
 *  | +---------------------+  |  |
 * Expect one region from new's base to r3's end.
 */
static void memblock_reserve_across(void **state)
{
	FIX;

	memblock_reserve(mb, 2 * SZ_4K, SZ_4K);
	memblock_reserve(mb, 4 * SZ_4K, SZ_4K);
	memblock_reserve(mb, 6 * SZ_4K, 2 * SZ_4K);
	assert_int_equal(memblock_reserve(mb, SZ_4K, 6 * SZ_4K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 7 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_4K, 7 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |                  +-------+---> wraps
 *  |                  |  new  |
 *  |                  +-------+
 * Expect the reservation capped to [PHYS_ADDR_MAX - 4K, PHYS_ADDR_MAX).
 */
static void memblock_reserve_near_max_capped(void **state)
{
	FIX;

	assert_int_equal(memblock_reserve(mb, PMAX - SZ_4K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, PMAX - SZ_4K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_reserve(base, 0).
 * Expect 0 and reserved still empty.
 */
static void memblock_reserve_size_zero(void **state)
{
	FIX;

	assert_int_equal(memblock_reserve(mb, SZ_1M, 0), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/* ---------------------------------------------------------------- remove */

/*
 *  |   +----+        +----+   |
 *  |   | r1 |        | r2 |   |   remove exactly r2
 *  |   +----+        +----+   |
 * Expect r1 alone, total_size r1's size.
 */
static void memblock_remove_simple(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_32M);
	assert_int_equal(memblock_remove(mb, SZ_64M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+     +-----+     |
 *  |   | r1 |     | new |     |   new does not touch memory
 *  |   +----+     +-----+     |
 * Expect 0 and no change.
 */
static void memblock_remove_absent(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_remove(mb, SZ_64M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+----+-------+      |
 *  |  |new | xx |  r1   |      |   new covers the start of r1
 *  |  +----+----+-------+      |
 *     16M  32M  48M     96M
 * Expect r1 to shrink to [48M, 96M).
 */
static void memblock_remove_overlaps_start(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_64M);
	assert_int_equal(memblock_remove(mb, SZ_16M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M + SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M + SZ_16M, SZ_32M + SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+----+----+      |
 *  |  |  r1   | xx |new |      |   new covers the end of r1
 *  |  +-------+----+----+      |
 *     32M     80M  96M  112M
 * Expect r1 to shrink to [32M, 80M).
 */
static void memblock_remove_overlaps_end(void **state)
{
	FIX;

	memblock_add(mb, SZ_32M, SZ_64M);
	assert_int_equal(memblock_remove(mb, SZ_64M + SZ_16M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M + SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_32M + SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-----+-----+-----+      |
 *  |  | r1  | new | r1  |      |   new inside r1 (node 2, HOTPLUG)
 *  |  +-----+-----+-----+      |
 * Expect r1 split in two, both halves keeping node 2 and HOTPLUG.
 */
static void memblock_remove_within(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_32M, SZ_64M, 2, MEMBLOCK_HOTPLUG);
	assert_int_equal(memblock_remove(mb, SZ_64M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_64M - SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 2, MEMBLOCK_HOTPLUG);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_64M + SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 2, MEMBLOCK_HOTPLUG);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+                |
 *  |  |r1=new |                |   remove the only region
 *  |  +-------+                |
 * Expect the empty dummy: cnt 1, [0, 0), total_size 0.
 */
static void memblock_remove_only_region(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_remove(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	assert_int_equal(memblock_phys_mem_size(mb), 0);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+      +------+   |
 *  |  |  r1  |      |  r2  |   |
 *  |  +---+--+------+--+---+   |
 *  |      |   new      |       |   new covers r1's end and r2's start
 *  |      +------------+       |
 * Expect both shrunk: r1 keeps its start, r2 keeps its end.
 */
static void memblock_remove_across_two(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_add(mb, SZ_64M, SZ_32M);
	assert_int_equal(memblock_remove(mb, SZ_32M, SZ_32M + SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_64M + SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+   +----+   +----+  |
 *  |  | r1 |   | r2 |   | r3 |  |
 *  |  +----+ +-+----+-+ +----+  |
 *  |         |  new   |         |   new covers r2 entirely
 *  |         +--------+         |
 * Expect r2 gone, r1 and r3 untouched.
 */
static void memblock_remove_covers_middle(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_16M);
	memblock_add(mb, SZ_128M, SZ_16M);
	assert_int_equal(memblock_remove(mb, SZ_32M + SZ_16M, SZ_64M), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_128M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+          +----+---> (arm64: memblock_remove(1 << 48, ULLONG_MAX))
 *  |  | r1 |          | r2 |
 *  |  +----+          +----+
 *     16M             2^48
 * Expect the size capped to PHYS_ADDR_MAX - base, so everything from 2^48 up
 * goes and r1 stays.
 */
static void memblock_remove_wrapping_size(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, 1ULL << 48, SZ_1G);
	assert_int_equal(memblock_remove(mb, 1ULL << 48, KMM_ULLONG_MAX), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |                  +---+---+
 *  |                  |r1 |new|   new = [MAX - 1M, MAX + ...) capped
 *  |                  +---+---+
 * Expect r1 = [MAX - 2M, MAX) to shrink to [MAX - 2M, MAX - 1M).
 */
static void memblock_remove_near_max(void **state)
{
	FIX;

	memblock_add(mb, PMAX - SZ_2M, SZ_2M);
	assert_int_equal(memblock_remove(mb, PMAX - SZ_1M, SZ_2M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_1M);
	MB_ASSERT_RGN(&mb->memory, 0, PMAX - SZ_2M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_remove(base, 0) inside a region, and memblock_remove on empty
 * memory.  Expect 0 and no change either time.
 */
static void memblock_remove_size_zero_and_empty(void **state)
{
	FIX;

	assert_int_equal(memblock_remove(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_remove(mb, SZ_16M + SZ_4K, 0), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+  memory        |
 *  |  +-------+                |
 *  |     +-------+  reserved   |
 *  |     +-------+             |
 * memblock_remove of the memory region.
 * Expect reserved untouched: remove only edits memory.
 */
static void memblock_remove_leaves_reserved(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_16M + SZ_8M, SZ_16M);
	assert_int_equal(memblock_remove(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_EMPTY(&mb->memory);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_16M + SZ_8M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/* ------------------------------------------------------------- phys_free */

/*
 *  |   +----+        +----+   |
 *  |   | r1 |        | r2 |   |   free exactly r1
 *  |   +----+        +----+   |
 * Expect r2 alone in reserved.
 */
static void memblock_phys_free_simple(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_4M, SZ_1M);
	memblock_reserve(mb, SZ_8M, SZ_4K);
	assert_int_equal(memblock_phys_free(mb, SZ_4M, SZ_1M), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_8M, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |   +----+     +-----+      |
 *  |   | r1 |     | new |      |   new was never reserved
 *  |   +----+     +-----+      |
 * Expect a no-op returning 0, as in Linux (no error for misuse).
 */
static void memblock_phys_free_never_reserved(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_4M, SZ_1M);
	assert_int_equal(memblock_phys_free(mb, SZ_8M, SZ_1M), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_1M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_4M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_phys_free with reserved empty.  Expect 0 and still empty.
 */
static void memblock_phys_free_empty(void **state)
{
	FIX;

	assert_int_equal(memblock_phys_free(mb, SZ_4M, SZ_1M), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+----+-------+      |
 *  |  |new | xx |  r1   |      |   free covers the start of r1
 *  |  +----+----+-------+      |
 * Expect r1 to lose its start.
 */
static void memblock_phys_free_overlaps_start(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_8K, SZ_16K);
	assert_int_equal(memblock_phys_free(mb, SZ_4K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, 3 * SZ_4K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+----+----+      |
 *  |  |  r1   | xx |new |      |   free covers the end of r1
 *  |  +-------+----+----+      |
 * Expect r1 to lose its end.
 */
static void memblock_phys_free_overlaps_end(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_8K, SZ_16K);
	assert_int_equal(memblock_phys_free(mb, 5 * SZ_4K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, 3 * SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_8K, 3 * SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-----+-----+-----+      |
 *  |  | r1  | new | r1  |      |   free inside r1
 *  |  +-----+-----+-----+      |
 * Expect r1 split into two reserved regions.
 */
static void memblock_phys_free_within(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_1M);
	assert_int_equal(memblock_phys_free(mb, SZ_1M + SZ_4K, SZ_4K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_1M - SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_1M + SZ_8K, SZ_1M - SZ_8K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+                |
 *  |  |r1=new |                |   free the only reservation
 *  |  +-------+                |
 * Expect reserved to become the empty dummy with node MAX_NUMNODES.
 */
static void memblock_phys_free_only_region(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_1M);
	assert_int_equal(memblock_phys_free(mb, SZ_1M, SZ_1M), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_RGN_ATTR(mb, &mb->reserved, 0, MAXN, MEMBLOCK_NONE);
	assert_int_equal(memblock_reserved_size(mb), 0);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+      +------+   |
 *  |  |  r1  |      |  r2  |   |
 *  |  +---+--+------+--+---+   |
 *  |      |   new      |       |   free across two reservations
 *  |      +------------+       |
 * Expect both trimmed.
 */
static void memblock_phys_free_across_two(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_1M);
	memblock_reserve(mb, SZ_4M, SZ_1M);
	assert_int_equal(memblock_phys_free(mb, SZ_1M + SZ_512K, SZ_4M - SZ_1M), 0);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_1M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, SZ_512K);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_4M + SZ_512K, SZ_512K);
	MB_ASSERT_VALID(f);
}

/*
 *  |                  +---+---+
 *  |                  |r1 |new|   free [MAX - 4K, MAX + 4K) capped
 *  |                  +---+---+
 * Expect r1 = [MAX - 8K, MAX) to keep [MAX - 8K, MAX - 4K).
 */
static void memblock_phys_free_near_max(void **state)
{
	FIX;

	memblock_reserve(mb, PMAX - SZ_8K, SZ_8K);
	assert_int_equal(memblock_phys_free(mb, PMAX - SZ_4K, SZ_8K), 0);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, PMAX - SZ_8K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+  memory        |
 *  |  +-------+                |
 *  |  +-------+  reserved      |
 *  |  +-------+                |
 * memblock_phys_free of the reservation.
 * Expect memory untouched: phys_free only edits reserved.
 */
static void memblock_phys_free_leaves_memory(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_phys_free(mb, SZ_16M, SZ_16M), 0);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_VALID(f);
}

/* ------------------------------------------------------------------ free */

/*
 *  |  +--------------------+   |   memory [16M, 32M), one allocation at the top
 *  |  |               |new |   |
 *  |  +--------------------+   |
 * memblock_free(ptr, size) of a memblock_alloc() pointer.
 * Expect the reservation gone (the virtual pointer translated back).
 */
static void memblock_free_virtual(void **state)
{
	FIX;
	void *p;

	memblock_add(mb, SZ_16M, SZ_16M);
	p = memblock_alloc(mb, SZ_4K, SZ_4K);
	assert_non_null(p);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - SZ_4K, SZ_4K);
	memblock_free(mb, p, SZ_4K);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-----------+            |
 *  |  | r1 | new  |            |   free the upper half of a reservation
 *  |  +-----------+            |
 * Expect only the freed part to go.
 */
static void memblock_free_virtual_part(void **state)
{
	FIX;
	char *p;

	memblock_add(mb, SZ_16M, SZ_16M);
	p = memblock_alloc(mb, SZ_8K, SZ_4K);
	assert_non_null(p);
	memblock_free(mb, p + SZ_4K, SZ_4K);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_32M - SZ_8K, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_free(NULL, size).  Expect a no-op, as Linux checks the pointer.
 */
static void memblock_free_null(void **state)
{
	FIX;

	memblock_reserve(mb, 0, SZ_4K);
	memblock_free(mb, NULL, SZ_4K);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_RGN(&mb->reserved, 0, 0, SZ_4K);
	MB_ASSERT_VALID(f);
}

/* --------------------------------------------------------- total / trim */

/*
 * add, add overlapping, reserve, free: after each step
 * Expect memblock_phys_mem_size() == memory.total_size == sum of sizes and
 * memblock_reserved_size() == reserved.total_size.
 */
static void memblock_total_size_bookkeeping(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_16M);
	assert_int_equal(memblock_phys_mem_size(mb), SZ_32M);
	memblock_add(mb, SZ_16M + SZ_8M, SZ_64M); /* [24M, 88M) joins both */
	assert_int_equal(memblock_phys_mem_size(mb), SZ_64M + SZ_8M);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M + SZ_8M);
	memblock_reserve(mb, SZ_16M, SZ_4K);
	memblock_reserve(mb, SZ_16M + SZ_4K, SZ_4K);
	assert_int_equal(memblock_reserved_size(mb), SZ_8K);
	memblock_phys_free(mb, SZ_16M, SZ_4K);
	assert_int_equal(memblock_reserved_size(mb), SZ_4K);
	memblock_remove(mb, SZ_32M, SZ_16M);
	assert_int_equal(memblock_phys_mem_size(mb), SZ_64M + SZ_8M - SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +..+-------+..+          |   r1 = [1M + 0x200, 2M + 0x300)
 *  |  :  |  r1   |  :          |
 *  |  +..+-------+..+          |   trimmed to page boundaries
 * memblock_trim_memory(4K).
 * Expect r1 = [1M + 4K, 2M) and total_size left at the untrimmed size, as
 * Linux leaves it (the pc-2G oracle shows 0x7ff7ec00 for 0x7ff7e000 of regions).
 */
static void memblock_trim_memory_keeps_total_size(void **state)
{
	FIX;
	phys_addr_t before;

	memblock_add(mb, SZ_1M + 0x200, SZ_1M + 0x100);
	before = mb->memory.total_size;
	memblock_trim_memory(mb, SZ_4K);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_1M + SZ_4K, SZ_1M - SZ_4K);
	assert_int_equal(mb->memory.cnt, 1);
	assert_int_equal(mb->memory.total_size, before);
	assert_int_equal(memblock_phys_mem_size(mb), SZ_1M + 0x100);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-+   +------------+     |   r1 = [8K + 0x10, 12K - 0x10) is smaller than a page
 *  |  |r1|  |     r2     |     |
 *  |  +-+   +------------+     |
 * memblock_trim_memory(4K).
 * Expect r1 removed (its size leaves total_size, as memblock_remove_region
 * subtracts it) and r2, already aligned, untouched.
 */
static void memblock_trim_memory_drops_small_region(void **state)
{
	FIX;

	memblock_add(mb, SZ_8K + 0x10, SZ_4K - 0x20);
	memblock_add(mb, SZ_1M, SZ_1M);
	memblock_trim_memory(mb, SZ_4K);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_1M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_1M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  | +-+ +-+ +---------+       |  two sub-page regions, then an unaligned one
 *  | +-+ +-+ +---------+       |
 * memblock_trim_memory(4K) removing consecutive regions.
 * Expect both small regions gone and the third trimmed, its untrimmed bytes
 * still counted in total_size.
 */
static void memblock_trim_memory_drops_consecutive(void **state)
{
	FIX;

	memblock_add(mb, SZ_4K + 0x100, 0x100);
	memblock_add(mb, SZ_8K + 0x100, 0x100);
	memblock_add(mb, SZ_16K + 0x800, SZ_16K);
	memblock_trim_memory(mb, SZ_4K);
	assert_int_equal(mb->memory.cnt, 1);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16K + SZ_4K, SZ_16K - SZ_4K);
	assert_int_equal(mb->memory.total_size, SZ_16K);
	MB_ASSERT_VALID(f);
}

/* ------------------------------------------------------------------ flags */

/*
 *  |  +-------------------+    |
 *  |  |        r1         |    |   mark all of r1 HOTPLUG
 *  |  +-------------------+    |
 * Expect one region with MEMBLOCK_HOTPLUG.
 */
static void memblock_mark_hotplug_whole(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	assert_int_equal(memblock_mark_hotplug(mb, SZ_16M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_HOTPLUG);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+-----+------+    |
 *  |  |  r1  | new |  r1  |    |   mark the middle of r1 HOTPLUG
 *  |  +------+-----+------+    |
 *     16M    24M   32M    48M
 * Expect three regions, only the middle flagged, total_size unchanged.
 */
static void memblock_mark_hotplug_splits(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	assert_int_equal(memblock_mark_hotplug(mb, SZ_16M + SZ_8M, SZ_8M), 0);
	MB_ASSERT_TYPE(&mb->memory, 3, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_8M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_16M + SZ_8M, SZ_8M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_HOTPLUG);
	MB_ASSERT_RGN(&mb->memory, 2, SZ_32M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 2, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+-----+------+    |
 *  |  |  r1  | hot |  r1  |    |   clear HOTPLUG from the middle again
 *  |  +------+-----+------+    |
 * Expect the three pieces to merge back into one region.
 */
static void memblock_clear_hotplug_remerges(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_hotplug(mb, SZ_16M + SZ_8M, SZ_8M);
	assert_int_equal(memblock_clear_hotplug(mb, SZ_16M + SZ_8M, SZ_8M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+----+    +----+    |
 *  |  | r1 |xxxx|    | r2 |    |   mark NOMAP from r1's middle into r2
 *  |  +----+----+    +--+-+    |
 *          |   new      |      |
 *          +------------+      |
 * Expect r1 and r2 split at the range's ends, the inner pieces NOMAP, and
 * the gap still not memory.
 */
static void memblock_mark_nomap_across_gap(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_16M);
	assert_int_equal(memblock_mark_nomap(mb, SZ_16M + SZ_8M, SZ_32M + SZ_8M + SZ_4M), 0);
	MB_ASSERT_TYPE(&mb->memory, 4, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_8M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_16M + SZ_8M, SZ_8M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_RGN(&mb->memory, 2, SZ_64M, SZ_4M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 2, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_RGN(&mb->memory, 3, SZ_64M + SZ_4M, SZ_16M - SZ_4M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 3, MAXN, MEMBLOCK_NONE);
	assert_false(memblock_is_memory(mb, SZ_32M + SZ_16M));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+-----+----+        |
 *  |  | r1 |nomap| r1 |        |   clear NOMAP from the whole of r1
 *  |  +----+-----+----+        |
 * Expect one region without flags.
 */
static void memblock_clear_nomap_remerges(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_nomap(mb, SZ_32M, SZ_4M);
	assert_int_equal(mb->memory.cnt, 3);
	assert_int_equal(memblock_clear_nomap(mb, SZ_16M, SZ_32M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+------+          |
 *  |  |  r1  |  r1  |          |   mark MIRROR on r1's lower half
 *  |  +------+------+          |
 * Expect the lower half MIRROR and system_has_some_mirror set (with
 * kernelcore=mirror, so the result does not depend on that switch).
 */
static void memblock_mark_mirror_sets_system_flag(void **state)
{
	FIX;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, SZ_32M);
	assert_false(mb->system_has_some_mirror);
	assert_int_equal(memblock_mark_mirror(mb, SZ_16M, SZ_16M), 0);
	assert_true(mb->system_has_some_mirror);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_MIRROR);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +------+---------+------+  |
 *  |  |  hot | hot+mir | mir  |  |   HOTPLUG on [16M, 48M), MIRROR on [32M, 64M)
 *  |  +------+---------+------+  |
 * Expect the flags to combine bit by bit: 0x1, 0x3, 0x2.
 */
static void memblock_mark_flags_combine(void **state)
{
	FIX;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_mark_hotplug(mb, SZ_16M, SZ_32M);
	memblock_mark_mirror(mb, SZ_32M, SZ_32M);
	MB_ASSERT_TYPE(&mb->memory, 3, SZ_64M - SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_HOTPLUG);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_HOTPLUG | MEMBLOCK_MIRROR);
	MB_ASSERT_RGN(&mb->memory, 2, SZ_32M + SZ_16M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 2, MAXN, MEMBLOCK_MIRROR);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+      +-----+      |
 *  |  | r1 |      | new |      |   mark a range with no memory
 *  |  +----+      +-----+      |
 * Expect 0, memory unchanged and reserved never touched by the setters.
 */
static void memblock_mark_outside_memory(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_64M, SZ_16M);
	assert_int_equal(memblock_mark_nomap(mb, SZ_64M, SZ_16M), 0);
	assert_int_equal(memblock_mark_hotplug(mb, SZ_64M, SZ_16M), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->reserved, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/* --------------------------------------------------------------- set_node */

/*
 *  |  +----------------+       |   memblock_add: node MAX_NUMNODES
 *  |  |  n0    |  n1   |       |   set_node lower half 0, upper half 1
 *  |  +----------------+       |
 * Expect two regions with nodes 0 and 1; then set_node of the whole range
 * to 1 to merge them back into one.
 */
static void memblock_set_node_splits_and_merges(void **state)
{
	FIX;

	memblock_add(mb, 0, SZ_64M);
	assert_int_equal(memblock_set_node(mb, 0, SZ_32M, &mb->memory, 0), 0);
	assert_int_equal(memblock_set_node(mb, SZ_32M, SZ_32M, &mb->memory, 1), 0);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 0, 0, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 0, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, 1, MEMBLOCK_NONE);
	assert_int_equal(memblock_set_node(mb, 0, SZ_64M, &mb->memory, 1), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, 1, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+----+              |   reserved [1M, 3M); set_node [2M, 4M) on
 *  |  | r1 | n2 |              |   the reserved type to node 2
 *  |  +----+----+              |
 * Expect the reserved region split: [1M, 2M) unassigned, [2M, 3M) node 2;
 * memory untouched.
 */
static void memblock_set_node_reserved(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_2M);
	assert_int_equal(memblock_set_node(mb, SZ_2M, SZ_2M, &mb->reserved, 2), 0);
	MB_ASSERT_TYPE(&mb->reserved, 2, SZ_2M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_1M, SZ_1M);
	MB_ASSERT_RGN_ATTR(mb, &mb->reserved, 0, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_RGN(&mb->reserved, 1, SZ_2M, SZ_1M);
	MB_ASSERT_RGN_ATTR(mb, &mb->reserved, 1, 2, MEMBLOCK_NONE);
	MB_ASSERT_EMPTY(&mb->memory);
	MB_ASSERT_VALID(f);
}

/*
 * Without NUMA, memblock_set_node on the middle of a region.
 * Expect 0 and no split: Linux compiles the body out without CONFIG_NUMA.
 */
static void memblock_set_node_flat_noop(void **state)
{
	FIX;

	memblock_add(mb, 0, SZ_64M);
	assert_int_equal(memblock_set_node(mb, SZ_16M, SZ_16M, &mb->memory, 0), 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_VALID(f);
}

/* ---------------------------------------------------------- memory limits */

/*
 *  |  +------+      +------------+   |   memory [1M, 65M), [128M, 192M)
 *  |  |  r1  |  rsv |  r2   :xxxx|   |   reserved [140M, 150M)
 *  |  +------+      +------------+   |
 * memblock_enforce_memory_limit(80M): 64M from r1, 16M from r2.
 * Expect memory cut at 144M and the reservation cut at 144M too.
 */
static void memblock_enforce_memory_limit_truncates(void **state)
{
	FIX;

	memblock_add(mb, SZ_1M, SZ_64M);
	memblock_add(mb, SZ_128M, SZ_64M);
	memblock_reserve(mb, SZ_128M + 12 * SZ_1M, 10 * SZ_1M);
	memblock_enforce_memory_limit(mb, SZ_64M + SZ_16M);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_64M + SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_1M, SZ_64M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_128M, SZ_16M);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_128M + 12 * SZ_1M, SZ_4M);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_enforce_memory_limit with 0 and with more than all memory.
 * Expect no change either time.
 */
static void memblock_enforce_memory_limit_noop(void **state)
{
	FIX;

	memblock_add(mb, SZ_1M, SZ_64M);
	memblock_reserve(mb, SZ_256M, SZ_4K);
	memblock_enforce_memory_limit(mb, 0);
	memblock_enforce_memory_limit(mb, SZ_128M);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_64M);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+----+  +----+  +-----+-----+  |   memory: r1 [16M,32M), nomap
 *  |  | r1 |nomp|  | r3 |  |  r4 : xx  |  |   [32M,48M), r3 [64M,96M),
 *  |  +----+----+  +----+  +-----+-----+  |   r4 [128M,192M)
 * memblock_cap_memory_range(128M, 32M).
 * Expect the mapped regions outside [128M, 160M) removed, the NOMAP region
 * kept, and reserved cut to the range.
 */
static void memblock_cap_memory_range_keeps_nomap(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_nomap(mb, SZ_32M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_32M);
	memblock_add(mb, SZ_128M, SZ_64M);
	memblock_reserve(mb, SZ_1M, SZ_1M);
	memblock_reserve(mb, SZ_128M + SZ_16M, SZ_32M);
	memblock_cap_memory_range(mb, SZ_128M, SZ_32M);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_16M + SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_32M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_128M, SZ_32M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_NONE);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_16M);
	MB_ASSERT_RGN(&mb->reserved, 0, SZ_128M + SZ_16M, SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------:--------+       |   one NOMAP region [16M, 48M)
 *  |  |  nomap : nomap  |       |   cap at [32M, 96M) isolates it at 32M
 *  |  +--------:--------+       |
 * Expect Linux's result: both halves kept (NOMAP is never removed) and left
 * unmerged, because memblock_cap_memory_range() does not merge after
 * isolating.
 */
static void memblock_cap_memory_range_splits_nomap(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_nomap(mb, SZ_16M, SZ_32M);
	memblock_cap_memory_range(mb, SZ_32M, SZ_64M);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_32M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_32M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_cap_memory_range before any memory was added.
 * Expect Linux's warning "memblock_cap_memory_range: No memory registered yet"
 * and no change to reserved.
 */
static void memblock_cap_memory_range_no_memory(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_1M);
	memblock_cap_memory_range(mb, SZ_16M, SZ_16M);
	MB_ASSERT_LOG(f, "memblock_cap_memory_range: No memory registered yet");
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_cap_memory_range(base, 0).  Expect no change at all.
 */
static void memblock_cap_memory_range_size_zero(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_1M, SZ_1M);
	memblock_cap_memory_range(mb, SZ_64M, 0);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_16M);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  |  +--------+   +-----+   +--------+  |   r1 [16M, 48M), nomap [64M, 80M),
 *  |  |  r1 :xx|   |nomap|   |xx r3 xx|  |   r3 [96M, 128M); reserved [44M, 100M)
 *  |  +--------+   +-----+   +--------+  |
 * memblock_mem_limit_remove_map(24M): the limit falls in r1 at 40M.
 * Expect mapped memory above 40M gone, the NOMAP region kept, and reserved
 * cut at 40M.
 */
static void memblock_mem_limit_remove_map_keeps_nomap(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_add(mb, SZ_64M, SZ_16M);
	memblock_mark_nomap(mb, SZ_64M, SZ_16M);
	memblock_add(mb, 3 * SZ_32M, SZ_32M);
	memblock_reserve(mb, 44 * SZ_1M, 56 * SZ_1M);
	memblock_mem_limit_remove_map(mb, SZ_16M + SZ_8M);
	MB_ASSERT_TYPE(&mb->memory, 2, SZ_16M + SZ_8M + SZ_16M);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_16M + SZ_8M);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_64M, SZ_16M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 1, MAXN, MEMBLOCK_NOMAP);
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_mem_limit_remove_map with 0 and with more than all memory.
 * Expect no change.
 */
static void memblock_mem_limit_remove_map_noop(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_reserve(mb, SZ_256M, SZ_4K);
	memblock_mem_limit_remove_map(mb, 0);
	memblock_mem_limit_remove_map(mb, SZ_64M);
	MB_ASSERT_TYPE(&mb->memory, 1, SZ_32M);
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_4K);
	MB_ASSERT_VALID(f);
}

/* ---------------------------------------------------------------- queries */

/*
 *  |     +-------+             |   reserved [16M, 32M)
 *  |     |  r1   |             |
 *  |     +-------+             |
 * Expect memblock_overlaps_region() true for any range sharing a byte,
 * false for ranges that only touch r1's ends, true for a size-0 range
 * strictly inside r1 (Linux's comparison), false for size 0 at r1's base,
 * and a wrapping size capped rather than wrapping.
 */
static void memblock_overlaps_region_shapes(void **state)
{
	FIX;
	const struct memblock_type *rt = &mb->reserved;

	memblock_reserve(mb, SZ_16M, SZ_16M);
	assert_true(memblock_overlaps_region(rt, SZ_16M, SZ_16M));
	assert_true(memblock_overlaps_region(rt, SZ_8M, SZ_8M + 1));
	assert_true(memblock_overlaps_region(rt, SZ_32M - 1, SZ_16M));
	assert_true(memblock_overlaps_region(rt, SZ_8M, SZ_64M));
	assert_false(memblock_overlaps_region(rt, SZ_8M, SZ_8M));
	assert_false(memblock_overlaps_region(rt, SZ_32M, SZ_16M));
	assert_true(memblock_overlaps_region(rt, SZ_16M + SZ_4K, 0));
	assert_false(memblock_overlaps_region(rt, SZ_16M, 0));
	assert_true(memblock_overlaps_region(rt, SZ_8M, KMM_ULLONG_MAX));
	assert_false(memblock_overlaps_region(rt, SZ_64M, KMM_ULLONG_MAX));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +-------+-------+   +----+   |   memory [16M, 32M) none, [32M, 48M)
 *  |  |  r1   | r2 hp |   | r3 |   |   HOTPLUG, [64M, 80M)
 *  |  +-------+-------+   +----+   |
 * Expect memblock_is_region_memory() true only when one region holds the
 * whole range (Linux looks at the region containing base): a range over
 * r1 and r2 is false although both are memory.
 */
static void memblock_is_region_memory_shapes(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_hotplug(mb, SZ_32M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_16M);
	assert_true(memblock_is_region_memory(mb, SZ_16M, SZ_16M));
	assert_true(memblock_is_region_memory(mb, SZ_16M + SZ_4K, SZ_4K));
	assert_false(memblock_is_region_memory(mb, SZ_16M, SZ_32M));
	assert_false(memblock_is_region_memory(mb, SZ_64M, SZ_32M));
	assert_false(memblock_is_region_memory(mb, SZ_8M, SZ_16M));
	assert_false(memblock_is_region_memory(mb, SZ_64M - SZ_4K, SZ_8K));
	assert_true(memblock_is_region_memory(mb, SZ_64M, 0));
	assert_false(memblock_is_region_memory(mb, SZ_64M + SZ_16M, 0));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+---------+         |   memory [16M, 48M), [32M, 48M) NOMAP;
 *  |  | r1 |  nomap  |         |   reserved [4M, 8M)
 *  |  +----+---------+         |
 * Expect is_memory true on both, is_map_memory false on NOMAP, ends
 * exclusive, and is_reserved/is_region_reserved following reserved.
 */
static void memblock_is_memory_and_reserved(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_nomap(mb, SZ_32M, SZ_16M);
	memblock_reserve(mb, SZ_4M, SZ_4M);
	assert_true(memblock_is_memory(mb, SZ_16M));
	assert_true(memblock_is_memory(mb, SZ_32M + SZ_8M));
	assert_false(memblock_is_memory(mb, SZ_16M - 1));
	assert_false(memblock_is_memory(mb, SZ_32M + SZ_16M));
	assert_true(memblock_is_map_memory(mb, SZ_32M - 1));
	assert_false(memblock_is_map_memory(mb, SZ_32M));
	assert_false(memblock_is_map_memory(mb, SZ_64M));
	assert_true(memblock_is_reserved(mb, SZ_4M));
	assert_true(memblock_is_reserved(mb, SZ_8M - 1));
	assert_false(memblock_is_reserved(mb, SZ_8M));
	assert_false(memblock_is_reserved(mb, 0));
	assert_true(memblock_is_region_reserved(mb, 0, SZ_4M + 1));
	assert_false(memblock_is_region_reserved(mb, 0, SZ_4M));
	assert_false(memblock_is_region_reserved(mb, SZ_8M, SZ_8M));
	MB_ASSERT_VALID(f);
}

/*
 * Empty memblock: memory and reserved are the dummy [0, 0).
 * Expect no address to be memory or reserved, address 0 included.
 */
static void memblock_is_memory_empty(void **state)
{
	FIX;

	assert_false(memblock_is_memory(mb, 0));
	assert_false(memblock_is_reserved(mb, 0));
	assert_false(memblock_is_region_memory(mb, 0, SZ_4K));
	assert_false(memblock_is_region_reserved(mb, 0, SZ_4K));
	MB_ASSERT_VALID(f);
}

/*
 *  |  +----+      +-------+    |   memory [16M, 32M), [1G, 1G + 64M)
 *  |  | r1 |      |  r2   |    |
 *  |  +----+      +-------+    |
 * Expect start_of_DRAM 16M, end_of_DRAM 1G + 64M, phys_mem_size 80M; on an
 * empty memblock both ends read 0.
 */
static void memblock_dram_bounds(void **state)
{
	FIX;

	assert_int_equal(memblock_start_of_DRAM(mb), 0);
	assert_int_equal(memblock_end_of_DRAM(mb), 0);
	memblock_add(mb, SZ_1G, SZ_64M);
	memblock_add(mb, SZ_16M, SZ_16M);
	assert_int_equal(memblock_start_of_DRAM(mb), SZ_16M);
	assert_int_equal(memblock_end_of_DRAM(mb), SZ_1G + SZ_64M);
	assert_int_equal(memblock_phys_mem_size(mb), SZ_64M + SZ_16M);
	MB_ASSERT_VALID(f);
}

/*
 *  | +--+ +-------+ +------+   |   [6K, 10K) holds no whole page,
 *  | |r1| |  r2   | |  r3  |   |   r2 = [16K + 0x800, 40K) holds pages 5..9,
 *  | +--+ +-------+ +------+   |   r3 = [64K, 128K) pages 16..31
 * Expect memblock_mem_size() to count whole pages below the pfn limit only:
 * 21 pages unlimited, 5 + 4 below pfn 20, 3 below pfn 8.
 */
static void memblock_mem_size_whole_pages(void **state)
{
	FIX;

	memblock_add(mb, 6 * SZ_1K, SZ_4K);
	memblock_add(mb, SZ_16K + 0x800, 40 * SZ_1K - SZ_16K - 0x800);
	memblock_add(mb, SZ_64K, SZ_64K);
	assert_int_equal(memblock_mem_size(mb, ~0UL), 21 * SZ_4K);
	assert_int_equal(memblock_mem_size(mb, 20), 9 * SZ_4K);
	assert_int_equal(memblock_mem_size(mb, 8), 3 * SZ_4K);
	assert_int_equal(memblock_mem_size(mb, 0), 0);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_set_bottom_up / memblock_set_current_limit round trip.
 * Expect the getters to report what was set.
 */
static void memblock_settings_round_trip(void **state)
{
	FIX;

	memblock_set_bottom_up(mb, true);
	assert_true(memblock_bottom_up(mb));
	memblock_set_bottom_up(mb, false);
	assert_false(memblock_bottom_up(mb));
	memblock_set_current_limit(mb, SZ_512M);
	assert_int_equal(memblock_get_current_limit(mb), SZ_512M);
	MB_ASSERT_VALID(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_numa, mb_teardown)
#define T_FLAT(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_flat, mb_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(memblock_init_empty),
		T(memblock_add_simple),
		T(memblock_add_node_simple),
		T(memblock_add_disjoint),
		T(memblock_add_overlaps_start),
		T(memblock_add_overlaps_end),
		T(memblock_add_within),
		T(memblock_add_twice),
		T(memblock_add_across),
		T(memblock_add_between),
		T(memblock_add_adjacent_below),
		T(memblock_add_adjacent_above),
		T(memblock_add_node_adjacent_other_nid),
		T(memblock_add_node_adjacent_other_flags),
		T(memblock_add_node_adjacent_to_unassigned),
		T_FLAT(memblock_add_node_flat_ignores_nid),
		T(memblock_add_node_over_other_nid),
		T(memblock_add_near_max_capped),
		T(memblock_add_at_max_is_empty),
		T(memblock_add_size_zero),
		T(memblock_add_into_emptied_array),
		T(memblock_add_fills_many_gaps),
		T(memblock_reserve_simple),
		T(memblock_reserve_disjoint),
		T(memblock_reserve_overlaps_start),
		T(memblock_reserve_overlaps_end),
		T(memblock_reserve_within),
		T(memblock_reserve_between),
		T(memblock_reserve_across),
		T(memblock_reserve_near_max_capped),
		T(memblock_reserve_size_zero),
		T(memblock_remove_simple),
		T(memblock_remove_absent),
		T(memblock_remove_overlaps_start),
		T(memblock_remove_overlaps_end),
		T(memblock_remove_within),
		T(memblock_remove_only_region),
		T(memblock_remove_across_two),
		T(memblock_remove_covers_middle),
		T(memblock_remove_wrapping_size),
		T(memblock_remove_near_max),
		T(memblock_remove_size_zero_and_empty),
		T(memblock_remove_leaves_reserved),
		T(memblock_phys_free_simple),
		T(memblock_phys_free_never_reserved),
		T(memblock_phys_free_empty),
		T(memblock_phys_free_overlaps_start),
		T(memblock_phys_free_overlaps_end),
		T(memblock_phys_free_within),
		T(memblock_phys_free_only_region),
		T(memblock_phys_free_across_two),
		T(memblock_phys_free_near_max),
		T(memblock_phys_free_leaves_memory),
		T(memblock_free_virtual),
		T(memblock_free_virtual_part),
		T(memblock_free_null),
		T(memblock_total_size_bookkeeping),
		T(memblock_trim_memory_keeps_total_size),
		T(memblock_trim_memory_drops_small_region),
		T(memblock_trim_memory_drops_consecutive),
		T(memblock_mark_hotplug_whole),
		T(memblock_mark_hotplug_splits),
		T(memblock_clear_hotplug_remerges),
		T(memblock_mark_nomap_across_gap),
		T(memblock_clear_nomap_remerges),
		T(memblock_mark_mirror_sets_system_flag),
		T(memblock_mark_flags_combine),
		T(memblock_mark_outside_memory),
		T(memblock_set_node_splits_and_merges),
		T(memblock_set_node_reserved),
		T_FLAT(memblock_set_node_flat_noop),
		T(memblock_enforce_memory_limit_truncates),
		T(memblock_enforce_memory_limit_noop),
		T(memblock_cap_memory_range_keeps_nomap),
		T(memblock_cap_memory_range_splits_nomap),
		T(memblock_cap_memory_range_no_memory),
		T(memblock_cap_memory_range_size_zero),
		T(memblock_mem_limit_remove_map_keeps_nomap),
		T(memblock_mem_limit_remove_map_noop),
		T(memblock_overlaps_region_shapes),
		T(memblock_is_region_memory_shapes),
		T(memblock_is_memory_and_reserved),
		T(memblock_is_memory_empty),
		T(memblock_dram_bounds),
		T(memblock_mem_size_whole_pages),
		T(memblock_settings_round_trip),
	};

	return cmocka_run_group_tests_name("memblock_basic", tests, NULL, NULL);
}
