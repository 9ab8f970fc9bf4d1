/* SPDX-License-Identifier: MIT */
/*
 * kmm/bootlog.h - the firmware and boot-loader facts a real x86 boot log
 * carries, read from its lines (`kmm boot --dmesg FILE`).
 *
 * Only input lines are read: "Linux version", "Command line:" (or, when
 * there is none, as on i386, "Kernel command line:"), the
 * BIOS-e820 table (left to kmm_e820_parse_text()), "e820: update ... usable
 * ==> usable" (setup_data placed by the boot loader), EFI lines, the ACPI
 * table locations, SRAT affinity, the MP table, RAMDISK and the CPU count.
 * Lines kmm computes itself (memblock, zones, ...) are never read.
 */
#ifndef KMM_BOOTLOG_H
#define KMM_BOOTLOG_H

#include <kmm/env.h>

#define KMM_BOOTLOG_MAX_ACPI 64
#define KMM_BOOTLOG_MAX_SETUP_DATA 16
#define KMM_BOOTLOG_MAX_SRAT 64
#define KMM_BOOTLOG_MAX_EFI 512

struct kmm_acpi_table {
	char sig[5];
	u64 addr;
	u64 len;
};

struct kmm_srat_mem {
	int node;
	int pxm;
	u64 start, end; /* inclusive end, as printed */
	bool hotplug;
};

struct kmm_srat_cpu {
	int pxm;
	u32 apic;
	int node;
};

struct kmm_efi_mem {
	char type[16]; /* "Conventional", "Boot Data", ... */
	char attrs[64];
	u64 start, end; /* inclusive end */
};

struct kmm_bootlog {
	char linux_version[512];
	char cmdline[2048];
	bool have_version, have_cmdline;
	bool have_mptable;
	u64 mpf_addr;                      /* "found SMP MP-table at [mem A-B]" */
	bool have_ramdisk;
	u64 ramdisk_start, ramdisk_end;    /* "RAMDISK: [mem A-B]", B inclusive */
	unsigned int nr_acpi;
	struct kmm_acpi_table acpi[KMM_BOOTLOG_MAX_ACPI];
	unsigned int nr_setup_data;
	u64 setup_data_start[KMM_BOOTLOG_MAX_SETUP_DATA];
	u64 setup_data_end[KMM_BOOTLOG_MAX_SETUP_DATA]; /* inclusive */
	unsigned int nr_srat;
	struct kmm_srat_mem srat[KMM_BOOTLOG_MAX_SRAT];
	unsigned int nr_srat_cpu;          /* "SRAT: PXM P -> APIC 0xA -> Node N" */
	struct kmm_srat_cpu srat_cpu[KMM_BOOTLOG_MAX_SRAT];
	unsigned int cpus, hotplug_cpus;   /* "smpboot: Allowing N CPUs, M hotplug CPUs" */
	bool efi;                          /* "efi: EFI v..." */
	char efi_version[96];
	u64 efi_memattr;                   /* MEMATTR= of the efi config-table line */
	unsigned int nr_efi;
	struct kmm_efi_mem efi_mem[KMM_BOOTLOG_MAX_EFI];
};

/*
 * kmm_bootlog_parse - read @text (a whole boot log, NUL-terminated).
 * Returns 0, or -KMM_EPARSE with @err ("dmesg line N: <what>: '<line>'") for
 * a recognised line that is malformed, -KMM_EOVERFLOW when a list is full.
 */
int kmm_bootlog_parse(struct kmm_bootlog *b, const char *text, char *err, size_t errlen);

/* strip a "[    0.000000] " timestamp: returns the start of the message */
const char *kmm_bootlog_strip_timestamp(const char *line);

#endif /* KMM_BOOTLOG_H */
