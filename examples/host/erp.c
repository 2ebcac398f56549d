/*
 * erp.c: an ERP-style host whose users write formulas that call back into it.
 *
 *   erp 'EXPR' [NAME=NUMBER]...     evaluate one formula (inputs as in formula.c)
 *   erp                              evaluate the demo formulas below
 *
 * Two host functions are offered to formulas, declared in the policy ([host] functions):
 *   rate(code)            the exchange rate of a currency (HostError for an unknown one)
 *   record(kind, amount)  append an entry to the host's ledger, return its number
 * The formula never touches a host object: each call sends its arguments as JSON to this
 * process, which answers with JSON. After each run the ledger shows what the formula did.
 *
 * A real host would parse the arguments with a JSON library; this example reads the
 * compact text the library hands over ({"args":[...],"kwargs":{}}) by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pyverify.h>

static const char rules[] = "[host]\nfunctions = [\"rate\", \"record\"]\n";

typedef struct ledger {
    char kind[10][32];
    double amount[10];
    int n;
} ledger;

static char *text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* The first positional argument as a string: {"args":["XYZ"... */
static int first_string(const char *args, char *out, size_t cap)
{
    const char *p = strstr(args, "\"args\":[\"");
    size_t n = 0;
    if (!p)
        return -1;
    for (p += 9; *p && *p != '"' && *p != '\\'; p++) {
        if (n + 1 >= cap)
            return -1;
        out[n++] = *p;
    }
    out[n] = '\0';
    return *p == '"' ? 0 : -1;
}

static int rate(void *ctx, const char *name, const char *args, size_t len, char **result,
                char **error)
{
    static const struct { const char *code; const char *rate; } table[] = {
        {"EUR", "1.0"}, {"USD", "1.08"}, {"GBP", "0.85"}, {"CHF", "0.95"}};
    char code[8], msg[64];
    (void)ctx, (void)name, (void)len;
    if (first_string(args, code, sizeof code) == 0)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strcmp(table[i].code, code) == 0) {
                *result = text(table[i].rate);
                return 0;
            }
    snprintf(msg, sizeof msg, "no rate for %s", first_string(args, code, sizeof code) ? "?" : code);
    *error = text(msg);
    return 1;
}

static int record(void *ctx, const char *name, const char *args, size_t len, char **result,
                  char **error)
{
    ledger *l = ctx;
    char kind[32], num[16], *end;
    const char *p;
    double amount;
    (void)name, (void)len;
    if (first_string(args, kind, sizeof kind) < 0 || !(p = strstr(args, "\",")) ||
        l->n == 10) {
        *error = text("record(kind, amount) takes a short kind and a number; at most 10 entries");
        return 1;
    }
    amount = strtod(p + 2, &end);
    if (end == p + 2 || *end != ']') {
        *error = text("record(kind, amount): the amount must be a number");
        return 1;
    }
    snprintf(l->kind[l->n], sizeof l->kind[0], "%s", kind);
    l->amount[l->n] = amount;
    snprintf(num, sizeof num, "%d", ++l->n);
    *result = text(num);
    return 0;
}

/* Verify and evaluate one formula; prints the value or why not. Returns 0 when it ran. */
static int evaluate(const pv_policy *policy, const char *expr, const char *const *names,
                    size_t nnames, const char *input)
{
    ledger book = {.n = 0};
    pv_host_function fns[] = {{"rate", rate, NULL}, {"record", record, &book}};
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    pv_program *prog = NULL;
    pv_run_result *res = NULL;
    int rc = 1;

    vo.mode = PV_MODE_EXPR;
    vo.globals = names;
    vo.nglobals = nnames;
    printf("%s\n", expr);
    if (pv_verify(&prog, policy, expr, strlen(expr), "<formula>", &vo) < 0) {
        printf("  error: %s\n", pv_last_error());
        return 1;
    }
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        const pv_diag *d = pv_program_diag(prog, 0);
        printf("  rejected: %s %s\n", d ? d->code : "", d ? d->message : "");
        pv_program_free(prog);
        return 1;
    }
    ro.input_json = input;
    ro.host_functions = fns;
    ro.n_host_functions = 2;
    ro.max_host_calls = 100;
    if (pv_run(&res, prog, &ro) < 0) {
        printf("  error: %s\n", pv_last_error());
    } else if (pv_run_result_status(res) == PV_RUN_OK) {
        printf("  = %s\n", pv_run_result_value(res));
        rc = 0;
    } else {
        printf("  %s: %s%s%s\n", pv_run_status_name(pv_run_result_status(res)),
               pv_run_result_exception_type(res) ? pv_run_result_exception_type(res) : "",
               pv_run_result_exception_message(res) ? ": " : "",
               pv_run_result_exception_message(res) ? pv_run_result_exception_message(res)
                                                    : "");
    }
    for (int i = 0; i < book.n; i++)
        printf("  ledger %d: %s %.2f\n", i + 1, book.kind[i], book.amount[i]);
    pv_run_result_free(res);
    pv_program_free(prog);
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const demo_names[] = {"amount", "currency"};
    static const char *const demo[] = {
        "round(amount * rate(currency), 2)",
        "record('invoice', round(amount * rate(currency), 2))",
        "[record('line', x * rate('USD')) for x in (10, 20)]",
        "rate('XYZ')",
        "rate.__self__",
        "open('/etc/passwd').read()",
    };
    const char *names[32];
    char input[2048];
    size_t nnames = 0, il;
    pv_policy *policy = NULL;
    int rc = 0;

    if (pv_init() < 0 || pv_policy_load_buffer(&policy, rules, strlen(rules), "erp.toml") < 0) {
        fprintf(stderr, "erp: %s\n", pv_last_error());
        return 2;
    }
    if (argc < 2) {
        for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
            evaluate(policy, demo[i], demo_names, 2, "{\"amount\": 100, \"currency\": \"GBP\"}");
    } else {
        il = (size_t)snprintf(input, sizeof input, "{");
        for (int i = 2; i < argc && nnames < 32; i++) {
            char *eq = strchr(argv[i], '='), *end;
            double v;
            if (!eq || eq == argv[i]) {
                fprintf(stderr, "erp: '%s' is not NAME=NUMBER\n", argv[i]);
                rc = 2;
                goto out;
            }
            *eq = '\0';
            v = strtod(eq + 1, &end);
            if (end == eq + 1 || *end || il >= sizeof input - 64) {
                fprintf(stderr, "erp: '%s' is not a number\n", eq + 1);
                rc = 2;
                goto out;
            }
            names[nnames++] = argv[i];
            il += (size_t)snprintf(input + il, sizeof input - il, "%s\"%s\": %.17g",
                                   nnames > 1 ? ", " : "", argv[i], v);
        }
        snprintf(input + il, sizeof input - il, "}");
        rc = evaluate(policy, argv[1], names, nnames, input) ? 3 : 0;
    }
out:
    pv_policy_free(policy);
    pv_shutdown();
    return rc;
}
