/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h - shared by the fuzz targets: an environment whose log hook
 * formats-and-drops every line and whose bug hook aborts (a failed
 * KMM_CHECK is a finding), and the checker of a sanitised e820 table.
 */
#ifndef KMM_FUZZ_COMMON_H
#define KMM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/e820.h>

static void fuzz_log_line(void *opaque, const char *line)
{
	(void)opaque;
	(void)strlen(line);
}

static void fuzz_bug(void *opaque, const char *func, const char *what)
{
	(void)opaque;
	fprintf(stderr, "kmm BUG: %s: %s\n", func, what);
	abort();
}

static const struct kmm_env fuzz_env = {
	.log_line = fuzz_log_line,
	.bug = fuzz_bug,
};

/* After e820__update_table() returned 0: sorted, disjoint, non-empty, no
 * wrap, touching entries of one type merged except the nomerge types. */
static __attribute__((unused)) void fuzz_check_sanitised(const struct e820_table *t)
{
	u32 i;

	if (t->nr_entries > E820_MAX_ENTRIES)
		abort();
	for (i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *a = &t->entries[i], *b = a + 1;

		if (a->size == 0 || a->type == 0 || a->addr + a->size < a->addr)
			abort();
		if (i + 1 == t->nr_entries)
			continue;
		if (a->addr + a->size > b->addr)
			abort();
		if (a->addr + a->size == b->addr && a->type == b->type &&
		    a->type != E820_TYPE_PRAM && a->type != E820_TYPE_SOFT_RESERVED)
			abort();
	}
}

#endif
