"""Fixtures: a fresh HOME, fw-devserver on a free port, the header.

Environment (set by `make test-python`; defaults for a run from the tree):
FWCLIENT_LIB (the library, read by the package), FW_DEVSERVER_BIN,
FWCLIENT_HEADER, CC.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "tools"))

DATASTACK = "minnie65_public"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh HOME; no token from the environment reaches the library."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("FW_AUTH_TOKEN", "FW_SECRETS_DIR", "FW_SECRETS_LAYOUT", "FW_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def secret_file(home):
    """The file the seed's save writes."""
    return home / ".cloudvolume" / "secrets" / "chunkedgraph-secret.json"


class DevServer:
    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True
        )
        urls = {}
        for _ in range(2):
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise RuntimeError(f"{binary} exited before printing its URLs")
            key, _, value = line.strip().partition("=")
            urls[key] = value
        self.url = urls["FW_DEVSERVER_URL"]
        self.other_url = urls["FW_DEVSERVER_OTHER_URL"]
        assert self.url.startswith("http://127.0.0.1:"), self.url

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


@pytest.fixture
def devserver():
    """fw-devserver on 127.0.0.1 with free ports, stopped after the test."""
    binary = os.environ.get("FW_DEVSERVER_BIN") or str(ROOT / "target" / "release" / "fw-devserver")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no fw-devserver at {binary} (build it: make build)")
    server = DevServer(binary)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def header():
    return os.environ.get("FWCLIENT_HEADER") or str(ROOT / "include" / "fwclient.h")


@pytest.fixture(scope="session")
def cc():
    return os.environ.get("CC", "cc")
