/* SPDX-License-Identifier: MIT */
/*
 * kmm/cmdline.h - the kernel command line, split and parsed the way Linux's
 * parse_args()/parse_early_param() see it.
 *
 * kmm_cmdline_parse() copies the text, splits it into "name[=value]" words
 * (double quotes group, as in Linux's next_arg()), keeps every word in order
 * in @params (so order-dependent early options such as mem= and memmap= can
 * be replayed in the order Linux runs them), and parses every option a kmm
 * subsystem uses into the typed fields below.  Unknown options are kept in
 * @params and otherwise ignored, as Linux ignores them.  A malformed value of
 * a known option is an error naming the option and the text.
 */
#ifndef KMM_CMDLINE_H
#define KMM_CMDLINE_H

#include <kmm/env.h>

#define KMM_COMMAND_LINE_SIZE 2048
#define KMM_CMDLINE_MAX_PARAMS 256
#define KMM_MAX_HUGEPAGE_SIZES 4

struct kmm_param {
	const char *name;  /* points into kmm_cmdline.buf */
	const char *value; /* NULL when the word had no '=' */
};

enum kmm_size_kind { KMM_SIZE_NONE = 0, KMM_SIZE_BYTES, KMM_SIZE_PERCENT, KMM_SIZE_MIRROR };

/* kernelcore=, movablecore=: bytes, a percentage ("25%"), or (kernelcore) "mirror" */
struct kmm_core_opt {
	enum kmm_size_kind kind;
	u64 value; /* bytes, or percent (0..100) */
};

enum kmm_numa_fake_kind { KMM_NUMA_FAKE_NONE = 0, KMM_NUMA_FAKE_NODES, KMM_NUMA_FAKE_SIZE,
			  KMM_NUMA_FAKE_UNIFORM };

struct kmm_hugepage_opt {
	u64 size;              /* page size in bytes (hugepagesz=), 0 = default size */
	unsigned long count;   /* hugepages= that followed it */
	bool count_set;
};

struct kmm_cmdline {
	char raw[KMM_COMMAND_LINE_SIZE]; /* the text as given (truncated like Linux) */
	char buf[KMM_COMMAND_LINE_SIZE]; /* split copy that @params point into */
	unsigned int nr_params;
	struct kmm_param params[KMM_CMDLINE_MAX_PARAMS];

	/* Typed options.  Unless noted, the last occurrence wins. */
	bool mem_set;          /* mem=nn[KMGTPE] (also checked: see e820_mem_check()) */
	u64 mem_size;          /* bytes; 0 with mem_set for x86's mem=nopentium */
	bool memblock_debug;   /* memblock=debug (Linux: any value containing "debug") */
	bool nokaslr;
	bool numa_off;         /* numa=off */
	bool movable_node;
	enum kmm_numa_fake_kind numa_fake; /* numa=fake=N | SIZE[MG] | NU */
	u64 numa_fake_value;               /* nodes, or bytes */
	struct kmm_core_opt kernelcore;
	struct kmm_core_opt movablecore;
	bool crashkernel_set;              /* crashkernel=: resolve with kmm_crashkernel_resolve() */
	const char *crashkernel;           /* its value text */
	unsigned int nr_hugepage_opts;     /* hugepagesz=/hugepages= pairs in order */
	struct kmm_hugepage_opt hugepage_opts[KMM_MAX_HUGEPAGE_SIZES];
	u64 default_hugepagesz;            /* 0 = arch default */
	bool cma_set;                      /* cma=nn[MG][@start[MG][-end[MG]]] */
	u64 cma_size, cma_base, cma_limit; /* base, limit 0 = anywhere; "@base" alone: limit = base + size */
	bool cma_fixed;                    /* cma= had "@base" and cma_limit == base + size */
	bool vmalloc_set;                  /* vmalloc= */
	u64 vmalloc_size;
	bool highmem_set;                  /* highmem= (i386) */
	u64 highmem_size;
	enum { KMM_PCPU_FC_AUTO = 0, KMM_PCPU_FC_EMBED, KMM_PCPU_FC_PAGE } percpu_alloc;
	/* swiotlb=[slabs][,areas][,force|noforce]: 0 = default; slabs rounded up to 128 */
	unsigned long swiotlb_nslabs;
	unsigned int swiotlb_nareas;
	enum { KMM_SWIOTLB_DEFAULT = 0, KMM_SWIOTLB_FORCE, KMM_SWIOTLB_NOFORCE } swiotlb_force;
};

/*
 * kmm_cmdline_parse - parse @text into @c (which it first clears).
 * Returns 0, or -KMM_EINVAL with @err ("<option>=: <what is wrong>: '<text>'")
 * for the first malformed known option; -KMM_EOVERFLOW when the text is
 * longer than KMM_COMMAND_LINE_SIZE - 1 or has more than
 * KMM_CMDLINE_MAX_PARAMS words.  On error @c still holds every word and every
 * option parsed before the bad one.
 *
 * Splitting is Linux's next_arg(): words are separated by whitespace, a '"'
 * toggles quoting, one pair of quotes around the value (or the whole word) is
 * dropped, and a bare "--" ends the kernel's parameters (the rest is for
 * init and is not kept).  A malformed option does not stop parsing (Linux
 * ignores bad options and goes on): the words and options after it are kept
 * too, and the first error is returned.  An over-long text is cut at
 * KMM_COMMAND_LINE_SIZE - 1 bytes as Linux does, parsed, and -KMM_EOVERFLOW
 * is returned ("command line is N bytes, longer than 2047: cut") unless an
 * option error came first; words beyond KMM_CMDLINE_MAX_PARAMS are dropped
 * ("more than 256 words: dropping '<word>' and the rest").
 *
 * Option errors (<what is wrong>): "value expected" (an option that needs
 * one had no '='); "invalid size", "size does not fit 64 bits", "size must
 * not be 0", "percentage above 100", "unknown value", "invalid fake value",
 * "fake node count must be at least 1", "not a power of 2", "specified
 * twice", "specified twice without interleaving hugepagesz=", "more than 4
 * hugepage sizes", "per-node counts are not supported", "invalid count",
 * "limit below base + size", "range wraps past 2^64", "unknown allocator",
 * "invalid slab count" (swiotlb=);
 * crashkernel= uses Linux's messages ("memory value expected", "'-'
 * expected", "':' expected", "end <= start", "unrecognized char: C"); mem=
 * and memmap= use e820_mem_check()/e820_memmap_check() (kmm/e820.h).
 */
int kmm_cmdline_parse(struct kmm_cmdline *c, const char *text, char *err, size_t errlen);

/* kmm_cmdline_find - the value of the last @name= (NULL if absent or valueless);
 * *@present (optional) says whether @name occurred at all. */
const char *kmm_cmdline_find(const struct kmm_cmdline *c, const char *name, bool *present);

/*
 * kmm_crashkernel_resolve - Linux's parse_crashkernel() family on @c's
 * crashkernel= value for a system with @system_ram bytes: "size[@base]",
 * "range:size[,range:size...][@base]", "size,high", "size,low".
 * Returns 0 with *size (0 = none for this RAM size), *base (0 = anywhere),
 * *high, *low; -KMM_ENOENT when there is no crashkernel=; -KMM_EINVAL when
 * the value is malformed.
 */
int kmm_crashkernel_resolve(const struct kmm_cmdline *c, u64 system_ram, u64 *size, u64 *base,
			    bool *high, bool *low);
/*
 * Details of kmm_crashkernel_resolve(), which follows x86's
 * reserve_crashkernel(): the last crashkernel= without a ",high"/",low"
 * suffix is tried first; when it is absent, malformed or gives size 0, the
 * last "size,high" is used (*high = true).  The range syntax rounds
 * @system_ram up to 128 MiB before matching, and a range size >= that is
 * -KMM_EINVAL.  *low says a "size,low" was given; its size comes from
 * kmm_crashkernel_low_size() (0, -KMM_ENOENT without one, -KMM_EINVAL).
 */
int kmm_crashkernel_low_size(const struct kmm_cmdline *c, u64 *size);

#endif /* KMM_CMDLINE_H */
