// SPDX-License-Identifier: MIT
/*
 * numa.c - arm64's NUMA setup: arch_numa_init() (Linux 6.1
 * drivers/base/arch_numa.c) with of_numa_init() (drivers/of/of_numa.c)
 * reading the device tree that kmm_fdt_read() extracted.
 *
 * arch_numa_init() tries, unless numa=off, numa_init(of_numa_init) (a
 * device-tree boot has ACPI disabled), and falls back to
 * numa_init(dummy_numa_init).  Each numa_init():
 *   - allocates the node distance table, MAX_NUMNODES^2 bytes
 *     (memblock_alloc(size, PAGE_SIZE): nr_node_ids is still MAX_NUMNODES),
 *     every entry LOCAL_DISTANCE on the diagonal, REMOTE_DISTANCE elsewhere;
 *   - runs the init function, which gives memblock.memory its node ids
 *     (memblock_set_node) and marks nodes parsed;
 *   - "No NUMA configuration found" when no node was parsed;
 *   - numa_register_nodes(): every memory region must have a valid node;
 *     then NODE_DATA of every parsed node, in node order
 *     (memblock_phys_alloc_try_nid(roundup(sizeof(pg_data_t), 64), 64, nid)),
 *     and the node goes online; the parsed nodes become the possible ones;
 *   - on any failure the distance table is freed (numa_free_distance) and
 *     the error returned.  Node ids already written into memblock stay.
 *
 * of_numa_init(): cpu nodes' numa-node-id mark nodes parsed; memory nodes
 * with numa-node-id give their reg ranges to that node; the
 * numa-distance-map-v1 node, when present, sets distances (and marks each
 * row's node parsed).  dummy_numa_init(): one node 0 spanning
 * [memblock_start_of_DRAM(), memblock_end_of_DRAM()).
 *
 * Deviations: kmm reads numa-node-id of the memory nodes kmm_fdt_read()
 * keeps (available children of the root, reg replaced by
 * linux,usable-memory when present), where Linux walks every node of
 * device_type "memory" and reads reg; and node ids at or above kmm's 64 are
 * treated like ids at or above MAX_NUMNODES.
 */
#include <kmm/error.h>
#include <kmm/lib.h>

#include "arm64.h"

/* numa_init() state: Linux's file-scope variables of arch_numa.c */
struct numa_ctx {
	struct kmm_machine *m;
	u64 parsed;              /* numa_nodes_parsed */
	bool numa_off;           /* numa=off, or set by dummy_numa_init() */
	void *distance;          /* numa_distance (NULL: no table) */
	size_t distance_size;
	bool warned_no_table, warned_bounds, warned_value; /* pr_warn_once() */
	bool fatal;              /* NODE_DATA could not be placed: Linux panics */
	char *err;
	size_t errlen;
};

/* MAX_NUMNODES of the build, within what kmm's node arrays hold */
static unsigned int max_nodes(const struct kmm_machine *m)
{
	return KMM_MIN((unsigned int)m->memblock.max_numnodes, (unsigned int)KMM_MAX_NUMNODES);
}

static void reset_distances(struct kmm_machine *m)
{
	for (int a = 0; a < KMM_MAX_NUMNODES; a++)
		for (int b = 0; b < KMM_MAX_NUMNODES; b++)
			m->numa_distance[a][b] = a == b ? KMM_LOCAL_DISTANCE : KMM_REMOTE_DISTANCE;
}

/* numa_alloc_distance(): the table, filled with the default distances */
static int numa_alloc_distance(struct numa_ctx *c)
{
	struct kmm_machine *m = c->m;
	unsigned int nr = (unsigned int)m->memblock.max_numnodes; /* nr_node_ids */
	size_t size = (size_t)nr * nr;

	c->distance = memblock_alloc_try_nid_caller(&m->memblock, size, ARM64_PAGE_SIZE,
						    MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
						    NUMA_NO_NODE, "numa_init");
	if (!c->distance)
		return -KMM_ENOMEM; /* Linux WARNs */
	c->distance_size = size;
	m->numa_distance_cnt = nr;
	reset_distances(m);
	return 0;
}

/* numa_free_distance(): node_distance() falls back to the defaults */
static void numa_free_distance(struct numa_ctx *c)
{
	if (!c->distance)
		return;
	memblock_free_caller(&c->m->memblock, c->distance, c->distance_size, "numa_free_distance");
	c->distance = NULL;
	c->m->numa_distance_cnt = 0;
	reset_distances(c->m);
}

/* numa_set_distance(): bad calls are ignored, each kind warned about once */
static void numa_set_distance(struct numa_ctx *c, int from, int to, int distance)
{
	struct kmm_machine *m = c->m;
	int cnt = (int)m->numa_distance_cnt;

	if (!c->distance) {
		if (!c->warned_no_table)
			kmm_printk(&m->env, "NUMA: Warning: distance table not allocated yet");
		c->warned_no_table = true;
		return;
	}
	if (from >= cnt || to >= cnt || from < 0 || to < 0) {
		if (!c->warned_bounds)
			kmm_printk(&m->env, "NUMA: Warning: node ids are out of bound, from=%d to=%d distance=%d",
				   from, to, distance);
		c->warned_bounds = true;
		return;
	}
	if ((u8)distance != distance || (from == to && distance != KMM_LOCAL_DISTANCE)) {
		if (!c->warned_value)
			kmm_printk(&m->env, "NUMA: Warning: invalid distance parameter, from=%d to=%d distance=%d",
				   from, to, distance);
		c->warned_value = true;
		return;
	}
	if (from < KMM_MAX_NUMNODES && to < KMM_MAX_NUMNODES)
		m->numa_distance[from][to] = (u8)distance;
}

static void node_set_parsed(struct numa_ctx *c, u32 nid)
{
	if (nid < max_nodes(c->m))
		c->parsed |= 1ULL << nid;
}

/* numa_add_memblk(): [start, end) of memblock.memory belongs to @nid */
static int numa_add_memblk(struct numa_ctx *c, int nid, u64 start, u64 end)
{
	struct memblock *mb = &c->m->memblock;
	int ret = memblock_set_node(mb, start, end - start, &mb->memory, nid);

	if (ret < 0) {
		kmm_printk(&c->m->env, "NUMA: memblock [0x%llx - 0x%llx] failed to add on node %d",
			   (unsigned long long)start, (unsigned long long)(end - 1), nid);
		return ret;
	}
	node_set_parsed(c, (u32)nid);
	return 0;
}

/* of_numa_parse_cpu_nodes(): a cpu's node is parsed even without memory */
static void of_numa_parse_cpu_nodes(struct numa_ctx *c)
{
	const struct kmm_dt *dt = c->m->dt;

	for (unsigned int i = 0; i < dt->nr_cpus; i++) {
		const struct kmm_dt_cpu *cpu = &dt->cpus[i];

		if (cpu->failed || !cpu->has_nid)
			continue;
		if (cpu->nid >= max_nodes(c->m))
			kmm_printk(&c->m->env, "OF: NUMA: Node id %u exceeds maximum value", cpu->nid);
		else
			node_set_parsed(c, cpu->nid);
	}
}

/* of_numa_parse_memory_nodes(): the first bad memory node ends the parse */
static int of_numa_parse_memory_nodes(struct numa_ctx *c)
{
	const struct kmm_dt *dt = c->m->dt;

	for (unsigned int i = 0; i < dt->nr_memory; i++) {
		const struct kmm_dt_memory *mem = &dt->memory[i];
		int ret = 0;

		if (!mem->has_nid && !mem->nid_bad)
			continue;
		if (mem->nid_bad) {
			ret = -KMM_EINVAL; /* a short numa-node-id cannot be read */
		} else if (mem->nid >= max_nodes(c->m)) {
			kmm_printk(&c->m->env, "OF: NUMA: Node id %u exceeds maximum value", mem->nid);
			ret = -KMM_EINVAL;
		}
		for (unsigned int j = 0; !ret && j < mem->nr_reg; j++)
			ret = numa_add_memblk(c, (int)mem->nid, mem->reg[j].base,
					      mem->reg[j].base + mem->reg[j].size);
		if (ret || !mem->nr_reg) {
			kmm_printk(&c->m->env, "OF: NUMA: bad property in memory node");
			return ret ? ret : -KMM_EINVAL;
		}
	}
	return 0;
}

/* of_numa_parse_distance_map_v1(): (from, to, distance) triples */
static int of_numa_parse_distance_map(struct numa_ctx *c)
{
	const struct kmm_dt *dt = c->m->dt;

	if (!dt->has_distance_map)
		return 0;
	kmm_printk(&c->m->env, "OF: NUMA: parsing numa-distance-map-v1");
	if (!dt->has_distance_matrix) {
		kmm_printk(&c->m->env, "OF: NUMA: No distance-matrix property in distance-map");
		return -KMM_EINVAL;
	}
	if (dt->distance_matrix_invalid) {
		kmm_printk(&c->m->env, "OF: NUMA: Invalid distance-matrix");
		return -KMM_EINVAL;
	}
	for (unsigned int i = 0; i < dt->nr_distances; i++) {
		const struct kmm_dt_distance *d = &dt->distances[i];

		if ((d->from == d->to && d->distance != KMM_LOCAL_DISTANCE) ||
		    (d->from != d->to && d->distance <= KMM_LOCAL_DISTANCE)) {
			kmm_printk(&c->m->env, "OF: NUMA: Invalid distance[node%d -> node%d] = %d",
				   (int)d->from, (int)d->to, (int)d->distance);
			return -KMM_EINVAL;
		}
		node_set_parsed(c, d->from);
		numa_set_distance(c, (int)d->from, (int)d->to, (int)d->distance);
		if (d->to > d->from)
			numa_set_distance(c, (int)d->to, (int)d->from, (int)d->distance);
	}
	return 0;
}

static int of_numa_init(struct numa_ctx *c)
{
	int ret;

	of_numa_parse_cpu_nodes(c);
	ret = of_numa_parse_memory_nodes(c);
	return ret ? ret : of_numa_parse_distance_map(c);
}

/* dummy_numa_init(): all of memory on node 0 */
static int dummy_numa_init(struct numa_ctx *c)
{
	struct kmm_machine *m = c->m;
	u64 start = memblock_start_of_DRAM(&m->memblock);
	u64 end = memblock_end_of_DRAM(&m->memblock);
	int ret;

	if (c->numa_off)
		kmm_printk(&m->env, "NUMA: NUMA disabled");
	kmm_printk(&m->env, "NUMA: Faking a node at [mem 0x%016llx-0x%016llx]",
		   (unsigned long long)start, (unsigned long long)(end - 1));
	ret = numa_add_memblk(c, 0, start, end);
	if (ret) {
		kmm_printk(&m->env, "NUMA: NUMA init failed");
		return ret;
	}
	c->numa_off = true;
	return 0;
}

/* get_pfn_range_for_nid(): [start, end) of @nid's memory in pfns, 0/0 if none */
static void node_pfn_range(const struct kmm_machine *m, int nid, unsigned long *start,
			   unsigned long *end)
{
	unsigned long s, e;
	int i;

	*start = ~0UL;
	*end = 0;
	for_each_mem_pfn_range(&m->memblock, i, nid, &s, &e, NULL) {
		*start = KMM_MIN(*start, s);
		*end = KMM_MAX(*end, e);
	}
	if (*start == ~0UL)
		*start = 0;
}

/* early_pfn_to_nid(): the node of the memory region holding @pfn */
static int early_pfn_to_nid(const struct kmm_machine *m, unsigned long pfn)
{
	const struct memblock_region *r;
	u64 pa = (u64)pfn << ARM64_PAGE_SHIFT;

	for_each_mem_region(&m->memblock, r)
		if (pa >= r->base && pa - r->base < r->size)
			return memblock_get_region_node(&m->memblock, r);
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (m->node[nid].online)
			return nid; /* first_online_node */
	return 0;
}

/* setup_node_data(): NODE_DATA(nid) from memblock, preferring the node */
static int setup_node_data(struct numa_ctx *c, int nid, unsigned long start_pfn,
			   unsigned long end_pfn)
{
	struct kmm_machine *m = c->m;
	u64 nd_size = KMM_ALIGN(m->kernel.struct_size[KMM_STRUCT_PGLIST_DATA],
				(u64)ARM64_SMP_CACHE_BYTES);
	struct kmm_pgdat *pgdat = &m->node[nid];
	u64 nd_pa;
	int tnid;

	if (start_pfn >= end_pfn)
		kmm_printk(&m->env, "NUMA: Initmem setup node %d [<memory-less node>]", nid);
	nd_pa = memblock_phys_alloc_try_nid(&m->memblock, nd_size, ARM64_SMP_CACHE_BYTES, nid);
	if (!nd_pa) {
		kmm_snprintf(c->err, c->errlen, "Cannot allocate %llu bytes for node %d data",
			     (unsigned long long)nd_size, nid);
		c->fatal = true;
		return -KMM_ENOMEM;
	}
	kmm_printk(&m->env, "NUMA: NODE_DATA [mem %#010llx-%#010llx]", (unsigned long long)nd_pa,
		   (unsigned long long)(nd_pa + nd_size - 1));
	tnid = early_pfn_to_nid(m, (unsigned long)(nd_pa >> ARM64_PAGE_SHIFT));
	if (tnid != nid)
		kmm_printk(&m->env, "NUMA: NODE_DATA(%d) on node %d", nid, tnid);
	pgdat->node_id = nid;
	pgdat->phys = nd_pa;
	pgdat->node_start_pfn = start_pfn;
	pgdat->node_spanned_pages = end_pfn - start_pfn;
	return 0;
}

/* numa_register_nodes(): every memory region on a node, then NODE_DATA */
static int numa_register_nodes(struct numa_ctx *c)
{
	struct kmm_machine *m = c->m;
	const struct memblock_region *r;
	int ret;

	for_each_mem_region(&m->memblock, r) {
		int nid = memblock_get_region_node(&m->memblock, r);

		if (nid == NUMA_NO_NODE || nid >= m->memblock.max_numnodes) {
			kmm_printk(&m->env, "NUMA: Warning: invalid memblk node %d [mem 0x%016llx-0x%016llx]",
				   nid, (unsigned long long)r->base,
				   (unsigned long long)(r->base + r->size - 1));
			return -KMM_EINVAL;
		}
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		unsigned long start_pfn, end_pfn;

		if (!((c->parsed >> nid) & 1))
			continue;
		node_pfn_range(m, nid, &start_pfn, &end_pfn);
		ret = setup_node_data(c, nid, start_pfn, end_pfn);
		if (ret)
			return ret;
		m->node[nid].online = true;
		m->nr_nodes = nid + 1;
	}
	m->node_possible_map = c->parsed;
	return 0;
}

/* numa_init(): one attempt with @init; c->fatal when Linux would panic */
static int numa_init(struct numa_ctx *c, int (*init)(struct numa_ctx *))
{
	struct kmm_machine *m = c->m;
	int ret;

	c->parsed = 0;
	m->node_possible_map = 0;
	m->nr_nodes = 0;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		m->node[nid].online = false;
	ret = numa_alloc_distance(c);
	if (ret)
		return ret;
	ret = init(c);
	if (!ret && !c->parsed) {
		kmm_printk(&m->env, "NUMA: No NUMA configuration found");
		ret = -KMM_EINVAL;
	}
	if (!ret)
		ret = numa_register_nodes(c);
	if (ret)
		numa_free_distance(c);
	return ret;
}

int arm64_numa_init(struct kmm_machine *m, char *err, size_t errlen)
{
	struct numa_ctx c = { .m = m, .numa_off = m->cmdline.numa_off, .err = err,
			      .errlen = errlen };
	int ret;

	if (!c.numa_off) {
		ret = numa_init(&c, of_numa_init);
		if (!ret || c.fatal)
			return ret;
	}
	ret = numa_init(&c, dummy_numa_init);
	if (ret && !c.fatal)
		kmm_snprintf(err, errlen, "NUMA: no node could be set up: %s", kmm_strerror(ret));
	return ret;
}
