// SPDX-License-Identifier: MIT
/*
 * percpu.c - setup_per_cpu_areas(): the first per-CPU chunk of Linux 6.1
 * (mm/percpu.c, arch/x86/kernel/setup_percpu.c, drivers/base/arch_numa.c),
 * see kmm/percpu.h for the layout it produces.
 *
 * Types: struct kmm_percpu in the machine holds the result; a struct
 * pcpu_run on the stack carries one call (the machine, the error buffer, the
 * simulated kernel's word size, where the temporary alloc_info lives).
 *
 * Order of work, as Linux does it:
 *   possible CPUs and early_cpu_to_node()     x86_cpus() / arm64_cpus()
 *   x86: the "setup_percpu:" line, then
 *   pcpu_embed_first_chunk()                  alloc_info, the areas array, one
 *                                             block per group, unused tails
 *                                             freed, pcpu_setup_first_chunk()
 *   or pcpu_page_first_chunk()                one page per unit page, page
 *                                             tables, pcpu_setup_first_chunk()
 *   x86_64 (CPUMASK_OFFSTACK): the node and local cpumasks.
 *
 * Where Linux returns an error code (the embed allocator failing), kmm does
 * what Linux does next (the page allocator); where Linux panics, kmm stops
 * with -KMM_ENOMEM and Linux's panic text, memblock left as Linux left it.
 */
#include <kmm/check.h>
#include <kmm/error.h>
#include <kmm/lib.h>
#include <kmm/machine.h>
#include <kmm/percpu.h>

#define PAGE_SIZE 4096ULL
#define PAGE_SHIFT 12
#define SMP_CACHE_BYTES 64ULL
#define PFN_ALIGN(x) KMM_ALIGN((u64)(x), PAGE_SIZE)
#define ROUNDUP(x, a) ((((x) + (a)-1) / (a)) * (a))

/* include/linux/percpu.h and mm/percpu-internal.h of 6.1 */
#define PCPU_MIN_ALLOC_SIZE 4ULL	 /* bytes behind one bit of a chunk's bitmaps */
#define PCPU_BITMAP_BLOCK_SIZE PAGE_SIZE /* bytes behind one metadata block */
#define PCPU_SLOT_BASE_SHIFT 5		 /* sizes below 32 bytes share slot 1 */
#define PCPU_MIN_UNIT_SIZE (32ULL << 10)
#define PERCPU_MODULE_RESERVE (8ULL << 10)
#define PERCPU_DYNAMIC_EARLY_SIZE (12ULL << 10)
#define PERCPU_DYNAMIC_RESERVE_64 (28ULL << 10)
#define PERCPU_DYNAMIC_RESERVE_32 (20ULL << 10)
/* after the size slots 0..slot(unit_size): sidelined, free and to-depopulate chunks */
#define PCPU_SPECIAL_SLOTS 3
#define KMM_PCPU_MAX_STATIC (1ULL << 30) /* kmm's bound: every unit size stays an int */

/* x86 */
#define X86_PMD_SIZE (2ULL << 20)
#define X86_MAX_DMA_PA (16ULL << 20)		   /* __pa(MAX_DMA_ADDRESS) */
#define X86_64_VMALLOC_START 0xffffc90000000000ULL /* 4-level paging, no KASLR */
#define X86_64_VMALLOC_TOTAL ((32ULL << 40) - 1)   /* VMALLOC_SIZE_TB = 32 */
#define X86_32_VMALLOC_OFFSET (8ULL << 20)
#define X86_OFFSTACK_NR_CPUS 512 /* above this, x86 needs CPUMASK_OFFSTACK */
/* arm64, 48-bit VA, 4K pages: VMALLOC_END (VMEMMAP_START - 256M) - MODULES_END */
#define ARM64_VMALLOC_TOTAL (0xfffffbfff0000000ULL - 0xffff800008000000ULL)
#define ARM64_MPIDR_HWID_MASK 0xff00ffffffULL

/* Linux's errno values, for the messages that print them */
#define LINUX_ENOMEM 12
#define LINUX_EINVAL 22

_Static_assert(KMM_PCPU_MAX_GROUPS <= 255, "group ids are kept in a u8");
_Static_assert(KMM_PCPU_MAX_UNITS >= KMM_PCPU_MAX_CPUS, "every CPU needs a unit");

struct pcpu_run {
	struct kmm_machine *m;
	struct kmm_percpu *p;
	struct memblock *mb;
	u64 long_size;	     /* sizeof(long) of the simulated kernel */
	phys_addr_t ai_phys; /* the alloc_info block of pcpu_build_alloc_info() */
	u64 ai_size;
	bool fatal; /* err is final: a Linux panic or a kmm limit */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int pcpu_stop(struct pcpu_run *r, int ret,
							   const char *fmt, ...)
{
	va_list ap;

	if (r->errlen) {
		va_start(ap, fmt);
		kmm_vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	r->fatal = true;
	return ret;
}

static int linux_errno(int ret)
{
	return ret == -KMM_ENOMEM ? -LINUX_ENOMEM : -LINUX_EINVAL;
}

static const char *fc_name(int fc)
{
	return fc == KMM_PCPU_FC_EMBED ? "embed" : fc == KMM_PCPU_FC_PAGE ? "page" : "auto";
}

static u64 bits_to_longs(const struct pcpu_run *r, u64 bits)
{
	u64 per = r->long_size * 8;

	return (bits + per - 1) / per;
}

static u64 struct_size(const struct pcpu_run *r, enum kmm_struct s)
{
	return r->m->kernel.struct_size[s];
}

/* the 1-based index of the highest set bit, 0 for 0 (Linux fls) */
static unsigned int fls64(u64 x)
{
	unsigned int n = 0;

	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static unsigned int decimal_width(unsigned int v)
{
	unsigned int w = 1;

	while (v /= 10)
		w++;
	return w;
}

static bool node_possible(const struct kmm_machine *m, int nid)
{
	if (nid < 0 || nid >= KMM_MAX_NUMNODES)
		return false;
	if (m->node_possible_map)
		return (m->node_possible_map >> nid) & 1;
	return m->node[nid].online;
}

/* ------------------------------------------------------------ memblock */

/*
 * memblock_alloc_try_nid() (a zeroed block) and its physical address; false
 * when memblock has no room.  Every first-chunk allocation goes through here
 * so the log shows Linux's "memblock_alloc_try_nid:" lines.
 */
static bool pcpu_alloc(struct pcpu_run *r, u64 size, u64 align, u64 min_addr, int nid,
		       const char *caller, phys_addr_t *pa)
{
	const struct kmm_env *env = &r->m->env;
	void *va = memblock_alloc_try_nid_caller(r->mb, size, align, min_addr,
						 MEMBLOCK_ALLOC_ACCESSIBLE, nid, caller);

	if (!va)
		return false;
	*pa = env->virt_to_phys(env->opaque, va);
	return true;
}

/* memblock_alloc() where Linux panics on failure: "<caller>: Failed to allocate N bytes" */
static int pcpu_alloc_or_panic(struct pcpu_run *r, u64 size, const char *caller, phys_addr_t *pa)
{
	if (pcpu_alloc(r, size, SMP_CACHE_BYTES, 0, NUMA_NO_NODE, caller, pa))
		return 0;
	return pcpu_stop(r, -KMM_ENOMEM, "%s: Failed to allocate %llu bytes", caller,
			 (unsigned long long)size);
}

/*
 * pcpu_fc_alloc(): a first-chunk block for @cpu, from __pa(MAX_DMA_ADDRESS)
 * up, on the CPU's node when that node is online (NUMA kernels), else
 * anywhere with a note.
 */
static bool pcpu_fc_alloc(struct pcpu_run *r, unsigned int cpu, u64 size, u64 align,
			  phys_addr_t *pa)
{
	const struct kmm_machine *m = r->m;
	u64 goal = m->kernel.arch == KMM_ARCH_ARM64 ? m->memstart_addr : X86_MAX_DMA_PA;
	int node = r->p->cpu_node[cpu];
	bool ok;

	if (!m->kernel.numa)
		return pcpu_alloc(r, size, align, goal, NUMA_NO_NODE, "pcpu_fc_alloc", pa);
	if (node >= 0 && node < KMM_MAX_NUMNODES && m->node[node].online)
		return pcpu_alloc(r, size, align, goal, node, "pcpu_fc_alloc", pa);
	ok = pcpu_alloc(r, size, align, goal, NUMA_NO_NODE, "pcpu_fc_alloc", pa);
	kmm_printk(&r->m->env, "percpu: cpu %u has no node %d or node-local memory", cpu, node);
	return ok;
}

static void pcpu_fc_free(struct pcpu_run *r, phys_addr_t pa, u64 size)
{
	memblock_phys_free_caller(r->mb, pa, size, "pcpu_fc_free");
}

static void pcpu_free_alloc_info(struct pcpu_run *r)
{
	memblock_phys_free_caller(r->mb, r->ai_phys, r->ai_size, "pcpu_free_alloc_info");
}

/* ------------------------------------------------------------ CPUs and nodes */

/*
 * The emulated node (numa=fake) that x86's numa_emulation() gives CPUs of
 * physical node @phys: the lowest emulated node carved from @phys's SRAT
 * memory, node 0 when there is none.
 */
static int x86_emulated_node(const struct kmm_machine *m, int phys)
{
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		u64 start = KMM_ULLONG_MAX;

		for (unsigned int i = 0; i < m->nr_numa_blks; i++)
			if (m->numa_blks[i].nid == nid)
				start = KMM_MIN(start, m->numa_blks[i].start);
		if (start == KMM_ULLONG_MAX)
			continue;
		for (unsigned int i = 0; i < m->boot.nr_srat; i++) {
			const struct kmm_srat_mem *s = &m->boot.srat[i];

			if (s->start <= start && start <= s->end && s->node == phys)
				return nid;
		}
	}
	return 0;
}

/*
 * x86 early_cpu_to_node(): numa_init_array() first deals the CPUs round-robin
 * over the online nodes; init_cpu_to_node() then gives every CPU the SRAT
 * node of its APIC.  kmm takes CPU i to be the i-th SRAT processor entry
 * (QEMU lists processors in the same order in the MADT and the SRAT).
 */
static int x86_cpu_nodes(struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	struct kmm_percpu *p = r->p;
	int online[KMM_MAX_NUMNODES];
	unsigned int nr_online = 0;
	bool srat = !m->cmdline.numa_off && m->boot.nr_srat;

	if (!m->kernel.numa)
		return 0; /* every CPU on node 0 (cpu_node[] is zero) */
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (m->node[n].online)
			online[nr_online++] = n;
	if (!nr_online)
		return pcpu_stop(r, -KMM_EINVAL,
				 "no online NUMA node: set up NODE_DATA before the per-CPU areas");
	for (unsigned int cpu = 0; cpu < p->nr_cpu_ids; cpu++) {
		int node = online[cpu % nr_online];

		if (srat && cpu < m->boot.nr_srat_cpu && m->boot.srat_cpu[cpu].node >= 0 &&
		    m->boot.srat_cpu[cpu].node < KMM_MAX_NUMNODES) {
			node = m->boot.srat_cpu[cpu].node;
			if (m->cmdline.numa_fake != KMM_NUMA_FAKE_NONE)
				node = x86_emulated_node(m, node);
		}
		p->cpu_node[cpu] = node;
	}
	return 0;
}

/* x86: the possible CPUs are the ones "smpboot: Allowing N CPUs" counted */
static int x86_cpus(struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	unsigned int n = m->boot.cpus;

	if (!n)
		return pcpu_stop(
			r, -KMM_EINVAL,
			"no possible CPU: the boot log has no \"smpboot: Allowing N CPUs\" line");
	if (n > m->kernel.nr_cpus)
		return pcpu_stop(r, -KMM_EINVAL, "%u possible CPUs exceed NR_CPUS=%u", n,
				 m->kernel.nr_cpus);
	if (n > KMM_PCPU_MAX_CPUS)
		return pcpu_stop(r, -KMM_ENOTSUP, "%u possible CPUs: kmm simulates at most %u", n,
				 KMM_PCPU_MAX_CPUS);
	r->p->nr_cpu_ids = n;
	return x86_cpu_nodes(r);
}

/*
 * arm64: of_parse_and_init_cpus() numbers the /cpus nodes in tree order (the
 * boot CPU, QEMU's first, is CPU 0), skipping failed ones, bad or duplicate
 * MPIDRs, and clipping at NR_CPUS; early_map_cpu_to_node() takes the
 * numa-node-id when that node is possible, else node 0.
 */
static int arm64_cpus(struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	const struct kmm_dt *dt = m->dt;
	struct kmm_percpu *p = r->p;
	u64 seen[KMM_PCPU_MAX_CPUS];
	unsigned int n = 0;

	for (unsigned int i = 0; dt && i < dt->nr_cpus && n < m->kernel.nr_cpus; i++) {
		const struct kmm_dt_cpu *c = &dt->cpus[i];
		bool dup = false;
		int node = 0;

		if (c->failed || c->hwid == KMM_DT_BAD_ADDR || (c->hwid & ~ARM64_MPIDR_HWID_MASK))
			continue;
		for (unsigned int j = 0; j < n; j++)
			dup |= seen[j] == c->hwid;
		if (dup)
			continue;
		if (n == KMM_PCPU_MAX_CPUS)
			return pcpu_stop(r, -KMM_ENOTSUP,
					 "more than %u possible CPUs: kmm simulates at most %u",
					 KMM_PCPU_MAX_CPUS, KMM_PCPU_MAX_CPUS);
		if (m->kernel.numa && !m->cmdline.numa_off && c->has_nid && !c->nid_bad &&
		    c->nid < (u32)m->memblock.max_numnodes && node_possible(m, (int)c->nid))
			node = (int)c->nid;
		seen[n] = c->hwid;
		p->cpu_node[n++] = node;
	}
	if (!n)
		return pcpu_stop(r, -KMM_EINVAL,
				 "no possible CPU: the device tree has no usable /cpus node");
	p->nr_cpu_ids = n;
	return 0;
}

static unsigned int nr_node_ids(const struct kmm_machine *m)
{
	unsigned int nr = 1;

	if (!m->kernel.numa)
		return 1;
	for (int n = 0; n < KMM_MAX_NUMNODES; n++)
		if (node_possible(m, n))
			nr = (unsigned int)n + 1;
	return nr;
}

/* pcpu_cpu_distance(): x86 compares nodes, arm64 asks node_distance() */
static bool cpus_local(const struct pcpu_run *r, unsigned int a, unsigned int b)
{
	const struct kmm_machine *m = r->m;
	int na = r->p->cpu_node[a], nb = r->p->cpu_node[b];

	if (m->kernel.arch != KMM_ARCH_ARM64)
		return na == nb;
	return m->numa_distance[na][nb] == KMM_LOCAL_DISTANCE;
}

/* ------------------------------------------------------------ alloc_info */

/* how many units of @alloc_size fit, each at least @min_unit and page-sized */
static unsigned int max_units_per_alloc(u64 alloc_size, u64 min_unit)
{
	unsigned int upa = (unsigned int)(alloc_size / min_unit);

	while (alloc_size % upa || (alloc_size / upa) % PAGE_SIZE)
		upa--;
	return upa;
}

/*
 * The units per alloc that waste at most a third of the possible CPUs'
 * worth of units and, among those, need the fewest allocs (largest first,
 * stop when the count grows).  upa = 1 always qualifies.
 */
static unsigned int best_units_per_alloc(const unsigned int *cnt, unsigned int nr_groups,
					 unsigned int nr_cpus, u64 alloc_size, unsigned int max_upa)
{
	unsigned int best = 1, last_allocs = ~0U;

	for (unsigned int upa = max_upa; upa; upa--) {
		unsigned int allocs = 0, wasted = 0;

		if (alloc_size % upa || (alloc_size / upa) % PAGE_SIZE)
			continue;
		for (unsigned int g = 0; g < nr_groups; g++) {
			unsigned int n = (cnt[g] + upa - 1) / upa;

			allocs += n;
			wasted += n * upa - cnt[g];
		}
		if (wasted > nr_cpus / 3)
			continue;
		if (allocs > last_allocs)
			break;
		last_allocs = allocs;
		best = upa;
	}
	return best;
}

/*
 * Group the possible CPUs: each group starts with the lowest CPU left and
 * takes every later CPU local to it both ways (all of them without
 * @by_distance).  Fills @group_of and @cnt; returns the number of groups,
 * 0 when there would be more than KMM_PCPU_MAX_GROUPS.
 */
static unsigned int group_cpus(const struct pcpu_run *r, bool by_distance, u8 *group_of,
			       unsigned int *cnt)
{
	unsigned int ncpus = r->p->nr_cpu_ids, nr_groups = 0;
	bool taken[KMM_PCPU_MAX_CPUS] = { false };

	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		if (taken[cpu])
			continue;
		if (nr_groups == KMM_PCPU_MAX_GROUPS)
			return 0;
		taken[cpu] = true;
		group_of[cpu] = (u8)nr_groups;
		cnt[nr_groups] = 1;
		for (unsigned int t = cpu + 1; t < ncpus; t++) {
			if (taken[t] ||
			    (by_distance && !(cpus_local(r, cpu, t) && cpus_local(r, t, cpu))))
				continue;
			taken[t] = true;
			group_of[t] = (u8)nr_groups;
			cnt[nr_groups]++;
		}
		nr_groups++;
	}
	return nr_groups;
}

/*
 * pcpu_build_alloc_info(): size the unit (static + reserved + at least the
 * early dynamic size, page-rounded, at least PCPU_MIN_UNIT_SIZE), choose how
 * many units share one atom-aligned alloc, group the CPUs, and allocate the
 * alloc_info block (the struct, its groups, one cpu_map entry per unit,
 * page-rounded) as Linux does.  Fills r->p's alloc_info fields.
 * Returns 0, -KMM_ENOMEM (Linux's -ENOMEM: memblock had no room) or a fatal
 * -KMM_ENOTSUP (kmm's unit limit).
 */
static int pcpu_build_alloc_info(struct pcpu_run *r, u64 reserved, u64 dyn, u64 atom,
				 bool by_distance)
{
	struct kmm_percpu *p = r->p;
	u8 group_of[KMM_PCPU_MAX_CPUS];
	unsigned int cnt[KMM_PCPU_MAX_GROUPS];
	unsigned int nr_groups, nr_units = 0, upa, unit = 0;
	u64 size_sum, min_unit, alloc_size, base_size;

	size_sum = PFN_ALIGN(p->static_size + reserved + KMM_MAX(dyn, PERCPU_DYNAMIC_EARLY_SIZE));
	dyn = size_sum - p->static_size - reserved;
	min_unit = KMM_MAX(size_sum, PCPU_MIN_UNIT_SIZE);
	alloc_size = ROUNDUP(min_unit, atom);

	nr_groups = group_cpus(r, by_distance, group_of, cnt);
	if (!nr_groups)
		return pcpu_stop(r, -KMM_ENOTSUP,
				 "more than %u per-CPU groups: kmm simulates at most %u",
				 KMM_PCPU_MAX_GROUPS, KMM_PCPU_MAX_GROUPS);
	upa = best_units_per_alloc(cnt, nr_groups, p->nr_cpu_ids, alloc_size,
				   max_units_per_alloc(alloc_size, min_unit));
	for (unsigned int g = 0; g < nr_groups; g++)
		nr_units += ROUNDUP(cnt[g], upa);
	if (nr_units > KMM_PCPU_MAX_UNITS)
		return pcpu_stop(r, -KMM_ENOTSUP, "%u per-CPU units: kmm simulates at most %u",
				 nr_units, KMM_PCPU_MAX_UNITS);

	/* the struct and its groups, then unsigned int cpu_map[nr_units] */
	base_size = KMM_ALIGN(struct_size(r, KMM_STRUCT_PCPU_ALLOC_INFO) +
				      nr_groups * struct_size(r, KMM_STRUCT_PCPU_GROUP_INFO),
			      4ULL);
	r->ai_size = PFN_ALIGN(base_size + nr_units * 4ULL);
	if (!pcpu_alloc(r, r->ai_size, PAGE_SIZE, 0, NUMA_NO_NODE, "pcpu_build_alloc_info",
			&r->ai_phys))
		return -KMM_ENOMEM;

	p->reserved_size = reserved;
	p->dyn_size = dyn;
	p->unit_size = alloc_size / upa;
	p->atom_size = atom;
	p->alloc_size = alloc_size;
	p->nr_groups = nr_groups;
	p->nr_units = nr_units;
	for (unsigned int g = 0; g < nr_groups; g++) {
		struct kmm_pcpu_group *gi = &p->group[g];
		unsigned int n = 0;

		gi->first_unit = unit;
		gi->base_offset = unit * p->unit_size; /* as if back to back, until placed */
		gi->phys = 0;
		for (unsigned int cpu = 0; cpu < p->nr_cpu_ids; cpu++)
			if (group_of[cpu] == g)
				p->unit_cpu[unit + n++] = (int)cpu;
		gi->nr_units = ROUNDUP(n, upa);
		for (; n < gi->nr_units; n++)
			p->unit_cpu[unit + n] = KMM_PCPU_NO_CPU;
		unit += gi->nr_units;
	}
	return 0;
}

/* ------------------------------------------------------------ first chunk */

/* append to a log line, keeping it terminated and *@len within it */
__attribute__((format(printf, 4, 5))) static void line_add(char *line, size_t size, size_t *len,
							   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kmm_vsnprintf(line + *len, size - *len, fmt, ap);
	va_end(ap);
	*len = KMM_MIN(*len + (size_t)(n > 0 ? n : 0), size - 1);
}

/*
 * pcpu_dump_alloc_info() at KERN_DEBUG: a summary line, then the allocs,
 * each "[group] cpu cpu ... " (empty units as dashes), as many per line as
 * fit 60 columns (rounded down to a power of two).
 */
static void pcpu_dump_alloc_info(const struct pcpu_run *r)
{
	const struct kmm_percpu *p = r->p;
	const struct kmm_env *env = &r->m->env;
	unsigned int gw = decimal_width(p->nr_groups), cw = decimal_width(p->nr_cpu_ids);
	unsigned int upa = (unsigned int)(p->alloc_size / p->unit_size);
	unsigned int width = upa * (cw + 1) + gw + 3, apl = 1, alloc = 0;
	char empty[9] = "--------", line[1024];
	size_t len = 0;

	empty[KMM_MIN(cw, 8U)] = '\0';
	while (apl * 2 <= KMM_MAX(60 / width, 1U))
		apl *= 2;
	kmm_printk(env, "pcpu-alloc: s%llu r%llu d%llu u%llu alloc=%llu*%llu",
		   (unsigned long long)p->static_size, (unsigned long long)p->reserved_size,
		   (unsigned long long)p->dyn_size, (unsigned long long)p->unit_size,
		   (unsigned long long)(p->alloc_size / p->atom_size),
		   (unsigned long long)p->atom_size);
	for (unsigned int g = 0; g < p->nr_groups; g++) {
		const struct kmm_pcpu_group *gi = &p->group[g];

		for (unsigned int u = 0; u < gi->nr_units; u += upa, alloc++) {
			if (alloc % apl == 0) {
				if (len)
					kmm_printk(env, "%s", line);
				len = 0;
				line_add(line, sizeof(line), &len, "pcpu-alloc: ");
			}
			line_add(line, sizeof(line), &len, "[%0*u] ", (int)gw, g);
			for (unsigned int i = u; i < u + upa; i++) {
				int cpu = p->unit_cpu[gi->first_unit + i];

				if (cpu == KMM_PCPU_NO_CPU)
					line_add(line, sizeof(line), &len, "%s ", empty);
				else
					line_add(line, sizeof(line), &len, "%0*d ", (int)cw, cpu);
			}
		}
	}
	if (len)
		kmm_printk(env, "%s", line);
}

/*
 * pcpu_alloc_first_chunk(): the chunk serving [@tmp_addr, @tmp_addr +
 * @map_size) of the first chunk.  Its bitmaps cover whole pages from
 * @tmp_addr rounded down; Linux allocates the chunk struct (with its
 * populated bitmap), the allocation and boundary bitmaps (one bit per
 * PCPU_MIN_ALLOC_SIZE bytes, the boundary map one bit longer) and one
 * metadata block per page.
 */
static int pcpu_alloc_first_chunk(struct pcpu_run *r, u64 tmp_addr, u64 map_size,
				  struct kmm_pcpu_chunk_info *c)
{
	u64 aligned = tmp_addr & ~(PAGE_SIZE - 1);
	u64 start_offset = tmp_addr - aligned;
	u64 region = PFN_ALIGN(start_offset + map_size);
	u64 nr_pages = region >> PAGE_SHIFT, region_bits = region / PCPU_MIN_ALLOC_SIZE;
	const char *fn = "pcpu_alloc_first_chunk";
	int ret;

	c->base_addr = aligned;
	c->start_offset = (unsigned int)start_offset;
	c->end_offset = (unsigned int)(region - start_offset - map_size);
	c->nr_pages = (unsigned int)nr_pages;
	c->free_bytes = (unsigned int)map_size;
	ret = pcpu_alloc_or_panic(r,
				  struct_size(r, KMM_STRUCT_PCPU_CHUNK) +
					  bits_to_longs(r, nr_pages) * r->long_size,
				  fn, &c->chunk_phys);
	if (!ret)
		ret = pcpu_alloc_or_panic(r, bits_to_longs(r, region_bits) * r->long_size, fn,
					  &c->alloc_map_phys);
	if (!ret)
		ret = pcpu_alloc_or_panic(r, bits_to_longs(r, region_bits + 1) * r->long_size, fn,
					  &c->bound_map_phys);
	if (!ret)
		ret = pcpu_alloc_or_panic(r,
					  region / PCPU_BITMAP_BLOCK_SIZE *
						  struct_size(r, KMM_STRUCT_PCPU_BLOCK_MD),
					  fn, &c->md_blocks_phys);
	return ret;
}

/* cpu -> unit and cpu -> offset, and the CPUs with the lowest and highest unit */
static void pcpu_map_units(struct kmm_percpu *p)
{
	bool have_unit = false;

	for (unsigned int g = 0; g < p->nr_groups; g++) {
		const struct kmm_pcpu_group *gi = &p->group[g];

		for (unsigned int i = 0; i < gi->nr_units; i++) {
			int cpu = p->unit_cpu[gi->first_unit + i];

			if (cpu == KMM_PCPU_NO_CPU)
				continue;
			p->unit_map[cpu] = gi->first_unit + i;
			p->unit_off[cpu] = gi->base_offset + i * p->unit_size;
			if (!have_unit || p->unit_off[cpu] < p->unit_off[p->low_unit_cpu])
				p->low_unit_cpu = (unsigned int)cpu;
			if (!have_unit || p->unit_off[cpu] > p->unit_off[p->high_unit_cpu])
				p->high_unit_cpu = (unsigned int)cpu;
			have_unit = true;
		}
	}
}

/*
 * pcpu_setup_first_chunk(): the group offsets and sizes, the cpu -> unit map
 * and offsets (memblock, one entry per group or per possible CPU), the
 * alloc_info dump, the chunk slot lists, then the reserved chunk (when there
 * is a reserved area) and the dynamic chunk.  The static area ends on a
 * PCPU_MIN_ALLOC_SIZE boundary; the dynamic area shrinks by what that adds.
 */
static int pcpu_setup_first_chunk(struct pcpu_run *r)
{
	struct kmm_percpu *p = r->p;
	const char *fn = "pcpu_setup_first_chunk";
	u64 sizes[4] = { p->nr_groups * r->long_size, p->nr_groups * r->long_size,
			 p->nr_cpu_ids * 4ULL, p->nr_cpu_ids * r->long_size };
	u64 static_size = KMM_ALIGN(p->static_size, PCPU_MIN_ALLOC_SIZE);
	u64 dyn_size = p->dyn_size - (static_size - p->static_size);
	phys_addr_t pa;
	int ret;

	KMM_CHECK_INTERNAL(&r->m->env,
			   p->unit_size >= p->static_size + p->reserved_size + p->dyn_size);
	KMM_CHECK_INTERNAL(&r->m->env,
			   p->unit_size % PAGE_SIZE == 0 && p->unit_size >= PCPU_MIN_UNIT_SIZE);
	for (unsigned int i = 0; i < KMM_ARRAY_SIZE(sizes); i++) {
		ret = pcpu_alloc_or_panic(r, sizes[i], fn, &pa);
		if (ret)
			return ret;
	}
	pcpu_map_units(p);
	pcpu_dump_alloc_info(r);

	/* the slot of a size is max(fls(size) - PCPU_SLOT_BASE_SHIFT + 2, 1) */
	p->nr_slots = KMM_MAX(fls64(p->unit_size) + 2 - PCPU_SLOT_BASE_SHIFT, 1U) + 1 +
		      PCPU_SPECIAL_SLOTS;
	ret = pcpu_alloc_or_panic(r, p->nr_slots * struct_size(r, KMM_STRUCT_LIST_HEAD), fn, &pa);
	if (ret)
		return ret;
	p->has_reserved_chunk = p->reserved_size != 0;
	if (p->has_reserved_chunk) {
		ret = pcpu_alloc_first_chunk(r, p->base + static_size, p->reserved_size,
					     &p->reserved_chunk);
		if (ret)
			return ret;
	}
	return pcpu_alloc_first_chunk(r, p->base + static_size + p->reserved_size, dyn_size,
				      &p->dynamic_chunk);
}

static u64 vmalloc_total(const struct kmm_machine *m)
{
	const struct kmm_kernel *k = &m->kernel;
	u64 start;

	switch (k->arch) {
	case KMM_ARCH_X86_64:
		return X86_64_VMALLOC_TOTAL;
	case KMM_ARCH_ARM64:
		return ARM64_VMALLOC_TOTAL;
	default:
		/* VMALLOC_START: 8M past high_memory, on an 8M boundary */
		if (!k->vmalloc_end || !m->max_low_pfn)
			return KMM_ULLONG_MAX;
		start = KMM_ALIGN_DOWN(k->page_offset + ((u64)m->max_low_pfn << PAGE_SHIFT) +
					       X86_32_VMALLOC_OFFSET,
				       X86_32_VMALLOC_OFFSET);
		return k->vmalloc_end > start ? k->vmalloc_end - start : 0;
	}
}

/* x * 3 / 4 without overflow */
static u64 three_quarters(u64 x)
{
	return x / 4 * 3 + x % 4 * 3 / 4;
}

/* out_free_areas: give back the groups placed so far, whole */
static void pcpu_free_groups(struct pcpu_run *r)
{
	const struct kmm_percpu *p = r->p;

	for (unsigned int g = 0; g < p->nr_groups; g++)
		if (p->group[g].phys)
			pcpu_fc_free(r, p->group[g].phys, p->group[g].nr_units * p->unit_size);
}

/*
 * Place every group's block: on the node of its first CPU, @atom-aligned.
 * The chunk base is the lowest block; the spread from it to the end of the
 * highest block must fit three quarters of the vmalloc space (the percpu
 * allocator maps later chunks with the same layout there).
 * Returns 0 or -KMM_ENOMEM / -KMM_EINVAL (Linux's -ENOMEM / -EINVAL).
 */
static int pcpu_embed_place_groups(struct pcpu_run *r, u64 atom)
{
	struct kmm_percpu *p = r->p;
	unsigned int highest = 0;
	u64 max_distance;

	p->base = KMM_ULLONG_MAX;
	for (unsigned int g = 0; g < p->nr_groups; g++) {
		struct kmm_pcpu_group *gi = &p->group[g];
		unsigned int i = 0;

		while (p->unit_cpu[gi->first_unit + i] == KMM_PCPU_NO_CPU)
			i++;
		if (!pcpu_fc_alloc(r, (unsigned int)p->unit_cpu[gi->first_unit + i],
				   gi->nr_units * p->unit_size, atom, &gi->phys))
			return -KMM_ENOMEM;
		p->base = KMM_MIN(p->base, gi->phys);
		if (gi->phys > p->group[highest].phys)
			highest = g;
	}
	max_distance = p->group[highest].phys - p->base + p->unit_size * p->group[highest].nr_units;
	if (max_distance > three_quarters(vmalloc_total(r->m))) {
		kmm_printk(&r->m->env,
			   "percpu: max_distance=0x%llx too large for vmalloc space 0x%llx",
			   (unsigned long long)max_distance,
			   (unsigned long long)vmalloc_total(r->m));
		return -KMM_EINVAL;
	}
	return 0;
}

/*
 * pcpu_embed_first_chunk(): the first chunk in the direct map.  After the
 * alloc_info, Linux allocates the areas array (one pointer per group,
 * page-rounded) and the groups' blocks; then it returns the tail of every
 * used unit past static + reserved + dynamic, and every empty unit whole,
 * and sets the chunk up.  The alloc_info and areas array are freed at the
 * end, also when a block could not be placed (then the placed ones first).
 */
static int pcpu_embed_first_chunk(struct pcpu_run *r, u64 reserved, u64 dyn, u64 atom)
{
	struct kmm_percpu *p = r->p;
	phys_addr_t areas = 0;
	u64 areas_size, size_sum;
	int ret;

	ret = pcpu_build_alloc_info(r, reserved, dyn, atom, true);
	if (ret)
		return ret;
	size_sum = p->static_size + p->reserved_size + p->dyn_size;
	areas_size = PFN_ALIGN(p->nr_groups * r->long_size);
	if (!pcpu_alloc(r, areas_size, SMP_CACHE_BYTES, 0, NUMA_NO_NODE, "pcpu_embed_first_chunk",
			&areas)) {
		ret = -KMM_ENOMEM;
		goto out_free;
	}
	ret = pcpu_embed_place_groups(r, atom);
	if (ret) {
		pcpu_free_groups(r);
		goto out_free;
	}
	for (unsigned int g = 0; g < p->nr_groups; g++) {
		struct kmm_pcpu_group *gi = &p->group[g];

		for (unsigned int i = 0; i < gi->nr_units; i++) {
			phys_addr_t unit = gi->phys + i * p->unit_size;

			if (p->unit_cpu[gi->first_unit + i] == KMM_PCPU_NO_CPU)
				pcpu_fc_free(r, unit, p->unit_size);
			else
				pcpu_fc_free(r, unit + size_sum, p->unit_size - size_sum);
		}
	}
	for (unsigned int g = 0; g < p->nr_groups; g++)
		p->group[g].base_offset = p->group[g].phys - p->base;
	kmm_printk(&r->m->env, "percpu: Embedded %llu pages/cpu s%llu r%llu d%llu u%llu",
		   (unsigned long long)(size_sum >> PAGE_SHIFT), (unsigned long long)p->static_size,
		   (unsigned long long)p->reserved_size, (unsigned long long)p->dyn_size,
		   (unsigned long long)p->unit_size);
	ret = pcpu_setup_first_chunk(r);
	if (ret)
		return ret; /* Linux panicked */
	p->fc = KMM_PCPU_FC_EMBED;
out_free:
	pcpu_free_alloc_info(r);
	if (areas)
		memblock_phys_free_caller(r->mb, areas, areas_size, "pcpu_embed_first_chunk");
	return ret;
}

/*
 * x86_64 populate_extra_pte() for the pages of [@addr, @addr + @size): a PUD,
 * PMD and PTE page (spp_getpage(): memblock_alloc(PAGE_SIZE, PAGE_SIZE)) for
 * each 512G, 1G and 2M region first touched.  Nothing is mapped in the
 * vmalloc space yet when the first chunk is built.
 */
static int x86_64_populate_ptes(struct pcpu_run *r, u64 addr, u64 size)
{
	static const unsigned int shift[3] = { 39, 30, 21 };
	u64 last[3] = { KMM_ULLONG_MAX, KMM_ULLONG_MAX, KMM_ULLONG_MAX };
	phys_addr_t pa;

	for (u64 a = addr; a < addr + size; a += PAGE_SIZE) {
		for (unsigned int l = 0; l < 3; l++) {
			if (a >> shift[l] == last[l])
				continue;
			last[l] = a >> shift[l];
			if (!pcpu_alloc(r, PAGE_SIZE, PAGE_SIZE, 0, NUMA_NO_NODE, "spp_getpage",
					&pa))
				return pcpu_stop(r, -KMM_ENOMEM,
						 "set_pte_phys: cannot allocate page data ");
		}
	}
	return 0;
}

/* the pages one CPU's unit takes with the page allocator (atom = PAGE_SIZE) */
static u64 page_unit_pages(const struct kmm_percpu *p, u64 reserved)
{
	u64 size_sum = PFN_ALIGN(p->static_size + reserved + PERCPU_DYNAMIC_EARLY_SIZE);

	return KMM_MAX(size_sum, PCPU_MIN_UNIT_SIZE) >> PAGE_SHIFT;
}

/*
 * pcpu_page_first_chunk() (x86_64): one group, no dynamic reserve beyond the
 * early size; the array of page pointers, then every unit page one by one
 * on its CPU's node, the vmalloc page tables, and the chunk.  A page that
 * cannot be had makes Linux give back those it got (last first) and fail.
 */
static int pcpu_page_first_chunk(struct pcpu_run *r, u64 reserved)
{
	struct kmm_percpu *p = r->p;
	u64 unit_pages, pages_size;
	phys_addr_t pages;
	unsigned int j = 0;
	int ret;

	if (page_unit_pages(p, reserved) * p->nr_cpu_ids > KMM_PCPU_MAX_PAGES)
		return pcpu_stop(
			r, -KMM_ENOTSUP,
			"percpu page allocator: %llu pages for %u CPUs, kmm keeps at most %u",
			(unsigned long long)(page_unit_pages(p, reserved) * p->nr_cpu_ids),
			p->nr_cpu_ids, KMM_PCPU_MAX_PAGES);
	ret = pcpu_build_alloc_info(r, reserved, 0, PAGE_SIZE, false);
	if (ret)
		return ret;
	KMM_CHECK_INTERNAL(&r->m->env, p->nr_groups == 1 && p->group[0].nr_units == p->nr_cpu_ids);
	unit_pages = p->unit_size >> PAGE_SHIFT;
	pages_size = PFN_ALIGN(unit_pages * p->nr_cpu_ids * r->long_size);
	ret = pcpu_alloc_or_panic(r, pages_size, "pcpu_page_first_chunk", &pages);
	if (ret)
		return ret;
	for (unsigned int unit = 0; unit < p->nr_cpu_ids; unit++) {
		unsigned int cpu = (unsigned int)p->unit_cpu[unit];

		for (u64 i = 0; i < unit_pages; i++) {
			if (!pcpu_fc_alloc(r, cpu, PAGE_SIZE, PAGE_SIZE, &p->page_phys[j])) {
				kmm_printk(&r->m->env,
					   "percpu: failed to allocate 4K page for cpu%u", cpu);
				while (j)
					pcpu_fc_free(r, p->page_phys[--j], PAGE_SIZE);
				ret = -KMM_ENOMEM;
				goto out_free;
			}
			j++;
		}
	}
	p->base = X86_64_VMALLOC_START; /* vm_area_register_early(): the first early area */
	ret = x86_64_populate_ptes(r, p->base, p->nr_cpu_ids * p->unit_size);
	if (ret)
		return ret;
	p->nr_pages = j;
	kmm_printk(&r->m->env, "percpu: %llu 4K pages/cpu s%llu r%llu d%llu",
		   (unsigned long long)unit_pages, (unsigned long long)p->static_size,
		   (unsigned long long)p->reserved_size, (unsigned long long)p->dyn_size);
	ret = pcpu_setup_first_chunk(r);
	if (ret)
		return ret;
	p->fc = KMM_PCPU_FC_PAGE;
out_free:
	memblock_phys_free_caller(r->mb, pages, pages_size, "pcpu_page_first_chunk");
	pcpu_free_alloc_info(r);
	return ret;
}

/* ------------------------------------------------------------ per arch */

/*
 * x86_32 pcpu_need_numa(): possible CPUs on two different online nodes make
 * "auto" pick the page allocator (vmalloc space is small on 32-bit).
 */
static bool x86_32_need_numa(const struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	int last = KMM_NUMA_NO_NODE;

	if (!m->kernel.numa)
		return false;
	for (unsigned int cpu = 0; cpu < r->p->nr_cpu_ids; cpu++) {
		int node = r->p->cpu_node[cpu];
		bool online = node >= 0 && node < KMM_MAX_NUMNODES && m->node[node].online;

		if (online && last != KMM_NUMA_NO_NODE && last != node)
			return true;
		last = online ? node : KMM_NUMA_NO_NODE;
	}
	return false;
}

/*
 * x86_64's CPUMASK_OFFSTACK cpumasks: setup_node_to_cpumask_map() (one per
 * node, NUMA kernels) and setup_cpu_local_masks() (initialized, callin,
 * callout, sibling setup), each BITS_TO_LONGS(nr_cpu_ids) longs.
 */
static int x86_alloc_cpumasks(struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	unsigned int count = 4 + (m->kernel.numa ? r->p->nr_node_ids : 0);
	u64 size = bits_to_longs(r, r->p->nr_cpu_ids) * r->long_size;
	phys_addr_t pa;

	if (m->kernel.nr_cpus <= X86_OFFSTACK_NR_CPUS)
		return 0;
	for (unsigned int i = 0; i < count; i++)
		if (pcpu_alloc_or_panic(r, size, "alloc_bootmem_cpumask_var", &pa))
			return -KMM_ENOMEM;
	return 0;
}

/*
 * x86 setup_per_cpu_areas(): embed unless percpu_alloc=page (or i386 NUMA);
 * x86_64 keeps PERCPU_MODULE_RESERVE in the first chunk (modules' statics
 * must be reachable with 32-bit relocations) and aligns groups to PMDs;
 * i386 uses pages and no reserved area.  An embed failure is reported and
 * the page allocator tried.
 */
static int x86_setup(struct pcpu_run *r)
{
	struct kmm_machine *m = r->m;
	struct kmm_percpu *p = r->p;
	bool x86_64 = m->kernel.arch == KMM_ARCH_X86_64;
	u64 first_reserve = x86_64 ? PERCPU_MODULE_RESERVE : 0;
	u64 dyn = PERCPU_MODULE_RESERVE +
		  (x86_64 ? PERCPU_DYNAMIC_RESERVE_64 : PERCPU_DYNAMIC_RESERVE_32) - first_reserve;
	int fc = m->cmdline.percpu_alloc, ret = -KMM_EINVAL;

	kmm_printk(&m->env,
		   "setup_percpu: NR_CPUS:%u nr_cpumask_bits:%u nr_cpu_ids:%u nr_node_ids:%u",
		   m->kernel.nr_cpus, p->nr_cpu_ids, p->nr_cpu_ids, p->nr_node_ids);
	if (!x86_64 && fc == KMM_PCPU_FC_AUTO && x86_32_need_numa(r))
		fc = KMM_PCPU_FC_PAGE;
	if (fc != KMM_PCPU_FC_PAGE) {
		ret = pcpu_embed_first_chunk(r, first_reserve, dyn,
					     x86_64 ? X86_PMD_SIZE : PAGE_SIZE);
		if (ret && r->fatal)
			return ret;
		if (ret)
			kmm_printk(
				&m->env,
				"setup_percpu: %s allocator failed (%d), falling back to page size",
				fc_name(fc), linux_errno(ret));
	}
	if (ret && !x86_64)
		return pcpu_stop(r, -KMM_ENOTSUP,
				 "percpu: the page-mapped first chunk is simulated on x86_64 only");
	if (ret)
		ret = pcpu_page_first_chunk(r, first_reserve);
	if (ret && !r->fatal)
		return pcpu_stop(r, ret, "cannot initialize percpu area (err=%d)",
				 linux_errno(ret));
	if (ret)
		return ret;
	return x86_alloc_cpumasks(r);
}

/* arm64 (drivers/base/arch_numa.c): embed with page atoms, module reserve */
static int arm64_setup(struct pcpu_run *r)
{
	struct kmm_machine *m = r->m;
	int fc = m->cmdline.percpu_alloc, ret;

	if (fc != KMM_PCPU_FC_PAGE) {
		ret = pcpu_embed_first_chunk(r, PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE_64,
					     PAGE_SIZE);
		if (!ret || r->fatal)
			return ret;
		kmm_printk(&m->env,
			   "NUMA: PERCPU: %s allocator failed (%d), falling back to page size",
			   fc_name(fc), linux_errno(ret));
	}
	return pcpu_stop(r, -KMM_ENOTSUP,
			 "percpu: the page-mapped first chunk is simulated on x86_64 only");
}

/* ------------------------------------------------------------ entry */

static int pcpu_check_inputs(struct pcpu_run *r)
{
	const struct kmm_machine *m = r->m;
	const struct kmm_kernel_syms *s = &m->kernel.sym;
	u64 size;

	if (m->percpu.ready)
		return pcpu_stop(r, -KMM_EBUSY, "per-CPU areas are already set up");
	if (!m->env.phys_to_virt || !m->env.virt_to_phys)
		return pcpu_stop(
			r, -KMM_EINVAL,
			"per-CPU areas need backed memory (env phys_to_virt and virt_to_phys)");
	/* x86_64 links the per-CPU section at 0, so only there is 0 a real value */
	if (!m->kernel.have_system_map || (!s->per_cpu_start && m->kernel.arch != KMM_ARCH_X86_64))
		return pcpu_stop(r, -KMM_ENOENT, "System.map: symbol __per_cpu_start not found");
	if (!s->per_cpu_end)
		return pcpu_stop(r, -KMM_ENOENT, "System.map: symbol __per_cpu_end not found");
	if (s->per_cpu_end < s->per_cpu_start)
		return pcpu_stop(r, -KMM_EINVAL,
				 "System.map: __per_cpu_end %#llx is below __per_cpu_start %#llx",
				 (unsigned long long)s->per_cpu_end,
				 (unsigned long long)s->per_cpu_start);
	size = s->per_cpu_end - s->per_cpu_start;
	if (!size)
		return pcpu_stop(r, -KMM_EINVAL,
				 "static per-CPU area is empty (__per_cpu_end == __per_cpu_start)");
	if (s->per_cpu_start % PAGE_SIZE)
		return pcpu_stop(r, -KMM_EINVAL, "__per_cpu_start %#llx is not page-aligned",
				 (unsigned long long)s->per_cpu_start);
	if (size > KMM_PCPU_MAX_STATIC)
		return pcpu_stop(
			r, -KMM_EINVAL,
			"static per-CPU area of %llu bytes does not fit a unit (at most %llu)",
			(unsigned long long)size, (unsigned long long)KMM_PCPU_MAX_STATIC);
	return 0;
}

int kmm_setup_per_cpu_areas(struct kmm_machine *m, char *err, size_t errlen)
{
	struct pcpu_run r = {
		.m = m, .p = &m->percpu, .mb = &m->memblock, .err = err, .errlen = errlen
	};
	int ret;

	if (errlen)
		err[0] = '\0';
	ret = pcpu_check_inputs(&r);
	if (ret)
		return ret;
	kmm_memset(&m->percpu, 0, sizeof(m->percpu));
	r.long_size = m->kernel.arch == KMM_ARCH_I386 ? 4 : 8;
	m->percpu.static_size = m->kernel.sym.per_cpu_end - m->kernel.sym.per_cpu_start;
	ret = m->kernel.arch == KMM_ARCH_ARM64 ? arm64_cpus(&r) : x86_cpus(&r);
	if (ret)
		return ret;
	m->percpu.nr_node_ids = nr_node_ids(m);
	ret = m->kernel.arch == KMM_ARCH_ARM64 ? arm64_setup(&r) : x86_setup(&r);
	if (ret)
		return ret;
	m->percpu.ready = true;
	KMM_CHECK_EXPENSIVE(&m->env, kmm_percpu_validate(m));
	return 0;
}

int kmm_early_cpu_to_node(const struct kmm_machine *m, unsigned int cpu)
{
	return cpu < m->percpu.nr_cpu_ids ? m->percpu.cpu_node[cpu] : KMM_NUMA_NO_NODE;
}

/* ------------------------------------------------------------ validation */

static bool pcpu_bad(const struct kmm_machine *m, const char *what, unsigned long long v)
{
	kmm_printk(&m->env, "kmm: percpu: invalid: %s (%llu)", what, v);
	return false;
}

bool kmm_percpu_validate(const struct kmm_machine *m)
{
	const struct kmm_percpu *p = &m->percpu;
	unsigned int units = 0;

	if (!p->ready)
		return true;
	if (p->static_size + p->reserved_size + p->dyn_size > p->unit_size ||
	    p->unit_size % PAGE_SIZE)
		return pcpu_bad(m, "unit size", p->unit_size);
	if (!p->atom_size || p->alloc_size % p->atom_size || p->alloc_size % p->unit_size)
		return pcpu_bad(m, "alloc size", p->alloc_size);
	if (!p->nr_groups || p->nr_groups > KMM_PCPU_MAX_GROUPS)
		return pcpu_bad(m, "nr_groups", p->nr_groups);
	for (unsigned int g = 0; g < p->nr_groups; g++) {
		if (p->group[g].first_unit != units ||
		    p->group[g].nr_units % (p->alloc_size / p->unit_size))
			return pcpu_bad(m, "group units", g);
		units += p->group[g].nr_units;
	}
	if (units != p->nr_units || units > KMM_PCPU_MAX_UNITS)
		return pcpu_bad(m, "nr_units", p->nr_units);
	for (unsigned int cpu = 0; cpu < p->nr_cpu_ids; cpu++) {
		unsigned int u = p->unit_map[cpu], g = 0;

		if (u >= p->nr_units || p->unit_cpu[u] != (int)cpu)
			return pcpu_bad(m, "cpu -> unit", cpu);
		while (u >= p->group[g].first_unit + p->group[g].nr_units)
			g++;
		if (p->unit_off[cpu] !=
		    p->group[g].base_offset + (u - p->group[g].first_unit) * p->unit_size)
			return pcpu_bad(m, "cpu -> offset", cpu);
	}
	return true;
}
