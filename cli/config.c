/*
 * config.c: configuration discovery for the checker, in the manner of ruff, mypy and bandit.
 *
 * For each checked file, the directories from the file's own up to the filesystem root are
 * searched; the first one holding `pyverify.toml`, or a `pyproject.toml` with a
 * `[tool.pyverify]` table, is the file's configuration (in one directory `pyverify.toml`
 * wins; a `pyproject.toml` without the table is passed over, as ruff does). No
 * configuration: the embedded default policy. `--rules FILE` switches discovery off.
 *
 * A configuration is a rules file (see pyverify-rules(5)) plus an optional array of
 * `overrides` tables: `[[overrides]]` in pyverify.toml, `[[tool.pyverify.overrides]]` in
 * pyproject.toml. Each override has `files`, a list of globs relative to the directory of
 * the configuration file, and rules tables applied on top of the base, in file order (a
 * later override wins): `KEY` replaces the list as it stands, `extend-KEY` appends to it.
 *
 * TOML is read by the embedded interpreter's tomllib (imported, like re and json, only when
 * a configuration file is found: start-up cost); the composed document goes back to
 * the library's own loader (pv_policy_load_buffer), which validates every key. Policies are
 * cached by configuration and set of matching overrides.
 *
 * Start-up: when no directory from a path up to the root holds either file (the common
 * case), the answer is the embedded default without running any Python: a C walk over the
 * same directories as _find() (no_candidates) says so. Only when a candidate file exists
 * is config_py compiled and run, and it decides exactly as before.
 */
#include <Python.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"

/* The Python half: discovery, glob matching and composition. Trusted code. */
static const char config_py[] =
    "import os\n"
    "_dirs = {}\n"
    "_docs = {}\n"
    "class ConfigError(Exception):\n"
    "    pass\n"
    "def _find(d):\n"
    "    seen = []\n"
    "    found = None\n"
    "    while True:\n"
    "        if d in _dirs:\n"
    "            found = _dirs[d]\n"
    "            break\n"
    "        seen.append(d)\n"
    "        p = os.path.join(d, 'pyverify.toml')\n"
    "        if os.path.isfile(p):\n"
    "            found = (p, 'pyverify.toml')\n"
    "            break\n"
    "        p = os.path.join(d, 'pyproject.toml')\n"
    "        if os.path.isfile(p) and 'pyverify' in _read(p)[0].get('tool', {}):\n"
    "            found = (p, 'pyproject.toml')\n"
    "            break\n"
    "        up = os.path.dirname(d)\n"
    "        if up == d:\n"
    "            break\n"
    "        d = up\n"
    "    for s in seen:\n"
    "        _dirs[s] = found\n"
    "    return found\n"
    "def _read(p):\n"
    "    import tomllib\n"
    "    if p not in _docs:\n"
    "        try:\n"
    "            with open(p, 'rb') as f:\n"
    "                raw = f.read()\n"
    "            doc = tomllib.loads(raw.decode('utf-8'))\n"
    "        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:\n"
    "            raise ConfigError(f'{p}: {e}') from None\n"
    "        _docs[p] = (doc, raw)\n"
    "    return _docs[p]\n"
    "def _glob(pat):\n"
    "    import re\n"
    "    if pat.endswith('/'):\n"
    "        pat += '**'\n"
    "    out, i = '', 0\n"
    "    while i < len(pat):\n"
    "        c = pat[i]\n"
    "        if pat.startswith('**/', i):\n"
    "            out += '(?:.*/)?'; i += 3; continue\n"
    "        if pat.startswith('**', i):\n"
    "            out += '.*'; i += 2; continue\n"
    "        if c == '*': out += '[^/]*'\n"
    "        elif c == '?': out += '[^/]'\n"
    "        elif c == '[':\n"
    "            j = pat.find(']', i + 2)\n"
    "            if j < 0: out += re.escape(c)\n"
    "            else:\n"
    "                body = pat[i + 1:j]\n"
    "                if body.startswith('!'): body = '^' + body[1:]\n"
    "                out += '[' + body + ']'; i = j\n"
    "        else: out += re.escape(c)\n"
    "        i += 1\n"
    "    return re.compile(out + r'\\Z', re.S)\n"
    "def _toml_value(v, where):\n"
    "    import json\n"
    "    if isinstance(v, bool): return 'true' if v else 'false'\n"
    "    if isinstance(v, int): return str(v)\n"
    "    if isinstance(v, str): return json.dumps(v, ensure_ascii=False)\n"
    "    if isinstance(v, list): return '[' + ', '.join(_toml_value(x, where) for x in v) + ']'\n"
    "    raise ConfigError(f'{where}: unsupported value {v!r}')\n"
    "def _dump(doc, where):\n"
    "    import json\n"
    "    lines = []\n"
    "    if 'extends' in doc:\n"
    "        lines.append('extends = ' + _toml_value(doc['extends'], where))\n"
    "    for t, body in doc.items():\n"
    "        if t == 'extends': continue\n"
    "        if not isinstance(body, dict):\n"
    "            lines.append(f'{json.dumps(t)} = ' + _toml_value(body, where)); continue\n"
    "        lines.append(f'[{json.dumps(t)}]')\n"
    "        for k, v in body.items():\n"
    "            lines.append(f'{json.dumps(k)} = ' + _toml_value(v, f'{where} [{t}] {k}'))\n"
    "    return '\\n'.join(lines) + '\\n'\n"
    "def _apply(base, ov, where):\n"
    "    for t, body in ov.items():\n"
    "        if t == 'files': continue\n"
    "        if t == 'extends': raise ConfigError(f'{where}: extends is not allowed in an override')\n"
    "        if not isinstance(body, dict): raise ConfigError(f'{where}: {t!r} must be a table')\n"
    "        dst = base.setdefault(t, {})\n"
    "        if not isinstance(dst, dict): raise ConfigError(f'{where}: {t!r} must be a table')\n"
    "        for k, v in body.items():\n"
    "            if k.startswith('extend-'):\n"
    "                if not isinstance(v, list): raise ConfigError(f'{where}: [{t}] {k}: expected a list')\n"
    "                name = k[7:]\n"
    "                if name in dst and isinstance(dst[name], list): dst[name] = dst[name] + v\n"
    "                else: dst[k] = list(dst.get(k, [])) + v\n"
    "            else:\n"
    "                dst[k] = v\n"
    "                dst.pop('extend-' + k, None)\n"
    "def resolve(path):\n"
    "    ap = os.path.abspath(path)\n"
    "    d = ap if os.path.isdir(ap) else os.path.dirname(ap)\n"
    "    found = _find(d)\n"
    "    if found is None:\n"
    "        return ('', None, None)\n"
    "    cfg, kind = found\n"
    "    doc, raw = _read(cfg)\n"
    "    if kind == 'pyproject.toml':\n"
    "        doc = doc['tool']['pyverify']\n"
    "        origin = cfg + ' [tool.pyverify]'\n"
    "        ovkey = 'tool.pyverify.overrides'\n"
    "        if not isinstance(doc, dict): raise ConfigError(f'{origin}: must be a table')\n"
    "    else:\n"
    "        origin = cfg\n"
    "        ovkey = 'overrides'\n"
    "    ovs = doc.get('overrides', [])\n"
    "    if not isinstance(ovs, list) or not all(isinstance(o, dict) for o in ovs):\n"
    "        raise ConfigError(f'{cfg}: [[{ovkey}]] must be an array of tables')\n"
    "    rel = os.path.relpath(ap, os.path.dirname(cfg)).replace(os.sep, '/')\n"
    "    if d == ap:\n"
    "        rel = '' if rel == '.' else rel + '/'\n"
    "    hit = []\n"
    "    for i, o in enumerate(ovs):\n"
    "        files = o.get('files')\n"
    "        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):\n"
    "            raise ConfigError(f'{cfg}: [[{ovkey}]] #{i + 1}: files must be a non-empty list of globs')\n"
    "        if any(_glob(f).match(rel) for f in files):\n"
    "            hit.append(i)\n"
    "    if kind == 'pyverify.toml' and 'overrides' not in doc:\n"
    "        return (cfg, raw.decode('utf-8'), origin)\n"
    "    base = {t: (dict(b) if isinstance(b, dict) else b) for t, b in doc.items() if t != 'overrides'}\n"
    "    for i in hit:\n"
    "        w = f'{cfg}: [[{ovkey}]] #{i + 1}'\n"
    "        _apply(base, ovs[i], w)\n"
    "        origin += f' + overrides #{i + 1} ({\", \".join(ovs[i][\"files\"])})'\n"
    "    key = cfg + '#' + ','.join(map(str, hit))\n"
    "    return (key, _dump(base, origin), origin)\n";

struct pv_cfg {
    PyObject *resolve; /* owned: config_py's resolve(); NULL until a candidate file is seen */
    PyObject *error;   /* owned: ConfigError */
    struct ent {
        char *key;     /* owned */
        pv_policy *pol; /* owned */
    } *ents;
    size_t n, cap;
    pv_policy *deflt;  /* owned: the embedded default, loaded on first use */
    char *clean_dir;   /* owned: the last start directory no_candidates() cleared */
};

int pv_cfg_new(pv_cfg **out, char *err, size_t errlen)
{
    pv_cfg *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = c;
    return 0;
}

/* Compile and run config_py, once. */
static int prepare_python(pv_cfg *c, char *err, size_t errlen)
{
    PyObject *globals = NULL, *r = NULL;
    if (c->resolve)
        return 0;
    globals = PyDict_New();
    if (!globals || PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) < 0)
        goto fail;
    r = PyRun_String(config_py, Py_file_input, globals, globals);
    if (!r)
        goto fail;
    c->resolve = PyDict_GetItemString(globals, "resolve");
    c->error = PyDict_GetItemString(globals, "ConfigError");
    if (!c->resolve || !c->error) {
        c->resolve = c->error = NULL;
        goto fail;
    }
    Py_INCREF(c->resolve);
    Py_INCREF(c->error);
    Py_DECREF(r);
    Py_DECREF(globals);
    return 0;
fail:
    PyErr_Clear();
    snprintf(err, errlen, "cannot prepare configuration discovery");
    Py_XDECREF(r);
    Py_XDECREF(globals);
    return -1;
}

/* posixpath.abspath(path) into out: the current directory joined and normpath()'d
 * lexically (no symbolic link resolved), exactly as resolve() computes it. -1 when it does
 * not fit or getcwd() fails (resolve() then decides, and reports). */
static int lexical_abspath(const char *path, char *out, size_t cap)
{
    char joined[2 * PATH_MAX + 2];
    if (path[0] == '/') {
        if (snprintf(joined, sizeof joined, "%s", path) >= (int)sizeof joined)
            return -1;
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return -1;
        size_t n = strlen(cwd);
        const char *sep = n && cwd[n - 1] == '/' ? "" : "/";
        if (snprintf(joined, sizeof joined, "%s%s%s", cwd, sep, path) >= (int)sizeof joined)
            return -1;
    }
    if (joined[0] != '/')
        return -1;
    /* normpath: two leading slashes are kept (POSIX), one or three and more become one;
     * empty and '.' components dropped; '..' removes the previous component (or nothing
     * at the root). */
    size_t lead = joined[1] == '/' && joined[2] != '/' ? 2 : 1;
    size_t starts[PATH_MAX / 2], lens[PATH_MAX / 2], nc = 0;
    for (size_t i = 0; joined[i];) {
        while (joined[i] == '/')
            i++;
        size_t b = i;
        while (joined[i] && joined[i] != '/')
            i++;
        size_t l = i - b;
        if (l == 0 || (l == 1 && joined[b] == '.'))
            continue;
        if (l == 2 && joined[b] == '.' && joined[b + 1] == '.') {
            if (nc)
                nc--;
            continue;
        }
        if (nc == sizeof starts / sizeof starts[0])
            return -1;
        starts[nc] = b;
        lens[nc++] = l;
    }
    size_t o = 0;
    for (size_t k = 0; k < lead; k++)
        out[o++] = '/';
    for (size_t k = 0; k < nc; k++) {
        if (o + lens[k] + 2 > cap)
            return -1;
        if (k)
            out[o++] = '/';
        memcpy(out + o, joined + starts[k], lens[k]);
        o += lens[k];
    }
    out[o] = '\0';
    return 0;
}

static bool is_file(const char *dir, const char *name)
{
    char p[PATH_MAX + 32];
    size_t n = strlen(dir);
    if (snprintf(p, sizeof p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) >=
        (int)sizeof p)
        return true; /* cannot tell: treat as a candidate, resolve() decides */
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* True only when no directory resolve()'s _find() would visit for `path` holds a
 * pyverify.toml or a pyproject.toml (os.path.isfile), so that its answer is the embedded
 * default. Anything unusual answers false and leaves the decision to resolve(). */
static bool no_candidates(pv_cfg *c, const char *path)
{
    char d[PATH_MAX + 1];
    struct stat st;
    if (lexical_abspath(path, d, sizeof d) < 0)
        return false;
    if (!(stat(d, &st) == 0 && S_ISDIR(st.st_mode))) {
        /* dirname(): up to the last '/', trailing slashes removed unless all slashes */
        char *slash = strrchr(d, '/');
        size_t head = (size_t)(slash - d) + 1;
        while (head > 1 && d[head - 1] == '/')
            head--;
        bool all = true;
        for (size_t i = 0; i < head; i++)
            all = all && d[i] == '/';
        if (!all)
            d[head] = '\0';
        else
            d[(size_t)(slash - d) + 1] = '\0';
    }
    if (c->clean_dir && strcmp(c->clean_dir, d) == 0)
        return true;
    char *start = strdup(d);
    if (!start)
        return false;
    for (;;) {
        if (is_file(d, "pyverify.toml") || is_file(d, "pyproject.toml")) {
            free(start);
            return false;
        }
        char *slash = strrchr(d, '/');
        size_t head = (size_t)(slash - d) + 1;
        bool all = true;
        for (size_t i = 0; i < head; i++)
            all = all && d[i] == '/';
        if (all) {
            if (d[head] == '\0')
                break; /* the root: dirname(d) == d */
            d[head] = '\0';
        } else {
            while (head > 1 && d[head - 1] == '/')
                head--;
            d[head] = '\0';
        }
    }
    free(c->clean_dir);
    c->clean_dir = start;
    return true;
}

void pv_cfg_free(pv_cfg *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        pv_policy_free(c->ents[i].pol);
        free(c->ents[i].key);
    }
    free(c->ents);
    free(c->clean_dir);
    pv_policy_free(c->deflt);
    PyGILState_STATE gs = PyGILState_Ensure();
    Py_XDECREF(c->resolve);
    Py_XDECREF(c->error);
    PyGILState_Release(gs);
    free(c);
}

/* The message of the pending exception, cleared. */
static void take_error(char *err, size_t errlen)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyObject *s = v ? PyObject_Str(v) : NULL;
    const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
    snprintf(err, errlen, "%s", m ? m : "unknown configuration error");
    Py_XDECREF(s);
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    PyErr_Clear();
}

int pv_cfg_policy(pv_cfg *c, const char *path, const pv_policy **pol, char *err, size_t errlen)
{
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *r = NULL;
    const char *key, *origin;
    PyObject *text;
    int rc = -1;
    if (no_candidates(c, path)) {
        text = Py_None;
        goto deflt;
    }
    if (prepare_python(c, err, errlen) < 0)
        goto done;
    r = PyObject_CallFunction(c->resolve, "s", path);
    if (!r) {
        take_error(err, errlen);
        goto done;
    }
    if (!PyArg_ParseTuple(r, "sOz", &key, &text, &origin)) {
        take_error(err, errlen);
        goto done;
    }
deflt:
    if (text == Py_None) {
        if (!c->deflt && pv_policy_default(&c->deflt) < 0) {
            snprintf(err, errlen, "%s", pv_last_error());
            goto done;
        }
        *pol = c->deflt;
        rc = 0;
        goto done;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->ents[i].key, key) == 0) {
            *pol = c->ents[i].pol;
            if (!*pol)
                snprintf(err, errlen, "%s", "the configuration is invalid (see above)");
            rc = *pol ? 0 : -2;
            goto done;
        }
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct ent *e = realloc(c->ents, cap * sizeof *e);
        if (!e) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        c->ents = e;
        c->cap = cap;
    }
    Py_ssize_t tlen;
    const char *t = PyUnicode_AsUTF8AndSize(text, &tlen);
    char *k = strdup(key);
    if (!t || !k) {
        free(k);
        PyErr_Clear();
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    pv_policy *p = NULL;
    if (pv_policy_load_buffer(&p, t, (size_t)tlen, origin) < 0) {
        snprintf(err, errlen, "%s", pv_last_error());
        p = NULL;
    }
    /* A broken configuration is remembered too, so that it is reported once. */
    c->ents[c->n].key = k;
    c->ents[c->n].pol = p;
    c->n++;
    *pol = p;
    rc = p ? 0 : -1;
done:
    Py_XDECREF(r);
    PyGILState_Release(gs);
    return rc;
}
