// SPDX-License-Identifier: MIT
/*
 * zonelist.c - the page allocator's fallback lists, as Linux 6.1's
 * build_all_zonelists() makes them at boot (mm/page_alloc.c), see
 * kmm/zonelist.h.
 *
 * Node order (CONFIG_NUMA).  A node's list starts with the node itself; each
 * next node is the unused node with memory that scores lowest, where
 *
 *   score = (distance + [n below the node] + [n has CPUs]) * MAX_NUMNODES
 *           + load[n]
 *
 * so distance decides first, then nodes above the building node come before
 * those below it, then nodes without CPUs (which see no local allocations)
 * are preferred, and last the load: each time a node opens a new distance
 * group in somebody's list its load goes up by one, which spreads the nodes
 * that later lists reach first at equal distance.  The loads start at zero
 * once per build and carry over from one node's list to the next, which is
 * why the lists are built in node id order.
 *
 * Inside a node the zones go from the highest index down (Movable, Normal,
 * DMA32, DMA), populated ones only.  Without CONFIG_NUMA the order is plain:
 * the local node, then the following node ids, wrapping around.
 *
 * What build_all_zonelists() prints depends on the free pages it can see:
 * at boot the zones' managed_pages still hold free_area_init()'s estimate
 * and no watermark is set, so "Total pages" is that estimate summed over
 * every zone up to ZONE_MOVABLE.
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/zonelist.h>

_Static_assert(KMM_MAX_NUMNODES <= 64, "node sets are kept in a u64");
_Static_assert(KMM_MAX_NR_ZONES <= 255, "a zone index fits a zoneref's u8");

static bool zone_populated(const struct kmm_zone *z)
{
	return z->present_pages != 0;
}

/* N_MEMORY: an online node with at least one populated zone */
static bool node_has_memory(const struct kmm_machine *m, int nid)
{
	if (!m->node[nid].online)
		return false;
	for (unsigned int i = 0; i < m->zone_layout.nr; i++)
		if (zone_populated(&m->node[nid].zones[i]))
			return true;
	return false;
}

/*
 * The nodes that get zonelists: Linux preallocates a (memoryless) pgdat for
 * every possible node and builds lists for all of them.  Without a possible
 * map from NUMA init, the online nodes are the possible ones.
 */
static bool node_possible(const struct kmm_machine *m, int nid)
{
	if (m->node[nid].online)
		return true;
	return m->node_possible_map && ((m->node_possible_map >> nid) & 1);
}

static bool zone_is_movable(const struct kmm_machine *m, unsigned int idx)
{
	return m->zone_layout.kind[idx] == KMM_ZONE_MOVABLE;
}

/*
 * Append node @nid's populated zones, highest index first, to @zl.  The
 * highest zone index seen outside ZONE_MOVABLE becomes the policy zone
 * (memory policies only bind allocations that can use it).
 */
static void add_node_zones(struct kmm_machine *m, struct kmm_zonelist *zl, int nid)
{
	for (unsigned int i = m->zone_layout.nr; i-- > 0;) {
		if (!zone_populated(&m->node[nid].zones[i]))
			continue;
		zl->ref[zl->nr].nid = (int16_t)nid;
		zl->ref[zl->nr].zone_idx = (u8)i;
		zl->nr++;
		if ((int)i > m->zonelists.policy_zone && !zone_is_movable(m, i))
			m->zonelists.policy_zone = (int)i;
	}
}

/* MAX_NUMNODES of the build: the weight of the distance in a node's score */
static long max_numnodes(const struct kmm_machine *m)
{
	return 1L << m->kernel.nodes_shift;
}

/*
 * find_next_best_node(): @local itself while unused, else the unused node
 * with memory of lowest score (the first one on a tie), marked used; -1 when
 * every node with memory is used.
 */
static int find_next_best_node(const struct kmm_machine *m, int local, u64 *used, const int *load)
{
	long best_score = 0;
	int best = -1;

	if (!(*used & (1ULL << local))) {
		*used |= 1ULL << local;
		return local;
	}
	for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
		long score;

		if ((*used & (1ULL << n)) || !node_has_memory(m, n))
			continue;
		score = m->numa_distance[local][n];
		if (n < local)
			score++;
		if (m->node_nr_cpus[n])
			score++;
		score = score * max_numnodes(m) + load[n];
		if (best < 0 || score < best_score) {
			best_score = score;
			best = n;
		}
	}
	if (best >= 0)
		*used |= 1ULL << best;
	return best;
}

/* Print "Fallback order for Node N: A B ... " as one line (Linux: pr_info + pr_cont). */
static void print_fallback_order(struct kmm_machine *m, int nid)
{
	char line[32 + KMM_MAX_NUMNODES * 4];
	size_t len;

	kmm_snprintf(line, sizeof(line), "Fallback order for Node %d: ", nid);
	for (unsigned int i = 0; i < m->zonelists.nr_order[nid]; i++) {
		len = kmm_strlen(line);
		kmm_snprintf(line + len, sizeof(line) - len, "%d ",
			     m->zonelists.node_order[nid][i]);
	}
	kmm_printk(&m->env, "%s", line);
}

/* build_zonelists() with CONFIG_NUMA: node order by score, then the zones. */
static void build_zonelists_numa(struct kmm_machine *m, int nid, int *load)
{
	struct kmm_zonelists *zls = &m->zonelists;
	u64 used = 0;
	int prev = nid, n;

	zls->nr_order[nid] = 0;
	while ((n = find_next_best_node(m, nid, &used, load)) >= 0) {
		/* the first node of each farther distance group takes a load */
		if (m->numa_distance[nid][n] != m->numa_distance[nid][prev])
			load[n]++;
		zls->node_order[nid][zls->nr_order[nid]++] = (int16_t)n;
		prev = n;
	}
	for (unsigned int i = 0; i < zls->nr_order[nid]; i++)
		add_node_zones(m, &zls->list[nid][KMM_ZONELIST_FALLBACK], zls->node_order[nid][i]);
	add_node_zones(m, &zls->list[nid][KMM_ZONELIST_NOFALLBACK], nid);
	print_fallback_order(m, nid);
}

/* build_zonelists() without CONFIG_NUMA: local node, then ids nid+1.., wrapping. */
static void build_zonelists_flat(struct kmm_machine *m, int nid)
{
	struct kmm_zonelists *zls = &m->zonelists;

	zls->nr_order[nid] = 0;
	for (int k = 0; k < KMM_MAX_NUMNODES; k++) {
		int n = (nid + k) % KMM_MAX_NUMNODES;

		if (k && !m->node[n].online)
			continue;
		zls->node_order[nid][zls->nr_order[nid]++] = (int16_t)n;
		add_node_zones(m, &zls->list[nid][KMM_ZONELIST_FALLBACK], n);
	}
}

/* MIGRATE_TYPES of the build: CMA and isolation (all Debian builds) add one each */
static unsigned long nr_migrate_types(const struct kmm_machine *m)
{
	return KMM_MIGRATE_TYPES - (m->kernel.cma ? 0 : 1);
}

int kmm_build_all_zonelists(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_zonelists *zls = &m->zonelists;
	int load[KMM_MAX_NUMNODES] = { 0 };
	unsigned int online = 0;
	int movable, ret;

	ret = kmm_zones_check(m, err, errlen);
	if (ret)
		return ret;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		online += m->node[nid].online;
	if (!online) {
		kmm_snprintf(err, errlen, "no online node");
		return -KMM_EINVAL;
	}

	kmm_memset(zls, 0, sizeof(*zls));
	zls->numa = m->kernel.numa;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (!node_possible(m, nid))
			continue;
		if (zls->numa)
			build_zonelists_numa(m, nid, load);
		else
			build_zonelists_flat(m, nid);
	}
	zls->nr_online_nodes = zls->numa ? online : 1;
	zls->built = true;

	/* Pages beyond the high watermarks of every zone a movable user page may use. */
	movable = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_MOVABLE);
	zls->vm_total_pages = kmm_nr_free_zone_pages(m, movable);
	zls->mobility_disabled = zls->vm_total_pages < KMM_PAGEBLOCK_NR_PAGES * nr_migrate_types(m);
	kmm_printk(&m->env, "Built %u zonelists, mobility grouping %s.  Total pages: %ld",
		   zls->nr_online_nodes, zls->mobility_disabled ? "off" : "on",
		   (long)zls->vm_total_pages);
	if (zls->numa)
		kmm_printk(&m->env, "Policy zone: %s",
			   kmm_zone_kind_name(m->zone_layout.kind[zls->policy_zone]));
	KMM_CHECK_EXPENSIVE(&m->env, kmm_zonelists_validate(m));
	return 0;
}

const struct kmm_zonelist *kmm_node_zonelist(const struct kmm_machine *m, int nid,
					     enum kmm_zonelist_type type)
{
	if (!m->zonelists.built || nid < 0 || nid >= KMM_MAX_NUMNODES ||
	    (unsigned int)type >= KMM_MAX_ZONELISTS)
		return NULL;
	return &m->zonelists.list[nid][type];
}

struct kmm_zone *kmm_zoneref_zone(struct kmm_machine *m, const struct kmm_zoneref *z)
{
	return &m->node[z->nid].zones[z->zone_idx];
}

/* managed pages beyond the high watermark (boost included), 0 below it */
static unsigned long pages_beyond_high(const struct kmm_zone *z)
{
	unsigned long high = z->watermark[KMM_WMARK_HIGH] + z->watermark_boost;

	return z->managed_pages > high ? z->managed_pages - high : 0;
}

unsigned long kmm_nr_free_zone_pages(const struct kmm_machine *m, int highest_zoneidx)
{
	unsigned long sum = 0;

	if (m->zonelists.built) {
		for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
			const struct kmm_zonelist *zl =
				&m->zonelists.list[nid][KMM_ZONELIST_FALLBACK];
			unsigned int i;

			if (!m->node[nid].online)
				continue;
			for (i = __kmm_next_zones_zonelist(zl, 0, highest_zoneidx); i < zl->nr;
			     i = __kmm_next_zones_zonelist(zl, i + 1, highest_zoneidx))
				sum += pages_beyond_high(
					&m->node[zl->ref[i].nid].zones[zl->ref[i].zone_idx]);
			return sum;
		}
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (!m->node[nid].online)
			continue;
		for (unsigned int i = 0; i < m->zone_layout.nr && (int)i <= highest_zoneidx; i++)
			if (zone_populated(&m->node[nid].zones[i]))
				sum += pages_beyond_high(&m->node[nid].zones[i]);
	}
	return sum;
}

unsigned long kmm_nr_free_buffer_pages(const struct kmm_machine *m)
{
	return kmm_nr_free_zone_pages(m, kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_NORMAL));
}

/* Does @zl hold exactly the populated zones of @order[0, nr), node by node? */
static bool zonelist_matches(const struct kmm_machine *m, const struct kmm_zonelist *zl,
			     const int16_t *order, unsigned int nr)
{
	unsigned int k = 0;

	for (unsigned int o = 0; o < nr; o++) {
		for (unsigned int i = m->zone_layout.nr; i-- > 0;) {
			if (!zone_populated(&m->node[order[o]].zones[i]))
				continue;
			if (k >= zl->nr || zl->ref[k].nid != order[o] || zl->ref[k].zone_idx != i)
				return false;
			k++;
		}
	}
	return k == zl->nr;
}

/* The nodes of node @nid's order: itself first, each once, the right set. */
static bool node_order_valid(const struct kmm_machine *m, int nid)
{
	const struct kmm_zonelists *zls = &m->zonelists;
	u64 seen = 0, want = 1ULL << nid;

	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (zls->numa ? node_has_memory(m, n) : m->node[n].online)
			want |= 1ULL << n;
	if (zls->nr_order[nid] == 0 || zls->node_order[nid][0] != nid)
		return false;
	for (unsigned int i = 0; i < zls->nr_order[nid]; i++) {
		int n = zls->node_order[nid][i];

		if (n < 0 || n >= KMM_MAX_NUMNODES || (seen & (1ULL << n)))
			return false;
		seen |= 1ULL << n;
	}
	return seen == want;
}

bool kmm_zonelists_validate(const struct kmm_machine *m)
{
	const struct kmm_zonelists *zls = &m->zonelists;

	if (!zls->built)
		return true;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		const struct kmm_zonelist *fb = &zls->list[nid][KMM_ZONELIST_FALLBACK];
		const struct kmm_zonelist *own = &zls->list[nid][KMM_ZONELIST_NOFALLBACK];
		int16_t self = (int16_t)nid;

		if (!node_possible(m, nid))
			continue;
		if (!node_order_valid(m, nid)) {
			kmm_bug(&m->env, __func__,
				"node order: not the node first, once each node");
			return false;
		}
		if (!zonelist_matches(m, fb, zls->node_order[nid], zls->nr_order[nid])) {
			kmm_bug(&m->env, __func__, "fallback zonelist does not match node order");
			return false;
		}
		if (!zonelist_matches(m, own, &self, zls->numa ? 1 : 0)) {
			kmm_bug(&m->env, __func__,
				"nofallback zonelist is not the node's own zones");
			return false;
		}
	}
	return true;
}
