/* SPDX-License-Identifier: MIT */
/*
 * kmm/free_area.h - free_area_init(): the zones of every node, sized from
 * memblock, as Linux 6.1's mm/page_alloc.c computes them at boot.
 *
 * The architecture hands over the highest pfn of each zone kind (its
 * zone_sizes_init()); kmm_free_area_init() then
 *   - derives each zone's possible range [lowest, highest): a zone starts
 *     where the previous one ended, an empty one has lowest == highest;
 *   - places ZONE_MOVABLE per node from kernelcore= / movablecore= (bytes or
 *     percent), kernelcore=mirror or movable_node;
 *   - prints "Zone ranges:", "Movable zone start for each node" and the
 *     "Early memory node ranges";
 *   - per possible node (free_area_init_node): "Initmem setup node N ...",
 *     each zone's span [zone_start_pfn, zone_start_pfn + spanned_pages) and
 *     present pages, FLATMEM's node memmap and pageblock bitmaps (memblock
 *     allocations, i386), and the managed-pages estimate of
 *     free_area_init_core: present - memmap pages - dma_reserve (zone 0);
 *   - walks the memory ranges as memmap_init() does: the first deferred pfn
 *     of each node (CONFIG_DEFERRED_STRUCT_PAGE_INIT) and the
 *     "On node N, zone Z: P pages in unavailable ranges" lines for the holes
 *     that have a memmap.
 * It computes only: no struct page is written.
 *
 * All ranges are half-open [start, end) in pfns of 4 KiB pages.
 */
#ifndef KMM_FREE_AREA_H
#define KMM_FREE_AREA_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

struct kmm_machine;

/*
 * kmm_free_area_init - Linux's free_area_init(@max_zone_pfn) on @m.
 * @max_zone_pfn: end pfn of each zone kind, indexed by enum kmm_zone_kind
 *                (kinds the build lacks are ignored; Movable's is ignored as
 *                in Linux).
 *
 * Preconditions: memblock.memory holds the machine's RAM with node ids set
 * (NUMA init done), the nodes with memory are online (m->node[n].online; a
 * kernel without CONFIG_NUMA has node 0 online implicitly), m->dma_reserve
 * is set (x86_64: memblock_find_dma_reserve()), and for FLATMEM builds
 * (i386) m->max_pfn / m->max_low_pfn are final and the environment has
 * phys_to_virt and virt_to_phys (the memmap is allocated from memblock).
 * m->node_possible_map names the possible nodes; 0 means "the online ones".
 * Possible nodes that are not online are initialised as memoryless nodes
 * (their pglist_data allocated from memblock) and stay offline, as in Linux.
 *
 * Sets m->zone_layout, m->max_zone_pfn[] (by zone index), m->movable_zone,
 * m->zone_movable_pfn[], m->nr_kernel_pages, m->nr_all_pages and, per
 * initialised node, m->node[n]: node_start_pfn, node_spanned_pages (the sum
 * of its zones' spans), node_present_pages, has_memory, first_deferred_pfn
 * (ULONG_MAX: nothing deferred), node_mem_map (FLATMEM) and the zones.
 *
 * Returns 0, or a negative kmm_err with @err saying why:
 *   -KMM_EINVAL  @max_zone_pfn is NULL; a memory region's node is out of
 *                range or neither online nor possible; no node is online;
 *                the build's struct page size is unknown; a FLATMEM build
 *                without phys_to_virt/virt_to_phys.  Nothing was printed or
 *                changed.
 *   -KMM_EEXIST  free_area_init already ran on @m (nothing changed).
 *   -KMM_ENOMEM  a node's memmap or a zone's pageblock bitmap could not be
 *                allocated (Linux panics there); the nodes before it are
 *                initialised, memmap_init has not run.
 * kernelcore=/movablecore= values that do not fit are handled as Linux
 * handles them (ignored or clamped), not as errors.
 */
int kmm_free_area_init(struct kmm_machine *m, const unsigned long max_zone_pfn[KMM_ZONE_KINDS],
		       char *err, size_t errlen);

/*
 * kmm_free_area_validate - cross-check what kmm_free_area_init() computed:
 * per zone spanned >= present >= managed (the estimate, or less later),
 * initialized == (spanned != 0), each zone inside its node's span and
 * zones of a node not overlapping (except Normal/Movable under
 * kernelcore=mirror, which Linux lets overlap), node spanned/present equal
 * to the sums over its zones, node ids and zone kinds matching the layout.
 * Logs the first inconsistency and returns false; true when free_area_init
 * has not run.
 */
bool kmm_free_area_validate(const struct kmm_machine *m);

#endif /* KMM_FREE_AREA_H */
