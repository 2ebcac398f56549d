/*
 * limits.h: every limit pyverify enforces, with its name and default in one place
 * (in the manner of Lua's llimits.h and SQLite's sqliteLimit.h). Each has a rules-file
 * key in [limits] of the same name, and a test at its boundary.
 */
#ifndef PV_LIMITS_H
#define PV_LIMITS_H

#include <stddef.h>

/* Largest source accepted, in bytes, before decoding. */
#define PV_DEFAULT_MAX_SOURCE_BYTES (1024u * 1024u)
/* Deepest syntax tree (nodes from the root, the root being depth 1). */
#define PV_DEFAULT_MAX_DEPTH 200u
/* Most syntax nodes in one tree. */
#define PV_DEFAULT_MAX_NODES 500000u
/* Most diagnostics reported for one file (one more says that reporting stopped). */
#define PV_DEFAULT_MAX_DIAGNOSTICS 100u
/* PCRE2 match limit and depth limit for every policy pattern. */
#define PV_DEFAULT_REGEX_MATCH_LIMIT 100000u
#define PV_DEFAULT_REGEX_DEPTH_LIMIT 1000u
/* Most nested code objects walked by the bytecode layer, and their nesting. */
#define PV_DEFAULT_MAX_CODE_OBJECTS 10000u
#define PV_MAX_CODE_NESTING 200u
/* A rules file larger than this is refused. */
#define PV_MAX_RULES_BYTES (1024u * 1024u)
/* Hard ceilings a rules file cannot raise limits beyond. */
#define PV_CEILING_MAX_SOURCE_BYTES (64u * 1024u * 1024u)
#define PV_CEILING_MAX_DEPTH 10000u
#define PV_CEILING_MAX_NODES 20000000u
#define PV_CEILING_MAX_DIAGNOSTICS 100000u

typedef struct pv_limits {
    size_t max_source_bytes;
    size_t max_depth;
    size_t max_nodes;
    size_t max_diagnostics;
    size_t regex_match_limit;
    size_t regex_depth_limit;
} pv_limits;

#endif /* PV_LIMITS_H */
