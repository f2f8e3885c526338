#!/usr/bin/env python3
"""Checks the two rules of messages (DESIGN.md, "Errors and their remedies"):

1. The core speaks no front end: no string literal in core/src names a C
   function, flag or code, a C++, Go or Python call, or fwauth. The core
   states problems and attaches a Remedy; each front end says the fix in its
   own words. Environment variables such as $FW_SECRETS_DIR are the
   user's, not an API, and are allowed.
2. Nothing decides on message text: no Rust code of the core, the ABI crate
   or fwauth, and no source of the Go, Python or C++ binding, reads an
   error's message to choose what to do (it reads the kind and the remedy).

    check-messages.py [ROOT]   (default: the current directory)

Reads every .rs file up to its `#[cfg(test)] mod` (tests may name what
must not appear, and assert on messages), without comments; prints each
breach and exits 1 if there is one.
"""

import pathlib
import re
import sys

# What a front end's API looks like in a message.
FRONT_END_WORDS = [
    (r"\bfw_[a-z]+_[a-z_]+", "a C function"),
    (r"\bFW_(?:SAVE|ERR|SOURCE|LAYOUT|REMEDY)_[A-Z_]+|\bFW_OK\b", "a C flag or code"),
    (r"\b(?:Auth|Options|Client|SaveOptions|fw)::[a-z_]+", "a C++ call"),
    (r"\b(?:SaveToken|SetToken|GetNewToken|NewAuth|NewClient|TrustedOrigins|AllowInsecureHTTP)\b",
     "a Go call or field"),
    (r"\bSaveFlags\.|\bauth\.(?:save|set)_token\b", "a Python call"),
    (r"\bfwauth\b", "the fwauth command"),
]

STRING = re.compile(r'r(#*)"(.*?)"\1|b?"((?:[^"\\]|\\.)*)"', re.S)


def strings(path):
    text = path.read_text(encoding="utf-8")
    text = re.split(r"#\[cfg\(test\)\]\s*mod ", text, maxsplit=1)[0]
    # Comments out (line comments, doc comments), strings kept: a `//`
    # inside a string (a URL) is not a comment.
    out, i = [], 0
    for m in re.finditer(r'r(#*)".*?"\1|"(?:[^"\\]|\\.)*"|//[^\n]*', text, re.S):
        out.append(text[i:m.start()])
        out.append("" if m.group(0).startswith("//") else m.group(0))
        i = m.end()
    out.append(text[i:])
    code = "".join(out)
    for m in STRING.finditer(code):
        line = code.count("\n", 0, m.start()) + 1
        yield line, m.group(2) if m.group(2) is not None else m.group(3)


# Reading an error's message (the method, or a `message` field) to decide
# or rewrite something.
DECIDES_ON_TEXT = re.compile(
    r"\bmessage(?:\(\))?\s*\.\s*(?:contains|split\w*|starts_with|ends_with|find|matches|"
    r"strip_\w+|replace\w*)\b|==\s*[\w.]+\.message\(\)|\.message\(\)\s*==")


# The same in the bindings (their sources, not their tests): Go's Message,
# Python's message, C++'s what().
BINDING_DECIDES_ON_TEXT = re.compile(
    r"strings\.\w+\([^)]*\.(?:Message|Problem)\b|\.(?:Message|Problem)\s*==\s*\"[^\"]|"
    r"\bin\s+[\w.]*\.(?:message|problem)\b|\.(?:message|problem)\.(?:startswith|endswith|find|split)|"
    r"what\(\)\)?\.find\(|\bstrstr\(\s*fw_error_(?:message|problem)")


def binding_sources(root):
    b = root / "bindings"
    files = [p for p in b.glob("go/*.go") if not p.name.endswith("_test.go")]
    files += sorted(b.glob("python/fwclient/*.py")) + sorted(b.glob("cpp/include/*.hpp"))
    return files


def without_tests(path):
    return re.split(r"#\[cfg\(test\)\]\s*mod ", path.read_text(encoding="utf-8"), maxsplit=1)[0]


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else ".")
    core = sorted((root / "core" / "src").rglob("*.rs"))
    rust = core + sorted((root / "src").rglob("*.rs")) + sorted((root / "fwauth" / "src").rglob("*.rs"))
    if not core:
        print(f"check-messages: no .rs file under {root / 'core' / 'src'}", file=sys.stderr)
        return 1
    found = 0
    for path in core:
        for line, s in strings(path):
            for pattern, what in FRONT_END_WORDS:
                m = re.search(pattern, s)
                if m:
                    shown = s if len(s) < 100 else s[:97] + "..."
                    print(f"{path}:{line}: names {what} ({m.group(0)}): \"{shown}\"",
                          file=sys.stderr)
                    found += 1
    for path in rust:
        code = re.sub(r"//[^\n]*", "", without_tests(path))
        for m in DECIDES_ON_TEXT.finditer(code):
            n = code.count("\n", 0, m.start()) + 1
            print(f"{path}:{n}: decides on message text: {m.group(0)}", file=sys.stderr)
            found += 1
    bindings = binding_sources(root)
    for path in bindings:
        code = path.read_text(encoding="utf-8")
        for m in BINDING_DECIDES_ON_TEXT.finditer(code):
            n = code.count("\n", 0, m.start()) + 1
            print(f"{path}:{n}: decides on message text: {m.group(0)}", file=sys.stderr)
            found += 1
    if found:
        print("check-messages: state the problem and attach a Remedy (core/src/error.rs); "
              "the front ends say the fix; decide on the kind and the remedy", file=sys.stderr)
        return 1
    print(f"check-messages: {len(core)} files of core/src name no front end; "
          f"{len(rust)} Rust files and {len(bindings)} binding sources decide nothing on "
          "message text")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
