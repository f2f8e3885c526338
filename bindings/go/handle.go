package fwclient

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// handle guards a C handle P (a C pointer type) owned by a Go object (an *Auth or a
// *Client, which embeds it). Calls hold the read lock, so any number run at
// once (the C side is thread-safe) while Close, holding the write lock, waits
// for them: the handle is never freed under a running call, as the header
// requires ("a _free call must not race any other call on the same object").
type handle[P comparable] struct {
	mu      sync.RWMutex
	ptr     P // nil once closed
	cleanup runtime.Cleanup
	what    string
}

// backstopFrees counts handles freed by a GC cleanup instead of Close (tests
// read it).
var backstopFrees atomic.Int64

// set takes ownership of ptr. cleanup is the GC backstop registered by the
// owner (runtime.AddCleanup(owner, backstop(free), ptr)); Close stops it.
func (h *handle[P]) set(ptr P, what string, cleanup runtime.Cleanup) {
	h.ptr = ptr
	h.what = what
	h.cleanup = cleanup
}

// backstop wraps a _free function for runtime.AddCleanup.
func backstop[P any](free func(P)) func(P) {
	return func(p P) {
		free(p)
		backstopFrees.Add(1)
	}
}

// use runs f with the live handle, or returns a "closed" error.
func (h *handle[P]) use(f func(p P) error) error {
	if h == nil {
		return argumentError("nil handle")
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	var closed P
	if h.ptr == closed {
		return argumentError(h.what + " is closed")
	}
	err := f(h.ptr)
	// The owner (and so the handle) must stay reachable until the C call
	// has returned, or a cleanup could free the handle under it.
	runtime.KeepAlive(h)
	afterCall()
	return err
}

// close frees the handle once; later calls do nothing.
func (h *handle[P]) close(free func(P)) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var closed P
	if h.ptr == closed {
		return
	}
	h.cleanup.Stop()
	free(h.ptr)
	h.ptr = closed
	runtime.KeepAlive(h)
}
