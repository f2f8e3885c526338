package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"time"
	"unsafe"
)

// Client is a client of the framework's services for a datastack
// (fw_client). Creating one does no network I/O. Safe for concurrent use:
// any number of goroutines may make requests on one client at once.
type Client struct {
	h handle[*C.fw_client]
}

func freeClient(p *C.fw_client) { C.fw_client_free(p) }

// NewClient creates a client for datastack ("" = the global services only),
// with the token found as NewAuth finds it. opts may be nil (defaults).
func NewClient(datastack string, opts *Options) (*Client, error) {
	cd, err := cOptString(datastack)
	if err != nil {
		return nil, err
	}
	defer freeCString(cd)
	co, err := opts.toC()
	if err != nil {
		return nil, err
	}
	defer C.fw_options_free(co)
	var p *C.fw_client
	var e *C.fw_error
	if err := errorFrom(C.fw_client_new(cd, co, &p, &e), e); err != nil {
		return nil, err
	}
	c := &Client{}
	c.h.set(p, "Client", runtime.AddCleanup(c, backstop(freeClient), p))
	return c, nil
}

// NewClientWithAuth creates a client for datastack ("" = the global services
// only) that shares auth live: a token set or saved through auth, or through
// any client sharing it, is the one this client sends. The server address
// is auth's; opts (may be nil) gives the HTTP settings. The client holds its
// own reference: auth may be closed first.
func NewClientWithAuth(datastack string, auth *Auth, opts *Options) (*Client, error) {
	if auth == nil {
		return nil, argumentError("nil *Auth")
	}
	cd, err := cOptString(datastack)
	if err != nil {
		return nil, err
	}
	defer freeCString(cd)
	co, err := opts.toC()
	if err != nil {
		return nil, err
	}
	defer C.fw_options_free(co)
	var p *C.fw_client
	err = auth.use(func(ap *C.fw_auth) error {
		var e *C.fw_error
		return errorFrom(C.fw_client_new_with_auth(cd, co, ap, &p, &e), e)
	})
	if err != nil {
		return nil, err
	}
	c := &Client{}
	c.h.set(p, "Client", runtime.AddCleanup(c, backstop(freeClient), p))
	return c, nil
}

func (c *Client) use(f func(p *C.fw_client) error) error {
	if c == nil {
		return argumentError("nil *Client")
	}
	return c.h.use(f)
}

// Close frees the client; its auth lives on while other references to it
// (from Auth) exist. Close is idempotent and safe from several goroutines;
// it waits for calls in flight. It always returns nil.
func (c *Client) Close() error {
	if c != nil {
		c.h.close(freeClient)
	}
	return nil
}

// Auth returns the auth this client shares, live: a token set or saved
// through it is used by this client. Close the *Auth when done with it (the
// client keeps its own reference).
func (c *Client) Auth() (*Auth, error) {
	var a *Auth
	err := c.use(func(p *C.fw_client) error {
		var ap *C.fw_auth
		var e *C.fw_error
		if err := errorFrom(C.fw_client_auth(p, &ap, &e), e); err != nil {
			return err
		}
		a = newAuthHandle(ap)
		return nil
	})
	return a, err
}

// ServerAddress is the global server address.
func (c *Client) ServerAddress() (string, error) {
	var out string
	err := c.use(func(p *C.fw_client) error {
		var s *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_client_server_address(p, &s, &e), e); err != nil {
			return err
		}
		out, _ = takeString(s)
		return nil
	})
	return out, err
}

// LocalServer is the datastack's local server, from its info (fetched on
// first need).
func (c *Client) LocalServer(ctx context.Context) (string, error) {
	return c.stringCall(ctx, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_local_server(p, s, e)
	})
}

// Every call that does network I/O takes a context.Context first: its
// deadline is the request's total timeout (instead of Options' overall
// one), and its cancellation ends the request within about 20 ms; the
// error then matches ctx's error (errors.Is(err, context.Canceled) or
// context.DeadlineExceeded) as well as ErrCanceled or ErrTimeout.
// context.Background() leaves the client's settings alone.

// Get is GET url with the client's token (when url's origin is trusted).
// It succeeds only on 2xx; any other answer is an *Error carrying status,
// server id, URL and body.
func (c *Client) Get(ctx context.Context, url string) (*Response, error) {
	return c.Request(ctx, "GET", url, nil, "")
}

// Request sends a request with any method and an optional body
// (contentType "" sends none). Idempotent methods are retried on 429,
// 502, 503, 504 and connection resets before any byte of the answer, with
// backoff and Retry-After (Options.RetryBaseDelay); an error after several
// tries says how many. As Get otherwise.
func (c *Client) Request(ctx context.Context, method, url string, body []byte, contentType string) (*Response, error) {
	cm, err := cString(method)
	if err != nil {
		return nil, err
	}
	defer freeCString(cm)
	cu, err := cString(url)
	if err != nil {
		return nil, err
	}
	defer freeCString(cu)
	ct, err := cOptString(contentType)
	if err != nil {
		return nil, err
	}
	defer freeCString(ct)
	var resp *Response
	err = c.useCtx(ctx, func(p *C.fw_client) error {
		var bp *C.uint8_t
		if len(body) > 0 {
			// A Go pointer to memory without Go pointers: allowed by the
			// cgo rules; the library does not keep it.
			bp = (*C.uint8_t)(unsafe.Pointer(&body[0]))
		}
		var r *C.fw_response
		var e *C.fw_error
		rc := C.fw_client_request(p, cm, cu, bp, C.size_t(len(body)), ct, &r, &e)
		runtime.KeepAlive(body)
		if err := errorFrom(rc, e); err != nil {
			return err
		}
		resp, err = takeResponse(r)
		return err
	})
	return resp, err
}

// DatastackInfo is the datastack's info (info/api/v2/datastack/full/{ds}),
// fetched once and cached by the library.
func (c *Client) DatastackInfo(ctx context.Context) (*DatastackInfo, error) {
	var info DatastackInfo
	if err := c.jsonCall(ctx, &info, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_datastack_info(p, s, e)
	}); err != nil {
		return nil, err
	}
	return &info, nil
}

// Datastacks lists the datastacks the user may see (info/api/v2/datastacks).
func (c *Client) Datastacks(ctx context.Context) ([]string, error) {
	var names []string
	if err := c.jsonCall(ctx, &names, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_datastacks(p, s, e)
	}); err != nil {
		return nil, err
	}
	return names, nil
}

// Whoami is the user's profile (auth/api/v1/user/me).
func (c *Client) Whoami(ctx context.Context) (*User, error) {
	var u User
	if err := c.jsonCall(ctx, &u, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_whoami(p, s, e)
	}); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetTokens lists the user's API keys (auth/api/v1/user/token).
func (c *Client) GetTokens(ctx context.Context) ([]TokenInfo, error) {
	var tokens []TokenInfo
	if err := c.jsonCall(ctx, &tokens, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_get_tokens(p, s, e)
	}); err != nil {
		return nil, err
	}
	return tokens, nil
}

// CreateToken creates a new API key (POST auth/api/v1/user/token); existing
// keys stay valid. description "" sends none. The token is not saved: pass it
// to Auth.SaveToken to keep it.
func (c *Client) CreateToken(ctx context.Context, description string) (string, error) {
	cd, err := cOptString(description)
	if err != nil {
		return "", err
	}
	defer freeCString(cd)
	return c.stringCall(ctx, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_create_token(p, cd, s, e)
	})
}

// NeverExpires is the TokenTTL of a token without expiry (the server's -1).
const NeverExpires time.Duration = -1

// TokenTTL is how long token stays valid (auth/api/v1/user/token/{t}/ttl),
// in whole seconds, or NeverExpires (-1) when it never expires.
func (c *Client) TokenTTL(ctx context.Context, token string) (time.Duration, error) {
	ct, err := cString(token)
	if err != nil {
		return 0, err
	}
	defer freeSecret(ct)
	var ttl time.Duration
	err = c.useCtx(ctx, func(p *C.fw_client) error {
		var secs C.int64_t
		var e *C.fw_error
		if err := errorFrom(C.fw_client_token_ttl(p, ct, &secs, &e), e); err != nil {
			return err
		}
		if secs < 0 {
			ttl = NeverExpires
		} else {
			ttl = time.Duration(secs) * time.Second
		}
		return nil
	})
	return ttl, err
}

// GetUserInformation returns the profiles of users ids
// (auth/api/v1/user?id=...). Admin only on current servers: other users get
// ErrForbidden.
func (c *Client) GetUserInformation(ctx context.Context, ids []uint64) ([]User, error) {
	// (NULL, 0) is an empty list.
	var cids *C.uint64_t
	if len(ids) > 0 {
		cids = (*C.uint64_t)(unsafe.Pointer(&ids[0]))
	}
	var users []User
	if err := c.jsonCall(ctx, &users, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_get_user_information(p, cids, C.size_t(len(ids)), s, e)
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(ids)
	return users, nil
}

// GetGroupUsers returns the members of group id (auth/api/v1/group/{id}/user).
func (c *Client) GetGroupUsers(ctx context.Context, id uint64) ([]GroupMember, error) {
	var members []GroupMember
	if err := c.jsonCall(ctx, &members, func(p *C.fw_client, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_client_get_group_users(p, C.uint64_t(id), s, e)
	}); err != nil {
		return nil, err
	}
	return members, nil
}

func (c *Client) stringCall(ctx context.Context, call func(*C.fw_client, **C.char, **C.fw_error) C.fw_result) (string, error) {
	var out string
	err := c.useCtx(ctx, func(p *C.fw_client) error {
		var s *C.char
		var e *C.fw_error
		if err := errorFrom(call(p, &s, &e), e); err != nil {
			return err
		}
		out, _ = takeString(s)
		return nil
	})
	return out, err
}

// jsonCall runs a call returning JSON text and decodes it into v. A decoding
// failure is an ErrBadResponse without the text (it may hold tokens).
func (c *Client) jsonCall(ctx context.Context, v any, call func(*C.fw_client, **C.char, **C.fw_error) C.fw_result) error {
	text, err := c.stringCall(ctx, call)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return &Error{Code: CodeBadResponse, Name: CodeBadResponse.String(), Message: "fwclient: decoding the answer: " + err.Error()}
	}
	return nil
}
