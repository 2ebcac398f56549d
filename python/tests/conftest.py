"""Shared fixtures. The suite tests the installed package (or src/ on sys.path).

PYVERIFY_CLI names the `pyverify` command built from the same sources (the corpus and
service tests compare with it); without it, ../build/pyverify is tried, and those tests fail
rather than skip when neither exists, unless PYVERIFY_NO_CLI=1."""
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("PYVERIFY_CLI") or os.path.join(ROOT, "build", "pyverify")
    if not os.access(path, os.X_OK):
        if os.environ.get("PYVERIFY_NO_CLI") == "1":
            pytest.skip("no pyverify command (PYVERIFY_NO_CLI=1)")
        pytest.fail(f"no pyverify command at {path}: set PYVERIFY_CLI")
    return path
