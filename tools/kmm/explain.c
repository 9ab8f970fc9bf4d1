// SPDX-License-Identifier: MIT
/*
 * explain.c - `kmm explain`: boot a machine like `kmm boot` and say where
 * every byte of its RAM went, at the MEMBLOCK dump and at the end of boot.
 * The accounting is library code (kmm/explain.h); this file only formats
 * it: a table (one line per cause, a total equal to the RAM), every range
 * with --verbose, JSON with --json.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/e820.h>
#include <kmm/explain.h>
#include <kmm/machine.h>

#include "kmm_tool.h"

struct explain_cli {
	struct kmm_explain *x;
	bool verbose, json;
};

static void explain_usage(FILE *f)
{
	fprintf(f,
		"usage: kmm explain [the options of kmm boot] [--verbose] [--json]\n"
		"\n"
		"Boot a machine as `kmm boot` does (same options; without --dmesg/--dtb the\n"
		"built-in QEMU pc 2 GiB machine) and say where every byte of its RAM went:\n"
		"at the MEMBLOCK dump (the end of the memblock stage: arm64 bootmem_init, x86's\n"
		"first dump) and at the end of boot (after mem_init: the buddy allocator versus\n"
		"what stays reserved).  One line per cause - /memreserve/, no-map carve-outs and\n"
		"other /reserved-memory regions by node name, CMA areas, the kernel image by\n"
		"section, initrd, device tree, memmap per node, page tables, per-CPU areas, hash\n"
		"tables, x86 setup and firmware areas, other early allocations by function,\n"
		"free memory - and a total equal to the RAM (memory nodes / e820 usable).\n"
		"\n"
		"  --verbose, -v   also list every range\n"
		"  --json          machine-readable output\n"
		"  (kmm boot --help lists the machine options)\n");
}

static void setup(void *ctx, const struct kmm_machine *m)
{
	struct explain_cli *c = ctx;

	kmm_explain_init(c->x, m);
}

static void print_size(FILE *f, unsigned long long bytes)
{
	if (bytes >= (1ULL << 20))
		fprintf(f, "%10.1f MiB", (double)bytes / (1 << 20));
	else
		fprintf(f, "%10.1f KiB", (double)bytes / 1024);
}

static void text_report(FILE *f, const struct explain_cli *c, const char *title,
			const struct kmm_explain_report *r)
{
	static struct kmm_explain_cause causes[KMM_EXPLAIN_MAX_LABELS];
	unsigned int n = kmm_explain_causes(r, causes, KMM_EXPLAIN_MAX_LABELS);
	unsigned long long sum = 0;

	fprintf(f, "%s\n", title);
	fprintf(f, "  %-16s %-52s %14s %14s %8s\n", "category", "cause", "bytes", "size", "% RAM");
	for (unsigned int i = 0; i < n; i++) {
		const struct kmm_explain_cause *k = &causes[i];

		fprintf(f, "  %-16s %-52s %14llu ", kmm_explain_cat_name(k->cat),
			kmm_explain_label(c->x, k->label), (unsigned long long)k->bytes);
		print_size(f, k->bytes);
		fprintf(f, " %7.2f%%\n", r->ram ? 100.0 * (double)k->bytes / (double)r->ram : 0.0);
		sum += k->bytes;
	}
	fprintf(f, "  %-16s %-52s %14llu ", "total", "", sum);
	print_size(f, sum);
	fprintf(f, " %7.2f%%\n", r->ram ? 100.0 * (double)sum / (double)r->ram : 0.0);
	if (!c->verbose)
		return;
	fprintf(f, "  ranges:\n");
	for (unsigned int i = 0; i < r->map.nr; i++) {
		const struct kmm_explain_range *p = &r->map.r[i];

		fprintf(f, "    [0x%016llx-0x%016llx] %12llu  %-16s %s", (unsigned long long)p->base,
			(unsigned long long)p->end - 1, (unsigned long long)(p->end - p->base),
			kmm_explain_cat_name(p->cat), kmm_explain_label(c->x, p->label));
		if (p->nid >= 0)
			fprintf(f, " (node %d)", p->nid);
		fputc('\n', f);
	}
}

static void text_buddy(FILE *f, const struct kmm_explain_report *r)
{
	fprintf(f, "  buddy allocator: %lu pages managed (%lu KiB): %lu free, %lu allocated since",
		r->managed_pages, r->managed_pages * 4, r->free_pages,
		r->managed_pages >= r->free_pages ? r->managed_pages - r->free_pages : 0);
	if (r->cma_in_buddy)
		fprintf(f, "; %lu of them CMA pages (MIGRATE_CMA)", r->cma_in_buddy);
	fputc('\n', f);
}

/* x86: what the e820 map says is not RAM (outside the total) */
static void text_e820(FILE *f, const struct kmm_machine *m)
{
	const struct e820_table *t = &m->e820.table;
	bool first = true;

	for (unsigned int i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *e = &t->entries[i];
		char name[32];

		if (e->type == E820_TYPE_RAM)
			continue;
		if (first)
			fprintf(f, "\nNot RAM (the e820 map's other areas, not in the total):\n");
		first = false;
		fprintf(f, "  [0x%016llx-0x%016llx] %-14s %14llu ", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1),
			e820_type_name(e->type, name, sizeof(name)), (unsigned long long)e->size);
		print_size(f, e->size);
		fputc('\n', f);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_report(FILE *f, const struct explain_cli *c, const char *name,
			const struct kmm_explain_report *r, bool buddy)
{
	static struct kmm_explain_cause causes[KMM_EXPLAIN_MAX_LABELS];
	unsigned int n = kmm_explain_causes(r, causes, KMM_EXPLAIN_MAX_LABELS);

	fprintf(f, "  \"%s\": {\n    \"ram\": %llu,\n    \"causes\": [", name,
		(unsigned long long)r->ram);
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "%s\n      {\"category\": ", i ? "," : "");
		json_string(f, kmm_explain_cat_name(causes[i].cat));
		fprintf(f, ", \"cause\": ");
		json_string(f, kmm_explain_label(c->x, causes[i].label));
		fprintf(f, ", \"bytes\": %llu, \"ranges\": %u}", (unsigned long long)causes[i].bytes,
			causes[i].nr_ranges);
	}
	fprintf(f, "\n    ],\n    \"ranges\": [");
	for (unsigned int i = 0; i < r->map.nr; i++) {
		const struct kmm_explain_range *p = &r->map.r[i];

		fprintf(f, "%s\n      {\"start\": %llu, \"end\": %llu, \"category\": ", i ? "," : "",
			(unsigned long long)p->base, (unsigned long long)p->end);
		json_string(f, kmm_explain_cat_name(p->cat));
		fprintf(f, ", \"cause\": ");
		json_string(f, kmm_explain_label(c->x, p->label));
		fprintf(f, ", \"node\": %d}", p->nid);
	}
	fprintf(f, "\n    ]");
	if (buddy)
		fprintf(f, ",\n    \"managed_pages\": %lu, \"free_pages\": %lu, \"cma_in_buddy_pages\": %lu",
			r->managed_pages, r->free_pages, r->cma_in_buddy);
	fprintf(f, "\n  }");
}

static void json_output(FILE *f, const struct explain_cli *c, const struct kmm_machine *m)
{
	const struct e820_table *t = &m->e820.table;
	bool first = true;

	fprintf(f, "{\n  \"arch\": \"%s\",\n",
		m->kernel.arch == KMM_ARCH_ARM64 ? "arm64" :
		m->kernel.arch == KMM_ARCH_I386 ? "i386" : "x86_64");
	json_report(f, c, "memblock_stage", &c->x->memblock_stage, false);
	if (c->x->end_of_boot.done) {
		fprintf(f, ",\n");
		json_report(f, c, "end_of_boot", &c->x->end_of_boot, true);
	}
	fprintf(f, ",\n  \"e820_not_ram\": [");
	for (unsigned int i = 0; m->kernel.arch != KMM_ARCH_ARM64 && i < t->nr_entries; i++) {
		char name[32];

		if (t->entries[i].type == E820_TYPE_RAM)
			continue;
		fprintf(f, "%s\n    {\"start\": %llu, \"end\": %llu, \"type\": ", first ? "" : ",",
			(unsigned long long)t->entries[i].addr,
			(unsigned long long)(t->entries[i].addr + t->entries[i].size));
		json_string(f, e820_type_name(t->entries[i].type, name, sizeof(name)));
		fputc('}', f);
		first = false;
	}
	fprintf(f, "\n  ]\n}\n");
}

static int report(void *ctx, struct kmm_machine *m, const struct kmm_hosted_log *log)
{
	struct explain_cli *c = ctx;
	char err[256];
	int ret = kmm_explain_finish(c->x, err, sizeof(err));

	(void)log;
	if (ret && !c->x->memblock_stage.done) {
		fprintf(stderr, "kmm explain: %s\n", err);
		return 1;
	}
	if (ret)
		fprintf(stderr, "kmm explain: %s\n", err);
	if (c->json) {
		json_output(stdout, c, m);
		return 0;
	}
	printf("RAM: %llu bytes (%.1f MiB) in %s\n\n", (unsigned long long)c->x->memblock_stage.ram,
	       (double)c->x->memblock_stage.ram / (1 << 20),
	       m->kernel.arch == KMM_ARCH_ARM64 ? "the memory nodes" : "the e820 usable map");
	text_report(stdout, c, "At the MEMBLOCK dump (end of the memblock stage):",
		    &c->x->memblock_stage);
	if (c->x->end_of_boot.done) {
		printf("\n");
		text_report(stdout, c, "At the end of boot (after mem_init):", &c->x->end_of_boot);
		text_buddy(stdout, &c->x->end_of_boot);
	}
	if (m->kernel.arch != KMM_ARCH_ARM64)
		text_e820(stdout, m);
	return 0;
}

int kmm_cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		KMM_BOOT_LONGOPTS,
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmm_boot_opts o = { 0 };
	struct explain_cli c = { 0 };
	struct kmm_boot_run run = { .prog = "kmm explain", .memblock_trace = kmm_explain_trace,
				    .setup = setup, .report = report, .ctx = &c };
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		if (!kmm_boot_opt(&o, opt, optarg))
			continue;
		switch (opt) {
		case 'v': c.verbose = true; break;
		case 'j': c.json = true; break;
		case 'h': explain_usage(stdout); return 0;
		default: explain_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kmm explain: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	c.x = calloc(1, sizeof(*c.x));
	if (!c.x) {
		fprintf(stderr, "kmm explain: out of memory\n");
		return 1;
	}
	run.trace_cookie = c.x;
	ret = kmm_boot_run(&o, &run);
	free(c.x);
	return ret;
}
