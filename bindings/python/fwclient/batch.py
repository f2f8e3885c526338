"""Many requests at once (fw_client_get_many, fw_client_send_many).

    for index, outcome in fwclient.get_many(client, urls, max_in_flight=64):
        if isinstance(outcome, fwclient.FwError):
            ...          # this request's own error
        else:
            outcome.json()

Each request goes through the client's whole policy (trust, redirects,
retries and Retry-After, timeouts) with at most `max_in_flight` at once and
never more connections than that per origin. Items come in completion
order. The batch runs on a thread of its own while the loop consumes its
results through a queue of at most `max_in_flight` answers (memory does not
grow with the number of requests); leaving the loop stops it, abandoning
the requests in flight. An error of the batch itself (a bad argument) is
raised by the iterator after the items.
"""

import ctypes
import queue
import threading

from . import _abi
from ._native import c_str, call, error_of, lib
from .client import _copy_response

_DONE = object()


def get_many(client, urls, max_in_flight=16):
    """GETs every URL of `urls`; an iterator of (index, Response or FwError)."""
    encoded = [c_str(u, "url") for u in urls]
    array = (ctypes.c_char_p * len(encoded))(*encoded)

    def run(c, callback):
        return ("fw_client_get_many", c, array, len(encoded), max_in_flight, callback, None)

    return _iterate(client, max_in_flight, run, keep=[encoded, array])


def send_many(client, requests, max_in_flight=16):
    """Requests of any method, with bodies: each of `requests` is a tuple
    (method, url[, body[, content_type]]); an iterator of (index, Response
    or FwError). Only idempotent methods are retried."""
    entries, keep = [], []
    for r in requests:
        method, url, body, content_type = (tuple(r) + (None, None))[:4]
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError(f"body must be bytes, not {type(body).__name__}")
        body = bytes(body) if body else None
        fields = (c_str(method, "method"), c_str(url, "url"), body,
                  c_str(content_type, "content_type"))
        keep.append(fields)
        entries.append(_abi.BatchRequest(fields[0], fields[1], body, len(body or b""), fields[3]))
    array = (_abi.BatchRequest * len(entries))(*entries)

    def run(c, callback):
        return ("fw_client_send_many", c, array, len(entries), max_in_flight, callback, None)

    return _iterate(client, max_in_flight, run, keep=[keep, array])


def _iterate(client, max_in_flight, make_call, keep):
    if not isinstance(max_in_flight, int) or isinstance(max_in_flight, bool):
        raise TypeError("max_in_flight must be an int")
    results = queue.Queue(maxsize=max(1, min(max_in_flight, 1024)))
    stop = threading.Event()

    def on_done(_user, index, code, response, error):
        # On the batch's thread: copy the borrowed outcome, hand it over.
        outcome = _copy_response(response) if code == 0 else error_of("fw_client_get_many",
                                                                      code, error)
        while not stop.is_set():
            try:
                results.put((index, outcome), timeout=0.05)
                return 0
            except queue.Full:
                continue
        return 1

    callback = _abi.BATCH_CALLBACK(on_done)
    failure = []
    # The batch runs on a view carrying this cancel object: leaving the loop
    # triggers it, which stops the batch at once (requests in flight
    # abandoned), even while no request completes.
    cancel = ctypes.c_void_p()
    call("fw_cancel_new", ctypes.byref(cancel))

    def run():
        ro, view = ctypes.c_void_p(), ctypes.c_void_p()
        try:
            call("fw_request_options_new", ctypes.byref(ro))
            call("fw_request_options_set_cancel", ro, cancel)
            with client._use() as c:
                call("fw_client_with_request_options", c, ro, ctypes.byref(view))
            name, *args = make_call(view, callback)
            err = ctypes.c_void_p()
            code = getattr(lib, name)(*args, ctypes.byref(err))
            try:
                if code != 0 and not stop.is_set():
                    failure.append(error_of(name, code, err))
            finally:
                if err:
                    lib.fw_error_free(err)
        except BaseException as e:  # raised again by the iterator
            failure.append(e)
        finally:
            lib.fw_client_free(view)
            lib.fw_request_options_free(ro)
            results.put(_DONE)

    def generate():
        thread = threading.Thread(target=run, name="fwclient-batch", daemon=True)
        thread.start()
        try:
            while True:
                item = results.get()
                if item is _DONE:
                    break
                yield item
            if failure:
                raise failure[0]
        finally:
            # Left early (or done): stop the batch, let its thread finish.
            stop.set()
            lib.fw_cancel_trigger(cancel, None)
            while thread.is_alive():
                try:
                    results.get(timeout=0.05)
                except queue.Empty:
                    pass
            thread.join()
            lib.fw_cancel_free(cancel)
            # What the library read (arrays, callback) lived until here.
            del keep[:]

    return generate()
