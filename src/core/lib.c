// SPDX-License-Identifier: MIT
/*
 * lib.c - string, number-parsing and formatting helpers of the freestanding
 * core (see kmm/lib.h), and kmm_strerror().
 *
 * Everything here is pure: no state, no environment access except
 * kmm_vprintk(), which formats into a stack buffer and hands complete lines
 * to env->log_line.
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>

void *kmm_memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *kmm_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *kmm_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

int kmm_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t kmm_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t kmm_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int kmm_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int kmm_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *kmm_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t kmm_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = kmm_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		kmm_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool kmm_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool kmm_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

bool kmm_isxdigit(int c)
{
	return kmm_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int kmm_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int digit_value(int c)
{
	if (kmm_isdigit(c))
		return c - '0';
	c = kmm_tolower(c);
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

u64 kmm_strtoull(const char *s, const char **end, unsigned int base, bool *overflow)
{
	u64 v = 0;
	bool ovf = false;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && kmm_isxdigit(s[2])) {
			base = 16;
			s += 2;
		} else if (s[0] == '0') {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		   kmm_isxdigit(s[2])) {
		s += 2;
	}
	for (;; s++) {
		unsigned int d = (unsigned int)digit_value((unsigned char)*s);

		if (d >= base)
			break;
		if (v > (KMM_ULLONG_MAX - d) / base) {
			ovf = true;
			v = KMM_ULLONG_MAX;
		} else if (!ovf) {
			v = v * base + d;
		}
	}
	if (end)
		*end = s;
	if (overflow)
		*overflow = ovf;
	return v;
}

u64 kmm_memparse(const char *s, const char **end, bool *overflow)
{
	const char *e;
	bool ovf;
	u64 v = kmm_strtoull(s, &e, 0, &ovf);
	unsigned int shift = 0;

	switch (*e) {
	case 'E': case 'e': shift = 60; break;
	case 'P': case 'p': shift = 50; break;
	case 'T': case 't': shift = 40; break;
	case 'G': case 'g': shift = 30; break;
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
	default: break;
	}
	if (shift) {
		e++;
		if (v > (KMM_ULLONG_MAX >> shift))
			ovf = true;
		v <<= shift;
	}
	if (end)
		*end = e;
	if (overflow)
		*overflow = ovf;
	return v;
}

/* ------------------------------------------------------------ vsnprintf */

struct out {
	char *buf;
	size_t size;
	size_t len; /* bytes the full output needs so far */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

static void out_number(struct out *o, u64 v, bool neg, unsigned int base, bool upper, int flags,
		       int width, int prec)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, zeros, pad;
	const char *prefix = "";
	int plen;

	if (!(v == 0 && prec == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (neg)
		prefix = "-";
	else if (flags & F_PLUS)
		prefix = "+";
	else if (flags & F_SPACE)
		prefix = " ";
	/* Linux's vsprintf, unlike C99, prefixes 0x to a zero value too */
	if ((flags & F_ALT) && base == 16)
		prefix = upper ? "0X" : "0x";
	if ((flags & F_ALT) && base == 8 && (n == 0 || tmp[n - 1] != '0') && prec <= n)
		prec = n + 1;
	plen = (int)kmm_strlen(prefix);
	zeros = prec > n ? prec - n : 0;
	if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT))
		zeros = width - plen - n > 0 ? width - plen - n : 0;
	pad = width - plen - zeros - n;
	if (!(flags & F_LEFT))
		out_pad(o, ' ', pad);
	while (*prefix)
		out_char(o, *prefix++);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (flags & F_LEFT)
		out_pad(o, ' ', pad);
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (kmm_isdigit(**fmt))
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

int kmm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = 0, prec = -1, lng = 0;
		bool sgn = false, upper = false;
		unsigned int base = 10;
		u64 uv;
		s64 sv;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-') flags |= F_LEFT;
			else if (*fmt == '+') flags |= F_PLUS;
			else if (*fmt == ' ') flags |= F_SPACE;
			else if (*fmt == '#') flags |= F_ALT;
			else if (*fmt == '0') flags |= F_ZERO;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			width = parse_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				prec = parse_int(&fmt);
			}
		}
		/* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t, 4 ptrdiff, 5 intmax */
		if (*fmt == 'h') {
			lng = -1;
			if (*++fmt == 'h') {
				lng = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			lng = 1;
			if (*++fmt == 'l') {
				lng = 2;
				fmt++;
			}
		} else if (*fmt == 'L' || *fmt == 'q') {
			lng = 2;
			fmt++;
		} else if (*fmt == 'z') {
			lng = 3;
			fmt++;
		} else if (*fmt == 't') {
			lng = 4;
			fmt++;
		} else if (*fmt == 'j') {
			lng = 5;
			fmt++;
		}
		switch (*fmt) {
		case '\0':
			fmt--;
			continue;
		case '%':
			out_char(&o, '%');
			continue;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & F_LEFT))
				out_pad(&o, ' ', width - 1);
			out_char(&o, c);
			if (flags & F_LEFT)
				out_pad(&o, ' ', width - 1);
			continue;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n;

			if (!s)
				s = "(null)";
			n = (int)kmm_strnlen(s, prec < 0 ? (size_t)-1 : (size_t)prec);
			if (!(flags & F_LEFT))
				out_pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				out_char(&o, s[i]);
			if (flags & F_LEFT)
				out_pad(&o, ' ', width - n);
			continue;
		}
		case 'p':
			uv = (u64)(uintptr_t)va_arg(ap, void *);
			out_number(&o, uv, false, 16, false, flags | F_ALT, width, prec);
			continue;
		case 'd':
		case 'i':
			sgn = true;
			break;
		case 'u':
			break;
		case 'X':
			upper = true;
			base = 16;
			break;
		case 'x':
			base = 16;
			break;
		case 'o':
			base = 8;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			continue;
		}
		if (sgn) {
			switch (lng) {
			case -2: sv = (signed char)va_arg(ap, int); break;
			case -1: sv = (short)va_arg(ap, int); break;
			case 0: sv = va_arg(ap, int); break;
			case 1: sv = va_arg(ap, long); break;
			case 3: sv = (s64)va_arg(ap, size_t); break;
			case 4: sv = va_arg(ap, ptrdiff_t); break;
			case 5: sv = va_arg(ap, intmax_t); break;
			default: sv = va_arg(ap, long long); break;
			}
			uv = sv < 0 ? (u64)0 - (u64)sv : (u64)sv;
			out_number(&o, uv, sv < 0, 10, false, flags, width, prec);
			continue;
		}
		switch (lng) {
		case -2: uv = (unsigned char)va_arg(ap, unsigned int); break;
		case -1: uv = (unsigned short)va_arg(ap, unsigned int); break;
		case 0: uv = va_arg(ap, unsigned int); break;
		case 1: uv = va_arg(ap, unsigned long); break;
		case 3: uv = va_arg(ap, size_t); break;
		case 4: uv = (u64)va_arg(ap, ptrdiff_t); break;
		case 5: uv = va_arg(ap, uintmax_t); break;
		default: uv = va_arg(ap, unsigned long long); break;
		}
		out_number(&o, uv, false, base, upper, flags, width, prec);
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int kmm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kmm_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void kmm_vprintk(const struct kmm_env *env, const char *fmt, va_list ap)
{
	char buf[1024];
	char *line, *nl;

	if (!env || !env->log_line)
		return;
	kmm_vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = buf; *line; line = nl + 1) {
		nl = kmm_strchr(line, '\n');
		if (nl)
			*nl = '\0';
		env->log_line(env->opaque, line);
		if (!nl)
			break;
	}
}

void kmm_printk(const struct kmm_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kmm_vprintk(env, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ errors */

static const char *const err_names[KMM_ERR_MAX] = {
	[KMM_OK] = "success",
	[KMM_EINVAL] = "invalid argument",
	[KMM_ENOMEM] = "out of memory",
	[KMM_ERANGE] = "out of range",
	[KMM_EBUSY] = "in use",
	[KMM_ENOENT] = "not found",
	[KMM_EPARSE] = "parse error",
	[KMM_EOVERFLOW] = "table full",
	[KMM_EEXIST] = "already exists",
	[KMM_EIO] = "I/O error",
	[KMM_EFAULT] = "API misuse",
	[KMM_ENOTSUP] = "not supported",
};

const char *kmm_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= KMM_ERR_MAX)
		return "unknown error";
	return err_names[err];
}

void kmm_bug(const struct kmm_env *env, const char *func, const char *what)
{
	kmm_printk(env, "kmm: BUG: %s: %s", func, what);
	if (env && env->bug)
		env->bug(env->opaque, func, what);
}
