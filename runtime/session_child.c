/*
 * session_child.c: the child of a pv_session (session.c), forked by a clean template
 * (template.c, a 'K' request) or, failing one, by the session's host. Apart from session.c
 * so that the template, which forks it, does not depend on the host side of sessions.
 *
 * It applies phase 0 of the OS steps, sets the idle timeout on fd 4, applies phase 1 with the
 * session's limits, sets up the Python layer once and reports DONE; then it loops: a request
 * on fd 4 (session_wire.h), run in the same globals, the outcome and DONE on fd 3.
 */
#include "internal.h"
#include "runtime.h"
#include "session_wire.h"

#include <marshal.h>

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

_Noreturn void pvx_session_child(pvx_child_plan *plan, pvx_py_plan *py)
{
    PyObject *keep;
    struct timeval idle;

    prctl(PR_SET_NAME, "pyverify-sess", 0, 0, 0);
    /* on the socket itself (fd 4 once phase 0 has placed it), before seccomp is attached */
    idle.tv_sec = (time_t)py->idle_s;
    idle.tv_usec = (suseconds_t)((py->idle_s - (double)idle.tv_sec) * 1e6);
    if (setsockopt(plan->request_fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle) < 0)
        _exit(PVX_EXIT_SETUP); /* fd 3 is not the control pipe yet */
    pvx_child_os_phase(plan, 0);
    pvx_child_os_phase(plan, 1);
    keep = PyList_New(0); /* every program's code stays alive: the guard knows them by address */
    if (!keep)
        pvx_child_fatal("out of memory");
    pvx_py_child_setup(py);
    pvx_send(PVX_FD_CONTROL, PVX_REC_DONE, "0", 1);
    for (;;) {
        pvx_session_req h;
        char *buf;
        size_t total;
        PyObject *code;
        int rc;

        if (pvx_read_full(PVX_FD_REQUEST, &h, sizeof h) < 0)
            _exit(PVX_EXIT_OK); /* freed, or idle for too long */
        if (h.magic != PVX_SESSION_MAGIC || h.code_len == 0 || h.code_len > PVX_SESSION_REQ_MAX ||
            h.input_len > PVX_SESSION_REQ_MAX || h.host_len > PVX_SESSION_REQ_MAX)
            _exit(PVX_EXIT_SETUP);
        total = (size_t)(h.code_len + h.input_len + h.host_len);
        buf = malloc(total + 1);
        if (!buf || pvx_read_full(PVX_FD_REQUEST, buf, total) < 0)
            _exit(PVX_EXIT_SETUP);
        buf[total] = '\0';
        {
            /* no collection (no finaliser of the program's objects) while the hook lets
               marshal.loads through */
            int gc_was = PyGC_Disable();
            pvx_py_allow_marshal(true);
            code = PyMarshal_ReadObjectFromString(buf, (Py_ssize_t)h.code_len);
            pvx_py_allow_marshal(false);
            if (gc_was)
                PyGC_Enable();
        }
        if (!code || !PyCode_Check(code) || PyList_Append(keep, code) < 0 ||
            pvx_guard_add_program(code) < 0)
            _exit(PVX_EXIT_SETUP);
        Py_DECREF(code); /* kept by the list */
        if (h.input_len > 0) {
            char *input = buf + h.code_len;
            char saved = input[h.input_len];
            input[h.input_len] = '\0';
            if (pvx_py_bind(PyModule_GetDict(py->main_module), input, NULL) < 0)
                _exit(PVX_EXIT_SETUP);
            input[h.input_len] = saved;
        }
        {
            /* this run's host functions; the stubs of earlier runs refuse to work */
            const char *v[256];
            size_t n = 0;
            char *names = buf + h.code_len + h.input_len;
            if (h.host_len > 0 && names[h.host_len - 1] != '\0')
                _exit(PVX_EXIT_SETUP);
            for (size_t off = 0; off < h.host_len; off += strlen(names + off) + 1) {
                if (n == sizeof v / sizeof v[0])
                    _exit(PVX_EXIT_SETUP);
                v[n++] = names + off;
            }
            if (pvx_hoststub_bind(PyModule_GetDict(py->main_module), v, n,
                                  (size_t)h.max_host_bytes) < 0)
                _exit(PVX_EXIT_SETUP);
        }
        py->code = code;
        py->expr = h.expr != 0;
        py->max_value = (size_t)h.max_value;
        rc = pvx_py_child_eval(py);
        free(buf);
        pvx_send(PVX_FD_CONTROL, PVX_REC_DONE, rc ? "1" : "0", 1);
    }
}
