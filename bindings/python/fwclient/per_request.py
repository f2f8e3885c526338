"""Cancel and RequestOptions: what one request may set beyond the client's
options (fw_cancel, fw_request_options). A request gets them through a
view of its client, Client.with_options(ro), the one per-request mechanism
of the library."""

import ctypes

from ._native import Handle, call


class Cancel(Handle):
    """fw_cancel: once triggered (from any thread), every request watching
    it ends with CanceledError, one in flight within about 20 ms. It stays
    triggered. Safe to share between threads."""

    free_name = "fw_cancel_free"

    def __init__(self):
        out = ctypes.c_void_p()
        call("fw_cancel_new", ctypes.byref(out))
        super().__init__(out.value)

    def trigger(self):
        """Ends the requests using this object (and every later one)."""
        with self._use() as c:
            call("fw_cancel_trigger", c)

    def __repr__(self):
        return f"<fwclient.Cancel ({'closed' if self.closed else 'open'})>"


class RequestOptions(Handle):
    """fw_request_options: a timeout for the whole request (seconds, a
    float; 0 or None: none of its own, the client's applies) and a Cancel.
    Copied by Client.with_options: change them afterwards and the views
    made before keep what they had."""

    free_name = "fw_request_options_free"

    def __init__(self, *, timeout=None, cancel=None):
        out = ctypes.c_void_p()
        call("fw_request_options_new", ctypes.byref(out))
        super().__init__(out.value)
        try:
            if timeout is not None:
                self.set_timeout(timeout)
            if cancel is not None:
                self.set_cancel(cancel)
        except BaseException:
            self.close()
            raise

    def set_timeout(self, seconds):
        """The request's total time, in seconds (rounded up to whole
        milliseconds); 0 or None: the client's."""
        if seconds is None:
            seconds = 0
        if seconds < 0:
            raise ValueError("timeout must not be negative")
        ms = -(-int(seconds * 1_000_000) // 1000)  # microseconds, rounded up to ms
        with self._use() as ro:
            call("fw_request_options_set_timeout_ms", ro, ms)

    def set_cancel(self, cancel):
        """Ends the requests when `cancel` (a Cancel) is triggered; None removes it."""
        if cancel is not None and not isinstance(cancel, Cancel):
            raise TypeError(f"cancel must be a Cancel, not {type(cancel).__name__}")
        with self._use() as ro:
            if cancel is None:
                call("fw_request_options_set_cancel", ro, None)
            else:
                with cancel._use() as c:
                    call("fw_request_options_set_cancel", ro, c)

    def __repr__(self):
        return f"<fwclient.RequestOptions ({'closed' if self.closed else 'open'})>"
