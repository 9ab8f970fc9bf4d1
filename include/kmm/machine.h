/* SPDX-License-Identifier: MIT */
/*
 * kmm/machine.h - one simulated machine: its kernel build, firmware input,
 * command line and the boot-time memory state, in one context struct (no
 * global state: a program may boot many machines).
 *
 * Lifecycle: kmm_machine_init() -> fill m->kernel (kmm_kernel_parse_*),
 * m->boot (kmm_bootlog_parse) and m->cmdline (kmm_cmdline_parse) -> boot
 * (kmm_x86_setup_arch() for x86) -> inspect m->memblock, m->e820.
 * The struct is large (the e820 tables); allocate it, don't put it on a
 * small stack.
 */
#ifndef KMM_MACHINE_H
#define KMM_MACHINE_H

#include <kmm/bootlog.h>
#include <kmm/cmdline.h>
#include <kmm/e820.h>
#include <kmm/efi.h>
#include <kmm/fdt.h>
#include <kmm/hash_tables.h>
#include <kmm/env.h>
#include <kmm/kernel.h>
#include <kmm/memblock.h>
#include <kmm/mmzone.h>
#include <kmm/page_alloc.h>
#include <kmm/percpu.h>
#include <kmm/resource.h>
#include <kmm/sparse.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

/*
 * Facts of the platform firmware that a boot log does not print but Linux
 * reads from memory.  kmm_machine_init() sets the values of QEMU's firmware
 * (SeaBIOS/OVMF) with the Debian 6.1 kernels, measured on the oracle boots.
 */
struct kmm_platform {
	u64 mpc_len;  /* MP configuration table length (SeaBIOS: 0xd0), placed right after the
		       * 16-byte MP floating pointer */
	u64 brk_used; /* bytes of the kernel's brk area in use at reserve_brk(): early page
		       * tables + DMI copies (x86_64: 0x11000, i386: 0x19000) */
};

struct kmm_machine {
	struct kmm_env env;
	struct kmm_kernel kernel;
	struct kmm_platform platform;
	struct kmm_bootlog boot;
	struct kmm_cmdline cmdline;
	struct kmm_e820 e820;
	struct memblock memblock;
	struct memblock_region memory_init_regions[INIT_MEMBLOCK_REGIONS];
	/* arm64 with EFI and GICv3 ITS: INIT_MEMBLOCK_REGIONS + NR_CPUS + 1 */
	struct memblock_region reserved_init_regions[INIT_MEMBLOCK_REGIONS + 4096 + 1];

	/* boot state (x86 names) */
	u64 phys_base;               /* load offset: __pa_symbol(x) = x - map base + phys_base */
	unsigned long max_arch_pfn;
	unsigned long max_pfn;       /* end of RAM */
	unsigned long max_low_pfn;   /* end of directly mapped (low) RAM */
	unsigned long max_pfn_mapped;
	u64 real_mode_base;          /* the trampoline below 1M (0: none) */
	u64 initrd_start, initrd_end; /* where the initrd is after reserve_initrd() */
	int nr_nodes;
	/* numa_meminfo: the node memory blocks [start, end) being assembled */
	unsigned int nr_numa_blks;
	struct { u64 start, end; int nid; } numa_blks[128];
	u64 nodes_parsed;            /* bitmap of nodes named by SRAT */
	unsigned int numa_distance_cnt; /* entries per row of the distance table */
	/* x86_64 direct map page tables built so far by init_mem_mapping() (a model:
	 * which tables exist, not their contents); 2M pages, no 1G pages */
	struct {
		u8 pud[128];            /* one PUD page per 512 GiB */
		u8 pmd[65536 / 8];      /* bitmap: one PMD page per 1 GiB */
		unsigned long pte[256]; /* 2M chunks that have a PTE page */
		unsigned int nr_pte;
		unsigned long pgt_buf_used, pgt_buf_size; /* brk pages */
	} pgt;
	bool booted_efi;

	/* arm64: the device tree and what drivers/of made of /reserved-memory */
	const struct kmm_dt *dt;
	u64 kernel_load;             /* physical address of the Image (_text) */
	u64 memstart_addr;
	u64 phys_initrd_start, phys_initrd_size;
	unsigned int nr_reserved_mem;
	struct kmm_reserved_mem {
		const struct kmm_dt_rmem *node;
		u64 base, size;
		unsigned int order;  /* tree order (fdt_node offset order), for reports */
	} reserved_mem[64];          /* MAX_RESERVED_REGIONS */

	/*
	 * Nodes and zones (kmm/mmzone.h).  node[n].online once NODE_DATA(n) is
	 * allocated; numa_distance[a][b] is node_distance(a, b) (LOCAL_DISTANCE on
	 * the diagonal, REMOTE_DISTANCE elsewhere unless SLIT/the tree says).
	 */
	struct kmm_pgdat node[KMM_MAX_NUMNODES];
	u8 numa_distance[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES];
	struct kmm_zone_layout zone_layout;             /* set by kmm_free_area_init() */
	unsigned long max_zone_pfn[KMM_MAX_NR_ZONES];    /* free_area_init()'s argument */
	unsigned long zone_movable_pfn[KMM_MAX_NUMNODES]; /* find_zone_movable_pfns_for_nodes() */
	unsigned long nr_kernel_pages, nr_all_pages;     /* free_area_init_core() totals */
	unsigned long dma_reserve;                       /* set_dma_reserve() */
	struct kmm_hash_tables hash_tables;              /* boot hash tables (kmm/hash_tables.h) */
	int movable_zone;       /* zone_idx ZONE_MOVABLE takes its pages from (free_area_init) */
	u64 node_possible_map;  /* bit n: node n is possible (set by NUMA init); 0: the online nodes */
	struct kmm_percpu percpu;                        /* first per-CPU chunk (kmm/percpu.h) */
	/* CPUs as the page allocator counts them (0: not known, taken as 1 CPU / none on the node) */
	unsigned int nr_online_cpus;                     /* num_online_cpus() */
	u16 node_nr_cpus[KMM_MAX_NUMNODES];              /* cpumask_weight(cpumask_of_node(n)) */
	struct kmm_zonelists zonelists;                  /* build_all_zonelists() (kmm/zonelist.h) */
	struct kmm_wmark wmark;                          /* min_free_kbytes & co (kmm/watermark.h) */
	/*
	 * arm64 (src/arch/arm64): the ZONE_DMA limit, the CMA areas in
	 * declaration order and the crash kernel; ranges are [base, base + size).
	 */
	u64 arm64_dma_phys_limit;    /* end of ZONE_DMA, set by zone_sizes_init() */
	unsigned int nr_cma_areas;   /* <= CONFIG_CMA_AREAS (19) */
	struct kmm_cma_area { u64 base, size; char name[KMM_DT_NAME_MAX]; } cma_areas[19];
	unsigned int dma_contiguous_default_area; /* index in cma_areas[] + 1; 0: none */
	u64 crashk_base, crashk_size, crashk_low_base, crashk_low_size; /* size 0: none */
	struct kmm_efi efi;                              /* EFI boot: map, tables (kmm/efi.h) */
	/* --numa-distance: the SLIT as given, rows = columns = n (0: none); applied by
	 * x86 NUMA init when the firmware has a SLIT (kmm_slit_parse(), kmm/slit.h) */
	struct { unsigned int n; u8 d[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES]; } slit;
	struct kmm_page_alloc page_alloc; /* runtime allocator state (kmm/page_alloc.h) */
	struct kmm_iomem iomem;                          /* /proc/iomem resource tree (kmm/resource.h) */
	struct kmm_sparse sparse;                        /* SPARSEMEM state (kmm/sparse.h) */
	/* page allocator totals (mm/page_alloc.c) */
	unsigned long totalram_pages;  /* pages given to the buddy allocator, deferred ones included */
	unsigned long totalcma_pages;  /* pages in CMA areas (cma_init_reserved_mem) */
	unsigned long totalhigh_pages; /* HighMem pages given to the buddy allocator */
	/* the default swiotlb pool (kernel/dma/swiotlb.c); nslabs 0: none */
	struct kmm_swiotlb {
		u64 start;                   /* bounce buffer [start, start + nslabs * 2K) */
		unsigned long nslabs;
		unsigned int nareas;
		u64 slots, areas;            /* physical addresses of the metadata */
	} swiotlb;
	bool booted;                   /* the boot ran to its end (views may be printed) */
};

/* kmm_machine_init - an empty machine for @arch logging through @env. */
void kmm_machine_init(struct kmm_machine *m, enum kmm_arch arch, const struct kmm_env *env);

/* kmm_kernel_pa - __pa_symbol(@sym) of the simulated kernel (x86: phys_base; arm64: kernel_load) */
u64 kmm_kernel_pa(const struct kmm_machine *m, u64 sym);

/*
 * kmm_x86_setup_arch - run the x86 setup_arch() memory path on @m:
 * early reservations, the firmware map from @firmware_text (boot-log or
 * table lines, see kmm_e820_parse_text()), the early parameters, the MP
 * table, brk, e820__memblock_setup() and its MEMBLOCK dump, printing what
 * Linux prints.  Returns 0 or a negative kmm_err with @err saying why (bad
 * firmware map, malformed early option, ...).
 */
int kmm_x86_setup_arch(struct kmm_machine *m, const char *firmware_text, char *err,
		       size_t errlen);

/*
 * kmm_x86_setup_memory - continue setup_arch() after the first dump: the
 * real-mode trampoline and low 1M, init_mem_mapping()'s probe, the initrd
 * (moved into mapped RAM when needed), the ACPI table reservations and NUMA
 * setup (SRAT/SLIT, or numa=fake=N, =SIZE[MG], =NU emulation) with NODE_DATA
 * and the second MEMBLOCK dump.  Returns 0 or -KMM_ENOMEM (@err: what could
 * not be placed).
 */
int kmm_x86_setup_memory(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_arm64_setup_arch - the memory part of arm64's setup_arch() on @m with
 * the device tree @dt (read by kmm_fdt_read()) and the Image at @kernel_load:
 * memory nodes into memblock, the command line from /chosen,
 * arm64_memblock_init() (linear-map limits, mem=, the initrd, the kernel) and
 * early_init_fdt_scan_reserved_mem() with /reserved-memory, /memreserve/ and
 * the reserved-memory drivers (CMA and DMA pools), printing what Linux
 * prints.  Returns 0 or a negative kmm_err with @err.
 */
int kmm_arm64_setup_arch(struct kmm_machine *m, const struct kmm_dt *dt, u64 kernel_load,
			 char *err, size_t errlen);

#endif /* KMM_MACHINE_H */
