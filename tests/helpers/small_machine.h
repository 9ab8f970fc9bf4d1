/* SPDX-License-Identifier: MIT */
/*
 * small_machine.h - the hand-built x86_64 machines the page allocator tests
 * run on: RAM ranges straight into memblock, NODE_DATA reserved, then sparse
 * memory and zones, without a firmware map or setup_arch().
 */
#ifndef KMM_TEST_SMALL_MACHINE_H
#define KMM_TEST_SMALL_MACHINE_H

#include "helpers/kmm_test.h"

struct kmm_machine;

#define KMM_TEST_NODE_DATA_SIZE 0x2b000 /* sizeof(pg_data_t) rounded to pages (x86_64) */

struct kmm_test_ram {
	u64 base, size;
	int nid;
};

/*
 * kmm_test_small_machine - a calloc()ed x86_64 machine logging to @t (which
 * must back the RAM) with @r[0, @nr) in memblock on their nodes, each online
 * node's NODE_DATA reserved at the end of its last range, max_pfn at the end
 * of RAM, @cpus CPUs online on node 0 (0: left unknown) and
 * CONFIG_DEFERRED_STRUCT_PAGE_INIT as @deferred.  The test may reserve more
 * before kmm_test_small_machine_zones().  free() it.
 */
struct kmm_machine *kmm_test_small_machine(struct kmm_test_env *t, const struct kmm_test_ram *r,
					   unsigned int nr, unsigned int cpus, bool deferred);

/*
 * kmm_test_small_machine_zones - sparse_init(), free_area_init() with
 * x86_64's limits (DMA below 16M, DMA32 below 4G, Normal) and empty free
 * lists; fails the test on an error.
 */
void kmm_test_small_machine_zones(struct kmm_machine *m);

#endif
