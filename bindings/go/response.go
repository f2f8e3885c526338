package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"net/http"
	"strings"
)

// Response is a 2xx answer, copied into Go memory (the C response is freed
// before Get or Request returns).
type Response struct {
	// Status is the HTTP status.
	Status int
	// Body is the whole body.
	Body []byte
	// Headers holds every header of the answer, each value of a repeated
	// header its own entry, keyed by canonical name (as net/http does).
	Headers http.Header
}

// Header is the value of header name (any case); the values of a header
// received more than once are joined with ", " (RFC 9110), as the C
// library's fw_response_header does. ok is false when the header is absent.
func (r *Response) Header(name string) (value string, ok bool) {
	if r == nil {
		return "", false
	}
	values := r.Headers.Values(name)
	if len(values) == 0 {
		return "", false
	}
	return strings.Join(values, ", "), true
}

// takeResponse copies r into a *Response and frees it.
func takeResponse(r *C.fw_response) (*Response, error) {
	defer C.fw_response_free(r)
	return copyResponse(r)
}

// copyResponse copies a borrowed r into a *Response.
func copyResponse(r *C.fw_response) (*Response, error) {
	var n C.size_t
	body := goBytes(C.fw_response_body(r, &n), n)
	count := C.fw_response_header_count(r)
	resp := &Response{Status: int(C.fw_response_status(r)), Body: body, Headers: make(http.Header, int(count))}
	for i := C.size_t(0); i < count; i++ {
		var n, v *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_response_header_at(r, i, &n, &v, &e), e); err != nil {
			return nil, err
		}
		name, _ := takeString(n)
		value, _ := takeString(v)
		resp.Headers.Add(name, value)
	}
	return resp, nil
}
