/* SPDX-License-Identifier: MIT */
/*
 * compaction_internal.h - the migration core compaction.c shares with
 * page_isolation.c (alloc_contig_range); not public.
 */
#ifndef KMM_COMPACTION_INTERNAL_H
#define KMM_COMPACTION_INTERNAL_H

#include <kmm/machine.h>

/*
 * kmm_isolate_movable_page - take a reference on the live movable page
 * @pfn and mark it isolated for this migration; false when it is free, not
 * movable or held by another migration.
 */
bool kmm_isolate_movable_page(struct kmm_machine *m, unsigned long pfn);

/* kmm_putback_movable_page - undo kmm_isolate_movable_page() */
void kmm_putback_movable_page(struct kmm_machine *m, unsigned long pfn);

/*
 * kmm_migrate_one - move the isolated page @old to the allocated order-0
 * page @new (refcount 1): copy, call the owner, and on success hand the
 * registration to @new and free @old.  On failure @old is put back and
 * @new stays the caller's.  Returns 0 or a negative kmm_err.  Counts
 * pgmigrate_success/fail.
 */
int kmm_migrate_one(struct kmm_machine *m, unsigned long old, unsigned long new);

#endif /* KMM_COMPACTION_INTERNAL_H */
