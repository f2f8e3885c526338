package fwclient_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

// goCodes is this binding's mapping of every FW_ERR_* name to its Code
// constant and sentinel. A code added to the header without an entry here
// fails TestEveryHeaderCodeIsMapped (STYLE 13).
var goCodes = map[string]struct {
	code     fwclient.Code
	sentinel error
}{
	"FW_ERR_INVALID_ARGUMENT":     {fwclient.CodeInvalidArgument, fwclient.ErrInvalidArgument},
	"FW_ERR_INVALID_TOKEN_FORMAT": {fwclient.CodeInvalidTokenFormat, fwclient.ErrInvalidTokenFormat},
	"FW_ERR_TOKEN_EXISTS":         {fwclient.CodeTokenExists, fwclient.ErrTokenExists},
	"FW_ERR_IO":                   {fwclient.CodeIO, fwclient.ErrIO},
	"FW_ERR_SECRET_FILE":          {fwclient.CodeSecretFile, fwclient.ErrSecretFile},
	"FW_ERR_NOT_AUTHENTICATED":    {fwclient.CodeNotAuthenticated, fwclient.ErrNotAuthenticated},
	"FW_ERR_INVALID_TOKEN":        {fwclient.CodeInvalidToken, fwclient.ErrInvalidToken},
	"FW_ERR_BAD_AUTH_HEADER":      {fwclient.CodeBadAuthHeader, fwclient.ErrBadAuthHeader},
	"FW_ERR_MISSING_TOS":          {fwclient.CodeMissingTOS, fwclient.ErrMissingTOS},
	"FW_ERR_FORBIDDEN":            {fwclient.CodeForbidden, fwclient.ErrForbidden},
	"FW_ERR_HTTP_STATUS":          {fwclient.CodeHTTPStatus, fwclient.ErrHTTPStatus},
	"FW_ERR_NETWORK":              {fwclient.CodeNetwork, fwclient.ErrNetwork},
	"FW_ERR_TIMEOUT":              {fwclient.CodeTimeout, fwclient.ErrTimeout},
	"FW_ERR_TLS":                  {fwclient.CodeTLS, fwclient.ErrTLS},
	"FW_ERR_INSECURE_URL":         {fwclient.CodeInsecureURL, fwclient.ErrInsecureURL},
	"FW_ERR_INVALID_URL":          {fwclient.CodeInvalidURL, fwclient.ErrInvalidURL},
	"FW_ERR_BAD_RESPONSE":         {fwclient.CodeBadResponse, fwclient.ErrBadResponse},
	"FW_ERR_UNTRUSTED_ORIGIN":     {fwclient.CodeUntrustedOrigin, fwclient.ErrUntrustedOrigin},
	"FW_ERR_CANCELED":             {fwclient.CodeCanceled, fwclient.ErrCanceled},
	"FW_ERR_PANIC":                {fwclient.CodePanic, fwclient.ErrPanic},
}

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

func TestEveryHeaderCodeIsMapped(t *testing.T) {
	codes := headerCodes(t)
	for name, n := range codes {
		entry, ok := goCodes[name]
		if !ok {
			t.Errorf("%s = %d has no Go Code constant and sentinel", name, n)
			continue
		}
		if uint64(entry.code) != n {
			t.Errorf("%s: Go constant is %d, header says %d", name, entry.code, n)
		}
		var e *fwclient.Error
		if !errors.As(entry.sentinel, &e) || uint64(e.Code) != n {
			t.Errorf("%s: sentinel %v does not carry code %d", name, entry.sentinel, n)
		}
		if got := entry.code.String(); got != name {
			t.Errorf("code %d: library names it %q, header %q", n, got, name)
		}
		if !errors.Is(&fwclient.Error{Code: fwclient.Code(n)}, entry.sentinel) {
			t.Errorf("%s: errors.Is does not match an *Error with code %d", name, n)
		}
		// No other sentinel matches this code.
		for other, oe := range goCodes {
			if other != name && errors.Is(&fwclient.Error{Code: fwclient.Code(n)}, oe.sentinel) {
				t.Errorf("an error with %s also matches %s", name, other)
			}
		}
	}
	for name := range goCodes {
		if _, ok := codes[name]; !ok {
			t.Errorf("Go maps %s, which the header does not define", name)
		}
	}
	if fwclient.CodeOK != 0 {
		t.Errorf("CodeOK = %d", fwclient.CodeOK)
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
