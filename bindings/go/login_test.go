package fwclient_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// scriptedBrowser is tests/login/browser.py, which follows the login's
// redirects as a browser does.
func scriptedBrowser() string {
	if b := os.Getenv("FW_TEST_BROWSER"); b != "" {
		return b
	}
	return filepath.Join("..", "..", "tests", "login", "browser.py")
}

func loginAuth(t *testing.T) *fwclient.Auth {
	t.Helper()
	needServer(t)
	freshHome(t)
	return mustAuth(t, &fwclient.Options{ServerAddress: devURL})
}

func TestLoginWithAScriptedBrowser(t *testing.T) {
	auth := loginAuth(t)
	login, err := fwclient.StartLogin(auth, &fwclient.LoginSettings{Description: "Go test"})
	if err != nil {
		t.Fatal(err)
	}
	defer login.Close()
	if want := devURL + "/sticky_auth/api/v1/authorize?redirect=http%3A%2F%2F127.0.0.1%3A"; !strings.HasPrefix(login.URL(), want) {
		t.Fatalf("URL %q", login.URL())
	}
	browser := exec.Command("python3", scriptedBrowser(), login.URL())
	browser.Stderr = os.Stderr
	if err := browser.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done, err := login.Wait(ctx)
	if werr := browser.Wait(); werr != nil {
		t.Errorf("browser: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if done.Source != fwclient.SourceFile || done.User != "Ada Lovelace <ada@example.org>" {
		t.Fatalf("result %+v", done)
	}
	key, ok, err := auth.Token()
	if err != nil || !ok {
		t.Fatalf("no token after the login: %v", err)
	}
	saved, err := os.ReadFile(done.SavedPath)
	if err != nil || !strings.Contains(string(saved), key) {
		t.Fatalf("%s does not hold the key: %v", done.SavedPath, err)
	}
}

func TestLoginWaitEndsWithItsContext(t *testing.T) {
	auth := loginAuth(t)
	login, err := fwclient.StartLogin(auth, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer login.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = login.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, fwclient.ErrTimeout) {
		t.Fatalf("got %v, want a deadline", err)
	}
	if !strings.Contains(err.Error(), "did not come back") {
		t.Fatalf("message %q", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	go stop()
	_, err = login.Wait(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want canceled", err)
	}
	if _, ok, _ := auth.Token(); ok {
		t.Fatal("a token was saved")
	}
}
