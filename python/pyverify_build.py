"""An in-tree PEP 517 build backend: `pip install --no-build-isolation ./python` offline with
nothing but setuptools, on any CPython 3.11 (pyenv's setuptools 65 has no bdist_wheel
without the separate `wheel` package, which is not installed there and cannot be fetched).

build_wheel runs `setup.py build` (setuptools: the extension compiled against this
interpreter's headers, the pure modules copied) and zips the result as a wheel itself."""
import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NAME, VERSION = "pyverify", "0.1.0"


def _tag():
    impl = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}-{impl}-{plat}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n"
            "Summary: Verify and run untrusted Python: a whitelist verifier and a sandbox\n"
            "Requires-Python: >=3.11,<3.12\nDescription-Content-Type: text/markdown\n\n"
            + readme)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    # one build directory per interpreter (pyenv's and Debian's 3.11 have different headers)
    who = hashlib.sha256(f"{sys.executable}\0{sysconfig.get_paths()['include']}\0{sys.version}"
                         .encode()).hexdigest()[:12]
    build = os.path.join(HERE, "build", f"wheel-{_tag()}-{who}")
    lib = os.path.join(build, "lib")
    subprocess.run([sys.executable, "setup.py", "-q", "build", "--build-base", build,
                    "--build-lib", lib], cwd=HERE, check=True)
    files = []
    for d, _, names in os.walk(lib):
        for n in sorted(names):
            p = os.path.join(d, n)
            files.append((os.path.relpath(p, lib), p))
    dist_info = f"{NAME}-{VERSION}.dist-info"
    wheel_name = f"{NAME}-{VERSION}-{_tag()}.whl"
    extra = {
        f"{dist_info}/METADATA": _metadata().encode("utf-8"),
        f"{dist_info}/WHEEL": (f"Wheel-Version: 1.0\nGenerator: pyverify_build\n"
                               f"Root-Is-Purelib: false\nTag: {_tag()}\n").encode(),
        f"{dist_info}/top_level.txt": b"pyverify\n",
    }
    record = io.StringIO()
    w = csv.writer(record, lineterminator="\n")
    out = os.path.join(wheel_directory, wheel_name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def add(arc, data):
            z.writestr(arc, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            w.writerow([arc, "sha256=" + digest.decode(), len(data)])
        for arc, p in files:
            with open(p, "rb") as f:
                add(arc, f.read())
        for arc, data in extra.items():
            add(arc, data)
        w.writerow([f"{dist_info}/RECORD", "", ""])
        z.writestr(f"{dist_info}/RECORD", record.getvalue())
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("pyverify is built from the repository (pip install ./python): the "
                       "library's sources live outside python/")
