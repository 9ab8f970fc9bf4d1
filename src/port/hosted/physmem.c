// SPDX-License-Identifier: MIT
/*
 * physmem.c - simulated physical memory backed by a sparse memfd.
 *
 * Types:
 *   struct kmm_physmem   one machine's physical address space [0, size): a
 *                        memfd of that size and one MAP_SHARED mapping of it,
 *                        the direct map (pa lives at base + pa).
 *   struct kmm_vm_area   a reserved, inaccessible range of host address space
 *                        into which page-aligned physical ranges are mapped a
 *                        second time (vmalloc, kmap), sharing the memfd pages.
 *
 * Lifecycle: kmm_physmem_create() -> kmm_physmem_fill_env() -> use ->
 * kmm_physmem_area_*() as needed -> areas destroyed -> kmm_physmem_destroy().
 * An area must be destroyed before the physmem it maps.
 *
 * Cost: the memfd is sparse (memfd_create files are VM_NORESERVE and the
 * mapping is MAP_NORESERVE), so only pages that are touched take host memory.
 * A machine with a 1 TiB physical address space needs 1 TiB of host virtual
 * address space and nothing else until written.
 *
 * All host calls are libc/Linux system calls; this is the hosted port.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kmm/error.h>
#include <kmm/hosted.h>
#include <kmm/lib.h>

_Static_assert(sizeof(void *) == 8, "the hosted port needs a 64-bit host address space");
_Static_assert(sizeof(off_t) == 8, "memfd offsets must reach KMM_PHYSMEM_MAX");

/*
 * struct kmm_physmem - invariants:
 *   size % page_size == 0, 0 < size <= KMM_PHYSMEM_MAX
 *   base maps memfd [0, size) read-write; phys pa <-> base + pa for pa < size
 *   chained_* hold the env hooks kmm_physmem_fill_env() replaced, so the
 *   embedder's opaque pointer keeps reaching its log and bug hooks.
 */
struct kmm_physmem {
	int fd;
	unsigned char *base;
	u64 size;
	size_t page_size;
	void *chained_opaque;
	void (*chained_log_line)(void *opaque, const char *line);
	void (*chained_bug)(void *opaque, const char *func, const char *what);
};

/*
 * struct kmm_vm_area - [base, base + size) of host address space, size %
 * page_size == 0.  Every page is either PROT_NONE (reserved) or a shared
 * mapping of the memfd page at the physical offset given to area_map().
 */
struct kmm_vm_area {
	struct kmm_physmem *pm;
	unsigned char *base;
	u64 size;
};

static void physmem_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void physmem_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static size_t host_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

static bool page_aligned(u64 x, size_t page_size)
{
	return (x & (page_size - 1)) == 0;
}

/*
 * kmm_physmem_create - see kmm/hosted.h.  @err (may be NULL) receives a
 * one-line reason on every error, e.g. "memfd_create: Too many open files".
 */
int kmm_physmem_create(struct kmm_physmem **out, u64 size, char *err, size_t errlen)
{
	struct kmm_physmem *pm;
	size_t ps = host_page_size();
	void *base;

	physmem_err(err, errlen, "no error");
	*out = NULL;
	if (size == 0 || size > KMM_PHYSMEM_MAX) {
		physmem_err(err, errlen, "physical memory size %#llx not in (0, %#llx]",
			    (unsigned long long)size, (unsigned long long)KMM_PHYSMEM_MAX);
		return -KMM_EINVAL;
	}
	size = (size + ps - 1) & ~(u64)(ps - 1);

	pm = calloc(1, sizeof(*pm));
	if (!pm) {
		physmem_err(err, errlen, "calloc: %s", strerror(errno));
		return -KMM_ENOMEM;
	}
	pm->size = size;
	pm->page_size = ps;
	pm->fd = memfd_create("kmm-physmem", MFD_CLOEXEC);
	if (pm->fd < 0) {
		physmem_err(err, errlen, "memfd_create: %s", strerror(errno));
		goto fail;
	}
	if (ftruncate(pm->fd, (off_t)size) < 0) {
		physmem_err(err, errlen, "ftruncate(%#llx): %s", (unsigned long long)size,
			    strerror(errno));
		goto fail;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, pm->fd, 0);
	if (base == MAP_FAILED) {
		physmem_err(err, errlen, "mmap(%#llx bytes): %s", (unsigned long long)size,
			    strerror(errno));
		goto fail;
	}
	pm->base = base;
	*out = pm;
	return 0;
fail:
	if (pm->fd >= 0)
		close(pm->fd);
	free(pm);
	return -KMM_EIO;
}

void kmm_physmem_destroy(struct kmm_physmem *pm)
{
	if (!pm)
		return;
	munmap(pm->base, pm->size);
	close(pm->fd);
	free(pm);
}

u64 kmm_physmem_size(const struct kmm_physmem *pm)
{
	return pm->size;
}

void *kmm_physmem_phys_to_virt(const struct kmm_physmem *pm, phys_addr_t pa)
{
	if (!pm || pa >= pm->size)
		return NULL;
	return pm->base + pa;
}

phys_addr_t kmm_physmem_virt_to_phys(const struct kmm_physmem *pm, const void *va)
{
	uintptr_t v = (uintptr_t)va, b;

	if (!pm)
		return KMM_PHYS_ADDR_MAX;
	b = (uintptr_t)pm->base;
	if (v < b || v - b >= pm->size)
		return KMM_PHYS_ADDR_MAX;
	return (phys_addr_t)(v - b);
}

/* resident pages of mapping [addr, addr + len), len page-aligned, in chunks */
static u64 physmem_mincore_range(const struct kmm_physmem *pm, u64 off, u64 len)
{
	enum { CHUNK_PAGES = 16 * 1024 };
	unsigned char vec[CHUNK_PAGES];
	u64 chunk, pages, i, resident = 0;

	while (len > 0) {
		chunk = KMM_MIN(len, (u64)CHUNK_PAGES * pm->page_size);
		pages = chunk / pm->page_size;
		if (mincore(pm->base + off, chunk, vec) == 0) {
			for (i = 0; i < pages; i++)
				resident += vec[i] & 1;
		}
		off += chunk;
		len -= chunk;
	}
	return resident;
}

/*
 * kmm_physmem_resident_bytes - mincore() over the direct map.  A 1 TiB
 * machine has 2^28 pages, so walking all of it would take seconds; the
 * memfd's data extents (lseek SEEK_DATA/SEEK_HOLE, cheap on shmem) bound
 * the walk to pages that were ever touched.  If the host cannot seek data
 * the whole range is walked (about 2 s for 1 TiB).
 */
u64 kmm_physmem_resident_bytes(const struct kmm_physmem *pm)
{
	off_t data, hole;
	u64 pages = 0, ps = pm->page_size;

	data = lseek(pm->fd, 0, SEEK_DATA);
	if (data < 0 && errno != ENXIO)
		return physmem_mincore_range(pm, 0, pm->size) * ps;
	while (data >= 0 && (u64)data < pm->size) {
		hole = lseek(pm->fd, data, SEEK_HOLE);
		if (hole < 0 || (u64)hole > pm->size)
			hole = (off_t)pm->size;
		data = data & ~(off_t)(ps - 1);
		hole = (hole + (off_t)ps - 1) & ~(off_t)(ps - 1);
		pages += physmem_mincore_range(pm, (u64)data, (u64)(hole - data));
		if ((u64)hole >= pm->size)
			break;
		data = lseek(pm->fd, hole, SEEK_DATA);
	}
	return pages * ps;
}

static void *area_reserve(void *addr, u64 size)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	if (addr)
		flags |= MAP_FIXED;
	return mmap(addr, size, PROT_NONE, flags, -1, 0);
}

/*
 * kmm_physmem_area_create - reserve @size bytes (rounded up to the host page
 * size) of inaccessible host address space.  Returns 0, -KMM_EINVAL (@size 0
 * or above KMM_PHYSMEM_MAX), -KMM_ENOMEM or -KMM_EIO (mmap refused).
 */
int kmm_physmem_area_create(struct kmm_physmem *pm, u64 size, struct kmm_vm_area **out)
{
	struct kmm_vm_area *area;
	void *base;

	*out = NULL;
	if (!pm || size == 0 || size > KMM_PHYSMEM_MAX)
		return -KMM_EINVAL;
	size = (size + pm->page_size - 1) & ~(u64)(pm->page_size - 1);
	area = calloc(1, sizeof(*area));
	if (!area)
		return -KMM_ENOMEM;
	base = area_reserve(NULL, size);
	if (base == MAP_FAILED) {
		free(area);
		return -KMM_EIO;
	}
	area->pm = pm;
	area->base = base;
	area->size = size;
	*out = area;
	return 0;
}

void kmm_physmem_area_destroy(struct kmm_vm_area *area)
{
	if (!area)
		return;
	munmap(area->base, area->size);
	free(area);
}

void *kmm_physmem_area_base(const struct kmm_vm_area *area)
{
	return area->base;
}

/* [offset, offset + size) is a non-empty, page-aligned part of @area */
static bool area_range_ok(const struct kmm_vm_area *area, u64 offset, u64 size)
{
	size_t ps = area->pm->page_size;

	return size > 0 && page_aligned(offset, ps) && page_aligned(size, ps) &&
	       offset < area->size && size <= area->size - offset;
}

/*
 * kmm_physmem_area_map - map physical [pa, pa + size) at area offset
 * [offset, offset + size), replacing whatever was there.  All three values
 * must be host-page aligned, @size > 0, and both ranges inside their spaces.
 * Returns 0, -KMM_EINVAL or -KMM_EIO (mmap refused).
 */
int kmm_physmem_area_map(struct kmm_vm_area *area, u64 offset, phys_addr_t pa, u64 size)
{
	struct kmm_physmem *pm = area->pm;
	void *va;

	if (!area_range_ok(area, offset, size) || !page_aligned(pa, pm->page_size) ||
	    pa >= pm->size || size > pm->size - pa)
		return -KMM_EINVAL;
	va = mmap(area->base + offset, size, PROT_READ | PROT_WRITE,
		  MAP_FIXED | MAP_SHARED | MAP_NORESERVE, pm->fd, (off_t)pa);
	if (va == MAP_FAILED)
		return -KMM_EIO;
	return 0;
}

/*
 * kmm_physmem_area_unmap - make area [offset, offset + size) inaccessible
 * again (it stays reserved).  Same alignment rules as area_map.  Returns 0,
 * -KMM_EINVAL or -KMM_EIO.
 */
int kmm_physmem_area_unmap(struct kmm_vm_area *area, u64 offset, u64 size)
{
	if (!area_range_ok(area, offset, size))
		return -KMM_EINVAL;
	if (area_reserve(area->base + offset, size) == MAP_FAILED)
		return -KMM_EIO;
	return 0;
}

static void *physmem_env_phys_to_virt(void *opaque, phys_addr_t pa)
{
	return kmm_physmem_phys_to_virt(opaque, pa);
}

static phys_addr_t physmem_env_virt_to_phys(void *opaque, const void *va)
{
	return kmm_physmem_virt_to_phys(opaque, va);
}

static void physmem_env_log_line(void *opaque, const char *line)
{
	struct kmm_physmem *pm = opaque;

	if (pm->chained_log_line)
		pm->chained_log_line(pm->chained_opaque, line);
}

static void physmem_env_bug(void *opaque, const char *func, const char *what)
{
	struct kmm_physmem *pm = opaque;

	if (pm->chained_bug)
		pm->chained_bug(pm->chained_opaque, func, what);
}

/*
 * kmm_physmem_fill_env - see kmm/hosted.h.  env->opaque becomes @pm; the
 * previous opaque, log_line and bug are kept in @pm and called through, so
 * call this after setting them.  One env per physmem.
 */
void kmm_physmem_fill_env(struct kmm_physmem *pm, struct kmm_env *env)
{
	if (env->opaque == pm)
		goto hooks; /* filled before: do not chain to ourselves */
	pm->chained_opaque = env->opaque;
	pm->chained_log_line = env->log_line;
	pm->chained_bug = env->bug;
	env->opaque = pm;
	env->log_line = pm->chained_log_line ? physmem_env_log_line : NULL;
	env->bug = pm->chained_bug ? physmem_env_bug : NULL;
hooks:
	env->phys_to_virt = physmem_env_phys_to_virt;
	env->virt_to_phys = physmem_env_virt_to_phys;
}
