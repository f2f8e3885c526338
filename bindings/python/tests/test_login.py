"""fwclient.Login against fw-devserver, with the scripted browser of
tests/login run as a program runs $BROWSER: the minted key is saved through
the auth and in use, the login token revoked; a browser that never comes
back ends in FwTimeoutError, cancel() in CanceledError."""

import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

import fwclient
from fwclient import Options, Source

from conftest import ROOT

BROWSER = ROOT / "tests" / "login" / "browser.py"


def status_with(url, token):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_scripted_browser_logs_in(home, devserver, tmp_path):
    auth = fwclient.Auth(Options(server_address=devserver.url))
    assert auth.token is None
    with fwclient.Login(auth, description="Python test") as login:
        prefix = f"{devserver.url}/sticky_auth/api/v1/authorize?redirect=http%3A%2F%2F127.0.0.1%3A"
        assert login.url.startswith(prefix)
        log = tmp_path / "browser.log"
        browser = subprocess.Popen(
            [sys.executable, str(BROWSER), login.url],
            env={"FW_TEST_BROWSER_LOG": str(log), "PATH": "/usr/bin:/bin"},
        )
        done = login.wait(timeout=60)
        assert browser.wait(timeout=60) == 0
    assert done.source == Source.FILE
    assert done.user == "Ada Lovelace <ada@example.org>"
    key = auth.token
    assert key is not None and key not in done.user
    assert key in open(done.saved_path).read()
    login_token = re.search(r"middle_auth_token=([0-9a-f]+)", log.read_text()).group(1)
    assert login_token != key
    me = f"{devserver.url}/auth/api/v1/user/me"
    assert status_with(me, key) == 200
    assert status_with(me, login_token) == 401  # revoked


def test_no_browser_times_out_and_cancel_ends_a_wait(home, devserver):
    auth = fwclient.Auth(Options(server_address=devserver.url))
    with fwclient.Login(auth) as login:
        with pytest.raises(fwclient.FwTimeoutError, match="did not come back"):
            login.wait(timeout=0.02)
        waiting = threading.Event()
        outcome = []

        def wait():
            waiting.set()
            try:
                login.wait(timeout=60)
            except fwclient.CanceledError as e:
                outcome.append(e)

        t = threading.Thread(target=wait)
        t.start()
        waiting.wait()
        while t.is_alive():
            login.cancel()
            t.join(0.05)
        assert len(outcome) == 1
    assert auth.token is None
