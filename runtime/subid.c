/*
 * subid.c: per-run uids for a host that is not root (subid.h).
 *
 * Root gives each child its own uid by dropping to it. A non-root host cannot; what it may
 * have is a subordinate range (/etc/subuid, /etc/subgid) and the setuid helpers newuidmap
 * and newgidmap, which map ids of that range into a user namespace of the user's. So the
 * template claims a block of the range and moves, once, into a user namespace where the
 * block is mapped to ids 0 to 16: root there, it is the block's first id from outside, and
 * its children drop to ids 1 to 16 exactly as a root template's children drop to theirs
 * (then unshare their own namespaces below it). From outside each run is then a uid no
 * other process has, distinct among live runs: it can signal or trace nothing of the
 * host's, the template's, or another run's. The host's own uid and gid are never mapped.
 * Two helper execs per template, none per run.
 *
 * The files are parsed strictly; anything that does not parse, a missing helper or a helper
 * that fails leaves the template where it was, without per-run uids (reported by each run,
 * never silently).
 */
#include "subid.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PVX_SUBID_MAX_RANGES 16
#define PVX_SUBID_ID_MAX 0xFFFFFFFEul /* (uid_t)-1 is no id */

/* The helpers found by pvx_subid_claim (fixed places: the template has no PATH). */
static const char *g_newuidmap, *g_newgidmap;

/* A decimal number of 1 to 10 digits that fits in 32 bits: 0, or -1. */
static int parse_u32(const char *s, size_t n, unsigned long *v)
{
    unsigned long x = 0;
    if (n == 0 || n > 10)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10ul + (unsigned long)(s[i] - '0');
    }
    if (x > 0xFFFFFFFFul)
        return -1;
    *v = x;
    return 0;
}

/* One line: NULL with *r set and *mine telling whether it is this user's, or why not. */
static const char *parse_line(const char *s, size_t n, const char *name, unsigned long uid,
                              pvx_subid_range *r, int *mine)
{
    const char *c1 = memchr(s, ':', n), *c2;
    size_t olen;
    unsigned long owner;
    if (memchr(s, '\0', n))
        return "a NUL byte";
    if (!c1 || !(c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s))) ||
        memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - s)))
        return "not owner:start:count";
    olen = (size_t)(c1 - s);
    if (olen == 0)
        return "no owner";
    for (size_t i = 0; i < olen; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return "a space or control character in the owner";
    if (parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &r->start) < 0)
        return "the start is not a decimal number below 2^32";
    if (parse_u32(c2 + 1, n - (size_t)(c2 + 1 - s), &r->count) < 0)
        return "the count is not a decimal number below 2^32";
    if (r->count == 0)
        return "an empty range";
    if (r->start == 0)
        return "a range holding id 0";
    if (r->start > PVX_SUBID_ID_MAX || r->count > PVX_SUBID_ID_MAX - r->start + 1)
        return "a range past 2^32 - 2";
    *mine = (name && strlen(name) == olen && memcmp(s, name, olen) == 0) ||
            (parse_u32(s, olen, &owner) == 0 && owner == uid);
    return NULL;
}

size_t pvx_subid_parse(const char *text, size_t len, const char *name, unsigned long uid,
                       pvx_subid_range *out, size_t max, pvx_subid_diag diag, void *ctx)
{
    size_t found = 0, i = 0;
    unsigned line = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t j = nl ? (size_t)(nl - text) : len;
        pvx_subid_range r = {0, 0};
        int mine = 0;
        const char *why;
        line++;
        if (j > i) {
            why = parse_line(text + i, j - i, name, uid, &r, &mine);
            if (why) {
                if (diag)
                    diag(ctx, line, why);
            } else if (mine) {
                if (found < max)
                    out[found] = r;
                found++;
            }
        }
        i = j + 1;
    }
    return found;
}

/* ---- claiming a block ----------------------------------------------------------------- */

typedef struct diag_ctx {
    const char *file;
    char first[160];
} diag_ctx;

/* The first malformed line, quoted in the reason given when no range is found. */
static void keep_diag(void *p, unsigned line, const char *why)
{
    diag_ctx *d = p;
    if (!d->first[0])
        snprintf(d->first, sizeof d->first, "; %s:%u ignored: %s", d->file, line, why);
}

/* The whole file (NUL-terminated, its length in *len), or NULL. */
static char *read_small(const char *path, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t off = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (unsigned long long)st.st_size > PVX_SUBID_MAX_FILE ||
        !(buf = malloc((size_t)st.st_size + 1)))
        goto fail;
    while (off < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        off += (size_t)n;
    }
    buf[off] = '\0';
    *len = off;
    close(fd);
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

static const char *find_helper(const char *name, char *store, size_t n)
{
    static const char *const dirs[] = {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(store, n, "%s%s", dirs[i], name);
        if (access(store, X_OK) == 0)
            return store;
    }
    return NULL;
}

/* This user's ranges in `path`: how many (up to PVX_SUBID_MAX_RANGES), or -1. */
static int user_ranges(const char *path, const char *name, unsigned long uid,
                       pvx_subid_range *r, char *buf, size_t buflen, const char **why)
{
    diag_ctx d = {path, ""};
    size_t len = 0, n;
    char *text = read_small(path, &len);
    if (!text) {
        snprintf(buf, buflen, "%s cannot be read (or is not a small regular file)", path);
        *why = buf;
        return -1;
    }
    n = pvx_subid_parse(text, len, name, uid, r, PVX_SUBID_MAX_RANGES, keep_diag, &d);
    free(text);
    if (n == 0) {
        snprintf(buf, buflen, "no range for %s (uid %lu) in %s%s", name, uid, path, d.first);
        *why = buf;
        return -1;
    }
    return n > PVX_SUBID_MAX_RANGES ? PVX_SUBID_MAX_RANGES : (int)n;
}

static bool holds(unsigned long first, unsigned long n, unsigned long id)
{
    return id >= first && id - first < n;
}

int pvx_subid_claim(pvx_subid_block *b, unsigned long hint, unsigned long want_base,
                    unsigned long want_count, const char **why, char *buf, size_t buflen)
{
    static char uidmap_path[64], gidmap_path[64];
    pvx_subid_range ur[PVX_SUBID_MAX_RANGES], gr[PVX_SUBID_MAX_RANGES];
    unsigned long uid = (unsigned long)getuid(), gid = (unsigned long)getgid();
    unsigned long ustart = 0, gstart = 0, n = 0, off, blocks;
    struct passwd pw, *pwp = NULL;
    char pwbuf[4096];
    int nu, ng, ui = -1, gi = -1;
    bool whole = want_base == PV_RUNNER_UID_BASE && want_count == PV_RUNNER_UID_COUNT;

    b->claim_fd = -1;
    b->uid_first = b->gid_first = 0;
    g_newuidmap = find_helper("newuidmap", uidmap_path, sizeof uidmap_path);
    g_newgidmap = find_helper("newgidmap", gidmap_path, sizeof gidmap_path);
    if (!g_newuidmap || !g_newgidmap) {
        *why = "newuidmap/newgidmap are not installed (Debian: uidmap)";
        return -1;
    }
    if (getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof pwbuf, &pwp) != 0 || !pwp) {
        *why = "this uid has no passwd entry (newuidmap needs one)";
        return -1;
    }
    if ((nu = user_ranges("/etc/subuid", pw.pw_name, uid, ur, buf, buflen, why)) < 0 ||
        (ng = user_ranges("/etc/subgid", pw.pw_name, uid, gr, buf, buflen, why)) < 0)
        return -1;
    /* the uids: the first range of PVX_SUBID_BLOCK or more, or the one holding the runner's;
       the gids: the first range of as many, at the same offset */
    for (int i = 0; i < nu && ui < 0; i++) {
        if (whole ? ur[i].count >= PVX_SUBID_BLOCK
                  : holds(ur[i].start, ur[i].count, want_base) &&
                        want_count <= ur[i].count - (want_base - ur[i].start))
            ui = i;
    }
    if (ui < 0) {
        *why = whole ? "no subordinate uid range of 17 ids or more"
                     : "the runner's uid range is not within a subordinate uid range";
        return -1;
    }
    ustart = whole ? ur[ui].start : want_base;
    n = whole ? ur[ui].count : want_count;
    off = ustart - ur[ui].start;
    for (int i = 0; i < ng && gi < 0; i++)
        if (gr[i].count >= PVX_SUBID_BLOCK && gr[i].count - PVX_SUBID_BLOCK >= off)
            gi = i;
    if (gi < 0) {
        *why = "no subordinate gid range of 17 ids or more at the uids' offset";
        return -1;
    }
    gstart = gr[gi].start + off;
    if (gr[gi].count - off < n)
        n = gr[gi].count - off;
    blocks = n / PVX_SUBID_BLOCK;
    if (blocks == 0) {
        *why = "the runner's uid range holds fewer than 17 ids";
        return -1;
    }
    /* a block is ours while we hold an abstract socket named after it: released when this
       process dies, whoever it was; another template (of any user) finds it taken */
    for (unsigned long k = 0; k < blocks; k++) {
        unsigned long bi = (hint + k) % blocks;
        unsigned long u0 = ustart + bi * PVX_SUBID_BLOCK, g0 = gstart + bi * PVX_SUBID_BLOCK;
        struct sockaddr_un sa;
        socklen_t salen;
        int fd, len;
        if (holds(u0, PVX_SUBID_BLOCK, uid) || holds(g0, PVX_SUBID_BLOCK, gid))
            continue; /* never the host's own ids */
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        len = snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "pyverify-subid-%lu", u0);
        salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            *why = "socket() for the block's claim failed";
            return -1;
        }
        if (bind(fd, (struct sockaddr *)&sa, salen) == 0) {
            b->claim_fd = fd;
            b->uid_first = u0;
            b->gid_first = g0;
            return 0;
        }
        close(fd);
        if (errno != EADDRINUSE) {
            *why = "bind() for the block's claim failed";
            return -1;
        }
    }
    *why = "every block of the subordinate range is claimed by another template";
    return -1;
}

/* ---- entering the namespace ---------------------------------------------------------- */

/* `exe pid 0 first PVX_SUBID_BLOCK`, with an empty environment, stdin/stdout on /dev/null
 * and stderr on a pipe: 0, or -1 with its first line of error (or its status) in why. */
static int run_map(const char *exe, pid_t pid, unsigned long first, char *why, size_t n)
{
    char a_pid[24], a_out[24], a_n[24];
    char *const argv[] = {(char *)exe, a_pid, (char *)"0", a_out, a_n, NULL};
    char *const envp[] = {NULL};
    posix_spawn_file_actions_t fa;
    int ep[2], ws = 0, rc;
    pid_t h;
    ssize_t got = 0, r;

    snprintf(a_pid, sizeof a_pid, "%ld", (long)pid);
    snprintf(a_out, sizeof a_out, "%lu", first);
    snprintf(a_n, sizeof a_n, "%lu", PVX_SUBID_BLOCK);
    if (pipe2(ep, O_CLOEXEC) < 0) {
        snprintf(why, n, "pipe2: %s", strerror(errno));
        return -1;
    }
    if (posix_spawn_file_actions_init(&fa) != 0) {
        close(ep[0]);
        close(ep[1]);
        snprintf(why, n, "posix_spawn_file_actions_init failed");
        return -1;
    }
    rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (rc == 0)
        rc = posix_spawn(&h, exe, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(ep[1]);
    if (rc != 0) {
        close(ep[0]);
        snprintf(why, n, "%s: %s", exe, strerror(rc));
        return -1;
    }
    while (got < (ssize_t)n - 1 && ((r = read(ep[0], why + got, n - 1 - (size_t)got)) > 0 ||
                                    (r < 0 && errno == EINTR)))
        got += r > 0 ? r : 0;
    close(ep[0]);
    why[got] = '\0';
    while (waitpid(h, &ws, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        return 0;
    why[strcspn(why, "\n")] = '\0';
    if (got == 0)
        snprintf(why, n, "%s failed (wait status %d)", exe, ws);
    return -1;
}

int pvx_subid_enter(const pvx_subid_block *b, const char **why, char *buf, size_t buflen)
{
    int up[2] = {-1, -1}, hold[2] = {-1, -1}, ns = -1, rc = -1;
    char path[64], c = 0;
    pid_t probe;
    ssize_t r;

    *why = buf;
    buf[0] = '\0';
    if (!g_newuidmap || !g_newgidmap || b->claim_fd < 0) {
        *why = "no block of subordinate ids";
        return -1;
    }
    if (pipe2(up, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0) {
        snprintf(buf, buflen, "pipe2: %s", strerror(errno));
        goto out;
    }
    probe = fork();
    if (probe == 0) {
        /* the probe: its own user namespace, said on `up`; lives until `hold` closes */
        char ok = unshare(CLONE_NEWUSER) == 0 ? 'U' : 'N';
        close(hold[1]); /* EOF on hold[0] when the parent closes its end */
        if (write(up[1], &ok, 1) != 1)
            _exit(1);
        if (read(hold[0], &ok, 1) < 0)
            _exit(1);
        _exit(0);
    }
    if (probe < 0) {
        snprintf(buf, buflen, "fork: %s", strerror(errno));
        goto out;
    }
    close(up[1]);
    up[1] = -1;
    close(hold[0]);
    hold[0] = -1;
    do
        r = read(up[0], &c, 1);
    while (r < 0 && errno == EINTR);
    if (r != 1 || c != 'U')
        snprintf(buf, buflen, "unshare(CLONE_NEWUSER) failed in the probe");
    else if (run_map(g_newuidmap, probe, b->uid_first, buf, buflen) == 0 &&
             run_map(g_newgidmap, probe, b->gid_first, buf, buflen) == 0) {
        snprintf(path, sizeof path, "/proc/%ld/ns/user", (long)probe);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWUSER) < 0)
            snprintf(buf, buflen, "joining the namespace: %s", strerror(errno));
        else if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
            snprintf(buf, buflen, "becoming root of the namespace: %s", strerror(errno));
            rc = -2;
        } else
            rc = 0;
    }
    close(hold[1]);
    hold[1] = -1;
    while (waitpid(probe, NULL, 0) < 0 && errno == EINTR)
        ;
out:
    if (ns >= 0)
        close(ns);
    for (int i = 0; i < 2; i++) {
        if (up[i] >= 0)
            close(up[i]);
        if (hold[i] >= 0)
            close(hold[i]);
    }
    if (rc == 0)
        *why = NULL;
    return rc;
}
