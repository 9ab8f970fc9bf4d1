// SPDX-License-Identifier: MIT
/*
 * test_cmdline.c - the kernel command line (src/fw/cmdline.c): Linux's
 * next_arg() splitting, every typed option, every error message, and
 * crashkernel= resolution as Linux 6.1's kernel/crash_core.c does it.
 *
 * "Pictures" here are the command lines themselves; each case says what
 * Linux makes of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/cmdline.h>
#include <kmm/error.h>

#define SZ_1M (1ULL << 20)
#define SZ_1G (1ULL << 30)

struct fix {
	struct kmm_cmdline c;
	char err[512];
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

#define FIX                               \
	struct fix *f = *state;           \
	struct kmm_cmdline *c = &f->c;    \
	(void)c

static int parse(struct fix *f, const char *text)
{
	f->err[0] = '\0';
	return kmm_cmdline_parse(&f->c, text, f->err, sizeof(f->err));
}

/* Expect @text to fail with -KMM_EINVAL and exactly @msg. */
static void assert_bad_at(struct fix *f, const char *text, const char *msg, int line)
{
	int ret = parse(f, text);

	if (ret != -KMM_EINVAL || strcmp(f->err, msg) != 0)
		fail_msg("line %d: '%s' gave %d '%s', expected -KMM_EINVAL '%s'", line, text, ret,
			 f->err, msg);
}
#define ASSERT_BAD(text, msg) assert_bad_at(f, text, msg, __LINE__)

static void assert_param_at(const struct kmm_cmdline *c, unsigned int i, const char *name,
			    const char *value, int line)
{
	if (i >= c->nr_params)
		fail_msg("line %d: only %u params", line, c->nr_params);
	if (strcmp(c->params[i].name, name) != 0 ||
	    (value ? !c->params[i].value || strcmp(c->params[i].value, value) != 0 :
		     c->params[i].value != NULL))
		fail_msg("line %d: param %u is '%s'='%s', expected '%s'='%s'", line, i,
			 c->params[i].name, c->params[i].value ? c->params[i].value : "(none)", name,
			 value ? value : "(none)");
}
#define ASSERT_PARAM(i, name, value) assert_param_at(c, i, name, value, __LINE__)

/* ------------------------------------------------------------ splitting */

/*
 * "  console=ttyS0   nokaslr memblock=debug panic=-1  "
 * Expect four words in order, runs of spaces ignored, nokaslr and
 * memblock=debug set.
 */
static void split_words(void **state)
{
	FIX;

	assert_int_equal(parse(f, "  console=ttyS0   nokaslr memblock=debug panic=-1  "), 0);
	assert_int_equal(c->nr_params, 4);
	ASSERT_PARAM(0, "console", "ttyS0");
	ASSERT_PARAM(1, "nokaslr", NULL);
	ASSERT_PARAM(2, "memblock", "debug");
	ASSERT_PARAM(3, "panic", "-1");
	assert_true(c->nokaslr);
	assert_true(c->memblock_debug);
	assert_string_equal(c->raw, "  console=ttyS0   nokaslr memblock=debug panic=-1  ");
}

/*
 * foo="bar baz" "quoted word" x="a"b =lead a=b=c
 * Expect next_arg()'s quote handling: the value's quotes dropped, a quoted
 * word unquoted, an inner quote kept when the value does not end in one, a
 * leading '=' not a separator, and only the first '=' splitting.
 */
static void split_quotes(void **state)
{
	FIX;

	assert_int_equal(parse(f, "foo=\"bar baz\" \"quoted word\" x=\"a\"b =lead a=b=c"), 0);
	assert_int_equal(c->nr_params, 5);
	ASSERT_PARAM(0, "foo", "bar baz");
	ASSERT_PARAM(1, "quoted word", NULL);
	ASSERT_PARAM(2, "x", "a\"b");
	ASSERT_PARAM(3, "=lead", NULL);
	ASSERT_PARAM(4, "a", "b=c");
}

/*
 * "a=1 -- mem=foo init-arg"
 * Expect "--" to end the kernel's parameters: mem=foo is init's, no error.
 */
static void split_double_dash(void **state)
{
	FIX;

	assert_int_equal(parse(f, "a=1 -- mem=foo init-arg"), 0);
	assert_int_equal(c->nr_params, 1);
	assert_false(c->mem_set);
}

/*
 * "mem=1G x mem=2G nokaslr"
 * Expect kmm_cmdline_find() to return the last value and report presence
 * of valueless and absent words.
 */
static void find_last(void **state)
{
	FIX;
	bool present;

	assert_int_equal(parse(f, "mem=1G x mem=2G nokaslr"), 0);
	assert_string_equal(kmm_cmdline_find(c, "mem", &present), "2G");
	assert_true(present);
	assert_null(kmm_cmdline_find(c, "nokaslr", &present));
	assert_true(present);
	assert_null(kmm_cmdline_find(c, "numa", &present));
	assert_false(present);
	assert_null(kmm_cmdline_find(c, "x", NULL));
	assert_int_equal(c->mem_size, 2 * SZ_1G);
}

/*
 * A 3000-byte line; then 300 words.
 * Expect the text cut at 2047 bytes like Linux and -KMM_EOVERFLOW; then the
 * first 256 words kept and -KMM_EOVERFLOW naming the first dropped word.
 */
static void overflow_length_and_words(void **state)
{
	FIX;
	char *text = malloc(3001);
	unsigned int i;

	assert_non_null(text);
	memset(text, 'x', 3000);
	memcpy(text, "numa=off ", 9);
	text[3000] = '\0';
	assert_int_equal(parse(f, text), -KMM_EOVERFLOW);
	assert_string_equal(f->err, "command line is 3000 bytes, longer than 2047: cut");
	assert_int_equal(strlen(c->raw), 2047);
	assert_true(c->numa_off);
	assert_int_equal(c->nr_params, 2);

	for (i = 0; i < 300; i++)
		memcpy(text + 2 * i, i == 256 ? "b " : "a ", 2);
	text[600] = '\0';
	assert_int_equal(parse(f, text), -KMM_EOVERFLOW);
	assert_string_equal(f->err, "more than 256 words: dropping 'b' and the rest");
	assert_int_equal(c->nr_params, 256);
	free(text);
}

/* ------------------------------------------------------------ the oracle's lines */

/*
 * The command lines of the oracle's x86_64 cases (hugepages16, numa-fake2,
 * percpu-page, kernelcore1G, movablecore512M, crashkernel256M, mem1G,
 * memmap-exactmap, memmap-reserve), each with Linux's common prefix.
 * Expect each to parse cleanly into the typed field it exercises.
 */
static void oracle_cmdlines(void **state)
{
	FIX;
	const char *base = "console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug "
			   "panic=-1 ";
	char line[512];

#define ORACLE(extra)                                              \
	do {                                                       \
		snprintf(line, sizeof(line), "%s%s", base, extra); \
		assert_int_equal(parse(f, line), 0);               \
		assert_true(c->nokaslr && c->memblock_debug);      \
	} while (0)

	ORACLE("hugepages=16");
	assert_int_equal(c->nr_hugepage_opts, 1);
	assert_int_equal(c->hugepage_opts[0].size, 0);
	assert_int_equal(c->hugepage_opts[0].count, 16);
	assert_true(c->hugepage_opts[0].count_set);
	ORACLE("numa=fake=2");
	assert_int_equal(c->numa_fake, KMM_NUMA_FAKE_NODES);
	assert_int_equal(c->numa_fake_value, 2);
	ORACLE("percpu_alloc=page");
	assert_int_equal(c->percpu_alloc, KMM_PCPU_FC_PAGE);
	ORACLE("kernelcore=1G");
	assert_int_equal(c->kernelcore.kind, KMM_SIZE_BYTES);
	assert_int_equal(c->kernelcore.value, SZ_1G);
	ORACLE("movablecore=512M");
	assert_int_equal(c->movablecore.kind, KMM_SIZE_BYTES);
	assert_int_equal(c->movablecore.value, 512 * SZ_1M);
	ORACLE("crashkernel=256M");
	assert_true(c->crashkernel_set);
	assert_string_equal(c->crashkernel, "256M");
	ORACLE("mem=1G");
	assert_true(c->mem_set);
	assert_int_equal(c->mem_size, SZ_1G);
	ORACLE("memmap=exactmap memmap=636K@0 memmap=1023M@1M memmap=510M@1536M");
	assert_int_equal(c->nr_params, 10);
	ASSERT_PARAM(9, "memmap", "510M@1536M");
	ORACLE("memmap=64M$0x10000000");
	ASSERT_PARAM(6, "memmap", "64M$0x10000000");
#undef ORACLE
}

/* ------------------------------------------------------------ options */

/*
 * numa=off, numa=fake=4, numa=fake=512M, numa=fake=2U, numa=noacpi,
 * movable_node.
 * Expect each form recorded with its kind and value.
 */
static void numa_forms(void **state)
{
	FIX;

	assert_int_equal(parse(f, "numa=off movable_node"), 0);
	assert_true(c->numa_off);
	assert_true(c->movable_node);
	assert_int_equal(parse(f, "numa=fake=4"), 0);
	assert_int_equal(c->numa_fake, KMM_NUMA_FAKE_NODES);
	assert_int_equal(c->numa_fake_value, 4);
	assert_int_equal(parse(f, "numa=fake=512M"), 0);
	assert_int_equal(c->numa_fake, KMM_NUMA_FAKE_SIZE);
	assert_int_equal(c->numa_fake_value, 512 * SZ_1M);
	assert_int_equal(parse(f, "numa=fake=2U"), 0);
	assert_int_equal(c->numa_fake, KMM_NUMA_FAKE_UNIFORM);
	assert_int_equal(c->numa_fake_value, 2);
	assert_int_equal(parse(f, "numa=noacpi"), 0);
	assert_false(c->numa_off);
}

/*
 * Malformed numa= values.
 * Expect each message; "512m" is not a size to Linux (it looks for 'M'/'G').
 */
static void numa_errors(void **state)
{
	FIX;

	ASSERT_BAD("numa", "numa=: value expected: ''");
	ASSERT_BAD("numa=bogus", "numa=: unknown value: 'bogus'");
	ASSERT_BAD("numa=fake=0", "numa=: fake node count must be at least 1: 'fake=0'");
	ASSERT_BAD("numa=fake=x", "numa=: invalid fake value: 'fake=x'");
	ASSERT_BAD("numa=fake=512m", "numa=: invalid fake value: 'fake=512m'");
	ASSERT_BAD("numa=fake=U", "numa=: invalid fake value: 'fake=U'");
	ASSERT_BAD("numa=fake=1G2", "numa=: invalid fake value: 'fake=1G2'");
	assert_int_equal(c->numa_fake, KMM_NUMA_FAKE_NONE);
}

/*
 * kernelcore=mirror, kernelcore=25%, movablecore=0x10000000.
 * Expect the three kinds of Linux's cmdline_parse_core(), last one winning.
 */
static void core_forms(void **state)
{
	FIX;

	assert_int_equal(parse(f, "kernelcore=1G kernelcore=mirror movablecore=25%"), 0);
	assert_int_equal(c->kernelcore.kind, KMM_SIZE_MIRROR);
	assert_int_equal(c->movablecore.kind, KMM_SIZE_PERCENT);
	assert_int_equal(c->movablecore.value, 25);
	assert_int_equal(parse(f, "movablecore=0x10000000"), 0);
	assert_int_equal(c->movablecore.kind, KMM_SIZE_BYTES);
	assert_int_equal(c->movablecore.value, 0x10000000);
}

/* Expect each malformed kernelcore=/movablecore= value named. */
static void core_errors(void **state)
{
	FIX;

	ASSERT_BAD("kernelcore=150%", "kernelcore=: percentage above 100: '150%'");
	ASSERT_BAD("kernelcore=foo", "kernelcore=: invalid size: 'foo'");
	ASSERT_BAD("kernelcore=x%", "kernelcore=: invalid size: 'x%'");
	ASSERT_BAD("movablecore=mirror", "movablecore=: invalid size: 'mirror'");
	ASSERT_BAD("movablecore=1Gb", "movablecore=: invalid size: '1Gb'");
	ASSERT_BAD("movablecore=99999E", "movablecore=: size does not fit 64 bits: '99999E'");
	ASSERT_BAD("movablecore", "movablecore=: value expected: ''");
}

/*
 * hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512 default_hugepagesz=1G
 * Expect two (size, count) pairs in order and the default size.
 */
static void hugepage_pairs(void **state)
{
	FIX;

	assert_int_equal(parse(f, "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512 "
				  "default_hugepagesz=1G"),
			 0);
	assert_int_equal(c->nr_hugepage_opts, 2);
	assert_int_equal(c->hugepage_opts[0].size, SZ_1G);
	assert_int_equal(c->hugepage_opts[0].count, 4);
	assert_int_equal(c->hugepage_opts[1].size, 2 * SZ_1M);
	assert_int_equal(c->hugepage_opts[1].count, 512);
	assert_int_equal(c->default_hugepagesz, SZ_1G);
	assert_int_equal(parse(f, "hugepagesz=2M"), 0);
	assert_false(c->hugepage_opts[0].count_set);
}

/* Expect each misuse Linux warns about (and ignores) to be an error here. */
static void hugepage_errors(void **state)
{
	FIX;

	ASSERT_BAD("hugepagesz=3M", "hugepagesz=: not a power of 2: '3M'");
	ASSERT_BAD("hugepagesz=2M hugepagesz=2M", "hugepagesz=: specified twice: '2M'");
	ASSERT_BAD("hugepagesz=4K hugepagesz=8K hugepagesz=16K hugepagesz=32K hugepagesz=64K",
		   "hugepagesz=: more than 4 hugepage sizes: '64K'");
	ASSERT_BAD("hugepages=1 hugepages=2",
		   "hugepages=: specified twice without interleaving hugepagesz=: '2'");
	ASSERT_BAD("hugepages=0:1,1:2", "hugepages=: per-node counts are not supported: '0:1,1:2'");
	ASSERT_BAD("hugepages=x", "hugepages=: invalid count: 'x'");
	ASSERT_BAD("default_hugepagesz=2M default_hugepagesz=1G",
		   "default_hugepagesz=: specified twice: '1G'");
	ASSERT_BAD("default_hugepagesz=0", "default_hugepagesz=: not a power of 2: '0'");
}

/*
 * cma=64M, cma=64M@1G, cma=64M@0-4G.
 * Expect Linux's early_cma(): "@base" alone makes limit = base + size and the
 * area fixed; an explicit larger limit does not.
 */
static void cma_forms(void **state)
{
	FIX;

	assert_int_equal(parse(f, "cma=64M"), 0);
	assert_true(c->cma_set);
	assert_int_equal(c->cma_size, 64 * SZ_1M);
	assert_int_equal(c->cma_base, 0);
	assert_int_equal(c->cma_limit, 0);
	assert_false(c->cma_fixed);
	assert_int_equal(parse(f, "cma=64M@1G"), 0);
	assert_int_equal(c->cma_base, SZ_1G);
	assert_int_equal(c->cma_limit, SZ_1G + 64 * SZ_1M);
	assert_true(c->cma_fixed);
	assert_int_equal(parse(f, "cma=64M@0-4G"), 0);
	assert_int_equal(c->cma_limit, 4 * SZ_1G);
	assert_false(c->cma_fixed);
}

/* Expect each malformed cma= named, and nothing recorded. */
static void cma_errors(void **state)
{
	FIX;

	ASSERT_BAD("cma=foo", "cma=: invalid size: 'foo'");
	ASSERT_BAD("cma=64Mx", "cma=: invalid size: '64Mx'");
	ASSERT_BAD("cma=64M@", "cma=: invalid size: '64M@'");
	ASSERT_BAD("cma=64M@1G-", "cma=: invalid size: '64M@1G-'");
	ASSERT_BAD("cma=64M@1G-1G", "cma=: limit below base + size: '64M@1G-1G'");
	ASSERT_BAD("cma=8K@0xfffffffffffff000", "cma=: range wraps past 2^64: '8K@0xfffffffffffff000'");
	ASSERT_BAD("cma=99999E", "cma=: size does not fit 64 bits: '99999E'");
	ASSERT_BAD("cma", "cma=: value expected: ''");
	assert_false(c->cma_set);
}

/*
 * vmalloc=256M highmem=512M percpu_alloc=embed
 * Expect the sizes and allocator recorded; bad values named.
 */
static void sizes_and_percpu(void **state)
{
	FIX;

	assert_int_equal(parse(f, "vmalloc=256M highmem=512M percpu_alloc=embed"), 0);
	assert_true(c->vmalloc_set && c->highmem_set);
	assert_int_equal(c->vmalloc_size, 256 * SZ_1M);
	assert_int_equal(c->highmem_size, 512 * SZ_1M);
	assert_int_equal(c->percpu_alloc, KMM_PCPU_FC_EMBED);
	ASSERT_BAD("vmalloc=abc", "vmalloc=: invalid size: 'abc'");
	ASSERT_BAD("highmem=", "highmem=: invalid size: ''");
	ASSERT_BAD("percpu_alloc=lpage", "percpu_alloc=: unknown allocator: 'lpage'");
	ASSERT_BAD("percpu_alloc", "percpu_alloc=: value expected: ''");
}

/*
 * swiotlb=[slabs][,areas][,force|noforce]
 * Expect slabs rounded up to whole 128-slab segments, the area count kept,
 * the force words, and what Linux would silently ignore reported.
 */
static void swiotlb_forms(void **state)
{
	FIX;

	assert_int_equal(parse(f, "swiotlb=1000"), 0);
	assert_int_equal(c->swiotlb_nslabs, 1024);
	assert_int_equal(c->swiotlb_nareas, 0);
	assert_int_equal(c->swiotlb_force, KMM_SWIOTLB_DEFAULT);
	assert_int_equal(parse(f, "swiotlb=65536,3,force"), 0);
	assert_int_equal(c->swiotlb_nslabs, 65536);
	assert_int_equal(c->swiotlb_nareas, 3);
	assert_int_equal(c->swiotlb_force, KMM_SWIOTLB_FORCE);
	assert_int_equal(parse(f, "swiotlb=noforce"), 0);
	assert_int_equal(c->swiotlb_nslabs, 0);
	assert_int_equal(c->swiotlb_force, KMM_SWIOTLB_NOFORCE);
	assert_int_equal(parse(f, "swiotlb=,2"), 0);
	assert_int_equal(c->swiotlb_nareas, 2);
	ASSERT_BAD("swiotlb=64M", "swiotlb=: unknown value: '64M'");
	ASSERT_BAD("swiotlb=yes", "swiotlb=: unknown value: 'yes'");
	ASSERT_BAD("swiotlb=99999999999999", "swiotlb=: invalid slab count: '99999999999999'");
	ASSERT_BAD("swiotlb=1,99999999", "swiotlb=: invalid count: '1,99999999'");
	ASSERT_BAD("swiotlb", "swiotlb=: value expected: ''");
}

/*
 * mem= and memmap= values (checked here, applied by the e820 code).
 * Expect the e820 checkers' messages, and mem=nopentium accepted.
 */
static void mem_memmap_errors(void **state)
{
	FIX;

	ASSERT_BAD("mem=foo", "mem=: invalid size: 'foo'");
	ASSERT_BAD("mem=0", "mem=: size must not be 0: '0'");
	ASSERT_BAD("mem", "mem=: value expected: ''");
	ASSERT_BAD("memmap=64M@1G,64M^2G", "memmap=: unknown separator (expected one of @ # $ ! %): "
					   "'64M^2G'");
	ASSERT_BAD("memmap", "memmap=: value expected: ''");
	assert_int_equal(parse(f, "mem=nopentium"), 0);
	assert_true(c->mem_set);
	assert_int_equal(c->mem_size, 0);
}

/*
 * "mem=foo numa=off cma=bad hugepages=2"
 * Expect the first error reported, and every other word and option - before
 * and after it - kept, as Linux ignores a bad option and goes on.
 */
static void error_keeps_the_rest(void **state)
{
	FIX;

	ASSERT_BAD("mem=foo numa=off cma=bad hugepages=2", "mem=: invalid size: 'foo'");
	assert_int_equal(c->nr_params, 4);
	assert_true(c->numa_off);
	assert_int_equal(c->hugepage_opts[0].count, 2);
	assert_false(c->mem_set);
}

/* ------------------------------------------------------------ crashkernel */

static int resolve(struct fix *f, u64 ram, u64 *size, u64 *base, bool *high, bool *low)
{
	return kmm_crashkernel_resolve(&f->c, ram, size, base, high, low);
}

/*
 * crashkernel=256M, crashkernel=256M@16M, none at all.
 * Expect the size (and base) for any RAM size, -KMM_ENOENT without one.
 */
static void crashkernel_simple(void **state)
{
	FIX;
	u64 size, base;
	bool high, low;

	assert_int_equal(parse(f, "crashkernel=256M"), 0);
	assert_int_equal(resolve(f, 4 * SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, 256 * SZ_1M);
	assert_int_equal(base, 0);
	assert_false(high || low);
	assert_int_equal(parse(f, "crashkernel=256M@16M"), 0);
	assert_int_equal(resolve(f, 4 * SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(base, 16 * SZ_1M);
	assert_int_equal(parse(f, "nokaslr"), 0);
	assert_int_equal(resolve(f, 4 * SZ_1G, &size, &base, &high, &low), -KMM_ENOENT);
}

/*
 * crashkernel=0-4G:128M,4G-:256M@64M with 4095M, 1G and (128M-rounded) 4G-1M.
 * Expect Linux's match on RAM rounded up to 128M: 4095M counts as 4G and
 * takes the second range, with the base; 1G takes the first.
 */
static void crashkernel_ranges(void **state)
{
	FIX;
	u64 size, base;
	bool high, low;

	assert_int_equal(parse(f, "crashkernel=0-4G:128M,4G-:256M@64M"), 0);
	assert_int_equal(resolve(f, 4095 * SZ_1M, &size, &base, &high, &low), 0);
	assert_int_equal(size, 256 * SZ_1M);
	assert_int_equal(base, 64 * SZ_1M);
	assert_int_equal(resolve(f, SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, 128 * SZ_1M);
	assert_int_equal(base, 64 * SZ_1M);

	assert_int_equal(parse(f, "crashkernel=2G-4G:256M"), 0);
	assert_int_equal(resolve(f, SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, 0);
	assert_int_equal(parse(f, "crashkernel=1G-:2G"), 0);
	assert_int_equal(resolve(f, 1536 * SZ_1M, &size, &base, &high, &low), -KMM_EINVAL);
}

/*
 * crashkernel=512M,high crashkernel=128M,low; then a malformed plain value
 * next to a good ",high" one.
 * Expect ",high" used when there is no usable plain value (x86's
 * reserve_crashkernel()), *low set and the low size available.
 */
static void crashkernel_high_low(void **state)
{
	FIX;
	u64 size, base, lsize;
	bool high, low;

	assert_int_equal(parse(f, "crashkernel=512M,high crashkernel=128M,low"), 0);
	assert_int_equal(resolve(f, 8 * SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, 512 * SZ_1M);
	assert_true(high && low);
	assert_int_equal(kmm_crashkernel_low_size(c, &lsize), 0);
	assert_int_equal(lsize, 128 * SZ_1M);

	assert_int_equal(parse(f, "crashkernel=128M,low"), 0);
	assert_int_equal(resolve(f, 8 * SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, 0);
	assert_true(low);
	assert_false(high);

	assert_int_equal(parse(f, "crashkernel=foo crashkernel=1G,high"), -KMM_EINVAL);
	assert_int_equal(resolve(f, 8 * SZ_1G, &size, &base, &high, &low), 0);
	assert_int_equal(size, SZ_1G);
	assert_true(high);
	assert_int_equal(kmm_crashkernel_low_size(c, &lsize), -KMM_ENOENT);
	assert_int_equal(parse(f, "crashkernel=foo"), -KMM_EINVAL);
	assert_int_equal(resolve(f, 8 * SZ_1G, &size, &base, &high, &low), -KMM_EINVAL);
}

/* Expect Linux's crash_core.c complaints for each malformed crashkernel=. */
static void crashkernel_errors(void **state)
{
	FIX;

	ASSERT_BAD("crashkernel=foo", "crashkernel=: memory value expected: 'foo'");
	ASSERT_BAD("crashkernel=256Mx", "crashkernel=: unrecognized char: x: '256Mx'");
	ASSERT_BAD("crashkernel=256M@", "crashkernel=: memory value expected: '256M@'");
	ASSERT_BAD("crashkernel=512M:64M", "crashkernel=: '-' expected: '512M:64M'");
	ASSERT_BAD("crashkernel=2G-1G:64M", "crashkernel=: end <= start: '2G-1G:64M'");
	ASSERT_BAD("crashkernel=1G-2G,x:64M", "crashkernel=: ':' expected: '1G-2G,x:64M'");
	ASSERT_BAD("crashkernel=1G-2G:x", "crashkernel=: memory value expected: '1G-2G:x'");
	ASSERT_BAD("crashkernel=1G-:64M@", "crashkernel=: memory value expected after '@': "
					   "'1G-:64M@'");
	ASSERT_BAD("crashkernel=1G-:64M;", "crashkernel=: unrecognized char: ;: '1G-:64M;'");
	ASSERT_BAD("crashkernel=x,high", "crashkernel=: memory value expected: 'x,high'");
	ASSERT_BAD("crashkernel=1G@2G,low", "crashkernel=: unrecognized char: ,: '1G@2G,low'");
	ASSERT_BAD("crashkernel", "crashkernel=: value expected: ''");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(split_words),
		T(split_quotes),
		T(split_double_dash),
		T(find_last),
		T(overflow_length_and_words),
		T(oracle_cmdlines),
		T(numa_forms),
		T(numa_errors),
		T(core_forms),
		T(core_errors),
		T(hugepage_pairs),
		T(hugepage_errors),
		T(cma_forms),
		T(cma_errors),
		T(sizes_and_percpu),
		T(swiotlb_forms),
		T(mem_memmap_errors),
		T(error_keeps_the_rest),
		T(crashkernel_simple),
		T(crashkernel_ranges),
		T(crashkernel_high_low),
		T(crashkernel_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
