// SPDX-License-Identifier: MIT
/*
 * efi.c - an x86 EFI boot as Linux 6.1 runs it (arch/x86/platform/efi,
 * drivers/firmware/efi), for what touches memory.  setup.c calls, in order:
 *
 *   x86_efi_stub_setup_data()        (boot loader) the setup_data the EFI stub
 *                                    chains for PCI option ROMs, when the boot
 *                                    log does not list setup_data itself
 *   x86_efi_memblock_reserve_range() efi_memblock_x86_reserve_range(): the
 *                                    memory map the stub handed over
 *   x86_efi_init()                   efi_init(): the header and configuration
 *                                    tables, efi_memattr_init(), the efi=debug map
 *   x86_efi_reserve_boot_services()  after e820__memblock_setup(): boot services
 *                                    code/data stay reserved until
 *                                    kmm_x86_efi_free_boot_services()
 *
 * Where the stub put things is firmware behaviour, not something a boot log
 * prints.  kmm models OVMF (EDK2) as measured on the oracle's uefi-pc-2G
 * boot: page allocations are made top-down, a pool request bigger than a page
 * gets whole pages of its own with the data m->efi.fw.pool_header bytes into
 * the first page (see the helpers below for the two placements).  All ranges
 * are [start, end) unless a name says "last".
 */
#include <kmm/error.h>
#include <kmm/lib.h>

#include "x86.h"

#define SZ_1M 0x100000ULL
/* struct efi_boot_memmap (6.1 libstub): map_size, desc_size, desc_ver, map_key,
 * buff_size, then the descriptors */
#define EFI_BOOT_MEMMAP_HDR 0x28ULL
#define EFI_MMAP_NR_SLACK_SLOTS 8ULL
/* struct pci_setup_rom up to romdata[]: setup_data header (16), vendor, devid,
 * padding, pcilen, segment, bus, device, function */
#define PCI_SETUP_ROM_HDR 0x40ULL
/* efi_memory_attributes_table_t: version, num_entries, desc_size, reserved */
#define EFI_MEMATTR_HDR 16ULL

static u64 efi_pages_bytes(u64 bytes)
{
	return KMM_ALIGN(bytes, EFI_PAGE_SIZE);
}

/* the descriptor of @type that contains [start, end) entirely, or NULL */
static const struct efi_memory_desc *efi_find_desc(const struct kmm_efi *efi, u32 type,
						   u64 start, u64 end)
{
	for (unsigned int i = 0; i < efi->nr_map; i++) {
		const struct efi_memory_desc *md = &efi->map[i];

		if (md->type == type && start >= md->phys_addr && end <= kmm_efi_md_end(md))
			return md;
	}
	return NULL;
}

/*
 * setup_efi_pci(): the stub copies each PCI option ROM into a setup_data
 * (struct pci_setup_rom) from an EFI_LOADER_DATA pool and chains them in PCI
 * handle order.  Loaded just before them, the initrd is the newest Loader
 * Data allocation, so OVMF's top-down allocator puts the first ROM's pages
 * right below it and each next one below that.  Only modelled when the
 * initrd lies in a Loader Data descriptor and every ROM fits inside it.
 */
void x86_efi_stub_setup_data(struct kmm_machine *m)
{
	const struct kmm_efi *efi = &m->efi;
	struct kmm_bootlog *b = &m->boot;
	const struct efi_memory_desc *md;
	u64 top;

	if (!efi->boot || b->nr_setup_data || !b->have_ramdisk)
		return;
	md = efi_find_desc(efi, EFI_LOADER_DATA, b->ramdisk_start, b->ramdisk_end + 1);
	if (!md)
		return;
	top = b->ramdisk_start;
	for (unsigned int i = 0; i < efi->fw.nr_pci_roms && i < KMM_BOOTLOG_MAX_SETUP_DATA; i++) {
		u64 size = PCI_SETUP_ROM_HDR + efi->fw.pci_rom_size[i];
		u64 pages = efi_pages_bytes(size + efi->fw.pool_overhead);

		if (top - md->phys_addr < pages)
			break;
		top -= pages;
		b->setup_data_start[b->nr_setup_data] = top + efi->fw.pool_header;
		b->setup_data_end[b->nr_setup_data++] = top + efi->fw.pool_header + size - 1;
	}
}

/*
 * Where the stub's final memory map is (boot_params.efi_info.efi_memmap).
 * 6.1's stub allocates it as an EFI_ACPI_RECLAIM_MEMORY pool (it is also
 * installed as a configuration table) of the struct efi_boot_memmap header
 * plus room for the map and 8 slack descriptors.  The ACPI tables are the
 * newest ACPI Reclaim allocations before it, so its pages sit right below
 * the lowest ACPI table in the descriptor that holds the RSDP.  0 when the
 * firmware does not look like that.
 */
static u64 x86_efi_memmap_phys(const struct kmm_machine *m)
{
	const struct kmm_efi *efi = &m->efi;
	u64 rsdp = efi->acpi20 != EFI_INVALID_TABLE_ADDR ? efi->acpi20 : efi->acpi;
	const struct efi_memory_desc *md;
	u64 lowest, bytes, pages;

	if (rsdp == EFI_INVALID_TABLE_ADDR)
		return 0;
	md = efi_find_desc(efi, EFI_ACPI_RECLAIM_MEMORY, rsdp, rsdp + 1);
	if (!md)
		return 0;
	lowest = rsdp;
	for (unsigned int i = 0; i < m->boot.nr_acpi; i++) {
		u64 a = m->boot.acpi[i].addr;

		if (a >= md->phys_addr && a < kmm_efi_md_end(md) && a < lowest)
			lowest = a;
	}
	lowest &= ~(EFI_PAGE_SIZE - 1);
	bytes = EFI_BOOT_MEMMAP_HDR + (efi->nr_map + EFI_MMAP_NR_SLACK_SLOTS) * efi->fw.desc_size;
	pages = efi_pages_bytes(bytes + efi->fw.pool_overhead);
	if (lowest - md->phys_addr < pages)
		return 0;
	return lowest - pages + efi->fw.pool_header + EFI_BOOT_MEMMAP_HDR;
}

/*
 * efi_memblock_x86_reserve_range(): the memory map stays reserved
 * (nr_map * desc_size bytes).  add_efi_memmap and soft-reserved (SP) ranges
 * would also copy the map into e820: not simulated (no SP descriptor in the
 * oracle boots).
 */
void x86_efi_memblock_reserve_range(struct kmm_machine *m)
{
	struct kmm_efi *efi = &m->efi;

	if (!efi->boot || !efi->nr_map)
		return;
	efi->memmap_phys = x86_efi_memmap_phys(m);
	if (efi->memmap_phys)
		memblock_reserve_caller(&m->memblock, efi->memmap_phys,
					(u64)efi->nr_map * efi->fw.desc_size,
					"efi_memblock_x86_reserve_range");
}

/* efi=debug: EFI_DBG (the option is a comma-separated list, matched word by word) */
static bool x86_efi_debug_option(const struct kmm_machine *m)
{
	bool dbg = false;

	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];
		const char *v = p->value;

		if (kmm_strcmp(p->name, "efi") || !v)
			continue;
		while (*v) {
			const char *comma = kmm_strchr(v, ',');
			size_t n = comma ? (size_t)(comma - v) : kmm_strlen(v);

			if (n == 5 && !kmm_strncmp(v, "debug", 5))
				dbg = true;
			v += n + (comma ? 1 : 0);
		}
	}
	return dbg;
}

/*
 * efi_init(): the system-table header and the configuration tables as the
 * log had them, then (x86_64, with a memory map) efi_memattr_init() reserves
 * the memory attributes table - its header and num_entries descriptors - and
 * with efi=debug the map is printed.  ESRT, MOKvar and TPM logs are reserved
 * later from sizes stored in their tables: not simulated.
 */
void x86_efi_init(struct kmm_machine *m)
{
	struct kmm_efi *efi = &m->efi;

	efi->dbg = x86_efi_debug_option(m);
	if (!efi->boot)
		return;
	m->booted_efi = true;
	kmm_printk(&m->env, "efi: %s", efi->header);
	if (efi->tables_line[0])
		kmm_printk(&m->env, "efi: %s ", efi->tables_line);
	if (m->kernel.arch == KMM_ARCH_X86_64 && efi->nr_map &&
	    efi->memattr != EFI_INVALID_TABLE_ADDR) {
		efi->memattr_size = EFI_MEMATTR_HDR + (u64)efi->fw.memattr_entries * efi->fw.desc_size;
		memblock_reserve_caller(&m->memblock, efi->memattr, efi->memattr_size,
					"efi_memattr_init");
	}
	if (efi->dbg)
		kmm_efi_print_memmap(efi, &m->env);
}

/*
 * efi_reserve_boot_services(): every boot services code/data descriptor that
 * nothing has reserved yet is reserved now, to be freed after
 * SetVirtualAddressMap() - unless it overlaps the kernel image or is not all
 * e820 RAM.  A descriptor that overlaps an earlier reservation, or that may
 * not be freed, is tagged EFI_MEMORY_RUNTIME: "someone else owns it".
 */
void x86_efi_reserve_boot_services(struct kmm_machine *m)
{
	struct kmm_efi *efi = &m->efi;
	u64 text = kmm_kernel_pa(m, m->kernel.sym.text);
	u64 end = kmm_kernel_pa(m, m->kernel.sym.end);

	if (!efi->boot)
		return;
	for (unsigned int i = 0; i < efi->nr_map; i++) {
		struct efi_memory_desc *md = &efi->map[i];
		u64 start = md->phys_addr, size = md->num_pages << EFI_PAGE_SHIFT;

		if (md->type != EFI_BOOT_SERVICES_CODE && md->type != EFI_BOOT_SERVICES_DATA)
			continue;
		if (!memblock_is_region_reserved(&m->memblock, start, size)) {
			memblock_reserve_caller(&m->memblock, start, size,
						"efi_reserve_boot_services");
			efi->bs_reserved += size;
			/* can_free_region() */
			if (!(start + size > text && start <= end) &&
			    e820__mapped_all(&m->e820, start, start + size, E820_TYPE_RAM))
				continue;
		}
		md->attribute |= EFI_MEMORY_RUNTIME;
	}
}

unsigned int kmm_x86_efi_free_boot_services(struct kmm_machine *m,
					    void (*free_late)(struct kmm_machine *m, u64 base,
							      u64 size))
{
	const struct kmm_efi *efi = &m->efi;
	unsigned int n = 0;

	/* efi=debug keeps every region for /sys/kernel/debug/efi */
	if (!efi->boot || efi->dbg)
		return 0;
	for (unsigned int i = 0; i < efi->nr_map; i++) {
		const struct efi_memory_desc *md = &efi->map[i];
		u64 start = md->phys_addr, size = md->num_pages << EFI_PAGE_SHIFT;

		if (md->type != EFI_BOOT_SERVICES_CODE && md->type != EFI_BOOT_SERVICES_DATA)
			continue;
		if (md->attribute & EFI_MEMORY_RUNTIME)
			continue;
		/* nothing below 1M: the BIOS may use it, a crash kernel needs it */
		if (start + size < SZ_1M)
			continue;
		if (start < SZ_1M) {
			size -= SZ_1M - start;
			start = SZ_1M;
		}
		if (free_late)
			free_late(m, start, size);
		n++;
	}
	return n;
}
