# Windows, cross-built with mingw-w64 and run under Wine (issue 16).
#
#   make test-windows   fwclient.dll + import library; exports exactly the
#                       header's fw_ functions; the library's Rust tests and
#                       C tests under Wine against fw-devserver; the Go
#                       binding's tests cross-built (make win-run-go runs them)
#
# `make test` runs it when the tools are there (WINDOWS_TOOLS_OK); .ci/run
# installs them (gcc-mingw-w64-x86-64, wine64, the rustup target).
# Everything Wine writes stays in $(WIN_BUILD_DIR) (a private WINEPREFIX).
# Tests that need Unix (modes, owners, flock, setpriv, signals, tmpfs) are
# #[cfg(unix)] / #ifndef _WIN32 and say why; docs/robustness.md lists them.

WIN_TARGET  := x86_64-pc-windows-gnu
WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_OBJDUMP ?= x86_64-w64-mingw32-objdump
WINE        ?= $(firstword $(wildcard /usr/lib/wine/wine64) $(shell command -v wine64 wine 2>/dev/null))
WIN_LIBDIR  := $(TARGET_DIR)/$(WIN_TARGET)/$(PROFILE_DIR)
WIN_DLL     := $(WIN_LIBDIR)/fwclient.dll
WIN_IMPLIB  := $(WIN_LIBDIR)/libfwclient.dll.a
WIN_DEVSERVER := $(WIN_LIBDIR)/fw-devserver.exe
WIN_BUILD_DIR := $(BUILD_DIR)/windows
WIN_PREFIX  := $(abspath $(WIN_BUILD_DIR)/wineprefix)
# mscoree/mshtml off: no Mono or Gecko install prompt on the first boot.
WIN_ENV     := WINEPREFIX='$(WIN_PREFIX)' WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
# A path as Wine's Windows programs see it (drive Z: is /).
win_path     = Z:$(subst /,\,$(abspath $(1)))

WINDOWS_TOOLS_OK := $(if $(and $(shell command -v $(WIN_CC) 2>/dev/null),$(WINE),$(shell rustup target list --installed 2>/dev/null | grep -x $(WIN_TARGET))),yes)

.PHONY: test-windows win-build win-exports win-prefix win-test-rust win-test-c win-test-go test-windows-if-available
test-windows: win-build win-exports win-test-rust win-test-c win-test-go win-test-install
	@echo "==> test-windows: all passed (DLL exports, Rust and C tests under Wine, Go tests built)"

# What `make test` calls: the Windows run, or a line saying why not.
test-windows-if-available:
	@if [ '$(WINDOWS_TOOLS_OK)' = yes ]; then \
	    $(MAKE) --no-print-directory test-windows; \
	else \
	    echo "test-windows: skipped: needs $(WIN_CC), wine64 and the rustup target $(WIN_TARGET) (.ci/run installs them)"; \
	fi

win-build:
	$(CARGO) build $(CARGO_PROFILE_FLAG) --target $(WIN_TARGET) -p fwclient -p fw-devserver
	@test -e $(WIN_DLL) && test -e $(WIN_IMPLIB) || { echo "win-build: no $(WIN_DLL) / $(WIN_IMPLIB)" >&2; exit 1; }

# The DLL's export table holds exactly the functions the header declares.
win-exports: win-build
	@mkdir -p $(WIN_BUILD_DIR)
	@$(WIN_OBJDUMP) -p $(WIN_DLL) \
	    | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$$/p' | tail -n +2 \
	    | grep -oE '\] [A-Za-z_][A-Za-z0-9_]*$$' | cut -c3- | sort > $(WIN_BUILD_DIR)/exports.txt
	@grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*\bfw_[a-z0-9_]+\(' $(HEADER) \
	    | grep -oE 'fw_[a-z0-9_]+\($$' | tr -d '(' | sort -u > $(WIN_BUILD_DIR)/header-functions.txt
	@diff -u $(WIN_BUILD_DIR)/header-functions.txt $(WIN_BUILD_DIR)/exports.txt || { \
	    echo "win-exports: fwclient.dll exports differ from the functions of $(HEADER) (- header, + DLL)" >&2; exit 1; }
	@echo "win-exports: fwclient.dll exports exactly the $$(wc -l < $(WIN_BUILD_DIR)/exports.txt) fw_ functions of $(HEADER)"

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
# (bin/fwclient.dll, lib/libfwclient.dll.a and libfwclient.a, include/, the
# CMake package and fwclient.pc); win-test-install builds the CMake consumer
# of tests/consumer with the mingw toolchain against it and runs it in Wine.
WIN_NATIVE_LIBS := -lws2_32 -lbcrypt -ladvapi32 -lcrypt32 -lsecur32 -luserenv -lntdll -lsynchronization -lkernel32
.PHONY: install-windows win-test-install
install-windows: win-build
	@test -n '$(PREFIX)' || { echo "install-windows: set PREFIX" >&2; exit 1; }
	$(INSTALL) -d '$(PREFIX)/bin' '$(PREFIX)/lib/cmake/fwclient' '$(PREFIX)/lib/pkgconfig' '$(PREFIX)/include'
	$(INSTALL) -m 0755 $(WIN_DLL) '$(PREFIX)/bin/'
	$(INSTALL) -m 0644 $(WIN_IMPLIB) $(WIN_LIBDIR)/libfwclient.a '$(PREFIX)/lib/'
	$(INSTALL) -m 0644 include/fwclient.h bindings/cpp/include/fwclient.hpp '$(PREFIX)/include/'
	sed -e 's|@REL_PREFIX@|../../..|g' -e 's|@REL_LIBDIR@|lib|g' -e 's|@REL_INCLUDEDIR@|include|g' \
	    -e 's|@REL_BINDIR@|bin|g' -e 's|@VERSION@|$(PKG_VERSION)|g' -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    -e 's|@CMAKE_NATIVE_LIBS@|$(subst $(pkg_space),;,$(patsubst -l%,%,$(WIN_NATIVE_LIBS)))|g' \
	    packaging/fwclientConfig.cmake.in > '$(PREFIX)/lib/cmake/fwclient/fwclientConfig.cmake'
	sed -e 's|@VERSION@|$(PKG_VERSION)|g' -e 's|@SOVERSION@|$(PKG_SOVERSION)|g' \
	    packaging/fwclientConfigVersion.cmake.in > '$(PREFIX)/lib/cmake/fwclient/fwclientConfigVersion.cmake'
	sed -e 's|@PREFIX@|$(abspath $(PREFIX))|g' -e 's|@LIBDIR@|$${prefix}/lib|g' \
	    -e 's|@INCLUDEDIR@|$${prefix}/include|g' -e 's|@VERSION@|$(PKG_VERSION)|g' \
	    -e 's|@NATIVE_LIBS@|$(WIN_NATIVE_LIBS)|g' packaging/fwclient.pc.in > '$(PREFIX)/lib/pkgconfig/fwclient.pc'
	@echo "install-windows: fwclient $(PKG_VERSION) for Windows in $(PREFIX)"

WIN_INSTALL_DIR := $(abspath $(WIN_BUILD_DIR)/prefix)
win-test-install: win-prefix $(DEVSERVER)
	rm -rf '$(WIN_INSTALL_DIR)' '$(WIN_BUILD_DIR)/consumer'
	$(MAKE) --no-print-directory install-windows PREFIX='$(WIN_INSTALL_DIR)'
	cmake -S tests/consumer/cmake -B '$(WIN_BUILD_DIR)/consumer' -DCMAKE_SYSTEM_NAME=Windows \
	    -DCMAKE_C_COMPILER=$(WIN_CC) -DCMAKE_CXX_COMPILER=$(subst gcc,g++,$(WIN_CC)) \
	    -DCMAKE_EXE_LINKER_FLAGS='-static-libgcc -static-libstdc++' \
    -DCMAKE_PREFIX_PATH='$(WIN_INSTALL_DIR)' -DCMAKE_FIND_ROOT_PATH='$(WIN_INSTALL_DIR)' >/dev/null
	cmake --build '$(WIN_BUILD_DIR)/consumer' >/dev/null
	cp '$(WIN_INSTALL_DIR)/bin/fwclient.dll' '$(WIN_BUILD_DIR)/consumer/'
	if $(WIN_OBJDUMP) -p '$(WIN_BUILD_DIR)/consumer/consumer_cpp_static.exe' | grep -i 'DLL Name: fwclient'; then \
	    echo "win-test-install: the static consumer needs fwclient.dll" >&2; exit 1; fi
	$(WIN_OBJDUMP) -p '$(WIN_BUILD_DIR)/consumer/consumer_cpp.exe' | grep 'DLL Name: fwclient.dll' >/dev/null
	FW_DEVSERVER_BIN=$(DEVSERVER) tools/with-devserver.sh bash -c 'cd "$$1" && for exe in consumer_cpp consumer_cpp_static; do \
	    $(WIN_ENV) $(WINE) ./$$exe.exe "$$FW_DEVSERVER_URL" "secrets-$$exe" || { echo "win-test-install: $$exe failed" >&2; exit 1; }; done' \
	    _ '$(WIN_BUILD_DIR)/consumer'
	@echo "win-test-install: the CMake package found fwclient.dll and libfwclient.a; both consumers ran"
