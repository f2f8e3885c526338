# fwclient: the one entry point for building, checking and trying every
# binding. `make help` lists the targets.
#
# Layout of this file: settings, then one section per concern (Rust
# library, header, lint, Rust tests, C tests, demo, aggregate targets).
# A new binding (C++, Go, install) adds its own settings and section and
# hooks into `test` / `clean` through TEST_STEPS and CLEAN_DIRS.

.DEFAULT_GOAL := build
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

# ---------------------------------------------------------------- settings

# Tools, warning flags and the version, shared with every fragment.
include mk/common.mk
ROOT := $(FW_ROOT)

# Cargo profile: release (default) or dev (libraries in target/debug).
PROFILE  ?= release
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PROFILE_DIR := $(if $(filter dev,$(PROFILE)),debug,$(PROFILE))
LIBDIR   := $(TARGET_DIR)/$(PROFILE_DIR)
CARGO_PROFILE_FLAG := $(if $(filter release,$(PROFILE)),--release,--profile $(PROFILE))

LIB_SO   := $(LIBDIR)/libfwclient.so
LIB_A    := $(LIBDIR)/libfwclient.a
DEVSERVER := $(LIBDIR)/fw-devserver
HEADER   := include/fwclient.h

# Everything built outside cargo goes below BUILD_DIR (per profile, since
# the programs carry an rpath to LIBDIR).
BUILD_DIR ?= build
C_BUILD_DIR := $(BUILD_DIR)/$(PROFILE_DIR)/c

CFLAGS   ?= -g -O1
C_INCLUDES := -Iinclude
# The shared library, found at run time through an rpath to LIBDIR.
C_LDFLAGS  := -L$(LIBDIR) -Wl,-rpath,$(abspath $(LIBDIR))
C_LDLIBS   := -lfwclient

# Suppression files, if ever needed (none is: the Rust runtime's one-time
# allocations are "still reachable" or "possibly lost", which do not fail).
VALGRIND_SUPPRESSIONS ?=
VALGRIND_FLAGS := $(VALGRIND_FLAGS_BASE) $(addprefix --suppressions=,$(VALGRIND_SUPPRESSIONS))

# The demo's datastack (the walkthrough's argv[1]).
DATASTACK ?= minnie65_public

# ------------------------------------------------------------ Rust library

.PHONY: build cargo-build
build: cargo-build

# Cargo decides what is stale; its outputs below depend on this target so
# that C programs relink only when the library really changed.
cargo-build:
	$(CARGO) build $(CARGO_PROFILE_FLAG) --workspace

$(LIB_SO) $(LIB_A) $(DEVSERVER): cargo-build
	@test -e $@ || { echo "error: cargo did not produce $@" >&2; exit 1; }

# ---------------------------------------------------------------- header
# build.rs generates the header from the ABI crate (src/) into OUT_DIR and
# copies it to $(GEN_HEADER), beside the library; it never writes the source
# tree. `make header` updates the committed include/fwclient.h from it;
# `make header-check` fails when the two differ.

GEN_HEADER := $(LIBDIR)/include/fwclient.h

.PHONY: header header-check header-abi-rule
header: cargo-build
	cp $(GEN_HEADER) $(HEADER)
	@echo "header: $(HEADER) updated from $(GEN_HEADER)"

header-check: cargo-build header-abi-rule
	@if ! git ls-files --error-unmatch $(HEADER) >/dev/null 2>&1; then \
	    echo "header-check: $(HEADER) is not committed; run make header and commit it." >&2; \
	    exit 1; \
	fi
	@cmp -s $(GEN_HEADER) $(HEADER) || { \
	    diff -u $(HEADER) $(GEN_HEADER) | head -40 >&2; \
	    echo "header-check: $(HEADER) differs from what src/ generates ($(GEN_HEADER));" \
	         "run make header, review and commit." >&2; \
	    exit 1; }
	@git diff --exit-code --quiet -- $(HEADER) || { \
	    echo "header-check: $(HEADER) has uncommitted changes; review and commit them." >&2; exit 1; }
	@if grep -E '^#define ' $(HEADER) | grep -vE '^#define (FW_|FWCLIENT_H)'; then \
	    echo "header-check: the macros above lack the FW_ prefix (rename them in src/)" >&2; \
	    exit 1; fi
	@echo "header-check: $(HEADER) is what src/ generates; every macro is FW_-prefixed"

# The error rule, read from the header: every function returning fw_result
# takes `fw_error **err` as its last parameter; out-parameters are named
# out_*, shared handles are const.
header-abi-rule:
	@$(PYTHON) tools/check-error-rule.py $(HEADER)
	@$(PYTHON) tools/check-abi-conventions.py $(HEADER)

# Every rule stated once: the lookup order, the secrets directory's default
# and the version read the same in every document as in the core.
.PHONY: doc-facts
doc-facts:
	@$(PYTHON) tools/test_checks.py
	@$(PYTHON) tools/check-doc-facts.py

# ---------------------------------------------------------------- docs
# The HTML reference of the header, with Doxygen (Debian `doxygen`):
# build/docs/html/index.html. Any warning (an undocumented function,
# parameter or macro, a bad command) fails, so `make test` keeps it whole.

DOXYGEN ?= doxygen
DOCS_DIR := $(BUILD_DIR)/docs
PKG_DOC_VERSION = $(FW_VERSION)

.PHONY: docs
docs: $(HEADER) docs/Doxyfile
	@command -v $(DOXYGEN) >/dev/null || { echo "docs: doxygen not found (apt-get install doxygen)" >&2; exit 1; }
	@rm -rf $(DOCS_DIR) && mkdir -p $(DOCS_DIR)
	@FW_DOCS_VERSION=$(PKG_DOC_VERSION) FW_DOCS_OUT=$(DOCS_DIR) $(DOXYGEN) docs/Doxyfile 2>$(DOCS_DIR)/warnings.log || { \
	    cat $(DOCS_DIR)/warnings.log >&2; echo "docs: doxygen failed (warnings above)" >&2; exit 1; }
	@if [ -s $(DOCS_DIR)/warnings.log ]; then cat $(DOCS_DIR)/warnings.log >&2; \
	    echo "docs: doxygen warned (above)" >&2; exit 1; fi
	@test -f $(DOCS_DIR)/html/index.html
	@echo "docs: $(DOCS_DIR)/html/index.html, no warning"

# ---------------------------------------------------------------- lint

.PHONY: lint fmt-check clippy check-messages
lint: fmt-check check-messages clippy

# The core names no front end's API in a string, and no Rust code decides
# on message text (tools/check-messages.py; DESIGN.md "Errors and their remedies").
check-messages:
	$(PYTHON) tools/check-messages.py .

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# ---------------------------------------------------------------- Rust tests

.PHONY: test-rust
test-rust:
	$(CARGO) test --workspace

# ---------------------------------------------------------------- C tests
# One runner binary holds every C test; it prints `N passed, M failed` last.

C_TEST_DIR   := bindings/c/tests
C_TEST_SRCS  := $(wildcard $(C_TEST_DIR)/*.c)
C_TEST_HDRS  := $(wildcard $(C_TEST_DIR)/*.h)
C_TEST_BIN   := $(C_BUILD_DIR)/fwclient-ctests
C_TEST_SUMMARY := $(C_BUILD_DIR)/summary.txt

.PHONY: test-c test-c-valgrind c-coverage
$(C_TEST_BIN): $(C_TEST_SRCS) $(C_TEST_HDRS) $(HEADER) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(C_STD_FLAGS) $(CFLAGS) $(C_INCLUDES) -I$(C_TEST_DIR) -o $@ $(C_TEST_SRCS) \
	    $(C_LDFLAGS) $(C_LDLIBS)

# The one NULL-argument test: generated from the header at every build
# (never committed) by gen-null-tests.py, every function with NULL for each
# pointer parameter in turn; mk/hardening.mk runs it under valgrind and the
# sanitizers too.
C_NULL_SRC := $(C_BUILD_DIR)/null_tests.c
C_NULL_BIN := $(C_BUILD_DIR)/null_tests
C_NULL_SUPPORT := $(C_TEST_DIR)/harness.c $(C_TEST_DIR)/helpers.c $(C_TEST_DIR)/devserver.c

$(C_NULL_SRC): $(HEADER) $(C_TEST_DIR)/gen-null-tests.py
	@mkdir -p $(@D)
	$(PYTHON) $(C_TEST_DIR)/gen-null-tests.py $(HEADER) $@

$(C_NULL_BIN): $(C_NULL_SRC) $(C_NULL_SUPPORT) $(C_TEST_HDRS) $(LIB_SO)
	$(CC) $(C_STD_FLAGS) $(CFLAGS) $(C_INCLUDES) -I$(C_TEST_DIR) -o $@ $(C_NULL_SRC) \
	    $(C_NULL_SUPPORT) $(C_LDFLAGS) $(C_LDLIBS)

# Every function (in the generated NULL test) and result code of the header
# must be exercised.
c-coverage: $(C_NULL_SRC)
	@CC=$(CC) $(C_TEST_DIR)/check-coverage.sh $(HEADER) $(C_TEST_DIR) $(C_NULL_SRC)

# The request tests start $(DEVSERVER) themselves, with a free port.
test-c: $(C_TEST_BIN) $(C_NULL_BIN) $(DEVSERVER) c-coverage
	FW_DEVSERVER_BIN=$(abspath $(DEVSERVER)) $(C_NULL_BIN)
	FW_DEVSERVER_BIN=$(abspath $(DEVSERVER)) FW_TEST_BROWSER=$(abspath tests/login/browser.py) \
	    $(C_TEST_BIN) | tee $(C_TEST_SUMMARY).tmp
	@tail -n 1 $(C_TEST_SUMMARY).tmp > $(C_TEST_SUMMARY); rm -f $(C_TEST_SUMMARY).tmp

test-c-valgrind: $(C_TEST_BIN) $(DEVSERVER)
	FW_DEVSERVER_BIN=$(abspath $(DEVSERVER)) $(VALGRIND) $(VALGRIND_FLAGS) $(C_TEST_BIN)

# ---------------------------------------------------------------- demo
# The seed walkthrough in C, with HOME pointed at a fresh temporary
# directory so the user's own token files are never touched. The directory
# is removed afterwards; `make demo KEEP_HOME=1` keeps it to look at.

DEMO_BIN := $(C_BUILD_DIR)/walkthrough

# tools/with-devserver.sh starts fw-devserver on a free port, hands its
# address to the walkthrough (FW_DEVSERVER_URL) and stops it afterwards.
DEMO_DEPS := $(DEMO_BIN) $(DEVSERVER)

.PHONY: demo demo-c
$(DEMO_BIN): examples/c/walkthrough.c $(HEADER) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(C_STD_FLAGS) $(CFLAGS) $(C_INCLUDES) -o $@ $< $(C_LDFLAGS) $(C_LDLIBS)

# The walkthrough in C, then C++, then Go, each in a fresh HOME, against
# one fw-devserver started for the occasion.
demo: $(DEMO_DEPS) cpp-build go-walkthrough
	@FW_DEVSERVER_BIN=$(DEVSERVER) tools/with-devserver.sh \
	    $(MAKE) --no-print-directory demo-c demo-cpp demo-go
	@echo "demo: done. Next: docs/first-hour.md takes you from here to your own C, C++"
	@echo "      and Go programs with your token (fwauth setup-token), step by step."

# The C walkthrough alone: against $FW_DEVSERVER_URL when set, else offline.
demo-c: $(DEMO_BIN)
	@home=$$(mktemp -d "$${TMPDIR:-/tmp}/fwclient-demo-home.XXXXXX"); \
	cleanup="rm -rf '$$home'"; \
	if [ -n "$(KEEP_HOME)" ]; then cleanup="echo 'demo: kept $$home'"; fi; \
	trap 'eval "$$cleanup"' EXIT; \
	echo "==> C walkthrough: HOME=$$home (a fresh temporary directory; your own files are untouched)"; \
	env -u FW_AUTH_TOKEN -u FW_SECRETS_DIR -u FW_SECRETS_LAYOUT -u FW_SERVER_ADDRESS HOME="$$home" \
	    $(DEMO_BIN) $(DATASTACK) $${FW_DEVSERVER_URL:-}

# ---------------------------------------------------------------- bindings
# Each binding brings its own make fragment (targets test-<lang>,
# demo-<lang>, clean-<lang>); they build the library themselves when run
# alone.

include bindings/cpp/rules.mk
include bindings/go/rules.mk
# FFI from other languages: the cffi check of the header, the Python
# (ctypes) package, the Node (koffi) example.
include bindings/python/rules.mk
# Install (make install PREFIX=...), consumer tests, fwauth tests.
include packaging/rules.mk
# ABI check against abi/libfwclient.abi (make abi-check, make abi-update).
include mk/abi.mk
# The panic boundary from C, C++ and Go (make test-panic).
include mk/panic.mk
# make bench: speed and memory against the bare alternatives -> BENCHMARKS.md.
include benches/rules.mk
# Hardening: generated NULL test, sanitizers, Go -race, fuzzing (make fuzz).
HARDENING_CARGO_BUILD ?= 0
include mk/hardening.mk
# Windows: cross-built DLL, Rust/C/Go tests under Wine (make test-windows).
include mk/windows.mk

# ---------------------------------------------------------------- aggregates
# `make test` runs the steps one after the other, cheapest first, and
# stops at the first failure; the C tests' summary is its last line.

TEST_STEPS := fmt-check check-messages build header-check doc-facts abi-check docs test-c test-c-valgrind test-panic clippy test-rust test-cpp test-go test-ffi-header test-python test-node test-install test-fwauth \
    hardening-null-tests hardening-c-sanitize hardening-cpp-sanitize hardening-go-race \
    hardening-fuzz-smoke test-windows-if-available
CLEAN_DIRS := $(BUILD_DIR) examples/node/node_modules

# `make check`: the quick loop before a commit (a few minutes): formatting,
# lints, the header and the documents' facts, every Rust test and the C
# tests. `make test` adds valgrind, C++, Go, Python, Node, install,
# fwauth, sanitizers and Windows.
CHECK_STEPS := fmt-check check-messages header-check doc-facts clippy test-rust test-c

.PHONY: test check clean help
check:
	@for step in $(CHECK_STEPS); do \
	    echo "==> make $$step"; \
	    $(MAKE) --no-print-directory $$step || { echo "==> make check: '$$step' failed" >&2; exit 1; }; \
	done
	@echo "==> make check: all steps passed ($(CHECK_STEPS)); C tests:"
	@cat $(C_TEST_SUMMARY) 2>/dev/null

test:
	@rm -f $(C_TEST_SUMMARY)
	@for step in $(TEST_STEPS); do \
	    echo "==> make $$step"; \
	    $(MAKE) --no-print-directory $$step || { echo "==> make test: '$$step' failed" >&2; exit 1; }; \
	done
	@echo "==> make test: all steps passed ($(TEST_STEPS)); C tests:"
	@cat $(C_TEST_SUMMARY) 2>/dev/null || echo "(the C tests were not among the steps)"

clean:
	$(CARGO) clean
	rm -rf $(CLEAN_DIRS)

help:
	@echo "make [build]        cargo build --release --workspace (libfwclient.so/.a, fw-devserver)"
	@echo "make header         regenerate $(HEADER) (any cargo build does)"
	@echo "make header-check   fail when $(HEADER) differs from the committed one"
	@echo "make abi-check      abidiff the library against abi/libfwclient.abi (make abi-update rewrites it)"
	@echo "make test-panic     a panic inside the library, seen from C, C++ and Go (feature test-panic)"
	@echo "make docs           the HTML reference of $(HEADER) with Doxygen (warnings fail)"
	@echo "make lint           cargo fmt --check, check-messages (the core names no front end) and clippy -D warnings"
	@echo "make test-rust      cargo test --workspace"
	@echo "make test-c         C tests against $(LIB_SO)"
	@echo "make test-c-valgrind  the same under valgrind (leaks and memory errors fail)"
	@echo "make check          the quick loop: fmt, clippy, header, doc facts, Rust and C tests"
	@echo "make doc-facts      the lookup order, secrets directory and version stated alike everywhere"
	@echo "make test           every step (check's and the bindings', install, hardening), failing fast"
	@echo "make demo           the seed walkthrough in C, C++ and Go against fw-devserver, each in a temporary HOME"
	@echo "make test-cpp       C++ binding tests (CMake + GoogleTest)"
	@echo "make test-go        Go binding tests (vet, -race, GOGC=1 with cgocheck)"
	@echo "make test-ffi-header  the preprocessed header through cffi.FFI().cdef() (generators can read it)"
	@echo "make test-python    the Python (ctypes) package's tests in a venv under build/python"
	@echo "make test-node      the Node (koffi) walkthrough against fw-devserver, when node is present"
	@echo "make test-hardening generated NULL test, ASan/UBSan C and C++ runs, Go -race, fuzz smoke"
	@echo "make fuzz           longer fuzzing runs; make tsan: 32 threads under ThreadSanitizer"
	@echo "make bench          benchmarks against the bare alternatives, written to BENCHMARKS.md"
	@echo "make install        PREFIX=/usr/local [DESTDIR=]: library, headers, pkg-config, CMake package, fwauth"
	@echo "make test-install   install into a temporary prefix and build C, C++, static and Go consumers"
	@echo "make test-windows   fwclient.dll (mingw) and its Rust, C and Go tests under Wine; the prefix and zip used as a user would"
	@echo "make dist-windows   build/windows/dist/fwclient-X.Y.Z-windows-x86_64.zip: DLL, import library, .def, headers, CMake, pkg-config, fwauth.exe"
	@echo "make test-fwauth    the fwauth command against fw-devserver, prompts through a pseudo-terminal"
	@echo "make clean          cargo clean and rm -rf $(BUILD_DIR)"
	@echo "variables: PROFILE=$(PROFILE) CARGO=$(CARGO) CC=$(CC) LIBDIR=$(LIBDIR) DATASTACK=$(DATASTACK)"
