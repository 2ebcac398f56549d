/*
 * run_json.c: the result object of `pyverify run --json` and the JSON of a diagnostic, built
 * in one place so that the command line and the service (`POST /v1/run`, `/v1/verify`)
 * answer with the same documents.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pyverify.h"
#include "run_json.h"

/* Runtime findings reported as diagnostics (layer "runtime"), from verifier/rules.def. */
#define CLI_CODE_UNAVAILABLE "PV600"
#define CLI_CODE_KILLED "PV601"
#define CLI_CODE_UNSAFE "PV602"

/* A JSON string of arbitrary bytes: invalid UTF-8 sequences become U+FFFD. */
json_t *pv_cli_json_bytes(const char *p, size_t n)
{
    char *buf = malloc(n * 3 + 1);
    size_t o = 0, i = 0;
    json_t *j;
    if (!buf)
        return NULL;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)p[i + k] & 0xC0) == 0x80;
        if (ok && len == 2 && c < 0xC2)
            ok = false; /* overlong */
        if (ok && len == 3) {
            unsigned cp = ((c & 0x0Fu) << 12) | (((unsigned char)p[i + 1] & 0x3Fu) << 6) |
                          ((unsigned char)p[i + 2] & 0x3Fu);
            ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok && len == 4) {
            unsigned cp = ((c & 0x07u) << 18) | (((unsigned char)p[i + 1] & 0x3Fu) << 12) |
                          (((unsigned char)p[i + 2] & 0x3Fu) << 6) |
                          ((unsigned char)p[i + 3] & 0x3Fu);
            ok = cp >= 0x10000 && cp <= 0x10FFFF;
        }
        if (ok) {
            memcpy(buf + o, p + i, len);
            o += len;
            i += len;
        } else {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    j = json_stringn(buf, o);
    free(buf);
    return j;
}

/* A runtime finding as a diagnostic object; title and hint come from the rule catalogue. */
static json_t *runtime_diag(const char *code, const char *severity, const char *message,
                            const char *file)
{
    const pv_rule_info *info = pv_rule_find(code);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s?}", "code", code,
                     "title", info ? info->title : "", "severity", severity, "layer", "runtime",
                     "message", message, "file", file, "line", 0, "col", 0, "end_line", 0,
                     "end_col", 0, "hint", info ? info->hint : NULL);
}

json_t *pv_cli_run_doc(const pv_program *prog, const pv_run_result *res, const char *shown,
                       bool unsafe)
{
    json_t *jdiags = json_array(), *jlayers = json_array(), *doc = NULL;
    json_t *jexc = NULL, *jresult = NULL;

    if (!jdiags || !jlayers)
        goto done;
    for (size_t k = 0; k < pv_program_diag_count(prog); k++)
        json_array_append_new(jdiags, pv_cli_diag_json(pv_program_diag(prog, k)));
    if (unsafe) {
        json_array_append_new(jdiags, runtime_diag(CLI_CODE_UNSAFE, "warning",
                                                   "--unsafe-no-verify: the static layers did "
                                                   "not run",
                                                   shown));
    } else {
        json_array_append_new(jlayers, json_string("ast"));
        json_array_append_new(jlayers, json_string("bytecode"));
    }
    if (!res) {
        doc = json_pack("{s:s, s:n, s:n, s:s, s:s, s:b, s:b, s:i, s:i, s:i, s:n, s:n, s:O, s:O}",
                        "status", pv_run_status_name(PV_RUN_REJECTED), "exit_code", "signal",
                        "stdout", "", "stderr", "", "stdout_truncated", 0, "stderr_truncated", 0,
                        "cpu_ms", 0, "wall_ms", 0, "max_rss_kb", 0, "exception", "result",
                        "diagnostics", jdiags, "layers", jlayers);
        goto done;
    }
    {
        size_t olen, elen;
        const char *out = pv_run_result_stdout(res, &olen);
        const char *errs = pv_run_result_stderr(res, &elen);
        const char *etype = pv_run_result_exception_type(res);
        const char *value = pv_run_result_value(res);
        const char *kill = pv_run_result_kill_reason(res);

        for (size_t i = 0; i < pv_run_result_layer_count(res); i++)
            json_array_append_new(jlayers, json_string(pv_run_result_layer(res, i)));
        for (size_t i = 0; i < pv_run_result_skipped_count(res); i++) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s: %s", pv_run_result_skipped_step(res, i),
                     pv_run_result_skipped_reason(res, i));
            json_array_append_new(jdiags, runtime_diag(CLI_CODE_UNAVAILABLE, "note", msg, shown));
        }
        if (kill)
            json_array_append_new(jdiags, runtime_diag(CLI_CODE_KILLED, "error", kill, shown));
        if (etype) {
            const char *m = pv_run_result_exception_message(res);
            jexc = json_pack("{s:s, s:o, s:I}", "type", etype, "message",
                             pv_cli_json_bytes(m, strlen(m)), "line",
                             (json_int_t)pv_run_result_exception_line(res));
        }
        if (value) {
            jresult = json_loads(value, JSON_DECODE_ANY, NULL);
            if (!jresult) /* e.g. an integer beyond 64 bits: keep Python's text */
                jresult = pv_cli_json_bytes(value, strlen(value));
        }
        doc = json_pack("{s:s, s:i, s:i, s:o, s:o, s:b, s:b, s:I, s:I, s:I, s:o, s:o, s:O, s:O}",
                        "status", pv_run_status_name(pv_run_result_status(res)), "exit_code",
                        pv_run_result_exit_code(res), "signal", pv_run_result_signal(res),
                        "stdout", pv_cli_json_bytes(out, olen), "stderr",
                        pv_cli_json_bytes(errs, elen), "stdout_truncated",
                        pv_run_result_stdout_truncated(res), "stderr_truncated",
                        pv_run_result_stderr_truncated(res), "cpu_ms",
                        (json_int_t)pv_run_result_cpu_ms(res), "wall_ms",
                        (json_int_t)pv_run_result_wall_ms(res), "max_rss_kb",
                        (json_int_t)pv_run_result_max_rss_kb(res), "exception",
                        jexc ? jexc : json_null(), "result", jresult ? jresult : json_null(),
                        "diagnostics", jdiags, "layers", jlayers);
    }
done:
    json_decref(jdiags);
    json_decref(jlayers);
    return doc;
}

const char *pv_cli_verdict_name(pv_verdict v)
{
    switch (v) {
    case PV_ACCEPTED: return "accepted";
    case PV_REJECTED: return "rejected";
    case PV_INVALID: return "invalid";
    }
    return "invalid";
}

const char *pv_cli_layer_name(pv_layer_id l)
{
    switch (l) {
    case PV_DIAG_INPUT: return "input";
    case PV_DIAG_AST: return "ast";
    case PV_DIAG_BYTECODE: return "bytecode";
    case PV_DIAG_RUNTIME: return "runtime";
    }
    return "unknown";
}

json_t *pv_cli_diag_json(const pv_diag *d)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s?}",
                     "code", d->code, "title", d->title,
                     "severity", d->severity == PV_SEV_ERROR ? "error" :
                                 d->severity == PV_SEV_WARNING ? "warning" : "note",
                     "layer", pv_cli_layer_name(d->layer), "message", d->message,
                     "file", d->file, "line", (json_int_t)d->line, "col", (json_int_t)d->col,
                     "end_line", (json_int_t)d->end_line, "end_col", (json_int_t)d->end_col,
                     "hint", d->hint);
}
