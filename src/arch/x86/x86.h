/* SPDX-License-Identifier: MIT */
/*
 * x86.h - what the files of src/arch/x86 share among themselves (not a
 * public header: the CLI and tests go through kmm/machine.h).
 *
 * setup.c runs setup_arch() up to NUMA initialisation (initmem_init()'s
 * NODE_DATA and second MEMBLOCK dump on x86_64, the ACPI reservations on
 * i386); setup_late.c continues from initmem_init() to the end of
 * setup_arch().
 */
#ifndef KMM_ARCH_X86_H
#define KMM_ARCH_X86_H

#include <kmm/machine.h>

#define X86_PAGE_SHIFT 12
#define X86_PAGE_SIZE (1ULL << X86_PAGE_SHIFT)
#define X86_SMP_CACHE_BYTES 64 /* L1_CACHE_BYTES of both Debian builds: memblock_alloc's align */

/*
 * x86_setup_arch_late - setup_arch() from initmem_init() to its end (see
 * setup_late.c).  Returns 0, or -KMM_ENOMEM with @err naming the allocation
 * Linux would have panicked on, or what kmm_sparse_init()/kmm_free_area_init()
 * return.
 */
int x86_setup_arch_late(struct kmm_machine *m, char *err, size_t errlen);

/*
 * The EFI boot (efi.c), in the order setup.c calls them: the stub's PCI ROM
 * setup_data (before early_reserve_memory()), the memory map's reservation
 * (after parse_early_param()), efi_init() (after e820__finish_early_params())
 * and efi_reserve_boot_services() (after e820__memblock_setup()).  Each does
 * nothing on a boot without "efi: EFI v...".
 */
void x86_efi_stub_setup_data(struct kmm_machine *m);
void x86_efi_memblock_reserve_range(struct kmm_machine *m);
void x86_efi_init(struct kmm_machine *m);
void x86_efi_reserve_boot_services(struct kmm_machine *m);

#endif /* KMM_ARCH_X86_H */
