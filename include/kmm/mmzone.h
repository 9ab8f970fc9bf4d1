/* SPDX-License-Identifier: MIT */
/*
 * kmm/mmzone.h - NUMA nodes and their zones, as Linux 6.1's pglist_data and
 * struct zone describe them (include/linux/mmzone.h).
 *
 * A machine (struct kmm_machine) has up to KMM_MAX_NUMNODES nodes; each has
 * the zones its kernel build configures, in Linux's order (DMA, DMA32,
 * Normal, HighMem, Movable, Device; absent kinds are skipped, so zone
 * indices are compact exactly as zone_idx() is: x86_64 has DMA=0 DMA32=1
 * Normal=2 Movable=3 Device=4, i386 DMA=0 Normal=1 HighMem=2 Movable=3,
 * arm64 DMA=0 DMA32=1 Normal=2 Movable=3).
 *
 * Lifecycle: the architecture brings nodes online (NUMA init, NODE_DATA),
 * free_area_init() sizes every zone, build_all_zonelists() orders them,
 * memblock_free_all() fills them; watermarks come last.  All page counts are
 * in pages of PAGE_SIZE, all ranges are half-open [start, end).
 */
#ifndef KMM_MMZONE_H
#define KMM_MMZONE_H

#include <kmm/env.h>

#define KMM_MAX_NUMNODES 64 /* kmm's limit; the kernel's is 1 << CONFIG_NODES_SHIFT */
#define KMM_MAX_NR_ZONES 5  /* the most any supported build has (x86_64) */
#define KMM_MAX_ORDER 11    /* orders 0..MAX_ORDER-1 (Linux 6.1) */
#define KMM_NUMA_NO_NODE (-1)
#define KMM_LOCAL_DISTANCE 10
#define KMM_REMOTE_DISTANCE 20

enum kmm_zone_kind {
	KMM_ZONE_DMA,
	KMM_ZONE_DMA32,
	KMM_ZONE_NORMAL,
	KMM_ZONE_HIGHMEM,
	KMM_ZONE_MOVABLE,
	KMM_ZONE_DEVICE,
	KMM_ZONE_KINDS
};

/* Migrate types of Linux 6.1 with CONFIG_CMA and CONFIG_MEMORY_ISOLATION. */
enum kmm_migratetype {
	KMM_MIGRATE_UNMOVABLE,
	KMM_MIGRATE_MOVABLE,
	KMM_MIGRATE_RECLAIMABLE,
	KMM_MIGRATE_HIGHATOMIC, /* == MIGRATE_PCPTYPES */
	KMM_MIGRATE_CMA,
	KMM_MIGRATE_ISOLATE,
	KMM_MIGRATE_TYPES
};
#define KMM_MIGRATE_PCPTYPES KMM_MIGRATE_HIGHATOMIC

/* The free lists of one order of a zone. */
struct kmm_free_area {
	u64 head[KMM_MIGRATE_TYPES];          /* first pfn on each list, KMM_PFN_NONE if empty */
	u64 tail[KMM_MIGRATE_TYPES];
	unsigned long nr[KMM_MIGRATE_TYPES];  /* blocks on each list */
	unsigned long nr_free;                /* sum of nr[] */
};

/* Watermark indices, as enum zone_watermarks. */
enum { KMM_WMARK_MIN, KMM_WMARK_LOW, KMM_WMARK_HIGH, KMM_NR_WMARK };

/* The zones a kernel build has, in zone_idx() order. */
struct kmm_zone_layout {
	unsigned int nr;                          /* MAX_NR_ZONES of the build */
	enum kmm_zone_kind kind[KMM_MAX_NR_ZONES];
	u8 at[KMM_ZONE_KINDS];                    /* 1 + the index of each kind, 0: not built */
};

struct kmm_zone {
	enum kmm_zone_kind kind;
	int node;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;  /* zone_end_pfn - zone_start_pfn, holes included */
	unsigned long present_pages;  /* spanned_pages - pages in holes */
	unsigned long present_early_pages; /* present below the first movable/deferred limit */
	/*
	 * managed_pages: after free_area_init() the estimate Linux computes there
	 * (present_pages - memmap pages - dma_reserve, see free_area_init_core);
	 * from memblock_free_all() on, the pages the buddy allocator manages
	 * (present_pages - reserved pages).
	 */
	unsigned long managed_pages;
	unsigned long cma_pages;      /* pages of CMA areas in this zone */
	unsigned long watermark[KMM_NR_WMARK];
	unsigned long watermark_boost;
	unsigned long lowmem_reserve[KMM_MAX_NR_ZONES];
	unsigned long nr_reserved_highatomic;
	int pageset_high, pageset_batch; /* per-CPU page list limits */
	bool initialized;             /* zone_init_internals() ran (spanned_pages != 0) */
	u64 pageblock_flags;          /* FLATMEM: physical address of the zone's pageblock bits */
	/* the buddy allocator: free_area[o].nr_free blocks of 2^o pages */
	struct kmm_free_area free_area[KMM_MAX_ORDER];
	unsigned long vm_free_pages;     /* NR_FREE_PAGES = sum of nr_free << order */
	unsigned long vm_free_cma_pages; /* NR_FREE_CMA_PAGES */
};

/* One NUMA node: Linux's pglist_data. */
struct kmm_pgdat {
	int node_id;
	bool online;                  /* node_online(): NODE_DATA exists */
	bool has_memory;              /* N_MEMORY */
	u64 phys;                     /* physical address of NODE_DATA(node_id) */
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages; /* end_pfn - node_start_pfn */
	unsigned long node_present_pages;
	unsigned long first_deferred_pfn; /* CONFIG_DEFERRED_STRUCT_PAGE_INIT; ULONG_MAX: none */
	u64 node_mem_map;             /* FLATMEM (i386): physical address of the memmap */
	unsigned long totalreserve_pages;
	struct kmm_zone zones[KMM_MAX_NR_ZONES]; /* [0, layout.nr) are used */
};

struct kmm_kernel;

/* kmm_zone_kind_name - "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" */
const char *kmm_zone_kind_name(enum kmm_zone_kind kind);

/* kmm_zone_layout_init - the zones of build @k (CONFIG_ZONE_DMA/DMA32/DEVICE, HIGHMEM). */
void kmm_zone_layout_init(struct kmm_zone_layout *l, const struct kmm_kernel *k);

/* kmm_zone_layout_index - zone_idx() of @kind, or -1 when the build has no such zone. */
static inline int kmm_zone_layout_index(const struct kmm_zone_layout *l, enum kmm_zone_kind kind)
{
	return (unsigned int)kind < KMM_ZONE_KINDS ? (int)l->at[kind] - 1 : -1;
}

struct kmm_machine;

/*
 * kmm_zones_check - the zone counters zonelists and watermarks divide by:
 * a zone layout is set (free_area_init ran) and every online node's zones
 * have present <= spanned and managed <= present.  Returns 0 or -KMM_EINVAL
 * with @err naming the node, zone and figures.
 */
int kmm_zones_check(const struct kmm_machine *m, char *err, size_t errlen);

#endif /* KMM_MMZONE_H */
