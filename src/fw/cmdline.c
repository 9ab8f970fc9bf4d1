// SPDX-License-Identifier: MIT
/*
 * cmdline.c - the kernel command line; see kmm/cmdline.h.
 *
 * kmm_cmdline_parse() clears a struct kmm_cmdline, copies the text into
 * @raw (cut like Linux's boot_command_line), splits a second copy in @buf
 * in place with Linux's next_arg() rules into @params, then runs each word
 * through the option table below, which fills the typed fields.  Nothing is
 * applied to any subsystem here: mem=/memmap= are only checked (the e820
 * code replays them from @params), crashkernel= is resolved later against
 * the RAM size by kmm_crashkernel_resolve().
 *
 * Invariants: every params[i].name/value points into @buf;
 * nr_params <= KMM_CMDLINE_MAX_PARAMS; nr_hugepage_opts <=
 * KMM_MAX_HUGEPAGE_SIZES.  No state outside the struct.
 */
#include <kmm/cmdline.h>
#include <kmm/e820.h>
#include <kmm/error.h>
#include <kmm/lib.h>

#define SZ_128M (128ULL << 20)

/* ------------------------------------------------------------ splitting */

static char *skip_spaces(char *p)
{
	while (kmm_isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * next_arg - Linux's next_arg() (kernel/params.c): cut the word at @args,
 * set *@param and *@val (NULL without '='; a '=' at the very start does
 * not count, as in Linux), strip the quotes, return the next word.
 */
static char *next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (kmm_isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

/* ------------------------------------------------------------ values */

struct opt_ctx {
	struct kmm_cmdline *c;
	const char *name;
	const char *val; /* "" when the word had no '=' */
	char *err;
	size_t errlen;
	int ret; /* first error */
};

/* Record "<name>=: <what>: '<value>'" unless an earlier error is kept. */
static int opt_error(struct opt_ctx *o, const char *what)
{
	if (o->ret == 0) {
		kmm_snprintf(o->err, o->errlen, "%s=: %s: '%s'", o->name, what, o->val);
		o->ret = -KMM_EINVAL;
	}
	return -KMM_EINVAL;
}

/* A whole value "nn[KMGTPE]": NULL, or why it is not one. */
static const char *parse_size(const char *s, u64 *out)
{
	const char *end;
	bool ovf;

	if (!kmm_isdigit((unsigned char)*s))
		return "invalid size";
	*out = kmm_memparse(s, &end, &ovf);
	if (*end)
		return "invalid size";
	if (ovf)
		return "size does not fit 64 bits";
	return NULL;
}

static int opt_size(struct opt_ctx *o, u64 *out)
{
	const char *why = parse_size(o->val, out);

	return why ? opt_error(o, why) : 0;
}

/* A whole unsigned decimal/hex/octal number (simple_strtoul's base 0). */
static bool parse_count(const char *s, u64 *out)
{
	const char *end;
	bool ovf;

	if (!kmm_isdigit((unsigned char)*s))
		return false;
	*out = kmm_strtoull(s, &end, 0, &ovf);
	return !*end && !ovf;
}

static bool starts_with(const char *s, const char *prefix)
{
	return kmm_strncmp(s, prefix, kmm_strlen(prefix)) == 0;
}

/* ------------------------------------------------------------ options */

static int opt_mem(struct opt_ctx *o)
{
	u64 size = 0;

	if (e820_mem_check(o->val, o->err, o->ret ? 0 : o->errlen)) {
		if (o->ret == 0)
			o->ret = -KMM_EINVAL;
		return -KMM_EINVAL;
	}
	if (kmm_strcmp(o->val, "nopentium") != 0)
		parse_size(o->val, &size);
	o->c->mem_set = true;
	o->c->mem_size = size;
	return 0;
}

static int opt_memmap(struct opt_ctx *o)
{
	if (e820_memmap_check(o->val, o->err, o->ret ? 0 : o->errlen)) {
		if (o->ret == 0)
			o->ret = -KMM_EINVAL;
		return -KMM_EINVAL;
	}
	return 0;
}

/* Linux's early_memblock(): any value containing "debug". */
static int opt_memblock(struct opt_ctx *o)
{
	size_t i, n = kmm_strlen(o->val);

	for (i = 0; i + 5 <= n; i++)
		if (kmm_strncmp(o->val + i, "debug", 5) == 0)
			o->c->memblock_debug = true;
	return 0;
}

/*
 * numa=fake=: "N" nodes, "SIZE" with an M or G suffix (node size), "NU"
 * (N nodes per physical node).  Linux classifies by the presence of 'U',
 * then 'M'/'G'; kmm then insists the value is exactly that form.
 */
static int opt_numa_fake(struct opt_ctx *o, const char *v)
{
	struct kmm_cmdline *c = o->c;
	size_t n = kmm_strlen(v);
	u64 value;

	if (kmm_strchr(v, 'U')) {
		char digits[24];

		if (n < 2 || n > sizeof(digits) || v[n - 1] != 'U')
			return opt_error(o, "invalid fake value");
		kmm_memcpy(digits, v, n - 1);
		digits[n - 1] = '\0';
		if (!parse_count(digits, &value))
			return opt_error(o, "invalid fake value");
		c->numa_fake = KMM_NUMA_FAKE_UNIFORM;
	} else if (kmm_strchr(v, 'M') || kmm_strchr(v, 'G')) {
		if (parse_size(v, &value))
			return opt_error(o, "invalid fake value");
		c->numa_fake = KMM_NUMA_FAKE_SIZE;
	} else {
		if (!parse_count(v, &value))
			return opt_error(o, "invalid fake value");
		c->numa_fake = KMM_NUMA_FAKE_NODES;
	}
	if (value == 0) {
		c->numa_fake = KMM_NUMA_FAKE_NONE;
		return opt_error(o, "fake node count must be at least 1");
	}
	c->numa_fake_value = value;
	return 0;
}

/* x86 numa_setup(): "off", "fake=...", "noacpi", "nohmat" (prefixes, as Linux). */
static int opt_numa(struct opt_ctx *o)
{
	if (starts_with(o->val, "off")) {
		o->c->numa_off = true;
		return 0;
	}
	if (starts_with(o->val, "fake="))
		return opt_numa_fake(o, o->val + 5);
	if (starts_with(o->val, "noacpi") || starts_with(o->val, "nohmat"))
		return 0;
	return opt_error(o, "unknown value");
}

/* Linux's cmdline_parse_core(): "N%" or a size; kernelcore also "mirror". */
static int opt_core(struct opt_ctx *o, struct kmm_core_opt *core, bool mirror_ok)
{
	size_t n = kmm_strlen(o->val);
	u64 value;

	if (mirror_ok && kmm_strcmp(o->val, "mirror") == 0) {
		core->kind = KMM_SIZE_MIRROR;
		core->value = 0;
		return 0;
	}
	if (n > 1 && n < 24 && o->val[n - 1] == '%') {
		char digits[24];

		kmm_memcpy(digits, o->val, n - 1);
		digits[n - 1] = '\0';
		if (!parse_count(digits, &value))
			return opt_error(o, "invalid size");
		if (value > 100)
			return opt_error(o, "percentage above 100");
		core->kind = KMM_SIZE_PERCENT;
		core->value = value;
		return 0;
	}
	if (opt_size(o, &value))
		return -KMM_EINVAL;
	core->kind = KMM_SIZE_BYTES;
	core->value = value;
	return 0;
}

static int opt_hugepage_size(struct opt_ctx *o, u64 *size)
{
	if (opt_size(o, size))
		return -KMM_EINVAL;
	if (!KMM_IS_POW2(*size))
		return opt_error(o, "not a power of 2");
	return 0;
}

/* hugepagesz=: opens a new (size, count) pair, as Linux's hstates. */
static int opt_hugepagesz(struct opt_ctx *o)
{
	struct kmm_cmdline *c = o->c;
	unsigned int i;
	u64 size;

	if (opt_hugepage_size(o, &size))
		return -KMM_EINVAL;
	for (i = 0; i < c->nr_hugepage_opts; i++)
		if (c->hugepage_opts[i].size == size)
			return opt_error(o, "specified twice");
	if (c->nr_hugepage_opts >= KMM_MAX_HUGEPAGE_SIZES)
		return opt_error(o, "more than 4 hugepage sizes");
	c->hugepage_opts[c->nr_hugepage_opts].size = size;
	c->hugepage_opts[c->nr_hugepage_opts].count = 0;
	c->hugepage_opts[c->nr_hugepage_opts].count_set = false;
	c->nr_hugepage_opts++;
	return 0;
}

/* hugepages=: the count for the last hugepagesz= (or the default size). */
static int opt_hugepages(struct opt_ctx *o)
{
	struct kmm_cmdline *c = o->c;
	struct kmm_hugepage_opt *h;
	u64 count;

	if (kmm_strchr(o->val, ':'))
		return opt_error(o, "per-node counts are not supported");
	if (!parse_count(o->val, &count) || count > (unsigned long)-1)
		return opt_error(o, "invalid count");
	if (c->nr_hugepage_opts == 0) {
		c->hugepage_opts[0].size = 0;
		c->hugepage_opts[0].count_set = false;
		c->nr_hugepage_opts = 1;
	}
	h = &c->hugepage_opts[c->nr_hugepage_opts - 1];
	if (h->count_set)
		return opt_error(o, "specified twice without interleaving hugepagesz=");
	h->count = (unsigned long)count;
	h->count_set = true;
	return 0;
}

static int opt_default_hugepagesz(struct opt_ctx *o)
{
	u64 size;

	if (o->c->default_hugepagesz)
		return opt_error(o, "specified twice");
	if (opt_hugepage_size(o, &size))
		return -KMM_EINVAL;
	o->c->default_hugepagesz = size;
	return 0;
}

/* Linux's early_cma(): "size[@base[-limit]]". */
static int opt_cma(struct opt_ctx *o)
{
	struct kmm_cmdline *c = o->c;
	const char *p = o->val, *end;
	u64 size, base = 0, limit = 0;
	bool ovf, fixed = false;

	if (!kmm_isdigit((unsigned char)*p))
		return opt_error(o, "invalid size");
	size = kmm_memparse(p, &end, &ovf);
	if (ovf)
		return opt_error(o, "size does not fit 64 bits");
	p = end;
	if (*p == '@') {
		if (!kmm_isdigit((unsigned char)p[1]))
			return opt_error(o, "invalid size");
		base = kmm_memparse(p + 1, &end, &ovf);
		if (ovf)
			return opt_error(o, "size does not fit 64 bits");
		if (size > KMM_ULLONG_MAX - base)
			return opt_error(o, "range wraps past 2^64");
		p = end;
		limit = base + size;
		if (*p == '-') {
			if (!kmm_isdigit((unsigned char)p[1]))
				return opt_error(o, "invalid size");
			limit = kmm_memparse(p + 1, &end, &ovf);
			if (ovf)
				return opt_error(o, "size does not fit 64 bits");
			p = end;
			if (limit < base + size)
				return opt_error(o, "limit below base + size");
		}
		fixed = limit == base + size;
	}
	if (*p)
		return opt_error(o, "invalid size");
	c->cma_set = true;
	c->cma_size = size;
	c->cma_base = base;
	c->cma_limit = limit;
	c->cma_fixed = fixed;
	return 0;
}

static int opt_percpu_alloc(struct opt_ctx *o)
{
	if (kmm_strcmp(o->val, "embed") == 0)
		o->c->percpu_alloc = KMM_PCPU_FC_EMBED;
	else if (kmm_strcmp(o->val, "page") == 0)
		o->c->percpu_alloc = KMM_PCPU_FC_PAGE;
	else
		return opt_error(o, "unknown allocator");
	return 0;
}

/*
 * Linux's setup_io_tlb_npages(): "[slabs][,areas][,force|noforce]".  The
 * slab count is rounded up to a whole segment (IO_TLB_SEGSIZE, 128 slabs);
 * the area count is kept as given (swiotlb rounds it to a power of 2 when it
 * sets it up).  Linux silently ignores what it cannot read; kmm reports it.
 */
static int opt_swiotlb(struct opt_ctx *o)
{
	struct kmm_cmdline *c = o->c;
	const char *p = o->val;
	u64 v;

	if (kmm_isdigit((unsigned char)*p)) {
		v = 0;
		while (kmm_isdigit((unsigned char)*p)) {
			v = v * 10 + (u64)(*p++ - '0');
			if (v > (1ULL << 40))
				return opt_error(o, "invalid slab count");
		}
		c->swiotlb_nslabs = (unsigned long)((v + 127) & ~127ULL);
	}
	if (*p == ',')
		p++;
	if (kmm_isdigit((unsigned char)*p)) {
		v = 0;
		while (kmm_isdigit((unsigned char)*p)) {
			v = v * 10 + (u64)(*p++ - '0');
			if (v > 65536)
				return opt_error(o, "invalid count");
		}
		c->swiotlb_nareas = (unsigned int)v;
	}
	if (*p == ',')
		p++;
	if (kmm_strcmp(p, "force") == 0)
		c->swiotlb_force = KMM_SWIOTLB_FORCE;
	else if (kmm_strcmp(p, "noforce") == 0)
		c->swiotlb_force = KMM_SWIOTLB_NOFORCE;
	else if (*p)
		return opt_error(o, "unknown value");
	return 0;
}

static const char *ck_parse(const char *v, bool have_ram, u64 ram, u64 *size, u64 *base,
			    char *badc);

static int opt_crashkernel(struct opt_ctx *o)
{
	char badc = 0, what[40];
	const char *why;
	u64 size, base;

	o->c->crashkernel_set = true;
	o->c->crashkernel = o->val;
	why = ck_parse(o->val, false, 0, &size, &base, &badc);
	if (!why)
		return 0;
	if (badc) {
		kmm_snprintf(what, sizeof(what), "%s: %c", why, badc);
		why = what;
	}
	return opt_error(o, why);
}

/*
 * The options kmm knows.  @needs_value: a word without '=' is an error
 * ("value expected"), as Linux's handlers return -EINVAL for a NULL value.
 */
enum opt_id {
	OPT_MEM, OPT_MEMMAP, OPT_MEMBLOCK, OPT_NOKASLR, OPT_NUMA, OPT_MOVABLE_NODE,
	OPT_KERNELCORE, OPT_MOVABLECORE, OPT_CRASHKERNEL, OPT_HUGEPAGESZ, OPT_HUGEPAGES,
	OPT_DEFAULT_HUGEPAGESZ, OPT_CMA, OPT_VMALLOC, OPT_HIGHMEM, OPT_PERCPU_ALLOC, OPT_SWIOTLB,
};

static const struct {
	const char *name;
	enum opt_id id;
	bool needs_value;
} options[] = {
	{ "mem", OPT_MEM, true },
	{ "memmap", OPT_MEMMAP, true },
	{ "memblock", OPT_MEMBLOCK, false },
	{ "nokaslr", OPT_NOKASLR, false },
	{ "numa", OPT_NUMA, true },
	{ "movable_node", OPT_MOVABLE_NODE, false },
	{ "kernelcore", OPT_KERNELCORE, true },
	{ "movablecore", OPT_MOVABLECORE, true },
	{ "crashkernel", OPT_CRASHKERNEL, true },
	{ "hugepagesz", OPT_HUGEPAGESZ, true },
	{ "hugepages", OPT_HUGEPAGES, true },
	{ "default_hugepagesz", OPT_DEFAULT_HUGEPAGESZ, true },
	{ "cma", OPT_CMA, true },
	{ "vmalloc", OPT_VMALLOC, true },
	{ "highmem", OPT_HIGHMEM, true },
	{ "percpu_alloc", OPT_PERCPU_ALLOC, true },
	{ "swiotlb", OPT_SWIOTLB, true },
};

static int opt_dispatch(struct opt_ctx *o, enum opt_id id, bool has_value)
{
	struct kmm_cmdline *c = o->c;

	switch (id) {
	case OPT_MEM:
		return opt_mem(o);
	case OPT_MEMMAP:
		return opt_memmap(o);
	case OPT_MEMBLOCK:
		return opt_memblock(o);
	case OPT_NOKASLR:
		c->nokaslr = c->nokaslr || !has_value;
		return 0;
	case OPT_NUMA:
		return opt_numa(o);
	case OPT_MOVABLE_NODE:
		c->movable_node = true;
		return 0;
	case OPT_KERNELCORE:
		return opt_core(o, &c->kernelcore, true);
	case OPT_MOVABLECORE:
		return opt_core(o, &c->movablecore, false);
	case OPT_CRASHKERNEL:
		return opt_crashkernel(o);
	case OPT_HUGEPAGESZ:
		return opt_hugepagesz(o);
	case OPT_HUGEPAGES:
		return opt_hugepages(o);
	case OPT_DEFAULT_HUGEPAGESZ:
		return opt_default_hugepagesz(o);
	case OPT_CMA:
		return opt_cma(o);
	case OPT_VMALLOC:
		if (opt_size(o, &c->vmalloc_size))
			return -KMM_EINVAL;
		c->vmalloc_set = true;
		return 0;
	case OPT_HIGHMEM:
		if (opt_size(o, &c->highmem_size))
			return -KMM_EINVAL;
		c->highmem_set = true;
		return 0;
	case OPT_PERCPU_ALLOC:
		return opt_percpu_alloc(o);
	case OPT_SWIOTLB:
		return opt_swiotlb(o);
	}
	return 0;
}

static void opt_parse(struct opt_ctx *o, const struct kmm_param *p)
{
	size_t i;

	for (i = 0; i < KMM_ARRAY_SIZE(options); i++) {
		if (kmm_strcmp(p->name, options[i].name) != 0)
			continue;
		o->name = p->name;
		o->val = p->value ? p->value : "";
		if (!p->value && options[i].needs_value) {
			opt_error(o, "value expected");
			return;
		}
		opt_dispatch(o, options[i].id, p->value != NULL);
		return;
	}
}

int kmm_cmdline_parse(struct kmm_cmdline *c, const char *text, char *err, size_t errlen)
{
	struct opt_ctx o = { .c = c, .err = err, .errlen = errlen };
	size_t len = kmm_strlen(text);
	char *args, *name, *val;
	int ret = 0;

	kmm_memset(c, 0, sizeof(*c));
	if (errlen)
		err[0] = '\0';
	kmm_strlcpy(c->raw, text, sizeof(c->raw));
	kmm_strlcpy(c->buf, c->raw, sizeof(c->buf));

	args = skip_spaces(c->buf);
	while (*args) {
		args = next_arg(args, &name, &val);
		if (!val && kmm_strcmp(name, "--") == 0)
			break;
		if (c->nr_params >= KMM_CMDLINE_MAX_PARAMS) {
			if (errlen)
				kmm_snprintf(err, errlen,
					     "more than %u words: dropping '%s' and the rest",
					     (unsigned int)KMM_CMDLINE_MAX_PARAMS, name);
			ret = -KMM_EOVERFLOW;
			break;
		}
		c->params[c->nr_params].name = name;
		c->params[c->nr_params].value = val;
		opt_parse(&o, &c->params[c->nr_params]);
		c->nr_params++;
	}
	if (o.ret)
		return o.ret;
	if (ret)
		return ret;
	if (len > KMM_COMMAND_LINE_SIZE - 1) {
		if (errlen)
			kmm_snprintf(err, errlen, "command line is %zu bytes, longer than %u: cut",
				     len, (unsigned int)(KMM_COMMAND_LINE_SIZE - 1));
		return -KMM_EOVERFLOW;
	}
	return 0;
}

const char *kmm_cmdline_find(const struct kmm_cmdline *c, const char *name, bool *present)
{
	const char *value = NULL;
	bool found = false;
	unsigned int i;

	for (i = 0; i < c->nr_params; i++) {
		if (kmm_strcmp(c->params[i].name, name) == 0) {
			found = true;
			value = c->params[i].value;
		}
	}
	if (present)
		*present = found;
	return value;
}

/* ------------------------------------------------------------ crashkernel */

/* memparse that must find a digit; NULL when it does not or overflows */
static const char *ck_number(const char *p, u64 *out)
{
	const char *end;
	bool ovf;

	if (!kmm_isdigit((unsigned char)*p))
		return NULL;
	*out = kmm_memparse(p, &end, &ovf);
	return ovf ? NULL : end;
}

/*
 * "start-[end]:size[,...][@base]" - Linux's parse_crashkernel_mem().  With
 * @have_ram the first range containing @ram (rounded up to 128 MiB) gives
 * the size, and a size >= that RAM is "invalid size"; without it only the
 * syntax is checked.  kmm checks the syntax of every range (Linux stops
 * reading at the match).
 */
static const char *ck_parse_mem(const char *p, bool have_ram, u64 ram, u64 *size, u64 *base,
				char *badc)
{
	u64 total = ram > KMM_ULLONG_MAX - (SZ_128M - 1) ? KMM_ULLONG_MAX & ~(SZ_128M - 1) :
							   KMM_ALIGN(ram, SZ_128M);
	bool matched = false;

	for (;;) {
		u64 start, end = KMM_ULLONG_MAX, sz;

		p = ck_number(p, &start);
		if (!p)
			return "memory value expected";
		if (*p != '-')
			return "'-' expected";
		p++;
		if (*p != ':') {
			p = ck_number(p, &end);
			if (!p)
				return "memory value expected";
			if (end <= start)
				return "end <= start";
		}
		if (*p != ':')
			return "':' expected";
		p = ck_number(p + 1, &sz);
		if (!p)
			return "memory value expected";
		if (have_ram && !matched) {
			if (sz >= total)
				return "invalid size";
			if (total >= start && total < end) {
				*size = sz;
				matched = true;
			}
		}
		if (*p != ',')
			break;
		p++;
	}
	if (*p == '@') {
		u64 b;

		p = ck_number(p + 1, &b);
		if (!p)
			return "memory value expected after '@'";
		if (*size)
			*base = b;
	}
	if (*p) {
		*badc = *p;
		return "unrecognized char";
	}
	return NULL;
}

/* "size[@base]" - parse_crashkernel_simple(); "size,high|low" - _suffix() */
static const char *ck_parse_simple(const char *p, u64 *size, u64 *base, char *badc)
{
	const char *q;

	p = ck_number(p, size);
	if (!p)
		return "memory value expected";
	q = p;
	if (kmm_strcmp(q, ",high") == 0 || kmm_strcmp(q, ",low") == 0)
		return NULL;
	if (*p == '@') {
		p = ck_number(p + 1, base);
		if (!p)
			return "memory value expected";
	}
	if (*p) {
		*badc = *p;
		return "unrecognized char";
	}
	return NULL;
}

static bool ck_has_suffix(const char *v, const char *suffix)
{
	size_t n = kmm_strlen(v), m = kmm_strlen(suffix);

	return n >= m && kmm_strcmp(v + n - m, suffix) == 0;
}

/* Parse one crashkernel= value of any form; NULL or Linux's complaint. */
static const char *ck_parse(const char *v, bool have_ram, u64 ram, u64 *size, u64 *base,
			    char *badc)
{
	*size = 0;
	*base = 0;
	if (!ck_has_suffix(v, ",high") && !ck_has_suffix(v, ",low") && kmm_strchr(v, ':'))
		return ck_parse_mem(v, have_ram, ram, size, base, badc);
	return ck_parse_simple(v, size, base, badc);
}

/* The last crashkernel= value with @suffix (",high", ",low"), or with
 * neither suffix when @suffix is NULL - Linux's get_last_crashkernel(). */
static const char *ck_last(const struct kmm_cmdline *c, const char *suffix)
{
	const char *found = NULL;
	unsigned int i;

	for (i = 0; i < c->nr_params; i++) {
		const char *v = c->params[i].value;

		if (!v || kmm_strcmp(c->params[i].name, "crashkernel") != 0)
			continue;
		if (suffix ? ck_has_suffix(v, suffix) :
			     !ck_has_suffix(v, ",high") && !ck_has_suffix(v, ",low"))
			found = v;
	}
	return found;
}

int kmm_crashkernel_resolve(const struct kmm_cmdline *c, u64 system_ram, u64 *size, u64 *base,
			    bool *high, bool *low)
{
	const char *plain = ck_last(c, NULL), *hi = ck_last(c, ",high");
	bool bad = false;
	char badc;

	*size = 0;
	*base = 0;
	*high = false;
	*low = ck_last(c, ",low") != NULL;
	if (!c->crashkernel_set)
		return -KMM_ENOENT;
	if (plain) {
		bad = ck_parse(plain, true, system_ram, size, base, &badc) != NULL;
		if (!bad && *size)
			return 0;
	}
	*size = 0;
	*base = 0;
	if (hi) {
		if (ck_parse(hi, true, system_ram, size, base, &badc))
			bad = true;
		else if (*size)
			*high = true;
	}
	if (!*high) {
		*size = 0;
		*base = 0;
	}
	return bad && !*high ? -KMM_EINVAL : 0;
}

int kmm_crashkernel_low_size(const struct kmm_cmdline *c, u64 *size)
{
	const char *lo = ck_last(c, ",low");
	u64 base;
	char badc;

	*size = 0;
	if (!lo)
		return -KMM_ENOENT;
	return ck_parse(lo, true, 0, size, &base, &badc) ? -KMM_EINVAL : 0;
}
