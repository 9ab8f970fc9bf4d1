/* SPDX-License-Identifier: MIT */
/*
 * kmm/swiotlb.h - the default software IO TLB (Linux 6.1 kernel/dma/swiotlb.c):
 * the bounce buffer that devices which cannot reach all of RAM use, set up
 * from memblock by mem_init() before memory goes to the buddy allocator.
 *
 * x86 (pci_iommu_alloc -> pci_swiotlb_detect) wants it when RAM reaches above
 * 4 GiB; arm64 when RAM reaches above the end of ZONE_DMA.  swiotlb=force
 * sets it up anyway, swiotlb=noforce never.  The pool is IO_TLB_DEFAULT_SIZE
 * (64 MiB) or swiotlb=<slabs> slabs of 2 KiB, allocated page aligned below
 * ARCH_LOW_ADDRESS_LIMIT (4 GiB on x86; the end of ZONE_DMA on arm64), halved
 * until it fits; then its slot and area arrays.
 */
#ifndef KMM_SWIOTLB_H
#define KMM_SWIOTLB_H

#include <kmm/env.h>

struct kmm_machine;

#define KMM_IO_TLB_SHIFT 11
#define KMM_IO_TLB_SEGSIZE 128
#define KMM_IO_TLB_DEFAULT_SIZE (64ULL << 20)

/*
 * kmm_swiotlb_init - swiotlb_init(@addressing_limit, flags): set up
 * m->swiotlb when @addressing_limit says some memory is out of the devices'
 * reach (or swiotlb=force), printing what Linux prints ("area num N.", and
 * with @verbose the "mapped [mem ...]" line).  @low_limit: the highest
 * address the bounce buffer may use (ARCH_LOW_ADDRESS_LIMIT).
 * Returns 0, or -KMM_ENOMEM (Linux panics) when the slot array cannot be
 * allocated.  A buffer that does not fit even at 1 MiB is not an error:
 * Linux goes on without one and so does kmm.
 */
int kmm_swiotlb_init(struct kmm_machine *m, bool addressing_limit, u64 low_limit, bool verbose,
		     char *err, size_t errlen);

/* kmm_swiotlb_print_info - "software IO TLB: mapped [mem ...] (NMB)" (nothing without a pool) */
void kmm_swiotlb_print_info(struct kmm_machine *m);

#endif /* KMM_SWIOTLB_H */
