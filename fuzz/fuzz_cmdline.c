// SPDX-License-Identifier: MIT
/*
 * fuzz_cmdline.c - libFuzzer target for kmm_cmdline_parse() and what boot
 * does with the words: mem=/memmap= replayed in order on a real firmware
 * map (QEMU pc, 2 GiB), the user map sanitised and printed, and
 * crashkernel= resolved for a few RAM sizes.  Any crash, sanitizer report,
 * failed KMM_CHECK or broken sanitised table is a bug.
 */
#include "fuzz_common.h"

#include <kmm/cmdline.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pc_2g[] =
	"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
	"BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
	"BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
	"BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable\n"
	"BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved\n"
	"BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
	"BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] reserved\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 rams[] = { 0, 1ULL << 27, 4095ULL << 20, 1ULL << 40, ~0ULL };
	struct kmm_cmdline *c = malloc(sizeof(*c));
	struct kmm_e820 *e = malloc(sizeof(*e));
	char *text = malloc(size + 1);
	char err[256];
	unsigned int i;

	if (!c || !e || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	kmm_cmdline_parse(c, text, err, sizeof(err));
	if (c->nr_params > KMM_CMDLINE_MAX_PARAMS || c->nr_hugepage_opts > KMM_MAX_HUGEPAGE_SIZES)
		abort();

	kmm_e820_init(e, &fuzz_env);
	if (kmm_e820_parse_text(e, pc_2g, err, sizeof(err)) != 7)
		abort();
	e820__memory_setup(e, "BIOS-e820");
	for (i = 0; i < c->nr_params; i++) {
		const struct kmm_param *p = &c->params[i];

		if (strcmp(p->name, "mem") == 0)
			e820_parse_memopt(e, p->value);
		else if (strcmp(p->name, "memmap") == 0)
			e820_parse_memmap_opt(e, p->value);
		if (e->table.nr_entries > E820_MAX_ENTRIES)
			abort();
	}
	if (e820__finish_early_params(e) == 0 && e->userdef)
		fuzz_check_sanitised(&e->table);
	e820__end_of_ram_pfn(e, 1UL << 34);

	for (i = 0; i < sizeof(rams) / sizeof(rams[0]); i++) {
		u64 sz, base;
		bool high, low;

		kmm_crashkernel_resolve(c, rams[i], &sz, &base, &high, &low);
		kmm_crashkernel_low_size(c, &sz);
	}
	free(text);
	free(e);
	free(c);
	return 0;
}
