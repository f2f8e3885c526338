"""fwclient: the token store and authenticated requests of libfwclient, from Python.

A thin ctypes binding (no compiled extension) over the C library:

    import fwclient

    with fwclient.Client("minnie65_public") as client:
        auth = client.auth
        print(f"My current token is: {auth.token}")
        print(auth.get_new_token())
        auth.save_token("fake_token_123")
        info = client.datastack_info()

The library is found through $FWCLIENT_LIB, else pkg-config's libdir of
fwclient, else the system loader. Failures raise FwError subclasses, one
per fw_result code.
"""

from ._constants import Layout, SaveFlags, Source
from ._errors import (
    BadAuthHeaderError,
    BadResponseError,
    ForbiddenError,
    FwError,
    FwTimeoutError,
    HttpStatusError,
    InsecureUrlError,
    InvalidArgumentError,
    InvalidTokenError,
    InvalidTokenFormatError,
    InvalidUrlError,
    IoError,
    MissingTosError,
    NetworkError,
    NotAuthenticatedError,
    PanicError,
    SecretFileError,
    TlsError,
    TokenExistsError,
    UntrustedOriginError,
    CanceledError,
)
from ._loader import LibraryNotFoundError
from ._native import lib as _lib
from ._native import library_path
from .auth import Auth, TokenSource
from .batch import get_many, send_many
from .client import Client, Response
from .options import Options

__version__ = "0.2.0"


def library_version():
    """The version of the libfwclient loaded, e.g. "0.2.0"."""
    return _lib.fw_version().decode("ascii")


__all__ = [
    "Auth", "Client", "Options", "Response", "TokenSource", "Layout", "SaveFlags", "Source",
    "get_many", "send_many",
    "FwError", "LibraryNotFoundError", "library_path", "library_version",
    "BadAuthHeaderError", "BadResponseError", "ForbiddenError", "FwTimeoutError",
    "HttpStatusError", "InsecureUrlError", "InvalidArgumentError", "InvalidTokenError",
    "InvalidTokenFormatError", "InvalidUrlError", "IoError", "MissingTosError", "NetworkError",
    "NotAuthenticatedError", "PanicError", "SecretFileError", "TlsError", "TokenExistsError",
    "UntrustedOriginError",
    "CanceledError",
]
