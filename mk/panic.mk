# The panic boundary, exercised from C, C++ and Go: the library built with
# the test-panic feature (cargo profile panic-test, so target/panic-test;
# the release library never exports fw_test_panic) and one small program
# per language asserting FW_ERR_PANIC with the library's message.
# Included by the top-level Makefile.
#
#   test-panic   build the feature library, run the C, C++ and Go checks

_panic_saved_default_goal := $(.DEFAULT_GOAL)

PANIC_LIBDIR := $(ROOT)/target/panic-test
PANIC_BUILD := $(BUILD_DIR)/panic
CXX_FOR_PANIC ?= $(if $(filter default,$(origin CXX)),g++,$(CXX))
# Tools and shared settings (ROOT, CARGO, ...): mk/common.mk.
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk

.PHONY: test-panic panic-lib

panic-lib:
	$(CARGO) build --profile panic-test -p fwclient --features test-panic
	@nm -D --defined-only '$(PANIC_LIBDIR)/libfwclient.so' | grep -q ' fw_test_panic$$' || { \
	    echo "test-panic: $(PANIC_LIBDIR)/libfwclient.so lacks fw_test_panic" >&2; exit 1; }
	@if nm -D --defined-only '$(LIB_SO)' 2>/dev/null | grep -q ' fw_test_panic$$'; then \
	    echo "test-panic: the release library $(LIB_SO) exports fw_test_panic" >&2; exit 1; fi

test-panic: panic-lib
	@mkdir -p '$(PANIC_BUILD)'
	$(CC) $(C_STD_FLAGS) $(CFLAGS) $(C_INCLUDES) -o '$(PANIC_BUILD)/test_panic_c' \
	    bindings/c/tests/panic/test_panic.c -L'$(PANIC_LIBDIR)' -Wl,-rpath,'$(abspath $(PANIC_LIBDIR))' -lfwclient
	'$(PANIC_BUILD)/test_panic_c'
	$(CXX_FOR_PANIC) -std=c++17 -Wall -Wextra -Werror -pedantic -g $(C_INCLUDES) -Ibindings/cpp/include \
	    -o '$(PANIC_BUILD)/test_panic_cpp' bindings/cpp/tests/panic/panic_test.cpp \
	    -L'$(PANIC_LIBDIR)' -Wl,-rpath,'$(abspath $(PANIC_LIBDIR))' -lfwclient
	'$(PANIC_BUILD)/test_panic_cpp'
	cd bindings/go && FW_DEVSERVER_BIN='$(abspath $(DEVSERVER))' \
	    $(GO) test -count=1 -tags fwclient_testpanic -run '^TestPanicBoundary$$' -v . | grep -E '^(=== RUN|--- |    |ok|FAIL|PASS)'

.DEFAULT_GOAL := $(_panic_saved_default_goal)
