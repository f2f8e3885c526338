#!/usr/bin/env bash
# Fails when the C tests miss part of the header:
#   - a function declared in the header that the generated NULL-argument
#     test (gen-null-tests.py's output, NULL_TESTS) never calls (every
#     function must be tried with NULL arguments);
#   (every fw_result code is checked by test_errors.c through the header's
#   own list, FW_ERRORS).
# usage: check-coverage.sh HEADER TESTS_DIR NULL_TESTS
set -euo pipefail
header=$1 dir=$2 null_tests=$3
CC=${CC:-gcc}

# The header without comments (cbindgen's doc comments name functions too).
code=$("$CC" -fpreprocessed -dD -E -P -x c "$header")
functions=$(grep -oE '\bfw_[a-z0-9_]+[[:space:]]*\(' <<<"$code" | tr -d '( \t' | sort -u)

missing=0
for f in $functions; do
    if ! grep -qE "\b$f\(" "$null_tests"; then
        echo "check-coverage: $f (in $header) is not tried in $null_tests (teach gen-null-tests.py)" >&2
        missing=1
    fi
done
if [ "$missing" -ne 0 ]; then
    echo "check-coverage: add the NULL-argument checks above." >&2
    exit 1
fi
echo "check-coverage: $(wc -w <<<"$functions") functions covered"
