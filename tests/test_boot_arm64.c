// SPDX-License-Identifier: MIT
/*
 * test_boot_arm64.c - the arm64 device-tree path against what real Linux
 * printed (tests/fixtures/dt: the trees the guests got; tests/fixtures/oracle:
 * their boot logs up to paging_init).  Every memblock=debug call,
 * reserved-memory message and CMA/DMA pool line kmm prints must be exactly
 * Linux's, in Linux's order (callers not compared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "helpers/kmm_test.h"

#include <kmm/bootlog.h>
#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/machine.h>

#define MAX_LINES 512

static bool compared(const char *msg)
{
	return !strncmp(msg, "memblock_", 9) || !strncmp(msg, "OF: fdt: Reserved memory", 24) ||
	       !strncmp(msg, "OF: reserved mem", 16) || !strncmp(msg, "Reserved memory:", 16) ||
	       strstr(msg, ") overlaps with ") != NULL;
}

static char *normalise(const char *msg)
{
	char *s = strdup(msg);

	kmm_test_strip_caller(s);
	return s;
}

static unsigned int collect(char *text, char **out)
{
	unsigned int n = 0;
	char *save = NULL;

	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		const char *msg = kmm_bootlog_strip_timestamp(ln);

		if (compared(msg)) {
			assert_true(n < MAX_LINES);
			out[n++] = normalise(msg);
		}
	}
	return n;
}

static void boot_dt(const char *name)
{
	char file[256], err[512] = "";
	struct kmm_test_env *t = kmm_test_env_new(4ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_dt *dt = malloc(sizeof(*dt));
	char *map = kmm_test_read_fixture("oracle", "arm64.System.map");
	char *blob, *want_text;
	char *want[MAX_LINES], *got[MAX_LINES];
	unsigned int nw, ng, i;
	size_t len = 0;

	assert_non_null(m);
	assert_non_null(dt);
	snprintf(file, sizeof(file), "%s.dtb", name);
	blob = kmm_test_read_fixture("dt", file);
	/* the fixture's size is the header's totalsize */
	len = (size_t)((unsigned char)blob[4] << 24 | (unsigned char)blob[5] << 16 |
		       (unsigned char)blob[6] << 8 | (unsigned char)blob[7]);
	snprintf(file, sizeof(file), "arm64-%s.dmesg", name);
	want_text = kmm_test_read_fixture("oracle", file);

	kmm_machine_init(m, KMM_ARCH_ARM64, &t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_fdt_read(dt, blob, len, err, sizeof(err)), 0);
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, dt->bootargs, err, sizeof(err)), 0);
	if (kmm_arm64_setup_arch(m, dt, 0x40200000, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	assert_true(memblock_validate(&m->memblock));

	nw = collect(want_text, want);
	ng = 0;
	for (i = 0; i < t->nr_lines; i++) {
		if (compared(t->lines[i])) {
			assert_true(ng < MAX_LINES);
			got[ng++] = normalise(t->lines[i]);
		}
	}
	for (i = 0; i < nw && i < ng; i++)
		if (strcmp(want[i], got[i]))
			fail_msg("%s line %u:\n  linux: %s\n  kmm:   %s", name, i, want[i], got[i]);
	if (nw != ng)
		fail_msg("%s: linux printed %u compared lines, kmm %u", name, nw, ng);
	for (i = 0; i < nw; i++)
		free(want[i]);
	for (i = 0; i < ng; i++)
		free(got[i]);
	free(want_text);
	free(blob);
	free(map);
	free(dt);
	free(m);
	kmm_test_env_free(t);
}

/* Expect QEMU virt's own tree: the linear-map cuts, the initrd and the kernel. */
static void arm64_virt_1G(void **state)
{
	boot_dt("virt-1G");
}

/* Expect no-map over reserved memory (and over the kernel) refused, and both overlaps reported. */
static void arm64_rmem_nomap_overlap(void **state)
{
	boot_dt("dt-rmem-nomap-overlap");
}

/* Expect a linux,cma-default shared-dma-pool to become the CMA pool, placed as Linux places it. */
static void arm64_rmem_cma_default(void **state)
{
	boot_dt("dt-rmem-cma-default");
}

/* Expect dynamic regions placed top-down with their alignment and alloc-ranges. */
static void arm64_rmem_dynamic(void **state)
{
	boot_dt("dt-rmem-dynamic");
}

/* Expect the header's /memreserve/ entries reserved after /reserved-memory. */
static void arm64_memreserve(void **state)
{
	boot_dt("dt-memreserve");
}

/*
 * A dynamic reusable shared-dma-pool of 3 MiB, added as the first child of
 * /reserved-memory (libfdt inserts new subnodes first), so it is placed
 * before linux,cma, at the top of RAM:
 *   |..........[pool 3M]| 0x80000000
 * Expect its placement aligned to CMA_MIN_ALIGNMENT_BYTES (2 MiB: 0x7fc00000,
 * not 0x7fd00000), then "incorrect alignment of CMA region" (3 MiB is not a
 * multiple of 2 MiB) and the region given back, so that linux,cma still
 * gets the top 32 MiB.
 */
static void arm64_rmem_cma_dynamic_alignment(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(4ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_dt *dt = malloc(sizeof(*dt));
	char *map = kmm_test_read_fixture("oracle", "arm64.System.map");
	char *orig = kmm_test_read_fixture("dt", "dt-rmem-cma-default.dtb");
	static char blob[1 << 17] __attribute__((aligned(8)));
	const fdt32_t size[2] = { cpu_to_fdt32(0), cpu_to_fdt32(0x300000) };
	char err[512] = "";
	int rm, pool;

	assert_int_equal(fdt_open_into(orig, blob, sizeof(blob)), 0);
	rm = fdt_path_offset(blob, "/reserved-memory");
	assert_true(rm >= 0);
	pool = fdt_add_subnode(blob, rm, "pool");
	assert_true(pool >= 0);
	assert_int_equal(fdt_setprop_string(blob, pool, "compatible", "shared-dma-pool"), 0);
	assert_int_equal(fdt_setprop(blob, pool, "reusable", NULL, 0), 0);
	assert_int_equal(fdt_setprop(blob, pool, "size", size, sizeof(size)), 0);
	assert_int_equal(fdt_pack(blob), 0);

	kmm_machine_init(m, KMM_ARCH_ARM64, &t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_fdt_read(dt, blob, fdt_totalsize(blob), err, sizeof(err)), 0);
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, dt->bootargs, err, sizeof(err)), 0);
	assert_int_equal(kmm_arm64_setup_arch(m, dt, 0x40200000, err, sizeof(err)), 0);

	assert_true(kmm_test_find_line(t, 0, "memblock_phys_alloc_range: 3145728 bytes align=0x200000 "
					    "from=0x0000000000000000 max_addr=0xffffffffffffffff "
					    "early_init_dt_alloc_reserved_memory_arch") >= 0);
	assert_true(kmm_test_find_line(t, 0, "Reserved memory: incorrect alignment of CMA region") >= 0);
	assert_true(kmm_test_find_line(t, 0, "OF: reserved mem: node pool compatible matching fail") >= 0);
	assert_true(kmm_test_find_line(t, 0, "memblock_phys_free: [0x000000007fc00000-0x000000007fefffff] "
					    "fdt_init_reserved_mem") >= 0);
	/* the freed space is reused: linux,cma still lands at the top */
	assert_true(kmm_test_find_line(t, 0, "Reserved memory: created CMA memory pool at "
					    "0x000000007e000000, size 32 MiB") >= 0);
	assert_true(memblock_validate(&m->memblock));
	free(orig);
	free(map);
	free(dt);
	free(m);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arm64_virt_1G),
		cmocka_unit_test(arm64_rmem_nomap_overlap),
		cmocka_unit_test(arm64_rmem_cma_default),
		cmocka_unit_test(arm64_rmem_dynamic),
		cmocka_unit_test(arm64_memreserve),
		cmocka_unit_test(arm64_rmem_cma_dynamic_alignment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
