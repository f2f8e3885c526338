# The ABI check: the shared library `make install` would install
# (build/packaging/libfwclient.so.X.Y.Z, with its soname and fw_* export
# list) against the committed baseline abi/libfwclient.abi, with libabigail
# (Debian abigail-tools). Included by the top-level Makefile after
# packaging/rules.mk (PKG_SHARED, PKG_SONAME).
#
#   abi-check   abidiff baseline vs. library: a removed or changed function,
#               or a changed type, fails unless the soname changed with it
#               (0.x: libfwclient.so.0.<minor>); additions pass and are
#               listed (record them with abi-update)
#   abi-update  rewrite abi/libfwclient.abi from the built library (commit
#               it with the change it records)
#
# The functions' parameter and return types come from the ABI crate's
# DWARF (Cargo.toml gives it full debug info in release builds).

_abi_saved_default_goal := $(.DEFAULT_GOAL)

# Tools and shared settings (ROOT, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk
ABIDW ?= abidw
ABIDIFF ?= abidiff
ABI_BASELINE := $(ROOT)/abi/libfwclient.abi
ABIDW_FLAGS := --no-show-locs --no-corpus-path
# abidiff's exit status is a bit set: 1 error, 2 usage, 4 ABI change,
# 8 incompatible ABI change. A changed parameter or enumerator value is only
# "4" to abidiff, so the check also fails on any removed or changed function
# or variable in its summary; an added function, or an added enumerator
# (which abidiff filters out as harmless), passes.
ABI_ERROR := 3
ABI_INCOMPATIBLE := 8

.PHONY: abi-check abi-update abi-tools

abi-tools:
	@command -v $(ABIDW) >/dev/null && command -v $(ABIDIFF) >/dev/null || { \
	    echo "abi: abidw/abidiff not found (apt-get install abigail-tools)" >&2; exit 1; }

abi-check: abi-tools cargo-build
	@rm -f '$(PKG_SHARED)'
	@$(MAKE) --no-print-directory pkg-lib >/dev/null
	@test -f '$(ABI_BASELINE)' || { echo "abi-check: no baseline $(ABI_BASELINE): run make abi-update" >&2; exit 1; }
	@base=$$(sed -n "1s/.* soname='\([^']*\)'.*/\1/p" '$(ABI_BASELINE)'); \
	rc=0; out=$$($(ABIDIFF) --no-show-locs '$(ABI_BASELINE)' '$(PKG_SHARED)') || rc=$$?; \
	if [ $$(( rc & $(ABI_ERROR) )) -ne 0 ]; then \
	    echo "$$out" >&2; echo "abi-check: abidiff failed ($$rc)" >&2; exit 1; fi; \
	if [ "$$base" != '$(PKG_SONAME)' ]; then \
	    echo "$$out"; \
	    echo "abi-check: the soname changed ($$base -> $(PKG_SONAME)): any ABI change is allowed;" \
	         "record the new ABI with make abi-update"; exit 0; fi; \
	broken=$$(sed -n 's/^\(Functions\|Variables\) changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\2 \3/p' <<<"$$out" | \
	    awk '{ n += $$1 + $$2 } END { print n + 0 }'); \
	if [ $$(( rc & $(ABI_INCOMPATIBLE) )) -ne 0 ] || [ "$$broken" -ne 0 ]; then \
	    echo "$$out" >&2; \
	    echo "abi-check: the changes above break the ABI of $(PKG_SONAME): keep the old functions" \
	         "and types, or change the soname (0.x: bump the minor in Cargo.toml), then make abi-update" >&2; \
	    exit 1; fi; \
	if [ $$rc -ne 0 ]; then \
	    echo "$$out"; \
	    echo "abi-check: compatible additions to $(PKG_SONAME) (listed above); record them with make abi-update"; \
	else \
	    echo "abi-check: $(PKG_SONAME) matches $(ABI_BASELINE)"; fi

abi-update: abi-tools cargo-build
	@rm -f '$(PKG_SHARED)'
	@$(MAKE) --no-print-directory pkg-lib >/dev/null
	@mkdir -p '$(dir $(ABI_BASELINE))'
	$(ABIDW) $(ABIDW_FLAGS) '$(PKG_SHARED)' > '$(ABI_BASELINE).tmp'
	@mv -f '$(ABI_BASELINE).tmp' '$(ABI_BASELINE)'
	@echo "abi-update: $(ABI_BASELINE) now describes $(PKG_SONAME); commit it"

.DEFAULT_GOAL := $(_abi_saved_default_goal)
