//go:build fwclient_pkgconfig

package fwclient

// Linking against an installed library: `go build -tags fwclient_pkgconfig`
// takes the compiler and linker flags from `pkg-config fwclient`
// (fwclient.pc; set PKG_CONFIG_PATH when it is not in a default place).

/*
#cgo pkg-config: fwclient
*/
import "C"
