// SPDX-License-Identifier: MIT
/*
 * e820.c - the x86 firmware memory map, after Linux 6.1
 * arch/x86/kernel/e820.c; see kmm/e820.h.
 *
 * Types: struct kmm_e820 owns three struct e820_table (@table, the one the
 * kernel edits; @table_kexec and @table_firmware, copies taken by
 * e820__memory_setup()).  Every range is [addr, addr + size).
 *
 * Lifecycle, as in Linux's setup_arch():
 *   kmm_e820_init() -> kmm_e820_parse_text() (the "boot_params" map)
 *   -> e820__memory_setup() (sanitise, copy, print "BIOS-provided ...")
 *   -> e820_parse_memopt() / e820_parse_memmap_opt() per early parameter
 *   -> e820__finish_early_params() (sanitise, print "user-defined ...")
 *   -> e820__range_update() / e820__range_remove() quirks
 *   -> e820__end_of_ram_pfn(), and memblock setup by the caller.
 *
 * Invariants: table->nr_entries <= E820_MAX_ENTRIES always.  After
 * e820__update_table() returned 0 the table is sorted by addr, has no
 * overlaps, no zero-size entries, and no two adjacent entries of the same
 * type except E820_TYPE_PRAM / E820_TYPE_SOFT_RESERVED ("nomerge" types).
 * Between sanitisations the table may hold anything Linux's would: unsorted,
 * overlapping and zeroed (removed) entries.
 *
 * No state outside the struct kmm_e820 the caller passes; the sanitiser's
 * scratch arrays live on the stack and are sized by the table (about 110 KiB
 * for a full table, a few hundred bytes for a real firmware map).
 */
#include <kmm/check.h>
#include <kmm/e820.h>
#include <kmm/error.h>
#include <kmm/lib.h>

_Static_assert(E820_MAX_ENTRIES < 0xffff, "change points encode the entry index in 16 bits");
_Static_assert(sizeof(enum e820_type) == 4, "e820 types are the firmware's u32");

#define E820_PAGE_SHIFT 12

void kmm_e820_init(struct kmm_e820 *e, const struct kmm_env *env)
{
	kmm_memset(e, 0, sizeof(*e));
	e->env = env;
}

/* ------------------------------------------------------------ names */

const char *e820_type_name(enum e820_type type, char *buf, size_t len)
{
	const char *name = NULL;

	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED_KERN:
		name = "usable";
		break;
	case E820_TYPE_RESERVED:
		name = "reserved";
		break;
	case E820_TYPE_SOFT_RESERVED:
		name = "soft reserved";
		break;
	case E820_TYPE_ACPI:
		name = "ACPI data";
		break;
	case E820_TYPE_NVS:
		name = "ACPI NVS";
		break;
	case E820_TYPE_UNUSABLE:
		name = "unusable";
		break;
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		kmm_snprintf(buf, len, "persistent (type %u)", (unsigned int)type);
		return buf;
	default:
		kmm_snprintf(buf, len, "type %u", (unsigned int)type);
		return buf;
	}
	kmm_strlcpy(buf, name, len);
	return buf;
}

/* ------------------------------------------------------------ sanitiser */

/*
 * A change point is where an entry starts or ends, encoded as
 * (entry index << 1) | is_end.  Sorted by address; at equal addresses a
 * start sorts before an end, so touching entries of one type merge.
 */
static u64 cp_addr(const struct e820_entry *entries, u32 cp)
{
	const struct e820_entry *entry = &entries[cp >> 1];

	return (cp & 1) ? entry->addr + entry->size : entry->addr;
}

static bool cp_less(const struct e820_entry *entries, u32 a, u32 b)
{
	u64 aa = cp_addr(entries, a), ba = cp_addr(entries, b);

	if (aa != ba)
		return aa < ba;
	return (a & 1) < (b & 1);
}

static void cp_sift_down(const struct e820_entry *entries, u32 *cp, u32 root, u32 n)
{
	for (;;) {
		u32 child = 2 * root + 1;
		u32 tmp;

		if (child >= n)
			return;
		if (child + 1 < n && cp_less(entries, cp[child], cp[child + 1]))
			child++;
		if (!cp_less(entries, cp[root], cp[child]))
			return;
		tmp = cp[root];
		cp[root] = cp[child];
		cp[child] = tmp;
		root = child;
	}
}

/* Heapsort, like Linux's sort(): the sanitiser's result does not depend on
 * the order of change points with equal keys. */
static void cp_sort(const struct e820_entry *entries, u32 *cp, u32 n)
{
	u32 i, tmp;

	for (i = n / 2; i-- > 0;)
		cp_sift_down(entries, cp, i, n);
	for (i = n; i-- > 1;) {
		tmp = cp[0];
		cp[0] = cp[i];
		cp[i] = tmp;
		cp_sift_down(entries, cp, 0, i);
	}
}

/* Linux's e820_nomerge(): ranges of these types keep their boundaries. */
static bool e820_nomerge(u32 type)
{
	return type == E820_TYPE_PRAM || type == E820_TYPE_SOFT_RESERVED;
}

/*
 * e820__update_table - Linux's sanitiser: sort, resolve overlaps in favour
 * of the larger type number, drop zero-size entries, merge touching entries
 * of one type (except the nomerge types).
 *
 * The sweep walks the sorted change points keeping the set of entries that
 * cover the current address ("overlap"); whenever the winning type changes
 * (or is a nomerge type) the open output entry is closed at this address and
 * a new one opened.  Closing an entry of size 0 reuses its slot.  Like
 * Linux the output stops at E820_MAX_ENTRIES entries.
 *
 * Returns 0, or -KMM_EINVAL (Linux's -1) leaving the table untouched when
 * it has fewer than 2 entries or an entry wraps past 2^64.
 */
int e820__update_table(struct e820_table *table)
{
	struct e820_entry *entries = table->entries;
	u32 n = table->nr_entries;
	u32 i, k, chg_nr = 0, nr_overlap = 0, nr_new = 0, cap;
	u32 current_type, last_type = 0;
	u64 last_addr = 0;

	if (n < 2 || n > E820_MAX_ENTRIES)
		return -KMM_EINVAL;
	for (i = 0; i < n; i++)
		if (entries[i].addr + entries[i].size < entries[i].addr)
			return -KMM_EINVAL;

	cap = KMM_MIN(2 * n, (u32)E820_MAX_ENTRIES);
	{
		u32 cp[2 * n];
		u16 overlap[n];
		struct e820_entry out[cap];

		for (i = 0; i < n; i++) {
			if (entries[i].size == 0)
				continue;
			cp[chg_nr++] = i << 1;
			cp[chg_nr++] = (i << 1) | 1;
		}
		cp_sort(entries, cp, chg_nr);

		for (k = 0; k < chg_nr; k++) {
			u16 idx = (u16)(cp[k] >> 1);
			u64 addr = cp_addr(entries, cp[k]);

			if (!(cp[k] & 1)) {
				overlap[nr_overlap++] = idx;
			} else {
				for (i = 0; i < nr_overlap; i++)
					if (overlap[i] == idx)
						overlap[i] = overlap[nr_overlap - 1];
				nr_overlap--;
			}
			current_type = 0;
			for (i = 0; i < nr_overlap; i++)
				if ((u32)entries[overlap[i]].type > current_type)
					current_type = entries[overlap[i]].type;

			if (current_type == last_type && !e820_nomerge(current_type))
				continue;
			if (last_type != 0) {
				out[nr_new].size = addr - last_addr;
				if (out[nr_new].size != 0 && ++nr_new >= cap)
					break;
			}
			if (current_type != 0) {
				out[nr_new].addr = addr;
				out[nr_new].type = (enum e820_type)current_type;
				last_addr = addr;
			}
			last_type = current_type;
		}
		kmm_memcpy(entries, out, nr_new * sizeof(*entries));
	}
	table->nr_entries = nr_new;
	return 0;
}

/* ------------------------------------------------------------ editing */

/* Linux's __e820__range_add(): append, or log and drop when @table is full. */
static void __e820__range_add(const struct kmm_env *env, struct e820_table *table, u64 start,
			      u64 size, enum e820_type type)
{
	u32 x = table->nr_entries;

	if (x >= E820_MAX_ENTRIES) {
		kmm_printk(env, "e820: too many entries; ignoring [mem %#010llx-%#010llx]",
			   (unsigned long long)start, (unsigned long long)(start + size - 1));
		return;
	}
	table->entries[x].addr = start;
	table->entries[x].size = size;
	table->entries[x].type = type;
	table->nr_entries++;
}

void e820__range_add(struct kmm_e820 *e, u64 start, u64 size, enum e820_type type)
{
	__e820__range_add(e->env, &e->table, start, size, type);
}

/*
 * __e820__range_update - retype the @old_type parts of [start, start + size)
 * in @table
 * to @new_type (size clamped so the range ends at 2^64 - 1).  Entries
 * straddling the range are split: the covered part is appended with
 * @new_type, the part past the range (if any) is appended with the old
 * type.  Returns the bytes retyped.  @old_type == @new_type is API misuse
 * (Linux BUG()s): it is reported through KMM_CHECK and changes nothing.
 */
static u64 __e820__range_update(struct kmm_e820 *e, struct e820_table *table, u64 start, u64 size,
				enum e820_type old_type, enum e820_type new_type)
{
	char old_name[32], new_name[32];
	u64 end, updated = 0;
	u32 i;

	KMM_CHECK(e->env, old_type != new_type);
	if (old_type == new_type)
		return 0;
	if (size > KMM_ULLONG_MAX - start)
		size = KMM_ULLONG_MAX - start;
	end = start + size;
	kmm_printk(e->env, "e820: update [mem %#010llx-%#010llx] %s ==> %s",
		   (unsigned long long)start, (unsigned long long)(end - 1),
		   e820_type_name(old_type, old_name, sizeof(old_name)),
		   e820_type_name(new_type, new_name, sizeof(new_name)));

	/* nr_entries is re-read: pieces appended here are visited too (and skipped). */
	for (i = 0; i < table->nr_entries; i++) {
		struct e820_entry *entry = &table->entries[i];
		u64 entry_end, final_start, final_end;

		if (entry->type != old_type)
			continue;
		entry_end = entry->addr + entry->size;
		if (entry->addr >= start && entry_end <= end) {
			entry->type = new_type;
			updated += entry->size;
			continue;
		}
		if (entry->addr < start && entry_end > end) {
			__e820__range_add(e->env, table, start, size, new_type);
			__e820__range_add(e->env, table, end, entry_end - end, entry->type);
			entry->size = start - entry->addr;
			updated += size;
			continue;
		}
		final_start = KMM_MAX(start, entry->addr);
		final_end = KMM_MIN(end, entry_end);
		if (final_start >= final_end)
			continue;
		__e820__range_add(e->env, table, final_start, final_end - final_start, new_type);
		updated += final_end - final_start;
		/* The remainder is the head or the tail: shrink first, then move a tail. */
		entry->size -= final_end - final_start;
		if (entry->addr < final_start)
			continue;
		entry->addr = final_end;
	}
	return updated;
}

u64 e820__range_update(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
		       enum e820_type new_type)
{
	return __e820__range_update(e, &e->table, start, size, old_type, new_type);
}

/* The same on @e->table_kexec (Linux's e820__range_update_kexec()). */
u64 e820__range_update_kexec(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
			     enum e820_type new_type)
{
	return __e820__range_update(e, &e->table_kexec, start, size, old_type, new_type);
}

/*
 * e820__range_remove - drop [start, start + size) (clamped at 2^64 - 1)
 * from the entries of @old_type, or of every type when !@check_type.
 * Entries inside the range are zeroed in place (the next sanitisation drops
 * them); an entry containing the range keeps its head and gets its tail
 * appended.  Returns the bytes removed.
 */
u64 e820__range_remove(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
		       bool check_type)
{
	struct e820_table *table = &e->table;
	char name[32];
	u64 end, removed = 0;
	u32 i;

	if (size > KMM_ULLONG_MAX - start)
		size = KMM_ULLONG_MAX - start;
	end = start + size;
	/* Linux prints the head, then pr_cont()s the type or nothing: the line
	 * keeps its trailing space when !check_type. */
	kmm_printk(e->env, "e820: remove [mem %#010llx-%#010llx] %s", (unsigned long long)start,
		   (unsigned long long)(end - 1),
		   check_type ? e820_type_name(old_type, name, sizeof(name)) : "");

	for (i = 0; i < table->nr_entries; i++) {
		struct e820_entry *entry = &table->entries[i];
		u64 entry_end, final_start, final_end;

		if (check_type && entry->type != old_type)
			continue;
		entry_end = entry->addr + entry->size;
		if (entry->addr >= start && entry_end <= end) {
			removed += entry->size;
			kmm_memset(entry, 0, sizeof(*entry));
			continue;
		}
		if (entry->addr < start && entry_end > end) {
			__e820__range_add(e->env, table, end, entry_end - end, entry->type);
			entry->size = start - entry->addr;
			removed += size;
			continue;
		}
		final_start = KMM_MAX(start, entry->addr);
		final_end = KMM_MIN(end, entry_end);
		if (final_start >= final_end)
			continue;
		removed += final_end - final_start;
		entry->size -= final_end - final_start;
		if (entry->addr < final_start)
			continue;
		entry->addr = final_end;
	}
	return removed;
}

/* ------------------------------------------------------------ queries, output */

void e820__print_table(const struct kmm_e820 *e, const char *who)
{
	char name[32];
	u32 i;

	for (i = 0; i < e->table.nr_entries; i++) {
		const struct e820_entry *entry = &e->table.entries[i];

		kmm_printk(e->env, "%s: [mem %#018llx-%#018llx] %s", who,
			   (unsigned long long)entry->addr,
			   (unsigned long long)(entry->addr + entry->size - 1),
			   e820_type_name(entry->type, name, sizeof(name)));
	}
}

/* Does any part of [start, end) lie in an entry of @type (0: any type)? */
bool e820__mapped_any(const struct kmm_e820 *e, u64 start, u64 end, enum e820_type type)
{
	u32 i;

	for (i = 0; i < e->table.nr_entries; i++) {
		const struct e820_entry *entry = &e->table.entries[i];

		if (type && entry->type != type)
			continue;
		if (entry->addr >= end || entry->addr + entry->size <= start)
			continue;
		return true;
	}
	return false;
}

/*
 * Is all of [start, end) covered by entries of @type (0: any type)?  Like
 * Linux this walks the entries once in table order, so it is only exact on
 * a sanitised (sorted) table.
 */
bool e820__mapped_all(const struct kmm_e820 *e, u64 start, u64 end, enum e820_type type)
{
	u32 i;

	for (i = 0; i < e->table.nr_entries; i++) {
		const struct e820_entry *entry = &e->table.entries[i];

		if (type && entry->type != type)
			continue;
		if (entry->addr >= end || entry->addr + entry->size <= start)
			continue;
		if (entry->addr <= start)
			start = entry->addr + entry->size;
		if (start >= end)
			return true;
	}
	return false;
}

void e820__memory_setup(struct kmm_e820 *e, const char *who)
{
	e820__update_table(&e->table);
	kmm_memcpy(&e->table_kexec, &e->table, sizeof(e->table));
	kmm_memcpy(&e->table_firmware, &e->table, sizeof(e->table));
	kmm_printk(e->env, "BIOS-provided physical RAM map:");
	e820__print_table(e, who);
}

/* Linux's e820_end_pfn(): the end pfn of the highest @type entry below
 * @limit_pfn, capped at @max_arch_pfn. */
static unsigned long e820_end_pfn(const struct kmm_e820 *e, u64 limit_pfn, u64 max_arch_pfn,
				  enum e820_type type)
{
	u64 last_pfn = 0;
	u32 i;

	for (i = 0; i < e->table.nr_entries; i++) {
		const struct e820_entry *entry = &e->table.entries[i];
		u64 start_pfn, end_pfn;

		if (entry->type != type)
			continue;
		start_pfn = entry->addr >> E820_PAGE_SHIFT;
		end_pfn = (entry->addr + entry->size) >> E820_PAGE_SHIFT;
		if (start_pfn >= limit_pfn)
			continue;
		if (end_pfn > limit_pfn) {
			last_pfn = limit_pfn;
			break;
		}
		if (end_pfn > last_pfn)
			last_pfn = end_pfn;
	}
	if (last_pfn > max_arch_pfn)
		last_pfn = max_arch_pfn;
	kmm_printk(e->env, "last_pfn = %#lx max_arch_pfn = %#lx", (unsigned long)last_pfn,
		   (unsigned long)max_arch_pfn);
	return (unsigned long)last_pfn;
}

unsigned long e820__end_of_ram_pfn(const struct kmm_e820 *e, unsigned long max_arch_pfn)
{
	return e820_end_pfn(e, max_arch_pfn, max_arch_pfn, E820_TYPE_RAM);
}

unsigned long e820__end_of_low_ram_pfn(const struct kmm_e820 *e, unsigned long max_arch_pfn)
{
	return e820_end_pfn(e, 1ULL << (32 - E820_PAGE_SHIFT), max_arch_pfn, E820_TYPE_RAM);
}

/* ------------------------------------------------------------ early parameters */

/*
 * One mem=/memmap= entry, parsed but not applied.  Every form the parser
 * accepts is consumed completely; anything else is rejected as a whole
 * (Linux would apply the part it understood, see e820_parse_memmap_opt()).
 */
enum memmap_kind {
	MEMMAP_EXACTMAP, /* "exactmap": empty the table */
	MEMMAP_LIMIT,    /* "nn": remove RAM above nn (mem=) */
	MEMMAP_ADD,      /* "nn@ss", "nn#ss", "nn$ss", "nn!ss", "nn%ss+to" */
	MEMMAP_UPDATE,   /* "nn%ss-from+to" */
	MEMMAP_REMOVE,   /* "nn%ss-from" (typed) or "nn%ss" (any type) */
};

struct memmap_op {
	enum memmap_kind kind;
	u64 size, start;
	u32 from, to; /* e820 types; 0 = not given */
};

/* A size (or, with @is_addr, an address) with optional K/M/G/T/P/E suffix:
 * NULL with a reason when there is no number or it does not fit 64 bits,
 * else the first character after it. */
static const char *memmap_number(const char *p, u64 *out, bool is_addr, const char **why)
{
	const char *end;
	bool ovf;

	if (!kmm_isdigit((unsigned char)*p)) {
		*why = is_addr ? "invalid address" : "invalid size";
		return NULL;
	}
	*out = kmm_memparse(p, &end, &ovf);
	if (ovf) {
		*why = is_addr ? "address does not fit 64 bits" : "size does not fit 64 bits";
		return NULL;
	}
	return end;
}

/* A type number after '-' or '+' in "nn%ss-from+to" (base 0, 1..2^32-1). */
static const char *memmap_type(const char *p, u32 *out, const char **why)
{
	const char *end;
	bool ovf;
	u64 v;

	if (!kmm_isdigit((unsigned char)*p)) {
		*why = "type number expected";
		return NULL;
	}
	v = kmm_strtoull(p, &end, 0, &ovf);
	if (ovf || v > 0xffffffffULL) {
		*why = "type number does not fit 32 bits";
		return NULL;
	}
	*out = (u32)v;
	return end;
}

/* Parse "nn%ss[-from][+to]" after the '%'. */
static const char *memmap_parse_retype(const char *p, struct memmap_op *op)
{
	const char *why = NULL;

	p = memmap_number(p, &op->start, true, &why);
	if (!p)
		return why;
	if (*p == '-') {
		p = memmap_type(p + 1, &op->from, &why);
		if (!p)
			return why;
	}
	if (*p == '+') {
		p = memmap_type(p + 1, &op->to, &why);
		if (!p)
			return why;
	}
	if (*p)
		return "unexpected text after the types";
	if (op->from && op->to && op->from == op->to)
		return "old and new type are the same";
	if (op->from && op->to)
		op->kind = MEMMAP_UPDATE;
	else if (op->to)
		op->kind = MEMMAP_ADD;
	else
		op->kind = MEMMAP_REMOVE;
	return NULL;
}

/*
 * memmap_parse_one - parse one memmap= entry (NUL-terminated @p) into @op.
 * Returns NULL, or a short reason the entry is malformed.
 */
static const char *memmap_parse_one(const char *p, struct memmap_op *op)
{
	const char *why = NULL;
	char sep;

	kmm_memset(op, 0, sizeof(*op));
	if (kmm_strcmp(p, "exactmap") == 0) {
		op->kind = MEMMAP_EXACTMAP;
		return NULL;
	}
	p = memmap_number(p, &op->size, false, &why);
	if (!p)
		return why;
	sep = *p;
	if (sep == '\0') {
		op->kind = MEMMAP_LIMIT;
		return NULL;
	}
	if (sep == '%') {
		why = memmap_parse_retype(p + 1, op);
	} else if (sep == '@' || sep == '#' || sep == '$' || sep == '!') {
		op->kind = MEMMAP_ADD;
		op->to = sep == '@' ? E820_TYPE_RAM :
			 sep == '#' ? E820_TYPE_ACPI :
			 sep == '$' ? E820_TYPE_RESERVED : E820_TYPE_PRAM;
		p = memmap_number(p + 1, &op->start, true, &why);
		if (p && *p)
			why = "unexpected text after the address";
	} else {
		why = "unknown separator (expected one of @ # $ ! %)";
	}
	if (why)
		return why;
	if (op->kind != MEMMAP_LIMIT && op->size > KMM_ULLONG_MAX - op->start)
		return "range wraps past 2^64";
	return NULL;
}

static void memmap_apply(struct kmm_e820 *e, const struct memmap_op *op)
{
	e->userdef = true;
	switch (op->kind) {
	case MEMMAP_EXACTMAP:
		e->table.nr_entries = 0;
		break;
	case MEMMAP_LIMIT:
		e820__range_remove(e, op->size, KMM_ULLONG_MAX - op->size, E820_TYPE_RAM, true);
		break;
	case MEMMAP_ADD:
		e820__range_add(e, op->start, op->size, (enum e820_type)op->to);
		break;
	case MEMMAP_UPDATE:
		e820__range_update(e, op->start, op->size, (enum e820_type)op->from,
				   (enum e820_type)op->to);
		break;
	case MEMMAP_REMOVE:
		e820__range_remove(e, op->start, op->size, (enum e820_type)op->from,
				   op->from != 0);
		break;
	}
}

/* Copy the comma-separated entry at @s into @buf (NUL-terminated); returns
 * the start of the next entry or NULL after the last.  Entries longer than
 * @len - 1 are cut, which makes them malformed (they then end early). */
static const char *memmap_next_entry(const char *s, char *buf, size_t len, bool *cut)
{
	const char *comma = kmm_strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : kmm_strlen(s);

	*cut = n >= len;
	if (*cut)
		n = len - 1;
	kmm_memcpy(buf, s, n);
	buf[n] = '\0';
	return comma ? comma + 1 : NULL;
}

/*
 * e820_memmap_check - validate a whole memmap= value without applying it.
 * Returns 0 or -KMM_EINVAL with @err = "memmap=: <reason>: '<entry>'" for
 * the first malformed entry.
 */
int e820_memmap_check(const char *arg, char *err, size_t errlen)
{
	char buf[128];
	struct memmap_op op;
	const char *why;
	bool cut;

	if (!arg) {
		kmm_snprintf(err, errlen, "memmap=: value expected: ''");
		return -KMM_EINVAL;
	}
	while (arg) {
		const char *entry = arg;

		arg = memmap_next_entry(arg, buf, sizeof(buf), &cut);
		why = cut ? "entry too long" : memmap_parse_one(buf, &op);
		if (why) {
			size_t n = arg ? (size_t)(arg - 1 - entry) : kmm_strlen(entry);

			kmm_snprintf(err, errlen, "memmap=: %s: '%.*s'", why, (int)n, entry);
			return -KMM_EINVAL;
		}
	}
	return 0;
}

/*
 * e820_parse_memmap_opt - Linux's parse_memmap_opt(): apply each
 * comma-separated entry of @arg in order.  Well-formed entries before and
 * after a malformed one are applied (Linux ignores per-entry errors); the
 * malformed entry itself changes nothing, and the result is -KMM_EINVAL.
 * A NULL @arg (a bare "memmap") is -KMM_EINVAL.
 */
int e820_parse_memmap_opt(struct kmm_e820 *e, const char *arg)
{
	char buf[128];
	struct memmap_op op;
	int ret = 0;
	bool cut;

	if (!arg)
		return -KMM_EINVAL;
	while (arg) {
		arg = memmap_next_entry(arg, buf, sizeof(buf), &cut);
		if (cut || memmap_parse_one(buf, &op)) {
			ret = -KMM_EINVAL;
			continue;
		}
		memmap_apply(e, &op);
	}
	return ret;
}

/*
 * e820_memopt_check - validate a mem= value: "nopentium", or a size with
 * optional K/M/G/T/P/E suffix, nothing after it, not 0.  Returns 0 with
 * *@size (0 for nopentium), or -KMM_EINVAL and a short reason in *@why.
 */
static int e820_memopt_check(const char *arg, u64 *size, const char **why)
{
	const char *p;

	*size = 0;
	if (!arg) {
		*why = "value expected";
		return -KMM_EINVAL;
	}
	if (kmm_strcmp(arg, "nopentium") == 0)
		return 0;
	p = memmap_number(arg, size, false, why);
	if (p && *p)
		*why = "invalid size";
	if (!p || *p)
		return -KMM_EINVAL;
	if (*size == 0) {
		*why = "size must not be 0";
		return -KMM_EINVAL;
	}
	return 0;
}

/*
 * e820_parse_memopt - Linux's parse_memopt(): mem=nn[KMGTPE] removes all
 * RAM at and above nn ("e820: remove [mem nn-0xfffffffffffffffe] usable").
 * "nopentium" is accepted and ignored (x86_64 has no PSE switch to clear).
 * Returns -KMM_EINVAL, changing nothing, for a missing, malformed or zero
 * size.
 */
int e820_parse_memopt(struct kmm_e820 *e, const char *arg)
{
	const char *why;
	u64 size;

	if (e820_memopt_check(arg, &size, &why))
		return -KMM_EINVAL;
	if (size == 0)
		return 0; /* nopentium */
	e->userdef = true;
	e820__range_remove(e, size, KMM_ULLONG_MAX - size, E820_TYPE_RAM, true);
	return 0;
}

int e820_mem_check(const char *arg, char *err, size_t errlen)
{
	const char *why;
	u64 size;

	if (e820_memopt_check(arg, &size, &why) == 0)
		return 0;
	kmm_snprintf(err, errlen, "mem=: %s: '%s'", why, arg ? arg : "");
	return -KMM_EINVAL;
}

int e820__finish_early_params(struct kmm_e820 *e)
{
	if (!e->userdef)
		return 0;
	if (e820__update_table(&e->table) < 0) {
		kmm_printk(e->env, "Invalid user supplied memory map");
		return -KMM_EINVAL;
	}
	kmm_printk(e->env, "user-defined physical RAM map:");
	e820__print_table(e, "user");
	return 0;
}

/* ------------------------------------------------------------ text input */

/* One input line being parsed: [s, e) trimmed, for messages and parsing. */
struct e820_line {
	unsigned int nr;
	const char *s, *e;
	char *err;
	size_t errlen;
};

static int e820_line_error(const struct e820_line *ln, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "line N: <what>: '<text>'" into ln->err; returns @ret. */
static int e820_line_error(const struct e820_line *ln, int ret, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	kmm_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kmm_snprintf(ln->err, ln->errlen, "line %u: %s: '%.*s'", ln->nr, what,
		     (int)(ln->e - ln->s), ln->s);
	return ret;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && kmm_isspace((unsigned char)*p))
		p++;
	return p;
}

/* end of the token at @p: the first whitespace (or @stop character) */
static const char *token_end(const char *p, const char *e, char stop)
{
	while (p < e && !kmm_isspace((unsigned char)*p) && *p != stop)
		p++;
	return p;
}

static bool text_ieq(const char *s, const char *e, const char *name)
{
	size_t n = kmm_strlen(name);

	if ((size_t)(e - s) != n)
		return false;
	while (n--)
		if (kmm_tolower((unsigned char)s[n]) != kmm_tolower((unsigned char)name[n]))
			return false;
	return true;
}

/* @s..@e in full is a number (base 0) that fits 32 bits and is not 0. */
static bool text_type_number(const char *s, const char *e, u32 *type)
{
	const char *end;
	bool ovf;
	u64 v;

	if (s == e || !kmm_isdigit((unsigned char)*s))
		return false;
	v = kmm_strtoull(s, &end, 0, &ovf);
	if (end != e || ovf || v == 0 || v > 0xffffffffULL)
		return false;
	*type = (u32)v;
	return true;
}

/* The names e820_type_name() prints (any case), "type N", or a bare N. */
static bool text_type(const char *s, const char *e, u32 *type)
{
	static const struct {
		const char *name;
		u32 type;
	} names[] = {
		{ "usable", E820_TYPE_RAM },
		{ "reserved", E820_TYPE_RESERVED },
		{ "ACPI data", E820_TYPE_ACPI },
		{ "ACPI NVS", E820_TYPE_NVS },
		{ "unusable", E820_TYPE_UNUSABLE },
		{ "persistent (type 7)", E820_TYPE_PMEM },
		{ "persistent (type 12)", E820_TYPE_PRAM },
		{ "soft reserved", E820_TYPE_SOFT_RESERVED },
	};
	size_t i;

	for (i = 0; i < KMM_ARRAY_SIZE(names); i++) {
		if (text_ieq(s, e, names[i].name)) {
			*type = names[i].type;
			return true;
		}
	}
	if (e - s > 5 && text_ieq(s, s + 5, "type "))
		return text_type_number(s + 5, e, type);
	return text_type_number(s, e, type);
}

/*
 * A number starting at @p (base 0 or 16) that must be followed by
 * whitespace, the end of the line, or @stop.  Returns the character after it,
 * or NULL after writing "bad <field> '<token>'" / "<field> '<token>' does not
 * fit 64 bits" into the error.
 */
static const char *text_number(const struct e820_line *ln, const char *p, unsigned int base,
			       char stop, const char *field, u64 *out, int *ret)
{
	const char *tok_end = token_end(p, ln->e, stop);
	const char *end;
	bool ovf = false;

	*out = 0;
	end = p;
	if (p < ln->e && kmm_isxdigit((unsigned char)*p))
		*out = kmm_strtoull(p, &end, base, &ovf);
	if (end == p || end != tok_end) {
		*ret = e820_line_error(ln, -KMM_EPARSE, "bad %s '%.*s'", field,
				       (int)(tok_end - p), p);
		return NULL;
	}
	if (ovf) {
		*ret = e820_line_error(ln, -KMM_EPARSE, "%s '%.*s' does not fit 64 bits", field,
				       (int)(tok_end - p), p);
		return NULL;
	}
	return end;
}

/* Check [start, last] and the type text, then append the entry. */
static int text_add(struct kmm_e820 *e, const struct e820_line *ln, u64 start, u64 last,
		    const char *ts, const char *te)
{
	u32 type;

	if (last < start)
		return e820_line_error(ln, -KMM_EPARSE, "end %#llx below start %#llx",
				       (unsigned long long)last, (unsigned long long)start);
	if (last == KMM_ULLONG_MAX)
		return e820_line_error(ln, -KMM_EPARSE,
				       "range %#llx-%#llx reaches 2^64 (the end must be below %#llx)",
				       (unsigned long long)start, (unsigned long long)last,
				       (unsigned long long)KMM_ULLONG_MAX);
	if (ts == te)
		return e820_line_error(ln, -KMM_EPARSE, "missing type");
	if (!text_type(ts, te, &type))
		return e820_line_error(ln, -KMM_EPARSE, "unknown type '%.*s'", (int)(te - ts), ts);
	if (e->table.nr_entries >= E820_MAX_ENTRIES)
		return e820_line_error(ln, -KMM_EOVERFLOW, "more than %u entries",
				       (unsigned int)E820_MAX_ENTRIES);
	e820__range_add(e, start, last - start + 1, (enum e820_type)type);
	return 1;
}

/* "BIOS-e820: [mem 0xSTART-0xEND] TYPE", @ln->s at "BIOS-e820:" */
static int text_parse_dmesg(struct kmm_e820 *e, const struct e820_line *ln)
{
	const char *p = skip_ws(ln->s + kmm_strlen("BIOS-e820:"), ln->e);
	const char *end;
	u64 start, last;
	bool ovf1, ovf2;

	if (ln->e - p < 5 || kmm_strncmp(p, "[mem ", 5) != 0)
		goto malformed;
	p += 5;
	if (!kmm_isxdigit((unsigned char)*p))
		goto malformed;
	start = kmm_strtoull(p, &end, 16, &ovf1);
	if (end >= ln->e || *end != '-' || !kmm_isxdigit((unsigned char)end[1]))
		goto malformed;
	last = kmm_strtoull(end + 1, &p, 16, &ovf2);
	if (p >= ln->e || *p != ']' || ovf1 || ovf2)
		goto malformed;
	p++;
	if (p < ln->e && !kmm_isspace((unsigned char)*p))
		goto malformed;
	return text_add(e, ln, start, last, skip_ws(p, ln->e), ln->e);
malformed:
	return e820_line_error(ln, -KMM_EPARSE,
			       "malformed BIOS-e820 line (expected '[mem 0xSTART-0xEND] TYPE')");
}

/* "START SIZE TYPE" or "START-END TYPE" (END inclusive), numbers in base 0 */
static int text_parse_plain(struct kmm_e820 *e, const struct e820_line *ln)
{
	const char *p;
	u64 start, second, last;
	int ret = 0;

	p = text_number(ln, ln->s, 0, '-', "start", &start, &ret);
	if (!p)
		return ret;
	if (p < ln->e && *p == '-') {
		p = text_number(ln, p + 1, 0, 0, "end", &last, &ret);
		if (!p)
			return ret;
	} else {
		p = skip_ws(p, ln->e);
		if (p == ln->e)
			return e820_line_error(ln, -KMM_EPARSE, "missing size");
		p = text_number(ln, p, 0, 0, "size", &second, &ret);
		if (!p)
			return ret;
		if (second == 0)
			return e820_line_error(ln, -KMM_EPARSE, "empty range (size 0)");
		if (second - 1 > KMM_ULLONG_MAX - start)
			return e820_line_error(ln, -KMM_EPARSE, "start %#llx + size %#llx wraps past 2^64",
					       (unsigned long long)start,
					       (unsigned long long)second);
		last = start + (second - 1);
	}
	return text_add(e, ln, start, last, skip_ws(p, ln->e), ln->e);
}

/* Does the line start with a dmesg "[ seconds.micros]" timestamp? */
static const char *text_timestamp_end(const char *p, const char *e)
{
	const char *q = p;

	if (q == e || *q != '[')
		return NULL;
	q++;
	while (q < e && (*q == ' ' || *q == '.' || kmm_isdigit((unsigned char)*q)))
		q++;
	if (q == e || *q != ']' || q == p + 1)
		return NULL;
	return q + 1;
}

static const char *text_find(const char *s, const char *e, const char *needle)
{
	size_t n = kmm_strlen(needle);

	for (; (size_t)(e - s) >= n; s++)
		if (kmm_strncmp(s, needle, n) == 0)
			return s;
	return NULL;
}

static const char *text_line_end(const char *p)
{
	while (*p && *p != '\n')
		p++;
	return p;
}

/* dmesg mode: the text has a BIOS-e820 line or a timestamped line. */
static bool text_is_dmesg(const char *text)
{
	const char *p, *e;

	for (p = text; *p; p = *e ? e + 1 : e) {
		e = text_line_end(p);
		p = skip_ws(p, e);
		if (text_timestamp_end(p, e) || text_find(p, e, "BIOS-e820:"))
			return true;
	}
	return false;
}

/*
 * kmm_e820_parse_text - see kmm/e820.h.  Two modes, chosen by a first pass:
 *   dmesg  (some line has "BIOS-e820:" or a "[ 0.000000]" timestamp): only
 *          lines containing "BIOS-e820:" are entries, all others skipped;
 *   plain  every line that is not blank is an entry, "#" starts a comment.
 * Errors are "line N: <what>: '<text>'" where <text> is the line from
 * "BIOS-e820:" on (dmesg) or the trimmed line without its comment (plain):
 *   bad start|end|size '<tok>'          not a number (base 0; dmesg: hex)
 *   start|end|size '<tok>' does not fit 64 bits
 *   missing size / missing type
 *   unknown type '<tok>'                not a Linux type name, "type N" or N
 *                                       with 1 <= N <= 0xffffffff
 *   end 0x.. below start 0x..
 *   empty range (size 0)
 *   start 0x.. + size 0x.. wraps past 2^64
 *   range 0x..-0xffffffffffffffff reaches 2^64 (the end must be below ...)
 *                                       Linux's sanitiser rejects such maps
 *   malformed BIOS-e820 line (expected '[mem 0xSTART-0xEND] TYPE')
 *   more than 3200 entries              (-KMM_EOVERFLOW)
 * and "no e820 entries found" (-KMM_ENOENT).  Overlapping entries are not
 * an error: firmware maps have them and e820__update_table() resolves them.
 */
int kmm_e820_parse_text(struct kmm_e820 *e, const char *text, char *err, size_t errlen)
{
	u32 saved = e->table.nr_entries;
	bool dmesg = text_is_dmesg(text);
	struct e820_line ln = { .err = err, .errlen = errlen };
	const char *p, *le;
	int added = 0, ret;

	for (p = text; *p; p = *le ? le + 1 : le) {
		le = text_line_end(p);
		ln.nr++;
		ln.s = skip_ws(p, le);
		ln.e = le;
		if (dmesg) {
			ln.s = text_find(ln.s, le, "BIOS-e820:");
			if (!ln.s)
				continue;
		} else {
			const char *hash = text_find(ln.s, le, "#");

			if (hash)
				ln.e = hash;
		}
		while (ln.e > ln.s && kmm_isspace((unsigned char)ln.e[-1]))
			ln.e--;
		if (ln.s == ln.e)
			continue;
		ret = dmesg ? text_parse_dmesg(e, &ln) : text_parse_plain(e, &ln);
		if (ret < 0) {
			e->table.nr_entries = saved;
			return ret;
		}
		added += ret;
	}
	if (added == 0) {
		kmm_snprintf(err, errlen, "no e820 entries found");
		return -KMM_ENOENT;
	}
	return added;
}
