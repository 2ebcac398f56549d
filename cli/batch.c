/*
 * batch.c: `pyverify run --batch FILE.jsonl` (issue 19).
 *
 * One JSON object per line, {"source": "EXPR", "input": {...}} ("input" optional, no other
 * key); blank lines are skipped. Each expression is verified in expression mode with its
 * input's keys as globals (identical source and keys are verified once), then every
 * accepted one runs in one pv_run_batch() call. One JSON object per item on stdout, in
 * order: {"index", "line", "status", and "value" | "exception" | "diagnostics" | "reason",
 * "cpu_us"}. A line that is not such an object is the item's "invalid" status, not an
 * error of the command.
 *
 * Exit: 0 every item ran to a value, 1 some item did not (rejected, invalid, error, limit),
 * 2 usage error or the batch is over its limits, 3 the batch could not be run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch.h"
#include "batch_json.h"
#include "pyverify.h"

int pv_cli_run_batch(const pv_policy *policy, const char *data, size_t len,
                     const pv_run_opts *ro, double item_cpu_s)
{
    json_t **objs = NULL, *arr = NULL;
    char **why = NULL;
    unsigned *lines = NULL, line = 0;
    size_t n = 0, cap = 0;
    int status = 2;
    char err[512];

    for (size_t off = 0; off < len;) {
        const char *p = data + off, *nl = memchr(p, '\n', len - off);
        size_t l = nl ? (size_t)(nl - p) : len - off;
        bool blank = true;
        json_error_t jerr;
        off += l + (nl ? 1 : 0);
        line++;
        for (size_t i = 0; i < l && blank; i++)
            blank = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
        if (blank)
            continue;
        if (n >= PV_BATCH_DEFAULT_MAX_ITEMS) {
            fprintf(stderr, "pyverify run: --batch: more than %u items\n",
                    PV_BATCH_DEFAULT_MAX_ITEMS);
            goto done;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            json_t **o = realloc(objs, nc * sizeof *o);
            char **w = o ? realloc(why, nc * sizeof *w) : NULL;
            unsigned *ln = w ? realloc(lines, nc * sizeof *ln) : NULL;
            if (o)
                objs = o;
            if (w)
                why = w;
            if (!ln)
                goto nomem;
            lines = ln;
            cap = nc;
        }
        lines[n] = line;
        why[n] = NULL;
        objs[n] = json_loadb(p, l, JSON_REJECT_DUPLICATES, &jerr);
        if (!objs[n]) {
            why[n] = pv_cli_batch_invalid(line, "not JSON", jerr.text);
            if (!why[n]) {
                n++;
                goto nomem;
            }
        }
        n++;
    }
    arr = pv_cli_batch(policy, objs, (const char *const *)why, lines, n, ro, item_cpu_s, &status,
                       err, sizeof err);
    if (!arr) {
        fprintf(stderr, "pyverify run: --batch: %s\n", err);
        goto done;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (json_dumpf(json_array_get(arr, i), stdout, JSON_COMPACT | JSON_ENSURE_ASCII) < 0) {
            fprintf(stderr, "pyverify run: cannot write JSON output\n");
            status = 3;
            goto done;
        }
        fputc('\n', stdout);
    }
    fprintf(stderr, "pyverify run: batch: %s\n", err);
    goto done;
nomem:
    fprintf(stderr, "pyverify run: --batch: out of memory\n");
    status = 2;
done:
    fflush(stdout);
    json_decref(arr);
    for (size_t i = 0; i < n; i++) {
        json_decref(objs[i]);
        free(why[i]);
    }
    free(objs);
    free(why);
    free(lines);
    return status;
}
