/*
 * internal.h: structures and module interfaces shared inside libpyverify.
 * Not installed. Prefixes: pvi_ (interpreter), pvd_ (diagnostics), pvr_ (rules table),
 * pvp_ (policy), pvn_ (name/attribute rules shared by both layers), pvs_ (source),
 * pva_ (AST layer), pvb_ (bytecode layer).
 */
#ifndef PV_INTERNAL_H
#define PV_INTERNAL_H

#include <Python.h>
#include <stdbool.h>
#include <stddef.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "pyverify.h"
#include "pv_limits.h"

#define PV_INTERNAL __attribute__((visibility("hidden")))

/* ---- rule codes (from rules.def) ---------------------------------------------------- */
typedef enum pv_rule {
#define PV_RULE(e, code, layer, verdict, title, hint, expl) PVR_##e,
#include "rules.def"
#undef PV_RULE
    PVR__COUNT
} pv_rule;

PV_INTERNAL const pv_rule_info *pvr_info(pv_rule r);

/* ---- errors ------------------------------------------------------------------------- */
/* Set the thread-local last error and return err. */
PV_INTERNAL int pv_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Convert the pending Python exception into the last-error message, clear it, return err. */
PV_INTERNAL int pv_fail_python(int err, const char *context);

/* ---- interpreter -------------------------------------------------------------------- */
PV_INTERNAL bool pvi_ready(void);
/* True when pv_init() started the interpreter (isolated configuration) rather than
 * joining the host's. */
PV_INTERNAL bool pvi_we_started(void);
/* tokenize.detect_encoding, imported on first use (only inputs that may carry a coding
 * cookie need it). Borrowed; NULL with an exception set when the import fails. */
PV_INTERNAL PyObject *pvi_detect_encoding(void);
/* The last steps of pv_shutdown() (shutdown.c): release the cache below (GIL held), then
 * mark the library not ready and finalise the interpreter if pv_init() started it. */
PV_INTERNAL void pvi_release_static(void);
PV_INTERNAL void pvi_finalize(void);
/* A layer above (the runtime's caches of templates: run_pool.c, template_kind.c) registers
 * what pv_shutdown() must release first (GIL held). Up to 4 hooks, each added once. */
PV_INTERNAL void pvi_set_shutdown_hook(void (*hook)(void));
/* Cached objects used everywhere (borrowed, alive while the library is initialised). */
typedef struct pvi_cache {
    PyObject *builtins_module;  /* the real builtins module */
    PyObject *compile;          /* builtins.compile */
    PyObject *ast_module;
    PyObject *detect_encoding;  /* tokenize.detect_encoding, or NULL until pvi_detect_encoding() */
    PyObject *bytesio;          /* io.BytesIO */
    PyObject *codec_lookup;     /* codecs.lookup */
} pvi_cache;
PV_INTERNAL const pvi_cache *pvi_get(void);

/* ---- regex lists ---------------------------------------------------------------------- */
typedef struct pv_regex {
    char *source;          /* owned: the pattern text, for messages */
    pcre2_code *code;      /* owned */
} pv_regex;

typedef struct pv_regex_list {
    pv_regex *items;       /* owned array */
    size_t n;
} pv_regex_list;

/* ---- policy ----------------------------------------------------------------------------- */
struct pv_policy {
    char *origin;                    /* owned: "<default>" or a path */
    pv_limits limits;
    unsigned char node_allowed[256]; /* indexed by pva node kind id (see ast_nodes.h) */
    PyObject *builtins_allowed;      /* owned frozenset[str] */
    PyObject *builtins_all;          /* owned frozenset[str]: every name of the real builtins module */
    PyObject *special_methods;       /* owned frozenset[str]: definable in class bodies */
    PyObject *attrs_allowed;         /* owned frozenset[str]: derived + [attributes] names */
    PyObject *modules;               /* owned frozenset[str]: importable (dotted) module names */
    PyObject *module_members;        /* owned dict[str module, dict[str member, str|None]]:
                                        value None for a plain member, the module's name for a
                                        member that is an allowed module; disallowed module
                                        members are absent */
    PyObject *module_functions;      /* owned dict[str module, frozenset[str member]]: the
                                        members that are plain functions or bound methods */
    PyObject *encodings;             /* owned frozenset[str]: codec names (codecs.lookup().name) */
    PyObject *host_functions;        /* owned frozenset[str]: [host] functions */
    PyObject *library_attrs;         /* owned frozenset[str]: every attribute name (public and
                                        private) of the types, metaclasses and modules reachable
                                        from the policy; a program-defined name in it is not
                                        readable (PV306/PV519) */
    pv_regex_list name_deny;         /* [names] deny */
    pv_regex_list attr_deny;         /* [attributes] deny: always wins */
    pv_regex_list attr_allow;        /* [attributes] allow_patterns */
    pcre2_code *format_safe;         /* [format] safe_template; owned */
    unsigned char opcode_allowed[256]; /* [bytecode] opcodes, by number */
    pcre2_match_data *match_data;    /* owned scratch for matching (GIL-serialised) */
    pcre2_match_context *mctx;       /* owned: match and depth limits */
    PyObject *loaded;                /* owned dict: the validated policy as the loader returned it */
    unsigned long long serial;       /* unique in this process (never reused): with the
                                        address, the policy's identity for caches that
                                        outlive it (run_pool.c) */
};
/* The next policy serial (1, 2, ...; thread-safe). */
PV_INTERNAL unsigned long long pvp_next_serial(void);

/* True when `s` (UTF-8, len bytes) matches any regex of the list; *which (optional) gets
 * the pattern. A match error (limit exceeded) counts as `on_error`: fail closed means true
 * for deny lists and false for allow lists. */
PV_INTERNAL bool pvp_regex_any(const pv_policy *p, const pv_regex_list *l, const char *s,
                               size_t len, const char **which, bool on_error);
/* Same for a single compiled pattern. */
PV_INTERNAL bool pvp_regex_one(const pv_policy *p, pcre2_code *re, const char *s, size_t len,
                               bool on_error);

/* ---- diagnostics ------------------------------------------------------------------------- */
typedef struct pvd_list {
    pv_diag *items;   /* owned; strings inside owned */
    size_t n, cap;
    size_t max;       /* cap from the policy */
    bool overflowed;
} pvd_list;

struct pv_program {
    pv_mode mode;
    pv_verdict verdict;
    char *filename;            /* owned */
    PyObject *text;            /* owned str: the decoded source exactly as compiled */
    char *utf8;                /* borrowed from text: UTF-8 of the decoded source */
    Py_ssize_t utf8_len;
    size_t *line_starts;       /* owned: byte offsets of line starts in utf8 */
    size_t nlines;
    PyObject *tree;            /* owned: the ast.Module / ast.Expression, or NULL */
    PyObject *code;            /* owned: the verified code object when accepted, else NULL */
    PyObject *globals;         /* owned frozenset[str]: host input globals */
    unsigned layers;
    pvd_list diags;
    const pv_policy *policy;   /* borrowed: must outlive the program (documented in pv_verify) */
    bool unverified;           /* compiled with PV_LAYER_UNSAFE_NONE: no static layer ran */
    bool in_context;           /* accepted by pv_session_verify only within its session's
                                  history (runtime/session.c): never alone */
};

/* Add a diagnostic. Positions: 1-based line, 0-based UTF-8 byte column (as in the AST),
 * converted to 1-based character columns; pass col < 0 when unknown. A hint of NULL takes
 * the rule's default hint. Never fails: on allocation failure the program is marked
 * invalid with PV009. Sets the verdict (REJECTED/INVALID) from the rule. */
PV_INTERNAL void pvd_add(pv_program *prog, pv_rule rule, pv_layer_id layer, int line,
                         int col_byte, int end_line, int end_col_byte, const char *hint,
                         const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* Same, with columns already in characters (1-based; 0 when unknown). */
PV_INTERNAL void pvd_add_chars(pv_program *prog, pv_rule rule, pv_layer_id layer, int line,
                               int col, int end_line, int end_col, const char *hint,
                               const char *fmt, ...) __attribute__((format(printf, 9, 10)));
PV_INTERNAL void pvd_sort(pvd_list *l);
PV_INTERNAL void pvd_free(pvd_list *l);
/* Number of error diagnostics of a layer. */
PV_INTERNAL size_t pvd_count_layer(const pvd_list *l, pv_layer_id layer);

/* ---- source --------------------------------------------------------------------------------- */
/* Decode prog's source (size, NUL, BOM/cookie, encodings allowlist, strict decoding) into
 * prog->text/utf8/line_starts. Returns 0 when decoded; 1 when a diagnostic was added and
 * checking must stop; <0 on library failure. */
PV_INTERNAL int pvs_decode(pv_program *prog, const pv_policy *p, const char *src, size_t len);

/* ---- name and attribute rules shared by both layers (names.c) ------------------------------- */
typedef enum pvn_verdict {
    PVN_OK = 0,
    PVN_DUNDER,          /* a dunder name */
    PVN_DENIED,          /* matches a deny pattern */
    PVN_PRIVATE,         /* attribute starting with '_' */
    PVN_UNKNOWN,         /* attribute on no whitelist */
    PVN_NOT_MEMBER,      /* module member missing, private, or a disallowed module */
    PVN_NOT_BUILTIN,     /* global name that is not an allowed builtin */
    PVN_FORBIDDEN_BUILTIN, /* name of a builtin the policy forbids */
    PVN_LIBRARY_NAME     /* program-defined attribute that library objects have too */
} pvn_verdict;

/* Variable/parameter/function/class/alias names: dunders and [names] deny. */
PV_INTERNAL pvn_verdict pvn_check_name(const pv_policy *p, PyObject *name);
/* Attribute names: dunders, [attributes] deny, then the whitelist, or `program_attrs` (a set
 * of names the program defines itself; may be NULL) for a name no library object has
 * (PVN_LIBRARY_NAME otherwise). A '_name' (one leading underscore) is allowed only that
 * way; any other name starting with '_' is PVN_PRIVATE. */
PV_INTERNAL pvn_verdict pvn_check_attr(const pv_policy *p, PyObject *attr, PyObject *program_attrs);
/* namedtuple's documented API (_replace, _asdict, _fields, _make): readable when the program
 * itself creates namedtuple classes. */
PV_INTERNAL bool pvn_namedtuple_api(PyObject *attr);
/* The field or member names in `s` (a str: names separated by spaces and/or commas, as
 * namedtuple and Enum's functional API take them) that would pass the policy as source names
 * and do not start with '_': added to `set`. 0, or -1 with an exception set. */
PV_INTERNAL int pvn_add_field_names(const pv_policy *p, PyObject *s, PyObject *set);
/* True when `name` may be defined as a method in a class body (special method allowlist). */
PV_INTERNAL bool pvn_special_method(const pv_policy *p, PyObject *name);
PV_INTERNAL bool pvn_builtin_allowed(const pv_policy *p, PyObject *name);
/* True when `name` is any name of the real builtins module. */
PV_INTERNAL bool pvn_is_builtin(const pv_policy *p, PyObject *name);
/* True when the dotted module name may be imported. */
PV_INTERNAL bool pvn_module_allowed(const pv_policy *p, PyObject *dotted);
/* Member `member` of allowed module `module`: PVN_OK with *submodule set to a new
 * reference to the member's module name when it is itself an allowed module (else NULL);
 * PVN_NOT_MEMBER when missing, private or a module that is not allowed. */
PV_INTERNAL pvn_verdict pvn_module_member(const pv_policy *p, PyObject *module, PyObject *member,
                                          PyObject **submodule);
/* True when `template` (a str) is a format template whose fields are plain names/numbers. */
PV_INTERNAL bool pvn_format_template_safe(const pv_policy *p, PyObject *template);
/* The library classes whose instances the program may configure (writable data classes):
 * their calls make program-writable objects, not library objects. One table for both
 * static layers (pvn_call_makes_library_object) and the runtime layer's carve-outs
 * (runtime/guard.c). */
typedef struct pvn_modattr {
    const char *module, *name;
} pvn_modattr;
PV_INTERNAL extern const pvn_modattr pvn_writable_classes[];
PV_INTERNAL extern const size_t pvn_nwritable_classes;
/* True when the result of calling member `member` of module `module` (str) is a library
 * object (PV307/PV520): anything but a plain function of the module (the policy's
 * module_functions, derived from the live module) or a pvn_writable_classes class, and
 * the functions the inventory lists as returning library objects (dataclasses.field,
 * fields). Unknown (module not allowed, member missing, a class, another callable):
 * library. */
PV_INTERNAL bool pvn_call_makes_library_object(const pv_policy *p, PyObject *module,
                                               PyObject *member);
/* True when the builtin `name` (str) returns a new value of a builtin type whatever it is
 * handed (len, str, isinstance, ...): a library value among its arguments does not make
 * its result one (PV307/PV520). min, max, next, sorted, abs (__abs__) ... may hand back
 * what they are given: not listed. */
PV_INTERNAL bool pvn_fresh_builtin(PyObject *name);
/* True when `module.member` (str, str) used as a class decorator hands back the class it is
 * given: dataclasses.dataclass (also called with options: `called`), functools.total_ordering
 * (PV307/PV520: a name bound only by such class statements makes program instances). */
PV_INTERNAL bool pvn_class_decorator(PyObject *module, PyObject *member, bool called);
/* True when a method named `name` (str) of a builtin or library container keeps what it
 * is handed (list.append, dict.setdefault, deque.appendleft, set.add, ...): a library value
 * handed to it makes the container hold one (PV307/PV520). */
PV_INTERNAL bool pvn_keeping_method(PyObject *name);
/* Describe a verdict for a message ("is private", "matches deny pattern ..."). */
PV_INTERNAL const char *pvn_describe(pvn_verdict v);

/* ---- layers ------------------------------------------------------------------------------------ */
/* Layer 1: walk prog->tree. Also enforces depth/node limits (always, even when the AST layer
 * is disabled: check_rules=false). Returns 0, or <0 on library failure. */
PV_INTERNAL int pva_check(pv_program *prog, const pv_policy *p, bool check_rules);
/* The node-kind table, for the policy loader and tests: name of kind id i, or NULL. */
PV_INTERNAL const char *pva_kind_name(size_t i);
PV_INTERNAL size_t pva_kind_count(void);

/* Layer 2: verify `code` and every code object nested in its co_consts. Diagnostics go to
 * prog with layer PV_DIAG_BYTECODE. Returns 0, or <0 on library failure. */
PV_INTERNAL int pvb_check(pv_program *prog, const pv_policy *p, PyObject *code);
/* Same, with PVB_* flags. PVB_STRUCTURE_ONLY: only the structural checks (no policy rules);
 * used for .pyc input (pyc.c). */
#define PVB_STRUCTURE_ONLY 1u
PV_INTERNAL int pvb_check_ex(pv_program *prog, const pv_policy *p, PyObject *code,
                             unsigned flags);
/* Map [bytecode] opcodes names to numbers (policy load). Unknown names: PV_ERR_POLICY. */
PV_INTERNAL int pvb_opcode_number(const char *name);

/* Drop the Python objects a module caches across calls; pv_shutdown() calls these before it
 * finalises the interpreter, so that a later pv_init() starts clean. */
PV_INTERNAL void pvp_release_static(void);
PV_INTERNAL void pva_release_static(void);

/* ---- programs ---------------------------------------------------------------------------------- */
/* A new, empty program (verify.c): NULL when out of memory. */
PV_INTERNAL pv_program *pvv_program_new(const pv_policy *policy, const char *filename, pv_mode mode,
                                        unsigned layers, bool unverified);
/* The globals every program of `p` may use without binding them: the [host] functions and,
 * when there are any, HostError. A new frozenset, or NULL with an exception set. */
PV_INTERNAL PyObject *pvv_host_globals(const pv_policy *p);

/* ---- policy loading ------------------------------------------------------------------------------ */
PV_INTERNAL int pvp_load(pv_policy **out, const char *toml, size_t len, const char *origin,
                         bool is_default);
/* A policy rebuilt from another process's `loaded` dict (GIL held; runtime/template.c). */
PV_INTERNAL int pvp_from_loaded(pv_policy **out, PyObject *loaded, const char *origin);
/* The embedded default policy derived live by policy_loader.py, never from the cache:
 * a new reference to the loader's dict, or NULL with a pv_fail error. */
PV_INTERNAL PyObject *pvp_derive_default(void);

/* ---- the default policy's build-time cache (policy_cache.c) --------------------------------- */
enum { PVC_ABSENT = 1, PVC_MISS = 2, PVC_HIT = 3 };
/* 1 with *out a new reference to the cached loader dict when the build's key matches this
 * process exactly; 0 (a miss: derive live) otherwise. Never leaves an exception set. */
PV_INTERNAL int pvc_default_tables(PyObject **out);
/* PVC_* of the last pvc_default_tables() (0 before it ran); *why says why it missed. */
PV_INTERNAL int pvc_state(const char **why);
/* The opcode module for the bytecode layer's table check (bytecode_tables.c): after a cache hit,
 * a module holding the build's copy of the attributes that check reads (PVC_OPCODE_ATTRS);
 * otherwise the imported opcode module. New reference, NULL with an exception set. */
PV_INTERNAL PyObject *pvc_opcode_module(void);
#define PVC_OPCODE_ATTRS "HAVE_ARGUMENT", "_nb_ops", "opname", "_inline_cache_entries", \
    "hasconst", "hasname", "hasjrel", "hasjabs", "haslocal", "hasfree"
/* Drop the cached objects (pv_shutdown). */
PV_INTERNAL void pvc_release_static(void);
/* For cache_gen.c: the key's interpreter part, and (path, (size, mtime_ns)) for each path
 * of an iterable of str. New references, NULL with an exception set. */
PV_INTERNAL PyObject *pvc_key_head(void);
PV_INTERNAL PyObject *pvc_fingerprints(PyObject *paths);

#endif /* PV_INTERNAL_H */
