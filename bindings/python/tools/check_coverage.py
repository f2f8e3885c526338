#!/usr/bin/env python3
"""Fails when the Python package leaves part of the header unused, as
bindings/c/tests/check-coverage.sh does for the C tests:

- a function the header declares that no wrapper module of the package
  calls (declaring it in _abi.py is not enough: some module other than
  _abi.py must name it, as `call("fw_...")`, `string_out("fw_...")`,
  `lib.fw_...` or a free_name);
- a function _abi.py declares that the header does not.

usage: check_coverage.py HEADER [PACKAGE_DIR]
"""

import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fwclient"


def header_functions(header_text):
    """The functions a header declares (its comments removed first: they
    name functions too)."""
    code = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    code = re.sub(r"//[^\n]*", "", code)
    return set(re.findall(r"\b(fw_[a-z0-9_]+)\s*\(", code))


def used_functions(package):
    """The fw_ names each module other than _abi.py uses, by module."""
    used = {}
    for path in sorted(package.glob("*.py")):
        if path.name == "_abi.py":
            continue
        # A quoted name (call("fw_..."), free_name = "fw_...") or lib.fw_...;
        # a name in a docstring or comment does not count.
        for quoted, attribute in re.findall(
            r'"(fw_[a-z0-9_]+)"|\b_?lib\.(fw_[a-z0-9_]+)\b', path.read_text()
        ):
            used.setdefault(quoted or attribute, set()).add(path.name)
    return used


def declared_functions(package):
    text = (package / "_abi.py").read_text()
    return set(re.findall(r'^\s*"(fw_[a-z0-9_]+)":\s*\(', text, flags=re.M))


def problems(header_text, package=PACKAGE):
    functions = header_functions(header_text)
    used = used_functions(package)
    declared = declared_functions(package)
    out = []
    for f in sorted(functions - set(used)):
        out.append(f"{f} (in the header) is used by no module of {package.name}/ but _abi.py")
    for f in sorted(declared - functions):
        out.append(f"{f} is declared in _abi.py but not in the header")
    for f in sorted(functions - declared):
        out.append(f"{f} (in the header) is not declared in _abi.py")
    return out, functions


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    package = Path(argv[2]) if len(argv) == 3 else PACKAGE
    found, functions = problems(Path(argv[1]).read_text(), package)
    for p in found:
        print(f"check_coverage: {p}", file=sys.stderr)
    if found:
        return 1
    print(f"check_coverage: every one of the header's {len(functions)} functions is used")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
