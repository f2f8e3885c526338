package fwclient_test

import (
	"context"
	"errors"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// A request to a route that answers after 10 s, canceled after 100 ms:
// context.Canceled (and ErrCanceled), long before the server answers.
// The latency is logged; speed is checked by benchmarks, not here.
func TestContextCancelEndsARequestInFlight(t *testing.T) {
	freshHome(t)
	needServer(t)
	c := devClient(t, "", "fake_token_123")
	ctx, cancel := context.WithCancel(context.Background())
	var canceledAt time.Time
	timer := time.AfterFunc(100*time.Millisecond, func() {
		canceledAt = time.Now()
		cancel()
	})
	defer timer.Stop()
	start := time.Now()
	_, err := c.Get(ctx, devURL+"/fault/stall?ms=10000")
	end := time.Now()
	if !errors.Is(err, context.Canceled) || !errors.Is(err, fwclient.ErrCanceled) {
		t.Fatalf("want context.Canceled and ErrCanceled, got %v", err)
	}
	if end.Sub(start) > 5*time.Second {
		t.Fatalf("waited for the server: %v", end.Sub(start))
	}
	t.Logf("returned %v after cancel()", end.Sub(canceledAt))
	// A context canceled already: no request at all.
	if _, err := c.Whoami(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

// A 200 ms deadline on the same route: context.DeadlineExceeded (and
// ErrTimeout), for service calls as for Get.
func TestContextDeadlineIsTheRequestsTimeout(t *testing.T) {
	freshHome(t)
	needServer(t)
	c := devClient(t, "", "fake_token_123")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Get(ctx, devURL+"/fault/stall?ms=10000")
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("waited for the server: %v", took)
	}
	t.Logf("returned after %v (deadline 200 ms)", took)
	// A deadline far away changes nothing for a quick call.
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if _, err := c.Whoami(ctx2); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(nil, devURL+"/fault/stall?ms=1"); !errors.Is(err, fwclient.ErrInvalidArgument) { //nolint:staticcheck
		t.Fatalf("a nil context: want ErrInvalidArgument, got %v", err)
	}
}
