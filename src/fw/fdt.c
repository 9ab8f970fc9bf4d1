// SPDX-License-Identifier: MIT
/*
 * fdt.c - read Linux 6.1's early-boot facts from a flattened device tree;
 * see kmm/fdt.h for what is read and which rules apply.
 *
 * kmm_fdt_read() validates the blob first (header, size, fdt_check_full),
 * then runs one reader per Linux function, each over libfdt lookups:
 * read_root, read_chosen, read_memory, read_memreserve, read_rmem,
 * read_cpus, read_distance_map, read_dma_ranges, read_unflatten.  After
 * validation libfdt
 * only hands back pointers inside the blob, and every property is read with
 * its length checked, so no input can make the reader read out of bounds.
 * Cells are read byte by byte: properties are only 4-byte aligned.
 */
#include <libfdt.h>

#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/lib.h>

_Static_assert(sizeof(struct fdt_header) == 40, "FDT v17 header is 40 bytes");

struct ctx {
	struct kmm_dt *dt;
	const void *fdt;
	char *err;
	size_t errlen;
	char path[KMM_DT_PATH_MAX];
	int chosen; /* offset of the node read_chosen() used, or -1 */
};

/* of_read_number(): @n big-endian cells, the last two kept */
static u64 rd_cells(const void *p, unsigned int n)
{
	const u8 *b = p;
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++, b += 4)
		v = (v << 32) | ((u64)b[0] << 24 | (u64)b[1] << 16 | (u64)b[2] << 8 | b[3]);
	return v;
}

static const char *node_path(struct ctx *c, int node)
{
	if (fdt_get_path(c->fdt, node, c->path, sizeof(c->path)) < 0)
		kmm_strlcpy(c->path, "<node>", sizeof(c->path));
	return c->path;
}

static int fail(struct ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, int ret, const char *fmt, ...)
{
	va_list ap;

	if (c->errlen) {
		va_start(ap, fmt);
		kmm_vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int full(struct ctx *c, int node, const char *what, unsigned int max)
{
	return fail(c, -KMM_EOVERFLOW, "%s: more than %u %s", node_path(c, node), max, what);
}

static const void *getprop(struct ctx *c, int node, const char *name, int *len)
{
	const void *p = fdt_getprop(c->fdt, node, name, len);

	if (!p)
		*len = 0;
	return p;
}

/* the first string of @p (@len bytes) equals @s, NUL included */
static bool prop_streq(const void *p, int len, const char *s)
{
	size_t n = kmm_strlen(s);

	return p && (size_t)len > n && kmm_memcmp(p, s, n) == 0 && ((const char *)p)[n] == '\0';
}

static bool prop_has_string(const void *p, int len, const char *s)
{
	return p && len > 0 && fdt_stringlist_contains(p, len, s);
}

/* of_fdt_device_is_available(): status absent, "okay" or "ok" */
static bool node_available(struct ctx *c, int node)
{
	int len;
	const void *st = getprop(c, node, "status", &len);

	return !st || prop_streq(st, len, "okay") || prop_streq(st, len, "ok");
}

/* copy the first string of @p (@len bytes), cut to @size - 1 bytes */
static void copy_str(char *dst, size_t size, const void *p, int len)
{
	size_t n = p && len > 0 ? kmm_strnlen(p, KMM_MIN((size_t)len, size - 1)) : 0;

	kmm_memcpy(dst, p, n);
	dst[n] = '\0';
}

static int copy_name(struct ctx *c, int node, char *dst)
{
	int len;
	const char *name = fdt_get_name(c->fdt, node, &len);

	if (!name)
		return fail(c, -KMM_EINVAL, "%s: node has no name: %s", node_path(c, node),
			    fdt_strerror(len));
	if (len >= KMM_DT_NAME_MAX)
		return fail(c, -KMM_EINVAL, "%s: node name longer than %d bytes",
			    node_path(c, node), KMM_DT_NAME_MAX - 1);
	kmm_memcpy(dst, name, (size_t)len);
	dst[len] = '\0';
	return 0;
}

/* a one-cell property (of_property_read_u32): false when absent or short */
static bool read_u32(struct ctx *c, int node, const char *name, u32 *out, bool *bad)
{
	int len;
	const void *p = getprop(c, node, name, &len);

	if (bad)
		*bad = p && len < 4;
	if (!p || len < 4)
		return false;
	*out = (u32)rd_cells(p, 1);
	return true;
}

/*
 * read_ranges - split @name of @node into (#address-cells + #size-cells)
 * entries of the root's sizes.  A length that is not a whole number of
 * entries is an error when @strict, else it sets *@invalid (Linux's own
 * "invalid ... property" path) and reads nothing.
 */
static int read_ranges(struct ctx *c, int node, const char *name, const void *p, int len,
		       struct kmm_dt_range *out, unsigned int max, unsigned int *nr,
		       bool strict, bool *invalid)
{
	unsigned int ac = c->dt->addr_cells, sc = c->dt->size_cells;
	unsigned int t = (ac + sc) * 4;
	const u8 *b = p;

	*nr = 0;
	if (len % t) {
		if (!strict) {
			*invalid = true;
			return 0;
		}
		return fail(c, -KMM_EINVAL,
			    "%s: %s: length %d is not a multiple of (#address-cells %u + "
			    "#size-cells %u) * 4",
			    node_path(c, node), name, len, ac, sc);
	}
	for (int off = 0; off < len; off += (int)t) {
		if (*nr >= max)
			return fail(c, -KMM_EOVERFLOW, "%s: %s: more than %u entries",
				    node_path(c, node), name, max);
		out[*nr].base = rd_cells(b + off, ac);
		out[*nr].size = rd_cells(b + off + ac * 4, sc);
		(*nr)++;
	}
	return 0;
}

/* early_init_dt_scan_root(), with kmm's limits on the cell counts */
static int read_root_cells(struct ctx *c, const char *name, u32 *out)
{
	int len;
	const void *p = getprop(c, 0, name, &len);
	u32 v;

	if (!p)
		return 0; /* Linux keeps OF_ROOT_NODE_*_CELLS_DEFAULT = 1 */
	if (len != 4)
		return fail(c, -KMM_EINVAL, "/: %s: length %d, expected one cell (4)", name, len);
	v = (u32)rd_cells(p, 1);
	if (v < 1 || v > 2)
		return fail(c, -KMM_EINVAL,
			    "/: %s %u is out of range (kmm reads addresses and sizes of 1..2 cells)",
			    name, v);
	*out = v;
	return 0;
}

static int read_root(struct ctx *c)
{
	int ret;

	c->dt->addr_cells = 1;
	c->dt->size_cells = 1;
	ret = read_root_cells(c, "#address-cells", &c->dt->addr_cells);
	if (!ret)
		ret = read_root_cells(c, "#size-cells", &c->dt->size_cells);
	return ret;
}

/* early_init_dt_check_for_initrd(): each property is len / 4 cells */
static void read_initrd(struct ctx *c, int node)
{
	struct kmm_dt *dt = c->dt;
	const void *ps, *pe;
	int ls, le;

	ps = getprop(c, node, "linux,initrd-start", &ls);
	pe = getprop(c, node, "linux,initrd-end", &le);
	if (!ps || !pe)
		return;
	dt->initrd_start = rd_cells(ps, (unsigned int)ls / 4);
	dt->initrd_end = rd_cells(pe, (unsigned int)le / 4);
	dt->has_initrd = dt->initrd_start <= dt->initrd_end;
}

/*
 * early_init_dt_scan_chosen() and the /chosen checks.  Linux tests the
 * usable-memory-range and elfcorehdr lengths against a cell count where it
 * means bytes; kmm requires whole entries instead.
 */
static int read_chosen(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	unsigned int t = (dt->addr_cells + dt->size_cells) * 4;
	struct kmm_dt_range usable[KMM_DT_MAX_USABLE_RANGES];
	const void *p;
	int node, len, ret;

	node = fdt_path_offset(c->fdt, "/chosen");
	if (node < 0)
		node = fdt_path_offset(c->fdt, "/chosen@0");
	if (node < 0)
		return 0;
	dt->has_chosen = true;
	c->chosen = node;
	read_initrd(c, node);

	p = getprop(c, node, "linux,elfcorehdr", &len);
	if (p) {
		if ((unsigned int)len < t)
			return fail(c, -KMM_EINVAL,
				    "%s: linux,elfcorehdr: length %d is shorter than "
				    "(#address-cells %u + #size-cells %u) * 4",
				    node_path(c, node), len, dt->addr_cells, dt->size_cells);
		dt->has_elfcorehdr = true;
		dt->elfcorehdr.base = rd_cells(p, dt->addr_cells);
		dt->elfcorehdr.size = rd_cells((const u8 *)p + dt->addr_cells * 4, dt->size_cells);
	}

	p = getprop(c, node, "linux,usable-memory-range", &len);
	if (p) {
		/* Linux reads at most MAX_USABLE_RANGES entries */
		int use = KMM_MIN(len, (int)(t * KMM_DT_MAX_USABLE_RANGES));

		if (len % (int)t)
			use = len; /* let read_ranges report the bad length */
		ret = read_ranges(c, node, "linux,usable-memory-range", p, use, usable,
				  KMM_DT_MAX_USABLE_RANGES, &dt->nr_usable_mem_range, true, NULL);
		if (ret)
			return ret;
		kmm_memcpy(dt->usable_mem_range, usable, sizeof(usable));
	}

	p = getprop(c, node, "bootargs", &len);
	if (p && len > 0) {
		/* strscpy(cmdline, p, min(len, COMMAND_LINE_SIZE)) */
		copy_str(dt->bootargs, (size_t)KMM_MIN(len, KMM_DT_CMDLINE_SIZE), p, len);
		dt->has_bootargs = true;
	}
	return 0;
}

static int read_memory_node(struct ctx *c, int node, bool *found)
{
	struct kmm_dt *dt = c->dt;
	struct kmm_dt_memory *m;
	const char *prop = "linux,usable-memory";
	const void *p;
	int len, ret;

	p = getprop(c, node, prop, &len);
	if (!p) {
		prop = "reg";
		p = getprop(c, node, prop, &len);
	}
	if (!p)
		return 0; /* Linux skips it */
	if (dt->nr_memory >= KMM_DT_MAX_MEM_NODES)
		return full(c, 0, "memory nodes", KMM_DT_MAX_MEM_NODES);
	m = &dt->memory[dt->nr_memory];
	ret = copy_name(c, node, m->name);
	if (!ret)
		ret = read_ranges(c, node, prop, p, len, m->reg, KMM_DT_MAX_MEM_REG, &m->nr_reg,
				  true, NULL);
	if (ret)
		return ret;
	m->usable_memory = prop[0] == 'l';
	m->hotpluggable = fdt_getprop(c->fdt, node, "hotpluggable", NULL) != NULL;
	m->has_nid = read_u32(c, node, "numa-node-id", &m->nid, &m->nid_bad);
	for (unsigned int i = 0; i < m->nr_reg; i++)
		if (m->reg[i].size)
			*found = true;
	dt->nr_memory++;
	return 0;
}

/* early_init_dt_scan_memory(): children of the root only, device_type "memory" */
static int read_memory(struct ctx *c)
{
	bool found = false;
	int node, len, ret;

	fdt_for_each_subnode(node, c->fdt, 0) {
		const void *type = getprop(c, node, "device_type", &len);

		if (!prop_streq(type, len, "memory") || !node_available(c, node))
			continue;
		ret = read_memory_node(c, node, &found);
		if (ret)
			return ret;
	}
	if (!found)
		return fail(c, -KMM_ENOENT,
			    "no memory: no available child of / with device_type = \"memory\" "
			    "and a non-empty reg");
	return 0;
}

/* early_init_fdt_scan_reserved_mem(): entries up to the first of size 0 */
static int read_memreserve(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	int n = fdt_num_mem_rsv(c->fdt);

	if (n < 0)
		return fail(c, -KMM_EINVAL, "memory reservation block: %s", fdt_strerror(n));
	for (int i = 0; i < n; i++) {
		u64 base, size;
		int ret = fdt_get_mem_rsv(c->fdt, i, &base, &size);

		if (ret < 0)
			return fail(c, -KMM_EINVAL, "/memreserve/ entry %d: %s", i,
				    fdt_strerror(ret));
		if (!size)
			break;
		if (dt->nr_memreserve >= KMM_DT_MAX_MEMRESERVE)
			return fail(c, -KMM_EOVERFLOW, "more than %u /memreserve/ entries",
				    KMM_DT_MAX_MEMRESERVE);
		dt->memreserve[dt->nr_memreserve].base = base;
		dt->memreserve[dt->nr_memreserve++].size = size;
	}
	return 0;
}

/* __reserved_mem_alloc_size(): size and alignment must be exactly one number */
static void read_rmem_dynamic(struct ctx *c, int node, struct kmm_dt_rmem *r)
{
	struct kmm_dt *dt = c->dt;
	const void *p;
	int len;

	p = getprop(c, node, "size", &len);
	if (p) {
		r->has_size = true;
		r->size_invalid = len != (int)dt->size_cells * 4;
		if (!r->size_invalid)
			r->size = rd_cells(p, dt->size_cells);
	}
	p = getprop(c, node, "alignment", &len);
	if (p) {
		r->has_alignment = true;
		r->alignment_invalid = len != (int)dt->addr_cells * 4;
		if (!r->alignment_invalid)
			r->alignment = rd_cells(p, dt->addr_cells);
	}
}

static int read_rmem_child(struct ctx *c, int node)
{
	struct kmm_dt *dt = c->dt;
	struct kmm_dt_rmem *r;
	const void *p;
	int len, ret;

	if (dt->nr_rmem >= KMM_DT_MAX_RMEM)
		return full(c, fdt_parent_offset(c->fdt, node), "reserved-memory children",
			    KMM_DT_MAX_RMEM);
	r = &dt->rmem[dt->nr_rmem];
	ret = copy_name(c, node, r->name);
	if (ret)
		return ret;
	r->available = node_available(c, node);
	p = getprop(c, node, "status", &len);
	copy_str(r->status, sizeof(r->status), p, len);
	r->no_map = fdt_getprop(c->fdt, node, "no-map", NULL) != NULL;
	r->reusable = fdt_getprop(c->fdt, node, "reusable", NULL) != NULL;
	r->cma_default = fdt_getprop(c->fdt, node, "linux,cma-default", NULL) != NULL;
	p = getprop(c, node, "compatible", &len);
	copy_str(r->compatible, sizeof(r->compatible), p, len);
	r->shared_dma_pool = prop_has_string(p, len, "shared-dma-pool");

	p = getprop(c, node, "reg", &len);
	if (p) {
		r->has_reg = true;
		ret = read_ranges(c, node, "reg", p, len, r->reg, KMM_DT_MAX_RMEM_REG, &r->nr_reg,
				  false, &r->reg_invalid);
		if (ret)
			return ret;
	}
	read_rmem_dynamic(c, node, r);
	p = getprop(c, node, "alloc-ranges", &len);
	if (p) {
		r->has_alloc_ranges = true;
		ret = read_ranges(c, node, "alloc-ranges", p, len, r->alloc_ranges,
				  KMM_DT_MAX_ALLOC_RANGES, &r->nr_alloc_ranges, false,
				  &r->alloc_ranges_invalid);
		if (ret)
			return ret;
	}
	r->kind = r->has_reg ? KMM_DT_RMEM_STATIC :
		  r->has_size ? KMM_DT_RMEM_DYNAMIC : KMM_DT_RMEM_NONE;
	dt->nr_rmem++;
	return 0;
}

/* fdt_scan_reserved_mem() and __reserved_mem_check_root() */
static int read_rmem(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	int node, child, ret;

	node = fdt_path_offset(c->fdt, "/reserved-memory");
	if (node < 0)
		return 0;
	dt->has_reserved_memory = true;
	dt->rmem_has_addr_cells = read_u32(c, node, "#address-cells", &dt->rmem_addr_cells, NULL);
	dt->rmem_has_size_cells = read_u32(c, node, "#size-cells", &dt->rmem_size_cells, NULL);
	dt->rmem_has_ranges = fdt_getprop(c->fdt, node, "ranges", NULL) != NULL;
	dt->rmem_unsupported = !dt->rmem_has_addr_cells || !dt->rmem_has_size_cells ||
			       dt->rmem_addr_cells != dt->addr_cells ||
			       dt->rmem_size_cells != dt->size_cells || !dt->rmem_has_ranges;
	if (dt->rmem_unsupported)
		return 0;
	fdt_for_each_subnode(child, c->fdt, node) {
		ret = read_rmem_child(c, child);
		if (ret)
			return ret;
	}
	return 0;
}

/* of_node_name_eq(node, "cpu") || device_type == "cpu" */
static bool is_cpu_node(struct ctx *c, int node)
{
	const char *name = fdt_get_name(c->fdt, node, NULL);
	const void *type;
	int len;

	if (name && kmm_strncmp(name, "cpu", 3) == 0 && (name[3] == '\0' || name[3] == '@'))
		return true;
	type = getprop(c, node, "device_type", &len);
	return prop_streq(type, len, "cpu");
}

/* for_each_of_cpu_node() with of_numa_parse_cpu_nodes() and of_get_cpu_hwid() */
static int read_cpus(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	u32 ac = 1;
	int cpus, node, len;

	cpus = fdt_path_offset(c->fdt, "/cpus");
	if (cpus < 0)
		return 0;
	if (!read_u32(c, cpus, "#address-cells", &ac, NULL))
		ac = dt->addr_cells; /* of_n_addr_cells() goes up to the root */
	fdt_for_each_subnode(node, c->fdt, cpus) {
		struct kmm_dt_cpu *cpu;
		const void *p;

		if (!is_cpu_node(c, node))
			continue;
		if (dt->nr_cpus >= KMM_DT_MAX_CPUS)
			return full(c, cpus, "cpu nodes", KMM_DT_MAX_CPUS);
		cpu = &dt->cpus[dt->nr_cpus++];
		p = getprop(c, node, "status", &len);
		cpu->failed = prop_streq(p, len, "fail") ||
			      (p && len > 5 && kmm_strncmp(p, "fail-", 5) == 0);
		p = getprop(c, node, "reg", &len);
		cpu->hwid = (p && ac && (u64)ac * 4 <= (u64)len) ? rd_cells(p, ac) : KMM_DT_BAD_ADDR;
		cpu->has_nid = read_u32(c, node, "numa-node-id", &cpu->nid, &cpu->nid_bad);
	}
	return 0;
}

/* of_numa_parse_distance_map(): the first numa-distance-map-v1 node */
static int read_distance_map(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	const u8 *p;
	int node, len;

	node = fdt_node_offset_by_compatible(c->fdt, -1, "numa-distance-map-v1");
	if (node < 0)
		return 0;
	dt->has_distance_map = true;
	p = getprop(c, node, "distance-matrix", &len);
	if (!p)
		return 0;
	dt->has_distance_matrix = true;
	if (len == 0 || len % 4) {
		dt->distance_matrix_invalid = true;
		return 0;
	}
	for (int i = 0; i + 2 < len / 4; i += 3) {
		struct kmm_dt_distance *d;

		if (dt->nr_distances >= KMM_DT_MAX_DISTANCES)
			return full(c, node, "distance-matrix entries", KMM_DT_MAX_DISTANCES);
		d = &dt->distances[dt->nr_distances++];
		d->from = (u32)rd_cells(p + i * 4, 1);
		d->to = (u32)rd_cells(p + i * 4 + 4, 1);
		d->distance = (u32)rd_cells(p + i * 4 + 8, 1);
	}
	return 0;
}

/*
 * The dma-ranges walk keeps one level per depth of the current path:
 * the node, its bus cells (of_bus_n_addr_cells / of_bus_n_size_cells: its
 * own #address-cells / #size-cells, else inherited, else 1) and its
 * dma-ranges.
 */
struct dma_level {
	int node;
	u32 ac, sc;
	const u8 *ranges;
	int rlen;
	bool has_ranges;
};

#define OF_CHECK_COUNTS(na, ns) ((na) > 0 && (na) <= 4 && (ns) > 0)

/*
 * dma_translate - Linux's of_translate_dma_address(N, addr) for the node N
 * at depth @d, @a being an address in its parent's bus space: walk up,
 * mapping through each ancestor's dma-ranges (absent or empty: 1:1) until
 * the root.  Only the default bus is modelled: of_read_number() of three PCI
 * cells already drops the flags cell, but the PCI space-type match is not
 * checked.  Returns KMM_DT_BAD_ADDR where Linux's translation fails.
 */
static u64 dma_translate(const struct dma_level *lv, int d, u64 a)
{
	u32 na, ns;

	if (d == 0)
		return KMM_DT_BAD_ADDR; /* the root has no parent bus */
	na = lv[d - 1].ac;
	ns = lv[d - 1].sc;
	if (!OF_CHECK_COUNTS(na, ns))
		return KMM_DT_BAD_ADDR;
	for (int e = d - 1; e > 0; e--) {
		const struct dma_level *bus = &lv[e];
		u32 pna = lv[e - 1].ac, pns = lv[e - 1].sc;
		u64 offset = KMM_DT_BAD_ADDR;

		if (!OF_CHECK_COUNTS(pna, pns))
			return KMM_DT_BAD_ADDR;
		if (!bus->has_ranges || bus->rlen == 0) {
			offset = a;
			a = 0;
		} else {
			u32 rone = na + pna + ns;

			for (int r = 0; (u32)(bus->rlen / 4 - r) >= rone; r += (int)rone) {
				const u8 *p = bus->ranges + r * 4;
				u64 cp = rd_cells(p, na), s = rd_cells(p + (na + pna) * 4, ns);

				if (a >= cp && a < cp + s) {
					offset = a - cp;
					a = rd_cells(p + na * 4, pna);
					break;
				}
			}
			if (offset == KMM_DT_BAD_ADDR)
				return KMM_DT_BAD_ADDR;
		}
		a += offset;
		if (pna == 1)
			a &= 0xffffffffULL; /* of_bus_default_translate writes one cell */
		na = pna;
		ns = pns;
	}
	return a;
}

/* one node's dma-ranges: record the entries, return Linux's cpu_end */
static int dma_node(struct ctx *c, const struct dma_level *lv, int d, u64 *cpu_end)
{
	struct kmm_dt *dt = c->dt;
	const struct dma_level *n = &lv[d];
	u32 na = n->ac, ns = n->sc, pna = d ? lv[d - 1].ac : n->ac;
	u32 np = na + pna + ns;

	*cpu_end = 0;
	if (np == 0)
		return 0; /* Linux would loop forever; nothing to read */
	for (u64 r = 0; (r + np) * 4 <= (u64)n->rlen; r += np) {
		const u8 *p = n->ranges + r * 4;
		struct kmm_dt_dma_range *e;

		if (dt->nr_dma_ranges >= KMM_DT_MAX_DMA_RANGES)
			return full(c, n->node, "dma-ranges entries", KMM_DT_MAX_DMA_RANGES);
		e = &dt->dma_ranges[dt->nr_dma_ranges++];
		kmm_strlcpy(e->node, node_path(c, n->node), sizeof(e->node));
		e->bus_addr = rd_cells(p, na);
		e->parent_addr = rd_cells(p + na * 4, pna);
		e->size = rd_cells(p + (na + pna) * 4, ns);
		e->cpu_addr = dma_translate(lv, d, e->parent_addr);
		if (e->cpu_addr + e->size > *cpu_end)
			*cpu_end = e->cpu_addr + e->size - 1;
	}
	return 0;
}

static void dma_level_init(struct ctx *c, struct dma_level *lv, int d, int node)
{
	struct dma_level *l = &lv[d];
	const void *p;
	int len;

	l->node = node;
	if (!read_u32(c, node, "#address-cells", &l->ac, NULL))
		l->ac = d ? lv[d - 1].ac : 1;
	if (!read_u32(c, node, "#size-cells", &l->sc, NULL))
		l->sc = d ? lv[d - 1].sc : 1;
	p = getprop(c, node, "dma-ranges", &len);
	l->has_ranges = p != NULL;
	l->ranges = p;
	l->rlen = len;
}

/*
 * of_dma_get_max_cpu_address(NULL): the root and every available node
 * whose ancestors are all available, in tree order.
 */
static int read_dma_ranges(struct ctx *c)
{
	static const int no_skip = KMM_DT_MAX_DEPTH + 1;
	struct dma_level lv[KMM_DT_MAX_DEPTH];
	phys_addr_t max = KMM_PHYS_ADDR_MAX;
	int node = 0, depth = 0, skip = no_skip;

	/* fdt_next_node() leaves the root with a depth of -1 */
	for (; node >= 0 && depth >= 0; node = fdt_next_node(c->fdt, node, &depth)) {
		u64 cpu_end;
		int ret;

		if (depth > skip)
			continue;
		skip = no_skip;
		if (depth >= KMM_DT_MAX_DEPTH)
			return fail(c, -KMM_EOVERFLOW, "%s: nested deeper than %d levels",
				    node_path(c, node), KMM_DT_MAX_DEPTH);
		if (depth > 0 && !node_available(c, node)) {
			skip = depth;
			continue;
		}
		dma_level_init(c, lv, depth, node);
		if (!lv[depth].has_ranges || lv[depth].rlen == 0)
			continue;
		ret = dma_node(c, lv, depth, &cpu_end);
		if (ret)
			return ret;
		if (max > cpu_end)
			max = cpu_end;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return fail(c, -KMM_EINVAL, "structure block: %s", fdt_strerror(node));
	c->dt->dma_max_cpu_addr = max;
	return 0;
}

/*
 * unflatten_dt_nodes() dry run: how much unflatten_device_tree() asks for.
 * Every node is kept (arm64 has CONFIG_OF_KOBJ), except nodes nested 63
 * levels or deeper, which Linux skips with a warning.  A node takes a
 * struct device_node followed by its name and NUL; each property a struct
 * property; a node without a "name" property gets one made up from its
 * unit name up to the last '@', the string stored after the struct.  Every
 * piece starts at the next multiple of 8; only the string parts can leave a
 * gap, so they are summed padded to 8 and the padding of the very last
 * piece, which nothing follows, is taken back at the end.
 */
#define UNFLATTEN_MAX_DEPTH 64 /* Linux FDT_MAX_DEPTH */

static u64 pad8(u64 n)
{
	return KMM_ALIGN(n, 8);
}

/* /chosen's rng-seed, which early_init_dt_scan_chosen() overwrites with NOPs */
static bool prop_is_consumed_seed(struct ctx *c, int node, const char *name, int len)
{
	return node == c->chosen && len > 0 && !kmm_strcmp(name, "rng-seed");
}

static void unflatten_node(struct ctx *c, int node, u64 *last_str)
{
	struct kmm_dt *dt = c->dt;
	const char *name = fdt_get_name(c->fdt, node, NULL);
	size_t nlen = name ? kmm_strlen(name) : 0;
	bool has_name = false;
	int prop;

	dt->unflat_nodes++;
	dt->unflat_bytes += pad8(nlen + 1);
	*last_str = nlen + 1;
	fdt_for_each_property_offset(prop, c->fdt, node) {
		const char *pname;
		int len;

		if (!fdt_getprop_by_offset(c->fdt, prop, &pname, &len) || !pname)
			continue;
		if (prop_is_consumed_seed(c, node, pname, len))
			continue;
		if (!kmm_strcmp(pname, "name"))
			has_name = true;
		dt->unflat_props++;
		*last_str = 0;
	}
	if (!has_name) {
		size_t stem = nlen; /* the unit name up to its last '@' */

		for (size_t i = 0; i < nlen; i++)
			if (name[i] == '@')
				stem = i;
		dt->unflat_props++;
		dt->unflat_bytes += pad8(stem + 1);
		*last_str = stem + 1;
	}
}

static int read_unflatten(struct ctx *c)
{
	struct kmm_dt *dt = c->dt;
	int node = 0, depth = 0;
	u64 last_str = 0;

	for (; node >= 0 && depth >= 0; node = fdt_next_node(c->fdt, node, &depth)) {
		if (depth >= UNFLATTEN_MAX_DEPTH - 1)
			continue;
		unflatten_node(c, node, &last_str);
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return fail(c, -KMM_EINVAL, "structure block: %s", fdt_strerror(node));
	dt->unflat_bytes -= pad8(last_str) - last_str;
	return 0;
}

u64 kmm_fdt_unflatten_size(const struct kmm_dt *dt, u64 node_size, u64 prop_size)
{
	u64 size;

	if (!node_size || !prop_size || node_size % 8 || prop_size % 8 || !dt->unflat_nodes)
		return 0;
	size = dt->unflat_nodes * node_size + dt->unflat_props * prop_size + dt->unflat_bytes;
	return KMM_ALIGN(size, 4) + 4; /* room for the 0xdeadbeef end marker */
}

/*
 * Walk the structure block tag by tag and require every step to move
 * forward inside it.  libfdt's fdt_next_tag() adds a property's length to
 * the offset as a signed int, so a length near 2^32 steps backwards and
 * fdt_check_full() (libfdt 1.6.1) then loops forever: the fuzzer found
 * such a blob.  Linux would hang or crash on it; kmm reports it.
 */
static int check_tags_advance(struct ctx *c, const void *blob)
{
	int offset = 0, next = 0;
	u32 tag;

	do {
		offset = next;
		tag = fdt_next_tag(blob, offset, &next);
		if (tag == FDT_END)
			return 0;
		if (next <= offset || (u32)next > fdt_size_dt_struct(blob))
			return fail(c, -KMM_EINVAL,
				    "corrupt device tree: the tag at structure offset %d (0x%x) "
				    "does not advance", offset, tag);
	} while (1);
}

static int check_blob(struct ctx *c, const void *blob, size_t blob_size)
{
	int ret;

	if (!blob || blob_size < sizeof(struct fdt_header))
		return fail(c, -KMM_EINVAL,
			    "truncated: %zu bytes cannot hold an FDT header (%zu bytes)", blob_size,
			    sizeof(struct fdt_header));
	ret = fdt_check_header(blob);
	if (ret)
		return fail(c, -KMM_EINVAL, "not a flattened device tree: %s", fdt_strerror(ret));
	if (fdt_totalsize(blob) > blob_size)
		return fail(c, -KMM_EINVAL,
			    "truncated: header totalsize %u exceeds the %zu bytes given",
			    fdt_totalsize(blob), blob_size);
	ret = check_tags_advance(c, blob);
	if (ret)
		return ret;
	ret = fdt_check_full(blob, blob_size);
	if (ret)
		return fail(c, -KMM_EINVAL, "corrupt device tree: %s", fdt_strerror(ret));
	c->dt->totalsize = fdt_totalsize(blob);
	return 0;
}

int kmm_fdt_read(struct kmm_dt *dt, const void *blob, size_t blob_size, char *err, size_t errlen)
{
	static int (*const readers[])(struct ctx *) = {
		read_root, read_chosen, read_memory, read_memreserve,
		read_rmem, read_cpus, read_distance_map, read_dma_ranges, read_unflatten,
	};
	struct ctx c = { .dt = dt, .fdt = blob, .err = err, .errlen = errlen, .chosen = -1 };
	int ret;

	kmm_memset(dt, 0, sizeof(*dt));
	if (errlen)
		err[0] = '\0';
	ret = check_blob(&c, blob, blob_size);
	for (size_t i = 0; !ret && i < KMM_ARRAY_SIZE(readers); i++)
		ret = readers[i](&c);
	return ret;
}
