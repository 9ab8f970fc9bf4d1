// SPDX-License-Identifier: MIT
/*
 * test_watermark.c - min_free_kbytes, the zone watermarks, lowmem_reserve[]
 * and the pcp limits (src/core/watermark.c) against what real Linux 6.1
 * printed in /proc/zoneinfo and vm.min_free_kbytes, then the rules one by one
 * and every class of bad input.
 *
 * Oracle cases (tests/fixtures/oracle/wm-<arch>-<case>.txt, one "zone" line
 * per zone condensed from zoneinfo.txt).  zoneinfo shows managed_pages at the
 * end of boot, but Linux last set the watermarks in hugepage_init(), before
 * the initrd and the kernel's __init sections were freed; the fixture's
 * "late" lines are those frees (console.txt "Freeing ... memory: NK"), and
 * the machine is given managed - late, what the zones managed at that time.
 * With that, every case must reproduce min/low/high, protection, pcp
 * high/batch and min_free_kbytes exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/cmdline.h>
#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

/* What Linux set for one zone, from the fixture. */
struct want_zone {
	bool used;
	unsigned long managed, min, low, high;
	unsigned long prot[KMM_MAX_NR_ZONES];
	int pcp_high, pcp_batch; /* -1: zoneinfo prints no pageset (empty zone) */
};

struct fix {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	int want_min_free_kbytes;
	struct want_zone want[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES];
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

/* An empty machine of @arch with its build's zone layout. */
static void machine_new(struct fix *f, enum kmm_arch arch)
{
	kmm_test_machine_zones(f->m, arch, &f->t->env);
}

/* Give zone @name of node @nid these sizes and bring the node online. */
static struct kmm_zone *zone_set(struct kmm_machine *m, int nid, const char *name,
				 unsigned long spanned, unsigned long present,
				 unsigned long managed)
{
	struct kmm_zone *z = &m->node[nid].zones[kmm_test_zone_index(m, name)];

	m->node[nid].online = true;
	z->spanned_pages = spanned;
	z->present_pages = present;
	z->managed_pages = managed;
	return z;
}

static void parse_zone_line(struct fix *f, const char *p)
{
	char name[16], prot[128];
	int nid, n = 0;
	unsigned long sp, pr, mg, mn, lo, hi;
	struct want_zone *w;
	const char *q;

	assert_int_equal(sscanf(p,
				"zone %d %15s spanned %lu present %lu managed %lu min %lu low %lu "
				"high %lu protection %127s%n",
				&nid, name, &sp, &pr, &mg, &mn, &lo, &hi, prot, &n),
			 9);
	w = &f->want[nid][kmm_test_zone_index(f->m, name)];
	w->used = true;
	w->managed = mg;
	w->min = mn;
	w->low = lo;
	w->high = hi;
	q = prot;
	for (unsigned int i = 0; i < f->m->zone_layout.nr; i++) {
		w->prot[i] = strtoul(q, (char **)&q, 10);
		if (*q == ',')
			q++;
	}
	w->pcp_high = w->pcp_batch = -1;
	if (sscanf(p + n, " pcp_high %d pcp_batch %d", &w->pcp_high, &w->pcp_batch) != 2)
		w->pcp_high = w->pcp_batch = -1;
	zone_set(f->m, nid, name, sp, pr, mg);
}

/* Build the machine of fixture wm-@name.txt: zones at their managed size when
 * Linux set the watermarks, CPUs, movable_zone; remember what Linux set. */
static void load_case(struct fix *f, const char *name)
{
	char file[128], *text, *line, *save;
	struct kmm_machine *m = f->m;
	unsigned long late[KMM_MAX_NUMNODES][KMM_MAX_NR_ZONES] = { { 0 } };
	bool have_arch = false;

	snprintf(file, sizeof(file), "wm-%s.txt", name);
	text = kmm_test_read_fixture("oracle", file);
	memset(f->want, 0, sizeof(f->want));
	f->t->nr_bugs = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char word[32], zname[16];
		int a, b;
		unsigned long pages;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "arch %31s", word) == 1) {
			machine_new(f, kmm_test_arch(word));
			have_arch = true;
			continue;
		}
		assert_true(have_arch);
		if (sscanf(line, "min_free_kbytes %d", &a) == 1)
			f->want_min_free_kbytes = a;
		else if (sscanf(line, "online_cpus %d", &a) == 1)
			m->nr_online_cpus = (unsigned int)a;
		else if (sscanf(line, "node_cpus %d %d", &a, &b) == 2)
			m->node_nr_cpus[a] = (u16)b;
		else if (sscanf(line, "movable_zone %15s", zname) == 1)
			m->movable_zone = kmm_test_zone_index(m, zname);
		else if (!strncmp(line, "zone ", 5))
			parse_zone_line(f, line);
		else if (sscanf(line, "late %d %15s %lu", &a, zname, &pages) == 3)
			late[a][kmm_test_zone_index(m, zname)] += pages;
		else if (strncmp(line, "lowmem_reserve_ratio ", 21))
			fail_msg("%s: unexpected line '%s'", file, line);
	}
	free(text);
	/* back to the pages managed then; totalram_pages is their sum */
	m->totalram_pages = 0;
	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			assert_true(late[n][i] <= m->node[n].zones[i].managed_pages);
			m->node[n].zones[i].managed_pages -= late[n][i];
			m->totalram_pages += m->node[n].zones[i].managed_pages;
		}
	}
}

/* Every figure of every zone equal to Linux's. */
static void assert_case(struct fix *f, const char *name)
{
	const struct kmm_machine *m = f->m;

	assert_int_equal(m->wmark.min_free_kbytes, f->want_min_free_kbytes);
	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			const struct kmm_zone *z = &m->node[n].zones[i];
			const struct want_zone *w = &f->want[n][i];
			const char *zn = kmm_zone_kind_name(m->zone_layout.kind[i]);

			if (!w->used)
				continue;
			if (z->watermark[KMM_WMARK_MIN] != w->min ||
			    z->watermark[KMM_WMARK_LOW] != w->low ||
			    z->watermark[KMM_WMARK_HIGH] != w->high)
				fail_msg(
					"%s node %d %s: min/low/high %lu/%lu/%lu, Linux %lu/%lu/%lu",
					name, n, zn, z->watermark[0], z->watermark[1],
					z->watermark[2], w->min, w->low, w->high);
			for (unsigned int j = 0; j < m->zone_layout.nr; j++)
				if (z->lowmem_reserve[j] != w->prot[j])
					fail_msg("%s node %d %s: protection[%u] %lu, Linux %lu",
						 name, n, zn, j, z->lowmem_reserve[j], w->prot[j]);
			if (w->pcp_high >= 0 &&
			    (z->pageset_high != w->pcp_high || z->pageset_batch != w->pcp_batch))
				fail_msg("%s node %d %s: pcp high/batch %d/%d, Linux %d/%d", name,
					 n, zn, z->pageset_high, z->pageset_batch, w->pcp_high,
					 w->pcp_batch);
			assert_int_equal(z->watermark_boost, 0);
		}
	}
}

static void run_case(struct fix *f, const char *name)
{
	load_case(f, name);
	assert_int_equal(kmm_build_all_zonelists(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_boot_watermarks(f->m, f->err, sizeof(f->err)), 0);
	assert_case(f, name);
	assert_true(kmm_wmark_validate(f->m));
	assert_int_equal(f->t->nr_bugs, 0);
}

/*
 * The oracle cases, each chosen for a rule it pins down:
 *   pc-128M, pc-512M, i386 pc-256M, arm64 virt-512M: below 512 MiB, no THP
 *     raise: min_free_kbytes is sqrt(16 * lowmem KiB);
 *   pc-2G, pc-8G, virt-1G, virt-4G, rpi4b: THP's 11 pageblocks per zone
 *     (2, 3 zones), proportional shares, scale-factor vs share/4 gaps;
 *   numa2-2G, numa4-4G, dt-numa-2nodes-hole: zones on several nodes, the
 *     initrd freed into node 1, per-node pcp split, 5 zones' worth of THP;
 *   pc-2G-smp2: pcp high = low / 2 CPUs;
 *   movablecore512M, kernelcore1G: ZONE_MOVABLE counted as lowmem (6.1),
 *     an empty Normal zone whose protection is cleared;
 *   i386 pc-1G, pc-2G, pc-4G: HighMem's clamped minimum, the empty Movable
 *     zone treated as highmem (min 32), THP capped at 5% of lowmem.
 */
#define ORACLE_CASE(fn, name)           \
	static void fn(void **state)    \
	{                               \
		run_case(*state, name); \
	}
ORACLE_CASE(wmark_oracle_x86_64_pc_128M, "x86_64-pc-128M")
ORACLE_CASE(wmark_oracle_x86_64_pc_512M, "x86_64-pc-512M")
ORACLE_CASE(wmark_oracle_x86_64_pc_2G, "x86_64-pc-2G")
ORACLE_CASE(wmark_oracle_x86_64_pc_2G_smp2, "x86_64-pc-2G-smp2")
ORACLE_CASE(wmark_oracle_x86_64_pc_8G, "x86_64-pc-8G")
ORACLE_CASE(wmark_oracle_x86_64_numa2_2G, "x86_64-numa2-2G")
ORACLE_CASE(wmark_oracle_x86_64_numa4_4G, "x86_64-numa4-4G")
ORACLE_CASE(wmark_oracle_x86_64_movablecore512M, "x86_64-pc-4G-movablecore512M")
ORACLE_CASE(wmark_oracle_x86_64_kernelcore1G, "x86_64-pc-4G-kernelcore1G")
ORACLE_CASE(wmark_oracle_i386_pc_256M, "i386-pc-256M")
ORACLE_CASE(wmark_oracle_i386_pc_1G, "i386-pc-1G")
ORACLE_CASE(wmark_oracle_i386_pc_2G, "i386-pc-2G")
ORACLE_CASE(wmark_oracle_i386_pc_4G, "i386-pc-4G")
ORACLE_CASE(wmark_oracle_arm64_virt_512M, "arm64-virt-512M")
ORACLE_CASE(wmark_oracle_arm64_virt_1G, "arm64-virt-1G")
ORACLE_CASE(wmark_oracle_arm64_virt_4G, "arm64-virt-4G")
ORACLE_CASE(wmark_oracle_arm64_rpi4b, "arm64-board-rpi4b-bcm2711")
ORACLE_CASE(wmark_oracle_arm64_numa_2nodes, "arm64-dt-numa-2nodes-hole")

/*
 * The two boot steps separately, x86_64 pc-2G (DMA 3840 + DMA32 497506
 * managed at the time).  Expect init_per_zone_wmark_min() to set
 * min_free_kbytes = int_sqrt(16 * 4 * 501346) = 5664 and lowmem_reserve,
 * and hugepage_init() to raise it to 2 zones * 11 pageblocks * 2 MiB =
 * 45056 KiB, moving the watermarks but not the protection.
 */
static void wmark_boot_steps_separately(void **state)
{
	struct fix *f = *state;
	struct kmm_zone *dma32;
	unsigned long prot;

	load_case(f, "x86_64-pc-2G");
	dma32 = &f->m->node[0].zones[1];
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 5664);
	assert_int_equal(dma32->watermark[KMM_WMARK_MIN], 5664 / 4 * 497506UL / 501346);
	prot = f->m->node[0].zones[0].lowmem_reserve[1];
	assert_int_equal(prot, 497506 / 256);
	assert_false(f->m->wmark.khugepaged_started);

	assert_int_equal(kmm_hugepage_init_min_free_kbytes(f->m, f->err, sizeof(f->err)), 0);
	assert_true(f->m->wmark.khugepaged_started);
	assert_int_equal(f->m->wmark.min_free_kbytes, 45056);
	assert_int_equal(dma32->watermark[KMM_WMARK_MIN], 11177);
	assert_int_equal(f->m->node[0].zones[0].lowmem_reserve[1], prot);
	assert_int_equal(f->t->nr_lines, 0); /* no user value: nothing printed */
}

/*
 * transparent_hugepage=never keeps min_free_kbytes at its square-root value:
 * pc-2G gets 5664 KiB, min of DMA32 = 1416 * 497506 / 501346 = 1405.
 */
static void wmark_thp_never_keeps_sqrt_value(void **state)
{
	struct fix *f = *state;

	load_case(f, "x86_64-pc-2G");
	assert_int_equal(kmm_cmdline_parse(&f->m->cmdline, "transparent_hugepage=never", f->err,
					   sizeof(f->err)),
			 0);
	assert_int_equal(kmm_boot_watermarks(f->m, f->err, sizeof(f->err)), 0);
	assert_false(f->m->wmark.thp);
	assert_int_equal(f->m->wmark.min_free_kbytes, 5664);
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_MIN], 1405);

	/* "madvise" (and "always") keep THP on */
	load_case(f, "x86_64-pc-2G");
	assert_int_equal(kmm_cmdline_parse(&f->m->cmdline, "transparent_hugepage=madvise", f->err,
					   sizeof(f->err)),
			 0);
	assert_int_equal(kmm_boot_watermarks(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 45056);
}

/*
 * A user value at least as large as the computed one wins, with Linux's
 * warning; a smaller one loses to the computed value, and hugepage_init()
 * then announces its raise because the user had set something.
 */
static void wmark_user_min_free_kbytes(void **state)
{
	struct fix *f = *state;

	load_case(f, "x86_64-pc-2G");
	kmm_wmark_set_defaults(f->m);
	f->m->wmark.user_min_free_kbytes = f->m->wmark.min_free_kbytes = 100000;
	assert_int_equal(kmm_boot_watermarks(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 100000);
	assert_int_equal(kmm_test_find_line(f->t, 0,
					    "min_free_kbytes is not updated to 5664 because "
					    "user defined value 100000 is preferred"),
			 0);
	assert_int_equal(f->t->nr_lines, 1); /* 100000 > 45056: no raise */
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_MIN],
			 25000UL * 497506 / 501346);

	kmm_test_env_clear_log(f->t);
	load_case(f, "x86_64-pc-2G");
	kmm_wmark_set_defaults(f->m);
	f->m->wmark.user_min_free_kbytes = f->m->wmark.min_free_kbytes = 1000;
	assert_int_equal(kmm_boot_watermarks(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_test_find_line(f->t, 0,
					    "raising min_free_kbytes from 5664 to 45056 to "
					    "help transparent hugepage allocations"),
			 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 45056);
}

/*
 * One zone of 200 pages: int_sqrt(16 * 800) = 113, clamped up to 128 KiB.
 * One zone of 2^30 pages (4 TiB): int_sqrt(16 * 2^32) = 262144, the cap.
 *   |------ 200 pages ------|        |--------- 2^30 pages ---------|
 * Expect 128 and 262144.
 */
static void wmark_min_free_kbytes_clamps(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_set(f->m, 0, "DMA32", 200, 200, 200);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 128);
	/* pages_min 32 all in the one zone; gap = max(32/4, 200*10/10000) = 8 */
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_MIN], 32);
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_LOW], 40);
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_HIGH], 48);

	machine_new(f, KMM_ARCH_X86_64);
	zone_set(f->m, 0, "Normal", 1UL << 30, 1UL << 30, 1UL << 30);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->m->wmark.min_free_kbytes, 262144);
}

/*
 * The lowmem reserve of DMA (ratio 256) and DMA32 (256) below Normal and
 * Movable on one x86_64 node, and a ratio of 0 turning a zone's reserve off:
 *   DMA 4000 | DMA32 512000 | Normal 256000 | Movable 64000
 * Expect DMA: (0, 2000, 3000, 3250, 3250), DMA32: (0, 0, 1000, 1250, 1250),
 * Normal (ratio 32): (0, 0, 0, 2000, 2000); with DMA32's ratio 0 its row is 0.
 */
static void wmark_lowmem_reserve_rows(void **state)
{
	struct fix *f = *state;
	static const unsigned long dma[] = { 0, 2000, 3000, 3250, 3250 };
	static const unsigned long dma32[] = { 0, 0, 1000, 1250, 1250 };
	static const unsigned long normal[] = { 0, 0, 0, 2000, 2000 };

	machine_new(f, KMM_ARCH_X86_64);
	zone_set(f->m, 0, "DMA", 4095, 4000, 4000);
	zone_set(f->m, 0, "DMA32", 512000, 512000, 512000);
	zone_set(f->m, 0, "Normal", 256000, 256000, 256000);
	zone_set(f->m, 0, "Movable", 64000, 64000, 64000);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), 0);
	assert_memory_equal(f->m->node[0].zones[0].lowmem_reserve, dma, sizeof(dma));
	assert_memory_equal(f->m->node[0].zones[1].lowmem_reserve, dma32, sizeof(dma32));
	assert_memory_equal(f->m->node[0].zones[2].lowmem_reserve, normal, sizeof(normal));

	f->m->wmark.lowmem_reserve_ratio[1] = 0;
	assert_int_equal(kmm_setup_per_zone_lowmem_reserve(f->m, f->err, sizeof(f->err)), 0);
	for (int j = 0; j < 5; j++)
		assert_int_equal(f->m->node[0].zones[1].lowmem_reserve[j], 0);
	assert_true(kmm_wmark_validate(f->m));
}

/*
 * totalreserve_pages: per zone min(managed, high + largest reserve above).
 * Same machine as above: check the recount against the zones' own figures.
 */
static void wmark_totalreserve_pages(void **state)
{
	struct fix *f = *state;
	unsigned long want = 0;

	machine_new(f, KMM_ARCH_X86_64);
	zone_set(f->m, 0, "DMA", 4095, 4000, 100);
	zone_set(f->m, 0, "DMA32", 512000, 512000, 512000);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 2; i++) {
		const struct kmm_zone *z = &f->m->node[0].zones[i];
		unsigned long r = z->watermark[KMM_WMARK_HIGH] + z->lowmem_reserve[4];

		want += r < z->managed_pages ? r : z->managed_pages;
	}
	/* DMA's 100 pages are all reserve: 512000 / 256 = 2000 > 100 */
	assert_int_equal(f->m->node[0].zones[0].lowmem_reserve[1], 2000);
	assert_int_equal(f->m->wmark.totalreserve_pages, want);
	assert_int_equal(f->m->node[0].totalreserve_pages, want);
}

/*
 * pcp batch: min(managed / 1024, 256) / 4 (at least 1), times 1.5, rounded
 * down to 2^n - 1.  Expect 3840 -> 0 (the zone's batch becomes 1), 16640 ->
 * 3, 499760 -> 63, 2^30 -> 63 (1 MiB cap), 40000 -> 7.
 */
static void wmark_zone_batchsize(void **state)
{
	struct kmm_zone z;

	(void)state;
	memset(&z, 0, sizeof(z));
	z.managed_pages = 3840;
	assert_int_equal(kmm_zone_batchsize(&z), 0);
	z.managed_pages = 16640;
	assert_int_equal(kmm_zone_batchsize(&z), 3);
	z.managed_pages = 499760;
	assert_int_equal(kmm_zone_batchsize(&z), 63);
	z.managed_pages = 1UL << 30;
	assert_int_equal(kmm_zone_batchsize(&z), 63);
	z.managed_pages = 40000;
	assert_int_equal(kmm_zone_batchsize(&z), 7);
}

/*
 * pcp high: the low watermark split across the node's CPUs, all online CPUs
 * for a node without CPUs, never below 4 * batch; with
 * percpu_pagelist_high_fraction 8, managed / 8 instead of the low watermark.
 * pc-2G's DMA32 (low 13971, managed 497506, batch 63) with 3 CPUs on the node:
 * expect 4657; no CPU on the node and 2 online: 6985; fraction 8 and 1 CPU:
 * 62188; DMA (low 107, batch 1) with 64 CPUs: 4 * 1 = 4.
 */
static void wmark_pcp_high_split(void **state)
{
	struct fix *f = *state;
	struct kmm_zone *dma, *dma32;

	run_case(f, "x86_64-pc-2G");
	dma = &f->m->node[0].zones[0];
	dma32 = &f->m->node[0].zones[1];
	f->m->node_nr_cpus[0] = 3;
	assert_int_equal(kmm_zone_highsize(f->m, dma32, 63, 0), 4657);
	f->m->node_nr_cpus[0] = 0;
	f->m->nr_online_cpus = 2;
	assert_int_equal(kmm_zone_highsize(f->m, dma32, 63, 0), 6985);
	f->m->node_nr_cpus[0] = 64;
	assert_int_equal(kmm_zone_highsize(f->m, dma, 1, 0), 4);

	f->m->node_nr_cpus[0] = 1;
	f->m->wmark.percpu_pagelist_high_fraction = 8;
	assert_int_equal(kmm_setup_per_zone_wmarks(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(dma32->pageset_high, 497506 / 8);
	assert_int_equal(dma32->pageset_batch, 63);
}

/*
 * setup_per_cpu_pageset() runs before any watermark is set: every populated
 * zone gets batch = zone_batchsize() and high = 4 * batch (the low watermark
 * is still 0); an empty zone keeps the boot pageset (0, 0 here).  pc-2G's
 * DMA32 (managed 497506): batch 63, high 252; DMA (managed 3840): 0, 4.
 */
static void wmark_setup_per_cpu_pageset(void **state)
{
	struct fix *f = *state;
	struct kmm_zone *dma, *dma32, *normal;

	run_case(f, "x86_64-pc-2G");
	dma = &f->m->node[0].zones[0];
	dma32 = &f->m->node[0].zones[1];
	normal = &f->m->node[0].zones[2];
	for (unsigned int i = 0; i < f->m->zone_layout.nr; i++) {
		struct kmm_zone *z = &f->m->node[0].zones[i];

		z->watermark[KMM_WMARK_LOW] = 0;
		z->pageset_high = z->pageset_batch = 0;
	}
	kmm_setup_per_cpu_pageset(f->m);
	assert_int_equal(dma32->pageset_batch, 63);
	assert_int_equal(dma32->pageset_high, 252);
	assert_int_equal(dma->pageset_batch, 1);
	assert_int_equal(dma->pageset_high, 4);
	assert_int_equal(normal->present_pages, 0);
	assert_int_equal(normal->pageset_batch, 0);
	assert_int_equal(normal->pageset_high, 0);
}

/*
 * is_highmem(): i386 HighMem, and Movable only while ZONE_MOVABLE takes its
 * pages from HighMem; never on x86_64.
 */
static void wmark_zone_is_highmem(void **state)
{
	struct fix *f = *state;
	struct kmm_zone z;

	machine_new(f, KMM_ARCH_I386);
	f->m->movable_zone = kmm_test_zone_index(f->m, "HighMem");
	assert_true(kmm_zone_is_highmem(f->m, &f->m->node[0].zones[2]));
	assert_true(kmm_zone_is_highmem(f->m, &f->m->node[3].zones[3]));
	assert_false(kmm_zone_is_highmem(f->m, &f->m->node[0].zones[1]));
	f->m->movable_zone = kmm_test_zone_index(f->m, "Normal");
	assert_false(kmm_zone_is_highmem(f->m, &f->m->node[0].zones[3]));
	memset(&z, 0, sizeof(z));
	assert_false(kmm_zone_is_highmem(f->m, &z)); /* not a zone of the machine */

	machine_new(f, KMM_ARCH_X86_64);
	for (int i = 0; i < 5; i++)
		assert_false(kmm_zone_is_highmem(f->m, &f->m->node[0].zones[i]));
}

/* kmm_wmark_validate catches a watermark, reserve and total out of line. */
static void wmark_validate_catches_corruption(void **state)
{
	struct fix *f = *state;
	struct kmm_zone *dma32;

	run_case(f, "x86_64-pc-2G");
	dma32 = &f->m->node[0].zones[1];
	dma32->watermark[KMM_WMARK_LOW] = dma32->watermark[KMM_WMARK_MIN] - 1;
	assert_false(kmm_wmark_validate(f->m));
	assert_int_equal(f->t->nr_bugs, 1);

	run_case(f, "x86_64-pc-2G");
	f->m->node[0].zones[0].lowmem_reserve[0] = 1;
	assert_false(kmm_wmark_validate(f->m));

	run_case(f, "x86_64-pc-2G");
	f->m->wmark.totalreserve_pages++;
	assert_false(kmm_wmark_validate(f->m));

	run_case(f, "x86_64-pc-2G");
	f->m->node[0].zones[1].pageset_high = 4 * 63 - 1;
	assert_false(kmm_wmark_validate(f->m));
}

/* Bad input: each class gets its error and leaves the zones alone. */
static void wmark_bad_layout_not_set(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	f->m->zone_layout.nr = 0;
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "zone layout not set: 0 zones (free_area_init has not run)");
}

static void wmark_bad_managed_above_present(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_X86_64);
	zone_set(f->m, 0, "DMA32", 1000, 900, 901);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "node 0 zone DMA32: managed 901 > present 900");
	assert_int_equal(f->m->node[0].zones[1].watermark[KMM_WMARK_HIGH], 0);
}

/* no zone manages a page (memblock_free_all has not run): Linux would divide by 0 */
static void wmark_bad_no_lowmem(void **state)
{
	struct fix *f = *state;

	machine_new(f, KMM_ARCH_I386);
	zone_set(f->m, 0, "DMA", 4095, 3998, 0);
	zone_set(f->m, 0, "HighMem", 1000, 1000, 1000);
	assert_int_equal(kmm_init_per_zone_wmark_min(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "no managed lowmem pages: the buddy allocator is empty");
	assert_int_equal(f->m->node[0].zones[2].watermark[KMM_WMARK_MIN], 0);
}

static void wmark_bad_settings(void **state)
{
	struct fix *f = *state;
	struct kmm_zone *z;
	unsigned long high;

	run_case(f, "x86_64-pc-2G");
	z = &f->m->node[0].zones[1];
	high = z->watermark[KMM_WMARK_HIGH];

	f->m->wmark.watermark_scale_factor = 0;
	assert_int_equal(kmm_setup_per_zone_wmarks(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "watermark_scale_factor 0: not in 1..3000");
	f->m->wmark.watermark_scale_factor = 3001;
	assert_int_equal(kmm_setup_per_zone_wmarks(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "watermark_scale_factor 3001: not in 1..3000");
	f->m->wmark.watermark_scale_factor = 10;

	f->m->wmark.percpu_pagelist_high_fraction = 7;
	assert_int_equal(kmm_setup_per_zone_wmarks(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "percpu_pagelist_high_fraction 7: neither 0 nor >= 8");
	f->m->wmark.percpu_pagelist_high_fraction = -1;
	assert_int_equal(kmm_hugepage_init_min_free_kbytes(f->m, f->err, sizeof(f->err)),
			 -KMM_EINVAL);
	assert_string_equal(f->err, "percpu_pagelist_high_fraction -1: neither 0 nor >= 8");
	f->m->wmark.percpu_pagelist_high_fraction = 0;

	f->m->wmark.min_free_kbytes = -5;
	assert_int_equal(kmm_setup_per_zone_wmarks(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "min_free_kbytes -5: negative");

	f->m->wmark.lowmem_reserve_ratio[2] = -1;
	assert_int_equal(kmm_setup_per_zone_lowmem_reserve(f->m, f->err, sizeof(f->err)),
			 -KMM_EINVAL);
	assert_string_equal(f->err, "lowmem_reserve_ratio[2] -1: negative");
	assert_int_equal(z->watermark[KMM_WMARK_HIGH], high); /* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_pc_128M, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_pc_512M, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_pc_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_pc_2G_smp2, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_pc_8G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_numa2_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_numa4_4G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_movablecore512M, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_x86_64_kernelcore1G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_i386_pc_256M, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_i386_pc_1G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_i386_pc_2G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_i386_pc_4G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_arm64_virt_512M, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_arm64_virt_1G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_arm64_virt_4G, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_arm64_rpi4b, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_oracle_arm64_numa_2nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_boot_steps_separately, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_thp_never_keeps_sqrt_value, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_user_min_free_kbytes, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_min_free_kbytes_clamps, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_lowmem_reserve_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_totalreserve_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_zone_batchsize, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_pcp_high_split, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_zone_is_highmem, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_validate_catches_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_bad_layout_not_set, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_setup_per_cpu_pageset, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_bad_managed_above_present, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_bad_no_lowmem, setup, teardown),
		cmocka_unit_test_setup_teardown(wmark_bad_settings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
