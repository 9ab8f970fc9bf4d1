// SPDX-License-Identifier: MIT
/*
 * memblock_fixture.c - the shared memblock test fixture of memblock_fixture.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/memblock_fixture.h"

struct mb_fixture *mb_fixture_new(bool numa)
{
	struct mb_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->t = kmm_test_env_new(MB_FIXTURE_PHYS);
	memblock_init(&f->mb, &f->t->env, f->memory_regions, INIT_MEMBLOCK_REGIONS,
		      f->reserved_regions, INIT_MEMBLOCK_REGIONS, numa, MB_FIXTURE_MAX_NUMNODES);
	return f;
}

void mb_fixture_free(struct mb_fixture *f)
{
	if (!f)
		return;
	kmm_test_env_free(f->t);
	free(f);
}

int mb_setup_numa(void **state)
{
	*state = mb_fixture_new(true);
	return 0;
}

int mb_setup_flat(void **state)
{
	*state = mb_fixture_new(false);
	return 0;
}

int mb_teardown(void **state)
{
	mb_fixture_free(*state);
	*state = NULL;
	return 0;
}

bool mb_fixture_log_has(const struct mb_fixture *f, const char *line)
{
	return kmm_test_find_line(f->t, 0, line) >= 0;
}

const char *mb_fixture_log_similar(const struct mb_fixture *f, const char *line)
{
	static char buf[8192];
	size_t n = strcspn(line, ": "), len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < f->t->nr_lines && len + 2 < sizeof(buf); i++) {
		size_t l = strlen(f->t->lines[i]);

		if (strncmp(f->t->lines[i], line, n) != 0 || len + l + 4 >= sizeof(buf))
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "  %s\n", f->t->lines[i]);
	}
	return buf;
}

unsigned int mb_fixture_log_count_prefix(const struct mb_fixture *f, const char *prefix)
{
	size_t n = strlen(prefix);
	unsigned int i, count = 0;

	for (i = 0; i < f->t->nr_lines; i++)
		if (strncmp(f->t->lines[i], prefix, n) == 0)
			count++;
	return count;
}
