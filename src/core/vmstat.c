// SPDX-License-Identifier: MIT
/*
 * vmstat.c - the event counters and /proc/vmstat (see kmm/vmstat.h).
 *
 * The text lists the lines of Linux 6.1's vmstat_text[] that the Debian
 * builds print, measured on the oracle boots: x86_64 173 lines, i386 155,
 * arm64 169.  Which lines exist depends on the build: the NUMA counters
 * (CONFIG_NUMA, also NUMA balancing and memory tiering), one per-zone
 * event line per zone of the build (pgalloc_, allocstall_, pgskip_), the
 * CMA events (CONFIG_CMA), the PUD THP split (x86_64) and the direct-map
 * split counters (x86).  Each line has a source: a zone counter, an event,
 * a derived value (the dirty thresholds) or nothing kmm models (0).
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/vmstat.h>

#include "page_alloc_internal.h"

_Static_assert(KMM_VMSTAT_CPUS == KMM_PCP_MAX_CPUS, "counters are kept per page-allocator CPU");

/*
 * What the per-CPU lists of pcp slot @slot counted of @stat, on CPU @cpu
 * or (@cpu == KMM_PCP_MAX_CPUS) on every CPU.
 */
static unsigned long pcp_stat(const struct kmm_machine *m, unsigned int slot,
			      enum kmm_pcp_stat stat, unsigned int cpu)
{
	unsigned int c0 = cpu < KMM_PCP_MAX_CPUS ? cpu : 0;
	unsigned int c1 = cpu < KMM_PCP_MAX_CPUS ? cpu + 1 : KMM_PCP_MAX_CPUS;
	unsigned long n = 0;

	for (unsigned int c = c0; c < c1; c++)
		n += __atomic_load_n(&m->page_alloc.pcp[slot][c].stat[stat], __ATOMIC_RELAXED);
	return n;
}

/* @stat over every zone's lists */
static unsigned long pcp_stat_all(const struct kmm_machine *m, enum kmm_pcp_stat stat,
				  unsigned int cpu)
{
	unsigned int slots = atomic_load_explicit(&m->page_alloc.nr_pcp_slots,
						  memory_order_acquire);
	unsigned long n = 0;

	for (unsigned int s = 0; s < slots && s < KMM_PCP_MAX_ZONES; s++)
		n += pcp_stat(m, s, stat, cpu);
	return n;
}

/* the per-CPU lists' share of event @item, 0 for the events they do not count */
static unsigned long pcp_event(const struct kmm_machine *m, enum kmm_vm_event item,
			       unsigned int cpu)
{
	switch (item) {
	case KMM_PGFREE: return pcp_stat_all(m, KMM_PCP_PGFREE, cpu);
	case KMM_NUMA_HIT: return pcp_stat_all(m, KMM_PCP_NUMA_HIT, cpu);
	case KMM_NUMA_MISS: return pcp_stat_all(m, KMM_PCP_NUMA_MISS, cpu);
	case KMM_NUMA_FOREIGN: return pcp_stat_all(m, KMM_PCP_NUMA_FOREIGN, cpu);
	case KMM_NUMA_LOCAL: return pcp_stat_all(m, KMM_PCP_NUMA_LOCAL, cpu);
	case KMM_NUMA_OTHER: return pcp_stat_all(m, KMM_PCP_NUMA_OTHER, cpu);
	default: return 0;
	}
}

unsigned long kmm_vm_event_count(const struct kmm_machine *m, enum kmm_vm_event item)
{
	unsigned long n;

	if ((unsigned int)item >= KMM_NR_VM_EVENTS)
		return 0;
	n = pcp_event(m, item, KMM_PCP_MAX_CPUS);
	for (unsigned int c = 0; c < KMM_VMSTAT_CPUS; c++)
		n += atomic_load_explicit(&m->page_alloc.vmstat.cpu[c].ev[item],
					  memory_order_relaxed);
	return n;
}

unsigned long kmm_vm_cpu_event_count(const struct kmm_machine *m, unsigned int cpu,
				     enum kmm_vm_event item)
{
	if ((unsigned int)item >= KMM_NR_VM_EVENTS || cpu >= KMM_VMSTAT_CPUS)
		return 0;
	return pcp_event(m, item, cpu) +
	       atomic_load_explicit(&m->page_alloc.vmstat.cpu[cpu].ev[item], memory_order_relaxed);
}

unsigned long kmm_vm_pgalloc_count(const struct kmm_machine *m, unsigned int zi)
{
	unsigned long n = 0;

	if (zi >= KMM_MAX_NR_ZONES)
		return 0;
	for (unsigned int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		unsigned int s = atomic_load_explicit(&m->page_alloc.pcp_slot[nid][zi],
						      memory_order_acquire);

		if (s)
			n += pcp_stat(m, s - 1, KMM_PCP_PGALLOC, KMM_PCP_MAX_CPUS);
	}
	for (unsigned int c = 0; c < KMM_VMSTAT_CPUS; c++)
		n += atomic_load_explicit(&m->page_alloc.vmstat.cpu[c].pgalloc[zi],
					  memory_order_relaxed);
	return n;
}

unsigned long kmm_vm_allocstall_count(const struct kmm_machine *m, unsigned int zi)
{
	unsigned long n = 0;

	for (unsigned int c = 0; zi < KMM_MAX_NR_ZONES && c < KMM_VMSTAT_CPUS; c++)
		n += atomic_load_explicit(&m->page_alloc.vmstat.cpu[c].allocstall[zi],
					  memory_order_relaxed);
	return n;
}

/* ------------------------------------------------------------ sources */

enum src_kind {
	SRC_ZERO,       /* not modelled */
	SRC_EVENT,      /* an event counter */
	SRC_FREE,       /* NR_FREE_PAGES */
	SRC_FREE_CMA,   /* NR_FREE_CMA_PAGES */
	SRC_DIRTY,      /* nr_dirty_threshold */
	SRC_DIRTY_BG,   /* nr_dirty_background_threshold */
	SRC_ZONE_EVENT, /* per-zone line group: pgalloc_, allocstall_, pgskip_ */
};

/* when a line exists */
enum src_cond {
	IF_ALL,
	IF_NUMA,
	IF_CMA,
	IF_X86,
	IF_X86_64,
};

struct vm_line {
	const char *name; /* for SRC_ZONE_EVENT the prefix */
	u8 kind, cond;
	u8 item;          /* enum kmm_vm_event, or 0..2 = pgalloc/allocstall/pgskip */
};

#define Z(n) { n, SRC_ZERO, IF_ALL, 0 }
#define ZC(n, c) { n, SRC_ZERO, c, 0 }
#define EV(n, e) { n, SRC_EVENT, IF_ALL, e }
#define EVC(n, e, c) { n, SRC_EVENT, c, e }

static const struct vm_line vm_lines[] = {
	{ "nr_free_pages", SRC_FREE, IF_ALL, 0 },
	Z("nr_zone_inactive_anon"), Z("nr_zone_active_anon"), Z("nr_zone_inactive_file"),
	Z("nr_zone_active_file"), Z("nr_zone_unevictable"), Z("nr_zone_write_pending"),
	Z("nr_mlock"), Z("nr_bounce"), Z("nr_zspages"),
	{ "nr_free_cma", SRC_FREE_CMA, IF_ALL, 0 },
	EVC("numa_hit", KMM_NUMA_HIT, IF_NUMA), EVC("numa_miss", KMM_NUMA_MISS, IF_NUMA),
	EVC("numa_foreign", KMM_NUMA_FOREIGN, IF_NUMA), ZC("numa_interleave", IF_NUMA),
	EVC("numa_local", KMM_NUMA_LOCAL, IF_NUMA), EVC("numa_other", KMM_NUMA_OTHER, IF_NUMA),
	Z("nr_inactive_anon"), Z("nr_active_anon"), Z("nr_inactive_file"), Z("nr_active_file"),
	Z("nr_unevictable"), Z("nr_slab_reclaimable"), Z("nr_slab_unreclaimable"),
	Z("nr_isolated_anon"), Z("nr_isolated_file"), Z("workingset_nodes"),
	Z("workingset_refault_anon"), Z("workingset_refault_file"),
	Z("workingset_activate_anon"), Z("workingset_activate_file"),
	Z("workingset_restore_anon"), Z("workingset_restore_file"), Z("workingset_nodereclaim"),
	Z("nr_anon_pages"), Z("nr_mapped"), Z("nr_file_pages"), Z("nr_dirty"), Z("nr_writeback"),
	Z("nr_writeback_temp"), Z("nr_shmem"), Z("nr_shmem_hugepages"), Z("nr_shmem_pmdmapped"),
	Z("nr_file_hugepages"), Z("nr_file_pmdmapped"), Z("nr_anon_transparent_hugepages"),
	Z("nr_vmscan_write"), Z("nr_vmscan_immediate_reclaim"), Z("nr_dirtied"), Z("nr_written"),
	Z("nr_throttled_written"), Z("nr_kernel_misc_reclaimable"), Z("nr_foll_pin_acquired"),
	Z("nr_foll_pin_released"), Z("nr_kernel_stack"), Z("nr_page_table_pages"),
	Z("nr_sec_page_table_pages"), Z("nr_swapcached"),
	ZC("pgpromote_success", IF_NUMA), ZC("pgpromote_candidate", IF_NUMA),
	{ "nr_dirty_threshold", SRC_DIRTY, IF_ALL, 0 },
	{ "nr_dirty_background_threshold", SRC_DIRTY_BG, IF_ALL, 0 },
	Z("pgpgin"), Z("pgpgout"), Z("pswpin"), Z("pswpout"),
	{ "pgalloc_", SRC_ZONE_EVENT, IF_ALL, 0 },
	{ "allocstall_", SRC_ZONE_EVENT, IF_ALL, 1 },
	{ "pgskip_", SRC_ZONE_EVENT, IF_ALL, 2 },
	EV("pgfree", KMM_PGFREE), Z("pgactivate"), Z("pgdeactivate"), Z("pglazyfree"),
	Z("pgfault"), Z("pgmajfault"), Z("pglazyfreed"), Z("pgrefill"), Z("pgreuse"),
	EV("pgsteal_kswapd", KMM_PGSTEAL_KSWAPD), EV("pgsteal_direct", KMM_PGSTEAL_DIRECT),
	Z("pgdemote_kswapd"), Z("pgdemote_direct"),
	EV("pgscan_kswapd", KMM_PGSCAN_KSWAPD), EV("pgscan_direct", KMM_PGSCAN_DIRECT),
	Z("pgscan_direct_throttle"), Z("pgscan_anon"), Z("pgscan_file"), Z("pgsteal_anon"),
	Z("pgsteal_file"), ZC("zone_reclaim_failed", IF_NUMA), Z("pginodesteal"),
	EV("slabs_scanned", KMM_SLABS_SCANNED), Z("kswapd_inodesteal"),
	Z("kswapd_low_wmark_hit_quickly"), Z("kswapd_high_wmark_hit_quickly"),
	EV("pageoutrun", KMM_PAGEOUTRUN), Z("pgrotated"), Z("drop_pagecache"), Z("drop_slab"),
	EV("oom_kill", KMM_OOM_KILL),
	ZC("numa_pte_updates", IF_NUMA), ZC("numa_huge_pte_updates", IF_NUMA),
	ZC("numa_hint_faults", IF_NUMA), ZC("numa_hint_faults_local", IF_NUMA),
	ZC("numa_pages_migrated", IF_NUMA),
	EV("pgmigrate_success", KMM_PGMIGRATE_SUCCESS), EV("pgmigrate_fail", KMM_PGMIGRATE_FAIL),
	Z("thp_migration_success"), Z("thp_migration_fail"), Z("thp_migration_split"),
	EV("compact_migrate_scanned", KMM_COMPACTMIGRATE_SCANNED),
	EV("compact_free_scanned", KMM_COMPACTFREE_SCANNED),
	EV("compact_isolated", KMM_COMPACTISOLATED), EV("compact_stall", KMM_COMPACTSTALL),
	EV("compact_fail", KMM_COMPACTFAIL), EV("compact_success", KMM_COMPACTSUCCESS),
	Z("compact_daemon_wake"), Z("compact_daemon_migrate_scanned"),
	Z("compact_daemon_free_scanned"), Z("htlb_buddy_alloc_success"),
	Z("htlb_buddy_alloc_fail"),
	EVC("cma_alloc_success", KMM_CMA_ALLOC_SUCCESS, IF_CMA),
	EVC("cma_alloc_fail", KMM_CMA_ALLOC_FAIL, IF_CMA),
	Z("unevictable_pgs_culled"), Z("unevictable_pgs_scanned"), Z("unevictable_pgs_rescued"),
	Z("unevictable_pgs_mlocked"), Z("unevictable_pgs_munlocked"), Z("unevictable_pgs_cleared"),
	Z("unevictable_pgs_stranded"), Z("thp_fault_alloc"), Z("thp_fault_fallback"),
	Z("thp_fault_fallback_charge"), Z("thp_collapse_alloc"), Z("thp_collapse_alloc_failed"),
	Z("thp_file_alloc"), Z("thp_file_fallback"), Z("thp_file_fallback_charge"),
	Z("thp_file_mapped"), Z("thp_split_page"), Z("thp_split_page_failed"),
	Z("thp_deferred_split_page"), Z("thp_split_pmd"), Z("thp_scan_exceed_none_pte"),
	Z("thp_scan_exceed_swap_pte"), Z("thp_scan_exceed_share_pte"), ZC("thp_split_pud", IF_X86_64),
	Z("thp_zero_page_alloc"), Z("thp_zero_page_alloc_failed"), Z("thp_swpout"),
	Z("thp_swpout_fallback"), Z("balloon_inflate"), Z("balloon_deflate"), Z("balloon_migrate"),
	Z("swap_ra"), Z("swap_ra_hit"), Z("ksm_swpin_copy"), Z("cow_ksm"), Z("zswpin"),
	Z("zswpout"), ZC("direct_map_level2_splits", IF_X86), ZC("direct_map_level3_splits", IF_X86),
	Z("nr_unstable"),
};

static bool line_exists(const struct kmm_machine *m, const struct vm_line *l)
{
	switch (l->cond) {
	case IF_NUMA:
		return m->kernel.numa;
	case IF_CMA:
		return m->kernel.cma;
	case IF_X86:
		return m->kernel.arch != KMM_ARCH_ARM64;
	case IF_X86_64:
		return m->kernel.arch == KMM_ARCH_X86_64;
	default:
		return true;
	}
}

static unsigned long sum_zones(const struct kmm_machine *m, bool cma)
{
	unsigned long n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++) {
			const struct kmm_zone *z = &m->node[nid].zones[zi];

			n += cma ? kmm_read_ulong(&z->vm_free_cma_pages) : kmm_zone_free_pages(z);
		}
	return n;
}

/*
 * global_dirtyable_memory(): free pages above the reserves (plus the file
 * LRU, which kmm does not have), HighMem left out (vm_highmem_is_dirtyable
 * is 0), plus one so it is never 0.  The thresholds are vm_dirty_ratio 20%
 * and dirty_background_ratio 10% of it, each ratio first scaled to a
 * fraction of PAGE_SIZE as domain_dirty_limits() does.
 */
static unsigned long dirty_threshold(const struct kmm_machine *m, unsigned int ratio)
{
	unsigned long free = sum_zones(m, false), x, high = 0;
	unsigned long reserve = m->wmark.totalreserve_pages;
	unsigned long scaled = ratio * KMM_PAGE_SIZE / 100;

	x = free - KMM_MIN(free, reserve);
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++) {
			const struct kmm_zone *z = &m->node[nid].zones[zi];
			unsigned long f = kmm_zone_free_pages(z), h = kmm_wmark_pages(z, KMM_WMARK_HIGH);

			if (z->kind == KMM_ZONE_HIGHMEM)
				high += f - KMM_MIN(f, h);
		}
	x -= KMM_MIN(x, high);
	x += 1;
	return (unsigned long)((u64)scaled * x / KMM_PAGE_SIZE);
}

static unsigned long zone_event(const struct kmm_machine *m, unsigned int which, unsigned int zi)
{
	if (which == 0)
		return kmm_vm_pgalloc_count(m, zi);
	if (which == 1)
		return kmm_vm_allocstall_count(m, zi);
	return 0; /* pgskip: kmm's reclaim has no LRU to skip pages of */
}

static unsigned long line_value(const struct kmm_machine *m, const struct vm_line *l)
{
	unsigned long dirty, bg;

	switch (l->kind) {
	case SRC_EVENT:
		return kmm_vm_event_count(m, (enum kmm_vm_event)l->item);
	case SRC_FREE:
		return sum_zones(m, false);
	case SRC_FREE_CMA:
		return sum_zones(m, true);
	case SRC_DIRTY:
	case SRC_DIRTY_BG:
		dirty = dirty_threshold(m, 20);
		bg = dirty_threshold(m, 10);
		if (bg >= dirty)
			bg = dirty / 2;
		return l->kind == SRC_DIRTY ? dirty : bg;
	default:
		return 0;
	}
}

/* the lowercase name of zone kind @k as vmstat spells it ("dma32", "high", ...) */
static const char *zone_event_suffix(enum kmm_zone_kind k)
{
	static const char *const names[KMM_ZONE_KINDS] = {
		"dma", "dma32", "normal", "high", "movable", "device",
	};

	return (unsigned int)k < KMM_ZONE_KINDS ? names[k] : "?";
}

int kmm_vmstat_item(const struct kmm_machine *m, const char *name, unsigned long *val)
{
	for (size_t i = 0; i < KMM_ARRAY_SIZE(vm_lines); i++) {
		const struct vm_line *l = &vm_lines[i];
		size_t plen = kmm_strlen(l->name);

		if (!line_exists(m, l))
			continue;
		if (l->kind != SRC_ZONE_EVENT) {
			if (!kmm_strcmp(l->name, name)) {
				*val = line_value(m, l);
				return 0;
			}
			continue;
		}
		if (kmm_strncmp(l->name, name, plen))
			continue;
		for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++)
			if (!kmm_strcmp(name + plen, zone_event_suffix(m->zone_layout.kind[zi]))) {
				*val = zone_event(m, l->item, zi);
				return 0;
			}
	}
	return -KMM_ENOENT;
}

struct out {
	char *buf;
	size_t len, at;
};

static void out_line(struct out *o, const char *prefix, const char *name, unsigned long v)
{
	char line[96];
	int n = kmm_snprintf(line, sizeof(line), "%s%s %lu\n", prefix, name, v);

	for (int i = 0; i < n; i++, o->at++)
		if (o->at + 1 < o->len)
			o->buf[o->at] = line[i];
}

size_t kmm_vmstat_format(const struct kmm_machine *m, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	for (size_t i = 0; i < KMM_ARRAY_SIZE(vm_lines); i++) {
		const struct vm_line *l = &vm_lines[i];

		if (!line_exists(m, l))
			continue;
		if (l->kind != SRC_ZONE_EVENT) {
			out_line(&o, "", l->name, line_value(m, l));
			continue;
		}
		for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++)
			out_line(&o, l->name, zone_event_suffix(m->zone_layout.kind[zi]),
				 zone_event(m, l->item, zi));
	}
	if (len)
		buf[KMM_MIN(o.at, len - 1)] = '\0';
	return o.at;
}
