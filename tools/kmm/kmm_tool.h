/* SPDX-License-Identifier: MIT */
/* kmm_tool.h - shared declarations of the kmm command-line program. */
#ifndef KMM_TOOL_H
#define KMM_TOOL_H

#include <stdio.h>

extern const char kmm_default_dmesg[];
extern const char kmm_default_system_map[];
extern const char kmm_default_config[];

int kmm_cmd_boot(int argc, char **argv);
int kmm_cmd_explain(int argc, char **argv);
int kmm_cmd_stress(int argc, char **argv);

/*
 * Booting a machine from the command line, shared by `kmm boot` and
 * `kmm explain` (boot.c).  KMM_BOOT_LONGOPTS goes into a getopt_long table;
 * kmm_boot_opt() takes one of its options (0) or says it is not one (-1).
 */
struct kmm_boot_opts {
	const char *arch, *dmesg, *numa_distance, *dtb, *dtb_addr, *kernel_load;
	const char *system_map, *kernel_config, *struct_sizes, *cmdline, *output_dir;
};

#define KMM_BOOT_LONGOPTS                                          \
	{ "arch", required_argument, NULL, 'a' },                  \
	{ "dmesg", required_argument, NULL, 'd' },                 \
	{ "numa-distance", required_argument, NULL, 'n' },         \
	{ "dtb", required_argument, NULL, 't' },                   \
	{ "dtb-addr", required_argument, NULL, 'T' },              \
	{ "kernel-load", required_argument, NULL, 'k' },           \
	{ "system-map", required_argument, NULL, 's' },            \
	{ "kernel-config", required_argument, NULL, 'c' },         \
	{ "struct-sizes", required_argument, NULL, 'z' },          \
	{ "cmdline", required_argument, NULL, 'l' }

int kmm_boot_opt(struct kmm_boot_opts *o, int c, char *arg);

struct kmm_machine;
struct kmm_hosted_log;
struct memblock;
struct memblock_trace_event;

/*
 * struct kmm_boot_run - what a command adds to a boot: @prog prefixes the
 * messages; @memblock_trace (may be NULL) becomes the env's hook with
 * @trace_cookie; @setup runs after kmm_machine_init(), @report after the
 * boot (also one that stopped early at a stage kmm does not simulate:
 * m->booted is then false); a non-zero @report result fails the command.
 */
struct kmm_boot_run {
	const char *prog;
	void (*memblock_trace)(void *cookie, const struct memblock *mb,
			       const struct memblock_trace_event *ev);
	void *trace_cookie;
	void (*setup)(void *ctx, const struct kmm_machine *m);
	/* the booted machine, writable: a report may go on running it (kmm stress) */
	int (*report)(void *ctx, struct kmm_machine *m, const struct kmm_hosted_log *log);
	void *ctx;
};

/* kmm_boot_run - boot the machine @o describes; 0, 1 (failed, said on stderr) or 2 (usage) */
int kmm_boot_run(const struct kmm_boot_opts *o, const struct kmm_boot_run *run);

/* /proc views of a booted machine (views.c), in Linux 6.1's formats */
struct kmm_machine;
void kmm_view_zoneinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_buddyinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_pagetypeinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_meminfo(FILE *f, const struct kmm_machine *m);
void kmm_view_min_free_kbytes(FILE *f, const struct kmm_machine *m);
void kmm_view_iomem(FILE *f, const struct kmm_machine *m);
void kmm_view_vmstat(FILE *f, const struct kmm_machine *m);

#endif
