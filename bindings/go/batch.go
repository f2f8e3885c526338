package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"

extern int fwGoBatchDone(void *user_data, size_t index, fw_result result, fw_response *response, fw_error *error);
*/
import "C"

import (
	"context"
	"iter"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// BatchItem is one finished request of a batch: its position in the
// batch, and its 2xx answer (nil when the request failed).
type BatchItem struct {
	Index    int
	Response *Response
}

// BatchRequest is one request of SendMany.
type BatchRequest struct {
	Method      string
	URL         string
	Body        []byte
	ContentType string
}

// GetMany GETs every URL of urls, at most maxInFlight (1 to 1024) at
// once, each through the client's whole policy (trust, redirects, retries
// and Retry-After, timeouts), and yields each as it completes, with its
// own error (an *Error) when it failed:
//
//	for item, err := range client.GetMany(ctx, urls, 64) { ... }
//
// The batch runs while the loop does; the loop body runs on the calling
// goroutine, one item at a time, in completion order. Leaving the loop
// stops the batch (the requests in flight are abandoned). ctx's deadline
// bounds each request and its cancellation stops the batch. An error of
// the batch itself (maxInFlight out of range, ctx done) is yielded last,
// with Index -1.
func (c *Client) GetMany(ctx context.Context, urls []string, maxInFlight int) iter.Seq2[BatchItem, error] {
	return func(yield func(BatchItem, error) bool) {
		curls := make([]*C.char, len(urls))
		defer func() {
			for _, p := range curls {
				freeCString(p)
			}
		}()
		for i, u := range urls {
			p, err := cString(u)
			if err != nil {
				yield(BatchItem{Index: -1}, err)
				return
			}
			curls[i] = p
		}
		c.runBatch(ctx, maxInFlight, yield, func(p *C.fw_client, cb C.fw_batch_callback, user unsafe.Pointer, e **C.fw_error) C.fw_result {
			var first **C.char
			if len(curls) > 0 {
				// Go memory holding C pointers only: allowed by the cgo rules.
				first = &curls[0]
			}
			return C.fw_client_get_many(p, first, C.size_t(len(curls)), C.uint32_t(maxInFlight), cb, user, e)
		})
	}
}

// SendMany is GetMany for requests of any method, with bodies (only
// idempotent methods are retried).
func (c *Client) SendMany(ctx context.Context, requests []BatchRequest, maxInFlight int) iter.Seq2[BatchItem, error] {
	return func(yield func(BatchItem, error) bool) {
		// Strings and bodies in C memory: the array holds pointers to them.
		reqs := make([]C.fw_batch_request, len(requests))
		var owned []unsafe.Pointer
		defer func() {
			for _, p := range owned {
				C.free(p)
			}
		}()
		for i, r := range requests {
			method := r.Method
			if method == "" {
				method = "GET"
			}
			m, err := cString(method)
			if err == nil {
				owned = append(owned, unsafe.Pointer(m))
				reqs[i].method = m
				var u *C.char
				if u, err = cString(r.URL); err == nil {
					owned = append(owned, unsafe.Pointer(u))
					reqs[i].url = u
				}
			}
			if err == nil && r.ContentType != "" {
				var ct *C.char
				if ct, err = cString(r.ContentType); err == nil {
					owned = append(owned, unsafe.Pointer(ct))
					reqs[i].content_type = ct
				}
			}
			if err != nil {
				yield(BatchItem{Index: -1}, err)
				return
			}
			if len(r.Body) > 0 {
				b := C.CBytes(r.Body)
				owned = append(owned, b)
				reqs[i].body = (*C.uint8_t)(b)
				reqs[i].body_len = C.size_t(len(r.Body))
			}
		}
		c.runBatch(ctx, maxInFlight, yield, func(p *C.fw_client, cb C.fw_batch_callback, user unsafe.Pointer, e **C.fw_error) C.fw_result {
			var first *C.fw_batch_request
			if len(reqs) > 0 {
				first = &reqs[0]
			}
			return C.fw_client_send_many(p, first, C.size_t(len(reqs)), C.uint32_t(maxInFlight), cb, user, e)
		})
	}
}

// batchState is what the C callback reaches through its user data.
type batchState struct {
	yield   func(BatchItem, error) bool
	stopped bool
	panic   any
}

// runBatch makes the batch call on a view carrying ctx, yielding each item;
// an error of the batch itself is yielded last unless the loop stopped it.
func (c *Client) runBatch(ctx context.Context, maxInFlight int, yield func(BatchItem, error) bool,
	call func(*C.fw_client, C.fw_batch_callback, unsafe.Pointer, **C.fw_error) C.fw_result) {
	if maxInFlight < 0 || maxInFlight > 1<<31 {
		yield(BatchItem{Index: -1}, argumentError("maxInFlight out of range"))
		return
	}
	state := &batchState{yield: yield}
	h := cgo.NewHandle(state)
	defer h.Delete()
	// C memory for the handle: the library passes it back as user_data.
	user := (*C.uintptr_t)(C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0)))))
	defer C.free(unsafe.Pointer(user))
	*user = C.uintptr_t(h)
	err := c.useCtx(ctx, func(p *C.fw_client) error {
		var e *C.fw_error
		rc := call(p, C.fw_batch_callback(C.fwGoBatchDone), unsafe.Pointer(user), &e)
		return errorFrom(rc, e)
	})
	runtime.KeepAlive(state)
	if state.panic != nil {
		panic(state.panic)
	}
	if err != nil && !state.stopped {
		yield(BatchItem{Index: -1}, err)
	}
}

//export fwGoBatchDone
func fwGoBatchDone(user unsafe.Pointer, index C.size_t, result C.fw_result, response *C.fw_response, e *C.fw_error) (stop C.int) {
	state := cgo.Handle(*(*C.uintptr_t)(user)).Value().(*batchState)
	defer func() {
		// A panic must not unwind through the library's frames: it stops
		// the batch and is raised again once the call has returned.
		if p := recover(); p != nil {
			state.panic = p
			state.stopped = true
			stop = 1
		}
	}()
	item := BatchItem{Index: int(index)}
	var err error
	if result == C.FW_OK {
		item.Response, err = copyResponse(response)
	} else {
		err = errorOf(result, e)
	}
	if !state.yield(item, err) {
		state.stopped = true
		return 1
	}
	return 0
}
