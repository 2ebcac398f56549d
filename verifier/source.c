/*
 * source.c: from bytes to the exact text that will be compiled. Checks the size, refuses
 * NUL bytes, finds the encoding the way CPython does (BOM, PEP 263 cookie on the first two
 * lines, via tokenize.detect_encoding), refuses encodings outside the policy, decodes
 * strictly, and indexes line starts (\n, \r\n and \r, as CPython's tokenizer splits them).
 * The program is later compiled from this decoded text with the cookie ignored, so what
 * was verified and what runs are the same characters by construction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Line (1-based) and character column (1-based) of offset `off` in raw bytes: columns
 * count UTF-8 lead bytes, so a multi-byte character before the offset counts once. */
static void locate(const char *src, size_t off, int *line, int *col)
{
    int l = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++) {
        if (src[i] == '\n' || (src[i] == '\r' && (i + 1 >= off || src[i + 1] != '\n'))) {
            l++;
            start = i + 1;
        }
    }
    int c = 1;
    for (size_t i = start; i < off; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            c++;
    *line = l;
    *col = c;
}

static int index_lines(pv_program *prog)
{
    size_t cap = 64, n = 0;
    size_t *ls = malloc(cap * sizeof *ls);
    if (!ls)
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    ls[n++] = 0;
    const char *s = prog->utf8;
    size_t len = (size_t)prog->utf8_len;
    for (size_t i = 0; i < len; i++) {
        bool nl = s[i] == '\n' || (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'));
        if (nl && i + 1 < len) {
            if (n == cap) {
                cap *= 2;
                size_t *t = realloc(ls, cap * sizeof *ls);
                if (!t) {
                    free(ls);
                    return pv_fail(PV_ERR_NOMEM, "out of memory");
                }
                ls = t;
            }
            ls[n++] = i + 1;
        }
    }
    prog->line_starts = ls;
    prog->nlines = n;
    return 0;
}

/* The encoding CPython would use: tokenize.detect_encoding(BytesIO(src).readline).
 * Returns a new str, or NULL with a diagnostic added (*diag = true) or an error. */
static PyObject *detect(pv_program *prog, const char *src, size_t len, bool *diag)
{
    const pvi_cache *c = pvi_get();
    PyObject *bytes = NULL, *bio = NULL, *readline = NULL, *res = NULL, *enc = NULL;
    bytes = PyBytes_FromStringAndSize(src, (Py_ssize_t)len);
    if (!bytes)
        goto fail;
    bio = PyObject_CallOneArg(c->bytesio, bytes);
    if (!bio)
        goto fail;
    readline = PyObject_GetAttrString(bio, "readline");
    if (!readline)
        goto fail;
    PyObject *detect_encoding = pvi_detect_encoding(); /* borrowed */
    if (!detect_encoding)
        goto fail;
    res = PyObject_CallOneArg(detect_encoding, readline);
    if (!res) {
        if (PyErr_ExceptionMatches(PyExc_SyntaxError)) {
            /* Unknown or contradictory cookie: CPython would refuse it too. */
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            PyObject *s = v ? PyObject_Str(v) : NULL;
            const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
            PyErr_Clear();
            /* Without a cookie, non-UTF-8 bytes on the first lines make detect_encoding
             * complain about the declaration; that is undecodable input (PV002). */
            PyObject *u = PyUnicode_DecodeUTF8(src, (Py_ssize_t)len, "strict");
            if (!u && m && strstr(m, "invalid or missing encoding declaration")) {
                Py_ssize_t start = 0;
                PyObject *t2, *v2, *tb2;
                PyErr_Fetch(&t2, &v2, &tb2);
                PyErr_NormalizeException(&t2, &v2, &tb2);
                if (v2 && PyObject_TypeCheck(v2, (PyTypeObject *)PyExc_UnicodeDecodeError))
                    PyUnicodeDecodeError_GetStart(v2, &start);
                PyErr_Clear();
                Py_XDECREF(t2);
                Py_XDECREF(v2);
                Py_XDECREF(tb2);
                int line, col;
                if (start < 0 || (size_t)start >= len)
                    start = 0;
                locate(src, (size_t)start, &line, &col);
                pvd_add_chars(prog, PVR_UNDECODABLE, PV_DIAG_INPUT, line, col, line, col + 1,
                              NULL, "byte 0x%02x at offset %zd is not valid utf-8",
                              (unsigned char)src[start], start);
            } else {
                PyErr_Clear();
                pvd_add_chars(prog, PVR_ENCODING, PV_DIAG_INPUT, 1, 1, 0, 0, NULL,
                              "invalid encoding declaration: %s", m ? m : "unknown");
            }
            Py_XDECREF(u);
            Py_XDECREF(s);
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
            *diag = true;
        }
        goto fail;
    }
    enc = PyTuple_GetItem(res, 0);
    Py_XINCREF(enc);
fail:
    Py_XDECREF(bytes);
    Py_XDECREF(bio);
    Py_XDECREF(readline);
    Py_XDECREF(res);
    return enc;
}

/* True when tokenize.detect_encoding() can only answer "utf-8": no UTF-8 BOM, and no
 * "coding" on the first two lines as its readline() splits them (at \n), so no cookie can
 * match. (It may still raise on bytes that are not UTF-8; the strict decode that follows
 * reports those at the same offset with the same message.) */
static bool plain_utf8(const char *src, size_t len)
{
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
        return false;
    const char *end = src + len, *nl = memchr(src, '\n', len);
    if (nl)
        nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
    size_t head = nl ? (size_t)(nl - src) + 1 : len;
    return memmem(src, head, "coding", 6) == NULL;
}

/* CPython 3.11 parses an f-string field by calling fstring_find_expr_location()
 * (Parser/string_parser.c), which counts the newlines from the start of the string token
 * up to the field's '{' and scans back from it to the previous newline: the cost of a field
 * is its offset in its token, so a long f-string with many fields costs the square of its
 * length (750 KB of nested fields on one line: 35 s of CPU for both static layers); and
 * each field also costs a new tokenizer and parser, about as much as 8 KB of that scan
 * (PV_FSTRING_FIELD_WORK). fstring_work() bounds the sum of both before the parser runs,
 * over the decoded text as the tokenizer splits it (newlines: \n, \r\n and \r; comments;
 * string prefixes; single and triple quotes; a backslash skips the next character in every
 * string, raw ones included). The scan is linear: each quote looks back over the identifier
 * run before it, and these runs do not overlap.
 *
 * It over-approximates and never under-approximates: a string counts as an f-string when
 * the run of identifier characters before its quote holds an 'f' or 'F' (so a real prefix
 * always does), and every '{' counts as a field ('{{' and braces in nested strings too).
 * Nested f-strings are substrings of the outermost token, so their own fields (re-parsed
 * by a sub-parser, at a smaller offset, at most a few quote levels deep) are bounded by the
 * outermost token's count. Returns the work, saturated at UINT64_MAX, and the offset of
 * the token where it first exceeded `limit`. */
static bool ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

/* The string token that starts with the quote at s[i] (a triple quote when `triple`), as the
 * tokenizer splits it: a backslash skips the next character in every string, raw ones
 * included (\r\n is one newline); a single-quoted string ends at a line break, unterminated
 * (CPython stops with an error there). Calls `field(ctx, k)` for each '{' at offset k from
 * the opening quote when `field` is not NULL. Returns the index just after the token. */
static size_t string_token_end(const char *s, size_t len, size_t i, bool triple,
                               void (*field)(void *ctx, size_t off), void *ctx)
{
    size_t start = i;
    char c = s[i];
    i += triple ? 3 : 1;
    while (i < len) {
        char d = s[i];
        if (d == '\\') {
            i += (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') ? 3 : 2;
            continue;
        }
        if (!triple && (d == '\n' || d == '\r'))
            break;
        if (d == c && (!triple || (i + 2 < len && s[i + 1] == c && s[i + 2] == c)))
            return i + (triple ? 3 : 1);
        if (field && d == '{')
            field(ctx, i - start);
        i++;
    }
    return i;
}

/* Adds one f-string field's work (its offset plus the fixed cost) to a saturating sum. */
static void add_field_work(void *ctx, size_t off)
{
    uint64_t *tok = ctx, w = (uint64_t)off + PV_FSTRING_FIELD_WORK;
    *tok = *tok > UINT64_MAX - w ? UINT64_MAX : *tok + w;
}

static uint64_t fstring_work(const char *s, size_t len, uint64_t limit, size_t *where)
{
    uint64_t work = 0;
    size_t i = 0;
    *where = 0;
    while (i < len) {
        char c = s[i];
        if (c == '#') {
            /* A comment runs to the end of the line (\n or \r both end it). */
            while (i < len && s[i] != '\n' && s[i] != '\r')
                i++;
            continue;
        }
        if (c != '\'' && c != '"') {
            i++;
            continue;
        }
        /* The identifier run before the quote: the prefix, if this is a string. */
        bool f = false;
        for (size_t j = i; j > 0 && ident_byte((unsigned char)s[j - 1]); j--)
            if (s[j - 1] == 'f' || s[j - 1] == 'F')
                f = true;
        size_t start = i;
        bool triple = i + 2 < len && s[i + 1] == c && s[i + 2] == c;
        uint64_t tok = 0;
        i = string_token_end(s, len, i, triple, f ? add_field_work : NULL, &tok);
        work = work > UINT64_MAX - tok ? UINT64_MAX : work + tok;
        if (work > limit) {
            *where = start;
            return work;
        }
    }
    return work;
}

/* An upper bound on the tokens CPython's tokenizer makes of the decoded text, for the
 * parser's cost (PV011): every run of identifier or digit characters counts one (a number
 * such as 1.5e3 counts three), every string literal one (its prefix one more; f-string
 * fields are bounded by fstring_work), every other character outside comments and
 * whitespace one (an operator such as '**=' counts three), and every line break three:
 * NEWLINE or NL, at most one INDENT, and at most one DEDENT on average (there are never more
 * DEDENTs than INDENTs). A backslash before a line break joins lines and counts nothing.
 * Strings are skipped as fstring_work skips them (string_token_end). Stops counting once over `limit`;
 * *where gets the offset of the token that crossed it. */
static size_t token_bound(const char *s, size_t len, size_t limit, size_t *where)
{
    size_t n = 1, i = 0; /* ENDMARKER */
    *where = 0;
    while (i < len && n <= limit) {
        size_t start = i;
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\f') {
            i++;
            continue;
        }
        if (c == '#') {
            while (i < len && s[i] != '\n' && s[i] != '\r')
                i++;
            continue;
        }
        if (c == '\\' && i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
            i += (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') ? 3 : 2;
            continue;
        }
        if (c == '\n' || c == '\r') {
            i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            n += 3;
        } else if (c == '\'' || c == '"') {
            bool triple = i + 2 < len && s[i + 1] == c && s[i + 2] == c;
            i = string_token_end(s, len, i, triple, NULL, NULL);
            n++;
        } else if (ident_byte((unsigned char)c)) {
            while (i < len && ident_byte((unsigned char)s[i]))
                i++;
            n++;
        } else {
            i++;
            n++;
        }
        if (n > limit)
            *where = start;
    }
    return n;
}

int pvs_decode(pv_program *prog, const pv_policy *p, const char *src, size_t len)
{
    if (len > p->limits.max_source_bytes) {
        pvd_add_chars(prog, PVR_TOO_LARGE, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "source is %zu bytes; the limit is %zu", len, p->limits.max_source_bytes);
        return 1;
    }
    const char *nul = memchr(src, '\0', len);
    if (nul) {
        int line, col;
        locate(src, (size_t)(nul - src), &line, &col);
        pvd_add_chars(prog, PVR_NUL_BYTE, PV_DIAG_INPUT, line, col, line, col + 1, NULL,
                      "NUL byte at offset %zu", (size_t)(nul - src));
        return 1;
    }
    bool diag = false;
    PyObject *enc = NULL;
    /* Skipping detect_encoding() (BytesIO, tokenize, a Python frame) is most of the cost of
     * a small input. Only when utf-8 is allowed: otherwise its refusal comes first. */
    PyObject *utf8_name = plain_utf8(src, len) ? PyUnicode_FromString("utf-8") : NULL;
    bool fast = utf8_name && PySet_Contains(p->encodings, utf8_name) == 1;
    if (fast)
        enc = utf8_name;
    else
        Py_XDECREF(utf8_name);
    PyErr_Clear();
    if (!enc)
        enc = detect(prog, src, len, &diag);
    if (!enc) {
        if (diag)
            return 1;
        return pv_fail_python(PV_ERR_PYTHON, "detecting the source encoding");
    }
    const char *encname = PyUnicode_AsUTF8(enc);
    if (!encname) {
        Py_DECREF(enc);
        return pv_fail_python(PV_ERR_PYTHON, "detecting the source encoding");
    }
    /* utf-8-sig is UTF-8 with a BOM; the policy lists codecs by their codecs.lookup() name
     * (so utf8, UTF-8 and utf_8 are all utf-8, and latin-1 is iso8859-1). */
    bool bom = strcmp(encname, "utf-8-sig") == 0;
    PyObject *canon = NULL;
    if (bom) {
        canon = PyUnicode_FromString("utf-8");
    } else if (fast) {
        /* The fast path above: already checked against the policy as "utf-8". (The first
         * codecs.lookup() of a process runs the encodings search function in Python.) */
        canon = enc;
        Py_INCREF(canon);
    } else {
        PyObject *info = PyObject_CallOneArg(pvi_get()->codec_lookup, enc);
        canon = info ? PyObject_GetAttrString(info, "name") : NULL;
        Py_XDECREF(info);
    }
    if (!canon) {
        Py_DECREF(enc);
        return pv_fail_python(PV_ERR_PYTHON, "looking up the source encoding");
    }
    int allowed = PySet_Contains(p->encodings, canon);
    Py_DECREF(canon);
    if (allowed != 1) {
        PyErr_Clear();
        pvd_add_chars(prog, PVR_ENCODING, PV_DIAG_INPUT, 1, 1, 0, 0, NULL,
                      "the file declares encoding '%s', which the policy does not allow", encname);
        Py_DECREF(enc);
        return 1;
    }
    PyObject *text = PyUnicode_Decode(src, (Py_ssize_t)len, encname, "strict");
    Py_DECREF(enc);
    if (!text) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            PyErr_NormalizeException(&t, &v, &tb);
            Py_ssize_t start = 0;
            if (v)
                PyUnicodeDecodeError_GetStart(v, &start);
            PyErr_Clear();
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
            int line, col;
            if (start < 0 || (size_t)start > len)
                start = 0;
            locate(src, (size_t)start, &line, &col);
            pvd_add_chars(prog, PVR_UNDECODABLE, PV_DIAG_INPUT, line, col, line, col + 1, NULL,
                          "byte 0x%02x at offset %zd is not valid %s",
                          (unsigned char)src[start], start, bom ? "utf-8" : encname);
            return 1;
        }
        return pv_fail_python(PV_ERR_PYTHON, "decoding the source");
    }
    prog->text = text;
    prog->utf8 = (char *)PyUnicode_AsUTF8AndSize(text, &prog->utf8_len);
    if (!prog->utf8) {
        /* Lone surrogates cannot come out of a strict decode; fail closed anyway. */
        PyErr_Clear();
        pvd_add_chars(prog, PVR_UNDECODABLE, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "decoded text cannot be represented as UTF-8");
        return 1;
    }
    int rc = index_lines(prog);
    if (rc != 0)
        return rc;
    /* Bound CPython's quadratic f-string parsing before the parser runs. */
    size_t where;
    uint64_t limit = (uint64_t)p->limits.max_fstring_work;
    uint64_t work = fstring_work(prog->utf8, (size_t)prog->utf8_len, limit, &where);
    if (work > limit) {
        int line, col;
        locate(prog->utf8, where, &line, &col);
        pvd_add_chars(prog, PVR_FSTRING_WORK, PV_DIAG_INPUT, line, col, line, col + 1, NULL,
                      "f-string parsing work is over %llu (for each '{' in an f-string: its "
                      "offset in the string, plus %u); the limit is %llu",
                      (unsigned long long)work, PV_FSTRING_FIELD_WORK,
                      (unsigned long long)limit);
        return 1;
    }
    /* Bound the parser's work per token (a failed parse runs twice) before it runs. */
    size_t ntok = token_bound(prog->utf8, (size_t)prog->utf8_len, p->limits.max_tokens, &where);
    if (ntok > p->limits.max_tokens) {
        int line, col;
        locate(prog->utf8, where, &line, &col);
        pvd_add_chars(prog, PVR_TOKENS, PV_DIAG_INPUT, line, col, line, col + 1, NULL,
                      "more than %zu tokens (counted from above: identifiers, numbers and "
                      "strings one each, other characters one each, line breaks three)",
                      p->limits.max_tokens);
        return 1;
    }
    return 0;
}
