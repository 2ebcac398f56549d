/*
 * ast_nodes.c: the AST node kinds (nodes.def) and what the interpreter says about them: the
 * node classes, their _fields, interned field names; field access for the AST layer.
 * Below both the policy (node names for [ast] nodes) and the AST layer (ast_check.c).
 */
#include <stdint.h>
#include <string.h>
#include "ast_nodes.h"

const char *const kind_names[K__COUNT] = {
#define PV_NODE(n, pos) #n,
#include "nodes.def"
#undef PV_NODE
};

const unsigned char kind_haspos[K__COUNT] = {
#define PV_NODE(n, pos) pos,
#include "nodes.def"
#undef PV_NODE
};

const char *pva_kind_name(size_t i) { return i < K__COUNT ? kind_names[i] : NULL; }
size_t pva_kind_count(void) { return K__COUNT; }

/* ---- tables from the interpreter ------------------------------------------------------ */

static bool g_init;
static PyObject *g_kinds;             /* dict: node class -> kind id */
PyObject *g_fields[K__COUNT];  /* node class _fields tuples */
PyTypeObject *g_ast_base;      /* _ast.AST */

#define DECL(s) PyObject *S_##s;
STRINGS(DECL)
#undef DECL

int init_tables(void)
{
    if (g_init)
        return 0;
    PyObject *astmod = pvi_get()->ast_module;
    g_kinds = PyDict_New();
    if (!g_kinds)
        return -1;
    PyObject *base = PyObject_GetAttrString(astmod, "AST");
    if (!base || !PyType_Check(base)) {
        Py_XDECREF(base);
        PyErr_SetString(PyExc_RuntimeError, "_ast.AST is missing");
        return -1;
    }
    g_ast_base = (PyTypeObject *)base; /* keep the reference */
    for (int k = 0; k < K__COUNT; k++) {
        PyObject *cls = PyObject_GetAttrString(astmod, kind_names[k]);
        if (!cls)
            return -1; /* the table names a class this interpreter lacks: fail loudly */
        PyObject *id = PyLong_FromLong(k);
        int rc = id ? PyDict_SetItem(g_kinds, cls, id) : -1;
        Py_XDECREF(id);
        g_fields[k] = rc < 0 ? NULL : PyObject_GetAttrString(cls, "_fields");
        Py_DECREF(cls);
        if (rc < 0 || !g_fields[k] || !PyTuple_Check(g_fields[k]))
            return -1;
    }
#define INTERN(s) if (!(S_##s = PyUnicode_InternFromString(#s))) return -1;
    STRINGS(INTERN)
#undef INTERN
    g_init = true;
    return 0;
}

/* kind_of() by type pointer, before the dict: every node asks. Filled only for classes
 * g_kinds holds (alive while it is), emptied with it. */
#define KIND_CACHE 256
static struct {
    PyTypeObject *type;
    int kind;
} g_kind_cache[KIND_CACHE];

void pva_release_static(void)
{
    if (!g_init)
        return;
    memset(g_kind_cache, 0, sizeof g_kind_cache);
    Py_CLEAR(g_kinds);
    for (int k = 0; k < K__COUNT; k++)
        Py_CLEAR(g_fields[k]);
    Py_CLEAR(g_ast_base);
#define CLEAR(s) Py_CLEAR(S_##s);
    STRINGS(CLEAR)
#undef CLEAR
    g_init = false;
}

/* Kind id of a node, -1 for an AST node of a class not in the table, -2 for non-AST. */
int kind_of(PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    size_t h = ((uintptr_t)t >> 4) % KIND_CACHE;
    if (g_kind_cache[h].type == t)
        return g_kind_cache[h].kind;
    PyObject *id = PyDict_GetItemWithError(g_kinds, (PyObject *)t);
    if (id) {
        int k = (int)PyLong_AsLong(id);
        g_kind_cache[h].type = t;
        g_kind_cache[h].kind = k;
        return k;
    }
    PyErr_Clear();
    return PyObject_TypeCheck(o, g_ast_base) ? -1 : -2;
}


/* A borrowed attribute of a node (the node's dict keeps it alive); NULL if absent. */
PyObject *field(PyObject *node, PyObject *name)
{
    /* The parser stores every field in the node's instance dict, and the AST classes have
     * no data descriptors of those names, so the dict holds what getattr would return;
     * looking there first skips the type's MRO walk. Anything else: plain getattr. */
    PyObject **dictp = _PyObject_GetDictPtr(node);
    if (dictp && *dictp) {
        PyObject *d = PyDict_GetItemWithError(*dictp, name);
        if (d)
            return d;
        PyErr_Clear();
    }
    PyObject *v = PyObject_GetAttr(node, name);
    if (!v) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(v);
    return v;
}

int int_field(PyObject *node, PyObject *name, int dflt)
{
    PyObject *v = field(node, name);
    if (!v || !PyLong_Check(v))
        return dflt;
    long x = PyLong_AsLong(v);
    if (x == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return dflt;
    }
    return (int)x;
}

const char *utf8(PyObject *s)
{
    const char *u = s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : NULL;
    if (!u) {
        PyErr_Clear();
        return "?";
    }
    return u;
}

int ctx_of(PyObject *node)
{
    PyObject *c = field(node, S_ctx);
    int k = c ? kind_of(c) : -2;
    if (k == K_Store)
        return CTX_STORE;
    if (k == K_Del)
        return CTX_DEL;
    return CTX_LOAD;
}
