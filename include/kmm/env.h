/* SPDX-License-Identifier: MIT */
/*
 * kmm/env.h - the only header through which kmm's freestanding core sees
 * its environment.
 *
 * The core (src/core, src/fw, src/arch) is built with -ffreestanding: it uses
 * only the compiler's freestanding headers (stdint, stddef, stdbool, stdarg)
 * and reaches the outside world through a struct kmm_env that the embedder
 * fills in.  There is no global state: every simulated machine owns one
 * struct kmm_env and passes it (directly or inside its context struct) to
 * every call.
 *
 * Lifecycle: the embedder (src/port/hosted for user space, or a kernel that
 * links the core) creates a kmm_env, points log_line at its console and the
 * address hooks at its notion of "physical memory", then hands it to the
 * subsystems (memblock_init(), kmm_machine_init(), ...).
 */
#ifndef KMM_ENV_H
#define KMM_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef int64_t s64;
typedef int32_t s32;

#define KMM_ULLONG_MAX (~0ULL)
#define KMM_PHYS_ADDR_MAX (~(phys_addr_t)0)

/*
 * struct kmm_env - the environment hooks.  Every hook may be NULL except
 * where a subsystem documents that it needs it.
 *
 * @opaque:       passed back to every hook.
 * @log_line:     receives one complete kernel-log line (no trailing newline),
 *                exactly as Linux would print it without the timestamp.
 * @phys_to_virt: the direct-map address of physical address @pa, or NULL when
 *                @pa is not backed.  Needed by allocators that return virtual
 *                addresses (memblock_alloc*, memblock array doubling).
 * @virt_to_phys: inverse of @phys_to_virt; KMM_PHYS_ADDR_MAX when @va is not
 *                in the direct map.
 * @bug:          called after a failed KMM_CHECK* (see kmm/check.h) with the
 *                function and the failed condition; NULL means log only.
 * @memblock_trace: when set, memblock reports every change it makes for a
 *                caller (add, remove, reserve, allocation, free, no-map) and
 *                every memblock_dump_all() to it, with @memblock_trace_cookie
 *                (see struct memblock_trace_event in kmm/memblock.h).
 * @this_cpu:     the CPU id the calling host thread is bound to (the page
 *                allocator's smp_processor_id()); NULL: every thread is CPU 0.
 * @set_this_cpu: bind the calling host thread to CPU @cpu (the hosted port
 *                keeps it in a thread-local); needed by kmm_set_this_cpu().
 * @wake_kswapd:  when set, node @nid has a kswapd thread of the host's
 *                (kmm/vmscan.h): kmm_wakeup_kswapd() records the work and
 *                calls it, with @kswapd_cookie, once per wake-up (when no
 *                work was pending), and allocating threads never run
 *                kswapd's work themselves; the thread calls
 *                kmm_kswapd_run_node() and sleeps again.  Called from any
 *                allocating thread, kswapd's own included, with no kmm lock
 *                held; it must not allocate or call back into kmm.  NULL:
 *                the synchronous model (the work runs in a later request
 *                that may sleep, or in kmm_kswapd_run()).
 */
struct memblock;
struct memblock_trace_event;
struct kmm_env {
	void *opaque;
	void (*log_line)(void *opaque, const char *line);
	void *(*phys_to_virt)(void *opaque, phys_addr_t pa);
	phys_addr_t (*virt_to_phys)(void *opaque, const void *va);
	void (*bug)(void *opaque, const char *func, const char *what);
	void (*memblock_trace)(void *cookie, const struct memblock *mb,
			       const struct memblock_trace_event *ev);
	void *memblock_trace_cookie;
	unsigned int (*this_cpu)(void *opaque);
	void (*set_this_cpu)(void *opaque, unsigned int cpu);
	void (*wake_kswapd)(void *cookie, int nid);
	void *kswapd_cookie;
};

#endif /* KMM_ENV_H */
