/*
 * subid.h: per-run uids for a host that is not root (subid.c). Not installed.
 *
 * A template of a non-root host claims a block of PVX_SUBID_BLOCK ids of its user's
 * subordinate ranges (/etc/subuid, /etc/subgid), so that two live templates never hold the
 * same block, and enters a user namespace where the block is mapped to ids 0 to
 * PVX_SUBID_SLOTS (newuidmap/newgidmap, package uidmap): root there, the template is id 0 of
 * the block, and its children drop to ids 1 to PVX_SUBID_SLOTS as a root template's drop to
 * theirs (template.c, sandbox.c).
 */
#ifndef PV_SUBID_H
#define PV_SUBID_H

#include "runtime.h"

#include <sys/types.h>

#define PVX_SUBID_SLOTS 16ul                    /* the children's ids: 1 .. SLOTS inside */
#define PVX_SUBID_BLOCK (PVX_SUBID_SLOTS + 1ul) /* and the template's: 0 inside */
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
 * PVX_SUBID_BLOCK uids and gids (starting at the block `hint` mod the number of blocks),
 * none of them this process's uid or gid. `want_base`/`want_count`: the runner's range, or
 * PV_RUNNER_UID_BASE/PV_RUNNER_UID_COUNT for the first subordinate range; any other range
 * must lie in one. 0, or -1 with *why (static, or `buf`) saying why not. */
PVX_INTERNAL int pvx_subid_claim(pvx_subid_block *b, unsigned long hint,
                                 unsigned long want_base, unsigned long want_count,
                                 const char **why, char *buf, size_t buflen);

/* Enter a user namespace where the block is mapped to ids 0 .. PVX_SUBID_SLOTS and become
 * its root: uid and gid 0 inside (the block's first ids outside), no supplementary group.
 * A forked probe unshares the namespace, this process has newuidmap/newgidmap map it, then
 * joins it (setns): when anything before the join fails, nothing has changed. The caller
 * must be single-threaded. 0; -1 with *why (static, or buf) when it stayed outside; -2 when
 * it joined but could not become root there (unusable: it must exit). */
PVX_INTERNAL int pvx_subid_enter(const pvx_subid_block *b, const char **why, char *buf,
                                 size_t buflen);

#endif /* PV_SUBID_H */
