/* SPDX-License-Identifier: MIT */
/*
 * kmm/sparse.h - the SPARSEMEM memory model (Linux mm/sparse.c,
 * mm/sparse-vmemmap.c): memory sections, their roots, usemaps and memmap.
 */
#ifndef KMM_SPARSE_H
#define KMM_SPARSE_H

#include <kmm/env.h>

struct kmm_sparse {
	u64 mem_section_phys; /* the root array (NR_SECTION_ROOTS pointers); 0 before sparse_init */
};

#endif /* KMM_SPARSE_H */
