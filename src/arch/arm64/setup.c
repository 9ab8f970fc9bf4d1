// SPDX-License-Identifier: MIT
/*
 * setup.c - the memory part of arm64's setup_arch() (Linux 6.1
 * arch/arm64/kernel/setup.c, arch/arm64/mm/init.c, drivers/of/fdt.c,
 * drivers/of/of_reserved_mem.c, kernel/dma/contiguous.c, coherent.c), from
 * the device tree to the first MEMBLOCK dump and the resource table.
 *
 * Order, as Linux runs it:
 *   setup_machine_fdt()              the blob reserved, memory nodes ->
 *                                    memblock_add (silent: before
 *                                    memblock=debug is parsed)
 *   parse_early_param()              the command line from /chosen
 *   arm64_memblock_init()            PA and linear-map limits, mem=, initrd,
 *                                    kernel image, then
 *     early_init_fdt_scan_reserved_mem() /reserved-memory (static regions,
 *                                    saved nodes), /memreserve/, then
 *                                    fdt_init_reserved_mem(): overlap check,
 *                                    dynamic allocation, CMA/DMA pool setup
 *   paging_init()                    mmu.c: the kernel's page tables
 *   unflatten_device_tree()          the tree's struct device_node copy
 *   bootmem_init()                   bootmem.c, numa.c: nodes, sparse, zones,
 *                                    the default CMA area, crashkernel=, the
 *                                    MEMBLOCK dump
 *   request_standard_resources()     one struct resource per memory region
 * The Debian kernel: 4K pages, 48-bit VA and PA.
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#include "arm64.h"

#define PAGE_SIZE ARM64_PAGE_SIZE
#define SZ_1M ARM64_SZ_1M
#define PHYS_MASK_SHIFT ARM64_PHYS_MASK_SHIFT
#define ARM64_MEMSTART_ALIGN (1ULL << 30) /* PUD_SHIFT with 4K pages */
#define LINEAR_REGION_SIZE (1ULL << 47)   /* PAGE_END - PAGE_OFFSET, VA_BITS 48 */
#define CMA_MIN_ALIGNMENT_BYTES ARM64_CMA_MIN_ALIGNMENT_BYTES
#define SMP_CACHE_BYTES ARM64_SMP_CACHE_BYTES
#define DEVICE_NODE_ALIGN 8               /* __alignof__(struct device_node), 64-bit */

#define MIN_FDT_ALIGN 8
#define MAX_FDT_SIZE (2 * SZ_1M)

/*
 * setup_machine_fdt(): the blob is reserved where the boot loader put it,
 * before anything else (memblock=debug is not parsed yet: no line).  Linux
 * stops booting when the blob is misaligned or too big for its fixmap slot.
 */
static int setup_machine_fdt(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_dt *dt = m->dt;

	if (!dt->blob_phys)
		return 0;
	if (dt->blob_phys % MIN_FDT_ALIGN || dt->totalsize > MAX_FDT_SIZE) {
		kmm_snprintf(err, errlen,
			     "Error: invalid device tree blob at physical address 0x%016llx: "
			     "the dtb must be 8-byte aligned and must not exceed 2 MB in size",
			     (unsigned long long)dt->blob_phys);
		return -KMM_EINVAL;
	}
	return memblock_reserve_caller(&m->memblock, dt->blob_phys, dt->totalsize,
				       "setup_machine_fdt");
}

/* early_init_dt_add_memory_arch(): page-align, then add */
static void dt_add_memory(struct kmm_machine *m, u64 base, u64 size)
{
	if (size < PAGE_SIZE - (base & (PAGE_SIZE - 1))) {
		kmm_printk(&m->env, "Ignoring memory block 0x%llx - 0x%llx",
			   (unsigned long long)base, (unsigned long long)(base + size));
		return;
	}
	if (base & (PAGE_SIZE - 1)) {
		size -= PAGE_SIZE - (base & (PAGE_SIZE - 1));
		base = KMM_ALIGN(base, PAGE_SIZE);
	}
	size &= ~(PAGE_SIZE - 1);
	memblock_add_caller(&m->memblock, base, size, "early_init_dt_add_memory_arch");
}

static void arm64_scan_memory(struct kmm_machine *m)
{
	for (unsigned int i = 0; i < m->dt->nr_memory; i++) {
		const struct kmm_dt_memory *mem = &m->dt->memory[i];

		for (unsigned int j = 0; j < mem->nr_reg; j++) {
			u64 base = mem->reg[j].base, size = mem->reg[j].size;

			if (!size)
				continue;
			dt_add_memory(m, base, size);
			if (mem->hotpluggable &&
			    memblock_mark_hotplug(&m->memblock, base, size))
				kmm_printk(&m->env, "failed to mark hotplug range 0x%llx - 0x%llx",
					   (unsigned long long)base, (unsigned long long)(base + size));
		}
	}
}

static int arm64_parse_early_param(struct kmm_machine *m)
{
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];

		if (!kmm_strcmp(p->name, "memblock") && p->value && !kmm_strcmp(p->value, "debug"))
			m->memblock.debug = true;
	}
	if (m->cmdline.mem_set) {
		m->memblock.memory_limit = m->cmdline.mem_size & ~(PAGE_SIZE - 1);
		kmm_printk(&m->env, "Memory limited to %lluMB",
			   (unsigned long long)(m->memblock.memory_limit >> 20));
	}
	return 0;
}

/* arm64_memblock_init() up to early_init_fdt_scan_reserved_mem() */
static void arm64_memblock_init(struct kmm_machine *m)
{
	struct memblock *mb = &m->memblock;
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	u64 end_pa = arm64_pa_symbol(m, s->end);

	memblock_remove_caller(mb, 1ULL << PHYS_MASK_SHIFT, KMM_ULLONG_MAX, "arm64_memblock_init");
	m->memstart_addr = KMM_ALIGN_DOWN(memblock_start_of_DRAM(mb), ARM64_MEMSTART_ALIGN);
	if (memblock_end_of_DRAM(mb) - m->memstart_addr > LINEAR_REGION_SIZE)
		kmm_printk(&m->env, "Memory doesn't fit in the linear mapping, VA_BITS too small");
	memblock_remove_caller(mb, KMM_MAX(m->memstart_addr + LINEAR_REGION_SIZE, end_pa),
			       KMM_ULLONG_MAX, "arm64_memblock_init");
	if (m->memstart_addr + LINEAR_REGION_SIZE < memblock_end_of_DRAM(mb)) {
		m->memstart_addr = KMM_ALIGN(memblock_end_of_DRAM(mb) - LINEAR_REGION_SIZE,
					     ARM64_MEMSTART_ALIGN);
		memblock_remove_caller(mb, 0, m->memstart_addr, "arm64_memblock_init");
	}
	if (m->cmdline.mem_set) {
		memblock_mem_limit_remove_map(mb, mb->memory_limit);
		memblock_add_caller(mb, arm64_pa_symbol(m, s->text), s->end - s->text,
				    "arm64_memblock_init");
	}
	if (m->phys_initrd_size) {
		u64 base = m->phys_initrd_start & ~(PAGE_SIZE - 1);
		u64 size = KMM_ALIGN(m->phys_initrd_start + m->phys_initrd_size, PAGE_SIZE) - base;

		if (base < memblock_start_of_DRAM(mb) ||
		    base + size > memblock_start_of_DRAM(mb) + LINEAR_REGION_SIZE) {
			kmm_printk(&m->env, "initrd not fully accessible via the linear mapping -- please check your bootloader ...");
			m->phys_initrd_size = 0;
		} else {
			memblock_add_caller(mb, base, size, "arm64_memblock_init");
			memblock_clear_nomap(mb, base, size);
			memblock_reserve_caller(mb, base, size, "arm64_memblock_init");
		}
	}
	memblock_reserve_caller(mb, arm64_pa_symbol(m, s->stext), s->end - s->stext, "arm64_memblock_init");
}

/* early_init_dt_reserve_memory(): no-map over reserved memory is refused */
static int dt_reserve_memory(struct kmm_machine *m, u64 base, u64 size, bool nomap)
{
	struct memblock *mb = &m->memblock;

	if (nomap) {
		if (memblock_overlaps_region(&mb->memory, base, size) &&
		    memblock_is_region_reserved(mb, base, size))
			return -KMM_EBUSY;
		return memblock_mark_nomap(mb, base, size);
	}
	return memblock_reserve_caller(mb, base, size, "early_init_dt_reserve_memory");
}

static void rmem_save(struct kmm_machine *m, const struct kmm_dt_rmem *r, unsigned int order,
		      u64 base, u64 size)
{
	struct kmm_reserved_mem *rm;

	if (m->nr_reserved_mem >= KMM_ARRAY_SIZE(m->reserved_mem)) {
		kmm_printk(&m->env, "OF: fdt: not enough space for all defined regions.");
		return;
	}
	rm = &m->reserved_mem[m->nr_reserved_mem++];
	rm->node = r;
	rm->order = order;
	rm->base = base;
	rm->size = size;
}

/* fdt_scan_reserved_mem(): static regions now, every node saved for later */
static void fdt_scan_reserved_mem(struct kmm_machine *m)
{
	const struct kmm_dt *dt = m->dt;

	if (!dt->has_reserved_memory)
		return;
	if (dt->rmem_unsupported) {
		kmm_printk(&m->env, "OF: fdt: Reserved memory: unsupported node format, ignoring");
		return;
	}
	for (unsigned int i = 0; i < dt->nr_rmem; i++) {
		const struct kmm_dt_rmem *r = &dt->rmem[i];

		if (!r->available)
			continue;
		if (!r->has_reg) {
			if (r->has_size)
				rmem_save(m, r, i, 0, 0);
			continue;
		}
		if (r->reg_invalid) {
			kmm_printk(&m->env, "OF: fdt: Reserved memory: invalid reg property in '%s', skipping node.",
				   r->name);
			continue;
		}
		for (unsigned int j = 0; j < r->nr_reg; j++) {
			u64 base = r->reg[j].base, size = r->reg[j].size;
			int ret;

			m->memblock.trace_label = r->name; /* kmm explain: the node owns it */
			ret = !size || dt_reserve_memory(m, base, size, r->no_map);
			m->memblock.trace_label = NULL;
			if (ret)
				kmm_printk(&m->env, "OF: fdt: Reserved memory: failed to reserve memory for node '%s': base 0x%016llx, size %llu MiB",
					   r->name, (unsigned long long)base,
					   (unsigned long long)(size / SZ_1M));
			if (j == 0)
				rmem_save(m, r, i, base, size);
		}
	}
}

/* __rmem_cmp(): by base, then size; Linux 6.1 breaks no tie beyond that */
static int rmem_cmp(const struct kmm_reserved_mem *a, const struct kmm_reserved_mem *b)
{
	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return 0;
}

static void rmem_swap(struct kmm_reserved_mem *v, unsigned int i, unsigned int j)
{
	struct kmm_reserved_mem t = v[i];

	v[i] = v[j];
	v[j] = t;
}

/*
 * rmem_heap_sift - one sift of v[@top] into the max-heap v[0, @n), the
 * bottom-up way Linux's lib/sort.c does it: first go down to a leaf,
 * always to the greater child (the left one when both compare equal), then
 * climb back to the first element v[@top] is smaller than, and rotate
 * v[@top] into that place, the elements on the path above moving up a level.
 */
static void rmem_heap_sift(struct kmm_reserved_mem *v, unsigned int top, unsigned int n)
{
	unsigned int leaf = top, pos;

	while (2 * leaf + 2 < n) {
		unsigned int left = 2 * leaf + 1;

		leaf = rmem_cmp(&v[left], &v[left + 1]) >= 0 ? left : left + 1;
	}
	if (2 * leaf + 2 == n)
		leaf = 2 * leaf + 1; /* a last left child without a sibling */
	while (leaf != top && rmem_cmp(&v[top], &v[leaf]) >= 0)
		leaf = (leaf - 1) / 2;
	for (pos = leaf; pos != top;) {
		pos = (pos - 1) / 2;
		rmem_swap(v, pos, leaf);
	}
}

/*
 * rmem_sort - sort() of the saved regions.  Linux's sort() is a heapsort,
 * not a stable sort, and __rmem_cmp() sees every dynamic region (base 0,
 * size 0 until allocated) as equal, so they come out in the order the heap
 * leaves them: for three dynamic regions A, B, C in tree order, B, C, A.
 * That is the order fdt_init_reserved_mem() allocates them in, so kmm runs
 * the same heapsort: build the heap, then move its root to the end n - 1
 * times.
 */
static void rmem_sort(struct kmm_reserved_mem *v, unsigned int num)
{
	if (num < 2)
		return;
	for (unsigned int top = num / 2; top-- > 0;)
		rmem_heap_sift(v, top, num);
	for (unsigned int n = num - 1; n > 0; n--) {
		rmem_swap(v, 0, n);
		rmem_heap_sift(v, 0, n);
	}
}

/* __rmem_check_for_overlap(): sort (by base and size), report overlaps */
static void rmem_check_for_overlap(struct kmm_machine *m)
{
	unsigned int n = m->nr_reserved_mem;

	if (n < 2)
		return;
	rmem_sort(m->reserved_mem, n);
	for (unsigned int i = 0; i + 1 < n; i++) {
		const struct kmm_reserved_mem *a = &m->reserved_mem[i], *b = &m->reserved_mem[i + 1];

		if (a->base + a->size > b->base) {
			kmm_printk(&m->env, "OF: reserved mem: OVERLAP DETECTED!");
			kmm_printk(&m->env, "%s (0x%016llx--0x%016llx) overlaps with %s (0x%016llx--0x%016llx)",
				   a->node->name, (unsigned long long)a->base,
				   (unsigned long long)(a->base + a->size), b->node->name,
				   (unsigned long long)b->base, (unsigned long long)(b->base + b->size));
		}
	}
}

/* __reserved_mem_alloc_size(): place a dynamic region (size/alignment/alloc-ranges) */
static int rmem_alloc_size(struct kmm_machine *m, struct kmm_reserved_mem *rm)
{
	const struct kmm_dt_rmem *r = rm->node;
	u64 align = r->alignment, base = 0, size = r->size;

	if (!r->has_size)
		return -KMM_EINVAL;
	if (r->size_invalid) {
		kmm_printk(&m->env, "OF: reserved mem: invalid size property in '%s' node.", r->name);
		return -KMM_EINVAL;
	}
	if (r->alignment_invalid) {
		kmm_printk(&m->env, "OF: reserved mem: invalid alignment property in '%s' node.",
			   r->name);
		return -KMM_EINVAL;
	}
	if (r->shared_dma_pool && r->reusable && !r->no_map)
		align = KMM_MAX(align, CMA_MIN_ALIGNMENT_BYTES);
	if (r->alloc_ranges_invalid) {
		kmm_printk(&m->env, "OF: reserved mem: invalid alloc-ranges property in '%s', skipping node.",
			   r->name);
		return -KMM_EINVAL;
	}
	for (unsigned int i = 0; i < (r->has_alloc_ranges ? r->nr_alloc_ranges : 1); i++) {
		u64 start = r->has_alloc_ranges ? r->alloc_ranges[i].base : 0;
		u64 end = r->has_alloc_ranges ? start + r->alloc_ranges[i].size : 0;

		/* early_init_dt_alloc_reserved_memory_arch(), owned by the node */
		m->memblock.trace_label = r->name;
		base = memblock_phys_alloc_range_caller(&m->memblock, size, align ? align : SMP_CACHE_BYTES,
							start, end ? end : MEMBLOCK_ALLOC_ANYWHERE,
							"early_init_dt_alloc_reserved_memory_arch");
		if (base && r->no_map && memblock_mark_nomap(&m->memblock, base, size)) {
			memblock_phys_free_caller(&m->memblock, base, size,
						  "early_init_dt_alloc_reserved_memory_arch");
			base = 0;
		}
		m->memblock.trace_label = NULL;
		if (base)
			break;
	}
	if (!base) {
		kmm_printk(&m->env, "OF: reserved mem: failed to allocate memory for node '%s': size %llu MiB",
			   r->name, (unsigned long long)(size / SZ_1M));
		return -KMM_ENOMEM;
	}
	rm->base = base;
	rm->size = size;
	return 0;
}

/* rmem_cma_setup() then rmem_dma_setup(): the shared-dma-pool drivers */
static int rmem_init_node(struct kmm_machine *m, struct kmm_reserved_mem *rm)
{
	const struct kmm_dt_rmem *r = rm->node;
	int ret = -KMM_ENOENT;

	if (!r->shared_dma_pool)
		return ret;
	if (m->cmdline.cma_set && r->cma_default) {
		kmm_printk(&m->env, "Reserved memory: bypass %s node, using cmdline CMA params instead",
			   r->name);
		ret = -KMM_EBUSY;
	} else if (!r->reusable || r->no_map) {
		ret = -KMM_EINVAL;
	} else if ((rm->base | rm->size) & (CMA_MIN_ALIGNMENT_BYTES - 1)) {
		kmm_printk(&m->env, "Reserved memory: incorrect alignment of CMA region");
		ret = -KMM_EINVAL;
	} else {
		ret = arm64_cma_init_reserved_mem(m, rm->base, rm->size, r->name);
		if (ret) {
			kmm_printk(&m->env, "Reserved memory: unable to setup CMA region");
		} else {
			if (r->cma_default)
				m->dma_contiguous_default_area = m->nr_cma_areas;
			kmm_printk(&m->env, "Reserved memory: created CMA memory pool at 0x%016llx, size %llu MiB",
				   (unsigned long long)rm->base,
				   (unsigned long long)(rm->size / SZ_1M));
		}
	}
	if (ret && !r->reusable) {
		kmm_printk(&m->env, "Reserved memory: created DMA memory pool at 0x%016llx, size %llu MiB",
			   (unsigned long long)rm->base, (unsigned long long)(rm->size / SZ_1M));
		ret = 0;
	}
	if (!ret)
		kmm_printk(&m->env, "OF: reserved mem: initialized node %s, compatible id shared-dma-pool",
			   r->name);
	return ret;
}

static void fdt_init_reserved_mem(struct kmm_machine *m)
{
	rmem_check_for_overlap(m);
	for (unsigned int i = 0; i < m->nr_reserved_mem; i++) {
		struct kmm_reserved_mem *rm = &m->reserved_mem[i];
		int err = 0;

		if (rm->size == 0)
			err = rmem_alloc_size(m, rm);
		if (err)
			continue;
		err = rmem_init_node(m, rm);
		if (err && err != -KMM_ENOENT) {
			kmm_printk(&m->env, "OF: reserved mem: node %s compatible matching fail",
				   rm->node->name);
			if (rm->node->no_map)
				memblock_clear_nomap(&m->memblock, rm->base, rm->size);
			else
				memblock_phys_free_caller(&m->memblock, rm->base, rm->size,
							  "fdt_init_reserved_mem");
		}
	}
}

static void early_init_fdt_scan_reserved_mem(struct kmm_machine *m)
{
	fdt_scan_reserved_mem(m);
	if (m->dt->has_elfcorehdr)
		memblock_reserve_caller(&m->memblock, m->dt->elfcorehdr.base,
					m->dt->elfcorehdr.size, "fdt_reserve_elfcorehdr");
	for (unsigned int i = 0; i < m->dt->nr_memreserve; i++)
		memblock_reserve_caller(&m->memblock, m->dt->memreserve[i].base,
					m->dt->memreserve[i].size, "early_init_fdt_scan_reserved_mem");
	fdt_init_reserved_mem(m);
}

/*
 * unflatten_device_tree(): one allocation holds every struct device_node and
 * struct property of the tree (sizes of the kernel build), from
 * early_init_dt_alloc_memory_arch(), which panics when memblock has no room.
 * kmm does not build the nodes.  /aliases (of_alias_scan) would allocate
 * more; kmm does not model it.
 */
static int unflatten_device_tree(struct kmm_machine *m, char *err, size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	u64 size = kmm_fdt_unflatten_size(m->dt, k->struct_size[KMM_STRUCT_DEVICE_NODE],
					  k->struct_size[KMM_STRUCT_PROPERTY]);

	if (!size) {
		kmm_snprintf(err, errlen,
			     "unflatten_device_tree: struct device_node (%llu) and struct property "
			     "(%llu) must be non-zero multiples of 8",
			     (unsigned long long)k->struct_size[KMM_STRUCT_DEVICE_NODE],
			     (unsigned long long)k->struct_size[KMM_STRUCT_PROPERTY]);
		return -KMM_EINVAL;
	}
	if (!memblock_alloc_try_nid_caller(&m->memblock, size, DEVICE_NODE_ALIGN,
					   MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE,
					   "early_init_dt_alloc_memory_arch")) {
		kmm_snprintf(err, errlen,
			     "early_init_dt_alloc_memory_arch: Failed to allocate %llu bytes align=0x%x",
			     (unsigned long long)size, DEVICE_NODE_ALIGN);
		return -KMM_ENOMEM;
	}
	return 0;
}

/* request_standard_resources(): the "System RAM" resources, one per memory region */
static int request_standard_resources(struct kmm_machine *m, char *err, size_t errlen)
{
	u64 size = m->memblock.memory.cnt * m->kernel.struct_size[KMM_STRUCT_RESOURCE];

	if (!memblock_alloc_try_nid_caller(&m->memblock, size, SMP_CACHE_BYTES, MEMBLOCK_LOW_LIMIT,
					   MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE, "setup_arch")) {
		kmm_snprintf(err, errlen, "request_standard_resources: Failed to allocate %llu bytes",
			     (unsigned long long)size);
		return -KMM_ENOMEM;
	}
	return 0;
}

int kmm_arm64_setup_arch(struct kmm_machine *m, const struct kmm_dt *dt, u64 kernel_load,
			 char *err, size_t errlen)
{
	const struct kmm_kernel *k = &m->kernel;
	unsigned long reserved_max = INIT_MEMBLOCK_REGIONS + k->nr_cpus + 1;
	int ret;

	if (k->arch != KMM_ARCH_ARM64) {
		kmm_snprintf(err, errlen, "kmm_arm64_setup_arch: not an arm64 machine");
		return -KMM_EINVAL;
	}
	if (kernel_load & (PAGE_SIZE - 1)) {
		kmm_snprintf(err, errlen, "kmm_arm64_setup_arch: kernel load address %#llx is not "
			     "page aligned", (unsigned long long)kernel_load);
		return -KMM_EINVAL;
	}
	if (reserved_max > KMM_ARRAY_SIZE(m->reserved_init_regions))
		reserved_max = KMM_ARRAY_SIZE(m->reserved_init_regions);
	if (!k->sym.stext)
		kmm_printk(&m->env, "kmm: System.map has no _stext; using _text");
	memblock_init(&m->memblock, &m->env, m->memory_init_regions, INIT_MEMBLOCK_REGIONS,
		      m->reserved_init_regions, reserved_max, k->numa, 1 << k->nodes_shift);
	m->dt = dt;
	m->kernel_load = kernel_load;
	kmm_printk(&m->env, "Linux version %s (kmm)", k->release[0] ? k->release : "6.1.0-arm64");
	ret = setup_machine_fdt(m, err, errlen);
	if (ret)
		return ret;
	arm64_scan_memory(m);
	if (dt->has_initrd) {
		m->phys_initrd_start = dt->initrd_start;
		m->phys_initrd_size = dt->initrd_end - dt->initrd_start;
	}
	arm64_parse_early_param(m);
	kmm_printk(&m->env, "efi: UEFI not found.");
	arm64_memblock_init(m);
	early_init_fdt_scan_reserved_mem(m);
	ret = arm64_paging_init(m, err, errlen);
	if (!ret)
		ret = unflatten_device_tree(m, err, errlen);
	if (!ret)
		ret = arm64_bootmem_init(m, err, errlen);
	return ret ? ret : request_standard_resources(m, err, errlen);
}
