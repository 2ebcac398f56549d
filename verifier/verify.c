/*
 * verify.c: pv_verify(), the static pipeline: decode the bytes, parse with CPython's
 * parser, layer 1 on the tree, compile that same tree (same filename, same flags), layer 2
 * on the code objects. The program keeps the code object it verified; the runtime runs
 * that object and nothing else.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* A syntax error from the parser or the compiler: PV005, or PV006 when CPython's own
 * recursion guards fired (deep nesting). Consumes the pending exception. */
static void syntax_diag(pv_program *prog)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (t && (PyErr_GivenExceptionMatches(t, PyExc_RecursionError) ||
              PyErr_GivenExceptionMatches(t, PyExc_MemoryError))) {
        pvd_add_chars(prog, PVR_TOO_DEEP, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "the parser gave up: nesting too deep for CPython");
    } else if (t && PyErr_GivenExceptionMatches(t, PyExc_SyntaxError) && v) {
        PyObject *msg = PyObject_GetAttrString(v, "msg");
        const char *mm = msg && PyUnicode_Check(msg) ? PyUnicode_AsUTF8(msg) : NULL;
        PyErr_Clear();
        /* CPython's own nesting limits (tokenizer MAXLEVEL and MAXINDENT, the compiler's
         * block stack) bound the input: they are PV006, like ours. */
        if (mm && (strstr(mm, "too many nested") || strstr(mm, "too many levels of indentation") ||
                   strstr(mm, "too many statically nested blocks") ||
                   strstr(mm, "too many nested parentheses"))) {
            PyObject *ln = PyObject_GetAttrString(v, "lineno");
            long line = ln && PyLong_Check(ln) ? PyLong_AsLong(ln) : 0;
            PyErr_Clear();
            Py_XDECREF(ln);
            pvd_add_chars(prog, PVR_TOO_DEEP, PV_DIAG_INPUT, (int)line, 0, 0, 0, NULL,
                          "%s (CPython's nesting limit)", mm);
            Py_XDECREF(msg);
            goto done;
        }
        PyObject *ln = PyObject_GetAttrString(v, "lineno");
        PyObject *off = PyObject_GetAttrString(v, "offset");
        PyObject *eln = PyObject_GetAttrString(v, "end_lineno");
        PyObject *eoff = PyObject_GetAttrString(v, "end_offset");
        PyErr_Clear();
        long line = ln && PyLong_Check(ln) ? PyLong_AsLong(ln) : 0;
        long col = off && PyLong_Check(off) ? PyLong_AsLong(off) : 0;
        long eline = eln && PyLong_Check(eln) ? PyLong_AsLong(eln) : 0;
        long ecol = eoff && PyLong_Check(eoff) ? PyLong_AsLong(eoff) : 0;
        PyErr_Clear();
        const char *m = msg && PyUnicode_Check(msg) ? PyUnicode_AsUTF8(msg) : NULL;
        if (!m) {
            PyErr_Clear();
            m = "invalid syntax";
        }
        /* SyntaxError offsets are 1-based character columns already. */
        pvd_add_chars(prog, PVR_SYNTAX, PV_DIAG_AST, (int)line, (int)col, (int)eline, (int)ecol,
                      NULL, "%s", m);
        Py_XDECREF(msg);
        Py_XDECREF(ln);
        Py_XDECREF(off);
        Py_XDECREF(eln);
        Py_XDECREF(eoff);
    } else {
        PyObject *s = v ? PyObject_Str(v) : NULL;
        const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
        PyErr_Clear();
        pvd_add_chars(prog, PVR_INTERNAL, PV_DIAG_INPUT, 0, 0, 0, 0, NULL, "%s: %s",
                      t && PyType_Check(t) ? ((PyTypeObject *)t)->tp_name : "error", m ? m : "");
        Py_XDECREF(s);
    }
done:
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    PyErr_Clear();
}

PyObject *pvv_host_globals(const pv_policy *p)
{
    PyObject *set = PySet_New(p->host_functions), *fs = NULL;
    if (set && PySet_GET_SIZE(set) > 0) {
        PyObject *he = PyUnicode_FromString("HostError");
        if (!he || PySet_Add(set, he) < 0)
            Py_CLEAR(set);
        Py_XDECREF(he);
    }
    if (set)
        fs = PyFrozenSet_New(set);
    Py_XDECREF(set);
    return fs;
}

static int set_globals(pv_program *prog, const pv_policy *p, const pv_verify_opts *o)
{
    prog->globals = pvv_host_globals(p);
    if (!prog->globals)
        return pv_fail_python(PV_ERR_NOMEM, "input globals");
    if (!o || !o->globals)
        return 0;
    PyObject *set = PySet_New(prog->globals);
    if (!set)
        return pv_fail_python(PV_ERR_NOMEM, "input globals");
    for (size_t i = 0; i < o->nglobals; i++) {
        if (!o->globals[i]) {
            Py_DECREF(set);
            return pv_fail(PV_ERR_INVALID, "input global %zu is NULL", i);
        }
        PyObject *n = PyUnicode_FromString(o->globals[i]);
        /* A host input named like a forbidden builtin would be the builtin itself whenever
         * the host failed to bind it: refuse it, as the bytecode layer does. */
        if (!n || !PyUnicode_IsIdentifier(n) || pvn_check_name(p, n) != PVN_OK ||
            (pvn_is_builtin(p, n) && !pvn_builtin_allowed(p, n))) {
            Py_XDECREF(n);
            Py_DECREF(set);
            PyErr_Clear();
            return pv_fail(PV_ERR_INVALID,
                           "input global '%s' is not an identifier the policy allows (a dunder, a "
                           "denied name, or the name of a forbidden builtin)",
                           o->globals[i]);
        }
        int rc = PySet_Add(set, n);
        Py_DECREF(n);
        if (rc < 0) {
            Py_DECREF(set);
            return pv_fail_python(PV_ERR_NOMEM, "input globals");
        }
    }
    Py_DECREF(prog->globals);
    prog->globals = PyFrozenSet_New(set);
    Py_DECREF(set);
    return prog->globals ? 0 : pv_fail_python(PV_ERR_NOMEM, "input globals");
}

static int run_pipeline(pv_program *prog, const pv_policy *p, const char *src, size_t len)
{
    int rc = pvs_decode(prog, p, src, len);
    if (rc != 0)
        return rc < 0 ? rc : 0;

    PyObject *fname = PyUnicode_DecodeFSDefault(prog->filename);
    if (!fname)
        return pv_fail_python(PV_ERR_PYTHON, "filename");
    PyCompilerFlags cf = _PyCompilerFlags_INIT;
    cf.cf_flags = PyCF_ONLY_AST | PyCF_SOURCE_IS_UTF8 | PyCF_IGNORE_COOKIE;
    int start = prog->mode == PV_MODE_EXPR ? Py_eval_input : Py_file_input;
    prog->tree = Py_CompileStringObject(prog->utf8, fname, start, &cf, 0);
    if (!prog->tree) {
        Py_DECREF(fname);
        syntax_diag(prog);
        return 0;
    }
    bool unsafe = (prog->layers & PV_LAYER_UNSAFE_NONE) != 0;
    /* The walk bounds the tree even when the AST rules are off. */
    rc = pva_check(prog, p, !unsafe && (prog->layers & PV_LAYER_AST));
    if (rc < 0 || prog->verdict != PV_ACCEPTED) {
        Py_DECREF(fname);
        return rc;
    }
    PyObject *code = PyObject_CallFunction(pvi_get()->compile, "OOsii", prog->tree, fname,
                                           prog->mode == PV_MODE_EXPR ? "eval" : "exec", 0, 1);
    Py_DECREF(fname);
    if (!code) {
        syntax_diag(prog);
        return 0;
    }
    if (!unsafe && (prog->layers & PV_LAYER_BYTECODE)) {
        rc = pvb_check(prog, p, code);
        if (rc < 0) {
            Py_DECREF(code);
            return rc;
        }
    }
    if (prog->verdict == PV_ACCEPTED)
        prog->code = code;
    else
        Py_DECREF(code);
    return 0;
}

pv_program *pvv_program_new(const pv_policy *policy, const char *filename, pv_mode mode,
                            unsigned layers, bool unverified)
{
    pv_program *prog = calloc(1, sizeof *prog);
    if (!prog)
        return NULL;
    prog->mode = mode;
    prog->layers = layers;
    prog->unverified = unverified;
    prog->policy = policy;
    prog->diags.max = policy->limits.max_diagnostics;
    prog->filename = strdup(filename);
    if (!prog->filename) {
        free(prog);
        return NULL;
    }
    return prog;
}

PV_EXTERN int pv_verify(pv_program **out, const pv_policy *policy, const char *src, size_t len,
                        const char *filename, const pv_verify_opts *opts)
{
    if (!out || !policy || (!src && len))
        return pv_fail(PV_ERR_INVALID, "invalid argument");
    *out = NULL;
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_init() has not been called");
    if (opts && opts->version != PV_VERIFY_OPTS_VERSION)
        return pv_fail(PV_ERR_INVALID, "unknown pv_verify_opts version %u", opts->version);
    if (opts && opts->mode != PV_MODE_MODULE && opts->mode != PV_MODE_EXPR)
        return pv_fail(PV_ERR_INVALID, "unknown mode %d", (int)opts->mode);
    unsigned layers = opts && opts->layers ? opts->layers : PV_LAYER_STATIC;
    if (layers & ~(PV_LAYER_STATIC | PV_LAYER_UNSAFE_NONE))
        return pv_fail(PV_ERR_INVALID, "unknown layer bits 0x%x", layers);

    pv_program *prog = pvv_program_new(policy, filename ? filename : "<string>",
                                       opts ? opts->mode : PV_MODE_MODULE, layers,
                                       (layers & PV_LAYER_UNSAFE_NONE) != 0);
    if (!prog)
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    PyGILState_STATE gs = PyGILState_Ensure();
    /* The parser's tree is hundreds of thousands of container objects, and none of what
     * verification allocates can form a cycle: without this, the cyclic collector would
     * traverse the young tree over and over (and the whole heap now and then) for nothing.
     * Reference counting frees all of it; the host's setting is restored before returning. */
    int gc_was = PyGC_Disable();
    int rc = set_globals(prog, policy, opts);
    if (rc == 0)
        rc = run_pipeline(prog, policy, src ? src : "", len);
    if (gc_was)
        PyGC_Enable();
    PyErr_Clear();
    PyGILState_Release(gs);
    if (rc < 0) {
        pv_program_free(prog);
        return rc;
    }
    pvd_sort(&prog->diags);
    *out = prog;
    return 0;
}
