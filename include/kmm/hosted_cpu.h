/* SPDX-License-Identifier: MIT */
/*
 * kmm/hosted_cpu.h - the hosted port's CPU binding: which simulated CPU the
 * calling host thread is (the page allocator's smp_processor_id()).
 *
 * The id lives in a thread-local of the port (the freestanding core has no
 * thread-locals); the core reaches it through the env hooks this header's
 * kmm_hosted_cpu_fill_env() installs.  A thread starts as CPU 0.  One id
 * per thread serves every machine the thread uses.
 */
#ifndef KMM_HOSTED_CPU_H
#define KMM_HOSTED_CPU_H

#include <kmm/env.h>

/* the env hooks: this_cpu and set_this_cpu (@opaque is not used) */
unsigned int kmm_hosted_this_cpu(void *opaque);
void kmm_hosted_set_this_cpu(void *opaque, unsigned int cpu);

/* kmm_hosted_cpu_fill_env - point @env->this_cpu/set_this_cpu at the hooks above */
void kmm_hosted_cpu_fill_env(struct kmm_env *env);

#endif /* KMM_HOSTED_CPU_H */
