/*
 * subid.h: per-run uids for a host that is not root (subid.c). Not installed.
 *
 * A template of a non-root host takes a block of PVX_SUBID_SLOTS ids from its user's
 * subordinate ranges (/etc/subuid, /etc/subgid), claimed so that two live templates never
 * hold the same block; each child, once it has unshared its user namespace, gets its own
 * uid and gid of the block mapped to PVX_SUBID_INNER by newuidmap/newgidmap (uidmap), and
 * switches to them (sandbox.c, step "uid:per-run").
 */
#ifndef PV_SUBID_H
#define PV_SUBID_H

#include "runtime.h"

#include <sys/types.h>

#define PVX_SUBID_SLOTS 16ul
#define PVX_SUBID_INNER 65534ul /* the id the child has inside its namespace */
#define PVX_SUBID_MAX_FILE (1024u * 1024u)

/* One line of /etc/subuid or /etc/subgid: ids [start, start + count). */
typedef struct pvx_subid_range {
    unsigned long start, count;
} pvx_subid_range;

/* Called for each malformed line (1-based), which is ignored. */
typedef void (*pvx_subid_diag)(void *ctx, unsigned line, const char *why);

/* The ranges of `text` (a whole subuid/subgid file) that belong to the user `name` or to
 * the numeric `uid`, in file order: at most `max` go to out. Each line is exactly
 * `owner:start:count` (decimal, no sign, no space; count > 0; the range within
 * [1, 2^32 - 2]); empty lines are skipped, any other line is malformed. Returns how many
 * ranges matched (possibly more than max). */
PVX_INTERNAL size_t pvx_subid_parse(const char *text, size_t len, const char *name,
                                    unsigned long uid, pvx_subid_range *out, size_t max,
                                    pvx_subid_diag diag, void *ctx);

/* What a template holds: its block (first uid and gid), the descriptor that claims it. */
typedef struct pvx_subid_block {
    unsigned long uid_first, gid_first;
    int claim_fd;
} pvx_subid_block;

/* Find this user's subordinate ranges and newuidmap/newgidmap, and claim a free block of
 * PVX_SUBID_SLOTS uids and gids (starting at the block `hint` mod the number of blocks),
 * none of them this process's uid or gid or 0. `want_base`/`want_count`: the runner's
 * range, or PV_RUNNER_UID_BASE/PV_RUNNER_UID_COUNT for the whole subordinate range; any
 * other range must lie in it. 0, or -1 with why (a static or `buf` string) saying why not. */
PVX_INTERNAL int pvx_subid_claim(pvx_subid_block *b, unsigned long hint,
                                 unsigned long want_base, unsigned long want_count,
                                 const char **why, char *buf, size_t buflen);

/* The ids a child gets: a block's uid and gid, or uid 0 with why no per-run uid. */
typedef struct pvx_subid_ids {
    unsigned long uid, gid;
    const char *why;
} pvx_subid_ids;

/* In the parent, right after fork: wait (at most a few seconds) for the child to say on
 * `sock` that it has unshared its user namespace ('U'), have newuidmap and newgidmap map
 * PVX_SUBID_INNER to ids->uid / ids->gid in it, and answer 'M' (mapped) or 'F' + why.
 * A child that closes the socket instead (no user namespace) gets no answer. */
PVX_INTERNAL void pvx_subid_serve(pid_t pid, int sock, const pvx_subid_ids *ids);

#endif /* PV_SUBID_H */
