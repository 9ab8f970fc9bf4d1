// SPDX-License-Identifier: MIT
/*
 * stress.c - `kmm stress`: boot a machine and run the seeded stress driver
 * (kmm/stress.h) on it over T host threads, each bound to its own
 * simulated CPU, then print one summary line.
 *
 * The default machine is generated (kmm/bigmachine.h, src/port/hosted/bigmachine.c): a QEMU pc
 * with 4 GiB of RAM (--ram) and one CPU per thread (at least 2 CPUs), the
 * built-in Debian 6.1 kernel's System.map and .config.  The built-in boot
 * log is a 1-CPU machine and cannot run two threads, hence the generator.
 * With --dmesg/--dtb the boot options of `kmm boot` choose the machine
 * instead (which must then have at least T CPUs).
 *
 * The generated inputs reach kmm_boot_run() as files: anonymous temporary
 * files opened through /proc/self/fd, gone when the command ends.
 *
 * Reclaim: the run's shrinker over the workload's reclaimable blocks is on
 * unless --no-shrinker.  --kswapd starts the hosted kswapd threads
 * (kmm/hosted_kswapd.h) after kmm_stress_init() and stops them after the
 * workers: a node's thread takes its highest-numbered CPU, so the
 * generated machine gets one CPU more than the threads, and a given
 * machine must have one.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kmm/error.h>
#include <kmm/hosted_kswapd.h>
#include <kmm/machine.h>
#include <kmm/mem_init.h>
#include <kmm/stress.h>

#include <kmm/bigmachine.h>
#include "kmm_tool.h"

#define STRESS_DEFAULT_RAM (4ULL << 30)

/* --contig: AUTO is CMA when the booted machine has an active CMA area, else RANGE */
enum stress_contig_opt { CONTIG_AUTO, CONTIG_CMA, CONTIG_RANGE, CONTIG_NONE };

struct stress_cli {
	struct kmm_stress_config cfg;
	u64 ram;
	enum stress_contig_opt contig;
	bool kswapd; /* --kswapd: host kswapd threads for the run */
	int ret;
};

struct stress_thread_arg {
	struct kmm_stress *s;
	unsigned int thread;
};

static void stress_usage(FILE *f)
{
	fprintf(f,
		"usage: kmm stress [the options of kmm boot] [--ram SIZE] [--ops N] [--threads T]\n"
		"                  [--seed S] [--validate-every N] [--fill PCT] [--no-mobility]\n"
		"                  [--contig auto|cma|range|none] [--kswapd] [--no-shrinker]\n"
		"\n"
		"Boot a machine and stress its page allocator from T host threads, thread t\n"
		"bound to CPU t: mixed allocations of orders 0..10 and every migrate type\n"
		"(GFP_KERNEL, GFP_HIGHUSER_MOVABLE, __GFP_RECLAIMABLE, GFP_ATOMIC bursts,\n"
		"GFP_DMA/GFP_DMA32, THP-like compound pages, split pages), freed in random\n"
		"order, one free in eight on another CPU, and contiguous runs of 1..512 pages\n"
		"(--contig).  The order-0 movable pages are registered movable: the contiguous\n"
		"allocations and compaction migrate them while their owner runs.  The\n"
		"long-lived reclaimable blocks are a cache with a shrinker: reclaim (direct\n"
		"reclaim in the slow path, kswapd) frees them under their owners.  Every N ops\n"
		"all threads stop and the allocator is validated.  At the end (the peak) the\n"
		"unusable free space index for order 9 is measured over all zones as Linux's\n"
		"debugfs extfrag/unusable_index computes it; then everything is freed, the\n"
		"per-CPU lists drained and the free pages compared with the start.  Last line:\n"
		"  stress: ops=N threads=T seconds=S validate=ok leaked_pages=0 unusable_index_order9=F\n"
		"\n"
		"Without --dmesg/--dtb the machine is a generated QEMU pc with --ram of RAM\n"
		"(default 4G) and one CPU per thread (at least 2; one more with --kswapd),\n"
		"booted with the built-in Debian 6.1 kernel.\n"
		"\n"
		"  --ram SIZE          RAM of the generated machine (K/M/G suffixes; default 4G)\n"
		"  --ops N             allocator steps over all threads (default 1000000)\n"
		"  --threads T         worker threads = CPUs used (default 2)\n"
		"  --seed S            random seed (default 1); one thread + one seed = one run\n"
		"  --validate-every N  ops between validations (default 100000; 0: at the end)\n"
		"  --fill PCT          share of the free memory the workload keeps allocated\n"
		"                      (1..95, default 60)\n"
		"  --no-mobility       page_group_by_mobility_disabled: no grouping by migrate type\n"
		"  --contig POLICY     where the contiguous runs come from (default auto):\n"
		"                      cma    cma_alloc() from the machine's CMA areas; needs a\n"
		"                             kernel with CONFIG_CMA and an area (arm64: the\n"
		"                             default one, cma=SIZE, a reusable DT pool).  The\n"
		"                             Debian amd64 kernel has no CONFIG_CMA: cma= does\n"
		"                             nothing on x86\n"
		"                      range  alloc_contig_range() at random aligned places in\n"
		"                             the Normal/HighMem/Movable zones (DMA32 if none)\n"
		"                      auto   cma when the machine has an active CMA area, else range\n"
		"                      none   no contiguous allocations\n"
		"  --kswapd            run kswapd as host threads, one per node on its highest\n"
		"                      CPU, which no worker may use (the machine needs more\n"
		"                      CPUs than threads); default: kswapd's passes run in the\n"
		"                      allocating workers, as kmm's synchronous model does\n"
		"  --no-shrinker       no shrinker over the reclaimable blocks: reclaim finds\n"
		"                      nothing to free\n"
		"  (kmm boot --help lists the machine options)\n");
}

/* a number with an optional K/M/G/T suffix; false when malformed */
static bool parse_u64(const char *s, u64 *out, bool suffix)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!*s || *s == '-')
		return false;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	if (suffix && *end) {
		const char *units = "KMGT";
		const char *u = strchr(units, *end == 'k' ? 'K' : *end == 'm' ? 'M' :
						     *end == 'g' ? 'G' : *end == 't' ? 'T' : *end);

		if (!u || !*u || end[1])
			return false;
		if (v > (~0ULL >> (10 * (u - units + 1))))
			return false;
		v <<= 10 * (u - units + 1);
		end++;
	}
	if (*end)
		return false;
	*out = v;
	return true;
}

static void *stress_thread_main(void *p)
{
	struct stress_thread_arg *a = p;

	kmm_stress_worker(a->s, a->thread);
	return NULL;
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/* run the workers: thread 0 on this thread, the others on new ones */
static int run_workers(struct kmm_stress *s, unsigned int n)
{
	pthread_t th[KMM_STRESS_MAX_THREADS];
	struct stress_thread_arg a[KMM_STRESS_MAX_THREADS];

	for (unsigned int t = 1; t < n; t++) {
		a[t] = (struct stress_thread_arg){ s, t };
		if (pthread_create(&th[t], NULL, stress_thread_main, &a[t])) {
			/* the workers already started wait at the first barrier forever */
			fprintf(stderr, "kmm stress: cannot start thread %u\n", t);
			exit(1);
		}
	}
	kmm_stress_worker(s, 0);
	for (unsigned int t = 1; t < n; t++)
		pthread_join(th[t], NULL);
	return 0;
}

/* totalram_pages(): the managed pages of every zone */
static unsigned long managed_pages(const struct kmm_machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		for (unsigned int z = 0; m->node[nid].online && z < m->zone_layout.nr; z++)
			n += m->node[nid].zones[z].managed_pages;
	return n;
}

static void print_summary(const struct kmm_stress *s, const struct kmm_machine *m,
			  const char *contig_name, bool kswapd)
{
	const struct kmm_stress_result *r = kmm_stress_result_get(s);

	printf("stress: machine: %lu MiB managed, %u CPUs online, %lu pages free at the start\n",
	       managed_pages(m) >> 8, m->nr_online_cpus, r->free_before);
	printf("stress: seed %llu, validation every %llu ops, mobility grouping %s, fill %u%%\n",
	       (unsigned long long)s->cfg.seed, (unsigned long long)s->cfg.validate_every,
	       s->cfg.no_mobility ? "off" : "on",
	       s->cfg.fill_percent ? s->cfg.fill_percent : KMM_STRESS_DEFAULT_FILL);
	printf("stress: allocs=%llu failed=%llu frees=%llu cross_cpu=%llu split=%llu "
	       "validations=%u\n",
	       (unsigned long long)r->allocs, (unsigned long long)r->alloc_failures,
	       (unsigned long long)r->frees, (unsigned long long)r->handoffs,
	       (unsigned long long)r->split_pages, r->validations);
	printf("stress: contig %s: ok=%llu busy=%llu nomem=%llu pages=%llu; movable pages=%llu "
	       "migrated=%llu\n",
	       contig_name, (unsigned long long)r->contig_ok, (unsigned long long)r->contig_busy,
	       (unsigned long long)r->contig_nomem, (unsigned long long)r->contig_pages,
	       (unsigned long long)r->movable_pages, (unsigned long long)r->migrated);
	printf("stress: reclaim: shrinker %s, kswapd %s: reclaimed blocks=%llu pages=%llu "
	       "scans=%llu; kswapd passes=%llu pgsteal_kswapd=%llu pgsteal_direct=%llu\n",
	       s->cfg.shrinker ? "on" : "off", kswapd ? "threads" : "in the workers",
	       (unsigned long long)r->reclaim_blocks, (unsigned long long)r->reclaim_pages,
	       (unsigned long long)r->reclaim_scans, (unsigned long long)r->kswapd_wakes,
	       (unsigned long long)r->pgsteal_kswapd, (unsigned long long)r->pgsteal_direct);
	printf("stress: peak free pages %lu, free blocks by order:", r->peak_free_pages);
	for (int o = 0; o < KMM_MAX_ORDER; o++)
		printf(" %lu", r->peak_nr_free[o]);
	printf("\n");
	if (r->nr_errors)
		fprintf(stderr, "kmm stress: %lu errors, the first: %s\n", r->nr_errors,
			r->first_error);
}

/* --contig on the booted machine: fill c->cfg.contig (and @ctx); 0, or 1 after a message */
static int setup_contig(struct stress_cli *c, struct kmm_machine *m, struct kmm_stress_contig *ctx,
			const char **name)
{
	enum stress_contig_opt pol = c->contig;
	char err[256];
	int ret = 0;

	if (pol == CONTIG_AUTO)
		pol = kmm_stress_machine_has_cma(m) ? CONTIG_CMA : CONTIG_RANGE;
	*name = pol == CONTIG_CMA ? "cma" : pol == CONTIG_RANGE ? "range" : "none";
	c->cfg.contig = (struct kmm_stress_contig_hook){ 0 };
	if (pol == CONTIG_CMA)
		ret = kmm_stress_cma_hook(m, ctx, &c->cfg.contig, err, sizeof(err));
	else if (pol == CONTIG_RANGE)
		ret = kmm_stress_contig_range_hook(m, c->cfg.seed, ctx, &c->cfg.contig, err,
						   sizeof(err));
	if (ret) {
		fprintf(stderr, "kmm stress: --contig %s: %s\n", *name, err);
		return 1;
	}
	return 0;
}

/* The boot's report: the stress run on the booted machine. */
static int stress_report(void *ctx, struct kmm_machine *m, const struct kmm_hosted_log *log)
{
	struct stress_cli *c = ctx;
	struct kmm_stress *s;
	struct kmm_stress_contig *contig;
	const char *contig_name;
	void *buf = NULL;
	size_t size;
	char err[256], line[256];
	u64 t0;

	(void)log;
	if (!m->booted) {
		fprintf(stderr, "kmm stress: the machine did not boot to the end\n");
		return 1;
	}
	if (c->kswapd && c->cfg.threads >= kmm_num_online_cpus(m)) {
		fprintf(stderr,
			"kmm stress: --kswapd needs a CPU no thread uses: the machine has %u "
			"online CPUs, --threads %u\n",
			kmm_num_online_cpus(m), c->cfg.threads);
		return 1;
	}
	/* the hook first: the CMA bitmaps come from the allocator before the count starts */
	contig = calloc(1, sizeof(*contig));
	if (!contig || setup_contig(c, m, contig, &contig_name)) {
		free(contig);
		return 1;
	}
	s = calloc(1, sizeof(*s));
	size = kmm_stress_buffer_size(m, &c->cfg);
	buf = size ? malloc(size) : NULL;
	if (!s || (size && !buf)) {
		fprintf(stderr, "kmm stress: out of memory\n");
		goto fail;
	}
	/* kswapd before the run's shrinker exists: until then its passes free nothing */
	if (c->kswapd && kmm_hosted_kswapd_start(m, err, sizeof(err))) {
		fprintf(stderr, "kmm stress: --kswapd: %s\n", err);
		goto fail;
	}
	if (kmm_stress_init(s, m, &c->cfg, buf, size, err, sizeof(err))) {
		fprintf(stderr, "kmm stress: %s\n", err);
		if (c->kswapd)
			kmm_hosted_kswapd_stop(m);
		goto fail;
	}
	t0 = now_ms();
	run_workers(s, c->cfg.threads);
	kmm_stress_format_line(s, now_ms() - t0, line, sizeof(line));
	if (c->kswapd && kmm_hosted_kswapd_stop(m))
		fprintf(stderr, "kmm stress: --kswapd: the kswapd threads were not running\n");
	print_summary(s, m, contig_name, c->kswapd);
	printf("%s\n", line);
	c->ret = kmm_stress_result_get(s)->validate_ok ? 0 : 1;
	free(buf);
	free(s);
	free(contig);
	return c->ret;

fail:
	free(buf);
	free(s);
	free(contig);
	return 1;
}

/* @text as a file kmm_boot_run() can open: an unlinked temporary file */
static FILE *text_file(const char *text, char *path, size_t len)
{
	FILE *f = tmpfile();

	if (!f)
		return NULL;
	if (fputs(text, f) == EOF || fflush(f)) {
		fclose(f);
		return NULL;
	}
	snprintf(path, len, "/proc/self/fd/%d", fileno(f));
	return f;
}

/* boot the generated pc: --ram of RAM, one CPU per thread (>= 2), the built-in kernel */
static int run_generated(struct kmm_boot_opts *o, const struct kmm_boot_run *run,
			 const struct stress_cli *c)
{
	unsigned int cpus = c->cfg.threads + (c->kswapd ? 1 : 0);
	struct kmm_bigmachine spec = { .ram = c->ram, .nr_cpus = cpus > 2 ? cpus : 2 };
	char dmesg_path[64], map_path[64], cfg_path[64], err[256];
	FILE *fd = NULL, *fm = NULL, *fc = NULL;
	char *dmesg = NULL;
	int ret = 1;

	if (kmm_bigmachine_dmesg(&spec, &dmesg, err, sizeof(err))) {
		fprintf(stderr, "kmm stress: --ram/--threads: %s\n", err);
		return 2;
	}
	fd = text_file(dmesg, dmesg_path, sizeof(dmesg_path));
	fm = o->system_map ? NULL : text_file(kmm_default_system_map, map_path, sizeof(map_path));
	fc = o->kernel_config ? NULL : text_file(kmm_default_config, cfg_path, sizeof(cfg_path));
	if (!fd || (!o->system_map && !fm) || (!o->kernel_config && !fc)) {
		fprintf(stderr, "kmm stress: temporary file: %s\n", strerror(errno));
		goto out;
	}
	o->dmesg = dmesg_path;
	if (!o->system_map)
		o->system_map = map_path;
	if (!o->kernel_config)
		o->kernel_config = cfg_path;
	ret = kmm_boot_run(o, run);
out:
	if (fd)
		fclose(fd);
	if (fm)
		fclose(fm);
	if (fc)
		fclose(fc);
	free(dmesg);
	return ret;
}

int kmm_cmd_stress(int argc, char **argv)
{
	static const struct option longopts[] = {
		KMM_BOOT_LONGOPTS,
		{ "ram", required_argument, NULL, 'R' },
		{ "ops", required_argument, NULL, 'O' },
		{ "threads", required_argument, NULL, 'P' },
		{ "seed", required_argument, NULL, 'S' },
		{ "validate-every", required_argument, NULL, 'V' },
		{ "fill", required_argument, NULL, 'F' },
		{ "no-mobility", no_argument, NULL, 'N' },
		{ "contig", required_argument, NULL, 'C' },
		{ "kswapd", no_argument, NULL, 'K' },
		{ "no-shrinker", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmm_boot_opts o = { 0 };
	struct stress_cli c = { .cfg = { .ops = 1000000, .threads = 2, .seed = 1,
					 .validate_every = 100000, .shrinker = true },
				.ram = STRESS_DEFAULT_RAM };
	struct kmm_boot_run run = { .prog = "kmm stress", .report = stress_report, .ctx = &c };
	int opt, ret;
	u64 v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (!kmm_boot_opt(&o, opt, optarg))
			continue;
		switch (opt) {
		case 'R':
			if (!parse_u64(optarg, &c.ram, true) || !c.ram)
				goto bad_value;
			break;
		case 'O':
			if (!parse_u64(optarg, &c.cfg.ops, false))
				goto bad_value;
			break;
		case 'P':
			if (!parse_u64(optarg, &v, false) || !v || v > KMM_STRESS_MAX_THREADS)
				goto bad_value;
			c.cfg.threads = (unsigned int)v;
			break;
		case 'S':
			if (!parse_u64(optarg, &c.cfg.seed, false))
				goto bad_value;
			break;
		case 'V':
			if (!parse_u64(optarg, &c.cfg.validate_every, false))
				goto bad_value;
			break;
		case 'F':
			if (!parse_u64(optarg, &v, false) || !v || v > 95)
				goto bad_value;
			c.cfg.fill_percent = (unsigned int)v;
			break;
		case 'N': c.cfg.no_mobility = true; break;
		case 'K': c.kswapd = true; break;
		case 'X': c.cfg.shrinker = false; break;
		case 'C':
			if (!strcmp(optarg, "auto"))
				c.contig = CONTIG_AUTO;
			else if (!strcmp(optarg, "cma"))
				c.contig = CONTIG_CMA;
			else if (!strcmp(optarg, "range"))
				c.contig = CONTIG_RANGE;
			else if (!strcmp(optarg, "none"))
				c.contig = CONTIG_NONE;
			else
				goto bad_value;
			break;
		case 'h': stress_usage(stdout); return 0;
		default: stress_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kmm stress: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!o.dmesg && !o.dtb && o.arch && strcmp(o.arch, "x86_64")) {
		fprintf(stderr, "kmm stress: the generated machine is x86_64; give --dmesg or --dtb\n");
		return 2;
	}
	if (o.dmesg || o.dtb)
		ret = kmm_boot_run(&o, &run);
	else
		ret = run_generated(&o, &run, &c);
	return ret;

bad_value:
	fprintf(stderr, "kmm stress: bad value '%s' for --%s\n", optarg,
		opt == 'R' ? "ram" : opt == 'O' ? "ops" : opt == 'P' ? "threads (1..64)" :
		opt == 'S' ? "seed" : opt == 'V' ? "validate-every" :
		opt == 'C' ? "contig (auto, cma, range or none)" : "fill (1..95)");
	return 2;
}
