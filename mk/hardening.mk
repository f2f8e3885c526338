# Hardening: bad input, faults, concurrency and secret hygiene, proven by
# tests (docs/robustness.md lists every case and the test that proves it).
#
# A make fragment: the top-level Makefile includes it and sets ROOT (the
# repository root) and may set LIBDIR. Standalone:
#   make -f mk/hardening.mk ROOT=$PWD test-hardening
#
#   test-hardening   everything that belongs in `make test` (a few minutes):
#     hardening-rust        the Rust hardening tests (bad input, full disk,
#                           secret hygiene, 32 threads, faulty-server bounds)
#     hardening-null-tests  the NULL-argument test generated from the header,
#                           built plain, under valgrind, and with ASan+UBSan
#     hardening-c-sanitize  the C tests built with ASan+UBSan (sanitizer
#                           linked and proven to fire on a canary first)
#     hardening-cpp-sanitize  the C++ tests the same way, in their own build
#                           dir (when bindings/cpp/CMakeLists.txt exists)
#     hardening-go-race     32 goroutines sharing one client and auth, saving,
#                           setting, reading and requesting, under -race
#     hardening-fuzz-smoke  each cargo-fuzz target for FUZZ_SMOKE_SECONDS
#                           (seeds + fresh mutations, unoptimised build)
#   fuzz             each fuzz target for FUZZ_SECONDS (default 300)
#   tsan             tests/threads.rs under ThreadSanitizer (nightly,
#                    -Zbuild-std; needs the rust-src component; slow to
#                    build the first time, so not part of test-hardening)
#   clean-hardening  remove build/hardening and fuzz/target
#
# Tools: cargo-fuzz is installed with `cargo install cargo-fuzz` when
# missing (as .ci/run installs what a fresh machine lacks); the nightly
# toolchain, gcc/g++, cmake, GoogleTest, go and valgrind are expected.

_hardening_saved_default_goal := $(.DEFAULT_GOAL)

# Tools, bash with pipefail, C flags: shared with every fragment.
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk

LIBDIR ?= $(ROOT)/target/release
# Set to 0 when LIBDIR and fw-devserver are built by other means.
HARDENING_CARGO_BUILD ?= 1
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := secret_file server_file_name error_body ffi_strings url_parts
NIGHTLY ?= +nightly

H_ROOT := $(abspath $(ROOT))
H_LIBDIR := $(abspath $(LIBDIR))
H_BUILD := $(H_ROOT)/build/hardening
H_HEADER := $(H_ROOT)/include/fwclient.h
H_CTESTS := $(H_ROOT)/bindings/c/tests
H_DEVSERVER ?= $(H_LIBDIR)/fw-devserver
H_CC := $(CC)
H_C_FLAGS := $(C_STD_FLAGS) -g -O1 -I$(H_ROOT)/include -I$(H_CTESTS)
H_C_LINK := -L$(H_LIBDIR) -Wl,-rpath,$(H_LIBDIR) -lfwclient
# The sanitizers: every report is fatal, leaks included (LeakSanitizer).
H_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
H_SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=23 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=24
H_VALGRIND_FLAGS := $(VALGRIND_FLAGS_BASE)
H_GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
    CGO_CFLAGS='$(FW_CGO_CFLAGS)' CGO_LDFLAGS='-L$(H_LIBDIR) -Wl,-rpath,$(H_LIBDIR)'

.PHONY: test-hardening fuzz tsan clean-hardening hardening-build hardening-rust \
    hardening-null-tests hardening-c-sanitize hardening-cpp-sanitize hardening-go-race \
    hardening-fuzz-smoke hardening-cargo-fuzz hardening-sanitizer-check

test-hardening: hardening-rust hardening-null-tests hardening-c-sanitize \
    hardening-cpp-sanitize hardening-go-race hardening-fuzz-smoke
	@echo "==> test-hardening: all passed"

hardening-build:
ifeq ($(HARDENING_CARGO_BUILD),1)
	cd '$(H_ROOT)' && $(CARGO) build $(if $(filter %/debug,$(H_LIBDIR)),,--release) -p fwclient -p fw-devserver
endif
	@test -e '$(H_LIBDIR)/libfwclient.so' || { echo "hardening: no $(H_LIBDIR)/libfwclient.so" >&2; exit 1; }
	@test -x '$(H_DEVSERVER)' || { echo "hardening: no fw-devserver at $(H_DEVSERVER)" >&2; exit 1; }

# ------------------------------------------------------------ Rust tests
# (cargo test --workspace runs them too; here they run on their own.)

hardening-rust:
	cd '$(H_ROOT)' && $(CARGO) test --test bad_input --test full_disk --test hygiene \
	    --test threads --test faulty_servers_bounds

# ----------------------------------------------- generated NULL test (C)
# Generated from the header at every build (never committed), built as its
# own program next to the C runner (which compiles bindings/c/tests/*.c).

H_NULL_SRC := $(H_BUILD)/null/null_tests.c
H_NULL_SUPPORT := $(H_CTESTS)/harness.c $(H_CTESTS)/helpers.c $(H_CTESTS)/devserver.c

$(H_NULL_SRC): $(H_HEADER) $(H_CTESTS)/gen-null-tests.py
	@mkdir -p $(@D)
	$(PYTHON) $(H_CTESTS)/gen-null-tests.py $(H_HEADER) $@

$(H_BUILD)/null/null_tests: $(H_NULL_SRC) $(H_NULL_SUPPORT) hardening-build
	$(H_CC) $(H_C_FLAGS) -o $@ $(H_NULL_SRC) $(H_NULL_SUPPORT) $(H_C_LINK)

$(H_BUILD)/null/null_tests_san: $(H_NULL_SRC) $(H_NULL_SUPPORT) hardening-build
	$(H_CC) $(H_C_FLAGS) $(H_SAN) -o $@ $(H_NULL_SRC) $(H_NULL_SUPPORT) $(H_C_LINK)

hardening-null-tests: $(H_BUILD)/null/null_tests $(H_BUILD)/null/null_tests_san hardening-sanitizer-check
	FW_DEVSERVER_BIN='$(H_DEVSERVER)' $(H_BUILD)/null/null_tests
	FW_DEVSERVER_BIN='$(H_DEVSERVER)' $(VALGRIND) -q $(H_VALGRIND_FLAGS) $(H_BUILD)/null/null_tests
	FW_DEVSERVER_BIN='$(H_DEVSERVER)' $(H_SAN_ENV) $(H_BUILD)/null/null_tests_san

# ------------------------------------------------- sanitizers (C tests)

H_CANARY := $(H_BUILD)/c-san/canary
H_C_SAN_BIN := $(H_BUILD)/c-san/fwclient-ctests

$(H_CANARY): $(H_CTESTS)/sanitizer/canary.c hardening-build
	@mkdir -p $(@D)
	$(H_CC) $(H_C_FLAGS) $(H_SAN) -o $@ $< $(H_C_LINK)

# The sanitizer runtimes are linked (ELF NEEDED) and each one stops its
# canary: otherwise a clean sanitized run would prove nothing.
hardening-sanitizer-check: $(H_CANARY)
	@readelf -d $(H_CANARY) | grep -q 'libasan\.so' || { echo "hardening: libasan is not linked into $(H_CANARY)" >&2; exit 1; }
	@readelf -d $(H_CANARY) | grep -q 'libubsan\.so' || { echo "hardening: libubsan is not linked into $(H_CANARY)" >&2; exit 1; }
	@out=$$($(H_SAN_ENV) $(H_CANARY) asan 2>&1) && { echo "hardening: ASan did not stop the canary: $$out" >&2; exit 1; }; \
	    grep -q 'AddressSanitizer: heap-use-after-free' <<<"$$out" || { echo "hardening: no ASan report: $$out" >&2; exit 1; }
	@out=$$($(H_SAN_ENV) $(H_CANARY) leak 2>&1) && { echo "hardening: LeakSanitizer did not report the canary: $$out" >&2; exit 1; }; \
	    grep -q 'LeakSanitizer: detected memory leaks' <<<"$$out" || { echo "hardening: no LeakSanitizer report: $$out" >&2; exit 1; }
	@out=$$($(H_SAN_ENV) $(H_CANARY) ubsan 2>&1) && { echo "hardening: UBSan did not stop the canary: $$out" >&2; exit 1; }; \
	    grep -q 'runtime error: signed integer overflow' <<<"$$out" || { echo "hardening: no UBSan report: $$out" >&2; exit 1; }
	@echo "hardening: ASan, LeakSanitizer and UBSan are linked and fire (canary)"

$(H_C_SAN_BIN): $(wildcard $(H_CTESTS)/*.c) $(wildcard $(H_CTESTS)/*.h) hardening-build
	@mkdir -p $(@D)
	$(H_CC) $(H_C_FLAGS) $(H_SAN) -o $@ $(wildcard $(H_CTESTS)/*.c) $(H_C_LINK)

hardening-c-sanitize: $(H_C_SAN_BIN) hardening-sanitizer-check
	@readelf -d $(H_C_SAN_BIN) | grep -q 'libasan\.so' && readelf -d $(H_C_SAN_BIN) | grep -q 'libubsan\.so' \
	    || { echo "hardening: $(H_C_SAN_BIN) is not linked with ASan and UBSan" >&2; exit 1; }
	FW_DEVSERVER_BIN='$(H_DEVSERVER)' $(H_SAN_ENV) $(H_C_SAN_BIN) | tail -n 3

# ------------------------------------------------ sanitizers (C++ tests)
# bindings/cpp's own CMakeLists, in a build dir of ours, with the flags
# passed in (bindings/cpp is not edited).

H_CPP_SRC := $(H_ROOT)/bindings/cpp
H_CPP_BUILD := $(H_BUILD)/cpp-san

hardening-cpp-sanitize: hardening-build hardening-sanitizer-check
	@if [ ! -f '$(H_CPP_SRC)/CMakeLists.txt' ]; then \
	    echo "hardening: SKIPPED the C++ sanitizer run: no bindings/cpp/CMakeLists.txt yet"; exit 0; fi; \
	set -e; \
	$(CMAKE) -S '$(H_CPP_SRC)' -B '$(H_CPP_BUILD)' -DCMAKE_BUILD_TYPE=Debug \
	    -DFW_ROOT='$(H_ROOT)' -DFW_LIBDIR='$(H_LIBDIR)' -DFW_DEVSERVER='$(H_DEVSERVER)' \
	    -DCMAKE_CXX_FLAGS='$(H_SAN)' -DCMAKE_EXE_LINKER_FLAGS='-fsanitize=address,undefined' >/dev/null; \
	$(CMAKE) --build '$(H_CPP_BUILD)' --parallel 2; \
	n=0; for exe in $$(find '$(H_CPP_BUILD)' -maxdepth 1 -type f -executable); do \
	    readelf -d "$$exe" 2>/dev/null | grep -q 'libasan\.so' && readelf -d "$$exe" | grep -q 'libubsan\.so' \
	        || { echo "hardening: $$exe is not linked with ASan and UBSan" >&2; exit 1; }; n=$$((n+1)); done; \
	[ "$$n" -gt 0 ] || { echo "hardening: no C++ test program was built" >&2; exit 1; }; \
	echo "hardening: $$n C++ programs linked with ASan and UBSan"; \
	$(H_SAN_ENV) $(CTEST) --test-dir '$(H_CPP_BUILD)' --output-on-failure -j 2 | tail -n 4

# ------------------------------------------------- Go race (32 goroutines)

hardening-go-race: hardening-build
	cd '$(H_ROOT)/tests/go-race' && $(H_GO_ENV) FW_DEVSERVER_BIN='$(H_DEVSERVER)' \
	    $(GO) test -race -count=1 ./...

# ------------------------------------------------------------- fuzzing

# cargo-fuzz and the nightly toolchain, installed when missing.
hardening-cargo-fuzz:
	@$(CARGO) $(NIGHTLY) --version >/dev/null 2>&1 || { \
	    echo "hardening: the nightly toolchain is missing (rustup toolchain install nightly)" >&2; exit 1; }
	@if ! $(CARGO) fuzz --version >/dev/null 2>&1; then \
	    echo "hardening: installing cargo-fuzz"; $(CARGO) install cargo-fuzz --locked; fi

# One fuzz target for $(2) seconds, from the committed seeds and the
# (ignored) corpus it grows; the log is kept, its tail shown on failure.
# $(3): cargo-fuzz build flags. The smoke run uses an unoptimised build
# (--dev: about a third of the cold build time of the optimised one on two
# cores; a few seconds of fuzzing need no speed); `fuzz` uses the default
# optimised build.
# $(4): the corpus directory the run grows (read first, then the seeds).
H_FUZZ_RUN = mkdir -p '$(H_BUILD)/fuzz' '$(4)' && \
    cd '$(H_ROOT)/fuzz' && \
    if ! $(CARGO) $(NIGHTLY) fuzz run $(3) $(1) '$(4)' '$(H_ROOT)/fuzz/seeds/$(1)' -- \
        -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        $(if $(filter secret_file error_body,$(1)),-dict='$(H_ROOT)/fuzz/dicts/json.dict') \
        > '$(H_BUILD)/fuzz/$(1).log' 2>&1; then \
        tail -n 60 '$(H_BUILD)/fuzz/$(1).log'; \
        echo "fuzz: $(1) failed; the input is in fuzz/artifacts/$(1)/ (log: $(H_BUILD)/fuzz/$(1).log)" >&2; \
        exit 1; fi; \
    grep -E '^(Done|stat::number_of_executed_units)' '$(H_BUILD)/fuzz/$(1).log' | tr '\n' ' '; echo

hardening-fuzz-smoke: hardening-cargo-fuzz
	cd '$(H_ROOT)/fuzz' && $(CARGO) $(NIGHTLY) fuzz build --dev
	@rm -rf '$(H_BUILD)/fuzz-smoke'
	@set -e; $(foreach t,$(FUZZ_TARGETS),echo "fuzz smoke: $(t) ($(FUZZ_SMOKE_SECONDS) s)"; $(call H_FUZZ_RUN,$(t),$(FUZZ_SMOKE_SECONDS),--dev,$(H_BUILD)/fuzz-smoke/$(t));)

fuzz: hardening-cargo-fuzz
	cd '$(H_ROOT)/fuzz' && $(CARGO) $(NIGHTLY) fuzz build
	@set -e; $(foreach t,$(FUZZ_TARGETS),echo "fuzz: $(t) ($(FUZZ_SECONDS) s)"; $(call H_FUZZ_RUN,$(t),$(FUZZ_SECONDS),,$(H_ROOT)/fuzz/corpus/$(t));)

# ------------------------------------------- ThreadSanitizer (nightly)

tsan: hardening-build
	@rustup +nightly component list --installed 2>/dev/null | grep -q '^rust-src' || { \
	    echo "hardening: tsan needs the nightly rust-src component (rustup component add rust-src --toolchain nightly)" >&2; exit 1; }
	cd '$(H_ROOT)' && RUSTFLAGS='-Zsanitizer=thread' RUSTDOCFLAGS='-Zsanitizer=thread' \
	    CARGO_TARGET_DIR='$(H_ROOT)/target/tsan' TSAN_OPTIONS='halt_on_error=1' \
	    FW_DEVSERVER_BIN='$(H_DEVSERVER)' \
	    $(CARGO) $(NIGHTLY) test -Zbuild-std --target x86_64-unknown-linux-gnu --test threads

clean-hardening:
	rm -rf '$(H_BUILD)' '$(H_ROOT)/fuzz/target'

.DEFAULT_GOAL := $(_hardening_saved_default_goal)
