/*
 * seccomp_exec.c: a test helper (issue 21). Loads a seccomp profile in the JSON format of
 * Docker, containerd and CRI-O (defaultAction, defaultErrnoRet, syscalls[] with names,
 * action, errnoRet, args[] of index/value/valueTwo/op) with libseccomp, the way a container
 * runtime applies it, then runs a command under it:
 *
 *   pv_seccomp_exec PROFILE.json COMMAND [ARGS...]
 *
 * A profile key this helper does not know ("includes" by capability, per-arch rules, an
 * unknown action or operator) is an error (exit 125), never ignored. A syscall name this
 * libseccomp does not know (another architecture's, a newer kernel's) is skipped, as runc
 * skips it. Exit 125 on any failure before exec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <seccomp.h>

static int die(const char *what, const char *detail)
{
    fprintf(stderr, "pv_seccomp_exec: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 125;
}

static int action(json_t *rule, const char *key, const char *errkey, uint32_t *out)
{
    const char *a = json_string_value(json_object_get(rule, key));
    json_t *e = json_object_get(rule, errkey);
    if (!a)
        return -1;
    if (strcmp(a, "SCMP_ACT_ALLOW") == 0)
        *out = SCMP_ACT_ALLOW;
    else if (strcmp(a, "SCMP_ACT_ERRNO") == 0)
        *out = SCMP_ACT_ERRNO(e ? (uint16_t)json_integer_value(e) : EPERM);
    else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0)
        *out = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(a, "SCMP_ACT_LOG") == 0)
        *out = SCMP_ACT_LOG;
    else
        return -1;
    return 0;
}

static int op_of(const char *s, enum scmp_compare *op)
{
    static const struct { const char *n; enum scmp_compare op; } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    for (size_t i = 0; s && i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(s, ops[i].n) == 0) {
            *op = ops[i].op;
            return 0;
        }
    return -1;
}

int main(int argc, char **argv)
{
    json_error_t jerr;
    json_t *prof, *rules, *rule;
    scmp_filter_ctx ctx;
    uint32_t def;
    size_t i;

    if (argc < 3)
        return die("usage: pv_seccomp_exec PROFILE.json COMMAND [ARGS...]", NULL);
    prof = json_load_file(argv[1], 0, &jerr);
    if (!prof)
        return die("cannot read the profile", jerr.text);
    if (action(prof, "defaultAction", "defaultErrnoRet", &def) < 0)
        return die("defaultAction missing or unknown", NULL);
    ctx = seccomp_init(def);
    if (!ctx)
        return die("seccomp_init failed", NULL);
    rules = json_object_get(prof, "syscalls");
    if (!json_is_array(rules))
        return die("syscalls must be an array", NULL);
    json_array_foreach(rules, i, rule) {
        json_t *names = json_object_get(rule, "names"), *args = json_object_get(rule, "args");
        json_t *name;
        struct scmp_arg_cmp cmp[6];
        unsigned ncmp = 0;
        uint32_t act;
        size_t j;
        if (json_object_get(rule, "includes") || json_object_get(rule, "excludes"))
            return die("includes/excludes are not supported by this helper", NULL);
        if (action(rule, "action", "errnoRet", &act) < 0 || !json_is_array(names))
            return die("a rule needs names and a known action", NULL);
        if (args && json_is_array(args)) {
            json_t *a;
            json_array_foreach(args, j, a) {
                enum scmp_compare op;
                if (ncmp == 6 || op_of(json_string_value(json_object_get(a, "op")), &op) < 0)
                    return die("an argument rule has an unknown op", NULL);
                cmp[ncmp].arg = (unsigned)json_integer_value(json_object_get(a, "index"));
                cmp[ncmp].op = op;
                cmp[ncmp].datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value"));
                cmp[ncmp].datum_b =
                    (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo"));
                ncmp++;
            }
        }
        json_array_foreach(names, j, name) {
            const char *n = json_string_value(name);
            int nr = n ? seccomp_syscall_resolve_name(n) : __NR_SCMP_ERROR;
            int rc;
            if (!n)
                return die("a syscall name is not a string", NULL);
            if (nr == __NR_SCMP_ERROR)
                continue;
            if (act == def)
                continue;
            rc = seccomp_rule_add_array(ctx, act, nr, ncmp, cmp);
            if (rc < 0)
                return die("seccomp_rule_add failed", n);
        }
    }
    if (seccomp_load(ctx) < 0)
        return die("seccomp_load failed", NULL);
    seccomp_release(ctx);
    json_decref(prof);
    execvp(argv[2], argv + 2);
    return die("exec failed", strerror(errno));
}
