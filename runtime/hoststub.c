/*
 * hoststub.c: the child's side of host functions (issue 17).
 *
 * Each host function is bound in the program's globals as a stub: an object of a type of
 * its own that can be called and nothing else. It has no attributes at all (every lookup
 * and every store is refused: no __self__, __closure__, __module__, __class__), cannot be
 * instantiated from its type, and holds only its name and the size budget. A call checks
 * that its arguments are data (None, bool, int within 64 bits, finite float, str,
 * list/tuple, dict with str keys; exact types, so no program class can run code during
 * encoding; bounded depth, which also refuses cycles), encodes them as JSON, sends
 * {"args": [...], "kwargs": {...}} on the control pipe (record PVX_REC_HOST, "name\0json")
 * and blocks on fd 4 for the parent's reply: a result (JSON the parent validated) or an
 * error, raised as HostError(message). The parent enforces the budgets; the child's
 * checks only turn a program's mistake into a TypeError/ValueError it can catch.
 */
#include "runtime.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    PyObject_HEAD
    PyObject *name;   /* owned str */
    size_t max_bytes; /* per call and per result */
    unsigned long generation; /* the run it was bound for (a session's later runs refuse it) */
} pvx_stub;

static PyObject *g_host_error; /* the HostError class, made once per process */
static PyObject *g_dumps, *g_loads; /* json.dumps / json.loads, taken before the program runs */
static unsigned long g_generation;  /* bumped by every pvx_hoststub_bind */

/* ---- data check ------------------------------------------------------------------------ */

/* 0 when `v` is data; -1 with TypeError/ValueError set otherwise. */
static int check_data(PyObject *v, int depth)
{
    if (depth > PVX_HOST_MAX_DEPTH) {
        PyErr_SetString(PyExc_ValueError, "host call: value nested too deeply (or cyclic)");
        return -1;
    }
    if (v == Py_None || PyBool_Check(v) || PyUnicode_CheckExact(v))
        return 0;
    if (PyLong_CheckExact(v)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        (void)x;
        if (PyErr_Occurred())
            return -1;
        if (overflow) {
            PyErr_SetString(PyExc_ValueError, "host call: integer outside 64 bits");
            return -1;
        }
        return 0;
    }
    if (PyFloat_CheckExact(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        if (d != d || d - d != 0) {
            PyErr_SetString(PyExc_ValueError, "host call: float is not finite");
            return -1;
        }
        return 0;
    }
    if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        for (Py_ssize_t i = 0; i < n; i++) {
            /* a list can change size only through code, and nothing here runs any */
            if (check_data(PySequence_Fast_GET_ITEM(v, i), depth + 1) < 0)
                return -1;
        }
        return 0;
    }
    if (PyDict_CheckExact(v)) {
        Py_ssize_t pos = 0;
        PyObject *k, *item;
        while (PyDict_Next(v, &pos, &k, &item)) {
            if (!PyUnicode_CheckExact(k)) {
                PyErr_SetString(PyExc_TypeError, "host call: dict keys must be str");
                return -1;
            }
            if (check_data(item, depth + 1) < 0)
                return -1;
        }
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "host call: a %.100s is not data (None, bool, int, float, "
                 "str, list, tuple, dict)", Py_TYPE(v)->tp_name);
    return -1;
}

/* ---- the reply --------------------------------------------------------------------------- */

/* Wait for the whole reply. A session's fd 4 has a receive timeout (its idle timeout, for
 * the wait between runs): here it only means the host is slow; the run's wall clock bounds
 * the wait, and giving up would leave the late reply to be taken for the next call's. */
static int read_full(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static PyObject *host_error(const char *msg, Py_ssize_t len)
{
    PyObject *m = PyUnicode_DecodeUTF8(msg, len < 0 ? (Py_ssize_t)strlen(msg) : len, "replace");
    if (m) {
        PyErr_SetObject(g_host_error, m);
        Py_DECREF(m);
    }
    return NULL;
}

/* Send the request, wait for the reply, decode it. */
static PyObject *round_trip(pvx_stub *s, const char *json, Py_ssize_t jlen)
{
    Py_ssize_t nlen;
    const char *name = PyUnicode_AsUTF8AndSize(s->name, &nlen);
    unsigned char hdr[5];
    uint32_t n;
    char *buf;
    PyObject *res = NULL;

    if (!name)
        return NULL;
    buf = PyMem_RawMalloc((size_t)nlen + 1 + (size_t)jlen);
    if (!buf)
        return PyErr_NoMemory();
    memcpy(buf, name, (size_t)nlen + 1);
    memcpy(buf + nlen + 1, json, (size_t)jlen);
    if (pvx_send(PVX_FD_CONTROL, PVX_REC_HOST, buf, (size_t)nlen + 1 + (size_t)jlen) < 0) {
        PyMem_RawFree(buf);
        return host_error("the host channel is closed", -1);
    }
    PyMem_RawFree(buf);
    if (read_full(PVX_FD_REQUEST, hdr, sizeof hdr) < 0)
        return host_error("the host channel is closed", -1);
    memcpy(&n, hdr + 1, 4);
    if ((hdr[0] != PVX_REPLY_RESULT && hdr[0] != PVX_REPLY_ERROR) ||
        n > s->max_bytes + PVX_MAX_MESSAGE)
        return host_error("malformed reply from the host", -1);
    buf = PyMem_RawMalloc((size_t)n + 1);
    if (!buf)
        return PyErr_NoMemory();
    if (read_full(PVX_FD_REQUEST, buf, n) < 0) {
        PyMem_RawFree(buf);
        return host_error("the host channel is closed", -1);
    }
    buf[n] = '\0';
    if (hdr[0] == PVX_REPLY_ERROR) {
        host_error(buf, (Py_ssize_t)n);
    } else {
        PyObject *text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)n, "strict");
        res = text ? PyObject_CallOneArg(g_loads, text) : NULL;
        Py_XDECREF(text);
    }
    PyMem_RawFree(buf);
    return res;
}

static PyObject *stub_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    pvx_stub *s = (pvx_stub *)self;
    PyObject *req = NULL, *a = NULL, *kw = NULL, *text = NULL, *res = NULL, *dargs = NULL,
             *dkw = NULL;
    const char *json;
    Py_ssize_t jlen;

    if (!g_dumps || !g_loads || !g_host_error) {
        PyErr_SetString(PyExc_RuntimeError, "host functions are not set up");
        return NULL;
    }
    if (s->generation != g_generation)
        return host_error("this host function belongs to an earlier run", -1);
    a = PySequence_List(args);
    kw = kwargs ? PyDict_Copy(kwargs) : PyDict_New();
    req = a && kw ? Py_BuildValue("{sOsO}", "args", a, "kwargs", kw) : NULL;
    if (!req || check_data(req, 0) < 0)
        goto done;
    dargs = PyTuple_Pack(1, req);
    dkw = dargs ? Py_BuildValue("{sOsO}", "allow_nan", Py_False, "ensure_ascii", Py_False)
                : NULL;
    text = dkw ? PyObject_Call(g_dumps, dargs, dkw) : NULL;
    json = text ? PyUnicode_AsUTF8AndSize(text, &jlen) : NULL;
    if (!json)
        goto done; /* e.g. a lone surrogate in a str */
    res = round_trip(s, json, jlen);
done:
    Py_XDECREF(a);
    Py_XDECREF(kw);
    Py_XDECREF(req);
    Py_XDECREF(dargs);
    Py_XDECREF(dkw);
    Py_XDECREF(text);
    return res;
}

/* No attribute at all, read or written: nothing of the host to reflect on. */
static PyObject *stub_getattro(PyObject *self, PyObject *attr)
{
    (void)self;
    PyErr_Format(PyExc_AttributeError, "host function has no attribute %R", attr);
    return NULL;
}

static int stub_setattro(PyObject *self, PyObject *attr, PyObject *v)
{
    (void)self;
    (void)v;
    PyErr_Format(PyExc_AttributeError, "host function has no attribute %R", attr);
    return -1;
}

static PyObject *stub_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<host function %U>", ((pvx_stub *)self)->name);
}

static void stub_dealloc(PyObject *self)
{
    Py_XDECREF(((pvx_stub *)self)->name);
    PyObject_Free(self);
}

static PyTypeObject stub_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyverify.host_function",
    .tp_basicsize = sizeof(pvx_stub),
    .tp_dealloc = stub_dealloc,
    .tp_repr = stub_repr,
    .tp_call = stub_call,
    .tp_getattro = stub_getattro,
    .tp_setattro = stub_setattro,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .tp_doc = NULL,
};

/* ---- binding ------------------------------------------------------------------------------ */

static int setup_once(void)
{
    PyObject *json;
    if (!g_host_error) {
        g_host_error = PyErr_NewException("pyverify.HostError", PyExc_Exception, NULL);
        if (!g_host_error)
            return -1;
    }
    if (!(stub_type.tp_flags & Py_TPFLAGS_READY) && PyType_Ready(&stub_type) < 0)
        return -1;
    if (!g_dumps || !g_loads) {
        json = PyImport_ImportModule("json");
        if (!json)
            return -1;
        Py_XSETREF(g_dumps, PyObject_GetAttrString(json, "dumps"));
        Py_XSETREF(g_loads, PyObject_GetAttrString(json, "loads"));
        Py_DECREF(json);
        if (!g_dumps || !g_loads)
            return -1;
    }
    return 0;
}

int pvx_hoststub_prepare(void)
{
    return setup_once();
}

int pvx_hoststub_bind(PyObject *dict, const char *const *names, size_t n, size_t max_bytes)
{
    g_generation++;
    if (n == 0)
        return 0;
    if (setup_once() < 0 || PyDict_SetItemString(dict, "HostError", g_host_error) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        pvx_stub *s = PyObject_New(pvx_stub, &stub_type);
        int rc;
        if (!s)
            return -1;
        s->max_bytes = max_bytes;
        s->generation = g_generation;
        s->name = PyUnicode_FromString(names[i]);
        if (!s->name) {
            Py_DECREF(s);
            return -1;
        }
        rc = PyDict_SetItem(dict, s->name, (PyObject *)s);
        Py_DECREF(s);
        if (rc < 0)
            return -1;
    }
    return 0;
}
