// SPDX-License-Identifier: MIT
/*
 * memblock.c - the boot-time memory allocator (Linux 6.1 mm/memblock.c
 * semantics, written anew for kmm).
 *
 * Overview
 *   struct memblock describes physical memory as two sorted arrays of
 *   disjoint half-open regions [base, base + size): "memory" (RAM that
 *   exists, with node ids and flags) and "reserved" (RAM that is taken).
 *   Adjacent regions with the same node and flags are always merged.
 *
 *   Entry points: memblock_add(_node) and memblock_remove change "memory"; memblock_reserve and
 *   memblock_phys_free change "reserved"; memblock_mark_X/clear_X and
 *   memblock_set_node change region attributes; the allocation family finds a
 *   free range (memory minus reserved) top-down below current_limit (or
 *   bottom-up) and reserves it.
 *
 *   Lifecycle: memblock_init() -> adds/reservations by the firmware code ->
 *   memblock_allow_resize() -> allocations -> (later) handing free ranges to
 *   the page allocator.  The region arrays start as caller-provided arrays
 *   and double (allocated from memblock itself) once resizing is allowed.
 *
 * The results - every region and every returned address - are the ones
 * Linux 6.1 produces for the same sequence of calls, including its quirks
 * (memblock_trim_memory() leaves total_size alone; the first page is never
 * allocated; a failed allocation with a lower limit is retried without it).
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/memblock.h>

#define PFN_UP(mb, x) (((x) + (mb)->page_size - 1) / (mb)->page_size)
#define PFN_DOWN(mb, x) ((x) / (mb)->page_size)

#define memblock_dbg(mb, ...)                                                      \
	do {                                                                       \
		if ((mb)->debug)                                                   \
			kmm_printk((mb)->env, __VA_ARGS__);                        \
	} while (0)

/* report one change to env->memblock_trace, if set (kmm/memblock.h "Tracing") */
static void memblock_trace(const struct memblock *mb, enum memblock_trace_op op, phys_addr_t base,
			   phys_addr_t size, const char *caller)
{
	struct memblock_trace_event ev = { op, base, size, caller, mb->trace_label };

	if (mb->env && mb->env->memblock_trace)
		mb->env->memblock_trace(mb->env->memblock_trace_cookie, mb, &ev);
}

static phys_addr_t clamp_addr(phys_addr_t v, phys_addr_t lo, phys_addr_t hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

static phys_addr_t round_down_addr(phys_addr_t v, phys_addr_t align)
{
	return v & ~(align - 1);
}

static phys_addr_t round_up_addr(phys_addr_t v, phys_addr_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* adjust *@size so that @base + *@size does not overflow, return new size */
static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	phys_addr_t room = KMM_PHYS_ADDR_MAX - base;

	if (*size > room)
		*size = room;
	return *size;
}

static bool memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1, phys_addr_t base2,
				   phys_addr_t size2)
{
	return base1 < base2 + size2 && base2 < base1 + size1;
}

int memblock_get_region_node(const struct memblock *mb, const struct memblock_region *r)
{
	return mb->numa ? r->nid : 0;
}

void memblock_set_region_node(const struct memblock *mb, struct memblock_region *r, int nid)
{
	if (mb->numa)
		r->nid = nid;
}

static void type_reset(const struct memblock *mb, struct memblock_type *type)
{
	type->cnt = 1;
	type->total_size = 0;
	type->regions[0].base = 0;
	type->regions[0].size = 0;
	type->regions[0].flags = MEMBLOCK_NONE;
	type->regions[0].nid = mb->max_numnodes;
}

void memblock_init(struct memblock *mb, const struct kmm_env *env,
		   struct memblock_region *memory_regions, unsigned long memory_max,
		   struct memblock_region *reserved_regions, unsigned long reserved_max,
		   bool numa, int max_numnodes)
{
	kmm_memset(mb, 0, sizeof(*mb));
	mb->env = env;
	mb->numa = numa;
	mb->max_numnodes = numa ? max_numnodes : 1;
	mb->page_size = 4096;
	mb->bottom_up = false;
	mb->current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	mb->memory_init_regions = memory_regions;
	mb->reserved_init_regions = reserved_regions;
	mb->memory.regions = memory_regions;
	mb->memory.max = memory_max;
	mb->memory.name = "memory";
	mb->reserved.regions = reserved_regions;
	mb->reserved.max = reserved_max;
	mb->reserved.name = "reserved";
	kmm_memset(memory_regions, 0, memory_max * sizeof(*memory_regions));
	kmm_memset(reserved_regions, 0, reserved_max * sizeof(*reserved_regions));
	/* Linux's static arrays start zeroed: the dummy region is on node 0 */
	mb->memory.cnt = 1;
	mb->reserved.cnt = 1;
}

static bool type_validate(const struct memblock *mb, const struct memblock_type *type,
			  bool exact_total)
{
	phys_addr_t total = 0;
	unsigned long i;

	if (type->cnt < 1 || type->cnt > type->max) {
		kmm_printk(mb->env, "memblock: %s: cnt %lu outside 1..%lu", type->name, type->cnt,
			   type->max);
		return false;
	}
	if (type->cnt == 1 && type->regions[0].size == 0) {
		if (type->total_size != 0 && exact_total) {
			kmm_printk(mb->env, "memblock: %s: empty but total_size %#llx", type->name,
				   (unsigned long long)type->total_size);
			return false;
		}
		return true;
	}
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		if (r->size == 0 || r->base + r->size < r->base) {
			kmm_printk(mb->env, "memblock: %s[%#lx]: bad size %#llx", type->name, i,
				   (unsigned long long)r->size);
			return false;
		}
		if (i + 1 < type->cnt) {
			const struct memblock_region *n = &type->regions[i + 1];

			if (r->base + r->size > n->base) {
				kmm_printk(mb->env, "memblock: %s[%#lx]: overlaps or unsorted",
					   type->name, i);
				return false;
			}
			/* memory may hold unmerged neighbours: memblock_cap_memory_range()
			 * isolates without merging, as in Linux */
			if (type == &mb->reserved && r->base + r->size == n->base &&
			    r->flags == n->flags &&
			    memblock_get_region_node(mb, r) == memblock_get_region_node(mb, n)) {
				kmm_printk(mb->env, "memblock: %s[%#lx]: not merged with next",
					   type->name, i);
				return false;
			}
		}
		total += r->size;
	}
	if (exact_total && total != type->total_size) {
		kmm_printk(mb->env, "memblock: %s: total_size %#llx but regions add up to %#llx",
			   type->name, (unsigned long long)type->total_size,
			   (unsigned long long)total);
		return false;
	}
	return true;
}

/*
 * memblock.memory's total_size is not exact after memblock_trim_memory() (as
 * in Linux), so only the reserved total is checked exactly.
 */
bool memblock_validate(const struct memblock *mb)
{
	return type_validate(mb, &mb->memory, false) && type_validate(mb, &mb->reserved, true);
}

/* ------------------------------------------------------------ queries */

bool memblock_overlaps_region(const struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size)
{
	unsigned long i;

	memblock_cap_size(base, &size);
	for (i = 0; i < type->cnt; i++)
		if (memblock_addrs_overlap(base, size, type->regions[i].base,
					   type->regions[i].size))
			break;
	return i < type->cnt;
}

static enum memblock_flags choose_memblock_flags(const struct memblock *mb)
{
	return mb->system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

static bool should_skip_region(const struct memblock *mb, const struct memblock_type *type,
			       const struct memblock_region *m, int nid, int flags)
{
	int m_nid = memblock_get_region_node(mb, m);

	/* reserved regions are never skipped */
	if (type != &mb->memory)
		return false;
	if (nid != NUMA_NO_NODE && nid != m_nid)
		return true;
	if (mb->movable_node_enabled && (m->flags & MEMBLOCK_HOTPLUG) &&
	    !(flags & MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !(m->flags & MEMBLOCK_MIRROR))
		return true;
	if (!(flags & MEMBLOCK_NOMAP) && (m->flags & MEMBLOCK_NOMAP))
		return true;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (m->flags & MEMBLOCK_DRIVER_MANAGED))
		return true;
	return false;
}

static int fix_nid(const struct memblock *mb, int nid)
{
	/* Linux WARNs on MAX_NUMNODES and treats it as NUMA_NO_NODE */
	if (mb->numa && nid == mb->max_numnodes) {
		kmm_printk(mb->env, "Usage of MAX_NUMNODES is deprecated. Use NUMA_NO_NODE instead");
		return NUMA_NO_NODE;
	}
	return nid;
}

static void out_range(phys_addr_t s, phys_addr_t e, int n, phys_addr_t *out_start,
		      phys_addr_t *out_end, int *out_nid)
{
	if (out_start)
		*out_start = s;
	if (out_end)
		*out_end = e;
	if (out_nid)
		*out_nid = n;
}

/*
 * The cursor packs two indices: type_a's in the low 32 bits, type_b's in the
 * high 32 bits.  Free ranges are the gaps before each type_b region (and
 * after the last one) intersected with each type_a region; whichever of the
 * two ends first advances.
 */
void __next_mem_range(const struct memblock *mb, u64 *idx, int nid, enum memblock_flags flags,
		      const struct memblock_type *type_a, const struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	/* the two halves are ints, as in Linux: a stored (u32)-1 reads back as -1 */
	long idx_a = (int)(u32)(*idx & 0xffffffff);
	long idx_b = (int)(u32)(*idx >> 32);

	nid = fix_nid(mb, nid);
	for (; idx_a < (long)type_a->cnt; idx_a++) {
		const struct memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;
		int m_nid = memblock_get_region_node(mb, m);

		if (should_skip_region(mb, type_a, m, nid, flags))
			continue;
		if (!type_b) {
			out_range(m_start, m_end, m_nid, out_start, out_end, out_nid);
			idx_a++;
			*idx = (u32)idx_a | (u64)idx_b << 32;
			return;
		}
		for (; idx_b < (long)type_b->cnt + 1; idx_b++) {
			const struct memblock_region *r = &type_b->regions[idx_b];
			phys_addr_t r_start = idx_b ? r[-1].base + r[-1].size : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ? r->base : KMM_PHYS_ADDR_MAX;

			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				out_range(KMM_MAX(m_start, r_start), KMM_MIN(m_end, r_end), m_nid,
					  out_start, out_end, out_nid);
				if (m_end <= r_end)
					idx_a++;
				else
					idx_b++;
				*idx = (u32)idx_a | (u64)idx_b << 32;
				return;
			}
		}
	}
	*idx = KMM_ULLONG_MAX;
}

void __next_mem_range_rev(const struct memblock *mb, u64 *idx, int nid, enum memblock_flags flags,
			  const struct memblock_type *type_a, const struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	/* the two halves are ints, as in Linux: a stored (u32)-1 reads back as -1 */
	long idx_a = (int)(u32)(*idx & 0xffffffff);
	long idx_b = (int)(u32)(*idx >> 32);

	nid = fix_nid(mb, nid);
	if (*idx == KMM_ULLONG_MAX) {
		idx_a = (long)type_a->cnt - 1;
		idx_b = type_b ? (long)type_b->cnt : 0;
	}
	for (; idx_a >= 0; idx_a--) {
		const struct memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;
		int m_nid = memblock_get_region_node(mb, m);

		if (should_skip_region(mb, type_a, m, nid, flags))
			continue;
		if (!type_b) {
			out_range(m_start, m_end, m_nid, out_start, out_end, out_nid);
			idx_a--;
			*idx = (u32)idx_a | (u64)idx_b << 32;
			return;
		}
		for (; idx_b >= 0; idx_b--) {
			const struct memblock_region *r = &type_b->regions[idx_b];
			phys_addr_t r_start = idx_b ? r[-1].base + r[-1].size : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ? r->base : KMM_PHYS_ADDR_MAX;

			if (r_end <= m_start)
				break;
			if (m_end > r_start) {
				out_range(KMM_MAX(m_start, r_start), KMM_MIN(m_end, r_end), m_nid,
					  out_start, out_end, out_nid);
				if (m_start >= r_start)
					idx_a--;
				else
					idx_b--;
				*idx = (u32)idx_a | (u64)idx_b << 32;
				return;
			}
		}
	}
	*idx = KMM_ULLONG_MAX;
}

void __next_mem_pfn_range(const struct memblock *mb, int *idx, int nid,
			  unsigned long *out_start_pfn, unsigned long *out_end_pfn, int *out_nid)
{
	const struct memblock_type *type = &mb->memory;
	const struct memblock_region *r = NULL;
	int r_nid = 0;

	while (++*idx < (int)type->cnt) {
		r = &type->regions[*idx];
		r_nid = memblock_get_region_node(mb, r);
		if (PFN_UP(mb, r->base) >= PFN_DOWN(mb, r->base + r->size))
			continue;
		if (nid == mb->max_numnodes || nid == r_nid)
			break;
	}
	if (*idx >= (int)type->cnt) {
		*idx = -1;
		return;
	}
	if (out_start_pfn)
		*out_start_pfn = (unsigned long)PFN_UP(mb, r->base);
	if (out_end_pfn)
		*out_end_pfn = (unsigned long)PFN_DOWN(mb, r->base + r->size);
	if (out_nid)
		*out_nid = r_nid;
}

/* ------------------------------------------------------------ region arrays */

static void memblock_remove_region(struct memblock *mb, struct memblock_type *type,
				   unsigned long r)
{
	type->total_size -= type->regions[r].size;
	kmm_memmove(&type->regions[r], &type->regions[r + 1],
		    (type->cnt - (r + 1)) * sizeof(type->regions[r]));
	type->cnt--;
	if (type->cnt == 0)
		type_reset(mb, type);
}

/* merge neighbouring regions that touch and share node and flags */
static void memblock_merge_regions(struct memblock *mb, struct memblock_type *type)
{
	unsigned long i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base ||
		    memblock_get_region_node(mb, this) != memblock_get_region_node(mb, next) ||
		    this->flags != next->flags) {
			KMM_CHECK_INTERNAL(mb->env, this->base + this->size <= next->base);
			i++;
			continue;
		}
		this->size += next->size;
		kmm_memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
	}
}

static void memblock_insert_region(struct memblock *mb, struct memblock_type *type,
				   unsigned long idx, phys_addr_t base, phys_addr_t size, int nid,
				   enum memblock_flags flags)
{
	struct memblock_region *rgn = &type->regions[idx];

	KMM_CHECK(mb->env, type->cnt < type->max);
	kmm_memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	rgn->base = base;
	rgn->size = size;
	rgn->flags = flags;
	memblock_set_region_node(mb, rgn, nid);
	if (!mb->numa)
		rgn->nid = mb->max_numnodes;
	type->cnt++;
	type->total_size += size;
}

static bool is_init_array(const struct memblock *mb, const struct memblock_region *a)
{
	return a == mb->memory_init_regions || a == mb->reserved_init_regions;
}

/*
 * Double @type's array.  The new array is found in memblock itself
 * (page-aligned size), above the range being added when that is a
 * reservation so the new array cannot collide with it, else anywhere below
 * current_limit.  The old array is freed unless it is an initial one.
 */
static int memblock_double_array(struct memblock *mb, struct memblock_type *type,
				 phys_addr_t new_area_start, phys_addr_t new_area_size)
{
	struct memblock_region *new_array, *old_array;
	phys_addr_t old_size, new_size, old_alloc_size, new_alloc_size, addr, new_end;
	const char *label;
	int ret;

	if (!mb->can_resize)
		return -KMM_ENOMEM;
	old_size = type->max * sizeof(struct memblock_region);
	new_size = old_size << 1;
	old_alloc_size = round_up_addr(old_size, mb->page_size);
	new_alloc_size = round_up_addr(new_size, mb->page_size);

	if (type != &mb->reserved)
		new_area_start = new_area_size = 0;
	addr = memblock_find_in_range(mb, new_area_start + new_area_size, mb->current_limit,
				      new_alloc_size, mb->page_size);
	if (!addr && new_area_size)
		addr = memblock_find_in_range(mb, 0, KMM_MIN(new_area_start, mb->current_limit),
					      new_alloc_size, mb->page_size);
	new_array = NULL;
	if (addr && mb->env && mb->env->phys_to_virt)
		new_array = mb->env->phys_to_virt(mb->env->opaque, addr);
	if (!new_array) {
		kmm_printk(mb->env, "memblock: Failed to double %s array from %lu to %lu entries !",
			   type->name, type->max, type->max * 2);
		return -KMM_ENOMEM;
	}
	new_end = addr + new_size - 1;
	memblock_dbg(mb, "memblock: %s is doubled to %lu at [0x%016llx-0x%016llx]", type->name,
		     type->max * 2, (unsigned long long)addr, (unsigned long long)new_end);

	kmm_memcpy(new_array, type->regions, old_size);
	kmm_memset(new_array + type->max, 0, old_size);
	old_array = type->regions;
	type->regions = new_array;
	type->max <<= 1;

	/* the arrays are memblock's own: not traced under the current caller's label */
	label = mb->trace_label;
	mb->trace_label = NULL;
	if (!is_init_array(mb, old_array))
		memblock_free_caller(mb, old_array, old_alloc_size, "memblock_double_array");
	/* the new array must be reserved; Linux BUG()s when that fails */
	ret = memblock_reserve_caller(mb, addr, new_alloc_size, "memblock_double_array");
	mb->trace_label = label;
	return ret ? -KMM_ENOMEM : 0;
}

/*
 * memblock_add_range - add [base, base + size) to @type.
 *
 * Runs its loop twice: the first pass counts how many new regions the range
 * needs where it is not already covered (doubling the array until they fit),
 * the second inserts them; then neighbours are merged.  Parts already covered
 * keep their node and flags.
 */
static int memblock_add_range(struct memblock *mb, struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size, int nid, enum memblock_flags flags)
{
	bool insert = false;
	phys_addr_t obase = base;
	phys_addr_t end = base + memblock_cap_size(base, &size);
	unsigned long idx;
	int nr_new;
	struct memblock_region *rgn;

	if (!size)
		return 0;
	if (type->regions[0].size == 0) {
		KMM_CHECK_INTERNAL(mb->env, type->cnt == 1 && type->total_size == 0);
		type->regions[0].base = base;
		type->regions[0].size = size;
		type->regions[0].flags = flags;
		memblock_set_region_node(mb, &type->regions[0], nid);
		type->total_size = size;
		return 0;
	}
repeat:
	base = obase;
	nr_new = 0;
	for_each_memblock_type(idx, type, rgn) {
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase > base) {
			nr_new++;
			if (insert)
				memblock_insert_region(mb, type, idx++, base, rbase - base, nid, flags);
		}
		base = KMM_MIN(rend, end);
	}
	if (base < end) {
		nr_new++;
		if (insert)
			memblock_insert_region(mb, type, idx, base, end - base, nid, flags);
	}
	if (!nr_new)
		return 0;
	if (!insert) {
		while (type->cnt + (unsigned long)nr_new > type->max)
			if (memblock_double_array(mb, type, obase, size) < 0)
				return -KMM_ENOMEM;
		insert = true;
		goto repeat;
	}
	memblock_merge_regions(mb, type);
	return 0;
}

/*
 * memblock_isolate_range - split regions so that [base, base + size) is
 * covered by whole regions; *start_rgn..*end_rgn (exclusive) are those.
 */
static int memblock_isolate_range(struct memblock *mb, struct memblock_type *type,
				  phys_addr_t base, phys_addr_t size, unsigned long *start_rgn,
				  unsigned long *end_rgn)
{
	phys_addr_t end = base + memblock_cap_size(base, &size);
	long idx;

	*start_rgn = *end_rgn = 0;
	if (!size)
		return 0;
	while (type->cnt + 2 > type->max)
		if (memblock_double_array(mb, type, base, size) < 0)
			return -KMM_ENOMEM;

	for (idx = 0; idx < (long)type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase < base) {
			/* intersects from below: split, continue with the top half */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			memblock_insert_region(mb, type, (unsigned long)idx, rbase, base - rbase,
					       memblock_get_region_node(mb, rgn), rgn->flags);
		} else if (rend > end) {
			/* intersects from above: split, redo the bottom half */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			memblock_insert_region(mb, type, (unsigned long)idx--, rbase, end - rbase,
					       memblock_get_region_node(mb, rgn), rgn->flags);
		} else {
			if (!*end_rgn)
				*start_rgn = (unsigned long)idx;
			*end_rgn = (unsigned long)idx + 1;
		}
	}
	return 0;
}

static int memblock_remove_range(struct memblock *mb, struct memblock_type *type,
				 phys_addr_t base, phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;
	long i;
	int ret;

	ret = memblock_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = (long)end_rgn - 1; i >= (long)start_rgn; i--)
		memblock_remove_region(mb, type, (unsigned long)i);
	return 0;
}

/*
 * memblock_change_traced - add (ADD, RESERVE, ALLOC) or remove (REMOVE, FREE)
 * [base, base + size) in @type, then report it as @op for @caller.
 */
static int memblock_change_traced(struct memblock *mb, struct memblock_type *type,
				  phys_addr_t base, phys_addr_t size, int nid,
				  enum memblock_flags flags, enum memblock_trace_op op,
				  const char *caller)
{
	bool remove = op == MEMBLOCK_TRACE_REMOVE || op == MEMBLOCK_TRACE_FREE;
	int ret = remove ? memblock_remove_range(mb, type, base, size)
			 : memblock_add_range(mb, type, base, size, nid, flags);

	if (!ret)
		memblock_trace(mb, op, base, memblock_cap_size(base, &size), caller);
	return ret;
}

static void dbg_range(const struct memblock *mb, const char *func, phys_addr_t base,
		      phys_addr_t size, const char *caller)
{
	phys_addr_t end = base + size - 1;

	memblock_dbg(mb, "%s: [0x%016llx-0x%016llx] %s", func, (unsigned long long)base,
		     (unsigned long long)end, caller);
}

int memblock_add_node_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size, int nid,
			     enum memblock_flags flags, const char *caller)
{
	phys_addr_t end = base + size - 1;

	memblock_dbg(mb, "memblock_add_node: [0x%016llx-0x%016llx] nid=%d flags=%x %s",
		     (unsigned long long)base, (unsigned long long)end, nid, flags, caller);
	return memblock_change_traced(mb, &mb->memory, base, size, nid, flags, MEMBLOCK_TRACE_ADD,
				      caller);
}

int memblock_add_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			const char *caller)
{
	dbg_range(mb, "memblock_add", base, size, caller);
	return memblock_change_traced(mb, &mb->memory, base, size, mb->max_numnodes,
				      MEMBLOCK_NONE, MEMBLOCK_TRACE_ADD, caller);
}

int memblock_remove_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			   const char *caller)
{
	dbg_range(mb, "memblock_remove", base, size, caller);
	return memblock_change_traced(mb, &mb->memory, base, size, 0, MEMBLOCK_NONE,
				      MEMBLOCK_TRACE_REMOVE, caller);
}

int memblock_phys_free_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			      const char *caller)
{
	dbg_range(mb, "memblock_phys_free", base, size, caller);
	return memblock_change_traced(mb, &mb->reserved, base, size, 0, MEMBLOCK_NONE,
				      MEMBLOCK_TRACE_FREE, caller);
}

/* memblock_free - free a range given by its direct-map address; NULL is a no-op. */
void memblock_free_caller(struct memblock *mb, void *ptr, size_t size, const char *caller)
{
	phys_addr_t pa;

	if (!ptr)
		return;
	pa = KMM_PHYS_ADDR_MAX;
	if (mb->env && mb->env->virt_to_phys)
		pa = mb->env->virt_to_phys(mb->env->opaque, ptr);
	if (pa == KMM_PHYS_ADDR_MAX) {
		kmm_bug(mb->env, "memblock_free", "pointer is not in the direct map");
		return;
	}
	/* Linux tail-calls memblock_phys_free, which then names our caller */
	memblock_phys_free_caller(mb, pa, size, caller);
}

int memblock_reserve_caller(struct memblock *mb, phys_addr_t base, phys_addr_t size,
			    const char *caller)
{
	dbg_range(mb, "memblock_reserve", base, size, caller);
	return memblock_change_traced(mb, &mb->reserved, base, size, mb->max_numnodes,
				      MEMBLOCK_NONE, MEMBLOCK_TRACE_RESERVE, caller);
}

/* an allocation's reservation: logged as memblock_alloc_range_nid's, traced for @caller */
static int memblock_reserve_alloc(struct memblock *mb, phys_addr_t base, phys_addr_t size,
				  const char *caller)
{
	dbg_range(mb, "memblock_reserve", base, size, "memblock_alloc_range_nid");
	return memblock_change_traced(mb, &mb->reserved, base, size, mb->max_numnodes,
				      MEMBLOCK_NONE, MEMBLOCK_TRACE_ALLOC, caller);
}

/* ------------------------------------------------------------ attributes */

static int memblock_setclr_flag(struct memblock *mb, phys_addr_t base, phys_addr_t size, bool set,
				enum memblock_flags flag)
{
	struct memblock_type *type = &mb->memory;
	unsigned long i, start_rgn, end_rgn;
	int ret;

	ret = memblock_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++) {
		if (set)
			type->regions[i].flags |= flag;
		else
			type->regions[i].flags &= ~flag;
	}
	memblock_merge_regions(mb, type);
	return 0;
}

int memblock_mark_hotplug(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(mb, base, size, true, MEMBLOCK_HOTPLUG);
}

int memblock_clear_hotplug(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(mb, base, size, false, MEMBLOCK_HOTPLUG);
}

/* memblock_mark_mirror - only effective with kernelcore=mirror, as in Linux */
int memblock_mark_mirror(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	if (!mb->mirrored_kernelcore)
		return 0;
	mb->system_has_some_mirror = true;
	return memblock_setclr_flag(mb, base, size, true, MEMBLOCK_MIRROR);
}

int memblock_mark_nomap(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	int ret = memblock_setclr_flag(mb, base, size, true, MEMBLOCK_NOMAP);

	if (!ret)
		memblock_trace(mb, MEMBLOCK_TRACE_NOMAP, base, memblock_cap_size(base, &size),
			       "memblock_mark_nomap");
	return ret;
}

int memblock_clear_nomap(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	int ret = memblock_setclr_flag(mb, base, size, false, MEMBLOCK_NOMAP);

	if (!ret)
		memblock_trace(mb, MEMBLOCK_TRACE_CLEAR_NOMAP, base,
			       memblock_cap_size(base, &size), "memblock_clear_nomap");
	return ret;
}

int memblock_set_node(struct memblock *mb, phys_addr_t base, phys_addr_t size,
		      struct memblock_type *type, int nid)
{
	unsigned long i, start_rgn, end_rgn;
	int ret;

	if (!mb->numa)
		return 0;
	ret = memblock_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		memblock_set_region_node(mb, &type->regions[i], nid);
	memblock_merge_regions(mb, type);
	return 0;
}

/* memblock_trim_memory - trim memory regions to @align boundaries (total_size is left as is) */
void memblock_trim_memory(struct memblock *mb, phys_addr_t align)
{
	unsigned long i = 0;

	while (i < mb->memory.cnt) {
		struct memblock_region *r = &mb->memory.regions[i];
		phys_addr_t orig_start = r->base, orig_end = r->base + r->size;
		phys_addr_t start = round_up_addr(orig_start, align);
		phys_addr_t end = round_down_addr(orig_end, align);

		if (r->size == 0 || (start == orig_start && end == orig_end)) {
			i++;
			continue;
		}
		if (start < end) {
			r->base = start;
			r->size = end - start;
			i++;
		} else {
			memblock_remove_region(mb, &mb->memory, i);
			start = end = orig_end;
		}
		/* what the trim cut off: the head and the tail */
		if (start > orig_start)
			memblock_trace(mb, MEMBLOCK_TRACE_REMOVE, orig_start, start - orig_start,
				       "memblock_trim_memory");
		if (end < orig_end)
			memblock_trace(mb, MEMBLOCK_TRACE_REMOVE, end, orig_end - end,
				       "memblock_trim_memory");
	}
}

static phys_addr_t __find_max_addr(const struct memblock *mb, phys_addr_t limit)
{
	phys_addr_t max_addr = KMM_PHYS_ADDR_MAX;
	const struct memblock_region *r;

	for_each_mem_region(mb, r) {
		if (limit <= r->size) {
			max_addr = r->base + limit;
			break;
		}
		limit -= r->size;
	}
	return max_addr;
}

void memblock_enforce_memory_limit(struct memblock *mb, phys_addr_t limit)
{
	phys_addr_t max_addr;

	if (!limit)
		return;
	max_addr = __find_max_addr(mb, limit);
	if (max_addr == KMM_PHYS_ADDR_MAX)
		return;
	memblock_remove_range(mb, &mb->memory, max_addr, KMM_PHYS_ADDR_MAX);
	memblock_remove_range(mb, &mb->reserved, max_addr, KMM_PHYS_ADDR_MAX);
	memblock_trace(mb, MEMBLOCK_TRACE_REMOVE, max_addr, KMM_PHYS_ADDR_MAX - max_addr,
		       "memblock_enforce_memory_limit");
}

void memblock_cap_memory_range(struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;
	long i;

	if (!size)
		return;
	if (!mb->memory.total_size) {
		kmm_printk(mb->env, "memblock_cap_memory_range: No memory registered yet");
		return;
	}
	if (memblock_isolate_range(mb, &mb->memory, base, size, &start_rgn, &end_rgn))
		return;
	for (i = (long)mb->memory.cnt - 1; i >= (long)end_rgn; i--)
		if (!(mb->memory.regions[i].flags & MEMBLOCK_NOMAP))
			memblock_remove_region(mb, &mb->memory, (unsigned long)i);
	for (i = (long)start_rgn - 1; i >= 0; i--)
		if (!(mb->memory.regions[i].flags & MEMBLOCK_NOMAP))
			memblock_remove_region(mb, &mb->memory, (unsigned long)i);
	memblock_remove_range(mb, &mb->reserved, 0, base);
	memblock_remove_range(mb, &mb->reserved, base + size, KMM_PHYS_ADDR_MAX);
	/* traced as whole ranges; the no-map regions it kept are still in memory */
	memblock_cap_size(base, &size);
	if (base)
		memblock_trace(mb, MEMBLOCK_TRACE_REMOVE, 0, base, "memblock_cap_memory_range");
	memblock_trace(mb, MEMBLOCK_TRACE_REMOVE, base + size, KMM_PHYS_ADDR_MAX - (base + size),
		       "memblock_cap_memory_range");
}

void memblock_mem_limit_remove_map(struct memblock *mb, phys_addr_t limit)
{
	phys_addr_t max_addr;

	if (!limit)
		return;
	max_addr = __find_max_addr(mb, limit);
	if (max_addr == KMM_PHYS_ADDR_MAX)
		return;
	memblock_cap_memory_range(mb, 0, max_addr);
}

static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long left = 0, right = type->cnt;

	do {
		unsigned long mid = (right + left) / 2;

		if (addr < type->regions[mid].base)
			right = mid;
		else if (addr >= type->regions[mid].base + type->regions[mid].size)
			left = mid + 1;
		else
			return (long)mid;
	} while (left < right);
	return -1;
}

bool memblock_is_reserved(const struct memblock *mb, phys_addr_t addr)
{
	return memblock_search(&mb->reserved, addr) != -1;
}

bool memblock_is_memory(const struct memblock *mb, phys_addr_t addr)
{
	return memblock_search(&mb->memory, addr) != -1;
}

bool memblock_is_map_memory(const struct memblock *mb, phys_addr_t addr)
{
	long i = memblock_search(&mb->memory, addr);

	return i != -1 && !(mb->memory.regions[i].flags & MEMBLOCK_NOMAP);
}

bool memblock_is_region_memory(const struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	long idx = memblock_search(&mb->memory, base);
	phys_addr_t end = base + memblock_cap_size(base, &size);

	if (idx == -1)
		return false;
	return mb->memory.regions[idx].base + mb->memory.regions[idx].size >= end;
}

bool memblock_is_region_reserved(const struct memblock *mb, phys_addr_t base, phys_addr_t size)
{
	return memblock_overlaps_region(&mb->reserved, base, size);
}

phys_addr_t memblock_phys_mem_size(const struct memblock *mb)
{
	return mb->memory.total_size;
}

phys_addr_t memblock_reserved_size(const struct memblock *mb)
{
	return mb->reserved.total_size;
}

phys_addr_t memblock_start_of_DRAM(const struct memblock *mb)
{
	return mb->memory.regions[0].base;
}

phys_addr_t memblock_end_of_DRAM(const struct memblock *mb)
{
	unsigned long idx = mb->memory.cnt - 1;

	return mb->memory.regions[idx].base + mb->memory.regions[idx].size;
}

phys_addr_t memblock_mem_size(const struct memblock *mb, unsigned long limit_pfn)
{
	unsigned long pages = 0, start_pfn, end_pfn;
	int i;

	for_each_mem_pfn_range(mb, i, mb->max_numnodes, &start_pfn, &end_pfn, NULL) {
		start_pfn = KMM_MIN(start_pfn, limit_pfn);
		end_pfn = KMM_MIN(end_pfn, limit_pfn);
		pages += end_pfn - start_pfn;
	}
	return (phys_addr_t)pages * mb->page_size;
}

void memblock_set_bottom_up(struct memblock *mb, bool enable)
{
	mb->bottom_up = enable;
}

bool memblock_bottom_up(const struct memblock *mb)
{
	return mb->bottom_up;
}

void memblock_set_current_limit(struct memblock *mb, phys_addr_t limit)
{
	mb->current_limit = limit;
}

phys_addr_t memblock_get_current_limit(const struct memblock *mb)
{
	return mb->current_limit;
}

void memblock_allow_resize(struct memblock *mb)
{
	mb->can_resize = true;
}

/* ------------------------------------------------------------ allocation */

static phys_addr_t find_range_bottom_up(struct memblock *mb, phys_addr_t start, phys_addr_t end,
					phys_addr_t size, phys_addr_t align, int nid,
					enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	u64 i;

	for_each_free_mem_range(mb, i, nid, flags, &this_start, &this_end, NULL) {
		this_start = clamp_addr(this_start, start, end);
		this_end = clamp_addr(this_end, start, end);
		cand = round_up_addr(this_start, align);
		if (cand < this_end && this_end - cand >= size)
			return cand;
	}
	return 0;
}

static phys_addr_t find_range_top_down(struct memblock *mb, phys_addr_t start, phys_addr_t end,
				       phys_addr_t size, phys_addr_t align, int nid,
				       enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	u64 i;

	for_each_free_mem_range_reverse(mb, i, nid, flags, &this_start, &this_end, NULL) {
		this_start = clamp_addr(this_start, start, end);
		this_end = clamp_addr(this_end, start, end);
		if (this_end < size)
			continue;
		cand = round_down_addr(this_end - size, align);
		if (cand >= this_start)
			return cand;
	}
	return 0;
}

phys_addr_t memblock_find_in_range_node(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					phys_addr_t start, phys_addr_t end, int nid,
					enum memblock_flags flags)
{
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = mb->current_limit;
	/* the first page is never handed out */
	start = KMM_MAX(start, mb->page_size);
	end = KMM_MAX(start, end);
	if (mb->bottom_up)
		return find_range_bottom_up(mb, start, end, size, align, nid, flags);
	return find_range_top_down(mb, start, end, size, align, nid, flags);
}

static void warn_mirror(const struct memblock *mb, phys_addr_t size)
{
	kmm_printk(mb->env, "Could not allocate 0x%016llx bytes of mirrored memory",
		   (unsigned long long)size);
}

phys_addr_t memblock_find_in_range(struct memblock *mb, phys_addr_t start, phys_addr_t end,
				   phys_addr_t size, phys_addr_t align)
{
	enum memblock_flags flags = choose_memblock_flags(mb);
	phys_addr_t ret;

	for (;;) {
		ret = memblock_find_in_range_node(mb, size, align, start, end, NUMA_NO_NODE, flags);
		if (ret || !(flags & MEMBLOCK_MIRROR))
			return ret;
		warn_mirror(mb, size);
		flags &= ~MEMBLOCK_MIRROR;
	}
}

/* memblock_alloc_range_nid() for @caller (traced as the owner of the memory) */
static phys_addr_t alloc_range_nid_caller(struct memblock *mb, phys_addr_t size,
					  phys_addr_t align, phys_addr_t start, phys_addr_t end,
					  int nid, bool exact_nid, const char *caller)
{
	enum memblock_flags flags = choose_memblock_flags(mb);
	phys_addr_t found;

	nid = fix_nid(mb, nid);
	if (!align) {
		kmm_printk(mb->env, "memblock: alignment 0 requested, using SMP_CACHE_BYTES (64)");
		align = 64;
	}
	for (;;) {
		found = memblock_find_in_range_node(mb, size, align, start, end, nid, flags);
		if (found && !memblock_reserve_alloc(mb, found, size, caller))
			return found;
		if (nid != NUMA_NO_NODE && !exact_nid) {
			found = memblock_find_in_range_node(mb, size, align, start, end,
							    NUMA_NO_NODE, flags);
			if (found && !memblock_reserve_alloc(mb, found, size, caller))
				return found;
		}
		if (!(flags & MEMBLOCK_MIRROR))
			return 0;
		flags &= ~MEMBLOCK_MIRROR;
		warn_mirror(mb, size);
	}
}

phys_addr_t memblock_alloc_range_nid(struct memblock *mb, phys_addr_t size, phys_addr_t align,
				     phys_addr_t start, phys_addr_t end, int nid, bool exact_nid)
{
	return alloc_range_nid_caller(mb, size, align, start, end, nid, exact_nid,
				      "memblock_alloc_range_nid");
}

phys_addr_t memblock_phys_alloc_range_caller(struct memblock *mb, phys_addr_t size,
					     phys_addr_t align, phys_addr_t start,
					     phys_addr_t end, const char *caller)
{
	memblock_dbg(mb, "memblock_phys_alloc_range: %llu bytes align=0x%llx from=0x%016llx max_addr=0x%016llx %s",
		     (unsigned long long)size, (unsigned long long)align,
		     (unsigned long long)start, (unsigned long long)end, caller);
	return alloc_range_nid_caller(mb, size, align, start, end, NUMA_NO_NODE, false, caller);
}

phys_addr_t memblock_phys_alloc_try_nid(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					int nid)
{
	return alloc_range_nid_caller(mb, size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false,
				      "memblock_phys_alloc_try_nid");
}

static void *memblock_alloc_internal(struct memblock *mb, phys_addr_t size, phys_addr_t align,
				     phys_addr_t min_addr, phys_addr_t max_addr, int nid,
				     bool exact_nid, const char *caller)
{
	phys_addr_t alloc;
	void *va;

	if (max_addr > mb->current_limit)
		max_addr = mb->current_limit;
	alloc = alloc_range_nid_caller(mb, size, align, min_addr, max_addr, nid, exact_nid, caller);
	if (!alloc && min_addr)
		alloc = alloc_range_nid_caller(mb, size, align, 0, max_addr, nid, exact_nid, caller);
	if (!alloc)
		return NULL;
	va = NULL;
	if (mb->env && mb->env->phys_to_virt)
		va = mb->env->phys_to_virt(mb->env->opaque, alloc);
	if (!va)
		kmm_bug(mb->env, "memblock_alloc_internal", "allocated memory is not backed");
	return va;
}

static void dbg_alloc_nid(const struct memblock *mb, const char *func, phys_addr_t size,
			  phys_addr_t align, int nid, phys_addr_t min_addr, phys_addr_t max_addr,
			  const char *caller)
{
	memblock_dbg(mb, "%s: %llu bytes align=0x%llx nid=%d from=0x%016llx max_addr=0x%016llx %s",
		     func, (unsigned long long)size, (unsigned long long)align, nid,
		     (unsigned long long)min_addr, (unsigned long long)max_addr, caller);
}

void *memblock_alloc_exact_nid_raw_caller(struct memblock *mb, phys_addr_t size,
					  phys_addr_t align, phys_addr_t min_addr,
					  phys_addr_t max_addr, int nid, const char *caller)
{
	dbg_alloc_nid(mb, "memblock_alloc_exact_nid_raw", size, align, nid, min_addr, max_addr,
		      caller);
	return memblock_alloc_internal(mb, size, align, min_addr, max_addr, nid, true, caller);
}

void *memblock_alloc_try_nid_raw_caller(struct memblock *mb, phys_addr_t size, phys_addr_t align,
					phys_addr_t min_addr, phys_addr_t max_addr, int nid,
					const char *caller)
{
	dbg_alloc_nid(mb, "memblock_alloc_try_nid_raw", size, align, nid, min_addr, max_addr,
		      caller);
	return memblock_alloc_internal(mb, size, align, min_addr, max_addr, nid, false, caller);
}

void *memblock_alloc_try_nid_caller(struct memblock *mb, phys_addr_t size, phys_addr_t align,
				    phys_addr_t min_addr, phys_addr_t max_addr, int nid,
				    const char *caller)
{
	void *ptr;

	dbg_alloc_nid(mb, "memblock_alloc_try_nid", size, align, nid, min_addr, max_addr, caller);
	ptr = memblock_alloc_internal(mb, size, align, min_addr, max_addr, nid, false, caller);
	if (ptr)
		kmm_memset(ptr, 0, (size_t)size);
	return ptr;
}

/* ------------------------------------------------------------ dump */

static void memblock_dump(const struct memblock *mb, const struct memblock_type *type)
{
	unsigned long idx;
	const struct memblock_region *rgn;

	kmm_printk(mb->env, " %s.cnt  = 0x%lx", type->name, type->cnt);
	for_each_memblock_type(idx, type, rgn) {
		char nid_buf[32] = "";
		phys_addr_t end = rgn->base + rgn->size - 1;

		if (mb->numa && rgn->nid != mb->max_numnodes)
			kmm_snprintf(nid_buf, sizeof(nid_buf), " on node %d", rgn->nid);
		kmm_printk(mb->env, " %s[%#lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes%s flags: %#x",
			   type->name, idx, (unsigned long long)rgn->base, (unsigned long long)end,
			   (unsigned long long)rgn->size, nid_buf, rgn->flags);
	}
}

void __memblock_dump_all(const struct memblock *mb)
{
	kmm_printk(mb->env, "MEMBLOCK configuration:");
	kmm_printk(mb->env, " memory size = 0x%016llx reserved size = 0x%016llx",
		   (unsigned long long)mb->memory.total_size,
		   (unsigned long long)mb->reserved.total_size);
	memblock_dump(mb, &mb->memory);
	memblock_dump(mb, &mb->reserved);
}

void memblock_dump_all(const struct memblock *mb)
{
	memblock_trace(mb, MEMBLOCK_TRACE_DUMP, 0, 0, "memblock_dump_all");
	if (mb->debug)
		__memblock_dump_all(mb);
}
