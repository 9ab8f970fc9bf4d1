/* SPDX-License-Identifier: MIT */
/*
 * kmm/error.h - the one error enum of kmm.
 *
 * Functions that can fail return 0 or a negative enum kmm_err value
 * (-KMM_EINVAL, ...); results come back through out-parameters.
 * kmm_strerror() names each code.
 */
#ifndef KMM_ERROR_H
#define KMM_ERROR_H

enum kmm_err {
	KMM_OK = 0,
	KMM_EINVAL,    /* an argument or input value is malformed or out of range */
	KMM_ENOMEM,    /* no memory satisfies the request */
	KMM_ERANGE,    /* a range overflows or lies outside what is allowed */
	KMM_EBUSY,     /* the resource is in use (overlap with a reservation, ...) */
	KMM_ENOENT,    /* what was named does not exist */
	KMM_EPARSE,    /* input text could not be parsed */
	KMM_EOVERFLOW, /* a fixed-size table is full */
	KMM_EEXIST,    /* already present */
	KMM_EIO,       /* the environment failed (file, mapping) */
	KMM_EFAULT,    /* API misuse detected (double free, bad pointer) */
	KMM_ENOTSUP,   /* valid input that kmm does not support yet */
	KMM_ERR_MAX
};

/* kmm_strerror - a short English name for @err (positive or negative). */
const char *kmm_strerror(int err);

#endif /* KMM_ERROR_H */
