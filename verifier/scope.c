/*
 * scope.c: Python's scoping rules, as far as the verifier needs them: does a name reach
 * the builtins, and is it bound to an imported module? Function and comprehension locals
 * and closure cells never fall back to builtins; module and class namespaces always may
 * (a binding that has not run yet exposes the builtin of the same name).
 */
#include <stdlib.h>
#include "scope.h"

static bool has(PyObject *set, PyObject *name)
{
    int r = PySet_Contains(set, name);
    if (r < 0) {
        PyErr_Clear();
        return false;
    }
    return r == 1;
}

int pvsc_init(pvsc_table *t)
{
    t->s = NULL;
    t->n = t->cap = 0;
    t->all_bound = PySet_New(NULL);
    return t->all_bound ? 0 : -1;
}

int pvsc_new(pvsc_table *t, pvsc_kind kind, int parent)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        pvsc_scope *s = realloc(t->s, cap * sizeof *s);
        if (!s)
            return -1;
        t->s = s;
        t->cap = cap;
    }
    pvsc_scope *sc = &t->s[t->n];
    sc->kind = kind;
    sc->parent = parent;
    sc->bound = PySet_New(NULL);
    sc->globals = PySet_New(NULL);
    sc->nonlocals = PySet_New(NULL);
    sc->imports = PyDict_New();
    if (!sc->bound || !sc->globals || !sc->nonlocals || !sc->imports) {
        Py_XDECREF(sc->bound);
        Py_XDECREF(sc->globals);
        Py_XDECREF(sc->nonlocals);
        Py_XDECREF(sc->imports);
        return -1;
    }
    return (int)t->n++;
}

int pvsc_bind(pvsc_table *t, int scope, PyObject *name)
{
    pvsc_scope *s = &t->s[scope];
    /* `global x` in a function makes its stores bind at module level. */
    if (s->kind != PVSC_MODULE && has(s->globals, name))
        s = &t->s[0];
    if (PySet_Add(s->bound, name) < 0 || PySet_Add(t->all_bound, name) < 0)
        return -1;
    return 0;
}

int pvsc_bind_import(pvsc_table *t, int scope, PyObject *name, PyObject *module)
{
    if (pvsc_bind(t, scope, name) < 0)
        return -1;
    pvsc_scope *s = &t->s[scope];
    if (s->kind != PVSC_MODULE && has(s->globals, name))
        s = &t->s[0];
    PyObject *lst = PyDict_GetItemWithError(s->imports, name);
    if (!lst) {
        if (PyErr_Occurred())
            return -1;
        lst = PyList_New(0);
        if (!lst || PyDict_SetItem(s->imports, name, lst) < 0) {
            Py_XDECREF(lst);
            return -1;
        }
        Py_DECREF(lst);
    }
    return PyList_Append(lst, module);
}

int pvsc_declare(pvsc_table *t, int scope, PyObject *name, bool global)
{
    pvsc_scope *s = &t->s[scope];
    return PySet_Add(global ? s->globals : s->nonlocals, name);
}

int pvsc_walrus_scope(const pvsc_table *t, int scope)
{
    while (scope > 0 && t->s[scope].kind == PVSC_COMP)
        scope = t->s[scope].parent;
    return scope;
}

pvsc_res pvsc_resolve(const pvsc_table *t, int scope, PyObject *name, int *binding)
{
    const pvsc_scope *s = &t->s[scope];
    *binding = 0;
    if (s->kind == PVSC_MODULE || has(s->globals, name))
        return PVSC_GLOBAL;
    if (!has(s->nonlocals, name)) {
        if ((s->kind == PVSC_FUNCTION || s->kind == PVSC_COMP) && has(s->bound, name)) {
            *binding = scope;
            return PVSC_LOCAL;
        }
        if (s->kind == PVSC_CLASS && has(s->bound, name)) {
            *binding = scope;
            return PVSC_CLASSLOCAL;
        }
    }
    /* Enclosing function scopes (class bodies do not enclose). A nonlocal with no
     * enclosing binding is a SyntaxError in CPython; it falls through to GLOBAL here,
     * which is the strictest answer. */
    for (int p = s->parent; p > 0; p = t->s[p].parent) {
        const pvsc_scope *ps = &t->s[p];
        if (ps->kind == PVSC_CLASS)
            continue;
        if (has(ps->globals, name))
            return PVSC_GLOBAL;
        if (has(ps->nonlocals, name))
            continue; /* the cell belongs further out */
        if (has(ps->bound, name)) {
            *binding = p;
            return PVSC_FREE;
        }
    }
    return PVSC_GLOBAL;
}

bool pvsc_is_bound(const pvsc_table *t, int scope, PyObject *name)
{
    return has(t->s[scope].bound, name);
}

PyObject *pvsc_imports(const pvsc_table *t, int scope, PyObject *name)
{
    PyObject *l = PyDict_GetItemWithError(t->s[scope].imports, name);
    if (!l)
        PyErr_Clear();
    return l;
}

void pvsc_free(pvsc_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        Py_XDECREF(t->s[i].bound);
        Py_XDECREF(t->s[i].globals);
        Py_XDECREF(t->s[i].nonlocals);
        Py_XDECREF(t->s[i].imports);
    }
    free(t->s);
    Py_XDECREF(t->all_bound);
    t->s = NULL;
    t->n = t->cap = 0;
    t->all_bound = NULL;
}
