// SPDX-License-Identifier: MIT
/*
 * fuzz_fdt.c - libFuzzer target for the device-tree reader
 * (kmm_fdt_read).  The input is copied into an 8-byte aligned buffer of
 * exactly its size, so any read past it is an ASan report.  Any crash,
 * sanitizer report, count beyond its array, missing error message or an
 * accepted tree without memory is a bug.
 */
#include "fuzz_common.h"

#include <kmm/fdt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmm_dt *dt = malloc(sizeof(*dt));
	void *blob = aligned_alloc(8, size ? (size + 7) & ~(size_t)7 : 8);
	char err[256];
	int ret;

	if (!dt || !blob)
		abort();
	memcpy(blob, data, size);
	ret = kmm_fdt_read(dt, blob, size, err, sizeof(err));
	if (ret && err[0] == '\0')
		abort();
	if (!ret) {
		bool found = false;

		if (dt->nr_memory > KMM_DT_MAX_MEM_NODES || dt->nr_rmem > KMM_DT_MAX_RMEM ||
		    dt->nr_memreserve > KMM_DT_MAX_MEMRESERVE || dt->nr_cpus > KMM_DT_MAX_CPUS ||
		    dt->nr_distances > KMM_DT_MAX_DISTANCES ||
		    dt->nr_dma_ranges > KMM_DT_MAX_DMA_RANGES ||
		    dt->nr_usable_mem_range > KMM_DT_MAX_USABLE_RANGES || dt->totalsize > size)
			abort();
		for (unsigned int i = 0; i < dt->nr_memory; i++) {
			if (dt->memory[i].nr_reg > KMM_DT_MAX_MEM_REG)
				abort();
			for (unsigned int j = 0; j < dt->memory[i].nr_reg; j++)
				found |= dt->memory[i].reg[j].size != 0;
		}
		if (!found || (dt->rmem_unsupported && dt->nr_rmem))
			abort();
		for (unsigned int i = 0; i < dt->nr_rmem; i++)
			if (dt->rmem[i].nr_reg > KMM_DT_MAX_RMEM_REG ||
			    dt->rmem[i].nr_alloc_ranges > KMM_DT_MAX_ALLOC_RANGES ||
			    (dt->rmem[i].reg_invalid && dt->rmem[i].nr_reg))
				abort();
	}
	free(blob);
	free(dt);
	return 0;
}
