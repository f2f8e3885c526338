# Windows, cross-built with mingw-w64 and run under Wine (issue 16).
#
#   make test-windows   fwclient.dll + import library; exports exactly the
#                       header's fw_ functions; the library's Rust tests and
#                       C tests under Wine against fw-devserver; the Go
#                       binding's tests cross-built (make win-run-go runs them);
#                       the installed prefix and the dist zip, used as a
#                       Windows user would
#   make dist-windows   the one download for Windows users: a zip of the DLL,
#                       its import library and .def, the headers, the CMake
#                       and pkg-config packages, fwauth.exe, a CMake
#                       cross-toolchain file and a README
#                       (packaging/windows/README.md)
#
# `make test` runs it when every tool it needs is there (WIN_MISSING empty;
# otherwise it says which are missing); .ci/run installs them
# (gcc/g++/binutils-mingw-w64-x86-64, wine64, zip, unzip, the rustup target).
# Everything Wine writes stays in $(WIN_BUILD_DIR) (a private WINEPREFIX).
# Tests that need Unix (modes, owners, flock, setpriv, signals, tmpfs) are
# #[cfg(unix)] / #ifndef _WIN32 and say why; docs/robustness.md lists them.

WIN_TARGET  := x86_64-pc-windows-gnu
WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_CXX     ?= x86_64-w64-mingw32-g++
WIN_OBJDUMP ?= x86_64-w64-mingw32-objdump
WIN_DLLTOOL ?= x86_64-w64-mingw32-dlltool
WIN_STRIP   ?= x86_64-w64-mingw32-strip
WINE        ?= $(firstword $(wildcard /usr/lib/wine/wine64) $(shell command -v wine64 wine 2>/dev/null))
WIN_LIBDIR  := $(TARGET_DIR)/$(WIN_TARGET)/$(PROFILE_DIR)
WIN_DLL     := $(WIN_LIBDIR)/fwclient.dll
WIN_IMPLIB  := $(WIN_LIBDIR)/libfwclient.dll.a
WIN_DEVSERVER := $(WIN_LIBDIR)/fw-devserver.exe
WIN_FWAUTH  := $(WIN_LIBDIR)/fwauth.exe
# The CMake toolchain file for cross builds with mingw-w64 (shipped in the zip).
WIN_TOOLCHAIN := $(abspath packaging/windows/mingw-w64-x86_64.cmake)
WIN_BUILD_DIR := $(BUILD_DIR)/windows
WIN_PREFIX  := $(abspath $(WIN_BUILD_DIR)/wineprefix)
# mscoree/mshtml off: no Mono or Gecko install prompt on the first boot.
WIN_ENV     := WINEPREFIX='$(WIN_PREFIX)' WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
# A path as Wine's Windows programs see it (drive Z: is /).
win_path     = Z:$(subst /,\,$(abspath $(1)))

# Every tool test-windows uses; the ones missing (evaluated when asked for).
WIN_TOOLS   = $(WIN_CC) $(WIN_CXX) $(WIN_OBJDUMP) $(WIN_DLLTOOL) $(WIN_STRIP) cmake pkg-config go zip unzip
WIN_MISSING = $(strip $(foreach t,$(WIN_TOOLS),$(if $(shell command -v '$(t)' 2>/dev/null),,$(t))) \
    $(if $(WINE),,wine64) \
    $(if $(shell rustup target list --installed 2>/dev/null | grep -x $(WIN_TARGET)),,rustup-target-$(WIN_TARGET)))

.PHONY: test-windows win-build win-exports win-prefix win-test-rust win-test-c win-test-go test-windows-if-available \
    test-windows-skip
test-windows: win-build win-exports win-test-rust win-test-c win-test-go win-test-install win-test-dist
	@echo "==> test-windows: all passed (DLL exports and .def, Rust and C tests under Wine, Go tests built," \
	    "installed prefix and dist zip used as a Windows user would)"

# What `make test` calls: the Windows run, or a line saying which tools are
# missing (any one of them skips the whole step).
WIN_SKIPPED = test-windows: skipped: missing $(WIN_MISSING) (.ci/run installs them)
test-windows-if-available: test-windows-skip
	@if [ -z '$(WIN_MISSING)' ]; then \
	    $(MAKE) --no-print-directory test-windows; \
	else \
	    echo '$(WIN_SKIPPED)'; \
	fi

# The skip, checked: a tool that is not there (a g++ that does not exist)
# makes the step skip, named.
.PHONY: win-skipped
test-windows-skip:
	@out=$$($(MAKE) --no-print-directory -s win-skipped WIN_CXX=x86_64-w64-mingw32-g++-absent); \
	case "$$out" in \
	    "test-windows: skipped: missing x86_64-w64-mingw32-g++-absent"*) ;; \
	    *) echo "test-windows-skip: expected a skip naming the missing g++, got: $$out" >&2; exit 1;; \
	esac
win-skipped:
	@echo '$(WIN_SKIPPED)'

win-build:
	$(CARGO) build $(CARGO_PROFILE_FLAG) --target $(WIN_TARGET) -p fwclient -p fw-devserver -p fwauth
	@test -e $(WIN_DLL) && test -e $(WIN_IMPLIB) || { echo "win-build: no $(WIN_DLL) / $(WIN_IMPLIB)" >&2; exit 1; }

# The functions the header declares: what the DLL exports, and the .def
# that MSVC's `lib /def:fwclient.def /machine:x64 /out:fwclient.lib` turns
# into an import library (shipped in lib/ of the zip and the prefix).
WIN_HEADER_FUNCTIONS := $(WIN_BUILD_DIR)/header-functions.txt
WIN_DEF := $(WIN_BUILD_DIR)/fwclient.def
$(WIN_HEADER_FUNCTIONS): $(HEADER)
	@mkdir -p $(@D)
	@grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*\bfw_[a-z0-9_]+\(' $(HEADER) \
	    | grep -oE 'fw_[a-z0-9_]+\($$' | tr -d '(' | sort -u > $@
$(WIN_DEF): $(WIN_HEADER_FUNCTIONS)
	@{ printf 'LIBRARY fwclient.dll\r\nEXPORTS\r\n'; sed 's/.*/    &\r/' $<; } > $@

# The DLL's export table holds exactly the functions the header declares
# (and so the .def's).
win-exports: win-build $(WIN_HEADER_FUNCTIONS) $(WIN_DEF)
	@$(WIN_OBJDUMP) -p $(WIN_DLL) \
	    | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$$/p' | tail -n +2 \
	    | grep -oE '\] [A-Za-z_][A-Za-z0-9_]*$$' | cut -c3- | sort > $(WIN_BUILD_DIR)/exports.txt
	@diff -u $(WIN_HEADER_FUNCTIONS) $(WIN_BUILD_DIR)/exports.txt || { \
	    echo "win-exports: fwclient.dll exports differ from the functions of $(HEADER) (- header, + DLL)" >&2; exit 1; }
	@tail -n +3 $(WIN_DEF) | tr -d ' \r' | diff -u $(WIN_BUILD_DIR)/exports.txt - || { \
	    echo "win-exports: $(WIN_DEF) differs from the DLL's exports (- DLL, + .def)" >&2; exit 1; }
	@echo "win-exports: fwclient.dll exports exactly the $$(wc -l < $(WIN_BUILD_DIR)/exports.txt) fw_ functions of $(HEADER), as fwclient.def lists them"

# A private Wine prefix, booted once. Wine before 9.0 lacks
# bcryptprimitives.dll, which Rust's std imports (ProcessPrng): a stand-in
# built from tests/windows/bcryptprimitives.c goes into this prefix only.
WIN_PREFIX_STAMP := $(WIN_BUILD_DIR)/wineprefix.stamp
$(WIN_PREFIX_STAMP): tests/windows/bcryptprimitives.c
	@mkdir -p $(WIN_BUILD_DIR)
	@echo "==> booting a Wine prefix in $(WIN_PREFIX) (first time only)"
	$(WIN_ENV) $(WINE) wineboot -i >/dev/null 2>&1 || true
	$(WIN_ENV) $(dir $(WINE))wineserver -w 2>/dev/null || true
	@sys32='$(WIN_PREFIX)/drive_c/windows/system32'; \
	if [ ! -e "$$sys32/bcryptprimitives.dll" ]; then \
	    echo "win-prefix: Wine has no bcryptprimitives.dll; installing the ProcessPrng stand-in"; \
	    $(WIN_CC) -O2 -Wall -Wextra -Werror -shared -o "$$sys32/bcryptprimitives.dll" $< -ladvapi32; \
	fi
	@touch $@
win-prefix: $(WIN_PREFIX_STAMP)

# The library's Rust tests, each test binary run by Wine; the HTTP tests
# start the Windows build of fw-devserver themselves.
win-test-rust: win-build win-prefix
	$(WIN_ENV) CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER='$(WINE)' \
	    FW_DEVSERVER_BIN='$(call win_path,$(WIN_DEVSERVER))' \
	    $(CARGO) test $(CARGO_PROFILE_FLAG) --target $(WIN_TARGET) -p fwclient-core -p fwclient

# The C tests, built with mingw against the import library, run by Wine
# against one fw-devserver running natively (tools/with-devserver.sh).
# The cancel test's threads and clocks come from mingw's winpthreads,
# linked statically so that Wine needs no extra DLL.
WIN_C_TEST_BIN := $(WIN_BUILD_DIR)/fwclient-ctests.exe
$(WIN_C_TEST_BIN): $(C_TEST_SRCS) $(C_TEST_HDRS) $(HEADER) win-build
	@mkdir -p $(@D)
	$(WIN_CC) $(C_STD_FLAGS) -g -O1 $(C_INCLUDES) -I$(C_TEST_DIR) -o $@ $(C_TEST_SRCS) \
	    -L$(WIN_LIBDIR) -lfwclient -Wl,-Bstatic -lwinpthread -Wl,-Bdynamic
	cp $(WIN_DLL) $(@D)/

win-test-c: $(WIN_C_TEST_BIN) $(DEVSERVER) win-prefix
	FW_DEVSERVER_BIN=$(DEVSERVER) tools/with-devserver.sh \
	    env $(WIN_ENV) $(WINE) $(WIN_C_TEST_BIN) | tee $(WIN_BUILD_DIR)/ctests.txt
	@tail -n 1 $(WIN_BUILD_DIR)/ctests.txt | tr -d '\r' | grep -q ' 0 failed$$'

# The Go binding's tests, cross-compiled with cgo (linked through a
# pkg-config file naming the import library). `make test-windows` builds
# them; running them under Wine (win-run-go) is not part of it: Wine 8's
# file deletion lacks what Go's os.RemoveAll uses on Windows, so every
# t.TempDir cleanup fails ("unlinkat ...: Invalid function"); see
# bindings/go/README.md.
WIN_GO_TEST_BIN := $(WIN_BUILD_DIR)/fwclient-go.test.exe
.PHONY: win-run-go
win-test-go: win-build
	@mkdir -p $(WIN_BUILD_DIR)/pkgconfig
	@printf 'Name: fwclient\nDescription: fwclient (Windows cross build)\nVersion: 0\nCflags: -I%s\nLibs: -L%s -lfwclient\n' \
	    '$(abspath include)' '$(abspath $(WIN_LIBDIR))' > $(WIN_BUILD_DIR)/pkgconfig/fwclient.pc
	cd bindings/go && GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(WIN_CC) \
	    PKG_CONFIG_LIBDIR='$(abspath $(WIN_BUILD_DIR)/pkgconfig)' PKG_CONFIG_PATH= \
	    go test -c -tags fwclient_pkgconfig -o '$(abspath $(WIN_GO_TEST_BIN))' .
	cp $(WIN_DLL) $(WIN_BUILD_DIR)/
	@echo "win-test-go: built $(WIN_GO_TEST_BIN) (run it with make win-run-go)"

win-run-go: win-test-go win-prefix
	cd $(WIN_BUILD_DIR) && $(WIN_ENV) FW_DEVSERVER_BIN='$(call win_path,$(WIN_DEVSERVER))' \
	    $(WINE) '$(abspath $(WIN_GO_TEST_BIN))' -test.count=1

# make install-windows PREFIX=dir: the Windows files laid out for a user
# (bin/fwclient.dll and fwauth.exe, lib/libfwclient.dll.a, libfwclient.a
# and fwclient.def, include/, the CMake package and fwclient.pc, which
# finds its prefix from its own place, ${pcfiledir}); win-test-install
# builds the CMake consumer of tests/consumer with the shipped toolchain
# file, and the C consumer with pkg-config reading the installed .pc,
# against it, and runs them in Wine.
WIN_NATIVE_LIBS := -lws2_32 -lbcrypt -ladvapi32 -lcrypt32 -lsecur32 -luserenv -lntdll -lsynchronization -lkernel32
.PHONY: install-windows win-test-install
install-windows: win-build $(WIN_DEF)
	@test -n '$(PREFIX)' || { echo "install-windows: set PREFIX" >&2; exit 1; }
	$(INSTALL) -d '$(PREFIX)/bin' '$(PREFIX)/lib/cmake/fwclient' '$(PREFIX)/lib/pkgconfig' '$(PREFIX)/include'
	$(INSTALL) -m 0755 $(WIN_DLL) $(WIN_FWAUTH) '$(PREFIX)/bin/'
	$(INSTALL) -m 0644 $(WIN_IMPLIB) $(WIN_LIBDIR)/libfwclient.a $(WIN_DEF) '$(PREFIX)/lib/'
	$(INSTALL) -m 0644 include/fwclient.h bindings/cpp/include/fwclient.hpp '$(PREFIX)/include/'
	sed -e 's|@REL_PREFIX@|../../..|g' -e 's|@REL_LIBDIR@|lib|g' -e 's|@REL_INCLUDEDIR@|include|g' \
	    -e 's|@REL_BINDIR@|bin|g' -e 's|@VERSION@|$(PKG_VERSION)|g' -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    -e 's|@CMAKE_NATIVE_LIBS@|$(subst $(pkg_space),;,$(patsubst -l%,%,$(WIN_NATIVE_LIBS)))|g' \
	    packaging/fwclientConfig.cmake.in > '$(PREFIX)/lib/cmake/fwclient/fwclientConfig.cmake'
	sed -e 's|@VERSION@|$(PKG_VERSION)|g' -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    packaging/fwclientConfigVersion.cmake.in > '$(PREFIX)/lib/cmake/fwclient/fwclientConfigVersion.cmake'
	sed -e 's|@PREFIX@|$${pcfiledir}/../..|g' -e 's|@LIBDIR@|$${prefix}/lib|g' \
	    -e 's|@INCLUDEDIR@|$${prefix}/include|g' -e 's|@VERSION@|$(PKG_VERSION)|g' \
	    -e 's|@RPATH@||g' -e 's|@NATIVE_LIBS@|$(WIN_NATIVE_LIBS)|g' \
	    packaging/fwclient.pc.in > '$(PREFIX)/lib/pkgconfig/fwclient.pc'
	@if grep -n '@[A-Z_]*@' '$(PREFIX)/lib/pkgconfig/fwclient.pc'; then \
	    echo "install-windows: a placeholder is left in fwclient.pc" >&2; exit 1; fi
	@echo "install-windows: fwclient $(PKG_VERSION) for Windows in $(PREFIX)"

WIN_INSTALL_DIR := $(abspath $(WIN_BUILD_DIR)/prefix)
# What tests/windows/consumers.sh needs.
WIN_CONSUMERS_ENV = ROOT='$(CURDIR)' WIN_CC='$(WIN_CC)' WIN_OBJDUMP='$(WIN_OBJDUMP)' WIN_DLLTOOL='$(WIN_DLLTOOL)' \
    WINE='$(WINE)' DEVSERVER='$(abspath $(DEVSERVER))' $(WIN_ENV)
win-test-install: win-prefix $(DEVSERVER)
	rm -rf '$(WIN_INSTALL_DIR)'
	$(MAKE) --no-print-directory install-windows PREFIX='$(WIN_INSTALL_DIR)'
	$(WIN_CONSUMERS_ENV) tests/windows/consumers.sh '$(WIN_INSTALL_DIR)' '$(WIN_BUILD_DIR)/consumer'
	@echo "win-test-install: the installed prefix works for CMake, pkg-config and .def users, and fwauth.exe"

# make dist-windows: build/windows/dist/fwclient-X.Y.Z-windows-x86_64.zip,
# the prefix of install-windows with the README of packaging/windows and the
# CMake toolchain file at its top. Its layout (win-test-dist checks it):
WIN_DIST_NAME := fwclient-$(PKG_VERSION)-windows-x86_64
WIN_DIST_DIR  := $(abspath $(WIN_BUILD_DIR)/dist)
WIN_DIST_ZIP  := $(WIN_DIST_DIR)/$(WIN_DIST_NAME).zip
WIN_DIST_FILES := README.md mingw-w64-x86_64.cmake bcryptprimitives.c \
    bin/fwclient.dll bin/fwauth.exe include/fwclient.h include/fwclient.hpp \
    lib/libfwclient.dll.a lib/libfwclient.a lib/fwclient.def lib/pkgconfig/fwclient.pc \
    lib/cmake/fwclient/fwclientConfig.cmake lib/cmake/fwclient/fwclientConfigVersion.cmake
.PHONY: dist-windows win-test-dist
dist-windows: win-build $(WIN_DEF)
	rm -rf '$(WIN_DIST_DIR)' && mkdir -p '$(WIN_DIST_DIR)/stage'
	$(MAKE) --no-print-directory install-windows PREFIX='$(WIN_DIST_DIR)/stage/$(WIN_DIST_NAME)'
	$(INSTALL) -m 0644 packaging/windows/README.md packaging/windows/mingw-w64-x86_64.cmake \
	    tests/windows/bcryptprimitives.c '$(WIN_DIST_DIR)/stage/$(WIN_DIST_NAME)/'
	@# The DLL and fwauth.exe without the release profile's debug information.
	cd '$(WIN_DIST_DIR)/stage/$(WIN_DIST_NAME)' && $(WIN_STRIP) --strip-debug bin/fwclient.dll bin/fwauth.exe
	cd '$(WIN_DIST_DIR)/stage' && zip -qrX '$(WIN_DIST_ZIP)' '$(WIN_DIST_NAME)'
	rm -rf '$(WIN_DIST_DIR)/stage'
	@echo "dist-windows: $(WIN_DIST_ZIP)"

# The zip as a user gets it: unpacked elsewhere, exactly the files above,
# then every consumer built from it and run (tests/windows/consumers.sh).
win-test-dist: dist-windows win-prefix $(DEVSERVER)
	rm -rf '$(WIN_BUILD_DIR)/dist-test' && mkdir -p '$(WIN_BUILD_DIR)/dist-test'
	cd '$(WIN_BUILD_DIR)/dist-test' && unzip -q '$(WIN_DIST_ZIP)'
	@cd '$(WIN_BUILD_DIR)/dist-test/$(WIN_DIST_NAME)' && find . -type f | sed 's|^\./||' | sort > ../files.txt
	@printf '%s\n' $(WIN_DIST_FILES) | sort | diff -u - '$(WIN_BUILD_DIR)/dist-test/files.txt' || { \
	    echo "win-test-dist: the zip's files differ from WIN_DIST_FILES (- expected, + zip)" >&2; exit 1; }
	$(WIN_CONSUMERS_ENV) tests/windows/consumers.sh '$(WIN_BUILD_DIR)/dist-test/$(WIN_DIST_NAME)' \
	    '$(WIN_BUILD_DIR)/dist-test/consumer'
	@echo "win-test-dist: $(notdir $(WIN_DIST_ZIP)) unpacked holds its documented files; every way to use it works"
