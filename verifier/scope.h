/*
 * scope.h: the scope table of one program, built by the AST walker in its first pass
 * and queried after it (the two passes of CPython's symtable.c, in small).
 */
#ifndef PV_SCOPE_H
#define PV_SCOPE_H

#include "internal.h"

typedef enum pvsc_kind { PVSC_MODULE, PVSC_FUNCTION, PVSC_CLASS, PVSC_COMP } pvsc_kind;

typedef struct pvsc_scope {
    pvsc_kind kind;
    int parent;          /* index of the enclosing scope; -1 for the module */
    PyObject *bound;     /* owned set: names bound here */
    PyObject *globals;   /* owned set: names declared global here */
    PyObject *nonlocals; /* owned set: names declared nonlocal here */
    PyObject *imports;   /* owned dict: name -> list of module names bound by import */
} pvsc_scope;

typedef struct pvsc_table {
    pvsc_scope *s;       /* owned */
    size_t n, cap;
    PyObject *all_bound; /* owned set: every name bound in any scope */
} pvsc_table;

/* How a name reference resolves. */
typedef enum pvsc_res {
    PVSC_LOCAL,      /* a function local: never reaches builtins */
    PVSC_FREE,       /* a cell of an enclosing function: never reaches builtins */
    PVSC_CLASSLOCAL, /* bound in a class body: falls back to globals and builtins */
    PVSC_GLOBAL      /* module namespace, then builtins */
} pvsc_res;

int pvsc_init(pvsc_table *t);
/* A new scope; returns its index, or -1 on error. */
int pvsc_new(pvsc_table *t, pvsc_kind kind, int parent);
int pvsc_bind(pvsc_table *t, int scope, PyObject *name);
int pvsc_bind_import(pvsc_table *t, int scope, PyObject *name, PyObject *module);
int pvsc_declare(pvsc_table *t, int scope, PyObject *name, bool global);
/* The scope a walrus target binds in: the nearest enclosing non-comprehension scope. */
int pvsc_walrus_scope(const pvsc_table *t, int scope);
/* Resolve `name` referenced in `scope`; *binding gets the scope that binds it (0 for
 * global references, whether or not the module binds the name). */
pvsc_res pvsc_resolve(const pvsc_table *t, int scope, PyObject *name, int *binding);
bool pvsc_is_bound(const pvsc_table *t, int scope, PyObject *name);
/* Borrowed list of module names bound to `name` by imports in `scope`, or NULL. */
PyObject *pvsc_imports(const pvsc_table *t, int scope, PyObject *name);
void pvsc_free(pvsc_table *t);

#endif
