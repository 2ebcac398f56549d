/*
 * sarif.c: the checker's results as a SARIF 2.1.0 log, as GitHub code scanning accepts it:
 * one run, the whole rule catalogue with help text, one result per diagnostic with a
 * region, and files that could not be read as tool execution notifications. Columns count
 * code points (run.columnKind "unicodeCodePoints"), as pyverify's diagnostics do.
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define PV_URI "https://github.com/pyverify/pyverify"
#define PV_RULES_URI PV_URI "/blob/main/docs/rules.md"

/* A path as a URI reference: relative paths stay relative, absolute ones become file://
 * URIs; bytes outside RFC 3986's unreserved set (and '/') are percent-encoded. */
static char *path_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = malloc(n * 3 + 8);
    if (!u)
        return NULL;
    size_t k = 0;
    if (path[0] == '/') {
        memcpy(u, "file://", 7);
        k = 7;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            u[k++] = (char)c;
        } else {
            u[k++] = '%';
            u[k++] = hex[c >> 4];
            u[k++] = hex[c & 15];
        }
    }
    u[k] = '\0';
    return u;
}

static json_t *artifact(const char *path)
{
    char *u = path_uri(path);
    json_t *j = u ? json_pack("{s:s}", "uri", u) : NULL;
    free(u);
    return j;
}

static json_t *rules_json(void)
{
    json_t *rules = json_array();
    for (size_t i = 0; rules && i < pv_rule_count(); i++) {
        const pv_rule_info *r = pv_rule_at(i);
        size_t hl = strlen(r->explanation) + strlen(r->hint) + 64;
        char *help = malloc(hl), *md = malloc(hl + 16);
        if (!help || !md) {
            free(help);
            free(md);
            json_decref(rules);
            return NULL;
        }
        snprintf(help, hl, "%s\n\nhint: %s", r->explanation, r->hint);
        snprintf(md, hl + 16, "%s\n\n**hint:** %s", r->explanation, r->hint);
        /* docs/rules.md (docs/gen-rules-md.sh): the --explain text, one heading per code */
        char uri[sizeof PV_RULES_URI + 16];
        size_t k = (size_t)snprintf(uri, sizeof uri, "%s#", PV_RULES_URI);
        for (const char *c = r->code; *c && k + 1 < sizeof uri; c++)
            uri[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        uri[k < sizeof uri ? k : sizeof uri - 1] = '\0';
        json_t *j = json_pack(
            "{s:s, s:s, s:{s:s}, s:{s:s}, s:s, s:{s:s, s:s}, s:{s:s}, s:{s:[s], s:s, s:s}}",
            "id", r->code, "name", r->code, "shortDescription", "text", r->title,
            "fullDescription", "text", r->explanation, "helpUri", uri,
            "help", "text", help, "markdown", md,
            "defaultConfiguration", "level", "error",
            "properties", "tags", "security", "precision", "very-high", "layer",
            pv_cli_layer_name(r->layer));
        free(help);
        free(md);
        if (!j || json_array_append_new(rules, j) < 0) {
            json_decref(rules);
            return NULL;
        }
    }
    return rules;
}

static json_int_t rule_index(const char *code)
{
    for (size_t i = 0; i < pv_rule_count(); i++)
        if (strcmp(pv_rule_at(i)->code, code) == 0)
            return (json_int_t)i;
    return -1;
}

/* One result from a diagnostic object of pv_cli_diag_json(). */
static json_t *result_json(json_t *d, const char *path)
{
    const char *code = json_string_value(json_object_get(d, "code"));
    const char *sev = json_string_value(json_object_get(d, "severity"));
    json_int_t line = json_integer_value(json_object_get(d, "line"));
    json_int_t col = json_integer_value(json_object_get(d, "col"));
    json_int_t eline = json_integer_value(json_object_get(d, "end_line"));
    json_int_t ecol = json_integer_value(json_object_get(d, "end_col"));
    json_t *phys = json_pack("{s:o}", "artifactLocation", artifact(path));
    if (!phys || !code)
        return json_decref(phys), NULL;
    if (line > 0) {
        json_t *region = json_pack("{s:I}", "startLine", line);
        if (col > 0)
            json_object_set_new(region, "startColumn", json_integer(col));
        if (eline >= line) {
            json_object_set_new(region, "endLine", json_integer(eline));
            if (ecol > 0 && (eline > line || ecol > col))
                json_object_set_new(region, "endColumn", json_integer(ecol));
        }
        json_object_set_new(phys, "region", region);
    }
    json_t *r = json_pack("{s:s, s:s, s:{s:O}, s:[{s:o}]}", "ruleId", code, "level",
                          sev && strcmp(sev, "warning") == 0 ? "warning" :
                          sev && strcmp(sev, "note") == 0 ? "note" : "error",
                          "message", "text", json_object_get(d, "message"),
                          "locations", "physicalLocation", phys);
    json_int_t idx = rule_index(code);
    if (r && idx >= 0)
        json_object_set_new(r, "ruleIndex", json_integer(idx));
    return r;
}

json_t *pv_cli_sarif(json_t *records, bool ok)
{
    json_t *results = json_array(), *notes = json_array(), *rules = rules_json();
    if (!results || !notes || !rules)
        goto fail;
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {
        const char *path = json_string_value(json_object_get(rec, "path"));
        const char *err = json_string_value(json_object_get(rec, "error"));
        if (!path)
            continue;
        if (err) {
            json_t *n = json_pack("{s:s, s:{s:s}, s:[{s:{s:o}}]}", "level", "error", "message",
                                  "text", err, "locations", "physicalLocation",
                                  "artifactLocation", artifact(path));
            if (!n || json_array_append_new(notes, n) < 0)
                goto fail;
        }
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(rec, "diagnostics"), k, d) {
            json_t *r = result_json(d, path);
            if (!r || json_array_append_new(results, r) < 0)
                goto fail;
        }
    }
    json_t *driver = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", "pyverify", "version",
                               pv_version(), "semanticVersion", pv_version(), "informationUri",
                               PV_URI, "rules", rules);
    rules = NULL;
    json_t *inv = json_pack("{s:b, s:o}", "executionSuccessful", ok,
                            "toolExecutionNotifications", notes);
    notes = NULL;
    json_t *run = json_pack("{s:{s:o}, s:[o], s:o, s:s, s:{s:s}}", "tool", "driver", driver,
                            "invocations", inv, "results", results, "columnKind",
                            "unicodeCodePoints", "properties", "python", pv_python_version());
    results = NULL;
    return json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs",
                     run);
fail:
    json_decref(results);
    json_decref(notes);
    json_decref(rules);
    return NULL;
}
