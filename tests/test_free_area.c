// SPDX-License-Identifier: MIT
/*
 * test_free_area.c - free_area_init() (kmm/free_area.h) against what real
 * Linux 6.1 printed and reported.
 *
 * Each oracle case (tests/fixtures/oracle/free_area-ARCH-CASE.txt, copied
 * from ../shared/oracle/cases/ARCH/CASE) gives the memory ranges with their
 * nodes exactly as Linux's "Early memory node ranges" listed them, the zone
 * limits its zone_sizes_init() passed, the dma_reserve it had, every line it
 * printed from "Zone ranges:" to the last "unavailable ranges" line, each
 * zone's start/spanned/present from /proc/zoneinfo and the "Total pages" of
 * build_all_zonelists() (the sum of the managed-pages estimates).  The
 * machine is set up by hand, free_area_init runs, and everything must match.
 * Further cases vary one input of an oracle machine to pin one rule each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/cmdline.h>
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/machine.h>
#include <kmm/memblock.h>

#define MAX_RANGES 16
#define MAX_EXPECT 64
#define MAX_ZONES 32

struct range {
	u64 start, end; /* inclusive end, as the log prints it */
	int nid;
};

struct zone_fact {
	int node;
	char name[16];
	long start; /* -1: zoneinfo does not print it (empty zone) */
	unsigned long spanned, present;
};

struct fa_case {
	enum kmm_arch arch;
	char cmdline[256];
	unsigned long max_zone_pfn[KMM_ZONE_KINDS];
	unsigned long max_pfn, max_low_pfn, dma_reserve;
	u64 current_limit;
	unsigned int nr_mem, nr_res, nr_expect, nr_zones;
	struct range mem[MAX_RANGES], res[MAX_RANGES];
	char expect[MAX_EXPECT][160];
	struct zone_fact zones[MAX_ZONES];
	unsigned long total;
};

static enum kmm_zone_kind kind_of(const char *name)
{
	for (int k = 0; k < KMM_ZONE_KINDS; k++)
		if (!strcmp(kmm_zone_kind_name((enum kmm_zone_kind)k), name))
			return (enum kmm_zone_kind)k;
	fail_msg("unknown zone %s", name);
	return KMM_ZONE_KINDS;
}

static void parse_line(struct fa_case *c, const char *ln)
{
	char word[32], name[16];
	unsigned long long a, b;
	int nid;

	if (!strncmp(ln, "expect ", 7)) {
		assert_true(c->nr_expect < MAX_EXPECT);
		snprintf(c->expect[c->nr_expect++], sizeof(c->expect[0]), "%s", ln + 7);
		return;
	}
	if (!strncmp(ln, "cmdline ", 8)) {
		snprintf(c->cmdline, sizeof(c->cmdline), "%s", ln + 8);
		return;
	}
	assert_int_equal(sscanf(ln, "%31s", word), 1);
	if (!strcmp(word, "arch")) {
		assert_int_equal(sscanf(ln, "arch %15s", name), 1);
		c->arch = !strcmp(name, "i386")	 ? KMM_ARCH_I386 :
			  !strcmp(name, "arm64") ? KMM_ARCH_ARM64 :
						   KMM_ARCH_X86_64;
	} else if (!strcmp(word, "max_zone_pfn")) {
		assert_int_equal(sscanf(ln, "max_zone_pfn %15s %llx", name, &a), 2);
		c->max_zone_pfn[kind_of(name)] = (unsigned long)a;
	} else if (!strcmp(word, "max_pfn") || !strcmp(word, "max_low_pfn") ||
		   !strcmp(word, "current_limit") || !strcmp(word, "dma_reserve") ||
		   !strcmp(word, "total")) {
		assert_int_equal(sscanf(ln, "%*s %lli", (long long *)&a), 1);
		if (!strcmp(word, "max_pfn"))
			c->max_pfn = (unsigned long)a;
		else if (!strcmp(word, "max_low_pfn"))
			c->max_low_pfn = (unsigned long)a;
		else if (!strcmp(word, "current_limit"))
			c->current_limit = a;
		else if (!strcmp(word, "dma_reserve"))
			c->dma_reserve = (unsigned long)a;
		else
			c->total = (unsigned long)a;
	} else if (!strcmp(word, "memory")) {
		assert_int_equal(sscanf(ln, "memory %llx %llx %d", &a, &b, &nid), 3);
		assert_true(c->nr_mem < MAX_RANGES);
		c->mem[c->nr_mem++] = (struct range){ a, b, nid };
	} else if (!strcmp(word, "reserved")) {
		assert_int_equal(sscanf(ln, "reserved %llx %llx", &a, &b), 2);
		assert_true(c->nr_res < MAX_RANGES);
		c->res[c->nr_res++] = (struct range){ a, b, 0 };
	} else if (!strcmp(word, "zone")) {
		struct zone_fact *z = &c->zones[c->nr_zones];

		assert_true(c->nr_zones < MAX_ZONES);
		assert_int_equal(sscanf(ln, "zone %d %15s %ld %lu %lu", &z->node, z->name,
					&z->start, &z->spanned, &z->present),
				 5);
		c->nr_zones++;
	} else {
		fail_msg("fixture line not understood: %s", ln);
	}
}

static void load_case(struct fa_case *c, const char *name)
{
	char *text = kmm_test_read_fixture("oracle", name), *save = NULL;

	memset(c, 0, sizeof(*c));
	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save))
		if (ln[0] != '#')
			parse_line(c, ln);
	free(text);
}

struct rig {
	struct kmm_test_env *t;
	struct kmm_machine *m;
};

/*
 * The machine of @c just before free_area_init: memblock with its memory
 * (and reserved ranges and limit where the case has allocations to place),
 * the nodes of the memory online, the command line, the x86 limits and
 * dma_reserve.  @cmdline, when not NULL, replaces the case's.
 */
static struct rig rig_new(const struct fa_case *c, const char *cmdline, u64 phys_bytes)
{
	struct rig r;
	struct kmm_machine *m;
	char err[256];

	r.t = kmm_test_env_new(phys_bytes);
	r.m = m = calloc(1, sizeof(*m));
	assert_non_null(m);
	kmm_machine_init(m, c->arch, &r.t->env);
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions, INIT_MEMBLOCK_REGIONS, m->kernel.numa,
		      1 << m->kernel.nodes_shift);
	for (unsigned int i = 0; i < c->nr_mem; i++) {
		assert_int_equal(memblock_add_node(&m->memblock, c->mem[i].start,
						   c->mem[i].end + 1 - c->mem[i].start,
						   c->mem[i].nid, MEMBLOCK_NONE),
				 0);
		if (m->kernel.numa)
			m->node[c->mem[i].nid].online = true;
	}
	for (unsigned int i = 0; i < c->nr_res; i++)
		assert_int_equal(memblock_reserve(&m->memblock, c->res[i].start,
						  c->res[i].end + 1 - c->res[i].start),
				 0);
	if (c->current_limit)
		memblock_set_current_limit(&m->memblock, c->current_limit);
	m->memblock.debug = true;
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, cmdline ? cmdline : c->cmdline, err,
					   sizeof(err)),
			 0);
	m->max_pfn = c->max_pfn;
	m->max_low_pfn = c->max_low_pfn;
	m->dma_reserve = c->dma_reserve;
	kmm_test_env_clear_log(r.t);
	return r;
}

static void rig_free(struct rig *r)
{
	free(r->m);
	kmm_test_env_free(r->t);
}

static int run(struct rig *r, const struct fa_case *c)
{
	char err[256] = "";
	int ret = kmm_free_area_init(r->m, c->max_zone_pfn, err, sizeof(err));

	if (ret)
		print_error("kmm_free_area_init: %s: %s\n", kmm_strerror(ret), err);
	return ret;
}

/* every line printed equals Linux's, in order (memblock callers not compared) */
static void assert_lines(const struct kmm_test_env *t, const struct fa_case *c)
{
	char want[160], got[1024];

	for (unsigned int i = 0; i < c->nr_expect || i < t->nr_lines; i++) {
		if (i >= c->nr_expect || i >= t->nr_lines)
			fail_msg("line %u: Linux printed %u lines, kmm %u; kmm's log:\n%s", i,
				 c->nr_expect, t->nr_lines, kmm_test_log_text(t));
		snprintf(want, sizeof(want), "%s", c->expect[i]);
		snprintf(got, sizeof(got), "%s", t->lines[i]);
		kmm_test_strip_caller(want);
		kmm_test_strip_caller(got);
		if (strcmp(want, got))
			fail_msg("line %u:\n  Linux: %s\n  kmm:   %s", i, want, got);
	}
}

/* @line was printed (anywhere) */
static void assert_has_line(const struct kmm_test_env *t, const char *line)
{
	if (kmm_test_find_line(t, 0, line) < 0)
		fail_msg("no line \"%s\" in the log:\n%s", line, kmm_test_log_text(t));
}

/* each zone's start, span and present pages equal zoneinfo's */
static void assert_zones(const struct kmm_machine *m, const struct fa_case *c)
{
	for (unsigned int i = 0; i < c->nr_zones; i++) {
		const struct zone_fact *f = &c->zones[i];
		const struct kmm_zone *z = kmm_test_zone(m, f->node, f->name);

		if (z->spanned_pages != f->spanned || z->present_pages != f->present ||
		    (f->start >= 0 && z->zone_start_pfn != (unsigned long)f->start))
			fail_msg(
				"node %d zone %s: Linux start %ld spanned %lu present %lu, kmm %lu %lu %lu",
				f->node, f->name, f->start, f->spanned, f->present,
				z->zone_start_pfn, z->spanned_pages, z->present_pages);
	}
}

/* build_all_zonelists()'s "Total pages": the estimates of every zone up to Movable */
static unsigned long total_pages(const struct kmm_machine *m)
{
	int movable = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_MOVABLE);
	unsigned long sum = 0;

	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online)
			for (int j = 0; j <= movable; j++)
				sum += m->node[n].zones[j].managed_pages;
	return sum;
}

/* load @name, boot it with 2 GiB of backing memory for FLATMEM's allocations, check all */
static struct rig oracle_case(struct fa_case *c, const char *name)
{
	struct rig r;

	load_case(c, name);
	r = rig_new(c, NULL, c->arch == KMM_ARCH_I386 ? 1ULL << 30 : 0);
	assert_int_equal(run(&r, c), 0);
	assert_lines(r.t, c);
	assert_zones(r.m, c);
	assert_int_equal(total_pages(r.m), c->total);
	assert_int_equal(r.m->nr_all_pages, c->total);
	assert_true(kmm_free_area_validate(r.m));
	assert_int_equal(r.t->nr_bugs, 0);
	return r;
}

/* ------------------------------------------------------------ oracle machines */

/*
 *   0      1   0x9f    0x100                     0x7ffe0  0x80000
 *   |hole|DMA..| hole |   DMA .. DMA32 (0x1000..) |  tail  |
 * Expect the holes at pfn 0 and 0x9f..0x100 reported for DMA, the tail to
 * the section end for DMA32; DMA32 (the node's last zone) defers from the
 * first section boundary after one section of pages.
 */
static void free_area_x86_64_pc_2G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-pc-2G.txt");

	assert_int_equal(r.m->node[0].first_deferred_pfn, 0x10000);
	assert_int_equal(r.m->node[0].node_start_pfn, 1);
	assert_int_equal(r.m->node[0].node_spanned_pages, 0x7ffe0 - 1);
	assert_true(r.m->node[0].has_memory);
	/* DMA: 3998 present - 64 memmap pages - 158 dma_reserve */
	assert_int_equal(r.m->node[0].zones[0].managed_pages, 3998 - 64 - 158);
	rig_free(&r);
	(void)state;
}

/* Expect the 32-page hole below 4 GiB reported for Normal, which owns the next range. */
static void free_area_x86_64_pc_8G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-pc-8G.txt");

	assert_int_equal(r.m->node[0].first_deferred_pfn, 0x108000);
	rig_free(&r);
	(void)state;
}

/* Expect two nodes, DMA32 split between them, each deferring in its own last zone. */
static void free_area_x86_64_numa2_2G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-numa2-2G.txt");

	assert_int_equal(r.m->node[0].first_deferred_pfn, 0x10000);
	assert_int_equal(r.m->node[1].first_deferred_pfn, 0x48000);
	assert_int_equal(r.m->node[1].node_start_pfn, 0x40000);
	rig_free(&r);
	(void)state;
}

/* Expect node 3's Normal zone to own the hole between node 2 and 4 GiB. */
static void free_area_x86_64_numa4_4G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-numa4-4G.txt");

	rig_free(&r);
	(void)state;
}

/*
 * kernelcore=1G: 158 + 786144 pages below 4 GiB are kernel memory anyway,
 * more than 1G, so ZONE_MOVABLE takes all of Normal from 4 GiB on and the
 * hole below it is Movable's.
 */
static void free_area_x86_64_kernelcore1G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-pc-4G-kernelcore1G.txt");

	assert_int_equal(r.m->zone_movable_pfn[0], 0x100000);
	assert_int_equal(r.m->movable_zone,
			 kmm_zone_layout_index(&r.m->zone_layout, KMM_ZONE_NORMAL));
	rig_free(&r);
	(void)state;
}

/* movablecore=512M: the last 131072 pages of Normal are Movable. */
static void free_area_x86_64_movablecore512M(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-pc-4G-movablecore512M.txt");

	assert_int_equal(r.m->zone_movable_pfn[0], 0x120000);
	rig_free(&r);
	(void)state;
}

/*
 * OVMF's map: many holes inside DMA and DMA32, one line per hole; DMA has so
 * many holes (spanned > present * 17/16) that its memmap cost counts present
 * pages only (SPARSEMEM).
 */
static void free_area_x86_64_uefi_holes(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-x86_64-uefi-pc-2G.txt");

	/* 3750 present: 3750 * 64 bytes = 59 pages of memmap, not 64 */
	assert_int_equal(r.m->node[0].zones[0].managed_pages, 3750 - 59 - 1951);
	rig_free(&r);
	(void)state;
}

/*
 * i386 FLATMEM: the node's memmap (pfns 0..0x80000 at 40 bytes) and one
 * pageblock bitmap per zone come from memblock; HighMem's memmap is not
 * taken off its estimate but off the kernel pages.  No deferred init.
 */
static void free_area_i386_pc_2G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-i386-pc-2G.txt");

	assert_int_equal(r.m->node[0].node_mem_map, 0x35af9000 + 1 * 40);
	assert_int_equal(r.m->node[0].first_deferred_pfn, ~0UL);
	/* DMA 3998-40, Normal 221182-2160, less HighMem's 2920 memmap pages */
	assert_int_equal(r.m->nr_kernel_pages, 3958 + 219022 - 2920);
	assert_true(r.m->node[0].online);
	rig_free(&r);
	(void)state;
}

/*
 * highmem=512M ends HighMem (and max_mapnr) at 0x56ffe, below the end of
 * memory: the FLATMEM tail counts the pfns whose pageblock starts below
 * max_mapnr, 0x56ffe and 0x56fff.
 */
static void free_area_i386_highmem512M(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-i386-pc-2G-highmem512M.txt");

	rig_free(&r);
	(void)state;
}

/* arm64: memory from 1 GiB, all in DMA; the hole below it has no memmap. */
static void free_area_arm64_virt_1G(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-arm64-virt-1G.txt");

	assert_int_equal(r.m->node[0].first_deferred_pfn, 0x48000);
	rig_free(&r);
	(void)state;
}

/* Two nodes and a 1 GiB hole between them: whole sections without memmap, no line. */
static void free_area_arm64_numa_2nodes_hole(void **state)
{
	struct fa_case c;
	struct rig r = oracle_case(&c, "free_area-arm64-dt-numa-2nodes-hole.txt");

	assert_int_equal(r.m->node[1].node_start_pfn, 0xc0000);
	assert_int_equal(r.m->node[1].node_spanned_pages, 0x80000);
	rig_free(&r);
	(void)state;
}

/* ------------------------------------------------------------ kernelcore and friends */

static struct rig varied(struct fa_case *c, const char *name, const char *cmdline)
{
	struct rig r;

	load_case(c, name);
	r = rig_new(c, cmdline, 0);
	assert_int_equal(run(&r, c), 0);
	assert_true(kmm_free_area_validate(r.m));
	return r;
}

static void assert_no_movable(const struct rig *r)
{
	int first = kmm_test_find_line(r->t, 0, "Movable zone start for each node");

	assert_true(first >= 0);
	assert_string_equal(r->t->lines[first + 1], "Early memory node ranges");
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		assert_int_equal(r->m->zone_movable_pfn[n], 0);
	assert_int_equal(kmm_test_zone(r->m, 0, "Movable")->spanned_pages, 0);
}

/* Expect kernelcore= beyond all memory to be ignored: no ZONE_MOVABLE. */
static void free_area_kernelcore_larger_than_memory(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-2G.txt", "kernelcore=64G");

	assert_no_movable(&r);
	assert_int_equal(total_pages(r.m), c.total);
	rig_free(&r);
	(void)state;
}

/*
 * movablecore= beyond all memory is clamped to it, which leaves a kernelcore
 * of 0, which means no ZONE_MOVABLE at all (Linux's rule, not an error).
 */
static void free_area_movablecore_larger_than_memory(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-2G.txt", "movablecore=64G");

	assert_no_movable(&r);
	rig_free(&r);
	(void)state;
}

/* kernelcore=100% and kernelcore=0% leave no ZONE_MOVABLE either. */
static void free_area_kernelcore_percent_edges(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-4G-kernelcore1G.txt", "kernelcore=100%");

	assert_no_movable(&r);
	rig_free(&r);
	r = varied(&c, "free_area-x86_64-pc-4G-kernelcore1G.txt", "kernelcore=0%");
	assert_no_movable(&r);
	rig_free(&r);
	(void)state;
}

/*
 * movablecore=10% of 1048446 pages = 104844, rounded up to MAX_ORDER blocks
 * 105472; kernelcore 942974 = 158 + 786144 below 4 GiB + 156672 of Normal.
 *   0x100000          0x126400        0x140000
 *   | Normal 156672   | Movable 105472 |
 */
static void free_area_movablecore_percent(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-4G-kernelcore1G.txt", "movablecore=10%");

	assert_has_line(r.t, "  Node 0: 0x0000000126400000");
	assert_int_equal(kmm_test_zone(r.m, 0, "Normal")->spanned_pages, 156672);
	assert_int_equal(kmm_test_zone(r.m, 0, "Movable")->zone_start_pfn, 0x126400);
	assert_int_equal(kmm_test_zone(r.m, 0, "Movable")->spanned_pages, 105472);
	rig_free(&r);
	(void)state;
}

/*
 * kernelcore=4K (one page) is met by the pages below DMA32 alone, so
 * ZONE_MOVABLE starts where DMA32 (the highest zone with memory) starts and
 * takes all of it.
 */
static void free_area_kernelcore_tiny(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-2G.txt", "kernelcore=4K");

	assert_has_line(r.t, "  Node 0: 0x0000000001000000");
	assert_int_equal(kmm_test_zone(r.m, 0, "DMA32")->spanned_pages, 0);
	assert_false(kmm_test_zone(r.m, 0, "DMA32")->initialized);
	assert_int_equal(kmm_test_zone(r.m, 0, "Movable")->zone_start_pfn, 0x1000);
	assert_int_equal(kmm_test_zone(r.m, 0, "Movable")->spanned_pages, 0x7ffe0 - 0x1000);
	/* the tail hole now belongs to Movable */
	assert_has_line(r.t, "On node 0, zone Movable: 32 pages in unavailable ranges");
	rig_free(&r);
	(void)state;
}

/*
 * kernelcore=mirror on a machine without mirrored memory: unmirrored memory
 * below 4 GiB is warned about and stays kernel memory, ZONE_MOVABLE starts
 * at the first unmirrored range above 4 GiB.
 */
static void free_area_kernelcore_mirror_unmirrored(void **state)
{
	struct fa_case c;
	struct rig r = varied(&c, "free_area-x86_64-pc-4G-kernelcore1G.txt", "kernelcore=mirror");

	assert_string_equal(r.t->lines[0],
			    "This configuration results in unmirrored kernel memory.");
	assert_string_equal(r.t->lines[1], "Zone ranges:");
	assert_has_line(r.t, "  Node 0: 0x0000000100000000");
	assert_int_equal(kmm_test_zone(r.m, 0, "Movable")->present_pages, 0x40000);
	rig_free(&r);
	(void)state;
}

/* movable_node: node 1's hotpluggable memory is all ZONE_MOVABLE. */
static void free_area_movable_node(void **state)
{
	struct fa_case c;
	struct rig r;

	load_case(&c, "free_area-x86_64-numa2-2G.txt");
	r = rig_new(&c, "movable_node", 0);
	assert_int_equal(memblock_mark_hotplug(&r.m->memblock, 0x40000000, 0x3ffe0000), 0);
	assert_int_equal(run(&r, &c), 0);
	assert_has_line(r.t, "  Node 1: 0x0000000040000000");
	assert_int_equal(kmm_test_zone(r.m, 1, "DMA32")->spanned_pages, 0);
	assert_int_equal(kmm_test_zone(r.m, 1, "Movable")->present_pages, 0x7ffe0 - 0x40000);
	assert_int_equal(r.m->zone_movable_pfn[0], 0);
	rig_free(&r);
	(void)state;
}

/*
 * A possible node that NUMA init left offline (no memory): Linux allocates
 * its pglist_data from memblock, sizes it as memoryless and keeps it offline.
 */
static void free_area_memoryless_possible_node(void **state)
{
	struct fa_case c;
	struct rig r;
	int at;

	load_case(&c, "free_area-x86_64-numa2-2G.txt");
	r = rig_new(&c, NULL, 2ULL << 30);
	r.m->node_possible_map = 0x7;
	assert_int_equal(run(&r, &c), 0);
	at = kmm_test_find_line(r.t, 0, "Initializing node 2 as memoryless");
	assert_true(at >
		    kmm_test_find_line(
			    r.t, 0,
			    "Initmem setup node 1 [mem 0x0000000040000000-0x000000007ffdffff]"));
	kmm_test_strip_caller(r.t->lines[at + 1]);
	assert_string_equal(
		r.t->lines[at + 1],
		"memblock_alloc_try_nid: 174208 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000");
	assert_int_equal(kmm_test_find_line(r.t, 0, "Initmem setup node 2 as memoryless"), at + 3);
	assert_false(r.m->node[2].online);
	assert_false(r.m->node[2].has_memory);
	assert_int_not_equal(r.m->node[2].phys, 0);
	assert_int_equal(r.m->node[2].node_spanned_pages, 0);
	assert_true(kmm_free_area_validate(r.m));
	rig_free(&r);
	(void)state;
}

/* ------------------------------------------------------------ bad input */

static void free_area_null_limits(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-x86_64-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	assert_int_equal(kmm_free_area_init(r.m, NULL, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, "free_area_init: no zone limits");
	assert_int_equal(r.t->nr_lines, 0);
	rig_free(&r);
	(void)state;
}

/* Expect a second call refused, the first result intact. */
static void free_area_twice(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-x86_64-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	assert_int_equal(run(&r, &c), 0);
	kmm_test_env_clear_log(r.t);
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_EEXIST);
	assert_string_equal(err, "free_area_init: already done on this machine");
	assert_int_equal(r.t->nr_lines, 0);
	assert_int_equal(total_pages(r.m), c.total);
	rig_free(&r);
	(void)state;
}

static void free_area_no_node_online(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-x86_64-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	r.m->node[0].online = false;
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, "free_area_init: no node is online (NUMA init has not run)");
	assert_int_equal(r.m->zone_layout.nr, 0);
	rig_free(&r);
	(void)state;
}

/* Memory of node 1 while only node 0 is online (and no possible map says otherwise). */
static void free_area_memory_on_offline_node(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-x86_64-numa2-2G.txt");
	r = rig_new(&c, NULL, 0);
	r.m->node[1].online = false;
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(
		err,
		"free_area_init: memory [0x0000000040000000-0x000000007ffdffff] is on node 1, which is not online");
	assert_int_equal(r.t->nr_lines, 0);
	rig_free(&r);
	(void)state;
}

static void free_area_unknown_page_size(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-x86_64-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	r.m->kernel.struct_size[KMM_STRUCT_PAGE] = 0;
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, "free_area_init: the size of struct page is unknown");
	rig_free(&r);
	(void)state;
}

/* FLATMEM allocates the memmap: without a direct map kmm cannot, and says so first. */
static void free_area_flatmem_without_phys_map(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-i386-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	r.m->env.phys_to_virt = NULL;
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(
		err,
		"free_area_init: memblock allocations need the environment's phys_to_virt and virt_to_phys");
	assert_int_equal(r.t->nr_lines, 0);
	rig_free(&r);
	(void)state;
}

/* No room below the limit for the 20 MiB memmap: Linux panics, kmm fails. */
static void free_area_flatmem_memmap_enomem(void **state)
{
	struct fa_case c;
	struct rig r;
	char err[256];

	load_case(&c, "free_area-i386-pc-2G.txt");
	c.current_limit = 0x1000000;
	r = rig_new(&c, NULL, 1ULL << 30);
	assert_int_equal(kmm_free_area_init(r.m, c.max_zone_pfn, err, sizeof(err)), -KMM_ENOMEM);
	assert_string_equal(err, "Failed to allocate 20971520 bytes for node 0 memory map");
	rig_free(&r);
	(void)state;
}

/* kmm_free_area_validate() notices broken counts. */
static void free_area_validate_catches(void **state)
{
	struct fa_case c;
	struct rig r;
	struct kmm_zone *z;

	load_case(&c, "free_area-x86_64-pc-2G.txt");
	r = rig_new(&c, NULL, 0);
	assert_int_equal(run(&r, &c), 0);
	z = &r.m->node[0].zones[1];
	z->managed_pages = z->present_pages + 1;
	assert_false(kmm_free_area_validate(r.m));
	z->managed_pages = 0;
	assert_true(kmm_free_area_validate(r.m));
	r.m->node[0].node_present_pages++;
	assert_false(kmm_free_area_validate(r.m));
	r.m->node[0].node_present_pages--;
	z->zone_start_pfn = 0x800; /* overlaps DMA */
	assert_false(kmm_free_area_validate(r.m));
	rig_free(&r);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_area_x86_64_pc_2G),
		cmocka_unit_test(free_area_x86_64_pc_8G),
		cmocka_unit_test(free_area_x86_64_numa2_2G),
		cmocka_unit_test(free_area_x86_64_numa4_4G),
		cmocka_unit_test(free_area_x86_64_kernelcore1G),
		cmocka_unit_test(free_area_x86_64_movablecore512M),
		cmocka_unit_test(free_area_x86_64_uefi_holes),
		cmocka_unit_test(free_area_i386_pc_2G),
		cmocka_unit_test(free_area_i386_highmem512M),
		cmocka_unit_test(free_area_arm64_virt_1G),
		cmocka_unit_test(free_area_arm64_numa_2nodes_hole),
		cmocka_unit_test(free_area_kernelcore_larger_than_memory),
		cmocka_unit_test(free_area_movablecore_larger_than_memory),
		cmocka_unit_test(free_area_kernelcore_percent_edges),
		cmocka_unit_test(free_area_movablecore_percent),
		cmocka_unit_test(free_area_kernelcore_tiny),
		cmocka_unit_test(free_area_kernelcore_mirror_unmirrored),
		cmocka_unit_test(free_area_movable_node),
		cmocka_unit_test(free_area_memoryless_possible_node),
		cmocka_unit_test(free_area_null_limits),
		cmocka_unit_test(free_area_twice),
		cmocka_unit_test(free_area_no_node_online),
		cmocka_unit_test(free_area_memory_on_offline_node),
		cmocka_unit_test(free_area_unknown_page_size),
		cmocka_unit_test(free_area_flatmem_without_phys_map),
		cmocka_unit_test(free_area_flatmem_memmap_enomem),
		cmocka_unit_test(free_area_validate_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
