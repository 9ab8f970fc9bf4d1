// SPDX-License-Identifier: MIT
/*
 * test_hash_tables.c - the boot-time hash tables (alloc_large_system_hash()
 * and its 6.1 callers) against what real Linux printed.
 *
 * Oracle cases: tests/fixtures/oracle/hash-ARCH-CASE.txt holds, copied from
 * ../shared/oracle/cases/ARCH/CASE/console.txt without timestamps, the lines
 * that carry the inputs and every line the tables print:
 *
 *   nr_all_pages     "Built N zonelists ...  Total pages: T".  At that point
 *                    build_all_zonelists() sums, over a zonelist that spans
 *                    every node, each zone's managed pages minus its (still
 *                    zero) high watermark; managed pages are then the
 *                    estimates free_area_init_core() added up into
 *                    nr_all_pages.  So nr_all_pages = T.
 *   nr_kernel_pages  the same sum without HighMem.  free_area_init_core()
 *                    does not charge the memmap to HighMem, so its estimate is
 *                    its present pages: the "HighMem [mem A-B]" span minus
 *                    "zone HighMem: U pages in unavailable ranges".  x86_64,
 *                    arm64 and i386 pc-256M have no HighMem: = T.
 *                    (i386 pc-2G: 521958 - 298978 = 222980; pc-4G: 1046246 -
 *                    (1085442 - 262176) = 222980.)
 *   nodes            N of "Built N zonelists" (one per online node), each with
 *                    memory.
 *   possible CPUs    x86: "smpboot: Allowing N CPUs"; arm64: the virt boards'
 *                    device trees (board.final.dts) have one cpu node.
 *
 * Linux's memblock_reserve lines after each early table are not compared:
 * their addresses come from the whole boot's memblock state, which these
 * tests replace by RAM [16M, 256M) (checked separately).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/hash_tables.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#define SZ_1M (1ULL << 20)
#define RAM_BASE (16 * SZ_1M)
#define RAM_END (256 * SZ_1M)

struct hfix {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	struct kmm_dt *dt;
	char err[256];
};

/*
 * A machine whose free_area_init() counted @kernel_pages / @all_pages on
 * @nodes nodes, with @cpus possible CPUs, memblock RAM [16M, 256M) with
 * memblock=debug, and command line @cmdline.
 */
static struct hfix *hfix_new(enum kmm_arch arch, unsigned long kernel_pages,
			     unsigned long all_pages, unsigned int nodes, unsigned int cpus,
			     const char *cmdline)
{
	struct hfix *f = calloc(1, sizeof(*f));
	struct kmm_machine *m;

	assert_non_null(f);
	f->t = kmm_test_env_new(RAM_END);
	f->m = m = calloc(1, sizeof(*m));
	assert_non_null(m);
	kmm_machine_init(m, arch, &f->t->env);
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions, INIT_MEMBLOCK_REGIONS, m->kernel.numa,
		      1 << m->kernel.nodes_shift);
	assert_int_equal(memblock_add(&m->memblock, RAM_BASE, RAM_END - RAM_BASE), 0);
	m->memblock.debug = true;
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, cmdline, f->err, sizeof(f->err)), 0);
	m->nr_kernel_pages = kernel_pages;
	m->nr_all_pages = all_pages;
	for (unsigned int n = 0; n < nodes; n++) {
		m->node[n].online = true;
		m->node[n].node_present_pages = all_pages / nodes;
	}
	if (arch == KMM_ARCH_ARM64) {
		f->dt = calloc(1, sizeof(*f->dt));
		assert_non_null(f->dt);
		f->dt->nr_cpus = cpus;
		for (unsigned int c = 0; c < cpus; c++)
			f->dt->cpus[c].hwid = c;
		m->dt = f->dt;
	} else {
		m->boot.cpus = cpus;
	}
	return f;
}

static void hfix_free(struct hfix *f)
{
	kmm_test_env_free(f->t);
	free(f->m);
	free(f->dt);
	free(f);
}

/* both phases; they must succeed and leave valid tables */
static void boot_tables(struct hfix *f)
{
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_hash_tables_late(f->m, f->err, sizeof(f->err)), 0);
	assert_true(kmm_hash_tables_validate(f->m));
}

static bool is_compared(const char *line)
{
	return strstr(line, "hash table entries: ") || strstr(line, "Hash tables configured") ||
	       !strncmp(line, "memblock_alloc_try_nid", 22);
}

/* the compared lines of @text (one per line), callers stripped */
static unsigned int compared_lines(char *text, char **out, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL;

	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		if (!is_compared(ln))
			continue;
		assert_true(n < max);
		kmm_test_strip_caller(ln);
		out[n++] = ln;
	}
	return n;
}

/* expect kmm's compared lines, in order, to be @want[0..n) */
static void assert_log(const struct hfix *f, char **want, unsigned int n)
{
	unsigned int got = 0;

	for (unsigned int i = 0; i < f->t->nr_lines; i++) {
		char line[1024];

		snprintf(line, sizeof(line), "%s", f->t->lines[i]);
		if (!is_compared(line))
			continue;
		kmm_test_strip_caller(line);
		if (got >= n)
			fail_msg("extra line '%s'\n%s", line, kmm_test_log_text(f->t));
		if (strcmp(line, want[got]))
			fail_msg("line %u: got '%s', Linux printed '%s'\n%s", got, line, want[got],
				 kmm_test_log_text(f->t));
		got++;
	}
	if (got != n)
		fail_msg("missing '%s'\n%s", want[got], kmm_test_log_text(f->t));
}

/* ------------------------------------------------------------ oracle cases */

struct oracle_case {
	const char *fixture;
	enum kmm_arch arch;
};

static const struct oracle_case oracle_cases[] = {
	{ "hash-x86_64-pc-128M.txt", KMM_ARCH_X86_64 }, { "hash-x86_64-pc-512M.txt", KMM_ARCH_X86_64 },
	{ "hash-x86_64-pc-2G.txt", KMM_ARCH_X86_64 },   { "hash-x86_64-pc-8G.txt", KMM_ARCH_X86_64 },
	{ "hash-x86_64-numa2-2G.txt", KMM_ARCH_X86_64 }, { "hash-x86_64-numa4-4G.txt", KMM_ARCH_X86_64 },
	{ "hash-i386-pc-256M.txt", KMM_ARCH_I386 },      { "hash-i386-pc-2G.txt", KMM_ARCH_I386 },
	{ "hash-i386-pc-4G.txt", KMM_ARCH_I386 },        { "hash-arm64-virt-512M.txt", KMM_ARCH_ARM64 },
	{ "hash-arm64-virt-1G.txt", KMM_ARCH_ARM64 },    { "hash-arm64-virt-4G.txt", KMM_ARCH_ARM64 },
};

/* The inputs, read from the oracle lines as the header explains. */
struct oracle_inputs {
	unsigned long kernel_pages, all_pages, highmem_present;
	unsigned int nodes, cpus;
};

static void read_inputs(const char *text, enum kmm_arch arch, struct oracle_inputs *in)
{
	const char *p;
	unsigned long long hs = 0, he = 0;
	unsigned long unavailable = 0;

	memset(in, 0, sizeof(*in));
	p = strstr(text, "Built ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "Built %u zonelists, mobility grouping on.  Total pages: %lu",
				&in->nodes, &in->all_pages), 2);
	p = strstr(text, "  HighMem  [mem ");
	if (p) {
		assert_int_equal(sscanf(p, "  HighMem  [mem %llx-%llx]", &hs, &he), 2);
		in->highmem_present = (unsigned long)(((he + 1) >> 12) - (hs >> 12));
		p = strstr(text, "zone HighMem: ");
		if (p)
			assert_int_equal(sscanf(p, "zone HighMem: %lu pages", &unavailable), 1);
		in->highmem_present -= unavailable;
	}
	in->kernel_pages = in->all_pages - in->highmem_present;
	p = strstr(text, "smpboot: Allowing ");
	if (arch == KMM_ARCH_ARM64)
		in->cpus = 1;
	else
		assert_int_equal(sscanf(p, "smpboot: Allowing %u CPUs", &in->cpus), 1);
}

/*
 * Expect every line Linux printed about the tables - the memblock calls of
 * the early ones, the tables in log order, "TCP: Hash tables configured" -
 * given the figures Linux had.
 */
static void hash_oracle_case(void **state)
{
	const struct oracle_case *c = *state;
	char *text = kmm_test_read_fixture("oracle", c->fixture);
	char *copy = strdup(text), *want[64];
	struct oracle_inputs in;
	struct hfix *f;
	unsigned int n;

	read_inputs(text, c->arch, &in);
	n = compared_lines(copy, want, 64);
	assert_true(n >= 15);
	f = hfix_new(c->arch, in.kernel_pages, in.all_pages, in.nodes, in.cpus, "memblock=debug");
	boot_tables(f);
	assert_log(f, want, n);
	assert_int_equal(f->m->hash_tables.hashdist, in.nodes > 1);
	hfix_free(f);
	free(copy);
	free(text);
}

/* The derived inputs themselves, so a broken reader cannot pass unnoticed. */
static void hash_oracle_inputs(void **state)
{
	static const struct {
		const char *fixture;
		enum kmm_arch arch;
		unsigned long kernel_pages, all_pages;
		unsigned int nodes, cpus;
	} want[] = {
		{ "hash-x86_64-pc-2G.txt", KMM_ARCH_X86_64, 515808, 515808, 1, 1 },
		{ "hash-x86_64-numa4-4G.txt", KMM_ARCH_X86_64, 1031904, 1031904, 4, 4 },
		{ "hash-i386-pc-256M.txt", KMM_ARCH_I386, 64766, 64766, 1, 1 },
		{ "hash-i386-pc-2G.txt", KMM_ARCH_I386, 222980, 521958, 1, 1 },
		{ "hash-i386-pc-4G.txt", KMM_ARCH_I386, 222980, 1046246, 1, 1 },
		{ "hash-arm64-virt-4G.txt", KMM_ARCH_ARM64, 1032192, 1032192, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *text = kmm_test_read_fixture("oracle", want[i].fixture);
		struct oracle_inputs in;

		read_inputs(text, want[i].arch, &in);
		assert_int_equal(in.kernel_pages, want[i].kernel_pages);
		assert_int_equal(in.all_pages, want[i].all_pages);
		assert_int_equal(in.nodes, want[i].nodes);
		assert_int_equal(in.cpus, want[i].cpus);
		free(text);
	}
}

/* ------------------------------------------------------------ early tables */

static int find(const struct hfix *f, const char *line)
{
	return kmm_test_find_line(f->t, 0, line);
}

/* the whole log line @line must be there (caller included) */
static void assert_line(const struct hfix *f, const char *line)
{
	if (find(f, line) < 0)
		fail_msg("no line '%s' in\n%s", line, kmm_test_log_text(f->t));
}

/*
 *  16M                               253M    254M        256M
 *   |        free                      | inode |  dentry  |
 * x86_64 pc-2G: Expect the Dentry cache (2 MiB) from the top of memblock,
 * the Inode-cache (1 MiB) right below, each with memblock_alloc()'s call
 * (align SMP_CACHE_BYTES, any node, no limits) and its reservation, and
 * both recorded with their addresses.
 */
static void hash_early_from_memblock(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	struct kmm_hash_table *tab = f->m->hash_tables.table;

	(void)state;
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
	assert_line(f, "memblock_alloc_try_nid: 2097152 bytes align=0x40 nid=-1 "
		       "from=0x0000000000000000 max_addr=0x0000000000000000 "
		       "kmm_alloc_large_system_hash");
	assert_line(f, "memblock_reserve: [0x000000000fe00000-0x000000000fffffff] "
		       "memblock_alloc_range_nid");
	assert_line(f, "memblock_reserve: [0x000000000fd00000-0x000000000fdfffff] "
		       "memblock_alloc_range_nid");
	assert_int_equal(tab[KMM_HASH_DENTRY].kind, KMM_HASH_MEMBLOCK);
	assert_int_equal(tab[KMM_HASH_DENTRY].phys, RAM_END - 2 * SZ_1M);
	assert_int_equal(tab[KMM_HASH_INODE].phys, RAM_END - 3 * SZ_1M);
	assert_int_equal(tab[KMM_HASH_INODE].shift, 17);
	assert_int_equal(tab[KMM_HASH_MOUNT].kind, KMM_HASH_UNSIZED);
	assert_int_equal(f->m->memblock.reserved.total_size, 3 * SZ_1M);
	assert_true(kmm_hash_tables_validate(f->m));
	hfix_free(f);
}

/*
 * numa2-2G: Expect hashdist on, nothing from memblock early, and the Dentry
 * cache and Inode-cache first among the late tables, from vmalloc.
 */
static void hash_numa_defers_vfs_tables(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 2, 2, "");

	(void)state;
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->t->nr_lines, 0);
	assert_true(f->m->hash_tables.hashdist);
	assert_int_equal(kmm_hash_tables_late(f->m, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->t->lines[0],
			    "Dentry cache hash table entries: 262144 (order: 9, 2097152 bytes, vmalloc)");
	assert_string_equal(f->t->lines[1],
			    "Inode-cache hash table entries: 131072 (order: 8, 1048576 bytes, vmalloc)");
	assert_int_equal(f->m->memblock.reserved.total_size, 0);
	hfix_free(f);
}

/*
 * hashdist=0 keeps a two-node machine's VFS tables in memblock; hashdist=1
 * (parsed after page_alloc_init() turned it off for one node) moves a
 * single node's to vmalloc, and every later table with them.  i386 has no
 * NUMA and no hashdist= option.
 */
static void hash_hashdist_option(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 2, 2, "hashdist=0");

	(void)state;
	boot_tables(f);
	assert_false(f->m->hash_tables.hashdist);
	assert_line(f, "Dentry cache hash table entries: 262144 (order: 9, 2097152 bytes, linear)");
	assert_line(f, "Mount-cache hash table entries: 4096 (order: 3, 32768 bytes, linear)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "hashdist=1");
	boot_tables(f);
	assert_true(f->m->hash_tables.hashdist);
	assert_line(f, "Inode-cache hash table entries: 131072 (order: 8, 1048576 bytes, vmalloc)");
	assert_line(f, "Table-perturb hash table entries: 65536 (order: 6, 262144 bytes, vmalloc)");
	hfix_free(f);

	/* simple_strtoul into an int: 2^32 is 0 */
	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 2, 2, "hashdist=0x100000000");
	boot_tables(f);
	assert_false(f->m->hash_tables.hashdist);
	hfix_free(f);

	f = hfix_new(KMM_ARCH_I386, 222980, 521958, 1, 1, "hashdist=1");
	boot_tables(f);
	assert_false(f->m->hash_tables.hashdist);
	hfix_free(f);
}

/* ------------------------------------------------------------ boot options */

/*
 * dhash-entries=1 ('-' and '_' are one character in option names): a
 * caller's size skips the memory rule; Expect one 8-byte bucket from
 * memblock, order 0.  ihash_entries=abc reads as 0 (Linux's
 * simple_strtoul), a bare ihash_entries is not the option: both default.
 */
static void hash_dhash_entries_one(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1,
				  "dhash-entries=1 ihash_entries=abc ihash_entries");

	(void)state;
	boot_tables(f);
	assert_line(f, "memblock_alloc_try_nid: 8 bytes align=0x40 nid=-1 from=0x0000000000000000 "
		       "max_addr=0x0000000000000000 kmm_alloc_large_system_hash");
	assert_line(f, "Dentry cache hash table entries: 1 (order: 0, 8 bytes, linear)");
	assert_line(f, "Inode-cache hash table entries: 131072 (order: 8, 1048576 bytes, linear)");
	hfix_free(f);
}

/*
 * Huge dhash_entries= values, as Linux's arithmetic takes them:
 *   2^63                 rounds to itself, then 1/16 of memory caps it:
 *                        515808 pages * 4096 / 16 / 8 = 16505856 -> 2^23
 *   2^64 + 1             simple_strtoul wraps modulo 2^64: 1 entry
 *   2^64 - 1             roundup_pow_of_two shifts by the word size: 1 entry
 *   i386 3000000000      above 2^31: roundup_pow_of_two wraps to 1 as well
 *   i386 0x100000002     cut to the 32-bit unsigned long: 2 entries
 */
static void hash_dhash_entries_huge(void **state)
{
	static const struct {
		enum kmm_arch arch;
		const char *cmdline, *line;
	} cases[] = {
		{ KMM_ARCH_X86_64, "dhash_entries=0x8000000000000000",
		  "Dentry cache hash table entries: 8388608 (order: 14, 67108864 bytes, linear)" },
		{ KMM_ARCH_X86_64, "dhash_entries=18446744073709551617",
		  "Dentry cache hash table entries: 1 (order: 0, 8 bytes, linear)" },
		{ KMM_ARCH_X86_64, "dhash_entries=0xffffffffffffffff",
		  "Dentry cache hash table entries: 1 (order: 0, 8 bytes, linear)" },
		{ KMM_ARCH_I386, "dhash_entries=3000000000",
		  "Dentry cache hash table entries: 1 (order: 0, 4 bytes, linear)" },
		{ KMM_ARCH_I386, "dhash_entries=0x100000002",
		  "Dentry cache hash table entries: 2 (order: 0, 8 bytes, linear)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool x64 = cases[i].arch == KMM_ARCH_X86_64;
		struct hfix *f = hfix_new(cases[i].arch, x64 ? 515808 : 222980,
					  x64 ? 515808 : 521958, 1, 1, cases[i].cmdline);

		assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
		assert_line(f, cases[i].line);
		hfix_free(f);
	}
}

/*
 * thash_entries=1000 (kstrtoul): the listener table takes 1024 under its
 * 64K cap, TCP established 1024 with the cap lifted, TCP bind follows it.
 * thash_entries=12abc and, on i386, 2^32 are rejected (the default stays);
 * "+64" is accepted.
 */
static void hash_thash_entries(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "thash_entries=1000");

	(void)state;
	boot_tables(f);
	assert_line(f, "tcp_listen_portaddr_hash hash table entries: 1024 (order: 2, 16384 bytes, "
		       "linear)");
	assert_line(f, "TCP established hash table entries: 1024 (order: 1, 8192 bytes, linear)");
	assert_line(f, "TCP bind hash table entries: 1024 (order: 3, 32768 bytes, linear)");
	assert_line(f, "TCP: Hash tables configured (established 1024 bind 1024)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "thash_entries=+64 thash_entries=12abc");
	boot_tables(f);
	assert_line(f, "TCP established hash table entries: 64 (order: 0, 512 bytes, linear)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_I386, 222980, 521958, 1, 1, "thash_entries=4294967296");
	boot_tables(f);
	assert_line(f, "TCP established hash table entries: 8192 (order: 3, 32768 bytes, linear)");
	hfix_free(f);

	/* with the cap lifted, 1/16 of memory is the limit: 515808 * 4096 / 16 / 8 -> 2^23 */
	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "thash_entries=0x40000000");
	boot_tables(f);
	assert_line(f, "TCP established hash table entries: 8388608 (order: 14, 67108864 bytes, "
		       "vmalloc hugepage)");
	assert_line(f, "TCP bind hash table entries: 65536 (order: 9, 2097152 bytes, linear)");
	hfix_free(f);
}

/*
 * uhash_entries=10 is raised to UDP_HTABLE_SIZE_MIN (256); 100000 rounds to
 * 131072 and is capped at 65536; a malformed value keeps the default.
 */
static void hash_uhash_entries(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "uhash_entries=10");

	(void)state;
	boot_tables(f);
	assert_line(f, "UDP hash table entries: 256 (order: 1, 8192 bytes, linear)");
	assert_line(f, "UDP-Lite hash table entries: 256 (order: 1, 8192 bytes, linear)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "uhash_entries=100000");
	boot_tables(f);
	assert_line(f, "UDP hash table entries: 65536 (order: 9, 2097152 bytes, linear)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "uhash_entries=-5");
	boot_tables(f);
	assert_line(f, "UDP hash table entries: 1024 (order: 3, 32768 bytes, linear)");
	hfix_free(f);
}

/*
 * A table that reaches MAX_ORDER comes from vmalloc even on one node:
 * mhash_entries=1048576 is 8 MiB.  x86_64 maps it with PMDs ("vmalloc
 * hugepage") unless nohugevmalloc; i386 has no huge vmalloc.
 */
static void hash_vmalloc_max_order(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "mhash_entries=1048576");

	(void)state;
	boot_tables(f);
	assert_line(f, "Mount-cache hash table entries: 1048576 (order: 11, 8388608 bytes, "
		       "vmalloc hugepage)");
	assert_int_equal(f->m->hash_tables.table[KMM_HASH_MOUNT].kind, KMM_HASH_VMALLOC_HUGE);
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "mhash_entries=1048576 nohugevmalloc");
	boot_tables(f);
	assert_line(f, "Mount-cache hash table entries: 1048576 (order: 11, 8388608 bytes, vmalloc)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_I386, 222980, 521958, 1, 1, "mphash_entries=2097152");
	boot_tables(f);
	assert_line(f, "Mountpoint-cache hash table entries: 2097152 (order: 11, 8388608 bytes, "
		       "vmalloc)");
	hfix_free(f);
}

/*
 * hashdist with big tables: a 16 GiB two-node machine's Dentry cache is
 * 16 MiB, 8 MiB per node, so PMD-mapped; its 8 MiB Inode-cache too (4 MiB
 * per node); a 2 MiB table (1 MiB per node) is not.
 */
static void hash_hashdist_hugepages(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 4194304, 4194304, 2, 2, "");

	(void)state;
	boot_tables(f);
	assert_line(f, "Dentry cache hash table entries: 2097152 (order: 12, 16777216 bytes, "
		       "vmalloc hugepage)");
	assert_line(f, "Inode-cache hash table entries: 1048576 (order: 11, 8388608 bytes, "
		       "vmalloc hugepage)");
	assert_line(f, "IP idents hash table entries: 262144 (order: 9, 2097152 bytes, vmalloc)");
	hfix_free(f);
}

/* ------------------------------------------------------------ the sizing rule */

static int shift_of(struct kmm_machine *m, struct kmm_hash_request rq)
{
	unsigned int shift = 99;
	char err[256];

	assert_int_equal(kmm_large_system_hash_shift(m, &rq, &shift, err, sizeof(err)), 0);
	return (int)shift;
}

/*
 * Above 64 GiB a 64-bit kernel adds one to the scale per 4x of memory,
 * unless the caller gave an upper limit.  128 GiB (2^25 pages): the Dentry
 * cache (scale 13 + 1) gets 2^25 >> 2 = 2^23 buckets, not 2^24; IP idents
 * (limit 256K) is not adapted: 2^25 >> 4 = 2^21, then capped to 2^18.
 * 512 GiB (2^27 pages) passes 64 GiB and 256 GiB: scale 15, 2^24 buckets.  i386
 * never adapts.  Memory is counted in whole megabytes: 1 page counts 256.
 */
static void hash_rule_adapt_scale(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 1UL << 25, 1UL << 25, 1, 1, "");
	struct kmm_hash_request d = { .name = "d", .bucketsize = 8, .scale = 13 };
	struct kmm_hash_request ip = { .name = "ip", .bucketsize = 8, .scale = 16,
				       .low_limit = 2048, .high_limit = 256 * 1024 };

	(void)state;
	assert_int_equal(shift_of(f->m, d), 23);
	assert_int_equal(shift_of(f->m, ip), 18);
	f->m->nr_kernel_pages = 1UL << 24; /* exactly 64 GiB: not above */
	assert_int_equal(shift_of(f->m, d), 23);
	f->m->nr_kernel_pages = f->m->nr_all_pages = 1UL << 27; /* 512 GiB: 64G, 256G below: +2 */
	assert_int_equal(shift_of(f->m, d), 24);
	f->m->nr_kernel_pages = 1;
	d.bucketsize = 1;
	d.scale = 20; /* 256 pages >> 8 = 1 bucket, raised to a page of them */
	assert_int_equal(shift_of(f->m, d), 12);
	hfix_free(f);

	f = hfix_new(KMM_ARCH_I386, 1UL << 24, 1UL << 24, 1, 1, "");
	d.bucketsize = 4;
	d.scale = 13;
	assert_int_equal(shift_of(f->m, d), 23);
	hfix_free(f);
}

/*
 * HASH_SMALL lets a table be smaller than a page but not than
 * 2^small_shift; low_limit raises, high_limit caps.
 */
static void hash_rule_small_and_limits(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 256, 256, 1, 1, "");
	struct kmm_hash_request s = { .name = "s", .bucketsize = 64, .scale = 30,
				      .flags = KMM_HASH_EARLY | KMM_HASH_SMALL, .small_shift = 4 };
	struct kmm_hash_request r = { .name = "r", .bucketsize = 8, .numentries = 3, .low_limit = 100,
				      .high_limit = 64 };

	(void)state;
	assert_int_equal(shift_of(f->m, s), 4);
	s.flags = KMM_HASH_EARLY;
	assert_int_equal(shift_of(f->m, s), 6); /* one page of 64-byte buckets */
	assert_int_equal(shift_of(f->m, r), 6); /* 4 -> 100 -> 64 */
	hfix_free(f);
}

/*
 * i386's long is 32 bits: Linux prints 2^31 entries with %ld as a negative
 * number, and a table whose size overflows the word is refused.
 */
static void hash_rule_i386_word(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_I386, 222980, 1UL << 24, 1, 1, "");
	struct kmm_hash_request rq = { .name = "big", .bucketsize = 1, .numentries = 1ULL << 31,
				       .high_limit = 1ULL << 31 };
	struct kmm_hash_table t;

	(void)state;
	assert_int_equal(kmm_alloc_large_system_hash(f->m, &rq, &t, f->err, sizeof(f->err)), 0);
	assert_line(f, "big hash table entries: -2147483648 (order: 19, 2147483648 bytes, vmalloc)");
	rq.bucketsize = 4;
	assert_int_equal(kmm_alloc_large_system_hash(f->m, &rq, &t, f->err, sizeof(f->err)),
			 -KMM_ERANGE);
	assert_string_equal(f->err, "alloc_large_system_hash: big: 2^31 buckets of 4 bytes overflow "
				    "an unsigned long");
	hfix_free(f);
}

/* ------------------------------------------------------------ CPUs */

/*
 * futex: 256 buckets per possible CPU, rounded up to a power of two.  x86:
 * "Allowing 3 CPUs" -> 1024.  arm64: cpu nodes that are failed or repeat an
 * MPIDR or have a reg outside the affinity bits are not CPUs: 2 of 5 -> 512.
 */
static void hash_futex_possible_cpus(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 3, "");

	(void)state;
	boot_tables(f);
	assert_line(f, "futex hash table entries: 1024 (order: 4, 65536 bytes, linear)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_ARM64, 258048, 258048, 1, 5, "");
	f->dt->cpus[1].hwid = 0;                 /* repeats CPU 0 */
	f->dt->cpus[2].failed = true;
	f->dt->cpus[3].hwid = 0x1000000;        /* bit 24 (MT) is not an affinity field */
	f->dt->cpus[4].hwid = 0x100;
	boot_tables(f);
	assert_line(f, "futex hash table entries: 512 (order: 3, 32768 bytes, linear)");
	hfix_free(f);
}

/* ------------------------------------------------------------ failures */

/*
 * memblock has 768 KiB: the 2 MiB and 1 MiB Dentry caches do not fit, the
 * table is halved until 512 KiB does (three calls); the Inode-cache then
 * halves to 256 KiB.  Expect what Linux prints on each try.
 */
static void hash_early_halves_when_memblock_is_short(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	struct memblock *mb = &f->m->memblock;

	(void)state;
	assert_int_equal(memblock_remove(mb, RAM_BASE, RAM_END - RAM_BASE), 0);
	assert_int_equal(memblock_add(mb, RAM_BASE, 768 * 1024), 0);
	kmm_test_env_clear_log(f->t);
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_test_find_line(f->t, 0, "memblock_alloc_try_nid: 2097152 bytes align=0x40 "
				"nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 "
				"kmm_alloc_large_system_hash"), 0);
	assert_int_equal(find(f, "memblock_alloc_try_nid: 1048576 bytes align=0x40 nid=-1 "
				 "from=0x0000000000000000 max_addr=0x0000000000000000 "
				 "kmm_alloc_large_system_hash"), 1);
	assert_int_equal(find(f, "memblock_alloc_try_nid: 524288 bytes align=0x40 nid=-1 "
				 "from=0x0000000000000000 max_addr=0x0000000000000000 "
				 "kmm_alloc_large_system_hash"), 2);
	assert_line(f, "Dentry cache hash table entries: 65536 (order: 7, 524288 bytes, linear)");
	assert_line(f, "Inode-cache hash table entries: 32768 (order: 6, 262144 bytes, linear)");
	assert_true(kmm_hash_tables_validate(f->m));
	hfix_free(f);
}

/* No memblock memory at all: Linux panics "Failed to allocate Dentry cache hash table". */
static void hash_early_no_memory(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");

	(void)state;
	assert_int_equal(memblock_remove(&f->m->memblock, RAM_BASE, RAM_END - RAM_BASE), 0);
	kmm_test_env_clear_log(f->t);
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), -KMM_ENOMEM);
	assert_string_equal(f->err, "Failed to allocate Dentry cache hash table");
	/* 2 MiB down to one page: 10 tries */
	assert_line(f, "memblock_alloc_try_nid: 4096 bytes align=0x40 nid=-1 from=0x0000000000000000 "
		       "max_addr=0x0000000000000000 kmm_alloc_large_system_hash");
	assert_int_equal(f->t->nr_lines, 10);
	hfix_free(f);
}

/* Expect each phase to refuse to run before free_area_init(), out of order, or twice. */
static void hash_bad_phase_order(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 0, 0, 1, 1, "");
	struct kmm_machine *m = f->m;

	(void)state;
	assert_int_equal(kmm_hash_tables_early(m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "hash tables: no memory counted yet (nr_all_pages 0, 0 nodes with "
				    "memory): free_area_init() must run first");
	m->nr_kernel_pages = m->nr_all_pages = 515808;
	m->node[0].node_present_pages = 0;
	assert_int_equal(kmm_hash_tables_early(m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "hash tables: no memory counted yet (nr_all_pages 515808, 0 nodes "
				    "with memory): free_area_init() must run first");
	m->node[0].node_present_pages = 515808;
	assert_int_equal(kmm_hash_tables_late(m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "hash tables: kmm_hash_tables_early() has not run");
	assert_int_equal(kmm_hash_tables_early(m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_hash_tables_early(m, f->err, sizeof(f->err)), -KMM_EEXIST);
	assert_string_equal(f->err, "vfs_caches_init_early: already ran");
	assert_int_equal(kmm_hash_tables_late(m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_hash_tables_late(m, f->err, sizeof(f->err)), -KMM_EEXIST);
	assert_string_equal(f->err, "hash tables: already sized");
	hfix_free(f);
}

/* Expect each malformed request and machine state to be refused with its message. */
static void hash_bad_requests(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	struct kmm_machine *m = f->m;
	unsigned int shift;
	static const struct {
		struct kmm_hash_request rq;
		int ret;
		const char *err;
	} bad[] = {
		{ { .bucketsize = 8 }, -KMM_EINVAL,
		  "alloc_large_system_hash: (no name): a table needs a name" },
		{ { .name = "t" }, -KMM_EINVAL, "alloc_large_system_hash: t: bucket size 0" },
		{ { .name = "t", .bucketsize = 8, .scale = -1 }, -KMM_EINVAL,
		  "alloc_large_system_hash: t: scale -1 outside [0, 40]" },
		{ { .name = "t", .bucketsize = 8, .scale = 41 }, -KMM_EINVAL,
		  "alloc_large_system_hash: t: scale 41 outside [0, 40]" },
		{ { .name = "t", .bucketsize = 8, .flags = KMM_HASH_EARLY | KMM_HASH_SMALL,
		    .small_shift = 64 }, -KMM_EINVAL,
		  "alloc_large_system_hash: t: HASH_SMALL shift 64 >= 64" },
		{ { .name = "t", .bucketsize = 1ULL << 40 }, -KMM_EINVAL,
		  "alloc_large_system_hash: t: a 1099511627776-byte bucket does not fit in 1/16 "
		  "of 515808 pages" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kmm_large_system_hash_shift(m, &bad[i].rq, &shift, f->err,
							     sizeof(f->err)), bad[i].ret);
		assert_string_equal(f->err, bad[i].err);
	}
	m->nr_kernel_pages = m->nr_all_pages + 1;
	assert_int_equal(kmm_large_system_hash_shift(m, &(struct kmm_hash_request){ .name = "t",
				.bucketsize = 8 }, &shift, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "alloc_large_system_hash: t: nr_all_pages 515808, "
				    "nr_kernel_pages 515809: free_area_init() has not counted the pages");
	m->nr_kernel_pages = 515808;
	assert_int_equal(kmm_large_system_hash_shift(m, &(struct kmm_hash_request){ .name = "t",
				.bucketsize = 8 }, &shift, f->err, sizeof(f->err)), 0);
	m->nr_all_pages = m->nr_kernel_pages = (1UL << 40) + 1;
	assert_int_equal(kmm_large_system_hash_shift(m, &(struct kmm_hash_request){ .name = "t",
				.bucketsize = 8 }, &shift, f->err, sizeof(f->err)), -KMM_ERANGE);
	assert_string_equal(f->err, "alloc_large_system_hash: t: nr_all_pages 1099511627777 is more "
				    "than the 1099511627776 pages this architecture addresses");
	hfix_free(f);

	/* i386 PAE addresses 64 GiB: 2^24 pages */
	f = hfix_new(KMM_ARCH_I386, 1, (1UL << 24) + 1, 1, 1, "");
	assert_int_equal(kmm_large_system_hash_shift(f->m, &(struct kmm_hash_request){ .name = "t",
				.bucketsize = 4 }, &shift, f->err, sizeof(f->err)), -KMM_ERANGE);
	hfix_free(f);
}

/* Expect a struct size the kernel facts lack, or memory memblock cannot reach, to be refused. */
static void hash_bad_machine(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");

	(void)state;
	f->m->kernel.struct_size[KMM_STRUCT_TOKEN_BUCKET] = 0;
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(kmm_hash_tables_late(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "MPTCP token hash table: sizeof(struct token_bucket) is not known");
	/* the tables before it were sized and printed */
	assert_line(f, "TCP: Hash tables configured (established 16384 bind 16384)");
	assert_true(kmm_hash_tables_validate(f->m));
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	f->m->env.phys_to_virt = NULL;
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "alloc_large_system_hash: Dentry cache: HASH_EARLY needs memory "
				    "behind memblock (env.phys_to_virt)");
	hfix_free(f);

	f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	f->m->memblock.memory.regions = NULL;
	assert_int_equal(kmm_hash_tables_early(f->m, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_string_equal(f->err, "vfs_caches_init_early: memblock is not initialised");
	f->m->memblock.memory.regions = f->m->memory_init_regions;
	hfix_free(f);
}

/* Expect the validator to catch a table whose figures disagree. */
static void hash_validate_catches_corruption(void **state)
{
	struct hfix *f = hfix_new(KMM_ARCH_X86_64, 515808, 515808, 1, 1, "");
	struct kmm_hash_table *tab = f->m->hash_tables.table;

	(void)state;
	boot_tables(f);
	tab[KMM_HASH_UDP].bytes *= 2;
	tab[KMM_HASH_UDP].order++;
	assert_false(kmm_hash_tables_validate(f->m));
	assert_line(f, "hash tables: UDP: bytes != bucketsize << shift");
	tab[KMM_HASH_UDP].bytes /= 2;
	tab[KMM_HASH_UDP].order--;
	tab[KMM_HASH_FUTEX].phys = 0x1000;
	assert_false(kmm_hash_tables_validate(f->m));
	assert_line(f, "hash tables: futex: a physical address without memblock");
	tab[KMM_HASH_FUTEX].phys = KMM_PHYS_ADDR_MAX;
	tab[KMM_HASH_DQUOT].entries = 4096;
	assert_false(kmm_hash_tables_validate(f->m));
	assert_line(f, "hash tables: VFS: Dquot-cache: entries != 1 << shift");
	assert_string_equal(kmm_hash_table_name(KMM_HASH_UDPLITE), "UDP-Lite");
	assert_string_equal(kmm_hash_table_name(KMM_HASH_NR), "?");
	hfix_free(f);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(oracle_cases) / sizeof(oracle_cases[0]) + 32];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(oracle_cases) / sizeof(oracle_cases[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(hash_oracle_case,
									 (void *)&oracle_cases[i]);
		tests[n++].name = oracle_cases[i].fixture;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_oracle_inputs);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_early_from_memblock);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_numa_defers_vfs_tables);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_hashdist_option);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_dhash_entries_one);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_dhash_entries_huge);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_thash_entries);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_uhash_entries);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_vmalloc_max_order);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_hashdist_hugepages);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_rule_adapt_scale);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_rule_small_and_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_rule_i386_word);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_futex_possible_cpus);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_early_halves_when_memblock_is_short);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_early_no_memory);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_bad_phase_order);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_bad_requests);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_bad_machine);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(hash_validate_catches_corruption);
	return _cmocka_run_group_tests("hash_tables", tests, n, NULL, NULL);
}
