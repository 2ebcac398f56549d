/*
 * session.c: pv_session, one sandboxed child that keeps the program's globals from one run
 * to the next (issue 17).
 *
 * The child is forked like a warm runner's (spawn.c, pvx_spawn_child), applies phase 0 of the
 * OS steps, then at once phase 1 with the session's limits (RLIMIT_CPU is the session's
 * total, RLIMIT_AS its memory), sets up the Python layer once (builtins, proxies, guard,
 * audit hook: pylayer.c) and reports READY and DONE. Then it loops: it reads a request on
 * fd 4 (the verified code object as this process marshalled it, inputs, host-function
 * names), runs it in the same globals, and reports the outcome and DONE on fd 3. A receive
 * timeout on fd 4 (the idle timeout, set before seccomp) ends it when no request comes.
 *
 * This process watches each run as pv_run does (pvx_session_step: per-run wall clock, CPU
 * from the program's clock, output caps, host calls); a run that hits a limit, or ends
 * other than "ok"/"error", kills the child, and the session is over: later runs fail with
 * PV_ERR_STATE. pv_session_free kills and reaps the child and removes its directory. Each
 * session has its own child; nothing is shared between sessions but the host process.
 */
#include "internal.h"
#include "runtime.h"
#include "template.h"
#include "session_wire.h"

#include <marshal.h>
#include <opcode.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PVX_PAD_LINES 2u /* empty lines before the history in a whole (verify_in_context) */

struct pv_session {
    const pv_policy *policy;
    pv_session_opts opts;
    pvx_py_plan base;      /* builtins and proxies of the policy */
    pvx_spawn sp;          /* the child; pid 0 once it has ended */
    pvx_template *tmpl;    /* the clean template that forked it, or NULL: this process did */
    pv_run_result *setup;  /* owned: the layers and skipped steps of the set-up */
    unsigned runs;
    unsigned long cpu_ms;  /* the program's CPU clock after the last run (set-up included) */
    unsigned long last_ms; /* monotonic ms of the end of the last run */
    bool ended;
    char **globals;        /* owned: names the programs bound at module level so far */
    size_t nglobals;
    char *history;         /* owned: the text of every cell run so far, one module */
    size_t history_len;
    unsigned history_lines;
    bool history_partial;  /* an unverified cell ran (PV_RUN_ALLOW_UNVERIFIED): its names are
                              plain globals of the later checks */
    unsigned long check_ms; /* this process's CPU checking cells against the history: the
                               session's budget pays for it (a long history is costly) */
    char **inputs;         /* owned: names earlier runs' inputs bound (JSON data: plain
                              globals of every later check, which the history does not show) */
    size_t ninputs;
};

/* ---- the parent ----------------------------------------------------------------------------- */

/* Add to s->globals the names `code` binds as globals: STORE_NAME in the module's own code
 * (statements, imports, def, class), STORE_GLOBAL in any nested code object. The next
 * cell is verified with them as globals (the static layers would call them undefined).
 * Reads the verified code object in this process; 0 or -1 with an exception set. */
static int add_globals(pv_session *s, PyObject *code, bool module, int depth)
{
    PyCodeObject *co = (PyCodeObject *)code;
    PyObject *bytes;
    const unsigned char *b;
    Py_ssize_t n;
    unsigned long ext = 0;

    if (!PyCode_Check(code) || depth > 64)
        return 0;
    bytes = PyCode_GetCode(co);
    if (!bytes || PyBytes_AsStringAndSize(bytes, (char **)&b, &n) < 0) {
        Py_XDECREF(bytes);
        return -1;
    }
    for (Py_ssize_t i = 0; i + 1 < n; i += 2) {
        unsigned long arg = ext | b[i + 1];
        ext = b[i] == EXTENDED_ARG ? arg << 8 : 0;
        if ((b[i] == STORE_GLOBAL || (module && b[i] == STORE_NAME)) &&
            arg < (unsigned long)PyTuple_GET_SIZE(co->co_names)) {
            const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(co->co_names, arg));
            bool have = false;
            char **v;
            if (!name) {
                Py_DECREF(bytes);
                return -1;
            }
            /* a dunder (a module docstring's __doc__, __all__) is no name a host can pass
               as a global (pv_verify refuses it): the history's check knows it */
            have = strncmp(name, "__", 2) == 0 && strlen(name) > 4 &&
                   strcmp(name + strlen(name) - 2, "__") == 0;
            for (size_t k = 0; k < s->nglobals && !have; k++)
                have = strcmp(s->globals[k], name) == 0;
            if (have)
                continue;
            v = realloc(s->globals, (s->nglobals + 1) * sizeof *v);
            if (!v || !(v[s->nglobals] = strdup(name))) {
                if (v)
                    s->globals = v;
                Py_DECREF(bytes);
                PyErr_NoMemory();
                return -1;
            }
            s->globals = v;
            s->nglobals++;
        }
    }
    Py_DECREF(bytes);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(co->co_consts); i++)
        if (add_globals(s, PyTuple_GET_ITEM(co->co_consts, i), false, depth + 1) < 0)
            return -1;
    return 0;
}

/* For tests (tests/runtime/test_session.c): the session's private directory, "" once gone. */
PVX_INTERNAL const char *pvx_session_workdir(const pv_session *s);
const char *pvx_session_workdir(const pv_session *s)
{
    return s && (s->sp.have_workdir || s->sp.remote) ? s->sp.workdir : "";
}

size_t pv_session_global_count(const pv_session *s)
{
    return s ? s->nglobals : 0;
}

const char *pv_session_global(const pv_session *s, size_t i)
{
    return s && i < s->nglobals ? s->globals[i] : NULL;
}

/* Kill the child and collect it; a template's child: the template's report that it reaped
 * it (nothing of the session outlives the call), then the template goes back to its cache. */
static void end_child(pv_session *s)
{
    if (s->sp.remote && s->sp.pid > 0) {
        struct rusage ru;
        int ws;
        pvx_end_remote_run(s->sp.pid, s->sp.pidfd);
        if (pvx_remote_wait(&s->sp, &ws, &ru) == 0)
            s->sp.pid = 0;
    }
    pvx_spawn_abort(&s->sp); /* kills, reaps, closes, removes the directory */
    pvx_template_release(s->tmpl);
    s->tmpl = NULL;
}

static void session_end(pv_session *s)
{
    end_child(s);
    s->ended = true;
}

static bool idle_expired(const pv_session *s)
{
    return pvx_now_ms() - s->last_ms > (unsigned long)ceil(s->opts.idle_timeout_s * 1000.0);
}

int pv_session_new(pv_session **out, const pv_policy *policy, const pv_session_opts *opts)
{
    static const pv_session_opts defaults = PV_SESSION_OPTS_INIT;
    const unsigned known = PV_RUN_NO_PYTHON_LAYER | PV_RUN_NO_OS_LAYER |
                           PV_RUN_ALLOW_UNVERIFIED | PV_RUN_NO_SECCOMP | PV_RUN_NO_NAMESPACES;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_session *s;
    PyGILState_STATE gil;
    bool alive = false;
    int rc;

    if (!out || !policy)
        return pv_fail(PV_ERR_INVALID, "pv_session_new: out and policy are required");
    *out = NULL;
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_session_new: pv_init() was not called");
    s = calloc(1, sizeof *s);
    if (!s)
        return pv_fail(PV_ERR_NOMEM, "pv_session_new: out of memory");
    s->opts = opts ? *opts : defaults;
    if (s->opts.version != PV_SESSION_OPTS_VERSION) {
        free(s);
        return pv_fail(PV_ERR_INVALID, "pv_session_opts.version is %u, expected %u",
                       opts->version, PV_SESSION_OPTS_VERSION);
    }
    if (s->opts.memory_mb == 0)
        s->opts.memory_mb = defaults.memory_mb;
    if (s->opts.total_cpu_s == 0)
        s->opts.total_cpu_s = defaults.total_cpu_s;
    if (s->opts.idle_timeout_s == 0)
        s->opts.idle_timeout_s = defaults.idle_timeout_s;
    if (s->opts.max_runs == 0)
        s->opts.max_runs = defaults.max_runs;
    if (!(s->opts.total_cpu_s > 0 && s->opts.total_cpu_s <= 86400) ||
        !(s->opts.idle_timeout_s >= 0.001 && s->opts.idle_timeout_s <= 86400) ||
        (s->opts.flags & ~known)) {
        free(s);
        return pv_fail(PV_ERR_INVALID, "pv_session_new: total_cpu_s and idle_timeout_s must be "
                                       "in (0, 86400], flags PV_RUN_* bits");
    }
    o.flags = s->opts.flags;
    o.cpu_s = s->opts.total_cpu_s;
    o.memory_mb = s->opts.memory_mb;
    o.timeout_s = PVX_SESSION_SETUP_S;
    {
        pv_run_opts checked;
        if ((rc = pvx_check_opts(&checked, &o)) < 0) {
            free(s);
            return rc;
        }
    }
    s->policy = policy;
    s->sp.out = s->sp.err = s->sp.ctl = s->sp.req = -1;
    s->setup = pvx_result_new(&o);
    if (!s->setup) {
        free(s);
        return pv_fail(PV_ERR_NOMEM, "pv_session_new: out of memory");
    }
    gil = PyGILState_Ensure();
    rc = pvx_py_prepare(&s->base, NULL, false, policy->builtins_allowed, policy->modules,
                        policy->module_members, NULL, NULL, s->opts.flags, 0);
    if (rc < 0) {
        rc = pv_fail_python(rc, "pv_session_new");
        goto fail;
    }
    if (pvx_hoststub_prepare() < 0) {
        rc = pv_fail_python(PV_ERR_PYTHON, "pv_session_new");
        goto fail;
    }
    s->base.policy = policy;
    s->base.child_main = pvx_session_child;
    s->base.idle_s = s->opts.idle_timeout_s;
    {
        /* the child comes from a clean template, which never held this process's memory;
           only when none can be started is it forked here (the step "template" skipped) */
        char why[256];
        int tk = pvx_template_for_kind(&s->tmpl, policy, s->opts.flags, why, sizeof why);
        if (tk == 0)
            rc = pvx_template_take_kind(s->tmpl, &s->sp, PVX_TEMPLATE_SESSION, &o,
                                        s->opts.idle_timeout_s);
        else if (tk == 2)
            rc = pvx_spawn_child(&s->sp, &s->base, &o, true);
        else if (pvx_result_add_skip(s->setup, "template", why) < 0)
            rc = pv_fail(PV_ERR_NOMEM, "pv_session_new: out of memory");
        else
            rc = pvx_spawn_child(&s->sp, &s->base, &o, true);
    }
    if (rc == 0)
        rc = pvx_session_step(&s->sp, s->setup, &o, false, pvx_now_ms(), 0, NULL, &alive);
    if (rc == 0 && !alive)
        rc = pv_fail(PV_ERR_RUNTIME, "pv_session_new: the session's child did not start (%s)",
                     pv_run_status_name(pv_run_result_status(s->setup)));
    if (rc < 0)
        goto fail;
    s->cpu_ms = pv_run_result_cpu_ms(s->setup);
    s->last_ms = pvx_now_ms();
    PyGILState_Release(gil);
    *out = s;
    return 0;
fail:
    end_child(s);
    pvx_py_plan_clear(&s->base);
    PyGILState_Release(gil);
    pv_run_result_free(s->setup);
    free(s);
    return rc;
}

int pv_session_alive(const pv_session *s)
{
    return s && !s->ended && s->sp.pid > 0 && s->runs < s->opts.max_runs && !idle_expired(s);
}

/* The text a cell adds to the session's history: a module as it is, an expression as an
 * expression statement. */
static void cell_wrap(pv_mode mode, const char **pre, const char **post)
{
    bool expr = mode == PV_MODE_EXPR;
    *pre = expr ? "(\n" : "";
    *post = expr ? "\n)\n" : "\n";
}

/* The static layers again, on the session's history followed by the cell, as one module:
 * what earlier cells bound (a module, a library value, a program class) and the attributes
 * they defined are then known, as they would be in one program (PV204, PV303, PV307, PV520
 * ... hold across cells; the cell alone, verified with the earlier names as plain globals,
 * does not know them). `names` are the only globals: this run's host functions and inputs
 * (bound over the history's values before the cell runs). *ctx: the verified whole. */
static int verify_in_context(const pv_session *s, const char *cell, size_t cell_len,
                             pv_mode mode, const char *filename, unsigned layers,
                             const char *const *names, size_t n, pv_program **ctx)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *pre, *post;
    size_t len, off;
    char *text;
    int rc;

    cell_wrap(mode, &pre, &post);
    len = PVX_PAD_LINES + s->history_len + strlen(pre) + cell_len + strlen(post);
    text = malloc(len + 1);
    if (!text)
        return pv_fail(PV_ERR_NOMEM, "pv_session: out of memory");
    /* the texts are decoded already: empty first lines, so that a coding cookie of the first
       cell is not read again (the whole is UTF-8, as each cell's decoded text) */
    memset(text, '\n', PVX_PAD_LINES);
    off = PVX_PAD_LINES;
    if (s->history_len)
        memcpy(text + off, s->history, s->history_len);
    off += s->history_len;
    memcpy(text + off, pre, strlen(pre));
    off += strlen(pre);
    memcpy(text + off, cell, cell_len);
    off += cell_len;
    memcpy(text + off, post, strlen(post));
    text[len] = '\0';
    vo.mode = PV_MODE_MODULE;
    vo.layers = layers;
    vo.globals = names;
    vo.nglobals = n;
    rc = pv_verify(ctx, s->policy, text, len, filename, &vo);
    free(text);
    return rc;
}

/* The first finding of a refused whole, as pv_fail's message (PV_ERR_INVALID). */
static int context_refusal(const pv_session *s, const pv_program *ctx, pv_mode mode,
                           const char *who)
{
    const pv_diag *d = pv_program_diag(ctx, 0);
    unsigned first = PVX_PAD_LINES + s->history_lines + (mode == PV_MODE_EXPR ? 1u : 0u);
    if (d && d->line > first)
        return pv_fail(PV_ERR_INVALID, "%s: the cell is refused with what the earlier cells "
                       "bound: %s at line %u: %s", who, d->code, d->line - first, d->message);
    return pv_fail(PV_ERR_INVALID, "%s: the cell is refused with what the earlier cells bound: "
                   "%s in an earlier cell (line %u of the session): %s", who, d ? d->code : "?",
                   d && d->line > PVX_PAD_LINES ? d->line - PVX_PAD_LINES : 0u,
                   d ? d->message : "");
}

/* Remember the names `inputs` (a run's decoded input_json) bound in the session's globals.
 * 0, or -1 when out of memory. GIL held. */
static int add_input_names(pv_session *s, PyObject *inputs)
{
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (inputs && PyDict_Next(inputs, &pos, &k, &v)) {
        const char *u = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
        bool have = false;
        char **grown;
        if (!u)
            return -1;
        for (size_t i = 0; i < s->ninputs && !have; i++)
            have = strcmp(s->inputs[i], u) == 0;
        if (have)
            continue;
        grown = realloc(s->inputs, (s->ninputs + 1) * sizeof *grown);
        if (!grown)
            return -1;
        s->inputs = grown;
        if (!(s->inputs[s->ninputs] = strdup(u)))
            return -1;
        s->ninputs++;
    }
    return 0;
}

/* pv_session_run's check: 0, or PV_ERR_INVALID naming the first finding. GIL held. */
static int check_in_context(const pv_session *s, const pv_program *program,
                            const pv_run_opts *o, PyObject *inputs)
{
    pv_program *ctx = NULL;
    const char **names = NULL;
    size_t n = 0, cap;
    int rc;

    if (program->unverified || !(program->layers & PV_LAYER_STATIC))
        return 0; /* nothing static to repeat: PV_RUN_ALLOW_UNVERIFIED sessions */
    cap = o->n_host_functions + (inputs ? (size_t)PyDict_Size(inputs) : 0) +
          (s->history_partial ? s->nglobals : 0) + s->ninputs;
    names = calloc(cap + 1, sizeof *names);
    if (!names)
        return pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
    for (size_t i = 0; i < o->n_host_functions; i++)
        names[n++] = o->host_functions[i].name;
    for (size_t i = 0; s->history_partial && i < s->nglobals; i++)
        names[n++] = s->globals[i];
    for (size_t i = 0; i < s->ninputs; i++)
        names[n++] = s->inputs[i];
    if (inputs) {
        PyObject *k, *v;
        Py_ssize_t pos = 0;
        while (n < cap && PyDict_Next(inputs, &pos, &k, &v)) {
            const char *u = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
            if (!u) {
                free(names);
                return pv_fail_python(PV_ERR_PYTHON, "pv_session_run: input names");
            }
            names[n++] = u; /* borrowed from the dict's keys, alive until the dict is freed */
        }
    }
    rc = verify_in_context(s, program->utf8, (size_t)program->utf8_len, program->mode,
                           program->filename ? program->filename : "<session>",
                           program->layers & PV_LAYER_STATIC, names, n, &ctx);
    free(names);
    if (rc == 0 && pv_program_verdict(ctx) != PV_ACCEPTED)
        rc = context_refusal(s, ctx, program->mode, "pv_session_run");
    else if (rc == 0 && program->in_context &&
             (!ctx->code || (((PyCodeObject *)ctx->code)->co_flags &
                             (CO_FUTURE_ANNOTATIONS | CO_FUTURE_BARRY_AS_BDFL))))
        /* its bytecode was checked only within a whole compiled without this __future__ */
        rc = pv_fail(PV_ERR_INVALID, "pv_session_run: the cell was accepted with the earlier "
                     "cells' knowledge, but an earlier cell's __future__ import compiles it "
                     "otherwise; verify it again");
    pv_program_free(ctx);
    return rc;
}

/* Only these findings of a cell verified alone can be knowledge the whole has: an attribute
 * not on the whitelist that an earlier cell defined (a `_name` one too, PV300), or a member
 * of a module it imported. */
static bool knowledge_only(const pv_program *p)
{
    size_t n = pv_program_diag_count(p);
    if (pv_program_verdict(p) != PV_REJECTED || n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *c = pv_program_diag(p, i)->code;
        if (strcmp(c, "PV300") != 0 && strcmp(c, "PV302") != 0 && strcmp(c, "PV503") != 0)
            return false;
    }
    return true;
}

int pv_session_verify(pv_program **out, const pv_session *s, const char *src, size_t len,
                      const char *filename, const pv_verify_opts *opts)
{
    static const pv_verify_opts defaults = PV_VERIFY_OPTS_INIT;
    pv_verify_opts vo;
    const char **names;
    pv_program *alone = NULL, *ctx = NULL, *code = NULL;
    PyGILState_STATE gil;
    unsigned layers;
    int rc;

    if (!out || !s || (!src && len))
        return pv_fail(PV_ERR_INVALID, "pv_session_verify: out and session are required");
    *out = NULL;
    vo = opts ? *opts : defaults;
    if (vo.version != PV_VERIFY_OPTS_VERSION || (vo.nglobals && !vo.globals))
        return pv_fail(PV_ERR_INVALID, "pv_session_verify: bad pv_verify_opts");
    layers = vo.layers ? vo.layers : PV_LAYER_STATIC;
    /* 1. alone, with the earlier cells' names as plain globals (what pv_verify gives) */
    names = calloc(vo.nglobals + s->nglobals + s->ninputs + 1, sizeof *names);
    if (!names)
        return pv_fail(PV_ERR_NOMEM, "pv_session_verify: out of memory");
    for (size_t i = 0; i < vo.nglobals; i++)
        names[i] = vo.globals[i];
    for (size_t i = 0; i < s->nglobals; i++)
        names[vo.nglobals + i] = s->globals[i];
    for (size_t i = 0; i < s->ninputs; i++)
        names[vo.nglobals + s->nglobals + i] = s->inputs[i];
    {
        pv_verify_opts a = vo;
        a.globals = names;
        a.nglobals = vo.nglobals + s->nglobals + s->ninputs;
        rc = pv_verify(&alone, s->policy, src, len, filename, &a);
    }
    free(names);
    if (rc < 0 || (layers & PV_LAYER_UNSAFE_NONE) || !(layers & PV_LAYER_STATIC) ||
        s->history_partial || pv_program_verdict(alone) == PV_INVALID ||
        (pv_program_verdict(alone) == PV_REJECTED && !knowledge_only(alone))) {
        *out = alone; /* refused for a reason the history cannot change (or nothing to add) */
        return rc;
    }
    /* 2. the whole (history, then the cell) decides. Its globals are the caller's (inputs,
       host functions) and what earlier runs' inputs bound, not the earlier names.
       pv_session_run checks it again. */
    names = calloc(vo.nglobals + s->ninputs + 1, sizeof *names);
    if (!names) {
        pv_program_free(alone);
        return pv_fail(PV_ERR_NOMEM, "pv_session_verify: out of memory");
    }
    for (size_t i = 0; i < vo.nglobals; i++)
        names[i] = vo.globals[i];
    for (size_t i = 0; i < s->ninputs; i++)
        names[vo.nglobals + i] = s->inputs[i];
    gil = PyGILState_Ensure();
    rc = verify_in_context(s, alone->utf8, (size_t)alone->utf8_len, vo.mode,
                           filename ? filename : "<session>", layers & PV_LAYER_STATIC,
                           names, vo.nglobals + s->ninputs, &ctx);
    free(names);
    if (rc < 0)
        goto keep;
    if (pv_program_verdict(ctx) != PV_ACCEPTED) {
        /* the whole's findings, on the cell's lines (an earlier cell's: line 0) */
        unsigned first = PVX_PAD_LINES + s->history_lines + (vo.mode == PV_MODE_EXPR ? 1u : 0u);
        pvd_free(&alone->diags);
        alone->diags.max = s->policy->limits.max_diagnostics;
        alone->verdict = PV_ACCEPTED;
        Py_CLEAR(alone->code);
        for (size_t i = 0; i < pv_program_diag_count(ctx); i++) {
            const pv_diag *d = pv_program_diag(ctx, i);
            pv_rule r = PVR__COUNT;
            for (int k = 0; k < (int)PVR__COUNT && r == PVR__COUNT; k++)
                if (strcmp(pvr_info((pv_rule)k)->code, d->code) == 0)
                    r = (pv_rule)k;
            if (r == PVR__COUNT)
                r = PVR_INTERNAL;
            if (d->line > first)
                pvd_add_chars(alone, r, d->layer, (int)(d->line - first), (int)d->col,
                              (int)(d->end_line > first ? d->end_line - first : 0),
                              (int)d->end_col, d->hint, "%s", d->message);
            else
                pvd_add_chars(alone, r, d->layer, 0, 0, 0, 0, d->hint,
                              "in an earlier cell (line %u of the session): %s",
                              d->line > PVX_PAD_LINES ? d->line - PVX_PAD_LINES : 0u, d->message);
        }
        if (alone->verdict == PV_ACCEPTED) /* only warnings: fail closed all the same */
            pvd_add_chars(alone, PVR_INTERNAL, PV_DIAG_AST, 0, 0, 0, 0, NULL,
                          "the session's history refuses the cell");
        goto keep;
    }
    if (pv_program_verdict(alone) == PV_ACCEPTED)
        goto keep;
    /* refused alone only for attributes the whole knows: accepted, unless an earlier cell's
       __future__ compiled this cell otherwise within the whole */
    if (!ctx->code ||
        (((PyCodeObject *)ctx->code)->co_flags & (CO_FUTURE_ANNOTATIONS | CO_FUTURE_BARRY_AS_BDFL)))
        goto keep;
    {
        /* 3. the cell's own code: the same text compiled alone, as the run will have it */
        pv_verify_opts c = vo;
        c.layers = PV_LAYER_UNSAFE_NONE;
        c.globals = NULL;
        c.nglobals = 0;
        if ((rc = pv_verify(&code, s->policy, src, len, filename, &c)) < 0 ||
            pv_program_verdict(code) != PV_ACCEPTED || code->utf8_len != alone->utf8_len ||
            memcmp(code->utf8, alone->utf8, (size_t)alone->utf8_len) != 0)
            goto keep; /* the same bytes as the check alone, decoded the same way */
        code->unverified = false; /* both static layers accepted it within the whole */
        code->in_context = true;
        code->layers = alone->layers;
        Py_XSETREF(code->globals, Py_XNewRef(alone->globals));
        pv_program_free(alone);
        alone = code;
        code = NULL;
    }
keep:
    pv_program_free(ctx);
    pv_program_free(code);
    PyGILState_Release(gil);
    if (rc < 0) {
        pv_program_free(alone);
        return rc;
    }
    *out = alone;
    return 0;
}

/* Add the cell that ran to the history (in the history once sent, whatever its outcome:
 * the statements before an exception did run). 0 or PV_ERR_NOMEM. */
static int add_history(pv_session *s, const pv_program *program)
{
    const char *pre, *post;
    size_t add, off = s->history_len;
    char *h;
    cell_wrap(program->mode, &pre, &post);
    add = strlen(pre) + (size_t)program->utf8_len + strlen(post);
    if (program->unverified) {
        s->history_partial = true; /* its text was never checked: not knowledge */
        return 0;
    }
    h = realloc(s->history, s->history_len + add + 1);
    if (!h)
        return PV_ERR_NOMEM;
    s->history = h;
    memcpy(h + off, pre, strlen(pre));
    off += strlen(pre);
    memcpy(h + off, program->utf8, (size_t)program->utf8_len);
    off += (size_t)program->utf8_len;
    memcpy(h + off, post, strlen(post));
    s->history_len += add;
    h[s->history_len] = '\0';
    for (size_t i = s->history_len - add; i < s->history_len; i++)
        s->history_lines += h[i] == '\n';
    return 0;
}

int pv_session_run(pv_session *s, pv_run_result **out, const pv_program *program,
                   const pv_run_opts *opts)
{
    pv_run_opts o;
    pv_run_result *r = NULL;
    PyGILState_STATE gil;
    PyObject *bytes = NULL, *scratch = NULL;
    pvx_session_req h;
    char *names = NULL;
    const char *code;
    Py_ssize_t code_len;
    double left_s;
    bool alive = false;
    int rc;

    if (!s || !out || !program)
        return pv_fail(PV_ERR_INVALID, "pv_session_run: session, out and program are required");
    *out = NULL;
    if (!s->ended && (s->runs >= s->opts.max_runs || idle_expired(s) || s->sp.pid <= 0))
        session_end(s);
    if (s->ended)
        return pv_fail(PV_ERR_STATE, "pv_session_run: the session has ended (a limit, the idle "
                                     "timeout or the number of runs)");
    if ((rc = pvx_check_opts(&o, opts)) < 0)
        return rc;
    if (program->policy != s->policy)
        return pv_fail(PV_ERR_INVALID, "pv_session_run: the program was verified with another "
                                       "policy");
    if (program->verdict != PV_ACCEPTED || !program->code)
        return pv_fail(PV_ERR_STATE, "pv_session_run: the program was not accepted");
    if (program->unverified && !(s->opts.flags & PV_RUN_ALLOW_UNVERIFIED))
        return pv_fail(PV_ERR_STATE, "pv_session_run: the program was not verified "
                                     "(the session needs PV_RUN_ALLOW_UNVERIFIED)");
    o.flags = s->opts.flags;
    if ((double)(s->cpu_ms + s->check_ms) / 1000.0 >= s->opts.total_cpu_s) {
        session_end(s); /* the cells' CPU and this process's checks of them spent it */
        return pv_fail(PV_ERR_STATE, "pv_session_run: the session's total CPU is spent (its "
                                     "runs and the checks of its cells against the history)");
    }
    /* what is left of the session's CPU bounds this run too */
    left_s = s->opts.total_cpu_s - (double)(s->cpu_ms + s->check_ms) / 1000.0;
    if (left_s < 0.001)
        left_s = 0.001;
    if (o.cpu_s > left_s)
        o.cpu_s = left_s;
    memset(&h, 0, sizeof h);
    gil = PyGILState_Ensure();
    if ((rc = pvx_host_check(&o, program)) < 0)
        goto done;
    if (o.n_host_functions > 256) {
        rc = pv_fail(PV_ERR_INVALID, "pv_session_run: at most 256 host functions");
        goto done;
    }
    if (o.input_json) {
        scratch = PyDict_New();
        rc = scratch ? pvx_py_bind(scratch, o.input_json, program->globals) : PV_ERR_PYTHON;
        if (rc < 0) {
            rc = pv_fail_python(rc, "pv_session_run");
            goto done;
        }
    }
    {
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        rc = check_in_context(s, program, &o, scratch);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        s->check_ms += (unsigned long)((t1.tv_sec - t0.tv_sec) * 1000 +
                                       (t1.tv_nsec - t0.tv_nsec) / 1000000);
        if (rc < 0)
            goto done;
    }
    bytes = PyMarshal_WriteObjectToString(program->code, Py_MARSHAL_VERSION);
    if (!bytes || PyBytes_AsStringAndSize(bytes, (char **)&code, &code_len) < 0) {
        rc = pv_fail_python(PV_ERR_PYTHON, "pv_session_run: marshal");
        goto done;
    }
    for (size_t i = 0; i < o.n_host_functions; i++)
        h.host_len += strlen(o.host_functions[i].name) + 1;
    if (h.host_len) {
        size_t off = 0;
        names = malloc((size_t)h.host_len);
        if (!names) {
            rc = pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
            goto done;
        }
        for (size_t i = 0; i < o.n_host_functions; i++) {
            size_t l = strlen(o.host_functions[i].name) + 1;
            memcpy(names + off, o.host_functions[i].name, l);
            off += l;
        }
    }
    h.magic = PVX_SESSION_MAGIC;
    h.expr = program->mode == PV_MODE_EXPR;
    h.max_value = o.output_kb * 1024u;
    h.code_len = (uint64_t)code_len;
    h.input_len = o.input_json ? strlen(o.input_json) : 0;
    h.max_host_bytes = o.max_host_bytes;
    r = pvx_result_new(&o);
    if (!r) {
        rc = pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
        goto done;
    }
    {
        /* a child that stopped reading cannot hold this thread. The previous cell's host-call
           channel left the socket non-blocking (hostcall.c): a cell larger than the socket's
           buffer would then fail with EAGAIN and end the session. Block, bounded by the
           timeout. */
        struct timeval tv = {(time_t)o.timeout_s + 1, 0};
        int fl = fcntl(s->sp.req, F_GETFL);
        if (fl >= 0 && (fl & O_NONBLOCK))
            fcntl(s->sp.req, F_SETFL, fl & ~O_NONBLOCK);
        setsockopt(s->sp.req, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    {
        unsigned long start = pvx_now_ms();
        if (pvx_send_full(s->sp.req, &h, sizeof h) < 0 ||
            pvx_send_full(s->sp.req, code, (size_t)code_len) < 0 ||
            (h.input_len && pvx_send_full(s->sp.req, o.input_json, (size_t)h.input_len) < 0) ||
            (h.host_len && pvx_send_full(s->sp.req, names, (size_t)h.host_len) < 0)) {
            session_end(s);
            rc = pv_fail(PV_ERR_STATE, "pv_session_run: the session's child is gone");
            goto done;
        }
        rc = pvx_session_step(&s->sp, r, &o, h.expr != 0, start, s->cpu_ms, s->setup, &alive);
    }
    if (rc < 0) {
        session_end(s);
        goto done;
    }
    s->runs++;
    s->cpu_ms += pv_run_result_cpu_ms(r);
    if (add_history(s, program) < 0) {
        session_end(s); /* the next cell could not be checked with this one's knowledge */
        rc = pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
        goto done;
    }
    if (add_input_names(s, scratch) < 0) {
        session_end(s); /* a later cell could not be checked knowing these names */
        rc = pv_fail(PV_ERR_NOMEM, "pv_session_run: out of memory");
        goto done;
    }
    if (add_globals(s, program->code, true, 0) < 0) {
        PyErr_Clear(); /* only the next cell's verification loses names */
    }
    s->last_ms = pvx_now_ms();
    if (!alive || (pv_run_result_status(r) != PV_RUN_OK &&
                   pv_run_result_status(r) != PV_RUN_ERROR))
        session_end(s);
done:
    Py_XDECREF(bytes);
    Py_XDECREF(scratch);
    free(names);
    PyGILState_Release(gil);
    if (rc < 0) {
        pv_run_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void pv_session_free(pv_session *s)
{
    PyGILState_STATE gil;
    if (!s)
        return;
    end_child(s);
    if (pvi_ready()) {
        gil = PyGILState_Ensure();
        pvx_py_plan_clear(&s->base);
        PyGILState_Release(gil);
    }
    pv_run_result_free(s->setup);
    for (size_t i = 0; i < s->nglobals; i++)
        free(s->globals[i]);
    free(s->globals);
    free(s->history);
    for (size_t i = 0; i < s->ninputs; i++)
        free(s->inputs[i]);
    free(s->inputs);
    free(s);
}
