/*
 * template_kind.c: clean templates for sessions and batches (runtime/README.md, "The
 * process tree").
 *
 * A session's child and a batch's children are forked by a template, as a runner's are:
 * `pyverify-template` exec'd fresh for the policy and flags, which forks each child on a
 * 'K' request with the child's kind and the limits its life needs before its first request
 * (template.c). The caller treats the child as a runner treats a template's child
 * (s->remote: signalled through its pidfd, its wait status and rusage from the template's
 * status pipe). When no template can be started, the caller forks the child itself and
 * reports the step "template" as skipped, as pv_run does.
 *
 * The templates are kept in a small process-wide cache, as pv_run's runners are
 * (run_pool.c): keyed by the policy's identity (address and serial, never dereferenced)
 * and the flags; at most PVX_KIND_MAX entries, a new one evicting the least recently used
 * idle one; one user at a time per entry (a session holds its entry for its life, since a
 * template ends its children when it ends; a batch for the call), a user that finds every
 * matching entry busy starts another, or one of its own when every entry is busy; a key
 * whose template could not be started is remembered with the reason for
 * PVX_KIND_RETRY_MS; in a fork of this process the entries' channels are closed (atfork)
 * and they are forgotten without signalling anything; pv_run_cache_free() (and so
 * pv_shutdown()) ends the idle ones. The mutex guards the table only.
 */
#include "internal.h"
#include "runtime.h"
#include "template.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PVX_KIND_MAX 4
#define PVX_KIND_RETRY_MS 10000ul

typedef struct kind_entry {
    bool used;
    const pv_policy *policy;     /* borrowed identity: compared, never dereferenced */
    unsigned long long serial;
    unsigned flags;
    pid_t owner;                 /* the process that made it */
    pvx_template *t;             /* owned; NULL: none could be started (why) */
    char why[256];
    unsigned long failed_ms;
    bool busy;
    unsigned long long last_use;
} kind_entry;

static pthread_mutex_t k_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t k_once = PTHREAD_ONCE_INIT;
static kind_entry k_pool[PVX_KIND_MAX];
static bool k_here; /* pvx_kind_fork_here(): this process forks its children itself */
static unsigned long long k_clock;

static void atfork_prepare(void)
{
    pthread_mutex_lock(&k_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&k_lock);
}

/* In a fork of this process: the entries are the parent's. Only close(). */
static void atfork_child(void)
{
    for (size_t i = 0; i < PVX_KIND_MAX; i++)
        if (k_pool[i].used && k_pool[i].t)
            pvx_template_close_inherited(k_pool[i].t);
    pthread_mutex_unlock(&k_lock);
}

static void kind_init(void)
{
    (void)pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
    pvi_set_shutdown_hook(pvx_kind_cache_free);
}

/* Every entry another process made (lock held): its template into drop. */
static void unlink_foreign(pid_t me, pvx_template **drop, size_t *ndrop)
{
    for (size_t i = 0; i < PVX_KIND_MAX; i++) {
        kind_entry *e = &k_pool[i];
        if (!e->used || e->owner == me)
            continue;
        if (e->t) {
            pvx_template_close_inherited(e->t); /* when no atfork handler ran */
            drop[(*ndrop)++] = e->t;
        }
        memset(e, 0, sizeof *e);
    }
}

static void stop_all(pvx_template **drop, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pvx_template_stop(drop[i]);
}

int pvx_template_for_kind(pvx_template **out, const pv_policy *policy, unsigned flags,
                          char *why, size_t why_len)
{
    pvx_template *t = NULL, *drop[PVX_KIND_MAX + 1];
    kind_entry *e = NULL;
    size_t ndrop = 0;
    pid_t me = getpid();
    char *mirror = NULL;
    int rc;

    if (k_here)
        return 2;

    *out = NULL;
    if (!policy) {
        snprintf(why, why_len, "no policy for a template to load");
        return 1;
    }
    pthread_once(&k_once, kind_init);
    pthread_mutex_lock(&k_lock);
    unlink_foreign(me, drop, &ndrop);
    for (size_t i = 0; i < PVX_KIND_MAX && !e; i++) {
        kind_entry *c = &k_pool[i];
        if (c->used && !c->busy && c->policy == policy && c->serial == policy->serial &&
            c->flags == flags)
            e = c;
    }
    if (e && !e->t) {
        if (pvx_now_ms() - e->failed_ms < PVX_KIND_RETRY_MS) {
            snprintf(why, why_len, "%s", e->why);
            pthread_mutex_unlock(&k_lock);
            stop_all(drop, ndrop);
            return 1;
        }
        memset(e, 0, sizeof *e); /* try again */
        e = NULL;
    }
    if (e && !pvx_template_alive(e->t)) {
        drop[ndrop++] = e->t; /* it exited (killed from outside): a new one */
        memset(e, 0, sizeof *e);
        e = NULL;
    }
    if (e) {
        e->busy = true;
        e->last_use = ++k_clock;
        *out = e->t;
    }
    pthread_mutex_unlock(&k_lock);
    stop_all(drop, ndrop);
    ndrop = 0;
    if (*out)
        return 0;

    /* without the Python layer a program imports what its process has: a forked child had
       this process's modules; the template imports the same names (best effort) */
    if (flags & PV_RUN_NO_PYTHON_LAYER)
        mirror = pvx_host_module_names();
    rc = pvx_template_start(&t, policy, flags, NULL, NULL, mirror, PV_RUNNER_UID_BASE,
                            PV_RUNNER_UID_COUNT);
    free(mirror);
    if (rc < 0) {
        snprintf(why, why_len, "%s", pv_last_error());
        t = NULL;
    }
    pthread_mutex_lock(&k_lock);
    for (size_t i = 0; i < PVX_KIND_MAX && !e; i++)
        if (!k_pool[i].used)
            e = &k_pool[i];
    if (!e) {
        kind_entry *lru = NULL;
        for (size_t i = 0; i < PVX_KIND_MAX; i++)
            if (!k_pool[i].busy && (!lru || k_pool[i].last_use < lru->last_use))
                lru = &k_pool[i];
        if (lru) {
            if (lru->t)
                drop[ndrop++] = lru->t;
            memset(lru, 0, sizeof *lru);
        }
        e = lru;
    }
    if (e) {
        e->used = true;
        e->policy = policy;
        e->serial = policy->serial;
        e->flags = flags;
        e->owner = me;
        e->last_use = ++k_clock;
        if (t) {
            e->t = t;
            e->busy = true;
        } else {
            snprintf(e->why, sizeof e->why, "%s", why);
            e->failed_ms = pvx_now_ms();
        }
    }
    pthread_mutex_unlock(&k_lock);
    stop_all(drop, ndrop);
    if (!t)
        return 1;
    *out = t; /* the cache's, or (every entry busy) the caller's: pvx_template_release */
    return 0;
}

void pvx_kind_fork_here(void)
{
    k_here = true;
}

void pvx_template_release(pvx_template *t)
{
    pvx_template *drop = NULL;
    bool cached = false;
    if (!t)
        return;
    pthread_mutex_lock(&k_lock);
    for (size_t i = 0; i < PVX_KIND_MAX && !cached; i++) {
        kind_entry *e = &k_pool[i];
        if (e->used && e->t == t && e->owner == getpid()) {
            cached = true;
            e->busy = false;
            if (!pvx_template_alive(t)) {
                drop = t;
                memset(e, 0, sizeof *e);
            }
        }
    }
    pthread_mutex_unlock(&k_lock);
    if (!cached)
        drop = t;
    pvx_template_stop(drop);
}

void pvx_kind_cache_free(void)
{
    pvx_template *drop[PVX_KIND_MAX];
    size_t ndrop = 0;
    pid_t me = getpid();

    pthread_mutex_lock(&k_lock);
    for (size_t i = 0; i < PVX_KIND_MAX; i++) {
        kind_entry *e = &k_pool[i];
        if (!e->used || (e->busy && e->owner == me))
            continue;
        if (e->t) {
            if (e->owner != me)
                pvx_template_close_inherited(e->t);
            drop[ndrop++] = e->t;
        }
        memset(e, 0, sizeof *e);
    }
    pthread_mutex_unlock(&k_lock);
    stop_all(drop, ndrop);
}
