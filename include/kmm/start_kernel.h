/* SPDX-License-Identifier: MIT */
/*
 * kmm/start_kernel.h - the memory steps of Linux 6.1's start_kernel()
 * (init/main.c) that follow setup_arch().
 *
 * Lifecycle: boot the architecture first (kmm_x86_setup_arch() and
 * kmm_x86_setup_memory(), or kmm_arm64_setup_arch()), then
 * kmm_start_kernel_early().  Later start_kernel() steps (per-CPU areas,
 * zonelists, hash tables) follow it.
 */
#ifndef KMM_START_KERNEL_H
#define KMM_START_KERNEL_H

#include <kmm/machine.h>

/*
 * kmm_start_kernel_early - start_kernel() from setup_arch()'s return up to
 * setup_per_cpu_areas(): setup_command_line() copies the boot command line
 * (@m->cmdline.raw) twice into memblock (saved_command_line and
 * static_command_line, strlen + 1 bytes each, SMP_CACHE_BYTES aligned).
 * Precondition: memblock is set up and backed (env->phys_to_virt).
 * Returns 0, or -KMM_ENOMEM with @err = "setup_command_line: Failed to
 * allocate N bytes" (where Linux panics); the first copy stays allocated.
 */
int kmm_start_kernel_early(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_start_kernel_mm - the rest of start_kernel()'s memory path, after
 * kmm_start_kernel_early(): setup_per_cpu_areas(), build_all_zonelists(),
 * the "Kernel command line:" line and the unknown parameters, the early hash
 * tables, the cpu_entry_area page tables (x86), then mm_init()'s mem_init()
 * (memblock_free_all, HighMem, the "Memory:" line), deferred struct page
 * init, the late hash tables and the watermarks.  Returns 0 or a negative
 * kmm_err with @err.
 */
int kmm_start_kernel_mm(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_boot_validate - every *_validate() walker of a booted machine: sparse
 * sections, zone sizes, zonelists, the percpu chunk, hash tables,
 * watermarks and each zone's free lists.  Debug builds run it at the end of
 * kmm_start_kernel_mm().
 */
bool kmm_boot_validate(const struct kmm_machine *m);

#endif /* KMM_START_KERNEL_H */
