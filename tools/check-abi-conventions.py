#!/usr/bin/env python3
"""Checks the naming and const rules of the C ABI (DESIGN.md "C ABI
conventions") on the header itself:

- an out-parameter (`T **name` other than `err`, or a pointer to a number
  or an enumeration that is not const and not a buffer) is named `out_*`;
- a shared handle (fw_auth, fw_client, fw_cancel, fw_response, fw_error) is
  taken `const` by every function but its `_free`: calls only read or
  share it (they lock inside where they change it).

    check-abi-conventions.py include/fwclient.h

Prints each function that breaks a rule and exits 1; otherwise says how
many functions it checked (and fails when it finds none).
"""

import re
import sys

SHARED = ("fw_auth", "fw_client", "fw_cancel", "fw_response", "fw_error")
NUMBERS = ("uint8_t", "uint16_t", "uint32_t", "uint64_t", "int64_t", "size_t", "bool",
           "fw_layout", "fw_token_source", "fw_save_flags", "fw_result")
# Caller buffers the library writes into: not out-parameters of a value.
BUFFERS = {("fw_stream_read", "buf")}


def problems(text):
    code = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    decls = re.findall(r"\b(fw_\w+)\s*\(([^()]*)\)\s*;", code)
    found = []
    for name, params in decls:
        for param in (p.strip() for p in params.split(",")):
            if param in ("", "void"):
                continue
            m = re.match(r"(const\s+)?(\w+)\s*(\*+)\s*(\w+)$", param)
            if not m:
                continue
            const, base, stars, pname = m.groups()
            if (name, pname) in BUFFERS:
                continue
            if len(stars) == 2 and pname != "err" and not pname.startswith("out_"):
                found.append(f"{name}: `{param}` is an out-parameter; name it out_{pname}")
            if len(stars) == 1 and not const and base in NUMBERS and not pname.startswith("out_"):
                found.append(f"{name}: `{param}` is an out-parameter; name it out_{pname}")
            if (len(stars) == 1 and not const and base in SHARED
                    and not name.endswith("_free")):
                found.append(f"{name}: `{param}` shares a {base}; take it `const {base} *`")
    return found, len(decls)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        found, count = problems(fh.read())
    if count == 0:
        print(f"check-abi-conventions: no function in {argv[1]}", file=sys.stderr)
        return 1
    for p in found:
        print(f"check-abi-conventions: {p}", file=sys.stderr)
    if found:
        return 1
    print(f"check-abi-conventions: {count} functions: out_* names, shared handles const")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
