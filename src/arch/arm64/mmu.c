// SPDX-License-Identifier: MIT
/*
 * mmu.c - arm64's paging_init() (Linux 6.1 arch/arm64/mm/mmu.c) as a model
 * of the page tables it builds: which tables exist, so that exactly the
 * allocations Linux makes are made, in Linux's order.
 *
 * The tables are a four-level tree (4K pages, 48-bit VA).  A PGD entry
 * covers 512 GiB and points to a PUD table; a PUD entry covers 1 GiB and
 * holds a PMD table or a 1 GiB block; a PMD entry covers 2 MiB and holds a
 * PTE table or a 2 MiB block.  Mapping [virt, virt + size) to phys walks the
 * tree depth first, in address order, and takes every missing table from
 * early_pgtable_alloc(): one zeroed page from
 * memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, MEMBLOCK_ALLOC_NOLEAKTRACE).
 * An entry becomes a block rather than a table when the part of the range
 * under it covers it whole, with the virtual and the physical address both
 * aligned to its size, and the caller allows blocks (no NO_BLOCK_MAPPINGS).
 * Contiguous-bit hints change entries, never tables, so they are not
 * modelled.
 *
 * The model (struct pgt_model) keeps, per kind of entry, the set of entry
 * numbers that are populated (virtual address >> the level's shift), as
 * sorted runs: that alone decides what gets allocated.
 *
 * paging_init() in Linux's order:
 *   map_kernel()  the five kernel segments into swapper_pg_dir, whose only
 *                 page (the PGD) is empty: _stext.._etext,
 *                 __start_rodata..__inittext_begin, __inittext_begin..
 *                 __inittext_end, __initdata_begin..__initdata_end, _data.._end.
 *                 The fixmap's PGD entry is copied from init_pg_dir (it is
 *                 another 512 GiB slot): no allocation.
 *   map_mem()     the linear map: the kernel's [_stext, __init_begin) is made
 *                 NOMAP for a moment, every memory range but the NOMAP ones is
 *                 mapped at PAGE_OFFSET + (pa - memstart_addr), page by page
 *                 when can_set_direct_map() (rodata=full: Debian's default),
 *                 then [_stext, __init_begin) itself with blocks allowed.
 *   memblock_phys_free(init_pg_dir, init_pg_end - init_pg_dir), then
 *   memblock_allow_resize().
 *   create_idmap() __idmap_text into idmap_pg_dir (empty; VA_BITS 48 needs no
 *                 extra level) with blocks allowed, then the page of
 *                 __idmap_kpti_flag (CONFIG_UNMAP_KERNEL_AT_EL0).
 */
#include <kmm/error.h>
#include <kmm/lib.h>

#include "arm64.h"

#define PMD_SHIFT 21
#define PUD_SHIFT 30
#define PGDIR_SHIFT 39
#define PAGE_OFFSET 0xffff000000000000ULL /* _PAGE_OFFSET(48): start of the linear map */

/* __create_pgd_mapping() flags */
#define NO_BLOCK_MAPPINGS (1U << 0)
#define NO_CONT_MAPPINGS (1U << 1) /* no contiguous hints: tables unchanged */
#define NO_EXEC_MAPPINGS (1U << 2) /* table attribute only */

/*
 * init_pg_dir when System.map does not name it: head.S sizes it for
 * [KIMAGE_VADDR, _end) with one spare entry per level for KASLR
 * (EARLY_KASLR): the PGD page, one PUD-level page per PGD entry spanned + 1,
 * one PMD page per PUD entry spanned + 1 (4K pages map the kernel with 2 MiB
 * blocks, so there is no PTE level and, with 4 levels, SWAPPER_PGTABLE_LEVELS
 * is 3: the PUD level is folded into the PGD count).
 */
#define EARLY_ENTRIES(vstart, vend, shift) \
	((((vend) - 1) >> (shift)) - ((vstart) >> (shift)) + 1 + 1)

#define PGT_MAX_RUNS 256

_Static_assert(ARM64_PAGE_SHIFT == 12, "the model is for 4K pages");

/* entry numbers as sorted, disjoint, non-adjacent runs [first, end) */
struct slot_set {
	unsigned int nr;
	struct {
		u64 first, end;
	} run[PGT_MAX_RUNS];
};

/* one page-table tree: which entries are populated, by kind */
struct pgt_model {
	struct slot_set pud_table; /* PGD entries (va >> 39) holding a PUD table */
	struct slot_set pmd_table; /* PUD entries (va >> 30) holding a PMD table */
	struct slot_set pud_block; /* PUD entries holding a 1 GiB block */
	struct slot_set pte_table; /* PMD entries (va >> 21) holding a PTE table */
	struct slot_set pmd_block; /* PMD entries holding a 2 MiB block */
};

struct pgt_ctx {
	struct kmm_machine *m;
	struct pgt_model *pgt;
	const char *tree; /* "swapper_pg_dir" or "idmap_pg_dir", for messages */
	char *err;
	size_t errlen;
};

/* the first run that ends after @slot (s->nr when none) */
static unsigned int set_lookup(const struct slot_set *s, u64 slot)
{
	unsigned int lo = 0, hi = s->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->run[mid].end <= slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool set_has(const struct slot_set *s, u64 slot)
{
	unsigned int i = set_lookup(s, slot);

	return i < s->nr && s->run[i].first <= slot;
}

/* add @slot, which is not in @s: grow a neighbour run, join two, or open one */
static int set_add(struct pgt_ctx *c, struct slot_set *s, u64 slot)
{
	unsigned int i = set_lookup(s, slot);
	bool after_prev = i > 0 && s->run[i - 1].end == slot;
	bool before_next = i < s->nr && s->run[i].first == slot + 1;

	if (after_prev && before_next) {
		s->run[i - 1].end = s->run[i].end;
		kmm_memmove(&s->run[i], &s->run[i + 1], (s->nr - i - 1) * sizeof(s->run[0]));
		s->nr--;
	} else if (after_prev) {
		s->run[i - 1].end = slot + 1;
	} else if (before_next) {
		s->run[i].first = slot;
	} else {
		if (s->nr == PGT_MAX_RUNS) {
			kmm_snprintf(c->err, c->errlen,
				     "paging_init: %s: more than %d separate runs of page-table "
				     "entries (kmm's model is full)",
				     c->tree, PGT_MAX_RUNS);
			return -KMM_EOVERFLOW;
		}
		kmm_memmove(&s->run[i + 1], &s->run[i], (s->nr - i) * sizeof(s->run[0]));
		s->run[i].first = slot;
		s->run[i].end = slot + 1;
		s->nr++;
	}
	return 0;
}

/* early_pgtable_alloc(): one page of memblock for a new table */
static int pgt_alloc(struct pgt_ctx *c)
{
	phys_addr_t pa = memblock_phys_alloc_range_caller(&c->m->memblock, ARM64_PAGE_SIZE,
							  ARM64_PAGE_SIZE, 0,
							  MEMBLOCK_ALLOC_NOLEAKTRACE,
							  "early_pgtable_alloc");

	if (!pa) {
		kmm_snprintf(c->err, c->errlen, "Failed to allocate page table page");
		return -KMM_ENOMEM;
	}
	return 0;
}

/* the entry @slot of @tables points to a table: allocate it when missing */
static int pgt_populate(struct pgt_ctx *c, struct slot_set *tables, u64 slot)
{
	int ret;

	if (set_has(tables, slot))
		return 0;
	ret = pgt_alloc(c);
	return ret ? ret : set_add(c, tables, slot);
}

/* Linux would BUG(): a block where a table is, or a table where a block is */
static int pgt_conflict(struct pgt_ctx *c, const char *what, u64 va)
{
	kmm_snprintf(c->err, c->errlen, "paging_init: %s: %s at 0x%016llx (Linux BUGs)", c->tree,
		     what, (unsigned long long)va);
	return -KMM_EINVAL;
}

/* the end of the @shift-sized entry holding @addr, or @end if that comes first */
static u64 entry_end(u64 addr, u64 end, unsigned int shift)
{
	u64 next = (addr | ((1ULL << shift) - 1)) + 1; /* 0 when it wraps */

	return next - 1 < end - 1 ? next : end;
}

static bool block_fits(u64 addr, u64 next, u64 phys, unsigned int shift, unsigned int flags)
{
	return !((addr | next | phys) & ((1ULL << shift) - 1)) && !(flags & NO_BLOCK_MAPPINGS);
}

/* the 2 MiB entries of [addr, end), all under one PUD entry: init_pmd() */
static int map_pmds(struct pgt_ctx *c, u64 addr, u64 end, u64 phys, unsigned int flags)
{
	struct pgt_model *pgt = c->pgt;
	int ret = 0;

	do {
		u64 next = entry_end(addr, end, PMD_SHIFT), slot = addr >> PMD_SHIFT;

		if (block_fits(addr, next, phys, PMD_SHIFT, flags)) {
			if (set_has(&pgt->pte_table, slot))
				return pgt_conflict(c, "2 MiB block over a PTE table", addr);
			if (!set_has(&pgt->pmd_block, slot))
				ret = set_add(c, &pgt->pmd_block, slot);
		} else {
			if (set_has(&pgt->pmd_block, slot))
				return pgt_conflict(c, "PTE table over a 2 MiB block", addr);
			ret = pgt_populate(c, &pgt->pte_table, slot);
		}
		phys += next - addr;
		addr = next;
	} while (!ret && addr != end);
	return ret;
}

/* the 1 GiB entries of [addr, end), all under one PGD entry: alloc_init_pud() */
static int map_puds(struct pgt_ctx *c, u64 addr, u64 end, u64 phys, unsigned int flags)
{
	struct pgt_model *pgt = c->pgt;
	int ret = pgt_populate(c, &pgt->pud_table, addr >> PGDIR_SHIFT);

	while (!ret) {
		u64 next = entry_end(addr, end, PUD_SHIFT), slot = addr >> PUD_SHIFT;

		if (block_fits(addr, next, phys, PUD_SHIFT, flags)) {
			if (set_has(&pgt->pmd_table, slot))
				return pgt_conflict(c, "1 GiB block over a PMD table", addr);
			if (!set_has(&pgt->pud_block, slot))
				ret = set_add(c, &pgt->pud_block, slot);
		} else {
			if (set_has(&pgt->pud_block, slot))
				return pgt_conflict(c, "PMD table over a 1 GiB block", addr);
			ret = pgt_populate(c, &pgt->pmd_table, slot);
			if (!ret)
				ret = map_pmds(c, addr, next, phys, flags);
		}
		phys += next - addr;
		addr = next;
		if (addr == end)
			break;
	}
	return ret;
}

/*
 * __create_pgd_mapping(): map [virt, virt + size) to @phys.  Both are
 * page-aligned here (kmm_arm64_setup_arch() checks the load address).  An
 * empty range is skipped: Linux's walk would not end.
 */
static int pgt_map(struct pgt_ctx *c, u64 phys, u64 virt, u64 size, unsigned int flags)
{
	u64 addr = KMM_ALIGN_DOWN(virt, ARM64_PAGE_SIZE);
	u64 end = KMM_ALIGN(virt + size, ARM64_PAGE_SIZE);
	int ret = 0;

	phys = KMM_ALIGN_DOWN(phys, ARM64_PAGE_SIZE);
	while (!ret && addr != end) {
		u64 next = entry_end(addr, end, PGDIR_SHIFT);

		ret = map_puds(c, addr, next, phys, flags);
		phys += next - addr;
		addr = next;
	}
	return ret;
}

/* map_kernel_segment(): [@va_start, @va_end) of the Image at its physical place */
static int map_kernel_segment(struct pgt_ctx *c, u64 va_start, u64 va_end, unsigned int flags)
{
	if (va_end <= va_start)
		return 0;
	return pgt_map(c, arm64_pa_symbol(c->m, va_start), va_start, va_end - va_start, flags);
}

/* the Image's segments, with kmm's fallbacks for symbols System.map lacked */
static int map_kernel(struct pgt_ctx *c)
{
	const struct kmm_kernel_syms *s = &c->m->kernel.sym;
	u64 inittext_end = c->m->kernel.sym.inittext_end;
	int ret;

	if (!s->etext || !s->start_rodata || !s->init_begin || !s->init_end || !s->sdata) {
		kmm_printk(&c->m->env, "kmm: System.map lacks the segment symbols; "
				       "mapping [_stext, _end) as one segment");
		return map_kernel_segment(c, s->stext, s->end, 0);
	}
	ret = map_kernel_segment(c, s->stext, s->etext, 0);
	if (!ret)
		ret = map_kernel_segment(c, s->start_rodata, s->init_begin, NO_CONT_MAPPINGS);
	if (ret)
		return ret;
	if (!inittext_end) {
		kmm_printk(&c->m->env, "kmm: System.map has no __inittext_end; "
				       "mapping the init segments as one");
		ret = map_kernel_segment(c, s->init_begin, s->init_end, 0);
	} else {
		ret = map_kernel_segment(c, s->init_begin, inittext_end, 0);
		if (!ret)
			ret = map_kernel_segment(c, inittext_end, s->init_end, 0);
	}
	return ret ? ret : map_kernel_segment(c, s->sdata, s->end, 0);
}

/*
 * can_set_direct_map(): the linear map is built page by page when
 * rodata_full (CONFIG_RODATA_FULL_DEFAULT_ENABLED, Debian's default;
 * "rodata=full" sets it, any other rodata= value clears it), or with
 * debug_pagealloc / KFENCE, which Debian's build does not enable.
 */
static bool can_set_direct_map(const struct kmm_machine *m)
{
	bool present = false;
	const char *v = kmm_cmdline_find(&m->cmdline, "rodata", &present);

	if (!present)
		return true;
	return v && !kmm_strcmp(v, "full");
}

static int map_memblock(struct pgt_ctx *c, u64 start, u64 end, unsigned int flags)
{
	return pgt_map(c, start, PAGE_OFFSET + (start - c->m->memstart_addr), end - start, flags);
}

/*
 * map_mem(): the linear map.  The kernel's text and rodata are NOMAP while
 * the memory ranges are mapped, so that they get no writable alias; their
 * own alias follows, blocks allowed.
 */
static int map_mem(struct pgt_ctx *c)
{
	struct memblock *mb = &c->m->memblock;
	const struct kmm_kernel_syms *s = &c->m->kernel.sym;
	u64 kstart = arm64_pa_symbol(c->m, s->stext);
	u64 kend = arm64_pa_symbol(c->m, s->init_begin ? s->init_begin : s->end);
	unsigned int flags = NO_EXEC_MAPPINGS;
	phys_addr_t start, end;
	u64 i;
	int ret = 0;

	if (can_set_direct_map(c->m))
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
	memblock_mark_nomap(mb, kstart, kend - kstart);
	for_each_mem_range(mb, i, &start, &end) {
		if (start >= end)
			break;
		ret = map_memblock(c, start, end, flags);
		if (ret)
			return ret;
	}
	ret = map_memblock(c, kstart, kend, NO_CONT_MAPPINGS);
	memblock_clear_nomap(mb, kstart, kend - kstart);
	return ret;
}

/* create_idmap(): what runs with the MMU being switched, mapped 1:1 */
static int create_idmap(struct pgt_ctx *c)
{
	const struct kmm_kernel_syms *a = &c->m->kernel.sym;
	u64 start, flag;
	int ret;

	if (!a->idmap_text_start || a->idmap_text_end < a->idmap_text_start) {
		kmm_printk(&c->m->env, "kmm: System.map has no __idmap_text_start/_end; "
				       "create_idmap() skipped");
		return 0;
	}
	start = arm64_pa_symbol(c->m, a->idmap_text_start);
	ret = pgt_map(c, start, start, a->idmap_text_end - a->idmap_text_start, 0);
	if (ret)
		return ret;
	if (!a->idmap_kpti_flag) {
		kmm_printk(&c->m->env, "kmm: System.map has no __idmap_kpti_flag; "
				       "its idmap page skipped");
		return 0;
	}
	flag = arm64_pa_symbol(c->m, a->idmap_kpti_flag);
	return pgt_map(c, flag, flag, sizeof(u32), 0);
}

/* [init_pg_dir, init_pg_end): System.map's, else head.S's size rule */
static void init_pg_range(const struct kmm_machine *m, u64 *dir, u64 *end)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	u64 pages;

	if (m->kernel.sym.init_pg_dir && m->kernel.sym.init_pg_end > m->kernel.sym.init_pg_dir) {
		*dir = m->kernel.sym.init_pg_dir;
		*end = m->kernel.sym.init_pg_end;
		return;
	}
	pages = 1 + EARLY_ENTRIES(s->text, s->end, PGDIR_SHIFT) +
		EARLY_ENTRIES(s->text, s->end, PUD_SHIFT);
	*end = s->end;
	*dir = s->end - pages * ARM64_PAGE_SIZE;
}

int arm64_paging_init(struct kmm_machine *m, char *err, size_t errlen)
{
	struct pgt_model pgt;
	struct pgt_ctx c = { .m = m, .pgt = &pgt, .tree = "swapper_pg_dir", .err = err,
			     .errlen = errlen };
	u64 dir, end;
	int ret;

	kmm_memset(&pgt, 0, sizeof(pgt));
	ret = map_kernel(&c);
	if (!ret)
		ret = map_mem(&c);
	if (ret)
		return ret;
	init_pg_range(m, &dir, &end);
	memblock_phys_free_caller(&m->memblock, arm64_pa_symbol(m, dir), end - dir, "paging_init");
	memblock_allow_resize(&m->memblock);

	kmm_memset(&pgt, 0, sizeof(pgt));
	c.tree = "idmap_pg_dir";
	return create_idmap(&c);
}
