/* output.c: how the command-line tool reads its inputs and prints diagnostics as text (their
 * JSON is runtime/run_json.c's, shared with the service). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int pv_cli_read(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (f != stdin)
            fclose(f);
        return -1;
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) /* already holds max+1 bytes or more: enough to say "too large" */
                break;
            size_t ncap = cap * 2;
            char *nb = realloc(b, ncap);
            if (!nb) {
                free(b);
                snprintf(err, errlen, "%s: out of memory", path);
                if (f != stdin)
                    fclose(f);
                return -1;
            }
            b = nb;
            cap = ncap;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    int e = errno;
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(b);
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

/* ANSI colours, used only when the caller asks (a terminal, --color always). */
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_CYAN "\033[36m"
#define C_OFF "\033[0m"

void pv_cli_print_diag_ex(FILE *out, const pv_program *prog, const pv_diag *d, unsigned flags)
{
    bool color = flags & PV_CLI_COLOR;
    fprintf(out, "%s%s:%u:%u:%s %s%s%s %s\n", color ? C_BOLD : "", d->file, d->line, d->col,
            color ? C_OFF : "", color ? C_RED : "", d->code, color ? C_OFF : "", d->message);
    if (flags & PV_CLI_QUIET)
        return;
    size_t len = 0;
    const char *line = d->line && prog ? pv_program_source_line(prog, d->line, &len) : NULL;
    if (line && len < 400) {
        fprintf(out, "    %.*s\n    ", (int)len, line);
        /* The caret: one column per character; tabs kept so that alignment holds. */
        unsigned col = 1;
        for (size_t i = 0; i < len && col < d->col; i++) {
            if (((unsigned char)line[i] & 0xC0) == 0x80)
                continue;
            fputc(line[i] == '\t' ? '\t' : ' ', out);
            col++;
        }
        unsigned width = 1;
        if (d->end_line == d->line && d->end_col > d->col)
            width = d->end_col - d->col;
        if (color)
            fputs(C_RED, out);
        for (unsigned i = 0; i < width && i < 200; i++)
            fputc('^', out);
        fputs(color ? C_OFF "\n" : "\n", out);
    }
    if (d->hint)
        fprintf(out, "    %shint:%s %s\n", color ? C_CYAN : "", color ? C_OFF : "", d->hint);
}

void pv_cli_print_diag(FILE *out, const pv_program *prog, const pv_diag *d)
{
    pv_cli_print_diag_ex(out, prog, d, 0);
}
