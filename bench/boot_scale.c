// SPDX-License-Identifier: MIT
/*
 * boot_scale.c - how kmm's boot scales with RAM: boots synthetic QEMU pc
 * machines (kmm/bigmachine.h, src/port/hosted/bigmachine.c) of 4 GiB, 64 GiB, 256 GiB and 1 TiB
 * with 8 NUMA nodes through the library, as `kmm boot` does, and prints per
 * boot:
 *
 *   - wall time of the whole boot (and its CPU time: user + system, which
 *     a busy host disturbs less) and of its stages (setup_arch, the rest
 *     of setup_arch with NUMA and sparse_init, start_kernel's memory path);
 *   - the memmap-initialisation part of it: from the last line printed
 *     before mem_init() to the last "node N deferred pages initialised"
 *     line (memmap_init, memblock_free_all, deferred struct page init), as
 *     struct pages per second and struct page bytes per second, where the
 *     pages are the present pages and the bytes pages * sizeof(struct page);
 *   - a plain memset() of that many bytes in the same process, once into
 *     fresh anonymous memory (page faults included, like a first boot) and
 *     once more into the same, now resident memory, and the ratios
 *     memmap-init speed / memset speed;
 *   - peak RSS (VmHWM, taken before the memset) and the simulated physical
 *     memory the boot touched (RssShmem: the memfd's resident pages).
 *
 * Each boot runs in its own child process so that VmHWM is that boot's.
 * The stage times come from the log: the environment's log_line hook
 * stamps the lines that mark stage boundaries, so the library is timed
 * without changes to it.
 *
 * Usage: boot_scale [--nodes N] [--cpus N] [--fixtures DIR] [--no-memset] [GiB ...]
 * (the fixtures directory holds x86_64.System.map and x86_64.config; by
 * default the source tree's tests/fixtures/oracle).  Build it Release: a
 * Debug build runs every expensive validation walker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/machine.h>
#include <kmm/start_kernel.h>

#include <kmm/bigmachine.h>

#ifndef KMM_BENCH_FIXTURES
#define KMM_BENCH_FIXTURES "tests/fixtures/oracle"
#endif

/* What one boot measured; written by the child, read by the parent. */
struct result {
	int ok;
	char err[256];
	double t_arch, t_memory, t_early, t_mm, t_total; /* seconds */
	double cpu_total;				 /* user + system seconds of the boot */
	double t_memmap;				 /* see the file comment */
	unsigned long present_pages;
	u64 memmap_bytes;
	u64 vmhwm_kb;
	u64 touched_bytes;
	double memset_cold, memset_warm; /* seconds for memmap_bytes */
	char memory_line[200];
};

/* The log hook's state: when the lines around mem_init() were printed. */
struct clock_log {
	double before_mem_init; /* the last line before "Memory:" */
	double mem_init;	/* "Memory:" */
	double deferred_end;	/* the last "deferred pages initialised" */
	unsigned long nr_lines;
	char memory_line[200];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void clock_log_line(void *opaque, const char *line)
{
	struct clock_log *c = opaque;
	double t = now();

	c->nr_lines++;
	if (!strncmp(line, "Memory: ", 8)) {
		c->mem_init = t;
		c->deferred_end = t;
		snprintf(c->memory_line, sizeof(c->memory_line), "%s", line);
	} else if (strstr(line, " deferred pages initialised in ")) {
		c->deferred_end = t;
	} else if (!c->mem_init) {
		c->before_mem_init = t;
	}
}

/* user + system CPU seconds this process has used */
static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static char *read_text(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%.160s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%.160s: cannot size the file", path);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%.160s: read error", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* a "Name:   N kB" field of /proc/self/status, in KiB (0 when unreadable) */
static u64 status_kb(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t len = strlen(name);
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%llu", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* memset @bytes of fresh anonymous memory twice: *cold first touch, *warm again */
static int time_memset(u64 bytes, double *cold, double *warm)
{
	volatile unsigned char *probe;
	unsigned char *p;
	double t;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return -1;
	t = now();
	memset(p, 0x5a, bytes);
	*cold = now() - t;
	t = now();
	memset(p, 0, bytes);
	*warm = now() - t;
	probe = p;
	(void)probe[bytes - 1]; /* the stores are observed, not dead */
	munmap(p, bytes);
	return 0;
}

struct bench_opts {
	unsigned int nodes, cpus;
	const char *fixtures;
	bool no_memset; /* --no-memset: boot only (for profiling) */
};

/* the machine's inputs: kernel build, boot log, command line */
static int machine_inputs(struct kmm_machine *m, const struct bench_opts *o, const char *dmesg,
			  char *err, size_t errlen)
{
	char *map = read_text(o->fixtures, "x86_64.System.map", err, errlen);
	char *cfg = map ? read_text(o->fixtures, "x86_64.config", err, errlen) : NULL;
	int ret = -KMM_EIO;

	if (cfg && !kmm_kernel_parse_config(&m->kernel, cfg, err, errlen) &&
	    !kmm_kernel_parse_system_map(&m->kernel, map, err, errlen) &&
	    !kmm_bootlog_parse(&m->boot, dmesg, err, errlen) &&
	    !kmm_cmdline_parse(&m->cmdline, m->boot.cmdline, err, errlen))
		ret = 0;
	free(map);
	free(cfg);
	return ret;
}

/* boot @ram bytes in this process, filling @r (r->ok says whether it booted) */
static void boot_one(u64 ram, const struct bench_opts *o, struct result *r)
{
	struct kmm_bigmachine spec = {
		.ram = ram, .nr_nodes = o->nodes, .nr_cpus = o->cpus, .initrd_size = 0xfb800
	};
	struct kmm_bigmachine_layout layout;
	struct clock_log clk = { 0 };
	struct kmm_physmem *pm = NULL;
	struct kmm_machine *m = NULL;
	struct kmm_env env;
	char *dmesg = NULL;
	double t0, t, cpu0;

	if (kmm_bigmachine_layout(&spec, &layout, r->err, sizeof(r->err)) ||
	    kmm_bigmachine_dmesg(&spec, &dmesg, r->err, sizeof(r->err)))
		return;
	t0 = now();
	cpu0 = cpu_seconds();
	if (kmm_physmem_create(&pm, layout.phys_end, r->err, sizeof(r->err)))
		goto out;
	env = (struct kmm_env){ .opaque = &clk,
				.log_line = clock_log_line,
				.bug = kmm_hosted_bug_abort };
	kmm_physmem_fill_env(pm, &env);
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	kmm_machine_init(m, KMM_ARCH_X86_64, &env);
	if (machine_inputs(m, o, dmesg, r->err, sizeof(r->err)))
		goto out;
	t = now();
	if (kmm_x86_setup_arch(m, dmesg, r->err, sizeof(r->err)))
		goto out;
	r->t_arch = now() - t;
	t = now();
	if (kmm_x86_setup_memory(m, r->err, sizeof(r->err)))
		goto out;
	r->t_memory = now() - t;
	t = now();
	if (kmm_start_kernel_early(m, r->err, sizeof(r->err)))
		goto out;
	r->t_early = now() - t;
	t = now();
	if (kmm_start_kernel_mm(m, r->err, sizeof(r->err)))
		goto out;
	r->t_mm = now() - t;
	r->t_total = now() - t0;
	r->cpu_total = cpu_seconds() - cpu0;
	r->t_memmap = clk.deferred_end - clk.before_mem_init;
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online)
			r->present_pages += m->node[n].node_present_pages;
	r->memmap_bytes = (u64)r->present_pages * m->kernel.struct_size[KMM_STRUCT_PAGE];
	r->vmhwm_kb = status_kb("VmHWM");
	/*
	 * The memfd is this process's only shared memory, so RssShmem is the
	 * simulated memory the boot touched.  kmm_physmem_resident_bytes()
	 * says the same but walks every data extent (2-3 s at 1 TiB).
	 */
	r->touched_bytes = status_kb("RssShmem") << 10;
	snprintf(r->memory_line, sizeof(r->memory_line), "%s", clk.memory_line);
	r->ok = 1;
out:
	free(m);
	kmm_physmem_destroy(pm);
	free(dmesg);
	/* after the machine is gone, so both never need host memory at once */
	if (r->ok && !o->no_memset &&
	    time_memset(r->memmap_bytes, &r->memset_cold, &r->memset_warm)) {
		snprintf(r->err, sizeof(r->err), "mmap(%llu bytes) for memset: %s",
			 (unsigned long long)r->memmap_bytes, strerror(errno));
		r->ok = 0;
	}
}

/* boot in a child process and collect its result through a pipe */
static int boot_child(u64 ram, const struct bench_opts *o, struct result *r)
{
	int fd[2], status;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (pipe(fd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		boot_one(ram, o, r);
		n = write(fd[1], r, sizeof(*r));
		_exit(n == (ssize_t)sizeof(*r) ? 0 : 1);
	}
	close(fd[1]);
	n = read(fd[0], r, sizeof(*r));
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (n != (ssize_t)sizeof(*r)) {
		memset(r, 0, sizeof(*r));
		snprintf(r->err, sizeof(r->err), "child died (status %#x)", status);
	}
	return 0;
}

static void print_header(const struct bench_opts *o)
{
	printf("kmm boot_scale: QEMU pc x86_64, %u nodes, %u CPUs, Debian 6.1 kernel build\n",
	       o->nodes, o->cpus);
	printf("%6s %7s %7s %6s %6s %7s %7s %8s %9s %8s %8s %9s %9s %8s %8s\n", "RAM", "boot_s",
	       "cpu_s", "arch_s", "mem_s", "mm_s", "memmap", "Mpages/s", "memmapGB/s", "setGB/s",
	       "warmGB/s", "vs_cold", "vs_warm", "HWM_MiB", "phys_MiB");
}

static void print_row(u64 gib, const struct result *r)
{
	double gb = (double)r->memmap_bytes / 1e9;

	if (!r->ok) {
		printf("%5lluG  FAILED: %s\n", (unsigned long long)gib, r->err);
		return;
	}
	printf("%5lluG %7.3f %7.3f %6.3f %6.3f %7.3f %7.3f %8.1f %9.2f", (unsigned long long)gib,
	       r->t_total, r->cpu_total, r->t_arch, r->t_memory, r->t_mm, r->t_memmap,
	       (double)r->present_pages / r->t_memmap / 1e6, gb / r->t_memmap);
	if (r->memset_cold > 0 && r->memset_warm > 0)
		printf(" %8.2f %8.2f %9.2f %9.2f", gb / r->memset_cold, gb / r->memset_warm,
		       r->memset_cold / r->t_memmap, r->memset_warm / r->t_memmap);
	else
		printf(" %8s %8s %9s %9s", "-", "-", "-", "-");
	printf(" %8llu %8llu\n", (unsigned long long)(r->vmhwm_kb >> 10),
	       (unsigned long long)(r->touched_bytes >> 20));
}

static int parse_uint(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v == 0 || v > 1u << 20)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int default_gib[] = { 4, 64, 256, 1024 };
	struct bench_opts o = { .nodes = 8, .cpus = 8, .fixtures = KMM_BENCH_FIXTURES };
	unsigned int gib[32], nr = 0;
	struct result r;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		int bad = 0;

		if (!strcmp(argv[i], "--nodes") && i + 1 < argc)
			bad = parse_uint(argv[++i], &o.nodes);
		else if (!strcmp(argv[i], "--cpus") && i + 1 < argc)
			bad = parse_uint(argv[++i], &o.cpus);
		else if (!strcmp(argv[i], "--no-memset"))
			o.no_memset = true;
		else if (!strcmp(argv[i], "--fixtures") && i + 1 < argc)
			o.fixtures = argv[++i];
		else if (nr < 32)
			bad = parse_uint(argv[i], &gib[nr++]);
		else
			bad = 1;
		if (bad) {
			fprintf(stderr, "usage: boot_scale [--nodes N] [--cpus N] [--fixtures DIR] "
					"[--no-memset] [GiB ...]\n");
			return 2;
		}
	}
	if (!nr)
		for (; nr < sizeof(default_gib) / sizeof(default_gib[0]); nr++)
			gib[nr] = default_gib[nr];
	if (o.cpus < o.nodes)
		o.cpus = o.nodes;
	print_header(&o);
	for (unsigned int i = 0; i < nr; i++) {
		if (boot_child((u64)gib[i] << 30, &o, &r)) {
			perror("boot_scale: fork");
			return 1;
		}
		print_row(gib[i], &r);
		failed |= !r.ok;
	}
	printf("memmap: pages = present pages, bytes = pages * sizeof(struct page); vs_cold and\n"
	       "vs_warm = memset time / memmap-init time for those bytes (> 1: kmm is faster)\n");
	return failed;
}
