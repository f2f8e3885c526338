"""Auth: the token, where it comes from, and how to save a new one."""

import ctypes
import json
import os
from collections import namedtuple
from contextlib import ExitStack

from ._constants import Layout, SaveFlags, Source
from ._native import Handle, c_path, c_str, call, string_out, take_string
from .options import pointer_of

TokenSource = namedtuple("TokenSource", "kind path key")
TokenSource.__doc__ = """Where the token came from: kind (Source); path, the
file read, for Source.FILE, Source.ENV_TOKEN_FILE and
Source.ENV_CAVE_TOKEN_FILE; key for Source.FILE (else None)."""


class Auth(Handle):
    """fw_auth: finds, holds and saves the token (caveclient's AuthClient).

    The token is found as the Python clients find it, first found wins:
    explicit token > $FW_AUTH_TOKEN > $CAVE_TOKEN > $FW_AUTH_TOKEN_FILE >
    $CAVE_TOKEN_FILE > token file > the layout's files > the other layout's
    default file. Files only: no network I/O, no directory created.

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

    def reload(self):
        """Re-reads the token file when the token came from a file that
        changed since it was read (a token rotated by another process);
        an explicit or environment token is never reloaded. Requests do
        this themselves when a token from a file is refused as invalid."""
        with self._use() as a:
            call("fw_auth_reload", a)

    def diagnose(self):
        """Every place a token can come from, what each holds (masked:
        never a token), which one wins and what disagrees, as a dict (the
        report of `fwauth status --json`). Reads the environment and the
        files now; no network."""
        with self._use() as a:
            return json.loads(string_out("fw_auth_diagnose", a))

    def new_token_instructions(self):
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
