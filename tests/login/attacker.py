#!/usr/bin/env python3
"""A browser that plays the local attacker first: `attacker.py URL` (as
$BROWSER) reads the loopback address from URL's `redirect`, hands the
program's listener tokens of its own (a forged one, and another user's real
one) at wrong paths, by POST, and both at the right path; holds a
connection open without sending anything; then lets the real login go on
(browser.py). Every answer is appended to $FW_TEST_ATTACK_LOG as
"STATUS what" lines, for the tests to check (404 for a wrong path or
method, 400 "refused" for a token at the right path that is not a login token).
"""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

FORGED = "forged_attacker_token_0001"
OTHER_USER = "admin_fake_token_456"  # a real token of fw-devserver's Grace


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def status_of(method, url):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    opener = urllib.request.build_opener(NoRedirects())
    try:
        with opener.open(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    url = sys.argv[1]
    redirect = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["redirect"][0]
    parts = urllib.parse.urlsplit(redirect)
    base, path = f"{parts.scheme}://{parts.netloc}", parts.path
    wrong = path[:-1] + ("0" if path[-1] != "0" else "1")
    attempts = [
        ("GET", f"{base}/?middle_auth_token={OTHER_USER}", "root, another user's token"),
        ("GET", f"{base}/callback?middle_auth_token={FORGED}", "a guessed path"),
        ("GET", f"{base}{wrong}?middle_auth_token={OTHER_USER}", "the path with one character changed"),
        ("GET", f"{base}{path}/x?middle_auth_token={FORGED}", "below the path"),
        ("GET", f"{base}{path.upper()}?middle_auth_token={FORGED}", "the path in upper case"),
        ("POST", f"{base}{path}?middle_auth_token={OTHER_USER}", "POST to the path"),
        ("GET", f"{base}{path}?middle_auth_token={OTHER_USER}", "the path, another user's API key"),
        ("GET", f"{base}{path}?middle_auth_token={FORGED}&token={FORGED}", "the path, a forged token"),
    ]
    idle = socket.create_connection((parts.hostname, parts.port))  # sends nothing
    with open(os.environ["FW_TEST_ATTACK_LOG"], "a") as out:
        for method, target, what in attempts:
            out.write(f"{status_of(method, target)} {what}\n")
    here = os.path.dirname(os.path.abspath(__file__))
    code = subprocess.call([sys.executable, os.path.join(here, "browser.py"), url])
    idle.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
