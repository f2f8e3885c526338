package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import "strings"

// Response is a 2xx answer, copied into Go memory (the C response is freed
// before Get or Request returns).
type Response struct {
	// Status is the HTTP status.
	Status int
	// Body is the whole body.
	Body []byte
	// headers holds every header's first value, keyed in lower case.
	headers map[string]string
}

// Header is the first value of header name (case-insensitive); ok is false
// when the header is absent.
func (r *Response) Header(name string) (value string, ok bool) {
	if r == nil {
		return "", false
	}
	value, ok = r.headers[strings.ToLower(name)]
	return value, ok
}

// takeResponse copies r into a *Response and frees it.
func takeResponse(r *C.fw_response) (*Response, error) {
	defer C.fw_response_free(r)
	resp := &Response{Status: int(C.fw_response_status(r)), headers: map[string]string{}}
	var data *C.uint8_t
	var n C.size_t
	if err := errorFrom(C.fw_response_body(r, &data, &n), nil); err != nil {
		return nil, err
	}
	resp.Body = goBytes(data, n)
	var count C.size_t
	if err := errorFrom(C.fw_response_header_count(r, &count), nil); err != nil {
		return nil, err
	}
	for i := C.size_t(0); i < count; i++ {
		var n, v *C.char
		if err := errorFrom(C.fw_response_header_at(r, i, &n, &v), nil); err != nil {
			return nil, err
		}
		name, _ := takeString(n)
		value, _ := takeString(v)
		if _, seen := resp.headers[name]; !seen {
			resp.headers[name] = value
		}
	}
	return resp, nil
}
