#!/usr/bin/env bash
# A Windows user's programs against a Windows prefix of fwclient (the
# installed one, or the dist zip unpacked), cross-built as its README says
# and run under Wine against fw-devserver (native, on 127.0.0.1):
#   - the CMake consumer (tests/consumer/cmake), shared and static, with the
#     prefix's CMake package and the shipped toolchain file;
#   - the C consumer with the flags of the prefix's own fwclient.pc
#     (pkg-config reads that file, not one of ours);
#   - the C consumer linked against an import library made from the
#     prefix's fwclient.def (what MSVC's `lib /def` does; here dlltool);
#   - fwauth.exe: --version, save-token from standard input, whoami.
#
#   consumers.sh PREFIX WORKDIR
# Environment (mk/windows.mk sets it): ROOT, WIN_CC, WIN_OBJDUMP,
# WIN_DLLTOOL, WINE, WINEPREFIX (WINEDEBUG, WINEDLLOVERRIDES), DEVSERVER.
set -euo pipefail
prefix=$(cd "$1" && pwd)
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=${ROOT:-$(cd "$here/../.." && pwd)}
fail() { echo "consumers: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/bin"
toolchain=$(ls "$prefix"/*.cmake 2>/dev/null | head -n 1 || true)
[ -n "$toolchain" ] || toolchain="$root/packaging/windows/mingw-w64-x86_64.cmake"

# CMake, as the README says: the toolchain file and the prefix.
cmake -S "$root/tests/consumer/cmake" -B "$work/cmake" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
cp "$work/cmake/consumer_cpp.exe" "$work/cmake/consumer_cpp_static.exe" "$work/bin/"

# C with pkg-config, reading the prefix's fwclient.pc.
pc_flags=$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH= pkg-config --cflags --libs fwclient)
case "$pc_flags" in *@*) fail "fwclient.pc holds a placeholder: $pc_flags";; esac
"$WIN_CC" -std=c11 -Wall -Wextra -Werror -pedantic -o "$work/bin/consumer_c_pkgconfig.exe" \
    "$root/tests/consumer/c/consumer.c" $pc_flags

# C against an import library made from the .def alone.
"$WIN_DLLTOOL" -d "$prefix/lib/fwclient.def" -D fwclient.dll -l "$work/fwclient-from-def.lib"
"$WIN_CC" -std=c11 -Wall -Wextra -Werror -pedantic -o "$work/bin/consumer_c_def.exe" \
    "$root/tests/consumer/c/consumer.c" -I"$prefix/include" "$work/fwclient-from-def.lib"

# The DLLs a program imports, one a line, lower case.
dlls() { "$WIN_OBJDUMP" -p "$1" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'; }

# The static program needs no fwclient.dll; the others need it, and only
# Windows' own DLLs besides.
case $'\n'"$(dlls "$work/bin/consumer_cpp_static.exe")"$'\n' in
    *$'\n'fwclient.dll$'\n'*) fail "consumer_cpp_static.exe needs fwclient.dll";;
esac
for exe in consumer_cpp consumer_c_pkgconfig consumer_c_def; do
    case $'\n'"$(dlls "$work/bin/$exe.exe")"$'\n' in
        *$'\n'fwclient.dll$'\n'*) ;;
        *) fail "$exe.exe does not load fwclient.dll";;
    esac
done
cp "$prefix/bin/fwclient.dll" "$prefix/bin/fwauth.exe" "$work/bin/"
for exe in "$work/bin/"*.exe "$work/bin/fwclient.dll"; do
    for dll in $(dlls "$exe"); do
        case "$dll" in
            fwclient.dll | kernel32.dll | ntdll.dll | advapi32.dll | ws2_32.dll | bcrypt.dll | crypt32.dll | \
            secur32.dll | userenv.dll | msvcrt.dll | api-ms-win-core-synch-l1-2-0.dll | bcryptprimitives.dll | \
            user32.dll | shell32.dll | ole32.dll | oleaut32.dll | ncrypt.dll) ;;
            *) fail "$(basename "$exe") needs $dll, which Windows does not have (ship it or link it statically)";;
        esac
    done
done

# Run them all against fw-devserver.
DEVSERVER=${DEVSERVER:-$root/target/release/fw-devserver}
"$root/tools/with-devserver.sh" --bin "$DEVSERVER" bash -c '
    set -euo pipefail
    cd "$1"
    for exe in consumer_cpp consumer_cpp_static consumer_c_pkgconfig consumer_c_def; do
        "$WINE" ./$exe.exe "$FW_DEVSERVER_URL" "secrets-$exe" || { echo "consumers: $exe.exe failed" >&2; exit 1; }
    done
    version=$("$WINE" ./fwauth.exe --version | tr -d "\r")
    case "$version" in "fwauth "*) ;; *) echo "consumers: fwauth.exe --version: $version" >&2; exit 1;; esac
    printf "fake_token_123\n" | "$WINE" ./fwauth.exe --server "$FW_DEVSERVER_URL" --secrets-dir secrets-fwauth save-token
    tr -d "\r" <secrets-fwauth/chunkedgraph-secret.json | grep -qx "{\"token\": \"fake_token_123\"}" \
        || { echo "consumers: fwauth.exe save-token wrote something else" >&2; exit 1; }
    me=$("$WINE" ./fwauth.exe --server "$FW_DEVSERVER_URL" --secrets-dir secrets-fwauth whoami | tr -d "\r")
    case "$me" in "Ada Lovelace <"*) ;; *) echo "consumers: fwauth.exe whoami: $me" >&2; exit 1;; esac
    echo "consumers: $version ran: save-token, whoami ($me)"
' _ "$work/bin"
echo "consumers: CMake (shared, static), pkg-config and .def consumers and fwauth.exe ran under Wine against $prefix"
