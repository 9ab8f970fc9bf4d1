// SPDX-License-Identifier: MIT
/*
 * iomem.c - arm64's /proc/iomem (Linux 6.1 arch/arm64/kernel/setup.c):
 * the memory part of the resource tree (kmm/resource.h).
 *
 *   request_standard_resources()  (setup_arch, after bootmem_init)
 *       one resource per memblock memory region: "System RAM" (busy) over
 *       the whole pages inside it, or "reserved" over the pages it touches
 *       when it is NOMAP; inside the region that holds them, "Kernel code"
 *       [_stext, __init_begin) and "Kernel data" [_sdata, _end), and the
 *       crash kernel regions ("Crash kernel").
 *   reserve_memblock_reserved_regions()  (arch_initcall)
 *       every memblock reservation at that time, widened to whole pages and
 *       clipped to the region, becomes "reserved" wherever no child of the
 *       region (kernel code/data, crash kernel) already is.
 *
 * Both run from kmm_iomem_initcalls(): request_standard_resources() only
 * reads memblock.memory, the kernel symbols and the crash kernel, which do
 * not change between setup_arch() and the initcalls, so running it then
 * builds the same tree.  Its memblock allocation stays in setup.c, in
 * Linux's place.  Device resources (UART, RTC, GPIO, PCIe windows and ECAM)
 * come from drivers kmm does not run: they are left out.
 */
#include <kmm/error.h>
#include <kmm/resource.h>

#include "arm64.h"

#define PAGE_SIZE ARM64_PAGE_SIZE

static u64 page_down(u64 a)
{
	return KMM_ALIGN_DOWN(a, PAGE_SIZE);
}

static u64 page_up(u64 a)
{
	return KMM_ALIGN(a, PAGE_SIZE);
}

/*
 * The unlinked node @name over the image's [@sym_start, @sym_end) (link
 * addresses), into *@out; *@out stays NULL when a symbol is missing.
 */
static int kernel_part(struct kmm_machine *m, const char *name, u64 sym_start, u64 sym_end,
		       struct kmm_resource **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!sym_start || sym_end <= sym_start)
		return 0;
	return kmm_resource_new(kmm_iomem_tree(m), name, arm64_pa_symbol(m, sym_start),
				arm64_pa_symbol(m, sym_end) - 1,
				KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY,
				KMM_IORES_DESC_NONE, out, err, errlen);
}

/* request @child into @res when it lies wholly inside (Linux ignores a refusal) */
static void request_inside(struct kmm_resource *res, struct kmm_resource *child)
{
	if (child && !child->parent && child->start >= res->start && child->end <= res->end)
		kmm_request_resource_conflict(res, child);
}

/* the four fixed children: kernel code and data, the crash kernels */
enum { KERNEL_CODE, KERNEL_DATA, CRASHK, CRASHK_LOW, NR_FIXED };

static int fixed_children(struct kmm_machine *m, struct kmm_resource *fixed[NR_FIXED], char *err,
			  size_t errlen)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	struct kmm_resource_tree *t = kmm_iomem_tree(m);
	const u64 base[2] = { m->crashk_base, m->crashk_low_base };
	const u64 size[2] = { m->crashk_size, m->crashk_low_size };
	int ret;

	ret = kernel_part(m, "Kernel code", s->stext ? s->stext : s->text, s->init_begin,
			  &fixed[KERNEL_CODE], err, errlen);
	if (!ret)
		ret = kernel_part(m, "Kernel data", s->sdata, s->end, &fixed[KERNEL_DATA], err,
				  errlen);
	for (int i = 0; !ret && i < 2; i++) {
		fixed[CRASHK + i] = NULL;
		if (size[i])
			ret = kmm_resource_new(t, "Crash kernel", base[i], base[i] + size[i] - 1,
					       KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY,
					       KMM_IORES_DESC_CRASH_KERNEL, &fixed[CRASHK + i], err,
					       errlen);
	}
	return ret;
}

/* request_standard_resources(): see the overview */
static int request_standard_resources(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_resource_tree *t = kmm_iomem_tree(m);
	struct kmm_resource *fixed[NR_FIXED] = { NULL }, *res;
	const struct memblock_region *rgn;
	int ret;

	ret = fixed_children(m, fixed, err, errlen);
	if (!ret)
		ret = kmm_resource_new_array(t, (unsigned int)m->memblock.memory.cnt,
					     "standard resources", &res, err, errlen);
	if (ret)
		return ret;
	m->iomem.firmware_res = res;
	m->iomem.nr_firmware_res = (unsigned int)m->memblock.memory.cnt;
	for_each_mem_region(&m->memblock, rgn) {
		bool nomap = rgn->flags & MEMBLOCK_NOMAP;

		kmm_strlcpy(res->name, nomap ? "reserved" : "System RAM", sizeof(res->name));
		res->flags = nomap ? KMM_IORESOURCE_MEM :
				     KMM_IORESOURCE_SYSTEM_RAM | KMM_IORESOURCE_BUSY;
		/* NOMAP: every page touched; RAM: the whole pages inside */
		res->start = nomap ? page_down(rgn->base) : page_up(rgn->base);
		res->end = (nomap ? page_up(rgn->base + rgn->size) :
				    page_down(rgn->base + rgn->size)) -
			   1;
		kmm_request_resource_conflict(&t->root, res);
		for (int i = 0; res->parent && i < NR_FIXED; i++)
			request_inside(res, fixed[i]);
		res++;
	}
	for (int i = 0; i < NR_FIXED; i++)
		if (fixed[i] && !fixed[i]->parent)
			kmm_resource_free(t, fixed[i]);
	return 0;
}

/* reserve_memblock_reserved_regions(): see the overview */
static int reserve_memblock_reserved_regions(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_resource_tree *t = kmm_iomem_tree(m);
	const struct memblock *mb = &m->memblock;

	for (unsigned int i = 0; i < m->iomem.nr_firmware_res; i++) {
		struct kmm_resource *mem = &m->iomem.firmware_res[i];
		phys_addr_t r_start, r_end;
		u64 j;

		/* a region that was refused (less than a page) is not in the tree */
		if (!mem->parent ||
		    !memblock_is_region_reserved(mb, mem->start, mem->end - mem->start + 1))
			continue;
		for_each_reserved_mem_range(mb, j, &r_start, &r_end) {
			u64 start = KMM_MAX(page_down(r_start), mem->start);
			u64 end = KMM_MIN(page_up(r_end) - 1, mem->end);
			int ret;

			if (start > mem->end || end < mem->start)
				continue;
			ret = kmm_reserve_region_with_split(t, mem, start, end, "reserved", err,
							    errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int kmm_arm64_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret = request_standard_resources(m, err, errlen);

	return ret ? ret : reserve_memblock_reserved_regions(m, err, errlen);
}
