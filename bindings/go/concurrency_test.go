package fwclient_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// 32 goroutines share one client: most make requests while others switch
// the token and read it. Run under -race.
func TestSharedClientConcurrency(t *testing.T) {
	freshHome(t)
	c := devClient(t, "minnie65_public", seedToken)
	a, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	valid := map[string]bool{"Bearer " + seedToken: true, "Bearer " + adminToken: true}
	const goroutines, rounds = 32, 15
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				switch g % 4 {
				case 0: // token switcher (8 goroutines)
					tok := seedToken
					if (g+i)%2 == 1 {
						tok = adminToken
					}
					if err := a.SetToken(tok); err != nil {
						t.Errorf("SetToken: %v", err)
					}
					if got, ok, err := a.Token(); err != nil || !ok || !valid["Bearer "+got] {
						t.Errorf("Token = %q, %v, %v", got, ok, err)
					}
					if h, ok, err := a.RequestHeader(); err != nil || !ok || !valid[h] {
						t.Errorf("RequestHeader = %v, %v", ok, err)
					}
				case 1:
					r, err := c.Get(context.Background(), devURL+"/echo")
					if err != nil {
						t.Errorf("Get: %v", err)
						continue
					}
					if e := decodeEcho(t, r); e.Authorization == nil || !valid[*e.Authorization] {
						t.Errorf("echo saw %v", e.Authorization)
					}
				case 2:
					u, err := c.Whoami(context.Background())
					if err != nil || (u.ID != 1 && u.ID != 2) {
						t.Errorf("Whoami = %+v, %v", u, err)
					}
				case 3:
					if _, err := c.DatastackInfo(context.Background()); err != nil {
						t.Errorf("DatastackInfo: %v", err)
					}
					if _, err := c.Request(context.Background(), "POST", devURL+"/echo", []byte("payload"), "text/plain"); err != nil {
						t.Errorf("Request: %v", err)
					}
					if _, err := c.Datastacks(context.Background()); err != nil {
						t.Errorf("Datastacks: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// Close waits for calls in flight; calls after it report "closed".
func TestClientCloseDuringRequests(t *testing.T) {
	freshHome(t)
	needServer(t)
	for round := 0; round < 5; round++ {
		c, err := fwclient.NewClient("", &fwclient.Options{ServerAddress: devURL, Token: seedToken})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					_, err := c.Get(context.Background(), devURL+"/echo")
					if err != nil && !errors.Is(err, fwclient.ErrInvalidArgument) {
						t.Errorf("Get: %v", err)
					}
					if g == 0 && i == 2 {
						c.Close()
					}
				}
			}()
		}
		wg.Wait()
		c.Close()
	}
}
