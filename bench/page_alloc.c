// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - kmm's runtime page allocator against the general-purpose
 * allocators a program would otherwise use for page-sized blocks: glibc,
 * jemalloc, mimalloc and tcmalloc (the Debian packages), all in one run.
 *
 * Sizes: kmm order 0, 3 and 9 against 4 KiB, 32 KiB and 2 MiB allocations
 * aligned to their size (posix_memalign / mi_malloc_aligned) for the
 * peers, which is what a block of pages is.  Workloads:
 *   pairs  one thread: allocate and free at once, N times (ns per pair)
 *   p/c    two threads: one allocates and pushes through a ring, the other
 *          pops and frees (kmm: CPU 0 allocates, CPU 1 frees), ns per block
 *   2x     two threads, each on its own CPU, run the 4 KiB pairs at once
 *          (ns per pair per thread: the pairs figure when it scales)
 *   frag   one thread: a table of 4096 slots; each step frees a random
 *          slot's block and allocates a new one of a random size (4 KiB
 *          70%, 32 KiB 25%, 2 MiB 5%), ns per step (free + alloc)
 * Memory is not touched: this measures the allocators, not page faults.
 *
 * The peers are loaded with dlopen() by soname, so one binary compares all
 * of them and a missing one is reported and skipped (scripts/setup.sh
 * installs libjemalloc-dev, libmimalloc-dev, libgoogle-perftools-dev).
 * kmm runs on a generated 4 GiB QEMU pc with 2 CPUs (tests/helpers/
 * bigmachine.h) booted with the Debian 6.1 kernel's System.map and
 * .config.  Build it Release: Debug builds validate after every operation.
 *
 * jemalloc cannot be dlopen()ed (its TLS is initial-exec): it is measured
 * in a child of this program started with LD_PRELOAD, where posix_memalign
 * and free are jemalloc's.
 *
 * Usage: page_alloc [--fixtures DIR] [--scale F] [--only NAME]
 *   F multiplies the counts; --only runs one allocator (kmm, glibc, ...), for profiling
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <kmm/error.h>
#include <kmm/gfp.h>
#include <kmm/hosted.h>
#include <kmm/hosted_cpu.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/start_kernel.h>

#include <kmm/bigmachine.h>

#ifndef KMM_BENCH_FIXTURES
#define KMM_BENCH_FIXTURES "tests/fixtures/oracle"
#endif

#define NR_SIZES 3
#define FRAG_SLOTS 4096
#define RING 1024 /* power of two */

static const unsigned int size_order[NR_SIZES] = { 0, 3, 9 };

/* ------------------------------------------------------------------ allocators */

/* one allocator: alloc returns an opaque handle (pointer or pfn + 1), 0 on failure */
struct alloc_ops {
	const char *name;
	const char *soname;
	bool available;
	bool preload; /* cannot be dlopen()ed (static TLS): measured in a child with LD_PRELOAD */
	char why[160];
	/* peers */
	int (*memalign)(void **p, size_t align, size_t size);
	void *(*mi_malloc_aligned)(size_t size, size_t align);
	void (*free)(void *p);
	/* kmm */
	struct kmm_machine *m;
};

enum { A_KMM, A_GLIBC, A_JEMALLOC, A_MIMALLOC, A_TCMALLOC, NR_ALLOCS };

static struct alloc_ops allocs[NR_ALLOCS] = {
	[A_KMM] = { .name = "kmm" },
	[A_GLIBC] = { .name = "glibc" },
	[A_JEMALLOC] = { .name = "jemalloc" },
	[A_MIMALLOC] = { .name = "mimalloc" },
	[A_TCMALLOC] = { .name = "tcmalloc" },
};

static inline uintptr_t do_alloc(const struct alloc_ops *a, unsigned int sz)
{
	size_t bytes = 4096UL << size_order[sz];
	void *p = NULL;

	if (a->m) {
		unsigned long pfn;

		if (kmm_alloc_pages(a->m, GFP_KERNEL, size_order[sz], &pfn))
			return 0;
		return (uintptr_t)pfn + 1;
	}
	if (a->mi_malloc_aligned)
		return (uintptr_t)a->mi_malloc_aligned(bytes, bytes);
	if (a->memalign(&p, bytes, bytes))
		return 0;
	return (uintptr_t)p;
}

static inline void do_free(const struct alloc_ops *a, uintptr_t h, unsigned int sz)
{
	if (a->m)
		kmm___free_pages(a->m, (unsigned long)(h - 1), size_order[sz]);
	else
		a->free((void *)h);
}

static void load_peer(struct alloc_ops *a, const char *soname, const char *memalign_sym,
		      const char *free_sym, bool mimalloc)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	a->soname = soname;
	if (!h) {
		snprintf(a->why, sizeof(a->why), "%s", dlerror());
		/* jemalloc's initial-exec TLS: it can only come in at startup */
		a->preload = strstr(a->why, "static TLS") != NULL;
		return;
	}
	if (mimalloc)
		a->mi_malloc_aligned = (void *(*)(size_t, size_t))dlsym(h, memalign_sym);
	else
		a->memalign = (int (*)(void **, size_t, size_t))dlsym(h, memalign_sym);
	a->free = (void (*)(void *))dlsym(h, free_sym);
	if ((!a->memalign && !a->mi_malloc_aligned) || !a->free) {
		snprintf(a->why, sizeof(a->why), "%s: %s or %s missing", soname, memalign_sym,
			 free_sym);
		return;
	}
	a->available = true;
}

static void load_peers(void)
{
	allocs[A_GLIBC].memalign = posix_memalign;
	allocs[A_GLIBC].free = free;
	allocs[A_GLIBC].available = true;
	load_peer(&allocs[A_JEMALLOC], "libjemalloc.so.2", "posix_memalign", "free", false);
	load_peer(&allocs[A_MIMALLOC], "libmimalloc.so.2", "mi_malloc_aligned", "mi_free", true);
	load_peer(&allocs[A_TCMALLOC], "libtcmalloc.so.4", "tc_posix_memalign", "tc_free", false);
}

/* ------------------------------------------------------------------ the kmm machine */

static char *read_text(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static void discard_line(void *opaque, const char *line)
{
	(void)opaque;
	(void)line;
}

/* a 4 GiB pc with 2 CPUs booted to the end of start_kernel()'s memory path */
static struct kmm_machine *boot_machine(const char *fixtures, struct kmm_physmem **pm)
{
	struct kmm_bigmachine spec = { .ram = 4ULL << 30, .nr_cpus = 2 };
	struct kmm_bigmachine_layout l;
	char err[512] = "", *dmesg = NULL;
	char *map = read_text(fixtures, "x86_64.System.map");
	char *cfg = read_text(fixtures, "x86_64.config");
	struct kmm_env env = { .log_line = discard_line, .bug = kmm_hosted_bug_abort };
	struct kmm_machine *m;

	if (!map || !cfg) {
		fprintf(stderr, "page_alloc: %s/x86_64.{System.map,config}: cannot read\n",
			fixtures);
		exit(1);
	}
	if (kmm_bigmachine_layout(&spec, &l, err, sizeof(err)) ||
	    kmm_bigmachine_dmesg(&spec, &dmesg, err, sizeof(err)) ||
	    kmm_physmem_create(pm, l.phys_end, err, sizeof(err))) {
		fprintf(stderr, "page_alloc: %s\n", err);
		exit(1);
	}
	kmm_physmem_fill_env(*pm, &env);
	kmm_hosted_cpu_fill_env(&env);
	m = calloc(1, sizeof(*m));
	if (!m)
		exit(1);
	kmm_machine_init(m, KMM_ARCH_X86_64, &env);
	if (kmm_kernel_parse_config(&m->kernel, cfg, err, sizeof(err)) ||
	    kmm_kernel_parse_system_map(&m->kernel, map, err, sizeof(err)) ||
	    kmm_bootlog_parse(&m->boot, dmesg, err, sizeof(err)) ||
	    kmm_cmdline_parse(&m->cmdline, m->boot.cmdline, err, sizeof(err)) ||
	    kmm_x86_setup_arch(m, dmesg, err, sizeof(err)) ||
	    kmm_x86_setup_memory(m, err, sizeof(err)) ||
	    kmm_start_kernel_early(m, err, sizeof(err)) ||
	    kmm_start_kernel_mm(m, err, sizeof(err))) {
		fprintf(stderr, "page_alloc: boot: %s\n", err);
		exit(1);
	}
	free(map);
	free(cfg);
	free(dmesg);
	return m;
}

/* ------------------------------------------------------------------ workloads */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static u64 xorshift(u64 *s)
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static void bind_cpu(const struct alloc_ops *a, unsigned int cpu)
{
	if (a->m && kmm_set_this_cpu(a->m, cpu)) {
		fprintf(stderr, "page_alloc: cannot bind to CPU %u\n", cpu);
		exit(1);
	}
}

/*
 * @n alloc + free pairs on CPU @cpu after a warm-up (and, with @start,
 * after every one of @nr_threads threads is warm): the seconds they took,
 * < 0 on an allocation failure.
 */
static double pairs_loop(const struct alloc_ops *a, unsigned int sz, unsigned long n,
			 unsigned int cpu, atomic_uint *start, unsigned int nr_threads)
{
	double t;

	bind_cpu(a, cpu);
	for (unsigned long i = 0; i < n / 16 + 1; i++) { /* warm up */
		uintptr_t h = do_alloc(a, sz);

		if (!h)
			return -1;
		do_free(a, h, sz);
	}
	if (start) {
		atomic_fetch_add(start, 1);
		while (atomic_load(start) < nr_threads)
			;
	}
	t = now();
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t h = do_alloc(a, sz);

		if (!h)
			return -1;
		do_free(a, h, sz);
	}
	return now() - t;
}

/* (a) alloc + free pairs: ns per pair, < 0 on an allocation failure */
static double bench_pairs(const struct alloc_ops *a, unsigned int sz, unsigned long n)
{
	double t = pairs_loop(a, sz, n, 0, NULL, 1);

	return t < 0 ? -1 : t * 1e9 / (double)n;
}

/*
 * (a') the same pairs on two threads at once, each on its own CPU: ns per
 * pair on each thread (their mean); equal to (a) when the allocator scales.
 */
struct pairs_thread {
	const struct alloc_ops *a;
	unsigned int sz, cpu;
	unsigned long n;
	atomic_uint *start;
	double seconds;
};

static void *pairs_thread_run(void *p)
{
	struct pairs_thread *pt = p;

	pt->seconds = pairs_loop(pt->a, pt->sz, pt->n, pt->cpu, pt->start, 2);
	return NULL;
}

static double bench_pairs2(const struct alloc_ops *a, unsigned int sz, unsigned long n)
{
	atomic_uint start = 0;
	struct pairs_thread pt[2];
	pthread_t th;

	for (unsigned int i = 0; i < 2; i++)
		pt[i] = (struct pairs_thread){ a, sz, i, n, &start, -1 };
	if (pthread_create(&th, NULL, pairs_thread_run, &pt[1]))
		return -1;
	pairs_thread_run(&pt[0]);
	pthread_join(th, NULL);
	bind_cpu(a, 0);
	if (pt[0].seconds < 0 || pt[1].seconds < 0)
		return -1;
	return (pt[0].seconds + pt[1].seconds) / 2 * 1e9 / (double)n;
}

/* (b) producer/consumer through a single-producer single-consumer ring */
struct ring {
	_Atomic unsigned long head __attribute__((aligned(64))); /* next slot to fill */
	_Atomic unsigned long tail __attribute__((aligned(64))); /* next slot to take */
	uintptr_t slot[RING];
	const struct alloc_ops *a;
	unsigned int sz;
	unsigned long n;
	atomic_bool failed;
};

static void *consumer(void *p)
{
	struct ring *r = p;

	bind_cpu(r->a, 1);
	for (unsigned long i = 0; i < r->n; i++) {
		unsigned long tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

		while (atomic_load_explicit(&r->head, memory_order_acquire) == tail)
			if (atomic_load_explicit(&r->failed, memory_order_relaxed))
				return NULL;
		if (r->slot[tail % RING])
			do_free(r->a, r->slot[tail % RING], r->sz);
		atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	}
	return NULL;
}

static double bench_prodcons(const struct alloc_ops *a, unsigned int sz, unsigned long n)
{
	struct ring *r = calloc(1, sizeof(*r));
	pthread_t th;
	double t;
	bool failed;

	if (!r)
		return -1;
	r->a = a;
	r->sz = sz;
	r->n = n;
	bind_cpu(a, 0);
	t = now();
	if (pthread_create(&th, NULL, consumer, r)) {
		free(r);
		return -1;
	}
	for (unsigned long i = 0; i < n; i++) {
		unsigned long head = atomic_load_explicit(&r->head, memory_order_relaxed);
		uintptr_t h = do_alloc(a, sz);

		if (!h) {
			atomic_store_explicit(&r->failed, true, memory_order_relaxed);
			break;
		}
		while (head - atomic_load_explicit(&r->tail, memory_order_acquire) >= RING)
			;
		r->slot[head % RING] = h;
		atomic_store_explicit(&r->head, head + 1, memory_order_release);
	}
	pthread_join(th, NULL);
	t = now() - t;
	failed = atomic_load(&r->failed);
	free(r);
	return failed ? -1 : t * 1e9 / (double)n;
}

static unsigned int frag_size(u64 *rng)
{
	unsigned int r = (unsigned int)(xorshift(rng) >> 33) % 100;

	return r < 70 ? 0 : r < 95 ? 1 : 2;
}

/* (c) a fragmenting mix: ns per step (one free and one allocation) */
static double bench_frag(const struct alloc_ops *a, unsigned long n)
{
	static uintptr_t slot[FRAG_SLOTS];
	static unsigned char slot_sz[FRAG_SLOTS];
	u64 rng = 0x9e3779b97f4a7c15ULL;
	double t, ns = -1;
	unsigned long i;

	bind_cpu(a, 0);
	for (i = 0; i < FRAG_SLOTS; i++) {
		slot_sz[i] = (unsigned char)frag_size(&rng);
		slot[i] = do_alloc(a, slot_sz[i]);
		if (!slot[i])
			goto out;
	}
	t = now();
	for (i = 0; i < n; i++) {
		unsigned int k = (unsigned int)(xorshift(&rng) >> 40) % FRAG_SLOTS;

		do_free(a, slot[k], slot_sz[k]);
		slot_sz[k] = (unsigned char)frag_size(&rng);
		slot[k] = do_alloc(a, slot_sz[k]);
		if (!slot[k])
			goto out;
	}
	ns = (now() - t) * 1e9 / (double)n;
out:
	for (i = 0; i < FRAG_SLOTS; i++)
		if (slot[i])
			do_free(a, slot[i], slot_sz[i]);
	memset(slot, 0, sizeof(slot));
	return ns;
}

/* ------------------------------------------------------------------ runs */

#define NR_ROWS (2 * NR_SIZES + 2)

static const unsigned long base_n[NR_SIZES] = { 2000000, 1000000, 200000 };

/* every workload for allocator @a: out[sz] pairs, out[3 + sz] p/c, out[6] frag, out[7] pairs x2 */
static void run_all(const struct alloc_ops *a, double scale, double out[NR_ROWS])
{
	for (unsigned int sz = 0; sz < NR_SIZES; sz++) {
		unsigned long n = (unsigned long)((double)base_n[sz] * scale) + 1;

		out[sz] = bench_pairs(a, sz, n);
		out[NR_SIZES + sz] = bench_prodcons(a, sz, n / 2);
	}
	out[2 * NR_SIZES] = bench_frag(a, (unsigned long)(500000 * scale) + 1);
	out[2 * NR_SIZES + 1] = bench_pairs2(a, 0, (unsigned long)((double)base_n[0] * scale) + 1);
}

/*
 * The child of a peer that must be preloaded: posix_memalign and free now
 * resolve to it.  Prints the figures on one line for the parent.
 */
static int run_preloaded(const char *name, double scale)
{
	struct alloc_ops a = { .name = name };
	double out[NR_ROWS];

	a.memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_DEFAULT, "posix_memalign");
	a.free = (void (*)(void *))dlsym(RTLD_DEFAULT, "free");
	if (!strcmp(name, "jemalloc") && !dlsym(RTLD_DEFAULT, "mallocx")) {
		fprintf(stderr, "page_alloc: jemalloc is not preloaded\n");
		return 1;
	}
	if (!a.memalign || !a.free)
		return 1;
	run_all(&a, scale, out);
	for (int r = 0; r < NR_ROWS; r++)
		printf("%s%.3f", r ? " " : "", out[r]);
	printf("\n");
	return 0;
}

/* measure @a in a child started with LD_PRELOAD=@a->soname */
static void run_child(struct alloc_ops *a, double scale, double out[NR_ROWS])
{
	char exe[4096], cmd[8400];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *p;
	int ok = 0;

	for (int r = 0; r < NR_ROWS; r++)
		out[r] = -1;
	if (len <= 0)
		return;
	exe[len] = '\0';
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s '%s' --preloaded %s --scale %g", a->soname,
		 exe, a->name, scale);
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p)
		return;
	for (int r = 0; r < NR_ROWS; r++)
		ok += fscanf(p, "%lf", &out[r]) == 1;
	if (pclose(p) == 0 && ok == NR_ROWS) {
		a->available = true;
		snprintf(a->why, sizeof(a->why), "measured in a child with LD_PRELOAD");
	}
}

/* ------------------------------------------------------------------ report */

static void print_host(void)
{
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[256] = "?";

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');

			snprintf(model, sizeof(model), "%s", c ? c + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("host: %s, %ld CPUs online, %s %s %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, u.machine);
}

int main(int argc, char **argv)
{
	const char *fixtures = KMM_BENCH_FIXTURES, *preloaded = NULL, *only = NULL;
	double scale = 1.0, ns[NR_ALLOCS][NR_ROWS];
	static const char *const row_name[NR_ROWS] = { "pairs 4K", "pairs 32K", "pairs 2M",
						       "p/c   4K", "p/c   32K", "p/c   2M",
						       "frag  mix", "2x pairs 4K" };
	struct kmm_physmem *pm = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fixtures") && i + 1 < argc) {
			fixtures = argv[++i];
		} else if (!strcmp(argv[i], "--preloaded") && i + 1 < argc) {
			preloaded = argv[++i];
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
			scale = atof(argv[++i]);
			if (!(scale > 0)) {
				fprintf(stderr, "page_alloc: --scale must be > 0\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: page_alloc [--fixtures DIR] [--scale F] [--only NAME]\n");
			return 2;
		}
	}
	if (preloaded)
		return run_preloaded(preloaded, scale);
	if (only) {
		int a = 0;

		while (a < NR_ALLOCS && strcmp(only, allocs[a].name))
			a++;
		if (a == NR_ALLOCS) {
			fprintf(stderr, "page_alloc: --only %s: not one of kmm, glibc, jemalloc, "
					"mimalloc, tcmalloc\n", only);
			return 2;
		}
	}
	load_peers();
	allocs[A_KMM].m = boot_machine(fixtures, &pm);
	allocs[A_KMM].available = true;
	print_host();
	for (int a = 0; a < NR_ALLOCS; a++) {
		if (only && strcmp(only, allocs[a].name)) {
			allocs[a].available = allocs[a].preload = false;
			snprintf(allocs[a].why, sizeof(allocs[a].why), "not asked for (--only %s)", only);
		}
		if (allocs[a].preload)
			run_child(&allocs[a], scale, ns[a]);
		else if (allocs[a].available)
			run_all(&allocs[a], scale, ns[a]);
		else
			for (int r = 0; r < NR_ROWS; r++)
				ns[a][r] = -1;
		if (!allocs[a].available || allocs[a].preload)
			printf("%s: %s (%s)\n", allocs[a].name,
			       allocs[a].available ? "available" : "not available", allocs[a].why);
	}

	printf("\nns per op (pairs: alloc+free; p/c: one block allocated on CPU 0 and freed on "
	       "CPU 1; frag: free+alloc;\n2x pairs: pairs on CPUs 0 and 1 at once, per thread: equal "
	       "to pairs 4K when it scales)\n");
	printf("%-11s", "workload");
	for (int a = 0; a < NR_ALLOCS; a++)
		printf(" %10s", allocs[a].name);
	for (int a = 1; a < NR_ALLOCS; a++)
		printf(" %9s/%s", "kmm", allocs[a].name);
	printf("\n");
	for (int r = 0; r < NR_ROWS; r++) {
		printf("%-11s", row_name[r]);
		for (int a = 0; a < NR_ALLOCS; a++)
			if (ns[a][r] < 0)
				printf(" %10s", "-");
			else
				printf(" %10.1f", ns[a][r]);
		for (int a = 1; a < NR_ALLOCS; a++) {
			int w = 10 + (int)strlen(allocs[a].name);

			if (ns[a][r] > 0 && ns[0][r] > 0)
				printf(" %*.2f", w, ns[0][r] / ns[a][r]);
			else
				printf(" %*s", w, "-");
		}
		printf("\n");
	}
	free(allocs[A_KMM].m);
	kmm_physmem_destroy(pm);
	return 0;
}
