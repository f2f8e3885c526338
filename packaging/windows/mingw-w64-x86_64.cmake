# CMake toolchain file: build 64-bit Windows programs on Linux with
# mingw-w64 (Debian/Ubuntu: apt-get install g++-mingw-w64-x86-64).
#
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<fwclient>/mingw-w64-x86_64.cmake \
#         -DCMAKE_PREFIX_PATH=<fwclient>
#   cmake --build build
#
# then find_package(fwclient) and fwclient::fwclient (or
# fwclient::fwclient_static) as on Linux; put bin/fwclient.dll next to the
# program. Another prefix of the compilers: -DMINGW_PREFIX=i686-w64-mingw32
# (32-bit builds are not offered by fwclient itself).

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT MINGW_PREFIX)
  set(MINGW_PREFIX x86_64-w64-mingw32)
endif()
set(CMAKE_C_COMPILER ${MINGW_PREFIX}-gcc)
set(CMAKE_CXX_COMPILER ${MINGW_PREFIX}-g++)
set(CMAKE_RC_COMPILER ${MINGW_PREFIX}-windres)

# Programs that need none of mingw's own DLLs (libgcc_s, libstdc++) at
# run time: only fwclient.dll and Windows' DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Libraries and headers for Windows come from mingw's root and from the
# prefixes given (CMAKE_PREFIX_PATH, searched as they are); programs run
# during the build come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
