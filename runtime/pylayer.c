/*
 * pylayer.c: the Python level of the sandbox (layer 5), and running the verified code.
 *
 * In the parent (before fork): the program's globals, a module "__main__" whose dict holds
 *   only the input values and a `__builtins__` dict with the policy's builtins, a
 *   `__build_class__`, and an `__import__` that hands out module proxies. A proxy is a fresh
 *   module object holding only the members the policy lists (module_members); it has no
 *   __name__, so `from m import x` cannot fall back to sys.modules for a missing member.
 *   Every allowed module is imported here, in the parent, so the child never reads a file.
 * In the child (after the OS steps): fresh standard streams on fds 0-2, os.environ emptied,
 *   a PEP 578 audit hook that ends the child on sensitive events, then the code object
 *   runs; its value or uncaught exception is reported to the parent over fd 3.
 */
#include "runtime.h"

#include <frameobject.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* ---- restricted __import__ --------------------------------------------------------------- */

/* self: dict name -> proxy (every allowed module, and the bare packages above them);
 * also holds key None -> frozenset of allowed names. */
static PyObject *restricted_import(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "globals", "locals", "fromlist", "level", NULL};
    PyObject *name = NULL, *globals = NULL, *locals = NULL, *fromlist = NULL;
    int level = 0;
    PyObject *allowed, *proxy, *top = NULL, *result = NULL;
    Py_ssize_t dot;
    int truth;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|OOOi:__import__", kwlist, &name,
                                     &globals, &locals, &fromlist, &level))
        return NULL;
    if (level != 0) {
        PyErr_SetString(PyExc_ImportError, "relative imports are not allowed");
        return NULL;
    }
    allowed = PyDict_GetItemWithError(self, Py_None);
    if (!allowed)
        return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ImportError, "no imports");
    truth = PySet_Contains(allowed, name);
    if (truth < 0)
        return NULL;
    if (!truth) {
        /* C code importing for itself (datetime.now() imports time) goes through
           PyImport_Import, which calls __import__ with an empty *list* as fromlist for the
           side effect only and then reads sys.modules itself. Let those through for modules
           already loaded, returning nothing the caller could use; the import statement
           passes None or a tuple and is refused. */
        if (fromlist && PyList_CheckExact(fromlist) && PyList_GET_SIZE(fromlist) == 0) {
            PyObject *mod = PyImport_GetModule(name);
            if (mod) {
                Py_DECREF(mod);
                Py_RETURN_NONE;
            }
            if (PyErr_Occurred())
                return NULL;
        }
        return PyErr_Format(PyExc_ImportError, "import of '%U' is not allowed", name);
    }
    truth = fromlist ? PyObject_IsTrue(fromlist) : 0;
    if (truth < 0)
        return NULL;
    if (truth) {
        proxy = PyDict_GetItemWithError(self, name);
        if (!proxy)
            return PyErr_Occurred() ? NULL
                                    : PyErr_Format(PyExc_ImportError, "no module '%U'", name);
        return Py_NewRef(proxy);
    }
    /* `import a.b` binds the top-level package */
    dot = PyUnicode_FindChar(name, '.', 0, PyUnicode_GetLength(name), 1);
    if (dot < -1)
        return NULL;
    top = dot < 0 ? Py_NewRef(name) : PyUnicode_Substring(name, 0, dot);
    if (!top)
        return NULL;
    proxy = PyDict_GetItemWithError(self, top);
    if (proxy)
        result = Py_NewRef(proxy);
    else if (!PyErr_Occurred())
        PyErr_Format(PyExc_ImportError, "no module '%U'", top);
    Py_DECREF(top);
    return result;
}

static PyMethodDef import_def = {"__import__", (PyCFunction)(void (*)(void))restricted_import,
                                 METH_VARARGS | METH_KEYWORDS,
                                 "__import__ restricted to the policy's modules"};

/* A bare module object without identity: no __name__, __spec__, __loader__, __package__. */
static PyObject *new_proxy(PyObject *name)
{
    static const char *const drop[] = {"__name__", "__doc__", "__package__", "__loader__",
                                       "__spec__"};
    PyObject *m = PyModule_NewObject(name);
    PyObject *d;
    if (!m)
        return NULL;
    d = PyModule_GetDict(m);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
        if (PyDict_DelItemString(d, drop[i]) < 0)
            PyErr_Clear();
    }
    return m;
}

/* proxies[name], created bare if missing. Borrowed. */
static PyObject *proxy_for(PyObject *proxies, PyObject *name)
{
    PyObject *p = PyDict_GetItemWithError(proxies, name);
    if (p || PyErr_Occurred())
        return p;
    p = new_proxy(name);
    if (!p || PyDict_SetItem(proxies, name, p) < 0) {
        Py_XDECREF(p);
        return NULL;
    }
    Py_DECREF(p);
    return p;
}

/* A builtin function's __self__ is its module: print.__self__ is the real builtins module,
 * with open and __import__ in it. Rebind such functions to `new_self` (a stub or the
 * module's proxy). Returns a new reference: the copy, or `v` itself when nothing to do. */
static PyObject *rebind(PyObject *v, PyObject *real_module, PyObject *new_self)
{
    PyMethodDef *ml;
    PyModuleDef *def;
    if (!PyCFunction_Check(v) || PyCFunction_GET_SELF(v) != real_module)
        return Py_NewRef(v);
    /* a module with per-module state needs itself as `self`: leave its functions alone */
    def = PyModule_Check(real_module) ? PyModule_GetDef(real_module) : NULL;
    if (!def || def->m_size > 0)
        return Py_NewRef(v);
    ml = ((PyCFunctionObject *)v)->m_ml;
    if (!ml || (ml->ml_flags & METH_METHOD))
        return Py_NewRef(v);
    return PyCMethod_New(ml, new_self, ((PyCFunctionObject *)v)->m_module, NULL);
}

/* Hang every package proxy on the way to `name` from its parent: `import a.b.c` binds
 * `a`, and the program then reaches a.b.c through attributes. */
static int attach_chain(PyObject *proxies, PyObject *name)
{
    Py_ssize_t len = PyUnicode_GetLength(name), start = 0, dot;
    while ((dot = PyUnicode_FindChar(name, '.', start, len, 1)) >= 0) {
        Py_ssize_t next = PyUnicode_FindChar(name, '.', dot + 1, len, 1);
        PyObject *parent_name, *child_name, *leaf, *parent, *child;
        int ok;
        if (next == -2)
            return -1;
        if (next < 0)
            next = len;
        parent_name = PyUnicode_Substring(name, 0, dot);
        child_name = PyUnicode_Substring(name, 0, next);
        leaf = PyUnicode_Substring(name, dot + 1, next);
        parent = parent_name ? proxy_for(proxies, parent_name) : NULL;
        child = child_name && parent ? proxy_for(proxies, child_name) : NULL;
        ok = child && leaf && PyObject_SetAttr(parent, leaf, child) == 0;
        Py_XDECREF(parent_name);
        Py_XDECREF(child_name);
        Py_XDECREF(leaf);
        if (!ok)
            return -1;
        start = dot + 1;
    }
    return dot == -1 ? 0 : -1;
}

/* Fill the proxy of one allowed module with the members the policy lists (those whose
 * value is None; submodule members are attached by attach_chain). */
static int fill_proxy(PyObject *proxies, PyObject *name, PyObject *module_members)
{
    PyObject *real = NULL, *proxy, *members, *key, *value;
    Py_ssize_t pos = 0;
    int rc = -1;

    proxy = proxy_for(proxies, name);
    if (!proxy || attach_chain(proxies, name) < 0)
        return -1;
    real = PyImport_Import(name);
    if (!real) {
        /* an allowed module that does not import: the program will get AttributeError */
        PyErr_Clear();
        return 0;
    }
    members = PyDict_GetItemWithError(module_members, name);
    if (!members) {
        rc = PyErr_Occurred() ? -1 : 0;
        goto done;
    }
    if (!PyDict_Check(members)) {
        PyErr_SetString(PyExc_TypeError, "module_members values must be dicts");
        goto done;
    }
    while (PyDict_Next(members, &pos, &key, &value)) {
        PyObject *member;
        if (value != Py_None) {
            /* a member that is itself an allowed module: its proxy */
            PyObject *sub = PyUnicode_Check(value) ? proxy_for(proxies, value) : NULL;
            if (!sub || PyObject_SetAttr(proxy, key, sub) < 0)
                goto done;
            continue;
        }
        member = PyObject_GetAttr(real, key);
        if (!member) {
            PyErr_Clear();
            continue;
        }
        /* a member that is a module the policy does not allow is never exposed */
        if (PyModule_Check(member)) {
            Py_DECREF(member);
            continue;
        }
        Py_SETREF(member, rebind(member, real, proxy));
        if (member)
            Py_SETREF(member, pvx_guard_wrap_member(member));
        if (!member || PyObject_SetAttr(proxy, key, member) < 0) {
            Py_XDECREF(member);
            goto done;
        }
        Py_DECREF(member);
    }
    rc = 0;
done:
    Py_DECREF(real);
    return rc;
}

/* ---- globals ------------------------------------------------------------------------------ */

static bool is_dunder(PyObject *key)
{
    Py_ssize_t n = PyUnicode_GetLength(key);
    return n >= 4 && PyUnicode_ReadChar(key, 0) == '_' && PyUnicode_ReadChar(key, 1) == '_' &&
           PyUnicode_ReadChar(key, n - 1) == '_' && PyUnicode_ReadChar(key, n - 2) == '_';
}

/* Parse `input_json` with Python's json module and bind its keys in `dict`. Returns 0,
 * PV_ERR_INVALID (message in the pending exception is replaced by ours) or PV_ERR_PYTHON. */
static int bind_inputs(PyObject *dict, const char *input_json, PyObject *declared, char *why,
                       size_t whylen)
{
    PyObject *json = NULL, *obj = NULL, *key, *value;
    Py_ssize_t pos = 0;
    int rc = PV_ERR_PYTHON;

    json = PyImport_ImportModule("json");
    if (!json)
        goto fail;
    obj = PyObject_CallMethod(json, "loads", "s", input_json);
    if (!obj) {
        if (PyErr_ExceptionMatches(PyExc_ValueError) ||
            PyErr_ExceptionMatches(PyExc_RecursionError)) {
            PyErr_Clear();
            snprintf(why, whylen, "--input is not valid JSON");
            rc = PV_ERR_INVALID;
        }
        goto fail;
    }
    if (!PyDict_Check(obj)) {
        snprintf(why, whylen, "--input must be a JSON object");
        rc = PV_ERR_INVALID;
        goto fail;
    }
    while (PyDict_Next(obj, &pos, &key, &value)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (!k)
            goto fail;
        if (!PyUnicode_IsIdentifier(key) || is_dunder(key)) {
            snprintf(why, whylen, "--input key '%.64s' is not an identifier, or is a dunder",
                     k);
            rc = PV_ERR_INVALID;
            goto fail;
        }
        if (declared && PyAnySet_Check(declared)) {
            int in = PySet_Contains(declared, key);
            if (in < 0)
                goto fail;
            if (!in) {
                /* the verifier resolved names without it: it must not appear now */
                snprintf(why, whylen, "--input key '%.64s' was not declared to pv_verify", k);
                rc = PV_ERR_INVALID;
                goto fail;
            }
        }
        if (PyDict_SetItem(dict, key, value) < 0)
            goto fail;
    }
    rc = 0;
fail:
    Py_XDECREF(json);
    Py_XDECREF(obj);
    return rc;
}

int pvx_py_bind(PyObject *dict, const char *input_json, PyObject *declared)
{
    char why[160] = "";
    int rc = bind_inputs(dict, input_json, declared, why, sizeof why);
    if (rc == PV_ERR_INVALID) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, why);
    }
    return rc;
}

/* The program's input([prompt]): one line of sys.stdin (the run's stdin memfd, or
 * /dev/null) without its newline; EOFError at the end. Never builtins.input: that one goes
 * through PyOS_Readline on a terminal and raises audit events the hook refuses. The prompt
 * goes to sys.stdout, as print(prompt, end='') writes it. */
static PyObject *sandbox_input(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *out = PySys_GetObject("stdout"), *in = PySys_GetObject("stdin"); /* borrowed */
    PyObject *s, *r, *line;
    Py_ssize_t n;
    (void)self;
    if (nargs > 1)
        return PyErr_Format(PyExc_TypeError, "input expected at most 1 argument, got %zd", nargs);
    if (!out || !in)
        return PyErr_Format(PyExc_RuntimeError, "input(): no standard streams");
    if (nargs == 1) {
        s = PyObject_Str(args[0]);
        r = s ? PyObject_CallMethod(out, "write", "O", s) : NULL;
        Py_XDECREF(s);
        if (!r)
            return NULL;
        Py_DECREF(r);
    }
    line = PyObject_CallMethod(in, "readline", NULL);
    if (line && !PyUnicode_Check(line))
        Py_SETREF(line, PyErr_Format(PyExc_TypeError, "input(): sys.stdin did not return str"));
    if (!line)
        return NULL;
    n = PyUnicode_GET_LENGTH(line);
    if (n == 0) {
        Py_DECREF(line);
        return PyErr_Format(PyExc_EOFError, "EOF when reading a line");
    }
    if (PyUnicode_READ_CHAR(line, n - 1) == '\n')
        Py_SETREF(line, PyUnicode_Substring(line, 0, n - 1));
    return line;
}

static PyMethodDef input_def = {"input", (PyCFunction)(void (*)(void))sandbox_input,
                                METH_FASTCALL, "input(prompt='', /): one line of stdin"};

static int build_builtins(PyObject *gdict, PyObject *builtins_allowed, PyObject *modules,
                          PyObject *module_members)
{
    PyObject *real = NULL, *bdict = NULL, *proxies = NULL, *imp = NULL, *it = NULL, *name;
    PyObject *stub = NULL, *stub_name = NULL;
    int rc = -1;

    real = PyImport_ImportModule("builtins");
    bdict = PyDict_New();
    proxies = PyDict_New();
    stub_name = PyUnicode_FromString("builtins");
    stub = stub_name ? new_proxy(stub_name) : NULL; /* what print.__self__ shows: nothing */
    if (!real || !bdict || !proxies || !stub)
        goto fail;
    it = PyObject_GetIter(builtins_allowed);
    if (!it)
        goto fail;
    while ((name = PyIter_Next(it))) {
        int is_input = PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, "input") == 0;
        PyObject *v = is_input ? PyCFunction_New(&input_def, NULL) : PyObject_GetAttr(real, name);
        int bad;
        if (v)
            Py_SETREF(v, rebind(v, real, stub));
        bad = !v ? (PyErr_ExceptionMatches(PyExc_AttributeError) ? (PyErr_Clear(), 0) : 1)
                 : PyDict_SetItem(bdict, name, v) < 0;
        Py_XDECREF(v);
        Py_DECREF(name);
        if (bad)
            goto fail;
    }
    if (PyErr_Occurred())
        goto fail;
    Py_CLEAR(it);
    /* class statements need __build_class__ */
    {
        PyObject *bc = PyObject_GetAttrString(real, "__build_class__");
        if (bc)
            Py_SETREF(bc, rebind(bc, real, stub));
        int bad = !bc || PyDict_SetItemString(bdict, "__build_class__", bc) < 0;
        Py_XDECREF(bc);
        if (bad)
            goto fail;
    }
    if (modules && module_members) {
        PyObject *frozen = PyFrozenSet_New(modules);
        int bad = !frozen || PyDict_SetItem(proxies, Py_None, frozen) < 0;
        Py_XDECREF(frozen);
        if (bad)
            goto fail;
        it = PyObject_GetIter(modules);
        if (!it)
            goto fail;
        while ((name = PyIter_Next(it))) {
            int bad2 = fill_proxy(proxies, name, module_members) < 0;
            Py_DECREF(name);
            if (bad2)
                goto fail;
        }
        if (PyErr_Occurred())
            goto fail;
    } else {
        PyObject *empty = PyFrozenSet_New(NULL);
        int bad = !empty || PyDict_SetItem(proxies, Py_None, empty) < 0;
        Py_XDECREF(empty);
        if (bad)
            goto fail;
    }
    imp = PyCFunction_New(&import_def, proxies);
    if (!imp || PyDict_SetItemString(bdict, "__import__", imp) < 0 ||
        PyDict_SetItemString(gdict, "__builtins__", bdict) < 0)
        goto fail;
    rc = 0;
fail:
    Py_XDECREF(stub);
    Py_XDECREF(stub_name);
    Py_XDECREF(it);
    Py_XDECREF(imp);
    Py_XDECREF(proxies);
    Py_XDECREF(bdict);
    Py_XDECREF(real);
    return rc;
}

/* Modules and codecs that allowed modules load lazily, on first use, through C-level
 * imports (datetime.strptime imports _strptime; str.encode('utf-16') imports
 * encodings.utf_16). In the child that import would need files: load them here, once. */
static const char *const lazy_modules[] = {"_strptime", "copy", "string", "locale"};
static const char *const lazy_codecs[] = {
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
    "utf-32-be", "latin-1", "ascii", "cp1252", "cp437", "iso8859-15", "mac-roman",
    "raw-unicode-escape", "unicode-escape"};

static void preload_lazy(bool with_modules, bool with_codecs)
{
    static bool done, done_modules;
    if (with_modules && !done_modules) {
        done_modules = true;
        for (size_t i = 0; i < sizeof lazy_modules / sizeof lazy_modules[0]; i++) {
            PyObject *m = PyImport_ImportModule(lazy_modules[i]);
            Py_XDECREF(m);
            PyErr_Clear(); /* absent on this build: the program gets an error there, as usual */
        }
    }
    if (done || !with_codecs)
        return;
    done = true;
    for (size_t i = 0; i < sizeof lazy_codecs / sizeof lazy_codecs[0]; i++) {
        PyObject *c = PyCodec_Encoder(lazy_codecs[i]);
        Py_XDECREF(c);
        PyErr_Clear();
    }
}

int pvx_py_prepare(pvx_py_plan *plan, PyObject *code, bool expr, PyObject *builtins_allowed,
                   PyObject *modules, PyObject *module_members, const char *input_json,
                   PyObject *declared_globals, unsigned flags, size_t max_value)
{
    PyObject *gdict, *json = NULL;
    char why[160] = "";
    int rc = PV_ERR_PYTHON;

    memset(plan, 0, sizeof *plan);
    plan->code = code;
    plan->expr = expr;
    plan->flags = flags;
    plan->max_value = max_value;
    plan->main_module = PyModule_New("__main__");
    if (!plan->main_module)
        goto fail;
    gdict = PyModule_GetDict(plan->main_module);
    if (flags & PV_RUN_NO_PYTHON_LAYER) {
        PyObject *real = PyImport_ImportModule("builtins");
        int bad = !real || PyDict_SetItemString(gdict, "__builtins__", real) < 0;
        Py_XDECREF(real);
        if (bad)
            goto fail;
    } else {
        if (!builtins_allowed || build_builtins(gdict, builtins_allowed, modules,
                                                module_members) < 0)
            goto fail;
    }
    if (input_json) {
        rc = bind_inputs(gdict, input_json, declared_globals, why, sizeof why);
        if (rc < 0)
            goto fail;
        rc = PV_ERR_PYTHON;
    }
    plan->modules = modules ? PyFrozenSet_New(modules) : PyFrozenSet_New(NULL);
    if (!plan->modules)
        goto fail;
    /* the child's streams need the utf-8 codec; looking it up there would read files */
    {
        PyObject *codec = PyCodec_Encoder("utf-8");
        if (!codec)
            goto fail;
        Py_DECREF(codec);
    }
    /* what allowed modules import lazily: a program that imports none needs none of it */
    {
        bool any_module = !modules || PyObject_Size(modules) != 0;
        preload_lazy(any_module, any_module || pvx_code_may_encode(code));
    }
    /* json.dumps encodes an expression's value; a plan without code (a runner's, a batch's)
       may run expressions later */
    json = expr || !code ? PyImport_ImportModule("json") : NULL;
    if (!(flags & PV_RUN_NO_PYTHON_LAYER) && pvx_guard_snapshot() < 0)
        goto fail;
    plan->json_dumps = json ? PyObject_GetAttrString(json, "dumps") : NULL;
    if (!plan->json_dumps && (expr || !code))
        goto fail;
    rc = 0;
fail:
    Py_XDECREF(json);
    if (rc < 0) {
        if (rc == PV_ERR_INVALID) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, why);
        }
        pvx_py_plan_clear(plan);
    }
    return rc;
}

void pvx_py_plan_clear(pvx_py_plan *plan)
{
    if (!plan)
        return;
    Py_CLEAR(plan->main_module);
    Py_CLEAR(plan->modules);
    Py_CLEAR(plan->json_dumps);
    plan->code = NULL;
}

/* ---- the audit hook (child only) ------------------------------------------------------- */

enum { EV_ALLOW, EV_KILL, EV_TRUSTED_ONLY, EV_IMPORT, EV_SETATTR };

typedef struct audit_rule {
    const char *event;   /* exact name, or a prefix ending in '.' */
    int action;
} audit_rule;

/* Events not listed here end the child (fail closed). EV_TRUSTED_ONLY: allowed only when
 * the innermost Python frame runs one of the library functions guard.c lists for that
 * event, identified by code object (dataclasses and namedtuple generate code; enum and
 * namedtuple read their caller's module name with sys._getframe; inspect reads __code__),
 * never from the program's own frames or from code compiled at run time. */
static const audit_rule audit_rules[] = {
    {"builtins.id", EV_ALLOW},            /* copy.deepcopy, reprlib */
    {"time.sleep", EV_ALLOW},             /* bounded by the watchdog */
    {"sys.unraisablehook", EV_ALLOW},     /* an exception in __del__ is printed */
    {"object.__setattr__", EV_SETATTR},   /* setting class attributes; dunders: trusted only */
    {"object.__delattr__", EV_SETATTR},
    {"import", EV_IMPORT},                /* only the policy's modules */
    {"compile", EV_TRUSTED_ONLY},
    {"exec", EV_TRUSTED_ONLY},
    {"sys._getframe", EV_TRUSTED_ONLY},
    {"object.__getattr__", EV_TRUSTED_ONLY}, /* frame, code and traceback internals */
    {"function.__new__", EV_TRUSTED_ONLY},
    {"code.__new__", EV_TRUSTED_ONLY},
    /* explicitly fatal (documentation; the default is fatal too) */
    {"open", EV_KILL},
    {"os.", EV_KILL},
    {"subprocess.", EV_KILL},
    {"socket.", EV_KILL},
    {"ctypes.", EV_KILL},
    {"sys.", EV_KILL},
    {"gc.", EV_KILL},
    {"marshal.", EV_KILL},
    {"pickle.", EV_KILL},
    {"builtins.", EV_KILL},
    {"cpython.", EV_KILL},
};

static const pvx_py_plan *hook_plan;
static int hook_armed;
static PyObject *g_encodings_prefix; /* "encodings.", made before the hook is armed */

/* The innermost frame's code object existed before the program started (guard.c's
 * snapshot): decided by identity, never by file name; code compiled at run time is never
 * trusted. */
static bool frame_trusted(void)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *code;
    bool trusted;

    if (!f || !hook_plan)
        return false;
    code = PyFrame_GetCode(f);
    trusted = code && pvx_guard_code_trusted((PyObject *)code);
    Py_XDECREF(code);
    return trusted;
}

/* `event` from the innermost frame: only the library functions guard.c lists for it. */
static bool event_trusted(const char *event, PyObject *arg1)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *code;
    bool ok;

    if (!f || !hook_plan)
        return false;
    code = PyFrame_GetCode(f);
    ok = code && pvx_guard_event_allowed(event, (PyObject *)code, arg1);
    Py_XDECREF(code);
    return ok;
}

static _Noreturn void audit_abort(const char *event, PyObject *detail)
{
    char buf[512];
    size_t n = strlen(event);
    if (n > 200)
        n = 200;
    memcpy(buf, event, n);
    buf[n] = '\0';
    if (detail && PyUnicode_Check(detail)) {
        const char *d = PyUnicode_AsUTF8(detail);
        if (d) {
            size_t m = strlen(d);
            if (m > 200)
                m = 200;
            memcpy(buf + n, ": ", 2);
            memcpy(buf + n + 2, d, m);
            n += 2 + m;
            buf[n] = '\0';
        }
    }
    pvx_send(PVX_FD_CONTROL, PVX_REC_AUDIT, buf, n);
    _exit(PVX_EXIT_AUDIT);
}

/* A session's child rebuilding its next program from the parent's marshal bytes
 * (session.c), between runs, with the collector off: only that event is let through. */
static int marshal_allowed;

void pvx_py_allow_marshal(bool on)
{
    marshal_allowed = on;
}

static int audit_hook(const char *event, PyObject *args, void *ud)
{
    int action = EV_KILL;
    PyObject *arg0 = NULL, *arg1 = NULL;
    (void)ud;

    if (!hook_armed)
        return 0;
    if (marshal_allowed && strcmp(event, "marshal.loads") == 0)
        return 0;
    for (size_t i = 0; i < sizeof audit_rules / sizeof audit_rules[0]; i++) {
        const char *r = audit_rules[i].event;
        size_t n = strlen(r);
        if (r[n - 1] == '.' ? strncmp(event, r, n) == 0 : strcmp(event, r) == 0) {
            action = audit_rules[i].action;
            break;
        }
    }
    if (args && PyTuple_Check(args)) {
        arg0 = PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0) : NULL;
        arg1 = PyTuple_GET_SIZE(args) > 1 ? PyTuple_GET_ITEM(args, 1) : NULL;
    }
    switch (action) {
    case EV_ALLOW:
        return 0;
    case EV_TRUSTED_ONLY:
        if (event_trusted(event, arg1))
            return 0;
        audit_abort(event, arg1 && PyUnicode_Check(arg1) ? arg1 : NULL);
    case EV_IMPORT:
        if (arg0 && PyUnicode_Check(arg0) && PySet_Contains(hook_plan->modules, arg0) == 1)
            return 0;
        PyErr_Clear();
        /* A codec looked up by name ('a'.encode('koi8_r')) makes the standard library's
         * encodings.search_function import encodings.<name>. That is not the program
         * importing anything: fail the import itself (an audit hook may raise), so that the
         * search function answers "unknown encoding" and the program sees LookupError,
         * without any file being touched. Codecs the runtime preloads never get here. */
        if (arg0 && PyUnicode_Check(arg0) &&
            PyUnicode_Tailmatch(arg0, g_encodings_prefix, 0, PyUnicode_GET_LENGTH(arg0), -1) == 1 &&
            frame_trusted()) {
            PyErr_Format(PyExc_ImportError, "codec module %U is not loaded in the sandbox", arg0);
            return -1;
        }
        PyErr_Clear();
        audit_abort(event, arg0);
    case EV_SETATTR:
        if (arg1 && PyUnicode_Check(arg1) && !is_dunder(arg1))
            return 0;
        if (frame_trusted())
            return 0;
        audit_abort(event, arg1);
    case EV_KILL:
    default:
        audit_abort(event, arg0 && PyUnicode_Check(arg0) ? arg0 : NULL);
    }
}

/* ---- child: streams, environment, run, report ------------------------------------------ */

static _Noreturn void child_fatal(const char *what)
{
    PyObject *t, *v, *tb;
    char buf[600];
    const char *m = NULL;
    PyErr_Fetch(&t, &v, &tb);
    if (v) {
        PyObject *s = PyObject_Str(v);
        m = s ? PyUnicode_AsUTF8(s) : NULL;
    }
    snprintf(buf, sizeof buf, "%s%s%s", what, m ? ": " : "", m ? m : "");
    pvx_send(PVX_FD_CONTROL, PVX_REC_FATAL, buf, strlen(buf));
    _exit(t && PyErr_GivenExceptionMatches(t, PyExc_MemoryError) ? PVX_EXIT_EXCEPTION
                                                                 : PVX_EXIT_SETUP);
}

/* The standard streams a clean template makes once for all its children (issue 19):
 * io.open in each child cost 0.5-0.7 ms, nearly all of it the copy-on-write faults of the
 * first Python work after fork (183 pages), 0.07 ms the work itself. Made on descriptors
 * 0-2 as a child has them (0 seekable: /dev/null, as a child's /dev/null or stdin memfd;
 * 1 and 2 pipes, not seekable), since FileIO, the buffers and TextIOWrapper ask at
 * creation (the blocksize, the position, seekable()); the template's own descriptors are
 * put back afterwards. The objects hold only the descriptor numbers (closefd=False). */
static PyObject *pre_streams[3];

static PyObject *open_stream(int fd, const char *mode)
{
    PyObject *io = PyImport_ImportModule("io");
    PyObject *f;
    if (!io)
        return NULL;
    /* line-buffered output, so that what was printed before a kill is not lost */
    f = PyObject_CallMethod(io, "open", "isissOO", fd, mode, mode[0] == 'r' ? -1 : 1, "utf-8",
                            mode[0] == 'r' ? "surrogateescape" : "backslashreplace", Py_None,
                            Py_False);
    Py_DECREF(io);
    return f;
}

int pvx_py_streams_prepare(void)
{
    int saved[3], null_fd, p[2] = {-1, -1}, rc = -1;
    null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || pipe2(p, O_CLOEXEC) < 0) {
        if (null_fd >= 0)
            close(null_fd);
        return -1;
    }
    for (int i = 0; i < 3; i++)
        saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10); /* -1: it was closed */
    if (dup2(null_fd, 0) == 0 && dup2(p[1], 1) == 1 && dup2(p[1], 2) == 2) {
        pre_streams[0] = open_stream(0, "r");
        pre_streams[1] = pre_streams[0] ? open_stream(1, "w") : NULL;
        pre_streams[2] = pre_streams[1] ? open_stream(2, "w") : NULL;
        rc = pre_streams[2] ? 0 : -1;
    }
    for (int i = 0; i < 3; i++) {
        if (saved[i] >= 0) {
            dup2(saved[i], i);
            close(saved[i]);
        } else {
            close(i);
        }
    }
    close(null_fd);
    close(p[0]);
    close(p[1]);
    if (rc < 0) {
        for (int i = 0; i < 3; i++)
            Py_CLEAR(pre_streams[i]);
        PyErr_Clear();
    }
    return rc;
}

static int set_stream(const char *name, int fd, const char *mode)
{
    PyObject *f = open_stream(fd, mode);
    int rc = f ? PySys_SetObject(name, f) : -1;
    Py_XDECREF(f);
    return rc;
}

static void flush_streams(void)
{
    static const char *const names[] = {"stdout", "stderr"};
    for (size_t i = 0; i < 2; i++) {
        PyObject *s = PySys_GetObject(names[i]); /* borrowed */
        PyObject *r = s ? PyObject_CallMethod(s, "flush", NULL) : NULL;
        Py_XDECREF(r);
        PyErr_Clear();
        /* the template's stream, if the program put another in its place (the template's
           reference kept it from being flushed when it was dropped) */
        if (pre_streams[i + 1] && pre_streams[i + 1] != s) {
            r = PyObject_CallMethod(pre_streams[i + 1], "flush", NULL);
            Py_XDECREF(r);
            PyErr_Clear();
        }
    }
}

/* Write all of buf to fd 2 (the stderr pipe; the parent enforces the cap). */
static void write_stderr(const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(2, buf, n);
        if (w <= 0)
            return;
        buf += w;
        n -= (size_t)w;
    }
}

/* Print a traceback as Python would (the last 1000 entries; a line repeated more than 3
 * times in a row is collapsed, as in "[Previous line repeated 996 more times]"), built
 * from the traceback objects' fields only: no source file is opened and no code of the
 * program runs (the message is already a str). */
static void print_traceback(PyObject *tb, const char *tname, const char *msg, size_t mlen)
{
    enum { LIMIT = 1000, REPEAT = 3 };
    char line[512];
    PyObject *t0 = tb, *last_code = NULL;
    long total = 0, skip, repeats = 0;
    int last_line = -1, n;

    for (PyObject *t = tb; t && PyTraceBack_Check(t); t = (PyObject *)((PyTracebackObject *)t)->tb_next)
        total++;
    skip = total > LIMIT ? total - LIMIT : 0;
    if (total > 0)
        write_stderr("Traceback (most recent call last):\n", 35);
    for (tb = t0; tb && PyTraceBack_Check(tb); tb = (PyObject *)((PyTracebackObject *)tb)->tb_next) {
        PyTracebackObject *t = (PyTracebackObject *)tb;
        PyCodeObject *code;
        const char *file, *name;
        int l;
        if (skip > 0) {
            skip--;
            continue;
        }
        code = PyFrame_GetCode(t->tb_frame);
        if (!code)
            break;
        l = t->tb_lineno >= 0 ? t->tb_lineno : PyCode_Addr2Line(code, t->tb_lasti);
        if ((PyObject *)code == last_code && l == last_line) {
            if (++repeats >= REPEAT) {
                Py_DECREF(code);
                continue;
            }
        } else {
            if (repeats >= REPEAT) {
                n = snprintf(line, sizeof line, "  [Previous line repeated %ld more time%s]\n",
                             repeats - REPEAT + 1, repeats - REPEAT + 1 > 1 ? "s" : "");
                if (n > 0)
                    write_stderr(line, (size_t)n);
            }
            repeats = 0;
        }
        Py_XDECREF(last_code);
        last_code = (PyObject *)code; /* owned until replaced */
        Py_INCREF(last_code);
        last_line = l;
        file = PyUnicode_AsUTF8(code->co_filename);
        name = PyUnicode_AsUTF8(code->co_name);
        n = snprintf(line, sizeof line, "  File \"%.200s\", line %d, in %.200s\n",
                     file ? file : "?", l, name ? name : "?");
        if (n > 0)
            write_stderr(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        Py_DECREF(code);
        PyErr_Clear();
    }
    if (repeats >= REPEAT) {
        n = snprintf(line, sizeof line, "  [Previous line repeated %ld more time%s]\n",
                     repeats - REPEAT + 1, repeats - REPEAT + 1 > 1 ? "s" : "");
        if (n > 0)
            write_stderr(line, (size_t)n);
    }
    Py_XDECREF(last_code);
    write_stderr(tname, strlen(tname));
    if (mlen > 0) {
        write_stderr(": ", 2);
        write_stderr(msg, mlen);
    }
    write_stderr("\n", 1);
}

/* The line of the innermost traceback entry that belongs to the program's own code. */
static unsigned exception_line(PyObject *tb, PyObject *filename)
{
    unsigned line = 0;
    while (tb && PyTraceBack_Check(tb)) {
        PyTracebackObject *t = (PyTracebackObject *)tb;
        PyCodeObject *code = PyFrame_GetCode(t->tb_frame);
        if (code) {
            if (PyUnicode_Check(code->co_filename) &&
                PyUnicode_Compare(code->co_filename, filename) == 0) {
                int l = t->tb_lineno;
                if (l < 0)
                    l = PyCode_Addr2Line(code, t->tb_lasti);
                if (l > 0)
                    line = (unsigned)l;
            }
            Py_DECREF(code);
        }
        tb = (PyObject *)t->tb_next;
    }
    PyErr_Clear();
    return line;
}

/* Print the pending exception's traceback and send it as an EXC record. */
static void send_exception(const pvx_py_plan *plan)
{
    PyObject *type, *value, *tb, *msg = NULL;
    const char *tname = "?", *m = NULL;
    Py_ssize_t mlen = 0;
    char *buf;
    size_t tl, cap;
    unsigned line;
    char num[16];
    bool nomem;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    nomem = type && PyErr_GivenExceptionMatches(type, PyExc_MemoryError);
    if (type && PyType_Check(type))
        tname = ((PyTypeObject *)type)->tp_name;
    if (tname && strrchr(tname, '.') && !nomem)
        tname = strrchr(tname, '.') + 1;
    if (value && !nomem) {
        msg = PyObject_Str(value); /* may run the program's code: still sandboxed */
        m = msg ? PyUnicode_AsUTF8AndSize(msg, &mlen) : NULL;
        if (!m)
            PyErr_Clear();
    }
    line = exception_line(tb, ((PyCodeObject *)plan->code)->co_filename);
    flush_streams();
    if (!m) {
        m = "";
        mlen = 0;
    }
    print_traceback(tb, tname, m, (size_t)mlen);
    if ((size_t)mlen > PVX_MAX_MESSAGE) {
        mlen = PVX_MAX_MESSAGE;
        while (mlen > 0 && (m[mlen] & 0xC0) == 0x80)
            mlen--; /* do not cut a UTF-8 sequence */
    }
    snprintf(num, sizeof num, "%u", line);
    tl = strlen(tname);
    cap = tl + 1 + (size_t)mlen + 1 + strlen(num);
    buf = PyMem_RawMalloc(cap);
    if (buf) {
        memcpy(buf, tname, tl + 1);
        memcpy(buf + tl + 1, m, (size_t)mlen);
        buf[tl + 1 + mlen] = '\0';
        memcpy(buf + tl + 2 + mlen, num, strlen(num));
        pvx_send(PVX_FD_CONTROL, PVX_REC_EXC, buf, cap);
    } else {
        pvx_send(PVX_FD_CONTROL, PVX_REC_EXC, "MemoryError\0\0" "0", 14);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    Py_XDECREF(msg);
    PyMem_RawFree(buf);
}

/* JSON text of the value (json.dumps, allow_nan=False); when not encodable, the JSON
 * string of its repr. New reference to a str, or NULL with an exception. */
static PyObject *encode_value(const pvx_py_plan *plan, PyObject *value)
{
    PyObject *args = NULL, *kw = NULL, *s = NULL;
    kw = Py_BuildValue("{s:O}", "allow_nan", Py_False);
    args = PyTuple_Pack(1, value);
    if (kw && args)
        s = PyObject_Call(plan->json_dumps, args, kw);
    Py_XDECREF(args);
    if (!s && kw && (PyErr_ExceptionMatches(PyExc_TypeError) ||
                     PyErr_ExceptionMatches(PyExc_ValueError) ||
                     PyErr_ExceptionMatches(PyExc_RecursionError))) {
        PyObject *r;
        PyErr_Clear();
        r = PyObject_Repr(value);
        args = r ? PyTuple_Pack(1, r) : NULL;
        Py_XDECREF(r);
        if (args)
            s = PyObject_Call(plan->json_dumps, args, kw);
        Py_XDECREF(args);
    }
    Py_XDECREF(kw);
    return s;
}

static bool image_prepared, child_prepared;

int pvx_py_image_prepare(const pvx_py_plan *plan, const char **what)
{
    PyObject *sysmods, *os = NULL, *env = NULL, *r;
    bool python_layer = !(plan->flags & PV_RUN_NO_PYTHON_LAYER);

    if (image_prepared)
        return 0;
    /* The program's globals say __name__ == "__main__". What the standard library finds
       under sys.modules["__main__"] on the program's behalf (dataclasses takes the globals
       of the code it generates from there, enum and typing look names up there) is an
       empty module: neither the host's __main__ nor the program's restricted globals. */
    *what = "sys.modules";
    sysmods = PySys_GetObject("modules");
    {
        PyObject *placeholder = PyModule_New("__main__");
        int rc = sysmods && placeholder ? PyDict_SetItemString(sysmods, "__main__", placeholder)
                                        : -1;
        Py_XDECREF(placeholder);
        if (rc < 0)
            return -1;
    }
    /* os.environ mirrors the C environment, already cleared */
    *what = "os.environ.clear";
    os = PyImport_ImportModule("os");
    env = os ? PyObject_GetAttrString(os, "environ") : NULL;
    r = NULL;
    if (env && (!environ || !environ[0])) {
        /* the C environment is empty, so clear()'s unsetenv calls (one popitem each,
           0.75 M instructions) would change nothing but the mapping's dict */
        PyObject *data = PyObject_GetAttrString(env, "_data");
        if (data && PyDict_Check(data)) {
            PyDict_Clear(data);
            r = Py_NewRef(Py_None);
        }
        Py_XDECREF(data);
        PyErr_Clear(); /* no dict there: clear() below */
    }
    if (!r)
        r = env ? PyObject_CallMethod(env, "clear", NULL) : NULL;
    Py_XDECREF(env);
    Py_XDECREF(os);
    if (!r)
        return -1;
    Py_DECREF(r);
    /* no search path: nothing is to be found on disk */
    *what = "sys.path";
    {
        PyObject *empty = PyList_New(0);
        int rc = empty ? PySys_SetObject("path", empty) : -1;
        Py_XDECREF(empty);
        if (rc < 0)
            return -1;
    }
    *what = "python:guard";
    if (python_layer && pvx_guard_setup_library(plan->policy, plan->main_module) < 0)
        return -1;
    image_prepared = true;
    return 0;
}

void pvx_py_child_prepare(const pvx_py_plan *plan)
{
    const char *what = "";

    if (child_prepared)
        return;
    if (pvx_py_image_prepare(plan, &what) < 0)
        child_fatal(what);
    /* the streams are the child's own: they wrap its descriptors 0-2 (its pipes); made
       by the template when it could (pvx_py_streams_prepare), else here */
    if (pre_streams[2]) {
        if (PySys_SetObject("stdin", pre_streams[0]) < 0 ||
            PySys_SetObject("stdout", pre_streams[1]) < 0 ||
            PySys_SetObject("stderr", pre_streams[2]) < 0)
            child_fatal("standard streams");
    } else if (set_stream("stdin", 0, "r") < 0 || set_stream("stdout", 1, "w") < 0 ||
               set_stream("stderr", 2, "w") < 0) {
        child_fatal("standard streams");
    }
    child_prepared = true;
}

void pvx_py_child_setup(const pvx_py_plan *plan)
{
    bool python_layer = !(plan->flags & PV_RUN_NO_PYTHON_LAYER);

    if (!child_prepared)
        pvx_py_child_prepare(plan);
    if (python_layer) {
        if (pvx_guard_add_program(plan->code) < 0)
            child_fatal("python:guard");
        pvx_send(PVX_FD_CONTROL, PVX_REC_LAYER, "python:builtins", 15);
        pvx_send(PVX_FD_CONTROL, PVX_REC_LAYER, "python:modules", 14);
        hook_plan = plan;
        g_encodings_prefix = PyUnicode_InternFromString("encodings.");
        if (!g_encodings_prefix || PySys_AddAuditHook(audit_hook, NULL) < 0) {
            PyErr_Clear();
            pvx_send_fail(PVX_FD_CONTROL, "python:audit", "PySys_AddAuditHook failed");
        } else {
            pvx_send(PVX_FD_CONTROL, PVX_REC_LAYER, "python:audit", 12);
        }
    } else {
        pvx_send_fail(PVX_FD_CONTROL, "python", "disabled by the caller");
    }
    pvx_send(PVX_FD_CONTROL, PVX_REC_READY, "", 0);
    hook_armed = python_layer;
    if (python_layer)
        pvx_guard_arm();
}

PyObject *pvx_py_encode_value(const pvx_py_plan *plan, PyObject *value)
{
    return encode_value(plan, value);
}

unsigned pvx_py_exception_line(PyObject *tb, PyObject *filename)
{
    return exception_line(tb, filename);
}

int pvx_py_child_eval(const pvx_py_plan *plan)
{
    PyObject *gdict = PyModule_GetDict(plan->main_module), *result;
    result = PyEval_EvalCode(plan->code, gdict, gdict);
    if (!result) {
        send_exception(plan);
        flush_streams();
        return 1;
    }
    if (plan->expr) {
        PyObject *s = encode_value(plan, result);
        Py_ssize_t n = 0;
        const char *text = s ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
        if (!text) {
            Py_XDECREF(s);
            Py_DECREF(result);
            send_exception(plan);
            flush_streams();
            return 1;
        }
        flush_streams();
        if ((size_t)n > plan->max_value)
            pvx_send(PVX_FD_CONTROL, PVX_REC_VALUE, "", 0); /* empty: over the cap */
        else
            pvx_send(PVX_FD_CONTROL, PVX_REC_VALUE, text, (size_t)n);
        Py_DECREF(s);
    } else {
        flush_streams();
    }
    Py_DECREF(result);
    return 0;
}

void pvx_py_child_run(const pvx_py_plan *plan)
{
    pvx_py_child_setup(plan);
    _exit(pvx_py_child_eval(plan) ? PVX_EXIT_EXCEPTION : PVX_EXIT_OK);
}
