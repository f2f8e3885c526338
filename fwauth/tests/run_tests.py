#!/usr/bin/env python3
"""Tests of the fwauth command against its own fw-devserver.

    python3 fwauth/tests/run_tests.py --fwauth target/release/fwauth \
        --devserver target/release/fw-devserver [-k NAME]

Every test runs fwauth as a user would: a fresh HOME, none of the FW_*
variables, a server on 127.0.0.1 started here (with a fixture that adds a
32-hex token, the global server's form) and killed by its
PID at the end. Interactive flows (hidden prompts, setup-token) run in a
pseudo-terminal (the pty module). No test opens a browser: --open is tested
with BROWSER set to a script that records its argument.

The last line is `N passed, M failed`; the exit status is 1 when a test failed.
"""

import argparse
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback

HEX = "0123456789abcdef0123456789abcdef"  # valid on the test server (Ada)
HEX_UNKNOWN = "ffffffffffffffffffffffffffffffff"  # right form, not a token
SEED = "fake_token_123"  # Ada, never expires
EXPIRING = "expiring_fake_token_000"  # Ada, 3600 s
WRONG = "another_fake_token_678"  # not a token
SECRETS = [HEX, HEX_UNKNOWN, SEED, EXPIRING, WRONG]

# Exit statuses (fwauth/README.md).
OK, FAILURE, USAGE, NO_TOKEN, REJECTED, FORBIDDEN, SERVER_ERROR, NETWORK, FILES, EXISTS, BAD_TOKEN = range(11)

ARGS = None
SERVER = None  # {"url", "other", "proc"}
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


# ------------------------------------------------------------------ running


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"exit {self.code}\n--- stdout:\n{self.out}\n--- stderr:\n{self.err}"


class Home:
    """A fresh HOME for one test, removed afterwards."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fwauth-test-home-")
        self.secrets = os.path.join(self.dir, ".cloudvolume", "secrets")

    def env(self, **extra):
        other_tools = ("BROWSER", "CAVE_TOKEN", "CAVE_TOKEN_FILE", "CLOUD_VOLUME_DIR", "CLOUD_FILES_DIR")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FW_") and k not in other_tools}
        env["HOME"] = self.dir
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    def path(self, name):
        return os.path.join(self.secrets, name)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def write(self, name, text):
        os.makedirs(self.secrets, exist_ok=True)
        with open(self.path(name), "w") as f:
            f.write(text)

    def files(self):
        return sorted(os.listdir(self.secrets)) if os.path.isdir(self.secrets) else []

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def no_secret_in(text, allowed=()):
    for s in SECRETS:
        if s not in allowed:
            check(s not in text, f"a token was printed: {s}")


def fwauth(home, *args, stdin="", env=None, allowed=()):
    """Runs fwauth with stdin from a pipe (not a terminal)."""
    p = subprocess.run(
        [ARGS.fwauth, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or home.env(),
        timeout=60,
    )
    r = Result(p.returncode, p.stdout, p.stderr)
    no_secret_in(r.out + r.err, allowed)
    return r


class Pty:
    """fwauth in a pseudo-terminal: its controlling terminal, stdin, stdout
    and stderr are the pty, as in an interactive shell."""

    def __init__(self, home, *args, env=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(ARGS.fwauth, [ARGS.fwauth, *args], env or home.env())
            finally:
                os._exit(127)
        self.out = b""
        self.seen = 0  # output before this was matched by an earlier expect()
        self.code = None

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if not data:
            raise EOFError
        self.out += data
        return True

    def expect(self, pattern, timeout=20):
        """Waits until the output after the previous match matches `pattern`."""
        deadline = time.time() + timeout
        while True:
            text = self.out.decode(errors="replace")
            m = re.compile(pattern).search(text, self.seen)
            if m:
                self.seen = m.end()
                return
            left = deadline - time.time()
            if left <= 0:
                raise Failed(f"timed out waiting for {pattern!r}; output so far:\n{self.text()}")
            try:
                self._read(left)
            except EOFError:
                raise Failed(f"fwauth ended before {pattern!r}; output:\n{self.text()}")

    def send(self, text):
        os.write(self.fd, text.encode())

    def echo_is_on(self):
        return bool(termios.tcgetattr(self.fd)[3] & termios.ECHO)

    def finish(self, timeout=30):
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                os.kill(self.pid, signal.SIGKILL)
                raise Failed(f"fwauth did not end; output:\n{self.text()}")
            try:
                self._read(left)
            except EOFError:
                break
        _, status = os.waitpid(self.pid, 0)
        self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass

    def text(self):
        return self.out.decode(errors="replace")


# ------------------------------------------------------------------ server


def start_server(tmp):
    with open(ARGS.fixture) as f:
        fixture = json.load(f)
    ada = next(u for u in fixture["users"] if u["id"] == 1)
    ada["tokens"].append({"token": HEX, "description": "32-hex token for setup-token", "ttl": -1})
    path = os.path.join(tmp, "fixture.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    proc = subprocess.Popen(
        [ARGS.devserver, "--port", "0", "--other-port", "0", "--quiet", "--fixture", path],
        stdout=subprocess.PIPE,
        text=True,
    )
    urls = {}
    deadline = time.time() + 20
    while len(urls) < 2 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        key, _, value = line.strip().partition("=")
        urls[key] = value
    if "FW_DEVSERVER_URL" not in urls:
        proc.kill()
        raise SystemExit("fw-devserver printed no FW_DEVSERVER_URL line")
    return {"url": urls["FW_DEVSERVER_URL"], "other": urls.get("FW_DEVSERVER_OTHER_URL"), "proc": proc}


def netloc(url):
    return url.split("://", 1)[1].split("/", 1)[0]


def url():
    return SERVER["url"]


# ------------------------------------------------------------------ tests: help and usage

COMMANDS = ["token", "status", "save-token", "new-token", "setup-token", "login", "whoami", "get"]


@test
def help_for_every_command(home):
    r = fwauth(home, "--help")
    check(r.code == OK, r)
    for c in COMMANDS:
        check(re.search(rf"^  {re.escape(c)} ", r.out, re.M), f"--help lists {c}\n{r}")
    check("Exit status" in r.out, r)
    for c in COMMANDS:
        for form in ([c, "--help"], [c, "-h"], ["help", c]):
            r = fwauth(home, *form)
            check(r.code == OK and f"Usage: fwauth {c}" in r.out, f"{form}: {r}")
            check("Exit status" in r.out and "--server URL" in r.out, f"{form}: {r}")
            check(r.err == "", f"{form}: {r}")


@test
def version_matches_cargo_toml(home):
    with open(os.path.join(ARGS.root, "Cargo.toml")) as f:
        version = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M).group(1)
    r = fwauth(home, "--version")
    check(r.code == OK and r.out.strip() == f"fwauth {version} (fwclient-core {version})", r)


@test
def usage_errors_exit_2_and_never_echo_arguments(home):
    cases = [
        [],
        ["frobnicate"],
        ["token", "--bogus"],
        ["get"],
        ["--layout", "nested", "token"],
        ["save-token", HEX],
        ["save-token", f"--token={HEX}"],
        ["token", HEX],
        [HEX],
        ["status", "--offline=1"],
    ]
    for args in cases:
        r = fwauth(home, *args)
        check(r.code == USAGE, f"{args}: {r}")
        check(r.out == "", f"{args}: {r}")
        check(r.err.startswith("fwauth: "), f"{args}: {r}")
    r = fwauth(home, "save-token", HEX)
    check("shell history" in r.err, r)


# ------------------------------------------------------------------ token


@test
def token_none_found(home):
    r = fwauth(home, "token")
    check(r.code == NO_TOKEN and r.out == "", r)
    check("no token found" in r.err and "setup-token" in r.err, r)
    check(home.path("chunkedgraph-secret.json") in r.err, r)


@test
def token_masked_and_shown(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "token")
    check(r.code == OK and r.out == "*" * len(SEED) + f" ({len(SEED)} characters)\n", r)
    check(f'source: file {home.path("chunkedgraph-secret.json")}, key "token"' in r.err, r)
    r = fwauth(home, "token", "--show", allowed=[SEED])
    check(r.code == OK and r.out == SEED + "\n", r)
    r = fwauth(home, "token", env=home.env(FW_AUTH_TOKEN=EXPIRING))
    check(r.code == OK and "source: $FW_AUTH_TOKEN" in r.err, r)


@test
def token_follows_the_library_lookup(home):
    # cave layout chosen by the directory; the per-server file wins.
    home.write("cave-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "token")
    check(r.code == OK and home.path("cave-secret.json") in r.err, r)
    home.write(f"{netloc(url())}-cave-secret.json", json.dumps({"token": HEX}))
    r = fwauth(home, "--server", url(), "token", "--show", allowed=[HEX])
    check(r.out == HEX + "\n", r)
    check(home.path(f"{netloc(url())}-cave-secret.json") in r.err, r)
    # --secrets-dir and the legacy fallback
    other = os.path.join(home.dir, "elsewhere")
    os.makedirs(other)
    with open(os.path.join(other, "chunkedgraph-secret.json"), "w") as f:
        json.dump({"token": EXPIRING}, f)
    r = fwauth(home, "token", "--secrets-dir", other, "--layout", "cave")
    check(r.code == OK and "last fallback" in r.err, r)
    # a malformed file is a secret-file error
    home.write("cave-secret.json", "{not json")
    r = fwauth(home, "token")
    check(r.code == FILES and "cave-secret.json" in r.err, r)


# ------------------------------------------------------------------ save-token


@test
def save_token_from_stdin(home):
    r = fwauth(home, "save-token", stdin=SEED + "\n")
    check(r.code == OK, r)
    check(home.read("chunkedgraph-secret.json") == '{"token": "fake_token_123"}', home.files())
    mode = stat.S_IMODE(os.stat(home.path("chunkedgraph-secret.json")).st_mode)
    check(mode == 0o600, oct(mode))
    check(stat.S_IMODE(os.stat(home.secrets).st_mode) == 0o700, "directory mode")
    check(f"saved to {home.path('chunkedgraph-secret.json')}" in r.out, r)
    r = fwauth(home, "save-token", stdin=EXPIRING)
    check(r.code == EXISTS and "already exists" in r.err and "--overwrite" in r.err, r)
    r = fwauth(home, "save-token", "--overwrite", stdin=f"  {EXPIRING}  \n")
    check(r.code == OK and json.loads(home.read("chunkedgraph-secret.json")) == {"token": EXPIRING}, r)
    r = fwauth(home, "save-token", "--key", "other", stdin=SEED)
    check(r.code == OK and "cloud-volume" in r.err, r)
    check(home.read("chunkedgraph-secret.json") == f'{{"token": "{EXPIRING}", "other": "{SEED}"}}', "keys kept")
    r = fwauth(home, "save-token", "--file", "~/tok/mine.json", stdin=SEED)
    check(r.code == OK, r)
    with open(os.path.join(home.dir, "tok", "mine.json")) as f:
        check(f.read() == '{"token": "fake_token_123"}', "~ expanded")


@test
def save_token_cave_layout_writes_the_server_file(home):
    r = fwauth(home, "--server", url(), "--layout", "cave", "save-token", stdin=SEED)
    check(r.code == OK, r)
    server_file = f"{netloc(url())}-cave-secret.json"
    check(home.files() == sorted(["cave-secret.json", server_file]), home.files())
    for name in ("cave-secret.json", server_file):
        check(home.read(name) == '{"token": "fake_token_123"}', name)


@test
def save_token_refuses_bad_input(home):
    for text in ["", "\n", "a b", "two\nlines", "tök"]:
        r = fwauth(home, "save-token", stdin=text)
        check(r.code == BAD_TOKEN, f"{text!r}: {r}")
    check(home.files() == [], home.files())


@test
def save_token_warns_when_another_token_wins(home):
    r = fwauth(home, "save-token", stdin=SEED, env=home.env(FW_AUTH_TOKEN=EXPIRING))
    check(r.code == OK and "$FW_AUTH_TOKEN" in r.err, r)


@test
def save_token_hidden_prompt(home):
    p = Pty(home, "save-token")
    try:
        p.expect(r"Paste the token \(input will be hidden\): ")
        check(not p.echo_is_on(), "echo is off at the prompt")
        p.send(SEED + "\n")
        code = p.finish()
    finally:
        p.close()
    check(code == OK, p.text())
    check(SEED not in p.text(), f"the typed token was echoed:\n{p.text()}")
    check(json.loads(home.read("chunkedgraph-secret.json")) == {"token": SEED}, home.files())


@test
def ctrl_c_at_the_hidden_prompt_restores_echo(home):
    p = Pty(home, "save-token")
    try:
        p.expect(r"Paste the token")
        check(not p.echo_is_on(), "echo is off at the prompt")
        p.send("\x03")
        code = p.finish()
        check(code == -signal.SIGINT, f"ended by SIGINT, got {code}: {p.text()}")
        check(p.echo_is_on(), "echo is back on after Ctrl-C")
    finally:
        p.close()
    check(home.files() == [], home.files())


# ------------------------------------------------------------------ status, whoami


@test
def status_with_an_accepted_token(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": EXPIRING}))
    r = fwauth(home, "status", "--server", url())
    check(r.code == OK, r)
    for want in [
        f"server:       {url()}",
        "layout:       framework (the default for this secrets directory)",
        f"secrets dir:  {home.secrets}",
        "token:        found, 23 characters",
        f"token file:   {home.path('chunkedgraph-secret.json')}",
        "token key:    token",
        "server check: token accepted: Ada Lovelace <ada@example.org>, user id 1",
    ]:
        check(want in r.out, f"{want!r} in\n{r}")
    ttl = re.search(r"token TTL:    (\d+) s", r.out)
    check(ttl and 3000 < int(ttl.group(1)) <= 3600, r)
    r = fwauth(home, "status", "--server", url(), env=home.env(FW_AUTH_TOKEN=SEED))
    check(r.code == OK and "token source: $FW_AUTH_TOKEN" in r.out and "never expires" in r.out, r)


@test
def status_problems(home):
    r = fwauth(home, "status", "--server", url())
    check(r.code == NO_TOKEN and "token:        none" in r.out, r)
    home.write("chunkedgraph-secret.json", json.dumps({"token": WRONG}))
    r = fwauth(home, "status", "--server", url())
    check(r.code == REJECTED and "NOT accepted" in r.out and "invalid or expired" in r.err, r)
    r = fwauth(home, "status", "--server", "http://127.0.0.1:1")
    check(r.code == NETWORK and "not reachable" in r.out, r)
    r = fwauth(home, "status", "--offline", "--server", "http://127.0.0.1:1")
    check(r.code == OK and "skipped" in r.out, r)


@test
def status_json_names_what_each_tool_reads(home):
    # cloud-volume 12.15.2 reads $CLOUD_VOLUME_DIR/secrets; caveclient 8.2.1
    # always ~/.cloudvolume/secrets. Both files as json.dump writes them.
    cv = os.path.join(home.dir, "cv")
    os.makedirs(os.path.join(cv, "secrets"))
    with open(os.path.join(cv, "secrets", "cave-secret.json"), "w") as f:
        json.dump({"token": SEED}, f)
    home.write("cave-secret.json", json.dumps({"token": EXPIRING}))
    env = home.env(CLOUD_VOLUME_DIR=cv)
    r = fwauth(home, "status", "--json", env=env)
    check(r.code == OK, r)
    report = json.loads(r.out)
    check(report["secrets_dir"] == {"path": os.path.join(cv, "secrets"), "source": "$CLOUD_VOLUME_DIR/secrets"}, report)
    check([t["tool"] for t in report["tools"] if not t["agrees"]] == ["caveclient"], report["tools"])
    [d] = report["disagreements"]
    check(d["fix"] == f'fwauth token --show | fwauth save-token --overwrite --file "{home.path("cave-secret.json")}"', d)
    # The fix works: afterwards every tool reads the same token.
    command = re.sub(r"(^|\| )fwauth ", lambda m: f"{m.group(1)}{shlex.quote(ARGS.fwauth)} ", d["fix"])
    fix = subprocess.run(command, shell=True, env=env, capture_output=True, text=True)
    check(fix.returncode == 0, fix.stderr)
    check(json.loads(home.read("cave-secret.json")) == {"token": SEED}, home.read("cave-secret.json"))
    r = fwauth(home, "status", "--json", env=env)
    check(json.loads(r.out)["disagreements"] == [], r)
    r = fwauth(home, "status", "--offline", env=env)
    check("disagreements: none" in r.out and "(from $CLOUD_VOLUME_DIR/secrets)" in r.out, r)


@test
def status_names_the_token_file_variable(home):
    token_file = os.path.join(home.dir, "mounted-token")
    with open(token_file, "w") as f:
        f.write(SEED + "\n")
    r = fwauth(home, "status", "--offline", env=home.env(CAVE_TOKEN_FILE=token_file))
    check(r.code == OK and f"token source: file {token_file} (named by $CAVE_TOKEN_FILE)" in r.out, r)
    check(f"  * $CAVE_TOKEN_FILE {token_file}: " in r.out, r)
    r = fwauth(home, "status", "--offline", env=home.env(CAVE_TOKEN=SEED, CAVE_TOKEN_FILE=token_file))
    check(r.code == OK and "token source: $CAVE_TOKEN" in r.out, r)
    r = fwauth(home, "status", "--layout", "cave", "--server", url())
    check("layout:       cave (from --layout)" in r.out, r)
    r = fwauth(home, "status", "--server", url(), env=home.env(FW_SECRETS_LAYOUT="cave"))
    check("cave (from $FW_SECRETS_LAYOUT)" in r.out, r)
    r = fwauth(home, "status", env=home.env(FW_SECRETS_LAYOUT="nested"))
    check(r.code == USAGE, r)


@test
def status_warns_about_open_permissions(home):
    # Allowed but worth a word (issue 11): a group-writable secrets directory
    # and a token file other users can read, each with its fix.
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    os.chmod(home.path("chunkedgraph-secret.json"), 0o644)
    os.chmod(home.secrets, 0o775)
    r = fwauth(home, "status", "--offline", "--server", url())
    check(r.code == OK, r)
    check(f'`chmod g-w "{home.secrets}"`' in r.out, r)
    check(f'`chmod 600 "{home.path("chunkedgraph-secret.json")}"`' in r.out, r)
    os.chmod(home.path("chunkedgraph-secret.json"), 0o600)
    os.chmod(home.secrets, 0o700)
    r = fwauth(home, "status", "--offline", "--server", url())
    check(r.code == OK and "warning:" not in r.out, r)


@test
def whoami(home):
    r = fwauth(home, "whoami", "--server", url())
    check(r.code == NO_TOKEN, r)
    env = home.env(FW_AUTH_TOKEN=SEED)
    r = fwauth(home, "whoami", "--server", url(), env=env)
    check(r.code == OK and r.out == "Ada Lovelace <ada@example.org>, user id 1\n", r)
    r = fwauth(home, "whoami", "--json", "--server", url(), env=env)
    check(r.code == OK and json.loads(r.out)["email"] == "ada@example.org", r)
    r = fwauth(home, "whoami", "--server", url(), env=home.env(FW_AUTH_TOKEN=WRONG))
    check(r.code == REJECTED and r.out == "", r)


# ------------------------------------------------------------------ get


@test
def get_writes_the_body(home):
    env = home.env(FW_AUTH_TOKEN=SEED)
    r = fwauth(home, "get", "--server", url(), "/info/api/v2/datastacks", env=env)
    check(r.code == OK and json.loads(r.out) == ["fanc_production", "minnie65_public"], r)
    r = fwauth(home, "get", "--server", url(), f"{url()}/echo", env=env, allowed=[SEED])
    echo = json.loads(r.out)
    check(r.code == OK and echo["authorization"] == f"Bearer {SEED}", r)
    out = os.path.join(home.dir, "info.json")
    r = fwauth(home, "get", "-o", out, "--server", url(), "/info/api/v2/datastack/full/minnie65_public", env=env)
    check(r.code == OK and r.out == "" and r.err == "", r)
    with open(out) as f:
        check(json.load(f)["local_server"] == url(), "body written to -o FILE")
    # public URL, no token at all
    r = fwauth(home, "get", f"{url()}/info/version")
    check(r.code == OK and r.out == '"4.3.1"\n' or r.out == '"4.3.1"', r)


@test
def get_o_streams_to_the_file_and_leaves_it_alone_on_failure(home):
    env = home.env(FW_AUTH_TOKEN=SEED)
    out = os.path.join(home.dir, "big.bin")
    r = fwauth(home, "get", "-o", out, "--server", url(), "/fault/big?bytes=4194304", env=env)
    check(r.code == OK and r.out == "", r)
    with open(out, "rb") as f:
        check(f.read() == b"a" * 4194304, "the 4 MiB body streamed to -o FILE")
    # A failed GET leaves the file as it was, and no temporary file behind.
    r = fwauth(home, "get", "-o", out, "--server", url(), "/fault/status?code=404", env=env)
    check(r.code == SERVER_ERROR, r)
    check(os.path.getsize(out) == 4194304, "-o FILE untouched by a failed GET")
    left = [n for n in os.listdir(home.dir) if n.startswith(".fwauth-get-")]
    check(left == [], f"temporary files left behind: {left}")


@test
def get_errors_go_to_stderr_with_their_class(home):
    env = home.env(FW_AUTH_TOKEN=SEED)
    cases = [
        ("/info/api/v2/datastack/full/flywire_fafb", env, FORBIDDEN, "missing permission"),
        ("/fault/status?code=404", env, SERVER_ERROR, "404"),
        ("/info/api/v2/datastacks", home.env(), NO_TOKEN, "not authenticated"),
        ("/info/api/v2/datastacks", home.env(FW_AUTH_TOKEN=WRONG), REJECTED, "invalid or expired"),
        (f"/echo?middle_auth_token={SEED}", env, USAGE, "query string"),
    ]
    for path, e, code, text in cases:
        r = fwauth(home, "get", "--server", url(), path, env=e)
        check(r.code == code and r.out == "" and text in r.err, f"{path}: {r}")
    r = fwauth(home, "get", "http://127.0.0.1:1/x", env=env)
    check(r.code == NETWORK and r.out == "", r)
    r = fwauth(home, "get", "-o", "/nonexistent-dir/x", "--server", url(), "/info/version")
    check(r.code == FILES, r)


@test
def get_i_fetches_every_url_into_the_directory(home):
    env = home.env(FW_AUTH_TOKEN=SEED)
    urls = os.path.join(home.dir, "urls.txt")
    with open(urls, "w") as f:
        f.write("# items\n\n")  # lines 1 and 2: skipped
        for i in range(20):
            f.write(f"/echo?item={i}\n")  # lines 3..22
        f.write("/fault/status?code=404\n")  # line 23
    out = os.path.join(home.dir, "bodies")
    os.mkdir(out)
    before = json.loads(fwauth(home, "get", "--server", url(), "/fault/connections", env=env).out)
    r = fwauth(home, "get", "--server", url(), "-i", urls, "-d", out, "--parallel", "4",
               env=env, allowed=[SEED])
    after = json.loads(fwauth(home, "get", "--server", url(), "/fault/connections", env=env).out)
    check(r.code == SERVER_ERROR, f"the 404's class: {r}")
    check(r.err.startswith("23: ") and "404" in r.err, r)
    # Each fwauth run opens one connection for its own count; the batch at most 4.
    check(after["connections"] - before["connections"] <= 4 + 1, f"{before} {after}")
    names = sorted(os.listdir(out), key=int)
    check(names == [str(n) for n in range(3, 23)], f"files {names}")
    check(sorted(r.out.split("\n")[:-1], key=lambda l: int(l.split()[0]))
          == [f"{n} {os.path.join(out, str(n))}" for n in range(3, 23)], r)
    for n in range(3, 23):
        with open(os.path.join(out, str(n))) as f:
            echo = json.load(f)
        check(echo["query"] == f"item={n - 3}", f"file {n}: {echo}")
    r = fwauth(home, "get", "--server", url(), "-i", urls, "-d", "/nonexistent-dir", env=env)
    check(r.code == FILES and r.out == "", r)
    r = fwauth(home, "get", "--server", url(), "-i", urls, env=env)
    check(r.code == USAGE and "-d DIR" in r.err, r)


@test
def get_sends_the_token_to_the_datastack_local_server(home):
    env = home.env(FW_AUTH_TOKEN=SEED)
    target = f"{SERVER['other']}/protected/fanc/view"
    r = fwauth(home, "get", "--server", url(), target, env=env)
    check(r.code == NO_TOKEN, f"another origin gets no token: {r}")
    # Withheld, not missing: the origin and how to trust it, no setup advice.
    check("withheld" in r.err and SERVER["other"] in r.err, r)
    # The fix in fwauth's words (its --datastack option), never a library call.
    check("add --datastack NAME" in r.err and "fw_" not in r.err and "setup-token" not in r.err, r)
    r = fwauth(home, "get", "--server", url(), "--datastack", "fanc_production", target, env=env)
    check(r.code == OK and json.loads(r.out) == {"ok": True, "user_id": 1}, r)


# ------------------------------------------------------------------ new-token


def fake_browser(home):
    """A $BROWSER that records the URL it is given, instead of opening it."""
    record = os.path.join(home.dir, "browser.txt")
    script = os.path.join(home.dir, "fake-browser")
    with open(script, "w") as f:
        f.write(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n')
    os.chmod(script, 0o755)
    return script, record


def wait_for_file(path, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and open(path).read().endswith("\n"):
            return open(path).read()
        time.sleep(0.05)
    return None


@test
def new_token_instructions_and_open(home):
    script, record = fake_browser(home)
    env = home.env(BROWSER=script)
    r = fwauth(home, "new-token", "--server", url(), env=env)
    create = f"{url()}/auth/api/v1/create_token"
    check(r.code == OK and create in r.out and f"fwauth --server {url()} save-token\n" in r.out, r)
    # With a token saved, the step that saves one says --overwrite.
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "new-token", env=env)
    check(r.code == OK and "Save it with: fwauth save-token --overwrite\n" in r.out, r)
    check("refresh_token" not in r.out, r)
    r = fwauth(home, "new-token", "--open", "--server", url(), env=env)
    check(r.code == OK, r)
    # The browser appends one line a run: a browser started by the runs
    # without --open (earlier) would have written before this one.
    check(wait_for_file(record) == create + "\n",
          "the browser got the create_token URL, and only from the run with --open")


# ------------------------------------------------------------------ setup-token

PROMPT = r"Paste your auth token \(input will be hidden\): "
QUESTION = r"\(Y/n/exit\): "


def setup_files(home):
    local = f"{netloc(url())}-cave-secret.json"
    other = f"{netloc(SERVER['other'])}-cave-secret.json"
    return local, other


@test
def setup_token_guided_flow_in_a_terminal(home):
    script, record = fake_browser(home)
    p = Pty(home, "setup-token", url(), "--open", env=home.env(BROWSER=script))
    try:
        p.expect(re.escape(f"Visit {url()}/sticky_auth/settings/tokens and copy an existing token"))
        p.expect(PROMPT)
        check(not p.echo_is_on(), "echo is off at the prompt")
        p.send("not a token\n")
        p.expect(r"That is not a usable token: .*\. Please paste the token alone\.")
        p.expect(PROMPT)
        p.send(HEX_UNKNOWN + "\n")
        p.expect(r"Token did not work for login on .*HTTP 401\)\. Please check the token and try again\.")
        p.expect(PROMPT)
        p.send("  " + HEX + " \n")  # stripped
        p.expect(QUESTION)
        check(p.echo_is_on(), "echo is back on for the question")
        p.send("\n")  # Y
        p.expect(r"Setup complete!")
        code = p.finish()
    finally:
        p.close()
    check(code == OK, p.text())
    for s in (HEX, HEX.upper(), HEX_UNKNOWN):
        check(s not in p.text(), f"a pasted token was echoed:\n{p.text()}")
    local, other = setup_files(home)
    check(home.files() == sorted([local, other, "cave-secret.json", "cave_datastack_to_server_map.json"]), home.files())
    for name in (local, other, "cave-secret.json"):
        check(home.read(name) == f'{{"token": "{HEX}"}}', f"{name}: {home.read(name)}")
    check(
        home.read("cave_datastack_to_server_map.json")
        == json.dumps({"fanc_production": url(), "minnie65_public": url()}),
        home.read("cave_datastack_to_server_map.json"),
    )
    check(wait_for_file(record) == f"{url()}/sticky_auth/settings/tokens\n", "--open opened the tokens page")
    # The library now uses it, for the global and the local servers.
    r = fwauth(home, "--server", url(), "token", "--show", allowed=[HEX])
    check(r.out == HEX + "\n" and local in r.err, r)
    r = fwauth(home, "--server", SERVER["other"], "whoami")
    check(r.code == OK and "Ada Lovelace" in r.out, r)


@test
def setup_token_some_datastacks_or_none(home):
    p = Pty(home, "setup-token", url())
    try:
        p.expect(PROMPT)
        p.send(HEX + "\n")
        p.expect(QUESTION)
        p.send("n\n")
        p.expect(r"Datastack name")
        p.send("minnie65_public\n")
        p.expect(r"Datastack name")
        p.send("\n")
        p.expect(r"Setup complete!")
        check(p.finish() == OK, p.text())
    finally:
        p.close()
    local, other = setup_files(home)
    check(home.files() == sorted([local, "cave-secret.json", "cave_datastack_to_server_map.json"]), home.files())
    check(json.loads(home.read("cave_datastack_to_server_map.json")) == {"minnie65_public": url()}, "map")

    home2 = Home()
    try:
        p = Pty(home2, "setup-token", url())
        try:
            p.expect(PROMPT)
            p.send(HEX + "\n")
            p.expect(QUESTION)
            p.send("exit\n")
            check(p.finish() == OK, p.text())
        finally:
            p.close()
        check(home2.files() == sorted([local, "cave-secret.json"]), home2.files())
    finally:
        home2.cleanup()


@test
def setup_token_from_a_pipe(home):
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX_UNKNOWN}\n{HEX}\nexit\n")
    check(r.code == OK and "Token did not work" in r.out, r)
    check(json.loads(home.read("cave-secret.json")) == {"token": HEX}, home.files())
    r = fwauth(home, "setup-token", url(), stdin="bad token\n")
    check(r.code == NO_TOKEN and "not a usable token" in r.out and "end of input" in r.err, r)


@test
def setup_token_overwrites_and_respects_the_layout(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED, "other": 1}))
    r = fwauth(home, "--layout", "framework", "setup-token", url(), stdin=f"{HEX}\n")
    check(r.code == OK and "no per-datastack files" in r.out, r)
    check(home.read("chunkedgraph-secret.json") == f'{{"token": "{HEX}", "other": 1}}', home.files())
    check(home.files() == ["chunkedgraph-secret.json"], home.files())


@test
def setup_token_stops_when_the_server_is_unreachable(home):
    r = fwauth(home, "setup-token", "http://127.0.0.1:1", stdin=f"{HEX}\n")
    check(r.code == NETWORK and home.files() == [], r)
    check("Visit" not in r.out, f"the server is reached before the token is asked for\n{r}")


# ------------------------------------------------------------------ the first hour (issue 13)

BROKEN = {
    "trailing comma": '{"token": "fake_token_123",}',
    "a bare token": "fake_token_123\n",
}
FORM = '{"token": "<your token>"}'


def kept_files(home, name):
    return [f for f in home.files() if f.startswith(name + ".invalid-")]


@test
def broken_secret_file_every_command_names_the_way_out(home):
    for what, text in BROKEN.items():
        h = Home()
        try:
            h.write("chunkedgraph-secret.json", text)
            os.chmod(h.path("chunkedgraph-secret.json"), 0o640)
            # new-token needs no token: it still runs, and says what to run.
            r = fwauth(h, "new-token", "--server", url())
            check(r.code == OK and "/auth/api/v1/create_token" in r.out, f"{what}: {r}")
            check("save-token --overwrite --replace-invalid" in r.out and "not valid JSON" in r.err, f"{what}: {r}")
            # status runs, and says what is wrong and how to fix it.
            r = fwauth(h, "status", "--offline", "--server", url())
            check(r.code == FILES and "secret file is unusable" in r.out, f"{what}: {r}")
            check(FORM in r.err and f"fwauth --server {url()} save-token --overwrite --replace-invalid" in r.err, f"{what}: {r}")
            check("FW_SAVE_" not in r.err, f"{what}: the CLI speaks fwauth\n{r}")
            # In a script, --overwrite alone is refused and the file kept as it is.
            r = fwauth(h, "save-token", "--overwrite", stdin=SEED + "\n")
            check(r.code == FILES and "--replace-invalid" in r.err, f"{what}: {r}")
            check(h.read("chunkedgraph-secret.json") == text, f"{what}: unchanged")
            # With --replace-invalid: kept aside (bytes and mode), a fresh file.
            r = fwauth(h, "save-token", "--overwrite", "--replace-invalid", stdin=SEED + "\n")
            check(r.code == OK and "kept the invalid file as" in r.out, f"{what}: {r}")
            kept = kept_files(h, "chunkedgraph-secret.json")
            check(len(kept) == 1 and re.fullmatch(r"chunkedgraph-secret\.json\.invalid-\d{8}T\d{6}Z", kept[0]), kept)
            check(h.read(kept[0]) == text, f"{what}: kept byte for byte")
            check(stat.S_IMODE(os.stat(h.path(kept[0])).st_mode) == 0o640, f"{what}: mode kept")
            check(h.read("chunkedgraph-secret.json") == f'{{"token": "{SEED}"}}', h.files())
            r = fwauth(h, "whoami", "--server", url())
            check(r.code == OK and "Ada Lovelace" in r.out, f"{what}: {r}")
        finally:
            h.cleanup()


@test
def save_token_in_a_terminal_asks_before_replacing_an_invalid_file(home):
    home.write("chunkedgraph-secret.json", BROKEN["trailing comma"])
    for answer, code in (("n", FILES), ("y", OK)):
        p = Pty(home, "save-token", "--overwrite")
        try:
            p.expect(r"Paste the token \(input will be hidden\): ")
            p.send(SEED + "\n")
            p.expect(r"is not valid JSON")
            p.expect(r"Keep that file as <name>\.invalid-<timestamp> and write a fresh one\? \[y/N\]: ")
            p.send(answer + "\n")
            check(p.finish() == code, p.text())
        finally:
            p.close()
    check(len(kept_files(home, "chunkedgraph-secret.json")) == 1, home.files())
    check(home.read("chunkedgraph-secret.json") == f'{{"token": "{SEED}"}}', home.files())


@test
def setup_token_replaces_an_invalid_file_when_asked(home):
    home.write("cave-secret.json", BROKEN["a bare token"])
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX}\nexit\n")
    check(r.code == FILES and "--replace-invalid" in r.err, r)
    check(home.read("cave-secret.json") == BROKEN["a bare token"], "unchanged")
    r = fwauth(home, "setup-token", url(), "--replace-invalid", stdin=f"{HEX}\nexit\n")
    check(r.code == OK and "kept the invalid file as" in r.out, r)
    check(home.read("cave-secret.json") == f'{{"token": "{HEX}"}}', home.files())
    check(len(kept_files(home, "cave-secret.json")) == 1, home.files())


@test
def server_for_a_whole_shell(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    env = home.env(FW_SERVER_ADDRESS=url())
    r = fwauth(home, "status", env=env)
    check(r.code == OK and f"server:       {url()} (from $FW_SERVER_ADDRESS)" in r.out, r)
    r = fwauth(home, "whoami", env=env)
    check(r.code == OK and "Ada Lovelace" in r.out, r)
    r = fwauth(home, "--server", "http://127.0.0.1:1", "status", "--offline", env=env)
    check("server:       http://127.0.0.1:1 (from --server)" in r.out, f"--server beats the variable\n{r}")
    r = fwauth(home, "status", "--offline")
    check("https://global.daf-apis.com (the default; set $FW_SERVER_ADDRESS or --server for another)" in r.out, r)
    r = fwauth(home, "status", "--offline", env=home.env(FW_SERVER_ADDRESS="ftp://h.org"))
    check(r.code == USAGE and "$FW_SERVER_ADDRESS" in r.err and 'use "https://h.org"' in r.err, r)


@test
def setup_token_for_another_server_says_how_to_make_it_the_default(home):
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX}\nexit\n")
    check(r.code == OK and f"export FW_SERVER_ADDRESS={url()}" in r.out, r)
    r = fwauth(home, "setup-token", stdin=f"{HEX}\nexit\n", env=home.env(FW_SERVER_ADDRESS=url()))
    check(r.code == OK and "export FW_SERVER_ADDRESS" not in r.out, r)


@test
def server_addresses_as_typed(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "--server", url() + "/", "get", "/info/api/v2/datastacks")
    check(r.code == OK and "minnie65_public" in r.out, f"a trailing slash is dropped\n{r}")
    r = fwauth(home, "--server", "global.daf-apis.com/", "status", "--offline")
    check("server:       https://global.daf-apis.com (from --server)" in r.out, r)
    for bad, fix in (("ftp://h.org", "https://h.org"), ("https://h.org/?x=1", "https://h.org"), ("http:/h.org", "http://h.org")):
        r = fwauth(home, "--server", bad, "status", "--offline")
        check(r.code == USAGE and f'use "{fix}"' in r.err, f"{bad}: {r}")


@test
def setup_token_offline_accepts_the_devservers_tokens(home):
    r = fwauth(home, "setup-token", url(), stdin=f"{SEED}\nexit\n", allowed=[])
    check(r.code == OK and "does not look like the global server's tokens" in r.out, r)
    check(home.read("cave-secret.json") == f'{{"token": "{SEED}"}}', home.files())
    # In a terminal the warning asks first; "n" asks for another token.
    home2 = Home()
    try:
        p = Pty(home2, "setup-token", url())
        try:
            p.expect(PROMPT)
            p.send(EXPIRING + "\n")
            p.expect(r"Check it with the server anyway\? \[Y/n\]: ")
            p.send("n\n")
            p.expect(PROMPT)
            p.send(SEED + "\n")
            p.expect(r"Check it with the server anyway\? \[Y/n\]: ")
            p.send("\n")
            p.expect(QUESTION)
            p.send("exit\n")
            check(p.finish() == OK, p.text())
        finally:
            p.close()
        check(home2.read("cave-secret.json") == f'{{"token": "{SEED}"}}', home2.files())
    finally:
        home2.cleanup()


@test
def setup_token_keeps_the_case_of_the_token(home):
    # A token is saved as pasted: the server's answer decides, not a rule here.
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX.upper()}\n")
    check(r.code == NO_TOKEN and "Token did not work" in r.out and home.files() == [], r)
    check(HEX not in r.out + r.err and HEX.upper() not in r.out + r.err, r)


@test
def failures_speak_fwauth_and_keep_the_server(home):
    r = fwauth(home, "setup-token", url(), stdin="")
    check(r.code == NO_TOKEN and f"fwauth --server {url()} setup-token" in r.err, r)
    home.write("chunkedgraph-secret.json", json.dumps({"token": WRONG}))
    r = fwauth(home, "--server", url(), "whoami")
    check(r.code == REJECTED and "invalid or expired" in r.err, r)
    check(f"fwauth --server {url()} setup-token" in r.err, r)
    for lib in ("fw_auth_save_token", "Auth::save_token", "SaveToken", "get_new_token"):
        check(lib not in r.err, f"{lib} in\n{r}")
    r = fwauth(home, "setup-token", url(), stdin=f"{WRONG}\n")
    check(re.search(r"Token did not work for login on \S+: .*\(\S+, HTTP 401\)\. Please check the token", r.out), r)
    check("fw_auth_save_token" not in r.out + r.err, r)


@test
def status_says_when_the_secrets_directory_does_not_exist(home):
    r = fwauth(home, "status", "--offline")
    check("layout:       framework (the default; the secrets directory does not exist yet)" in r.out, r)
    home.write("cave-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "status", "--offline")
    check("cave (chosen: the secrets directory holds cave-secret.json and no chunkedgraph-secret.json)" in r.out, r)


# ------------------------------------------------------------------ the first hour, round two (issue 22)


@test
def an_https_address_for_a_plain_http_server_names_the_http_one(home):
    plain = netloc(url())  # 127.0.0.1:PORT without a scheme is https
    r = fwauth(home, "setup-token", plain, stdin=f"{HEX}\nexit\n")
    check(r.code == NETWORK and "the server answered in plain http, not https" in r.err, r)
    check(f"fwauth: fix: use http://{plain}: --server http://{plain}, or export FW_SERVER_ADDRESS=http://{plain}" in r.err, r)
    check("InvalidContentType" in r.err and "Visit" not in r.out and home.files() == [], f"stopped before asking\n{r}")
    check("setup-token (guided)" not in r.err, f"no setup hint for an address problem\n{r}")
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "--server", plain, "whoami")
    check(r.code == NETWORK and f"fix: use http://{plain}:" in r.err, r)
    # A mistyped scheme keeps the user's scheme.
    r = fwauth(home, "--server", f"http:/{plain}", "status", "--offline")
    check(r.code == USAGE and f'use "http://{plain}"' in r.err and f"fix: use http://{plain}:" in r.err, r)
    r = fwauth(home, "--server", f"http://{plain}", "whoami")
    check(r.code == OK and "Ada Lovelace" in r.out, r)


class RecordingProxy:
    """A proxy on 127.0.0.1 that records what each connection sends first,
    then closes it: where a request would have gone, without going there."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(10)
                data = b""
                while b"\r\n\r\n" not in data:
                    try:
                        chunk = conn.recv(4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    data += chunk
                self.received.append(data)

    def close(self):
        self.sock.close()


@test
def setup_token_without_a_server_stops_before_asking_and_names_the_way(home):
    proxy = RecordingProxy()
    try:
        env = home.env(HTTPS_PROXY=proxy.url, https_proxy=None, NO_PROXY="", no_proxy="")
        r = fwauth(home, "setup-token", stdin=f"{HEX}\nexit\n", env=env)
    finally:
        proxy.close()
    check(r.code == NETWORK and "Visit" not in r.out and home.files() == [], r)
    check("fwauth: fix: name the server: --server URL, or export FW_SERVER_ADDRESS=URL" in r.err, r)
    check(proxy.received and all(b.startswith(b"CONNECT global.daf-apis.com:443 ") for b in proxy.received), proxy.received)
    check(not any(HEX.encode() in b for b in proxy.received), "no token went anywhere")


@test
def a_variable_that_overrides_the_saved_token_is_named_with_its_unset(home):
    env = home.env(FW_AUTH_TOKEN=WRONG)
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX}\nexit\n", env=env)
    check(r.code == FAILURE and "Setup complete!" not in r.out, r)
    check("Note: $FW_AUTH_TOKEN is set: it wins over the token saved here until you run `unset FW_AUTH_TOKEN`." in r.out, r)
    check("The token is saved, but $FW_AUTH_TOKEN is set and wins over it" in r.out, r)
    check("fwauth: fix: $FW_AUTH_TOKEN is set and wins over every saved token; run `unset FW_AUTH_TOKEN`" in r.err, r)
    check(json.loads(home.read("cave-secret.json")) == {"token": HEX}, home.files())
    # whoami and status do not send the user back to setup-token.
    r = fwauth(home, "--server", url(), "whoami", env=env)
    check(r.code == REJECTED and "run `unset FW_AUTH_TOKEN`" in r.err and "setup-token" not in r.err, r)
    r = fwauth(home, "--server", url(), "status", env=env)
    check(r.code == REJECTED and "run `unset FW_AUTH_TOKEN`" in r.err and "setup-token" not in r.err, r)
    check("  fix: if the file's token is the right one: unset FW_AUTH_TOKEN\n" in r.out, r)
    r = fwauth(home, "--server", url(), "get", "/info/api/v2/datastacks", env=env)
    check(r.code == REJECTED and "run `unset FW_AUTH_TOKEN`" in r.err, r)
    # Every variable that wins is named (the token source tells which).
    wrong_file = os.path.join(home.dir, "wrong-token")
    with open(wrong_file, "w") as f:
        f.write(WRONG + "\n")
    for var, value in (("CAVE_TOKEN", WRONG), ("FW_AUTH_TOKEN_FILE", wrong_file), ("CAVE_TOKEN_FILE", wrong_file)):
        r = fwauth(home, "--server", url(), "whoami", env=home.env(**{var: value}))
        check(r.code == REJECTED and f"run `unset {var}`" in r.err, f"{var}: {r}")
    # Once it is unset, the saved token is used.
    r = fwauth(home, "--server", url(), "whoami")
    check(r.code == OK and "Ada Lovelace" in r.out, r)
    # The same token in the variable and the file: nothing to unset.
    r = fwauth(home, "setup-token", url(), stdin=f"{HEX}\nexit\n", env=home.env(FW_AUTH_TOKEN=HEX))
    check(r.code == OK and "Setup complete!" in r.out, r)


@test
def typos_name_the_nearest_command(home):
    for typed, meant in ((["stauts"], "fwauth status"), (["help", "stauts"], "fwauth help status"), (["whomai"], "fwauth whoami"),
                         (["logni"], "fwauth login"), (["help", "logni"], "fwauth help login")):
        r = fwauth(home, *typed)
        check(r.code == USAGE and r.out == "" and f"did you mean `{meant}`?" in r.err, f"{typed}: {r}")
        check(typed[-1] not in r.err, f"{typed}: the word typed is not repeated\n{r}")
    # A word close to no command: the whole list, every command in it.
    r = fwauth(home, HEX)
    check(r.code == USAGE and "did you mean" not in r.err, r)
    check(f"the commands are {', '.join(COMMANDS)} (see fwauth --help)" in r.err, r)


@test
def a_bare_token_in_a_secret_file_is_called_that(home):
    home.write("chunkedgraph-secret.json", SEED + "\n")
    r = fwauth(home, "--server", url(), "whoami")
    check(r.code == FILES and "it holds a bare token, without the JSON object around it" in r.err, r)
    check(FORM in r.err and "expected" not in r.err, r)


@test
def status_and_setup_tell_caveclient_users_about_the_cave_layout(home):
    home.write("chunkedgraph-secret.json", json.dumps({"token": SEED}))
    r = fwauth(home, "--server", url(), "status", "--offline")
    check(r.code == OK and "caveclient:   caveclient reads cave-secret.json and warns that chunkedgraph-secret.json is deprecated" in r.out, r)
    check("export FW_SECRETS_LAYOUT=cave" in r.out, r)
    r = fwauth(home, "--server", url(), "status", "--offline", env=home.env(FW_SECRETS_LAYOUT="framework"))
    check(r.code == OK and "caveclient:" not in r.out, f"a chosen layout is the user's choice\n{r}")
    # setup-token ends with the file each Python tool reads.
    home2 = Home()
    try:
        r = fwauth(home2, "setup-token", url(), stdin=f"{HEX}\nexit\n")
        check(r.code == OK and "Setup complete!" in r.out, r)
        caveclient = re.search(r"^    caveclient +(\S+), ", r.out, re.M)
        check(caveclient and caveclient.group(1) == home2.path(f"{netloc(url())}-cave-secret.json"), r)
        for tool in ("cloud-volume", "cloud-files"):
            check(re.search(rf"^    {tool} +\S+, .*\(the same token\)$", r.out, re.M), f"{tool}\n{r}")
    finally:
        home2.cleanup()


# ------------------------------------------------------------------ main


def run_all(tests, only):
    """Runs each test (those whose name holds `only`, when given) in a home of
    its own, prints a line for each and `N passed, M failed` last; the exit
    status: 1 when any failed, else 0. login_tests.py runs its tests here too."""
    passed = failed = 0
    for t in tests:
        if only and only not in t.__name__:
            continue
        home = Home()
        start = time.time()
        try:
            t(home)
            passed += 1
            print(f"ok   {t.__name__} ({time.time() - start:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print(f"FAIL {t.__name__}")
            detail = str(e) if isinstance(e, Failed) else traceback.format_exc()
            print("     " + detail.replace("\n", "\n     "))
        finally:
            home.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    global ARGS, SERVER
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fwauth", default=os.path.join(root, "target", "release", "fwauth"))
    ap.add_argument("--devserver", default=os.path.join(root, "target", "release", "fw-devserver"))
    ap.add_argument("--fixture", default=os.path.join(root, "devserver", "fixtures", "default.json"))
    ap.add_argument("--root", default=root)
    ap.add_argument("-k", dest="only", help="run the tests whose name contains this")
    ARGS = ap.parse_args()
    ARGS.fwauth = os.path.abspath(ARGS.fwauth)
    for name in ("fwauth", "devserver"):
        if not os.access(getattr(ARGS, name), os.X_OK):
            print(f"error: {getattr(ARGS, name)} is not an executable (cargo build --release --workspace)")
            print("0 passed, 1 failed")
            return 1
    tmp = tempfile.mkdtemp(prefix="fwauth-tests-")
    SERVER = start_server(tmp)
    try:
        return run_all(TESTS, ARGS.only)
    finally:
        SERVER["proc"].kill()
        SERVER["proc"].wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
