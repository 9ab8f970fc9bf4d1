// SPDX-License-Identifier: MIT
/*
 * test_explain.c - kmm explain's accounting (kmm/explain.h): every byte of
 * RAM attributed once, carve-outs by node name, CMA, the kernel image, the
 * memmap per node, and the buddy allocator at the end of boot.
 *
 * Machines: the oracle trees in tests/fixtures/dt (blob at 0x48200000 in a
 * 1 MiB slot, the Image at 0x40200000, tests/fixtures/oracle/arm64-System.map)
 * and the QEMU pc 2 GiB machine (the x86_64-pc-2G oracle inputs, which
 * `kmm explain` without options also boots).  The ownership rules are
 * checked on small synthetic memblocks driven through the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/explain.h>
#include <kmm/fdt.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/start_kernel.h>

#define BLOB_SIZE (1 << 20)
#define DTB_ADDR 0x48200000ULL
#define KERNEL_LOAD 0x40200000ULL
#define PHYS_BYTES (8ULL << 30)
#define SZ_1M (1ULL << 20)

/* one machine booted with explain watching */
struct xboot {
	struct kmm_test_env *t;
	struct kmm_env env;
	struct kmm_machine *m;
	struct kmm_explain *x;
	struct kmm_dt *dt;
	void *blob;
	char err[512];
};

static void quiet_log(void *opaque, const char *line)
{
	(void)opaque;
	(void)line;
}

static void xboot_bug(void *opaque, const char *func, const char *what)
{
	(void)opaque;
	fail_msg("BUG: %s: %s", func, what);
}

/* a machine of @arch whose env (memory of @t, if any) traces into a fresh explain */
static struct xboot *xboot_new(enum kmm_arch arch, u64 phys_bytes)
{
	struct xboot *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->t = kmm_test_env_new(phys_bytes);
	b->env = b->t->env;
	b->env.log_line = quiet_log;
	b->env.bug = xboot_bug;
	b->env.memblock_trace = kmm_explain_trace;
	b->m = calloc(1, sizeof(*b->m));
	b->x = calloc(1, sizeof(*b->x));
	assert_true(b->m && b->x);
	b->env.memblock_trace_cookie = b->x;
	kmm_machine_init(b->m, arch, &b->env);
	kmm_explain_init(b->x, b->m);
	return b;
}

static void xboot_free(struct xboot *b)
{
	free(b->blob);
	free(b->dt);
	free(b->x);
	free(b->m);
	kmm_test_env_free(b->t);
	free(b);
}

/*
 * Boot tests/fixtures/dt/@tree.dtb with @cmdline (NULL: its bootargs) through
 * setup_arch() (the MEMBLOCK dump), and on to the end of boot when @full.
 */
static struct xboot *boot_arm64(const char *tree, const char *cmdline, bool full)
{
	struct xboot *b = xboot_new(KMM_ARCH_ARM64, PHYS_BYTES);
	char file[128], *orig, *map;

	b->dt = malloc(sizeof(*b->dt));
	b->blob = aligned_alloc(8, BLOB_SIZE);
	assert_true(b->dt && b->blob);
	snprintf(file, sizeof(file), "%s.dtb", tree);
	orig = kmm_test_read_fixture("dt", file);
	assert_int_equal(fdt_open_into(orig, b->blob, BLOB_SIZE), 0);
	free(orig);
	map = kmm_test_read_fixture("oracle", "arm64-System.map");
	assert_int_equal(kmm_kernel_parse_system_map(&b->m->kernel, map, b->err, sizeof(b->err)), 0);
	free(map);
	assert_int_equal(kmm_fdt_read(b->dt, b->blob, BLOB_SIZE, b->err, sizeof(b->err)), 0);
	b->dt->blob_phys = DTB_ADDR;
	assert_int_equal(kmm_cmdline_parse(&b->m->cmdline, cmdline ? cmdline : b->dt->bootargs,
					   b->err, sizeof(b->err)), 0);
	if (kmm_arm64_setup_arch(b->m, b->dt, KERNEL_LOAD, b->err, sizeof(b->err)))
		fail_msg("setup_arch: %s", b->err);
	if (full) {
		if (kmm_start_kernel_early(b->m, b->err, sizeof(b->err)) ||
		    kmm_start_kernel_mm(b->m, b->err, sizeof(b->err)))
			fail_msg("boot: %s", b->err);
		b->m->booted = true;
		if (kmm_explain_finish(b->x, b->err, sizeof(b->err)))
			fail_msg("kmm_explain_finish: %s", b->err);
	}
	return b;
}

/* the QEMU pc 2 GiB machine (kmm's built-in default), booted to the end */
static struct xboot *boot_x86_pc_2G(void)
{
	struct xboot *b = xboot_new(KMM_ARCH_X86_64, 64ULL << 30);
	char *inputs = kmm_test_read_fixture("oracle", "x86_64-pc-2G.inputs");
	char *cmdline = kmm_test_read_fixture("oracle", "x86_64-pc-2G.cmdline");
	char *map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	char *cfg = kmm_test_read_fixture("oracle", "x86_64.config");
	struct kmm_machine *m = b->m;

	cmdline[strcspn(cmdline, "\n")] = '\0';
	if (kmm_test_boot_x86(m, inputs, cmdline, map, cfg, b->err, sizeof(b->err)))
		fail_msg("boot: %s", b->err);
	m->booted = true;
	if (kmm_explain_finish(b->x, b->err, sizeof(b->err)))
		fail_msg("kmm_explain_finish: %s", b->err);
	free(inputs);
	free(cmdline);
	free(map);
	free(cfg);
	return b;
}

static u64 bytes(const struct xboot *b, const struct kmm_explain_report *r,
		 enum kmm_explain_cat cat, const char *label)
{
	return kmm_explain_bytes(b->x, r, cat, label);
}

/* RAM of the tree's memory nodes, summed */
static u64 dt_ram(const struct kmm_dt *dt)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < dt->nr_memory; i++)
		for (unsigned int j = 0; j < dt->memory[i].nr_reg; j++)
			sum += dt->memory[i].reg[j].size;
	return sum;
}

/* the report tiles the RAM: every range once, adding up to exactly @ram */
static void expect_tiles(const struct kmm_explain_report *r, u64 ram)
{
	struct kmm_explain_cause causes[KMM_EXPLAIN_MAX_LABELS];
	unsigned int n = kmm_explain_causes(r, causes, KMM_EXPLAIN_MAX_LABELS);
	u64 sum = 0;

	assert_true(r->done);
	assert_true(kmm_explain_validate(r));
	assert_int_equal(r->ram, ram);
	for (unsigned int i = 0; i < n; i++)
		sum += causes[i].bytes;
	assert_int_equal(sum, ram);
}

/* at the end of boot the free category is exactly what the buddy allocator manages (CMA apart) */
static void expect_buddy(const struct xboot *b)
{
	const struct kmm_explain_report *r = &b->x->end_of_boot;

	assert_int_equal(bytes(b, r, KMM_EXPLAIN_FREE, NULL) / 4096 + r->cma_in_buddy,
			 r->managed_pages);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_UNTRACED, NULL), 0);
}

/* ---------------------------------------------------------------- arm64 trees */

/*
 * QEMU virt 1 GiB with two static no-map carve-outs:
 *   0x40000000 [kernel]..[initrd|dtb]..[nomap@50000000 4M]..[nomap@5a010000 192K]..[CMA 64M]..
 * Expect each carve-out under its node name with its reg size, the default
 * CMA area (64 MiB, "reserved"), the kernel's sections as System.map gives
 * them, 16 MiB of struct pages on node 0, and both reports adding up to
 * the 1 GiB of the memory node.
 */
static void explain_arm64_static_nomap(void **state)
{
	struct xboot *b = boot_arm64("dt-rmem-static-nomap", NULL, true);
	const struct kmm_kernel_syms *s = &b->m->kernel.sym;
	const struct kmm_explain_report *r = &b->x->memblock_stage;
	u64 ram = dt_ram(b->dt);

	(void)state;
	assert_int_equal(ram, 1ULL << 30);
	expect_tiles(r, ram);
	expect_tiles(&b->x->end_of_boot, ram);
	expect_buddy(b);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_NOMAP, "nomap@50000000"), 0x400000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_NOMAP, "nomap@5a010000"), 0x30000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_NOMAP, NULL), 0x430000);
	assert_int_equal(bytes(b, &b->x->end_of_boot, KMM_EXPLAIN_NOMAP, "nomap@5a010000"), 0x30000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_CMA, "reserved (default CMA area)"), 64 * SZ_1M);
	/* at the end of boot the area is in the buddy allocator as MIGRATE_CMA */
	assert_int_equal(bytes(b, &b->x->end_of_boot, KMM_EXPLAIN_CMA, NULL), 64 * SZ_1M);
	assert_int_equal(b->x->end_of_boot.cma_in_buddy, 64 * SZ_1M / 4096);
	/* the image from _stext (the 64K header is not reserved) to _end, minus init_pg_dir */
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, "kernel text"), s->etext - s->stext);
	/* this System.map has no __end_rodata: rodata is not told apart from the rest */
	assert_int_equal(s->end_rodata, 0);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, "kernel rodata"), 0);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, "kernel data"), s->edata - s->sdata);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, "kernel bss"), s->bss_stop - s->bss_start);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, NULL),
			 s->end - s->stext -
				 (b->m->kernel.sym.init_pg_end - b->m->kernel.sym.init_pg_dir));
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_DTB, "device tree blob"), BLOB_SIZE);
	/* virt's initrd [0x48000000, 0x480f1846), page-aligned */
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_INITRD, "initrd"), 0xf2000);
	/* 1 GiB = 262144 pages of 64-byte struct page */
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_MEMMAP, "memmap (struct pages) node 0"), 16 * SZ_1M);
	/* free_initmem() gave the init sections to the buddy allocator */
	assert_int_equal(bytes(b, &b->x->end_of_boot, KMM_EXPLAIN_KERNEL, "kernel init"), 0);
	assert_int_equal(bytes(b, &b->x->end_of_boot, KMM_EXPLAIN_FREE,
			       "buddy (freed late: kernel init)"),
			 s->init_end - s->init_begin);
	xboot_free(b);
}

/* a dynamic region (size 8M, alloc-ranges) is owned by its node: "dyn-pool", 8 MiB */
static void explain_arm64_dynamic(void **state)
{
	struct xboot *b = boot_arm64("dt-rmem-dynamic", NULL, false);
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	expect_tiles(r, dt_ram(b->dt));
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_RESERVED_MEM, "dyn-pool"), 8 * SZ_1M);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_RESERVED_MEM, NULL), 8 * SZ_1M);
	xboot_free(b);
}

/* the header's /memreserve/ entries: 4K + 2M + 0x1800 (unaligned, byte-exact) + 1M */
static void explain_arm64_memreserve(void **state)
{
	struct xboot *b = boot_arm64("dt-memreserve", NULL, false);
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	expect_tiles(r, dt_ram(b->dt));
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_MEMRESERVE, "/memreserve/"),
			 0x1000 + 0x200000 + 0x1800 + 0x100000);
	xboot_free(b);
}

/* linux,cma in the tree replaces the default area: 32 MiB under its node name */
static void explain_arm64_cma_node(void **state)
{
	struct xboot *b = boot_arm64("dt-rmem-cma-default", NULL, false);
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	expect_tiles(r, dt_ram(b->dt));
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_CMA, "linux,cma (default CMA area)"), 32 * SZ_1M);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_CMA, NULL), 32 * SZ_1M);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_RESERVED_MEM, NULL), 0);
	xboot_free(b);
}

/*
 * Two nodes with a hole: node 0 1 GiB, node 1 2 GiB.  Expect the memmap
 * per node (2 MiB of struct pages per 128 MiB section: 16 MiB and 32 MiB)
 * and the RAM of both nodes only (the hole is not RAM).
 */
static void explain_arm64_numa_memmap(void **state)
{
	struct xboot *b = boot_arm64("dt-numa-2nodes-hole", NULL, true);
	const struct kmm_explain_report *r = &b->x->end_of_boot;

	(void)state;
	assert_int_equal(dt_ram(b->dt), 3ULL << 30);
	expect_tiles(&b->x->memblock_stage, 3ULL << 30);
	expect_tiles(r, 3ULL << 30);
	expect_buddy(b);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_MEMMAP, "memmap (struct pages) node 0"), 16 * SZ_1M);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_MEMMAP, "memmap (struct pages) node 1"), 32 * SZ_1M);
	xboot_free(b);
}

/* mem=768M on 1 GiB: the top 256 MiB are removed by memblock_cap_memory_range, still counted */
static void explain_arm64_mem_limit(void **state)
{
	struct xboot *b = boot_arm64("virt-1G", "console=ttyAMA0 mem=768M", false);
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	expect_tiles(r, 1ULL << 30);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_REMOVED, "memblock_cap_memory_range"), 256 * SZ_1M);
	xboot_free(b);
}

/* ---------------------------------------------------------------- x86 */

/*
 * QEMU pc 2 GiB: the RAM is the e820 usable map (0x9fc00 + the rest);
 * memblock_trim_memory() cuts 3 KiB (the partial page below 0x9fc00)
 * and that is counted as removed.  The kernel text from _text, the initrd
 * from the boot loader's RAMDISK, the whole first MiB and the buddy
 * allocator's managed pages all come out exactly.
 */
static void explain_x86_default_machine(void **state)
{
	struct xboot *b = boot_x86_pc_2G();
	const struct e820_table *t = &b->m->e820.table;
	const struct kmm_kernel_syms *s = &b->m->kernel.sym;
	const struct kmm_explain_report *r = &b->x->memblock_stage, *e = &b->x->end_of_boot;
	u64 ram = 0;

	(void)state;
	for (unsigned int i = 0; i < t->nr_entries; i++)
		if (t->entries[i].type == E820_TYPE_RAM)
			ram += t->entries[i].size;
	expect_tiles(r, ram);
	expect_tiles(e, ram);
	expect_buddy(b);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_REMOVED, "memblock_trim_memory"), 0xc00);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_KERNEL, "kernel text"), s->etext - s->text);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_INITRD, "initrd"),
			 KMM_ALIGN(b->m->boot.ramdisk_end + 1, 4096) - b->m->boot.ramdisk_start);
	/* below 1 MiB: usable RAM is [0x1000, 0x9f000) after the trim, all reserved by the end */
	assert_int_equal(bytes(b, e, KMM_EXPLAIN_X86_SETUP, NULL), 0x9f000 - 0x1000);
	assert_int_equal(bytes(b, e, KMM_EXPLAIN_MEMMAP, "memmap (struct pages) node 0"), 32 * SZ_1M);
	assert_int_equal(bytes(b, e, KMM_EXPLAIN_HASH_TABLES, "Dentry cache"), 2 * SZ_1M);
	assert_int_equal(bytes(b, e, KMM_EXPLAIN_UNTRACED, NULL), 0);
	xboot_free(b);
}

/* ---------------------------------------------------------------- ownership rules */

/* a machine with only memblock (no kernel, no memory backing): the rules alone */
static struct xboot *synthetic(void)
{
	struct xboot *b = xboot_new(KMM_ARCH_X86_64, 0);
	struct kmm_machine *m = b->m;

	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions, INIT_MEMBLOCK_REGIONS, false, 1);
	return b;
}

/*
 *   0x100000                                                     0x200000
 *   |   [a.....a][b....b]      [carve]                      [c]|
 *   reserve a 0x110000-0x130000, reserve b 0x120000-0x140000 (its first
 *   half is a's already), free 0x110000-0x118000, no-map "carve"
 *   0x180000-0x190000, phys-alloc c (4K, top-down: 0x1ff000).
 * Expect a 0x18000 bytes, b 0x10000, carve 0x10000 no-map, c 0x1000 as
 * an early allocation of this function, the rest free.
 */
static void explain_first_reservation_owns(void **state)
{
	struct xboot *b = synthetic();
	struct memblock *mb = &b->m->memblock;
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	assert_int_equal(memblock_add(mb, 0x100000, 0x100000), 0);
	assert_int_equal(memblock_reserve_caller(mb, 0x110000, 0x20000, "a"), 0);
	assert_int_equal(memblock_reserve_caller(mb, 0x120000, 0x20000, "b"), 0);
	assert_int_equal(memblock_phys_free(mb, 0x110000, 0x8000), 0);
	mb->trace_label = "carve";
	assert_int_equal(memblock_mark_nomap(mb, 0x180000, 0x10000), 0);
	mb->trace_label = NULL;
	assert_int_equal(memblock_phys_alloc(mb, 0x1000, 0x1000), 0x1ff000);
	memblock_dump_all(mb);

	expect_tiles(r, 0x100000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_OTHER, "a"), 0x18000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_OTHER, "b"), 0x10000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_NOMAP, "carve"), 0x10000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_OTHER, "explain_first_reservation_owns"), 0x1000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_FREE, NULL), 0x100000 - 0x18000 - 0x10000 - 0x10000 -
								     0x1000);
	/* the second dump does not replace the memblock-stage report */
	assert_int_equal(memblock_reserve_caller(mb, 0x150000, 0x1000, "late"), 0);
	memblock_dump_all(mb);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_OTHER, "late"), 0);
	assert_int_equal(b->x->nr_dumps, 2);
	xboot_free(b);
}

/* memory removed by memblock_remove() stays in the total, under its caller */
static void explain_removed_memory(void **state)
{
	struct xboot *b = synthetic();
	struct memblock *mb = &b->m->memblock;
	const struct kmm_explain_report *r = &b->x->memblock_stage;

	(void)state;
	assert_int_equal(memblock_add(mb, 0x100000, 0x100000), 0);
	assert_int_equal(memblock_remove_caller(mb, 0x1c0000, 0x80000, "limit"), 0);
	memblock_dump_all(mb);
	expect_tiles(r, 0x100000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_REMOVED, "limit"), 0x40000);
	assert_int_equal(bytes(b, r, KMM_EXPLAIN_FREE, NULL), 0xc0000);
	xboot_free(b);
}

/* ---------------------------------------------------------------- errors */

/* no hook installed: nothing traced, -KMM_ENOENT with the reason */
static void explain_no_trace(void **state)
{
	struct xboot *b = synthetic();
	char err[160];

	(void)state;
	b->env.memblock_trace = NULL;
	b->m->env.memblock_trace = NULL;
	assert_int_equal(memblock_add(&b->m->memblock, 0x100000, 0x100000), 0);
	memblock_dump_all(&b->m->memblock);
	assert_int_equal(kmm_explain_finish(b->x, err, sizeof(err)), -KMM_ENOENT);
	assert_string_equal(err, "explain: no memblock event seen (is env->memblock_trace set?)");
	xboot_free(b);
}

/* memory added but no MEMBLOCK dump reached: -KMM_ENOENT */
static void explain_no_dump(void **state)
{
	struct xboot *b = synthetic();
	char err[160];

	(void)state;
	assert_int_equal(memblock_add(&b->m->memblock, 0x100000, 0x100000), 0);
	assert_int_equal(kmm_explain_finish(b->x, err, sizeof(err)), -KMM_ENOENT);
	assert_string_equal(err, "explain: the boot never reached a MEMBLOCK dump");
	assert_false(b->x->memblock_stage.done);
	xboot_free(b);
}

/* a dump but no finished boot: -KMM_EINVAL, the memblock stage still valid */
static void explain_not_booted(void **state)
{
	struct xboot *b = synthetic();
	char err[160];

	(void)state;
	assert_int_equal(memblock_add(&b->m->memblock, 0x100000, 0x100000), 0);
	memblock_dump_all(&b->m->memblock);
	assert_int_equal(kmm_explain_finish(b->x, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, "explain: the machine did not finish booting; only the memblock "
				 "stage is known");
	assert_true(b->x->memblock_stage.done);
	assert_false(b->x->end_of_boot.done);
	xboot_free(b);
}

/* more owners than the owner map holds: -KMM_EOVERFLOW, no report */
static void explain_too_many_ranges(void **state)
{
	struct xboot *b = synthetic();
	char err[160];

	(void)state;
	assert_int_equal(memblock_add(&b->m->memblock, 0, 1ULL << 30), 0);
	for (u64 i = 0; i <= KMM_EXPLAIN_MAX_RANGES; i++) {
		/* alternating owners never merge */
		struct memblock_trace_event ev = { MEMBLOCK_TRACE_RESERVE, i * 0x1000, 0x1000,
						   i & 1 ? "odd" : "even", NULL };

		kmm_explain_trace(b->x, &b->m->memblock, &ev);
	}
	memblock_dump_all(&b->m->memblock);
	assert_int_equal(kmm_explain_finish(b->x, err, sizeof(err)), -KMM_EOVERFLOW);
	assert_string_equal(err, "explain: more than KMM_EXPLAIN_MAX_RANGES ranges");
	assert_false(b->x->memblock_stage.done);
	xboot_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explain_first_reservation_owns),
		cmocka_unit_test(explain_removed_memory),
		cmocka_unit_test(explain_no_trace),
		cmocka_unit_test(explain_no_dump),
		cmocka_unit_test(explain_not_booted),
		cmocka_unit_test(explain_too_many_ranges),
		cmocka_unit_test(explain_arm64_dynamic),
		cmocka_unit_test(explain_arm64_memreserve),
		cmocka_unit_test(explain_arm64_cma_node),
		cmocka_unit_test(explain_arm64_mem_limit),
		cmocka_unit_test(explain_arm64_static_nomap),
		cmocka_unit_test(explain_arm64_numa_memmap),
		cmocka_unit_test(explain_x86_default_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
