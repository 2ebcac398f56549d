/*
 * batch_child.c: a batch's child after fork: phase 0, the items (fd 4), phase 1, run each.
 *
 * The request is the one batch.c writes (warm.h); each item's outcome goes back as one
 * PVX_REC_ITEM record on the control pipe.
 */
#include "internal.h"
#include "runtime.h"
#include "warm.h"

#include <marshal.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void send_item(uint32_t index, char kind, const char *a, size_t alen, const char *b,
                      size_t blen, unsigned line)
{
    char num[16];
    size_t nl = 0, len;
    char *buf;
    if (kind == KIND_EXC)
        nl = (size_t)snprintf(num, sizeof num, "%u", line);
    len = 5 + alen + (kind == KIND_EXC ? 1 + blen + 1 + nl : 0);
    buf = PyMem_RawMalloc(len);
    if (!buf) {
        static const char nomem[] = "\0\0\0\0XMemoryError\0\0" "0";
        char tmp[sizeof nomem - 1];
        memcpy(tmp, nomem, sizeof tmp);
        memcpy(tmp, &index, 4);
        pvx_send(PVX_FD_CONTROL, PVX_REC_ITEM, tmp, sizeof tmp);
        return;
    }
    memcpy(buf, &index, 4);
    buf[4] = kind;
    if (alen)
        memcpy(buf + 5, a, alen);
    if (kind == KIND_EXC) {
        buf[5 + alen] = '\0';
        if (blen)
            memcpy(buf + 6 + alen, b, blen);
        buf[6 + alen + blen] = '\0';
        memcpy(buf + 7 + alen + blen, num, nl);
    }
    if (pvx_send(PVX_FD_CONTROL, PVX_REC_ITEM, buf, len) < 0)
        _exit(PVX_EXIT_OK); /* the parent is gone or killed us: nothing to report to */
    PyMem_RawFree(buf);
}

/* The pending exception as one item record (never exits: the batch goes on). */
static void report_item_exception(uint32_t index, PyObject *code)
{
    PyObject *type, *value, *tb, *msg = NULL;
    const char *tname = "?", *m = NULL;
    Py_ssize_t mlen = 0;
    unsigned line;
    bool nomem;

    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    nomem = type && PyErr_GivenExceptionMatches(type, PyExc_MemoryError);
    if (type && PyType_Check(type))
        tname = ((PyTypeObject *)type)->tp_name;
    if (tname && strrchr(tname, '.') && !nomem)
        tname = strrchr(tname, '.') + 1;
    if (value && !nomem) {
        msg = PyObject_Str(value); /* may run the program's code: still sandboxed */
        m = msg ? PyUnicode_AsUTF8AndSize(msg, &mlen) : NULL;
        if (!m)
            PyErr_Clear();
    }
    line = pvx_py_exception_line(tb, ((PyCodeObject *)code)->co_filename);
    if (!m) {
        m = "";
        mlen = 0;
    }
    if ((size_t)mlen > PVX_MAX_MESSAGE) {
        mlen = PVX_MAX_MESSAGE;
        while (mlen > 0 && (m[mlen] & 0xC0) == 0x80)
            mlen--;
    }
    send_item(index, KIND_EXC, tname, strlen(tname), m, (size_t)mlen, line);
    Py_XDECREF(msg);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
}

void pvx_batch_child(pvx_child_plan *plan, pvx_py_plan *py)
{
    pvb_header h;
    char *body, *p, *end;
    PyObject *codes, *base, *builtins;

    prctl(PR_SET_NAME, "pyverify-batch", 0, 0, 0);
    pvx_child_os_phase(plan, 0);
    if (pvx_read_full(PVX_FD_REQUEST, &h, sizeof h) < 0)
        _exit(PVX_EXIT_OK);
    if (h.magic != PVB_MAGIC || h.ncodes == 0 || h.ncodes > PVB_MAX_ITEMS_HARD ||
        h.nitems > PVB_MAX_ITEMS_HARD || h.body_len > PVB_MAX_BYTES_HARD + 16ull * h.nitems)
        pvx_child_fatal("malformed batch request");
    body = malloc((size_t)h.body_len + 1);
    if (!body || pvx_read_full(PVX_FD_REQUEST, body, (size_t)h.body_len) < 0)
        pvx_child_fatal("cannot read the batch");
    close(PVX_FD_REQUEST);
    p = body;
    end = body + h.body_len;
    codes = PyTuple_New((Py_ssize_t)h.ncodes);
    if (!codes)
        pvx_child_fatal("out of memory");
    for (uint32_t i = 0; i < h.ncodes; i++) {
        uint32_t len;
        PyObject *c;
        if (end - p < 4)
            pvx_child_fatal("malformed batch request");
        memcpy(&len, p, 4);
        p += 4;
        if ((size_t)(end - p) < len)
            pvx_child_fatal("malformed batch request");
        c = PyMarshal_ReadObjectFromString(p, (Py_ssize_t)len);
        if (!c || !PyCode_Check(c))
            pvx_child_fatal("a code object could not be rebuilt");
        PyTuple_SET_ITEM(codes, i, c);
        p += len;
    }
    py->code = codes; /* the guard takes every item's code as the program's */
    py->expr = true;
    py->max_value = (size_t)h.max_value;
    plan->cpu_s = h.cpu_s;
    plan->memory_mb = (size_t)h.memory_mb;
    /* what the child inherited is never garbage: a collection during an item would walk it
       all (milliseconds) and charge that to the item */
    {
        PyObject *gc = PyImport_ImportModule("gc");
        PyObject *r = gc ? PyObject_CallMethod(gc, "freeze", NULL) : NULL;
        if (!r)
            pvx_child_fatal("gc.freeze");
        Py_DECREF(r);
        Py_DECREF(gc);
    }
    pvx_child_os_phase(plan, 1);
    pvx_py_child_setup(py);

    base = PyModule_GetDict(py->main_module);
    builtins = PyDict_GetItemString(base, "__builtins__"); /* borrowed */
    for (uint32_t k = 0; k < h.nitems; k++) {
        uint32_t hdr[3];
        PyObject *g = NULL, *code, *result = NULL;
        char *input;
        if (end - p < 12)
            _exit(PVX_EXIT_SETUP);
        memcpy(hdr, p, 12);
        p += 12;
        if (hdr[1] >= h.ncodes || (size_t)(end - p) < hdr[2])
            _exit(PVX_EXIT_SETUP);
        input = p;
        p += hdr[2];
        code = PyTuple_GET_ITEM(codes, hdr[1]);
        /* fresh globals: nothing an earlier item bound or changed is visible */
        g = PyDict_Copy(base);
        if (g && builtins && PyDict_Check(builtins)) {
            PyObject *b = PyDict_Copy(builtins);
            if (!b || PyDict_SetItemString(g, "__builtins__", b) < 0)
                Py_CLEAR(g);
            Py_XDECREF(b);
        }
        if (g && hdr[2] > 0) {
            char saved = input[hdr[2]];
            int rc;
            input[hdr[2]] = '\0';
            rc = pvx_py_bind(g, input, NULL);
            input[hdr[2]] = saved;
            if (rc < 0)
                Py_CLEAR(g);
        }
        if (g)
            result = PyEval_EvalCode(code, g, g);
        if (!result) {
            report_item_exception(hdr[0], code);
        } else {
            PyObject *s = pvx_py_encode_value(py, result);
            Py_ssize_t n = 0;
            const char *text = s ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
            if (!text)
                report_item_exception(hdr[0], code);
            else if ((size_t)n > py->max_value)
                send_item(hdr[0], KIND_BIG, NULL, 0, NULL, 0, 0);
            else
                send_item(hdr[0], KIND_VALUE, text, (size_t)n, NULL, 0, 0);
            Py_XDECREF(s);
            Py_DECREF(result);
        }
        Py_XDECREF(g);
        PyErr_Clear();
    }
    _exit(PVX_EXIT_OK);
}
