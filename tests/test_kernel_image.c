// SPDX-License-Identifier: MIT
/*
 * test_kernel_image.c - reading the simulated kernel's System.map, .config
 * and struct sizes (src/fw/kernel_image.c).
 */
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/kernel.h>

/* Expect the Debian amd64 kernel's layout symbols and config facts. */
static void kernel_reads_oracle_x86_64(void **state)
{
	char *map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	char *cfg = kmm_test_read_fixture("oracle", "x86_64.config");
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	assert_int_equal(kmm_kernel_parse_config(&k, cfg, err, sizeof(err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&k, map, err, sizeof(err)), 0);
	assert_int_equal(k.sym.text, 0xffffffff81000000ULL);
	assert_int_equal(k.sym.brk_base, 0xffffffff84400000ULL);
	assert_int_equal(k.sym.end, 0xffffffff84430000ULL);
	assert_int_equal(k.sym.end_of_kernel_reserve, 0xffffffff84400000ULL);
	assert_int_equal(k.sym.real_mode_blob_end - k.sym.real_mode_blob, 0x6264);
	assert_int_equal(k.physical_start, 0x1000000);
	assert_int_equal(k.physical_align, 0x200000);
	assert_int_equal(k.nr_cpus, 8192);
	assert_int_equal(k.nodes_shift, 10);
	assert_true(k.numa && k.randomize_memory && k.deferred_struct_page_init);
	assert_false(k.highmem);
	free(map);
	free(cfg);
}

/* Expect the 686-pae kernel: no NUMA (nodes_shift 0), PAE and HIGHMEM. */
static void kernel_reads_oracle_i386(void **state)
{
	char *cfg = kmm_test_read_fixture("oracle", "i386.config");
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_I386);
	assert_int_equal(kmm_kernel_parse_config(&k, cfg, err, sizeof(err)), 0);
	assert_false(k.numa);
	assert_int_equal(k.nodes_shift, 0);
	assert_true(k.x86_pae && k.highmem);
	assert_int_equal(k.page_offset, 0xc0000000ULL);
	assert_int_equal(k.physical_align, 0x1000000);
	free(cfg);
}

/* Expect pahole's sizes of the structures kmm uses to be taken, others ignored, and the
 * sizes not in the text to keep the Debian kernel's value. */
static void kernel_reads_struct_sizes(void **state)
{
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	assert_int_equal(kmm_kernel_parse_struct_sizes(&k, "# pahole -s\nfoo\t8\t0\npage\t72\t0\n"
						       "pglist_data\t4096\t3\n"
						       "mem_section\t16\t0\n", err, sizeof(err)), 0);
	assert_int_equal(k.struct_size[KMM_STRUCT_PAGE], 72);
	assert_int_equal(k.struct_size[KMM_STRUCT_MEM_SECTION], 16);
	assert_int_equal(k.struct_size[KMM_STRUCT_DEVICE_NODE], 144);
	assert_string_equal(kmm_struct_name(KMM_STRUCT_MEM_SECTION_USAGE), "mem_section_usage");
	assert_int_equal(k.struct_size[KMM_STRUCT_PGLIST_DATA], 4096);
}

/* Expect a line without a size to be named. */
static void kernel_struct_sizes_bad_line(void **state)
{
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	assert_int_equal(kmm_kernel_parse_struct_sizes(&k, "page\t64\t0\npglist_data\n", err,
						       sizeof(err)), -KMM_EPARSE);
	assert_string_equal(err, "struct sizes line 2: expected 'NAME SIZE': 'pglist_data'");
}

/* Expect a config line that is not CONFIG_X=... to be named. */
static void kernel_config_bad_line(void **state)
{
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	assert_int_equal(kmm_kernel_parse_config(&k, "# c\nCONFIG_NUMA=y\nNUMA=y\n", err,
						 sizeof(err)), -KMM_EPARSE);
	assert_string_equal(err, "config line 3: expected CONFIG_NAME=value: 'NUMA=y'");
	assert_int_equal(kmm_kernel_parse_config(&k, "CONFIG_NUMA\n", err, sizeof(err)),
			 -KMM_EPARSE);
	assert_string_equal(err, "config line 1: missing '=': 'CONFIG_NUMA'");
}

/* Expect a System.map without _end to be refused by name. */
static void kernel_system_map_missing_end(void **state)
{
	struct kmm_kernel k;
	char err[256];

	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	assert_int_equal(kmm_kernel_parse_system_map(&k, "ffffffff81000000 T _text\n", err,
						     sizeof(err)), -KMM_ENOENT);
	assert_string_equal(err, "System.map: symbol _end not found");
}

/*
 * The struct sizes kmm assumes for the Debian kernels without a
 * struct-sizes.txt are the ones pahole read from them
 * (kmm-struct-sizes-ARCH.txt: the lines of ../shared/oracle/kernels/ARCH/
 * struct-sizes.txt that name a struct kmm sizes); a struct the build lacks
 * (i386 has no mem_section) is 0.
 */
static void builtin_struct_sizes_are_paholes(void **state)
{
	static const struct {
		enum kmm_arch arch;
		const char *fixture;
	} arches[] = {
		{ KMM_ARCH_X86_64, "kmm-struct-sizes-x86_64.txt" },
		{ KMM_ARCH_I386, "kmm-struct-sizes-i386.txt" },
		{ KMM_ARCH_ARM64, "kmm-struct-sizes-arm64.txt" },
	};

	(void)state;
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		char *text = kmm_test_read_fixture("oracle", arches[a].fixture);
		struct kmm_kernel defaults, parsed;
		unsigned int named = 0;
		char err[256];

		kmm_kernel_init(&defaults, arches[a].arch);
		kmm_kernel_init(&parsed, arches[a].arch);
		memset(parsed.struct_size, 0, sizeof(parsed.struct_size));
		assert_int_equal(kmm_kernel_parse_struct_sizes(&parsed, text, err, sizeof(err)), 0);
		for (unsigned int i = 0; i < KMM_STRUCT_NR; i++) {
			named += parsed.struct_size[i] != 0;
			if (defaults.struct_size[i] != parsed.struct_size[i])
				fail_msg("%s: struct %s: built-in %llu, pahole %llu", arches[a].fixture,
					 kmm_struct_name((enum kmm_struct)i),
					 (unsigned long long)defaults.struct_size[i],
					 (unsigned long long)parsed.struct_size[i]);
		}
		assert_true(named >= KMM_STRUCT_NR - 2);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_reads_oracle_x86_64),
		cmocka_unit_test(kernel_reads_oracle_i386),
		cmocka_unit_test(kernel_reads_struct_sizes),
		cmocka_unit_test(builtin_struct_sizes_are_paholes),
		cmocka_unit_test(kernel_struct_sizes_bad_line),
		cmocka_unit_test(kernel_config_bad_line),
		cmocka_unit_test(kernel_system_map_missing_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
