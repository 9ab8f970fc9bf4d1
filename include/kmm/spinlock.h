/* SPDX-License-Identifier: MIT */
/*
 * kmm/spinlock.h - a small test-and-test-and-set spinlock on C11 atomics.
 *
 * <stdatomic.h> is one of the headers a freestanding C11 implementation
 * provides, so the core may use it.  The lock word is 0 (free) or 1 (held);
 * acquiring is an exchange with acquire ordering, releasing a store with
 * release ordering, so everything written under the lock is seen by the next
 * holder (ThreadSanitizer understands these orderings).
 *
 * A zeroed struct kmm_spinlock is an unlocked lock.  Locks do not nest
 * recursively; the page allocator's order is "pcp lock, then zone lock".
 */
#ifndef KMM_SPINLOCK_H
#define KMM_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct kmm_spinlock {
	atomic_uint locked; /* 0: free, 1: held */
};

static inline void kmm_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* kmm_spin_trylock - take @l if it is free; true when taken. */
static inline bool kmm_spin_trylock(struct kmm_spinlock *l)
{
	return atomic_load_explicit(&l->locked, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&l->locked, 1, memory_order_acquire) == 0;
}

/* kmm_spin_lock - take @l, spinning on a plain load while someone holds it. */
static inline void kmm_spin_lock(struct kmm_spinlock *l)
{
	while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire) != 0)
		while (atomic_load_explicit(&l->locked, memory_order_relaxed) != 0)
			kmm_cpu_relax();
}

static inline void kmm_spin_unlock(struct kmm_spinlock *l)
{
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}

/* kmm_spin_is_locked - for assertions only: someone holds @l. */
static inline bool kmm_spin_is_locked(struct kmm_spinlock *l)
{
	return atomic_load_explicit(&l->locked, memory_order_relaxed) != 0;
}

#endif /* KMM_SPINLOCK_H */
