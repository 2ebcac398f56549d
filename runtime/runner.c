/*
 * runner.c: pv_runner, runs with a child forked ahead of time.
 *
 * pv_run() forks, then the child builds its sandbox, then the program runs: the caller
 * waits for all three. A runner keeps one "warm" child that has already done everything
 * that does not depend on the program: descriptors, session, empty environment, private
 * directory, the drop to nobody, namespaces and the parent-death signal (phase 0 of
 * sandbox.c), with the policy's builtins and module proxies prepared by the parent before
 * the fork. It waits on a socket (fd 4) for a request: the verified code object as the
 * parent marshalled it, the inputs, stdin and the limits. It then applies phase 1
 * (rlimits, no_new_privs, seccomp), arms the audit hook and runs the code object rebuilt
 * from those bytes, reporting exactly as a pv_run() child does. While it runs, the parent
 * forks the next warm child, so that a loop of runs finds one ready.
 *
 * The request comes from the parent only (a socketpair created for that child); marshal
 * round-trips a code object exactly, so the child runs the very code that was verified.
 * The layers are those of pv_run(), in the same order of application, with the same
 * reports; only the moment of the fork moves.
 */
#include "internal.h"
#include "runtime.h"
#include "template.h"
#include "warm.h"

#include <marshal.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pv_runner {
    const pv_policy *policy;
    unsigned flags;
    pvx_py_plan base;   /* builtins and proxies of the policy; no code, no inputs */
    pvx_spawn spare;    /* the warm child; pid 0 when there is none */
    bool single_use;    /* never fork again once a request was seen (pvx_runner_single_use) */
    pvx_template *tmpl; /* the clean template that forks the children, or NULL: this process */
    char *no_template;  /* owned: why there is none (reported as a skipped step), or NULL */
};

void pvx_runner_single_use(pv_runner *rn)
{
    rn->single_use = true;
}

/* ---- the parent ---------------------------------------------------------------------------- */

/* Fork a warm child into r->spare (GIL held). */
static int spawn_spare(pv_runner *r)
{
    pv_run_opts o = PV_RUN_OPTS_INIT;
    if (r->tmpl)
        return pvx_template_take(r->tmpl, &r->spare);
    o.flags = r->flags;
    return pvx_spawn_child(&r->spare, &r->base, &o, true);
}

/* "?name,name,...": the modules in this process's sys.modules ('?': the template skips a
 * name it cannot import); NULL when there are none or on failure. GIL held. */
char *pvx_host_module_names(void)
{
    PyObject *mods = PySys_GetObject("modules"), *keys;
    char *out = NULL;
    size_t len = 1, cap = 4096;

    if (!mods || !PyDict_Check(mods) || !(keys = PyDict_Keys(mods))) {
        PyErr_Clear();
        return NULL;
    }
    out = malloc(cap);
    if (out)
        out[0] = '?';
    for (Py_ssize_t i = 0; out && i < PyList_GET_SIZE(keys); i++) {
        Py_ssize_t n;
        const char *name = PyUnicode_Check(PyList_GET_ITEM(keys, i))
                               ? PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(keys, i), &n)
                               : NULL;
        if (!name || n == 0 || n > 200 || strchr(name, ',') || strcmp(name, "__main__") == 0) {
            PyErr_Clear();
            continue;
        }
        if (len + (size_t)n + 2 > cap) {
            char *b = realloc(out, cap * 2);
            if (!b) {
                free(out);
                out = NULL;
                break;
            }
            out = b;
            cap *= 2;
        }
        if (len > 1)
            out[len++] = ',';
        memcpy(out + len, name, (size_t)n);
        len += (size_t)n;
    }
    Py_DECREF(keys);
    if (out)
        out[len] = '\0';
    return out;
}

int pv_runner_new(pv_runner **out, const pv_policy *policy, unsigned flags)
{
    pv_runner_opts o = PV_RUNNER_OPTS_INIT;
    o.flags = flags;
    return pv_runner_new_opts(out, policy, &o);
}

int pv_runner_new_opts(pv_runner **out, const pv_policy *policy, const pv_runner_opts *opts)
{
    static const pv_runner_opts defaults = PV_RUNNER_OPTS_INIT;
    pv_runner *r;
    PyGILState_STATE gil;
    int rc;
    const unsigned known = PV_RUN_NO_PYTHON_LAYER | PV_RUN_NO_OS_LAYER |
                           PV_RUN_ALLOW_UNVERIFIED | PV_RUN_NO_SECCOMP | PV_RUN_NO_NAMESPACES;
    const pv_runner_opts *ro = opts ? opts : &defaults;
    unsigned flags = ro->flags;

    if (!out || !policy)
        return pv_fail(PV_ERR_INVALID, "pv_runner_new: out and policy are required");
    *out = NULL;
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_runner_new: pv_init() was not called");
    if (ro->version != PV_RUNNER_OPTS_VERSION)
        return pv_fail(PV_ERR_INVALID, "pv_runner_opts.version is %u, expected %u", ro->version,
                       PV_RUNNER_OPTS_VERSION);
    if (flags & ~known)
        return pv_fail(PV_ERR_INVALID, "pv_runner_new: unknown flags 0x%x", flags & ~known);
    if (ro->template_mode != PV_TEMPLATE_AUTO && ro->template_mode != PV_TEMPLATE_REQUIRE &&
        ro->template_mode != PV_TEMPLATE_OFF)
        return pv_fail(PV_ERR_INVALID, "pv_runner_new: unknown template_mode %d",
                       (int)ro->template_mode);
    if ((ro->uid_base == 0) != (ro->uid_count == 0) ||
        (ro->uid_base != 0 && (ro->uid_base < 65536ul || ro->uid_count < 16ul ||
                               ro->uid_count > (1ul << 27) ||
                               ro->uid_base + ro->uid_count > 0xFFFFFFFEul)))
        return pv_fail(PV_ERR_INVALID, "pv_runner_new: the uid range must be [base, base+count) "
                                       "with base >= 65536, 16 <= count <= 2^27, below 2^32-1");
    r = calloc(1, sizeof *r);
    if (!r)
        return pv_fail(PV_ERR_NOMEM, "pv_runner_new: out of memory");
    r->policy = policy;
    r->flags = flags;
    r->spare.out = r->spare.err = r->spare.ctl = r->spare.req = -1;
    gil = PyGILState_Ensure();
    if (ro->template_mode != PV_TEMPLATE_OFF) {
        char *mirror = NULL;
        /* without the Python layer a program imports what its process has: a forked child
           had the host's modules; the template imports the same names (best effort) */
        if (!ro->preload && (flags & PV_RUN_NO_PYTHON_LAYER))
            mirror = pvx_host_module_names();
        rc = pvx_template_start(&r->tmpl, policy, flags, ro->template_path, ro->template_argv,
                                ro->preload ? ro->preload : mirror,
                                ro->uid_base ? ro->uid_base : PV_RUNNER_UID_BASE,
                                ro->uid_base ? ro->uid_count : PV_RUNNER_UID_COUNT);
        free(mirror);
        if (rc < 0 && ro->template_mode == PV_TEMPLATE_REQUIRE) {
            PyGILState_Release(gil);
            free(r);
            return rc;
        }
        if (rc < 0 && !(r->no_template = strdup(pv_last_error()))) {
            PyGILState_Release(gil);
            free(r);
            return pv_fail(PV_ERR_NOMEM, "pv_runner_new: out of memory");
        }
    } else if (!(r->no_template = strdup("disabled by the caller"))) {
        PyGILState_Release(gil);
        free(r);
        return pv_fail(PV_ERR_NOMEM, "pv_runner_new: out of memory");
    }
    if (!r->tmpl) {
        rc = pvx_py_prepare(&r->base, NULL, false, policy->builtins_allowed, policy->modules,
                            policy->module_members, NULL, NULL, flags, 0);
        r->base.policy = policy;
        if (rc < 0) {
            rc = pv_fail_python(rc, "pv_runner_new");
            PyGILState_Release(gil);
            free(r->no_template);
            free(r);
            return rc;
        }
    }
    rc = spawn_spare(r);
    if (rc == 0 && r->tmpl) {
        /* the pool: children asked for ahead, one more each run; the template forks them
           while runs go on, so a run finds one that finished its set-up long ago */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        unsigned pool = ro->pool ? ro->pool : cores < 1 ? 1u : cores > 4 ? 4u : (unsigned)cores;
        for (unsigned i = 1; i < pool && i < 16 && rc == 0; i++)
            rc = pvx_template_request(r->tmpl);
    }
    if (rc < 0) {
        pvx_spawn_abort(&r->spare);
        pvx_py_plan_clear(&r->base);
        pvx_template_stop(r->tmpl);
        PyGILState_Release(gil);
        free(r->no_template);
        free(r);
        return rc;
    }
    PyGILState_Release(gil);
    *out = r;
    return 0;
}

/* The warm child has not exited (nor been reaped by someone else). */
static bool spare_alive(const pvx_spawn *sp)
{
    siginfo_t si;
    pid_t pid = sp->pid;
    if (sp->remote) {
        struct pollfd pf = {sp->pidfd, POLLIN, 0};
        return poll(&pf, 1, 0) == 0;
    }
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        return false;
    return si.si_pid != pid;
}

/* The early end reads the program's pid in /proc/PID/task/PID/children (a kernel built
 * without CONFIG_PROC_CHILDREN has none): without it the child would report and wait in
 * vain (its nap, then the ordinary end). */
static bool proc_children_readable(void)
{
    static int known; /* 0 unknown, 1 yes, 2 no */
    if (!known) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
        known = access(path, R_OK) == 0 ? 1 : 2;
    }
    return known == 1;
}

static unsigned long cpu_ms_of(pid_t pid)
{
    clockid_t clk;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0)
        return 0;
    return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)ts.tv_nsec / 1000000ul;
}

static int run_matched(pv_runner *rn, pv_run_result **out, const pv_program *program,
                       const pv_run_opts *opts);

int pvx_runner_try(pv_runner *rn, pv_run_result **out, const pv_program *program,
                   const pv_run_opts *opts)
{
    pv_run_opts o;
    int rc;

    if (!rn || !out || !program)
        return pv_fail(PV_ERR_INVALID, "pv_runner_run: runner, out and program are required");
    *out = NULL;
    rc = pvx_check_opts(&o, opts);
    if (rc < 0)
        return rc;
    /* what this runner's children were not prepared for goes the ordinary way (the
       caller: pv_run) */
    if (program->policy != rn->policy || o.flags != rn->flags) {
        if (rn->single_use)
            return pv_fail(PV_ERR_STATE, "pv_run: this runner's child was prepared for another "
                                         "policy or other flags");
        return 1;
    }
    return run_matched(rn, out, program, opts);
}

bool pvx_runner_template_alive(const pv_runner *rn)
{
    return rn->tmpl && pvx_template_alive(rn->tmpl);
}

void pvx_runner_close_inherited(pv_runner *rn)
{
    /* in a fork of the process that made rn: its descriptors only (no signal, no wait: the
       template and the warm child are the other process's) */
    pvx_close_fd(&rn->spare.out);
    pvx_close_fd(&rn->spare.err);
    pvx_close_fd(&rn->spare.ctl);
    pvx_close_fd(&rn->spare.req);
    pvx_close_fd(&rn->spare.pidfd);
    pvx_close_fd(&rn->spare.status_fd);
    rn->spare.pid = 0;
    rn->spare.uid_slot1 = 0;
    rn->spare.remote = false;
    rn->spare.have_workdir = false;
    pvx_template_close_inherited(rn->tmpl);
}

/* Runs through rn's warm child: program->policy and the flags of opts are rn's. */
static int run_matched(pv_runner *rn, pv_run_result **out, const pv_program *program,
                       const pv_run_opts *opts)
{
    pv_run_opts o;
    pv_run_result *res = NULL;
    PyGILState_STATE gil;
    PyObject *bytes = NULL;
    char *host_names = NULL;
    pvx_request h;
    pvx_spawn sp;
    unsigned long start, base;
    const char *code;
    Py_ssize_t code_len;
    int rc;

    *out = NULL;
    rc = pvx_check_opts(&o, opts);
    if (rc < 0)
        return rc;
    if (program->verdict != PV_ACCEPTED || !program->code)
        return pv_fail(PV_ERR_STATE, "pv_run: the program was not accepted");
    if (program->unverified && !(o.flags & PV_RUN_ALLOW_UNVERIFIED))
        return pv_fail(PV_ERR_STATE, "pv_run: the program was not verified "
                                     "(needs PV_RUN_ALLOW_UNVERIFIED)");
    res = pvx_result_new(&o);
    if (!res)
        return pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");

    memset(&h, 0, sizeof h);
    gil = PyGILState_Ensure();
    if ((rc = pvx_host_check(&o, program)) < 0)
        goto done;
    if (o.n_host_functions > 256) {
        rc = pv_fail(PV_ERR_INVALID, "pv_run: at most 256 host functions");
        goto done;
    }
    for (size_t i = 0; i < o.n_host_functions; i++)
        h.host_len += strlen(o.host_functions[i].name) + 1;
    /* the inputs are checked here, so that a bad one is the caller's error as in pv_run */
    if (o.input_json) {
        PyObject *scratch = PyDict_New();
        rc = scratch ? pvx_py_bind(scratch, o.input_json, program->globals) : PV_ERR_PYTHON;
        Py_XDECREF(scratch);
        if (rc < 0) {
            rc = pv_fail_python(rc, "pv_run");
            goto done;
        }
    }
    bytes = PyMarshal_WriteObjectToString(program->code, Py_MARSHAL_VERSION);
    if (!bytes || PyBytes_AsStringAndSize(bytes, (char **)&code, &code_len) < 0) {
        rc = pv_fail_python(PV_ERR_PYTHON, "pv_run: marshal");
        goto done;
    }
    h.max_host_bytes = o.max_host_bytes;
    if (h.host_len) {
        size_t off = 0;
        host_names = malloc((size_t)h.host_len);
        if (!host_names) {
            rc = pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");
            goto done;
        }
        for (size_t i = 0; i < o.n_host_functions; i++) {
            size_t l = strlen(o.host_functions[i].name) + 1;
            memcpy(host_names + off, o.host_functions[i].name, l);
            off += l;
        }
    }
    h.magic = PVX_REQ_MAGIC;
    h.expr = program->mode == PV_MODE_EXPR;
    h.cpu_s = o.cpu_s;
    h.memory_mb = o.memory_mb;
    h.max_value = o.output_kb * 1024u;
    h.code_len = (uint64_t)code_len;
    h.input_len = o.input_json ? strlen(o.input_json) : 0;
    h.stdin_len = o.stdin_data ? o.stdin_len : 0;
    /* a template's child reports the program's end and waits: the run can end there, the
       three processes' exits and the reaping then happen off this call (run.c, end_early) */
    h.end_wait = rn->tmpl && proc_children_readable() ? 1u : 0u;

    for (int attempt = 0;; attempt++) {
        if (!rn->spare.pid && rn->single_use && !rn->tmpl) {
            /* this process holds a request now: what it forks would carry it */
            rc = pv_fail(PV_ERR_RUNTIME, "pv_run: the runner's clean child is gone");
            goto done;
        }
        if (!rn->spare.pid && (rc = spawn_spare(rn)) < 0)
            goto done;
        sp = rn->spare;
        sp.end_early = h.end_wait != 0;
        memset(&rn->spare, 0, sizeof rn->spare);
        rn->spare.out = rn->spare.err = rn->spare.ctl = rn->spare.req = -1;
        sp.prog_pid = pvx_program_pid(sp.pid); /* looked up once: pvx_collect reuses it */
        base = cpu_ms_of(sp.prog_pid);          /* its set-up, not the program's */
        start = pvx_now_ms();
        /* a supervisor killed from outside leaves its program alive for a moment (it dies
           with its init): the request would be accepted, then lost */
        if (spare_alive(&sp) && pvx_send_full(sp.req, &h, sizeof h) == 0 && pvx_send_full(sp.req, code, (size_t)code_len) == 0 &&
            (!h.input_len || pvx_send_full(sp.req, o.input_json, (size_t)h.input_len) == 0) &&
            (!h.stdin_len || pvx_send_full(sp.req, o.stdin_data, (size_t)h.stdin_len) == 0) &&
            (!h.host_len || pvx_send_full(sp.req, host_names, (size_t)h.host_len) == 0))
            break;
        /* the warm child is gone (killed from outside): start a fresh one */
        pvx_spawn_abort(&sp);
        if (attempt > (rn->tmpl ? 16 : 0)) { /* a template may have queued several */
            rc = pv_fail(PV_ERR_RUNTIME, "pv_run: the warm child is gone");
            goto done;
        }
    }
    if (!h.host_len) {
        close(sp.req); /* else it carries the replies to host calls */
        sp.req = -1;
    }
    /* the next run's child gets ready while this one runs; a failure here only means the
       next run forks its own. Not for a single-use runner: this process now holds the
       request, and a child forked from it would too. */
    if (rn->tmpl)
        (void)pvx_template_request(rn->tmpl); /* forked by the template while this runs */
    else if (!rn->single_use)
        (void)spawn_spare(rn); /* leaves no spare on failure */
    rc = pvx_collect(&sp, res, &o, program->mode == PV_MODE_EXPR, start, base);
    /* this process's own observation: where the child came from */
    if (rc == 0 && (rn->tmpl ? pvx_result_add_layer(res, "template")
                             : rn->single_use ? 0
                                              : pvx_result_add_skip(res, "template", rn->no_template)) < 0)
        rc = pv_fail(PV_ERR_NOMEM, "pv_run: out of memory");
done:
    Py_XDECREF(bytes);
    free(host_names);
    PyGILState_Release(gil);
    if (rc < 0) {
        pv_run_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

void pv_runner_free(pv_runner *rn)
{
    PyGILState_STATE gil;
    if (!rn)
        return;
    pvx_spawn_abort(&rn->spare);
    pvx_template_stop(rn->tmpl);
    if (pvi_ready()) {
        gil = PyGILState_Ensure();
        pvx_py_plan_clear(&rn->base);
        PyGILState_Release(gil);
    }
    free(rn->no_template);
    free(rn);
}
