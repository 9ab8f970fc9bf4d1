/* SPDX-License-Identifier: MIT */
/*
 * kmm/kernel.h - what kmm knows of the simulated kernel build: the symbols of
 * its System.map that fix the image layout, and the .config options that
 * change memory management.
 *
 * kmm_kernel_parse_system_map() and kmm_kernel_parse_config() read the
 * files' text; kmm_kernel_finish() derives the rest (NUMA, MAX_NUMNODES,
 * NR_CPUS, ...) with the defaults of the architecture when a file was not
 * given.  Addresses are link-time virtual addresses; __pa_symbol() of the
 * simulated kernel is kmm_kernel_pa().
 */
#ifndef KMM_KERNEL_H
#define KMM_KERNEL_H

#include <kmm/env.h>

enum kmm_arch { KMM_ARCH_X86_64 = 0, KMM_ARCH_I386, KMM_ARCH_ARM64 };

/*
 * The kernel structures whose sizes move memory around at boot (memblock
 * allocation sizes, memmap cost).  kmm_kernel_init() sets the Debian 6.1
 * kernels' values; kmm_kernel_parse_struct_sizes() takes them from `pahole -s`.
 * A size of 0 means the structure does not exist in that build (i386 has no
 * mem_section: FLATMEM).
 */
enum kmm_struct {
	KMM_STRUCT_PAGE,              /* struct page: memmap stride */
	KMM_STRUCT_PGLIST_DATA,       /* NODE_DATA */
	KMM_STRUCT_ZONE,
	KMM_STRUCT_MEM_SECTION,       /* sparse: the section roots */
	KMM_STRUCT_MEM_SECTION_USAGE, /* sparse: usemap header */
	KMM_STRUCT_DEVICE_NODE,       /* unflatten_device_tree() */
	KMM_STRUCT_PROPERTY,
	KMM_STRUCT_PER_CPU_PAGES,
	KMM_STRUCT_PER_CPU_ZONESTAT,
	KMM_STRUCT_PCPU_CHUNK,
	KMM_STRUCT_HLIST_HEAD,        /* hash tables */
	KMM_STRUCT_HLIST_BL_HEAD,
	KMM_STRUCT_FUTEX_HASH_BUCKET,      /* futex hash table */
	KMM_STRUCT_INET_LISTEN_HASHBUCKET, /* tcp_listen_portaddr_hash */
	KMM_STRUCT_INET_EHASH_BUCKET,      /* TCP established */
	KMM_STRUCT_INET_BIND_HASHBUCKET,   /* TCP bind (two per entry: bhash and bhash2) */
	KMM_STRUCT_TOKEN_BUCKET,           /* MPTCP token */
	KMM_STRUCT_UDP_HSLOT,              /* UDP, UDP-Lite (two per entry) */
	KMM_STRUCT_PCPU_ALLOC_INFO,        /* percpu: first-chunk layout (alloc_info) */
	KMM_STRUCT_PCPU_GROUP_INFO,        /* percpu: one group of alloc_info */
	KMM_STRUCT_PCPU_BLOCK_MD,          /* percpu: bitmap metadata block */
	KMM_STRUCT_LIST_HEAD,              /* percpu chunk slot lists */
	KMM_STRUCT_IO_TLB_SLOT,            /* swiotlb: one per 2 KiB slab */
	KMM_STRUCT_IO_TLB_AREA,            /* swiotlb: one per area */
	KMM_STRUCT_RESOURCE,               /* iomem: one per e820 entry, memory region, HPET, IOAPIC */
	KMM_STRUCT_NR
};

/* kmm_struct_name - the pahole name of @s ("page", "pglist_data", ...) */
const char *kmm_struct_name(enum kmm_struct s);

/* The symbols kmm reads from System.map; 0 when absent. */
struct kmm_kernel_syms {
	u64 text, stext, etext, sdata, edata, start_rodata, end_rodata;
	u64 init_begin, init_end, sinittext, einittext;
	u64 bss_start, bss_stop, brk_base, brk_limit, end, end_of_kernel_reserve;
	u64 per_cpu_start, per_cpu_end, per_cpu_load;
	u64 real_mode_blob, real_mode_blob_end, real_mode_relocs;
	/* arm64 (0 = absent): paging_init()'s init segments, head.S's page tables, the idmap */
	u64 inittext_end, init_pg_dir, init_pg_end, idmap_text_start, idmap_text_end;
	u64 idmap_kpti_flag;
	/* freed late (0 = absent): SMP lock prefixes on UP, x86_64's unused decrypted bss */
	u64 smp_locks, smp_locks_end, start_bss_decrypted_unused, end_bss_decrypted;
};

struct kmm_kernel {
	enum kmm_arch arch;
	struct kmm_kernel_syms sym;
	bool have_system_map, have_config;

	/* .config facts (defaults of the Debian 6.1 kernels when absent) */
	u64 physical_start;   /* CONFIG_PHYSICAL_START */
	u64 physical_align;   /* CONFIG_PHYSICAL_ALIGN */
	unsigned int nr_cpus; /* CONFIG_NR_CPUS */
	unsigned int nodes_shift;
	bool numa;            /* CONFIG_NUMA */
	bool randomize_memory;
	bool highmem, x86_pae;
	u64 page_offset;      /* CONFIG_PAGE_OFFSET (i386) */
	u64 vmalloc_end;      /* i386: VMALLOC_END, below the pkmap and fixmap areas */
	unsigned int x86_reserve_low_kb; /* CONFIG_X86_RESERVE_LOW */
	unsigned int cma_size_mbytes;
	bool deferred_struct_page_init;
	bool zone_dma, zone_dma32, zone_device; /* CONFIG_ZONE_* (HighMem: @highmem) */
	bool sparsemem_vmemmap; /* CONFIG_SPARSEMEM_VMEMMAP, else FLATMEM */
	bool cma;               /* CONFIG_CMA: MIGRATE_CMA exists */
	u64 struct_size[KMM_STRUCT_NR]; /* sizeof, see enum kmm_struct */
	char release[128];    /* "6.1.0-56-amd64" when known */
};

/* kmm_kernel_init - defaults for @arch (Debian 6.1's config, no symbols). */
void kmm_kernel_init(struct kmm_kernel *k, enum kmm_arch arch);

/*
 * kmm_kernel_parse_system_map - read "ADDR TYPE NAME" lines.  Returns 0, or
 * -KMM_EPARSE (@err: "System.map line N: ...") for a malformed line, or
 * -KMM_ENOENT when a symbol kmm needs (_text, _end) is missing.
 */
int kmm_kernel_parse_system_map(struct kmm_kernel *k, const char *text, char *err, size_t errlen);
/* kmm_kernel_parse_config - read CONFIG_X=value lines (comments skipped). */
int kmm_kernel_parse_config(struct kmm_kernel *k, const char *text, char *err, size_t errlen);

/*
 * kmm_kernel_parse_struct_sizes - read `pahole -s` output ("name<TAB>size<TAB>holes"
 * lines, '#' comments) and take the sizes of enum kmm_struct.
 * Returns 0 or -KMM_EPARSE (@err names the line).
 */
int kmm_kernel_parse_struct_sizes(struct kmm_kernel *k, const char *text, char *err,
				  size_t errlen);

/* virtual start of the kernel mapping: __START_KERNEL_map or PAGE_OFFSET */
u64 kmm_kernel_map_base(const struct kmm_kernel *k);

#endif /* KMM_KERNEL_H */
