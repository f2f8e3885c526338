#!/usr/bin/env python3
"""A scripted browser for the browser-login tests: `browser.py URL` (so it
can be $BROWSER) follows the redirects from URL as a browser does (cookies
kept, 302 after a POST becomes a GET), submits the forms of the login's
detours (a new account's user name, the terms of service), and ends on the
program's loopback page. Exit status 0 when that page says "Logged in".

Environment (all optional):
  FW_TEST_BROWSER_LOG       append every address visited, one a line (the
                            tests read the login token from it: fake tokens)
  FW_TEST_BROWSER_USERNAME  the user name to choose (default "scripted")
  FW_TEST_BROWSER_STOP      "loopback": do not visit the loopback address,
                            print it instead (a browser on another machine:
                            the user copies it from the address bar)
  FW_TEST_BROWSER_NEVER     "1": visit nothing (a browser that never comes back)

Never prints a page body (the login pages may hold a token).
"""

import html.parser
import http.cookiejar
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Stop(Exception):
    def __init__(self, url):
        self.url = url


def log(url):
    path = os.environ.get("FW_TEST_BROWSER_LOG")
    if path:
        with open(path, "a") as f:
            f.write(url + "\n")


def listener_of(url):
    """The program's loopback address: the `redirect` of the login URL."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return query.get("redirect", [""])[0]


LISTENER = listener_of(sys.argv[1]) if len(sys.argv) > 1 else ""


def is_loopback_target(url):
    stop = os.environ.get("FW_TEST_BROWSER_STOP") == "loopback"
    return stop and LISTENER != "" and url.startswith(LISTENER)


class Redirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        log(newurl)
        if is_loopback_target(newurl):
            raise Stop(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Forms(html.parser.HTMLParser):
    """The first form of a page: its method, action and named inputs."""

    def __init__(self):
        super().__init__()
        self.form = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.form is None:
            self.form = (a.get("method", "get").lower(), a.get("action") or "")
        elif tag == "input" and self.form is not None and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def main():
    if os.environ.get("FW_TEST_BROWSER_NEVER") == "1":
        return 0
    url = sys.argv[1]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Redirects())
    data = None
    for _ in range(10):
        log(url)
        req = urllib.request.Request(url, data=data)
        try:
            with opener.open(req, timeout=30) as r:
                final, status, body = r.geturl(), r.status, r.read().decode(errors="replace")
        except Stop as s:
            print(s.url)
            return 0
        except urllib.error.HTTPError as e:
            final, status, body = e.geturl(), e.code, e.read().decode(errors="replace")
        if "<h1>Logged in</h1>" in body:
            return 0
        forms = Forms()
        forms.feed(body)
        if status != 200 or forms.form is None:
            title = body.split("<title>", 1)[-1].split("</title>", 1)[0] if "<title>" in body else ""
            print(f"browser.py: stopped at HTTP {status} ({title[:80]})", file=sys.stderr)
            return 1
        method, action = forms.form
        fields = forms.fields
        if "customName" in fields:
            fields["customName"] = os.environ.get("FW_TEST_BROWSER_USERNAME", "scripted")
        url = urllib.parse.urljoin(final, action)
        data = urllib.parse.urlencode(fields).encode() if method == "post" else None
    print("browser.py: too many pages", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
