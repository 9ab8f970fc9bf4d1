// SPDX-License-Identifier: MIT
/*
 * swiotlb.c - the default swiotlb pool at boot, see kmm/swiotlb.h.
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/swiotlb.h>

#define PAGE_SIZE 4096ULL
#define SMP_CACHE_BYTES 64
#define IO_TLB_MIN_SLABS ((1UL << 20) >> KMM_IO_TLB_SHIFT)

static unsigned long roundup_pow2(unsigned long x)
{
	unsigned long p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

static bool is_pow2(unsigned long x)
{
	return x && !(x & (x - 1));
}

/*
 * swiotlb_adjust_nareas(): the area count becomes a power of 2 (0 counts as
 * 1), and the default pool grows so that every area holds at least one
 * segment, or to a power of 2 of slabs.
 */
static void adjust_nareas(struct kmm_machine *m, unsigned int nareas, unsigned long *nslabs)
{
	unsigned long grown = *nslabs;

	nareas = nareas ? (unsigned int)roundup_pow2(nareas) : 1;
	m->swiotlb.nareas = nareas;
	kmm_printk(&m->env, "software IO TLB: area num %u.", nareas);
	if (grown < (unsigned long)KMM_IO_TLB_SEGSIZE * nareas)
		grown = (unsigned long)KMM_IO_TLB_SEGSIZE * nareas;
	else if (!is_pow2(grown))
		grown = roundup_pow2(grown);
	if (grown != *nslabs) {
		*nslabs = grown;
		kmm_printk(&m->env, "software IO TLB: SWIOTLB bounce buffer size roundup to %luMB",
			   (unsigned long)(((u64)grown << KMM_IO_TLB_SHIFT) >> 20));
	}
}

/* limit_nareas(): no more areas than whole segments in @nslabs */
static unsigned int limit_nareas(unsigned int nareas, unsigned long nslabs)
{
	if (nslabs < (unsigned long)nareas * KMM_IO_TLB_SEGSIZE)
		return (unsigned int)(nslabs / KMM_IO_TLB_SEGSIZE);
	return nareas;
}

/* memblock_alloc() of swiotlb metadata: its physical address in *@pa, or -KMM_ENOMEM */
static int meta_alloc(struct kmm_machine *m, u64 bytes, u64 align, u64 *pa, char *err,
		      size_t errlen)
{
	void *p = memblock_alloc_try_nid_caller(&m->memblock, bytes, align, MEMBLOCK_LOW_LIMIT,
						MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE,
						"swiotlb_init_remap");

	if (!p) {
		kmm_snprintf(err, errlen, "swiotlb_init_remap: Failed to allocate %llu bytes align=0x%llx",
			     (unsigned long long)bytes, (unsigned long long)align);
		return -KMM_ENOMEM;
	}
	*pa = m->env.virt_to_phys(m->env.opaque, p);
	return 0;
}

int kmm_swiotlb_init(struct kmm_machine *m, bool addressing_limit, u64 low_limit, bool verbose,
		     char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	unsigned long nslabs = m->cmdline.swiotlb_nslabs ? m->cmdline.swiotlb_nslabs
							 : KMM_IO_TLB_DEFAULT_SIZE >> KMM_IO_TLB_SHIFT;
	unsigned long wanted;
	unsigned int nareas;
	u64 bytes;
	void *tlb;

	kmm_memset(&m->swiotlb, 0, sizeof(m->swiotlb));
	if (!addressing_limit && m->cmdline.swiotlb_force != KMM_SWIOTLB_FORCE)
		return 0;
	if (m->cmdline.swiotlb_force == KMM_SWIOTLB_NOFORCE)
		return 0;
	adjust_nareas(m, m->cmdline.swiotlb_nareas ? m->cmdline.swiotlb_nareas
						   : (m->percpu.nr_cpu_ids ? m->percpu.nr_cpu_ids : 1),
		      &nslabs);
	nareas = m->swiotlb.nareas;
	wanted = nslabs;
	for (;;) {
		bytes = KMM_ALIGN((u64)nslabs << KMM_IO_TLB_SHIFT, PAGE_SIZE);
		/* memblock_alloc_low() */
		tlb = memblock_alloc_try_nid_caller(mb, bytes, PAGE_SIZE, MEMBLOCK_LOW_LIMIT, low_limit,
						    NUMA_NO_NODE, "swiotlb_init_remap");
		if (tlb)
			break;
		if (nslabs <= IO_TLB_MIN_SLABS)
			return 0;
		nslabs = KMM_ALIGN(nslabs >> 1, (unsigned long)KMM_IO_TLB_SEGSIZE);
		nareas = limit_nareas(nareas, nslabs);
	}
	if (nslabs != wanted)
		kmm_printk(&m->env, "software IO TLB: SWIOTLB bounce buffer size adjusted %lu -> %lu slabs",
			   wanted, nslabs);
	m->swiotlb.start = m->env.virt_to_phys(m->env.opaque, tlb);
	m->swiotlb.nslabs = nslabs;
	m->swiotlb.nareas = nareas;
	/* the slot array (page aligned) and the areas, where Linux panics on failure */
	if (meta_alloc(m, KMM_ALIGN((u64)nslabs * m->kernel.struct_size[KMM_STRUCT_IO_TLB_SLOT],
				    PAGE_SIZE), PAGE_SIZE, &m->swiotlb.slots, err, errlen) ||
	    meta_alloc(m, (u64)nareas * m->kernel.struct_size[KMM_STRUCT_IO_TLB_AREA],
		       SMP_CACHE_BYTES, &m->swiotlb.areas, err, errlen))
		return -KMM_ENOMEM;
	if (verbose)
		kmm_swiotlb_print_info(m);
	return 0;
}

void kmm_swiotlb_print_info(struct kmm_machine *m)
{
	u64 bytes = (u64)m->swiotlb.nslabs << KMM_IO_TLB_SHIFT;

	if (!m->swiotlb.nslabs)
		return;
	kmm_printk(&m->env, "software IO TLB: mapped [mem %#018llx-%#018llx] (%lluMB)",
		   (unsigned long long)m->swiotlb.start,
		   (unsigned long long)(m->swiotlb.start + bytes), (unsigned long long)(bytes >> 20));
}
