// SPDX-License-Identifier: MIT
/*
 * test_zonelist.c - build_all_zonelists() (src/core/zonelist.c): the
 * "Fallback order", "Built N zonelists" and "Policy zone" lines against real
 * Linux 6.1 boots, the zonelists' contents, the node-order rules one by one,
 * and bad input.
 *
 * Oracle cases: tests/fixtures/oracle/zl-<arch>-<case>.txt holds the node
 * distances, the CPUs per node and each zone's span and present pages from
 * the case's sysfs/zoneinfo, and the lines Linux printed.
 *
 * "Total pages" is printed before any page reaches the buddy allocator, from
 * free_area_init()'s estimate of each zone's managed pages:
 *   present - memmap pages (lowmem zones only) - dma_reserve (zone 0 only)
 * with memmap pages = pages * sizeof(struct page) rounded up to a page, pages
 * being the span, or the present pages when SPARSEMEM and the span has more
 * than 1/16 of holes.  dma_reserve is the one figure not in zoneinfo; it is
 * derived from Linux's own line for x86_64 pc-2G: the zones there sum to
 * (3998 - 64) + (520160 - 8128) = 515966 and Linux printed 515808, so
 * dma_reserve = 158 pages (the pages reserved below 16 MiB: DMA's 3998
 * present - 3840 managed).  Every other x86_64 BIOS guest has the same low
 * reservations, so 158 is then a prediction for them; i386 and arm64 do not
 * set a dma_reserve (0), and on i386 HighMem keeps its memmap pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#define MAX_EXPECT 16

struct fix {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	unsigned int nr_expect;
	char expect[MAX_EXPECT][128];
	char err[512];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->t = kmm_test_env_new(0);
	f->m = calloc(1, sizeof(*f->m));
	assert_non_null(f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	free(f->m);
	kmm_test_env_free(f->t);
	free(f);
	return 0;
}

static void machine_new(struct fix *f, enum kmm_arch arch)
{
	kmm_test_machine_zones(f->m, arch, &f->t->env);
	kmm_test_env_clear_log(f->t);
	f->t->nr_bugs = 0;
}

/* A populated zone @name of node @nid (online) with @pages present and managed. */
static void zone_add(struct kmm_machine *m, int nid, const char *name, unsigned long pages)
{
	struct kmm_zone *z = &m->node[nid].zones[kmm_test_zone_index(m, name)];

	m->node[nid].online = true;
	z->spanned_pages = z->present_pages = z->managed_pages = pages;
}

/* free_area_init()'s estimate of a zone's managed pages (see the top). */
static unsigned long estimate(const struct kmm_machine *m, unsigned int idx,
			      const struct kmm_zone *z)
{
	bool sparse = m->kernel.arch != KMM_ARCH_I386;
	unsigned long dma_reserve = m->kernel.arch == KMM_ARCH_X86_64 ? 158 : 0;
	unsigned long pages = z->spanned_pages, memmap, free = z->present_pages;

	if (sparse && z->spanned_pages > z->present_pages + (z->present_pages >> 4))
		pages = z->present_pages;
	memmap = (pages * m->kernel.struct_size[KMM_STRUCT_PAGE] + 4095) / 4096;
	if (m->zone_layout.kind[idx] != KMM_ZONE_HIGHMEM && free >= memmap)
		free -= memmap;
	if (idx == 0 && free > dma_reserve)
		free -= dma_reserve;
	return free;
}

static void load_case(struct fix *f, const char *name)
{
	char file[128], *text, *line, *save;
	struct kmm_machine *m = f->m;

	snprintf(file, sizeof(file), "zl-%s.txt", name);
	text = kmm_test_read_fixture("oracle", file);
	f->nr_expect = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char word[32], zname[16];
		unsigned long start, sp, pr;
		int a, b, n;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "arch %31s", word) == 1) {
			machine_new(f, kmm_test_arch(word));
		} else if (sscanf(line, "online_cpus %d", &a) == 1) {
			m->nr_online_cpus = (unsigned int)a;
		} else if (sscanf(line, "node_cpus %d %d", &a, &b) == 2) {
			m->node_nr_cpus[a] = (u16)b;
		} else if (sscanf(line, "distance %d%n", &a, &n) == 1) {
			const char *p = line + n;

			for (int to = 0; *p; to++) {
				char *end;

				m->numa_distance[a][to] = (u8)strtoul(p, &end, 10);
				p = end;
				while (*p == ' ')
					p++;
			}
		} else if (sscanf(line, "zone %d %15s start %lu spanned %lu present %lu", &a, zname,
				  &start, &sp, &pr) == 5) {
			int i = kmm_test_zone_index(m, zname);
			struct kmm_zone *z = &m->node[a].zones[i];

			m->node[a].online = true;
			z->zone_start_pfn = start;
			z->spanned_pages = sp;
			z->present_pages = pr;
			z->managed_pages = estimate(m, (unsigned int)i, z);
		} else if (!strncmp(line, "expect ", 7)) {
			assert_true(f->nr_expect < MAX_EXPECT);
			snprintf(f->expect[f->nr_expect++], sizeof(f->expect[0]), "%s", line + 7);
		} else {
			fail_msg("%s: unexpected line '%s'", file, line);
		}
	}
	free(text);
}

/* Exactly Linux's lines, in Linux's order, nothing else. */
static void assert_lines(struct fix *f)
{
	if (f->t->nr_lines != f->nr_expect)
		fail_msg("%u lines, Linux printed %u:\n%s", f->t->nr_lines, f->nr_expect,
			 kmm_test_log_text(f->t));
	for (unsigned int i = 0; i < f->nr_expect; i++)
		assert_string_equal(f->t->lines[i], f->expect[i]);
}

static void run_case(struct fix *f, const char *name)
{
	load_case(f, name);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_lines(f);
	assert_true(kmm_zonelists_validate(f->m));
	assert_int_equal(f->t->nr_bugs, 0);
}

/*
 * The oracle boots:
 *   numa2-2G, numa4-4G (SLIT 20/25/30), arm64 dt-numa-2nodes-hole (22):
 *     node order by distance, 2 and 4 lists, Total pages over all nodes;
 *   pc-2G-numa-fake2: two emulated nodes at distance 10 sharing CPU 0;
 *   pc-128M, pc-2G (dma_reserve's source), pc-8G: one node, DMA32 or Normal
 *     as policy zone;
 *   kernelcore1G: Normal emptied into Movable: the policy zone stays DMA32;
 *   movablecore512M: Movable and Normal both populated;
 *   i386 pc-2G: no CONFIG_NUMA: no "Fallback order", no "Policy zone", the
 *     HighMem memmap not in the estimate;
 *   arm64 virt-4G, rpi4b, dt-2nodes-hole-2G: DMA/Normal, DMA only.
 */
#define ORACLE_CASE(fn, name)           \
	static void fn(void **state)    \
	{                               \
		run_case(*state, name); \
	}
ORACLE_CASE(zl_oracle_x86_64_numa2_2G, "x86_64-numa2-2G")
ORACLE_CASE(zl_oracle_x86_64_numa4_4G, "x86_64-numa4-4G")
ORACLE_CASE(zl_oracle_x86_64_numa_fake2, "x86_64-pc-2G-numa-fake2")
ORACLE_CASE(zl_oracle_x86_64_pc_128M, "x86_64-pc-128M")
ORACLE_CASE(zl_oracle_x86_64_pc_2G, "x86_64-pc-2G")
ORACLE_CASE(zl_oracle_x86_64_pc_8G, "x86_64-pc-8G")
ORACLE_CASE(zl_oracle_x86_64_kernelcore1G, "x86_64-pc-4G-kernelcore1G")
ORACLE_CASE(zl_oracle_x86_64_movablecore512M, "x86_64-pc-4G-movablecore512M")
ORACLE_CASE(zl_oracle_i386_pc_2G, "i386-pc-2G")
ORACLE_CASE(zl_oracle_arm64_virt_4G, "arm64-virt-4G")
ORACLE_CASE(zl_oracle_arm64_numa_2nodes, "arm64-dt-numa-2nodes-hole")
ORACLE_CASE(zl_oracle_arm64_2nodes_hole_2G, "arm64-dt-2nodes-hole-2G")
ORACLE_CASE(zl_oracle_arm64_rpi4b, "arm64-board-rpi4b-bcm2711")

static void assert_refs(const struct kmm_zonelist *zl, const int (*want)[2], unsigned int nr)
{
	assert_int_equal(zl->nr, nr);
	for (unsigned int i = 0; i < nr; i++) {
		assert_int_equal(zl->ref[i].nid, want[i][0]);
		assert_int_equal(zl->ref[i].zone_idx, want[i][1]);
	}
}

/*
 * numa4-4G's lists for node 0 (order 0 1 3 2):
 *   node 0: DMA32, DMA | node 1: DMA32 | node 3: Normal | node 2: DMA32
 * Expect FALLBACK in that order, NOFALLBACK = node 0's two zones, and a walk
 * limited to DMA32 (a GFP_DMA32 request) skipping node 3's Normal zone.
 */
static void zl_numa4_contents(void **state)
{
	struct fix *f = *state;
	static const int fallback[][2] = { { 0, 1 }, { 0, 0 }, { 1, 1 }, { 3, 2 }, { 2, 1 } };
	static const int own[][2] = { { 0, 1 }, { 0, 0 } };
	const struct kmm_zonelist *zl;
	struct kmm_zone *zone;
	unsigned int i, seen = 0;

	run_case(f, "x86_64-numa4-4G");
	zl = kmm_node_zonelist(f->m, 0, KMM_ZONELIST_FALLBACK);
	assert_non_null(zl);
	assert_refs(zl, fallback, 5);
	assert_refs(kmm_node_zonelist(f->m, 0, KMM_ZONELIST_NOFALLBACK), own, 2);
	kmm_for_each_zone_zonelist(f->m, zone, i, zl, 1) {
		assert_ptr_not_equal(zone, &f->m->node[3].zones[2]);
		seen++;
	}
	assert_int_equal(seen, 4);
	assert_int_equal(f->m->zonelists.policy_zone, 2);
	assert_int_equal(f->m->zonelists.nr_online_nodes, 4);
}

/*
 * Four nodes with CPUs, distances
 *        0   1   2   3
 *   0   10  20  30  20
 *   1   20  10  20  20
 *   2   30  20  10  20
 *   3   20  20  20  10
 * Node 0 takes 1 (first of the tie with 3) and then 3, 2; nodes 1 and 2 each
 * open a new distance group there and get load 1.  Node 1 then sees 2 and 3
 * at the same distance, both above it: only the load separates them, and 3
 * (load 0) comes first.  Without the load rule node 1 would list 1 2 3 0.
 * Expect 0 1 3 2 / 1 3 2 0 / 2 3 1 0 / 3 0 1 2.
 */
static void zl_node_load_breaks_ties(void **state)
{
	struct fix *f = *state;
	static const u8 d[4][4] = {
		{ 10, 20, 30, 20 }, { 20, 10, 20, 20 }, { 30, 20, 10, 20 }, { 20, 20, 20, 10 }
	};

	machine_new(f, KMM_ARCH_X86_64);
	for (int a = 0; a < 4; a++) {
		for (int b = 0; b < 4; b++)
			f->m->numa_distance[a][b] = d[a][b];
		zone_add(f->m, a, "DMA32", 100000);
		f->m->node_nr_cpus[a] = 1;
	}
	f->m->nr_online_cpus = 4;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[0], "Fallback order for Node 0: 0 1 3 2 ");
	assert_string_equal(f->t->lines[1], "Fallback order for Node 1: 1 3 2 0 ");
	assert_string_equal(f->t->lines[2], "Fallback order for Node 2: 2 3 1 0 ");
	assert_string_equal(f->t->lines[3], "Fallback order for Node 3: 3 0 1 2 ");
	assert_string_equal(f->t->lines[4],
			    "Built 4 zonelists, mobility grouping on.  Total pages: 400000");
	assert_string_equal(f->t->lines[5], "Policy zone: DMA32");
}

/*
 * Three nodes at distance 20 from each other; node 2 has memory but no CPU.
 * At equal distance the headless node is preferred (its memory sees no local
 * allocations), and nodes above the local one before those below.
 * Expect 0 2 1 / 1 2 0 / 2 0 1.
 */
static void zl_headless_node_first(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	for (int a = 0; a < 3; a++)
		zone_add(f->m, a, "Normal", 50000);
	f->m->node_nr_cpus[0] = f->m->node_nr_cpus[1] = 2;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[0], "Fallback order for Node 0: 0 2 1 ");
	assert_string_equal(f->t->lines[1], "Fallback order for Node 1: 1 2 0 ");
	assert_string_equal(f->t->lines[2], "Fallback order for Node 2: 2 0 1 ");
	assert_string_equal(f->t->lines[3], "Built 3 zonelists, mobility grouping on.  "
					    "Total pages: 150000");
}

/*
 * A node without memory (online, CPUs only) starts its own list but appears
 * in nobody else's; a possible node that never came online still gets a
 * list (Linux preallocates its pgdat) but is not counted in "Built N".
 *   node 0: 60000 pages, node 1: no memory, node 2: possible only
 * Expect "0 " / "1 0 " / "2 0 " and "Built 2 zonelists".
 */
static void zl_memoryless_and_possible_nodes(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_ARM64);
	zone_add(f->m, 0, "DMA", 60000);
	f->m->node[1].online = true;
	f->m->node_possible_map = 0x7;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[0], "Fallback order for Node 0: 0 ");
	assert_string_equal(f->t->lines[1], "Fallback order for Node 1: 1 0 ");
	assert_string_equal(f->t->lines[2], "Fallback order for Node 2: 2 0 ");
	assert_string_equal(f->t->lines[3],
			    "Built 2 zonelists, mobility grouping on.  Total pages: 60000");
	assert_string_equal(f->t->lines[4], "Policy zone: DMA");
	assert_int_equal(kmm_node_zonelist(f->m, 1, KMM_ZONELIST_NOFALLBACK)->nr, 0);
	assert_int_equal(kmm_node_zonelist(f->m, 2, KMM_ZONELIST_FALLBACK)->nr, 1);
	assert_true(kmm_zonelists_validate(f->m));
}

/*
 * Mobility grouping needs one pageblock of each migrate type: below
 * 512 * MIGRATE_TYPES pages (5 types on x86_64, 6 with CMA on arm64) Linux
 * turns it off.  Expect 2559 pages -> off, 2560 -> on; arm64 3071 -> off.
 */
static void zl_mobility_grouping_off_when_tiny(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 0, "DMA32", 2559);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[1],
			    "Built 1 zonelists, mobility grouping off.  Total pages: 2559");
	assert_true(f->m->zonelists.mobility_disabled);

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 0, "DMA32", 2560);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[1],
			    "Built 1 zonelists, mobility grouping on.  Total pages: 2560");

	machine_new(f, KMM_ARCH_ARM64);
	zone_add(f->m, 0, "DMA", 3071);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[1],
			    "Built 1 zonelists, mobility grouping off.  Total pages: 3071");
}

/*
 * i386 (no CONFIG_NUMA): one FALLBACK list of the node's zones, highest
 * first, and no NOFALLBACK list.  Expect HighMem, Normal, DMA.
 */
static void zl_flat_kernel_lists(void **state)
{
	struct fix *f = *state;
	static const int want[][2] = { { 0, 2 }, { 0, 1 }, { 0, 0 } };

	run_case(f, "i386-pc-2G");
	assert_refs(kmm_node_zonelist(f->m, 0, KMM_ZONELIST_FALLBACK), want, 3);
	assert_int_equal(kmm_node_zonelist(f->m, 0, KMM_ZONELIST_NOFALLBACK)->nr, 0);
	assert_false(f->m->zonelists.numa);
}

/*
 * nr_free_zone_pages counts managed pages beyond the high watermark, and
 * nothing for a zone below it.
 *   DMA 3000 managed, high 3500 | DMA32 100000 managed, high 1000
 * Expect 99000 up to DMA32 (and for nr_free_buffer_pages), 0 up to DMA.
 */
static void zl_nr_free_zone_pages_beyond_high(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 0, "DMA", 3000);
	zone_add(f->m, 0, "DMA32", 100000);
	f->m->node[0].zones[0].watermark[KMM_WMARK_HIGH] = 3500;
	f->m->node[0].zones[1].watermark[KMM_WMARK_HIGH] = 900;
	f->m->node[0].zones[1].watermark_boost = 100;
	/* before and after the lists exist: the same zones, the same sum */
	assert_int_equal(kmm_nr_free_zone_pages(f->m, 1), 99000);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_nr_free_zone_pages(f->m, 1), 99000);
	assert_int_equal(kmm_nr_free_buffer_pages(f->m), 99000);
	assert_int_equal(kmm_nr_free_zone_pages(f->m, 0), 0);
}

static void zl_node_zonelist_lookup(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 0, "DMA32", 10000);
	assert_null(kmm_node_zonelist(f->m, 0, KMM_ZONELIST_FALLBACK)); /* not built */
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_non_null(kmm_node_zonelist(f->m, 0, KMM_ZONELIST_FALLBACK));
	assert_null(kmm_node_zonelist(f->m, -1, KMM_ZONELIST_FALLBACK));
	assert_null(kmm_node_zonelist(f->m, KMM_MAX_NUMNODES, KMM_ZONELIST_FALLBACK));
	assert_null(kmm_node_zonelist(f->m, 0, KMM_MAX_ZONELISTS));
}

/* kmm_zonelists_validate catches a wrong order, a stale list and a bad NOFALLBACK. */
static void zl_validate_catches_corruption(void **state)
{
	struct fix *f = *state;

	run_case(f, "x86_64-numa2-2G");
	f->m->zonelists.node_order[1][0] = 0;
	assert_false(kmm_zonelists_validate(f->m));
	assert_int_equal(f->t->nr_bugs, 1);

	run_case(f, "x86_64-numa2-2G");
	f->m->node[1].zones[2].present_pages = 10; /* Normal populated after the build */
	assert_false(kmm_zonelists_validate(f->m));

	run_case(f, "x86_64-numa2-2G");
	f->m->zonelists.list[0][KMM_ZONELIST_NOFALLBACK].nr = 1;
	assert_false(kmm_zonelists_validate(f->m));
}

/* Bad input: the error, and no half-built lists. */
static void zl_bad_layout_not_set(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 0, "DMA32", 10000);
	f->m->zone_layout.nr = 0;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "zone layout not set: 0 zones (free_area_init has not run)");
	assert_false(f->m->zonelists.built);
	assert_int_equal(f->t->nr_lines, 0);
}

static void zl_bad_no_online_node(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "no online node");
	assert_false(f->m->zonelists.built);
}

static void zl_bad_zone_counters(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_add(f->m, 1, "Normal", 10000);
	f->m->node[1].zones[2].present_pages = 10001;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "node 1 zone Normal: present 10001 > spanned 10000");

	f->m->node[1].zones[2].present_pages = 9000;
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "node 1 zone Normal: managed 10000 > present 9000");
	assert_false(f->m->zonelists.built);
	assert_int_equal(f->t->nr_lines, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_numa2_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_numa4_4G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_numa_fake2, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_pc_128M, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_pc_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_pc_8G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_kernelcore1G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_x86_64_movablecore512M, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_i386_pc_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_arm64_virt_4G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_arm64_numa_2nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_arm64_2nodes_hole_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_oracle_arm64_rpi4b, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_numa4_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_node_load_breaks_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_headless_node_first, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_memoryless_and_possible_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_mobility_grouping_off_when_tiny, setup,
						teardown),
		cmocka_unit_test_setup_teardown(zl_flat_kernel_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_nr_free_zone_pages_beyond_high, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_node_zonelist_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_validate_catches_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_bad_layout_not_set, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_bad_no_online_node, setup, teardown),
		cmocka_unit_test_setup_teardown(zl_bad_zone_counters, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
