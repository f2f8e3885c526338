#!/usr/bin/env python3
"""Checks that include/fwclient.h is readable by a generator: cffi.

    check_header.py HEADER [--lib LIBRARY] [--cc CC]

1. The header with its #include lines removed, after `CC -E -P`, must be
   accepted by cffi.FFI().cdef() unchanged (no function-like macros,
   static inline bodies, attributes or non-standard types).
2. The macros the header defines: a function-like macro fails, but for
   an X-macro list (`#define NAME(X) X(VALUE, Stem) ...`) of values an
   enum declares, which C and C++ expand and generators read from the
   enum; a plain
   integer is given to cdef() too (`#define NAME 42`, as cffi reads it);
   a string is reported (a generator may skip it: fw_version() has it at
   run time); anything else (an expression such as `(8 * 1024)`) fails.
3. With --lib: every function declared resolves in the library through
   cffi's ABI mode, and fw_version() equals FW_VERSION_STRING.

Exits 1 on failure, printing cffi's own message. Used by `make
test-ffi-header` and by tests/test_abi.py.
"""

import argparse
import os
import re
import subprocess
import sys

import cffi

INTEGER = re.compile(r"^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$")
STRING = re.compile(r'^"[^"\\]*"$')


def preprocess(header, cc="cc", extra=()):
    """The header without #include lines, through `cc -E -P` (plus `extra`)."""
    with open(header, encoding="utf-8") as f:
        text = "".join(line for line in f if not line.lstrip().startswith("#include"))
    return subprocess.run(
        [cc, "-E", "-P", *extra, "-"], input=text, capture_output=True, text=True, check=True
    ).stdout


def declarations(header, cc="cc"):
    """(ffi with the header's declarations, names of the functions declared)."""
    source = preprocess(header, cc)
    ffi = cffi.FFI()
    ffi.cdef(source)
    functions = re.findall(r"\b(fw_\w+)\s*\(", source)
    return ffi, functions


def macros(header, cc="cc"):
    """{name: (parameters or None, value)} of the macros the header defines."""
    def defined(text):
        out = subprocess.run([cc, "-E", "-dM", "-"], input=text, capture_output=True,
                             text=True, check=True).stdout
        found = {}
        for line in out.splitlines():
            m = re.match(r"#define (\w+)(\([^)]*\))? ?(.*)$", line)
            if m:
                found[m.group(1)] = (m.group(2), m.group(3).strip())
        return found

    with open(header, encoding="utf-8") as f:
        text = "".join(line for line in f if not line.lstrip().startswith("#include"))
    builtin = defined("")
    return {k: v for k, v in defined(text).items() if k not in builtin}


# The body of an X-macro list: `X(NAME, Stem)` entries and nothing else.
X_LIST = re.compile(r"(\s*X\(\w+, \w+\)\s*)+")


def enum_values(ffi, header):
    """Every value of every enum the header declares."""
    with open(header, encoding="utf-8") as f:
        names = set(re.findall(r"^enum (\w+)", f.read(), re.MULTILINE))
    return {v for n in names for v in ffi.typeof(f"enum {n}").relements}


def integer_macros(header, cc="cc"):
    """{name: int} of the header's plain integer macros."""
    return {
        name: int(INTEGER.match(value).group(1), 0)
        for name, (params, value) in macros(header, cc).items()
        if params is None and INTEGER.match(value)
    }


def check(header, lib=None, cc="cc"):
    problems, notes = [], []
    try:
        ffi, functions = declarations(header, cc)
    except (cffi.CDefError, cffi.FFIError) as e:
        return [f"cffi.FFI().cdef() refused the preprocessed header: {e}"], notes
    ints = 0
    for name, (params, value) in sorted(macros(header, cc).items()):
        if params == "(X)" and X_LIST.fullmatch(value):
            # An X-macro list for C and C++ of values an enum declares,
            # which generators read from the enum itself.
            listed = re.findall(r"X\((\w+),", value)
            unknown = [v for v in listed if v not in enum_values(ffi, header)]
            if unknown:
                problems.append(f"#define {name}(X): lists {unknown}, which no enum declares")
            else:
                notes.append(f"#define {name}(X): an X-macro list of {len(listed)} enum values")
        elif params is not None:
            problems.append(f"#define {name}{params}: a function-like macro (no generator reads it)")
        elif INTEGER.match(value):
            try:
                cffi.FFI().cdef(f"#define {name} {value}")
                ints += 1
            except (cffi.CDefError, cffi.FFIError) as e:
                problems.append(f"#define {name} {value}: cffi refused it: {e}")
        elif value == "" and name.endswith("_H"):
            pass  # the include guard
        elif STRING.match(value):
            notes.append(f"#define {name} {value}: a string (cffi skips it)")
        else:
            problems.append(f"#define {name} {value}: not a plain integer; cffi cannot read it")
    if lib is not None:
        handle = ffi.dlopen(lib)
        for name in functions:
            try:
                getattr(handle, name)
            except AttributeError:
                problems.append(f"{name}: declared in the header, absent from {lib}")
        version = ffi.string(handle.fw_version()).decode("ascii")
        want = macros(header, cc).get("FW_VERSION_STRING", (None, '""'))[1].strip('"')
        if version != want:
            problems.append(f"fw_version() is {version!r}, the header says {want!r}")
    notes.insert(0, f"{len(functions)} functions and {ints} integer macros accepted by "
                    f"cffi {cffi.__version__}" + (f", resolved in {lib}" if lib else ""))
    return problems, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("header")
    parser.add_argument("--lib")
    parser.add_argument("--cc", default=os.environ.get("CC", "cc"))
    args = parser.parse_args()
    problems, notes = check(args.header, args.lib, args.cc)
    for note in notes:
        print(f"check_header: {note}")
    for problem in problems:
        print(f"check_header: FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
