/*
 * bytecode.h: what the files of layer 2 (the bytecode verifier) share, not installed:
 * the opcode numbers, the interpreter's opcode tables, a decoded code object (pvb_unit),
 * the walk's context (pvb_ctx) and the helpers each file provides to the others.
 *
 *   bytecode_opcodes.h  the opcode table (data)
 *   bytecode_tables.c   the running interpreter's tables, checked against it
 *   bytecode_unit.c     decoded code objects: loading, operands, locations, reports
 *   bytecode_struct.c   the structural verifier (untrusted .pyc: operands, jumps,
 *                       exception table, stack-depth proof, frames, line table)
 *   bytecode.c          the walk over the code objects and the policy check
 */
#ifndef PV_BYTECODE_H
#define PV_BYTECODE_H

#include "internal.h"
#include "bytecode_opcodes.h"

#include <stdarg.h>

enum pvb_op {
#define X(name, num, cache, flags) OP_##name = num,
    PVB_OPCODES(X)
#undef X
};

/* BINARY_OP's operand indexes a 26-entry table in ceval (NB_ADD .. NB_INPLACE_XOR) and
 * COMPARE_OP's indexes the 6 rich comparisons: out-of-range values read out of bounds. */
#define PVB_NB_OPS 26u
#define PVB_CMP_OPS 6u
/* The most EXTENDED_ARG prefixes a 32-bit operand needs. */
#define PVB_MAX_EXTENDED 3u

/* The tables of the running interpreter, copied to C on first use and checked against
 * pvb_opdefs. Plain C data, so that it stays valid across pv_shutdown()/pv_init(). */
struct pvb_tab {
    int state;                  /* 0 not loaded, 1 loaded and equal, -1 mismatch */
    char why[256];              /* the mismatch, for pv_last_error() */
    unsigned char known[256];   /* the opcode has a name */
    unsigned char cache[256];
    unsigned char flags[256];
    const char *name[256];      /* static strings from pvb_opdefs */
};
PV_INTERNAL extern struct pvb_tab pvb_tab;

/* Kinds of a fast-locals slot (co_localsplus). */
#define LP_LOCAL 1u
#define LP_CELL 2u
#define LP_FREE 4u

typedef struct pvb_insn {
    int start;              /* code unit of the first EXTENDED_ARG prefix, else of the opcode */
    int at;                 /* code unit of the opcode */
    int op;
    unsigned long arg;      /* with EXTENDED_ARG prefixes applied */
    int jump;               /* index of the jump target instruction, else -1 */
    int handler;            /* index into pvb_unit.exc of the entry covering it, else -1 */
    unsigned char target;   /* a jump or an exception handler lands here */
    unsigned char member;   /* LOAD_ATTR/LOAD_METHOD checked as an allowed module member */
    unsigned char imported; /* IMPORT_FROM checked as part of an import sequence */
    unsigned char builds_class; /* PRECALL/CALL/CALL_FUNCTION_EX whose callable may be what
                                   LOAD_BUILD_CLASS pushed (bytecode_struct.c) */
} pvb_insn;

/* One exception table entry: instructions in code units [start, end) jump to `target`
 * (an instruction index) with the stack cut to `depth`, plus lasti, plus the exception. */
typedef struct pvb_exc {
    int start, end, target, depth;
    bool lasti;
} pvb_exc;

typedef struct pvb_unit {
    PyObject *code;         /* owned */
    PyObject *bytes;        /* owned: PyCode_GetCode(), caches zeroed, quickening undone */
    PyObject *consts, *names, *varnames, *cellvars, *freevars; /* owned tuples */
    PyObject **lp;          /* owned array of borrowed names, by fast-locals index */
    unsigned char *lpkind;  /* owned: LP_* per fast-locals slot */
    unsigned char *lpdone;  /* owned: the slot's name has been checked */
    int nlp;
    int *pos;               /* owned: line, end line, col, end col (bytes, 0-based) per unit;
                               read on first use (pvb_positions): only diagnostics need them */
    bool pos_read;          /* pvb_positions() has run (pos may still be NULL: no memory) */
    int nunits;
    pvb_insn *insns;        /* owned */
    int ninsns;
    int *unit2insn;         /* owned: instruction starting at a code unit, else -1 */
    struct pvb_exc *exc;    /* owned: the exception table */
    int nexc;
    int *sdepth;            /* owned: stack depth before each instruction (-1 unreachable) */
    int depth;              /* 1 for the root */
    int flags;              /* co_flags */
    int firstline;
    int prologue;           /* first instruction after MAKE_CELL/COPY_FREE_VARS/RESUME */
    bool is_module, is_class, is_function, is_comprehension, has_annotations, broken;
    PyObject *class_names;  /* owned set: names a class body stores (LOAD_NAME resolves them) */
    PyObject *modlocals;    /* owned dict or NULL: locals (STORE_FAST, class STORE_NAME) that
                               hold modules: name -> set of module names */
} pvb_unit;

typedef struct pvb_ctx {
    pv_program *prog;
    const pv_policy *p;
    pvb_unit *units;        /* owned */
    size_t n, cap;
    PyObject *attrs;        /* owned set: program_attrs, computed from the bytecode alone */
    PyObject *module_bound; /* owned set: names bound at module level */
    /* Names that hold modules, by scope (owned dicts: name -> set of module names). */
    PyObject *modvars;      /* module globals: STORE_NAME in the module, STORE_GLOBAL */
    PyObject *modcells;     /* cells: STORE_DEREF (matched by name in any code object) */
    bool structure_only;    /* PVB_STRUCTURE_ONLY: no policy rules */
    /* Stores into library objects (PV520): the binding keys (scope, name) any store of
     * which is a library value; those any store of which makes a library object when
     * called (from dataclasses import field; F = dataclasses.Field; a function that
     * returns one); the code objects (as PyLong_FromVoidPtr) that return or yield a
     * library value. lib_grew: a pass added to one of them. */
    PyObject *lib_names, *lib_makers, *lib_funcs;
    bool lib_grew;
    /* Binding keys stored only by class statements (calling one makes an instance of a
     * program class, whatever its arguments). */
    PyObject *class_only;
    /* The (unit, instruction, slot) states a pass has followed a library value from
     * (owned set; reset each pass): each is followed once (linear, not quadratic). */
    PyObject *lib_seen;
    /* Attribute names some STORE_ATTR gives a library value (owned set of str). */
    PyObject *lib_attrs;
    bool namedtuples;       /* some code object names `namedtuple`: its API is readable */
} pvb_ctx;

/* ---- small helpers (inline: the pattern matchers call them per instruction) ------------ */

/* True when `s` is the str `lit`. */
static inline bool pvb_is(PyObject *s, const char *lit)
{
    return s != NULL && PyUnicode_Check(s) && PyUnicode_CompareWithASCIIString(s, lit) == 0;
}

/* True when `s` is a str that is an identifier (every name the compiler emits is one,
 * except the dotted operand of IMPORT_NAME and the '.0' argument of comprehensions). */
static inline bool pvb_identifier(PyObject *s)
{
    return s != NULL && PyUnicode_Check(s) && PyUnicode_IsIdentifier(s) == 1;
}

/* Instruction k of u, or NULL when out of range. */
static inline const pvb_insn *pvb_at(const pvb_unit *u, int k)
{
    return (k >= 0 && k < u->ninsns) ? &u->insns[k] : NULL;
}

/* True when instruction k exists, is `op` and nothing jumps to it. */
static inline bool pvb_op_is(const pvb_unit *u, int k, int op)
{
    const pvb_insn *i = pvb_at(u, k);
    return i != NULL && i->op == op && !i->target;
}

/* The constant operand of LOAD_CONST/KW_NAMES, borrowed. */
static inline PyObject *pvb_const(const pvb_unit *u, const pvb_insn *i)
{
    return i->arg < (unsigned long)PyTuple_GET_SIZE(u->consts) ? PyTuple_GET_ITEM(u->consts, i->arg)
                                                               : NULL;
}

/* ---- bytecode_tables.c ------------------------------------------------------------------ */

PV_INTERNAL int pvb_tables(void);

/* ---- bytecode_unit.c -------------------------------------------------------------------- */

PV_INTERNAL const char *pvb_why(pvn_verdict v, PyObject *nm);
PV_INTERNAL const char *pvb_str(PyObject *s);
PV_INTERNAL const char *pvb_repr_names(PyObject *t);
PV_INTERNAL bool pvb_in(PyObject *set, PyObject *key);
/* Diagnostics: at code unit `unit` of u, at instruction k (k < 0: the first line), and at
 * instruction k with a hint of its own. */
PV_INTERNAL void pvb_report_unit(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
PV_INTERNAL void pvb_report(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
PV_INTERNAL void pvb_report_hint(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule,
                                 const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
PV_INTERNAL PyObject *pvb_name(const pvb_unit *u, const pvb_insn *i);
PV_INTERNAL bool pvb_load_str(const pvb_unit *u, int k, PyObject **out);
PV_INTERNAL void pvb_unit_free(pvb_unit *u);
PV_INTERNAL int pvb_load_unit(pvb_ctx *c, pvb_unit *u);

/* ---- bytecode_struct.c ------------------------------------------------------------------ */

PV_INTERNAL int pvb_decode(pvb_ctx *c, pvb_unit *u);

#endif
