// SPDX-License-Identifier: MIT
/*
 * hash_tables.c - the boot-time hash tables of Linux 6.1, see
 * kmm/hash_tables.h.
 *
 * Types: struct kmm_hash_request is one alloc_large_system_hash() call,
 * struct kmm_hash_table what it produced, struct kmm_hash_tables (in the
 * machine) all of them.  Entry points: kmm_large_system_hash_shift() (the
 * sizing rule), kmm_alloc_large_system_hash() (sizing, allocation choice,
 * the log line), and kmm_hash_tables_early()/kmm_hash_tables_late(), which
 * make the calls of Linux's subsystems in boot order with their parameters.
 *
 * Arithmetic follows the simulated kernel's unsigned long: 64 bits on
 * x86_64 and arm64, 32 bits on i386 (to_ulong()), so extreme boot options
 * wrap where Linux's do.  PAGE_SIZE is 4 KiB on every supported build.
 */
#include <kmm/error.h>
#include <kmm/hash_tables.h>
#include <kmm/lib.h>
#include <kmm/machine.h>

#define HASH_PAGE_SHIFT 12
#define HASH_PAGE_SIZE (1ULL << HASH_PAGE_SHIFT)
#define HASH_MAX_ORDER 11	       /* MAX_ORDER: a buddy block has order 0..10 */
#define HASH_PMD_SIZE (2ULL << 20)     /* a PMD mapping with 4 KiB pages */
#define HASH_CACHE_BYTES 64	       /* SMP_CACHE_BYTES: alignment of memblock tables */
#define HASH_MAX_ENTRIES 0x80000000ULL /* no table gets more than 2^31 buckets */
/* 64-bit kernels: above 64 GiB of low memory, each 4x more adds one to the scale */
#define HASH_ADAPT_NPAGES ((64ULL << 30) >> HASH_PAGE_SHIFT)
#define HASH_ADAPT_SHIFT 2
#define HASH_MAX_SCALE 40		      /* kmm's bound; Linux's callers pass 0..21 */
#define ARM64_MPIDR_HWID_MASK 0xff00ffffffULL /* affinity fields of an MPIDR */

_Static_assert(HASH_PAGE_SIZE == 4096, "the supported kernels use 4 KiB pages");

static const char *const hash_kind_names[] = {
	[KMM_HASH_UNSIZED] = "?",
	[KMM_HASH_MEMBLOCK] = "linear",
	[KMM_HASH_PAGES] = "linear",
	[KMM_HASH_VMALLOC] = "vmalloc",
	[KMM_HASH_VMALLOC_HUGE] = "vmalloc hugepage",
};

/*
 * What each subsystem passes to alloc_large_system_hash() in 6.1.  The
 * bucket is sizeof(@bucket), times @per_entry when that is not 0, or @fixed
 * bytes when @bucket is KMM_STRUCT_NR.  Where the entry count comes from (a
 * boot option, the CPU count, another table) is decided by the callers below.
 */
struct hash_desc {
	const char *name;
	enum kmm_struct bucket;
	unsigned int per_entry;
	u64 fixed;
	int scale;
	unsigned int flags;
	u64 low_limit, high_limit;
};

#define Z KMM_HASH_ZERO
static const struct hash_desc hash_descs[KMM_HASH_NR] = {
	/* fs/dcache.c, fs/inode.c: one bucket per 8 KiB / 16 KiB of low memory */
	[KMM_HASH_DENTRY] = { .name = "Dentry cache", .bucket = KMM_STRUCT_HLIST_BL_HEAD, .scale = 13, .flags = Z },
	[KMM_HASH_INODE] = { .name = "Inode-cache", .bucket = KMM_STRUCT_HLIST_HEAD, .scale = 14, .flags = Z },
	/* fs/namespace.c: one per 512 KiB */
	[KMM_HASH_MOUNT] = { .name = "Mount-cache", .bucket = KMM_STRUCT_HLIST_HEAD, .scale = 19, .flags = Z },
	[KMM_HASH_MOUNTPOINT] = { .name = "Mountpoint-cache", .bucket = KMM_STRUCT_HLIST_HEAD, .scale = 19,
				  .flags = Z },
	/* kernel/futex: exactly the size asked (the caller sets both limits to it) */
	[KMM_HASH_FUTEX] = { .name = "futex", .bucket = KMM_STRUCT_FUTEX_HASH_BUCKET },
	/* fs/quota/dquot.c: one page of hlist_heads, no alloc_large_system_hash() */
	[KMM_HASH_DQUOT] = { .name = "VFS: Dquot-cache", .bucket = KMM_STRUCT_HLIST_HEAD },
	/* net/ipv4/route.c: an atomic_t and a u32 per bucket, one per 64 KiB */
	[KMM_HASH_IP_IDENTS] = { .name = "IP idents", .bucket = KMM_STRUCT_NR, .fixed = 8, .scale = 16, .flags = Z,
				 .low_limit = 2048, .high_limit = 256 * 1024 },
	/* net/ipv4/inet_hashtables.c: listeners one per 2 MiB; 2^16 u32 port perturbations */
	[KMM_HASH_TCP_LISTEN] = { .name = "tcp_listen_portaddr_hash", .bucket = KMM_STRUCT_INET_LISTEN_HASHBUCKET,
				  .scale = 21, .high_limit = 64 * 1024 },
	[KMM_HASH_TABLE_PERTURB] = { .name = "Table-perturb", .bucket = KMM_STRUCT_NR, .fixed = 4,
				     .low_limit = 1 << 16, .high_limit = 1 << 16 },
	/* net/ipv4/tcp.c: one per 128 KiB; bind holds bhash and bhash2 side by side */
	[KMM_HASH_TCP_ESTABLISHED] = { .name = "TCP established", .bucket = KMM_STRUCT_INET_EHASH_BUCKET,
				       .scale = 17, .high_limit = 512 * 1024 },
	[KMM_HASH_TCP_BIND] = { .name = "TCP bind", .bucket = KMM_STRUCT_INET_BIND_HASHBUCKET, .per_entry = 2,
				.scale = 17, .high_limit = 64 * 1024 },
	/* net/mptcp/token.c: one per MiB */
	[KMM_HASH_MPTCP_TOKEN] = { .name = "MPTCP token", .bucket = KMM_STRUCT_TOKEN_BUCKET, .scale = 20, .flags = Z,
				   .high_limit = 64 * 1024 },
	/* net/ipv4/udp.c: hash and hash2 side by side, one per 2 MiB, 256..65536 */
	[KMM_HASH_UDP] = { .name = "UDP", .bucket = KMM_STRUCT_UDP_HSLOT, .per_entry = 2, .scale = 21,
			   .low_limit = 256, .high_limit = 64 * 1024 },
	[KMM_HASH_UDPLITE] = { .name = "UDP-Lite", .bucket = KMM_STRUCT_UDP_HSLOT, .per_entry = 2, .scale = 21,
			       .low_limit = 256, .high_limit = 64 * 1024 },
};
#undef Z

#define UDP_HTABLE_SIZE_MIN 256 /* uhash_entries= below this is raised to it */

const char *kmm_hash_table_name(enum kmm_hash_id id)
{
	return (unsigned int)id < KMM_HASH_NR ? hash_descs[id].name : "?";
}

/* ------------------------------------------------------------ arithmetic */

static unsigned int long_bits(const struct kmm_machine *m)
{
	return m->kernel.arch == KMM_ARCH_I386 ? 32 : 64;
}

/* @x as the simulated kernel's unsigned long */
static u64 to_ulong(const struct kmm_machine *m, u64 x)
{
	return long_bits(m) == 64 ? x : (u32)x;
}

/* @x as the kernel's signed long, for Linux's "%ld" */
static long long to_long(const struct kmm_machine *m, u64 x)
{
	return long_bits(m) == 64 ? (long long)(s64)x : (long long)(s32)(u32)x;
}

/* floor(log2(@x)) for @x != 0 */
static unsigned int log2_floor(u64 x)
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

/*
 * roundup_pow_of_two() on a @bits-wide unsigned long: one shifted left by the
 * bit length of n - 1.  When that length is the word size (n = 0, or n above
 * the top power of two) the shift wraps: x86 and arm64 take shift counts
 * modulo the word size, so Linux gets 1.
 */
static u64 roundup_pow2(u64 n, unsigned int bits)
{
	u64 below = n - 1;
	unsigned int len;

	if (bits < 64)
		below &= (1ULL << bits) - 1;
	len = below ? log2_floor(below) + 1 : 0;
	return len >= bits ? 1 : 1ULL << len;
}

/* get_order(): the smallest order whose block of pages holds @size bytes (@size > 0) */
static unsigned int size_order(u64 size)
{
	u64 pages_minus_one = (size - 1) >> HASH_PAGE_SHIFT;

	return pages_minus_one ? log2_floor(pages_minus_one) + 1 : 0;
}

/* the most pages the architecture can address: i386 PAE 64 GiB, 64-bit 2^52 bytes */
static u64 max_pages(const struct kmm_machine *m)
{
	return long_bits(m) == 32 ? 1ULL << (36 - HASH_PAGE_SHIFT) : 1ULL << (52 - HASH_PAGE_SHIFT);
}

/* ------------------------------------------------------------ sizing */

static int check_request(const struct kmm_machine *m, const struct kmm_hash_request *rq, char *err,
			 size_t errlen)
{
	const char *name = rq && rq->name ? rq->name : "(no name)";

	if (!rq || !rq->name || !rq->bucketsize) {
		kmm_snprintf(err, errlen, "alloc_large_system_hash: %s: %s", name,
			     !rq || !rq->name ? "a table needs a name" : "bucket size 0");
		return -KMM_EINVAL;
	}
	if (rq->scale < 0 || rq->scale > HASH_MAX_SCALE) {
		kmm_snprintf(err, errlen, "alloc_large_system_hash: %s: scale %d outside [0, %d]",
			     name, rq->scale, HASH_MAX_SCALE);
		return -KMM_EINVAL;
	}
	/* Linux BUG()s when 1 << *_hash_shift is no table size */
	if ((rq->flags & KMM_HASH_SMALL) && rq->small_shift >= long_bits(m)) {
		kmm_snprintf(err, errlen, "alloc_large_system_hash: %s: HASH_SMALL shift %u >= %u",
			     name, rq->small_shift, long_bits(m));
		return -KMM_EINVAL;
	}
	if (!m->nr_all_pages || m->nr_kernel_pages > m->nr_all_pages) {
		kmm_snprintf(err, errlen,
			     "alloc_large_system_hash: %s: nr_all_pages %lu, nr_kernel_pages %lu: "
			     "free_area_init() has not counted the pages",
			     name, m->nr_all_pages, m->nr_kernel_pages);
		return -KMM_EINVAL;
	}
	if (m->nr_all_pages > max_pages(m)) {
		kmm_snprintf(err, errlen,
			     "alloc_large_system_hash: %s: nr_all_pages %lu is more than the %llu "
			     "pages this architecture addresses",
			     name, m->nr_all_pages, (unsigned long long)max_pages(m));
		return -KMM_ERANGE;
	}
	return 0;
}

/*
 * The entry count of a table sized from memory: one bucket per 2^scale bytes
 * of nr_kernel_pages (no architecture kmm models reserves pages from it),
 * counted in whole megabytes.  A 64-bit kernel without a caller's upper limit
 * raises the scale by one per factor of 4 of memory beyond 64 GiB, so huge
 * machines do not get huge tables.  The result fills at least one page of
 * buckets, or for HASH_SMALL at least 2^small_shift buckets.
 */
static u64 entries_from_memory(const struct kmm_machine *m, const struct kmm_hash_request *rq)
{
	u64 n = KMM_ALIGN((u64)m->nr_kernel_pages, (u64)(1 << 20) >> HASH_PAGE_SHIFT);
	int scale = rq->scale;

	if (long_bits(m) == 64 && !rq->high_limit)
		for (u64 adapt = HASH_ADAPT_NPAGES; adapt < n; adapt <<= HASH_ADAPT_SHIFT)
			scale++;
	if (scale > HASH_PAGE_SHIFT)
		n >>= scale - HASH_PAGE_SHIFT;
	else
		n = to_ulong(m, n << (HASH_PAGE_SHIFT - scale));

	if (rq->flags & KMM_HASH_SMALL) {
		if (!(n >> rq->small_shift))
			n = 1ULL << rq->small_shift;
	} else if (to_ulong(m, n * rq->bucketsize) < HASH_PAGE_SIZE) {
		n = HASH_PAGE_SIZE / rq->bucketsize;
	}
	return n;
}

int kmm_large_system_hash_shift(const struct kmm_machine *m, const struct kmm_hash_request *rq,
				unsigned int *shift, char *err, size_t errlen)
{
	u64 n, max, low;
	int ret;

	ret = check_request(m, rq, err, errlen);
	if (ret)
		return ret;
	n = to_ulong(m, rq->numentries);
	if (!n)
		n = entries_from_memory(m, rq);
	n = roundup_pow2(n, long_bits(m));

	/* without an upper limit the table takes at most 1/16 of all memory */
	max = to_ulong(m, rq->high_limit);
	if (!max)
		max = (((u64)m->nr_all_pages << HASH_PAGE_SHIFT) >> 4) / rq->bucketsize;
	max = KMM_MIN(max, HASH_MAX_ENTRIES);
	low = to_ulong(m, rq->low_limit);
	if (n < low)
		n = low;
	if (n > max)
		n = max;
	if (!n) {
		kmm_snprintf(err, errlen,
			     "alloc_large_system_hash: %s: a %llu-byte bucket does not fit in 1/16 "
			     "of %lu pages",
			     rq->name, (unsigned long long)rq->bucketsize, m->nr_all_pages);
		return -KMM_EINVAL;
	}
	*shift = log2_floor(n);
	return 0;
}

/* ------------------------------------------------------------ allocation */

/* parameq(): Linux reads '-' and '_' in parameter names as the same character */
static bool param_name_is(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

static bool cmdline_has(const struct kmm_machine *m, const char *name)
{
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++)
		if (param_name_is(m->cmdline.params[i].name, name))
			return true;
	return false;
}

static unsigned int online_nodes(const struct kmm_machine *m)
{
	unsigned int n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		n += m->node[nid].online;
	return n ? n : 1;
}

/*
 * vmalloc_huge() maps an area with PMD pages when the kernel has
 * HAVE_ARCH_HUGE_VMALLOC (x86_64 and arm64, not i386), nohugevmalloc did not
 * turn that off, the CPU maps PMDs (x86: PSE, which every modelled machine
 * has; arm64 without PTDUMP_DEBUGFS, as Debian builds it) and the share of
 * each online node - an area without a node is spread over all of them - is
 * at least one PMD.
 */
static bool vmalloc_uses_pmd(const struct kmm_machine *m, u64 size)
{
	if (m->kernel.arch == KMM_ARCH_I386 || cmdline_has(m, "nohugevmalloc"))
		return false;
	return size / online_nodes(m) >= HASH_PMD_SIZE;
}

/*
 * take_table - one allocation attempt of @size bytes.  Early tables come
 * from memblock (zeroed for HASH_ZERO) with Linux's call, so memblock=debug
 * prints it; the caller name is kmm's.  Later tables are recorded the way
 * Linux chooses them: vmalloc when the block would reach MAX_ORDER or when
 * hashdist spreads tables over the nodes, else whole pages; these always
 * succeed in kmm.
 */
static bool take_table(struct kmm_machine *m, const struct kmm_hash_request *rq, u64 size,
		       struct kmm_hash_table *t)
{
	void *va;

	if (rq->flags & KMM_HASH_EARLY) {
		if (rq->flags & KMM_HASH_ZERO)
			va = memblock_alloc_try_nid_caller(&m->memblock, size, HASH_CACHE_BYTES,
							   MEMBLOCK_LOW_LIMIT,
							   MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE,
							   "kmm_alloc_large_system_hash");
		else
			va = memblock_alloc_try_nid_raw_caller(&m->memblock, size, HASH_CACHE_BYTES,
							       MEMBLOCK_LOW_LIMIT,
							       MEMBLOCK_ALLOC_ACCESSIBLE,
							       NUMA_NO_NODE,
							       "kmm_alloc_large_system_hash");
		if (!va)
			return false;
		t->kind = KMM_HASH_MEMBLOCK;
		t->phys = m->env.virt_to_phys ? m->env.virt_to_phys(m->env.opaque, va) :
						KMM_PHYS_ADDR_MAX;
		return true;
	}
	if (size_order(size) >= HASH_MAX_ORDER || m->hash_tables.hashdist)
		t->kind = vmalloc_uses_pmd(m, size) ? KMM_HASH_VMALLOC_HUGE : KMM_HASH_VMALLOC;
	else
		t->kind = KMM_HASH_PAGES;
	return true;
}

int kmm_alloc_large_system_hash(struct kmm_machine *m, const struct kmm_hash_request *rq,
				struct kmm_hash_table *out, char *err, size_t errlen)
{
	struct kmm_hash_table t = { .phys = KMM_PHYS_ADDR_MAX };
	unsigned int shift;
	u64 size;
	int ret;

	ret = kmm_large_system_hash_shift(m, rq, &shift, err, errlen);
	if (ret)
		return ret;
	if ((rq->flags & KMM_HASH_EARLY) && !m->env.phys_to_virt) {
		kmm_snprintf(err, errlen,
			     "alloc_large_system_hash: %s: HASH_EARLY needs memory "
			     "behind memblock (env.phys_to_virt)",
			     rq->name);
		return -KMM_EINVAL;
	}
	t.bucketsize = rq->bucketsize;
	/* Linux halves the table while it cannot be placed and is above a page */
	for (;;) {
		size = to_ulong(m, rq->bucketsize << shift);
		if (!size) {
			kmm_snprintf(err, errlen,
				     "alloc_large_system_hash: %s: 2^%u buckets of %llu "
				     "bytes overflow an unsigned long",
				     rq->name, shift, (unsigned long long)rq->bucketsize);
			return -KMM_ERANGE;
		}
		if (take_table(m, rq, size, &t))
			break;
		if (size <= HASH_PAGE_SIZE || --shift == 0) {
			kmm_snprintf(err, errlen, "Failed to allocate %s hash table", rq->name);
			return -KMM_ENOMEM;
		}
	}
	t.shift = shift;
	t.entries = 1ULL << shift;
	t.bytes = size;
	t.order = size_order(size);
	kmm_printk(&m->env, "%s hash table entries: %lld (order: %u, %llu bytes, %s)", rq->name,
		   to_long(m, t.entries), t.order, (unsigned long long)t.bytes,
		   hash_kind_names[t.kind]);
	*out = t;
	return 0;
}

/* ------------------------------------------------------------ boot options */

/* a digit's value in bases up to 16, or 16 for anything else */
static unsigned int digit_value(char c)
{
	if (kmm_isdigit((unsigned char)c))
		return (unsigned int)(c - '0');
	c = (char)kmm_tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10) : 16;
}

/*
 * The digits of Linux's number parsers with base 0: "0x" followed by a hex
 * digit is hexadecimal (prefix skipped), another leading 0 octal, anything
 * else decimal.  No sign, no blanks.  The value wraps modulo 2^64 (Linux
 * keeps going and only notes the overflow in *@overflow); *@end points after
 * the last digit.
 */
static u64 parse_digits(const char *s, const char **end, bool *overflow)
{
	unsigned int base = 10, d;
	u64 v = 0;

	if (s[0] == '0') {
		base = 8;
		if (kmm_tolower((unsigned char)s[1]) == 'x' && kmm_isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		}
	}
	*overflow = false;
	for (; (d = digit_value(*s)) < base; s++) {
		if (v > (KMM_ULLONG_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
	}
	*end = s;
	return v;
}

/* Linux's simple_strtoul(s, NULL, 0) on the kernel's unsigned long: 0 without digits */
static u64 simple_strtoul_value(const struct kmm_machine *m, const char *s)
{
	const char *end;
	bool overflow;

	return to_ulong(m, parse_digits(s, &end, &overflow));
}

/*
 * Linux's kstrtoul(s, 0, &v): an optional '+', at least one digit, an
 * optional newline and nothing else; a value above the kernel's unsigned
 * long fails.  False (and *@v untouched) on failure.
 */
static bool kstrtoul_value(const struct kmm_machine *m, const char *s, u64 *v)
{
	const char *end;
	bool overflow;
	u64 x;

	if (*s == '+')
		s++;
	x = parse_digits(s, &end, &overflow);
	if (end == s || overflow || to_ulong(m, x) != x)
		return false;
	if (*end == '\n')
		end++;
	if (*end)
		return false;
	*v = x;
	return true;
}

/*
 * The value a __setup("NAME=") handler built on simple_strtoul() leaves:
 * every NAME=VALUE on the command line runs it, so the last one wins.
 * NAME without '=' is not that option.  0 when absent.
 */
static u64 setup_option_simple(const struct kmm_machine *m, const char *name)
{
	u64 v = 0;

	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];

		if (p->value && param_name_is(p->name, name))
			v = simple_strtoul_value(m, p->value);
	}
	return v;
}

/*
 * The same for a handler built on kstrtoul() (thash_entries=, uhash_entries=):
 * a malformed value leaves the previous one; a set value below @floor is
 * raised to it.
 */
static u64 setup_option_strict(const struct kmm_machine *m, const char *name, u64 floor)
{
	u64 v = 0;

	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];

		if (p->value && param_name_is(p->name, name) && kstrtoul_value(m, p->value, &v) &&
		    v && v < floor)
			v = floor;
	}
	return v;
}

/* ------------------------------------------------------------ machine facts */

static unsigned int nodes_with_memory(const struct kmm_machine *m)
{
	unsigned int n = 0;

	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		n += m->node[nid].node_present_pages != 0;
	return n;
}

/*
 * hashdist: on by default with NUMA on a 64-bit kernel; page_alloc_init()
 * turns it off when only one node has memory; hashdist=N (parsed after that,
 * into an int) has the last word.  Kernels without NUMA have no such option.
 */
static bool hashdist_resolve(const struct kmm_machine *m)
{
	bool on;

	if (!m->kernel.numa)
		return false;
	on = long_bits(m) == 64 && nodes_with_memory(m) != 1;
	for (unsigned int i = 0; i < m->cmdline.nr_params; i++) {
		const struct kmm_param *p = &m->cmdline.params[i];

		if (p->value && param_name_is(p->name, "hashdist"))
			on = (u32)simple_strtoul_value(m, p->value) != 0;
	}
	return on;
}

/*
 * arm64 smp_init_cpus() on the device tree: the /cpus nodes that are not
 * failed are numbered in tree order, the boot CPU (kmm: the first node with
 * a valid MPIDR, where QEMU and firmware start) as CPU 0 and the others from
 * 1, each node taking a number even when it is skipped; a node becomes a
 * possible CPU when its reg is a valid MPIDR (affinity bits only), not seen
 * before, and its number is below NR_CPUS.  Enable methods are not checked.
 */
static unsigned int arm64_possible_cpus(const struct kmm_machine *m)
{
	const struct kmm_dt *dt = m->dt;
	unsigned int possible = 0, number = 1;
	bool boot_seen = false;

	if (!dt)
		return 1;
	for (unsigned int i = 0; i < dt->nr_cpus && i < KMM_DT_MAX_CPUS; i++) {
		const struct kmm_dt_cpu *c = &dt->cpus[i];
		bool valid = !(c->hwid & ~ARM64_MPIDR_HWID_MASK), seen = false;

		if (c->failed)
			continue;
		for (unsigned int j = 0; valid && j < i; j++)
			seen |= !dt->cpus[j].failed && dt->cpus[j].hwid == c->hwid;
		if (valid && !boot_seen) {
			boot_seen = true;
			possible++;
			continue;
		}
		if (valid && !seen && number < m->kernel.nr_cpus)
			possible++;
		number++;
	}
	return possible ? possible : 1;
}

/* num_possible_cpus(): x86 prints it ("smpboot: Allowing N CPUs"); at least the boot CPU */
static unsigned int possible_cpus(const struct kmm_machine *m)
{
	unsigned int n = m->kernel.arch == KMM_ARCH_ARM64 ? arm64_possible_cpus(m) : m->boot.cpus;

	if (m->kernel.nr_cpus && n > m->kernel.nr_cpus)
		n = m->kernel.nr_cpus;
	return n ? n : 1;
}

/* ------------------------------------------------------------ the tables */

/* the bucket size of table @id in this kernel build, or -KMM_EINVAL */
static int bucket_size(const struct kmm_machine *m, enum kmm_hash_id id, u64 *size, char *err,
		       size_t errlen)
{
	const struct hash_desc *d = &hash_descs[id];

	if (d->bucket == KMM_STRUCT_NR) {
		*size = d->fixed;
		return 0;
	}
	*size = m->kernel.struct_size[d->bucket] * (d->per_entry ? d->per_entry : 1);
	if (!*size) {
		kmm_snprintf(err, errlen, "%s hash table: sizeof(struct %s) is not known", d->name,
			     kmm_struct_name(d->bucket));
		return -KMM_EINVAL;
	}
	return 0;
}

/* one table as its subsystem asks for it: @numentries 0 = from memory */
static int hash_table(struct kmm_machine *m, enum kmm_hash_id id, u64 numentries,
		      unsigned int extra_flags, char *err, size_t errlen)
{
	const struct hash_desc *d = &hash_descs[id];
	struct kmm_hash_request rq = {
		.name = d->name,
		.numentries = numentries,
		.scale = d->scale,
		.flags = d->flags | extra_flags,
		.low_limit = d->low_limit,
		.high_limit = d->high_limit,
	};
	int ret = bucket_size(m, id, &rq.bucketsize, err, errlen);

	if (ret)
		return ret;
	if (id == KMM_HASH_FUTEX)
		rq.low_limit = rq.high_limit = numentries;
	/* thash_entries= lifts the established table's cap to 1/16 of memory */
	if (id == KMM_HASH_TCP_ESTABLISHED && numentries)
		rq.high_limit = 0;
	return kmm_alloc_large_system_hash(m, &rq, &m->hash_tables.table[id], err, errlen);
}

/* dcache and inode: from memblock at vfs_caches_init_early(), else at vfs_caches_init() */
static int vfs_tables(struct kmm_machine *m, unsigned int flags, char *err, size_t errlen)
{
	int ret;

	ret = hash_table(m, KMM_HASH_DENTRY, setup_option_simple(m, "dhash_entries"), flags, err,
			 errlen);
	if (ret)
		return ret;
	return hash_table(m, KMM_HASH_INODE, setup_option_simple(m, "ihash_entries"), flags, err,
			  errlen);
}

/* dquot_init(): the hlist_heads of one page, rounded down to a power of two */
static int dquot_table(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_hash_table *t = &m->hash_tables.table[KMM_HASH_DQUOT];
	u64 head;
	int ret = bucket_size(m, KMM_HASH_DQUOT, &head, err, errlen);

	if (ret)
		return ret;
	if (head > HASH_PAGE_SIZE) {
		kmm_snprintf(err, errlen, "VFS: Dquot-cache: an hlist_head of %llu bytes",
			     (unsigned long long)head);
		return -KMM_EINVAL;
	}
	t->kind = KMM_HASH_PAGES;
	t->shift = log2_floor(HASH_PAGE_SIZE / head);
	t->entries = 1ULL << t->shift;
	t->bucketsize = head;
	t->bytes = HASH_PAGE_SIZE;
	t->order = 0;
	t->phys = KMM_PHYS_ADDR_MAX;
	kmm_printk(&m->env, "VFS: Dquot-cache hash table entries: %lld (order %u, %llu bytes)",
		   to_long(m, t->entries), t->order, (unsigned long long)t->bytes);
	return 0;
}

/* tcp_init(): the listener and perturbation tables, established, bind, and its summary */
static int tcp_tables(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_hash_table *tab = m->hash_tables.table;
	u64 thash = setup_option_strict(m, "thash_entries", 0);
	int ret;

	ret = hash_table(m, KMM_HASH_TCP_LISTEN, thash, 0, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_TABLE_PERTURB, 1 << 16, 0, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_TCP_ESTABLISHED, thash, 0, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_TCP_BIND, tab[KMM_HASH_TCP_ESTABLISHED].entries, 0,
				 err, errlen);
	if (ret)
		return ret;
	kmm_printk(&m->env, "TCP: Hash tables configured (established %u bind %u)",
		   (u32)tab[KMM_HASH_TCP_ESTABLISHED].entries, (u32)tab[KMM_HASH_TCP_BIND].entries);
	return 0;
}

static int check_machine(const struct kmm_machine *m, char *err, size_t errlen)
{
	if (!m->nr_all_pages || !nodes_with_memory(m)) {
		kmm_snprintf(err, errlen,
			     "hash tables: no memory counted yet (nr_all_pages %lu, "
			     "%u nodes with memory): free_area_init() must run first",
			     m->nr_all_pages, nodes_with_memory(m));
		return -KMM_EINVAL;
	}
	return 0;
}

int kmm_hash_tables_early(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_hash_tables *ht = &m->hash_tables;
	int ret;

	if (ht->early_done) {
		kmm_snprintf(err, errlen, "vfs_caches_init_early: already ran");
		return -KMM_EEXIST;
	}
	ret = check_machine(m, err, errlen);
	if (ret)
		return ret;
	if (!m->memblock.memory.regions) {
		kmm_snprintf(err, errlen, "vfs_caches_init_early: memblock is not initialised");
		return -KMM_EINVAL;
	}
	for (int id = 0; id < KMM_HASH_NR; id++)
		ht->table[id] = (struct kmm_hash_table){ .phys = KMM_PHYS_ADDR_MAX };
	ht->hashdist = hashdist_resolve(m);
	ht->early_done = true;
	/* with hashdist the tables wait for vmalloc, to be spread over the nodes */
	if (ht->hashdist)
		return 0;
	return vfs_tables(m, KMM_HASH_EARLY, err, errlen);
}

int kmm_hash_tables_late(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_hash_tables *ht = &m->hash_tables;
	u64 futex;
	int ret;

	if (!ht->early_done || ht->late_done) {
		kmm_snprintf(err, errlen, "hash tables: %s",
			     ht->late_done ? "already sized" :
					     "kmm_hash_tables_early() has not run");
		return ht->late_done ? -KMM_EEXIST : -KMM_EINVAL;
	}
	ret = check_machine(m, err, errlen);
	if (ret)
		return ret;
	ht->late_done = true;
	if (ht->hashdist) {
		ret = vfs_tables(m, 0, err, errlen);
		if (ret)
			return ret;
	}
	ret = hash_table(m, KMM_HASH_MOUNT, setup_option_simple(m, "mhash_entries"), 0, err,
			 errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_MOUNTPOINT, setup_option_simple(m, "mphash_entries"),
				 0, err, errlen);
	/* futex_init(): 256 buckets per possible CPU (CONFIG_BASE_SMALL is off) */
	futex = roundup_pow2(256ULL * possible_cpus(m), long_bits(m));
	if (!ret)
		ret = hash_table(m, KMM_HASH_FUTEX, futex, futex < 256 ? KMM_HASH_SMALL : 0, err,
				 errlen);
	if (!ret)
		ret = dquot_table(m, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_IP_IDENTS, 0, 0, err, errlen);
	if (!ret)
		ret = tcp_tables(m, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_MPTCP_TOKEN, 0, 0, err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_UDP,
				 setup_option_strict(m, "uhash_entries", UDP_HTABLE_SIZE_MIN), 0,
				 err, errlen);
	if (!ret)
		ret = hash_table(m, KMM_HASH_UDPLITE,
				 setup_option_strict(m, "uhash_entries", UDP_HTABLE_SIZE_MIN), 0,
				 err, errlen);
	return ret;
}

/* ------------------------------------------------------------ validation */

static bool table_ok(const struct kmm_machine *m, enum kmm_hash_id id)
{
	const struct kmm_hash_table *t = &m->hash_tables.table[id];
	const char *what = NULL;

	if (t->kind == KMM_HASH_UNSIZED)
		return true;
	if ((unsigned int)t->kind > KMM_HASH_VMALLOC_HUGE)
		what = "unknown kind";
	else if (t->shift >= 32 || t->entries != 1ULL << t->shift)
		what = "entries != 1 << shift";
	else if (!t->bytes || t->order != size_order(t->bytes))
		what = "order != get_order(bytes)";
	else if (id == KMM_HASH_DQUOT ?
			 t->bytes != HASH_PAGE_SIZE || t->entries * t->bucketsize > t->bytes :
			 t->bytes != to_ulong(m, t->bucketsize << t->shift))
		what = "bytes != bucketsize << shift";
	else if (t->kind != KMM_HASH_MEMBLOCK && t->phys != KMM_PHYS_ADDR_MAX)
		what = "a physical address without memblock";
	else if (t->kind == KMM_HASH_MEMBLOCK && m->env.virt_to_phys &&
		 t->phys == KMM_PHYS_ADDR_MAX)
		what = "memblock table without a physical address";
	if (what)
		kmm_printk(&m->env, "hash tables: %s: %s", hash_descs[id].name, what);
	return !what;
}

bool kmm_hash_tables_validate(const struct kmm_machine *m)
{
	const struct kmm_hash_tables *ht = &m->hash_tables;
	bool ok = true;

	for (int id = 0; id < KMM_HASH_NR; id++)
		ok &= table_ok(m, (enum kmm_hash_id)id);
	if (ht->late_done && !ht->early_done) {
		kmm_printk(&m->env, "hash tables: late tables without early ones");
		ok = false;
	}
	if (ht->early_done && !ht->hashdist &&
	    m->hash_tables.table[KMM_HASH_DENTRY].kind != KMM_HASH_UNSIZED &&
	    m->hash_tables.table[KMM_HASH_DENTRY].kind != KMM_HASH_MEMBLOCK) {
		kmm_printk(&m->env, "hash tables: Dentry cache not from memblock without hashdist");
		ok = false;
	}
	return ok;
}
