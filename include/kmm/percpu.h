/* SPDX-License-Identifier: MIT */
/*
 * kmm/percpu.h - the first per-CPU chunk, as Linux 6.1's
 * setup_per_cpu_areas() builds it (mm/percpu.c with
 * arch/x86/kernel/setup_percpu.c on x86, drivers/base/arch_numa.c on arm64).
 *
 * Every possible CPU gets one "unit" of unit_size bytes.  A unit starts with
 * the kernel's static per-CPU variables (__per_cpu_start..__per_cpu_end),
 * followed by the reserved area (module statics) and the dynamic area that
 * serves early alloc_percpu():
 *
 *     unit:  [ static | reserved | dynamic | unused tail ]   unit_size bytes
 *            0        s          s+r       s+r+d = size_sum <= unit_size
 *
 * CPUs whose nodes are at LOCAL_DISTANCE both ways share a group; a group is
 * allocated as one block of whole "allocs" (alloc_size = upa * unit_size,
 * a multiple of atom_size), so it may hold empty units.
 *
 * Two first-chunk allocators exist:
 *   embed  each group is one memblock block in the direct map; the unused
 *          tail of every unit (and every empty unit) is given back at once.
 *   page   every unit page is its own memblock page, mapped into vmalloc
 *          space (x86_64: page tables from spp_getpage()).
 *
 * Lifecycle: nodes (NODE_DATA) and the boot command line exist ->
 * kmm_setup_per_cpu_areas() -> m->percpu describes the chunk; the per-CPU
 * page lists and anything else indexed by CPU read it from there.
 */
#ifndef KMM_PERCPU_H
#define KMM_PERCPU_H

#include <kmm/env.h>
#include <kmm/mmzone.h>

#define KMM_PCPU_MAX_CPUS 512		     /* kmm's limit on possible CPUs */
#define KMM_PCPU_MAX_UNITS 1024		     /* units, empty ones included */
#define KMM_PCPU_MAX_GROUPS KMM_MAX_NUMNODES /* each node's CPUs fall in one group */
#define KMM_PCPU_MAX_PAGES 8192		     /* page allocator: unit pages of all CPUs */
#define KMM_PCPU_NO_CPU (-1)		     /* an empty unit (Linux: NR_CPUS in cpu_map) */

/*
 * struct kmm_pcpu_group - one group of units.
 * Units [first_unit, first_unit + nr_units) of kmm_percpu.unit_cpu[] belong
 * to it; nr_units is a multiple of alloc_size / unit_size.  The group spans
 * [base + base_offset, base + base_offset + nr_units * unit_size).
 */
struct kmm_pcpu_group {
	unsigned int nr_units;
	unsigned int first_unit;
	u64 base_offset;  /* group start - chunk base, in bytes */
	phys_addr_t phys; /* embed: physical address of the group's block; page: 0 */
};

/*
 * struct kmm_pcpu_chunk_info - one chunk that serves part of the first
 * chunk (the reserved area or the dynamic area), as pcpu_alloc_first_chunk()
 * set it up: its bitmap covers [base_addr, base_addr + nr_pages * PAGE_SIZE),
 * of which [start_offset, nr_pages * PAGE_SIZE - end_offset) is served;
 * free_bytes = that span's size.  *_phys: where its metadata was allocated.
 */
struct kmm_pcpu_chunk_info {
	u64 base_addr;
	unsigned int start_offset, end_offset, nr_pages, free_bytes;
	phys_addr_t chunk_phys, alloc_map_phys, bound_map_phys, md_blocks_phys;
};

/*
 * struct kmm_percpu - the first chunk once kmm_setup_per_cpu_areas()
 * succeeded (@ready).  Invariants:
 *   static_size + reserved_size + dyn_size <= unit_size, unit_size % PAGE_SIZE == 0;
 *   alloc_size % atom_size == 0 and alloc_size % unit_size == 0;
 *   nr_units = sum of group[].nr_units; unit_cpu[u] is a CPU or KMM_PCPU_NO_CPU;
 *   for every possible CPU c: unit_cpu[unit_map[c]] == c and
 *   unit_off[c] = group[g].base_offset + (unit_map[c] - group[g].first_unit) * unit_size
 *   for the group g holding unit_map[c].
 */
struct kmm_percpu {
	bool ready;
	int fc;				 /* KMM_PCPU_FC_EMBED or KMM_PCPU_FC_PAGE: who built it */
	unsigned int nr_cpu_ids;	 /* the possible CPUs are [0, nr_cpu_ids) */
	unsigned int nr_node_ids;	 /* highest possible node + 1 */
	int cpu_node[KMM_PCPU_MAX_CPUS]; /* early_cpu_to_node() */

	/* the alloc_info of the chunk (bytes) */
	u64 static_size, reserved_size, dyn_size;
	u64 unit_size, atom_size, alloc_size;
	unsigned int nr_groups, nr_units;
	struct kmm_pcpu_group group[KMM_PCPU_MAX_GROUPS];
	int unit_cpu[KMM_PCPU_MAX_UNITS]; /* unit -> CPU (Linux: the groups' cpu_map) */

	/* what pcpu_setup_first_chunk() derived */
	unsigned int unit_map[KMM_PCPU_MAX_CPUS]; /* CPU -> unit */
	u64 unit_off[KMM_PCPU_MAX_CPUS];	  /* CPU -> unit offset from the base */
	unsigned int low_unit_cpu, high_unit_cpu; /* CPUs of the lowest and highest unit */
	unsigned int nr_slots;			  /* chunk list slots */
	/*
	 * The chunk base: embed, the physical address of the lowest group (the
	 * chunk lives in the direct map); page, the vmalloc address the units
	 * are mapped at.
	 */
	u64 base;
	bool has_reserved_chunk; /* reserved_size != 0 */
	struct kmm_pcpu_chunk_info reserved_chunk, dynamic_chunk;

	/* page allocator: unit u's page i is page_phys[u * (unit_size / PAGE_SIZE) + i] */
	unsigned int nr_pages;
	phys_addr_t page_phys[KMM_PCPU_MAX_PAGES];
};

struct kmm_machine;

/*
 * kmm_setup_per_cpu_areas - Linux's setup_per_cpu_areas() on @m: the possible
 * CPUs and their nodes, then the first chunk with the embed allocator (or the
 * page allocator for percpu_alloc=page, or when embedding fails), with
 * Linux's memblock calls and messages ("setup_percpu: NR_CPUS:..." on x86,
 * "percpu: Embedded N pages/cpu s.. r.. d.. u..", the KERN_DEBUG
 * "pcpu-alloc:" lines, x86_64's cpumask allocations).
 *
 * Inputs: the System.map's __per_cpu_start/__per_cpu_end; the possible CPUs
 * (x86: m->boot.cpus from "smpboot: Allowing N CPUs", their nodes from the
 * SRAT processor lines in order, numa=fake remapped to emulated nodes, else
 * round-robin over the online nodes; arm64: the usable /cpus nodes of m->dt,
 * numa-node-id when that node is possible, else node 0); the online nodes
 * (m->node[].online) and m->numa_distance; m->cmdline.percpu_alloc.
 * Preconditions: memblock holds the boot-time state and is backed
 * (env->phys_to_virt / virt_to_phys); NUMA kernels have an online node.
 *
 * Returns 0 with m->percpu filled, or with @err saying why:
 *   -KMM_EBUSY     already done ("per-CPU areas are already set up")
 *   -KMM_ENOENT    a System.map symbol is missing ("System.map: symbol
 *                  __per_cpu_end not found")
 *   -KMM_EINVAL    bad input: __per_cpu_end below __per_cpu_start, an empty
 *                  or not page-aligned static area, a static area too large
 *                  for a unit (over 1 GiB), no possible CPU, more CPUs than
 *                  NR_CPUS, no online node on a NUMA kernel, an environment
 *                  without phys_to_virt/virt_to_phys
 *   -KMM_ENOMEM    memblock ran out where Linux panics ("cannot initialize
 *                  percpu area (err=-12)", "pcpu_setup_first_chunk: Failed to
 *                  allocate N bytes", ...); memblock is left as Linux left it
 *   -KMM_ENOTSUP   beyond kmm's tables (KMM_PCPU_MAX_CPUS CPUs,
 *                  KMM_PCPU_MAX_UNITS units, KMM_PCPU_MAX_GROUPS groups), or
 *                  the page allocator where kmm does not simulate it (i386,
 *                  arm64, more than KMM_PCPU_MAX_PAGES pages)
 * m->percpu.ready stays false on every error.
 */
int kmm_setup_per_cpu_areas(struct kmm_machine *m, char *err, size_t errlen);

/* kmm_early_cpu_to_node - the node of possible CPU @cpu, or KMM_NUMA_NO_NODE. */
int kmm_early_cpu_to_node(const struct kmm_machine *m, unsigned int cpu);

/*
 * kmm_percpu_validate - cross-check m->percpu against the invariants of
 * struct kmm_percpu; false on the first break (logged).  True when the areas
 * are not set up yet.
 */
bool kmm_percpu_validate(const struct kmm_machine *m);

#endif /* KMM_PERCPU_H */
