/* SPDX-License-Identifier: MIT */
/* kmm_tool.h - shared declarations of the kmm command-line program. */
#ifndef KMM_TOOL_H
#define KMM_TOOL_H

extern const char kmm_default_dmesg[];
extern const char kmm_default_system_map[];
extern const char kmm_default_config[];

int kmm_cmd_boot(int argc, char **argv);

#endif
