// SPDX-License-Identifier: MIT
/*
 * test_percpu.c - setup_per_cpu_areas() against what real Linux 6.1 printed.
 *
 * The oracle cases (tests/fixtures/oracle/percpu-*.txt, cut from the cases'
 * dmesg.txt) give the memblock state right before setup_per_cpu_areas(): the
 * last MEMBLOCK dump plus every reserve/free after it, replayed here.  From
 * there kmm must print exactly Linux's lines, in Linux's order: every
 * memblock=debug call (callers not compared), "setup_percpu:", "percpu:
 * Embedded ...", the KERN_DEBUG "pcpu-alloc:" lines.  Hand-made machines
 * cover what the oracle has no case for (empty units, numa=fake with an
 * SRAT, failures and the fallback) and every class of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/bootlog.h>
#include <kmm/cmdline.h>
#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/machine.h>
#include <kmm/percpu.h>

#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL
#define SZ_512M 0x20000000ULL
#define SZ_1G 0x40000000ULL
#define MAX_EXPECT 512

/* simulated physical memory behind every test machine (sparse) */
#define PHYS_BYTES (8ULL << 30)

struct pcpu_test {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	struct kmm_dt *dt;
	char *expect[MAX_EXPECT];
	unsigned int nr_expect;
	char err[512];
};

static const char *const system_maps[] = {
	[KMM_ARCH_X86_64] = "x86_64.System.map",
	[KMM_ARCH_I386] = "i386.System.map",
	[KMM_ARCH_ARM64] = "arm64.System.map",
};

/* a machine of @arch with the oracle kernel's System.map and an empty memblock */
static struct pcpu_test *pcpu_test_new(enum kmm_arch arch)
{
	struct pcpu_test *pt = calloc(1, sizeof(*pt));
	struct kmm_machine *m;
	char *map;

	assert_non_null(pt);
	pt->t = kmm_test_env_new(PHYS_BYTES);
	pt->m = m = calloc(1, sizeof(*m));
	assert_non_null(m);
	kmm_machine_init(m, arch, &pt->t->env);
	map = kmm_test_read_fixture("oracle", system_maps[arch]);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, pt->err, sizeof(pt->err)), 0);
	free(map);
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions,
		      sizeof(m->reserved_init_regions) / sizeof(m->reserved_init_regions[0]),
		      m->kernel.numa, 1 << m->kernel.nodes_shift);
	return pt;
}

static void pcpu_test_free(struct pcpu_test *pt)
{
	for (unsigned int i = 0; i < pt->nr_expect; i++)
		free(pt->expect[i]);
	kmm_test_env_free(pt->t);
	free(pt->m);
	free(pt->dt);
	free(pt);
}

static void add_memory(struct pcpu_test *pt, u64 base, u64 size, int nid)
{
	assert_int_equal(memblock_add_node(&pt->m->memblock, base, size, nid, MEMBLOCK_NONE), 0);
	if (nid >= 0 && nid < KMM_MAX_NUMNODES)
		pt->m->node[nid].online = true;
}

static void set_cmdline(struct pcpu_test *pt, const char *cmdline)
{
	assert_int_equal(kmm_cmdline_parse(&pt->m->cmdline, cmdline, pt->err, sizeof(pt->err)), 0);
}

static void read_dt(struct pcpu_test *pt, const char *name)
{
	char path[512];
	FILE *fp;
	void *blob;
	long n;

	snprintf(path, sizeof(path), "%s/dt/%s.dtb", KMM_FIXTURES, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	blob = aligned_alloc(8, ((size_t)n + 7) & ~7UL);
	assert_non_null(blob);
	assert_int_equal(fread(blob, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	pt->dt = calloc(1, sizeof(*pt->dt));
	assert_non_null(pt->dt);
	assert_int_equal(kmm_fdt_read(pt->dt, blob, (size_t)n, pt->err, sizeof(pt->err)), 0);
	free(blob);
	pt->m->dt = pt->dt;
}

/* "[0xA-0xB]" of a memblock=debug line as [A, B] */
static bool debug_range(const char *line, const char *prefix, u64 *base, u64 *size)
{
	unsigned long long a, b;

	if (strncmp(line, prefix, strlen(prefix)) ||
	    sscanf(line + strlen(prefix), " [%llx-%llx]", &a, &b) != 2)
		return false;
	*base = a;
	*size = b + 1 - a;
	return true;
}

/* one " memory[..]" or " reserved[..]" line of a MEMBLOCK dump */
static void replay_dump_line(struct pcpu_test *pt, const char *line)
{
	struct memblock *mb = &pt->m->memblock;
	unsigned long long a, b, flags = 0;
	const char *p = strchr(line, ']');
	int nid = mb->max_numnodes;

	assert_non_null(p);
	assert_int_equal(sscanf(p + 1, " [%llx-%llx]", &a, &b), 2);
	if (strstr(line, " on node "))
		nid = atoi(strstr(line, " on node ") + 9);
	if (strstr(line, "flags: "))
		flags = strtoull(strstr(line, "flags: ") + 7, NULL, 16);
	if (!strncmp(line, " memory[", 8)) {
		assert_int_equal(
			memblock_add_node(mb, a, b + 1 - a, nid, (enum memblock_flags)flags), 0);
		if (nid < KMM_MAX_NUMNODES)
			pt->m->node[nid].online = true;
	} else {
		assert_int_equal(memblock_reserve(mb, a, b + 1 - a), 0);
	}
}

/*
 * Load tests/fixtures/oracle/percpu-@name.txt: the CPU input lines go to the
 * boot-log reader, the dump and the later reserves/frees into memblock, the
 * lines after "# expected:" into pt->expect (callers cut).
 */
static void load_oracle(struct pcpu_test *pt, const char *name)
{
	char file[256], inputs[8192] = "";
	char *text, *save = NULL;
	bool expected = false;
	u64 base, size;

	snprintf(file, sizeof(file), "percpu-%s.txt", name);
	text = kmm_test_read_fixture("oracle", file);
	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(ln, "# expected:")) {
			expected = true;
		} else if (ln[0] == '#') {
			continue;
		} else if (expected) {
			assert_true(pt->nr_expect < MAX_EXPECT);
			pt->expect[pt->nr_expect] = strdup(ln);
			kmm_test_strip_caller(pt->expect[pt->nr_expect++]);
		} else if (!strncmp(ln, "smpboot: ", 9) || !strncmp(ln, "SRAT: ", 6)) {
			strcat(inputs, ln);
			strcat(inputs, "\n");
		} else if (!strncmp(ln, " memory[", 8) || !strncmp(ln, " reserved[", 10)) {
			replay_dump_line(pt, ln);
		} else if (debug_range(ln, "memblock_reserve:", &base, &size)) {
			assert_int_equal(memblock_reserve(&pt->m->memblock, base, size), 0);
		} else if (debug_range(ln, "memblock_phys_free:", &base, &size)) {
			assert_int_equal(memblock_phys_free(&pt->m->memblock, base, size), 0);
		} else if (debug_range(ln, "memblock_remove:", &base, &size)) {
			assert_int_equal(memblock_remove(&pt->m->memblock, base, size), 0);
		}
	}
	free(text);
	assert_int_equal(kmm_bootlog_parse(&pt->m->boot, inputs, pt->err, sizeof(pt->err)), 0);
}

/* run setup_per_cpu_areas() with memblock=debug on a fresh log; its return value */
static int run(struct pcpu_test *pt)
{
	pt->m->memblock.debug = true;
	kmm_test_env_clear_log(pt->t);
	pt->err[0] = '\0';
	return kmm_setup_per_cpu_areas(pt->m, pt->err, sizeof(pt->err));
}

/* the log, callers cut, equals pt->expect line for line */
static void assert_log_is_expected(const struct pcpu_test *pt)
{
	const struct kmm_test_env *t = pt->t;

	for (unsigned int i = 0; i < pt->nr_expect || i < t->nr_lines; i++) {
		char got[1024] = "(none)";

		if (i < t->nr_lines) {
			snprintf(got, sizeof(got), "%s", t->lines[i]);
			kmm_test_strip_caller(got);
		}
		if (i >= pt->nr_expect || strcmp(got, pt->expect[i]))
			fail_msg("line %u: linux \"%s\"\n           kmm   \"%s\"\nkmm log:\n%s", i,
				 i < pt->nr_expect ? pt->expect[i] : "(none)", got,
				 kmm_test_log_text(t));
	}
}

/* the log holds @line (exactly, callers cut) */
static void assert_logged(const struct pcpu_test *pt, const char *line)
{
	for (unsigned int i = 0; i < pt->t->nr_lines; i++) {
		char got[1024];

		snprintf(got, sizeof(got), "%s", pt->t->lines[i]);
		kmm_test_strip_caller(got);
		if (!strcmp(got, line))
			return;
	}
	fail_msg("missing \"%s\"; log:\n%s", line, kmm_test_log_text(pt->t));
}

static void assert_error(struct pcpu_test *pt, int ret, int want, const char *msg)
{
	if (ret != want || strcmp(pt->err, msg))
		fail_msg("want %s \"%s\", got %s \"%s\"", kmm_strerror(want), msg,
			 kmm_strerror(ret), pt->err);
	assert_false(pt->m->percpu.ready);
}

/* ------------------------------------------------------------ oracle cases */

struct oracle_case {
	const char *name;
	enum kmm_arch arch;
	const char *cmdline;
	u64 current_limit;	   /* memblock's limit at that point (Linux's value) */
	const char *dtb;	   /* arm64: the tree the guest got */
	u64 memstart;		   /* arm64: PHYS_OFFSET */
	unsigned long max_low_pfn; /* i386: "low ram: 0 - 36ffe000" */
};

static struct pcpu_test *boot_oracle(const struct oracle_case *c)
{
	struct pcpu_test *pt = pcpu_test_new(c->arch);
	int ret;

	set_cmdline(pt, c->cmdline);
	if (c->dtb)
		read_dt(pt, c->dtb);
	pt->m->memstart_addr = c->memstart;
	pt->m->max_low_pfn = c->max_low_pfn;
	load_oracle(pt, c->name);
	memblock_set_current_limit(&pt->m->memblock, c->current_limit);
	ret = run(pt);
	if (ret)
		fail_msg("%s: %s (%s)\nlog:\n%s", c->name, kmm_strerror(ret), pt->err,
			 kmm_test_log_text(pt->t));
	assert_log_is_expected(pt);
	assert_true(pt->m->percpu.ready);
	assert_true(kmm_percpu_validate(pt->m));
	return pt;
}

/*
 * x86_64 pc-2G, one CPU: the unit takes a whole 2M PMD (62 pages used, the
 * tail 0x7dc3e000-0x7ddfffff returned).
 */
static void percpu_oracle_x86_64_pc_2G(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-pc-2G",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);
	const struct kmm_percpu *p = &pt->m->percpu;

	assert_int_equal(p->unit_size, SZ_2M);
	assert_int_equal(p->base, 0x7dc00000);
	assert_int_equal(p->nr_groups, 1);
	assert_int_equal(p->unit_off[0], 0);
	assert_int_equal(p->fc, KMM_PCPU_FC_EMBED);
	assert_int_equal(p->dynamic_chunk.nr_pages, 7);
	assert_int_equal(p->reserved_chunk.nr_pages, 2);
	pcpu_test_free(pt);
}

/* two CPUs on one node share one 2M alloc: two 1M units */
static void percpu_oracle_x86_64_smp2(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-pc-2G-smp2",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);

	assert_int_equal(pt->m->percpu.unit_size, SZ_1M);
	assert_int_equal(pt->m->percpu.unit_off[1], SZ_1M);
	pcpu_test_free(pt);
}

/* SRAT: CPU n on node n; one group and one 2M block per node, on that node */
static void percpu_oracle_x86_64_numa2(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-numa2-2G",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);
	const struct kmm_percpu *p = &pt->m->percpu;

	assert_int_equal(p->nr_groups, 2);
	assert_int_equal(kmm_early_cpu_to_node(pt->m, 1), 1);
	assert_int_equal(p->base, 0x3ec00000);
	assert_int_equal(p->unit_off[1], 0x7ec00000 - 0x3ec00000);
	pcpu_test_free(pt);
}

static void percpu_oracle_x86_64_numa4(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-numa4-4G",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);

	assert_int_equal(pt->m->percpu.nr_groups, 4);
	assert_int_equal(pt->m->percpu.nr_node_ids, 4);
	pcpu_test_free(pt);
}

/* numa=fake=2 with one CPU: nr_node_ids 2, the CPU on node 0 */
static void percpu_oracle_x86_64_numa_fake2(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-pc-2G-numa-fake2",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "numa=fake=2",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);

	assert_int_equal(pt->m->percpu.nr_node_ids, 2);
	pcpu_test_free(pt);
}

/*
 * percpu_alloc=page: 58 pages per CPU one by one, a PUD, PMD and PTE page
 * for the vmalloc mapping, "percpu: 58 4K pages/cpu".
 */
static void percpu_oracle_x86_64_page(void **state)
{
	static const struct oracle_case c = { .name = "x86_64-pc-2G-percpu-page",
					      .arch = KMM_ARCH_X86_64,
					      .cmdline = "percpu_alloc=page",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE };
	struct pcpu_test *pt = boot_oracle(&c);
	const struct kmm_percpu *p = &pt->m->percpu;

	assert_int_equal(p->fc, KMM_PCPU_FC_PAGE);
	assert_int_equal(p->nr_pages, 116);
	assert_int_equal(p->unit_size, 58 * 4096);
	assert_int_equal(p->base, 0xffffc90000000000ULL);
	pcpu_test_free(pt);
}

/* i386: page atoms, no reserved area; the unused tail is empty (a 0-byte free) */
static void percpu_oracle_i386_pc_2G(void **state)
{
	static const struct oracle_case c = { .name = "i386-pc-2G",
					      .arch = KMM_ARCH_I386,
					      .cmdline = "",
					      .current_limit = 0x36ffe000,
					      .max_low_pfn = 0x36ffe };
	struct pcpu_test *pt = boot_oracle(&c);

	assert_false(pt->m->percpu.has_reserved_chunk);
	assert_int_equal(pt->m->percpu.dynamic_chunk.start_offset, 104276 % 4096);
	pcpu_test_free(pt);
}

static void percpu_oracle_arm64_virt_1G(void **state)
{
	static const struct oracle_case c = { .name = "arm64-virt-1G",
					      .arch = KMM_ARCH_ARM64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE,
					      .dtb = "virt-1G",
					      .memstart = 0x40000000 };
	struct pcpu_test *pt = boot_oracle(&c);

	pcpu_test_free(pt);
}

/* arm64 numa-node-id: one group per node, each block from its node */
static void percpu_oracle_arm64_numa(void **state)
{
	static const struct oracle_case c = { .name = "arm64-dt-numa-2nodes-hole",
					      .arch = KMM_ARCH_ARM64,
					      .cmdline = "",
					      .current_limit = MEMBLOCK_ALLOC_ANYWHERE,
					      .dtb = "dt-numa-2nodes-hole",
					      .memstart = 0x40000000 };
	struct pcpu_test *pt = boot_oracle(&c);

	assert_int_equal(pt->m->percpu.nr_groups, 2);
	assert_int_equal(kmm_early_cpu_to_node(pt->m, 1), 1);
	pcpu_test_free(pt);
}

/* ------------------------------------------------------------ hand-made machines */

/* x86_64 with @ncpus CPUs and the given nodes' memory, [0, 1M) reserved */
static struct pcpu_test *x86_64_machine(unsigned int ncpus, const u64 (*mem)[3], unsigned int nr)
{
	struct pcpu_test *pt = pcpu_test_new(KMM_ARCH_X86_64);

	for (unsigned int i = 0; i < nr; i++)
		add_memory(pt, mem[i][0], mem[i][1], (int)mem[i][2]);
	assert_int_equal(memblock_reserve(&pt->m->memblock, 0, SZ_1M), 0);
	pt->m->boot.cpus = ncpus;
	return pt;
}

/*
 *   node 0: [0, 1G)   node 1: [1G, 2G)     3 CPUs, no SRAT: 0 -> 0, 1 -> 1, 2 -> 0
 *
 * Expect groups {0, 2} and {1, empty} with two 1M units per 2M alloc; the
 * empty unit is returned whole.
 */
static void percpu_round_robin_empty_unit(void **state)
{
	static const u64 mem[][3] = { { SZ_1M, SZ_1G - SZ_1M, 0 }, { SZ_1G, SZ_1G, 1 } };
	struct pcpu_test *pt = x86_64_machine(3, mem, 2);
	const struct kmm_percpu *p = &pt->m->percpu;

	assert_int_equal(run(pt), 0);
	assert_int_equal(p->cpu_node[2], 0);
	assert_int_equal(p->nr_units, 4);
	assert_int_equal(p->unit_size, SZ_1M);
	assert_int_equal(p->unit_cpu[3], KMM_PCPU_NO_CPU);
	assert_logged(pt, "pcpu-alloc: s217088 r8192 d28672 u1048576 alloc=1*2097152");
	assert_logged(pt, "pcpu-alloc: [0] 0 2 [1] 1 - ");
	assert_logged(
		pt,
		"memblock_alloc_try_nid: 2097152 bytes align=0x200000 nid=1 from=0x0000000001000000 max_addr=0x0000000000000000");
	/* group 1 lies below the alloc_info at the top of node 1: its second
	 * unit goes back whole */
	assert_int_equal(p->group[1].phys, 0x7fc00000);
	assert_logged(pt, "memblock_phys_free: [0x000000007fd00000-0x000000007fdfffff]");
	assert_true(kmm_percpu_validate(pt->m));
	pcpu_test_free(pt);
}

/*
 * numa=fake=4 over an SRAT with two nodes:
 *   emulated 0: [0, 512M) and 1: [512M, 1G) from node 0,
 *   emulated 2: [1G, 1.5G) and 3: [1.5G, 2G) from node 1.
 * Expect CPU 1 (SRAT node 1) on emulated node 2, the first carved from node 1.
 */
static void percpu_numa_fake_remaps_srat(void **state)
{
	static const u64 mem[][3] = { { SZ_1M, SZ_512M - SZ_1M, 0 },
				      { SZ_512M, SZ_512M, 1 },
				      { SZ_1G, SZ_512M, 2 },
				      { SZ_1G + SZ_512M, SZ_512M, 3 } };
	struct pcpu_test *pt = x86_64_machine(2, mem, 4);
	struct kmm_machine *m = pt->m;

	set_cmdline(pt, "numa=fake=4");
	assert_int_equal(kmm_bootlog_parse(&m->boot,
					   "SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
					   "SRAT: PXM 1 -> APIC 0x01 -> Node 1\n"
					   "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fffffff]\n"
					   "ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]\n"
					   "smpboot: Allowing 2 CPUs, 0 hotplug CPUs\n",
					   pt->err, sizeof(pt->err)),
			 0);
	for (unsigned int i = 0; i < 4; i++) {
		m->numa_blks[i].start = mem[i][0];
		m->numa_blks[i].end = mem[i][0] + mem[i][1];
		m->numa_blks[i].nid = (int)mem[i][2];
	}
	m->nr_numa_blks = 4;
	assert_int_equal(run(pt), 0);
	assert_int_equal(kmm_early_cpu_to_node(m, 0), 0);
	assert_int_equal(kmm_early_cpu_to_node(m, 1), 2);
	assert_logged(pt,
		      "setup_percpu: NR_CPUS:8192 nr_cpumask_bits:2 nr_cpu_ids:2 nr_node_ids:4");
	assert_logged(
		pt,
		"memblock_alloc_try_nid: 2097152 bytes align=0x200000 nid=2 from=0x0000000001000000 max_addr=0x0000000000000000");
	assert_int_equal(m->percpu.group[1].phys, SZ_1G + SZ_512M - SZ_2M);
	pcpu_test_free(pt);
}

/* a CPU whose node is not online: Linux allocates anywhere and says so */
static void percpu_offline_node_falls_back(void **state)
{
	static const u64 mem[][3] = { { SZ_1M, SZ_1G, 0 } };
	struct pcpu_test *pt = x86_64_machine(1, mem, 1);

	assert_int_equal(kmm_bootlog_parse(&pt->m->boot,
					   "SRAT: PXM 3 -> APIC 0x00 -> Node 3\n"
					   "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fffffff]\n"
					   "smpboot: Allowing 1 CPUs, 0 hotplug CPUs\n",
					   pt->err, sizeof(pt->err)),
			 0);
	assert_int_equal(run(pt), 0);
	assert_logged(
		pt,
		"memblock_alloc_try_nid: 2097152 bytes align=0x200000 nid=-1 from=0x0000000001000000 max_addr=0x0000000000000000");
	assert_logged(pt, "percpu: cpu 0 has no node 3 or node-local memory");
	pcpu_test_free(pt);
}

/* arm64: a numa-node-id naming no possible node puts the CPU on node 0 */
static void percpu_arm64_impossible_node(void **state)
{
	struct pcpu_test *pt = pcpu_test_new(KMM_ARCH_ARM64);

	read_dt(pt, "dt-numa-2nodes-hole");
	add_memory(pt, 0x40000000, SZ_1G, 0); /* node 1 is not possible */
	pt->m->memstart_addr = 0x40000000;
	assert_int_equal(run(pt), 0);
	assert_int_equal(kmm_early_cpu_to_node(pt->m, 1), 0);
	assert_int_equal(pt->m->percpu.nr_groups, 1);
	assert_logged(pt, "pcpu-alloc: [0] 0 [0] 1 ");
	pcpu_test_free(pt);
}

/*
 *   memory [16M, 16M + 16K): room for 4 pages, none for a 2M unit
 *
 * Expect embed to fail (the alloc_info and areas array freed again), the
 * page allocator to get two pages, give them back (last first) and fail;
 * Linux then panics: -KMM_ENOMEM, memblock.reserved as before.
 */
static void percpu_out_of_memory(void **state)
{
	static const u64 mem[][3] = { { 0x1000000, 0x4000, 0 } };
	struct pcpu_test *pt = x86_64_machine(1, mem, 1);
	phys_addr_t reserved = pt->m->memblock.reserved.total_size;

	assert_error(pt, run(pt), -KMM_ENOMEM, "cannot initialize percpu area (err=-12)");
	assert_logged(pt, "memblock_phys_free: [0x0000000001003000-0x0000000001003fff]");
	assert_logged(pt, "setup_percpu: auto allocator failed (-12), falling back to page size");
	assert_logged(pt, "percpu: failed to allocate 4K page for cpu0");
	assert_int_equal(pt->m->memblock.reserved.total_size, reserved);
	pcpu_test_free(pt);
}

/*
 * i386 with no vmalloc space left (lowmem up to VMALLOC_END): the group's
 * spread does not fit, embed fails with -EINVAL, and the page allocator kmm
 * does not simulate on i386 is next.
 */
static void percpu_i386_max_distance(void **state)
{
	struct pcpu_test *pt = pcpu_test_new(KMM_ARCH_I386);

	add_memory(pt, SZ_1M, SZ_512M, 0);
	pt->m->boot.cpus = 1;
	pt->m->max_low_pfn = (unsigned long)((pt->m->kernel.vmalloc_end - 0xc0000000) >> 12);
	assert_error(pt, run(pt), -KMM_ENOTSUP,
		     "percpu: the page-mapped first chunk is simulated on x86_64 only");
	assert_logged(pt, "percpu: max_distance=0x21000 too large for vmalloc space 0x0");
	assert_logged(pt, "setup_percpu: auto allocator failed (-22), falling back to page size");
	pcpu_test_free(pt);
}

/* ------------------------------------------------------------ bad input */

static struct pcpu_test *pc_1cpu(void)
{
	static const u64 mem[][3] = { { SZ_1M, SZ_1G, 0 } };

	return x86_64_machine(1, mem, 1);
}

static void percpu_bad_no_cpus(void **state)
{
	struct pcpu_test *pt = pc_1cpu();

	pt->m->boot.cpus = 0;
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "no possible CPU: the boot log has no \"smpboot: Allowing N CPUs\" line");
	assert_int_equal(pt->t->nr_lines, 0);
	pcpu_test_free(pt);
}

static void percpu_bad_arm64_no_cpus(void **state)
{
	struct pcpu_test *pt = pcpu_test_new(KMM_ARCH_ARM64);

	add_memory(pt, 0x40000000, SZ_1G, 0);
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "no possible CPU: the device tree has no usable /cpus node");
	read_dt(pt, "virt-1G");
	pt->dt->cpus[0].failed = true;
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "no possible CPU: the device tree has no usable /cpus node");
	pcpu_test_free(pt);
}

static void percpu_bad_too_many_cpus(void **state)
{
	struct pcpu_test *pt = pc_1cpu();

	pt->m->boot.cpus = 8193;
	assert_error(pt, run(pt), -KMM_EINVAL, "8193 possible CPUs exceed NR_CPUS=8192");
	pt->m->boot.cpus = KMM_PCPU_MAX_CPUS + 1;
	assert_error(pt, run(pt), -KMM_ENOTSUP, "513 possible CPUs: kmm simulates at most 512");
	pcpu_test_free(pt);
}

static void percpu_bad_missing_symbols(void **state)
{
	struct pcpu_test *pt = pc_1cpu();
	struct kmm_kernel_syms *s = &pt->m->kernel.sym;

	s->per_cpu_end = 0;
	assert_error(pt, run(pt), -KMM_ENOENT, "System.map: symbol __per_cpu_end not found");
	pt->m->kernel.have_system_map = false;
	assert_error(pt, run(pt), -KMM_ENOENT, "System.map: symbol __per_cpu_start not found");
	pcpu_test_free(pt);

	/* on i386 (and arm64) the section is not linked at 0: 0 means missing */
	pt = pcpu_test_new(KMM_ARCH_I386);
	pt->m->boot.cpus = 1;
	pt->m->kernel.sym.per_cpu_start = 0;
	assert_error(pt, run(pt), -KMM_ENOENT, "System.map: symbol __per_cpu_start not found");
	pcpu_test_free(pt);
}

static void percpu_bad_static_size(void **state)
{
	struct pcpu_test *pt = pc_1cpu();
	struct kmm_kernel_syms *s = &pt->m->kernel.sym;

	s->per_cpu_start = 0x36000;
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "System.map: __per_cpu_end 0x35000 is below __per_cpu_start 0x36000");
	s->per_cpu_start = 0x35000;
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "static per-CPU area is empty (__per_cpu_end == __per_cpu_start)");
	s->per_cpu_start = 0x800;
	assert_error(pt, run(pt), -KMM_EINVAL, "__per_cpu_start 0x800 is not page-aligned");
	s->per_cpu_start = 0;
	s->per_cpu_end = (1ULL << 30) + 4096;
	assert_error(
		pt, run(pt), -KMM_EINVAL,
		"static per-CPU area of 1073745920 bytes does not fit a unit (at most 1073741824)");
	assert_int_equal(pt->t->nr_lines, 0);
	pcpu_test_free(pt);
}

static void percpu_bad_no_online_node(void **state)
{
	struct pcpu_test *pt = pc_1cpu();

	pt->m->node[0].online = false;
	assert_error(pt, run(pt), -KMM_EINVAL,
		     "no online NUMA node: set up NODE_DATA before the per-CPU areas");
	pcpu_test_free(pt);
}

static void percpu_bad_twice(void **state)
{
	struct pcpu_test *pt = pc_1cpu();

	assert_int_equal(run(pt), 0);
	assert_true(pt->m->percpu.ready);
	assert_int_equal(run(pt), -KMM_EBUSY);
	assert_string_equal(pt->err, "per-CPU areas are already set up");
	assert_true(pt->m->percpu.ready);
	assert_int_equal(pt->t->nr_lines, 0);
	pcpu_test_free(pt);
}

static void percpu_page_unsupported(void **state)
{
	struct pcpu_test *pt = pcpu_test_new(KMM_ARCH_ARM64);

	read_dt(pt, "virt-1G");
	add_memory(pt, 0x40000000, SZ_1G, 0);
	set_cmdline(pt, "percpu_alloc=page");
	assert_error(pt, run(pt), -KMM_ENOTSUP,
		     "percpu: the page-mapped first chunk is simulated on x86_64 only");
	assert_int_equal(pt->t->nr_lines, 0);
	pcpu_test_free(pt);
}

static void percpu_validate_catches_bad_offset(void **state)
{
	struct pcpu_test *pt = pc_1cpu();

	assert_int_equal(run(pt), 0);
	pt->m->percpu.unit_off[0] = 4096;
	assert_false(kmm_percpu_validate(pt->m));
	assert_logged(pt, "kmm: percpu: invalid: cpu -> offset (0)");
	pcpu_test_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percpu_oracle_x86_64_pc_2G),
		cmocka_unit_test(percpu_oracle_x86_64_smp2),
		cmocka_unit_test(percpu_oracle_x86_64_numa2),
		cmocka_unit_test(percpu_oracle_x86_64_numa4),
		cmocka_unit_test(percpu_oracle_x86_64_numa_fake2),
		cmocka_unit_test(percpu_oracle_x86_64_page),
		cmocka_unit_test(percpu_oracle_i386_pc_2G),
		cmocka_unit_test(percpu_oracle_arm64_virt_1G),
		cmocka_unit_test(percpu_oracle_arm64_numa),
		cmocka_unit_test(percpu_round_robin_empty_unit),
		cmocka_unit_test(percpu_numa_fake_remaps_srat),
		cmocka_unit_test(percpu_offline_node_falls_back),
		cmocka_unit_test(percpu_arm64_impossible_node),
		cmocka_unit_test(percpu_out_of_memory),
		cmocka_unit_test(percpu_i386_max_distance),
		cmocka_unit_test(percpu_bad_no_cpus),
		cmocka_unit_test(percpu_bad_arm64_no_cpus),
		cmocka_unit_test(percpu_bad_too_many_cpus),
		cmocka_unit_test(percpu_bad_missing_symbols),
		cmocka_unit_test(percpu_bad_static_size),
		cmocka_unit_test(percpu_bad_no_online_node),
		cmocka_unit_test(percpu_bad_twice),
		cmocka_unit_test(percpu_page_unsupported),
		cmocka_unit_test(percpu_validate_catches_bad_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
