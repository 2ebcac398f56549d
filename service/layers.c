/*
 * layers.c: the names --require-layers accepts, and the check of the zygote's start-up run
 * against them (layers.h). The names are the runtime's (runtime/README.md, "Layers").
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "layers.h"

/* Every OS and Python layer pv_run() reports by that name on a full host, with its group. */
enum { G_BASE = 1, G_NS = 2, G_LANDLOCK = 4, G_NEW_KERNEL = 8 };
static const struct {
    const char *name;
    unsigned group;
} known[] = {
    {"descriptors", G_BASE},     {"session", G_BASE},          {"environment", G_BASE},
    {"workdir", G_BASE},         {"unprivileged", G_BASE},     {"parent_death", G_BASE},
    {"rlimits", G_BASE},         {"no_new_privs", G_BASE},     {"seccomp", G_BASE},
    {"python:builtins", G_BASE}, {"python:modules", G_BASE},   {"python:audit", G_BASE},
    {"watchdog", G_BASE},        {"output_caps", G_BASE},
    {"namespace:user", G_NS},    {"namespace:net", G_NS},      {"namespace:ipc", G_NS},
    {"namespace:mount", G_NS},   {"namespace:uts", G_NS},      {"namespace:pid", G_NS},
    {"fs:pivot_root", G_NS},
    {"fs:landlock", G_LANDLOCK},
    {"signals:landlock", G_NEW_KERNEL}, /* Landlock ABI 6, Linux >= 6.12: never in a group */
};
#define NKNOWN (sizeof known / sizeof known[0])

static unsigned group_of(const char *w, size_t n)
{
    static const struct {
        const char *name;
        unsigned groups;
    } groups[] = {{"none", 0}, {"base", G_BASE}, {"namespaces", G_NS},
                  {"all", G_BASE | G_NS | G_LANDLOCK}};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strlen(groups[i].name) == n && memcmp(groups[i].name, w, n) == 0)
            return groups[i].groups | 0x100u; /* 0x100: "is a group" */
    return 0;
}

int pvs_layers_parse(const char *list, char *out, size_t outsz, char *why, size_t whysz)
{
    bool want[NKNOWN];
    const char *p = list;
    size_t used = 0;

    memset(want, 0, sizeof want);
    if (!list || !*list) {
        snprintf(why, whysz, "--require-layers needs a list (or none)");
        return -1;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        unsigned g = group_of(p, n);
        bool found = g != 0;
        for (size_t i = 0; i < NKNOWN; i++) {
            if (g ? (known[i].group & g) != 0
                  : strlen(known[i].name) == n && memcmp(known[i].name, p, n) == 0) {
                want[i] = true;
                found = true;
            }
        }
        if (!found) {
            size_t k = 0;
            int w = snprintf(why, whysz, "--require-layers: unknown layer '%.*s' (known: none, "
                                         "base, namespaces, all", (int)(n > 64 ? 64 : n), p);
            if (w > 0)
                k = (size_t)w;
            for (size_t i = 0; i < NKNOWN && k < whysz; i++) {
                w = snprintf(why + k, whysz - k, ", %s", known[i].name);
                if (w > 0)
                    k += (size_t)w;
            }
            if (k < whysz)
                snprintf(why + k, whysz - k, ")");
            return -1;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (outsz == 0)
        return -1;
    out[0] = '\0';
    for (size_t i = 0; i < NKNOWN; i++) {
        int w;
        if (!want[i])
            continue;
        w = snprintf(out + used, outsz - used, "%s%s", used ? "," : "", known[i].name);
        if (w < 0 || (size_t)w >= outsz - used) {
            snprintf(why, whysz, "--require-layers: list too long");
            return -1;
        }
        used += (size_t)w;
    }
    return 0;
}

static bool has_layer(const pv_run_result *res, const char *name, size_t n)
{
    for (size_t i = 0; i < pv_run_result_layer_count(res); i++) {
        const char *l = pv_run_result_layer(res, i);
        if (l && strlen(l) == n && memcmp(l, name, n) == 0)
            return true;
    }
    return false;
}

int pvs_layers_check(const char *required, const pv_run_result *res, char *why, size_t whysz)
{
    const char *p = required, *first = NULL, *reason = NULL;
    size_t k = 0, first_n = 0;
    int missing = 0;

    if (whysz == 0)
        return -1;
    why[0] = '\0';
    /* the missing names first (they fit), then why the first one is missing */
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (!has_layer(res, p, n)) {
            int w = k < whysz ? snprintf(why + k, whysz - k, "%s%.*s", missing ? ", " : "",
                                         (int)n, p) : -1;
            if (w > 0)
                k += (size_t)w;
            if (!first) {
                first = p;
                first_n = n;
            }
            missing++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!missing)
        return 0;
    for (size_t i = 0; i < pv_run_result_skipped_count(res); i++) {
        const char *s = pv_run_result_skipped_step(res, i);
        if (s && strlen(s) == first_n && memcmp(s, first, first_n) == 0) {
            reason = pv_run_result_skipped_reason(res, i);
            break;
        }
    }
    if (k < whysz)
        snprintf(why + k, whysz - k, " (%.*s: %s)", (int)first_n, first,
                 reason ? reason : "not reported by the start-up run");
    return -1;
}
