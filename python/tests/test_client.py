"""Client: the same Result from `pyverify serve` as from run()."""
import os
import socket
import subprocess
import time

import pytest

import pyverify


@pytest.fixture(scope="module")
def service(cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("serve")
    token = "t0ken-for-the-python-client-test"
    tf = d / "token"
    tf.write_text(token + "\n")
    os.chmod(tf, 0o600)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ready = d / "ready"
    proc = subprocess.Popen([cli, "serve", "--listen", f"127.0.0.1:{port}", "--workers", "2",
                             "--token-file", str(tf), "--ready-file", str(ready)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while not ready.exists():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"pyverify serve did not start: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token
    proc.terminate()
    proc.wait(timeout=30)


PROGRAMS = [
    ("print(6 * 7)", {}),
    ("a * b", dict(mode="expr", inputs={"a": 6, "b": 7})),
    ("print(input()[::-1])", dict(stdin="abc\n")),
    ("raise KeyError('k')", {}),
    ("import os", {}),
    ("while True:\n    pass\n", dict(cpu=0.5, timeout=5)),
]


def test_client_run_matches_local_run(service):
    url, token = service
    client = pyverify.Client(url, token=token)
    for src, kw in PROGRAMS:
        remote = client.run(src, **kw)
        local = pyverify.run(src, **kw)
        assert isinstance(remote, pyverify.Result)
        for f in ("status", "stdout", "stderr", "result", "exception", "exit_code"):
            assert getattr(remote, f) == getattr(local, f), (src, f)
        assert [d.code for d in remote.diagnostics] == [d.code for d in local.diagnostics]
        # "template": both the package's runner and the service's workers take their
        # children from a clean template, and say so
        assert (remote.layers == local.layers) or remote.status == "rejected", src
        assert remote.status == "rejected" or "template" in remote.layers, src


def test_client_check(service):
    url, token = service
    rep = pyverify.Client(url, token=token).check("import os")
    assert not rep.ok and rep.diagnostics[0].code == "PV400"


def test_client_errors(service):
    url, _ = service
    with pytest.raises(pyverify.ServiceError) as e:
        pyverify.Client(url, token="wrong-token-wrong-token").run("print(1)")
    assert e.value.status == 401
    with pytest.raises(pyverify.ServiceError) as e:
        pyverify.Client("http://127.0.0.1:9").run("print(1)")
    assert e.value.status == 0
    with pytest.raises(ValueError):
        pyverify.Client("ftp://example.org")
    with pytest.raises(TypeError):
        pyverify.Client(url).run(42)
    with pytest.raises(ValueError):
        pyverify.Client(url).run("1", mode="eval")
