// SPDX-License-Identifier: MIT
/*
 * test_boot.c - the x86 boot path against what real Linux printed.
 *
 * Each fidelity case boots a machine from the inputs Linux had (the input
 * lines of its boot log, its command line, its kernel's System.map and
 * .config: tests/fixtures/oracle, copied from ../shared/oracle) and expects
 * every line kmm prints about e820 and memblock - the tables, the
 * memblock=debug calls, both MEMBLOCK dumps, RAMDISK, ACPI reservations,
 * NODE_DATA - to be exactly the lines Linux printed, in Linux's order
 * (callers compared by name, without Linux's +offset/size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/bootlog.h>
#include <kmm/error.h>
#include <kmm/machine.h>

#define MAX_CMP_LINES 1024

static char *slurp(const char *name)
{
	return kmm_test_read_fixture("oracle", name);
}

static const char *const compared_prefixes[] = {
	"BIOS-provided physical RAM map:", "BIOS-e820: ", "user-defined physical RAM map:",
	"user: ", "extended physical RAM map:", "reserve setup_data: ", "e820: ",
	"last_pfn = ", "found SMP MP-table", "memblock_", "MEMBLOCK configuration:",
	" memory", " reserved", "RAMDISK: ",
	"ACPI: Reserving ", "No NUMA configuration found", "Faking a node", "NODE_DATA(",
	"SRAT: PXM ", "ACPI: SRAT: ", "NUMA: ", "Faking node ",
};
/*
 * Not compared: "Allocated new RAMDISK" and "Move RAMDISK" print the initrd's
 * byte size, which no input line carries (the RAMDISK: line is page-aligned).
 */

static bool compared(const char *line)
{
	for (size_t i = 0; i < sizeof(compared_prefixes) / sizeof(compared_prefixes[0]); i++)
		if (!strncmp(line, compared_prefixes[i], strlen(compared_prefixes[i])))
			return true;
	return false;
}

struct lines {
	char *v[MAX_CMP_LINES];
	unsigned int n;
};

static void add_line(struct lines *l, const char *text)
{
	assert_true(l->n < MAX_CMP_LINES);
	l->v[l->n] = strdup(text);
	kmm_test_strip_caller(l->v[l->n]);
	l->n++;
}

/*
 * Linux's compared lines up to where kmm stops: after the second MEMBLOCK
 * dump (x86_64) or before highmem setup (i386, whose kernel has no NUMA and
 * prints one dump).
 */
static void linux_lines(const char *dmesg, bool x86_64, struct lines *out)
{
	char *copy = strdup(dmesg), *save = NULL;
	int dumps = 0;
	bool in_dump = false;

	for (char *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		const char *msg = kmm_bootlog_strip_timestamp(ln);

		if (in_dump && msg[0] != ' ') {
			in_dump = false;
			if (x86_64 && dumps == 2)
				break;
		}
		if (!x86_64 && (strstr(msg, "HIGHMEM available") || strstr(msg, "LOWMEM available")))
			break;
		if (!strcmp(msg, "MEMBLOCK configuration:")) {
			dumps++;
			in_dump = true;
		}
		if (compared(msg))
			add_line(out, msg);
	}
	free(copy);
}

static void boot_case(const char *name, enum kmm_arch arch)
{
	char file[256], err[512] = "";
	char *inputs, *cmdline, *map, *cfg, *dmesg;
	const char *a = arch == KMM_ARCH_X86_64 ? "x86_64" : "i386";
	struct kmm_test_env *t = kmm_test_env_new(8ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct lines want = { 0 }, got = { 0 };
	unsigned int i;

	assert_non_null(m);
	snprintf(file, sizeof(file), "%s-%s.inputs", a, name);
	inputs = slurp(file);
	snprintf(file, sizeof(file), "%s-%s.cmdline", a, name);
	cmdline = slurp(file);
	cmdline[strcspn(cmdline, "\n")] = '\0';
	snprintf(file, sizeof(file), "%s.System.map", a);
	map = slurp(file);
	snprintf(file, sizeof(file), "%s.config", a);
	cfg = slurp(file);
	snprintf(file, sizeof(file), "%s-%s.dmesg", a, name);
	dmesg = slurp(file);

	kmm_machine_init(m, arch, &t->env);
	assert_int_equal(kmm_kernel_parse_config(&m->kernel, cfg, err, sizeof(err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_bootlog_parse(&m->boot, inputs, err, sizeof(err)), 0);
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, cmdline, err, sizeof(err)), 0);
	if (kmm_x86_setup_arch(m, inputs, err, sizeof(err)) ||
	    kmm_x86_setup_memory(m, err, sizeof(err)))
		fail_msg("%s: boot failed: %s", name, err);
	assert_true(memblock_validate(&m->memblock));

	linux_lines(dmesg, arch == KMM_ARCH_X86_64, &want);
	for (i = 0; i < t->nr_lines; i++)
		if (compared(t->lines[i]))
			add_line(&got, t->lines[i]);
	for (i = 0; i < want.n && i < got.n; i++)
		if (strcmp(want.v[i], got.v[i]))
			fail_msg("%s line %u:\n  linux: %s\n  kmm:   %s", name, i, want.v[i], got.v[i]);
	if (want.n != got.n)
		fail_msg("%s: linux printed %u compared lines, kmm %u; next: %s", name, want.n,
			 got.n, i < want.n ? want.v[i] : got.v[i]);

	for (i = 0; i < want.n; i++)
		free(want.v[i]);
	for (i = 0; i < got.n; i++)
		free(got.v[i]);
	free(inputs);
	free(cmdline);
	free(map);
	free(cfg);
	free(dmesg);
	free(m);
	kmm_test_env_free(t);
}

/* Expect QEMU pc with 2 GiB to print Linux's e820, memblock calls and both dumps. */
static void boot_x86_64_pc_2G(void **state)
{
	boot_case("pc-2G", KMM_ARCH_X86_64);
}

/* Expect mem=1G to cut the map and leave the initrd reserved where it was. */
static void boot_x86_64_pc_2G_mem1G(void **state)
{
	boot_case("pc-2G-mem1G", KMM_ARCH_X86_64);
}

/* Expect memmap=exactmap to move the initrd into mapped RAM as Linux does. */
static void boot_x86_64_pc_2G_memmap_exactmap(void **state)
{
	boot_case("pc-2G-memmap-exactmap", KMM_ARCH_X86_64);
}

/* Expect memmap=64M$0x10000000 to punch a reserved hole into RAM. */
static void boot_x86_64_pc_2G_memmap_reserve(void **state)
{
	boot_case("pc-2G-memmap-reserve", KMM_ARCH_X86_64);
}

/* Expect RAM above 4G to need direct-map page tables from memblock (alloc_low_pages). */
static void boot_x86_64_pc_8G(void **state)
{
	boot_case("pc-8G", KMM_ARCH_X86_64);
}

/* Expect two SRAT nodes without a SLIT: node 0's hole joined, NODE_DATA per node. */
static void boot_x86_64_numa2_2G(void **state)
{
	boot_case("numa2-2G", KMM_ARCH_X86_64);
}

/* Expect four SRAT nodes with a SLIT: the distance table placed in memblock. */
static void boot_x86_64_numa4_4G(void **state)
{
	boot_case("numa4-4G", KMM_ARCH_X86_64);
}

/* Expect numa=fake=2 to split 2 GiB into 1024 MB + 1023 MB nodes as Linux does. */
static void boot_x86_64_pc_2G_numa_fake2(void **state)
{
	boot_case("pc-2G-numa-fake2", KMM_ARCH_X86_64);
}

static void boot_x86_64_pc_512M(void **state)
{
	boot_case("pc-512M", KMM_ARCH_X86_64);
}

/* Expect the 686-pae kernel (no NUMA) to print one dump and move the initrd below lowmem. */
static void boot_i386_pc_2G(void **state)
{
	boot_case("pc-2G", KMM_ARCH_I386);
}

static void boot_i386_pc_256M(void **state)
{
	boot_case("pc-256M", KMM_ARCH_I386);
}

/* ------------------------------------------------------------ bad input */

struct bad_boot {
	const char *dmesg;
	const char *cmdline;
	const char *map;
	int stage; /* 0 system map, 1 bootlog, 2 cmdline, 3 setup_arch */
	int ret;
	const char *err;
};

static void run_bad(const struct bad_boot *b)
{
	struct kmm_test_env *t = kmm_test_env_new(8ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char err[512] = "";
	char *cfg = slurp("x86_64.config");
	char *map = b->map ? strdup(b->map) : slurp("x86_64.System.map");
	int ret;

	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_kernel_parse_config(&m->kernel, cfg, err, sizeof(err)), 0);
	ret = kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err));
	if (b->stage > 0) {
		assert_int_equal(ret, 0);
		ret = kmm_bootlog_parse(&m->boot, b->dmesg, err, sizeof(err));
	}
	if (b->stage > 1) {
		assert_int_equal(ret, 0);
		ret = kmm_cmdline_parse(&m->cmdline, b->cmdline, err, sizeof(err));
	}
	if (b->stage > 2) {
		assert_int_equal(ret, 0);
		ret = kmm_x86_setup_arch(m, b->dmesg, err, sizeof(err));
	}
	assert_int_equal(ret, b->ret);
	assert_string_equal(err, b->err);
	free(cfg);
	free(map);
	free(m);
	kmm_test_env_free(t);
}

static const char good_map[] = "ffffffff81000000 T _text\nffffffff84400000 B __brk_base\n"
			       "ffffffff84430000 B _end\n";

/* Expect a System.map without _text to be refused by name. */
static void bad_system_map_missing_text(void **state)
{
	struct bad_boot b = { .map = "ffffffff84430000 B _end\n", .stage = 0, .ret = -KMM_ENOENT,
			      .err = "System.map: symbol _text not found" };

	run_bad(&b);
}

/* Expect a garbled System.map line to be named. */
static void bad_system_map_line(void **state)
{
	struct bad_boot b = { .map = "ffffffff81000000 T _text\nzz T _end\n", .stage = 0,
			      .ret = -KMM_EPARSE,
			      .err = "System.map line 2: expected 'ADDRESS TYPE NAME': 'zz T _end'" };

	run_bad(&b);
}

/* Expect a RAMDISK line with a bad range to be rejected with its line number. */
static void bad_bootlog_ramdisk(void **state)
{
	struct bad_boot b = { .map = good_map, .dmesg = "Linux version x\nRAMDISK: [mem 0x2000-0x1000]\n",
			      .stage = 1, .ret = -KMM_EPARSE,
			      .err = "dmesg line 2: malformed RAMDISK line: 'RAMDISK: [mem 0x2000-0x1000]'" };

	run_bad(&b);
}

/* Expect an SRAT line with a missing range to be rejected. */
static void bad_bootlog_srat(void **state)
{
	struct bad_boot b = { .map = good_map,
			      .dmesg = "[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x0-]\n",
			      .stage = 1, .ret = -KMM_EPARSE,
			      .err = "dmesg line 1: malformed SRAT memory affinity: '[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x0-]'" };

	run_bad(&b);
}

/* Expect a boot log without any firmware map to stop the boot. */
static void bad_no_firmware_map(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(1ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char err[512] = "";

	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, good_map, err, sizeof(err)), 0);
	assert_int_equal(kmm_x86_setup_arch(m, "[    0.000000] Linux version x\n", err,
					    sizeof(err)), -KMM_ENOENT);
	assert_string_equal(err, "no e820 entries found");
	free(m);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_x86_64_pc_2G),
		cmocka_unit_test(boot_x86_64_pc_2G_mem1G),
		cmocka_unit_test(boot_x86_64_pc_2G_memmap_exactmap),
		cmocka_unit_test(boot_x86_64_pc_2G_memmap_reserve),
		cmocka_unit_test(boot_x86_64_pc_512M),
		cmocka_unit_test(boot_x86_64_pc_8G),
		cmocka_unit_test(boot_x86_64_numa2_2G),
		cmocka_unit_test(boot_x86_64_numa4_4G),
		cmocka_unit_test(boot_x86_64_pc_2G_numa_fake2),
		cmocka_unit_test(boot_i386_pc_2G),
		cmocka_unit_test(boot_i386_pc_256M),
		cmocka_unit_test(bad_system_map_missing_text),
		cmocka_unit_test(bad_system_map_line),
		cmocka_unit_test(bad_bootlog_ramdisk),
		cmocka_unit_test(bad_bootlog_srat),
		cmocka_unit_test(bad_no_firmware_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
