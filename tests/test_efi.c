// SPDX-License-Identifier: MIT
/*
 * test_efi.c - the EFI memory map and tables (kmm/efi.h) and an x86 EFI boot
 * (src/arch/x86/efi.c) against what Linux printed on the oracle's uefi-pc-2G
 * (QEMU pc, 2 GiB, OVMF, efi=debug): tests/fixtures/uefi holds the input
 * lines that boot gave kmm (.inputs), the command line and Linux's log head
 * (.dmesg).  The --numa-distance matrix reader (kmm/slit.h) is tested at the
 * end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/bootlog.h>
#include <kmm/efi.h>
#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/slit.h>

static char *fixture(const char *name)
{
	return kmm_test_read_fixture("uefi", name);
}

static struct kmm_efi *efi_new(void)
{
	struct kmm_efi *efi = malloc(sizeof(*efi));

	assert_non_null(efi);
	kmm_efi_init(efi);
	return efi;
}

/* ------------------------------------------------------------ parsing */

/*
 * The log has the boot map (mem00..mem121) and, later, the runtime map
 * (mem00..mem102).  Expect only the boot map, its first, a middle and its
 * last descriptor as printed, and the configuration tables by name.
 */
static void efi_parse_uefi_pc_2G(void **state)
{
	char *text = fixture("x86_64-uefi-pc-2G.inputs");
	struct kmm_efi *efi = efi_new();
	char err[256] = "";

	assert_int_equal(kmm_efi_parse(efi, text, err, sizeof(err)), 0);
	assert_true(efi->boot);
	assert_string_equal(efi->header, "EFI v2.70 by EDK II");
	assert_int_equal(efi->nr_map, 122);
	assert_int_equal(efi->map[0].type, EFI_BOOT_SERVICES_CODE);
	assert_int_equal(efi->map[0].phys_addr, 0);
	assert_int_equal(efi->map[0].num_pages, 1);
	assert_int_equal(efi->map[0].attribute,
			 EFI_MEMORY_WB | EFI_MEMORY_WT | EFI_MEMORY_WC | EFI_MEMORY_UC);
	assert_int_equal(efi->map[110].type, EFI_RUNTIME_SERVICES_CODE);
	assert_int_equal(efi->map[110].phys_addr, 0x7f5ed000);
	assert_int_equal(efi->map[110].num_pages, 0x100);
	assert_true(efi->map[110].attribute & EFI_MEMORY_RUNTIME);
	assert_int_equal(efi->map[121].type, EFI_ACPI_MEMORY_NVS);
	assert_int_equal(kmm_efi_md_end(&efi->map[121]), 0x80000000ULL);
	assert_int_equal(efi->smbios, 0x7f518000);
	assert_int_equal(efi->acpi, 0x7f77e000);
	assert_int_equal(efi->acpi20, 0x7f77e014);
	assert_int_equal(efi->memattr, 0x7dd0d018);
	assert_int_equal(efi->initrd, 0x7dd0ef18);
	assert_int_equal(efi->esrt, EFI_INVALID_TABLE_ADDR);
	free(efi);
	free(text);
}

/* Expect every boot-map line to print back exactly as Linux printed it. */
static void efi_print_memmap_matches_linux(void **state)
{
	char *text = fixture("x86_64-uefi-pc-2G.inputs");
	struct kmm_test_env *t = kmm_test_env_new(1ULL << 20);
	struct kmm_efi *efi = efi_new();
	char err[256] = "", *save = NULL;
	unsigned int n = 0;

	assert_int_equal(kmm_efi_parse(efi, text, err, sizeof(err)), 0);
	kmm_efi_print_memmap(efi, &t->env);
	assert_int_equal(t->nr_lines, 122);
	for (char *ln = strtok_r(text, "\n", &save); ln && n < 122; ln = strtok_r(NULL, "\n", &save)) {
		const char *msg = kmm_bootlog_strip_timestamp(ln);

		if (strncmp(msg, "efi: mem", 8))
			continue;
		assert_string_equal(t->lines[n], msg);
		n++;
	}
	assert_int_equal(n, 122);
	free(efi);
	free(text);
	kmm_test_env_free(t);
}

/* Expect unknown attribute bits to print as Linux's "|attr=0x...]" form. */
static void efi_format_unknown_attribute_and_type(void **state)
{
	struct efi_memory_desc md = { .type = 20, .phys_addr = 0x1000, .num_pages = 1,
				      .attribute = EFI_MEMORY_WB | (1ULL << 40) };
	char buf[96];

	assert_string_equal(kmm_efi_md_typeattr_format(buf, sizeof(buf), &md),
			    "[type=20|attr=0x0000010000000008]");
	md.type = EFI_CONVENTIONAL_MEMORY;
	md.attribute = EFI_MEMORY_RUNTIME | EFI_MEMORY_HOT_PLUGGABLE | EFI_MEMORY_UCE |
		       EFI_MEMORY_UC;
	assert_string_equal(kmm_efi_md_typeattr_format(buf, sizeof(buf), &md),
			    "[Conventional|RUN|HP|  |  |  |  |  |  |  |  |UCE|  |  |  |UC]");
}

/* Expect lookups to find the descriptor holding an address, none in a hole. */
static void efi_lookup_finds_descriptor(void **state)
{
	static const char log[] =
		"efi: mem00: [Boot Data   |   |  |  |  |  |  |  |  |  |  |   |WB|  |  |  ] range=[0x0000000000100000-0x00000000001fffff] (1MB)\n"
		"efi: mem01: [Reserved    |   |  |  |  |  |  |  |  |  |  |   |  |  |  |UC] range=[0x0000000000300000-0x0000000000300fff] (0MB)\n";
	struct kmm_efi *efi = efi_new();
	char err[256] = "";

	assert_int_equal(kmm_efi_parse(efi, log, err, sizeof(err)), 0);
	assert_false(efi->boot); /* a map without "efi: EFI v" is no EFI boot */
	assert_ptr_equal(kmm_efi_lookup(efi, 0x1fffff), &efi->map[0]);
	assert_null(kmm_efi_lookup(efi, 0x200000));
	assert_null(kmm_efi_lookup(efi, 0x300000)); /* reserved, not runtime */
	free(efi);
}

/* ------------------------------------------------------------ bad input */

static void expect_bad(const char *log, int ret, const char *msg)
{
	struct kmm_efi *efi = efi_new();
	char err[512] = "";

	assert_int_equal(kmm_efi_parse(efi, log, err, sizeof(err)), ret);
	assert_string_equal(err, msg);
	free(efi);
}

#define ATTRS "|   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC]"

static void efi_bad_type(void **state)
{
	expect_bad("efi: mem00: [Boot Cod    " ATTRS " range=[0x0-0xfff] (0MB)\n", -KMM_EPARSE,
		   "dmesg line 1: unknown EFI memory type: 'efi: mem00: [Boot Cod    " ATTRS
		   " range=[0x0-0xfff] (0MB)'");
}

static void efi_bad_attribute(void **state)
{
	expect_bad("x\nefi: mem00: [Boot Code   |RUN|ZZ|  ] range=[0x0-0xfff] (0MB)\n", -KMM_EPARSE,
		   "dmesg line 2: unknown EFI memory attribute: 'efi: mem00: [Boot Code   |RUN|ZZ|  ] range=[0x0-0xfff] (0MB)'");
}

static void efi_bad_entry_without_range(void **state)
{
	expect_bad("efi: mem00: [Boot Code   " ATTRS " (0MB)\n", -KMM_EPARSE,
		   "dmesg line 1: malformed EFI memory map entry: 'efi: mem00: [Boot Code   " ATTRS
		   " (0MB)'");
}

static void efi_bad_entry_without_bracket(void **state)
{
	expect_bad("efi: mem7: Boot Code\n", -KMM_EPARSE,
		   "dmesg line 1: malformed EFI memory map entry: 'efi: mem7: Boot Code'");
}

static void efi_bad_unaligned_range(void **state)
{
	expect_bad("efi: mem00: [Boot Code   " ATTRS " range=[0x0-0xffe] (0MB)\n", -KMM_EPARSE,
		   "dmesg line 1: EFI memory range not page aligned: 'efi: mem00: [Boot Code   " ATTRS
		   " range=[0x0-0xffe] (0MB)'");
}

static void efi_bad_reversed_range(void **state)
{
	expect_bad("efi: mem00: [Boot Code   " ATTRS " range=[0x2000-0xfff] (0MB)\n", -KMM_EPARSE,
		   "dmesg line 1: EFI memory range ends before it starts: 'efi: mem00: [Boot Code   "
		   ATTRS " range=[0x2000-0xfff] (0MB)'");
}

static void efi_bad_table_address(void **state)
{
	expect_bad("efi: EFI v2.70 by EDK II\nefi: ACPI=0x7f77e000 MEMATTR=zz\n", -KMM_EPARSE,
		   "dmesg line 2: malformed EFI configuration table: 'efi: ACPI=0x7f77e000 MEMATTR=zz'");
}

/* Expect entry 513 to overflow the map, naming its line. */
static void efi_bad_too_many_entries(void **state)
{
	size_t cap = (KMM_EFI_MAX_DESC + 1) * 128;
	char *log = malloc(cap), *p = log;
	char msg[64];

	assert_non_null(log);
	for (unsigned int i = 0; i <= KMM_EFI_MAX_DESC; i++)
		p += sprintf(p, "efi: mem%02u: [Conventional" ATTRS " range=[0x%x-0x%x] (0MB)\n", i,
			     i << 12, (i << 12) + 0xfff);
	snprintf(msg, sizeof(msg), "dmesg line %u: too many EFI memory map entries",
		 KMM_EFI_MAX_DESC + 1);
	expect_bad(log, -KMM_EOVERFLOW, msg);
	free(log);
}

/* ------------------------------------------------------------ the boot */

struct booted {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	char err[512];
	int ret;
};

/* boot the uefi-pc-2G inputs with @cmdline (NULL: the case's) through setup_arch() */
static void boot_uefi(struct booted *b, const char *cmdline)
{
	char *inputs = fixture("x86_64-uefi-pc-2G.inputs");
	char *own = fixture("x86_64-uefi-pc-2G.cmdline");
	char *map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	char *cfg = kmm_test_read_fixture("oracle", "x86_64.config");

	own[strcspn(own, "\n")] = '\0';
	b->t = kmm_test_env_new(4ULL << 30);
	b->m = calloc(1, sizeof(*b->m));
	assert_non_null(b->m);
	kmm_machine_init(b->m, KMM_ARCH_X86_64, &b->t->env);
	assert_int_equal(kmm_kernel_parse_config(&b->m->kernel, cfg, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&b->m->kernel, map, b->err, sizeof(b->err)),
			 0);
	assert_int_equal(kmm_bootlog_parse(&b->m->boot, inputs, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_cmdline_parse(&b->m->cmdline, cmdline ? cmdline : own, b->err,
					   sizeof(b->err)), 0);
	b->ret = kmm_x86_setup_arch(b->m, inputs, b->err, sizeof(b->err));
	if (!b->ret)
		b->ret = kmm_x86_setup_memory(b->m, b->err, sizeof(b->err));
	free(inputs);
	free(own);
	free(map);
	free(cfg);
}

static void booted_free(struct booted *b)
{
	free(b->m);
	kmm_test_env_free(b->t);
}

static void expect_line(const struct booted *b, const char *line)
{
	if (kmm_test_find_line(b->t, 0, line) < 0)
		fail_msg("missing line '%s' in:\n%s", line, kmm_test_log_text(b->t));
}

/*
 * The Loader Data descriptor [0x7da16000, 0x7db5a000) holds, top-down, the
 * initrd and the stub's two option-ROM setup_data:
 *
 *   0x7da16000 +0x18          0x7da54000 +0x18       0x7da5e000
 *   |  e1000: 0x3d040 bytes   |  stdvga: 0x9c40 bytes |initrd...
 *
 * Expect the "extended physical RAM map" Linux printed: RAM split around both
 * (RESERVED_KERN prints as "usable"), and both in the e820 table as
 * E820_TYPE_RESERVED_KERN.
 */
static void efi_boot_extended_e820_table(void **state)
{
	static const char *const table[] = {
		"reserve setup_data: [mem 0x0000000000000000-0x000000000009ffff] usable",
		"reserve setup_data: [mem 0x0000000000100000-0x00000000007fffff] usable",
		"reserve setup_data: [mem 0x0000000000800000-0x0000000000807fff] ACPI NVS",
		"reserve setup_data: [mem 0x0000000000808000-0x000000000080afff] usable",
		"reserve setup_data: [mem 0x000000000080b000-0x000000000080bfff] ACPI NVS",
		"reserve setup_data: [mem 0x000000000080c000-0x000000000080ffff] usable",
		"reserve setup_data: [mem 0x0000000000810000-0x00000000008fffff] ACPI NVS",
		"reserve setup_data: [mem 0x0000000000900000-0x000000007da16017] usable",
		"reserve setup_data: [mem 0x000000007da16018-0x000000007da53057] usable",
		"reserve setup_data: [mem 0x000000007da53058-0x000000007da54017] usable",
		"reserve setup_data: [mem 0x000000007da54018-0x000000007da5dc57] usable",
		"reserve setup_data: [mem 0x000000007da5dc58-0x000000007eabafff] usable",
		"reserve setup_data: [mem 0x000000007eabb000-0x000000007eb7bfff] reserved",
		"reserve setup_data: [mem 0x000000007eb7c000-0x000000007f4ecfff] usable",
		"reserve setup_data: [mem 0x000000007f4ed000-0x000000007f76cfff] reserved",
		"reserve setup_data: [mem 0x000000007f76d000-0x000000007f77efff] ACPI data",
		"reserve setup_data: [mem 0x000000007f77f000-0x000000007f7fefff] ACPI NVS",
		"reserve setup_data: [mem 0x000000007f7ff000-0x000000007ff57fff] usable",
		"reserve setup_data: [mem 0x000000007ff58000-0x000000007ff77fff] reserved",
		"reserve setup_data: [mem 0x000000007ff78000-0x000000007fffffff] ACPI NVS",
	};
	struct booted b;
	int at;

	boot_uefi(&b, NULL);
	assert_int_equal(b.ret, 0);
	at = kmm_test_find_line(b.t, 0, "extended physical RAM map:");
	assert_true(at >= 0);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		assert_string_equal(b.t->lines[at + 1 + i], table[i]);
	assert_int_equal(b.m->boot.nr_setup_data, 2);
	assert_true(e820__mapped_all(&b.m->e820, 0x7da16018, 0x7da53058, E820_TYPE_RESERVED_KERN));
	assert_true(e820__mapped_all(&b.m->e820, 0x7da54018, 0x7da5dc58, E820_TYPE_RESERVED_KERN));
	booted_free(&b);
}

/*
 * Expect Linux's EFI reservations: the memory map (122 descriptors of 48
 * bytes, 0x40 into the pages below the lowest ACPI table), the memory
 * attributes table (16 + 22 * 48 bytes) and the boot services regions that
 * nothing held yet - 95 of the 97, 0x2b6c000 bytes (not page 0, already
 * reserved, nor the page holding the memory attributes table).
 */
static void efi_boot_memblock_reservations(void **state)
{
	struct booted b;
	unsigned int bs = 0;

	boot_uefi(&b, NULL);
	assert_int_equal(b.ret, 0);
	expect_line(&b, "memblock_reserve: [0x000000007f774040-0x000000007f77571f] efi_memblock_x86_reserve_range");
	expect_line(&b, "memblock_reserve: [0x000000007dd0d018-0x000000007dd0d447] efi_memattr_init");
	expect_line(&b, "memblock_reserve: [0x0000000000900000-0x00000000014fffff] efi_reserve_boot_services");
	expect_line(&b, "memblock_reserve: [0x000000007ff3f000-0x000000007ff57fff] efi_reserve_boot_services");
	for (unsigned int i = 0; i < b.t->nr_lines; i++)
		bs += strstr(b.t->lines[i], "] efi_reserve_boot_services") != NULL;
	assert_int_equal(bs, 95);
	assert_int_equal(b.m->efi.bs_reserved, 0x2b6c000);
	assert_int_equal(b.m->efi.memmap_phys, 0x7f774040);
	/* page 0 and the memattr page were held already: tagged "not ours" */
	assert_true(b.m->efi.map[0].attribute & EFI_MEMORY_RUNTIME);
	assert_true(b.m->efi.map[21].attribute & EFI_MEMORY_RUNTIME);
	assert_false(b.m->efi.map[8].attribute & EFI_MEMORY_RUNTIME);
	expect_line(&b, "efi: SMBIOS=0x7f518000 ACPI=0x7f77e000 ACPI 2.0=0x7f77e014 MEMATTR=0x7dd0d018 INITRD=0x7dd0ef18 ");
	booted_free(&b);
}

/* memblock_free_late() stand-in: what is freed lies above 1M and was reserved */
static void check_free(struct kmm_machine *m, u64 base, u64 size)
{
	assert_true(base >= 0x100000);
	assert_true(memblock_is_region_reserved(&m->memblock, base, size));
}

/*
 * Expect efi=debug to keep every boot services region (Linux leaves them for
 * /sys/kernel/debug/efi), and without it the 95 this boot reserved to be
 * freed - the two tagged regions and nothing below 1M.
 */
static void efi_free_boot_services_honours_efi_debug(void **state)
{
	struct booted b;

	boot_uefi(&b, NULL);
	assert_int_equal(b.ret, 0);
	assert_true(b.m->efi.dbg);
	assert_int_equal(kmm_x86_efi_free_boot_services(b.m, check_free), 0);
	booted_free(&b);

	boot_uefi(&b, "console=ttyS0 nokaslr memblock=debug efi=nochunk initrd=initrd");
	assert_int_equal(b.ret, 0);
	assert_false(b.m->efi.dbg);
	assert_int_equal(kmm_x86_efi_free_boot_services(b.m, check_free), 95);
	/* without efi=debug the map is not printed */
	assert_true(kmm_test_find_line(b.t, 0, "efi: mem00: [Boot Code   |   |  |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000000000-0x0000000000000fff] (0MB)") < 0);
	booted_free(&b);
}

/* Expect a malformed EFI line to stop the boot with the parser's message. */
static void efi_boot_rejects_bad_map(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(1ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char *map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	char err[256] = "";

	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_x86_setup_arch(m, "BIOS-e820: [mem 0x0000000000000000-0x000000003fffffff] usable\n"
					       "efi: mem00: [Boot Code   |XX] range=[0x0-0xfff] (0MB)\n",
					    err, sizeof(err)), -KMM_EPARSE);
	assert_string_equal(err, "dmesg line 2: unknown EFI memory attribute: 'efi: mem00: [Boot Code   |XX] range=[0x0-0xfff] (0MB)'");
	free(map);
	free(m);
	kmm_test_env_free(t);
}

/* ------------------------------------------------------------ --numa-distance */

static u8 dist[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES];

/* numa4-4G's matrix as sysfs printed it: expect it read as is */
static void slit_parse_numa4(void **state)
{
	unsigned int n = 0;
	char err[256] = "";

	assert_int_equal(kmm_slit_parse(dist, &n, "10 20 30 25\n20 10 25 30\n30 25 10 20\n25 30 20 10\n\n",
					err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(dist[0][2], 30);
	assert_int_equal(dist[3][1], 30);
	assert_int_equal(dist[2][3], 20);
}

static void expect_slit_bad(const char *text, int ret, const char *msg)
{
	unsigned int n = 77;
	char err[256] = "";

	assert_int_equal(kmm_slit_parse(dist, &n, text, err, sizeof(err)), ret);
	assert_string_equal(err, msg);
	assert_int_equal(n, 77);
}

static void slit_bad_not_numeric(void **state)
{
	expect_slit_bad("10 20\n20 ten\n", -KMM_EPARSE, "line 2: not a distance: 'ten'");
	expect_slit_bad("10 -20\n", -KMM_EPARSE, "line 1: not a distance: '-20'");
}

static void slit_bad_ragged(void **state)
{
	expect_slit_bad("10 20\n20 10 30\n", -KMM_EPARSE, "line 2: 3 distances, expected 2");
	expect_slit_bad("10 20 30\n20 10 30\n", -KMM_EPARSE,
			"2 rows of 3 distances: not a square matrix");
}

static void slit_bad_diagonal(void **state)
{
	expect_slit_bad("10 20\n20 11\n", -KMM_EINVAL,
			"line 2: distance from node 1 to itself is 11, must be 10");
}

static void slit_bad_range(void **state)
{
	expect_slit_bad("10 9\n9 10\n", -KMM_EINVAL,
			"line 1: distance 9 from node 0 to node 1 out of range (10..255)");
	expect_slit_bad("10 20\n256 10\n", -KMM_EINVAL,
			"line 2: distance 256 from node 1 to node 0 out of range (10..255)");
	expect_slit_bad("10 99999999999999999999999\n", -KMM_EINVAL,
			"line 1: distance 99999999999999999999999 from node 0 to node 1 out of range (10..255)");
}

static void slit_bad_empty(void **state)
{
	expect_slit_bad("\n  \n", -KMM_ENOENT, "no distances");
}

static void slit_bad_too_many_nodes(void **state)
{
	char row[65 * 4 + 2] = "10";

	for (int i = 1; i <= KMM_MAX_NUMNODES; i++)
		strcat(row, " 20");
	strcat(row, "\n");
	expect_slit_bad(row, -KMM_EOVERFLOW, "line 1: more than 64 nodes");
}

/* boot fixture oracle case numa4-4G with the SLIT @text */
static int boot_numa4(struct booted *b, const char *text)
{
	char *inputs = kmm_test_read_fixture("oracle", "x86_64-numa4-4G.inputs");
	char *own = kmm_test_read_fixture("oracle", "x86_64-numa4-4G.cmdline");
	char *map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	char *cfg = kmm_test_read_fixture("oracle", "x86_64.config");

	own[strcspn(own, "\n")] = '\0';
	b->t = kmm_test_env_new(8ULL << 30);
	b->m = calloc(1, sizeof(*b->m));
	assert_non_null(b->m);
	kmm_machine_init(b->m, KMM_ARCH_X86_64, &b->t->env);
	assert_int_equal(kmm_kernel_parse_config(&b->m->kernel, cfg, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&b->m->kernel, map, b->err, sizeof(b->err)),
			 0);
	assert_int_equal(kmm_bootlog_parse(&b->m->boot, inputs, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_cmdline_parse(&b->m->cmdline, own, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_slit_parse(b->m->slit.d, &b->m->slit.n, text, b->err,
					sizeof(b->err)), 0);
	b->ret = kmm_x86_setup_arch(b->m, inputs, b->err, sizeof(b->err));
	if (!b->ret)
		b->ret = kmm_x86_setup_memory(b->m, b->err, sizeof(b->err));
	free(inputs);
	free(own);
	free(map);
	free(cfg);
	return b->ret;
}

/* Expect the SLIT to become node_distance() of the four SRAT nodes. */
static void slit_applied_to_srat_nodes(void **state)
{
	struct booted b;

	assert_int_equal(boot_numa4(&b, "10 20 30 25\n20 10 25 30\n30 25 10 20\n25 30 20 10\n"), 0);
	assert_int_equal(b.m->numa_distance[0][2], 30);
	assert_int_equal(b.m->numa_distance[0][3], 25);
	assert_int_equal(b.m->numa_distance[2][1], 25);
	assert_int_equal(b.m->numa_distance[3][3], 10);
	booted_free(&b);
}

/* Expect a 3 x 3 matrix for four nodes to stop the boot, naming both counts. */
static void slit_size_must_match_nodes(void **state)
{
	struct booted b;

	assert_int_equal(boot_numa4(&b, "10 20 30\n20 10 25\n30 25 10\n"), -KMM_EINVAL);
	assert_string_equal(b.err, "numa-distance: 3 x 3 matrix for 4 nodes");
	booted_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(efi_parse_uefi_pc_2G),
		cmocka_unit_test(efi_print_memmap_matches_linux),
		cmocka_unit_test(efi_format_unknown_attribute_and_type),
		cmocka_unit_test(efi_lookup_finds_descriptor),
		cmocka_unit_test(efi_bad_type),
		cmocka_unit_test(efi_bad_attribute),
		cmocka_unit_test(efi_bad_entry_without_range),
		cmocka_unit_test(efi_bad_entry_without_bracket),
		cmocka_unit_test(efi_bad_unaligned_range),
		cmocka_unit_test(efi_bad_reversed_range),
		cmocka_unit_test(efi_bad_table_address),
		cmocka_unit_test(efi_bad_too_many_entries),
		cmocka_unit_test(efi_boot_extended_e820_table),
		cmocka_unit_test(efi_boot_memblock_reservations),
		cmocka_unit_test(efi_free_boot_services_honours_efi_debug),
		cmocka_unit_test(efi_boot_rejects_bad_map),
		cmocka_unit_test(slit_parse_numa4),
		cmocka_unit_test(slit_bad_not_numeric),
		cmocka_unit_test(slit_bad_ragged),
		cmocka_unit_test(slit_bad_diagonal),
		cmocka_unit_test(slit_bad_range),
		cmocka_unit_test(slit_bad_empty),
		cmocka_unit_test(slit_bad_too_many_nodes),
		cmocka_unit_test(slit_applied_to_srat_nodes),
		cmocka_unit_test(slit_size_must_match_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
