/*
 * agent.c: an agent-style code interpreter on a pyverify session.
 *
 *   agent [CELL]...     run each CELL (Python source) in one session; with no argument,
 *                       the demo cells below
 *
 * The cells share their globals, like a notebook's: one sandboxed child, every layer on,
 * lives for the whole session. Each cell is verified before it runs, with what the earlier
 * cells bound (pv_session_verify); a rejected cell is reported and
 * not run; an exception ends the cell, not the session. A host function, note(text), lets
 * cells hand text to the host. The child is killed at the end (or at a limit, or after the
 * idle timeout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pyverify.h>

static const char rules[] = "[host]\nfunctions = [\"note\"]\n";

static int note(void *ctx, const char *name, const char *args, size_t len, char **result,
                char **error)
{
    int *notes = ctx;
    (void)name, (void)error;
    printf("  [host] note #%d: %.*s\n", ++*notes, (int)len, args);
    *result = malloc(5);
    if (*result)
        memcpy(*result, "null", 5);
    return 0;
}

static void cell(pv_session *s, const pv_policy *policy, const char *src, int *notes)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_host_function fns[] = {{"note", note, notes}};
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    pv_program *prog = NULL;
    pv_run_result *res = NULL;

    printf(">>> %s\n", src);
    (void)policy; /* the session's */
    if (pv_session_verify(&prog, s, src, strlen(src), "<cell>", &vo) < 0) {
        printf("  error: %s\n", pv_last_error());
        return;
    }
    if (pv_program_verdict(prog) != PV_ACCEPTED) {
        const pv_diag *d = pv_program_diag(prog, 0);
        printf("  rejected: %s %s (not run)\n", d ? d->code : "", d ? d->message : "");
        pv_program_free(prog);
        return;
    }
    ro.cpu_s = 0.5;
    ro.timeout_s = 5; /* a loaded machine still ends a CPU loop by its CPU limit */
    ro.host_functions = fns;
    ro.n_host_functions = 1;
    if (pv_session_run(s, &res, prog, &ro) < 0) {
        printf("  error: %s\n", pv_last_error());
    } else {
        fputs(pv_run_result_stdout(res, NULL), stdout);
        if (pv_run_result_status(res) != PV_RUN_OK)
            printf("  %s%s%s%s\n", pv_run_status_name(pv_run_result_status(res)),
                   pv_run_result_exception_type(res) ? ": " : "",
                   pv_run_result_exception_type(res) ? pv_run_result_exception_type(res) : "",
                   pv_session_alive(s) ? "" : " (the session has ended)");
    }
    pv_run_result_free(res);
    pv_program_free(prog);
}

int main(int argc, char **argv)
{
    static const char *const demo[] = {
        "data = [3, 1, 2]\nprint('loaded', len(data))",
        "data.sort()\ndef mean(xs):\n    return sum(xs) / len(xs)\nprint(data, mean(data))",
        "note('mean is ' + str(mean(data)))",
        "data.append(1 / 0)",
        "print(data, 'still here')",
        "import os\nos.system('id')",
        "while True:\n    pass",
        "print(data)",
    };
    pv_policy *policy = NULL;
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    int notes = 0;

    if (pv_init() < 0 || pv_policy_load_buffer(&policy, rules, strlen(rules), "agent.toml") < 0 ||
        pv_session_new(&s, policy, &so) < 0) {
        fprintf(stderr, "agent: %s\n", pv_last_error());
        return 2;
    }
    if (argc < 2)
        for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++)
            cell(s, policy, demo[i], &notes);
    else
        for (int i = 1; i < argc; i++)
            cell(s, policy, argv[i], &notes);
    pv_session_free(s);
    pv_policy_free(policy);
    pv_shutdown();
    return 0;
}
