// SPDX-License-Identifier: MIT
/*
 * boot.c - `kmm boot`: read a machine's inputs (boot log, System.map,
 * .config, command line), boot it in the simulator and write what Linux
 * would print (dmesg.txt) and, as later stages add them, the /proc views.
 *
 * This interface is driven by ../shared/oracle/tools/fidelity; keep it
 * stable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/hosted_cpu.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/memblock_debugfs.h>
#include <kmm/slit.h>
#include <kmm/start_kernel.h>

#include "kmm_tool.h"

static int read_struct_sizes(const struct kmm_boot_opts *o, struct kmm_machine *m, char *err,
			     size_t errlen);

struct host {
	struct kmm_hosted_log log;
	struct kmm_physmem *pm;
	struct kmm_dt *dt; /* arm64: the booted tree, kept for the views (m->dt) */
};

static void boot_usage(FILE *f)
{
	fprintf(f,
		"usage: kmm boot [--arch x86_64|i386|arm64] [--dmesg FILE] [--numa-distance FILE]\n"
		"                [--dtb FILE --dtb-addr ADDR --kernel-load ADDR]\n"
		"                [--system-map FILE] [--kernel-config FILE] [--struct-sizes FILE]\n"
		"                [--cmdline STR] [--output-dir DIR]\n"
		"\n"
		"Boot a simulated machine through Linux 6.1's memory initialisation and print the\n"
		"kernel log Linux would print (memblock=debug lines included when the command line\n"
		"has memblock=debug).  Without --dmesg/--dtb it boots the built-in default machine:\n"
		"QEMU pc, 2 GiB, 1 CPU, SeaBIOS, the Debian 6.1 amd64 kernel.\n"
		"\n"
		"  --arch A            x86_64 (default), i386 (686-pae) or arm64\n"
		"  --dmesg FILE        a real boot log (or just its firmware lines); kmm reads only\n"
		"                      input lines: Linux version, Command line, the BIOS-e820 map,\n"
		"                      e820 setup_data updates, EFI map, ACPI table locations,\n"
		"                      SRAT, MP table, RAMDISK, CPU count.  A plain e820 table\n"
		"                      ('0xSTART 0xSIZE TYPE' or '0xSTART-0xEND TYPE' lines) works too\n"
		"  --numa-distance F   the SLIT distance matrix, node by node, one row per line\n"
		"                      (x86 with an SRAT; without it nodes get 10 local / 20 remote)\n"
		"  --dtb FILE          flattened device tree (arm64), with --dtb-addr (where the\n"
		"                      boot loader put it; Linux reserves the tree there) and\n"
		"                      --kernel-load (the Image's address, default 0x40200000)\n"
		"  --system-map FILE   the kernel's System.map (image layout)\n"
		"  --kernel-config F   the kernel's .config\n"
		"  --struct-sizes F    the kernel's `pahole -s` output (sizeof pglist_data, page);\n"
		"                      default: struct-sizes.txt beside the System.map, if any\n"
		"  --cmdline STR       kernel command line (default: the boot log's 'Command line:')\n"
		"  --output-dir DIR    write dmesg.txt there (else the log goes to stdout)\n");
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + 65536 + 1);

			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: binary file (NUL byte) where text was expected", path);
		free(buf);
		return NULL;
	}
	return buf;
}

static void *host_p2v(void *opaque, phys_addr_t pa)
{
	struct host *h = opaque;

	return kmm_physmem_phys_to_virt(h->pm, pa);
}

static phys_addr_t host_v2p(void *opaque, const void *va)
{
	struct host *h = opaque;

	return kmm_physmem_virt_to_phys(h->pm, va);
}

static void host_log(void *opaque, const char *line)
{
	struct host *h = opaque;

	kmm_hosted_log_line(&h->log, line);
}

static int parse_arch(const char *s, enum kmm_arch *out)
{
	if (!strcmp(s, "x86_64") || !strcmp(s, "amd64"))
		*out = KMM_ARCH_X86_64;
	else if (!strcmp(s, "i386") || !strcmp(s, "x86") || !strcmp(s, "686-pae"))
		*out = KMM_ARCH_I386;
	else if (!strcmp(s, "arm64") || !strcmp(s, "aarch64"))
		*out = KMM_ARCH_ARM64;
	else
		return -1;
	return 0;
}

static int write_dmesg(const struct kmm_hosted_log *log, FILE *f)
{
	const char *p = kmm_hosted_log_text(log);

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (fprintf(f, "[    0.000000] %.*s\n", (int)n, p) < 0)
			return -1;
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

/* write one /proc-style view of @m into DIR/@name */
static int write_view(const char *dir, const char *name, const struct kmm_machine *m,
		      void (*view)(FILE *, const struct kmm_machine *))
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "kmm boot: %s: %s\n", path, strerror(errno));
		return -1;
	}
	view(f, m);
	if (fclose(f)) {
		fprintf(stderr, "kmm boot: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_outputs(const struct kmm_boot_opts *o, const struct kmm_hosted_log *log,
			 const struct kmm_machine *m)
{
	char path[4096];
	FILE *f;

	if (!o->output_dir)
		return write_dmesg(log, stdout);
	if (mkdir(o->output_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "kmm boot: %s: %s\n", o->output_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/dmesg.txt", o->output_dir);
	f = fopen(path, "w");
	if (!f || write_dmesg(log, f) || fclose(f)) {
		fprintf(stderr, "kmm boot: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!m->booted)
		return 0;
	if (write_view(o->output_dir, "zoneinfo.txt", m, kmm_view_zoneinfo) ||
	    write_view(o->output_dir, "buddyinfo.txt", m, kmm_view_buddyinfo) ||
	    write_view(o->output_dir, "pagetypeinfo.txt", m, kmm_view_pagetypeinfo) ||
	    write_view(o->output_dir, "meminfo.txt", m, kmm_view_meminfo) ||
	    write_view(o->output_dir, "min_free_kbytes.txt", m, kmm_view_min_free_kbytes) ||
	    write_view(o->output_dir, "iomem.txt", m, kmm_view_iomem) ||
	    write_view(o->output_dir, "vmstat.txt", m, kmm_view_vmstat))
		return -1;
	return 0;
}

static int read_blob(const char *path, void **out, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot size the file", path);
		fclose(f);
		return -1;
	}
	/* libfdt wants 8-byte alignment: malloc gives at least that */
	buf = malloc((size_t)n + 8);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = (size_t)n;
	return 0;
}

static int parse_addr(const char *opt, const char *s, u64 *out, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *end || errno) {
		snprintf(err, errlen, "%s: not an address: '%s'", opt, s);
		return -1;
	}
	return 0;
}

/* /sys/kernel/debug/memblock/{memory,reserved} of the final state, into @dir */
static int arm64_write_memblock_debugfs(const char *dir, const struct memblock *mb, char *err,
					size_t errlen)
{
	const struct memblock_type *types[] = { &mb->memory, &mb->reserved };
	const char *names[] = { "memblock_memory.txt", "memblock_reserved.txt" };

	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < 2; i++) {
		size_t len = kmm_memblock_debugfs_show(types[i], NULL, 0);
		char *text = malloc(len + 1), path[4096];
		FILE *f;
		int bad;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!text) {
			snprintf(err, errlen, "%s/%s: out of memory", dir, names[i]);
			return -1;
		}
		kmm_memblock_debugfs_show(types[i], text, len + 1);
		f = fopen(path, "w");
		bad = !f || fwrite(text, 1, len, f) != len;
		if (f && fclose(f))
			bad = 1;
		free(text);
		if (bad) {
			snprintf(err, errlen, "%s/%s: %s", dir, names[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * The arm64 path: the device tree (libfdt), its /chosen command line unless
 * --cmdline, the Image at --kernel-load; kmm runs setup_arch() and
 * start_kernel()'s memory path, and writes the memblock debugfs files with
 * --output-dir.  The tree goes to @h (the machine points into it; the views
 * read its cpus) and lives as long as the machine.
 */
static int boot_arm64(const struct kmm_boot_opts *o, struct kmm_machine *m, struct host *h,
		      char *err, size_t errlen)
{
	char *map = NULL, *cfg = NULL;
	void *blob = NULL;
	size_t blob_len = 0;
	struct kmm_dt *dt = NULL;
	u64 load = 0x40200000, dtb_addr = 0;
	int ret = 1;

	if (!o->dtb) {
		snprintf(err, errlen, "--arch arm64 needs --dtb FILE (and --kernel-load ADDR)");
		return 1;
	}
	if (!o->system_map) {
		snprintf(err, errlen, "--system-map is needed to place the kernel image");
		return 1;
	}
	if (o->kernel_load && parse_addr("--kernel-load", o->kernel_load, &load, err, errlen))
		return 1;
	if (o->dtb_addr && parse_addr("--dtb-addr", o->dtb_addr, &dtb_addr, err, errlen))
		return 1;
	if (!(map = read_file(o->system_map, err, errlen)))
		goto out;
	if (o->kernel_config && !(cfg = read_file(o->kernel_config, err, errlen)))
		goto out;
	if (cfg && kmm_kernel_parse_config(&m->kernel, cfg, err, errlen))
		goto out;
	if (kmm_kernel_parse_system_map(&m->kernel, map, err, errlen))
		goto out;
	if (read_struct_sizes(o, m, err, errlen))
		goto out;
	if (read_blob(o->dtb, &blob, &blob_len, err, errlen))
		goto out;
	dt = malloc(sizeof(*dt));
	if (!dt) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (kmm_fdt_read(dt, blob, blob_len, err, errlen))
		goto out;
	dt->blob_phys = dtb_addr;
	if (kmm_cmdline_parse(&m->cmdline, o->cmdline ? o->cmdline : dt->bootargs, err, errlen))
		goto out;
	if (kmm_arm64_setup_arch(m, dt, load, err, errlen))
		goto out;
	if (kmm_start_kernel_early(m, err, errlen) || kmm_start_kernel_mm(m, err, errlen))
		goto out;
	if (o->output_dir && arm64_write_memblock_debugfs(o->output_dir, &m->memblock, err, errlen))
		goto out;
	m->booted = true;
	h->dt = dt;
	dt = NULL;
	ret = 0;
out:
	if (dt)
		m->dt = NULL; /* freed below */
	free(dt);
	free(blob);
	free(map);
	free(cfg);
	return ret;
}

/* --struct-sizes, else struct-sizes.txt in the System.map's directory */
static int read_struct_sizes(const struct kmm_boot_opts *o, struct kmm_machine *m, char *err,
			     size_t errlen)
{
	char path[4096];
	char *text;
	int ret;

	if (o->struct_sizes) {
		snprintf(path, sizeof(path), "%s", o->struct_sizes);
	} else if (o->system_map) {
		const char *slash = strrchr(o->system_map, '/');

		snprintf(path, sizeof(path), "%.*sstruct-sizes.txt",
			 slash ? (int)(slash - o->system_map + 1) : 0, o->system_map);
		if (access(path, R_OK))
			return 0;
	} else {
		return 0;
	}
	text = read_file(path, err, errlen);
	if (!text)
		return -1;
	ret = kmm_kernel_parse_struct_sizes(&m->kernel, text, err, errlen);
	free(text);
	return ret;
}

static int boot_machine(const struct kmm_boot_opts *o, struct kmm_machine *m, struct host *h,
			const char *prog)
{
	char err[512] = "";
	char *dmesg = NULL, *map = NULL, *cfg = NULL;
	const char *dmesg_text, *map_text, *cfg_text;
	bool builtin = !o->dmesg && !o->dtb;
	int ret = 1;

	if (m->kernel.arch == KMM_ARCH_ARM64) {
		ret = boot_arm64(o, m, h, err, sizeof(err));
		goto out;
	}
	if (o->dmesg && !(dmesg = read_file(o->dmesg, err, sizeof(err))))
		goto out;
	if (o->system_map && !(map = read_file(o->system_map, err, sizeof(err))))
		goto out;
	if (o->kernel_config && !(cfg = read_file(o->kernel_config, err, sizeof(err))))
		goto out;
	dmesg_text = dmesg ? dmesg : (builtin ? kmm_default_dmesg : "");
	map_text = map ? map : (builtin ? kmm_default_system_map : NULL);
	cfg_text = cfg ? cfg : (builtin ? kmm_default_config : NULL);

	if (cfg_text && kmm_kernel_parse_config(&m->kernel, cfg_text, err, sizeof(err)))
		goto out;
	if (!map_text) {
		snprintf(err, sizeof(err), "--system-map is needed to place the kernel image");
		goto out;
	}
	if (kmm_kernel_parse_system_map(&m->kernel, map_text, err, sizeof(err)))
		goto out;
	if (read_struct_sizes(o, m, err, sizeof(err)))
		goto out;
	if (kmm_bootlog_parse(&m->boot, dmesg_text, err, sizeof(err)))
		goto out;
	if (o->numa_distance) {
		char *slit = read_file(o->numa_distance, err, sizeof(err));
		char why[256];

		if (!slit)
			goto out;
		ret = kmm_slit_parse(m->slit.d, &m->slit.n, slit, why, sizeof(why));
		free(slit);
		if (ret) {
			snprintf(err, sizeof(err), "--numa-distance %s: %s", o->numa_distance, why);
			ret = 1;
			goto out;
		}
	}
	if (kmm_cmdline_parse(&m->cmdline, o->cmdline ? o->cmdline : m->boot.cmdline, err,
			      sizeof(err)))
		goto out;
	if (kmm_x86_setup_arch(m, dmesg_text, err, sizeof(err)))
		goto out;
	ret = kmm_x86_setup_memory(m, err, sizeof(err));
	if (ret == -KMM_ENOTSUP) {
		/* a stage kmm does not simulate yet: keep what was computed */
		fprintf(stderr, "%s: stopped early: %s\n", prog, err);
		ret = 0;
		goto out;
	}
	if (ret || kmm_start_kernel_early(m, err, sizeof(err)) ||
	    kmm_start_kernel_mm(m, err, sizeof(err))) {
		ret = 1;
		goto out;
	}
	m->booted = true;
out:
	if (ret)
		fprintf(stderr, "%s: %s\n", prog, err);
	free(dmesg);
	free(map);
	free(cfg);
	return ret;
}

int kmm_boot_opt(struct kmm_boot_opts *o, int c, char *arg)
{
	switch (c) {
	case 'a': o->arch = arg; break;
	case 'd': o->dmesg = arg; break;
	case 'n': o->numa_distance = arg; break;
	case 't': o->dtb = arg; break;
	case 'T': o->dtb_addr = arg; break;
	case 'k': o->kernel_load = arg; break;
	case 's': o->system_map = arg; break;
	case 'c': o->kernel_config = arg; break;
	case 'z': o->struct_sizes = arg; break;
	case 'l': o->cmdline = arg; break;
	default: return -1;
	}
	return 0;
}

int kmm_boot_run(const struct kmm_boot_opts *o, const struct kmm_boot_run *run)
{
	enum kmm_arch arch = KMM_ARCH_X86_64;
	struct kmm_machine *m;
	struct host h = { 0 };
	struct kmm_env env;
	char err[256];
	int ret;

	if (o->arch && parse_arch(o->arch, &arch)) {
		fprintf(stderr, "%s: --arch: unknown architecture '%s' (x86_64, i386, arm64)\n",
			run->prog, o->arch);
		return 2;
	}
	if (!o->dmesg && !o->dtb && arch != KMM_ARCH_X86_64) {
		fprintf(stderr, "%s: the built-in default machine is x86_64; give --dmesg or --dtb\n",
			run->prog);
		return 2;
	}
	/*
	 * Simulated physical memory costs only what is touched: back 4 TiB of
	 * physical address space (64 GiB, PAE's reach, on i386) so that a
	 * 1 TiB machine whose RAM continues above the PCI hole fits.
	 */
	ret = kmm_physmem_create(&h.pm, arch == KMM_ARCH_I386 ? 64ULL << 30 : 4ULL << 40, err,
				 sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", run->prog, err);
		return 1;
	}
	kmm_hosted_log_init(&h.log, NULL);
	env = (struct kmm_env){ .opaque = &h, .log_line = host_log, .phys_to_virt = host_p2v,
				.virt_to_phys = host_v2p, .bug = kmm_hosted_bug_abort,
				.memblock_trace = run->memblock_trace,
				.memblock_trace_cookie = run->trace_cookie };
	kmm_hosted_cpu_fill_env(&env); /* each host thread is bound to a CPU of its own */
	m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "%s: out of memory\n", run->prog);
		kmm_hosted_log_free(&h.log);
		kmm_physmem_destroy(h.pm);
		return 1;
	}
	kmm_machine_init(m, arch, &env);
	if (run->setup)
		run->setup(run->ctx, m);
	ret = boot_machine(o, m, &h, run->prog);
	if (!ret && run->report && run->report(run->ctx, m, &h.log))
		ret = 1;
	free(m);
	free(h.dt);
	kmm_hosted_log_free(&h.log);
	kmm_physmem_destroy(h.pm);
	return ret;
}

/* kmm boot's report: the log, and the views with --output-dir */
static int boot_report(void *ctx, struct kmm_machine *m, const struct kmm_hosted_log *log)
{
	const struct kmm_boot_opts *o = ctx;

	return write_outputs(o, log, m);
}

int kmm_cmd_boot(int argc, char **argv)
{
	static const struct option longopts[] = {
		KMM_BOOT_LONGOPTS,
		{ "output-dir", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmm_boot_opts o = { 0 };
	struct kmm_boot_run run = { .prog = "kmm boot", .report = boot_report, .ctx = &o };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (!kmm_boot_opt(&o, c, optarg))
			continue;
		switch (c) {
		case 'o': o.output_dir = optarg; break;
		case 'h': boot_usage(stdout); return 0;
		default: boot_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kmm boot: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return kmm_boot_run(&o, &run);
}
