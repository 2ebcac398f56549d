/*
 * batch.c: POST /v1/batch (issue 19), in a worker.
 *
 *   {"items": [{"source": EXPR, "input": {...}?}, ...], "limits": {...}?, "item_cpu_s": SEC?}
 *   -> {"status": "ok"|"partial", "results": [{"index", "status", "value" | "exception" |
 *       "diagnostics" | "reason", "cpu_us"}, ...], "summary": "...", "limits": {...}}
 *
 * Every expression is verified in expression mode with its input's keys as globals, then
 * all accepted ones run in one pv_run_batch() child (runtime/batch_json.c builds the items and the
 * results, as for `pyverify run --batch`). "limits" are the batch's (capped by the
 * service's --max-* options); an item that is not {"source", "input"?} is that item's
 * "invalid" status.
 *
 * The batch's child is forked by this worker (pv_run_batch), so the worker must hold no
 * other client's request: only a worker whose first request this is runs a batch (its
 * template is stopped first); any other answers 503, and the worker exits after the batch.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch_json.h"
#include "pyverify.h"
#include "service.h"
#include "service_batch.h"

static const char *const batch_fields[] = {"items", "limits", "item_cpu_s", NULL};
static const char *const limit_fields[] = {"timeout_s", "cpu_s", "memory_mb", "output_kb", NULL};

static json_t *fail(int *http, int code, const char *msg)
{
    *http = code;
    return json_pack("{s:s}", "error", msg);
}

static bool known(const char *key, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

static int seconds(json_t *lim, const char *key, double def, double max, double *out)
{
    json_t *v = lim ? json_object_get(lim, key) : NULL;
    *out = def;
    if (!v)
        return 0;
    if (!json_is_number(v) || json_number_value(v) <= 0)
        return -1;
    *out = json_number_value(v) > max ? max : json_number_value(v);
    return 0;
}

static int size_mb(json_t *lim, const char *key, size_t def, size_t min, size_t max, size_t *out)
{
    json_t *v = lim ? json_object_get(lim, key) : NULL;
    *out = def;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)min)
        return -1;
    *out = (size_t)json_integer_value(v) > max ? max : (size_t)json_integer_value(v);
    return 0;
}

json_t *pvs_do_batch(const pvs_config *cfg, const pv_policy *pol, json_t *req, bool clean,
                     int *http, int *run_status)
{
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    json_t *items = json_object_get(req, "items"), *lim = json_object_get(req, "limits");
    json_t *v, *results, *doc;
    const char *k;
    double item_cpu = 0;
    int status;
    char err[512], msg[600];

    *run_status = -1;
    json_object_foreach(req, k, v) {
        if (!known(k, batch_fields)) {
            snprintf(msg, sizeof msg, "unknown field \"%s\" (known: items, limits, item_cpu_s)", k);
            return fail(http, 400, msg);
        }
    }
    if (!json_is_array(items))
        return fail(http, 400, "\"items\" must be an array of {\"source\", \"input\"?}");
    if (lim && !json_is_object(lim))
        return fail(http, 400, "\"limits\" must be an object");
    if (lim)
        json_object_foreach(lim, k, v) {
            if (!known(k, limit_fields)) {
                snprintf(msg, sizeof msg, "unknown field \"limits.%s\" (known: timeout_s, "
                         "cpu_s, memory_mb, output_kb)", k);
                return fail(http, 400, msg);
            }
        }
    if (seconds(lim, "timeout_s", PV_RUN_DEFAULT_TIMEOUT_S, cfg->max_timeout_s, &ro.timeout_s) ||
        seconds(lim, "cpu_s", PV_RUN_DEFAULT_CPU_S, cfg->max_cpu_s, &ro.cpu_s) ||
        size_mb(lim, "memory_mb", PV_RUN_DEFAULT_MEMORY_MB, 32, cfg->max_memory_mb,
                &ro.memory_mb) ||
        size_mb(lim, "output_kb", PV_RUN_DEFAULT_OUTPUT_KB, 1, cfg->max_output_kb,
                &ro.output_kb))
        return fail(http, 400, "a limit is not a positive number (memory_mb: at least 32)");
    if ((v = json_object_get(req, "item_cpu_s"))) {
        if (!json_is_number(v) || json_number_value(v) < 0.001)
            return fail(http, 400, "\"item_cpu_s\" must be a number of seconds >= 0.001");
        item_cpu = json_number_value(v) > ro.cpu_s ? ro.cpu_s : json_number_value(v);
    }
    if (!clean)
        return fail(http, 503, "this worker has served another request; retry");
    {
        size_t n = json_array_size(items);
        json_t **objs = calloc(n ? n : 1, sizeof *objs);
        if (!objs)
            return fail(http, 500, "out of memory");
        for (size_t i = 0; i < n; i++)
            objs[i] = json_array_get(items, i);
        results = pv_cli_batch(pol, objs, NULL, NULL, n, &ro, item_cpu, &status, err, sizeof err);
        free(objs);
    }
    if (!results)
        return fail(http, status == 2 ? 413 : 500, err);
    *http = 200;
    *run_status = status == 0 ? PV_RUN_OK : PV_RUN_ERROR;
    doc = json_pack("{s:s, s:o, s:s, s:{s:f, s:f, s:I, s:I}}", "status",
                    status == 0 ? "ok" : "partial", "results", results, "summary", err, "limits",
                    "timeout_s", ro.timeout_s, "cpu_s", ro.cpu_s, "memory_mb",
                    (json_int_t)ro.memory_mb, "output_kb", (json_int_t)ro.output_kb);
    if (!doc)
        return fail(http, 500, "out of memory");
    return doc;
}
