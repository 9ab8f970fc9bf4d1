// SPDX-License-Identifier: MIT
/*
 * kernel_image.c - the simulated kernel's layout (System.map) and
 * configuration (.config), see kmm/kernel.h.
 */
#include <kmm/error.h>
#include <kmm/kernel.h>
#include <kmm/lib.h>

static const char *const struct_names[KMM_STRUCT_NR] = {
	[KMM_STRUCT_PAGE] = "page",
	[KMM_STRUCT_PGLIST_DATA] = "pglist_data",
	[KMM_STRUCT_ZONE] = "zone",
	[KMM_STRUCT_MEM_SECTION] = "mem_section",
	[KMM_STRUCT_MEM_SECTION_USAGE] = "mem_section_usage",
	[KMM_STRUCT_DEVICE_NODE] = "device_node",
	[KMM_STRUCT_PROPERTY] = "property",
	[KMM_STRUCT_PER_CPU_PAGES] = "per_cpu_pages",
	[KMM_STRUCT_PER_CPU_ZONESTAT] = "per_cpu_zonestat",
	[KMM_STRUCT_PCPU_CHUNK] = "pcpu_chunk",
	[KMM_STRUCT_HLIST_HEAD] = "hlist_head",
	[KMM_STRUCT_HLIST_BL_HEAD] = "hlist_bl_head",
	[KMM_STRUCT_FUTEX_HASH_BUCKET] = "futex_hash_bucket",
	[KMM_STRUCT_INET_LISTEN_HASHBUCKET] = "inet_listen_hashbucket",
	[KMM_STRUCT_INET_EHASH_BUCKET] = "inet_ehash_bucket",
	[KMM_STRUCT_INET_BIND_HASHBUCKET] = "inet_bind_hashbucket",
	[KMM_STRUCT_TOKEN_BUCKET] = "token_bucket",
	[KMM_STRUCT_UDP_HSLOT] = "udp_hslot",
	[KMM_STRUCT_PCPU_ALLOC_INFO] = "pcpu_alloc_info",
	[KMM_STRUCT_PCPU_GROUP_INFO] = "pcpu_group_info",
	[KMM_STRUCT_PCPU_BLOCK_MD] = "pcpu_block_md",
	[KMM_STRUCT_LIST_HEAD] = "list_head",
	[KMM_STRUCT_IO_TLB_SLOT] = "io_tlb_slot",
	[KMM_STRUCT_IO_TLB_AREA] = "io_tlb_area",
	[KMM_STRUCT_RESOURCE] = "resource",
};

/* pahole -s of the Debian 6.1 kernels (../shared/oracle/kernels/ARCH/struct-sizes.txt) */
static const u64 struct_sizes_x86_64[KMM_STRUCT_NR] = { 64, 174208, 1536, 32, 24, 144, 32,
							 256, 64, 136, 8, 8,
							 64, 16, 8, 16, 24, 16,
							 64, 24, 32, 16, 24, 16, 64 };
static const u64 struct_sizes_i386[KMM_STRUCT_NR] = { 40, 4416, 768, 0, 0, 72, 16,
						       192, 12, 92, 4, 4,
						       64, 8, 4, 8, 16, 16,
						       32, 12, 32, 8, 16, 12, 40 };
static const u64 struct_sizes_arm64[KMM_STRUCT_NR] = { 64, 11392, 1728, 32, 24, 208, 96,
							256, 64, 136, 8, 8,
							64, 16, 8, 16, 24, 16,
							64, 24, 32, 16, 24, 16, 64 };

const char *kmm_struct_name(enum kmm_struct s)
{
	return (unsigned int)s < KMM_STRUCT_NR ? struct_names[s] : "?";
}

void kmm_kernel_init(struct kmm_kernel *k, enum kmm_arch arch)
{
	const u64 *sizes;

	kmm_memset(k, 0, sizeof(*k));
	k->arch = arch;
	k->physical_start = 0x1000000;
	k->x86_reserve_low_kb = 64;
	k->zone_dma = true;
	k->zone_dma32 = arch != KMM_ARCH_I386;
	k->zone_device = arch == KMM_ARCH_X86_64;
	k->sparsemem_vmemmap = arch != KMM_ARCH_I386;
	k->cma = arch == KMM_ARCH_ARM64;
	switch (arch) {
	case KMM_ARCH_X86_64:
		k->physical_align = 0x200000;
		k->nr_cpus = 8192;
		k->nodes_shift = 10;
		k->numa = true;
		k->randomize_memory = true;
		k->deferred_struct_page_init = true;
		break;
	case KMM_ARCH_I386:
		k->physical_align = 0x1000000;
		k->nr_cpus = 32;
		k->highmem = true;
		k->x86_pae = true;
		k->page_offset = 0xc0000000;
		/* the 686-pae kernel's fixmap and pkmap (NR_CPUS 32) end vmalloc here */
		k->vmalloc_end = 0xfeffe000;
		break;
	case KMM_ARCH_ARM64:
		k->physical_start = 0;
		k->physical_align = 0x200000;
		k->nr_cpus = 256;
		k->nodes_shift = 4;
		k->numa = true;
		k->deferred_struct_page_init = true;
		k->cma_size_mbytes = 64;
		break;
	}
	sizes = arch == KMM_ARCH_X86_64 ? struct_sizes_x86_64
		: arch == KMM_ARCH_I386 ? struct_sizes_i386 : struct_sizes_arm64;
	kmm_memcpy(k->struct_size, sizes, sizeof(k->struct_size));
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
	SLOT("__smp_locks", smp_locks), SLOT("__smp_locks_end", smp_locks_end),
	SLOT("__start_bss_decrypted_unused", start_bss_decrypted_unused),
	SLOT("__end_bss_decrypted", end_bss_decrypted),
	SLOT("__inittext_end", inittext_end), SLOT("init_pg_dir", init_pg_dir),
	SLOT("init_pg_end", init_pg_end), SLOT("__idmap_text_start", idmap_text_start),
	SLOT("__idmap_text_end", idmap_text_end), SLOT("__idmap_kpti_flag", idmap_kpti_flag),
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

/* One line of a text input: [start, eol), @body past leading blanks, @nr from 1. */
struct text_line {
	const char *start, *eol, *body;
	unsigned int nr;
};

/*
 * next_line - move *@p past the next line that has content (not blank, not
 * starting with @comment when that is non-zero) and describe it in @ln;
 * false at the end of the text.
 */
static bool next_line(const char **p, struct text_line *ln, char comment)
{
	while (**p) {
		ln->start = *p;
		ln->eol = kmm_strchr(*p, '\n');
		if (!ln->eol)
			ln->eol = *p + kmm_strlen(*p);
		ln->nr++;
		*p = *ln->eol ? ln->eol + 1 : ln->eol;
		ln->body = skip_spaces(ln->start);
		if (ln->body == ln->eol || *ln->body == '\r' || (comment && *ln->body == comment))
			continue;
		return true;
	}
	return false;
}

/* "<file> line N: <what>: '<line>'" */
static int bad_line(char *err, size_t errlen, const char *file, const struct text_line *ln,
		    const char *what)
{
	kmm_snprintf(err, errlen, "%s line %u: %s: '%.*s'", file, ln->nr, what,
		     (int)(ln->eol - ln->start), ln->start);
	return -KMM_EPARSE;
}

int kmm_kernel_parse_system_map(struct kmm_kernel *k, const char *text, char *err, size_t errlen)
{
	struct text_line ln = { 0 };
	const char *p = text;

	while (next_line(&p, &ln, 0)) {
		const char *q, *e;
		size_t n;
		u64 addr;
		bool ovf;

		addr = kmm_strtoull(ln.body, &e, 16, &ovf);
		if (e == ln.body || ovf || (*e != ' ' && *e != '\t'))
			return bad_line(err, errlen, "System.map", &ln, "expected 'ADDRESS TYPE NAME'");
		q = skip_spaces(e);
		if (word_len(q) != 1)
			return bad_line(err, errlen, "System.map", &ln, "bad symbol type");
		q = skip_spaces(q + 1);
		n = word_len(q);
		for (size_t i = 0; i < KMM_ARRAY_SIZE(sym_slots); i++)
			if (word_is(q, n, sym_slots[i].name))
				*(u64 *)((char *)&k->sym + sym_slots[i].off) = addr;
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
	struct text_line ln = { 0 };
	const char *p = text;
	bool numa = false, highmem = false, pae = false, rnd = false, deferred = false;
	bool zdma = false, zdma32 = false, zdev = false, vmemmap = false, cma = false;

	while (next_line(&p, &ln, '#')) {
		const char *q = ln.body, *eol = ln.eol, *eq, *v, *e;
		size_t nlen, vlen;
		u64 num;
		bool ovf;

		if (kmm_strncmp(q, "CONFIG_", 7) != 0)
			return bad_line(err, errlen, "config", &ln, "expected CONFIG_NAME=value");
		eq = q;
		while (eq < eol && *eq != '=')
			eq++;
		if (eq == eol)
			return bad_line(err, errlen, "config", &ln, "missing '='");
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
		else if (IS("CONFIG_ZONE_DMA"))
			zdma = cfg_bool(v, vlen);
		else if (IS("CONFIG_ZONE_DMA32"))
			zdma32 = cfg_bool(v, vlen);
		else if (IS("CONFIG_ZONE_DEVICE"))
			zdev = cfg_bool(v, vlen);
		else if (IS("CONFIG_SPARSEMEM_VMEMMAP"))
			vmemmap = cfg_bool(v, vlen);
		else if (IS("CONFIG_CMA"))
			cma = cfg_bool(v, vlen);
		else if (IS("CONFIG_PAGE_OFFSET"))
			k->page_offset = num;
		else if (IS("CONFIG_X86_RESERVE_LOW"))
			k->x86_reserve_low_kb = (unsigned int)num;
		else if (IS("CONFIG_CMA_SIZE_MBYTES"))
			k->cma_size_mbytes = (unsigned int)num;
#undef IS
	}
	k->numa = numa;
	k->highmem = highmem;
	k->x86_pae = pae;
	k->randomize_memory = rnd;
	k->deferred_struct_page_init = deferred;
	k->zone_dma = zdma;
	k->zone_dma32 = zdma32;
	k->zone_device = zdev;
	k->sparsemem_vmemmap = vmemmap;
	k->cma = cma;
	if (!numa)
		k->nodes_shift = 0;
	k->have_config = true;
	return 0;
}

int kmm_kernel_parse_struct_sizes(struct kmm_kernel *k, const char *text, char *err,
				  size_t errlen)
{
	struct text_line ln = { 0 };
	const char *p = text;

	while (next_line(&p, &ln, '#')) {
		const char *q = ln.body, *num, *e;
		size_t n = word_len(q);
		u64 size;
		bool ovf;

		num = skip_spaces(q + n);
		size = kmm_strtoull(num, &e, 10, &ovf);
		if (ovf || e == num || e > ln.eol)
			return bad_line(err, errlen, "struct sizes", &ln, "expected 'NAME SIZE'");
		for (unsigned int i = 0; i < KMM_STRUCT_NR; i++)
			if (word_is(q, n, struct_names[i]))
				k->struct_size[i] = size;
	}
	return 0;
}
