/*
 * marshal.c: pvm_validate(), a bounds-checked reader of CPython 3.11's marshal format
 * that proves a buffer well-formed before anything is built from it.
 *
 * It accepts only what the compiler writes into a .pyc: one code object, whose fields
 * have the types _PyCode_Validate() expects, and whose constants are None, booleans,
 * Ellipsis, int, float, complex, bytes, str, tuples and frozensets of those, and nested
 * code objects (directly in co_consts only); co_localspluskinds holds only the four kinds
 * the compiler writes. Every length is checked against the buffer,
 * every back-reference against the objects registered so far, in the order CPython's
 * r_object() registers them (containers and code objects before their contents), and a
 * reference to an object still being read is refused. Depth, object counts, code object
 * counts and int sizes are limited (pv_limits.h). The reader recurses, at most
 * PV_MARSHAL_MAX_DEPTH frames of a few dozen bytes.
 */
#include "pv_marshal.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type codes (Python/marshal.c, version 4) and the reference flag. */
#define T_NULL '0'
#define T_NONE 'N'
#define T_FALSE 'F'
#define T_TRUE 'T'
#define T_STOPITER 'S'
#define T_ELLIPSIS '.'
#define T_INT 'i'
#define T_INT64 'I'
#define T_FLOAT 'f'
#define T_BINARY_FLOAT 'g'
#define T_COMPLEX 'x'
#define T_BINARY_COMPLEX 'y'
#define T_LONG 'l'
#define T_STRING 's'
#define T_INTERNED 't'
#define T_REF 'r'
#define T_TUPLE '('
#define T_LIST '['
#define T_DICT '{'
#define T_CODE 'c'
#define T_UNICODE 'u'
#define T_UNKNOWN '?'
#define T_SET '<'
#define T_FROZENSET '>'
#define T_ASCII 'a'
#define T_ASCII_INTERNED 'A'
#define T_SMALL_TUPLE ')'
#define T_SHORT_ASCII 'z'
#define T_SHORT_ASCII_INTERNED 'Z'
#define FLAG_REF 0x80

/* co_flags bits CPython 3.11 defines: CO_OPTIMIZED .. CO_ASYNC_GENERATOR, and the
 * __future__ flags (CO_FUTURE_DIVISION .. CO_FUTURE_ANNOTATIONS). */
#define PVM_CO_FLAGS_KNOWN (0x3ffu | 0x1fe0000u)
/* Fast-locals kinds (Include/internal/pycore_code.h). */
#define PVM_FAST_LOCAL 0x20u
#define PVM_FAST_CELL 0x40u
#define PVM_FAST_FREE 0x80u

/* What an object is. */
enum pvm_kind { K_NONE, K_BOOL, K_ELLIPSIS, K_INT, K_FLOAT, K_COMPLEX, K_BYTES, K_STR, K_TUPLE,
                K_FROZENSET, K_CODE };

/* What the position being read expects. */
enum pvm_want {
    W_CONST,      /* an item of co_consts: any constant, code objects included */
    W_NESTED,     /* an item of a constant tuple or frozenset: no code objects */
    W_STR,
    W_BYTES,
    W_CODE,
    W_STRTUPLE,   /* a tuple of str (co_names, co_localsplusnames) */
    W_CONSTTUPLE  /* co_consts */
};

static const char *const pvm_want_name[] = { "a constant", "a constant", "a str", "bytes",
                                             "a code object", "a tuple of str", "a tuple" };

/* What is known about an object once read (also kept for every back-reference slot). */
typedef struct pvm_info {
    unsigned char kind;     /* enum pvm_kind */
    unsigned char done;     /* completely read (refs to it are valid) */
    unsigned char strtuple; /* K_TUPLE whose items are all str */
    unsigned char has_code; /* K_TUPLE holding a code object */
    size_t off, len;        /* K_BYTES: offset and length of the data; K_STR, K_TUPLE: length */
} pvm_info;

typedef struct pvm_reader {
    const unsigned char *b;
    size_t n, pos;
    pvm_info *refs;         /* owned */
    size_t nrefs, caprefs;
    size_t objects, codes, setitems;
    unsigned depth, maxdepth;
    pvm_error *err;
    bool nomem;
} pvm_reader;

static int pvm_fail(pvm_reader *r, pv_rule rule, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int pvm_fail(pvm_reader *r, pv_rule rule, size_t at, const char *fmt, ...)
{
    va_list ap;
    r->err->rule = rule;
    r->err->offset = at;
    va_start(ap, fmt);
    vsnprintf(r->err->msg, sizeof r->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* True when k more bytes are available. */
static bool pvm_has(const pvm_reader *r, size_t k)
{
    return k <= r->n - r->pos;
}

static int pvm_byte(pvm_reader *r, unsigned char *out)
{
    if (!pvm_has(r, 1))
        return pvm_fail(r, PVR_MARSHAL_MALFORMED, r->pos, "truncated: a type code or byte "
                        "expected at offset %zu, the data ends", r->pos);
    *out = r->b[r->pos++];
    return 0;
}

/* A little-endian signed 32-bit integer (r_long). */
static int pvm_i32(pvm_reader *r, int32_t *out)
{
    *out = 0; /* written on every path, so no caller's variable is ever read unset */
    if (!pvm_has(r, 4))
        return pvm_fail(r, PVR_MARSHAL_MALFORMED, r->pos, "truncated: a 4-byte integer expected "
                        "at offset %zu", r->pos);
    const unsigned char *p = r->b + r->pos;
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    r->pos += 4;
    *out = (int32_t)v; /* two's complement on every platform CPython supports */
    return 0;
}

/* A length (non-negative int32) of `count` items of `unit` bytes that must fit the rest of
 * the buffer; the position is left after the length. */
static int pvm_len(pvm_reader *r, size_t unit, size_t *out)
{
    size_t at = r->pos;
    int32_t v;
    if (pvm_i32(r, &v) < 0)
        return -1;
    if (v < 0)
        return pvm_fail(r, PVR_MARSHAL_MALFORMED, at, "negative length %ld", (long)v);
    if ((size_t)v > (r->n - r->pos) / unit)
        return pvm_fail(r, PVR_MARSHAL_MALFORMED, at, "length %ld at offset %zu runs past the end "
                        "of the data (%zu bytes left)", (long)v, at, r->n - r->pos);
    *out = (size_t)v;
    return 0;
}

/* Strict UTF-8, except that encoded surrogates pass (marshal decodes with surrogatepass). */
static bool pvm_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2;
            if (c == 0xe0)
                lo = 0xa0;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
            if (c == 0xf0)
                lo = 0x90;
            if (c == 0xf4)
                hi = 0x8f;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xbf)
                return false;
        i += k + 1;
    }
    return true;
}

/* Register a back-reference slot (in the order r_object registers them). */
static int pvm_ref_reserve(pvm_reader *r, size_t *idx)
{
    if (r->nrefs == r->caprefs) {
        size_t nc = r->caprefs ? 2 * r->caprefs : 64;
        pvm_info *nr = realloc(r->refs, nc * sizeof *nr);
        if (nr == NULL) {
            r->nomem = true;
            return pvm_fail(r, PVR_INTERNAL, r->pos, "out of memory");
        }
        r->refs = nr;
        r->caprefs = nc;
    }
    *idx = r->nrefs++;
    memset(&r->refs[*idx], 0, sizeof r->refs[*idx]);
    return 0;
}

/* Does an object of this description fit the position? */
static bool pvm_fits(const pvm_info *o, enum pvm_want w)
{
    switch (w) {
    case W_CONST:
        return true;
    case W_NESTED:
        return o->kind != K_CODE && !o->has_code;
    case W_STR:
        return o->kind == K_STR;
    case W_BYTES:
        return o->kind == K_BYTES;
    case W_CODE:
        return o->kind == K_CODE;
    case W_STRTUPLE:
        return o->kind == K_TUPLE && o->strtuple;
    case W_CONSTTUPLE:
        return o->kind == K_TUPLE;
    }
    return false;
}

static int pvm_object(pvm_reader *r, enum pvm_want want, pvm_info *out);

/* The fields of a code object, after its type code (w_complex_object, TYPE_CODE). */
static int pvm_code(pvm_reader *r, size_t start)
{
    int32_t argc, posonly, kwonly, stacksize, flags, firstline;
    pvm_info code, consts, names, lpnames, lpkinds, s;

    if (++r->codes > PV_MARSHAL_MAX_CODE_OBJECTS)
        return pvm_fail(r, PVR_MARSHAL_LIMIT, start, "more than %u code objects",
                        PV_MARSHAL_MAX_CODE_OBJECTS);
    if (pvm_i32(r, &argc) < 0 || pvm_i32(r, &posonly) < 0 || pvm_i32(r, &kwonly) < 0 ||
        pvm_i32(r, &stacksize) < 0 || pvm_i32(r, &flags) < 0)
        return -1;
    if (argc < 0 || posonly < 0 || kwonly < 0 || stacksize < 0 || flags < 0 || posonly > argc)
        return pvm_fail(r, PVR_MARSHAL_CODE, start, "code object at offset %zu: impossible "
                        "counts (co_argcount %ld, co_posonlyargcount %ld, co_kwonlyargcount %ld, "
                        "co_stacksize %ld, co_flags %ld)", start, (long)argc, (long)posonly,
                        (long)kwonly, (long)stacksize, (long)flags);
    if ((uint32_t)flags & ~PVM_CO_FLAGS_KNOWN)
        return pvm_fail(r, PVR_MARSHAL_CODE, start, "code object at offset %zu: unknown co_flags "
                        "bits 0x%lx", start, (unsigned long)((uint32_t)flags & ~PVM_CO_FLAGS_KNOWN));
    if ((uint32_t)stacksize > PV_MAX_STACKSIZE)
        return pvm_fail(r, PVR_MARSHAL_LIMIT, start, "code object at offset %zu: co_stacksize %ld "
                        "is above the limit %u", start, (long)stacksize, PV_MAX_STACKSIZE);
    size_t at_code = r->pos;
    if (pvm_object(r, W_BYTES, &code) < 0)
        return -1;
    if (code.len == 0 || code.len % 2 != 0 || code.len > (size_t)INT32_MAX)
        return pvm_fail(r, PVR_MARSHAL_CODE, at_code, "co_code has %zu bytes (an even, non-zero "
                        "number is required)", code.len);
    if (pvm_object(r, W_CONSTTUPLE, &consts) < 0 || pvm_object(r, W_STRTUPLE, &names) < 0)
        return -1;
    size_t at_lp = r->pos;
    if (pvm_object(r, W_STRTUPLE, &lpnames) < 0 || pvm_object(r, W_BYTES, &lpkinds) < 0)
        return -1;
    if (lpnames.len != lpkinds.len)
        return pvm_fail(r, PVR_MARSHAL_CODE, at_lp, "co_localsplusnames has %zu names but "
                        "co_localspluskinds %zu kinds", lpnames.len, lpkinds.len);
    if (lpnames.len > PV_MAX_LOCALSPLUS)
        return pvm_fail(r, PVR_MARSHAL_LIMIT, at_lp, "%zu fast locals (limit %u)", lpnames.len,
                        PV_MAX_LOCALSPLUS);
    /* Only the kinds the compiler writes. CPython derives co_nlocals, co_ncellvars and
     * co_nfreevars from the kinds with an if/else chain, but fills co_varnames, co_cellvars
     * and co_freevars by testing each bit: a free variable that is also a local or a cell
     * (0xa0, 0xc0, 0xe0) is counted once and listed twice, and reading co_freevars writes
     * past the end of its tuple (heap corruption in the verifier, found by fuzz_pyc). */
    for (size_t i = 0; i < lpkinds.len; i++) {
        unsigned k = r->b[lpkinds.off + i];
        if (k != PVM_FAST_LOCAL && k != PVM_FAST_CELL && k != (PVM_FAST_LOCAL | PVM_FAST_CELL) &&
            k != PVM_FAST_FREE)
            return pvm_fail(r, PVR_MARSHAL_CODE, at_lp, "fast local %zu has kind 0x%02x (only "
                            "0x20 local, 0x40 cell, 0x60 argument cell and 0x80 free exist)", i, k);
    }
    /* _PyCode_Validate: the plain locals cover the arguments. */
    size_t nlocals = 0;
    for (size_t i = 0; i < lpkinds.len; i++)
        if (r->b[lpkinds.off + i] & PVM_FAST_LOCAL)
            nlocals++;
    size_t nargs = (size_t)argc + (size_t)kwonly + ((flags & 0x4) != 0) + ((flags & 0x8) != 0);
    if (nlocals < nargs)
        return pvm_fail(r, PVR_MARSHAL_CODE, at_lp, "%zu plain locals cannot hold %zu arguments",
                        nlocals, nargs);
    if (pvm_object(r, W_STR, &s) < 0 || pvm_object(r, W_STR, &s) < 0 ||
        pvm_object(r, W_STR, &s) < 0 || pvm_i32(r, &firstline) < 0 ||
        pvm_object(r, W_BYTES, &s) < 0 || pvm_object(r, W_BYTES, &s) < 0)
        return -1;
    (void)firstline; /* any value: only used for line numbers */
    return 0;
}

/* Read the elements of a tuple or frozenset. */
static int pvm_items(pvm_reader *r, size_t n, enum pvm_want item, pvm_info *out)
{
    out->strtuple = 1;
    for (size_t i = 0; i < n; i++) {
        pvm_info e;
        if (pvm_object(r, item, &e) < 0)
            return -1;
        if (e.kind != K_STR)
            out->strtuple = 0;
        if (e.kind == K_CODE || e.has_code)
            out->has_code = 1;
    }
    return 0;
}

/* Read one object that must fit `want`; *out describes it. */
static int pvm_object(pvm_reader *r, enum pvm_want want, pvm_info *out)
{
    size_t start = r->pos, idx = 0, n;
    unsigned char code = 0;
    int rc = 0;
    bool flag;

    memset(out, 0, sizeof *out);
    if (++r->objects > PV_MARSHAL_MAX_OBJECTS)
        return pvm_fail(r, PVR_MARSHAL_LIMIT, start, "more than %u objects",
                        PV_MARSHAL_MAX_OBJECTS);
    if (r->depth >= PV_MARSHAL_MAX_DEPTH)
        return pvm_fail(r, PVR_MARSHAL_LIMIT, start, "objects nested deeper than %u",
                        PV_MARSHAL_MAX_DEPTH);
    if (pvm_byte(r, &code) < 0)
        return -1;
    flag = (code & FLAG_REF) != 0;
    code &= (unsigned char)~FLAG_REF;

    /* Types that are never registered for back-references (singletons, refs). */
    switch (code) {
    case T_NONE: case T_FALSE: case T_TRUE: case T_ELLIPSIS: case T_REF:
        if (flag)
            return pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "type '%c' at offset %zu carries "
                            "the reference flag, which CPython never writes", code, start);
        break;
    case T_INT: case T_LONG: case T_BINARY_FLOAT: case T_BINARY_COMPLEX: case T_STRING:
    case T_INTERNED: case T_UNICODE: case T_ASCII: case T_ASCII_INTERNED: case T_SHORT_ASCII:
    case T_SHORT_ASCII_INTERNED: case T_TUPLE: case T_SMALL_TUPLE: case T_FROZENSET: case T_CODE:
        /* Containers and code objects are registered before their contents. */
        if (flag && pvm_ref_reserve(r, &idx) < 0)
            return -1;
        break;
    case T_NULL: case T_STOPITER: case T_LIST: case T_DICT: case T_SET: case T_UNKNOWN:
        return pvm_fail(r, PVR_MARSHAL_TYPE, start, "type '%c' at offset %zu is not a constant "
                        "CPython's compiler emits", code, start);
    case T_INT64: case T_FLOAT: case T_COMPLEX:
        return pvm_fail(r, PVR_MARSHAL_TYPE, start, "type '%c' at offset %zu belongs to an older "
                        "marshal version than CPython 3.11 writes", code, start);
    default:
        if (code >= 0x20 && code < 0x7f)
            return pvm_fail(r, PVR_MARSHAL_TYPE, start, "unknown type code '%c' at offset %zu",
                            code, start);
        return pvm_fail(r, PVR_MARSHAL_TYPE, start, "unknown type code 0x%02x at offset %zu",
                        code, start);
    }

    r->depth++;
    if (r->depth > r->maxdepth)
        r->maxdepth = r->depth;
    switch (code) {
    case T_NONE:
        out->kind = K_NONE;
        break;
    case T_FALSE: case T_TRUE:
        out->kind = K_BOOL;
        break;
    case T_ELLIPSIS:
        out->kind = K_ELLIPSIS;
        break;
    case T_INT: {
        int32_t v;
        rc = pvm_i32(r, &v);
        out->kind = K_INT;
        break;
    }
    case T_LONG: {
        /* Digits of 15 bits, least significant first; the top digit is not zero. */
        int32_t v;
        if ((rc = pvm_i32(r, &v)) < 0)
            break;
        size_t nd = v < 0 ? (size_t)(-(int64_t)v) : (size_t)v;
        if (nd > PV_MARSHAL_MAX_LONG_DIGITS) {
            rc = pvm_fail(r, PVR_MARSHAL_LIMIT, start, "int of %zu digits at offset %zu (limit "
                          "%u)", nd, start, PV_MARSHAL_MAX_LONG_DIGITS);
            break;
        }
        if (!pvm_has(r, 2 * nd)) {
            rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "truncated int at offset %zu", start);
            break;
        }
        for (size_t i = 0; i < nd; i++) {
            unsigned d = r->b[r->pos + 2 * i] | (unsigned)r->b[r->pos + 2 * i + 1] << 8;
            if (d > 0x7fff || (i == nd - 1 && d == 0)) {
                rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "int at offset %zu: %s", start,
                              d > 0x7fff ? "digit out of range" : "unnormalized (top digit 0)");
                break;
            }
        }
        r->pos += 2 * nd;
        out->kind = K_INT;
        break;
    }
    case T_BINARY_FLOAT:
        if (!pvm_has(r, 8))
            rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "truncated float at offset %zu", start);
        else
            r->pos += 8;
        out->kind = K_FLOAT;
        break;
    case T_BINARY_COMPLEX:
        if (!pvm_has(r, 16))
            rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "truncated complex at offset %zu",
                          start);
        else
            r->pos += 16;
        out->kind = K_COMPLEX;
        break;
    case T_STRING:
        if ((rc = pvm_len(r, 1, &n)) < 0)
            break;
        out->kind = K_BYTES;
        out->off = r->pos;
        out->len = n;
        r->pos += n;
        break;
    case T_INTERNED: case T_UNICODE:
        if ((rc = pvm_len(r, 1, &n)) < 0)
            break;
        if (!pvm_utf8(r->b + r->pos, n)) {
            rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "str at offset %zu is not valid UTF-8",
                          start);
            break;
        }
        out->kind = K_STR;
        out->len = n;
        r->pos += n;
        break;
    case T_ASCII: case T_ASCII_INTERNED: case T_SHORT_ASCII: case T_SHORT_ASCII_INTERNED:
        if (code == T_SHORT_ASCII || code == T_SHORT_ASCII_INTERNED) {
            unsigned char c1 = 0;
            if ((rc = pvm_byte(r, &c1)) < 0)
                break;
            n = c1;
            if (!pvm_has(r, n)) {
                rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "str of %zu bytes at offset %zu "
                              "runs past the end of the data", n, start);
                break;
            }
        } else if ((rc = pvm_len(r, 1, &n)) < 0) {
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (r->b[r->pos + i] >= 0x80) {
                rc = pvm_fail(r, PVR_MARSHAL_MALFORMED, start, "ASCII str at offset %zu holds "
                              "byte 0x%02x", start, r->b[r->pos + i]);
                break;
            }
        out->kind = K_STR;
        out->len = n;
        r->pos += n;
        break;
    case T_TUPLE: case T_SMALL_TUPLE:
        if (code == T_SMALL_TUPLE) {
            unsigned char c1 = 0;
            if ((rc = pvm_byte(r, &c1)) < 0)
                break;
            n = c1;
        } else if ((rc = pvm_len(r, 1, &n)) < 0) { /* each item takes a byte at least */
            break;
        }
        out->kind = K_TUPLE;
        out->len = n;
        if (flag)
            r->refs[idx].kind = K_TUPLE; /* registered, not complete */
        rc = pvm_items(r, n, want == W_CONSTTUPLE ? W_CONST
                             : want == W_STRTUPLE ? W_STR : W_NESTED, out);
        if (n == 0)
            out->strtuple = 1;
        break;
    case T_FROZENSET:
        if ((rc = pvm_len(r, 1, &n)) < 0)
            break;
        r->setitems += n;
        if (n > PV_MARSHAL_MAX_SET_ITEMS || r->setitems > PV_MARSHAL_MAX_SET_ITEMS_TOTAL) {
            rc = pvm_fail(r, PVR_MARSHAL_LIMIT, start, "frozenset of %zu items at offset %zu "
                          "(limits %u a set, %u in all)", n, start, PV_MARSHAL_MAX_SET_ITEMS,
                          PV_MARSHAL_MAX_SET_ITEMS_TOTAL);
            break;
        }
        out->kind = K_FROZENSET;
        out->len = n;
        if (flag)
            r->refs[idx].kind = K_FROZENSET;
        rc = pvm_items(r, n, W_NESTED, out);
        out->strtuple = 0;
        break;
    case T_CODE:
        out->kind = K_CODE;
        if (flag)
            r->refs[idx].kind = K_CODE;
        rc = pvm_code(r, start);
        break;
    case T_REF: {
        int32_t v;
        if ((rc = pvm_i32(r, &v)) < 0)
            break;
        if (v < 0 || (size_t)v >= r->nrefs) {
            rc = pvm_fail(r, PVR_MARSHAL_REF, start, "reference %ld at offset %zu: only %zu "
                          "objects are registered", (long)v, start, r->nrefs);
            break;
        }
        if (!r->refs[v].done) {
            rc = pvm_fail(r, PVR_MARSHAL_REF, start, "reference %ld at offset %zu names an object "
                          "that is still being read (a cycle)", (long)v, start);
            break;
        }
        *out = r->refs[v];
        break;
    }
    default:
        rc = pvm_fail(r, PVR_MARSHAL_TYPE, start, "unknown type code 0x%02x", code);
        break;
    }
    r->depth--;
    if (rc < 0)
        return -1;
    if (!pvm_fits(out, want))
        return pvm_fail(r, code == T_REF ? PVR_MARSHAL_REF : PVR_MARSHAL_TYPE, start,
                        "%s at offset %zu where %s is expected",
                        code == T_REF ? "a reference to an object of the wrong type"
                        : out->kind == K_CODE ? "a code object" : "an object of the wrong type",
                        start, pvm_want_name[want]);
    if (flag) {
        out->done = 1;
        r->refs[idx] = *out;
    }
    return 0;
}

int pvm_validate(const unsigned char *buf, size_t len, pvm_error *err, pvm_stats *stats)
{
    pvm_reader r;
    pvm_info top;
    int rc;

    memset(&r, 0, sizeof r);
    memset(err, 0, sizeof *err);
    if (stats != NULL)
        memset(stats, 0, sizeof *stats);
    r.b = buf;
    r.n = len;
    r.err = err;
    if (len > PV_MAX_PYC_BYTES) {
        err->rule = PVR_MARSHAL_LIMIT;
        snprintf(err->msg, sizeof err->msg, "%zu bytes of marshal data (limit %u)", len,
                 PV_MAX_PYC_BYTES);
        return 1;
    }
    if (len == 0 || buf == NULL) {
        err->rule = PVR_MARSHAL_MALFORMED;
        snprintf(err->msg, sizeof err->msg, "no marshal data");
        return 1;
    }
    rc = pvm_object(&r, W_CODE, &top);
    if (rc == 0 && r.pos != r.n)
        rc = pvm_fail(&r, PVR_MARSHAL_MALFORMED, r.pos, "%zu bytes after the code object",
                      r.n - r.pos);
    if (stats != NULL) {
        stats->objects = r.objects;
        stats->refs = r.nrefs;
        stats->code_objects = r.codes;
        stats->max_depth = r.maxdepth;
    }
    free(r.refs);
    if (r.nomem)
        return pv_fail(PV_ERR_NOMEM, "marshal reader: out of memory");
    return rc < 0 ? 1 : 0;
}
