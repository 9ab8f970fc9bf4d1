// SPDX-License-Identifier: MIT
/*
 * test_memblock_debug.c - memblock=debug output, line for line as Linux 6.1
 * prints it (timestamps stripped), the caller (%pS in Linux) being the kmm
 * call site's function name.  The formats are checked against the pc-2G
 * oracle boot log (/work/shared/oracle/cases/x86_64/pc-2G/dmesg.txt): the
 * first test replays that boot's memblock calls up to its first allocation.
 */
#include <stdio.h>
#include <string.h>

#include "helpers/memblock_fixture.h"

#define KMM_ARRAY_SIZE_T(a) ((unsigned int)(sizeof(a) / sizeof((a)[0])))

#define FIX                                 \
	struct mb_fixture *f = *state;      \
	struct memblock *mb = &f->mb

/* the log holds exactly @want[0..n) as consecutive lines from @from */
static void assert_lines(const struct mb_fixture *f, unsigned int from, const char *const *want,
			 unsigned int n)
{
	unsigned int i;

	if (f->t->nr_lines < from + n)
		fail_msg("want %u lines from %u, log has %u:\n%s", n, from, f->t->nr_lines,
			 kmm_test_log_text(f->t));
	for (i = 0; i < n; i++)
		if (strcmp(f->t->lines[from + i], want[i]) != 0)
			fail_msg("line %u:\n  got  \"%s\"\n  want \"%s\"", from + i,
				 f->t->lines[from + i], want[i]);
}

/*
 * The pc-2G boot (x86_64, 2G, memblock=debug), dmesg lines 23-39:
 *   three reservations, two e820 adds, the MEMBLOCK configuration after
 *   memblock_trim_memory(PAGE_SIZE), then reserve_real_mode's allocation.
 * Expect every line identical to Linux's with each caller the kmm function
 * (here debug_replays_pc_2g; memblock_alloc_range_nid for the allocation's
 * own reservation).
 */
static void debug_replays_pc_2g(void **state)
{
	FIX;
	static const char *const want[] = {
		"memblock_reserve: [0x00000000000f5ba0-0x00000000000f5baf] debug_replays_pc_2g",
		"memblock_reserve: [0x00000000000f5bb0-0x00000000000f5c7f] debug_replays_pc_2g",
		"memblock_reserve: [0x0000000004400000-0x0000000004410fff] debug_replays_pc_2g",
		"memblock_add: [0x0000000000001000-0x000000000009fbff] debug_replays_pc_2g",
		"memblock_add: [0x0000000000100000-0x000000007ffdffff] debug_replays_pc_2g",
		"MEMBLOCK configuration:",
		" memory size = 0x000000007ff7ec00 reserved size = 0x000000000357e000",
		" memory.cnt  = 0x2",
		" memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0",
		" memory[0x1]\t[0x0000000000100000-0x000000007ffdffff], 0x000000007fee0000 bytes flags: 0x0",
		" reserved.cnt  = 0x4",
		" reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0",
		" reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0",
		" reserved[0x2]\t[0x0000000001000000-0x0000000004410fff], 0x0000000003411000 bytes flags: 0x0",
		" reserved[0x3]\t[0x000000007fee4000-0x000000007ffdffff], 0x00000000000fc000 bytes flags: 0x0",
		"memblock_phys_alloc_range: 28672 bytes align=0x1000 from=0x0000000000000000 "
		"max_addr=0x0000000000100000 debug_replays_pc_2g",
		"memblock_reserve: [0x0000000000098000-0x000000000009efff] memblock_alloc_range_nid",
	};

	mb->debug = true;
	memblock_reserve(mb, 0xf5ba0, 0x10);
	memblock_reserve(mb, 0xf5bb0, 0xd0);
	memblock_reserve(mb, 0x4400000, 0x11000);
	memblock_add(mb, 0x1000, 0x9ec00);
	memblock_add(mb, 0x100000, 0x7fee0000);
	/* what the rest of early setup reserved, without debug (not in the log) */
	mb->debug = false;
	memblock_reserve(mb, 0, 0x10000);
	memblock_reserve(mb, 0x9f000, 0x61000);
	memblock_reserve(mb, 0x1000000, 0x3400000);
	memblock_reserve(mb, 0x7fee4000, 0xfc000);
	memblock_trim_memory(mb, SZ_4K);
	mb->debug = true;
	memblock_dump_all(mb);
	assert_int_equal(memblock_phys_alloc_range(mb, 28672, 0x1000, 0, 0x100000), 0x98000);
	assert_int_equal(f->t->nr_lines, KMM_ARRAY_SIZE_T(want));
	assert_lines(f, 0, want, KMM_ARRAY_SIZE_T(want));
	MB_ASSERT_VALID(f);
}

/*
 * memblock_add_node with a node and flags.
 * Expect "memblock_add_node: [base-end] nid=1 flags=1 caller" (flags %x, no 0x).
 */
static void debug_add_node_line(void **state)
{
	FIX;

	mb->debug = true;
	memblock_add_node(mb, SZ_1G, SZ_1G, 1, MEMBLOCK_HOTPLUG);
	MB_ASSERT_LOG(f, "memblock_add_node: [0x0000000040000000-0x000000007fffffff] nid=1 flags=1 "
			 "debug_add_node_line");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_remove(1 << 48, ULLONG_MAX) as arm64_memblock_init does.
 * Expect the raw, wrapped end in the line, as the arm64 oracle shows:
 * "memblock_remove: [0x0001000000000000-0x0000fffffffffffe] caller".
 */
static void debug_remove_wrapped_end(void **state)
{
	FIX;

	mb->debug = true;
	memblock_remove(mb, 1ULL << 48, KMM_ULLONG_MAX);
	MB_ASSERT_LOG(f, "memblock_remove: [0x0001000000000000-0x0000fffffffffffe] "
			 "debug_remove_wrapped_end");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_phys_free of a reservation (oracle: init_mem_mapping's free).
 * Expect "memblock_phys_free: [0x000000007fc00000-0x000000007fdfffff] caller".
 */
static void debug_phys_free_line(void **state)
{
	FIX;

	memblock_reserve(mb, 0x7fc00000, SZ_2M);
	mb->debug = true;
	memblock_phys_free(mb, 0x7fc00000, SZ_2M);
	MB_ASSERT_LOG(f, "memblock_phys_free: [0x000000007fc00000-0x000000007fdfffff] "
			 "debug_phys_free_line");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_free(ptr, size): in Linux it tail-calls memblock_phys_free, whose
 * %pS then names memblock_free's caller (oracle: "memblock_phys_free: [...]
 * pcpu_embed_first_chunk+0x216/0x70f", reached through memblock_free).
 * Expect "memblock_phys_free: [...] debug_free_names_its_caller".
 */
static void debug_free_names_its_caller(void **state)
{
	FIX;
	void *p;

	memblock_add(mb, SZ_16M, SZ_16M);
	p = memblock_alloc(mb, SZ_4K, SZ_4K);
	assert_non_null(p);
	mb->debug = true;
	memblock_free(mb, p, SZ_4K);
	MB_ASSERT_LOG(f, "memblock_phys_free: [0x0000000001fff000-0x0000000001ffffff] "
			 "debug_free_names_its_caller");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_alloc (oracle: sparse_init's 32768-byte allocation).
 * Expect "memblock_alloc_try_nid: 32768 bytes align=0x40 nid=-1
 * from=0x0000000000000000 max_addr=0x0000000000000000 caller" then the
 * reservation line from memblock_alloc_range_nid.
 */
static void debug_alloc_try_nid_lines(void **state)
{
	FIX;
	static const char *const want[] = {
		"memblock_alloc_try_nid: 32768 bytes align=0x40 nid=-1 from=0x0000000000000000 "
		"max_addr=0x0000000000000000 debug_alloc_try_nid_lines",
		"memblock_reserve: [0x0000000001ff8000-0x0000000001ffffff] memblock_alloc_range_nid",
	};

	memblock_add(mb, SZ_16M, SZ_16M);
	mb->debug = true;
	assert_non_null(memblock_alloc(mb, 32768, 0x40));
	assert_int_equal(f->t->nr_lines, 2);
	assert_lines(f, 0, want, 2);
	MB_ASSERT_VALID(f);
}

/*
 * memblock_alloc_exact_nid_raw and memblock_alloc_try_nid_raw (oracle:
 * sparse_init_nid, vmemmap_alloc_block_zero).
 * Expect each to log its own name with nid, from and max_addr.
 */
static void debug_alloc_raw_lines(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_16M, SZ_64M, 0, MEMBLOCK_NONE);
	mb->debug = true;
	assert_non_null(memblock_alloc_exact_nid_raw(mb, SZ_2M, SZ_2M, SZ_16M, 0, 0));
	assert_non_null(memblock_alloc_try_nid_raw(mb, SZ_4K, SZ_4K, SZ_16M, 0, 0));
	MB_ASSERT_LOG(f, "memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=0 "
			 "from=0x0000000001000000 max_addr=0x0000000000000000 debug_alloc_raw_lines");
	MB_ASSERT_LOG(f, "memblock_reserve: [0x0000000004e00000-0x0000000004ffffff] "
			 "memblock_alloc_range_nid");
	MB_ASSERT_LOG(f, "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 "
			 "from=0x0000000001000000 max_addr=0x0000000000000000 debug_alloc_raw_lines");
	MB_ASSERT_LOG(f, "memblock_reserve: [0x0000000004dff000-0x0000000004dfffff] "
			 "memblock_alloc_range_nid");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_phys_alloc_try_nid and memblock_find_in_range log nothing of
 * their own.  Expect only the reservation line, then nothing.
 */
static void debug_silent_helpers(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	mb->debug = true;
	assert_int_equal(memblock_phys_alloc_try_nid(mb, SZ_4K, SZ_4K, NUMA_NO_NODE),
			 SZ_32M - SZ_4K);
	assert_int_equal(f->t->nr_lines, 1);
	MB_ASSERT_LOG(f, "memblock_reserve: [0x0000000001fff000-0x0000000001ffffff] "
			 "memblock_alloc_range_nid");
	assert_int_equal(memblock_find_in_range(mb, 0, MEMBLOCK_ALLOC_ANYWHERE, SZ_4K, SZ_4K),
			 SZ_32M - SZ_8K);
	assert_int_equal(f->t->nr_lines, 1);
	MB_ASSERT_VALID(f);
}

/*
 * Debug off (the default).  Expect add, reserve, remove, free, alloc and
 * memblock_dump_all to print nothing.
 */
static void debug_off_is_silent(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_16M);
	memblock_add_node(mb, SZ_64M, SZ_16M, 0, MEMBLOCK_NONE);
	memblock_reserve(mb, SZ_16M, SZ_4K);
	memblock_phys_free(mb, SZ_16M, SZ_4K);
	memblock_remove(mb, SZ_64M, SZ_4K);
	assert_non_null(memblock_alloc(mb, SZ_4K, SZ_4K));
	assert_int_not_equal(memblock_phys_alloc_range(mb, SZ_4K, SZ_4K, 0, SZ_32M), 0);
	memblock_dump_all(mb);
	assert_int_equal(f->t->nr_lines, 0);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +-n0-+  +nomap,n1+  |   R | +-(no node)-+ +-n0-+ |
 * Expect __memblock_dump_all (even with debug off) to print " on node N"
 * only for regions with a node (nid != MAX_NUMNODES), and flags as %#x.
 */
static void debug_dump_nodes_and_flags(void **state)
{
	FIX;
	static const char *const want[] = {
		"MEMBLOCK configuration:",
		" memory size = 0x0000000000300000 reserved size = 0x0000000000002000",
		" memory.cnt  = 0x2",
		" memory[0x0]\t[0x0000000000100000-0x00000000001fffff], 0x0000000000100000 bytes on node 0 flags: 0x0",
		" memory[0x1]\t[0x0000000000400000-0x00000000005fffff], 0x0000000000200000 bytes on node 1 flags: 0x4",
		" reserved.cnt  = 0x2",
		" reserved[0x0]\t[0x0000000000100000-0x0000000000100fff], 0x0000000000001000 bytes flags: 0x0",
		" reserved[0x1]\t[0x0000000000400000-0x0000000000400fff], 0x0000000000001000 bytes on node 0 flags: 0x0",
	};

	memblock_add_node(mb, SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	memblock_add_node(mb, SZ_4M, SZ_2M, 1, MEMBLOCK_NONE);
	memblock_mark_nomap(mb, SZ_4M, SZ_2M);
	memblock_reserve(mb, SZ_1M, SZ_4K);
	memblock_reserve(mb, SZ_4M, SZ_4K);
	memblock_set_node(mb, SZ_4M, SZ_4K, &mb->reserved, 0);
	__memblock_dump_all(mb);
	assert_int_equal(f->t->nr_lines, KMM_ARRAY_SIZE_T(want));
	assert_lines(f, 0, want, KMM_ARRAY_SIZE_T(want));
	MB_ASSERT_VALID(f);
}

/*
 * Without NUMA, regions added with a node.
 * Expect no " on node" in the dump (Linux prints it only with CONFIG_NUMA).
 */
static void debug_dump_flat_has_no_node(void **state)
{
	FIX;

	memblock_add_node(mb, SZ_1M, SZ_1M, 0, MEMBLOCK_MIRROR);
	__memblock_dump_all(mb);
	MB_ASSERT_LOG(f, " memory[0x0]\t[0x0000000000100000-0x00000000001fffff], "
			 "0x0000000000100000 bytes flags: 0x2");
	assert_int_equal(mb_fixture_log_count_prefix(f, " reserved.cnt  = 0x1"), 1);
	MB_ASSERT_VALID(f);
}

/*
 * A type emptied by removal (its dummy gets node MAX_NUMNODES).
 * Expect the dummy printed as Linux does: end = 0 - 1, size 0, no node.
 */
static void debug_dump_emptied_type(void **state)
{
	FIX;

	memblock_reserve(mb, SZ_1M, SZ_4K);
	memblock_phys_free(mb, SZ_1M, SZ_4K);
	__memblock_dump_all(mb);
	MB_ASSERT_LOG(f, " reserved.cnt  = 0x1");
	MB_ASSERT_LOG(f, " reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], "
			 "0x0000000000000000 bytes flags: 0x0");
	MB_ASSERT_VALID(f);
}

/*
 * A never-used type with NUMA.  In Linux the dummy is the zero-initialised
 * static array entry, so its nid is 0, not MAX_NUMNODES.
 * Expect " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff],
 * 0x0000000000000000 bytes on node 0 flags: 0x0".
 */
static void debug_dump_fresh_type(void **state)
{
	FIX;

	__memblock_dump_all(mb);
	MB_ASSERT_LOG(f, " memory size = 0x0000000000000000 reserved size = 0x0000000000000000");
	MB_ASSERT_LOG(f, " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], "
			 "0x0000000000000000 bytes on node 0 flags: 0x0");
	MB_ASSERT_VALID(f);
}

/*
 * memblock_reserve(base, 0) under debug.
 * Expect the line with end = base - 1, as Linux computes it before the
 * no-op.
 */
static void debug_size_zero_line(void **state)
{
	FIX;

	mb->debug = true;
	memblock_reserve(mb, SZ_1M, 0);
	MB_ASSERT_LOG(f, "memblock_reserve: [0x0000000000100000-0x00000000000fffff] "
			 "debug_size_zero_line");
	MB_ASSERT_EMPTY(&mb->reserved);
	MB_ASSERT_VALID(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_numa, mb_teardown)
#define T_FLAT(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_flat, mb_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(debug_replays_pc_2g),
		T(debug_add_node_line),
		T(debug_remove_wrapped_end),
		T(debug_phys_free_line),
		T(debug_free_names_its_caller),
		T(debug_alloc_try_nid_lines),
		T(debug_alloc_raw_lines),
		T(debug_silent_helpers),
		T(debug_off_is_silent),
		T(debug_dump_nodes_and_flags),
		T_FLAT(debug_dump_flat_has_no_node),
		T(debug_dump_emptied_type),
		T(debug_dump_fresh_type),
		T(debug_size_zero_line),
	};

	return cmocka_run_group_tests_name("memblock_debug", tests, NULL, NULL);
}
