// SPDX-License-Identifier: MIT
/*
 * test_e820.c - the x86 e820 map (src/arch/x86/e820.c): the sanitiser, the
 * range editors, printing, mem=/memmap=, the text parser, and fidelity
 * against real Linux 6.1 boot logs (tests/fixtures/e820/<case>.dmesg).
 *
 * Pictures show addresses growing to the right; each row is one table
 * entry before the call, "=>" the table after it.  R = usable (RAM),
 * S = reserved, A = ACPI data, P = PRAM (type 12).  Ranges are half-open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/cmdline.h>
#include <kmm/e820.h>
#include <kmm/error.h>

#define RAM E820_TYPE_RAM
#define RES E820_TYPE_RESERVED
#define ACPI E820_TYPE_ACPI
#define PRAM E820_TYPE_PRAM
#define K4 0x1000ULL
#define SZ_1M (1ULL << 20)
#define SZ_1G (1ULL << 30)

struct fix {
	struct kmm_test_env *t;
	struct kmm_e820 e;
	char err[512];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->t = kmm_test_env_new(0);
	kmm_e820_init(&f->e, &f->t->env);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	kmm_test_env_free(f->t);
	free(f);
	return 0;
}

#define FIX                      \
	struct fix *f = *state;  \
	struct kmm_e820 *e = &f->e; \
	(void)e

/* append without logging (the table as firmware handed it over) */
static void add(struct kmm_e820 *e, u64 addr, u64 size, enum e820_type type)
{
	e820__range_add(e, addr, size, type);
}

static void assert_entry_at(const struct kmm_e820 *e, unsigned int i, u64 addr, u64 size,
			    u32 type, int line)
{
	const struct e820_entry *x = &e->table.entries[i];

	if (i >= e->table.nr_entries || x->addr != addr || x->size != size || (u32)x->type != type)
		fail_msg("line %d: entry %u is [%#llx +%#llx type %u] (nr %u), expected [%#llx +%#llx "
			 "type %u]",
			 line, i, (unsigned long long)x->addr, (unsigned long long)x->size,
			 (unsigned)x->type, e->table.nr_entries, (unsigned long long)addr,
			 (unsigned long long)size, type);
}
#define ASSERT_ENTRY(i, addr, size, type) assert_entry_at(e, i, addr, size, type, __LINE__)
#define ASSERT_NR(n) assert_int_equal(e->table.nr_entries, (n))

static void assert_log_is(const struct kmm_test_env *t, const char *const *lines, unsigned int n,
			  int line)
{
	unsigned int i;

	for (i = 0; i < n && i < t->nr_lines; i++)
		if (strcmp(t->lines[i], lines[i]) != 0)
			fail_msg("line %d: log line %u is\n  '%s'\nexpected\n  '%s'\nlog:\n%s", line,
				 i, t->lines[i], lines[i], kmm_test_log_text(t));
	if (t->nr_lines != n)
		fail_msg("line %d: %u log lines, expected %u:\n%s", line, t->nr_lines, n,
			 kmm_test_log_text(t));
}
#define EXPECT_LOG(...)                                                                   \
	do {                                                                              \
		static const char *const want_[] = { __VA_ARGS__ };                        \
		assert_log_is(f->t, want_, sizeof(want_) / sizeof(want_[0]), __LINE__);      \
	} while (0)
#define EXPECT_NO_LOG() assert_int_equal(f->t->nr_lines, 0)

/* ------------------------------------------------------------ sanitiser */

/*
 *  |        SSSS|            |
 *  |RRRR        |            |
 *  |    AAAA    |            |
 * => RRRR AAAA SSSS, in address order.
 * Expect the sanitiser to sort entries by address.
 */
static void update_table_unsorted(void **state)
{
	FIX;

	add(e, 2 * K4, K4, RES);
	add(e, 0, K4, RAM);
	add(e, K4, K4, ACPI);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, ACPI);
	ASSERT_ENTRY(2, 2 * K4, K4, RES);
}

/*
 *  |RRRRRRRR    |
 *  |    RRRRRRRR|
 * => RRRRRRRRRRRR
 * Expect two overlapping entries of one type to merge.
 */
static void update_table_overlap_same_type(void **state)
{
	FIX;

	add(e, 0, 2 * K4, RAM);
	add(e, K4, 2 * K4, RAM);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(1);
	ASSERT_ENTRY(0, 0, 3 * K4, RAM);
}

/*
 *  |RRRRRRRRRRRR|
 *  |    SSSS    |
 * => RRRR SSSS RRRR
 * Expect a higher type inside a lower one to split it in three.
 */
static void update_table_overlap_contained_higher(void **state)
{
	FIX;

	add(e, 0, 3 * K4, RAM);
	add(e, K4, K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, RES);
	ASSERT_ENTRY(2, 2 * K4, K4, RAM);
}

/*
 *  |SSSSSSSSSSSS|
 *  |    RRRR    |
 * => SSSSSSSSSSSS
 * Expect a lower type inside a higher one to vanish (larger type wins).
 */
static void update_table_overlap_contained_lower(void **state)
{
	FIX;

	add(e, 0, 3 * K4, RES);
	add(e, K4, K4, RAM);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(1);
	ASSERT_ENTRY(0, 0, 3 * K4, RES);
}

/*
 *  |RRRRRRRR    |        |SSSSSSSS    |
 *  |    SSSSSSSS|        |    RRRRRRRR|
 * => RRRR SSSSSSSS       => SSSSSSSS RRRR
 * Expect a partial overlap to go to the larger type in both orders.
 */
static void update_table_overlap_partial(void **state)
{
	FIX;

	add(e, 0, 2 * K4, RAM);
	add(e, K4, 2 * K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, 2 * K4, RES);

	e->table.nr_entries = 0;
	add(e, 0, 2 * K4, RES);
	add(e, K4, 2 * K4, RAM);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, 2 * K4, RES);
	ASSERT_ENTRY(1, 2 * K4, K4, RAM);
}

/*
 *  |RRRRRRRRRRRR|   |RRRRRRRRRRRR|   |RRRR|
 *  |SSSS        |   |        SSSS|   |AAAA|
 * => SSSS RRRRRRRR  => RRRRRRRR SSSS  => AAAA
 * Expect shared starts, shared ends and identical ranges to resolve to the
 * larger type where they overlap.
 */
static void update_table_overlap_shared_edges(void **state)
{
	FIX;

	add(e, 0, 3 * K4, RAM);
	add(e, 0, K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, RES);
	ASSERT_ENTRY(1, K4, 2 * K4, RAM);

	e->table.nr_entries = 0;
	add(e, 0, 3 * K4, RAM);
	add(e, 2 * K4, K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, 2 * K4, RAM);
	ASSERT_ENTRY(1, 2 * K4, K4, RES);

	e->table.nr_entries = 0;
	add(e, 0, K4, RAM);
	add(e, 0, K4, ACPI);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(1);
	ASSERT_ENTRY(0, 0, K4, ACPI);
}

/*
 *  |RRRRRRRRRRRR|
 *  |  soft-reserved over RESERVED_KERN over ACPI NVS |
 * Expect the numeric order of types to decide, not their meaning:
 * soft reserved (0xefffffff) beats RESERVED_KERN (128) beats ACPI NVS (4).
 */
static void update_table_larger_type_wins(void **state)
{
	FIX;

	add(e, 0, 3 * K4, E820_TYPE_NVS);
	add(e, 0, 2 * K4, E820_TYPE_RESERVED_KERN);
	add(e, 0, K4, E820_TYPE_SOFT_RESERVED);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, E820_TYPE_SOFT_RESERVED);
	ASSERT_ENTRY(1, K4, K4, E820_TYPE_RESERVED_KERN);
	ASSERT_ENTRY(2, 2 * K4, K4, E820_TYPE_NVS);
}

/*
 *  |RRRR    |    (size 0 at 0x800, size 0 type 0 - a removed entry)
 *  |    RRRR|
 * => RRRRRRRR
 * Expect zero-size entries to be dropped and touching same-type entries to
 * merge; touching entries of different types stay apart.
 */
static void update_table_zero_size_and_adjacent(void **state)
{
	FIX;

	add(e, 0, K4, RAM);
	add(e, 0x800, 0, RES);
	add(e, 0, 0, (enum e820_type)0);
	add(e, K4, K4, RAM);
	add(e, 2 * K4, K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, 2 * K4, RAM);
	ASSERT_ENTRY(1, 2 * K4, K4, RES);
}

/*
 *  |PPPP    |        |PPPPPPPP    |
 *  |    PPPP|        |    PPPPPPPP|
 * => PPPP PPPP       => PPPP PPPP PPPP
 * Expect PRAM (and soft reserved) never to merge: touching entries stay
 * apart and overlapping ones are cut at every change point (e820_nomerge).
 */
static void update_table_pram_nomerge(void **state)
{
	FIX;

	add(e, 0, K4, PRAM);
	add(e, K4, K4, PRAM);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, PRAM);
	ASSERT_ENTRY(1, K4, K4, PRAM);

	e->table.nr_entries = 0;
	add(e, 0, 2 * K4, PRAM);
	add(e, K4, 2 * K4, PRAM);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, PRAM);
	ASSERT_ENTRY(1, K4, K4, PRAM);
	ASSERT_ENTRY(2, 2 * K4, K4, PRAM);

	e->table.nr_entries = 0;
	add(e, 0, K4, E820_TYPE_SOFT_RESERVED);
	add(e, K4, K4, E820_TYPE_SOFT_RESERVED);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(2);
}

/*
 *  |RRRR|  and  [0xfffffffffffff000, +0x2000) which wraps past 2^64
 * Expect -KMM_EINVAL (Linux's -1) and the table untouched; likewise for a
 * table of one entry, which Linux does not sanitise.
 */
static void update_table_rejects_wrap_and_single(void **state)
{
	FIX;

	add(e, 2 * K4, K4, RAM);
	add(e, 0xfffffffffffff000ULL, 0x2000, RES);
	add(e, 0, K4, RAM);
	assert_int_equal(e820__update_table(&e->table), -KMM_EINVAL);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 2 * K4, K4, RAM);

	e->table.nr_entries = 1;
	e->table.entries[0].size = 0;
	assert_int_equal(e820__update_table(&e->table), -KMM_EINVAL);
	ASSERT_ENTRY(0, 2 * K4, 0, RAM);
}

/*
 *  |RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR|  one RAM range over 2 TiB
 *  |  S   S   S   S  ... 1700 islands       |
 * Expect the 3401 resulting pieces to be cut at E820_MAX_ENTRIES, as Linux
 * stops when its new table is full.
 */
static void update_table_output_capped(void **state)
{
	FIX;
	unsigned int i;

	add(e, 0, 1ULL << 41, RAM);
	for (i = 0; i < 1700; i++)
		add(e, (u64)i * 2 * SZ_1M + SZ_1M, K4, RES);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(E820_MAX_ENTRIES);
	ASSERT_ENTRY(0, 0, SZ_1M, RAM);
	ASSERT_ENTRY(1, SZ_1M, K4, RES);
	ASSERT_ENTRY(2, SZ_1M + K4, 2 * SZ_1M - K4, RAM);
}

/* ------------------------------------------------------------ range_add */

/*
 * A full table (E820_MAX_ENTRIES entries) and one more range.
 * Expect Linux's "e820: too many entries; ignoring [mem ...]" and no change.
 */
static void range_add_table_full(void **state)
{
	FIX;

	e->table.nr_entries = E820_MAX_ENTRIES;
	e820__range_add(e, K4, K4, RAM);
	ASSERT_NR(E820_MAX_ENTRIES);
	EXPECT_LOG("e820: too many entries; ignoring [mem 0x00001000-0x00001fff]");
}

/* ------------------------------------------------------------ range_update */

/*
 *  |RRRRRRRRRRRR|
 *  |    new     |   update [4K, 8K) usable => reserved
 * => RRRR (head, in place) SSSS (appended) RRRR (tail, appended)
 * Expect the split in Linux's order, 0x1000 bytes updated and the log line.
 */
static void range_update_inside(void **state)
{
	FIX;

	add(e, 0, 3 * K4, RAM);
	assert_int_equal(e820__range_update(e, K4, K4, RAM, RES), K4);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, RES);
	ASSERT_ENTRY(2, 2 * K4, K4, RAM);
	EXPECT_LOG("e820: update [mem 0x00001000-0x00001fff] usable ==> reserved");
}

/*
 *      |RRRRRRRR|              |RRRRRRRR|
 *  |   new  |                      |   new   |
 * => tail stays in place, the covered head is appended (and vice versa).
 * Expect partial overlaps to shrink the entry and append the covered part.
 */
static void range_update_partial(void **state)
{
	FIX;

	add(e, K4, 2 * K4, RAM);
	assert_int_equal(e820__range_update(e, 0, 2 * K4, RAM, RES), K4);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 2 * K4, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, RES);

	e->table.nr_entries = 0;
	add(e, 0, 2 * K4, RAM);
	assert_int_equal(e820__range_update(e, K4, 2 * K4, RAM, ACPI), K4);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, ACPI);
	EXPECT_LOG("e820: update [mem 0x00000000-0x00001fff] usable ==> reserved",
		   "e820: update [mem 0x00001000-0x00002fff] usable ==> ACPI data");
}

/*
 *  |  RRRR  AAAA  |
 *  |     new      |   update everything usable => reserved, size ULLONG_MAX
 * Expect a covered entry to be retyped in place, other types untouched, and
 * the size clamped so the range ends at 2^64 - 1.
 */
static void range_update_covering_and_clamped(void **state)
{
	FIX;

	add(e, K4, K4, RAM);
	add(e, 3 * K4, K4, ACPI);
	assert_int_equal(e820__range_update(e, K4, KMM_ULLONG_MAX, RAM, RES), K4);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, K4, K4, RES);
	ASSERT_ENTRY(1, 3 * K4, K4, ACPI);
	EXPECT_LOG("e820: update [mem 0x00001000-0xfffffffffffffffe] usable ==> reserved");
}

/*
 *  |RRRR|  update usable => usable
 * Expect API misuse (Linux BUG()s) to change nothing, log no update line,
 * and fire KMM_CHECK in debug builds.
 */
static void range_update_same_type(void **state)
{
	FIX;

	add(e, 0, K4, RAM);
	assert_int_equal(e820__range_update(e, 0, K4, RAM, RAM), 0);
	ASSERT_NR(1);
	ASSERT_ENTRY(0, 0, K4, RAM);
	assert_int_equal(f->t->nr_bugs, KMM_DEBUG_LEVEL >= 1 ? 1 : 0);
}

/* ------------------------------------------------------------ range_remove */

/*
 *  |RRRRRRRRRRRR|
 *  |    new     |
 * => RRRR (head in place)      RRRR (tail appended)
 * Expect the typed remove line and 0x1000 bytes removed.
 */
static void range_remove_inside(void **state)
{
	FIX;

	add(e, 0, 3 * K4, RAM);
	assert_int_equal(e820__range_remove(e, K4, K4, RAM, true), K4);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, 2 * K4, K4, RAM);
	EXPECT_LOG("e820: remove [mem 0x00001000-0x00001fff] usable");
}

/*
 *  |  RRRR  SSSS  RRRR|
 *  |  new (check_type off) ...|
 * Expect fully covered entries to be zeroed in place (dropped by the next
 * sanitisation), any type removed, and the line to end after "] " with no
 * type, as Linux's pr_cont() of nothing leaves it.
 */
static void range_remove_untyped_covering(void **state)
{
	FIX;

	add(e, K4, K4, RAM);
	add(e, 2 * K4, K4, RES);
	add(e, 4 * K4, 2 * K4, RAM);
	assert_int_equal(e820__range_remove(e, 0, 5 * K4, RAM, false), 3 * K4);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, 0, 0);
	ASSERT_ENTRY(1, 0, 0, 0);
	ASSERT_ENTRY(2, 5 * K4, K4, RAM);
	EXPECT_LOG("e820: remove [mem 0x00000000-0x00004fff] ");
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(1);
	ASSERT_ENTRY(0, 5 * K4, K4, RAM);
}

/*
 *  |RRRRRRRR  SSSS|
 *  |     new      |   remove usable only, [4K, 12K)
 * Expect the RAM entry to lose its tail and the reserved one to stay.
 */
static void range_remove_typed_partial(void **state)
{
	FIX;

	add(e, 0, 2 * K4, RAM);
	add(e, 2 * K4, K4, RES);
	assert_int_equal(e820__range_remove(e, K4, 2 * K4, RAM, true), K4);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, 2 * K4, K4, RES);
}

/* ------------------------------------------------------------ output, queries */

/*
 * One entry of each type.
 * Expect e820_print_type()'s names: RESERVED_KERN prints "usable", 7 and 12
 * "persistent (type N)", unknown types "type N".
 */
static void print_table_type_names(void **state)
{
	FIX;

	add(e, 0x0, K4, RAM);
	add(e, 0x1000, K4, RES);
	add(e, 0x2000, K4, ACPI);
	add(e, 0x3000, K4, E820_TYPE_NVS);
	add(e, 0x4000, K4, E820_TYPE_UNUSABLE);
	add(e, 0x5000, K4, E820_TYPE_PMEM);
	add(e, 0x6000, K4, PRAM);
	add(e, 0x7000, K4, E820_TYPE_SOFT_RESERVED);
	add(e, 0x8000, K4, E820_TYPE_RESERVED_KERN);
	add(e, 0x9000, K4, (enum e820_type)20);
	e820__print_table(e, "BIOS-e820");
	EXPECT_LOG("BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] usable",
		   "BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] reserved",
		   "BIOS-e820: [mem 0x0000000000002000-0x0000000000002fff] ACPI data",
		   "BIOS-e820: [mem 0x0000000000003000-0x0000000000003fff] ACPI NVS",
		   "BIOS-e820: [mem 0x0000000000004000-0x0000000000004fff] unusable",
		   "BIOS-e820: [mem 0x0000000000005000-0x0000000000005fff] persistent (type 7)",
		   "BIOS-e820: [mem 0x0000000000006000-0x0000000000006fff] persistent (type 12)",
		   "BIOS-e820: [mem 0x0000000000007000-0x0000000000007fff] soft reserved",
		   "BIOS-e820: [mem 0x0000000000008000-0x0000000000008fff] usable",
		   "BIOS-e820: [mem 0x0000000000009000-0x0000000000009fff] type 20");
}

/*
 *  |RRRR    SSSS|
 * Expect mapped_any to see any overlap (type 0 = any) and mapped_all to
 * need full coverage by the type.
 */
static void mapped_any_all(void **state)
{
	FIX;

	add(e, 0, 2 * K4, RAM);
	add(e, 2 * K4, K4, RES);
	assert_true(e820__mapped_any(e, K4, 3 * K4, RES));
	assert_false(e820__mapped_any(e, 0, 2 * K4, RES));
	assert_true(e820__mapped_any(e, 0x1fff, 0x2000, (enum e820_type)0));
	assert_true(e820__mapped_all(e, 0, 2 * K4, RAM));
	assert_false(e820__mapped_all(e, 0, 3 * K4, RAM));
	assert_true(e820__mapped_all(e, 0, 3 * K4, (enum e820_type)0));
}

/*
 *  |RRRR  RRRRRRRR            RRRRRRRR|   below 4G and above it
 * Expect Linux's last_pfn lines: the end of RAM, the end below 4G, and the
 * limit when RAM crosses it.
 */
static void end_of_ram_pfn(void **state)
{
	FIX;

	add(e, 0, 0x9fc00, RAM);
	add(e, 0x100000, 0xbffe0000 - 0x100000, RAM);
	add(e, 0xbffe0000, 0x20000, RES);
	add(e, 0x100000000ULL, 0x40000000, RAM);
	assert_int_equal(e820__end_of_ram_pfn(e, 0x400000000UL), 0x140000);
	assert_int_equal(e820__end_of_low_ram_pfn(e, 0x400000000UL), 0xbffe0);
	assert_int_equal(e820__end_of_ram_pfn(e, 0x1000), 0x1000);
	EXPECT_LOG("last_pfn = 0x140000 max_arch_pfn = 0x400000000",
		   "last_pfn = 0xbffe0 max_arch_pfn = 0x400000000",
		   "last_pfn = 0x1000 max_arch_pfn = 0x1000");
}

/* ------------------------------------------------------------ mem= */

static void base_2g(struct kmm_e820 *e)
{
	add(e, 0, 0x9fc00, RAM);
	add(e, 0x9fc00, 0x400, RES);
	add(e, 0x100000, 0x7ffe0000 - 0x100000, RAM);
	add(e, 0x7ffe0000, 0x20000, RES);
}

/*
 *  |RRRR S RRRRRRRRRRRRRRRR S|
 *  |          |<- mem=1G ..........>
 * Expect Linux's remove line, RAM cut at 1G, reserved kept, userdef set.
 */
static void memopt_1g(void **state)
{
	FIX;

	base_2g(e);
	assert_int_equal(e820_parse_memopt(e, "1G"), 0);
	assert_true(e->userdef);
	ASSERT_ENTRY(2, 0x100000, SZ_1G - 0x100000, RAM);
	ASSERT_ENTRY(3, 0x7ffe0000, 0x20000, RES);
	EXPECT_LOG("e820: remove [mem 0x40000000-0xfffffffffffffffe] usable");
}

/*
 * mem=0, mem=foo, mem=1Gx, mem=20E, bare mem, mem=nopentium.
 * Expect the bad ones to be -KMM_EINVAL with no log, no change and userdef
 * clear, with e820_mem_check() naming each; nopentium is a no-op.
 */
static void memopt_bad_values(void **state)
{
	FIX;
	static const struct {
		const char *arg, *msg;
	} bad[] = {
		{ "0", "mem=: size must not be 0: '0'" },
		{ "foo", "mem=: invalid size: 'foo'" },
		{ "1Gx", "mem=: invalid size: '1Gx'" },
		{ "20E", "mem=: size does not fit 64 bits: '20E'" },
		{ "", "mem=: invalid size: ''" },
		{ NULL, "mem=: value expected: ''" },
	};
	size_t i;

	base_2g(e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(e820_parse_memopt(e, bad[i].arg), -KMM_EINVAL);
		assert_int_equal(e820_mem_check(bad[i].arg, f->err, sizeof(f->err)), -KMM_EINVAL);
		assert_string_equal(f->err, bad[i].msg);
	}
	assert_int_equal(e820_parse_memopt(e, "nopentium"), 0);
	assert_int_equal(e820_mem_check("nopentium", f->err, sizeof(f->err)), 0);
	assert_false(e->userdef);
	ASSERT_NR(4);
	EXPECT_NO_LOG();
}

/* ------------------------------------------------------------ memmap= */

/*
 *  |RRRRRRRR|  memmap=64M@4G,4K#8K,4K$12K,4K!16K  (appended in order)
 * Expect one entry per form with types RAM, ACPI, reserved, PRAM, no log.
 */
static void memmap_add_forms(void **state)
{
	FIX;

	add(e, 0, 2 * K4, RAM);
	assert_int_equal(e820_parse_memmap_opt(e, "64M@4G,4K#8K,4K$12K,4K!16K"), 0);
	assert_true(e->userdef);
	ASSERT_NR(5);
	ASSERT_ENTRY(1, 4 * SZ_1G, 64 * SZ_1M, RAM);
	ASSERT_ENTRY(2, 2 * K4, K4, ACPI);
	ASSERT_ENTRY(3, 3 * K4, K4, RES);
	ASSERT_ENTRY(4, 4 * K4, K4, PRAM);
	EXPECT_NO_LOG();
}

/*
 *  |RRRRRRRRRRRRRRRR|
 *  memmap=4K%4K-1+2  (update)  4K%8K-1 (typed remove)  4K%12K (any type)
 *  4K%0x10000+3 (add ACPI)
 * Expect each '%' form to call Linux's update/remove/add with its log line.
 */
static void memmap_percent_forms(void **state)
{
	FIX;

	add(e, 0, 4 * K4, RAM);
	assert_int_equal(e820_parse_memmap_opt(e, "4K%4K-1+2,4K%8K-1,4K%12K,4K%0x10000+3"), 0);
	assert_int_equal(e820__update_table(&e->table), 0);
	ASSERT_NR(3);
	ASSERT_ENTRY(0, 0, K4, RAM);
	ASSERT_ENTRY(1, K4, K4, RES);
	ASSERT_ENTRY(2, 0x10000, K4, ACPI);
	EXPECT_LOG("e820: update [mem 0x00001000-0x00001fff] usable ==> reserved",
		   "e820: remove [mem 0x00002000-0x00002fff] usable",
		   "e820: remove [mem 0x00003000-0x00003fff] ");
}

/*
 *  |RRRR S RRRRRRRR S|  memmap=1G  then  memmap=exactmap,636K@0,1023M@1M
 * Expect a bare size to act like mem=, and exactmap to empty the table
 * before the listed entries.
 */
static void memmap_limit_and_exactmap(void **state)
{
	FIX;

	base_2g(e);
	assert_int_equal(e820_parse_memmap_opt(e, "1G"), 0);
	EXPECT_LOG("e820: remove [mem 0x40000000-0xfffffffffffffffe] usable");
	ASSERT_ENTRY(2, 0x100000, SZ_1G - 0x100000, RAM);

	assert_int_equal(e820_parse_memmap_opt(e, "exactmap,636K@0,1023M@1M"), 0);
	ASSERT_NR(2);
	ASSERT_ENTRY(0, 0, 636 * 1024, RAM);
	ASSERT_ENTRY(1, SZ_1M, 1023 * SZ_1M, RAM);
}

/*
 *  memmap=64M@1G,64M^2G,64M$3G
 * Expect the good entries on both sides of the bad one applied, the bad
 * one not applied at all (Linux would treat "64M^..." as a limit), and
 * -KMM_EINVAL.
 */
static void memmap_bad_entry_keeps_others(void **state)
{
	FIX;

	base_2g(e);
	assert_int_equal(e820_parse_memmap_opt(e, "64M@1G,64M^2G,64M$3G"), -KMM_EINVAL);
	ASSERT_NR(6);
	ASSERT_ENTRY(4, SZ_1G, 64 * SZ_1M, RAM);
	ASSERT_ENTRY(5, 3 * SZ_1G, 64 * SZ_1M, RES);
	EXPECT_NO_LOG();
	assert_int_equal(e820_parse_memmap_opt(e, NULL), -KMM_EINVAL);
}

/*
 * Every class of malformed memmap= entry.
 * Expect e820_memmap_check() to name the reason and the entry, and
 * e820_parse_memmap_opt() to reject it without touching the table or
 * calling into Linux's BUG() (same old and new type).
 */
static void memmap_bad_values(void **state)
{
	FIX;
	static const struct {
		const char *arg, *msg;
	} bad[] = {
		{ "foo", "memmap=: invalid size: 'foo'" },
		{ "exactmapx", "memmap=: invalid size: 'exactmapx'" },
		{ "64M@1G,,2G", "memmap=: invalid size: ''" },
		{ "", "memmap=: invalid size: ''" },
		{ "64M^0x1000", "memmap=: unknown separator (expected one of @ # $ ! %): '64M^0x1000'" },
		{ "64M@", "memmap=: invalid address: '64M@'" },
		{ "64M$1Gx", "memmap=: unexpected text after the address: '64M$1Gx'" },
		{ "99999E@0", "memmap=: size does not fit 64 bits: '99999E@0'" },
		{ "4K@99999E", "memmap=: address does not fit 64 bits: '4K@99999E'" },
		{ "8K@0xfffffffffffff000", "memmap=: range wraps past 2^64: '8K@0xfffffffffffff000'" },
		{ "4K%4K-1+1", "memmap=: old and new type are the same: '4K%4K-1+1'" },
		{ "4K%4K-x", "memmap=: type number expected: '4K%4K-x'" },
		{ "4K%4K+0x100000000", "memmap=: type number does not fit 32 bits: '4K%4K+0x100000000'" },
		{ "4K%4K-1+2z", "memmap=: unexpected text after the types: '4K%4K-1+2z'" },
		{ NULL, "memmap=: value expected: ''" },
	};
	char longer[200];
	size_t i;

	base_2g(e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(e820_memmap_check(bad[i].arg, f->err, sizeof(f->err)), -KMM_EINVAL);
		assert_string_equal(f->err, bad[i].msg);
		if (!bad[i].arg || strchr(bad[i].arg, ','))
			continue;
		assert_int_equal(e820_parse_memmap_opt(e, bad[i].arg), -KMM_EINVAL);
	}
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(e820_memmap_check(longer, f->err, sizeof(f->err)), -KMM_EINVAL);
	assert_memory_equal(f->err, "memmap=: entry too long: '111", 29);
	assert_int_equal(e820_parse_memmap_opt(e, longer), -KMM_EINVAL);
	assert_int_equal(e820_memmap_check("exactmap,64M@1G,4K%4K-1+2,1G", f->err, 8), 0);
	ASSERT_NR(4);
	assert_false(e->userdef);
	EXPECT_NO_LOG();
	assert_int_equal(f->t->nr_bugs, 0);
}

/* ------------------------------------------------------------ finish_early_params */

/*
 * No mem=/memmap=: nothing printed.  memmap=exactmap memmap=1G@0: a user
 * map of one entry, which Linux's sanitiser refuses.
 * Expect silence, then -KMM_EINVAL and Linux's panic message.
 */
static void finish_early_params_cases(void **state)
{
	FIX;

	base_2g(e);
	assert_int_equal(e820__finish_early_params(e), 0);
	EXPECT_NO_LOG();
	assert_int_equal(e820_parse_memmap_opt(e, "exactmap"), 0);
	assert_int_equal(e820_parse_memmap_opt(e, "1G@0"), 0);
	assert_int_equal(e820__finish_early_params(e), -KMM_EINVAL);
	EXPECT_LOG("Invalid user supplied memory map");
}

/* ------------------------------------------------------------ text input */

/*
 * A plain table: "start size type", "start-end type" (end inclusive),
 * comments, blank lines, CRLF, any-case names, "type N", bare numbers.
 * Expect every entry appended in order, unsanitised.
 */
static void parse_text_plain(void **state)
{
	FIX;
	const char *text = "# a plain table\n"
			   "0x0 0x9fc00 usable\r\n"
			   "\n"
			   "  0x100000-0x7ffdffff   usable   # the rest\n"
			   "4096 4096 acpi nvs\n"
			   "0x2000 0x1000 type 20\n"
			   "0x3000 0x1000 12\n"
			   "0x4000 0x1000 persistent (type 7)\n"
			   "0x5000 0x1000 soft reserved\n"
			   "0x6000 0x1000 ACPI data";

	assert_int_equal(kmm_e820_parse_text(e, text, f->err, sizeof(f->err)), 8);
	ASSERT_ENTRY(0, 0, 0x9fc00, RAM);
	ASSERT_ENTRY(1, 0x100000, 0x7ffe0000 - 0x100000, RAM);
	ASSERT_ENTRY(2, K4, K4, E820_TYPE_NVS);
	ASSERT_ENTRY(3, 0x2000, K4, 20);
	ASSERT_ENTRY(4, 0x3000, K4, PRAM);
	ASSERT_ENTRY(5, 0x4000, K4, E820_TYPE_PMEM);
	ASSERT_ENTRY(6, 0x5000, K4, E820_TYPE_SOFT_RESERVED);
	ASSERT_ENTRY(7, 0x6000, K4, ACPI);
	EXPECT_NO_LOG();
}

/*
 * A dmesg: timestamps, other lines, user: lines, and a journalctl-style
 * line without timestamp.
 * Expect only the BIOS-e820 lines to become entries.
 */
static void parse_text_dmesg(void **state)
{
	FIX;
	const char *text = "[    0.000000] Linux version 6.1.0\n"
			   "[    0.000000] BIOS-provided physical RAM map:\n"
			   "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
			   "1 node found\n"
			   "Jan 01 host kernel: BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
			   "[    0.000000] user: [mem 0x0000000000000000-0x000000000009efff] usable\n";

	assert_int_equal(kmm_e820_parse_text(e, text, f->err, sizeof(f->err)), 2);
	ASSERT_ENTRY(0, 0, 0x9fc00, RAM);
	ASSERT_ENTRY(1, 0x9fc00, 0x400, RES);
}

/*
 * Every class of malformed line.
 * Expect the exact message (line number, what, the line's text), the error
 * code, and nothing appended to the entry already there.
 */
static void parse_text_errors(void **state)
{
	FIX;
	static const struct {
		const char *text;
		int ret;
		const char *msg;
	} bad[] = {
		{ "zz 0x1000 usable", -KMM_EPARSE, "line 1: bad start 'zz': 'zz 0x1000 usable'" },
		{ "0x0 0x1000 usable\n0x0 0x10g0 usable", -KMM_EPARSE,
		  "line 2: bad size '0x10g0': '0x0 0x10g0 usable'" },
		{ "0x0-0xq usable", -KMM_EPARSE, "line 1: bad end '0xq': '0x0-0xq usable'" },
		{ "0x1ffffffffffffffff 0x1000 usable", -KMM_EPARSE,
		  "line 1: start '0x1ffffffffffffffff' does not fit 64 bits: "
		  "'0x1ffffffffffffffff 0x1000 usable'" },
		{ "0x0", -KMM_EPARSE, "line 1: missing size: '0x0'" },
		{ "0x0 0x1000", -KMM_EPARSE, "line 1: missing type: '0x0 0x1000'" },
		{ "\n\n0x0 0x1000 ram", -KMM_EPARSE, "line 3: unknown type 'ram': '0x0 0x1000 ram'" },
		{ "0x0 0x1000 type 0", -KMM_EPARSE,
		  "line 1: unknown type 'type 0': '0x0 0x1000 type 0'" },
		{ "0x0 0x1000 0x100000000", -KMM_EPARSE,
		  "line 1: unknown type '0x100000000': '0x0 0x1000 0x100000000'" },
		{ "0x1000 0 usable", -KMM_EPARSE, "line 1: empty range (size 0): '0x1000 0 usable'" },
		{ "0x2000-0x1000 usable", -KMM_EPARSE,
		  "line 1: end 0x1000 below start 0x2000: '0x2000-0x1000 usable'" },
		{ "0xfffffffffffff000 0x2000 usable", -KMM_EPARSE,
		  "line 1: start 0xfffffffffffff000 + size 0x2000 wraps past 2^64: "
		  "'0xfffffffffffff000 0x2000 usable'" },
		{ "0xfffffffffffff000 0x1000 usable", -KMM_EPARSE,
		  "line 1: range 0xfffffffffffff000-0xffffffffffffffff reaches 2^64 (the end must "
		  "be below 0xffffffffffffffff): '0xfffffffffffff000 0x1000 usable'" },
		{ "[ 0.0] BIOS-e820: [mem 0x0-0x9fbff] usable\n[ 0.0] x\n"
		  "[ 0.0] BIOS-e820: [mem 0x2000-0x1000] usable",
		  -KMM_EPARSE,
		  "line 3: end 0x1000 below start 0x2000: 'BIOS-e820: [mem 0x2000-0x1000] usable'" },
		{ "BIOS-e820: [mem 0x0-] usable", -KMM_EPARSE,
		  "line 1: malformed BIOS-e820 line (expected '[mem 0xSTART-0xEND] TYPE'): "
		  "'BIOS-e820: [mem 0x0-] usable'" },
		{ "BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)", -KMM_EPARSE,
		  "line 1: malformed BIOS-e820 line (expected '[mem 0xSTART-0xEND] TYPE'): "
		  "'BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)'" },
		{ "BIOS-e820: [mem 0x0-0xfff]usable", -KMM_EPARSE,
		  "line 1: malformed BIOS-e820 line (expected '[mem 0xSTART-0xEND] TYPE'): "
		  "'BIOS-e820: [mem 0x0-0xfff]usable'" },
		{ "BIOS-e820: [mem 0x0-0xfff] bogus", -KMM_EPARSE,
		  "line 1: unknown type 'bogus': 'BIOS-e820: [mem 0x0-0xfff] bogus'" },
		{ "\x01\xff", -KMM_EPARSE, "line 1: bad start '\x01\xff': '\x01\xff'" },
		{ "", -KMM_ENOENT, "no e820 entries found" },
		{ "# nothing\n\n", -KMM_ENOENT, "no e820 entries found" },
		{ "[    0.000000] Linux version 6.1.0\n", -KMM_ENOENT, "no e820 entries found" },
	};
	size_t i;

	add(e, 0, K4, RAM);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->err[0] = '\0';
		assert_int_equal(kmm_e820_parse_text(e, bad[i].text, f->err, sizeof(f->err)),
				 bad[i].ret);
		assert_string_equal(f->err, bad[i].msg);
		ASSERT_NR(1);
	}
	EXPECT_NO_LOG();
}

/*
 * E820_MAX_ENTRIES + 1 lines.
 * Expect -KMM_EOVERFLOW naming the first line that does not fit, and the
 * table as it was (no "too many entries" log either).
 */
static void parse_text_too_many(void **state)
{
	FIX;
	size_t cap = (E820_MAX_ENTRIES + 1) * 32;
	char *text = malloc(cap), *p = text;
	unsigned int i;

	assert_non_null(text);
	for (i = 0; i <= E820_MAX_ENTRIES; i++)
		p += sprintf(p, "%#x 0x1000 usable\n", i * 0x2000);
	assert_int_equal(kmm_e820_parse_text(e, text, f->err, sizeof(f->err)), -KMM_EOVERFLOW);
	assert_string_equal(f->err, "line 3201: more than 3200 entries: '0x1900000 0x1000 usable'");
	ASSERT_NR(0);
	EXPECT_NO_LOG();
	free(text);
}

/* ------------------------------------------------------------ fidelity */

static char *read_fixture(const char *name)
{
	return kmm_test_read_fixture("e820", name);
}

static bool e820_line(const char *s)
{
	static const char *const prefixes[] = { "BIOS-provided", "BIOS-e820:", "e820: ",
						"user-defined", "user: ", "last_pfn = " };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * Boot kmm the way Linux's setup_arch() runs the e820 code: the firmware
 * map, the early parameters in command-line order, the user map,
 * trim_bios_range() (page 0 reserved, 640K-1M removed, sanitised) and
 * e820__end_of_ram_pfn().  Expect every e820 line Linux printed, in order.
 */
static void check_fixture(void **state, const char *name)
{
	FIX;
	char *text = read_fixture(name);
	char *line, *save = NULL, *cmd = strstr(text, "Command line: ");
	struct kmm_cmdline *c = calloc(1, sizeof(*c));
	unsigned int i, n = 0;

	assert_non_null(c);
	assert_non_null(cmd);
	*strchr(cmd, '\n') = '\0';
	assert_int_equal(kmm_cmdline_parse(c, cmd + strlen("Command line: "), f->err,
					   sizeof(f->err)),
			 0);
	*strchr(cmd, '\0') = '\n';

	assert_true(kmm_e820_parse_text(e, text, f->err, sizeof(f->err)) > 0);
	e820__memory_setup(e, "BIOS-e820");
	for (i = 0; i < c->nr_params; i++) {
		if (strcmp(c->params[i].name, "mem") == 0)
			assert_int_equal(e820_parse_memopt(e, c->params[i].value), 0);
		if (strcmp(c->params[i].name, "memmap") == 0)
			assert_int_equal(e820_parse_memmap_opt(e, c->params[i].value), 0);
	}
	assert_int_equal(e820__finish_early_params(e), 0);
	e820__range_update(e, 0, K4, RAM, RES);
	e820__range_remove(e, 0xa0000, 0x100000 - 0xa0000, RAM, true);
	e820__update_table(&e->table);
	e820__end_of_ram_pfn(e, 0x400000000UL);

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *msg = strchr(line, ']') + 2;

		if (!e820_line(msg))
			continue;
		if (n >= f->t->nr_lines || strcmp(f->t->lines[n], msg) != 0)
			fail_msg("%s: kmm line %u differs from Linux's '%s':\n%s", name, n, msg,
				 kmm_test_log_text(f->t));
		n++;
	}
	assert_int_equal(n, f->t->nr_lines);
	free(c);
	free(text);
}

/* mem=1G: Expect "e820: remove [mem 0x40000000-...]" and Linux's user map. */
static void fidelity_mem1g(void **state)
{
	check_fixture(state, "pc-2G-mem1G.dmesg");
}

/* memmap=exactmap + three @ entries: Expect Linux's three-entry user map. */
static void fidelity_memmap_exactmap(void **state)
{
	check_fixture(state, "pc-2G-memmap-exactmap.dmesg");
}

/* memmap=64M$0x10000000: Expect the reserved hole at 256M in the user map. */
static void fidelity_memmap_reserve(void **state)
{
	check_fixture(state, "pc-2G-memmap-reserve.dmesg");
}

/* No mem=/memmap= (4G with RAM above 4G): Expect no user map at all. */
static void fidelity_no_user_map(void **state)
{
	check_fixture(state, "pc-4G-crashkernel256M.dmesg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(update_table_unsorted),
		T(update_table_overlap_same_type),
		T(update_table_overlap_contained_higher),
		T(update_table_overlap_contained_lower),
		T(update_table_overlap_partial),
		T(update_table_overlap_shared_edges),
		T(update_table_larger_type_wins),
		T(update_table_zero_size_and_adjacent),
		T(update_table_pram_nomerge),
		T(update_table_rejects_wrap_and_single),
		T(update_table_output_capped),
		T(range_add_table_full),
		T(range_update_inside),
		T(range_update_partial),
		T(range_update_covering_and_clamped),
		T(range_update_same_type),
		T(range_remove_inside),
		T(range_remove_untyped_covering),
		T(range_remove_typed_partial),
		T(print_table_type_names),
		T(mapped_any_all),
		T(end_of_ram_pfn),
		T(memopt_1g),
		T(memopt_bad_values),
		T(memmap_add_forms),
		T(memmap_percent_forms),
		T(memmap_limit_and_exactmap),
		T(memmap_bad_entry_keeps_others),
		T(memmap_bad_values),
		T(finish_early_params_cases),
		T(parse_text_plain),
		T(parse_text_dmesg),
		T(parse_text_errors),
		T(parse_text_too_many),
		T(fidelity_mem1g),
		T(fidelity_memmap_exactmap),
		T(fidelity_memmap_reserve),
		T(fidelity_no_user_map),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
