/* SPDX-License-Identifier: MIT */
/*
 * kmm/fdt.h - the facts Linux 6.1's arm64 early boot reads from a flattened
 * device tree, extracted into a plain struct (kmm_fdt_read()).
 *
 * The reader is built on libfdt and follows, property by property, what
 * these Linux functions read (drivers/of/fdt.c, of_reserved_mem.c,
 * of_numa.c, address.c):
 *
 *   early_init_dt_scan_root            root #address-cells / #size-cells
 *   early_init_dt_scan_chosen          /chosen bootargs, linux,initrd-*,
 *   early_init_dt_check_for_*          linux,elfcorehdr,
 *                                      linux,usable-memory-range
 *   early_init_dt_scan_memory          memory nodes
 *   early_init_fdt_scan_reserved_mem   /memreserve/ entries, /reserved-memory
 *   fdt_init_reserved_mem              size / alignment / alloc-ranges, ...
 *   of_numa_init                       numa-node-id of memory and cpu nodes,
 *                                      numa-distance-map-v1
 *   of_dma_get_max_cpu_address(NULL)   dma-ranges (arm64 zone_dma_bits)
 *   unflatten_device_tree              the size of the unflattened tree
 *
 * It records what the tree says; it does not apply it (no memblock calls).
 * Where Linux itself copes with a bad property and prints a message (an
 * invalid reg in a /reserved-memory child, an invalid size, an unsupported
 * /reserved-memory format, a bad distance-matrix, ...), the reader records a
 * flag so a caller can reproduce Linux's message and behaviour.  Where the
 * tree is broken in a way Linux would misread silently or not boot from (a
 * corrupt blob, a memory reg whose length is not a whole number of entries,
 * cell counts kmm cannot use, no memory at all), kmm_fdt_read() fails with a
 * message naming the node and the property.
 *
 * All ranges are half-open: [base, base + size).  All values are read like
 * Linux's of_read_number(): big-endian cells, the last two cells kept when a
 * number has more than two.
 */
#ifndef KMM_FDT_H
#define KMM_FDT_H

#include <kmm/env.h>

#define KMM_DT_NAME_MAX 64          /* node name with unit address, with NUL */
#define KMM_DT_PATH_MAX 128         /* full node path, with NUL */
#define KMM_DT_CMDLINE_SIZE 2048    /* arm64 COMMAND_LINE_SIZE */
#define KMM_DT_MAX_MEM_NODES 64
#define KMM_DT_MAX_MEM_REG 32       /* reg entries per memory node */
#define KMM_DT_MAX_USABLE_RANGES 2  /* Linux MAX_USABLE_RANGES */
#define KMM_DT_MAX_MEMRESERVE 64
#define KMM_DT_MAX_RMEM 128         /* Linux keeps 64 (MAX_RESERVED_REGIONS) */
#define KMM_DT_MAX_RMEM_REG 16
#define KMM_DT_MAX_ALLOC_RANGES 16
#define KMM_DT_MAX_CPUS 256
#define KMM_DT_MAX_DISTANCES 1024   /* distance-matrix triples */
#define KMM_DT_MAX_DMA_RANGES 64
#define KMM_DT_MAX_DEPTH 64         /* node nesting the dma-ranges walk follows */
#define KMM_DT_BAD_ADDR (~0ULL)     /* Linux OF_BAD_ADDR */

/* struct kmm_dt_range - [base, base + size) */
struct kmm_dt_range {
	u64 base;
	u64 size;
};

/*
 * struct kmm_dt_memory - one available memory node: a child of the root with
 * device_type = "memory" and status absent, "okay" or "ok".
 *
 * @reg holds every entry of linux,usable-memory when that property exists
 * (@usable_memory), else of reg, including size-0 entries (Linux skips
 * those).  @nid is valid when @has_nid; @nid_bad means numa-node-id exists
 * but is shorter than one cell (Linux: "bad property in memory node", NUMA
 * init fails).
 */
struct kmm_dt_memory {
	char name[KMM_DT_NAME_MAX];
	bool usable_memory;
	bool hotpluggable;
	bool has_nid, nid_bad;
	u32 nid;
	unsigned int nr_reg;
	struct kmm_dt_range reg[KMM_DT_MAX_MEM_REG];
};

/*
 * enum kmm_dt_rmem_kind - how Linux's fdt_scan_reserved_mem() treats a
 * /reserved-memory child: STATIC has a reg property (reserved at once; the
 * first entry is saved), DYNAMIC has no reg but a size property (allocated
 * by fdt_init_reserved_mem()), NONE has neither and is ignored.
 */
enum kmm_dt_rmem_kind {
	KMM_DT_RMEM_NONE,
	KMM_DT_RMEM_STATIC,
	KMM_DT_RMEM_DYNAMIC,
};

/*
 * struct kmm_dt_rmem - one child of /reserved-memory, in tree order,
 * available or not (Linux skips !@available ones).
 *
 * Invariants: @reg_invalid => @nr_reg == 0 (Linux: "Reserved memory:
 * invalid reg property in '<name>', skipping node.");
 * @size_invalid => @size == 0 ("invalid size property in '<name>' node.");
 * @alignment_invalid => @alignment == 0 ("invalid alignment property ...");
 * @alloc_ranges_invalid => @nr_alloc_ranges == 0 ("invalid alloc-ranges
 * property in '<name>', skipping node.").  Size, alignment and alloc-ranges
 * are read for every kind: Linux also allocates a STATIC node whose first
 * reg entry has size 0.
 */
struct kmm_dt_rmem {
	char name[KMM_DT_NAME_MAX];
	enum kmm_dt_rmem_kind kind;
	bool available;
	char status[16];            /* "" when absent; cut to 15 bytes */
	bool no_map, reusable, cma_default;
	char compatible[64];        /* the first string, "" if none; cut to 63 */
	bool shared_dma_pool;       /* "shared-dma-pool" is one of the strings */
	bool has_reg, reg_invalid;
	unsigned int nr_reg;
	struct kmm_dt_range reg[KMM_DT_MAX_RMEM_REG];
	bool has_size, size_invalid;
	u64 size;
	bool has_alignment, alignment_invalid;
	u64 alignment;
	bool has_alloc_ranges, alloc_ranges_invalid;
	unsigned int nr_alloc_ranges;
	struct kmm_dt_range alloc_ranges[KMM_DT_MAX_ALLOC_RANGES];
};

/*
 * struct kmm_dt_cpu - a child of /cpus named "cpu[@...]" or with
 * device_type = "cpu" (Linux for_each_of_cpu_node).  @hwid is the reg value
 * read with /cpus' #address-cells (arm64 of_get_cpu_hwid: the MPIDR), or
 * KMM_DT_BAD_ADDR.  @failed: status is "fail" or "fail-..." (6.1 skips it).
 */
struct kmm_dt_cpu {
	u64 hwid;
	bool failed;
	bool has_nid, nid_bad;
	u32 nid;
};

struct kmm_dt_distance {
	u32 from, to, distance;
};

/*
 * struct kmm_dt_dma_range - one dma-ranges entry of an available node
 * (ancestors available too), as of_dma_get_max_cpu_address() sees it.
 * @cpu_addr is @parent_addr translated to the root through the ancestors'
 * dma-ranges (KMM_DT_BAD_ADDR when Linux's translation fails, e.g. for the
 * root's own dma-ranges).
 */
struct kmm_dt_dma_range {
	char node[KMM_DT_PATH_MAX];
	u64 bus_addr, parent_addr, cpu_addr, size;
};

/*
 * struct kmm_dt - everything kmm_fdt_read() extracts.  Counts never exceed
 * their array sizes: a tree that needs more fails with -KMM_EOVERFLOW.
 */
struct kmm_dt {
	u32 totalsize;                 /* header totalsize <= blob_size */
	/*
	 * Where the boot loader put the blob (not in the blob: the caller sets
	 * it after kmm_fdt_read(); 0 = not placed).  arm64's
	 * setup_machine_fdt() reserves [blob_phys, blob_phys + totalsize).
	 */
	u64 blob_phys;
	u32 addr_cells, size_cells;    /* root; 1/1 when absent, as Linux */

	/* /chosen (or /chosen@0) */
	bool has_chosen;
	bool has_bootargs;             /* bootargs present with length > 0 */
	char bootargs[KMM_DT_CMDLINE_SIZE]; /* strscpy(min(len, 2048)) */
	bool has_initrd;               /* both properties, start <= end */
	u64 initrd_start, initrd_end;  /* [start, end) */
	unsigned int nr_usable_mem_range; /* <= 2, Linux ignores the rest */
	struct kmm_dt_range usable_mem_range[KMM_DT_MAX_USABLE_RANGES];
	bool has_elfcorehdr;
	struct kmm_dt_range elfcorehdr;

	/* available memory nodes in tree order; at least one entry has size > 0 */
	unsigned int nr_memory;
	struct kmm_dt_memory memory[KMM_DT_MAX_MEM_NODES];

	/* header /memreserve/ entries up to the first of size 0 */
	unsigned int nr_memreserve;
	struct kmm_dt_range memreserve[KMM_DT_MAX_MEMRESERVE];

	/*
	 * /reserved-memory.  @rmem_unsupported: #address-cells or #size-cells
	 * missing or different from the root's, or no ranges; Linux prints
	 * "Reserved memory: unsupported node format, ignoring" and reads no
	 * child, so then @nr_rmem == 0.
	 */
	bool has_reserved_memory;
	bool rmem_has_addr_cells, rmem_has_size_cells, rmem_has_ranges;
	u32 rmem_addr_cells, rmem_size_cells;
	bool rmem_unsupported;
	unsigned int nr_rmem;
	struct kmm_dt_rmem rmem[KMM_DT_MAX_RMEM];

	/* /cpus children in tree order */
	unsigned int nr_cpus;
	struct kmm_dt_cpu cpus[KMM_DT_MAX_CPUS];

	/*
	 * The first node compatible with "numa-distance-map-v1" (anywhere,
	 * any status, as of_find_compatible_node).  @distance_matrix_invalid:
	 * its length is not a multiple of 4 ("Invalid distance-matrix");
	 * otherwise @nr_distances = (length / 4) / 3, Linux ignores the rest.
	 */
	bool has_distance_map, has_distance_matrix, distance_matrix_invalid;
	unsigned int nr_distances;
	struct kmm_dt_distance distances[KMM_DT_MAX_DISTANCES];

	/*
	 * dma-ranges and Linux's of_dma_get_max_cpu_address(NULL): the
	 * smallest last CPU address any dma-ranges reaches (inclusive), or
	 * KMM_PHYS_ADDR_MAX when no node has one.  arm64 then sets
	 * zone_dma_bits = min(32, fls64(dma_max_cpu_addr)).
	 */
	unsigned int nr_dma_ranges;
	struct kmm_dt_dma_range dma_ranges[KMM_DT_MAX_DMA_RANGES];
	phys_addr_t dma_max_cpu_addr;

	/*
	 * What unflatten_device_tree() makes of the tree: @unflat_nodes
	 * struct device_node (every node, whatever its status, except those
	 * nested 63 or more levels deep, which Linux skips), @unflat_props
	 * struct property (every property but /chosen's rng-seed, which
	 * early_init_dt_scan_chosen() turns into NOPs before, plus a made-up
	 * "name" for each node that has none) and @unflat_bytes of strings
	 * stored behind them (each node's name with its NUL, each made-up
	 * name's unit-name stem with its NUL; each padded to 8 bytes except
	 * the last piece of the tree).  See kmm_fdt_unflatten_size().
	 */
	unsigned int unflat_nodes, unflat_props;
	u64 unflat_bytes;
};

/*
 * kmm_fdt_read - fill @dt from the flattened device tree @blob of
 * @blob_size bytes (8-byte aligned, as libfdt requires).  @dt is cleared
 * first; @blob is not modified.
 *
 * Returns 0, or with a message in @err (when @errlen > 0):
 *   -KMM_EINVAL    not an FDT ("not a flattened device tree: FDT_ERR_..."),
 *                  a blob shorter than its header or than its totalsize
 *                  ("truncated: ..."), a corrupt structure block
 *                  (fdt_check_full), a property whose length is not a whole
 *                  number of entries ("/memory@40000000: reg: length 12 is
 *                  not a multiple of (#address-cells 2 + #size-cells 2) *
 *                  4"), root #address-cells or #size-cells not one cell or
 *                  outside 1..2, a node name longer than KMM_DT_NAME_MAX - 1
 *   -KMM_ENOENT    no available memory node with a non-empty entry
 *   -KMM_EOVERFLOW a fixed array above is too small for the tree
 */
int kmm_fdt_read(struct kmm_dt *dt, const void *blob, size_t blob_size, char *err,
		 size_t errlen);

/*
 * kmm_fdt_unflatten_size - the bytes unflatten_device_tree() allocates for
 * @dt (read by kmm_fdt_read()) in a 64-bit kernel whose struct device_node
 * is @node_size bytes and struct property @prop_size bytes (both 8-byte
 * aligned, so both sizes are multiples of 8): the dry run's total rounded up
 * to 4, plus 4 for the end marker,
 *   ALIGN(nodes * node_size + props * prop_size + bytes, 4) + 4.
 * Returns 0 when a size is 0 or not a multiple of 8, or @dt has no node.
 */
u64 kmm_fdt_unflatten_size(const struct kmm_dt *dt, u64 node_size, u64 prop_size);

#endif /* KMM_FDT_H */
