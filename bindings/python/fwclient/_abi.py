"""The C ABI of libfwclient, declared for ctypes: every function of
include/fwclient.h, its result codes and its constants, in one place.

This is the only module that knows the header. When the header changes,
change the tables below; tests/test_abi.py compares them with the header
(function by function, parameter by parameter, code by code) and fails on
any difference.

Conventions of the ABI this module relies on:
- handles (fw_options, fw_auth, fw_client, fw_error, fw_response) are
  opaque pointers, freed by their fw_*_free function;
- fallible functions return fw_result (FW_OK == 0) and end with ERR, a
  `fw_error **err` slot the caller frees with fw_error_free;
- strings handed out through `char **` are owned by the caller and freed
  with fw_string_free; pointers returned directly are borrowed (the
  bodies come back that way, their length through a `size_t *`);
- (pointer, length) pairs for bytes and id lists.
"""

from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_int,
    c_int64,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)

# The library version this module declares; the loader refuses a library
# whose major.minor differs (0.x minors may change the ABI).
# (tools/check-doc-facts.py checks it against Cargo.toml's version.)
ABI_VERSION = (0, 3)
_SOVERSION = "%d.%d" % ABI_VERSION

# File names the system loader knows the library by, per platform: the
# soname first, the development link last.
LIBRARY_NAMES = {
    "linux": (f"libfwclient.so.{_SOVERSION}", "libfwclient.so"),
    "darwin": (f"libfwclient.{_SOVERSION}.dylib", "libfwclient.dylib"),
    "win32": ("fwclient.dll",),
}

# enum fw_result
RESULTS = {
    "FW_OK": 0,
    "FW_ERR_INVALID_ARGUMENT": 1,
    "FW_ERR_INVALID_TOKEN_FORMAT": 2,
    "FW_ERR_TOKEN_EXISTS": 3,
    "FW_ERR_IO": 4,
    "FW_ERR_SECRET_FILE": 5,
    "FW_ERR_NOT_AUTHENTICATED": 10,
    "FW_ERR_INVALID_TOKEN": 11,
    "FW_ERR_BAD_AUTH_HEADER": 12,
    "FW_ERR_MISSING_TOS": 13,
    "FW_ERR_FORBIDDEN": 14,
    "FW_ERR_HTTP_STATUS": 15,
    "FW_ERR_NETWORK": 20,
    "FW_ERR_TIMEOUT": 21,
    "FW_ERR_TLS": 22,
    "FW_ERR_INSECURE_URL": 23,
    "FW_ERR_INVALID_URL": 24,
    "FW_ERR_BAD_RESPONSE": 25,
    "FW_ERR_UNTRUSTED_ORIGIN": 26,
    "FW_ERR_CANCELED": 27,
    "FW_ERR_PANIC": 99,
}

# Integer constants of the header (token sources, layouts, save flags, remedies).
CONSTANTS = {
    "FW_SOURCE_NONE": 0,
    "FW_SOURCE_EXPLICIT": 1,
    "FW_SOURCE_ENV": 2,
    "FW_SOURCE_FILE": 3,
    "FW_SOURCE_ENV_CAVE_TOKEN": 4,
    "FW_SOURCE_ENV_TOKEN_FILE": 5,
    "FW_SOURCE_ENV_CAVE_TOKEN_FILE": 6,
    "FW_LAYOUT_FRAMEWORK": 0,
    "FW_LAYOUT_CAVE": 1,
    "FW_SAVE_OVERWRITE": 1,
    "FW_SAVE_NO_SWITCH": 2,
    "FW_SAVE_NO_SERVER_FILE": 4,
    "FW_SAVE_NO_LOCAL_SERVER": 8,
    "FW_SAVE_STRICT_READONLY": 16,
    "FW_SAVE_REPLACE_INVALID": 32,
    "FW_REMEDY_NONE": 0,
    "FW_REMEDY_OVERWRITE": 1,
    "FW_REMEDY_REPLACE_INVALID": 2,
    "FW_REMEDY_TRUST_ORIGIN": 3,
    "FW_REMEDY_ALLOW_INSECURE_HTTP": 4,
    "FW_REMEDY_SET_SERVER": 5,
    "FW_REMEDY_USE_ADDRESS": 6,
    "FW_REMEDY_UNSET_VARIABLE": 7,
    "FW_REMEDY_LOG_IN": 8,
    "FW_REMEDY_ACCEPT_TERMS": 9,
    "FW_REMEDY_RUN_COMMAND": 10,
    "FW_REMEDY_CHOOSE_PROXY": 11,
    "FW_REMEDY_SAVE_TOKEN_BY_HAND": 12,
}

RESULT = c_uint32  # fw_result
HANDLE = c_void_p  # fw_options *, fw_auth *, fw_client *, fw_response *, fw_error *, fw_stream *, ...
OUT_HANDLE = POINTER(c_void_p)  # fw_auth **out_auth, ...
STR = c_char_p  # const char * passed in (or returned borrowed)
OUT_STR = POINTER(c_void_p)  # char ** handed out: free with fw_string_free
BYTES = c_void_p  # const uint8_t * returned borrowed from its object
ERR = object()  # marks a trailing `fw_error **err`

# fw_batch_callback: (user_data, index, result, const fw_response *, const fw_error *) -> int
BATCH_CALLBACK = CFUNCTYPE(c_int, c_void_p, c_size_t, c_uint32, c_void_p, c_void_p)


class BatchRequest(Structure):
    """fw_batch_request: one request of fw_client_send_many."""

    _fields_ = [
        ("method", c_char_p),
        ("url", c_char_p),
        ("body", c_char_p),  # const uint8_t *: bytes, NULs and all
        ("body_len", c_size_t),
        ("content_type", c_char_p),
    ]


# name: (return type, parameter types), grouped by object
# (tests/test_abi.py compares each with the header by name).
FUNCTIONS = {
    "fw_auth_new": (RESULT, [HANDLE, OUT_HANDLE, ERR]),
    "fw_auth_token": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_token_source": (RESULT, [HANDLE, POINTER(c_uint32), OUT_STR, OUT_STR, ERR]),
    "fw_auth_layout": (RESULT, [HANDLE, POINTER(c_uint32), ERR]),
    "fw_auth_token_file": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_set_token": (RESULT, [HANDLE, STR, ERR]),
    "fw_auth_save_token": (RESULT, [HANDLE, STR, STR, STR, c_uint32, ERR]),
    "fw_auth_new_token_instructions": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_new_token_url": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_token_page_url": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_request_header": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_reload": (RESULT, [HANDLE, ERR]),
    "fw_auth_diagnose": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_auth_free": (None, [HANDLE]),
    "fw_cancel_new": (RESULT, [OUT_HANDLE, ERR]),
    "fw_cancel_trigger": (RESULT, [HANDLE, ERR]),
    "fw_cancel_free": (None, [HANDLE]),
    "fw_request_options_new": (RESULT, [OUT_HANDLE, ERR]),
    "fw_request_options_set_timeout_ms": (RESULT, [HANDLE, c_uint64, ERR]),
    "fw_request_options_set_cancel": (RESULT, [HANDLE, HANDLE, ERR]),
    "fw_request_options_free": (None, [HANDLE]),
    "fw_client_new": (RESULT, [STR, HANDLE, OUT_HANDLE, ERR]),
    "fw_client_new_with_auth": (RESULT, [STR, HANDLE, HANDLE, OUT_HANDLE, ERR]),
    "fw_client_auth": (RESULT, [HANDLE, OUT_HANDLE, ERR]),
    "fw_client_server_address": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_free": (None, [HANDLE]),
    "fw_client_get": (RESULT, [HANDLE, STR, OUT_HANDLE, ERR]),
    "fw_client_request": (RESULT, [HANDLE, STR, STR, STR, c_size_t, STR, OUT_HANDLE, ERR]),
    "fw_client_get_many": (
        RESULT,
        [HANDLE, POINTER(c_char_p), c_size_t, c_uint32, BATCH_CALLBACK, c_void_p, ERR],
    ),
    "fw_client_send_many": (
        RESULT,
        [HANDLE, POINTER(BatchRequest), c_size_t, c_uint32, BATCH_CALLBACK, c_void_p, ERR],
    ),
    "fw_client_with_request_options": (RESULT, [HANDLE, HANDLE, OUT_HANDLE, ERR]),
    "fw_client_open": (RESULT, [HANDLE, STR, STR, STR, c_size_t, STR, OUT_HANDLE, ERR]),
    "fw_client_local_server": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_datastack_info": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_datastacks": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_whoami": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_get_tokens": (RESULT, [HANDLE, OUT_STR, ERR]),
    "fw_client_create_token": (RESULT, [HANDLE, STR, OUT_STR, ERR]),
    "fw_client_token_ttl": (RESULT, [HANDLE, STR, POINTER(c_int64), ERR]),
    "fw_client_get_user_information": (RESULT, [HANDLE, POINTER(c_uint64), c_size_t, OUT_STR, ERR]),
    "fw_client_get_group_users": (RESULT, [HANDLE, c_uint64, OUT_STR, ERR]),
    "fw_error_message": (STR, [HANDLE]),
    "fw_error_problem": (STR, [HANDLE]),
    "fw_error_remedy": (c_uint32, [HANDLE]),
    "fw_error_remedy_data": (STR, [HANDLE]),
    "fw_error_code": (RESULT, [HANDLE]),
    "fw_error_http_status": (c_uint16, [HANDLE]),
    "fw_error_server_id": (STR, [HANDLE]),
    "fw_error_url": (STR, [HANDLE]),
    "fw_error_tos_form_url": (STR, [HANDLE]),
    "fw_error_body": (BYTES, [HANDLE, POINTER(c_size_t)]),
    "fw_error_free": (None, [HANDLE]),
    "fw_login_start": (RESULT, [HANDLE, HANDLE, STR, STR, OUT_HANDLE, ERR]),
    "fw_login_url": (STR, [HANDLE]),
    "fw_login_wait": (
        RESULT,
        [HANDLE, c_uint32, HANDLE, POINTER(c_uint32), OUT_STR, OUT_STR, ERR],
    ),
    "fw_login_free": (None, [HANDLE]),
    "fw_options_new": (RESULT, [OUT_HANDLE, ERR]),
    "fw_options_set_token": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_token_file": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_token_key": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_server_address": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_secrets_dir": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_layout": (RESULT, [HANDLE, c_uint32, ERR]),
    "fw_options_set_timeout_ms": (RESULT, [HANDLE, c_uint64, c_uint64, ERR]),
    "fw_options_set_max_retries": (RESULT, [HANDLE, c_uint32, ERR]),
    "fw_options_set_max_body_bytes": (RESULT, [HANDLE, c_uint64, ERR]),
    "fw_options_set_ca_file": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_add_trusted_origin": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_allow_insecure_http": (RESULT, [HANDLE, c_bool, ERR]),
    "fw_options_set_proxy": (RESULT, [HANDLE, STR, ERR]),
    "fw_options_set_retry_base_delay_ms": (RESULT, [HANDLE, c_uint32, ERR]),
    "fw_options_free": (None, [HANDLE]),
    "fw_response_status": (c_uint16, [HANDLE]),
    "fw_response_body": (BYTES, [HANDLE, POINTER(c_size_t)]),
    "fw_response_header": (RESULT, [HANDLE, STR, OUT_STR, ERR]),
    "fw_response_header_count": (c_size_t, [HANDLE]),
    "fw_response_header_at": (RESULT, [HANDLE, c_size_t, OUT_STR, OUT_STR, ERR]),
    "fw_response_free": (None, [HANDLE]),
    "fw_stream_status": (c_uint16, [HANDLE]),
    "fw_stream_header": (RESULT, [HANDLE, STR, OUT_STR, ERR]),
    "fw_stream_header_count": (c_size_t, [HANDLE]),
    "fw_stream_header_at": (RESULT, [HANDLE, c_size_t, OUT_STR, OUT_STR, ERR]),
    "fw_stream_read": (RESULT, [HANDLE, c_void_p, c_size_t, POINTER(c_size_t), ERR]),
    "fw_stream_free": (None, [HANDLE]),
    "fw_string_free": (None, [c_void_p]),
    "fw_result_name": (STR, [c_uint32]),
    "fw_token_source_name": (STR, [c_uint32]),
    "fw_version": (STR, []),
    "fw_version_number": (c_uint32, []),
}


def parameter_types(name):
    """The ctypes parameter types of function `name` (ERR made concrete)."""
    return [OUT_HANDLE if t is ERR else t for t in FUNCTIONS[name][1]]


def takes_err(name):
    """Whether function `name` ends with a `fw_error **err` parameter."""
    params = FUNCTIONS[name][1]
    return bool(params) and params[-1] is ERR


def declare(lib):
    """Sets restype and argtypes of every function on the ctypes library `lib`."""
    for name, (restype, _) in FUNCTIONS.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = parameter_types(name)
    return lib
