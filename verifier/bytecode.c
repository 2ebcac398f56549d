/*
 * bytecode.c: layer 2, the bytecode verifier.
 *
 * Walks the code object CPython compiled from the accepted tree and every code object
 * nested in its co_consts, and checks them without trusting layer 1: the opcode
 * whitelist, the structure (operand bounds, jump targets, EXTENDED_ARG, inline caches,
 * exception table), every name, attribute and import operand (through the same pvn_*
 * rules as layer 1), and the constants that act as names (match-class keywords,
 * keyword-call names, str.format templates). The names CPython itself generates
 * (__module__, __qualname__, __class__ cells ...) are accepted only in the exact
 * instruction patterns where the compiler puts them.
 *
 * The opcode table below is what this file was written against (CPython 3.11). It is
 * compared with the running interpreter's `opcode` module on first use; any difference
 * makes the layer refuse to run (fail closed) instead of silently changing meaning.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the opcode table (CPython 3.11) --------------------------------------------------- */

#define F_A 0x01u  /* takes an argument (op >= HAVE_ARGUMENT) */
#define F_C 0x02u  /* opcode.hasconst */
#define F_N 0x04u  /* opcode.hasname */
#define F_J 0x08u  /* opcode.hasjrel */
#define F_JA 0x10u /* opcode.hasjabs (none in 3.11) */
#define F_B 0x20u  /* a backward relative jump ('JUMP_BACKWARD' in its name, as dis says) */
#define F_L 0x40u  /* opcode.haslocal */
#define F_F 0x80u  /* opcode.hasfree */

/* X(name, number, inline cache entries, flags) */
#define PVB_OPCODES(X) \
    X(CACHE, 0, 0, 0) \
    X(POP_TOP, 1, 0, 0) \
    X(PUSH_NULL, 2, 0, 0) \
    X(NOP, 9, 0, 0) \
    X(UNARY_POSITIVE, 10, 0, 0) \
    X(UNARY_NEGATIVE, 11, 0, 0) \
    X(UNARY_NOT, 12, 0, 0) \
    X(UNARY_INVERT, 15, 0, 0) \
    X(BINARY_SUBSCR, 25, 4, 0) \
    X(GET_LEN, 30, 0, 0) \
    X(MATCH_MAPPING, 31, 0, 0) \
    X(MATCH_SEQUENCE, 32, 0, 0) \
    X(MATCH_KEYS, 33, 0, 0) \
    X(PUSH_EXC_INFO, 35, 0, 0) \
    X(CHECK_EXC_MATCH, 36, 0, 0) \
    X(CHECK_EG_MATCH, 37, 0, 0) \
    X(WITH_EXCEPT_START, 49, 0, 0) \
    X(GET_AITER, 50, 0, 0) \
    X(GET_ANEXT, 51, 0, 0) \
    X(BEFORE_ASYNC_WITH, 52, 0, 0) \
    X(BEFORE_WITH, 53, 0, 0) \
    X(END_ASYNC_FOR, 54, 0, 0) \
    X(STORE_SUBSCR, 60, 1, 0) \
    X(DELETE_SUBSCR, 61, 0, 0) \
    X(GET_ITER, 68, 0, 0) \
    X(GET_YIELD_FROM_ITER, 69, 0, 0) \
    X(PRINT_EXPR, 70, 0, 0) \
    X(LOAD_BUILD_CLASS, 71, 0, 0) \
    X(LOAD_ASSERTION_ERROR, 74, 0, 0) \
    X(RETURN_GENERATOR, 75, 0, 0) \
    X(LIST_TO_TUPLE, 82, 0, 0) \
    X(RETURN_VALUE, 83, 0, 0) \
    X(IMPORT_STAR, 84, 0, 0) \
    X(SETUP_ANNOTATIONS, 85, 0, 0) \
    X(YIELD_VALUE, 86, 0, 0) \
    X(ASYNC_GEN_WRAP, 87, 0, 0) \
    X(PREP_RERAISE_STAR, 88, 0, 0) \
    X(POP_EXCEPT, 89, 0, 0) \
    X(STORE_NAME, 90, 0, F_A|F_N) \
    X(DELETE_NAME, 91, 0, F_A|F_N) \
    X(UNPACK_SEQUENCE, 92, 1, F_A) \
    X(FOR_ITER, 93, 0, F_A|F_J) \
    X(UNPACK_EX, 94, 0, F_A) \
    X(STORE_ATTR, 95, 4, F_A|F_N) \
    X(DELETE_ATTR, 96, 0, F_A|F_N) \
    X(STORE_GLOBAL, 97, 0, F_A|F_N) \
    X(DELETE_GLOBAL, 98, 0, F_A|F_N) \
    X(SWAP, 99, 0, F_A) \
    X(LOAD_CONST, 100, 0, F_A|F_C) \
    X(LOAD_NAME, 101, 0, F_A|F_N) \
    X(BUILD_TUPLE, 102, 0, F_A) \
    X(BUILD_LIST, 103, 0, F_A) \
    X(BUILD_SET, 104, 0, F_A) \
    X(BUILD_MAP, 105, 0, F_A) \
    X(LOAD_ATTR, 106, 4, F_A|F_N) \
    X(COMPARE_OP, 107, 2, F_A) \
    X(IMPORT_NAME, 108, 0, F_A|F_N) \
    X(IMPORT_FROM, 109, 0, F_A|F_N) \
    X(JUMP_FORWARD, 110, 0, F_A|F_J) \
    X(JUMP_IF_FALSE_OR_POP, 111, 0, F_A|F_J) \
    X(JUMP_IF_TRUE_OR_POP, 112, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_FALSE, 114, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_TRUE, 115, 0, F_A|F_J) \
    X(LOAD_GLOBAL, 116, 5, F_A|F_N) \
    X(IS_OP, 117, 0, F_A) \
    X(CONTAINS_OP, 118, 0, F_A) \
    X(RERAISE, 119, 0, F_A) \
    X(COPY, 120, 0, F_A) \
    X(BINARY_OP, 122, 1, F_A) \
    X(SEND, 123, 0, F_A|F_J) \
    X(LOAD_FAST, 124, 0, F_A|F_L) \
    X(STORE_FAST, 125, 0, F_A|F_L) \
    X(DELETE_FAST, 126, 0, F_A|F_L) \
    X(POP_JUMP_FORWARD_IF_NOT_NONE, 128, 0, F_A|F_J) \
    X(POP_JUMP_FORWARD_IF_NONE, 129, 0, F_A|F_J) \
    X(RAISE_VARARGS, 130, 0, F_A) \
    X(GET_AWAITABLE, 131, 0, F_A) \
    X(MAKE_FUNCTION, 132, 0, F_A) \
    X(BUILD_SLICE, 133, 0, F_A) \
    X(JUMP_BACKWARD_NO_INTERRUPT, 134, 0, F_A|F_J|F_B) \
    X(MAKE_CELL, 135, 0, F_A|F_F) \
    X(LOAD_CLOSURE, 136, 0, F_A|F_F) \
    X(LOAD_DEREF, 137, 0, F_A|F_F) \
    X(STORE_DEREF, 138, 0, F_A|F_F) \
    X(DELETE_DEREF, 139, 0, F_A|F_F) \
    X(JUMP_BACKWARD, 140, 0, F_A|F_J|F_B) \
    X(CALL_FUNCTION_EX, 142, 0, F_A) \
    X(EXTENDED_ARG, 144, 0, F_A) \
    X(LIST_APPEND, 145, 0, F_A) \
    X(SET_ADD, 146, 0, F_A) \
    X(MAP_ADD, 147, 0, F_A) \
    X(LOAD_CLASSDEREF, 148, 0, F_A|F_F) \
    X(COPY_FREE_VARS, 149, 0, F_A) \
    X(RESUME, 151, 0, F_A) \
    X(MATCH_CLASS, 152, 0, F_A) \
    X(FORMAT_VALUE, 155, 0, F_A) \
    X(BUILD_CONST_KEY_MAP, 156, 0, F_A) \
    X(BUILD_STRING, 157, 0, F_A) \
    X(LOAD_METHOD, 160, 10, F_A|F_N) \
    X(LIST_EXTEND, 162, 0, F_A) \
    X(SET_UPDATE, 163, 0, F_A) \
    X(DICT_MERGE, 164, 0, F_A) \
    X(DICT_UPDATE, 165, 0, F_A) \
    X(PRECALL, 166, 1, F_A) \
    X(CALL, 171, 4, F_A) \
    X(KW_NAMES, 172, 0, F_A|F_C) \
    X(POP_JUMP_BACKWARD_IF_NOT_NONE, 173, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_NONE, 174, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_FALSE, 175, 0, F_A|F_J|F_B) \
    X(POP_JUMP_BACKWARD_IF_TRUE, 176, 0, F_A|F_J|F_B)

enum pvb_op {
#define X(name, num, cache, flags) OP_##name = num,
    PVB_OPCODES(X)
#undef X
};

typedef struct pvb_opdef {
    const char *name;
    unsigned char num, cache, flags;
} pvb_opdef;

static const pvb_opdef pvb_opdefs[] = {
#define X(name, num, cache, flags) { #name, num, cache, flags },
    PVB_OPCODES(X)
#undef X
};
#define PVB_NOPDEFS (sizeof pvb_opdefs / sizeof pvb_opdefs[0])

/* BINARY_OP's operand indexes a 26-entry table in ceval (NB_ADD .. NB_INPLACE_XOR) and
 * COMPARE_OP's indexes the 6 rich comparisons: out-of-range values read out of bounds. */
#define PVB_NB_OPS 26u
#define PVB_CMP_OPS 6u
/* The most EXTENDED_ARG prefixes a 32-bit operand needs. */
#define PVB_MAX_EXTENDED 3u

/* The tables of the running interpreter, copied to C on first use and checked against
 * pvb_opdefs. Plain C data, so that it stays valid across pv_shutdown()/pv_init(). */
static struct {
    int state;                  /* 0 not loaded, 1 loaded and equal, -1 mismatch */
    char why[256];              /* the mismatch, for pv_last_error() */
    unsigned char known[256];   /* the opcode has a name */
    unsigned char cache[256];
    unsigned char flags[256];
    const char *name[256];      /* static strings from pvb_opdefs */
} pvb_tab;

/* Read a list of ints (opcode.hasconst ...) into a flag mask. */
static int pvb_read_list(PyObject *mod, const char *attr, unsigned char *flags, unsigned f)
{
    PyObject *l = PyObject_GetAttrString(mod, attr);
    if (l == NULL)
        return -1;
    PyObject *seq = PySequence_Fast(l, attr);
    Py_DECREF(l);
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        if (v < 0 || v > 255) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "opcode.%s holds %ld", attr, v);
            return -1;
        }
        flags[v] |= (unsigned char)f;
    }
    Py_DECREF(seq);
    return 0;
}

static int pvb_mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int pvb_mismatch(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pvb_tab.why, sizeof pvb_tab.why, fmt, ap);
    va_end(ap);
    pvb_tab.state = -1;
    return pv_fail(PV_ERR_PYTHON, "bytecode layer: the interpreter's opcode table differs "
                   "from the one pyverify was written for: %s", pvb_tab.why);
}

/* Load the running interpreter's opcode tables once and compare them with pvb_opdefs. */
static int pvb_tables(void)
{
    PyObject *mod = NULL, *names = NULL, *caches = NULL, *o = NULL;
    unsigned char rflags[256] = { 0 }, rcache[256] = { 0 }, rknown[256] = { 0 };
    long have_arg, nnb;
    int rc = PV_ERR_PYTHON;

    if (pvb_tab.state == 1)
        return 0;
    if (pvb_tab.state == -1)
        return pv_fail(PV_ERR_PYTHON, "bytecode layer: the interpreter's opcode table differs "
                       "from the one pyverify was written for: %s", pvb_tab.why);
    /* The opcode module, or the build's copy of the attributes read here when the default
     * policy came from the build-time cache (policy_cache.c): the same checks run on both. */
    mod = pvc_opcode_module();
    if (mod == NULL)
        goto pyfail;
    o = PyObject_GetAttrString(mod, "HAVE_ARGUMENT");
    if (o == NULL)
        goto pyfail;
    have_arg = PyLong_AsLong(o);
    Py_CLEAR(o);
    if (have_arg == -1 && PyErr_Occurred())
        goto pyfail;
    o = PyObject_GetAttrString(mod, "_nb_ops");
    if (o == NULL)
        goto pyfail;
    nnb = (long)PyObject_Length(o);
    Py_CLEAR(o);
    if (nnb < 0)
        goto pyfail;
    names = PyObject_GetAttrString(mod, "opname");
    caches = names ? PyObject_GetAttrString(mod, "_inline_cache_entries") : NULL;
    if (caches == NULL)
        goto pyfail;
    if (!PyList_Check(names) || PyList_GET_SIZE(names) != 256 || !PyList_Check(caches) ||
        PyList_GET_SIZE(caches) != 256) {
        rc = pvb_mismatch("opcode.opname or opcode._inline_cache_entries is not a list of 256");
        goto done;
    }
    for (int i = 0; i < 256; i++) {
        PyObject *nm = PyList_GET_ITEM(names, i);
        const char *s = PyUnicode_Check(nm) ? PyUnicode_AsUTF8(nm) : NULL;
        if (s == NULL)
            goto pyfail;
        rknown[i] = s[0] != '<';
        long c = PyLong_AsLong(PyList_GET_ITEM(caches, i));
        if (c == -1 && PyErr_Occurred())
            goto pyfail;
        if (c < 0 || c > 255) {
            rc = pvb_mismatch("opcode %d has %ld inline caches", i, c);
            goto done;
        }
        rcache[i] = (unsigned char)c;
        if (i >= have_arg)
            rflags[i] |= F_A;
        if (rknown[i] && strstr(s, "JUMP_BACKWARD") != NULL)
            rflags[i] |= F_B;
        /* Every named opcode must be in pvb_opdefs under the same name. */
        if (rknown[i]) {
            size_t j;
            for (j = 0; j < PVB_NOPDEFS; j++)
                if (pvb_opdefs[j].num == i)
                    break;
            if (j == PVB_NOPDEFS || strcmp(pvb_opdefs[j].name, s) != 0) {
                rc = pvb_mismatch("opcode %d is %s here, %s in pyverify's table", i, s,
                                  j == PVB_NOPDEFS ? "absent" : pvb_opdefs[j].name);
                goto done;
            }
        }
    }
    if (pvb_read_list(mod, "hasconst", rflags, F_C) < 0 ||
        pvb_read_list(mod, "hasname", rflags, F_N) < 0 ||
        pvb_read_list(mod, "hasjrel", rflags, F_J) < 0 ||
        pvb_read_list(mod, "hasjabs", rflags, F_JA) < 0 ||
        pvb_read_list(mod, "haslocal", rflags, F_L) < 0 ||
        pvb_read_list(mod, "hasfree", rflags, F_F) < 0)
        goto pyfail;
    if (nnb != (long)PVB_NB_OPS) {
        rc = pvb_mismatch("BINARY_OP has %ld operators, pyverify knows %u", nnb, PVB_NB_OPS);
        goto done;
    }
    for (size_t j = 0; j < PVB_NOPDEFS; j++) {
        const pvb_opdef *d = &pvb_opdefs[j];
        if (!rknown[d->num] || rcache[d->num] != d->cache || rflags[d->num] != d->flags) {
            rc = pvb_mismatch("%s (%u): named %d, caches %u/%u, flags 0x%x/0x%x", d->name,
                              d->num, rknown[d->num], rcache[d->num], d->cache,
                              rflags[d->num], d->flags);
            goto done;
        }
        /* The jump arithmetic below assumes jumps carry no inline caches. */
        if ((d->flags & (F_J | F_JA)) && d->cache != 0) {
            rc = pvb_mismatch("jump %s has inline caches", d->name);
            goto done;
        }
    }
    for (int i = 0; i < 256; i++) {
        if (!rknown[i] && (rcache[i] != 0 || (rflags[i] & ~F_A) != 0)) {
            rc = pvb_mismatch("unnamed opcode %d has caches or flags", i);
            goto done;
        }
    }
    memset(pvb_tab.name, 0, sizeof pvb_tab.name);
    for (size_t j = 0; j < PVB_NOPDEFS; j++)
        pvb_tab.name[pvb_opdefs[j].num] = pvb_opdefs[j].name;
    memcpy(pvb_tab.known, rknown, sizeof rknown);
    memcpy(pvb_tab.cache, rcache, sizeof rcache);
    memcpy(pvb_tab.flags, rflags, sizeof rflags);
    pvb_tab.state = 1;
    rc = 0;
    goto done;
pyfail:
    rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer: reading the opcode module");
done:
    Py_XDECREF(o);
    Py_XDECREF(names);
    Py_XDECREF(caches);
    Py_XDECREF(mod);
    return rc;
}

int pvb_opcode_number(const char *name)
{
    int rc = pvb_tables();
    if (rc < 0)
        return rc;
    if (name != NULL)
        for (size_t j = 0; j < PVB_NOPDEFS; j++)
            if (strcmp(pvb_opdefs[j].name, name) == 0)
                return pvb_opdefs[j].num;
    return pv_fail(PV_ERR_POLICY, "[bytecode] opcodes: unknown opcode name '%s'",
                   name ? name : "(null)");
}

/* ---- decoded code objects ----------------------------------------------------------------- */

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
    /* Stores into library objects (PV520): binding keys (scope, name) -> count of all
     * stores, of stores of a library value, and the keys bound only to library values. */
    PyObject *lib_total, *lib_count, *lib_names;
    /* The same for calls: stores of a value whose call makes a library object, and the keys
     * bound only to such values (from dataclasses import field; F = dataclasses.Field). */
    PyObject *mk_count, *lib_makers;
    bool namedtuples;       /* some code object names `namedtuple`: its API is readable */
} pvb_ctx;

/* True when `s` is the str `lit`. */
static bool pvb_is(PyObject *s, const char *lit)
{
    return s != NULL && PyUnicode_Check(s) && PyUnicode_CompareWithASCIIString(s, lit) == 0;
}

/* True when `s` is a str that is an identifier (every name the compiler emits is one,
 * except the dotted operand of IMPORT_NAME and the '.0' argument of comprehensions). */
static bool pvb_identifier(PyObject *s)
{
    return s != NULL && PyUnicode_Check(s) && PyUnicode_IsIdentifier(s) == 1;
}

/* Why a name failed: not an identifier, or the pvn_* verdict. */
static const char *pvb_why(pvn_verdict v, PyObject *nm)
{
    return pvb_identifier(nm) ? pvn_describe(v) : "is not an identifier";
}

/* UTF-8 of a name for a message; never NULL. */
static const char *pvb_str(PyObject *s)
{
    const char *r = (s != NULL && PyUnicode_Check(s)) ? PyUnicode_AsUTF8(s) : NULL;
    if (r == NULL) {
        PyErr_Clear();
        return "?";
    }
    return r;
}

/* The first name of a tuple of names, for a message ("'metaclass', ..."); never NULL. */
static const char *pvb_repr_names(PyObject *t)
{
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) == 0)
        return "()";
    return pvb_str(PyTuple_GET_ITEM(t, 0));
}

/* Set membership that never leaves an exception pending (false on error). */
static bool pvb_in(PyObject *set, PyObject *key)
{
    if (set == NULL || key == NULL)
        return false;
    int r = PyDict_Check(set) ? PyDict_Contains(set, key) : PySet_Contains(set, key);
    if (r < 0) {
        PyErr_Clear();
        return false;
    }
    return r == 1;
}

static const int *pvb_positions(const pvb_unit *u);

/* Report at code unit `unit` of u (unit < 0: the code object's first line). */
static void pvb_vreport(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule, const char *fmt,
                        va_list ap) __attribute__((format(printf, 5, 0)));
static void pvb_vreport(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule, const char *fmt,
                        va_list ap)
{
    char msg[512];
    int line = u->firstline, col = -1, eline = u->firstline, ecol = -1;

    vsnprintf(msg, sizeof msg, fmt, ap);
    const int *pos = (unit >= 0 && unit < u->nunits) ? pvb_positions(u) : NULL;
    if (pos != NULL) {
        const int *q = &pos[4 * unit];
        if (q[0] > 0) {
            line = q[0];
            eline = q[1] >= q[0] ? q[1] : q[0];
            col = q[2];
            ecol = q[3];
        }
    }
    pvd_add(c->prog, rule, PV_DIAG_BYTECODE, line, col, eline, ecol, NULL, "%s", msg);
}

static void pvb_report_unit(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void pvb_report_unit(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pvb_vreport(c, u, unit, rule, fmt, ap);
    va_end(ap);
}

/* Report at instruction k of u with a hint of its own. */
static void pvb_report_hint(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *hint,
                            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void pvb_report_hint(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *hint,
                            const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    const int *pos = (k >= 0 && k < u->ninsns) ? pvb_positions(u) : NULL;
    const int *q = pos ? &pos[4 * u->insns[k].at] : NULL;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (q != NULL && q[0] > 0)
        pvd_add(c->prog, rule, PV_DIAG_BYTECODE, q[0], q[2], q[1] >= q[0] ? q[1] : q[0], q[3],
                hint, "%s", msg);
    else
        pvd_add(c->prog, rule, PV_DIAG_BYTECODE, u->firstline, -1, u->firstline, -1, hint, "%s",
                msg);
}

/* Report at instruction k of u (k < 0: the code object's first line). */
static void pvb_report(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void pvb_report(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pvb_vreport(c, u, (k >= 0 && k < u->ninsns) ? u->insns[k].at : -1, rule, fmt, ap);
    va_end(ap);
}

/* Instruction k of u, or NULL when out of range. */
static const pvb_insn *pvb_at(const pvb_unit *u, int k)
{
    return (k >= 0 && k < u->ninsns) ? &u->insns[k] : NULL;
}

/* True when instruction k exists, is `op` and nothing jumps to it. */
static bool pvb_op_is(const pvb_unit *u, int k, int op)
{
    const pvb_insn *i = pvb_at(u, k);
    return i != NULL && i->op == op && !i->target;
}

/* The name operand of instruction i (co_names or fast locals), borrowed; NULL if none. */
static PyObject *pvb_name(const pvb_unit *u, const pvb_insn *i)
{
    unsigned f = pvb_tab.flags[i->op];
    if (f & F_N) {
        unsigned long a = i->op == OP_LOAD_GLOBAL ? i->arg >> 1 : i->arg;
        return a < (unsigned long)PyTuple_GET_SIZE(u->names) ? PyTuple_GET_ITEM(u->names, a) : NULL;
    }
    if (f & (F_L | F_F))
        return i->arg < (unsigned long)u->nlp ? u->lp[i->arg] : NULL;
    return NULL;
}

/* The constant operand of LOAD_CONST/KW_NAMES, borrowed. */
static PyObject *pvb_const(const pvb_unit *u, const pvb_insn *i)
{
    return i->arg < (unsigned long)PyTuple_GET_SIZE(u->consts) ? PyTuple_GET_ITEM(u->consts, i->arg)
                                                               : NULL;
}

/* True when instruction k is LOAD_CONST of a str (and, if `out`, returns it). */
static bool pvb_load_str(const pvb_unit *u, int k, PyObject **out)
{
    const pvb_insn *i = pvb_at(u, k);
    if (i == NULL || i->op != OP_LOAD_CONST)
        return false;
    PyObject *v = pvb_const(u, i);
    if (v == NULL || !PyUnicode_CheckExact(v))
        return false;
    if (out)
        *out = v;
    return true;
}

static void pvb_unit_free(pvb_unit *u)
{
    Py_XDECREF(u->code);
    Py_XDECREF(u->bytes);
    Py_XDECREF(u->consts);
    Py_XDECREF(u->names);
    Py_XDECREF(u->varnames);
    Py_XDECREF(u->cellvars);
    Py_XDECREF(u->freevars);
    Py_XDECREF(u->class_names);
    Py_XDECREF(u->modlocals);
    free(u->lp);
    free(u->lpkind);
    free(u->lpdone);
    free(u->pos);
    free(u->insns);
    free(u->unit2insn);
    free(u->exc);
    free(u->sdepth);
    memset(u, 0, sizeof *u);
}

/* A tuple attribute of a code object (new reference), or NULL with an exception. */
static PyObject *pvb_tuple_attr(PyObject *code, const char *attr)
{
    PyObject *t = PyObject_GetAttrString(code, attr);
    if (t != NULL && !PyTuple_Check(t)) {
        Py_DECREF(t);
        PyErr_Format(PyExc_TypeError, "code.%s is not a tuple", attr);
        return NULL;
    }
    return t;
}

/* The raw instructions ceval runs (co_code_adaptive), before PyCode_GetCode() sees them:
 * an even, non-zero length, named base opcodes only (a specialized or unnamed opcode is
 * what PyCode_GetCode() would hide, PV507), and no instruction whose inline caches run past
 * the end (PV512). Returns false (reported, u->broken) when CPython must not read it. */
static bool pvb_precheck_code(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    const unsigned char *b = (const unsigned char *)co->co_code_adaptive;
    Py_ssize_t n = _PyCode_NBYTES(co) / 2;

    if (_PyCode_NBYTES(co) % 2 != 0 || n == 0) {
        pvb_report(c, u, -1, PVR_BC_STRUCTURE, "co_code has %zd bytes", _PyCode_NBYTES(co));
        u->broken = true;
        return false;
    }
    for (Py_ssize_t i = 0; i < n;) {
        int op = b[2 * i];
        if (!pvb_tab.known[op]) {
            pvb_report(c, u, -1, PVR_BC_STRUCTURE, "the instructions the interpreter runs differ "
                       "from co_code (specialized or hidden instructions: opcode %d at byte %zd)",
                       op, 2 * i);
            u->broken = true;
            return false;
        }
        i += 1 + pvb_tab.cache[op];
        if (i > n) {
            pvb_report(c, u, -1, PVR_BC_CACHE, "co_code ends inside the inline caches of %s",
                       pvb_tab.name[op]);
            u->broken = true;
            return false;
        }
    }
    return true;
}

/* Are co_varnames, co_cellvars and co_freevars safe to ask for? CPython builds them from
 * co_localspluskinds without a check, into tuples sized by counts that it derives
 * differently: a kind with the free bit and another one (0xa0, 0xc0, 0xe0) is counted once
 * and listed twice, and co_freevars is written past its end (a .pyc finding: heap
 * corruption in the verifier). Only the four kinds the compiler writes pass; the marshal
 * validator already refuses the rest (PV705), this covers any other source of code
 * objects. pvb_check_kinds() reports them (PV515). */
static bool pvb_kinds_countable(const PyCodeObject *co)
{
    PyObject *kinds = co->co_localspluskinds, *names = co->co_localsplusnames;
    if (kinds == NULL || names == NULL || !PyBytes_Check(kinds) || !PyTuple_Check(names) ||
        PyBytes_GET_SIZE(kinds) != PyTuple_GET_SIZE(names))
        return false;
    const unsigned char *k = (const unsigned char *)PyBytes_AS_STRING(kinds);
    for (Py_ssize_t j = 0; j < PyBytes_GET_SIZE(kinds); j++)
        if (k[j] != 0x20 && k[j] != 0x40 && k[j] != 0x60 && k[j] != 0x80)
            return false;
    return true;
}

/* Read a code object's attributes, fast-locals layout and positions into u.
 * Returns 0, or <0 on library failure. Structural problems set u->broken and report PV507. */
static int pvb_load_unit(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;

    u->flags = co->co_flags;
    u->firstline = co->co_firstlineno > 0 ? co->co_firstlineno : 1;
    /* PyCode_GetCode() trusts the code object: it rewrites the inline caches after every
     * instruction, writing past the end of its buffer when the code ends inside them or
     * holds an opcode it maps to one with caches. Checked first (a .pyc finding). */
    bool safe = pvb_precheck_code(c, u);
    u->bytes = safe ? PyCode_GetCode(co) : PyBytes_FromStringAndSize(NULL, 0);
    if (u->bytes == NULL || !PyBytes_Check(u->bytes))
        goto pyfail;
    u->consts = pvb_tuple_attr(u->code, "co_consts");
    u->names = u->consts ? pvb_tuple_attr(u->code, "co_names") : NULL;
    bool countable = pvb_kinds_countable(co);
    if (countable) {
        u->varnames = u->names ? pvb_tuple_attr(u->code, "co_varnames") : NULL;
        u->cellvars = u->varnames ? pvb_tuple_attr(u->code, "co_cellvars") : NULL;
        u->freevars = u->cellvars ? pvb_tuple_attr(u->code, "co_freevars") : NULL;
    } else {
        /* no fast locals at all: reported by pvb_check_kinds() */
        u->broken = true;
        u->varnames = u->names ? PyTuple_New(0) : NULL;
        u->cellvars = u->varnames ? PyTuple_New(0) : NULL;
        u->freevars = u->cellvars ? PyTuple_New(0) : NULL;
    }
    if (u->freevars == NULL)
        goto pyfail;

    /* Fast locals (3.11): the plain locals in co_varnames order (an argument that is also
     * a cell keeps its slot), then the other cells in co_cellvars order, then the frees. */
    Py_ssize_t nv = PyTuple_GET_SIZE(u->varnames), nc = PyTuple_GET_SIZE(u->cellvars),
               nf = PyTuple_GET_SIZE(u->freevars);
    size_t cap = (size_t)(nv + nc + nf) + 1;
    u->lp = calloc(cap, sizeof *u->lp);
    u->lpkind = calloc(cap, 1);
    u->lpdone = calloc(cap, 1);
    if (u->lp == NULL || u->lpkind == NULL || u->lpdone == NULL)
        goto nomem;
    int n = 0;
    for (Py_ssize_t i = 0; i < nv; i++) {
        u->lp[n] = PyTuple_GET_ITEM(u->varnames, i);
        u->lpkind[n++] = LP_LOCAL;
    }
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *nm = PyTuple_GET_ITEM(u->cellvars, i);
        Py_ssize_t j;
        for (j = 0; j < nv; j++) {
            int r = PyUnicode_Compare(nm, PyTuple_GET_ITEM(u->varnames, j));
            if (r == -1 && PyErr_Occurred())
                goto pyfail;
            if (r == 0)
                break;
        }
        if (j < nv) {
            u->lpkind[j] |= LP_CELL;
        } else {
            u->lp[n] = nm;
            u->lpkind[n++] = LP_CELL;
        }
    }
    for (Py_ssize_t i = 0; i < nf; i++) {
        u->lp[n] = PyTuple_GET_ITEM(u->freevars, i);
        u->lpkind[n++] = LP_FREE;
    }
    u->nlp = n;
    u->is_module = u->depth == 1;
    u->is_function = (u->flags & CO_OPTIMIZED) != 0;
    u->is_class = !u->is_module && (u->flags & (CO_OPTIMIZED | CO_NEWLOCALS)) == 0;
    if (countable && n != co->co_nlocalsplus) {
        pvb_report(c, u, -1, PVR_BC_LOCALS, "fast locals: %d names, but co_nlocalsplus is %d",
                   n, co->co_nlocalsplus);
        u->broken = true;
    }
    if (!c->structure_only &&
        (u->flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR))) {
        /* Async code: coroutine and async generator objects (cr_frame, ag_frame ...). */
        pvb_report(c, u, -1, PVR_BC_OPCODE, "async code object (co_flags 0x%x) is not allowed",
                   (unsigned)u->flags);
    }
    if (!u->is_module && !u->is_function && !u->is_class) {
        pvb_report(c, u, -1, PVR_BC_STRUCTURE, "code object flags 0x%x are not a function's "
                   "or a class body's", (unsigned)u->flags);
        u->broken = true;
    }
    if (u->is_function && co->co_argcount == 1 && nv >= 1 &&
        pvb_is(PyTuple_GET_ITEM(u->varnames, 0), ".0") &&
        (pvb_is(co->co_name, "<listcomp>") || pvb_is(co->co_name, "<setcomp>") ||
         pvb_is(co->co_name, "<dictcomp>") || pvb_is(co->co_name, "<genexpr>")))
        u->is_comprehension = true;

    u->nunits = (int)(PyBytes_GET_SIZE(u->bytes) / 2);
    return 0;
nomem:
    return pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
pyfail:
    return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: reading a code object");
}

/* One varint of the location table (6 bits a byte, 0x40 = more); false past the end. */
static bool pvb_loc_varint(const unsigned char *b, Py_ssize_t n, Py_ssize_t *i, unsigned *out)
{
    unsigned val = 0, shift = 0, read;
    do {
        if (*i >= n || shift > 24)
            return false;
        read = b[(*i)++];
        val |= (read & 63u) << shift;
        shift += 6;
    } while (read & 64u);
    *out = val;
    return true;
}

/* Positions of u, decoded once, when the first diagnostic needs them: line, end line,
 * column, end column per code unit (caches included), -1 where unknown. Decoding the 3.11
 * location table here gives what co_positions() yields (None as -1) without building a
 * 4-tuple per code unit, which cost more than the rest of the layer; it stops at the first
 * malformed entry (the rest stays unknown). NULL only without memory. */
static const int *pvb_positions(const pvb_unit *cu)
{
    pvb_unit *u = (pvb_unit *)cu; /* a cache: filling it changes nothing u describes */
    if (u->pos_read)
        return u->pos;
    u->pos_read = true;
    u->pos = malloc(sizeof(int) * 4 * ((size_t)u->nunits + 1));
    if (u->pos == NULL)
        return NULL;
    for (int i = 0; i < 4 * u->nunits; i++)
        u->pos[i] = -1;
    PyObject *lt = ((PyCodeObject *)u->code)->co_linetable;
    if (lt == NULL || !PyBytes_Check(lt))
        return u->pos;
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(lt);
    Py_ssize_t n = PyBytes_GET_SIZE(lt), i = 0;
    long line = ((PyCodeObject *)u->code)->co_firstlineno;
    int unit = 0;
    while (i < n && unit < u->nunits) {
        unsigned first = b[i++], v, w, x;
        int code = (int)((first >> 3) & 15), len = (int)(first & 7) + 1;
        long l, el, c, ec;
        if (code == 15) { /* no location */
            l = el = c = ec = -1;
        } else if (code == 14) { /* long form */
            if (!pvb_loc_varint(b, n, &i, &v) || !pvb_loc_varint(b, n, &i, &w) ||
                !pvb_loc_varint(b, n, &i, &x))
                break;
            line += (v & 1) ? -(long)(v >> 1) : (long)(v >> 1);
            l = line;
            el = line + (long)w;
            c = (long)x - 1;
            if (!pvb_loc_varint(b, n, &i, &x))
                break;
            ec = (long)x - 1;
        } else if (code == 13) { /* no columns */
            if (!pvb_loc_varint(b, n, &i, &v))
                break;
            line += (v & 1) ? -(long)(v >> 1) : (long)(v >> 1);
            l = el = line;
            c = ec = -1;
        } else if (code >= 10) { /* one-line forms */
            if (i + 2 > n)
                break;
            line += code - 10;
            l = el = line;
            c = b[i];
            ec = b[i + 1];
            i += 2;
        } else { /* short forms */
            if (i >= n)
                break;
            unsigned second = b[i++];
            l = el = line;
            c = (long)code << 3 | (long)(second >> 4);
            ec = c + (long)(second & 15);
        }
        long q[4] = { l, el, c, ec };
        for (int k = 0; k < len && unit < u->nunits; k++, unit++)
            for (int j = 0; j < 4; j++)
                u->pos[4 * unit + j] = (q[j] < 0 || q[j] > 0x7fffffffL) ? -1 : (int)q[j];
    }
    return u->pos;
}

/* ---- structure ---------------------------------------------------------------------------- */

/* Read one varint of the exception table (6 bits a byte, 0x40 = more). */
static bool pvb_varint(const unsigned char *b, Py_ssize_t n, Py_ssize_t *i, bool first,
                       unsigned long *out)
{
    unsigned long v = 0;
    for (int k = 0; k < 6; k++) {
        if (*i >= n)
            return false;
        unsigned char x = b[(*i)++];
        /* 0x80 marks the first byte of an entry and nothing else. */
        if (((x & 0x80) != 0) != (first && k == 0))
            return false;
        v = (v << 6) | (x & 0x3f);
        if (!(x & 0x40)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* True when code unit `unit` starts an instruction (its first EXTENDED_ARG or opcode). */
static bool pvb_boundary(const pvb_unit *u, unsigned long unit)
{
    return unit < (unsigned long)u->nunits && u->unit2insn[unit] >= 0;
}

/* Parse co_exceptiontable: ranges and handlers on instruction boundaries, depths within
 * co_stacksize. Marks handlers as targets. */
static int pvb_check_exctable(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    PyObject *t = co->co_exceptiontable;
    if (t == NULL || !PyBytes_Check(t)) {
        pvb_report(c, u, -1, PVR_BC_EXCEPTION_TABLE, "co_exceptiontable is not bytes");
        u->broken = true;
        return 0;
    }
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    Py_ssize_t n = PyBytes_GET_SIZE(t), i = 0;
    while (i < n) {
        unsigned long start, len, target, dl;
        if (!pvb_varint(b, n, &i, true, &start) || !pvb_varint(b, n, &i, false, &len) ||
            !pvb_varint(b, n, &i, false, &target) || !pvb_varint(b, n, &i, false, &dl)) {
            pvb_report(c, u, -1, PVR_BC_EXCEPTION_TABLE, "exception table entry is malformed");
            u->broken = true;
            return 0;
        }
        unsigned long end = start + len;
        if (len == 0 || !pvb_boundary(u, start) ||
            !(end == (unsigned long)u->nunits || pvb_boundary(u, end)) ||
            !pvb_boundary(u, target) || (dl >> 1) > (unsigned long)co->co_stacksize) {
            pvb_report(c, u, -1, PVR_BC_EXCEPTION_TABLE, "exception table entry (start %lu, length "
                       "%lu, handler %lu, depth %lu) does not fit the code", start, len, target,
                       dl >> 1);
            u->broken = true;
            return 0;
        }
        if (u->nexc > 0 && start < (unsigned long)u->exc[u->nexc - 1].end) {
            /* ceval binary-searches the table: it must be sorted. */
            pvb_report(c, u, -1, PVR_BC_EXCEPTION_TABLE, "exception table entries are not sorted "
                       "(start %lu before the end of the previous entry)", start);
            u->broken = true;
            return 0;
        }
        u->insns[u->unit2insn[target]].target = 1;
        if (u->nexc % 16 == 0) {
            pvb_exc *ne = realloc(u->exc, sizeof *ne * ((size_t)u->nexc + 16));
            if (ne == NULL) {
                pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
                return -1;
            }
            u->exc = ne;
        }
        pvb_exc *e = &u->exc[u->nexc++];
        e->start = (int)start;
        e->end = (int)end;
        e->target = u->unit2insn[target];
        e->depth = (int)(dl >> 1);
        e->lasti = (dl & 1) != 0;
        /* 3.11 tables are flat: an instruction is covered by one entry at most. */
        for (unsigned long un = start; un < end; un++) {
            int k = u->unit2insn[un];
            if (k < 0)
                continue;
            if (u->insns[k].handler >= 0) {
                pvb_report(c, u, k, PVR_BC_EXCEPTION_TABLE, "exception table entries overlap");
                u->broken = true;
                return 0;
            }
            u->insns[k].handler = u->nexc - 1;
        }
    }
    return 0;
}

/* Check that an operand is in range for instructions whose operand ceval uses as an index
 * or a small enumeration. */
static void pvb_check_range(pvb_ctx *c, pvb_unit *u, int k)
{
    const pvb_insn *i = &u->insns[k];
    unsigned long lo = 0, hi = (unsigned long)-1;
    switch (i->op) {
    case OP_COMPARE_OP: hi = PVB_CMP_OPS - 1; break;
    case OP_BINARY_OP: hi = PVB_NB_OPS - 1; break;
    case OP_IS_OP: case OP_CONTAINS_OP: case OP_CALL_FUNCTION_EX: hi = 1; break;
    case OP_RAISE_VARARGS: case OP_RERAISE: hi = 2; break; /* RERAISE: a stack offset */
    case OP_BUILD_SLICE: lo = 2; hi = 3; break;
    case OP_MAKE_FUNCTION: hi = 15; break;
    case OP_FORMAT_VALUE: hi = 7; break;
    case OP_RESUME: hi = 3; break;
    case OP_COPY: lo = 1; break;
    case OP_SWAP: lo = 2; break;
    default: return;
    }
    if (i->arg < lo || i->arg > hi) {
        pvb_report(c, u, k, PVR_BC_OPERAND, "%s operand %lu is out of range",
                   pvb_tab.name[i->op], i->arg);
        u->broken = true;
    }
}

static bool pvb_terminates(int op)
{
    return op == OP_RETURN_VALUE || op == OP_RERAISE || op == OP_RAISE_VARARGS ||
           op == OP_JUMP_FORWARD || op == OP_JUMP_BACKWARD || op == OP_JUMP_BACKWARD_NO_INTERRUPT;
}

/* How many stack entries instruction (op, arg) reads or pops, as ceval 3.11 does: the stack
 * must be at least this deep before it runs. Net effects alone would miss an instruction
 * that pops two and pushes one at depth one, or COPY/SWAP/LIST_APPEND reaching deep. */
static unsigned long pvb_stack_need(int op, unsigned long a)
{
    switch (op) {
    case OP_POP_TOP: case OP_UNARY_POSITIVE: case OP_UNARY_NEGATIVE: case OP_UNARY_NOT:
    case OP_UNARY_INVERT: case OP_GET_LEN: case OP_MATCH_MAPPING: case OP_MATCH_SEQUENCE:
    case OP_PUSH_EXC_INFO: case OP_BEFORE_WITH: case OP_GET_ITER: case OP_GET_YIELD_FROM_ITER:
    case OP_LIST_TO_TUPLE: case OP_RETURN_VALUE: case OP_YIELD_VALUE: case OP_POP_EXCEPT:
    case OP_STORE_NAME: case OP_UNPACK_SEQUENCE: case OP_FOR_ITER: case OP_UNPACK_EX:
    case OP_DELETE_ATTR: case OP_STORE_GLOBAL: case OP_LOAD_ATTR: case OP_IMPORT_FROM:
    case OP_JUMP_IF_FALSE_OR_POP: case OP_JUMP_IF_TRUE_OR_POP: case OP_POP_JUMP_FORWARD_IF_FALSE:
    case OP_POP_JUMP_FORWARD_IF_TRUE: case OP_POP_JUMP_FORWARD_IF_NONE:
    case OP_POP_JUMP_FORWARD_IF_NOT_NONE: case OP_POP_JUMP_BACKWARD_IF_FALSE:
    case OP_POP_JUMP_BACKWARD_IF_TRUE: case OP_POP_JUMP_BACKWARD_IF_NONE:
    case OP_POP_JUMP_BACKWARD_IF_NOT_NONE: case OP_STORE_FAST: case OP_STORE_DEREF:
    case OP_LOAD_METHOD:
        return 1;
    case OP_BINARY_SUBSCR: case OP_MATCH_KEYS: case OP_CHECK_EXC_MATCH: case OP_DELETE_SUBSCR:
    case OP_STORE_ATTR: case OP_COMPARE_OP: case OP_IMPORT_NAME: case OP_IS_OP:
    case OP_CONTAINS_OP: case OP_BINARY_OP: case OP_SEND:
    case OP_CALL: /* the compiler counts PRECALL n as -n: CALL n pops the other two */
        return 2;
    case OP_STORE_SUBSCR: case OP_MATCH_CLASS:
        return 3;
    case OP_WITH_EXCEPT_START:
        return 4;
    case OP_SWAP: case OP_COPY: case OP_BUILD_TUPLE: case OP_BUILD_LIST: case OP_BUILD_SET:
    case OP_BUILD_STRING: case OP_RAISE_VARARGS: case OP_BUILD_SLICE:
        return a;
    case OP_BUILD_MAP:
        return 2 * a;
    case OP_BUILD_CONST_KEY_MAP: case OP_RERAISE: case OP_LIST_APPEND: case OP_SET_ADD:
    case OP_LIST_EXTEND: case OP_SET_UPDATE: case OP_DICT_UPDATE:
        return a + 1;
    case OP_MAP_ADD: case OP_PRECALL:
        return a + 2;
    case OP_DICT_MERGE:
        return a + 3; /* its error message reads the callable below the dict */
    case OP_MAKE_FUNCTION:
        return 1 + (a & 1) + ((a >> 1) & 1) + ((a >> 2) & 1) + ((a >> 3) & 1);
    case OP_CALL_FUNCTION_EX:
        return 3 + (a & 1);
    case OP_FORMAT_VALUE:
        return 1 + ((a & 4) ? 1 : 0);
    default:
        return 0;
    }
}

/* Tags of stack slots for the typed part of the stack analysis: what ceval trusts a slot
 * to hold without checking it. TG_EXC is a subtype of TG_PREV, TG_CELLS + n of TG_TUPLE;
 * anything else merges to TG_OTHER. */
#define TG_OTHER 0u
#define TG_EXC 1u   /* an exception instance, pushed when an exception handler is entered */
#define TG_PREV 2u  /* what PUSH_EXC_INFO saved: an exception instance or None */
#define TG_INT 3u   /* the lasti an exception handler receives */
#define TG_CELL 4u  /* LOAD_CLOSURE: a cell */
#define TG_TUPLE 5u
#define TG_DICT 6u
#define TG_CODE 7u  /* LOAD_CONST of a code object: only MAKE_FUNCTION may consume it */
#define TG_ITER 8u  /* an iterator: GET_ITER, or the argument of a comprehension */
#define TG_LIST 9u  /* BUILD_LIST */
#define TG_COMPFUNC 10u /* a comprehension function: only PRECALL 0; CALL 0 with an iterator */
#define TG_NULLISH 11u  /* may be NULL (PUSH_NULL, LOAD_GLOBAL's and LOAD_METHOD's lower slot):
                           only a call may read it; anything else would dereference NULL */
#define TG_CELLS 16u /* TG_CELLS + n: a tuple of n cells (BUILD_TUPLE of LOAD_CLOSUREs) */
#define TG_MAX 0xffffu

static bool pvb_tag_tuple(unsigned t)
{
    return t == TG_TUPLE || t >= TG_CELLS;
}

static unsigned short pvb_tag_merge(unsigned short a, unsigned short b)
{
    if (a == b)
        return a;
    if (a == TG_NULLISH || b == TG_NULLISH)
        return TG_NULLISH; /* never forgets that a slot may be NULL */
    if ((a == TG_EXC && b == TG_PREV) || (a == TG_PREV && b == TG_EXC))
        return TG_PREV;
    if (pvb_tag_tuple(a) && pvb_tag_tuple(b))
        return TG_TUPLE;
    return TG_OTHER;
}

/* True for the code of a comprehension or generator expression (by name, as the compiler
 * names them; a name only makes a code object stricter): its one argument is the iterator
 * its caller passes, which FOR_ITER trusts (it calls tp_iternext unchecked), so the code
 * never rebinds it and MAKE_FUNCTION of it may only be called at once with an iterator. */
static bool pvb_comprehension_code(PyObject *v)
{
    PyCodeObject *co = (PyCodeObject *)v;
    return co->co_argcount == 1 && co->co_kwonlyargcount == 0 &&
           !(co->co_flags & (CO_VARARGS | CO_VARKEYWORDS)) && co->co_nlocalsplus >= 1 &&
           (pvb_is(co->co_name, "<listcomp>") || pvb_is(co->co_name, "<setcomp>") ||
            pvb_is(co->co_name, "<dictcomp>") || pvb_is(co->co_name, "<genexpr>"));
}

/* The tag of what LOAD_CONST pushes. */
static unsigned short pvb_const_tag(const pvb_unit *u, const pvb_insn *i)
{
    PyObject *v = pvb_const(u, i);
    if (v != NULL && PyTuple_CheckExact(v))
        return TG_TUPLE;
    if (v != NULL && PyCode_Check(v))
        return TG_CODE;
    return TG_OTHER;
}

/* How many entries instruction (op, arg) removes from the top before it pushes its results
 * (*pushed of them), given its net stack effect. Instructions that read deeper than they
 * pop (LIST_APPEND ...) leave the deeper entries, and so their tags, in place. */
static int pvb_popped(int op, unsigned long a, int eff, int *pushed)
{
    int p;
    switch (op) {
    case OP_LIST_APPEND: case OP_SET_ADD: case OP_LIST_EXTEND: case OP_SET_UPDATE:
    case OP_DICT_UPDATE: case OP_DICT_MERGE:
        p = 1;
        break;
    case OP_MAP_ADD:
        p = 2;
        break;
    case OP_WITH_EXCEPT_START:
        p = 0;
        break;
    case OP_FOR_ITER: /* keeps the iterator below the next value (the jump pops it) */
        p = 0;
        break;
    case OP_CHECK_EXC_MATCH: /* pops the type, keeps the exception, pushes the result */
        p = 1;
        break;
    case OP_CHECK_EG_MATCH: /* replaces the exception with the rest, pushes the match */
    case OP_PREP_RERAISE_STAR:
        p = 2;
        break;
    default:
        p = (int)pvb_stack_need(op, a);
        break;
    }
    if (p + eff < 0)
        p = -eff;
    *pushed = p + eff;
    return p;
}

/* The stack along every path (as CPython's compiler computes it): depth never below zero,
 * never above co_stacksize, the same wherever paths join, and never below the depth an
 * exception handler cuts the stack to. Net effects come from the interpreter
 * (PyCompile_OpcodeStackEffectWithJump); RETURN_GENERATOR counts +1 because a generator
 * resumes with the sent value on the stack. Each slot also carries a tag (TG_*) for the
 * values ceval trusts without checking: the exception RERAISE, PUSH_EXC_INFO,
 * WITH_EXCEPT_START, END_ASYNC_FOR and CHECK_EG_MATCH read must be the one the handler
 * received, POP_EXCEPT must restore what PUSH_EXC_INFO saved, and MAKE_FUNCTION's
 * defaults, keyword defaults, annotations and closure must be tuples, a dict and a tuple of
 * exactly co_nfreevars cells. Returns <0 on library failure. */
static int pvb_check_stack(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    int n = u->ninsns, nw = 0, maxd = co->co_stacksize;
    size_t w = (size_t)maxd + 1;
    const char *why = NULL;
    pv_rule why_rule = PVR_BC_STACK;
    int at = -1, cur = 0;

    if ((unsigned)maxd > PV_MAX_STACKSIZE || (size_t)n * w > PV_MAX_STACK_CELLS) {
        pvb_report(c, u, -1, PVR_BC_STACK, "co_stacksize %d with %d instructions is beyond the "
                   "limits (%u, %u cells)", maxd, n, PV_MAX_STACKSIZE, PV_MAX_STACK_CELLS);
        u->broken = true;
        return 0;
    }
    int *depth = malloc(sizeof(int) * (size_t)n), *work = malloc(sizeof(int) * (size_t)n);
    unsigned short *tags = malloc(sizeof *tags * (size_t)n * w);
    unsigned short *s = malloc(sizeof *s * (w + 2)), *sj = malloc(sizeof *sj * (w + 2));
    unsigned char *inq = calloc((size_t)n, 1);
    if (depth == NULL || work == NULL || tags == NULL || s == NULL || sj == NULL || inq == NULL) {
        free(depth);
        free(work);
        free(tags);
        free(s);
        free(sj);
        free(inq);
        return pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
    }
    for (int k = 0; k < n; k++)
        depth[k] = -1;
    /* Reach instruction k_ with depth d_ and the tags st_[0..d_). */
#define PVB_REACH(k_, d_, st_)                                                         \
    do {                                                                               \
        int kk_ = (k_), dd_ = (d_);                                                    \
        const unsigned short *ss_ = (st_);                                             \
        bool ch_ = false;                                                              \
        if (dd_ < 0) { why = "stack underflow"; at = cur; goto out; }                  \
        if (dd_ > maxd) { why = "stack deeper than co_stacksize"; at = cur; goto out; } \
        unsigned short *tt_ = &tags[(size_t)kk_ * w];                                  \
        if (depth[kk_] < 0) {                                                          \
            depth[kk_] = dd_;                                                          \
            memcpy(tt_, ss_, sizeof *tt_ * (size_t)dd_);                               \
            ch_ = true;                                                                \
        } else if (depth[kk_] != dd_) {                                                \
            why = "stack depths disagree where paths join";                            \
            at = kk_;                                                                  \
            goto out;                                                                  \
        } else {                                                                       \
            for (int q_ = 0; q_ < dd_; q_++) {                                         \
                unsigned short m_ = pvb_tag_merge(tt_[q_], ss_[q_]);                   \
                if (m_ != tt_[q_]) { tt_[q_] = m_; ch_ = true; }                       \
            }                                                                          \
        }                                                                              \
        if (ch_ && !inq[kk_]) { inq[kk_] = 1; work[nw++] = kk_; }                      \
    } while (0)
    cur = 0;
    PVB_REACH(0, 0, s);
    while (nw > 0) {
        int k = work[--nw], d = depth[k];
        const pvb_insn *i = &u->insns[k];
        inq[k] = 0;
        cur = k;
        memcpy(s, &tags[(size_t)k * w], sizeof *s * (size_t)d);
        if (i->handler >= 0) {
            const pvb_exc *e = &u->exc[i->handler];
            if (e->depth > d) {
                why = "an exception handler expects more stack than there is";
                at = k;
                goto out;
            }
            memcpy(sj, s, sizeof *sj * (size_t)e->depth);
            int hd = e->depth;
            if (e->lasti)
                sj[hd++] = TG_INT;
            sj[hd++] = TG_EXC;
            PVB_REACH(e->target, hd, sj);
        }
        if (pvb_stack_need(i->op, i->arg) > (unsigned long)d) {
            why = "stack underflow";
            at = k;
            goto out;
        }
        int arg = (int)(i->arg & 0x7fffffff);
        int eff = PyCompile_OpcodeStackEffectWithJump(i->op, arg, 0);
        if (i->op == OP_RETURN_GENERATOR)
            eff = 1;
        if (eff == PY_INVALID_STACK_EFFECT) {
            why = "instruction without a stack effect";
            at = k;
            goto out;
        }
        /* What ceval trusts about the values it reads. */
        unsigned short top = d > 0 ? s[d - 1] : TG_OTHER;
        unsigned long reach = pvb_stack_need(i->op, i->arg);
        bool comp = pvb_comprehension_code(u->code);
        for (unsigned long q = 1; q <= reach && why == NULL; q++) {
            unsigned short t = s[d - (int)q];
            if (t == TG_CODE && !(i->op == OP_MAKE_FUNCTION && q == 1)) {
                why = "a code object constant is used as a value (only MAKE_FUNCTION may use it)";
                why_rule = PVR_BC_STRUCTURE;
            }
            if (t == TG_NULLISH &&
                !(((i->op == OP_PRECALL || i->op == OP_CALL) && q == i->arg + 2) ||
                  (i->op == OP_CALL_FUNCTION_EX && q == 3 + (i->arg & 1)))) {
                why = "a value that may be NULL (PUSH_NULL, LOAD_GLOBAL, LOAD_METHOD) is used "
                      "other than as the first slot of a call";
                why_rule = PVR_BC_STACK;
            }
            if (t == TG_COMPFUNC &&
                !((i->op == OP_PRECALL || i->op == OP_CALL) && i->arg == 0 && q == 2 &&
                  top == TG_ITER))
                why = "a comprehension function is used other than by calling it at once with "
                      "an iterator";
        }
        if (why == NULL) {
            unsigned short want = TG_OTHER;
            int pos = -1;
            switch (i->op) {
            case OP_FOR_ITER: want = TG_ITER; pos = d - 1; break;
            case OP_LIST_APPEND: case OP_LIST_EXTEND:
                want = TG_LIST; pos = d - 1 - (int)i->arg; break;
            case OP_LIST_TO_TUPLE: want = TG_LIST; pos = d - 1; break;
            case OP_MAP_ADD: want = TG_DICT; pos = d - 2 - (int)i->arg; break;
            case OP_MATCH_KEYS: case OP_MATCH_CLASS: want = TG_TUPLE; pos = d - 1; break;
            case OP_STORE_FAST: case OP_DELETE_FAST:
                if (comp && i->arg == 0)
                    why = "a comprehension rebinds the iterator it was called with";
                break;
            case OP_LOAD_CLASSDEREF:
                if (u->flags & CO_OPTIMIZED)
                    why = "LOAD_CLASSDEREF in a function (it reads the frame's locals dict, "
                          "which functions do not have)";
                break;
            default: break;
            }
            if (pos >= 0 && pos < d &&
                !(s[pos] == want || (want == TG_TUPLE && pvb_tag_tuple(s[pos]))))
                why = want == TG_ITER ? "FOR_ITER on a value that is not an iterator"
                      : want == TG_LIST ? "a list instruction on a value that is not a list"
                      : want == TG_DICT ? "MAP_ADD on a value that is not a dict"
                                        : "a match instruction without a constant tuple";
            if (pos < 0 && want != TG_OTHER)
                why = "stack underflow";
        }
        if (why != NULL) {
            at = k;
            goto out;
        }
        switch (i->op) {
        case OP_PUSH_EXC_INFO: case OP_RERAISE: case OP_WITH_EXCEPT_START:
        case OP_END_ASYNC_FOR: case OP_CHECK_EG_MATCH:
            if (top != TG_EXC) {
                why = "an exception instruction reads a value that is not the exception its "
                      "handler received";
                at = k;
                goto out;
            }
            break;
        case OP_POP_EXCEPT:
            if (top != TG_PREV && top != TG_EXC) {
                why = "POP_EXCEPT restores a value PUSH_EXC_INFO did not save";
                at = k;
                goto out;
            }
            break;
        case OP_MAKE_FUNCTION: {
            const pvb_insn *lc = pvb_at(u, k - 1);
            PyObject *v = (lc != NULL && lc->op == OP_LOAD_CONST && !i->target) ? pvb_const(u, lc)
                                                                                 : NULL;
            if (v == NULL || !PyCode_Check(v) || top != TG_CODE) {
                why = "MAKE_FUNCTION without a constant code object";
                why_rule = PVR_BC_STRUCTURE;
                at = k;
                goto out;
            }
            int nfree = ((PyCodeObject *)v)->co_nfreevars, pos = d - 2;
            const char *bad = NULL;
            if (i->arg & 8) {
                if (nfree + TG_CELLS > TG_MAX || s[pos] != TG_CELLS + (unsigned)nfree)
                    bad = "closure is not a tuple of as many cells as the code has free variables";
                pos--;
            } else if (nfree != 0) {
                bad = "code with free variables gets no closure";
            }
            if ((i->arg & 4) && !pvb_tag_tuple(s[pos--]))
                bad = "annotations are not a tuple";
            if ((i->arg & 2) && s[pos--] != TG_DICT)
                bad = "keyword-only defaults are not a dict";
            if ((i->arg & 1) && !pvb_tag_tuple(s[pos--]))
                bad = "defaults are not a tuple";
            if (bad != NULL) {
                why = bad;
                why_rule = PVR_BC_STRUCTURE;
                at = k;
                goto out;
            }
            break;
        }
        default:
            break;
        }
        /* The stack after the instruction. */
        if (!pvb_terminates(i->op) && k + 1 < n) {
            int pushed, popped = pvb_popped(i->op, i->arg, eff, &pushed);
            int base = d - popped;
            if (base < 0 || d + eff > maxd) {
                why = base < 0 ? "stack underflow" : "stack deeper than co_stacksize";
                at = k;
                goto out;
            }
            unsigned short res = TG_OTHER;
            switch (i->op) {
            case OP_LOAD_CONST: res = pvb_const_tag(u, i); break;
            case OP_LOAD_CLOSURE: res = TG_CELL; break;
            case OP_BUILD_MAP: case OP_BUILD_CONST_KEY_MAP: res = TG_DICT; break;
            case OP_LIST_TO_TUPLE: res = TG_TUPLE; break;
            case OP_GET_ITER: res = TG_ITER; break;
            case OP_BUILD_LIST: res = TG_LIST; break;
            case OP_LOAD_FAST:
                res = comp && i->arg == 0 ? TG_ITER : TG_OTHER;
                break;
            case OP_MAKE_FUNCTION: {
                PyObject *v = pvb_const(u, &u->insns[k - 1]); /* checked above */
                res = pvb_comprehension_code(v) ? TG_COMPFUNC : TG_OTHER;
                break;
            }
            case OP_BUILD_TUPLE: {
                bool cells = i->arg + TG_CELLS <= TG_MAX;
                for (int q = base; q < d && cells; q++)
                    cells = s[q] == TG_CELL;
                res = cells ? (unsigned short)(TG_CELLS + i->arg) : TG_TUPLE;
                break;
            }
            default: break;
            }
            if (i->op == OP_COPY) {
                s[d] = s[d - (int)i->arg];
            } else if (i->op == OP_SWAP) {
                unsigned short t = s[d - 1];
                s[d - 1] = s[d - (int)i->arg];
                s[d - (int)i->arg] = t;
            } else if (i->op == OP_PUSH_EXC_INFO) {
                s[d - 1] = TG_PREV;
                s[d] = TG_EXC;
            } else {
                for (int q = 0; q < pushed; q++)
                    s[base + q] = res;
                if (i->op == OP_PUSH_NULL || (i->op == OP_LOAD_GLOBAL && pushed == 2) ||
                    (i->op == OP_LOAD_METHOD && pushed == 2))
                    s[base] = TG_NULLISH;
            }
            PVB_REACH(k + 1, d + eff, s);
        }
        if (i->jump >= 0) {
            int je = PyCompile_OpcodeStackEffectWithJump(i->op, arg, 1);
            if (je == PY_INVALID_STACK_EFFECT) {
                why = "jump without a stack effect";
                at = k;
                goto out;
            }
            int pushed, popped = pvb_popped(i->op, i->arg, je, &pushed);
            int base = d - popped;
            if (base < 0) {
                why = "stack underflow";
                at = k;
                goto out;
            }
            memcpy(sj, &tags[(size_t)k * w], sizeof *sj * (size_t)d);
            for (int q = 0; q < pushed && base + q <= maxd; q++)
                sj[base + q] = TG_OTHER;
            PVB_REACH(i->jump, d + je, sj);
        }
    }
#undef PVB_REACH
out:
    if (why != NULL) {
        pvb_report(c, u, at, why_rule, "%s (co_stacksize %d)", why, maxd);
        u->broken = true;
        free(depth);
    } else {
        u->sdepth = depth;
    }
    free(work);
    free(tags);
    free(s);
    free(sj);
    free(inq);
    return 0;
}

/* ---- frames, calls, locations --------------------------------------------------------------- */

#define PVB_GEN_FLAGS (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)

/* co_localspluskinds: each kind is a plain local (0x20), a cell (0x40), an argument that is
 * also a cell (0x60) or a free variable (0x80); plain locals come first, then cells, then
 * frees (COPY_FREE_VARS fills the last co_nfreevars slots); only arguments may be cells
 * and locals at once; names are distinct. Reports PV515. */
static int pvb_check_kinds(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    PyObject *kinds = co->co_localspluskinds, *names = co->co_localsplusnames, *seen = NULL;
    const char *why = NULL;
    long bad = -1;

    if (kinds == NULL || names == NULL || !PyBytes_Check(kinds) || !PyTuple_Check(names) ||
        PyBytes_GET_SIZE(kinds) != PyTuple_GET_SIZE(names)) {
        why = "co_localspluskinds and co_localsplusnames do not match";
        goto report;
    }
    const unsigned char *k = (const unsigned char *)PyBytes_AS_STRING(kinds);
    Py_ssize_t n = PyBytes_GET_SIZE(kinds);
    long nargs = (long)co->co_argcount + co->co_kwonlyargcount +
                 ((co->co_flags & CO_VARARGS) != 0) + ((co->co_flags & CO_VARKEYWORDS) != 0);
    int cls = 0;
    if ((seen = PySet_New(NULL)) == NULL)
        return pv_fail_python(PV_ERR_PYTHON, "bytecode layer: local kinds");
    for (Py_ssize_t j = 0; j < n && why == NULL; j++) {
        int kc;
        switch (k[j]) {
        case 0x20: kc = 0; break;
        case 0x60: kc = 0; if (j >= nargs) why = "a local that is also a cell is not an argument"; break;
        case 0x40: kc = 1; break;
        case 0x80: kc = 2; break;
        default: kc = -1; why = "unknown local kind"; break;
        }
        if (why == NULL && kc < cls)
            why = "locals, cells and free variables are out of order";
        cls = kc;
        PyObject *nm = PyTuple_GET_ITEM(names, j);
        int r = PyUnicode_Check(nm) ? PySet_Contains(seen, nm) : 1;
        if (why == NULL && (r != 0 || PySet_Add(seen, nm) < 0))
            why = "local names are not distinct strings";
        PyErr_Clear();
        if (why != NULL)
            bad = (long)j;
    }
    Py_XDECREF(seen);
    if (why == NULL && (co->co_flags & (CO_VARARGS | CO_VARKEYWORDS)) && !(co->co_flags & CO_OPTIMIZED))
        why = "*args or **kwargs in code that is not a function";
report:
    if (why != NULL) {
        if (bad >= 0)
            pvb_report(c, u, -1, PVR_BC_LOCALS, "fast local %ld: %s", bad, why);
        else
            pvb_report(c, u, -1, PVR_BC_LOCALS, "%s", why);
        u->broken = true;
    }
    return 0;
}

/* The prologue: the cells (MAKE_CELL for every cell slot, once), the free variables
 * (COPY_FREE_VARS co_nfreevars, exactly when there are some, never at module level) and the
 * generator (RETURN_GENERATOR; POP_TOP, exactly in generator code) are set up before any
 * other instruction, and nowhere else. LOAD_DEREF trusts that a cell slot holds a cell,
 * COPY_FREE_VARS that the closure has that many items, YIELD_VALUE that the frame belongs
 * to a generator. Reports PV515 and PV518. */
static void pvb_check_prologue(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    bool gen = (u->flags & PVB_GEN_FLAGS) != 0, seen_gen = false, seen_free = false;
    unsigned char *made = calloc((size_t)u->nlp + 1, 1);
    int k = 0;

    if (made == NULL) {
        pvb_report(c, u, -1, PVR_INTERNAL, "out of memory");
        u->broken = true;
        return;
    }
    for (; k < u->ninsns; k++) {
        const pvb_insn *i = &u->insns[k];
        if (k > 0 && i->target)
            break;
        if (i->op == OP_MAKE_CELL && i->arg < (unsigned long)u->nlp && !made[i->arg]) {
            made[i->arg] = 1;
        } else if (i->op == OP_COPY_FREE_VARS && !seen_free) {
            seen_free = true;
            if (i->arg != (unsigned long)co->co_nfreevars || co->co_nfreevars == 0 || u->depth == 1) {
                pvb_report(c, u, k, PVR_BC_LOCALS, "COPY_FREE_VARS %lu in code with %d free "
                           "variables%s", i->arg, co->co_nfreevars,
                           u->depth == 1 ? " at module level (no closure)" : "");
                u->broken = true;
            }
        } else if (i->op == OP_RETURN_GENERATOR && !seen_gen && gen && u->is_function &&
                   pvb_op_is(u, k + 1, OP_POP_TOP)) {
            seen_gen = true;
            k++;
        } else if (i->op != OP_NOP) {
            break;
        }
    }
    for (int j = 0; j < u->nlp && !u->broken; j++)
        if ((u->lpkind[j] & LP_CELL) && !made[j]) {
            pvb_report(c, u, -1, PVR_BC_LOCALS, "cell variable '%s' (slot %d) is not made a cell "
                       "by MAKE_CELL before the code runs", pvb_str(u->lp[j]), j);
            u->broken = true;
        }
    if (!u->broken && co->co_nfreevars > 0 && !seen_free) {
        pvb_report(c, u, -1, PVR_BC_LOCALS, "%d free variables are not copied from the closure "
                   "(COPY_FREE_VARS) before the code runs", co->co_nfreevars);
        u->broken = true;
    }
    if (gen && !seen_gen) {
        pvb_report(c, u, -1, PVR_BC_GENERATOR, "code flagged as a generator (co_flags 0x%x) does "
                   "not start with RETURN_GENERATOR", (unsigned)u->flags);
        u->broken = true;
    }
    for (int j = k; j < u->ninsns; j++) {
        int op = u->insns[j].op;
        if (op == OP_MAKE_CELL || op == OP_COPY_FREE_VARS) {
            pvb_report(c, u, j, PVR_BC_LOCALS, "%s after the prologue", pvb_tab.name[op]);
            u->broken = true;
        } else if (op == OP_RETURN_GENERATOR || (op == OP_YIELD_VALUE && !gen)) {
            pvb_report(c, u, j, PVR_BC_GENERATOR, "%s %s", pvb_tab.name[op],
                       gen ? "after the prologue" : "in code that is not a generator");
            u->broken = true;
        }
    }
    free(made);
}

/* Calls: CALL n is always right after PRECALL n (the compiler counts the arguments on
 * PRECALL, ceval pops them at CALL), and KW_NAMES right before PRECALL, with a tuple of at
 * most n str (CALL takes them from the last n arguments). Reports PV516 and PV510. */
static void pvb_check_calls(pvb_ctx *c, pvb_unit *u)
{
    for (int k = 0; k < u->ninsns; k++) {
        const pvb_insn *i = &u->insns[k];
        if (i->op == OP_PRECALL || i->op == OP_CALL) {
            const pvb_insn *o = i->op == OP_PRECALL ? pvb_at(u, k + 1) : pvb_at(u, k - 1);
            int want = i->op == OP_PRECALL ? OP_CALL : OP_PRECALL;
            const pvb_insn *callee = i->op == OP_PRECALL ? o : i;
            if (o == NULL || o->op != want || o->arg != i->arg || callee->target ||
                (i->op == OP_PRECALL && o->handler != i->handler)) {
                pvb_report(c, u, k, PVR_BC_STACK, "%s %lu is not paired with %s %lu",
                           pvb_tab.name[i->op], i->arg, pvb_tab.name[want], i->arg);
                u->broken = true;
                return;
            }
        } else if (i->op == OP_KW_NAMES) {
            const pvb_insn *pc = pvb_at(u, k + 1);
            PyObject *t = pvb_const(u, i);
            bool ok = pc != NULL && pc->op == OP_PRECALL && !pc->target && t != NULL &&
                      PyTuple_CheckExact(t) && (unsigned long)PyTuple_GET_SIZE(t) <= pc->arg;
            for (Py_ssize_t j = 0; ok && j < PyTuple_GET_SIZE(t); j++)
                ok = PyUnicode_CheckExact(PyTuple_GET_ITEM(t, j));
            if (!ok) {
                pvb_report(c, u, k, PVR_BC_OPERAND, "KW_NAMES is not a tuple of at most as many "
                           "names as the PRECALL right after it has arguments");
                u->broken = true;
                return;
            }
        } else if (i->op == OP_CHECK_EG_MATCH || i->op == OP_PREP_RERAISE_STAR) {
            /* except*: PREP_RERAISE_STAR trusts a list it cannot be shown to get. */
            pvb_report(c, u, k, PVR_BC_STRUCTURE, "%s (except*) cannot be verified structurally",
                       pvb_tab.name[i->op]);
            u->broken = true;
            return;
        }
    }
}

/* Read a location-table varint (6 bits a byte, 0x40 = more) inside [*i, n): at most 5
 * bytes (ceval's scan_varint shifts an unsigned int), none with bit 7 (an entry start). */
static bool pvb_lt_varint(const unsigned char *b, Py_ssize_t n, Py_ssize_t *i, unsigned long *out)
{
    unsigned long v = 0;
    for (int k = 0; k < 5; k++) {
        if (*i >= n || (b[*i] & 0x80))
            return false;
        unsigned char x = b[(*i)++];
        v |= (unsigned long)(x & 0x3f) << (6 * k);
        if (!(x & 0x40)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* co_linetable (Objects/locations.md): entries that start with a byte with bit 7 set,
 * whose other bytes do not have it, whose varints end inside the entry, whose line numbers
 * stay within int, and whose lengths add up to the code's length. Reports PV517. */
static void pvb_check_linetable(pvb_ctx *c, pvb_unit *u)
{
    PyCodeObject *co = (PyCodeObject *)u->code;
    PyObject *t = co->co_linetable;
    const char *why = NULL;
    long long line = co->co_firstlineno, units = 0;
    Py_ssize_t i = 0, n, at = 0;

    if (t == NULL || !PyBytes_Check(t)) {
        why = "co_linetable is not bytes";
        goto report;
    }
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(t);
    n = PyBytes_GET_SIZE(t);
    while (i < n && why == NULL) {
        at = i;
        unsigned char first = b[i++];
        if (!(first & 0x80)) {
            why = "an entry does not start with a byte with bit 7 set";
            break;
        }
        int code = (first >> 3) & 15;
        units += (first & 7) + 1;
        unsigned long v, x;
        if (code == 15) {
            /* no location */
        } else if (code == 14 || code == 13) {
            if (!pvb_lt_varint(b, n, &i, &v)) {
                why = "a line delta varint is malformed";
                break;
            }
            line += (v & 1) ? -(long long)(v >> 1) : (long long)(v >> 1);
            if (code == 14 && (!pvb_lt_varint(b, n, &i, &x) || !pvb_lt_varint(b, n, &i, &x) ||
                               !pvb_lt_varint(b, n, &i, &x)))
                why = "a long-form entry is malformed";
        } else if (code >= 10) {
            line += code - 10;
            if (n - i < 2 || (b[i] & 0x80) || (b[i + 1] & 0x80))
                why = "a one-line entry is malformed";
            i += 2;
        } else {
            if (i >= n || (b[i] & 0x80))
                why = "a short entry is malformed";
            i++;
        }
        if (why == NULL && (line > 0x3fffffffLL || line < -0x3fffffffLL))
            why = "line numbers leave the range of int";
    }
    if (why == NULL && units != u->nunits) {
        pvb_report(c, u, -1, PVR_BC_LINETABLE, "co_linetable covers %lld code units, the code has "
                   "%d", units, u->nunits);
        u->broken = true;
        return;
    }
report:
    if (why != NULL) {
        pvb_report(c, u, -1, PVR_BC_LINETABLE, "co_linetable at byte %zd: %s", at, why);
        u->broken = true;
    }
}

/* Decode u's instructions and check the structure: even length, known opcodes on the
 * whitelist, EXTENDED_ARG only before an instruction with an argument, inline caches
 * present and empty, operands within co_consts/co_names/fast locals, jump targets on
 * instruction boundaries, the exception table, and a final instruction that cannot fall
 * off the end. */
static int pvb_decode(pvb_ctx *c, pvb_unit *u)
{
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(u->bytes);
    int n = u->nunits, caches = 0, start = -1;
    unsigned nexts = 0;
    unsigned long ext = 0;

    if (u->broken && PyBytes_GET_SIZE(u->bytes) == 0)
        return 0; /* refused by pvb_precheck_code() */
    if (PyBytes_GET_SIZE(u->bytes) % 2 != 0 || n == 0) {
        pvb_report(c, u, -1, PVR_BC_STRUCTURE, "co_code has %zd bytes", PyBytes_GET_SIZE(u->bytes));
        u->broken = true;
        return 0;
    }
    /* What ceval runs is co_code_adaptive. For a code object that has never run (pyverify
     * verifies what it has just compiled) it equals PyCode_GetCode() byte for byte; any
     * difference is a specialized or hidden instruction the deoptimized view would not
     * show (hand-built co_code with superinstructions or unnamed opcodes). */
    PyCodeObject *co = (PyCodeObject *)u->code;
    if (_PyCode_NBYTES(co) != PyBytes_GET_SIZE(u->bytes) ||
        memcmp(co->co_code_adaptive, b, (size_t)PyBytes_GET_SIZE(u->bytes)) != 0) {
        pvb_report(c, u, -1, PVR_BC_STRUCTURE, "the instructions the interpreter runs differ from "
                   "co_code (specialized or hidden instructions)");
        u->broken = true;
    }
    /* Decode what ceval runs: PyCode_GetCode() zeroes the inline caches, and a hidden
     * instruction in a cache slot must be reported as such (PV512). */
    if (_PyCode_NBYTES(co) == PyBytes_GET_SIZE(u->bytes))
        b = (const unsigned char *)co->co_code_adaptive;
    u->insns = calloc((size_t)n, sizeof *u->insns);
    u->unit2insn = malloc(sizeof(int) * ((size_t)n + 1));
    if (u->insns == NULL || u->unit2insn == NULL)
        return pv_fail(PV_ERR_NOMEM, "bytecode layer: out of memory");
    for (int i = 0; i <= n; i++)
        u->unit2insn[i] = -1;
    for (int un = 0; un < n; un++) {
        int op = b[2 * un], a = b[2 * un + 1];
        if (caches > 0) {
            caches--;
            if (op != 0 || a != 0) {
                pvb_report_unit(c, u, un, PVR_BC_CACHE, "inline cache slot at byte "
                           "%d holds data (a hidden instruction?)", 2 * un);
                u->broken = true;
            }
            continue;
        }
        if (start < 0)
            start = un;
        int k = u->ninsns;
        u->insns[k].start = start;
        u->insns[k].at = un;
        u->insns[k].op = op;
        u->insns[k].jump = -1;
        u->insns[k].handler = -1;
        if (!pvb_tab.known[op]) {
            pvb_report_unit(c, u, un, PVR_BC_OPCODE_UNKNOWN, "opcode %d at byte %d has no name "
                            "in this interpreter", op, 2 * un);
            u->broken = true;
        }
        if (op == OP_EXTENDED_ARG) {
            if (++nexts > PVB_MAX_EXTENDED) {
                pvb_report_unit(c, u, un, PVR_BC_EXTENDED_ARG, "more than %u EXTENDED_ARG prefixes at "
                           "byte %d", PVB_MAX_EXTENDED, 2 * un);
                u->broken = true;
            }
            ext = (ext | (unsigned long)a) << 8;
            if (!c->structure_only && !c->p->opcode_allowed[op]) {
                pvb_report_unit(c, u, un, PVR_BC_OPCODE, "instruction EXTENDED_ARG is not allowed");
            }
            continue;
        }
        u->insns[k].arg = (pvb_tab.flags[op] & F_A) ? (ext | (unsigned long)a) : 0;
        u->unit2insn[start] = k;
        u->ninsns++;
        if (nexts > 0 && !(pvb_tab.flags[op] & F_A)) {
            pvb_report(c, u, k, PVR_BC_EXTENDED_ARG, "EXTENDED_ARG before %s, which takes no "
                       "argument", pvb_tab.known[op] ? pvb_tab.name[op] : "an unknown opcode");
            u->broken = true;
        }
        if (op == OP_CACHE) {
            pvb_report(c, u, k, PVR_BC_CACHE, "CACHE executed as an instruction at byte %d",
                       2 * un);
            u->broken = true;
        } else if (pvb_tab.known[op] && !c->structure_only && !c->p->opcode_allowed[op]) {
            pvb_report(c, u, k, PVR_BC_OPCODE, "instruction %s is not allowed", pvb_tab.name[op]);
        }
        caches = pvb_tab.known[op] ? pvb_tab.cache[op] : 0;
        ext = 0;
        nexts = 0;
        start = -1;
    }
    if (caches > 0 || start >= 0) {
        pvb_report(c, u, u->ninsns - 1, caches > 0 ? PVR_BC_CACHE : PVR_BC_EXTENDED_ARG,
                   "co_code ends inside an instruction");
        u->broken = true;
    }
    if (u->ninsns == 0)
        return 0;

    /* Operands, jumps. */
    Py_ssize_t nconst = PyTuple_GET_SIZE(u->consts), nname = PyTuple_GET_SIZE(u->names);
    for (int k = 0; k < u->ninsns; k++) {
        pvb_insn *i = &u->insns[k];
        unsigned f = pvb_tab.flags[i->op];
        if (!pvb_tab.known[i->op])
            continue;
        if ((f & F_C) && i->arg >= (unsigned long)nconst) {
            pvb_report(c, u, k, PVR_BC_OPERAND, "%s operand %lu is outside co_consts (%zd)",
                       pvb_tab.name[i->op], i->arg, nconst);
            u->broken = true;
        }
        if ((f & F_N) && (i->op == OP_LOAD_GLOBAL ? i->arg >> 1 : i->arg) >= (unsigned long)nname) {
            pvb_report(c, u, k, PVR_BC_OPERAND, "%s operand %lu is outside co_names (%zd)",
                       pvb_tab.name[i->op], i->arg, nname);
            u->broken = true;
        }
        if ((f & F_L) && (i->arg >= (unsigned long)u->nlp || u->lpkind[i->arg] != LP_LOCAL)) {
            pvb_report(c, u, k, PVR_BC_OPERAND, "%s operand %lu is not a plain local variable",
                       pvb_tab.name[i->op], i->arg);
            u->broken = true;
        }
        unsigned want = i->op == OP_MAKE_CELL ? LP_CELL : LP_CELL | LP_FREE;
        if ((f & F_F) && (i->arg >= (unsigned long)u->nlp || !(u->lpkind[i->arg] & want))) {
            pvb_report(c, u, k, PVR_BC_OPERAND, "%s operand %lu is not a %s variable",
                       pvb_tab.name[i->op], i->arg, want == LP_CELL ? "cell" : "cell or free");
            u->broken = true;
        }
        if (f & F_JA) {
            pvb_report(c, u, k, PVR_BC_STRUCTURE, "absolute jump %s", pvb_tab.name[i->op]);
            u->broken = true;
        }
        if (f & F_J) {
            long long t = (long long)i->at + 1 +
                          ((f & F_B) ? -(long long)i->arg : (long long)i->arg);
            if (t < 0 || !pvb_boundary(u, (unsigned long)t)) {
                pvb_report(c, u, k, PVR_BC_JUMP, "%s jumps to code unit %lld, which does not "
                           "start an instruction", pvb_tab.name[i->op], t);
                u->broken = true;
            } else {
                u->insns[u->unit2insn[t]].target = 1;
                i->jump = u->unit2insn[t];
            }
        }
        pvb_check_range(c, u, k);
    }
    /* The last instruction must leave the code object: ceval would read past co_code. */
    int last = u->insns[u->ninsns - 1].op;
    if (!pvb_terminates(last)) {
        pvb_report(c, u, u->ninsns - 1, PVR_BC_STRUCTURE, "the code can run past its last "
                   "instruction (%s)", pvb_tab.known[last] ? pvb_tab.name[last] : "unknown");
        u->broken = true;
    }
    if (pvb_check_exctable(c, u) < 0)
        return -1;
    pvb_check_linetable(c, u);
    if (pvb_check_kinds(c, u) < 0)
        return -1;
    if (!u->broken)
        pvb_check_prologue(c, u);
    if (!u->broken)
        pvb_check_calls(c, u);
    if (!u->broken && pvb_check_stack(c, u) < 0)
        return -1;

    /* Where the body starts: after MAKE_CELL, COPY_FREE_VARS and RESUME. */
    int k = 0;
    for (; k < u->ninsns && !(k > 0 && u->insns[k].target); k++) {
        int op = u->insns[k].op;
        if (op != OP_MAKE_CELL && op != OP_COPY_FREE_VARS && op != OP_RESUME && op != OP_NOP)
            break;
    }
    u->prologue = k;
    return 0;
}

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

static int pvb_lib_bump(PyObject *d, PyObject *key)
{
    PyObject *n = PyDict_GetItemWithError(d, key);
    if (n == NULL && PyErr_Occurred())
        return -1;
    PyObject *v = PyLong_FromLong(n ? PyLong_AsLong(n) + 1 : 1);
    int r = v ? PyDict_SetItem(d, key, v) : -1;
    Py_XDECREF(v);
    return r;
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
 * (when `report`), a name store counted in lib_count (and mk_count when `maker`). The AST
 * layer's lib_value and lib_maker. */
static int pvb_lib_follow(pvb_ctx *c, size_t x, int j, long slot, bool callable, bool chain,
                          PyObject *mods, bool maker, bool report)
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
        if (i == NULL || i->target || u->sdepth[j] != slot + 1)
            return 0;
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
                return 0;
            j += 2;
            chain = false;
            mods = NULL;
            maker = true;
            continue;
        case OP_GET_ITER: {
            /* for name in <library value>: FOR_ITER (a loop target) then the store. */
            const pvb_insn *fi = pvb_at(u, j + 1), *st = pvb_at(u, j + 2);
            if (fi == NULL || fi->op != OP_FOR_ITER || st == NULL || st->target ||
                !pvb_is_name_store(st->op))
                return 0;
            j += 2;
            i = st;
            maker = true;
        }
            /* fall through */
        case OP_STORE_FAST: case OP_STORE_NAME: case OP_STORE_GLOBAL: case OP_STORE_DEREF: {
            PyObject *key = pvb_lib_key(c, x, j);
            if (key == NULL)
                return PyErr_Occurred() ? -1 : 0;
            int r = pvb_lib_bump(c->lib_count, key);
            if (r == 0 && maker)
                r = pvb_lib_bump(c->mk_count, key);
            Py_DECREF(key);
            return r;
        }
        default:
            return 0;
        }
    }
    return 0;
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

/* One pass over every load that starts a library value: a module, or a name bound only to
 * library values (lib_names). */
static int pvb_lib_pass(pvb_ctx *c, bool report)
{
    for (size_t x = 0; x < c->n; x++) {
        pvb_unit *u = &c->units[x];
        if (u->broken || u->sdepth == NULL)
            continue;
        for (int k = 0; k < u->ninsns; k++) {
            const pvb_insn *i = &u->insns[k];
            int op = i->op;
            if (op == OP_IMPORT_FROM && pvb_at(u, k + 1) != NULL &&
                pvb_is_name_store(u->insns[k + 1].op) && !u->insns[k + 1].target) {
                /* from M import name: a member of an allowed module */
                PyObject *key = pvb_lib_key(c, x, k + 1);
                PyObject *mod = pvb_import_from_module(u, k);
                int r = key ? pvb_lib_bump(c->lib_count, key) : PyErr_Occurred() ? -1 : 0;
                if (r == 0 && key &&
                    (!mod || pvn_call_makes_library_object(c->p, mod, pvb_name(u, i))))
                    r = pvb_lib_bump(c->mk_count, key);
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
            } else if (pvb_op_is(u, k - 1, OP_PUSH_NULL) && !i->target && u->sdepth[k - 1] >= 0) {
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

/* Add to `set` the keys `counts` counts as often as `total` does (every binding). 1 when the
 * set grew, 0 when not, -1 on error. */
static int pvb_lib_grow(PyObject *set, PyObject *counts, PyObject *total)
{
    int grew = 0;
    PyObject *key, *cnt;
    Py_ssize_t pos = 0;
    while (PyDict_Next(counts, &pos, &key, &cnt)) {
        PyObject *t = PyDict_GetItemWithError(total, key);
        if (t == NULL && PyErr_Occurred())
            return -1;
        if (t != NULL && PyLong_AsLong(t) == PyLong_AsLong(cnt) && PySet_Contains(set, key) == 0) {
            if (PySet_Add(set, key) < 0)
                return -1;
            grew = 1;
        }
    }
    return PyErr_Occurred() ? -1 : grew;
}

/* Count every name store, then grow lib_names and lib_makers to a fixpoint, then report. */
static int pvb_library_stores(pvb_ctx *c)
{
    if ((c->lib_total = PyDict_New()) == NULL || (c->lib_names = PySet_New(NULL)) == NULL ||
        (c->lib_makers = PySet_New(NULL)) == NULL)
        goto pyfail;
    for (size_t x = 0; x < c->n; x++) {
        pvb_unit *u = &c->units[x];
        if (u->broken)
            continue;
        for (int k = 0; k < u->ninsns; k++) {
            int op = u->insns[k].op;
            if (!pvb_is_name_store(op) && op != OP_DELETE_FAST && op != OP_DELETE_NAME &&
                op != OP_DELETE_GLOBAL && op != OP_DELETE_DEREF)
                continue;
            PyObject *key = pvb_lib_key(c, x, k);
            if (key == NULL) {
                if (PyErr_Occurred())
                    goto pyfail;
                continue;
            }
            int r = pvb_lib_bump(c->lib_total, key);
            Py_DECREF(key);
            if (r < 0)
                goto pyfail;
        }
    }
    for (int round = 0; round < 16; round++) {
        Py_XSETREF(c->lib_count, PyDict_New());
        Py_XSETREF(c->mk_count, PyDict_New());
        if (c->lib_count == NULL || c->mk_count == NULL || pvb_lib_pass(c, false) < 0)
            goto pyfail;
        int g1 = pvb_lib_grow(c->lib_names, c->lib_count, c->lib_total);
        int g2 = g1 < 0 ? -1 : pvb_lib_grow(c->lib_makers, c->mk_count, c->lib_total);
        if (g2 < 0)
            goto pyfail;
        if (!g1 && !g2)
            break;
    }
    if (pvb_lib_pass(c, true) < 0)
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

/* class C(Base, metaclass=M) / class C(x=1): keywords of the call that LOAD_BUILD_CLASS
 * at k starts run the metaclass or __init_subclass__ with them at class creation. The
 * call is the first PRECALL (or CALL_FUNCTION_EX) whose callee is the slot LOAD_BUILD_CLASS
 * pushed, found from the stack depths. */
#define PVB_CLASS_KW_HINT "remove metaclass= and other class keywords (see PV102)"
static void pvb_check_class_call(pvb_ctx *c, pvb_unit *u, int k)
{
    if (u->sdepth == NULL || u->sdepth[k] < 0)
        return;
    long slot = u->sdepth[k];
    for (int j = k + 1; j < u->ninsns; j++) {
        const pvb_insn *i = &u->insns[j];
        long d = u->sdepth[j];
        if (d < 0)
            continue;
        if (d <= slot)
            return; /* the class object was consumed without a call we recognise */
        if (i->op == OP_PRECALL && d - (long)i->arg - 1 == slot) {
            const pvb_insn *kw = pvb_at(u, j - 1);
            PyObject *t = (kw != NULL && kw->op == OP_KW_NAMES) ? pvb_const(u, kw) : NULL;
            if (t != NULL)
                pvb_report_hint(c, u, j - 1, PVR_BC_CONST, PVB_CLASS_KW_HINT, "class keyword "
                                "'%.100s' is passed to the metaclass or __init_subclass__ when "
                                "the class is created", pvb_repr_names(t));
            return;
        }
        if (i->op == OP_CALL_FUNCTION_EX && d - 2 - (long)(i->arg & 1) == slot) {
            if (i->arg & 1)
                pvb_report_hint(c, u, j, PVR_BC_CONST, PVB_CLASS_KW_HINT, "class keywords "
                                "(**mapping) are passed to the metaclass or __init_subclass__ "
                                "when the class is created");
            return;
        }
    }
}

/* The rules for one instruction. Returns <0 on library failure. */
static int pvb_check_insn(pvb_ctx *c, pvb_unit *u, int k)
{
    const pvb_insn *i = &u->insns[k];
    PyObject *nm = pvb_name(u, i), *v;
    pvn_verdict vd;

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
    case OP_LOAD_BUILD_CLASS:
        /* Metaclasses and __init_subclass__ run code implicitly at class creation. */
        pvb_check_class_call(c, u, k);
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
    Py_XDECREF(c.lib_total);
    Py_XDECREF(c.lib_count);
    Py_XDECREF(c.lib_names);
    Py_XDECREF(c.mk_count);
    Py_XDECREF(c.lib_makers);
    if (rc == 0 && PyErr_Occurred())
        rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer");
    return rc;
}
