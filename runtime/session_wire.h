/*
 * session_wire.h: what pv_session_run sends a session's child on fd 4 (session.c writes it,
 * session_child.c reads it). Not installed.
 */
#ifndef PV_SESSION_WIRE_H
#define PV_SESSION_WIRE_H

#include <stdint.h>

#define PVX_SESSION_MAGIC 0x31535350u /* "PSS1" */
#define PVX_SESSION_REQ_MAX (256u * 1024u * 1024u)
#define PVX_SESSION_SETUP_S 10.0

typedef struct pvx_session_req {
    uint32_t magic;
    uint32_t expr;
    uint64_t max_value;
    uint64_t code_len, input_len, host_len, max_host_bytes;
} pvx_session_req;

#endif /* PV_SESSION_WIRE_H */
