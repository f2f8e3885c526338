package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"sync"
	"unsafe"
)

// Stream is a 2xx answer whose body is read as it arrives (fw_stream), from
// Client.Open: an io.ReadCloser. Status and Header are known at once. Close
// it when done: read to the end (io.EOF), its connection goes back to the
// client's pool; closed earlier, the connection is closed. Reads are
// serialised; the request's TotalTimeout and the context given to Open
// bound them too. A Stream may outlive its Client.
type Stream struct {
	// Status is the HTTP status.
	Status int
	// Header holds every header of the answer, as Response.Headers.
	Header http.Header

	h    handle[*C.fw_stream]
	read sync.Mutex
	// watch watches Open's context until Close: once it is done, a read ends.
	watch *ctxWatch
}

// streamParts is what a Stream frees: the C stream and the watch of its
// context.
type streamParts struct {
	p     *C.fw_stream
	watch *ctxWatch
}

var _ io.ReadCloser = (*Stream)(nil)

func freeStream(p *C.fw_stream) { C.fw_stream_free(p) }

func (sp streamParts) free() {
	freeStream(sp.p)
	sp.watch.end()
}

// Open sends a request as Request does (the same token, trust, redirect and
// retry rules) and returns its 2xx answer with the body left to read from
// the Stream; any other answer is an *Error, as for Request. ctx bounds and
// cancels the request (as for Get) until Close, its body's reading
// included: once ctx is done, a Read waiting for the server returns within
// about 20 ms, with an error matching context.Canceled (and ErrCanceled)
// or context.DeadlineExceeded.
func (c *Client) Open(ctx context.Context, method, url string, body []byte, contentType string) (*Stream, error) {
	cm, err := cString(method)
	if err != nil {
		return nil, err
	}
	defer freeCString(cm)
	cu, err := cString(url)
	if err != nil {
		return nil, err
	}
	defer freeCString(cu)
	ct, err := cOptString(contentType)
	if err != nil {
		return nil, err
	}
	defer freeCString(ct)
	var p *C.fw_stream
	w, err := c.watchCtx(ctx, func(cp *C.fw_client) error {
		var bp *C.uint8_t
		if len(body) > 0 {
			bp = (*C.uint8_t)(unsafe.Pointer(&body[0]))
		}
		var e *C.fw_error
		rc := C.fw_client_open(cp, cm, cu, bp, C.size_t(len(body)), ct, &p, &e)
		runtime.KeepAlive(body)
		return errorFrom(rc, e)
	})
	if err != nil {
		w.end()
		return nil, err
	}
	parts := streamParts{p, w}
	s := &Stream{Status: int(C.fw_stream_status(p)), watch: w}
	count := C.fw_stream_header_count(p)
	s.Header = make(http.Header, int(count))
	for i := C.size_t(0); i < count; i++ {
		var n, v *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_stream_header_at(p, i, &n, &v, &e), e); err != nil {
			parts.free()
			return nil, err
		}
		name, _ := takeString(n)
		value, _ := takeString(v)
		s.Header.Add(name, value)
	}
	s.h.set(p, "Stream", runtime.AddCleanup(s, backstop(streamParts.free), parts))
	return s, nil
}

// Read reads the next bytes of the body; io.EOF at its end. A failure
// (timeout, reset) is an *Error, and the stream is at its end afterwards;
// Open's context done (canceled, or past its deadline) ends a Read as it
// ends Get.
func (s *Stream) Read(buf []byte) (int, error) {
	if s == nil {
		return 0, argumentError("nil *Stream")
	}
	if len(buf) == 0 {
		return 0, nil
	}
	s.read.Lock()
	defer s.read.Unlock()
	var got C.size_t
	err := s.h.use(func(p *C.fw_stream) error {
		var e *C.fw_error
		rc := C.fw_stream_read(p, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &got, &e)
		runtime.KeepAlive(buf)
		return errorFrom(rc, e)
	})
	if err != nil {
		return 0, s.watch.err(err)
	}
	if got == 0 {
		return 0, io.EOF
	}
	return int(got), nil
}

// Close frees the stream (closing its connection unless the body was read
// to the end) and stops watching Open's context. Idempotent; it always
// returns nil.
func (s *Stream) Close() error {
	if s != nil {
		s.h.close(func(p *C.fw_stream) { streamParts{p, s.watch}.free() })
	}
	return nil
}
