/*
 * guard.c: the Python layer's value checks (issue 14), applied in the child before the
 * program runs. The static layers whitelist names; these rules stop library code from
 * turning the program's *data* into names or code at run time.
 *
 * - Trust by identity: a snapshot of every code object reachable from the functions that
 *   exist before the program starts (gc, with nested co_consts), minus the program's own
 *   code. The audit hook trusts a frame only when its code object is in the snapshot, never
 *   by file name; code compiled at run time is never trusted. Events that turn data into
 *   code or frames (compile, exec, sys._getframe, object.__getattr__) are allowed only from
 *   the few library functions measured to need them, so a library frame that merely calls a
 *   program-supplied callable (cached_property with a functools.partial getter, sorted
 *   keys, re.sub callbacks) launders nothing.
 * - Library objects are read-only to the program: tp_setattro of every type that exists
 *   before the program starts (and the __setattr__/__delattr__ slot wrappers: the
 *   `object.__setattr__` path) is replaced by a trampoline that refuses a store or delete
 *   from a program frame on an object the program did not create.
 * - Names from data: `__match_args__` and `__dataclass_fields__` stored on any class, the
 *   enum functional API's member names and namedtuple's names must be names the policy
 *   accepts in source.
 * - exec/eval of the real builtins module never insert the real builtins into globals that
 *   lack `__builtins__`: they get the generated-code builtins (the policy's builtins plus
 *   `type`), as does the placeholder `__main__` module.
 */
#include "internal.h"
#include "runtime.h"

#include <descrobject.h>
#include <frameobject.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sets of pointers (sorted arrays) ------------------------------------------------ */

typedef struct ptrset {
    uintptr_t *v;
    size_t n, cap;
} ptrset;

static int ptrset_add(ptrset *s, const void *p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        uintptr_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            PyErr_NoMemory();
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (uintptr_t)p;
    return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

static void ptrset_seal(ptrset *s)
{
    size_t w = 0;
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp_ptr);
    for (size_t i = 1; i < s->n; i++)
        if (s->v[i] != s->v[w])
            s->v[++w] = s->v[i];
    s->n = w + 1;
}

static bool ptrset_has(const ptrset *s, const void *p)
{
    size_t lo = 0, hi = s->n;
    uintptr_t k = (uintptr_t)p;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid] == k)
            return true;
        if (s->v[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ---- state (child only) ------------------------------------------------------------------ */

static const pv_policy *g_policy;   /* names are checked against it */
static ptrset g_trusted;            /* code objects that existed before the program */
static ptrset g_program;            /* the program's code objects */
static ptrset g_lib_types;          /* types that existed before the program */
static PyObject *g_keep;            /* list: strong references for the sets above */
static PyObject *g_gen_builtins;    /* dict: builtins of library-generated code */
static int g_armed;                 /* the program runs: stores are checked */
static PyTypeObject *g_carve[8];    /* library types whose instances the program may change */
static size_t g_ncarve;
static PyTypeObject *g_sealed[4];   /* types whose instances are always read-only */
static PyTypeObject *g_field_type;  /* dataclasses.Field (also in g_sealed) */
static size_t g_nsealed;

/* ---- code objects ---------------------------------------------------------------------- */

static int add_code_tree(ptrset *s, PyObject *code, int depth)
{
    PyObject *consts;
    if (!PyCode_Check(code) || depth > 200)
        return 0;
    if (ptrset_add(s, code) < 0)
        return -1;
    consts = ((PyCodeObject *)code)->co_consts;
    if (consts && PyTuple_Check(consts)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts); i++)
            if (add_code_tree(s, PyTuple_GET_ITEM(consts, i), depth + 1) < 0)
                return -1;
    }
    return 0;
}

bool pvx_guard_code_trusted(PyObject *code)
{
    return code && ptrset_has(&g_trusted, code) && !ptrset_has(&g_program, code);
}

/* Is the store being made by the program? A library class's own Python __setattr__ or
 * __delattr__ (EnumType's) runs between the program and the guarded C slot: judge its
 * caller then. */
static bool program_frame(void)
{
    PyFrameObject *f = PyEval_GetFrame(); /* borrowed */
    PyCodeObject *c = f ? PyFrame_GetCode(f) : NULL;
    bool r;
    if (c && ptrset_has(&g_trusted, c) && PyUnicode_Check(c->co_name) &&
        (PyUnicode_CompareWithASCIIString(c->co_name, "__setattr__") == 0 ||
         PyUnicode_CompareWithASCIIString(c->co_name, "__delattr__") == 0)) {
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_SETREF(c, back ? PyFrame_GetCode(back) : NULL);
        Py_XDECREF(back);
    }
    r = c && ptrset_has(&g_program, c);
    Py_XDECREF(c);
    return r;
}

/* ---- per-event callers --------------------------------------------------------------- */

typedef struct event_caller {
    const char *event;
    const char *module;
    const char *qualname;
    const char *attrs; /* object.__getattr__: the attributes it may read, space-separated
                          (NULL: any) */
    const void *code; /* resolved in the child */
} event_caller;

/* Measured (benign corpus and tests): the only library functions that raise these events
 * on the program's behalf. function.__new__ and code.__new__ have no caller: never. */
static event_caller callers[] = {
    {"compile", "dataclasses", "_create_fn", NULL, NULL},
    {"exec", "dataclasses", "_create_fn", NULL, NULL},
    {"compile", "collections", "namedtuple", NULL, NULL},
    {"exec", "collections", "namedtuple", NULL, NULL},
    {"sys._getframe", "collections", "namedtuple", NULL, NULL},
    {"sys._getframe", "enum", "EnumType._create_", NULL, NULL},
    {"object.__getattr__", "inspect", "_signature_from_function",
     " __code__ __defaults__ __kwdefaults__ ", NULL},
};

bool pvx_guard_event_allowed(const char *event, PyObject *code, PyObject *arg1)
{
    if (!pvx_guard_code_trusted(code))
        return false;
    for (size_t i = 0; i < sizeof callers / sizeof callers[0]; i++) {
        if (callers[i].code != code || strcmp(callers[i].event, event) != 0)
            continue;
        if (!callers[i].attrs)
            return true;
        {
            char key[40];
            const char *a = arg1 && PyUnicode_Check(arg1) ? PyUnicode_AsUTF8(arg1) : NULL;
            if (!a || strlen(a) > sizeof key - 3) {
                PyErr_Clear();
                return false;
            }
            snprintf(key, sizeof key, " %s ", a);
            return strstr(callers[i].attrs, key) != NULL;
        }
    }
    return false;
}

/* The module, as PyImport_ImportModule would return it. With sys.path empty (the child,
 * after pvx_py_image_prepare) a module that is not loaded yet can only come from the
 * interpreter itself (built-in or frozen): any other is not imported at all, which fails
 * the same way without the import machinery's search (about 80 K instructions a module,
 * 1.2 M of a trivial run's set-up). */
static PyObject *import_loaded(const char *module)
{
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    PyObject *name, *m, *builtins, *imp, *frozen;
    int may;

    if (!path || !PyList_Check(path) || PyList_GET_SIZE(path) != 0)
        return PyImport_ImportModule(module);
    name = PyUnicode_FromString(module);
    if (!name)
        return NULL;
    m = PyImport_GetModule(name);
    if (m || PyErr_Occurred()) {
        Py_DECREF(name);
        return m;
    }
    builtins = PySys_GetObject("builtin_module_names"); /* borrowed */
    may = builtins ? PySequence_Contains(builtins, name) : -1;
    if (may == 0) {
        imp = PyImport_ImportModule("_imp");
        frozen = imp ? PyObject_CallMethod(imp, "is_frozen", "O", name) : NULL;
        may = frozen ? PyObject_IsTrue(frozen) : -1;
        Py_XDECREF(frozen);
        Py_XDECREF(imp);
    }
    if (may != 0) {
        PyErr_Clear(); /* when in doubt, the import decides */
        m = PyImport_Import(name);
    } else {
        PyErr_Format(PyExc_ModuleNotFoundError, "No module named '%s'", module);
    }
    Py_DECREF(name);
    return m;
}

static PyObject *resolve(const char *module, const char *qualname)
{
    PyObject *obj = import_loaded(module);
    char part[64];
    const char *p = qualname;
    while (obj && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof part) {
            Py_DECREF(obj);
            return NULL;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        Py_SETREF(obj, PyObject_GetAttrString(obj, part));
        p += n + (p[n] == '.');
    }
    return obj;
}

static int resolve_callers(void)
{
    for (size_t i = 0; i < sizeof callers / sizeof callers[0]; i++) {
        PyObject *f = resolve(callers[i].module, callers[i].qualname);
        PyObject *c = f && PyFunction_Check(f) ? PyFunction_GET_CODE(f) : NULL;
        callers[i].code = c;
        if (!f || !c || PyList_Append(g_keep, f) < 0) {
            /* a module the interpreter lacks: its callers stay untrusted */
            callers[i].code = NULL;
            PyErr_Clear();
        }
        Py_XDECREF(f);
    }
    return 0;
}

/* Every function alive now: its code tree (nested code objects included, so closures a
 * library function creates later are covered) is trusted. Taken in the parent, where
 * walking every object costs no copy-on-write faults, and kept (with strong references,
 * so no address is reused) until sys.modules changes size. */
static PyObject *g_snap_keep;      /* list of the snapshot's code objects */
static Py_ssize_t g_snap_modules = -1;

int pvx_guard_snapshot(void)
{
    PyObject *mods = PySys_GetObject("modules"); /* borrowed */
    PyObject *gc, *all = NULL, *keep = NULL;
    ptrset fresh = {0};
    Py_ssize_t nmods = mods && PyDict_Check(mods) ? PyDict_GET_SIZE(mods) : -1;
    int rc = -1;

    if (g_snap_keep && nmods == g_snap_modules)
        return 0;
    gc = PyImport_ImportModule("gc");
    all = gc ? PyObject_CallMethod(gc, "get_objects", NULL) : NULL;
    Py_XDECREF(gc);
    keep = PyList_New(0);
    if (!all || !PyList_Check(all) || !keep)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(all); i++) {
        PyObject *o = PyList_GET_ITEM(all, i);
        if (PyFunction_Check(o)) {
            PyObject *code = PyFunction_GET_CODE(o);
            if (add_code_tree(&fresh, code, 0) < 0 || PyList_Append(keep, code) < 0)
                goto done;
        }
    }
    ptrset_seal(&fresh);
    free(g_trusted.v);
    g_trusted = fresh;
    fresh.v = NULL;
    Py_XSETREF(g_snap_keep, keep);
    keep = NULL;
    g_snap_modules = nmods;
    rc = 0;
done:
    free(fresh.v);
    Py_XDECREF(keep);
    Py_XDECREF(all);
    return rc;
}

/* ---- names ------------------------------------------------------------------------------ */

/* A name the policy accepts in source (an identifier, no dunder, not [names] deny). */
static bool source_name_ok(PyObject *name)
{
    if (!g_policy || !PyUnicode_CheckExact(name) || !PyUnicode_IsIdentifier(name))
        return false;
    return pvn_check_name(g_policy, name) == PVN_OK;
}

/* A name a class pattern may read: a source name the [attributes] deny list does not refuse. */
static bool match_name_ok(PyObject *name)
{
    return source_name_ok(name) && pvn_check_attr(g_policy, name, NULL) != PVN_DENIED;
}

static int refuse_name(const char *what, PyObject *name)
{
    if (PyUnicode_Check(name))
        PyErr_Format(PyExc_TypeError, "pyverify: %s '%.80U' is not a name the policy allows",
                     what, name);
    else
        PyErr_Format(PyExc_TypeError, "pyverify: %s must be a str, not %.80s", what,
                     Py_TYPE(name)->tp_name);
    return -1;
}

static bool is_lib_type(PyTypeObject *t);

/* __match_args__ / __dataclass_fields__ stored on a class, by anyone. Once the program
 * runs, never on a library class (dataclasses.dataclass(json.JSONEncoder) would rewrite it). */
static int check_class_store(PyObject *cls, PyObject *name, PyObject *value)
{
    bool match_args, fields;
    if (!PyUnicode_Check(name))
        return 0;
    match_args = PyUnicode_CompareWithASCIIString(name, "__match_args__") == 0;
    fields = !match_args && PyUnicode_CompareWithASCIIString(name, "__dataclass_fields__") == 0;
    if ((match_args || fields) && g_armed && is_lib_type((PyTypeObject *)cls)) {
        PyErr_Format(PyExc_TypeError, "pyverify: %U of library class %.100s is read-only", name,
                     ((PyTypeObject *)cls)->tp_name);
        return -1;
    }
    if (!value)
        return 0;
    if (match_args) {
        if (!PyTuple_CheckExact(value))
            return refuse_name("__match_args__", value);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(value); i++)
            if (!match_name_ok(PyTuple_GET_ITEM(value, i)))
                return refuse_name("class pattern attribute", PyTuple_GET_ITEM(value, i));
        return 0;
    }
    if (fields) {
        PyObject *key, *f;
        Py_ssize_t pos = 0;
        if (!PyDict_CheckExact(value))
            return refuse_name("__dataclass_fields__", value);
        while (PyDict_Next(value, &pos, &key, &f)) {
            PyObject *fname;
            int ok;
            if (!source_name_ok(key))
                return refuse_name("dataclass field name", key);
            /* Exactly a Field: dataclasses reads f.name again after this check (for the
               text of the generated __init__), and a subclass could answer that read with
               a property of its own (a class-level `name = property(...)` hides the slot,
               and dataclasses' own stores go to the program's setter). */
            if (!g_field_type || !Py_IS_TYPE(f, g_field_type)) {
                PyErr_Format(PyExc_TypeError,
                             "pyverify: dataclass field %R is a %.100s, not a dataclasses.Field",
                             key, Py_TYPE(f)->tp_name);
                return -1;
            }
            fname = PyObject_GetAttrString(f, "name");
            if (!fname)
                return -1;
            ok = source_name_ok(fname) && PyUnicode_Compare(fname, key) == 0;
            if (!ok)
                refuse_name("dataclass field name", fname);
            Py_DECREF(fname);
            if (!ok)
                return -1;
        }
    }
    return 0;
}

/* ---- read-only library objects -------------------------------------------------------- */

static bool is_lib_type(PyTypeObject *t)
{
    return ptrset_has(&g_lib_types, t);
}

static bool type_in(PyTypeObject *t, PyTypeObject *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && PyType_IsSubtype(t, list[i]))
            return true;
    return false;
}

/* Classes created at run time whose instances the program may change (not sealed):
 * a direct-mapped cache holding strong references, so that an address is never reused
 * while it is cached. */
#define PVX_FAST 256
static PyTypeObject *g_fast[PVX_FAST];

static size_t fast_slot(PyTypeObject *t)
{
    return ((uintptr_t)t >> 4) % PVX_FAST;
}

/* May the program store into or delete from `obj`? */
static bool program_may_change(PyObject *obj)
{
    PyTypeObject *t = Py_TYPE(obj);
    if (g_fast[fast_slot(t)] == t)
        return true;
    if (type_in(t, g_sealed, g_nsealed))
        return false;
    if (PyType_Check(obj))
        return !is_lib_type((PyTypeObject *)obj);
    if (PyFunction_Check(obj))
        return ptrset_has(&g_program, PyFunction_GET_CODE(obj));
    if (PyModule_Check(obj))
        return false;
    if (!is_lib_type(t)) {
        /* an instance of a class created at run time */
        size_t k = fast_slot(t);
        Py_INCREF(t);
        Py_XSETREF(g_fast[k], t);
        return true;
    }
    if (PyExceptionInstance_Check(obj))
        return true;
    for (size_t i = 0; i < g_ncarve; i++)
        if (t == g_carve[i])
            return true;
    return false;
}

static int guard(PyObject *obj, PyObject *name, PyObject *value, setattrofunc orig)
{
    if (PyType_Check(obj) && check_class_store(obj, name, value) < 0)
        return -1;
    if (g_armed && !program_may_change(obj) && program_frame()) {
        PyErr_Format(PyExc_AttributeError,
                     "pyverify: %.100s object belongs to the library and is read-only",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    return orig(obj, name, value);
}

/* One trampoline per distinct original setattro function: a type (and every subclass that
 * inherits the slot, and the __setattr__ slot wrapper) keeps calling its own original. */
#define PVX_NTRAMP 32
static setattrofunc orig_fn[PVX_NTRAMP];
static size_t n_orig;
#define TRAMP(i)                                                                             \
    static int tramp##i(PyObject *o, PyObject *n, PyObject *v) { return guard(o, n, v, orig_fn[i]); }
TRAMP(0) TRAMP(1) TRAMP(2) TRAMP(3) TRAMP(4) TRAMP(5) TRAMP(6) TRAMP(7)
TRAMP(8) TRAMP(9) TRAMP(10) TRAMP(11) TRAMP(12) TRAMP(13) TRAMP(14) TRAMP(15)
TRAMP(16) TRAMP(17) TRAMP(18) TRAMP(19) TRAMP(20) TRAMP(21) TRAMP(22) TRAMP(23)
TRAMP(24) TRAMP(25) TRAMP(26) TRAMP(27) TRAMP(28) TRAMP(29) TRAMP(30) TRAMP(31)
static const setattrofunc tramps[PVX_NTRAMP] = {
    tramp0, tramp1, tramp2, tramp3, tramp4, tramp5, tramp6, tramp7,
    tramp8, tramp9, tramp10, tramp11, tramp12, tramp13, tramp14, tramp15,
    tramp16, tramp17, tramp18, tramp19, tramp20, tramp21, tramp22, tramp23,
    tramp24, tramp25, tramp26, tramp27, tramp28, tramp29, tramp30, tramp31};

static setattrofunc tramp_for(setattrofunc f)
{
    for (size_t i = 0; i < PVX_NTRAMP; i++)
        if (tramps[i] == f)
            return f;
    for (size_t i = 0; i < n_orig; i++)
        if (orig_fn[i] == f)
            return tramps[i];
    if (n_orig == PVX_NTRAMP)
        return NULL;
    orig_fn[n_orig] = f;
    return tramps[n_orig++];
}

/* CPython's slot_tp_setattro (a class with a Python __setattr__/__delattr__): left alone,
 * since hackcheck() compares against it; such a class calls the guarded C slots of its
 * bases, and program_frame() then looks past its __setattr__. */
static setattrofunc g_slot_fn;

static bool python_level_setattr(PyTypeObject *t)
{
    static const char *const names[] = {"__setattr__", "__delattr__"};
    if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE) || !t->tp_dict)
        return false;
    for (size_t i = 0; i < 2; i++) {
        PyObject *d = PyDict_GetItemString(t->tp_dict, names[i]); /* borrowed */
        if (d && !Py_IS_TYPE(d, &PyWrapperDescr_Type))
            return true;
    }
    return false;
}

/* "__setattr__" and "__delattr__", interned once: guard_type looks both up in every type's
 * dict (417 types in a trivial run; PyDict_GetItemString made a new string each time). */
static PyObject *g_slot_names[2];

static int guard_type(PyTypeObject *t)
{
    static const char *const slots[] = {"__setattr__", "__delattr__"};
    for (size_t i = 0; i < 2; i++)
        if (!g_slot_names[i] && !(g_slot_names[i] = PyUnicode_InternFromString(slots[i])))
            return -1;
    if (t->tp_setattro && !g_slot_fn && python_level_setattr(t))
        g_slot_fn = t->tp_setattro;
    if (t->tp_setattro && t->tp_setattro != g_slot_fn) {
        setattrofunc g = tramp_for(t->tp_setattro);
        if (!g)
            goto full;
        t->tp_setattro = g;
    }
    if (t->tp_dict) {
        for (size_t i = 0; i < 2; i++) {
            PyObject *d = PyDict_GetItem(t->tp_dict, g_slot_names[i]); /* borrowed */
            if (d && Py_IS_TYPE(d, &PyWrapperDescr_Type)) {
                PyWrapperDescrObject *w = (PyWrapperDescrObject *)d;
                if (w->d_base && w->d_base->wrapper && w->d_wrapped) {
                    setattrofunc g = tramp_for((setattrofunc)w->d_wrapped);
                    if (!g)
                        goto full;
                    w->d_wrapped = (void *)g;
                }
            }
        }
    }
    return 0;
full:
    PyErr_SetString(PyExc_RuntimeError, "pyverify: too many kinds of __setattr__ to guard");
    return -1;
}

/* Every type alive now (object's subclasses, recursively): recorded as the library's and
 * guarded. */
static int walk_types(PyObject *seen, PyObject *subclasses, PyTypeObject *t, int depth)
{
    PyObject *subs, *id = PyLong_FromVoidPtr(t);
    int rc = id ? PySet_Contains(seen, id) : -1;
    if (rc != 0 || PySet_Add(seen, id) < 0) {
        Py_XDECREF(id);
        return rc < 0 ? -1 : 0;
    }
    Py_DECREF(id);
    if (ptrset_add(&g_lib_types, t) < 0 || PyList_Append(g_keep, (PyObject *)t) < 0)
        return -1;
    if (guard_type(t) < 0 || depth > 1000)
        return -1;
    subs = PyObject_CallOneArg(subclasses, (PyObject *)t);
    if (!subs || !PyList_Check(subs)) {
        Py_XDECREF(subs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(subs) && rc == 0; i++) {
        PyObject *s = PyList_GET_ITEM(subs, i);
        if (PyType_Check(s))
            rc = walk_types(seen, subclasses, (PyTypeObject *)s, depth + 1);
    }
    Py_DECREF(subs);
    return rc;
}

static void add_type(PyTypeObject **list, size_t *n, size_t cap, const char *module,
                     const char *qualname)
{
    PyObject *t = resolve(module, qualname);
    if (t && PyType_Check(t) && *n < cap && PyList_Append(g_keep, t) == 0)
        list[(*n)++] = (PyTypeObject *)t;
    Py_XDECREF(t);
    PyErr_Clear(); /* absent: nothing to carve out or seal */
}

/* ---- exec / eval, enum, namedtuple -------------------------------------------------- */

/* self: the original exec or eval of the real builtins module. */
static PyObject *exec_wrapper(PyObject *self, PyObject *const *args, Py_ssize_t nargsf,
                              PyObject *kwnames)
{
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    if (n > 1 && PyDict_Check(args[1])) {
        PyObject *key = PyUnicode_InternFromString("__builtins__");
        int has = key ? PyDict_Contains(args[1], key) : -1;
        Py_XDECREF(key);
        if (has < 0)
            return NULL;
        if (!has && (!g_gen_builtins || PyDict_SetItemString(args[1], "__builtins__",
                                                             g_gen_builtins) < 0))
            return g_gen_builtins ? NULL
                                  : PyErr_Format(PyExc_RuntimeError, "pyverify: no builtins");
    }
    return PyObject_Vectorcall(self, args, nargsf, kwnames);
}

static PyMethodDef exec_def = {"exec", (PyCFunction)(void (*)(void))exec_wrapper,
                               METH_FASTCALL | METH_KEYWORDS, NULL};
static PyMethodDef eval_def = {"eval", (PyCFunction)(void (*)(void))exec_wrapper,
                               METH_FASTCALL | METH_KEYWORDS, NULL};

/* An exact str copy of a str (a subclass could override split/replace/__str__). */
static PyObject *exact_str(PyObject *s, const char *what)
{
    if (!PyUnicode_Check(s)) {
        refuse_name(what, s);
        return NULL;
    }
    return PyUnicode_Substring(s, 0, PyUnicode_GET_LENGTH(s)); /* exact str */
}

/* "a, b c" -> ["a", "b", "c"], as enum and namedtuple split a str of names. */
static PyObject *split_names(PyObject *s)
{
    PyObject *comma = PyUnicode_FromString(","), *space = PyUnicode_FromString(" ");
    PyObject *r = comma && space ? PyUnicode_Replace(s, comma, space, -1) : NULL;
    PyObject *parts = r ? PyUnicode_Split(r, NULL, -1) : NULL;
    Py_XDECREF(comma);
    Py_XDECREF(space);
    Py_XDECREF(r);
    return parts;
}

static int check_names(PyObject *list, const char *what, bool skip_private)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *nm = PyList_GET_ITEM(list, i);
        /* namedtuple refuses (or, with rename=True, renames) non-identifiers and names
           starting with '_' itself, with its own ValueError */
        if (skip_private && (!PyUnicode_IsIdentifier(nm) || PyUnicode_READ_CHAR(nm, 0) == '_'))
            continue;
        if (!source_name_ok(nm))
            return refuse_name(what, nm);
    }
    return 0;
}

/* EnumType._create_(cls, class_name, names, ...): the member names become class attributes
 * (a name like '__getattr__' would define a special method). Names are normalised to exact
 * strs in a list, checked, and that list is what enum sees. self: the original function. */
static PyObject *enum_create(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *names = NULL, *norm = NULL, *flat = NULL, *nargs = NULL, *r = NULL, *it = NULL,
             *item, *nkw = NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    bool in_kw = false;

    if (n > 2)
        names = PyTuple_GET_ITEM(args, 2);
    else if (kwargs && (names = PyDict_GetItemString(kwargs, "names")))
        in_kw = true;
    if (!names || names == Py_None)
        return PyObject_Call(self, args, kwargs);
    if (PyUnicode_Check(names)) {
        norm = exact_str(names, "enum member name");
        flat = norm ? split_names(norm) : NULL;
    } else {
        norm = PyList_New(0);
        flat = PyList_New(0);
        it = norm && flat ? PyObject_GetIter(names) : NULL;
        if (!it)
            goto done;
        while ((item = PyIter_Next(it))) {
            PyObject *nm = NULL, *entry = NULL;
            if (PyUnicode_Check(item)) {
                nm = exact_str(item, "enum member name");
                if (nm && !PyList_Check(names) && !PyTuple_Check(names)) {
                    /* a mapping's key: enum reads names[key] */
                    PyObject *v = PyObject_GetItem(names, item);
                    entry = v ? PyTuple_Pack(2, nm, v) : NULL;
                    Py_XDECREF(v);
                } else if (nm) {
                    entry = Py_NewRef(nm);
                }
            } else {
                PyObject *pair = PySequence_Tuple(item);
                if (pair && PyTuple_GET_SIZE(pair) == 2) {
                    nm = exact_str(PyTuple_GET_ITEM(pair, 0), "enum member name");
                    entry = nm ? PyTuple_Pack(2, nm, PyTuple_GET_ITEM(pair, 1)) : NULL;
                } else if (pair) {
                    PyErr_SetString(PyExc_TypeError,
                                    "pyverify: enum members must be names or (name, value) pairs");
                }
                Py_XDECREF(pair);
            }
            Py_DECREF(item);
            if (!entry || PyList_Append(norm, entry) < 0 || PyList_Append(flat, nm) < 0) {
                Py_XDECREF(nm);
                Py_XDECREF(entry);
                goto done;
            }
            Py_DECREF(nm);
            Py_DECREF(entry);
        }
        if (PyErr_Occurred())
            goto done;
        /* a list of plain names keeps enum's automatic values */
    }
    if (!flat || check_names(flat, "enum member name", false) < 0)
        goto done;
    if (in_kw) {
        nkw = PyDict_Copy(kwargs);
        if (!nkw || PyDict_SetItemString(nkw, "names", norm) < 0)
            goto done;
        r = PyObject_Call(self, args, nkw);
    } else {
        nargs = PyTuple_New(n); /* a fresh tuple: the caller's args are not ours to change */
        if (!nargs)
            goto done;
        for (Py_ssize_t i = 0; i < n; i++)
            PyTuple_SET_ITEM(nargs, i, Py_NewRef(i == 2 ? norm : PyTuple_GET_ITEM(args, i)));
        r = PyObject_Call(self, nargs, kwargs);
    }
done:
    Py_XDECREF(it);
    Py_XDECREF(norm);
    Py_XDECREF(flat);
    Py_XDECREF(nargs);
    Py_XDECREF(nkw);
    return r;
}

static PyMethodDef enum_create_def = {"_create_", (PyCFunction)(void (*)(void))enum_create,
                                      METH_VARARGS | METH_KEYWORDS, NULL};

/* collections.namedtuple(typename, field_names, ...): both become exact strs checked
 * against the policy. The wrapper's self is a capsule holding the original function, so
 * that `wrapper.__self__` hands out nothing callable. */
#define NAMEDTUPLE_CAPSULE "pyverify.namedtuple"

static void namedtuple_capsule_free(PyObject *capsule)
{
    Py_XDECREF((PyObject *)PyCapsule_GetPointer(capsule, NAMEDTUPLE_CAPSULE));
}

static PyObject *namedtuple_checked(PyObject *capsule, PyObject *args, PyObject *kwargs)
{
    PyObject *tn = NULL, *fields = NULL, *flat = NULL, *newargs = NULL, *nkw = NULL, *r = NULL;
    PyObject *self = PyCapsule_GetPointer(capsule, NAMEDTUPLE_CAPSULE);
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *a0 = n > 0 ? PyTuple_GET_ITEM(args, 0)
                         : kwargs ? PyDict_GetItemString(kwargs, "typename") : NULL;
    PyObject *a1 = n > 1 ? PyTuple_GET_ITEM(args, 1)
                         : kwargs ? PyDict_GetItemString(kwargs, "field_names") : NULL;

    if (!self)
        return NULL;
    if (!g_policy)
        return PyErr_Format(PyExc_RuntimeError, "pyverify: namedtuple outside the sandbox");
    if (!a0 || !a1 || n > 2)
        return PyObject_Call(self, args, kwargs); /* its own TypeError */
    tn = PyObject_Str(a0);
    if (tn)
        Py_SETREF(tn, exact_str(tn, "namedtuple name"));
    if (!tn)
        goto done;
    if (!source_name_ok(tn)) {
        refuse_name("namedtuple name", tn);
        goto done;
    }
    if (PyUnicode_Check(a1)) {
        fields = exact_str(a1, "namedtuple field name");
        flat = fields ? split_names(fields) : NULL;
    } else {
        PyObject *seq = PySequence_List(a1);
        fields = seq ? PyList_New(PyList_GET_SIZE(seq)) : NULL;
        for (Py_ssize_t i = 0; fields && i < PyList_GET_SIZE(seq); i++) {
            PyObject *s = PyObject_Str(PyList_GET_ITEM(seq, i));
            if (s)
                Py_SETREF(s, exact_str(s, "namedtuple field name"));
            if (!s) {
                Py_CLEAR(fields);
                break;
            }
            PyList_SET_ITEM(fields, i, s);
        }
        Py_XDECREF(seq);
        flat = fields ? Py_NewRef(fields) : NULL;
    }
    if (!flat || check_names(flat, "namedtuple field name", true) < 0)
        goto done;
    newargs = PyTuple_Pack(2, tn, fields);
    nkw = kwargs ? PyDict_Copy(kwargs) : PyDict_New();
    if (!newargs || !nkw)
        goto done;
    if ((PyDict_DelItemString(nkw, "typename") < 0 && (PyErr_Clear(), 0)) ||
        (PyDict_DelItemString(nkw, "field_names") < 0 && (PyErr_Clear(), 0)))
        goto done;
    r = PyObject_Call(self, newargs, nkw);
done:
    Py_XDECREF(tn);
    Py_XDECREF(fields);
    Py_XDECREF(flat);
    Py_XDECREF(newargs);
    Py_XDECREF(nkw);
    return r;
}

static PyMethodDef namedtuple_def = {"namedtuple",
                                     (PyCFunction)(void (*)(void))namedtuple_checked,
                                     METH_VARARGS | METH_KEYWORDS,
                                     "collections.namedtuple; names checked against the policy"};

/* True when `member` is collections.namedtuple itself, under whatever module and name it
 * is re-exported (statistics.namedtuple and functools.namedtuple are the same function):
 * judged by identity, never by the name it is reached through. -1 on error. */
static int is_namedtuple(PyObject *member)
{
    PyObject *coll, *nt;
    int r;
    if (!PyFunction_Check(member))
        return 0;
    coll = PyImport_ImportModule("collections");
    nt = coll ? PyObject_GetAttrString(coll, "namedtuple") : NULL;
    r = nt ? member == nt : -1;
    Py_XDECREF(coll);
    Py_XDECREF(nt);
    return r;
}

PyObject *pvx_guard_wrap_member(PyObject *member)
{
    int r = is_namedtuple(member);
    if (r < 0)
        return NULL;
    if (r) {
        PyObject *cap = PyCapsule_New(Py_NewRef(member), NAMEDTUPLE_CAPSULE,
                                      namedtuple_capsule_free);
        PyObject *w;
        if (!cap) {
            Py_DECREF(member);
            return NULL;
        }
        w = PyCFunction_New(&namedtuple_def, cap);
        Py_DECREF(cap);
        return w;
    }
    return Py_NewRef(member);
}

static int wrap_builtin(PyObject *bdict, const char *name, PyMethodDef *def)
{
    PyObject *orig = PyDict_GetItemString(bdict, name); /* borrowed */
    PyObject *w;
    int rc;
    if (!orig)
        return 0;
    w = PyCFunction_New(def, orig);
    rc = w ? PyDict_SetItemString(bdict, name, w) : -1;
    Py_XDECREF(w);
    return rc;
}

/* ABCMeta.register(cls, subclass): once the program runs, never on a library class
 * (fractions.Fraction.register(X) would make the library treat X as a Fraction). */
static PyObject *abc_register(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *cls = PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0) : NULL;
    if (g_armed && cls && PyType_Check(cls) && is_lib_type((PyTypeObject *)cls))
        return PyErr_Format(PyExc_TypeError,
                            "pyverify: %.100s belongs to the library: register() is refused",
                            ((PyTypeObject *)cls)->tp_name);
    return PyObject_Call(self, args, kwargs);
}

static PyMethodDef abc_register_def = {"register", (PyCFunction)(void (*)(void))abc_register,
                                       METH_VARARGS | METH_KEYWORDS, NULL};

/* Replace the plain function `cls.attr` with `def_` (self: the original), bound like a method. */
static int wrap_method(const char *module, const char *cls_name, const char *attr,
                       PyMethodDef *def_)
{
    PyObject *cls = resolve(module, cls_name);
    PyObject *orig = cls && PyType_Check(cls)
                         ? PyDict_GetItemString(((PyTypeObject *)cls)->tp_dict, attr)
                         : NULL; /* borrowed */
    PyObject *c = NULL, *m = NULL;
    int rc = 0;
    if (!cls) {
        PyErr_Clear(); /* the module is not loaded: nothing to wrap */
        return 0;
    }
    if (orig && PyFunction_Check(orig)) {
        c = PyCFunction_New(def_, orig);
        m = c ? PyInstanceMethod_New(c) : NULL;
        rc = m ? PyObject_SetAttrString(cls, attr, m) : -1;
    }
    Py_DECREF(cls);
    Py_XDECREF(c);
    Py_XDECREF(m);
    return rc;
}

/* ---- arming ------------------------------------------------------------------------------- */

int pvx_guard_setup(const pv_policy *policy, PyObject *program_code, PyObject *main_module)
{
    if (pvx_guard_setup_library(policy, main_module) < 0)
        return -1;
    return pvx_guard_add_program(program_code);
}

int pvx_guard_add_program(PyObject *program_code)
{
    if (program_code && PyTuple_Check(program_code)) { /* a batch: every item's code */
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(program_code); i++)
            if (add_code_tree(&g_program, PyTuple_GET_ITEM(program_code, i), 0) < 0)
                return -1;
    } else if (program_code && add_code_tree(&g_program, program_code, 0) < 0) {
        return -1;
    }
    ptrset_seal(&g_program);
    return 0;
}

int pvx_guard_setup_library(const pv_policy *policy, PyObject *main_module)
{
    PyObject *bmod = NULL, *restricted, *type_obj;
    int rc = -1;

    g_policy = policy;
    g_keep = PyList_New(0);
    if (!g_keep)
        return -1;
    /* builtins of code that library functions generate: the policy's, plus type (dataclass
       __setattr__ of frozen classes); the placeholder __main__ carries them too */
    restricted = PyDict_GetItemString(PyModule_GetDict(main_module), "__builtins__");
    if (!restricted || !PyDict_Check(restricted)) {
        PyErr_SetString(PyExc_RuntimeError, "pyverify: the program has no restricted builtins");
        goto done;
    }
    g_gen_builtins = PyDict_Copy(restricted);
    type_obj = (PyObject *)&PyType_Type;
    if (!g_gen_builtins || PyDict_SetItemString(g_gen_builtins, "type", type_obj) < 0 ||
        PyDict_DelItemString(g_gen_builtins, "__import__") < 0)
        goto done;
    {
        PyObject *mods = PySys_GetObject("modules"); /* borrowed */
        PyObject *ph = mods ? PyDict_GetItemString(mods, "__main__") : NULL;
        if (!ph || !PyModule_Check(ph) ||
            PyDict_SetItemString(PyModule_GetDict(ph), "__builtins__", g_gen_builtins) < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "pyverify: no placeholder __main__");
            goto done;
        }
    }
    bmod = PyImport_ImportModule("builtins");
    if (!bmod || wrap_builtin(PyModule_GetDict(bmod), "exec", &exec_def) < 0 ||
        wrap_builtin(PyModule_GetDict(bmod), "eval", &eval_def) < 0)
        goto done;
    if (!g_snap_keep) {
        PyErr_SetString(PyExc_RuntimeError, "pyverify: no snapshot of the library's code");
        goto done;
    }
    if (resolve_callers() < 0 || wrap_method("enum", "EnumType", "_create_", &enum_create_def) < 0 ||
        wrap_method("abc", "ABCMeta", "register", &abc_register_def) < 0)
        goto done;
    /* the writable data classes: the static layers' table (verifier/names.c) */
    for (size_t i = 0; i < pvn_nwritable_classes; i++)
        add_type(g_carve, &g_ncarve, 8, pvn_writable_classes[i].module,
                 pvn_writable_classes[i].name);
    {
        size_t before = g_nsealed;
        add_type(g_sealed, &g_nsealed, 4, "dataclasses", "Field");
        g_field_type = g_nsealed > before ? g_sealed[before] : NULL; /* NULL: no dataclass */
    }
    add_type(g_sealed, &g_nsealed, 4, "functools", "cached_property");
    add_type(g_sealed, &g_nsealed, 4, "functools", "partialmethod");
    {
        /* CPython's slot_tp_setattro, known before the walk: a class that inherits a Python
           __setattr__ through a second base may be reached before the class defining it */
        PyObject *et = resolve("enum", "EnumType");
        PyObject *seen;
        int bad;
        if (et && PyType_Check(et) && python_level_setattr((PyTypeObject *)et))
            g_slot_fn = ((PyTypeObject *)et)->tp_setattro;
        Py_XDECREF(et);
        PyErr_Clear();
        /* type.__subclasses__(t): t.__subclasses__ is unbound when t is a metaclass */
        PyObject *subclasses = PyDict_GetItemString(PyType_Type.tp_dict, "__subclasses__");
        seen = PySet_New(NULL); /* (subclasses: borrowed) */
        bad = !seen || !subclasses || walk_types(seen, subclasses, &PyBaseObject_Type, 0) < 0;
        Py_XDECREF(seen);
        if (bad)
            goto done;
        ptrset_seal(&g_lib_types);
    }
    rc = 0;
done:
    Py_XDECREF(bmod);
    return rc;
}

void pvx_guard_arm(void)
{
    g_armed = 1;
}
