/*
 * run_pool.c: pv_run() and pv_runner_run(), the entry points that choose where a run's child
 * comes from, and pv_run()'s clean templates (runtime/README.md, "The process tree").
 *
 * A child forked from the calling process holds that process's memory: a host's token, the
 * data of its earlier requests. So pv_run() runs through a pv_runner made for the program's
 * policy and the run's flags, whose children come from a clean template (template.c), and
 * keeps those runners in a small process-wide cache:
 *   - keyed by the policy's identity (its address and serial: a policy freed and another
 *     allocated at the same address is another key; the address is never dereferenced)
 *     and the flags;
 *   - at most PVX_POOL_MAX entries; a new one evicts the least recently used idle one;
 *   - one run at a time per entry (busy): a run that finds its key's entries busy (another
 *     thread, or a host function calling pv_run) makes another, or, when every entry is
 *     busy, a runner of its own, freed after the run;
 *   - an entry belongs to the process that made it: in a fork of it, the atfork handler
 *     closes the entries' descriptors (the parent's templates must see the parent's exit)
 *     and the fork frees them without signalling or waiting for anything;
 *   - an entry whose template exited is replaced before use; a key whose template could not
 *     be started is remembered with the reason for PVX_POOL_RETRY_MS, while pv_run forks
 *     here and reports the step "template" as skipped;
 *   - pv_shutdown() frees them all: each template sees its channel close, kills its
 *     children and exits, and is reaped.
 * The mutex guards the table only: it is never held while waiting, forking or taking the
 * GIL (runner calls release the GIL while they wait, so the GIL does not serialise runs).
 */
#include "internal.h"
#include "runtime.h"
#include "run_here.h"
#include "template.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PVX_POOL_MAX 4
#define PVX_POOL_RETRY_MS 10000ul
/* warm children a cached runner keeps: one, forked while the previous run runs */
#define PVX_POOL_WARM 1u

typedef struct pool_entry {
    bool used;
    const pv_policy *policy;     /* borrowed identity: compared, never dereferenced */
    unsigned long long serial;
    unsigned flags;
    pid_t owner;                 /* the process that made it */
    pv_runner *rn;               /* owned; NULL: no template could be had (why) */
    char why[256];
    unsigned long failed_ms;
    bool busy;                   /* a run uses rn */
    unsigned long long last_use; /* LRU clock */
} pool_entry;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pool_entry g_pool[PVX_POOL_MAX];
static unsigned long long g_clock;

static void atfork_prepare(void)
{
    pthread_mutex_lock(&g_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&g_lock);
}

/* In the child of any fork of this process (a sandbox child, a host's own fork): the
 * entries are the parent's. Only close(): async-signal-safe. */
static void atfork_child(void)
{
    for (size_t i = 0; i < PVX_POOL_MAX; i++)
        if (g_pool[i].used && g_pool[i].rn)
            pvx_runner_close_inherited(g_pool[i].rn);
    pthread_mutex_unlock(&g_lock);
}

static void pool_init(void)
{
    /* without the handler a fork keeps the parent's channels open (its templates then
       outlive it until the fork exits); the pid check still keeps the fork off them */
    (void)pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
    pvi_set_shutdown_hook(pv_run_cache_free);
}

static void clear_entry(pool_entry *e)
{
    memset(e, 0, sizeof *e);
}

/* Every entry this process did not make, unlinked into drop (lock held). */
static void unlink_foreign(pid_t me, pv_runner **drop, size_t *ndrop)
{
    for (size_t i = 0; i < PVX_POOL_MAX; i++) {
        pool_entry *e = &g_pool[i];
        if (!e->used || e->owner == me)
            continue;
        if (e->rn) {
            pvx_runner_close_inherited(e->rn); /* when no atfork handler ran */
            drop[(*ndrop)++] = e->rn;
        }
        clear_entry(e); /* busy in a thread of the parent, which does not exist here */
    }
}

/* A free slot, else the least recently used idle entry (its runner into drop); NULL when
 * every entry is busy. Lock held. */
static pool_entry *take_slot(pv_runner **drop, size_t *ndrop)
{
    pool_entry *lru = NULL;
    for (size_t i = 0; i < PVX_POOL_MAX; i++) {
        if (!g_pool[i].used)
            return &g_pool[i];
        if (!g_pool[i].busy && (!lru || g_pool[i].last_use < lru->last_use))
            lru = &g_pool[i];
    }
    if (lru) {
        if (lru->rn)
            drop[(*ndrop)++] = lru->rn;
        clear_entry(lru);
    }
    return lru;
}

static void free_runners(pv_runner **drop, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pv_runner_free(drop[i]); /* closes the channel, reaps the template (or only frees) */
}

/* Runs `program` through a cached runner with a clean template for its policy and the
 * run's flags (opts checked). 1 when no template can be had (why: the reason, for the
 * skipped step "template"), else 0 or an error as pv_runner_run. */
static int pool_run(pv_run_result **out, const pv_program *program, const pv_run_opts *opts,
                    unsigned flags, char *why, size_t why_len)
{
    const pv_policy *pol = program->policy;
    pv_runner *rn = NULL, *drop[PVX_POOL_MAX + 1];
    pool_entry *e = NULL;
    size_t ndrop = 0;
    pid_t me = getpid();
    int rc;

    *out = NULL;
    if (!pol) {
        snprintf(why, why_len, "the program has no policy for a template to load");
        return 1;
    }
    pthread_once(&g_once, pool_init);

    pthread_mutex_lock(&g_lock);
    unlink_foreign(me, drop, &ndrop);
    for (size_t i = 0; i < PVX_POOL_MAX && !e; i++) {
        pool_entry *c = &g_pool[i];
        if (c->used && !c->busy && c->policy == pol && c->serial == pol->serial &&
            c->flags == flags)
            e = c;
    }
    if (e && !e->rn) {
        if (pvx_now_ms() - e->failed_ms < PVX_POOL_RETRY_MS) {
            snprintf(why, why_len, "%s", e->why);
            pthread_mutex_unlock(&g_lock);
            free_runners(drop, ndrop);
            return 1;
        }
        clear_entry(e); /* try again */
        e = NULL;
    }
    if (e) {
        e->busy = true;
        e->last_use = ++g_clock;
        rn = e->rn;
    }
    pthread_mutex_unlock(&g_lock);
    free_runners(drop, ndrop);
    ndrop = 0;

    if (rn && !pvx_runner_template_alive(rn)) {
        /* its template exited (killed from outside): a new one */
        pthread_mutex_lock(&g_lock);
        clear_entry(e);
        pthread_mutex_unlock(&g_lock);
        pv_runner_free(rn);
        rn = NULL;
        e = NULL;
    }
    if (!rn) {
        pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
        ro.flags = flags;
        ro.template_mode = PV_TEMPLATE_REQUIRE;
        ro.pool = PVX_POOL_WARM;
        rc = pv_runner_new_opts(&rn, pol, &ro);
        if (rc < 0)
            snprintf(why, why_len, "%s", pv_last_error()); /* before anything else fails */
        pthread_mutex_lock(&g_lock);
        e = take_slot(drop, &ndrop);
        if (e) {
            e->used = true;
            e->policy = pol;
            e->serial = pol->serial;
            e->flags = flags;
            e->owner = me;
            e->last_use = ++g_clock;
            if (rc < 0) {
                snprintf(e->why, sizeof e->why, "%s", why);
                e->failed_ms = pvx_now_ms();
            } else {
                e->rn = rn;
                e->busy = true;
            }
        }
        pthread_mutex_unlock(&g_lock);
        free_runners(drop, ndrop);
        ndrop = 0;
        if (rc < 0)
            return 1;
    }

    rc = pvx_runner_try(rn, out, program, opts);
    if (rc == 1) /* made for this policy and these flags: cannot happen; never pv_run here */
        rc = pv_fail(PV_ERR_STATE, "pv_run: the cached runner does not match the run");

    if (!e) {
        pv_runner_free(rn); /* every entry was busy: this run's own */
        return rc;
    }
    pthread_mutex_lock(&g_lock);
    e->busy = false;
    if (rc < 0 && !pvx_runner_template_alive(rn)) {
        drop[ndrop++] = rn; /* the template died during the run: the next run makes one */
        clear_entry(e);
    }
    pthread_mutex_unlock(&g_lock);
    free_runners(drop, ndrop);
    return rc;
}

/* Every idle runner freed, its template reaped; a busy one (a run in another thread) is
 * left to its run. Also pv_shutdown's hook (GIL held). */
void pv_run_cache_free(void)
{
    pv_runner *drop[PVX_POOL_MAX];
    size_t ndrop = 0;
    pid_t me = getpid();

    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < PVX_POOL_MAX; i++) {
        pool_entry *e = &g_pool[i];
        if (!e->used || (e->busy && e->owner == me))
            continue;
        if (e->rn) {
            if (e->owner != me)
                pvx_runner_close_inherited(e->rn);
            drop[ndrop++] = e->rn;
        }
        clear_entry(e);
    }
    pthread_mutex_unlock(&g_lock);
    free_runners(drop, ndrop);
    pvx_kind_cache_free(); /* the templates of sessions and batches (template_kind.c) */
}

/* The child comes from a clean template, which never held this process's memory; only when
 * none can be had is it forked here, and the run reports the step "template" as skipped. */
int pv_run(pv_run_result **out, const pv_program *program, const pv_run_opts *opts)
{
    pv_run_opts o;
    char why[256];
    int rc = pvx_run_checks(&o, out, program, opts);

    if (rc < 0)
        return rc;
    rc = pool_run(out, program, opts, o.flags, why, sizeof why);
    if (rc != 1)
        return rc;
    rc = pvx_run_here(out, program, opts);
    if (rc == 0 && pvx_result_add_skip(*out, "template", why) < 0) {
        pv_run_result_free(*out);
        *out = NULL;
        return pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");
    }
    return rc;
}

/* A run the runner was not made for (another policy, other flags) is pv_run's: a template
 * of its own, not this process. */
int pv_runner_run(pv_runner *rn, pv_run_result **out, const pv_program *program,
                  const pv_run_opts *opts)
{
    int rc = pvx_runner_try(rn, out, program, opts);
    return rc == 1 ? pv_run(out, program, opts) : rc;
}
