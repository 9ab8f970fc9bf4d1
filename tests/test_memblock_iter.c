// SPDX-License-Identifier: MIT
/*
 * test_memblock_iter.c - memblock's iterators: for_each_mem_range(_rev),
 * for_each_free_mem_range(_reverse) with node and flag filters,
 * for_each_reserved_mem_range, for_each_mem_pfn_range and the region walkers.
 * Expected results are Linux 6.1's (include/linux/memblock.h, mm/memblock.c).
 *
 * Pictures: "M" memory, "R" reserved, "F" what the iterator should yield.
 */
#include "helpers/memblock_fixture.h"

#define FIX                                 \
	struct mb_fixture *f = *state;      \
	struct memblock *mb = &f->mb

#define MAXN MB_FIXTURE_MAX_NUMNODES
#define MAX_SEEN 16

/* what an iteration yielded, in order */
struct seen {
	unsigned int n;
	phys_addr_t start[MAX_SEEN];
	phys_addr_t end[MAX_SEEN];
	int nid[MAX_SEEN];
};

static void seen_add(struct seen *s, phys_addr_t start, phys_addr_t end, int nid)
{
	assert_true(s->n < MAX_SEEN);
	s->start[s->n] = start;
	s->end[s->n] = end;
	s->nid[s->n] = nid;
	s->n++;
}

#define ASSERT_SEEN(s, i, st, en)                         \
	do {                                              \
		assert_true((unsigned int)(i) < (s)->n);  \
		assert_int_equal((s)->start[i], (st));    \
		assert_int_equal((s)->end[i], (en));      \
	} while (0)

static struct seen free_ranges(const struct memblock *mb, int nid, enum memblock_flags flags)
{
	struct seen s = { 0 };
	phys_addr_t start, end;
	int n;
	u64 i;

	for_each_free_mem_range(mb, i, nid, flags, &start, &end, &n)
		seen_add(&s, start, end, n);
	return s;
}

static struct seen free_ranges_rev(const struct memblock *mb, int nid, enum memblock_flags flags)
{
	struct seen s = { 0 };
	phys_addr_t start, end;
	int n;
	u64 i;

	for_each_free_mem_range_reverse(mb, i, nid, flags, &start, &end, &n)
		seen_add(&s, start, end, n);
	return s;
}

/* memory [16M, 32M), [64M, 96M); reserved [20M, 24M), [60M, 70M) */
static void setup_holes(struct memblock *mb)
{
	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add(mb, SZ_64M, SZ_32M);
	memblock_reserve(mb, 20 * SZ_1M, SZ_4M);
	memblock_reserve(mb, 60 * SZ_1M, 10 * SZ_1M);
}

/*
 *  M |  +----+  +----+  +----+  |
 *  F |  +----+  +----+  +----+  |   three memory regions
 * Expect for_each_mem_range to yield them in order, and
 * for_each_mem_range_rev in reverse.
 */
static void iter_mem_range_forward_and_reverse(void **state)
{
	FIX;
	struct seen s = { 0 }, r = { 0 };
	phys_addr_t start, end;
	u64 i;

	memblock_add(mb, SZ_1M, SZ_1M);
	memblock_add(mb, SZ_4M, SZ_2M);
	memblock_add(mb, SZ_16M, SZ_8M);
	for_each_mem_range(mb, i, &start, &end)
		seen_add(&s, start, end, 0);
	for_each_mem_range_rev(mb, i, &start, &end)
		seen_add(&r, start, end, 0);
	assert_int_equal(s.n, 3);
	ASSERT_SEEN(&s, 0, SZ_1M, SZ_2M);
	ASSERT_SEEN(&s, 1, SZ_4M, SZ_4M + SZ_2M);
	ASSERT_SEEN(&s, 2, SZ_16M, SZ_16M + SZ_8M);
	assert_int_equal(r.n, 3);
	ASSERT_SEEN(&r, 0, SZ_16M, SZ_16M + SZ_8M);
	ASSERT_SEEN(&r, 2, SZ_1M, SZ_2M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +----+----+----+  |   [1M, 2M) plain, [2M, 3M) NOMAP, [3M, 4M) plain
 *  F |  +----+    +----+  |
 * Expect for_each_mem_range to skip the NOMAP region: Linux 6.1 passes
 * MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, not MEMBLOCK_NOMAP.
 */
static void iter_mem_range_skips_nomap(void **state)
{
	FIX;
	struct seen s = { 0 }, r = { 0 };
	phys_addr_t start, end;
	u64 i;

	memblock_add(mb, SZ_1M, 3 * SZ_1M);
	memblock_mark_nomap(mb, SZ_2M, SZ_1M);
	for_each_mem_range(mb, i, &start, &end)
		seen_add(&s, start, end, 0);
	for_each_mem_range_rev(mb, i, &start, &end)
		seen_add(&r, start, end, 0);
	assert_int_equal(s.n, 2);
	ASSERT_SEEN(&s, 0, SZ_1M, SZ_2M);
	ASSERT_SEEN(&s, 1, 3 * SZ_1M, SZ_4M);
	assert_int_equal(r.n, 2);
	ASSERT_SEEN(&r, 0, 3 * SZ_1M, SZ_4M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +----+----+  |   [1M, 2M) plain, [2M, 3M) DRIVER_MANAGED
 *  F |  +----+----+  |
 * Expect for_each_mem_range to include driver-managed memory (Linux 6.1
 * asks for MEMBLOCK_DRIVER_MANAGED), while the free-range iterators skip it.
 */
static void iter_mem_range_includes_driver_managed(void **state)
{
	FIX;
	struct seen s = { 0 }, fr;
	phys_addr_t start, end;
	u64 i;

	memblock_add_node(mb, SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, SZ_2M, SZ_1M, 0, MEMBLOCK_DRIVER_MANAGED);
	for_each_mem_range(mb, i, &start, &end)
		seen_add(&s, start, end, 0);
	assert_int_equal(s.n, 2);
	ASSERT_SEEN(&s, 1, SZ_2M, 3 * SZ_1M);
	fr = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(fr.n, 1);
	ASSERT_SEEN(&fr, 0, SZ_1M, SZ_2M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +--------+      +--------------+  |
 *  R |     +-+      +-------+             |
 *  F |  +--+ +--+           +----------+  |
 *      16M 20 24 32M  60M  64M 70M      96M
 * Expect for_each_free_mem_range to yield memory minus reserved, in order.
 */
static void iter_free_range_forward(void **state)
{
	FIX;
	struct seen s;

	setup_holes(mb);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 3);
	ASSERT_SEEN(&s, 0, SZ_16M, 20 * SZ_1M);
	ASSERT_SEEN(&s, 1, 24 * SZ_1M, SZ_32M);
	ASSERT_SEEN(&s, 2, 70 * SZ_1M, 96 * SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 * The same memory and reservations as iter_free_range_forward.
 * Expect for_each_free_mem_range_reverse to yield the three ranges from the
 * top down.
 */
static void iter_free_range_reverse(void **state)
{
	FIX;
	struct seen s;

	setup_holes(mb);
	s = free_ranges_rev(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 3);
	ASSERT_SEEN(&s, 0, 70 * SZ_1M, 96 * SZ_1M);
	ASSERT_SEEN(&s, 1, 24 * SZ_1M, SZ_32M);
	ASSERT_SEEN(&s, 2, SZ_16M, 20 * SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +------+  |   reserved empty
 *  F |  +------+  |
 * Expect the whole of memory, forward and reverse.
 */
static void iter_free_range_nothing_reserved(void **state)
{
	FIX;
	struct seen s, r;

	memblock_add(mb, SZ_16M, SZ_16M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	r = free_ranges_rev(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, SZ_16M, SZ_32M);
	assert_int_equal(r.n, 1);
	ASSERT_SEEN(&r, 0, SZ_16M, SZ_32M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |     +------+     |
 *  R |  +--------------+|   reservation covers all memory and more
 *  F |                  |
 * Expect no free range either way; and with memory empty, none either.
 */
static void iter_free_range_all_reserved(void **state)
{
	FIX;
	struct seen s, r;

	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 0);
	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_reserve(mb, SZ_8M, SZ_64M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	r = free_ranges_rev(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 0);
	assert_int_equal(r.n, 0);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +--n0--+--n1--+  |   node 0 [16M, 32M), node 1 [32M, 48M)
 *  R |      +-----+      |   reserved [24M, 40M)
 *  F |           +--+    |   nid 1 only
 * Expect only node 1's free part [40M, 48M) with out_nid 1, and with
 * NUMA_NO_NODE (or the deprecated MAX_NUMNODES) both nodes' parts.
 */
static void iter_free_range_nid_filter(void **state)
{
	FIX;
	struct seen s;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, SZ_32M, SZ_16M, 1, MEMBLOCK_NONE);
	memblock_reserve(mb, 24 * SZ_1M, SZ_16M);
	s = free_ranges(mb, 1, MEMBLOCK_NONE);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, 40 * SZ_1M, 48 * SZ_1M);
	assert_int_equal(s.nid[0], 1);
	s = free_ranges_rev(mb, 0, MEMBLOCK_NONE);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, SZ_16M, 24 * SZ_1M);
	assert_int_equal(s.nid[0], 0);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.nid[0], 0);
	assert_int_equal(s.nid[1], 1);
	s = free_ranges(mb, MAXN, MEMBLOCK_NONE);
	assert_int_equal(s.n, 2);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +----+-nomap-+----+  |
 *  F |  +----+       +----+  |   flags NONE
 *  F |  +----+-------+----+  |   flags NOMAP (pieces, one per region)
 * Expect NOMAP memory skipped unless MEMBLOCK_NOMAP is asked for.
 */
static void iter_free_range_nomap_only_when_asked(void **state)
{
	FIX;
	struct seen s;

	memblock_add(mb, SZ_16M, 3 * SZ_16M);
	memblock_mark_nomap(mb, SZ_32M, SZ_16M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 2);
	ASSERT_SEEN(&s, 0, SZ_16M, SZ_32M);
	ASSERT_SEEN(&s, 1, SZ_32M + SZ_16M, SZ_64M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NOMAP);
	assert_int_equal(s.n, 3);
	ASSERT_SEEN(&s, 1, SZ_32M, SZ_32M + SZ_16M);
	s = free_ranges_rev(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 2);
	ASSERT_SEEN(&s, 0, SZ_32M + SZ_16M, SZ_64M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +----+-mirror-+----+  |
 *  F |       +--------+       |   flags MIRROR
 * Expect only mirrored memory with MEMBLOCK_MIRROR, all of it without.
 */
static void iter_free_range_mirror_only(void **state)
{
	FIX;
	struct seen s;

	mb->mirrored_kernelcore = true;
	memblock_add(mb, SZ_16M, 3 * SZ_16M);
	memblock_mark_mirror(mb, SZ_32M, SZ_16M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_MIRROR);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, SZ_32M, SZ_32M + SZ_16M);
	s = free_ranges_rev(mb, NUMA_NO_NODE, MEMBLOCK_MIRROR);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, SZ_32M, SZ_32M + SZ_16M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 3);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +----+-hotplug-+  |
 *  F |  +----+         |  |   movable_node on, flags NONE
 * Expect HOTPLUG memory skipped only under movable_node and only when
 * MEMBLOCK_HOTPLUG is not asked for.
 */
static void iter_free_range_hotplug_under_movable_node(void **state)
{
	FIX;
	struct seen s;

	memblock_add(mb, SZ_16M, SZ_32M);
	memblock_mark_hotplug(mb, SZ_32M, SZ_16M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 2);
	mb->movable_node_enabled = true;
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_NONE);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, SZ_16M, SZ_32M);
	s = free_ranges(mb, NUMA_NO_NODE, MEMBLOCK_HOTPLUG);
	assert_int_equal(s.n, 2);
	MB_ASSERT_VALID(f);
}

/*
 *  R |  +--+  +----+  |   one region set to node 2, one unassigned
 * Expect for_each_reserved_mem_range to yield every reserved region in
 * order, whatever its node.
 */
static void iter_reserved_range(void **state)
{
	FIX;
	struct seen s = { 0 };
	phys_addr_t start, end;
	u64 i;

	memblock_reserve(mb, SZ_1M, SZ_4K);
	memblock_reserve(mb, SZ_16M, SZ_1M);
	memblock_set_node(mb, SZ_1M, SZ_4K, &mb->reserved, 2);
	for_each_reserved_mem_range(mb, i, &start, &end)
		seen_add(&s, start, end, 0);
	assert_int_equal(s.n, 2);
	ASSERT_SEEN(&s, 0, SZ_1M, SZ_1M + SZ_4K);
	ASSERT_SEEN(&s, 1, SZ_16M, SZ_16M + SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  R |  (empty)  |
 * Expect for_each_reserved_mem_range on an empty type to yield the dummy
 * region [0, 0) once, as Linux does (cnt is 1).
 */
static void iter_reserved_range_empty_dummy(void **state)
{
	FIX;
	struct seen s = { 0 };
	phys_addr_t start, end;
	u64 i;

	for_each_reserved_mem_range(mb, i, &start, &end)
		seen_add(&s, start, end, 0);
	assert_int_equal(s.n, 1);
	ASSERT_SEEN(&s, 0, 0, 0);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-----+ +--+ +---------+  |   [4K + 0x800, 20K) n0 -> pfns 2..5
 *    |                            |   [24K + 1, 28K - 1) n0 -> no whole page
 *    |                            |   [64K, 128K) n1 -> pfns 16..32
 * Expect for_each_mem_pfn_range to round each region inward to whole pages,
 * skip regions without a whole page, and filter by node (MAX_NUMNODES = all).
 */
static void iter_mem_pfn_range(void **state)
{
	FIX;
	unsigned long spfn, epfn;
	int i, nid, n = 0;

	memblock_add_node(mb, SZ_4K + 0x800, SZ_16K - 0x800, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, 24 * SZ_1K + 1, SZ_4K - 2, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, SZ_64K, SZ_64K, 1, MEMBLOCK_NONE);
	for_each_mem_pfn_range(mb, i, MAXN, &spfn, &epfn, &nid) {
		if (n == 0) {
			assert_int_equal(spfn, 2);
			assert_int_equal(epfn, 5);
			assert_int_equal(nid, 0);
		} else {
			assert_int_equal(spfn, 16);
			assert_int_equal(epfn, 32);
			assert_int_equal(nid, 1);
		}
		n++;
	}
	assert_int_equal(n, 2);
	n = 0;
	for_each_mem_pfn_range(mb, i, 1, &spfn, &epfn, NULL) {
		assert_int_equal(spfn, 16);
		n++;
	}
	assert_int_equal(n, 1);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +--n0--+  |
 * Expect for_each_mem_pfn_range(NUMA_NO_NODE) to yield nothing: Linux's
 * selector for "all nodes" is MAX_NUMNODES, and -1 matches no region.
 */
static void iter_mem_pfn_range_numa_no_node(void **state)
{
	FIX;
	unsigned long spfn, epfn;
	int i, n = 0;

	memblock_add_node(mb, SZ_16M, SZ_16M, 0, MEMBLOCK_NONE);
	for_each_mem_pfn_range(mb, i, NUMA_NO_NODE, &spfn, &epfn, NULL)
		n++;
	assert_int_equal(n, 0);
	MB_ASSERT_VALID(f);
}

/*
 * Without NUMA every region is node 0 and MAX_NUMNODES is 1.
 * Expect nid 0 and nid 1 (MAX_NUMNODES) both to select every region.
 */
static void iter_mem_pfn_range_flat(void **state)
{
	FIX;
	unsigned long spfn, epfn;
	int i, nid, n0 = 0, nall = 0;

	memblock_add_node(mb, SZ_16M, SZ_16M, 5, MEMBLOCK_NONE);
	memblock_add(mb, SZ_64M, SZ_16M);
	for_each_mem_pfn_range(mb, i, 0, &spfn, &epfn, &nid) {
		assert_int_equal(nid, 0);
		n0++;
	}
	for_each_mem_pfn_range(mb, i, 1, &spfn, &epfn, NULL)
		nall++;
	assert_int_equal(n0, 2);
	assert_int_equal(nall, 2);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +--+  +--+  |   R |  +--+  |
 * Expect for_each_mem_region / for_each_reserved_mem_region /
 * for_each_memblock_type to visit exactly cnt regions.
 */
static void iter_region_walkers(void **state)
{
	FIX;
	struct memblock_region *rgn;
	unsigned long idx, n = 0;

	memblock_add(mb, SZ_1M, SZ_1M);
	memblock_add(mb, SZ_4M, SZ_1M);
	memblock_reserve(mb, SZ_4M, SZ_4K);
	for_each_mem_region(mb, rgn)
		n++;
	assert_int_equal(n, 2);
	n = 0;
	for_each_reserved_mem_region(mb, rgn)
		n++;
	assert_int_equal(n, 1);
	n = 0;
	for_each_memblock_type(idx, &mb->memory, rgn) {
		assert_ptr_equal(rgn, &mb->memory.regions[idx]);
		n++;
	}
	assert_int_equal(n, 2);
	MB_ASSERT_VALID(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_numa, mb_teardown)
#define T_FLAT(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_flat, mb_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(iter_mem_range_forward_and_reverse),
		T(iter_mem_range_skips_nomap),
		T(iter_mem_range_includes_driver_managed),
		T(iter_free_range_forward),
		T(iter_free_range_reverse),
		T(iter_free_range_nothing_reserved),
		T(iter_free_range_all_reserved),
		T(iter_free_range_nid_filter),
		T(iter_free_range_nomap_only_when_asked),
		T(iter_free_range_mirror_only),
		T(iter_free_range_hotplug_under_movable_node),
		T(iter_reserved_range),
		T(iter_reserved_range_empty_dummy),
		T(iter_mem_pfn_range),
		T(iter_mem_pfn_range_numa_no_node),
		T_FLAT(iter_mem_pfn_range_flat),
		T(iter_region_walkers),
	};

	return cmocka_run_group_tests_name("memblock_iter", tests, NULL, NULL);
}
