// SPDX-License-Identifier: MIT
/*
 * small_machine.c - see small_machine.h.
 */
#include <stdlib.h>

#include "helpers/small_machine.h"

#include <kmm/free_area.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>

struct kmm_machine *kmm_test_small_machine(struct kmm_test_env *t, const struct kmm_test_ram *r,
					   unsigned int nr, unsigned int cpus, bool deferred)
{
	struct kmm_machine *m = calloc(1, sizeof(*m));
	u64 end = 0;

	assert_non_null(m);
	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	m->kernel.deferred_struct_page_init = deferred;
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions,
		      sizeof(m->reserved_init_regions) / sizeof(m->reserved_init_regions[0]),
		      m->kernel.numa, 1 << m->kernel.nodes_shift);
	for (unsigned int i = 0; i < nr; i++) {
		assert_int_equal(memblock_add_node(&m->memblock, r[i].base, r[i].size, r[i].nid,
						   MEMBLOCK_NONE), 0);
		m->node[r[i].nid].online = true;
		m->node[r[i].nid].phys = r[i].base + r[i].size - KMM_TEST_NODE_DATA_SIZE;
		if (r[i].base + r[i].size > end)
			end = r[i].base + r[i].size;
	}
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online)
			assert_int_equal(memblock_reserve(&m->memblock, m->node[n].phys,
							  KMM_TEST_NODE_DATA_SIZE), 0);
	m->max_pfn = m->max_low_pfn = (unsigned long)(end >> 12);
	m->nr_online_cpus = cpus;
	m->node_nr_cpus[0] = (u16)cpus;
	return m;
}

void kmm_test_small_machine_zones(struct kmm_machine *m)
{
	unsigned long max_zone[KMM_ZONE_KINDS] = { 0 };
	char err[256];

	if (kmm_sparse_init(m, err, sizeof(err)))
		fail_msg("sparse_init: %s", err);
	max_zone[KMM_ZONE_DMA] = 0x1000;
	max_zone[KMM_ZONE_DMA32] = 0x100000;
	max_zone[KMM_ZONE_NORMAL] = m->max_pfn;
	if (kmm_free_area_init(m, max_zone, err, sizeof(err)))
		fail_msg("free_area_init: %s", err);
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		for (unsigned int z = 0; z < m->zone_layout.nr; z++)
			kmm_zone_free_lists_init(&m->node[n].zones[z]);
}
