/* SPDX-License-Identifier: MIT */
/*
 * kmm/slit.h - a NUMA distance matrix (the ACPI SLIT, node by node) given as
 * text: one row per line, whitespace-separated decimal distances, as
 * /sys/devices/system/node/nodeN/distance prints them (`kmm boot
 * --numa-distance FILE`).  Row i, column j is node_distance(i, j).
 */
#ifndef KMM_SLIT_H
#define KMM_SLIT_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

/*
 * kmm_slit_parse - read @text (NUL-terminated; blank lines skipped) into
 * @d[0..n)[0..n) and *@n.  Returns 0 or a negative kmm_err with @err:
 *   -KMM_EPARSE    "line L: not a distance: 'TOKEN'" (not a decimal number),
 *                  "line L: N distances, expected M" (a row longer or
 *                  shorter than the first), "N rows of M distances: not a
 *                  square matrix"
 *   -KMM_EINVAL    "line L: distance from node I to itself is V, must be 10",
 *                  "line L: distance V from node I to node J out of range
 *                  (10..255)"
 *   -KMM_EOVERFLOW "line L: more than 64 nodes" (KMM_MAX_NUMNODES)
 *   -KMM_ENOENT    "no distances"
 * Nothing is written to @d or @n on error.  That the matrix has one row per
 * node of the machine is checked where the nodes are known (x86 NUMA init:
 * "numa-distance: N x N matrix for M nodes", -KMM_EINVAL).
 */
int kmm_slit_parse(u8 d[KMM_MAX_NUMNODES][KMM_MAX_NUMNODES], unsigned int *n, const char *text,
		   char *err, size_t errlen);

#endif /* KMM_SLIT_H */
