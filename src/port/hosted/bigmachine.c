// SPDX-License-Identifier: MIT
/*
 * bigmachine.c - synthetic QEMU pc machines of any size (see bigmachine.h
 * for the physical map and where its facts come from).
 *
 * kmm_bigmachine_layout() does all the arithmetic; the text writers only
 * print the layout in Linux's formats, so a test can compare what kmm
 * booted with the same layout the inputs were made from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/error.h>

#include <kmm/bigmachine.h>

#define SZ_1M (1ULL << 20)
#define SZ_4G (1ULL << 32)
#define PCI_HOLE_START 0xc0000000ULL   /* low RAM ends here once R >= 3.5 GiB */
#define LOWMEM_ALL_BELOW 0xe0000000ULL /* below this much RAM, all of it is low */
#define ACPI_AREA 0x20000ULL	       /* SeaBIOS keeps its ACPI tables in the top 128 KiB */
#define EBDA_START 0x9fc00ULL
#define HOLE_640K_START 0xa0000ULL
#define BIOS_START 0xf0000ULL
#define ROM_START 0xfffc0000ULL
#define HT_START 0xfd00000000ULL /* AMD HyperTransport window, up to 1 TiB */
#define HT_END (1ULL << 40)
#define RAM_MAX (60ULL << 40)
#define DEFAULT_CMDLINE "console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr panic=-1"
#define LINUX_VERSION                                                                    \
	"Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian " \
	"12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP "      \
	"PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"

static void bm_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bm_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* the spec's fields with defaults applied, or -KMM_EINVAL */
static int check_spec(const struct kmm_bigmachine *s, unsigned int *nodes, unsigned int *cpus,
		      char *err, size_t errlen)
{
	*nodes = s->nr_nodes ? s->nr_nodes : 1;
	*cpus = s->nr_cpus ? s->nr_cpus : *nodes;
	if (*nodes > KMM_BIGMACHINE_MAX_NODES) {
		bm_err(err, errlen, "nr_nodes %u above %d", *nodes, KMM_BIGMACHINE_MAX_NODES);
		return -KMM_EINVAL;
	}
	if (*cpus < *nodes || *cpus > KMM_BIGMACHINE_MAX_CPUS) {
		bm_err(err, errlen, "nr_cpus %u not in [nr_nodes %u, %d]", *cpus, *nodes,
		       KMM_BIGMACHINE_MAX_CPUS);
		return -KMM_EINVAL;
	}
	if (s->ram % (*nodes * SZ_1M) || s->ram / *nodes < 64 * SZ_1M || s->ram > RAM_MAX) {
		bm_err(err, errlen,
		       "ram %#llx is not %u nodes of whole MiB, >= 64 MiB each, <= 60 TiB",
		       (unsigned long long)s->ram, *nodes);
		return -KMM_EINVAL;
	}
	return 0;
}

/* physical address of byte @off of the RAM laid end to end */
static u64 ram_offset_to_phys(const struct kmm_bigmachine_layout *l, u64 off)
{
	return off < l->low_ram ? off : SZ_4G + (off - l->low_ram);
}

static void add_srat(struct kmm_bigmachine_layout *l, unsigned int node, u64 start, u64 end)
{
	if (start < end)
		l->srat[l->nr_srat++] = (struct kmm_bigmachine_srat){ node, start, end };
}

/*
 * One node's slice [off, off + size) of the RAM laid end to end, as SRAT
 * entries: cut where the 640 KiB-1 MiB legacy hole and the PCI hole fall.
 */
static void node_srat(struct kmm_bigmachine_layout *l, unsigned int node, u64 off, u64 size)
{
	u64 end = off + size;

	l->node_start[node] = ram_offset_to_phys(l, off);
	l->node_end[node] = ram_offset_to_phys(l, end - 1) + 1;
	if (off < HOLE_640K_START) {
		add_srat(l, node, off, HOLE_640K_START);
		off = SZ_1M;
	}
	if (off < l->low_ram && end > l->low_ram) {
		add_srat(l, node, off, l->low_ram);
		off = l->low_ram;
	}
	add_srat(l, node, ram_offset_to_phys(l, off), l->node_end[node]);
}

int kmm_bigmachine_layout(const struct kmm_bigmachine *spec, struct kmm_bigmachine_layout *l,
			  char *err, size_t errlen)
{
	unsigned int nodes, cpus;
	u64 per_node, initrd_limit;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = check_spec(spec, &nodes, &cpus, err, errlen);
	if (ret)
		return ret;
	l->nr_nodes = nodes;
	l->nr_cpus = cpus;
	l->low_ram = spec->ram < LOWMEM_ALL_BELOW ? spec->ram : PCI_HOLE_START;
	l->high_ram = spec->ram - l->low_ram;
	l->acpi_base = l->low_ram - ACPI_AREA;
	l->phys_end = l->high_ram ? SZ_4G + l->high_ram : SZ_4G;
	l->ht_window = l->phys_end <= HT_START;
	if (l->ht_window)
		l->phys_end = HT_END;

	per_node = spec->ram / nodes;
	for (unsigned int n = 0; n < nodes; n++)
		node_srat(l, n, n * per_node, per_node);
	for (unsigned int c = 0; c < cpus; c++)
		l->cpu_node[c] = c * nodes / cpus;

	/* QEMU's loader: the initrd ends at the last page below the ACPI tables */
	initrd_limit = l->acpi_base - 1;
	if (spec->initrd_size >= initrd_limit - 16 * SZ_1M) {
		bm_err(err, errlen, "initrd_size %#llx does not fit below %#llx",
		       (unsigned long long)spec->initrd_size, (unsigned long long)l->acpi_base);
		return -KMM_EINVAL;
	}
	if (spec->initrd_size) {
		l->initrd_start = (initrd_limit - spec->initrd_size) & ~0xfffULL;
		l->initrd_end = (l->initrd_start + spec->initrd_size + 0xfff) & ~0xfffULL;
	}
	return 0;
}

/* a growable text buffer; @failed sticks once an allocation failed */
struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (t->failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
		char *nb = realloc(t->buf, cap);

		if (!nb) {
			t->failed = true;
			return;
		}
		t->buf = nb;
		t->cap = cap;
	}
}

static int text_finish(struct text *t, char **out, char *err, size_t errlen)
{
	if (t->failed || !t->buf) {
		free(t->buf);
		bm_err(err, errlen, "out of memory");
		return -KMM_ENOMEM;
	}
	*out = t->buf;
	return 0;
}

#define TS "[    0.000000] "

static void put_e820(struct text *t, u64 start, u64 end, const char *type)
{
	put(t, TS "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)start,
	    (unsigned long long)end - 1, type);
}

static void put_e820_map(struct text *t, const struct kmm_bigmachine_layout *l)
{
	put(t, TS "BIOS-provided physical RAM map:\n");
	put_e820(t, 0, EBDA_START, "usable");
	put_e820(t, EBDA_START, HOLE_640K_START, "reserved");
	put_e820(t, BIOS_START, SZ_1M, "reserved");
	put_e820(t, SZ_1M, l->acpi_base, "usable");
	put_e820(t, l->acpi_base, l->low_ram, "reserved");
	put_e820(t, ROM_START, SZ_4G, "reserved");
	if (l->high_ram)
		put_e820(t, SZ_4G, SZ_4G + l->high_ram, "usable");
	if (l->ht_window)
		put_e820(t, HT_START, HT_END, "reserved");
}

struct acpi_table {
	const char *sig;
	u64 len;
	u64 addr;
};

/*
 * SeaBIOS's table order and QEMU's table lengths (see bigmachine.h).  The
 * RSDT lists every table but FACS and DSDT (reached through FACP).
 */
static unsigned int acpi_tables(const struct kmm_bigmachine_layout *l, struct acpi_table *t)
{
	bool numa = l->nr_nodes > 1;
	unsigned int n = 0, listed;
	u64 addr = l->acpi_base;

	t[n++] = (struct acpi_table){ "FACS", 0x40, 0 };
	t[n++] = (struct acpi_table){ "DSDT",
				      0x194c + 83 * (l->nr_cpus - 1) + (numa ? 8 * l->nr_cpus : 0),
				      0 };
	t[n++] = (struct acpi_table){ "FACP", 0x74, 0 };
	t[n++] = (struct acpi_table){ "APIC", 112 + 8 * l->nr_cpus, 0 };
	t[n++] = (struct acpi_table){ "HPET", 0x38, 0 };
	if (numa) {
		t[n++] = (struct acpi_table){ "SRAT", 48 + 16 * l->nr_cpus + 40 * (l->nr_nodes + 2),
					      0 };
		t[n++] = (struct acpi_table){ "SLIT", 44 + l->nr_nodes * l->nr_nodes, 0 };
	}
	t[n++] = (struct acpi_table){ "WAET", 0x28, 0 };
	listed = n - 2;
	t[n++] = (struct acpi_table){ "RSDT", 36 + 4 * listed, 0 };
	for (unsigned int i = 0; i < n; i++) {
		t[i].addr = addr;
		addr += t[i].len;
	}
	return n;
}

/* Linux's acpi_tb_print_table_header() lines, in RSDT order, then the reservations */
static void put_acpi(struct text *t, const struct kmm_bigmachine_layout *l)
{
	static const char *const order[] = { "RSDT", "FACP", "DSDT", "FACS", "APIC",
					     "HPET", "SRAT", "SLIT", "WAET" };
	static const char oem[] = "(v01 BOCHS  BXPC     00000001 BXPC 00000001)";
	struct acpi_table tab[16];
	unsigned int n = acpi_tables(l, tab);

	/* SeaBIOS puts the RSDP 0x20 lower once RAM reaches the PCI hole */
	put(t, TS "ACPI: RSDP 0x00000000000F59%c0 000014 (v00 BOCHS )\n",
	    l->low_ram == PCI_HOLE_START ? 'B' : 'D');
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		for (unsigned int i = 0; i < n; i++) {
			if (strcmp(tab[i].sig, order[o]))
				continue;
			put(t, TS "ACPI: %s 0x%016llX %06llX%s%s\n", tab[i].sig,
			    (unsigned long long)tab[i].addr, (unsigned long long)tab[i].len,
			    strcmp(tab[i].sig, "FACS") ? " " : "",
			    strcmp(tab[i].sig, "FACS") ? oem : "");
		}
	}
	/* acpi_reserve_initial_tables(): every table but the RSDT, in RSDT order */
	for (size_t o = 1; o < sizeof(order) / sizeof(order[0]); o++) {
		for (unsigned int i = 0; i < n; i++) {
			if (strcmp(tab[i].sig, order[o]))
				continue;
			put(t, TS "ACPI: Reserving %s table memory at [mem %#llx-%#llx]\n",
			    tab[i].sig, (unsigned long long)tab[i].addr,
			    (unsigned long long)(tab[i].addr + tab[i].len - 1));
		}
	}
}

static void put_srat(struct text *t, const struct kmm_bigmachine_layout *l)
{
	for (unsigned int c = 0; c < l->nr_cpus; c++)
		put(t, TS "SRAT: PXM %u -> APIC 0x%02x -> Node %u\n", l->cpu_node[c], c,
		    l->cpu_node[c]);
	for (unsigned int i = 0; i < l->nr_srat; i++)
		put(t, TS "ACPI: SRAT: Node %u PXM %u [mem 0x%08llx-0x%08llx]\n", l->srat[i].node,
		    l->srat[i].node, (unsigned long long)l->srat[i].start,
		    (unsigned long long)l->srat[i].end - 1);
}

int kmm_bigmachine_dmesg(const struct kmm_bigmachine *spec, char **out, char *err, size_t errlen)
{
	struct kmm_bigmachine_layout *l = malloc(sizeof(*l));
	struct text t = { 0 };
	int ret;

	*out = NULL;
	if (!l) {
		bm_err(err, errlen, "out of memory");
		return -KMM_ENOMEM;
	}
	ret = kmm_bigmachine_layout(spec, l, err, errlen);
	if (ret) {
		free(l);
		return ret;
	}
	put(&t, TS LINUX_VERSION "\n");
	put(&t, TS "Command line: %s\n", spec->cmdline ? spec->cmdline : DEFAULT_CMDLINE);
	put_e820_map(&t, l);
	put(&t, TS "found SMP MP-table at [mem 0x000f5ba0-0x000f5baf]\n");
	if (l->initrd_end > l->initrd_start)
		put(&t, TS "RAMDISK: [mem %#010llx-%#010llx]\n",
		    (unsigned long long)l->initrd_start, (unsigned long long)l->initrd_end - 1);
	put_acpi(&t, l);
	if (l->nr_nodes > 1)
		put_srat(&t, l);
	put(&t, TS "smpboot: Allowing %u CPUs, 0 hotplug CPUs\n", l->nr_cpus);
	free(l);
	return text_finish(&t, out, err, errlen);
}

int kmm_bigmachine_slit(const struct kmm_bigmachine *spec, char **out, char *err, size_t errlen)
{
	unsigned int nodes, cpus;
	struct text t = { 0 };
	int ret;

	*out = NULL;
	ret = check_spec(spec, &nodes, &cpus, err, errlen);
	if (ret)
		return ret;
	for (unsigned int a = 0; a < nodes; a++)
		for (unsigned int b = 0; b < nodes; b++)
			put(&t, "%u%c", a == b ? 10u : 20u, b + 1 < nodes ? ' ' : '\n');
	return text_finish(&t, out, err, errlen);
}
