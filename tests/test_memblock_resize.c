// SPDX-License-Identifier: MIT
/*
 * test_memblock_resize.c - growing the region arrays.  Linux's rules
 * (memblock_double_array): an array doubles only after
 * memblock_allow_resize(), when an add needs more entries than max (counted
 * before inserting) or an isolate needs two spare entries; the new array
 * (PAGE_ALIGN(2 * max * sizeof(region)) bytes) comes from memblock itself,
 * top-down below current_limit - above the range being reserved when
 * reserved grows, else below it - and is reserved; the old array is freed
 * unless it is one of the initial static arrays.
 *
 * struct memblock_region is 24 bytes as on x86_64, so 256 entries take
 * 6144 bytes (8K allocated) and 512 entries 12288 bytes (12K).
 */
#include <stdio.h>

#include "helpers/memblock_fixture.h"

#define FIX                                 \
	struct mb_fixture *f = *state;      \
	struct memblock *mb = &f->mb

_Static_assert(sizeof(struct memblock_region) == 24, "Linux x86_64 region size");

static void *pv(struct mb_fixture *f, phys_addr_t pa)
{
	return f->t->env.phys_to_virt(f->t->env.opaque, pa);
}

/* the i-th test reservation: 4K at 1M + i * 8K (never adjacent) */
static phys_addr_t rsv_base(int i)
{
	return SZ_1M + (phys_addr_t)i * SZ_8K;
}

static void reserve_n(struct memblock *mb, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		assert_int_equal(memblock_reserve(mb, rsv_base(i), SZ_4K), 0);
}

/* every test reservation in [0, n) is still reserved, exactly */
static void assert_reservations(const struct memblock *mb, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		assert_true(memblock_is_reserved(mb, rsv_base(i)));
		assert_true(memblock_is_reserved(mb, rsv_base(i) + SZ_4K - 1));
		assert_false(memblock_is_reserved(mb, rsv_base(i) + SZ_4K));
	}
}

/*
 *  R | +-+ +-+ +-+ ... +-+ (128) |  + one more, resize not allowed
 * Expect the 129th reservation to fail with -KMM_ENOMEM, no message, and the
 * 128 regions untouched in the static array.
 */
static void resize_reserved_not_allowed(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_256M - SZ_16M);
	reserve_n(mb, 0, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(mb->reserved.cnt, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserve(mb, rsv_base(INIT_MEMBLOCK_REGIONS), SZ_4K), -KMM_ENOMEM);
	assert_int_equal(mb->reserved.cnt, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(mb->reserved.max, INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->reserved.regions, f->reserved_regions);
	assert_false(memblock_is_reserved(mb, rsv_base(INIT_MEMBLOCK_REGIONS)));
	assert_int_equal(mb_fixture_log_count_prefix(f, "memblock: Failed to double"), 0);
	assert_reservations(mb, INIT_MEMBLOCK_REGIONS);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-+ +-+ ... +-+ (128) |  + one more memory region, no resize
 * Expect memblock_add to fail with -KMM_ENOMEM and memory unchanged.
 */
static void resize_memory_not_allowed(void **state)
{
	FIX;
	int i;

	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		assert_int_equal(memblock_add(mb, SZ_16M + (phys_addr_t)i * SZ_2M, SZ_1M), 0);
	assert_int_equal(memblock_add(mb, SZ_1G, SZ_1M), -KMM_ENOMEM);
	MB_ASSERT_TYPE(&mb->memory, INIT_MEMBLOCK_REGIONS, INIT_MEMBLOCK_REGIONS * SZ_1M);
	assert_ptr_equal(mb->memory.regions, f->memory_regions);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-+ +-+ ... +-+ (64) |   one add covering them all needs 65 new
 *  M | +--------------------+   |   pieces: 64 + 65 > 128
 * Expect -KMM_ENOMEM without resize (Linux counts the pieces before it
 * merges), and memory unchanged.
 */
static void resize_cover_add_counts_pieces(void **state)
{
	FIX;
	int i;

	for (i = 0; i < 64; i++)
		memblock_add(mb, SZ_1M + (phys_addr_t)i * SZ_2M, SZ_1M);
	assert_int_equal(memblock_add(mb, 0, SZ_256M), -KMM_ENOMEM);
	MB_ASSERT_TYPE(&mb->memory, 64, 64 * SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-+ +-+ ... +-----+ (127) |  remove from the middle of the last one
 * Expect -KMM_ENOMEM without resize: isolating wants two spare entries
 * (cnt + 2 > max) although one would do; memory unchanged.  The flag
 * setters isolate the same way.
 */
static void resize_isolate_needs_two_spare(void **state)
{
	FIX;
	int i;

	for (i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++)
		memblock_add(mb, SZ_16M + (phys_addr_t)i * SZ_2M, SZ_1M);
	assert_int_equal(memblock_remove(mb, SZ_16M + SZ_4K, SZ_4K), -KMM_ENOMEM);
	assert_int_equal(memblock_mark_nomap(mb, SZ_16M + SZ_4K, SZ_4K), -KMM_ENOMEM);
	MB_ASSERT_TYPE(&mb->memory, INIT_MEMBLOCK_REGIONS - 1, (INIT_MEMBLOCK_REGIONS - 1) * SZ_1M);
	MB_ASSERT_RGN_ATTR(mb, &mb->memory, 0, MB_FIXTURE_MAX_NUMNODES, MEMBLOCK_NONE);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +-------------------------------------+  |   [16M, 256M)
 *  R |  +-+ +-+ ... +-+ (128) +-+           +--+  |   129th reservation, then
 *                                           new array [256M - 8K, 256M)
 * Expect the reserved array doubled to 256 entries at the top of memory,
 * Linux's debug line "memblock: reserved is doubled to 256 at [...]" (end =
 * base + 6144 - 1), the new array reserved (8K, caller memblock_double_array),
 * the static array left alone and all 129 regions kept.
 */
static void resize_reserved_doubles(void **state)
{
	FIX;
	phys_addr_t arr = SZ_256M - SZ_8K;
	char line[160];

	memblock_add(mb, SZ_16M, SZ_256M - SZ_16M);
	memblock_allow_resize(mb);
	reserve_n(mb, 0, INIT_MEMBLOCK_REGIONS);
	mb->debug = true;
	assert_int_equal(memblock_reserve(mb, rsv_base(INIT_MEMBLOCK_REGIONS), SZ_4K), 0);
	assert_int_equal(mb->reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->reserved.regions, pv(f, arr));
	assert_int_equal(mb->reserved.cnt, INIT_MEMBLOCK_REGIONS + 2);
	assert_int_equal(mb->reserved.total_size, (INIT_MEMBLOCK_REGIONS + 1) * SZ_4K + SZ_8K);
	assert_true(memblock_is_reserved(mb, arr));
	assert_true(memblock_is_reserved(mb, SZ_256M - 1));
	snprintf(line, sizeof(line), "memblock: reserved is doubled to 256 at [0x%016llx-0x%016llx]",
		 (unsigned long long)arr, (unsigned long long)(arr + 6144 - 1));
	MB_ASSERT_LOG(f, line);
	snprintf(line, sizeof(line), "memblock_reserve: [0x%016llx-0x%016llx] memblock_double_array",
		 (unsigned long long)arr, (unsigned long long)(arr + SZ_8K - 1));
	MB_ASSERT_LOG(f, line);
	assert_int_equal(mb_fixture_log_count_prefix(f, "memblock_phys_free:"), 0);
	assert_ptr_equal(mb->memory.regions, f->memory_regions);
	assert_reservations(mb, INIT_MEMBLOCK_REGIONS + 1);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-+ +-+ ... +-+ (128) +-+ |  129th memory region at [1G - 1M, 1G)
 *  R |                       +-+ |  new memory array at the top of memory
 * Expect memory doubled to 256 entries, the array found anywhere below
 * current_limit (top of the memory known before the add), reserved, and
 * the debug line "memblock: memory is doubled to 256 at [...]".
 */
static void resize_memory_doubles(void **state)
{
	FIX;
	phys_addr_t top = SZ_16M + (INIT_MEMBLOCK_REGIONS - 1) * SZ_2M + SZ_1M;
	phys_addr_t arr = top - SZ_8K;
	char line[160];
	int i;

	memblock_allow_resize(mb);
	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		assert_int_equal(memblock_add(mb, SZ_16M + (phys_addr_t)i * SZ_2M, SZ_1M), 0);
	mb->debug = true;
	assert_int_equal(memblock_add(mb, SZ_1G - SZ_1M, SZ_1M), 0);
	MB_ASSERT_TYPE(&mb->memory, INIT_MEMBLOCK_REGIONS + 1, (INIT_MEMBLOCK_REGIONS + 1) * SZ_1M);
	assert_int_equal(mb->memory.max, 2 * INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->memory.regions, pv(f, arr));
	MB_ASSERT_TYPE(&mb->reserved, 1, SZ_8K);
	MB_ASSERT_RGN(&mb->reserved, 0, arr, SZ_8K);
	snprintf(line, sizeof(line), "memblock: memory is doubled to 256 at [0x%016llx-0x%016llx]",
		 (unsigned long long)arr, (unsigned long long)(arr + 6144 - 1));
	MB_ASSERT_LOG(f, line);
	for (i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		MB_ASSERT_RGN(&mb->memory, i, SZ_16M + (phys_addr_t)i * SZ_2M, SZ_1M);
	MB_ASSERT_RGN(&mb->memory, INIT_MEMBLOCK_REGIONS, SZ_1G - SZ_1M, SZ_1M);
	MB_ASSERT_VALID(f);
}

/*
 *  M |  +---------------------------------+          |   [16M, 64M)
 *  R |  +-+ ... +-+ (128)       +--+######+          |   129th = [60M, 64M)
 *                               new array below it
 * Expect the reserved array placed below the range being reserved (nothing
 * is free above it), i.e. at [60M - 8K, 60M), merged with it.
 */
static void resize_reserved_avoids_new_area(void **state)
{
	FIX;

	memblock_add(mb, SZ_16M, SZ_64M - SZ_16M);
	memblock_allow_resize(mb);
	reserve_n(mb, 0, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserve(mb, 60 * SZ_1M, SZ_4M), 0);
	assert_int_equal(mb->reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->reserved.regions, pv(f, 60 * SZ_1M - SZ_8K));
	assert_int_equal(mb->reserved.cnt, INIT_MEMBLOCK_REGIONS + 1);
	MB_ASSERT_RGN(&mb->reserved, INIT_MEMBLOCK_REGIONS, 60 * SZ_1M - SZ_8K, SZ_4M + SZ_8K);
	assert_reservations(mb, INIT_MEMBLOCK_REGIONS);
	MB_ASSERT_VALID(f);
}

/*
 *  R | (128) ... 256 entries at A ... (257th)  512 entries at B, A freed
 *  M |  +-------------------------------+ [16M, 256M)
 *                         B=[256M-20K, 256M-8K)  A=[256M-8K, 256M)
 * Expect the second doubling to put the 512-entry array (12K) below the
 * first, free the first (8K, logged as memblock_phys_free by
 * memblock_double_array) and keep all 257 reservations.
 */
static void resize_second_doubling_frees_previous(void **state)
{
	FIX;
	phys_addr_t a = SZ_256M - SZ_8K, b = SZ_256M - SZ_8K - 3 * SZ_4K;
	char line[160];

	memblock_add(mb, SZ_16M, SZ_256M - SZ_16M);
	memblock_allow_resize(mb);
	reserve_n(mb, 0, INIT_MEMBLOCK_REGIONS + 1);
	assert_ptr_equal(mb->reserved.regions, pv(f, a));
	/* cnt is 130: the test regions plus array A */
	mb->debug = true;
	reserve_n(mb, INIT_MEMBLOCK_REGIONS + 1, 2 * INIT_MEMBLOCK_REGIONS);
	assert_int_equal(mb->reserved.max, 4 * INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->reserved.regions, pv(f, b));
	assert_true(memblock_is_reserved(mb, b));
	assert_true(memblock_is_reserved(mb, a - 1));
	assert_false(memblock_is_reserved(mb, a));
	assert_false(memblock_is_reserved(mb, SZ_256M - 1));
	snprintf(line, sizeof(line), "memblock: reserved is doubled to 512 at [0x%016llx-0x%016llx]",
		 (unsigned long long)b, (unsigned long long)(b + 12288 - 1));
	MB_ASSERT_LOG(f, line);
	snprintf(line, sizeof(line),
		 "memblock_phys_free: [0x%016llx-0x%016llx] memblock_double_array",
		 (unsigned long long)a, (unsigned long long)(a + SZ_8K - 1));
	MB_ASSERT_LOG(f, line);
	assert_int_equal(mb->reserved.cnt, 2 * INIT_MEMBLOCK_REGIONS + 1);
	assert_reservations(mb, 2 * INIT_MEMBLOCK_REGIONS);
	MB_ASSERT_VALID(f);
}

/*
 *  M | (empty)        R | +-+ ... (128) | + one more, resize allowed
 * Expect doubling to fail for lack of memory with Linux's error
 * "memblock: Failed to double reserved array from 128 to 256 entries !",
 * -KMM_ENOMEM, and the 128 regions kept.
 */
static void resize_fails_without_memory(void **state)
{
	FIX;

	memblock_allow_resize(mb);
	reserve_n(mb, 0, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserve(mb, rsv_base(INIT_MEMBLOCK_REGIONS), SZ_4K), -KMM_ENOMEM);
	MB_ASSERT_LOG(f, "memblock: Failed to double reserved array from 128 to 256 entries !");
	assert_int_equal(mb->reserved.cnt, INIT_MEMBLOCK_REGIONS);
	assert_ptr_equal(mb->reserved.regions, f->reserved_regions);
	assert_reservations(mb, INIT_MEMBLOCK_REGIONS);
	MB_ASSERT_VALID(f);
}

/*
 *  M | +-+ +-+ ... +-----+ (127)  | split the middle of region 0, resize on
 * Expect the isolate to double the memory array first (cnt + 2 > max) and
 * the removal to succeed: 128 regions in a 256-entry array.
 */
static void resize_isolate_doubles(void **state)
{
	FIX;
	int i;

	memblock_allow_resize(mb);
	for (i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++)
		memblock_add(mb, SZ_16M + (phys_addr_t)i * SZ_2M, SZ_1M);
	assert_int_equal(memblock_remove(mb, SZ_16M + SZ_4K, SZ_4K), 0);
	assert_int_equal(mb->memory.max, 2 * INIT_MEMBLOCK_REGIONS);
	MB_ASSERT_TYPE(&mb->memory, INIT_MEMBLOCK_REGIONS, (INIT_MEMBLOCK_REGIONS - 1) * SZ_1M - SZ_4K);
	MB_ASSERT_RGN(&mb->memory, 0, SZ_16M, SZ_4K);
	MB_ASSERT_RGN(&mb->memory, 1, SZ_16M + SZ_8K, SZ_1M - SZ_8K);
	MB_ASSERT_VALID(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, mb_setup_numa, mb_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(resize_reserved_not_allowed),
		T(resize_memory_not_allowed),
		T(resize_cover_add_counts_pieces),
		T(resize_isolate_needs_two_spare),
		T(resize_reserved_doubles),
		T(resize_memory_doubles),
		T(resize_reserved_avoids_new_area),
		T(resize_second_doubling_frees_previous),
		T(resize_fails_without_memory),
		T(resize_isolate_doubles),
	};

	return cmocka_run_group_tests_name("memblock_resize", tests, NULL, NULL);
}
