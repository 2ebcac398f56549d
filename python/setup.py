"""Builds pyverify._native: the package's extension module with libpyverify compiled in.

The library's C sources are compiled here, against the headers of the interpreter that runs
this build (so the module fits that interpreter exactly, whichever CPython 3.11 it is). The
list of sources is read from the CMake build (CMakeLists.txt, runtime/sources.cmake), so that
the package and the library are always built from the same files. Offline: setuptools only.
"""
import os
import re
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

if sys.version_info[:2] != (3, 11):
    sys.exit("pyverify embeds CPython 3.11's parser and bytecode tables: it needs CPython 3.11")


def cmake_sources():
    """The library's C files, as the CMake build lists them (PV_LIB_SOURCES and
    PV_RUNTIME_SOURCES), relative to ROOT. Generated files (${PV_GEN}/...) are left out:
    this build generates its own."""
    out = []
    for listfile, var in (("CMakeLists.txt", "PV_LIB_SOURCES"),
                          ("runtime/sources.cmake", "PV_RUNTIME_SOURCES")):
        path = os.path.join(ROOT, listfile)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"set\(\s*" + var + r"\s+(.*?)\)", text, re.S)
        if not m:
            sys.exit(f"setup.py: cannot find set({var} ...) in {path}")
        base = os.path.dirname(listfile)
        for tok in m.group(1).split():
            if "${PV_GEN}" in tok or not tok.endswith(".c"):
                continue
            tok = tok.replace("${CMAKE_CURRENT_LIST_DIR}", base).lstrip("/")
            tok = tok.replace("${CMAKE_CURRENT_SOURCE_DIR}/", "")
            out.append(tok)
    # The build-time tables (${PV_GEN}/default_cache.c) are replaced by none: they are
    # derived from the running interpreter when the default policy is first loaded.
    out.append("verifier/policy_cache_none.c")
    if not out:
        sys.exit("setup.py: no library sources found")
    return out


def embed(src, dst, sym):
    """cmake/embed.cmake in Python: a text file as a NUL-terminated C array."""
    with open(src, "rb") as f:
        data = f.read()
    body = ",".join(f"0x{b:02x}" for b in data)
    text = (f"/* generated from {os.path.basename(src)}; do not edit */\n#include <stddef.h>\n"
            f"const char {sym}[] = {{{body}{',' if data else ''}0x00}};\n"
            f"const size_t {sym}_len = {len(data)};\n")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    old = None
    if os.path.exists(dst):
        with open(dst, encoding="utf-8") as f:
            old = f.read()
    if old != text:
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)


def pkg_config(*args):
    try:
        return subprocess.run(["pkg-config", *args], check=True, capture_output=True,
                              text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None


class BuildExt(build_ext):
    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:  # some 40 C files: compile them in parallel
            self.parallel = os.cpu_count() or 1

    def build_extensions(self):
        gen = os.path.join(self.build_temp, "pyverify-gen")
        embed(os.path.join(ROOT, "rules/default.toml"), os.path.join(gen, "default_rules.c"),
              "pv_default_rules_toml")
        embed(os.path.join(ROOT, "verifier/policy_loader.py"),
              os.path.join(gen, "policy_loader.c"), "pv_policy_loader_py")
        for ext in self.extensions:
            ext.sources += [os.path.join(gen, "default_rules.c"),
                            os.path.join(gen, "policy_loader.c")]
        # The library's sources are C11 and build warning-free with its flags.
        self.compiler.compiler_so = [a for a in self.compiler.compiler_so
                                     if a not in ("-Wstrict-prototypes",)]
        super().build_extensions()


def extension():
    if not os.path.exists(os.path.join(ROOT, "include/pyverify.h")):
        sys.exit(f"setup.py: the library's sources are not at {ROOT} (build from the "
                 "repository: pip install ./python)")
    libs = ["pcre2-8", "m"]
    macros = [("_GNU_SOURCE", None), ("PY_SSIZE_T_CLEAN", None), ("PV_BUILDING_LIBRARY", "1")]
    if pkg_config("--exists", "libseccomp") is not None:
        libs.append("seccomp")
        macros.append(("PV_HAVE_SECCOMP", "1"))
    # jansson: the runtime's host-call channel (issue 17) parses JSON in C
    if pkg_config("--exists", "jansson") is not None:
        libs.append("jansson")
    pcre_cflags = pkg_config("--cflags", "libpcre2-8") or []
    # Absolute paths: the objects then go to build_temp/<absolute path>, never outside it.
    sources = [os.path.join(HERE, "src/pyverify/_native.c")] + \
        [os.path.join(ROOT, s) for s in cmake_sources()]
    return Extension(
        "pyverify._native",
        sources=sources,
        include_dirs=[os.path.join(ROOT, d) for d in ("include", "verifier", "runtime")],
        define_macros=macros,
        libraries=libs,
        extra_compile_args=["-std=c11", "-fvisibility=hidden", "-fno-strict-aliasing",
                            "-Wall", "-Wextra", "-Wno-missing-field-initializers",
                            *pcre_cflags],
    )


setup(ext_modules=[extension()], cmdclass={"build_ext": BuildExt})
