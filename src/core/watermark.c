// SPDX-License-Identifier: MIT
/*
 * watermark.c - min_free_kbytes, zone watermarks, lowmem reserves and the
 * per-CPU page list limits of Linux 6.1 (mm/page_alloc.c, mm/khugepaged.c),
 * see kmm/watermark.h for the rules.
 *
 * Boot order, which decides which managed-page counts each figure sees:
 *   postcore_initcall init_per_zone_wmark_min():
 *       min_free_kbytes from the square root of the lowmem size,
 *       watermarks + pcp limits, lowmem_reserve[]
 *   subsys_initcall hugepage_init() (THP kernels, RAM >= 512 MiB):
 *       min_free_kbytes raised for hugepage fragmentation avoidance,
 *       watermarks + pcp limits again (lowmem_reserve[] is not redone)
 * Everything walks the zones of the online nodes in node and zone index
 * order ("for_each_zone"), empty zones included: an empty HighMem zone still
 * gets its clamped minimum of 32 pages.
 */
#include <kmm/check.h>
#include <kmm/cmdline.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/watermark.h>
#include <kmm/zonelist.h>

#define PAGE_SHIFT 12
#define SWAP_CLUSTER_MAX 32UL
#define PCP_BATCH_MAX_PAGES (1UL << (20 - PAGE_SHIFT)) /* 1 MiB */
#define THP_MIN_RAM_PAGES (512UL << (20 - PAGE_SHIFT)) /* hugepage_init()'s 512 MiB */
#define MAX_WATERMARK_SCALE_FACTOR 3000

_Static_assert(PAGE_SHIFT == 12, "the rules below are written for 4 KiB pages");

/* the first online node id >= @nid, or KMM_MAX_NUMNODES */
static int __next_online_nid(const struct kmm_machine *m, int nid)
{
	while (nid < KMM_MAX_NUMNODES && !m->node[nid].online)
		nid++;
	return nid;
}

/* for_each_online_pgdat(), by node id */
#define for_each_online_nid(m, nid)                                       \
	for (int nid = __next_online_nid((m), 0); nid < KMM_MAX_NUMNODES; \
	     nid = __next_online_nid((m), nid + 1))

/* floor(sqrt(@x)), one result bit at a time from the top */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long root = 0, bit = 1UL << (sizeof(x) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= root + bit) {
			x -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

/* floor(@x * @n / @d) without forming x * n */
static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + (x % d) * n / d;
}

/* the largest power of two <= @x (@x >= 1) */
static unsigned long rounddown_pow_of_two(unsigned long x)
{
	return 1UL << (sizeof(x) * 8 - 1 - (unsigned int)__builtin_clzl(x));
}

/* sysctl_lowmem_reserve_ratio[]: DMA and DMA32 keep 1/256, Normal 1/32 of what is above */
static int default_lowmem_reserve_ratio(enum kmm_zone_kind kind)
{
	switch (kind) {
	case KMM_ZONE_DMA:
	case KMM_ZONE_DMA32:
		return 256;
	case KMM_ZONE_NORMAL:
		return 32;
	default:
		return 0;
	}
}

void kmm_wmark_set_defaults(struct kmm_machine *m)
{
	struct kmm_wmark *w = &m->wmark;
	const char *thp;

	w->configured = true;
	w->min_free_kbytes = 1024;
	w->user_min_free_kbytes = -1;
	w->watermark_scale_factor = 10;
	w->watermark_boost_factor = 15000;
	w->percpu_pagelist_high_fraction = 0;
	kmm_memset(w->lowmem_reserve_ratio, 0, sizeof(w->lowmem_reserve_ratio));
	for (unsigned int i = 0; i < m->zone_layout.nr && i < KMM_MAX_NR_ZONES; i++)
		w->lowmem_reserve_ratio[i] = default_lowmem_reserve_ratio(m->zone_layout.kind[i]);
	/* setup_transparent_hugepage(): only "never" turns the always-on default off */
	thp = kmm_cmdline_find(&m->cmdline, "transparent_hugepage", NULL);
	w->thp = !(thp && kmm_strcmp(thp, "never") == 0);
	w->khugepaged_started = false;
}

/* zone_idx of @z, found by where it lies in m->node[]; false if not a zone of @m */
static bool zone_position(const struct kmm_machine *m, const struct kmm_zone *z, int *nid,
			  unsigned int *idx)
{
	uintptr_t base = (uintptr_t)m->node, at = (uintptr_t)z;
	uintptr_t off, zoff;

	if (at < base || at >= base + sizeof(m->node))
		return false;
	off = at - base;
	*nid = (int)(off / sizeof(m->node[0]));
	zoff = at - (uintptr_t)m->node[*nid].zones;
	if (at < (uintptr_t)m->node[*nid].zones || zoff % sizeof(*z) ||
	    zoff / sizeof(*z) >= KMM_MAX_NR_ZONES)
		return false;
	*idx = (unsigned int)(zoff / sizeof(*z));
	return true;
}

/* is_highmem_idx(): HighMem, or Movable when ZONE_MOVABLE is carved from HighMem */
static bool zone_idx_is_highmem(const struct kmm_machine *m, unsigned int idx)
{
	int high = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_HIGHMEM);

	if (high < 0 || idx >= m->zone_layout.nr)
		return false;
	if ((int)idx == high)
		return true;
	return m->zone_layout.kind[idx] == KMM_ZONE_MOVABLE && m->movable_zone == high;
}

bool kmm_zone_is_highmem(const struct kmm_machine *m, const struct kmm_zone *z)
{
	unsigned int idx;
	int nid;

	return zone_position(m, z, &nid, &idx) && zone_idx_is_highmem(m, idx);
}

unsigned int kmm_num_online_cpus(const struct kmm_machine *m)
{
	return m->nr_online_cpus ? m->nr_online_cpus : 1;
}

void kmm_calculate_min_free_kbytes(struct kmm_machine *m)
{
	struct kmm_wmark *w = &m->wmark;
	unsigned long lowmem_kbytes = kmm_nr_free_buffer_pages(m) << (PAGE_SHIFT - 10);
	unsigned long root = int_sqrt(lowmem_kbytes * 16);
	int computed = root > (unsigned long)KMM_MIN_FREE_KBYTES_MAX ? KMM_MIN_FREE_KBYTES_MAX + 1 :
								       (int)root;

	if (computed > w->user_min_free_kbytes)
		w->min_free_kbytes = KMM_MAX(KMM_MIN_FREE_KBYTES_MIN,
					     KMM_MIN(computed, KMM_MIN_FREE_KBYTES_MAX));
	else
		kmm_printk(
			&m->env,
			"min_free_kbytes is not updated to %d because user defined value %d is preferred",
			computed, w->user_min_free_kbytes);
}

int kmm_zone_batchsize(const struct kmm_zone *z)
{
	/* about 0.1% of the zone, at most 1 MiB, as a quarter ... */
	unsigned long batch = KMM_MIN(z->managed_pages >> 10, PCP_BATCH_MAX_PAGES) / 4;

	if (batch < 1)
		batch = 1;
	/* ... then 1.5 times that, cut to 2^n - 1 (powers of two alias badly in caches) */
	return (int)(rounddown_pow_of_two(batch + batch / 2) - 1);
}

int kmm_zone_highsize(const struct kmm_machine *m, const struct kmm_zone *z, int batch,
		      int cpu_online)
{
	int frac = m->wmark.percpu_pagelist_high_fraction;
	unsigned long total = frac ? z->managed_pages / (unsigned long)frac :
				     z->watermark[KMM_WMARK_LOW];
	unsigned int split = cpu_online;
	unsigned int idx;
	int nid, high;

	/* shared by the CPUs of the zone's node; by all CPUs when the node has none */
	if (zone_position(m, z, &nid, &idx))
		split += m->node_nr_cpus[nid];
	if (!split)
		split = kmm_num_online_cpus(m);
	high = (int)(total / split);
	return KMM_MAX(high, batch << 2);
}

/* zone_set_pageset_high_and_batch(): pcp limits from the zone's current size */
static void zone_pcp_update(struct kmm_machine *m, struct kmm_zone *z)
{
	int batch = KMM_MAX(1, kmm_zone_batchsize(z));

	z->pageset_batch = batch;
	z->pageset_high = kmm_zone_highsize(m, z, batch, 0);
}

void kmm_setup_per_cpu_pageset(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int i = 0; m->node[nid].online && i < m->zone_layout.nr; i++)
			if (m->node[nid].zones[i].present_pages)
				zone_pcp_update(m, &m->node[nid].zones[i]);
}

void kmm_calculate_totalreserve_pages(struct kmm_machine *m)
{
	unsigned long total = 0;

	for_each_online_nid(m, nid) {
		struct kmm_pgdat *pg = &m->node[nid];

		pg->totalreserve_pages = 0;
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			const struct kmm_zone *z = &pg->zones[i];
			unsigned long reserve = 0;

			/* the largest reserve any allocation can leave here, plus high */
			for (unsigned int j = i; j < m->zone_layout.nr; j++)
				reserve = KMM_MAX(reserve, z->lowmem_reserve[j]);
			reserve += z->watermark[KMM_WMARK_HIGH] + z->watermark_boost;
			reserve = KMM_MIN(reserve, z->managed_pages);
			pg->totalreserve_pages += reserve;
			total += reserve;
		}
	}
	m->wmark.totalreserve_pages = total;
}

static int check_wmark_settings(const struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_wmark *w = &m->wmark;

	if (w->min_free_kbytes < 0) {
		kmm_snprintf(err, errlen, "min_free_kbytes %d: negative", w->min_free_kbytes);
		return -KMM_EINVAL;
	}
	if (w->watermark_scale_factor < 1 ||
	    w->watermark_scale_factor > MAX_WATERMARK_SCALE_FACTOR) {
		kmm_snprintf(err, errlen, "watermark_scale_factor %d: not in 1..%d",
			     w->watermark_scale_factor, MAX_WATERMARK_SCALE_FACTOR);
		return -KMM_EINVAL;
	}
	if (w->percpu_pagelist_high_fraction < 0 ||
	    (w->percpu_pagelist_high_fraction &&
	     w->percpu_pagelist_high_fraction < KMM_MIN_PERCPU_PAGELIST_HIGH_FRACTION)) {
		kmm_snprintf(err, errlen, "percpu_pagelist_high_fraction %d: neither 0 nor >= %d",
			     w->percpu_pagelist_high_fraction,
			     KMM_MIN_PERCPU_PAGELIST_HIGH_FRACTION);
		return -KMM_EINVAL;
	}
	return 0;
}

/*
 * One zone's watermarks.  @share is its proportional part of pages_min; a
 * highmem zone keeps a small fixed minimum instead (atomic and reclaim-time
 * allocations cannot use highmem anyway) but gets the same gaps.
 */
static void zone_set_wmarks(const struct kmm_machine *m, struct kmm_zone *z, unsigned int idx,
			    unsigned long share)
{
	unsigned long gap;

	if (zone_idx_is_highmem(m, idx))
		z->watermark[KMM_WMARK_MIN] =
			KMM_MIN(KMM_MAX(z->managed_pages / 1024, SWAP_CLUSTER_MAX), 128UL);
	else
		z->watermark[KMM_WMARK_MIN] = share;
	gap = KMM_MAX(share >> 2, mult_frac(z->managed_pages,
					    (unsigned long)m->wmark.watermark_scale_factor, 10000));
	z->watermark_boost = 0;
	z->watermark[KMM_WMARK_LOW] = z->watermark[KMM_WMARK_MIN] + gap;
	z->watermark[KMM_WMARK_HIGH] = z->watermark[KMM_WMARK_LOW] + gap;
}

int kmm_setup_per_zone_wmarks(struct kmm_machine *m, char *err, size_t errlen)
{
	unsigned long pages_min, lowmem_pages = 0;
	int ret = check_wmark_settings(m, err, errlen);

	if (ret)
		return ret;
	pages_min = (unsigned long)m->wmark.min_free_kbytes >> (PAGE_SHIFT - 10);
	for_each_online_nid(m, nid) {
		for (unsigned int i = 0; i < m->zone_layout.nr; i++)
			if (!zone_idx_is_highmem(m, i))
				lowmem_pages += m->node[nid].zones[i].managed_pages;
	}
	if (!lowmem_pages) {
		kmm_snprintf(err, errlen, "no managed lowmem pages: the buddy allocator is empty");
		return -KMM_EINVAL;
	}

	for_each_online_nid(m, nid) {
		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			struct kmm_zone *z = &m->node[nid].zones[i];
			u64 share = (u64)pages_min * z->managed_pages / lowmem_pages;

			zone_set_wmarks(m, z, i, (unsigned long)share);
		}
	}
	kmm_calculate_totalreserve_pages(m);

	/* the low watermarks moved: so do the pcp limits derived from them */
	for_each_online_nid(m, nid) {
		for (unsigned int i = 0; i < m->zone_layout.nr; i++)
			zone_pcp_update(m, &m->node[nid].zones[i]);
	}
	return 0;
}

int kmm_setup_per_zone_lowmem_reserve(struct kmm_machine *m, char *err, size_t errlen)
{
	const int *ratio = m->wmark.lowmem_reserve_ratio;

	for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
		if (ratio[i] < 0) {
			kmm_snprintf(err, errlen, "lowmem_reserve_ratio[%u] %d: negative", i,
				     ratio[i]);
			return -KMM_EINVAL;
		}
	}
	/*
	 * What an allocation that may use zone j must leave in lower zone i:
	 * the managed pages of the zones above i up to j, over i's ratio.
	 * The top zone reserves nothing for anyone.
	 */
	for_each_online_nid(m, nid) {
		for (unsigned int i = 0; i + 1 < m->zone_layout.nr; i++) {
			struct kmm_zone *z = &m->node[nid].zones[i];
			bool none = ratio[i] == 0 || z->managed_pages == 0;
			unsigned long above = 0;

			for (unsigned int j = i + 1; j < m->zone_layout.nr; j++) {
				above += m->node[nid].zones[j].managed_pages;
				z->lowmem_reserve[j] = none ? 0 : above / (unsigned long)ratio[i];
			}
		}
	}
	kmm_calculate_totalreserve_pages(m);
	return 0;
}

int kmm_init_per_zone_wmark_min(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret = kmm_zones_check(m, err, errlen);

	if (ret)
		return ret;
	if (!m->wmark.configured)
		kmm_wmark_set_defaults(m);
	ret = check_wmark_settings(m, err, errlen);
	if (ret)
		return ret;
	kmm_calculate_min_free_kbytes(m);
	ret = kmm_setup_per_zone_wmarks(m, err, errlen);
	if (!ret)
		ret = kmm_setup_per_zone_lowmem_reserve(m, err, errlen);
	KMM_CHECK_EXPENSIVE(&m->env, ret || kmm_wmark_validate(m));
	return ret;
}

/*
 * set_recommended_min_free_kbytes(): keep about two free pageblocks per zone
 * a kernel allocation can use, plus MIGRATE_PCPTYPES^2 blocks so that each
 * mobility type has a block to fall back to and one to spare; ZONE_MOVABLE
 * and HighMem zones (above ZONE_NORMAL) do not count.  Capped at 5% of the
 * pages beyond the high watermarks.
 */
static unsigned long recommended_min_free_kbytes(const struct kmm_machine *m)
{
	int normal = kmm_zone_layout_index(&m->zone_layout, KMM_ZONE_NORMAL);
	unsigned long nr_zones = 0, pages;

	for_each_online_nid(m, nid) {
		for (int i = 0; i <= normal; i++)
			if (m->node[nid].zones[i].present_pages)
				nr_zones++;
	}
	pages = KMM_PAGEBLOCK_NR_PAGES * nr_zones * 2;
	pages += KMM_PAGEBLOCK_NR_PAGES * nr_zones * KMM_MIGRATE_PCPTYPES * KMM_MIGRATE_PCPTYPES;
	pages = KMM_MIN(pages, kmm_nr_free_buffer_pages(m) / 20);
	return pages << (PAGE_SHIFT - 10);
}

int kmm_hugepage_init_min_free_kbytes(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_wmark *w = &m->wmark;
	unsigned long recommended;
	int ret;

	if (!w->configured)
		kmm_wmark_set_defaults(m);
	/* small machines: Linux switches THP off and khugepaged never starts */
	if (!w->thp || m->totalram_pages < THP_MIN_RAM_PAGES)
		return 0;
	ret = check_wmark_settings(m, err, errlen);
	if (ret)
		return ret;
	recommended = recommended_min_free_kbytes(m);
	if (recommended > (unsigned long)w->min_free_kbytes) {
		if (w->user_min_free_kbytes >= 0)
			kmm_printk(
				&m->env,
				"raising min_free_kbytes from %d to %lu to help transparent hugepage allocations",
				w->min_free_kbytes, recommended);
		w->min_free_kbytes = (int)recommended;
	}
	w->khugepaged_started = true;
	ret = kmm_setup_per_zone_wmarks(m, err, errlen);
	KMM_CHECK_EXPENSIVE(&m->env, ret || kmm_wmark_validate(m));
	return ret;
}

int kmm_boot_watermarks(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret = kmm_init_per_zone_wmark_min(m, err, errlen);

	return ret ? ret : kmm_hugepage_init_min_free_kbytes(m, err, errlen);
}

static bool zone_wmark_valid(const struct kmm_machine *m, const struct kmm_zone *z,
			     unsigned int idx)
{
	const unsigned long *wm = z->watermark;

	if (wm[KMM_WMARK_MIN] > wm[KMM_WMARK_LOW] || wm[KMM_WMARK_LOW] > wm[KMM_WMARK_HIGH]) {
		kmm_bug(&m->env, __func__, "watermarks not min <= low <= high");
		return false;
	}
	for (unsigned int j = 0; j < m->zone_layout.nr; j++) {
		bool bad = j <= idx ?
				   z->lowmem_reserve[j] != 0 :
				   j > idx + 1 && z->lowmem_reserve[j] < z->lowmem_reserve[j - 1];

		if (bad) {
			kmm_bug(&m->env, __func__,
				"lowmem_reserve[] not 0 up to the zone, rising above");
			return false;
		}
	}
	if (z->pageset_batch < 1 || z->pageset_high < 4 * z->pageset_batch) {
		kmm_bug(&m->env, __func__, "pcp batch < 1 or high < 4 * batch");
		return false;
	}
	return true;
}

bool kmm_wmark_validate(const struct kmm_machine *m)
{
	unsigned long total = 0;

	for_each_online_nid(m, nid) {
		const struct kmm_pgdat *pg = &m->node[nid];
		unsigned long node_total = 0;

		for (unsigned int i = 0; i < m->zone_layout.nr; i++) {
			const struct kmm_zone *z = &pg->zones[i];
			unsigned long reserve = 0;

			if (!zone_wmark_valid(m, z, i))
				return false;
			for (unsigned int j = i; j < m->zone_layout.nr; j++)
				reserve = KMM_MAX(reserve, z->lowmem_reserve[j]);
			reserve += z->watermark[KMM_WMARK_HIGH] + z->watermark_boost;
			node_total += KMM_MIN(reserve, z->managed_pages);
		}
		if (node_total != pg->totalreserve_pages) {
			kmm_bug(&m->env, __func__,
				"node totalreserve_pages differs from a recount");
			return false;
		}
		total += node_total;
	}
	if (total != m->wmark.totalreserve_pages) {
		kmm_bug(&m->env, __func__, "totalreserve_pages differs from the nodes' sum");
		return false;
	}
	return true;
}
