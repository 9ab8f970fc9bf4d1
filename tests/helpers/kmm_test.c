// SPDX-License-Identifier: MIT
/*
 * kmm_test.c - the recording test environment of kmm_test.h.
 *
 * A struct kmm_test_env owns one struct kmm_env whose opaque pointer is the
 * kmm_test_env itself:
 *   - log_line appends a copy of every line to lines[] (nr_lines counts
 *     them); once KMM_TEST_MAX_LINES are stored further lines are dropped
 *     and a cmocka failure is raised, since a test that logs that much is
 *     broken;
 *   - bug counts failed KMM_CHECKs in nr_bugs and records
 *     "BUG: <func>: <what>" as a line, so tests can assert which check fired;
 *   - phys_to_virt/virt_to_phys go to the hosted physmem when the test asked
 *     for physical memory, and otherwise report "not backed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/bootlog.h>
#include <kmm/cmdline.h>
#include <kmm/machine.h>
#include <kmm/start_kernel.h>

static char *kmm_test_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static void kmm_test_record(struct kmm_test_env *t, const char *line)
{
	if (t->nr_lines >= KMM_TEST_MAX_LINES)
		fail_msg("kmm_test: more than %d log lines", KMM_TEST_MAX_LINES);
	t->lines[t->nr_lines++] = kmm_test_strdup(line);
}

static void kmm_test_log_line(void *opaque, const char *line)
{
	kmm_test_record(opaque, line);
}

static void kmm_test_bug(void *opaque, const char *func, const char *what)
{
	struct kmm_test_env *t = opaque;
	char buf[1024];

	t->nr_bugs++;
	snprintf(buf, sizeof(buf), "BUG: %s: %s", func, what);
	kmm_test_record(t, buf);
}

static void *kmm_test_phys_to_virt(void *opaque, phys_addr_t pa)
{
	struct kmm_test_env *t = opaque;

	if (!t->physmem)
		return NULL;
	return kmm_physmem_phys_to_virt(t->physmem, pa);
}

static phys_addr_t kmm_test_virt_to_phys(void *opaque, const void *va)
{
	struct kmm_test_env *t = opaque;

	if (!t->physmem)
		return KMM_PHYS_ADDR_MAX;
	return kmm_physmem_virt_to_phys(t->physmem, va);
}

struct kmm_test_env *kmm_test_env_new(u64 phys_bytes)
{
	struct kmm_test_env *t = calloc(1, sizeof(*t));
	char err[256];
	int ret;

	assert_non_null(t);
	t->env.opaque = t;
	t->env.log_line = kmm_test_log_line;
	t->env.bug = kmm_test_bug;
	t->env.phys_to_virt = kmm_test_phys_to_virt;
	t->env.virt_to_phys = kmm_test_virt_to_phys;
	if (phys_bytes > 0) {
		ret = kmm_physmem_create(&t->physmem, phys_bytes, err, sizeof(err));
		if (ret)
			fail_msg("kmm_test_env_new(%llu): %s (%s)", (unsigned long long)phys_bytes,
				 kmm_strerror(ret), err);
	}
	return t;
}

void kmm_test_env_clear_log(struct kmm_test_env *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_lines; i++) {
		free(t->lines[i]);
		t->lines[i] = NULL;
	}
	t->nr_lines = 0;
}

void kmm_test_env_free(struct kmm_test_env *t)
{
	if (!t)
		return;
	kmm_test_env_clear_log(t);
	if (t->physmem)
		kmm_physmem_destroy(t->physmem);
	free(t);
}

int kmm_test_find_line(const struct kmm_test_env *t, unsigned int from, const char *line)
{
	unsigned int i;

	for (i = from; i < t->nr_lines; i++)
		if (strcmp(t->lines[i], line) == 0)
			return (int)i;
	return -1;
}

/*
 * The log as "  [index] line\n" text for failure messages.  The buffer is
 * static (tests are single-threaded) and the text is cut, marked "...",
 * when it does not fit.
 */
const char *kmm_test_log_text(const struct kmm_test_env *t)
{
	static char buf[256 * 1024];
	size_t len = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < t->nr_lines; i++) {
		n = snprintf(buf + len, sizeof(buf) - len, "  [%u] %s\n", i, t->lines[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - len) {
			strcpy(buf + sizeof(buf) - 5, "...\n");
			break;
		}
		len += (size_t)n;
	}
	return buf;
}

char *kmm_test_read_fixture(const char *dir, const char *name)
{
	char path[1024];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s/%s", KMM_FIXTURES, dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open fixture %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

void kmm_test_strip_caller(char *line)
{
	char *p;

	if (strncmp(line, "memblock_", 9))
		return;
	p = strstr(line, "max_addr=");
	p = p ? strchr(p, ' ') : strchr(line, ']');
	if (p && *p == ']')
		p++;
	if (p)
		*p = '\0';
}

enum kmm_arch kmm_test_arch(const char *name)
{
	if (!strcmp(name, "x86_64"))
		return KMM_ARCH_X86_64;
	if (!strcmp(name, "i386"))
		return KMM_ARCH_I386;
	assert_string_equal(name, "arm64");
	return KMM_ARCH_ARM64;
}

void kmm_test_machine_zones(struct kmm_machine *m, enum kmm_arch arch, const struct kmm_env *env)
{
	kmm_machine_init(m, arch, env);
	kmm_zone_layout_init(&m->zone_layout, &m->kernel);
	for (unsigned int i = 0; i < m->zone_layout.nr; i++)
		for (int n = 0; n < KMM_MAX_NUMNODES; n++) {
			m->node[n].zones[i].kind = m->zone_layout.kind[i];
			m->node[n].zones[i].node = n;
		}
}

int kmm_test_zone_index(const struct kmm_machine *m, const char *name)
{
	for (unsigned int i = 0; i < m->zone_layout.nr; i++)
		if (!strcmp(kmm_zone_kind_name(m->zone_layout.kind[i]), name))
			return (int)i;
	fail_msg("no zone %s in this build", name);
	return -1;
}

struct kmm_zone *kmm_test_zone(const struct kmm_machine *m, int nid, const char *name)
{
	return (struct kmm_zone *)&m->node[nid].zones[kmm_test_zone_index(m, name)];
}

int kmm_test_boot_x86(struct kmm_machine *m, const char *dmesg, const char *cmdline,
		      const char *map, const char *cfg, char *err, size_t errlen)
{
	int ret = kmm_kernel_parse_config(&m->kernel, cfg, err, errlen);

	if (!ret)
		ret = kmm_kernel_parse_system_map(&m->kernel, map, err, errlen);
	if (!ret)
		ret = kmm_bootlog_parse(&m->boot, dmesg, err, errlen);
	if (!ret)
		ret = kmm_cmdline_parse(&m->cmdline, cmdline ? cmdline : m->boot.cmdline, err, errlen);
	if (!ret)
		ret = kmm_x86_setup_arch(m, dmesg, err, errlen);
	if (!ret)
		ret = kmm_x86_setup_memory(m, err, errlen);
	if (!ret)
		ret = kmm_start_kernel_early(m, err, errlen);
	if (!ret)
		ret = kmm_start_kernel_mm(m, err, errlen);
	return ret;
}
