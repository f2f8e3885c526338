package fwclient_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

func mustAuth(t *testing.T, opts *fwclient.Options) *fwclient.Auth {
	t.Helper()
	a, err := fwclient.NewAuth(opts)
	if err != nil {
		t.Fatalf("NewAuth: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func wantCode(t *testing.T, err error, sentinel error) *fwclient.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("got error %v, want %v", err, sentinel)
	}
	var e *fwclient.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an *fwclient.Error", err)
	}
	return e
}

func wantToken(t *testing.T, a *fwclient.Auth, want string) {
	t.Helper()
	got, ok, err := a.Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if want == "" {
		if ok || got != "" {
			t.Fatalf("Token = %q, %v; want none", got, ok)
		}
		return
	}
	if !ok || got != want {
		t.Fatalf("Token = %q, %v; want %q", got, ok, want)
	}
}

func defaultSecret(home string) string {
	return filepath.Join(home, ".cloudvolume", "secrets", "chunkedgraph-secret.json")
}

func TestAuthWithoutToken(t *testing.T) {
	home := freshHome(t)
	a := mustAuth(t, nil)
	wantToken(t, a, "")
	src, err := a.Source()
	if err != nil || src != (fwclient.TokenSource{Kind: fwclient.SourceNone}) {
		t.Fatalf("Source = %+v, %v", src, err)
	}
	if h, ok, err := a.RequestHeader(); err != nil || ok || h != "" {
		t.Fatalf("RequestHeader = %q, %v, %v", h, ok, err)
	}
	if l, err := a.Layout(); err != nil || l != fwclient.LayoutFramework {
		t.Fatalf("Layout = %v, %v", l, err)
	}
	if f, err := a.TokenFile(); err != nil || f != defaultSecret(home) {
		t.Fatalf("TokenFile = %q, %v; want %q", f, err, defaultSecret(home))
	}
	// Construction creates no directory.
	if _, err := os.Stat(filepath.Join(home, ".cloudvolume")); !os.IsNotExist(err) {
		t.Fatalf("NewAuth created ~/.cloudvolume: %v", err)
	}
}

func TestSaveTokenWritesTheSeedFile(t *testing.T) {
	home := freshHome(t)
	a := mustAuth(t, nil)
	if err := a.SaveToken("fake_token_123", nil); err != nil {
		t.Fatalf("SaveToken: %v", err)
	}
	wantToken(t, a, "fake_token_123")
	path := defaultSecret(home)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"token": "fake_token_123"}` {
		t.Fatalf("file holds %q", data)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v", st.Mode(), err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v, %v", st.Mode(), err)
	}
	if h, ok, err := a.RequestHeader(); err != nil || !ok || h != "Bearer fake_token_123" {
		t.Fatalf("RequestHeader = %q, %v, %v", h, ok, err)
	}

	// A new auth finds it in the file.
	b := mustAuth(t, nil)
	wantToken(t, b, "fake_token_123")
	src, err := b.Source()
	if err != nil || src.Kind != fwclient.SourceFile || src.Path != path || src.Key != "token" {
		t.Fatalf("Source = %+v, %v", src, err)
	}
	if src.Kind.String() != "file" {
		t.Fatalf("SourceKind.String = %q", src.Kind)
	}
}

func TestSaveTokenExists(t *testing.T) {
	home := freshHome(t)
	a := mustAuth(t, nil)
	if err := a.SaveToken("fake_token_123", nil); err != nil {
		t.Fatal(err)
	}
	err := a.SaveToken("another_fake_token_678", nil)
	e := wantCode(t, err, fwclient.ErrTokenExists)
	// caveclient's words for the problem, then the fix in Go's.
	problem := fmt.Sprintf(`Key "token" already exists in token file "%s"`, defaultSecret(home))
	want := problem + "; to replace it, call Auth.SaveToken with SaveOptions{Overwrite: true}"
	if err.Error() != want || e.Message != want || e.Problem != problem {
		t.Fatalf("message %q\nwant    %q", err.Error(), want)
	}
	if e.Remedy != fwclient.RemedyOverwrite || e.RemedyData != "" || e.Remedy.String() != "FW_REMEDY_OVERWRITE" {
		t.Fatalf("remedy %v %q", e.Remedy, e.RemedyData)
	}
	if e.Name != "FW_ERR_TOKEN_EXISTS" || e.HTTPStatus != 0 || e.URL != "" {
		t.Fatalf("detail %#v", e)
	}
	data, _ := os.ReadFile(defaultSecret(home))
	if string(data) != `{"token": "fake_token_123"}` {
		t.Fatalf("file changed: %q", data)
	}
	wantToken(t, a, "fake_token_123")

	if err := a.SaveToken("another_fake_token_678", &fwclient.SaveOptions{Overwrite: true}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	data, _ = os.ReadFile(defaultSecret(home))
	if string(data) != `{"token": "another_fake_token_678"}` {
		t.Fatalf("file holds %q", data)
	}
	wantToken(t, a, "another_fake_token_678")
}

func TestSaveTokenOptions(t *testing.T) {
	freshHome(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "my-secret.json")
	a := mustAuth(t, &fwclient.Options{Token: "fake_token_123"})

	// "" saves the token in use, under another key and file.
	if err := a.SaveToken("", &fwclient.SaveOptions{TokenKey: "mine", TokenFile: file}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != `{"mine": "fake_token_123"}` {
		t.Fatalf("file holds %q", data)
	}
	// NoSwitch keeps the current token; other keys are kept.
	if err := a.SaveToken("another_fake_token_678", &fwclient.SaveOptions{TokenFile: file, NoSwitch: true}); err != nil {
		t.Fatal(err)
	}
	wantToken(t, a, "fake_token_123")
	if data, _ := os.ReadFile(file); string(data) != `{"mine": "fake_token_123", "token": "another_fake_token_678"}` {
		t.Fatalf("file holds %q", data)
	}
	// The cave-layout flags are accepted.
	all := &fwclient.SaveOptions{TokenFile: file, TokenKey: "k", NoServerFile: true, NoLocalServer: true, StrictReadOnly: true}
	if err := a.SaveToken("fake_token_123", all); err != nil {
		t.Fatal(err)
	}
	// Read back through TokenFile + TokenKey.
	b := mustAuth(t, &fwclient.Options{TokenFile: file, TokenKey: "mine"})
	wantToken(t, b, "fake_token_123")
	src, err := b.Source()
	if err != nil || src.Kind != fwclient.SourceFile || src.Path != file || src.Key != "mine" {
		t.Fatalf("Source = %+v, %v", src, err)
	}
	// A bad token is refused before anything is written.
	wantCode(t, a.SaveToken("bad token", &fwclient.SaveOptions{TokenFile: file, Overwrite: true}), fwclient.ErrInvalidTokenFormat)
	wantCode(t, a.SaveToken("x", &fwclient.SaveOptions{TokenFile: "a\x00b"}), fwclient.ErrInvalidArgument)
}

func TestSetToken(t *testing.T) {
	home := freshHome(t)
	a := mustAuth(t, nil)
	if err := a.SetToken("fake_token_123"); err != nil {
		t.Fatal(err)
	}
	wantToken(t, a, "fake_token_123")
	if src, _ := a.Source(); src.Kind != fwclient.SourceExplicit {
		t.Fatalf("Source = %+v", src)
	}
	if _, err := os.Stat(defaultSecret(home)); !os.IsNotExist(err) {
		t.Fatal("SetToken wrote a file")
	}
	for _, bad := range []string{"", "has space", "new\nline", "caf\u00e9"} {
		wantCode(t, a.SetToken(bad), fwclient.ErrInvalidTokenFormat)
	}
	e := wantCode(t, a.SetToken("nul\x00byte"), fwclient.ErrInvalidArgument)
	if strings.Contains(e.Message, "nul") {
		t.Fatalf("message shows the token: %q", e.Message)
	}
	wantToken(t, a, "fake_token_123")
}

func TestEnvironmentToken(t *testing.T) {
	freshHome(t)
	t.Setenv("FW_AUTH_TOKEN", "env_token_1")
	a := mustAuth(t, nil)
	wantToken(t, a, "env_token_1")
	if src, _ := a.Source(); src.Kind != fwclient.SourceEnv || src.Kind.String() != "env" {
		t.Fatalf("Source = %+v", src)
	}
	// An explicit token wins.
	b := mustAuth(t, &fwclient.Options{Token: "fake_token_123"})
	wantToken(t, b, "fake_token_123")
}

func TestSecretsDirAndLayout(t *testing.T) {
	freshHome(t)
	dir := t.TempDir()
	cave := fwclient.LayoutCave
	a := mustAuth(t, &fwclient.Options{SecretsDir: dir, Layout: &cave})
	if l, err := a.Layout(); err != nil || l != fwclient.LayoutCave || l.String() != "cave" {
		t.Fatalf("Layout = %v, %v", l, err)
	}
	if f, err := a.TokenFile(); err != nil || f != filepath.Join(dir, "cave-secret.json") {
		t.Fatalf("TokenFile = %q, %v", f, err)
	}
	framework := fwclient.LayoutFramework
	b := mustAuth(t, &fwclient.Options{SecretsDir: dir, Layout: &framework})
	if f, err := b.TokenFile(); err != nil || f != filepath.Join(dir, "chunkedgraph-secret.json") {
		t.Fatalf("TokenFile = %q, %v", f, err)
	}
}

func TestMalformedSecretFile(t *testing.T) {
	home := freshHome(t)
	path := defaultSecret(home)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("not json"), 0o600)
	// The auth and the client exist, so that a token can be saved over the
	// file; the token's use fails, naming the file, its form and the fix.
	c, err := fwclient.NewClient("minnie65_public", nil)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer c.Close()
	a := mustAuth(t, nil)
	_, _, err = a.Token()
	e := wantCode(t, err, fwclient.ErrSecretFile)
	for _, want := range []string{path, `{"token": "<your token>"}`, "SaveOptions{Overwrite: true, ReplaceInvalid: true}"} {
		if !strings.Contains(e.Message, want) {
			t.Fatalf("message %q does not hold %s", e.Message, want)
		}
	}
	if strings.Contains(e.Message, "FW_") || strings.Contains(e.Message, "fw_") {
		t.Fatalf("message %q names a C flag or call", e.Message)
	}
	if e.Remedy != fwclient.RemedyReplaceInvalid || e.RemedyData != path {
		t.Fatalf("remedy %v %q", e.Remedy, e.RemedyData)
	}
	err = a.SaveToken("fake_token_123", &fwclient.SaveOptions{Overwrite: true})
	wantCode(t, err, fwclient.ErrSecretFile)
	if err := a.SaveToken("fake_token_123", &fwclient.SaveOptions{Overwrite: true, ReplaceInvalid: true}); err != nil {
		t.Fatalf("SaveToken with ReplaceInvalid: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"token": "fake_token_123"}` {
		t.Fatalf("file holds %q", got)
	}
	kept, _ := filepath.Glob(path + ".invalid-*")
	if len(kept) != 1 {
		t.Fatalf("kept files: %v", kept)
	}
	if got, _ := os.ReadFile(kept[0]); string(got) != "not json" {
		t.Fatalf("kept file holds %q", got)
	}
}

func TestURLsAndInstructions(t *testing.T) {
	freshHome(t)
	a := mustAuth(t, &fwclient.Options{ServerAddress: "https://example.org"})
	create, err := a.NewTokenURL()
	if err != nil || create != "https://example.org/auth/api/v1/create_token" {
		t.Fatalf("NewTokenURL = %q, %v", create, err)
	}
	page, err := a.TokenPageURL()
	if err != nil || page != "https://example.org/sticky_auth/settings/tokens" {
		t.Fatalf("TokenPageURL = %q, %v", page, err)
	}
	text, err := a.NewTokenInstructions()
	if err != nil {
		t.Fatal(err)
	}
	// The Go calls the instructions name are this package's.
	for _, want := range []string{create, page, `auth.SaveToken("PASTE_YOUR_TOKEN_HERE", nil)`, `auth.SetToken("PASTE_YOUR_TOKEN_HERE")`} {
		if !strings.Contains(text, want) {
			t.Errorf("instructions lack %q:\n%s", want, text)
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	freshHome(t)
	bad := fwclient.Layout(7)
	neg := -1
	for name, tc := range map[string]struct {
		opts *fwclient.Options
		want error
	}{
		"token format":   {&fwclient.Options{Token: "two words"}, fwclient.ErrInvalidTokenFormat},
		"token NUL":      {&fwclient.Options{Token: "a\x00b"}, fwclient.ErrInvalidArgument},
		"layout":         {&fwclient.Options{Layout: &bad}, fwclient.ErrInvalidArgument},
		"connect":        {&fwclient.Options{ConnectTimeout: -time.Second}, fwclient.ErrInvalidArgument},
		"total":          {&fwclient.Options{TotalTimeout: -time.Second}, fwclient.ErrInvalidArgument},
		"retries":        {&fwclient.Options{MaxRetries: &neg}, fwclient.ErrInvalidArgument},
		"body":           {&fwclient.Options{MaxBodyBytes: -1}, fwclient.ErrInvalidArgument},
		"origin NUL":     {&fwclient.Options{TrustedOrigins: []string{"x\x00"}}, fwclient.ErrInvalidArgument},
		"server address": {&fwclient.Options{ServerAddress: "a\x00b"}, fwclient.ErrInvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fwclient.NewAuth(tc.opts)
			e := wantCode(t, err, tc.want)
			if strings.Contains(e.Message, "two words") {
				t.Fatalf("message shows the token: %q", e.Message)
			}
			_, err = fwclient.NewClient("", tc.opts)
			wantCode(t, err, tc.want)
		})
	}
	// Every valid option is accepted.
	zero := 0
	cave := fwclient.LayoutCave
	all := &fwclient.Options{
		Token: "fake_token_123", TokenFile: "~/x.json", TokenKey: "k", ServerAddress: "https://example.org",
		SecretsDir: t.TempDir(), Layout: &cave, ConnectTimeout: time.Microsecond, TotalTimeout: time.Minute,
		MaxRetries: &zero, MaxBodyBytes: 1 << 20, TrustedOrigins: []string{"https://a.example.org"},
		AllowInsecureHTTP: true,
	}
	a := mustAuth(t, all)
	wantToken(t, a, "fake_token_123")
}

// Every method of a closed (or nil) Auth returns an ErrInvalidArgument
// error and never reaches freed memory.
func TestClosedAuth(t *testing.T) {
	freshHome(t)
	a, err := fwclient.NewAuth(&fwclient.Options{Token: "fake_token_123"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Close() != nil || a.Close() != nil {
		t.Fatal("Close returned an error")
	}
	var nilAuth *fwclient.Auth
	for _, x := range []*fwclient.Auth{a, nilAuth} {
		checkClosed(t, x.SetToken("fake_token_123"))
		checkClosed(t, x.SaveToken("fake_token_123", nil))
		_, _, err := x.Token()
		checkClosed(t, err)
		_, err = x.Source()
		checkClosed(t, err)
		_, err = x.Layout()
		checkClosed(t, err)
		_, err = x.TokenFile()
		checkClosed(t, err)
		_, err = x.NewTokenInstructions()
		checkClosed(t, err)
		_, err = x.NewTokenURL()
		checkClosed(t, err)
		_, err = x.TokenPageURL()
		checkClosed(t, err)
		_, _, err = x.RequestHeader()
		checkClosed(t, err)
		if x.Close() != nil {
			t.Fatal("Close")
		}
	}
}

func checkClosed(t *testing.T, err error) {
	t.Helper()
	e := wantCode(t, err, fwclient.ErrInvalidArgument)
	if !strings.Contains(e.Message, "closed") && !strings.Contains(e.Message, "nil") {
		t.Fatalf("message %q", e.Message)
	}
}

// Close from many goroutines while others call: no crash, no double free,
// every call either works or reports "closed".
func TestAuthCloseRace(t *testing.T) {
	freshHome(t)
	for round := 0; round < 20; round++ {
		a, err := fwclient.NewAuth(&fwclient.Options{Token: "fake_token_123"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for j := 0; j < 20; j++ {
					if tok, ok, err := a.Token(); err == nil && (!ok || tok != "fake_token_123") {
						t.Errorf("Token = %q, %v", tok, ok)
					} else if err != nil && !errors.Is(err, fwclient.ErrInvalidArgument) {
						t.Errorf("Token: %v", err)
					}
				}
			}()
			go func() {
				defer wg.Done()
				a.Close()
			}()
		}
		wg.Wait()
	}
}

// Handles dropped without Close are freed by the GC cleanup.
func TestCleanupBackstop(t *testing.T) {
	freshHome(t)
	for i := 0; i < 3; i++ { // settle garbage left by earlier tests
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	before := fwclient.BackstopFrees()
	const n = 50
	for i := 0; i < n; i++ {
		a, err := fwclient.NewAuth(&fwclient.Options{Token: "fake_token_123"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := fwclient.NewClient("minnie65_public", nil)
		if err != nil {
			t.Fatal(err)
		}
		ca, err := c.Auth()
		if err != nil {
			t.Fatal(err)
		}
		_, _, _ = a.Token()
		_, _, _ = ca.Token()
	}
	deadline := time.Now().Add(10 * time.Second)
	for fwclient.BackstopFrees()-before < 3*n && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := fwclient.BackstopFrees() - before; got < 3*n {
		t.Fatalf("%d of %d forgotten handles freed", got, 3*n)
	}
	// A closed handle is not freed a second time by its cleanup.
	a, _ := fwclient.NewAuth(nil)
	a.Close()
	before = fwclient.BackstopFrees()
	a = nil
	for i := 0; i < 5; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := fwclient.BackstopFrees() - before; got != 0 {
		t.Fatalf("a closed handle ran its cleanup (%d)", got)
	}
}
