// SPDX-License-Identifier: MIT
/*
 * show_mem.c - what Linux 6.1 prints when memory runs out: warn_alloc()'s
 * "page allocation failure" line, show_mem() (lib/show_mem.c with
 * show_free_areas() of mm/page_alloc.c) and out_of_memory()'s report for a
 * system with nothing to kill (mm/oom_kill.c).  The gfp flag names are
 * printed as vsprintf's %pGg prints them (include/trace/events/mmflags.h).
 *
 * kmm prints the lines without the stack dump Linux puts after the first
 * line (dump_stack) and without rate limiting (warn_alloc allows one
 * report per 10 s; kmm has no clock): callers that expect many failures
 * pass __GFP_NOWARN.  Counters kmm does not model (anon and file LRU
 * pages, slab, page tables, swap, hugetlb pages) print 0.
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/vmscan.h>

#include "page_alloc_internal.h"

#define K(pages) ((pages) << 2) /* pages to KiB with 4 KiB pages */

/* gfpflag_names: composite masks first, so a value prints as few names as possible */
static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	{ GFP_TRANSHUGE, "GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_DMA, "GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ GFP_DMA32, "GFP_DMA32" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_ATOMIC, "__GFP_ATOMIC" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_THISNODE, "__GFP_THISNODE" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
	{ __GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ __GFP_WRITE, "__GFP_WRITE" },
	{ __GFP_RECLAIM, "__GFP_RECLAIM" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_ZEROTAGS, "__GFP_ZEROTAGS" },
};

size_t kmm_format_gfp_flags(char *buf, size_t len, gfp_t gfp)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; gfp && i < KMM_ARRAY_SIZE(gfp_names); i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		gfp &= ~gfp_names[i].mask;
		at += (size_t)kmm_snprintf(buf + KMM_MIN(at, len), len - KMM_MIN(at, len), "%s%s",
					   gfp_names[i].name, gfp ? "|" : "");
	}
	if (gfp) /* bits without a name, as a number */
		at += (size_t)kmm_snprintf(buf + KMM_MIN(at, len), len - KMM_MIN(at, len), "%#x", gfp);
	return at;
}

/* %*pbl of the nodes with memory (cpuset's mems_allowed of the root cpuset): "0", "0-3", "0,2" */
static void mems_allowed(const struct kmm_machine *m, char *buf, size_t len)
{
	size_t at = 0;
	int nid = 0;

	buf[0] = '\0';
	while (nid < KMM_MAX_NUMNODES) {
		int end;

		if (!m->node[nid].online || !m->node[nid].node_present_pages) {
			nid++;
			continue;
		}
		for (end = nid; end + 1 < KMM_MAX_NUMNODES && m->node[end + 1].online &&
				m->node[end + 1].node_present_pages;
		     end++)
			;
		at += (size_t)kmm_snprintf(buf + KMM_MIN(at, len), len - KMM_MIN(at, len),
					   end > nid ? "%s%d-%d" : "%s%d", at ? "," : "", nid, end);
		nid = end + 1;
	}
}

static bool zone_populated(const struct kmm_zone *z)
{
	return z->present_pages != 0;
}

#define for_each_populated_zone(m, nid, zi, z)                                              \
	for ((nid) = 0; (nid) < KMM_MAX_NUMNODES; (nid)++)                                  \
		for ((zi) = 0; (m)->node[(nid)].online && (zi) < (m)->zone_layout.nr; (zi)++) \
			if (((z) = &(m)->node[(nid)].zones[(zi)]), zone_populated(z))

static unsigned long zone_free_pcp(struct kmm_machine *m, const struct kmm_zone *z)
{
	unsigned long n = 0;

	for (unsigned int c = 0; c < KMM_MIN(kmm_num_online_cpus(m), (unsigned int)KMM_PCP_MAX_CPUS); c++)
		n += (unsigned long)kmm_pcp_count(m, z, c);
	return n;
}

/* the summary, then one line per node: all of it but free pages is 0 in kmm */
static void show_totals(struct kmm_machine *m)
{
	unsigned long free = 0, free_pcp = 0, free_cma = 0;
	struct kmm_zone *z;
	int nid;
	unsigned int zi;

	for_each_populated_zone(m, nid, zi, z) {
		free += kmm_zone_free_pages(z);
		free_cma += kmm_read_ulong(&z->vm_free_cma_pages);
		free_pcp += zone_free_pcp(m, z);
	}
	kmm_printk(&m->env,
		   "active_anon:0 inactive_anon:0 isolated_anon:0\n"
		   " active_file:0 inactive_file:0 isolated_file:0\n"
		   " unevictable:0 dirty:0 writeback:0\n"
		   " slab_reclaimable:0 slab_unreclaimable:0\n"
		   " mapped:0 shmem:0 pagetables:0\n"
		   " sec_pagetables:0 bounce:0\n"
		   " kernel_misc_reclaimable:0\n"
		   " free:%lu free_pcp:%lu free_cma:%lu",
		   free, free_pcp, free_cma);
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		bool managed = false;

		for (zi = 0; m->node[nid].online && zi < m->zone_layout.nr; zi++)
			managed |= m->node[nid].zones[zi].managed_pages != 0;
		if (!managed)
			continue;
		kmm_printk(&m->env,
			   "Node %d active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB "
			   "unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:0kB dirty:0kB "
			   "writeback:0kB shmem:0kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB "
			   "writeback_tmp:0kB kernel_stack:0kB pagetables:0kB sec_pagetables:0kB "
			   "all_unreclaimable? %s",
			   nid, kmm_kswapd_failures(m, nid) >= KMM_MAX_RECLAIM_RETRIES ? "yes" : "no");
	}
}

static void show_zones(struct kmm_machine *m)
{
	unsigned int cpu = kmm_this_cpu(m);
	struct kmm_zone *z;
	int nid;
	unsigned int zi;

	for_each_populated_zone(m, nid, zi, z) {
		char node[16] = "", lr[96];
		size_t at = 0;

		if (m->kernel.numa)
			kmm_snprintf(node, sizeof(node), "Node %d ", nid);
		kmm_printk(&m->env,
			   "%s%s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
			   "reserved_highatomic:%luKB active_anon:0kB inactive_anon:0kB active_file:0kB "
			   "inactive_file:0kB unevictable:0kB writepending:0kB present:%lukB "
			   "managed:%lukB mlocked:0kB bounce:0kB free_pcp:%lukB local_pcp:%ukB "
			   "free_cma:%lukB",
			   node, kmm_zone_kind_name(z->kind), K(kmm_zone_free_pages(z)),
			   K(kmm_read_ulong(&z->watermark_boost)), K(kmm_wmark_pages(z, KMM_WMARK_MIN)),
			   K(kmm_wmark_pages(z, KMM_WMARK_LOW)), K(kmm_wmark_pages(z, KMM_WMARK_HIGH)),
			   K(kmm_read_ulong(&z->nr_reserved_highatomic)), K(z->present_pages),
			   K(z->managed_pages), K(zone_free_pcp(m, z)),
			   (unsigned int)K((unsigned long)kmm_pcp_count(m, z, cpu)),
			   K(kmm_read_ulong(&z->vm_free_cma_pages)));
		for (unsigned int i = 0; i < m->zone_layout.nr; i++)
			at += (size_t)kmm_snprintf(lr + KMM_MIN(at, sizeof(lr)),
						   sizeof(lr) - KMM_MIN(at, sizeof(lr)), " %ld",
						   (long)z->lowmem_reserve[i]);
		kmm_printk(&m->env, "lowmem_reserve[]:%s", lr);
	}
}

/* "Node 0 DMA: 1*4kB (U) 0*8kB ... = 15360kB": blocks per order and the lists they are on */
static void show_free_lists(struct kmm_machine *m)
{
	static const char letters[KMM_MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'C', 'I' };
	struct kmm_zone *z;
	int nid;
	unsigned int zi;

	for_each_populated_zone(m, nid, zi, z) {
		struct kmm_spinlock *lock = kmm_zone_lock(m, z);
		unsigned long nr[KMM_MAX_ORDER], total = 0;
		u8 types[KMM_MAX_ORDER];
		char line[512];
		int at = 0;

		kmm_spin_lock(lock);
		for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
			nr[o] = z->free_area[o].nr_free;
			total += nr[o] << o;
			types[o] = 0;
			for (unsigned int t = 0; t < KMM_MIGRATE_TYPES; t++)
				if (z->free_area[o].head[t] != KMM_PFN_NONE)
					types[o] |= (u8)(1u << t);
		}
		kmm_spin_unlock(lock);
		if (m->kernel.numa)
			at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, "Node %d ", nid);
		at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, "%s: ",
				   kmm_zone_kind_name(z->kind));
		for (unsigned int o = 0; o < KMM_MAX_ORDER; o++) {
			char t[KMM_MIGRATE_TYPES + 1];
			unsigned int n = 0;

			at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, "%lu*%lukB ", nr[o],
					   4UL << o);
			if (!nr[o])
				continue;
			for (unsigned int k = 0; k < KMM_MIGRATE_TYPES; k++)
				if (types[o] & (1u << k) && (k != KMM_MIGRATE_CMA || m->kernel.cma))
					t[n++] = letters[k];
			t[n] = '\0';
			at += kmm_snprintf(line + at, sizeof(line) - (size_t)at, "(%s) ", t);
		}
		kmm_snprintf(line + at, sizeof(line) - (size_t)at, "= %lukB", K(total));
		kmm_printk(&m->env, "%s", line);
	}
}

/* hugetlb_show_meminfo_node(): the hstates the Debian builds register, none allocated */
static void show_hugetlb(struct kmm_machine *m)
{
	static const unsigned long x86_sizes[] = { 2048 };
	static const unsigned long arm64_sizes[] = { 1048576, 32768, 2048, 64 };
	bool arm64 = m->kernel.arch == KMM_ARCH_ARM64;
	const unsigned long *sizes = arm64 ? arm64_sizes : x86_sizes;
	size_t n = arm64 ? KMM_ARRAY_SIZE(arm64_sizes) : KMM_ARRAY_SIZE(x86_sizes);

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (size_t i = 0; m->node[nid].online && i < n; i++)
			kmm_printk(&m->env,
				   "Node %d hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
				   "hugepages_size=%lukB",
				   nid, sizes[i]);
}

void kmm_show_mem(struct kmm_machine *m)
{
	unsigned long total = 0, reserved = 0, highmem = 0;
	struct kmm_zone *z;
	int nid;
	unsigned int zi;

	kmm_printk(&m->env, "Mem-Info:");
	show_totals(m);
	show_zones(m);
	show_free_lists(m);
	show_hugetlb(m);
	kmm_printk(&m->env, "0 total pagecache pages");
	kmm_printk(&m->env, "0 pages in swap cache");
	kmm_printk(&m->env, "Free swap  = 0kB");
	kmm_printk(&m->env, "Total swap = 0kB");
	for_each_populated_zone(m, nid, zi, z) {
		total += z->present_pages;
		reserved += z->present_pages - z->managed_pages;
		if (z->kind == KMM_ZONE_HIGHMEM)
			highmem += z->present_pages;
	}
	kmm_printk(&m->env, "%lu pages RAM", total);
	kmm_printk(&m->env, "%lu pages HighMem/MovableOnly", highmem);
	kmm_printk(&m->env, "%lu pages reserved", reserved);
	if (m->kernel.cma)
		kmm_printk(&m->env, "%lu pages cma reserved", m->totalcma_pages);
	kmm_printk(&m->env, "0 pages hwpoisoned");
}

void kmm_warn_alloc(struct kmm_machine *m, gfp_t gfp, unsigned int order, bool force)
{
	char names[512], mems[128];

	if ((gfp & __GFP_NOWARN) && !force)
		return;
	kmm_format_gfp_flags(names, sizeof(names), gfp);
	mems_allowed(m, mems, sizeof(mems));
	kmm_printk(&m->env,
		   "kmm: page allocation failure: order:%u, mode:%#x(%s), "
		   "nodemask=(null),cpuset=/,mems_allowed=%s",
		   order, gfp, names, mems);
	kmm_show_mem(m);
	kmm_count_vm_events(m, KMM_ALLOC_FAIL_REPORTS, 1);
}

bool kmm_out_of_memory(struct kmm_machine *m, gfp_t gfp, unsigned int order)
{
	char names[512];

	/* the OOM killer does not compensate for IO-less reclaim: pretend progress, as Linux does */
	if (!(gfp & __GFP_FS))
		return true;
	kmm_format_gfp_flags(names, sizeof(names), gfp);
	kmm_printk(&m->env, "kmm invoked oom-killer: gfp_mask=%#x(%s), order=%u, oom_score_adj=0",
		   gfp, names, order);
	kmm_show_mem(m);
	kmm_printk(&m->env, "Tasks state (memory values in pages):");
	kmm_printk(&m->env, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents "
			    "oom_score_adj name");
	/* Linux panics next ("System is deadlocked on memory"); kmm fails the request instead */
	kmm_printk(&m->env, "Out of memory and no killable processes...");
	kmm_count_vm_events(m, KMM_OOM_REPORTS, 1);
	return false;
}
