# Settings every make file of the project shares, declared once: the
# top-level Makefile, mk/*.mk, packaging/rules.mk and bindings/*/rules.mk
# include this file (each one standalone too), so a tool, a warning flag or
# the version is written here and nowhere else.

ifndef FW_COMMON_MK
FW_COMMON_MK := 1

# The repository root, found from this file's own place (a fragment run
# standalone may be started from anywhere).
FW_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)

# bash with -e and pipefail: a failing program piped into tail fails the recipe.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

ROOT ?= $(FW_ROOT)
CARGO ?= cargo
PYTHON ?= python3
GO ?= go
CMAKE ?= cmake
CTEST ?= ctest
VALGRIND ?= valgrind

# C toolchain (`make CC=clang` works; make's built-in default `cc` is not used).
ifeq ($(origin CC),default)
CC := gcc
endif
# Warnings are errors in every C build (tests, examples, sanitizer runs).
C_STD_FLAGS := -std=c11 -Wall -Wextra -Werror -pedantic
# Valgrind: definite and indirect leaks fail, the Rust runtime's one-time
# allocations ("still reachable", "possibly lost") do not.
VALGRIND_FLAGS_BASE := --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

# cgo's C flags: go's build cache does not see a header outside the package
# (include/fwclient.h), so the header's digest is part of the flags and a
# changed header (new macros, a new version) is compiled again.
FW_CGO_CFLAGS := -g -O2 -DFWCLIENT_HEADER_ID=$(shell cksum < '$(FW_ROOT)/include/fwclient.h' | cut -d' ' -f1)

# The version, read once, from the [workspace.package] table of Cargo.toml
# (every crate takes it from there; build.rs writes the header's macros
# from it). The soname carries major.minor while the major is 0 (a 0.x
# minor may break the ABI: libfwclient.so.0.3 for 0.3.x), the major alone
# from 1.0 (cargo-c's rule).
FW_VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/{s/^version *= *"\([^"]*\)".*/\1/p;}' '$(FW_ROOT)/Cargo.toml' | head -n 1)
FW_VERSION_MAJOR := $(word 1,$(subst ., ,$(FW_VERSION)))
FW_VERSION_MINOR := $(word 2,$(subst ., ,$(FW_VERSION)))
FW_SOVERSION := $(if $(filter 0,$(FW_VERSION_MAJOR)),$(FW_VERSION_MAJOR).$(FW_VERSION_MINOR),$(FW_VERSION_MAJOR))

endif
