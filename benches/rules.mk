# Benchmarks: make fragment included by the top-level Makefile, which sets
# ROOT (the repository root) and may set LIBDIR. Standalone:
#   make -f benches/rules.mk ROOT=$PWD bench
#
#   bench          build the library and every benchmark program, run them all
#                  (about 2-4 minutes on 2 cores) and write $(BENCH_OUT)
#   bench-quick    the same with few rounds (a check that everything runs;
#                  its figures are indicative only)
#   bench-profile  callgrind instruction counts of one GET and one token
#                  resolution, fwclient and bare, into $(BENCH_BUILD)/callgrind
#   bench-batch    only item 9 (issue 23: batches against libcurl multi and
#                  the Python peers), printed
#   bench-build    only build
#   clean-bench    remove $(BENCH_BUILD) and the driver's target directory
#
# Benchmarks are not tests: nothing here is part of `make test`, and nothing
# asserts a time. The driver (benches/rust, a crate outside the root
# workspace, built into $(BENCH_TARGET_DIR)) measures fwclient through the C
# ABI next to bare Rust baselines (serde_json, ureq) in the same process,
# starts benches/responder (127.0.0.1, a free port, stopped by its PID) and
# runs the C, C++ and Go programs, and benches/curl/bench_curl.c (fwclient
# next to libcurl: apt-get install libcurl4-openssl-dev; it starts
# fw-devserver from LIBDIR); see BENCHMARKS.md for what each measures.

# Targets here must not become the including Makefile's default goal.
_bench_saved_default_goal := $(.DEFAULT_GOAL)

# Tools and shared settings (ROOT, CARGO, GO, VALGRIND, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))../mk/common.mk
LIBDIR ?= $(ROOT)/target/release
BENCH_ROOT := $(abspath $(ROOT))
BENCH_LIBDIR := $(abspath $(LIBDIR))
BENCH_CC ?= gcc
BENCH_CXX ?= g++
BENCH_OUT ?= $(BENCH_ROOT)/BENCHMARKS.md
BENCH_BUILD ?= $(BENCH_ROOT)/build/bench
BENCH_TARGET_DIR ?= $(BENCH_ROOT)/target/bench
BENCH_DRIVER := $(BENCH_TARGET_DIR)/release/fwbench
# Set to 0 when LIBDIR is built by other means.
BENCH_CARGO_BUILD ?= 1
# Extra driver flags (e.g. --quick).
BENCH_FLAGS ?=

BENCH_DIR := $(BENCH_ROOT)/benches
BENCH_C_FLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -pedantic
BENCH_CXX_FLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror
BENCH_LINK := -L$(BENCH_LIBDIR) -Wl,-rpath,$(BENCH_LIBDIR) -lfwclient

.PHONY: bench bench-quick bench-build bench-profile clean-bench bench-lib bench-pyvenv bench-batch

bench-lib:
ifeq ($(BENCH_CARGO_BUILD),1)
	cd '$(BENCH_ROOT)' && $(CARGO) build --release -p fwclient -p fw-devserver
endif
	@test -e '$(BENCH_LIBDIR)/libfwclient.so' || \
	  { echo "bench: no $(BENCH_LIBDIR)/libfwclient.so" >&2; exit 1; }

bench-build: bench-lib
	@mkdir -p '$(BENCH_BUILD)'
	$(BENCH_CC) $(BENCH_C_FLAGS) -o '$(BENCH_BUILD)/responder' '$(BENCH_DIR)/responder/responder.c'
	$(BENCH_CC) $(BENCH_C_FLAGS) -I'$(BENCH_ROOT)/include' -o '$(BENCH_BUILD)/bench_c' \
	  '$(BENCH_DIR)/c/bench_c.c' $(BENCH_LINK)
	@echo '#include <curl/curl.h>' | $(BENCH_CC) -E -x c - >/dev/null 2>&1 || \
	  { echo "bench: libcurl's headers are missing (apt-get install libcurl4-openssl-dev)" >&2; exit 1; }
	$(BENCH_CC) $(BENCH_C_FLAGS) -I'$(BENCH_ROOT)/include' -o '$(BENCH_BUILD)/bench_curl' \
	  '$(BENCH_DIR)/curl/bench_curl.c' $(BENCH_LINK) -lcurl -lpthread
	$(BENCH_CC) $(BENCH_C_FLAGS) -I'$(BENCH_ROOT)/include' -o '$(BENCH_BUILD)/bench_batch_fw' \
	  '$(BENCH_DIR)/batch/bench_batch.c' $(BENCH_LINK)
	$(BENCH_CC) $(BENCH_C_FLAGS) -DBENCH_CURL -o '$(BENCH_BUILD)/bench_batch_curl' \
	  '$(BENCH_DIR)/batch/bench_batch.c' -lcurl
	$(BENCH_CXX) $(BENCH_CXX_FLAGS) -I'$(BENCH_ROOT)/include' -I'$(BENCH_ROOT)/bindings/cpp/include' \
	  -o '$(BENCH_BUILD)/bench_cpp' '$(BENCH_DIR)/cpp/bench_cpp.cpp' $(BENCH_LINK)
	cd '$(BENCH_DIR)/go' && CGO_ENABLED=1 CGO_LDFLAGS='$(BENCH_LINK)' \
	  $(GO) build -o '$(BENCH_BUILD)/bench_go' .
	cd '$(BENCH_DIR)/rust' && FWCLIENT_LIBDIR='$(BENCH_LIBDIR)' \
	  $(CARGO) build --release --quiet --target-dir '$(BENCH_TARGET_DIR)'

# The callgrind counts (bench-profile, ~15 s) go into the report too: the
# repeatable figure beside the timed ones. Without valgrind they are skipped.
BENCH_HAVE_VALGRIND := $(shell command -v $(VALGRIND) >/dev/null 2>&1 && echo 1)
bench: bench-build bench-pyvenv $(if $(BENCH_HAVE_VALGRIND),bench-profile)
	'$(BENCH_DRIVER)' run --bin-dir '$(BENCH_BUILD)' --out '$(BENCH_OUT)' \
	  --libdir '$(BENCH_LIBDIR)' --python '$(BENCH_PYVENV)/bin/python' \
	  $(if $(BENCH_HAVE_VALGRIND),--callgrind '$(BENCH_CG)/summary.tsv') $(BENCH_FLAGS)

# The Python peers of item 9 (caveclient, cloud-files), installed with pip
# into a virtual environment once; without network the step says so and
# their rows say they were not run.
BENCH_PYVENV := $(BENCH_BUILD)/pyvenv
PYTHON3 ?= python3
bench-pyvenv:
	@test -x '$(BENCH_PYVENV)/bin/python' && '$(BENCH_PYVENV)/bin/python' -c 'import caveclient, cloudfiles' 2>/dev/null || \
	  { $(PYTHON3) -m venv '$(BENCH_PYVENV)' && '$(BENCH_PYVENV)/bin/pip' install -q caveclient cloud-files; } || \
	  { echo "bench: caveclient and cloud-files could not be installed; item 9 runs without them" >&2; \
	    rm -rf '$(BENCH_PYVENV)'; }

# Item 9 alone (issue 23's rows), printed.
bench-batch: bench-build bench-pyvenv
	'$(BENCH_DRIVER)' batch '$(BENCH_BUILD)' '$(BENCH_LIBDIR)' \
	  --python '$(BENCH_PYVENV)/bin/python' $(BENCH_FLAGS)

bench-quick: BENCH_FLAGS += --quick
bench-quick: bench

# Instruction counts are repeatable where times are not. Each pair of runs
# differs only in N, so (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one call
# without start-up; the summary prints it per call.
BENCH_CG := $(BENCH_BUILD)/callgrind
bench-profile: bench-build
	@mkdir -p '$(BENCH_CG)'
	@set -e; \
	'$(BENCH_BUILD)/responder' --max-seconds 600 > '$(BENCH_CG)/port' & pid=$$!; \
	trap 'kill $$pid 2>/dev/null || true' EXIT; \
	for i in 1 2 3 4 5 6 7 8 9 10; do grep -q PORT= '$(BENCH_CG)/port' && break; sleep 0.1; done; \
	base=http://127.0.0.1:$$(sed -n 's/^PORT=//p' '$(BENCH_CG)/port'); \
	sec='$(BENCH_CG)/secrets'; mkdir -p "$$sec"; \
	printf '{"token": "0123456789abcdef0123456789abcdef"}' > "$$sec/chunkedgraph-secret.json"; \
	count() { f=$$1; shift; \
	  HOME="$$sec" $(VALGRIND) --tool=callgrind --callgrind-out-file="$$f" "$$@" 2>&1 \
	    | sed -n 's/.*Collected : //p'; }; \
	: > '$(BENCH_CG)/summary.tsv'; \
	for w in fw bare; do \
	  a=$$(count '$(BENCH_CG)'/get.$$w.500 '$(BENCH_DRIVER)' profile-get $$w $$base 500); \
	  b=$$(count '$(BENCH_CG)'/get.$$w.1500 '$(BENCH_DRIVER)' profile-get $$w $$base 1500); \
	  echo "GET $$w: $$(( (b - a) / 1000 )) instructions per request"; \
	  printf 'get\t%s\t%s\n' $$w $$(( (b - a) / 1000 )) >> '$(BENCH_CG)/summary.tsv'; \
	  a=$$(count '$(BENCH_CG)'/resolve.$$w.500 '$(BENCH_DRIVER)' profile-resolve $$w "$$sec" 500); \
	  b=$$(count '$(BENCH_CG)'/resolve.$$w.1500 '$(BENCH_DRIVER)' profile-resolve $$w "$$sec" 1500); \
	  echo "resolve $$w: $$(( (b - a) / 1000 )) instructions per resolution"; \
	  printf 'resolve\t%s\t%s\n' $$w $$(( (b - a) / 1000 )) >> '$(BENCH_CG)/summary.tsv'; \
	done; \
	echo "profiles in $(BENCH_CG) (callgrind_annotate --inclusive=yes FILE)"

clean-bench:
	rm -rf '$(BENCH_BUILD)' '$(BENCH_TARGET_DIR)'

.DEFAULT_GOAL := $(_bench_saved_default_goal)
