// SPDX-License-Identifier: MIT
/*
 * test_hosted_log.c - struct kmm_hosted_log, the hosted port's log sink
 * (kmm/hosted.h): lines appended through the env hook, growth past the
 * first buffer, echo, write-out and clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/kmm_test.h"

#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/lib.h>

/* Expect a fresh log to be empty text, and free to be safe twice. */
static void hosted_log_empty(void **state)
{
	struct kmm_hosted_log log;

	kmm_hosted_log_init(&log, NULL);
	assert_string_equal(kmm_hosted_log_text(&log), "");
	assert_int_equal(log.nr_lines, 0);
	kmm_hosted_log_free(&log);
	kmm_hosted_log_free(&log);
}

/*
 * Expect lines printed through a kmm_env to arrive '\n'-terminated, in
 * order, split where printk splits them.
 */
static void hosted_log_env_lines(void **state)
{
	struct kmm_hosted_log log;
	struct kmm_env env = { 0 };

	kmm_hosted_log_init(&log, NULL);
	env.opaque = &log;
	env.log_line = kmm_hosted_log_line;
	kmm_printk(&env, "Linux version %d.%d", 6, 1);
	kmm_printk(&env, "a\nb");
	assert_string_equal(kmm_hosted_log_text(&log), "Linux version 6.1\na\nb\n");
	assert_int_equal(log.nr_lines, 3);
	assert_int_equal(log.len, strlen(log.text));
	assert_int_equal(log.nr_dropped, 0);
	kmm_hosted_log_free(&log);
}

/* Expect 10000 lines (far past the first 4 KiB buffer) to all be kept. */
static void hosted_log_grows(void **state)
{
	struct kmm_hosted_log log;
	char line[64];
	const char *p;
	int i;

	kmm_hosted_log_init(&log, NULL);
	for (i = 0; i < 10000; i++) {
		snprintf(line, sizeof(line), "line %05d", i);
		assert_int_equal(kmm_hosted_log_append(&log, line), 0);
	}
	assert_int_equal(log.nr_lines, 10000);
	assert_int_equal(log.len, 10000 * strlen("line 00000\n"));
	assert_true(log.len < log.cap);
	p = kmm_hosted_log_text(&log);
	assert_memory_equal(p, "line 00000\nline 00001\n", 22);
	assert_string_equal(p + log.len - 11, "line 09999\n");
	kmm_hosted_log_free(&log);
}

/* Expect echo to copy each line at once and write() to copy them all. */
static void hosted_log_echo_write_clear(void **state)
{
	struct kmm_hosted_log log;
	char *echo_buf = NULL, *out_buf = NULL;
	size_t echo_len = 0, out_len = 0;
	FILE *echo = open_memstream(&echo_buf, &echo_len);
	FILE *out = open_memstream(&out_buf, &out_len);

	assert_non_null(echo);
	assert_non_null(out);
	kmm_hosted_log_init(&log, echo);
	kmm_hosted_log_line(&log, "one");
	kmm_hosted_log_line(&log, "");
	kmm_hosted_log_line(&log, "three");
	fflush(echo);
	assert_string_equal(echo_buf, "one\n\nthree\n");
	assert_int_equal(kmm_hosted_log_write(&log, out), 0);
	assert_string_equal(out_buf, "one\n\nthree\n");

	kmm_hosted_log_clear(&log);
	assert_string_equal(kmm_hosted_log_text(&log), "");
	assert_int_equal(log.nr_lines, 0);
	kmm_hosted_log_line(&log, "four");
	assert_string_equal(kmm_hosted_log_text(&log), "four\n");

	kmm_hosted_log_free(&log);
	fclose(echo);
	fclose(out);
	free(echo_buf);
	free(out_buf);
}

/* Expect a write to a stream that cannot be written to fail with -KMM_EIO. */
static void hosted_log_write_error(void **state)
{
	struct kmm_hosted_log log;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	kmm_hosted_log_init(&log, NULL);
	kmm_hosted_log_line(&log, "no space");
	assert_int_equal(kmm_hosted_log_write(&log, f), -KMM_EIO);
	fclose(f);
	kmm_hosted_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hosted_log_empty),
		cmocka_unit_test(hosted_log_env_lines),
		cmocka_unit_test(hosted_log_grows),
		cmocka_unit_test(hosted_log_echo_write_clear),
		cmocka_unit_test(hosted_log_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
