/*
 * api.c: the thin public layer: the thread-local last error, error strings, and the
 * accessors of pv_program. The work is done in the modules it delegates to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static _Thread_local char g_last_error[1024];

int pv_fail(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_error, sizeof g_last_error, fmt, ap);
    va_end(ap);
    return err;
}

int pv_fail_python(int err, const char *context)
{
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    const char *tname = "unknown exception";
    const char *msg = "";
    PyObject *s = NULL;
    if (type && PyType_Check(type))
        tname = ((PyTypeObject *)type)->tp_name;
    if (value) {
        s = PyObject_Str(value);
        if (s)
            msg = PyUnicode_AsUTF8(s);
        if (!msg) {
            PyErr_Clear();
            msg = "";
        }
    }
    snprintf(g_last_error, sizeof g_last_error, "%s: %s%s%s", context, tname, *msg ? ": " : "",
             msg);
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return err;
}

PV_EXTERN const char *pv_last_error(void) { return g_last_error; }

PV_EXTERN const char *pv_strerror(int err)
{
    switch ((pv_error)err) {
    case PV_OK: return "success";
    case PV_ERR_NOMEM: return "out of memory";
    case PV_ERR_INVALID: return "invalid argument";
    case PV_ERR_STATE: return "invalid state (pv_init not called, or wrong handle state)";
    case PV_ERR_PYTHON: return "the embedded interpreter failed";
    case PV_ERR_POLICY: return "invalid rules file";
    case PV_ERR_IO: return "input/output error";
    case PV_ERR_RUNTIME: return "the runtime could not start the program";
    }
    return "unknown error";
}

PV_EXTERN pv_verdict pv_program_verdict(const pv_program *prog)
{
    return prog ? prog->verdict : PV_INVALID;
}

PV_EXTERN pv_mode pv_program_mode(const pv_program *prog)
{
    return prog ? prog->mode : PV_MODE_MODULE;
}

PV_EXTERN size_t pv_program_diag_count(const pv_program *prog)
{
    return prog ? prog->diags.n : 0;
}

PV_EXTERN const pv_diag *pv_program_diag(const pv_program *prog, size_t i)
{
    if (!prog || i >= prog->diags.n)
        return NULL;
    return &prog->diags.items[i];
}

PV_EXTERN const char *pv_program_source_line(const pv_program *prog, unsigned line, size_t *len)
{
    if (len)
        *len = 0;
    if (!prog || !prog->utf8 || line < 1 || line > prog->nlines)
        return NULL;
    size_t start = prog->line_starts[line - 1];
    size_t end = line < prog->nlines ? prog->line_starts[line] : (size_t)prog->utf8_len;
    while (end > start && (prog->utf8[end - 1] == '\n' || prog->utf8[end - 1] == '\r'))
        end--;
    if (len)
        *len = end - start;
    return prog->utf8 + start;
}

PV_EXTERN void pv_program_free(pv_program *prog)
{
    if (!prog)
        return;
    if (Py_IsInitialized()) {
        PyGILState_STATE gs = PyGILState_Ensure();
        Py_XDECREF(prog->text);
        Py_XDECREF(prog->tree);
        Py_XDECREF(prog->code);
        Py_XDECREF(prog->globals);
        PyGILState_Release(gs);
    }
    pvd_free(&prog->diags);
    free(prog->line_starts);
    free(prog->filename);
    free(prog);
}
