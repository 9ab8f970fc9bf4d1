/* SPDX-License-Identifier: MIT */
/*
 * kmm/zonelist.h - the allocation fallback lists of Linux 6.1's
 * build_all_zonelists() (mm/page_alloc.c): for every node, the order in which
 * the page allocator tries zones when an allocation prefers that node.
 *
 * Each online node gets two zonelists:
 *   FALLBACK    every populated zone of every node with memory, nodes in
 *               "best next node" order (nearest first, see below), and within
 *               one node the zones from the highest index down to DMA;
 *   NOFALLBACK  the node's own populated zones only (__GFP_THISNODE).
 * A kernel built without CONFIG_NUMA (i386) has only the FALLBACK list: the
 * local node's zones, then the other online nodes' in rotating id order.
 *
 * The walk of a zonelist skips zones above the request's highest zone index,
 * exactly as Linux's for_each_zone_zonelist() does; kmm_for_each_zone_zonelist()
 * below is that walk.  Zones are named by (node, zone index) references into
 * m->node[], so a zonelist stays valid while zones are resized; it must be
 * rebuilt when a zone becomes populated or empty.
 *
 * Lifecycle: free_area_init() sizes the zones (managed_pages holds its
 * estimate) -> kmm_build_all_zonelists() builds the lists and prints the
 * "Fallback order", "Built N zonelists" and "Policy zone" lines -> the page
 * allocator walks m->zonelists.
 */
#ifndef KMM_ZONELIST_H
#define KMM_ZONELIST_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

struct kmm_machine;
struct kmm_zone;

#define KMM_MAX_ZONES_PER_ZONELIST (KMM_MAX_NUMNODES * KMM_MAX_NR_ZONES)

enum kmm_zonelist_type {
	KMM_ZONELIST_FALLBACK,	 /* zones of all nodes with memory */
	KMM_ZONELIST_NOFALLBACK, /* the node's own zones (NUMA kernels only) */
	KMM_MAX_ZONELISTS
};

/* One entry of a zonelist: zone @zone_idx of node @nid (a populated zone). */
struct kmm_zoneref {
	int16_t nid;
	u8 zone_idx;
};

/* A zonelist: ref[0, nr) in allocation order.  nr == 0: no zone at all. */
struct kmm_zonelist {
	unsigned int nr;
	struct kmm_zoneref ref[KMM_MAX_ZONES_PER_ZONELIST];
};

/*
 * The zonelists of a machine and what build_all_zonelists() concluded.
 * Invariants once @built: for every online node n, list[n][FALLBACK] holds
 * each populated zone of each node with memory exactly once, grouped by node
 * in node_order[n][0, nr_order[n]) order (node_order[n][0] == n), zone
 * indices descending inside a group; list[n][NOFALLBACK] is the first group
 * when n has memory (empty otherwise, and always empty without CONFIG_NUMA).
 */
struct kmm_zonelists {
	bool built;
	bool numa;		      /* built the CONFIG_NUMA way */
	unsigned int nr_online_nodes; /* the N printed in "Built N zonelists" */
	int policy_zone;	      /* highest populated zone index, ZONE_MOVABLE excluded */
	bool mobility_disabled;	      /* page_group_by_mobility_disabled */
	unsigned long vm_total_pages; /* nr_free_zone_pages(ZONE_MOVABLE) when built */
	unsigned int nr_order[KMM_MAX_NUMNODES];
	int16_t node_order[KMM_MAX_NUMNODES]
			  [KMM_MAX_NUMNODES]; /* the "Fallback order" of each node */
	struct kmm_zonelist list[KMM_MAX_NUMNODES][KMM_MAX_ZONELISTS];
};

/*
 * kmm_build_all_zonelists - build_all_zonelists(NULL) at boot on @m: the
 * zonelists of every online node from m->numa_distance, the CPUs per node
 * (m->node_nr_cpus, nodes without CPUs are preferred at equal distance) and
 * the populated zones (present_pages > 0), then page_group_by_mobility_disabled
 * from the pages beyond the high watermarks of all zones up to ZONE_MOVABLE.
 * Prints, as Linux does with CONFIG_NUMA:
 *   Fallback order for Node N: A B ...       (one line per node)
 *   Built N zonelists, mobility grouping on.  Total pages: P
 *   Policy zone: Z
 * and only the "Built" line without CONFIG_NUMA.
 *
 * Preconditions: m->zone_layout is set and every online node's zones are
 * sized (free_area_init()); managed_pages may still be its estimate.
 * Returns 0, or -KMM_EINVAL with @err when the zone layout is not set
 * ("zone layout not set: ..."), no node is online ("no online node"), or a
 * zone's counters contradict each other ("node N zone Z: ...": present >
 * spanned, managed > present).  On error m->zonelists is left unbuilt.
 */
int kmm_build_all_zonelists(struct kmm_machine *m, char *err, size_t errlen);

/* kmm_node_zonelist - zonelist @type of node @nid, or NULL (not built, bad nid or type). */
const struct kmm_zonelist *kmm_node_zonelist(const struct kmm_machine *m, int nid,
					     enum kmm_zonelist_type type);

/* kmm_zoneref_zone - the zone @z names (no checks: @z comes from a built list). */
struct kmm_zone *kmm_zoneref_zone(struct kmm_machine *m, const struct kmm_zoneref *z);

/*
 * __kmm_next_zones_zonelist - the first index >= @i of @zl whose zone index
 * is <= @highest_zoneidx, or @zl->nr when none is left (next_zones_zonelist()).
 */
static inline unsigned int __kmm_next_zones_zonelist(const struct kmm_zonelist *zl,
						     unsigned int i, int highest_zoneidx)
{
	while (i < zl->nr && (int)zl->ref[i].zone_idx > highest_zoneidx)
		i++;
	return i;
}

/*
 * kmm_for_each_zone_zonelist - every zone of @zl at or below @highidx, in
 * order; @i is the cursor (unsigned int), @zone the zone (struct kmm_zone *).
 */
#define kmm_for_each_zone_zonelist(m, zone, i, zl, highidx)                             \
	for ((i) = __kmm_next_zones_zonelist((zl), 0, (highidx));                       \
	     (i) < (zl)->nr && ((zone) = kmm_zoneref_zone((m), &(zl)->ref[(i)]), true); \
	     (i) = __kmm_next_zones_zonelist((zl), (i) + 1, (highidx)))

/*
 * kmm_nr_free_zone_pages - nr_free_zone_pages(@highest_zoneidx): the sum over
 * the populated zones at or below that index of managed_pages minus the high
 * watermark (a zone below its high watermark adds nothing).  Walks the
 * FALLBACK zonelist of the first online node once zonelists are built (it
 * holds every populated zone, whichever node starts it), every online
 * node's populated zones before that.
 */
unsigned long kmm_nr_free_zone_pages(const struct kmm_machine *m, int highest_zoneidx);

/* kmm_nr_free_buffer_pages - nr_free_buffer_pages(): kmm_nr_free_zone_pages(ZONE_NORMAL) */
unsigned long kmm_nr_free_buffer_pages(const struct kmm_machine *m);

/*
 * kmm_zonelists_validate - cross-check m->zonelists against the zones and the
 * invariants of struct kmm_zonelists.  Returns false (reporting through
 * kmm_bug()) on the first inconsistency; true also when nothing is built.
 */
bool kmm_zonelists_validate(const struct kmm_machine *m);

#endif /* KMM_ZONELIST_H */
