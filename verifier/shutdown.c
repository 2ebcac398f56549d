/*
 * shutdown.c: pv_shutdown(). Every module that caches Python objects releases them, then
 * the interpreter's own cache goes, then the interpreter (if pv_init() started it). It sits
 * above those modules, which all use the interpreter (interp.c); interp.c calls none of
 * them.
 */
#include "internal.h"

PV_EXTERN void pv_shutdown(void)
{
    if (!pvi_ready())
        return;
    PyGILState_STATE gs = PyGILState_Ensure();
    pvp_release_static();
    pva_release_static();
    pvc_release_static();
    pvi_release_static();
    PyGILState_Release(gs);
    pvi_finalize();
}
