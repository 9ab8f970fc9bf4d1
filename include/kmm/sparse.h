/* SPDX-License-Identifier: MIT */
/*
 * kmm/sparse.h - the SPARSEMEM memory model with a virtually mapped memmap
 * (Linux 6.1 mm/sparse.c, mm/sparse-vmemmap.c, the vmemmap_populate() of
 * arch/x86/mm/init_64.c and arch/arm64/mm/mmu.c), as the x86_64 and arm64
 * Debian kernels build it (CONFIG_SPARSEMEM_EXTREME, CONFIG_SPARSEMEM_VMEMMAP,
 * CONFIG_MEMORY_HOTREMOVE, 4 KiB pages, 4-level page tables).
 *
 * Physical memory is cut into sections of 2^SECTION_SIZE_BITS bytes (128 MiB).
 * A section is "present" when memblock.memory touches it and "valid" once it
 * has a memmap: the struct pages of all its page frames, one every
 * sizeof(struct page) bytes, mapped at vmemmap + pfn * sizeof(struct page).
 *
 * Where the state lives - as in Linux, in the machine's simulated physical
 * memory, at the addresses memblock handed out:
 *   - the root array (mem_section): NR_SECTION_ROOTS 8-byte words, each the
 *     physical address of one root's section array (0: none yet);
 *   - a root's section array: SECTIONS_PER_ROOT struct mem_section of
 *     sizeof(struct mem_section) bytes each (4096 bytes in all):
 *       word 0  section_mem_map, Linux's encoding: before the memmap exists
 *               nid << SECTION_NID_SHIFT | flags, afterwards the simulated
 *               kernel-virtual address of pfn 0's struct page (vmemmap) |
 *               flags (PRESENT 1, HAS_MEM_MAP 2, ONLINE 4, EARLY 8);
 *       word 1  usage: the physical address (Linux: the pointer) of the
 *               section's struct mem_section_usage;
 *       word 3  kmm's own: nid + 1 of the node whose memmap this is (Linux's
 *               padding word; only when sizeof(struct mem_section) >= 32);
 *   - per node run of sections, one usemap block: a struct mem_section_usage
 *     (subsection_map last) followed by the pageblock flags, per section;
 *   - the vmemmap page tables below the top level: PUD pages, PMD pages (and
 *     PTE pages when a 2 MiB block could not be had), 512 8-byte entries
 *     each, an entry being the physical address of the next table or of the
 *     mapped memory | KMM_VMEMMAP_PRESENT (| KMM_VMEMMAP_LEAF for a 2 MiB
 *     block).  This is kmm's entry format, not the hardware's.  The top
 *     level (init_top_pgt / swapper_pg_dir) is in the kernel image, which
 *     kmm does not simulate: its vmemmap entries are vmemmap_top[] below.
 * When the environment has no phys_to_virt (some tests), kmm_sparse_init()
 * makes exactly the same memblock calls and prints the same lines but writes
 * nothing; the lookups then answer "no memmap" (false, KMM_PHYS_ADDR_MAX).
 *
 * Lifecycle: the architecture brings nodes online (NODE_DATA) -> kmm_sparse_init()
 * -> (free_area_init) kmm_sparse_subsection_map_init() per memory range ->
 * lookups.  Page-frame numbers are of 4 KiB pages; ranges are half-open.
 */
#ifndef KMM_SPARSE_H
#define KMM_SPARSE_H

#include <kmm/env.h>

struct kmm_machine;

#define KMM_SECTION_SIZE_BITS 27 /* 128 MiB sections (x86_64, arm64) */
#define KMM_PFN_SECTION_SHIFT (KMM_SECTION_SIZE_BITS - 12)
#define KMM_PAGES_PER_SECTION (1UL << KMM_PFN_SECTION_SHIFT)
#define KMM_SUBSECTION_SHIFT 21 /* 2 MiB subsections */
#define KMM_PAGES_PER_SUBSECTION (1UL << (KMM_SUBSECTION_SHIFT - 12))
#define KMM_SUBSECTIONS_PER_SECTION (1UL << (KMM_SECTION_SIZE_BITS - KMM_SUBSECTION_SHIFT))

/* section_mem_map flag bits (Linux 6.1's enum; TAINT_ZONE_DEVICE only with CONFIG_ZONE_DEVICE) */
#define KMM_SECTION_MARKED_PRESENT 0x1ULL
#define KMM_SECTION_HAS_MEM_MAP 0x2ULL
#define KMM_SECTION_IS_ONLINE 0x4ULL
#define KMM_SECTION_IS_EARLY 0x8ULL

/* kmm's vmemmap page-table entry bits */
#define KMM_VMEMMAP_PRESENT 0x1ULL
#define KMM_VMEMMAP_LEAF 0x80ULL

/* vmemmap top-level (512 GiB) slots kmm keeps: x86_64 uses 2 (1 TiB), arm64 4 (2 TiB) */
#define KMM_VMEMMAP_TOP_SLOTS 4

/*
 * struct kmm_sparse - the machine's sparse state (Linux's file-scope
 * variables of mm/sparse.c and mm/sparse-vmemmap.c).  All zero before
 * kmm_sparse_init() and on FLATMEM machines.
 */
/* sections whose memmap address kmm caches: the first 2 TiB of physical memory */
#define KMM_SPARSE_MEMMAP_CACHE 16384

struct kmm_sparse {
	/* geometry of the build, set by kmm_sparse_init() */
	unsigned int max_physmem_bits;	 /* 46 (x86_64 4-level), 48 (arm64) */
	unsigned int nid_shift;		 /* SECTION_NID_SHIFT = SECTION_MAP_LAST_BIT (4 or 5) */
	unsigned long nr_mem_sections;	 /* 1 << (max_physmem_bits - SECTION_SIZE_BITS) */
	unsigned long sections_per_root; /* PAGE_SIZE / sizeof(struct mem_section) */
	unsigned long nr_section_roots;	 /* DIV_ROUND_UP(nr_mem_sections, sections_per_root) */
	u64 mem_section_size;		 /* sizeof(struct mem_section), a power of two */
	u64 page_struct_size;		 /* sizeof(struct page): the memmap stride */
	/* mem_section_usage_size() = sizeof(struct mem_section_usage) + usemap_size() */
	u64 usage_size;
	/* a usage's pageblock flags start at sizeof(struct mem_section_usage), right
	 * after its one-word subsection_map (the struct's last fixed member) */
	u64 pageblock_flags_off;
	u64 subsection_map_off; /* = pageblock_flags_off - 8 */
	u64 section_map_size;	/* PMD-aligned memmap bytes of one section */
	u64 vmemmap_start;	/* first address of the vmemmap region (512 GiB aligned) */
	u64 vmemmap_end;	/* vmemmap_start + the region's size */
	/* Linux's "vmemmap": pfn's struct page is at vmemmap + pfn * page_struct_size */
	u64 vmemmap;
	u64 max_dma_phys; /* __pa(MAX_DMA_ADDRESS): the memmap's and page tables' goal */

	u64 mem_section_phys;			  /* the root array; 0 before sparse_init */
	unsigned long highest_present_section_nr; /* __highest_present_section_nr */
	unsigned long nr_present_sections;	  /* sections memory_present() marked */
	/* present sections sparse_init_nid() gave up on (usemap or memmap failure),
	 * which are no longer present: present ones = nr_present - nr_failed */
	unsigned long nr_failed_sections;
	unsigned long nr_pgtable_pages; /* vmemmap page-table pages allocated */

	/* memory_present()'s progress: sections are visited in increasing order */
	unsigned long last_root;    /* root + 1 of the newest section array, 0: none */
	unsigned long last_section; /* section + 1 marked last, 0: none */

	/* sparse_buffer_init()'s buffer [buf, buf_end), 0 outside sparse_init_nid() */
	u64 buf, buf_end;

	/*
	 * The vmemmap page tables.  vmemmap_top[i] is the PUD page mapping
	 * [vmemmap_start + i * 512 GiB, + 512 GiB) (0: none).  Below the top
	 * level, sparse_init creates entries in increasing address order, so an
	 * entry exists iff it is the newest one of its level: last_pud (PMD
	 * page), last_pmd (2 MiB block or PTE page), last_pte (4 KiB page) hold
	 * (vmemmap offset >> level shift) + 1 of the newest entry (0: none).
	 */
	u64 vmemmap_top[KMM_VMEMMAP_TOP_SLOTS];
	u64 last_pud, last_pmd, last_pte;
	bool last_pmd_leaf; /* the newest PMD entry maps a 2 MiB block */
	u64 pmd_page;	    /* the PMD page the newest PUD entry points to */
	u64 pmd_target;	    /* what the newest PMD entry maps: block or PTE page */
	u64 pte_target;	    /* the page the newest PTE entry maps */

	/* check_usemap_section_nr()'s memory of its last message */
	unsigned long old_usemap_snr, old_pgdat_snr;
	bool offnode_warned; /* vmemmap_verify()'s pr_warn_once */

	/*
	 * pfn_to_page() without the page-table walk, once boot is over
	 * (kmm_sparse_cache_memmap()): the host address of the struct pages
	 * of each early section whose memmap is one 2 MiB block of the direct
	 * map, NULL otherwise (then the walk answers).  Read-only afterwards,
	 * so any number of CPUs may use it.
	 */
	u8 *memmap_host[KMM_SPARSE_MEMMAP_CACHE];
	/* the same sections' pageblock bits (the usemap's flags), NULL when not cached */
	u8 *usemap_host[KMM_SPARSE_MEMMAP_CACHE];
	/*
	 * page_zone() of every pfn of the section when one zone spans the
	 * whole section and no other zone touches it: node * KMM_MAX_NR_ZONES
	 * + zone index + 1; 0 when the section is shared (ask the spans).
	 */
	u16 section_zone[KMM_SPARSE_MEMMAP_CACHE];
};

/*
 * kmm_sparse_init - Linux's sparse_init(): record every section memblock.memory
 * touches (memblocks_present: the root array, one section array per root in
 * use), then per run of consecutive present sections of one node
 * (sparse_init_nid): the usemap block next to NODE_DATA's section, the
 * node's memmap buffer, and the vmemmap mapping of every section with the
 * page-table pages it needs; leftovers of the buffer go back to memblock.
 * Prints what Linux prints (memblock=debug calls; "sparse_init_nid: node[N]
 * memory map backing failed. ..." and the usemap variant, after which those
 * sections are not present, as in Linux).  Does nothing and returns 0 on a
 * FLATMEM build (!m->kernel.sparsemem_vmemmap, i386).
 *
 * Preconditions: memblock.memory carries node ids; every node that has
 * memory is online with m->node[nid].phys = NODE_DATA's address (on a
 * kernel without NUMA, node 0's phys stands for contig_page_data); arm64:
 * m->memstart_addr set, no memory below it.
 *
 * Returns 0, or (nothing changed) -KMM_EINVAL (@err: a struct size kmm
 * cannot use, memory on a node that is not online or outside the vmemmap,
 * no memory at all), -KMM_EEXIST (already done), -KMM_ENOTSUP (an
 * architecture without SPARSEMEM_VMEMMAP support), or -KMM_ENOMEM (@err:
 * the root array or a section array could not be allocated, where Linux
 * panics; the machine is then half set up).
 */
int kmm_sparse_init(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_sparse_subsection_map_init - Linux's subsection_map_init(): mark the
 * 2 MiB subsections of [@pfn, @pfn + @nr_pages) present in their sections'
 * usage (free_area_init() calls it for every memory pfn range).  Sections
 * without usage are skipped.
 */
void kmm_sparse_subsection_map_init(struct kmm_machine *m, unsigned long pfn,
				    unsigned long nr_pages);

/* Section queries (section numbers: pfn >> KMM_PFN_SECTION_SHIFT). */
static inline unsigned long kmm_pfn_to_section_nr(unsigned long pfn)
{
	return pfn >> KMM_PFN_SECTION_SHIFT;
}

static inline unsigned long kmm_section_nr_to_pfn(unsigned long nr)
{
	return nr << KMM_PFN_SECTION_SHIFT;
}

/* physical address of section @nr's struct mem_section, 0 when it has none */
u64 kmm_sparse_section_phys(const struct kmm_machine *m, unsigned long nr);
/* the section's section_mem_map word, 0 when it has no struct */
u64 kmm_sparse_section_mem_map(const struct kmm_machine *m, unsigned long nr);
/* present_section_nr(): memblock memory touches it (and its memmap did not fail) */
bool kmm_sparse_section_present(const struct kmm_machine *m, unsigned long nr);
/* valid_section_nr(): it has a memmap */
bool kmm_sparse_section_valid(const struct kmm_machine *m, unsigned long nr);
/*
 * kmm_sparse_section_nid - the node the section was recorded against (the
 * first memory range touching it) or, once it has a memmap, the node the
 * memmap was built for; KMM_NUMA_NO_NODE when not present.
 */
int kmm_sparse_section_nid(const struct kmm_machine *m, unsigned long nr);
/* physical address of the section's struct mem_section_usage, 0 when none */
u64 kmm_sparse_section_usage_phys(const struct kmm_machine *m, unsigned long nr);
/* physical address of the pageblock flags (usemap) of @pfn's section, 0 when none */
u64 kmm_sparse_pageblock_flags_phys(const struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_pfn_valid - Linux's pfn_valid(): SPARSEMEM: @pfn's section has a memmap
 * and is an early section or has @pfn's subsection; FLATMEM (i386): @pfn <
 * max_pfn.
 */
bool kmm_pfn_valid(const struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_sparse_cache_memmap - fill memmap_host[], usemap_host[] and
 * section_zone[] for the sections present now; call once the memmap and
 * the zones are final (end of boot).  Sections it cannot cache keep using
 * the page-table walk and the zone spans.
 */
void kmm_sparse_cache_memmap(struct kmm_machine *m);

/*
 * kmm_pfn_to_page_phys - physical address of @pfn's struct page: through the
 * vmemmap page tables (SPARSEMEM, the section must be valid) or in node 0's
 * memmap (FLATMEM: mem_map + pfn, for a valid pfn from node_start_pfn
 * rounded down to a MAX_ORDER block).  KMM_PHYS_ADDR_MAX when @pfn has no
 * memmap or the environment cannot read the simulated memory.
 */
u64 kmm_pfn_to_page_phys(const struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_sparse_validate - cross-check the sparse state with memblock: the root
 * array and section arrays reserved; a section present only where memory
 * is, every memory section present unless counted failed; present sections
 * valid, early, online, with the vmemmap encoding, a reserved usage and a
 * memmap whose every page is mapped to reserved memory; nothing present
 * above highest_present_section_nr.  Logs the first break and returns false.
 * True when there is nothing to check (FLATMEM, before sparse_init, no
 * phys_to_virt).
 */
bool kmm_sparse_validate(const struct kmm_machine *m);

#endif /* KMM_SPARSE_H */
