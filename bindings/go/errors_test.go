package fwclient_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// headerCodes reads every `FW_ERR_* = N` of the committed header.
func headerCodes(t *testing.T) map[string]uint64 {
	t.Helper()
	text, err := os.ReadFile("../../include/fwclient.h")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]uint64{}
	re := regexp.MustCompile(`(?m)^\s*(FW_ERR_[A-Z0-9_]+)\s*=\s*(\d+)\s*,?`)
	for _, m := range re.FindAllStringSubmatch(string(text), -1) {
		n, err := strconv.ParseUint(m[2], 10, 32)
		if err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		codes[m[1]] = n
	}
	if len(codes) == 0 {
		t.Fatal("no FW_ERR_* codes found in include/fwclient.h")
	}
	return codes
}

// TestListsAreTheHeaders fails when lists_gen.go (the Code and Remedy
// constants and the sentinels) is not what gen_lists.go makes of the
// committed header: run `go generate` after `make header` (STYLE 13).
func TestListsAreTheHeaders(t *testing.T) {
	want, err := exec.Command("go", "run", "gen_lists.go", "-o", "-").Output()
	if err != nil {
		t.Fatalf("go run gen_lists.go: %v", err)
	}
	got, err := os.ReadFile("lists_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("lists_gen.go differs from the header's lists: run go generate in bindings/go")
	}
}

// Every remedy of the header is said in Go's words, naming no C call.
func TestEveryRemedyHasAFixInGo(t *testing.T) {
	for _, r := range fwclient.Remedies() {
		fix := fwclient.FixInGo(r, "DATA")
		if (fix == "") != (r == fwclient.RemedyNone) || strings.Contains(fix, "fw_") || strings.Contains(fix, "FW_") {
			t.Errorf("%v: %q", r, fix)
		}
	}
	if got := fwclient.Remedy(999).String(); got != "FW_REMEDY_999" {
		t.Errorf("unknown remedy named %q", got)
	}
}

func TestEveryHeaderCodeIsNamedAndMatchesOnlyItself(t *testing.T) {
	codes := headerCodes(t)
	for name, n := range codes {
		if got := fwclient.Code(n).String(); got != name {
			t.Errorf("code %d: library names it %q, header %q", n, got, name)
		}
		for other, m := range codes {
			match := errors.Is(&fwclient.Error{Code: fwclient.Code(n)}, &fwclient.Error{Code: fwclient.Code(m)})
			if match != (other == name) {
				t.Errorf("an error with %s matching %s: %v", name, other, match)
			}
		}
	}
	if fwclient.CodeOK != 0 || fwclient.ErrHTTPStatus.Error() != "FW_ERR_HTTP_STATUS" {
		t.Errorf("CodeOK = %d, ErrHTTPStatus %q", fwclient.CodeOK, fwclient.ErrHTTPStatus)
	}
	if got := fwclient.Code(12345).String(); got != "FW_UNKNOWN_RESULT" {
		t.Errorf("unknown code named %q", got)
	}
}

func TestErrorIsAndAs(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &fwclient.Error{Code: fwclient.CodeMissingTOS, Message: "accept it", TOSFormURL: "https://x/tos"})
	if !errors.Is(err, fwclient.ErrMissingTOS) || errors.Is(err, fwclient.ErrForbidden) {
		t.Fatal("errors.Is through a wrap")
	}
	var e *fwclient.Error
	if !errors.As(err, &e) || e.TOSFormURL != "https://x/tos" || e.Error() != "accept it" {
		t.Fatalf("errors.As: %#v", e)
	}
	if fwclient.ErrIO.Error() != "FW_ERR_IO" {
		t.Fatalf("sentinel text %q", fwclient.ErrIO.Error())
	}
	if errors.Is(errors.New("other"), fwclient.ErrIO) {
		t.Fatal("a foreign error matched")
	}
}

func TestVersion(t *testing.T) {
	if fwclient.LibraryVersion() != fwclient.VersionString {
		t.Fatalf("linked library %s, header %s", fwclient.LibraryVersion(), fwclient.VersionString)
	}
	want := fmt.Sprintf("%d.%d.%d", fwclient.VersionMajor, fwclient.VersionMinor, fwclient.VersionPatch)
	if want != fwclient.VersionString {
		t.Fatalf("version macros %s vs %s", want, fwclient.VersionString)
	}
	if fwclient.VersionNumber != fwclient.VersionMajor<<16|fwclient.VersionMinor<<8|fwclient.VersionPatch {
		t.Fatalf("FW_VERSION_NUMBER %d", fwclient.VersionNumber)
	}
}
