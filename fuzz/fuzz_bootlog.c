// SPDX-License-Identifier: MIT
/*
 * fuzz_bootlog.c - libFuzzer target for the other text inputs of
 * `kmm boot`: the boot-log reader (kmm_bootlog_parse), System.map and .config
 * (kmm_kernel_parse_*).  The input is used whole for each parser; any crash,
 * sanitizer report or out-of-range count is a bug.
 */
#include "fuzz_common.h"

#include <kmm/bootlog.h>
#include <kmm/kernel.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmm_bootlog *b = malloc(sizeof(*b));
	struct kmm_kernel k;
	char *text = malloc(size + 1);
	char err[256];

	if (!b || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (kmm_bootlog_parse(b, text, err, sizeof(err)) == 0) {
		if (b->nr_acpi > KMM_BOOTLOG_MAX_ACPI || b->nr_srat > KMM_BOOTLOG_MAX_SRAT ||
		    b->nr_efi > KMM_BOOTLOG_MAX_EFI || b->nr_setup_data > KMM_BOOTLOG_MAX_SETUP_DATA ||
		    b->nr_srat_cpu > KMM_BOOTLOG_MAX_SRAT)
			abort();
		if (b->have_ramdisk && b->ramdisk_end < b->ramdisk_start)
			abort();
	}
	kmm_kernel_init(&k, KMM_ARCH_X86_64);
	(void)kmm_kernel_parse_system_map(&k, text, err, sizeof(err));
	(void)kmm_kernel_parse_config(&k, text, err, sizeof(err));
	free(text);
	free(b);
	return 0;
}
