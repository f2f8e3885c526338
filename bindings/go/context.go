package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// useCtx runs f on a view of the client that carries ctx: its deadline is
// the request's total timeout (fw_request_options_set_timeout_ms) and its
// cancellation triggers the request's cancel object (fw_cancel_trigger),
// which ends a request in flight within about 20 ms. The error then
// matches both the context's error (context.Canceled or
// context.DeadlineExceeded) and the library's (ErrCanceled, ErrTimeout).
// A context that can never be done adds nothing to the call.
func (c *Client) useCtx(ctx context.Context, f func(p *C.fw_client) error) error {
	w, err := c.watchCtx(ctx, f)
	w.end()
	return err
}

// watchCtx is useCtx whose watch of ctx outlives the call, for what the
// call returns that still does I/O (a Stream's body): the caller ends it
// (always, whatever the error). nil when ctx can never be done or was done
// before the call.
func (c *Client) watchCtx(ctx context.Context, f func(p *C.fw_client) error) (*ctxWatch, error) {
	if ctx == nil {
		return nil, argumentError("nil context.Context")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ctx.Done() == nil {
		return nil, c.use(f)
	}
	deadline, hasDeadline := ctx.Deadline()
	w := &ctxWatch{ctx: ctx, hasDeadline: hasDeadline}
	err := c.use(func(p *C.fw_client) error {
		var e *C.fw_error
		if err := errorFrom(C.fw_cancel_new(&w.cancel, &e), e); err != nil {
			return err
		}
		var ro *C.fw_request_options
		if err := errorFrom(C.fw_request_options_new(&ro, &e), e); err != nil {
			return err
		}
		defer C.fw_request_options_free(ro)
		if err := errorFrom(C.fw_request_options_set_cancel(ro, w.cancel, &e), e); err != nil {
			return err
		}
		if hasDeadline {
			ms := time.Until(deadline).Milliseconds()
			if ms < 1 {
				return context.DeadlineExceeded
			}
			if err := errorFrom(C.fw_request_options_set_timeout_ms(ro, C.uint64_t(ms), &e), e); err != nil {
				return err
			}
		}
		var view *C.fw_client
		if err := errorFrom(C.fw_client_with_request_options(p, ro, &view, &e), e); err != nil {
			return err
		}
		defer C.fw_client_free(view)
		w.watch()
		return f(view)
	})
	return w, w.err(err)
}

// ctxWatch triggers a cancel object (fw_cancel) when its context is done,
// for as long as what the cancel bounds lives: one call, or a Stream until
// its Close. It holds no reference to what it bounds.
type ctxWatch struct {
	ctx         context.Context
	hasDeadline bool
	cancel      *C.fw_cancel
	stop        func() bool   // context.AfterFunc's; nil until watch
	triggered   chan struct{} // closed once the trigger has run
}

// watch starts triggering the cancel object when ctx is done.
func (w *ctxWatch) watch() {
	w.triggered = make(chan struct{})
	w.stop = context.AfterFunc(w.ctx, func() {
		C.fw_cancel_trigger(w.cancel, nil)
		close(w.triggered)
	})
}

// end stops the watch and frees the cancel object (whatever holds it in
// the library keeps its own reference). Once; nil does nothing.
func (w *ctxWatch) end() {
	if w == nil || w.cancel == nil {
		return
	}
	if w.stop != nil && !w.stop() {
		// The trigger ran or is running: the cancel object is freed after it.
		<-w.triggered
	}
	C.fw_cancel_free(w.cancel)
	w.cancel = nil
}

// err makes an error of what the watch bounds match the context's error
// (contextError); nil watches change nothing.
func (w *ctxWatch) err(err error) error {
	if w == nil {
		return err
	}
	return contextError(w.ctx, err, w.hasDeadline)
}

// contextError makes a cancellation or a deadline seen by the library
// match context.Canceled / context.DeadlineExceeded too.
func contextError(ctx context.Context, err error, hasDeadline bool) error {
	switch {
	case errors.Is(err, ErrCanceled):
		cause := ctx.Err()
		if cause == nil {
			cause = context.Canceled
		}
		return fmt.Errorf("%w: %w", cause, err)
	case hasDeadline && errors.Is(err, ErrTimeout):
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	default:
		return err
	}
}
