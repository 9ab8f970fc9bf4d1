// SPDX-License-Identifier: MIT
/*
 * test_scale.c - kmm at scale: a synthetic 8-node QEMU pc x86_64 machine
 * (kmm/bigmachine.h, src/port/hosted/bigmachine.c) boots through setup_arch() and
 * start_kernel()'s memory path, and its nodes, zones, totals and zonelists
 * are what the firmware tables it was given imply.
 *
 * The big boot is 1 TiB in release builds (NDEBUG) and 256 GiB otherwise:
 * a 1 TiB boot took 30 s at -O0 with every validation walker and 15-18 s at
 * -O2 on a 2-CPU host (bench/boot_scale); 256 GiB (10 s at -O0) already has
 * many sections per node, the PCI hole inside node 0 and nodes far above
 * 4 GiB.  Under ASan it is 64 GiB.
 *
 * The generator itself is checked against a real boot log: asked for the
 * machine of the oracle case numa4-4G it must print exactly the input lines
 * Linux printed there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/bigmachine.h>
#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/start_kernel.h>
#include <kmm/zonelist.h>

#if defined(__SANITIZE_ADDRESS__)
#define SCALE_RAM (64ULL << 30)
#elif defined(NDEBUG)
#define SCALE_RAM (1ULL << 40)
#else
#define SCALE_RAM (256ULL << 30)
#endif
#define SCALE_NODES 8u
#define SCALE_CPUS 16u
#define PAGE_SHIFT 12
#define SZ_4G (1ULL << 32)

/* ------------------------------------------------------------ the generator */

/*
 * Expect the machine of ../shared/oracle/cases/x86_64/numa4-4G (4 GiB, four
 * 1 GiB nodes, 4 CPUs, SLIT) to come out as exactly the input lines of that
 * boot: the e820 map, MP table, RAMDISK, ACPI tables, SRAT and CPU count.
 */
static void bigmachine_numa4_is_the_oracle_boot(void **state)
{
	struct kmm_bigmachine spec = {
		.ram = 4ULL << 30,
		.nr_nodes = 4,
		.nr_cpus = 4,
		.initrd_size = 0xfb800,
		.cmdline =
			"console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug panic=-1",
	};
	char *want = kmm_test_read_fixture("oracle", "x86_64-numa4-4G.inputs");
	char *got = NULL, err[128];

	(void)state;
	assert_int_equal(kmm_bigmachine_dmesg(&spec, &got, err, sizeof(err)), 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/*
 *   RAM offsets   0        3G  |   3.5G         7G
 *   node 0        [---------|--]                        <- straddles the hole
 *   physical      [0, 3G)      [4G, 4.5G)
 * Expect one node whose slice crosses the PCI hole to get two SRAT entries
 * beside the 640K cut, and the HyperTransport window to stay in the map.
 */
static void bigmachine_node_straddling_the_pci_hole(void **state)
{
	struct kmm_bigmachine spec = { .ram = 7ULL << 30, .nr_nodes = 2 };
	struct kmm_bigmachine_layout l;
	char err[128];

	(void)state;
	assert_int_equal(kmm_bigmachine_layout(&spec, &l, err, sizeof(err)), 0);
	assert_int_equal(l.low_ram, 3ULL << 30);
	assert_int_equal(l.high_ram, 4ULL << 30);
	assert_int_equal(l.nr_srat, 4);
	assert_int_equal(l.srat[0].start, 0);
	assert_int_equal(l.srat[0].end, 0xa0000);
	assert_int_equal(l.srat[1].start, 0x100000);
	assert_int_equal(l.srat[1].end, 3ULL << 30);
	assert_int_equal(l.srat[2].node, 0);
	assert_int_equal(l.srat[2].start, SZ_4G);
	assert_int_equal(l.srat[2].end, SZ_4G + (512ULL << 20));
	assert_int_equal(l.srat[3].node, 1);
	assert_int_equal(l.srat[3].start, SZ_4G + (512ULL << 20));
	assert_int_equal(l.srat[3].end, SZ_4G + (4ULL << 30));
	assert_true(l.ht_window);
	assert_int_equal(l.phys_end, 1ULL << 40);
	assert_int_equal(l.cpu_node[1], 1);
}

/* Expect RAM reaching the HyperTransport window to drop it from the map. */
static void bigmachine_1T_has_no_ht_window(void **state)
{
	struct kmm_bigmachine spec = { .ram = 1ULL << 40, .nr_nodes = 8, .nr_cpus = 16 };
	struct kmm_bigmachine_layout l;
	char *text = NULL, err[128];

	(void)state;
	assert_int_equal(kmm_bigmachine_layout(&spec, &l, err, sizeof(err)), 0);
	assert_false(l.ht_window);
	assert_int_equal(l.phys_end, (1ULL << 40) + (1ULL << 30));
	assert_int_equal(l.node_end[7], (1ULL << 40) + (1ULL << 30));
	assert_int_equal(l.cpu_node[15], 7);
	assert_int_equal(kmm_bigmachine_dmesg(&spec, &text, err, sizeof(err)), 0);
	assert_non_null(
		strstr(text, "BIOS-e820: [mem 0x0000000100000000-0x000001003fffffff] usable\n"));
	assert_null(strstr(text, "0x000000fd00000000"));
	assert_non_null(
		strstr(text, "ACPI: SRAT: Node 7 PXM 7 [mem 0xe040000000-0x1003fffffff]\n"));
	assert_non_null(strstr(text, "smpboot: Allowing 16 CPUs, 0 hotplug CPUs\n"));
	free(text);
}

/* Expect 10 on the diagonal and 20 elsewhere, one row per node. */
static void bigmachine_slit_rows(void **state)
{
	struct kmm_bigmachine spec = { .ram = 3ULL << 30, .nr_nodes = 3 };
	char *text = NULL, err[128];

	(void)state;
	assert_int_equal(kmm_bigmachine_slit(&spec, &text, err, sizeof(err)), 0);
	assert_string_equal(text, "10 20 20\n20 10 20\n20 20 10\n");
	free(text);
}

static void expect_rejected(const struct kmm_bigmachine *spec, const char *msg)
{
	struct kmm_bigmachine_layout l;
	char *text = (char *)"unchanged", err[160];

	assert_int_equal(kmm_bigmachine_layout(spec, &l, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, msg);
	assert_int_equal(kmm_bigmachine_dmesg(spec, &text, err, sizeof(err)), -KMM_EINVAL);
	assert_null(text);
}

/* Expect each out-of-range field to be refused with its own message. */
static void bigmachine_rejects_bad_specs(void **state)
{
	(void)state;
	expect_rejected(&(struct kmm_bigmachine){ .ram = 65ULL << 30, .nr_nodes = 65 },
			"nr_nodes 65 above 64");
	expect_rejected(&(struct kmm_bigmachine){ .ram = 8ULL << 30, .nr_nodes = 8, .nr_cpus = 4 },
			"nr_cpus 4 not in [nr_nodes 8, 64]");
	expect_rejected(&(struct kmm_bigmachine){ .ram = 8ULL << 30, .nr_nodes = 1, .nr_cpus = 65 },
			"nr_cpus 65 not in [nr_nodes 1, 64]");
	expect_rejected(&(struct kmm_bigmachine){ .ram = (1ULL << 30) + 4096 },
			"ram 0x40001000 is not 1 nodes of whole MiB, >= 64 MiB each, <= 60 TiB");
	expect_rejected(&(struct kmm_bigmachine){ .ram = 256ULL << 20, .nr_nodes = 8 },
			"ram 0x10000000 is not 8 nodes of whole MiB, >= 64 MiB each, <= 60 TiB");
	expect_rejected(
		&(struct kmm_bigmachine){ .ram = 61ULL << 40 },
		"ram 0x3d0000000000 is not 1 nodes of whole MiB, >= 64 MiB each, <= 60 TiB");
	expect_rejected(&(struct kmm_bigmachine){ .ram = 1ULL << 30, .initrd_size = 1ULL << 30 },
			"initrd_size 0x40000000 does not fit below 0x3ffe0000");
}

/* ------------------------------------------------------------ the big boot */

struct scale {
	struct kmm_bigmachine spec;
	struct kmm_bigmachine_layout layout;
	struct kmm_test_env *t;
	struct kmm_machine *m;
};

static int scale_setup(void **state)
{
	struct scale *s = calloc(1, sizeof(*s));
	char *dmesg = NULL, *map, *cfg, err[512] = "";
	struct kmm_machine *m;

	assert_non_null(s);
	s->spec = (struct kmm_bigmachine){ .ram = SCALE_RAM,
					   .nr_nodes = SCALE_NODES,
					   .nr_cpus = SCALE_CPUS,
					   .initrd_size = 0xfb800 };
	assert_int_equal(kmm_bigmachine_layout(&s->spec, &s->layout, err, sizeof(err)), 0);
	assert_int_equal(kmm_bigmachine_dmesg(&s->spec, &dmesg, err, sizeof(err)), 0);
	map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	cfg = kmm_test_read_fixture("oracle", "x86_64.config");
	s->t = kmm_test_env_new(s->layout.phys_end);
	s->m = m = calloc(1, sizeof(*m));
	assert_non_null(m);
	kmm_machine_init(m, KMM_ARCH_X86_64, &s->t->env);
	if (kmm_test_boot_x86(m, dmesg, NULL, map, cfg, err, sizeof(err)))
		fail_msg("%llu GiB boot failed: %s", SCALE_RAM >> 30, err);
	free(dmesg);
	free(map);
	free(cfg);
	*state = s;
	return 0;
}

static int scale_teardown(void **state)
{
	struct scale *s = *state;

	free(s->m);
	kmm_test_env_free(s->t);
	free(s);
	return 0;
}

/*
 * Pages of e820 RAM in [start, end) once Linux has trimmed it: usable ranges
 * shrunk to whole pages, page 0 reserved (e820 update in setup_arch).  The
 * usable ranges are the generator's: [0, 0x9fc00), [1M, acpi_base), and
 * [4G, 4G + high_ram).
 */
static unsigned long ram_pages(const struct kmm_bigmachine_layout *l, u64 start, u64 end)
{
	const u64 usable[3][2] = { { 0x1000, 0x9f000 },
				   { 0x100000, l->acpi_base },
				   { SZ_4G, SZ_4G + l->high_ram } };
	unsigned long pages = 0;

	for (int i = 0; i < 3; i++) {
		u64 a = usable[i][0] > start ? usable[i][0] : start;
		u64 b = usable[i][1] < end ? usable[i][1] : end;

		if (a < b)
			pages += (unsigned long)((b - a) >> PAGE_SHIFT);
	}
	return pages;
}

/* Expect nodes 0-7 online with memory, and no others. */
static void scale_nodes_online(void **state)
{
	struct scale *s = *state;

	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		assert_int_equal(s->m->node[n].online, n < (int)SCALE_NODES);
		assert_int_equal(s->m->node[n].has_memory, n < (int)SCALE_NODES);
	}
	assert_int_equal(s->m->zonelists.nr_online_nodes, SCALE_NODES);
}

/*
 *   node 0: [0x1000 ... 0x9efff] [1M ... acpi_base) [4G ... node_end[0])
 *   node n: [node_start[n] ............................ node_end[n])
 * Expect every node to span its SRAT range (node 0 from page 1, Linux's
 * reserved first page) and to have exactly its RAM present.
 */
static void scale_node_spans_are_the_srat(void **state)
{
	struct scale *s = *state;
	const struct kmm_bigmachine_layout *l = &s->layout;

	for (unsigned int n = 0; n < SCALE_NODES; n++) {
		const struct kmm_pgdat *pg = &s->m->node[n];
		unsigned long start = n ? (unsigned long)(l->node_start[n] >> PAGE_SHIFT) : 1;
		unsigned long end = (unsigned long)(l->node_end[n] >> PAGE_SHIFT);

		assert_int_equal(pg->node_start_pfn, start);
		assert_int_equal(pg->node_spanned_pages, end - start);
		assert_int_equal(pg->node_present_pages,
				 ram_pages(l, l->node_start[n], l->node_end[n]));
		if (n)
			assert_int_equal(pg->node_present_pages, pg->node_spanned_pages);
	}
}

/* the "Memory: AK/TK available (... RK reserved ...)" figures */
static void memory_line(const struct kmm_test_env *t, unsigned long *avail, unsigned long *total,
			unsigned long *reserved)
{
	for (unsigned int i = 0; i < t->nr_lines; i++) {
		const char *r;

		if (strncmp(t->lines[i], "Memory: ", 8))
			continue;
		assert_int_equal(sscanf(t->lines[i], "Memory: %luK/%luK available", avail, total),
				 2);
		r = strstr(t->lines[i], "K reserved");
		assert_non_null(r);
		while (r > t->lines[i] && r[-1] >= '0' && r[-1] <= '9')
			r--;
		*reserved = strtoul(r, NULL, 10);
		return;
	}
	fail_msg("no Memory: line\n%s", kmm_test_log_text(t));
}

/*
 * Expect the "Memory:" total to be all of the RAM less what the firmware
 * kept: page 0, the EBDA page, the 384 KiB legacy hole and the 128 KiB of
 * ACPI tables below the PCI hole.
 */
static void scale_memory_line_total(void **state)
{
	struct scale *s = *state;
	unsigned long avail, total, reserved;
	u64 firmware = 0x1000 + 0x1000 + 0x60000 + 0x20000;

	memory_line(s->t, &avail, &total, &reserved);
	assert_int_equal((u64)total << 10, SCALE_RAM - firmware);
	assert_int_equal(total, ram_pages(&s->layout, 0, s->layout.phys_end) << 2);
}

/* the sum of the late "Freeing <what> memory: NK" lines, in KiB */
static unsigned long freed_late_kb(const struct kmm_test_env *t)
{
	unsigned long sum = 0, kb;

	for (unsigned int i = 0; i < t->nr_lines; i++) {
		const char *p = strstr(t->lines[i], " memory: ");

		if (!strncmp(t->lines[i], "Freeing ", 8) && p &&
		    sscanf(p, " memory: %luK", &kb) == 1)
			sum += kb;
	}
	return sum;
}

/*
 * Expect MemTotal (totalram_pages) to be the "Memory:" total less its
 * reserved pages plus what the late "Freeing ... memory" lines gave back
 * (the formula holds on the oracle's numa4-4G boot: 4193784K - 188568K +
 * 9052K = MemTotal 4014268 kB), and the reserved pages to be the memmap
 * (present pages * sizeof(struct page)) plus less than 256 MiB of
 * everything else (kernel image, initrd, NODE_DATA, page tables, percpu,
 * swiotlb, early hash tables).
 */
static void scale_memtotal_is_total_minus_reserved(void **state)
{
	struct scale *s = *state;
	unsigned long avail, total, reserved, freed = freed_late_kb(s->t);
	u64 present = 0, memmap_kb;

	memory_line(s->t, &avail, &total, &reserved);
	for (unsigned int n = 0; n < SCALE_NODES; n++)
		present += s->m->node[n].node_present_pages;
	assert_int_equal(present << 2, total);
	assert_true(freed > 0);
	assert_int_equal((u64)s->m->totalram_pages << 2, (u64)total - reserved + freed);
	memmap_kb = present * s->m->kernel.struct_size[KMM_STRUCT_PAGE] >> 10;
	assert_true(reserved >= memmap_kb);
	assert_true(reserved - memmap_kb < 256 * 1024);
	assert_true(avail <= total - reserved);
}

/*
 * Expect every node's fallback zonelist to visit all 8 nodes, itself first,
 * and its own-node list to hold only its zones.
 */
static void scale_zonelists_have_every_node(void **state)
{
	struct scale *s = *state;

	for (int n = 0; n < (int)SCALE_NODES; n++) {
		const struct kmm_zonelist *fb = kmm_node_zonelist(s->m, n, KMM_ZONELIST_FALLBACK);
		const struct kmm_zonelist *own =
			kmm_node_zonelist(s->m, n, KMM_ZONELIST_NOFALLBACK);
		u64 seen = 0;

		assert_non_null(fb);
		assert_non_null(own);
		assert_int_equal(s->m->zonelists.nr_order[n], SCALE_NODES);
		assert_int_equal(s->m->zonelists.node_order[n][0], n);
		for (unsigned int i = 0; i < fb->nr; i++)
			seen |= 1ULL << fb->ref[i].nid;
		assert_int_equal(seen, (1ULL << SCALE_NODES) - 1);
		assert_int_equal(fb->ref[0].nid, n);
		assert_true(own->nr > 0);
		for (unsigned int i = 0; i < own->nr; i++)
			assert_int_equal(own->ref[i].nid, n);
	}
}

/* Expect every validation walker to pass and no KMM_CHECK to have fired. */
static void scale_validates(void **state)
{
	struct scale *s = *state;

	assert_true(kmm_boot_validate(s->m));
	assert_int_equal(s->t->nr_bugs, 0);
}

int main(void)
{
	const struct CMUnitTest generator[] = {
		cmocka_unit_test(bigmachine_numa4_is_the_oracle_boot),
		cmocka_unit_test(bigmachine_node_straddling_the_pci_hole),
		cmocka_unit_test(bigmachine_1T_has_no_ht_window),
		cmocka_unit_test(bigmachine_slit_rows),
		cmocka_unit_test(bigmachine_rejects_bad_specs),
	};
	const struct CMUnitTest boot[] = {
		cmocka_unit_test(scale_nodes_online),
		cmocka_unit_test(scale_node_spans_are_the_srat),
		cmocka_unit_test(scale_memory_line_total),
		cmocka_unit_test(scale_memtotal_is_total_minus_reserved),
		cmocka_unit_test(scale_zonelists_have_every_node),
		cmocka_unit_test(scale_validates),
	};
	int failed = cmocka_run_group_tests_name("bigmachine", generator, NULL, NULL);

	return failed | cmocka_run_group_tests_name("scale", boot, scale_setup, scale_teardown);
}
