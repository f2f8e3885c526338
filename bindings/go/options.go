package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"math"
	"strconv"
	"time"
)

// Layout is the set of secret files in use (see the design brief).
type Layout uint32

const (
	// LayoutFramework is annotationframeworkclient 3.1's layout
	// (chunkedgraph-secret.json), the default.
	LayoutFramework Layout = C.FW_LAYOUT_FRAMEWORK
	// LayoutCave is caveclient 8.x's layout (cave-secret.json).
	LayoutCave Layout = C.FW_LAYOUT_CAVE
)

// String is "framework" or "cave".
func (l Layout) String() string {
	switch l {
	case LayoutFramework:
		return "framework"
	case LayoutCave:
		return "cave"
	}
	return "Layout(" + strconv.FormatUint(uint64(l), 10) + ")"
}

// Options are the settings of NewAuth and NewClient. The zero value (or a nil
// *Options) means the library's defaults, which match the Python clients:
// each zero field is left at its default.
type Options struct {
	// Token is used directly; no secret file is read.
	Token string
	// TokenFile is the secret file to read instead of the default files
	// ("~" expanded, relative to the current directory otherwise).
	TokenFile string
	// TokenKey is the key the token is read under (default "token").
	TokenKey string
	// ServerAddress is the global server (default
	// "https://global.daf-apis.com"), used verbatim in URLs.
	ServerAddress string
	// SecretsDir is the secrets directory (default $FW_SECRETS_DIR, else
	// $CLOUD_VOLUME_DIR/secrets, else ~/.cloudvolume/secrets).
	SecretsDir string
	// Layout forces a layout (default $FW_SECRETS_LAYOUT, else chosen from
	// the files present).
	Layout *Layout
	// ConnectTimeout and TotalTimeout bound each request (defaults 10 s and
	// 60 s). They are passed together to the library, in whole milliseconds
	// rounded up: setting one keeps the other at its default. A negative
	// value is refused.
	ConnectTimeout time.Duration
	TotalTimeout   time.Duration
	// MaxRetries is how often an idempotent request is retried after 429,
	// 502, 503, 504 or a connection reset before any byte of the answer
	// (default 3; 0 disables retries).
	MaxRetries *int
	// RetryBaseDelay is the base of the backoff between tries: try n waits
	// a random time below RetryBaseDelay * 2^(n-1) (full jitter), or the
	// server's Retry-After plus a random time below it. 0 means the
	// library's default (100 ms); whole milliseconds, rounded up; a
	// negative value is refused.
	RetryBaseDelay time.Duration
	// MaxBodyBytes is the largest response body accepted (default 256 MiB);
	// a larger answer gives ErrBadResponse. A negative value is refused.
	MaxBodyBytes int64
	// CAFile is a PEM file of CA certificates trusted in addition to the
	// system's (default $FW_CA_BUNDLE).
	CAFile string
	// TrustedOrigins also receive the token ("https://host[:port]").
	TrustedOrigins []string
	// AllowInsecureHTTP allows sending the token over plain http to hosts
	// other than loopback.
	AllowInsecureHTTP bool
	// Proxy is "none" (no proxy at all) or an http:// or https:// proxy URL
	// for every non-loopback request. Empty: the environment decides, as in
	// Go's net/http (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) plus ALL_PROXY as
	// curl reads it. A SOCKS or other proxy is refused (ErrInvalidArgument),
	// never bypassed; loopback is never proxied.
	Proxy string
}

// toC builds the fw_options for o; nil for a nil o (the library's defaults).
// The caller frees the result with fw_options_free.
func (o *Options) toC() (*C.fw_options, error) {
	if o == nil {
		return nil, nil
	}
	var co *C.fw_options
	if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_new(&co, e) }); err != nil {
		return nil, err
	}
	if err := o.fill(co); err != nil {
		C.fw_options_free(co)
		return nil, err
	}
	return co, nil
}

// call runs one C call with an error slot and turns the outcome into an
// error (the library's message, as for every other call).
func call(f func(e **C.fw_error) C.fw_result) error {
	var e *C.fw_error
	rc := f(&e)
	return errorFrom(rc, e)
}

func (o *Options) fill(co *C.fw_options) error {
	if o.Token != "" {
		p, err := cString(o.Token)
		if err != nil {
			return err
		}
		err = call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_token(co, p, e) })
		freeSecret(p)
		if err != nil {
			return err
		}
	}
	strs := []struct {
		value string
		set   func(*C.fw_options, *C.char, **C.fw_error) C.fw_result
	}{
		{o.TokenFile, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_token_file(co, p, e)
		}},
		{o.TokenKey, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_token_key(co, p, e)
		}},
		{o.ServerAddress, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_server_address(co, p, e)
		}},
		{o.SecretsDir, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_secrets_dir(co, p, e)
		}},
		{o.CAFile, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_ca_file(co, p, e)
		}},
		{o.Proxy, func(co *C.fw_options, p *C.char, e **C.fw_error) C.fw_result {
			return C.fw_options_set_proxy(co, p, e)
		}},
	}
	for _, s := range strs {
		if s.value == "" {
			continue
		}
		p, err := cString(s.value)
		if err != nil {
			return err
		}
		err = call(func(e **C.fw_error) C.fw_result { return s.set(co, p, e) })
		freeCString(p)
		if err != nil {
			return err
		}
	}
	for _, origin := range o.TrustedOrigins {
		p, err := cString(origin)
		if err != nil {
			return err
		}
		err = call(func(e **C.fw_error) C.fw_result { return C.fw_options_add_trusted_origin(co, p, e) })
		freeCString(p)
		if err != nil {
			return err
		}
	}
	if o.Layout != nil {
		l := C.uint32_t(*o.Layout)
		if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_layout(co, l, e) }); err != nil {
			return err
		}
	}
	if o.ConnectTimeout < 0 || o.TotalTimeout < 0 {
		return argumentError("option ConnectTimeout/TotalTimeout must not be negative")
	}
	if o.ConnectTimeout != 0 || o.TotalTimeout != 0 {
		// 0 ms: the default of that timeout (the header's zero rule).
		connect, total := C.uint64_t(millis(o.ConnectTimeout)), C.uint64_t(millis(o.TotalTimeout))
		if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_timeout_ms(co, connect, total, e) }); err != nil {
			return err
		}
	}
	if o.MaxRetries != nil {
		n := *o.MaxRetries
		if n < 0 || uint64(n) > math.MaxUint32 {
			return argumentError("option MaxRetries must be between 0 and 4294967295")
		}
		if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_max_retries(co, C.uint32_t(n), e) }); err != nil {
			return err
		}
	}
	if o.RetryBaseDelay != 0 {
		ms := millis(o.RetryBaseDelay)
		if o.RetryBaseDelay < 0 || ms > math.MaxUint32 {
			return argumentError("option RetryBaseDelay must be between 0 and 4294967295 ms")
		}
		if err := call(func(e **C.fw_error) C.fw_result {
			return C.fw_options_set_retry_base_delay_ms(co, C.uint32_t(ms), e)
		}); err != nil {
			return err
		}
	}
	if o.MaxBodyBytes != 0 {
		// A negative limit becomes 0, which the library refuses.
		n := C.uint64_t(max(o.MaxBodyBytes, 0))
		if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_max_body_bytes(co, n, e) }); err != nil {
			return err
		}
	}
	if o.AllowInsecureHTTP {
		if err := call(func(e **C.fw_error) C.fw_result { return C.fw_options_set_allow_insecure_http(co, C.bool(true), e) }); err != nil {
			return err
		}
	}
	return nil
}

// millis converts d to whole milliseconds, rounding a positive remainder up
// (so 1µs is 1 ms, not the refused 0); negative gives 0.
func millis(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	ms := d / time.Millisecond
	if d%time.Millisecond != 0 {
		ms++
	}
	return uint64(ms)
}
