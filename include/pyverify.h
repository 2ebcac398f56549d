/*
 * pyverify.h: the public C API of libpyverify.
 *
 * pyverify verifies untrusted Python source against a whitelist policy (an AST layer
 * and an independent bytecode layer), and runs what it verified in a sandboxed child.
 *
 * Conventions
 *   - Every function that can fail returns int: 0 (PV_OK) or a negative pv_error.
 *     The output parameter comes first. pv_last_error() describes the last failure
 *     of the calling thread.
 *   - Handles are opaque. Whoever receives a handle through an output parameter owns
 *     it and releases it with the matching pv_*_free(); every pv_*_free(NULL) is a no-op.
 *   - Borrowed pointers (const char *, const pv_diag *) live as long as the handle
 *     they were obtained from.
 *   - Verification findings are data (pv_diag records), not errors: a rejected
 *     program is a successful pv_verify() whose verdict is PV_REJECTED.
 *
 * Threads and the GIL
 *   libpyverify embeds CPython. Every entry point acquires the GIL itself
 *   (PyGILState_Ensure), so any thread of the host may call it once pv_init() has
 *   returned; calls are serialised by the GIL. A host that embeds Python already keeps
 *   its interpreter: pv_init() reuses it and pv_shutdown() never finalises an
 *   interpreter pyverify did not start. Runs do not serialise: each releases the GIL while
 *   it waits. pv_run() and runners get their children from a clean template
 *   (`pyverify-template`, exec'd fresh), not by forking this process, so no secret of
 *   this process and no earlier run's data is in a child's memory. Only when no template
 *   can be started (or a runner has PV_TEMPLATE_OFF) is the child forked from this
 *   process, and the run reports the step "template" as skipped (PV600); call it then
 *   from a process whose other threads hold no locks the child would need.
 */
#ifndef PYVERIFY_H
#define PYVERIFY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PV_BUILDING_LIBRARY)
#define PV_EXTERN __attribute__((visibility("default")))
#else
#define PV_EXTERN
#endif

#define PV_VERSION_MAJOR 0
#define PV_VERSION_MINOR 1
#define PV_VERSION_PATCH 0
#define PV_VERSION_STRING "0.1.0"

/* Error codes returned by the API (never positive). */
typedef enum pv_error {
    PV_OK = 0,
    PV_ERR_NOMEM = -1,    /* out of memory */
    PV_ERR_INVALID = -2,  /* an argument is invalid (NULL handle, bad option) */
    PV_ERR_STATE = -3,    /* pv_init() was not called, or the handle is in the wrong state */
    PV_ERR_PYTHON = -4,   /* the embedded interpreter failed unexpectedly */
    PV_ERR_POLICY = -5,   /* a rules file is invalid (message in pv_last_error()) */
    PV_ERR_IO = -6,       /* a file could not be read */
    PV_ERR_RUNTIME = -7   /* the runtime could not prepare or start a child */
} pv_error;

/* The last failure of the calling thread, never NULL ("" when none). Valid until the
 * next failing call on the same thread. */
PV_EXTERN const char *pv_last_error(void);
/* A static description of a pv_error code. */
PV_EXTERN const char *pv_strerror(int err);

/* Versions: pyverify's ("0.1.0") and the embedded CPython's ("3.11.2"). Static strings;
 * pv_python_version() may be called before pv_init(). */
PV_EXTERN const char *pv_version(void);
PV_EXTERN const char *pv_python_version(void);

/* Initialise the library and, unless the host already has one, an isolated embedded
 * interpreter (PyConfig_InitIsolatedConfig: no environment, no user site, no site
 * import, no current directory on sys.path, no bytecode writing). Idempotent. */
PV_EXTERN int pv_init(void);
/* Release the library's global state; finalises the interpreter only if pv_init()
 * started it. All handles must have been freed. */
PV_EXTERN void pv_shutdown(void);

/* ---- Policies ------------------------------------------------------------------------- */

typedef struct pv_policy pv_policy;

/* The embedded default policy (rules/default.toml). */
PV_EXTERN int pv_policy_default(pv_policy **out);
/* Where the default policy's derived tables (attribute allowlists, module members) came
 * from in this process: "build" (computed when pyverify was built; used only because
 * their key matched this interpreter and its standard library exactly), "derived"
 * (computed at load time from the live interpreter; *why, if given, says why the build's
 * tables were not used) or "unloaded" (no default policy loaded yet). Static strings. */
PV_EXTERN const char *pv_policy_default_origin(const char **why);
/* A policy from a TOML rules file, or from a buffer; `origin` names it in messages.
 * Unknown keys and malformed values are errors (PV_ERR_POLICY), never ignored. */
PV_EXTERN int pv_policy_load_file(pv_policy **out, const char *path);
PV_EXTERN int pv_policy_load_buffer(pv_policy **out, const char *toml, size_t len,
                                    const char *origin);
/* Where the policy came from ("<default>" or the path); borrowed. */
PV_EXTERN const char *pv_policy_origin(const pv_policy *policy);
PV_EXTERN void pv_policy_free(pv_policy *policy);
/* The text of the embedded default rules file (static, NUL-terminated). */
PV_EXTERN const char *pv_default_rules(size_t *len);

/* ---- Verification ----------------------------------------------------------------------- */

typedef enum pv_mode {
    PV_MODE_MODULE = 0, /* a module: statements */
    PV_MODE_EXPR = 1    /* a single expression, as a formula field holds */
} pv_mode;

/* Static layers, as bits. */
enum {
    PV_LAYER_AST = 1u << 0,
    PV_LAYER_BYTECODE = 1u << 1,
    PV_LAYER_STATIC = PV_LAYER_AST | PV_LAYER_BYTECODE,
    /* Compile only, skip both static layers. Exists so that the corpus can prove that the
     * runtime alone contains attacks; pv_run() runs such a program only with
     * PV_RUN_ALLOW_UNVERIFIED. Never use it for real work. */
    PV_LAYER_UNSAFE_NONE = 1u << 8
};

typedef struct pv_verify_opts {
    unsigned version;            /* PV_VERIFY_OPTS_VERSION */
    pv_mode mode;
    unsigned layers;             /* PV_LAYER_* bits; 0 means PV_LAYER_STATIC */
    const char *const *globals;  /* names the host will bind as globals (inputs); may be NULL */
    size_t nglobals;
} pv_verify_opts;
#define PV_VERIFY_OPTS_VERSION 1
#define PV_VERIFY_OPTS_INIT { PV_VERIFY_OPTS_VERSION, PV_MODE_MODULE, PV_LAYER_STATIC, NULL, 0 }

typedef enum pv_verdict {
    PV_ACCEPTED = 0, /* every enabled layer accepted the program */
    PV_REJECTED = 1, /* the policy rejects it: see the diagnostics */
    PV_INVALID = 2   /* it could not be checked (NUL byte, undecodable, too large/deep) */
} pv_verdict;

typedef enum pv_severity { PV_SEV_ERROR = 0, PV_SEV_WARNING = 1, PV_SEV_NOTE = 2 } pv_severity;

/* Which part of pyverify produced a diagnostic. */
typedef enum pv_layer_id {
    PV_DIAG_INPUT = 0,    /* input and limits, before any layer */
    PV_DIAG_AST = 1,
    PV_DIAG_BYTECODE = 2,
    PV_DIAG_RUNTIME = 3
} pv_layer_id;

/* One finding. Positions are 1-based; columns count characters (code points) of the
 * decoded line; end_col is exclusive. line 0 means "no position". */
typedef struct pv_diag {
    const char *code;      /* stable rule code, e.g. "PV300" */
    const char *title;     /* the rule's one-line title */
    pv_severity severity;
    pv_layer_id layer;
    const char *message;   /* what was found, e.g. "attribute '__class__' is private" */
    const char *file;
    unsigned line, col, end_line, end_col;
    const char *hint;      /* how to fix it or how a policy could allow it; may be NULL */
} pv_diag;

typedef struct pv_program pv_program;

/* Verify `len` bytes of source named `filename` (used in diagnostics and as the code
 * object's co_filename). Bytes are decoded as CPython does (BOM, PEP 263 cookie);
 * encodings outside the policy's [source] encodings are rejected. On success *out is
 * a program whose verdict and diagnostics can be read; when accepted it holds the
 * compiled code object that pv_run() executes. opts may be NULL (module mode, both
 * layers). The program keeps a pointer to `policy`: free the program before the policy. */
PV_EXTERN int pv_verify(pv_program **out, const pv_policy *policy, const char *src,
                        size_t len, const char *filename, const pv_verify_opts *opts);
PV_EXTERN pv_verdict pv_program_verdict(const pv_program *program);
PV_EXTERN pv_mode pv_program_mode(const pv_program *program);
PV_EXTERN size_t pv_program_diag_count(const pv_program *program);
/* The i-th diagnostic in source order, or NULL when i is out of range. Borrowed. */
PV_EXTERN const pv_diag *pv_program_diag(const pv_program *program, size_t i);
/* The source line `line` (1-based) of the decoded text, without its line break, as
 * UTF-8; NULL when unknown. Borrowed. */
PV_EXTERN const char *pv_program_source_line(const pv_program *program, unsigned line,
                                             size_t *len);
PV_EXTERN void pv_program_free(pv_program *program);

/* ---- Rules catalogue ------------------------------------------------------------------------ */

typedef struct pv_rule_info {
    const char *code;
    const char *title;
    const char *hint;
    const char *explanation;
    pv_layer_id layer;
    pv_verdict verdict; /* PV_REJECTED or PV_INVALID */
} pv_rule_info;

PV_EXTERN size_t pv_rule_count(void);
/* The i-th rule (0-based) or NULL. Static. */
PV_EXTERN const pv_rule_info *pv_rule_at(size_t i);
/* The rule with this code ("PV300", case-insensitive) or NULL. Static. */
PV_EXTERN const pv_rule_info *pv_rule_find(const char *code);

/* ---- Running ----------------------------------------------------------------------------- */

/* ---- Host functions ---- */

/* A host function: the program sees `name` as a callable global. A call sends only data
 * (None, bool, int, float, str, list/tuple, dict with str keys; no cycles; bounded depth)
 * over the control channel; this process validates the request and calls `fn` with
 * args_json = {"args":[...],"kwargs":{...}} (args_len bytes, NUL-terminated). On success
 * return 0 and set *result_json to a malloc'd JSON text (freed by the library with free());
 * it must be data as above. On failure return non-zero and set *error to a malloc'd
 * message (or leave it NULL): the program gets HostError(message). The callback runs in the
 * thread that called pv_run()/pv_runner_run()/pv_session_run(), without the GIL; its time
 * counts against the run's wall clock, not its CPU limit. `name` must be declared in the
 * policy ([host] functions) or passed to pv_verify() as a global. */
typedef int (*pv_host_fn)(void *ctx, const char *name, const char *args_json, size_t args_len,
                          char **result_json, char **error);
typedef struct pv_host_function {
    const char *name;
    pv_host_fn fn;
    void *ctx;
} pv_host_function;
#define PV_HOST_DEFAULT_MAX_CALLS 1000u
#define PV_HOST_DEFAULT_MAX_BYTES (1024u * 1024u)

/* Options of pv_run(). Start from PV_RUN_OPTS_INIT; fields set to 0 take the default.
 * Every limit applies to one run: the wall clock from fork to the child's end (a watchdog
 * kills the child's whole process group), CPU seconds (RLIMIT_CPU, whole seconds rounded
 * up), memory (RLIMIT_AS, or RLIMIT_DATA in sanitizer builds), and each of stdout and stderr
 * separately. */
typedef struct pv_run_opts {
    unsigned version;        /* PV_RUN_OPTS_VERSION */
    double timeout_s;        /* wall clock, seconds (default 2) */
    double cpu_s;            /* CPU time, seconds (default 1) */
    size_t memory_mb;        /* address space the program may map beyond what the child
                                inherits from this process at fork, MiB (default 256) */
    size_t output_kb;        /* per stream, KiB (default 64); also caps the result */
    const char *stdin_data;  /* the program's standard input; NULL: /dev/null. Borrowed
                                for the duration of the call. */
    size_t stdin_len;
    const char *input_json;  /* a JSON object whose keys become globals (data only); NULL
                                for none. Keys must be identifiers and not dunders, and must
                                have been passed to pv_verify() as globals. */
    unsigned flags;          /* PV_RUN_* bits */
    /* Host functions (borrowed for the duration of the call); NULL/0: none. */
    const pv_host_function *host_functions;
    size_t n_host_functions;
    unsigned max_host_calls; /* per run (default PV_HOST_DEFAULT_MAX_CALLS) */
    size_t max_host_bytes;   /* per call's arguments and per result (default 1 MiB) */
} pv_run_opts;
#define PV_RUN_OPTS_VERSION 1
#define PV_RUN_DEFAULT_TIMEOUT_S 2.0
#define PV_RUN_DEFAULT_CPU_S 1.0
#define PV_RUN_DEFAULT_MEMORY_MB 256u
#define PV_RUN_DEFAULT_OUTPUT_KB 64u
#define PV_RUN_OPTS_INIT                                                                   \
    { PV_RUN_OPTS_VERSION, PV_RUN_DEFAULT_TIMEOUT_S, PV_RUN_DEFAULT_CPU_S,                  \
      PV_RUN_DEFAULT_MEMORY_MB, PV_RUN_DEFAULT_OUTPUT_KB, NULL, 0, NULL, 0u, NULL, 0,       \
      PV_HOST_DEFAULT_MAX_CALLS, PV_HOST_DEFAULT_MAX_BYTES }

/* pv_run_opts.flags. The first two switch off whole runtime layers, for the corpus's
 * layer matrix; the new session, closed descriptors, empty environment, private directory,
 * rlimits, the drop from root to uid 65534, the watchdog and the output caps always stay. */
enum {
    PV_RUN_NO_PYTHON_LAYER = 1u << 0,  /* real builtins, no module proxies, no audit hook */
    PV_RUN_NO_OS_LAYER = 1u << 1,      /* no namespaces, no no_new_privs, no seccomp */
    PV_RUN_ALLOW_UNVERIFIED = 1u << 2, /* accept a program compiled with PV_LAYER_UNSAFE_NONE */
    PV_RUN_NO_SECCOMP = 1u << 3,       /* finer: only seccomp (and no_new_privs) off */
    PV_RUN_NO_NAMESPACES = 1u << 4     /* finer: only namespaces off */
};

/* How a run ended. */
typedef enum pv_run_status {
    PV_RUN_OK = 0,       /* the program ran to the end */
    PV_RUN_REJECTED,     /* not run: verification rejected it (used by front ends) */
    PV_RUN_ERROR,        /* uncaught exception */
    PV_RUN_TIMEOUT,      /* wall-clock limit: the watchdog killed it */
    PV_RUN_CPU,          /* CPU limit */
    PV_RUN_MEMORY,       /* memory limit (MemoryError or allocation failure) */
    PV_RUN_OUTPUT,       /* an output cap was exceeded; the child was killed */
    PV_RUN_CRASHED,      /* killed by a signal it raised itself (SIGSEGV, SIGABRT, ...) */
    PV_RUN_KILLED,       /* a sandbox layer killed it (seccomp SIGSYS, audit hook) */
    PV_RUN_NOT_RUN,      /* a batch item that was not run: the batch's limits ran out first */
    PV_RUN_HOST_LIMIT    /* a host-function budget (calls, bytes) was exceeded, or the child
                            broke the host-call protocol; the child was killed */
} pv_run_status;

/* "ok", "rejected", "error", "timeout", "cpu", "memory", "output", "crashed", "killed",
 * "not_run", "host_limit"; "unknown" for other values. Static. */
PV_EXTERN const char *pv_run_status_name(pv_run_status status);

typedef struct pv_run_result pv_run_result;

/* Run an accepted program in a sandboxed child and wait for it. The child comes from a
 * clean template (see pv_runner_opts) for the program's policy and opts->flags, which
 * pv_run() starts at the first run that needs it (one exec and interpreter start-up) and
 * keeps for later ones: a few templates per process, the least recently used ended first,
 * one run at a time each (concurrent runs get their own), re-created after a fork of this
 * process or when one died, ended by pv_run_cache_free() and pv_shutdown() (and when this
 * process exits). The policy is identified by the object: keep it for a loop of runs. When
 * no template can be started (the helper is missing, exec is forbidden) the child is
 * forked from this process and the result reports the skipped step "template" with the
 * reason; the template is tried again after 10 s. `program` must have verdict PV_ACCEPTED (else PV_ERR_STATE); a program compiled without
 * verification (PV_LAYER_UNSAFE_NONE) is refused unless opts->flags has
 * PV_RUN_ALLOW_UNVERIFIED. The program's policy (kept by the program) must still be alive:
 * free programs before their policy. opts may be NULL (defaults). On success (0) *out owns
 * a result, whatever the program did; release it with pv_run_result_free(). Errors:
 * PV_ERR_INVALID (bad options or --input), PV_ERR_STATE, PV_ERR_RUNTIME (pipes, fork),
 * PV_ERR_PYTHON, PV_ERR_NOMEM. */
PV_EXTERN int pv_run(pv_run_result **out, const pv_program *program, const pv_run_opts *opts);
/* End the templates pv_run() keeps (idle ones; a run in progress keeps its own): their
 * children are killed and they are reaped. The next pv_run() starts them again. Any thread;
 * also called by pv_shutdown(). */
PV_EXTERN void pv_run_cache_free(void);

/* Accessors. Borrowed pointers live as long as the result. */
PV_EXTERN pv_run_status pv_run_result_status(const pv_run_result *r);
/* The child's exit code (-1 when a signal ended it) and the terminating signal (0: none). */
PV_EXTERN int pv_run_result_exit_code(const pv_run_result *r);
PV_EXTERN int pv_run_result_signal(const pv_run_result *r);
/* Captured output, up to the cap; not NUL-terminated in general (a NUL is appended after
 * len for convenience). */
PV_EXTERN const char *pv_run_result_stdout(const pv_run_result *r, size_t *len);
PV_EXTERN const char *pv_run_result_stderr(const pv_run_result *r, size_t *len);
PV_EXTERN int pv_run_result_stdout_truncated(const pv_run_result *r);
PV_EXTERN int pv_run_result_stderr_truncated(const pv_run_result *r);
PV_EXTERN unsigned long pv_run_result_cpu_ms(const pv_run_result *r);
PV_EXTERN unsigned long pv_run_result_wall_ms(const pv_run_result *r);
PV_EXTERN unsigned long pv_run_result_max_rss_kb(const pv_run_result *r);
/* The uncaught exception: type name and message (NULL when none), and the line in the
 * verified code where it was raised (0 when unknown). */
PV_EXTERN const char *pv_run_result_exception_type(const pv_run_result *r);
PV_EXTERN const char *pv_run_result_exception_message(const pv_run_result *r);
PV_EXTERN unsigned pv_run_result_exception_line(const pv_run_result *r);
/* Expression mode: the value as JSON text (unencodable values as the JSON string of their
 * repr); NULL otherwise or when none. */
PV_EXTERN const char *pv_run_result_value(const pv_run_result *r);
/* Isolation layers that were actually active, e.g. "session", "rlimits", "namespace:net",
 * "seccomp", "python:builtins", "watchdog". Name i, or NULL past the end. */
PV_EXTERN size_t pv_run_result_layer_count(const pv_run_result *r);
PV_EXTERN const char *pv_run_result_layer(const pv_run_result *r, size_t i);
/* Steps that failed or were unavailable, with the reason; and why a layer killed the
 * program (e.g. "audit: open"), NULL otherwise. */
PV_EXTERN size_t pv_run_result_skipped_count(const pv_run_result *r);
PV_EXTERN const char *pv_run_result_skipped_step(const pv_run_result *r, size_t i);
PV_EXTERN const char *pv_run_result_skipped_reason(const pv_run_result *r, size_t i);
PV_EXTERN const char *pv_run_result_kill_reason(const pv_run_result *r);
PV_EXTERN void pv_run_result_free(pv_run_result *r);

/* ---- Warm runner ---- */

/* A runner keeps one child forked ahead of time and already inside most of its sandbox:
 * new session, descriptors, empty environment, private directory, unprivileged user,
 * namespaces, the parent-death signal, and the policy's builtins and module proxies. The
 * child waits for a program. pv_runner_run() hands it the verified code object
 * (marshalled by this process and rebuilt in the child from those bytes: the very code
 * that was verified), the inputs, stdin and the limits; the child then applies its
 * rlimits, no_new_privs and seccomp, arms the audit hook and runs it. The result is the
 * same as pv_run()'s (same layers, same statuses; cpu_ms counts the program's part). While
 * the program runs, the next child is forked, so that a loop of runs finds one ready.
 *
 * `flags` (PV_RUN_*) are those of every run of this runner; a run whose opts carry other
 * flags, or whose program was verified with another policy, is done by pv_run(). A runner
 * is used by one thread at a time, belongs to the process that created it (not to a child
 * forked later), and must be freed before its policy. Errors as for pv_run(), plus
 * PV_ERR_INVALID for a NULL policy or unknown flags. */
typedef struct pv_runner pv_runner;
PV_EXTERN int pv_runner_new(pv_runner **out, const pv_policy *policy, unsigned flags);
PV_EXTERN int pv_runner_run(pv_runner *runner, pv_run_result **out, const pv_program *program,
                            const pv_run_opts *opts);
/* Kills the waiting child and frees the runner. NULL is a no-op. */
PV_EXTERN void pv_runner_free(pv_runner *runner);

/* A clean template (runtime/README.md, "The process tree"). By default a runner does not
 * fork its children from this process, which may hold secrets and earlier requests: it
 * starts the helper `pyverify-template` (exec'd fresh, empty environment), which loads the
 * same policy, imports what it needs and alone forks the warm children; a child's
 * descriptors come back to this process, which hands it the program and watches it as
 * before. The helper is looked for at `template_path`, else $PYVERIFY_TEMPLATE, else the
 * install path, else the build tree. PV_TEMPLATE_AUTO: when it cannot be started, the
 * runner forks from this process and every run reports the step "template" as skipped;
 * PV_TEMPLATE_REQUIRE: pv_runner_new_opts() fails (PV_ERR_RUNTIME); PV_TEMPLATE_OFF: fork
 * from this process (reported the same way).
 * Per-run uids: when this process is root, each child of a template drops to a uid of its
 * own in [uid_base, uid_base + uid_count) (0/0: PV_RUNNER_UID_BASE/PV_RUNNER_UID_COUNT):
 * each template takes the block of 16 at uid_base + 16 * (its pid mod uid_count/16) and
 * rotates in it, so live runs never share a uid when the range holds pid_max x 16 uids (the
 * default); it must belong to no account. When this process is not root, the same from
 * its user's subordinate range (/etc/subuid, /etc/subgid; package uidmap): a template
 * claims a free block of 17 (of the first range, or of [uid_base, uid_base + uid_count)
 * when that lies in one), becomes root of a user namespace where newuidmap/newgidmap map
 * it, and its children drop to the block's other 16.
 * Reported as the layer "uid:per-run" (else skipped, with why). */
typedef enum pv_template_mode {
    PV_TEMPLATE_AUTO = 0,
    PV_TEMPLATE_REQUIRE = 1,
    PV_TEMPLATE_OFF = 2
} pv_template_mode;
#define PV_RUNNER_UID_BASE 1879048192ul /* 0x70000000 */
#define PV_RUNNER_UID_COUNT 67108864ul /* pid_max (2^22) x 16 */
#define PV_RUNNER_OPTS_VERSION 1u
typedef struct pv_runner_opts {
    unsigned version;          /* PV_RUNNER_OPTS_VERSION */
    unsigned flags;            /* PV_RUN_* of every run, as pv_runner_new's */
    pv_template_mode template_mode;
    const char *template_path; /* NULL: $PYVERIFY_TEMPLATE, the install path, the build tree */
    const char *preload;       /* comma-separated modules the template imports besides the
                                  policy's (a host running PV_RUN_NO_PYTHON_LAYER code that
                                  needs e.g. ctypes); NULL: none */
    unsigned long uid_base, uid_count;
    unsigned pool;             /* children kept forked ahead by the template (0: the number
                                  of cores, at most 4; 1: the one for the next run) */
    const char *const *template_argv; /* the helper's argument vector, NULL-terminated (NULL:
                                  {"pyverify-template"}): for a helper that is an interpreter
                                  running the template (the Python package's) */
} pv_runner_opts;
#define PV_RUNNER_OPTS_INIT                                                                \
    {PV_RUNNER_OPTS_VERSION, 0u, PV_TEMPLATE_AUTO, NULL, NULL, 0ul, 0ul, 0u, NULL}
PV_EXTERN int pv_runner_new_opts(pv_runner **out, const pv_policy *policy,
                                 const pv_runner_opts *opts);
/* ---- Batches (formulas) ---- */

/* Many expressions evaluated in ONE sandboxed child, for one caller, every layer on: each
 * gets fresh globals (its own inputs over a fresh copy of the policy's builtins) and its
 * own result or error. pv_run_opts are the batch's limits: timeout_s the whole batch's wall
 * clock, cpu_s its CPU (every child it used, set-up excluded), memory_mb each child's,
 * output_kb caps each value; stdin and input_json must be unset; flags as for pv_run.
 * pv_batch_opts adds the per-expression CPU limit and the size limits.
 *
 * An item whose program was not accepted is reported PV_RUN_REJECTED (its diagnostics are
 * the program's) and not run; an item whose input is not a JSON object of the program's
 * declared globals likewise (reason "input: ..."). Programs must be in expression mode and
 * share one policy; one program may serve many items.
 *
 * The parent decides: an item over item_cpu_s is PV_RUN_CPU (the child is killed and the
 * rest of the batch goes on in a fresh child); past the batch's wall clock or CPU, the
 * running item is PV_RUN_TIMEOUT / PV_RUN_CPU and the remaining ones PV_RUN_NOT_RUN. The
 * child reports each item's value or exception as data, in order, exactly once: a record out
 * of order, repeated or malformed ends that child (the item it blames is PV_RUN_KILLED,
 * reason "protocol: ...") and the rest go on in a fresh child. A child that dies during an
 * item (audit hook, seccomp, crash) gives that item the status pv_run would. Values,
 * exceptions and "memory" are child-reported, as in pv_run: a program running native code
 * could forge those of the items after it in the same child, never a parent-decided
 * status and never another batch's. Printed output is discarded.
 * Errors: PV_ERR_INVALID (bad options, n or the bytes over the limits, a program not in
 * expression mode, programs of different policies), PV_ERR_STATE, PV_ERR_RUNTIME,
 * PV_ERR_PYTHON, PV_ERR_NOMEM. */
typedef struct pv_batch_item {
    const pv_program *program; /* verified in PV_MODE_EXPR; borrowed for the call */
    const char *input_json;    /* a JSON object of globals, or NULL */
} pv_batch_item;

typedef struct pv_batch_opts {
    unsigned version;  /* PV_BATCH_OPTS_VERSION */
    double item_cpu_s; /* CPU of one expression, seconds (default 0.1) */
    size_t max_items;  /* items per call (default 100,000) */
    size_t max_bytes;  /* marshalled code plus input JSON of all items (default 64 MiB) */
} pv_batch_opts;
#define PV_BATCH_OPTS_VERSION 1
#define PV_BATCH_DEFAULT_ITEM_CPU_S 0.1
#define PV_BATCH_DEFAULT_MAX_ITEMS 100000u
#define PV_BATCH_DEFAULT_MAX_BYTES (64u * 1024u * 1024u)
#define PV_BATCH_OPTS_INIT                                                                 \
    { PV_BATCH_OPTS_VERSION, PV_BATCH_DEFAULT_ITEM_CPU_S, PV_BATCH_DEFAULT_MAX_ITEMS,      \
      PV_BATCH_DEFAULT_MAX_BYTES }

typedef struct pv_batch_result pv_batch_result;
PV_EXTERN int pv_run_batch(pv_batch_result **out, const pv_batch_item *items, size_t n,
                           const pv_run_opts *opts, const pv_batch_opts *batch_opts);
PV_EXTERN size_t pv_batch_result_count(const pv_batch_result *r);
/* Item i (0-based; out of range: PV_RUN_NOT_RUN / NULL / 0). Borrowed strings. */
PV_EXTERN pv_run_status pv_batch_item_status(const pv_batch_result *r, size_t i);
PV_EXTERN const char *pv_batch_item_value(const pv_batch_result *r, size_t i);
PV_EXTERN const char *pv_batch_item_exception_type(const pv_batch_result *r, size_t i);
PV_EXTERN const char *pv_batch_item_exception_message(const pv_batch_result *r, size_t i);
PV_EXTERN unsigned pv_batch_item_exception_line(const pv_batch_result *r, size_t i);
/* Why the parent gave this status (limits, protocol, audit event, input), or NULL. */
PV_EXTERN const char *pv_batch_item_reason(const pv_batch_result *r, size_t i);
/* CPU the parent measured for the item, microseconds (0 when not run). */
PV_EXTERN unsigned long pv_batch_item_cpu_us(const pv_batch_result *r, size_t i);
/* The layers of the batch's (first) child, and the steps that were not active. */
PV_EXTERN size_t pv_batch_result_layer_count(const pv_batch_result *r);
PV_EXTERN const char *pv_batch_result_layer(const pv_batch_result *r, size_t i);
PV_EXTERN size_t pv_batch_result_skipped_count(const pv_batch_result *r);
PV_EXTERN const char *pv_batch_result_skipped_step(const pv_batch_result *r, size_t i);
PV_EXTERN const char *pv_batch_result_skipped_reason(const pv_batch_result *r, size_t i);
/* Sandboxed children the batch used (1 unless items were killed), wall clock, CPU. */
PV_EXTERN unsigned pv_batch_result_children(const pv_batch_result *r);
PV_EXTERN unsigned long pv_batch_result_wall_ms(const pv_batch_result *r);
PV_EXTERN unsigned long pv_batch_result_cpu_ms(const pv_batch_result *r);
PV_EXTERN void pv_batch_result_free(pv_batch_result *r);
/* ---- Sessions ---- */

/* A session is one sandboxed child, every layer on, that keeps the program's globals from
 * one run to the next (an agent's code cells). Each pv_session_run() takes a verified
 * program (as pv_run) with its own per-run limits (timeout_s, cpu_s, output_kb, input_json,
 * host functions and budgets of the run's opts; memory_mb, stdin and flags of a run's opts
 * are ignored: the session's apply). The session's limits hold across runs (its total CPU
 * also pays for this process's checks of each cell against the history); when one is
 * hit, or the idle timeout passes between runs, or a run ends other than "ok"/"error", the
 * child is killed and every later run fails with PV_ERR_STATE. pv_session_free() kills the
 * child and removes its directory; nothing of a session survives it. A session never shares
 * a process with another. The child exits by itself once idle_timeout_s passes with no
 * request (a host call may take longer: the run's wall clock bounds it). The program must
 * be verified with the session's policy. stdin is /dev/null. Used by one thread at a time;
 * free it before its policy. The child is forked from the calling process (not from a clean
 * template as a runner's): it holds this process's memory; see runtime/README.md. */
typedef struct pv_session_opts {
    unsigned version;        /* PV_SESSION_OPTS_VERSION */
    size_t memory_mb;        /* address space for the whole session (default 256) */
    double total_cpu_s;      /* CPU over all runs, set-up included (default 10) */
    double idle_timeout_s;   /* between runs (default 60) */
    unsigned max_runs;       /* (default 100) */
    unsigned flags;          /* PV_RUN_* bits of every run */
} pv_session_opts;
#define PV_SESSION_OPTS_VERSION 1
#define PV_SESSION_OPTS_INIT { PV_SESSION_OPTS_VERSION, 256u, 10.0, 60.0, 100u, 0u }

typedef struct pv_session pv_session;
PV_EXTERN int pv_session_new(pv_session **out, const pv_policy *policy,
                             const pv_session_opts *opts);
/* Before it runs, the program's text is verified again (the program's static layers)
 * after the text of every cell the session has run, as one module whose only globals are
 * this run's host functions and inputs: what earlier cells bound (a module, a library
 * value) and defined is then known, as in one program. A cell refused so is not run:
 * PV_ERR_INVALID, pv_last_error() names the first finding; the session goes on. The
 * history counts against the policy's source limits (max_source_bytes ...).
 * Errors: as pv_run(), plus PV_ERR_STATE when the session has ended (a limit, idle expiry,
 * a run that did not end "ok"/"error"); pv_session_alive() tells. */
PV_EXTERN int pv_session_run(pv_session *s, pv_run_result **out, const pv_program *program,
                             const pv_run_opts *opts);
PV_EXTERN int pv_session_alive(const pv_session *s);
/* pv_verify() for the session's next cell, with what the earlier cells bound: the names
 * of pv_session_global() are added to opts->globals (give only inputs and host functions),
 * and a cell the check alone refuses only for attributes (PV300, PV302, PV503) is accepted when
 * both static layers accept the session's history followed by it as one module (a member
 * of a module an earlier cell imported, an attribute an earlier cell defined). Ownership and
 * errors as pv_verify(); the program is then run with pv_session_run() of this session,
 * which checks it with the history again. */
PV_EXTERN int pv_session_verify(pv_program **out, const pv_session *s, const char *src,
                                size_t len, const char *filename, const pv_verify_opts *opts);
/* The names the session's programs have bound at module level so far (assignments,
 * imports, def, class, `global` stores); pv_session_verify() uses them (with pv_verify(),
 * pass them as pv_verify_opts.globals, or the next program's names are undefined). Name i
 * (borrowed until the next pv_session_run or pv_session_free), or NULL past the end. */
PV_EXTERN size_t pv_session_global_count(const pv_session *s);
PV_EXTERN const char *pv_session_global(const pv_session *s, size_t i);
PV_EXTERN void pv_session_free(pv_session *s);

/* ---- Compiled code (.pyc) ---- */

/* Whether the buffer given to pv_verify_pyc() starts with the 16-byte .pyc header. */
typedef enum pv_pyc_header {
    PV_PYC_HEADER_AUTO = 0,     /* a header unless the data starts with a marshalled code object */
    PV_PYC_HEADER_REQUIRED = 1, /* a .pyc file: header, then the marshalled code object */
    PV_PYC_HEADER_NONE = 2      /* marshalled code only (what marshal.dumps(code) returns) */
} pv_pyc_header;

/* pv_verify_pyc() flags. PV_PYC_STRUCTURE_ONLY runs the structural checks alone (marshal
 * format, code object structure, stack depths) and skips the policy (opcodes, names,
 * attributes, imports); such a program is marked unverified: pv_run() refuses it unless
 * PV_RUN_ALLOW_UNVERIFIED is given. */
#define PV_PYC_STRUCTURE_ONLY (1u << 0)

/* Verify `len` bytes of compiled code: a .pyc file or a marshalled code object of the
 * embedded interpreter's version (a .pyc header's magic number must be its own). The bytes
 * are proven well-formed by a bounds-checked C reader before any object is built from
 * them; then every code object is checked structurally (operands, jumps, inline caches,
 * EXTENDED_ARG, exception and line tables, local kinds, stack depths on every path) and
 * against the policy as the bytecode layer checks compiled source. Diagnostics have no
 * source text (pv_program_source_line() returns NULL); positions come from the code's own
 * line table. When accepted, the program holds the code object and pv_run() runs it (in
 * module mode). Ownership and lifetimes are as for pv_verify(). Errors: PV_ERR_INVALID,
 * PV_ERR_STATE, PV_ERR_NOMEM, PV_ERR_PYTHON. */
PV_EXTERN int pv_verify_pyc(pv_program **out, const pv_policy *policy, const void *buf,
                            size_t len, const char *filename, pv_pyc_header header,
                            unsigned flags);

#ifdef __cplusplus
}
#endif
#endif /* PYVERIFY_H */
