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
/* Most f-string parsing work: for each '{' in an f-string, its offset from the opening quote
 * plus PV_FSTRING_FIELD_WORK (CPython 3.11 parses fields in time quadratic in the string's
 * length, and builds a parser per field; verifier/source.c). 300 million is about 0.3 s of
 * CPU for both static layers together on the reference machine. */
#define PV_DEFAULT_MAX_FSTRING_WORK 300000000u
/* The fixed cost of one f-string field, in bytes of the quadratic scan (fixed). */
#define PV_FSTRING_FIELD_WORK 8192u
/* Most tokens, counted from above before parsing (verifier/source.c, token_bound()). CPython's
 * PEG parser costs up to about 5 us and 1.4 KB per token when it fails and re-parses for its
 * error message (a 1 MB list of names with a trailing syntax error: 5 s and 1.4 GB);
 * 300000 tokens is about 1.1 s of CPU for both static layers on the reference machine. */
#define PV_DEFAULT_MAX_TOKENS 300000u
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
#define PV_CEILING_MAX_FSTRING_WORK 100000000000u
#define PV_CEILING_MAX_TOKENS 50000000u

/* Compiled code (.pyc and marshalled code objects; verifier/marshal.c, verifier/pyc.c).
 * These are fixed: a rules file cannot change them. */
/* Largest .pyc or marshal buffer accepted, in bytes. */
#define PV_MAX_PYC_BYTES (16u * 1024u * 1024u)
/* Deepest nesting of marshalled containers and code objects (the reader recurses). */
#define PV_MARSHAL_MAX_DEPTH 400u
/* Most objects (of any type, back-references included) in one marshal buffer. */
#define PV_MARSHAL_MAX_OBJECTS 2000000u
/* Most code objects in one marshal buffer (the bytecode layer's own limit is the same). */
#define PV_MARSHAL_MAX_CODE_OBJECTS PV_DEFAULT_MAX_CODE_OBJECTS
/* Most 15-bit digits of one marshalled int (TYPE_LONG): 4096 digits, 61440 bits. */
#define PV_MARSHAL_MAX_LONG_DIGITS 4096u
/* Most items of one frozenset constant (bounds the cost of hashing colliding items when
 * the set is built). */
#define PV_MARSHAL_MAX_SET_ITEMS 4096u
/* Most frozenset items in one buffer, all sets together. */
#define PV_MARSHAL_MAX_SET_ITEMS_TOTAL 65536u
/* Largest co_stacksize and most fast locals (co_nlocalsplus) of one code object. */
#define PV_MAX_STACKSIZE 16384u
#define PV_MAX_LOCALSPLUS 65535u
/* Most (instruction, stack slot) pairs the bytecode layer's typed stack analysis keeps for
 * one code object: instructions times (co_stacksize + 1). */
#define PV_MAX_STACK_CELLS (32u * 1024u * 1024u)

typedef struct pv_limits {
    size_t max_source_bytes;
    size_t max_depth;
    size_t max_nodes;
    size_t max_diagnostics;
    size_t regex_match_limit;
    size_t regex_depth_limit;
    size_t max_fstring_work;
    size_t max_tokens;
} pv_limits;

#endif /* PV_LIMITS_H */
