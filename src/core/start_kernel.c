// SPDX-License-Identifier: MIT
/*
 * start_kernel.c - the memory steps of start_kernel() (Linux 6.1
 * init/main.c) after setup_arch(); see kmm/start_kernel.h.
 *
 * So far: setup_command_line().  The kernel keeps two copies of the boot
 * command line in memblock memory: saved_command_line (for /proc/cmdline;
 * room for bootconfig's extra arguments and init arguments, which kmm's
 * machines do not have) and static_command_line (what parse_args() edits).
 * Each is strlen(boot_command_line) + 1 bytes, allocated with
 * memblock_alloc(len, SMP_CACHE_BYTES) in that order.
 */
#include <kmm/check.h>
#include <kmm/efi.h>
#include <kmm/error.h>
#include <kmm/free_area.h>
#include <kmm/gfp.h>
#include <kmm/late_init.h>
#include <kmm/lib.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/resource.h>
#include <kmm/start_kernel.h>
#include <kmm/swiotlb.h>

#define SMP_CACHE_BYTES 64 /* L1_CACHE_BYTES of the x86 and arm64 builds kmm models */

/* one copy of @text in memblock memory, or -KMM_ENOMEM with Linux's panic text */
static int copy_command_line(struct kmm_machine *m, const char *text, size_t len, char *err,
			     size_t errlen)
{
	char *copy = memblock_alloc_try_nid_caller(&m->memblock, len, SMP_CACHE_BYTES,
						   MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
						   NUMA_NO_NODE, "start_kernel");

	if (!copy) {
		kmm_snprintf(err, errlen, "setup_command_line: Failed to allocate %zu bytes", len);
		return -KMM_ENOMEM;
	}
	kmm_memcpy(copy, text, len);
	return 0;
}

/* setup_command_line(): saved_command_line, then static_command_line */
static int setup_command_line(struct kmm_machine *m, char *err, size_t errlen)
{
	const char *boot_command_line = m->cmdline.raw;
	size_t len = kmm_strlen(boot_command_line) + 1;
	int ret;

	ret = copy_command_line(m, boot_command_line, len, err, errlen);
	if (ret)
		return ret;
	return copy_command_line(m, boot_command_line, len, err, errlen);
}

int kmm_start_kernel_early(struct kmm_machine *m, char *err, size_t errlen)
{
	return setup_command_line(m, err, errlen);
}

/*
 * Boot parameters Linux 6.1 knows (an __setup() or early_param() of the
 * Debian builds) among those kmm's machines use; print_unknown_bootoptions()
 * lists every other word that is not a module parameter (no '.').
 */
static const char *const known_params[] = {
	"console", "earlyprintk", "earlycon", "rdinit", "init", "root", "ro", "rw", "quiet",
	"debug", "loglevel", "ignore_loglevel", "panic", "memblock", "mem", "memmap", "numa",
	"hugepages", "hugepagesz", "default_hugepagesz", "kernelcore", "movablecore",
	"crashkernel", "percpu_alloc", "cma", "vmalloc", "highmem", "movable_node",
	"dhash_entries", "ihash_entries", "mhash_entries", "mphash_entries", "thash_entries",
	"uhash_entries", "hashdist", "transparent_hugepage", "acpi", "noapic", "nosmp",
	"maxcpus", "nr_cpus", "swiotlb", "iommu", "efi", "noefi", "nohugevmalloc",
};

static bool param_known(const char *name)
{
	for (size_t i = 0; i < sizeof(known_params) / sizeof(known_params[0]); i++)
		if (!kmm_strcmp(name, known_params[i]))
			return true;
	return kmm_strchr(name, '.') != NULL;
}

/*
 * "Kernel command line:" and print_unknown_bootoptions(): the unknown words
 * are gathered in a memblock buffer (" word" each, plus the NUL), printed,
 * and the buffer freed again.
 */
static int print_command_line(struct kmm_machine *m, char *err, size_t errlen)
{
	size_t len = 1;
	char *buf, *p;

	kmm_printk(&m->env, "Kernel command line: %s", m->cmdline.raw);
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++)
		if (!param_known(m->cmdline.params[i].name))
			len += 1 + kmm_strlen(m->cmdline.params[i].name) +
			       (m->cmdline.params[i].value ? 1 + kmm_strlen(m->cmdline.params[i].value) : 0);
	if (len == 1)
		return 0;
	buf = memblock_alloc_try_nid_caller(&m->memblock, len, SMP_CACHE_BYTES, MEMBLOCK_LOW_LIMIT,
					    MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, "start_kernel");
	if (!buf) {
		kmm_snprintf(err, errlen, "%s: Failed to allocate %zu bytes", "print_unknown_bootoptions", len);
		return -KMM_ENOMEM;
	}
	p = buf;
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *pa = &m->cmdline.params[i];

		if (param_known(pa->name))
			continue;
		p += kmm_snprintf(p, len - (size_t)(p - buf), " %s%s%s", pa->name, pa->value ? "=" : "",
				  pa->value ? pa->value : "");
	}
	kmm_printk(&m->env, "Unknown kernel command line parameters \"%s\", will be passed to user space.",
		   buf + 1);
	memblock_free(&m->memblock, buf, len);
	return 0;
}

/*
 * trap_init() -> setup_cpu_entry_areas(): the cpu_entry_area's page tables,
 * built while memblock is the allocator.  x86_64 (spp_getpage) needs a PUD,
 * a PMD and a PTE page below its empty PGD slot; i386 PAE (populate_extra_pte
 * through alloc_low_pages, inside the mapped low memory) two PTE pages.
 */
static int cpu_entry_area_tables(struct kmm_machine *m, char *err, size_t errlen)
{
	for (int i = 0; i < (m->kernel.arch == KMM_ARCH_X86_64 ? 3 : 2); i++) {
		bool ok;

		if (m->kernel.arch == KMM_ARCH_X86_64)
			ok = memblock_alloc_try_nid_caller(&m->memblock, 4096, 4096, MEMBLOCK_LOW_LIMIT,
							   MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE,
							   "spp_getpage") != NULL;
		else
			ok = memblock_phys_alloc_range(&m->memblock, 4096, 4096, 0x100000,
						       (u64)m->max_low_pfn << 12) != 0;
		if (!ok) {
			kmm_snprintf(err, errlen, "cpu_entry_area: cannot allocate a page table");
			return -KMM_ENOMEM;
		}
	}
	return 0;
}

/*
 * mem_init()'s bounce buffer: x86's pci_iommu_alloc() wants one when RAM
 * (max_possible_pfn) reaches above 4 GiB and prints it only when the PCI
 * code starts (kmm_start_kernel_late); arm64 when RAM reaches above
 * ZONE_DMA, verbosely.
 */
static int mem_init_swiotlb(struct kmm_machine *m, char *err, size_t errlen)
{
	if (m->kernel.arch == KMM_ARCH_ARM64)
		return kmm_swiotlb_init(m, m->max_pfn > (m->arm64_dma_phys_limit >> 12),
					m->arm64_dma_phys_limit - 1, true, err, errlen);
	return kmm_swiotlb_init(m, m->max_pfn > (1UL << 20), 0xffffffffULL, false, err, errlen);
}

/*
 * kernel_init_freeable() -> smp_init(): every possible CPU comes online (the
 * machines kmm simulates have no hotplug-only CPUs) and joins its node's
 * cpumask, which the per-CPU list limits are divided by from then on.
 */
static void smp_init(struct kmm_machine *m)
{
	kmm_memset(m->node_nr_cpus, 0, sizeof(m->node_nr_cpus));
	m->nr_online_cpus = m->percpu.nr_cpu_ids;
	for (unsigned int cpu = 0; cpu < m->percpu.nr_cpu_ids; cpu++) {
		int nid = kmm_early_cpu_to_node(m, cpu);

		if (nid >= 0 && nid < KMM_MAX_NUMNODES)
			m->node_nr_cpus[nid]++;
	}
}

/*
 * x86_64 mem_init() -> preallocate_vmalloc_pages(): with 4-level paging the
 * kernel allocates, right after memblock_free_all(), the PUD page under every
 * top-level (512 GiB) slot of the vmalloc and vmemmap area, so that those
 * top-level entries never change later (they are copied into every process).
 * The area runs from VMALLOC_START (0xffffc90000000000 without KASLR) for
 * VMALLOC_SIZE_TB (32 TiB): 64 zeroed GFP_KERNEL pages.
 */
#define X86_64_VMALLOC_START 0xffffc90000000000ULL
#define X86_64_VMALLOC_SIZE (32ULL << 40)
#define X86_64_PGDIR_SIZE (1ULL << 39)

static int preallocate_vmalloc_pages(struct kmm_machine *m, char *err, size_t errlen)
{
	unsigned long pfn;
	u64 addr, end = X86_64_VMALLOC_START + X86_64_VMALLOC_SIZE - 1;
	int ret;

	for (addr = X86_64_VMALLOC_START; addr <= end && addr >= X86_64_VMALLOC_START;
	     addr = KMM_ALIGN(addr + 1, X86_64_PGDIR_SIZE)) {
		ret = kmm_alloc_boot_pages(m, GFP_KERNEL | __GFP_ZERO, 1, &pfn);
		if (ret) {
			kmm_snprintf(err, errlen, "Failed to allocate pud page for vmalloc/vmemmap area "
				     "%#llx", (unsigned long long)addr);
			return ret;
		}
	}
	return 0;
}

int kmm_start_kernel_mm(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	ret = kmm_setup_per_cpu_areas(m, err, errlen);
	if (!ret)
		ret = kmm_build_all_zonelists(m, err, errlen);
	if (!ret)
		ret = print_command_line(m, err, errlen);
	if (!ret)
		ret = kmm_hash_tables_early(m, err, errlen);
	if (!ret && m->kernel.arch != KMM_ARCH_ARM64)
		ret = cpu_entry_area_tables(m, err, errlen);
	if (ret)
		return ret;
	/* mm_init() -> mem_init() */
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; z < m->zone_layout.nr; z++)
			kmm_zone_free_lists_init(&m->node[nid].zones[z]);
	kmm_memmap_init(m);
	ret = mem_init_swiotlb(m, err, errlen);
	if (ret)
		return ret;
	kmm_memblock_free_all(m);
	if (m->kernel.arch == KMM_ARCH_X86_64) {
		ret = preallocate_vmalloc_pages(m, err, errlen);
		if (ret)
			return ret;
	}
	if (m->kernel.highmem)
		kmm_set_highmem_pages_init(m);
	kmm_mem_init_print_info(m);
	kmm_setup_per_cpu_pageset(m);
	/* efi_enter_virtual_mode(), then check_bugs() -> alternative_instructions() */
	if (m->kernel.arch != KMM_ARCH_ARM64)
		kmm_x86_efi_free_boot_services(m, kmm_memblock_free_late);
	kmm_free_smp_alternatives(m);
	/* kernel_init_freeable(): SMP, deferred struct pages, then the initcalls */
	smp_init(m);
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (m->node[nid].online)
			kmm_deferred_init_memmap(m, nid);
	ret = kmm_hash_tables_late(m, err, errlen);
	if (ret)
		return ret;
	kmm_cma_init_reserved_areas(m);
	ret = kmm_boot_watermarks(m, err, errlen);
	if (ret)
		return ret;
	/* arch_initcall/device_initcall: the late iomem resources (reserved memory, e820 late) */
	ret = kmm_iomem_initcalls(m, err, errlen);
	if (ret)
		return ret;
	kmm_late_frees(m);
	/* the memmap is final: pfn_to_page() may skip the vmemmap walk from now on */
	kmm_sparse_cache_memmap(m);
	KMM_CHECK_EXPENSIVE(&m->env, kmm_boot_validate(m));
	return 0;
}

bool kmm_boot_validate(const struct kmm_machine *m)
{
	bool ok = kmm_sparse_validate(m) && kmm_free_area_validate(m) &&
		  kmm_zonelists_validate(m) && kmm_percpu_validate(m) &&
		  kmm_hash_tables_validate(m) && kmm_wmark_validate(m) &&
		  (!m->iomem.started || kmm_resource_validate(&m->iomem.tree));

	for (int nid = 0; ok && nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; ok && m->node[nid].online && z < m->zone_layout.nr; z++)
			ok = kmm_free_lists_validate(m, &m->node[nid].zones[z]);
	return ok;
}
