/* SPDX-License-Identifier: MIT */
/*
 * bigmachine.h - synthetic x86_64 machines of any size: the boot inputs a
 * QEMU pc (i440FX, SeaBIOS) with R bytes of RAM split evenly over N NUMA
 * nodes and C CPUs would hand Linux 6.1, as the input lines of a boot log
 * that kmm_bootlog_parse() and `kmm boot --dmesg` read, plus the SLIT
 * distance matrix that `kmm boot --numa-distance` takes.
 *
 * Part of the hosted port (libc only): `kmm stress` boots its default
 * machine from it, and tests (test_scale, test_stress) and the benchmarks
 * (bench/) use it.
 *
 * The physical map, as QEMU builds it (facts read off the oracle boots,
 * ../shared/oracle/cases/x86_64/{pc-*,numa*}):
 *   - RAM below 4 GiB is all of it when R < 3.5 GiB, else 3 GiB (the PCI
 *     hole [3 GiB, 4 GiB)); the rest sits at [4 GiB, 4 GiB + rest).
 *   - e820: [0, 0x9fc00) usable, [0x9fc00, 0xa0000) reserved (EBDA),
 *     [0xf0000, 1 MiB) reserved (BIOS), [1 MiB, low - 128 KiB) usable,
 *     [low - 128 KiB, low) reserved (SeaBIOS's ACPI tables),
 *     [0xfffc0000, 4 GiB) reserved (the BIOS ROM), the high RAM usable, and
 *     the AMD HyperTransport window [0xfd00000000, 1 TiB) reserved as QEMU
 *     adds it for its default (AMD) vCPU - but only when RAM ends below it.
 *     A bigger QEMU guest with an AMD vCPU would get its high RAM moved
 *     above 1 TiB instead; this generator models a vCPU without that window
 *     (e.g. -cpu host on an Intel host), so high RAM stays contiguous.
 *   - SRAT: node n owns RAM offsets [n * R/N, (n + 1) * R/N) of the RAM laid
 *     end to end; node 0 loses [640 KiB, 1 MiB), and a node straddling the
 *     PCI hole gets two entries, the second from 4 GiB.  CPUs are spread
 *     over the nodes in contiguous blocks (CPU c on node c * N / C),
 *     APIC id = CPU number.
 *   - ACPI tables in SeaBIOS's order at [low - 128 KiB, ...): FACS, DSDT,
 *     FACP, APIC, HPET, SRAT (N > 1), SLIT (N > 1), WAET, RSDT; table
 *     lengths follow QEMU's formulas (APIC: 112 + 8 per CPU; SRAT: 48 + 16
 *     per CPU + 40 per memory slot, N + 2 slots; SLIT: 44 + N * N), DSDT's
 *     AML grows about 83 bytes per CPU (oracle pc-2G vs pc-2G-smp2).
 *   - The initrd is placed as QEMU's loader does: ending at the last page
 *     below the ACPI tables.
 */
#ifndef KMM_BIGMACHINE_H
#define KMM_BIGMACHINE_H

#include <kmm/env.h>

#define KMM_BIGMACHINE_MAX_NODES 64 /* kmm's MAX_NUMNODES */
#define KMM_BIGMACHINE_MAX_CPUS 64  /* kmm_bootlog keeps 64 SRAT CPU entries */
#define KMM_BIGMACHINE_MAX_SRAT (KMM_BIGMACHINE_MAX_NODES + 2)

/* What to build.  Zero fields take the defaults noted. */
struct kmm_bigmachine {
	u64 ram;	       /* bytes of RAM; a multiple of nr_nodes MiB, >= 64 MiB per node */
	unsigned int nr_nodes; /* 1 .. KMM_BIGMACHINE_MAX_NODES (0: 1) */
	unsigned int nr_cpus;  /* nr_nodes .. KMM_BIGMACHINE_MAX_CPUS (0: one per node) */
	const char *cmdline;   /* NULL: the oracle boots' command line without memblock=debug */
	u64 initrd_size;       /* bytes; 0: none.  The oracle boots' initrd was 0xfb800 bytes */
};

/* One SRAT memory affinity entry: [start, end) belongs to @node. */
struct kmm_bigmachine_srat {
	unsigned int node;
	u64 start, end;
};

/*
 * The layout a spec produces.  All ranges are half-open [start, end).
 *   low_ram + high_ram == spec.ram
 *   RAM is [0, low_ram) (less the ROM holes, see above) and
 *   [4 GiB, 4 GiB + high_ram) when high_ram > 0
 *   node_start[n] = first SRAT byte of node n, node_end[n] = its last + 1
 *   phys_end = the end of the highest e820 entry (size a physmem with it)
 */
struct kmm_bigmachine_layout {
	unsigned int nr_nodes, nr_cpus;
	u64 low_ram, high_ram;
	u64 phys_end;
	bool ht_window;		      /* the [0xfd00000000, 1 TiB) reserved entry is printed */
	u64 acpi_base;		      /* low_ram - 128 KiB: the ACPI tables and the e820 hole */
	u64 initrd_start, initrd_end; /* page-aligned; equal when there is no initrd */
	unsigned int nr_srat;
	struct kmm_bigmachine_srat srat[KMM_BIGMACHINE_MAX_SRAT];
	u64 node_start[KMM_BIGMACHINE_MAX_NODES], node_end[KMM_BIGMACHINE_MAX_NODES];
	unsigned int cpu_node[KMM_BIGMACHINE_MAX_CPUS];
};

/*
 * kmm_bigmachine_layout - compute the machine @spec describes into @out.
 * Returns 0 or -KMM_EINVAL with @err saying which field is out of range:
 * nr_nodes above KMM_BIGMACHINE_MAX_NODES, nr_cpus below nr_nodes or above
 * KMM_BIGMACHINE_MAX_CPUS, ram not a multiple of nr_nodes MiB or under
 * 64 MiB per node, ram above 60 TiB, initrd_size that does not fit below
 * the ACPI tables.
 */
int kmm_bigmachine_layout(const struct kmm_bigmachine *spec, struct kmm_bigmachine_layout *out,
			  char *err, size_t errlen);

/*
 * kmm_bigmachine_dmesg - the boot-log input lines of @spec ("Linux version",
 * "Command line:", the BIOS-e820 map, the MP table, RAMDISK, the ACPI table
 * list and their reservations, SRAT CPU and memory affinity, the CPU count),
 * each with a "[    0.000000] " timestamp, in Linux's order.  *@out is
 * malloc()ed and NUL-terminated (free() it).  Returns 0, -KMM_EINVAL (see
 * kmm_bigmachine_layout) or -KMM_ENOMEM; *@out is NULL on error.
 */
int kmm_bigmachine_dmesg(const struct kmm_bigmachine *spec, char **out, char *err, size_t errlen);

/*
 * kmm_bigmachine_slit - the SLIT as node<N>_distance.txt rows ("10 20 20\n"
 * ...): LOCAL_DISTANCE 10 on the diagonal, REMOTE_DISTANCE 20 elsewhere, one
 * row per node.  *@out is malloc()ed (free() it).  Returns 0, -KMM_EINVAL
 * (see kmm_bigmachine_layout) or -KMM_ENOMEM.
 */
int kmm_bigmachine_slit(const struct kmm_bigmachine *spec, char **out, char *err, size_t errlen);

#endif /* KMM_BIGMACHINE_H */
