// SPDX-License-Identifier: MIT
/*
 * default_machine.c - the machine `kmm boot` boots without arguments: QEMU's
 * "pc" machine with 2 GiB of RAM and one CPU (SeaBIOS), booting the Debian
 * 6.1 amd64 kernel (linux-image-6.1.0-56-amd64) with nokaslr memblock=debug.
 *
 * The three texts are inputs only, exactly what such a machine gives Linux:
 * the input lines of its boot log (firmware map, ACPI table locations, MP
 * table, RAMDISK, CPU count), and the layout symbols and .config options of
 * the kernel that kmm reads.  Generated from ../shared/oracle (case
 * x86_64/pc-2G and kernels/x86_64).
 */
#include "kmm_tool.h"

const char kmm_default_dmesg[] =
	"[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"
	"[    0.000000] Command line: console=ttyS0 earlyprintk=ttyS0 rdinit=/init nokaslr memblock=debug panic=-1\n"
	"[    0.000000] BIOS-provided physical RAM map:\n"
	"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
	"[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
	"[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
	"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable\n"
	"[    0.000000] BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved\n"
	"[    0.000000] BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"
	"[    0.000000] BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] reserved\n"
	"[    0.000000] found SMP MP-table at [mem 0x000f5ba0-0x000f5baf]\n"
	"[    0.000000] RAMDISK: [mem 0x7fee4000-0x7ffdffff]\n"
	"[    0.000000] ACPI: RSDP 0x00000000000F59D0 000014 (v00 BOCHS )\n"
	"[    0.000000] ACPI: RSDT 0x000000007FFE1AD8 000034 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: FACP 0x000000007FFE198C 000074 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: DSDT 0x000000007FFE0040 00194C (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: FACS 0x000000007FFE0000 000040\n"
	"[    0.000000] ACPI: APIC 0x000000007FFE1A00 000078 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: HPET 0x000000007FFE1A78 000038 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: WAET 0x000000007FFE1AB0 000028 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n"
	"[    0.000000] ACPI: Reserving FACP table memory at [mem 0x7ffe198c-0x7ffe19ff]\n"
	"[    0.000000] ACPI: Reserving DSDT table memory at [mem 0x7ffe0040-0x7ffe198b]\n"
	"[    0.000000] ACPI: Reserving FACS table memory at [mem 0x7ffe0000-0x7ffe003f]\n"
	"[    0.000000] ACPI: Reserving APIC table memory at [mem 0x7ffe1a00-0x7ffe1a77]\n"
	"[    0.000000] ACPI: Reserving HPET table memory at [mem 0x7ffe1a78-0x7ffe1aaf]\n"
	"[    0.000000] ACPI: Reserving WAET table memory at [mem 0x7ffe1ab0-0x7ffe1ad7]\n"
	"[    0.000000] smpboot: Allowing 1 CPUs, 0 hotplug CPUs\n";

const char kmm_default_system_map[] =
	"0000000000000000 D __per_cpu_start\n"
	"0000000000035000 D __per_cpu_end\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81e01d32 T _etext\n"
	"ffffffff82000000 D __start_rodata\n"
	"ffffffff828eb000 D __end_rodata\n"
	"ffffffff82a00000 D _sdata\n"
	"ffffffff82c48980 D _edata\n"
	"ffffffff83044000 D __init_begin\n"
	"ffffffff83044000 D __per_cpu_load\n"
	"ffffffff83079000 T _sinittext\n"
	"ffffffff830e7c04 T _einittext\n"
	"ffffffff83149000 D real_mode_blob\n"
	"ffffffff8314f264 D real_mode_blob_end\n"
	"ffffffff8314f264 D real_mode_relocs\n"
	"ffffffff83306000 R __init_end\n"
	"ffffffff83306000 R __smp_locks\n"
	"ffffffff8330f000 R __smp_locks_end\n"
	"ffffffff83310000 B __bss_start\n"
	"ffffffff84203000 B __start_bss_decrypted_unused\n"
	"ffffffff84400000 B __end_bss_decrypted\n"
	"ffffffff84400000 B __brk_base\n"
	"ffffffff84400000 B __bss_stop\n"
	"ffffffff84400000 B __end_of_kernel_reserve\n"
	"ffffffff84430000 B __brk_limit\n"
	"ffffffff84430000 B _end\n";

const char kmm_default_config[] =
	"CONFIG_NR_CPUS=8192\n"
	"CONFIG_NUMA=y\n"
	"CONFIG_NODES_SHIFT=10\n"
	"CONFIG_PHYSICAL_START=0x1000000\n"
	"CONFIG_PHYSICAL_ALIGN=0x200000\n"
	"CONFIG_RANDOMIZE_MEMORY=y\n"
	"CONFIG_DEFERRED_STRUCT_PAGE_INIT=y\n"
	"CONFIG_ZONE_DMA=y\n"
	"CONFIG_ZONE_DMA32=y\n"
	"CONFIG_ZONE_DEVICE=y\n"
	"CONFIG_SPARSEMEM_VMEMMAP=y\n";
