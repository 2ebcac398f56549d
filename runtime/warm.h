/*
 * warm.h: the requests a warm child reads on fd 4 (written by runner.c and batch.c, read by
 * warm_child.c and batch_child.c). Not installed.
 */
#ifndef PV_WARM_H
#define PV_WARM_H

#include <stdint.h>

/* One program for a pv_runner's warm child: this header, then code, input, stdin and
 * host-function names. */
#define PVX_REQ_MAGIC 0x31515250u /* "PRQ1" */
#define PVX_REQ_MAX (256u * 1024u * 1024u)

typedef struct pvx_request {
    uint32_t magic;
    uint32_t expr;
    double cpu_s;
    uint64_t memory_mb, max_value;
    uint64_t code_len, input_len, stdin_len;
    uint64_t host_len, max_host_bytes; /* host-function names, each NUL-terminated */
    /* 1: after the program, report its end (DONE: '0' or '1') and wait to be killed, up to
       PVX_END_WAIT_MS, then exit as usual (runner.c: a template's child, whose exit chain is
       then off the request's path) */
    uint32_t end_wait, pad;
} pvx_request;

#define PVX_END_WAIT_MS 100

/* A batch (batch.c). */
#define PVB_MAGIC 0x31514250u /* "PBQ1" */
#define PVB_MAX_ITEMS_HARD 1000000u
#define PVB_MAX_BYTES_HARD (1024u * 1024u * 1024u)

/* Request: header, ncodes x (u32 len, bytes), nitems x (u32 index, u32 code, u32 input_len,
 * bytes). */
typedef struct pvb_header {
    uint32_t magic, ncodes, nitems, pad;
    double cpu_s;
    uint64_t memory_mb, max_value, body_len;
} pvb_header;

/* The kind byte of a PVX_REC_ITEM record. */
enum { KIND_VALUE = 'V', KIND_EXC = 'X', KIND_BIG = 'O' };

#endif /* PV_WARM_H */
