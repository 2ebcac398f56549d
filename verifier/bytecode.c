/*
 * bytecode.c: layer 2, the bytecode verifier: the walk over the code objects and the
 * policy check of compiled code.
 *
 * Walks the code object CPython compiled from the accepted tree and every code object
 * nested in its co_consts, and checks them without trusting layer 1. Each one is loaded
 * (bytecode_unit.c) and its structure proved (bytecode_struct.c, which also applies the
 * opcode whitelist) before anything here reads it. This file checks every name, attribute
 * and import operand (through the same pvn_* rules as layer 1), stores into library
 * objects, and the constants that act as names (match-class keywords, keyword-call names,
 * str.format templates). The names CPython itself generates (__module__, __qualname__,
 * __class__ cells ...) are accepted only in the exact instruction patterns where the
 * compiler puts them.
 */
#include "bytecode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- imports -------------------------------------------------------------------------------- */

static bool pvb_is_store(int op)
{
    return op == OP_STORE_NAME || op == OP_STORE_FAST || op == OP_STORE_GLOBAL ||
           op == OP_STORE_DEREF;
}

/* Remember that the store instruction `st` of u binds its name to module `module`, in the
 * scope the store writes to. Returns <0 on failure. */
static int pvb_bind_module(pvb_ctx *c, pvb_unit *u, const pvb_insn *st, PyObject *module)
{
    PyObject *name = pvb_name(u, st), *scope;
    if (st->op == OP_STORE_GLOBAL || (st->op == OP_STORE_NAME && u->is_module))
        scope = c->modvars;
    else if (st->op == OP_STORE_DEREF)
        scope = c->modcells;
    else {
        if (u->modlocals == NULL && (u->modlocals = PyDict_New()) == NULL)
            return -1;
        scope = u->modlocals;
    }
    PyObject *s = PyDict_GetItemWithError(scope, name);
    if (s == NULL) {
        if (PyErr_Occurred())
            return -1;
        s = PySet_New(NULL);
        if (s == NULL)
            return -1;
        int r = PyDict_SetItem(scope, name, s);
        Py_DECREF(s);
        if (r < 0)
            return -1;
    }
    return PySet_Add(s, module);
}

/* A module is stored by instruction k: remember the binding (collect mode), or reject a
 * class-body binding (check mode), which would make the module a class attribute that
 * C.<name> reaches without the module-member rules. */
static int pvb_store_module(pvb_ctx *c, pvb_unit *u, int k, PyObject *module, bool check)
{
    const pvb_insn *st = &u->insns[k];
    if (!check)
        return pvb_bind_module(c, u, st, module);
    if (u->is_class && st->op == OP_STORE_NAME)
        pvb_report(c, u, k, PVR_BC_MODULE_VALUE, "module '%s' stored in a class body becomes a "
                   "class attribute", pvb_str(module));
    return 0;
}

/* The first component of a dotted module name (new reference). */
static PyObject *pvb_top_module(PyObject *dotted)
{
    Py_ssize_t dot = PyUnicode_FindChar(dotted, '.', 0, PyUnicode_GET_LENGTH(dotted), 1);
    if (dot == -2)
        return NULL;
    if (dot < 0) {
        Py_INCREF(dotted);
        return dotted;
    }
    return PyUnicode_Substring(dotted, 0, dot);
}

/* Follow the instructions CPython emits after IMPORT_NAME at k:
 *   import a.b        IMPORT_NAME a.b; STORE x                       (x is module a)
 *   import a.b.c as d IMPORT_NAME a.b.c; (IMPORT_FROM b; SWAP 2; POP_TOP)*; IMPORT_FROM c;
 *                     STORE d; POP_TOP                                 (d is module a.b.c)
 *   from m import x   IMPORT_NAME m; (IMPORT_FROM x; STORE x)+; POP_TOP
 * In collect mode, record which names hold modules; in check mode, report what deviates.
 * Returns <0 on library failure. */
static int pvb_import_seq(pvb_ctx *c, pvb_unit *u, int k, bool check)
{
    const pvb_insn *imp = &u->insns[k];
    PyObject *dotted = pvb_name(u, imp), *fromlist = NULL, *level = NULL, *cur = NULL, *sub = NULL;
    int rc = 0;

    if (pvb_op_is(u, k - 1, OP_LOAD_CONST) && pvb_at(u, k - 2) != NULL &&
        pvb_at(u, k - 2)->op == OP_LOAD_CONST && !imp->target) {
        fromlist = pvb_const(u, &u->insns[k - 1]);
        level = pvb_const(u, &u->insns[k - 2]);
    }
    if (check) {
        if (fromlist == NULL || level == NULL) {
            pvb_report(c, u, k, PVR_BC_IMPORT, "IMPORT_NAME %s: level and fromlist are not "
                       "constants", pvb_str(dotted));
            return 0;
        }
        if (!PyLong_CheckExact(level) || PyLong_AsLong(level) != 0) {
            PyErr_Clear();
            pvb_report(c, u, k, PVR_BC_IMPORT, "relative import of '%s'", pvb_str(dotted));
            return 0;
        }
        if (!pvn_module_allowed(c->p, dotted)) {
            pvb_report(c, u, k, PVR_BC_IMPORT, "module '%s' is not allowed", pvb_str(dotted));
            return 0;
        }
    }
    if (fromlist == NULL || level == NULL)
        return 0;
    if (fromlist != Py_None) {
        if (!PyTuple_CheckExact(fromlist)) {
            if (check)
                pvb_report(c, u, k, PVR_BC_IMPORT, "IMPORT_NAME %s: fromlist is not a tuple",
                           pvb_str(dotted));
            return 0;
        }
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(fromlist); j++) {
            PyObject *m = PyTuple_GET_ITEM(fromlist, j);
            if (!PyUnicode_CheckExact(m) || pvb_is(m, "*")) {
                if (check)
                    pvb_report(c, u, k, PVR_BC_IMPORT, "star import from '%s'", pvb_str(dotted));
                return 0;
            }
            if (check) {
                pvn_verdict v = pvn_module_member(c->p, dotted, m, &sub);
                Py_CLEAR(sub);
                if (PyErr_Occurred())
                    return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: module member");
                if (v != PVN_OK)
                    pvb_report(c, u, k, PVR_BC_IMPORT, "'%s' is not an allowed member of module "
                               "'%s' (%s)", pvb_str(m), pvb_str(dotted), pvn_describe(v));
            }
        }
    }

    cur = fromlist == Py_None ? pvb_top_module(dotted) : (Py_INCREF(dotted), dotted);
    if (cur == NULL)
        return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: import name");
    int j = k + 1;
    for (;;) {
        pvb_insn *i = (pvb_insn *)pvb_at(u, j);
        if (i == NULL || i->target)
            goto value;
        if (pvb_is_store(i->op) && fromlist == Py_None) {
            /* The module itself (or the last submodule) is stored. */
            if (pvb_store_module(c, u, j, cur, check) < 0)
                goto pyfail;
            break;
        }
        if (i->op == OP_POP_TOP && fromlist != Py_None && j > k + 1)
            break;
        if (i->op != OP_IMPORT_FROM)
            goto value;
        PyObject *m = pvb_name(u, i);
        pvn_verdict v = pvn_module_member(c->p, cur, m, &sub);
        if (PyErr_Occurred())
            goto pyfail;
        i->imported = 1;
        if (check && fromlist != Py_None) {
            /* Members in the fromlist were checked at IMPORT_NAME. */
            int r = PySequence_Contains(fromlist, m);
            if (r < 0)
                goto pyfail;
            if (r == 0)
                pvb_report(c, u, j, PVR_BC_IMPORT, "IMPORT_FROM '%s' is not in the fromlist",
                           pvb_str(m));
        } else if (check && v != PVN_OK) {
            pvb_report(c, u, j, PVR_BC_IMPORT, "'%s' is not an allowed member of module '%s' (%s)",
                       pvb_str(m), pvb_str(cur), pvn_describe(v));
        }
        if (fromlist == Py_None) {
            if (v == PVN_OK && sub == NULL) {
                if (check)
                    pvb_report(c, u, j, PVR_BC_IMPORT, "'%s.%s' is not a module", pvb_str(cur),
                               pvb_str(m));
                goto out;
            }
            if (pvb_op_is(u, j + 1, OP_SWAP) && u->insns[j + 1].arg == 2 &&
                pvb_op_is(u, j + 2, OP_POP_TOP)) {
                /* import a.b.c as d: walk down to the next submodule. */
                if (sub == NULL)
                    goto out;
                Py_SETREF(cur, sub);
                sub = NULL;
                j += 3;
                continue;
            }
            const pvb_insn *st = pvb_at(u, j + 1);
            if (st == NULL || st->target || !pvb_is_store(st->op) ||
                !pvb_op_is(u, j + 2, OP_POP_TOP)) {
                j++;
                goto value;
            }
            if (sub != NULL && pvb_store_module(c, u, j + 1, sub, check) < 0)
                goto pyfail;
            break;
        }
        /* from m import x: IMPORT_FROM x; STORE x */
        const pvb_insn *st = pvb_at(u, j + 1);
        if (st == NULL || st->target || !pvb_is_store(st->op)) {
            j++;
            goto value;
        }
        if (sub != NULL && pvb_store_module(c, u, j + 1, sub, check) < 0)
            goto pyfail;
        Py_CLEAR(sub);
        j += 2;
    }
    goto out;
value:
    if (check)
        pvb_report(c, u, j < u->ninsns ? j : k, PVR_BC_MODULE_VALUE, "the module imported as "
                   "'%s' is used other than by storing it to a name", pvb_str(dotted));
    goto out;
pyfail:
    rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer: imports");
out:
    Py_XDECREF(cur);
    Py_XDECREF(sub);
    return rc;
}

/* ---- collecting what the program defines ------------------------------------------------- */

static bool pvb_slot_name(const pv_policy *p, PyObject *n)
{
    /* '__x' would be mangled in a class body; dunders are refused as names anyway */
    return PyUnicode_CheckExact(n) && pvb_identifier(n) && PyUnicode_READ_CHAR(n, 0) != '_' &&
           pvn_check_name(p, n) == PVN_OK;
}

/* The value stored by the STORE_NAME at k is a literal of names the compiler emits for
 * `X = "a"`, `X = ("a", "b")`, `X = ["a", "b"]` (LOAD_CONST each; BUILD_LIST n) or a longer
 * list (BUILD_LIST 0; LOAD_CONST (tuple); LIST_EXTEND 1), each name passing the policy as a
 * source name without a leading '_': 1, with each name added to `set` (may be NULL); 0 when
 * the shape differs; -1 on error. */
static int pvb_literal_names(const pv_policy *p, const pvb_unit *u, int k, PyObject *set)
{
    PyObject *v = NULL;
    const pvb_insn *prev = pvb_at(u, k - 1);
    PyObject *items = NULL; /* borrowed tuple, or NULL for single LOAD_CONSTs */
    int first = k - 1, last = k - 1;
    if (u->insns[k].target || prev == NULL)
        return 0;
    if (prev->op == OP_LOAD_CONST) {
        v = pvb_const(u, prev);
        if (v != NULL && PyTuple_CheckExact(v))
            items = v;
        else if (v == NULL || !PyUnicode_CheckExact(v))
            return 0;
    } else if (prev->op == OP_LIST_EXTEND && prev->arg == 1 && !prev->target) {
        const pvb_insn *lc = pvb_at(u, k - 2), *bl = pvb_at(u, k - 3);
        v = lc != NULL && lc->op == OP_LOAD_CONST && !lc->target ? pvb_const(u, lc) : NULL;
        if (v == NULL || !PyTuple_CheckExact(v) || bl == NULL || bl->op != OP_BUILD_LIST ||
            bl->arg != 0)
            return 0;
        items = v;
    } else if (prev->op == OP_BUILD_LIST && !prev->target) {
        first = k - 1 - (int)prev->arg;
        last = k - 2;
        if (first < 0)
            return 0;
        for (int j = first; j <= last; j++)
            if (!pvb_load_str(u, j, NULL) || (j > first && u->insns[j].target))
                return 0;
    } else {
        return 0;
    }
    if (items != NULL) {
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(items); j++) {
            PyObject *n = PyTuple_GET_ITEM(items, j);
            if (!pvb_slot_name(p, n))
                return 0;
            if (set != NULL && PySet_Add(set, n) < 0)
                return -1;
        }
        return 1;
    }
    if (v != NULL) { /* one str */
        if (!pvb_slot_name(p, v))
            return 0;
        return set != NULL && PySet_Add(set, v) < 0 ? -1 : 1;
    }
    for (int j = first; j <= last; j++) {
        PyObject *n = pvb_const(u, &u->insns[j]);
        if (!pvb_slot_name(p, n))
            return 0;
        if (set != NULL && PySet_Add(set, n) < 0)
            return -1;
    }
    return 1;
}

/* True for `LOAD_NAME __annotations__; LOAD_CONST <str>; STORE_SUBSCR` at k in a module or
 * class body that ran SETUP_ANNOTATIONS, where the str is a name the policy accepts in
 * source (what `x: T` compiles to); *key gets the annotated name. Nothing else may touch
 * __annotations__: its keys become field names that dataclasses pastes into the source it
 * compiles, so a crafted key (`__annotations__['a"\n...'] = int`) is code. */
static bool pvb_annotation_at(const pv_policy *p, const pvb_unit *u, int k, PyObject **key)
{
    const pvb_insn *i = pvb_at(u, k);
    PyObject *name = NULL;
    if (i == NULL || i->op != OP_LOAD_NAME || !u->has_annotations ||
        !(u->is_module || u->is_class) || !pvb_is(pvb_name(u, i), "__annotations__") ||
        !pvb_load_str(u, k + 1, &name) || u->insns[k + 1].target ||
        !pvb_op_is(u, k + 2, OP_STORE_SUBSCR) || u->insns[k + 2].target)
        return false;
    if (!PyUnicode_CheckExact(name) || !pvb_identifier(name) || pvn_check_name(p, name) != PVN_OK)
        return false;
    if (key != NULL)
        *key = name;
    return true;
}

/* namedtuple / Enum functional API field names (issue 16; the AST layer's
 * field_names_call): in a code object that names one of those callees, every string
 * constant (alone, or in a constant tuple, or first in a nested tuple) contributes the names
 * it lists. Broader than the AST layer, and as safe: a program-defined name is readable only
 * when no library object has it (PV519). */
static int pvb_field_names(pvb_ctx *c, const pvb_unit *u)
{
    static const char *const callees[] = { "namedtuple", "Enum", "IntEnum", "StrEnum", "Flag",
                                           "IntFlag" };
    bool found = false;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(u->names); j++)
        for (size_t i = 0; i < sizeof callees / sizeof callees[0]; i++)
            if (pvb_is(PyTuple_GET_ITEM(u->names, j), callees[i])) {
                found = true;
                if (i == 0)
                    c->namedtuples = true;
            }
    if (!found)
        return 0;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(u->consts); j++) {
        PyObject *k = PyTuple_GET_ITEM(u->consts, j);
        if (PyUnicode_CheckExact(k)) {
            if (pvn_add_field_names(c->p, k, c->attrs) < 0)
                return -1;
            continue;
        }
        if (!PyTuple_CheckExact(k))
            continue;
        for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE(k); m++) {
            PyObject *e = PyTuple_GET_ITEM(k, m);
            if (PyTuple_CheckExact(e) && PyTuple_GET_SIZE(e) >= 1)
                e = PyTuple_GET_ITEM(e, 0);
            if (PyUnicode_CheckExact(e) && pvn_add_field_names(c->p, e, c->attrs) < 0)
                return -1;
        }
    }
    return 0;
}

/* First pass over every code object: program_attrs (STORE_ATTR operands, class-body
 * names and annotations), names bound at module level, names that hold modules. */
static int pvb_collect(pvb_ctx *c)
{
    for (size_t x = 0; x < c->n; x++) {
        pvb_unit *u = &c->units[x];
        if (u->broken)
            continue;
        if (pvb_field_names(c, u) < 0)
            goto pyfail;
        for (int k = 0; k < u->ninsns; k++)
            if (u->insns[k].op == OP_SETUP_ANNOTATIONS)
                u->has_annotations = true;
        if (u->is_class && (u->class_names = PySet_New(NULL)) == NULL)
            goto pyfail;
        for (int k = 0; k < u->ninsns; k++) {
            const pvb_insn *i = &u->insns[k];
            PyObject *nm = pvb_name(u, i), *key = NULL;
            switch (i->op) {
            case OP_STORE_ATTR:
                if (PySet_Add(c->attrs, nm) < 0)
                    goto pyfail;
                break;
            case OP_STORE_NAME:
                if (u->is_class &&
                    (PySet_Add(c->attrs, nm) < 0 || PySet_Add(u->class_names, nm) < 0))
                    goto pyfail;
                /* __slots__ names are attributes the program defines */
                if (u->is_class && pvb_is(nm, "__slots__") &&
                    pvb_literal_names(c->p, u, k, c->attrs) < 0)
                    goto pyfail;
                if (u->is_module && PySet_Add(c->module_bound, nm) < 0)
                    goto pyfail;
                break;
            case OP_STORE_GLOBAL:
            case OP_DELETE_GLOBAL:
                if (PySet_Add(c->module_bound, nm) < 0)
                    goto pyfail;
                break;
            case OP_DELETE_NAME:
                /* `del x` binds x in its scope, as in CPython's symtable and the AST layer;
                 * the name of a forbidden builtin stays refused (pvb_check_global_load). */
                if (u->is_class && PySet_Add(u->class_names, nm) < 0)
                    goto pyfail;
                if (u->is_module && PySet_Add(c->module_bound, nm) < 0)
                    goto pyfail;
                break;
            case OP_LOAD_NAME:
                if (!pvb_annotation_at(c->p, u, k, &key))
                    break;
                if (u->is_class &&
                    (PySet_Add(c->attrs, key) < 0 || PySet_Add(u->class_names, key) < 0))
                    goto pyfail;
                /* `x: T` without a value binds x in its scope (CPython's symtable, the AST
                 * layer), although no STORE_NAME is emitted. */
                if (u->is_module && PySet_Add(c->module_bound, key) < 0)
                    goto pyfail;
                break;
            case OP_IMPORT_NAME:
                if (pvb_import_seq(c, u, k, false) < 0)
                    return -1;
                break;
            default:
                break;
            }
        }
    }
    return 0;
pyfail:
    return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: collecting names");
}

/* ---- stores into library objects (PV520) ------------------------------------------------ */

/* The binding key of the name operand of instruction k: (scope, name), scope -1 for the
 * module namespace, -2 for cells (matched by name), else the unit's index (function locals,
 * class namespaces). New reference; NULL without an exception when k binds or reads no
 * name the tracker follows. */
static PyObject *pvb_lib_key(const pvb_ctx *c, size_t x, int k)
{
    const pvb_unit *u = &c->units[x];
    const pvb_insn *i = &u->insns[k];
    PyObject *nm = pvb_name(u, i);
    long scope;
    if (nm == NULL)
        return NULL;
    switch (i->op) {
    case OP_LOAD_FAST: case OP_STORE_FAST: case OP_DELETE_FAST:
        scope = (long)x;
        break;
    case OP_LOAD_GLOBAL: case OP_STORE_GLOBAL: case OP_DELETE_GLOBAL:
        scope = -1;
        break;
    case OP_LOAD_DEREF: case OP_LOAD_CLASSDEREF: case OP_STORE_DEREF: case OP_DELETE_DEREF:
        scope = -2;
        break;
    case OP_STORE_NAME: case OP_DELETE_NAME:
        scope = u->is_class ? (long)x : -1;
        break;
    case OP_LOAD_NAME:
        scope = u->is_class && pvb_in(u->class_names, nm) ? (long)x : -1;
        break;
    default:
        return NULL;
    }
    return Py_BuildValue("(lO)", scope, nm);
}

/* Add `key` to `set` (lib_names, lib_makers, lib_funcs); note growth in c->lib_grew.
 * ANY store of a library value makes the name one: the analysis does not follow the order
 * of stores (`f = dataclasses.field()` next to `class f: pass`, HOLES f14). -1 on error. */
static int pvb_lib_add(pvb_ctx *c, PyObject *set, PyObject *key)
{
    int r = PySet_Contains(set, key);
    if (r != 0)
        return r < 0 ? -1 : 0;
    c->lib_grew = true;
    return PySet_Add(set, key);
}

/* The instruction that pushed stack slot `slot` as it stands before instruction p: the
 * last one before p whose stack depth was at most `slot`, in straight-line code (no jump
 * target after it up to p). -1 when there is none. */
static int pvb_producer(const pvb_unit *u, int p, long slot)
{
    for (int q = p - 1; q >= 0; q--) {
        if (u->insns[q + 1].target || u->sdepth[q] < 0)
            return -1;
        if (u->sdepth[q] <= slot)
            return q;
    }
    return -1;
}

static int pvb_loads_module(const pvb_ctx *c, const pvb_unit *u, int k, PyObject **mods);

/* True when the decorator in stack slot `slot` before instruction p hands back the class it
 * is given: `M.member` or `M.member(...)` that pvn_class_decorator lists, M one module; the
 * AST layer's keeps_class. */
static bool pvb_keeps_class(const pvb_ctx *c, const pvb_unit *u, int p, long slot)
{
    int q = pvb_producer(u, p, slot), end = q + 2;
    bool called = false;
    PyObject *mods = NULL;
    if (q >= 0 && u->insns[q].op == OP_PUSH_NULL && u->sdepth[q] == slot) {
        /* NULL, M, .member, arguments, PRECALL, CALL */
        called = true;
        q++;
        for (end = q + 2; end + 1 < p; end++)
            if (u->insns[end].op == OP_PRECALL && u->sdepth[end] >= 0 &&
                u->sdepth[end] - (long)u->insns[end].arg - 2 == slot)
                break;
        if (end + 1 >= p || u->insns[end + 1].op != OP_CALL)
            return false;
        end += 2;
    }
    if (q < 0 || q + 1 >= p || u->sdepth[q] != slot + called ||
        u->insns[q + 1].op != OP_LOAD_ATTR || u->insns[q + 1].target ||
        u->sdepth[q + 1] != slot + 1 + called || end >= p || u->sdepth[end] != slot + 1)
        return false;
    int r = pvb_loads_module(c, u, q, &mods);
    if (r != 1 || !PySet_Check(mods) || PySet_GET_SIZE(mods) != 1) {
        PyErr_Clear();
        return false;
    }
    PyObject *it = PyObject_GetIter(mods), *m = it ? PyIter_Next(it) : NULL;
    bool ok = m && pvn_class_decorator(m, pvb_name(u, &u->insns[q + 1]), called);
    Py_XDECREF(m);
    Py_XDECREF(it);
    PyErr_Clear();
    return ok;
}

/* True when the value instruction e (a CALL) leaves on the stack is made by a class
 * statement: LOAD_BUILD_CLASS called, then decorators that keep the class called on it
 * one by one. */
static bool pvb_class_value(const pvb_ctx *c, const pvb_unit *u, int e)
{
    for (int depth = 0; depth < 64; depth++) {
        if (e < 2 || u->insns[e].op != OP_CALL || u->insns[e].target ||
            u->insns[e - 1].op != OP_PRECALL || u->sdepth[e - 1] < 0)
            return false;
        long n = (long)u->insns[e - 1].arg, base = u->sdepth[e - 1] - n - 2;
        int q = pvb_producer(u, e - 1, base + 1);
        if (q >= 0 && u->insns[q].op == OP_LOAD_BUILD_CLASS && u->sdepth[q] == base + 1)
            return true;
        /* deco(<class statement>): the argument is the result of the CALL just before
         * (CPython 3.11 calls a decorator as `deco` + the value, PRECALL 0) */
        if (n != 0 || u->sdepth[e - 1] != base + 2 || !pvb_keeps_class(c, u, e - 1, base))
            return false;
        e -= 2;
    }
    return false;
}

/* The binding key of the callee of the call whose PRECALL is instruction p (its callee
 * slot base + 1) when a plain name load pushed it; NULL otherwise (new reference; NULL
 * without an exception when there is none). */
static PyObject *pvb_callee_key(const pvb_ctx *c, size_t x, int p, long base)
{
    const pvb_unit *u = &c->units[x];
    int q = pvb_producer(u, p, base + 1);
    if (q < 0)
        return NULL;
    const pvb_insn *i = &u->insns[q];
    bool nullpair = i->op == OP_LOAD_GLOBAL && (i->arg & 1);
    if (u->sdepth[q] != (nullpair ? base : base + 1))
        return NULL;
    return pvb_lib_key(c, x, q);
}

/* 1 when the callee of the call whose PRECALL is p (callee slot base + 1) is a builtin
 * that makes a new value whatever it is handed (pvn_fresh_builtin), loaded by LOAD_GLOBAL
 * or a module-level LOAD_NAME of a name the module never binds. -1 on error. */
static int pvb_fresh_call(const pvb_ctx *c, const pvb_unit *u, int p, long base)
{
    int q = pvb_producer(u, p, base + 1);
    if (q < 0)
        return 0;
    const pvb_insn *i = &u->insns[q];
    PyObject *nm = pvb_name(u, i);
    bool ok = (i->op == OP_LOAD_GLOBAL && (i->arg & 1) && u->sdepth[q] == base) ||
              (i->op == OP_LOAD_NAME && u->is_module && u->sdepth[q] == base + 1);
    if (!ok || !pvn_fresh_builtin(nm))
        return 0;
    int b = PySet_Contains(c->module_bound, nm);
    if (b == 0 && c->prog->globals)
        b = PySet_Contains(c->prog->globals, nm);
    return b < 0 ? -1 : b == 0;
}

/* The stack slot where instruction p (straight-line, value at `slot` live below the top)
 * leaves a result built from the values it consumes when that includes `slot`: the
 * container displays (BUILD_LIST/TUPLE/SET/MAP, BUILD_CONST_KEY_MAP), the items added to a
 * container further down (LIST_APPEND, SET_ADD, MAP_ADD, LIST_EXTEND, SET_UPDATE,
 * DICT_UPDATE, DICT_MERGE: that container), the arguments of CALL_FUNCTION_EX (its
 * result). -1 when p is not one of them or does not consume `slot`. */
static long pvb_build_slot(const pvb_unit *u, int p, long slot)
{
    const pvb_insn *i = &u->insns[p];
    long d = u->sdepth[p], n, k;
    switch (i->op) {
    case OP_LIST_APPEND: case OP_SET_ADD: case OP_LIST_EXTEND: case OP_SET_UPDATE:
    case OP_DICT_UPDATE: case OP_DICT_MERGE:
        return slot == d - 1 ? d - 1 - (long)i->arg : -1;
    case OP_MAP_ADD:
        return slot >= d - 2 ? d - 2 - (long)i->arg : -1;
    case OP_CALL_FUNCTION_EX:
        /* NULL, callable, positional tuple[, keyword dict] */
        k = (long)(i->arg & 1);
        return slot >= d - 1 - k ? d - 3 - k : -1;
    case OP_BUILD_LIST: case OP_BUILD_TUPLE: case OP_BUILD_SET:
        n = (long)i->arg;
        break;
    case OP_BUILD_MAP:
        n = 2 * (long)i->arg;
        break;
    case OP_BUILD_CONST_KEY_MAP:
        n = (long)i->arg + 1;
        break;
    default:
        return -1;
    }
    return d - n <= slot ? d - n : -1;
}

static bool pvb_is_name_store(int op)
{
    return op == OP_STORE_FAST || op == OP_STORE_NAME || op == OP_STORE_GLOBAL ||
           op == OP_STORE_DEREF;
}

/* Calling member `attr` of a module in `mods` (a set of module names) makes a library
 * object (pvn_call_makes_library_object for any of them). -1 on error. */
static int pvb_member_makes_lib(const pvb_ctx *c, PyObject *mods, PyObject *attr)
{
    PyObject *it = attr ? PyObject_GetIter(mods) : NULL, *m;
    if (it == NULL)
        return attr ? -1 : 1;
    int r = 0;
    while (r == 0 && (m = PyIter_Next(it)) != NULL) {
        r = pvn_call_makes_library_object(c->p, m, attr);
        Py_DECREF(m);
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : r;
}

/* A library value occupies stack slot `slot` before instruction j (callable: it and the
 * slot above hold a callee, as LOAD_METHOD or PUSH_NULL + load leave it; `chain`: the value
 * is a module or an attribute chain of one; `mods`: the value is exactly a module, one of
 * these names; `maker`: calling the value makes a library object). Follow it forward
 * through attribute loads, subscripts by a simple operand, for loops, and calls that make
 * library objects: a library class other than a writable data class, dataclasses.field and
 * fields, anything unknown (pvn_call_makes_library_object for `M.member(...)`, lib_makers
 * for a name); other module functions (heapq.heappop) and the methods of a library object
 * return the program's own values: not followed. A STORE_ATTR/DELETE_ATTR on it is reported
 * (when `report`), a name store added to lib_names (and lib_makers when `maker`). The AST
 * layer's lib_value and lib_maker. COPY 1 (chained assignment, walrus) duplicates the
 * value: the copy is followed first, the original (`pend`, at most PVB_LIB_PEND of them)
 * after. */
#define PVB_LIB_PEND 16

typedef struct pvb_pending {
    int j;
    long slot;
    bool chain, maker;
    PyObject *mods;
} pvb_pending;

/* 1 when a library value at `slot` before instruction p of unit x was already followed in
 * this pass (else it is noted now), 0 when not, -1 on error. */
static int pvb_lib_seen(pvb_ctx *c, size_t x, int p, long slot)
{
    PyObject *key = Py_BuildValue("(nil)", (Py_ssize_t)x, p, slot);
    int r = key ? PySet_Contains(c->lib_seen, key) : -1;
    if (r == 0 && PySet_Add(c->lib_seen, key) < 0)
        r = -1;
    Py_XDECREF(key);
    return r;
}

/* A library value was stored into (or handed to a keeping method of) the object in stack
 * slot t before instruction p: the name loaded into that slot, or the attribute name read
 * into it (any object's), becomes a library value; an item (X[k]) taints its container.
 * The AST layer's taint_target. -1 on error. */
static int pvb_taint_slot(pvb_ctx *c, size_t x, int p, long t)
{
    const pvb_unit *u = &c->units[x];
    for (int depth = 0; depth < 64; depth++) {
        int r = p - 1;
        while (r >= 0 && u->sdepth[r] >= 0 && u->sdepth[r + 1] != t + 1)
            r--;
        if (r < 0 || u->sdepth[r] < 0)
            return 0;
        const pvb_insn *i = &u->insns[r];
        PyObject *mods = NULL, *key;
        switch (i->op) {
        case OP_LOAD_ATTR: {
            int q = pvb_producer(u, r, t);
            if (q >= 0 && u->sdepth[q] == t && pvb_loads_module(c, u, q, &mods) != 0)
                return PyErr_Occurred() ? -1 : 0; /* a module's member: PV303/PV508 */
            return pvb_name(u, i) ? pvb_lib_add(c, c->lib_attrs, pvb_name(u, i)) : 0;
        }
        case OP_BINARY_SUBSCR:
            p = r; /* the container, at t before the subscript */
            continue;
        case OP_LOAD_FAST: case OP_LOAD_NAME: case OP_LOAD_GLOBAL: case OP_LOAD_DEREF:
            if (pvb_loads_module(c, u, r, &mods) != 0)
                return PyErr_Occurred() ? -1 : 0;
            if ((key = pvb_lib_key(c, x, r)) == NULL)
                return PyErr_Occurred() ? -1 : 0;
            int rc = pvb_lib_add(c, c->lib_names, key);
            Py_DECREF(key);
            return rc;
        default:
            return 0;
        }
    }
    return 0;
}

static int pvb_lib_follow1(pvb_ctx *c, size_t x, int j, long slot, bool callable, bool chain,
                           PyObject *mods, bool maker, bool report, pvb_pending *pend,
                           int *npend)
{
    pvb_unit *u = &c->units[x];
    for (int steps = 0; steps < u->ninsns; steps++) {
        if (callable) {
            if (mods != NULL) {
                /* NULL + module, then attribute loads (CPython 3.11 loads the members of an
                 * imported name with LOAD_ATTR): exactly one makes the callee M.member,
                 * more are a deeper chain (library). */
                const pvb_insn *a = pvb_at(u, j), *b = pvb_at(u, j + 1);
                int mk = 1;
                if (a != NULL && a->op == OP_LOAD_ATTR && !a->target && u->sdepth[j] == slot + 2 &&
                    !(b != NULL && (b->op == OP_LOAD_ATTR || b->op == OP_LOAD_METHOD)))
                    mk = pvb_member_makes_lib(c, mods, pvb_name(u, a));
                if (mk < 0)
                    return -1;
                maker = mk;
                mods = NULL;
            }
            int p = j;
            for (; p < u->ninsns; p++) {
                long d = u->sdepth[p];
                if (d < 0 || d < slot + 2)
                    return 0;
                if (u->insns[p].op == OP_PRECALL && d - (long)u->insns[p].arg - 2 == slot)
                    break;
            }
            if (p >= u->ninsns || !pvb_op_is(u, p + 1, OP_CALL) || !maker)
                return 0;
            j = p + 2;
            callable = false;
            chain = false;
            mods = NULL;
            continue;
        }
        const pvb_insn *i = pvb_at(u, j);
        if (i == NULL || u->sdepth[j] != slot + 1)
            return 0;
        if (maker && !chain && mods == NULL) {
            int seen = pvb_lib_seen(c, x, j, slot);
            if (seen != 0)
                return seen < 0 ? -1 : 0;
        }
        switch (i->op) {
        case OP_LOAD_ATTR:
        case OP_LOAD_METHOD: {
            if (i->op == OP_LOAD_METHOD && !chain)
                return 0; /* a method of a library object */
            int mk = mods ? pvb_member_makes_lib(c, mods, pvb_name(u, i)) : 1;
            if (mk < 0)
                return -1;
            maker = mk;
            mods = NULL;
            j++;
            if (i->op == OP_LOAD_METHOD)
                callable = true;
            continue;
        }
        case OP_STORE_ATTR:
        case OP_DELETE_ATTR:
            if (report)
                pvb_report(c, u, j, PVR_BC_LIBRARY_STORE, "%s attribute '%s' of a library object",
                           i->op == OP_DELETE_ATTR ? "deletes" : "assigns",
                           pvb_str(pvb_name(u, i)));
            return 0;
        case OP_LOAD_CONST: case OP_LOAD_FAST: case OP_LOAD_NAME: case OP_LOAD_DEREF:
        case OP_LOAD_GLOBAL:
            if ((i->op == OP_LOAD_GLOBAL && (i->arg & 1)) || !pvb_op_is(u, j + 1, OP_BINARY_SUBSCR))
                goto operand;
            j += 2;
            chain = false;
            mods = NULL;
            maker = true;
            continue;
        case OP_COPY: {
            if (i->arg != 1)
                goto operand;
            /* the original stays below the copy until the copy is consumed */
            int p = j + 1;
            while (p < u->ninsns && !u->insns[p].target && u->sdepth[p] > slot + 1)
                p++;
            if (p < u->ninsns && !u->insns[p].target && u->sdepth[p] == slot + 1 && p > j + 1) {
                if (*npend >= PVB_LIB_PEND) {
                    /* fail closed */
                    if (report)
                        pvb_report(c, u, j, PVR_BC_LIBRARY_STORE,
                                   "a library value copied more than %d times in one "
                                   "statement", PVB_LIB_PEND);
                    return 0;
                }
                pend[(*npend)++] = (pvb_pending){ p, slot, chain, maker, mods };
            }
            j++;
            slot++;
            continue;
        }
        case OP_RETURN_VALUE:
        case OP_YIELD_VALUE: {
            /* this code object returns a library value: calling it makes one */
            PyObject *key = PyLong_FromVoidPtr(u->code);
            int r = key ? pvb_lib_add(c, c->lib_funcs, key) : -1;
            Py_XDECREF(key);
            return r;
        }
        case OP_GET_ITER: {
            /* for name in <library value>: FOR_ITER (a loop target) then the store. */
            const pvb_insn *fi = pvb_at(u, j + 1), *st = pvb_at(u, j + 2);
            if (fi == NULL || fi->op != OP_FOR_ITER || st == NULL || st->target ||
                !pvb_is_name_store(st->op)) {
                /* an iterator over a library value (handed to a comprehension): its
                 * items are library values */
                j++;
                chain = false;
                mods = NULL;
                maker = true;
                continue;
            }
            j += 2;
            i = st;
            maker = true;
        }
            /* fall through */
        case OP_STORE_FAST: case OP_STORE_NAME: case OP_STORE_GLOBAL: case OP_STORE_DEREF: {
            PyObject *key = pvb_lib_key(c, x, j);
            if (key == NULL)
                return PyErr_Occurred() ? -1 : 0;
            int r = pvb_lib_add(c, c->lib_names, key);
            if (r == 0 && maker)
                r = pvb_lib_add(c, c->lib_makers, key);
            Py_DECREF(key);
            return r;
        }
        default:
        operand: {
            /* The value is an operand of what follows: an argument of a call (whatever a
             * call is handed it may return: `def g(x): return x`, max, next, random.choice)
             * or an element of a container display; both results are library values.
             * In instruction order while the value stays on the stack: across a jump
             * target too, where the slot holds this value or, when the value was pushed
             * inside one branch, another branch's (counted as library too). */
            int p = j;
            long nslot = -1;
            for (; p < u->ninsns; p++) {
                long d = u->sdepth[p];
                if (d < slot + 1)
                    return 0;
                if (u->insns[p].op == OP_SWAP && u->insns[p].arg >= 2) {
                    /* the value moves: TOS <-> stack[-i] */
                    long other = d - (long)u->insns[p].arg;
                    if (slot == d - 1)
                        slot = other;
                    else if (slot == other)
                        slot = d - 1;
                    if (p + 1 < u->ninsns && u->sdepth[p + 1] == slot + 1) {
                        nslot = slot; /* now on top */
                        p += 1;
                        break;
                    }
                    continue;
                }
                if (u->insns[p].op == OP_JUMP_FORWARD && u->insns[p].jump > p) {
                    p = u->insns[p].jump - 1; /* the end of `x if c else y` */
                    continue;
                }
                if (d == slot + 1 && p > j && u->insns[p].op != OP_PRECALL) {
                    nslot = slot; /* on top again (a comprehension's list at its return) */
                    break;
                }
                if (p > j && maker) {
                    int seen = pvb_lib_seen(c, x, p, slot);
                    if (seen != 0)
                        return seen < 0 ? -1 : 0;
                }
                const pvb_insn *pi = &u->insns[p];
                if (pi->op == OP_STORE_ATTR && slot == d - 2) {
                    /* obj.attr = value: that attribute name holds a library value */
                    PyObject *a = pvb_name(u, pi);
                    return a ? pvb_lib_add(c, c->lib_attrs, a) : 0;
                }
                if (pi->op == OP_STORE_SUBSCR && slot == d - 3)
                    return pvb_taint_slot(c, x, p, d - 2); /* X[k] = value */
                if ((pi->op == OP_UNPACK_SEQUENCE || pi->op == OP_UNPACK_EX) && slot == d - 1) {
                    /* a, b = value: every target gets the value (the top one now, the
                     * others when they come to the top) */
                    long n = pi->op == OP_UNPACK_SEQUENCE ? (long)pi->arg
                             : (long)(pi->arg & 0xff) + 1 + (long)(pi->arg >> 8);
                    for (long t = slot; t < slot + n - 1; t++) {
                        int q = p + 1;
                        while (q < u->ninsns && u->sdepth[q] > t + 1)
                            q++;
                        if (q >= u->ninsns || u->sdepth[q] != t + 1)
                            continue;
                        if (*npend >= PVB_LIB_PEND) {
                            if (report)
                                pvb_report(c, u, p, PVR_BC_LIBRARY_STORE,
                                           "a library value unpacked into more than %d targets",
                                           PVB_LIB_PEND);
                            return 0;
                        }
                        pend[(*npend)++] = (pvb_pending){ q, t, false, true, NULL };
                    }
                    if (n < 1)
                        return 0;
                    nslot = slot + n - 1;
                    p += 1;
                    break;
                }
                if (u->insns[p].op == OP_PRECALL) {
                    long base = d - (long)u->insns[p].arg - 2;
                    if (base > slot)
                        continue; /* a call inside the operands that follow */
                    if (!pvb_op_is(u, p + 1, OP_CALL))
                        return 0;
                    int below = base + 1 == slot ? pvb_producer(u, p, base) : -1;
                    if (base == slot ||
                        (base + 1 == slot && (d != slot + 1 ||
                                              (below >= 0 && u->insns[below].op == OP_PUSH_NULL)))) {
                        /* the value is the callee (`deco` + the decorated value, or NULL +
                         * the callee): the result is a library object when calling it
                         * makes one */
                        if (!maker)
                            return 0;
                    } else if (base + 2 <= slot) {
                        /* a method that keeps what it is handed (X.append(value)) taints
                         * X; a module function (heapq.heappush(pq, value)) its arguments */
                        int lm = pvb_producer(u, p, base + 1);
                        if (lm >= 0 && u->insns[lm].op == OP_LOAD_METHOD &&
                            u->sdepth[lm] == base + 1) {
                            PyObject *rmods = NULL;
                            int recv = pvb_producer(u, lm, base);
                            int ismod = recv >= 0 && u->sdepth[recv] == base ?
                                        pvb_loads_module(c, u, recv, &rmods) : 0;
                            int tr = 0;
                            if (ismod < 0)
                                return -1;
                            if (ismod) {
                                for (long a = base + 2; tr >= 0 && a < d; a++)
                                    if (a != slot)
                                        tr = pvb_taint_slot(c, x, p, a);
                            } else if (pvn_keeping_method(pvb_name(u, &u->insns[lm]))) {
                                tr = pvb_taint_slot(c, x, lm, base);
                            }
                            if (tr < 0)
                                return -1;
                        } else if (lm >= 0 && u->sdepth[lm] == base + 1 &&
                                   u->insns[lm].op != OP_LOAD_METHOD) {
                            /* NULL, M, .function (CPython 3.11's module calls) */
                            PyObject *fmods = NULL;
                            int ismod = pvb_loads_module(c, u, lm, &fmods), tr = 0;
                            if (ismod < 0)
                                return -1;
                            for (long a = base + 2; ismod && tr >= 0 && a < d; a++)
                                if (a != slot)
                                    tr = pvb_taint_slot(c, x, p, a);
                            if (tr < 0)
                                return -1;
                        }
                        /* an argument: a program class makes an instance of itself,
                         * whatever it is handed; len, str ... a new value */
                        int fr = pvb_fresh_call(c, u, p, base);
                        if (fr != 0)
                            return fr < 0 ? -1 : 0;
                        PyObject *key = pvb_callee_key(c, x, p, base);
                        int cls = key ? PySet_Contains(c->class_only, key) : 0;
                        if (cls == 1)
                            cls = PySet_Contains(c->lib_names, key) == 0;
                        Py_XDECREF(key);
                        if (PyErr_Occurred())
                            return -1;
                        if (cls)
                            return 0;
                    }
                    /* else: the argument of `callable` + value (a comprehension's
                     * iterable, a decorator) */
                    nslot = base;
                    p += 2;
                    break;
                }
                if (u->insns[p].op == OP_CALL_FUNCTION_EX &&
                    slot == d - 2 - (long)(u->insns[p].arg & 1)) {
                    /* the value is the callee */
                    if (!maker)
                        return 0;
                    nslot = slot - 1;
                    p += 1;
                    break;
                }
                if ((nslot = pvb_build_slot(u, p, slot)) >= 0) {
                    if (nslot < 0 || p + 1 >= u->ninsns || u->sdepth[p + 1] < nslot + 1)
                        return 0;
                    if (u->sdepth[p + 1] != nslot + 1) {
                        /* a container below the top (a comprehension's list under its
                         * iterator): keep scanning with it */
                        slot = nslot;
                        nslot = -1;
                        maker = true;
                        continue;
                    }
                    p += 1;
                    break;
                }
                if (p + 1 < u->ninsns && u->sdepth[p + 1] < slot + 1)
                    return 0; /* consumed by something else */
            }
            if (nslot < 0 || p >= u->ninsns)
                return 0;
            j = p;
            slot = nslot;
            chain = false;
            mods = NULL;
            maker = true;
            continue;
        }
        }
    }
    return 0;
}

static int pvb_lib_follow(pvb_ctx *c, size_t x, int j, long slot, bool callable, bool chain,
                          PyObject *mods, bool maker, bool report)
{
    pvb_pending pend[PVB_LIB_PEND];
    int npend = 0;
    int r = pvb_lib_follow1(c, x, j, slot, callable, chain, mods, maker, report, pend, &npend);
    while (r == 0 && npend > 0) {
        pvb_pending q = pend[--npend];
        r = pvb_lib_follow1(c, x, q.j, q.slot, false, q.chain, q.mods, q.maker, report, pend,
                            &npend);
    }
    return r;
}

/* The module-binding tables a load of opcode `op` reads, in order (at most two): LOAD_NAME
 * in a class body reads the class namespace, then the module's; LOAD_CLASSDEREF the class
 * namespace, then the cell. Unset entries stay NULL. */
static void pvb_load_scopes(const pvb_ctx *c, const pvb_unit *u, int op, PyObject *scopes[2])
{
    scopes[0] = scopes[1] = NULL;
    if (op == OP_LOAD_GLOBAL || (op == OP_LOAD_NAME && u->is_module))
        scopes[0] = c->modvars;
    else if (op == OP_LOAD_NAME)
        scopes[0] = u->modlocals, scopes[1] = c->modvars;
    else if (op == OP_LOAD_FAST)
        scopes[0] = u->modlocals;
    else if (op == OP_LOAD_DEREF)
        scopes[0] = c->modcells;
    else if (op == OP_LOAD_CLASSDEREF)
        scopes[0] = u->modlocals, scopes[1] = c->modcells;
}

/* True when the name loaded at k holds an imported module (see pvb_check_module_use);
 * *mods: the set of its module names (borrowed). */
static int pvb_loads_module(const pvb_ctx *c, const pvb_unit *u, int k, PyObject **mods)
{
    int op = u->insns[k].op;
    PyObject *nm = pvb_name(u, &u->insns[k]);
    PyObject *scopes[2];
    pvb_load_scopes(c, u, op, scopes);
    for (int s = 0; s < 2 && nm != NULL; s++) {
        PyObject *m = scopes[s] ? PyDict_GetItemWithError(scopes[s], nm) : NULL;
        if (m != NULL) {
            *mods = m;
            return 1;
        }
        if (PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* The module of `from M import name` whose IMPORT_FROM is instruction k: M (borrowed), or
 * NULL when that is not a plain absolute import sequence. */
static PyObject *pvb_import_from_module(const pvb_unit *u, int k)
{
    int p = k - 1;
    while (p >= 0 && !u->insns[p + 1].target &&
           (u->insns[p].op == OP_IMPORT_FROM || pvb_is_name_store(u->insns[p].op)))
        p--;
    if (p < 2 || u->insns[p + 1].target || u->insns[p].op != OP_IMPORT_NAME ||
        u->insns[p].target || u->insns[p - 1].op != OP_LOAD_CONST ||
        u->insns[p - 2].op != OP_LOAD_CONST)
        return NULL;
    PyObject *level = pvb_const(u, &u->insns[p - 2]);
    if (level == NULL || !PyLong_CheckExact(level) || PyLong_AsLong(level) != 0) {
        PyErr_Clear();
        return NULL;
    }
    return pvb_name(u, &u->insns[p]);
}

/* One pass over every load that starts a library value: a module, a name any store of which
 * is a library value (lib_names), or a function whose code returns one (lib_funcs). */
static int pvb_lib_pass(pvb_ctx *c, bool report)
{
    for (size_t x = 0; x < c->n; x++) {
        pvb_unit *u = &c->units[x];
        if (u->broken || u->sdepth == NULL)
            continue;
        for (int k = 0; k < u->ninsns; k++) {
            const pvb_insn *i = &u->insns[k];
            int op = i->op;
            if (op == OP_LOAD_CONST && pvb_op_is(u, k + 1, OP_MAKE_FUNCTION) &&
                pvb_at(u, k + 2) != NULL && u->sdepth[k + 2] >= 1) {
                /* a function that returns a library value: calling it makes one */
                PyObject *co = pvb_const(u, i);
                PyObject *key = co && PyCode_Check(co) ? PyLong_FromVoidPtr(co) : NULL;
                int r = key ? PySet_Contains(c->lib_funcs, key) : 0;
                Py_XDECREF(key);
                if (r == 1)
                    r = pvb_lib_follow(c, x, k + 2, u->sdepth[k + 2] - 1, false, false, NULL,
                                       true, report);
                if (r < 0 || PyErr_Occurred())
                    return -1;
                continue;
            }
            if (op == OP_LOAD_ATTR && u->sdepth[k] >= 1 && pvb_name(u, i) != NULL &&
                PySet_Contains(c->lib_attrs, pvb_name(u, i)) == 1) {
                /* an attribute some store gave a library value, whatever the object */
                if (pvb_lib_follow(c, x, k + 1, u->sdepth[k] - 1, false, false, NULL, true,
                                   report) < 0)
                    return -1;
                continue;
            }
            if (PyErr_Occurred())
                return -1;
            if (op == OP_IMPORT_FROM && pvb_at(u, k + 1) != NULL &&
                pvb_is_name_store(u->insns[k + 1].op) && !u->insns[k + 1].target) {
                /* from M import name: a member of an allowed module */
                PyObject *key = pvb_lib_key(c, x, k + 1);
                PyObject *mod = pvb_import_from_module(u, k);
                int r = key ? pvb_lib_add(c, c->lib_names, key) : PyErr_Occurred() ? -1 : 0;
                if (r == 0 && key &&
                    (!mod || pvn_call_makes_library_object(c->p, mod, pvb_name(u, i))))
                    r = pvb_lib_add(c, c->lib_makers, key);
                Py_XDECREF(key);
                if (r < 0)
                    return -1;
                continue;
            }
            if (op != OP_LOAD_FAST && op != OP_LOAD_NAME && op != OP_LOAD_GLOBAL &&
                op != OP_LOAD_DEREF && op != OP_LOAD_CLASSDEREF)
                continue;
            if (u->sdepth[k] < 0)
                continue;
            PyObject *mods = NULL;
            int lib = pvb_loads_module(c, u, k, &mods), maker = 1;
            if (lib == 0) {
                PyObject *key = pvb_lib_key(c, x, k);
                if (key == NULL && PyErr_Occurred())
                    return -1;
                lib = key ? PySet_Contains(c->lib_names, key) : 0;
                maker = lib == 1 ? PySet_Contains(c->lib_makers, key) : 1;
                Py_XDECREF(key);
                if (lib == 1)
                    lib = 2; /* a name bound to library values, not a module */
                if (maker < 0)
                    return -1;
            }
            if (lib < 0)
                return -1;
            if (lib == 0)
                continue;
            long slot = u->sdepth[k];
            bool callable = false, chain = lib == 1;
            if (op == OP_LOAD_GLOBAL && (i->arg & 1)) {
                callable = true; /* NULL, then the callee */
            } else if (pvb_at(u, k - 1) != NULL && u->insns[k - 1].op == OP_PUSH_NULL &&
                       !i->target && u->sdepth[k - 1] >= 0) {
                /* the PUSH_NULL may be a jump target (the statement after a loop or an if):
                 * only the load itself must not be */
                callable = true;
                slot = u->sdepth[k - 1];
            }
            /* PUSH_NULL; LOAD_NAME d; LOAD_ATTR get; ... calls a method of the library
             * object d, unless d is a module. */
            if (callable && !chain && pvb_at(u, k + 1) != NULL &&
                (u->insns[k + 1].op == OP_LOAD_ATTR || u->insns[k + 1].op == OP_LOAD_METHOD))
                continue;
            if (pvb_lib_follow(c, x, k + 1, slot, callable, chain, lib == 1 ? mods : NULL,
                               maker == 1, report) < 0)
                return -1;
        }
    }
    return 0;
}

/* class_only: the keys every store of which ends a class statement (a parameter, a delete,
 * an import or any other store makes the name anything). -1 on error. */
static int pvb_class_names(pvb_ctx *c)
{
    PyObject *other = PySet_New(NULL), *key = NULL;
    if ((c->class_only = PySet_New(NULL)) == NULL || other == NULL)
        goto fail;
    for (size_t x = 0; x < c->n; x++) {
        pvb_unit *u = &c->units[x];
        if (u->broken)
            continue;
        if (u->is_function) {
            /* parameters are bound by the call, locally and as cells */
            PyCodeObject *co = (PyCodeObject *)u->code;
            long nargs = (long)co->co_argcount + co->co_kwonlyargcount +
                         ((co->co_flags & CO_VARARGS) != 0) + ((co->co_flags & CO_VARKEYWORDS) != 0);
            for (long a = 0; a < nargs && a < PyTuple_GET_SIZE(u->varnames); a++) {
                PyObject *nm = PyTuple_GET_ITEM(u->varnames, a);
                for (int cell = 0; cell < 2; cell++) {
                    key = Py_BuildValue("(lO)", cell ? -2L : (long)x, nm);
                    if (key == NULL || PySet_Add(other, key) < 0)
                        goto fail;
                    Py_CLEAR(key);
                }
            }
        }
        for (int k = 0; k < u->ninsns; k++) {
            int op = u->insns[k].op;
            if (!pvb_is_name_store(op) && op != OP_DELETE_FAST && op != OP_DELETE_NAME &&
                op != OP_DELETE_GLOBAL && op != OP_DELETE_DEREF)
                continue;
            if ((key = pvb_lib_key(c, x, k)) == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                continue;
            }
            bool cls = pvb_is_name_store(op) && !u->insns[k].target && pvb_class_value(c, u, k - 1);
            if (PySet_Add(cls ? c->class_only : other, key) < 0)
                goto fail;
            Py_CLEAR(key);
        }
    }
    PyObject *it = PyObject_GetIter(other);
    while (it != NULL && (key = PyIter_Next(it)) != NULL) {
        int r = PySet_Discard(c->class_only, key);
        Py_CLEAR(key);
        if (r < 0)
            break;
    }
    Py_XDECREF(it);
    Py_DECREF(other);
    return PyErr_Occurred() ? -1 : 0;
fail:
    Py_XDECREF(key);
    Py_XDECREF(other);
    return -1;
}

/* Passes over the code, to a fixpoint of lib_names, lib_makers and lib_funcs, then one that
 * reports. A new pass is only needed for a name stored after its use; past PVB_LIB_ROUNDS
 * the analysis gives up and rejects (fail closed). */
#define PVB_LIB_ROUNDS 64

static int pvb_library_stores(pvb_ctx *c)
{
    if ((c->lib_names = PySet_New(NULL)) == NULL || (c->lib_makers = PySet_New(NULL)) == NULL ||
        (c->lib_funcs = PySet_New(NULL)) == NULL || (c->lib_attrs = PySet_New(NULL)) == NULL ||
        pvb_class_names(c) < 0)
        goto pyfail;
    int round = 0;
    do {
        c->lib_grew = false;
        Py_XSETREF(c->lib_seen, PySet_New(NULL));
        if (c->lib_seen == NULL || pvb_lib_pass(c, false) < 0)
            goto pyfail;
    } while (c->lib_grew && ++round < PVB_LIB_ROUNDS);
    if (c->lib_grew && c->n > 0)
        pvb_report(c, &c->units[0], -1, PVR_BC_LIBRARY_STORE,
                   "library values pass through more than %d chained stores made after their "
                   "use; the verifier cannot tell which objects are the program's",
                   PVB_LIB_ROUNDS);
    Py_XSETREF(c->lib_seen, PySet_New(NULL));
    if (c->lib_seen == NULL || pvb_lib_pass(c, true) < 0)
        goto pyfail;
    return 0;
pyfail:
    return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: library stores");
}

/* ---- checking ------------------------------------------------------------------------------- */

/* The compiler-generated names CPython puts in class bodies and modules, recognised by the
 * exact instruction pattern around instruction k (a STORE_NAME or LOAD_NAME of `nm`). */
static bool pvb_generated_name(const pvb_ctx *c, const pvb_unit *u, int k, PyObject *nm)
{
    const pvb_insn *i = &u->insns[k];
    int p0 = u->prologue;

    if (i->op == OP_LOAD_NAME) {
        /* if __name__ == "__main__": at module level, either operand order; only the
         * comparison's truth value is used (issue 16). */
        if (u->is_module && pvb_is(nm, "__name__") && !i->target) {
            PyObject *m = NULL;
            int cmp = -1;
            if (pvb_load_str(u, k + 1, &m) && !u->insns[k + 1].target)
                cmp = k + 2;
            else if (pvb_load_str(u, k - 1, &m))
                cmp = k + 1;
            const pvb_insn *ci = pvb_at(u, cmp), *ji = pvb_at(u, cmp + 1);
            if (cmp > 0 && pvb_is(m, "__main__") && ci != NULL && ci->op == OP_COMPARE_OP &&
                ci->arg == 2 && !ci->target && ji != NULL && !ji->target &&
                (ji->op == OP_POP_JUMP_FORWARD_IF_FALSE || ji->op == OP_POP_JUMP_FORWARD_IF_TRUE))
                return true;
        }
        /* Class prologue: LOAD_NAME __name__; STORE_NAME __module__ */
        if (u->is_class && k == p0 && pvb_is(nm, "__name__") &&
            pvb_op_is(u, k + 1, OP_STORE_NAME) &&
            pvb_is(pvb_name(u, &u->insns[k + 1]), "__module__"))
            return true;
        /* Annotations: LOAD_NAME __annotations__; LOAD_CONST <str>; STORE_SUBSCR */
        return pvb_annotation_at(c->p, u, k, NULL);
    }
    if (i->op != OP_STORE_NAME || i->target)
        return false;
    if (u->is_class && k == p0 + 1 && pvb_is(nm, "__module__"))
        return pvb_op_is(u, p0, OP_LOAD_NAME) && pvb_is(pvb_name(u, &u->insns[p0]), "__name__");
    if (u->is_class && k == p0 + 3 && pvb_is(nm, "__qualname__"))
        return pvb_load_str(u, p0 + 2, NULL) && !u->insns[p0 + 2].target &&
               u->insns[p0 + 1].op == OP_STORE_NAME &&
               pvb_is(pvb_name(u, &u->insns[p0 + 1]), "__module__");
    /* __slots__ = <literal names> and __all__ = <literal names> in module and class bodies
     * (issue 16). */
    if ((u->is_class || u->is_module) && (pvb_is(nm, "__slots__") || pvb_is(nm, "__all__")))
        return pvb_literal_names(c->p, u, k, NULL) == 1;
    /* Docstrings: LOAD_CONST <str>; STORE_NAME __doc__ */
    if ((u->is_class || u->is_module) && pvb_is(nm, "__doc__"))
        return pvb_load_str(u, k - 1, NULL);
    /* Class epilogue: LOAD_CLOSURE __class__; COPY 1; STORE_NAME __classcell__; RETURN_VALUE */
    if (u->is_class && pvb_is(nm, "__classcell__")) {
        const pvb_insn *lc = pvb_at(u, k - 2);
        return pvb_op_is(u, k - 1, OP_COPY) && u->insns[k - 1].arg == 1 && lc != NULL &&
               lc->op == OP_LOAD_CLOSURE && pvb_is(pvb_name(u, lc), "__class__") &&
               (u->lpkind[lc->arg] & LP_CELL) && pvb_op_is(u, k + 1, OP_RETURN_VALUE);
    }
    /* Special methods: MAKE_FUNCTION (PRECALL 0; CALL 0 per decorator)* STORE_NAME __x__ */
    if (u->is_class && pvn_special_method(c->p, nm)) {
        int j = k - 1;
        while (j >= 1 && pvb_op_is(u, j, OP_CALL) && u->insns[j].arg == 0 &&
               pvb_op_is(u, j - 1, OP_PRECALL) && u->insns[j - 1].arg == 0)
            j -= 2;
        return pvb_at(u, j) != NULL && u->insns[j].op == OP_MAKE_FUNCTION;
    }
    return false;
}

/* Check the name of fast-locals slot `idx` once (at its first use, or at the definition). */
static void pvb_check_local(pvb_ctx *c, pvb_unit *u, int k, int idx)
{
    if (idx < 0 || idx >= u->nlp || u->lpdone[idx])
        return;
    u->lpdone[idx] = 1;
    PyObject *nm = u->lp[idx];
    if (pvb_is(nm, ".0")) {
        /* The iterator argument of comprehension and generator-expression code objects. */
        if (!(u->is_comprehension && idx == 0))
            pvb_report(c, u, k, PVR_BC_NAME, "local '.0' outside a comprehension's first argument");
        return;
    }
    if (pvb_is(nm, "__class__")) {
        /* The implicit cell of a class body, passed to methods as a free variable for
         * zero-argument super(); only cell handling may touch it (see pvb_check_free). */
        if (!((u->is_class && (u->lpkind[idx] & LP_CELL)) ||
              (u->is_function && u->lpkind[idx] == LP_FREE)))
            pvb_report(c, u, k, PVR_BC_NAME, "'__class__' is a cell of a class body or a free "
                       "variable of a method, not a %s here",
                       u->lpkind[idx] & LP_FREE ? "free variable"
                       : u->lpkind[idx] & LP_CELL ? "cell" : "local");
        return;
    }
    if (!pvb_identifier(nm)) {
        pvb_report(c, u, k, PVR_BC_NAME, "local name '%s' is not an identifier", pvb_str(nm));
        return;
    }
    pvn_verdict v = pvn_check_name(c->p, nm);
    if (v != PVN_OK)
        pvb_report(c, u, k, PVR_BC_NAME, "local name '%s' %s", pvb_str(nm), pvn_describe(v));
}

/* After loading a name that holds a module (k), the module may only be the base of
 * LOAD_ATTR/LOAD_METHOD of an allowed member (a chain through allowed submodules). */
static int pvb_check_module_use(pvb_ctx *c, pvb_unit *u, int k, PyObject *nm)
{
    PyObject *cur = NULL, *next = NULL;
    int rc = 0, op = u->insns[k].op;
    PyObject *scopes[2];
    pvb_load_scopes(c, u, op, scopes);
    if ((cur = PyList_New(0)) == NULL)
        goto pyfail;
    for (int s = 0; s < 2; s++) {
        PyObject *mods = scopes[s] ? PyDict_GetItemWithError(scopes[s], nm) : NULL;
        if (mods == NULL && PyErr_Occurred())
            goto pyfail;
        PyObject *it = mods ? PyObject_GetIter(mods) : NULL, *m;
        if (mods != NULL && it == NULL)
            goto pyfail;
        while (it != NULL && (m = PyIter_Next(it)) != NULL) {
            int r = PyList_Append(cur, m);
            Py_DECREF(m);
            if (r < 0)
                break;
        }
        Py_XDECREF(it);
        if (PyErr_Occurred())
            goto pyfail;
    }
    if (PyList_GET_SIZE(cur) == 0)
        goto out;
    /* The candidates come from sets: sort them so that messages do not depend on the hash
     * seed. */
    if (PyList_Sort(cur) < 0)
        goto pyfail;
    for (int j = k + 1;; j++) {
        pvb_insn *i = (pvb_insn *)pvb_at(u, j);
        if (i == NULL || i->target || (i->op != OP_LOAD_ATTR && i->op != OP_LOAD_METHOD)) {
            pvb_report(c, u, k, PVR_BC_MODULE_VALUE, "'%s' holds a module and is used as a value",
                       pvb_str(nm));
            break;
        }
        PyObject *attr = pvb_name(u, i);
        i->member = 1;
        if ((next = PyList_New(0)) == NULL)
            goto pyfail;
        for (Py_ssize_t m = 0; m < PyList_GET_SIZE(cur); m++) {
            PyObject *mod = PyList_GET_ITEM(cur, m), *sub = NULL;
            pvn_verdict v = pvn_module_member(c->p, mod, attr, &sub);
            if (PyErr_Occurred())
                goto pyfail;
            if (v != PVN_OK) {
                pvb_report(c, u, j, PVR_BC_MODULE_VALUE, "'%s' is not an allowed member of "
                           "module '%s' (%s)", pvb_str(attr), pvb_str(mod), pvn_describe(v));
                Py_XDECREF(sub);
                goto out;
            }
            if (sub != NULL && PyList_Append(next, sub) < 0) {
                Py_DECREF(sub);
                goto pyfail;
            }
            Py_XDECREF(sub);
        }
        /* A member that is itself an allowed module continues the chain (M.sub.name). */
        if (PyList_GET_SIZE(next) == 0 || i->op == OP_LOAD_METHOD)
            break;
        Py_SETREF(cur, next);
        next = NULL;
    }
    goto out;
pyfail:
    rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer: module members");
out:
    Py_XDECREF(cur);
    Py_XDECREF(next);
    return rc;
}

/* LOAD_GLOBAL/LOAD_NAME of a name that is not a local: an allowed builtin, or bound by the
 * program at module level (or in this class body), or a host input; never a forbidden
 * builtin, whatever the program binds. */
static void pvb_check_global_load(pvb_ctx *c, pvb_unit *u, int k, PyObject *nm)
{
    const pv_policy *p = c->p;
    if (pvn_builtin_allowed(p, nm))
        return;
    if (pvn_is_builtin(p, nm)) {
        pvb_report(c, u, k, PVR_BC_BUILTIN, "'%s' can reach a builtin the policy forbids",
                   pvb_str(nm));
        return;
    }
    if (pvb_in(c->module_bound, nm) || pvb_in(c->prog->globals, nm) ||
        (u->is_class && u->insns[k].op == OP_LOAD_NAME && pvb_in(u->class_names, nm)))
        return;
    pvb_report(c, u, k, PVR_BC_BUILTIN, "global '%s' is neither an allowed builtin nor bound "
               "by the program", pvb_str(nm));
}

/* super().<special method>: LOAD_GLOBAL (NULL + super); PRECALL 0; CALL 0; LOAD_METHOD|LOAD_ATTR
 * in a method that has the __class__ cell, with the real builtin super. */
static bool pvb_super_call(const pvb_ctx *c, const pvb_unit *u, int k, PyObject *attr)
{
    const pvb_insn *g = pvb_at(u, k - 3);
    if (!u->is_function || g == NULL || g->op != OP_LOAD_GLOBAL || !(g->arg & 1) ||
        !pvb_is(pvb_name(u, g), "super") || !pvb_op_is(u, k - 2, OP_PRECALL) ||
        u->insns[k - 2].arg != 0 || !pvb_op_is(u, k - 1, OP_CALL) || u->insns[k - 1].arg != 0 ||
        u->insns[k].target)
        return false;
    if (pvb_in(c->module_bound, pvb_name(u, g)) || pvb_in(c->prog->globals, pvb_name(u, g)))
        return false;
    bool has_class_cell = false;
    for (int j = 0; j < u->nlp; j++)
        if (u->lpkind[j] == LP_FREE && pvb_is(u->lp[j], "__class__"))
            has_class_cell = true;
    return has_class_cell && pvn_special_method(c->p, attr);
}

/* Attribute operands: LOAD_ATTR, LOAD_METHOD, STORE_ATTR, DELETE_ATTR. */
static void pvb_check_attr(pvb_ctx *c, pvb_unit *u, int k, PyObject *attr)
{
    const pvb_insn *i = &u->insns[k];
    const pvb_insn *prev = pvb_at(u, k - 1);
    /* a host-function stub has nothing to inspect (runtime/hoststub.c) */
    if (prev && !i->target && (prev->op == OP_LOAD_GLOBAL || prev->op == OP_LOAD_NAME) &&
        pvb_in(c->p->host_functions, pvb_name(u, prev))) {
        pvb_report(c, u, k, PVR_BC_HOST_ATTR, "'%s' is a host function: it has no attributes",
                   pvb_str(pvb_name(u, prev)));
        return;
    }
    if (i->member)
        return; /* an allowed module member, checked by pvb_check_module_use */
    if ((i->op == OP_LOAD_ATTR || i->op == OP_LOAD_METHOD)) {
        if (pvb_is(attr, "format") || pvb_is(attr, "format_map")) {
            /* str.format reads attributes and items named in the template (CVE-2023-41039):
             * only directly on a literal whose fields are plain. */
            PyObject *tmpl = NULL;
            if (i->target || !pvb_load_str(u, k - 1, &tmpl)) {
                pvb_report(c, u, k, PVR_BC_CONST, ".%s is not applied to a string constant",
                           pvb_str(attr));
                return;
            }
            if (!pvn_format_template_safe(c->p, tmpl)) {
                pvb_report(c, u, k, PVR_BC_CONST, "format template '%.80s' reaches attributes "
                           "or items", pvb_str(tmpl));
                return;
            }
        }
        if (pvb_super_call(c, u, k, attr))
            return;
    }
    if (c->namedtuples && pvn_namedtuple_api(attr))
        return;
    pvn_verdict v = pvb_identifier(attr) ? pvn_check_attr(c->p, attr, c->attrs) : PVN_DENIED;
    if (v != PVN_OK)
        pvb_report(c, u, k, v == PVN_LIBRARY_NAME ? PVR_BC_ATTR_LIBRARY_NAME : PVR_BC_ATTR,
                   "attribute '%s' %s", pvb_str(attr), pvb_why(v, attr));
}

/* A constant tuple of names (MATCH_CLASS keywords, KW_NAMES). */
static void pvb_check_name_tuple(pvb_ctx *c, pvb_unit *u, int k, PyObject *t, bool attrs,
                                 const char *what)
{
    if (t == NULL || !PyTuple_CheckExact(t)) {
        pvb_report(c, u, k, PVR_BC_CONST, "%s are not a constant tuple", what);
        return;
    }
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(t); j++) {
        PyObject *nm = PyTuple_GET_ITEM(t, j);
        if (!PyUnicode_CheckExact(nm)) {
            pvb_report(c, u, k, PVR_BC_CONST, "%s hold a non-string", what);
            continue;
        }
        pvn_verdict v = !pvb_identifier(nm) ? PVN_DENIED
                        : attrs ? pvn_check_attr(c->p, nm, c->attrs) : pvn_check_name(c->p, nm);
        if (v != PVN_OK)
            pvb_report(c, u, k, v == PVN_LIBRARY_NAME ? PVR_BC_ATTR_LIBRARY_NAME : PVR_BC_CONST,
                       "%s: '%s' %s", what, pvb_str(nm), pvb_why(v, nm));
    }
}

/* class C(Base, metaclass=M) / class C(x=1): keywords of a call of what LOAD_BUILD_CLASS
 * pushed run the metaclass or __init_subclass__ with them at class creation. The stack
 * analysis (bytecode_struct.c, TG_BUILDCLASS) marks every call whose callable may be it, on
 * any path: a __build_class__ kept in a variable cannot be made (crafted .pyc), since only a
 * call may read it. */
#define PVB_CLASS_KW_HINT "remove metaclass= and other class keywords (see PV102)"
static void pvb_check_class_call(pvb_ctx *c, pvb_unit *u, int j)
{
    const pvb_insn *i = &u->insns[j];
    if (i->op == OP_PRECALL) {
        const pvb_insn *kw = pvb_at(u, j - 1);
        PyObject *t = (kw != NULL && kw->op == OP_KW_NAMES) ? pvb_const(u, kw) : NULL;
        if (t != NULL)
            pvb_report_hint(c, u, j - 1, PVR_BC_CONST, PVB_CLASS_KW_HINT, "class keyword "
                            "'%.100s' is passed to the metaclass or __init_subclass__ when the "
                            "class is created", pvb_repr_names(t));
    } else if (i->op == OP_CALL_FUNCTION_EX && (i->arg & 1)) {
        pvb_report_hint(c, u, j, PVR_BC_CONST, PVB_CLASS_KW_HINT, "class keywords (**mapping) "
                        "are passed to the metaclass or __init_subclass__ when the class is "
                        "created");
    }
}

/* The rules for one instruction. Returns <0 on library failure. */
static int pvb_check_insn(pvb_ctx *c, pvb_unit *u, int k)
{
    const pvb_insn *i = &u->insns[k];
    PyObject *nm = pvb_name(u, i), *v;
    pvn_verdict vd;

    /* Metaclasses and __init_subclass__ run code implicitly at class creation. */
    if (i->builds_class)
        pvb_check_class_call(c, u, k);
    switch (i->op) {
    case OP_LOAD_NAME:
    case OP_LOAD_GLOBAL:
        /* A name no local binds falls back to builtins: __builtins__, eval, getattr ... */
        if (pvb_generated_name(c, u, k, nm))
            break;
        vd = pvb_identifier(nm) ? pvn_check_name(c->p, nm) : PVN_DENIED;
        if (vd != PVN_OK) {
            pvb_report(c, u, k, PVR_BC_NAME, "global name '%s' %s", pvb_str(nm), pvb_why(vd, nm));
            break;
        }
        pvb_check_global_load(c, u, k, nm);
        if (pvb_check_module_use(c, u, k, nm) < 0)
            return -1;
        break;
    case OP_STORE_NAME:
    case OP_STORE_GLOBAL:
    case OP_DELETE_NAME:
    case OP_DELETE_GLOBAL:
        /* Dunder bindings reach interpreter internals (__builtins__ = ..., __class__ = ...). */
        if (pvb_generated_name(c, u, k, nm))
            break;
        vd = pvb_identifier(nm) ? pvn_check_name(c->p, nm) : PVN_DENIED;
        if (vd != PVN_OK) {
            pvb_report(c, u, k, PVR_BC_NAME, "name '%s' %s", pvb_str(nm), pvb_why(vd, nm));
            break;
        }
        /* At module and class level a binding does not reliably hide the builtin. */
        if (pvn_is_builtin(c->p, nm) && !pvn_builtin_allowed(c->p, nm))
            pvb_report(c, u, k, PVR_BC_BUILTIN, "%s of '%s', the name of a forbidden builtin, at "
                       "module or class level", pvb_tab.name[i->op], pvb_str(nm));
        break;
    case OP_LOAD_FAST:
    case OP_STORE_FAST:
    case OP_DELETE_FAST:
        /* Function locals: the name rules; a local may hold a module (import in a function). */
        pvb_check_local(c, u, k, (int)i->arg);
        if (i->op == OP_LOAD_FAST && pvb_check_module_use(c, u, k, nm) < 0)
            return -1;
        break;
    case OP_MAKE_CELL:
    case OP_LOAD_CLOSURE:
    case OP_LOAD_DEREF:
    case OP_STORE_DEREF:
    case OP_DELETE_DEREF:
    case OP_LOAD_CLASSDEREF:
        /* Cells: LOAD_DEREF __class__ would hand out the class cell's contents directly. */
        if (pvb_is(nm, "__class__") && i->op != OP_MAKE_CELL && i->op != OP_LOAD_CLOSURE) {
            pvb_report(c, u, k, PVR_BC_NAME, "%s of '__class__': only CPython's cell handling "
                       "may use it", pvb_tab.name[i->op]);
            break;
        }
        pvb_check_local(c, u, k, (int)i->arg);
        if ((i->op == OP_LOAD_DEREF || i->op == OP_LOAD_CLASSDEREF) &&
            pvb_check_module_use(c, u, k, nm) < 0)
            return -1;
        break;
    case OP_LOAD_ATTR:
    case OP_LOAD_METHOD:
    case OP_STORE_ATTR:
    case OP_DELETE_ATTR:
        /* The object graph: __class__, __subclasses__, gi_frame, f_globals, mro ... */
        pvb_check_attr(c, u, k, nm);
        break;
    case OP_IMPORT_NAME:
        /* Modules outside the allowlist, relative and star imports. */
        return pvb_import_seq(c, u, k, true);
    case OP_IMPORT_FROM:
        /* Only inside an import sequence, where its member was checked. */
        if (!i->imported)
            pvb_report(c, u, k, PVR_BC_IMPORT, "IMPORT_FROM '%s' outside an import statement",
                       pvb_str(nm));
        break;
    case OP_KW_NAMES:
        /* f(__class__=1): keyword names become dunder keys of namespaces. */
        pvb_check_name_tuple(c, u, k, pvb_const(u, i), false, "keyword argument names");
        break;
    case OP_MATCH_CLASS:
        /* case C(attr=x) reads C's attribute `attr`: the names come from the constant. */
        if (i->target || !pvb_op_is(u, k - 1, OP_LOAD_CONST))
            pvb_check_name_tuple(c, u, k, NULL, true, "match-class keyword names");
        else
            pvb_check_name_tuple(c, u, k, pvb_const(u, &u->insns[k - 1]), true,
                                 "match-class keyword names");
        break;
    case OP_LOAD_CONST:
        /* Code objects only become functions: never values (exec, replace ...). */
        v = pvb_const(u, i);
        if (v != NULL && PyCode_Check(v) && !pvb_op_is(u, k + 1, OP_MAKE_FUNCTION))
            pvb_report(c, u, k, PVR_BC_STRUCTURE, "a code object constant is used as a value");
        break;
    case OP_MAKE_FUNCTION: {
        /* ceval trusts that the top of the stack is a code object. */
        const pvb_insn *lc = pvb_at(u, k - 1);
        v = (lc != NULL && lc->op == OP_LOAD_CONST && !i->target) ? pvb_const(u, lc) : NULL;
        if (v == NULL || !PyCode_Check(v))
            pvb_report(c, u, k, PVR_BC_STRUCTURE, "MAKE_FUNCTION without a constant code object");
        break;
    }
    default:
        break;
    }
    if (PyErr_Occurred())
        return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: checking names");
    return 0;
}

/* ---- walking the code objects -------------------------------------------------------------- */

/* Find code objects in co_consts (in tuples/frozensets they are an error). Appends them. */
static int pvb_children(pvb_ctx *c, size_t x, bool *stop)
{
    PyObject *consts = c->units[x].consts;
    int depth = c->units[x].depth;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(consts) && !*stop; j++) {
        PyObject *o = PyTuple_GET_ITEM(consts, j);
        if (PyTuple_Check(o) || PyFrozenSet_Check(o)) {
            /* Constant folding never puts code objects in containers; look, iteratively. */
            PyObject *stack = PyList_New(0);
            if (stack == NULL || PyList_Append(stack, o) < 0) {
                Py_XDECREF(stack);
                return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: constants");
            }
            while (PyList_GET_SIZE(stack) > 0) {
                Py_ssize_t last = PyList_GET_SIZE(stack) - 1;
                PyObject *t = PyList_GET_ITEM(stack, last), *seq;
                Py_INCREF(t);
                if (PyList_SetSlice(stack, last, last + 1, NULL) < 0 ||
                    (seq = PySequence_Tuple(t)) == NULL) {
                    Py_DECREF(t);
                    Py_DECREF(stack);
                    return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: constants");
                }
                Py_DECREF(t);
                for (Py_ssize_t m = 0; m < PyTuple_GET_SIZE(seq); m++) {
                    PyObject *e = PyTuple_GET_ITEM(seq, m);
                    if (PyCode_Check(e)) {
                        pvb_report(c, &c->units[x], -1, PVR_BC_STRUCTURE, "a code object is "
                                   "hidden in a constant tuple or frozenset");
                        c->units[x].broken = true;
                    } else if ((PyTuple_Check(e) || PyFrozenSet_Check(e)) &&
                               PyList_Append(stack, e) < 0) {
                        Py_DECREF(seq);
                        Py_DECREF(stack);
                        return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: constants");
                    }
                }
                Py_DECREF(seq);
            }
            Py_DECREF(stack);
            continue;
        }
        if (!PyCode_Check(o))
            continue;
        if ((unsigned)depth + 1 > PV_MAX_CODE_NESTING || c->n >= PV_DEFAULT_MAX_CODE_OBJECTS) {
            pvb_report(c, &c->units[x], -1, PVR_BC_LIMIT, "more than %u code objects, or nested "
                       "deeper than %u", PV_DEFAULT_MAX_CODE_OBJECTS, PV_MAX_CODE_NESTING);
            *stop = true;
            return 0;
        }
        if (c->n == c->cap) {
            size_t ncap = c->cap ? 2 * c->cap : 16;
            pvb_unit *nu = realloc(c->units, ncap * sizeof *nu);
            if (nu == NULL)
                return pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
            c->units = nu;
            c->cap = ncap;
        }
        pvb_unit *u = &c->units[c->n++];
        memset(u, 0, sizeof *u);
        Py_INCREF(o);
        u->code = o;
        u->depth = depth + 1;
    }
    return 0;
}

int pvb_check(pv_program *prog, const pv_policy *p, PyObject *code)
{
    return pvb_check_ex(prog, p, code, 0);
}

int pvb_check_ex(pv_program *prog, const pv_policy *p, PyObject *code, unsigned flags)
{
    pvb_ctx c;
    int rc;
    bool stop = false;

    memset(&c, 0, sizeof c);
    c.structure_only = (flags & PVB_STRUCTURE_ONLY) != 0;
    if (prog == NULL || p == NULL || code == NULL || !PyCode_Check(code))
        return pv_fail(PV_ERR_INVALID, "pvb_check: not a code object");
    if ((rc = pvb_tables()) < 0)
        return rc;
    c.prog = prog;
    c.p = p;
    c.attrs = PySet_New(NULL);
    c.module_bound = PySet_New(NULL);
    c.modvars = PyDict_New();
    c.modcells = PyDict_New();
    c.cap = 16;
    c.units = calloc(c.cap, sizeof *c.units);
    if (c.attrs == NULL || c.module_bound == NULL || c.modvars == NULL || c.modcells == NULL) {
        rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer: setup");
        goto done;
    }
    if (c.units == NULL) {
        rc = pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
        goto done;
    }
    Py_INCREF(code);
    c.units[0].code = code;
    c.units[0].depth = 1;
    c.n = 1;

    /* Breadth-first over the code objects (the array is the worklist): load, decode,
     * check the structure, queue the children. */
    for (size_t x = 0; x < c.n; x++) {
        if ((rc = pvb_load_unit(&c, &c.units[x])) < 0 || (rc = pvb_decode(&c, &c.units[x])) < 0)
            goto done;
        if (!stop && (rc = pvb_children(&c, x, &stop)) < 0)
            goto done;
    }
    if (c.structure_only) {
        rc = 0;
        goto done;
    }
    if ((rc = pvb_collect(&c)) < 0 || (rc = pvb_library_stores(&c)) < 0)
        goto done;
    for (size_t x = 0; x < c.n; x++) {
        pvb_unit *u = &c.units[x];
        if (u->broken)
            continue; /* reported; its operands cannot be trusted */
        for (int k = 0; k < u->ninsns && !prog->diags.overflowed; k++)
            if ((rc = pvb_check_insn(&c, u, k)) < 0)
                goto done;
        for (int j = 0; j < u->nlp; j++)
            pvb_check_local(&c, u, -1, j); /* declared but unused names (parameters) */
    }
    rc = 0;
done:
    for (size_t x = 0; x < c.n; x++)
        pvb_unit_free(&c.units[x]);
    free(c.units);
    Py_XDECREF(c.attrs);
    Py_XDECREF(c.module_bound);
    Py_XDECREF(c.modvars);
    Py_XDECREF(c.modcells);
    Py_XDECREF(c.lib_names);
    Py_XDECREF(c.lib_makers);
    Py_XDECREF(c.lib_funcs);
    Py_XDECREF(c.class_only);
    Py_XDECREF(c.lib_seen);
    Py_XDECREF(c.lib_attrs);
    if (rc == 0 && PyErr_Occurred())
        rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer");
    return rc;
}
