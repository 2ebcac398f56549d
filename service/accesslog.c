/*
 * accesslog.c: one JSON line per answered request (issue 20), to stderr or to
 * --access-log FILE:
 *
 *   {"time":"2026-12-03T12:00:00.123Z","client":"alice","method":"POST","path":"/v1/run",
 *    "status":200,"run_status":"ok","ms":12.3,"id":42}
 *
 * "client" is null before authentication (401s, /healthz, 404s), "run_status" null but for
 * runs, "id" 0 when no job was made. The path is the endpoint's, never the request's own
 * text ("other" for an unknown one): nothing a client sends is copied into the log. Each
 * line is a single write(2) on a descriptor opened with O_APPEND, so lines of concurrent
 * requests never interleave. Connections that end without an answer write nothing (their
 * count is in /metrics).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pyverify.h"
#include "service.h"

static int g_fd = 2;

int pvs_access_open(const char *path)
{
    int fd;
    if (!path)
        return 0;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        fprintf(stderr, "pyverify serve: --access-log %s: %s\n", path, strerror(errno));
        return -1;
    }
    g_fd = fd;
    return 0;
}

void pvs_access_log(const char *method, const char *path, const char *client, int status,
                    int run_status, double ms, unsigned long long id)
{
    char line[512], when[40], who[80], rs[40];
    struct timespec ts;
    struct tm tm;
    int n;
    ssize_t w;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    /* client names are [A-Za-z0-9_.-] (clients.c): nothing to escape */
    if (client)
        snprintf(who, sizeof who, "\"%s\"", client);
    else
        snprintf(who, sizeof who, "null");
    if (run_status >= 0)
        snprintf(rs, sizeof rs, "\"%s\"", pv_run_status_name((pv_run_status)run_status));
    else
        snprintf(rs, sizeof rs, "null");
    n = snprintf(line, sizeof line,
                 "{\"time\":\"%s.%03ldZ\",\"client\":%s,\"method\":\"%s\",\"path\":\"%s\","
                 "\"status\":%d,\"run_status\":%s,\"ms\":%.1f,\"id\":%llu}\n",
                 when, ts.tv_nsec / 1000000L, who, method, path, status, rs, ms, id);
    if (n <= 0 || (size_t)n >= sizeof line)
        return;
    do
        w = write(g_fd, line, (size_t)n);
    while (w < 0 && errno == EINTR);
}
