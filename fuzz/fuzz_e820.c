// SPDX-License-Identifier: MIT
/*
 * fuzz_e820.c - libFuzzer target for kmm_e820_parse_text() and what boot
 * does with its result: e820__memory_setup() (sanitise, print), range
 * updates and removals driven by the input's first bytes, a sanitise
 * again, the user map and the last_pfn lines.  Any crash, sanitizer report,
 * failed KMM_CHECK or a sanitised table breaking its invariants is a bug.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u64 take_u64(const uint8_t *data, size_t size, size_t at)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < 8 && at + i < size; i++)
		v |= (u64)data[at + i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmm_e820 *e = malloc(sizeof(*e));
	char *text = malloc(size + 1);
	char err[256];
	u64 a = take_u64(data, size, 0), b = take_u64(data, size, 8);

	if (!e || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	kmm_e820_init(e, &fuzz_env);
	if (kmm_e820_parse_text(e, text, err, sizeof(err)) > 0) {
		e820__memory_setup(e, "BIOS-e820");
		if (e->table.nr_entries >= 2)
			fuzz_check_sanitised(&e->table);
		e820__range_update(e, a >> 4, b >> 4, E820_TYPE_RAM, E820_TYPE_RESERVED);
		e820__range_update_kexec(e, b, a, E820_TYPE_RAM, E820_TYPE_RESERVED_KERN);
		e820__range_remove(e, a, b >> 8, E820_TYPE_RAM, a & 1);
		e820__range_add(e, b, a & 0xffffff, (enum e820_type)(1 + (a & 15)));
		if (e820__update_table(&e->table) == 0)
			fuzz_check_sanitised(&e->table);
		e->userdef = true;
		e820__finish_early_params(e);
		e820__end_of_ram_pfn(e, 1UL << 34);
		e820__end_of_low_ram_pfn(e, 1UL << 34);
		e820__mapped_all(e, a, b, E820_TYPE_RAM);
	} else if (e->table.nr_entries != 0) {
		abort(); /* an error must leave the table as it was */
	}
	free(text);
	free(e);
	return 0;
}
