/*
 * conn.c: the front end's connection guard (issue 20): deadlines for the request head and
 * the body, a reserve of connections that stalled clients cannot take, and
 * libmicrohttpd's messages counted instead of logged one line each.
 *
 * Every connection is tracked from the moment libmicrohttpd accepts it
 * (MHD_OPTION_NOTIFY_CONNECTION) to its close. It is "pending" while it has not sent a
 * whole request: waiting for the head (a new connection, or a keep-alive one between two
 * requests) or for the body. A reaper thread cuts (shutdown(2); libmicrohttpd then sees
 * the end of the stream and closes it) every connection whose head took longer than
 * --head-timeout or whose body took longer than --body-timeout. And pending connections
 * may hold at most --max-connections minus --reserve-connections slots: when one more
 * arrives the oldest pending one is cut. A client that sends its request at once is
 * pending for microseconds, so it always finds room, whoever stalls; a connection that
 * is waiting for a run it asked for is never cut (the queue quotas bound those).
 *
 * The socket of a connection stays open until after MHD_CONNECTION_NOTIFY_CLOSED
 * (libmicrohttpd 0.9.75, daemon.c: the notification comes before MHD_socket_close_chk_),
 * so a tracked descriptor is always the connection's own while it is in the list.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "service.h"

enum { ST_HEAD = PVS_CONN_HEAD, ST_BODY = PVS_CONN_BODY, ST_BUSY = PVS_CONN_BUSY };

struct pvs_conn {
    int fd;
    int stage;        /* ST_* */
    bool cut;         /* shut down by us; no longer pending */
    double since;     /* when the current stage began */
    pvs_conn *prev, *next;
};

static struct {
    pthread_mutex_t mu;
    pvs_conn *head, *tail;  /* oldest first (by connection) */
    unsigned open, pending, pending_max;
    double head_s, body_s;
    pthread_t reaper;
    bool started, stop;
    unsigned long long accepted, cut_head, cut_body, evicted, mhd_messages;
    double last_log;
    unsigned long long logged_at; /* mhd_messages when a line was last printed */
} C = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With C.mu held: cut a pending connection. */
static void cut(pvs_conn *k, unsigned long long *counter)
{
    if (k->cut)
        return;
    shutdown(k->fd, SHUT_RDWR);
    k->cut = true;
    if (k->stage != ST_BUSY)
        C.pending--;
    (*counter)++;
}

static void set_stage(pvs_conn *k, int stage)
{
    if (!k->cut) {
        if (k->stage != ST_BUSY && stage == ST_BUSY)
            C.pending--;
        else if (k->stage == ST_BUSY && stage != ST_BUSY)
            C.pending++;
    }
    k->stage = stage;
    k->since = now_s();
}

void pvs_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    pvs_conn *k = *socket_context;
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k = calloc(1, sizeof *k);
        if (!k || !ci) {
            /* untracked connections would escape the deadlines: refuse it */
            if (ci)
                shutdown(ci->connect_fd, SHUT_RDWR);
            free(k);
            return;
        }
        k->fd = ci->connect_fd;
        k->stage = ST_HEAD;
        k->since = now_s();
        pthread_mutex_lock(&C.mu);
        k->prev = C.tail;
        if (C.tail)
            C.tail->next = k;
        else
            C.head = k;
        C.tail = k;
        C.open++;
        C.pending++;
        C.accepted++;
        /* the reserve: pending connections never hold more than pending_max slots. The
           oldest still sending its head goes first (a slowloris), then the oldest sending
           its body: a client whose head is in (its request is being read, or answered on a
           loaded machine) is not cut for a newer one that has sent nothing yet */
        for (int pass = 0; pass < 2; pass++)
            for (pvs_conn *o = C.head; o && C.pending > C.pending_max; o = o->next)
                if (o != k && !o->cut && (pass == 0 ? o->stage == ST_HEAD : o->stage != ST_BUSY))
                    cut(o, &C.evicted);
        pthread_mutex_unlock(&C.mu);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && k) {
        pthread_mutex_lock(&C.mu);
        if (k->prev)
            k->prev->next = k->next;
        else
            C.head = k->next;
        if (k->next)
            k->next->prev = k->prev;
        else
            C.tail = k->prev;
        C.open--;
        if (!k->cut && k->stage != ST_BUSY)
            C.pending--;
        pthread_mutex_unlock(&C.mu);
        free(k);
        *socket_context = NULL;
    }
}

static pvs_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? (pvs_conn *)ci->socket_context : NULL;
}

void pvs_conn_stage(struct MHD_Connection *c, int stage)
{
    pvs_conn *k = conn_of(c);
    if (!k)
        return;
    pthread_mutex_lock(&C.mu);
    set_stage(k, stage);
    pthread_mutex_unlock(&C.mu);
}

static void *reaper(void *arg)
{
    (void)arg;
    for (;;) {
        double now;
        pthread_mutex_lock(&C.mu);
        if (C.stop) {
            pthread_mutex_unlock(&C.mu);
            return NULL;
        }
        now = now_s();
        for (pvs_conn *k = C.head; k; k = k->next) {
            if (k->cut)
                continue;
            if (k->stage == ST_HEAD && now - k->since > C.head_s)
                cut(k, &C.cut_head);
            else if (k->stage == ST_BODY && now - k->since > C.body_s)
                cut(k, &C.cut_body);
        }
        pthread_mutex_unlock(&C.mu);
        usleep(100000);
    }
}

int pvs_conn_start(double head_s, double body_s, unsigned max_connections, unsigned reserve)
{
    C.head_s = head_s;
    C.body_s = body_s;
    C.pending_max = reserve < max_connections ? max_connections - reserve : 1;
    if (pthread_create(&C.reaper, NULL, reaper, NULL) != 0)
        return -1;
    C.started = true;
    return 0;
}

void pvs_conn_stop(void)
{
    if (!C.started)
        return;
    pthread_mutex_lock(&C.mu);
    C.stop = true;
    pthread_mutex_unlock(&C.mu);
    pthread_join(C.reaper, NULL);
    C.started = false;
}

/* libmicrohttpd's messages (MHD_OPTION_EXTERNAL_LOGGER): a client that aborts connections
 * would otherwise write a line each. Counted; one line per minute at most says how many. */
void pvs_conn_logger(void *cls, const char *fmt, va_list ap)
{
    char msg[300];
    unsigned long long n, skipped = 0;
    bool print = false;
    double now = now_s();
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    pthread_mutex_lock(&C.mu);
    n = ++C.mhd_messages;
    if (C.last_log == 0 || now - C.last_log >= 60) {
        print = true;
        skipped = n - 1 - C.logged_at;
        C.last_log = now;
        C.logged_at = n;
    }
    pthread_mutex_unlock(&C.mu);
    if (print)
        fprintf(stderr, "pyverify serve: libmicrohttpd: %s (%llu more since the last such "
                        "line; all are counted in pyverify_http_library_messages_total)\n",
                msg, skipped);
}

char *pvs_conn_metrics_text(size_t *len)
{
    char *t = NULL;
    int n;
    pthread_mutex_lock(&C.mu);
    n = asprintf(&t,
                 "# HELP pyverify_connections_open HTTP connections open.\n"
                 "# TYPE pyverify_connections_open gauge\npyverify_connections_open %u\n"
                 "# HELP pyverify_connections_pending Connections that have not sent a whole "
                 "request yet.\n"
                 "# TYPE pyverify_connections_pending gauge\npyverify_connections_pending %u\n"
                 "# HELP pyverify_connections_total Connections accepted.\n"
                 "# TYPE pyverify_connections_total counter\npyverify_connections_total %llu\n"
                 "# HELP pyverify_connections_cut_total Connections closed by the service: "
                 "head or body deadline passed, or the oldest pending one when the reserve "
                 "was reached.\n"
                 "# TYPE pyverify_connections_cut_total counter\n"
                 "pyverify_connections_cut_total{reason=\"head_timeout\"} %llu\n"
                 "pyverify_connections_cut_total{reason=\"body_timeout\"} %llu\n"
                 "pyverify_connections_cut_total{reason=\"reserve\"} %llu\n"
                 "# HELP pyverify_http_library_messages_total Messages of libmicrohttpd (aborted "
                 "connections, refusals at the limits), counted instead of logged.\n"
                 "# TYPE pyverify_http_library_messages_total counter\n"
                 "pyverify_http_library_messages_total %llu\n",
                 C.open, C.pending, C.accepted, C.cut_head, C.cut_body, C.evicted,
                 C.mhd_messages);
    pthread_mutex_unlock(&C.mu);
    if (n < 0)
        return NULL;
    *len = (size_t)n;
    return t;
}
