"""Auth: the token, where it comes from, and how to save a new one."""

import ctypes
import os
from collections import namedtuple
from contextlib import ExitStack

from ._constants import Layout, SaveFlags, Source
from ._native import Handle, c_path, c_str, call, string_out, take_string
from .options import pointer_of

TokenSource = namedtuple("TokenSource", "kind path key")
TokenSource.__doc__ = """Where the token came from: kind (Source), the file
and the key when kind is Source.FILE (else None)."""


class Auth(Handle):
    """fw_auth: finds, holds and saves the token (caveclient's AuthClient).

    Safe to share between threads. Auth(options) makes a stand-alone one;
    Client.auth gives the one a client uses (sharing its token).
    """

    free_name = "fw_auth_free"

    def __init__(self, options=None, *, _ptr=None):
        if _ptr is None:
            out = ctypes.c_void_p()
            with ExitStack() as use:
                call("fw_auth_new", pointer_of(options, use), ctypes.byref(out))
            _ptr = out.value
        super().__init__(_ptr)

    @property
    def token(self):
        """The token in use, or None when there is none."""
        with self._use() as a:
            return string_out("fw_auth_token", a)

    @property
    def token_source(self):
        """Where the token came from, as a TokenSource."""
        kind = ctypes.c_uint32()
        path, key = ctypes.c_void_p(), ctypes.c_void_p()
        with self._use() as a:
            try:
                call("fw_auth_token_source", a, ctypes.byref(kind), ctypes.byref(path),
                     ctypes.byref(key))
            finally:
                path_bytes, key_str = take_string(path, decode=False), take_string(key)
        return TokenSource(
            Source(kind.value), None if path_bytes is None else os.fsdecode(path_bytes), key_str
        )

    @property
    def layout(self):
        """The secret-file layout in use (Layout)."""
        layout = ctypes.c_uint32()
        with self._use() as a:
            call("fw_auth_layout", a, ctypes.byref(layout))
        return Layout(layout.value)

    @property
    def token_file(self):
        """The file a save without an explicit file writes to."""
        out = ctypes.c_void_p()
        with self._use() as a:
            try:
                call("fw_auth_token_file", a, ctypes.byref(out))
            finally:
                path = take_string(out, decode=False)
        return os.fsdecode(path)

    def set_token(self, token):
        """Uses `token` from now on, for this session only (no file written)."""
        with self._use() as a:
            call("fw_auth_set_token", a, c_str(token, "token"))

    def save_token(self, token=None, token_key=None, token_file=None, flags=SaveFlags(0)):
        """Saves `token` (None: the one in use) as caveclient's save_token does.

        token_key defaults to "token", token_file to self.token_file; flags
        are SaveFlags. Without SaveFlags.OVERWRITE an existing key raises
        TokenExistsError and nothing is written.
        """
        with self._use() as a:
            call("fw_auth_save_token", a, c_str(token, "token"), c_str(token_key, "token_key"),
                 c_path(token_file, "token_file"), int(flags))

    def get_new_token(self):
        """The steps to get a new token and save it, with the URL (no browser)."""
        with self._use() as a:
            return string_out("fw_auth_new_token_instructions", a)

    @property
    def new_token_url(self):
        """The page that creates a new token (adds a key)."""
        with self._use() as a:
            return string_out("fw_auth_new_token_url", a)

    @property
    def token_page_url(self):
        """The page that lists the user's tokens."""
        with self._use() as a:
            return string_out("fw_auth_token_page_url", a)

    def request_header(self):
        """The Authorization header value ("Bearer <token>"). Holds the token."""
        with self._use() as a:
            return string_out("fw_auth_request_header", a)

    def __repr__(self):
        # Never the token.
        state = "closed" if self.closed else "open"
        return f"<fwclient.Auth ({state})>"
