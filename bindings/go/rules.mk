# Go binding: make fragment included by the top-level Makefile, which sets
# ROOT (the repository root) and may set LIBDIR. Standalone:
#   make -f bindings/go/rules.mk ROOT=$PWD test-go
#
#   test-go   build the Rust library and fw-devserver, then in bindings/go:
#             go vet; go test -race; go test with GOGC=1 GODEBUG=cgocheck=1
#             and the fwclient_debug tag (a GC after every C call); and
#             build the walkthrough (examples/go). Each go test run starts
#             its own fw-devserver and must find it (FWCLIENT_REQUIRE_DEVSERVER).
#   demo-go   run examples/go/walkthrough in a temporary HOME, against
#             $(FW_DEVSERVER_URL) (from the environment; offline when empty)
#   clean-go  remove the built walkthrough ($(GO_BUILD_DIR))
#
# The library is linked from LIBDIR (default $(ROOT)/target/release) through
# CGO_LDFLAGS, with an rpath to it. Go runs offline: no module is downloaded
# (the binding has no dependency outside the standard library).

# Targets here must not become the including Makefile's default goal.
_go_saved_default_goal := $(.DEFAULT_GOAL)

# Tools and shared settings (ROOT, CARGO, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))../../mk/common.mk
LIBDIR ?= $(ROOT)/target/release
GO_ROOT := $(abspath $(ROOT))
GO_LIBDIR := $(abspath $(LIBDIR))
GO_PKG_DIR := $(GO_ROOT)/bindings/go
GO_EXAMPLES_DIR := $(GO_ROOT)/examples/go
GO_BUILD_DIR ?= $(GO_ROOT)/build/go
GO_WALKTHROUGH := $(GO_BUILD_DIR)/walkthrough
GO_DEVSERVER ?= $(GO_LIBDIR)/fw-devserver
# Set to 0 when LIBDIR and fw-devserver are built by other means.
GO_CARGO_BUILD ?= 1
# Extra flags for every `go test` run (e.g. GO_TEST_FLAGS=-v).
GO_TEST_FLAGS ?=
FW_DEVSERVER_URL ?=

# The environment of every go command: offline, this repository's library.
GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
    CGO_CFLAGS='$(FW_CGO_CFLAGS)' \
    CGO_LDFLAGS='-L$(GO_LIBDIR) -Wl,-rpath,$(GO_LIBDIR)'
# go test starts this fw-devserver (not one from FW_DEVSERVER_URL) and fails
# when it cannot.
GO_TEST_ENV := $(GO_ENV) FW_DEVSERVER_BIN='$(GO_DEVSERVER)' FWCLIENT_REQUIRE_DEVSERVER=1 \
    FW_DEVSERVER_URL= FW_DEVSERVER_OTHER_URL=

.PHONY: test-go demo-go clean-go go-rust go-vet go-test-race go-test-gc go-walkthrough

go-rust:
ifeq ($(GO_CARGO_BUILD),1)
	cd '$(GO_ROOT)' && $(CARGO) build --release -p fwclient -p fw-devserver
endif

go-vet: go-rust
	cd '$(GO_PKG_DIR)' && $(GO_ENV) $(GO) vet ./...
	cd '$(GO_EXAMPLES_DIR)' && $(GO_ENV) $(GO) vet ./...

go-test-race: go-rust
	cd '$(GO_PKG_DIR)' && $(GO_TEST_ENV) $(GO) test -race -count=1 $(GO_TEST_FLAGS) ./...

go-test-gc: go-rust
	cd '$(GO_PKG_DIR)' && $(GO_TEST_ENV) GOGC=1 GODEBUG=cgocheck=1 \
	    $(GO) test -tags fwclient_debug -count=1 $(GO_TEST_FLAGS) ./...

go-walkthrough: go-rust
	@mkdir -p '$(GO_BUILD_DIR)'
	cd '$(GO_EXAMPLES_DIR)' && $(GO_ENV) $(GO) build -o '$(GO_WALKTHROUGH)' ./walkthrough

test-go: go-vet go-test-race go-test-gc go-walkthrough

demo-go: go-walkthrough
	@home=$$(mktemp -d "$${TMPDIR:-/tmp}/fwgo-demo-XXXXXX") && \
	trap 'rm -rf "$$home"' EXIT && \
	unset FW_AUTH_TOKEN FW_SECRETS_DIR FW_SECRETS_LAYOUT FW_SERVER_ADDRESS && \
	echo "HOME=$$home" && \
	HOME="$$home" '$(GO_WALKTHROUGH)' $(FW_DEVSERVER_URL) && \
	echo "--- $$home/.cloudvolume/secrets/chunkedgraph-secret.json:" && \
	cat "$$home/.cloudvolume/secrets/chunkedgraph-secret.json" && echo

clean-go:
	rm -rf '$(GO_BUILD_DIR)'

.DEFAULT_GOAL := $(_go_saved_default_goal)
