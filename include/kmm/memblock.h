/* SPDX-License-Identifier: MIT */
/*
 * kmm/memblock.h - the boot-time memory allocator, with Linux 6.1's
 * semantics and names.
 *
 * A struct memblock holds two sorted, non-overlapping, merged arrays of
 * half-open regions [base, base + size): @memory (what RAM exists) and
 * @reserved (what is taken).  Allocation searches the free ranges
 * (memory minus reserved) top-down below @current_limit, or bottom-up when
 * asked, and reserves what it returns.
 *
 * kmm keeps in the struct what Linux keeps in file-scope statics (the debug
 * switch, the resize permission, the memory limit, the mirror state), so a
 * program may run many machines at once.  Every function takes the struct as
 * its first argument and otherwise has Linux's name, arguments and result.
 * A test written against Linux's memblock can run through a one-line shim per
 * function, e.g.  #define memblock_add(b, s) memblock_add(&memblock, b, s)
 * (a macro does not expand itself again).
 *
 * Functions that log under memblock=debug take their caller's name (Linux
 * prints the caller's address as %pS) through the macros below, which pass
 * __func__ on to the *_caller() worker.
 *
 * Lifecycle: memblock_init() with the two initial region arrays (Linux's
 * static memblock_{memory,reserved}_init_regions), then add/reserve/alloc;
 * memblock_allow_resize() lets the arrays double, the new array allocated
 * from memblock itself (it then lives in the machine's physical memory and is
 * reached through env->phys_to_virt).
 */
#ifndef KMM_MEMBLOCK_H
#define KMM_MEMBLOCK_H

#include <kmm/env.h>

#define INIT_MEMBLOCK_REGIONS 128
#define NUMA_NO_NODE (-1)

/* @end values of the allocation API */
#define MEMBLOCK_ALLOC_ANYWHERE (~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ACCESSIBLE 0
#define MEMBLOCK_ALLOC_NOLEAKTRACE 1
#define MEMBLOCK_LOW_LIMIT 0
#define ARCH_LOW_ADDRESS_LIMIT 0xffffffffULL

enum memblock_flags {
	MEMBLOCK_NONE = 0x0,           /* no special request */
	MEMBLOCK_HOTPLUG = 0x1,        /* hotpluggable region */
	MEMBLOCK_MIRROR = 0x2,         /* mirrored region */
	MEMBLOCK_NOMAP = 0x4,          /* don't add to kernel direct mapping */
	MEMBLOCK_DRIVER_MANAGED = 0x8, /* always detected via a driver */
};

/*
 * struct memblock_region - one range [base, base + size).
 * @nid: node id; MAX_NUMNODES (memblock->max_numnodes) means "no node yet".
 *       Ignored (reads as 0) when the machine has no NUMA (memblock->numa).
 */
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
	int nid;
};

/*
 * struct memblock_type - a sorted array of regions.
 * Invariants: 1 <= cnt <= max; regions[i].base + regions[i].size <=
 * regions[i+1].base; total_size = sum of sizes (except after
 * memblock_trim_memory(), which like Linux leaves total_size unchanged);
 * an empty type is cnt == 1 with regions[0].size == 0.
 */
struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	const char *name;
};

/*
 * struct memblock - one machine's memblock (Linux's global "memblock" plus
 * the statics of mm/memblock.c).
 */
struct memblock {
	bool bottom_up;            /* allocation direction */
	phys_addr_t current_limit; /* MEMBLOCK_ALLOC_ACCESSIBLE means this */
	struct memblock_type memory;
	struct memblock_type reserved;

	/* configuration of the simulated kernel */
	bool numa;        /* CONFIG_NUMA: regions carry node ids */
	int max_numnodes; /* MAX_NUMNODES = 1 << CONFIG_NODES_SHIFT */
	phys_addr_t page_size;

	/* Linux's file-scope state */
	bool debug;                    /* memblock=debug */
	bool can_resize;               /* memblock_allow_resize() was called */
	phys_addr_t memory_limit;      /* mem= on arches that use memblock's limit */
	bool system_has_some_mirror;   /* a region was marked MIRROR */
	bool mirrored_kernelcore;      /* kernelcore=mirror */
	bool movable_node_enabled;     /* movable_node */
	struct memblock_region *memory_init_regions;
	struct memblock_region *reserved_init_regions;

	/*
	 * The owner of the next traced changes, for code that reserves on
	 * somebody else's behalf (a device-tree node's name); NULL: the caller
	 * is the owner.  Set it just around the calls, reset it to NULL after.
	 */
	const char *trace_label;

	const struct kmm_env *env;
};

/*
 * Tracing: when env->memblock_trace is set, memblock calls it after each
 * change it made for a caller, with the range as changed ([base, base +
 * size), the size capped as the operation capped it).  Nothing is reported
 * for a call that failed.  The hook must not call memblock.
 */
enum memblock_trace_op {
	MEMBLOCK_TRACE_ADD,         /* memblock_add(), memblock_add_node() */
	MEMBLOCK_TRACE_REMOVE,      /* memory removed: memblock_remove(), mem= limits, trims */
	MEMBLOCK_TRACE_RESERVE,     /* memblock_reserve() */
	MEMBLOCK_TRACE_ALLOC,       /* reserved by an allocation made for @caller */
	MEMBLOCK_TRACE_FREE,        /* memblock_phys_free(), memblock_free() */
	MEMBLOCK_TRACE_NOMAP,       /* memblock_mark_nomap() */
	MEMBLOCK_TRACE_CLEAR_NOMAP, /* memblock_clear_nomap() */
	MEMBLOCK_TRACE_DUMP,        /* memblock_dump_all() reached, printed or not (size 0) */
};

/*
 * struct memblock_trace_event - one reported change.
 * @caller: the name memblock=debug prints for the call; for ALLOC the
 * allocation's caller (memblock_alloc_range_nid / memblock_phys_alloc_try_nid
 * when those are called directly).  @label: mb->trace_label at the time.
 */
struct memblock_trace_event {
	enum memblock_trace_op op;
	phys_addr_t base, size;
	const char *caller;
	const char *label;
};

/*
 * memblock_init - make @mb empty, with @memory_regions[@memory_max] and
 * @reserved_regions[@reserved_max] as the initial arrays (both >= 2).
 * @numa/@max_numnodes describe the simulated kernel.  Direction top-down,
 * current_limit MEMBLOCK_ALLOC_ANYWHERE, no debug, no resize.
 */
void memblock_init(struct memblock *mb, const struct kmm_env *env,
		   struct memblock_region *memory_regions, unsigned long memory_max,
		   struct memblock_region *reserved_regions, unsigned long reserved_max,
		   bool numa, int max_numnodes);

/* memblock_validate - check every invariant of both types; false on the first break (logged). */
bool memblock_validate(const struct memblock *mb);

/*
 * Region operations.  Each returns 0 or -KMM_ENOMEM (a region array could not
 * be doubled).  Sizes are capped so that base + size does not wrap.
 */
int memblock_add_node_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size, int nid,
			     enum memblock_flags flags, const char *caller);
int memblock_add_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			const char *caller);
int memblock_remove_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			   const char *caller);
int memblock_phys_free_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			      const char *caller);
void memblock_free_caller(struct memblock *mb, void *ptr, size_t size, const char *caller);
int memblock_reserve_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			    const char *caller);

#define memblock_add_node(mb, base, size, nid, flags) \
	memblock_add_node_caller(mb, base, size, nid, flags, __func__)
#define memblock_add(mb, base, size) memblock_add_caller(mb, base, size, __func__)
#define memblock_remove(mb, base, size) memblock_remove_caller(mb, base, size, __func__)
#define memblock_phys_free(mb, base, size) memblock_phys_free_caller(mb, base, size, __func__)
#define memblock_free(mb, ptr, size) memblock_free_caller(mb, ptr, size, __func__)
#define memblock_reserve(mb, base, size) memblock_reserve_caller(mb, base, size, __func__)

int memblock_mark_hotplug(struct memblock *mb, phys_addr_t base, phys_addr_t size);
int memblock_clear_hotplug(struct memblock *mb, phys_addr_t base, phys_addr_t size);
int memblock_mark_mirror(struct memblock *mb, phys_addr_t base, phys_addr_t size);
int memblock_mark_nomap(struct memblock *mb, phys_addr_t base, phys_addr_t size);
int memblock_clear_nomap(struct memblock *mb, phys_addr_t base, phys_addr_t size);
int memblock_set_node(struct memblock *mb, phys_addr_t base, phys_addr_t size,
		      struct memblock_type *type, int nid);
void memblock_trim_memory(struct memblock *mb, phys_addr_t align);
void memblock_enforce_memory_limit(struct memblock *mb, phys_addr_t limit);
void memblock_cap_memory_range(struct memblock *mb, phys_addr_t base, phys_addr_t size);
void memblock_mem_limit_remove_map(struct memblock *mb, phys_addr_t limit);

/* Queries */
bool memblock_overlaps_region(const struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size);
bool memblock_is_memory(const struct memblock *mb, phys_addr_t addr);
bool memblock_is_map_memory(const struct memblock *mb, phys_addr_t addr);
bool memblock_is_region_memory(const struct memblock *mb, phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(const struct memblock *mb, phys_addr_t addr);
bool memblock_is_region_reserved(const struct memblock *mb, phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_phys_mem_size(const struct memblock *mb);
phys_addr_t memblock_reserved_size(const struct memblock *mb);
phys_addr_t memblock_start_of_DRAM(const struct memblock *mb);
phys_addr_t memblock_end_of_DRAM(const struct memblock *mb);
/* memblock_mem_size - bytes of whole pages of memory below pfn @limit_pfn. */
phys_addr_t memblock_mem_size(const struct memblock *mb, unsigned long limit_pfn);
int memblock_get_region_node(const struct memblock *mb, const struct memblock_region *r);
void memblock_set_region_node(const struct memblock *mb, struct memblock_region *r, int nid);

/* Settings */
void memblock_set_bottom_up(struct memblock *mb, bool enable);
bool memblock_bottom_up(const struct memblock *mb);
void memblock_set_current_limit(struct memblock *mb, phys_addr_t limit);
phys_addr_t memblock_get_current_limit(const struct memblock *mb);
void memblock_allow_resize(struct memblock *mb);

/*
 * Allocation.  The phys API returns the physical address, 0 on failure (as
 * Linux; address 0 is never handed out because the first page is skipped).
 * The virtual API returns env->phys_to_virt() of it (zeroed unless _raw),
 * NULL on failure.
 */
phys_addr_t memblock_find_in_range_node(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					phys_addr_t start, phys_addr_t end, int nid,
					enum memblock_flags flags);
phys_addr_t memblock_find_in_range(struct memblock *mb, phys_addr_t start, phys_addr_t end,
				   phys_addr_t size, phys_addr_t align);
phys_addr_t memblock_alloc_range_nid(struct memblock *mb, phys_addr_t size, phys_addr_t align,
				     phys_addr_t start, phys_addr_t end, int nid, bool exact_nid);
phys_addr_t memblock_phys_alloc_range_caller(struct memblock *mb, phys_addr_t size,
					     phys_addr_t align, phys_addr_t start,
					     phys_addr_t end, const char *caller);
phys_addr_t memblock_phys_alloc_try_nid(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					int nid);
void *memblock_alloc_exact_nid_raw_caller(struct memblock *mb, phys_addr_t size,
					  phys_addr_t align, phys_addr_t min_addr,
					  phys_addr_t max_addr, int nid, const char *caller);
void *memblock_alloc_try_nid_raw_caller(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					phys_addr_t min_addr, phys_addr_t max_addr, int nid,
					const char *caller);
void *memblock_alloc_try_nid_caller(struct memblock *mb, phys_addr_t size, phys_addr_t align,
				    phys_addr_t min_addr, phys_addr_t max_addr, int nid,
				    const char *caller);

#define memblock_phys_alloc_range(mb, size, align, start, end) \
	memblock_phys_alloc_range_caller(mb, size, align, start, end, __func__)
#define memblock_phys_alloc(mb, size, align) \
	memblock_phys_alloc_range_caller(mb, size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, __func__)
#define memblock_alloc_exact_nid_raw(mb, size, align, min, max, nid) \
	memblock_alloc_exact_nid_raw_caller(mb, size, align, min, max, nid, __func__)
#define memblock_alloc_try_nid_raw(mb, size, align, min, max, nid) \
	memblock_alloc_try_nid_raw_caller(mb, size, align, min, max, nid, __func__)
#define memblock_alloc_try_nid(mb, size, align, min, max, nid) \
	memblock_alloc_try_nid_caller(mb, size, align, min, max, nid, __func__)
#define memblock_alloc(mb, size, align)                                                  \
	memblock_alloc_try_nid_caller(mb, size, align, MEMBLOCK_LOW_LIMIT,                \
				      MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, __func__)
#define memblock_alloc_raw(mb, size, align)                                              \
	memblock_alloc_try_nid_raw_caller(mb, size, align, MEMBLOCK_LOW_LIMIT,            \
					  MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, __func__)
#define memblock_alloc_from(mb, size, align, min_addr)                                   \
	memblock_alloc_try_nid_caller(mb, size, align, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, \
				      NUMA_NO_NODE, __func__)
#define memblock_alloc_low(mb, size, align)                                              \
	memblock_alloc_try_nid_caller(mb, size, align, MEMBLOCK_LOW_LIMIT,                \
				      ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE, __func__)
#define memblock_alloc_node(mb, size, align, nid)                                        \
	memblock_alloc_try_nid_caller(mb, size, align, MEMBLOCK_LOW_LIMIT,                \
				      MEMBLOCK_ALLOC_ACCESSIBLE, nid, __func__)

/* memblock_dump_all - print the MEMBLOCK configuration when debug is on. */
void memblock_dump_all(const struct memblock *mb);
/* __memblock_dump_all - print it unconditionally. */
void __memblock_dump_all(const struct memblock *mb);

/*
 * Iteration, as in Linux.  @i is a u64 cursor.  __next_mem_range() walks
 * type_a minus type_b (type_b NULL: type_a itself), skipping memory regions
 * as should_skip_region() does (wrong node, hotplug under movable_node,
 * non-mirror when MIRROR asked, NOMAP and DRIVER_MANAGED unless asked).
 */
void __next_mem_range(const struct memblock *mb, u64 *idx, int nid, enum memblock_flags flags,
		      const struct memblock_type *type_a, const struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_range_rev(const struct memblock *mb, u64 *idx, int nid, enum memblock_flags flags,
			  const struct memblock_type *type_a, const struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_pfn_range(const struct memblock *mb, int *idx, int nid,
			  unsigned long *out_start_pfn, unsigned long *out_end_pfn, int *out_nid);

#define __for_each_mem_range(mb, i, type_a, type_b, nid, flags, p_start, p_end, p_nid)   \
	for (i = 0, __next_mem_range(mb, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (u64)KMM_ULLONG_MAX;                                                     \
	     __next_mem_range(mb, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

#define __for_each_mem_range_rev(mb, i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = (u64)KMM_ULLONG_MAX,                                                      \
	    __next_mem_range_rev(mb, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (u64)KMM_ULLONG_MAX;                                                     \
	     __next_mem_range_rev(mb, &i, nid, flags, type_a, type_b, p_start, p_end, p_nid))

/* every memory range except NOMAP ones (hotplug and driver-managed included), as Linux */
#define for_each_mem_range(mb, i, p_start, p_end)                                         \
	__for_each_mem_range(mb, i, &(mb)->memory, NULL, NUMA_NO_NODE,                    \
			     MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)
#define for_each_mem_range_rev(mb, i, p_start, p_end)                                     \
	__for_each_mem_range_rev(mb, i, &(mb)->memory, NULL, NUMA_NO_NODE,                \
				 MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)
#define for_each_reserved_mem_range(mb, i, p_start, p_end)                                \
	__for_each_mem_range(mb, i, &(mb)->reserved, NULL, NUMA_NO_NODE, MEMBLOCK_NONE,   \
			     p_start, p_end, NULL)
#define for_each_free_mem_range(mb, i, nid, flags, p_start, p_end, p_nid)                 \
	__for_each_mem_range(mb, i, &(mb)->memory, &(mb)->reserved, nid, flags, p_start,  \
			     p_end, p_nid)
#define for_each_free_mem_range_reverse(mb, i, nid, flags, p_start, p_end, p_nid)         \
	__for_each_mem_range_rev(mb, i, &(mb)->memory, &(mb)->reserved, nid, flags,       \
				 p_start, p_end, p_nid)
#define for_each_mem_pfn_range(mb, i, nid, p_start, p_end, p_nid)                         \
	for (i = -1, __next_mem_pfn_range(mb, &i, nid, p_start, p_end, p_nid); i >= 0;    \
	     __next_mem_pfn_range(mb, &i, nid, p_start, p_end, p_nid))
#define for_each_memblock_type(i, type, rgn)                                              \
	for (i = 0, rgn = &(type)->regions[0]; i < (type)->cnt; i++, rgn = &(type)->regions[i])
#define for_each_mem_region(mb, rgn)                                                      \
	for (rgn = (mb)->memory.regions; rgn < (mb)->memory.regions + (mb)->memory.cnt; rgn++)
#define for_each_reserved_mem_region(mb, rgn)                                             \
	for (rgn = (mb)->reserved.regions; rgn < (mb)->reserved.regions + (mb)->reserved.cnt; rgn++)

#endif /* KMM_MEMBLOCK_H */
