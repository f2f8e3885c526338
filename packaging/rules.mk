# Installing fwclient like a C library, and the tests of the installed copy
# and of fwauth. Make fragment included by the top-level Makefile, which sets
# ROOT (the repository root) and may set PREFIX, DESTDIR and LIBDIR.
# Standalone:
#   make -f packaging/rules.mk ROOT=$PWD install PREFIX=$HOME/.local
#
#   install        copy the library, headers, pkg-config and CMake files and
#                  fwauth below $(DESTDIR)$(PREFIX) (nothing is built with
#                  cargo: run `make` first; only the soname'd shared library
#                  is linked here, from libfwclient.a)
#   uninstall      remove exactly what install copies
#   test-install   install into a temporary prefix and build and run C, static
#                  C, C++ (CMake) and Go programs against it
#                  (tests/consumer/run.sh; last line `N passed, M failed`)
#   test-fwauth    the fwauth tests against fw-devserver, interactive flows in
#                  a pseudo-terminal (fwauth/tests/run_tests.py), and its browser
#                  login with scripted browsers (login_tests.py; same last line)
#   pkg-lib        only link $(PKG_SHARED), the shared library install copies
#
# Variables:
#   PREFIX=/usr/local  DESTDIR=  (staging root, not recorded in any file)
#   LIBDIR=$(ROOT)/target/release  (cargo's output: libfwclient.a, fwauth, fw-devserver)
#   BINDIR=$(PREFIX)/bin  INCLUDEDIR=$(PREFIX)/include  INSTALL_LIBDIR=$(PREFIX)/lib
#   PKGCONFIGDIR=$(INSTALL_LIBDIR)/pkgconfig  CMAKEDIR=$(INSTALL_LIBDIR)/cmake/fwclient
#   PKG_CARGO_BUILD=1  test-install and test-fwauth run cargo build first (0: don't)
#   PKG_RPATH=auto     the .pc's Libs carry -Wl,-rpath,${libdir} unless the
#                      library directory is one the loader searches anyway
#                      (/usr/lib, /lib, their 64 and multiarch forms); 1: always, 0: never
#
# Why the shared library is linked here: a soname (libfwclient.so.N) on
# cargo's cdylib would make every program linked in the tree against
# target/release/libfwclient.so ask for libfwclient.so.N at run time, a file
# cargo does not create. So cargo's cdylib stays as it is, and install links
# libfwclient.so.X.Y.Z from the staticlib with the soname and an export list
# of fw_* only (packaging/fwclient.map), as rustc does for the cdylib.

# Targets here must not become the including Makefile's default goal.
_pkg_saved_default_goal := $(.DEFAULT_GOAL)

include $(dir $(lastword $(MAKEFILE_LIST)))../mk/common.mk

ROOT ?= $(CURDIR)
PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(ROOT)/target/release
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
INSTALL_LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(INSTALL_LIBDIR)/pkgconfig
CMAKEDIR ?= $(INSTALL_LIBDIR)/cmake/fwclient
CARGO ?= cargo
PKG_CARGO_BUILD ?= 1
# The including Makefile's profile flag when it has one (LIBDIR must match it).
PKG_CARGO_PROFILE_FLAG ?= $(or $(CARGO_PROFILE_FLAG),--release)
PYTHON ?= python3
INSTALL ?= install
# The linker driver for the shared library (make's built-in default `cc` is fine).
PKG_CC ?= $(CC)

PKG_ROOT := $(abspath $(ROOT))
PKG_LIBDIR := $(abspath $(LIBDIR))
PKG_BUILD := $(PKG_ROOT)/build/packaging

# The version and the soname's version, read once in mk/common.mk.
PKG_VERSION := $(FW_VERSION)
PKG_SOVERSION := $(FW_SOVERSION)
PKG_OS ?= $(shell uname -s)
ifeq ($(PKG_OS),Darwin)
# macOS, cargo-c's conventions: libfwclient.X.Y.Z.dylib, install name
# <libdir>/libfwclient.<soversion>.dylib, compatibility_version <soversion>,
# current_version X.Y.Z; exports from a list of _fw_ symbols.
PKG_SONAME := libfwclient.$(PKG_SOVERSION).dylib
PKG_REALNAME := libfwclient.$(PKG_VERSION).dylib
PKG_DEVLINK := libfwclient.dylib
PKG_NATIVE_LIBS := -framework Security -framework CoreFoundation -liconv -lSystem -lc -lm
else
PKG_SONAME := libfwclient.so.$(PKG_SOVERSION)
PKG_REALNAME := libfwclient.so.$(PKG_VERSION)
PKG_DEVLINK := libfwclient.so
endif
PKG_SHARED := $(PKG_BUILD)/$(PKG_REALNAME)

# What a static link of libfwclient.a needs besides it: the `native-static-libs`
# rustc prints for this crate on x86_64 Linux (test-install checks it against
# rustc). pkg-config's Libs.private, CMake's fwclient::fwclient_static, and the
# link of the shared library all use this one list (macOS: set above).
PKG_NATIVE_LIBS ?= -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

# An rpath in the .pc for a prefix the dynamic loader does not search, so a
# program built with `pkg-config --libs fwclient` (or Go's
# `-tags fwclient_pkgconfig`) runs without LD_LIBRARY_PATH.
PKG_RPATH ?= auto
pkg_comma := ,
PKG_MULTIARCH := $(shell $(PKG_CC) -print-multiarch 2>/dev/null)
PKG_SYSTEM_LIBDIRS := /lib /lib64 /usr/lib /usr/lib64 $(if $(PKG_MULTIARCH),/lib/$(PKG_MULTIARCH) /usr/lib/$(PKG_MULTIARCH))
PKG_WANT_RPATH := $(if $(filter 1,$(PKG_RPATH)),1,$(if $(filter auto,$(PKG_RPATH)),$(if $(filter $(abspath $(INSTALL_LIBDIR)),$(PKG_SYSTEM_LIBDIRS)),,1)))
PKG_RPATH_FLAG := $(if $(PKG_WANT_RPATH),-Wl$(pkg_comma)-rpath$(pkg_comma)$${libdir} )

pkg_empty :=
pkg_space := $(pkg_empty) $(pkg_empty)
# Paths written into the installed files (never DESTDIR).
pkg_rel = $(shell realpath -m --relative-to='$(1)' '$(2)')
pkg_from_prefix = $(patsubst $(PREFIX)/%,$${prefix}/%,$(patsubst $(PREFIX),$${prefix},$(1)))

PKG_INSTALLED := \
    $(BINDIR)/fwauth \
    $(INCLUDEDIR)/fwclient.h \
    $(INCLUDEDIR)/fwclient.hpp \
    $(INSTALL_LIBDIR)/$(PKG_REALNAME) \
    $(INSTALL_LIBDIR)/$(PKG_SONAME) \
    $(INSTALL_LIBDIR)/$(PKG_DEVLINK) \
    $(INSTALL_LIBDIR)/libfwclient.a \
    $(PKGCONFIGDIR)/fwclient.pc \
    $(CMAKEDIR)/fwclientConfig.cmake \
    $(CMAKEDIR)/fwclientConfigVersion.cmake

.PHONY: install uninstall test-install test-fwauth pkg-lib pkg-built pkg-cargo-build

pkg-built:
	@test -n '$(PKG_VERSION)' || { echo "packaging: no version found in $(PKG_ROOT)/Cargo.toml" >&2; exit 1; }
	@for f in '$(PKG_LIBDIR)/libfwclient.a' '$(PKG_LIBDIR)/fwauth' '$(PKG_ROOT)/include/fwclient.h' \
	          '$(PKG_ROOT)/bindings/cpp/include/fwclient.hpp'; do \
	    test -e "$$f" || { echo "packaging: $$f is missing: build first (make, or cargo build --release --workspace)" >&2; exit 1; }; \
	done

ifeq ($(PKG_OS),Darwin)
$(PKG_SHARED): $(PKG_LIBDIR)/libfwclient.a $(PKG_ROOT)/include/fwclient.h | pkg-built
	@mkdir -p '$(@D)'
	grep -oE '\bfw_[a-z0-9_]+\(' '$(PKG_ROOT)/include/fwclient.h' | tr -d '(' | sort -u | sed 's/^/_/' > '$(PKG_BUILD)/exports.txt'
	$(PKG_CC) -dynamiclib -o '$@.tmp' -Wl,-install_name,'$(INSTALL_LIBDIR)/$(PKG_SONAME)' \
	    -Wl,-compatibility_version,$(PKG_SOVERSION) -Wl,-current_version,$(PKG_VERSION) \
	    -Wl,-exported_symbols_list,'$(PKG_BUILD)/exports.txt' -Wl,-dead_strip \
	    -Wl,-force_load,'$(PKG_LIBDIR)/libfwclient.a' $(PKG_NATIVE_LIBS)
	@mv -f '$@.tmp' '$@'
else
$(PKG_SHARED): $(PKG_LIBDIR)/libfwclient.a $(PKG_ROOT)/packaging/fwclient.map | pkg-built
	@mkdir -p '$(@D)'
	$(PKG_CC) -shared -o '$@.tmp' -Wl,-soname,$(PKG_SONAME) \
	    -Wl,--version-script='$(PKG_ROOT)/packaging/fwclient.map' \
	    -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--as-needed \
	    -Wl,--whole-archive '$(PKG_LIBDIR)/libfwclient.a' -Wl,--no-whole-archive \
	    $(PKG_NATIVE_LIBS)
	@mv -f '$@.tmp' '$@'
endif

pkg-lib: $(PKG_SHARED)

install: pkg-built $(PKG_SHARED)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(INSTALL_LIBDIR)' \
	    '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)'
	$(INSTALL) -m 0755 '$(PKG_LIBDIR)/fwauth' '$(DESTDIR)$(BINDIR)/fwauth'
	$(INSTALL) -m 0644 '$(PKG_ROOT)/include/fwclient.h' '$(PKG_ROOT)/bindings/cpp/include/fwclient.hpp' \
	    '$(DESTDIR)$(INCLUDEDIR)/'
	$(INSTALL) -m 0755 '$(PKG_SHARED)' '$(DESTDIR)$(INSTALL_LIBDIR)/$(PKG_REALNAME)'
	ln -sfn '$(PKG_REALNAME)' '$(DESTDIR)$(INSTALL_LIBDIR)/$(PKG_SONAME)'
	ln -sfn '$(PKG_SONAME)' '$(DESTDIR)$(INSTALL_LIBDIR)/$(PKG_DEVLINK)'
	$(INSTALL) -m 0644 '$(PKG_LIBDIR)/libfwclient.a' '$(DESTDIR)$(INSTALL_LIBDIR)/libfwclient.a'
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
	    -e 's|@LIBDIR@|$(call pkg_from_prefix,$(INSTALL_LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pkg_from_prefix,$(INCLUDEDIR))|g' \
	    -e 's|@VERSION@|$(PKG_VERSION)|g' \
	    -e 's|@NATIVE_LIBS@|$(PKG_NATIVE_LIBS)|g' \
	    -e 's|@RPATH@|$(PKG_RPATH_FLAG)|g' \
	    '$(PKG_ROOT)/packaging/fwclient.pc.in' > '$(DESTDIR)$(PKGCONFIGDIR)/fwclient.pc'
	sed -e 's|@REL_PREFIX@|$(call pkg_rel,$(CMAKEDIR),$(PREFIX))|g' \
	    -e 's|@REL_LIBDIR@|$(call pkg_rel,$(PREFIX),$(INSTALL_LIBDIR))|g' \
	    -e 's|@REL_INCLUDEDIR@|$(call pkg_rel,$(PREFIX),$(INCLUDEDIR))|g' \
	    -e 's|@REL_BINDIR@|$(call pkg_rel,$(PREFIX),$(BINDIR))|g' \
	    -e 's|@VERSION@|$(PKG_VERSION)|g' \
	    -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    -e 's|@CMAKE_NATIVE_LIBS@|$(subst $(pkg_space),;,$(patsubst -l%,%,$(PKG_NATIVE_LIBS)))|g' \
	    '$(PKG_ROOT)/packaging/fwclientConfig.cmake.in' > '$(DESTDIR)$(CMAKEDIR)/fwclientConfig.cmake'
	sed -e 's|@VERSION@|$(PKG_VERSION)|g' -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    '$(PKG_ROOT)/packaging/fwclientConfigVersion.cmake.in' > '$(DESTDIR)$(CMAKEDIR)/fwclientConfigVersion.cmake'
	chmod 0644 '$(DESTDIR)$(PKGCONFIGDIR)/fwclient.pc' '$(DESTDIR)$(CMAKEDIR)/fwclientConfig.cmake' \
	    '$(DESTDIR)$(CMAKEDIR)/fwclientConfigVersion.cmake'
	@echo "installed fwclient $(PKG_VERSION) in $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(foreach f,$(PKG_INSTALLED),'$(DESTDIR)$(f)')
	-rmdir '$(DESTDIR)$(CMAKEDIR)' 2>/dev/null

pkg-cargo-build:
ifeq ($(PKG_CARGO_BUILD),1)
	cd '$(PKG_ROOT)' && $(CARGO) build $(PKG_CARGO_PROFILE_FLAG) -p fwclient -p fwauth -p fw-devserver
endif

test-install: pkg-cargo-build
	@ROOT='$(PKG_ROOT)' LIBDIR='$(PKG_LIBDIR)' MAKE='$(MAKE)' CC='$(PKG_CC)' \
	    FW_VERSION='$(FW_VERSION)' bash '$(PKG_ROOT)/tests/consumer/run.sh'

test-fwauth: pkg-cargo-build
	$(PYTHON) '$(PKG_ROOT)/fwauth/tests/run_tests.py' --root '$(PKG_ROOT)' \
	    --fwauth '$(PKG_LIBDIR)/fwauth' --devserver '$(PKG_LIBDIR)/fw-devserver'
	$(PYTHON) '$(PKG_ROOT)/fwauth/tests/login_tests.py' --root '$(PKG_ROOT)' \
	    --fwauth '$(PKG_LIBDIR)/fwauth' --devserver '$(PKG_LIBDIR)/fw-devserver'

.DEFAULT_GOAL := $(_pkg_saved_default_goal)
