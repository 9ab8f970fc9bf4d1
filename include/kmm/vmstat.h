/* SPDX-License-Identifier: MIT */
/*
 * kmm/vmstat.h - the page allocator's event counters and /proc/vmstat
 * (Linux 6.1 include/linux/vm_event_item.h, mm/vmstat.c).
 *
 * Event counters count what happened since the machine was made: pages
 * allocated per zone (pgalloc_<zone>), pages freed (pgfree), direct-reclaim
 * stalls per zone (allocstall_<zone>), what reclaim scanned and freed,
 * compaction and migration work, CMA allocations.  Linux keeps them per
 * CPU and sums them when read; so does kmm: each CPU (kmm_this_cpu()) adds
 * to its own cache line with a relaxed atomic add, a reader sums over the
 * CPUs.  The zone state counters (nr_free_pages, nr_free_cma) are the
 * zones' own (kmm/mmzone.h), read atomically.
 *
 * kmm's reclaim has no LRU lists: the registered shrinkers (kmm/vmscan.h)
 * are all there is to reclaim, so pgsteal_kswapd/pgsteal_direct count the
 * pages freed while shrinkers ran, and slabs_scanned the objects they were
 * asked to scan (as Linux counts it).
 *
 * The counters only grow; reading them never takes a lock.
 */
#ifndef KMM_VMSTAT_H
#define KMM_VMSTAT_H

#include <stdatomic.h>

#include <kmm/env.h>
#include <kmm/mmzone.h>

/* Events with one counter each (the per-zone ones follow in struct kmm_vm_event_cpu). */
enum kmm_vm_event {
	KMM_PGFREE,                 /* pages freed (every order counted in pages) */
	KMM_PGSCAN_KSWAPD,          /* objects kswapd's shrinker passes asked for */
	KMM_PGSCAN_DIRECT,          /* objects direct reclaim's shrinker passes asked for */
	KMM_PGSTEAL_KSWAPD,         /* pages freed while kswapd ran the shrinkers */
	KMM_PGSTEAL_DIRECT,         /* pages freed while direct reclaim ran the shrinkers */
	KMM_SLABS_SCANNED,          /* objects the shrinkers scanned (nr_scanned) */
	KMM_PAGEOUTRUN,             /* kswapd balance passes */
	KMM_OOM_KILL,               /* processes killed: always 0, kmm has none */
	KMM_PGMIGRATE_SUCCESS,      /* pages migrated */
	KMM_PGMIGRATE_FAIL,         /* pages whose migration failed */
	KMM_COMPACTMIGRATE_SCANNED, /* pfns the migration scanner looked at */
	KMM_COMPACTFREE_SCANNED,   /* pfns the free scanner looked at */
	KMM_COMPACTISOLATED,       /* pages isolated by both scanners */
	KMM_COMPACTSTALL,          /* direct compaction runs that were not skipped */
	KMM_COMPACTFAIL,           /* ... after which the allocation still failed */
	KMM_COMPACTSUCCESS,         /* ... after which it succeeded */
	KMM_CMA_ALLOC_SUCCESS,      /* cma_alloc() calls that succeeded */
	KMM_CMA_ALLOC_FAIL,         /* ... that failed */
	KMM_NUMA_HIT,               /* allocations on the preferred node */
	KMM_NUMA_MISS,              /* ... on another node */
	KMM_NUMA_FOREIGN,           /* ... meant for this node, placed on another */
	KMM_NUMA_LOCAL,             /* ... on the allocating CPU's node */
	KMM_NUMA_OTHER,             /* ... elsewhere */
	/* kmm's own (not in /proc/vmstat) */
	KMM_ALLOC_FAIL_REPORTS,     /* "page allocation failure" reports printed */
	KMM_OOM_REPORTS,            /* "invoked oom-killer" reports printed */
	KMM_KSWAPD_WAKE,            /* kswapd wake-ups that found work to do */
	KMM_NR_VM_EVENTS
};

#define KMM_VMSTAT_CPUS 64 /* == KMM_PCP_MAX_CPUS: CPUs beyond count as CPU 0 */

/* One CPU's counters, on cache lines of their own. */
struct kmm_vm_event_cpu {
	atomic_ulong ev[KMM_NR_VM_EVENTS];
	atomic_ulong pgalloc[KMM_MAX_NR_ZONES];    /* pages, by zone_idx */
	atomic_ulong allocstall[KMM_MAX_NR_ZONES]; /* direct reclaim runs, by highest zone */
} __attribute__((aligned(64)));

struct kmm_vmstat {
	struct kmm_vm_event_cpu cpu[KMM_VMSTAT_CPUS];
};

struct kmm_machine;

/* kmm_vm_event_count - the sum over CPUs of event @item (0 for an unknown item) */
unsigned long kmm_vm_event_count(const struct kmm_machine *m, enum kmm_vm_event item);

/* kmm_vm_cpu_event_count - event @item on CPU @cpu only (0 for an unknown item or CPU) */
unsigned long kmm_vm_cpu_event_count(const struct kmm_machine *m, unsigned int cpu,
				     enum kmm_vm_event item);

/* kmm_vm_pgalloc_count / kmm_vm_allocstall_count - the per-zone events of zone_idx @zi */
unsigned long kmm_vm_pgalloc_count(const struct kmm_machine *m, unsigned int zi);
unsigned long kmm_vm_allocstall_count(const struct kmm_machine *m, unsigned int zi);

/*
 * kmm_vmstat_item - the value /proc/vmstat prints for @name ("nr_free_pages",
 * "pgalloc_normal", "compact_stall", ...) in *@val.  Returns 0, or
 * -KMM_ENOENT when @m's kernel build has no such line.
 */
int kmm_vmstat_item(const struct kmm_machine *m, const char *name, unsigned long *val);

/*
 * kmm_vmstat_format - /proc/vmstat of @m into @buf (at most @len bytes,
 * always terminated when @len > 0): the lines of Linux 6.1 for @m's
 * architecture and configuration, in Linux's order, "name value" each.
 * What kmm models is current (free pages, the dirty thresholds derived
 * from them, the events above); what it does not (file and anon LRU
 * pages, slab, page faults, THP, swap) reads 0.  Returns the length of the
 * whole text (snprintf's rule: a result >= @len means it was cut).
 */
size_t kmm_vmstat_format(const struct kmm_machine *m, char *buf, size_t len);

#endif /* KMM_VMSTAT_H */
