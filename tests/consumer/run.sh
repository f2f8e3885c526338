#!/usr/bin/env bash
# Consumer tests: fwclient installed as a C library into a temporary prefix
# (`make install`), then used the way a user's build system would.
#
#   ROOT=$PWD LIBDIR=$PWD/target/release bash tests/consumer/run.sh
#   (or: make test-install; KEEP_WORK=1 keeps the temporary directory)
#
# Checks the installed files, the soname, that only fw_ symbols are
# exported (and all of the header's), the version macros and fw_version()
# against Cargo.toml, the pkg-config file (and its static flags against
# `rustc --print native-static-libs`), then builds and runs against a local
# fw-devserver: a C program with `pkg-config --cflags --libs fwclient`, a
# statically linked C program with the .pc's static flags, a C++ program with
# CMake's find_package(fwclient) (shared and static targets), and the Go
# package's tests with the build tag fwclient_pkgconfig. Also: the CMake
# version file, a relocated prefix, installed fwauth, DESTDIR staging, and
# that uninstall removes everything.
#
# One line per test, then `N passed, M failed`; exit status 1 on a failure.

set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "${ROOT:-$HERE/../..}" && pwd)
LIBDIR=$(cd "${LIBDIR:-$ROOT/target/release}" && pwd)
MAKE=${MAKE:-make}
CC=${CC:-cc}
RUSTC=${RUSTC:-rustc}
GO=${GO:-go}
CMAKE=${CMAKE:-cmake}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

work=$(mktemp -d "${TMPDIR:-/tmp}/fwclient-consumer.XXXXXX")
prefix=$work/prefix
mkdir -p "$work/logs"
server_pid=

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    if [ -n "${KEEP_WORK:-}" ]; then
        echo "consumer tests: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# The version as mk/common.mk reads it (the one place): passed by make, or
# asked of make when this script runs alone.
VERSION=${FW_VERSION:-$(make --no-print-directory -s -f "$ROOT/mk/common.mk" -p 2>/dev/null |
    sed -n 's/^FW_VERSION := //p' | head -n 1)}
[ -n "$VERSION" ] || { echo "run.sh: no version (FW_VERSION unset, mk/common.mk unreadable)" >&2; exit 1; }
IFS=. read -r V_MAJOR V_MINOR V_PATCH_REST <<<"$VERSION"
V_PATCH=${V_PATCH_REST%%[-+]*}
# cargo-c's rule: the minor is part of the soname while the major is 0.
if [ "$V_MAJOR" = 0 ]; then SONAME=libfwclient.so.$V_MAJOR.$V_MINOR; else SONAME=libfwclient.so.$V_MAJOR; fi

passed=0
failed=0

# run NAME FUNCTION: runs the test in a subshell with `set -e`, its output in a log.
run() {
    local name=$1
    shift
    local log=$work/logs/$name.log
    (set -e; "$@") >"$log" 2>&1
    local rc=$?
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        tail -n 40 "$log" | sed 's/^/     /'
    fi
    return "$rc"
}

fail() {
    echo "$*" >&2
    return 1
}

# make -f packaging/rules.mk, without the calling make's flags and variables.
pkg_make() {
    env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL \
        "$MAKE" --no-print-directory -f "$ROOT/packaging/rules.mk" \
        ROOT="$ROOT" LIBDIR="$LIBDIR" DESTDIR= "$@"
}

pc() { PKG_CONFIG_PATH="$prefix/lib/pkgconfig" "$PKG_CONFIG" "$@"; }

start_server() {
    "$LIBDIR/fw-devserver" --port 0 --other-port 0 --quiet >"$work/devserver.out" &
    server_pid=$!
    local i
    for i in $(seq 100); do
        URL=$(sed -n 's/^FW_DEVSERVER_URL=//p' "$work/devserver.out")
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    return 1
}

# ------------------------------------------------------------------ tests

t_install() {
    pkg_make install PREFIX="$prefix"
}

t_files() {
    local f
    for f in bin/fwauth include/fwclient.h include/fwclient.hpp "lib/libfwclient.so.$VERSION" \
             lib/libfwclient.a lib/pkgconfig/fwclient.pc lib/cmake/fwclient/fwclientConfig.cmake \
             lib/cmake/fwclient/fwclientConfigVersion.cmake; do
        [ -f "$prefix/$f" ] && [ ! -L "$prefix/$f" ] || fail "missing regular file $f"
    done
    [ "$(readlink "$prefix/lib/$SONAME")" = "libfwclient.so.$VERSION" ] || fail "$SONAME -> $(readlink "$prefix/lib/$SONAME")"
    [ "$(readlink "$prefix/lib/libfwclient.so")" = "$SONAME" ] || fail "libfwclient.so -> $(readlink "$prefix/lib/libfwclient.so")"
    [ "$(stat -c %a "$prefix/lib/libfwclient.so.$VERSION")" = 755 ] || fail "mode of the shared library"
    [ "$(stat -c %a "$prefix/bin/fwauth")" = 755 ] || fail "mode of fwauth"
    for f in include/fwclient.h include/fwclient.hpp lib/libfwclient.a lib/pkgconfig/fwclient.pc; do
        [ "$(stat -c %a "$prefix/$f")" = 644 ] || fail "mode of $f"
    done
    cmp "$prefix/include/fwclient.h" "$ROOT/include/fwclient.h"
    cmp "$prefix/include/fwclient.hpp" "$ROOT/bindings/cpp/include/fwclient.hpp"
    echo "installed:"
    (cd "$prefix" && find . | sort)
}

t_soname() {
    local got
    got=$(readelf -d "$prefix/lib/libfwclient.so.$VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    echo "SONAME: $got"
    [ "$got" = "$SONAME" ] || fail "soname is '$got', expected $SONAME"
}

t_exports() {
    local lib=$prefix/lib/libfwclient.so.$VERSION
    nm -D --defined-only "$lib" | awk '{print $3}' | sort -u >"$work/exported"
    nm -D --defined-only "$lib" | awk '$2 != "T" {print}' >"$work/not-functions"
    grep -E '^[a-z]' "$prefix/include/fwclient.h" | grep -oE '\bfw_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/declared"
    echo "$(wc -l <"$work/exported") symbols exported, $(wc -l <"$work/declared") functions declared"
    if grep -v '^fw_' "$work/exported"; then fail "symbols above are exported without the fw_ prefix"; fi
    [ ! -s "$work/not-functions" ] || { cat "$work/not-functions"; fail "exported symbols that are not functions"; }
    diff "$work/declared" "$work/exported" || fail "the exported functions differ from fwclient.h's (< header, > library)"
}

t_version_macros() {
    echo "Cargo.toml: $VERSION"
    "$CC" -std=c11 -Wall -Wextra -Werror -o "$work/version" "$HERE/c/version.c" \
        -DEXPECT_MAJOR="$V_MAJOR" -DEXPECT_MINOR="$V_MINOR" -DEXPECT_PATCH="$V_PATCH" \
        -DEXPECT_STRING="\"$VERSION\"" \
        $(pc --cflags --libs fwclient)
    "$work/version"
}

t_pkg_config() {
    local got
    [ "$(pc --modversion fwclient)" = "$VERSION" ] || fail "modversion $(pc --modversion fwclient)"
    got=$(echo $(pc --cflags fwclient))
    [ "$got" = "-I$prefix/include" ] || fail "cflags: $got"
    got=$(echo $(pc --libs fwclient))
    # A prefix the loader does not search: the .pc carries the rpath.
    [ "$got" = "-L$prefix/lib -Wl,-rpath,$prefix/lib -lfwclient" ] || fail "libs: $got"
    got=$(echo $(pc --static --libs fwclient))
    echo "static libs: $got"
    [ "$got" = "-L$prefix/lib -Wl,-rpath,$prefix/lib -lfwclient $(sed -n 's/^Libs.private: //p' "$prefix/lib/pkgconfig/fwclient.pc")" ] || fail "static libs: $got"
    pc --atleast-version="$VERSION" fwclient || fail "--atleast-version $VERSION"
    if pc --atleast-version="$((V_MAJOR + 1)).0.0" fwclient; then fail "--atleast-version of the next major"; fi
    pc --validate fwclient || fail "pkg-config --validate"
}

t_native_static_libs() {
    local want got
    want=$(sed -n 's/^Libs.private: //p' "$prefix/lib/pkgconfig/fwclient.pc")
    got=$("$RUSTC" --edition 2021 --crate-type staticlib --crate-name fw_native_libs \
        -L dependency="$LIBDIR/deps" --extern fwclient="$LIBDIR/libfwclient.rlib" \
        --print native-static-libs -o "$work/fw_native_libs.a" "$HERE/native-libs/lib.rs" 2>&1 |
        sed -n 's/^note: native-static-libs: //p')
    rm -f "$work/fw_native_libs.a"
    echo "Libs.private:                 $want"
    echo "rustc --print native-static-libs: $got"
    [ -n "$got" ] || fail "rustc printed no native-static-libs"
    [ "$want" = "$got" ] || fail "fwclient.pc's Libs.private differs from rustc's native-static-libs"
}

t_c_shared() {
    local exe=$work/consumer secrets=$work/secrets-c
    # No rpath of our own: the one in the .pc's Libs must do.
    "$CC" -std=c11 -Wall -Wextra -Werror -pedantic -o "$exe" "$HERE/c/consumer.c" \
        $(pc --cflags --libs fwclient)
    readelf -d "$exe" | grep -F "Shared library: [$SONAME]" || fail "the program does not need $SONAME"
    env -u LD_LIBRARY_PATH ldd "$exe" | grep -F "$SONAME => $prefix/lib/$SONAME" ||
        { ldd "$exe"; fail "$SONAME is not the installed one"; }
    "$exe" "$URL" "$secrets"
    [ "$(cat "$secrets/chunkedgraph-secret.json")" = '{"token": "fake_token_123"}' ] || fail "secret file"
}

t_c_static() {
    local exe=$work/consumer-static flags
    flags=$(pc --static --libs fwclient)
    # The archive instead of the shared library (GNU ld's -l:FILE).
    flags=${flags/-lfwclient/-l:libfwclient.a}
    echo "link flags: $flags"
    "$CC" -std=c11 -Wall -Wextra -Werror -pedantic -o "$exe" "$HERE/c/consumer.c" \
        $(pc --cflags fwclient) $flags
    if readelf -d "$exe" | grep -F libfwclient; then fail "the static program needs a libfwclient"; fi
    env -u LD_LIBRARY_PATH "$exe" "$URL" "$work/secrets-c-static"
}

t_cmake_cpp() {
    local build=$work/cmake-build
    "$CMAKE" -S "$HERE/cmake" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
    "$CMAKE" --build "$build" --parallel 2
    ldd "$build/consumer_cpp" | grep -F "$SONAME => $prefix/lib/$SONAME" || { ldd "$build/consumer_cpp"; fail "not the installed library"; }
    if readelf -d "$build/consumer_cpp_static" | grep -F libfwclient; then fail "the static target needs a libfwclient"; fi
    "$build/consumer_cpp" "$URL" "$work/secrets-cpp"
    "$build/consumer_cpp_static" "$URL" "$work/secrets-cpp-static"
}

# find_package(fwclient <request>) → found or not, for a request list.
cmake_requests() {
    local pfx=$1 build=$2
    shift 2
    local IFS=';'
    "$CMAKE" -S "$HERE/cmake-version" -B "$build" -DCMAKE_PREFIX_PATH="$pfx" "-DREQUESTS=$*" >"$build.log" 2>&1 ||
        { cat "$build.log"; fail "configure failed"; }
    cat "$build.log"
}

t_cmake_version() {
    local next_minor="$V_MAJOR.$((V_MINOR + 1))" next_major="$((V_MAJOR + 1)).0"
    local out expect
    out=$(cmake_requests "$prefix" "$work/cmake-version" \
        "$V_MAJOR.$V_MINOR" "$VERSION EXACT" "$V_MAJOR" "$next_minor" "$next_major" \
        "$V_MAJOR.$V_MINOR...<$next_minor" "$next_minor...$next_major")
    echo "$out"
    # A bare major stands for major.0: compatible only from 1.0 (for 0.x the
    # minor is the ABI).
    local bare=1
    if [ "$V_MAJOR" = 0 ] && [ "$V_MINOR" != 0 ]; then bare=0; fi
    for expect in "$V_MAJOR.$V_MINOR -> 1" "$VERSION EXACT -> 1" "$V_MAJOR -> $bare" "$next_minor -> 0" \
                  "$next_major -> 0" "$V_MAJOR.$V_MINOR...<$next_minor -> 1" "$next_minor...$next_major -> 0"; do
        grep -qF -- "REQUEST $expect" <<<"$out" || fail "expected: find_package(fwclient $expect)"
    done
    grep -qF "SONAME $SONAME" <<<"$out" || fail "IMPORTED_SONAME"
    grep -qF "SHARED $prefix/lib/libfwclient.so.$VERSION" <<<"$out" || fail "IMPORTED_LOCATION"
}

t_cmake_relocated() {
    local moved=$work/moved-prefix out
    cp -a "$prefix" "$moved"
    out=$(cmake_requests "$moved" "$work/cmake-moved" "$V_MAJOR.$V_MINOR")
    echo "$out"
    grep -qF "SHARED $moved/lib/libfwclient.so.$VERSION" <<<"$out" || fail "the moved package points elsewhere"
    grep -qF "INCLUDE $moved/include" <<<"$out" || fail "include directory of the moved package"
    rm -rf "$moved"
}

t_go_pkgconfig() {
    local exe=$work/fwclient-go.test
    command -v "$GO" >/dev/null || fail "go not found"
    # pkg-config gives -L, the rpath and -lfwclient: the binary runs without
    # LD_LIBRARY_PATH. Go's build cache does not key on pkg-config's output,
    # but on CGO_LDFLAGS, which names this prefix (and no rpath): the package
    # is rebuilt against this install.
    (cd "$ROOT/bindings/go" &&
        PKG_CONFIG_PATH="$prefix/lib/pkgconfig" CGO_ENABLED=1 \
            CGO_LDFLAGS="-O2 -g -L$prefix/lib" \
            "$GO" test -tags fwclient_pkgconfig -c -o "$exe" .)
    env -u LD_LIBRARY_PATH ldd "$exe" | grep -F "$SONAME => $prefix/lib/$SONAME" ||
        { ldd "$exe"; fail "the Go tests do not use the installed library"; }
    # The tests start their own fw-devserver (they change its state).
    (cd "$ROOT/bindings/go" &&
        env -u FW_DEVSERVER_URL -u FW_DEVSERVER_OTHER_URL -u LD_LIBRARY_PATH \
            FW_DEVSERVER_BIN="$LIBDIR/fw-devserver" FWCLIENT_REQUIRE_DEVSERVER=1 \
            "$exe" -test.count=1 -test.v | grep -E '^(--- |ok|PASS|FAIL|panic)')
}

# docs/first-hour.md as a newcomer follows it: its files (the code blocks
# headed by a path under hello-fw/) extracted next to a "clone" (a link to
# this checkout), built as the page says against the installed copy, run
# against fw-devserver before and after the token is set up with the
# installed fwauth.
t_first_hour() {
    local src=$work/src home=$work/home-first-hour out f
    local gocache gopath
    gocache=$("$GO" env GOCACHE) gopath=$("$GO" env GOPATH)
    mkdir -p "$src" "$home"
    ln -s "$ROOT" "$src/fwclient"
    awk -v dir="$src" '
        /^```/ && !file && $2 ~ /^hello-fw\// { file = dir "/" $2; d = file; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\""); printf "" > file; next }
        /^```/ && file { close(file); file = ""; next }
        file { print > file }
    ' "$ROOT/docs/first-hour.md"
    for f in c/hello.c cpp/hello.cpp cpp/CMakeLists.txt go/go.mod go/main.go; do
        [ -s "$src/hello-fw/$f" ] || fail "docs/first-hour.md has no block for hello-fw/$f"
    done
    export HOME=$home FW_SERVER_ADDRESS=$URL PKG_CONFIG_PATH=$prefix/lib/pkgconfig PATH=$prefix/bin:$PATH
    export GOCACHE=$gocache GOPATH=$gopath GOPROXY=off
    unset FW_AUTH_TOKEN FW_SECRETS_DIR FW_SECRETS_LAYOUT LD_LIBRARY_PATH
    # Built as the page says.
    (cd "$src/hello-fw/c" && "$CC" -std=c11 -Wall -Wextra -Werror hello.c $(pkg-config --cflags --libs fwclient) -o hello)
    (cd "$src/hello-fw/cpp" && "$CMAKE" -S . -B build -DCMAKE_PREFIX_PATH="$prefix" && "$CMAKE" --build build)
    (cd "$src/hello-fw/go" && "$GO" build -tags fwclient_pkgconfig -o hello .)
    # Before a token: each program says how to get one.
    out=$("$src/hello-fw/c/hello" 2>&1) && fail "the C program succeeded without a token: $out"
    echo "$out"
    grep -qF "FW_ERR_NOT_AUTHENTICATED" <<<"$out" || fail "C without a token"
    grep -qF 'fw_auth_save_token(auth, "PASTE_YOUR_TOKEN_HERE", NULL, NULL, 0, &err);' <<<"$out" || fail "C instructions"
    out=$("$src/hello-fw/go/hello" 2>&1) && fail "the Go program succeeded without a token: $out"
    grep -qF "$URL/auth/api/v1/create_token" <<<"$out" || fail "Go without a token: $out"
    # Step 3: fwauth login, the browser a script that follows the redirects.
    out=$(BROWSER="$ROOT/tests/login/browser.py" fwauth login)
    echo "$out"
    grep -qF "Logged in to $URL as Ada Lovelace <ada@example.org>; the new key is saved in $home/.cloudvolume/secrets/" <<<"$out" ||
        fail "fwauth login: $out"
    # Its way out, with the devserver's token (a pipe: no question asked).
    out=$(printf 'fake_token_123\nexit\n' | fwauth setup-token)
    grep -qF "does not look like the global server's tokens" <<<"$out" || fail "setup-token warning"
    fwauth status
    # Steps 4 to 6.
    out=$("$src/hello-fw/c/hello")
    echo "$out"
    grep -qF '"name":"Ada Lovelace"' <<<"$out" || fail "C program: $out"
    out=$("$src/hello-fw/cpp/build/hello_cpp")
    echo "$out"
    grep -qF 'minnie65_public' <<<"$out" || fail "C++ program: $out"
    out=$("$src/hello-fw/go/hello")
    echo "$out"
    [ "$out" = "Hello, Ada Lovelace <ada@example.org>" ] || fail "Go program: $out"
    # Step 7: a broken secret file, and the way out the table gives.
    printf '{"token": "fake_token_123",}' >"$home/.cloudvolume/secrets/cave-secret.json"
    rm -f "$home/.cloudvolume/secrets/"*-cave-secret.json
    out=$("$src/hello-fw/c/hello" 2>&1) && fail "the C program read a broken file: $out"
    grep -qF '{"token": "<your token>"}' <<<"$out" || fail "the broken file's message: $out"
    echo fake_token_123 | fwauth save-token --overwrite --replace-invalid
    "$src/hello-fw/c/hello" | grep -qF "Ada Lovelace" || fail "C program after the fix"
}

t_fwauth_installed() {
    local out
    out=$("$prefix/bin/fwauth" --version)
    [ "$out" = "fwauth $VERSION (fwclient-core $VERSION)" ] || fail "fwauth --version: $out"
    "$prefix/bin/fwauth" --help | grep -q "setup-token" || fail "fwauth --help"
    out=$(env -u FW_AUTH_TOKEN -u FW_SECRETS_DIR -u FW_SECRETS_LAYOUT HOME="$work/home-fwauth" \
        "$prefix/bin/fwauth" --server "$URL" whoami 2>&1) && fail "whoami without a token succeeded"
    echo "$out"
    echo fake_token_123 | HOME="$work/home-fwauth" "$prefix/bin/fwauth" --server "$URL" save-token
    out=$(env -u FW_AUTH_TOKEN HOME="$work/home-fwauth" "$prefix/bin/fwauth" --server "$URL" whoami)
    [ "$out" = "Ada Lovelace <ada@example.org>, user id 1" ] || fail "whoami: $out"
}

t_destdir() {
    local stage=$work/stage dest=/opt/fwclient-consumer-test-$$
    [ ! -e "$dest" ] || fail "$dest exists already"
    pkg_make install DESTDIR="$stage" PREFIX="$dest"
    [ -f "$stage$dest/lib/libfwclient.so.$VERSION" ] || fail "not staged below DESTDIR"
    [ "$(readlink "$stage$dest/lib/$SONAME")" = "libfwclient.so.$VERSION" ] || fail "relative soname link"
    grep -qx "prefix=$dest" "$stage$dest/lib/pkgconfig/fwclient.pc" || fail "prefix in the .pc"
    grep -qx 'Libs: -L${libdir} -Wl,-rpath,${libdir} -lfwclient' "$stage$dest/lib/pkgconfig/fwclient.pc" ||
        fail "rpath in the .pc of a prefix the loader does not search"
    # A library directory the loader searches gets no rpath.
    pkg_make install DESTDIR="$stage-sys" PREFIX=/usr INSTALL_LIBDIR=/usr/lib
    grep -qx 'Libs: -L${libdir} -lfwclient' "$stage-sys/usr/lib/pkgconfig/fwclient.pc" ||
        fail "an rpath in the .pc of /usr/lib"
    rm -rf "$stage-sys"
    if grep -rF "$stage" "$stage" --include='*.pc' --include='*.cmake'; then fail "DESTDIR leaked into the files above"; fi
    [ ! -e "$dest" ] || fail "something was written to $dest"
    pkg_make uninstall DESTDIR="$stage" PREFIX="$dest"
    [ -z "$(find "$stage" -type f -o -type l)" ] || { find "$stage" -type f -o -type l; fail "uninstall left files"; }
}

t_uninstall() {
    pkg_make uninstall PREFIX="$prefix"
    local left
    left=$(find "$prefix" -type f -o -type l)
    [ -z "$left" ] || { echo "$left"; fail "uninstall left the files above"; }
}

# ------------------------------------------------------------------ main

echo "consumer tests: fwclient $VERSION from $LIBDIR, prefix $prefix"
if ! start_server; then
    echo "FAIL fw-devserver did not start ($LIBDIR/fw-devserver)"
    echo "0 passed, 1 failed"
    exit 1
fi
if run install t_install; then
    run files t_files
    run soname t_soname
    run exports-only-fw t_exports
    run version-macros t_version_macros
    run pkg-config t_pkg_config
    run static-flags-vs-rustc t_native_static_libs
    run c-pkg-config-shared t_c_shared
    run c-pkg-config-static t_c_static
    run cpp-cmake-find-package t_cmake_cpp
    run cmake-version-file t_cmake_version
    run cmake-relocated-prefix t_cmake_relocated
    run go-pkg-config t_go_pkgconfig
    run fwauth-installed t_fwauth_installed
    run first-hour t_first_hour
    run destdir-staging t_destdir
    run uninstall t_uninstall
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
