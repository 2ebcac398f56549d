/*
 * runtime.h: interfaces shared by the runtime's modules (prefix pvx_). Not installed.
 *
 *   run.c             pv_run(): the parent (watchdog, caps, wait4, classification)
 *   spawn.c           forking a sandboxed child (pipes, stdin, directory, uid) and ending it
 *   sandbox.c         the child's OS steps, applied in order from a table
 *   seccomp_filter.c  the syscall allowlist, compiled to BPF in the parent
 *   pylayer.c         the Python level: restricted builtins, module proxies, audit hook,
 *                     running the code object and reporting its outcome
 *
 * Parent and child talk over one control pipe (close-on-exec, child end on fd 3) carrying
 * records: one type byte, a 4-byte length (host order), then the payload.
 */
#ifndef PV_RUNTIME_H
#define PV_RUNTIME_H

#include <Python.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pyverify.h"

#define PVX_INTERNAL __attribute__((visibility("hidden")))

/* Record types on the control pipe. */
enum {
    PVX_REC_LAYER = 'L',    /* payload: a layer name that is now active */
    PVX_REC_FAIL = 'F',     /* payload: "step\0reason": a step that could not be applied */
    PVX_REC_READY = 'R',    /* every step applied; user code starts now */
    PVX_REC_EXC = 'X',      /* payload: "type\0message\0line" of the uncaught exception */
    PVX_REC_VALUE = 'V',    /* payload: JSON text of the expression's value */
    PVX_REC_AUDIT = 'A',    /* payload: the audit event that made the child abort */
    PVX_REC_FATAL = 'E',    /* payload: why the child could not start the program */
    PVX_REC_HOST = 'H',     /* payload: "name\0json" of a host call (hostcall.c) */
    PVX_REC_DONE = 'D'      /* a session's run ended; payload: "0" ended, "1" exception */
};

/* Replies to a host call, parent to child on fd 4, framed as records. */
#define PVX_REPLY_RESULT 'r' /* payload: JSON the parent validated */
#define PVX_REPLY_ERROR 'e'  /* payload: the message of the HostError to raise */
#define PVX_HOST_MAX_NAME 128u
#define PVX_HOST_MAX_DEPTH 64

/* The child's fixed descriptors. */
#define PVX_FD_CONTROL 3
#define PVX_FD_REQUEST 4 /* a warm child's request pipe (runner.c) */

/* Exit codes the child uses for its own reasons (the program's exit codes are 0 and 1). */
#define PVX_EXIT_OK 0
#define PVX_EXIT_EXCEPTION 1
#define PVX_EXIT_AUDIT 125     /* the audit hook aborted the program */
#define PVX_EXIT_SETUP 126     /* a mandatory step failed; the program never ran */

/* Sizes. */
#define PVX_MAX_MESSAGE 4096u  /* exception message bytes kept */
#define PVX_MAX_RECORD (64u * 1024u * 1024u)

/* Write one record; async-signal-safe (loops over write(2)). Returns 0 or -1. */
PVX_INTERNAL int pvx_send(int fd, char type, const void *data, size_t len);
/* Write a FAIL record "step\0reason". */
PVX_INTERNAL void pvx_send_fail(int fd, const char *step, const char *reason);
/* In a child: a FATAL record saying why, then exit (PVX_EXIT_SETUP). */
PVX_INTERNAL _Noreturn void pvx_child_fatal(const char *why);
/* Read exactly n bytes (retrying EINTR); 0, or -1 on EOF or an error. */
PVX_INTERNAL int pvx_read_full(int fd, void *p, size_t n);
/* Send exactly n bytes on a socket (MSG_NOSIGNAL, retrying EINTR); 0, or -1. */
PVX_INTERNAL int pvx_send_full(int fd, const void *p, size_t n);

/* ---- sandbox.c -------------------------------------------------------------------------- */

/* Everything the child's OS steps need, prepared by the parent before fork. */
typedef struct pvx_child_plan {
    unsigned flags;            /* pv_run_opts.flags */
    int stdin_fd;              /* memfd with the data, or /dev/null; becomes fd 0 */
    int stdout_fd, stderr_fd;  /* write ends of the output pipes; become fds 1 and 2 */
    int control_fd;            /* write end of the control pipe; becomes fd 3 */
    const char *workdir;       /* the empty private directory */
    double cpu_s;
    size_t memory_mb;        /* address space the program may add ... */
    size_t inherited_vm;     /* ... to what the child inherits mapped from the host */
    size_t inherited_data;   /* ... (its data+stack part, for RLIMIT_DATA) */
    size_t output_kb;
    const void *bpf;           /* struct sock_fprog *, or NULL when unavailable */
    const char *bpf_missing;   /* why there is no filter (static string) when bpf is NULL */
    pid_t parent;              /* the process that forked the child (pv_run's caller) */
    int request_fd;            /* a warm child's request pipe (becomes fd 4), else -1 */
    unsigned long run_uid;     /* as root: the uid/gid to drop to (0: 65534, shared) */
    /* forked by a non-root template inside the user namespace of its subordinate ids
       (subid.c): "root" there, the drop to run_uid is to a subordinate uid */
    bool sub_userns;
    const char *uid_why;       /* not root: why there is no per-run uid (static), or NULL */
    /* forked inside the template's own empty network namespace (template.c): the child
       joins it instead of making one, and must then apply Landlock's scopes (ABI >= 6) and
       seccomp, or not run at all (sandbox.c) */
    bool net_shared;
} pvx_child_plan;

/* Apply the steps of one phase (0: those that need nothing of the program; 1: rlimits,
 * no_new_privs, seccomp). Same failure behaviour as below. */
PVX_INTERNAL int pvx_child_os_phase(const pvx_child_plan *plan, int phase);
/* Apply layers 1-4 in the child. A step that fails is reported over fd 3; steps that are
 * mandatory (descriptors, rlimits) make the child exit with PVX_EXIT_SETUP. Returns 0. */
PVX_INTERNAL int pvx_child_os_steps(const pvx_child_plan *plan);

/* Zero every environment string (the initial stack's and setenv copies) and clearenv();
 * zero the argument and environment areas of the initial stack (0, or -1 when /proc/self/stat
 * cannot tell where they are). For the sandboxed child, and for the service's zygote before
 * its interpreter copies the environment. */
PVX_INTERNAL void pvx_wipe_environment(void);
PVX_INTERNAL int pvx_wipe_stack_strings(void);

/* ---- seccomp_filter.c ------------------------------------------------------------------- */

/* The compiled filter (a struct sock_fprog *), built once per process, or NULL with *why set
 * to a static reason. Call with the GIL held (it serialises the cache). */
PVX_INTERNAL const void *pvx_seccomp_program(const char **why);

/* The allowlist, for documentation and tests: entry i, or NULL past the end. */
typedef struct pvx_syscall_rule {
    const char *name;
    const char *action;   /* "allow", "allow*" (argument-restricted), "EACCES", "ENOTTY", ... */
    const char *reason;
} pvx_syscall_rule;
PVX_INTERNAL const pvx_syscall_rule *pvx_seccomp_rule(size_t i);

/* ---- pylayer.c -------------------------------------------------------------------------- */

/* What the child runs, prepared in the parent (owned references). */
typedef struct pvx_py_plan {
    PyObject *code;        /* borrowed: the verified code object */
    bool expr;             /* expression mode: report the value */
    PyObject *main_module; /* owned: module "__main__" whose dict is the program's globals */
    PyObject *modules;     /* owned frozenset: policy modules (audit "import" allowlist) */
    PyObject *json_dumps;  /* owned: json.dumps */
    size_t max_value;      /* cap on the JSON value's size in bytes */
    unsigned flags;
    const pv_policy *policy; /* borrowed: names are checked against it in the child */
    bool batch;            /* a warm child that runs a batch (batch.c), not one program */
    /* a warm child's life after fork (NULL: pvx_warm_child; session.c sets its own) */
    void (*child_main)(struct pvx_child_plan *plan, struct pvx_py_plan *py);
    double idle_s;           /* a session child's idle timeout */
} pvx_py_plan;

/* Build the plan in the parent: restricted builtins and module proxies (unless
 * PV_RUN_NO_PYTHON_LAYER), input globals from `input_json` (a JSON object; may be NULL)
 * whose keys must be in `declared_globals` (the names given to pv_verify) when that is a
 * set. On a bad input returns PV_ERR_INVALID with a ValueError pending; other failures
 * PV_ERR_PYTHON with the exception pending. */
PVX_INTERNAL int pvx_py_prepare(pvx_py_plan *plan, PyObject *code, bool expr,
                                PyObject *builtins_allowed, PyObject *modules,
                                PyObject *module_members, const char *input_json,
                                PyObject *declared_globals, unsigned flags, size_t max_value);
PVX_INTERNAL void pvx_py_plan_clear(pvx_py_plan *plan);
/* Bind the keys of `input_json` in `dict`, as pvx_py_prepare does (same errors). */
PVX_INTERNAL int pvx_py_bind(PyObject *dict, const char *input_json, PyObject *declared);

/* In the child, after the OS steps: fresh standard streams, empty os.environ, the audit
 * hook, then run the code object and report over fd 3. Never returns. */
PVX_INTERNAL _Noreturn void pvx_py_child_run(const pvx_py_plan *plan);
/* The JSON text of an expression's value as pvx_py_child_run reports it (new str), and the
 * program line of an exception's traceback whose code has `filename`. */
PVX_INTERNAL PyObject *pvx_py_encode_value(const pvx_py_plan *plan, PyObject *value);
PVX_INTERNAL unsigned pvx_py_exception_line(PyObject *tb, PyObject *filename);
/* The part of pvx_py_child_run that needs nothing of the program (placeholder __main__,
 * os.environ, sys.path, standard streams, the guard's library set-up), for a warm child
 * before its request; pvx_py_child_run then skips it. Fatal failures end the child. */
PVX_INTERNAL void pvx_py_child_prepare(const pvx_py_plan *plan);
/* Its part that needs neither the program nor the child's descriptors (placeholder
 * __main__, os.environ, sys.path, the guard's library set-up), done once in a process whose
 * only work is to fork children (the clean template, before its first child): every child
 * then inherits it instead of writing, and so copying, the pages it touches. Idempotent;
 * 0, or -1 with an exception set and *what naming the step. */
PVX_INTERNAL int pvx_py_image_prepare(const pvx_py_plan *plan, const char **what);
/* The children's standard streams, made once in the template on descriptors 0-2 of the
 * kinds a child has (its own are put back): the children install them instead of making
 * their own. 0, or -1 (the children make theirs). */
PVX_INTERNAL int pvx_py_streams_prepare(void);

/* Its two halves, for a session's child (session.c) and a batch's (batch.c): everything up
 * to READY and arming the hook (plan->code may be a tuple of code objects: every one is the
 * program's for the guard; exits on failure); then one run of plan->code in the plan's
 * globals, reported over fd 3 (0: it ended, 1: an exception, sent as an EXC record). */
PVX_INTERNAL void pvx_py_child_setup(const pvx_py_plan *plan);
PVX_INTERNAL int pvx_py_child_eval(const pvx_py_plan *plan);
/* Let the audit hook pass "marshal.loads" (a session's child rebuilding its next program). */
PVX_INTERNAL void pvx_py_allow_marshal(bool on);

/* ---- prepare.c ------------------------------------------------------------------------ */

/* The allowed modules to prepare for the verified `code`: a new set holding all of
 * `modules` when the code has an import instruction, else empty; NULL with an exception. */
PVX_INTERNAL PyObject *pvx_used_modules(PyObject *code, PyObject *modules);
/* Whether the code may look a codec up by name (true when unsure, or for NULL). */
PVX_INTERNAL bool pvx_code_may_encode(PyObject *code);
/* template.c: import every module `policy` allows and what they import lazily, as a
 * runner's plan does, in this process (the service's zygote) so that the processes it forks
 * find them imported. 0, or an error (pv_fail). */
PVX_INTERNAL int pvx_prepare_all(const pv_policy *policy);
/* ---- guard.c: value checks of the Python layer (child only, except wrap_member) -------- */

/* In the parent (pvx_py_prepare): the code objects that exist now are the library's
 * (cached until sys.modules changes size). */
PVX_INTERNAL int pvx_guard_snapshot(void);
/* In the child before arming: record the library's types, guard every type's
 * __setattr__, wrap exec/eval, enum's functional API; placeholder __main__ builtins. */
PVX_INTERNAL int pvx_guard_setup(const pv_policy *policy, PyObject *program_code,
                                 PyObject *main_module);
/* The same in two steps: everything that needs nothing of the program (a warm child does
 * it before its request: no type is created between the two), then the program's code
 * (a session adds each next program's, a batch passes a tuple of its items' code). */
PVX_INTERNAL int pvx_guard_setup_library(const pv_policy *policy, PyObject *main_module);
PVX_INTERNAL int pvx_guard_add_program(PyObject *program_code);
/* From now on, stores from the program's frames into library objects are refused. */
PVX_INTERNAL void pvx_guard_arm(void);
/* A code object that existed before the program started (and is not the program's). */
PVX_INTERNAL bool pvx_guard_code_trusted(PyObject *code);
/* `event` (second argument `arg1`) may be raised with `code` as the innermost frame
 * (per-event library callers; object.__getattr__ also per attribute). */
PVX_INTERNAL bool pvx_guard_event_allowed(const char *event, PyObject *code, PyObject *arg1);
/* In the parent: the value a module proxy holds for `member` (new reference): the member
 * itself, or, for collections.namedtuple under any module and name (judged by identity),
 * a wrapper that checks the names against the policy. */
PVX_INTERNAL PyObject *pvx_guard_wrap_member(PyObject *member);

/* ---- hoststub.c / hostcall.c: host functions (issue 17) --------------------------------- */

/* Bind HostError and a stub for each name in `dict` (GIL held; in the parent before fork, or
 * in a warm child before the program). */
PVX_INTERNAL int pvx_hoststub_bind(PyObject *dict, const char *const *names, size_t n,
                                   size_t max_bytes);
/* Make HostError and the stub type now (GIL held): in a session's parent before fork, so
 * that the child's guard counts them among the library's read-only types. */
PVX_INTERNAL int pvx_hoststub_prepare(void);

/* The parent's state for the host calls of one run. */
typedef struct pvx_host {
    const pv_host_function *fns; /* borrowed from the run's options */
    size_t n;
    unsigned max_calls, calls;
    size_t max_bytes;
    int fd;                      /* borrowed: the parent's end of the child's fd 4 */
    char *out;                   /* owned: the reply being written, or NULL */
    size_t out_len, out_off;
    char *reason;                /* owned: why the child must be killed ("host: ...") */
} pvx_host;

/* Check the host functions of `o` against the program (GIL held) and fill the budgets'
 * defaults. 0 or PV_ERR_INVALID. */
PVX_INTERNAL int pvx_host_check(pv_run_opts *o, const pv_program *program);
PVX_INTERNAL void pvx_host_init(pvx_host *h, const pv_run_opts *o, int fd);
PVX_INTERNAL void pvx_host_clear(pvx_host *h);
/* A request record of `len` bytes is over the budget (decided from its header). */
PVX_INTERNAL bool pvx_host_oversize(const pvx_host *h, size_t len);
/* Handle one request (calls the host's callback, without the GIL): 0, or -1 when the child
 * must be killed (h->reason says why). */
PVX_INTERNAL int pvx_host_request(pvx_host *h, const char *payload, size_t n);
/* Write what the socket takes of the pending reply: 0, or -1 (kill). */
PVX_INTERNAL int pvx_host_flush(pvx_host *h);
/* Bind the stubs of `o`'s host functions in the plan's globals (GIL held): 0 or -1 with an
 * exception set. */
PVX_INTERNAL int pvx_host_bind_opts(pvx_py_plan *py, const pv_run_opts *o);

/* ---- run.c: the pieces of pv_run() that the other runners share --------------------- */

/* A forked child and the parent's ends of its pipes. */
typedef struct pvx_spawn {
    pid_t pid;               /* 0: none */
    int out, err, ctl;       /* read ends of stdout, stderr, control; -1 when closed */
    int req;                 /* write end of a warm child's request pipe, or -1 */
    char workdir[32];        /* the private directory */
    bool have_workdir;
    dev_t workdir_dev;       /* its identity: the child may remove it first (sandbox.c), */
    ino_t workdir_ino;       /* and then a directory of that name is another run's */
    /* forked by a template (template.c), not by this process: it reaps the child and
       sends the wait status and rusage on status_fd; this process signals it through
       pidfd only. Both meaningful only when remote. */
    bool remote;
    int pidfd, status_fd;
    int uid_slot1;           /* this process's per-run uid slot + 1 (run.c), 0: none */
    /* a template's child told to report its end and wait (warm.h end_wait): the run may end
       at that report, once this process observed the program asleep (run.c, end_early) */
    bool end_early;
    pid_t prog_pid;          /* the program's pid as found before the request, or 0 */
} pvx_spawn;

PVX_INTERNAL int pvx_check_opts(pv_run_opts *o, const pv_run_opts *in);
PVX_INTERNAL pv_run_result *pvx_result_new(const pv_run_opts *o);
PVX_INTERNAL unsigned long pvx_now_ms(void);
/* A layer, or a skipped step, that the parent observed itself (e.g. the template). */
PVX_INTERNAL int pvx_result_add_layer(pv_run_result *r, const char *name);
PVX_INTERNAL int pvx_result_add_skip(pv_run_result *r, const char *step, const char *reason);
/* What a template sends on a child's status pipe once it reaped it. */
typedef struct pvx_exit_record {
    int32_t wstatus;
    int32_t reaped;          /* 1: wstatus and rusage are the child's */
    struct {
        int64_t utime_us, stime_us, maxrss_kb;
    } ru;
} pvx_exit_record;
/* Watch, reap and classify (GIL held; released while waiting). Consumes the spawn. */
PVX_INTERNAL int pvx_collect(pvx_spawn *s, pv_run_result *r, const pv_run_opts *o, bool expr,
                             unsigned long start_ms, unsigned long cpu_base_ms);

/* One step of a session (session.c): watch the session's child from `start` until it
 * reports DONE (the run ended; the child lives on: *alive = true, r filled from the
 * records, the pipes drained) or until it ends or is killed for a limit (reaped and
 * classified as pv_run does; *alive = false, the spawn's pid is 0). `tmpl`: layers and
 * skipped steps reported at set-up, copied into r (NULL at set-up itself: r collects them).
 * GIL held (released while waiting). */
/* A template's child's wait status and rusage, from its status pipe (run.c): 0, or -1 with
 * errno set (none within 10 s, the pipe closed). */
struct rusage;
PVX_INTERNAL int pvx_remote_wait(pvx_spawn *s, int *wstatus, struct rusage *ru);
/* A session's child's life after fork (session.c), for a template's 'K' request. */
PVX_INTERNAL _Noreturn void pvx_session_child(struct pvx_child_plan *plan, struct pvx_py_plan *py);
PVX_INTERNAL int pvx_session_step(pvx_spawn *s, pv_run_result *r, const pv_run_opts *o,
                                  bool expr, unsigned long start, unsigned long cpu_base_ms,
                                  const pv_run_result *tmpl, bool *alive);

/* ---- spawn.c: forking a child and ending it ----------------------------------------- */

/* Fork a child for `py` with the limits of `o` (GIL held). `warm`: the child stops after
 * phase 0 and waits for its program on the request pipe. */
PVX_INTERNAL int pvx_spawn_child(pvx_spawn *s, pvx_py_plan *py, const pv_run_opts *o,
                                 bool warm);
/* The same, the child dropping to `run_uid` when this process is root (0: 65534). */
PVX_INTERNAL int pvx_spawn_child_uid(pvx_spawn *s, pvx_py_plan *py, const pv_run_opts *o,
                                     bool warm, unsigned long run_uid);
/* Every child this process forks from now on: in_userns, this process is root only in the
 * user namespace of its subordinate ids (subid.c); why (static, or NULL): not root, why
 * there is no per-run uid. The template's, set once before it forks. */
PVX_INTERNAL void pvx_spawn_set_subid(bool in_userns, const char *why);
/* This process writes nothing to its Python streams from now on (the template, which runs
 * no program): they are flushed here, once, and not before each fork. A flush is Python
 * work, and Python work between forks writes into the heap the children share, which
 * splits the huge pages arena.c made of it. */
PVX_INTERNAL void pvx_spawn_set_streams_quiet(void);
/* Every child this process forks from now on is in this process's own empty network
 * namespace, shared by its runs (the template's, set once before it forks). */
PVX_INTERNAL void pvx_spawn_set_net_shared(bool shared);
/* The host pid of the program under `child` when the child is a pid-namespace supervisor
 * (its second child, from /proc: the init is the first), else `child`. */
PVX_INTERNAL pid_t pvx_program_pid(pid_t child);
/* Kill and reap the child if any, close its pipes, remove its directory. */
PVX_INTERNAL void pvx_spawn_abort(pvx_spawn *s);
/* End a run of ours (its pid namespace's init, else its group), or a template's child
 * (through its pidfd); neither reaps. */
PVX_INTERNAL void pvx_end_run(pid_t pid);
PVX_INTERNAL void pvx_end_remote_run(pid_t pid, int pidfd);
/* close(*fd) when open, then *fd = -1. */
PVX_INTERNAL void pvx_close_fd(int *fd);

/* ---- runner.c ------------------------------------------------------------------------- */

/* From now on `rn` forks nothing: it runs one program in the child it already has, and
 * fails (PV_ERR_RUNTIME) when that child is used or gone. For a process that will hold a
 * request (a service worker): a child forked after it would carry the request. */
PVX_INTERNAL void pvx_runner_single_use(pv_runner *rn);
/* pv_runner_run's work (run_pool.c defines the entry point): 1 when the run is not for rn
 * (another policy or other flags; the caller runs it with pv_run), else 0 or an error. */
PVX_INTERNAL int pvx_runner_try(pv_runner *rn, pv_run_result **out, const pv_program *program,
                                const pv_run_opts *opts);
/* rn has a template and it has not exited (its channel is open). */
PVX_INTERNAL bool pvx_runner_template_alive(const pv_runner *rn);
/* In a fork of the process that made rn: close rn's descriptors (async-signal-safe; no
 * signal, no wait). pv_runner_free(rn) then only frees memory. */
PVX_INTERNAL void pvx_runner_close_inherited(pv_runner *rn);

/* run.c: pv_run's argument checks (out, program, pv_init, options, verdict, policy), the
 * options checked into *o. 0 or the error pv_run returns. */
PVX_INTERNAL int pvx_run_checks(pv_run_opts *o, pv_run_result **out, const pv_program *program,
                                const pv_run_opts *opts);

/* ---- warm_child.c / batch_child.c: a warm child's life after fork ----------------------- */

/* Phase 0, wait for the request, phase 1, run (a pv_runner's child). */
PVX_INTERNAL _Noreturn void pvx_warm_child(pvx_child_plan *plan, pvx_py_plan *py);
/* Phase 0, read the items, phase 1, run them in order (a batch's child). */
PVX_INTERNAL _Noreturn void pvx_batch_child(pvx_child_plan *plan, pvx_py_plan *py);

/* ---- batch.c -------------------------------------------------------------------------- */
/* Batch result record on the control pipe: u32 index, one kind byte, then the payload. */
#define PVX_REC_ITEM 'B'

#endif /* PV_RUNTIME_H */
