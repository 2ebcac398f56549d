/*
 * prepare.c: what `pv_run` prepares for one program (issue 19).
 *
 * Importing every allowed module and building its proxy is most of a cold `pv_run`'s cost
 * (about 80 M instructions of the 166 M of `pyverify run` on a trivial program). A program
 * can only reach a module through an IMPORT_NAME instruction of its own verified code
 * (`__import__`, importlib and the like are not reachable). A program with no such
 * instruction gets no module at all: no proxy, no import, an empty import allowlist for
 * the proxies and the audit hook (builtins import no allowed module; the codecs are still
 * preloaded). A program with one gets every allowed module, as before: library functions
 * import other allowed modules when called (Counter.most_common imports heapq), and the
 * child cannot read a module from disk. Narrowing that to the used modules needs the
 * closure of the IMPORT_NAMEs inside their functions (not done).
 *
 * The codecs that `str.encode` and friends look up by name (utf-16, latin-1, ...) are
 * preloaded unless the program imports nothing and names none of encode, decode, str,
 * bytes, bytearray. A lookup that was not foreseen fails closed in the child (LookupError:
 * the codec's module cannot be read there).
 */
#include "runtime.h"

#include <stdbool.h>

#include <opcode.h>
#include <string.h>

/* Add the IMPORT_NAME operands of `code` and its nested code objects to `names`. */
static int collect_imports(PyObject *code, PyObject *names, int depth)
{
    PyCodeObject *co = (PyCodeObject *)code;
    PyObject *bytes, *consts = co->co_consts;
    const unsigned char *p;
    Py_ssize_t n;
    unsigned ext = 0;
    int rc = 0;

    if (depth > 200)
        return 0;
    bytes = PyCode_GetCode(co);
    if (!bytes)
        return -1;
    p = (const unsigned char *)PyBytes_AS_STRING(bytes);
    n = PyBytes_GET_SIZE(bytes);
    for (Py_ssize_t i = 0; i + 1 < n && rc == 0; i += 2) {
        unsigned op = p[i], arg = p[i + 1] | ext;
        ext = op == EXTENDED_ARG ? arg << 8 : 0;
        if (op == IMPORT_NAME && co->co_names && arg < (unsigned)PyTuple_GET_SIZE(co->co_names))
            rc = PySet_Add(names, PyTuple_GET_ITEM(co->co_names, arg));
    }
    Py_DECREF(bytes);
    for (Py_ssize_t i = 0; rc == 0 && consts && i < PyTuple_GET_SIZE(consts); i++)
        if (PyCode_Check(PyTuple_GET_ITEM(consts, i)))
            rc = collect_imports(PyTuple_GET_ITEM(consts, i), names, depth + 1);
    return rc;
}

PyObject *pvx_used_modules(PyObject *code, PyObject *modules)
{
    PyObject *names = PySet_New(NULL), *out = NULL;
    if (names && collect_imports(code, names, 0) == 0)
        out = PySet_New(PySet_GET_SIZE(names) > 0 ? modules : NULL);
    Py_XDECREF(names);
    return out;
}

/* Names through which a program reaches a codec by name: str.encode, bytes.decode,
 * str(b, enc), bytes(s, enc), bytearray(s, enc). */
static const char *const codec_names[] = {"encode", "decode", "str", "bytes", "bytearray"};

static bool names_codecs(PyObject *code, int depth)
{
    PyCodeObject *co = (PyCodeObject *)code;
    if (depth > 200)
        return true;
    for (Py_ssize_t i = 0; co->co_names && i < PyTuple_GET_SIZE(co->co_names); i++)
        for (size_t k = 0; k < sizeof codec_names / sizeof codec_names[0]; k++)
            if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(co->co_names, i),
                                                 codec_names[k]) == 0)
                return true;
    for (Py_ssize_t i = 0; co->co_consts && i < PyTuple_GET_SIZE(co->co_consts); i++)
        if (PyCode_Check(PyTuple_GET_ITEM(co->co_consts, i)) &&
            names_codecs(PyTuple_GET_ITEM(co->co_consts, i), depth + 1))
            return true;
    return false;
}

bool pvx_code_may_encode(PyObject *code)
{
    return !code || !PyCode_Check(code) || names_codecs(code, 0);
}
