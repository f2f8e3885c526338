package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import "fmt"

// Code is the class of an error: an fw_result value of the C ABI. The
// numbers are fixed forever and never reused.
type Code uint32

// The Code constants, the sentinels and the Remedy constants are in
// lists_gen.go, generated from include/fwclient.h (its FW_ERRORS and
// FW_REMEDIES lists) by gen_lists.go; TestListsAreTheHeaders checks it.
//go:generate go run gen_lists.go

// String is the code's name in the C header, e.g. "FW_ERR_IO"
// (fw_result_name); "FW_UNKNOWN_RESULT" for a number that is not a code.
func (c Code) String() string {
	return C.GoString(C.fw_result_name(C.uint32_t(c)))
}

// Remedy is what fixes an error: an fw_remedy value of the C ABI. Its
// data (a path, an origin, ...) is in Error.RemedyData.
type Remedy uint32

// String is the remedy's name in the C header, e.g. "FW_REMEDY_OVERWRITE".
func (r Remedy) String() string {
	if name, ok := remedyNames[r]; ok {
		return name
	}
	return fmt.Sprintf("FW_REMEDY_%d", uint32(r))
}

// Error is a failed call: the fw_error of the C ABI, copied into Go memory.
type Error struct {
	// Code is the class of the error.
	Code Code
	// Name is the code's name in the header, e.g. "FW_ERR_NOT_AUTHENTICATED".
	Name string
	// Message is the library's message for people: the problem, then what
	// fixes it in Go's words (see Remedy). It never holds a token.
	Message string
	// Problem is the problem alone, as the library states it.
	Problem string
	// Remedy is what fixes the error (RemedyNone when nothing specific
	// does); RemedyData its data: the file, origin, address, variable,
	// URL or shell command it names ("" when none).
	Remedy     Remedy
	RemedyData string
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
	out.Problem = C.GoString(C.fw_error_problem(e))
	out.Remedy = Remedy(C.fw_error_remedy(e))
	out.RemedyData = optGoString(C.fw_error_remedy_data(e))
	switch fix := out.Remedy.inGo(out.RemedyData); {
	case fix != "":
		out.Message = out.Problem + "; " + fix
	case out.Remedy != RemedyNone:
		// A remedy this package does not know (a newer library): the
		// library's message, which says the fix in C's words.
		out.Message = C.GoString(C.fw_error_message(e))
	default:
		out.Message = out.Problem
	}
	out.HTTPStatus = int(C.fw_error_http_status(e))
	out.ServerID = optGoString(C.fw_error_server_id(e))
	out.URL = optGoString(C.fw_error_url(e))
	out.TOSFormURL = optGoString(C.fw_error_tos_form_url(e))
	var n C.size_t
	out.Body = goBytes(C.fw_error_body(e, &n), n)
	return out
}

// inGo is the fix in this package's words; "" for RemedyNone or a remedy
// this package does not know (a newer library).
func (r Remedy) inGo(data string) string {
	switch r {
	case RemedyOverwrite:
		return "to replace it, call Auth.SaveToken with SaveOptions{Overwrite: true}"
	case RemedyReplaceInvalid:
		return "fix it by hand, or call Auth.SaveToken with SaveOptions{Overwrite: true, ReplaceInvalid: true}, " +
			"which keeps this file as \"" + data + ".invalid-<timestamp>\""
	case RemedyTrustOrigin:
		return fmt.Sprintf("to trust it, add %q to Options.TrustedOrigins", data)
	case RemedyAllowInsecureHTTP:
		return "to allow plain http, set Options.AllowInsecureHTTP"
	case RemedySetServer:
		return "name the server in Options.ServerAddress"
	case RemedyUseAddress:
		return fmt.Sprintf("use %q", data)
	case RemedyUnsetVariable:
		return "unset $" + data
	case RemedyLogIn:
		return "then save it with Auth.SaveToken (Auth.NewTokenInstructions gives the steps)"
	case RemedySaveTokenByHand:
		return "copy a token from the page Auth.NewTokenURL gives and save it with Auth.SaveToken"
	case RemedyAcceptTerms:
		return "open " + data + " in a browser and accept them"
	case RemedyRunCommand:
		return "run `" + data + "`"
	case RemedyChooseProxy:
		return `set NO_PROXY for this host, or choose the proxy in Options.Proxy ("none" or an http:// proxy)`
	}
	return ""
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
