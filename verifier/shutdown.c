/*
 * shutdown.c: pv_shutdown(). Every module that caches Python objects releases them, then
 * the interpreter's own cache goes, then the interpreter (if pv_init() started it). It sits
 * above those modules, which all use the interpreter (interp.c); interp.c calls none of
 * them.
 */
#include "internal.h"

/* The runtime's hooks (run_pool.c, template_kind.c: their cached templates). Each is set
 * once, from a pthread_once of its module. */
#define PVI_MAX_HOOKS 4
static void (*g_hooks[PVI_MAX_HOOKS])(void);

void pvi_set_shutdown_hook(void (*hook)(void))
{
    for (size_t i = 0; i < PVI_MAX_HOOKS; i++) {
        if (g_hooks[i] == hook)
            return;
        if (!g_hooks[i]) {
            g_hooks[i] = hook;
            return;
        }
    }
}

PV_EXTERN void pv_shutdown(void)
{
    if (!pvi_ready())
        return;
    PyGILState_STATE gs = PyGILState_Ensure();
    for (size_t i = 0; i < PVI_MAX_HOOKS && g_hooks[i]; i++)
        g_hooks[i](); /* the runtime's cached templates end before anything they use */
    pvp_release_static();
    pva_release_static();
    pvc_release_static();
    pvi_release_static();
    PyGILState_Release(gs);
    pvi_finalize();
}
