/*
 * bytecode_unit.c: a code object decoded for layer 2 (pvb_unit): loading it, with the checks
 * CPython needs before its tuples and instructions can be read safely; operand accessors;
 * the location table; and the diagnostics both checks report through.
 */
#include "bytecode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a name failed: not an identifier, or the pvn_* verdict. */
const char *pvb_why(pvn_verdict v, PyObject *nm)
{
    return pvb_identifier(nm) ? pvn_describe(v) : "is not an identifier";
}

/* UTF-8 of a name for a message; never NULL. */
const char *pvb_str(PyObject *s)
{
    const char *r = (s != NULL && PyUnicode_Check(s)) ? PyUnicode_AsUTF8(s) : NULL;
    if (r == NULL) {
        PyErr_Clear();
        return "?";
    }
    return r;
}

/* The first name of a tuple of names, for a message ("'metaclass', ..."); never NULL. */
const char *pvb_repr_names(PyObject *t)
{
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) == 0)
        return "()";
    return pvb_str(PyTuple_GET_ITEM(t, 0));
}

/* Set membership that never leaves an exception pending (false on error). */
bool pvb_in(PyObject *set, PyObject *key)
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

void pvb_report_unit(pvb_ctx *c, const pvb_unit *u, int unit, pv_rule rule,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pvb_vreport(c, u, unit, rule, fmt, ap);
    va_end(ap);
}

/* Report at instruction k of u with a hint of its own. */
void pvb_report_hint(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *hint,
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
void pvb_report(pvb_ctx *c, const pvb_unit *u, int k, pv_rule rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pvb_vreport(c, u, (k >= 0 && k < u->ninsns) ? u->insns[k].at : -1, rule, fmt, ap);
    va_end(ap);
}

/* The name operand of instruction i (co_names or fast locals), borrowed; NULL if none. */
PyObject *pvb_name(const pvb_unit *u, const pvb_insn *i)
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

/* True when instruction k is LOAD_CONST of a str (and, if `out`, returns it). */
bool pvb_load_str(const pvb_unit *u, int k, PyObject **out)
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

void pvb_unit_free(pvb_unit *u)
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
int pvb_load_unit(pvb_ctx *c, pvb_unit *u)
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
