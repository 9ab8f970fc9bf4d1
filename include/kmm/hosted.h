/* SPDX-License-Identifier: MIT */
/*
 * kmm/hosted.h - the user-space port: simulated physical memory that is real
 * memory.
 *
 * A struct kmm_physmem is a memfd as large as the machine's physical address
 * space, mapped once (MAP_SHARED | MAP_NORESERVE) as the kernel's direct map:
 * physical address pa lives at base + pa.  Untouched pages cost nothing, so a
 * machine with 1 TiB of physical address space can be created on a small
 * host.  Any physical pages can be mapped again at another virtual range
 * (vmalloc, highmem kmap), sharing the same memory.
 *
 * Not thread-safe for create/destroy/map/unmap; phys_to_virt and
 * virt_to_phys are pure arithmetic and may be called from any thread.
 */
#ifndef KMM_HOSTED_H
#define KMM_HOSTED_H

#include <stdio.h>

#include <kmm/env.h>

struct kmm_physmem;

/* Largest physical address space a machine may have (1 TiB... 64 TiB). */
#define KMM_PHYSMEM_MAX (1ULL << 46)

/*
 * kmm_physmem_create - back [0, @size) (rounded up to the host page size).
 * Returns 0, -KMM_EINVAL (size 0 or above KMM_PHYSMEM_MAX), -KMM_ENOMEM (no
 * host memory for the descriptor) or -KMM_EIO (the host refused the memfd or
 * mapping).  On every error *@out is NULL and @err (may be NULL) says which
 * call failed and why, e.g. "memfd_create: Too many open files".
 */
int kmm_physmem_create(struct kmm_physmem **out, u64 size, char *err, size_t errlen);
void kmm_physmem_destroy(struct kmm_physmem *pm);
u64 kmm_physmem_size(const struct kmm_physmem *pm);
/* direct map: NULL / KMM_PHYS_ADDR_MAX outside the backed range */
void *kmm_physmem_phys_to_virt(const struct kmm_physmem *pm, phys_addr_t pa);
phys_addr_t kmm_physmem_virt_to_phys(const struct kmm_physmem *pm, const void *va);
/* bytes of host memory the machine's physical memory uses now (mincore) */
u64 kmm_physmem_resident_bytes(const struct kmm_physmem *pm);

/*
 * A virtual area for second mappings: reserve @size bytes of host address
 * space (inaccessible), then map page-aligned physical ranges into it and
 * unmap them again.  Offsets, physical addresses and sizes are host-page
 * aligned; ranges are half-open.  Errors: -KMM_EINVAL (size 0, misaligned,
 * outside the area or the physical range), -KMM_ENOMEM (area_create: no host
 * memory for the descriptor), -KMM_EIO (the host refused).  Destroy every
 * area before its physmem.
 */
struct kmm_vm_area;
int kmm_physmem_area_create(struct kmm_physmem *pm, u64 size, struct kmm_vm_area **out);
void kmm_physmem_area_destroy(struct kmm_vm_area *area);
void *kmm_physmem_area_base(const struct kmm_vm_area *area);
int kmm_physmem_area_map(struct kmm_vm_area *area, u64 offset, phys_addr_t pa, u64 size);
int kmm_physmem_area_unmap(struct kmm_vm_area *area, u64 offset, u64 size);

/*
 * kmm_physmem_fill_env - point @env's phys_to_virt/virt_to_phys at @pm.
 * env->opaque becomes @pm; the opaque, log_line and bug set before are kept
 * in @pm and still called with the old opaque, so set them first.  One env
 * per physmem; calling it again for the same env only refreshes the hooks.
 */
void kmm_physmem_fill_env(struct kmm_physmem *pm, struct kmm_env *env);

/*
 * struct kmm_hosted_log - a log sink for the CLI and tests: every line
 * handed to kmm_hosted_log_line() is appended, '\n'-terminated, to one
 * growable buffer (and copied to @echo at once when that is set).
 *
 *   text[0, len) holds nr_lines lines, each ending in '\n'; text[len] == '\0'
 *   len < cap (when text != NULL)
 *   nr_dropped counts lines lost because the buffer could not grow (ENOMEM)
 *
 * Initialise with kmm_hosted_log_init() (or zero it), release with
 * kmm_hosted_log_free().  Not thread-safe.
 */
struct kmm_hosted_log {
	char *text;
	size_t len;
	size_t cap;
	size_t nr_lines;
	size_t nr_dropped;
	FILE *echo;
};

void kmm_hosted_log_init(struct kmm_hosted_log *log, FILE *echo);
void kmm_hosted_log_free(struct kmm_hosted_log *log);
/* drop every stored line (the buffer is kept) */
void kmm_hosted_log_clear(struct kmm_hosted_log *log);
/* kmm_hosted_log_append - store @line; 0 or -KMM_ENOMEM (counted as dropped) */
int kmm_hosted_log_append(struct kmm_hosted_log *log, const char *line);
/* a struct kmm_env log_line hook: @opaque is the struct kmm_hosted_log */
void kmm_hosted_log_line(void *opaque, const char *line);
/* the stored lines as one string ("" when empty); valid until the next append */
const char *kmm_hosted_log_text(const struct kmm_hosted_log *log);
/* kmm_hosted_log_write - write every stored line to @f; 0 or -KMM_EIO */
int kmm_hosted_log_write(const struct kmm_hosted_log *log, FILE *f);

/*
 * kmm_hosted_bug_abort - a struct kmm_env bug hook for programs: prints
 * "kmm: BUG: <func>: <what>" to stderr and aborts.
 */
void kmm_hosted_bug_abort(void *opaque, const char *func, const char *what);

#endif /* KMM_HOSTED_H */
