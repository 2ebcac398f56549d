/*
 * pyc.c: pv_verify_pyc(), verification of compiled code (.pyc files and marshalled code
 * objects). The pipeline: the .pyc header (magic number of the embedded interpreter), the
 * C marshal validator (marshal.c) over the whole body, then and only then
 * PyMarshal_ReadObjectFromString() on the validated bytes, then the bytecode layer on
 * every code object: structure always, policy unless PV_PYC_STRUCTURE_ONLY.
 */
#include "internal.h" /* Python.h first */

#include <marshal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pv_marshal.h"

/* The .pyc header (PEP 552): magic, flags, then mtime and size or the source hash. */
#define PV_PYC_HEADER_BYTES 16u

/* The embedded interpreter's magic number as the 4 bytes a .pyc starts with. */
static void pyc_magic(unsigned char m[4])
{
    long v = PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++)
        m[i] = (unsigned char)(((unsigned long)v >> (8 * i)) & 0xffu);
}

/* Check the header; 0 when usable, 1 when a diagnostic was added. */
static int pyc_header(pv_program *prog, const unsigned char *b, size_t len)
{
    unsigned char magic[4];
    pyc_magic(magic);
    if (len < PV_PYC_HEADER_BYTES) {
        pvd_add_chars(prog, PVR_PYC_HEADER, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "%zu bytes: shorter than the 16-byte .pyc header", len);
        return 1;
    }
    if (memcmp(b, magic, 4) != 0) {
        unsigned got = (unsigned)b[0] | (unsigned)b[1] << 8;
        pvd_add_chars(prog, PVR_PYC_HEADER, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "magic number %u (bytes %02x %02x %02x %02x) is not this interpreter's "
                      "(%u, CPython %s)", got, b[0], b[1], b[2], b[3],
                      (unsigned)magic[0] | (unsigned)magic[1] << 8, PY_VERSION);
        return 1;
    }
    uint32_t flags = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
                     (uint32_t)b[7] << 24;
    if (flags != 0 && flags != 1 && flags != 3) {
        pvd_add_chars(prog, PVR_PYC_HEADER, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "header flags 0x%lx are not 0 (timestamp), 1 or 3 (hash)",
                      (unsigned long)flags);
        return 1;
    }
    return 0;
}

/* Materialise the validated body; the top object must be a code object. Returns a new
 * reference, or NULL with a diagnostic added (no exception pending). */
static PyObject *pyc_load(pv_program *prog, const unsigned char *body, size_t n)
{
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)body, (Py_ssize_t)n);
    if (code == NULL || !PyCode_Check(code)) {
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyObject *s = v ? PyObject_Str(v) : NULL;
        const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
        PyErr_Clear();
        pvd_add_chars(prog, PVR_MARSHAL_CODE, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "the interpreter refused to build the code object: %s",
                      code != NULL ? "not a code object" : m ? m : "unknown error");
        Py_XDECREF(s);
        Py_XDECREF(t);
        Py_XDECREF(v);
        Py_XDECREF(tb);
        Py_XDECREF(code);
        return NULL;
    }
    return code;
}

static int pyc_pipeline(pv_program *prog, const pv_policy *p, const unsigned char *b, size_t len,
                        pv_pyc_header header, unsigned flags)
{
    bool has_header;
    if (header == PV_PYC_HEADER_AUTO) {
        /* Marshalled code starts with TYPE_CODE ('c', with or without FLAG_REF). */
        has_header = !(len > 0 && (b[0] == 'c' || b[0] == ('c' | 0x80)));
    } else {
        has_header = header == PV_PYC_HEADER_REQUIRED;
    }
    if (len > PV_MAX_PYC_BYTES) {
        pvd_add_chars(prog, PVR_MARSHAL_LIMIT, PV_DIAG_INPUT, 0, 0, 0, 0, NULL,
                      "%zu bytes (limit %u)", len, PV_MAX_PYC_BYTES);
        return 0;
    }
    if (has_header) {
        if (pyc_header(prog, b, len) != 0)
            return 0;
        b += PV_PYC_HEADER_BYTES;
        len -= PV_PYC_HEADER_BYTES;
    }
    pvm_error err;
    int rc = pvm_validate(b, len, &err, NULL);
    if (rc < 0)
        return rc;
    if (rc > 0) {
        pvd_add_chars(prog, err.rule, PV_DIAG_INPUT, 0, 0, 0, 0, NULL, "%s%s", err.msg,
                      has_header ? " (offsets count from the end of the header)" : "");
        return 0;
    }
    PyObject *code = pyc_load(prog, b, len);
    if (code == NULL)
        return 0;
    rc = pvb_check_ex(prog, p, code, (flags & PV_PYC_STRUCTURE_ONLY) ? PVB_STRUCTURE_ONLY : 0u);
    if (rc < 0) {
        Py_DECREF(code);
        return rc;
    }
    if (prog->verdict == PV_ACCEPTED)
        prog->code = code;
    else
        Py_DECREF(code);
    return 0;
}

PV_EXTERN int pv_verify_pyc(pv_program **out, const pv_policy *policy, const void *buf,
                            size_t len, const char *filename, pv_pyc_header header,
                            unsigned flags)
{
    if (!out || !policy || (!buf && len))
        return pv_fail(PV_ERR_INVALID, "invalid argument");
    *out = NULL;
    if (!pvi_ready())
        return pv_fail(PV_ERR_STATE, "pv_init() has not been called");
    if (header != PV_PYC_HEADER_AUTO && header != PV_PYC_HEADER_REQUIRED &&
        header != PV_PYC_HEADER_NONE)
        return pv_fail(PV_ERR_INVALID, "unknown pv_pyc_header %d", (int)header);
    if (flags & ~(unsigned)PV_PYC_STRUCTURE_ONLY)
        return pv_fail(PV_ERR_INVALID, "unknown pv_verify_pyc flags 0x%x", flags);

    /* A program whose policy checks were skipped runs only like an unverified one. */
    pv_program *prog = pvv_program_new(policy, filename ? filename : "<pyc>", PV_MODE_MODULE,
                                       PV_LAYER_BYTECODE, (flags & PV_PYC_STRUCTURE_ONLY) != 0);
    if (!prog)
        return pv_fail(PV_ERR_NOMEM, "out of memory");
    PyGILState_STATE gs = PyGILState_Ensure();
    int rc = 0;
    prog->globals = pvv_host_globals(policy);
    if (!prog->globals)
        rc = pv_fail_python(PV_ERR_NOMEM, "globals");
    if (rc == 0)
        rc = pyc_pipeline(prog, policy, buf ? (const unsigned char *)buf : (const unsigned char *)"",
                          len, header, flags);
    PyErr_Clear();
    PyGILState_Release(gs);
    if (rc < 0) {
        pv_program_free(prog);
        return rc;
    }
    pvd_sort(&prog->diags);
    *out = prog;
    return 0;
}
