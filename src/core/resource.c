// SPDX-License-Identifier: MIT
/*
 * resource.c - the resource tree of Linux 6.1 (kernel/resource.c) and the
 * text of /proc/iomem; see kmm/resource.h.
 *
 * Types: struct kmm_resource (one named range [start, end], end inclusive),
 * struct kmm_resource_tree (the root and a fixed pool of nodes), struct
 * kmm_iomem (the machine's tree and the arrays its initcalls revisit).
 *
 * Lifecycle: kmm_resource_tree_init() -> nodes from kmm_resource_new() /
 * kmm_resource_new_array() -> linked by request / insert / split ->
 * printed by kmm_iomem_show().  Linked nodes are never unlinked at boot;
 * a node that could not be placed goes back with kmm_resource_free().
 *
 * The two ways in differ in what they tolerate:
 *   request: [new] must fall in one gap between its parent's children.
 *   insert:  [new] may cover whole children (they move under it) or lie
 *            inside one (it goes one level down); it may not cut one.
 *
 *     parent  [..........................................]
 *     request          [new]        ok: a gap
 *     request     [  new  ]         busy: overlaps A
 *     insert      [    new     ]    ok: A and B become new's children
 *     insert        [n]             ok: goes inside A
 *     insert            [  new  ]   busy: cuts B
 *     children      [ A ]  [ B ]
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/resource.h>

/* ---------------------------------------------------------------- the pool */

void kmm_resource_tree_init(struct kmm_resource_tree *t, const struct kmm_env *env,
			    const char *name, u64 end)
{
	kmm_memset(&t->root, 0, sizeof(t->root));
	kmm_strlcpy(t->root.name, name, sizeof(t->root.name));
	t->root.end = end;
	t->root.flags = KMM_IORESOURCE_MEM;
	t->env = env;
	t->nr_used = 0;
	t->nr_free = 0;
	t->free = NULL;
}

/* "[mem 0x00100000-0x7ffdffff]", as %pR prints a memory range */
static void fmt_range(char *buf, size_t len, u64 start, u64 end)
{
	kmm_snprintf(buf, len, "[mem %#010llx-%#010llx]", (unsigned long long)start,
		     (unsigned long long)end);
}

/* one node off the free list, else a fresh one; NULL when the pool is exhausted */
static struct kmm_resource *pool_take(struct kmm_resource_tree *t)
{
	struct kmm_resource *r = t->free;

	if (r) {
		t->free = r->sibling;
		t->nr_free--;
	} else if (t->nr_used < KMM_RESOURCE_POOL_SIZE) {
		r = &t->pool[t->nr_used++];
	}
	if (r)
		kmm_memset(r, 0, sizeof(*r));
	return r;
}

int kmm_resource_new(struct kmm_resource_tree *t, const char *name, u64 start, u64 end,
		     unsigned long flags, enum kmm_iores_desc desc, struct kmm_resource **out,
		     char *err, size_t errlen)
{
	struct kmm_resource *r;
	char range[64];

	if (kmm_strlen(name) >= KMM_RESOURCE_NAME_MAX) {
		kmm_snprintf(err, errlen, "resource name '%s' longer than %u characters", name,
			     KMM_RESOURCE_NAME_MAX - 1);
		return -KMM_EINVAL;
	}
	r = pool_take(t);
	if (!r) {
		fmt_range(range, sizeof(range), start, end);
		kmm_snprintf(err, errlen, "resource pool full (%u entries): cannot add %s %s",
			     KMM_RESOURCE_POOL_SIZE, name, range);
		return -KMM_EOVERFLOW;
	}
	kmm_strlcpy(r->name, name, sizeof(r->name));
	r->start = start;
	r->end = end;
	r->flags = flags;
	r->desc = desc;
	*out = r;
	return 0;
}

int kmm_resource_new_array(struct kmm_resource_tree *t, unsigned int n, const char *what,
			   struct kmm_resource **out, char *err, size_t errlen)
{
	if (n > KMM_RESOURCE_POOL_SIZE - t->nr_used) {
		kmm_snprintf(err, errlen,
			     "resource pool full (%u entries): cannot add %s (%u entries)",
			     KMM_RESOURCE_POOL_SIZE, what, n);
		return -KMM_EOVERFLOW;
	}
	*out = &t->pool[t->nr_used];
	kmm_memset(*out, 0, sizeof(**out) * n);
	t->nr_used += n;
	return 0;
}

void kmm_resource_free(struct kmm_resource_tree *t, struct kmm_resource *r)
{
	KMM_CHECK(t->env, !r->parent && r >= t->pool && r < t->pool + t->nr_used);
	r->child = NULL;
	r->sibling = t->free;
	t->free = r;
	t->nr_free++;
}

/* ---------------------------------------------------------------- request, insert */

struct kmm_resource *kmm_request_resource_conflict(struct kmm_resource *parent,
						   struct kmm_resource *new)
{
	struct kmm_resource **link = &parent->child;

	if (new->end < new->start || new->start < parent->start || new->end > parent->end)
		return parent;
	/* children are sorted: stop at the first one that ends at or after new starts */
	for (; *link && (*link)->end < new->start; link = &(*link)->sibling)
		;
	if (*link && (*link)->start <= new->end)
		return *link;
	new->sibling = *link;
	new->parent = parent;
	*link = new;
	return NULL;
}

/*
 * The error text of a failed request or insert: @op, the new resource, and
 * why (@conflict is the parent for an empty or outside range).
 */
static int conflict_error(const char *op, const struct kmm_resource *parent,
			  const struct kmm_resource *new, const struct kmm_resource *conflict,
			  bool partial, char *err, size_t errlen)
{
	char a[64], b[64];

	fmt_range(a, sizeof(a), new->start, new->end);
	if (conflict == new) {
		kmm_snprintf(err, errlen, "%s: %s %s is already in the tree", op, new->name, a);
		return -KMM_EEXIST;
	}
	if (new->end < new->start) {
		kmm_snprintf(err, errlen, "%s: %s %s: end below start", op, new->name, a);
		return -KMM_EINVAL;
	}
	fmt_range(b, sizeof(b), conflict->start, conflict->end);
	if (conflict == parent) {
		kmm_snprintf(err, errlen, "%s: %s %s is outside %s %s", op, new->name, a,
			     parent->name, b);
		return -KMM_ERANGE;
	}
	kmm_snprintf(err, errlen, "%s: %s %s %s %s %s", op, new->name, a,
		     partial ? "partially overlaps" : "conflicts with", conflict->name, b);
	return -KMM_EBUSY;
}

int kmm_request_resource(struct kmm_resource *parent, struct kmm_resource *new, char *err,
			 size_t errlen)
{
	struct kmm_resource *conflict = new->parent ? new :
						      kmm_request_resource_conflict(parent, new);

	if (!conflict)
		return 0;
	return conflict_error("request_resource", parent, new, conflict, false, err, errlen);
}

/* the child of @parent whose sibling is @r (NULL: @r is the first child) */
static struct kmm_resource *prev_sibling(struct kmm_resource *parent, struct kmm_resource *r)
{
	struct kmm_resource *p = parent->child;

	if (p == r)
		return NULL;
	while (p->sibling != r)
		p = p->sibling;
	return p;
}

/*
 * Put @new in place of the run of siblings @first..@last under @parent,
 * which become @new's children (their order kept).
 */
static void adopt_run(struct kmm_resource *parent, struct kmm_resource *new,
		      struct kmm_resource *first, struct kmm_resource *last)
{
	struct kmm_resource *prev = prev_sibling(parent, first);

	new->parent = parent;
	new->sibling = last->sibling;
	new->child = first;
	last->sibling = NULL;
	for (struct kmm_resource *c = first; c; c = c->sibling)
		c->parent = new;
	if (prev)
		prev->sibling = new;
	else
		parent->child = new;
}

struct kmm_resource *kmm_insert_resource_conflict(struct kmm_resource *parent,
						  struct kmm_resource *new)
{
	struct kmm_resource *first, *last;

	if (new->parent)
		return new;
	/*
	 * Find the level: while the lowest resource in the way holds all of
	 * @new (and is not the same range, which @new then wraps), go inside.
	 */
	for (;;) {
		first = kmm_request_resource_conflict(parent, new);
		if (!first || first == parent)
			return first;
		if (first->start > new->start || first->end < new->end)
			break;
		if (first->start == new->start && first->end == new->end)
			break;
		parent = first;
	}
	/* every sibling from @first on that overlaps @new must lie inside it */
	for (last = first;; last = last->sibling) {
		if (last->start < new->start || last->end > new->end)
			return last;
		if (!last->sibling || last->sibling->start > new->end)
			break;
	}
	adopt_run(parent, new, first, last);
	return NULL;
}

int kmm_insert_resource(struct kmm_resource *parent, struct kmm_resource *new, char *err,
			size_t errlen)
{
	struct kmm_resource *conflict = kmm_insert_resource_conflict(parent, new);

	if (!conflict)
		return 0;
	return conflict_error("insert_resource", parent, new, conflict, true, err, errlen);
}

void kmm_insert_resource_expand_to_fit(struct kmm_resource_tree *t, struct kmm_resource *root,
				       struct kmm_resource *new)
{
	struct kmm_resource *conflict;

	if (new->parent)
		return;
	/* each round widens @new strictly, so this ends */
	while ((conflict = kmm_insert_resource_conflict(root, new)) && conflict != root) {
		if (conflict->start < new->start)
			new->start = conflict->start;
		if (conflict->end > new->end)
			new->end = conflict->end;
		if (t->env)
			kmm_printk(t->env, "Expanded resource %s due to conflict with %s",
				   new->name, conflict->name);
	}
}

/* ---------------------------------------------------------------- split */

/*
 * Busy leaves over the gaps of [start, end] between @root's children.
 * Linux finds them by requesting the range and trimming it at each
 * conflict; walking the sorted children gives the same pieces.
 */
static int split_into_gaps(struct kmm_resource_tree *t, struct kmm_resource *root, u64 start,
			   u64 end, const char *name, char *err, size_t errlen)
{
	unsigned long type = root->flags & KMM_IORESOURCE_TYPE_BITS;
	const struct kmm_resource *c = root->child;
	u64 pos = start;

	for (;;) {
		struct kmm_resource *r;
		u64 gap_end;
		int ret;

		while (c && c->end < pos)
			c = c->sibling;
		if (c && c->start <= pos) {
			/* @pos is taken: skip past the child, or stop when it covers the rest */
			if (c->end >= end)
				return 0;
			pos = c->end + 1;
			continue;
		}
		gap_end = c && c->start <= end ? c->start - 1 : end;
		ret = kmm_resource_new(t, name, pos, gap_end, type | KMM_IORESOURCE_BUSY,
				       KMM_IORES_DESC_NONE, &r, err, errlen);
		if (ret)
			return ret;
		if (kmm_request_resource_conflict(root, r)) {
			KMM_CHECK(t->env, !"a gap between children is free");
			kmm_resource_free(t, r);
		}
		if (gap_end == end)
			return 0;
		pos = gap_end + 1;
	}
}

int kmm_reserve_region_with_split(struct kmm_resource_tree *t, struct kmm_resource *root, u64 start,
				  u64 end, const char *name, char *err, size_t errlen)
{
	char range[64];

	if (start > end) {
		kmm_snprintf(err, errlen,
			     "reserve_region_with_split: %s [%#llx-%#llx]: end below start", name,
			     (unsigned long long)start, (unsigned long long)end);
		return -KMM_EINVAL;
	}
	if (kmm_strlen(name) >= KMM_RESOURCE_NAME_MAX) {
		kmm_snprintf(err, errlen, "resource name '%s' longer than %u characters", name,
			     KMM_RESOURCE_NAME_MAX - 1);
		return -KMM_EINVAL;
	}
	if (start < root->start || end > root->end) {
		/* Linux complains, then clips what overlaps the root and drops the rest */
		fmt_range(range, sizeof(range), root->start, root->end);
		if (t->env)
			kmm_printk(t->env, "requested range [%#llx-%#llx] not in root %s",
				   (unsigned long long)start, (unsigned long long)end, range);
		if (start > root->end || end < root->start)
			return 0;
		start = KMM_MAX(start, root->start);
		end = KMM_MIN(end, root->end);
		if (t->env)
			kmm_printk(t->env, "fixing request to [%#llx-%#llx]",
				   (unsigned long long)start, (unsigned long long)end);
	}
	return split_into_gaps(t, root, start, end, name, err, errlen);
}

/* ---------------------------------------------------------------- walk, show, validate */

const struct kmm_resource *kmm_resource_next(const struct kmm_resource *r)
{
	if (r->child)
		return r->child;
	while (!r->sibling && r->parent)
		r = r->parent;
	return r->sibling;
}

/* levels below the root, counted as r_show() does (capped) */
static int show_depth(const struct kmm_resource_tree *t, const struct kmm_resource *r)
{
	int depth = 0;

	while (depth < KMM_IORES_MAX_LEVEL && r->parent && r->parent != &t->root) {
		r = r->parent;
		depth++;
	}
	return depth;
}

size_t kmm_iomem_show(const struct kmm_resource_tree *t, char *buf, size_t size)
{
	int width = t->root.end < 0x10000 ? 4 : 8;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (const struct kmm_resource *r = t->root.child; r; r = kmm_resource_next(r)) {
		size_t room = len < size ? size - len : 0;
		int n = kmm_snprintf(room ? buf + len : NULL, room, "%*s%0*llx-%0*llx : %s\n",
				     show_depth(t, r) * 2, "", width, (unsigned long long)r->start,
				     width, (unsigned long long)r->end, r->name);

		len += (size_t)n;
	}
	return len;
}

static bool in_pool(const struct kmm_resource_tree *t, const struct kmm_resource *r)
{
	return r >= t->pool && r < t->pool + t->nr_used;
}

/* @r's children: from the pool, linked back to @r, inside it, sorted and disjoint */
static bool children_ok(const struct kmm_resource_tree *t, const struct kmm_resource *r)
{
	const struct kmm_resource *prev = NULL;

	for (const struct kmm_resource *c = r->child; c; prev = c, c = c->sibling) {
		if (!in_pool(t, c) || c->parent != r || c->start > c->end || c->start < r->start ||
		    c->end > r->end)
			return false;
		if (prev && prev->end >= c->start)
			return false;
	}
	return true;
}

bool kmm_resource_validate(const struct kmm_resource_tree *t)
{
	unsigned int linked = 0, freed = 0;

	if (t->nr_used > KMM_RESOURCE_POOL_SIZE || t->nr_free > t->nr_used)
		return false;
	if (!children_ok(t, &t->root))
		return false;
	/* each node at most once: a cycle would exceed the pool */
	for (const struct kmm_resource *r = t->root.child; r; r = kmm_resource_next(r)) {
		if (++linked > t->nr_used || !children_ok(t, r))
			return false;
	}
	for (const struct kmm_resource *r = t->free; r; r = r->sibling) {
		if (++freed > t->nr_free || !in_pool(t, r) || r->parent)
			return false;
	}
	return freed == t->nr_free && linked + freed <= t->nr_used;
}

/* ---------------------------------------------------------------- the machine's tree */

struct kmm_resource_tree *kmm_iomem_tree(struct kmm_machine *m)
{
	if (!m->iomem.started) {
		kmm_resource_tree_init(&m->iomem.tree, &m->env, "PCI mem", KMM_ULLONG_MAX);
		m->iomem.started = true;
	}
	return &m->iomem.tree;
}

int kmm_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen)
{
	int ret;

	if (m->iomem.initcalls_done)
		return 0;
	m->iomem.initcalls_done = true;
	if (m->kernel.arch == KMM_ARCH_ARM64)
		ret = kmm_arm64_iomem_initcalls(m, err, errlen);
	else
		ret = kmm_x86_iomem_initcalls(m, err, errlen);
	KMM_CHECK_EXPENSIVE(&m->env, kmm_resource_validate(kmm_iomem_tree(m)));
	return ret;
}
