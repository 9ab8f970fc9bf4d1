// SPDX-License-Identifier: MIT
/*
 * test_boot.c - the x86 boot path against what real Linux printed.
 *
 * Each fidelity case boots a machine from the inputs Linux had (the input
 * lines of its boot log, its command line, its kernel's System.map and
 * .config: tests/fixtures/oracle, copied from ../shared/oracle) through
 * setup_arch() and start_kernel() up to setup_per_cpu_areas(), and expects
 * every line kmm prints about e820, memblock, nodes and zones - the tables,
 * the memblock=debug calls, both MEMBLOCK dumps, RAMDISK, ACPI reservations,
 * NODE_DATA, lowmem/highmem, crashkernel, the zone ranges, the nosave
 * regions and the PCI gap - to be exactly the lines Linux printed up to
 * "setup_percpu:", in Linux's order (callers compared by name, without
 * Linux's +offset/size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"
#include "helpers/late_fixture.h"

#include <kmm/bootlog.h>
#include <kmm/error.h>
#include <kmm/machine.h>
#include <kmm/sparse.h>
#include <kmm/page_alloc.h>
#include <kmm/start_kernel.h>

#define MAX_CMP_LINES 1024
#define TEST_PHYS (16ULL << 30) /* backs every fixture machine (pc-8G ends at 9G) */

static char *slurp(const char *name)
{
	return kmm_test_read_fixture("oracle", name);
}

/* the fixture directory of the case being booted: "oracle", or "uefi" */
static char *slurp_case(const char *dir, const char *name)
{
	return kmm_test_read_fixture(dir, name);
}

static const char *const compared_prefixes[] = {
	"BIOS-provided physical RAM map:", "BIOS-e820: ", "user-defined physical RAM map:",
	"user: ", "extended physical RAM map:", "reserve setup_data: ", "e820: ",
	"last_pfn = ", "found SMP MP-table", "memblock_", "MEMBLOCK configuration:",
	" memory", " reserved", "RAMDISK: ",
	"ACPI: Reserving ", "No NUMA configuration found", "Faking a node", "NODE_DATA(",
	"SRAT: PXM ", "ACPI: SRAT: ", "NUMA: ", "Faking node ",
	/* initmem_init (i386), crashkernel */
	"  mapped low ram: ", "  low ram: ", "Reserving ", "crashkernel ",
	/* free_area_init */
	"Zone ranges:", "  DMA ", "  DMA32 ", "  Normal ", "  HighMem ", "  Device ", "  Movable ",
	"Movable zone start for each node", "  Node ", "Early memory node ranges", "  node ",
	"Initmem setup node ", "On node ",
	/* the rest of setup_arch */
	"smpboot: Allowing ", "PM: hibernation: Registered nosave memory: ", "[mem 0x",
	"Cannot find an available gap", "PCI devices with unassigned",
};
/*
 * Not compared: "Allocated new RAMDISK" and "Move RAMDISK" print the initrd's
 * byte size, which no input line carries (the RAMDISK: line is page-aligned).
 */

static bool compared(const char *line)
{
	for (size_t i = 0; i < sizeof(compared_prefixes) / sizeof(compared_prefixes[0]); i++)
		if (!strncmp(line, compared_prefixes[i], strlen(compared_prefixes[i])))
			return true;
	return strstr(line, "MB HIGHMEM available.") || strstr(line, "MB LOWMEM available.");
}

struct lines {
	char *v[MAX_CMP_LINES];
	unsigned int n;
};

static void add_line(struct lines *l, const char *text)
{
	assert_true(l->n < MAX_CMP_LINES);
	l->v[l->n] = strdup(text);
	kmm_test_strip_caller(l->v[l->n]);
	l->n++;
}

static void free_lines(struct lines *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/*
 * Linux's compared lines from "Linux version" up to (without) "setup_percpu:",
 * or up to the first line starting with @stop when that is not NULL.
 */
static void linux_lines(const char *dmesg, struct lines *out, const char *stop)
{
	char *copy = strdup(dmesg), *save = NULL;

	for (char *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		const char *msg = kmm_bootlog_strip_timestamp(ln);

		if (!strncmp(msg, "setup_percpu:", 13))
			break;
		if (stop && !strncmp(msg, stop, strlen(stop)))
			break;
		if (compared(msg))
			add_line(out, msg);
	}
	free(copy);
}

/* A machine booted from one fixture case. */
struct booted {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	char err[512];
	int ret; /* of the first stage that failed, 0 when all ran */
};

/*
 * Boot fixture case @name of @arch with @cmdline (NULL: the case's own) up
 * to setup_per_cpu_areas(): setup_arch() and start_kernel()'s
 * setup_command_line().
 */
static void boot_fixture_in(struct booted *b, const char *dir, const char *name,
			    enum kmm_arch arch, const char *cmdline)
{
	char file[256];
	char *inputs, *own_cmdline, *map, *cfg;
	const char *a = arch == KMM_ARCH_X86_64 ? "x86_64" : "i386";

	b->t = kmm_test_env_new(TEST_PHYS);
	b->m = calloc(1, sizeof(*b->m));
	b->err[0] = '\0';
	assert_non_null(b->m);
	snprintf(file, sizeof(file), "%s-%s.inputs", a, name);
	inputs = slurp_case(dir, file);
	snprintf(file, sizeof(file), "%s-%s.cmdline", a, name);
	own_cmdline = slurp_case(dir, file);
	own_cmdline[strcspn(own_cmdline, "\n")] = '\0';
	snprintf(file, sizeof(file), "%s.System.map", a);
	map = slurp(file);
	snprintf(file, sizeof(file), "%s.config", a);
	cfg = slurp(file);

	kmm_machine_init(b->m, arch, &b->t->env);
	assert_int_equal(kmm_kernel_parse_config(&b->m->kernel, cfg, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&b->m->kernel, map, b->err, sizeof(b->err)),
			 0);
	assert_int_equal(kmm_bootlog_parse(&b->m->boot, inputs, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_cmdline_parse(&b->m->cmdline, cmdline ? cmdline : own_cmdline, b->err,
					   sizeof(b->err)), 0);
	b->ret = kmm_x86_setup_arch(b->m, inputs, b->err, sizeof(b->err));
	if (!b->ret)
		b->ret = kmm_x86_setup_memory(b->m, b->err, sizeof(b->err));
	if (!b->ret)
		b->ret = kmm_start_kernel_early(b->m, b->err, sizeof(b->err));
	free(inputs);
	free(own_cmdline);
	free(map);
	free(cfg);
}

static void boot_fixture(struct booted *b, const char *name, enum kmm_arch arch,
			 const char *cmdline)
{
	boot_fixture_in(b, "oracle", name, arch, cmdline);
}

/*
 * Boot fixture case @name to the end (start_kernel's memory path, the
 * initcalls' frees) and expect Linux's late lines and final figures
 * (tests/fixtures/oracle/late-<arch>-<name>.txt).
 */
static void expect_late(const char *name, enum kmm_arch arch)
{
	struct booted b;
	char file[128];

	boot_fixture(&b, name, arch, NULL);
	if (b.ret == 0)
		b.ret = kmm_start_kernel_mm(b.m, b.err, sizeof(b.err));
	if (b.ret)
		fail_msg("boot failed: %s", b.err);
	snprintf(file, sizeof(file), "late-%s-%s.txt", arch == KMM_ARCH_X86_64 ? "x86_64" : "i386",
		 name);
	kmm_test_expect_late(b.t->lines, b.t->nr_lines, b.m, file);
	free(b.m);
	kmm_test_env_free(b.t);
}

/* RAM above 4G: a 64 MiB swiotlb below 4G; then SMP alternatives, initrd, init and rodata gaps */
static void late_x86_64_pc_4G(void **state)
{
	(void)state;
	expect_late("pc-4G", KMM_ARCH_X86_64);
}

/* the crash kernel takes 256M below 4G, so the swiotlb goes below it */
static void late_x86_64_crashkernel(void **state)
{
	(void)state;
	expect_late("pc-4G-crashkernel256M", KMM_ARCH_X86_64);
}

/* i386 PAE with RAM above 4G: the swiotlb (16-byte slots) is capped by lowmem */
static void late_i386_pc_4G(void **state)
{
	(void)state;
	expect_late("pc-4G", KMM_ARCH_I386);
}

/*
 * swiotlb=noforce on a 4 GiB machine: no bounce buffer, the 64 MiB stay
 * free; swiotlb=force on a 2 GiB one: a pool though all RAM is below 4G,
 * and swiotlb=2048,3 sizes it (4 MiB) with the areas rounded up to 4.
 */
static void swiotlb_options(void **state)
{
	const char *base = "console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug panic=-1";
	char cmdline[256];
	struct booted b;

	(void)state;
	snprintf(cmdline, sizeof(cmdline), "%s swiotlb=noforce", base);
	boot_fixture(&b, "pc-4G", KMM_ARCH_X86_64, cmdline);
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	assert_int_equal(b.m->swiotlb.nslabs, 0);
	assert_int_equal(kmm_test_find_line(b.t, 0, "software IO TLB: area num 1."), -1);
	free(b.m);
	kmm_test_env_free(b.t);

	snprintf(cmdline, sizeof(cmdline), "%s swiotlb=2048,3,force", base);
	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64, cmdline);
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	assert_int_equal(b.m->swiotlb.nslabs, 2048);
	assert_int_equal(b.m->swiotlb.nareas, 4);
	assert_true(b.m->swiotlb.start + (4ULL << 20) <= (1ULL << 32));
	assert_true(kmm_test_find_line(b.t, 0, "software IO TLB: area num 4.") >= 0);
	free(b.m);
	kmm_test_env_free(b.t);
}

/*
 * OVMF's boot services code and data go back to the buddy allocator in
 * efi_enter_virtual_mode() (memblock_free_late, page by page, clipped at
 * 1M) unless efi=debug keeps them: without it the machine has exactly those
 * pages more, and one memblock_free_late line per freed region.
 */
static void uefi_boot_services_freed_late(void **state)
{
	const char *base = "console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug panic=-1";
	unsigned long with_debug, freed = 0, lines = 0;
	struct booted b;

	(void)state;
	boot_fixture_in(&b, "uefi", "uefi-pc-2G", KMM_ARCH_X86_64, NULL); /* has efi=debug */
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	with_debug = b.m->totalram_pages;
	for (unsigned int i = 0; i < b.t->nr_lines; i++)
		assert_null(strstr(b.t->lines[i], "memblock_free_late"));
	free(b.m);
	kmm_test_env_free(b.t);

	boot_fixture_in(&b, "uefi", "uefi-pc-2G", KMM_ARCH_X86_64, base);
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	for (unsigned int i = 0; i < b.t->nr_lines; i++) {
		unsigned long long s, e;

		if (sscanf(b.t->lines[i], "memblock_free_late: [%llx-%llx]", &s, &e) == 2) {
			assert_true(s >= 0x100000);
			freed += (unsigned long)((e + 1 - s) >> 12);
			lines++;
		}
	}
	assert_int_equal(lines, 95);
	assert_int_equal(b.m->totalram_pages - with_debug, freed);
	assert_true(kmm_boot_validate(b.m));
	free(b.m);
	kmm_test_env_free(b.t);
}

/* boot pc-2G with numa=fake=@opt to the end; expect @n lines in order, then a valid machine */
static void expect_numa_fake(const char *opt, const char *const *want, unsigned int n)
{
	char cmdline[256];
	struct booted b;
	int at = 0;

	snprintf(cmdline, sizeof(cmdline),
		 "console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr panic=-1 numa=fake=%s", opt);
	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64, cmdline);
	if (b.ret == 0)
		b.ret = kmm_start_kernel_mm(b.m, b.err, sizeof(b.err));
	if (b.ret)
		fail_msg("numa=fake=%s: %s", opt, b.err);
	for (unsigned int i = 0; i < n; i++) {
		at = kmm_test_find_line(b.t, (unsigned int)at, want[i]);
		if (at < 0)
			fail_msg("numa=fake=%s: missing '%s'\n%s", opt, want[i], kmm_test_log_text(b.t));
	}
	assert_true(kmm_boot_validate(b.m));
	free(b.m);
	kmm_test_env_free(b.t);
}

/*
 * numa_emulation() on pc-2G (RAM 0x1000-0x9efff, 0x100000-0x7ffdffff: 98
 * pages of holes below 0x7ffe0000), derived by hand from Linux's rules:
 * - =512M: each node needs 512M present, so node 0 grows by one 32M step
 *   past the holes (544M); node 2 takes the rest (480M would be too little).
 * - =3: 174719 pages each, cut to 672M, no "big" nodes; node 0 grows to
 *   704M and node 1 takes the rest, because 671.9M < 672M would be left:
 *   only two nodes.
 * - =3U: 682M per node ignoring holes, below the 32M-aligned minimum, so
 *   704M each ("too small, increasing"), the last node gets 639M.
 * Every pfn finds its zone although nodes share 128M sections.
 */
static void numa_fake_forms(void **state)
{
	static const char *const size512[] = {
		"Faking node 0 at [mem 0x0000000000000000-0x0000000021ffffff] (544MB)",
		"Faking node 1 at [mem 0x0000000022000000-0x0000000041ffffff] (512MB)",
		"Faking node 2 at [mem 0x0000000042000000-0x000000007ffdffff] (991MB)",
		"NUMA: Initialized distance table, cnt=3",
	};
	static const char *const three[] = {
		"Faking node 0 at [mem 0x0000000000000000-0x000000002bffffff] (704MB)",
		"Faking node 1 at [mem 0x000000002c000000-0x000000007ffdffff] (1343MB)",
		"NUMA: Initialized distance table, cnt=2",
	};
	static const char *const uniform3[] = {
		"Fake node size 682MB too small, increasing to 704MB",
		"Faking node 0 at [mem 0x0000000000000000-0x000000002bffffff] (704MB)",
		"Faking node 1 at [mem 0x000000002c000000-0x0000000057ffffff] (704MB)",
		"Faking node 2 at [mem 0x0000000058000000-0x000000007ffdffff] (639MB)",
	};

	(void)state;
	expect_numa_fake("512M", size512, 4);
	expect_numa_fake("3", three, 3);
	expect_numa_fake("3U", uniform3, 4);
}

static void booted_free(struct booted *b)
{
	free(b->m);
	kmm_test_env_free(b->t);
}

/*
 * After boot pfn_to_page() answers from the per-section memmap cache; on
 * pc-4G (sections on both sides of the PCI hole) every pfn's answer equals
 * the vmemmap page-table walk's, cached sections exist, and a pfn in the
 * hole has no page.
 */
static void memmap_cache_agrees_with_the_walk(void **state)
{
	struct booted b;
	unsigned long cached = 0;

	(void)state;
	boot_fixture(&b, "pc-4G", KMM_ARCH_X86_64, NULL);
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	for (unsigned long nr = 0; nr < KMM_SPARSE_MEMMAP_CACHE; nr++)
		cached += b.m->sparse.memmap_host[nr] != NULL;
	assert_true(cached >= 30);
	for (unsigned long pfn = 0; pfn < 0x140000; pfn += 4093) {
		u64 pa = kmm_pfn_has_memmap(b.m, pfn) ? kmm_pfn_to_page_phys(b.m, pfn) : 0;

		if (pa)
			assert_ptr_equal(kmm_pfn_to_page(b.m, pfn),
					 b.t->env.phys_to_virt(b.t->env.opaque, pa));
		else
			assert_null(kmm_pfn_to_page(b.m, pfn));
	}
	assert_null(kmm_pfn_to_page(b.m, 0xd0000));
	free(b.m);
	kmm_test_env_free(b.t);
}

/*
 * The zone and pageblock caches (section_zone[], usemap_host[]) give the
 * answers of the zone spans and the usemap walk: the same machine is asked
 * with the caches and with them cleared, every half pageblock and on both
 * sides of every zone's end.  With numa=fake=3 on pc-2G nodes end inside
 * sections: those sections are not cached (0) and still answer right.
 */
static u16 zone_save[KMM_SPARSE_MEMMAP_CACHE];
static u8 *usemap_save[KMM_SPARSE_MEMMAP_CACHE];

static void cached_answer_is_walked(struct kmm_machine *m, unsigned long pfn)
{
	struct kmm_zone *cz;
	enum kmm_migratetype cmt;

	memcpy(m->sparse.section_zone, zone_save, sizeof(zone_save));
	memcpy(m->sparse.usemap_host, usemap_save, sizeof(usemap_save));
	cz = kmm_pfn_zone(m, pfn);
	cmt = kmm_get_pageblock_migratetype(m, pfn);
	memset(m->sparse.section_zone, 0, sizeof(zone_save));
	memset(m->sparse.usemap_host, 0, sizeof(usemap_save));
	if (cz != kmm_pfn_zone(m, pfn) || cmt != kmm_get_pageblock_migratetype(m, pfn))
		fail_msg("pfn %#lx: cached zone %p type %d, walked %p %d", pfn, (void *)cz, cmt,
			 (void *)kmm_pfn_zone(m, pfn), kmm_get_pageblock_migratetype(m, pfn));
}

static void zone_and_pageblock_caches_agree(const char *cmdline, unsigned long max_pfn,
					    bool expect_shared)
{
	struct booted b;
	unsigned long shared = 0, zoned = 0;

	boot_fixture(&b, cmdline ? "pc-2G" : "pc-4G", KMM_ARCH_X86_64, cmdline);
	assert_int_equal(b.ret, 0);
	assert_int_equal(kmm_start_kernel_mm(b.m, b.err, sizeof(b.err)), 0);
	memcpy(zone_save, b.m->sparse.section_zone, sizeof(zone_save));
	memcpy(usemap_save, b.m->sparse.usemap_host, sizeof(usemap_save));
	for (unsigned long nr = 0; nr < (max_pfn >> KMM_PFN_SECTION_SHIFT); nr++) {
		zoned += zone_save[nr] != 0;
		shared += b.m->sparse.memmap_host[nr] && !zone_save[nr];
	}
	assert_true(zoned >= 10);
	if (expect_shared)
		assert_true(shared >= 1);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn += KMM_PAGEBLOCK_NR_PAGES / 2)
		cached_answer_is_walked(b.m, pfn);
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int zi = 0; zi < KMM_MAX_NR_ZONES; zi++) {
			const struct kmm_zone *z = &b.m->node[nid].zones[zi];
			unsigned long end = z->zone_start_pfn + z->spanned_pages;

			if (z->spanned_pages) {
				cached_answer_is_walked(b.m, end - 1);
				cached_answer_is_walked(b.m, end);
			}
		}
	memcpy(b.m->sparse.section_zone, zone_save, sizeof(zone_save));
	memcpy(b.m->sparse.usemap_host, usemap_save, sizeof(usemap_save));
	booted_free(&b);
}

static void section_caches_agree_with_the_walk(void **state)
{
	(void)state;
	zone_and_pageblock_caches_agree(NULL, 0x140000, false);
	zone_and_pageblock_caches_agree("console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr "
					"panic=-1 numa=fake=3",
					0x80000, true);
}


/*
 * Expect kmm's compared lines to be Linux's, one for one; with @stop, Linux's
 * lines before the first one starting with @stop and as many of kmm's.
 */
static void expect_linux_lines_in(const char *dir, const char *name, enum kmm_arch arch,
				  const struct booted *b, const char *stop)
{
	char file[256];
	struct lines want = { 0 }, got = { 0 };
	char *dmesg;
	unsigned int i;

	snprintf(file, sizeof(file), "%s-%s.dmesg", arch == KMM_ARCH_X86_64 ? "x86_64" : "i386",
		 name);
	dmesg = slurp_case(dir, file);
	linux_lines(dmesg, &want, stop);
	for (i = 0; i < b->t->nr_lines && (!stop || got.n < want.n); i++)
		if (compared(b->t->lines[i]))
			add_line(&got, b->t->lines[i]);
	for (i = 0; i < want.n && i < got.n; i++)
		if (strcmp(want.v[i], got.v[i]))
			fail_msg("%s line %u:\n  linux: %s\n  kmm:   %s", name, i, want.v[i], got.v[i]);
	if (want.n != got.n)
		fail_msg("%s: linux printed %u compared lines, kmm %u; next: %s", name, want.n,
			 got.n, i < want.n ? want.v[i] : got.v[i]);
	free_lines(&want);
	free_lines(&got);
	free(dmesg);
}

static void expect_linux_lines(const char *name, enum kmm_arch arch, const struct booted *b)
{
	expect_linux_lines_in("oracle", name, arch, b, NULL);
}

static void boot_case(const char *name, enum kmm_arch arch)
{
	struct booted b;

	boot_fixture(&b, name, arch, NULL);
	if (b.ret)
		fail_msg("%s: boot failed: %s", name, b.err);
	assert_true(memblock_validate(&b.m->memblock));
	expect_linux_lines(name, arch, &b);
	booted_free(&b);
}

/* Expect QEMU pc with 2 GiB to print Linux's e820, memblock calls, both dumps, zones,
 * resources, nosave regions, PCI gap and command-line copies, up to setup_percpu. */
static void boot_x86_64_pc_2G(void **state)
{
	boot_case("pc-2G", KMM_ARCH_X86_64);
}

/* Expect mem=1G to cut the map and leave the initrd reserved where it was. */
static void boot_x86_64_pc_2G_mem1G(void **state)
{
	boot_case("pc-2G-mem1G", KMM_ARCH_X86_64);
}

/* Expect memmap=exactmap to move the initrd into mapped RAM as Linux does,
 * and its hole at [1G, 1.5G) to be a nosave region. */
static void boot_x86_64_pc_2G_memmap_exactmap(void **state)
{
	boot_case("pc-2G-memmap-exactmap", KMM_ARCH_X86_64);
}

/* Expect memmap=64M$0x10000000 to punch a reserved (and nosave) hole into RAM. */
static void boot_x86_64_pc_2G_memmap_reserve(void **state)
{
	boot_case("pc-2G-memmap-reserve", KMM_ARCH_X86_64);
}

/* Expect RAM above 4G to need direct-map page tables from memblock (alloc_low_pages). */
static void boot_x86_64_pc_8G(void **state)
{
	boot_case("pc-8G", KMM_ARCH_X86_64);
}

/* Expect the 3G-4G PCI hole to be nosave and the PCI window to start at 3G. */
static void boot_x86_64_pc_4G(void **state)
{
	boot_case("pc-4G", KMM_ARCH_X86_64);
}

/* Expect crashkernel=256M below 4G, 16M aligned, before sparse_init. */
static void boot_x86_64_pc_4G_crashkernel256M(void **state)
{
	boot_case("pc-4G-crashkernel256M", KMM_ARCH_X86_64);
}

/* Expect q35's MMCONFIG and TSEG entries to shape the PCI gap (up to 0xfed1bfff). */
static void boot_x86_64_q35_2G(void **state)
{
	boot_case("q35-2G", KMM_ARCH_X86_64);
}

/* Expect two SRAT nodes without a SLIT: node 0's hole joined, NODE_DATA per node. */
static void boot_x86_64_numa2_2G(void **state)
{
	boot_case("numa2-2G", KMM_ARCH_X86_64);
}

/* Expect four SRAT nodes with a SLIT: the distance table placed in memblock. */
static void boot_x86_64_numa4_4G(void **state)
{
	boot_case("numa4-4G", KMM_ARCH_X86_64);
}

/* Expect numa=fake=2 to split 2 GiB into 1024 MB + 1023 MB nodes as Linux does. */
static void boot_x86_64_pc_2G_numa_fake2(void **state)
{
	boot_case("pc-2G-numa-fake2", KMM_ARCH_X86_64);
}

static void boot_x86_64_pc_512M(void **state)
{
	boot_case("pc-512M", KMM_ARCH_X86_64);
}

/*
 * QEMU pc, 2 GiB, booted by OVMF through the EFI stub with efi=debug:
 *
 *   0x7da16000       0x7da54000        0x7da5e000          0x7db5a000
 *   |e1000 ROM setup_data|stdvga ROM s.d.|initrd.............|   (Loader Data)
 *
 * Expect Linux's lines from the "BIOS-e820" table to the ACPI boot tables:
 * the EFI memory map reserved, the "extended physical RAM map" with both
 * setup_data ranges, the memory attributes table, the first dump, every
 * boot services region reserved except those already reserved (page 0, the
 * memory attributes table's page), then the rest of setup_arch up to where
 * Linux reserves the BGRT logo, whose address only its table in firmware
 * memory gives.
 */
static void boot_x86_64_uefi_pc_2G(void **state)
{
	struct booted b;

	boot_fixture_in(&b, "uefi", "uefi-pc-2G", KMM_ARCH_X86_64, NULL);
	if (b.ret)
		fail_msg("uefi-pc-2G: boot failed: %s", b.err);
	assert_true(memblock_validate(&b.m->memblock));
	expect_linux_lines_in("uefi", "uefi-pc-2G", KMM_ARCH_X86_64, &b,
			      "memblock_phys_alloc_range: 5952 bytes");
	booted_free(&b);
}

/* Expect the 686-pae kernel (no NUMA) to report 1167MB HIGHMEM / 879MB LOWMEM,
 * allocate its FLATMEM memmap and the 32-bit resource sizes (49, 51, 40, 64, 16). */
static void boot_i386_pc_2G(void **state)
{
	boot_case("pc-2G", KMM_ARCH_I386);
}

/* Expect a machine below the lowmem limit to report 0MB HIGHMEM. */
static void boot_i386_pc_256M(void **state)
{
	boot_case("pc-256M", KMM_ARCH_I386);
}

/* ------------------------------------------------------------ setup_arch's rules */

static void expect_line(const struct booted *b, const char *line)
{
	if (kmm_test_find_line(b->t, 0, line) < 0)
		fail_msg("missing line '%s' in:\n%s", line, kmm_test_log_text(b->t));
}

static unsigned int count_prefix(const struct booted *b, const char *prefix)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < b->t->nr_lines; i++)
		n += !strncmp(b->t->lines[i], prefix, strlen(prefix));
	return n;
}

/*
 * crashkernel=256M,high on 4 GiB (RAM [1M, 3G) and [4G, 5G)):
 *
 *   0      3G     4G             5G
 *   |RAM...|  PCI |RAM...........|
 *                        ^ 256M high, 16M aligned below NODE_DATA
 *      ^ 256M low for DMA (swiotlb + 8M, at least 256M)
 *
 * Expect the high region at 4848MB and the low one at 2800MB, low first in
 * the log (it is reserved before the high region is reported).
 */
static void crashkernel_high_takes_low_memory_too(void **state)
{
	struct booted b;

	boot_fixture(&b, "pc-4G", KMM_ARCH_X86_64,
		     "console=ttyS0 nokaslr memblock=debug crashkernel=256M,high");
	assert_int_equal(b.ret, 0);
	expect_line(&b, "Reserving 256MB of low memory at 2800MB for crashkernel (low RAM limit: 4095MB)");
	expect_line(&b, "Reserving 256MB of memory at 4848MB for crashkernel (System RAM: 4095MB)");
	assert_true(memblock_is_region_reserved(&b.m->memblock, 0x12f000000ULL, 256ULL << 20));
	assert_true(memblock_is_region_reserved(&b.m->memblock, 0xaf000000ULL, 256ULL << 20));
	booted_free(&b);
}

/* Expect a crash kernel larger than any free range to be refused, not fatal. */
static void crashkernel_too_large_is_reported(void **state)
{
	struct booted b;

	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64,
		     "console=ttyS0 nokaslr memblock=debug crashkernel=4G");
	assert_int_equal(b.ret, 0);
	expect_line(&b, "crashkernel reservation failed - No suitable area found.");
	assert_int_equal(count_prefix(&b, "Reserving "), 0);
	booted_free(&b);
}

/* Expect crashkernel=64M@16M (where the kernel image is) to be refused. */
static void crashkernel_fixed_base_in_use(void **state)
{
	struct booted b;

	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64,
		     "console=ttyS0 nokaslr memblock=debug crashkernel=64M@16M");
	assert_int_equal(b.ret, 0);
	expect_line(&b, "crashkernel reservation failed - memory is in use.");
	assert_int_equal(count_prefix(&b, "Reserving "), 0);
	booted_free(&b);
}

/*
 * ZONE_DMA's reserve is what memory below 16M has that memblock does not
 * have free: on pc-2G [4K, 636K) and [1M, 16M) minus the free pages there.
 * Expect the pages below 1M (all reserved by setup_arch) plus nothing else:
 * 158 pages of [4K, 636K) and 0 of [1M, 16M), which is all free.
 */
static void dma_reserve_counts_used_pages_below_16M(void **state)
{
	struct booted b;

	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64, NULL);
	assert_int_equal(b.ret, 0);
	assert_int_equal(b.m->dma_reserve, 0x9e);
	booted_free(&b);
}

/* Expect both copies of the command line in memblock memory, 77 bytes each. */
static void setup_command_line_copies_twice(void **state)
{
	static const char cmdline[] =
		"console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug panic=-1";
	struct booted b;
	unsigned int found = 0;

	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64, NULL);
	assert_int_equal(b.ret, 0);
	/* the last two reservations are the copies: check what they hold */
	for (unsigned int i = b.t->nr_lines; i-- > 0 && found < 2;) {
		unsigned long long start, end;
		const char *va;

		if (sscanf(b.t->lines[i], "memblock_reserve: [%llx-%llx]", &start, &end) != 2)
			continue;
		assert_int_equal(end - start + 1, sizeof(cmdline));
		va = b.t->env.phys_to_virt(b.t->env.opaque, start);
		assert_non_null(va);
		assert_string_equal(va, cmdline);
		found++;
	}
	assert_int_equal(found, 2);
	assert_int_equal(count_prefix(&b, "memblock_alloc_try_nid: 77 bytes align=0x40 nid=-1"), 2);
	booted_free(&b);
}

/* Expect setup_command_line to fail as Linux panics when memblock is full. */
static void setup_command_line_without_memory(void **state)
{
	struct booted b;
	char err[256] = "";

	boot_fixture(&b, "pc-2G", KMM_ARCH_X86_64, NULL);
	assert_int_equal(b.ret, 0);
	assert_int_equal(memblock_reserve(&b.m->memblock, 0, memblock_end_of_DRAM(&b.m->memblock)),
			 0);
	assert_int_equal(kmm_start_kernel_early(b.m, err, sizeof(err)), -KMM_ENOMEM);
	assert_string_equal(err, "setup_command_line: Failed to allocate 77 bytes");
	booted_free(&b);
}

/*
 * Boot the Debian x86_64 kernel on the firmware map @table (plain
 * "0xSTART 0xSIZE TYPE" lines) with memblock=debug; no ACPI, no initrd.
 */
static void boot_table(struct booted *b, const char *table)
{
	char *map = slurp("x86_64.System.map"), *cfg = slurp("x86_64.config");

	b->t = kmm_test_env_new(TEST_PHYS);
	b->m = calloc(1, sizeof(*b->m));
	b->err[0] = '\0';
	assert_non_null(b->m);
	kmm_machine_init(b->m, KMM_ARCH_X86_64, &b->t->env);
	assert_int_equal(kmm_kernel_parse_config(&b->m->kernel, cfg, b->err, sizeof(b->err)), 0);
	assert_int_equal(kmm_kernel_parse_system_map(&b->m->kernel, map, b->err, sizeof(b->err)),
			 0);
	assert_int_equal(kmm_cmdline_parse(&b->m->cmdline, "nokaslr memblock=debug", b->err,
					   sizeof(b->err)), 0);
	b->ret = kmm_x86_setup_arch(b->m, table, b->err, sizeof(b->err));
	if (!b->ret)
		b->ret = kmm_x86_setup_memory(b->m, b->err, sizeof(b->err));
	free(map);
	free(cfg);
}

/*
 * Nosave regions are the holes between RAM entries, widened to pages; a
 * hole that starts on the page where the previous one ended extends it:
 *
 *   1M      2M        3M+2K 3M+4K   4M
 *   |RAM....|  hole   |RAM..|  hole  |RAM...
 *            [0x200, 0x301)  [0x301, 0x400)  pfns
 *
 * Expect four "Registered nosave memory" lines but three allocations (the
 * last hole extends the one before).
 */
static void nosave_adjacent_holes_share_a_region(void **state)
{
	struct booted b;

	boot_table(&b, "0x0 0x9fc00 usable\n0x9fc00 0x400 reserved\n0xf0000 0x10000 reserved\n"
		       "0x100000 0x100000 usable\n0x300800 0x800 usable\n"
		       "0x400000 0x7fbe0000 usable\n0x7ffe0000 0x20000 reserved\n");
	if (b.ret)
		fail_msg("boot failed: %s", b.err);
	expect_line(&b, "PM: hibernation: Registered nosave memory: [mem 0x00000000-0x00000fff]");
	expect_line(&b, "PM: hibernation: Registered nosave memory: [mem 0x0009f000-0x000fffff]");
	expect_line(&b, "PM: hibernation: Registered nosave memory: [mem 0x00200000-0x00300fff]");
	expect_line(&b, "PM: hibernation: Registered nosave memory: [mem 0x00301000-0x003fffff]");
	assert_int_equal(count_prefix(&b, "PM: hibernation: Registered nosave memory: "), 4);
	assert_int_equal(count_prefix(&b, "memblock_alloc_try_nid: 32 bytes align=0x40"), 3);
	expect_line(&b, "[mem 0x80000000-0xffffffff] available for PCI devices");
	booted_free(&b);
}

/*
 * No hole of 4M below 4G:
 *
 *   0   640K  1M                          4G-1M  4G
 *   |RAM|rsvd |RAM........................|rsvd  |
 *
 * Expect x86_64 to complain and put the PCI window 1M above the end of RAM.
 */
static void pci_gap_missing_goes_above_ram(void **state)
{
	struct booted b;

	boot_table(&b, "0x0 0x9fc00 usable\n0x9fc00 0x400 reserved\n0xf0000 0x10000 reserved\n"
		       "0x100000 0xffe00000 usable\n0xfff00000 0x100000 reserved\n");
	if (b.ret)
		fail_msg("boot failed: %s", b.err);
	expect_line(&b, "Cannot find an available gap in the 32-bit address range");
	expect_line(&b, "PCI devices with unassigned 32-bit BARs may not work!");
	expect_line(&b, "[mem 0x100000000-0x1003fffff] available for PCI devices");
	booted_free(&b);
}

/* ------------------------------------------------------------ bad input */

struct bad_boot {
	const char *dmesg;
	const char *cmdline;
	const char *map;
	int stage; /* 0 system map, 1 bootlog, 2 cmdline, 3 setup_arch */
	int ret;
	const char *err;
};

static void run_bad(const struct bad_boot *b)
{
	struct kmm_test_env *t = kmm_test_env_new(8ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char err[512] = "";
	char *cfg = slurp("x86_64.config");
	char *map = b->map ? strdup(b->map) : slurp("x86_64.System.map");
	int ret;

	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_kernel_parse_config(&m->kernel, cfg, err, sizeof(err)), 0);
	ret = kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err));
	if (b->stage > 0) {
		assert_int_equal(ret, 0);
		ret = kmm_bootlog_parse(&m->boot, b->dmesg, err, sizeof(err));
	}
	if (b->stage > 1) {
		assert_int_equal(ret, 0);
		ret = kmm_cmdline_parse(&m->cmdline, b->cmdline, err, sizeof(err));
	}
	if (b->stage > 2) {
		assert_int_equal(ret, 0);
		ret = kmm_x86_setup_arch(m, b->dmesg, err, sizeof(err));
	}
	assert_int_equal(ret, b->ret);
	assert_string_equal(err, b->err);
	free(cfg);
	free(map);
	free(m);
	kmm_test_env_free(t);
}

static const char good_map[] = "ffffffff81000000 T _text\nffffffff84400000 B __brk_base\n"
			       "ffffffff84430000 B _end\n";

/* Expect a System.map without _text to be refused by name. */
static void bad_system_map_missing_text(void **state)
{
	struct bad_boot b = { .map = "ffffffff84430000 B _end\n", .stage = 0, .ret = -KMM_ENOENT,
			      .err = "System.map: symbol _text not found" };

	run_bad(&b);
}

/* Expect a garbled System.map line to be named. */
static void bad_system_map_line(void **state)
{
	struct bad_boot b = { .map = "ffffffff81000000 T _text\nzz T _end\n", .stage = 0,
			      .ret = -KMM_EPARSE,
			      .err = "System.map line 2: expected 'ADDRESS TYPE NAME': 'zz T _end'" };

	run_bad(&b);
}

/* Expect a RAMDISK line with a bad range to be rejected with its line number. */
static void bad_bootlog_ramdisk(void **state)
{
	struct bad_boot b = { .map = good_map, .dmesg = "Linux version x\nRAMDISK: [mem 0x2000-0x1000]\n",
			      .stage = 1, .ret = -KMM_EPARSE,
			      .err = "dmesg line 2: malformed RAMDISK line: 'RAMDISK: [mem 0x2000-0x1000]'" };

	run_bad(&b);
}

/* Expect an SRAT line with a missing range to be rejected. */
static void bad_bootlog_srat(void **state)
{
	struct bad_boot b = { .map = good_map,
			      .dmesg = "[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x0-]\n",
			      .stage = 1, .ret = -KMM_EPARSE,
			      .err = "dmesg line 1: malformed SRAT memory affinity: '[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x0-]'" };

	run_bad(&b);
}

/* Expect a boot log without any firmware map to stop the boot. */
static void bad_no_firmware_map(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(1ULL << 30);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char err[512] = "";

	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, good_map, err, sizeof(err)), 0);
	assert_int_equal(kmm_x86_setup_arch(m, "[    0.000000] Linux version x\n", err,
					    sizeof(err)), -KMM_ENOENT);
	assert_string_equal(err, "no e820 entries found");
	free(m);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_x86_64_pc_2G),
		cmocka_unit_test(boot_x86_64_pc_2G_mem1G),
		cmocka_unit_test(boot_x86_64_pc_2G_memmap_exactmap),
		cmocka_unit_test(boot_x86_64_pc_2G_memmap_reserve),
		cmocka_unit_test(boot_x86_64_pc_512M),
		cmocka_unit_test(boot_x86_64_pc_4G),
		cmocka_unit_test(boot_x86_64_pc_4G_crashkernel256M),
		cmocka_unit_test(boot_x86_64_pc_8G),
		cmocka_unit_test(boot_x86_64_q35_2G),
		cmocka_unit_test(boot_x86_64_numa2_2G),
		cmocka_unit_test(boot_x86_64_numa4_4G),
		cmocka_unit_test(boot_x86_64_pc_2G_numa_fake2),
		cmocka_unit_test(boot_x86_64_uefi_pc_2G),
		cmocka_unit_test(boot_i386_pc_2G),
		cmocka_unit_test(boot_i386_pc_256M),
		cmocka_unit_test(crashkernel_high_takes_low_memory_too),
		cmocka_unit_test(crashkernel_too_large_is_reported),
		cmocka_unit_test(crashkernel_fixed_base_in_use),
		cmocka_unit_test(dma_reserve_counts_used_pages_below_16M),
		cmocka_unit_test(nosave_adjacent_holes_share_a_region),
		cmocka_unit_test(pci_gap_missing_goes_above_ram),
		cmocka_unit_test(setup_command_line_copies_twice),
		cmocka_unit_test(setup_command_line_without_memory),
		cmocka_unit_test(bad_system_map_missing_text),
		cmocka_unit_test(bad_system_map_line),
		cmocka_unit_test(bad_bootlog_ramdisk),
		cmocka_unit_test(bad_bootlog_srat),
		cmocka_unit_test(bad_no_firmware_map),
		cmocka_unit_test(late_x86_64_pc_4G),
		cmocka_unit_test(late_x86_64_crashkernel),
		cmocka_unit_test(late_i386_pc_4G),
		cmocka_unit_test(swiotlb_options),
		cmocka_unit_test(uefi_boot_services_freed_late),
		cmocka_unit_test(numa_fake_forms),
		cmocka_unit_test(memmap_cache_agrees_with_the_walk),
		cmocka_unit_test(section_caches_agree_with_the_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
