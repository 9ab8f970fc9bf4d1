/* SPDX-License-Identifier: MIT */
/*
 * kmm/explain.h - "where did my RAM go?": every byte of a booted machine's
 * RAM attributed to one cause, at two moments of the boot.
 *
 * A struct kmm_explain watches the boot through memblock's trace hook
 * (env->memblock_trace = kmm_explain_trace, env->memblock_trace_cookie =
 * the struct): it records which ranges of memory were ever added, who
 * removed memory, and who reserved, allocated or took out of the linear map
 * (no-map) which range - the *owner map*, labelled with the caller memblock
 * names in memblock=debug lines, or with mb->trace_label (a device-tree
 * node's name) when the code that reserves sets one.
 *
 * Two reports, each a sorted list of half-open ranges [base, end) that
 * tile exactly the RAM memblock was given (the union of every range ever
 * added: the memory nodes on arm64, the e820 usable map on x86):
 *   - @memblock_stage: the state of the first memblock_dump_all() (the
 *     MEMBLOCK dump at the end of arm64's bootmem_init(), x86's first dump
 *     in e820__memblock_setup()), computed inside the hook;
 *   - @end_of_boot: after mem_init (kmm_explain_finish()): page-granular,
 *     what the buddy allocator manages versus what stays reserved.
 * The cause of a reserved range is, in this order: what the machine state
 * says is there (the kernel image's sections from System.map, the initrd,
 * the device tree blob, CMA areas, crash kernel, the memmap's struct pages
 * per node, sparse metadata, NODE_DATA, per-CPU areas, hash tables), then
 * the owner map, else KMM_EXPLAIN_UNTRACED.
 *
 * Lifecycle: allocate (the struct is large), kmm_explain_init(x, m) after
 * kmm_machine_init(m, ..., env) with the env's hook pointing here, boot,
 * kmm_explain_finish(), then read the reports (kmm_explain_causes()).
 * No allocation, no globals: everything lives in the struct.
 */
#ifndef KMM_EXPLAIN_H
#define KMM_EXPLAIN_H

#include <kmm/env.h>

struct kmm_machine;
struct memblock;
struct memblock_trace_event;

#define KMM_EXPLAIN_MAX_RANGES 8192 /* per map and per report */
#define KMM_EXPLAIN_MAX_LABELS 1024
#define KMM_EXPLAIN_LABEL_LEN 72

/* enum kmm_explain_cat - the causes, in the order reports list them. */
enum kmm_explain_cat {
	KMM_EXPLAIN_FREE,         /* memblock stage: free in memblock; end: managed by buddy */
	KMM_EXPLAIN_MEMRESERVE,   /* the FDT header's /memreserve/ entries */
	KMM_EXPLAIN_NOMAP,        /* no-map carve-outs (out of the linear map), by node */
	KMM_EXPLAIN_RESERVED_MEM, /* other /reserved-memory regions, by node */
	KMM_EXPLAIN_CMA,          /* CMA areas, by name ("reserved" is the default area) */
	KMM_EXPLAIN_KERNEL,       /* the kernel image, by section */
	KMM_EXPLAIN_INITRD,
	KMM_EXPLAIN_DTB,          /* the flattened blob and the unflattened tree */
	KMM_EXPLAIN_MEMMAP,       /* struct pages (per node) and sparse metadata */
	KMM_EXPLAIN_PAGE_TABLES,
	KMM_EXPLAIN_PERCPU,
	KMM_EXPLAIN_HASH_TABLES,
	KMM_EXPLAIN_CRASHKERNEL,  /* crashkernel= and the elfcorehdr */
	KMM_EXPLAIN_FIRMWARE,     /* x86: ACPI tables, setup_data, e820 soft reserved */
	KMM_EXPLAIN_X86_SETUP,    /* x86: low memory, BIOS area, trampoline, MP table */
	KMM_EXPLAIN_OTHER,        /* other early allocations, by allocating function */
	KMM_EXPLAIN_PARTIAL,      /* end: free in memblock but not in buddy: the free bytes of a
				   * page a reservation shares, pages still PG_reserved */
	KMM_EXPLAIN_REMOVED,      /* taken out of memblock.memory (mem=, map limits, trims) */
	KMM_EXPLAIN_UNTRACED,     /* reserved or no-map, nobody the trace saw */
	KMM_EXPLAIN_NR_CATS
};

/* kmm_explain_cat_name - a short name ("free", "no-map", ...), "?" if invalid */
const char *kmm_explain_cat_name(enum kmm_explain_cat cat);

/*
 * struct kmm_explain_range - [base, end) with a cause: @cat and the label
 * kmm_explain_label(x, @label) (0: none).  @nid: the memory's node, -1 when
 * not in memblock.memory (removed) or unknown.
 */
struct kmm_explain_range {
	u64 base, end;
	u16 label;
	u8 cat;
	int8_t nid;
};

/* struct kmm_explain_map - sorted, non-overlapping ranges; @nr <= KMM_EXPLAIN_MAX_RANGES */
struct kmm_explain_map {
	unsigned int nr;
	struct kmm_explain_range r[KMM_EXPLAIN_MAX_RANGES];
};

/*
 * struct kmm_explain_report - one moment.  Once @done: @map tiles the RAM
 * without gaps or overlaps and the sizes add up to @ram.  End of boot only:
 * the page allocator's own counters, to read "managed" as free versus
 * allocated since: @managed_pages (sum of zone managed pages), @free_pages
 * (NR_FREE_PAGES), @cma_in_buddy (CMA areas already handed to the buddy
 * allocator as MIGRATE_CMA, counted in @managed_pages too).
 */
struct kmm_explain_report {
	bool done;
	u64 ram;
	struct kmm_explain_map map;
	unsigned long managed_pages, free_pages, cma_in_buddy;
};

struct kmm_explain {
	const struct kmm_machine *m;
	int error;                   /* first failure (negative kmm_err), 0: none */
	char errmsg[160];
	unsigned int nr_dumps;       /* memblock_dump_all() calls seen */
	unsigned int nr_labels;      /* label[0] is "" */
	char label[KMM_EXPLAIN_MAX_LABELS][KMM_EXPLAIN_LABEL_LEN];
	struct kmm_explain_map added;   /* memory ever added (cat, label unused) */
	struct kmm_explain_map removed; /* who removed memory (cat REMOVED) */
	struct kmm_explain_map owner;   /* who reserved / allocated / no-mapped what */
	struct kmm_explain_map known;   /* scratch: what the machine state says */
	struct kmm_explain_report memblock_stage;
	struct kmm_explain_report end_of_boot;
};

/* kmm_explain_init - start watching @m (its env's hook must point at kmm_explain_trace). */
void kmm_explain_init(struct kmm_explain *x, const struct kmm_machine *m);

/*
 * kmm_explain_trace - the memblock trace hook; @cookie is the struct
 * kmm_explain.  Records the event; at the first MEMBLOCK_TRACE_DUMP fills
 * @memblock_stage.  A full table sets x->error (-KMM_EOVERFLOW).
 */
void kmm_explain_trace(void *cookie, const struct memblock *mb,
		       const struct memblock_trace_event *ev);

/*
 * kmm_explain_finish - fill @end_of_boot from the booted machine.
 * Returns 0, or the first error with @err saying why: the one recorded
 * while tracing (-KMM_EOVERFLOW: a table filled up), -KMM_ENOENT (the boot
 * never reached a MEMBLOCK dump, or nothing was traced: the hook is not
 * installed), -KMM_EINVAL (the machine has not finished booting: only
 * @memblock_stage is valid).
 */
int kmm_explain_finish(struct kmm_explain *x, char *err, size_t errlen);

/* kmm_explain_label - the text of label @id ("" for 0 or an invalid id) */
const char *kmm_explain_label(const struct kmm_explain *x, unsigned int id);

/*
 * struct kmm_explain_cause - one line of the table: every range of @r with
 * this (@cat, @label); @nr_ranges of them, @bytes in all.
 */
struct kmm_explain_cause {
	enum kmm_explain_cat cat;
	unsigned int label;
	u64 bytes;
	unsigned int nr_ranges;
};

/*
 * kmm_explain_causes - group @r's ranges by cause into @out, ordered by
 * category, then by bytes (largest first), then by label.  Returns the
 * number written; causes beyond @max are left out (a report has at most
 * KMM_EXPLAIN_MAX_LABELS labels, one category each in practice).
 */
unsigned int kmm_explain_causes(const struct kmm_explain_report *r,
				struct kmm_explain_cause *out, unsigned int max);

/*
 * kmm_explain_bytes - bytes of @r in category @cat (every category when
 * @cat is KMM_EXPLAIN_NR_CATS) whose label is @label (any label when NULL).
 */
u64 kmm_explain_bytes(const struct kmm_explain *x, const struct kmm_explain_report *r,
		      enum kmm_explain_cat cat, const char *label);

/* kmm_explain_validate - @r tiles [its first base, ...) without overlap and sums to r->ram. */
bool kmm_explain_validate(const struct kmm_explain_report *r);

#endif /* KMM_EXPLAIN_H */
