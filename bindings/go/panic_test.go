//go:build fwclient_testpanic

package fwclient

import (
	"errors"
	"strings"
	"testing"
)

// A panic inside the library comes back as ErrPanic with the library's
// message, and the library keeps working (make test-panic).
func TestPanicBoundary(t *testing.T) {
	err := testPanic()
	if !errors.Is(err, ErrPanic) {
		t.Fatalf("err = %v, want ErrPanic", err)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != CodePanic || !strings.Contains(fe.Message, "panic was caught") {
		t.Fatalf("err = %#v", err)
	}
	t.Logf("message: %s", fe.Message)
	if _, err := NewAuth(&Options{Token: "fake_token_after_panic"}); err != nil {
		t.Fatalf("a call after the panic: %v", err)
	}
}
