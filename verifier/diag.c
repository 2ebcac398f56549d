/*
 * diag.c: the diagnostics list of a program. Converts AST byte columns to character
 * columns, caps the number of findings, and keeps them in source order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* Byte column (0-based, within line `line`) to a 1-based character column. */
static int char_col(const pv_program *prog, int line, int col_byte)
{
    if (col_byte < 0)
        return 0;
    if (!prog->utf8 || line < 1 || (size_t)line > prog->nlines)
        return col_byte + 1;
    size_t start = prog->line_starts[line - 1];
    size_t end = (size_t)line < prog->nlines ? prog->line_starts[line] : (size_t)prog->utf8_len;
    size_t stop = start + (size_t)col_byte;
    if (stop > end)
        stop = end;
    int chars = 0;
    for (size_t i = start; i < stop; i++)
        if (((unsigned char)prog->utf8[i] & 0xC0) != 0x80)
            chars++;
    /* A column past the end of the line (e.g. at EOF) keeps its excess as characters. */
    if (start + (size_t)col_byte > end)
        chars += (int)(start + (size_t)col_byte - end);
    return chars + 1;
}

/* Fill one record; the strings are taken (message) or copied (hint). False when a copy
 * failed, in which case nothing is owned by the record. */
static bool fill_record(pv_diag *d, const pv_rule_info *info, pv_layer_id layer, char *msg,
                        const char *file, const char *hint)
{
    memset(d, 0, sizeof *d);
    d->code = info->code;
    d->title = info->title;
    d->severity = PV_SEV_ERROR;
    d->layer = layer;
    d->message = msg;
    d->file = file;
    d->hint = hint ? strdup(hint) : NULL;
    if (!d->message || (hint && !d->hint)) {
        free(msg);
        free((char *)d->hint);
        return false;
    }
    return true;
}

static void add_record(pv_program *prog, pv_rule rule, pv_layer_id layer, int line, int col,
                       int end_line, int end_col, const char *hint, char *msg)
{
    pvd_list *l = &prog->diags;
    const pv_rule_info *info = pvr_info(rule);
    pv_verdict v = info->verdict;
    if (v > prog->verdict)
        prog->verdict = v;
    /* Findings are collected up to a hard ceiling, then sorted and cut to the policy's cap
     * (pvd_sort), so that the ones kept are the first in source order. */
    if (l->n >= PV_CEILING_MAX_DIAGNOSTICS) {
        l->overflowed = true;
        free(msg);
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        pv_diag *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            free(msg);
            prog->verdict = PV_INVALID;
            return;
        }
        l->items = items;
        l->cap = cap;
    }
    pv_diag *d = &l->items[l->n];
    if (!fill_record(d, info, layer, msg, prog->filename, hint ? hint : info->hint)) {
        prog->verdict = PV_INVALID;
        return;
    }
    d->line = line > 0 ? (unsigned)line : 0;
    d->col = col > 0 ? (unsigned)col : 0;
    d->end_line = end_line > 0 ? (unsigned)end_line : d->line;
    d->end_col = end_col > 0 ? (unsigned)end_col : d->col;
    l->n++;
}

void pvd_add(pv_program *prog, pv_rule rule, pv_layer_id layer, int line, int col_byte,
             int end_line, int end_col_byte, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    int col = char_col(prog, line, col_byte);
    int end_col = end_line > 0 ? char_col(prog, end_line, end_col_byte) : 0;
    add_record(prog, rule, layer, line, col, end_line, end_col, hint, msg);
}

void pvd_add_chars(pv_program *prog, pv_rule rule, pv_layer_id layer, int line, int col,
                   int end_line, int end_col, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    add_record(prog, rule, layer, line, col, end_line, end_col, hint, msg);
}

static int cmp_diag(const void *a, const void *b)
{
    const pv_diag *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return strcmp(x->message, y->message);
}

void pvd_sort(pvd_list *l)
{
    if (l->n > 1)
        qsort(l->items, l->n, sizeof *l->items, cmp_diag);
    if (!l->max || (l->n <= l->max && !l->overflowed))
        return;
    /* Keep the first `max` in source order; one final record says reporting stopped. */
    for (size_t i = l->max; i < l->n; i++) {
        free((char *)l->items[i].message);
        free((char *)l->items[i].hint);
    }
    l->n = l->max;
    l->overflowed = true;
    const pv_rule_info *info = pvr_info(PVR_TOO_MANY_DIAGS);
    char buf[96];
    snprintf(buf, sizeof buf, "more than %zu diagnostics; reporting stopped", l->max);
    if (l->n == l->cap) {
        pv_diag *items = realloc(l->items, (l->cap + 1) * sizeof *items);
        if (!items)
            return;
        l->items = items;
        l->cap++;
    }
    if (!fill_record(&l->items[l->n], info, PV_DIAG_INPUT, strdup(buf),
                     l->n ? l->items[0].file : NULL, info->hint))
        return;
    l->n++;
}

void pvd_free(pvd_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->items[i].message);
        free((char *)l->items[i].hint);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

size_t pvd_count_layer(const pvd_list *l, pv_layer_id layer)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].layer == layer && l->items[i].severity == PV_SEV_ERROR)
            n++;
    return n;
}
