"""Client: a datastack's client, which puts the token on every request."""

import ctypes
import json
from contextlib import ExitStack

from ._native import Handle, borrowed_bytes, c_str, call, lib, string_out, take_string
from .auth import Auth
from .options import pointer_of
from .per_request import RequestOptions
from .stream import Stream


class Response:
    """An answer, copied out of fw_response (which is freed at once).

    status (int), body (bytes), headers (list of (name, value), names in
    lower case, in the order the library gives them: a name received more
    than once has one entry per value, its later ones after its first).
    """

    __slots__ = ("status", "body", "headers", "_joined")

    def __init__(self, status, body, headers, joined=None):
        self.status = status
        self.body = body
        self.headers = headers
        self._joined = joined or {}

    def header_values(self, name):
        """Every value of header `name` (case-insensitive), in order; [] when absent."""
        name = name.lower()
        return [v for n, v in self.headers if n == name]

    def header(self, name):
        """The value of header `name` (case-insensitive), or None; the values
        of a header received more than once joined with ", " (RFC 9110), as
        fw_response_header gives them."""
        return self._joined.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<fwclient.Response {self.status}, {len(self.body)} bytes>"


def _body_bytes(body):
    """A request body (bytes-like or None) as bytes."""
    if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    return bytes(body) if body is not None else b""


def _copy_response(r):
    status = lib.fw_response_status(r)
    body = borrowed_bytes("fw_response_body", r)
    headers = []
    for i in range(lib.fw_response_header_count(r)):
        name, value = ctypes.c_void_p(), ctypes.c_void_p()
        try:
            call("fw_response_header_at", r, i, ctypes.byref(name), ctypes.byref(value))
        finally:
            name_str, value_bytes = take_string(name), take_string(value, decode=False)
        headers.append((name_str, value_bytes.decode("latin-1")))
    joined = {}
    for name in dict.fromkeys(n for n, _ in headers):
        out = ctypes.c_void_p()
        try:
            call("fw_response_header", r, name.encode("latin-1"), ctypes.byref(out))
        finally:
            value = take_string(out, decode=False)
        joined[name] = value.decode("latin-1")
    return Response(status, body, headers, joined)


class Client(Handle):
    """fw_client for one datastack (caveclient's FrameworkClient).

    Client(datastack, options=None) finds its token as Auth(options) does;
    Client(datastack, options, auth=an_auth) shares `an_auth` instead: a
    token set or saved through it later is the one this client sends (the
    server address is the auth's; options give the HTTP settings). No
    network I/O; the first call that needs the datastack's info fetches
    it. Safe to share between threads.
    """

    free_name = "fw_client_free"

    def __init__(self, datastack, options=None, *, auth=None, _ptr=None):
        if _ptr is not None:  # a view (with_options)
            super().__init__(_ptr)
            self._auth = None
            return
        out = ctypes.c_void_p()
        with ExitStack() as use:
            if auth is None:
                call("fw_client_new", c_str(datastack, "datastack"), pointer_of(options, use),
                     ctypes.byref(out))
            else:
                if not isinstance(auth, Auth):
                    raise TypeError(f"auth must be an Auth, not {type(auth).__name__}")
                # The client takes its own reference: `auth` may be closed later.
                call("fw_client_new_with_auth", c_str(datastack, "datastack"),
                     pointer_of(options, use), use.enter_context(auth._use()),
                     ctypes.byref(out))
        super().__init__(out.value)
        self._auth = None

    @property
    def auth(self):
        """The client's Auth; its token is the one the client sends."""
        if self._auth is None or self._auth.closed:
            out = ctypes.c_void_p()
            with self._use() as c:
                call("fw_client_auth", c, ctypes.byref(out))
            self._auth = Auth(_ptr=out.value)
        return self._auth

    def _string(self, name, *args):
        with self._use() as c:
            return string_out(name, c, *args)

    def _json(self, name, *args):
        return json.loads(self._string(name, *args))

    @property
    def server_address(self):
        """The global server address."""
        return self._string("fw_client_server_address")

    @property
    def local_server(self):
        """The datastack's local server (fetches the datastack's info once)."""
        return self._string("fw_client_local_server")

    def datastack_info(self):
        """The datastack's info (a dict), fetched once and cached."""
        return self._json("fw_client_datastack_info")

    def datastacks(self):
        """The names of the datastacks the user may see."""
        return self._json("fw_client_datastacks")

    def whoami(self):
        """The user's profile (a dict)."""
        return self._json("fw_client_whoami")

    def get_tokens(self):
        """The user's API keys (a list of dicts)."""
        return self._json("fw_client_get_tokens")

    def create_token(self, description=None):
        """Creates a new API key and returns it (not saved; see Auth.save_token)."""
        return self._string("fw_client_create_token", c_str(description, "description"))

    def token_ttl(self, token):
        """Seconds `token` stays valid; -1 when it never expires."""
        seconds = ctypes.c_int64()
        with self._use() as c:
            call("fw_client_token_ttl", c, c_str(token, "token"), ctypes.byref(seconds))
        return seconds.value

    def get_user_information(self, ids):
        """Profiles of the users `ids` (admins only, on current servers)."""
        ids = list(ids)
        array = (ctypes.c_uint64 * len(ids))(*ids)
        return self._json("fw_client_get_user_information", array, len(ids))

    def get_group_users(self, group_id):
        """Members of group `group_id`."""
        return self._json("fw_client_get_group_users", group_id)

    def get(self, url):
        """GET `url` with the token (when its origin is trusted); a Response.

        Any answer other than 2xx raises the FwError of its kind.
        """
        out = ctypes.c_void_p()
        with self._use() as c:
            call("fw_client_get", c, c_str(url, "url"), ctypes.byref(out))
        try:
            return _copy_response(out.value)
        finally:
            lib.fw_response_free(out.value)

    def request(self, method, url, body=None, content_type=None):
        """A request with any method and an optional body (bytes); a Response."""
        body = _body_bytes(body)
        out = ctypes.c_void_p()
        with self._use() as c:
            call("fw_client_request", c, c_str(method, "method"), c_str(url, "url"),
                 body or None, len(body), c_str(content_type, "content_type"),
                 ctypes.byref(out))
        try:
            return _copy_response(out.value)
        finally:
            lib.fw_response_free(out.value)

    def open(self, method, url, body=None, content_type=None):
        """Sends a request as request() does and returns its 2xx answer as a
        Stream (a binary file-like object) once the headers are in, the body
        left to read. Use it in a `with` block: closing it early closes the
        connection."""
        body = _body_bytes(body)
        out = ctypes.c_void_p()
        with self._use() as c:
            call("fw_client_open", c, c_str(method, "method"), c_str(url, "url"),
                 body or None, len(body), c_str(content_type, "content_type"),
                 ctypes.byref(out))
        try:
            return Stream(out.value)
        except BaseException:
            lib.fw_stream_free(out.value)
            raise

    def with_options(self, request_options):
        """A view of this client (the same auth, connections, trusted
        origins and datastack info) whose every call, open() included, has
        `request_options`' timeout and Cancel; they are copied now. Cheap:
        made for one call or a few. Close it (or use `with`) when done."""
        if not isinstance(request_options, RequestOptions):
            raise TypeError(
                f"request_options must be a RequestOptions, not {type(request_options).__name__}"
            )
        out = ctypes.c_void_p()
        with self._use() as c, request_options._use() as ro:
            call("fw_client_with_request_options", c, ro, ctypes.byref(out))
        return Client(None, _ptr=out.value)

    def __repr__(self):
        state = "closed" if self.closed else "open"
        return f"<fwclient.Client ({state})>"
