// SPDX-License-Identifier: MIT
/*
 * kswapd.c - kswapd as host threads (see kmm/hosted_kswapd.h and the
 * threaded model in kmm/vmscan.h).
 *
 * One struct kswapd_host per machine, reached through env.kswapd_cookie
 * while env.wake_kswapd points at kswapd_wake().  Each node with memory
 * has a thread that sleeps on its condition variable (pgdat->kswapd_wait)
 * until kswapd_wake() sets its woken flag, runs kmm_kswapd_run_node() with
 * no lock held, tells kmm_hosted_kswapd_wait_idle() callers that a pass
 * ended, and sleeps again.  The flag is set and tested under the one mutex,
 * so a wake-up that comes while the thread runs a pass is not lost: the
 * thread sees it before it waits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kmm/error.h>
#include <kmm/hosted_kswapd.h>
#include <kmm/machine.h>
#include <kmm/page_alloc.h>
#include <kmm/percpu.h>
#include <kmm/vmscan.h>
#include <kmm/watermark.h>

#define IDLE_POLL_NS 10000000L /* wait_idle re-checks this often (passes run by other threads) */

struct kswapd_host;

struct kswapd_thread {
	struct kswapd_host *h;
	int nid;
	unsigned int cpu;    /* the CPU id the thread binds itself to */
	bool has_thread;     /* the node has memory: a thread serves it (fixed after start) */
	bool created;	     /* pthread_create succeeded (start/stop only) */
	bool woken;	     /* under h->lock: a wake-up came since the thread last looked */
	pthread_cond_t wait; /* pgdat->kswapd_wait; initialised when has_thread */
	pthread_t thread;
};

struct kswapd_host {
	struct kmm_machine *m;
	pthread_mutex_t lock; /* protects every woken flag and stopping */
	pthread_cond_t idle;  /* broadcast after each pass and at stop (CLOCK_MONOTONIC) */
	bool stopping;
	struct kswapd_thread node[KMM_MAX_NUMNODES];
};

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "kswapd: %s", msg);
}

/* the env hook: wake node @nid's thread (kmm calls it when work became pending) */
static void kswapd_wake(void *cookie, int nid)
{
	struct kswapd_host *h = cookie;
	struct kswapd_thread *t;

	if (nid < 0 || nid >= KMM_MAX_NUMNODES || !h->node[nid].has_thread)
		return; /* the work stays pending for kmm_kswapd_run() */
	t = &h->node[nid];
	pthread_mutex_lock(&h->lock);
	t->woken = true;
	pthread_cond_signal(&t->wait);
	pthread_mutex_unlock(&h->lock);
}

static void *kswapd_main(void *arg)
{
	struct kswapd_thread *t = arg;
	struct kswapd_host *h = t->h;

	/* start checked the CPU id and the hooks, so this cannot fail */
	kmm_set_this_cpu(h->m, t->cpu);
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (!t->woken && !h->stopping)
			pthread_cond_wait(&t->wait, &h->lock);
		if (h->stopping)
			break;
		t->woken = false;
		pthread_mutex_unlock(&h->lock);
		kmm_kswapd_run_node(h->m, t->nid);
		pthread_mutex_lock(&h->lock);
		pthread_cond_broadcast(&h->idle);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* the highest-numbered allocator CPU of node @nid, else the highest-numbered one */
static unsigned int kswapd_cpu(const struct kmm_machine *m, int nid)
{
	unsigned int nr = kmm_num_online_cpus(m);

	if (nr > KMM_PCP_MAX_CPUS)
		nr = KMM_PCP_MAX_CPUS;
	for (unsigned int cpu = nr; cpu-- > 0;)
		if (kmm_cpu_to_node(m, cpu) == nid)
			return cpu;
	return nr - 1;
}

/* N_MEMORY: an online node with managed pages */
static bool node_has_memory(const struct kmm_machine *m, int nid)
{
	if (!m->node[nid].online)
		return false;
	for (unsigned int zi = 0; zi < m->zone_layout.nr; zi++)
		if (m->node[nid].zones[zi].managed_pages)
			return true;
	return false;
}

/* wake and join the threads created so far, free @h and remove the hook */
static void kswapd_teardown(struct kmm_machine *m, struct kswapd_host *h)
{
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (h->node[nid].has_thread)
			pthread_cond_signal(&h->node[nid].wait);
	pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (h->node[nid].created)
			pthread_join(h->node[nid].thread, NULL);
	m->env.wake_kswapd = NULL;
	m->env.kswapd_cookie = NULL;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (h->node[nid].has_thread)
			pthread_cond_destroy(&h->node[nid].wait);
	pthread_cond_destroy(&h->idle);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* the checks start makes before it changes anything */
static int kswapd_start_check(const struct kmm_machine *m, char *err, size_t errlen)
{
	bool any = false;

	if (!m) {
		set_err(err, errlen, "no machine");
		return -KMM_EINVAL;
	}
	if (m->env.wake_kswapd == kswapd_wake) {
		set_err(err, errlen, "the kswapd threads run already");
		return -KMM_EEXIST;
	}
	if (m->env.wake_kswapd) {
		set_err(err, errlen, "the environment has another wake_kswapd hook");
		return -KMM_EEXIST;
	}
	if (!m->env.this_cpu || !m->env.set_this_cpu) {
		set_err(err, errlen,
			"the environment cannot bind threads to CPUs "
			"(no this_cpu/set_this_cpu hooks: kmm_hosted_cpu_fill_env)");
		return -KMM_ENOTSUP;
	}
	if (!m->zonelists.built) {
		set_err(err, errlen, "the page allocator is not set up (zonelists not built)");
		return -KMM_EINVAL;
	}
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		any |= node_has_memory(m, nid);
	if (!any) {
		set_err(err, errlen, "no online node has managed pages");
		return -KMM_EINVAL;
	}
	return 0;
}

/* the mutex and condition variables of a zeroed @h; 0 or -KMM_EIO (nothing left to destroy) */
static int kswapd_host_init(struct kswapd_host *h)
{
	pthread_condattr_t ca;
	int nid;

	if (pthread_mutex_init(&h->lock, NULL))
		return -KMM_EIO;
	if (pthread_condattr_init(&ca))
		goto out_mutex;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) || pthread_cond_init(&h->idle, &ca)) {
		pthread_condattr_destroy(&ca);
		goto out_mutex;
	}
	pthread_condattr_destroy(&ca);
	for (nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (h->node[nid].has_thread && pthread_cond_init(&h->node[nid].wait, NULL))
			break;
	if (nid == KMM_MAX_NUMNODES)
		return 0;
	while (nid-- > 0)
		if (h->node[nid].has_thread)
			pthread_cond_destroy(&h->node[nid].wait);
	pthread_cond_destroy(&h->idle);
out_mutex:
	pthread_mutex_destroy(&h->lock);
	return -KMM_EIO;
}

int kmm_hosted_kswapd_start(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kswapd_host *h;
	int ret = kswapd_start_check(m, err, errlen);

	if (ret)
		return ret;
	h = calloc(1, sizeof(*h));
	if (!h) {
		set_err(err, errlen, "out of host memory");
		return -KMM_ENOMEM;
	}
	h->m = m;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		h->node[nid].h = h;
		h->node[nid].nid = nid;
		h->node[nid].has_thread = node_has_memory(m, nid);
		h->node[nid].cpu = kswapd_cpu(m, nid);
	}
	if (kswapd_host_init(h)) {
		free(h);
		set_err(err, errlen, "cannot create a mutex or condition variable");
		return -KMM_EIO;
	}
	/* the hook is in place before any thread exists, so every thread sees it */
	m->env.kswapd_cookie = h;
	m->env.wake_kswapd = kswapd_wake;
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++) {
		struct kswapd_thread *t = &h->node[nid];
		int rc;

		if (!t->has_thread)
			continue;
		rc = pthread_create(&t->thread, NULL, kswapd_main, t);
		if (rc) {
			if (err && errlen)
				snprintf(err, errlen,
					 "kswapd: cannot start the thread of node %d: %s", nid,
					 strerror(rc));
			kswapd_teardown(m, h);
			return -KMM_EIO;
		}
		t->created = true;
	}
	/* work recorded while no thread ran: hand it over */
	for (int nid = 0; nid < KMM_MAX_NUMNODES; nid++)
		if (h->node[nid].has_thread && kmm_kswapd_pending(m))
			kswapd_wake(h, nid);
	return 0;
}

int kmm_hosted_kswapd_stop(struct kmm_machine *m)
{
	if (!m)
		return -KMM_EINVAL;
	if (m->env.wake_kswapd != kswapd_wake)
		return -KMM_ENOENT;
	kswapd_teardown(m, m->env.kswapd_cookie);
	return 0;
}

bool kmm_hosted_kswapd_running(const struct kmm_machine *m)
{
	return m && m->env.wake_kswapd == kswapd_wake;
}

static void timespec_add_ns(struct timespec *ts, long ns)
{
	ts->tv_nsec += ns;
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

static bool timespec_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

bool kmm_hosted_kswapd_wait_idle(struct kmm_machine *m, unsigned int timeout_ms)
{
	struct kswapd_host *h;
	struct timespec now, deadline;
	bool idle;

	if (!kmm_hosted_kswapd_running(m))
		return false;
	h = m->env.kswapd_cookie;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	timespec_add_ns(&deadline, (long)(timeout_ms % 1000) * 1000000L);
	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct timespec slice;

		idle = kmm_kswapd_idle(m);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (idle || h->stopping || !timespec_before(&now, &deadline))
			break;
		/* a pass run by another thread (kmm_kswapd_run()) does not signal: poll too */
		slice = now;
		timespec_add_ns(&slice, IDLE_POLL_NS);
		if (timespec_before(&deadline, &slice))
			slice = deadline;
		pthread_cond_timedwait(&h->idle, &h->lock, &slice);
	}
	pthread_mutex_unlock(&h->lock);
	return idle;
}
