/*
 * policy_cache.c: the embedded default policy's derived tables, computed at build time.
 *
 * Deriving the default policy (policy_loader.py: tomllib, importing the 16 allowed modules,
 * dir() walks over their classes) is most of the start-up of a one-file check. The build
 * runs the freshly built library once (cache_gen.c), marshals the loader's answer for the
 * embedded default together with a key, and compiles the blob into the library. At start-up
 * the blob is used only when every part of the key matches the running process exactly;
 * otherwise the policy is derived live, as without a cache. Any error here is a miss.
 *
 * The key is everything the derivation reads:
 *   - the blob format, and FNV-1a digests of the embedded default rules and loader source;
 *   - the interpreter: Py_Version, Py_GetVersion() (sys.version, with the build's date),
 *     sys.implementation.cache_tag, sys.path (resolved), and size and mtime of the libpython file
 *     that holds the running interpreter (builtins, frozen and built-in modules);
 *   - every file the derivation's interpreter had loaded a module from (source, its
 *     cached .pyc, extension modules), each package directory, each file's directory and
 *     each sys.path entry: size and mtime (or "absent"), so an edited, replaced, added
 *     (shadowing) or removed module file is a miss.
 * The blob also holds the opcode module's attributes that the bytecode layer's table check
 * reads (opcode.py and libpython are part of the key), so that a hit spares that import
 * too; the check itself still runs on them.
 * And the cache is used only in an interpreter pyverify started itself (isolated, no site),
 * in which no module has been imported beyond those the generator's interpreter had before
 * it derived: a host's interpreter has its own sys.path and module state, and Python code
 * that ran in ours (a host's, configuration discovery, an earlier live derivation) may
 * have changed what the derivation reads. In all those cases the tables are derived live.
 * docs/benchmarks.md discusses why a hit gives exactly the live tables.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "internal.h"
#include <marshal.h>

extern const unsigned char pv_default_cache[];
extern const size_t pv_default_cache_len;
extern const char pv_default_rules_toml[];
extern const size_t pv_default_rules_toml_len;
extern const char pv_policy_loader_py[];
extern const size_t pv_policy_loader_py_len;

#define PVC_FORMAT 1L

static int g_state;          /* PVC_* of the last lookup; 0 before the first */
static PyObject *g_opcode;   /* owned dict: the build's opcode attributes, after a hit */
static char g_why[256];      /* why the last lookup missed */

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* (size, mtime_ns) of a path as a new tuple; (-1, -1) when it cannot be stat'ed. */
static PyObject *stat_pair(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return Py_BuildValue("(LL)", -1LL, -1LL);
    long long ns = (long long)st.st_mtim.tv_sec * 1000000000LL + (long long)st.st_mtim.tv_nsec;
    return Py_BuildValue("(LL)", (long long)st.st_size, ns);
}

/* sys.path as a tuple of resolved paths: a binary outside the build tree may see the same
 * directories by another name (/lib/python3.11 for /usr/lib/python3.11 with a merged
 * /usr). An entry that does not exist is resolved through its directory. */
static PyObject *resolved_sys_path(PyObject *syspath)
{
    Py_ssize_t n = PyList_GET_SIZE(syspath);
    PyObject *out = PyTuple_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *e = PyList_GET_ITEM(syspath, i), *r;
        const char *s = PyUnicode_Check(e) ? PyUnicode_AsUTF8(e) : NULL;
        char buf[PATH_MAX], dir[PATH_MAX];
        if (!s) {
            Py_CLEAR(out);
            break;
        }
        const char *slash = strrchr(s, '/');
        if (realpath(s, buf)) {
            r = PyUnicode_FromString(buf);
        } else if (slash && (size_t)(slash - s) < sizeof dir) {
            memcpy(dir, s, (size_t)(slash - s));
            dir[slash - s] = '\0';
            r = realpath(dir[0] ? dir : "/", buf) ? PyUnicode_FromFormat("%s%s", buf, slash)
                                                   : PyUnicode_FromString(s);
        } else {
            r = PyUnicode_FromString(s);
        }
        if (!r)
            Py_CLEAR(out);
        else
            PyTuple_SET_ITEM(out, i, r);
    }
    return out;
}

PyObject *pvc_key_head(void)
{
    PyObject *impl = NULL, *tag = NULL, *path = NULL, *lib = NULL, *res = NULL;
    Dl_info info;
    const char *libpath = "";
    if (dladdr((void *)&Py_Initialize, &info) && info.dli_fname)
        libpath = info.dli_fname;
    impl = PySys_GetObject("implementation"); /* borrowed */
    PyObject *syspath = PySys_GetObject("path");   /* borrowed */
    if (!impl || !syspath || !PyList_Check(syspath)) {
        PyErr_SetString(PyExc_RuntimeError, "sys.implementation or sys.path missing");
        return NULL;
    }
    tag = PyObject_GetAttrString(impl, "cache_tag");
    path = tag ? resolved_sys_path(syspath) : NULL;
    lib = path ? stat_pair(libpath) : NULL;
    if (lib)
        res = Py_BuildValue("(lkssOsOKK)", PVC_FORMAT, Py_Version, Py_GetVersion(),
                            PyUnicode_Check(tag) ? PyUnicode_AsUTF8(tag) : "", path, libpath,
                            lib,
                            (unsigned long long)fnv1a(pv_default_rules_toml,
                                                      pv_default_rules_toml_len),
                            (unsigned long long)fnv1a(pv_policy_loader_py,
                                                      pv_policy_loader_py_len));
    Py_XDECREF(tag);
    Py_XDECREF(path);
    Py_XDECREF(lib);
    return res;
}

PyObject *pvc_fingerprints(PyObject *paths)
{
    PyObject *it = PyObject_GetIter(paths), *p, *out = PyList_New(0);
    if (!it || !out)
        goto fail;
    while ((p = PyIter_Next(it)) != NULL) {
        const char *s = PyUnicode_Check(p) ? PyUnicode_AsUTF8(p) : NULL;
        PyObject *pair = s ? stat_pair(s) : NULL;
        PyObject *ent = pair ? PyTuple_Pack(2, p, pair) : NULL;
        Py_DECREF(p);
        Py_XDECREF(pair);
        if (!ent || PyList_Append(out, ent) < 0) {
            Py_XDECREF(ent);
            goto fail;
        }
        Py_DECREF(ent);
    }
    if (PyErr_Occurred())
        goto fail;
    Py_DECREF(it);
    return out;
fail:
    Py_XDECREF(it);
    Py_XDECREF(out);
    return NULL;
}

/* Compare the stored fingerprints (a tuple of (path, (size, mtime_ns))) with the files. */
static bool fingerprints_match(PyObject *stored)
{
    if (!PyTuple_Check(stored))
        return false;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(stored); i++) {
        PyObject *ent = PyTuple_GET_ITEM(stored, i);
        if (!PyTuple_Check(ent) || PyTuple_GET_SIZE(ent) != 2 ||
            !PyUnicode_Check(PyTuple_GET_ITEM(ent, 0)))
            return false;
        const char *path = PyUnicode_AsUTF8(PyTuple_GET_ITEM(ent, 0));
        PyObject *now = path ? stat_pair(path) : NULL;
        int eq = now ? PyObject_RichCompareBool(now, PyTuple_GET_ITEM(ent, 1), Py_EQ) : -1;
        Py_XDECREF(now);
        if (eq != 1) {
            snprintf(g_why, sizeof g_why, "%s changed since the build", path ? path : "a file");
            return false;
        }
    }
    return true;
}

/* True when every module loaded in this interpreter was loaded in the generator's before
 * it derived the tables (`built`: a tuple of names). Anything more means Python code ran
 * here (a host's, or a live derivation, or configuration discovery) and may have changed
 * what the derivation reads; the tables are then derived live. */
static bool modules_as_built(PyObject *built)
{
    PyObject *mods = PyImport_GetModuleDict(); /* borrowed */
    PyObject *set = PyTuple_Check(built) ? PyFrozenSet_New(built) : NULL, *key, *value;
    Py_ssize_t pos = 0;
    bool ok = set && mods && PyDict_Check(mods);
    while (ok && PyDict_Next(mods, &pos, &key, &value)) {
        if (PySet_Contains(set, key) != 1) {
            const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
            snprintf(g_why, sizeof g_why, "module %s was imported before the policy loaded",
                     k ? k : "?");
            ok = false;
        }
    }
    Py_XDECREF(set);
    return ok;
}

int pvc_default_tables(PyObject **out)
{
    PyObject *blob = NULL, *head = NULL;
    *out = NULL;
    g_why[0] = '\0';
    if (pv_default_cache_len == 0) {
        snprintf(g_why, sizeof g_why, "this build has no cache");
        g_state = PVC_ABSENT;
        return 0;
    }
    if (!pvi_we_started()) {
        snprintf(g_why, sizeof g_why, "the host started the interpreter");
        g_state = PVC_MISS;
        return 0;
    }
    g_state = PVC_MISS;
    blob = PyMarshal_ReadObjectFromString((const char *)pv_default_cache,
                                          (Py_ssize_t)pv_default_cache_len);
    if (!blob || !PyTuple_Check(blob) || PyTuple_GET_SIZE(blob) != 5 ||
        !PyDict_Check(PyTuple_GET_ITEM(blob, 3)) || !PyDict_Check(PyTuple_GET_ITEM(blob, 4))) {
        snprintf(g_why, sizeof g_why, "the cache is malformed");
        goto miss;
    }
    head = pvc_key_head();
    if (!head || PyObject_RichCompareBool(head, PyTuple_GET_ITEM(blob, 0), Py_EQ) != 1) {
        snprintf(g_why, sizeof g_why, "the interpreter or the embedded policy differs");
        goto miss;
    }
    if (!fingerprints_match(PyTuple_GET_ITEM(blob, 1)) ||
        !modules_as_built(PyTuple_GET_ITEM(blob, 2)))
        goto miss;
    *out = PyTuple_GET_ITEM(blob, 3);
    Py_INCREF(*out);
    Py_XSETREF(g_opcode, PyTuple_GET_ITEM(blob, 4));
    Py_INCREF(g_opcode);
    Py_DECREF(blob);
    Py_DECREF(head);
    g_state = PVC_HIT;
    return 1;
miss:
    PyErr_Clear();
    Py_XDECREF(blob);
    Py_XDECREF(head);
    return 0;
}

int pvc_state(const char **why)
{
    if (why)
        *why = g_why;
    return g_state;
}

PyObject *pvc_opcode_module(void)
{
    if (!g_opcode)
        return PyImport_ImportModule("opcode");
    PyObject *m = PyModule_New("opcode");
    if (m && PyDict_Update(PyModule_GetDict(m), g_opcode) < 0)
        Py_CLEAR(m);
    return m;
}

void pvc_release_static(void)
{
    Py_CLEAR(g_opcode);
}
