package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

// Code is the class of an error: an fw_result value of the C ABI. The
// numbers are fixed forever and never reused.
type Code uint32

// The codes of include/fwclient.h, taken from the header itself. A test
// checks that every FW_ERR_* of the header has its constant and sentinel here.
const (
	CodeOK                 Code = C.FW_OK
	CodeInvalidArgument    Code = C.FW_ERR_INVALID_ARGUMENT
	CodeInvalidTokenFormat Code = C.FW_ERR_INVALID_TOKEN_FORMAT
	CodeTokenExists        Code = C.FW_ERR_TOKEN_EXISTS
	CodeIO                 Code = C.FW_ERR_IO
	CodeSecretFile         Code = C.FW_ERR_SECRET_FILE
	CodeNotAuthenticated   Code = C.FW_ERR_NOT_AUTHENTICATED
	CodeInvalidToken       Code = C.FW_ERR_INVALID_TOKEN
	CodeBadAuthHeader      Code = C.FW_ERR_BAD_AUTH_HEADER
	CodeMissingTOS         Code = C.FW_ERR_MISSING_TOS
	CodeForbidden          Code = C.FW_ERR_FORBIDDEN
	CodeHTTPStatus         Code = C.FW_ERR_HTTP_STATUS
	CodeNetwork            Code = C.FW_ERR_NETWORK
	CodeTimeout            Code = C.FW_ERR_TIMEOUT
	CodeTLS                Code = C.FW_ERR_TLS
	CodeInsecureURL        Code = C.FW_ERR_INSECURE_URL
	CodeInvalidURL         Code = C.FW_ERR_INVALID_URL
	CodeBadResponse        Code = C.FW_ERR_BAD_RESPONSE
	CodeUntrustedOrigin    Code = C.FW_ERR_UNTRUSTED_ORIGIN
	CodeCanceled           Code = C.FW_ERR_CANCELED
	CodePanic              Code = C.FW_ERR_PANIC
)

// String is the code's name in the C header, e.g. "FW_ERR_IO"
// (fw_result_name); "FW_UNKNOWN_RESULT" for a number that is not a code.
func (c Code) String() string {
	return C.GoString(C.fw_result_name(C.uint32_t(c)))
}

// Sentinels, one per code, for errors.Is:
//
//	if errors.Is(err, fwclient.ErrNotAuthenticated) { ... }
//
// An *Error matches the sentinel of its Code. Use errors.As with an *Error
// to read the detail (HTTP status, server error id, URL, ToS form, body).
var (
	ErrInvalidArgument    = sentinel(CodeInvalidArgument)
	ErrInvalidTokenFormat = sentinel(CodeInvalidTokenFormat)
	ErrTokenExists        = sentinel(CodeTokenExists)
	ErrIO                 = sentinel(CodeIO)
	ErrSecretFile         = sentinel(CodeSecretFile)
	ErrNotAuthenticated   = sentinel(CodeNotAuthenticated)
	ErrInvalidToken       = sentinel(CodeInvalidToken)
	ErrBadAuthHeader      = sentinel(CodeBadAuthHeader)
	ErrMissingTOS         = sentinel(CodeMissingTOS)
	ErrForbidden          = sentinel(CodeForbidden)
	ErrHTTPStatus         = sentinel(CodeHTTPStatus)
	ErrNetwork            = sentinel(CodeNetwork)
	ErrTimeout            = sentinel(CodeTimeout)
	ErrTLS                = sentinel(CodeTLS)
	ErrInsecureURL        = sentinel(CodeInsecureURL)
	ErrInvalidURL         = sentinel(CodeInvalidURL)
	ErrBadResponse        = sentinel(CodeBadResponse)
	ErrUntrustedOrigin    = sentinel(CodeUntrustedOrigin)
	ErrCanceled           = sentinel(CodeCanceled)
	ErrPanic              = sentinel(CodePanic)
)

// Error is a failed call: the fw_error of the C ABI, copied into Go memory.
type Error struct {
	// Code is the class of the error.
	Code Code
	// Name is the code's name in the header, e.g. "FW_ERR_NOT_AUTHENTICATED".
	Name string
	// Message is the library's message, for people. It never holds a token.
	Message string
	// HTTPStatus is the status of the server's answer; 0 when the error did
	// not come from an answer.
	HTTPStatus int
	// ServerID is the server's error id ("no_token", "invalid_token",
	// "missing_tos", "missing_permission", ...); "" when none.
	ServerID string
	// URL is the URL of the request that failed; "" when none.
	URL string
	// TOSFormURL is the Terms-of-Service form to accept, for
	// ErrMissingTOS; "" otherwise.
	TOSFormURL string
	// Body is the body of the server's answer (empty when none).
	Body []byte
}

// Error returns the library's message.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Message
}

// Is reports whether target is an *Error (such as a sentinel) with the same
// Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && e != nil && t != nil && t.Code == e.Code
}

func sentinel(c Code) *Error {
	name := c.String()
	return &Error{Code: c, Name: name, Message: name}
}

// errorFrom turns a call's result and its fw_error (may be NULL) into an
// error; it frees e. FW_OK gives nil.
func errorFrom(rc C.fw_result, e *C.fw_error) error {
	if e != nil {
		defer C.fw_error_free(e)
	}
	return errorOf(rc, e)
}

// errorOf is errorFrom for a borrowed fw_error (not freed).
func errorOf(rc C.fw_result, e *C.fw_error) error {
	if rc == C.FW_OK {
		return nil
	}
	code := Code(rc)
	out := &Error{Code: code, Name: code.String()}
	if e == nil {
		// Only when the caller passed no error slot, or the library could
		// not allocate one: the code's name is all there is.
		out.Message = out.Name
		return out
	}
	out.Message = C.GoString(C.fw_error_message(e))
	out.HTTPStatus = int(C.fw_error_http_status(e))
	out.ServerID = optGoString(C.fw_error_server_id(e))
	out.URL = optGoString(C.fw_error_url(e))
	out.TOSFormURL = optGoString(C.fw_error_tos_form_url(e))
	var n C.size_t
	out.Body = goBytes(C.fw_error_body(e, &n), n)
	return out
}

// optGoString copies a borrowed string; NULL gives "".
func optGoString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// argumentError is an ErrInvalidArgument raised by this package before any
// C call (a closed handle, a value the C types cannot carry).
func argumentError(msg string) *Error {
	return &Error{Code: CodeInvalidArgument, Name: CodeInvalidArgument.String(), Message: "fwclient: " + msg}
}
