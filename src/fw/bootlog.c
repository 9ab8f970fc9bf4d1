// SPDX-License-Identifier: MIT
/*
 * bootlog.c - read firmware/boot-loader facts from a real boot log; see
 * kmm/bootlog.h.  Each recognised line has a small matcher; a recognised
 * prefix followed by text that does not parse is an error naming the line.
 */
#include <kmm/bootlog.h>
#include <kmm/error.h>
#include <kmm/lib.h>

const char *kmm_bootlog_strip_timestamp(const char *line)
{
	const char *p = line;

	if (*p != '[')
		return line;
	p++;
	while (*p == ' ')
		p++;
	while (kmm_isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (*p != ']')
		return line;
	p++;
	if (*p == ' ')
		p++;
	return p;
}

static bool starts(const char *s, const char *prefix)
{
	return kmm_strncmp(s, prefix, kmm_strlen(prefix)) == 0;
}

/* parse "0xHEX" or "HEX"; advance *p; false when no digit */
static bool hexnum(const char **p, u64 *out)
{
	const char *e;
	bool ovf;

	*out = kmm_strtoull(*p, &e, 16, &ovf);
	if (e == *p || ovf)
		return false;
	*p = e;
	return true;
}

static bool decnum(const char **p, u64 *out)
{
	const char *e;
	bool ovf;

	*out = kmm_strtoull(*p, &e, 10, &ovf);
	if (e == *p || ovf)
		return false;
	*p = e;
	return true;
}

static bool lit(const char **p, const char *s)
{
	size_t n = kmm_strlen(s);

	if (kmm_strncmp(*p, s, n) != 0)
		return false;
	*p += n;
	return true;
}

/* "[mem 0xA-0xB]" */
static bool mem_range(const char **p, u64 *a, u64 *b)
{
	return lit(p, "[mem ") && hexnum(p, a) && lit(p, "-") && hexnum(p, b) && lit(p, "]") &&
	       *b >= *a;
}

static void copy_line(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	kmm_memcpy(dst, src, len);
	dst[len] = '\0';
}

struct ctx {
	struct kmm_bootlog *b;
	char *err;
	size_t errlen;
	unsigned int line;
	const char *text;
	size_t len;
};

static int bad(struct ctx *c, const char *what)
{
	kmm_snprintf(c->err, c->errlen, "dmesg line %u: %s: '%.*s'", c->line, what, (int)c->len,
		     c->text);
	return -KMM_EPARSE;
}

static int full(struct ctx *c, const char *what)
{
	kmm_snprintf(c->err, c->errlen, "dmesg line %u: too many %s", c->line, what);
	return -KMM_EOVERFLOW;
}

static int parse_acpi(struct ctx *c, const char *p)
{
	struct kmm_bootlog *b = c->b;
	struct kmm_acpi_table *t;
	u64 addr, len;
	char sig[5];

	/* "ACPI: SIG 0xADDR LEN (...)" ; RSDP has no trailing table header */
	for (int i = 0; i < 4; i++) {
		if (!p[i] || p[i] == ' ')
			return 0; /* not a table line (e.g. "ACPI: Early table ...") */
		sig[i] = p[i];
	}
	sig[4] = '\0';
	p += 4;
	if (!lit(&p, " 0x"))
		return 0;
	if (!hexnum(&p, &addr) || !lit(&p, " ") || !hexnum(&p, &len))
		return bad(c, "malformed ACPI table line");
	if (b->nr_acpi >= KMM_BOOTLOG_MAX_ACPI)
		return full(c, "ACPI tables");
	t = &b->acpi[b->nr_acpi++];
	kmm_memcpy(t->sig, sig, 5);
	t->addr = addr;
	t->len = len;
	return 0;
}

static int parse_srat(struct ctx *c, const char *p)
{
	struct kmm_bootlog *b = c->b;
	struct kmm_srat_mem *s;
	u64 node, pxm, a, e;

	if (!decnum(&p, &node) || !lit(&p, " PXM ") || !decnum(&p, &pxm) || !lit(&p, " ") ||
	    !mem_range(&p, &a, &e))
		return bad(c, "malformed SRAT memory affinity");
	if (b->nr_srat >= KMM_BOOTLOG_MAX_SRAT)
		return full(c, "SRAT entries");
	s = &b->srat[b->nr_srat++];
	s->node = (int)node;
	s->pxm = (int)pxm;
	s->start = a;
	s->end = e;
	s->hotplug = kmm_strchr(p, 'h') && starts(p, " hotplug");
	return 0;
}

static int parse_efi_mem(struct ctx *c, const char *p)
{
	struct kmm_bootlog *b = c->b;
	struct kmm_efi_mem *m;
	const char *bar, *close;
	u64 a, e;

	/* "memNN: [Type        |attr|...] range=[0xA-0xB] (NMB)" */
	while (kmm_isdigit((unsigned char)*p))
		p++;
	if (!lit(&p, ": ["))
		return bad(c, "malformed EFI memory map entry");
	bar = kmm_strchr(p, '|');
	close = kmm_strchr(p, ']');
	if (!bar || !close || bar > close)
		return bad(c, "malformed EFI memory map entry");
	if (b->nr_efi >= KMM_BOOTLOG_MAX_EFI)
		return full(c, "EFI memory map entries");
	m = &b->efi_mem[b->nr_efi];
	copy_line(m->type, sizeof(m->type), p, (size_t)(bar - p));
	for (size_t n = kmm_strlen(m->type); n && m->type[n - 1] == ' '; n--)
		m->type[n - 1] = '\0';
	copy_line(m->attrs, sizeof(m->attrs), bar + 1, (size_t)(close - bar - 1));
	p = close + 1;
	if (!lit(&p, " range=[") || !hexnum(&p, &a) || !lit(&p, "-") || !hexnum(&p, &e) ||
	    !lit(&p, "]") || e < a)
		return bad(c, "malformed EFI memory map range");
	m->start = a;
	m->end = e;
	b->nr_efi++;
	return 0;
}

static int parse_line(struct ctx *c, const char *p)
{
	struct kmm_bootlog *b = c->b;
	const char *q;
	u64 a, e, n;

	if (starts(p, "Linux version ")) {
		copy_line(b->linux_version, sizeof(b->linux_version), p,
			  c->len - (size_t)(p - c->text));
		b->have_version = true;
	} else if (starts(p, "Command line: ")) {
		q = p + 14;
		copy_line(b->cmdline, sizeof(b->cmdline), q, c->len - (size_t)(q - c->text));
		b->have_cmdline = true;
	} else if (starts(p, "Kernel command line: ") && !b->have_cmdline) {
		/* i386 prints the command line only here, late in start_kernel */
		q = p + 21;
		copy_line(b->cmdline, sizeof(b->cmdline), q, c->len - (size_t)(q - c->text));
		b->have_cmdline = true;
	} else if (starts(p, "found SMP MP-table at ")) {
		q = p + 22;
		if (!mem_range(&q, &a, &e))
			return bad(c, "malformed MP-table line");
		b->have_mptable = true;
		b->mpf_addr = a;
	} else if (starts(p, "RAMDISK: ")) {
		q = p + 9;
		if (!mem_range(&q, &a, &e))
			return bad(c, "malformed RAMDISK line");
		/* later "RAMDISK:" lines repeat the first one */
		if (!b->have_ramdisk) {
			b->have_ramdisk = true;
			b->ramdisk_start = a;
			b->ramdisk_end = e;
		}
	} else if (starts(p, "e820: update ")) {
		q = p + 13;
		if (!mem_range(&q, &a, &e))
			return bad(c, "malformed e820 update line");
		if (kmm_strcmp(q, " usable ==> usable") != 0)
			return 0; /* kmm computes the other updates itself */
		for (unsigned int i = 0; i < b->nr_setup_data; i++)
			if (b->setup_data_start[i] == a && b->setup_data_end[i] == e)
				return 0; /* Linux prints each one twice */
		if (b->nr_setup_data >= KMM_BOOTLOG_MAX_SETUP_DATA)
			return full(c, "setup_data updates");
		b->setup_data_start[b->nr_setup_data] = a;
		b->setup_data_end[b->nr_setup_data++] = e;
	} else if (starts(p, "SRAT: PXM ")) {
		u64 pxm, apic, node;

		q = p + 10;
		if (!decnum(&q, &pxm) || !lit(&q, " -> APIC 0x") || !hexnum(&q, &apic) ||
		    !lit(&q, " -> Node ") || !decnum(&q, &node))
			return bad(c, "malformed SRAT CPU affinity");
		if (b->nr_srat_cpu >= KMM_BOOTLOG_MAX_SRAT)
			return full(c, "SRAT CPU entries");
		b->srat_cpu[b->nr_srat_cpu].pxm = (int)pxm;
		b->srat_cpu[b->nr_srat_cpu].apic = (u32)apic;
		b->srat_cpu[b->nr_srat_cpu++].node = (int)node;
	} else if (starts(p, "ACPI: SRAT: Node ")) {
		return parse_srat(c, p + 17);
	} else if (starts(p, "ACPI: ")) {
		return parse_acpi(c, p + 6);
	} else if (starts(p, "smpboot: Allowing ")) {
		q = p + 18;
		if (!decnum(&q, &n) || !lit(&q, " CPUs, "))
			return bad(c, "malformed CPU count");
		b->cpus = (unsigned int)n;
		if (decnum(&q, &n))
			b->hotplug_cpus = (unsigned int)n;
	} else if (starts(p, "efi: EFI v")) {
		b->efi = true;
		copy_line(b->efi_version, sizeof(b->efi_version), p + 5,
			  c->len - (size_t)(p + 5 - c->text));
	} else if (starts(p, "efi: mem")) {
		return parse_efi_mem(c, p + 8);
	} else if (starts(p, "efi: ")) {
		q = p;
		while ((q = kmm_strchr(q, 'M')) != NULL) {
			if (starts(q, "MEMATTR=")) {
				q += 8;
				if (!hexnum(&q, &b->efi_memattr))
					return bad(c, "malformed MEMATTR address");
				break;
			}
			q++;
		}
	}
	return 0;
}

int kmm_bootlog_parse(struct kmm_bootlog *b, const char *text, char *err, size_t errlen)
{
	struct ctx c = { b, err, errlen, 0, NULL, 0 };
	const char *p = text;
	char buf[2304];

	kmm_memset(b, 0, sizeof(*b));
	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		size_t len;
		int ret;

		if (!eol)
			eol = p + kmm_strlen(p);
		len = (size_t)(eol - p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		c.line++;
		copy_line(buf, sizeof(buf), p, len);
		c.text = buf;
		c.len = kmm_strlen(buf);
		ret = parse_line(&c, kmm_bootlog_strip_timestamp(buf));
		if (ret)
			return ret;
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}
