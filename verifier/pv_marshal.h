/*
 * pv_marshal.h: a bounds-checked validator of CPython 3.11's marshal format, restricted to
 * what the compiler writes into a .pyc (prefix pvm_). It reads bytes only: nothing is
 * built, no Python object is touched, and the GIL is not needed. Only a buffer it has
 * accepted may be handed to PyMarshal_ReadObjectFromString().
 */
#ifndef PV_MARSHAL_H
#define PV_MARSHAL_H

#include <stddef.h>

#include "internal.h"

/* Why a buffer was refused: the rule (one of PVR_MARSHAL_*), the byte offset where the
 * problem was found, and a message. */
typedef struct pvm_error {
    pv_rule rule;
    size_t offset;
    char msg[256];
} pvm_error;

/* What an accepted buffer holds, for reports and tests. */
typedef struct pvm_stats {
    size_t objects;      /* objects read, back-references included */
    size_t refs;         /* back-reference slots registered (FLAG_REF) */
    size_t code_objects;
    unsigned max_depth;
} pvm_stats;

/* Validate `len` bytes of marshal data holding exactly one code object (no trailing
 * bytes). Returns 0 when well-formed, 1 when refused (*err filled), <0 (PV_ERR_NOMEM) on
 * allocation failure. `stats` may be NULL. */
PV_INTERNAL int pvm_validate(const unsigned char *buf, size_t len, pvm_error *err,
                             pvm_stats *stats);

#endif /* PV_MARSHAL_H */
