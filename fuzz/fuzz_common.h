/*
 * fuzz_common.h: what every fuzz target shares: the once-per-process set-up (the embedded
 * interpreter and the default policy) and the two entry points libFuzzer calls. The
 * standalone driver (standalone.c) calls the same entry points, so a GCC build replays
 * the corpus without libFuzzer.
 */
#ifndef PV_FUZZ_COMMON_H
#define PV_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "pyverify.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding that no sanitizer would see (a layer disagreement): say what and abort, so
 * that libFuzzer saves the input as crash-*. */
#define PV_FUZZ_FINDING(...)                                                                \
    do {                                                                                    \
        fprintf(stderr, "pyverify fuzz finding: " __VA_ARGS__);                             \
        fputc('\n', stderr);                                                                \
        abort();                                                                            \
    } while (0)

/* An API failure that must not happen for any input (pv_init, the default policy). */
#define PV_FUZZ_CHECK(expr)                                                                 \
    do {                                                                                    \
        int pv_fuzz_rc_ = (expr);                                                           \
        if (pv_fuzz_rc_ != 0)                                                               \
            PV_FUZZ_FINDING("%s failed: %s (%s)", #expr, pv_strerror(pv_fuzz_rc_),          \
                            pv_last_error());                                               \
    } while (0)

#endif
