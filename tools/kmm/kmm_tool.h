/* SPDX-License-Identifier: MIT */
/* kmm_tool.h - shared declarations of the kmm command-line program. */
#ifndef KMM_TOOL_H
#define KMM_TOOL_H

#include <stdio.h>

extern const char kmm_default_dmesg[];
extern const char kmm_default_system_map[];
extern const char kmm_default_config[];

int kmm_cmd_boot(int argc, char **argv);

/* /proc views of a booted machine (views.c), in Linux 6.1's formats */
struct kmm_machine;
void kmm_view_zoneinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_buddyinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_pagetypeinfo(FILE *f, const struct kmm_machine *m);
void kmm_view_meminfo(FILE *f, const struct kmm_machine *m);
void kmm_view_min_free_kbytes(FILE *f, const struct kmm_machine *m);

#endif
