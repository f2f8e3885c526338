package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"time"
	"unsafe"
)

// LoginSettings are what a browser login may set. The zero value is the
// defaults.
type LoginSettings struct {
	// Description is the new key's description (default "fwclient on <host>").
	Description string
	// AuthorizeURL is the login page to use (default the server's,
	// {server}/sticky_auth/api/v1/authorize), e.g. the realm of a 401's
	// WWW-Authenticate.
	AuthorizeURL string
	// HTTP holds the HTTP settings (timeouts, CA file, proxy, ...) of the
	// login's requests; its server and files are not read (the auth's are).
	HTTP *Options
}

// LoginResult is what a finished login gives: where the auth's token comes
// from now (SourceFile: the auth uses the key; a later Auth still finds
// $FW_AUTH_TOKEN first when it is set), the
// file the key was saved in, and who is logged in ("Name <e-mail>"). It
// never holds the key.
type LoginResult struct {
	Source    SourceKind
	SavedPath string
	User      string
}

// Login is a browser login (fw_login): a listener on 127.0.0.1 under a
// path no other program can guess, and the page to open (URL). The library
// opens no browser. Wait returns once the browser came back and the new key
// is minted, checked and saved through the auth (which uses it from then
// on), the login token revoked. One Wait at a time; URL from any goroutine.
type Login struct {
	h   handle[*C.fw_login]
	url string
}

func freeLogin(p *C.fw_login) { C.fw_login_free(p) }

// StartLogin starts a browser login for a: no network I/O yet. settings
// may be nil (defaults).
func StartLogin(a *Auth, settings *LoginSettings) (*Login, error) {
	if settings == nil {
		settings = &LoginSettings{}
	}
	co, err := settings.HTTP.toC()
	if err != nil {
		return nil, err
	}
	defer C.fw_options_free(co)
	description, err := optCString(settings.Description)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(description))
	authorize, err := optCString(settings.AuthorizeURL)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(authorize))
	var p *C.fw_login
	err = a.use(func(ap *C.fw_auth) error {
		var e *C.fw_error
		return errorFrom(C.fw_login_start(ap, co, description, authorize, &p, &e), e)
	})
	if err != nil {
		return nil, err
	}
	l := &Login{url: C.GoString(C.fw_login_url(p))}
	l.h.set(p, "Login", runtime.AddCleanup(l, backstop(freeLogin), p))
	return l, nil
}

// optCString is NULL for "" (the default), else a C copy to free.
func optCString(s string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s)
}

// URL is the page to open in the user's browser (or to show); it holds no
// secret.
func (l *Login) URL() string {
	if l == nil {
		return ""
	}
	return l.url
}

// Wait waits for the browser until ctx is done (its deadline; 5 minutes
// without one), then mints, checks and saves the key. A browser that does
// not come back ends in ErrTimeout (and context.DeadlineExceeded when ctx
// has a deadline): the way out is saving a token by hand (`fwauth
// setup-token`). Canceling ctx ends the wait within about 20 ms.
func (l *Login) Wait(ctx context.Context) (LoginResult, error) {
	var res LoginResult
	if l == nil {
		return res, argumentError("nil *Login")
	}
	if ctx == nil {
		return res, argumentError("nil context.Context")
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	var timeoutMS C.uint32_t // 0: the library's 5 minutes
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		ms := time.Until(deadline).Milliseconds()
		if ms < 1 {
			return res, context.DeadlineExceeded
		}
		timeoutMS = C.uint32_t(min(ms, math.MaxUint32))
	}
	err := l.h.use(func(p *C.fw_login) error {
		var e *C.fw_error
		var cancel *C.fw_cancel
		if err := errorFrom(C.fw_cancel_new(&cancel, &e), e); err != nil {
			return err
		}
		defer C.fw_cancel_free(cancel)
		triggered := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			C.fw_cancel_trigger(cancel, nil)
			close(triggered)
		})
		var source C.fw_token_source
		var path, user *C.char
		err := errorFrom(C.fw_login_wait(p, timeoutMS, cancel, &source, &path, &user, &e), e)
		if !stop() && ctx.Done() != nil {
			<-triggered
		}
		if err != nil {
			return contextError(ctx, err, hasDeadline)
		}
		res.Source = SourceKind(source)
		res.SavedPath, _ = takeString(path)
		res.User, _ = takeString(user)
		return nil
	})
	return res, err
}

// Close frees the login (its listener closes). It waits for a Wait in
// flight; it is idempotent and always returns nil.
func (l *Login) Close() error {
	if l != nil {
		l.h.close(freeLogin)
	}
	return nil
}
