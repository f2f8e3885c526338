# C++ binding: make fragment included by the top-level Makefile, which sets
# ROOT (the repository root) and may set LIBDIR. Standalone:
#   make -f bindings/cpp/rules.mk ROOT=$PWD test-cpp
#
#   test-cpp   build the Rust library and fw-devserver, configure and build
#              bindings/cpp with CMake, run ctest
#   demo-cpp   build and run examples/cpp/walkthrough.cpp in a temporary HOME
#              against $(FW_DEVSERVER_URL) (from the environment; offline
#              when empty)
#   clean-cpp  remove the CMake build directory

# Targets here must not become the including Makefile's default goal.
_cpp_saved_default_goal := $(.DEFAULT_GOAL)

# Tools and shared settings (ROOT, CARGO, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))../../mk/common.mk
LIBDIR ?= $(ROOT)/target/release
CPP_ROOT := $(abspath $(ROOT))
CPP_LIBDIR := $(abspath $(LIBDIR))
CPP_BUILD_DIR ?= $(CPP_ROOT)/bindings/cpp/build
# fw-devserver is built next to the library (same cargo profile directory).
CPP_DEVSERVER ?= $(CPP_LIBDIR)/fw-devserver
# The cargo profile of LIBDIR: the including Makefile's, else release.
CPP_CARGO_PROFILE_FLAG ?= $(or $(CARGO_PROFILE_FLAG),--release)
CPP_CTEST_FLAGS ?= --output-on-failure
# Set to 0 when LIBDIR and fw-devserver are built by other means.
CPP_CARGO_BUILD ?= 1
FW_DEVSERVER_URL ?=

.PHONY: test-cpp demo-cpp clean-cpp cpp-rust cpp-build

cpp-rust:
ifeq ($(CPP_CARGO_BUILD),1)
	cd '$(CPP_ROOT)' && $(CARGO) build $(CPP_CARGO_PROFILE_FLAG) -p fwclient -p fw-devserver
endif

cpp-build: cpp-rust
	$(CMAKE) -S '$(CPP_ROOT)/bindings/cpp' -B '$(CPP_BUILD_DIR)' \
	  -DFW_ROOT='$(CPP_ROOT)' -DFW_LIBDIR='$(CPP_LIBDIR)' -DFW_DEVSERVER='$(abspath $(CPP_DEVSERVER))'
	$(CMAKE) --build '$(CPP_BUILD_DIR)' --parallel

test-cpp: cpp-build
	$(CTEST) --test-dir '$(CPP_BUILD_DIR)' $(CPP_CTEST_FLAGS)

demo-cpp: cpp-build
	@home=$$(mktemp -d "$${TMPDIR:-/tmp}/fwcpp-demo-XXXXXX") && \
	trap 'rm -rf "$$home"' EXIT && \
	unset FW_AUTH_TOKEN FW_SECRETS_DIR FW_SECRETS_LAYOUT FW_SERVER_ADDRESS && \
	echo "HOME=$$home" && \
	HOME="$$home" '$(CPP_BUILD_DIR)/walkthrough' minnie65_public $(FW_DEVSERVER_URL) && \
	echo "--- $$home/.cloudvolume/secrets/chunkedgraph-secret.json:" && \
	cat "$$home/.cloudvolume/secrets/chunkedgraph-secret.json" && echo

clean-cpp:
	rm -rf '$(CPP_BUILD_DIR)'

.DEFAULT_GOAL := $(_cpp_saved_default_goal)
