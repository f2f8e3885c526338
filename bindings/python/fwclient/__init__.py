"""fwclient: the token store and authenticated requests of libfwclient, from Python.

A thin ctypes binding (no compiled extension) over the C library:

    import fwclient

    with fwclient.Client("minnie65_public") as client:
        auth = client.auth
        print(f"My current token is: {auth.token}")
        print(auth.new_token_instructions())
        auth.save_token("fake_token_123")
        info = client.datastack_info()

The library is found through $FWCLIENT_LIB, else pkg-config's libdir of
fwclient, else the system loader. Failures raise FwError subclasses, one
per fw_result code.
"""

from . import _errors
from ._constants import Layout, Remedy, SaveFlags, Source
from ._errors import FwError, FwTimeoutError
from ._loader import LibraryNotFoundError
from ._native import lib as _lib
from ._native import library_path
from .auth import Auth, TokenSource
from .batch import get_many, send_many
from .client import Client, Response
from .login import Login, LoginResult
from .options import Options
from .per_request import Cancel, RequestOptions
from .stream import Stream

__version__ = "0.3.0"


def library_version():
    """The version of the libfwclient loaded, e.g. "0.3.0"."""
    return _lib.fw_version().decode("ascii")


# The error classes are made from the header's list (see _errors), so that
# a code added there has its class here.
globals().update(_errors.CLASSES)


def library_version_number():
    """The same as (major << 16) | (minor << 8) | patch, e.g. 0x000300."""
    return _lib.fw_version_number()


__all__ = [
    "Auth", "Client", "Login", "LoginResult", "Options", "Response", "TokenSource", "Layout", "SaveFlags", "Source",
    "Cancel", "RequestOptions", "Stream", "get_many", "send_many",
    "Remedy", "LibraryNotFoundError", "library_path", "library_version",
    "library_version_number",
    *_errors.__all__,
]
