"""Options: how an Auth or a Client finds its token and reaches its server."""

import ctypes

from ._native import Handle, c_path, c_str, call


# keyword: (setter, value -> the setter's arguments after the handle)
_SETTERS = {
    "token": ("fw_options_set_token", lambda v, n: (c_str(v, n),)),
    "token_file": ("fw_options_set_token_file", lambda v, n: (c_path(v, n),)),
    "token_key": ("fw_options_set_token_key", lambda v, n: (c_str(v, n),)),
    "server_address": ("fw_options_set_server_address", lambda v, n: (c_str(v, n),)),
    "secrets_dir": ("fw_options_set_secrets_dir", lambda v, n: (c_path(v, n),)),
    "layout": ("fw_options_set_layout", lambda v, n: (int(v),)),
    "timeout_ms": ("fw_options_set_timeout_ms", lambda v, n: tuple(v)),
    "max_retries": ("fw_options_set_max_retries", lambda v, n: (v,)),
    "retry_base_delay_ms": ("fw_options_set_retry_base_delay_ms", lambda v, n: (v,)),
    "max_body_bytes": ("fw_options_set_max_body_bytes", lambda v, n: (v,)),
    "ca_file": ("fw_options_set_ca_file", lambda v, n: (c_path(v, n),)),
    "allow_insecure_http": ("fw_options_set_allow_insecure_http", lambda v, n: (bool(v),)),
    "proxy": ("fw_options_set_proxy", lambda v, n: (c_str(v, n),)),
}


class Options(Handle):
    """fw_options, set from keyword arguments; each one maps to one setter.

    token, token_file, token_key, server_address, secrets_dir (default
    $FW_SECRETS_DIR, else $CLOUD_VOLUME_DIR/secrets, else
    ~/.cloudvolume/secrets; paths as str, bytes or os.PathLike, which must
    be UTF-8 as every string the library takes),
    layout (a Layout), timeout_ms ((connect, total); 0 for either: its
    default), max_retries, retry_base_delay_ms (0: the default),
    max_body_bytes, ca_file, trusted_origins (list), allow_insecure_http,
    proxy (an "http://" or "https://" proxy URL for every request, or
    "none" for no proxy at all; unset, the environment's HTTPS_PROXY etc.).
    Unset values keep the library's defaults (the Python clients').
    Options are copied by the Auth or Client made from them, and may be
    closed or reused afterwards; they are not for sharing between threads.
    """

    free_name = "fw_options_free"

    def __init__(self, *, token=None, token_file=None, token_key=None, server_address=None,
                 secrets_dir=None, layout=None, timeout_ms=None, max_retries=None,
                 retry_base_delay_ms=None, max_body_bytes=None, ca_file=None, trusted_origins=(),
                 allow_insecure_http=None, proxy=None):
        out = ctypes.c_void_p()
        call("fw_options_new", ctypes.byref(out))
        super().__init__(out.value)
        try:
            self._apply_settings(locals())
        except BaseException:
            self.close()
            raise

    def _apply_settings(self, s):
        with self._use() as o:
            for name, (setter, convert) in _SETTERS.items():
                if s[name] is not None:
                    call(setter, o, *convert(s[name], name))
            for origin in s["trusted_origins"]:
                call("fw_options_add_trusted_origin", o, c_str(origin, "trusted origin"))


def pointer_of(options, use):
    """The fw_options pointer of `options` (None: the defaults) under `use`."""
    if options is None:
        return None
    if not isinstance(options, Options):
        raise TypeError(f"options must be an Options, not {type(options).__name__}")
    return use.enter_context(options._use())
