"""Options: how an Auth or a Client finds its token and reaches its server."""

import ctypes

from ._native import Handle, c_path, c_str, call


class Options(Handle):
    """fw_options, set from keyword arguments; each one maps to one setter.

    token, token_file, token_key, server_address, secrets_dir,
    layout (a Layout), timeout_ms ((connect, total)), max_retries,
    max_body_bytes, ca_file, trusted_origins (list), allow_insecure_http.
    Unset values keep the library's defaults (the Python clients').
    Options are copied by the Auth or Client made from them, and may be
    closed or reused afterwards; they are not for sharing between threads.
    """

    free_name = "fw_options_free"

    def __init__(self, *, token=None, token_file=None, token_key=None, server_address=None,
                 secrets_dir=None, layout=None, timeout_ms=None, max_retries=None,
                 max_body_bytes=None, ca_file=None, trusted_origins=(),
                 allow_insecure_http=None):
        out = ctypes.c_void_p()
        call("fw_options_new", ctypes.byref(out))
        super().__init__(out.value)
        try:
            self._set(token, token_file, token_key, server_address, secrets_dir, layout,
                      timeout_ms, max_retries, max_body_bytes, ca_file, trusted_origins,
                      allow_insecure_http)
        except BaseException:
            self.close()
            raise

    def _set(self, token, token_file, token_key, server_address, secrets_dir, layout,
             timeout_ms, max_retries, max_body_bytes, ca_file, trusted_origins,
             allow_insecure_http):
        with self._use() as o:
            strings = [
                ("fw_options_set_token", c_str(token, "token")),
                ("fw_options_set_token_file", c_path(token_file, "token_file")),
                ("fw_options_set_token_key", c_str(token_key, "token_key")),
                ("fw_options_set_server_address", c_str(server_address, "server_address")),
                ("fw_options_set_secrets_dir", c_path(secrets_dir, "secrets_dir")),
                ("fw_options_set_ca_file", c_path(ca_file, "ca_file")),
            ]
            for setter, value in strings:
                if value is not None:
                    call(setter, o, value)
            if layout is not None:
                call("fw_options_set_layout", o, int(layout))
            if timeout_ms is not None:
                connect_ms, total_ms = timeout_ms
                call("fw_options_set_timeout_ms", o, connect_ms, total_ms)
            if max_retries is not None:
                call("fw_options_set_max_retries", o, max_retries)
            if max_body_bytes is not None:
                call("fw_options_set_max_body_bytes", o, max_body_bytes)
            for origin in trusted_origins:
                call("fw_options_add_trusted_origin", o, c_str(origin, "trusted origin"))
            if allow_insecure_http is not None:
                call("fw_options_set_allow_insecure_http", o, bool(allow_insecure_http))


def pointer_of(options, use):
    """The fw_options pointer of `options` (None: the defaults) under `use`."""
    if options is None:
        return None
    if not isinstance(options, Options):
        raise TypeError(f"options must be an Options, not {type(options).__name__}")
    return use.enter_context(options._use())
