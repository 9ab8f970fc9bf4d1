/* SPDX-License-Identifier: MIT */
/*
 * kmm_test.h - shared test support: an environment that records every log
 * line (so tests can assert Linux's exact output) and, optionally, backs a
 * physical address space with real memory through the hosted port.
 */
#ifndef KMM_TEST_H
#define KMM_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <kmm/env.h>

#define KMM_TEST_MAX_LINES 4096

struct kmm_test_env {
	struct kmm_env env;
	char *lines[KMM_TEST_MAX_LINES];
	unsigned int nr_lines;
	unsigned int nr_bugs;       /* KMM_CHECK failures seen */
	struct kmm_physmem *physmem; /* NULL: phys_to_virt returns NULL */
};

/* kmm_test_env_new - a recording environment; @phys_bytes > 0 also maps
 * that much simulated physical memory (hosted port) for phys_to_virt. */
struct kmm_test_env *kmm_test_env_new(u64 phys_bytes);
void kmm_test_env_free(struct kmm_test_env *t);
void kmm_test_env_clear_log(struct kmm_test_env *t);
/* index of the first line equal to @line at or after @from, or -1 */
int kmm_test_find_line(const struct kmm_test_env *t, unsigned int from, const char *line);
/* the whole log, one line each, for failure messages (static buffer) */
const char *kmm_test_log_text(const struct kmm_test_env *t);

/*
 * kmm_test_strip_caller - cut the caller off a memblock=debug line in place
 * (other lines are left alone).  Callers are not compared with Linux, as in
 * tools/fidelity: Linux prints where its compiler inlined a call
 * ("setup_arch+0x7e0/0xd4f"), kmm the function name.
 */
void kmm_test_strip_caller(char *line);

/* kmm_test_read_fixture - the whole of tests/fixtures/@dir/@name, NUL-terminated
 * (free() it); fails the test when the file cannot be read. */
char *kmm_test_read_fixture(const char *dir, const char *name);

#endif
