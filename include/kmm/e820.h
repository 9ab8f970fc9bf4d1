/* SPDX-License-Identifier: MIT */
/*
 * kmm/e820.h - the x86 firmware memory map, as Linux 6.1's
 * arch/x86/kernel/e820.c keeps it.
 *
 * A struct kmm_e820 holds Linux's three tables: @table (what the kernel uses
 * and edits), @table_kexec and @table_firmware (copies taken after the
 * firmware map was read).  Ranges are [addr, addr + size).  Every function
 * that Linux logs from logs the same line through @env (e.g.
 * "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved").
 *
 * Input: kmm_e820_parse_text() reads a firmware map the way a user has it -
 * the "BIOS-e820: [mem 0x...-0x...] type" lines of a real dmesg (timestamps
 * and all other lines ignored) or a plain table ("0x0 0x9fc00 usable" or
 * "start-end type" per line); e820__memory_setup() then sanitises and prints
 * it as Linux does ("BIOS-provided physical RAM map:").
 *
 * Command line: e820_parse_memopt() (mem=) and e820_parse_memmap_opt()
 * (memmap=) apply one option as Linux's early_param handlers do;
 * e820__finish_early_params() sanitises and prints the "user-defined
 * physical RAM map:" when any of them changed the map.
 */
#ifndef KMM_E820_H
#define KMM_E820_H

#include <kmm/env.h>

enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI = 3,
	E820_TYPE_NVS = 4,
	E820_TYPE_UNUSABLE = 5,
	E820_TYPE_PMEM = 7,
	E820_TYPE_PRAM = 12,
	E820_TYPE_SOFT_RESERVED = 0xefffffff,
	E820_TYPE_RESERVED_KERN = 128,
};

/* Linux: E820_MAX_ENTRIES = 128 + 3 * MAX_NUMNODES (x86_64: NODES_SHIFT 10) */
#define E820_MAX_ENTRIES_ZEROPAGE 128
#define E820_MAX_ENTRIES (E820_MAX_ENTRIES_ZEROPAGE + 3 * 1024)

struct e820_entry {
	u64 addr;
	u64 size;
	enum e820_type type;
};

struct e820_table {
	u32 nr_entries;
	struct e820_entry entries[E820_MAX_ENTRIES];
};

struct kmm_e820 {
	struct e820_table table;
	struct e820_table table_kexec;
	struct e820_table table_firmware;
	bool userdef;                /* a mem=/memmap= option changed the map */
	const struct kmm_env *env;
};

void kmm_e820_init(struct kmm_e820 *e, const struct kmm_env *env);

/* e820_type_name - Linux's name: "usable", "reserved", "ACPI data", "ACPI NVS",
 * "unusable", "persistent (type 7)", "persistent (type 12)", "soft reserved",
 * "type N"; written into @buf (>= 32 bytes), returned. */
const char *e820_type_name(enum e820_type type, char *buf, size_t len);

/*
 * kmm_e820_parse_text - append the map in @text (NUL-terminated) to
 * @e->table, unsanitised, in the order given.
 * Accepted lines: dmesg "BIOS-e820: [mem 0xS-0xE] TYPE" (with or without a
 * "[    0.000000] " timestamp; other dmesg lines are skipped), and the plain
 * form "0xSTART 0xSIZE TYPE" / "0xSTART-0xEND TYPE" where TYPE is a Linux
 * name or a number.  Blank lines and '#' comments are skipped.
 * Returns the number of entries added, or a negative kmm_err:
 *   -KMM_EPARSE     a line looks like an entry but is malformed (end < start,
 *                   bad number, unknown type name); @err names line and text
 *   -KMM_EOVERFLOW  more than E820_MAX_ENTRIES entries
 *   -KMM_ENOENT     no entry at all
 * Nothing is appended when an error is returned.  A text with any
 * "BIOS-e820:" or timestamped line is read as a dmesg (only BIOS-e820 lines
 * count); otherwise every non-blank, non-comment line must be an entry.
 * The exact messages ("line N: <what>: '<text>'") are listed above
 * kmm_e820_parse_text() in src/arch/x86/e820.c.  Overlapping entries are
 * accepted (the sanitiser resolves them, as for real firmware).
 */
int kmm_e820_parse_text(struct kmm_e820 *e, const char *text, char *err, size_t errlen);

/* Linux's table operations (arch/x86/kernel/e820.c), same semantics and output. */
int e820__update_table(struct e820_table *table);
void e820__range_add(struct kmm_e820 *e, u64 start, u64 size, enum e820_type type);
u64 e820__range_update(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
		       enum e820_type new_type);
u64 e820__range_remove(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
		       bool check_type);
/* e820__range_update_kexec - the same update on @e->table_kexec (same log line) */
u64 e820__range_update_kexec(struct kmm_e820 *e, u64 start, u64 size, enum e820_type old_type,
			     enum e820_type new_type);
void e820__print_table(const struct kmm_e820 *e, const char *who);
bool e820__mapped_any(const struct kmm_e820 *e, u64 start, u64 end, enum e820_type type);
bool e820__mapped_all(const struct kmm_e820 *e, u64 start, u64 end, enum e820_type type);

/*
 * e820__memory_setup - Linux's e820__memory_setup() with the boot_params map
 * already in @e->table: sanitise, copy to the kexec and firmware tables,
 * print "BIOS-provided physical RAM map:" and the entries as @who
 * ("BIOS-e820").
 */
void e820__memory_setup(struct kmm_e820 *e, const char *who);

/*
 * Early parameters.  Each returns 0 or -KMM_EINVAL when @arg is malformed:
 * mem= missing, not a size, 0, or with text after the size; a memmap= entry
 * that is not "exactmap", "nn", "nn@ss", "nn#ss", "nn$ss", "nn!ss" or
 * "nn%ss[-old][+new]" in full (sizes with K/M/G/T/P/E suffixes, types as
 * numbers), whose range wraps past 2^64, or whose old and new type are the
 * same.  memmap= takes a comma-separated list: like Linux, the well-formed
 * entries (before and after a bad one) are applied in order; unlike Linux, a
 * malformed entry changes nothing at all (Linux applies the part it parsed).
 * mem=nopentium is accepted and ignored.
 */
int e820_parse_memopt(struct kmm_e820 *e, const char *arg);
int e820_parse_memmap_opt(struct kmm_e820 *e, const char *arg);
/*
 * Validate without applying (for command-line checking): 0, or -KMM_EINVAL
 * with @err = "mem=: <reason>: '<value>'" / "memmap=: <reason>: '<entry>'"
 * naming the first bad entry.  Reasons: "value expected", "invalid size",
 * "size does not fit 64 bits", "size must not be 0" (mem=), "invalid
 * address", "address does not fit 64 bits", "unknown separator (expected one
 * of @ # $ ! %)", "unexpected text after the address", "type number
 * expected", "type number does not fit 32 bits", "unexpected text after the
 * types", "old and new type are the same", "range wraps past 2^64",
 * "entry too long" (memmap=).
 */
int e820_mem_check(const char *arg, char *err, size_t errlen);
int e820_memmap_check(const char *arg, char *err, size_t errlen);
/* e820__finish_early_params - if userdef: sanitise and print the user map.
 * When the sanitiser refuses (fewer than 2 entries, e.g. "memmap=exactmap
 * memmap=1G@0", or a wrapping entry) Linux panics with "Invalid user
 * supplied memory map": kmm logs that line and returns -KMM_EINVAL. */
int e820__finish_early_params(struct kmm_e820 *e);

/* e820__end_of_ram_pfn & co: Linux's e820_end_pfn(), printing
 * "last_pfn = %#lx max_arch_pfn = %#lx". */
unsigned long e820__end_of_ram_pfn(const struct kmm_e820 *e, unsigned long max_arch_pfn);
unsigned long e820__end_of_low_ram_pfn(const struct kmm_e820 *e, unsigned long max_arch_pfn);

#endif /* KMM_E820_H */
