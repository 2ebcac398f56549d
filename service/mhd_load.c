/*
 * mhd_load.c: libmicrohttpd, loaded by `pyverify serve` when it starts a daemon instead of
 * by the dynamic linker at every start of `pyverify` (issue 19).
 *
 * Linked as a dependency, libmicrohttpd brings gnutls and ten more libraries (p11-kit,
 * nettle, hogweed, gmp, tasn1, idn2, unistring, ffi, ...): about 3.7 M instructions of
 * relocation and library constructors and 1.7 ms of CPU on every `pyverify` and
 * `pyverify run`, which never serve HTTP. The service calls the functions below by their
 * usual names; the first call loads the library by its soname (the same name and search
 * path the dynamic linker would use) and resolves every function at once, before the
 * daemon's threads exist. A library that cannot be loaded or lacks a function: the daemon
 * does not start (MHD_start_daemon returns NULL after a message on stderr); the others are
 * only reachable through a daemon.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#ifndef PV_MHD_SONAME
#error "PV_MHD_SONAME (libmicrohttpd's soname) is set by service/sources.cmake"
#endif

typedef struct MHD_Daemon *(*start_va_fn)(unsigned int, uint16_t, MHD_AcceptPolicyCallback,
                                          void *, MHD_AccessHandlerCallback, void *, va_list);
typedef MHD_socket (*quiesce_fn)(struct MHD_Daemon *);
typedef void (*stop_fn)(struct MHD_Daemon *);
typedef const char *(*lookup_fn)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
typedef struct MHD_Response *(*create_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
typedef void (*destroy_fn)(struct MHD_Response *);
typedef enum MHD_Result (*header_fn)(struct MHD_Response *, const char *, const char *);
typedef const union MHD_ConnectionInfo *(*info_fn)(struct MHD_Connection *,
                                                  enum MHD_ConnectionInfoType, ...);

static struct {
    start_va_fn start_va;
    quiesce_fn quiesce;
    stop_fn stop;
    lookup_fn lookup;
    queue_fn queue;
    create_fn create;
    destroy_fn destroy;
    header_fn header;
    info_fn info;
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static int mhd_ok;

/* dlsym's void * to a function pointer, without the cast ISO C leaves undefined. */
static int resolve(void *lib, const char *name, void *fn, size_t size)
{
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "pyverify serve: %s lacks %s\n", PV_MHD_SONAME, name);
        return -1;
    }
    memcpy(fn, &p, size);
    return 0;
}

#define RESOLVE(lib, name, field) resolve(lib, name, &mhd.field, sizeof mhd.field)

static void load(void)
{
    void *lib = dlopen(PV_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        fprintf(stderr, "pyverify serve: cannot load %s: %s\n", PV_MHD_SONAME, e ? e : "?");
        return;
    }
    if (RESOLVE(lib, "MHD_start_daemon_va", start_va) < 0 ||
        RESOLVE(lib, "MHD_quiesce_daemon", quiesce) < 0 ||
        RESOLVE(lib, "MHD_stop_daemon", stop) < 0 ||
        RESOLVE(lib, "MHD_lookup_connection_value", lookup) < 0 ||
        RESOLVE(lib, "MHD_queue_response", queue) < 0 ||
        RESOLVE(lib, "MHD_create_response_from_buffer", create) < 0 ||
        RESOLVE(lib, "MHD_destroy_response", destroy) < 0 ||
        RESOLVE(lib, "MHD_add_response_header", header) < 0 ||
        RESOLVE(lib, "MHD_get_connection_info", info) < 0)
        return; /* the library stays loaded: harmless, and dlclose is not needed */
    mhd_ok = 1;
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
                                    MHD_AcceptPolicyCallback apc, void *apc_cls,
                                    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    struct MHD_Daemon *d;
    va_list ap;
    pthread_once(&mhd_once, load);
    if (!mhd_ok)
        return NULL;
    va_start(ap, dh_cls);
    d = mhd.start_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

/* The functions below are called only for a daemon MHD_start_daemon returned, so the
 * library is loaded and every pointer is set. */
MHD_socket MHD_quiesce_daemon(struct MHD_Daemon *daemon) { return mhd.quiesce(daemon); }

void MHD_stop_daemon(struct MHD_Daemon *daemon) { mhd.stop(daemon); }

const char *MHD_lookup_connection_value(struct MHD_Connection *connection,
                                        enum MHD_ValueKind kind, const char *key)
{
    return mhd.lookup(connection, kind, key);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    return mhd.queue(connection, status_code, response);
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
    pthread_once(&mhd_once, load); /* may run before a daemon: keep it safe */
    return mhd_ok ? mhd.create(size, buffer, mode) : NULL;
}

void MHD_destroy_response(struct MHD_Response *response) { mhd.destroy(response); }

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header,
                                        const char *content)
{
    return mhd.header(response, header, content);
}

/* The service asks only for kinds that take no further argument (the connection's
 * descriptor, socket context, client address). */
const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type,
                                                        ...)
{
    return mhd.info(connection, info_type);
}
