#!/usr/bin/env python3
"""Fails when a document states one of the project's rules differently
from the core. Each rule is written once in the core's rustdoc (and so in
the header); every other statement of it, in any tracked file (the
bindings' docs, the READMEs, the header, fwauth's help), must state it
whole, in the same order:

- the token lookup order: every text that says "$FW_AUTH_TOKEN >" must
  read LOOKUP_ORDER below, whole;
- the secrets directory's default: every text that says
  "$FW_SECRETS_DIR, else" or "else ~/.cloudvolume/secrets" must name
  $FW_SECRETS_DIR, then $CLOUD_VOLUME_DIR/secrets, then
  ~/.cloudvolume/secrets;
- the version: Cargo.toml's [workspace.package] version is the one the
  Python package, its ABI module, the Node declarations and every
  `find_package(fwclient X.Y ...)` name.

    check-doc-facts.py [ROOT]

Comment markers (///, //, #, *), backticks and `$` are dropped and white
space collapsed before comparing, so a statement may wrap and be quoted as
its file's language wants. Prints each difference (file and line) and
exits 1; otherwise says how many statements it checked.
"""

import re
import subprocess
import sys
from pathlib import Path

# The order Auth::new (core/src/auth/mod.rs) reads, first found wins.
LOOKUP_ORDER = (
    "explicit token > FW_AUTH_TOKEN > CAVE_TOKEN > FW_AUTH_TOKEN_FILE > "
    "CAVE_TOKEN_FILE > token file > the layout's files > the other layout's default file"
)
# Where layout::secrets_dir_and_source (core/src/secrets/layout.rs) looks.
SECRETS_DIR = re.compile(
    r"FW_SECRETS_DIR,? else CLOUD_VOLUME_DIR/secrets[^,;)]{0,60}, else ~/\.cloudvolume/secrets"
)
# The places the rules are written once; the check fails if they say nothing.
SOURCES = {
    "core/src/auth/mod.rs": "lookup",
    "core/src/options.rs": "secrets",
    "include/fwclient.h": "both",
}
SKIP_SUFFIXES = (".lock", ".abi", ".png", ".svg", ".ico", ".gz")
# This file and its test state the rules on purpose, broken ones included.
SELF = ("tools/check-doc-facts.py", "tools/test_checks.py")


def normalise(text):
    """Text of `text` as one line per source line, markers dropped, and a
    map from offsets in the joined text back to line numbers."""
    out, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"^\s*(///?!?|#+|\*|--|;+)\s?", "", line)
        line = line.replace("`", "").replace("$", "").replace("\\n", " ")
        line = line.replace('\\"', '"').strip()
        # A string literal split over lines ("... \ / ...",): its quotes
        # and line continuations go.
        line = re.sub(r"\\$", "", line).strip()
        line = re.sub(r'^"|"\)?,?$', "", line)
        out.append(line)
        lines.append(number)
    joined = re.sub(r" +", " ", " ".join(out) + " ")
    return joined, out, lines


def line_of(lines_text, numbers, needle_pos, joined):
    """The source line holding offset `needle_pos` of `joined`."""
    count = 0
    for text, number in zip(lines_text, numbers):
        count += len(re.sub(r" +", " ", text + " "))
        if count > needle_pos:
            return number
    return numbers[-1] if numbers else 0


def check_text(path, text):
    """The problems of one file, and how many statements it makes."""
    joined, lines_text, numbers = normalise(text)
    problems, statements = [], {"lookup": 0, "secrets": 0}
    for m in re.finditer(r"FW_AUTH_TOKEN >", joined):
        statements["lookup"] += 1
        start = m.start() - len("explicit token > ")
        if joined[max(start, 0):start + len(LOOKUP_ORDER)] != LOOKUP_ORDER:
            line = line_of(lines_text, numbers, m.start(), joined)
            problems.append(f"{path}:{line}: the lookup order is not stated whole as "
                            f"\"{LOOKUP_ORDER}\"")
    whole = [(m.start(), m.end()) for m in SECRETS_DIR.finditer(joined)]
    for m in re.finditer(r"FW_SECRETS_DIR,? else|else ~/\.cloudvolume/secrets", joined):
        statements["secrets"] += 1
        if not any(a <= m.start() < b for a, b in whole):
            line = line_of(lines_text, numbers, m.start(), joined)
            problems.append(f"{path}:{line}: the secrets directory's default is not stated whole "
                            "($FW_SECRETS_DIR, else $CLOUD_VOLUME_DIR/secrets, else "
                            "~/.cloudvolume/secrets)")
    return problems, statements


def version_problems(root, files):
    cargo = (root / "Cargo.toml").read_text()
    table = re.search(r"^\[workspace\.package\]\n(.*?)(?:^\[|\Z)", cargo, flags=re.S | re.M)
    version = re.search(r'^version\s*=\s*"([^"]+)"', table.group(1), flags=re.M).group(1)
    major_minor = ".".join(version.split(".")[:2])
    expected = {
        "bindings/python/fwclient/__init__.py": (r'__version__ = "([^"]+)"', version),
        "bindings/python/fwclient/_abi.py": (r"ABI_VERSION = \((\d+), (\d+)\)", major_minor),
        "examples/node/abi.mjs": (r"ABI_VERSION = '([^']+)'", major_minor),
    }
    problems = []
    for path, (pattern, want) in expected.items():
        m = re.search(pattern, (root / path).read_text())
        got = ".".join(m.groups()) if m else None
        if got != want:
            problems.append(f"{path}: version {got}, Cargo.toml says {want}")
    for path in files:
        for number, line in enumerate(read(root / path).splitlines(), 1):
            for got in re.findall(r"find_package\(fwclient (\d+\.\d+)\b", line):
                if got != major_minor:
                    problems.append(f"{path}:{number}: find_package(fwclient {got}), "
                                    f"Cargo.toml says {major_minor}")
    return problems


def read(path):
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parents[1])
    files = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True,
                           text=True, check=True).stdout.split()
    files = [f for f in files if f not in SELF and not f.endswith(SKIP_SUFFIXES)
             and not f.startswith("abi/")]
    problems, total = [], {"lookup": 0, "secrets": 0}
    for path in files:
        found, statements = check_text(path, read(root / path))
        problems += found
        for k in total:
            total[k] += statements[k]
        want = SOURCES.get(path)
        if want in ("lookup", "both") and statements["lookup"] == 0:
            problems.append(f"{path}: states no lookup order (the rule is written here)")
        if want in ("secrets", "both") and statements["secrets"] == 0:
            problems.append(f"{path}: states no secrets-directory default (written here)")
    problems += version_problems(root, files)
    for p in problems:
        print(f"check-doc-facts: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check-doc-facts: {total['lookup']} statements of the lookup order, "
          f"{total['secrets']} of the secrets directory and the version agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
