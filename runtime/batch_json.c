/*
 * batch_json.c: the JSON side of a batch (issue 19), shared by `pyverify run --batch`
 * (cli/batch.c) and POST /v1/batch (service/batch.c).
 *
 * Items are JSON objects {"source": "EXPR", "input": {...}} ("input" optional, no other
 * key). Each expression is verified in expression mode with its input's keys as globals
 * (identical source and keys are verified once), then every accepted one runs in one
 * pv_run_batch() call. One JSON object per item, in order: {"index", "line", "status", and
 * "value" | "exception" | "diagnostics" | "reason", "cpu_us"}. An item that is not such an
 * object is its "invalid" status, not an error of the batch.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch_json.h"
#include "pyverify.h"
#include "run_json.h"

typedef struct bitem {
    unsigned line;
    char *invalid;        /* owned: why the line is not an item, or NULL */
    pv_program *prog;     /* borrowed from the cache */
    char *input;          /* owned JSON text or NULL */
    size_t slot;          /* index in the pv_batch_item array, when run */
    bool run;
} bitem;

/* Verified programs by (keys, source), so that a formula repeated with other inputs is
 * verified once. */
typedef struct centry {
    uint64_t hash;
    char *key;            /* owned */
    size_t key_len;
    pv_program *prog;     /* owned */
} centry;

typedef struct cache {
    centry *v;
    size_t cap, n;
} cache;

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static centry *cache_slot(cache *c, const char *key, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (c->cap - 1);
    while (c->v[i].key && !(c->v[i].hash == h && c->v[i].key_len == n &&
                            memcmp(c->v[i].key, key, n) == 0))
        i = (i + 1) & (c->cap - 1);
    return &c->v[i];
}

static int cache_grow(cache *c)
{
    cache nc = {calloc(c->cap ? c->cap * 2 : 64, sizeof(centry)), c->cap ? c->cap * 2 : 64, 0};
    if (!nc.v)
        return -1;
    for (size_t i = 0; i < c->cap; i++)
        if (c->v[i].key) {
            *cache_slot(&nc, c->v[i].key, c->v[i].key_len, c->v[i].hash) = c->v[i];
            nc.n++;
        }
    free(c->v);
    *c = nc;
    return 0;
}

static void cache_free(cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->v[i].key);
        pv_program_free(c->v[i].prog);
    }
    free(c->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *pv_cli_batch_invalid(unsigned line, const char *what, const char *detail)
{
    char buf[512];
    if (line)
        snprintf(buf, sizeof buf, "line %u: %s%s%s", line, what, detail ? ": " : "",
                 detail ? detail : "");
    else
        snprintf(buf, sizeof buf, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return strdup(buf);
}

/* Check and verify one item (`root`: its JSON value, borrowed) into *it. Returns 0, or -1
 * when out of memory (message printed). */
static int load_obj(bitem *it, json_t *root, const pv_policy *policy, cache *c)
{
    json_t *src, *input;
    const char *k;
    json_t *v;
    const char **keys = NULL;
    size_t nkeys = 0, klen = 0, slen;
    char *key = NULL;
    int rc = -1;

    src = json_object_get(root, "source");
    input = json_object_get(root, "input");
    if (!json_is_object(root) || !json_is_string(src) ||
        (input && !json_is_object(input) && !json_is_null(input)) ||
        json_object_size(root) != 1u + (input ? 1u : 0u)) {
        it->invalid = pv_cli_batch_invalid(it->line, "not an object {\"source\": str, \"input\": object}",
                                  NULL);
        rc = it->invalid ? 0 : -1;
        goto done;
    }
    if (json_is_object(input)) {
        keys = calloc(json_object_size(input) + 1, sizeof *keys);
        it->input = json_dumps(input, JSON_COMPACT);
        if (!keys || !it->input)
            goto done;
        json_object_foreach(input, k, v) {
            keys[nkeys++] = k;
            klen += strlen(k) + 1;
        }
        qsort(keys, nkeys, sizeof *keys, cmp_str);
    }
    slen = json_string_length(src);
    key = malloc(klen + 1 + slen);
    if (!key)
        goto done;
    {
        size_t o = 0;
        uint64_t h;
        centry *e;
        for (size_t i = 0; i < nkeys; i++) {
            size_t l = strlen(keys[i]);
            memcpy(key + o, keys[i], l);
            key[o + l] = ',';
            o += l + 1;
        }
        key[o++] = '\n';
        memcpy(key + o, json_string_value(src), slen);
        o += slen;
        if ((c->n + 1) * 2 > c->cap && cache_grow(c) < 0)
            goto done;
        h = fnv(key, o);
        e = cache_slot(c, key, o, h);
        if (!e->key) {
            pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
            char name[32];
            vo.mode = PV_MODE_EXPR;
            vo.globals = keys;
            vo.nglobals = nkeys;
            if (it->line)
                snprintf(name, sizeof name, "<line %u>", it->line);
            else
                snprintf(name, sizeof name, "<item>");
            if (pv_verify(&e->prog, policy, json_string_value(src), slen, name, &vo) < 0) {
                if (pv_last_error() && strstr(pv_last_error(), "out of memory"))
                    goto done;
                it->invalid = pv_cli_batch_invalid(it->line, "cannot be verified", pv_last_error());
                e->prog = NULL;
                rc = it->invalid ? 0 : -1;
                goto done;
            }
            e->key = key;
            e->key_len = o;
            e->hash = h;
            key = NULL;
            c->n++;
        }
        it->prog = e->prog;
    }
    rc = 0;
done:
    free(key);
    free(keys);
    if (rc < 0)
        fprintf(stderr, "pyverify: batch: out of memory\n");
    return rc;
}

static json_t *item_doc(size_t index, const bitem *it, const pv_batch_result *r)
{
    json_t *o = json_pack("{s:I}", "index", (json_int_t)index);
    pv_run_status st;
    const char *reason;
    if (!o)
        return NULL;
    if (it->line)
        json_object_set_new(o, "line", json_integer((json_int_t)it->line));
    if (it->invalid) {
        json_object_set_new(o, "status", json_string("invalid"));
        json_object_set_new(o, "reason", pv_cli_json_bytes(it->invalid, strlen(it->invalid)));
        return o;
    }
    st = it->run ? pv_batch_item_status(r, it->slot) : PV_RUN_REJECTED;
    json_object_set_new(o, "status", json_string(pv_run_status_name(st)));
    if (pv_program_verdict(it->prog) != PV_ACCEPTED || (it->run && st == PV_RUN_REJECTED)) {
        json_t *d = json_array();
        for (size_t k = 0; d && k < pv_program_diag_count(it->prog); k++)
            json_array_append_new(d, pv_cli_diag_json(pv_program_diag(it->prog, k)));
        json_object_set_new(o, "diagnostics", d);
    }
    if (!it->run)
        return o;
    if (pv_batch_item_value(r, it->slot)) {
        const char *v = pv_batch_item_value(r, it->slot);
        json_t *jv = json_loads(v, JSON_DECODE_ANY, NULL);
        json_object_set_new(o, "value", jv ? jv : pv_cli_json_bytes(v, strlen(v)));
    }
    if (pv_batch_item_exception_type(r, it->slot)) {
        const char *m = pv_batch_item_exception_message(r, it->slot);
        json_object_set_new(
            o, "exception",
            json_pack("{s:o, s:o, s:I}", "type",
                      pv_cli_json_bytes(pv_batch_item_exception_type(r, it->slot),
                                        strlen(pv_batch_item_exception_type(r, it->slot))),
                      "message", pv_cli_json_bytes(m ? m : "", m ? strlen(m) : 0), "line",
                      (json_int_t)pv_batch_item_exception_line(r, it->slot)));
    }
    reason = pv_batch_item_reason(r, it->slot);
    if (reason)
        json_object_set_new(o, "reason", pv_cli_json_bytes(reason, strlen(reason)));
    json_object_set_new(o, "cpu_us", json_integer((json_int_t)pv_batch_item_cpu_us(r, it->slot)));
    return o;
}

/* The core of both front ends: items[i] (borrowed) are the items' JSON values, or NULL
 * with invalid[i] saying why the line is not one; lines[i] their line numbers (NULL: none).
 * Returns a JSON array of result objects, or NULL with *status 2 (over the limits, message
 * in err) or 3 (the batch could not run). *status is 0 when every item ran to a value,
 * else 1. */
json_t *pv_cli_batch(const pv_policy *policy, json_t *const *objs, const char *const *invalid,
                     const unsigned *lines, size_t n, const pv_run_opts *ro, double item_cpu_s,
                     int *status, char *err, size_t errlen)
{
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    bitem *items = NULL;
    pv_batch_item *run = NULL;
    pv_batch_result *res = NULL;
    json_t *out = NULL, *arr = NULL;
    cache c = {NULL, 0, 0};
    size_t nrun = 0;
    int rc;
    bool all_ok = true;

    *status = 2;
    snprintf(err, errlen, "out of memory");
    if (item_cpu_s > 0)
        bo.item_cpu_s = item_cpu_s;
    if (n > bo.max_items) {
        snprintf(err, errlen, "more than %zu items", bo.max_items);
        return NULL;
    }
    items = calloc(n ? n : 1, sizeof *items);
    run = calloc(n ? n : 1, sizeof *run);
    if (!items || !run)
        goto done;
    for (size_t i = 0; i < n; i++) {
        items[i].line = lines ? lines[i] : 0;
        if (!objs[i]) {
            items[i].invalid = strdup(invalid && invalid[i] ? invalid[i] : "not an item");
            if (!items[i].invalid)
                goto done;
        } else if (load_obj(&items[i], objs[i], policy, &c) < 0) {
            goto done;
        }
        if (items[i].invalid)
            continue;
        items[i].slot = nrun;
        items[i].run = true;
        run[nrun].program = items[i].prog;
        run[nrun].input_json = items[i].input;
        nrun++;
    }
    rc = pv_run_batch(&res, run, nrun, ro, &bo);
    if (rc < 0) {
        snprintf(err, errlen, "%s", pv_last_error());
        *status = rc == PV_ERR_INVALID ? 2 : 3;
        goto done;
    }
    arr = json_array();
    if (!arr)
        goto done;
    for (size_t i = 0; i < n; i++) {
        json_t *doc = item_doc(i, &items[i], res);
        if (!doc || json_array_append_new(arr, doc) < 0)
            goto done;
        if (items[i].invalid || pv_batch_item_status(res, items[i].slot) != PV_RUN_OK)
            all_ok = false;
    }
    snprintf(err, errlen, "%zu items, %u child%s, wall_ms=%lu cpu_ms=%lu", n,
             pv_batch_result_children(res), pv_batch_result_children(res) == 1 ? "" : "ren",
             pv_batch_result_wall_ms(res), pv_batch_result_cpu_ms(res));
    *status = all_ok ? 0 : 1;
    out = arr;
    arr = NULL;
done:
    json_decref(arr);
    pv_batch_result_free(res);
    for (size_t i = 0; items && i < n; i++) { /* calloc'ed: unset fields are NULL */
        free(items[i].invalid);
        free(items[i].input);
    }
    free(items);
    free(run);
    cache_free(&c);
    return out;
}
