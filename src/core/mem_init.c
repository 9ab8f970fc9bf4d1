// SPDX-License-Identifier: MIT
/*
 * mem_init.c - handing boot memory to the buddy allocator: Linux 6.1's
 * memblock_free_all() and mem_init_print_info() (mm/memblock.c,
 * mm/page_alloc.c), see kmm/mem_init.h.
 *
 * memblock_free_all() forgets free_area_init()'s managed-pages estimate,
 * marks every reserved range's pages PG_reserved, then gives each free
 * memblock range below max_low_pfn to the buddy allocator in the largest
 * naturally aligned blocks that fit (order <= MAX_ORDER - 1), to the tail of
 * the free lists.  With CONFIG_DEFERRED_STRUCT_PAGE_INIT the pages at or
 * above a node's first_deferred_pfn are skipped here (their struct pages are
 * not initialised yet) but still counted in totalram_pages; deferred init
 * frees them later in pageblock-sized pieces.
 */
#include <kmm/check.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>

#define PAGE_SHIFT 12
#define PFN_UP(x) ((unsigned long)(((x) + 4095) >> PAGE_SHIFT))
#define PFN_DOWN(x) ((unsigned long)((x) >> PAGE_SHIFT))

static int pfn_nid(const struct kmm_machine *m, unsigned long pfn)
{
	const struct memblock_region *r;

	for_each_mem_region(&m->memblock, r) {
		if (((u64)pfn << PAGE_SHIFT) >= r->base &&
		    ((u64)pfn << PAGE_SHIFT) < r->base + r->size)
			return memblock_get_region_node(&m->memblock, r);
	}
	return 0;
}

bool kmm_early_page_uninitialised(const struct kmm_machine *m, unsigned long pfn)
{
	int nid = pfn_nid(m, pfn);

	return m->kernel.deferred_struct_page_init && nid >= 0 && nid < KMM_MAX_NUMNODES &&
	       pfn >= m->node[nid].first_deferred_pfn;
}

/*
 * __free_pages_core(): count the block managed and free it.  Linux first
 * clears PG_reserved on every page; kmm never wrote those descriptors (only
 * reserved ranges and holes are marked, and a free memblock range is
 * neither), so they are already clean and touching them would only cost
 * host memory.
 */
void kmm_free_pages_core(struct kmm_machine *m, unsigned long pfn, unsigned int order)
{
	struct kmm_zone *z = kmm_pfn_zone(m, pfn);
	unsigned long n = 1UL << order;

	if (!z) {
		kmm_bug(&m->env, __func__, "free memory outside every zone");
		return;
	}
	z->managed_pages += n;
	__kmm_free_one_page(m, z, pfn, order, kmm_get_pageblock_migratetype(m, pfn), true);
}

/* __free_pages_memory(): [start, end) in maximal aligned blocks */
static void free_pages_memory(struct kmm_machine *m, unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = KMM_MAX_ORDER - 1;

		if (start)
			order = KMM_MIN(order, (unsigned int)__builtin_ctzl(start));
		while (start + (1UL << order) > end)
			order--;
		if (!kmm_early_page_uninitialised(m, start))
			kmm_free_pages_core(m, start, order);
		start += 1UL << order;
	}
}

/* mark [start, end) PG_reserved where it has a memmap (reserve_bootmem_region) */
static void reserve_pages(struct kmm_machine *m, u64 start, u64 end)
{
	for (unsigned long pfn = PFN_DOWN(start); pfn < PFN_UP(end); pfn++) {
		struct kmm_page *p = kmm_pfn_to_page(m, pfn);

		if (p)
			__atomic_fetch_or(&p->flags, (u16)KMM_PG_RESERVED, __ATOMIC_RELAXED);
	}
}

unsigned long kmm_memblock_free_all(struct kmm_machine *m)
{
	struct memblock *mb = &m->memblock;
	const struct memblock_region *r;
	u64 i, start, end;
	unsigned long count = 0;

	/* reset_all_zones_managed_pages() */
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; z < m->zone_layout.nr; z++)
			m->node[nid].zones[z].managed_pages = 0;

	memblock_clear_hotplug(mb, 0, KMM_PHYS_ADDR_MAX);
	/* memmap_init_reserved_pages(): reserved ranges, and no-map memory */
	for_each_reserved_mem_range(mb, i, &start, &end)
		reserve_pages(m, start, end);
	for_each_mem_region(mb, r)
		if (r->flags & MEMBLOCK_NOMAP)
			reserve_pages(m, r->base, r->base + r->size);

	for_each_free_mem_range(mb, i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long spfn = PFN_UP(start);
		unsigned long epfn = KMM_MIN(PFN_DOWN(end), m->max_low_pfn);

		if (spfn >= epfn)
			continue;
		free_pages_memory(m, spfn, epfn);
		count += epfn - spfn;
	}
	m->totalram_pages += count;
	return count;
}

unsigned long kmm_nr_free_pages(const struct kmm_machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; z < m->zone_layout.nr; z++)
			n += m->node[nid].zones[z].vm_free_pages;
	return n;
}

unsigned long kmm_num_physpages(const struct kmm_machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (m->node[nid].online)
			n += m->node[nid].node_present_pages;
	return n;
}

/* adj_init_size(): a section nested in another is not counted twice */
static void adj_size(u64 start, u64 end, u64 *size, u64 pos, u64 adj)
{
	if (start <= pos && pos < end && *size > adj)
		*size -= adj;
}

void kmm_mem_init_print_info(struct kmm_machine *m)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	unsigned long physpages = kmm_num_physpages(m);
	u64 code = s->etext - s->stext, data = s->edata - s->sdata;
	u64 ro = s->end_rodata - s->start_rodata, bss = s->bss_stop - s->bss_start;
	u64 init_data = s->init_end - s->init_begin, init_code = s->einittext - s->sinittext;
	char high[48] = "";

	adj_size(s->init_begin, s->init_end, &init_data, s->sinittext, init_code);
	adj_size(s->stext, s->etext, &code, s->sinittext, init_code);
	adj_size(s->sdata, s->edata, &data, s->init_begin, init_data);
	adj_size(s->stext, s->etext, &code, s->start_rodata, ro);
	adj_size(s->sdata, s->edata, &data, s->start_rodata, ro);
	if (m->kernel.highmem)
		kmm_snprintf(high, sizeof(high), ", %luK highmem", m->totalhigh_pages << 2);
	kmm_printk(&m->env,
		   "Memory: %luK/%luK available (%lluK kernel code, %lluK rwdata, %lluK rodata, "
		   "%lluK init, %lluK bss, %luK reserved, %luK cma-reserved%s)",
		   kmm_nr_free_pages(m) << 2, physpages << 2, (unsigned long long)(code >> 10),
		   (unsigned long long)(data >> 10), (unsigned long long)(ro >> 10),
		   (unsigned long long)((init_data + init_code) >> 10),
		   (unsigned long long)(bss >> 10),
		   (physpages - m->totalram_pages - m->totalcma_pages) << 2,
		   m->totalcma_pages << 2, high);
}

/*
 * deferred_free_range(): a run of free pages inside one pageblock.  A whole
 * aligned pageblock goes to the buddy allocator at pageblock_order, anything
 * shorter page by page; every pageblock started is marked MIGRATE_MOVABLE.
 */
static void deferred_free_range(struct kmm_machine *m, unsigned long pfn, unsigned long nr)
{
	if (nr == KMM_PAGEBLOCK_NR_PAGES && !(pfn & (KMM_PAGEBLOCK_NR_PAGES - 1))) {
		kmm_set_pageblock_migratetype(m, pfn, KMM_MIGRATE_MOVABLE);
		kmm_free_pages_core(m, pfn, KMM_PAGEBLOCK_ORDER);
		return;
	}
	for (unsigned long i = 0; i < nr; i++, pfn++) {
		if (!(pfn & (KMM_PAGEBLOCK_NR_PAGES - 1)))
			kmm_set_pageblock_migratetype(m, pfn, KMM_MIGRATE_MOVABLE);
		kmm_free_pages_core(m, pfn, 0);
	}
}

/* deferred_free_pages(): [spfn, epfn) split at pageblock boundaries and memmap gaps */
static void deferred_free_pages(struct kmm_machine *m, unsigned long spfn, unsigned long epfn)
{
	unsigned long pfn;

	/*
	 * A memmap exists for whole subsections (2 MiB, a multiple of a
	 * pageblock), so it is checked where a run or a pageblock starts, as
	 * Linux's deferred_pfn_valid() does; a pageblock without one is skipped.
	 */
	for (pfn = spfn; pfn < epfn;) {
		unsigned long next = KMM_MIN(KMM_ALIGN(pfn + 1, KMM_PAGEBLOCK_NR_PAGES), epfn);

		if (kmm_pfn_has_memmap(m, pfn))
			deferred_free_range(m, pfn, next - pfn);
		pfn = next;
	}
}

unsigned long kmm_deferred_init_memmap(struct kmm_machine *m, int nid)
{
	struct kmm_pgdat *pgdat = &m->node[nid];
	unsigned long first = pgdat->first_deferred_pfn, freed = 0;
	u64 i, start, end;

	if (!m->kernel.deferred_struct_page_init || first == ~0UL)
		return 0;
	pgdat->first_deferred_pfn = ~0UL;
	for_each_free_mem_range(&m->memblock, i, nid, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long spfn = KMM_MAX(PFN_UP(start), first);
		unsigned long epfn = PFN_DOWN(end);

		if (spfn >= epfn)
			continue;
		deferred_free_pages(m, spfn, epfn);
		freed += epfn - spfn;
	}
	kmm_printk(&m->env, "node %d deferred pages initialised in %ums", nid, 0u);
	return freed;
}

/*
 * memmap_init(): the pageblocks that start on memory below a node's
 * first_deferred_pfn become MIGRATE_MOVABLE (a pageblock starting in a hole
 * stays MIGRATE_UNMOVABLE, as in Linux), and the pages of holes that have a
 * memmap are PG_reserved (init_unavailable_range).  Everything else keeps
 * its zeroed descriptor.
 */
void kmm_memmap_init(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		const struct kmm_pgdat *pg = &m->node[nid];
		const struct memblock_region *r;
		unsigned long prev = pg->node_start_pfn;
		unsigned long node_end = pg->node_start_pfn + pg->node_spanned_pages;

		if (!pg->online || !pg->node_spanned_pages)
			continue;
		for_each_mem_region(&m->memblock, r) {
			unsigned long s = PFN_UP(r->base), e = PFN_DOWN(r->base + r->size);

			if (memblock_get_region_node(&m->memblock, r) != nid || s >= e)
				continue;
			if (prev < s)
				reserve_pages(m, (u64)prev << PAGE_SHIFT, (u64)s << PAGE_SHIFT);
			for (unsigned long pfn = KMM_ALIGN(s, KMM_PAGEBLOCK_NR_PAGES); pfn < e;
			     pfn += KMM_PAGEBLOCK_NR_PAGES) {
				if (m->kernel.deferred_struct_page_init && pfn >= pg->first_deferred_pfn)
					break;
				kmm_set_pageblock_migratetype(m, pfn, KMM_MIGRATE_MOVABLE);
			}
			prev = KMM_MAX(prev, e);
		}
		/* the tail up to the end of the last MAX_ORDER block with a memmap */
		for (unsigned long pfn = prev; pfn < KMM_ALIGN(node_end, 1UL << (KMM_MAX_ORDER - 1));
		     pfn++) {
			if (!kmm_pfn_has_memmap(m, pfn))
				break;
			reserve_pages(m, (u64)pfn << PAGE_SHIFT, (u64)(pfn + 1) << PAGE_SHIFT);
		}
	}
}

/*
 * set_highmem_pages_init() -> add_highpages_with_active_regions(): every free
 * HighMem page goes to the buddy allocator on its own (free_highmem_page,
 * through the boot pageset that passes each page straight on).
 */
void kmm_set_highmem_pages_init(struct kmm_machine *m)
{
	u64 i, start, end;

	for_each_free_mem_range(&m->memblock, i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long spfn = KMM_MAX(PFN_UP(start), m->max_low_pfn);
		unsigned long epfn = KMM_MIN(PFN_DOWN(end), m->max_pfn);

		for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
			struct kmm_zone *z = kmm_pfn_zone(m, pfn);

			if (!z || !kmm_pfn_has_memmap(m, pfn))
				continue;
			z->managed_pages++;
			m->totalram_pages++;
			m->totalhigh_pages++;
			__kmm_free_one_page(m, z, pfn, 0, kmm_get_pageblock_migratetype(m, pfn), false);
		}
	}
}
