"""The bridge to libfwclient: calls, errors, strings and handle lifetimes.

Every call into the library goes through `call`, which appends the
`fw_error **err` slot when the function has one and turns a failure into
the FwError subclass of its code. Strings the library hands out are copied
into Python and freed with fw_string_free at once; handles are owned by a
`Handle`, freed exactly once, never while a call is using them.
"""

import ctypes
import os
import threading
from contextlib import contextmanager

from . import _abi, _constants, _errors, _loader

lib, library_path = _loader.load()


def c_str(value, what):
    """`value` (str, or None) as NUL-terminated bytes for a `const char *`."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    data = value.encode("utf-8")
    if b"\0" in data:
        raise ValueError(f"{what} contains a NUL character")
    return data


def c_path(value, what):
    """A path (str, bytes or os.PathLike, or None) for a `const char *`."""
    if value is None:
        return None
    data = os.fsencode(value)
    if b"\0" in data:
        raise ValueError(f"{what} contains a NUL character")
    return data


def _borrowed_str(ptr):
    return None if ptr is None else ptr.decode("utf-8", errors="replace")


def borrowed_bytes(name, handle):
    """Copies the bytes that function `name` (fw_error_body, fw_response_body)
    lends from `handle` (its result, its length through a `size_t *`);
    b"" when there is none (NULL)."""
    size = ctypes.c_size_t()
    data = getattr(lib, name)(handle, ctypes.byref(size))
    return ctypes.string_at(data, size.value) if data else b""


def _problem_and_remedy(err):
    """The problem of error `err` and its Remedy; for a remedy this package
    does not know (a newer library), the library's message, which says the
    fix in C's words, and Remedy.NONE."""
    try:
        return lib.fw_error_problem(err), _constants.Remedy(lib.fw_error_remedy(err))
    except ValueError:
        return lib.fw_error_message(err), _constants.Remedy.NONE


def _error_from(name, code, err):
    """The FwError for result `code` of function `name`; frees `err`."""
    try:
        return error_of(name, code, err)
    finally:
        if err:
            lib.fw_error_free(err)


def error_of(name, code, err):
    """The FwError for result `code` of function `name`, copied from the
    fw_error `err` (borrowed: not freed; None or NULL for none)."""
    if err:
        code = lib.fw_error_code(err) or code  # the same code, as the error holds it
    code_name = lib.fw_result_name(code).decode("ascii")
    if not err:
        return _errors.error_class(code)(code, code_name, f"{name} failed")
    body = borrowed_bytes("fw_error_body", err)
    problem, remedy = _problem_and_remedy(err)
    return _errors.error_class(code)(
        code,
        code_name,
        _borrowed_str(problem) or f"{name} failed",
        http_status=lib.fw_error_http_status(err),
        server_id=_borrowed_str(lib.fw_error_server_id(err)),
        url=_borrowed_str(lib.fw_error_url(err)),
        tos_form_url=_borrowed_str(lib.fw_error_tos_form_url(err)),
        body=body,
        remedy=remedy,
        remedy_data=_borrowed_str(lib.fw_error_remedy_data(err)),
    )


def call(name, *args):
    """Calls function `name`; raises its FwError when it does not return FW_OK."""
    fn = getattr(lib, name)
    if not _abi.takes_err(name):
        code = fn(*args)
        if code != 0:
            raise _error_from(name, code, None)
        return
    err = ctypes.c_void_p()
    code = fn(*args, ctypes.byref(err))
    if code != 0:
        raise _error_from(name, code, err)
    if err:  # FW_OK never sets *err; free it should a library ever do so
        lib.fw_error_free(err)


def take_string(ptr, decode=True):
    """Copies a `char *` the library handed out, and frees it (None for NULL)."""
    if not ptr.value:
        return None
    try:
        data = ctypes.string_at(ptr.value)
    finally:
        lib.fw_string_free(ptr.value)
        ptr.value = None
    return data.decode("utf-8") if decode else data


def string_out(name, *args):
    """Calls `name(*args, char **out[, err])` and returns the string (or None)."""
    out = ctypes.c_void_p()
    try:
        call(name, *args, ctypes.byref(out))
    finally:
        result = take_string(out)
    return result


class Handle:
    """Owns one handle of the library, freed by `free_name`.

    Usable as a context manager (the handle is freed on exit) and freed by
    the garbage collector otherwise. `close()` may be called from any
    thread at any time: a call in progress keeps the handle alive, and the
    last one out frees it. After close(), calls raise ValueError.
    """

    free_name = None

    def __init__(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False

    @contextmanager
    def _use(self):
        """The raw pointer, kept alive for the duration of the `with`."""
        with self._lock:
            if self._closed:
                raise ValueError(f"this {type(self).__name__} is closed")
            self._users += 1
        try:
            yield self._ptr
        finally:
            with self._lock:
                self._users -= 1
                last = self._closed and self._users == 0
            if last:
                self._free()

    def _free(self):
        ptr, self._ptr = self._ptr, None
        if ptr and lib is not None:  # (None only late in interpreter shutdown)
            getattr(lib, self.free_name)(ptr)

    def close(self):
        """Frees the handle (at once, or when the calls using it return)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ did not run to the end
            return
        with lock:
            if self._closed:
                return
            self._closed = True
            idle = self._users == 0
        if idle:
            self._free()

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
