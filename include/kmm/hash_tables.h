/* SPDX-License-Identifier: MIT */
/*
 * kmm/hash_tables.h - the large system hash tables Linux 6.1 sizes at boot
 * (alloc_large_system_hash() and the subsystems that call it).
 *
 * The sizing rule: a table asked for no particular size gets one bucket per
 * 2^scale bytes of low memory (nr_kernel_pages rounded up to a megabyte; on
 * 64-bit kernels the scale grows by one for every factor of four beyond
 * 64 GiB unless the caller set an upper limit), at least one page of buckets,
 * rounded up to a power of two, then clamped to [low_limit, high_limit] where
 * a zero high_limit means "1/16 of all memory" (nr_all_pages) and nothing
 * exceeds 2^31 entries.  Early tables (HASH_EARLY) come from memblock; the
 * others from the page allocator, or from vmalloc when they reach MAX_ORDER
 * or when hashdist spreads them over the NUMA nodes.
 *
 * Lifecycle: free_area_init() has set m->nr_kernel_pages, m->nr_all_pages
 * and the nodes' present pages; then
 *   kmm_hash_tables_early()  where start_kernel() runs vfs_caches_init_early()
 *                            (Dentry cache and Inode-cache from memblock when
 *                            hashdist is off), and
 *   kmm_hash_tables_late()   after mem_init(): the tables of vfs_caches_init(),
 *                            futex_init(), dquot_init(), inet_init() and
 *                            mptcp_init(), printed in Linux's log order.
 * Each sized table is recorded in m->hash_tables.table[].
 *
 * None of the 6.1 tables depends on totalram_pages or nr_free_buffer_pages
 * (those only set TCP/UDP memory limits), so there are no such inputs.  The
 * late tables are not taken from a page allocator or vmalloc space: kmm
 * records what Linux would ask for and assumes, as on every oracle boot,
 * that the request succeeds.
 */
#ifndef KMM_HASH_TABLES_H
#define KMM_HASH_TABLES_H

#include <kmm/env.h>

struct kmm_machine;

/* alloc_large_system_hash() flags, Linux's values */
#define KMM_HASH_EARLY 0x1 /* boot: allocate from memblock */
#define KMM_HASH_SMALL 0x2 /* the table may be smaller than a page (needs HASH_EARLY) */
#define KMM_HASH_ZERO 0x4  /* zero the table */

/* The tables, in the order a single-node boot prints them. */
enum kmm_hash_id {
	KMM_HASH_DENTRY,	  /* "Dentry cache" */
	KMM_HASH_INODE,		  /* "Inode-cache" */
	KMM_HASH_MOUNT,		  /* "Mount-cache" */
	KMM_HASH_MOUNTPOINT,	  /* "Mountpoint-cache" */
	KMM_HASH_FUTEX,		  /* "futex" */
	KMM_HASH_DQUOT,		  /* "VFS: Dquot-cache": one page, not alloc_large_system_hash */
	KMM_HASH_IP_IDENTS,	  /* "IP idents" */
	KMM_HASH_TCP_LISTEN,	  /* "tcp_listen_portaddr_hash" */
	KMM_HASH_TABLE_PERTURB,	  /* "Table-perturb" */
	KMM_HASH_TCP_ESTABLISHED, /* "TCP established" */
	KMM_HASH_TCP_BIND,	  /* "TCP bind" */
	KMM_HASH_MPTCP_TOKEN,	  /* "MPTCP token" */
	KMM_HASH_UDP,		  /* "UDP" */
	KMM_HASH_UDPLITE,	  /* "UDP-Lite" */
	KMM_HASH_NR
};

/* Where a table's memory came from. */
enum kmm_hash_kind {
	KMM_HASH_UNSIZED = 0,  /* not sized yet */
	KMM_HASH_MEMBLOCK,     /* HASH_EARLY: memblock_alloc(); printed "linear" */
	KMM_HASH_PAGES,	       /* alloc_pages_exact() / __get_free_pages(); "linear" */
	KMM_HASH_VMALLOC,      /* vmalloc with base pages; "vmalloc" */
	KMM_HASH_VMALLOC_HUGE, /* vmalloc mapped with PMD pages; "vmalloc hugepage" */
};

/*
 * struct kmm_hash_table - one sized table.
 * Invariants once sized: entries = 1 << shift; bytes = bucketsize << shift
 * (Dquot: one page, entries = the power of two of hlist_heads that fit);
 * order = get_order(bytes); phys is where memblock put a KMM_HASH_MEMBLOCK
 * table, [phys, phys + bytes), and KMM_PHYS_ADDR_MAX otherwise.
 */
struct kmm_hash_table {
	enum kmm_hash_kind kind;
	unsigned int shift; /* *_hash_shift: log2(entries) */
	u64 entries;
	u64 bucketsize; /* bytes per entry as the caller passed it */
	u64 bytes;
	unsigned int order;
	phys_addr_t phys;
};

/*
 * struct kmm_hash_tables - the machine's hash tables (m->hash_tables).
 * @hashdist: Linux's hashdist when the VFS tables were sized: CONFIG_NUMA on
 * a 64-bit kernel, off when exactly one node has memory (page_alloc_init()),
 * then whatever a hashdist= option says (parsed after that).
 */
struct kmm_hash_tables {
	bool early_done, late_done;
	bool hashdist;
	struct kmm_hash_table table[KMM_HASH_NR];
};

/*
 * A call of alloc_large_system_hash(), with Linux's parameters:
 * @numentries 0 sizes the table from memory by @scale (one bucket per
 * 2^scale bytes); @small_shift is what Linux passes in *_hash_shift for
 * HASH_SMALL (the smallest log2 size); @high_limit 0 means 1/16 of memory.
 */
struct kmm_hash_request {
	const char *name;
	u64 bucketsize;
	u64 numentries;
	int scale;
	unsigned int flags;
	unsigned int small_shift;
	u64 low_limit, high_limit;
};

/* kmm_hash_table_name - the name Linux prints for @id ("Dentry cache", ...), "?" if invalid */
const char *kmm_hash_table_name(enum kmm_hash_id id);

/*
 * kmm_large_system_hash_shift - the sizing rule alone: log2 of the entries
 * @rq gets on machine @m (its arch's word size, m->nr_kernel_pages,
 * m->nr_all_pages).  Prints nothing, allocates nothing.
 * Returns 0 with *@shift, or -KMM_EINVAL (@err: no name, a zero bucket size,
 * a scale outside [0, 40], HASH_SMALL with a shift of the word size or more,
 * nr_all_pages 0 or below nr_kernel_pages, or a table that cannot hold one
 * bucket in its limit), or -KMM_ERANGE (@err: more pages than the
 * architecture can address: 2^24 on i386 PAE, 2^40 on 64-bit).
 */
int kmm_large_system_hash_shift(const struct kmm_machine *m, const struct kmm_hash_request *rq,
				unsigned int *shift, char *err, size_t errlen);

/*
 * kmm_alloc_large_system_hash - size @rq, take it (HASH_EARLY: from
 * m->memblock with Linux's memblock_alloc()/memblock_alloc_raw() call and
 * memblock=debug lines, halving the table while memblock cannot place it;
 * otherwise record linear or vmalloc as Linux would choose, using
 * m->hash_tables.hashdist), print Linux's "%s hash table entries" line and
 * fill @out.  Returns 0, the errors of kmm_large_system_hash_shift(),
 * -KMM_EINVAL when a HASH_EARLY table has no backing memory
 * (m->env.phys_to_virt), -KMM_ERANGE when the table's size overflows the
 * kernel's unsigned long (only possible with a caller's limits on i386), or
 * -KMM_ENOMEM (@err: "Failed to allocate %s hash table", where Linux panics).
 * Tables sized before an error stay recorded.
 */
int kmm_alloc_large_system_hash(struct kmm_machine *m, const struct kmm_hash_request *rq,
				struct kmm_hash_table *out, char *err, size_t errlen);

/*
 * kmm_hash_tables_early - vfs_caches_init_early(): decide hashdist, and
 * unless it is on allocate the Dentry cache (dhash_entries=) and the
 * Inode-cache (ihash_entries=) from memblock.
 * Preconditions: free_area_init() ran (m->nr_all_pages != 0, some node has
 * present pages), m->memblock is initialised and backed, the command line
 * parsed.  Returns 0, -KMM_EEXIST (already ran), -KMM_EINVAL (@err: an
 * unmet precondition, an unknown struct size) or the errors of
 * kmm_alloc_large_system_hash().
 */
int kmm_hash_tables_early(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_hash_tables_late - everything after mem_init(), in log order: the
 * Dentry cache and Inode-cache when hashdist deferred them, Mount-cache
 * (mhash_entries=), Mountpoint-cache (mphash_entries=), futex (256 per
 * possible CPU: m->boot.cpus on x86, the device tree's CPUs on arm64),
 * VFS: Dquot-cache, IP idents, tcp_listen_portaddr_hash and Table-perturb,
 * TCP established and TCP bind (thash_entries=) with "TCP: Hash tables
 * configured", MPTCP token, UDP and UDP-Lite (uhash_entries=).
 * Returns 0, -KMM_EEXIST (already ran), -KMM_EINVAL (@err: early has not
 * run, an unknown struct size) or the errors of kmm_alloc_large_system_hash().
 */
int kmm_hash_tables_late(struct kmm_machine *m, char *err, size_t errlen);

/* kmm_hash_tables_validate - each sized table keeps the invariants above; false (logged) if not */
bool kmm_hash_tables_validate(const struct kmm_machine *m);

#endif /* KMM_HASH_TABLES_H */
