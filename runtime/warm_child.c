/*
 * warm_child.c: a runner's warm child after fork: phase 0, the request (fd 4), phase 1, run.
 *
 * The request is the one runner.c writes (warm.h): the verified code object as the parent
 * marshalled it, the inputs, stdin, the limits and the host functions' names.
 */
#include "internal.h"
#include "runtime.h"
#include "warm.h"

#include <marshal.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* The names of the request's host functions ("a\0b\0") become stubs in the globals. */
static int warm_bind_host(pvx_py_plan *py, char *names, size_t len, size_t max_bytes)
{
    const char *v[256];
    size_t n = 0;
    if (names[len - 1] != '\0')
        return -1;
    for (size_t off = 0; off < len; off += strlen(names + off) + 1) {
        if (n == sizeof v / sizeof v[0])
            return -1;
        v[n++] = names + off;
    }
    return pvx_hoststub_bind(PyModule_GetDict(py->main_module), v, n, max_bytes);
}

void pvx_warm_child(pvx_child_plan *plan, pvx_py_plan *py)
{
    pvx_request h;
    char *buf;
    size_t total;
    PyObject *code;

    prctl(PR_SET_NAME, "pyverify-warm", 0, 0, 0); /* what ps shows while it waits */
    pvx_child_os_phase(plan, 0);
    /* the Python set-up that needs nothing of the program, before the request too */
    pvx_py_child_prepare(py);
    if (pvx_read_full(PVX_FD_REQUEST, &h, sizeof h) < 0)
        _exit(PVX_EXIT_OK); /* the runner was freed before using this child */
    if (h.magic != PVX_REQ_MAGIC || h.code_len == 0 || h.code_len > PVX_REQ_MAX ||
        h.input_len > PVX_REQ_MAX || h.stdin_len > PVX_REQ_MAX || h.host_len > PVX_REQ_MAX)
        pvx_child_fatal("malformed request");
    total = (size_t)(h.code_len + h.input_len + h.stdin_len + h.host_len);
    buf = malloc(total + 1);
    if (!buf || pvx_read_full(PVX_FD_REQUEST, buf, total) < 0)
        pvx_child_fatal("cannot read the request");
    buf[total] = '\0';
    if (h.host_len == 0)
        close(PVX_FD_REQUEST); /* else it carries the replies to host calls */
    else if (warm_bind_host(py, buf + h.code_len + h.input_len + h.stdin_len,
                            (size_t)h.host_len, (size_t)h.max_host_bytes) < 0)
        pvx_child_fatal("cannot bind the host functions");
    if (h.stdin_len > 0) {
        int fd = memfd_create("pyverify-stdin", 0);
        size_t off = 0;
        const char *data = buf + h.code_len + h.input_len;
        while (fd >= 0 && off < h.stdin_len) {
            ssize_t w = write(fd, data + off, (size_t)h.stdin_len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (fd < 0 || off != h.stdin_len || lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0)
            pvx_child_fatal("cannot set up stdin");
        close(fd);
    }
    code = PyMarshal_ReadObjectFromString(buf, (Py_ssize_t)h.code_len);
    if (!code || !PyCode_Check(code))
        pvx_child_fatal("the code object could not be rebuilt");
    py->code = code;
    py->expr = h.expr != 0;
    py->max_value = (size_t)h.max_value;
    if (h.input_len > 0) {
        char *input = buf + h.code_len;
        char saved = input[h.input_len];
        input[h.input_len] = '\0';
        if (pvx_py_bind(PyModule_GetDict(py->main_module), input, NULL) < 0)
            pvx_child_fatal("cannot bind the inputs");
        input[h.input_len] = saved;
    }
    plan->cpu_s = h.cpu_s;
    plan->memory_mb = (size_t)h.memory_mb;
    pvx_child_os_phase(plan, 1);
    if (h.end_wait) {
        /* the end of the program, reported; then this process waits for the parent to end
           the run (SIGKILL to the whole tree: runner.c), so that the teardown of the
           processes is not on the request's path. Should the parent not do so (it ends a
           run early only when it observes this process asleep here), the exit follows. */
        int end;
        struct timespec nap = {PVX_END_WAIT_MS / 1000, (PVX_END_WAIT_MS % 1000) * 1000000L};
        pvx_py_child_setup(py);
        end = pvx_py_child_eval(py) ? PVX_EXIT_EXCEPTION : PVX_EXIT_OK;
        pvx_send(PVX_FD_CONTROL, PVX_REC_DONE, end ? "1" : "0", 1);
        nanosleep(&nap, NULL);
        _exit(end);
    }
    pvx_py_child_run(py);
}
