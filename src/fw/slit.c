// SPDX-License-Identifier: MIT
/*
 * slit.c - a NUMA distance matrix from text; see kmm/slit.h.  The matrix is
 * read into a scratch copy and committed only when every row checked out:
 * square, LOCAL_DISTANCE (10) on the diagonal, every entry a byte no smaller
 * than LOCAL_DISTANCE (numa_set_distance() refuses wider values and a local
 * distance off the diagonal, Linux's slit_valid() the rest).
 */
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/slit.h>

struct slit_scratch {
	u8 d[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES];
	unsigned int rows, cols;
};

/* one row: @p .. @end; returns 0 or the error */
static int slit_row(struct slit_scratch *s, const char *p, const char *end, unsigned int line,
		    char *err, size_t errlen)
{
	unsigned int col = 0;

	if (s->rows >= KMM_MAX_NUMNODES) {
		kmm_snprintf(err, errlen, "line %u: more than %d nodes", line, KMM_MAX_NUMNODES);
		return -KMM_EOVERFLOW;
	}
	while (p < end) {
		const char *tok, *e;
		bool ovf = false;
		u64 v;

		while (p < end && kmm_isspace((unsigned char)*p))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && !kmm_isspace((unsigned char)*p))
			p++;
		v = kmm_strtoull(tok, &e, 10, &ovf);
		if (e != p || !kmm_isdigit((unsigned char)*tok)) {
			kmm_snprintf(err, errlen, "line %u: not a distance: '%.*s'", line,
				     (int)(p - tok), tok);
			return -KMM_EPARSE;
		}
		if (col >= KMM_MAX_NUMNODES) {
			kmm_snprintf(err, errlen, "line %u: more than %d nodes", line,
				     KMM_MAX_NUMNODES);
			return -KMM_EOVERFLOW;
		}
		if (col == s->rows && v != KMM_LOCAL_DISTANCE) {
			kmm_snprintf(err, errlen,
				     "line %u: distance from node %u to itself is %llu, must be %d", line,
				     col, ovf ? ~0ULL : (unsigned long long)v, KMM_LOCAL_DISTANCE);
			return -KMM_EINVAL;
		}
		if (ovf || v < KMM_LOCAL_DISTANCE || v > 255) {
			kmm_snprintf(err, errlen,
				     "line %u: distance %.*s from node %u to node %u out of range (%d..255)",
				     line, (int)(p - tok), tok, s->rows, col, KMM_LOCAL_DISTANCE);
			return -KMM_EINVAL;
		}
		s->d[s->rows][col++] = (u8)v;
	}
	if (!col)
		return 0; /* blank line */
	if (s->rows && col != s->cols) {
		kmm_snprintf(err, errlen, "line %u: %u distances, expected %u", line, col, s->cols);
		return -KMM_EPARSE;
	}
	s->cols = col;
	s->rows++;
	return 0;
}

int kmm_slit_parse(u8 d[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES], unsigned int *n, const char *text,
		   char *err, size_t errlen)
{
	static const struct slit_scratch empty;
	struct slit_scratch s = empty;
	unsigned int line = 0;
	const char *p = text;

	while (*p) {
		const char *eol = kmm_strchr(p, '\n');
		int ret;

		if (!eol)
			eol = p + kmm_strlen(p);
		ret = slit_row(&s, p, eol, ++line, err, errlen);
		if (ret)
			return ret;
		p = *eol ? eol + 1 : eol;
	}
	if (!s.rows) {
		kmm_snprintf(err, errlen, "no distances");
		return -KMM_ENOENT;
	}
	if (s.rows != s.cols) {
		kmm_snprintf(err, errlen, "%u rows of %u distances: not a square matrix", s.rows,
			     s.cols);
		return -KMM_EPARSE;
	}
	for (unsigned int i = 0; i < s.rows; i++)
		kmm_memcpy(d[i], s.d[i], s.cols);
	*n = s.rows;
	return 0;
}
