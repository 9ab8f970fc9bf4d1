// SPDX-License-Identifier: MIT
/*
 * cpu.c - host threads as simulated CPUs (see kmm/hosted_cpu.h).
 *
 * Each host thread carries its CPU id in a C11 thread-local; binding is a
 * store, asking a load, so neither needs a lock.
 */
#include <kmm/hosted_cpu.h>

static _Thread_local unsigned int this_cpu_id;

unsigned int kmm_hosted_this_cpu(void *opaque)
{
	(void)opaque;
	return this_cpu_id;
}

void kmm_hosted_set_this_cpu(void *opaque, unsigned int cpu)
{
	(void)opaque;
	this_cpu_id = cpu;
}

void kmm_hosted_cpu_fill_env(struct kmm_env *env)
{
	env->this_cpu = kmm_hosted_this_cpu;
	env->set_this_cpu = kmm_hosted_set_this_cpu;
}
