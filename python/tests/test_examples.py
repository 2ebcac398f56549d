"""The examples of python/README.md: each runs and prints exactly its .out, and the README
shows each one verbatim (so the page cannot drift from what is tested)."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = ["formula", "grader", "plugin"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_output(name):
    path = os.path.join(HERE, "examples", name + ".py")
    p = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert p.returncode == 0, p.stderr
    with open(os.path.join(HERE, "examples", name + ".out")) as f:
        assert p.stdout == f.read()


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_in_the_readme(name):
    with open(os.path.join(HERE, "README.md")) as f:
        readme = f.read()
    with open(os.path.join(HERE, "examples", name + ".py")) as f:
        assert f.read() in readme
