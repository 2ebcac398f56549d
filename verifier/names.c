/*
 * names.c: the name and attribute rules, shared by the AST layer and the bytecode layer.
 * Each layer calls these on what it sees itself; neither trusts the other's findings.
 */
#include <string.h>
#include "internal.h"

static bool utf8_of(PyObject *s, const char **out, Py_ssize_t *len)
{
    if (!s || !PyUnicode_Check(s))
        return false;
    *out = PyUnicode_AsUTF8AndSize(s, len);
    if (!*out) {
        PyErr_Clear();
        return false;
    }
    return true;
}

static bool is_dunder(const char *s, Py_ssize_t n)
{
    return n >= 5 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

/* Set membership that fails closed: an error counts as "not a member". */
static bool member(PyObject *set, PyObject *key)
{
    if (!set)
        return false;
    int r = PySet_Contains(set, key);
    if (r < 0) {
        PyErr_Clear();
        return false;
    }
    return r == 1;
}

pvn_verdict pvn_check_name(const pv_policy *p, PyObject *name)
{
    const char *s;
    Py_ssize_t n;
    if (!utf8_of(name, &s, &n))
        return PVN_DENIED;
    if (is_dunder(s, n))
        return PVN_DUNDER;
    if (pvp_regex_any(p, &p->name_deny, s, (size_t)n, NULL, true))
        return PVN_DENIED;
    return PVN_OK;
}

pvn_verdict pvn_check_attr(const pv_policy *p, PyObject *attr, PyObject *program_attrs)
{
    const char *s;
    Py_ssize_t n;
    if (!utf8_of(attr, &s, &n))
        return PVN_DENIED;
    if (n == 0 || is_dunder(s, n))
        return PVN_PRIVATE;
    if (pvp_regex_any(p, &p->attr_deny, s, (size_t)n, NULL, true))
        return PVN_DENIED;
    /* '_name': only as a name the program defines and no library object has (issue 16);
     * '__name' (mangled in class bodies, so the two layers would see different names)
     * never. */
    bool priv = s[0] == '_';
    if (priv && n >= 2 && s[1] == '_')
        return PVN_PRIVATE;
    if (!priv && member(p->attrs_allowed, attr))
        return PVN_OK;
    if (member(program_attrs, attr)) {
        /* A name the program defines would be readable on every object: only when no type
         * or module reachable from the policy has an attribute of that name. Fails closed:
         * without the set (an error), nothing program-defined is readable. */
        if (!p->library_attrs)
            return PVN_LIBRARY_NAME;
        int r = PySet_Contains(p->library_attrs, attr);
        if (r < 0)
            PyErr_Clear();
        return r == 0 ? PVN_OK : PVN_LIBRARY_NAME;
    }
    if (priv)
        return PVN_PRIVATE;
    if (pvp_regex_any(p, &p->attr_allow, s, (size_t)n, NULL, false))
        return PVN_OK;
    return PVN_UNKNOWN;
}

bool pvn_namedtuple_api(PyObject *attr)
{
    static const char *const api[] = { "_replace", "_asdict", "_fields", "_make" };
    if (!attr || !PyUnicode_Check(attr))
        return false;
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
        if (PyUnicode_CompareWithASCIIString(attr, api[i]) == 0)
            return true;
    return false;
}

int pvn_add_field_names(const pv_policy *p, PyObject *s, PyObject *set)
{
    if (!s || !PyUnicode_Check(s))
        return 0;
    PyObject *spaced = PyObject_CallMethod(s, "replace", "ss", ",", " ");
    PyObject *parts = spaced ? PyUnicode_Split(spaced, NULL, -1) : NULL;
    Py_XDECREF(spaced);
    if (!parts)
        return -1;
    int rc = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parts) && rc == 0; i++) {
        PyObject *n = PyList_GET_ITEM(parts, i);
        if (PyUnicode_IsIdentifier(n) == 1 && PyUnicode_READ_CHAR(n, 0) != '_' &&
            pvn_check_name(p, n) == PVN_OK)
            rc = PySet_Add(set, n);
    }
    Py_DECREF(parts);
    return rc;
}

bool pvn_special_method(const pv_policy *p, PyObject *name)
{
    return member(p->special_methods, name);
}

bool pvn_builtin_allowed(const pv_policy *p, PyObject *name)
{
    return member(p->builtins_allowed, name);
}

bool pvn_is_builtin(const pv_policy *p, PyObject *name)
{
    /* Fails closed the other way: when in doubt, a name is a builtin (and so forbidden
     * at module level unless the policy allows it). */
    int r = PySet_Contains(p->builtins_all, name);
    if (r < 0) {
        PyErr_Clear();
        return true;
    }
    return r == 1;
}

bool pvn_module_allowed(const pv_policy *p, PyObject *dotted)
{
    return member(p->modules, dotted);
}

pvn_verdict pvn_module_member(const pv_policy *p, PyObject *module, PyObject *member_name,
                              PyObject **submodule)
{
    if (submodule)
        *submodule = NULL;
    const char *s;
    Py_ssize_t n;
    if (!utf8_of(member_name, &s, &n))
        return PVN_NOT_MEMBER;
    if (n == 0 || s[0] == '_')
        return PVN_PRIVATE;
    if (pvp_regex_any(p, &p->attr_deny, s, (size_t)n, NULL, true))
        return PVN_DENIED;
    PyObject *table = PyDict_GetItemWithError(p->module_members, module);
    if (!table) {
        PyErr_Clear();
        return PVN_NOT_MEMBER;
    }
    PyObject *v = PyDict_GetItemWithError(table, member_name);
    if (!v) {
        PyErr_Clear();
        return PVN_NOT_MEMBER;
    }
    if (v != Py_None && submodule) {
        Py_INCREF(v);
        *submodule = v;
    }
    return PVN_OK;
}

bool pvn_format_template_safe(const pv_policy *p, PyObject *tmpl)
{
    const char *s;
    Py_ssize_t n;
    if (!utf8_of(tmpl, &s, &n))
        return false;
    return pvp_regex_one(p, p->format_safe, s, (size_t)n, false);
}

const char *pvn_describe(pvn_verdict v)
{
    switch (v) {
    case PVN_OK: return "is allowed";
    case PVN_DUNDER: return "is a dunder name";
    case PVN_DENIED: return "matches a deny pattern of the policy";
    case PVN_PRIVATE: return "is private (starts with '_')";
    case PVN_UNKNOWN: return "is not on the attribute whitelist";
    case PVN_NOT_MEMBER: return "is not an allowed member of the module";
    case PVN_NOT_BUILTIN: return "is not an allowed builtin";
    case PVN_FORBIDDEN_BUILTIN: return "is a builtin the policy forbids";
    case PVN_LIBRARY_NAME:
        return "is defined by the program but is also an attribute of a library type or module";
    }
    return "is not allowed";
}

const pvn_modattr pvn_writable_classes[] = {
    { "decimal", "Context" },
    { "collections", "defaultdict" },
    { "types", "SimpleNamespace" },
    /* @classmethod/@staticmethod copy the function's __name__, __doc__ ... into the new
       wrapper with setattr, from the class body's frame */
    { "builtins", "classmethod" },
    { "builtins", "staticmethod" },
};
const size_t pvn_nwritable_classes = sizeof pvn_writable_classes / sizeof pvn_writable_classes[0];

/* The module functions that return library objects (rules/surface.tsv, mutable-sink). */
static const pvn_modattr lib_factories[] = {
    { "dataclasses", "field" },
    { "dataclasses", "fields" },
};

bool pvn_fresh_builtin(PyObject *name)
{
    /* each converts its result to (an exact or subclass of) int, float, complex, str or
     * bool, or makes one itself */
    static const char *const fresh[] = {
        "len", "str", "repr", "ascii", "int", "float", "complex", "bool", "hash",
        "isinstance", "issubclass", "callable", "ord", "chr", "bin", "hex", "oct", "any",
        "all", "id", "format",
    };
    if (!name || !PyUnicode_Check(name))
        return false;
    for (size_t i = 0; i < sizeof fresh / sizeof fresh[0]; i++)
        if (PyUnicode_CompareWithASCIIString(name, fresh[i]) == 0)
            return true;
    return false;
}

bool pvn_keeping_method(PyObject *name)
{
    static const char *const keep[] = {
        "append", "extend", "insert", "add", "update", "setdefault", "appendleft",
        "extendleft", "fromkeys",
    };
    if (!name || !PyUnicode_Check(name))
        return false;
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (PyUnicode_CompareWithASCIIString(name, keep[i]) == 0)
            return true;
    return false;
}

bool pvn_class_decorator(PyObject *module, PyObject *member, bool called)
{
    if (!module || !member || !PyUnicode_Check(module) || !PyUnicode_Check(member))
        return false;
    if (PyUnicode_CompareWithASCIIString(module, "dataclasses") == 0 &&
        PyUnicode_CompareWithASCIIString(member, "dataclass") == 0)
        return true; /* dataclass(cls) and dataclass(**options)(cls) return cls */
    return !called && PyUnicode_CompareWithASCIIString(module, "functools") == 0 &&
           PyUnicode_CompareWithASCIIString(member, "total_ordering") == 0;
}

/* True when (module, member) is in `tab`. */
static bool listed(const pvn_modattr *tab, size_t n, PyObject *module, PyObject *member)
{
    for (size_t i = 0; i < n; i++)
        if (PyUnicode_CompareWithASCIIString(module, tab[i].module) == 0 &&
            PyUnicode_CompareWithASCIIString(member, tab[i].name) == 0)
            return true;
    return false;
}

bool pvn_call_makes_library_object(const pv_policy *p, PyObject *module, PyObject *name)
{
    if (!module || !name || !PyUnicode_Check(module) || !PyUnicode_Check(name) ||
        !pvn_module_allowed(p, module))
        return true;
    if (listed(pvn_writable_classes, pvn_nwritable_classes, module, name))
        return false;
    if (listed(lib_factories, sizeof lib_factories / sizeof lib_factories[0], module, name))
        return true;
    PyObject *fns = p->module_functions ? PyDict_GetItemWithError(p->module_functions, module)
                                        : NULL;
    if (!fns)
        PyErr_Clear();
    return !member(fns, name);
}
