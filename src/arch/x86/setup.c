// SPDX-License-Identifier: MIT
/*
 * setup.c - the memory part of x86 setup_arch() (Linux 6.1
 * arch/x86/kernel/setup.c), from the firmware map through NUMA setup;
 * setup_late.c continues from initmem_init() to the end of setup_arch().
 *
 * Order, as Linux runs it:
 *   early_reserve_memory()    kernel image, low 64K, initrd, setup_data, BIOS
 *                             regions (before memblock=debug is parsed: silent)
 *   e820__memory_setup()      the firmware map, sanitised and printed
 *   parse_early_param()       memblock=debug, mem=, memmap=
 *   e820__reserve_setup_data(), e820__finish_early_params()
 *   e820_add_kernel_range(), trim_bios_range(), e820__end_of_ram_pfn()
 *   find_smp_config()         MP table reservations
 *   reserve_brk()             the kernel's brk area in use
 *   e820__memblock_setup()    RAM into memblock, trimmed to pages, dumped
 * and then (kmm_x86_setup_memory()):
 *   reserve_real_mode(), init_mem_mapping(), reserve_initrd(),
 *   acpi_reserve_initial_tables(), x86_64 NUMA (SRAT/SLIT or one faked
 *   node, numa=fake=N, NODE_DATA, the second dump), x86_setup_arch_late().
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#include "x86.h"

#define PAGE_SIZE 4096ULL
#define SZ_64K 0x10000ULL
#define SZ_1M 0x100000ULL
#define ISA_END_ADDRESS 0x100000ULL
#define BIOS_BEGIN 0x000a0000ULL
#define BIOS_END 0x00100000ULL
#define BIOS_START_MIN 0x20000ULL
#define BIOS_START_MAX 0x9f000ULL
#define MPF_SIZE 16ULL

void kmm_machine_init(struct kmm_machine *m, enum kmm_arch arch, const struct kmm_env *env)
{
	kmm_memset(m, 0, sizeof(*m));
	m->env = *env;
	kmm_kernel_init(&m->kernel, arch);
	kmm_e820_init(&m->e820, &m->env);
	kmm_efi_init(&m->efi);
	m->platform.mpc_len = 0xd0;
	m->platform.brk_used = arch == KMM_ARCH_I386 ? 0x19000 : 0x11000;
	/* INIT_PGT_BUF_SIZE: 12 pages with CONFIG_RANDOMIZE_MEMORY, at the brk's end */
	m->pgt.pgt_buf_size = 12;
	for (int a = 0; a < KMM_MAX_NUMNODES; a++) {
		m->node[a].node_id = a;
		for (int b = 0; b < KMM_MAX_NUMNODES; b++)
			m->numa_distance[a][b] = a == b ? KMM_LOCAL_DISTANCE : KMM_REMOTE_DISTANCE;
	}
}

u64 kmm_kernel_pa(const struct kmm_machine *m, u64 sym)
{
	/* arm64: the Image runs where the boot loader put it (kernel_load is _text) */
	if (m->kernel.arch == KMM_ARCH_ARM64)
		return m->kernel_load + (sym - m->kernel.sym.text);
	return sym - kmm_kernel_map_base(&m->kernel) + m->phys_base;
}

/*
 * Where the kernel runs.  Booted without KASLR by a BIOS loader it runs at
 * its link address (CONFIG_PHYSICAL_START).  The EFI stub instead allocates a
 * Loader Code region for the decompressed kernel: the first one large enough
 * for [_text, _end) that starts on CONFIG_PHYSICAL_ALIGN.
 */
static void x86_place_kernel(struct kmm_machine *m)
{
	const struct kmm_kernel *k = &m->kernel;
	u64 link = k->sym.text - kmm_kernel_map_base(k);
	u64 need = k->sym.end - k->sym.text;

	m->phys_base = 0;
	if (!m->efi.boot)
		return;
	for (unsigned int i = 0; i < m->efi.nr_map; i++) {
		const struct efi_memory_desc *md = &m->efi.map[i];

		if (md->type != EFI_LOADER_CODE)
			continue;
		if (kmm_efi_md_end(md) - md->phys_addr < need ||
		    !KMM_IS_ALIGNED(md->phys_addr, k->physical_align))
			continue;
		m->phys_base = md->phys_addr - link;
		return;
	}
}

/* the firmware's base-memory size: the end of the usable range that starts at 0 */
static u64 x86_bios_base_memory(const struct kmm_e820 *e)
{
	for (u32 i = 0; i < e->table.nr_entries; i++) {
		const struct e820_entry *en = &e->table.entries[i];

		if (en->addr == 0 && en->type == E820_TYPE_RAM)
			return en->size;
	}
	return 0;
}

/* reserve_bios_regions(): from the EBDA (or base memory end) up to 1M */
static void x86_reserve_bios_regions(struct kmm_machine *m, u64 base_mem)
{
	u64 bios_start = base_mem & ~0x3ffULL; /* the BDA holds whole KiB */

	if (bios_start < BIOS_START_MIN || bios_start > BIOS_START_MAX)
		bios_start = BIOS_START_MAX;
	bios_start &= ~(PAGE_SIZE - 1);
	memblock_reserve_caller(&m->memblock, bios_start, SZ_1M - bios_start,
				"reserve_bios_regions");
}

static void x86_early_reserve_memory(struct kmm_machine *m)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	struct memblock *mb = &m->memblock;

	memblock_reserve_caller(mb, kmm_kernel_pa(m, s->text), s->end_of_kernel_reserve - s->text,
				"early_reserve_memory");
	memblock_reserve_caller(mb, 0, SZ_64K, "early_reserve_memory");
	if (m->boot.have_ramdisk) {
		u64 start = m->boot.ramdisk_start;
		u64 end = KMM_ALIGN(m->boot.ramdisk_end + 1, PAGE_SIZE);

		memblock_reserve_caller(mb, start, end - start, "early_reserve_initrd");
	}
	for (unsigned int i = 0; i < m->boot.nr_setup_data; i++)
		memblock_reserve_caller(mb, m->boot.setup_data_start[i],
					m->boot.setup_data_end[i] + 1 - m->boot.setup_data_start[i],
					"memblock_x86_reserve_range_setup_data");
}

static int x86_parse_early_param(struct kmm_machine *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];
		int ret = 0;

		if (!kmm_strcmp(p->name, "memblock") && p->value && !kmm_strcmp(p->value, "debug"))
			m->memblock.debug = true;
		else if (!kmm_strcmp(p->name, "mem") && p->value)
			ret = e820_parse_memopt(&m->e820, p->value);
		else if (!kmm_strcmp(p->name, "memmap") && p->value)
			ret = e820_parse_memmap_opt(&m->e820, p->value);
		if (ret) {
			kmm_snprintf(err, errlen, "Malformed early option '%s': '%s'", p->name,
				     p->value ? p->value : "");
			return ret;
		}
	}
	return 0;
}

/* e820__reserve_setup_data(): boot-loader setup_data becomes RESERVED_KERN */
static void x86_reserve_setup_data(struct kmm_machine *m)
{
	struct kmm_e820 *e = &m->e820;

	if (!m->boot.nr_setup_data)
		return;
	for (unsigned int i = 0; i < m->boot.nr_setup_data; i++) {
		u64 start = m->boot.setup_data_start[i];
		u64 size = m->boot.setup_data_end[i] + 1 - start;

		e820__range_update(e, start, size, E820_TYPE_RAM, E820_TYPE_RESERVED_KERN);
		e820__range_update_kexec(e, start, size, E820_TYPE_RAM, E820_TYPE_RESERVED_KERN);
	}
	e820__update_table(&e->table);
	e820__update_table(&e->table_kexec);
	kmm_printk(&m->env, "extended physical RAM map:");
	e820__print_table(e, "reserve setup_data");
}

/* e820_add_kernel_range(): the kernel must sit in RAM whatever the map says */
static void x86_e820_add_kernel_range(struct kmm_machine *m)
{
	u64 start = kmm_kernel_pa(m, m->kernel.sym.text);
	u64 size = kmm_kernel_pa(m, m->kernel.sym.end) - start;

	if (e820__mapped_all(&m->e820, start, start + size, E820_TYPE_RAM))
		return;
	kmm_printk(&m->env, ".text .data .bss are not marked as E820_TYPE_RAM!");
	e820__range_remove(&m->e820, start, size, E820_TYPE_RAM, false);
	e820__range_add(&m->e820, start, size, E820_TYPE_RAM);
}

static void x86_trim_bios_range(struct kmm_machine *m)
{
	e820__range_update(&m->e820, 0, PAGE_SIZE, E820_TYPE_RAM, E820_TYPE_RESERVED);
	e820__range_remove(&m->e820, BIOS_BEGIN, BIOS_END - BIOS_BEGIN, E820_TYPE_RAM, true);
	e820__update_table(&m->e820.table);
}

static void x86_find_smp_config(struct kmm_machine *m)
{
	u64 mpf = m->boot.mpf_addr;

	if (!m->boot.have_mptable)
		return;
	kmm_printk(&m->env, "found SMP MP-table at [mem %#010llx-%#010llx]",
		   (unsigned long long)mpf, (unsigned long long)(mpf + MPF_SIZE - 1));
	memblock_reserve_caller(&m->memblock, mpf, MPF_SIZE, "smp_scan_config");
	memblock_reserve_caller(&m->memblock, mpf + MPF_SIZE, m->platform.mpc_len,
				"smp_scan_config");
}

static void x86_e820_memblock_setup(struct kmm_machine *m)
{
	struct memblock *mb = &m->memblock;

	memblock_allow_resize(mb);
	for (u32 i = 0; i < m->e820.table.nr_entries; i++) {
		const struct e820_entry *en = &m->e820.table.entries[i];

		if (en->addr + en->size < en->addr)
			continue;
		if (en->type == E820_TYPE_SOFT_RESERVED)
			memblock_reserve_caller(mb, en->addr, en->size, "e820__memblock_setup");
		if (en->type != E820_TYPE_RAM && en->type != E820_TYPE_RESERVED_KERN)
			continue;
		memblock_add_caller(mb, en->addr, en->size, "e820__memblock_setup");
	}
	memblock_trim_memory(mb, PAGE_SIZE);
	memblock_dump_all(mb);
}

/*
 * find_low_pfn_range() (i386): lowmem ends at MAXMEM = VMALLOC_END -
 * PAGE_OFFSET - __VMALLOC_RESERVE, where vmalloc=SIZE makes the reserve
 * SIZE + VMALLOC_OFFSET (8M) instead of 128M; highmem=SIZE caps highmem (and
 * on a small machine forces that much of it).
 */
static int x86_32_find_low_pfn_range(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	u64 reserve = m->cmdline.vmalloc_set ? m->cmdline.vmalloc_size + (8ULL << 20) : 128ULL << 20;
	u64 lowmem_bytes = k->vmalloc_end - k->page_offset;
	unsigned long maxmem_pfn, highmem_pages = ~0UL;

	if (reserve >= lowmem_bytes) {
		kmm_snprintf(err, errlen, "vmalloc=%llu leaves no lowmem",
			     (unsigned long long)m->cmdline.vmalloc_size);
		return -KMM_EINVAL;
	}
	maxmem_pfn = (unsigned long)((lowmem_bytes - reserve) >> 12);
	if (m->cmdline.highmem_set)
		highmem_pages = (unsigned long)(m->cmdline.highmem_size >> 12);
	if (m->max_pfn > maxmem_pfn) {
		/* highmem_pfn_init() */
		m->max_low_pfn = maxmem_pfn;
		if (highmem_pages == ~0UL)
			highmem_pages = m->max_pfn - maxmem_pfn;
		if (highmem_pages + maxmem_pfn < m->max_pfn)
			m->max_pfn = maxmem_pfn + highmem_pages;
		if (highmem_pages + maxmem_pfn > m->max_pfn) {
			kmm_printk(&m->env, "only %luMB highmem pages available, ignoring highmem size of %luMB!",
				   (m->max_pfn - maxmem_pfn) >> 8, highmem_pages >> 8);
			highmem_pages = 0;
		}
	} else {
		/* lowmem_pfn_init() */
		m->max_low_pfn = m->max_pfn;
		if (highmem_pages == ~0UL)
			highmem_pages = 0;
		if (highmem_pages >= m->max_pfn) {
			kmm_printk(&m->env, "highmem size specified (%luMB) is bigger than pages available (%luMB)!",
				   highmem_pages >> 8, m->max_pfn >> 8);
			highmem_pages = 0;
		}
		if (highmem_pages) {
			if (m->max_low_pfn - highmem_pages < 64 * 1024 * 1024 / 4096) {
				kmm_printk(&m->env, "highmem size %luMB results in less than 64MB lowmem, ignoring it",
					   highmem_pages >> 8);
				highmem_pages = 0;
			}
			m->max_low_pfn -= highmem_pages;
		}
	}
	return 0;
}

int kmm_x86_setup_arch(struct kmm_machine *m, const char *firmware_text, char *err,
		       size_t errlen)
{
	struct kmm_kernel *k = &m->kernel;
	bool x86_64 = k->arch == KMM_ARCH_X86_64;
	int ret;

	if (k->arch != KMM_ARCH_X86_64 && k->arch != KMM_ARCH_I386) {
		kmm_snprintf(err, errlen, "kmm_x86_setup_arch: not an x86 machine");
		return -KMM_EINVAL;
	}
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions, INIT_MEMBLOCK_REGIONS, k->numa,
		      1 << k->nodes_shift);
	if (x86_64)
		m->max_arch_pfn = 1UL << (46 - 12);
	else
		m->max_arch_pfn = k->x86_pae ? 1UL << (36 - 12) : 1UL << (32 - 12);

	if (m->boot.have_version)
		kmm_printk(&m->env, "%s", m->boot.linux_version);
	else
		kmm_printk(&m->env, "Linux version %s (kmm)", k->release[0] ? k->release : "6.1.0");
	if (x86_64)
		kmm_printk(&m->env, "Command line: %s", m->cmdline.raw);

	ret = kmm_e820_parse_text(&m->e820, firmware_text, err, errlen);
	if (ret < 0)
		return ret;
	ret = kmm_efi_parse(&m->efi, firmware_text, err, errlen);
	if (ret < 0)
		return ret;
	x86_place_kernel(m);
	x86_efi_stub_setup_data(m);
	x86_early_reserve_memory(m);
	x86_reserve_bios_regions(m, x86_bios_base_memory(&m->e820));
	e820__memory_setup(&m->e820, "BIOS-e820");

	ret = x86_parse_early_param(m, err, errlen);
	if (ret)
		return ret;
	x86_efi_memblock_reserve_range(m);
	x86_reserve_setup_data(m);
	ret = e820__finish_early_params(&m->e820);
	if (ret) {
		kmm_snprintf(err, errlen, "Invalid user supplied memory map");
		return ret;
	}
	x86_efi_init(m);
	x86_e820_add_kernel_range(m);
	x86_trim_bios_range(m);
	m->max_pfn = e820__end_of_ram_pfn(&m->e820, m->max_arch_pfn);
	if (x86_64) {
		if (m->max_pfn > (1UL << (32 - 12)))
			m->max_low_pfn = e820__end_of_low_ram_pfn(&m->e820, m->max_arch_pfn);
		else
			m->max_low_pfn = m->max_pfn;
	} else {
		ret = x86_32_find_low_pfn_range(m, err, errlen);
		if (ret)
			return ret;
	}
	x86_find_smp_config(m);
	memblock_reserve_caller(&m->memblock, kmm_kernel_pa(m, k->sym.brk_base),
				m->platform.brk_used, "setup_arch");
	memblock_set_current_limit(&m->memblock, ISA_END_ADDRESS);
	x86_e820_memblock_setup(m);
	return 0;
}

/* ---------------------------------------------------------------- after the first dump */

/* reserve_real_mode(): the AP trampoline below 1M, then all of the first 1M */
static void x86_reserve_real_mode(struct kmm_machine *m)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	u64 size = KMM_ALIGN(s->real_mode_blob_end - s->real_mode_blob, PAGE_SIZE);

	if (size) {
		m->real_mode_base = memblock_phys_alloc_range_caller(&m->memblock, size, PAGE_SIZE,
								     0, SZ_1M, "reserve_real_mode");
		if (!m->real_mode_base)
			kmm_printk(&m->env, "No sub-1M memory is available for the trampoline");
	}
	memblock_reserve_caller(&m->memblock, 0, SZ_1M, "setup_arch");
}

/*
 * The x86_64 direct map, as init_mem_mapping() builds it, modelled by which
 * page-table pages exist: a PUD page per 512G, a PMD page per 1G, a PTE page
 * per 2M chunk mapped with 4K pages (range heads and tails not 2M aligned;
 * QEMU's CPUs have no 1G pages).  New pages come from the brk's pgt_buf while
 * the range being mapped does not contain the pgt_buf itself and it has room,
 * else from memblock between min_pfn_mapped and max_pfn_mapped
 * (alloc_low_pages()).
 */
struct pgt_ctx {
	struct kmm_machine *m;
	u64 pgt_buf_start, pgt_buf_top; /* phys */
	unsigned long min_pfn_mapped;
	bool can_use_brk;
};

static int pgt_alloc_page(struct pgt_ctx *c)
{
	struct kmm_machine *m = c->m;

	if (m->pgt.pgt_buf_used + 1 > m->pgt.pgt_buf_size || !c->can_use_brk) {
		u64 ret = 0;

		if (c->min_pfn_mapped < m->max_pfn_mapped)
			ret = memblock_phys_alloc_range_caller(&m->memblock, PAGE_SIZE, PAGE_SIZE,
							       (u64)c->min_pfn_mapped << 12,
							       (u64)m->max_pfn_mapped << 12,
							       "alloc_low_pages");
		if (!ret && c->can_use_brk && m->pgt.pgt_buf_used < m->pgt.pgt_buf_size)
			m->pgt.pgt_buf_used++;
		else if (!ret)
			return -KMM_ENOMEM;
		return 0;
	}
	m->pgt.pgt_buf_used++;
	return 0;
}

static int pgt_need_pte(struct pgt_ctx *c, u64 chunk)
{
	struct kmm_machine *m = c->m;

	for (unsigned int i = 0; i < m->pgt.nr_pte; i++)
		if (m->pgt.pte[i] == chunk)
			return 0;
	if (m->pgt.nr_pte < KMM_ARRAY_SIZE(m->pgt.pte))
		m->pgt.pte[m->pgt.nr_pte++] = (unsigned long)chunk;
	return pgt_alloc_page(c);
}

/* kernel_physical_mapping_init() for [start, end): the tables it must add */
static int pgt_map_range(struct pgt_ctx *c, u64 start, u64 end)
{
	struct kmm_machine *m = c->m;
	u64 g;
	int ret;

	for (g = start >> 39; g <= (end - 1) >> 39 && g < KMM_ARRAY_SIZE(m->pgt.pud); g++) {
		if (!m->pgt.pud[g]) {
			m->pgt.pud[g] = 1;
			if ((ret = pgt_alloc_page(c)))
				return ret;
		}
	}
	for (g = start >> 30; g <= (end - 1) >> 30 && g < 65536; g++) {
		if (!(m->pgt.pmd[g / 8] & (1u << (g % 8)))) {
			m->pgt.pmd[g / 8] |= (u8)(1u << (g % 8));
			if ((ret = pgt_alloc_page(c)))
				return ret;
		}
	}
	/* 4K-mapped head and tail (split_mem_range) */
	if (start & (0x200000 - 1))
		if ((ret = pgt_need_pte(c, start >> 21)))
			return ret;
	if ((end & (0x200000 - 1)) && (end >> 21 != start >> 21 || !(start & (0x200000 - 1))))
		if ((ret = pgt_need_pte(c, end >> 21)))
			return ret;
	return 0;
}

/* init_range_memory_mapping(): map the RAM parts of [r_start, r_end) */
static int pgt_map_ram(struct pgt_ctx *c, u64 r_start, u64 r_end)
{
	struct kmm_machine *m = c->m;
	unsigned long spfn, epfn;
	int i, ret;

	for_each_mem_pfn_range(&m->memblock, i, m->memblock.max_numnodes, &spfn, &epfn, NULL) {
		u64 start = KMM_MAX((u64)spfn << 12, r_start);
		u64 end = KMM_MIN((u64)epfn << 12, r_end);

		if (start >= end)
			continue;
		c->can_use_brk = KMM_MAX(start, c->pgt_buf_start + m->pgt.pgt_buf_used * PAGE_SIZE) >=
				 KMM_MIN(end, c->pgt_buf_top);
		if ((ret = pgt_map_range(c, start, end)))
			return ret;
		if ((end >> 12) > m->max_pfn_mapped)
			m->max_pfn_mapped = (unsigned long)(end >> 12);
	}
	return 0;
}

/* memory_map_top_down(): map downwards in growing steps (2M, then << 8) */
static int x86_64_init_mem_mapping(struct kmm_machine *m, char *err, size_t errlen)
{
	u64 end = (u64)m->max_pfn << 12, pmd = 0x200000, addr, real_end, last_start, step;
	u64 mapped = 0;
	struct pgt_ctx c = { .m = m };
	int ret;

	c.pgt_buf_start = kmm_kernel_pa(m, m->kernel.sym.brk_base) + m->platform.brk_used -
			  m->pgt.pgt_buf_size * PAGE_SIZE;
	c.pgt_buf_top = c.pgt_buf_start + m->pgt.pgt_buf_size * PAGE_SIZE;
	/* init_memory_mapping(0, ISA_END_ADDRESS): the first 1M, 4K pages */
	c.can_use_brk = true;
	m->max_pfn_mapped = 0;
	if ((ret = pgt_map_range(&c, 0, ISA_END_ADDRESS)))
		goto nomem;
	m->max_pfn_mapped = (unsigned long)(ISA_END_ADDRESS >> 12);

	addr = memblock_phys_alloc_range_caller(&m->memblock, pmd, pmd, ISA_END_ADDRESS, end,
						"init_mem_mapping");
	if (addr)
		memblock_phys_free_caller(&m->memblock, addr, pmd, "init_mem_mapping");
	real_end = addr + pmd;
	step = pmd;
	c.min_pfn_mapped = (unsigned long)(real_end >> 12);
	last_start = real_end;
	while (last_start > ISA_END_ADDRESS) {
		u64 start;

		if (last_start > step) {
			start = KMM_ALIGN_DOWN(last_start - 1, step);
			if (start < ISA_END_ADDRESS)
				start = ISA_END_ADDRESS;
		} else {
			start = ISA_END_ADDRESS;
		}
		if ((ret = pgt_map_ram(&c, start, last_start)))
			goto nomem;
		mapped += last_start - start;
		last_start = start;
		c.min_pfn_mapped = (unsigned long)(last_start >> 12);
		if (mapped >= step)
			step <<= 8;
	}
	if (real_end < end && (ret = pgt_map_ram(&c, real_end, end)))
		goto nomem;
	if (m->max_pfn > m->max_low_pfn)
		m->max_low_pfn = m->max_pfn;
	memblock_set_current_limit(&m->memblock, (u64)m->max_pfn_mapped << 12);
	return 0;
nomem:
	kmm_snprintf(err, errlen, "alloc_low_pages: can not alloc memory");
	return ret;
}

/*
 * init_mem_mapping() on i386: the probe for a free PMD-sized block below the
 * end of lowmem (its page tables come later, not yet simulated).
 */
static void x86_32_init_mem_mapping(struct kmm_machine *m)
{
	u64 end = (u64)m->max_low_pfn << 12;
	u64 pmd = 0x200000, addr;

	addr = memblock_phys_alloc_range_caller(&m->memblock, pmd, pmd, ISA_END_ADDRESS, end,
						"init_mem_mapping");
	if (addr)
		memblock_phys_free_caller(&m->memblock, addr, pmd, "init_mem_mapping");
	m->max_pfn_mapped = m->max_low_pfn;
	memblock_set_current_limit(&m->memblock, end);
}

/* reserve_initrd(): move the initrd into mapped RAM when it is not there */
static int x86_reserve_initrd(struct kmm_machine *m, char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	u64 image = m->boot.ramdisk_start;
	u64 end = m->boot.ramdisk_end + 1; /* page aligned, as printed */
	u64 size = end - image, area, reloc;

	if (!m->boot.have_ramdisk)
		return 0;
	kmm_printk(&m->env, "RAMDISK: [mem %#010llx-%#010llx]", (unsigned long long)image,
		   (unsigned long long)(end - 1));
	m->initrd_start = image;
	m->initrd_end = end;
	if (memblock_is_region_memory(mb, image, size) &&
	    end <= (u64)m->max_pfn_mapped << 12)
		return 0;
	/*
	 * The boot log prints the page-aligned end only, so kmm moves the whole
	 * pages (Linux moves ramdisk_size bytes into the same page-aligned area).
	 */
	area = size;
	reloc = memblock_phys_alloc_range_caller(mb, area, PAGE_SIZE, 0,
						 (u64)m->max_pfn_mapped << 12, "setup_arch");
	if (!reloc) {
		kmm_snprintf(err, errlen, "Cannot find place for new RAMDISK of size %llu",
			     (unsigned long long)size);
		return -KMM_ENOMEM;
	}
	kmm_printk(&m->env, "Allocated new RAMDISK: [mem %#010llx-%#010llx]",
		   (unsigned long long)reloc, (unsigned long long)(reloc + size - 1));
	kmm_printk(&m->env, "Move RAMDISK from [mem %#010llx-%#010llx] to [mem %#010llx-%#010llx]",
		   (unsigned long long)image, (unsigned long long)(end - 1),
		   (unsigned long long)reloc, (unsigned long long)(reloc + size - 1));
	memblock_phys_free_caller(mb, image, end - image, "setup_arch");
	m->initrd_start = reloc;
	m->initrd_end = reloc + size;
	return 0;
}

/*
 * acpi_reserve_initial_tables(): every table the RSDT/XSDT and FADT point to
 * (not the RSDP, RSDT or XSDT themselves), in table order.
 */
static void x86_acpi_reserve_tables(struct kmm_machine *m)
{
	if (!m->boot.nr_acpi)
		return;
	kmm_printk(&m->env, "ACPI: Early table checksum verification disabled");
	for (unsigned int i = 0; i < m->boot.nr_acpi; i++) {
		const struct kmm_acpi_table *t = &m->boot.acpi[i];

		if (!kmm_strcmp(t->sig, "RSDP") || !kmm_strcmp(t->sig, "RSDT") ||
		    !kmm_strcmp(t->sig, "XSDT"))
			continue;
		kmm_printk(&m->env, "ACPI: Reserving %s table memory at [mem 0x%llx-0x%llx]",
			   t->sig, (unsigned long long)t->addr,
			   (unsigned long long)(t->addr + t->len - 1));
		memblock_reserve_caller(&m->memblock, t->addr, t->len,
					"acpi_reserve_initial_tables");
	}
}

static void numa_add_memblk(struct kmm_machine *m, int nid, u64 start, u64 end)
{
	if (start == end || m->nr_numa_blks >= KMM_ARRAY_SIZE(m->numa_blks))
		return;
	m->numa_blks[m->nr_numa_blks].start = start;
	m->numa_blks[m->nr_numa_blks].end = end;
	m->numa_blks[m->nr_numa_blks++].nid = nid;
}

static void numa_remove_memblk(struct kmm_machine *m, unsigned int i)
{
	m->nr_numa_blks--;
	kmm_memmove(&m->numa_blks[i], &m->numa_blks[i + 1],
		    (m->nr_numa_blks - i) * sizeof(m->numa_blks[0]));
}

/*
 * acpi_numa_init(): the SRAT's CPU and memory affinity as the boot log gave
 * them, then the SLIT, whose distance table numa_alloc_distance() places in
 * memblock (cnt = highest parsed node + 1, one byte per pair).
 */
static int x86_acpi_numa_init(struct kmm_machine *m)
{
	const struct kmm_bootlog *b = &m->boot;
	bool slit = false;
	unsigned int cnt = 0;

	for (unsigned int i = 0; i < b->nr_srat_cpu; i++) {
		kmm_printk(&m->env, "SRAT: PXM %d -> APIC 0x%02x -> Node %d", b->srat_cpu[i].pxm,
			   b->srat_cpu[i].apic, b->srat_cpu[i].node);
		m->nodes_parsed |= 1ULL << (b->srat_cpu[i].node & 63);
	}
	for (unsigned int i = 0; i < b->nr_srat; i++) {
		const struct kmm_srat_mem *s = &b->srat[i];

		kmm_printk(&m->env, "ACPI: SRAT: Node %d PXM %d [mem %#010llx-%#010llx]%s", s->node,
			   s->pxm, (unsigned long long)s->start, (unsigned long long)s->end,
			   s->hotplug ? " hotplug" : "");
		numa_add_memblk(m, s->node, s->start, s->end + 1);
		m->nodes_parsed |= 1ULL << (s->node & 63);
	}
	for (unsigned int i = 0; i < b->nr_acpi; i++)
		slit |= !kmm_strcmp(b->acpi[i].sig, "SLIT");
	for (unsigned int n = 0; n < 64; n++)
		if (m->nodes_parsed & (1ULL << n))
			cnt = n + 1;
	if (slit && cnt) {
		u64 pa = memblock_phys_alloc_range_caller(&m->memblock, (u64)cnt * cnt, PAGE_SIZE, 0,
							  (u64)m->max_pfn_mapped << 12,
							  "numa_alloc_distance");
		if (!pa) {
			kmm_printk(&m->env, "NUMA: Warning: can't allocate distance table!");
		} else {
			m->numa_distance_cnt = cnt;
			kmm_printk(&m->env, "NUMA: Initialized distance table, cnt=%u", cnt);
		}
	}
	return m->nr_numa_blks ? 0 : -KMM_ENOENT;
}

/*
 * The SLIT's distances (acpi_numa_slit_init() -> numa_set_distance()), given
 * node by node with --numa-distance: the matrix must have a row per node the
 * SRAT named (highest node id + 1).
 */
static int x86_numa_apply_slit(struct kmm_machine *m, char *err, size_t errlen)
{
	unsigned int cnt = 0;

	if (!m->slit.n)
		return 0;
	for (unsigned int n = 0; n < 64; n++)
		if (m->nodes_parsed & (1ULL << n))
			cnt = n + 1;
	if (m->slit.n != cnt) {
		kmm_snprintf(err, errlen, "numa-distance: %u x %u matrix for %u nodes", m->slit.n,
			     m->slit.n, cnt);
		return -KMM_EINVAL;
	}
	for (unsigned int a = 0; a < cnt; a++)
		for (unsigned int b = 0; b < cnt; b++)
			m->numa_distance[a][b] = m->slit.d[a][b];
	return 0;
}

/* numa_cleanup_meminfo(): trim to RAM below max_pfn, join same-node blocks */
static int x86_numa_cleanup_meminfo(struct kmm_machine *m)
{
	u64 high = (u64)m->max_pfn << 12;
	unsigned int i, j, k;

	for (i = 0; i < m->nr_numa_blks; i++) {
		u64 *s = &m->numa_blks[i].start, *e = &m->numa_blks[i].end;

		if (!memblock_overlaps_region(&m->memblock.memory, *s, *e - *s)) {
			numa_remove_memblk(m, i--);
			continue;
		}
		if (*e > high)
			*e = high;
		if (*s >= *e)
			numa_remove_memblk(m, i--);
	}
	for (i = 0; i < m->nr_numa_blks; i++) {
		for (j = i + 1; j < m->nr_numa_blks; j++) {
			u64 bis = m->numa_blks[i].start, bie = m->numa_blks[i].end;
			u64 bjs = m->numa_blks[j].start, bje = m->numa_blks[j].end;
			int ni = m->numa_blks[i].nid, nj = m->numa_blks[j].nid;
			u64 start, end;

			if (bie > bjs && bis < bje) {
				if (ni != nj) {
					kmm_printk(&m->env, "NUMA: node %d [mem %#010llx-%#010llx] overlaps with node %d [mem %#010llx-%#010llx]",
						   ni, (unsigned long long)bis, (unsigned long long)(bie - 1), nj,
						   (unsigned long long)bjs, (unsigned long long)(bje - 1));
					return -KMM_EINVAL;
				}
				kmm_printk(&m->env, "NUMA: Warning: node %d [mem %#010llx-%#010llx] overlaps with itself [mem %#010llx-%#010llx]",
					   ni, (unsigned long long)bis, (unsigned long long)(bie - 1),
					   (unsigned long long)bjs, (unsigned long long)(bje - 1));
			}
			if (ni != nj)
				continue;
			start = KMM_MIN(bis, bjs);
			end = KMM_MAX(bie, bje);
			for (k = 0; k < m->nr_numa_blks; k++) {
				if (m->numa_blks[k].nid == ni)
					continue;
				if (start < m->numa_blks[k].end && end > m->numa_blks[k].start)
					break;
			}
			if (k < m->nr_numa_blks)
				continue;
			kmm_printk(&m->env, "NUMA: Node %d [mem %#010llx-%#010llx] + [mem %#010llx-%#010llx] -> [mem %#010llx-%#010llx]",
				   ni, (unsigned long long)bis, (unsigned long long)(bie - 1),
				   (unsigned long long)bjs, (unsigned long long)(bje - 1),
				   (unsigned long long)start, (unsigned long long)(end - 1));
			m->numa_blks[i].start = start;
			m->numa_blks[i].end = end;
			numa_remove_memblk(m, j--);
		}
	}
	return 0;
}

/* alloc_node_data(): NODE_DATA(nid), page-rounded, preferring the node */
static int x86_alloc_node_data(struct kmm_machine *m, int nid, char *err, size_t errlen)
{
	u64 size = KMM_ALIGN(m->kernel.struct_size[KMM_STRUCT_PGLIST_DATA], PAGE_SIZE);
	u64 pa = memblock_phys_alloc_try_nid(&m->memblock, size, 64, nid);
	const struct memblock_region *r;

	if (!pa) {
		kmm_snprintf(err, errlen, "Cannot find %llu bytes in any node (initial node: %d)",
			     (unsigned long long)size, nid);
		return -KMM_ENOMEM;
	}
	kmm_printk(&m->env, "NODE_DATA(%d) allocated [mem %#010llx-%#010llx]", nid,
		   (unsigned long long)pa, (unsigned long long)(pa + size - 1));
	for_each_mem_region(&m->memblock, r) {
		if (pa >= r->base && pa < r->base + r->size && r->nid != nid) {
			kmm_printk(&m->env, "    NODE_DATA(%d) on node %d", nid, r->nid);
			break;
		}
	}
	m->node[nid].phys = pa;
	m->node[nid].online = true;
	return 0;
}

/*
 * numa_register_memblks(): node ids into memblock.memory and (for what the
 * kernel already uses) memblock.reserved, then NODE_DATA for every node with
 * at least NODE_MIN_SIZE (4M) of memory, then the MEMBLOCK dump.
 */
static int x86_numa_register_memblks(struct kmm_machine *m, char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	unsigned int i;
	int ret;

	for (i = 0; i < m->nr_numa_blks; i++)
		memblock_set_node(mb, m->numa_blks[i].start,
				  m->numa_blks[i].end - m->numa_blks[i].start, &mb->memory,
				  m->numa_blks[i].nid);
	for (i = 0; i < m->nr_numa_blks; i++)
		memblock_set_node(mb, m->numa_blks[i].start,
				  m->numa_blks[i].end - m->numa_blks[i].start, &mb->reserved,
				  m->numa_blks[i].nid);
	/* possible nodes: those parsed (CPUs too) and those with memory blocks */
	m->node_possible_map = m->nodes_parsed;
	for (i = 0; i < m->nr_numa_blks; i++)
		m->node_possible_map |= 1ULL << (m->numa_blks[i].nid & 63);
	m->nr_nodes = 0;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		u64 start = (u64)m->max_pfn << 12, end = 0;

		for (i = 0; i < m->nr_numa_blks; i++) {
			if (m->numa_blks[i].nid != nid)
				continue;
			start = KMM_MIN(start, m->numa_blks[i].start);
			end = KMM_MAX(end, m->numa_blks[i].end);
		}
		if (start >= end || end - start < (4ULL << 20))
			continue;
		ret = x86_alloc_node_data(m, nid, err, errlen);
		if (ret)
			return ret;
		m->nr_nodes = nid + 1;
	}
	memblock_dump_all(mb);
	return 0;
}

/* mem_hole_size(): bytes of [start, end) that memblock has no memory for */
static u64 numa_mem_hole_size(const struct kmm_machine *m, u64 start, u64 end)
{
	unsigned long spfn = (unsigned long)((start + PAGE_SIZE - 1) >> 12);
	unsigned long epfn = (unsigned long)(end >> 12), s, e, present = 0;
	int i;

	if (spfn >= epfn)
		return 0;
	for_each_mem_pfn_range(&m->memblock, i, m->memblock.max_numnodes, &s, &e, NULL) {
		s = KMM_MAX(s, spfn);
		e = KMM_MIN(e, epfn);
		if (s < e)
			present += e - s;
	}
	return (u64)(epfn - spfn - present) << 12;
}

#define FAKE_NODE_MIN_SIZE (32ULL << 20)
#define EMU_MAX_BLKS 128

/* numa_meminfo of the emulation: the physical blocks left (pi) and the emulated ones (ei) */
struct numa_emu {
	struct kmm_machine *m;
	unsigned int nr_pi, nr_ei;
	struct { u64 start, end; int nid; } pi[EMU_MAX_BLKS], ei[EMU_MAX_BLKS];
};

static int emu_find_blk(const struct numa_emu *e, int nid)
{
	for (unsigned int j = 0; j < e->nr_pi; j++)
		if (e->pi[j].nid == nid)
			return (int)j;
	return -1;
}

/*
 * emu_setup_memblk(): the first @size bytes of physical block @blk become
 * emulated node @nid; the block shrinks and goes when it is used up.
 */
static int emu_setup_memblk(struct numa_emu *e, int nid, int blk, u64 size)
{
	unsigned int b = (unsigned int)blk;

	if (e->nr_ei >= EMU_MAX_BLKS) {
		kmm_printk(&e->m->env, "Too many emulated memblks, failing emulation");
		return -KMM_ENOMEM;
	}
	e->ei[e->nr_ei].start = e->pi[b].start;
	e->ei[e->nr_ei].end = e->pi[b].start + size;
	e->ei[e->nr_ei].nid = nid;
	e->pi[b].start += size;
	if (e->pi[b].start >= e->pi[b].end) {
		e->nr_pi--;
		kmm_memmove(&e->pi[b], &e->pi[b + 1], (e->nr_pi - b) * sizeof(e->pi[0]));
	}
	kmm_printk(&e->m->env, "Faking node %d at [mem %#018llx-%#018llx] (%lluMB)", nid,
		   (unsigned long long)e->ei[e->nr_ei].start,
		   (unsigned long long)(e->ei[e->nr_ei].end - 1), (unsigned long long)(size >> 20));
	e->nr_ei++;
	return 0;
}

/* the pages of [base, max_addr) less @hole, shared by @nr_nodes, in bytes */
static u64 uniform_size(u64 max_addr, u64 base, u64 hole, u64 nr_nodes)
{
	return (((max_addr >> 12) - (base >> 12) - (hole >> 12)) / nr_nodes) << 12;
}

/*
 * find_end_of_node(): from @end, grow past holes in FAKE_NODE_MIN_SIZE steps
 * until [start, end) holds @size present bytes (at most up to @max_addr)
 */
static u64 find_end_of_node(const struct kmm_machine *m, u64 start, u64 end, u64 max_addr,
			    u64 size)
{
	while (end - start - numa_mem_hole_size(m, start, end) < size) {
		end += FAKE_NODE_MIN_SIZE;
		if (end > max_addr)
			return max_addr;
	}
	return end;
}

/*
 * A node that would leave less than FAKE_NODE_MIN_SIZE of present memory in
 * ZONE_DMA32 for the next one takes the rest of DMA32.
 */
static u64 emu_dma32_rule(const struct kmm_machine *m, u64 end)
{
	const u64 dma32_end = 1ULL << 32;

	if (end < dma32_end &&
	    dma32_end - end - numa_mem_hole_size(m, end, dma32_end) < FAKE_NODE_MIN_SIZE)
		return dma32_end;
	return end;
}

/*
 * Fill the physical nodes of @physnodes, round-robin, with emulated nodes
 * of @size present bytes (the first @big of them 32M more) numbered from
 * @nid modulo @nid_mod: a node grows past holes until it has @size, takes
 * the rest of DMA32 when the next would get too little of it, and the rest
 * of its physical node when the next would get less than @size.  @uniform
 * (numa=fake=NU): exactly @size of address space, holes ignored, and no
 * rest-of-node rule.  Returns the next node id or < 0.
 */
static int emu_fill(struct numa_emu *e, u64 physnodes, u64 size, u64 big, bool uniform,
		    u64 nid_mod, int nid)
{
	const struct kmm_machine *m = e->m;

	while (physnodes) {
		for (int i = 0; i < 64; i++) {
			int blk;
			u64 start, limit, end;

			if (!(physnodes & (1ULL << i)))
				continue;
			blk = emu_find_blk(e, i);
			if (blk < 0) {
				physnodes &= ~(1ULL << i);
				continue;
			}
			start = e->pi[blk].start;
			limit = e->pi[blk].end;
			end = start + size;
			if ((u64)nid < big)
				end += FAKE_NODE_MIN_SIZE;
			if (!uniform)
				end = find_end_of_node(m, start, end, limit, size);
			end = emu_dma32_rule(m, end);
			if (!uniform && limit - end - numa_mem_hole_size(m, end, limit) < size)
				end = limit;
			if (emu_setup_memblk(e, (int)((u64)nid++ % nid_mod), blk,
					     KMM_MIN(end, limit) - start))
				return -KMM_ENOMEM;
		}
	}
	return nid;
}

/*
 * split_nodes_interleave() (numa=fake=N): N nodes of equal present memory in
 * 32M granules, the remainder spread as "big" nodes, dealt round-robin over
 * the physical nodes; a node that would leave the next one too little takes
 * the rest of its physical node.  Returns the emulated node count or < 0.
 */
static int split_nodes_interleave(struct numa_emu *e, u64 nr_nodes)
{
	struct kmm_machine *m = e->m;
	u64 max_addr = (u64)m->max_pfn << 12, size, big, physnodes = m->nodes_parsed;

	if (nr_nodes > (u64)m->memblock.max_numnodes) {
		kmm_printk(&m->env, "numa=fake=%llu too large, reducing to %d",
			   (unsigned long long)nr_nodes, m->memblock.max_numnodes);
		nr_nodes = (u64)m->memblock.max_numnodes;
	}
	size = uniform_size(max_addr, 0, numa_mem_hole_size(m, 0, max_addr), nr_nodes);
	big = ((size & (FAKE_NODE_MIN_SIZE - 1)) * nr_nodes) / FAKE_NODE_MIN_SIZE;
	size &= ~(FAKE_NODE_MIN_SIZE - 1);
	if (!size) {
		kmm_printk(&m->env, "Not enough memory for each node.  NUMA emulation disabled.");
		return -KMM_EINVAL;
	}
	return emu_fill(e, physnodes, size, big, false, nr_nodes, 0);
}

/*
 * split_nodes_size_interleave_uniform(): numa=fake=SIZE[MG] fills every
 * physical node with nodes of at least @size present bytes (at least 32M and
 * at least a MAX_NUMNODES-th of memory, a multiple of 32M; the last node of
 * a physical node takes what would be too little for another).  With @nr
 * (numa=fake=NU) physical node @pblk_nid alone is cut into @nr nodes of
 * equal capacity, holes ignored, numbered from @nid.  Returns the next node
 * id or < 0.
 */
static int split_nodes_size_interleave_uniform(struct numa_emu *e, u64 addr, u64 max_addr,
					       u64 size, u64 nr, int pblk_nid, int nid)
{
	struct kmm_machine *m = e->m;
	u64 physnodes = m->nodes_parsed, min_size, max_nodes = (u64)m->memblock.max_numnodes;
	bool uniform = nr != 0;

	if (!size && !nr)
		return -KMM_EINVAL;
	if (uniform) {
		physnodes = 1ULL << (pblk_nid & 63);
		size = min_size = uniform_size(max_addr, addr, 0, nr);
	} else {
		min_size = uniform_size(max_addr, addr, numa_mem_hole_size(m, addr, max_addr),
					max_nodes);
	}
	min_size = KMM_ALIGN(KMM_MAX(min_size, FAKE_NODE_MIN_SIZE), FAKE_NODE_MIN_SIZE);
	if (size < min_size) {
		kmm_printk(&m->env, "Fake node size %lluMB too small, increasing to %lluMB",
			   (unsigned long long)(size >> 20), (unsigned long long)(min_size >> 20));
		size = min_size;
	}
	size &= ~(FAKE_NODE_MIN_SIZE - 1);
	return emu_fill(e, physnodes, size, 0, uniform, max_nodes, nid);
}

/* numa=fake=NU: each physical node (in node order) cut into N nodes */
static int split_nodes_uniform(struct numa_emu *e, u64 n)
{
	int nid = 0, ret = -KMM_EINVAL;

	for (int i = 0; i < 64; i++) {
		if (!(e->m->nodes_parsed & (1ULL << i)))
			continue;
		if (!e->nr_pi)
			return -KMM_EINVAL;
		/* always the first block left: emu_setup_memblk() moves the rest up */
		ret = split_nodes_size_interleave_uniform(e, e->pi[0].start, e->pi[0].end, 0, n,
							  e->pi[0].nid, nid);
		if (ret < 0)
			return ret;
		if ((u64)ret < n) {
			kmm_printk(&e->m->env, "numa_emulation: phys: %d only got %d of %llu nodes, failing",
				   i, ret, (unsigned long long)n);
			return -KMM_EINVAL;
		}
		nid = ret;
	}
	return ret;
}

/*
 * numa_emulation(): numa=fake=N, =SIZE[MG] or =NU cuts the physical blocks
 * into emulated nodes; when that works the emulated meminfo replaces the
 * physical one and the emulated distance table (local 10, remote 20) is
 * allocated.  Returns 0 (also when emulation was given up, as Linux goes on
 * with the physical nodes) or -KMM_EINVAL when the emulated meminfo is
 * invalid.
 */
static int x86_numa_emulation(struct kmm_machine *m)
{
	struct numa_emu *e = &(struct numa_emu){ .m = m };
	u64 max_addr = (u64)m->max_pfn << 12;
	int ret;

	if (!m->cmdline.numa_fake_value)
		return 0;
	e->nr_pi = m->nr_numa_blks;
	kmm_memcpy(e->pi, m->numa_blks, sizeof(e->pi[0]) * e->nr_pi);
	switch (m->cmdline.numa_fake) {
	case KMM_NUMA_FAKE_UNIFORM:
		ret = split_nodes_uniform(e, m->cmdline.numa_fake_value);
		break;
	case KMM_NUMA_FAKE_SIZE:
		ret = split_nodes_size_interleave_uniform(e, 0, max_addr, m->cmdline.numa_fake_value,
							  0, 0, 0);
		break;
	default:
		ret = split_nodes_interleave(e, m->cmdline.numa_fake_value);
		break;
	}
	if (ret < 0)
		return 0; /* no_emu: keep the physical nodes */
	/* commit the emulated meminfo and the nodes it names */
	m->nr_numa_blks = e->nr_ei;
	kmm_memcpy(m->numa_blks, e->ei, sizeof(e->ei[0]) * e->nr_ei);
	if (x86_numa_cleanup_meminfo(m))
		return -KMM_EINVAL;
	m->nodes_parsed = 0;
	for (unsigned int i = 0; i < m->nr_numa_blks; i++)
		m->nodes_parsed |= 1ULL << (m->numa_blks[i].nid & 63);
	/* numa_set_distance() allocates the emulated table on first use */
	{
		unsigned int cnt = 0;
		u64 pa;

		for (unsigned int n = 0; n < 64; n++)
			if (m->nodes_parsed & (1ULL << n))
				cnt = n + 1;
		pa = memblock_phys_alloc_range_caller(&m->memblock, (u64)cnt * cnt, PAGE_SIZE, 0,
						      (u64)m->max_pfn_mapped << 12,
						      "numa_alloc_distance");
		if (pa) {
			m->numa_distance_cnt = cnt;
			kmm_printk(&m->env, "NUMA: Initialized distance table, cnt=%u", cnt);
		}
	}
	return 0;
}

/*
 * x86_numa_init(): the SRAT when the boot log has one, else one faked node
 * covering [0, max_pfn) (dummy_numa_init()).
 */
static int x86_numa_init(struct kmm_machine *m, char *err, size_t errlen)
{
	struct memblock *mb = &m->memblock;
	u64 end = (u64)m->max_pfn << 12;
	int ret;

	memblock_set_node(mb, 0, KMM_PHYS_ADDR_MAX, &mb->memory, mb->max_numnodes);
	memblock_set_node(mb, 0, KMM_PHYS_ADDR_MAX, &mb->reserved, mb->max_numnodes);
	m->nr_numa_blks = 0;
	if (!m->cmdline.numa_off && m->boot.nr_srat) {
		ret = x86_acpi_numa_init(m);
		if (!ret)
			ret = x86_numa_cleanup_meminfo(m);
		if (ret) {
			kmm_snprintf(err, errlen, "SRAT: unusable NUMA configuration");
			return ret;
		}
		ret = x86_numa_apply_slit(m, err, errlen);
		if (ret)
			return ret;
	} else {
		kmm_printk(&m->env, "%s", m->cmdline.numa_off ? "NUMA turned off"
							     : "No NUMA configuration found");
		kmm_printk(&m->env, "Faking a node at [mem %#018llx-%#018llx]", 0ULL,
			   (unsigned long long)(end - 1));
		numa_add_memblk(m, 0, 0, end);
		m->nodes_parsed = 1;
		x86_numa_cleanup_meminfo(m);
	}
	if (m->cmdline.numa_fake != KMM_NUMA_FAKE_NONE) {
		ret = x86_numa_emulation(m);
		if (ret) {
			kmm_printk(&m->env, "NUMA: Warning: constructed meminfo invalid, disabling emulation");
			kmm_snprintf(err, errlen, "numa=fake: constructed meminfo invalid");
			return ret;
		}
	}
	return x86_numa_register_memblks(m, err, errlen);
}

int kmm_x86_setup_memory(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	x86_efi_reserve_boot_services(m);
	x86_reserve_real_mode(m);
	if (m->kernel.arch == KMM_ARCH_X86_64) {
		ret = x86_64_init_mem_mapping(m, err, errlen);
		if (ret)
			return ret;
	} else {
		x86_32_init_mem_mapping(m);
	}
	ret = x86_reserve_initrd(m, err, errlen);
	if (ret)
		return ret;
	x86_acpi_reserve_tables(m);
	if (m->kernel.arch == KMM_ARCH_X86_64 && m->kernel.numa) {
		ret = x86_numa_init(m, err, errlen);
		if (ret)
			return ret;
	}
	return x86_setup_arch_late(m, err, errlen);
}
