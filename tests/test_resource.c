// SPDX-License-Identifier: MIT
/*
 * test_resource.c - the resource tree (kmm/resource.h) and /proc/iomem.
 *
 * First the tree's rules, each on a small tree (addresses in hex, children
 * drawn under their parent): request vs insert, conflicts with their exact
 * errors, expand-to-fit, split around children, the /proc/iomem format
 * (indent, width, depth cap), the pool limit and the validator.
 *
 * Then whole boots of oracle machines against the iomem.txt their Linux
 * showed (tests/fixtures/oracle/iomem-<arch>-<case>.txt, copied from
 * ../shared/oracle/cases): every line kmm prints must be one of Linux's,
 * at the same depth and in the same order, and every Linux line of a kind
 * kmm derives (memory, firmware memory types, kernel image, crash kernel,
 * memblock reservations, System ROM, I/O APIC, HPET, local APIC) must be
 * printed.  Out of reach, and so only required to be absent:
 *   PCI host bridge windows and devices ("PCI Bus 0000:00", "0000:00:02.0",
 *     "PCI ECAM", "pcie@10000000", "PCI MMCONFIG ...") - kmm runs no PCI;
 *   ROMs found by reading memory ("Video ROM", "Adapter ROM");
 *   device MMIO claimed by drivers ("PNP0103:00", "pl011@9000000",
 *     "9000000.pl011 pl011@9000000", "rtc-pl031", "efifb", ...);
 *   i386's "Video RAM area", which Linux puts below a PCI bus window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "helpers/kmm_test.h"

#include <kmm/bootlog.h>
#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/machine.h>
#include <kmm/resource.h>
#include <kmm/start_kernel.h>

#define MEM (KMM_IORESOURCE_MEM)
#define BUSY (KMM_IORESOURCE_MEM | KMM_IORESOURCE_BUSY)

static struct kmm_resource_tree *tree_new(struct kmm_test_env **t)
{
	struct kmm_resource_tree *tree = calloc(1, sizeof(*tree));

	assert_non_null(tree);
	*t = kmm_test_env_new(0);
	kmm_resource_tree_init(tree, &(*t)->env, "PCI mem", ~0ULL);
	return tree;
}

static void tree_free(struct kmm_resource_tree *tree, struct kmm_test_env *t)
{
	assert_int_equal(t->nr_bugs, 0);
	free(tree);
	kmm_test_env_free(t);
}

/* a new node, which must be granted */
static struct kmm_resource *node(struct kmm_resource_tree *tree, const char *name, u64 start,
				 u64 end)
{
	struct kmm_resource *r = NULL;
	char err[256];

	assert_int_equal(kmm_resource_new(tree, name, start, end, BUSY, KMM_IORES_DESC_NONE, &r,
					  err, sizeof(err)),
			 0);
	return r;
}

/* request a new node at @parent (root: NULL); it must go in */
static struct kmm_resource *requested(struct kmm_resource_tree *tree, struct kmm_resource *parent,
				      const char *name, u64 start, u64 end)
{
	struct kmm_resource *r = node(tree, name, start, end);
	char err[256] = "";

	if (kmm_request_resource(parent ? parent : &tree->root, r, err, sizeof(err)))
		fail_msg("%s", err);
	return r;
}

static struct kmm_resource *inserted(struct kmm_resource_tree *tree, const char *name, u64 start,
				     u64 end)
{
	struct kmm_resource *r = node(tree, name, start, end);
	char err[256] = "";

	if (kmm_insert_resource(&tree->root, r, err, sizeof(err)))
		fail_msg("%s", err);
	return r;
}

/* the tree is valid and shows exactly @want */
static void expect_show(const struct kmm_resource_tree *tree, const char *want)
{
	char buf[4096];
	size_t len = kmm_iomem_show(tree, buf, sizeof(buf));

	assert_true(kmm_resource_validate(tree));
	assert_int_equal(len, strlen(want));
	assert_string_equal(buf, want);
}

/* ---------------------------------------------------------------- request */

/*
 *   root  [0 ............................................ 2^64-1]
 *           [A 1000-1fff]   [C 2000-2fff]   [B 3000-3fff]
 * Expect C, requested last, between A and B: siblings stay sorted.
 */
static void request_fills_gaps_in_order(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	requested(tree, NULL, "B", 0x3000, 0x3fff);
	requested(tree, NULL, "C", 0x2000, 0x2fff);
	expect_show(tree, "00001000-00001fff : A\n"
			  "00002000-00002fff : C\n"
			  "00003000-00003fff : B\n");
	tree_free(tree, t);
}

/*
 *           [A 1000-1fff]   [B 3000-3fff]
 *                 [X 1800-27ff]
 * Expect -KMM_EBUSY naming A, and the tree unchanged; request never
 * descends: Y inside A is refused at the root too.
 */
static void request_conflict_is_busy(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *x, *y;
	char err[256];

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	requested(tree, NULL, "B", 0x3000, 0x3fff);
	x = node(tree, "X", 0x1800, 0x27ff);
	assert_int_equal(kmm_request_resource(&tree->root, x, err, sizeof(err)), -KMM_EBUSY);
	assert_string_equal(err, "request_resource: X [mem 0x00001800-0x000027ff] conflicts with "
				 "A [mem 0x00001000-0x00001fff]");
	y = node(tree, "Y", 0x1400, 0x14ff);
	assert_ptr_equal(kmm_request_resource_conflict(&tree->root, y), tree->root.child);
	assert_null(x->parent);
	assert_null(y->parent);
	expect_show(tree, "00001000-00001fff : A\n"
			  "00003000-00003fff : B\n");
	tree_free(tree, t);
}

/* Expect a child reaching out of its parent refused as outside it (-KMM_ERANGE). */
static void request_outside_parent_is_range(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *a, *x;
	char err[256];

	(void)state;
	a = requested(tree, NULL, "A", 0x1000, 0x1fff);
	x = node(tree, "X", 0x1f00, 0x20ff);
	assert_int_equal(kmm_request_resource(a, x, err, sizeof(err)), -KMM_ERANGE);
	assert_string_equal(err, "request_resource: X [mem 0x00001f00-0x000020ff] is outside "
				 "A [mem 0x00001000-0x00001fff]");
	assert_int_equal(kmm_insert_resource(a, x, err, sizeof(err)), -KMM_ERANGE);
	assert_string_equal(err, "insert_resource: X [mem 0x00001f00-0x000020ff] is outside "
				 "A [mem 0x00001000-0x00001fff]");
	assert_null(x->parent);
	tree_free(tree, t);
}

/* Expect an empty range (end below start) refused as malformed (-KMM_EINVAL). */
static void request_end_below_start_is_invalid(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *x;
	char err[256];

	(void)state;
	x = node(tree, "X", 0x2000, 0x1fff);
	assert_int_equal(kmm_request_resource(&tree->root, x, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err,
			    "request_resource: X [mem 0x00002000-0x00001fff]: end below start");
	assert_int_equal(kmm_insert_resource(&tree->root, x, err, sizeof(err)), -KMM_EINVAL);
	assert_string_equal(err, "insert_resource: X [mem 0x00002000-0x00001fff]: end below start");
	expect_show(tree, "");
	tree_free(tree, t);
}

/* Expect a node already in the tree refused by both ways in (-KMM_EEXIST). */
static void request_twice_is_exist(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *a;
	char err[256];

	(void)state;
	a = requested(tree, NULL, "A", 0x1000, 0x1fff);
	assert_int_equal(kmm_request_resource(&tree->root, a, err, sizeof(err)), -KMM_EEXIST);
	assert_string_equal(err, "request_resource: A [mem 0x00001000-0x00001fff] is already in "
				 "the tree");
	assert_int_equal(kmm_insert_resource(&tree->root, a, err, sizeof(err)), -KMM_EEXIST);
	assert_string_equal(err, "insert_resource: A [mem 0x00001000-0x00001fff] is already in "
				 "the tree");
	expect_show(tree, "00001000-00001fff : A\n");
	tree_free(tree, t);
}

/* ---------------------------------------------------------------- insert */

/*
 *   [W 0800-47ff ...................................]
 *       [A 1000-1fff]   [B 3000-3fff]       [C 5000-5fff]
 * Expect W to adopt A and B (in order) and leave C its sibling.
 */
static void insert_adopts_covered_children(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	requested(tree, NULL, "B", 0x3000, 0x3fff);
	requested(tree, NULL, "C", 0x5000, 0x5fff);
	inserted(tree, "W", 0x800, 0x47ff);
	expect_show(tree, "00000800-000047ff : W\n"
			  "  00001000-00001fff : A\n"
			  "  00003000-00003fff : B\n"
			  "00005000-00005fff : C\n");
	tree_free(tree, t);
}

/*
 *   [RAM 100000-7ffdffff ..........................]
 *          [code 1000000-1e01d31]
 * Expect an insert at the root to go down into the range that holds it
 * (the kernel image under System RAM), two levels deep if need be.
 */
static void insert_descends_into_container(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);

	(void)state;
	inserted(tree, "System RAM", 0x100000, 0x7ffdffff);
	inserted(tree, "Kernel code", 0x1000000, 0x1e01d31);
	inserted(tree, "deep", 0x1000000, 0x1000fff);
	expect_show(tree, "00100000-7ffdffff : System RAM\n"
			  "  01000000-01e01d31 : Kernel code\n"
			  "    01000000-01000fff : deep\n");
	tree_free(tree, t);
}

/*
 * Expect an insert of exactly an existing range to wrap it: the e820
 * "Reserved" [f0000, fffff] over probe_roms()' "System ROM".
 */
static void insert_equal_range_wraps(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);

	(void)state;
	requested(tree, NULL, "System ROM", 0xf0000, 0xfffff);
	inserted(tree, "Reserved", 0xf0000, 0xfffff);
	expect_show(tree, "000f0000-000fffff : Reserved\n"
			  "  000f0000-000fffff : System ROM\n");
	tree_free(tree, t);
}

/*
 *       [A 1000-1fff]   [B 3000-3fff]
 *         [X 1800-37ff]
 * Expect -KMM_EBUSY: X cuts A (the first resource it overlaps only partly).
 */
static void insert_partial_overlap_is_busy(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *x, *y;
	char err[256];

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	requested(tree, NULL, "B", 0x3000, 0x3fff);
	x = node(tree, "X", 0x1800, 0x37ff);
	assert_int_equal(kmm_insert_resource(&tree->root, x, err, sizeof(err)), -KMM_EBUSY);
	assert_string_equal(err, "insert_resource: X [mem 0x00001800-0x000037ff] partially "
				 "overlaps A [mem 0x00001000-0x00001fff]");
	/* Y covers A but cuts B: the first partial overlap is named */
	y = node(tree, "Y", 0x800, 0x37ff);
	assert_int_equal(kmm_insert_resource(&tree->root, y, err, sizeof(err)), -KMM_EBUSY);
	assert_string_equal(err, "insert_resource: Y [mem 0x00000800-0x000037ff] partially "
				 "overlaps B [mem 0x00003000-0x00003fff]");
	expect_show(tree, "00001000-00001fff : A\n"
			  "00003000-00003fff : B\n");
	tree_free(tree, t);
}

/*
 *       [A 1000-1fff]   [B 3000-3fff]
 *         [X 1800-37ff]
 * Expect expand-to-fit to widen X to [1000, 3fff] over both, saying so
 * once per conflict, and to adopt them.
 */
static void insert_expand_to_fit_widens(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *x;

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	requested(tree, NULL, "B", 0x3000, 0x3fff);
	x = node(tree, "X", 0x1800, 0x37ff);
	kmm_insert_resource_expand_to_fit(tree, &tree->root, x);
	assert_int_equal(t->nr_lines, 2);
	assert_string_equal(t->lines[0], "Expanded resource X due to conflict with A");
	assert_string_equal(t->lines[1], "Expanded resource X due to conflict with B");
	expect_show(tree, "00001000-00003fff : X\n"
			  "  00001000-00001fff : A\n"
			  "  00003000-00003fff : B\n");
	/* already in the tree: left alone */
	kmm_insert_resource_expand_to_fit(tree, &tree->root, x);
	assert_int_equal(t->nr_lines, 2);
	tree_free(tree, t);
}

/* ---------------------------------------------------------------- split */

/*
 *   [M 0-ffff .............................................]
 *        [A 1000-1fff]   [B 3000-3fff]
 *     [split 0800 ....................... 47ff]
 * Expect "r" over 800-fff, 2000-2fff, 4000-47ff; a split wholly under A
 * adds nothing.
 */
static void split_fills_gaps_around_children(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *m;
	char err[256];

	(void)state;
	m = requested(tree, NULL, "M", 0, 0xffff);
	requested(tree, m, "A", 0x1000, 0x1fff);
	requested(tree, m, "B", 0x3000, 0x3fff);
	assert_int_equal(
		kmm_reserve_region_with_split(tree, m, 0x800, 0x47ff, "r", err, sizeof(err)), 0);
	assert_int_equal(
		kmm_reserve_region_with_split(tree, m, 0x1100, 0x11ff, "r", err, sizeof(err)), 0);
	expect_show(tree, "00000000-0000ffff : M\n"
			  "  00000800-00000fff : r\n"
			  "  00001000-00001fff : A\n"
			  "  00002000-00002fff : r\n"
			  "  00003000-00003fff : B\n"
			  "  00004000-000047ff : r\n");
	/* busy, of the parent's type */
	assert_int_equal(m->child->flags, BUSY);
	tree_free(tree, t);
}

/*
 * Expect a range reaching out of its root clipped with Linux's two
 * complaints, and one wholly outside ignored (still 0).
 */
static void split_outside_root_is_clipped(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *a;
	char err[256];

	(void)state;
	a = requested(tree, NULL, "A", 0x1000, 0x1fff);
	assert_int_equal(
		kmm_reserve_region_with_split(tree, a, 0x1800, 0x2800, "r", err, sizeof(err)), 0);
	assert_int_equal(t->nr_lines, 2);
	assert_string_equal(t->lines[0], "requested range [0x1800-0x2800] not in root "
					 "[mem 0x00001000-0x00001fff]");
	assert_string_equal(t->lines[1], "fixing request to [0x1800-0x1fff]");
	assert_int_equal(
		kmm_reserve_region_with_split(tree, a, 0x3000, 0x3fff, "r", err, sizeof(err)), 0);
	expect_show(tree, "00001000-00001fff : A\n"
			  "  00001800-00001fff : r\n");
	tree_free(tree, t);
}

/* Expect a split of an empty range or with a too long name refused (-KMM_EINVAL). */
static void split_bad_input_is_invalid(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	char err[256];

	(void)state;
	assert_int_equal(kmm_reserve_region_with_split(tree, &tree->root, 0x2000, 0x1000, "r", err,
						       sizeof(err)),
			 -KMM_EINVAL);
	assert_string_equal(err, "reserve_region_with_split: r [0x2000-0x1000]: end below start");
	assert_int_equal(kmm_reserve_region_with_split(tree, &tree->root, 0, 0xfff,
						       "a name of thirty-two characters!", err,
						       sizeof(err)),
			 -KMM_EINVAL);
	assert_string_equal(err, "resource name 'a name of thirty-two characters!' longer than 31 "
				 "characters");
	expect_show(tree, "");
	tree_free(tree, t);
}

/* ---------------------------------------------------------------- show */

/*
 * Expect at least 8 hex digits, more when the address needs them
 * ("100000000-17fffffff"), and 4 for a root below 0x10000 (ioports).
 */
static void show_width(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);

	(void)state;
	requested(tree, NULL, "low", 0, 0xfff);
	requested(tree, NULL, "high", 0x100000000ULL, 0x17fffffffULL);
	requested(tree, NULL, "top", 0xfd00000000ULL, 0xffffffffffULL);
	expect_show(tree, "00000000-00000fff : low\n"
			  "100000000-17fffffff : high\n"
			  "fd00000000-ffffffffff : top\n");
	kmm_resource_tree_init(tree, &t->env, "PCI IO", 0xffff);
	requested(tree, NULL, "dma1", 0, 0x1f);
	expect_show(tree, "0000-001f : dma1\n");
	tree_free(tree, t);
}

/* Expect indentation to stop growing at 5 levels (10 spaces), as r_show() caps it. */
static void show_depth_is_capped(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *p = NULL;

	(void)state;
	for (int i = 0; i < 7; i++) {
		char name[16];

		snprintf(name, sizeof(name), "L%d", i);
		p = requested(tree, p, name, 0x1000 + i, 0x1fff - i);
	}
	expect_show(tree, "00001000-00001fff : L0\n"
			  "  00001001-00001ffe : L1\n"
			  "    00001002-00001ffd : L2\n"
			  "      00001003-00001ffc : L3\n"
			  "        00001004-00001ffb : L4\n"
			  "          00001005-00001ffa : L5\n"
			  "          00001006-00001ff9 : L6\n");
	tree_free(tree, t);
}

/* Expect a short buffer cut like snprintf, with the whole length returned. */
static void show_short_buffer(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	char buf[10];

	(void)state;
	requested(tree, NULL, "A", 0x1000, 0x1fff);
	assert_int_equal(kmm_iomem_show(tree, NULL, 0), 22);
	assert_int_equal(kmm_iomem_show(tree, buf, sizeof(buf)), 22);
	assert_string_equal(buf, "00001000-");
	tree_free(tree, t);
}

/* ---------------------------------------------------------------- pool, validate */

/* Expect the 4097th node refused by name, and a freed node reused. */
static void pool_full_is_overflow(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *r = NULL, *last = NULL, *arr;
	char err[256];

	(void)state;
	for (int i = 0; i < KMM_RESOURCE_POOL_SIZE; i++)
		last = node(tree, "n", (u64)i << 12, ((u64)i << 12) + 0xfff);
	assert_int_equal(kmm_resource_new(tree, "Kernel code", 0x1000000, 0x1e01d31, BUSY,
					  KMM_IORES_DESC_NONE, &r, err, sizeof(err)),
			 -KMM_EOVERFLOW);
	assert_string_equal(err, "resource pool full (4096 entries): cannot add Kernel code "
				 "[mem 0x01000000-0x01e01d31]");
	assert_int_equal(kmm_resource_new_array(tree, 1, "e820 resources", &arr, err, sizeof(err)),
			 -KMM_EOVERFLOW);
	assert_string_equal(err, "resource pool full (4096 entries): cannot add e820 resources "
				 "(1 entries)");
	assert_int_equal(kmm_reserve_region_with_split(tree, &tree->root, 0, 0xfff, "r", err,
						       sizeof(err)),
			 -KMM_EOVERFLOW);
	assert_string_equal(err, "resource pool full (4096 entries): cannot add r "
				 "[mem 0x00000000-0x00000fff]");
	kmm_resource_free(tree, last);
	assert_true(kmm_resource_validate(tree));
	assert_int_equal(kmm_resource_new(tree, "again", 0, 0xfff, BUSY, KMM_IORES_DESC_NONE, &r,
					  err, sizeof(err)),
			 0);
	assert_ptr_equal(r, last);
	assert_string_equal(r->name, "again");
	tree_free(tree, t);
}

/* Expect a name that does not fit refused (-KMM_EINVAL), nothing taken from the pool. */
static void name_too_long_is_invalid(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *r = NULL;
	char err[256];

	(void)state;
	assert_int_equal(kmm_resource_new(tree, "a name of thirty-two characters!", 0, 1, BUSY,
					  KMM_IORES_DESC_NONE, &r, err, sizeof(err)),
			 -KMM_EINVAL);
	assert_string_equal(err, "resource name 'a name of thirty-two characters!' longer than 31 "
				 "characters");
	assert_int_equal(tree->nr_used, 0);
	node(tree, "ACPI Non-volatile Storage", 0, 1);
	tree_free(tree, t);
}

/*
 *   [A 1000-1fff [C 1100-11ff]]   [B 3000-3fff]
 * Expect the validator to catch each kind of damage: siblings out of
 * order, siblings overlapping, a child outside its parent, a wrong parent
 * link, a cycle.
 */
static void validate_catches_damage(void **state)
{
	struct kmm_test_env *t;
	struct kmm_resource_tree *tree = tree_new(&t);
	struct kmm_resource *a, *b, *c;

	(void)state;
	a = requested(tree, NULL, "A", 0x1000, 0x1fff);
	b = requested(tree, NULL, "B", 0x3000, 0x3fff);
	c = requested(tree, a, "C", 0x1100, 0x11ff);
	assert_true(kmm_resource_validate(tree));
	b->start = 0x800; /* before A */
	assert_false(kmm_resource_validate(tree));
	b->start = 0x1f00; /* overlaps A */
	assert_false(kmm_resource_validate(tree));
	b->start = 0x3000;
	c->end = 0x20ff; /* out of A */
	assert_false(kmm_resource_validate(tree));
	c->end = 0x11ff;
	c->parent = b;
	assert_false(kmm_resource_validate(tree));
	c->parent = a;
	c->child = a; /* a cycle */
	assert_false(kmm_resource_validate(tree));
	c->child = NULL;
	assert_true(kmm_resource_validate(tree));
	tree_free(tree, t);
}

/* ---------------------------------------------------------------- oracle boots */

/* Linux's out-of-reach lines: resources of drivers and buses kmm does not run */
static bool out_of_reach(const char *name)
{
	static const char *const prefix[] = {
		"PCI Bus ",  "0000:",	    "PCI ECAM",	      "pcie@",	       "PCI MMCONFIG",
		"Video ROM", "Adapter ROM", "Video RAM area", "PNP0",	       "pnp ",
		"pl011@",    "pl031@",	    "pl061@",	      "9000000.pl011", "9030000.pl061",
		"rtc-pl031", "efifb",
	};

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return true;
	return false;
}

/* a machine log that keeps nothing (the boots print far more than kmm_test_env holds) */
struct quiet {
	struct kmm_test_env *t;
	struct kmm_env env;
};

static void quiet_log(void *opaque, const char *line)
{
	(void)opaque;
	(void)line;
}

static void *quiet_p2v(void *opaque, phys_addr_t pa)
{
	struct quiet *q = opaque;

	return q->t->env.phys_to_virt(q->t->env.opaque, pa);
}

static phys_addr_t quiet_v2p(void *opaque, const void *va)
{
	struct quiet *q = opaque;

	return q->t->env.virt_to_phys(q->t->env.opaque, va);
}

static void quiet_bug(void *opaque, const char *func, const char *what)
{
	(void)opaque;
	fail_msg("BUG: %s: %s", func, what);
}

static void quiet_init(struct quiet *q, u64 phys)
{
	q->t = kmm_test_env_new(phys);
	q->env = (struct kmm_env){ .opaque = q,
				   .log_line = quiet_log,
				   .phys_to_virt = quiet_p2v,
				   .virt_to_phys = quiet_v2p,
				   .bug = quiet_bug };
}

/* one line of /proc/iomem: indent depth and the rest */
struct iomem_line {
	int depth;
	const char *text;
};

static unsigned int split_iomem(char *text, struct iomem_line *out, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL;

	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		int sp = (int)strspn(ln, " ");

		assert_true(n < max);
		out[n].depth = sp / 2;
		out[n].text = ln + sp;
		n++;
	}
	return n;
}

/*
 * Compare kmm's iomem of @m with Linux's @fixture; @tolerate (may be NULL)
 * is one Linux line kmm may leave out (see expect_arm64).
 */
static void expect_iomem(const struct kmm_machine *m, const char *fixture, const char *tolerate)
{
	struct iomem_line want[128], got[128];
	char *linux_text = kmm_test_read_fixture("oracle", fixture);
	size_t len = kmm_iomem_show(&m->iomem.tree, NULL, 0);
	char *kmm_text = malloc(len + 1);
	unsigned int nw, ng, w = 0;

	assert_non_null(kmm_text);
	assert_true(kmm_resource_validate(&m->iomem.tree));
	kmm_iomem_show(&m->iomem.tree, kmm_text, len + 1);
	nw = split_iomem(linux_text, want, 128);
	ng = split_iomem(kmm_text, got, 128);
	/* kmm's lines: a subsequence of Linux's, depth for depth */
	for (unsigned int g = 0; g < ng; g++, w++) {
		while (w < nw &&
		       (strcmp(want[w].text, got[g].text) || want[w].depth != got[g].depth))
			w++;
		if (w == nw)
			fail_msg("%s: kmm line %u '%*s%s' is not Linux's (in that order and depth)",
				 fixture, g + 1, got[g].depth * 2, "", got[g].text);
	}
	/* Linux's lines of a kind kmm knows: all printed */
	for (w = 0; w < nw; w++) {
		const char *name = strstr(want[w].text, " : ") + 3;
		bool found = false;

		if (out_of_reach(name) || (tolerate && !strcmp(want[w].text, tolerate)))
			continue;
		for (unsigned int g = 0; g < ng && !found; g++)
			found = !strcmp(want[w].text, got[g].text);
		if (!found)
			fail_msg("%s: Linux's '%s' is missing", fixture, want[w].text);
	}
	free(kmm_text);
	free(linux_text);
}

/* the x86 oracle case @name booted to its end, then compared */
static void expect_x86(const char *name, enum kmm_arch arch)
{
	const char *a = arch == KMM_ARCH_X86_64 ? "x86_64" : "i386";
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char file[128], err[512] = "", *inputs, *cmdline, *map, *cfg;
	struct quiet q;

	assert_non_null(m);
	quiet_init(&q, 16ULL << 30);
	snprintf(file, sizeof(file), "%s-%s.inputs", a, name);
	inputs = kmm_test_read_fixture("oracle", file);
	snprintf(file, sizeof(file), "%s-%s.cmdline", a, name);
	cmdline = kmm_test_read_fixture("oracle", file);
	cmdline[strcspn(cmdline, "\n")] = '\0';
	snprintf(file, sizeof(file), "%s.System.map", a);
	map = kmm_test_read_fixture("oracle", file);
	snprintf(file, sizeof(file), "%s.config", a);
	cfg = kmm_test_read_fixture("oracle", file);
	kmm_machine_init(m, arch, &q.env);
	if (kmm_test_boot_x86(m, inputs, cmdline, map, cfg, err, sizeof(err)) ||
	    kmm_iomem_initcalls(m, err, sizeof(err)))
		fail_msg("boot failed: %s", err);
	snprintf(file, sizeof(file), "iomem-%s-%s.txt", a, name);
	expect_iomem(m, file, NULL);
	free(inputs);
	free(cmdline);
	free(map);
	free(cfg);
	free(m);
	kmm_test_env_free(q.t);
}

/*
 * pc-2G: e820 RAM, the low-1M entries busy at once, the reserved ones
 * above 1M (7ffe0000, fffc0000, fd00000000) at the initcall, the kernel's
 * four parts, System ROM under the e820 entry of the same range, IOAPIC 0,
 * HPET 0, Local APIC.
 */
static void iomem_x86_64_pc_2G(void **state)
{
	(void)state;
	expect_x86("pc-2G", KMM_ARCH_X86_64);
}

/* pc-4G: RAM above 4G ends on a 64M boundary: no RAM buffer */
static void iomem_x86_64_pc_4G(void **state)
{
	(void)state;
	expect_x86("pc-4G", KMM_ARCH_X86_64);
}

/* crashkernel=256M: "Crash kernel" under System RAM, beside the image */
static void iomem_x86_64_pc_4G_crashkernel256M(void **state)
{
	(void)state;
	expect_x86("pc-4G-crashkernel256M", KMM_ARCH_X86_64);
}

/* i386 (PAE: 64-bit resource_size_t): the same layout with the 32-bit kernel's image */
static void iomem_i386_pc_2G(void **state)
{
	(void)state;
	expect_x86("pc-2G", KMM_ARCH_I386);
}

#define ARM64_BLOB_SIZE (1 << 20)
#define ARM64_DTB_ADDR 0x48200000ULL
#define ARM64_KERNEL_LOAD 0x40200000ULL

/*
 * The arm64 tree @tree (tests/fixtures/dt) booted to its end, then
 * compared.  The reservations are those of the arch_initcall, before the
 * initrd goes back to memblock; when kmm_start_kernel_mm() does not run
 * kmm_iomem_initcalls() itself, the test runs it after the boot and the
 * initrd's line (Linux's "reserved" over its pages) cannot be there.
 */
static void expect_arm64(const char *tree)
{
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_dt *dt = malloc(sizeof(*dt));
	void *blob = aligned_alloc(8, ARM64_BLOB_SIZE);
	char file[128], err[512] = "", initrd[64], *orig, *map;
	const char *tolerate = NULL;
	struct quiet q;

	assert_true(m && dt && blob);
	quiet_init(&q, 8ULL << 30);
	snprintf(file, sizeof(file), "%s.dtb", tree);
	orig = kmm_test_read_fixture("dt", file);
	assert_int_equal(fdt_open_into(orig, blob, ARM64_BLOB_SIZE), 0);
	map = kmm_test_read_fixture("oracle", "arm64-System.map");
	kmm_machine_init(m, KMM_ARCH_ARM64, &q.env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_fdt_read(dt, blob, ARM64_BLOB_SIZE, err, sizeof(err)), 0);
	dt->blob_phys = ARM64_DTB_ADDR;
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, dt->bootargs, err, sizeof(err)), 0);
	if (kmm_arm64_setup_arch(m, dt, ARM64_KERNEL_LOAD, err, sizeof(err)) ||
	    kmm_start_kernel_early(m, err, sizeof(err)) || kmm_start_kernel_mm(m, err, sizeof(err)))
		fail_msg("boot failed: %s", err);
	if (!m->iomem.initcalls_done) {
		u64 s = m->phys_initrd_start, e = s + m->phys_initrd_size;

		snprintf(initrd, sizeof(initrd), "%08llx-%08llx : reserved",
			 (unsigned long long)(s & ~0xfffULL),
			 (unsigned long long)(((e + 0xfff) & ~0xfffULL) - 1));
		tolerate = initrd;
		assert_int_equal(kmm_iomem_initcalls(m, err, sizeof(err)), 0);
	}
	snprintf(file, sizeof(file), "iomem-arm64-%s.txt", tree);
	expect_iomem(m, file, tolerate);
	free(orig);
	free(map);
	free(blob);
	free(dt);
	free(m);
	kmm_test_env_free(q.t);
}

/*
 * virt-1G: one System RAM region; Kernel code and data with the image's
 * rodata/init between them reserved; DTB, CMA, memmap and the boot tables
 * as "reserved", each page-rounded and split around what is already there.
 */
static void iomem_arm64_virt_1G(void **state)
{
	(void)state;
	expect_arm64("virt-1G");
}

/* virt-4G: addresses past 32 bits print with 9 digits; the swiotlb reserved */
static void iomem_arm64_virt_4G(void **state)
{
	(void)state;
	expect_arm64("virt-4G");
}

/* rpi4: two memory regions, /memreserve/ at 0, the firmware's reserved-memory */
static void iomem_arm64_rpi4b(void **state)
{
	(void)state;
	expect_arm64("board-rpi4b-bcm2711");
}

/* Expect the initcalls to run once: a second call changes nothing. */
static void initcalls_run_once(void **state)
{
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_test_env *t = kmm_test_env_new(0);
	char err[256];

	(void)state;
	assert_non_null(m);
	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_iomem_initcalls(m, err, sizeof(err)), 0);
	/* no firmware map: only the local APIC */
	expect_show(&m->iomem.tree, "fee00000-fee00fff : Local APIC\n");
	assert_int_equal(kmm_iomem_initcalls(m, err, sizeof(err)), 0);
	expect_show(&m->iomem.tree, "fee00000-fee00fff : Local APIC\n");
	free(m);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_fills_gaps_in_order),
		cmocka_unit_test(request_conflict_is_busy),
		cmocka_unit_test(request_outside_parent_is_range),
		cmocka_unit_test(request_end_below_start_is_invalid),
		cmocka_unit_test(request_twice_is_exist),
		cmocka_unit_test(insert_adopts_covered_children),
		cmocka_unit_test(insert_descends_into_container),
		cmocka_unit_test(insert_equal_range_wraps),
		cmocka_unit_test(insert_partial_overlap_is_busy),
		cmocka_unit_test(insert_expand_to_fit_widens),
		cmocka_unit_test(split_fills_gaps_around_children),
		cmocka_unit_test(split_outside_root_is_clipped),
		cmocka_unit_test(split_bad_input_is_invalid),
		cmocka_unit_test(show_width),
		cmocka_unit_test(show_depth_is_capped),
		cmocka_unit_test(show_short_buffer),
		cmocka_unit_test(pool_full_is_overflow),
		cmocka_unit_test(name_too_long_is_invalid),
		cmocka_unit_test(validate_catches_damage),
		cmocka_unit_test(initcalls_run_once),
		cmocka_unit_test(iomem_x86_64_pc_2G),
		cmocka_unit_test(iomem_x86_64_pc_4G),
		cmocka_unit_test(iomem_x86_64_pc_4G_crashkernel256M),
		cmocka_unit_test(iomem_i386_pc_2G),
		cmocka_unit_test(iomem_arm64_virt_1G),
		cmocka_unit_test(iomem_arm64_virt_4G),
		cmocka_unit_test(iomem_arm64_rpi4b),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
