"""FwError and one subclass per fw_result code.

Each subclass names its code (`result`); tests/test_abi.py checks that
every code of the header other than FW_OK has exactly one subclass, so a
code added to the header cannot be forgotten here. A code this package
does not know (a newer library) raises FwError itself.
"""

from . import _abi


class FwError(Exception):
    """A call into libfwclient failed.

    code: the fw_result number; name: its name ("FW_ERR_IO"); message: the
    library's message (never holds a token); http_status: the status of the
    server's answer, 0 when the error did not come from one; server_id: the
    server's error id ("invalid_token", ...) or None; url: the request's URL
    or None; tos_form_url: for MissingTosError, the form to accept; body:
    the body of the server's answer (bytes, empty when none).
    """

    result = None  # the fw_result name of a subclass

    def __init__(self, code, name, message, http_status=0, server_id=None, url=None,
                 tos_form_url=None, body=b""):
        super().__init__(message)
        self.code = code
        self.name = name
        self.message = message
        self.http_status = http_status
        self.server_id = server_id
        self.url = url
        self.tos_form_url = tos_form_url
        self.body = body

    def __str__(self):
        return f"{self.name}: {self.message}"


class InvalidArgumentError(FwError):
    result = "FW_ERR_INVALID_ARGUMENT"


class InvalidTokenFormatError(FwError):
    result = "FW_ERR_INVALID_TOKEN_FORMAT"


class TokenExistsError(FwError):
    result = "FW_ERR_TOKEN_EXISTS"


class IoError(FwError):
    result = "FW_ERR_IO"


class SecretFileError(FwError):
    result = "FW_ERR_SECRET_FILE"


class NotAuthenticatedError(FwError):
    result = "FW_ERR_NOT_AUTHENTICATED"


class InvalidTokenError(FwError):
    result = "FW_ERR_INVALID_TOKEN"


class BadAuthHeaderError(FwError):
    result = "FW_ERR_BAD_AUTH_HEADER"


class MissingTosError(FwError):
    result = "FW_ERR_MISSING_TOS"


class ForbiddenError(FwError):
    result = "FW_ERR_FORBIDDEN"


class HttpStatusError(FwError):
    result = "FW_ERR_HTTP_STATUS"


class NetworkError(FwError):
    result = "FW_ERR_NETWORK"


class FwTimeoutError(FwError):
    """FW_ERR_TIMEOUT (named so as not to hide the builtin TimeoutError)."""

    result = "FW_ERR_TIMEOUT"


class TlsError(FwError):
    result = "FW_ERR_TLS"


class InsecureUrlError(FwError):
    result = "FW_ERR_INSECURE_URL"


class InvalidUrlError(FwError):
    result = "FW_ERR_INVALID_URL"


class BadResponseError(FwError):
    result = "FW_ERR_BAD_RESPONSE"


class UntrustedOriginError(FwError):
    result = "FW_ERR_UNTRUSTED_ORIGIN"


class CanceledError(FwError):
    result = "FW_ERR_CANCELED"


class PanicError(FwError):
    result = "FW_ERR_PANIC"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


# fw_result number -> subclass.
BY_CODE = {_abi.RESULTS[c.result]: c for c in _subclasses(FwError) if c.result is not None}


def error_class(code):
    """The FwError subclass for fw_result `code` (FwError when unknown)."""
    return BY_CODE.get(code, FwError)
