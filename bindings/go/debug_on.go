//go:build fwclient_debug

package fwclient

import "runtime"

// afterCall forces a garbage collection after every call into the C library
// when built with the tag fwclient_debug, so that a missing
// runtime.KeepAlive or a premature cleanup shows up at once in tests.
func afterCall() { runtime.GC() }
