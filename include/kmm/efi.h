/* SPDX-License-Identifier: MIT */
/*
 * kmm/efi.h - the UEFI memory map and configuration tables of an EFI boot,
 * as Linux 6.1 (drivers/firmware/efi, arch/x86/platform/efi) keeps them.
 *
 * Input: kmm_efi_parse() reads what a boot log with efi=debug prints: the
 * "efi: EFI v2.70 by EDK II" header, the configuration-table line
 * ("efi: SMBIOS=0x... ACPI=0x... MEMATTR=0x... INITRD=0x...") and the first
 * memory map ("efi: memNN: [Type|attributes] range=[0xS-0xE] (NMB)"); the
 * later "EFI runtime memory map:" is not the boot map and is skipped.
 *
 * Descriptors keep the UEFI layout: [phys_addr, phys_addr + num_pages * 4K).
 * kmm_efi_md_typeattr_format() prints one the way efi_md_typeattr_format()
 * does, so kmm_efi_print_memmap() reproduces the efi=debug lines exactly.
 *
 * What Linux reads from firmware memory and no boot-log line carries (the
 * descriptor stride, the size of the memory attributes table, the PCI option
 * ROMs the EFI stub copies) is in struct kmm_efi_firmware; kmm_efi_init()
 * sets the values of QEMU's OVMF as measured on the oracle's uefi-pc-2G boot.
 */
#ifndef KMM_EFI_H
#define KMM_EFI_H

#include <kmm/env.h>

/* UEFI memory types (UEFI 2.x, Linux include/linux/efi.h) */
enum efi_memory_type {
	EFI_RESERVED_TYPE = 0,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
	EFI_MAX_MEMORY_TYPE,
};

/* Attribute bits */
#define EFI_MEMORY_UC ((u64)0x1)
#define EFI_MEMORY_WC ((u64)0x2)
#define EFI_MEMORY_WT ((u64)0x4)
#define EFI_MEMORY_WB ((u64)0x8)
#define EFI_MEMORY_UCE ((u64)0x10)
#define EFI_MEMORY_WP ((u64)0x1000)
#define EFI_MEMORY_RP ((u64)0x2000)
#define EFI_MEMORY_XP ((u64)0x4000)
#define EFI_MEMORY_NV ((u64)0x8000)
#define EFI_MEMORY_MORE_RELIABLE ((u64)0x10000)
#define EFI_MEMORY_RO ((u64)0x20000)
#define EFI_MEMORY_SP ((u64)0x40000)
#define EFI_MEMORY_CPU_CRYPTO ((u64)0x80000)
#define EFI_MEMORY_HOT_PLUGGABLE ((u64)0x100000)
#define EFI_MEMORY_RUNTIME ((u64)1 << 63)

#define EFI_PAGE_SHIFT 12
#define EFI_PAGE_SIZE ((u64)1 << EFI_PAGE_SHIFT)
#define EFI_INVALID_TABLE_ADDR (~(u64)0)

/* One descriptor: [phys_addr, phys_addr + (num_pages << EFI_PAGE_SHIFT)) */
struct efi_memory_desc {
	u32 type;      /* enum efi_memory_type (or any other value the firmware used) */
	u64 phys_addr; /* EFI_PAGE_SIZE aligned */
	u64 num_pages; /* > 0 */
	u64 attribute; /* EFI_MEMORY_* */
};

#define KMM_EFI_MAX_DESC 512
#define KMM_EFI_MAX_PCI_ROMS 8

/*
 * Firmware facts Linux reads from memory (see the header comment).  OVMF's:
 * desc_size 48 (sizeof(EFI_MEMORY_DESCRIPTOR) rounded to 8 plus the 8 bytes
 * EDK2 adds), memattr_entries 22, an EDK2 pool block of a whole-page request
 * starting pool_header (0x18) bytes into its first page and needing
 * pool_overhead (0x28: header and tail) bytes besides the data, and QEMU pc's
 * option ROMs in PCI handle order: 00:02.0 stdvga 0x9c00 bytes (its VGA BIOS),
 * 00:03.0 e1000 0x3d000 bytes (its iPXE EFI ROM).
 */
struct kmm_efi_firmware {
	u64 desc_size;
	u32 memattr_entries;      /* efi_memory_attributes_table_t.num_entries */
	u64 pool_header, pool_overhead;
	unsigned int nr_pci_roms;
	u64 pci_rom_size[KMM_EFI_MAX_PCI_ROMS];
};

/*
 * The EFI side of one boot.  Invariants once kmm_efi_parse() returned 0:
 * nr_map <= KMM_EFI_MAX_DESC; every map[i] has num_pages > 0 and
 * phys_addr + (num_pages << 12) does not wrap; a table address is
 * EFI_INVALID_TABLE_ADDR when the configuration line does not name it.
 */
struct kmm_efi {
	bool boot;                 /* EFI_BOOT: the log has "efi: EFI v..." */
	bool dbg;                  /* EFI_DBG: efi=debug on the command line (set by the boot) */
	char header[96];           /* "EFI v2.70 by EDK II" */
	char tables_line[256];     /* the configuration-table line after "efi: " */
	u64 acpi, acpi20, smbios, smbios3, esrt, memattr, rng_seed, tpm_log, tpm_final_log,
	    mokvar, initrd, mem_reserve;
	unsigned int nr_map;
	struct efi_memory_desc map[KMM_EFI_MAX_DESC];
	/* set by the x86 boot (src/arch/x86/efi.c) */
	u64 memmap_phys;           /* boot_params.efi_info.efi_memmap (0: not known) */
	u64 memattr_size;          /* bytes efi_memattr_init() reserved (0: none) */
	u64 bs_reserved;           /* bytes efi_reserve_boot_services() reserved */
	struct kmm_efi_firmware fw;
};

/* kmm_efi_init - an empty (non-EFI) state with OVMF's firmware facts. */
void kmm_efi_init(struct kmm_efi *efi);

/*
 * kmm_efi_parse - read the EFI lines of boot log @text (NUL-terminated; lines
 * may carry "[    0.000000] " timestamps; other lines are skipped) into
 * @efi, which keeps its firmware facts.  Returns 0 (also when the log has no
 * EFI line: efi->boot stays false), or a negative kmm_err with @err naming
 * the line: "dmesg line N: <what>: '<text>'" where <what> is one of
 *   -KMM_EPARSE    "malformed EFI memory map entry" (no "[...]" or no
 *                  "range=[0xS-0xE]"), "unknown EFI memory type",
 *                  "unknown EFI memory attribute", "EFI memory range not
 *                  page aligned" (start or end + 1), "EFI memory range ends
 *                  before it starts", "malformed EFI configuration table"
 *                  (a NAME= without a hex address)
 *   -KMM_EOVERFLOW "too many EFI memory map entries" (> KMM_EFI_MAX_DESC)
 * On error @efi holds what was read before the bad line.
 */
int kmm_efi_parse(struct kmm_efi *efi, const char *text, char *err, size_t errlen);

/*
 * kmm_efi_md_typeattr_format - "[Boot Code   |   |  |...|WB|WT|WC|UC]" as
 * Linux's efi_md_typeattr_format() writes it ("type=N" for unknown types,
 * "|attr=0x%016llx]" for unknown attribute bits) into @buf; returns @buf.
 */
char *kmm_efi_md_typeattr_format(char *buf, size_t size, const struct efi_memory_desc *md);

/* kmm_efi_type_name - Linux's short name of @type ("Boot Code"), NULL if unknown */
const char *kmm_efi_type_name(u32 type);

/* kmm_efi_md_end - the first byte after @md */
static inline u64 kmm_efi_md_end(const struct efi_memory_desc *md)
{
	return md->phys_addr + (md->num_pages << EFI_PAGE_SHIFT);
}

/*
 * kmm_efi_print_memmap - efi_print_memmap(): one "efi: memNN: ..." line per
 * descriptor through @env.
 */
void kmm_efi_print_memmap(const struct kmm_efi *efi, const struct kmm_env *env);

/*
 * kmm_efi_lookup - efi_mem_desc_lookup(): the descriptor containing @addr
 * (non-RUNTIME descriptors of type EFI_RESERVED_TYPE excepted, as in Linux),
 * or NULL.
 */
const struct efi_memory_desc *kmm_efi_lookup(const struct kmm_efi *efi, u64 addr);

struct kmm_machine;

/*
 * kmm_x86_efi_free_boot_services - efi_free_boot_services(), which Linux
 * runs from efi_enter_virtual_mode() in start_kernel() once the buddy
 * allocator is up: every boot services code/data descriptor that
 * efi_reserve_boot_services() reserved and may free (not tagged
 * EFI_MEMORY_RUNTIME) goes to @free_late(@m, base, size) - memblock_free_late()
 * - clipped to start at 1M.  Nothing is freed with efi=debug (Linux keeps
 * the regions for debugfs) or on a non-EFI boot.  @free_late may be NULL
 * (count only).  Returns the number of ranges handed to @free_late.
 * Not simulated: the real-mode trampoline quirk for a machine whose memory
 * below 1M is all boot services (kmm always has a trampoline by then).
 */
unsigned int kmm_x86_efi_free_boot_services(struct kmm_machine *m,
					    void (*free_late)(struct kmm_machine *m, u64 base,
							      u64 size));

#endif /* KMM_EFI_H */
