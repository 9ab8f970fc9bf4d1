// SPDX-License-Identifier: MIT
/*
 * efi.c - the UEFI memory map and configuration tables of a boot log; see
 * kmm/efi.h.  kmm_efi_parse() is the only entry point that reads input: one
 * matcher per recognised line ("efi: EFI v", "efi: memNN:", the
 * configuration-table line, "efi: EFI runtime memory map:"), each naming the
 * line when its text does not parse.  The formatter is the inverse of the
 * memory-map matcher, so a parsed map prints back unchanged.
 */
#include <kmm/efi.h>
#include <kmm/error.h>
#include <kmm/lib.h>

/* Linux's names, in enum order; printed left-justified in 12 columns */
static const char *const efi_type_names[EFI_MAX_MEMORY_TYPE] = {
	"Reserved",     "Loader Code",  "Loader Data", "Boot Code",    "Boot Data",
	"Runtime Code", "Runtime Data", "Conventional", "Unusable",    "ACPI Reclaim",
	"ACPI Mem NVS", "MMIO",         "MMIO Port",   "PAL Code",     "Persistent",
};

/*
 * The attribute columns after the type, in the order Linux prints them
 * (Debian's 6.1 has the hot-pluggable column); width 3 for RUN and UCE.
 */
static const struct efi_attr_col {
	const char *name;
	u64 bit;
} efi_attr_cols[] = {
	{ "RUN", EFI_MEMORY_RUNTIME },  { "HP", EFI_MEMORY_HOT_PLUGGABLE },
	{ "MR", EFI_MEMORY_MORE_RELIABLE }, { "CC", EFI_MEMORY_CPU_CRYPTO },
	{ "SP", EFI_MEMORY_SP },        { "NV", EFI_MEMORY_NV },
	{ "XP", EFI_MEMORY_XP },        { "RP", EFI_MEMORY_RP },
	{ "WP", EFI_MEMORY_WP },        { "RO", EFI_MEMORY_RO },
	{ "UCE", EFI_MEMORY_UCE },      { "WB", EFI_MEMORY_WB },
	{ "WT", EFI_MEMORY_WT },        { "WC", EFI_MEMORY_WC },
	{ "UC", EFI_MEMORY_UC },
};

static u64 efi_known_attrs(void)
{
	u64 all = 0;

	for (size_t i = 0; i < KMM_ARRAY_SIZE(efi_attr_cols); i++)
		all |= efi_attr_cols[i].bit;
	return all;
}

void kmm_efi_init(struct kmm_efi *efi)
{
	kmm_memset(efi, 0, sizeof(*efi));
	efi->acpi = efi->acpi20 = efi->smbios = efi->smbios3 = efi->esrt = EFI_INVALID_TABLE_ADDR;
	efi->memattr = efi->rng_seed = efi->tpm_log = efi->tpm_final_log = EFI_INVALID_TABLE_ADDR;
	efi->mokvar = efi->initrd = efi->mem_reserve = EFI_INVALID_TABLE_ADDR;
	efi->fw.desc_size = 48;
	efi->fw.memattr_entries = 22;
	efi->fw.pool_header = 0x18;
	efi->fw.pool_overhead = 0x28;
	efi->fw.nr_pci_roms = 2;
	efi->fw.pci_rom_size[0] = 0x9c00;
	efi->fw.pci_rom_size[1] = 0x3d000;
}

const char *kmm_efi_type_name(u32 type)
{
	return type < EFI_MAX_MEMORY_TYPE ? efi_type_names[type] : NULL;
}

char *kmm_efi_md_typeattr_format(char *buf, size_t size, const struct efi_memory_desc *md)
{
	const char *name = kmm_efi_type_name(md->type);
	size_t pos;

	if (!size)
		return buf;
	if (name)
		kmm_snprintf(buf, size, "[%-12s", name);
	else
		kmm_snprintf(buf, size, "[type=%u", md->type);
	pos = kmm_strlen(buf);
	if (md->attribute & ~efi_known_attrs()) {
		kmm_snprintf(buf + pos, size - pos, "|attr=0x%016llx]",
			     (unsigned long long)md->attribute);
		return buf;
	}
	for (size_t i = 0; i < KMM_ARRAY_SIZE(efi_attr_cols) && pos + 1 < size; i++) {
		const struct efi_attr_col *c = &efi_attr_cols[i];
		int width = kmm_strlen(c->name) == 3 ? 3 : 2;

		kmm_snprintf(buf + pos, size - pos, "|%*s", width,
			     (md->attribute & c->bit) ? c->name : "");
		pos = kmm_strlen(buf);
	}
	if (pos + 1 < size) {
		buf[pos] = ']';
		buf[pos + 1] = '\0';
	}
	return buf;
}

void kmm_efi_print_memmap(const struct kmm_efi *efi, const struct kmm_env *env)
{
	char buf[96];

	for (unsigned int i = 0; i < efi->nr_map; i++) {
		const struct efi_memory_desc *md = &efi->map[i];
		u64 size = md->num_pages << EFI_PAGE_SHIFT;

		kmm_printk(env, "efi: mem%02u: %s range=[0x%016llx-0x%016llx] (%lluMB)", i,
			   kmm_efi_md_typeattr_format(buf, sizeof(buf), md),
			   (unsigned long long)md->phys_addr,
			   (unsigned long long)(md->phys_addr + size - 1),
			   (unsigned long long)(size >> 20));
	}
}

const struct efi_memory_desc *kmm_efi_lookup(const struct kmm_efi *efi, u64 addr)
{
	for (unsigned int i = 0; i < efi->nr_map; i++) {
		const struct efi_memory_desc *md = &efi->map[i];

		/* Linux skips reserved descriptors unless they are runtime ones */
		if (md->type == EFI_RESERVED_TYPE && !(md->attribute & EFI_MEMORY_RUNTIME))
			continue;
		if (addr >= md->phys_addr && addr < kmm_efi_md_end(md))
			return md;
	}
	return NULL;
}

/* ---------------------------------------------------------------- parsing */

struct efi_ctx {
	struct kmm_efi *efi;
	char *err;
	size_t errlen;
	unsigned int line;
	const char *text; /* the whole line, for messages */
	int len;
	bool runtime_map; /* past "EFI runtime memory map:": no more boot map */
};

static int efi_bad(struct efi_ctx *c, int ret, const char *what)
{
	kmm_snprintf(c->err, c->errlen, "dmesg line %u: %s: '%.*s'", c->line, what, c->len,
		     c->text);
	return ret;
}

static bool efi_lit(const char **p, const char *s)
{
	size_t n = kmm_strlen(s);

	if (kmm_strncmp(*p, s, n))
		return false;
	*p += n;
	return true;
}

static bool efi_hex(const char **p, u64 *out)
{
	const char *e;
	bool ovf = false;

	if (!efi_lit(p, "0x"))
		return false;
	*out = kmm_strtoull(*p, &e, 16, &ovf);
	if (e == *p || ovf)
		return false;
	*p = e;
	return true;
}

/* the type column: a known name padded with blanks, or "type=N" */
static int efi_parse_type(struct efi_ctx *c, const char *s, size_t n, u32 *type)
{
	while (n && s[n - 1] == ' ')
		n--;
	for (u32 t = 0; t < EFI_MAX_MEMORY_TYPE; t++) {
		if (kmm_strlen(efi_type_names[t]) == n && !kmm_strncmp(s, efi_type_names[t], n)) {
			*type = t;
			return 0;
		}
	}
	if (n > 5 && !kmm_strncmp(s, "type=", 5)) {
		const char *e;
		bool ovf = false;
		u64 v = kmm_strtoull(s + 5, &e, 10, &ovf);

		if (e == s + n && !ovf && v <= 0xffffffffULL) {
			*type = (u32)v;
			return 0;
		}
	}
	return efi_bad(c, -KMM_EPARSE, "unknown EFI memory type");
}

/* the attribute columns "|RUN|  |...|UC" (blank columns allowed) or "|attr=0x..." */
static int efi_parse_attrs(struct efi_ctx *c, const char *s, const char *end, u64 *attr)
{
	*attr = 0;
	if (end - s > 6 && !kmm_strncmp(s, "|attr=", 6)) {
		const char *p = s + 6;

		if (!efi_hex(&p, attr) || p != end)
			return efi_bad(c, -KMM_EPARSE, "unknown EFI memory attribute");
		return 0;
	}
	while (s < end) {
		const char *tok, *bar;
		size_t n;
		size_t i;

		if (*s != '|')
			return efi_bad(c, -KMM_EPARSE, "unknown EFI memory attribute");
		tok = s + 1;
		for (bar = tok; bar < end && *bar != '|'; bar++)
			;
		s = bar;
		while (tok < bar && *tok == ' ')
			tok++;
		n = (size_t)(bar - tok);
		if (!n)
			continue;
		for (i = 0; i < KMM_ARRAY_SIZE(efi_attr_cols); i++)
			if (kmm_strlen(efi_attr_cols[i].name) == n &&
			    !kmm_strncmp(tok, efi_attr_cols[i].name, n))
				break;
		if (i == KMM_ARRAY_SIZE(efi_attr_cols))
			return efi_bad(c, -KMM_EPARSE, "unknown EFI memory attribute");
		*attr |= efi_attr_cols[i].bit;
	}
	return 0;
}

/* "memNN: [Type        |attr|...] range=[0xS-0xE] (NMB)" after "efi: " */
static int efi_parse_mem(struct efi_ctx *c, const char *p)
{
	struct kmm_efi *efi = c->efi;
	struct efi_memory_desc md;
	const char *open, *close, *bar;
	u64 start, end;
	int ret;

	p += 3;
	if (!kmm_isdigit((unsigned char)*p))
		return efi_bad(c, -KMM_EPARSE, "malformed EFI memory map entry");
	/* a map that starts again at mem00 is a later (runtime) map */
	if (p[0] == '0' && p[1] == '0' && !kmm_isdigit((unsigned char)p[2]) && efi->nr_map)
		c->runtime_map = true;
	while (kmm_isdigit((unsigned char)*p))
		p++;
	if (!efi_lit(&p, ": ["))
		return efi_bad(c, -KMM_EPARSE, "malformed EFI memory map entry");
	open = p;
	close = kmm_strchr(open, ']');
	if (!close)
		return efi_bad(c, -KMM_EPARSE, "malformed EFI memory map entry");
	for (bar = open; bar < close && *bar != '|'; bar++)
		;
	kmm_memset(&md, 0, sizeof(md));
	ret = efi_parse_type(c, open, (size_t)(bar - open), &md.type);
	if (!ret)
		ret = efi_parse_attrs(c, bar, close, &md.attribute);
	if (ret)
		return ret;
	p = close + 1;
	if (!efi_lit(&p, " range=[") || !efi_hex(&p, &start) || !efi_lit(&p, "-") ||
	    !efi_hex(&p, &end) || !efi_lit(&p, "]"))
		return efi_bad(c, -KMM_EPARSE, "malformed EFI memory map entry");
	if (end < start)
		return efi_bad(c, -KMM_EPARSE, "EFI memory range ends before it starts");
	if ((start & (EFI_PAGE_SIZE - 1)) || ((end + 1) & (EFI_PAGE_SIZE - 1)) || end == ~0ULL)
		return efi_bad(c, -KMM_EPARSE, "EFI memory range not page aligned");
	if (c->runtime_map)
		return 0;
	if (efi->nr_map >= KMM_EFI_MAX_DESC) {
		kmm_snprintf(c->err, c->errlen, "dmesg line %u: too many EFI memory map entries",
			     c->line);
		return -KMM_EOVERFLOW;
	}
	md.phys_addr = start;
	md.num_pages = (end + 1 - start) >> EFI_PAGE_SHIFT;
	efi->map[efi->nr_map++] = md;
	return 0;
}

static u64 *efi_table_slot(struct kmm_efi *efi, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
		{ "ACPI 2.0", offsetof(struct kmm_efi, acpi20) },
		{ "ACPI", offsetof(struct kmm_efi, acpi) },
		{ "SMBIOS", offsetof(struct kmm_efi, smbios) },
		{ "SMBIOS 3.0", offsetof(struct kmm_efi, smbios3) },
		{ "ESRT", offsetof(struct kmm_efi, esrt) },
		{ "MEMATTR", offsetof(struct kmm_efi, memattr) },
		{ "RNG", offsetof(struct kmm_efi, rng_seed) },
		{ "TPMEventLog", offsetof(struct kmm_efi, tpm_log) },
		{ "TPMFinalLog", offsetof(struct kmm_efi, tpm_final_log) },
		{ "MEMRESERVE", offsetof(struct kmm_efi, mem_reserve) },
		{ "INITRD", offsetof(struct kmm_efi, initrd) },
		{ "MOKvar", offsetof(struct kmm_efi, mokvar) },
	};

	for (size_t i = 0; i < KMM_ARRAY_SIZE(slots); i++)
		if (kmm_strlen(slots[i].name) == n && !kmm_strncmp(name, slots[i].name, n))
			return (u64 *)((char *)efi + slots[i].off);
	return NULL;
}

/*
 * The configuration-table line: "NAME=0xADDR" pairs separated by blanks,
 * where a NAME may itself hold a blank ("ACPI 2.0").  Names Linux prints but
 * kmm does not use (RTPROP, ...) are skipped.
 */
static int efi_parse_tables(struct efi_ctx *c, const char *p)
{
	struct kmm_efi *efi = c->efi;

	kmm_strlcpy(efi->tables_line, p, sizeof(efi->tables_line));
	while (*p) {
		const char *name, *eq;
		u64 addr, *slot;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		name = p;
		eq = kmm_strchr(p, '=');
		if (!eq)
			return efi_bad(c, -KMM_EPARSE, "malformed EFI configuration table");
		p = eq + 1;
		if (!efi_hex(&p, &addr) || (*p && *p != ' '))
			return efi_bad(c, -KMM_EPARSE, "malformed EFI configuration table");
		slot = efi_table_slot(efi, name, (size_t)(eq - name));
		if (slot)
			*slot = addr;
	}
	return 0;
}

static bool efi_is_tables_line(const char *p)
{
	static const char *const first[] = { "ACPI", "SMBIOS", "MEMATTR", "ESRT", "MOKvar",
					     "RNG", "TPM", "INITRD", "MEMRESERVE", "RTPROP" };

	for (size_t i = 0; i < KMM_ARRAY_SIZE(first); i++)
		if (!kmm_strncmp(p, first[i], kmm_strlen(first[i])))
			return kmm_strchr(p, '=') != NULL;
	return false;
}

static int efi_parse_line(struct efi_ctx *c, const char *p)
{
	struct kmm_efi *efi = c->efi;

	if (!efi_lit(&p, "efi: "))
		return 0;
	if (!kmm_strncmp(p, "EFI v", 5)) {
		efi->boot = true;
		kmm_strlcpy(efi->header, p, sizeof(efi->header));
	} else if (!kmm_strncmp(p, "EFI runtime memory map:", 23)) {
		c->runtime_map = true;
	} else if (!kmm_strncmp(p, "mem", 3) && kmm_isdigit((unsigned char)p[3])) {
		return efi_parse_mem(c, p);
	} else if (efi_is_tables_line(p)) {
		return efi_parse_tables(c, p);
	}
	return 0;
}

/* strip a "[    0.000000] " timestamp */
static const char *efi_strip_timestamp(const char *s)
{
	const char *p = s;

	if (*p != '[')
		return s;
	p++;
	while (*p == ' ' || kmm_isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (*p != ']')
		return s;
	p++;
	return *p == ' ' ? p + 1 : p;
}

int kmm_efi_parse(struct kmm_efi *efi, const char *text, char *err, size_t errlen)
{
	struct efi_ctx c = { .efi = efi, .err = err, .errlen = errlen };
	const char *p = text;
	char buf[512];

	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		size_t len;
		int ret;

		if (!eol)
			eol = p + kmm_strlen(p);
		len = (size_t)(eol - p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		kmm_memcpy(buf, p, len);
		buf[len] = '\0';
		c.line++;
		c.text = buf;
		c.len = (int)len;
		ret = efi_parse_line(&c, efi_strip_timestamp(buf));
		if (ret)
			return ret;
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}
