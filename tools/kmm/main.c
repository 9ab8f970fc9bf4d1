// SPDX-License-Identifier: MIT
/*
 * main.c - the kmm command-line program: dispatches subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "kmm_tool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmm <command> [options]\n"
		"\n"
		"Linux 6.1's memory management, simulated in user space.\n"
		"\n"
		"commands:\n"
		"  boot     boot a machine and print what Linux prints about its memory\n"
		"           (kmm boot --help for the options)\n"
		"  explain  boot a machine the same way and say where every byte of its RAM\n"
		"           went (kmm explain --help)\n"
		"  stress   boot a machine and stress its page allocator from several threads\n"
		"           (kmm stress --help)\n"
		"  help     this text\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "boot"))
		return kmm_cmd_boot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explain"))
		return kmm_cmd_explain(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stress"))
		return kmm_cmd_stress(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "kmm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
