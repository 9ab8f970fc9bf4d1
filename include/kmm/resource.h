/* SPDX-License-Identifier: MIT */
/*
 * kmm/resource.h - the physical address resource tree of Linux 6.1
 * (kernel/resource.c) and /proc/iomem.
 *
 * A resource names a physical range [start, end].  Unlike the rest of kmm
 * the end is INCLUSIVE, as in Linux: the root spans the whole 64-bit space,
 * [0, 2^64 - 1], which no half-open range can describe.
 *
 * The tree: every resource lies inside its parent; a parent's children are
 * a singly linked sibling list sorted by start, pairwise disjoint.  Nodes
 * come from a fixed pool inside the tree (no malloc): a full pool is
 * -KMM_EOVERFLOW naming the resource that did not fit.  Pointers link the
 * nodes, so a tree must not be copied or moved once it has nodes.
 *
 * Entry points (Linux's names with a kmm_ prefix):
 *   kmm_request_resource()   the range must fit in a free gap of @parent's
 *                            children: it becomes a leaf there
 *   kmm_insert_resource()    descends into the child that contains the
 *                            range, and adopts the children the range
 *                            fully contains; a partial overlap fails
 *   kmm_insert_resource_expand_to_fit()  grows the range until it inserts
 *   kmm_reserve_region_with_split()      a busy leaf over every gap of
 *                            [start, end] between existing children
 *   kmm_iomem_show()         the /proc/iomem text
 *   kmm_resource_validate()  the walker: children inside parents, siblings
 *                            sorted and disjoint, parent links consistent
 *
 * The machine's tree is m->iomem (kmm_iomem_tree()); the architectures fill
 * it as Linux does: x86 at setup_arch (kernel image, System ROM, crash
 * kernel, the busy e820 entries) and in the initcalls (the other e820
 * entries, RAM buffers, I/O APIC, HPET, local APIC); arm64 its memblock
 * memory regions with the kernel image and, in an arch_initcall, the
 * memblock reservations.  kmm_iomem_initcalls() runs the initcall part.
 */
#ifndef KMM_RESOURCE_H
#define KMM_RESOURCE_H

#include <kmm/env.h>

/* Linux's include/linux/ioport.h flag bits that kmm uses */
#define KMM_IORESOURCE_IO 0x00000100UL
#define KMM_IORESOURCE_MEM 0x00000200UL
#define KMM_IORESOURCE_READONLY 0x00004000UL
#define KMM_IORESOURCE_SYSRAM 0x01000000UL
#define KMM_IORESOURCE_BUSY 0x80000000UL
#define KMM_IORESOURCE_SYSTEM_RAM (KMM_IORESOURCE_MEM | KMM_IORESOURCE_SYSRAM)
#define KMM_IORESOURCE_TYPE_BITS 0x00001f00UL

/* enum of Linux's IORES_DESC_* (what a memory range is, for walkers) */
enum kmm_iores_desc {
	KMM_IORES_DESC_NONE = 0,
	KMM_IORES_DESC_CRASH_KERNEL = 1,
	KMM_IORES_DESC_ACPI_TABLES = 2,
	KMM_IORES_DESC_ACPI_NV_STORAGE = 3,
	KMM_IORES_DESC_PERSISTENT_MEMORY = 4,
	KMM_IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5,
	KMM_IORES_DESC_DEVICE_PRIVATE_MEMORY = 6,
	KMM_IORES_DESC_RESERVED = 7,
	KMM_IORES_DESC_SOFT_RESERVED = 8,
};

#define KMM_RESOURCE_NAME_MAX 32   /* with the NUL: "ACPI Non-volatile Storage" fits */
#define KMM_RESOURCE_POOL_SIZE 4096
#define KMM_IORES_MAX_LEVEL 5      /* /proc/iomem indents at most 5 levels (MAX_IORES_LEVEL) */

struct kmm_resource {
	u64 start, end;                  /* [start, end], end inclusive; start <= end in a tree */
	unsigned long flags;             /* KMM_IORESOURCE_* */
	enum kmm_iores_desc desc;
	char name[KMM_RESOURCE_NAME_MAX];
	/* parent == NULL: not in a tree (the root has none either); a linked node
	 * satisfies parent->start <= start <= end <= parent->end */
	struct kmm_resource *parent;
	struct kmm_resource *sibling;    /* next child of the parent: sibling->start > end */
	struct kmm_resource *child;      /* first (lowest) child */
};

struct kmm_resource_tree {
	struct kmm_resource root;        /* iomem_resource: "PCI mem" [0, 2^64 - 1] */
	const struct kmm_env *env;       /* messages ("Expanded resource ...") and checks */
	unsigned int nr_used;            /* pool[0, nr_used) have been handed out */
	unsigned int nr_free;            /* of those, on the free list */
	struct kmm_resource *free;       /* released nodes, chained through sibling */
	struct kmm_resource pool[KMM_RESOURCE_POOL_SIZE];
};

/*
 * The machine's iomem tree (struct kmm_machine.iomem): the tree plus what
 * the architectures' initcalls need later.  All zero is "not started";
 * kmm_iomem_tree() starts it.
 */
struct kmm_iomem {
	bool started;                    /* tree initialised */
	bool initcalls_done;             /* kmm_iomem_initcalls() ran */
	/* x86: e820_res, one per entry of the kernel's e820 table (not all in
	 * the tree: the reserved ones above 1M wait for the initcall);
	 * arm64: standard_resources, one per memblock memory region */
	struct kmm_resource *firmware_res;
	unsigned int nr_firmware_res;
	/* set up at boot, inserted by a late_initcall (x86: I/O APICs, HPET) */
	struct kmm_resource *late[8];
	unsigned int nr_late;
	struct kmm_resource_tree tree;
};

/*
 * kmm_resource_tree_init - an empty tree whose root is @name over
 * [0, @end] (iomem: "PCI mem", ~0ULL).  @env may be NULL (no messages).
 */
void kmm_resource_tree_init(struct kmm_resource_tree *t, const struct kmm_env *env,
			    const char *name, u64 end);

/*
 * kmm_resource_new - a node from @t's pool, not linked: @name (copied),
 * [@start, @end], @flags, @desc, into *@out.  Released nodes are reused
 * first.  Returns 0, -KMM_EINVAL (@name too long: "resource name '...'
 * longer than 31 characters") or -KMM_EOVERFLOW (the pool is full:
 * "resource pool full (4096 entries): cannot add NAME [mem S-E]").
 */
int kmm_resource_new(struct kmm_resource_tree *t, const char *name, u64 start, u64 end,
		     unsigned long flags, enum kmm_iores_desc desc, struct kmm_resource **out,
		     char *err, size_t errlen);

/*
 * kmm_resource_new_array - @n unlinked, zeroed, nameless nodes side by side
 * (Linux allocates e820_res and standard_resources as one array) into
 * *@out.  Only fresh pool entries are used.  Returns 0 or -KMM_EOVERFLOW
 * ("resource pool full (4096 entries): cannot add WHAT (N entries)").
 */
int kmm_resource_new_array(struct kmm_resource_tree *t, unsigned int n, const char *what,
			   struct kmm_resource **out, char *err, size_t errlen);

/* kmm_resource_free - give an unlinked node back to @t's pool */
void kmm_resource_free(struct kmm_resource_tree *t, struct kmm_resource *r);

/*
 * kmm_request_resource_conflict - request_resource_conflict(): link @new
 * as a leaf among @parent's children if its range lies inside @parent and
 * overlaps none of them.  Returns NULL on success, else what is in the way:
 * @parent itself (the range is empty or not inside it) or the first child
 * that overlaps.
 */
struct kmm_resource *kmm_request_resource_conflict(struct kmm_resource *parent,
						   struct kmm_resource *new);

/*
 * kmm_request_resource - request_resource() with kmm errors:
 *   -KMM_EINVAL  end below start ("request_resource: NAME [mem S-E]: end below start")
 *   -KMM_ERANGE  not inside @parent ("... [mem S-E] is outside PARENT [mem S-E]")
 *   -KMM_EBUSY   overlaps a child ("... [mem S-E] conflicts with OTHER [mem S-E]")
 *   -KMM_EEXIST  @new is already in a tree ("... is already in the tree")
 */
int kmm_request_resource(struct kmm_resource *parent, struct kmm_resource *new, char *err,
			 size_t errlen);

/*
 * kmm_insert_resource_conflict - insert_resource_conflict(): like request,
 * but when existing resources overlap @new it descends into one that
 * contains @new entirely (and is not equal to it), and otherwise adopts
 * every resource @new contains entirely as its children.  Returns NULL on
 * success, @parent (range empty or outside), @new (already in a tree) or
 * the resource that overlaps @new only partly.
 */
struct kmm_resource *kmm_insert_resource_conflict(struct kmm_resource *parent,
						  struct kmm_resource *new);

/*
 * kmm_insert_resource - insert_resource() with kmm errors: -KMM_EINVAL,
 * -KMM_ERANGE, -KMM_EEXIST as kmm_request_resource() (prefix
 * "insert_resource: "), -KMM_EBUSY "... [mem S-E] partially overlaps OTHER
 * [mem S-E]".
 */
int kmm_insert_resource(struct kmm_resource *parent, struct kmm_resource *new, char *err,
			size_t errlen);

/*
 * kmm_insert_resource_expand_to_fit - insert_resource_expand_to_fit():
 * insert @new into @root, widening it over every resource it overlaps
 * partly ("Expanded resource NAME due to conflict with OTHER", printed
 * through @t's env), until it goes in or only @root is in the way.  A
 * resource already in a tree is left alone.
 */
void kmm_insert_resource_expand_to_fit(struct kmm_resource_tree *t, struct kmm_resource *root,
				       struct kmm_resource *new);

/*
 * kmm_reserve_region_with_split - reserve_region_with_split(): cover the
 * parts of [@start, @end] that no child of @root holds with busy resources
 * named @name, of @root's type, as new children of @root (it never goes
 * deeper).  A range reaching outside @root is logged and clipped, one wholly
 * outside is ignored, as Linux does.  Returns 0, -KMM_EINVAL (@start >
 * @end, or the name too long) or -KMM_EOVERFLOW (pool full; the parts
 * already placed stay).
 */
int kmm_reserve_region_with_split(struct kmm_resource_tree *t, struct kmm_resource *root,
				  u64 start, u64 end, const char *name, char *err, size_t errlen);

/*
 * kmm_resource_next - next_resource(): the resource after @r in a
 * pre-order walk (child first, then sibling, then the parents' siblings);
 * NULL after the last.  The walk of a tree starts at root->child.
 */
const struct kmm_resource *kmm_resource_next(const struct kmm_resource *r);

/*
 * kmm_iomem_show - the text of /proc/iomem for @t (r_show): one line per
 * resource in pre-order, "%*s%0*llx-%0*llx : %s\n" indented two spaces per
 * level below the root (at most KMM_IORES_MAX_LEVEL levels), addresses at
 * least 8 hex digits (4 when the root ends below 0x10000).  Written into
 * @buf (@size bytes, NUL-terminated when @size > 0, cut like snprintf);
 * returns the length of the whole text (@buf may be NULL with @size 0).
 */
size_t kmm_iomem_show(const struct kmm_resource_tree *t, char *buf, size_t size);

/*
 * kmm_resource_validate - every linked node: start <= end, inside its
 * parent, its parent pointer is the node whose child list holds it,
 * siblings sorted by start and disjoint; the pool counters add up.
 */
bool kmm_resource_validate(const struct kmm_resource_tree *t);

struct kmm_machine;

/* kmm_iomem_tree - the machine's iomem tree, started on first use */
struct kmm_resource_tree *kmm_iomem_tree(struct kmm_machine *m);

/*
 * kmm_iomem_initcalls - the initcalls that fill iomem after mm_init(), as
 * far as kmm knows the ranges: x86 e820__reserve_resources_late()
 * (pcibios_resource_survey) and the I/O APIC, HPET and local APIC
 * (late_initcall); arm64 request_standard_resources() and the arch_initcall
 * reserve_memblock_reserved_regions().  Must run after the watermarks and
 * before the late frees (arm64 gives the initrd back to memblock there).
 * Runs once; later calls return 0.  Returns 0 or -KMM_EOVERFLOW (pool full,
 * @err names the resource).
 */
int kmm_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen);

/* the architectures' parts of kmm_iomem_initcalls() (src/arch) */
int kmm_x86_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen);
int kmm_arm64_iomem_initcalls(struct kmm_machine *m, char *err, size_t errlen);

#endif /* KMM_RESOURCE_H */
