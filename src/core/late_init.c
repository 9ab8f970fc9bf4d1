// SPDX-License-Identifier: MIT
/*
 * late_init.c - memory given back after mem_init(), see kmm/late_init.h.
 */
#include <kmm/late_init.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/swiotlb.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define POISON_FREE_INITMEM 0xcc

/* free_reserved_page() + adjust_managed_page_count() */
static bool free_reserved_page(struct kmm_machine *m, unsigned long pfn, int poison)
{
	struct kmm_page *p = kmm_pfn_to_page(m, pfn);
	struct kmm_zone *z = kmm_pfn_zone(m, pfn);

	if (!p || !z)
		return false;
	if (poison >= 0 && poison <= 0xff && m->env.phys_to_virt) {
		u8 *va = m->env.phys_to_virt(m->env.opaque, (u64)pfn << PAGE_SHIFT);

		if (va)
			kmm_memset(va, poison, PAGE_SIZE);
	}
	/* ClearPageReserved, init_page_count, __free_page: through the per-CPU lists */
	__atomic_fetch_and(&p->flags, (u16)~KMM_PG_RESERVED, __ATOMIC_RELAXED);
	p->refcount = 1;
	p->order = 0;
	if (kmm___free_pages(m, pfn, 0))
		return false;
	z->managed_pages++;
	m->totalram_pages++;
	if (z->kind == KMM_ZONE_HIGHMEM)
		m->totalhigh_pages++;
	return true;
}

unsigned long kmm_free_reserved_area(struct kmm_machine *m, u64 start, u64 end, int poison,
				     const char *what)
{
	unsigned long pages = 0;

	start = KMM_ALIGN(start, PAGE_SIZE);
	end &= ~(PAGE_SIZE - 1);
	for (u64 pa = start; pa < end; pa += PAGE_SIZE)
		pages += free_reserved_page(m, (unsigned long)(pa >> PAGE_SHIFT), poison);
	if (pages && what)
		kmm_printk(&m->env, "Freeing %s memory: %luK", what, pages << (PAGE_SHIFT - 10));
	return pages;
}

/* x86's free_init_pages(): the range as kernel symbols */
static void free_kernel_image_pages(struct kmm_machine *m, const char *what, u64 begin, u64 end)
{
	if (begin && end > begin)
		kmm_free_reserved_area(m, kmm_kernel_pa(m, begin), kmm_kernel_pa(m, end), POISON_FREE_INITMEM,
				       what);
}

void kmm_free_smp_alternatives(struct kmm_machine *m)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;

	if (m->kernel.arch != KMM_ARCH_ARM64)
		free_kernel_image_pages(m, "SMP alternatives", s->smp_locks, s->smp_locks_end);
}

/*
 * cma_activate_area(): an area must lie in one zone; then each pageblock
 * becomes MIGRATE_CMA and is freed whole (through the per-CPU lists, whose
 * limit at this point is below a pageblock, so it reaches the free lists at
 * once), counting managed and CMA pages.  An area that crosses zones is
 * given to the buddy allocator as ordinary pages and no longer counts as
 * CMA.
 */
static void cma_activate_area(struct kmm_machine *m, struct kmm_cma_area *a)
{
	unsigned long base = (unsigned long)(a->base >> PAGE_SHIFT);
	unsigned long count = (unsigned long)(a->size >> PAGE_SHIFT);
	struct kmm_zone *zone = kmm_pfn_zone(m, base);
	bool ok = zone != NULL;

	for (unsigned long pfn = base; ok && pfn < base + count; pfn++)
		ok = kmm_pfn_zone(m, pfn) == zone && kmm_pfn_to_page(m, pfn);
	if (!ok) {
		for (unsigned long pfn = base; pfn < base + count; pfn++)
			free_reserved_page(m, pfn, -1);
		m->totalcma_pages -= count;
		a->size = 0;
		kmm_printk(&m->env, "CMA area %s could not be activated", a->name);
		return;
	}
	for (unsigned long pfn = base; pfn < base + count; pfn += KMM_PAGEBLOCK_NR_PAGES) {
		struct kmm_page *head = kmm_pfn_to_page(m, pfn);

		for (unsigned long i = 0; i < KMM_PAGEBLOCK_NR_PAGES; i++)
			__atomic_fetch_and(&kmm_pfn_to_page(m, pfn + i)->flags, (u16)~KMM_PG_RESERVED,
					   __ATOMIC_RELAXED);
		kmm_set_pageblock_migratetype(m, pfn, KMM_MIGRATE_CMA);
		/* set_page_refcounted + __free_pages(page, pageblock_order) */
		head->refcount = 1;
		head->order = KMM_PAGEBLOCK_ORDER;
		if (kmm___free_pages(m, pfn, KMM_PAGEBLOCK_ORDER))
			continue;
		zone->managed_pages += KMM_PAGEBLOCK_NR_PAGES;
		zone->cma_pages += KMM_PAGEBLOCK_NR_PAGES;
		m->totalram_pages += KMM_PAGEBLOCK_NR_PAGES;
	}
}

void kmm_cma_init_reserved_areas(struct kmm_machine *m)
{
	for (unsigned int i = 0; i < m->nr_cma_areas; i++)
		if (m->cma_areas[i].size)
			cma_activate_area(m, &m->cma_areas[i]);
}

/* free_initrd_mem(): x86 frees up to the page end; others exactly the image, and give it back to memblock */
static void free_initrd_mem(struct kmm_machine *m, u64 start, u64 end)
{
	if (m->kernel.arch == KMM_ARCH_ARM64)
		memblock_phys_free_caller(&m->memblock, start & ~(PAGE_SIZE - 1),
					  KMM_ALIGN(end, PAGE_SIZE) - (start & ~(PAGE_SIZE - 1)),
					  "free_initrd_mem");
	else
		end = KMM_ALIGN(end, PAGE_SIZE);
	kmm_free_reserved_area(m, start, end, POISON_FREE_INITMEM, "initrd");
}

/*
 * populate_rootfs() -> free_initrd(): with a crash kernel overlapping the
 * initrd only the parts outside it are freed (kexec_free_initrd).
 */
static void free_initrd(struct kmm_machine *m)
{
	u64 start, end, ck_start = m->crashk_base, ck_end = m->crashk_base + m->crashk_size;

	if (m->kernel.arch == KMM_ARCH_ARM64) {
		start = m->phys_initrd_start;
		end = start + m->phys_initrd_size;
	} else {
		start = m->initrd_start;
		end = m->initrd_end;
	}
	if (end <= start)
		return;
	if (!m->crashk_size || start >= ck_end || end <= ck_start) {
		free_initrd_mem(m, start, end);
		return;
	}
	if (start < ck_start)
		free_initrd_mem(m, start, ck_start);
	if (end > ck_end)
		free_initrd_mem(m, ck_end, end);
}

void kmm_memblock_free_late(struct kmm_machine *m, u64 base, u64 size)
{
	if (m->memblock.debug)
		kmm_printk(&m->env, "memblock_free_late: [%#018llx-%#018llx] %s",
			   (unsigned long long)base, (unsigned long long)(base + size - 1),
			   "kmm_memblock_free_late");
	for (u64 pfn = KMM_ALIGN(base, PAGE_SIZE) >> PAGE_SHIFT; pfn < (base + size) >> PAGE_SHIFT;
	     pfn++) {
		struct kmm_page *p = kmm_pfn_to_page(m, (unsigned long)pfn);

		m->totalram_pages++;
		if (!p || !kmm_pfn_zone(m, (unsigned long)pfn) ||
		    kmm_early_page_uninitialised(m, (unsigned long)pfn))
			continue;
		__atomic_fetch_and(&p->flags, (u16)~KMM_PG_RESERVED, __ATOMIC_RELAXED);
		kmm_free_pages_core(m, (unsigned long)pfn, 0);
	}
}

void kmm_late_frees(struct kmm_machine *m)
{
	const struct kmm_kernel_syms *s = &m->kernel.sym;

	if (m->kernel.arch != KMM_ARCH_ARM64)
		kmm_swiotlb_print_info(m); /* pci_iommu_init() */
	free_initrd(m);
	if (m->kernel.arch == KMM_ARCH_ARM64) {
		free_kernel_image_pages(m, "unused kernel", s->init_begin, s->init_end);
		return;
	}
	if (m->kernel.arch == KMM_ARCH_X86_64)
		free_kernel_image_pages(m, "unused decrypted", s->start_bss_decrypted_unused,
					s->end_bss_decrypted);
	free_kernel_image_pages(m, "unused kernel image (initmem)", s->init_begin, s->init_end);
	if (m->kernel.arch == KMM_ARCH_X86_64) {
		free_kernel_image_pages(m, "unused kernel image (text/rodata gap)",
					KMM_ALIGN(s->etext, PAGE_SIZE), KMM_ALIGN(s->start_rodata, PAGE_SIZE));
		free_kernel_image_pages(m, "unused kernel image (rodata/data gap)",
					KMM_ALIGN(s->end_rodata, PAGE_SIZE), s->sdata);
	}
}
