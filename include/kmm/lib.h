/* SPDX-License-Identifier: MIT */
/*
 * kmm/lib.h - the small string/memory/formatting library of the freestanding
 * core.  The core never calls libc; these are its replacements.
 *
 * kmm_vsnprintf() implements the C99 conversions the core needs:
 * %d %i %u %x %X %o %c %s %p %%, flags "-+ #0", width and precision (also
 * '*'), and the length modifiers hh h l ll L z t j.  As in Linux's vsprintf
 * (and unlike C99), "%#x" of zero prints "0x0", so kmm's log lines read
 * exactly like the kernel's.  Like C99 it returns the
 * length the full output would have had and always NUL-terminates when
 * @size > 0.
 */
#ifndef KMM_LIB_H
#define KMM_LIB_H

#include <kmm/env.h>

void *kmm_memset(void *s, int c, size_t n);
void *kmm_memcpy(void *dst, const void *src, size_t n);
void *kmm_memmove(void *dst, const void *src, size_t n);
int kmm_memcmp(const void *a, const void *b, size_t n);
size_t kmm_strlen(const char *s);
size_t kmm_strnlen(const char *s, size_t max);
int kmm_strcmp(const char *a, const char *b);
int kmm_strncmp(const char *a, const char *b, size_t n);
char *kmm_strchr(const char *s, int c);
/* kmm_strlcpy - copy at most @size-1 bytes, always terminate; returns strlen(src). */
size_t kmm_strlcpy(char *dst, const char *src, size_t size);
bool kmm_isspace(int c);
bool kmm_isdigit(int c);
bool kmm_isxdigit(int c);
int kmm_tolower(int c);

/*
 * kmm_strtoull - parse an unsigned integer like Linux's simple_strtoull:
 * @base 0 picks 16 for "0x", 8 for a leading "0", else 10.  *@end (if not
 * NULL) points after the last digit used.  Sets *@overflow when the value
 * does not fit 64 bits (the result is then saturated).
 */
u64 kmm_strtoull(const char *s, const char **end, unsigned int base, bool *overflow);

/*
 * kmm_memparse - Linux's memparse(): a number (base 0) followed by an
 * optional K, M, G, T, P or E suffix (either case).  *@end points after the
 * suffix.  *@overflow is set when the result does not fit 64 bits.
 */
u64 kmm_memparse(const char *s, const char **end, bool *overflow);

int kmm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kmm_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * kmm_printk - format one or more log lines and hand each complete line to
 * @env->log_line (dropped when the hook is NULL).  Lines are split at '\n';
 * a line longer than 1023 bytes is cut.
 */
void kmm_printk(const struct kmm_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kmm_vprintk(const struct kmm_env *env, const char *fmt, va_list ap);

#define KMM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KMM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KMM_MAX(a, b) ((a) > (b) ? (a) : (b))
#define KMM_ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define KMM_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define KMM_IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define KMM_IS_POW2(x) ((x) != 0 && (((x) & ((x) - 1)) == 0))

/* kmm_splitmix64 - SplitMix64's output function: a well-mixed 64-bit value of @x (seeding) */
static inline u64 kmm_splitmix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif /* KMM_LIB_H */
