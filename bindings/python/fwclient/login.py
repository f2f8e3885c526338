"""Login: the browser login of libfwclient (fw_login), for programs with a
user interface. The library opens no browser: show or open `login.url`,
then `login.wait()` returns once the browser came back and the new key is
minted, checked and saved through the auth (which uses it from then on),
the login token revoked.
"""

import ctypes
import os
import threading
from collections import namedtuple
from contextlib import ExitStack

from ._constants import Source
from ._native import Handle, c_str, call, lib, take_string
from .auth import Auth
from .options import pointer_of

LoginResult = namedtuple("LoginResult", "source saved_path user")
LoginResult.__doc__ = """A finished login: where the auth's token comes from
now (Source.FILE: the auth uses the key; a later Auth still finds
$FW_AUTH_TOKEN first when it is set), the file the
key was saved in, and who is logged in ("Name <e-mail>"). Never the key."""

DEFAULT_WAIT = 300.0  # seconds, as `fwauth login`


class Login(Handle):
    """fw_login: a listener on 127.0.0.1 under a path no other program can
    guess, and the page to open (`url`). One wait() at a time; `url` and
    cancel() from any thread.

    auth: the Auth the key is saved through. description: the new key's
    (default "fwclient on <host>"). authorize_url: the login page (default
    the server's; e.g. the realm of a 401's WWW-Authenticate). options: an
    Options whose HTTP settings the login's requests use.
    """

    free_name = "fw_login_free"

    def __init__(self, auth, description=None, authorize_url=None, options=None):
        if not isinstance(auth, Auth):
            raise TypeError(f"auth must be an Auth, not {type(auth).__name__}")
        out = ctypes.c_void_p()
        with ExitStack() as use:
            a = use.enter_context(auth._use())
            call(
                "fw_login_start",
                a,
                pointer_of(options, use),
                c_str(description, "description"),
                c_str(authorize_url, "authorize_url"),
                ctypes.byref(out),
            )
        super().__init__(out.value)
        self.url = lib.fw_login_url(out.value).decode("utf-8")
        self._cancel_lock = threading.Lock()
        self._cancel = None

    def wait(self, timeout=DEFAULT_WAIT):
        """Waits up to `timeout` seconds for the browser; returns a
        LoginResult. Raises FwTimeoutError when it does not come back (the
        way out: save a token by hand, `fwauth setup-token`), CanceledError
        after cancel(), or the error of minting, checking or saving."""
        ms = max(1, min(int(timeout * 1000), 0xFFFFFFFF))
        cancel = ctypes.c_void_p()
        call("fw_cancel_new", ctypes.byref(cancel))
        with self._cancel_lock:
            self._cancel = cancel.value
        source = ctypes.c_uint32()
        path, user = ctypes.c_void_p(), ctypes.c_void_p()
        try:
            with self._use() as p:
                call("fw_login_wait", p, ms, cancel.value, ctypes.byref(source),
                     ctypes.byref(path), ctypes.byref(user))
            saved = take_string(path, decode=False)
            return LoginResult(Source(source.value), os.fsdecode(saved), take_string(user))
        finally:
            take_string(path)
            take_string(user)
            with self._cancel_lock:
                self._cancel = None
                lib.fw_cancel_free(cancel.value)

    def cancel(self):
        """Ends a wait() in progress (from another thread) with CanceledError."""
        with self._cancel_lock:
            if self._cancel is not None:
                call("fw_cancel_trigger", self._cancel)
