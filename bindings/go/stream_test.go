package fwclient_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

func TestStreamReadsABodyAboveTheBufferedCap(t *testing.T) {
	needServer(t)
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, MaxBodyBytes: 1 << 20})
	url := devURL + "/fault/big?bytes=3145728"
	if _, err := c.Get(context.Background(), url); !errors.Is(err, fwclient.ErrBadResponse) {
		t.Fatalf("Get above the cap: %v", err)
	}
	s, err := c.Open(context.Background(), "GET", url, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Status != 200 || s.Header.Get("Content-Length") != "3145728" {
		t.Fatalf("status %d, headers %v", s.Status, s.Header)
	}
	body, err := io.ReadAll(s)
	if err != nil || len(body) != 3145728 || strings.Trim(string(body), "a") != "" {
		t.Fatalf("read %d bytes: %v", len(body), err)
	}
	if n, err := s.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("after the end: %d, %v", n, err)
	}
	s.Close()
	if _, err := s.Read(make([]byte, 8)); !errors.Is(err, fwclient.ErrInvalidArgument) {
		t.Fatalf("read after Close: %v", err)
	}
}

func TestStreamSlowDripTimesOut(t *testing.T) {
	needServer(t)
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, TotalTimeout: 400 * time.Millisecond})
	s, err := c.Open(context.Background(), "GET", devURL+"/fault/stall-body?ms=3000", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := io.ReadAll(s)
	if len(got) == 0 || !errors.Is(err, fwclient.ErrTimeout) {
		t.Fatalf("read %d bytes, then %v", len(got), err)
	}
}

// stallBody is what fw-devserver's /fault/stall-body answers: its first
// half at once, the rest after ms milliseconds.
var stallBody = `{"ok":true,"padding":"` + strings.Repeat("x", 64) + "\"}\n"

// openStall opens /fault/stall-body with a 10 s stall under ctx, on a
// client whose own limit (30 s) is not what ends the read.
func openStall(t *testing.T, ctx context.Context) *fwclient.Stream {
	t.Helper()
	needServer(t)
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, TotalTimeout: 30 * time.Second})
	s, err := c.Open(ctx, "GET", devURL+"/fault/stall-body?ms=10000", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// checkFirstHalf fails unless got is a part of stallBody's first half only.
func checkFirstHalf(t *testing.T, got []byte) {
	t.Helper()
	if len(got) == 0 || len(got) > len(stallBody)/2 || !strings.HasPrefix(stallBody, string(got)) {
		t.Fatalf("read %q", got)
	}
}

// A context canceled while Read waits for the rest of a body 10 s away:
// Read returns context.Canceled (and ErrCanceled) after the first half
// alone, long before the server's stall ends; the stream is at its end
// afterwards. The latency after cancel() is logged; speed is checked by
// benchmarks, not here.
func TestStreamReadEndsWhenTheContextIsCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := openStall(t, ctx)
	first := make([]byte, 256)
	n, err := s.Read(first)
	if err != nil {
		t.Fatal(err)
	}
	canceledAt := make(chan time.Time, 1)
	timer := time.AfterFunc(100*time.Millisecond, func() {
		canceledAt <- time.Now()
		cancel()
	})
	defer timer.Stop()
	start := time.Now()
	rest, err := io.ReadAll(s)
	end := time.Now()
	if !errors.Is(err, context.Canceled) || !errors.Is(err, fwclient.ErrCanceled) {
		t.Fatalf("want context.Canceled and ErrCanceled, got %v", err)
	}
	if strings.Contains(err.Error(), seedToken) {
		t.Fatalf("the token in the error: %v", err)
	}
	checkFirstHalf(t, append(first[:n], rest...))
	if end.Sub(start) >= 10*time.Second {
		t.Fatalf("waited for the server's stall: %v", end.Sub(start))
	}
	t.Logf("Read returned %v after cancel()", end.Sub(<-canceledAt))
	if n, err := s.Read(first); n != 0 || err != io.EOF {
		t.Fatalf("after the cancel: %d, %v", n, err)
	}
}

// A context whose deadline passes while Read waits: context.DeadlineExceeded,
// long before the server's stall ends.
func TestStreamReadEndsAtTheContextsDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s := openStall(t, ctx)
	start := time.Now()
	got, err := io.ReadAll(s)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	checkFirstHalf(t, got)
	if took >= 10*time.Second {
		t.Fatalf("waited for the server's stall: %v", took)
	}
	t.Logf("Read returned after %v (deadline 1 s after Open)", took)
}

func TestRetriesHonourRetryAfterAndCountTries(t *testing.T) {
	needServer(t)
	two := 2
	c := mustClient(t, "", &fwclient.Options{ServerAddress: devURL, Token: seedToken, MaxRetries: &two,
		RetryBaseDelay: time.Millisecond})
	if _, err := c.Get(context.Background(), devURL+"/fault/ratelimit?key=go&first=1"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Get(context.Background(), devURL+"/fault/flaky?key=go-storm&fail=10&status=503")
	var fe *fwclient.Error
	if !errors.As(err, &fe) || fe.HTTPStatus != 503 || !strings.Contains(fe.Message, "(after 3 tries)") {
		t.Fatalf("storm: %v", err)
	}
	if _, err := fwclient.NewClient("", &fwclient.Options{RetryBaseDelay: -time.Second}); !errors.Is(err, fwclient.ErrInvalidArgument) {
		t.Fatalf("negative delay: %v", err)
	}
}

func TestReloadFollowsTheTokenFile(t *testing.T) {
	dir := t.TempDir()
	saver := mustAuth(t, &fwclient.Options{SecretsDir: dir})
	if err := saver.SaveToken(seedToken, nil); err != nil {
		t.Fatal(err)
	}
	a := mustAuth(t, &fwclient.Options{SecretsDir: dir})
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := saver.SaveToken(adminToken, &fwclient.SaveOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	if tok, ok, err := a.Token(); err != nil || !ok || tok != adminToken {
		t.Fatalf("after reload: %v %v", ok, err)
	}
}
