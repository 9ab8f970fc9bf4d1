/* SPDX-License-Identifier: MIT */
/*
 * kmm/linux/memblock.h - Linux's memblock API spelled exactly as in the
 * kernel (no context argument), for running code and test suites written
 * against Linux's memblock - e.g. tools/testing/memblock - on kmm.
 *
 * The including program defines one `struct memblock memblock` (and calls
 * kmm_linux_memblock_setup() once); every Linux name below then expands to
 * kmm's function with &memblock as its first argument.  Function-like macros
 * do not expand themselves again, so kmm's own names stay reachable.
 *
 * Only for programs that simulate one machine; kmm itself never includes it.
 */
#ifndef KMM_LINUX_MEMBLOCK_H
#define KMM_LINUX_MEMBLOCK_H

#include <kmm/memblock.h>

extern struct memblock memblock;

#define MAX_NUMNODES (memblock.max_numnodes)
#define PHYS_ADDR_MAX KMM_PHYS_ADDR_MAX

#undef memblock_add_node
#undef memblock_add
#undef memblock_remove
#undef memblock_phys_free
#undef memblock_free
#undef memblock_reserve
#undef memblock_phys_alloc_range
#undef memblock_phys_alloc
#undef memblock_alloc_exact_nid_raw
#undef memblock_alloc_try_nid_raw
#undef memblock_alloc_try_nid
#undef memblock_alloc
#undef memblock_alloc_raw
#undef memblock_alloc_from
#undef memblock_alloc_low
#undef memblock_alloc_node

#define memblock_add_node(b, s, nid, fl) memblock_add_node_caller(&memblock, b, s, nid, fl, __func__)
#define memblock_add(b, s) memblock_add_caller(&memblock, b, s, __func__)
#define memblock_remove(b, s) memblock_remove_caller(&memblock, b, s, __func__)
#define memblock_phys_free(b, s) memblock_phys_free_caller(&memblock, b, s, __func__)
#define memblock_free(p, s) memblock_free_caller(&memblock, p, s, __func__)
#define memblock_reserve(b, s) memblock_reserve_caller(&memblock, b, s, __func__)
#define memblock_mark_hotplug(b, s) memblock_mark_hotplug(&memblock, b, s)
#define memblock_clear_hotplug(b, s) memblock_clear_hotplug(&memblock, b, s)
#define memblock_mark_mirror(b, s) memblock_mark_mirror(&memblock, b, s)
#define memblock_mark_nomap(b, s) memblock_mark_nomap(&memblock, b, s)
#define memblock_clear_nomap(b, s) memblock_clear_nomap(&memblock, b, s)
#define memblock_set_node(b, s, t, nid) memblock_set_node(&memblock, b, s, t, nid)
#define memblock_trim_memory(a) memblock_trim_memory(&memblock, a)
#define memblock_enforce_memory_limit(l) memblock_enforce_memory_limit(&memblock, l)
#define memblock_cap_memory_range(b, s) memblock_cap_memory_range(&memblock, b, s)
#define memblock_mem_limit_remove_map(l) memblock_mem_limit_remove_map(&memblock, l)
#define memblock_is_memory(a) memblock_is_memory(&memblock, a)
#define memblock_is_map_memory(a) memblock_is_map_memory(&memblock, a)
#define memblock_is_region_memory(b, s) memblock_is_region_memory(&memblock, b, s)
#define memblock_is_reserved(a) memblock_is_reserved(&memblock, a)
#define memblock_is_region_reserved(b, s) memblock_is_region_reserved(&memblock, b, s)
#define memblock_phys_mem_size() memblock_phys_mem_size(&memblock)
#define memblock_reserved_size() memblock_reserved_size(&memblock)
#define memblock_start_of_DRAM() memblock_start_of_DRAM(&memblock)
#define memblock_end_of_DRAM() memblock_end_of_DRAM(&memblock)
#define memblock_set_bottom_up(e) memblock_set_bottom_up(&memblock, e)
#define memblock_bottom_up() memblock_bottom_up(&memblock)
#define memblock_set_current_limit(l) memblock_set_current_limit(&memblock, l)
#define memblock_get_current_limit() memblock_get_current_limit(&memblock)
#define memblock_allow_resize() memblock_allow_resize(&memblock)
#define memblock_alloc_range_nid(s, a, st, e, nid, ex) \
	memblock_alloc_range_nid(&memblock, s, a, st, e, nid, ex)
#define memblock_phys_alloc_range(s, a, st, e) \
	memblock_phys_alloc_range_caller(&memblock, s, a, st, e, __func__)
#define memblock_phys_alloc(s, a) \
	memblock_phys_alloc_range_caller(&memblock, s, a, 0, MEMBLOCK_ALLOC_ACCESSIBLE, __func__)
#define memblock_phys_alloc_try_nid(s, a, nid) memblock_phys_alloc_try_nid(&memblock, s, a, nid)
#define memblock_alloc_exact_nid_raw(s, a, mi, ma, nid) \
	memblock_alloc_exact_nid_raw_caller(&memblock, s, a, mi, ma, nid, __func__)
#define memblock_alloc_try_nid_raw(s, a, mi, ma, nid) \
	memblock_alloc_try_nid_raw_caller(&memblock, s, a, mi, ma, nid, __func__)
#define memblock_alloc_try_nid(s, a, mi, ma, nid) \
	memblock_alloc_try_nid_caller(&memblock, s, a, mi, ma, nid, __func__)
#define memblock_alloc(s, a)                                                              \
	memblock_alloc_try_nid_caller(&memblock, s, a, MEMBLOCK_LOW_LIMIT,                \
				      MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, __func__)
#define memblock_alloc_raw(s, a)                                                          \
	memblock_alloc_try_nid_raw_caller(&memblock, s, a, MEMBLOCK_LOW_LIMIT,            \
					  MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, __func__)
#define memblock_alloc_from(s, a, mi)                                                     \
	memblock_alloc_try_nid_caller(&memblock, s, a, mi, MEMBLOCK_ALLOC_ACCESSIBLE,     \
				      NUMA_NO_NODE, __func__)
#define memblock_alloc_low(s, a)                                                          \
	memblock_alloc_try_nid_caller(&memblock, s, a, MEMBLOCK_LOW_LIMIT,                \
				      ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE, __func__)
#define memblock_alloc_node(s, a, nid)                                                    \
	memblock_alloc_try_nid_caller(&memblock, s, a, MEMBLOCK_LOW_LIMIT,                \
				      MEMBLOCK_ALLOC_ACCESSIBLE, nid, __func__)
#define __memblock_dump_all() __memblock_dump_all(&memblock)

/* Linux's iterators without the context argument */
#define for_each_free_mem_range_linux(i, nid, flags, p_start, p_end, p_nid) \
	for_each_free_mem_range(&memblock, i, nid, flags, p_start, p_end, p_nid)
#define for_each_reserved_mem_range_linux(i, p_start, p_end) \
	for_each_reserved_mem_range(&memblock, i, p_start, p_end)

#endif /* KMM_LINUX_MEMBLOCK_H */
