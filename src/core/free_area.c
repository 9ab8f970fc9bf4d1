// SPDX-License-Identifier: MIT
/*
 * free_area.c - free_area_init(): where each zone may lie, where
 * ZONE_MOVABLE starts on each node, how many pages every zone of every node
 * spans and holds, the managed-pages estimate, and what memmap_init()
 * reports about holes, following Linux 6.1's mm/page_alloc.c.
 *
 * Types: struct fa is one call's working state (Linux keeps it in file
 * statics: arch_zone_{lowest,highest}_possible_pfn, defer_init()'s
 * counters); the results live in the machine (m->node[], m->zone_movable_pfn,
 * m->movable_zone, m->nr_kernel_pages, m->nr_all_pages).
 *
 * Entry points: kmm_free_area_init() once per machine, after NUMA init and
 * (SPARSEMEM) sparse_init, with the architecture's zone limits;
 * kmm_free_area_validate() to cross-check the result at any time after.
 *
 * Conventions: zone indices are zone_idx() of the build (m->zone_layout),
 * pfns are of 4 KiB pages, every range is half-open [start, end).
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/memblock.h>
#include <kmm/mmzone.h>

#define PAGE_SHIFT 12
#define SMP_CACHE_BYTES 64 /* L1_CACHE_BYTES of the x86_64, i386 and arm64 builds */
#define MAX_ORDER_NR_PAGES (1UL << (KMM_MAX_ORDER - 1))
/* pageblock_order = HUGETLB_PAGE_ORDER: a 2 MiB PMD on all three builds (i386 with PAE) */
#define PAGEBLOCK_ORDER 9
#define PAGEBLOCK_NR_PAGES (1UL << PAGEBLOCK_ORDER)
#define NR_PAGEBLOCK_BITS 4
/* SECTION_SIZE_BITS is 27 (128 MiB) on x86_64 and on arm64 with 4 KiB pages */
#define PAGES_PER_SECTION (1UL << (27 - PAGE_SHIFT))
#define PFN_4G (1UL << (32 - PAGE_SHIFT))
#define NO_DEFERRED_PFN (~0UL)

_Static_assert(KMM_MAX_NUMNODES <= 64, "node_possible_map is one u64");
_Static_assert(PAGES_PER_SECTION % PAGEBLOCK_NR_PAGES == 0, "sections hold whole pageblocks");

struct fa {
	struct kmm_machine *m;
	struct memblock *mb;
	struct kmm_zone_layout layout;
	int zmovable, zhighmem, znormal; /* zone_idx of those kinds; -1: not in the build */
	/* arch_zone_{lowest,highest}_possible_pfn: zone j may hold [lowest[j], highest[j]) */
	unsigned long lowest[KMM_MAX_NR_ZONES], highest[KMM_MAX_NR_ZONES];
	bool mirrored_kernelcore; /* kernelcore=mirror */
	bool sparse;		  /* SPARSEMEM (else FLATMEM) */
	bool hotplug;		  /* CONFIG_MEMORY_HOTPLUG (needs SPARSEMEM) */
	unsigned int long_bits;	  /* BITS_PER_LONG of the build */
	u64 page_bytes;		  /* sizeof(struct page) */
	/* defer_init()'s memory: the zone end it counts for and pages counted */
	unsigned long defer_zone_end, defer_count;
	char *err;
	size_t errlen;
};

static unsigned long pfn_up(u64 addr)
{
	return (unsigned long)((addr + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT);
}

static unsigned long pfn_down(u64 addr)
{
	return (unsigned long)(addr >> PAGE_SHIFT);
}

static u64 pfn_phys(unsigned long pfn)
{
	return (u64)pfn << PAGE_SHIFT;
}

static unsigned long clamp_ul(unsigned long v, unsigned long lo, unsigned long hi)
{
	return KMM_MIN(KMM_MAX(v, lo), hi);
}

static unsigned long roundup_ul(unsigned long v, unsigned long to)
{
	return (v + to - 1) / to * to;
}

/* what an unsigned long of the simulated build keeps of @v (i386: 32 bits) */
static unsigned long build_ulong(const struct fa *fa, u64 v)
{
	return fa->long_bits == 32 ? (unsigned long)(u32)v : (unsigned long)v;
}

/* the nid for_each_mem_pfn_range() takes to mean "every node" */
static int all_nodes(const struct fa *fa)
{
	return fa->mb->max_numnodes;
}

/* node_online(): a kernel without CONFIG_NUMA has node 0 online from the start */
static bool node_online(const struct kmm_machine *m, int nid)
{
	return m->node[nid].online || (!m->kernel.numa && nid == 0);
}

static bool node_possible(const struct kmm_machine *m, int nid)
{
	if (m->node_possible_map)
		return ((m->node_possible_map >> nid) & 1) || node_online(m, nid);
	return node_online(m, nid);
}

/* get_pfn_range_for_nid(): the pfns node @nid's memory spans; [0, 0) for none */
static void node_pfn_range(const struct fa *fa, int nid, unsigned long *start, unsigned long *end)
{
	unsigned long s, e;
	int i;

	*start = ~0UL;
	*end = 0;
	for_each_mem_pfn_range(fa->mb, i, nid, &s, &e, NULL) {
		*start = KMM_MIN(*start, s);
		*end = KMM_MAX(*end, e);
	}
	if (*start == ~0UL)
		*start = 0;
}

/* is_highmem_idx(): HighMem, and Movable when it takes its pages from HighMem */
static bool zone_is_highmem(const struct fa *fa, int j)
{
	return fa->zhighmem >= 0 &&
	       (j == fa->zhighmem || (j == fa->zmovable && fa->m->movable_zone == fa->zhighmem));
}

/* ------------------------------------------------------------ ZONE_MOVABLE */

/* find_usable_zone_for_movable(): the highest zone (but Movable) with a range */
static void find_usable_zone_for_movable(struct fa *fa)
{
	int j;

	for (j = (int)fa->layout.nr - 1; j >= 0; j--)
		if (j != fa->zmovable && fa->highest[j] > fa->lowest[j])
			break;
	/* Linux asserts one exists; with no zone at all kmm picks zone 0 */
	fa->m->movable_zone = j < 0 ? 0 : j;
}

/* keep the lowest candidate start of ZONE_MOVABLE on @nid */
static void movable_start_min(struct fa *fa, int nid, unsigned long pfn)
{
	unsigned long *zmp = &fa->m->zone_movable_pfn[nid];

	*zmp = *zmp ? KMM_MIN(*zmp, pfn) : pfn;
}

/* movable_node: every hotpluggable region is ZONE_MOVABLE from its start on */
static void movable_from_hotplug(struct fa *fa)
{
	const struct memblock_region *r;

	for_each_mem_region(fa->mb, r)
		if (r->flags & MEMBLOCK_HOTPLUG)
			movable_start_min(fa, memblock_get_region_node(fa->mb, r),
					  pfn_down(r->base));
}

/*
 * kernelcore=mirror: the kernel lives in mirrored memory; ZONE_MOVABLE
 * starts at the first unmirrored region at or above 4 GiB.  Unmirrored
 * memory below 4 GiB stays kernel memory, which Linux warns about.
 */
static void movable_from_mirror(struct fa *fa)
{
	const struct memblock_region *r;
	bool low_unmirrored = false;

	for_each_mem_region(fa->mb, r) {
		unsigned long start = pfn_up(r->base);

		if (r->flags & MEMBLOCK_MIRROR)
			continue;
		if (start < PFN_4G) {
			low_unmirrored = true;
			continue;
		}
		movable_start_min(fa, memblock_get_region_node(fa->mb, r), start);
	}
	if (low_unmirrored)
		kmm_printk(&fa->m->env, "This configuration results in unmirrored kernel memory.");
}

/*
 * One node's share of kernelcore: walk its ranges from where the last pass
 * stopped (zone_movable_pfn[nid]).  Pages below the lowest pfn Movable may
 * take (usable) are kernel pages whatever happens and count against both
 * quotas; above it, the node keeps @per_node pages for the kernel and
 * ZONE_MOVABLE begins right after them.  Returns what is still required.
 */
static unsigned long kernelcore_on_node(struct fa *fa, int nid, unsigned long per_node,
					unsigned long required, unsigned long usable)
{
	unsigned long *zmp = &fa->m->zone_movable_pfn[nid];
	unsigned long left = per_node, s, e, take;
	int i;

	for_each_mem_pfn_range(fa->mb, i, nid, &s, &e, NULL) {
		s = KMM_MAX(s, *zmp);
		if (s >= e)
			continue;
		if (s < usable) {
			take = KMM_MIN(e, usable) - s;
			left -= KMM_MIN(take, left);
			required -= KMM_MIN(take, required);
			if (e <= usable) {
				/* all kernel memory: never count it again in a later pass */
				*zmp = e;
				continue;
			}
			s = usable;
		}
		take = KMM_MIN(e - s, left);
		*zmp = s + take;
		required -= KMM_MIN(required, take);
		left -= take;
		if (!left)
			break;
	}
	return required;
}

/*
 * Spread @required kernel pages evenly over the nodes with memory; nodes too
 * small for their share leave a remainder, which further passes spread over
 * one node fewer each time.
 */
static void spread_kernelcore(struct fa *fa, unsigned long required, u64 nodes,
			      unsigned int nr_nodes)
{
	unsigned long usable = fa->lowest[fa->m->movable_zone];

	for (;;) {
		unsigned long per_node = required / nr_nodes;

		for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
			if (!((nodes >> nid) & 1))
				continue;
			if (required < per_node)
				per_node = required / nr_nodes;
			required = kernelcore_on_node(fa, nid, per_node, required, usable);
		}
		nr_nodes--;
		if (!nr_nodes || required <= nr_nodes)
			break;
	}
}

/*
 * kernelcore=/movablecore= in pages; 0 when not given.  A movablecore
 * request becomes the kernelcore that leaves that much (rounded up to
 * MAX_ORDER blocks, at most all memory) movable; the larger kernelcore wins.
 */
static unsigned long required_kernelcore(const struct fa *fa, unsigned long total)
{
	const struct kmm_cmdline *c = &fa->m->cmdline;
	unsigned long kernelcore = 0, movablecore = 0;

	if (c->kernelcore.kind == KMM_SIZE_BYTES)
		kernelcore = build_ulong(fa, c->kernelcore.value >> PAGE_SHIFT);
	else if (c->kernelcore.kind == KMM_SIZE_PERCENT)
		kernelcore = build_ulong(fa, (u64)total * 100 * c->kernelcore.value) / 10000;
	if (c->movablecore.kind == KMM_SIZE_BYTES)
		movablecore = build_ulong(fa, c->movablecore.value >> PAGE_SHIFT);
	else if (c->movablecore.kind == KMM_SIZE_PERCENT)
		movablecore = build_ulong(fa, (u64)total * 100 * c->movablecore.value) / 10000;
	if (movablecore) {
		movablecore = build_ulong(fa, roundup_ul(movablecore, MAX_ORDER_NR_PAGES));
		movablecore = KMM_MIN(total, movablecore);
		kernelcore = KMM_MAX(kernelcore, total - movablecore);
	}
	return kernelcore;
}

/*
 * find_zone_movable_pfns_for_nodes(): fills m->zone_movable_pfn[] (0: no
 * ZONE_MOVABLE on that node).  movable_node wins over kernelcore=mirror,
 * which wins over kernelcore=/movablecore= sizes.  A start is rounded up to
 * MAX_ORDER blocks and dropped when that leaves the node no movable memory.
 */
static void find_zone_movable_pfns_for_nodes(struct fa *fa)
{
	struct kmm_machine *m = fa->m;
	unsigned long total = 0, s, e, required;
	unsigned int nr_nodes = 0;
	u64 nodes = m->kernel.numa ? 0 : 1; /* N_MEMORY; node 0 is in it without NUMA */
	int i, nid;

	for_each_mem_pfn_range(fa->mb, i, all_nodes(fa), &s, &e, &nid) {
		total += e - s;
		if (e > s)
			nodes |= 1ULL << nid;
	}
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		nr_nodes += (nodes >> nid) & 1;
	find_usable_zone_for_movable(fa);

	if (fa->hotplug && (m->cmdline.movable_node || fa->mb->movable_node_enabled)) {
		movable_from_hotplug(fa);
	} else if (fa->mirrored_kernelcore) {
		movable_from_mirror(fa);
	} else {
		required = required_kernelcore(fa, total);
		/* no kernelcore, or more than there is: no ZONE_MOVABLE */
		if (!required || required >= total)
			return;
		spread_kernelcore(fa, required, nodes, nr_nodes);
	}
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		m->zone_movable_pfn[nid] = roundup_ul(m->zone_movable_pfn[nid], MAX_ORDER_NR_PAGES);
		node_pfn_range(fa, nid, &s, &e);
		if (m->zone_movable_pfn[nid] >= e)
			m->zone_movable_pfn[nid] = 0;
	}
}

/* ------------------------------------------------------------ zone sizes */

/*
 * adjust_zone_range_for_zone_movable(): ZONE_MOVABLE of @nid runs from its
 * start to the end of the node (or of the zone it takes pages from); the
 * zone it starts inside ends there (except under kernelcore=mirror, where
 * the two overlap), and zones above it are emptied.
 */
static void adjust_for_movable(const struct fa *fa, int nid, int j, unsigned long node_end,
			       unsigned long *zs, unsigned long *ze)
{
	unsigned long zmp = fa->m->zone_movable_pfn[nid];

	if (!zmp)
		return;
	if (j == fa->zmovable) {
		*zs = zmp;
		*ze = KMM_MIN(node_end, fa->highest[fa->m->movable_zone]);
	} else if (!fa->mirrored_kernelcore && *zs < zmp && zmp < *ze) {
		*ze = zmp;
	} else if (*zs >= zmp) {
		*zs = *ze;
	}
}

/* zone_spanned_pages_in_node(): the pages zone @j spans in the node, holes included */
static unsigned long zone_spanned_in_node(const struct fa *fa, int nid, int j,
					  unsigned long node_start, unsigned long node_end,
					  unsigned long *zs, unsigned long *ze)
{
	if (!node_start && !node_end)
		return 0;
	*zs = clamp_ul(node_start, fa->lowest[j], fa->highest[j]);
	*ze = clamp_ul(node_end, fa->lowest[j], fa->highest[j]);
	adjust_for_movable(fa, nid, j, node_end, zs, ze);
	if (*ze < node_start || *zs > node_end)
		return 0;
	*ze = KMM_MIN(*ze, node_end);
	*zs = KMM_MAX(*zs, node_start);
	/* an inverted range (Movable above its zone's limit) spans nothing */
	return *ze > *zs ? *ze - *zs : 0;
}

/* __absent_pages_in_range(): pfns of [start, end) without memory of @nid (or any node) */
static unsigned long absent_pages_in_range(const struct fa *fa, int nid, unsigned long start,
					   unsigned long end)
{
	unsigned long absent, s, e;
	int i;

	if (end <= start)
		return 0;
	absent = end - start;
	for_each_mem_pfn_range(fa->mb, i, nid, &s, &e, NULL) {
		s = clamp_ul(s, start, end);
		e = clamp_ul(e, start, end);
		absent -= e - s;
	}
	return absent;
}

/*
 * zone_absent_pages_in_node(): the holes of zone @j on the node.  Under
 * kernelcore=mirror, where Normal and Movable overlap, mirrored memory
 * counts as a hole of Movable and unmirrored memory as a hole of Normal.
 */
static unsigned long zone_absent_in_node(const struct fa *fa, int nid, int j,
					 unsigned long node_start, unsigned long node_end)
{
	const struct memblock_region *r;
	unsigned long zs, ze, absent;

	if (!node_start && !node_end)
		return 0;
	zs = clamp_ul(node_start, fa->lowest[j], fa->highest[j]);
	ze = clamp_ul(node_end, fa->lowest[j], fa->highest[j]);
	adjust_for_movable(fa, nid, j, node_end, &zs, &ze);
	absent = absent_pages_in_range(fa, nid, zs, ze);
	if (!fa->mirrored_kernelcore || !fa->m->zone_movable_pfn[nid])
		return absent;
	for_each_mem_region(fa->mb, r) {
		unsigned long s = clamp_ul(pfn_up(r->base), zs, ze);
		unsigned long e = clamp_ul(pfn_down(r->base + r->size), zs, ze);
		bool mirror = r->flags & MEMBLOCK_MIRROR;

		if (e <= s)
			continue;
		if ((j == fa->zmovable && mirror) || (j == fa->znormal && !mirror))
			absent += e - s;
	}
	return absent;
}

/* calculate_node_totalpages(): every zone's start, span and present pages */
static void calculate_node_totalpages(struct fa *fa, struct kmm_pgdat *pg, unsigned long node_start,
				      unsigned long node_end)
{
	unsigned long spanned_total = 0, present_total = 0;

	for (unsigned int j = 0; j < fa->layout.nr; j++) {
		struct kmm_zone *z = &pg->zones[j];
		unsigned long zs = 0, ze = 0, spanned, absent;

		spanned = zone_spanned_in_node(fa, pg->node_id, (int)j, node_start, node_end, &zs,
					       &ze);
		absent = zone_absent_in_node(fa, pg->node_id, (int)j, node_start, node_end);
		z->zone_start_pfn = spanned ? zs : 0;
		z->spanned_pages = spanned;
		z->present_pages = spanned >= absent ? spanned - absent : 0;
		z->present_early_pages = z->present_pages;
		spanned_total += z->spanned_pages;
		present_total += z->present_pages;
	}
	pg->node_spanned_pages = spanned_total;
	pg->node_present_pages = present_total;
}

/* ------------------------------------------------------------ free_area_init_core */

/*
 * calc_memmap_size(): pages of struct page a zone costs.  With SPARSEMEM and
 * many holes only the present pages have a memmap.
 */
static unsigned long calc_memmap_size(const struct fa *fa, unsigned long spanned,
				      unsigned long present)
{
	u64 pages = spanned;

	if (spanned > present + (present >> 4) && fa->sparse)
		pages = present;
	return (unsigned long)((pages * fa->page_bytes + (1ULL << PAGE_SHIFT) - 1) >> PAGE_SHIFT);
}

/* usemap_size(): bytes of the FLATMEM pageblock bitmap of a zone, whole longs */
static unsigned long usemap_size(const struct fa *fa, unsigned long zone_start,
				 unsigned long spanned)
{
	unsigned long bits;

	spanned += zone_start & (PAGEBLOCK_NR_PAGES - 1);
	bits = roundup_ul(spanned, PAGEBLOCK_NR_PAGES) >> PAGEBLOCK_ORDER;
	bits *= NR_PAGEBLOCK_BITS;
	return roundup_ul(bits, fa->long_bits) / 8;
}

/* setup_usemap(): FLATMEM keeps the pageblock bits of each zone in memblock memory */
static int setup_usemap(struct fa *fa, struct kmm_zone *z)
{
	unsigned long size = usemap_size(fa, z->zone_start_pfn, z->spanned_pages);
	void *p;

	z->pageblock_flags = 0;
	if (!size)
		return 0;
	p = memblock_alloc_node(fa->mb, size, SMP_CACHE_BYTES, z->node);
	if (p) {
		if (fa->m->env.virt_to_phys)
			z->pageblock_flags = fa->m->env.virt_to_phys(fa->m->env.opaque, p);
		return 0;
	}
	kmm_snprintf(fa->err, fa->errlen,
		     "Failed to allocate %lu bytes for zone %s pageblock flags on node %d", size,
		     kmm_zone_kind_name(z->kind), z->node);
	return -KMM_ENOMEM;
}

/*
 * free_area_init_core(): the managed-pages estimate of each zone (present
 * pages less its memmap, except HighMem whose memmap lives in lowmem, and
 * less dma_reserve in zone 0), the kernel/all page totals, and FLATMEM's
 * pageblock bitmaps.  Zones that span pages are initialized.
 */
static int free_area_init_core(struct fa *fa, struct kmm_pgdat *pg)
{
	struct kmm_machine *m = fa->m;

	for (unsigned int j = 0; j < fa->layout.nr; j++) {
		struct kmm_zone *z = &pg->zones[j];
		unsigned long freesize = z->present_pages, memmap;
		bool high = zone_is_highmem(fa, (int)j);
		int ret;

		memmap = calc_memmap_size(fa, z->spanned_pages, freesize);
		if (!high) {
			if (freesize >= memmap)
				freesize -= memmap;
			else
				kmm_printk(&m->env,
					   "  %s zone: %lu memmap pages exceeds freesize %lu",
					   kmm_zone_kind_name(z->kind), memmap, freesize);
		}
		if (j == 0 && freesize > m->dma_reserve)
			freesize -= m->dma_reserve;
		if (!high)
			m->nr_kernel_pages += freesize;
		else if (m->nr_kernel_pages > memmap * 2) /* HighMem's memmap is in lowmem */
			m->nr_kernel_pages -= memmap;
		m->nr_all_pages += freesize;
		z->managed_pages = freesize;
		if (!z->spanned_pages)
			continue;
		if (!fa->sparse) {
			ret = setup_usemap(fa, z);
			if (ret)
				return ret;
		}
		z->initialized = true;
	}
	return 0;
}

/* ------------------------------------------------------------ nodes */

/* memmap_alloc(): the raw memblock allocation of a memmap; its physical address or 0 */
static u64 memmap_alloc(struct fa *fa, u64 size, int nid)
{
	const struct kmm_env *env = &fa->m->env;
	void *va = memblock_alloc_try_nid_raw(fa->mb, size, SMP_CACHE_BYTES, MEMBLOCK_LOW_LIMIT,
					      MEMBLOCK_ALLOC_ACCESSIBLE, nid);

	return va ? env->virt_to_phys(env->opaque, va) : 0;
}

/*
 * alloc_node_mem_map() (FLATMEM): one memmap for the node, its ends rounded
 * out to MAX_ORDER blocks so the buddy allocator may look at any buddy;
 * node_mem_map is the descriptor of node_start_pfn inside it.
 */
static int alloc_node_mem_map(struct fa *fa, struct kmm_pgdat *pg)
{
	unsigned long start, end;
	u64 size, pa;

	if (!pg->node_spanned_pages)
		return 0;
	start = pg->node_start_pfn & ~(MAX_ORDER_NR_PAGES - 1);
	end = roundup_ul(pg->node_start_pfn + pg->node_spanned_pages, MAX_ORDER_NR_PAGES);
	size = (u64)(end - start) * fa->page_bytes;
	pa = memmap_alloc(fa, size, pg->node_id);
	if (!pa) {
		kmm_snprintf(fa->err, fa->errlen,
			     "Failed to allocate %llu bytes for node %d memory map",
			     (unsigned long long)size, pg->node_id);
		return -KMM_ENOMEM;
	}
	pg->node_mem_map = pa + (u64)(pg->node_start_pfn - start) * fa->page_bytes;
	return 0;
}

/* free_area_init_node(): size node @nid and its zones from memblock */
static int free_area_init_node(struct fa *fa, int nid)
{
	struct kmm_pgdat *pg = &fa->m->node[nid];
	unsigned long start, end;
	int ret;

	node_pfn_range(fa, nid, &start, &end);
	pg->node_id = nid;
	pg->node_start_pfn = start;
	pg->node_mem_map = 0;
	if (start != end)
		kmm_printk(&fa->m->env, "Initmem setup node %d [mem %#018llx-%#018llx]", nid,
			   (unsigned long long)pfn_phys(start),
			   (unsigned long long)(end ? pfn_phys(end) - 1 : 0));
	else
		kmm_printk(&fa->m->env, "Initmem setup node %d as memoryless", nid);

	kmm_memset(pg->zones, 0, sizeof(pg->zones));
	for (unsigned int j = 0; j < fa->layout.nr; j++) {
		pg->zones[j].kind = fa->layout.kind[j];
		pg->zones[j].node = nid;
	}
	calculate_node_totalpages(fa, pg, start, end);
	if (!fa->sparse) {
		ret = alloc_node_mem_map(fa, pg);
		if (ret)
			return ret;
	}
	/* pgdat_set_deferred_range(): memmap_init() finds the real start */
	pg->first_deferred_pfn = NO_DEFERRED_PFN;
	return free_area_init_core(fa, pg);
}

/*
 * A possible node that NUMA init left offline: Linux allocates its
 * pglist_data now and sizes it as a (normally memoryless) node; it stays
 * offline until memory is hot-added.  A failed allocation is only reported.
 */
static int free_area_init_offline_node(struct fa *fa, int nid)
{
	const struct kmm_env *env = &fa->m->env;
	u64 size = fa->m->kernel.struct_size[KMM_STRUCT_PGLIST_DATA];
	void *va;

	kmm_printk(env, "Initializing node %d as memoryless", nid);
	va = memblock_alloc(fa->mb, size, SMP_CACHE_BYTES);
	if (!va) {
		kmm_printk(env, "Cannot allocate %lluB for node %d.", (unsigned long long)size,
			   nid);
		return 0;
	}
	fa->m->node[nid].phys = env->virt_to_phys(env->opaque, va);
	return free_area_init_node(fa, nid);
}

/* ------------------------------------------------------------ memmap_init */

/*
 * The pfns of [start, end) whose pageblock has a memmap (pfn_valid() of the
 * pageblock start, as init_unavailable_range() asks).  FLATMEM: one memmap
 * for [0, max_mapnr).  SPARSEMEM: every section holding memory at boot.
 */
static unsigned long pfns_with_memmap(const struct fa *fa, unsigned long start, unsigned long end)
{
	const struct kmm_machine *m = fa->m;
	unsigned long count = 0, covered = 0, s, e, lo, hi;
	int i;

	if (!fa->sparse) {
		hi = m->kernel.highmem ? m->max_pfn : m->max_low_pfn; /* max_mapnr */
		hi = roundup_ul(hi, PAGEBLOCK_NR_PAGES);
		return end > start && hi > start ? KMM_MIN(end, hi) - start : 0;
	}
	/* sections of sorted ranges: count each section once */
	for_each_mem_pfn_range(fa->mb, i, all_nodes(fa), &s, &e, NULL) {
		lo = KMM_MAX(s & ~(PAGES_PER_SECTION - 1), covered);
		hi = roundup_ul(e, PAGES_PER_SECTION);
		covered = KMM_MAX(covered, hi);
		lo = KMM_MAX(lo, start);
		hi = KMM_MIN(hi, end);
		if (hi > lo)
			count += hi - lo;
	}
	return count;
}

/* init_unavailable_range(): the memmap of a hole is initialised, and reported */
static void report_unavailable(const struct fa *fa, unsigned long start, unsigned long end, int j,
			       int nid)
{
	unsigned long pages = pfns_with_memmap(fa, start, end);

	if (pages)
		kmm_printk(&fa->m->env, "On node %d, zone %s: %llu pages in unavailable ranges",
			   nid, kmm_zone_kind_name(fa->layout.kind[j]), (unsigned long long)pages);
}

/*
 * defer_init() over the pfns [start, end) of a zone ending at @zone_end:
 * only the zone that ends the node is deferred; it keeps more than one
 * section's worth of initialised pages and defers from the next section
 * boundary on.  The count runs on across calls while the zone end is the
 * same (the ranges of one zone) and restarts at another zone.
 */
static void defer_init_range(struct fa *fa, struct kmm_pgdat *pg, unsigned long start,
			     unsigned long end, unsigned long zone_end)
{
	unsigned long first, pfn;

	if (fa->defer_zone_end != zone_end) {
		fa->defer_zone_end = zone_end;
		fa->defer_count = 0;
	}
	if (zone_end < pg->node_start_pfn + pg->node_spanned_pages ||
	    pg->first_deferred_pfn != NO_DEFERRED_PFN)
		return;
	/* the first pfn whose count would pass one section, then its boundary */
	first = fa->defer_count >= PAGES_PER_SECTION ?
			start :
			start + (PAGES_PER_SECTION - fa->defer_count);
	pfn = roundup_ul(first, PAGES_PER_SECTION);
	if (pfn < end) {
		pg->first_deferred_pfn = pfn;
		fa->defer_count += pfn - start + 1;
	} else {
		fa->defer_count += end - start;
	}
}

/*
 * memmap_init_zone_range(): range [start, end) of node @nid clipped to zone
 * @j.  The hole since the end of the previous clipped range (*hole) goes to
 * this zone.  Under kernelcore=mirror, Movable skips mirrored memory (that
 * belongs to Normal), so it does not count towards deferral.
 */
static void memmap_init_zone_range(struct fa *fa, int nid, int j, unsigned long start,
				   unsigned long end, bool mirror_region, unsigned long *hole)
{
	struct kmm_pgdat *pg = &fa->m->node[nid];
	const struct kmm_zone *z = &pg->zones[j];
	unsigned long zone_end = z->zone_start_pfn + z->spanned_pages;

	start = clamp_ul(start, z->zone_start_pfn, zone_end);
	end = clamp_ul(end, z->zone_start_pfn, zone_end);
	if (start >= end)
		return;
	if (fa->m->kernel.deferred_struct_page_init &&
	    !(fa->mirrored_kernelcore && j == fa->zmovable && mirror_region))
		defer_init_range(fa, pg, start, end, zone_end);
	if (*hole < start)
		report_unavailable(fa, *hole, start, j, nid);
	*hole = end;
}

/*
 * memmap_init(): every memory range against every populated zone of its
 * node, then the tail after the last range up to its section end
 * (SPARSEMEM; FLATMEM stops at the range end) for the last node's highest
 * populated zone.
 */
static void memmap_init(struct fa *fa)
{
	unsigned long hole = 0, s, e, last_end = 0;
	int i, nid, zone_id = 0, last_nid = 0;
	bool any = false;

	for_each_mem_pfn_range(fa->mb, i, all_nodes(fa), &s, &e, &nid) {
		const struct kmm_pgdat *pg = &fa->m->node[nid];
		bool mirror = fa->mb->memory.regions[i].flags & MEMBLOCK_MIRROR;

		for (unsigned int j = 0; j < fa->layout.nr; j++) {
			if (!pg->zones[j].present_pages)
				continue;
			memmap_init_zone_range(fa, nid, (int)j, s, e, mirror, &hole);
			zone_id = (int)j;
		}
		last_end = e;
		last_nid = nid;
		any = true;
	}
	if (!any)
		return;
	if (fa->sparse)
		last_end = roundup_ul(last_end, PAGES_PER_SECTION);
	if (hole < last_end)
		report_unavailable(fa, hole, last_end, zone_id, last_nid);
}

/* ------------------------------------------------------------ entry */

/* every memory region must belong to a node that exists */
static int check_memory_nodes(struct fa *fa)
{
	const struct memblock_region *r;

	for_each_mem_region(fa->mb, r) {
		int nid = memblock_get_region_node(fa->mb, r);

		if (nid < 0 || nid >= KMM_MAX_NUMNODES || !node_possible(fa->m, nid)) {
			kmm_snprintf(
				fa->err, fa->errlen,
				"free_area_init: memory [%#018llx-%#018llx] is on node %d, which is not online",
				(unsigned long long)r->base,
				(unsigned long long)(r->base + r->size - 1), nid);
			return -KMM_EINVAL;
		}
	}
	return 0;
}

static bool env_maps_memory(const struct kmm_env *env)
{
	return env->phys_to_virt && env->virt_to_phys;
}

/* everything kmm_free_area_init() needs, checked before anything changes */
static int fa_setup(struct fa *fa, struct kmm_machine *m, const unsigned long *max_zone_pfn,
		    char *err, size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	bool offline_possible = false, online = false;

	kmm_memset(fa, 0, sizeof(*fa));
	fa->m = m;
	fa->mb = &m->memblock;
	fa->err = err;
	fa->errlen = errlen;
	if (!max_zone_pfn) {
		kmm_snprintf(err, errlen, "free_area_init: no zone limits");
		return -KMM_EINVAL;
	}
	if (m->zone_layout.nr) {
		kmm_snprintf(err, errlen, "free_area_init: already done on this machine");
		return -KMM_EEXIST;
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		online |= node_online(m, nid);
		offline_possible |= !node_online(m, nid) && node_possible(m, nid);
	}
	if (!online) {
		kmm_snprintf(err, errlen,
			     "free_area_init: no node is online (NUMA init has not run)");
		return -KMM_EINVAL;
	}
	fa->page_bytes = k->struct_size[KMM_STRUCT_PAGE];
	if (!fa->page_bytes) {
		kmm_snprintf(err, errlen, "free_area_init: the size of struct page is unknown");
		return -KMM_EINVAL;
	}
	fa->sparse = k->sparsemem_vmemmap;
	if ((!fa->sparse || offline_possible) && !env_maps_memory(&m->env)) {
		kmm_snprintf(
			err, errlen,
			"free_area_init: memblock allocations need the environment's phys_to_virt and virt_to_phys");
		return -KMM_EINVAL;
	}
	kmm_zone_layout_init(&fa->layout, k);
	fa->zmovable = kmm_zone_layout_index(&fa->layout, KMM_ZONE_MOVABLE);
	fa->zhighmem = kmm_zone_layout_index(&fa->layout, KMM_ZONE_HIGHMEM);
	fa->znormal = kmm_zone_layout_index(&fa->layout, KMM_ZONE_NORMAL);
	fa->hotplug = fa->sparse;
	fa->long_bits = k->arch == KMM_ARCH_I386 ? 32 : 64;
	fa->mirrored_kernelcore = m->cmdline.kernelcore.kind == KMM_SIZE_MIRROR ||
				  fa->mb->mirrored_kernelcore;
	return check_memory_nodes(fa);
}

/* the possible range of every zone but Movable: each starts where the last ended */
static void zone_limits_init(struct fa *fa, const unsigned long *max_zone_pfn)
{
	unsigned long start = pfn_down(memblock_start_of_DRAM(fa->mb)), end;

	for (unsigned int j = 0; j < fa->layout.nr; j++) {
		fa->m->max_zone_pfn[j] = max_zone_pfn[fa->layout.kind[j]];
		if ((int)j == fa->zmovable)
			continue;
		end = KMM_MAX(max_zone_pfn[fa->layout.kind[j]], start);
		fa->lowest[j] = start;
		fa->highest[j] = end;
		start = end;
	}
}

static void print_zone_ranges(const struct fa *fa)
{
	const struct kmm_env *env = &fa->m->env;
	unsigned long s, e;
	int i, nid;

	kmm_printk(env, "Zone ranges:");
	for (unsigned int j = 0; j < fa->layout.nr; j++) {
		const char *name = kmm_zone_kind_name(fa->layout.kind[j]);

		if ((int)j == fa->zmovable)
			continue;
		if (fa->lowest[j] == fa->highest[j])
			kmm_printk(env, "  %-8s empty", name);
		else
			kmm_printk(env, "  %-8s [mem %#018llx-%#018llx]", name,
				   (unsigned long long)pfn_phys(fa->lowest[j]),
				   (unsigned long long)pfn_phys(fa->highest[j]) - 1);
	}
	kmm_printk(env, "Movable zone start for each node");
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (fa->m->zone_movable_pfn[nid])
			kmm_printk(env, "  Node %d: %#018llx", nid,
				   (unsigned long long)pfn_phys(fa->m->zone_movable_pfn[nid]));
	kmm_printk(env, "Early memory node ranges");
	for_each_mem_pfn_range(fa->mb, i, all_nodes(fa), &s, &e, &nid)
		kmm_printk(env, "  node %3d: [mem %#018llx-%#018llx]", nid,
			   (unsigned long long)pfn_phys(s), (unsigned long long)pfn_phys(e) - 1);
}

int kmm_free_area_init(struct kmm_machine *m, const unsigned long max_zone_pfn[KMM_ZONE_KINDS],
		       char *err, size_t errlen)
{
	struct fa fa;
	int ret;

	ret = fa_setup(&fa, m, max_zone_pfn, err, errlen);
	if (ret)
		return ret;
	m->zone_layout = fa.layout;
	if (!m->kernel.numa)
		m->node[0].online = true; /* N_ONLINE is {0} without NUMA */
	zone_limits_init(&fa, max_zone_pfn);
	kmm_memset(m->zone_movable_pfn, 0, sizeof(m->zone_movable_pfn));
	find_zone_movable_pfns_for_nodes(&fa);
	print_zone_ranges(&fa);

	m->nr_kernel_pages = 0;
	m->nr_all_pages = 0;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (m->node[nid].online)
			ret = free_area_init_node(&fa, nid);
		else if (node_possible(m, nid))
			ret = free_area_init_offline_node(&fa, nid);
		if (ret)
			return ret;
		if (m->node[nid].online && m->node[nid].node_present_pages)
			m->node[nid].has_memory = true; /* N_MEMORY */
	}
	memmap_init(&fa);
	KMM_CHECK_EXPENSIVE(&m->env, kmm_free_area_validate(m));
	return 0;
}

/* ------------------------------------------------------------ validate */

static bool zone_validate(const struct kmm_machine *m, const struct kmm_pgdat *pg, unsigned int j)
{
	const struct kmm_zone *z = &pg->zones[j];
	unsigned long end = z->zone_start_pfn + z->spanned_pages;
	unsigned long node_end = pg->node_start_pfn + pg->node_spanned_pages;
	const char *why = NULL;

	if (z->kind != m->zone_layout.kind[j] || z->node != pg->node_id)
		why = "kind or node does not match the layout";
	else if (z->present_pages > z->spanned_pages || z->managed_pages > z->present_pages)
		why = "not spanned >= present >= managed";
	else if (z->initialized != (z->spanned_pages != 0))
		why = "initialized but empty, or spanning pages uninitialized";
	else if (z->spanned_pages && (z->zone_start_pfn < pg->node_start_pfn || end > node_end))
		why = "outside its node";
	if (!why)
		return true;
	kmm_printk(&m->env,
		   "free_area: node %d zone %s: %s (start %lu spanned %lu present %lu managed %lu)",
		   pg->node_id, kmm_zone_kind_name(z->kind), why, z->zone_start_pfn,
		   z->spanned_pages, z->present_pages, z->managed_pages);
	return false;
}

/* zones of a node in ascending order without overlap; under kernelcore=mirror Movable overlaps */
static bool zones_disjoint(const struct kmm_machine *m, const struct kmm_pgdat *pg)
{
	bool mirror = m->cmdline.kernelcore.kind == KMM_SIZE_MIRROR ||
		      m->memblock.mirrored_kernelcore;
	unsigned long prev_end = 0;

	for (unsigned int j = 0; j < m->zone_layout.nr; j++) {
		const struct kmm_zone *z = &pg->zones[j];

		if (!z->spanned_pages || (mirror && z->kind == KMM_ZONE_MOVABLE))
			continue;
		if (z->zone_start_pfn < prev_end) {
			kmm_printk(
				&m->env,
				"free_area: node %d zone %s starts at %lu, inside the zone below (end %lu)",
				pg->node_id, kmm_zone_kind_name(z->kind), z->zone_start_pfn,
				prev_end);
			return false;
		}
		prev_end = z->zone_start_pfn + z->spanned_pages;
	}
	return true;
}

bool kmm_free_area_validate(const struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		const struct kmm_pgdat *pg = &m->node[nid];
		unsigned long spanned = 0, present = 0;

		/* nodes free_area_init did not reach carry no zones of theirs */
		if (!m->zone_layout.nr || pg->zones[0].node != nid)
			continue;
		for (unsigned int j = 0; j < m->zone_layout.nr; j++) {
			if (!zone_validate(m, pg, j))
				return false;
			spanned += pg->zones[j].spanned_pages;
			present += pg->zones[j].present_pages;
		}
		if (spanned != pg->node_spanned_pages || present != pg->node_present_pages) {
			kmm_printk(
				&m->env,
				"free_area: node %d spans %lu and holds %lu pages, its zones %lu and %lu",
				nid, pg->node_spanned_pages, pg->node_present_pages, spanned,
				present);
			return false;
		}
		if (!zones_disjoint(m, pg))
			return false;
	}
	return true;
}
