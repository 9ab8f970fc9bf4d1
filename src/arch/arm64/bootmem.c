// SPDX-License-Identifier: MIT
/*
 * bootmem.c - arm64's bootmem_init() (Linux 6.1 arch/arm64/mm/init.c) with
 * the CMA and crash-kernel reservations it makes (kernel/dma/contiguous.c).
 *
 * Order, as Linux runs it:
 *   max_pfn = max_low_pfn = PFN_DOWN(memblock_end_of_DRAM())
 *   arch_numa_init()            numa.c
 *   dma_pernuma_cma_reserve()   cma_pernuma=: one area per online node
 *   sparse_init()               kmm_sparse_init()
 *   zone_sizes_init()           ZONE_DMA up to what the device tree's
 *                               dma-ranges reach (at most 32 bits),
 *                               ZONE_DMA32 up to 4 GiB, ZONE_NORMAL to
 *                               max_pfn; kmm_free_area_init()
 *   dma_contiguous_reserve()    the default CMA area below the ZONE_DMA limit
 *                               (cma=, else CONFIG_CMA_SIZE_MBYTES), unless a
 *                               linux,cma-default pool became it
 *   reserve_crashkernel()       crashkernel= (with ZONE_DMA the reservation
 *                               is deferred to here)
 *   memblock_dump_all()
 * Not modelled: early_memtest (memtest=), hugetlb_cma= and the protected
 * KVM hypervisor carve-out (kvm-arm.mode=protected); kmm's machines use none.
 */
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/lib.h>
#include <kmm/sparse.h>

#include "arm64.h"

#define PHYS_MASK (~0ULL >> (64 - ARM64_PHYS_MASK_SHIFT))
#define CRASH_ALIGN (2 * ARM64_SZ_1M) /* the boot protocol's 2 MiB */
#define U32_MAX 0xffffffffULL

/* fls64(): the 1-based position of the highest set bit, 0 for 0 */
static unsigned int fls64(u64 x)
{
	return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

/*
 * max_zone_phys(): the end of a zone of @zone_bits address bits.  DRAM that
 * starts above the zone's reach gets the zone up to 4 GiB, DRAM above 4 GiB
 * gets it to the end: the zone is never empty.
 */
static u64 max_zone_phys(const struct memblock *mb, unsigned int zone_bits)
{
	u64 zone_mask = zone_bits >= 64 ? ~0ULL : (1ULL << zone_bits) - 1;
	u64 phys_start = memblock_start_of_DRAM(mb);

	if (phys_start > U32_MAX)
		zone_mask = KMM_PHYS_ADDR_MAX;
	else if (phys_start > zone_mask)
		zone_mask = U32_MAX;
	return KMM_MIN(zone_mask, memblock_end_of_DRAM(mb) - 1) + 1;
}

/*
 * zone_sizes_init(): zone_dma_bits is the smallest of 32 and the bits the
 * device tree's dma-ranges reach (ACPI's IORT: none on these machines).
 */
static int zone_sizes_init(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	unsigned long max_zone_pfn[KMM_ZONE_KINDS] = { 0 };
	u64 dma32_phys_limit = max_zone_phys(&m->memblock, 32);

	m->arm64_dma_phys_limit = 0;
	if (k->zone_dma) {
		unsigned int bits = KMM_MIN(32U, fls64(m->dt->dma_max_cpu_addr));

		m->arm64_dma_phys_limit = max_zone_phys(&m->memblock, bits);
		max_zone_pfn[KMM_ZONE_DMA] = (unsigned long)(m->arm64_dma_phys_limit >> ARM64_PAGE_SHIFT);
	}
	if (k->zone_dma32) {
		max_zone_pfn[KMM_ZONE_DMA32] = (unsigned long)(dma32_phys_limit >> ARM64_PAGE_SHIFT);
		if (!m->arm64_dma_phys_limit)
			m->arm64_dma_phys_limit = dma32_phys_limit;
	}
	if (!k->zone_dma && !k->zone_dma32)
		m->arm64_dma_phys_limit = PHYS_MASK + 1;
	max_zone_pfn[KMM_ZONE_NORMAL] = m->max_pfn;
	return kmm_free_area_init(m, max_zone_pfn, err, errlen);
}

/* Linux's errno for a kmm_err, as dma_pernuma_cma_reserve() prints it */
static int linux_errno(int kmm_err)
{
	switch (kmm_err) {
	case -KMM_ENOMEM:
		return -12;
	case -KMM_EBUSY:
		return -16;
	case -KMM_EOVERFLOW:
		return -28; /* -ENOSPC */
	default:
		return -22;
	}
}

/* dma_pernuma_cma_reserve(): cma_pernuma=SIZE, one area on each online node */
static void dma_pernuma_cma_reserve(struct kmm_machine *m)
{
	const char *v = kmm_cmdline_find(&m->cmdline, "cma_pernuma", NULL);
	u64 size;
	bool ovf = false;

	if (!v || !m->kernel.cma)
		return;
	size = kmm_memparse(v, NULL, &ovf);
	if (!size || ovf)
		return;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		char name[16];
		int ret;

		if (!m->node[nid].online)
			continue;
		kmm_snprintf(name, sizeof(name), "pernuma%d", nid);
		ret = arm64_cma_declare_contiguous_nid(m, 0, size, 0, 0, false, name, nid);
		if (ret)
			kmm_printk(&m->env, "dma_pernuma_cma_reserve: reservation failed: err %d, node %d",
				   linux_errno(ret), nid);
	}
}

/*
 * dma_contiguous_reserve(): the global CMA area "reserved".  cma=SIZE[@BASE[-LIMIT]]
 * overrides the configured size; it is fixed when it names exactly
 * [BASE, BASE + SIZE).
 */
static void dma_contiguous_reserve(struct kmm_machine *m, u64 limit)
{
	const struct kmm_cmdline *c = &m->cmdline;
	u64 size, base = 0;
	bool fixed = false;

	if (!m->kernel.cma)
		return;
	if (c->cma_set) {
		size = c->cma_size;
		base = c->cma_base;
		if (c->cma_limit && (!limit || c->cma_limit < limit))
			limit = c->cma_limit;
		fixed = c->cma_fixed;
	} else {
		size = (u64)m->kernel.cma_size_mbytes * ARM64_SZ_1M;
	}
	if (!size || m->dma_contiguous_default_area)
		return;
	if (!arm64_cma_declare_contiguous_nid(m, base, size, limit, 0, fixed, "reserved",
					      NUMA_NO_NODE))
		m->dma_contiguous_default_area = m->nr_cma_areas;
}

/* true when crashkernel= has a value without ",high" or ",low" */
static bool crashkernel_plain(const struct kmm_cmdline *c)
{
	for (unsigned int i = 0; i < c->nr_params; i++) {
		const struct kmm_param *p = &c->params[i];
		size_t n;

		if (kmm_strcmp(p->name, "crashkernel") || !p->value)
			continue;
		n = kmm_strlen(p->value);
		if ((n < 5 || kmm_strcmp(p->value + n - 5, ",high")) &&
		    (n < 4 || kmm_strcmp(p->value + n - 4, ",low")))
			return true;
	}
	return false;
}

/* reserve_crashkernel_low(): ",low" memory below the DMA limit */
static int reserve_crashkernel_low(struct kmm_machine *m, u64 low_size)
{
	u64 low_base = memblock_phys_alloc_range_caller(&m->memblock, low_size, CRASH_ALIGN, 0,
							m->arm64_dma_phys_limit,
							"reserve_crashkernel");

	if (!low_base) {
		kmm_printk(&m->env, "cannot allocate crashkernel low memory (size:0x%llx).",
			   (unsigned long long)low_size);
		return -KMM_ENOMEM;
	}
	kmm_printk(&m->env, "crashkernel low memory reserved: 0x%08llx - 0x%08llx (%llu MB)",
		   (unsigned long long)low_base, (unsigned long long)(low_base + low_size),
		   (unsigned long long)(low_size >> 20));
	m->crashk_low_base = low_base;
	m->crashk_low_size = low_size;
	return 0;
}

/*
 * reserve_crashkernel(): crashkernel=SIZE[@BASE] (or the range syntax) below
 * the DMA limit; when there is no plain crashkernel=, SIZE,high anywhere in
 * the PA range with an optional SIZE,low below the DMA limit.  A malformed
 * or empty plain value reserves nothing (no fallback to ",high" on arm64).
 */
static void reserve_crashkernel(struct kmm_machine *m)
{
	struct memblock *mb = &m->memblock;
	u64 size, base, max = m->arm64_dma_phys_limit, low_size = 0;
	bool high = false, low = false, plain = crashkernel_plain(&m->cmdline);

	if (kmm_crashkernel_resolve(&m->cmdline, memblock_phys_mem_size(mb), &size, &base, &high,
				    &low))
		return;
	if (plain && high)
		return;
	if (!size)
		return;
	if (high) {
		int ret = kmm_crashkernel_low_size(&m->cmdline, &low_size);

		if (ret && ret != -KMM_ENOENT)
			return;
		if (ret)
			low_size = 0;
		max = PHYS_MASK + 1;
	}
	size = KMM_ALIGN(size, ARM64_PAGE_SIZE);
	if (base)
		max = base + size;
	base = memblock_phys_alloc_range_caller(mb, size, CRASH_ALIGN, base, max,
						"reserve_crashkernel");
	if (!base) {
		kmm_printk(&m->env, "cannot allocate crashkernel (size:0x%llx)", (unsigned long long)size);
		return;
	}
	if (base >= m->arm64_dma_phys_limit && low_size && reserve_crashkernel_low(m, low_size)) {
		memblock_phys_free_caller(mb, base, size, "reserve_crashkernel");
		return;
	}
	kmm_printk(&m->env, "crashkernel reserved: 0x%016llx - 0x%016llx (%llu MB)",
		   (unsigned long long)base, (unsigned long long)(base + size),
		   (unsigned long long)(size >> 20));
	m->crashk_base = base;
	m->crashk_size = size;
}

int arm64_bootmem_init(struct kmm_machine *m, char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	int ret;

	m->max_pfn = m->max_low_pfn = (unsigned long)(memblock_end_of_DRAM(mb) >> ARM64_PAGE_SHIFT);
	ret = arm64_numa_init(m, err, errlen);
	if (ret)
		return ret;
	dma_pernuma_cma_reserve(m);
	ret = kmm_sparse_init(m, err, errlen);
	if (!ret)
		ret = zone_sizes_init(m, err, errlen);
	if (ret)
		return ret;
	dma_contiguous_reserve(m, m->arm64_dma_phys_limit);
	reserve_crashkernel(m);
	memblock_dump_all(mb);
	return 0;
}
