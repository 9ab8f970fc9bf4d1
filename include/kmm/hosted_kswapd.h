/* SPDX-License-Identifier: MIT */
/*
 * kmm/hosted_kswapd.h - the hosted port's kswapd: one host thread per node
 * with memory, as Linux starts kswapd for every N_MEMORY node (the threaded
 * model of kmm/vmscan.h).
 *
 * Lifecycle:
 *   kmm_hosted_kswapd_start(m)  -> installs env.wake_kswapd and starts the
 *                                  threads; each binds itself to a CPU id
 *                                  and sleeps on a condition variable
 *   ... allocations that wake kswapd signal the node's thread, which runs
 *       kmm_kswapd_run_node() until the node needs no more, then sleeps ...
 *   kmm_hosted_kswapd_wait_idle(m, ms) -> optional: wait until no pass is due
 *   kmm_hosted_kswapd_stop(m)   -> wakes and joins the threads, removes the
 *                                  hook: the machine is synchronous again
 *                                  (work still pending waits for the next
 *                                  request that may sleep or kmm_kswapd_run())
 *
 * CPU binding: node n's thread is the highest-numbered online CPU of node n
 * (its CPU as kmm_early_cpu_to_node() says once the per-CPU areas are set up,
 * every CPU on the first online node before that); a node without CPUs uses
 * the highest-numbered online CPU, as Linux lets such a node's kswapd run
 * anywhere.  kmm keeps the reclaim state (PF_MEMALLOC while the shrinkers
 * run) and the count of pages a pass freed per CPU, so give the allocating
 * threads the lower CPU ids (kmm stress binds thread t to CPU t) and leave
 * the kswapd CPU to it when the machine has CPUs enough.
 *
 * Threads: start and stop must not race with other threads using the
 * machine (call them before the allocating threads start and after they
 * were joined); wait_idle may be called from any thread.
 */
#ifndef KMM_HOSTED_KSWAPD_H
#define KMM_HOSTED_KSWAPD_H

#include <stdbool.h>
#include <stddef.h>

struct kmm_machine;

/*
 * kmm_hosted_kswapd_start - start @m's kswapd threads.  Work that wake-ups
 * left pending before is handed to them at once.  Returns 0, or with @err
 * (may be NULL) saying why and nothing started:
 *   -KMM_EINVAL  @m is NULL, or its page allocator is not set up (the
 *                zonelists are not built, or no online node has managed
 *                pages);
 *   -KMM_EEXIST  kswapd threads run already (or the env has another
 *                wake_kswapd hook);
 *   -KMM_ENOTSUP the env cannot bind threads to CPUs (no this_cpu /
 *                set_this_cpu hooks: kmm_hosted_cpu_fill_env());
 *   -KMM_ENOMEM  no host memory for the threads' state;
 *   -KMM_EIO     the host refused a thread, mutex or condition variable.
 */
int kmm_hosted_kswapd_start(struct kmm_machine *m, char *err, size_t errlen);

/*
 * kmm_hosted_kswapd_stop - wake every kswapd thread of @m, join it (a pass
 * in progress ends first) and remove the hook.  Returns 0, -KMM_EINVAL for
 * a NULL @m or -KMM_ENOENT when no kswapd threads were started.
 */
int kmm_hosted_kswapd_stop(struct kmm_machine *m);

/* kmm_hosted_kswapd_running - kmm_hosted_kswapd_start() succeeded and no stop since */
bool kmm_hosted_kswapd_running(const struct kmm_machine *m);

/*
 * kmm_hosted_kswapd_wait_idle - wait up to @timeout_ms milliseconds until no
 * node has kswapd work pending or a pass running (kmm_kswapd_idle()).
 * Returns true when idle, false on timeout or when no threads were started.
 */
bool kmm_hosted_kswapd_wait_idle(struct kmm_machine *m, unsigned int timeout_ms);

#endif /* KMM_HOSTED_KSWAPD_H */
