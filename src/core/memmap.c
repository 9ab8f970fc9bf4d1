// SPDX-License-Identifier: MIT
/*
 * memmap.c - where a page frame's descriptor and its pageblock bits live,
 * for both memory models (see kmm/page_alloc.h).
 *
 * SPARSEMEM_VMEMMAP (x86_64, arm64): the struct page is found through the
 * vmemmap tables sparse_init() built, the pageblock bits in the section's
 * usemap.  FLATMEM (i386): node 0's mem_map, and each zone's own pageblock
 * bitmap that free_area_init() allocated.  Pageblock bits are Linux's: 4 per
 * pageblock (3 migratetype bits and the compaction skip bit), packed in
 * little-endian longs, so a pageblock's nibble is at bit index
 * (block number * 4) of the bitmap.
 */
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/sparse.h>

#define NR_PAGEBLOCK_BITS 4
#define MIGRATETYPE_MASK 7u

bool kmm_pfn_has_memmap(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = pfn >> KMM_PFN_SECTION_SHIFT;

	if (nr < KMM_SPARSE_MEMMAP_CACHE && m->sparse.memmap_host[nr])
		return true;
	return kmm_pfn_valid(m, pfn) && kmm_pfn_to_page_phys(m, pfn) != KMM_PHYS_ADDR_MAX;
}

struct kmm_page *kmm_pfn_to_page(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = pfn >> KMM_PFN_SECTION_SHIFT;
	u64 pa;

	if (nr < KMM_SPARSE_MEMMAP_CACHE && m->sparse.memmap_host[nr])
		return (struct kmm_page *)(m->sparse.memmap_host[nr] +
					   (pfn & (KMM_PAGES_PER_SECTION - 1)) *
						   m->sparse.page_struct_size);

	if (!kmm_pfn_valid(m, pfn) || !m->env.phys_to_virt)
		return NULL;
	pa = kmm_pfn_to_page_phys(m, pfn);
	if (pa == KMM_PHYS_ADDR_MAX)
		return NULL;
	return m->env.phys_to_virt(m->env.opaque, pa);
}

/* the zone of node @nid whose span holds @pfn, or NULL */
static struct kmm_zone *node_zone(struct kmm_machine *m, int nid, unsigned long pfn)
{
	if (nid < 0 || nid >= KMM_MAX_NUMNODES || !m->node[nid].online)
		return NULL;
	for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
		struct kmm_zone *z = &m->node[nid].zones[i];

		if (z->spanned_pages && pfn >= z->zone_start_pfn &&
		    pfn < z->zone_start_pfn + z->spanned_pages)
			return z;
	}
	return NULL;
}

/*
 * page_zone(): Linux keeps the node in every page's flags, set when the
 * memmap is initialised from the memory map (early_pfn_to_nid).  kmm asks
 * the section first (one node per section is the common case) and, when
 * nodes share a section (numa=fake and SRAT nodes need not be section
 * aligned), the memblock region that holds the pfn.
 */
struct kmm_zone *kmm_pfn_zone(struct kmm_machine *m, unsigned long pfn)
{
	const struct memblock_region *r;
	struct kmm_zone *z;
	u64 pa = (u64)pfn << 12;

	if (!m->kernel.sparsemem_vmemmap)
		return node_zone(m, 0, pfn);
	if ((pfn >> KMM_PFN_SECTION_SHIFT) < KMM_SPARSE_MEMMAP_CACHE) {
		unsigned int id = m->sparse.section_zone[pfn >> KMM_PFN_SECTION_SHIFT];

		if (id--)
			return &m->node[id / KMM_MAX_NR_ZONES].zones[id % KMM_MAX_NR_ZONES];
	}
	z = node_zone(m, kmm_sparse_section_nid(m, kmm_pfn_to_section_nr(pfn)), pfn);
	if (z)
		return z;
	for_each_mem_region(&m->memblock, r)
		if (pa >= r->base && pa - r->base < r->size)
			return node_zone(m, memblock_get_region_node(&m->memblock, r), pfn);
	return NULL;
}

/* the byte holding @pfn's pageblock nibble and the nibble's shift, or NULL */
static u8 *pageblock_byte(const struct kmm_machine *m, unsigned long pfn, unsigned int *shift)
{
	unsigned long bitidx;
	u64 base;
	u8 *p;

	if (!m->env.phys_to_virt)
		return NULL;
	if ((pfn >> KMM_PFN_SECTION_SHIFT) < KMM_SPARSE_MEMMAP_CACHE &&
	    m->sparse.usemap_host[pfn >> KMM_PFN_SECTION_SHIFT]) {
		bitidx = ((pfn & (KMM_PAGES_PER_SECTION - 1)) >> KMM_PAGEBLOCK_ORDER) *
			 NR_PAGEBLOCK_BITS;
		*shift = bitidx & 7;
		return m->sparse.usemap_host[pfn >> KMM_PFN_SECTION_SHIFT] + bitidx / 8;
	}
	if (m->kernel.sparsemem_vmemmap) {
		base = kmm_sparse_pageblock_flags_phys(m, pfn);
		bitidx = ((pfn & (kmm_section_nr_to_pfn(1) - 1)) >> KMM_PAGEBLOCK_ORDER) *
			 NR_PAGEBLOCK_BITS;
	} else {
		const struct kmm_zone *z = kmm_pfn_zone((struct kmm_machine *)m, pfn);

		if (!z)
			return NULL;
		base = z->pageblock_flags;
		bitidx = ((pfn - (z->zone_start_pfn & ~(KMM_PAGEBLOCK_NR_PAGES - 1))) >>
			  KMM_PAGEBLOCK_ORDER) * NR_PAGEBLOCK_BITS;
	}
	if (!base || base == KMM_PHYS_ADDR_MAX)
		return NULL;
	p = m->env.phys_to_virt(m->env.opaque, base);
	if (!p)
		return NULL;
	*shift = bitidx & 7;
	return p + bitidx / 8;
}

/*
 * The bits are read and changed while other CPUs allocate and free (a
 * pageblock changes type when a block is stolen), so the byte is read
 * atomically and updated with a compare-and-swap loop, as Linux's
 * set_pfnblock_flags_mask() does with cmpxchg on the word.
 */
enum kmm_migratetype kmm_get_pageblock_migratetype(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned int shift;
	const u8 *b = pageblock_byte(m, pfn, &shift);

	if (!b)
		return KMM_MIGRATE_UNMOVABLE;
	return (enum kmm_migratetype)((__atomic_load_n(b, __ATOMIC_RELAXED) >> shift) &
				      MIGRATETYPE_MASK);
}

void kmm_set_pageblock_migratetype(struct kmm_machine *m, unsigned long pfn,
				   enum kmm_migratetype mt)
{
	unsigned int shift;
	u8 *b = pageblock_byte(m, pfn, &shift);
	u8 old, val;

	if (!b)
		return;
	old = __atomic_load_n(b, __ATOMIC_RELAXED);
	do
		val = (u8)((old & ~(MIGRATETYPE_MASK << shift)) | ((unsigned int)mt << shift));
	while (!__atomic_compare_exchange_n(b, &old, val, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED));
}
