/* SPDX-License-Identifier: MIT */
/*
 * late_fixture.h - compare a machine booted to its end with what Linux
 * printed after mem_init (tests/fixtures/oracle/late-<arch>-<case>.txt):
 * the swiotlb, "Freeing ..." and CMA lines in order (memblock callers not
 * compared), MemTotal/CmaTotal, and each zone's managed and cma pages.
 */
#ifndef KMM_TEST_LATE_FIXTURE_H
#define KMM_TEST_LATE_FIXTURE_H

#include "helpers/kmm_test.h"

struct kmm_machine;

/* fails the test on the first difference; @lines: the machine's log;
 * @fixture: the file under tests/fixtures/oracle */
void kmm_test_expect_late(char *const *lines, unsigned int nr, const struct kmm_machine *m,
			  const char *fixture);

#endif
