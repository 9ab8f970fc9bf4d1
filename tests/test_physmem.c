// SPDX-License-Identifier: MIT
/*
 * test_physmem.c - the hosted port's simulated physical memory
 * (kmm/hosted.h): the direct map, second mappings through vm areas, sparse
 * 1 TiB machines, and the exact error of every kind of misuse.
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helpers/kmm_test.h"

#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/lib.h>

#define SZ_1M (1ULL << 20)
#define SZ_1G (1ULL << 30)
#define SZ_1T (1ULL << 40)

/* ASan and TSan reserve terabytes of shadow; address-space limits break them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KMM_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define KMM_TEST_SANITIZED 1
#endif
#endif

static u64 page_size(void)
{
	return (u64)sysconf(_SC_PAGESIZE);
}

static struct kmm_physmem *physmem_new(u64 size)
{
	struct kmm_physmem *pm;
	char err[256];

	assert_int_equal(kmm_physmem_create(&pm, size, err, sizeof(err)), 0);
	assert_non_null(pm);
	return pm;
}

/*
 * physmem_create_destroy:
 *
 *   |<------------- 64 MiB ------------->|
 *   0                                    size
 *
 * Expect a 64 MiB machine to report its size, map pa 0 and nothing of the
 * host's memory until touched.
 */
static void physmem_create_destroy(void **state)
{
	struct kmm_physmem *pm = physmem_new(64 * SZ_1M);

	assert_int_equal(kmm_physmem_size(pm), 64 * SZ_1M);
	assert_non_null(kmm_physmem_phys_to_virt(pm, 0));
	assert_int_equal(kmm_physmem_resident_bytes(pm), 0);
	kmm_physmem_destroy(pm);
	kmm_physmem_destroy(NULL);
}

/* Expect a size that is not page-aligned to be rounded up to a host page. */
static void physmem_create_rounds_up(void **state)
{
	struct kmm_physmem *pm = physmem_new(1);

	assert_int_equal(kmm_physmem_size(pm), page_size());
	assert_non_null(kmm_physmem_phys_to_virt(pm, page_size() - 1));
	assert_null(kmm_physmem_phys_to_virt(pm, page_size()));
	kmm_physmem_destroy(pm);
}

/*
 * physmem_create_bad_size: size 0 and size > KMM_PHYSMEM_MAX.
 *
 * Expect -KMM_EINVAL, *out == NULL and a message naming the size.
 */
static void physmem_create_bad_size(void **state)
{
	struct kmm_physmem *pm = (struct kmm_physmem *)1;
	char err[256];

	assert_int_equal(kmm_physmem_create(&pm, 0, err, sizeof(err)), -KMM_EINVAL);
	assert_null(pm);
	assert_non_null(strstr(err, "physical memory size 0 "));

	pm = (struct kmm_physmem *)1;
	assert_int_equal(kmm_physmem_create(&pm, KMM_PHYSMEM_MAX + 1, err, sizeof(err)),
			 -KMM_EINVAL);
	assert_null(pm);
	assert_non_null(strstr(err, "physical memory size 0x400000000001 "));

	/* no message buffer is fine too */
	assert_int_equal(kmm_physmem_create(&pm, KMM_ULLONG_MAX, NULL, 0), -KMM_EINVAL);
	assert_null(pm);
}

/*
 * physmem_create_host_refuses: the host fails each of the three calls in
 * turn (fd limit, file size limit, address space limit).
 *
 * Expect -KMM_EIO, *out == NULL and "<call>: <strerror>" in @err.
 */
static void physmem_create_host_refuses(void **state)
{
	struct kmm_physmem *pm = (struct kmm_physmem *)1;
	struct rlimit saved, lim;
	void (*old_xfsz)(int);
	char err[256];
	int ret;

	/* memfd_create: no free file descriptor */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	lim = saved;
	lim.rlim_cur = 0;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
	ret = kmm_physmem_create(&pm, SZ_1M, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(ret, -KMM_EIO);
	assert_null(pm);
	assert_string_equal(err, "memfd_create: Too many open files");

	/* ftruncate: above the file size limit (EFBIG, SIGXFSZ ignored) */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	lim = saved;
	lim.rlim_cur = SZ_1M;
	old_xfsz = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ret = kmm_physmem_create(&pm, 2 * SZ_1M, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old_xfsz);
	assert_int_equal(ret, -KMM_EIO);
	assert_null(pm);
	assert_string_equal(err, "ftruncate(0x200000): File too large");

#ifdef KMM_TEST_SANITIZED
	skip();
#else
	/* mmap: above the address space limit */
	assert_int_equal(getrlimit(RLIMIT_AS, &saved), 0);
	lim = saved;
	lim.rlim_cur = 64 * SZ_1G;
	assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
	ret = kmm_physmem_create(&pm, SZ_1T, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_AS, &saved), 0);
	assert_int_equal(ret, -KMM_EIO);
	assert_null(pm);
	assert_string_equal(err, "mmap(0x10000000000 bytes): Cannot allocate memory");
#endif
}

/*
 * physmem_direct_map_round_trip:
 *
 *   pa:   0   1   page-1  page  size/2  size-1 | size ...  ~0
 *         [------------- backed --------------)  NULL      NULL
 *
 * Expect virt_to_phys(phys_to_virt(pa)) == pa inside, NULL / MAX outside.
 */
static void physmem_direct_map_round_trip(void **state)
{
	const u64 size = 16 * SZ_1M;
	struct kmm_physmem *pm = physmem_new(size);
	const phys_addr_t pas[] = { 0, 1, page_size() - 1, page_size(), size / 2, size - 1 };
	unsigned char *base = kmm_physmem_phys_to_virt(pm, 0);
	int local;
	size_t i;

	for (i = 0; i < KMM_ARRAY_SIZE(pas); i++) {
		unsigned char *va = kmm_physmem_phys_to_virt(pm, pas[i]);

		assert_ptr_equal(va, base + pas[i]);
		assert_int_equal(kmm_physmem_virt_to_phys(pm, va), pas[i]);
	}
	assert_null(kmm_physmem_phys_to_virt(pm, size));
	assert_null(kmm_physmem_phys_to_virt(pm, KMM_PHYS_ADDR_MAX));
	assert_int_equal(kmm_physmem_virt_to_phys(pm, base - 1), KMM_PHYS_ADDR_MAX);
	assert_int_equal(kmm_physmem_virt_to_phys(pm, base + size), KMM_PHYS_ADDR_MAX);
	assert_int_equal(kmm_physmem_virt_to_phys(pm, &local), KMM_PHYS_ADDR_MAX);
	assert_int_equal(kmm_physmem_virt_to_phys(pm, NULL), KMM_PHYS_ADDR_MAX);
	kmm_physmem_destroy(pm);
}

/* Expect each touched page to count once in resident bytes. */
static void physmem_resident_counts_touched_pages(void **state)
{
	struct kmm_physmem *pm = physmem_new(64 * SZ_1M);
	u64 ps = page_size();

	*(volatile char *)kmm_physmem_phys_to_virt(pm, 0) = 1;
	assert_int_equal(kmm_physmem_resident_bytes(pm), ps);
	*(volatile char *)kmm_physmem_phys_to_virt(pm, ps - 1) = 2;
	assert_int_equal(kmm_physmem_resident_bytes(pm), ps);
	memset(kmm_physmem_phys_to_virt(pm, 32 * SZ_1M), 3, 4 * ps);
	*(volatile char *)kmm_physmem_phys_to_virt(pm, 64 * SZ_1M - 1) = 4;
	assert_int_equal(kmm_physmem_resident_bytes(pm), 6 * ps);
	kmm_physmem_destroy(pm);
}

/*
 * physmem_terabyte_machine: a 1 TiB physical address space touched at four
 * places.
 *
 *   0    256G      512G             1T-1
 *   x     x         x                 x
 *
 * Expect creation to succeed on a small host, the bytes to read back, and
 * resident memory to stay at the four pages (well under 1 MiB).
 */
static void physmem_terabyte_machine(void **state)
{
	const phys_addr_t pas[] = { 0, 256 * SZ_1G + 12345, 512 * SZ_1G, SZ_1T - 1 };
	struct kmm_physmem *pm = physmem_new(SZ_1T);
	u64 resident;
	size_t i;

	assert_int_equal(kmm_physmem_size(pm), SZ_1T);
	for (i = 0; i < KMM_ARRAY_SIZE(pas); i++)
		*(volatile unsigned char *)kmm_physmem_phys_to_virt(pm, pas[i]) =
			(unsigned char)(0xa0 + i);
	for (i = 0; i < KMM_ARRAY_SIZE(pas); i++) {
		unsigned char *va = kmm_physmem_phys_to_virt(pm, pas[i]);

		assert_int_equal(*va, 0xa0 + i);
		assert_int_equal(kmm_physmem_virt_to_phys(pm, va), pas[i]);
	}
	assert_null(kmm_physmem_phys_to_virt(pm, SZ_1T));
	resident = kmm_physmem_resident_bytes(pm);
	assert_int_equal(resident, 4 * page_size());
	assert_true(resident < SZ_1M);
	kmm_physmem_destroy(pm);
}

/*
 * physmem_area_shares_pages:
 *
 *   area:  [ none | pa 2p..5p | none ]
 *          0      p           4p     6p
 *   phys:  0  p  2p ........ 5p ... size
 *
 * Expect a write through either mapping to be seen through the other.
 */
static void physmem_area_shares_pages(void **state)
{
	struct kmm_physmem *pm = physmem_new(16 * SZ_1M);
	struct kmm_vm_area *area;
	u64 p = page_size();
	unsigned char *a, *d;

	assert_int_equal(kmm_physmem_area_create(pm, 6 * p, &area), 0);
	a = kmm_physmem_area_base(area);
	assert_non_null(a);
	assert_int_equal(kmm_physmem_virt_to_phys(pm, a), KMM_PHYS_ADDR_MAX);
	assert_int_equal(kmm_physmem_area_map(area, p, 2 * p, 3 * p), 0);

	d = kmm_physmem_phys_to_virt(pm, 2 * p);
	memset(d, 0x5a, 3 * p);
	assert_int_equal(a[p], 0x5a);
	assert_int_equal(a[4 * p - 1], 0x5a);

	a[p + 7] = 0x11;
	a[3 * p + 9] = 0x22;
	assert_int_equal(d[7], 0x11);
	assert_int_equal(d[2 * p + 9], 0x22);

	/* remap the same window to other pages */
	assert_int_equal(kmm_physmem_area_unmap(area, p, 3 * p), 0);
	assert_int_equal(kmm_physmem_area_map(area, p, 0, p), 0);
	a[p] = 0x33;
	assert_int_equal(*(unsigned char *)kmm_physmem_phys_to_virt(pm, 0), 0x33);
	assert_int_equal(d[0], 0x5a);

	kmm_physmem_area_destroy(area);
	kmm_physmem_area_destroy(NULL);
	assert_int_equal(d[7], 0x11);
	kmm_physmem_destroy(pm);
}

/* Expect a page of a 1 TiB machine mapped near its top to be shared too. */
static void physmem_area_maps_high_memory(void **state)
{
	struct kmm_physmem *pm = physmem_new(SZ_1T);
	struct kmm_vm_area *area;
	u64 p = page_size();
	phys_addr_t pa = SZ_1T - 2 * p;
	unsigned char *a;

	assert_int_equal(kmm_physmem_area_create(pm, 2 * p, &area), 0);
	assert_int_equal(kmm_physmem_area_map(area, 0, pa, 2 * p), 0);
	a = kmm_physmem_area_base(area);
	a[2 * p - 1] = 0x77;
	assert_int_equal(*(unsigned char *)kmm_physmem_phys_to_virt(pm, SZ_1T - 1), 0x77);
	kmm_physmem_area_destroy(area);
	assert_int_equal(kmm_physmem_resident_bytes(pm), p);
	kmm_physmem_destroy(pm);
}

/*
 * physmem_area_bad_ranges: the area is 4 pages, the machine 8.
 *
 *   area: [0 .......... 4p)      phys: [0 .................. 8p)
 *
 * Expect -KMM_EINVAL for misaligned offset, pa or size, size 0, ranges
 * past either end (also through u64 wrap-around), and for an empty area.
 */
static void physmem_area_bad_ranges(void **state)
{
	u64 p = page_size();
	struct kmm_physmem *pm = physmem_new(8 * p);
	struct kmm_vm_area *area = (struct kmm_vm_area *)1;

	assert_int_equal(kmm_physmem_area_create(pm, 0, &area), -KMM_EINVAL);
	assert_null(area);
	assert_int_equal(kmm_physmem_area_create(pm, KMM_PHYSMEM_MAX + 1, &area), -KMM_EINVAL);
	assert_null(area);
	assert_int_equal(kmm_physmem_area_create(pm, 4 * p, &area), 0);

	/* misaligned */
	assert_int_equal(kmm_physmem_area_map(area, 1, 0, p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 0, 1, p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 0, 0, p - 1), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 0, 0, 0), -KMM_EINVAL);
	/* outside the area */
	assert_int_equal(kmm_physmem_area_map(area, 4 * p, 0, p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 3 * p, 0, 2 * p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, p, 0, KMM_ALIGN_DOWN(KMM_ULLONG_MAX, p)),
			 -KMM_EINVAL);
	/* outside the physical range */
	assert_int_equal(kmm_physmem_area_map(area, 0, 8 * p, p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 0, 6 * p, 3 * p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_map(area, 0, KMM_ALIGN_DOWN(KMM_ULLONG_MAX, p), p),
			 -KMM_EINVAL);
	/* unmap follows the area rules */
	assert_int_equal(kmm_physmem_area_unmap(area, 1, p), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_unmap(area, 0, 0), -KMM_EINVAL);
	assert_int_equal(kmm_physmem_area_unmap(area, 2 * p, 3 * p), -KMM_EINVAL);
	/* the exact edges are fine */
	assert_int_equal(kmm_physmem_area_map(area, 0, 4 * p, 4 * p), 0);
	assert_int_equal(kmm_physmem_area_unmap(area, 0, 4 * p), 0);

	kmm_physmem_area_destroy(area);
	kmm_physmem_destroy(pm);
}

struct chained {
	int lines;
	int bugs;
	char last[128];
};

static void chained_log_line(void *opaque, const char *line)
{
	struct chained *c = opaque;

	c->lines++;
	kmm_strlcpy(c->last, line, sizeof(c->last));
}

static void chained_bug(void *opaque, const char *func, const char *what)
{
	((struct chained *)opaque)->bugs++;
}

/*
 * Expect fill_env to route the address hooks to the physmem while the
 * embedder's log and bug hooks keep receiving the embedder's opaque, also
 * after a second fill_env.
 */
static void physmem_fill_env_chains_hooks(void **state)
{
	struct kmm_physmem *pm = physmem_new(SZ_1M);
	struct chained c = { 0 };
	struct kmm_env env = {
		.opaque = &c,
		.log_line = chained_log_line,
		.bug = chained_bug,
	};
	void *va;

	kmm_physmem_fill_env(pm, &env);
	kmm_physmem_fill_env(pm, &env);
	va = env.phys_to_virt(env.opaque, 0x1000);
	assert_ptr_equal(va, kmm_physmem_phys_to_virt(pm, 0x1000));
	assert_int_equal(env.virt_to_phys(env.opaque, va), 0x1000);
	assert_null(env.phys_to_virt(env.opaque, SZ_1M));

	kmm_printk(&env, "hello %d", 42);
	assert_int_equal(c.lines, 1);
	assert_string_equal(c.last, "hello 42");
	kmm_bug(&env, "f", "x");
	assert_int_equal(c.bugs, 1);
	assert_int_equal(c.lines, 2);
	assert_string_equal(c.last, "kmm: BUG: f: x");

	/* without log/bug hooks there is nothing to chain to */
	memset(&env, 0, sizeof(env));
	kmm_physmem_fill_env(pm, &env);
	assert_null(env.log_line);
	assert_null(env.bug);
	kmm_printk(&env, "dropped");
	kmm_physmem_destroy(pm);
}

/*
 * Expect the test helper's environment to record log lines and BUGs and to
 * translate addresses through its physmem.
 */
static void physmem_test_env_helper(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(4 * SZ_1M);
	void *va;

	assert_non_null(t->physmem);
	va = t->env.phys_to_virt(t->env.opaque, 0x2000);
	assert_non_null(va);
	assert_int_equal(t->env.virt_to_phys(t->env.opaque, va), 0x2000);
	assert_null(t->env.phys_to_virt(t->env.opaque, 4 * SZ_1M));

	kmm_printk(&t->env, "a\nb");
	kmm_bug(&t->env, "fn", "x > 0");
	assert_int_equal(t->nr_bugs, 1);
	assert_int_equal(t->nr_lines, 4);
	assert_int_equal(kmm_test_find_line(t, 0, "b"), 1);
	assert_int_equal(kmm_test_find_line(t, 0, "kmm: BUG: fn: x > 0"), 2);
	assert_int_equal(kmm_test_find_line(t, 0, "BUG: fn: x > 0"), 3);
	assert_int_equal(kmm_test_find_line(t, 2, "a"), -1);
	assert_string_equal(kmm_test_log_text(t),
			    "  [0] a\n  [1] b\n  [2] kmm: BUG: fn: x > 0\n  [3] BUG: fn: x > 0\n");
	kmm_test_env_clear_log(t);
	assert_int_equal(t->nr_lines, 0);
	kmm_test_env_free(t);

	t = kmm_test_env_new(0);
	assert_null(t->physmem);
	assert_null(t->env.phys_to_virt(t->env.opaque, 0));
	assert_int_equal(t->env.virt_to_phys(t->env.opaque, &t), KMM_PHYS_ADDR_MAX);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(physmem_create_destroy),
		cmocka_unit_test(physmem_create_rounds_up),
		cmocka_unit_test(physmem_create_bad_size),
		cmocka_unit_test(physmem_create_host_refuses),
		cmocka_unit_test(physmem_direct_map_round_trip),
		cmocka_unit_test(physmem_resident_counts_touched_pages),
		cmocka_unit_test(physmem_terabyte_machine),
		cmocka_unit_test(physmem_area_shares_pages),
		cmocka_unit_test(physmem_area_maps_high_memory),
		cmocka_unit_test(physmem_area_bad_ranges),
		cmocka_unit_test(physmem_fill_env_chains_hooks),
		cmocka_unit_test(physmem_test_env_helper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
