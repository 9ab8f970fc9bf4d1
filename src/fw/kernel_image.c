// SPDX-License-Identifier: MIT
/*
 * kernel_image.c - the simulated kernel's layout (System.map) and
 * configuration (.config), see kmm/kernel.h.
 */
#include <kmm/error.h>
#include <kmm/kernel.h>
#include <kmm/lib.h>

void kmm_kernel_init(struct kmm_kernel *k, enum kmm_arch arch)
{
	kmm_memset(k, 0, sizeof(*k));
	k->arch = arch;
	k->physical_start = 0x1000000;
	k->x86_reserve_low_kb = 64;
	switch (arch) {
	case KMM_ARCH_X86_64:
		k->physical_align = 0x200000;
		k->nr_cpus = 8192;
		k->nodes_shift = 10;
		k->numa = true;
		k->randomize_memory = true;
		k->deferred_struct_page_init = true;
		k->sizeof_pglist_data = 174208;
		k->sizeof_page = 64;
		break;
	case KMM_ARCH_I386:
		k->physical_align = 0x1000000;
		k->nr_cpus = 32;
		k->highmem = true;
		k->x86_pae = true;
		k->page_offset = 0xc0000000;
		/* the 686-pae kernel's fixmap and pkmap (NR_CPUS 32) end vmalloc here */
		k->vmalloc_end = 0xfeffe000;
		k->sizeof_pglist_data = 4416;
		k->sizeof_page = 40;
		break;
	case KMM_ARCH_ARM64:
		k->physical_start = 0;
		k->physical_align = 0x200000;
		k->nr_cpus = 256;
		k->nodes_shift = 4;
		k->numa = true;
		k->deferred_struct_page_init = true;
		k->cma_size_mbytes = 64;
		k->sizeof_pglist_data = 11392;
		k->sizeof_page = 64;
		break;
	}
}

u64 kmm_kernel_map_base(const struct kmm_kernel *k)
{
	switch (k->arch) {
	case KMM_ARCH_X86_64:
		return 0xffffffff80000000ULL;
	case KMM_ARCH_I386:
		return k->page_offset;
	default:
		return 0;
	}
}

struct sym_slot {
	const char *name;
	size_t off;
};

#define SLOT(n, f) { n, __builtin_offsetof(struct kmm_kernel_syms, f) }
static const struct sym_slot sym_slots[] = {
	SLOT("_text", text), SLOT("_stext", stext), SLOT("_etext", etext), SLOT("_sdata", sdata), SLOT("_edata", edata),
	SLOT("__start_rodata", start_rodata), SLOT("__end_rodata", end_rodata),
	SLOT("__init_begin", init_begin), SLOT("__init_end", init_end),
	SLOT("_sinittext", sinittext), SLOT("_einittext", einittext),
	SLOT("__bss_start", bss_start), SLOT("__bss_stop", bss_stop),
	SLOT("__brk_base", brk_base), SLOT("__brk_limit", brk_limit), SLOT("_end", end),
	SLOT("__end_of_kernel_reserve", end_of_kernel_reserve),
	SLOT("__per_cpu_start", per_cpu_start), SLOT("__per_cpu_end", per_cpu_end),
	SLOT("__per_cpu_load", per_cpu_load), SLOT("real_mode_blob", real_mode_blob),
	SLOT("real_mode_blob_end", real_mode_blob_end), SLOT("real_mode_relocs", real_mode_relocs),
};

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !kmm_isspace((unsigned char)p[n]))
		n++;
	return n;
}

static bool word_is(const char *p, size_t n, const char *w)
{
	return kmm_strlen(w) == n && kmm_strncmp(p, w, n) == 0;
}

int kmm_kernel_parse_system_map(struct kmm_kernel *k, const char *text, char *err, size_t errlen)
{
	const char *p = text;
	unsigned int line = 0;

	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		const char *q = skip_spaces(p), *e;
		size_t n;
		u64 addr;
		bool ovf;

		line++;
		if (!eol)
			eol = p + kmm_strlen(p);
		if (q == eol || *q == '\r')
			goto next;
		addr = kmm_strtoull(q, &e, 16, &ovf);
		if (e == q || ovf || (*e != ' ' && *e != '\t')) {
			kmm_snprintf(err, errlen, "System.map line %u: expected 'ADDRESS TYPE NAME': '%.*s'",
				     line, (int)(eol - p), p);
			return -KMM_EPARSE;
		}
		q = skip_spaces(e);
		n = word_len(q);
		if (n != 1) {
			kmm_snprintf(err, errlen, "System.map line %u: bad symbol type: '%.*s'", line,
				     (int)(eol - p), p);
			return -KMM_EPARSE;
		}
		q = skip_spaces(q + 1);
		n = word_len(q);
		for (size_t i = 0; i < KMM_ARRAY_SIZE(sym_slots); i++)
			if (word_is(q, n, sym_slots[i].name))
				*(u64 *)((char *)&k->sym + sym_slots[i].off) = addr;
next:
		p = *eol ? eol + 1 : eol;
	}
	if (!k->sym.text || !k->sym.end) {
		kmm_snprintf(err, errlen, "System.map: symbol %s not found",
			     !k->sym.text ? "_text" : "_end");
		return -KMM_ENOENT;
	}
	if (!k->sym.stext)
		k->sym.stext = k->sym.text;
	if (!k->sym.end_of_kernel_reserve)
		k->sym.end_of_kernel_reserve = k->sym.brk_base ? k->sym.brk_base : k->sym.end;
	k->have_system_map = true;
	return 0;
}

static bool cfg_bool(const char *v, size_t n)
{
	return word_is(v, n, "y") || word_is(v, n, "m");
}

int kmm_kernel_parse_config(struct kmm_kernel *k, const char *text, char *err, size_t errlen)
{
	const char *p = text;
	unsigned int line = 0;
	bool numa = false, highmem = false, pae = false, rnd = false, deferred = false;

	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		const char *q = skip_spaces(p), *eq, *v, *e;
		size_t nlen, vlen;
		u64 num;
		bool ovf;

		line++;
		if (!eol)
			eol = p + kmm_strlen(p);
		if (q == eol || *q == '#' || *q == '\r')
			goto next;
		if (kmm_strncmp(q, "CONFIG_", 7) != 0) {
			kmm_snprintf(err, errlen, "config line %u: expected CONFIG_NAME=value: '%.*s'",
				     line, (int)(eol - p), p);
			return -KMM_EPARSE;
		}
		eq = q;
		while (eq < eol && *eq != '=')
			eq++;
		if (eq == eol) {
			kmm_snprintf(err, errlen, "config line %u: missing '=': '%.*s'", line,
				     (int)(eol - p), p);
			return -KMM_EPARSE;
		}
		nlen = (size_t)(eq - q);
		v = eq + 1;
		vlen = (size_t)(eol - v);
		while (vlen && kmm_isspace((unsigned char)v[vlen - 1]))
			vlen--;
		num = kmm_strtoull(v, &e, 0, &ovf);
		(void)e;
#define IS(name) word_is(q, nlen, name)
		if (IS("CONFIG_PHYSICAL_START"))
			k->physical_start = num;
		else if (IS("CONFIG_PHYSICAL_ALIGN"))
			k->physical_align = num;
		else if (IS("CONFIG_NR_CPUS"))
			k->nr_cpus = (unsigned int)num;
		else if (IS("CONFIG_NODES_SHIFT"))
			k->nodes_shift = (unsigned int)num;
		else if (IS("CONFIG_NUMA"))
			numa = cfg_bool(v, vlen);
		else if (IS("CONFIG_HIGHMEM"))
			highmem = cfg_bool(v, vlen);
		else if (IS("CONFIG_X86_PAE"))
			pae = cfg_bool(v, vlen);
		else if (IS("CONFIG_RANDOMIZE_MEMORY"))
			rnd = cfg_bool(v, vlen);
		else if (IS("CONFIG_DEFERRED_STRUCT_PAGE_INIT"))
			deferred = cfg_bool(v, vlen);
		else if (IS("CONFIG_PAGE_OFFSET"))
			k->page_offset = num;
		else if (IS("CONFIG_X86_RESERVE_LOW"))
			k->x86_reserve_low_kb = (unsigned int)num;
		else if (IS("CONFIG_CMA_SIZE_MBYTES"))
			k->cma_size_mbytes = (unsigned int)num;
#undef IS
next:
		p = *eol ? eol + 1 : eol;
	}
	k->numa = numa;
	k->highmem = highmem;
	k->x86_pae = pae;
	k->randomize_memory = rnd;
	k->deferred_struct_page_init = deferred;
	if (!numa)
		k->nodes_shift = 0;
	k->have_config = true;
	return 0;
}

int kmm_kernel_parse_struct_sizes(struct kmm_kernel *k, const char *text, char *err,
				  size_t errlen)
{
	const char *p = text;
	unsigned int line = 0;

	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		const char *q = skip_spaces(p), *e;
		size_t n;
		u64 size;
		bool ovf;

		line++;
		if (!eol)
			eol = p + kmm_strlen(p);
		if (q == eol || *q == '#' || *q == '\r')
			goto next;
		n = word_len(q);
		e = skip_spaces(q + n);
		size = kmm_strtoull(e, &e, 10, &ovf);
		if (ovf || e == skip_spaces(q + n) || e > eol) {
			kmm_snprintf(err, errlen, "struct sizes line %u: expected 'NAME SIZE': '%.*s'",
				     line, (int)(eol - p), p);
			return -KMM_EPARSE;
		}
		if (word_is(q, n, "pglist_data"))
			k->sizeof_pglist_data = size;
		else if (word_is(q, n, "page"))
			k->sizeof_page = size;
next:
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}
