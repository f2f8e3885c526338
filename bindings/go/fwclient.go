// Package fwclient is the Go binding of fwclient: the token handling of the
// CAVE / annotation-framework Python clients (find the user's saved token,
// save new ones, explain how to get one) and authenticated requests to the
// framework's services.
//
// The package is a thin cgo layer over the C ABI in include/fwclient.h: every
// rule (token lookup order, secret-file format, error texts, which origins
// receive the token) lives in the Rust core; this package only converts
// arguments and results.
//
// Memory: every *Auth and *Client owns a C handle. Call Close when done;
// Close is idempotent and safe to call from several goroutines. A handle that
// is never closed is freed by a GC cleanup (runtime.AddCleanup) as a backstop.
// Strings and bodies returned by the library are copied into Go memory and the
// C copies are freed before a method returns.
//
// Concurrency: an *Auth or *Client may be used by any number of goroutines at
// once (the C side is thread-safe). A read/write lock around each handle
// makes Close wait for calls in flight; a call made after Close returns an
// error matching ErrInvalidArgument and never touches freed memory.
package fwclient

/*
#include <stdlib.h>
#include <string.h>
#include "fwclient.h"
*/
import "C"

import (
	"math"
	"strings"
	"unsafe"
)

// Version numbers of the C header this package was compiled against.
const (
	VersionMajor  = C.FW_VERSION_MAJOR
	VersionMinor  = C.FW_VERSION_MINOR
	VersionPatch  = C.FW_VERSION_PATCH
	VersionNumber = C.FW_VERSION_NUMBER
	VersionString = C.FW_VERSION_STRING
)

// LibraryVersion is the version of the fwclient library linked at run time
// (fw_version), e.g. "0.1.0".
func LibraryVersion() string {
	return C.GoString(C.fw_version())
}

// cString copies s into C memory; free it with freeCString. A string holding
// a NUL byte cannot cross the C ABI without being cut short, so it is refused.
func cString(s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, argumentError("a string argument holds a NUL byte")
	}
	return C.CString(s), nil
}

// cOptString is cString with "" mapped to NULL (the library's default).
func cOptString(s string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s)
}

// freeCString frees a string from cString; NULL is a no-op.
func freeCString(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

// freeSecret zeroes then frees a string from cString that holds a token.
func freeSecret(p *C.char) {
	if p != nil {
		C.memset(unsafe.Pointer(p), 0, C.strlen(p))
		C.free(unsafe.Pointer(p))
	}
}

// takeString copies a string owned by the library into Go memory and frees
// it with fw_string_free. NULL gives ("", false).
func takeString(p *C.char) (string, bool) {
	if p == nil {
		return "", false
	}
	s := C.GoString(p)
	C.fw_string_free(p)
	return s, true
}

// goBytes copies n bytes at p (borrowed from the library) into Go memory.
func goBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil || n == 0 {
		return []byte{}
	}
	if uint64(n) <= math.MaxInt32 {
		return C.GoBytes(unsafe.Pointer(p), C.int(n))
	}
	src := unsafe.Slice((*byte)(unsafe.Pointer(p)), uint64(n))
	return append([]byte(nil), src...)
}
