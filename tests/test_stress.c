// SPDX-License-Identifier: MIT
/*
 * test_stress.c - the seeded stress driver (src/core/stress.c): small
 * bounded runs on a booted machine, one and two threads, the final line's
 * format, determinism, the effect of page_group_by_mobility_disabled on
 * the unusable free space index, the contig hook, and every refused
 * configuration.
 *
 * The machine is a QEMU pc built by kmm/bigmachine.h, src/port/hosted/bigmachine.c (128 MiB,
 * 2 CPUs, zones DMA and DMA32) booted through setup_arch() and
 * start_kernel()'s memory path with the Debian kernel's System.map and
 * .config, so the zones, watermarks and per-CPU list limits are Linux's.
 * The Debian amd64 kernel has no CONFIG_CMA, so the CMA tests boot QEMU's
 * arm64 virt board with 1 GiB (tests/fixtures/dt/virt-1G.dtb, whose
 * kernel declares the default 64 MiB CMA area) with a second CPU added to
 * the tree.
 *
 * Movable pages and migration: the built-in contig hooks' runs migrate the
 * workload's movable pages while their owners use them (TSan runs these),
 * and a direct race test has one thread compact and alloc_contig_range()
 * the pageblocks where another thread's movable pages live while that
 * thread allocates, checks and frees them.  The CLI's --contig option is
 * run through the kmm binary.
 */
#include <libfdt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <kmm/bigmachine.h>
#include "helpers/kmm_test.h"

#include <kmm/cma.h>
#include <kmm/compaction.h>
#include <kmm/error.h>
#include <kmm/fdt.h>
#include <kmm/hosted_cpu.h>
#include <kmm/hosted_kswapd.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/page_alloc.h>
#include <kmm/start_kernel.h>
#include <kmm/stress.h>
#include <kmm/vmscan.h>
#include <kmm/vmstat.h>

#define MACHINE_RAM (128ULL << 20)

/*
 * The TSan build runs this file for its threaded paths (ctest -L threads);
 * the single-thread workload tests, which Debug and ASan already run, are
 * skipped there to keep that job short.
 */
#if defined(__SANITIZE_THREAD__)
#define SKIP_UNDER_TSAN() skip()
#else
#define SKIP_UNDER_TSAN() \
	do {              \
	} while (0)
#endif
#define MACHINE_CPUS 2u
#define MACHINE_PHYS (4ULL << 30)

struct booted {
	struct kmm_test_env *t;
	struct kmm_machine *m;
	struct kmm_dt *dt; /* arm64: the tree the machine keeps pointing at */
	void *blob;
};

struct run {
	struct kmm_stress *s;
	void *buf;
	char err[256];
};

/* a 128 MiB pc with @cpus CPUs booted to the end of start_kernel()'s memory path */
static void boot_cpus(struct booted *b, bool cpu_hooks, unsigned int cpus)
{
	struct kmm_bigmachine spec = { .ram = MACHINE_RAM, .nr_cpus = cpus };
	struct kmm_bigmachine_layout l;
	char *dmesg = NULL, *map, *cfg, err[512] = "";
	struct kmm_machine *m;

	memset(b, 0, sizeof(*b));
	assert_int_equal(kmm_bigmachine_layout(&spec, &l, err, sizeof(err)), 0);
	assert_true(l.low_ram + l.high_ram <= MACHINE_PHYS);
	assert_int_equal(kmm_bigmachine_dmesg(&spec, &dmesg, err, sizeof(err)), 0);
	map = kmm_test_read_fixture("oracle", "x86_64.System.map");
	cfg = kmm_test_read_fixture("oracle", "x86_64.config");
	/*
	 * Back only the RAM and what sits below 4 GiB, not phys_end: the HT
	 * window's reservation ends at 1 TiB, and a 1 TiB mapping does not
	 * always fit beside TSan's shadow memory.
	 */
	b->t = kmm_test_env_new(MACHINE_PHYS);
	if (cpu_hooks)
		kmm_hosted_cpu_fill_env(&b->t->env);
	b->m = m = calloc(1, sizeof(*m));
	assert_non_null(m);
	kmm_machine_init(m, KMM_ARCH_X86_64, &b->t->env);
	if (kmm_test_boot_x86(m, dmesg, NULL, map, cfg, err, sizeof(err)))
		fail_msg("boot failed: %s", err);
	assert_int_equal(kmm_num_online_cpus(m), cpus);
	free(dmesg);
	free(map);
	free(cfg);
	kmm_test_env_clear_log(b->t);
}

/* the 2-CPU pc */
static void boot(struct booted *b, bool cpu_hooks)
{
	boot_cpus(b, cpu_hooks, MACHINE_CPUS);
}

#define ARM64_BLOB_SIZE (1 << 20)
#define ARM64_DTB_ADDR 0x48200000ULL
#define ARM64_KERNEL_LOAD 0x40200000ULL
#define ARM64_PHYS (2ULL << 30)
#define ARM64_CMDLINE "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init nokaslr panic=-1"

/*
 * QEMU virt, 1 GiB at 0x40000000, booted to the end with the Debian arm64
 * kernel: one zone (DMA), the default 64 MiB CMA area activated.  QEMU was
 * run with one CPU; a second /cpus node (MPIDR 1) makes it two.
 */
static void boot_arm64(struct booted *b)
{
	char *orig = kmm_test_read_fixture("dt", "virt-1G.dtb");
	char *map = kmm_test_read_fixture("oracle", "arm64-System.map");
	char err[512] = "";
	struct kmm_machine *m;
	int cpus, cpu1;

	memset(b, 0, sizeof(*b));
	b->blob = aligned_alloc(8, ARM64_BLOB_SIZE);
	b->dt = malloc(sizeof(*b->dt));
	b->m = m = calloc(1, sizeof(*m));
	assert_true(b->blob && b->dt && m);
	assert_int_equal(fdt_open_into(orig, b->blob, ARM64_BLOB_SIZE), 0);
	cpus = fdt_path_offset(b->blob, "/cpus");
	assert_true(cpus >= 0);
	cpu1 = fdt_add_subnode(b->blob, cpus, "cpu@1");
	assert_true(cpu1 >= 0);
	assert_int_equal(fdt_setprop_u32(b->blob, cpu1, "reg", 1), 0);
	assert_int_equal(fdt_setprop_string(b->blob, cpu1, "compatible", "arm,cortex-a57"), 0);
	assert_int_equal(fdt_setprop_string(b->blob, cpu1, "device_type", "cpu"), 0);
	b->t = kmm_test_env_new(ARM64_PHYS);
	kmm_hosted_cpu_fill_env(&b->t->env);
	kmm_machine_init(m, KMM_ARCH_ARM64, &b->t->env);
	assert_int_equal(kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)), 0);
	assert_int_equal(kmm_fdt_read(b->dt, b->blob, ARM64_BLOB_SIZE, err, sizeof(err)), 0);
	b->dt->blob_phys = ARM64_DTB_ADDR;
	assert_int_equal(kmm_cmdline_parse(&m->cmdline, ARM64_CMDLINE, err, sizeof(err)), 0);
	if (kmm_arm64_setup_arch(m, b->dt, ARM64_KERNEL_LOAD, err, sizeof(err)) ||
	    kmm_start_kernel_early(m, err, sizeof(err)) || kmm_start_kernel_mm(m, err, sizeof(err)))
		fail_msg("arm64 boot failed: %s", err);
	assert_int_equal(kmm_num_online_cpus(m), 2);
	assert_true(kmm_stress_machine_has_cma(m));
	free(orig);
	free(map);
	kmm_test_env_clear_log(b->t);
}

static void unboot(struct booted *b)
{
	assert_int_equal(b->t->nr_bugs, 0);
	free(b->m);
	free(b->dt);
	free(b->blob);
	kmm_test_env_free(b->t);
}

/* kmm_stress_init() with a buffer of the size asked for */
static int run_init(struct run *r, struct kmm_machine *m, const struct kmm_stress_config *cfg)
{
	size_t size = kmm_stress_buffer_size(m, cfg);
	int ret;

	r->s = calloc(1, sizeof(*r->s));
	r->buf = malloc(size ? size : 8);
	assert_non_null(r->s);
	assert_non_null(r->buf);
	ret = kmm_stress_init(r->s, m, cfg, r->buf, size, r->err, sizeof(r->err));
	return ret;
}

struct worker_arg {
	struct kmm_stress *s;
	unsigned int thread;
};

static void *worker_main(void *p)
{
	struct worker_arg *a = p;

	kmm_stress_worker(a->s, a->thread);
	return NULL;
}

/* run the workers on cfg.threads host threads (thread 0 on this one) */
static void run_workers(struct run *r)
{
	unsigned int n = r->s->cfg.threads;
	pthread_t th[KMM_STRESS_MAX_THREADS];
	struct worker_arg a[KMM_STRESS_MAX_THREADS];

	for (unsigned int t = 1; t < n; t++) {
		a[t] = (struct worker_arg){ r->s, t };
		assert_int_equal(pthread_create(&th[t], NULL, worker_main, &a[t]), 0);
	}
	kmm_stress_worker(r->s, 0);
	for (unsigned int t = 1; t < n; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
}

static void run_free(struct run *r)
{
	free(r->buf);
	free(r->s);
}

/* boot, run @cfg to the end, keep the result in *@out */
static void boot_and_run(const struct kmm_stress_config *cfg, struct kmm_stress_result *out)
{
	struct booted b;
	struct run r;

	boot(&b, true);
	assert_int_equal(run_init(&r, b.m, cfg), 0);
	run_workers(&r);
	*out = *kmm_stress_result_get(r.s);
	if (!out->validate_ok)
		fail_msg("stress failed: %s", out->first_error);
	run_free(&r);
	unboot(&b);
}

/* ------------------------------------------------------------------ the index */

/*
 * Linux's unusable_free_index(): (free - suitable << order) / free in
 * thousandths, 1000 when nothing is free.  1000 free pages of which one
 * order-9 block (512 pages) is usable: 488 unusable.
 */
static void unusable_index_is_linux_formula(void **state)
{
	(void)state;
	assert_int_equal(kmm_unusable_free_index(9, 0, 0), 1000);
	assert_int_equal(kmm_unusable_free_index(9, 1000, 1), 488);
	assert_int_equal(kmm_unusable_free_index(9, 512, 1), 0);
	assert_int_equal(kmm_unusable_free_index(9, 511, 0), 1000);
	assert_int_equal(kmm_unusable_free_index(9, 3000, 4), 317); /* 952 * 1000 / 3000 = 317.3 */
	assert_int_equal(kmm_unusable_free_index(0, 7, 7), 0);
}

/* ------------------------------------------------------------------ runs */

/*
 * One thread, 20000 ops, validation every 5000: four rounds (three
 * validations, then validation and the peak) and the final validation.
 * Expect validate=ok, no leak, every op counted, the per-CPU lists empty
 * afterwards and the allocator valid.
 */
static void one_thread_runs_clean(void **state)
{
	const struct kmm_stress_config cfg = { .ops = 20000, .threads = 1, .seed = 1,
					       .validate_every = 5000 };
	const struct kmm_stress_result *res;
	struct booted b;
	struct run r;

	(void)state;
	boot(&b, true);
	assert_int_equal(run_init(&r, b.m, &cfg), 0);
	run_workers(&r);
	res = kmm_stress_result_get(r.s);
	assert_true(res->validate_ok);
	assert_int_equal(res->nr_errors, 0);
	assert_int_equal(res->ops, 20000);
	assert_int_equal(res->validations, 5);
	assert_int_equal(res->leaked_pages, 0);
	assert_int_equal(res->free_after, res->free_before);
	assert_int_equal(res->free_before, kmm_nr_free_pages(b.m));
	assert_true(res->allocs > 5000);
	assert_true(res->frees >= res->allocs - res->alloc_failures);
	assert_true(res->peak_free_pages < res->free_before); /* the peak held memory */
	assert_true(res->unusable_index <= 1000);
	assert_int_equal(res->handoffs, 0); /* nobody to hand to */
	assert_true(kmm_page_alloc_validate(b.m));
	assert_int_equal(kmm_nr_bad_pages(b.m), 0);
	assert_false(b.m->zonelists.mobility_disabled);
	run_free(&r);
	unboot(&b);
}

/*
 * Two threads bound to CPUs 0 and 1, 20000 ops, validation every 2000 with
 * both paused at the barrier.  Expect validate=ok, no leak, and frees
 * handed from one CPU to the other.
 */
static void two_threads_free_across_cpus(void **state)
{
	const struct kmm_stress_config cfg = { .ops = 20000, .threads = 2, .seed = 7,
					       .validate_every = 2000 };
	struct kmm_stress_result res;

	(void)state;
	boot_and_run(&cfg, &res);
	assert_true(res.validate_ok);
	assert_int_equal(res.ops, 20000);
	assert_int_equal(res.leaked_pages, 0);
	assert_int_equal(res.validations, 11);
	assert_true(res.handoffs > 0);
	/* no shrinker asked for: nothing of the workload's is reclaimed */
	assert_int_equal(res.reclaim_scans, 0);
	assert_int_equal(res.reclaim_blocks, 0);
	assert_int_equal(res.reclaim_gone, 0);
}

/*
 * The final line, exactly: ops, threads, seconds with two decimals (1234 ms
 * -> 1.23), validate, leaked_pages and the index as debugfs prints it.
 */
static void final_line_format(void **state)
{
	const struct kmm_stress_config cfg = { .ops = 2000, .threads = 1, .seed = 3 };
	const struct kmm_stress_result *res;
	char line[256], want[256];
	struct booted b;
	struct run r;

	(void)state;
	boot(&b, true);
	assert_int_equal(run_init(&r, b.m, &cfg), 0);
	run_workers(&r);
	res = kmm_stress_result_get(r.s);
	kmm_stress_format_line(r.s, 1234, line, sizeof(line));
	snprintf(want, sizeof(want),
		 "stress: ops=2000 threads=1 seconds=1.23 validate=ok leaked_pages=0 "
		 "unusable_index_order9=%u.%03u",
		 res->unusable_index / 1000, res->unusable_index % 1000);
	assert_string_equal(line, want);
	kmm_stress_format_line(r.s, 61005, line, sizeof(line));
	assert_non_null(strstr(line, " seconds=61.01 "));
	r.s->result.validate_ok = false; /* as after an error */
	r.s->result.unusable_index = 1000;
	kmm_stress_format_line(r.s, 0, line, sizeof(line));
	assert_string_equal(line, "stress: ops=2000 threads=1 seconds=0.00 validate=FAILED "
				  "leaked_pages=0 unusable_index_order9=1.000");
	run_free(&r);
	unboot(&b);
}

/*
 * One thread, the same seed, two fresh machines: expect the same ops, the
 * same counters and the same free lists at the peak (fingerprint); another
 * seed gives other free lists.
 */
static void one_thread_is_deterministic(void **state)
{
	struct kmm_stress_config cfg = { .ops = 8000, .threads = 1, .seed = 42,
					 .validate_every = 4000 };
	struct kmm_stress_result a, b, c;

	(void)state;
	SKIP_UNDER_TSAN();
	boot_and_run(&cfg, &a);
	boot_and_run(&cfg, &b);
	cfg.seed = 43;
	boot_and_run(&cfg, &c);
	assert_int_equal(a.allocs, b.allocs);
	assert_int_equal(a.alloc_failures, b.alloc_failures);
	assert_int_equal(a.frees, b.frees);
	assert_int_equal(a.peak_free_pages, b.peak_free_pages);
	assert_memory_equal(a.peak_nr_free, b.peak_nr_free, sizeof(a.peak_nr_free));
	assert_int_equal(a.unusable_index, b.unusable_index);
	assert_true(a.peak_fingerprint == b.peak_fingerprint);
	assert_true(a.peak_fingerprint != c.peak_fingerprint);
}

/*
 * The same seed and workload with mobility grouping on and off.  The
 * long-lived kernel allocations pin pageblocks: grouped, they share a few
 * unmovable pageblocks; ungrouped, they land wherever the buddy allocator
 * splits, among the movable churn.  Expect a higher (worse) unusable index
 * for order 9 at the peak without grouping, for each of two seeds (the
 * runs are deterministic; seeds 1..8 all show it, by 47 to 233 thousandths).
 */
static void no_mobility_fragments_more(void **state)
{
	(void)state;
	SKIP_UNDER_TSAN();
	for (u64 seed = 1; seed <= 2; seed++) {
		struct kmm_stress_config cfg = { .ops = 15000, .threads = 1, .seed = seed };
		struct kmm_stress_result grouped, ungrouped;

		boot_and_run(&cfg, &grouped);
		cfg.no_mobility = true;
		boot_and_run(&cfg, &ungrouped);
		print_message("seed %llu: unusable index order 9: grouped %u, ungrouped %u\n",
			      (unsigned long long)seed, grouped.unusable_index,
			      ungrouped.unusable_index);
		assert_true(ungrouped.unusable_index > grouped.unusable_index);
	}
}

/* ------------------------------------------------------------------ contig hook */

struct fake_contig {
	unsigned long allocs, frees, pages_out;
	int free_ret;
};

/* stands in for alloc_contig_range: the smallest order that covers @nr, tail given back */
static int fake_contig_alloc(void *ctx, struct kmm_machine *m, unsigned long nr,
			     unsigned long *pfn)
{
	struct fake_contig *c = ctx;
	unsigned int order = 0;
	int ret;

	while ((1ul << order) < nr)
		order++;
	ret = kmm_alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, order, pfn);
	if (ret)
		return ret;
	assert_int_equal(kmm_split_page(m, *pfn, order), 0);
	for (unsigned long i = nr; i < (1ul << order); i++)
		assert_int_equal(kmm___free_pages(m, *pfn + i, 0), 0);
	c->allocs++;
	c->pages_out += nr;
	return 0;
}

static int fake_contig_free(void *ctx, struct kmm_machine *m, unsigned long pfn,
			    unsigned long nr)
{
	struct fake_contig *c = ctx;

	for (unsigned long i = 0; i < nr; i++)
		assert_int_equal(kmm___free_pages(m, pfn + i, 0), 0);
	c->frees++;
	c->pages_out -= nr;
	return c->free_ret;
}

/*
 * A contig hook: expect the driver to ask for runs through it and give
 * every run back (none out at the end), still with no leak.
 */
static void contig_hook_is_used_and_balanced(void **state)
{
	struct fake_contig fc = { 0 };
	struct kmm_stress_config cfg = { .ops = 6000, .threads = 1, .seed = 5,
					 .contig = { fake_contig_alloc, fake_contig_free, &fc } };
	struct kmm_stress_result res;

	(void)state;
	SKIP_UNDER_TSAN();
	boot_and_run(&cfg, &res);
	assert_true(fc.allocs > 0);
	assert_int_equal(fc.frees, fc.allocs);
	assert_int_equal(fc.pages_out, 0);
	assert_int_equal(res.leaked_pages, 0);
}

/*
 * A free that fails (here the hook's): expect the run to finish anyway,
 * validate=FAILED, and the first error named.
 */
static void failed_free_fails_the_run(void **state)
{
	struct fake_contig fc = { .free_ret = -KMM_EFAULT };
	struct kmm_stress_config cfg = { .ops = 6000, .threads = 1, .seed = 5,
					 .contig = { fake_contig_alloc, fake_contig_free, &fc } };
	const struct kmm_stress_result *res;
	char line[256];
	struct booted b;
	struct run r;

	(void)state;
	SKIP_UNDER_TSAN();
	boot(&b, true);
	assert_int_equal(run_init(&r, b.m, &cfg), 0);
	run_workers(&r);
	res = kmm_stress_result_get(r.s);
	assert_false(res->validate_ok);
	assert_true(res->nr_errors >= 1);
	assert_true(strstr(res->first_error, ": error -10") != NULL);
	assert_int_equal(strncmp(res->first_error, "free of pfn 0x", 14), 0);
	assert_int_equal(res->leaked_pages, 0); /* the pages did go back */
	kmm_stress_format_line(r.s, 0, line, sizeof(line));
	assert_non_null(strstr(line, " validate=FAILED "));
	run_free(&r);
	unboot(&b);
}

/* ------------------------------------------------------------------ reclaim */

/*
 * What every run of the workload must end with: validate=ok, no error, no
 * page lost, the allocator valid and no bad page.  Prints the run's contig
 * and reclaim counters under @tag.
 */
static void expect_clean_run(struct booted *b, const struct kmm_stress_result *res,
			     const char *tag)
{
	print_message("%s: contig ok %llu busy %llu nomem %llu pages %llu; movable %llu migrated "
		      "%llu; reclaimed %llu blocks %llu pages in %llu scans; kswapd passes %llu, "
		      "pgsteal kswapd %llu direct %llu\n",
		      tag, (unsigned long long)res->contig_ok, (unsigned long long)res->contig_busy,
		      (unsigned long long)res->contig_nomem, (unsigned long long)res->contig_pages,
		      (unsigned long long)res->movable_pages, (unsigned long long)res->migrated,
		      (unsigned long long)res->reclaim_blocks, (unsigned long long)res->reclaim_pages,
		      (unsigned long long)res->reclaim_scans, (unsigned long long)res->kswapd_wakes,
		      (unsigned long long)res->pgsteal_kswapd, (unsigned long long)res->pgsteal_direct);
	if (!res->validate_ok)
		fail_msg("%s: stress failed: %s", tag, res->first_error);
	assert_int_equal(res->nr_errors, 0);
	assert_int_equal(res->leaked_pages, 0);
	assert_true(kmm_page_alloc_validate(b->m));
	assert_int_equal(kmm_nr_bad_pages(b->m), 0);
}

/*
 * Two threads on the 128 MiB pc keeping 95% of the free memory allocated
 * (with the range hook's runs on top), the run's shrinker over their
 * reclaimable blocks, kswapd's passes in the workers (the synchronous
 * model).  The fallbacks boost the zone's watermarks and the free pages
 * sink toward them, so kswapd's passes (and direct reclaim) run on either
 * worker and free blocks the other one (or the same one) is using and
 * freeing.  Expect:
 * blocks reclaimed, each one found gone by its owner later (as many as
 * were reclaimed), every page reclaim freed counted as reclaim's progress
 * (pgsteal_kswapd + pgsteal_direct), validate=ok, no leak, no bad page,
 * and the shrinker unregistered at the end (registering it again works).
 */
static void two_threads_shrinker_reclaims(void **state)
{
	struct kmm_stress_config cfg = { .ops = 12000, .threads = 2, .seed = 5,
					 .validate_every = 4000, .fill_percent = 95, .shrinker = true };
	struct kmm_stress_contig *ctx = calloc(1, sizeof(*ctx));
	struct kmm_stress_result res;
	char err[256];
	struct booted b;
	struct run r;

	(void)state;
	assert_non_null(ctx);
	boot(&b, true);
	assert_int_equal(kmm_stress_contig_range_hook(b.m, cfg.seed, ctx, &cfg.contig, err,
						      sizeof(err)),
			 0);
	assert_int_equal(run_init(&r, b.m, &cfg), 0);
	run_workers(&r);
	res = *kmm_stress_result_get(r.s);
	expect_clean_run(&b, &res, "shrinker");
	assert_true(res.reclaim_blocks > 0);
	assert_true(res.reclaim_scans > 0);
	assert_true(res.reclaim_pages >= res.reclaim_blocks);
	assert_true(res.reclaim_pages <= 4 * res.reclaim_blocks); /* orders 0..2 */
	assert_int_equal(res.reclaim_gone, res.reclaim_blocks);
	assert_int_equal(res.pgsteal_kswapd + res.pgsteal_direct, res.reclaim_pages);
	assert_true(res.frees + res.reclaim_blocks >= res.allocs - res.alloc_failures);
	assert_int_equal(kmm_register_shrinker(b.m, &r.s->shrinker), 0);
	assert_int_equal(kmm_unregister_shrinker(b.m, &r.s->shrinker), 0);
	run_free(&r);
	free(ctx);
	unboot(&b);
}

/*
 * The same on a 3-CPU pc with a host kswapd thread on CPU 2 (the workers
 * use CPUs 0 and 1), started before the run and stopped after it.  The
 * allocating workers never run kswapd's passes now: the thread does, on
 * its own CPU, reclaiming the workers' blocks while they use them.
 * Expect kswapd passes that freed pages (pgsteal_kswapd), blocks
 * reclaimed and each found gone by its owner, validate=ok, no leak, no
 * bad page, and kswapd idle after the run.
 */
static void two_threads_with_kswapd_thread(void **state)
{
	struct kmm_stress_config cfg = { .ops = 12000, .threads = 2, .seed = 5,
					 .validate_every = 4000, .fill_percent = 95, .shrinker = true };
	struct kmm_stress_contig *ctx = calloc(1, sizeof(*ctx));
	struct kmm_stress_result res;
	char err[256];
	struct booted b;
	struct run r;

	(void)state;
	assert_non_null(ctx);
	boot_cpus(&b, true, 3);
	assert_int_equal(kmm_stress_contig_range_hook(b.m, cfg.seed, ctx, &cfg.contig, err,
						      sizeof(err)),
			 0);
	assert_int_equal(kmm_hosted_kswapd_start(b.m, err, sizeof(err)), 0);
	assert_int_equal(run_init(&r, b.m, &cfg), 0);
	run_workers(&r);
	assert_true(kmm_kswapd_idle(b.m)); /* the final step waited for it */
	assert_int_equal(kmm_hosted_kswapd_stop(b.m), 0);
	res = *kmm_stress_result_get(r.s);
	expect_clean_run(&b, &res, "kswapd");
	assert_true(res.kswapd_wakes > 0);
	assert_int_equal(res.kswapd_wakes, kmm_vm_event_count(b.m, KMM_KSWAPD_WAKE));
	assert_true(res.pgsteal_kswapd > 0);
	assert_true(res.reclaim_blocks > 0);
	assert_int_equal(res.reclaim_gone, res.reclaim_blocks);
	assert_int_equal(res.pgsteal_kswapd + res.pgsteal_direct, res.reclaim_pages);
	run_free(&r);
	free(ctx);
	unboot(&b);
}

static unsigned long no_objects(struct kmm_machine *m, struct kmm_shrinker *s,
				struct kmm_shrink_control *sc)
{
	(void)m;
	(void)s;
	(void)sc;
	return 0;
}

/*
 * With every shrinker slot of the machine taken, a run that asks for its
 * shrinker is refused with the registration's error and its message.
 */
static void shrinker_table_full_is_refused(void **state)
{
	static struct kmm_shrinker other[KMM_MAX_SHRINKERS];
	const struct kmm_stress_config cfg = { .ops = 10, .threads = 1, .shrinker = true };
	char want[128];
	struct booted b;
	struct run r;

	(void)state;
	boot(&b, true);
	for (unsigned int i = 0; i < KMM_MAX_SHRINKERS; i++) {
		other[i] = (struct kmm_shrinker){ .count_objects = no_objects,
						  .scan_objects = no_objects };
		assert_int_equal(kmm_register_shrinker(b.m, &other[i]), 0);
	}
	assert_int_equal(run_init(&r, b.m, &cfg), -KMM_EOVERFLOW);
	snprintf(want, sizeof(want), "cannot register the shrinker: error %d", -KMM_EOVERFLOW);
	assert_string_equal(r.err, want);
	assert_false(b.m->zonelists.mobility_disabled);
	run_free(&r);
	unboot(&b);
}

/* ------------------------------------------------------------------ built-in contig hooks */

/* run @cfg on the booted @b to the end; the result in *@out */
static void run_on(struct booted *b, const struct kmm_stress_config *cfg,
		   struct kmm_stress_result *out)
{
	struct run r;

	assert_int_equal(run_init(&r, b->m, cfg), 0);
	run_workers(&r);
	*out = *kmm_stress_result_get(r.s);
	if (!out->validate_ok)
		fail_msg("stress failed: %s", out->first_error);
	run_free(&r);
}

/*
 * Two threads on the 128 MiB pc with the range hook: runs of 1..512 pages
 * by alloc_contig_range() at random aligned places of ZONE_DMA32 (the pc
 * has no Normal zone), while both threads hold movable pages there.
 * Expect validate=ok, no leak, successful runs, "PFNs busy" ones counted
 * (not errors), and movable pages of the workload migrated out of the way.
 */
static void two_threads_range_hook_migrates(void **state)
{
	struct kmm_stress_config cfg = { .ops = 12000, .threads = 2, .seed = 11,
					 .validate_every = 4000 };
	struct kmm_stress_contig *ctx = calloc(1, sizeof(*ctx));
	struct kmm_stress_result res;
	char err[256];
	struct booted b;

	(void)state;
	assert_non_null(ctx);
	boot(&b, true);
	assert_int_equal(kmm_stress_contig_range_hook(b.m, cfg.seed, ctx, &cfg.contig, err,
						      sizeof(err)),
			 0);
	assert_int_equal(ctx->nr, 1); /* DMA32 only */
	run_on(&b, &cfg, &res);
	expect_clean_run(&b, &res, "range");
	assert_true(res.contig_ok > 0);
	assert_true(res.contig_pages >= res.contig_ok);
	assert_true(res.contig_busy > 0);
	assert_int_equal(res.contig_nomem, 0);
	assert_true(res.movable_pages > 0);
	assert_true(res.migrated > 0);
	free(ctx);
	unboot(&b);
}

/*
 * Two threads on the arm64 virt board with the CMA hook: cma_alloc() of
 * 1..512 pages from the default 64 MiB area, whose MIGRATE_CMA pageblocks
 * the movable allocations also use.  Expect validate=ok, no leak, CMA
 * allocations that succeeded, the workload's movable pages migrated out of
 * the area, and nothing left allocated in it at the end.
 */
static void two_threads_cma_hook_migrates(void **state)
{
	struct kmm_stress_config cfg = { .ops = 8000, .threads = 2, .seed = 3,
					 .validate_every = 4000 };
	struct kmm_stress_contig *ctx = calloc(1, sizeof(*ctx));
	struct kmm_stress_result res;
	char err[256];
	struct booted b;

	(void)state;
	assert_non_null(ctx);
	boot_arm64(&b);
	assert_int_equal(kmm_stress_cma_hook(b.m, ctx, &cfg.contig, err, sizeof(err)), 0);
	assert_int_equal(ctx->nr, 1);
	run_on(&b, &cfg, &res);
	expect_clean_run(&b, &res, "cma");
	assert_true(res.contig_ok > 0);
	assert_true(res.movable_pages > 0);
	assert_true(res.migrated > 0);
	assert_int_equal(kmm_cma_allocated(b.m, ctx->area[0]), 0);
	free(ctx);
	unboot(&b);
}

/*
 * The hooks refuse machines they cannot work on: the amd64 kernel has no
 * CONFIG_CMA; a machine without zonelists has no zone to pick ranges from.
 */
static void contig_hooks_refuse_unusable_machines(void **state)
{
	struct kmm_stress_contig *ctx = calloc(1, sizeof(*ctx));
	struct kmm_stress_contig_hook hook = { 0 };
	struct kmm_test_env *t = kmm_test_env_new(0);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	char err[256];
	struct booted b;

	(void)state;
	assert_true(ctx && m);
	boot(&b, true);
	assert_false(kmm_stress_machine_has_cma(b.m));
	assert_int_equal(kmm_stress_cma_hook(b.m, ctx, &hook, err, sizeof(err)), -KMM_ENOTSUP);
	assert_string_equal(err, "the kernel is built without CONFIG_CMA");
	assert_null(hook.alloc);
	unboot(&b);
	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(kmm_stress_contig_range_hook(m, 1, ctx, &hook, err, sizeof(err)),
			 -KMM_EINVAL);
	assert_string_equal(err, "no Normal, HighMem, Movable or DMA32 zone with a whole "
				 "pageblock to allocate ranges from");
	assert_null(hook.alloc);
	free(m);
	kmm_test_env_free(t);
	free(ctx);
}

/* ------------------------------------------------------------------ migration races */

#define RACE_SLOTS 512
#define RACE_STEPS 30000
#define RACE_TAG 0x5241434531000000ULL
#define RACE_FREE (1ULL << 63)
#define RACE_BLOCKS (MACHINE_RAM / KMM_PAGE_SIZE / KMM_PAGEBLOCK_NR_PAGES)
#define RACE_BALLAST 32768

/*
 * The owner side of the race test: its movable pages' slots (a callback
 * compare-and-swaps a slot from the old to the new pfn; the owner
 * exchanges it away before it touches the page) and the pfn each page was
 * allocated at, which keys the tag in its first bytes.
 */
struct race {
	struct kmm_machine *m;
	_Atomic u64 slot[RACE_SLOTS];
	u64 key[RACE_SLOTS];             /* owner only: the allocation pfn, the tag's key */
	u64 at[RACE_SLOTS];              /* owner only: the pfn when it last registered it */
	atomic_ulong hint;               /* a pfn the owner holds, for the migrator */
	atomic_bool stop;
	atomic_ulong migrated;
	bool clean[RACE_BLOCKS];         /* pageblocks alloc_contig_range() can take, at boot */
	unsigned long zone_pfn;          /* a pfn of the zone to compact before there is a hint */
	unsigned long tag_mismatch, errors, held_max; /* owner only */
	atomic_ulong contig_ok;          /* migrator writes, owner reads */
	unsigned long contig_busy, compactions; /* migrator only */
};

static int race_migrate(struct kmm_machine *m, void *priv, unsigned long old_pfn,
			unsigned long new_pfn)
{
	_Atomic u64 *slot = priv;
	u64 expect = old_pfn;

	(void)m;
	return atomic_compare_exchange_strong(slot, &expect, (u64)new_pfn) ? 0 : -KMM_EBUSY;
}

static const struct kmm_movable_ops race_ops = { .migrate = race_migrate };

/* take slot @i's page out of reach of migrations, check its tag: its pfn now */
static unsigned long race_detach(struct race *r, unsigned int i)
{
	u64 pfn = atomic_exchange(&r->slot[i], RACE_FREE);
	u64 *tag = kmm_pfn_to_virt(r->m, (unsigned long)pfn);

	if (kmm_clear_page_movable(r->m, (unsigned long)pfn))
		r->errors++;
	if (!tag || *tag != (RACE_TAG ^ r->key[i]))
		r->tag_mismatch++;
	if (pfn != r->at[i])
		atomic_fetch_add(&r->migrated, 1);
	return (unsigned long)pfn;
}

/* @pfn lies in a pageblock the migrator may take */
static bool race_clean_pfn(const struct race *r, unsigned long pfn)
{
	unsigned long b = pfn / KMM_PAGEBLOCK_NR_PAGES;

	return b < RACE_BLOCKS && r->clean[b];
}

/*
 * Register the page @pfn in slot @i.  A new page (@fresh) gets its tag
 * first; a touched one is registered again as it is: a migration that
 * isolated it before the owner took it out may still be copying it, so
 * the owner only reads a page it does not hold alone.
 */
static void race_attach(struct race *r, unsigned int i, unsigned long pfn, bool fresh)
{
	unsigned long block = pfn & ~(KMM_PAGEBLOCK_NR_PAGES - 1);

	if (fresh) {
		*(u64 *)kmm_pfn_to_virt(r->m, pfn) = RACE_TAG ^ pfn;
		r->key[i] = pfn;
	}
	r->at[i] = pfn;
	atomic_store(&r->slot[i], (u64)pfn);
	if (kmm_set_page_movable(r->m, pfn, &race_ops, (void *)&r->slot[i]))
		r->errors++;
	if (race_clean_pfn(r, block))
		atomic_store(&r->hint, pfn);
}

/*
 * The owner, on CPU 0: allocate movable order-0 pages into free slots,
 * "touch" held ones (detach, check the tag, re-register where they are now)
 * and free others, at random; everything freed at the end.
 */
static void *race_owner(void *p)
{
	struct race *r = p;
	u64 rng = 0x9e3779b97f4a7c15ULL;

	assert_int_equal(kmm_set_this_cpu(r->m, 0), 0);
	/*
	 * RACE_STEPS at least, then on (up to 50 times as many) until the
	 * migrator has both migrated a page and taken a pageblock: how many
	 * of its tries find the block busy depends on the scheduling.
	 */
	for (unsigned int step = 0;
	     step < RACE_STEPS || (step < 50 * RACE_STEPS && (!atomic_load(&r->contig_ok) ||
							       !atomic_load(&r->migrated)));
	     step++) {
		unsigned int i, what;
		unsigned long pfn;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		i = (unsigned int)(rng % RACE_SLOTS);
		what = (unsigned int)((rng >> 32) % 3);
		if (atomic_load(&r->slot[i]) & RACE_FREE) {
			if (kmm_alloc_pages(r->m, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, &pfn))
				continue;
			race_attach(r, i, pfn, true);
			continue;
		}
		pfn = race_detach(r, i);
		if (what == 0)
			race_attach(r, i, pfn, false); /* touched: checked, movable again */
		else if (kmm___free_pages(r->m, pfn, 0))
			r->errors++;
	}
	for (unsigned int i = 0; i < RACE_SLOTS; i++)
		if (!(atomic_load(&r->slot[i]) & RACE_FREE) &&
		    kmm___free_pages(r->m, race_detach(r, i), 0))
			r->errors++;
	atomic_store(&r->stop, true);
	return NULL;
}

/*
 * The migrator, on CPU 1, until the owner is done: alloc_contig_range()
 * of the clean pageblock holding a page the owner has just registered
 * (freed again at once), and now and then a full compaction of that page's
 * zone.  Compaction moves the owner's pages to the top of the zone, into
 * clean pageblocks, until the owner touches one there and gives a hint.
 */
static void race_migrator(struct race *r)
{
	assert_int_equal(kmm_set_this_cpu(r->m, 1), 0);
	for (unsigned int n = 0; !atomic_load(&r->stop); n++) {
		unsigned long hint = atomic_load(&r->hint);
		unsigned long block = hint & ~(KMM_PAGEBLOCK_NR_PAGES - 1);
		struct kmm_zone *z = kmm_pfn_zone(r->m, hint ? hint : r->zone_pfn);

		if (!hint || n % 16 == 15) {
			kmm_compact_zone(r->m, z, -1, GFP_KERNEL | __GFP_MOVABLE, 0, 0,
					 KMM_COMPACT_PRIO_SYNC_FULL);
			r->compactions++;
			continue;
		}
		if (kmm_alloc_contig_range(r->m, block, block + KMM_PAGEBLOCK_NR_PAGES,
					   KMM_MIGRATE_MOVABLE, GFP_KERNEL | __GFP_NOWARN)) {
			r->contig_busy++;
			continue;
		}
		atomic_fetch_add(&r->contig_ok, 1);
		assert_int_equal(kmm_free_contig_range(r->m, block, KMM_PAGEBLOCK_NR_PAGES), 0);
	}
}

/*
 * The pageblocks the migrator may take: whole in one zone (not a zone's
 * ragged end) and all free after the boot (no reserved page - the kernel,
 * the memmap, memblock allocations - and nothing the boot allocated from
 * the buddy allocator), read before the threads start, the per-CPU lists
 * drained.
 */
static void race_find_clean_blocks(struct race *r)
{
	for (unsigned long b = 0; b < RACE_BLOCKS; b++) {
		unsigned long start = b * KMM_PAGEBLOCK_NR_PAGES;
		struct kmm_zone *z = kmm_pfn_zone(r->m, start);
		bool ok = z && kmm_pfn_zone(r->m, start + KMM_PAGEBLOCK_NR_PAGES - 1) == z;

		for (unsigned long p = start; ok && p < start + KMM_PAGEBLOCK_NR_PAGES;) {
			const struct kmm_page *page = kmm_pfn_to_page(r->m, p);

			ok = page->flags & KMM_PG_BUDDY;
			p += ok ? 1ul << page->private : 1;
		}
		r->clean[b] = ok;
		if (ok)
			r->zone_pfn = start;
	}
	assert_true(r->zone_pfn != 0);
}

/*
 * Order-0 movable allocations come from the smallest free blocks first:
 * the fragments left in pageblocks with reserved pages.  Take those (into
 * @ballast, freed after the race) until a page comes from a clean
 * pageblock, and give that one back: the owner's pages then come from
 * clean pageblocks.  Returns the ballast's length.
 */
static unsigned long race_fill_ragged_blocks(struct race *r, unsigned long *ballast,
					     unsigned long cap)
{
	unsigned long n = 0, pfn;

	for (;;) {
		assert_int_equal(kmm_alloc_pages(r->m, GFP_HIGHUSER_MOVABLE, 0, &pfn), 0);
		if (race_clean_pfn(r, pfn))
			break;
		assert_true(n < cap);
		ballast[n++] = pfn;
	}
	assert_int_equal(kmm___free_pages(r->m, pfn, 0), 0);
	return n;
}

/*
 * One thread allocates, touches (tag check) and frees movable pages while
 * another keeps isolating and taking their pageblock with
 * alloc_contig_range() and compacting their zone, which migrates them
 * under the owner's feet.  Expect every tag to have come along, no refused
 * registration or free, pages migrated and whole pageblocks taken, the
 * allocator valid, no bad page and no page lost.
 */
static void compaction_races_with_owner(void **state)
{
	struct race *r = calloc(1, sizeof(*r));
	unsigned long *ballast = malloc(RACE_BALLAST * sizeof(*ballast));
	unsigned long free_before, nr_ballast;
	pthread_t owner;
	struct booted b;

	(void)state;
	assert_true(r && ballast);
	boot(&b, true);
	r->m = b.m;
	for (unsigned int i = 0; i < RACE_SLOTS; i++)
		atomic_init(&r->slot[i], RACE_FREE);
	kmm_drain_all_pages(b.m, NULL);
	free_before = kmm_nr_free_pages(b.m);
	race_find_clean_blocks(r);
	nr_ballast = race_fill_ragged_blocks(r, ballast, RACE_BALLAST);
	assert_int_equal(pthread_create(&owner, NULL, race_owner, r), 0);
	race_migrator(r);
	assert_int_equal(pthread_join(owner, NULL), 0);
	print_message("race: migrated %lu, contig ok %lu busy %lu, compactions %lu\n",
		      (unsigned long)atomic_load(&r->migrated), (unsigned long)atomic_load(&r->contig_ok),
		      r->contig_busy,
		      r->compactions);
	assert_int_equal(r->tag_mismatch, 0);
	assert_int_equal(r->errors, 0);
	assert_true(atomic_load(&r->migrated) > 0);
	assert_true(atomic_load(&r->contig_ok) > 0);
	assert_true(kmm_set_this_cpu(b.m, 0) == 0);
	for (unsigned long i = 0; i < nr_ballast; i++)
		assert_int_equal(kmm___free_pages(b.m, ballast[i], 0), 0);
	free(ballast);
	kmm_drain_all_pages(b.m, NULL);
	assert_int_equal(kmm_nr_free_pages(b.m), free_before);
	assert_true(kmm_page_alloc_validate(b.m));
	assert_int_equal(kmm_nr_bad_pages(b.m), 0);
	unboot(&b);
	free(r);
}

/* ------------------------------------------------------------------ the CLI */

/* run the kmm binary with @args (stderr joined to stdout): its exit status, output in @out */
static int run_kmm(const char *args, char *out, size_t len)
{
	char cmd[1024];
	size_t n = 0;
	FILE *f;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", KMM_BINARY, args);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (n + 1 < len) {
		size_t got = fread(out + n, 1, len - 1 - n, f);

		if (!got)
			break;
		n += got;
	}
	out[n] = '\0';
	status = pclose(f);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* --contig with a policy it does not know: a usage error naming the choices, exit 2 */
static void cli_contig_bad_value(void **state)
{
	static char out[4096];

	(void)state;
	assert_int_equal(run_kmm("stress --contig cmaa", out, sizeof(out)), 2);
	assert_string_equal(out,
			    "kmm stress: bad value 'cmaa' for --contig (auto, cma, range or none)\n");
	assert_int_equal(run_kmm("stress --contig", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "requires an argument"));
}

/*
 * --contig cma on the amd64 kernel is refused after the boot (exit 1);
 * range runs and reports its counters above the last line.  (Not under
 * TSan: its kmm binary cannot map the generated machine's physical space
 * beside the shadow memory; the threaded code is the library's, which the
 * tests above run in-process.)
 */
static void cli_contig_runs(void **state)
{
	static char out[16384];
	const char *last;

	(void)state;
	SKIP_UNDER_TSAN();
	assert_int_equal(run_kmm("stress --ram 128M --ops 100 --contig cma", out, sizeof(out)), 1);
	assert_non_null(
		strstr(out, "kmm stress: --contig cma: the kernel is built without CONFIG_CMA\n"));
	assert_int_equal(run_kmm("stress --ram 128M --ops 3000 --threads 1 --contig range", out,
				 sizeof(out)),
			 0);
	assert_non_null(strstr(out, "\nstress: contig range: ok="));
	last = strstr(out, "\nstress: ops=3000 threads=1 seconds=");
	assert_non_null(last);
	assert_non_null(strstr(last, " validate=ok leaked_pages=0 unusable_index_order9="));
}

/*
 * --kswapd runs kswapd as a host thread on a CPU of its own (the generated
 * pc gets one CPU more) and the reclaim line says so; --no-shrinker leaves
 * reclaim nothing of the workload's.  A given machine without a spare CPU
 * is refused after the boot (exit 1).  (Not under TSan, as above.)
 */
static void cli_kswapd_and_shrinker(void **state)
{
	static char out[16384];
	char args[1024];
	const char *last;

	(void)state;
	SKIP_UNDER_TSAN();
	assert_int_equal(run_kmm("stress --ram 128M --ops 6000 --threads 2 --fill 95 --kswapd", out,
				 sizeof(out)),
			 0);
	assert_non_null(strstr(out, ", 3 CPUs online, "));
	assert_non_null(strstr(out, "\nstress: reclaim: shrinker on, kswapd threads: reclaimed blocks="));
	last = strstr(out, "\nstress: ops=6000 threads=2 seconds=");
	assert_non_null(last);
	assert_non_null(strstr(last, " validate=ok leaked_pages=0 unusable_index_order9="));
	assert_int_equal(run_kmm("stress --ram 128M --ops 3000 --threads 1 --fill 95 --no-shrinker",
				 out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "\nstress: reclaim: shrinker off, kswapd in the workers: "
				    "reclaimed blocks=0 pages=0 scans=0; kswapd passes="));
	assert_non_null(strstr(out, " validate=ok leaked_pages=0 "));
	snprintf(args, sizeof(args),
		 "stress --dmesg '%s/oracle/x86_64-pc-2G.dmesg' --system-map "
		 "'%s/oracle/x86_64.System.map' --kernel-config '%s/oracle/x86_64.config' "
		 "--threads 1 --ops 100 --kswapd",
		 KMM_FIXTURES, KMM_FIXTURES, KMM_FIXTURES);
	assert_int_equal(run_kmm(args, out, sizeof(out)), 1);
	assert_string_equal(out, "kmm stress: --kswapd needs a CPU no thread uses: the machine "
				 "has 1 online CPUs, --threads 1\n");
}

/* ------------------------------------------------------------------ bad configs */

static void expect_refused(struct kmm_machine *m, const struct kmm_stress_config *cfg,
			   const char *msg)
{
	struct run r;

	assert_int_equal(run_init(&r, m, cfg), -KMM_EINVAL);
	assert_string_equal(r.err, msg);
	run_free(&r);
}

/*
 * Every configuration kmm_stress_init() refuses, with its message; the
 * machine is left as it was (mobility grouping still on).
 */
static void bad_configs_are_refused(void **state)
{
	struct kmm_stress_config cfg = { .ops = 10, .threads = 1 };
	struct kmm_stress_contig_hook half = { .alloc = fake_contig_alloc };
	struct kmm_stress s;
	char err[256];
	struct booted b;

	(void)state;
	boot(&b, true);
	cfg.threads = 0;
	expect_refused(b.m, &cfg, "threads 0: the machine has 2 online CPUs (at most 64)");
	cfg.threads = 3;
	expect_refused(b.m, &cfg, "threads 3: the machine has 2 online CPUs (at most 64)");
	cfg.threads = 65;
	expect_refused(b.m, &cfg, "threads 65: the machine has 2 online CPUs (at most 64)");
	cfg.threads = 1;
	cfg.fill_percent = 96;
	expect_refused(b.m, &cfg, "fill_percent 96 is above 95");
	cfg.fill_percent = 0;
	cfg.contig = half;
	expect_refused(b.m, &cfg, "the contig hook needs both alloc and free");
	cfg.contig = (struct kmm_stress_contig_hook){ 0 };
	cfg.no_mobility = true;
	assert_int_equal(kmm_stress_init(&s, b.m, &cfg, NULL, 0, err, sizeof(err)), -KMM_EINVAL);
	assert_non_null(strstr(err, ": need "));
	assert_int_equal(strncmp(err, "table buffer ", 13), 0);
	{
		size_t need = kmm_stress_buffer_size(b.m, &cfg);
		u64 *buf = malloc(need + 8);

		assert_true(need > 0);
		assert_int_equal(kmm_stress_init(&s, b.m, &cfg, buf, need - 1, err, sizeof(err)),
				 -KMM_EINVAL);
		assert_int_equal(kmm_stress_init(&s, b.m, &cfg, (char *)buf + 4, need, err,
						 sizeof(err)),
				 -KMM_EINVAL);
		free(buf);
	}
	assert_false(b.m->zonelists.mobility_disabled); /* nothing changed */
	assert_int_equal(kmm_stress_buffer_size(b.m, &(struct kmm_stress_config){ .threads = 0 }),
			 0);
	unboot(&b);

	/* two threads need the env's CPU binding hooks */
	boot(&b, false);
	cfg = (struct kmm_stress_config){ .ops = 10, .threads = 2 };
	expect_refused(b.m, &cfg, "threads 2: the environment cannot bind threads to CPUs");
	unboot(&b);
}

/* a machine that was never booted has no zonelists */
static void unbooted_machine_is_refused(void **state)
{
	struct kmm_test_env *t = kmm_test_env_new(0);
	struct kmm_machine *m = calloc(1, sizeof(*m));
	struct kmm_stress_config cfg = { .ops = 10, .threads = 1 };
	struct run r;

	(void)state;
	kmm_machine_init(m, KMM_ARCH_X86_64, &t->env);
	assert_int_equal(run_init(&r, m, &cfg), -KMM_EINVAL);
	assert_string_equal(r.err, "the machine's zonelists are not built (not booted?)");
	run_free(&r);
	free(m);
	kmm_test_env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unusable_index_is_linux_formula),
		cmocka_unit_test(one_thread_runs_clean),
		cmocka_unit_test(two_threads_free_across_cpus),
		cmocka_unit_test(final_line_format),
		cmocka_unit_test(one_thread_is_deterministic),
		cmocka_unit_test(no_mobility_fragments_more),
		cmocka_unit_test(contig_hook_is_used_and_balanced),
		cmocka_unit_test(failed_free_fails_the_run),
		cmocka_unit_test(two_threads_shrinker_reclaims),
		cmocka_unit_test(two_threads_with_kswapd_thread),
		cmocka_unit_test(shrinker_table_full_is_refused),
		cmocka_unit_test(two_threads_range_hook_migrates),
		cmocka_unit_test(two_threads_cma_hook_migrates),
		cmocka_unit_test(contig_hooks_refuse_unusable_machines),
		cmocka_unit_test(compaction_races_with_owner),
		cmocka_unit_test(cli_contig_bad_value),
		cmocka_unit_test(cli_contig_runs),
		cmocka_unit_test(cli_kswapd_and_shrinker),
		cmocka_unit_test(bad_configs_are_refused),
		cmocka_unit_test(unbooted_machine_is_refused),
	};

	if (getenv("KMM_TEST_FILTER")) /* one test, e.g. to repeat a race under TSan */
		cmocka_set_test_filter(getenv("KMM_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
