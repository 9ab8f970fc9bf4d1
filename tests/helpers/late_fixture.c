// SPDX-License-Identifier: MIT
/*
 * late_fixture.c - see late_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/late_fixture.h"

#include <kmm/machine.h>

/* the first log line at or after @from equal to @want once callers are cut, or -1 */
static int find_stripped(char *const *lines, unsigned int nr, unsigned int from, const char *want)
{
	char a[512], b[512];

	snprintf(b, sizeof(b), "%s", want);
	kmm_test_strip_caller(b);
	for (unsigned int i = from; i < nr; i++) {
		snprintf(a, sizeof(a), "%s", lines[i]);
		kmm_test_strip_caller(a);
		if (!strcmp(a, b))
			return (int)i;
	}
	return -1;
}

void kmm_test_expect_late(char *const *lines, unsigned int nr, const struct kmm_machine *m,
			  const char *fixture)
{
	char *text = kmm_test_read_fixture("oracle", fixture), *save = NULL;
	unsigned int from = 0;
	unsigned long kb;
	int nid;
	char zname[16], what[16];

	for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		if (ln[0] == '#')
			continue;
		if (sscanf(ln, "MemTotal: %lu kB", &kb) == 1) {
			assert_int_equal(m->totalram_pages * 4, kb);
		} else if (sscanf(ln, "CmaTotal: %lu kB", &kb) == 1) {
			assert_int_equal(m->totalcma_pages * 4, kb);
		} else if (sscanf(ln, "zone %d %15s %15s %lu", &nid, zname, what, &kb) == 4) {
			const struct kmm_zone *z = kmm_test_zone(m, nid, zname);
			if (!strcmp(what, "managed") && z->managed_pages != kb)
				fail_msg("node %d zone %s managed: kmm %lu, Linux %lu", nid, zname,
					 z->managed_pages, kb);
			if (!strcmp(what, "cma") && z->cma_pages != kb)
				fail_msg("node %d zone %s cma: kmm %lu, Linux %lu", nid, zname,
					 z->cma_pages, kb);
		} else {
			int at = find_stripped(lines, nr, from, ln);

			if (at < 0)
				fail_msg("%s: missing (in order) after log line %u: %s", fixture, from,
					 ln);
			from = (unsigned int)at + 1;
		}
	}
	free(text);
}
