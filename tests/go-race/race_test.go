// Package race runs the hardening issue's concurrency workload under the Go
// race detector: 32 goroutines share one Client and its Auth, saving tokens
// (distinct keys, one secret file), setting and reading the token, and
// making requests to fw-devserver, all at once; no call may fail, every
// request carries one of the two valid tokens, and afterwards the file holds
// every key saved. `make -f mk/hardening.mk test-go-race` runs it with
// `go test -race` against the fw-devserver it names in FW_DEVSERVER_BIN.
//
// A separate module (not part of bindings/go): it imports the binding as a
// program would, through a replace directive, and leaves that package alone.
package race

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

const (
	goroutines = 32
	rounds     = 12
	tokenA     = "fake_token_123"       // user 1 in the default fixture
	tokenB     = "admin_fake_token_456" // user 2, admin
)

func valid(t string) bool { return t == tokenA || t == tokenB }

// startDevserver starts $FW_DEVSERVER_BIN on free ports and returns its URL.
func startDevserver(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FW_DEVSERVER_BIN")
	if bin == "" {
		t.Fatal("set FW_DEVSERVER_BIN to the fw-devserver binary (mk/hardening.mk does)")
	}
	cmd := exec.Command(bin, "--port", "0", "--other-port", "0", "--quiet")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "FW_DEVSERVER_URL="); ok {
				found <- v
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(20 * time.Second):
		t.Fatal("fw-devserver printed no URL within 20 s")
	}
	return ""
}

func TestThirtyTwoGoroutinesShareOneClientAndAuth(t *testing.T) {
	for _, v := range []string{"FW_AUTH_TOKEN", "FW_SECRETS_DIR", "FW_SECRETS_LAYOUT", "FW_CA_BUNDLE", "FW_SERVER_ADDRESS"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("HOME", t.TempDir())
	url := startDevserver(t)
	secrets := filepath.Join(t.TempDir(), "secrets")
	layout := fwclient.LayoutFramework
	c, err := fwclient.NewClient("minnie65_public", &fwclient.Options{
		ServerAddress: url, Token: tokenA, SecretsDir: secrets, Layout: &layout,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a, err := c.Auth()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < rounds; i++ {
				tok := tokenA
				if (g+i)%2 == 1 {
					tok = tokenB
				}
				switch g % 4 {
				case 0: // save under a key of its own
					opts := &fwclient.SaveOptions{TokenKey: fmt.Sprintf("key_%d_%d", g, i), NoSwitch: i%2 == 0}
					if err := a.SaveToken(tok, opts); err != nil {
						t.Errorf("SaveToken: %v", err)
					}
				case 1: // set and read
					if err := a.SetToken(tok); err != nil {
						t.Errorf("SetToken: %v", err)
					}
					if got, ok, err := a.Token(); err != nil || !ok || !valid(got) {
						t.Errorf("Token = %q, %v, %v", got, ok, err)
					}
					if h, ok, err := a.RequestHeader(); err != nil || !ok || !valid(strings.TrimPrefix(h, "Bearer ")) {
						t.Errorf("RequestHeader = %v, %v", ok, err)
					}
					if _, err := a.Source(); err != nil {
						t.Errorf("Source: %v", err)
					}
				case 2: // requests
					r, err := c.Get(context.Background(), url+"/echo")
					if err != nil {
						t.Errorf("Get: %v", err)
						continue
					}
					var e struct {
						Authorization *string `json:"authorization"`
					}
					if err := json.Unmarshal(r.Body, &e); err != nil || e.Authorization == nil ||
						!valid(strings.TrimPrefix(*e.Authorization, "Bearer ")) {
						t.Errorf("echo saw %v (%v)", e.Authorization, err)
					}
				default:
					if u, err := c.Whoami(context.Background()); err != nil || (u.ID != 1 && u.ID != 2) {
						t.Errorf("Whoami = %+v, %v", u, err)
					}
					if _, err := c.DatastackInfo(context.Background()); err != nil {
						t.Errorf("DatastackInfo: %v", err)
					}
					if _, err := a.TokenFile(); err != nil {
						t.Errorf("TokenFile: %v", err)
					}
				}
			}
		}()
	}
	close(start)
	wg.Wait()

	raw, err := os.ReadFile(filepath.Join(secrets, "chunkedgraph-secret.json"))
	if err != nil {
		t.Fatal(err)
	}
	var saved map[string]string
	if err := json.Unmarshal(raw, &saved); err != nil {
		t.Fatalf("the secret file is not a JSON object of strings: %v\n%s", err, raw)
	}
	want := 0
	for g := 0; g < goroutines; g += 4 {
		for i := 0; i < rounds; i++ {
			tok := tokenA
			if (g+i)%2 == 1 {
				tok = tokenB
			}
			key := fmt.Sprintf("key_%d_%d", g, i)
			if saved[key] != tok {
				t.Errorf("%s = %q, want %q", key, saved[key], tok)
			}
			want++
		}
	}
	if len(saved) != want {
		t.Errorf("the file holds %d keys, want %d: %s", len(saved), want, raw)
	}
}
