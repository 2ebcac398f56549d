/*
 * standalone.c: a main() for fuzz targets built without libFuzzer (GCC, or any compiler).
 * Runs LLVMFuzzerTestOneInput once per file; arguments are files or directories (read
 * recursively, sorted, hidden entries skipped). Each input gets PV_FUZZ_TIMEOUT seconds
 * (default 10, like libFuzzer's -timeout) before SIGALRM ends the process. libFuzzer's
 * flags (arguments starting with '-') are ignored, so one command line serves both builds.
 * Exit status: 0 every input ran, 1 an input could not be read; a finding aborts (SIGABRT,
 * after naming the input), a hang exits with 70.
 */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz_common.h"

static size_t g_count;
static const char *g_current = "";

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "standalone: timeout on input ";
    ssize_t w = write(2, msg, sizeof msg - 1);
    w = write(2, g_current, strlen(g_current));
    w = write(2, "\n", 1);
    (void)w;
    _exit(70);
}

/* A finding aborts: name the input before the default action ends the process. */
static void on_abort(int sig)
{
    static const char msg[] = "standalone: finding on input ";
    ssize_t w = write(2, msg, sizeof msg - 1);
    w = write(2, g_current, strlen(g_current));
    w = write(2, "\n", 1);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path, unsigned timeout)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "standalone: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "standalone: cannot read %s\n", path);
        return 1;
    }
    /* An exact-size copy, so that ASan sees reads past the end as libFuzzer would. */
    unsigned char *data = malloc(n ? n : 1);
    if (!data) {
        free(buf);
        return 1;
    }
    memcpy(data, buf, n);
    free(buf);
    g_current = path;
    alarm(timeout);
    LLVMFuzzerTestOneInput(data, n);
    alarm(0);
    free(data);
    g_count++;
    return 0;
}

static int run_path(const char *path, unsigned timeout, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "standalone: cannot stat %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path, timeout);
    if (depth > 16)
        return 0;
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "standalone: cannot open directory %s\n", path);
        return 1;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(names, cap * sizeof *names);
            if (!nv) {
                rc = 1;
                break;
            }
            names = nv;
        }
        names[nn] = strdup(e->d_name);
        if (!names[nn]) {
            rc = 1;
            break;
        }
        nn++;
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (p) {
            snprintf(p, len, "%s/%s", path, names[i]);
            rc |= run_path(p, timeout, depth + 1);
            free(p);
        } else {
            rc = 1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned timeout = 10;
    const char *t = getenv("PV_FUZZ_TIMEOUT");
    if (t && *t) {
        char *end = NULL;
        unsigned long v = strtoul(t, &end, 10);
        if (end && !*end && v > 0 && v < 3600)
            timeout = (unsigned)v;
    }
    signal(SIGALRM, on_alarm);
    signal(SIGABRT, on_abort);
    LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        rc |= run_path(argv[i], timeout, 0);
    }
    printf("standalone: %zu inputs replayed\n", g_count);
    return rc;
}
