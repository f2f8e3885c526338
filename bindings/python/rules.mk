# FFI from other languages: make fragment included by the top-level
# Makefile, which sets ROOT (the repository root) and may set LIBDIR.
# Standalone:
#   make -f bindings/python/rules.mk ROOT=$PWD test-python
#
#   test-ffi-header  the header, #include lines removed, through `$(CC) -E -P`,
#                    must be accepted by cffi.FFI().cdef() unchanged
#                    (bindings/python/tools/check_header.py), and every function
#                    it declares must resolve in the library
#   test-python      the ctypes package's pytest suite (bindings/python/tests)
#                    in a virtual environment under $(PY_BUILD): the package
#                    installed with pip as a user would, pytest and cffi pinned
#                    by bindings/python/requirements-test.txt
#   test-node        when `node` is present: the koffi declarations checked
#                    against the header, then examples/node/walkthrough.mjs
#                    against fw-devserver in a temporary HOME, and the secret
#                    file it wrote compared byte for byte
#   clean-python     remove the virtual environment and examples/node/node_modules
#
# pip and npm download from their registries (PyPI, npm) on the first run;
# later runs reuse the environment, rebuilt when the pinned lists change.

# Targets here must not become the including Makefile's default goal.
_py_saved_default_goal := $(.DEFAULT_GOAL)

# Tools and shared settings (ROOT, CARGO, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))../../mk/common.mk
LIBDIR ?= $(ROOT)/target/release
NODE ?= node
NPM ?= npm
# The C preprocessor of the header check (make's built-in default `cc` is fine).
PY_CC ?= $(CC)
# Set to 0 when LIBDIR and fw-devserver are built by other means.
PY_CARGO_BUILD ?= 1
PY_CARGO_PROFILE_FLAG ?= $(or $(CARGO_PROFILE_FLAG),--release)
# Extra pytest arguments (e.g. PYTEST_FLAGS='-k walkthrough -v').
PYTEST_FLAGS ?=

PY_ROOT := $(abspath $(ROOT))
PY_LIB := $(abspath $(LIBDIR))/libfwclient.so
PY_DEVSERVER := $(abspath $(LIBDIR))/fw-devserver
PY_HEADER := $(PY_ROOT)/include/fwclient.h
PY_PKG := $(PY_ROOT)/bindings/python
PY_BUILD := $(PY_ROOT)/build/python
PY_VENV := $(PY_BUILD)/venv
PY_VENV_READY := $(PY_VENV)/.requirements-installed
NODE_DIR := $(PY_ROOT)/examples/node
NODE_READY := $(NODE_DIR)/node_modules/.fwclient-installed

# What every run sees: this tree's library and devserver, no token or
# secrets directory of the user's, no bytecode or cache written into the tree.
PY_ENV := env -u FW_AUTH_TOKEN -u FW_SECRETS_DIR -u FW_SECRETS_LAYOUT -u FW_CA_BUNDLE \
    FWCLIENT_LIB='$(PY_LIB)' FW_DEVSERVER_BIN='$(PY_DEVSERVER)' FWCLIENT_HEADER='$(PY_HEADER)' \
    CC='$(PY_CC)' PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: test-ffi-header test-python test-node clean-python py-rust python-install

py-rust:
ifeq ($(PY_CARGO_BUILD),1)
	cd '$(PY_ROOT)' && $(CARGO) build $(PY_CARGO_PROFILE_FLAG) -p fwclient -p fw-devserver
endif

$(PY_VENV_READY): $(PY_PKG)/requirements-test.txt
	rm -rf '$(PY_VENV)'
	$(PYTHON) -m venv '$(PY_VENV)'
	$(PY_ENV) '$(PY_VENV)/bin/pip' install -q -r '$(PY_PKG)/requirements-test.txt'
	touch '$@'

# The package as a user installs it (not imported from the tree), every time.
python-install: $(PY_VENV_READY)
	$(PY_ENV) '$(PY_VENV)/bin/pip' install -q --no-deps --force-reinstall '$(PY_PKG)'

test-ffi-header: $(PY_VENV_READY) py-rust
	$(PY_ENV) '$(PY_VENV)/bin/python' '$(PY_PKG)/tools/check_header.py' '$(PY_HEADER)' \
	    --lib '$(PY_LIB)' --cc '$(PY_CC)'

# Run from $(PY_BUILD) so that `import fwclient` finds the installed copy.
test-python: python-install py-rust
	cd '$(PY_BUILD)' && $(PY_ENV) '$(PY_VENV)/bin/pytest' -p no:cacheprovider -q \
	    $(PYTEST_FLAGS) '$(PY_PKG)/tests'

$(NODE_READY): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd '$(NODE_DIR)' && $(NPM) ci --ignore-scripts --no-audit --no-fund
	touch '$@'

# node is optional: without it the step says so and passes.
NODE_FOUND := $(shell command -v $(NODE) 2>/dev/null)

.PHONY: node-walkthrough node-absent
test-node: $(if $(NODE_FOUND),node-walkthrough,node-absent)

node-absent:
	@echo "test-node: $(NODE) not found; the Node example is not run"

node-walkthrough: $(NODE_READY) py-rust
	grep -v '^#include' '$(PY_HEADER)' | $(PY_CC) -E -P - | $(NODE) '$(NODE_DIR)/check-prototypes.mjs'
	@home=$$(mktemp -d "$${TMPDIR:-/tmp}/fwnode-home.XXXXXX"); \
	trap 'rm -rf "$$home"' EXIT; \
	echo "==> Node walkthrough: HOME=$$home"; \
	$(PY_ENV) HOME="$$home" '$(PY_ROOT)/tools/with-devserver.sh' --bin '$(PY_DEVSERVER)' \
	    $(NODE) '$(NODE_DIR)/walkthrough.mjs'; \
	printf '{"token": "fake_token_123"}' | cmp - "$$home/.cloudvolume/secrets/chunkedgraph-secret.json"; \
	echo "test-node: the walkthrough passed; the secret file holds the seed's bytes"
	@# The README's command finds fw-devserver from examples/node, and a
	@# missing server names both ways to give one.
	cd '$(NODE_DIR)' && env -u FW_DEVSERVER_BIN ../../tools/with-devserver.sh true
	@msg=$$(cd '$(NODE_DIR)' && ../../tools/with-devserver.sh --bin ./no-such-server true 2>&1 || true); \
	case "$$msg" in *"--bin PATH or FW_DEVSERVER_BIN=PATH"*) echo "test-node: a missing server names --bin and FW_DEVSERVER_BIN";; \
	    *) echo "test-node: unexpected message: $$msg" >&2; exit 1;; esac

clean-python:
	rm -rf '$(PY_BUILD)' '$(NODE_DIR)/node_modules'

.DEFAULT_GOAL := $(_py_saved_default_goal)
