package fwclient

/*
#include <stdlib.h>
#include "fwclient.h"
*/
import "C"

import "runtime"

// Auth is a user's token and where it lives (fw_auth). It is shared live by
// every client built from it: a token set or saved through one is used by
// all. Safe for concurrent use.
type Auth struct {
	h handle[*C.fw_auth]
}

func freeAuth(p *C.fw_auth) { C.fw_auth_free(p) }

func newAuthHandle(p *C.fw_auth) *Auth {
	a := &Auth{}
	a.h.set(p, "Auth", runtime.AddCleanup(a, backstop(freeAuth), p))
	return a
}

// NewAuth finds the user's token as the Python clients do, first found wins:
// explicit token > $FW_AUTH_TOKEN > $CAVE_TOKEN > $FW_AUTH_TOKEN_FILE >
// $CAVE_TOKEN_FILE > token file > the layout's files > the other layout's
// default file. It reads files only: no network, no directory created. opts may be nil (defaults). A
// malformed secret file gives ErrSecretFile naming it.
func NewAuth(opts *Options) (*Auth, error) {
	co, err := opts.toC()
	if err != nil {
		return nil, err
	}
	defer C.fw_options_free(co)
	var p *C.fw_auth
	var e *C.fw_error
	rc := C.fw_auth_new(co, &p, &e)
	if err := errorFrom(rc, e); err != nil {
		return nil, err
	}
	return newAuthHandle(p), nil
}

func (a *Auth) use(f func(p *C.fw_auth) error) error {
	if a == nil {
		return argumentError("nil *Auth")
	}
	return a.h.use(f)
}

// Close releases this reference to the auth. Clients sharing the auth keep
// it alive. Close is idempotent and safe from several goroutines; it waits
// for calls in flight. It always returns nil.
func (a *Auth) Close() error {
	if a != nil {
		a.h.close(freeAuth)
	}
	return nil
}

// Token is the token in use; ok is false when there is none.
func (a *Auth) Token() (token string, ok bool, err error) {
	err = a.use(func(p *C.fw_auth) error {
		var s *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_auth_token(p, &s, &e), e); err != nil {
			return err
		}
		token, ok = takeString(s)
		return nil
	})
	return token, ok, err
}

// SourceKind says where a token came from.
type SourceKind uint32

const (
	// SourceNone: no token was found.
	SourceNone SourceKind = C.FW_SOURCE_NONE
	// SourceExplicit: the token was given by the caller (Options.Token or
	// SetToken, or saved and switched to).
	SourceExplicit SourceKind = C.FW_SOURCE_EXPLICIT
	// SourceEnv: the token came from $FW_AUTH_TOKEN.
	SourceEnv SourceKind = C.FW_SOURCE_ENV
	// SourceFile: the token came from a secret file, under a key.
	SourceFile SourceKind = C.FW_SOURCE_FILE
	// SourceEnvCaveToken: the token came from $CAVE_TOKEN.
	SourceEnvCaveToken SourceKind = C.FW_SOURCE_ENV_CAVE_TOKEN
	// SourceEnvTokenFile: the token came from the file $FW_AUTH_TOKEN_FILE names (Path).
	SourceEnvTokenFile SourceKind = C.FW_SOURCE_ENV_TOKEN_FILE
	// SourceEnvCaveTokenFile: the token came from the file $CAVE_TOKEN_FILE names (Path).
	SourceEnvCaveTokenFile SourceKind = C.FW_SOURCE_ENV_CAVE_TOKEN_FILE
)

// String is "none", "explicit", "env", "file", "env CAVE_TOKEN",
// "env FW_AUTH_TOKEN_FILE" or "env CAVE_TOKEN_FILE".
func (k SourceKind) String() string {
	switch k {
	case SourceNone:
		return "none"
	case SourceExplicit:
		return "explicit"
	case SourceEnv:
		return "env"
	case SourceFile:
		return "file"
	case SourceEnvCaveToken:
		return "env CAVE_TOKEN"
	case SourceEnvTokenFile:
		return "env FW_AUTH_TOKEN_FILE"
	case SourceEnvCaveTokenFile:
		return "env CAVE_TOKEN_FILE"
	}
	return "SourceKind(?)"
}

// TokenSource is where the token in use came from. Path is set for
// SourceFile, SourceEnvTokenFile and SourceEnvCaveTokenFile; Key for
// SourceFile only.
type TokenSource struct {
	Kind SourceKind
	Path string
	Key  string
}

// Source reports where the token came from.
func (a *Auth) Source() (TokenSource, error) {
	var src TokenSource
	err := a.use(func(p *C.fw_auth) error {
		var kind C.fw_token_source
		var path, key *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_auth_token_source(p, &kind, &path, &key, &e), e); err != nil {
			return err
		}
		src.Kind = SourceKind(kind)
		src.Path, _ = takeString(path)
		src.Key, _ = takeString(key)
		return nil
	})
	return src, err
}

// Layout is the layout in use: LayoutFramework or LayoutCave.
func (a *Auth) Layout() (Layout, error) {
	var layout Layout
	err := a.use(func(p *C.fw_auth) error {
		var l C.fw_layout
		var e *C.fw_error
		if err := errorFrom(C.fw_auth_layout(p, &l, &e), e); err != nil {
			return err
		}
		layout = Layout(l)
		return nil
	})
	return layout, err
}

// TokenFile is the file a save without an explicit file writes to.
func (a *Auth) TokenFile() (string, error) {
	return a.stringCall(func(p *C.fw_auth, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_auth_token_file(p, s, e)
	})
}

// Reload re-reads the token file when the token came from a file that
// changed since it was read (size, modification time or inode): a token
// rotated by another process is used from then on. Requests do this by
// themselves when a token from a file is refused as invalid (and retry
// once). A token given explicitly or through $FW_AUTH_TOKEN never reloads.
func (a *Auth) Reload() error {
	return a.use(func(p *C.fw_auth) error {
		var e *C.fw_error
		return errorFrom(C.fw_auth_reload(p, &e), e)
	})
}

// SetToken uses token from now on, for this session only (no file is
// written), in this auth and every client sharing it. A token that is empty
// or holds whitespace, control or non-ASCII characters gives
// ErrInvalidTokenFormat.
func (a *Auth) SetToken(token string) error {
	ct, err := cString(token)
	if err != nil {
		return err
	}
	defer freeSecret(ct)
	return a.use(func(p *C.fw_auth) error {
		var e *C.fw_error
		return errorFrom(C.fw_auth_set_token(p, ct, &e), e)
	})
}

// SaveOptions are the choices of SaveToken; the zero value (or nil) gives
// caveclient's defaults.
type SaveOptions struct {
	// TokenKey is the key to save under (default "token").
	TokenKey string
	// TokenFile is the file to write (default: the auth's TokenFile).
	TokenFile string
	// Overwrite replaces an existing key (caveclient overwrite=True).
	Overwrite bool
	// NoSwitch keeps using the current token (switch_token=False).
	NoSwitch bool
	// NoServerFile, cave layout: do not write the server file
	// (write_to_server_file=False).
	NoServerFile bool
	// NoLocalServer, cave layout: do not write the local server's file
	// (local_server=False).
	NoLocalServer bool
	// StrictReadOnly, cave layout: fail in a read-only directory
	// (ignore_readonly=False).
	StrictReadOnly bool
	// ReplaceInvalid: a file to write that is not valid JSON (or not a JSON
	// object) is kept as "<name>.invalid-<timestamp>" and a fresh one
	// written, instead of ErrSecretFile (FW_SAVE_REPLACE_INVALID).
	ReplaceInvalid bool
}

func (o *SaveOptions) flags() C.uint32_t {
	var f C.uint32_t
	if o == nil {
		return 0
	}
	if o.Overwrite {
		f |= C.FW_SAVE_OVERWRITE
	}
	if o.NoSwitch {
		f |= C.FW_SAVE_NO_SWITCH
	}
	if o.NoServerFile {
		f |= C.FW_SAVE_NO_SERVER_FILE
	}
	if o.NoLocalServer {
		f |= C.FW_SAVE_NO_LOCAL_SERVER
	}
	if o.StrictReadOnly {
		f |= C.FW_SAVE_STRICT_READONLY
	}
	if o.ReplaceInvalid {
		f |= C.FW_SAVE_REPLACE_INVALID
	}
	return f
}

// SaveToken saves a token as caveclient's save_token does; token "" saves
// the token in use, opts nil means the defaults. Without Overwrite an
// existing key gives ErrTokenExists with caveclient's message, and no file
// is written. Writes are atomic; new files are 0600, new directories 0700.
//
//	auth.SaveToken("PASTE_YOUR_TOKEN_HERE", nil)
func (a *Auth) SaveToken(token string, opts *SaveOptions) error {
	ct, err := cOptString(token)
	if err != nil {
		return err
	}
	defer freeSecret(ct)
	var key, file string
	if opts != nil {
		key, file = opts.TokenKey, opts.TokenFile
	}
	ck, err := cOptString(key)
	if err != nil {
		return err
	}
	defer freeCString(ck)
	cf, err := cOptString(file)
	if err != nil {
		return err
	}
	defer freeCString(cf)
	return a.use(func(p *C.fw_auth) error {
		var e *C.fw_error
		return errorFrom(C.fw_auth_save_token(p, ct, ck, cf, opts.flags(), &e), e)
	})
}

// NewTokenInstructions returns the steps to get a new token and save it,
// with the URL to open (caveclient's get_new_token text). It never opens a
// browser.
func (a *Auth) NewTokenInstructions() (string, error) {
	return a.stringCall(func(p *C.fw_auth, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_auth_new_token_instructions(p, s, e)
	})
}

// NewTokenURL is {server}/auth/api/v1/create_token, where a user creates a
// token.
func (a *Auth) NewTokenURL() (string, error) {
	return a.stringCall(func(p *C.fw_auth, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_auth_new_token_url(p, s, e)
	})
}

// TokenPageURL is {server}/sticky_auth/settings/tokens, the user's existing
// tokens.
func (a *Auth) TokenPageURL() (string, error) {
	return a.stringCall(func(p *C.fw_auth, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_auth_token_page_url(p, s, e)
	})
}

// Diagnose is the report of fw_auth_diagnose, as JSON: every place a token
// can come from in precedence order with what it holds (masked, never the
// token), which one wins, the file each Python tool (caveclient,
// cloud-volume, cloud-files, annotationframeworkclient) reads, and every
// disagreement with the command that fixes it. `fwauth status --json`
// prints the same report.
func (a *Auth) Diagnose() (string, error) {
	return a.stringCall(func(p *C.fw_auth, s **C.char, e **C.fw_error) C.fw_result {
		return C.fw_auth_diagnose(p, s, e)
	})
}

// RequestHeader is the Authorization header value, "Bearer <token>"; ok is
// false without a token.
func (a *Auth) RequestHeader() (value string, ok bool, err error) {
	err = a.use(func(p *C.fw_auth) error {
		var s *C.char
		var e *C.fw_error
		if err := errorFrom(C.fw_auth_request_header(p, &s, &e), e); err != nil {
			return err
		}
		value, ok = takeString(s)
		return nil
	})
	return value, ok, err
}

func (a *Auth) stringCall(call func(*C.fw_auth, **C.char, **C.fw_error) C.fw_result) (string, error) {
	var out string
	err := a.use(func(p *C.fw_auth) error {
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
