/*
 * _native.c: the C half of the pyverify Python package (issue 18).
 *
 * A thin binding of libpyverify's public API (include/pyverify.h), compiled together with
 * the library's sources into one extension module. It runs inside an interpreter that is
 * already initialised: pv_init() then keeps that interpreter and never starts a second one.
 *
 *   Policy(text: bytes | None, origin: str)      a loaded policy (None: the embedded default)
 *   verify(policy, source, filename, expr, globals) -> (verdict, diagnostics)
 *   Runner(policy)                               a warm runner (pv_runner); used only by the
 *                                                template process (pyverify._template), never
 *                                                in the host: it forks
 *   Runner.run(source, filename, expr, globals, input_json, stdin, timeout, cpu,
 *              memory_mb, output_kb) -> dict     verifies again, then runs what it verified
 *
 * Diagnostics are tuples (code, title, severity, layer, message, line, col, end_line,
 * end_col, hint); the Python half turns them into objects.
 */
#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyverify.h"
#include "template.h"

static PyObject *PolicyError; /* owned: pyverify.PolicyError, a ValueError */

/* A library failure as a Python exception: policy errors as PolicyError, bad arguments as
 * ValueError, out of memory as MemoryError, anything else as RuntimeError. */
static PyObject *raise_pv(int rc)
{
    const char *msg = pv_last_error();
    if (!msg || !*msg)
        msg = pv_strerror(rc);
    switch (rc) {
    case PV_ERR_POLICY:
        PyErr_SetString(PolicyError, msg);
        break;
    case PV_ERR_INVALID:
        PyErr_SetString(PyExc_ValueError, msg);
        break;
    case PV_ERR_NOMEM:
        PyErr_NoMemory();
        break;
    default:
        PyErr_Format(PyExc_RuntimeError, "pyverify: %s", msg);
        break;
    }
    return NULL;
}

static PyObject *str_or_none(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* ---- Policy ------------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    pv_policy *pol; /* owned */
} PolicyObject;

static int Policy_init(PyObject *self_, PyObject *args, PyObject *kw)
{
    PolicyObject *self = (PolicyObject *)self_;
    static char *kwlist[] = {"text", "origin", NULL};
    PyObject *text;
    const char *origin;
    pv_policy *pol = NULL;
    int rc;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "Os:Policy", kwlist, &text, &origin))
        return -1;
    if (self->pol) {
        PyErr_SetString(PyExc_RuntimeError, "Policy is already initialised");
        return -1;
    }
    if (text == Py_None) {
        rc = pv_policy_default(&pol);
    } else if (PyBytes_Check(text)) {
        rc = pv_policy_load_buffer(&pol, PyBytes_AS_STRING(text), (size_t)PyBytes_GET_SIZE(text),
                                   origin);
    } else {
        PyErr_SetString(PyExc_TypeError, "Policy text must be bytes or None");
        return -1;
    }
    if (rc < 0) {
        raise_pv(rc);
        return -1;
    }
    self->pol = pol;
    return 0;
}

static void Policy_dealloc(PyObject *self_)
{
    PolicyObject *self = (PolicyObject *)self_;
    pv_policy_free(self->pol);
    self->pol = NULL;
    Py_TYPE(self_)->tp_free(self_);
}

static PyObject *Policy_origin(PyObject *self_, void *closure)
{
    (void)closure;
    PolicyObject *self = (PolicyObject *)self_;
    if (!self->pol)
        Py_RETURN_NONE;
    return str_or_none(pv_policy_origin(self->pol));
}

static PyGetSetDef Policy_getset[] = {
    {"origin", Policy_origin, NULL, "where the policy came from", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PolicyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyverify._native.Policy",
    .tp_basicsize = sizeof(PolicyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A loaded pyverify policy (pv_policy).",
    .tp_new = PyType_GenericNew,
    .tp_init = Policy_init,
    .tp_dealloc = Policy_dealloc,
    .tp_getset = Policy_getset,
};

static const pv_policy *policy_of(PyObject *o)
{
    if (!PyObject_TypeCheck(o, &PolicyType)) {
        PyErr_SetString(PyExc_TypeError, "expected a pyverify._native.Policy");
        return NULL;
    }
    const pv_policy *pol = ((PolicyObject *)o)->pol;
    if (!pol)
        PyErr_SetString(PyExc_ValueError, "the policy is not loaded");
    return pol;
}

/* ---- Verification ------------------------------------------------------------------------ */

static const char *layer_name(pv_layer_id l)
{
    switch (l) {
    case PV_DIAG_INPUT: return "input";
    case PV_DIAG_AST: return "ast";
    case PV_DIAG_BYTECODE: return "bytecode";
    case PV_DIAG_RUNTIME: return "runtime";
    }
    return "unknown";
}

static const char *severity_name(pv_severity s)
{
    switch (s) {
    case PV_SEV_ERROR: return "error";
    case PV_SEV_WARNING: return "warning";
    case PV_SEV_NOTE: return "note";
    }
    return "error";
}

/* The program's diagnostics as a list of tuples. */
static PyObject *diag_list(const pv_program *prog)
{
    size_t n = pv_program_diag_count(prog);
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        if (!d)
            continue;
        PyObject *code = str_or_none(d->code), *title = str_or_none(d->title),
                 *msg = str_or_none(d->message), *hint = str_or_none(d->hint);
        PyObject *t = NULL;
        if (code && title && msg && hint)
            t = Py_BuildValue("(OOssOIIIIO)", code, title, severity_name(d->severity),
                              layer_name(d->layer), msg, d->line, d->col, d->end_line,
                              d->end_col, hint);
        Py_XDECREF(code);
        Py_XDECREF(title);
        Py_XDECREF(msg);
        Py_XDECREF(hint);
        if (!t || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(t);
    }
    return list;
}

/* The names of a tuple of str as a C array of borrowed UTF-8 pointers (valid while the
 * tuple lives). *out is NULL for an empty tuple. */
static int globals_array(PyObject *tup, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!PyTuple_Check(tup)) {
        PyErr_SetString(PyExc_TypeError, "globals must be a tuple of str");
        return -1;
    }
    Py_ssize_t k = PyTuple_GET_SIZE(tup);
    if (k == 0)
        return 0;
    const char **arr = PyMem_Calloc((size_t)k, sizeof *arr);
    if (!arr) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *s = PyTuple_GET_ITEM(tup, i);
        if (!PyUnicode_Check(s)) {
            PyMem_Free(arr);
            PyErr_SetString(PyExc_TypeError, "globals must be a tuple of str");
            return -1;
        }
        Py_ssize_t len;
        arr[i] = PyUnicode_AsUTF8AndSize(s, &len);
        if (!arr[i] || strlen(arr[i]) != (size_t)len) {
            PyMem_Free(arr);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a global name contains a NUL character");
            return -1;
        }
    }
    *out = arr;
    *n = (size_t)k;
    return 0;
}

/* pv_verify() with the arguments of verify() and Runner.run(). */
static int do_verify(pv_program **out, const pv_policy *pol, Py_buffer *src, const char *filename,
                     int expr, PyObject *globals)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char **names = NULL;
    size_t n = 0;
    if (globals_array(globals, &names, &n) < 0)
        return -1;
    vo.mode = expr ? PV_MODE_EXPR : PV_MODE_MODULE;
    vo.globals = names;
    vo.nglobals = n;
    int rc = pv_verify(out, pol, src->buf, (size_t)src->len, filename, &vo);
    PyMem_Free(names);
    if (rc < 0) {
        raise_pv(rc);
        return -1;
    }
    return 0;
}

static const char *verdict_name(pv_verdict v)
{
    switch (v) {
    case PV_ACCEPTED: return "accepted";
    case PV_REJECTED: return "rejected";
    case PV_INVALID: return "invalid";
    }
    return "invalid";
}

static PyObject *native_verify(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *polobj, *globals, *res = NULL, *diags = NULL;
    Py_buffer src = {0};
    const char *filename;
    int expr;
    pv_program *prog = NULL;

    if (!PyArg_ParseTuple(args, "Oy*spO:verify", &polobj, &src, &filename, &expr, &globals))
        return NULL;
    const pv_policy *pol = policy_of(polobj);
    if (!pol || do_verify(&prog, pol, &src, filename, expr, globals) < 0)
        goto done;
    diags = diag_list(prog);
    if (diags)
        res = Py_BuildValue("(sO)", verdict_name(pv_program_verdict(prog)), diags);
done:
    Py_XDECREF(diags);
    pv_program_free(prog);
    PyBuffer_Release(&src);
    return res;
}

/* ---- Host functions (issue 17): the C callback asks the Python half -------------------------- */

#ifdef PV_HOST_DEFAULT_MAX_CALLS
#define PVN_HOST 1
/* The context of one run's host calls: `on_call(name, args_json) -> (ok, text)`, the
 * template's function that forwards the call to the host process and returns its answer
 * (JSON text of the result, or an error message). A Python exception there (the channel to
 * the host failed) is kept and raised once the run is over. */
typedef struct {
    PyObject *on_call; /* borrowed for the duration of the run */
    PyObject *exc_type, *exc_value, *exc_tb; /* owned: the first failure of on_call */
} host_ctx;

static char *dup_bytes(const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, p, n);
        c[n] = '\0';
    }
    return c;
}

static char *dup_cstr(const char *s)
{
    return dup_bytes(s, strlen(s));
}

/* pv_host_fn: runs in the thread that called the run, without the GIL. */
static int host_trampoline(void *ctx, const char *name, const char *args_json, size_t args_len,
                           char **result_json, char **error)
{
    host_ctx *hc = ctx;
    int rc = 1;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *r = NULL;
    if (hc->exc_type) { /* the channel already failed during this run */
        *error = dup_cstr("the host is unavailable");
        goto out;
    }
    r = PyObject_CallFunction(hc->on_call, "sy#", name, args_json, (Py_ssize_t)args_len);
    int ok;
    PyObject *text;
    if (!r || !PyArg_ParseTuple(r, "pU", &ok, &text)) {
        if (!hc->exc_type)
            PyErr_Fetch(&hc->exc_type, &hc->exc_value, &hc->exc_tb);
        PyErr_Clear();
        *error = dup_cstr("the host is unavailable");
        goto out;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (!s) {
        PyErr_Clear();
        *error = dup_cstr("the host's answer is not text");
        goto out;
    }
    if (ok) {
        *result_json = dup_bytes(s, (size_t)n);
        rc = *result_json ? 0 : 1;
    } else {
        *error = dup_bytes(s, (size_t)n);
    }
out:
    Py_XDECREF(r);
    PyGILState_Release(g);
    return rc;
}
#endif

/* ---- Running (template process only) ------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *policy; /* owned: the PolicyObject the runner was made for (outlives it) */
    pv_runner *rn;    /* owned */
} RunnerObject;

static int Runner_init(PyObject *self_, PyObject *args, PyObject *kw)
{
    RunnerObject *self = (RunnerObject *)self_;
    static char *kwlist[] = {"policy", "template_argv", NULL};
    PyObject *polobj, *targv = NULL, *fast = NULL;
    const char *argv[16];
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:Runner", kwlist, &polobj, &targv))
        return -1;
    if (self->rn) {
        PyErr_SetString(PyExc_RuntimeError, "Runner is already initialised");
        return -1;
    }
    const pv_policy *pol = policy_of(polobj);
    if (!pol)
        return -1;
    pv_runner *rn = NULL;
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    if (targv && targv != Py_None) {
        /* the clean template: this interpreter, exec'd fresh, running _template_main() */
        Py_ssize_t n;
        fast = PySequence_Fast(targv, "template_argv must be a sequence of str");
        if (!fast)
            return -1;
        n = PySequence_Fast_GET_SIZE(fast);
        if (n < 1 || n >= (Py_ssize_t)(sizeof argv / sizeof argv[0])) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_ValueError, "template_argv: 1 to 15 strings");
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *a = PySequence_Fast_GET_ITEM(fast, i);
            argv[i] = PyUnicode_Check(a) ? PyUnicode_AsUTF8(a) : NULL;
            if (!argv[i]) {
                Py_DECREF(fast);
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_TypeError, "template_argv must be a sequence of str");
                return -1;
            }
        }
        argv[n] = NULL;
        ro.template_mode = PV_TEMPLATE_REQUIRE;
        ro.template_path = argv[0];
        ro.template_argv = argv;
    }
    int rc = pv_runner_new_opts(&rn, pol, &ro);
    Py_XDECREF(fast);
    if (rc < 0) {
        raise_pv(rc);
        return -1;
    }
    Py_INCREF(polobj);
    self->policy = polobj;
    self->rn = rn;
    return 0;
}

static void Runner_dealloc(PyObject *self_)
{
    RunnerObject *self = (RunnerObject *)self_;
    pv_runner_free(self->rn); /* before the policy it points to */
    self->rn = NULL;
    Py_CLEAR(self->policy);
    Py_TYPE(self_)->tp_free(self_);
}

static int set_item(PyObject *d, const char *key, PyObject *v)
{
    if (!v)
        return -1;
    int rc = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return rc;
}

/* The pv_run_result as a dict (the fields of `pyverify run --json`, bytes for output). */
static PyObject *result_dict(const pv_run_result *r)
{
    PyObject *d = PyDict_New(), *layers = NULL, *skipped = NULL;
    size_t olen, elen;
    const char *out, *err, *etype;
    if (!d)
        return NULL;
    out = pv_run_result_stdout(r, &olen);
    err = pv_run_result_stderr(r, &elen);
    if (set_item(d, "status", PyUnicode_FromString(pv_run_status_name(pv_run_result_status(r)))) < 0 ||
        set_item(d, "exit_code", PyLong_FromLong(pv_run_result_exit_code(r))) < 0 ||
        set_item(d, "signal", PyLong_FromLong(pv_run_result_signal(r))) < 0 ||
        set_item(d, "stdout", PyBytes_FromStringAndSize(out ? out : "", out ? (Py_ssize_t)olen : 0)) < 0 ||
        set_item(d, "stderr", PyBytes_FromStringAndSize(err ? err : "", err ? (Py_ssize_t)elen : 0)) < 0 ||
        set_item(d, "stdout_truncated", PyBool_FromLong(pv_run_result_stdout_truncated(r))) < 0 ||
        set_item(d, "stderr_truncated", PyBool_FromLong(pv_run_result_stderr_truncated(r))) < 0 ||
        set_item(d, "cpu_ms", PyLong_FromUnsignedLong(pv_run_result_cpu_ms(r))) < 0 ||
        set_item(d, "wall_ms", PyLong_FromUnsignedLong(pv_run_result_wall_ms(r))) < 0 ||
        set_item(d, "max_rss_kb", PyLong_FromUnsignedLong(pv_run_result_max_rss_kb(r))) < 0 ||
        set_item(d, "result", str_or_none(pv_run_result_value(r))) < 0 ||
        set_item(d, "kill_reason", str_or_none(pv_run_result_kill_reason(r))) < 0)
        goto fail;
    etype = pv_run_result_exception_type(r);
    if (etype) {
        if (set_item(d, "exception", Py_BuildValue("(NNI)", str_or_none(etype),
                                                   str_or_none(pv_run_result_exception_message(r)),
                                                   pv_run_result_exception_line(r))) < 0)
            goto fail;
    } else if (PyDict_SetItemString(d, "exception", Py_None) < 0) {
        goto fail;
    }
    layers = PyList_New(0);
    skipped = PyList_New(0);
    if (!layers || !skipped)
        goto fail;
    for (size_t i = 0; i < pv_run_result_layer_count(r); i++) {
        PyObject *s = str_or_none(pv_run_result_layer(r, i));
        if (!s || PyList_Append(layers, s) < 0) {
            Py_XDECREF(s);
            goto fail;
        }
        Py_DECREF(s);
    }
    for (size_t i = 0; i < pv_run_result_skipped_count(r); i++) {
        PyObject *t = Py_BuildValue("(NN)", str_or_none(pv_run_result_skipped_step(r, i)),
                                    str_or_none(pv_run_result_skipped_reason(r, i)));
        if (!t || PyList_Append(skipped, t) < 0) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    if (PyDict_SetItemString(d, "layers", layers) < 0 ||
        PyDict_SetItemString(d, "skipped", skipped) < 0)
        goto fail;
    Py_DECREF(layers);
    Py_DECREF(skipped);
    return d;
fail:
    Py_XDECREF(layers);
    Py_XDECREF(skipped);
    Py_DECREF(d);
    return NULL;
}


typedef enum { RUN_RUNNER, RUN_SESSION } run_kind;

/* Verify the source again with the policy and, when accepted, run exactly the code object
 * that this verification produced (by the runner or the session `handle`). A program this
 * verification does not accept is never run: the answer is its verdict and diagnostics.
 * Host function names are globals of the verification and entries of the run's table. */
static PyObject *run_common(run_kind kind, void *handle, const pv_policy *pol, PyObject *args,
                            PyObject *kw)
{
    static char *kwlist[] = {"source", "filename", "expr", "globals", "input_json", "stdin",
                             "timeout", "cpu", "memory_mb", "output_kb", "host_names",
                             "on_call", NULL};
    Py_buffer src = {0};
    const char *filename, *input_json = NULL, *stdin_data = NULL;
    Py_ssize_t input_len = 0, stdin_len = 0;
    int expr;
    PyObject *globals, *res = NULL, *diags = NULL, *runres = NULL, *allglobals = NULL;
    PyObject *host_names = NULL, *on_call = Py_None;
    double timeout, cpu;
    Py_ssize_t memory_mb, output_kb;
    pv_program *prog = NULL;
    pv_run_result *r = NULL;
#ifdef PVN_HOST
    pv_host_function *table = NULL;
    host_ctx hc = {NULL, NULL, NULL, NULL};
#endif

    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*spOz#z#ddnn|O!O:run", kwlist, &src, &filename,
                                     &expr, &globals, &input_json, &input_len, &stdin_data,
                                     &stdin_len, &timeout, &cpu, &memory_mb, &output_kb,
                                     &PyTuple_Type, &host_names, &on_call))
        return NULL;
    if (!handle) {
        PyErr_SetString(PyExc_ValueError, "not initialised");
        goto done;
    }
    if (memory_mb <= 0 || output_kb <= 0 || !(timeout > 0) || !(cpu > 0)) {
        PyErr_SetString(PyExc_ValueError, "limits must be positive");
        goto done;
    }
    if (input_json && strlen(input_json) != (size_t)input_len) {
        PyErr_SetString(PyExc_ValueError, "input_json contains a NUL byte");
        goto done;
    }
    if (!PyTuple_Check(globals)) {
        PyErr_SetString(PyExc_TypeError, "globals must be a tuple of str");
        goto done;
    }
    (void)kind;
    Py_ssize_t nhost = host_names ? PyTuple_GET_SIZE(host_names) : 0;
#ifndef PVN_HOST
    if (nhost) {
        PyErr_SetString(PyExc_ValueError, "this build of libpyverify has no host functions");
        goto done;
    }
#endif
    if (nhost && !PyCallable_Check(on_call)) {
        PyErr_SetString(PyExc_TypeError, "on_call must be callable when host_names are given");
        goto done;
    }
    /* the names the program may use: inputs, earlier definitions, and host functions */
    allglobals = nhost ? PySequence_Concat(globals, host_names) : Py_NewRef(globals);
    if (!allglobals)
        goto done;
#ifdef PV_SESSION_OPTS_VERSION
    if (kind == RUN_SESSION) {
        /* with what the session's earlier cells bound (pv_session_verify adds their names):
           `globals` are this run's inputs only */
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        const char **names = NULL;
        size_t n = 0;
        if (globals_array(allglobals, &names, &n) < 0)
            goto done;
        vo.mode = expr ? PV_MODE_EXPR : PV_MODE_MODULE;
        vo.globals = names;
        vo.nglobals = n;
        int vrc = pv_session_verify(&prog, handle, src.buf, (size_t)src.len, filename, &vo);
        PyMem_Free(names);
        if (vrc < 0) {
            raise_pv(vrc);
            goto done;
        }
    } else
#endif
    if (do_verify(&prog, pol, &src, filename, expr, allglobals) < 0)
        goto done;
    diags = diag_list(prog);
    if (!diags)
        goto done;
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        res = Py_BuildValue("{s:s,s:s,s:O}", "status", "rejected", "verdict",
                            verdict_name(pv_program_verdict(prog)), "diagnostics", diags);
        goto done;
    }
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    ro.timeout_s = timeout;
    ro.cpu_s = cpu;
    ro.memory_mb = (size_t)memory_mb;
    ro.output_kb = (size_t)output_kb;
    ro.stdin_data = stdin_data;
    ro.stdin_len = (size_t)stdin_len;
    ro.input_json = input_json;
#ifdef PVN_HOST
    if (nhost) {
        table = PyMem_Calloc((size_t)nhost, sizeof *table);
        if (!table) {
            PyErr_NoMemory();
            goto done;
        }
        hc.on_call = on_call;
        for (Py_ssize_t i = 0; i < nhost; i++) {
            PyObject *s = PyTuple_GET_ITEM(host_names, i);
            Py_ssize_t len;
            table[i].name = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &len) : NULL;
            if (!table[i].name || strlen(table[i].name) != (size_t)len) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_TypeError, "host_names must be a tuple of str");
                goto done;
            }
            table[i].fn = host_trampoline;
            table[i].ctx = &hc;
        }
        ro.host_functions = table;
        ro.n_host_functions = (size_t)nhost;
    }
#endif
    int rc;
#ifdef PV_SESSION_OPTS_VERSION
    if (kind == RUN_SESSION)
        rc = pv_session_run(handle, &r, prog, &ro);
    else
#endif
        rc = pv_runner_run(handle, &r, prog, &ro);
#ifdef PVN_HOST
    if (hc.exc_type) { /* the channel to the host failed: that is the template's error */
        PyErr_Restore(hc.exc_type, hc.exc_value, hc.exc_tb);
        hc.exc_type = hc.exc_value = hc.exc_tb = NULL;
        goto done;
    }
#endif
    if (rc < 0) {
        raise_pv(rc);
        goto done;
    }
    runres = result_dict(r);
    if (!runres || PyDict_SetItemString(runres, "diagnostics", diags) < 0 ||
        set_item(runres, "verdict", PyUnicode_FromString("accepted")) < 0)
        goto done;
    res = runres;
    runres = NULL;
done:
#ifdef PVN_HOST
    Py_XDECREF(hc.exc_type);
    Py_XDECREF(hc.exc_value);
    Py_XDECREF(hc.exc_tb);
    PyMem_Free(table);
#endif
    Py_XDECREF(allglobals);
    Py_XDECREF(runres);
    Py_XDECREF(diags);
    pv_run_result_free(r);
    pv_program_free(prog);
    PyBuffer_Release(&src);
    return res;
}

static PyObject *Runner_run(PyObject *self_, PyObject *args, PyObject *kw)
{
    RunnerObject *self = (RunnerObject *)self_;
    return run_common(RUN_RUNNER, self->rn,
                      self->policy ? ((PolicyObject *)self->policy)->pol : NULL, args, kw);
}

static PyMethodDef Runner_methods[] = {
    {"run", (PyCFunction)(void (*)(void))Runner_run, METH_VARARGS | METH_KEYWORDS,
     "Verify the source again and run what was verified."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RunnerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyverify._native.Runner",
    .tp_basicsize = sizeof(RunnerObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A warm runner (pv_runner): forks; for the template process only.",
    .tp_new = PyType_GenericNew,
    .tp_init = Runner_init,
    .tp_dealloc = Runner_dealloc,
    .tp_methods = Runner_methods,
};

/* ---- Session (issue 17; template process only) --------------------------------------------- */

#ifdef PV_SESSION_OPTS_VERSION
#define PVN_SESSION 1
typedef struct {
    PyObject_HEAD
    PyObject *policy; /* owned */
    pv_session *s;    /* owned */
} SessionObject;

static int Session_init(PyObject *self_, PyObject *args, PyObject *kw)
{
    SessionObject *self = (SessionObject *)self_;
    static char *kwlist[] = {"policy", "memory_mb", "total_cpu", "idle_timeout", "max_runs",
                             "fork_here", NULL};
    PyObject *polobj;
    Py_ssize_t memory_mb, max_runs;
    double total_cpu, idle;
    int fork_here = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Onddn|$p:Session", kwlist, &polobj, &memory_mb,
                                     &total_cpu, &idle, &max_runs, &fork_here))
        return -1;
    if (self->s) {
        PyErr_SetString(PyExc_RuntimeError, "Session is already initialised");
        return -1;
    }
    if (memory_mb <= 0 || max_runs <= 0 || max_runs > (Py_ssize_t)UINT_MAX || !(total_cpu > 0) ||
        !(idle > 0)) {
        PyErr_SetString(PyExc_ValueError, "session limits must be positive");
        return -1;
    }
    const pv_policy *pol = policy_of(polobj);
    if (!pol)
        return -1;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    so.memory_mb = (size_t)memory_mb;
    so.total_cpu_s = total_cpu;
    so.idle_timeout_s = idle;
    so.max_runs = (unsigned)max_runs;
    pv_session *s = NULL;
    /* fork_here: this process is a session's own template, exec'd fresh for it (_session.py),
       whose first request this is: the child may be forked here (no second template) */
    if (fork_here)
        pvx_kind_fork_here();
    int rc = pv_session_new(&s, pol, &so);
    if (rc < 0) {
        raise_pv(rc);
        return -1;
    }
    Py_INCREF(polobj);
    self->policy = polobj;
    self->s = s;
    return 0;
}

static void Session_dealloc(PyObject *self_)
{
    SessionObject *self = (SessionObject *)self_;
    pv_session_free(self->s);
    self->s = NULL;
    Py_CLEAR(self->policy);
    Py_TYPE(self_)->tp_free(self_);
}

/* As Runner.run, plus "session_globals": the names the session's programs have bound so
 * far, which the next program's verification must know. */
static PyObject *Session_run(PyObject *self_, PyObject *args, PyObject *kw)
{
    SessionObject *self = (SessionObject *)self_;
    PyObject *res = run_common(RUN_SESSION, self->s,
                               self->policy ? ((PolicyObject *)self->policy)->pol : NULL, args,
                               kw);
    if (!res)
        return NULL;
    PyObject *names = PyList_New(0);
    if (!names)
        goto fail;
    for (size_t i = 0; self->s && i < pv_session_global_count(self->s); i++) {
        PyObject *n = str_or_none(pv_session_global(self->s, i));
        if (!n || PyList_Append(names, n) < 0) {
            Py_XDECREF(n);
            goto fail;
        }
        Py_DECREF(n);
    }
    if (PyDict_SetItemString(res, "session_globals", names) < 0)
        goto fail;
    Py_DECREF(names);
    return res;
fail:
    Py_XDECREF(names);
    Py_DECREF(res);
    return NULL;
}

static PyObject *Session_alive(PyObject *self_, PyObject *unused)
{
    (void)unused;
    SessionObject *self = (SessionObject *)self_;
    return PyBool_FromLong(self->s && pv_session_alive(self->s));
}

static PyObject *Session_close(PyObject *self_, PyObject *unused)
{
    (void)unused;
    SessionObject *self = (SessionObject *)self_;
    pv_session_free(self->s);
    self->s = NULL;
    Py_RETURN_NONE;
}

static PyMethodDef Session_methods[] = {
    {"run", (PyCFunction)(void (*)(void))Session_run, METH_VARARGS | METH_KEYWORDS,
     "Verify the source again and run it in the session's child."},
    {"alive", Session_alive, METH_NOARGS, "whether the session's child still runs"},
    {"close", Session_close, METH_NOARGS, "kill the session's child"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SessionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyverify._native.Session",
    .tp_basicsize = sizeof(SessionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A session (pv_session): forks; for the template process only.",
    .tp_new = PyType_GenericNew,
    .tp_init = Session_init,
    .tp_dealloc = Session_dealloc,
    .tp_methods = Session_methods,
};
#endif

/* ---- module ------------------------------------------------------------------------------- */

static PyObject *native_rules(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    for (size_t i = 0; i < pv_rule_count(); i++) {
        const pv_rule_info *ri = pv_rule_at(i);
        PyObject *t = Py_BuildValue("(NNNs)", str_or_none(ri->code), str_or_none(ri->title),
                                    str_or_none(ri->hint), layer_name(ri->layer));
        if (!t || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(t);
    }
    return list;
}

static PyObject *native_default_rules(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    size_t len = 0;
    const char *t = pv_default_rules(&len);
    return PyBytes_FromStringAndSize(t, (Py_ssize_t)len);
}

/* The clean template of this package's runners (runtime/template.c): the body of a fresh
 * interpreter exec'd by pv_runner_new_opts (template_argv). Never returns. */
static PyObject *native_template_main(PyObject *m, PyObject *noargs)
{
    (void)m, (void)noargs;
    int rc = pvx_template_main(0, NULL);
    fflush(NULL);
    _exit(rc);
}

static PyMethodDef native_methods[] = {
    {"_template_main", native_template_main, METH_NOARGS,
     "the clean template's main loop (exec'd by a Runner; not for direct use)"},
    {"verify", native_verify, METH_VARARGS,
     "verify(policy, source, filename, expr, globals) -> (verdict, diagnostics)"},
    {"rules", native_rules, METH_NOARGS, "the rule catalogue: (code, title, hint, layer)"},
    {"default_rules", native_default_rules, METH_NOARGS, "the embedded default rules file"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "pyverify._native", "libpyverify, compiled in.", -1, native_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void);
PyMODINIT_FUNC PyInit__native(void)
{
    /* The interpreter is already running (this is an extension module): pv_init() keeps it. */
    int rc = pv_init();
    if (rc < 0) {
        PyErr_Format(PyExc_ImportError, "pyverify: pv_init failed: %s", pv_last_error());
        return NULL;
    }
    if (PyType_Ready(&PolicyType) < 0 || PyType_Ready(&RunnerType) < 0)
        return NULL;
#ifdef PVN_SESSION
    if (PyType_Ready(&SessionType) < 0)
        return NULL;
#endif
    PyObject *m = PyModule_Create(&native_module);
    if (!m)
        return NULL;
    if (!PolicyError) {
        PolicyError = PyErr_NewExceptionWithDoc("pyverify.PolicyError",
                                                "A rules file or policy text is invalid.",
                                                PyExc_ValueError, NULL);
        if (!PolicyError)
            goto fail;
    }
    if (PyModule_AddObjectRef(m, "PolicyError", PolicyError) < 0 ||
        PyModule_AddObjectRef(m, "Policy", (PyObject *)&PolicyType) < 0 ||
        PyModule_AddObjectRef(m, "Runner", (PyObject *)&RunnerType) < 0 ||
        PyModule_AddStringConstant(m, "version", pv_version()) < 0 ||
        PyModule_AddStringConstant(m, "python_version", pv_python_version()) < 0)
        goto fail;
#ifdef PVN_HOST
    if (PyModule_AddIntConstant(m, "HAS_HOST_FUNCTIONS", 1) < 0)
        goto fail;
#endif
#ifdef PVN_SESSION
    if (PyModule_AddObjectRef(m, "Session", (PyObject *)&SessionType) < 0)
        goto fail;
#endif
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
