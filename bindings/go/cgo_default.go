//go:build !fwclient_pkgconfig && !fwclient_testpanic

package fwclient

// Default linking: the header from the repository's include/ directory and
// the library built by `cargo build --release` in target/release, found at
// run time through an rpath. Build with the tag fwclient_pkgconfig to use an
// installed library instead (see cgo_pkgconfig.go and README.md).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../target/release -lfwclient -Wl,-rpath,${SRCDIR}/../../target/release
*/
import "C"
