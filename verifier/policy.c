/*
 * policy.c: loading policies. The TOML is read and validated, and the whitelists are
 * derived from the live interpreter, by policy_loader.py (embedded); this file turns its
 * answer into the C tables the layers use: PCRE2 patterns, node and opcode bitmaps, sets.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

extern const char pv_default_rules_toml[];
extern const size_t pv_default_rules_toml_len;
extern const char pv_policy_loader_py[];
extern const size_t pv_policy_loader_py_len;

static PyObject *g_loader; /* the loader's module dict; lives until interpreter exit */

static PyObject *loader_namespace(void)
{
    if (g_loader)
        return g_loader;
    PyObject *ns = PyDict_New();
    PyObject *code = NULL, *res = NULL, *name = NULL;
    if (!ns)
        return NULL;
    name = PyUnicode_FromString("pyverify_policy");
    if (!name || PyDict_SetItemString(ns, "__builtins__", pvi_get()->builtins_module) < 0 ||
        PyDict_SetItemString(ns, "__name__", name) < 0)
        goto fail;
    Py_CLEAR(name);
    code = Py_CompileString(pv_policy_loader_py, "<pyverify policy_loader>", Py_file_input);
    if (!code)
        goto fail;
    res = PyEval_EvalCode(code, ns, ns);
    if (!res)
        goto fail;
    Py_DECREF(code);
    Py_DECREF(res);
    g_loader = ns;
    return ns;
fail:
    Py_XDECREF(name);
    Py_XDECREF(code);
    Py_DECREF(ns);
    return NULL;
}

void pvp_release_static(void)
{
    Py_CLEAR(g_loader);
}

PV_EXTERN const char *pv_default_rules(size_t *len)
{
    if (len)
        *len = pv_default_rules_toml_len;
    return pv_default_rules_toml;
}

bool pvp_regex_one(const pv_policy *p, pcre2_code *re, const char *s, size_t len, bool on_error)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, p->match_data, p->mctx);
    if (rc >= 0)
        return true;
    if (rc == PCRE2_ERROR_NOMATCH)
        return false;
    return on_error;
}

bool pvp_regex_any(const pv_policy *p, const pv_regex_list *l, const char *s, size_t len,
                   const char **which, bool on_error)
{
    for (size_t i = 0; i < l->n; i++) {
        if (pvp_regex_one(p, l->items[i].code, s, len, on_error)) {
            if (which)
                *which = l->items[i].source;
            return true;
        }
    }
    return false;
}

static pcre2_code *compile_regex(const char *pat, const char *origin, const char *key)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(err, buf, sizeof buf);
        pv_fail(PV_ERR_POLICY, "%s: %s: invalid pattern '%s' at offset %zu: %s", origin, key, pat,
                (size_t)off, (const char *)buf);
        return NULL;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional: the interpreter is the fallback */
    return re;
}

static int compile_list(pv_regex_list *out, PyObject *list, const char *origin, const char *key)
{
    Py_ssize_t n = PyList_Size(list);
    if (n < 0)
        return pv_fail_python(PV_ERR_POLICY, origin);
    out->items = calloc(n ? (size_t)n : 1, sizeof *out->items);
    if (!out->items)
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *pat = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i));
        if (!pat)
            return pv_fail_python(PV_ERR_POLICY, origin);
        out->items[i].code = compile_regex(pat, origin, key);
        if (!out->items[i].code)
            return PV_ERR_POLICY;
        out->items[i].source = strdup(pat);
        out->n = (size_t)i + 1;
        if (!out->items[i].source)
            return pv_fail(PV_ERR_NOMEM, "out of memory");
    }
    return 0;
}

static void free_list(pv_regex_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        pcre2_code_free(l->items[i].code);
        free(l->items[i].source);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* A new reference to d[key], or NULL with an error set. */
static PyObject *take(PyObject *d, const char *key)
{
    PyObject *v = PyDict_GetItemString(d, key);
    if (!v) {
        PyErr_Format(PyExc_KeyError, "policy loader did not return '%s'", key);
        return NULL;
    }
    Py_INCREF(v);
    return v;
}

static int read_limit(PyObject *limits, const char *key, size_t *out)
{
    PyObject *v = PyDict_GetItemString(limits, key);
    if (!v) {
        PyErr_Format(PyExc_KeyError, "missing limit %s", key);
        return -1;
    }
    size_t n = PyLong_AsSize_t(v);
    if (n == (size_t)-1 && PyErr_Occurred())
        return -1;
    *out = n;
    return 0;
}

static int fill(pv_policy *p, PyObject *d)
{
    const char *origin = p->origin;
    PyObject *limits = NULL, *nodes = NULL, *lst = NULL, *ops = NULL, *tmpl = NULL;
    int rc = PV_ERR_POLICY;

    if (!(limits = take(d, "limits")))
        goto pyfail;
    if (read_limit(limits, "max_source_bytes", &p->limits.max_source_bytes) < 0 ||
        read_limit(limits, "max_depth", &p->limits.max_depth) < 0 ||
        read_limit(limits, "max_nodes", &p->limits.max_nodes) < 0 ||
        read_limit(limits, "max_diagnostics", &p->limits.max_diagnostics) < 0 ||
        read_limit(limits, "regex_match_limit", &p->limits.regex_match_limit) < 0 ||
        read_limit(limits, "regex_depth_limit", &p->limits.regex_depth_limit) < 0 ||
        read_limit(limits, "max_fstring_work", &p->limits.max_fstring_work) < 0 ||
        read_limit(limits, "max_tokens", &p->limits.max_tokens) < 0)
        goto pyfail;

    if (!(p->builtins_allowed = take(d, "builtins_allowed")) ||
        !(p->builtins_all = take(d, "builtins_all")) ||
        !(p->special_methods = take(d, "special_methods")) ||
        !(p->attrs_allowed = take(d, "attrs_allowed")) ||
        !(p->modules = take(d, "modules")) ||
        !(p->module_members = take(d, "module_members")) ||
        !(p->module_functions = take(d, "module_functions")) ||
        !(p->encodings = take(d, "encodings")) ||
        !(p->host_functions = take(d, "host_functions")) ||
        !(p->library_attrs = take(d, "library_attrs")))
        goto pyfail;

    if (!(nodes = take(d, "nodes")))
        goto pyfail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(nodes); i++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(nodes, i));
        if (!name)
            goto pyfail;
        size_t k, n = pva_kind_count();
        for (k = 0; k < n; k++)
            if (strcmp(pva_kind_name(k), name) == 0)
                break;
        if (k == n) {
            rc = pv_fail(PV_ERR_POLICY, "%s: [nodes] allow: unknown node kind '%s'", origin, name);
            goto out;
        }
        p->node_allowed[k] = 1;
    }

    if (!(ops = take(d, "opcodes")))
        goto pyfail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ops); i++) {
        long op = PyLong_AsLong(PyList_GET_ITEM(ops, i));
        if (op < 0 || op > 255) {
            PyErr_Clear();
            rc = pv_fail(PV_ERR_POLICY, "%s: [bytecode] opcodes: opcode %ld out of range", origin, op);
            goto out;
        }
        p->opcode_allowed[op] = 1;
    }

    p->mctx = pcre2_match_context_create(NULL);
    p->match_data = pcre2_match_data_create(16, NULL);
    if (!p->mctx || !p->match_data) {
        rc = pv_fail(PV_ERR_NOMEM, "out of memory");
        goto out;
    }
    pcre2_set_match_limit(p->mctx, (uint32_t)p->limits.regex_match_limit);
    pcre2_set_depth_limit(p->mctx, (uint32_t)p->limits.regex_depth_limit);

    if (!(lst = take(d, "name_deny")))
        goto pyfail;
    if ((rc = compile_list(&p->name_deny, lst, origin, "[names] deny")) < 0)
        goto out;
    Py_CLEAR(lst);
    if (!(lst = take(d, "attr_deny")))
        goto pyfail;
    if ((rc = compile_list(&p->attr_deny, lst, origin, "[attributes] deny")) < 0)
        goto out;
    Py_CLEAR(lst);
    if (!(lst = take(d, "attr_allow_patterns")))
        goto pyfail;
    if ((rc = compile_list(&p->attr_allow, lst, origin, "[attributes] allow_patterns")) < 0)
        goto out;
    if (!(tmpl = take(d, "safe_template")))
        goto pyfail;
    const char *t = PyUnicode_AsUTF8(tmpl);
    if (!t)
        goto pyfail;
    p->format_safe = compile_regex(t, origin, "[format] safe_template");
    if (!p->format_safe) {
        rc = PV_ERR_POLICY;
        goto out;
    }
    rc = 0;
    goto out;
pyfail:
    rc = pv_fail_python(PV_ERR_POLICY, origin);
out:
    Py_XDECREF(limits);
    Py_XDECREF(nodes);
    Py_XDECREF(lst);
    Py_XDECREF(ops);
    Py_XDECREF(tmpl);
    return rc;
}

static void policy_release(pv_policy *p)
{
    Py_XDECREF(p->builtins_allowed);
    Py_XDECREF(p->builtins_all);
    Py_XDECREF(p->special_methods);
    Py_XDECREF(p->attrs_allowed);
    Py_XDECREF(p->modules);
    Py_XDECREF(p->module_members);
    Py_XDECREF(p->module_functions);
    Py_XDECREF(p->encodings);
    Py_XDECREF(p->host_functions);
    Py_XDECREF(p->library_attrs);
    Py_XDECREF(p->loaded);
    free_list(&p->name_deny);
    free_list(&p->attr_deny);
    free_list(&p->attr_allow);
    pcre2_code_free(p->format_safe);
    pcre2_match_data_free(p->match_data);
    pcre2_match_context_free(p->mctx);
    free(p->origin);
    free(p);
}

/* Run the loader: load(text, origin, default_text). A new reference to its dict, or NULL
 * with a pv_fail error (PolicyError's message as is, anything else with its type). */
static PyObject *run_loader(PyObject *text, const char *origin, int *rc)
{
    PyObject *fn, *ns, *dflt = NULL, *res = NULL;
    ns = loader_namespace();
    if (!ns) {
        *rc = pv_fail_python(PV_ERR_PYTHON, "starting the policy loader");
        return NULL;
    }
    fn = PyDict_GetItemString(ns, "load");
    dflt = PyUnicode_DecodeUTF8(pv_default_rules_toml, (Py_ssize_t)pv_default_rules_toml_len, "strict");
    if (!fn || !dflt) {
        Py_XDECREF(dflt);
        *rc = pv_fail_python(PV_ERR_PYTHON, "starting the policy loader");
        return NULL;
    }
    res = PyObject_CallFunction(fn, "OsO", text, origin, dflt);
    Py_DECREF(dflt);
    if (res)
        return res;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *perr = PyDict_GetItemString(ns, "PolicyError");
    if (perr && type && PyErr_GivenExceptionMatches(type, perr) && value) {
        PyObject *s = PyObject_Str(value);
        const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
        *rc = pv_fail(PV_ERR_POLICY, "%s", m ? m : origin);
        Py_XDECREF(s);
        PyErr_Clear();
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    } else {
        PyErr_Restore(type, value, tb);
        *rc = pv_fail_python(PV_ERR_POLICY, origin);
    }
    return NULL;
}

PyObject *pvp_derive_default(void)
{
    int rc;
    return run_loader(Py_None, "<default>", &rc);
}

int pvp_load(pv_policy **out, const char *toml, size_t len, const char *origin, bool is_default)
{
    *out = NULL;
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_init() has not been called");
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *text = NULL, *res = NULL;
    int rc = 0;
    pv_policy *p = calloc(1, sizeof *p);
    if (!p) {
        rc = pv_fail(PV_ERR_NOMEM, "out of memory");
        goto done;
    }
    p->serial = pvp_next_serial();
    p->origin = strdup(origin);
    if (!p->origin) {
        rc = pv_fail(PV_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!is_default) {
        if (len > PV_MAX_RULES_BYTES) {
            rc = pv_fail(PV_ERR_POLICY, "%s: rules file is larger than %u bytes", origin,
                         PV_MAX_RULES_BYTES);
            goto done;
        }
        if (memchr(toml, '\0', len)) {
            rc = pv_fail(PV_ERR_POLICY, "%s: rules file contains a NUL byte", origin);
            goto done;
        }
        text = PyUnicode_DecodeUTF8(toml, (Py_ssize_t)len, "strict");
        if (!text) {
            rc = pv_fail_python(PV_ERR_POLICY, origin);
            goto done;
        }
    } else {
        text = Py_None;
        Py_INCREF(text);
    }
    /* The default policy's tables come from the build when its key matches exactly
     * (policy_cache.c); a miss derives them live. */
    if (!is_default || pvc_default_tables(&res) != 1)
        res = run_loader(text, origin, &rc);
    if (!res)
        goto done;
    p->loaded = res;
    res = NULL;
    rc = fill(p, p->loaded);
done:
    if (rc < 0 && p) {
        policy_release(p);
        p = NULL;
    }
    Py_XDECREF(text);
    Py_XDECREF(res);
    PyErr_Clear();
    PyGILState_Release(gs);
    *out = p;
    return rc;
}

unsigned long long pvp_next_serial(void)
{
    static atomic_ullong next;
    return atomic_fetch_add(&next, 1) + 1;
}

int pvp_from_loaded(pv_policy **out, PyObject *loaded, const char *origin)
{
    pv_policy *p;
    int rc;
    *out = NULL;
    if (!PyDict_Check(loaded))
        return pv_fail(PV_ERR_POLICY, "%s: the policy tables are not a dict", origin);
    p = calloc(1, sizeof *p);
    if (!p || !(p->origin = strdup(origin))) {
        free(p);
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    }
    p->serial = pvp_next_serial();
    Py_INCREF(loaded);
    p->loaded = loaded;
    rc = fill(p, p->loaded);
    PyErr_Clear();
    if (rc < 0) {
        policy_release(p);
        return rc;
    }
    *out = p;
    return 0;
}

PV_EXTERN int pv_policy_default(pv_policy **out)
{
    if (!out)
        return pv_fail(PV_ERR_INVALID, "out is NULL");
    return pvp_load(out, NULL, 0, "<default>", true);
}

PV_EXTERN const char *pv_policy_default_origin(const char **why)
{
    const char *reason = NULL;
    int st = pvc_state(&reason);
    if (why)
        *why = st == PVC_HIT ? "" : reason ? reason : "no build-time tables";
    return st == PVC_HIT ? "build" : st == 0 ? "unloaded" : "derived";
}

PV_EXTERN int pv_policy_load_buffer(pv_policy **out, const char *toml, size_t len,
                                    const char *origin)
{
    if (!out || (!toml && len))
        return pv_fail(PV_ERR_INVALID, "invalid argument");
    return pvp_load(out, toml ? toml : "", len, origin ? origin : "<buffer>", false);
}

PV_EXTERN int pv_policy_load_file(pv_policy **out, const char *path)
{
    if (!out || !path)
        return pv_fail(PV_ERR_INVALID, "invalid argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pv_fail(PV_ERR_IO, "%s: cannot open rules file: %s", path, strerror(errno));
    size_t cap = PV_MAX_RULES_BYTES + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    }
    n = fread(buf, 1, cap, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return pv_fail(PV_ERR_IO, "%s: cannot read rules file", path);
    }
    int rc = pvp_load(out, buf, n, path, false);
    free(buf);
    return rc;
}

PV_EXTERN const char *pv_policy_origin(const pv_policy *p) { return p ? p->origin : NULL; }

PV_EXTERN void pv_policy_free(pv_policy *p)
{
    if (!p)
        return;
    if (Py_IsInitialized()) {
        PyGILState_STATE gs = PyGILState_Ensure();
        policy_release(p);
        PyGILState_Release(gs);
    } else {
        p->builtins_allowed = p->builtins_all = p->special_methods = p->attrs_allowed = NULL;
        p->modules = p->module_members = p->module_functions = p->encodings = p->loaded = NULL;
        p->library_attrs = p->host_functions = NULL;
        policy_release(p);
    }
}
