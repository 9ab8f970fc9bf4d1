// SPDX-License-Identifier: MIT
/*
 * log.c - struct kmm_hosted_log, the hosted port's log sink: kernel-log
 * lines collected into one growable, NUL-terminated buffer that the CLI
 * writes out (dmesg) and tests search.  See kmm/hosted.h for the invariants.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/error.h>
#include <kmm/hosted.h>

void kmm_hosted_log_init(struct kmm_hosted_log *log, FILE *echo)
{
	memset(log, 0, sizeof(*log));
	log->echo = echo;
}

void kmm_hosted_log_free(struct kmm_hosted_log *log)
{
	free(log->text);
	kmm_hosted_log_init(log, log->echo);
}

void kmm_hosted_log_clear(struct kmm_hosted_log *log)
{
	log->len = 0;
	log->nr_lines = 0;
	log->nr_dropped = 0;
	if (log->text)
		log->text[0] = '\0';
}

/* make room for @need more bytes plus the terminating NUL (doubling) */
static int log_reserve(struct kmm_hosted_log *log, size_t need)
{
	size_t cap = log->cap ? log->cap : 4096;
	char *text;

	if (need > (size_t)-1 / 2 - log->len)
		return -KMM_ENOMEM;
	while (cap < log->len + need + 1)
		cap *= 2;
	if (cap == log->cap)
		return 0;
	text = realloc(log->text, cap);
	if (!text)
		return -KMM_ENOMEM;
	log->text = text;
	log->cap = cap;
	return 0;
}

int kmm_hosted_log_append(struct kmm_hosted_log *log, const char *line)
{
	size_t n = strlen(line);

	if (log->echo) {
		fputs(line, log->echo);
		fputc('\n', log->echo);
	}
	if (log_reserve(log, n + 1)) {
		log->nr_dropped++;
		return -KMM_ENOMEM;
	}
	memcpy(log->text + log->len, line, n);
	log->len += n;
	log->text[log->len++] = '\n';
	log->text[log->len] = '\0';
	log->nr_lines++;
	return 0;
}

void kmm_hosted_log_line(void *opaque, const char *line)
{
	kmm_hosted_log_append(opaque, line);
}

const char *kmm_hosted_log_text(const struct kmm_hosted_log *log)
{
	return log->text ? log->text : "";
}

int kmm_hosted_log_write(const struct kmm_hosted_log *log, FILE *f)
{
	if (log->len && fwrite(log->text, 1, log->len, f) != log->len)
		return -KMM_EIO;
	if (fflush(f) != 0)
		return -KMM_EIO;
	return 0;
}

void kmm_hosted_bug_abort(void *opaque, const char *func, const char *what)
{
	fprintf(stderr, "kmm: BUG: %s: %s\n", func, what);
	fflush(stderr);
	abort();
}
