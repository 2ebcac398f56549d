/*
 * bytecode_tables.c: the running interpreter's opcode tables, copied to C on first use and
 * compared with the table layer 2 was written against (bytecode_opcodes.h). A difference
 * makes the layer refuse to run (fail closed); [bytecode] opcodes names in policies are
 * resolved here too.
 */
#include "bytecode.h"

#include <stdio.h>
#include <string.h>

typedef struct pvb_opdef {
    const char *name;
    unsigned char num, cache, flags;
} pvb_opdef;

static const pvb_opdef pvb_opdefs[] = {
#define X(name, num, cache, flags) { #name, num, cache, flags },
    PVB_OPCODES(X)
#undef X
};
#define PVB_NOPDEFS (sizeof pvb_opdefs / sizeof pvb_opdefs[0])

/* The tables of the running interpreter, copied to C on first use and checked against
 * pvb_opdefs. Plain C data, so that it stays valid across pv_shutdown()/pv_init(). */
struct pvb_tab pvb_tab;

/* Read a list of ints (opcode.hasconst ...) into a flag mask. */
static int pvb_read_list(PyObject *mod, const char *attr, unsigned char *flags, unsigned f)
{
    PyObject *l = PyObject_GetAttrString(mod, attr);
    if (l == NULL)
        return -1;
    PyObject *seq = PySequence_Fast(l, attr);
    Py_DECREF(l);
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        if (v < 0 || v > 255) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError, "opcode.%s holds %ld", attr, v);
            return -1;
        }
        flags[v] |= (unsigned char)f;
    }
    Py_DECREF(seq);
    return 0;
}

static int pvb_mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int pvb_mismatch(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pvb_tab.why, sizeof pvb_tab.why, fmt, ap);
    va_end(ap);
    pvb_tab.state = -1;
    return pv_fail(PV_ERR_PYTHON, "bytecode layer: the interpreter's opcode table differs "
                   "from the one pyverify was written for: %s", pvb_tab.why);
}

/* Load the running interpreter's opcode tables once and compare them with pvb_opdefs. */
int pvb_tables(void)
{
    PyObject *mod = NULL, *names = NULL, *caches = NULL, *o = NULL;
    unsigned char rflags[256] = { 0 }, rcache[256] = { 0 }, rknown[256] = { 0 };
    long have_arg, nnb;
    int rc = PV_ERR_PYTHON;

    if (pvb_tab.state == 1)
        return 0;
    if (pvb_tab.state == -1)
        return pv_fail(PV_ERR_PYTHON, "bytecode layer: the interpreter's opcode table differs "
                       "from the one pyverify was written for: %s", pvb_tab.why);
    /* The opcode module, or the build's copy of the attributes read here when the default
     * policy came from the build-time cache (policy_cache.c): the same checks run on both. */
    mod = pvc_opcode_module();
    if (mod == NULL)
        goto pyfail;
    o = PyObject_GetAttrString(mod, "HAVE_ARGUMENT");
    if (o == NULL)
        goto pyfail;
    have_arg = PyLong_AsLong(o);
    Py_CLEAR(o);
    if (have_arg == -1 && PyErr_Occurred())
        goto pyfail;
    o = PyObject_GetAttrString(mod, "_nb_ops");
    if (o == NULL)
        goto pyfail;
    nnb = (long)PyObject_Length(o);
    Py_CLEAR(o);
    if (nnb < 0)
        goto pyfail;
    names = PyObject_GetAttrString(mod, "opname");
    caches = names ? PyObject_GetAttrString(mod, "_inline_cache_entries") : NULL;
    if (caches == NULL)
        goto pyfail;
    if (!PyList_Check(names) || PyList_GET_SIZE(names) != 256 || !PyList_Check(caches) ||
        PyList_GET_SIZE(caches) != 256) {
        rc = pvb_mismatch("opcode.opname or opcode._inline_cache_entries is not a list of 256");
        goto done;
    }
    for (int i = 0; i < 256; i++) {
        PyObject *nm = PyList_GET_ITEM(names, i);
        const char *s = PyUnicode_Check(nm) ? PyUnicode_AsUTF8(nm) : NULL;
        if (s == NULL)
            goto pyfail;
        rknown[i] = s[0] != '<';
        long c = PyLong_AsLong(PyList_GET_ITEM(caches, i));
        if (c == -1 && PyErr_Occurred())
            goto pyfail;
        if (c < 0 || c > 255) {
            rc = pvb_mismatch("opcode %d has %ld inline caches", i, c);
            goto done;
        }
        rcache[i] = (unsigned char)c;
        if (i >= have_arg)
            rflags[i] |= F_A;
        if (rknown[i] && strstr(s, "JUMP_BACKWARD") != NULL)
            rflags[i] |= F_B;
        /* Every named opcode must be in pvb_opdefs under the same name. */
        if (rknown[i]) {
            size_t j;
            for (j = 0; j < PVB_NOPDEFS; j++)
                if (pvb_opdefs[j].num == i)
                    break;
            if (j == PVB_NOPDEFS || strcmp(pvb_opdefs[j].name, s) != 0) {
                rc = pvb_mismatch("opcode %d is %s here, %s in pyverify's table", i, s,
                                  j == PVB_NOPDEFS ? "absent" : pvb_opdefs[j].name);
                goto done;
            }
        }
    }
    if (pvb_read_list(mod, "hasconst", rflags, F_C) < 0 ||
        pvb_read_list(mod, "hasname", rflags, F_N) < 0 ||
        pvb_read_list(mod, "hasjrel", rflags, F_J) < 0 ||
        pvb_read_list(mod, "hasjabs", rflags, F_JA) < 0 ||
        pvb_read_list(mod, "haslocal", rflags, F_L) < 0 ||
        pvb_read_list(mod, "hasfree", rflags, F_F) < 0)
        goto pyfail;
    if (nnb != (long)PVB_NB_OPS) {
        rc = pvb_mismatch("BINARY_OP has %ld operators, pyverify knows %u", nnb, PVB_NB_OPS);
        goto done;
    }
    for (size_t j = 0; j < PVB_NOPDEFS; j++) {
        const pvb_opdef *d = &pvb_opdefs[j];
        if (!rknown[d->num] || rcache[d->num] != d->cache || rflags[d->num] != d->flags) {
            rc = pvb_mismatch("%s (%u): named %d, caches %u/%u, flags 0x%x/0x%x", d->name,
                              d->num, rknown[d->num], rcache[d->num], d->cache,
                              rflags[d->num], d->flags);
            goto done;
        }
        /* The jump arithmetic below assumes jumps carry no inline caches. */
        if ((d->flags & (F_J | F_JA)) && d->cache != 0) {
            rc = pvb_mismatch("jump %s has inline caches", d->name);
            goto done;
        }
    }
    for (int i = 0; i < 256; i++) {
        if (!rknown[i] && (rcache[i] != 0 || (rflags[i] & ~F_A) != 0)) {
            rc = pvb_mismatch("unnamed opcode %d has caches or flags", i);
            goto done;
        }
    }
    memset(pvb_tab.name, 0, sizeof pvb_tab.name);
    for (size_t j = 0; j < PVB_NOPDEFS; j++)
        pvb_tab.name[pvb_opdefs[j].num] = pvb_opdefs[j].name;
    memcpy(pvb_tab.known, rknown, sizeof rknown);
    memcpy(pvb_tab.cache, rcache, sizeof rcache);
    memcpy(pvb_tab.flags, rflags, sizeof rflags);
    pvb_tab.state = 1;
    rc = 0;
    goto done;
pyfail:
    rc = pv_fail_python(PV_ERR_PYTHON, "bytecode layer: reading the opcode module");
done:
    Py_XDECREF(o);
    Py_XDECREF(names);
    Py_XDECREF(caches);
    Py_XDECREF(mod);
    return rc;
}

int pvb_opcode_number(const char *name)
{
    int rc = pvb_tables();
    if (rc < 0)
        return rc;
    if (name != NULL)
        for (size_t j = 0; j < PVB_NOPDEFS; j++)
            if (strcmp(pvb_opdefs[j].name, name) == 0)
                return pvb_opdefs[j].num;
    return pv_fail(PV_ERR_POLICY, "[bytecode] opcodes: unknown opcode name '%s'",
                   name ? name : "(null)");
}
