/* SPDX-License-Identifier: MIT */
/*
 * kmm/watermark.h - the reserves of Linux 6.1's page allocator
 * (mm/page_alloc.c, mm/khugepaged.c): min_free_kbytes, the per-zone
 * min/low/high watermarks, lowmem_reserve[] ("protection" in
 * /proc/zoneinfo), totalreserve_pages, and the per-CPU page list limits
 * (pcp high and batch).
 *
 * The rules, all in pages of 4 KiB:
 *  - min_free_kbytes = int_sqrt(16 * KiB beyond the high watermarks of the
 *    zones up to ZONE_NORMAL), clamped to [128, 262144].  Kernels with
 *    transparent hugepages raise it, when khugepaged starts (RAM >= 512 MiB),
 *    to pageblock_nr_pages * (2 + MIGRATE_PCPTYPES^2) per populated zone up to
 *    ZONE_NORMAL, but never above 5% of those zones' pages.
 *  - pages_min = min_free_kbytes / 4 is shared among the "lowmem" zones (all
 *    but ZONE_HIGHMEM, and ZONE_MOVABLE when it takes its pages from
 *    HighMem) in proportion to managed pages: min = pages_min * managed /
 *    lowmem_pages.  A HighMem zone's min is instead managed / 1024 clamped to
 *    [32, 128] (SWAP_CLUSTER_MAX..128).  The gaps low - min and high - low
 *    are max(share / 4, managed * watermark_scale_factor / 10000), share
 *    being the proportional part every zone would get.  Boost starts at 0.
 *  - lowmem_reserve[j] of zone i < j = (managed pages of zones i+1..j) /
 *    lowmem_reserve_ratio[i]; 0 when the ratio is 0 or zone i manages nothing.
 *  - totalreserve_pages = sum over zones of min(managed, high +
 *    max lowmem_reserve[j >= i]).
 *  - pcp batch = the largest 2^n - 1 <= 1.5 * (min(managed / 1024, 256) / 4)
 *    (at least 1); pcp high = low watermark (or managed /
 *    percpu_pagelist_high_fraction) split across the CPUs of the zone's node
 *    (all online CPUs for a node without CPUs), at least 4 * batch.
 *
 * Lifecycle, as at boot: memblock_free_all() has set the zones' managed
 * pages -> kmm_init_per_zone_wmark_min() (postcore_initcall) ->
 * kmm_hugepage_init_min_free_kbytes() (hugepage_init, subsys_initcall); the
 * results stay in the zones (watermark[], watermark_boost, lowmem_reserve[],
 * pageset_high/batch), the nodes (totalreserve_pages) and m->wmark.  Pages
 * freed later (initrd, __init sections) raise managed_pages but, as in
 * Linux, not the watermarks.
 */
#ifndef KMM_WATERMARK_H
#define KMM_WATERMARK_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

struct kmm_machine;
struct kmm_zone;

#define KMM_MIN_FREE_KBYTES_MIN 128
#define KMM_MIN_FREE_KBYTES_MAX 262144
#define KMM_MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

/*
 * The tunables (vm.* sysctls and their boot values) and the global results.
 * A zeroed struct (kmm_machine_init()) is "not configured": the first
 * kmm_init_per_zone_wmark_min() applies kmm_wmark_set_defaults().
 */
struct kmm_wmark {
	bool configured;		   /* the fields below hold settings */
	int min_free_kbytes;		   /* vm.min_free_kbytes (1024 before it is computed) */
	int user_min_free_kbytes;	   /* -1, or what the user set: never lowered below it */
	int watermark_scale_factor;	   /* 1..3000, default 10 (0.1% of the zone) */
	int watermark_boost_factor;	   /* default 15000 (kept, boosting is not simulated) */
	int percpu_pagelist_high_fraction; /* 0 (pcp high from the low watermark) or >= 8 */
	int lowmem_reserve_ratio[KMM_MAX_NR_ZONES]; /* by zone index; 0 = no reserve */
	bool thp;		 /* transparent hugepages enabled at boot (khugepaged) */
	bool khugepaged_started; /* kmm_hugepage_init_min_free_kbytes() raised the minimum */
	unsigned long totalreserve_pages; /* sum of the nodes' totalreserve_pages */
};

/*
 * kmm_wmark_set_defaults - Linux 6.1's boot values for @m's kernel build:
 * min_free_kbytes 1024, no user value, scale factor 10, boost factor 15000,
 * high fraction 0, lowmem_reserve_ratio DMA 256, DMA32 256, Normal 32, the
 * rest 0, and transparent hugepages on (the Debian kernels are built with
 * CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS) unless the command line says
 * transparent_hugepage=never ("always" and "madvise" keep it on, other
 * values are ignored as Linux ignores them).  Needs m->zone_layout.
 */
void kmm_wmark_set_defaults(struct kmm_machine *m);

/* kmm_zone_is_highmem - is_highmem(): ZONE_HIGHMEM, or ZONE_MOVABLE taking its pages from it */
bool kmm_zone_is_highmem(const struct kmm_machine *m, const struct kmm_zone *z);

/*
 * kmm_calculate_min_free_kbytes - calculate_min_free_kbytes(): set
 * min_free_kbytes from kmm_nr_free_buffer_pages().  When the user's value is
 * not lower it is kept and Linux's warning is printed
 * ("min_free_kbytes is not updated to %d because user defined value %d is preferred").
 */
void kmm_calculate_min_free_kbytes(struct kmm_machine *m);

/*
 * kmm_setup_per_zone_wmarks - setup_per_zone_wmarks(): every zone's
 * watermarks and boost from min_free_kbytes, totalreserve_pages, then every
 * zone's pcp high and batch.  Returns 0, or -KMM_EINVAL with @err when a
 * setting is out of range ("watermark_scale_factor N: not in 1..3000",
 * "percpu_pagelist_high_fraction N: ...", "min_free_kbytes N: negative") or
 * no lowmem zone manages a page ("no managed lowmem pages": Linux would
 * divide by zero); nothing is changed on error.
 */
int kmm_setup_per_zone_wmarks(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_setup_per_zone_lowmem_reserve - setup_per_zone_lowmem_reserve(): every
 * zone's lowmem_reserve[], then totalreserve_pages.  Returns 0 or -KMM_EINVAL
 * ("lowmem_reserve_ratio[I] N: negative"); nothing is changed on error.
 */
int kmm_setup_per_zone_lowmem_reserve(struct kmm_machine *m, char *err, size_t errlen);

/* kmm_calculate_totalreserve_pages - calculate_totalreserve_pages() */
void kmm_calculate_totalreserve_pages(struct kmm_machine *m);

/*
 * kmm_init_per_zone_wmark_min - init_per_zone_wmark_min() (postcore
 * initcall): kmm_calculate_min_free_kbytes(), kmm_setup_per_zone_wmarks(),
 * kmm_setup_per_zone_lowmem_reserve().  Applies kmm_wmark_set_defaults()
 * first when m->wmark is not configured.  Returns 0, or -KMM_EINVAL with
 * @err ("zone layout not set", a zone whose managed > present, or the errors
 * of the two setup functions).
 */
int kmm_init_per_zone_wmark_min(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_hugepage_init_min_free_kbytes - what hugepage_init() (subsys initcall)
 * does to the reserves: with transparent hugepages on and
 * m->totalram_pages >= 512 MiB, start khugepaged and apply
 * set_recommended_min_free_kbytes() (raise min_free_kbytes, printing Linux's
 * "raising min_free_kbytes from %d to %lu to help transparent hugepage
 * allocations" when the user had set it, then kmm_setup_per_zone_wmarks()).
 * Below 512 MiB Linux turns THP off and nothing changes.  Returns 0 or the
 * errors of kmm_setup_per_zone_wmarks().
 */
int kmm_hugepage_init_min_free_kbytes(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_setup_per_cpu_pageset - start_kernel()'s setup_per_cpu_pageset(): every
 * populated zone leaves the boot pageset (high 0, batch 1) for per-CPU lists
 * sized from its managed pages while its watermarks are still 0: batch =
 * zone_batchsize(), high = 4 * batch.  kmm_setup_per_zone_wmarks() resizes
 * them later from the low watermark.
 */
void kmm_setup_per_cpu_pageset(struct kmm_machine *m);

/*
 * kmm_boot_watermarks - both boot steps in order: kmm_init_per_zone_wmark_min()
 * then kmm_hugepage_init_min_free_kbytes().
 */
int kmm_boot_watermarks(struct kmm_machine *m, char *err, size_t errlen);

/* kmm_zone_batchsize - zone_batchsize(): 2^n - 1 from managed pages (may be 0) */
int kmm_zone_batchsize(const struct kmm_zone *z);

/* kmm_zone_highsize - zone_highsize() for @batch, @cpu_online CPUs coming online */
int kmm_zone_highsize(const struct kmm_machine *m, const struct kmm_zone *z, int batch,
		      int cpu_online);

/* kmm_num_online_cpus - num_online_cpus(): m->nr_online_cpus, 1 when unknown */
unsigned int kmm_num_online_cpus(const struct kmm_machine *m);

/*
 * kmm_wmark_validate - check every zone of every online node: min <= low <=
 * high, lowmem_reserve[] zero at and below the zone and non-decreasing above
 * it, pcp batch >= 1 and high >= 4 * batch, and the nodes' and the global
 * totalreserve_pages equal to a recount.  Returns false (reporting through
 * kmm_bug()) on the first inconsistency.  Meaningful after
 * kmm_init_per_zone_wmark_min().
 */
bool kmm_wmark_validate(const struct kmm_machine *m);

#endif /* KMM_WATERMARK_H */
