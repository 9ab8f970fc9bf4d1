// SPDX-License-Identifier: MIT
/*
 * sparse.c - the SPARSEMEM_VMEMMAP memory model: Linux 6.1's sparse_init()
 * on x86_64 and arm64, written anew for kmm (see kmm/sparse.h for where the
 * state lives).
 *
 * Overview
 *   kmm_sparse_init() does what sparse_init() does, call for call:
 *     memblocks_present   one allocation for the root array, then for every
 *                         memory pfn range the sections it touches: a
 *                         4096-byte section array per root the first time a
 *                         section of that root shows up (on the range's
 *                         node), the section marked present with the range's
 *                         node (the first range touching a section wins);
 *     sparse_init         the present sections, in increasing order, cut into
 *                         runs of one node; per run sparse_init_nid:
 *     sparse_init_nid     the usemap block (one usage per section) in the
 *                         section that holds NODE_DATA, else anywhere; the
 *                         memmap buffer (whole run, PMD-aligned, exact node,
 *                         from __pa(MAX_DMA_ADDRESS)); per section the vmemmap
 *                         mapping of its memmap; what is left of the buffer
 *                         goes back to memblock.
 *     vmemmap_populate    per 2 MiB of memmap: the PUD and PMD pages that do
 *                         not exist yet (4096 bytes each, zeroed, goal
 *                         __pa(MAX_DMA_ADDRESS), any node allowed), then a
 *                         2 MiB block from the buffer or, failing that, from
 *                         memblock; failing that, 4 KiB pages with a PTE page.
 *   Failures are Linux's: a missing usemap or memmap makes the run's
 *   remaining sections non-present with one pr_err line; the root array and
 *   section arrays are panics in Linux, errors here.
 *
 *   Which sections are present is a function of memblock.memory (that is how
 *   memblocks_present computed it), so the walk over present sections reads
 *   memblock rather than the section arrays: it works the same when the
 *   environment cannot reach the simulated memory.  Likewise whether a
 *   vmemmap table entry exists: sparse_init creates entries in increasing
 *   address order, so the newest entry of each level says it (struct
 *   kmm_sparse).  The section arrays, usemaps and tables in memory are what
 *   the lookups (kmm_pfn_valid, kmm_pfn_to_page_phys, ...) and
 *   kmm_sparse_validate() read.
 *
 * Facts assumed of the builds (Debian 6.1, both architectures): 4 KiB pages,
 * 4-level page tables with 9 bits per level, SECTION_SIZE_BITS 27,
 * pageblock_order 9 with 4 bits per pageblock, SMP_CACHE_BYTES and
 * INTERNODE_CACHE_BYTES 64, CONFIG_MEMORY_HOTREMOVE (usemaps placed by
 * NODE_DATA), x86_64 booted nokaslr without LA57.
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/sparse.h>

#define SP_PAGE_SHIFT 12
#define SP_PAGE_SIZE (1ULL << SP_PAGE_SHIFT)
#define SP_PMD_SHIFT 21
#define SP_PUD_SHIFT 30
#define SP_PGD_SHIFT 39
#define SP_PMD_SIZE (1ULL << SP_PMD_SHIFT)
#define SP_PTRS_MASK 511ULL
#define SP_ENTRY_ADDR(e) ((e) & ~(SP_PAGE_SIZE - 1))
#define SP_SECTION_SIZE (1ULL << KMM_SECTION_SIZE_BITS)
#define SP_CACHE_BYTES 64ULL /* SMP_CACHE_BYTES, 1 << INTERNODE_CACHE_SHIFT */
#define SP_PAGEBLOCK_ORDER 9
#define SP_NR_PAGEBLOCK_BITS 4 /* 3 migratetype bits + PB_migrate_skip */
#define SP_NONE (~0UL)	       /* "no section" for the present-section walk */

/* x86_64, 4-level paging, nokaslr: vmemmap_base = __VMEMMAP_BASE_L4, 1 TiB */
#define X86_VMEMMAP_START 0xffffea0000000000ULL
#define X86_VMEMMAP_SIZE (1ULL << 40)
#define X86_MAX_PHYSMEM_BITS 46
#define X86_MAX_DMA_PHYS 0x1000000ULL /* MAX_DMA_PFN << PAGE_SHIFT: 16 MiB */
/*
 * arm64, 48-bit VA, 4 KiB pages: VMEMMAP_START = -(1 << (VA_BITS -
 * VMEMMAP_SHIFT)) with VMEMMAP_SHIFT = PAGE_SHIFT - STRUCT_PAGE_MAX_SHIFT = 6;
 * the region covers the linear map (2^47 bytes) >> VMEMMAP_SHIFT.
 */
#define ARM64_VMEMMAP_START 0xfffffc0000000000ULL
#define ARM64_VMEMMAP_SIZE (1ULL << 41)
#define ARM64_MAX_PHYSMEM_BITS 48

_Static_assert(KMM_SUBSECTIONS_PER_SECTION <= 64, "subsection_map is one 64-bit word");
#define SP_TOP_SPAN ((u64)KMM_VMEMMAP_TOP_SLOTS << SP_PGD_SHIFT)
_Static_assert(SP_TOP_SPAN >= ARM64_VMEMMAP_SIZE && SP_TOP_SPAN >= X86_VMEMMAP_SIZE,
	       "vmemmap_top[] covers both vmemmap regions");

/* ------------------------------------------------------------ simulated memory */

/* the direct-map address of @pa (the map is linear), NULL when not reachable */
static void *sp_map(const struct kmm_machine *m, u64 pa)
{
	if (!pa || !m->env.phys_to_virt)
		return NULL;
	return m->env.phys_to_virt(m->env.opaque, pa);
}

static u64 sp_read(const struct kmm_machine *m, u64 pa)
{
	const u64 *p = sp_map(m, pa);

	return p ? *p : 0;
}

static void sp_write(struct kmm_machine *m, u64 pa, u64 v)
{
	u64 *p = sp_map(m, pa);

	if (p)
		*p = v;
}

static void sp_zero(struct kmm_machine *m, u64 pa, u64 len)
{
	void *p = sp_map(m, pa);

	if (p)
		kmm_memset(p, 0, (size_t)len);
}

/* ------------------------------------------------------------ memblock */

enum sp_alloc_kind { SP_TRY_NID, SP_TRY_NID_RAW, SP_EXACT_NID_RAW };

static const char *const sp_alloc_names[] = {
	"memblock_alloc_try_nid",
	"memblock_alloc_try_nid_raw",
	"memblock_alloc_exact_nid_raw",
};

/*
 * The memblock_alloc_try_nid family as Linux runs it (the debug line, the
 * limit clamped to current_limit, one retry without the lower bound), but
 * returning the physical address, so that it works whether or not the
 * environment can reach the memory.  Zeroes SP_TRY_NID memory it can reach.
 * Returns 0 on failure.
 */
static u64 sp_memblock_alloc(struct kmm_machine *m, enum sp_alloc_kind kind, u64 size, u64 align,
			     u64 min_addr, u64 max_addr, int nid, const char *caller)
{
	struct memblock *mb = &m->memblock;
	bool exact = kind == SP_EXACT_NID_RAW;
	u64 pa;

	if (mb->debug)
		kmm_printk(
			&m->env,
			"%s: %llu bytes align=0x%llx nid=%d from=0x%016llx max_addr=0x%016llx %s",
			sp_alloc_names[kind], (unsigned long long)size, (unsigned long long)align,
			nid, (unsigned long long)min_addr, (unsigned long long)max_addr, caller);
	if (max_addr > mb->current_limit)
		max_addr = mb->current_limit;
	pa = memblock_alloc_range_nid(mb, size, align, min_addr, max_addr, nid, exact);
	if (!pa && min_addr)
		pa = memblock_alloc_range_nid(mb, size, align, 0, max_addr, nid, exact);
	if (pa && kind == SP_TRY_NID)
		sp_zero(m, pa, size);
	return pa;
}

/* the first online node (Linux's first_online_node), 0 when none is */
static int sp_first_online_node(const struct kmm_machine *m)
{
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online)
			return n;
	return 0;
}

/*
 * early_pfn_to_nid(): the node of the memory region holding @pfn, or the
 * first online node when @pfn is in no region.
 */
static int sp_early_pfn_to_nid(const struct kmm_machine *m, unsigned long pfn)
{
	const struct memblock *mb = &m->memblock;
	const struct memblock_region *r;
	u64 pa = (u64)pfn << SP_PAGE_SHIFT;

	for_each_mem_region(mb, r)
		if (pa >= r->base && pa - r->base < r->size)
			return memblock_get_region_node(mb, r);
	return sp_first_online_node(m);
}

static int sp_node_distance(const struct kmm_machine *m, int a, int b)
{
	if (a < 0 || b < 0 || a >= KMM_MAX_NUMNODES || b >= KMM_MAX_NUMNODES)
		return a == b ? KMM_LOCAL_DISTANCE : KMM_REMOTE_DISTANCE;
	return m->numa_distance[a][b];
}

/* ------------------------------------------------------------ sections */

/* mminit_validate_memmodel_limits(): pfns stop at 1 << (MAX_PHYSMEM_BITS - PAGE_SHIFT) */
static void sp_clamp_pfns(const struct kmm_sparse *s, unsigned long *start, unsigned long *end)
{
	unsigned long max = 1UL << (s->max_physmem_bits - SP_PAGE_SHIFT);

	if (*start > max)
		*start = max;
	if (*end > max)
		*end = max;
}

/*
 * The first present section >= @from, SP_NONE when there is none, as
 * memblocks_present() marked them: the sections touched by the memory pfn
 * ranges, each on the node of the first range touching it (*@nid).  Ranges
 * are sorted and disjoint, so the first range ending at or after @from
 * gives the answer.
 */
static unsigned long sp_next_present(const struct kmm_machine *m, unsigned long from, int *nid)
{
	const struct memblock *mb = &m->memblock;
	unsigned long spfn, epfn;
	int i, rnid;

	for_each_mem_pfn_range(mb, i, mb->max_numnodes, &spfn, &epfn, &rnid) {
		sp_clamp_pfns(&m->sparse, &spfn, &epfn);
		if (spfn >= epfn || kmm_pfn_to_section_nr(epfn - 1) < from)
			continue;
		if (nid)
			*nid = rnid;
		return KMM_MAX(kmm_pfn_to_section_nr(spfn), from);
	}
	return SP_NONE;
}

/* __nr_to_section(): the physical address of section @nr's struct, 0 when none */
u64 kmm_sparse_section_phys(const struct kmm_machine *m, unsigned long nr)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 array;

	if (!s->mem_section_phys || nr >= s->nr_mem_sections)
		return 0;
	array = sp_read(m, s->mem_section_phys + (nr / s->sections_per_root) * 8);
	if (!array)
		return 0;
	return array + (nr % s->sections_per_root) * s->mem_section_size;
}

u64 kmm_sparse_section_mem_map(const struct kmm_machine *m, unsigned long nr)
{
	u64 ms = kmm_sparse_section_phys(m, nr);

	return ms ? sp_read(m, ms) : 0;
}

bool kmm_sparse_section_present(const struct kmm_machine *m, unsigned long nr)
{
	return kmm_sparse_section_mem_map(m, nr) & KMM_SECTION_MARKED_PRESENT;
}

bool kmm_sparse_section_valid(const struct kmm_machine *m, unsigned long nr)
{
	return kmm_sparse_section_mem_map(m, nr) & KMM_SECTION_HAS_MEM_MAP;
}

int kmm_sparse_section_nid(const struct kmm_machine *m, unsigned long nr)
{
	u64 ms = kmm_sparse_section_phys(m, nr);
	u64 map = ms ? sp_read(m, ms) : 0;

	if (!(map & KMM_SECTION_MARKED_PRESENT))
		return KMM_NUMA_NO_NODE;
	if (!(map & KMM_SECTION_HAS_MEM_MAP))
		return (int)(map >> m->sparse.nid_shift);
	if (m->sparse.mem_section_size < 32)
		return KMM_NUMA_NO_NODE;
	return (int)sp_read(m, ms + 24) - 1;
}

u64 kmm_sparse_section_usage_phys(const struct kmm_machine *m, unsigned long nr)
{
	u64 ms = kmm_sparse_section_phys(m, nr);

	return ms ? sp_read(m, ms + 8) : 0;
}

u64 kmm_sparse_pageblock_flags_phys(const struct kmm_machine *m, unsigned long pfn)
{
	u64 usage = kmm_sparse_section_usage_phys(m, kmm_pfn_to_section_nr(pfn));

	return usage ? usage + m->sparse.pageblock_flags_off : 0;
}

/*
 * sparse_early_nid() of section @nr as Linux reads it: section_mem_map >>
 * SECTION_NID_SHIFT, whatever the word holds by then (once the memmap is
 * set that is the vmemmap address, and Linux's int takes its low 32 bits).
 * Without the simulated memory: the node memblocks_present recorded.
 */
static int sp_section_early_nid(const struct kmm_machine *m, unsigned long nr)
{
	u64 ms = kmm_sparse_section_phys(m, nr);
	int nid = 0;

	if (ms && sp_map(m, ms))
		return (int)(u32)(sp_read(m, ms) >> m->sparse.nid_shift);
	if (sp_next_present(m, nr, &nid) != nr)
		return 0;
	return nid;
}

/* ------------------------------------------------------------ memblocks_present */

/* sparse_index_init(): the section array of @nr's root, allocated on @nid when missing */
static int sparse_index_init(struct kmm_machine *m, unsigned long nr, int nid, char *err,
			     size_t errlen)
{
	struct kmm_sparse *s = &m->sparse;
	unsigned long root = nr / s->sections_per_root;
	u64 size = s->sections_per_root * s->mem_section_size;
	u64 array;

	KMM_CHECK_INTERNAL(&m->env, root + 1 >= s->last_root);
	if (s->last_root == root + 1)
		return 0;
	array = sp_memblock_alloc(m, SP_TRY_NID, size, SP_CACHE_BYTES, 0, MEMBLOCK_ALLOC_ACCESSIBLE,
				  nid, "sparse_index_alloc");
	if (!array) {
		kmm_snprintf(err, errlen,
			     "sparse_index_alloc: Failed to allocate %llu bytes nid=%d",
			     (unsigned long long)size, nid);
		return -KMM_ENOMEM;
	}
	sp_write(m, s->mem_section_phys + root * 8, array);
	s->last_root = root + 1;
	return 0;
}

/* memory_present(): mark the sections of pfns [@start, @end) present on @nid */
static int memory_present(struct kmm_machine *m, int nid, unsigned long start, unsigned long end,
			  char *err, size_t errlen)
{
	struct kmm_sparse *s = &m->sparse;
	int ret;

	start &= ~(KMM_PAGES_PER_SECTION - 1);
	sp_clamp_pfns(s, &start, &end);
	for (unsigned long pfn = start; pfn < end; pfn += KMM_PAGES_PER_SECTION) {
		unsigned long nr = kmm_pfn_to_section_nr(pfn);

		ret = sparse_index_init(m, nr, nid, err, errlen);
		if (ret)
			return ret;
		/* a section shared with the previous range keeps that range's node */
		KMM_CHECK_INTERNAL(&m->env, nr + 1 >= s->last_section);
		if (s->last_section == nr + 1)
			continue;
		s->last_section = nr + 1;
		sp_write(m, kmm_sparse_section_phys(m, nr),
			 (u64)nid << s->nid_shift | KMM_SECTION_IS_ONLINE |
				 KMM_SECTION_MARKED_PRESENT);
		s->highest_present_section_nr = nr;
		s->nr_present_sections++;
	}
	return 0;
}

/* memblocks_present(): the root array, then every memory pfn range */
static int memblocks_present(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_sparse *s = &m->sparse;
	const struct memblock *mb = &m->memblock;
	u64 size = s->nr_section_roots * 8;
	unsigned long spfn, epfn;
	int i, nid, ret;

	s->mem_section_phys = sp_memblock_alloc(m, SP_TRY_NID, size, SP_CACHE_BYTES, 0,
						MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE,
						"memblocks_present");
	if (!s->mem_section_phys) {
		kmm_snprintf(err, errlen,
			     "memblocks_present: Failed to allocate %llu bytes align=0x%llx",
			     (unsigned long long)size, SP_CACHE_BYTES);
		return -KMM_ENOMEM;
	}
	for_each_mem_pfn_range(mb, i, mb->max_numnodes, &spfn, &epfn, &nid) {
		ret = memory_present(m, nid, spfn, epfn, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------ the memmap buffer */

/* sparse_buffer_free(): give [buf, buf + @size) back to memblock */
static void sparse_buffer_free(struct kmm_machine *m, u64 size)
{
	KMM_CHECK_INTERNAL(&m->env, m->sparse.buf && size);
	memblock_phys_free_caller(&m->memblock, m->sparse.buf, size, "sparse_buffer_free");
}

/* sparse_buffer_init(): memmap_alloc() of the run's whole memmap, exactly on @nid */
static void sparse_buffer_init(struct kmm_machine *m, u64 size, int nid)
{
	struct kmm_sparse *s = &m->sparse;

	KMM_CHECK_INTERNAL(&m->env, !s->buf);
	s->buf = sp_memblock_alloc(m, SP_EXACT_NID_RAW, size, s->section_map_size, s->max_dma_phys,
				   MEMBLOCK_ALLOC_ACCESSIBLE, nid, "memmap_alloc");
	s->buf_end = s->buf ? s->buf + size : 0;
}

/* sparse_buffer_fini(): free what the run did not use */
static void sparse_buffer_fini(struct kmm_machine *m)
{
	struct kmm_sparse *s = &m->sparse;

	if (s->buf && s->buf_end > s->buf)
		sparse_buffer_free(m, s->buf_end - s->buf);
	s->buf = 0;
	s->buf_end = 0;
}

/*
 * sparse_buffer_alloc(): @size bytes aligned to @size from the buffer, the
 * alignment gap going back to memblock; 0 when the buffer cannot serve.
 */
static u64 sparse_buffer_alloc(struct kmm_machine *m, u64 size)
{
	struct kmm_sparse *s = &m->sparse;
	u64 ptr;

	if (!s->buf)
		return 0;
	ptr = (s->buf + size - 1) / size * size;
	if (ptr + size > s->buf_end)
		return 0;
	if (ptr > s->buf)
		sparse_buffer_free(m, ptr - s->buf);
	s->buf = ptr + size;
	return ptr;
}

/* ------------------------------------------------------------ vmemmap_populate */

/* vmemmap_alloc_block() before the slab is up: __earlyonly_bootmem_alloc() */
static u64 vmemmap_alloc_block(struct kmm_machine *m, u64 size, int nid)
{
	return sp_memblock_alloc(m, SP_TRY_NID_RAW, size, size, m->sparse.max_dma_phys,
				 MEMBLOCK_ALLOC_ACCESSIBLE, nid, "__earlyonly_bootmem_alloc");
}

/* vmemmap_alloc_block_zero(): a zeroed page-table page */
static u64 vmemmap_alloc_block_zero(struct kmm_machine *m, int nid)
{
	u64 pa = vmemmap_alloc_block(m, SP_PAGE_SIZE, nid);

	if (pa) {
		sp_zero(m, pa, SP_PAGE_SIZE);
		m->sparse.nr_pgtable_pages++;
	}
	return pa;
}

/* vmemmap_alloc_block_buf(): the buffer first, memblock second */
static u64 vmemmap_alloc_block_buf(struct kmm_machine *m, u64 size, int nid)
{
	u64 pa = sparse_buffer_alloc(m, size);

	return pa ? pa : vmemmap_alloc_block(m, size, nid);
}

/*
 * vmemmap_verify(): warn once when the memory mapped at [@start, @end) (at
 * @pa) is on a node farther than LOCAL_DISTANCE from @nid.
 */
static void vmemmap_verify(struct kmm_machine *m, u64 pa, int nid, u64 start, u64 end)
{
	int actual = sp_early_pfn_to_nid(m, (unsigned long)(pa >> SP_PAGE_SHIFT));

	if (sp_node_distance(m, actual, nid) <= KMM_LOCAL_DISTANCE || m->sparse.offnode_warned)
		return;
	m->sparse.offnode_warned = true;
	kmm_printk(&m->env, "[%llx-%llx] potential offnode page_structs", (unsigned long long)start,
		   (unsigned long long)(end - 1));
}

/*
 * vmemmap_pgd/p4d/pud_populate() for @va: the PUD page of its 512 GiB slot
 * (the top-level entry; P4D is folded on both builds) and the PMD page of
 * its 1 GiB, allocated in that order when missing.  0 or -KMM_ENOMEM.
 */
static int vmemmap_upper_populate(struct kmm_machine *m, u64 va, int nid)
{
	struct kmm_sparse *s = &m->sparse;
	u64 off = va - s->vmemmap_start;
	u64 slot = off >> SP_PGD_SHIFT, pud = (off >> SP_PUD_SHIFT) + 1, p;

	if (!s->vmemmap_top[slot]) {
		p = vmemmap_alloc_block_zero(m, nid);
		if (!p)
			return -KMM_ENOMEM;
		s->vmemmap_top[slot] = p;
	}
	KMM_CHECK_INTERNAL(&m->env, pud >= s->last_pud);
	if (s->last_pud != pud) {
		p = vmemmap_alloc_block_zero(m, nid);
		if (!p)
			return -KMM_ENOMEM;
		sp_write(m, s->vmemmap_top[slot] + ((pud - 1) & SP_PTRS_MASK) * 8,
			 p | KMM_VMEMMAP_PRESENT);
		s->last_pud = pud;
		s->pmd_page = p;
	}
	return 0;
}

/* set the PMD entry of @va to @pa (a 2 MiB block when @leaf, else a PTE page) */
static void vmemmap_set_pmd(struct kmm_machine *m, u64 va, u64 pa, bool leaf)
{
	struct kmm_sparse *s = &m->sparse;
	u64 off = va - s->vmemmap_start;

	sp_write(m, s->pmd_page + ((off >> SP_PMD_SHIFT) & SP_PTRS_MASK) * 8,
		 pa | KMM_VMEMMAP_PRESENT | (leaf ? KMM_VMEMMAP_LEAF : 0));
	s->last_pmd = (off >> SP_PMD_SHIFT) + 1;
	s->last_pmd_leaf = leaf;
	s->pmd_target = pa;
}

/*
 * vmemmap_populate_basepages(): map [@start, @end) page by page - the upper
 * tables, a PTE page per 2 MiB, a 4 KiB page from the buffer or memblock -
 * checking each page's node.  0 or -KMM_ENOMEM.
 */
static int vmemmap_populate_basepages(struct kmm_machine *m, u64 start, u64 end, int nid)
{
	struct kmm_sparse *s = &m->sparse;

	for (u64 va = start; va < end; va += SP_PAGE_SIZE) {
		u64 off = va - s->vmemmap_start, p;

		if (vmemmap_upper_populate(m, va, nid))
			return -KMM_ENOMEM;
		if (s->last_pmd != (off >> SP_PMD_SHIFT) + 1) {
			p = vmemmap_alloc_block_zero(m, nid);
			if (!p)
				return -KMM_ENOMEM;
			vmemmap_set_pmd(m, va, p, false);
		}
		KMM_CHECK_INTERNAL(&m->env, !s->last_pmd_leaf);
		if (s->last_pte != (off >> SP_PAGE_SHIFT) + 1) {
			p = vmemmap_alloc_block_buf(m, SP_PAGE_SIZE, nid);
			if (!p)
				return -KMM_ENOMEM;
			sp_write(m, s->pmd_target + ((off >> SP_PAGE_SHIFT) & SP_PTRS_MASK) * 8,
				 p | KMM_VMEMMAP_PRESENT);
			s->last_pte = (off >> SP_PAGE_SHIFT) + 1;
			s->pte_target = p;
		}
		vmemmap_verify(m, s->pte_target, nid, va, va + SP_PAGE_SIZE);
	}
	return 0;
}

/*
 * vmemmap_populate() with PMD mappings (x86_64 with PSE, arm64 with 4 KiB
 * pages): per 2 MiB of [@start, @end) the upper tables, then a 2 MiB block
 * when the PMD entry is empty.  An entry that exists is checked for its
 * node and kept - on x86_64 only when it maps a block: a PTE page there
 * (from an earlier fallback) gets its missing pages, as does an empty
 * entry whose block could not be allocated.  0 or -KMM_ENOMEM.
 */
static int vmemmap_populate_hugepages(struct kmm_machine *m, u64 start, u64 end, int nid)
{
	struct kmm_sparse *s = &m->sparse;
	bool arm64 = m->kernel.arch == KMM_ARCH_ARM64;

	for (u64 addr = start, next; addr < end; addr = next) {
		u64 off = addr - s->vmemmap_start, p;

		next = KMM_MIN((addr | (SP_PMD_SIZE - 1)) + 1, end);
		if (vmemmap_upper_populate(m, addr, nid))
			return -KMM_ENOMEM;
		KMM_CHECK_INTERNAL(&m->env, (off >> SP_PMD_SHIFT) + 1 >= s->last_pmd);
		if (s->last_pmd != (off >> SP_PMD_SHIFT) + 1) {
			p = vmemmap_alloc_block_buf(m, SP_PMD_SIZE, nid);
			if (p) {
				vmemmap_set_pmd(m, addr, p, true);
				continue;
			}
		} else if (s->last_pmd_leaf || arm64) {
			vmemmap_verify(m, s->pmd_target, nid, addr, next);
			continue;
		}
		if (vmemmap_populate_basepages(m, addr, next, nid))
			return -KMM_ENOMEM;
	}
	return 0;
}

/*
 * __populate_section_memmap() of a whole section: 0 or -KMM_ENOMEM.  (x86_64
 * maps less than a section's memmap with base pages; boot sections are whole.)
 */
static int populate_section_memmap(struct kmm_machine *m, unsigned long pnum, int nid)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 start = s->vmemmap + (u64)kmm_section_nr_to_pfn(pnum) * s->page_struct_size;

	return vmemmap_populate_hugepages(m, start,
					  start + KMM_PAGES_PER_SECTION * s->page_struct_size, nid);
}

/* ------------------------------------------------------------ sparse_init_nid */

/*
 * sparse_early_usemaps_alloc_pgdat_section(): @size bytes in the section of
 * NODE_DATA(@nid) (on the node of that section's first page), anywhere when
 * that section is full.  0 on failure.
 */
static u64 usemaps_alloc_pgdat_section(struct kmm_machine *m, int nid, u64 size)
{
	u64 goal = m->node[nid].phys & ~(SP_SECTION_SIZE - 1);
	u64 limit = goal + SP_SECTION_SIZE, pa;
	int anid = sp_early_pfn_to_nid(m, (unsigned long)(goal >> SP_PAGE_SHIFT));

	for (;;) {
		pa = sp_memblock_alloc(m, SP_TRY_NID, size, SP_CACHE_BYTES, goal, limit, anid,
				       "sparse_early_usemaps_alloc_pgdat_section");
		if (pa || !limit)
			return pa;
		limit = 0;
	}
}

/*
 * check_usemap_section_nr(): report once per change when a usemap lands
 * outside NODE_DATA's section, since then neither section can be removed
 * alone.
 */
static void check_usemap_section_nr(struct kmm_machine *m, int nid, u64 usage)
{
	struct kmm_sparse *s = &m->sparse;
	unsigned long usemap_snr = (unsigned long)(usage >> KMM_SECTION_SIZE_BITS);
	unsigned long pgdat_snr = (unsigned long)(m->node[nid].phys >> KMM_SECTION_SIZE_BITS);

	if (!s->old_usemap_snr) {
		s->old_usemap_snr = s->nr_mem_sections;
		s->old_pgdat_snr = s->nr_mem_sections;
	}
	if (usemap_snr == pgdat_snr)
		return;
	if (s->old_usemap_snr == usemap_snr && s->old_pgdat_snr == pgdat_snr)
		return;
	s->old_usemap_snr = usemap_snr;
	s->old_pgdat_snr = pgdat_snr;
	if (sp_section_early_nid(m, usemap_snr) != nid) {
		kmm_printk(&m->env, "node %d must be removed before remove section %ld", nid,
			   (long)usemap_snr);
		return;
	}
	kmm_printk(
		&m->env,
		"Section %ld and %ld (node %d) have a circular dependency on usemap and pgdat allocations",
		(long)usemap_snr, (long)pgdat_snr, nid);
}

/*
 * sparse_init_one_section(): the section gets its memmap (encoded as the
 * vmemmap address, the node bits dropped), its usage, and is early; kmm
 * keeps the memmap's node in the padding word.
 */
static void sparse_init_one_section(struct kmm_machine *m, unsigned long pnum, u64 usage, int nid)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 ms = kmm_sparse_section_phys(m, pnum);
	u64 flags_mask = (1ULL << s->nid_shift) - 1;
	u64 map = sp_read(m, ms);

	map = (map & flags_mask) | s->vmemmap | KMM_SECTION_HAS_MEM_MAP | KMM_SECTION_IS_EARLY;
	sp_write(m, ms, map);
	sp_write(m, ms + 8, usage);
	if (s->mem_section_size >= 32)
		sp_write(m, ms + 24, (u64)(nid + 1));
}

/* the failure exit of sparse_init_nid(): present sections in [@begin, @end) are no more */
static void sparse_fail_sections(struct kmm_machine *m, unsigned long begin, unsigned long end)
{
	for (unsigned long pnum = sp_next_present(m, begin, NULL); pnum < end;
	     pnum = sp_next_present(m, pnum + 1, NULL)) {
		sp_write(m, kmm_sparse_section_phys(m, pnum), 0);
		m->sparse.nr_failed_sections++;
	}
}

/*
 * sparse_init_nid(): the @map_count present sections in [@begin, @end), all
 * on @nid: usemaps, the memmap buffer, each section's vmemmap mapping.
 */
static void sparse_init_nid(struct kmm_machine *m, int nid, unsigned long begin, unsigned long end,
			    unsigned long map_count)
{
	struct kmm_sparse *s = &m->sparse;
	u64 usage = usemaps_alloc_pgdat_section(m, nid, s->usage_size * map_count);

	if (!usage) {
		kmm_printk(&m->env, "sparse_init_nid: node[%d] usemap allocation failed", nid);
		sparse_fail_sections(m, begin, end);
		return;
	}
	sparse_buffer_init(m, map_count * s->section_map_size, nid);
	for (unsigned long pnum = sp_next_present(m, begin, NULL); pnum < end;
	     pnum = sp_next_present(m, pnum + 1, NULL)) {
		if (populate_section_memmap(m, pnum, nid)) {
			kmm_printk(
				&m->env,
				"sparse_init_nid: node[%d] memory map backing failed. Some memory will not be available.",
				nid);
			sparse_buffer_fini(m);
			sparse_fail_sections(m, pnum, end);
			return;
		}
		check_usemap_section_nr(m, nid, usage);
		sparse_init_one_section(m, pnum, usage, nid);
		usage += s->usage_size;
	}
	sparse_buffer_fini(m);
}

/* ------------------------------------------------------------ kmm_sparse_init */

/*
 * The build's geometry into @g (m->sparse untouched): struct sizes that kmm
 * can use, the architecture's vmemmap and MAX_DMA_ADDRESS.
 */
static int sparse_geometry(const struct kmm_machine *m, struct kmm_sparse *g, char *err,
			   size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	u64 ms = k->struct_size[KMM_STRUCT_MEM_SECTION];
	u64 page = k->struct_size[KMM_STRUCT_PAGE];
	u64 usage = k->struct_size[KMM_STRUCT_MEM_SECTION_USAGE];
	u64 usemap_bits = (KMM_PAGES_PER_SECTION >> SP_PAGEBLOCK_ORDER) * SP_NR_PAGEBLOCK_BITS;

	if (!KMM_IS_POW2(ms) || ms < 16 || ms > SP_PAGE_SIZE) {
		kmm_snprintf(
			err, errlen,
			"sparse_init: sizeof(struct mem_section) is %llu, not a power of two in [16, 4096]",
			(unsigned long long)ms);
		return -KMM_EINVAL;
	}
	if (page < 8 || page > 1024 || page % 8) {
		kmm_snprintf(
			err, errlen,
			"sparse_init: sizeof(struct page) is %llu, not a multiple of 8 in [8, 1024]",
			(unsigned long long)page);
		return -KMM_EINVAL;
	}
	if (usage < 8 || usage > SP_PAGE_SIZE || usage % 8) {
		kmm_snprintf(
			err, errlen,
			"sparse_init: sizeof(struct mem_section_usage) is %llu, not a multiple of 8 in [8, 4096]",
			(unsigned long long)usage);
		return -KMM_EINVAL;
	}
	kmm_memset(g, 0, sizeof(*g));
	g->max_physmem_bits = k->arch == KMM_ARCH_ARM64 ? ARM64_MAX_PHYSMEM_BITS :
							  X86_MAX_PHYSMEM_BITS;
	g->nid_shift = k->zone_device ? 5 : 4;
	g->nr_mem_sections = 1UL << (g->max_physmem_bits - KMM_SECTION_SIZE_BITS);
	g->sections_per_root = (unsigned long)(SP_PAGE_SIZE / ms);
	g->nr_section_roots =
		(g->nr_mem_sections + g->sections_per_root - 1) / g->sections_per_root;
	g->mem_section_size = ms;
	g->page_struct_size = page;
	g->pageblock_flags_off = usage;
	g->subsection_map_off = usage - 8;
	g->usage_size = usage + (usemap_bits + 63) / 64 * 8;
	g->section_map_size = KMM_ALIGN(page * KMM_PAGES_PER_SECTION, SP_PMD_SIZE);
	if (k->arch == KMM_ARCH_ARM64) {
		g->vmemmap_start = ARM64_VMEMMAP_START;
		g->vmemmap_end = ARM64_VMEMMAP_START + ARM64_VMEMMAP_SIZE;
		g->vmemmap = ARM64_VMEMMAP_START - (m->memstart_addr >> SP_PAGE_SHIFT) * page;
		g->max_dma_phys = m->memstart_addr;
	} else {
		g->vmemmap_start = X86_VMEMMAP_START;
		g->vmemmap_end = X86_VMEMMAP_START + X86_VMEMMAP_SIZE;
		g->vmemmap = X86_VMEMMAP_START;
		g->max_dma_phys = X86_MAX_DMA_PHYS;
	}
	return 0;
}

/*
 * Every memory range must be on a node that is online (NODE_DATA exists)
 * and, with its sections' memmap, inside the vmemmap region; some memory
 * must be below MAX_PHYSMEM_BITS (Linux would run off the end otherwise).
 */
static int sparse_check_memory(const struct kmm_machine *m, const struct kmm_sparse *g, char *err,
			       size_t errlen)
{
	const struct memblock *mb = &m->memblock;
	unsigned long spfn, epfn, nr = 0;
	int i, nid;

	for_each_mem_pfn_range(mb, i, mb->max_numnodes, &spfn, &epfn, &nid) {
		u64 base = (u64)spfn << SP_PAGE_SHIFT, last = ((u64)epfn << SP_PAGE_SHIFT) - 1;
		u64 lo, hi;

		if (nid < 0 || nid >= KMM_MAX_NUMNODES ||
		    (m->kernel.numa && !m->node[nid].online)) {
			kmm_snprintf(
				err, errlen,
				"sparse_init: memory [mem %#018llx-%#018llx] is on node %d, which is not online",
				(unsigned long long)base, (unsigned long long)last, nid);
			return -KMM_EINVAL;
		}
		sp_clamp_pfns(g, &spfn, &epfn);
		if (spfn >= epfn)
			continue;
		nr++;
		lo = g->vmemmap + (u64)(spfn & ~(KMM_PAGES_PER_SECTION - 1)) * g->page_struct_size;
		hi = g->vmemmap + (u64)KMM_ALIGN(epfn, KMM_PAGES_PER_SECTION) * g->page_struct_size;
		if (base < m->memstart_addr || lo < g->vmemmap_start || hi > g->vmemmap_end) {
			kmm_snprintf(
				err, errlen,
				"sparse_init: memory [mem %#018llx-%#018llx] has no place in the vmemmap",
				(unsigned long long)base, (unsigned long long)last);
			return -KMM_EINVAL;
		}
	}
	if (!nr) {
		kmm_snprintf(err, errlen,
			     "sparse_init: no memory below MAX_PHYSMEM_BITS in memblock.memory");
		return -KMM_EINVAL;
	}
	return 0;
}

int kmm_sparse_init(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_sparse g;
	unsigned long pnum_begin, pnum, map_count = 1;
	int nid_begin = 0, nid = 0, ret;

	if (!m->kernel.sparsemem_vmemmap)
		return 0;
	if (m->kernel.arch != KMM_ARCH_X86_64 && m->kernel.arch != KMM_ARCH_ARM64) {
		kmm_snprintf(
			err, errlen,
			"sparse_init: SPARSEMEM_VMEMMAP is not simulated on this architecture");
		return -KMM_ENOTSUP;
	}
	if (m->sparse.mem_section_phys) {
		kmm_snprintf(err, errlen, "sparse_init: already done");
		return -KMM_EEXIST;
	}
	ret = sparse_geometry(m, &g, err, errlen);
	if (!ret)
		ret = sparse_check_memory(m, &g, err, errlen);
	if (ret)
		return ret;
	m->sparse = g;
	ret = memblocks_present(m, err, errlen);
	if (ret)
		return ret;

	/* runs of consecutive present sections of one node, in section order */
	pnum_begin = sp_next_present(m, 0, &nid_begin);
	for (pnum = sp_next_present(m, pnum_begin + 1, &nid); pnum != SP_NONE;
	     pnum = sp_next_present(m, pnum + 1, &nid)) {
		if (nid == nid_begin) {
			map_count++;
			continue;
		}
		sparse_init_nid(m, nid_begin, pnum_begin, pnum, map_count);
		nid_begin = nid;
		pnum_begin = pnum;
		map_count = 1;
	}
	sparse_init_nid(m, nid_begin, pnum_begin, SP_NONE, map_count);
	KMM_CHECK_EXPENSIVE(&m->env, kmm_sparse_validate(m));
	return 0;
}

/* ------------------------------------------------------------ lookups */

void kmm_sparse_subsection_map_init(struct kmm_machine *m, unsigned long pfn,
				    unsigned long nr_pages)
{
	const struct kmm_sparse *s = &m->sparse;

	if (!s->mem_section_phys)
		return;
	while (nr_pages) {
		unsigned long pfns = KMM_MIN(nr_pages, KMM_PAGES_PER_SECTION -
							       (pfn & (KMM_PAGES_PER_SECTION - 1)));
		u64 usage = kmm_sparse_section_usage_phys(m, kmm_pfn_to_section_nr(pfn));
		unsigned long first =
			(pfn & (KMM_PAGES_PER_SECTION - 1)) / KMM_PAGES_PER_SUBSECTION;
		unsigned long last =
			((pfn + pfns - 1) & (KMM_PAGES_PER_SECTION - 1)) / KMM_PAGES_PER_SUBSECTION;

		if (usage) {
			u64 bits = (last - first + 1 == 64 ? ~0ULL :
							     ((1ULL << (last - first + 1)) - 1))
				   << first;

			sp_write(m, usage + s->subsection_map_off,
				 sp_read(m, usage + s->subsection_map_off) | bits);
		}
		pfn += pfns;
		nr_pages -= pfns;
	}
}

bool kmm_pfn_valid(const struct kmm_machine *m, unsigned long pfn)
{
	const struct kmm_sparse *s = &m->sparse;
	unsigned long nr = kmm_pfn_to_section_nr(pfn);
	u64 map, usage, bit;

	if (!m->kernel.sparsemem_vmemmap)
		return pfn < m->max_pfn;
	/* a pfn whose physical address does not fit 64 bits */
	if (pfn >> (64 - SP_PAGE_SHIFT) || nr >= s->nr_mem_sections)
		return false;
	map = kmm_sparse_section_mem_map(m, nr);
	if (!(map & KMM_SECTION_HAS_MEM_MAP))
		return false;
	if (map & KMM_SECTION_IS_EARLY)
		return true;
	usage = kmm_sparse_section_usage_phys(m, nr);
	bit = (pfn & (KMM_PAGES_PER_SECTION - 1)) / KMM_PAGES_PER_SUBSECTION;
	return usage && (sp_read(m, usage + s->subsection_map_off) >> bit & 1);
}

/*
 * The vmemmap page-table walk: the physical address mapped at @va, and in
 * *@left the bytes of the same mapping from @va on.  KMM_PHYS_ADDR_MAX when
 * nothing maps @va.
 */
static u64 sp_vmemmap_walk(const struct kmm_machine *m, u64 va, u64 *left)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 off = va - s->vmemmap_start, top, pud, pmd, pte;

	if (va < s->vmemmap_start || va >= s->vmemmap_end)
		return KMM_PHYS_ADDR_MAX;
	top = s->vmemmap_top[off >> SP_PGD_SHIFT];
	pud = top ? sp_read(m, top + ((off >> SP_PUD_SHIFT) & SP_PTRS_MASK) * 8) : 0;
	if (!(pud & KMM_VMEMMAP_PRESENT))
		return KMM_PHYS_ADDR_MAX;
	pmd = sp_read(m, SP_ENTRY_ADDR(pud) + ((off >> SP_PMD_SHIFT) & SP_PTRS_MASK) * 8);
	if (!(pmd & KMM_VMEMMAP_PRESENT))
		return KMM_PHYS_ADDR_MAX;
	if (pmd & KMM_VMEMMAP_LEAF) {
		*left = SP_PMD_SIZE - (off & (SP_PMD_SIZE - 1));
		return SP_ENTRY_ADDR(pmd) + (off & (SP_PMD_SIZE - 1));
	}
	pte = sp_read(m, SP_ENTRY_ADDR(pmd) + ((off >> SP_PAGE_SHIFT) & SP_PTRS_MASK) * 8);
	if (!(pte & KMM_VMEMMAP_PRESENT))
		return KMM_PHYS_ADDR_MAX;
	*left = SP_PAGE_SIZE - (off & (SP_PAGE_SIZE - 1));
	return SP_ENTRY_ADDR(pte) + (off & (SP_PAGE_SIZE - 1));
}

u64 kmm_pfn_to_page_phys(const struct kmm_machine *m, unsigned long pfn)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 page = m->kernel.struct_size[KMM_STRUCT_PAGE], left;

	if (!m->kernel.sparsemem_vmemmap) {
		/*
		 * FLATMEM: mem_map is node 0's memmap, which starts at
		 * node_start_pfn rounded down to a MAX_ORDER block
		 * (node_mem_map is node_start_pfn's descriptor inside it).
		 */
		const struct kmm_pgdat *pg = &m->node[0];
		unsigned long first = pg->node_start_pfn & ~((1UL << (KMM_MAX_ORDER - 1)) - 1);

		if (!pg->node_mem_map || pfn < first || !kmm_pfn_valid(m, pfn))
			return KMM_PHYS_ADDR_MAX;
		return pg->node_mem_map - (u64)(pg->node_start_pfn - first) * page +
		       (u64)(pfn - first) * page;
	}
	if (!kmm_sparse_section_valid(m, kmm_pfn_to_section_nr(pfn)))
		return KMM_PHYS_ADDR_MAX;
	return sp_vmemmap_walk(m, s->vmemmap + (u64)pfn * s->page_struct_size, &left);
}

/* section_zone[]'s entry for the section at @pfn: the one zone that spans all of it, else 0 */
static u16 sp_section_zone(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long end = pfn + KMM_PAGES_PER_SECTION;
	u16 id = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (!m->node[nid].online)
			continue;
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			const struct kmm_zone *z = &m->node[nid].zones[i];
			unsigned long zs = z->zone_start_pfn, ze = zs + z->spanned_pages;

			if (!z->spanned_pages || ze <= pfn || zs >= end)
				continue;
			if (id || zs > pfn || ze < end)
				return 0; /* shared, or only part of the section */
			id = (u16)(nid * KMM_MAX_NR_ZONES + (int)i + 1);
		}
	}
	return id;
}

void kmm_sparse_cache_memmap(struct kmm_machine *m)
{
	struct kmm_sparse *s = &m->sparse;
	const u64 bytes = KMM_PAGES_PER_SECTION * s->page_struct_size;

	kmm_memset(s->memmap_host, 0, sizeof(s->memmap_host));
	kmm_memset(s->usemap_host, 0, sizeof(s->usemap_host));
	kmm_memset(s->section_zone, 0, sizeof(s->section_zone));
	if (!m->kernel.sparsemem_vmemmap || !m->env.phys_to_virt)
		return;
	for (unsigned long nr = 0; nr < KMM_SPARSE_MEMMAP_CACHE && nr < s->nr_mem_sections; nr++) {
		unsigned long pfn = nr << KMM_PFN_SECTION_SHIFT;
		u64 left = 0, pa;
		u8 *first, *last;

		if (!(kmm_sparse_section_mem_map(m, nr) & KMM_SECTION_IS_EARLY) ||
		    !kmm_pfn_valid(m, pfn))
			continue;
		pa = sp_vmemmap_walk(m, s->vmemmap + (u64)pfn * s->page_struct_size, &left);
		if (pa == KMM_PHYS_ADDR_MAX || left < bytes)
			continue;
		/* one block of the direct map, as long as the host maps it linearly */
		first = m->env.phys_to_virt(m->env.opaque, pa);
		last = m->env.phys_to_virt(m->env.opaque, pa + bytes - 1);
		if (first && last == first + bytes - 1)
			s->memmap_host[nr] = first;
		pa = kmm_sparse_pageblock_flags_phys(m, pfn);
		if (pa)
			s->usemap_host[nr] = m->env.phys_to_virt(m->env.opaque, pa);
		s->section_zone[nr] = sp_section_zone(m, pfn);
	}
}

/* ------------------------------------------------------------ validation */

/* [@base, @base + @size) lies in reserved memory (adjacent regions chained) */
static bool sp_reserved_covers(const struct memblock *mb, u64 base, u64 size)
{
	const struct memblock_region *r;
	u64 end = base + size;

	for_each_reserved_mem_region(mb, r) {
		if (r->base + r->size <= base)
			continue;
		if (r->base > base)
			return false;
		if (r->base + r->size >= end)
			return true;
		base = r->base + r->size;
	}
	return false;
}

static bool sp_fail(const struct kmm_machine *m, unsigned long nr, const char *what, u64 v)
{
	kmm_printk(&m->env, "sparse: section %lu: %s (%#llx)", nr, what, (unsigned long long)v);
	return false;
}

/* every byte of section @nr's memmap is mapped, to reserved memory */
static bool sp_validate_memmap(const struct kmm_machine *m, unsigned long nr)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 va = s->vmemmap + (u64)kmm_section_nr_to_pfn(nr) * s->page_struct_size;
	u64 end = va + KMM_PAGES_PER_SECTION * s->page_struct_size, left = 0, pa;

	for (; va < end; va += left) {
		pa = sp_vmemmap_walk(m, va, &left);
		if (pa == KMM_PHYS_ADDR_MAX)
			return sp_fail(m, nr, "memmap not mapped at", va);
		if (!sp_reserved_covers(&m->memblock, pa, left))
			return sp_fail(m, nr, "memmap in unreserved memory at", pa);
	}
	return true;
}

/* one section: its word agrees with memblock; a present one is complete */
static bool sp_validate_section(const struct kmm_machine *m, unsigned long nr,
				unsigned long *failed)
{
	const struct kmm_sparse *s = &m->sparse;
	u64 ms = kmm_sparse_section_phys(m, nr), map = sp_read(m, ms), usage;
	u64 want = KMM_SECTION_MARKED_PRESENT | KMM_SECTION_HAS_MEM_MAP | KMM_SECTION_IS_ONLINE |
		   KMM_SECTION_IS_EARLY;
	int nid = 0;
	bool memory = sp_next_present(m, nr, &nid) == nr;

	if (!(map & KMM_SECTION_MARKED_PRESENT)) {
		*failed += memory;
		return map ? sp_fail(m, nr, "not present but not clear", map) : true;
	}
	if (!memory)
		return sp_fail(m, nr, "present without memory", map);
	if (nr > s->highest_present_section_nr)
		return sp_fail(m, nr, "present above the highest present section", nr);
	if ((map & want) != want || (map & ~((1ULL << s->nid_shift) - 1)) != s->vmemmap)
		return sp_fail(m, nr, "section_mem_map is not an early vmemmap section", map);
	usage = sp_read(m, ms + 8);
	if (!usage || !sp_reserved_covers(&m->memblock, usage, s->usage_size))
		return sp_fail(m, nr, "usage not in reserved memory", usage);
	if (s->mem_section_size >= 32 && sp_read(m, ms + 24) != (u64)nid + 1)
		return sp_fail(m, nr, "memmap node differs from the memory's", sp_read(m, ms + 24));
	return sp_validate_memmap(m, nr);
}

bool kmm_sparse_validate(const struct kmm_machine *m)
{
	const struct kmm_sparse *s = &m->sparse;
	unsigned long failed = 0;

	if (!m->kernel.sparsemem_vmemmap || !s->mem_section_phys || !sp_map(m, s->mem_section_phys))
		return true;
	if (!sp_reserved_covers(&m->memblock, s->mem_section_phys, s->nr_section_roots * 8))
		return sp_fail(m, 0, "root array not in reserved memory", s->mem_section_phys);
	for (unsigned int i = 0; i < KMM_VMEMMAP_TOP_SLOTS; i++)
		if (s->vmemmap_top[i] &&
		    !sp_reserved_covers(&m->memblock, s->vmemmap_top[i], SP_PAGE_SIZE))
			return sp_fail(m, 0, "vmemmap PUD page not in reserved memory",
				       s->vmemmap_top[i]);
	for (unsigned long root = 0; root < s->nr_section_roots; root++) {
		unsigned long first = root * s->sections_per_root;
		unsigned long last = KMM_MIN(first + s->sections_per_root, s->nr_mem_sections);
		u64 array = sp_read(m, s->mem_section_phys + root * 8);

		if (!array) {
			if (sp_next_present(m, first, NULL) < last)
				return sp_fail(m, first, "memory but no section array", root);
			continue;
		}
		if (!sp_reserved_covers(&m->memblock, array, SP_PAGE_SIZE))
			return sp_fail(m, first, "section array not in reserved memory", array);
		for (unsigned long nr = first; nr < last; nr++)
			if (!sp_validate_section(m, nr, &failed))
				return false;
	}
	if (failed != s->nr_failed_sections)
		return sp_fail(m, 0, "memory sections not present, but not counted failed", failed);
	return true;
}
