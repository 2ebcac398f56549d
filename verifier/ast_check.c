/*
 * ast_check.c: layer 1, the AST verifier.
 *
 * One walk over the tree CPython's parser built, with an explicit stack (the input
 * decides the depth, never the C stack). The walk is generic: every field of every node
 * is visited through the node class's _fields, so no sub-tree can be forgotten; rules are
 * attached per node kind. Checks that depend on the whole program (scopes, names the
 * program defines) are recorded during the walk and decided after it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ast_nodes.h"
#include "scope.h"

/* ---- walker state ---------------------------------------------------------------------- */

enum {
    FL_CALL_FUNC = 1u << 0,  /* the func of a Call */
    FL_ATTR_BASE = 1u << 1,  /* the value of an Attribute */
    FL_CLASS_BODY = 1u << 2, /* a statement directly in a class body */
    FL_FIRST_GEN = 1u << 3,  /* the first generator of a comprehension */
    FL_WALRUS = 1u << 4,     /* the target of a NamedExpr */
    FL_AUG = 1u << 5,        /* the target of an AugAssign: loaded, then stored */
    FL_DEAD = 1u << 6,       /* (name references) in code the compiler drops */
    FL_ANN_ONLY = 1u << 7    /* the target of an AnnAssign without a value: not stored */
};


typedef struct frame {
    PyObject *node;  /* borrowed: the tree owns it */
    PyObject *pos;   /* borrowed: nearest node with a position (itself or an ancestor) */
    unsigned depth;
    int scope;       /* where expressions of this node evaluate */
    int bind_scope;  /* where an `arg` binds */
    unsigned flags;
    bool dead;       /* code CPython's compiler drops as unreachable (see dead_from) */
} frame;

typedef struct nameref {
    PyObject *name;  /* borrowed */
    PyObject *pos;   /* borrowed */
    int scope;
    int ctx;
    unsigned flags;
} nameref;

typedef struct attrref {
    PyObject *node;  /* borrowed: an outermost Attribute, or a MatchClass for kwd */
    PyObject *attr;  /* borrowed: for match-class keywords only */
    int scope;
    unsigned flags;
} attrref;

typedef struct binding {
    PyObject *name;  /* borrowed */
    PyObject *value; /* borrowed: the assigned expression; NULL for a module member */
    int scope;
    bool maker;      /* a module member (value NULL): calling it makes a library object */
    int vscope;      /* libcands: the scope `value` is evaluated in (scope unless noted) */
    bool ret;        /* libcands: a value the function `name` returns or yields: calling
                        `name` makes a library object when `value` is one */
} binding;

typedef struct walker {
    pv_program *prog;
    const pv_policy *p;
    bool rules;
    frame *stack;
    size_t n, cap;
    size_t nodes;
    bool stop;            /* a limit was hit: abandon the walk */
    pvsc_table sc;
    PyObject *program_attrs; /* owned set: attribute names the program defines */
    PyObject *held;          /* owned list: names a ref points to that no node owns (the
                                `a` of `import a.b`, a substring made by the walk) */
    nameref *refs;
    size_t nrefs, caprefs;
    attrref *chains;
    size_t nchains, capchains;
    attrref *kwds;
    size_t nkwds, capkwds;
    binding *libcands;        /* `name = <expr>` and `from M import name`: value or NULL */
    size_t nlibcands, caplibcands;
    PyObject *lib_names;      /* owned set of (scope, name): bound only to library values */
    PyObject *lib_makers;     /* owned subset of lib_names: calling them makes library objects */
    PyObject *fn_of;          /* owned dict: function scope (int) -> (def scope, name) */
    PyObject *inner_of;       /* owned dict: id of a Lambda or comprehension node -> its scope */
    binding *taints;          /* stores into containers and attributes: `name` is the target
                                 expression (X.a, X[k], or X of a call X.m(...)), `value` the
                                 stored value or the call */
    size_t ntaints, captaints;
    PyObject *lib_attrs;      /* owned set of attribute names some store gives a library value */
    binding *binds;           /* every binding of a name (maker: by a class statement) */
    size_t nbinds, capbinds;
    PyObject *class_only;     /* owned set of (scope, name): bound only by class statements
                                 (calling one makes an instance of a program class) */
    bool namedtuples;         /* the program calls namedtuple: its API is readable */
    PyObject *dunder_ok;      /* owned set of ids of Name nodes in an allowed dunder shape
                                 (main guard, __slots__/__all__ literals) */
    PyObject *name_verdicts;  /* owned dict str -> int: pvn_check_name() of this policy */
    PyObject *attr_verdicts;  /* owned dict str -> int: pvn_check_attr() once the walk is done */
} walker;

#define GROW(arr, n, cap)                                                   \
    do {                                                                    \
        if ((n) == (cap)) {                                                 \
            size_t c_ = (cap) ? (cap) * 2 : 64;                             \
            void *p_ = realloc((arr), c_ * sizeof *(arr));                  \
            if (!p_) {                                                      \
                PyErr_NoMemory();                                           \
                return -1;                                                  \
            }                                                               \
            (arr) = p_;                                                     \
            (cap) = c_;                                                     \
        }                                                                   \
    } while (0)

static void diag(walker *w, PyObject *pos, pv_rule rule, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void diag(walker *w, PyObject *pos, pv_rule rule, const char *hint, const char *fmt, ...)
{
    int line = 0, col = -1, eline = 0, ecol = -1;
    if (pos) {
        line = int_field(pos, S_lineno, 0);
        col = int_field(pos, S_col_offset, -1);
        eline = int_field(pos, S_end_lineno, 0);
        ecol = int_field(pos, S_end_col_offset, -1);
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pvd_add(w->prog, rule, pvr_info(rule)->layer, line, col, eline, ecol, hint, "%s", buf);
}

/* A diagnostic on the attribute name of an Attribute node: it is the node's last token,
 * so it ends where the node ends. */
static void diag_attr(walker *w, PyObject *node, PyObject *attr, pv_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void diag_attr(walker *w, PyObject *node, PyObject *attr, pv_rule rule, const char *fmt, ...)
{
    int eline = int_field(node, S_end_lineno, 0);
    int ecol = int_field(node, S_end_col_offset, -1);
    (void)attr;
    /* The name token ends where the node ends; it starts after the last byte that cannot
     * be part of an identifier. (The source token may differ from the NFKC-normalised name,
     * e.g. fullwidth letters, so its length is read from the source, not from `attr`.) */
    int col = -1;
    const pv_program *prog = w->prog;
    if (eline >= 1 && (size_t)eline <= prog->nlines && ecol > 0) {
        const char *line = prog->utf8 + prog->line_starts[eline - 1];
        int i = ecol;
        while (i > 0) {
            unsigned char b = (unsigned char)line[i - 1];
            if (b >= 0x80 || b == '_' || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z'))
                i--;
            else
                break;
        }
        col = i < ecol ? i : -1;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (col < 0 || eline <= 0) {
        diag(w, node, rule, NULL, "%s", buf);
        return;
    }
    pvd_add(w->prog, rule, pvr_info(rule)->layer, eline, col, eline, ecol, NULL, "%s", buf);
}

static int push(walker *w, PyObject *child, const frame *parent, int scope, int bind, unsigned flags)
{
    if (!child || child == Py_None)
        return 0;
    GROW(w->stack, w->n, w->cap);
    frame *f = &w->stack[w->n++];
    f->node = child;
    f->pos = parent->pos;
    f->depth = parent->depth + 1;
    f->scope = scope;
    f->bind_scope = bind;
    f->flags = flags;
    /* a function, class, lambda or comprehension body is a code object of its own, which
       the bytecode layer checks even when its definition is dropped: dead code does not
       reach into it */
    f->dead = scope == parent->scope && parent->dead;
    return 0;
}

/* Statements the compiler drops, so that the bytecode never binds what they bind: those
 * after a return, raise, break or continue in the same list, and the branch of an `if` or
 * `while` whose test is a literal constant that never takes it. Their names are still
 * checked; only their bindings do not count for module and class namespaces (a name bound
 * there only in dropped code is unbound when the program runs, as in the bytecode layer).
 * Returns the index of the first dead statement of `list` (its length when none). */
static Py_ssize_t dead_from(PyObject *list)
{
    Py_ssize_t n = PyList_GET_SIZE(list);
    for (Py_ssize_t i = 0; i < n; i++) {
        int k = kind_of(PyList_GET_ITEM(list, i));
        if (k == K_Return || k == K_Raise || k == K_Break || k == K_Continue)
            return i + 1;
    }
    return n;
}

/* For the body or orelse of an If/While with a literal constant test: whether that branch
 * can never run (1), can run (0), or the test is not a literal constant (-1). */
static int branch_never_runs(PyObject *node, PyObject *name)
{
    int k = kind_of(node), truth;
    PyObject *test;
    if (k != K_If && k != K_While)
        return -1;
    test = field(node, S_test);
    if (!test || kind_of(test) != K_Constant)
        return -1;
    {
        PyObject *v = field(test, S_value);
        truth = v ? PyObject_IsTrue(v) : -1;
        if (truth < 0) {
            PyErr_Clear();
            return -1;
        }
    }
    if (name == S_body || PyUnicode_Compare(name, S_body) == 0)
        return !truth;
    if (name == S_orelse || PyUnicode_Compare(name, S_orelse) == 0)
        return truth; /* `while True` never leaves by its test: its else never runs */
    return -1;
}

/* Push a field's value: a node, or every node of a list (in reverse, so that they are
 * visited in source order). Values that are not nodes are leaves. */
static int push_field(walker *w, const frame *f, PyObject *name, int scope, int bind, unsigned flags)
{
    PyObject *v = field(f->node, name);
    if (!v || v == Py_None)
        return 0;
    if (PyList_Check(v)) {
        Py_ssize_t dead = dead_from(v);
        bool branch_dead = branch_never_runs(f->node, name) == 1;
        for (Py_ssize_t i = PyList_GET_SIZE(v); i-- > 0;) {
            PyObject *item = PyList_GET_ITEM(v, i);
            if (PyObject_TypeCheck(item, g_ast_base)) {
                if (push(w, item, f, scope, bind, flags) < 0)
                    return -1;
                if (i >= dead || branch_dead)
                    w->stack[w->n - 1].dead = true;
            }
        }
        return 0;
    }
    if (PyObject_TypeCheck(v, g_ast_base))
        return push(w, v, f, scope, bind, flags);
    return 0;
}

/* Bind `name` in `scope` for the frame `f`: a binding in dropped code does not count for
 * a module or class namespace (dead_from). */
static int record_bind(walker *w, int scope, PyObject *name, bool cls)
{
    GROW(w->binds, w->nbinds, w->capbinds);
    w->binds[w->nbinds++] = (binding){ name, NULL, scope, cls, scope, false };
    return 0;
}

/* bind_name_as for the ClassDef `node` (its decorators are judged later, class_only). */
static int record_class(walker *w, PyObject *node)
{
    if (w->nbinds > 0)
        w->binds[w->nbinds - 1].value = node;
    return 0;
}

/* bind_name for a class statement (cls) or any other binding. */
static int bind_name_as(walker *w, const frame *f, int scope, PyObject *name, bool cls)
{
    if (f->dead && (w->sc.s[scope].kind == PVSC_MODULE || w->sc.s[scope].kind == PVSC_CLASS ||
                    PySet_Contains(w->sc.s[scope].globals, name) == 1))
        return 0;
    if (record_bind(w, scope, name, cls) < 0)
        return -1;
    return pvsc_bind(&w->sc, scope, name);
}

static int bind_name(walker *w, const frame *f, int scope, PyObject *name)
{
    return bind_name_as(w, f, scope, name, false);
}

/* A binding of `name` in `scope` to `value` (NULL: a member of an allowed module), for
 * lib_names: a name any binding of which is a library value holds a library object.
 * `value` is evaluated in `vscope`; `ret`: value is what function `name` returns. */
static int add_libcand_in(walker *w, int scope, PyObject *name, PyObject *value, bool maker,
                          int vscope, bool ret)
{
    GROW(w->libcands, w->nlibcands, w->caplibcands);
    w->libcands[w->nlibcands++] = (binding){ name, value, scope, maker, vscope, ret };
    return 0;
}

static int add_libcand(walker *w, int scope, PyObject *name, PyObject *value, bool maker)
{
    return add_libcand_in(w, scope, name, value, maker, scope, false);
}

/* A store target `t` (evaluated in `scope`) given `value`: a name binds it (the names of a
 * tuple or list target, starred ones included, each get the whole value); an attribute or
 * item store, a taint of the container or attribute name (compute_lib_names). */
static int add_store(walker *w, int scope, PyObject *t, PyObject *value)
{
    int k = t ? kind_of(t) : -2;
    PyObject *id, *elts;
    if (k == K_Name && (id = field(t, S_id)) && PyUnicode_Check(id))
        return add_libcand(w, scope, id, value, false);
    if (k == K_Starred)
        return add_store(w, scope, field(t, S_value), value);
    if ((k == K_Tuple || k == K_List) && (elts = field(t, S_elts)) && PyList_Check(elts)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elts); i++)
            if (add_store(w, scope, PyList_GET_ITEM(elts, i), value) < 0)
                return -1;
        return 0;
    }
    if (k == K_Attribute || k == K_Subscript) {
        GROW(w->taints, w->ntaints, w->captaints);
        w->taints[w->ntaints++] = (binding){ t, value, scope, false, scope, false };
    }
    return 0;
}

/* Remember the scope of a Lambda or comprehension node (for lib_value). -1 on error. */
static int note_inner(walker *w, PyObject *node, int inner)
{
    PyObject *k = PyLong_FromVoidPtr(node), *v = PyLong_FromLong(inner);
    int r = k && v && (w->inner_of || (w->inner_of = PyDict_New())) ?
            PyDict_SetItem(w->inner_of, k, v) : -1;
    Py_XDECREF(k);
    Py_XDECREF(v);
    return r;
}

/* The scope note_inner remembered for `node`, or -1. */
static int inner_scope(walker *w, PyObject *node)
{
    PyObject *k = w->inner_of ? PyLong_FromVoidPtr(node) : NULL;
    PyObject *v = k ? PyDict_GetItemWithError(w->inner_of, k) : NULL;
    Py_XDECREF(k);
    return v ? (int)PyLong_AsLong(v) : -1;
}

/* `return value` / `yield value` in function scope `s`: a binding of the function's name
 * (in the scope its def binds it) for lib_names, so that a program function that returns
 * a library value, or passes one through, is a maker (PV307). Lambdas and functions
 * reached other than by their def name (methods, stored functions) are not followed. */
static int add_return(walker *w, int s, PyObject *value)
{
    if (!value || value == Py_None || !w->fn_of)
        return 0;
    PyObject *k = PyLong_FromLong(s);
    PyObject *d = k ? PyDict_GetItemWithError(w->fn_of, k) : NULL;
    Py_XDECREF(k);
    if (!d)
        return PyErr_Occurred() ? -1 : 0;
    return add_libcand_in(w, (int)PyLong_AsLong(PyTuple_GET_ITEM(d, 0)), PyTuple_GET_ITEM(d, 1),
                          value, false, s, true);
}

static int add_ref(walker *w, PyObject *name, PyObject *pos, int scope, int ctx, unsigned flags);

/* A binding that is not a Name node (def, class, import alias, except ... as, a match
 * capture): its name is judged like a Name store (check_ref), so that a module- or
 * class-level binding of a forbidden builtin's name is PV203 here as it is PV504 in the
 * bytecode layer, whatever statement makes it. */
static int add_binding_ref(walker *w, const frame *f, int scope, PyObject *name, PyObject *pos)
{
    if (!name || !PyUnicode_Check(name))
        return 0;
    /* the ref outlives the walk's own reference to `name` (fuzz_verify finding 7) */
    if ((!w->held && !(w->held = PyList_New(0))) || PyList_Append(w->held, name) < 0)
        return -1;
    return add_ref(w, name, pos, scope, CTX_STORE, f->dead ? FL_DEAD : 0u);
}

static int bind_import_name(walker *w, const frame *f, int scope, PyObject *name,
                            PyObject *module, PyObject *pos)
{
    if (add_binding_ref(w, f, scope, name, pos) < 0)
        return -1;
    if (f->dead && (w->sc.s[scope].kind == PVSC_MODULE || w->sc.s[scope].kind == PVSC_CLASS))
        return 0;
    if (record_bind(w, scope, name, false) < 0)
        return -1;
    return pvsc_bind_import(&w->sc, scope, name, module);
}

/* Every field not listed in `skip` (NULL-terminated), with the frame's scopes. */
static int push_rest(walker *w, const frame *f, int kind, PyObject *const *skip)
{
    PyObject *fields = g_fields[kind];
    for (Py_ssize_t i = PyTuple_GET_SIZE(fields); i-- > 0;) {
        PyObject *name = PyTuple_GET_ITEM(fields, i);
        bool skipped = false;
        for (PyObject *const *s = skip; s && *s; s++)
            if (*s == name || PyUnicode_Compare(*s, name) == 0)
                skipped = true;
        if (!skipped && push_field(w, f, name, f->scope, f->scope, 0) < 0)
            return -1;
    }
    return 0;
}

static int add_ref(walker *w, PyObject *name, PyObject *pos, int scope, int ctx, unsigned flags)
{
    GROW(w->refs, w->nrefs, w->caprefs);
    w->refs[w->nrefs++] = (nameref){ name, pos, scope, ctx, flags };
    return 0;
}

static bool is_str_constant(PyObject *node, PyObject **value);

/* ---- verdicts, once per distinct string -------------------------------------------------- */

/* A program repeats its names and attributes (self, append, ...): each distinct string is
 * judged once per walk, not once per use (the deny lists are one PCRE2 match per pattern).
 * `cache` maps str -> verdict; any failure of the cache falls back to judging afresh. */
static pvn_verdict cached_verdict(PyObject **cache, PyObject *key, const pv_policy *p,
                                  PyObject *program_attrs, bool attr)
{
    if (!key || !PyUnicode_CheckExact(key))
        return attr ? pvn_check_attr(p, key, program_attrs) : pvn_check_name(p, key);
    if (!*cache && !(*cache = PyDict_New()))
        PyErr_Clear();
    PyObject *hit = *cache ? PyDict_GetItemWithError(*cache, key) : NULL;
    if (hit)
        return (pvn_verdict)PyLong_AsLong(hit);
    PyErr_Clear();
    pvn_verdict v = attr ? pvn_check_attr(p, key, program_attrs) : pvn_check_name(p, key);
    PyObject *val = *cache ? PyLong_FromLong((long)v) : NULL;
    if (!val || PyDict_SetItem(*cache, key, val) < 0)
        PyErr_Clear();
    Py_XDECREF(val);
    return v;
}

static pvn_verdict check_name_verdict(walker *w, PyObject *name)
{
    return cached_verdict(&w->name_verdicts, name, w->p, NULL, false);
}

/* Only after the walk: the verdict depends on program_attrs, complete from then on. */
static pvn_verdict check_attr_verdict(walker *w, PyObject *attr)
{
    if (w->namedtuples && pvn_namedtuple_api(attr))
        return PVN_OK;
    return cached_verdict(&w->attr_verdicts, attr, w->p, w->program_attrs, true);
}

/* ---- per-kind rules -------------------------------------------------------------------- */

/* Names of variables, functions, classes, parameters, aliases: no dunders, no deny match. */
static void check_name(walker *w, PyObject *pos, PyObject *name, const char *what)
{
    if (!w->rules || !name || name == Py_None)
        return;
    pvn_verdict v = check_name_verdict(w, name);
    if (v == PVN_DUNDER)
        diag(w, pos, PVR_DUNDER_NAME, NULL, "%s '%s' is a dunder name", what, utf8(name));
    else if (v != PVN_OK)
        diag(w, pos, PVR_NAME_DENIED, NULL, "%s '%s' %s", what, utf8(name), pvn_describe(v));
}

static int visit_import(walker *w, const frame *f, bool from)
{
    PyObject *node = f->node;
    /* In a class body the module would become a class attribute (C.math), reachable
     * without the module-member checks. */
    if (w->rules && w->sc.s[f->scope].kind == PVSC_CLASS)
        diag(w, node, PVR_MODULE_VALUE, "import at module or function level instead",
             "import in a class body makes the module an attribute of the class");
    PyObject *names = field(node, S_names);
    PyObject *module = NULL;
    bool module_ok = true;
    if (from) {
        module = field(node, S_module);
        int level = int_field(node, S_level, 0);
        if (level != 0 || !module || module == Py_None) {
            if (w->rules)
                diag(w, node, PVR_IMPORT_RELATIVE, NULL, "relative import (level %d) of '%s'",
                     level, module && module != Py_None ? utf8(module) : "");
            module_ok = false;
        } else if (!pvn_module_allowed(w->p, module)) {
            if (w->rules)
                diag(w, node, PVR_IMPORT_MODULE, NULL, "module '%s' is not allowed", utf8(module));
            module_ok = false;
        }
    }
    if (!names || !PyList_Check(names))
        return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); i++) {
        PyObject *alias = PyList_GET_ITEM(names, i);
        PyObject *name = field(alias, S_name);
        PyObject *asname = field(alias, S_asname);
        if (!name || !PyUnicode_Check(name))
            continue;
        if (asname == Py_None)
            asname = NULL;
        check_name(w, alias, asname, "import alias");
        if (!from) {
            if (!pvn_module_allowed(w->p, name) && w->rules)
                diag(w, alias, PVR_IMPORT_MODULE, NULL, "module '%s' is not allowed", utf8(name));
            if (asname) {
                if (bind_import_name(w, f, f->scope, asname, name, alias) < 0)
                    return -1;
                continue;
            }
            /* `import a.b` binds `a`, which must then be allowed as well. */
            Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, PyUnicode_GET_LENGTH(name), 1);
            PyObject *top = dot >= 0 ? PyUnicode_Substring(name, 0, dot) : (Py_INCREF(name), name);
            if (!top)
                return -1;
            if (dot >= 0 && !pvn_module_allowed(w->p, top) && w->rules)
                diag(w, alias, PVR_IMPORT_MODULE, NULL,
                     "'import %s' binds module '%s', which is not allowed", utf8(name), utf8(top));
            check_name(w, alias, top, "module name");
            int rc = bind_import_name(w, f, f->scope, top, top, alias);
            Py_DECREF(top);
            if (rc < 0)
                return -1;
            continue;
        }
        const char *n = utf8(name);
        if (strcmp(n, "*") == 0) {
            if (w->rules)
                diag(w, alias, PVR_IMPORT_STAR, NULL, "star import from '%s'",
                     module && module != Py_None ? utf8(module) : "");
            continue;
        }
        PyObject *bindname = asname ? asname : name;
        check_name(w, alias, name, "imported name");
        PyObject *sub = NULL;
        if (module_ok) {
            pvn_verdict v = pvn_module_member(w->p, module, name, &sub);
            if (v != PVN_OK && w->rules)
                diag(w, alias, PVR_IMPORT_NAME, NULL, "'%s' %s '%s'", n,
                     v == PVN_PRIVATE ? "is private in" :
                     v == PVN_DENIED ? "matches a deny pattern, in" : "is not an allowed member of",
                     utf8(module));
        }
        int rc = sub ? bind_import_name(w, f, f->scope, bindname, sub, alias)
                     : add_binding_ref(w, f, f->scope, bindname, alias) < 0 ? -1
                     : bind_name(w, f, f->scope, bindname);
        if (rc == 0 && !sub && module_ok && !f->dead)
            rc = add_libcand(w, f->scope, bindname, NULL,
                             pvn_call_makes_library_object(w->p, module, name));
        Py_XDECREF(sub);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int new_scope(walker *w, pvsc_kind kind, int parent)
{
    int s = pvsc_new(&w->sc, kind, parent);
    if (s < 0)
        PyErr_NoMemory();
    return s;
}

/* namedtuple(typename, field_names) and Enum(name, names) (IntEnum, StrEnum, Flag, IntFlag):
 * field and member names given as string literals (one str of names separated by spaces or
 * commas, a list or tuple of str, (name, value) pairs, or a dict's str keys) are attributes
 * the program defines, when they pass the policy as source names (issue 16). Recognised by
 * the callee's name alone: a name counted as program-defined is still readable only when
 * no library object has it (PV306), so a wrong guess cannot unlock anything. */
static int field_names_call(walker *w, PyObject *node)
{
    static const char *const callees[] = { "namedtuple", "Enum", "IntEnum", "StrEnum", "Flag",
                                           "IntFlag" };
    PyObject *func = field(node, S_func), *callee = NULL;
    int fk = func ? kind_of(func) : -2;
    if (fk == K_Attribute)
        callee = field(func, S_attr);
    else if (fk == K_Name)
        callee = field(func, S_id);
    if (!callee || !PyUnicode_Check(callee))
        return 0;
    size_t which = sizeof callees / sizeof callees[0];
    for (size_t i = 0; i < sizeof callees / sizeof callees[0]; i++)
        if (PyUnicode_CompareWithASCIIString(callee, callees[i]) == 0)
            which = i;
    if (which == sizeof callees / sizeof callees[0])
        return 0;
    if (which == 0)
        w->namedtuples = true;
    PyObject *args = field(node, S_args), *kws = field(node, S_keywords), *names = NULL;
    if (args && PyList_Check(args) && PyList_GET_SIZE(args) >= 2)
        names = PyList_GET_ITEM(args, 1);
    for (Py_ssize_t i = 0; !names && kws && PyList_Check(kws) && i < PyList_GET_SIZE(kws); i++) {
        PyObject *a = field(PyList_GET_ITEM(kws, i), S_arg);
        if (a && PyUnicode_Check(a) && (PyUnicode_CompareWithASCIIString(a, "field_names") == 0 ||
                                        PyUnicode_CompareWithASCIIString(a, "names") == 0))
            names = field(PyList_GET_ITEM(kws, i), S_value);
    }
    if (!names)
        return 0;
    PyObject *v;
    int nk = kind_of(names);
    if (is_str_constant(names, &v))
        return pvn_add_field_names(w->p, v, w->program_attrs);
    PyObject *elts = nk == K_List || nk == K_Tuple ? field(names, S_elts)
                   : nk == K_Dict ? field(names, S_keys) : NULL;
    for (Py_ssize_t i = 0; elts && PyList_Check(elts) && i < PyList_GET_SIZE(elts); i++) {
        PyObject *e = PyList_GET_ITEM(elts, i), *pe;
        int ek = e != Py_None ? kind_of(e) : -2;
        if ((ek == K_Tuple || ek == K_List) && (pe = field(e, S_elts)) && PyList_Check(pe) &&
            PyList_GET_SIZE(pe) >= 1)
            e = PyList_GET_ITEM(pe, 0); /* Enum's (name, value) pairs */
        if (is_str_constant(e, &v) && pvn_add_field_names(w->p, v, w->program_attrs) < 0)
            return -1;
    }
    return 0;
}

static int allow_dunder_node(walker *w, PyObject *node)
{
    if (!w->dunder_ok && !(w->dunder_ok = PySet_New(NULL)))
        return -1;
    PyObject *key = PyLong_FromVoidPtr(node);
    int r = key ? PySet_Add(w->dunder_ok, key) : -1;
    Py_XDECREF(key);
    return r;
}

static bool is_name(PyObject *node, const char *id)
{
    PyObject *v;
    return node && kind_of(node) == K_Name && (v = field(node, S_id)) && PyUnicode_Check(v) &&
           PyUnicode_CompareWithASCIIString(v, id) == 0;
}

static bool is_str(PyObject *node, const char *lit)
{
    PyObject *v;
    return is_str_constant(node, &v) && PyUnicode_CompareWithASCIIString(v, lit) == 0;
}

/* `if __name__ == "__main__":` (either order) as a module-level statement: the run binds
 * __name__ to "__main__", and only the comparison's result is used (issue 16). */
static int main_guard(walker *w, const frame *f)
{
    PyObject *t = field(f->node, S_test), *ops, *cmps, *left, *right;
    if (w->sc.s[f->scope].kind != PVSC_MODULE || !t || kind_of(t) != K_Compare ||
        !(ops = field(t, S_ops)) || !PyList_Check(ops) || PyList_GET_SIZE(ops) != 1 ||
        kind_of(PyList_GET_ITEM(ops, 0)) != K_Eq || !(cmps = field(t, S_comparators)) ||
        !PyList_Check(cmps) || PyList_GET_SIZE(cmps) != 1)
        return 0;
    left = field(t, S_left);
    right = PyList_GET_ITEM(cmps, 0);
    if (is_name(left, "__name__") && is_str(right, "__main__") && ctx_of(left) == CTX_LOAD)
        return allow_dunder_node(w, left);
    if (is_name(right, "__name__") && is_str(left, "__main__") && ctx_of(right) == CTX_LOAD)
        return allow_dunder_node(w, right);
    return 0;
}

static bool slot_name(const pv_policy *p, PyObject *n)
{
    /* '__x' would be mangled in a class body; dunders are refused as names anyway */
    return PyUnicode_CheckExact(n) && PyUnicode_IsIdentifier(n) == 1 &&
           PyUnicode_READ_CHAR(n, 0) != '_' && pvn_check_name(p, n) == PVN_OK;
}

/* `__slots__ = <names>` / `__all__ = <names>` in a module or class body, the value a str, or a
 * list or tuple of str, each a name the policy accepts in source, without a leading '_'
 * (issue 16). Slot names are attributes the program defines. */
static int slots_or_all(walker *w, const frame *f)
{
    PyObject *targets = field(f->node, S_targets), *value = field(f->node, S_value), *t, *v;
    pvsc_kind sk = w->sc.s[f->scope].kind;
    if ((sk != PVSC_MODULE && sk != PVSC_CLASS) || !targets || !PyList_Check(targets) ||
        PyList_GET_SIZE(targets) != 1 || !value)
        return 0;
    t = PyList_GET_ITEM(targets, 0);
    bool slots = is_name(t, "__slots__");
    if (!slots && !is_name(t, "__all__"))
        return 0;
    int vk = kind_of(value);
    PyObject *elts = vk == K_List || vk == K_Tuple ? field(value, S_elts) : NULL;
    if (elts && PyList_Check(elts)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elts); i++)
            if (!is_str_constant(PyList_GET_ITEM(elts, i), &v) || !slot_name(w->p, v))
                return 0;
        for (Py_ssize_t i = 0; slots && sk == PVSC_CLASS && i < PyList_GET_SIZE(elts); i++)
            if (is_str_constant(PyList_GET_ITEM(elts, i), &v) && PySet_Add(w->program_attrs, v) < 0)
                return -1;
    } else if (is_str_constant(value, &v) && slot_name(w->p, v)) {
        if (slots && sk == PVSC_CLASS && PySet_Add(w->program_attrs, v) < 0)
            return -1;
    } else {
        return 0;
    }
    return allow_dunder_node(w, t);
}

/* Visit one frame: its own rules, then push its children with their scopes and flags. */
static int visit(walker *w, frame *f)
{
    PyObject *node = f->node;
    int kind = kind_of(node);
    if (kind == -2)
        return 0; /* not a node (cannot happen: push only takes nodes) */
    if (kind == -1) {
        /* Even with the AST rules off: a tree we cannot walk cannot be bounded. */
        diag(w, f->pos, PVR_NODE_UNKNOWN, NULL, "unknown syntax node '%s'", Py_TYPE(node)->tp_name);
        return 0; /* never descend into what we do not understand */
    }
    if (kind_haspos[kind])
        f->pos = node;
    if (++w->nodes > w->p->limits.max_nodes) {
        diag(w, f->pos, PVR_TOO_MANY_NODES, NULL, "more than %zu syntax nodes",
             w->p->limits.max_nodes);
        w->stop = true;
        return 0;
    }
    if (f->depth > w->p->limits.max_depth) {
        diag(w, f->pos, PVR_TOO_DEEP, NULL, "syntax tree deeper than %zu levels",
             w->p->limits.max_depth);
        w->stop = true;
        return 0;
    }
    if (w->rules && !w->p->node_allowed[kind])
        diag(w, f->pos, PVR_NODE_KIND, NULL, "'%s' is not allowed by the policy", kind_names[kind]);

    int s = f->scope;
    switch (kind) {
    case K_Name: {
        PyObject *id = field(node, S_id);
        if (!id || !PyUnicode_Check(id)) {
            diag(w, f->pos, PVR_INTERNAL, NULL, "a Name node without a string id");
            return 0;
        }
        int ctx = ctx_of(node);
        if (w->dunder_ok) {
            PyObject *key = PyLong_FromVoidPtr(node);
            int r = key ? PySet_Contains(w->dunder_ok, key) : -1;
            Py_XDECREF(key);
            if (r < 0)
                return -1;
            if (r == 1 && ctx == CTX_LOAD)
                return 0; /* __name__ of the main guard: neither a binding nor a builtin */
            if (r == 1 && bind_name(w, f, s, id) < 0)
                return -1;
            if (r == 1)
                return 0;
        }
        check_name(w, node, id, "name");
        int scope = s;
        if (ctx != CTX_LOAD) {
            if (f->flags & FL_WALRUS)
                scope = pvsc_walrus_scope(&w->sc, s);
            if (bind_name(w, f, scope, id) < 0)
                return -1;
        }
        if (add_ref(w, id, node, scope, ctx, f->flags | (f->dead ? FL_DEAD : 0u)) < 0)
            return -1;
        return push_rest(w, f, kind, (PyObject *const[]){ S_id, NULL });
    }
    case K_Attribute: {
        PyObject *attr = field(node, S_attr);
        /* `self.x: T` without a value stores nothing (the bytecode has no STORE_ATTR): it does
           not define x (the layers agree; fuzz_verify found them disagreeing) */
        if (attr && !f->dead && ctx_of(node) == CTX_STORE && !(f->flags & FL_ANN_ONLY) &&
            PySet_Add(w->program_attrs, attr) < 0)
            return -1;
        if (!(f->flags & FL_ATTR_BASE)) {
            GROW(w->chains, w->nchains, w->capchains);
            w->chains[w->nchains++] = (attrref){ node, NULL, s, f->flags };
        }
        if (push_rest(w, f, kind, (PyObject *const[]){ S_value, NULL }) < 0)
            return -1;
        return push_field(w, f, S_value, s, s, FL_ATTR_BASE);
    }
    case K_If:
        if (w->rules && main_guard(w, f) < 0)
            return -1;
        break;
    case K_Assign: {
        if (w->rules && !f->dead && slots_or_all(w, f) < 0)
            return -1;
        /* `name = value`: remembered for lib_names (stores into library objects, PV307). */
        PyObject *targets = field(node, S_targets), *value = field(node, S_value);
        if (!f->dead && targets && value && PyList_Check(targets)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(targets); i++)
                if (add_store(w, s, PyList_GET_ITEM(targets, i), value) < 0)
                    return -1;
        }
        return push_rest(w, f, kind, NULL);
    }
    case K_AnnAssign: {
        /* `name: T = value` stores like `name = value` */
        PyObject *t = field(node, S_target), *value = field(node, S_value);
        if (!f->dead && t && value && value != Py_None && add_store(w, s, t, value) < 0)
            return -1;
        if (!value || value == Py_None) {
            if (push_rest(w, f, kind, (PyObject *const[]){ S_target, NULL }) < 0)
                return -1;
            return push_field(w, f, S_target, f->scope, f->scope, FL_ANN_ONLY);
        }
        return push_rest(w, f, kind, NULL);
    }
    case K_For: {
        /* `for name in <library value>`: the items of a library container. */
        PyObject *t = field(node, S_target), *it = field(node, S_iter);
        if (!f->dead && t && it && add_store(w, s, t, it) < 0)
            return -1;
        return push_rest(w, f, kind, NULL);
    }
    case K_Call: {
        if (!f->dead && field_names_call(w, node) < 0)
            return -1;
        /* X.m(..., value, ...) where m keeps what it is handed (append, setdefault,
         * update, ...; pvn_keeping_method) or X is a module (heapq.heappush): X, or the
         * module function's arguments, are tainted when an argument is a library value */
        PyObject *fn = field(node, S_func);
        if (!f->dead && fn && kind_of(fn) == K_Attribute) {
            GROW(w->taints, w->ntaints, w->captaints);
            w->taints[w->ntaints++] = (binding){ field(fn, S_value), node, s, false, s, true };
        }
        if (push_rest(w, f, kind, (PyObject *const[]){ S_func, NULL }) < 0)
            return -1;
        return push_field(w, f, S_func, s, s, FL_CALL_FUNC);
    }
    case K_Return:
    case K_Yield:
    case K_YieldFrom:
        if (!f->dead && add_return(w, s, field(node, S_value)) < 0)
            return -1;
        return push_rest(w, f, kind, NULL);
    case K_NamedExpr: {
        /* `(name := value)` binds like `name = value` */
        PyObject *t = field(node, S_target), *id;
        if (!f->dead && t && kind_of(t) == K_Name && (id = field(t, S_id)) &&
            PyUnicode_Check(id) &&
            add_libcand_in(w, pvsc_walrus_scope(&w->sc, s), id, field(node, S_value), false, s,
                           false) < 0)
            return -1;
        if (push_rest(w, f, kind, (PyObject *const[]){ S_target, NULL }) < 0)
            return -1;
        return push_field(w, f, S_target, s, s, FL_WALRUS);
    }
    case K_AugAssign:
        /* `m += x` hands the old value of m to x.__radd__: a load in disguise. */
        if (push_rest(w, f, kind, (PyObject *const[]){ S_target, NULL }) < 0)
            return -1;
        return push_field(w, f, S_target, s, s, FL_AUG);
    case K_FunctionDef:
    case K_AsyncFunctionDef: {
        PyObject *name = field(node, S_name);
        if (w->rules && name && PyUnicode_Check(name)) {
            pvn_verdict v = check_name_verdict(w, name);
            if (v == PVN_DUNDER && (f->flags & FL_CLASS_BODY)) {
                if (!pvn_special_method(w->p, name))
                    diag(w, node, PVR_SPECIAL_METHOD, NULL,
                         "special method '%s' cannot be defined", utf8(name));
            } else {
                check_name(w, node, name, "function");
            }
        }
        if (name && (add_binding_ref(w, f, s, name, node) < 0 || bind_name(w, f, s, name) < 0))
            return -1;
        int inner = new_scope(w, PVSC_FUNCTION, s);
        if (inner < 0)
            return -1;
        if (name && PyUnicode_Check(name) && !f->dead) {
            /* for add_return: what this function returns is what calling `name` makes */
            PyObject *k = PyLong_FromLong(inner), *v = Py_BuildValue("(iO)", s, name);
            int r = k && v && (w->fn_of || (w->fn_of = PyDict_New())) ?
                    PyDict_SetItem(w->fn_of, k, v) : -1;
            Py_XDECREF(k);
            Py_XDECREF(v);
            if (r < 0)
                return -1;
        }
        if (push_field(w, f, S_body, inner, inner, 0) < 0 ||
            push_field(w, f, S_returns, s, s, 0) < 0 ||
            push_field(w, f, S_args, s, inner, 0) < 0 ||
            push_field(w, f, S_decorator_list, s, s, 0) < 0)
            return -1;
        return 0;
    }
    case K_Lambda: {
        int inner = new_scope(w, PVSC_FUNCTION, s);
        if (inner < 0 || note_inner(w, node, inner) < 0)
            return -1;
        if (push_field(w, f, S_body, inner, inner, 0) < 0 ||
            push_field(w, f, S_args, s, inner, 0) < 0)
            return -1;
        return 0;
    }
    case K_ClassDef: {
        PyObject *name = field(node, S_name);
        check_name(w, node, name, "class");
        PyObject *kw = field(node, S_keywords);
        if (w->rules && kw && PyList_Check(kw) && PyList_GET_SIZE(kw) > 0) {
            PyObject *k0 = PyList_GET_ITEM(kw, 0);
            PyObject *a = field(k0, S_arg);
            diag(w, k0, PVR_CLASS_KEYWORDS, NULL, "class '%s' has keyword argument '%s'",
                 utf8(name), a && a != Py_None ? utf8(a) : "**");
        }
        if (name && (add_binding_ref(w, f, s, name, node) < 0 ||
                     bind_name_as(w, f, s, name, true) < 0 ||
                     (!f->dead && (record_class(w, node) < 0 ||
                                   add_libcand(w, s, name, node, false) < 0))))
            return -1;
        int inner = new_scope(w, PVSC_CLASS, s);
        if (inner < 0)
            return -1;
        if (push_field(w, f, S_body, inner, inner, FL_CLASS_BODY) < 0 ||
            push_field(w, f, S_keywords, s, s, 0) < 0 ||
            push_field(w, f, S_bases, s, s, 0) < 0 ||
            push_field(w, f, S_decorator_list, s, s, 0) < 0)
            return -1;
        return 0;
    }
    case K_ListComp:
    case K_SetComp:
    case K_GeneratorExp:
    case K_DictComp: {
        int inner = new_scope(w, PVSC_COMP, s);
        if (inner < 0 || note_inner(w, node, inner) < 0)
            return -1;
        PyObject *gens = field(node, S_generators);
        if (gens && PyList_Check(gens)) {
            for (Py_ssize_t i = PyList_GET_SIZE(gens); i-- > 0;)
                if (push(w, PyList_GET_ITEM(gens, i), f, inner, inner, i == 0 ? FL_FIRST_GEN : 0) < 0)
                    return -1;
        }
        if (kind == K_DictComp)
            return push_field(w, f, S_value, inner, inner, 0) < 0 ||
                           push_field(w, f, S_key, inner, inner, 0) < 0 ? -1 : 0;
        return push_field(w, f, S_elt, inner, inner, 0);
    }
    case K_comprehension: {
        /* The first iterable is evaluated in the enclosing scope. */
        int outer = (f->flags & FL_FIRST_GEN) ? w->sc.s[s].parent : s;
        /* `for name in <library value>` inside the comprehension */
        PyObject *t = field(node, S_target), *id;
        if (!f->dead && t && kind_of(t) == K_Name && (id = field(t, S_id)) &&
            PyUnicode_Check(id) && add_libcand_in(w, s, id, field(node, S_iter), false, outer,
                                                  false) < 0)
            return -1;
        if (push_field(w, f, S_ifs, s, s, 0) < 0 ||
            push_field(w, f, S_iter, outer, outer, 0) < 0 ||
            push_field(w, f, S_target, s, s, 0) < 0)
            return -1;
        return 0;
    }
    case K_arg: {
        PyObject *a = field(node, S_arg);
        check_name(w, node, a, "parameter");
        if (a && (record_bind(w, f->bind_scope, a, false) < 0 ||
                  pvsc_bind(&w->sc, f->bind_scope, a) < 0))
            return -1;
        return push_field(w, f, S_annotation, s, s, 0);
    }
    case K_arguments: {
        /* Parameters bind in the function; defaults evaluate outside it. */
        PyObject *fields = g_fields[kind];
        for (Py_ssize_t i = PyTuple_GET_SIZE(fields); i-- > 0;)
            if (push_field(w, f, PyTuple_GET_ITEM(fields, i), s, f->bind_scope, 0) < 0)
                return -1;
        return 0;
    }
    case K_keyword: {
        PyObject *a = field(node, S_arg);
        if (w->rules && a && a != Py_None && check_name_verdict(w, a) == PVN_DUNDER)
            diag(w, node, PVR_KEYWORD_NAME, NULL, "keyword argument '%s' is a dunder name", utf8(a));
        return push_rest(w, f, kind, NULL);
    }
    case K_Import:
    case K_ImportFrom:
        if (visit_import(w, f, kind == K_ImportFrom) < 0)
            return -1;
        return push_rest(w, f, kind, NULL);
    case K_Global:
    case K_Nonlocal: {
        PyObject *names = field(node, S_names);
        if (names && PyList_Check(names)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); i++) {
                PyObject *n = PyList_GET_ITEM(names, i);
                check_name(w, node, n, kind == K_Global ? "global" : "nonlocal");
                if (pvsc_declare(&w->sc, s, n, kind == K_Global) < 0 ||
                    add_ref(w, n, node, s, CTX_DECL, 0) < 0)
                    return -1;
            }
        }
        return 0;
    }
    case K_ExceptHandler:
    case K_MatchAs:
    case K_MatchStar:
    case K_MatchMapping: {
        PyObject *n = field(node, kind == K_MatchMapping ? S_rest : S_name);
        if (n && n != Py_None) {
            check_name(w, node, n, "name");
            if (add_binding_ref(w, f, s, n, node) < 0 || bind_name(w, f, s, n) < 0)
                return -1;
        }
        return push_rest(w, f, kind, NULL);
    }
    case K_MatchClass: {
        /* case C(attr=p) reads C-instance.attr with no Attribute node in sight. */
        PyObject *kw = field(node, S_kwd_attrs);
        if (kw && PyList_Check(kw)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(kw); i++) {
                GROW(w->kwds, w->nkwds, w->capkwds);
                w->kwds[w->nkwds++] = (attrref){ node, PyList_GET_ITEM(kw, i), s, 0 };
            }
        }
        return push_rest(w, f, kind, NULL);
    }
    default:
        break;
    }
    /* Statements directly in a class body keep FL_CLASS_BODY only for themselves. */
    return push_rest(w, f, kind, NULL);
}

/* ---- decisions after the walk --------------------------------------------------------- */

static bool is_str_constant(PyObject *node, PyObject **value)
{
    if (!node || kind_of(node) != K_Constant)
        return false;
    PyObject *v = field(node, S_value);
    if (!v || !PyUnicode_Check(v))
        return false;
    *value = v;
    return true;
}

/* super() with no arguments, where `super` is the builtin (never rebound). */
static bool is_plain_super_call(walker *w, PyObject *node)
{
    if (!node || kind_of(node) != K_Call)
        return false;
    PyObject *func = field(node, S_func), *args = field(node, S_args), *kw = field(node, S_keywords);
    if (!func || kind_of(func) != K_Name || !args || PyList_GET_SIZE(args) != 0 || !kw ||
        PyList_GET_SIZE(kw) != 0)
        return false;
    PyObject *id = field(func, S_id);
    if (!id || PyUnicode_Compare(id, S_super) != 0)
        return false;
    return PySet_Contains(w->sc.all_bound, S_super) == 0;
}

/* The attribute rules for one Attribute node (not a module member). */
static void check_attr_node(walker *w, PyObject *node, unsigned flags, bool outermost)
{
    PyObject *attr = field(node, S_attr);
    if (!attr || !PyUnicode_Check(attr)) {
        diag(w, node, PVR_INTERNAL, NULL, "an Attribute node without a string attr");
        return;
    }
    int ctx = ctx_of(node);
    PyObject *value = field(node, S_value);
    PyObject *tmpl;
    if (ctx == CTX_LOAD && (PyUnicode_Compare(attr, S_format) == 0 ||
                            PyUnicode_CompareWithASCIIString(attr, "format_map") == 0)) {
        if (outermost && (flags & FL_CALL_FUNC) && is_str_constant(value, &tmpl)) {
            if (!pvn_format_template_safe(w->p, tmpl))
                diag_attr(w, node, attr, PVR_FORMAT,
                     "format template reaches attributes or items in its fields");
        } else {
            diag_attr(w, node, attr, PVR_FORMAT, "str.%s is allowed only as a call on a string literal",
                      utf8(attr));
        }
        return;
    }
    pvn_verdict v = check_attr_verdict(w, attr);
    if (v == PVN_PRIVATE && outermost && (flags & FL_CALL_FUNC) && ctx == CTX_LOAD &&
        pvn_special_method(w->p, attr) && is_plain_super_call(w, value))
        return; /* super().__init__(...) and the other definable special methods */
    switch (v) {
    case PVN_OK:
        return;
    case PVN_PRIVATE:
    case PVN_DUNDER:
        diag_attr(w, node, attr, PVR_ATTR_PRIVATE, "attribute '%s' is private", utf8(attr));
        return;
    case PVN_DENIED:
        diag_attr(w, node, attr, PVR_ATTR_DENIED, "attribute '%s' exposes interpreter internals",
             utf8(attr));
        return;
    case PVN_LIBRARY_NAME:
        diag_attr(w, node, attr, PVR_ATTR_LIBRARY_NAME, "attribute '%s' is defined by the program "
                  "but library objects have an attribute of that name too", utf8(attr));
        return;
    case PVN_UNKNOWN:
    case PVN_NOT_MEMBER:
    case PVN_NOT_BUILTIN:
    case PVN_FORBIDDEN_BUILTIN:
        diag_attr(w, node, attr, PVR_ATTR_UNKNOWN, "attribute '%s' is not on the whitelist", utf8(attr));
        return;
    }
}

/* Module names an import bound to this Name node (borrowed list), or NULL. */
static PyObject *module_binding(walker *w, PyObject *name, int scope)
{
    int b;
    pvsc_res r = pvsc_resolve(&w->sc, scope, name, &b);
    PyObject *l = pvsc_imports(&w->sc, b, name);
    if (!l && r == PVSC_CLASSLOCAL)
        l = pvsc_imports(&w->sc, 0, name); /* a class binding may not have run yet */
    return l && PyList_GET_SIZE(l) > 0 ? l : NULL;
}

static int check_chain(walker *w, const attrref *c)
{
    /* Collect the chain outermost-first: a.b.c -> [.c, .b] with root `a`. */
    PyObject **nodes = NULL;
    size_t n = 0, cap = 0;
    PyObject *cur = c->node;
    while (cur && kind_of(cur) == K_Attribute) {
        GROW(nodes, n, cap);
        nodes[n++] = cur;
        cur = field(cur, S_value);
    }
    PyObject *mods = NULL; /* owned list of module names the current value may be */
    if (cur && kind_of(cur) == K_Name && ctx_of(cur) == CTX_LOAD) {
        PyObject *id = field(cur, S_id);
        PyObject *l = id ? module_binding(w, id, c->scope) : NULL;
        if (l) {
            /* A module the policy does not allow was already reported at its import; its
             * uses would only repeat that finding. The program is rejected either way. */
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(l); i++) {
                if (!pvn_module_allowed(w->p, PyList_GET_ITEM(l, i))) {
                    free(nodes);
                    return 0;
                }
            }
            mods = PyList_GetSlice(l, 0, PyList_GET_SIZE(l));
        }
    }
    for (size_t k = n; k-- > 0;) {
        PyObject *node = nodes[k];
        if (!mods) {
            check_attr_node(w, node, k == 0 ? c->flags : FL_ATTR_BASE, k == 0);
            continue;
        }
        PyObject *attr = field(node, S_attr);
        PyObject *next = PyList_New(0);
        bool ok = next != NULL, plain = false;
        for (Py_ssize_t i = 0; ok && i < PyList_GET_SIZE(mods); i++) {
            PyObject *m = PyList_GET_ITEM(mods, i), *sub = NULL;
            pvn_verdict v = pvn_module_member(w->p, m, attr, &sub);
            if (v != PVN_OK) {
                diag_attr(w, node, attr, PVR_MODULE_MEMBER, "module '%s' has no allowed member '%s' (it %s)",
                     utf8(m), utf8(attr), pvn_describe(v));
                ok = false;
            } else if (sub) {
                if (PyList_Append(next, sub) < 0)
                    ok = false;
                Py_DECREF(sub);
            } else {
                plain = true;
            }
        }
        if (ok && ctx_of(node) != CTX_LOAD)
            diag_attr(w, node, attr, PVR_MODULE_MEMBER, "attributes of module '%s' cannot be assigned or deleted",
                 utf8(PyList_GET_ITEM(mods, 0)));
        if (ok && plain && PyList_GET_SIZE(next) > 0)
            diag(w, node, PVR_MODULE_VALUE, NULL, "'%s' may be a module or a value", utf8(attr));
        Py_DECREF(mods);
        mods = NULL;
        if (ok && !plain && PyList_GET_SIZE(next) > 0) {
            mods = next;
            next = NULL;
        }
        Py_XDECREF(next);
    }
    if (mods) {
        diag(w, c->node, PVR_MODULE_VALUE, NULL, "module '%s' is used as a value",
             utf8(PyList_GET_ITEM(mods, 0)));
        Py_DECREF(mods);
    }
    free(nodes);
    return 0;
}

/* ---- stores into library objects (PV307) ----------------------------------------------- */

/* The key of a name as resolved from `scope`: (binding scope, name), new reference. */
static PyObject *name_key(walker *w, int scope, PyObject *name)
{
    int b = 0;
    pvsc_res r = pvsc_resolve(&w->sc, scope, name, &b);
    if (r == PVSC_FREE || r == PVSC_LOCAL || r == PVSC_CLASSLOCAL)
        return Py_BuildValue("(iO)", b, name);
    return Py_BuildValue("(iO)", 0, name);
}

/* True when `e` is an attribute chain m.a.b... (loads only) of a module imported in `scope`. */
static bool module_chain(walker *w, PyObject *e, int scope)
{
    while (e && kind_of(e) == K_Attribute)
        e = field(e, S_value);
    PyObject *id;
    return e && kind_of(e) == K_Name && (id = field(e, S_id)) && PyUnicode_Check(id) &&
           module_binding(w, id, scope) != NULL;
}

/* True when the (scope, name) key of `id` is in `set`. -1 on error. */
static int name_in(walker *w, PyObject *set, PyObject *id, int scope)
{
    if (!set)
        return 0;
    PyObject *key = name_key(w, scope, id);
    if (!key)
        return -1;
    int r = PySet_Contains(set, key);
    Py_DECREF(key);
    return r;
}

/* Calling `fn` (a module chain) makes a library object: `M.member` when
 * pvn_call_makes_library_object says so for a module M may name; deeper chains
 * (datetime.date.today) always. */
static bool module_call_makes_lib(walker *w, PyObject *fn, int scope)
{
    PyObject *root = field(fn, S_value), *attr = field(fn, S_attr), *id, *l;
    if (!root || kind_of(root) != K_Name || !attr || !(id = field(root, S_id)) ||
        !PyUnicode_Check(id) || !(l = module_binding(w, id, scope)))
        return true;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(l); i++)
        if (pvn_call_makes_library_object(w->p, PyList_GET_ITEM(l, i), attr))
            return true;
    return false;
}

/* True when expression `e`, evaluated in `scope`, is a library object: rooted (through
 * attribute loads, subscripts, iteration and calls) at an imported module or at a name bound
 * only to library values. A call makes a library object only when its callee does
 * (module_call_makes_lib for `M.member(...)`, lib_makers for a name, e.g. one imported from
 * a module): a library class other than a writable data class, dataclasses.field/fields,
 * or anything unknown; other module functions (heapq.heappop, random.choice) return the
 * program's values. Calling a method of a library object (d.popleft(), d.get(k)) returns
 * the program's own values too. Calling anything else is a library object when the callee
 * is. -1 on error. */
static int lib_value(walker *w, PyObject *e, int scope);

/* True when any expression of list `l` (elements, arguments; keywords and dict keys/values
 * by `f`, else the items themselves) is a library value. -1 on error. */
static int any_lib(walker *w, PyObject *l, PyObject *f, int scope)
{
    if (!l || !PyList_Check(l))
        return 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(l); i++) {
        PyObject *x = PyList_GET_ITEM(l, i);
        if (x == Py_None)
            continue; /* `{**d}`: a None key */
        int r = lib_value(w, f ? field(x, f) : x, scope);
        if (r != 0)
            return r;
    }
    return 0;
}

static int lib_value(walker *w, PyObject *e, int scope)
{
    for (;;) {
        int k = e ? kind_of(e) : -2, r;
        if (k == K_Attribute && w->lib_attrs) {
            /* an attribute some store gave a library value, whatever the object */
            PyObject *a = field(e, S_attr);
            if (a && (r = PySet_Contains(w->lib_attrs, a)) != 0)
                return r;
        }
        if (k == K_Attribute || k == K_Subscript || k == K_Starred || k == K_NamedExpr) {
            e = field(e, S_value);
        } else if (k == K_List || k == K_Tuple || k == K_Set) {
            /* a container holds what it was built from */
            return any_lib(w, field(e, S_elts), NULL, scope);
        } else if (k == K_Dict) {
            if ((r = any_lib(w, field(e, S_keys), NULL, scope)) != 0)
                return r;
            return any_lib(w, field(e, S_values), NULL, scope);
        } else if (k == K_BoolOp) {
            return any_lib(w, field(e, S_values), NULL, scope);
        } else if (k == K_BinOp) {
            /* an operator of a library object may return one (a timedelta's +), and so
               may the reflected one of the other operand (`1 + td`): either side counts,
               as the bytecode layer counts the left (fuzz_verify finding 8) */
            if ((r = lib_value(w, field(e, S_left), scope)) != 0)
                return r;
            e = field(e, S_right);
        } else if (k == K_UnaryOp) {
            e = field(e, S_operand);
        } else if (k == K_Compare) {
            /* a rich comparison may return any object */
            if ((r = any_lib(w, field(e, S_comparators), NULL, scope)) != 0)
                return r;
            e = field(e, S_left);
        } else if (k == K_JoinedStr) {
            /* always a str; counted as the bytecode layer counts FORMAT_VALUE's operand */
            return any_lib(w, field(e, S_values), NULL, scope);
        } else if (k == K_FormattedValue) {
            e = field(e, S_value);
        } else if (k == K_Lambda) {
            /* a lambda whose body is a library value makes one when called */
            int in = inner_scope(w, e);
            if (in < 0)
                return PyErr_Occurred() ? -1 : 1; /* not seen by the walk: fail closed */
            e = field(e, S_body);
            scope = in;
        } else if (k == K_ListComp || k == K_SetComp || k == K_GeneratorExp ||
                   k == K_DictComp) {
            /* built from its iterables and element expressions */
            int in = inner_scope(w, e);
            if (in < 0)
                return PyErr_Occurred() ? -1 : 1;
            PyObject *gens = field(e, S_generators);
            for (Py_ssize_t g = 0; gens && PyList_Check(gens) && g < PyList_GET_SIZE(gens); g++)
                if ((r = lib_value(w, field(PyList_GET_ITEM(gens, g), S_iter),
                                   g == 0 ? scope : in)) != 0)
                    return r;
            if (k == K_DictComp && (r = lib_value(w, field(e, S_key), in)) != 0)
                return r;
            e = field(e, k == K_DictComp ? S_value : S_elt);
            scope = in;
        } else if (k == K_IfExp) {
            if ((r = lib_value(w, field(e, S_body), scope)) != 0)
                return r;
            e = field(e, S_orelse);
        } else if (k == K_Call) {
            PyObject *fn = field(e, S_func), *id;
            /* calling a name bound only by class statements makes an instance of a program
             * class (no __new__, no metaclass: PV103, PV102), whatever the arguments */
            if (fn && kind_of(fn) == K_Name && (id = field(fn, S_id)) && PyUnicode_Check(id) &&
                !module_binding(w, id, scope) &&
                (r = name_in(w, w->class_only, id, scope)) != 0)
                return r < 0 ? -1 : 0;
            /* builtins that make a new str/int/bool whatever they are handed (len) */
            int bsc = 0;
            if (fn && kind_of(fn) == K_Name && (id = field(fn, S_id)) && pvn_fresh_builtin(id) &&
                pvsc_resolve(&w->sc, scope, id, &bsc) == PVSC_GLOBAL &&
                !pvsc_is_bound(&w->sc, 0, id) &&
                !(w->prog->globals && PySet_Contains(w->prog->globals, id) == 1))
                return 0;
            /* whatever a call is handed it may return (`def g(x): return x`, max, next,
             * random.choice): a library value among the arguments makes the result one */
            if ((r = any_lib(w, field(e, S_args), NULL, scope)) != 0 ||
                (r = any_lib(w, field(e, S_keywords), S_value, scope)) != 0)
                return r;
            if (fn && kind_of(fn) == K_Attribute)
                return module_chain(w, fn, scope) && module_call_makes_lib(w, fn, scope);
            if (fn && kind_of(fn) == K_Name && (id = field(fn, S_id)) && PyUnicode_Check(id))
                return module_binding(w, id, scope) ? 1 : name_in(w, w->lib_makers, id, scope);
            e = fn;
        } else {
            break;
        }
    }
    if (!e || kind_of(e) != K_Name)
        return 0;
    PyObject *id = field(e, S_id);
    if (!id || !PyUnicode_Check(id))
        return 0;
    if (module_binding(w, id, scope))
        return 1;
    return name_in(w, w->lib_names, id, scope);
}

/* True when calling the value of expression `e` makes a library object (lib_makers):
 * a name in lib_makers, `M.member` as module_call_makes_lib says, else any library value. */
static int lib_maker(walker *w, PyObject *e, int scope)
{
    PyObject *id;
    if (e && kind_of(e) == K_Name && (id = field(e, S_id)) && PyUnicode_Check(id))
        return module_binding(w, id, scope) ? 1 : name_in(w, w->lib_makers, id, scope);
    if (e && kind_of(e) == K_Attribute && module_chain(w, e, scope))
        return module_call_makes_lib(w, e, scope);
    return lib_value(w, e, scope);
}

/* Add `key` to `set` when `yes`. -1 on error, else whether the set grew. */
static int add_if(PyObject *set, PyObject *key, int yes)
{
    if (yes <= 0)
        return 0;
    int r = PySet_Contains(set, key);
    if (r != 0)
        return r < 0 ? -1 : 0;
    return PySet_Add(set, key) < 0 ? -1 : 1;
}

/* A decorator that hands back the class it is given: `M.member` or `M.member(...)` that
 * pvn_class_decorator lists (dataclasses.dataclass, functools.total_ordering), M bound only
 * to that module. Anything else (a program function, a from-imported name) may return
 * anything. */
static bool keeps_class(walker *w, PyObject *d, int scope)
{
    bool called = d && kind_of(d) == K_Call;
    if (called)
        d = field(d, S_func);
    PyObject *root = d && kind_of(d) == K_Attribute ? field(d, S_value) : NULL, *id, *l;
    if (!root || kind_of(root) != K_Name || !(id = field(root, S_id)) || !PyUnicode_Check(id) ||
        !(l = module_binding(w, id, scope)) || PyList_GET_SIZE(l) != 1)
        return false;
    return pvn_class_decorator(PyList_GET_ITEM(l, 0), field(d, S_attr), called);
}

/* True when every decorator of ClassDef `node` keeps the class (keeps_class). */
static bool class_kept(walker *w, PyObject *node, int scope)
{
    PyObject *ds = node ? field(node, S_decorator_list) : NULL;
    for (Py_ssize_t i = 0; ds && PyList_Check(ds) && i < PyList_GET_SIZE(ds); i++)
        if (!keeps_class(w, PyList_GET_ITEM(ds, i), scope))
            return false;
    return true;
}

/* A decorated class statement binds what its decorators return: a library object when
 * one of them makes one when called. -1 on error. */
static int class_lib(walker *w, PyObject *node, int scope)
{
    PyObject *ds = field(node, S_decorator_list);
    for (Py_ssize_t i = 0; ds && PyList_Check(ds) && i < PyList_GET_SIZE(ds); i++) {
        int r = lib_maker(w, PyList_GET_ITEM(ds, i), scope);
        if (r != 0)
            return r;
    }
    return 0;
}

/* A library value was stored into (or handed to a method of) the object expression `e`:
 * the name that holds it, or the attribute name it was read from (any object's), becomes a
 * library value. An item (X[k]) taints its container X. -1 on error, else whether
 * lib_names or lib_attrs grew. */
static int taint_target(walker *w, PyObject *e, int scope)
{
    for (;;) {
        int k = e ? kind_of(e) : -2;
        PyObject *id;
        if (k == K_Subscript) {
            e = field(e, S_value);
            continue;
        }
        if (k == K_Attribute) {
            PyObject *a = field(e, S_attr);
            if (!a || module_chain(w, e, scope))
                return 0; /* a module's own members are PV303's */
            return add_if(w->lib_attrs, a, 1);
        }
        if (k == K_Name && (id = field(e, S_id)) && PyUnicode_Check(id) &&
            !module_binding(w, id, scope)) {
            PyObject *key = name_key(w, scope, id);
            int r = key ? add_if(w->lib_names, key, 1) : -1;
            Py_XDECREF(key);
            return r;
        }
        return 0;
    }
}

/* One entry of w->taints: whether it stores a library value, and then its target
 * (taint_target). A call `X.m(args)` taints X (a method that keeps what it is handed),
 * and when X is a module (heapq.heappush(pq, v)) each argument. -1 on error, else
 * whether a set grew. */
static int apply_taint(walker *w, const binding *t)
{
    int r;
    if (!t->ret) {
        r = lib_value(w, t->value, t->vscope);
        return r <= 0 ? r : taint_target(w, t->name, t->scope);
    }
    PyObject *args = field(t->value, S_args);
    if ((r = any_lib(w, args, NULL, t->vscope)) == 0)
        r = any_lib(w, field(t->value, S_keywords), S_value, t->vscope);
    if (r <= 0)
        return r;
    if (!module_chain(w, t->name, t->scope)) {
        PyObject *fn = field(t->value, S_func);
        return pvn_keeping_method(fn ? field(fn, S_attr) : NULL) ?
               taint_target(w, t->name, t->scope) : 0;
    }
    int grew = 0;
    for (Py_ssize_t i = 0; args && PyList_Check(args) && i < PyList_GET_SIZE(args); i++) {
        int g = taint_target(w, PyList_GET_ITEM(args, i), t->scope);
        if (g < 0)
            return -1;
        grew |= g;
    }
    return grew;
}

/* Rounds compute_lib_names makes before it gives up (and rejects): each round but the last
 * adds a name, a new round is only needed for a name bound after its use. */
#define LIB_ROUNDS 64

/* lib_names: (scope, name) keys ANY binding of which is a library value, to a fixpoint
 * (`f = dataclasses.field()`, `g = f`, `def g(x): return x` then `h = g(f)`); the analysis
 * does not follow the order of bindings, so `f = dataclasses.field()` next to `class f:
 * pass` is a library value (HOLES f14). lib_makers: those any binding of which makes a
 * library object when called (`from dataclasses import field`, `F = dataclasses.Field`, a
 * function that returns or passes through a library value). Bindings in scopes the key
 * does not resolve to (global declarations) are counted where they resolve. */
static int compute_lib_names(walker *w)
{
    if (!(w->lib_names = PySet_New(NULL)) || !(w->lib_makers = PySet_New(NULL)) ||
        !(w->class_only = PySet_New(NULL)) || !(w->lib_attrs = PySet_New(NULL)))
        return -1;
    PyObject *other = PySet_New(NULL);
    if (!other)
        return -1;
    for (size_t i = 0; i < w->nbinds; i++) {
        PyObject *key = name_key(w, w->binds[i].scope, w->binds[i].name);
        const binding *b = &w->binds[i];
        bool cls = b->maker && class_kept(w, b->value, b->scope);
        int r = key ? PySet_Add(cls ? w->class_only : other, key) : -1;
        Py_XDECREF(key);
        if (r < 0) {
            Py_DECREF(other);
            return -1;
        }
    }
    /* a name also bound otherwise (an assignment, an import, a parameter, a def) may be
     * anything */
    PyObject *it = PyObject_GetIter(other), *ok;
    while (it && (ok = PyIter_Next(it)) != NULL) {
        int r = PySet_Discard(w->class_only, ok);
        Py_DECREF(ok);
        if (r < 0)
            break;
    }
    Py_XDECREF(it);
    Py_DECREF(other);
    if (PyErr_Occurred())
        return -1;
    for (int round = 0; round < LIB_ROUNDS; round++) {
        int grew = 0;
        for (size_t i = 0; i < w->nlibcands; i++) {
            const binding *b = &w->libcands[i];
            bool cdef = b->value && kind_of(b->value) == K_ClassDef;
            int is_lib = cdef ? class_lib(w, b->value, b->vscope)
                         : b->value ? lib_value(w, b->value, b->vscope) : 1;
            int is_mk = cdef ? is_lib
                        : !b->value ? b->maker
                        : is_lib > 0 ? (b->ret ? 1 : lib_maker(w, b->value, b->vscope))
                                     : 0;
            if (is_lib < 0 || is_mk < 0)
                return -1;
            PyObject *key = name_key(w, b->scope, b->name);
            if (!key)
                return -1;
            int g1 = add_if(w->lib_names, key, is_lib);
            int g2 = g1 < 0 ? -1 : add_if(w->lib_makers, key, is_mk);
            Py_DECREF(key);
            if (g2 < 0)
                return -1;
            grew |= g1 | g2;
        }
        for (size_t i = 0; i < w->ntaints; i++) {
            int g = apply_taint(w, &w->taints[i]);
            if (g < 0)
                return -1;
            grew |= g;
        }
        if (!grew)
            return 0;
    }
    /* fail closed: the set of library values is not known */
    diag(w, NULL, PVR_LIBRARY_STORE, NULL,
         "library values pass through more than %d chained bindings bound after their use; "
         "the verifier cannot tell which objects are the program's", LIB_ROUNDS);
    return 0;
}

/* An attribute store or delete whose object is a library value (PV307). A module's own
 * attributes are PV303's. */
static int check_library_store(walker *w, const attrref *c)
{
    int ctx = ctx_of(c->node);
    if (ctx == CTX_LOAD)
        return 0;
    PyObject *value = field(c->node, S_value), *id;
    if (value && kind_of(value) == K_Name && (id = field(value, S_id)) &&
        PyUnicode_Check(id) && module_binding(w, id, c->scope))
        return 0;
    int r = lib_value(w, value, c->scope);
    if (r < 0)
        return -1;
    if (r) {
        PyObject *attr = field(c->node, S_attr);
        diag_attr(w, c->node, attr, PVR_LIBRARY_STORE, "%s attribute '%s' of a library object",
                  ctx == CTX_DEL ? "deletes" : "assigns", utf8(attr));
    }
    return 0;
}

static void check_ref(walker *w, const nameref *r)
{
    const pv_policy *p = w->p;
    if (r->ctx == CTX_DECL) {
        /* A module name moved between scopes would escape the import records. */
        for (size_t i = 0; i < w->sc.n; i++) {
            if (pvsc_imports(&w->sc, (int)i, r->name)) {
                diag(w, r->pos, PVR_MODULE_VALUE, NULL,
                     "'%s' names an imported module and cannot be declared global or nonlocal",
                     utf8(r->name));
                return;
            }
        }
        return;
    }
    int b;
    pvsc_res res = pvsc_resolve(&w->sc, r->scope, r->name, &b);
    bool attr_base = (r->flags & FL_ATTR_BASE) != 0;
    bool loads = r->ctx == CTX_LOAD || (r->flags & FL_AUG);
    if (res == PVSC_LOCAL || res == PVSC_FREE) {
        if (loads && !attr_base && pvsc_imports(&w->sc, b, r->name))
            diag(w, r->pos, PVR_MODULE_VALUE, NULL, "module '%s' is used as a value", utf8(r->name));
        return;
    }
    bool host = w->prog->globals && PySet_Contains(w->prog->globals, r->name) == 1;
    /* a host-function stub has nothing to inspect (runtime/hoststub.c) */
    if (attr_base && p->host_functions && PySet_Contains(p->host_functions, r->name) == 1) {
        diag(w, r->pos, PVR_HOST_ATTR, NULL, "'%s' is a host function: it has no attributes",
             utf8(r->name));
        return;
    }
    if (loads && !attr_base && module_binding(w, r->name, r->scope)) {
        diag(w, r->pos, PVR_MODULE_VALUE, NULL, "module '%s' is used as a value", utf8(r->name));
        return;
    }
    if (pvn_builtin_allowed(p, r->name) || host)
        return;
    bool bound = res == PVSC_CLASSLOCAL || pvsc_is_bound(&w->sc, 0, r->name);
    if (pvn_is_builtin(p, r->name)) {
        if (bound || r->ctx != CTX_LOAD)
            diag(w, r->pos, PVR_BUILTIN_SHADOW, NULL,
                 "'%s' is a builtin the policy forbids; a module- or class-level binding does not reliably hide it",
                 utf8(r->name));
        else
            diag(w, r->pos, PVR_BUILTIN, NULL, "'%s' is not an allowed builtin", utf8(r->name));
        return;
    }
    /* a load in dropped code never runs: only the bytecode layer's view of what is bound
       applies to it (every other rule above still does) */
    if (r->ctx == CTX_LOAD && !bound && !(r->flags & FL_DEAD))
        diag(w, r->pos, PVR_UNKNOWN_GLOBAL, NULL, "name '%s' is not defined", utf8(r->name));
}

static int decide(walker *w)
{
    for (size_t i = 0; i < w->nrefs; i++)
        check_ref(w, &w->refs[i]);
    for (size_t i = 0; i < w->nchains; i++)
        if (check_chain(w, &w->chains[i]) < 0)
            return -1;
    if (compute_lib_names(w) < 0)
        return -1;
    for (size_t i = 0; i < w->nchains; i++)
        if (check_library_store(w, &w->chains[i]) < 0)
            return -1;
    for (size_t i = 0; i < w->nkwds; i++) {
        PyObject *attr = w->kwds[i].attr;
        pvn_verdict v = check_attr_verdict(w, attr);
        if (v == PVN_PRIVATE || v == PVN_DUNDER)
            diag(w, w->kwds[i].node, PVR_ATTR_PRIVATE, NULL,
                 "match-class keyword reads private attribute '%s'", utf8(attr));
        else if (v == PVN_DENIED)
            diag(w, w->kwds[i].node, PVR_ATTR_DENIED, NULL,
                 "match-class keyword reads attribute '%s', which exposes interpreter internals",
                 utf8(attr));
        else if (v == PVN_LIBRARY_NAME)
            diag(w, w->kwds[i].node, PVR_ATTR_LIBRARY_NAME, NULL,
                 "match-class keyword reads attribute '%s', which the program defines but library "
                 "objects have too", utf8(attr));
        else if (v != PVN_OK)
            diag(w, w->kwds[i].node, PVR_ATTR_UNKNOWN, NULL,
                 "match-class keyword reads attribute '%s', which is not on the whitelist", utf8(attr));
    }
    return 0;
}

int pva_check(pv_program *prog, const pv_policy *p, bool check_rules)
{
    if (init_tables() < 0)
        return pv_fail_python(PV_ERR_PYTHON, "loading the ast node table");
    walker w;
    memset(&w, 0, sizeof w);
    w.prog = prog;
    w.p = p;
    w.rules = check_rules;
    int rc = -1;
    if (pvsc_init(&w.sc) < 0 || !(w.program_attrs = PySet_New(NULL)))
        goto out;
    if (pvsc_new(&w.sc, PVSC_MODULE, -1) != 0)
        goto out;
    frame root = { prog->tree, NULL, 1, 0, 0, 0, false };
    w.stack = malloc(64 * sizeof *w.stack);
    if (!w.stack)
        goto out;
    w.cap = 64;
    w.stack[w.n++] = root;
    while (w.n > 0 && !w.stop) {
        frame f = w.stack[--w.n];
        if (visit(&w, &f) < 0)
            goto out;
    }
    /* Class bodies define attribute names too (methods, fields, enum members). */
    for (size_t i = 0; i < w.sc.n; i++)
        if (w.sc.s[i].kind == PVSC_CLASS) {
            PyObject *r = PyObject_CallMethod(w.program_attrs, "update", "O", w.sc.s[i].bound);
            if (!r)
                goto out;
            Py_DECREF(r);
        }
    if (check_rules && !w.stop && decide(&w) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        rc = pv_fail_python(PyErr_ExceptionMatches(PyExc_MemoryError) ? PV_ERR_NOMEM : PV_ERR_PYTHON,
                            "verifying the syntax tree");
    free(w.stack);
    free(w.refs);
    free(w.chains);
    free(w.kwds);
    free(w.libcands);
    Py_XDECREF(w.lib_names);
    Py_XDECREF(w.lib_makers);
    Py_XDECREF(w.fn_of);
    Py_XDECREF(w.inner_of);
    Py_XDECREF(w.lib_attrs);
    free(w.taints);
    Py_XDECREF(w.class_only);
    free(w.binds);
    Py_XDECREF(w.dunder_ok);
    Py_XDECREF(w.program_attrs);
    Py_XDECREF(w.held);
    Py_XDECREF(w.name_verdicts);
    Py_XDECREF(w.attr_verdicts);
    pvsc_free(&w.sc);
    return rc;
}
