// Command fwbench-go: fwclient benchmarks measured from Go through the cgo
// binding (bindings/go), the same measurements as bench_c's so the driver
// can set them side by side. Prints "key value" lines.
//
//	fwbench-go get URL SERVER N ROUNDS          Client.Get, N per round, alternating
//	                                            with the same GET through the C ABI
//	                                            (one cgo call) on a client of its own
//	fwbench-go auth-calls SECRETS_DIR N ROUNDS  Auth.Token and Auth.RequestHeader
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../target/release -lfwclient -Wl,-rpath,${SRCDIR}/../../target/release
#include <stdlib.h>
#include "fwclient.h"

// The same GET through the C ABI directly (one cgo call): 0 on success.
static int raw_get(fw_client *c, const char *url) {
	fw_response *r = NULL;
	if (fw_client_get(c, url, &r, NULL) != FW_OK) return 1;
	size_t len = 0;
	const uint8_t *data = fw_response_body(r, &len);
	int bad = data == NULL || len == 0 || data[0] != '{';
	fw_response_free(r);
	return bad;
}
*/
import "C"

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	fwclient "github.com/fwclient/fwclient/bindings/go"
)

const token = "0123456789abcdef0123456789abcdef"

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fwbench-go: "+format+"\n", args...)
	os.Exit(1)
}

func num(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		fmt.Fprintf(os.Stderr, "fwbench-go: bad number %q\n", s)
		os.Exit(2)
	}
	return v
}

func getOnce(c *fwclient.Client, url string) {
	r, err := c.Get(context.Background(), url)
	if err != nil {
		die("Get: %v", err)
	}
	if len(r.Body) == 0 || r.Body[0] != '{' {
		die("unexpected body")
	}
}

// rawClient is a C client with the same options, for the same GET through
// the C ABI directly from this process: the binding's own cost is the
// difference, paired round by round.
func rawClient(server string) *C.fw_client {
	var o *C.fw_options
	C.fw_options_new(&o, nil)
	defer C.fw_options_free(o)
	ct, cs := C.CString(token), C.CString(server)
	defer C.free(unsafe.Pointer(ct))
	defer C.free(unsafe.Pointer(cs))
	C.fw_options_set_token(o, ct, nil)
	C.fw_options_set_server_address(o, cs, nil)
	var c *C.fw_client
	if C.fw_client_new(nil, o, &c, nil) != C.FW_OK {
		die("fw_client_new failed")
	}
	return c
}

func get(url, server string, n, rounds int) {
	c, err := fwclient.NewClient("", &fwclient.Options{Token: token, ServerAddress: server})
	if err != nil {
		die("NewClient: %v", err)
	}
	defer c.Close()
	raw := rawClient(server)
	defer C.fw_client_free(raw)
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	rawGet := func() {
		if C.raw_get(raw, curl) != 0 {
			die("fw_client_get failed")
		}
	}
	for i := 0; i < n/4+100; i++ { // warm-up
		getOnce(c, url)
		rawGet()
	}
	for round := 0; round < rounds; round++ {
		var binding, rawNs float64
		for half := 0; half < 2; half++ {
			// The order alternates, so drift hits both alike.
			t0 := time.Now()
			if (half == 0) == (round%2 == 0) {
				for i := 0; i < n; i++ {
					getOnce(c, url)
				}
				binding = float64(time.Since(t0).Nanoseconds()) / float64(n)
			} else {
				for i := 0; i < n; i++ {
					rawGet()
				}
				rawNs = float64(time.Since(t0).Nanoseconds()) / float64(n)
			}
		}
		fmt.Printf("get_ns %.1f\nraw_get_ns %.1f\n", binding, rawNs)
	}
}

func authCalls(dir string, n, rounds int) {
	a, err := fwclient.NewAuth(&fwclient.Options{SecretsDir: dir})
	if err != nil {
		die("NewAuth: %v", err)
	}
	defer a.Close()
	if t, ok, err := a.Token(); err != nil || !ok || t != token {
		die("the secret file's token was not found (%v)", err)
	}
	sink := 0
	for round := -1; round < rounds; round++ { // round -1 warms up
		t0 := time.Now()
		for i := 0; i < n; i++ {
			t, _, err := a.Token()
			if err != nil {
				die("Token: %v", err)
			}
			sink += len(t)
		}
		t1 := time.Now()
		for i := 0; i < n; i++ {
			h, _, err := a.RequestHeader()
			if err != nil {
				die("RequestHeader: %v", err)
			}
			sink += len(h)
		}
		t2 := time.Now()
		if round >= 0 {
			fmt.Printf("auth_token_ns %.2f\n", float64(t1.Sub(t0).Nanoseconds())/float64(n))
			fmt.Printf("request_header_ns %.2f\n", float64(t2.Sub(t1).Nanoseconds())/float64(n))
		}
	}
	if sink == 1 {
		fmt.Println()
	}
}

func main() {
	a := os.Args[1:]
	switch {
	case len(a) == 5 && a[0] == "get":
		get(a[1], a[2], num(a[3]), num(a[4]))
	case len(a) == 4 && a[0] == "auth-calls":
		authCalls(a[1], num(a[2]), num(a[3]))
	default:
		fmt.Fprintln(os.Stderr, "usage: fwbench-go get URL SERVER N ROUNDS | auth-calls SECRETS_DIR N ROUNDS")
		os.Exit(2)
	}
}
