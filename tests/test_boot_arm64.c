// SPDX-License-Identifier: MIT
/*
 * test_boot_arm64.c - arm64's setup_arch() (src/arch/arm64) against what
 * real Linux 6.1 printed, and the memblock debugfs files.
 *
 * Inputs are what the oracle machines got: the trees in tests/fixtures/dt
 * (padded to 1 MiB and placed at 0x48200000 as QEMU does, the Image at
 * 0x40200000) and the kernel's System.map (tests/fixtures/oracle/
 * arm64-System.map, the symbols kmm reads).  Expected output:
 * tests/fixtures/oracle/arm64-<case>.bootmem, Linux's console from
 * "efi: UEFI not found." to the end of the first MEMBLOCK dump, callers cut
 * and each run of page-table pages folded into one line (see the files'
 * heads); kmm's log gets the same treatment and must be equal line by line.
 * The bad trees are fixture trees edited with libfdt, one class each, with
 * the exact lines Linux prints for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "helpers/kmm_test.h"
#include "helpers/late_fixture.h"

#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/memblock_debugfs.h>
#include <kmm/start_kernel.h>

#define BLOB_SIZE (1 << 20) /* QEMU's tree size, which Linux reserves */
#define DTB_ADDR 0x48200000ULL
#define KERNEL_LOAD 0x40200000ULL
#define PHYS_BYTES (8ULL << 30)
#define PGTABLE_REQ "memblock_phys_alloc_range: 4096 bytes align=0x1000 " \
		    "from=0x0000000000000000 max_addr=0x0000000000000001"

/* one boot: its own log (no line limit), memory from a kmm_test_env */
struct boot {
	struct kmm_env env;
	struct kmm_test_env *t;
	char **lines;
	unsigned int nr, cap;
	struct kmm_machine *m;
	struct kmm_dt *dt;
	void *blob;
	char *map;
	char err[512];
};

static void boot_log(void *opaque, const char *line)
{
	struct boot *b = opaque;

	if (b->nr == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->lines = realloc(b->lines, b->cap * sizeof(*b->lines));
		assert_non_null(b->lines);
	}
	b->lines[b->nr] = strdup(line);
	assert_non_null(b->lines[b->nr]);
	b->nr++;
}

static void *boot_p2v(void *opaque, phys_addr_t pa)
{
	struct boot *b = opaque;

	return b->t->env.phys_to_virt(b->t->env.opaque, pa);
}

static phys_addr_t boot_v2p(void *opaque, const void *va)
{
	struct boot *b = opaque;

	return b->t->env.virt_to_phys(b->t->env.opaque, va);
}

static void boot_bug(void *opaque, const char *func, const char *what)
{
	fail_msg("BUG: %s: %s", func, what);
}

/* load tests/fixtures/dt/<tree>.dtb into a 1 MiB blob, ready for edits */
static struct boot *boot_new(const char *tree)
{
	struct boot *b = calloc(1, sizeof(*b));
	char file[128];
	char *orig;

	assert_non_null(b);
	b->t = kmm_test_env_new(PHYS_BYTES);
	b->env = (struct kmm_env){ .opaque = b, .log_line = boot_log, .phys_to_virt = boot_p2v,
				   .virt_to_phys = boot_v2p, .bug = boot_bug };
	b->m = calloc(1, sizeof(*b->m));
	b->dt = malloc(sizeof(*b->dt));
	b->blob = aligned_alloc(8, BLOB_SIZE);
	assert_true(b->m && b->dt && b->blob);
	snprintf(file, sizeof(file), "%s.dtb", tree);
	orig = kmm_test_read_fixture("dt", file);
	assert_int_equal(fdt_open_into(orig, b->blob, BLOB_SIZE), 0);
	free(orig);
	b->map = kmm_test_read_fixture("oracle", "arm64-System.map");
	return b;
}

static void boot_free(struct boot *b)
{
	for (unsigned int i = 0; i < b->nr; i++)
		free(b->lines[i]);
	free(b->lines);
	free(b->map);
	free(b->blob);
	free(b->dt);
	free(b->m);
	kmm_test_env_free(b->t);
	free(b);
}

/*
 * Boot the (edited) tree with @cmdline (NULL: its /chosen bootargs) and
 * return kmm_arm64_setup_arch()'s result (b->err says why).  @syms false:
 * the System.map without the arm64 extras (init segments, idmap, init_pg_dir).
 */
static int boot_run_syms(struct boot *b, const char *cmdline, bool syms)
{
	static const char *const extra[] = { "__inittext_end", "init_pg_dir", "init_pg_end",
					     "__idmap_text_start", "__idmap_text_end",
					     "__idmap_kpti_flag" };
	struct kmm_machine *m = b->m;
	char *map = strdup(b->map), *w = map;

	assert_non_null(map);
	/* without @syms: the System.map less its arm64 extras, line by line */
	for (const char *p = b->map; !syms && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		bool drop = false;

		for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
			size_t n = strlen(extra[i]);

			drop |= len > n && !strncmp(p + len - n - (nl ? 1 : 0), extra[i], n) &&
				p[len - n - (nl ? 1 : 0) - 1] == ' ';
		}
		if (!drop) {
			memmove(w, p, len);
			w += len;
		}
		p += len;
	}
	if (!syms)
		*w = '\0';
	kmm_machine_init(m, KMM_ARCH_ARM64, &b->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, b->err, sizeof(b->err)), 0);
	free(map);
	assert_int_equal(kmm_fdt_read(b->dt, b->blob, BLOB_SIZE, b->err, sizeof(b->err)), 0);
	b->dt->blob_phys = DTB_ADDR;
	/* a malformed option is an error but parsing goes on, as in Linux */
	kmm_cmdline_parse(&m->cmdline, cmdline ? cmdline : b->dt->bootargs, b->err, sizeof(b->err));
	b->err[0] = '\0';
	return kmm_arm64_setup_arch(m, b->dt, KERNEL_LOAD, b->err, sizeof(b->err));
}

static int boot_run(struct boot *b, const char *cmdline)
{
	return boot_run_syms(b, cmdline, true);
}

static void boot_clear_log(struct boot *b)
{
	for (unsigned int i = 0; i < b->nr; i++)
		free(b->lines[i]);
	b->nr = 0;
}

/* boot with a fresh log; the boot must succeed with valid memblock */
static void boot_ok(struct boot *b, const char *cmdline)
{
	boot_clear_log(b);
	if (boot_run(b, cmdline))
		fail_msg("kmm_arm64_setup_arch: %s", b->err);
	assert_true(memblock_validate(&b->m->memblock));
}

/* the first line equal to @line, or -1 */
static int boot_find(const struct boot *b, const char *line)
{
	for (unsigned int i = 0; i < b->nr; i++) {
		char *s = strdup(b->lines[i]);
		bool eq;

		kmm_test_strip_caller(s);
		eq = !strcmp(s, line);
		free(s);
		if (eq)
			return (int)i;
	}
	return -1;
}

static void expect_line(const struct boot *b, const char *line)
{
	if (boot_find(b, line) < 0)
		fail_msg("no line \"%s\" in kmm's log", line);
}

/* each of @lines (NULL-terminated) in kmm's log, each after the one before */
static void expect_in_order(const struct boot *b, const char *const *lines)
{
	unsigned int from = 0;

	for (; *lines; lines++) {
		unsigned int i = from;

		for (; i < b->nr; i++) {
			char *s = strdup(b->lines[i]);
			bool eq;

			kmm_test_strip_caller(s);
			eq = !strcmp(s, *lines);
			free(s);
			if (eq)
				break;
		}
		if (i == b->nr)
			fail_msg("no line \"%s\" in kmm's log after line %u", *lines, from);
		from = i + 1;
	}
}

static void expect_no_line_with(const struct boot *b, const char *text)
{
	for (unsigned int i = 0; i < b->nr; i++)
		if (strstr(b->lines[i], text))
			fail_msg("unexpected line \"%s\"", b->lines[i]);
}

/* lines of kmm's log from "efi: UEFI not found." to the end of the first dump, callers cut */
static unsigned int boot_section(const struct boot *b, char ***out)
{
	char **v = calloc(b->nr + 1, sizeof(*v));
	unsigned int n = 0;
	bool on = false, dump = false;

	assert_non_null(v);
	for (unsigned int i = 0; i < b->nr; i++) {
		const char *l = b->lines[i];

		if (!on) {
			on = !strcmp(l, "efi: UEFI not found.");
			if (!on)
				continue;
		} else if (!strcmp(l, "MEMBLOCK configuration:")) {
			dump = true;
		} else if (dump && l[0] != ' ') {
			break;
		}
		v[n] = strdup(l);
		kmm_test_strip_caller(v[n++]);
	}
	*out = v;
	return n;
}

/*
 * Fold each run of early_pgtable_alloc() pages (the request line, then the
 * reservation of the page right below the previous one) into one line, as
 * the fixtures do.  Works in place; returns the new count.
 */
static unsigned int fold_pgtables(char **v, unsigned int n)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < n;) {
		unsigned long long lo, hi, a, e, pages = 0;
		char buf[160];

		while (i + 1 < n && !strcmp(v[i], PGTABLE_REQ) &&
		       sscanf(v[i + 1], "memblock_reserve: [%llx-%llx]", &a, &e) == 2 &&
		       e - a == 0xfff && (!pages || a == lo - 0x1000)) {
			if (!pages)
				hi = e;
			lo = a;
			pages++;
			free(v[i]);
			free(v[i + 1]);
			i += 2;
		}
		if (pages) {
			snprintf(buf, sizeof(buf), "early_pgtable_alloc x %llu: [0x%016llx-0x%016llx]",
				 pages, lo, hi);
			v[out++] = strdup(buf);
			continue;
		}
		v[out++] = v[i++];
	}
	return out;
}

/* Expect kmm's section to be Linux's, line for line (fixtures/oracle/arm64-@name.bootmem). */
static void expect_linux(const struct boot *b, const char *name)
{
	char file[128], **got, *want_text, *save = NULL;
	unsigned int ng, nw = 0;

	snprintf(file, sizeof(file), "arm64-%s.bootmem", name);
	want_text = kmm_test_read_fixture("oracle", file);
	ng = fold_pgtables(got, boot_section(b, &got));
	for (char *l = strtok_r(want_text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		if (nw >= ng)
			fail_msg("%s: kmm's log ends before Linux's line %u: %s", name, nw, l);
		if (strcmp(l, got[nw]))
			fail_msg("%s line %u:\n  linux: %s\n  kmm:   %s", name, nw, l, got[nw]);
		nw++;
	}
	if (nw != ng)
		fail_msg("%s: kmm has %u lines, Linux %u; the first extra: %s", name, ng, nw, got[nw]);
	for (unsigned int i = 0; i < ng; i++)
		free(got[i]);
	free(got);
	free(want_text);
}

static unsigned int count_pgtables(const struct boot *b)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < b->nr; i++)
		n += !strncmp(b->lines[i], PGTABLE_REQ, strlen(PGTABLE_REQ));
	return n;
}

static void boot_case(const char *tree, const char *cmdline)
{
	struct boot *b = boot_new(tree);

	boot_ok(b, cmdline);
	expect_linux(b, tree);
	boot_free(b);
}

/*
 * Boot @tree to the end (start_kernel's memory path and the initcalls'
 * frees) and expect Linux's late lines and final figures
 * (tests/fixtures/oracle/late-arm64-<tree>.txt).
 */
static void boot_late(const char *tree)
{
	struct boot *b = boot_new(tree);
	char file[128];

	boot_ok(b, NULL);
	if (kmm_start_kernel_early(b->m, b->err, sizeof(b->err)) ||
	    kmm_start_kernel_mm(b->m, b->err, sizeof(b->err)))
		fail_msg("boot failed: %s", b->err);
	snprintf(file, sizeof(file), "late-arm64-%s.txt", tree);
	kmm_test_expect_late(b->lines, b->nr, b->m, file);
	boot_free(b);
}

/* no swiotlb (all RAM is DMA-able); the 64 MiB default CMA area activated as MIGRATE_CMA */
static void late_arm64_virt_1G(void **state)
{
	(void)state;
	boot_late("virt-1G");
}

/* RAM above ZONE_DMA: the swiotlb, printed at once; the exact initrd end is freed page-wise */
static void late_arm64_virt_4G(void **state)
{
	(void)state;
	boot_late("virt-4G");
}

/* ---------------------------------------------------------------- Linux's logs */

/*
 * QEMU virt, 1 GiB:
 *   0x40000000 [kernel|..|initrd|dtb|..........|CMA 64M|memmap|tables] 0x80000000
 * Expect 511 page-table pages for map_kernel() (7) and the page-granular
 * linear map (512 PTE + PMD + PUD, less the 10 2 MiB blocks of the
 * kernel's text alias), init_pg_dir freed, 4 for the idmap, the 40060-byte
 * unflattened tree, of_numa_init() failing and one faked node, sparse,
 * the zones, the default CMA area below 2 GiB, and the dump.
 */
static void arm64_virt_1G(void **state)
{
	boot_case("virt-1G", NULL);
}

/* Expect 4 GiB: DMA to 4 GiB, a Normal zone, 2050 + 4 page-table pages. */
static void arm64_virt_4G(void **state)
{
	boot_case("virt-4G", NULL);
}

/*
 * Two NUMA nodes from the tree, with a hole:
 *   node 0 [0x40000000, 0x80000000)   hole   node 1 [0xc0000000, 0x140000000)
 * Expect "parsing numa-distance-map-v1", no fallback, NODE_DATA of each
 * node on its own node (node 0's below 2 GiB), per-node memmaps.
 */
static void arm64_numa_2nodes_hole(void **state)
{
	boot_case("dt-numa-2nodes-hole", NULL);
}

/* Expect no-map over reserved memory refused, both overlaps reported, then Linux's boot. */
static void arm64_rmem_nomap_overlap(void **state)
{
	boot_case("dt-rmem-nomap-overlap", NULL);
}

/* Expect the linux,cma-default pool to be the default area: no "cma: Reserved" line. */
static void arm64_rmem_cma_default(void **state)
{
	boot_case("dt-rmem-cma-default", NULL);
}

/* Expect dynamic regions placed top-down with their alignment and alloc-ranges. */
static void arm64_rmem_dynamic(void **state)
{
	boot_case("dt-rmem-dynamic", NULL);
}

/* Expect the header's /memreserve/ entries reserved after /reserved-memory. */
static void arm64_memreserve(void **state)
{
	boot_case("dt-memreserve", NULL);
}

/* Expect the no-map regions left out of the linear map: 509 + 4 page-table pages. */
static void arm64_rmem_static_nomap(void **state)
{
	boot_case("dt-rmem-static-nomap", NULL);
}

/* Expect ZONE_DMA cut at the 30 bits of the board's dma-ranges and a CMA pool from the tree. */
static void arm64_rpi4b(void **state)
{
	boot_case("board-rpi4b-bcm2711", NULL);
}

/*
 * A 4 GB Raspberry Pi 4 with its buses' dma-ranges (extra case
 * board-rpi4b-bcm2711-4G-dma-ranges, all moved up by 0x40000000):
 *   0x40000000 [RAM 0x3b400000] 0x7b400000 (GPU) 0x80000000 [RAM .. 0x13c000000)
 *   DMA windows end at 0x7fffffff (/soc, /emmc2bus), 0xffffffff (pcie)
 * Expect ZONE_DMA cut at 31 bits, a ZONE_DMA32 to 4 GiB and the rest
 * Normal, with the tree's 64 MiB CMA pool top-down in its alloc-ranges:
 * Linux's lines for that board.
 */
static void arm64_rpi4b_4G_dma_ranges(void **state)
{
	struct boot *b = boot_new("board-rpi4b-bcm2711-4G-dma-ranges");

	boot_ok(b, NULL);
	expect_in_order(b, (const char *const[]){
		"Reserved memory: created CMA memory pool at 0x0000000077400000, size 64 MiB",
		"Zone ranges:",
		"  DMA      [mem 0x0000000040000000-0x000000007fffffff]",
		"  DMA32    [mem 0x0000000080000000-0x00000000ffffffff]",
		"  Normal   [mem 0x0000000100000000-0x000000013bffffff]",
		"  node   0: [mem 0x0000000040000000-0x000000007b3fffff]",
		"  node   0: [mem 0x0000000080000000-0x000000013bffffff]",
		NULL });
	assert_int_equal(b->m->arm64_dma_phys_limit, 0x80000000);
	boot_free(b);
}

/*
 * A dynamic reusable shared-dma-pool of 3 MiB, added as the first child of
 * /reserved-memory (libfdt inserts new subnodes first).  Both regions are
 * dynamic (base 0, size 0 when sorted), equal for Linux's unstable
 * heapsort, which leaves two equal elements swapped: linux,cma is placed
 * first, at the top of RAM, then the pool below it:
 *   |......[pool 3M][linux,cma 32M]| 0x80000000
 *          ^0x7dc00000 ^0x7e000000
 * Expect the pool aligned to CMA_MIN_ALIGNMENT_BYTES (2 MiB: 0x7dc00000,
 * not 0x7dd00000), then "incorrect alignment of CMA region" (3 MiB is not
 * a multiple of 2 MiB) and the region given back; linux,cma stays the only
 * CMA area.  Linux 6.1 printed exactly this for the same tree (extra case
 * dt-rmem-2dynamic-order, /work/extra-oracle).
 */
static void arm64_rmem_cma_dynamic_alignment(void **state)
{
	struct boot *b = boot_new("dt-rmem-cma-default");
	const fdt32_t size[2] = { cpu_to_fdt32(0), cpu_to_fdt32(0x300000) };
	int rm, pool;

	rm = fdt_path_offset(b->blob, "/reserved-memory");
	assert_true(rm >= 0);
	pool = fdt_add_subnode(b->blob, rm, "pool");
	assert_true(pool >= 0);
	assert_int_equal(fdt_setprop_string(b->blob, pool, "compatible", "shared-dma-pool"), 0);
	assert_int_equal(fdt_setprop(b->blob, pool, "reusable", NULL, 0), 0);
	assert_int_equal(fdt_setprop(b->blob, pool, "size", size, sizeof(size)), 0);
	boot_ok(b, NULL);

	expect_in_order(b, (const char *const[]){
		"memblock_phys_alloc_range: 33554432 bytes align=0x400000 "
		"from=0x0000000000000000 max_addr=0xffffffffffffffff",
		"memblock_reserve: [0x000000007e000000-0x000000007fffffff]",
		"Reserved memory: created CMA memory pool at 0x000000007e000000, size 32 MiB",
		"OF: reserved mem: initialized node linux,cma, compatible id shared-dma-pool",
		"memblock_phys_alloc_range: 3145728 bytes align=0x200000 "
		"from=0x0000000000000000 max_addr=0xffffffffffffffff",
		"memblock_reserve: [0x000000007dc00000-0x000000007defffff]",
		"Reserved memory: incorrect alignment of CMA region",
		"OF: reserved mem: node pool compatible matching fail",
		"memblock_phys_free: [0x000000007dc00000-0x000000007defffff]",
		NULL });
	assert_int_equal(b->m->nr_cma_areas, 1);
	assert_int_equal(b->m->dma_contiguous_default_area, 1);
	assert_int_equal(b->m->totalcma_pages, (32 << 20) >> 12);
	boot_free(b);
}

/* one dynamic no-map shared-dma-pool child of @rm, inserted first */
static void add_dma_pool(struct boot *b, int rm, const char *name, u32 size)
{
	const fdt32_t sz[2] = { cpu_to_fdt32(0), cpu_to_fdt32(size) };
	int n = fdt_add_subnode(b->blob, rm, name);

	assert_true(n >= 0);
	assert_int_equal(fdt_setprop_string(b->blob, n, "compatible", "shared-dma-pool"), 0);
	assert_int_equal(fdt_setprop(b->blob, n, "size", sz, sizeof(sz)), 0);
	assert_int_equal(fdt_setprop(b->blob, n, "alignment", sz, sizeof(sz)), 0);
	assert_int_equal(fdt_setprop(b->blob, n, "no-map", NULL, 0), 0);
}

/*
 * The three DMA pools of the real fsl-ls1046a-rdb.dtb (bman-fbpr 16M,
 * qman-fqd 8M, qman-pfdr 32M, each aligned to its size, no-map) ahead of
 * dt-rmem-static's region at 0x50000000.  The four saved regions, sorted by
 * Linux's heapsort on (base, size), come out as bman-fbpr, qman-pfdr,
 * qman-fqd, static: not tree order.  Top-down from 0x80000000:
 *   |..[pfdr 32M 0x7c000000][..][fqd 8M 0x7e800000][bman 16M 0x7f000000]|
 * Expect Linux's lines in that order (extra case dt-rmem-ls1046a-pools-1G;
 * on the real 8 GB board, order fqd, pfdr, bman for three regions alone).
 */
static void arm64_rmem_dynamic_heap_order(void **state)
{
	struct boot *b = boot_new("dt-rmem-static");
	int rm = fdt_path_offset(b->blob, "/reserved-memory");

	assert_true(rm >= 0);
	add_dma_pool(b, rm, "qman-pfdr", 0x2000000);
	add_dma_pool(b, rm, "qman-fqd", 0x800000);
	add_dma_pool(b, rm, "bman-fbpr", 0x1000000);
	boot_ok(b, NULL);

	expect_in_order(b, (const char *const[]){
		"memblock_reserve: [0x0000000050000000-0x00000000503fffff]",
		"memblock_phys_alloc_range: 16777216 bytes align=0x1000000 "
		"from=0x0000000000000000 max_addr=0xffffffffffffffff",
		"Reserved memory: created DMA memory pool at 0x000000007f000000, size 16 MiB",
		"OF: reserved mem: initialized node bman-fbpr, compatible id shared-dma-pool",
		"memblock_phys_alloc_range: 33554432 bytes align=0x2000000 "
		"from=0x0000000000000000 max_addr=0xffffffffffffffff",
		"memblock_reserve: [0x000000007c000000-0x000000007dffffff]",
		"Reserved memory: created DMA memory pool at 0x000000007c000000, size 32 MiB",
		"OF: reserved mem: initialized node qman-pfdr, compatible id shared-dma-pool",
		"memblock_phys_alloc_range: 8388608 bytes align=0x800000 "
		"from=0x0000000000000000 max_addr=0xffffffffffffffff",
		"memblock_reserve: [0x000000007e800000-0x000000007effffff]",
		"Reserved memory: created DMA memory pool at 0x000000007e800000, size 8 MiB",
		"OF: reserved mem: initialized node qman-fqd, compatible id shared-dma-pool",
		NULL });
	boot_free(b);
}

/* ---------------------------------------------------------------- paging_init */

/*
 * rodata=on: the linear map may use 2 MiB blocks.
 *   [0x40000000 block][0x40200000 PTE: kernel starts at 0x40210000]
 *   [0x40400000 .. 0x41800000 blocks of the kernel alias][0x41800000 PTE]
 *   [0x41a00000 .. 0x80000000 blocks]
 * Expect 7 pages for the kernel image, PUD + PMD + 2 PTE pages for the
 * linear map, 4 for the idmap: 15 instead of 515.
 */
static void arm64_paging_rodata_on(void **state)
{
	struct boot *b = boot_new("virt-1G");

	boot_ok(b, "console=ttyAMA0 memblock=debug rodata=on");
	assert_int_equal(count_pgtables(b), 15);
	boot_ok(b, "console=ttyAMA0 memblock=debug rodata=full");
	assert_int_equal(count_pgtables(b), 515);
	boot_free(b);
}

/*
 * A System.map without the idmap and init_pg_dir symbols.  Expect
 * create_idmap() skipped with kmm's note (4 pages fewer) and the freed
 * init_pg_dir still [0x4220b000, 0x42210000): head.S's size rule gives the
 * same 5 pages the symbols name.
 */
static void arm64_paging_missing_syms(void **state)
{
	struct boot *b = boot_new("virt-1G");

	assert_int_equal(boot_run_syms(b, NULL, false), 0);
	expect_line(b, "kmm: System.map has no __inittext_end; mapping the init segments as one");
	expect_line(b, "kmm: System.map has no __idmap_text_start/_end; create_idmap() skipped");
	expect_line(b, "memblock_phys_free: [0x000000004220b000-0x000000004220ffff]");
	assert_int_equal(count_pgtables(b), 511);
	boot_free(b);
}

/* Expect a load address that is not page aligned refused, nothing logged. */
static void arm64_err_kernel_load(void **state)
{
	struct boot *b = boot_new("virt-1G");
	struct kmm_machine *m = b->m;

	kmm_machine_init(m, KMM_ARCH_ARM64, &b->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, b->map, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_fdt_read(b->dt, b->blob, BLOB_SIZE, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_arm64_setup_arch(m, b->dt, 0x40200800, b->err, sizeof(b->err)),
			 -KMM_EINVAL);
	assert_string_equal(b->err, "kmm_arm64_setup_arch: kernel load address 0x40200800 is not "
				    "page aligned");
	assert_int_equal(b->nr, 0);
	boot_free(b);
}

/* Expect a tree placed at an address that is not 8-byte aligned refused, as Linux halts. */
static void arm64_err_dtb_addr(void **state)
{
	struct boot *b = boot_new("virt-1G");
	struct kmm_machine *m = b->m;

	kmm_machine_init(m, KMM_ARCH_ARM64, &b->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, b->map, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_fdt_read(b->dt, b->blob, BLOB_SIZE, b->err, sizeof(b->err)), 0);
	b->dt->blob_phys = DTB_ADDR + 4;
	assert_int_equal(kmm_arm64_setup_arch(m, b->dt, KERNEL_LOAD, b->err, sizeof(b->err)),
			 -KMM_EINVAL);
	assert_string_equal(b->err, "Error: invalid device tree blob at physical address "
				    "0x0000000048200004: the dtb must be 8-byte aligned and must "
				    "not exceed 2 MB in size");
	boot_free(b);
}

/* ---------------------------------------------------------------- NUMA */

static void set_u32(struct boot *b, const char *path, const char *prop, const u32 *v, int n)
{
	fdt32_t be[16];
	int node = fdt_path_offset(b->blob, path);

	assert_true(node >= 0 && n <= 16);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_setprop(b->blob, node, prop, be, n * 4), 0);
}

/*
 * After a failed of_numa_init(): the distance table (the reservation after
 * the first 256-byte request) freed, then one node faked over all memory.
 */
static void expect_fallback(const struct boot *b)
{
	int req = boot_find(b, "memblock_alloc_try_nid: 256 bytes align=0x1000 nid=-1 "
			       "from=0x0000000000000000 max_addr=0x0000000000000000");
	unsigned long long lo, hi;
	char line[128];
	int freed, faked;

	assert_true(req >= 0 && (unsigned int)req + 1 < b->nr);
	assert_int_equal(sscanf(b->lines[req + 1], "memblock_reserve: [%llx-%llx]", &lo, &hi), 2);
	assert_int_equal(hi - lo, 0xff);
	snprintf(line, sizeof(line), "memblock_phys_free: [0x%016llx-0x%016llx]", lo, hi);
	freed = boot_find(b, line);
	faked = boot_find(b, "NUMA: Faking a node at [mem 0x0000000040000000-0x000000013fffffff]");
	assert_true(freed > req && faked > freed);
	assert_true(b->m->node[0].online);
	assert_false(b->m->node[1].online);
	assert_int_equal(b->m->node_possible_map, 1);
	assert_int_equal(b->m->numa_distance[0][1], 20);
}

/*
 * numa-node-id = <16> on memory@c0000000, MAX_NUMNODES being 16.
 * Expect Linux's warning, "bad property in memory node", the distance
 * table freed and one faked node.
 */
static void arm64_numa_err_node_id_range(void **state)
{
	struct boot *b = boot_new("dt-numa-2nodes-hole");
	static const u32 sixteen = 16;

	set_u32(b, "/memory@c0000000", "numa-node-id", &sixteen, 1);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: Node id 16 exceeds maximum value");
	expect_line(b, "OF: NUMA: bad property in memory node");
	expect_fallback(b);
	boot_free(b);
}

/* A numa-node-id of 2 bytes cannot be read: expect "bad property in memory node", a fallback. */
static void arm64_numa_err_node_id_short(void **state)
{
	struct boot *b = boot_new("dt-numa-2nodes-hole");
	int node = fdt_path_offset(b->blob, "/memory@40000000");

	assert_int_equal(fdt_setprop(b->blob, node, "numa-node-id", "\0", 2), 0);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: bad property in memory node");
	expect_no_line_with(b, "exceeds maximum value");
	expect_fallback(b);
	boot_free(b);
}

/*
 * memory@c0000000 without numa-node-id while node 0 has one: its range
 * keeps "no node" (MAX_NUMNODES).  Expect numa_register_nodes()'s warning
 * for it and a fallback.
 */
static void arm64_numa_err_memory_without_node(void **state)
{
	struct boot *b = boot_new("dt-numa-2nodes-hole");

	assert_int_equal(fdt_delprop(b->blob, fdt_path_offset(b->blob, "/memory@c0000000"),
				     "numa-node-id"), 0);
	boot_ok(b, NULL);
	expect_line(b, "NUMA: Warning: invalid memblk node 16 "
		       "[mem 0x00000000c0000000-0x000000013fffffff]");
	expect_fallback(b);
	boot_free(b);
}

static int distance_map(struct boot *b)
{
	int node = fdt_node_offset_by_compatible(b->blob, -1, "numa-distance-map-v1");

	assert_true(node >= 0);
	return node;
}

/* Expect each malformed distance-map class to print Linux's error, then a fallback. */
static void arm64_numa_err_distance_map(void **state)
{
	static const u32 self20[] = { 0, 0, 20, 0, 1, 20, 1, 1, 10 };
	struct boot *b;

	/* a length that is not whole cells */
	b = boot_new("dt-numa-2nodes-hole");
	assert_int_equal(fdt_setprop(b->blob, distance_map(b), "distance-matrix", "\0\0\0\0\0", 5), 0);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: parsing numa-distance-map-v1");
	expect_line(b, "OF: NUMA: Invalid distance-matrix");
	expect_fallback(b);
	boot_free(b);

	/* no distance-matrix at all */
	b = boot_new("dt-numa-2nodes-hole");
	assert_int_equal(fdt_delprop(b->blob, distance_map(b), "distance-matrix"), 0);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: No distance-matrix property in distance-map");
	expect_fallback(b);
	boot_free(b);

	/* a node's distance to itself must be 10 */
	b = boot_new("dt-numa-2nodes-hole");
	set_u32(b, "/distance-map", "distance-matrix", self20, 9);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: Invalid distance[node0 -> node0] = 20");
	expect_fallback(b);
	boot_free(b);
}

/*
 * Distances naming node 20 (beyond the 16-entry table) are ignored with a
 * warning printed once.  Expect the warning once, NUMA still set up from
 * the tree with node 0 -> 1 = 22, 1 -> 0 = 22.
 */
static void arm64_numa_distance_out_of_bound(void **state)
{
	static const u32 matrix[] = { 0, 0, 10, 0, 1, 22, 1, 1, 10, 20, 0, 30, 20, 1, 30 };
	struct boot *b = boot_new("dt-numa-2nodes-hole");
	int warnings = 0;

	set_u32(b, "/distance-map", "distance-matrix", matrix, 15);
	boot_ok(b, NULL);
	for (unsigned int i = 0; i < b->nr; i++)
		warnings += !strcmp(b->lines[i], "NUMA: Warning: node ids are out of bound, "
						 "from=20 to=0 distance=30");
	assert_int_equal(warnings, 1);
	expect_no_line_with(b, "from=20 to=1");
	expect_no_line_with(b, "Faking a node");
	assert_true(b->m->node[0].online && b->m->node[1].online);
	assert_int_equal(b->m->numa_distance[0][1], 22);
	assert_int_equal(b->m->numa_distance[1][0], 22);
	assert_int_equal(b->m->numa_distance_cnt, 16);
	boot_free(b);
}

/* A cpu's numa-node-id out of range is only warned about: expect NUMA from the memory nodes. */
static void arm64_numa_cpu_node_id_range(void **state)
{
	struct boot *b = boot_new("dt-numa-2nodes-hole");
	static const u32 nid = 99;

	set_u32(b, "/cpus/cpu@1", "numa-node-id", &nid, 1);
	boot_ok(b, NULL);
	expect_line(b, "OF: NUMA: Node id 99 exceeds maximum value");
	expect_no_line_with(b, "Faking a node");
	assert_int_equal(b->m->node_possible_map, 3);
	boot_free(b);
}

/* numa=off: expect no of_numa_init() attempt (one table), "NUMA disabled", one node. */
static void arm64_numa_off(void **state)
{
	struct boot *b = boot_new("dt-numa-2nodes-hole");

	boot_ok(b, "console=ttyAMA0 memblock=debug numa=off");
	expect_line(b, "NUMA: NUMA disabled");
	expect_line(b, "NUMA: Faking a node at [mem 0x0000000040000000-0x000000013fffffff]");
	expect_no_line_with(b, "numa-distance-map");
	expect_no_line_with(b, "numa_free_distance");
	assert_int_equal(b->m->node_possible_map, 1);
	boot_free(b);
}

/* ---------------------------------------------------------------- CMA, crashkernel */

/*
 * cma=64M@0x40000000 asks for a fixed area over the kernel.  Expect
 * "Failed to reserve 64 MiB" (-EBUSY) and no default area; and for
 * cma=64M@0x40100000, not 2 MiB aligned, the alignment error first.
 */
static void arm64_cma_fixed_errors(void **state)
{
	struct boot *b = boot_new("virt-1G");

	boot_ok(b, "memblock=debug cma=64M@0x40000000");
	expect_line(b, "cma: Failed to reserve 64 MiB");
	expect_no_line_with(b, "cma: Reserved");
	assert_int_equal(b->m->nr_cma_areas, 0);
	assert_int_equal(b->m->dma_contiguous_default_area, 0);
	assert_int_equal(b->m->totalcma_pages, 0);

	boot_ok(b, "memblock=debug cma=64M@0x40100000");
	expect_line(b, "cma: Region at 0x0000000040100000 must be aligned to 0x0000000000200000 bytes");
	expect_line(b, "cma: Failed to reserve 64 MiB");
	boot_free(b);
}

/*
 * crashkernel=256M on virt-1G, after the default CMA area at
 * [0x7ac00000, 0x7ec00000):
 *   |...[crash 256M][CMA 64M][memmap, tables]| 0x80000000
 * Expect the search below the DMA limit (2 GiB) and the highest free 2 MiB
 * aligned 256 MiB: [0x6ac00000, 0x7ac00000).
 */
static void arm64_crashkernel(void **state)
{
	struct boot *b = boot_new("virt-1G");

	boot_ok(b, "memblock=debug crashkernel=256M");
	expect_line(b, "memblock_phys_alloc_range: 268435456 bytes align=0x200000 "
		       "from=0x0000000000000000 max_addr=0x0000000080000000");
	expect_line(b, "crashkernel reserved: 0x000000006ac00000 - 0x000000007ac00000 (256 MB)");
	assert_int_equal(b->m->crashk_base, 0x6ac00000);
	assert_int_equal(b->m->crashk_size, 256 << 20);
	boot_free(b);
}

/*
 * crashkernel=64M,high: anywhere below the PA limit, no low part on arm64
 * 6.1 unless ",low" is given.  Expect max_addr 2^48 and [0x76c00000,
 * 0x7ac00000).  A malformed plain crashkernel= beside it reserves nothing:
 * arm64 does not fall back to ",high" as x86 does.
 */
static void arm64_crashkernel_high(void **state)
{
	struct boot *b = boot_new("virt-1G");

	boot_ok(b, "memblock=debug crashkernel=64M,high");
	expect_line(b, "memblock_phys_alloc_range: 67108864 bytes align=0x200000 "
		       "from=0x0000000000000000 max_addr=0x0001000000000000");
	expect_line(b, "crashkernel reserved: 0x0000000076c00000 - 0x000000007ac00000 (64 MB)");
	expect_no_line_with(b, "crashkernel low");

	boot_ok(b, "memblock=debug crashkernel=64Q crashkernel=64M,high");
	expect_no_line_with(b, "crashkernel");
	assert_int_equal(b->m->crashk_size, 0);
	boot_free(b);
}

/* ---------------------------------------------------------------- debugfs */

/*
 * /sys/kernel/debug/memblock/memory after dt-rmem-static-nomap's boot:
 * the no-map regions split memory into 5 regions, which later boot stages
 * do not change.  Expect Linux's file exactly.
 */
static void arm64_debugfs_memory(void **state)
{
	struct boot *b = boot_new("dt-rmem-static-nomap");
	char *want = kmm_test_read_fixture("oracle", "arm64-dt-rmem-static-nomap.memblock_memory.txt");
	char buf[4096];
	size_t len;

	boot_ok(b, NULL);
	len = kmm_memblock_debugfs_show(&b->m->memblock.memory, buf, sizeof(buf));
	assert_int_equal(len, strlen(want));
	assert_string_equal(buf, want);
	free(want);
	boot_free(b);
}

/*
 * The format on a hand-made memblock: reserved regions [0x1000, 0x3000)
 * and [0x10000, 0x10001), memory empty.  Expect "%4d: first..last", the
 * empty type's 0..0xffffffffffffffff, the full length when the buffer is
 * short (cut and terminated), and the length alone for a size of 0.
 */
static void memblock_debugfs_format(void **state)
{
	static struct memblock_region mem[4], res[4];
	struct kmm_env env = { 0 };
	struct memblock mb;
	char buf[256];
	const char *want = "   0: 0x0000000000001000..0x0000000000002fff\n"
			   "   1: 0x0000000000010000..0x0000000000010000\n";

	memblock_init(&mb, &env, mem, 4, res, 4, false, 1);
	assert_int_equal(memblock_reserve(&mb, 0x1000, 0x2000), 0);
	assert_int_equal(memblock_reserve(&mb, 0x10000, 1), 0);
	assert_int_equal(kmm_memblock_debugfs_show(&mb.reserved, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(kmm_memblock_debugfs_show(&mb.memory, buf, sizeof(buf)), 45);
	assert_string_equal(buf, "   0: 0x0000000000000000..0xffffffffffffffff\n");
	assert_int_equal(kmm_memblock_debugfs_show(&mb.reserved, buf, 10), strlen(want));
	assert_string_equal(buf, "   0: 0x0");
	assert_int_equal(kmm_memblock_debugfs_show(&mb.reserved, NULL, 0), strlen(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arm64_virt_1G),
		cmocka_unit_test(late_arm64_virt_1G),
		cmocka_unit_test(late_arm64_virt_4G),
		cmocka_unit_test(arm64_virt_4G),
		cmocka_unit_test(arm64_numa_2nodes_hole),
		cmocka_unit_test(arm64_rmem_nomap_overlap),
		cmocka_unit_test(arm64_rmem_cma_default),
		cmocka_unit_test(arm64_rmem_dynamic),
		cmocka_unit_test(arm64_memreserve),
		cmocka_unit_test(arm64_rmem_static_nomap),
		cmocka_unit_test(arm64_rpi4b),
		cmocka_unit_test(arm64_rpi4b_4G_dma_ranges),
		cmocka_unit_test(arm64_rmem_cma_dynamic_alignment),
		cmocka_unit_test(arm64_rmem_dynamic_heap_order),
		cmocka_unit_test(arm64_paging_rodata_on),
		cmocka_unit_test(arm64_paging_missing_syms),
		cmocka_unit_test(arm64_err_kernel_load),
		cmocka_unit_test(arm64_err_dtb_addr),
		cmocka_unit_test(arm64_numa_err_node_id_range),
		cmocka_unit_test(arm64_numa_err_node_id_short),
		cmocka_unit_test(arm64_numa_err_memory_without_node),
		cmocka_unit_test(arm64_numa_err_distance_map),
		cmocka_unit_test(arm64_numa_distance_out_of_bound),
		cmocka_unit_test(arm64_numa_cpu_node_id_range),
		cmocka_unit_test(arm64_numa_off),
		cmocka_unit_test(arm64_cma_fixed_errors),
		cmocka_unit_test(arm64_crashkernel),
		cmocka_unit_test(arm64_crashkernel_high),
		cmocka_unit_test(arm64_debugfs_memory),
		cmocka_unit_test(memblock_debugfs_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
