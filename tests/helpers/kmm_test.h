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
#include <kmm/kernel.h>

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

/* Machines and zones, for tests that build zones by hand or from fixtures. */
struct kmm_machine;
struct kmm_zone;

/* kmm_test_arch - "x86_64", "i386" or "arm64"; anything else fails the test */
enum kmm_arch kmm_test_arch(const char *name);
/* kmm_test_machine_zones - kmm_machine_init() plus the build's zone layout,
 * every node's zones given their kind and node (free_area_init not run) */
void kmm_test_machine_zones(struct kmm_machine *m, enum kmm_arch arch, const struct kmm_env *env);

/*
 * kmm_test_boot_x86 - boot the initialised x86 machine @m the way `kmm boot
 * --dmesg` does: the kernel's @cfg and @map, the boot log @dmesg, the
 * command line @cmdline (NULL: the one the log records), setup_arch,
 * setup_memory and start_kernel's memory part.  0, or the first error with
 * its message in @err.
 */
int kmm_test_boot_x86(struct kmm_machine *m, const char *dmesg, const char *cmdline,
		      const char *map, const char *cfg, char *err, size_t errlen);
/* kmm_test_zone_index - zone_idx() of the zone named @name ("DMA32", ...);
 * fails the test when the build has no such zone */
int kmm_test_zone_index(const struct kmm_machine *m, const char *name);
/* kmm_test_zone - node @nid's zone named @name (see kmm_test_zone_index) */
struct kmm_zone *kmm_test_zone(const struct kmm_machine *m, int nid, const char *name);

#endif
