#!/usr/bin/env python3
"""Checks the error rule of the C ABI on the header itself: every function
that returns fw_result takes `fw_error **err` as its last parameter.

    check-error-rule.py include/fwclient.h

Prints the functions that break the rule and exits 1; otherwise prints how
many functions it checked. It also fails when it finds no function at all
(a header it cannot read is not a header that passes).
"""

import re
import sys

# Functions whose fw_result is a value they read, not the outcome of a call.
VALUES = {"fw_error_code": "gives the code an fw_error holds; it cannot fail"}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        text = fh.read()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    decls = re.findall(r"\bfw_result\s+(fw_\w+)\s*\(([^()]*)\)\s*;", code)
    if not decls:
        print(f"check-error-rule: no function returning fw_result in {argv[1]}", file=sys.stderr)
        return 1
    bad = []
    for name, params in decls:
        if name in VALUES:
            continue
        last = " ".join(params.split(",")[-1].split())
        if not re.fullmatch(r"fw_error\s*\*\s*\*\s*err", last):
            bad.append(f"{name}(... {last})")
    for b in bad:
        print(f"check-error-rule: {b}: the last parameter must be `fw_error **err`", file=sys.stderr)
    if bad:
        return 1
    print(f"check-error-rule: all {len(decls) - len(VALUES)} functions returning fw_result end with `fw_error **err`"
          f" (fw_error_code excepted: it {VALUES['fw_error_code']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
