package fwclient_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The fw-devserver started by TestMain (or given by FW_DEVSERVER_URL and
// FW_DEVSERVER_OTHER_URL); "" when none could be started.
var (
	devURL      string
	devOtherURL string
	devProblem  string
)

// Environment variables the library reads; tests start without them.
var libraryEnv = []string{"FW_AUTH_TOKEN", "FW_SECRETS_DIR", "FW_SECRETS_LAYOUT", "FW_CA_BUNDLE", "FW_SERVER_ADDRESS"}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// No test may read or write the real ~/.cloudvolume.
	home, err := os.MkdirTemp("", "fwclient-go-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	os.Setenv("HOME", home)
	os.Setenv("USERPROFILE", home) // the home directory on Windows
	for _, v := range libraryEnv {
		os.Unsetenv(v)
	}

	if u := os.Getenv("FW_DEVSERVER_URL"); u != "" {
		devURL, devOtherURL = u, os.Getenv("FW_DEVSERVER_OTHER_URL")
	} else {
		srv, err := startDevserver()
		if err != nil {
			devProblem = err.Error()
		} else {
			defer srv.stop()
			devURL, devOtherURL = srv.url, srv.otherURL
		}
	}
	return m.Run()
}

// devserver is a running fw-devserver process.
type devserver struct {
	cmd      *exec.Cmd
	url      string
	otherURL string
}

func devserverBinary() string {
	if b := os.Getenv("FW_DEVSERVER_BIN"); b != "" {
		return b
	}
	return filepath.Join("..", "..", "target", "release", "fw-devserver")
}

// startDevserver starts fw-devserver on free ports and reads the two URL
// lines it prints first.
func startDevserver(extra ...string) (*devserver, error) {
	bin := devserverBinary()
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("fw-devserver not found at %s (cargo build --release -p fw-devserver)", bin)
	}
	args := append([]string{"--port", "0", "--other-port", "0", "--quiet"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	srv := &devserver{cmd: cmd}
	type result struct{ url, other string }
	lines := make(chan result, 1)
	go func() {
		var r result
		sc := bufio.NewScanner(stdout)
		for (r.url == "" || r.other == "") && sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "FW_DEVSERVER_URL="); ok {
				r.url = v
			} else if v, ok := strings.CutPrefix(sc.Text(), "FW_DEVSERVER_OTHER_URL="); ok {
				r.other = v
			}
		}
		lines <- r
		io.Copy(io.Discard, stdout)
	}()
	select {
	case r := <-lines:
		if r.url == "" {
			srv.stop()
			return nil, fmt.Errorf("fw-devserver printed no FW_DEVSERVER_URL line")
		}
		srv.url, srv.otherURL = r.url, r.other
		return srv, nil
	case <-time.After(20 * time.Second):
		srv.stop()
		return nil, fmt.Errorf("fw-devserver did not print its URL within 20 s")
	}
}

// stop kills the process by its PID and reaps it.
func (s *devserver) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// needServer skips t without a devserver, or fails it when
// FWCLIENT_REQUIRE_DEVSERVER is set (as `make test-go` does).
func needServer(t *testing.T) {
	t.Helper()
	if devURL != "" {
		return
	}
	if os.Getenv("FWCLIENT_REQUIRE_DEVSERVER") != "" {
		t.Fatalf("no fw-devserver: %s", devProblem)
	}
	t.Skipf("no fw-devserver: %s", devProblem)
}

// freshHome gives t an empty HOME and returns it.
func freshHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // the home directory on Windows
	return home
}
