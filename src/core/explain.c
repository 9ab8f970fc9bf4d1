// SPDX-License-Identifier: MIT
/*
 * explain.c - where every byte of a machine's RAM went (kmm/explain.h).
 *
 * Types: struct kmm_explain holds three maps filled from memblock's trace
 * hook (memory ever added, who removed memory, who owns reserved or no-map
 * memory) and a scratch map of what the machine state knows; a map is a
 * sorted array of non-overlapping half-open ranges [base, end), adjacent
 * ranges with the same cause merged.
 *
 * Entry points: kmm_explain_trace() (the hook; computes the memblock-stage
 * report at the first MEMBLOCK dump), kmm_explain_finish() (the end-of-boot
 * report), kmm_explain_causes() / kmm_explain_bytes() (summaries).
 *
 * A report walks the added memory in address order and cuts it where the
 * memblock state changes: outside memblock.memory (removed), a no-map
 * region, a reserved region, or free.  Reserved pieces are cut again by the
 * known map, then by the owner map; what neither covers is "untraced".
 * Every byte of added memory lands in exactly one piece, so the report sums
 * to the RAM by construction (kmm_explain_validate() checks it).
 *
 * Ownership follows memblock: the first reservation of a byte owns it (a
 * later memblock_reserve() over it changes nothing in memblock either), an
 * allocation owns what it got, a free ends the ownership.
 */
#include <kmm/error.h>
#include <kmm/explain.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>

#define EXPLAIN_PAGE_SIZE 4096ULL

_Static_assert(KMM_EXPLAIN_NR_CATS <= 255, "a category fits the u8 of struct kmm_explain_range");
_Static_assert(KMM_EXPLAIN_MAX_LABELS <= 65536, "a label id fits the u16 of the range");

static const char *const cat_names[KMM_EXPLAIN_NR_CATS] = {
	[KMM_EXPLAIN_FREE] = "free",
	[KMM_EXPLAIN_MEMRESERVE] = "/memreserve/",
	[KMM_EXPLAIN_NOMAP] = "no-map",
	[KMM_EXPLAIN_RESERVED_MEM] = "reserved-memory",
	[KMM_EXPLAIN_CMA] = "CMA",
	[KMM_EXPLAIN_KERNEL] = "kernel",
	[KMM_EXPLAIN_INITRD] = "initrd",
	[KMM_EXPLAIN_DTB] = "device tree",
	[KMM_EXPLAIN_MEMMAP] = "memmap",
	[KMM_EXPLAIN_PAGE_TABLES] = "page tables",
	[KMM_EXPLAIN_PERCPU] = "per-CPU",
	[KMM_EXPLAIN_HASH_TABLES] = "hash tables",
	[KMM_EXPLAIN_CRASHKERNEL] = "crash kernel",
	[KMM_EXPLAIN_FIRMWARE] = "firmware",
	[KMM_EXPLAIN_X86_SETUP] = "x86 setup",
	[KMM_EXPLAIN_OTHER] = "early allocation",
	[KMM_EXPLAIN_PARTIAL] = "stranded",
	[KMM_EXPLAIN_REMOVED] = "removed",
	[KMM_EXPLAIN_UNTRACED] = "untraced",
};

const char *kmm_explain_cat_name(enum kmm_explain_cat cat)
{
	return (unsigned int)cat < KMM_EXPLAIN_NR_CATS ? cat_names[cat] : "?";
}

/* ------------------------------------------------------------ labels and errors */

static void explain_fail(struct kmm_explain *x, int err, const char *what)
{
	if (x->error)
		return;
	x->error = err;
	kmm_strlcpy(x->errmsg, what, sizeof(x->errmsg));
}

/* the id of @text, added when new; 0 for NULL or "" (and when the table is full) */
static u16 label_id(struct kmm_explain *x, const char *text)
{
	if (!text || !*text)
		return 0;
	for (unsigned int i = 1; i < x->nr_labels; i++)
		if (!kmm_strncmp(x->label[i], text, KMM_EXPLAIN_LABEL_LEN - 1))
			return (u16)i;
	if (x->nr_labels == KMM_EXPLAIN_MAX_LABELS) {
		explain_fail(x, -KMM_EOVERFLOW, "explain: more than KMM_EXPLAIN_MAX_LABELS causes");
		return 0;
	}
	kmm_strlcpy(x->label[x->nr_labels], text, KMM_EXPLAIN_LABEL_LEN);
	return (u16)x->nr_labels++;
}

const char *kmm_explain_label(const struct kmm_explain *x, unsigned int id)
{
	return id < x->nr_labels ? x->label[id] : "";
}

/* ------------------------------------------------------------ maps */

static bool same_cause(const struct kmm_explain_range *a, u16 label, u8 cat, int8_t nid)
{
	return a->label == label && a->cat == cat && a->nid == nid;
}

/* index of the first range that ends after @addr (mp->nr when none) */
static unsigned int map_find(const struct kmm_explain_map *mp, u64 addr)
{
	unsigned int lo = 0, hi = mp->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (mp->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * map_insert - put [base, end) at index @i (between r[i - 1] and r[i], which
 * it must not overlap), merged into a neighbour with the same cause.
 */
static void map_insert(struct kmm_explain *x, struct kmm_explain_map *mp, unsigned int i, u64 base,
		       u64 end, u16 label, u8 cat, int8_t nid)
{
	struct kmm_explain_range *prev = i ? &mp->r[i - 1] : NULL;
	struct kmm_explain_range *next = i < mp->nr ? &mp->r[i] : NULL;

	if (prev && prev->end == base && same_cause(prev, label, cat, nid)) {
		prev->end = end;
		if (next && next->base == end && same_cause(next, label, cat, nid)) {
			prev->end = next->end;
			kmm_memmove(next, next + 1, (mp->nr - i - 1) * sizeof(*next));
			mp->nr--;
		}
		return;
	}
	if (next && next->base == end && same_cause(next, label, cat, nid)) {
		next->base = base;
		return;
	}
	if (mp->nr == KMM_EXPLAIN_MAX_RANGES) {
		explain_fail(x, -KMM_EOVERFLOW, "explain: more than KMM_EXPLAIN_MAX_RANGES ranges");
		return;
	}
	kmm_memmove(&mp->r[i + 1], &mp->r[i], (mp->nr - i) * sizeof(mp->r[0]));
	mp->r[i] = (struct kmm_explain_range){ base, end, label, cat, nid };
	mp->nr++;
}

/* map_erase - cut [base, end) out of @mp */
static void map_erase(struct kmm_explain *x, struct kmm_explain_map *mp, u64 base, u64 end)
{
	unsigned int i = map_find(mp, base);

	while (i < mp->nr && mp->r[i].base < end) {
		struct kmm_explain_range *r = &mp->r[i];

		if (r->base < base && r->end > end) {
			struct kmm_explain_range tail = *r;

			r->end = base;
			if (mp->nr == KMM_EXPLAIN_MAX_RANGES) {
				explain_fail(x, -KMM_EOVERFLOW,
					     "explain: more than KMM_EXPLAIN_MAX_RANGES ranges");
				return;
			}
			kmm_memmove(&mp->r[i + 2], &mp->r[i + 1], (mp->nr - i - 1) * sizeof(*r));
			tail.base = end;
			mp->r[i + 1] = tail;
			mp->nr++;
			return;
		}
		if (r->base < base) {
			r->end = base;
			i++;
		} else if (r->end > end) {
			r->base = end;
			return;
		} else {
			kmm_memmove(r, r + 1, (mp->nr - i - 1) * sizeof(*r));
			mp->nr--;
		}
	}
}

/* map_fill - give [base, end) the cause where @mp has nothing yet */
static void map_fill(struct kmm_explain *x, struct kmm_explain_map *mp, u64 base, u64 end,
		     u16 label, u8 cat, int8_t nid)
{
	unsigned int i = map_find(mp, base);
	u64 pos = base;

	while (pos < end && !x->error) {
		if (i >= mp->nr || mp->r[i].base >= end) {
			map_insert(x, mp, i, pos, end, label, cat, nid);
			return;
		}
		if (mp->r[i].base > pos) {
			unsigned int before = mp->nr;

			map_insert(x, mp, i, pos, mp->r[i].base, label, cat, nid);
			/* merged into r[i - 1]: r[i] is still the blocker; else it moved up */
			i += mp->nr - before;
		}
		pos = mp->r[i].end;
		i++;
	}
}

/* map_paint - give [base, end) the cause, whatever @mp said before */
static void map_paint(struct kmm_explain *x, struct kmm_explain_map *mp, u64 base, u64 end,
		      u16 label, u8 cat, int8_t nid)
{
	if (end <= base)
		return;
	map_erase(x, mp, base, end);
	map_fill(x, mp, base, end, label, cat, nid);
}

/*
 * map_piece - the piece of [pos, end) starting at @pos that @mp either
 * covers with one range (*@r set) or not at all (*@r NULL); returns its end.
 */
static u64 map_piece(const struct kmm_explain_map *mp, u64 pos, u64 end,
		     const struct kmm_explain_range **r)
{
	unsigned int i = map_find(mp, pos);

	if (i < mp->nr && mp->r[i].base <= pos) {
		*r = &mp->r[i];
		return KMM_MIN(end, mp->r[i].end);
	}
	*r = NULL;
	return i < mp->nr ? KMM_MIN(end, mp->r[i].base) : end;
}

/* ------------------------------------------------------------ trace */

/*
 * Who a traced caller is.  @label NULL: the caller's own name is the label
 * (an event's trace_label, a device-tree node's name, always wins).
 */
struct caller_cause {
	const char *caller;
	enum kmm_explain_cat cat;
	const char *label;
};

static const struct caller_cause caller_causes[] = {
	{ "setup_machine_fdt", KMM_EXPLAIN_DTB, "device tree blob" },
	{ "early_init_dt_alloc_memory_arch", KMM_EXPLAIN_DTB, "unflattened device tree" },
	{ "early_init_dt_reserve_memory", KMM_EXPLAIN_RESERVED_MEM, NULL },
	{ "early_init_dt_alloc_reserved_memory_arch", KMM_EXPLAIN_RESERVED_MEM, NULL },
	{ "memblock_mark_nomap", KMM_EXPLAIN_NOMAP, NULL },
	{ "early_init_fdt_scan_reserved_mem", KMM_EXPLAIN_MEMRESERVE, "/memreserve/" },
	{ "fdt_reserve_elfcorehdr", KMM_EXPLAIN_CRASHKERNEL, "elfcorehdr" },
	{ "cma_declare_contiguous_nid", KMM_EXPLAIN_CMA, NULL },
	{ "reserve_crashkernel", KMM_EXPLAIN_CRASHKERNEL, "crashkernel" },
	{ "reserve_crashkernel_low", KMM_EXPLAIN_CRASHKERNEL, "crashkernel (low)" },
	{ "early_pgtable_alloc", KMM_EXPLAIN_PAGE_TABLES, "kernel page tables" },
	{ "paging_init", KMM_EXPLAIN_PAGE_TABLES, "kernel page tables" },
	{ "init_mem_mapping", KMM_EXPLAIN_PAGE_TABLES, "direct map page tables" },
	{ "alloc_low_pages", KMM_EXPLAIN_PAGE_TABLES, "direct map page tables" },
	{ "spp_getpage", KMM_EXPLAIN_PAGE_TABLES, "cpu_entry_area page tables" },
	{ "memblock_alloc_range_nid", KMM_EXPLAIN_PAGE_TABLES, "vmemmap page tables" },
	{ "memmap_alloc", KMM_EXPLAIN_MEMMAP, NULL },
	{ "alloc_node_mem_map", KMM_EXPLAIN_MEMMAP, NULL },
	{ "setup_usemap", KMM_EXPLAIN_MEMMAP, "zone pageblock flags" },
	{ "sparse_buffer_init", KMM_EXPLAIN_MEMMAP, NULL },
	{ "__earlyonly_bootmem_alloc", KMM_EXPLAIN_MEMMAP, NULL },
	{ "kmm_alloc_large_system_hash", KMM_EXPLAIN_HASH_TABLES, "alloc_large_system_hash" },
	{ "alloc_large_system_hash", KMM_EXPLAIN_HASH_TABLES, NULL },
	{ "early_reserve_memory", KMM_EXPLAIN_X86_SETUP, "first 64 KiB (early_reserve_memory)" },
	{ "reserve_bios_regions", KMM_EXPLAIN_X86_SETUP, "BIOS area (EBDA to 1 MiB)" },
	{ "reserve_real_mode", KMM_EXPLAIN_X86_SETUP, "real-mode trampoline" },
	{ "smp_scan_config", KMM_EXPLAIN_X86_SETUP, "MP table" },
	{ "memblock_x86_reserve_range_setup_data", KMM_EXPLAIN_FIRMWARE, "boot setup_data" },
	{ "acpi_reserve_initial_tables", KMM_EXPLAIN_FIRMWARE, "ACPI tables" },
	{ "acpi_table_upgrade", KMM_EXPLAIN_FIRMWARE, "ACPI tables" },
	{ "e820__memblock_setup", KMM_EXPLAIN_FIRMWARE, "e820 soft reserved" },
	{ "early_reserve_initrd", KMM_EXPLAIN_INITRD, "initrd" },
	{ "reserve_initrd", KMM_EXPLAIN_INITRD, "initrd" },
	{ "memblock_phys_alloc_try_nid", KMM_EXPLAIN_OTHER, "NODE_DATA" },
	{ "memblock_double_array", KMM_EXPLAIN_OTHER, "memblock region arrays" },
};

static void classify(const struct kmm_explain *x, const struct memblock_trace_event *ev,
		     enum kmm_explain_cat *cat, const char **label)
{
	const char *caller = ev->caller ? ev->caller : "?";

	*cat = KMM_EXPLAIN_OTHER;
	*label = caller;
	if (!kmm_strncmp(caller, "pcpu_", 5)) {
		*cat = KMM_EXPLAIN_PERCPU;
	} else if (!kmm_strcmp(caller, "setup_arch") && x->m->kernel.arch != KMM_ARCH_ARM64) {
		/* x86's reserve_real_mode() tail (inlined): the whole first MiB */
		*cat = KMM_EXPLAIN_X86_SETUP;
		*label = "low 1 MiB (reserve_real_mode)";
	} else {
		for (size_t i = 0; i < KMM_ARRAY_SIZE(caller_causes); i++) {
			if (kmm_strcmp(caller, caller_causes[i].caller))
				continue;
			*cat = caller_causes[i].cat;
			if (caller_causes[i].label)
				*label = caller_causes[i].label;
			break;
		}
	}
	if (ev->label)
		*label = ev->label;
}

static void report_compute(struct kmm_explain *x, struct kmm_explain_report *rep,
			   bool end_of_boot);

void kmm_explain_trace(void *cookie, const struct memblock *mb,
		       const struct memblock_trace_event *ev)
{
	struct kmm_explain *x = cookie;
	u64 end = ev->base + ev->size;
	enum kmm_explain_cat cat;
	const char *label;

	(void)mb;
	if (!x || !x->m || x->error)
		return;
	if (end < ev->base)
		end = KMM_PHYS_ADDR_MAX;
	classify(x, ev, &cat, &label);
	switch (ev->op) {
	case MEMBLOCK_TRACE_ADD:
		map_paint(x, &x->added, ev->base, end, 0, KMM_EXPLAIN_FREE, -1);
		break;
	case MEMBLOCK_TRACE_REMOVE:
		map_paint(x, &x->removed, ev->base, end, label_id(x, ev->caller),
			  KMM_EXPLAIN_REMOVED, -1);
		break;
	case MEMBLOCK_TRACE_RESERVE:
		if (end > ev->base)
			map_fill(x, &x->owner, ev->base, end, label_id(x, label), (u8)cat, -1);
		break;
	case MEMBLOCK_TRACE_ALLOC:
		map_paint(x, &x->owner, ev->base, end, label_id(x, label), (u8)cat, -1);
		break;
	case MEMBLOCK_TRACE_FREE:
		map_erase(x, &x->owner, ev->base, end);
		break;
	case MEMBLOCK_TRACE_NOMAP:
		/* only an owner's carve-out; arm64 paging_init's own no-map of the kernel is brief */
		if (ev->label)
			map_paint(x, &x->owner, ev->base, end, label_id(x, label),
				  KMM_EXPLAIN_NOMAP, -1);
		break;
	case MEMBLOCK_TRACE_CLEAR_NOMAP:
		break;
	case MEMBLOCK_TRACE_DUMP:
		if (x->nr_dumps++ == 0)
			report_compute(x, &x->memblock_stage, false);
		break;
	}
}

void kmm_explain_init(struct kmm_explain *x, const struct kmm_machine *m)
{
	kmm_memset(x, 0, sizeof(*x));
	x->m = m;
	x->nr_labels = 1;
}

/* ------------------------------------------------------------ what the machine knows */

static u64 kernel_pa(const struct kmm_machine *m, u64 sym)
{
	if (m->kernel.arch == KMM_ARCH_ARM64)
		return m->kernel_load + (sym - m->kernel.sym.text);
	return kmm_kernel_pa(m, sym);
}

static void known(struct kmm_explain *x, u64 base, u64 end, enum kmm_explain_cat cat,
		  const char *label)
{
	if (end > base)
		map_paint(x, &x->known, base, end, label_id(x, label), (u8)cat, -1);
}

/* the kernel image, section by section (System.map); nested sections painted last */
static void known_kernel(struct kmm_explain *x)
{
	const struct kmm_machine *m = x->m;
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	const struct {
		u64 start, end;
		const char *label;
	} parts[] = {
		{ s->brk_base, s->end_of_kernel_reserve, "kernel brk" },
		{ s->bss_start, s->bss_stop, "kernel bss" },
		{ s->init_begin, s->init_end, "kernel init" },
		{ s->sdata, s->edata, "kernel data" },
		{ s->start_rodata, s->end_rodata, "kernel rodata" },
		{ s->text, s->etext, "kernel text" },
	};

	if (!m->kernel.have_system_map || !s->text || s->end <= s->text)
		return;
	known(x, kernel_pa(m, s->text), kernel_pa(m, KMM_MAX(s->end, s->end_of_kernel_reserve)),
	      KMM_EXPLAIN_KERNEL, "kernel image (other)");
	for (size_t i = 0; i < KMM_ARRAY_SIZE(parts); i++)
		if (parts[i].start >= s->text && parts[i].end > parts[i].start)
			known(x, kernel_pa(m, parts[i].start), kernel_pa(m, parts[i].end),
			      KMM_EXPLAIN_KERNEL, parts[i].label);
}

/*
 * The memmap: every 4 KiB page holding struct pages of a section that
 * memory touches, found through kmm_pfn_to_page_phys() (the vmemmap tables,
 * or FLATMEM's mem_map), labelled with the section's node.  Runs of
 * consecutive pages are painted at once.
 */
static void known_memmap(struct kmm_explain *x)
{
	const struct kmm_machine *m = x->m;
	const struct memblock_region *r;
	u64 spage = m->kernel.struct_size[KMM_STRUCT_PAGE];
	unsigned long step, done = 0;
	u64 run_base = 0, run_end = 0;
	int run_nid = -1;
	char label[KMM_EXPLAIN_LABEL_LEN];

	if (!spage)
		spage = 64;
	step = (unsigned long)KMM_MAX(EXPLAIN_PAGE_SIZE / spage, 1);
	for_each_mem_region(&m->memblock, r) {
		unsigned long pfn = KMM_ALIGN_DOWN((unsigned long)(r->base / EXPLAIN_PAGE_SIZE),
						   KMM_PAGES_PER_SECTION);
		unsigned long end = KMM_ALIGN((unsigned long)((r->base + r->size) / EXPLAIN_PAGE_SIZE),
					      KMM_PAGES_PER_SECTION);

		for (pfn = KMM_MAX(pfn, done); pfn < end; pfn += step) {
			u64 pa = kmm_pfn_to_page_phys(m, pfn);
			int nid = m->kernel.sparsemem_vmemmap ?
					  kmm_sparse_section_nid(m, kmm_pfn_to_section_nr(pfn)) : 0;

			if (pa == KMM_PHYS_ADDR_MAX)
				continue;
			pa = KMM_ALIGN_DOWN(pa, EXPLAIN_PAGE_SIZE);
			if (pa == run_end && nid == run_nid) {
				run_end += EXPLAIN_PAGE_SIZE;
				continue;
			}
			if (pa >= run_base && pa < run_end && nid == run_nid)
				continue;
			kmm_snprintf(label, sizeof(label), "memmap (struct pages) node %d", run_nid);
			known(x, run_base, run_end, KMM_EXPLAIN_MEMMAP, label);
			run_base = pa;
			run_end = pa + EXPLAIN_PAGE_SIZE;
			run_nid = nid;
		}
		done = KMM_MAX(done, end);
	}
	kmm_snprintf(label, sizeof(label), "memmap (struct pages) node %d", run_nid);
	known(x, run_base, run_end, KMM_EXPLAIN_MEMMAP, label);
}

/* the sparse metadata: root array, section arrays, usemaps */
static void known_sparse(struct kmm_explain *x)
{
	const struct kmm_machine *m = x->m;
	const struct kmm_sparse *s = &m->sparse;
	const struct memblock_region *r;
	const char *label = "sparse metadata (mem_section, usemaps)";
	unsigned long per_root;

	if (!m->kernel.sparsemem_vmemmap || !s->mem_section_phys || !s->mem_section_size)
		return;
	per_root = (unsigned long)(EXPLAIN_PAGE_SIZE / s->mem_section_size);
	if (!per_root)
		return;
	known(x, s->mem_section_phys,
	      s->mem_section_phys + KMM_ALIGN(s->nr_mem_sections, per_root) / per_root * 8,
	      KMM_EXPLAIN_MEMMAP, label);
	for_each_mem_region(&m->memblock, r) {
		unsigned long nr = kmm_pfn_to_section_nr((unsigned long)(r->base / EXPLAIN_PAGE_SIZE));
		unsigned long last = kmm_pfn_to_section_nr(
			(unsigned long)((r->base + r->size - 1) / EXPLAIN_PAGE_SIZE));

		for (; r->size && nr <= last; nr++) {
			u64 sec = kmm_sparse_section_phys(m, nr);
			u64 usage = kmm_sparse_section_usage_phys(m, nr);

			if (sec) {
				u64 array = sec - (nr % per_root) * s->mem_section_size;

				known(x, array, array + EXPLAIN_PAGE_SIZE, KMM_EXPLAIN_MEMMAP, label);
			}
			if (usage)
				known(x, usage, usage + s->usage_size, KMM_EXPLAIN_MEMMAP, label);
		}
	}
}

static void known_build(struct kmm_explain *x)
{
	const struct kmm_machine *m = x->m;
	char label[KMM_EXPLAIN_LABEL_LEN];

	x->known.nr = 0;
	known_kernel(x);
	if (m->kernel.arch == KMM_ARCH_ARM64 && m->dt && m->dt->blob_phys)
		known(x, m->dt->blob_phys, m->dt->blob_phys + m->dt->totalsize, KMM_EXPLAIN_DTB,
		      "device tree blob");
	if (m->phys_initrd_size)
		known(x, KMM_ALIGN_DOWN(m->phys_initrd_start, EXPLAIN_PAGE_SIZE),
		      KMM_ALIGN(m->phys_initrd_start + m->phys_initrd_size, EXPLAIN_PAGE_SIZE),
		      KMM_EXPLAIN_INITRD, "initrd");
	if (m->initrd_end > m->initrd_start)
		known(x, m->initrd_start, m->initrd_end, KMM_EXPLAIN_INITRD, "initrd");
	for (unsigned int i = 0; i < m->nr_cma_areas && i < KMM_ARRAY_SIZE(m->cma_areas); i++) {
		const struct kmm_cma_area *a = &m->cma_areas[i];

		kmm_snprintf(label, sizeof(label), "%s%s", a->name,
			     m->dma_contiguous_default_area == i + 1 ? " (default CMA area)" : "");
		known(x, a->base, a->base + a->size, KMM_EXPLAIN_CMA, label);
	}
	known(x, m->crashk_base, m->crashk_base + m->crashk_size, KMM_EXPLAIN_CRASHKERNEL,
	      "crashkernel");
	known(x, m->crashk_low_base, m->crashk_low_base + m->crashk_low_size,
	      KMM_EXPLAIN_CRASHKERNEL, "crashkernel (low)");
	known_sparse(x);
	if (m->env.phys_to_virt)
		known_memmap(x);
	if (m->percpu.ready)
		for (unsigned int g = 0; g < m->percpu.nr_groups && g < KMM_PCPU_MAX_GROUPS; g++)
			if (m->percpu.group[g].phys)
				known(x, m->percpu.group[g].phys,
				      m->percpu.group[g].phys +
					      (u64)m->percpu.group[g].nr_units * m->percpu.unit_size,
				      KMM_EXPLAIN_PERCPU, "per-CPU areas (first chunk)");
	for (unsigned int i = 0; i < KMM_HASH_NR; i++) {
		const struct kmm_hash_table *t = &m->hash_tables.table[i];

		if (t->kind == KMM_HASH_MEMBLOCK && t->phys != KMM_PHYS_ADDR_MAX)
			known(x, t->phys, t->phys + t->bytes, KMM_EXPLAIN_HASH_TABLES,
			      kmm_hash_table_name((enum kmm_hash_id)i));
	}
}

/* ------------------------------------------------------------ reports */

static void rep_add(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base, u64 end,
		    enum kmm_explain_cat cat, u16 label, int8_t nid)
{
	if (end > base)
		map_insert(x, &rep->map, rep->map.nr, base, end, label, (u8)cat, nid);
}

/* does @pfn's page still carry PG_reserved (no memmap: it does, nothing freed it) */
static bool page_still_reserved(const struct kmm_machine *m, u64 pfn)
{
	const struct kmm_page *p = kmm_pfn_to_page(m, (unsigned long)pfn);

	return !p || (p->flags & KMM_PG_RESERVED);
}

/*
 * A reserved piece at the end of boot.  After mem_init Linux gives some
 * reserved memory to the buddy allocator page by page without telling
 * memblock (free_reserved_area(): initrd, init sections; CMA activation):
 * pages whose PG_reserved is gone are counted as managed, CMA ones staying
 * CMA ("in buddy").  A page is judged once, as a whole.
 */
static void emit_reserved_end(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base,
			      u64 end, enum kmm_explain_cat cat, u16 label, int8_t nid)
{
	char text[KMM_EXPLAIN_LABEL_LEN];
	u16 freed;

	if (cat == KMM_EXPLAIN_CMA)
		kmm_snprintf(text, sizeof(text), "%s (in buddy, MIGRATE_CMA)", kmm_explain_label(x, label));
	else
		kmm_snprintf(text, sizeof(text), "buddy (freed late: %s)", kmm_explain_label(x, label));
	freed = 0;
	while (base < end && !x->error) {
		u64 pfn = base / EXPLAIN_PAGE_SIZE;
		bool kept = page_still_reserved(x->m, pfn);
		u64 stop = base;

		while (stop < end && page_still_reserved(x->m, stop / EXPLAIN_PAGE_SIZE) == kept)
			stop = KMM_MIN(end, (stop / EXPLAIN_PAGE_SIZE + 1) * EXPLAIN_PAGE_SIZE);
		if (kept) {
			rep_add(x, rep, base, stop, cat, label, nid);
		} else {
			if (!freed)
				freed = label_id(x, text);
			rep_add(x, rep, base, stop, cat == KMM_EXPLAIN_CMA ? cat : KMM_EXPLAIN_FREE,
				freed, nid);
		}
		base = stop;
	}
}

/* a reserved or no-map piece: the known map, then the owner map, then untraced */
static void emit_owned(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base, u64 end,
		       bool nomap, bool end_of_boot, int8_t nid)
{
	u16 untraced = label_id(x, nomap ? "no-map (untraced)" : "reserved (untraced)");

	while (base < end && !x->error) {
		const struct kmm_explain_range *k = NULL, *o;
		u64 stop = end;

		/* no-map memory is the carve-out's whatever else the machine put there */
		if (!nomap)
			stop = map_piece(&x->known, base, end, &k);
		enum kmm_explain_cat cat = KMM_EXPLAIN_UNTRACED;
		u16 label = untraced;

		if (k) {
			cat = k->cat;
			label = k->label;
		} else {
			stop = map_piece(&x->owner, base, stop, &o);
			if (o)
				label = o->label;
			if (nomap)
				cat = KMM_EXPLAIN_NOMAP;
			else if (o)
				cat = o->cat;
		}
		if (end_of_boot && !nomap)
			emit_reserved_end(x, rep, base, stop, cat, label, nid);
		else
			rep_add(x, rep, base, stop, cat, label, nid);
		base = stop;
	}
}

/* a removed piece: who removed it */
static void emit_removed(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base, u64 end)
{
	u16 untraced = label_id(x, "removed (untraced)");

	while (base < end && !x->error) {
		const struct kmm_explain_range *o;
		u64 stop = map_piece(&x->removed, base, end, &o);

		rep_add(x, rep, base, stop, KMM_EXPLAIN_REMOVED, o ? o->label : untraced, -1);
		base = stop;
	}
}

/*
 * Whole free pages at the end of boot: in the buddy allocator, unless the
 * page still carries PG_reserved - memory memblock forgot after
 * memblock_free_all() without the page being freed (arm64's initrd tail
 * page), or without a memmap at all.
 */
static void emit_free_pages(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base,
			    u64 end, int8_t nid)
{
	while (base < end && !x->error) {
		bool kept = page_still_reserved(x->m, base / EXPLAIN_PAGE_SIZE);
		u64 stop = base + EXPLAIN_PAGE_SIZE;

		while (stop < end && page_still_reserved(x->m, stop / EXPLAIN_PAGE_SIZE) == kept)
			stop += EXPLAIN_PAGE_SIZE;
		if (kept)
			rep_add(x, rep, base, stop, KMM_EXPLAIN_PARTIAL,
				label_id(x, "free in memblock, page still reserved"), nid);
		else
			rep_add(x, rep, base, stop, KMM_EXPLAIN_FREE, label_id(x, "buddy allocator"),
				nid);
		base = stop;
	}
}

/*
 * A free piece.  At the end of boot memblock_free_all() gave only its whole
 * pages to the buddy allocator; the bytes before the first and after the
 * last whole page share a page with a reservation and stay reserved.
 */
static void emit_free(struct kmm_explain *x, struct kmm_explain_report *rep, u64 base, u64 end,
		      bool end_of_boot, int8_t nid)
{
	u64 head = KMM_ALIGN(base, EXPLAIN_PAGE_SIZE), tail = KMM_ALIGN_DOWN(end, EXPLAIN_PAGE_SIZE);

	if (!end_of_boot) {
		rep_add(x, rep, base, end, KMM_EXPLAIN_FREE, label_id(x, "free"), nid);
		return;
	}
	if (head >= tail) {
		rep_add(x, rep, base, end, KMM_EXPLAIN_PARTIAL, label_id(x, "free bytes in reserved pages"),
			nid);
		return;
	}
	rep_add(x, rep, base, head, KMM_EXPLAIN_PARTIAL, label_id(x, "free bytes in reserved pages"),
		nid);
	emit_free_pages(x, rep, head, tail, nid);
	rep_add(x, rep, tail, end, KMM_EXPLAIN_PARTIAL, label_id(x, "free bytes in reserved pages"),
		nid);
}

enum piece_state { PIECE_REMOVED, PIECE_NOMAP, PIECE_RESERVED, PIECE_FREE };

/*
 * The memblock state at @pos: returns where it changes (at most @end),
 * *@state and the memory's node.
 */
static u64 piece_at(const struct memblock *mb, u64 pos, u64 end, enum piece_state *state, int8_t *nid)
{
	const struct memblock_region *r, *mem = NULL;
	u64 stop = end;

	*nid = -1;
	for_each_mem_region(mb, r) {
		if (!r->size || r->base + r->size <= pos)
			continue;
		if (r->base > pos) {
			stop = KMM_MIN(stop, r->base);
			break;
		}
		mem = r;
		break;
	}
	if (!mem) {
		*state = PIECE_REMOVED;
		return stop;
	}
	*nid = (int8_t)memblock_get_region_node(mb, mem);
	stop = KMM_MIN(stop, mem->base + mem->size);
	if (mem->flags & MEMBLOCK_NOMAP) {
		*state = PIECE_NOMAP;
		return stop;
	}
	*state = PIECE_FREE;
	for_each_reserved_mem_region(mb, r) {
		if (!r->size || r->base + r->size <= pos)
			continue;
		if (r->base > pos)
			return KMM_MIN(stop, r->base);
		*state = PIECE_RESERVED;
		return KMM_MIN(stop, r->base + r->size);
	}
	return stop;
}

static void report_compute(struct kmm_explain *x, struct kmm_explain_report *rep,
			   bool end_of_boot)
{
	const struct memblock *mb = &x->m->memblock;

	rep->map.nr = 0;
	rep->ram = 0;
	known_build(x);
	for (unsigned int i = 0; i < x->added.nr && !x->error; i++) {
		u64 pos = x->added.r[i].base, end = x->added.r[i].end;

		rep->ram += end - pos;
		while (pos < end && !x->error) {
			enum piece_state st;
			int8_t nid;
			u64 stop = piece_at(mb, pos, end, &st, &nid);

			if (st == PIECE_REMOVED)
				emit_removed(x, rep, pos, stop);
			else if (st == PIECE_FREE)
				emit_free(x, rep, pos, stop, end_of_boot, nid);
			else
				emit_owned(x, rep, pos, stop, st == PIECE_NOMAP, end_of_boot, nid);
			pos = stop;
		}
	}
	rep->done = !x->error;
}

/* the page allocator's view of the booted machine */
static void report_buddy(struct kmm_explain *x, struct kmm_explain_report *rep)
{
	const struct kmm_machine *m = x->m;

	rep->managed_pages = 0;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; m->node[nid].online && z < m->zone_layout.nr; z++)
			rep->managed_pages += m->node[nid].zones[z].managed_pages;
	rep->free_pages = kmm_nr_free_pages(m);
	rep->cma_in_buddy = 0;
	for (unsigned int i = 0; m->kernel.cma && i < m->nr_cma_areas; i++) {
		unsigned long pfn = (unsigned long)(m->cma_areas[i].base / EXPLAIN_PAGE_SIZE);

		if (kmm_pfn_to_page(m, pfn) &&
		    kmm_get_pageblock_migratetype(m, pfn) == KMM_MIGRATE_CMA)
			rep->cma_in_buddy += (unsigned long)(m->cma_areas[i].size / EXPLAIN_PAGE_SIZE);
	}
}

int kmm_explain_finish(struct kmm_explain *x, char *err, size_t errlen)
{
	if (!x->error && !x->added.nr)
		explain_fail(x, -KMM_ENOENT,
			     "explain: no memblock event seen (is env->memblock_trace set?)");
	if (!x->error && !x->nr_dumps)
		explain_fail(x, -KMM_ENOENT, "explain: the boot never reached a MEMBLOCK dump");
	if (!x->error && !x->m->booted) {
		kmm_snprintf(err, errlen, "explain: the machine did not finish booting; only the "
					  "memblock stage is known");
		return -KMM_EINVAL;
	}
	if (!x->error) {
		report_compute(x, &x->end_of_boot, true);
		report_buddy(x, &x->end_of_boot);
	}
	if (x->error) {
		kmm_snprintf(err, errlen, "%s", x->errmsg);
		return x->error;
	}
	return 0;
}

/* ------------------------------------------------------------ summaries */

static bool cause_before(const struct kmm_explain_cause *a, const struct kmm_explain_cause *b)
{
	if (a->cat != b->cat)
		return a->cat < b->cat;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	return a->label < b->label;
}

unsigned int kmm_explain_causes(const struct kmm_explain_report *r,
				struct kmm_explain_cause *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->map.nr; i++) {
		const struct kmm_explain_range *p = &r->map.r[i];
		unsigned int j;

		for (j = 0; j < n; j++)
			if (out[j].cat == p->cat && out[j].label == p->label)
				break;
		if (j == n) {
			if (n == max)
				continue;
			out[n++] = (struct kmm_explain_cause){ (enum kmm_explain_cat)p->cat,
							       p->label, 0, 0 };
		}
		out[j].bytes += p->end - p->base;
		out[j].nr_ranges++;
	}
	/* insertion sort: a few dozen causes */
	for (unsigned int i = 1; i < n; i++) {
		struct kmm_explain_cause c = out[i];
		unsigned int j = i;

		for (; j > 0 && cause_before(&c, &out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = c;
	}
	return n;
}

u64 kmm_explain_bytes(const struct kmm_explain *x, const struct kmm_explain_report *r,
		      enum kmm_explain_cat cat, const char *label)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < r->map.nr; i++) {
		const struct kmm_explain_range *p = &r->map.r[i];

		if (cat != KMM_EXPLAIN_NR_CATS && p->cat != cat)
			continue;
		if (label && kmm_strcmp(kmm_explain_label(x, p->label), label))
			continue;
		sum += p->end - p->base;
	}
	return sum;
}

bool kmm_explain_validate(const struct kmm_explain_report *r)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < r->map.nr; i++) {
		const struct kmm_explain_range *p = &r->map.r[i];

		if (p->end <= p->base || p->cat >= KMM_EXPLAIN_NR_CATS)
			return false;
		if (i && r->map.r[i - 1].end > p->base)
			return false;
		sum += p->end - p->base;
	}
	return sum == r->ram;
}
