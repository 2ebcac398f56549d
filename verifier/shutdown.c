/*
 * shutdown.c: pv_shutdown(). Every module that caches Python objects releases them, then
 * the interpreter's own cache goes, then the interpreter (if pv_init() started it). It sits
 * above those modules, which all use the interpreter (interp.c); interp.c calls none of
 * them.
 */
#include "internal.h"

static void (*g_hook)(void);

void pvi_set_shutdown_hook(void (*hook)(void))
{
    g_hook = hook;
}

PV_EXTERN void pv_shutdown(void)
{
    if (!pvi_ready())
        return;
    PyGILState_STATE gs = PyGILState_Ensure();
    if (g_hook)
        g_hook(); /* the runtime's cached templates end before anything they use */
    pvp_release_static();
    pva_release_static();
    pvc_release_static();
    pvi_release_static();
    PyGILState_Release(gs);
    pvi_finalize();
}
