"""Finding and loading libfwclient.

In this order: the file named by $FWCLIENT_LIB; the library next to an
installed prefix, found through `pkg-config --variable=libdir fwclient`;
the system loader (LD_LIBRARY_PATH, ld.so.cache, ...). The first library
found is loaded and must be of the ABI version this package declares.
"""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys

from . import _abi


class LibraryNotFoundError(ImportError):
    """libfwclient could not be found, or is not of a usable version."""


def _platform_names():
    for prefix, names in _abi.LIBRARY_NAMES.items():
        if sys.platform.startswith(prefix):
            return names
    return _abi.LIBRARY_NAMES["linux"]


def _pkg_config_libdir():
    pkg_config = shutil.which(os.environ.get("PKG_CONFIG", "pkg-config"))
    if pkg_config is None:
        return None
    try:
        out = subprocess.run(
            [pkg_config, "--variable=libdir", "fwclient"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def candidates():
    """(where, path-or-name) pairs to try, in order."""
    explicit = os.environ.get("FWCLIENT_LIB")
    if explicit:
        # An explicit choice is final: no silent fallback to another copy.
        return [("$FWCLIENT_LIB", explicit)]
    found = []
    libdir = _pkg_config_libdir()
    if libdir:
        found += [("pkg-config", os.path.join(libdir, n)) for n in _platform_names()]
    found += [("system loader", n) for n in _platform_names()]
    name = ctypes.util.find_library("fwclient")
    if name:
        found.append(("system loader", name))
    return found


def _check_version(lib, path):
    lib.fw_version.restype = ctypes.c_char_p
    lib.fw_version.argtypes = []
    version = lib.fw_version().decode("ascii")
    major_minor = tuple(int(p) for p in version.split(".")[:2])
    if major_minor != _abi.ABI_VERSION:
        want = "%d.%d" % _abi.ABI_VERSION
        raise LibraryNotFoundError(
            f"{path} is libfwclient {version}; this package needs {want}.x"
        )
    return version


def load():
    """Loads libfwclient; returns (ctypes library with every prototype set, path)."""
    tried = []
    for where, path in candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} ({where}: no such file)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({where}: {e})")
            continue
        _check_version(lib, path)
        return _abi.declare(lib), path
    raise LibraryNotFoundError(
        "libfwclient not found; set FWCLIENT_LIB to the library file, or install "
        "it where pkg-config or the system loader finds it. Tried: " + "; ".join(tried)
    )
