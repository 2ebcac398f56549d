/*
 * test_input.c: every class of bad input, and every limit at its boundary.
 *
 * NUL bytes, undecodable bytes, PEP 263 coding cookies (forbidden, unknown, allowed by a
 * rules file), the BOM, line endings (CR, CRLF, form feed), size, depth, node and
 * diagnostic limits (each exactly at the limit and one past it, with small limits from a
 * rules buffer), input deeper than CPython's own parser accepts, empty input, NFKC
 * identifiers, and character (not byte) columns.
 *
 * Tests named test_KNOWN_BUG_* fail on purpose: they pin a verifier bug that is reported
 * (expected vs actual in the failure message) and must not be weakened. Messages starting
 * with "REGRESSION:" belong to tests of bugs that were reported and fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "internal.h"

static pv_policy *g_default;

static int group_setup(void **state)
{
    (void)state;
    if (pv_init() != 0 || pv_policy_default(&g_default) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pv_policy_free(g_default);
    pv_shutdown();
    return 0;
}

static pv_policy *policy_from(const char *toml)
{
    pv_policy *p = NULL;
    int rc = pv_policy_load_buffer(&p, toml, strlen(toml), "<test rules>");
    if (rc != 0)
        fail_msg("rules buffer rejected: %s", pv_last_error());
    return p;
}

static pv_program *verify_with(const pv_policy *pol, const char *src, size_t len)
{
    pv_program *prog = NULL;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    int rc = pv_verify(&prog, pol, src, len, "input.py", &o);
    if (rc != 0)
        fail_msg("pv_verify: %d %s", rc, pv_last_error());
    assert_non_null(prog);
    return prog;
}

static pv_program *verify_bytes(const char *src, size_t len)
{
    return verify_with(g_default, src, len);
}

#define VERIFY_LIT(lit) verify_bytes(lit, sizeof(lit) - 1)

static void dump(const pv_program *prog)
{
    for (size_t i = 0; i < pv_program_diag_count(prog); i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        print_message("  diag %s %u:%u-%u:%u %s\n", d->code, d->line, d->col, d->end_line,
                      d->end_col, d->message);
    }
}

/* The program has exactly one diagnostic (or `n`), the first with this code at line:col. */
static void expect_first(const pv_program *prog, pv_verdict verdict, const char *code,
                         unsigned line, unsigned col)
{
    if (pv_program_verdict(prog) != verdict || pv_program_diag_count(prog) < 1 ||
        strcmp(pv_program_diag(prog, 0)->code, code) != 0 ||
        pv_program_diag(prog, 0)->line != line || pv_program_diag(prog, 0)->col != col) {
        dump(prog);
        fail_msg("expected verdict %d and %s at %u:%u; got verdict %d", (int)verdict, code, line,
                 col, (int)pv_program_verdict(prog));
    }
}

static void expect_only(const pv_program *prog, pv_verdict verdict, const char *code,
                        unsigned line, unsigned col)
{
    expect_first(prog, verdict, code, line, col);
    if (pv_program_diag_count(prog) != 1) {
        dump(prog);
        fail_msg("expected exactly one diagnostic");
    }
}

static void expect_accepted(const pv_program *prog)
{
    if (pv_program_verdict(prog) != PV_ACCEPTED || pv_program_diag_count(prog) != 0) {
        dump(prog);
        fail_msg("expected the program to be accepted");
    }
    assert_non_null(prog->code);
}

/* ---- NUL bytes ----------------------------------------------------------------------------- */

static void test_nul_byte(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("x = 1\0import os\n");
    expect_only(p, PV_INVALID, "PV001", 1, 6);
    const pv_diag *d = pv_program_diag(p, 0);
    assert_int_equal(d->layer, PV_DIAG_INPUT);
    assert_int_equal(d->end_line, 1);
    assert_int_equal(d->end_col, 7);
    assert_null(p->code);
    pv_program_free(p);

    p = VERIFY_LIT("x = 1\ny = 2\n\0");
    expect_only(p, PV_INVALID, "PV001", 3, 1);
    pv_program_free(p);
    p = VERIFY_LIT("x = 1\r\ny = 2\0\n");
    expect_only(p, PV_INVALID, "PV001", 2, 6);
    pv_program_free(p);
    p = VERIFY_LIT("x = 1\ry = 2\0\n");
    expect_only(p, PV_INVALID, "PV001", 2, 6);
    pv_program_free(p);
    /* A NUL inside a comment or a string is no better. */
    p = VERIFY_LIT("# comment \0\n");
    expect_only(p, PV_INVALID, "PV001", 1, 11);
    pv_program_free(p);
}

/* ---- undecodable bytes --------------------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("x = 1\ny = '\xff'\n");
    expect_only(p, PV_INVALID, "PV002", 2, 6);
    assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
    assert_null(p->code);
    pv_program_free(p);
    p = VERIFY_LIT("\xff\n");
    expect_only(p, PV_INVALID, "PV002", 1, 1);
    pv_program_free(p);
    /* Truncated sequence, overlong encoding, encoded surrogate. */
    p = VERIFY_LIT("x = 1\n\xc3(\n");
    expect_only(p, PV_INVALID, "PV002", 2, 1);
    pv_program_free(p);
    p = VERIFY_LIT("x = '\xc0\xaf'\n");
    expect_only(p, PV_INVALID, "PV002", 1, 6);
    pv_program_free(p);
    p = VERIFY_LIT("x = '\xed\xa0\x80'\n");
    expect_only(p, PV_INVALID, "PV002", 1, 6);
    pv_program_free(p);
    /* On the first line, where the encoding is still being detected. */
    p = VERIFY_LIT("# \xff\nx = 1\n");
    expect_only(p, PV_INVALID, "PV002", 1, 3);
    pv_program_free(p);
    /* Truncated at the very end of the input. */
    p = VERIFY_LIT("x = 1\n# \xe2\x82");
    expect_only(p, PV_INVALID, "PV002", 2, 3);
    pv_program_free(p);
}

/* ---- coding cookies ------------------------------------------------------------------------ */

static void test_forbidden_cookies(void **state)
{
    (void)state;
    static const char *const srcs[] = {
        "# -*- coding: utf-7 -*-\nx = 1\n",
        "# -*- coding: utf-7 -*-\n# +AAo-import os\n",
        "# -*- coding: unicode_escape -*-\nx = 1\n",
        "# -*- coding: raw_unicode_escape -*-\nx = 1\n",
        "#!/usr/bin/env python3\n# vim: set fileencoding=utf-7 :\nx = 1\n",
        "# coding=utf_7\nx = 1\n",
        "# -*- coding: utf-16 -*-\nx = 1\n",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        pv_program *p = verify_bytes(srcs[i], strlen(srcs[i]));
        print_message("cookie case %zu\n", i);
        expect_only(p, PV_REJECTED, "PV003", 1, 1);
        assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
        assert_null(p->code);
        pv_program_free(p);
    }
}

static void test_unknown_cookie(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("# -*- coding: no-such-codec -*-\nx = 1\n");
    expect_only(p, PV_REJECTED, "PV003", 1, 1);
    assert_non_null(strstr(pv_program_diag(p, 0)->message, "no-such-codec"));
    pv_program_free(p);
}

static void test_cookie_on_third_line_is_a_comment(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("\n\n# -*- coding: utf-7 -*-\nx = 1\n");
    expect_accepted(p);
    pv_program_free(p);
    /* After a line of code, a cookie on line 2 is a comment too (PEP 263). */
    p = VERIFY_LIT("x = 1\n# -*- coding: utf-7 -*-\n");
    expect_accepted(p);
    pv_program_free(p);
    /* Spellings of UTF-8 that tokenize normalises. */
    p = VERIFY_LIT("# -*- coding: utf-8 -*-\nx = 'caf\xc3\xa9'\n");
    expect_accepted(p);
    pv_program_free(p);
    p = VERIFY_LIT("# coding: UTF_8\nx = 1\n");
    expect_accepted(p);
    pv_program_free(p);
    p = VERIFY_LIT("#!/usr/bin/env python3\n# vim: set fileencoding=utf-8 :\nx = 1\n");
    expect_accepted(p);
    pv_program_free(p);
    p = VERIFY_LIT("# coding: ascii\nx = 1\n");
    expect_only(p, PV_REJECTED, "PV003", 1, 1);
    pv_program_free(p);
}

/* `# coding: utf8` declares UTF-8 (codecs.lookup("utf8").name == "utf-8", and CPython reads
 * the file as UTF-8). Regression: source.c compared tokenize.detect_encoding()'s
 * un-normalised "utf8" with the policy's codec names and rejected it (PV003). */
static void test_utf8_cookie_spelling(void **state)
{
    (void)state;
    static const char *const srcs[] = { "# coding: utf8\nx = 1\n",
                                        "# -*- coding: UTF8 -*-\nx = 1\n",
                                        "# coding: U8\nx = 1\n" };
    int bad = 0;
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
        pv_program *p = verify_bytes(srcs[i], strlen(srcs[i]));
        if (pv_program_verdict(p) != PV_ACCEPTED) {
            print_message("rejected: %s", srcs[i]);
            dump(p);
            bad++;
        }
        pv_program_free(p);
    }
    if (bad)
        fail_msg("REGRESSION: %d UTF-8 cookie spelling(s) rejected with PV003; expected accepted",
                 bad);
}

static void test_bom(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("\xef\xbb\xbfx = 1\n");
    expect_accepted(p);
    pv_program_free(p);
    /* Column 1 is the first character after the BOM. */
    p = VERIFY_LIT("\xef\xbb\xbf().__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 1, 4);
    pv_program_free(p);
    p = VERIFY_LIT("\xef\xbb\xbf# -*- coding: utf-8 -*-\nx = 1\n");
    expect_accepted(p);
    pv_program_free(p);
    /* A BOM contradicting the cookie: CPython refuses it too. */
    p = VERIFY_LIT("\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n");
    expect_only(p, PV_REJECTED, "PV003", 1, 1);
    pv_program_free(p);
}

static void test_latin1_cookie_rejected_by_default(void **state)
{
    (void)state;
    static const char src[] = "# -*- coding: latin-1 -*-\nx = '\xe9'; ().__class__\n";
    pv_program *p = VERIFY_LIT(src);
    expect_only(p, PV_REJECTED, "PV003", 1, 1);
    assert_null(p->code);
    pv_program_free(p);
}

/* An 8-bit encoding added by a rules file: the text is decoded with it, and columns count
 * decoded characters. */
static void test_cp1252_cookie_allowed_by_rules(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[source]\nextend-encodings = [\"cp1252\"]\n");
    static const char src[] = "# -*- coding: cp1252 -*-\nx = '\xe9\x80'; ().__class__\n";
    pv_program *p = verify_with(pol, src, sizeof src - 1);
    expect_only(p, PV_REJECTED, "PV300", 2, 14);
    size_t len = 0;
    const char *line = pv_program_source_line(p, 2, &len);
    assert_non_null(line);
    assert_int_equal(len, strlen("x = '\xc3\xa9\xe2\x82\xac'; ().__class__"));
    assert_memory_equal(line, "x = '\xc3\xa9\xe2\x82\xac'; ().__class__", len);
    pv_program_free(p);
    static const char ok[] = "# coding: cp1252\nx = '\xe9'\nassert x == '\\u00e9'\n";
    p = verify_with(pol, ok, sizeof ok - 1);
    expect_accepted(p);
    pv_program_free(p);
    /* Still refused: an encoding the rules file did not add. */
    p = verify_with(pol, "# coding: utf-7\nx = 1\n", strlen("# coding: utf-7\nx = 1\n"));
    expect_only(p, PV_REJECTED, "PV003", 1, 1);
    pv_program_free(p);
    pv_policy_free(pol);
}

/* `[source] extend-encodings = ["latin-1"]` must make a latin-1 cookie acceptable.
 * Regression: the loader stored codecs.lookup("latin-1").name ("iso8859-1") while source.c
 * compared the name tokenize.detect_encoding() returns ("iso-8859-1"). */
static void test_latin1_allowed_by_rules(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[source]\nextend-encodings = [\"latin-1\"]\n");
    static const char src[] = "# -*- coding: latin-1 -*-\nx = '\xe9'; ().__class__\n";
    pv_program *p = verify_with(pol, src, sizeof src - 1);
    const char *code = pv_program_diag_count(p) ? pv_program_diag(p, 0)->code : "none";
    unsigned line = pv_program_diag_count(p) ? pv_program_diag(p, 0)->line : 0;
    unsigned col = pv_program_diag_count(p) ? pv_program_diag(p, 0)->col : 0;
    bool ok = strcmp(code, "PV300") == 0 && line == 2 && col == 13;
    size_t len = 0;
    const char *text = pv_program_source_line(p, 2, &len);
    ok = ok && text && len == strlen("x = '\xc3\xa9'; ().__class__") &&
         memcmp(text, "x = '\xc3\xa9'; ().__class__", len) == 0;
    pv_program_free(p);
    static const char acc[] = "# -*- coding: latin-1 -*-\nx = '\xe9'\n";
    p = verify_with(pol, acc, sizeof acc - 1);
    pv_verdict v = pv_program_verdict(p);
    pv_program_free(p);
    pv_policy_free(pol);
    if (!ok || v != PV_ACCEPTED)
        fail_msg("REGRESSION: with extend-encodings = [\"latin-1\"], a latin-1 file should be "
                 "decoded (PV300 at 2:13; 'x = \\'\\u00e9\\'' accepted); got %s at %u:%u and "
                 "verdict %d for the clean file", code, line, col, (int)v);
}

/* ---- line endings -------------------------------------------------------------------------- */

static void test_line_endings(void **state)
{
    (void)state;
    size_t len;
    pv_program *p = VERIFY_LIT("x = 1\ry = 2\rz = ().__class__\r");
    expect_only(p, PV_REJECTED, "PV300", 3, 8);
    assert_non_null(pv_program_source_line(p, 3, &len));
    assert_int_equal(len, strlen("z = ().__class__"));
    assert_memory_equal(pv_program_source_line(p, 2, &len), "y = 2", 5);
    pv_program_free(p);

    p = VERIFY_LIT("x = 1\r\ny = 2\r\nz = ().__class__\r\n");
    expect_only(p, PV_REJECTED, "PV300", 3, 8);
    assert_memory_equal(pv_program_source_line(p, 3, &len), "z = ().__class__", 16);
    assert_int_equal(len, 16);
    pv_program_free(p);

    /* Mixed endings, and a final line with no line break. */
    p = VERIFY_LIT("x = 1\ny = 2\r\nw = 3\rz = ().__class__");
    expect_only(p, PV_REJECTED, "PV300", 4, 8);
    pv_program_free(p);

    /* A form feed counts as a character of its line, not as a line break. */
    p = VERIFY_LIT("x = 1\n\x0cy = ().__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 2, 9);
    pv_program_free(p);
    p = VERIFY_LIT("x = 1\n\x0c\ny = ().__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 3, 8);
    pv_program_free(p);

    /* Continuation lines and triple-quoted strings keep later line numbers right. */
    p = VERIFY_LIT("s = '''a\r\nb\r\nc'''\r\nx = (1 +\r\n     2)\r\n().__class__\r\n");
    expect_only(p, PV_REJECTED, "PV300", 6, 4);
    pv_program_free(p);
}

/* ---- size ------------------------------------------------------------------------------------ */

static void test_size_limit_boundary(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[limits]\nmax_source_bytes = 10\n");
    pv_program *p = verify_with(pol, "x = 12345\n", 10);
    expect_accepted(p);
    pv_program_free(p);
    p = verify_with(pol, "x = 123456\n", 11);
    expect_only(p, PV_INVALID, "PV004", 0, 0);
    assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
    assert_non_null(strstr(pv_program_diag(p, 0)->message, "11"));
    assert_null(p->code);
    pv_program_free(p);
    /* The size is checked before anything else, even before NUL bytes. */
    p = verify_with(pol, "x = 1\0\0\0\0\0\0", 11);
    expect_only(p, PV_INVALID, "PV004", 0, 0);
    pv_program_free(p);
    pv_policy_free(pol);
}

static void test_default_size_limit(void **state)
{
    (void)state;
    size_t n = PV_DEFAULT_MAX_SOURCE_BYTES;
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    memset(buf, ' ', n + 1);
    memcpy(buf, "x = 1\n#", 7);
    buf[n - 1] = '\n';
    pv_program *p = verify_bytes(buf, n);
    expect_accepted(p);
    pv_program_free(p);
    buf[n - 1] = ' ';
    buf[n] = '\n';
    p = verify_bytes(buf, n + 1);
    expect_only(p, PV_INVALID, "PV004", 0, 0);
    pv_program_free(p);
    free(buf);
}

/* ---- depth ----------------------------------------------------------------------------------- */

static void test_depth_limit_boundary(void **state)
{
    (void)state;
    /* Module(1) Assign(2) UnaryOp(3) UnaryOp(4) Constant(5): depth 5. */
    pv_policy *pol = policy_from("[limits]\nmax_depth = 5\n");
    pv_program *p = verify_with(pol, "x = -(-1)", 9);
    expect_accepted(p);
    pv_program_free(p);
    p = verify_with(pol, "x = -(-(-1))", 12);
    expect_only(p, PV_INVALID, "PV006", 1, 9);
    assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
    assert_null(p->code);
    pv_program_free(p);
    /* Contexts count: Module Expr Call Name Load is depth 5. */
    p = verify_with(pol, "print(1)", 8);
    expect_accepted(p);
    pv_program_free(p);
    p = verify_with(pol, "print(-x)", 9);
    expect_first(p, PV_INVALID, "PV006", 1, 8);
    pv_program_free(p);
    pv_policy_free(pol);
}

static char *put(char *q, const char *s)
{
    size_t n = strlen(s);
    memcpy(q, s, n);
    return q + n;
}

/* head + unit*n + mid + unit2*n2 + tail, NUL-terminated (malloc'd). */
static char *repeat(const char *head, const char *unit, size_t n, const char *mid,
                    const char *unit2, size_t n2, const char *tail)
{
    size_t len = strlen(head) + strlen(unit) * n + strlen(mid) + strlen(unit2) * n2 + strlen(tail);
    char *s = malloc(len + 1), *q = s;
    assert_non_null(s);
    q = put(q, head);
    for (size_t i = 0; i < n; i++)
        q = put(q, unit);
    q = put(q, mid);
    for (size_t i = 0; i < n2; i++)
        q = put(q, unit2);
    q = put(q, tail);
    *q = '\0';
    return s;
}

/* The default max_depth (200) holds where CPython's parser would go on. */
static void test_default_depth_limit(void **state)
{
    (void)state;
    char *s = repeat("x = ", "-", 190, "1", "", 0, "\n");
    pv_program *p = verify_bytes(s, strlen(s));
    expect_accepted(p);
    pv_program_free(p);
    free(s);
    s = repeat("x = ", "-", 300, "1", "", 0, "\n");
    p = verify_bytes(s, strlen(s));
    expect_only(p, PV_INVALID, "PV006", 1, 4 + 199 - 1);
    pv_program_free(p);
    free(s);
}

static void expect_too_deep(const char *what, char *s)
{
    pv_program *p = verify_bytes(s, strlen(s));
    if (pv_program_verdict(p) != PV_INVALID || pv_program_diag_count(p) != 1 ||
        strcmp(pv_program_diag(p, 0)->code, "PV006") != 0) {
        dump(p);
        pv_verdict v = pv_program_verdict(p);
        const char *code = pv_program_diag_count(p) ? pv_program_diag(p, 0)->code : "none";
        pv_program_free(p);
        free(s);
        fail_msg("%s: expected PV006 with verdict INVALID; got %s with verdict %d", what, code,
                 (int)v);
    }
    assert_null(p->code);
    pv_program_free(p);
    free(s);
}

/* Beyond CPython's own limits: no crash, PV006 and INVALID. */
static void test_beyond_cpython_limits(void **state)
{
    (void)state;
    expect_too_deep("100000 '1+' terms", repeat("x = ", "1+", 100000, "1", "", 0, "\n"));
    expect_too_deep("100000 unary minus", repeat("x = ", "-", 100000, "1", "", 0, "\n"));
    expect_too_deep("100000 'not'", repeat("x = ", "not ", 100000, "1", "", 0, "\n"));
    expect_too_deep("50000 nested lambdas", repeat("f = ", "lambda: ", 50000, "1", "", 0, "\n"));
    expect_too_deep("100000-long attribute chain", repeat("x = a", ".b", 100000, "", "", 0, "\n"));
    char *ind = malloc(200 * 110);
    assert_non_null(ind);
    size_t k = 0;
    for (int lvl = 0; lvl < 101; lvl++) {
        memset(ind + k, ' ', (size_t)lvl);
        k += (size_t)lvl;
        memcpy(ind + k, "if 1:\n", 6);
        k += 6;
    }
    memset(ind + k, ' ', 101);
    memcpy(ind + k + 101, "pass\n", 6);
    expect_too_deep("101 levels of indentation", ind);
    expect_too_deep("50000 chained if-expressions",
                    repeat("x = ", "1 if 1 else ", 50000, "1", "", 0, "\n"));
}

/* rules.def's own example for PV006: 1000 nested parentheses. CPython's tokenizer stops at
 * 200 levels with a SyntaxError ("too many nested parentheses"). */
static void test_nested_parens_are_pv006(void **state)
{
    (void)state;
    expect_too_deep("1000 nested parentheses (rules.def PV006 example)",
                    repeat("x = ", "(", 1000, "1", ")", 1000, "\n"));
}

static void test_nested_brackets_are_pv006(void **state)
{
    (void)state;
    expect_too_deep("1000 nested lists", repeat("x = ", "[", 1000, "", "]", 1000, "\n"));
}

/* ---- node count ------------------------------------------------------------------------------- */

static void test_node_limit_boundary(void **state)
{
    (void)state;
    /* Module Assign Name Store Tuple Load + 4 Constants = 10 nodes. */
    pv_policy *pol = policy_from("[limits]\nmax_nodes = 10\n");
    pv_program *p = verify_with(pol, "x = (1, 2, 3, 4)", 16);
    expect_accepted(p);
    pv_program_free(p);
    p = verify_with(pol, "x = (1, 2, 3, 4, 5)", 19);
    expect_only(p, PV_INVALID, "PV007", 1, 5); /* the 11th node: the Tuple's ctx */
    assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
    assert_null(p->code);
    pv_program_free(p);
    pv_policy_free(pol);
}

/* ---- diagnostics cap -------------------------------------------------------------------------- */

static void test_diagnostics_cap(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[limits]\nmax_diagnostics = 3\n");
    static const char three[] = "().__class__\n().__class__\n().__class__\n";
    pv_program *p = verify_with(pol, three, sizeof three - 1);
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    assert_int_equal(pv_program_diag_count(p), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(pv_program_diag(p, i)->code, "PV300");
    pv_program_free(p);

    static const char five[] = "().__class__\n().__class__\n().__class__\n().__class__\n"
                               "().__class__\n";
    p = verify_with(pol, five, sizeof five - 1);
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    assert_int_equal(pv_program_diag_count(p), 4);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(pv_program_diag(p, i)->code, "PV300");
        assert_int_equal(pv_program_diag(p, i)->line, i + 1);
    }
    const pv_diag *last = pv_program_diag(p, 3);
    assert_string_equal(last->code, "PV008");
    assert_int_equal(last->layer, PV_DIAG_INPUT);
    assert_non_null(strstr(last->message, "3"));
    assert_null(pv_program_diag(p, 4));
    pv_program_free(p);

    /* The default cap is 100, plus the final PV008 record. */
    char *many = repeat("", "().__class__\n", 150, "", "", 0, "");
    p = verify_bytes(many, strlen(many));
    assert_int_equal(pv_program_diag_count(p), PV_DEFAULT_MAX_DIAGNOSTICS + 1);
    assert_string_equal(pv_program_diag(p, PV_DEFAULT_MAX_DIAGNOSTICS)->code, "PV008");
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    pv_program_free(p);
    free(many);
    pv_policy_free(pol);
}

/* With the cap reached, the diagnostics kept should be the first ones in source order (an
 * editor jumps to the first; pv_program_diag() is "the i-th diagnostic in source order").
 * Regression: the list kept the first ones *found* (walk-time findings such as imports before
 * the attribute chains decided after the walk), dropping an earlier line's violation. */
static void test_cap_keeps_first_in_source_order(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[limits]\nmax_diagnostics = 2\n");
    static const char src[] = "x = ().__class__\nimport os\nimport sys\nimport subprocess\n";
    pv_program *p = verify_with(pol, src, sizeof src - 1);
    const pv_diag *d = pv_program_diag(p, 0);
    char got[64];
    snprintf(got, sizeof got, "%s at %u:%u", d ? d->code : "none", d ? d->line : 0, d ? d->col : 0);
    bool ok = d && strcmp(d->code, "PV300") == 0 && d->line == 1;
    pv_program_free(p);
    pv_policy_free(pol);
    if (!ok)
        fail_msg("REGRESSION: max_diagnostics = 2 on '%s': first kept diagnostic should be PV300 "
                 "at 1:8; got %s (line 1 dropped)", "x = ().__class__ / import os / import sys / "
                 "import subprocess", got);
}

/* ---- empty and trivial inputs ---------------------------------------------------------------- */

static void test_empty_source(void **state)
{
    (void)state;
    pv_program *p = verify_bytes("", 0);
    expect_accepted(p);
    pv_program_free(p);
    p = NULL;
    assert_int_equal(pv_verify(&p, g_default, NULL, 0, "empty.py", NULL), 0);
    expect_accepted(p);
    pv_program_free(p);
    p = VERIFY_LIT("\n\n   \n# only a comment\n");
    expect_accepted(p);
    pv_program_free(p);
    p = VERIFY_LIT("\xef\xbb\xbf");
    expect_accepted(p);
    pv_program_free(p);
}

/* ---- Unicode ---------------------------------------------------------------------------------- */

static void test_nfkc_identifiers(void **state)
{
    (void)state;
    /* U+FF45 FULLWIDTH LATIN SMALL LETTER E + "val": the parser normalises it to eval. */
    pv_program *p = VERIFY_LIT("\xef\xbd\x85val('1')\n");
    expect_only(p, PV_REJECTED, "PV202", 1, 1);
    assert_int_equal(pv_program_diag(p, 0)->end_col, 5);
    pv_program_free(p);
    /* U+1D5BE MATHEMATICAL SANS-SERIF SMALL E. */
    p = VERIFY_LIT("\xf0\x9d\x96\xbeval('1')\n");
    expect_only(p, PV_REJECTED, "PV202", 1, 1);
    pv_program_free(p);
    /* "_" + U+FF3F FULLWIDTH LOW LINE, and two U+FF3F at the end: __import__. */
    p = VERIFY_LIT("_\xef\xbc\xbfimport\xef\xbc\xbf\xef\xbc\xbf('os')\n");
    expect_first(p, PV_REJECTED, "PV200", 1, 1);
    pv_program_free(p);
    /* An attribute spelled with compatibility characters is still found. */
    p = VERIFY_LIT("()._\xef\xbc\xbf\xef\xbd\x83lass__\n");
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    assert_int_equal(pv_program_diag_count(p), 1);
    assert_string_equal(pv_program_diag(p, 0)->code, "PV300");
    pv_program_free(p);
}

static void test_columns_count_characters(void **state)
{
    (void)state;
    /* 'é' is 2 bytes, '€' 3, '😀' 4: each one character. */
    pv_program *p = VERIFY_LIT("x = '\xc3\xa9\xc3\xa9'; ().__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 1, 14);
    assert_int_equal(pv_program_diag(p, 0)->end_col, 23);
    pv_program_free(p);
    p = VERIFY_LIT("s = '\xe2\x82\xac\xf0\x9f\x98\x80'\nt = '\xf0\x9f\x98\x80' + ().__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 2, 14);
    assert_int_equal(pv_program_diag(p, 0)->end_col, 23);
    pv_program_free(p);
    /* Non-ASCII identifiers before the violation. */
    p = VERIFY_LIT("\xc3\xa9t\xc3\xa9 = 1; \xc3\xa9t\xc3\xa9.__class__\n");
    expect_only(p, PV_REJECTED, "PV300", 1, 14);
    pv_program_free(p);
    /* A syntax error after multi-byte characters (CPython's offsets). */
    p = VERIFY_LIT("s = '\xc3\xa9\xc3\xa9'; x = = 1\n");
    expect_only(p, PV_REJECTED, "PV005", 1, 15);
    pv_program_free(p);
}

/* PV001 and PV002 positions are character columns too (pyverify.h: "columns count characters
 * (code points) of the decoded line"): the bytes before the bad byte decode fine.
 * Regression: they were byte columns. */
static void test_nul_column_after_multibyte(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("x = '\xc3\xa9'\0\n");
    unsigned col = pv_program_diag_count(p) ? pv_program_diag(p, 0)->col : 0;
    pv_program_free(p);
    if (col != 8)
        fail_msg("REGRESSION: NUL after 'x = '\\u00e9'' should be at 1:8 (characters); got 1:%u "
                 "(a byte column)", col);
}

static void test_undecodable_column_after_multibyte(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("x = '\xc3\xa9\xff'\n");
    unsigned col = pv_program_diag_count(p) ? pv_program_diag(p, 0)->col : 0;
    pv_program_free(p);
    if (col != 7)
        fail_msg("REGRESSION: 0xFF after 'x = '\\u00e9' should be at 1:7 (characters); got 1:%u "
                 "(a byte column)", col);
}

/* The attribute of `()._\uff3f\uff43lass__` (NFKC: __class__) starts at 1:4. Regression:
 * diag_attr() computed the start as end_col_offset minus the UTF-8 length of the *normalised*
 * name, which is shorter than its spelling in the source (U+FF3F and U+FF43 are 3 bytes). */
static void test_nfkc_attribute_column(void **state)
{
    (void)state;
    pv_program *p = VERIFY_LIT("()._\xef\xbc\xbf\xef\xbd\x83lass__\n");
    unsigned col = pv_program_diag_count(p) ? pv_program_diag(p, 0)->col : 0;
    unsigned end = pv_program_diag_count(p) ? pv_program_diag(p, 0)->end_col : 0;
    pv_program_free(p);
    if (col != 4 || end != 13)
        fail_msg("REGRESSION: '()._\\uff3f\\uff43lass__': PV300 should span 1:4-1:13; got "
                 "1:%u-1:%u", col, end);
}

/* ---- f-string parsing work (PV010) ------------------------------------------------------ */

/* CPython 3.11 parses each f-string field at a cost of its offset in the string: a 750 KB
 * line of nested fields took 35 s of CPU to verify. It is refused before the parser runs,
 * fast, with PV010 at the string's opening quote. */
static void test_fstring_quadratic_rejected_fast(void **state)
{
    (void)state;
    const char head[] = "a = 1\nx = f'", field[] = "{f\"{a}\"}", tail[] = "'\n";
    size_t n = 93000, len = sizeof head - 1 + n * (sizeof field - 1) + sizeof tail - 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    char *w = buf;
    memcpy(w, head, sizeof head - 1);
    w += sizeof head - 1;
    for (size_t i = 0; i < n; i++, w += sizeof field - 1)
        memcpy(w, field, sizeof field - 1);
    memcpy(w, tail, sizeof tail - 1);
    clock_t t0 = clock();
    pv_program *p = verify_bytes(buf, len);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    free(buf);
    if (pv_program_verdict(p) != PV_INVALID || pv_program_diag_count(p) != 1 ||
        strcmp(pv_program_diag(p, 0)->code, "PV010") != 0) {
        dump(p);
        fail_msg("REGRESSION: a 750 KB line of f-string fields was not refused with PV010 "
                 "(%.2f s of CPU)", cpu);
    }
    expect_only(p, PV_INVALID, "PV010", 2, 6);
    assert_int_equal(pv_program_diag(p, 0)->layer, PV_DIAG_INPUT);
    assert_null(p->code);
    pv_program_free(p);
    if (cpu > 1.0)
        fail_msg("REGRESSION: a 750 KB f-string took %.2f s of CPU to refuse", cpu);
}

/* The work of `f'{a}'` is 1 (the '{' after the quote) plus 8192 for the field: accepted at
 * exactly that limit, refused one below. */
static void test_fstring_work_boundary(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[limits]\nmax_fstring_work = 8193\n");
    pv_program *p = verify_with(pol, "a = 1\nx = f'{a}'\n", 16);
    expect_accepted(p);
    pv_program_free(p);
    pv_policy_free(pol);
    pol = policy_from("[limits]\nmax_fstring_work = 8192\n");
    p = verify_with(pol, "a = 1\nx = f'{a}'\n", 16);
    expect_only(p, PV_INVALID, "PV010", 2, 6);
    pv_program_free(p);
    /* Braces outside f-strings cost nothing. */
    static const char plain[] = "a = 1\nx = '{a}' + str(b'{') + r'{' + u'{}'.format(a)  # f'{a}'\n";
    p = verify_with(pol, plain, sizeof plain - 1);
    expect_accepted(p);
    pv_program_free(p);
    pv_policy_free(pol);
}

/* max_tokens (PV011) counts from above: "x = 1\n" is ENDMARKER + x + = + 1 + three for the
 * line break = 7: accepted at exactly 7, refused at 6. A comment, a joined line and the
 * inside of a string count nothing. */
static void test_tokens_boundary(void **state)
{
    (void)state;
    pv_policy *pol = policy_from("[limits]\nmax_tokens = 7\n");
    pv_program *p = verify_with(pol, "x = 1\n", 6);
    expect_accepted(p);
    pv_program_free(p);
    static const char quiet[] = "x = \\\n'a b c d e f g h'  # one two three four\n";
    p = verify_with(pol, quiet, sizeof quiet - 1);
    expect_accepted(p);
    pv_program_free(p);
    pv_policy_free(pol);
    pol = policy_from("[limits]\nmax_tokens = 6\n");
    p = verify_with(pol, "x = 1\n", 6);
    expect_only(p, PV_INVALID, "PV011", 1, 6);
    assert_null(p->code);
    pv_program_free(p);
    pv_policy_free(pol);
}

/* A 1 MB list of names with a trailing syntax error: CPython's parser fails, then parses the
 * whole file again for its message (5 s of CPU and 1.4 GB before PV011). The default policy
 * refuses it before the parser runs. */
static void test_tokens_default_refuses_parser_bomb(void **state)
{
    (void)state;
    size_t n = 510000, len = 5 + 2 * n + 3;
    char *src = malloc(len + 1);
    assert_non_null(src);
    memcpy(src, "x = [", 5);
    for (size_t i = 0; i < n; i++)
        memcpy(src + 5 + 2 * i, "a,", 2);
    memcpy(src + 5 + 2 * n, ",]\n", 3);
    src[len] = '\0';
    pv_program *p = verify_with(g_default, src, len);
    assert_int_equal(pv_program_verdict(p), PV_INVALID);
    assert_string_equal(pv_program_diag(p, 0)->code, "PV011");
    assert_null(p->code);
    pv_program_free(p);
    free(src);
}

/* The scan follows the tokenizer: a quote in a comment, an escaped quote (raw strings
 * too), quotes inside triple-quoted strings, CR and CRLF line ends and every prefix
 * spelling do not hide a later f-string. Each program has one f-string with 3 fields after
 * the trap; with a limit of 2 fields, each must be refused. */
static void test_fstring_scan_not_desynchronised(void **state)
{
    (void)state;
    static const char *const traps[] = {
        "# it's\n",
        "y = 'it\\'s'\n",
        "y = r'\\''\n",
        "y = r\"\\\"\"\n",
        "y = '''it's \"x\" '' '''\n",
        "y = \"\"\"a\"\"b\"\"\"\n",
        "# it's\r\n",
        "# it's\r",
        "y = 'a\\\r\nb'\n",
        "y = \"\"\"'\r'\"\"\"\r\n",
        "y = ''\n",
        "y = b'\\''\n",
        "y = f'{a}'  # f'\n",
    };
    static const char *const fstrings[] = {
        "z = f'{a}{a}{a}'\n", "z = rf'{a}{a}{a}'\n", "z = Fr\"{a}{a}{a}\"\n",
        "z = fR'''{a}{a}{a}'''\n", "z = F\"\"\"{a}{a}{a}\"\"\"\n",
    };
    char buf[256];
    for (size_t t = 0; t < sizeof traps / sizeof *traps; t++) {
        for (size_t f = 0; f < sizeof fstrings / sizeof *fstrings; f++) {
            int n = snprintf(buf, sizeof buf, "a = 1\n%s%s", traps[t], fstrings[f]);
            assert_true(n > 0 && (size_t)n < sizeof buf);
            /* A valid program, within 4 fields of work. */
            pv_policy *pol = policy_from("[limits]\nmax_fstring_work = 33000\n");
            pv_program *p = verify_with(pol, buf, (size_t)n);
            if (pv_program_verdict(p) != PV_ACCEPTED) {
                dump(p);
                fail_msg("trap %zu with f-string %zu: expected acceptance at 3 fields' work", t,
                         f);
            }
            pv_program_free(p);
            pv_policy_free(pol);
            pol = policy_from("[limits]\nmax_fstring_work = 16400\n");
            p = verify_with(pol, buf, (size_t)n);
            if (pv_program_verdict(p) != PV_INVALID || pv_program_diag_count(p) != 1 ||
                strcmp(pv_program_diag(p, 0)->code, "PV010") != 0) {
                dump(p);
                fail_msg("trap %zu hides f-string %zu from the PV010 scan", t, f);
            }
            pv_program_free(p);
            pv_policy_free(pol);
        }
    }
}

/* Ordinary f-string-heavy code stays well within the default limit. */
static void test_fstring_heavy_code_accepted(void **state)
{
    (void)state;
    const char line[] = "s = f'{a!r:>10} {a:{w}.{p}f} {\"x\" if a else \"y\"} {a}/{a} {{lit}}' + "
                        "F\"{a=}\"\n";
    const char head[] = "a = 1.5\nw = 8\np = 2\n";
    size_t n = 600, len = sizeof head - 1 + n * (sizeof line - 1);
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, head, sizeof head - 1);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + sizeof head - 1 + i * (sizeof line - 1), line, sizeof line - 1);
    pv_program *p = verify_bytes(buf, len);
    free(buf);
    expect_accepted(p);
    pv_program_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_forbidden_cookies),
        cmocka_unit_test(test_unknown_cookie),
        cmocka_unit_test(test_cookie_on_third_line_is_a_comment),
        cmocka_unit_test(test_utf8_cookie_spelling),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_latin1_cookie_rejected_by_default),
        cmocka_unit_test(test_cp1252_cookie_allowed_by_rules),
        cmocka_unit_test(test_latin1_allowed_by_rules),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_size_limit_boundary),
        cmocka_unit_test(test_default_size_limit),
        cmocka_unit_test(test_fstring_quadratic_rejected_fast),
        cmocka_unit_test(test_fstring_work_boundary),
        cmocka_unit_test(test_tokens_boundary),
        cmocka_unit_test(test_tokens_default_refuses_parser_bomb),
        cmocka_unit_test(test_fstring_scan_not_desynchronised),
        cmocka_unit_test(test_fstring_heavy_code_accepted),
        cmocka_unit_test(test_depth_limit_boundary),
        cmocka_unit_test(test_default_depth_limit),
        cmocka_unit_test(test_beyond_cpython_limits),
        cmocka_unit_test(test_nested_parens_are_pv006),
        cmocka_unit_test(test_nested_brackets_are_pv006),
        cmocka_unit_test(test_node_limit_boundary),
        cmocka_unit_test(test_diagnostics_cap),
        cmocka_unit_test(test_cap_keeps_first_in_source_order),
        cmocka_unit_test(test_empty_source),
        cmocka_unit_test(test_nfkc_identifiers),
        cmocka_unit_test(test_columns_count_characters),
        cmocka_unit_test(test_nfkc_attribute_column),
        cmocka_unit_test(test_nul_column_after_multibyte),
        cmocka_unit_test(test_undecodable_column_after_multibyte),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
