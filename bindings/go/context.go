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
	if ctx == nil {
		return argumentError("nil context.Context")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline, hasDeadline := ctx.Deadline()
	if ctx.Done() == nil {
		return c.use(f)
	}
	return c.use(func(p *C.fw_client) error {
		var e *C.fw_error
		var cancel *C.fw_cancel
		if err := errorFrom(C.fw_cancel_new(&cancel, &e), e); err != nil {
			return err
		}
		defer C.fw_cancel_free(cancel)
		var ro *C.fw_request_options
		if err := errorFrom(C.fw_request_options_new(&ro, &e), e); err != nil {
			return err
		}
		defer C.fw_request_options_free(ro)
		if err := errorFrom(C.fw_request_options_set_cancel(ro, cancel, &e), e); err != nil {
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
		triggered := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			C.fw_cancel_trigger(cancel, nil)
			close(triggered)
		})
		err := f(view)
		if !stop() {
			// The trigger ran or is running: the cancel object is freed after it.
			<-triggered
		}
		return contextError(ctx, err, hasDeadline)
	})
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
