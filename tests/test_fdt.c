// SPDX-License-Identifier: MIT
/*
 * test_fdt.c - the device-tree reader (src/fw/fdt.c).
 *
 * Real trees: tests/fixtures/dt/<case>.dtb, compiled with
 * `dtc -q -I dts -O dtb` from the oracle's arm64 board.final.dts (the .dts
 * sits next to each .dtb); every assertion restates what that .dts says.
 * Malformed trees: a valid blob patched in memory with libfdt, one test per
 * class of error, each asserting the exact message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <libfdt.h>

#include <kmm/error.h>
#include <kmm/fdt.h>

#define SZ_4K 0x1000ULL
#define SZ_1M (1ULL << 20)
#define SZ_1G (1ULL << 30)
#define BLOB_SPACE 65536

struct fix {
	struct kmm_dt dt;
	char err[512];
	u64 blob[BLOB_SPACE / 8]; /* 8-byte aligned, as libfdt wants */
	size_t size;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

#define FIX struct fix *f = *state

/* load fixtures/dt/<name>.dtb into f->blob, with room to grow for patches */
static void load(struct fix *f, const char *name)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dt/%s.dtb", KMM_FIXTURES, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	f->size = fread(f->blob, 1, sizeof(f->blob), fp);
	fclose(fp);
	assert_true(f->size > 0 && f->size < sizeof(f->blob));
	assert_int_equal(fdt_open_into(f->blob, f->blob, sizeof(f->blob)), 0);
	f->size = sizeof(f->blob);
}

static int read_ok(struct fix *f)
{
	int ret = kmm_fdt_read(&f->dt, f->blob, f->size, f->err, sizeof(f->err));

	if (ret)
		fail_msg("kmm_fdt_read: %d: %s", ret, f->err);
	return ret;
}

static void expect_error(struct fix *f, int ret, const char *msg)
{
	assert_int_equal(kmm_fdt_read(&f->dt, f->blob, f->size, f->err, sizeof(f->err)), ret);
	assert_string_equal(f->err, msg);
}

static int node(struct fix *f, const char *path)
{
	int off = fdt_path_offset(f->blob, path);

	assert_true(off >= 0);
	return off;
}

static void set_cells(struct fix *f, const char *path, const char *prop, const u32 *cells,
		      int n)
{
	fdt32_t be[256];

	assert_true(n <= 256);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	assert_int_equal(fdt_setprop(f->blob, node(f, path), prop, be, n * 4), 0);
}

#define RANGE_EQ(r, b, s)                          \
	do {                                       \
		assert_int_equal((r).base, (b));   \
		assert_int_equal((r).size, (s));   \
	} while (0)

static const char *const BOOTARGS =
	"console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init nokaslr memblock=debug panic=-1";

/*
 * virt-1G: QEMU's own tree.
 *   memory@40000000  [0x40000000, 0x80000000)
 *   /chosen          bootargs, initrd [0x48000000, 0x480f1846)
 * Expect the root's 2/2 cells, one memory node, nothing reserved, one cpu,
 * no dma-ranges (DMA limit = PHYS_ADDR_MAX).
 */
static void fdt_read_virt_1G(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;

	load(f, "virt-1G");
	read_ok(f);
	assert_int_equal(dt->totalsize, fdt_totalsize(f->blob));
	assert_int_equal(dt->addr_cells, 2);
	assert_int_equal(dt->size_cells, 2);
	assert_true(dt->has_chosen && dt->has_bootargs);
	assert_string_equal(dt->bootargs, BOOTARGS);
	assert_true(dt->has_initrd);
	assert_int_equal(dt->initrd_start, 0x48000000);
	assert_int_equal(dt->initrd_end, 0x480f1846);
	assert_int_equal(dt->nr_usable_mem_range, 0);
	assert_false(dt->has_elfcorehdr);
	assert_int_equal(dt->nr_memory, 1);
	assert_string_equal(dt->memory[0].name, "memory@40000000");
	assert_int_equal(dt->memory[0].nr_reg, 1);
	RANGE_EQ(dt->memory[0].reg[0], 0x40000000, SZ_1G);
	assert_false(dt->memory[0].usable_memory || dt->memory[0].hotpluggable);
	assert_false(dt->memory[0].has_nid);
	assert_int_equal(dt->nr_memreserve, 0);
	assert_false(dt->has_reserved_memory);
	assert_int_equal(dt->nr_rmem, 0);
	assert_int_equal(dt->nr_cpus, 1);
	assert_int_equal(dt->cpus[0].hwid, 0);
	assert_false(dt->cpus[0].has_nid || dt->cpus[0].failed);
	assert_false(dt->has_distance_map);
	assert_int_equal(dt->nr_dma_ranges, 0);
	assert_int_equal(dt->dma_max_cpu_addr, KMM_PHYS_ADDR_MAX);
}

/* dt-memreserve: four /memreserve/ lines.  Expect them in header order. */
static void fdt_read_memreserve(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;

	load(f, "dt-memreserve");
	read_ok(f);
	assert_int_equal(dt->nr_memreserve, 4);
	RANGE_EQ(dt->memreserve[0], 0x40000000, SZ_4K);
	RANGE_EQ(dt->memreserve[1], 0x50000000, 2 * SZ_1M);
	RANGE_EQ(dt->memreserve[2], 0x60000800, 0x1800);
	RANGE_EQ(dt->memreserve[3], 0x7f000000, SZ_1M);
}

/* dt-rmem-static: static@50000000 reg [0x50000000, +4M), mapped, no compatible */
static void fdt_read_rmem_static(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	struct kmm_dt_rmem *r = &dt->rmem[0];

	load(f, "dt-rmem-static");
	read_ok(f);
	assert_true(dt->has_reserved_memory && dt->rmem_has_ranges);
	assert_int_equal(dt->rmem_addr_cells, 2);
	assert_int_equal(dt->rmem_size_cells, 2);
	assert_false(dt->rmem_unsupported);
	assert_int_equal(dt->nr_rmem, 1);
	assert_string_equal(r->name, "static@50000000");
	assert_int_equal(r->kind, KMM_DT_RMEM_STATIC);
	assert_true(r->available);
	assert_string_equal(r->status, "");
	assert_int_equal(r->nr_reg, 1);
	RANGE_EQ(r->reg[0], 0x50000000, 4 * SZ_1M);
	assert_false(r->no_map || r->reusable || r->cma_default || r->shared_dma_pool);
	assert_string_equal(r->compatible, "");
	assert_false(r->has_size || r->has_alignment || r->has_alloc_ranges);
}

/* dt-rmem-static-nomap: two no-map regions, the second not 2M aligned */
static void fdt_read_rmem_static_nomap(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;

	load(f, "dt-rmem-static-nomap");
	read_ok(f);
	assert_int_equal(dt->nr_rmem, 2);
	assert_string_equal(dt->rmem[0].name, "nomap@50000000");
	assert_true(dt->rmem[0].no_map);
	RANGE_EQ(dt->rmem[0].reg[0], 0x50000000, 4 * SZ_1M);
	assert_string_equal(dt->rmem[1].name, "nomap@5a010000");
	assert_true(dt->rmem[1].no_map);
	RANGE_EQ(dt->rmem[1].reg[0], 0x5a010000, 0x30000);
}

/* dt-rmem-dynamic: dyn-pool size 8M, alignment 2M, alloc-ranges [0x60000000, +256M) */
static void fdt_read_rmem_dynamic(void **state)
{
	FIX;
	struct kmm_dt_rmem *r = &f->dt.rmem[0];

	load(f, "dt-rmem-dynamic");
	read_ok(f);
	assert_int_equal(f->dt.nr_rmem, 1);
	assert_string_equal(r->name, "dyn-pool");
	assert_int_equal(r->kind, KMM_DT_RMEM_DYNAMIC);
	assert_false(r->has_reg);
	assert_true(r->has_size && !r->size_invalid);
	assert_int_equal(r->size, 8 * SZ_1M);
	assert_true(r->has_alignment && !r->alignment_invalid);
	assert_int_equal(r->alignment, 2 * SZ_1M);
	assert_true(r->has_alloc_ranges && !r->alloc_ranges_invalid);
	assert_int_equal(r->nr_alloc_ranges, 1);
	RANGE_EQ(r->alloc_ranges[0], 0x60000000, 256 * SZ_1M);
}

/* dt-rmem-cma-default: linux,cma shared-dma-pool reusable cma-default 32M align 4M */
static void fdt_read_rmem_cma_default(void **state)
{
	FIX;
	struct kmm_dt_rmem *r = &f->dt.rmem[0];

	load(f, "dt-rmem-cma-default");
	read_ok(f);
	assert_int_equal(f->dt.nr_rmem, 1);
	assert_string_equal(r->name, "linux,cma");
	assert_int_equal(r->kind, KMM_DT_RMEM_DYNAMIC);
	assert_string_equal(r->compatible, "shared-dma-pool");
	assert_true(r->shared_dma_pool && r->reusable && r->cma_default);
	assert_false(r->no_map);
	assert_int_equal(r->size, 32 * SZ_1M);
	assert_int_equal(r->alignment, 4 * SZ_1M);
	assert_false(r->has_alloc_ranges);
}

/*
 * dt-numa-2nodes-hole:
 *   memory@40000000 node 0 [0x40000000, 0x80000000)
 *   (hole)                 [0x80000000, 0xc0000000)
 *   memory@c0000000 node 1 [0xc0000000, 0x140000000)
 * cpu@0 on node 0, cpu@1 on node 1, distance-map 10/22.
 */
static void fdt_read_numa_2nodes_hole(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	static const struct kmm_dt_distance want[] = {
		{ 0, 0, 10 }, { 0, 1, 22 }, { 1, 0, 22 }, { 1, 1, 10 },
	};

	load(f, "dt-numa-2nodes-hole");
	read_ok(f);
	assert_int_equal(dt->nr_memory, 2);
	assert_string_equal(dt->memory[1].name, "memory@c0000000");
	RANGE_EQ(dt->memory[0].reg[0], 0x40000000, SZ_1G);
	RANGE_EQ(dt->memory[1].reg[0], 0xc0000000, 2 * SZ_1G);
	for (unsigned int i = 0; i < 2; i++) {
		assert_true(dt->memory[i].has_nid && !dt->memory[i].nid_bad);
		assert_int_equal(dt->memory[i].nid, i);
		assert_true(dt->cpus[i].has_nid);
		assert_int_equal(dt->cpus[i].nid, i);
		assert_int_equal(dt->cpus[i].hwid, i);
	}
	assert_int_equal(dt->nr_cpus, 2);
	assert_true(dt->has_distance_map && dt->has_distance_matrix);
	assert_false(dt->distance_matrix_invalid);
	assert_int_equal(dt->nr_distances, 4);
	assert_memory_equal(dt->distances, want, sizeof(want));
}

/*
 * board-rpi4b-bcm2711: the Pi's memory node with two entries
 *   [0x40000000, 0x7b400000) [0x80000000, 0xc0000000)
 * /memreserve/ [0x40000000, +4K), linux,cma 64M in alloc-ranges
 * [0x40000000, +1G), and a disabled no-map nvram@40000000 of size 0.
 */
static void fdt_read_rpi4b(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	struct kmm_dt_rmem *cma = &dt->rmem[0], *nv = &dt->rmem[1];

	load(f, "board-rpi4b-bcm2711");
	read_ok(f);
	assert_int_equal(dt->nr_memory, 1);
	assert_int_equal(dt->memory[0].nr_reg, 2);
	RANGE_EQ(dt->memory[0].reg[0], 0x40000000, 0x3b400000);
	RANGE_EQ(dt->memory[0].reg[1], 0x80000000, SZ_1G);
	assert_int_equal(dt->nr_memreserve, 1);
	RANGE_EQ(dt->memreserve[0], 0x40000000, SZ_4K);
	assert_int_equal(dt->nr_rmem, 2);
	assert_string_equal(cma->name, "linux,cma");
	assert_int_equal(cma->kind, KMM_DT_RMEM_DYNAMIC);
	assert_true(cma->shared_dma_pool && cma->reusable && cma->cma_default && cma->available);
	assert_int_equal(cma->size, 64 * SZ_1M);
	assert_false(cma->has_alignment);
	assert_int_equal(cma->nr_alloc_ranges, 1);
	RANGE_EQ(cma->alloc_ranges[0], 0x40000000, SZ_1G);
	assert_string_equal(nv->name, "nvram@40000000");
	assert_int_equal(nv->kind, KMM_DT_RMEM_STATIC);
	assert_false(nv->available);
	assert_string_equal(nv->status, "disabled");
	assert_true(nv->no_map);
	assert_string_equal(nv->compatible, "raspberrypi,bootloader-config");
	assert_false(nv->shared_dma_pool);
	assert_int_equal(nv->nr_reg, 1);
	RANGE_EQ(nv->reg[0], 0x40000000, 0);
}

/*
 * A memory node with linux,usable-memory, hotpluggable, and a disabled one:
 * Expect linux,usable-memory to win over reg, and the disabled node skipped.
 */
static void fdt_read_memory_rules(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	static const u32 usable[] = { 0, 0x40000000, 0, 0x10000000 };
	static const u32 reg2[] = { 1, 0, 0, 0x40000000 };
	int off;

	load(f, "virt-1G");
	set_cells(f, "/memory@40000000", "linux,usable-memory", usable, 4);
	assert_int_equal(fdt_setprop(f->blob, node(f, "/memory@40000000"), "hotpluggable", NULL, 0), 0);
	off = fdt_add_subnode(f->blob, 0, "memory@100000000");
	assert_true(off >= 0);
	assert_int_equal(fdt_setprop_string(f->blob, off, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop_string(f->blob, off, "status", "disabled"), 0);
	set_cells(f, "/memory@100000000", "reg", reg2, 4);
	read_ok(f);
	assert_int_equal(dt->nr_memory, 1);
	assert_true(dt->memory[0].usable_memory && dt->memory[0].hotpluggable);
	RANGE_EQ(dt->memory[0].reg[0], 0x40000000, 0x10000000);

	/* status = "okay" makes it count; fdt_add_subnode put it first */
	assert_int_equal(fdt_setprop_string(f->blob, node(f, "/memory@100000000"), "status", "okay"), 0);
	read_ok(f);
	assert_int_equal(dt->nr_memory, 2);
	assert_string_equal(dt->memory[0].name, "memory@100000000");
	RANGE_EQ(dt->memory[0].reg[0], 0x100000000ULL, SZ_1G);
	assert_string_equal(dt->memory[1].name, "memory@40000000");
}

/*
 * /chosen with 1-cell initrd values, usable-memory-range and elfcorehdr.
 * Expect each read with the root's cells (initrd: len / 4 cells).
 */
static void fdt_read_chosen_kdump(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	static const u32 umr[] = { 0, 0x50000000, 0, 0x8000000, 0, 0x60000000, 0, 0x100000 };
	static const u32 ech[] = { 0, 0x58000000, 0, 0x10000 };
	static const u32 start = 0x49000000, end = 0x49100000;

	load(f, "virt-1G");
	set_cells(f, "/chosen", "linux,initrd-start", &start, 1);
	set_cells(f, "/chosen", "linux,initrd-end", &end, 1);
	set_cells(f, "/chosen", "linux,usable-memory-range", umr, 8);
	set_cells(f, "/chosen", "linux,elfcorehdr", ech, 4);
	read_ok(f);
	assert_true(dt->has_initrd);
	assert_int_equal(dt->initrd_start, 0x49000000);
	assert_int_equal(dt->initrd_end, 0x49100000);
	assert_int_equal(dt->nr_usable_mem_range, 2);
	RANGE_EQ(dt->usable_mem_range[0], 0x50000000, 0x8000000);
	RANGE_EQ(dt->usable_mem_range[1], 0x60000000, SZ_1M);
	assert_true(dt->has_elfcorehdr);
	RANGE_EQ(dt->elfcorehdr, 0x58000000, 0x10000);

	/* start > end: Linux ignores the initrd */
	set_cells(f, "/chosen", "linux,initrd-start", &end, 1);
	set_cells(f, "/chosen", "linux,initrd-end", &start, 1);
	read_ok(f);
	assert_false(dt->has_initrd);
}

/* No #address-cells / #size-cells at the root: Linux's defaults are 1 and 1. */
static void fdt_read_default_root_cells(void **state)
{
	FIX;
	static const u32 reg[] = { 0x40000000, 0x20000000 };
	int off;

	assert_int_equal(fdt_create_empty_tree(f->blob, sizeof(f->blob)), 0);
	f->size = sizeof(f->blob);
	off = fdt_add_subnode(f->blob, 0, "memory@40000000");
	assert_int_equal(fdt_setprop_string(f->blob, off, "device_type", "memory"), 0);
	set_cells(f, "/memory@40000000", "reg", reg, 2);
	read_ok(f);
	assert_int_equal(f->dt.addr_cells, 1);
	assert_int_equal(f->dt.size_cells, 1);
	RANGE_EQ(f->dt.memory[0].reg[0], 0x40000000, 0x20000000);
	assert_false(f->dt.has_chosen);
}

/*
 * /reserved-memory whose #size-cells differs from the root's: Linux prints
 * "Reserved memory: unsupported node format, ignoring".  Expect the flag
 * and no children.
 */
static void fdt_read_rmem_unsupported(void **state)
{
	FIX;
	static const u32 one = 1;

	load(f, "dt-rmem-static");
	set_cells(f, "/reserved-memory", "#size-cells", &one, 1);
	read_ok(f);
	assert_true(f->dt.has_reserved_memory && f->dt.rmem_unsupported);
	assert_int_equal(f->dt.rmem_size_cells, 1);
	assert_int_equal(f->dt.nr_rmem, 0);

	load(f, "dt-rmem-static");
	assert_int_equal(fdt_delprop(f->blob, node(f, "/reserved-memory"), "ranges"), 0);
	read_ok(f);
	assert_true(f->dt.rmem_unsupported && !f->dt.rmem_has_ranges);
}

/*
 * Bad properties inside /reserved-memory children are Linux's to report
 * ("invalid reg property in '%s', skipping node.", "invalid size property
 * ..."): Expect flags, not an error.
 */
static void fdt_read_rmem_invalid_props(void **state)
{
	FIX;
	struct kmm_dt_rmem *r = &f->dt.rmem[0];
	static const u32 three[] = { 0, 0x50000000, 0x400000 };

	load(f, "dt-rmem-static");
	set_cells(f, "/reserved-memory/static@50000000", "reg", three, 3);
	read_ok(f);
	assert_true(r->has_reg && r->reg_invalid);
	assert_int_equal(r->nr_reg, 0);

	load(f, "dt-rmem-dynamic");
	set_cells(f, "/reserved-memory/dyn-pool", "size", three, 1);
	set_cells(f, "/reserved-memory/dyn-pool", "alignment", three, 3);
	set_cells(f, "/reserved-memory/dyn-pool", "alloc-ranges", three, 3);
	read_ok(f);
	assert_true(r->size_invalid && r->alignment_invalid && r->alloc_ranges_invalid);
	assert_int_equal(r->size, 0);
	assert_int_equal(r->nr_alloc_ranges, 0);
}

/*
 * dma-ranges, as of_dma_get_max_cpu_address() walks them:
 *   /soc       (1/1 cells) dma-ranges <0xc0000000 0x0 0x0 0x40000000>
 *              bus 0xc0000000 -> cpu 0x0, 1G: last cpu address 0x3fffffff
 *   /soc/bus   dma-ranges <0x0 0xc0000000 0x20000000>
 *              parent 0xc0000000 -> via /soc -> cpu 0x0, 512M: 0x1fffffff
 *   /off       status "disabled", dma-ranges 16M: not walked
 * Expect the DMA limit 0x1fffffff and two recorded entries.
 */
static void fdt_read_dma_ranges(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;
	static const u32 one = 1;
	static const u32 soc[] = { 0xc0000000, 0, 0, 0x40000000 };
	static const u32 bus[] = { 0, 0xc0000000, 0x20000000 };
	static const u32 off_r[] = { 0, 0, 0, 0, 0x1000000 };
	int soc_off, off;

	load(f, "virt-1G");
	soc_off = fdt_add_subnode(f->blob, 0, "soc");
	assert_true(soc_off >= 0);
	set_cells(f, "/soc", "#address-cells", &one, 1);
	set_cells(f, "/soc", "#size-cells", &one, 1);
	set_cells(f, "/soc", "dma-ranges", soc, 4);
	assert_true(fdt_add_subnode(f->blob, node(f, "/soc"), "bus") >= 0);
	set_cells(f, "/soc/bus", "dma-ranges", bus, 3);
	off = fdt_add_subnode(f->blob, 0, "off");
	assert_int_equal(fdt_setprop_string(f->blob, off, "status", "disabled"), 0);
	set_cells(f, "/off", "dma-ranges", off_r, 5);
	read_ok(f);
	assert_int_equal(dt->nr_dma_ranges, 2);
	assert_string_equal(dt->dma_ranges[0].node, "/soc");
	assert_int_equal(dt->dma_ranges[0].bus_addr, 0xc0000000);
	assert_int_equal(dt->dma_ranges[0].cpu_addr, 0);
	assert_int_equal(dt->dma_ranges[0].size, SZ_1G);
	assert_string_equal(dt->dma_ranges[1].node, "/soc/bus");
	assert_int_equal(dt->dma_ranges[1].parent_addr, 0xc0000000);
	assert_int_equal(dt->dma_ranges[1].cpu_addr, 0);
	assert_int_equal(dt->dma_max_cpu_addr, 0x1fffffff);
}

/*
 * The real Raspberry Pi 4's DMA windows (extra case
 * board-rpi4b-bcm2711-4G-dma-ranges: bcm2711-rpi-4-b.dtb's buses, RAM and
 * CPU addresses moved up by 0x40000000):
 *   /soc       1-cell bus 0xc0000000 -> CPU 0x40000000, 1 GiB
 *   /emmc2bus  2-cell bus 0xc0000000 -> CPU 0x40000000, 1 GiB
 *   /scb/pcie  3-cell PCI bus 0 (flags cell dropped) -> /scb 0x40000000,
 *              3 GiB; /scb has no dma-ranges, so 1:1 up to the root
 * Expect three entries and the lowest end, 0x7fffffff (Linux then puts
 * ZONE_DMA at [0x40000000, 0x80000000): 31 bits).
 */
static void fdt_read_rpi4b_dma_ranges(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;

	load(f, "board-rpi4b-bcm2711-4G-dma-ranges");
	read_ok(f);
	assert_int_equal(dt->nr_memory, 1);
	RANGE_EQ(dt->memory[0].reg[1], 0x80000000, 0xbc000000);
	assert_int_equal(dt->nr_dma_ranges, 3);
	assert_string_equal(dt->dma_ranges[0].node, "/soc");
	assert_int_equal(dt->dma_ranges[0].bus_addr, 0xc0000000);
	assert_int_equal(dt->dma_ranges[0].cpu_addr, 0x40000000);
	assert_int_equal(dt->dma_ranges[0].size, SZ_1G);
	assert_string_equal(dt->dma_ranges[1].node, "/emmc2bus");
	assert_int_equal(dt->dma_ranges[1].bus_addr, 0xc0000000);
	assert_int_equal(dt->dma_ranges[1].cpu_addr, 0x40000000);
	assert_int_equal(dt->dma_ranges[1].size, SZ_1G);
	assert_string_equal(dt->dma_ranges[2].node, "/scb/pcie@7d500000");
	assert_int_equal(dt->dma_ranges[2].bus_addr, 0);
	assert_int_equal(dt->dma_ranges[2].parent_addr, 0x40000000);
	assert_int_equal(dt->dma_ranges[2].cpu_addr, 0x40000000);
	assert_int_equal(dt->dma_ranges[2].size, 0xc0000000);
	assert_int_equal(dt->dma_max_cpu_addr, 0x7fffffff);
}

/*
 * The real DragonBoard 410c's carve-outs (qcom/apq8016-sbc.dtb, extra case
 * board-qcom-apq8016-sbc): 12 static children, 11 of them no-map, smem's
 * hwlocks dropped.  Expect them in tree order, 64K-granular ones intact.
 */
static void fdt_read_apq8016_sbc(void **state)
{
	FIX;
	struct kmm_dt *dt = &f->dt;

	load(f, "board-qcom-apq8016-sbc");
	read_ok(f);
	assert_int_equal(dt->nr_rmem, 12);
	for (unsigned int i = 0; i < dt->nr_rmem; i++) {
		assert_int_equal(dt->rmem[i].kind, KMM_DT_RMEM_STATIC);
		assert_int_equal(dt->rmem[i].no_map, i != 11);
	}
	assert_string_equal(dt->rmem[6].name, "rfsa@867e0000");
	RANGE_EQ(dt->rmem[6].reg[0], 0x867e0000, 0x20000);
	assert_string_equal(dt->rmem[11].name, "ramoops@bff00000");
	assert_string_equal(dt->rmem[11].compatible, "ramoops");
	RANGE_EQ(dt->rmem[11].reg[0], 0xbff00000, SZ_1M);
}

/* ---- malformed input: one test per class, each with its exact message ---- */

static void fdt_err_bad_magic(void **state)
{
	FIX;

	load(f, "virt-1G");
	((u8 *)f->blob)[0] ^= 0xff;
	expect_error(f, -KMM_EINVAL, "not a flattened device tree: FDT_ERR_BADMAGIC");
}

static void fdt_err_too_short_for_header(void **state)
{
	FIX;

	load(f, "virt-1G");
	f->size = 12;
	expect_error(f, -KMM_EINVAL, "truncated: 12 bytes cannot hold an FDT header (40 bytes)");
}

static void fdt_err_truncated(void **state)
{
	FIX;
	char want[128];

	load(f, "virt-1G");
	assert_int_equal(fdt_pack(f->blob), 0);
	f->size = fdt_totalsize(f->blob) - 1;
	snprintf(want, sizeof(want), "truncated: header totalsize %u exceeds the %zu bytes given",
		 fdt_totalsize(f->blob), f->size);
	expect_error(f, -KMM_EINVAL, want);
}

/* the structure block's first token (FDT_BEGIN_NODE) overwritten */
static void fdt_err_corrupt_structure(void **state)
{
	FIX;
	u8 *p;

	load(f, "virt-1G");
	p = (u8 *)f->blob + fdt_off_dt_struct(f->blob);
	p[3] = 0x7f;
	expect_error(f, -KMM_EINVAL, "corrupt device tree: FDT_ERR_BADSTRUCTURE");
}

/*
 * A blob the fuzzer found (tests/fixtures/dt/bad-tag-loops.dtb, as found):
 * a property length that makes libfdt's tag walk step backwards, on which
 * libfdt 1.6.1's fdt_check_full() never returns.  Expect kmm to name the
 * tag that does not advance, at once.
 */
static void fdt_err_tag_does_not_advance(void **state)
{
	FIX;
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/dt/bad-tag-loops.dtb", KMM_FIXTURES);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	f->size = fread(f->blob, 1, sizeof(f->blob), fp);
	fclose(fp);
	assert_int_equal(f->size, 8150);
	expect_error(f, -KMM_EINVAL,
		     "corrupt device tree: the tag at structure offset 6688 (0x3) does not advance");
}

static void fdt_err_reg_length(void **state)
{
	FIX;
	static const u32 three[] = { 0, 0x40000000, 0x40000000 };

	load(f, "virt-1G");
	set_cells(f, "/memory@40000000", "reg", three, 3);
	expect_error(f, -KMM_EINVAL,
		     "/memory@40000000: reg: length 12 is not a multiple of (#address-cells 2 "
		     "+ #size-cells 2) * 4");
}

static void fdt_err_usable_memory_range_length(void **state)
{
	FIX;
	static const u32 five[] = { 0, 0x40000000, 0, 0x40000000, 0 };

	load(f, "virt-1G");
	set_cells(f, "/chosen", "linux,usable-memory-range", five, 5);
	expect_error(f, -KMM_EINVAL,
		     "/chosen: linux,usable-memory-range: length 20 is not a multiple of "
		     "(#address-cells 2 + #size-cells 2) * 4");
}

static void fdt_err_root_cells(void **state)
{
	FIX;
	static const u32 three = 3, zero = 0, two[] = { 2, 2 };

	load(f, "virt-1G");
	set_cells(f, "/", "#address-cells", &three, 1);
	expect_error(f, -KMM_EINVAL,
		     "/: #address-cells 3 is out of range (kmm reads addresses and sizes of "
		     "1..2 cells)");
	load(f, "virt-1G");
	set_cells(f, "/", "#size-cells", &zero, 1);
	expect_error(f, -KMM_EINVAL,
		     "/: #size-cells 0 is out of range (kmm reads addresses and sizes of 1..2 "
		     "cells)");
	load(f, "virt-1G");
	set_cells(f, "/", "#size-cells", two, 2);
	expect_error(f, -KMM_EINVAL, "/: #size-cells: length 8, expected one cell (4)");
}

static void fdt_err_no_memory(void **state)
{
	FIX;
	static const char msg[] = "no memory: no available child of / with device_type = "
				  "\"memory\" and a non-empty reg";
	static const u32 empty[] = { 0, 0x40000000, 0, 0 };

	load(f, "virt-1G");
	assert_int_equal(fdt_del_node(f->blob, node(f, "/memory@40000000")), 0);
	expect_error(f, -KMM_ENOENT, msg);

	/* a memory node whose only entry has size 0 is no memory either */
	load(f, "virt-1G");
	set_cells(f, "/memory@40000000", "reg", empty, 4);
	expect_error(f, -KMM_ENOENT, msg);
}

static void fdt_err_too_many_entries(void **state)
{
	FIX;
	u32 cells[4 * (KMM_DT_MAX_MEM_REG + 1)];

	for (unsigned int i = 0; i < KMM_DT_MAX_MEM_REG + 1; i++) {
		cells[4 * i] = 0;
		cells[4 * i + 1] = 0x40000000 + i * 0x100000;
		cells[4 * i + 2] = 0;
		cells[4 * i + 3] = 0x100000;
	}
	load(f, "virt-1G");
	set_cells(f, "/memory@40000000", "reg", cells, 4 * (KMM_DT_MAX_MEM_REG + 1));
	expect_error(f, -KMM_EOVERFLOW, "/memory@40000000: reg: more than 32 entries");
}

/*
 * unflatten_device_tree() of each fixture tree with the Debian kernel's
 * sizeof(struct device_node) 208 and sizeof(struct property) 96.  Expect
 * the bytes Linux asked for in each case's log ("memblock_alloc_try_nid: N
 * bytes align=0x8 ... early_init_dt_alloc_memory_arch").
 */
static void fdt_unflatten_size_oracle(void **state)
{
	FIX;
	static const struct {
		const char *name;
		u64 bytes;
	} cases[] = {
		{ "virt-1G", 40060 },
		{ "virt-4G", 40060 },
		{ "dt-memreserve", 40060 },
		{ "dt-numa-2nodes-hole", 42804 },
		{ "dt-rmem-cma-default", 41500 },
		{ "dt-rmem-dynamic", 41308 },
		{ "dt-rmem-nomap-overlap", 43156 },
		{ "dt-rmem-static", 41108 },
		{ "dt-rmem-static-nomap", 41724 },
		{ "board-rpi4b-bcm2711", 42404 },
		/* /work/extra-oracle's real-board trees */
		{ "board-rpi4b-bcm2711-4G-dma-ranges", 45244 },
		{ "board-hikey-hi6220", 42220 },
		{ "board-qcom-apq8016-sbc", 47644 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load(f, cases[i].name);
		read_ok(f);
		if (kmm_fdt_unflatten_size(&f->dt, 208, 96) != cases[i].bytes)
			fail_msg("%s: %llu bytes, Linux %llu", cases[i].name,
				 (unsigned long long)kmm_fdt_unflatten_size(&f->dt, 208, 96),
				 (unsigned long long)cases[i].bytes);
	}
}

/*
 * The rules behind the size, one edit each of virt-1G (40060 bytes):
 *   - Linux turns /chosen's rng-seed into NOPs first, but only a non-empty
 *     one: an empty rng-seed stays a property.  Expect 40060 + 96.
 *   - a node with its own "name" property gets no made-up one: name =
 *     "memory" on memory@40000000 costs 96 and saves the made-up 96 + 8
 *     ("memory\0" padded to 8).  Expect 40060 - 8.
 *   - nodes 63 or more levels deep are skipped: a chain of 63 nested nodes
 *     "a" under the root (depths 1..63) adds 62 nodes of 208 + 8 ("a\0") and
 *     a made-up name of 96 + 8.  Expect 40060 + 62 * 320.
 */
static void fdt_unflatten_size_rules(void **state)
{
	FIX;
	int parent = 0;

	load(f, "virt-1G");
	assert_int_equal(fdt_setprop(f->blob, node(f, "/chosen"), "rng-seed", NULL, 0), 0);
	read_ok(f);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 208, 96), 40060 + 96);

	load(f, "virt-1G");
	assert_int_equal(fdt_setprop_string(f->blob, node(f, "/memory@40000000"), "name", "memory"),
			 0);
	read_ok(f);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 208, 96), 40060 - 8);

	load(f, "virt-1G");
	for (int depth = 1; depth <= 63; depth++) {
		parent = fdt_add_subnode(f->blob, parent, "a");
		assert_true(parent >= 0);
	}
	read_ok(f);
	assert_int_equal(f->dt.unflat_nodes, 56 + 62); /* virt-1G.dts has 56 nodes */
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 208, 96), 40060 + 62 * 320);
}

/* Expect 0 (no size) for struct sizes that cannot be 8-byte aligned structs. */
static void fdt_unflatten_size_bad_struct_sizes(void **state)
{
	FIX;

	load(f, "virt-1G");
	read_ok(f);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 0, 96), 0);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 208, 0), 0);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 204, 96), 0);
	assert_int_equal(kmm_fdt_unflatten_size(&f->dt, 208, 100), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fdt_read_virt_1G, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_memreserve, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_static, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_static_nomap, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_dynamic, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_cma_default, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_numa_2nodes_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rpi4b, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_memory_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_chosen_kdump, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_default_root_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rmem_invalid_props, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_dma_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_rpi4b_dma_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_read_apq8016_sbc, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_too_short_for_header, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_corrupt_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_tag_does_not_advance, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_reg_length, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_usable_memory_range_length, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_root_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_no_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_err_too_many_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_unflatten_size_oracle, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_unflatten_size_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(fdt_unflatten_size_bad_struct_sizes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
