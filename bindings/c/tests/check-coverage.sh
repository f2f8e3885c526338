#!/usr/bin/env bash
# Fails when the C tests miss part of the header:
#   - a function declared in the header that test_null_args.c never calls
#     (every function must be tried with NULL arguments);
#   (every fw_result code is checked by test_errors.c through the header's
#   own list, FW_ERRORS).
# usage: check-coverage.sh HEADER TESTS_DIR
set -euo pipefail
header=$1 dir=$2
CC=${CC:-gcc}

# The header without comments (cbindgen's doc comments name functions too).
code=$("$CC" -fpreprocessed -dD -E -P -x c "$header")
functions=$(grep -oE '\bfw_[a-z0-9_]+[[:space:]]*\(' <<<"$code" | tr -d '( \t' | sort -u)

missing=0
for f in $functions; do
    if ! grep -qE "\b$f\(" "$dir/test_null_args.c"; then
        echo "check-coverage: $f (in $header) is not tried in $dir/test_null_args.c" >&2
        missing=1
    fi
done
if [ "$missing" -ne 0 ]; then
    echo "check-coverage: add the NULL-argument checks above." >&2
    exit 1
fi
echo "check-coverage: $(wc -w <<<"$functions") functions covered"
