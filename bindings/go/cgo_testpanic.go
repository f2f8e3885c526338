//go:build fwclient_testpanic

package fwclient

// Linking for the panic-boundary test (make test-panic): the library built
// with the test-panic feature in target/panic-test, which alone exports
// fw_test_panic. Never used otherwise.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../target/panic-test -lfwclient -Wl,-rpath,${SRCDIR}/../../target/panic-test
#include "fwclient.h"
fw_result fw_test_panic(fw_error **err);
*/
import "C"

// testPanic calls fw_test_panic, whose body panics inside the library's
// boundary, and returns the error the package makes of it.
func testPanic() error {
	var e *C.fw_error
	rc := C.fw_test_panic(&e)
	return errorFrom(rc, e)
}
