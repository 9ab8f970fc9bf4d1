/* SPDX-License-Identifier: MIT */
/*
 * memblock_fixture.h - shared setup for the memblock tests.
 *
 * A struct mb_fixture is one simulated machine's memblock: the two initial
 * region arrays (INIT_MEMBLOCK_REGIONS each, Linux's static
 * memblock_{memory,reserved}_init_regions), a recording kmm_test_env that
 * backs MB_FIXTURE_PHYS bytes of simulated physical memory (so memblock_alloc
 * can return pointers and the region arrays can double), and the struct
 * memblock itself, initialised top-down with nothing added.
 *
 * The cmocka setup functions choose the simulated kernel:
 *   mb_setup_numa  CONFIG_NUMA, MAX_NUMNODES = 1024 (MB_FIXTURE_MAX_NUMNODES)
 *   mb_setup_flat  no NUMA (every region reads as node 0, MAX_NUMNODES = 1)
 * and mb_teardown frees either.  Tests reach the fixture through *state.
 *
 * The MB_ASSERT_* macros expand in the test itself so cmocka reports the
 * test's own line.
 */
#ifndef MEMBLOCK_FIXTURE_H
#define MEMBLOCK_FIXTURE_H

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/memblock.h>

#define SZ_1K 0x400ULL
#define SZ_4K 0x1000ULL
#define SZ_8K 0x2000ULL
#define SZ_16K 0x4000ULL
#define SZ_32K 0x8000ULL
#define SZ_64K 0x10000ULL
#define SZ_128K 0x20000ULL
#define SZ_256K 0x40000ULL
#define SZ_512K 0x80000ULL
#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL
#define SZ_4M 0x400000ULL
#define SZ_8M 0x800000ULL
#define SZ_16M 0x1000000ULL
#define SZ_32M 0x2000000ULL
#define SZ_64M 0x4000000ULL
#define SZ_128M 0x8000000ULL
#define SZ_256M 0x10000000ULL
#define SZ_512M 0x20000000ULL
#define SZ_1G 0x40000000ULL

/* simulated physical memory behind every fixture: [0, 1 GiB) */
#define MB_FIXTURE_PHYS SZ_1G
#define MB_FIXTURE_MAX_NUMNODES 1024

struct mb_fixture {
	struct memblock mb;
	struct memblock_region memory_regions[INIT_MEMBLOCK_REGIONS];
	struct memblock_region reserved_regions[INIT_MEMBLOCK_REGIONS];
	struct kmm_test_env *t;
};

struct mb_fixture *mb_fixture_new(bool numa);
void mb_fixture_free(struct mb_fixture *f);

int mb_setup_numa(void **state);
int mb_setup_flat(void **state);
int mb_teardown(void **state);

/* mb_fixture_log_has - true when some recorded line equals @line */
bool mb_fixture_log_has(const struct mb_fixture *f, const char *line);
/*
 * mb_fixture_log_similar - the recorded lines that start like @line (up to
 * its first ':' or space), one per line, for failure messages (static buffer)
 */
const char *mb_fixture_log_similar(const struct mb_fixture *f, const char *line);
/* mb_fixture_log_count_prefix - number of recorded lines starting with @prefix */
unsigned int mb_fixture_log_count_prefix(const struct mb_fixture *f, const char *prefix);

/* region @idx of @type is [@base, @base + @size) */
#define MB_ASSERT_RGN(type, idx, b, s)                                                     \
	do {                                                                               \
		assert_true((unsigned long)(idx) < (type)->cnt);                           \
		assert_int_equal((type)->regions[idx].base, (b));                          \
		assert_int_equal((type)->regions[idx].size, (s));                          \
	} while (0)

/* region @idx of @type has node @nid (as memblock reports it) and @flags */
#define MB_ASSERT_RGN_ATTR(mb, type, idx, nid, fl)                                         \
	do {                                                                               \
		assert_int_equal(memblock_get_region_node((mb), &(type)->regions[idx]), (nid)); \
		assert_int_equal((type)->regions[idx].flags, (fl));                        \
	} while (0)

/* @type holds @cnt regions adding up to @total */
#define MB_ASSERT_TYPE(type, c, total)                                                     \
	do {                                                                               \
		assert_int_equal((type)->cnt, (c));                                        \
		assert_int_equal((type)->total_size, (total));                             \
	} while (0)

/* @type is the empty dummy: cnt 1, regions[0] = [0, 0), total 0 */
#define MB_ASSERT_EMPTY(type)                                                              \
	do {                                                                               \
		assert_int_equal((type)->cnt, 1);                                          \
		assert_int_equal((type)->regions[0].base, 0);                              \
		assert_int_equal((type)->regions[0].size, 0);                              \
		assert_int_equal((type)->total_size, 0);                                   \
	} while (0)

/* memblock_validate() accepts the state; on failure show the log */
#define MB_ASSERT_VALID(f)                                                                 \
	do {                                                                               \
		if (!memblock_validate(&(f)->mb))                                          \
			fail_msg("memblock_validate failed; log:\n%s",                     \
				 kmm_test_log_text((f)->t));                               \
	} while (0)

/* the log holds exactly the line @line */
#define MB_ASSERT_LOG(f, line)                                                             \
	do {                                                                               \
		if (!mb_fixture_log_has((f), (line)))                                      \
			fail_msg("missing log line \"%s\"; similar lines:\n%s", (line),   \
				 mb_fixture_log_similar((f), (line)));                     \
	} while (0)

#endif /* MEMBLOCK_FIXTURE_H */
