/*
 * bytecode_struct.c: layer 2's structural verifier, written for untrusted code objects (a
 * .pyc is attacker-shaped bytes, see docs/pyc.md): operand ranges, jump targets,
 * EXTENDED_ARG, inline caches, the exception table, a proof of the stack depth and of what
 * each slot holds, fast-locals kinds, the prologue, calls and the line table. Runs on every
 * code object, compiled from source or loaded, before any policy rule reads it.
 */
#include "bytecode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#define TG_SELF 12u     /* LOAD_METHOD's upper slot (the receiver, or the bound attribute):
                           only its call may read it, as the call's self. Replacing the
                           receiver would run the method on another object than the one
                           the rules saw: 'x'.format's receiver swapped for a template
                           built at run time reaches attributes (red team 2026-12-03) */
#define TG_BUILDCLASS 13u /* LOAD_BUILD_CLASS: only the callable of a call; that call is
                             marked (pvb_insn.builds_class) so that the policy sees its class
                             keywords wherever the function went (red team 2026-12-03) */
#define TG_POISON 14u   /* TG_SELF or TG_BUILDCLASS met another kind where paths join
                           (compiled code never does that): nothing may read it */
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
    if (a == TG_SELF || b == TG_SELF || a == TG_BUILDCLASS || b == TG_BUILDCLASS ||
        a == TG_POISON || b == TG_POISON)
        return TG_POISON; /* a receiver or __build_class__ on one path only */
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
            if (t == TG_SELF &&
                !((i->op == OP_PRECALL || i->op == OP_CALL) && q == i->arg + 1)) {
                why = "the receiver LOAD_METHOD pushed is used other than as the self of its "
                      "call";
                why_rule = PVR_BC_STACK;
            }
            if (t == TG_BUILDCLASS) {
                if (((i->op == OP_PRECALL || i->op == OP_CALL) && q == i->arg + 1) ||
                    (i->op == OP_CALL_FUNCTION_EX && q == 2 + (i->arg & 1)))
                    u->insns[k].builds_class = 1;
                else if (!(i->op == OP_DICT_MERGE && q == i->arg + 3)) /* its error message */
                    why = "the __build_class__ LOAD_BUILD_CLASS pushed is used other than as the "
                          "callable of a call";
            }
            if (t == TG_POISON)
                why = "a value that is a method's receiver or __build_class__ on one path only "
                      "is used where the paths join";
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
            /* The compiler binds each free variable to the enclosing scope's cell of the same
             * name: LOAD_CLOSURE x ...; BUILD_TUPLE n; LOAD_CONST code; MAKE_FUNCTION. A
             * crafted closure that bound a method's __class__ to any cell would turn
             * super() into super(T, obj) for any T and obj (red team 2026-12-03). */
            if ((i->arg & 8) && bad == NULL) {
                PyCodeObject *ic = (PyCodeObject *)v;
                const pvb_insn *bt = pvb_at(u, k - 2);
                if (bt == NULL || bt->op != OP_BUILD_TUPLE || bt->arg != (unsigned long)nfree ||
                    u->insns[k - 1].target || bt->target || k - 2 - nfree < 0)
                    bad = "closure is not built right before MAKE_FUNCTION";
                for (int j = 0; bad == NULL && j < nfree; j++) {
                    const pvb_insn *cl = &u->insns[k - 2 - nfree + j];
                    PyObject *want = PyTuple_GET_ITEM(ic->co_localsplusnames,
                                                      ic->co_nlocalsplus - nfree + j);
                    if (cl->op != OP_LOAD_CLOSURE || (j > 0 && cl->target) ||
                        cl->arg >= (unsigned long)u->nlp ||
                        PyUnicode_Compare(u->lp[cl->arg], want) != 0)
                        bad = "closure cells are not the enclosing scope's variables of the "
                              "names the code's free variables have";
                }
                if (PyErr_Occurred())
                    PyErr_Clear(); /* a non-str name: the kinds check reports it */
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
                if (i->op == OP_LOAD_METHOD && pushed == 2)
                    s[base + 1] = TG_SELF;
                if (i->op == OP_LOAD_BUILD_CLASS)
                    s[base] = TG_BUILDCLASS;
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
int pvb_decode(pvb_ctx *c, pvb_unit *u)
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
