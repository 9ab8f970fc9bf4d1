// SPDX-License-Identifier: MIT
/*
 * views.c - /proc files of a booted machine in Linux 6.1's formats
 * (mm/vmstat.c zoneinfo_show, frag_show, pagetypeinfo_show; fs/proc/meminfo.c;
 * kernel/resource.c r_show for iomem).
 *
 * Only what kmm models is printed: a zone's structure (spanned, present,
 * managed, cma, watermarks, protection, per-CPU list limits) and its free
 * lists.  Counters of subsystems kmm does not run (anon, file, slab, ...)
 * are left out rather than printed as invented zeros; the line order and
 * spacing of what is printed is Linux's.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/resource.h>
#include <kmm/vmstat.h>

#include "kmm_tool.h"

static bool zone_populated(const struct kmm_zone *z)
{
	return z->present_pages != 0;
}

/* every populated zone of every online node, in /proc order (Linux for_each_populated_zone) */
#define for_each_populated_zone(m, nid, zi, z)                                              \
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++)                                        \
		for (zi = 0; zi < (m)->zone_layout.nr; zi++)                                \
			if (!(m)->node[nid].online ||                                       \
			    !zone_populated(z = &(m)->node[nid].zones[zi])) {               \
			} else

static const char *zone_name(const struct kmm_machine *m, unsigned int zi)
{
	return kmm_zone_kind_name(m->zone_layout.kind[zi]);
}

static unsigned int nr_cpus(const struct kmm_machine *m)
{
	if (m->kernel.arch == KMM_ARCH_ARM64)
		return m->dt && m->dt->nr_cpus ? m->dt->nr_cpus : 1;
	return m->boot.cpus ? m->boot.cpus : 1;
}

static void zoneinfo_zone(FILE *f, const struct kmm_machine *m, int nid, unsigned int zi)
{
	const struct kmm_zone *z = &m->node[nid].zones[zi];

	fprintf(f, "Node %d, zone %8s\n", nid, zone_name(m, zi));
	fprintf(f, "  pages free     %lu\n", z->vm_free_pages);
	fprintf(f, "        boost    %lu\n", z->watermark_boost);
	fprintf(f, "        min      %lu\n", z->watermark[KMM_WMARK_MIN]);
	fprintf(f, "        low      %lu\n", z->watermark[KMM_WMARK_LOW]);
	fprintf(f, "        high     %lu\n", z->watermark[KMM_WMARK_HIGH]);
	fprintf(f, "        spanned  %lu\n", z->spanned_pages);
	fprintf(f, "        present  %lu\n", z->present_pages);
	fprintf(f, "        managed  %lu\n", z->managed_pages);
	fprintf(f, "        cma      %lu\n", z->cma_pages);
	fprintf(f, "        protection: (");
	for (unsigned int j = 0; j < m->zone_layout.nr; j++)
		fprintf(f, "%s%lu", j ? ", " : "", z->lowmem_reserve[j]);
	fprintf(f, ")\n");
	if (!zone_populated(z))
		return;
	fprintf(f, "      %-12s %lu\n", "nr_free_pages", z->vm_free_pages);
	if (m->kernel.cma)
		fprintf(f, "      %-12s %lu\n", "nr_free_cma", z->vm_free_cma_pages);
	fprintf(f, "  pagesets");
	for (unsigned int cpu = 0; cpu < nr_cpus(m); cpu++)
		fprintf(f, "\n    cpu: %u\n              count: %d\n              high:  %d\n"
			   "              batch: %d",
			cpu, 0, z->pageset_high, z->pageset_batch);
	fprintf(f, "\n  node_unreclaimable:  %u\n  start_pfn:           %lu\n", 0u,
		z->zone_start_pfn);
}

void kmm_view_zoneinfo(FILE *f, const struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		if (!m->node[nid].online)
			continue;
		for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++)
			zoneinfo_zone(f, m, nid, zi);
	}
}

void kmm_view_buddyinfo(FILE *f, const struct kmm_machine *m)
{
	const struct kmm_zone *z;
	unsigned int zi;
	int nid;

	for_each_populated_zone(m, nid, zi, z) {
		fprintf(f, "Node %d, zone %8s ", nid, zone_name(m, zi));
		for (unsigned int o = 0; o < KMM_MAX_ORDER; o++)
			fprintf(f, "%6lu ", z->free_area[o].nr_free);
		fprintf(f, "\n");
	}
}

static bool migratetype_shown(const struct kmm_machine *m, unsigned int t)
{
	return t != KMM_MIGRATE_CMA || m->kernel.cma;
}

void kmm_view_pagetypeinfo(FILE *f, const struct kmm_machine *m)
{
	const struct kmm_zone *z;
	unsigned int zi;
	int nid;

	fprintf(f, "Page block order: %d\n", KMM_PAGEBLOCK_ORDER);
	fprintf(f, "Pages per block:  %lu\n\n", KMM_PAGEBLOCK_NR_PAGES);
	fprintf(f, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned int o = 0; o < KMM_MAX_ORDER; o++)
		fprintf(f, "%6u ", o);
	fprintf(f, "\n");
	for_each_populated_zone(m, nid, zi, z) {
		for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++) {
			if (!migratetype_shown(m, t))
				continue;
			fprintf(f, "Node %4d, zone %8s, type %12s ", nid, zone_name(m, zi),
				kmm_migratetype_name(t));
			for (unsigned int o = 0; o < KMM_MAX_ORDER; o++)
				fprintf(f, "%6lu ", z->free_area[o].nr[t]);
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n%-23s", "Number of blocks type ");
	for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++)
		if (migratetype_shown(m, t))
			fprintf(f, "%12s ", kmm_migratetype_name(t));
	fprintf(f, "\n");
	for_each_populated_zone(m, nid, zi, z) {
		unsigned long count[KMM_MIGRATE_TYPES] = { 0 };
		unsigned long pfn, end = z->zone_start_pfn + z->spanned_pages;

		for (pfn = z->zone_start_pfn; pfn < end; pfn += KMM_PAGEBLOCK_NR_PAGES) {
			if (!kmm_pfn_has_memmap(m, pfn) ||
			    kmm_pfn_zone((struct kmm_machine *)m, pfn) != z)
				continue;
			count[kmm_get_pageblock_migratetype(m, pfn)]++;
		}
		fprintf(f, "Node %d, zone %8s ", nid, zone_name(m, zi));
		for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++)
			if (migratetype_shown(m, t))
				fprintf(f, "%12lu ", count[t]);
		fprintf(f, "\n");
	}
}

static void meminfo_line(FILE *f, const char *name, unsigned long kb)
{
	fprintf(f, "%-16s%8lu kB\n", name, kb);
}

void kmm_view_meminfo(FILE *f, const struct kmm_machine *m)
{
	unsigned long free = 0, cma_free = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++) {
			free += m->node[nid].zones[zi].vm_free_pages;
			cma_free += m->node[nid].zones[zi].vm_free_cma_pages;
		}
	meminfo_line(f, "MemTotal:", m->totalram_pages << 2);
	meminfo_line(f, "MemFree:", free << 2);
	if (m->kernel.highmem) {
		meminfo_line(f, "HighTotal:", m->totalhigh_pages << 2);
		meminfo_line(f, "LowTotal:", (m->totalram_pages - m->totalhigh_pages) << 2);
	}
	if (m->kernel.cma) {
		meminfo_line(f, "CmaTotal:", m->totalcma_pages << 2);
		meminfo_line(f, "CmaFree:", cma_free << 2);
	}
}

void kmm_view_min_free_kbytes(FILE *f, const struct kmm_machine *m)
{
	fprintf(f, "%d\n", (int)m->wmark.min_free_kbytes);
}

/*
 * /proc/iomem as root reads it (real addresses): the resources kmm knows
 * (kmm/resource.h says which); empty when the tree was never started.
 */
void kmm_view_iomem(FILE *f, const struct kmm_machine *m)
{
	size_t len;
	char *text;

	if (!m->iomem.started)
		return;
	len = kmm_iomem_show(&m->iomem.tree, NULL, 0);
	text = malloc(len + 1);
	if (!text) {
		fprintf(stderr, "kmm: iomem: out of memory\n");
		return;
	}
	kmm_iomem_show(&m->iomem.tree, text, len + 1);
	fwrite(text, 1, len, f);
	free(text);
}

/* /proc/vmstat: Linux 6.1's lines for the machine's build; what kmm does not model reads 0 */
void kmm_view_vmstat(FILE *f, const struct kmm_machine *m)
{
	size_t len = kmm_vmstat_format(m, NULL, 0);
	char *text = malloc(len + 1);

	if (!text) {
		fprintf(stderr, "kmm: vmstat: out of memory\n");
		return;
	}
	kmm_vmstat_format(m, text, len + 1);
	fwrite(text, 1, len, f);
	free(text);
}
