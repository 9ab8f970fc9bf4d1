// SPDX-License-Identifier: MIT
/*
 * setup_late.c - the rest of x86 setup_arch() (Linux 6.1
 * arch/x86/kernel/setup.c) from initmem_init() to its end, as far as it
 * touches memory.  setup.c has done everything up to NUMA setup.
 *
 * Order, as Linux runs it (steps without memory effects left out):
 *   initmem_init()              i386: lowmem/highmem report, node 0 online
 *                               (x86_64 NUMA was done by setup.c)
 *   reserve_crashkernel()       crashkernel=: below 4G first, else high
 *   memblock_find_dma_reserve() x86_64: what is already used below 16M
 *   x86_init.paging.pagetable_init()
 *                               x86_64 paging_init(): sparse_init(), then
 *                               zone_sizes_init() -> free_area_init();
 *                               i386 the same without sparse_init (FLATMEM;
 *                               no memblock call for its kmap/fixmap tables)
 *   acpi_boot_init()            the HPET's firmware resource
 *   prefill_possible_map()      "smpboot: Allowing N CPUs"
 *   io_apic_init_mappings()     one resource (and name) per I/O APIC
 *   e820__reserve_resources()   a resource per e820 entry, then a
 *                               firmware_map entry per firmware-map entry;
 *                               the iomem tree gets the kernel image, the
 *                               System ROM and the busy e820 entries
 *   e820__register_nosave_regions()  the non-RAM holes below max_pfn
 *   e820__setup_pci_gap()       the largest hole below 4G, for PCI
 *
 * The small structures these steps allocate are sized from the build's
 * word (see the x86_sizeof_* helpers); ranges are [start, end) throughout,
 * except struct kmm_resource's inclusive end (kmm/resource.h).
 *
 * /proc/iomem (kmm/resource.h): setup_arch() fills the tree as far as it
 * can at boot; kmm_x86_iomem_initcalls() adds what Linux adds from its
 * initcalls.  What kmm cannot know stays out: PCI host bridge windows and
 * devices, ACPI/PNP devices, the video and adapter ROMs (probe_roms() finds
 * them by reading ROM signatures and checksums in memory), i386's "Video
 * RAM area" (registered below a PCI bus window).  The I/O APIC, HPET and
 * local APIC addresses come from ACPI tables whose contents kmm does not
 * read: kmm uses the PC platform's fixed addresses, which are QEMU's
 * (IO_APIC_DEFAULT_PHYS_BASE, the HPET's 0xfed00000, APIC_DEFAULT_PHYS_BASE).
 * Every allocation Linux panics on when it fails returns -KMM_ENOMEM with
 * Linux's panic text in @err.
 */
#include <kmm/cmdline.h>
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/lib.h>
#include <kmm/resource.h>
#include <kmm/sparse.h>

#include "x86.h"

#define SZ_1M 0x100000ULL
#define SZ_16M 0x1000000ULL
#define SZ_512M 0x20000000ULL
#define SZ_4G 0x100000000ULL
#define SZ_64T 0x400000000000ULL
#define MAX_DMA_PFN (SZ_16M >> X86_PAGE_SHIFT)
#define MAX_DMA32_PFN (SZ_4G >> X86_PAGE_SHIFT)
#define CRASH_ALIGN SZ_16M
#define SWIOTLB_DEFAULT_SIZE (64ULL << 20) /* IO_TLB_DEFAULT_SIZE, no swiotlb= */
#define HPET_RESOURCE_NAME_SIZE 9
#define IOAPIC_RESOURCE_NAME_SIZE 11
#define PCI_GAP_MIN 0x400000ULL /* e820__setup_pci_gap(): gaps below 4M do not count */
#define PCI_GAP_END SZ_4G
#define BIOS_ROM_BASE 0xf0000ULL     /* probe_roms(): the System ROM [0xf0000, 0xfffff] */
#define BIOS_ROM_END 0xfffffULL
#define IO_APIC_BASE 0xfec00000ULL   /* IO_APIC_DEFAULT_PHYS_BASE; QEMU's MADT says the same */
#define IO_APIC_SLOT_SIZE 1024
#define HPET_BASE 0xfed00000ULL      /* QEMU's (and most PCs') HPET table address */
#define HPET_MMIO_SIZE 1024
#define LAPIC_BASE 0xfee00000ULL     /* APIC_DEFAULT_PHYS_BASE */

#define PFN_UP(x) (((x) + X86_PAGE_SIZE - 1) >> X86_PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> X86_PAGE_SHIFT)

static bool x86_is_64(const struct kmm_machine *m)
{
	return m->kernel.arch == KMM_ARCH_X86_64;
}

/* sizeof(long) and sizeof(void *) of the build */
static u64 x86_word(const struct kmm_machine *m)
{
	return x86_is_64(m) ? 8 : 4;
}

/* mask an unsigned long of the build (i386 arithmetic wraps at 32 bits) */
static u64 x86_ulong(const struct kmm_machine *m, u64 v)
{
	return x86_is_64(m) ? v : (v & 0xffffffffULL);
}

/* sizeof(struct resource): 64 bytes on x86_64, 40 with PAE (struct-sizes.txt) */
static u64 x86_sizeof_resource(const struct kmm_machine *m)
{
	return m->kernel.struct_size[KMM_STRUCT_RESOURCE];
}

/*
 * struct firmware_map_entry: start and end (u64), type (pointer), a
 * list_head (two pointers) and its kobject (name, list_head, parent, kset,
 * ktype, sd: seven pointers; kref and the state bit-field word: 4 + 4).
 * 104 bytes on x86_64, 64 on i386.
 */
static u64 x86_sizeof_firmware_map_entry(const struct kmm_machine *m)
{
	u64 w = x86_word(m);

	return KMM_ALIGN(16 + w + 2 * w + 7 * w + 8, w);
}

/* struct nosave_region: a list_head and two pfns: four words. */
static u64 x86_sizeof_nosave_region(const struct kmm_machine *m)
{
	return 4 * x86_word(m);
}

/* memblock_alloc(size, SMP_CACHE_BYTES): false when nothing fits */
static bool x86_memblock_alloc(struct kmm_machine *m, u64 size, const char *caller)
{
	return memblock_alloc_try_nid_caller(&m->memblock, size, X86_SMP_CACHE_BYTES,
					     MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
					     NUMA_NO_NODE, caller) != NULL;
}

/* The allocation Linux panics on: "<function>: Failed to allocate N bytes". */
static int x86_alloc_or_fail(struct kmm_machine *m, u64 size, const char *caller, char *err,
			     size_t errlen)
{
	if (x86_memblock_alloc(m, size, caller))
		return 0;
	kmm_snprintf(err, errlen, "%s: Failed to allocate %llu bytes", caller,
		     (unsigned long long)size);
	return -KMM_ENOMEM;
}

static bool x86_has_acpi_table(const struct kmm_machine *m, const char *sig)
{
	for (unsigned int i = 0; i < m->boot.nr_acpi; i++)
		if (!kmm_strcmp(m->boot.acpi[i].sig, sig))
			return true;
	return false;
}

/* ---------------------------------------------------------------- iomem */

/* the largest resource_size_t (phys_addr_t): 64-bit on x86_64 and with PAE */
static u64 x86_resource_max(const struct kmm_machine *m)
{
	return x86_is_64(m) || m->kernel.x86_pae ? KMM_ULLONG_MAX : 0xffffffffULL;
}

/*
 * A new resource [start, end] put into iomem with insert_resource() (or
 * request_resource() when @request).  Linux ignores a conflict here: the
 * resource is then just not in the tree, and kmm drops it the same way.
 * Returns 0, or -KMM_EOVERFLOW when the pool is full (@err names it).
 */
static int x86_iomem_add(struct kmm_machine *m, const char *name, u64 start, u64 end,
			 unsigned long flags, enum kmm_iores_desc desc, bool request, char *err,
			 size_t errlen)
{
	struct kmm_resource_tree *t = kmm_iomem_tree(m);
	struct kmm_resource *r;
	int ret;

	ret = kmm_resource_new(t, name, start, end, flags, desc, &r, err, errlen);
	if (ret)
		return ret;
	if (request ? kmm_request_resource_conflict(&t->root, r)
		    : kmm_insert_resource_conflict(&t->root, r))
		kmm_resource_free(t, r);
	return 0;
}

/*
 * A resource a late_initcall inserts (I/O APIC, HPET): made now, kept in
 * m->iomem.late[] until kmm_x86_iomem_initcalls().
 */
static int x86_iomem_add_late(struct kmm_machine *m, const char *name, u64 start, u64 size,
			      char *err, size_t errlen)
{
	struct kmm_iomem *io = &m->iomem;
	struct kmm_resource *r;
	int ret;

	if (io->nr_late == KMM_ARRAY_SIZE(io->late)) {
		kmm_snprintf(err, errlen, "iomem: too many late resources: cannot add %s", name);
		return -KMM_EOVERFLOW;
	}
	ret = kmm_resource_new(kmm_iomem_tree(m), name, start, start + size - 1,
			       KMM_IORESOURCE_MEM | KMM_IORESOURCE_BUSY, KMM_IORES_DESC_NONE, &r, err,
			       errlen);
	if (!ret)
		io->late[io->nr_late++] = r;
	return ret;
}

/*
 * setup_arch() after parse_early_param(): the kernel image's four parts
 * (System RAM, busy), each [start, end - 1] of its section symbols; then
 * probe_roms()'s System ROM, the one ROM found without reading memory.
 */
static int x86_kernel_resources(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	const struct { const char *name; u64 start, end; } part[] = {
		{ "Kernel code", s->text, s->etext },
		{ "Kernel rodata", s->start_rodata, s->end_rodata },
		{ "Kernel data", s->sdata, s->edata },
		{ "Kernel bss", s->bss_start, s->bss_stop },
	};
	int ret = 0;

	for (unsigned int i = 0; !ret && i < KMM_ARRAY_SIZE(part); i++) {
		if (!part[i].start || part[i].end <= part[i].start)
			continue; /* symbol missing from System.map */
		ret = x86_iomem_add(m, part[i].name, kmm_kernel_pa(m, part[i].start),
				    kmm_kernel_pa(m, part[i].end) - 1,
				    KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY,
				    KMM_IORES_DESC_NONE, false, err, errlen);
	}
	if (ret)
		return ret;
	return x86_iomem_add(m, "System ROM", BIOS_ROM_BASE, BIOS_ROM_END,
			     KMM_IORESOURCE_MEM | KMM_IORESOURCE_BUSY | KMM_IORESOURCE_READONLY,
			     KMM_IORES_DESC_NONE, true, err, errlen);
}

/* ---------------------------------------------------------------- initmem_init */

/*
 * initmem_init() without NUMA (i386): highmem is [max_low_pfn, max_pfn),
 * lowmem [0, max_low_pfn); NODE_DATA(0) is the static contig_page_data, so
 * nothing is allocated.  setup_bootmem_allocator() reports the mapped end.
 */
static void x86_32_initmem_init(struct kmm_machine *m)
{
	unsigned long highstart = m->max_pfn > m->max_low_pfn ? m->max_low_pfn : m->max_pfn;

	if (m->kernel.highmem)
		kmm_printk(&m->env, "%luMB HIGHMEM available.", (m->max_pfn - highstart) >> 8);
	kmm_printk(&m->env, "%luMB LOWMEM available.", m->max_low_pfn >> 8);
	kmm_printk(&m->env, "  mapped low ram: 0 - %08llx",
		   (unsigned long long)m->max_pfn_mapped << X86_PAGE_SHIFT);
	kmm_printk(&m->env, "  low ram: 0 - %08llx",
		   (unsigned long long)m->max_low_pfn << X86_PAGE_SHIFT);
}

/* Without NUMA node 0 is the only node and holds everything. */
static void x86_single_node(struct kmm_machine *m)
{
	m->node[0].online = true;
	m->nr_nodes = 1;
}

/* ---------------------------------------------------------------- crash kernel */

/*
 * reserve_crashkernel_low() (x86_64): a high crash kernel also needs low
 * memory for DMA: crashkernel=Y,low, else the swiotlb size plus 8M, at
 * least 256M.  Returns 0, or -KMM_ENOMEM when it does not fit below 4G.
 */
static int x86_reserve_crashkernel_low(struct kmm_machine *m, char *err, size_t errlen)
{
	u64 limit = KMM_MIN(memblock_phys_mem_size(&m->memblock), SZ_4G);
	u64 size, base;

	if (!x86_is_64(m))
		return 0;
	if (kmm_crashkernel_low_size(&m->cmdline, &size))
		size = KMM_MAX(SWIOTLB_DEFAULT_SIZE + (8ULL << 20), 256ULL << 20);
	else if (!size)
		return 0;
	base = memblock_phys_alloc_range_caller(&m->memblock, size, CRASH_ALIGN, 0, SZ_4G,
						"reserve_crashkernel_low");
	if (!base) {
		kmm_printk(&m->env, "Cannot reserve %lluMB crashkernel low memory, please try smaller size.",
			   (unsigned long long)(size >> 20));
		return -KMM_ENOMEM;
	}
	kmm_printk(&m->env, "Reserving %lluMB of low memory at %lluMB for crashkernel (low RAM limit: %lluMB)",
		   (unsigned long long)(size >> 20), (unsigned long long)(base >> 20),
		   (unsigned long long)(limit >> 20));
	m->crashk_low_base = base;
	m->crashk_low_size = size;
	return x86_iomem_add(m, "Crash kernel", base, base + size - 1,
			     KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY,
			     KMM_IORES_DESC_CRASH_KERNEL, false, err, errlen);
}

/*
 * reserve_crashkernel(): the region crashkernel= asks for.  Without a base
 * it goes below CRASH_ADDR_LOW_MAX (4G; i386 512M) on 16M boundaries unless
 * ",high" was given, then anywhere below CRASH_ADDR_HIGH_MAX (64T; i386
 * 512M).  With a base it must be free exactly there.  Failures are only
 * reported, as Linux does.  The region goes into iomem as "Crash kernel".
 * Returns 0, or -KMM_EOVERFLOW when the iomem pool is full.
 */
static int x86_reserve_crashkernel(struct kmm_machine *m, char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	u64 total = memblock_phys_mem_size(mb), size, base;
	u64 low_max = x86_is_64(m) ? SZ_4G : SZ_512M, high_max = x86_is_64(m) ? SZ_64T : SZ_512M;
	bool high, low;

	int ret;

	if (kmm_crashkernel_resolve(&m->cmdline, total, &size, &base, &high, &low) || !size)
		return 0;
	if (!base) {
		if (!high)
			base = memblock_phys_alloc_range_caller(mb, size, CRASH_ALIGN, CRASH_ALIGN,
								low_max, "setup_arch");
		if (!base)
			base = memblock_phys_alloc_range_caller(mb, size, CRASH_ALIGN, CRASH_ALIGN,
								high_max, "setup_arch");
		if (!base) {
			kmm_printk(&m->env, "crashkernel reservation failed - No suitable area found.");
			return 0;
		}
	} else if (memblock_phys_alloc_range_caller(mb, size, SZ_1M, base, base + size,
						    "setup_arch") != base) {
		kmm_printk(&m->env, "crashkernel reservation failed - memory is in use.");
		return 0;
	}
	if (base >= SZ_4G) {
		ret = x86_reserve_crashkernel_low(m, err, errlen);
		if (ret == -KMM_ENOMEM) {
			memblock_phys_free_caller(mb, base, size, "setup_arch");
			return 0;
		}
		if (ret)
			return ret;
	}
	m->crashk_base = base;
	m->crashk_size = size;
	kmm_printk(&m->env, "Reserving %lluMB of memory at %lluMB for crashkernel (System RAM: %lluMB)",
		   (unsigned long long)(size >> 20), (unsigned long long)(base >> 20),
		   (unsigned long long)(total >> 20));
	return x86_iomem_add(m, "Crash kernel", base, base + size - 1,
			     KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY,
			     KMM_IORES_DESC_CRASH_KERNEL, false, err, errlen);
}

/* ---------------------------------------------------------------- DMA reserve */

/*
 * memblock_find_dma_reserve() (x86_64): the pages below 16M that memory
 * covers minus the whole free pages there; free_area_init() takes them off
 * ZONE_DMA's managed estimate (set_dma_reserve()).
 */
static void x86_find_dma_reserve(struct kmm_machine *m)
{
	const struct memblock *mb = &m->memblock;
	unsigned long spfn, epfn, nr_pages = 0, nr_free = 0;
	phys_addr_t start, end;
	u64 u;
	int i;

	if (!x86_is_64(m))
		return;
	for_each_mem_pfn_range(mb, i, mb->max_numnodes, &spfn, &epfn, NULL)
		nr_pages += KMM_MIN(epfn, MAX_DMA_PFN) - KMM_MIN(spfn, MAX_DMA_PFN);
	for_each_free_mem_range(mb, u, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		spfn = (unsigned long)KMM_MIN(PFN_UP(start), MAX_DMA_PFN);
		epfn = (unsigned long)KMM_MIN(PFN_DOWN(end), MAX_DMA_PFN);
		if (spfn < epfn)
			nr_free += epfn - spfn;
	}
	m->dma_reserve = nr_pages - nr_free;
}

/* ---------------------------------------------------------------- paging_init */

/*
 * zone_sizes_init(): ZONE_DMA ends at 16M, ZONE_DMA32 at 4G (both capped by
 * max_low_pfn), ZONE_NORMAL at max_low_pfn, ZONE_HIGHMEM at max_pfn.
 */
static int x86_zone_sizes_init(struct kmm_machine *m, char *err, size_t errlen)
{
	unsigned long max_zone_pfn[KMM_ZONE_KINDS] = { 0 };

	max_zone_pfn[KMM_ZONE_DMA] = KMM_MIN((unsigned long)MAX_DMA_PFN, m->max_low_pfn);
	max_zone_pfn[KMM_ZONE_DMA32] = KMM_MIN((unsigned long)MAX_DMA32_PFN, m->max_low_pfn);
	max_zone_pfn[KMM_ZONE_NORMAL] = m->max_low_pfn;
	max_zone_pfn[KMM_ZONE_HIGHMEM] = m->max_pfn;
	return kmm_free_area_init(m, max_zone_pfn, err, errlen);
}

/*
 * paging_init(): x86_64 builds the memory sections and their vmemmap first
 * (kmm_sparse_init() does nothing on FLATMEM).  i386's pagetable_init()
 * (permanent kmaps, fixmaps) makes no memblock call: its page tables exist
 * or come from the brk's pgt_buf (the boot logs show none); the two
 * alloc_low_pages() calls of i386 logs come later, from trap_init()'s
 * setup_cpu_entry_areas().
 */
static int x86_paging_init(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	ret = kmm_sparse_init(m, err, errlen);
	if (ret)
		return ret;
	return x86_zone_sizes_init(m, err, errlen);
}

/* ---------------------------------------------------------------- ACPI, APIC */

/*
 * acpi_parse_hpet(): the HPET's iomem resource with its name ("HPET %u",
 * the table's sequence number: 0) behind it, allocated when the firmware
 * has an HPET table; hpet_insert_resource() (late_initcall) inserts it.
 */
static int x86_acpi_parse_hpet(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	if (!x86_has_acpi_table(m, "HPET"))
		return 0;
	ret = x86_alloc_or_fail(m, x86_sizeof_resource(m) + HPET_RESOURCE_NAME_SIZE,
				"acpi_parse_hpet", err, errlen);
	if (ret)
		return ret;
	return x86_iomem_add_late(m, "HPET 0", HPET_BASE, HPET_MMIO_SIZE, err, errlen);
}

/*
 * The I/O APICs the firmware describes (MADT or MP table).  QEMU's pc and
 * q35 machines have exactly one ("IOAPIC[0]: ... GSI 0-23"); a boot log's
 * input lines do not list them.
 */
static unsigned int x86_nr_ioapics(const struct kmm_machine *m)
{
	return x86_has_acpi_table(m, "APIC") || m->boot.have_mptable ? 1 : 0;
}

/*
 * io_apic_init_mappings() -> ioapic_setup_resources(): one block with a
 * resource and an 11-byte name ("IOAPIC %u") per I/O APIC, 1K of
 * registers each; ioapic_insert_resources() (late_initcall) inserts them.
 * Their registers are mapped from the addresses the firmware gave, so no
 * fake page is needed.
 */
static int x86_io_apic_init_mappings(struct kmm_machine *m, char *err, size_t errlen)
{
	unsigned int n = x86_nr_ioapics(m);
	int ret;

	if (!n)
		return 0;
	ret = x86_alloc_or_fail(m, (x86_sizeof_resource(m) + IOAPIC_RESOURCE_NAME_SIZE) * n,
				"io_apic_init_mappings", err, errlen);
	for (unsigned int i = 0; !ret && i < n; i++) {
		char name[IOAPIC_RESOURCE_NAME_SIZE];

		kmm_snprintf(name, sizeof(name), "IOAPIC %u", i);
		ret = x86_iomem_add_late(m, name, IO_APIC_BASE + (u64)i * IO_APIC_SLOT_SIZE,
					 IO_APIC_SLOT_SIZE, err, errlen);
	}
	return ret;
}

/* prefill_possible_map(): the CPU count the firmware reported */
static void x86_prefill_possible_map(struct kmm_machine *m)
{
	if (m->boot.cpus)
		kmm_printk(&m->env, "smpboot: Allowing %u CPUs, %u hotplug CPUs", m->boot.cpus,
			   m->boot.hotplug_cpus);
}

/* ---------------------------------------------------------------- e820 resources */

/* e820_type_to_string(): the iomem name of an e820 type */
static const char *x86_e820_iomem_name(enum e820_type type)
{
	switch (type) {
	case E820_TYPE_RESERVED_KERN:
	case E820_TYPE_RAM: return "System RAM";
	case E820_TYPE_ACPI: return "ACPI Tables";
	case E820_TYPE_NVS: return "ACPI Non-volatile Storage";
	case E820_TYPE_UNUSABLE: return "Unusable memory";
	case E820_TYPE_PRAM: return "Persistent Memory (legacy)";
	case E820_TYPE_PMEM: return "Persistent Memory";
	case E820_TYPE_RESERVED: return "Reserved";
	case E820_TYPE_SOFT_RESERVED: return "Soft Reserved";
	}
	return "Unknown E820 type";
}

/* e820_type_to_iores_desc(): what walkers look the range up by */
static enum kmm_iores_desc x86_e820_iores_desc(enum e820_type type)
{
	switch (type) {
	case E820_TYPE_ACPI: return KMM_IORES_DESC_ACPI_TABLES;
	case E820_TYPE_NVS: return KMM_IORES_DESC_ACPI_NV_STORAGE;
	case E820_TYPE_PMEM: return KMM_IORES_DESC_PERSISTENT_MEMORY;
	case E820_TYPE_PRAM: return KMM_IORES_DESC_PERSISTENT_MEMORY_LEGACY;
	case E820_TYPE_RESERVED: return KMM_IORES_DESC_RESERVED;
	case E820_TYPE_SOFT_RESERVED: return KMM_IORES_DESC_SOFT_RESERVED;
	default: return KMM_IORES_DESC_NONE;
	}
}

/*
 * do_mark_busy(): everything below 1M (BIOS and DOS ROM shadows, legacy
 * MMIO) and all ordinary memory types are claimed at once; reserved,
 * soft-reserved and persistent memory may hold PCI BARs or belong to a
 * driver, so they wait for e820__reserve_resources_late().
 */
static bool x86_e820_busy_now(enum e820_type type, u64 start)
{
	if (start < SZ_1M)
		return true;
	return type != E820_TYPE_RESERVED && type != E820_TYPE_SOFT_RESERVED &&
	       type != E820_TYPE_PRAM && type != E820_TYPE_PMEM;
}

/*
 * The iomem part of e820__reserve_resources(): e820_res, one resource per
 * entry ([addr, addr + size - 1]; an entry whose end does not fit a
 * resource_size_t keeps an empty slot), System RAM for RAM and
 * RESERVED_KERN; the busy ones inserted now.  The kernel image and the
 * System ROM, registered earlier in setup_arch(), go in first.
 */
static int x86_e820_iomem(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct e820_table *t = &m->e820.table;
	struct kmm_resource_tree *tree = kmm_iomem_tree(m);
	struct kmm_resource *res;
	int ret;

	ret = x86_kernel_resources(m, err, errlen);
	if (!ret)
		ret = kmm_resource_new_array(tree, t->nr_entries, "e820 resources", &res, err,
					     errlen);
	if (ret)
		return ret;
	m->iomem.firmware_res = res;
	m->iomem.nr_firmware_res = t->nr_entries;
	for (u32 i = 0; i < t->nr_entries; i++, res++) {
		const struct e820_entry *en = &t->entries[i];
		u64 end = en->addr + en->size - 1;

		if (!en->size || end < en->addr || end > x86_resource_max(m))
			continue;
		kmm_strlcpy(res->name, x86_e820_iomem_name(en->type), sizeof(res->name));
		res->start = en->addr;
		res->end = end;
		res->flags = en->type == E820_TYPE_RAM || en->type == E820_TYPE_RESERVED_KERN
				     ? KMM_IORESOURCE_SYSTEM_RAM
				     : KMM_IORESOURCE_MEM;
		res->desc = x86_e820_iores_desc(en->type);
		if (x86_e820_busy_now(en->type, en->addr)) {
			res->flags |= KMM_IORESOURCE_BUSY;
			kmm_insert_resource_conflict(&tree->root, res);
		}
	}
	return 0;
}

/*
 * e820__reserve_resources(): one struct resource per entry of the kernel's
 * e820 table in a single block (the iomem entries above), then
 * firmware_map_add_early() allocates one firmware_map_entry per entry of
 * the firmware's table (/sys/firmware/memmap).  A failed firmware_map entry
 * only warns in Linux; kmm skips it.
 */
static int x86_e820_reserve_resources(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct e820_table *fw = &m->e820.table_firmware;
	int ret;

	ret = x86_alloc_or_fail(m, x86_sizeof_resource(m) * m->e820.table.nr_entries,
				"e820__reserve_resources", err, errlen);
	if (!ret)
		ret = x86_e820_iomem(m, err, errlen);
	if (ret)
		return ret;
	for (u32 i = 0; i < fw->nr_entries; i++)
		x86_memblock_alloc(m, x86_sizeof_firmware_map_entry(m), "firmware_map_add_early");
	return 0;
}

/* The last nosave region registered: the next one may extend it. */
struct x86_nosave {
	unsigned long start_pfn, end_pfn; /* [start_pfn, end_pfn) */
	bool any;
};

/*
 * register_nosave_region(): a range the hibernation image must skip.  A
 * range that starts where the previous one ended extends it; any other
 * needs a new nosave_region.  Both are reported with the range passed in.
 */
static int x86_register_nosave_region(struct kmm_machine *m, struct x86_nosave *last,
				      unsigned long start_pfn, unsigned long end_pfn, char *err,
				      size_t errlen)
{
	int ret;

	if (start_pfn >= end_pfn)
		return 0;
	if (last->any && last->end_pfn == start_pfn) {
		last->end_pfn = end_pfn;
	} else {
		ret = x86_alloc_or_fail(m, x86_sizeof_nosave_region(m), "register_nosave_region",
					err, errlen);
		if (ret)
			return ret;
		last->start_pfn = start_pfn;
		last->end_pfn = end_pfn;
		last->any = true;
	}
	kmm_printk(&m->env, "PM: hibernation: Registered nosave memory: [mem %#010llx-%#010llx]",
		   (unsigned long long)start_pfn << X86_PAGE_SHIFT,
		   ((unsigned long long)end_pfn << X86_PAGE_SHIFT) - 1);
	return 0;
}

/*
 * e820__register_nosave_regions(max_pfn), as Debian's 6.1 has it (with the
 * 2025 stable fix for sub-page entries): walking the RAM entries (usable
 * and setup_data's RESERVED_KERN) in order, every hole between the end of
 * one and the start of the next, widened to whole pages, is nosave; so is
 * [end of the last RAM entry, limit_pfn).
 */
static int x86_e820_register_nosave_regions(struct kmm_machine *m, unsigned long limit_pfn,
					    char *err, size_t errlen)
{
	const struct e820_table *t = &m->e820.table;
	struct x86_nosave last = { 0 };
	u64 last_addr = 0;
	int ret;

	for (u32 i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *en = &t->entries[i];

		if (en->type != E820_TYPE_RAM && en->type != E820_TYPE_RESERVED_KERN)
			continue;
		if (last_addr < en->addr) {
			ret = x86_register_nosave_region(m, &last, (unsigned long)PFN_DOWN(last_addr),
							 (unsigned long)PFN_UP(en->addr), err,
							 errlen);
			if (ret)
				return ret;
		}
		last_addr = en->addr + en->size;
	}
	return x86_register_nosave_region(m, &last, (unsigned long)PFN_DOWN(last_addr), limit_pfn,
					  err, errlen);
}

/*
 * e820__setup_pci_gap(): walking the table from its end, the largest hole
 * between an entry's end and the lowest start seen so far (starting at 4G),
 * if at least 4M; ties go to the lower hole.  Without one, x86_64 puts the
 * PCI window 1M above the end of RAM and complains, i386 at 256M.
 */
static void x86_e820_setup_pci_gap(struct kmm_machine *m)
{
	const struct e820_table *t = &m->e820.table;
	u64 last = PCI_GAP_END, gapsize = PCI_GAP_MIN, gapstart = 0;
	bool found = false;

	for (u32 i = t->nr_entries; i-- > 0;) {
		u64 start = t->entries[i].addr, end = start + t->entries[i].size;

		if (last > end) {
			u64 gap = x86_ulong(m, last - end);

			if (gap >= gapsize) {
				gapsize = gap;
				gapstart = end;
				found = true;
			}
		}
		if (start < last)
			last = start;
	}
	if (!found) {
		if (x86_is_64(m)) {
			gapstart = ((u64)m->max_pfn << X86_PAGE_SHIFT) + SZ_1M;
			kmm_printk(&m->env, "Cannot find an available gap in the 32-bit address range");
			kmm_printk(&m->env, "PCI devices with unassigned 32-bit BARs may not work!");
		} else {
			gapstart = 0x10000000;
		}
	}
	kmm_printk(&m->env, "[mem %#010llx-%#010llx] available for PCI devices",
		   (unsigned long long)x86_ulong(m, gapstart),
		   (unsigned long long)x86_ulong(m, gapstart + gapsize - 1));
}

/* ---------------------------------------------------------------- the sequence */

int x86_setup_arch_late(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	if (!x86_is_64(m)) {
		x86_32_initmem_init(m);
		x86_single_node(m);
	} else if (!m->kernel.numa) {
		x86_single_node(m);
	}
	ret = x86_reserve_crashkernel(m, err, errlen);
	if (ret)
		return ret;
	x86_find_dma_reserve(m);
	ret = x86_paging_init(m, err, errlen);
	if (!ret)
		ret = x86_acpi_parse_hpet(m, err, errlen);
	if (ret)
		return ret;
	x86_prefill_possible_map(m);
	ret = x86_io_apic_init_mappings(m, err, errlen);
	if (!ret)
		ret = x86_e820_reserve_resources(m, err, errlen);
	if (!ret)
		ret = x86_e820_register_nosave_regions(m, m->max_pfn, err, errlen);
	if (ret)
		return ret;
	x86_e820_setup_pci_gap(m);
	return 0;
}

/* ---------------------------------------------------------------- iomem initcalls */

/*
 * ram_alignment(): how far past the end of a RAM entry the "RAM buffer"
 * reaches: to 64K in the first megabyte, to 1M below 16M, to 64M above.
 */
static u64 x86_ram_alignment(u64 pos)
{
	u64 mb = pos >> 20;

	if (!mb)
		return 64ULL << 10;
	if (mb < 16)
		return SZ_1M;
	return 64ULL << 20;
}

/*
 * e820__reserve_resources_late() (pcibios_resource_survey, after the PCI
 * windows): the e820 resources not yet in the tree go in, widened over
 * whatever they partly overlap; then the space between the end of each
 * RAM entry and its alignment boundary becomes "RAM buffer" where nothing
 * else claims it, so that no PCI BAR is placed in memory the chipset may
 * be stealing.
 */
static int x86_e820_reserve_resources_late(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct e820_table *t = &m->e820.table;
	struct kmm_resource_tree *tree = kmm_iomem_tree(m);
	struct kmm_resource *res = m->iomem.firmware_res;
	u64 max = x86_resource_max(m);
	int ret;

	for (unsigned int i = 0; res && i < m->iomem.nr_firmware_res; i++)
		if (!res[i].parent && res[i].end)
			kmm_insert_resource_expand_to_fit(tree, &tree->root, &res[i]);
	for (u32 i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *en = &t->entries[i];
		u64 start = en->addr + en->size, end;

		if (en->type != E820_TYPE_RAM)
			continue;
		/* the boundary minus one; a boundary past 2^64 wraps to 0, minus one is the top */
		end = KMM_ALIGN(start, x86_ram_alignment(start)) - 1;
		if (end > max)
			end = max;
		if (start >= end)
			continue;
		ret = kmm_reserve_region_with_split(tree, &tree->root, start, end, "RAM buffer", err,
						    errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * lapic_insert_resource(): the local APIC's page.  kmm's machines always
 * have one at the default address ("nolapic" is not modelled).
 */
static int x86_lapic_insert_resource(struct kmm_machine *m, char *err, size_t errlen)
{
	return x86_iomem_add(m, "Local APIC", LAPIC_BASE, LAPIC_BASE + X86_PAGE_SIZE - 1,
			     KMM_IORESOURCE_MEM | KMM_IORESOURCE_BUSY, KMM_IORES_DESC_NONE, false,
			     err, errlen);
}

int kmm_x86_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_resource_tree *tree = kmm_iomem_tree(m);
	int ret;

	ret = x86_e820_reserve_resources_late(m, err, errlen);
	if (ret)
		return ret;
	/* late_initcall: ioapic_insert_resources(), hpet_insert_resource() */
	for (unsigned int i = 0; i < m->iomem.nr_late; i++)
		if (kmm_insert_resource_conflict(&tree->root, m->iomem.late[i]))
			kmm_resource_free(tree, m->iomem.late[i]);
	m->iomem.nr_late = 0;
	return x86_lapic_insert_resource(m, err, errlen);
}
