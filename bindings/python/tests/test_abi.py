"""The package against the header: every function with its parameters,
every result code with its exception, every constant; and the loader."""

import builtins
import ctypes
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import check_header
import fwclient
from fwclient import _abi, _errors

ANY = ("any",)


def c_shape(ffi, t):
    """A comparable shape of cffi ctype `t`."""
    if t.kind == "pointer":
        return ("ptr", c_shape(ffi, t.item))
    if t.kind in ("struct", "union", "void"):
        return (t.kind,)
    if t.kind == "function":  # a function pointer (fw_batch_callback)
        return ("function",)
    if t.kind == "enum":
        return ("int", ffi.sizeof(t), None)
    if t.cname in ("_Bool", "bool"):
        return ("bool",)
    if t.cname == "char" or ffi.sizeof(t) == 1:
        return ("int", 1, None)
    return ("int", ffi.sizeof(t), int(ffi.cast(t, -1)) < 0)


def py_shape(t):
    """The same shape of ctypes type `t` (c_void_p points to anything)."""
    if t is None:
        return ("void",)
    if t is ctypes.c_void_p:
        return ("ptr", ANY)
    if t is ctypes.c_char_p:
        return ("ptr", ("int", 1, None))
    if t is ctypes.c_bool:
        return ("bool",)
    if isinstance(t, type) and issubclass(t, ctypes.Structure):
        return ("struct",)
    if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):  # CFUNCTYPE(...)
        return ("function",)
    if hasattr(t, "contents"):  # POINTER(x)
        return ("ptr", py_shape(t._type_))
    size = ctypes.sizeof(t)
    return ("int", size, None if size == 1 else t(-1).value < 0)


def same(c, py):
    if py == ANY:
        return True
    if c[0] == "int" and py[0] == "int":
        return c[1] == py[1] and None in (c[2], py[2]) or c == py
    if c[0] == "ptr" and py[0] == "ptr":
        return same(c[1], py[1])
    return c == py


@pytest.fixture(scope="module")
def parsed(header, cc):
    ffi, functions = check_header.declarations(header, cc)
    return ffi, functions, ffi.dlopen(fwclient.library_path)


def test_the_header_is_accepted_by_cffi(header, cc):
    problems, _ = check_header.check(header, fwclient.library_path, cc)
    assert problems == []


def test_every_function_is_declared_as_the_header_declares_it(parsed):
    ffi, functions, lib = parsed
    assert sorted(_abi.FUNCTIONS) == sorted(functions)
    for name in functions:
        ftype = ffi.typeof(getattr(lib, name))
        params = _abi.parameter_types(name)
        assert len(params) == len(ftype.args), name
        for i, (c, py) in enumerate(zip(ftype.args, params)):
            assert same(c_shape(ffi, c), py_shape(py)), f"{name}: parameter {i}: {c.cname}"
        restype = _abi.FUNCTIONS[name][0]
        assert same(c_shape(ffi, ftype.result), py_shape(restype)), f"{name}: result"
        last = ftype.args[-1].cname if ftype.args else ""
        assert _abi.takes_err(name) == (last == "fw_error * *"), f"{name}: fw_error **err"


def test_every_result_code_is_the_headers(parsed):
    ffi, _, _ = parsed
    assert _abi.RESULTS == ffi.typeof("enum fw_result").relements


def test_every_error_code_has_its_own_exception(parsed):
    ffi, _, lib = parsed
    codes = ffi.typeof("enum fw_result").relements
    classes = [c for c in _errors._subclasses(_errors.FwError) if c.result]
    assert sorted(c.result for c in classes) == sorted(n for n in codes if n != "FW_OK")
    for name, code in codes.items():
        assert ffi.string(lib.fw_result_name(code)).decode() == name
        if code:
            cls = _errors.error_class(code)
            assert cls.result == name and getattr(fwclient, cls.__name__) is cls
    assert _errors.error_class(12345) is fwclient.FwError


def test_error_classes_follow_the_headers_naming_rule_and_builtins(header):
    # FW_ERRORS lists X(FW_ERR_<STEM>, <Stem>): every binding's class is <Stem>Error.
    with open(header, encoding="utf-8") as f:
        stems = re.findall(r"X\((FW_ERR_[A-Z0-9_]+), ([A-Za-z0-9]+)\)", f.read())
    assert len(stems) == len(_abi.RESULTS) - 1
    for result, stem in stems:
        cls = getattr(fwclient, stem + "Error")
        assert cls.result == result and issubclass(cls, fwclient.FwError)
    assert issubclass(fwclient.HttpStatusError, fwclient.FwError)
    assert issubclass(fwclient.IoError, OSError) and issubclass(fwclient.NetworkError, OSError)
    assert issubclass(fwclient.TimeoutError, builtins.TimeoutError)
    assert issubclass(fwclient.InvalidArgumentError, ValueError)
    assert not issubclass(fwclient.ForbiddenError, OSError)
    # A star import must not hide the builtin TimeoutError.
    assert "TimeoutError" not in fwclient.__all__ and "FwTimeoutError" in fwclient.__all__
    assert sorted(fwclient.Remedy.__members__) == sorted(
        n[len("FW_REMEDY_"):] for n in _abi.CONSTANTS if n.startswith("FW_REMEDY_"))


def test_every_constant_is_the_headers(header, cc, parsed):
    ffi, _, lib = parsed
    ints = check_header.integer_macros(header, cc)
    enums = {}
    for enum in ("fw_layout", "fw_token_source", "fw_save_flags", "fw_remedy"):
        enums.update(ffi.typeof(f"enum {enum}").relements)
    assert _abi.CONSTANTS == enums
    for name, value in _abi.CONSTANTS.items():
        assert getattr(lib, name) == value, name
    assert _abi.ABI_VERSION == (ints["FW_VERSION_MAJOR"], ints["FW_VERSION_MINOR"])
    assert fwclient.library_version() == "%d.%d.%d" % (
        ints["FW_VERSION_MAJOR"], ints["FW_VERSION_MINOR"], ints["FW_VERSION_PATCH"])


def run_python(code, env):
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_the_library_is_found_through_pkg_config(tmp_path):
    # A prefix as `make install` lays it out: the soname next to fwclient.pc.
    libdir = tmp_path / "prefix" / "lib"
    (libdir / "pkgconfig").mkdir(parents=True)
    shutil.copy(fwclient.library_path, libdir / _abi.LIBRARY_NAMES["linux"][0])
    (libdir / "pkgconfig" / "fwclient.pc").write_text(textwrap.dedent(f"""\
        prefix={tmp_path / "prefix"}
        libdir=${{prefix}}/lib
        Name: fwclient
        Description: test
        Version: 0.3.0
        Libs: -L${{libdir}} -lfwclient
        """))
    env = {k: v for k, v in os.environ.items() if k != "FWCLIENT_LIB"}
    env["PKG_CONFIG_PATH"] = str(libdir / "pkgconfig")
    r = run_python("import fwclient; print(fwclient.library_path)", env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(libdir / _abi.LIBRARY_NAMES["linux"][0])


def test_a_missing_library_is_a_clear_import_error(tmp_path):
    env = dict(os.environ, FWCLIENT_LIB=str(tmp_path / "nowhere" / "libfwclient.so"))
    r = run_python("import fwclient", env)
    assert r.returncode == 1
    assert "LibraryNotFoundError" in r.stderr
    assert f"{tmp_path}/nowhere/libfwclient.so ($FWCLIENT_LIB: no such file)" in r.stderr
