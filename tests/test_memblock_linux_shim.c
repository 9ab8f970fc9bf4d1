// SPDX-License-Identifier: MIT
/*
 * test_memblock_linux_shim.c - code written in Linux's memblock dialect
 * (no context argument, the global `memblock`, Linux's region fields) runs
 * on kmm through include/kmm/linux/memblock.h.  The scenarios follow the
 * shape of Linux's tools/testing/memblock basic and alloc tests.
 */
#include "helpers/kmm_test.h"

#include <kmm/hosted.h>
#include <kmm/linux/memblock.h>

#define SZ_1M 0x100000ULL

struct memblock memblock;
static struct memblock_region mem_regions[INIT_MEMBLOCK_REGIONS];
static struct memblock_region res_regions[INIT_MEMBLOCK_REGIONS];
static struct kmm_test_env *t;

static int setup(void **state)
{
	t = kmm_test_env_new(256 * SZ_1M);
	memblock_init(&memblock, &t->env, mem_regions, INIT_MEMBLOCK_REGIONS, res_regions,
		      INIT_MEMBLOCK_REGIONS, true, 1 << 10);
	return 0;
}

static int teardown(void **state)
{
	kmm_test_env_free(t);
	return 0;
}

/*
 * |  +--------+  +--------+     |
 * |  |  r1    |  |  r2    |     |
 * Expect two memory regions in order and the total of both, Linux-spelled.
 */
static void shim_add_two_regions(void **state)
{
	memblock_add(64 * SZ_1M, 16 * SZ_1M);
	memblock_add(16 * SZ_1M, 8 * SZ_1M);
	assert_int_equal(memblock.memory.cnt, 2);
	assert_int_equal(memblock.memory.regions[0].base, 16 * SZ_1M);
	assert_int_equal(memblock.memory.regions[1].base, 64 * SZ_1M);
	assert_int_equal(memblock.memory.total_size, 24 * SZ_1M);
	assert_int_equal(memblock.memory.regions[0].nid, MAX_NUMNODES);
	assert_int_equal(memblock_phys_mem_size(), 24 * SZ_1M);
	assert_int_equal(memblock_start_of_DRAM(), 16 * SZ_1M);
	assert_int_equal(memblock_end_of_DRAM(), 80 * SZ_1M);
	assert_true(memblock_validate(&memblock));
}

/*
 * |      +-------------------+ |
 * |      |   memory   | new  | |
 * Expect memblock_alloc() to take the top of memory and zero it.
 */
static void shim_alloc_top_down(void **state)
{
	unsigned char *p;

	memblock_add(SZ_1M, 128 * SZ_1M);
	p = memblock_alloc(4096, 4096);
	assert_non_null(p);
	assert_int_equal(kmm_physmem_virt_to_phys(t->physmem, p), 129 * SZ_1M - 4096);
	assert_int_equal(p[0] | p[4095], 0);
	assert_int_equal(memblock.reserved.cnt, 1);
	assert_int_equal(memblock.reserved.regions[0].size, 4096);
	assert_true(memblock_is_reserved(129 * SZ_1M - 1));
	assert_true(memblock_validate(&memblock));
}

/* Expect a bottom-up phys allocation above the lower limit, and its free. */
static void shim_phys_alloc_bottom_up(void **state)
{
	phys_addr_t pa;

	memblock_add(SZ_1M, 128 * SZ_1M);
	memblock_set_bottom_up(true);
	pa = memblock_phys_alloc_range(SZ_1M, SZ_1M, 8 * SZ_1M, 64 * SZ_1M);
	assert_int_equal(pa, 8 * SZ_1M);
	memblock_phys_free(pa, SZ_1M);
	assert_int_equal(memblock.reserved.total_size, 0);
	assert_true(memblock_validate(&memblock));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shim_add_two_regions, setup, teardown),
		cmocka_unit_test_setup_teardown(shim_alloc_top_down, setup, teardown),
		cmocka_unit_test_setup_teardown(shim_phys_alloc_bottom_up, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
