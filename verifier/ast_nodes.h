/*
 * ast_nodes.h: reading the trees CPython's parser builds, for the AST layer (ast_check.c)
 * and the policy (which names node kinds in [ast] nodes): node kinds from nodes.def, the
 * interpreter's node classes and their _fields, interned field names, field access.
 *
 * The AST layer calls these by the short names it always had; their symbols carry the
 * pva_ prefix (asm labels), so that a host linking the static library never meets a global
 * `field` or `S_id`.
 */
#ifndef PV_AST_NODES_H
#define PV_AST_NODES_H

#include "internal.h"

enum {
#define PV_NODE(n, pos) K_##n,
#include "nodes.def"
#undef PV_NODE
    K__COUNT
};

/* How a Name or Attribute is used (ctx_of), and a global/nonlocal declaration. */
enum { CTX_LOAD, CTX_STORE, CTX_DEL, CTX_DECL };

#define STRINGS(X) X(id) X(ctx) X(attr) X(value) X(func) X(args) X(keywords) X(name) \
    X(names) X(asname) X(module) X(level) X(lineno) X(col_offset) X(end_lineno)           \
    X(end_col_offset) X(arg) X(kwd_attrs) X(rest) X(generators) X(format) X(super)       \
    X(body) X(decorator_list) X(bases) X(returns) X(elt) X(key) X(target) X(iter) X(ifs)  \
    X(annotation) X(patterns) X(kwd_patterns) X(cls) X(type) X(orelse) X(test) \
    X(targets) X(slice) X(elts) X(keys) X(values) \
    X(ops) X(comparators) X(left) X(right) X(operand)
#define DECL(s) PV_INTERNAL extern PyObject *S_##s __asm__("pva_S_" #s);
STRINGS(DECL)
#undef DECL

/* Per kind: the class name, and 1 when the node carries a position (lineno ...). */
PV_INTERNAL extern const char *const kind_names[K__COUNT] __asm__("pva_kind_names");
PV_INTERNAL extern const unsigned char kind_haspos[K__COUNT] __asm__("pva_kind_haspos");
/* The node classes' _fields tuples, by kind, and _ast.AST (after init_tables()). */
PV_INTERNAL extern PyObject *g_fields[K__COUNT] __asm__("pva_g_fields");
PV_INTERNAL extern PyTypeObject *g_ast_base __asm__("pva_g_ast_base");

/* Loads the tables above from the interpreter once; 0, or -1 with a Python exception. */
PV_INTERNAL int init_tables(void) __asm__("pva_init_tables");
/* Kind id of a node, -1 for an AST node of a class not in the table, -2 for non-AST. */
PV_INTERNAL int kind_of(PyObject *o) __asm__("pva_kind_of");
/* A borrowed attribute of a node; NULL if absent (no exception left pending). */
PV_INTERNAL PyObject *field(PyObject *node, PyObject *name) __asm__("pva_field");
/* An int field, `dflt` if absent or not an int. */
PV_INTERNAL int int_field(PyObject *node, PyObject *name, int dflt) __asm__("pva_int_field");
/* UTF-8 of a str for a message; "?" if it has none. */
PV_INTERNAL const char *utf8(PyObject *s) __asm__("pva_utf8");
/* CTX_STORE, CTX_DEL or CTX_LOAD from a node's ctx field. */
PV_INTERNAL int ctx_of(PyObject *node) __asm__("pva_ctx_of");

#endif
