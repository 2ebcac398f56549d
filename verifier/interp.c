/*
 * interp.c: the embedded interpreter. Starts CPython with an isolated configuration, or
 * reuses the host's interpreter; caches the few objects every module needs.
 */
#include "internal.h"

static bool g_ready;       /* pv_init() succeeded */
static bool g_we_started;  /* we called Py_InitializeFromConfig, so we may finalise */
static pvi_cache g_cache;

bool pvi_ready(void) { return g_ready; }
bool pvi_we_started(void) { return g_we_started; }
const pvi_cache *pvi_get(void) { return &g_cache; }

/* Isolated: no environment variables, no user site, no site import (no .pth files run),
 * safe_path (no script directory or cwd on sys.path), no bytecode writing, no signal
 * handlers (the host owns its signals). */
static int start_interpreter(void)
{
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.write_bytecode = 0;
    config.install_signal_handlers = 0;
    config.user_site_directory = 0;
    config.use_environment = 0;
    config.safe_path = 1;
    config.parse_argv = 0;
    config.buffered_stdio = 1;
    /* Compiling checked code must not print CPython's SyntaxWarning/DeprecationWarning
     * (e.g. "is" with a literal, invalid escapes) on the host's stderr. Only for an
     * interpreter pyverify starts; a host keeps its own warning settings. */
    PyStatus st = PyWideStringList_Append(&config.warnoptions, L"ignore::SyntaxWarning");
    if (!PyStatus_Exception(st))
        st = PyWideStringList_Append(&config.warnoptions, L"ignore::DeprecationWarning");
    if (PyStatus_Exception(st)) {
        PyConfig_Clear(&config);
        return pv_fail(PV_ERR_PYTHON, "cannot configure the embedded interpreter");
    }
    st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st))
        return pv_fail(PV_ERR_PYTHON, "cannot start the embedded interpreter: %s",
                       st.err_msg ? st.err_msg : "unknown error");
    return 0;
}

/* Not in fill_cache: importing tokenize (re, and much of what re imports) was ~30 M
 * instructions of every start-up, and only sources that may carry a coding cookie need it. */
PyObject *pvi_detect_encoding(void)
{
    if (!g_cache.detect_encoding) {
        PyObject *tok = PyImport_ImportModule("tokenize");
        if (!tok)
            return NULL;
        g_cache.detect_encoding = PyObject_GetAttrString(tok, "detect_encoding");
        Py_DECREF(tok);
    }
    return g_cache.detect_encoding;
}

static int fill_cache(void)
{
    PyObject *io = NULL;
    g_cache.builtins_module = PyImport_ImportModule("builtins");
    if (!g_cache.builtins_module) goto fail;
    g_cache.compile = PyObject_GetAttrString(g_cache.builtins_module, "compile");
    if (!g_cache.compile) goto fail;
    g_cache.ast_module = PyImport_ImportModule("_ast");
    if (!g_cache.ast_module) goto fail;
    PyObject *codecs = PyImport_ImportModule("codecs");
    if (!codecs)
        goto fail;
    g_cache.codec_lookup = PyObject_GetAttrString(codecs, "lookup");
    Py_DECREF(codecs);
    if (!g_cache.codec_lookup)
        goto fail;
    io = PyImport_ImportModule("io");
    if (!io) goto fail;
    g_cache.bytesio = PyObject_GetAttrString(io, "BytesIO");
    if (!g_cache.bytesio) goto fail;
    Py_DECREF(io);
    return 0;
fail:
    Py_XDECREF(io);
    return pv_fail_python(PV_ERR_PYTHON, "initialising the interpreter cache");
}

static void clear_cache(void)
{
    Py_CLEAR(g_cache.builtins_module);
    Py_CLEAR(g_cache.compile);
    Py_CLEAR(g_cache.ast_module);
    Py_CLEAR(g_cache.detect_encoding);
    Py_CLEAR(g_cache.bytesio);
    Py_CLEAR(g_cache.codec_lookup);
}

PV_EXTERN int pv_init(void)
{
    if (g_ready)
        return 0;
    if (!Py_IsInitialized()) {
        int rc = start_interpreter();
        if (rc < 0)
            return rc;
        g_we_started = true;
    }
    PyGILState_STATE gs = PyGILState_Ensure();
    int rc = fill_cache();
    if (rc < 0)
        clear_cache();
    PyGILState_Release(gs);
    if (rc < 0)
        return rc;
    g_ready = true;
    return 0;
}

/* pv_shutdown() (shutdown.c) calls these last, after every module has released what it
 * cached: the interpreter's cache (GIL held), then, without the GIL, the interpreter if
 * pv_init() started it. */
void pvi_release_static(void)
{
    clear_cache();
}

void pvi_finalize(void)
{
    g_ready = false;
    if (g_we_started) {
        g_we_started = false;
        Py_FinalizeEx();
    }
}

PV_EXTERN const char *pv_python_version(void) { return PY_VERSION; }
PV_EXTERN const char *pv_version(void) { return PV_VERSION_STRING; }
