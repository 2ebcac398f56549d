/*
 * cli_batch.c: `pyverify run --batch FILE.jsonl` (issue 19).
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_batch.h"
#include "pyverify.h"

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

static char *fmt_invalid(unsigned line, const char *what, const char *detail)
{
    char buf[512];
    snprintf(buf, sizeof buf, "line %u: %s%s%s", line, what, detail ? ": " : "",
             detail ? detail : "");
    return strdup(buf);
}

/* Parse and verify one line into *it. Returns 0, or -1 when out of memory or pv_verify
 * failed for a reason other than the program (message printed). */
static int load_line(bitem *it, const char *p, size_t n, const pv_policy *policy, cache *c)
{
    json_error_t err;
    json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err), *src, *input;
    const char *k;
    json_t *v;
    const char **keys = NULL;
    size_t nkeys = 0, klen = 0, slen;
    char *key = NULL;
    int rc = -1;

    if (!root) {
        it->invalid = fmt_invalid(it->line, "not JSON", err.text);
        rc = it->invalid ? 0 : -1;
        goto done;
    }
    src = json_object_get(root, "source");
    input = json_object_get(root, "input");
    if (!json_is_object(root) || !json_is_string(src) ||
        (input && !json_is_object(input) && !json_is_null(input)) ||
        json_object_size(root) != 1u + (input ? 1u : 0u)) {
        it->invalid = fmt_invalid(it->line, "not an object {\"source\": str, \"input\": object}",
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
            snprintf(name, sizeof name, "<line %u>", it->line);
            if (pv_verify(&e->prog, policy, json_string_value(src), slen, name, &vo) < 0) {
                if (pv_last_error() && strstr(pv_last_error(), "out of memory"))
                    goto done;
                it->invalid = fmt_invalid(it->line, "cannot be verified", pv_last_error());
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
    json_decref(root);
    if (rc < 0)
        fprintf(stderr, "pyverify run: --batch: out of memory\n");
    return rc;
}

static json_t *item_doc(size_t index, const bitem *it, const pv_batch_result *r)
{
    json_t *o = json_pack("{s:I, s:I}", "index", (json_int_t)index, "line", (json_int_t)it->line);
    pv_run_status st;
    const char *reason;
    if (!o)
        return NULL;
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

int pv_cli_run_batch(const pv_policy *policy, const char *data, size_t len,
                     const pv_run_opts *ro, double item_cpu_s)
{
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    bitem *items = NULL;
    pv_batch_item *run = NULL;
    pv_batch_result *res = NULL;
    cache c = {NULL, 0, 0};
    size_t n = 0, nrun = 0, cap = 0;
    unsigned line = 0;
    int status = 2, rc;
    bool all_ok = true;

    if (item_cpu_s > 0)
        bo.item_cpu_s = item_cpu_s;
    for (size_t off = 0; off < len;) {
        const char *p = data + off, *nl = memchr(p, '\n', len - off);
        size_t l = nl ? (size_t)(nl - p) : len - off;
        bool blank = true;
        off += l + (nl ? 1 : 0);
        line++;
        for (size_t i = 0; i < l && blank; i++)
            blank = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
        if (blank)
            continue;
        if (n >= bo.max_items) {
            fprintf(stderr, "pyverify run: --batch: more than %zu items\n", bo.max_items);
            goto done;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            bitem *v = realloc(items, nc * sizeof *v);
            if (!v)
                goto nomem;
            items = v;
            cap = nc;
        }
        memset(&items[n], 0, sizeof items[n]);
        items[n].line = line;
        if (load_line(&items[n], p, l, policy, &c) < 0) {
            n++;
            goto done;
        }
        n++;
    }
    run = calloc(n ? n : 1, sizeof *run);
    if (!run)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
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
        fprintf(stderr, "pyverify run: --batch: %s\n", pv_last_error());
        status = rc == PV_ERR_INVALID ? 2 : 3;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *doc = item_doc(i, &items[i], res);
        if (!doc)
            goto nomem;
        if (items[i].invalid || pv_batch_item_status(res, items[i].slot) != PV_RUN_OK)
            all_ok = false;
        if (json_dumpf(doc, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) < 0) {
            json_decref(doc);
            fprintf(stderr, "pyverify run: cannot write JSON output\n");
            status = 3;
            goto done;
        }
        fputc('\n', stdout);
        json_decref(doc);
    }
    fprintf(stderr, "pyverify run: batch: %zu items, %u child%s, wall_ms=%lu cpu_ms=%lu\n", n,
            pv_batch_result_children(res), pv_batch_result_children(res) == 1 ? "" : "ren",
            pv_batch_result_wall_ms(res), pv_batch_result_cpu_ms(res));
    status = all_ok ? 0 : 1;
    goto done;
nomem:
    fprintf(stderr, "pyverify run: --batch: out of memory\n");
    status = 2;
done:
    fflush(stdout);
    pv_batch_result_free(res);
    for (size_t i = 0; i < n; i++) {
        free(items[i].invalid);
        free(items[i].input);
    }
    free(items);
    free(run);
    cache_free(&c);
    return status;
}
