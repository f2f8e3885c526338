"""Stream: a 2xx answer whose body is read in chunks, as a binary
file-like object (io.RawIOBase over fw_stream)."""

import ctypes
import io

from ._native import Handle, call, lib, take_string


class _StreamHandle(Handle):
    free_name = "fw_stream_free"


class Stream(io.RawIOBase):
    """The answer of Client.open: `status` and `headers` at once, the body
    read with read(), readinto(), iteration or shutil.copyfileobj, never
    held whole. Reading blocks until some bytes are there, the body ends
    (b"") or the request's total timeout elapses (FwTimeoutError). Closing
    it before the end closes the connection. One thread at a time."""

    def __init__(self, ptr):
        super().__init__()
        self._handle = _StreamHandle(ptr)
        self.status = lib.fw_stream_status(ptr)
        self.headers = []
        for i in range(lib.fw_stream_header_count(ptr)):
            name, value = ctypes.c_void_p(), ctypes.c_void_p()
            try:
                call("fw_stream_header_at", ptr, i, ctypes.byref(name), ctypes.byref(value))
            finally:
                name_str, value_bytes = take_string(name), take_string(value, decode=False)
            self.headers.append((name_str, value_bytes.decode("latin-1")))

    def header(self, name):
        """The value of header `name` (any case) as fw_stream_header gives
        it (a header received more than once joined with ", "), or None."""
        out = ctypes.c_void_p()
        with self._handle._use() as s:
            try:
                call("fw_stream_header", s, name.encode("latin-1"), ctypes.byref(out))
            finally:
                value = take_string(out, decode=False)
        return None if value is None else value.decode("latin-1")

    def readable(self):
        return True

    def readinto(self, b):
        view = memoryview(b).cast("B")
        if len(view) == 0:
            return 0
        buf = (ctypes.c_char * len(view)).from_buffer(view)
        n = ctypes.c_size_t()
        with self._handle._use() as s:
            call("fw_stream_read", s, ctypes.addressof(buf), len(view), ctypes.byref(n))
        return n.value

    def close(self):
        if not self.closed:
            self._handle.close()
        super().close()

    def __repr__(self):
        return f"<fwclient.Stream {self.status} ({'closed' if self.closed else 'open'})>"
