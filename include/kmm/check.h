/* SPDX-License-Identifier: MIT */
/*
 * kmm/check.h - assertions in tiers, keyed on KMM_DEBUG_LEVEL.
 *
 *   KMM_CHECK(env, cond)            level >= 1: cheap checks of API contracts
 *   KMM_CHECK_INTERNAL(env, cond)   level >= 2: internal invariants
 *   KMM_CHECK_EXPENSIVE(env, cond)  level >= 3: whole-structure walks
 *                                   (*_validate() after every operation)
 *
 * Below its level a check still type-checks its condition but never
 * evaluates it.  A failed check reports through kmm_bug(), which logs
 * "kmm: BUG: <func>: <condition>" and calls env->bug when set (the hosted
 * port aborts there, tests may record it).
 */
#ifndef KMM_CHECK_H
#define KMM_CHECK_H

#include <kmm/env.h>

#ifndef KMM_DEBUG_LEVEL
#define KMM_DEBUG_LEVEL 0
#endif

void kmm_bug(const struct kmm_env *env, const char *func, const char *what);

#define KMM__CHECK(lvl, env, cond)                                                 \
	do {                                                                       \
		if (KMM_DEBUG_LEVEL >= (lvl) && !(cond))                           \
			kmm_bug((env), __func__, #cond);                           \
	} while (0)

#define KMM_CHECK(env, cond) KMM__CHECK(1, env, cond)
#define KMM_CHECK_INTERNAL(env, cond) KMM__CHECK(2, env, cond)
#define KMM_CHECK_EXPENSIVE(env, cond) KMM__CHECK(3, env, cond)

#endif /* KMM_CHECK_H */
