/*
 * template.h: the clean template of a library runner (template.c). Not installed.
 *
 * The host side starts `pyverify-template` (fork, then exec with an empty environment and
 * only its two descriptors), asks it for warm children and receives each child's
 * descriptors; the template side (pvx_template_main) is the helper's whole program.
 */
#ifndef PV_TEMPLATE_H
#define PV_TEMPLATE_H

#include "runtime.h"

typedef struct pvx_template pvx_template;

/* Start a template for `policy` and `flags` (GIL held). `path` NULL: $PYVERIFY_TEMPLATE,
 * the install path, the build tree; `argv` its argument vector (NULL: {"pyverify-template"}).
 * `preload`: comma-separated extra modules, or NULL. 0, or an error (pv_fail) saying why
 * there is none. */
PVX_INTERNAL int pvx_template_start(pvx_template **out, const pv_policy *policy, unsigned flags,
                                    const char *path, const char *const *argv,
                                    const char *preload, unsigned long uid_base,
                                    unsigned long uid_count);
/* Ask for the next warm child without waiting for it (off the request path). */
PVX_INTERNAL int pvx_template_request(pvx_template *t);
/* The warm child asked for (asking first when nothing is pending; GIL held, released while
 * waiting): s becomes a remote spawn (pid, out, err, ctl, req, pidfd, status_fd). 0 or a
 * pv_fail error. */
PVX_INTERNAL int pvx_template_take(pvx_template *t, pvx_spawn *s);
/* The kinds of child a template forks on a 'K' request (template_kind.c). */
#define PVX_TEMPLATE_SESSION 1
#define PVX_TEMPLATE_BATCH 2
/* A child of `kind` (a session's: session.c's life, idle_s its idle timeout; a batch's:
 * batch_child.c's), with o's CPU, memory and output limits; only on a template with no warm
 * child pending (one of template_kind.c). As pvx_template_take otherwise. */
PVX_INTERNAL int pvx_template_take_kind(pvx_template *t, pvx_spawn *s, int kind,
                                        const pv_run_opts *o, double idle_s);
/* A template for a session or a batch of `policy` and `flags`, the caller's alone until
 * pvx_template_release (GIL held): 0 and *out, or 1 when none can be started (why: the
 * reason, for the skipped step "template"; the caller then forks its child itself), or 2
 * after pvx_kind_fork_here() (the caller forks its child itself and reports nothing).
 * template_kind.c, a cache of them. */
PVX_INTERNAL int pvx_template_for_kind(pvx_template **out, const pv_policy *policy,
                                       unsigned flags, char *why, size_t why_len);
/* Give it back to the cache (or end it when it is not the cache's); NULL is a no-op. */
PVX_INTERNAL void pvx_template_release(pvx_template *t);
/* From now on, this process's sessions and batches fork their child here too, without a
 * template and without reporting a "template" step: for a service worker whose first
 * request is a session or a batch (it has read nothing else, and ends with it), which would
 * otherwise pay a template's start (~0.1-0.3 s) for one child. */
PVX_INTERNAL void pvx_kind_fork_here(void);

/* End the cache's idle templates (pv_run_cache_free). */
PVX_INTERNAL void pvx_kind_cache_free(void);
/* "?name,..." of this process's sys.modules, or NULL (runner.c; GIL held). */
PVX_INTERNAL char *pvx_host_module_names(void);
/* The template has not closed its channel (it did not exit). */
PVX_INTERNAL bool pvx_template_alive(const pvx_template *t);
/* In a fork of the host that started t: close the channel, forget the pid (t is the
 * other process's). Async-signal-safe; NULL is a no-op. pvx_template_stop(t) then frees. */
PVX_INTERNAL void pvx_template_close_inherited(pvx_template *t);
/* Close the channel (the template kills and reaps its children, then exits) and reap it. */
PVX_INTERNAL void pvx_template_stop(pvx_template *t);

/* arena.c: the template's pymalloc arenas in one region aligned to huge pages. Install
 * before the interpreter starts; collapse once it is prepared, before the first fork
 * (returns the bytes now backed by huge pages, 0 when none could be). */
PVX_INTERNAL void pvx_arena_install(void);
PVX_INTERNAL size_t pvx_arena_collapse(void);

/* The helper's program: fd 3 the channel, fd 4 a memfd with the set-up. */
PVX_INTERNAL int pvx_template_main(int argc, char **argv);

#endif /* PV_TEMPLATE_H */
