"""FwError and one subclass per fw_result code, made from the header's list.

The classes are derived, not written out: one per code of _abi.RESULTS
(which tests/test_abi.py compares with the header), named by the rule every
binding follows (the header's FW_ERRORS): the code's stem in CamelCase,
then "Error" (FW_ERR_HTTP_STATUS is HttpStatusError, FW_ERR_TIMEOUT is
TimeoutError). Each also subclasses the builtin a Python user would catch
(_BUILTIN_BASES, the one such mapping): OSError for I/O and the network,
TimeoutError for a timeout, ValueError for a value the library refuses. A
code this package does not know (a newer library) raises FwError itself.

An error's message is the library's statement of the problem, then what
fixes it (its remedy) in this package's words.
"""

import builtins

from . import _abi
from ._constants import Remedy


class FwError(Exception):
    """A call into libfwclient failed.

    code: the fw_result number; name: its name ("FW_ERR_IO"); message: the
    problem and its fix in Python's words (never holds a token); problem:
    the problem alone; remedy: what fixes it (a Remedy, Remedy.NONE when
    nothing specific does) and remedy_data its data (the file, origin,
    address, variable, URL or shell command it names, or None);
    http_status: the status of the server's answer, 0 when the error did
    not come from one; server_id: the server's error id ("invalid_token",
    ...) or None; url: the request's URL or None; tos_form_url: for
    MissingTosError, the form to accept; body: the body of the server's
    answer (bytes, empty when none).
    """

    result = None  # the fw_result name of a subclass

    def __init__(self, code, name, problem, http_status=0, server_id=None, url=None,
                 tos_form_url=None, body=b"", remedy=Remedy.NONE, remedy_data=None):
        fix = fix_in_python(remedy, remedy_data)
        message = f"{problem}; {fix}" if fix else problem
        super().__init__(message)
        self.code = code
        self.name = name
        self.message = message
        self.problem = problem
        self.remedy = remedy
        self.remedy_data = remedy_data
        self.http_status = http_status
        self.server_id = server_id
        self.url = url
        self.tos_form_url = tos_form_url
        self.body = body

    def __str__(self):
        return f"{self.name}: {self.message}"


def fix_in_python(remedy, data):
    """What fixes an error with `remedy` (and its `data`), in this package's
    words; None for Remedy.NONE or a remedy this package does not know."""
    fixes = {
        Remedy.OVERWRITE: "to replace it, call Auth.save_token(token, flags=SaveFlags.OVERWRITE)",
        Remedy.REPLACE_INVALID: (
            "fix it by hand, or call Auth.save_token(token, "
            f"flags=SaveFlags.OVERWRITE | SaveFlags.REPLACE_INVALID), which keeps this file as "
            f'"{data}.invalid-<timestamp>"'),
        Remedy.TRUST_ORIGIN: f'to trust it, pass Options(trusted_origins=["{data}"])',
        Remedy.ALLOW_INSECURE_HTTP: "to allow plain http, pass Options(allow_insecure_http=True)",
        Remedy.SET_SERVER: "name the server with Options(server_address=...)",
        Remedy.USE_ADDRESS: f'use "{data}"',
        Remedy.UNSET_VARIABLE: f"unset ${data}",
        Remedy.LOG_IN: "then save it with Auth.save_token (Auth.new_token_instructions() gives the steps)",
        Remedy.SAVE_TOKEN_BY_HAND: ("copy a token from the page Auth.new_token_url() gives and "
                                    "save it with Auth.save_token"),
        Remedy.ACCEPT_TERMS: f"open {data} in a browser and accept them",
        Remedy.RUN_COMMAND: f"run `{data}`",
        Remedy.CHOOSE_PROXY: ("set NO_PROXY for this host, or choose the proxy with "
                              'Options(proxy=...) ("none" or an http:// proxy)'),
    }
    return fixes.get(remedy)


# The builtin each code's class also subclasses (codes not listed: none).
_BUILTIN_BASES = {
    "FW_ERR_IO": OSError,
    "FW_ERR_NETWORK": OSError,
    "FW_ERR_TLS": OSError,
    "FW_ERR_TIMEOUT": builtins.TimeoutError,
    "FW_ERR_INVALID_ARGUMENT": ValueError,
    "FW_ERR_INVALID_TOKEN_FORMAT": ValueError,
    "FW_ERR_INVALID_URL": ValueError,
    "FW_ERR_SECRET_FILE": ValueError,
    "FW_ERR_TOKEN_EXISTS": ValueError,
}


def class_name(result):
    """The class name for fw_result name `result`: FW_ERR_HTTP_STATUS -> HttpStatusError."""
    stem = result[len("FW_ERR_"):]
    return "".join(w.capitalize() for w in stem.split("_")) + "Error"


def _make(result):
    bases = (FwError,) + ((_BUILTIN_BASES[result],) if result in _BUILTIN_BASES else ())
    cls = type(class_name(result), bases, {
        "result": result,
        "__doc__": f"{result}.",
        "__module__": "fwclient",
        # The builtin's __init__ and __str__ are FwError's.
        "__init__": FwError.__init__,
        "__str__": FwError.__str__,
    })
    return cls


# fw_result number -> subclass, and every class by name.
BY_CODE = {n: _make(r) for r, n in _abi.RESULTS.items() if r != "FW_OK"}
CLASSES = {cls.__name__: cls for cls in BY_CODE.values()}
globals().update(CLASSES)

# The name of 0.2 for TimeoutError (which it kept from hiding the builtin).
FwTimeoutError = CLASSES["TimeoutError"]

# Exported by `from fwclient import *`: every class but one named like a
# builtin (TimeoutError), which would hide the builtin there; it is
# fwclient.TimeoutError, or FwTimeoutError.
__all__ = ["FwError", "FwTimeoutError", *(n for n in CLASSES if not hasattr(builtins, n))]


def error_class(code):
    """The FwError subclass for fw_result `code` (FwError when unknown)."""
    return BY_CODE.get(code, FwError)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
