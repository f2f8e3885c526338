#!/usr/bin/env python3
"""Tests of `fwauth login` against fw-devserver's browser login, with the
scripted browsers of tests/login ($BROWSER): browser.py follows the
redirects (and the detours), attacker.py plays a local process that hands
the listener tokens of its own first.

    python3 fwauth/tests/login_tests.py --fwauth target/release/fwauth \
        --devserver target/release/fw-devserver [-k NAME]

Each test starts its own fw-devserver on 127.0.0.1 (the flags of the login
it needs) and stops it by its PID. The helpers (Home, Pty, check) and the
loop that runs the tests (run_all) are run_tests.py's. The last line is
`N passed, M failed`.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_tests as base  # noqa: E402
from run_tests import Pty, check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSER = os.path.join(ROOT, "tests", "login", "browser.py")
ATTACKER = os.path.join(ROOT, "tests", "login", "attacker.py")
FORGED = "forged_attacker_token_0001"
GRACE = "admin_fake_token_456"
NETWORK, REJECTED, OK = base.NETWORK, base.REJECTED, base.OK
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Server:
    """fw-devserver with the login flags of one test, stopped by PID."""

    def __init__(self, *flags):
        self.proc = subprocess.Popen(
            [base.ARGS.devserver, "--port", "0", "--other-port", "0", "--quiet", *flags],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        check(line.startswith("FW_DEVSERVER_URL="), f"fw-devserver said {line!r}")
        self.url = line.split("=", 1)[1]

    def status(self, path, token):
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, None

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def login(home, server, *args, browser=BROWSER, **env):
    """fwauth login with $BROWSER; returns the result and the login token
    the browser carried (read from its log)."""
    log = os.path.join(home.dir, "browser.log")
    e = home.env(BROWSER=browser, FW_TEST_BROWSER_LOG=log, **env)
    p = subprocess.run(
        [base.ARGS.fwauth, "--server", server.url, "login", *args],
        capture_output=True, text=True, env=e, timeout=120,
    )
    r = base.Result(p.returncode, p.stdout, p.stderr)
    return r, login_tokens(log)


def login_tokens(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return sorted(set(re.findall(r"middle_auth_token=([0-9a-f]+)", f.read())))


def saved_key(home, server):
    netloc = server.url.split("://", 1)[1]
    keys = {json.loads(home.read(name))["token"] for name in (f"{netloc}-cave-secret.json", "cave-secret.json")}
    check(len(keys) == 1, f"the files hold different tokens: {len(keys)}")
    return keys.pop()


def no_token_in(text, *tokens):
    for t in tokens:
        check(t not in text, "a token was printed")


def with_server(*flags):
    def wrap(fn):
        def run(home):
            server = Server(*flags)
            try:
                fn(home, server)
            finally:
                server.stop()
        run.__name__ = fn.__name__
        return run
    return wrap


@test
@with_server()
def login_saves_a_minted_key_and_revokes_the_login_token(home, server):
    r, tokens = login(home, server, "--timeout", "60")
    check(r.code == OK, r)
    check(len(tokens) == 1, f"the browser carried {len(tokens)} login tokens")
    login_token = tokens[0]
    key = saved_key(home, server)
    check(key != login_token, "the login token was saved")
    lines = r.out.strip().splitlines()
    check(lines[-1].startswith(f"Logged in to {server.url} as Ada Lovelace <ada@example.org>; the new key is saved in "), r)
    check(home.path("cave-secret.json") in lines[-1], r)
    no_token_in(r.out + r.err, key, login_token)
    check(server.status("/auth/api/v1/user/me", key)[0] == 200, "the key does not work")
    check(server.status("/auth/api/v1/user/me", login_token)[0] == 401, "the login token was not revoked")
    _, listed = server.status("/auth/api/v1/user/token", key)
    mine = [t for t in listed if t["token"] == key]
    check(len(mine) == 1 and re.fullmatch(r"fwauth on .+", mine[0]["description"] or ""), f"description {mine}")
    r = base.fwauth(home, "--server", server.url, "whoami", allowed=())
    check(r.code == OK and "Ada Lovelace" in r.out, r)


@test
@with_server("--login-new-account", "--login-tos", "7")
def login_goes_through_the_user_name_and_terms_detours(home, server):
    r, tokens = login(home, server, "--description", "my laptop", FW_TEST_BROWSER_USERNAME="ada_l")
    check(r.code == OK, r)
    check(f"as ada_l <ada@example.org>" in r.out, r)
    with open(os.path.join(home.dir, "browser.log")) as f:
        visited = f.read()
    check("/settings/register/choose_username" in visited and "/api/v1/tos/7/accept" in visited, visited)
    key = saved_key(home, server)
    _, listed = server.status("/auth/api/v1/user/token", key)
    check([t["description"] for t in listed if t["token"] == key] == ["my laptop"], listed)
    check(server.status("/auth/api/v1/user/me", tokens[0])[0] == 401, "the login token was not revoked")
    no_token_in(r.out + r.err, key, *tokens)


@test
@with_server()
def a_local_attacker_gets_nothing_saved_or_used(home, server):
    attack_log = os.path.join(home.dir, "attack.log")
    r, tokens = login(home, server, browser=ATTACKER, FW_TEST_ATTACK_LOG=attack_log)
    check(r.code == OK, r)
    with open(attack_log) as f:
        answers = f.read().splitlines()
    check(len(answers) == 8, answers)
    for line in answers[:-2]:
        check(line.startswith("404 "), f"not ignored: {line}")
    for line in answers[-2:]:
        check(line.startswith("400 "), f"a foreign token at the right path: {line}")
    key = saved_key(home, server)
    check(key not in (FORGED, GRACE) and key not in tokens, "a foreign or login token was saved")
    check(server.status("/auth/api/v1/user/me", key)[1]["id"] == 1, "the key is not Ada's")
    check("as Ada Lovelace" in r.out, r)
    no_token_in(r.out + r.err, key, FORGED, GRACE, *tokens)


@test
@with_server()
def login_says_when_a_variable_still_wins_over_the_saved_key(home, server):
    r, tokens = login(home, server, FW_AUTH_TOKEN=base.SEED)
    check(r.code == OK, r)
    check("programs still use the token from $FW_AUTH_TOKEN (it wins over the saved key)" in r.err, r)
    no_token_in(r.out + r.err, base.SEED, saved_key(home, server), *tokens)


@test
@with_server()
def a_browser_that_never_comes_back_ends_naming_setup_token(home, server):
    r, _ = login(home, server, "--timeout", "1", FW_TEST_BROWSER_NEVER="1")
    check(r.code == NETWORK, r)
    check("fwauth: the browser login did not come back within 1 second\n" in r.err, r)
    check(f"run `fwauth --server {server.url} setup-token`" in r.err, r)
    check(home.files() == [], f"files written: {home.files()}")
    for bad in ("0", "-1", "soon"):
        r, _ = login(home, server, "--timeout", bad, FW_TEST_BROWSER_NEVER="1")
        check(r.code == base.USAGE and "--timeout must be a whole number of seconds" in r.err, r)


@test
@with_server("--login-token-ttl", "0")
def an_expired_login_token_is_refused_and_never_saved(home, server):
    r, tokens = login(home, server, "--timeout", "3")
    check(len(tokens) == 1, "no login token reached the browser")
    check(r.code == NETWORK, r)
    check("a login token did arrive, but the server refused it: the server made no key from the browser login: " in r.err, r)
    check(home.files() == [], f"files written: {home.files()}")
    no_token_in(r.out + r.err, *tokens)


@contextlib.contextmanager
def no_browser_login(home, server):
    """`fwauth login --no-browser` at its hidden prompt, and the address a
    browser elsewhere ended on (not visited): yields (pty, address), and
    closes the pty at the end."""
    p, url = start_no_browser(home, server)
    try:
        yield p, browse_elsewhere(home, url)
    finally:
        p.close()


def start_no_browser(home, server):
    p = Pty(home, "--server", server.url, "login", "--no-browser", env=home.env(BROWSER="false"))
    p.expect(r"open this address in a browser:\s+")
    p.expect(r"\S+")
    url = p.text()[: p.seen].split()[-1]
    p.expect("Paste the address")
    return p, url


def browse_elsewhere(home, url):
    """A browser on another machine: the address it ends on, not visited."""
    out = subprocess.run(
        [sys.executable, BROWSER, url], capture_output=True, text=True, timeout=60,
        env=home.env(FW_TEST_BROWSER_STOP="loopback"),
    )
    check(out.returncode == 0, out.stderr)
    return out.stdout.strip()


@test
@with_server()
def no_browser_reads_the_address_at_a_hidden_prompt(home, server):
    with no_browser_login(home, server) as (p, address):
        check("middle_auth_token=" in address, "the browser ended elsewhere")
        login_token = address.split("middle_auth_token=")[1].split("&")[0]
        check(not p.echo_is_on(), "the prompt echoes")
        p.send(address + "\n")
        check(p.finish() == OK, p.text())
    key = saved_key(home, server)
    check(key != login_token, "the login token was saved")
    check("Logged in to" in p.text(), p.text())
    no_token_in(p.text(), key, login_token)
    check(server.status("/auth/api/v1/user/me", login_token)[0] == 401, "the login token was not revoked")


@test
@with_server()
def no_browser_refuses_a_forged_address(home, server):
    with no_browser_login(home, server) as (p, address):
        forged = re.sub(r"middle_auth_token=[^&]+", f"middle_auth_token={FORGED}", address)
        forged = re.sub(r"([?&])token=[^&]+", rf"\1token={FORGED}", forged)
        p.send(forged + "\n")
        check(p.finish() == REJECTED, p.text())
    no_token_in(p.text(), FORGED)
    check(home.files() == [], f"files written: {home.files()}")


def main():
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fwauth", default=os.path.join(ROOT, "target", "release", "fwauth"))
    ap.add_argument("--devserver", default=os.path.join(ROOT, "target", "release", "fw-devserver"))
    ap.add_argument("--root", default=ROOT)
    ap.add_argument("-k", dest="only")
    base.ARGS = ap.parse_args()
    base.ARGS.fwauth = os.path.abspath(base.ARGS.fwauth)
    return base.run_all(TESTS, base.ARGS.only)


if __name__ == "__main__":
    sys.exit(main())
