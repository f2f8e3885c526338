//go:build !fwclient_debug

package fwclient

// afterCall runs after every call into the C library; see debug_on.go.
func afterCall() {}
