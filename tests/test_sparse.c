// SPDX-License-Identifier: MIT
/*
 * test_sparse.c - kmm_sparse_init() (kmm/sparse.h): Linux 6.1's sparse_init()
 * on x86_64 and arm64.
 *
 * The fidelity cases rebuild the memblock state real Linux had right before
 * sparse_init() (its MEMBLOCK dump and NODE_DATA lines, copied from
 * ../shared/oracle into tests/fixtures/oracle/sparse-*.txt) and expect every
 * line kmm prints to be the line Linux printed, in order (callers compared
 * by name only, as tools/fidelity does).  The other cases build small
 * machines by hand for the lookups, the validator, the failure paths Linux
 * survives (usemap, memmap), the fallbacks (memmap from another node, base
 * pages) and every class of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/memblock.h>
#include <kmm/sparse.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_128M 0x8000000ULL
#define SZ_1G 0x40000000ULL
#define PHYS_BYTES (16 * SZ_1G) /* simulated physical memory of every machine */
#define MAX_WANT 64
#define X86_VMEMMAP 0xffffea0000000000ULL
#define EARLY_FLAGS                                                                     \
	(KMM_SECTION_MARKED_PRESENT | KMM_SECTION_HAS_MEM_MAP | KMM_SECTION_IS_ONLINE | \
	 KMM_SECTION_IS_EARLY)

/* One simulated machine with a recording environment. */
struct sp {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	char err[256];
};

static void sp_new(struct sp *x, enum kmm_arch arch, u64 phys)
{
	x->t = kmm_test_env_new(phys);
	x->m = calloc(1, sizeof(*x->m));
	assert_non_null(x->m);
	x->err[0] = '\0';
	kmm_machine_init(x->m, arch, &x->t->env);
	memblock_init(&x->m->memblock, &x->m->env, x->m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      x->m->reserved_init_regions,
		      sizeof(x->m->reserved_init_regions) / sizeof(x->m->reserved_init_regions[0]),
		      x->m->kernel.numa, 1 << x->m->kernel.nodes_shift);
}

static void sp_free(struct sp *x)
{
	free(x->m);
	kmm_test_env_free(x->t);
}

static void sp_node(struct sp *x, int nid, u64 node_data)
{
	x->m->node[nid].online = true;
	x->m->node[nid].phys = node_data;
}

/* kmm_sparse_init() with memblock=debug on a fresh log */
static int sp_init(struct sp *x)
{
	kmm_test_env_clear_log(x->t);
	x->m->memblock.debug = true;
	return kmm_sparse_init(x->m, x->err, sizeof(x->err));
}

/* number of logged lines starting with @prefix */
static unsigned int sp_count(const struct sp *x, const char *prefix)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < x->t->nr_lines; i++)
		n += !strncmp(x->t->lines[i], prefix, strlen(prefix));
	return n;
}

/* the log, callers cut, is exactly @want[0, @n) */
static void sp_expect_lines(const struct sp *x, const char *name, char *const *want, unsigned int n)
{
	char a[512], b[512];
	unsigned int i;

	for (i = 0; i < n && i < x->t->nr_lines; i++) {
		snprintf(a, sizeof(a), "%s", want[i]);
		snprintf(b, sizeof(b), "%s", x->t->lines[i]);
		kmm_test_strip_caller(a);
		kmm_test_strip_caller(b);
		if (strcmp(a, b))
			fail_msg("%s line %u:\n  linux: %s\n  kmm:   %s\nlog:\n%s", name, i, a, b,
				 kmm_test_log_text(x->t));
	}
	if (n != x->t->nr_lines)
		fail_msg("%s: linux printed %u lines, kmm %u; log:\n%s", name, n, x->t->nr_lines,
			 kmm_test_log_text(x->t));
}

#define SP_EXPECT(x, ...)                                            \
	do {                                                         \
		static const char *const want_[] = { __VA_ARGS__ };  \
		sp_expect_lines((x), __func__, (char *const *)want_, \
				sizeof(want_) / sizeof(want_[0]));   \
	} while (0)

/* ------------------------------------------------------------ oracle cases */

/* "[0x...-0x...]" at @p: *@base and *@size of the inclusive range */
static void parse_range(const char *p, u64 *base, u64 *size)
{
	unsigned long long a, b;

	p = strchr(p, '[');
	assert_non_null(p);
	if (sscanf(p, "[%llx-%llx]", &a, &b) != 2)
		fail_msg("bad range: %s", p);
	*base = a;
	*size = b - a + 1;
}

/* a dump line " memory[0x1]\t[a-b], size bytes on node N flags: F" into memblock */
static void apply_dump_line(struct sp *x, const char *ln)
{
	struct memblock *mb = &x->m->memblock;
	const char *on = strstr(ln, " on node ");
	int nid = on ? atoi(on + 9) : -1;
	u64 base, size;

	parse_range(strchr(ln, '\t'), &base, &size);
	if (!strncmp(ln, " memory[", 8)) {
		assert_int_equal(memblock_add_node(mb, base, size, nid, MEMBLOCK_NONE), 0);
	} else {
		assert_int_equal(memblock_reserve(mb, base, size), 0);
		if (nid >= 0)
			assert_int_equal(memblock_set_node(mb, base, size, &mb->reserved, nid), 0);
	}
}

struct oracle {
	char *text;
	char *want[MAX_WANT];
	unsigned int n_want;
};

/*
 * Build the machine of fixture sparse-@name.txt (see the fixtures' heads):
 * memory and reservations from the dump, NODE_DATA as printed, and when the
 * dump comes after sparse_init (arm64) every reservation logged since taken
 * back.  @phys: simulated memory (0: none).
 */
static void oracle_machine(struct sp *x, struct oracle *o, const char *name, u64 phys)
{
	char file[128], *save = NULL;
	bool in_sparse = false, after = false;
	u64 taken[MAX_WANT][2];
	unsigned int n_taken = 0;
	int arm64_node = 0;

	snprintf(file, sizeof(file), "sparse-%s.txt", name);
	o->text = kmm_test_read_fixture("oracle", file);
	o->n_want = 0;
	for (char *ln = strtok_r(o->text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		unsigned long long a;
		int nid;

		if (ln[0] == '#')
			continue;
		if (!strncmp(ln, "arch ", 5)) {
			sp_new(x, strcmp(ln + 5, "arm64") ? KMM_ARCH_X86_64 : KMM_ARCH_ARM64, phys);
		} else if (!strcmp(ln, "--- sparse_init")) {
			in_sparse = true;
		} else if (!strcmp(ln, "--- end")) {
			in_sparse = false;
			after = true;
		} else if (sscanf(ln, "NODE_DATA(%d) allocated [mem %llx", &nid, &a) == 2) {
			sp_node(x, nid, a);
		} else if (sscanf(ln, "NUMA: NODE_DATA [mem %llx", &a) == 1) {
			sp_node(x, arm64_node++, a);
		} else if (ln[0] == ' ' && strchr(ln, '\t')) {
			apply_dump_line(x, ln);
		}
		if (in_sparse && strncmp(ln, "---", 3)) {
			assert_true(o->n_want < MAX_WANT);
			o->want[o->n_want++] = ln;
		}
		if ((in_sparse || after) && !strncmp(ln, "memblock_reserve: ", 18)) {
			assert_true(n_taken < MAX_WANT);
			parse_range(ln, &taken[n_taken][0], &taken[n_taken][1]);
			n_taken++;
		}
	}
	assert_non_null(x->m);
	if (x->m->kernel.arch == KMM_ARCH_ARM64) {
		for (unsigned int i = 0; i < n_taken; i++)
			assert_int_equal(
				memblock_phys_free(&x->m->memblock, taken[i][0], taken[i][1]), 0);
		x->m->memstart_addr = memblock_start_of_DRAM(&x->m->memblock) & ~(SZ_1G - 1);
	}
	assert_true(memblock_validate(&x->m->memblock));
}

static void oracle_run(const char *name, u64 phys)
{
	struct sp x = { 0 };
	struct oracle o;

	oracle_machine(&x, &o, name, phys);
	assert_int_equal(sp_init(&x), 0);
	sp_expect_lines(&x, name, o.want, o.n_want);
	assert_true(memblock_validate(&x.m->memblock));
	assert_true(kmm_sparse_validate(x.m));
	assert_int_equal(x.t->nr_bugs, 0);
	free(o.text);
	sp_free(&x);
}

/* Expect QEMU pc 2 GiB (one node, 16 sections): root array, one section
 * array, 896 bytes of usemaps by NODE_DATA, a 32 MiB memmap, a PUD and a PMD page. */
static void sparse_x86_64_pc_2G(void **state)
{
	oracle_run("x86_64-pc-2G", PHYS_BYTES);
}

/* Expect pc 4 GiB to skip the PCI-hole sections 24..31: 32 sections, 1792 bytes, 64 MiB. */
static void sparse_x86_64_pc_4G(void **state)
{
	oracle_run("x86_64-pc-4G", PHYS_BYTES);
}

/* Expect pc 8 GiB (64 sections around the hole): 3584 bytes, 128 MiB, still one PMD page. */
static void sparse_x86_64_pc_8G(void **state)
{
	oracle_run("x86_64-pc-8G", PHYS_BYTES);
}

/* Expect two nodes: one run each, node 1's memmap needing no new page table. */
static void sparse_x86_64_numa2_2G(void **state)
{
	oracle_run("x86_64-numa2-2G", PHYS_BYTES);
}

/* Expect four nodes (node 3 above the hole): four runs, usemaps by each NODE_DATA. */
static void sparse_x86_64_numa4_4G(void **state)
{
	oracle_run("x86_64-numa4-4G", PHYS_BYTES);
}

/* Expect arm64 virt 1 GiB: a 131072-byte root array (48 bits), goals at PHYS_OFFSET. */
static void sparse_arm64_virt_1G(void **state)
{
	oracle_run("arm64-virt-1G", PHYS_BYTES);
}

/* Expect arm64 with two nodes and a hole: node 1's usemap in NODE_DATA's section. */
static void sparse_arm64_dt_numa_2nodes_hole(void **state)
{
	oracle_run("arm64-dt-numa-2nodes-hole", PHYS_BYTES);
}

/*
 * Without phys_to_virt (no simulated memory) the same memblock calls are
 * made.  Expect pc-4G's lines, and lookups that answer "no memmap".
 */
static void sparse_unbacked_same_calls(void **state)
{
	struct sp x = { 0 };
	struct oracle o;

	oracle_machine(&x, &o, "x86_64-pc-4G", 0);
	assert_int_equal(sp_init(&x), 0);
	sp_expect_lines(&x, "unbacked pc-4G", o.want, o.n_want);
	assert_int_not_equal(x.m->sparse.mem_section_phys, 0);
	assert_false(kmm_pfn_valid(x.m, 0x1000));
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x1000), KMM_PHYS_ADDR_MAX);
	assert_int_equal(kmm_sparse_section_nid(x.m, 0), KMM_NUMA_NO_NODE);
	assert_true(kmm_sparse_validate(x.m));
	free(o.text);
	sp_free(&x);
}

/* ------------------------------------------------------------ lookups */

/*
 * pc-4G: memory [0x1000, 0xbffe0000) and [4G, 5G); memmap buffer
 * 0x13be00000 (64 MiB, one 2 MiB block per present section, in order).
 *
 *   sections 0..23 | 24..31 (PCI hole) | 32..39
 *
 * Expect pfn_valid across whole sections (early sections: even the pfns
 * below the first page), false in the hole, and struct pages in buffer
 * order: section 32 is the 25th present one.
 */
static void sparse_lookups_pc_4G(void **state)
{
	struct sp x = { 0 };
	struct oracle o;
	struct kmm_machine *m;

	oracle_machine(&x, &o, "x86_64-pc-4G", PHYS_BYTES);
	m = x.m;
	assert_int_equal(sp_init(&x), 0);
	assert_true(kmm_pfn_valid(m, 0));
	assert_true(kmm_pfn_valid(m, 0xbffff));
	assert_false(kmm_pfn_valid(m, 0xc0000));
	assert_false(kmm_pfn_valid(m, 0xfffff));
	assert_true(kmm_pfn_valid(m, 0x100000));
	assert_true(kmm_pfn_valid(m, 0x13ffff));
	assert_false(kmm_pfn_valid(m, 0x140000));
	assert_false(kmm_pfn_valid(m, ~0UL));
	assert_int_equal(kmm_pfn_to_page_phys(m, 0), 0x13be00000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(m, 1), 0x13be00040ULL);
	assert_int_equal(kmm_pfn_to_page_phys(m, 0x8000), 0x13c000000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(m, 0x100000), 0x13be00000ULL + 24 * SZ_2M);
	assert_int_equal(kmm_pfn_to_page_phys(m, 0x13ffff), 0x13be00000ULL + 32 * SZ_2M - 64);
	assert_int_equal(kmm_pfn_to_page_phys(m, 0xc0000), KMM_PHYS_ADDR_MAX);

	assert_true(kmm_sparse_section_present(m, 0));
	assert_true(kmm_sparse_section_valid(m, 39));
	assert_false(kmm_sparse_section_present(m, 24));
	assert_false(kmm_sparse_section_present(m, 40));
	assert_int_equal(kmm_sparse_section_nid(m, 32), 0);
	assert_int_equal(kmm_sparse_section_nid(m, 24), KMM_NUMA_NO_NODE);
	/* x86_64's encoding: vmemmap_base | PRESENT | HAS_MEM_MAP | ONLINE | EARLY */
	assert_int_equal(kmm_sparse_section_mem_map(m, 5), X86_VMEMMAP | EARLY_FLAGS);
	/* usemaps: [0x13ffc8900, +1792), 56 bytes per present section */
	assert_int_equal(kmm_sparse_section_usage_phys(m, 0), 0x13ffc8900ULL);
	assert_int_equal(kmm_sparse_section_usage_phys(m, 32), 0x13ffc8900ULL + 24 * 56);
	assert_int_equal(kmm_sparse_pageblock_flags_phys(m, 0x100005),
			 0x13ffc8900ULL + 24 * 56 + 24);
	assert_int_equal(kmm_sparse_section_usage_phys(m, 24), 0);
	assert_int_equal(m->sparse.highest_present_section_nr, 39);
	assert_int_equal(m->sparse.nr_present_sections, 32);
	assert_int_equal(m->sparse.nr_pgtable_pages, 2);
	free(o.text);
	sp_free(&x);
}

/* Expect numa2's sections 0..7 on node 0 and 8..15 on node 1, memmaps in their node's buffer. */
static void sparse_lookups_numa2(void **state)
{
	struct sp x = { 0 };
	struct oracle o;

	oracle_machine(&x, &o, "x86_64-numa2-2G", PHYS_BYTES);
	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(kmm_sparse_section_nid(x.m, 7), 0);
	assert_int_equal(kmm_sparse_section_nid(x.m, 8), 1);
	assert_int_equal(kmm_sparse_section_nid(x.m, 15), 1);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x3ffff), 0x3fdfffc0ULL);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x40000), 0x7ee00000ULL);
	assert_int_equal(kmm_sparse_section_usage_phys(x.m, 8), 0x7feb0e40ULL);
	free(o.text);
	sp_free(&x);
}

/*
 * arm64: vmemmap = VMEMMAP_START - (memstart_addr >> PAGE_SHIFT) * 64.
 * Expect virt-1G's section 8 word 0xfffffbffff000000 | flags (no
 * ZONE_DEVICE: the node bits start at 4) and pfn 0x40000 at the memmap's
 * start 0x7ec00000.
 */
static void sparse_lookups_arm64(void **state)
{
	struct sp x = { 0 };
	struct oracle o;

	oracle_machine(&x, &o, "arm64-virt-1G", PHYS_BYTES);
	assert_int_equal(x.m->memstart_addr, 0x40000000ULL);
	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(x.m->sparse.nid_shift, 4);
	assert_int_equal(kmm_sparse_section_mem_map(x.m, 8), 0xfffffbffff000000ULL | EARLY_FLAGS);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x40000), 0x7ec00000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x7ffff), 0x7fc00000ULL - 64);
	assert_false(kmm_pfn_valid(x.m, 0x3ffff));
	assert_true(kmm_pfn_valid(x.m, 0x40000));
	free(o.text);
	sp_free(&x);
}

/*
 * subsection_map_init over pc-2G's memory ranges [1, 0x9f) and [0x100,
 * 0x7ffe0): section 0 gets subsection 0 from the first range, all 64 with
 * the second; section 15 all 64 too (0x7ffdf is in its last subsection).
 * Expect those words; and once section 0 is no longer early, pfn_valid to
 * follow the subsection bits.
 */
static void sparse_subsection_map(void **state)
{
	struct sp x = { 0 };
	struct oracle o;
	struct kmm_machine *m;
	u64 *word, *map0;

	oracle_machine(&x, &o, "x86_64-pc-2G", PHYS_BYTES);
	m = x.m;
	assert_int_equal(sp_init(&x), 0);
	map0 = x.t->env.phys_to_virt(x.t, kmm_sparse_section_usage_phys(m, 0) + 16);
	word = x.t->env.phys_to_virt(x.t, kmm_sparse_section_phys(m, 0));
	assert_int_equal(*map0, 0);
	kmm_sparse_subsection_map_init(m, 1, 0x9e);
	assert_int_equal(*map0, 1);
	*word &= ~KMM_SECTION_IS_EARLY;
	assert_true(kmm_pfn_valid(m, 0x1ff));
	assert_false(kmm_pfn_valid(m, 0x200));
	kmm_sparse_subsection_map_init(m, 0x100, 0x7ffe0 - 0x100);
	assert_int_equal(*map0, ~0ULL);
	assert_true(kmm_pfn_valid(m, 0x200));
	*word |= KMM_SECTION_IS_EARLY;
	assert_int_equal(*(u64 *)x.t->env.phys_to_virt(x.t,
						       kmm_sparse_section_usage_phys(m, 15) + 16),
			 ~0ULL);
	free(o.text);
	sp_free(&x);
}

/* ------------------------------------------------------------ the validator */

/*
 * Expect kmm_sparse_validate() to catch, one at a time: a present section
 * cleared by hand (not counted failed), a usage moved to free memory, and
 * the memmap buffer handed back to memblock.
 */
static void sparse_validate_catches(void **state)
{
	struct sp x = { 0 };
	struct oracle o;
	struct kmm_machine *m;
	u64 *word, *usage, saved;

	oracle_machine(&x, &o, "x86_64-pc-2G", PHYS_BYTES);
	m = x.m;
	assert_int_equal(sp_init(&x), 0);
	assert_true(kmm_sparse_validate(m));

	word = x.t->env.phys_to_virt(x.t, kmm_sparse_section_phys(m, 3));
	saved = *word;
	*word = 0;
	kmm_test_env_clear_log(x.t);
	assert_false(kmm_sparse_validate(m));
	assert_int_equal(kmm_test_find_line(x.t, 0,
					    "sparse: section 0: memory sections not present, "
					    "but not counted failed (0x1)"),
			 0);
	*word = saved;

	usage = x.t->env.phys_to_virt(x.t, kmm_sparse_section_phys(m, 3) + 8);
	saved = *usage;
	*usage = 0x20000000;
	kmm_test_env_clear_log(x.t);
	assert_false(kmm_sparse_validate(m));
	assert_int_equal(kmm_test_find_line(x.t, 0,
					    "sparse: section 3: usage not in reserved "
					    "memory (0x20000000)"),
			 0);
	*usage = saved;
	assert_true(kmm_sparse_validate(m));

	assert_int_equal(memblock_phys_free(&m->memblock, 0x7de00000, 32 * 0x100000), 0);
	kmm_test_env_clear_log(x.t);
	assert_false(kmm_sparse_validate(m));
	assert_int_equal(kmm_test_find_line(x.t, 0,
					    "sparse: section 0: memmap in unreserved "
					    "memory at (0x7de00000)"),
			 0);
	free(o.text);
	sp_free(&x);
}

/* ------------------------------------------------------------ hand-built machines */

/*
 * A one- or more-node x86_64 machine: memory per node as given, all of it
 * reserved, then @free_base/@free_size handed back (the only free memory).
 */
static void small_machine(struct sp *x, u64 free_base, u64 free_size)
{
	struct memblock *mb;

	sp_new(x, KMM_ARCH_X86_64, PHYS_BYTES);
	mb = &x->m->memblock;
	assert_int_equal(memblock_add_node(mb, SZ_128M, SZ_128M, 0, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_reserve(mb, SZ_128M, SZ_128M), 0);
	if (free_size)
		assert_int_equal(memblock_phys_free(mb, free_base, free_size), 0);
	sp_node(x, 0, SZ_128M);
}

#define HOLE 0xf000000ULL

/*
 *   section 1: [128M, 256M) on node 0, all reserved but [HOLE, HOLE + 44K)
 *
 * The hole holds the root array (32K), the section array, the usemap and a
 * PUD page, not the PMD page.  Expect Linux's error line, the section made
 * non-present (counted failed), pfn_valid false, and a machine that still
 * validates.
 */
static void sparse_memmap_backing_failed(void **state)
{
	struct sp x = { 0 };

	small_machine(&x, HOLE, 0xb000);
	assert_int_equal(sp_init(&x), 0);
	SP_EXPECT(
		&x,
		"memblock_alloc_try_nid: 32768 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000",
		"memblock_reserve: [0x000000000f003000-0x000000000f00afff]",
		"memblock_alloc_try_nid: 4096 bytes align=0x40 nid=0 from=0x0000000000000000 max_addr=0x0000000000000000",
		"memblock_reserve: [0x000000000f002000-0x000000000f002fff]",
		"memblock_alloc_try_nid: 56 bytes align=0x40 nid=0 from=0x0000000008000000 max_addr=0x0000000010000000",
		"memblock_reserve: [0x000000000f001fc0-0x000000000f001ff7]",
		"memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000",
		"memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000",
		"memblock_reserve: [0x000000000f000000-0x000000000f000fff]",
		"memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000",
		"sparse_init_nid: node[0] memory map backing failed. Some memory will not be available.");
	assert_false(kmm_sparse_section_present(x.m, 1));
	assert_false(kmm_pfn_valid(x.m, 0x8000));
	assert_int_equal(x.m->sparse.nr_failed_sections, 1);
	assert_true(kmm_sparse_validate(x.m));
	assert_int_equal(x.t->nr_bugs, 0);
	sp_free(&x);
}

/*
 * The hole fits the root array and the section array only.  Expect the
 * usemap tried in NODE_DATA's section, then anywhere, then Linux's error
 * line, no memmap allocation, and the section not present.
 */
static void sparse_usemap_allocation_failed(void **state)
{
	struct sp x = { 0 };

	small_machine(&x, HOLE, 0x9000);
	assert_int_equal(sp_init(&x), 0);
	SP_EXPECT(
		&x,
		"memblock_alloc_try_nid: 32768 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000",
		"memblock_reserve: [0x000000000f001000-0x000000000f008fff]",
		"memblock_alloc_try_nid: 4096 bytes align=0x40 nid=0 from=0x0000000000000000 max_addr=0x0000000000000000",
		"memblock_reserve: [0x000000000f000000-0x000000000f000fff]",
		"memblock_alloc_try_nid: 56 bytes align=0x40 nid=0 from=0x0000000008000000 max_addr=0x0000000010000000",
		"memblock_alloc_try_nid: 56 bytes align=0x40 nid=0 from=0x0000000008000000 max_addr=0x0000000000000000",
		"sparse_init_nid: node[0] usemap allocation failed");
	assert_false(kmm_sparse_section_present(x.m, 1));
	assert_int_equal(x.m->sparse.nr_failed_sections, 1);
	assert_true(kmm_sparse_validate(x.m));
	sp_free(&x);
}

/* Linux panics on these two; expect -KMM_ENOMEM with its message. */
static void sparse_root_allocations_fail(void **state)
{
	struct sp x = { 0 };

	small_machine(&x, HOLE, 0x4000);
	assert_int_equal(sp_init(&x), -KMM_ENOMEM);
	assert_string_equal(x.err, "memblocks_present: Failed to allocate 32768 bytes align=0x40");
	sp_free(&x);

	small_machine(&x, HOLE, 0x8000);
	assert_int_equal(sp_init(&x), -KMM_ENOMEM);
	assert_string_equal(x.err, "sparse_index_alloc: Failed to allocate 4096 bytes nid=0");
	sp_free(&x);
}

/*
 *   node 0: section 1, everything reserved but a 2 MiB block, a 64K hole
 *           and 600 single pages (every other page from 0x8800000)
 *   node 1: section 2, all reserved
 *
 * Node 1's usemap falls back to node 0; its exact-node memmap fails, so
 * does a 2 MiB block from any node; the section is mapped page by page
 * (a PTE page and 512 pages, from node 0).  Expect those calls, one
 * "potential offnode page_structs" warning for the first page, Linux's
 * note on the usemap outside node 1's sections, and the struct pages found
 * through the PTE page.
 */
static void sparse_basepages_fallback(void **state)
{
	struct sp x = { 0 };
	struct memblock *mb;
	u64 va = X86_VMEMMAP + 0x10000ULL * 64; /* section 2's first struct page */
	char warn[128];

	sp_new(&x, KMM_ARCH_X86_64, PHYS_BYTES);
	mb = &x.m->memblock;
	assert_int_equal(memblock_add_node(mb, SZ_128M, SZ_128M, 0, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_add_node(mb, 2 * SZ_128M, SZ_128M, 1, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_reserve(mb, SZ_128M, 2 * SZ_128M), 0);
	assert_int_equal(memblock_phys_free(mb, HOLE, SZ_2M + 0x10000), 0);
	for (unsigned int i = 0; i < 600; i++)
		assert_int_equal(memblock_phys_free(mb, 0x8800000 + i * 0x2000ULL, SZ_4K), 0);
	sp_node(&x, 0, SZ_128M);
	sp_node(&x, 1, 2 * SZ_128M);

	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(
		sp_count(&x, "memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=1"),
		1);
	assert_int_equal(sp_count(&x,
				  "memblock_alloc_try_nid_raw: 2097152 bytes align=0x200000 nid=1 "
				  "from=0x0000000001000000"),
			 1);
	/* PUD + PMD pages for section 1, then a PTE page and 512 pages for section 2 */
	assert_int_equal(sp_count(&x, "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000"),
			 2 + 1 + 512);
	assert_int_equal(sp_count(&x, "sparse_init_nid:"), 0);
	snprintf(warn, sizeof(warn), "[%llx-%llx] potential offnode page_structs",
		 (unsigned long long)va, (unsigned long long)va + 0xfff);
	assert_true(kmm_test_find_line(x.t, 0, warn) >= 0);
	assert_int_equal(sp_count(&x, "["), 1);
	/* node 1's usemap in section 1, whose word by then holds the vmemmap: Linux's nid 0 */
	assert_true(kmm_test_find_line(x.t, 0, "node 1 must be removed before remove section 1") >=
		    0);

	/* PTE page 0xf203000, pages 0xf202000..0xf200000, then the single pages from the top */
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000), 0xf202000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000 + 64), 0xf201000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000 + 128), 0xf200000ULL);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000 + 192 + 1),
			 0x8800000ULL + 599 * 0x2000 + 64);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x17fff),
			 0x8800000ULL + (599 - 508) * 0x2000 + 4032);
	assert_int_equal(kmm_sparse_section_nid(x.m, 2), 1);
	assert_int_equal(x.m->sparse.nr_pgtable_pages, 3);
	assert_true(kmm_sparse_validate(x.m));
	assert_int_equal(x.t->nr_bugs, 0);
	sp_free(&x);
}

/*
 * Node 1's memory is all reserved but node 0 has room: node 1's memmap
 * comes 2 MiB at a time from node 0 (vmemmap_alloc_block, any node).
 * Expect one such call and the struct pages of section 2 on node 0.
 */
static void sparse_memmap_from_other_node(void **state)
{
	struct sp x = { 0 };
	struct memblock *mb;

	sp_new(&x, KMM_ARCH_X86_64, PHYS_BYTES);
	mb = &x.m->memblock;
	assert_int_equal(memblock_add_node(mb, SZ_128M, SZ_128M, 0, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_add_node(mb, 2 * SZ_128M, SZ_128M, 1, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_reserve(mb, 2 * SZ_128M, SZ_128M), 0);
	sp_node(&x, 0, SZ_128M);
	sp_node(&x, 1, 2 * SZ_128M);
	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(
		sp_count(&x, "memblock_alloc_try_nid_raw: 2097152 bytes align=0x200000 nid=1"), 1);
	assert_true(kmm_test_find_line(x.t, 0,
				       "memblock_reserve: [0x000000000fa00000-0x000000000fbfffff] "
				       "memblock_alloc_range_nid") >= 0);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000), 0xfa00000ULL);
	assert_int_equal(sp_count(&x, "sparse_init_nid:"), 0);
	assert_true(kmm_sparse_validate(x.m));
	sp_free(&x);
}

/*
 *   section 1: node 0 | section 2: node 1 | section 3: node 0,
 *   and in section 1 node 0 [128M, 136M) then node 1 [136M, 256M)
 *
 * Expect three runs (memmaps for nid 0, 1, 0 in that order) and section 1
 * on node 0: the first range touching a section names its node.
 */
static void sparse_runs_follow_section_order(void **state)
{
	struct sp x = { 0 };
	struct memblock *mb;
	static const char *const exact[] = {
		"memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=0",
		"memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=1",
		"memblock_alloc_exact_nid_raw: 2097152 bytes align=0x200000 nid=0",
	};
	unsigned int k = 0;

	sp_new(&x, KMM_ARCH_X86_64, PHYS_BYTES);
	mb = &x.m->memblock;
	assert_int_equal(memblock_add_node(mb, SZ_128M, 0x800000, 0, MEMBLOCK_NONE), 0);
	assert_int_equal(memblock_add_node(mb, SZ_128M + 0x800000, SZ_128M * 2 - 0x800000, 1,
					   MEMBLOCK_NONE),
			 0);
	assert_int_equal(memblock_add_node(mb, 3 * SZ_128M, SZ_128M, 0, MEMBLOCK_NONE), 0);
	sp_node(&x, 0, SZ_128M);
	sp_node(&x, 1, 2 * SZ_128M);
	assert_int_equal(sp_init(&x), 0);
	for (unsigned int i = 0; i < x.t->nr_lines; i++)
		if (!strncmp(x.t->lines[i], "memblock_alloc_exact_nid_raw", 28)) {
			assert_true(k < 3);
			assert_memory_equal(x.t->lines[i], exact[k], strlen(exact[k]));
			k++;
		}
	assert_int_equal(k, 3);
	assert_int_equal(kmm_sparse_section_nid(x.m, 1), 0);
	assert_int_equal(kmm_sparse_section_nid(x.m, 2), 1);
	assert_int_equal(kmm_sparse_section_nid(x.m, 3), 0);
	assert_true(kmm_sparse_validate(x.m));
	sp_free(&x);
}

/*
 * A struct page of 56 bytes: a section's memmap is 1.75 MiB, so eight
 * sections fill seven 2 MiB blocks and share some (the shared ones are only
 * verified).  Expect the 16 MiB buffer's unused last 2 MiB freed by
 * sparse_buffer_fini, and every struct page at 56-byte strides.
 */
static void sparse_buffer_leftover_freed(void **state)
{
	struct sp x = { 0 };
	struct memblock *mb;
	u64 buf;

	sp_new(&x, KMM_ARCH_X86_64, PHYS_BYTES);
	x.m->kernel.struct_size[KMM_STRUCT_PAGE] = 56;
	mb = &x.m->memblock;
	assert_int_equal(memblock_add_node(mb, 0, SZ_1G, 0, MEMBLOCK_NONE), 0);
	sp_node(&x, 0, SZ_1G - SZ_4K);
	assert_int_equal(sp_init(&x), 0);
	assert_true(kmm_test_find_line(x.t, 0,
				       "memblock_alloc_exact_nid_raw: 16777216 bytes "
				       "align=0x200000 nid=0 from=0x0000000001000000 "
				       "max_addr=0x0000000000000000 memmap_alloc") >= 0);
	/* the top 2 MiB hold the root array, usemaps and page tables: the buffer is below */
	buf = kmm_pfn_to_page_phys(x.m, 0);
	assert_int_equal(buf, SZ_1G - 18 * 0x100000);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x8000), buf + 0x8000 * 56);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x3ffff), buf + 0x3ffffULL * 56);
	assert_true(
		kmm_test_find_line(x.t, 0,
				   "memblock_phys_free: [0x000000003fc00000-0x000000003fdfffff] "
				   "sparse_buffer_free") >= 0);
	assert_false(memblock_is_reserved(mb, 0x3fc00000));
	assert_true(memblock_is_reserved(mb, 0x3fbfffff));
	assert_true(kmm_sparse_validate(x.m));
	sp_free(&x);
}

/* ------------------------------------------------------------ bad input */

/*
 * Expect each unusable struct size to be refused with its message, before
 * anything is allocated.
 */
static void sparse_bad_struct_sizes(void **state)
{
	static const struct {
		enum kmm_struct which;
		u64 size;
		const char *err;
	} cases[] = {
		{ KMM_STRUCT_MEM_SECTION, 24,
		  "sparse_init: sizeof(struct mem_section) is 24, not a power of two in [16, 4096]" },
		{ KMM_STRUCT_MEM_SECTION, 8,
		  "sparse_init: sizeof(struct mem_section) is 8, not a power of two in [16, 4096]" },
		{ KMM_STRUCT_PAGE, 0,
		  "sparse_init: sizeof(struct page) is 0, not a multiple of 8 in [8, 1024]" },
		{ KMM_STRUCT_PAGE, 60,
		  "sparse_init: sizeof(struct page) is 60, not a multiple of 8 in [8, 1024]" },
		{ KMM_STRUCT_MEM_SECTION_USAGE, 4,
		  "sparse_init: sizeof(struct mem_section_usage) is 4, not a multiple of 8 in [8, 4096]" },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sp x = { 0 };

		small_machine(&x, HOLE, SZ_2M);
		x.m->kernel.struct_size[cases[i].which] = cases[i].size;
		assert_int_equal(sp_init(&x), -KMM_EINVAL);
		assert_string_equal(x.err, cases[i].err);
		assert_int_equal(x.t->nr_lines, 0);
		assert_int_equal(x.m->sparse.mem_section_phys, 0);
		sp_free(&x);
	}
}

/* Expect memory on a node without NODE_DATA to be refused, nothing allocated. */
static void sparse_bad_offline_node(void **state)
{
	struct sp x = { 0 };
	u64 reserved;

	small_machine(&x, HOLE, SZ_2M);
	assert_int_equal(memblock_add_node(&x.m->memblock, 2 * SZ_128M, SZ_128M, 3, MEMBLOCK_NONE),
			 0);
	reserved = x.m->memblock.reserved.total_size;
	assert_int_equal(sp_init(&x), -KMM_EINVAL);
	assert_string_equal(x.err,
			    "sparse_init: memory [mem 0x0000000010000000-0x0000000017ffffff] "
			    "is on node 3, which is not online");
	assert_int_equal(x.m->memblock.reserved.total_size, reserved);
	assert_int_equal(x.t->nr_lines, 0);
	sp_free(&x);
}

/* Expect a machine without memory to be refused. */
static void sparse_bad_no_memory(void **state)
{
	struct sp x = { 0 };

	sp_new(&x, KMM_ARCH_X86_64, 0);
	sp_node(&x, 0, SZ_128M);
	assert_int_equal(sp_init(&x), -KMM_EINVAL);
	assert_string_equal(x.err,
			    "sparse_init: no memory below MAX_PHYSMEM_BITS in memblock.memory");
	sp_free(&x);
}

/* Expect arm64 memory below memstart_addr (no place in the vmemmap) to be refused. */
static void sparse_bad_arm64_below_memstart(void **state)
{
	struct sp x = { 0 };

	sp_new(&x, KMM_ARCH_ARM64, PHYS_BYTES);
	assert_int_equal(memblock_add_node(&x.m->memblock, SZ_1G, SZ_1G, 0, MEMBLOCK_NONE), 0);
	sp_node(&x, 0, 2 * SZ_1G - SZ_4K);
	x.m->memstart_addr = 2 * SZ_1G;
	assert_int_equal(sp_init(&x), -KMM_EINVAL);
	assert_string_equal(x.err,
			    "sparse_init: memory [mem 0x0000000040000000-0x000000007fffffff] "
			    "has no place in the vmemmap");
	sp_free(&x);
}

/* Expect a second kmm_sparse_init() to be refused without a line printed. */
static void sparse_bad_twice(void **state)
{
	struct sp x = { 0 };

	small_machine(&x, HOLE, 8 * SZ_2M);
	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(sp_init(&x), -KMM_EEXIST);
	assert_string_equal(x.err, "sparse_init: already done");
	assert_int_equal(x.t->nr_lines, 0);
	sp_free(&x);
}

/*
 * i386 is FLATMEM: expect kmm_sparse_init() to do nothing, pfn_valid to be
 * pfn < max_pfn and struct pages at mem_map + pfn (node_mem_map being
 * node_start_pfn's); and
 * SPARSEMEM_VMEMMAP forced on i386 to be refused as not simulated.
 */
static void sparse_flatmem_i386(void **state)
{
	struct sp x = { 0 };
	struct kmm_pgdat *pg;

	small_machine(&x, HOLE, SZ_2M);
	x.m->kernel.arch = KMM_ARCH_I386;
	x.m->kernel.sparsemem_vmemmap = false;
	x.m->kernel.struct_size[KMM_STRUCT_PAGE] = 40;
	x.m->max_pfn = 0x10000;
	pg = &x.m->node[0];
	pg->node_start_pfn = 1;
	pg->node_spanned_pages = 0xffff;
	pg->node_mem_map = 0x3000028;
	assert_int_equal(sp_init(&x), 0);
	assert_int_equal(x.t->nr_lines, 0);
	assert_int_equal(x.m->sparse.mem_section_phys, 0);
	assert_true(kmm_pfn_valid(x.m, 0xffff));
	assert_false(kmm_pfn_valid(x.m, 0x10000));
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 1), 0x3000028);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x100), 0x3000000 + 0x100 * 40);
	/* pfn 0 is in the memmap too (rounded down to a MAX_ORDER block), pfn 0x10000 is not */
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0), 0x3000000);
	assert_int_equal(kmm_pfn_to_page_phys(x.m, 0x10000), KMM_PHYS_ADDR_MAX);
	assert_true(kmm_sparse_validate(x.m));

	x.m->kernel.sparsemem_vmemmap = true;
	assert_int_equal(sp_init(&x), -KMM_ENOTSUP);
	assert_string_equal(x.err,
			    "sparse_init: SPARSEMEM_VMEMMAP is not simulated on this architecture");
	sp_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_x86_64_pc_2G),
		cmocka_unit_test(sparse_x86_64_pc_4G),
		cmocka_unit_test(sparse_x86_64_pc_8G),
		cmocka_unit_test(sparse_x86_64_numa2_2G),
		cmocka_unit_test(sparse_x86_64_numa4_4G),
		cmocka_unit_test(sparse_arm64_virt_1G),
		cmocka_unit_test(sparse_arm64_dt_numa_2nodes_hole),
		cmocka_unit_test(sparse_unbacked_same_calls),
		cmocka_unit_test(sparse_lookups_pc_4G),
		cmocka_unit_test(sparse_lookups_numa2),
		cmocka_unit_test(sparse_lookups_arm64),
		cmocka_unit_test(sparse_subsection_map),
		cmocka_unit_test(sparse_validate_catches),
		cmocka_unit_test(sparse_memmap_backing_failed),
		cmocka_unit_test(sparse_usemap_allocation_failed),
		cmocka_unit_test(sparse_root_allocations_fail),
		cmocka_unit_test(sparse_basepages_fallback),
		cmocka_unit_test(sparse_memmap_from_other_node),
		cmocka_unit_test(sparse_runs_follow_section_order),
		cmocka_unit_test(sparse_buffer_leftover_freed),
		cmocka_unit_test(sparse_bad_struct_sizes),
		cmocka_unit_test(sparse_bad_offline_node),
		cmocka_unit_test(sparse_bad_no_memory),
		cmocka_unit_test(sparse_bad_arm64_below_memstart),
		cmocka_unit_test(sparse_bad_twice),
		cmocka_unit_test(sparse_flatmem_i386),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
