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
