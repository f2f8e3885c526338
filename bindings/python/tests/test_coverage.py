"""Every function of the header is used by a wrapper of the package, not
only declared in _abi.py (tools/check_coverage.py, as the C tests'
check-coverage.sh)."""

from pathlib import Path

import check_coverage


def test_every_header_function_is_used_by_a_wrapper(header):
    found, functions = check_coverage.problems(Path(header).read_text())
    assert found == []
    assert "fw_client_open" in functions


def test_a_function_only_declared_is_reported(header, tmp_path):
    package = tmp_path / "fwclient"
    package.mkdir()
    (package / "_abi.py").write_text('FUNCTIONS = {\n    "fw_version": (STR, []),\n}\n')
    (package / "api.py").write_text('"""Docs naming fw_version_number do not count."""\n'
                                    'x = lib.fw_version()\n')
    found, _ = check_coverage.problems(
        "const char *fw_version(void);\nuint32_t fw_version_number(void);\n", package)
    assert found == [
        "fw_version_number (in the header) is used by no module of fwclient/ but _abi.py",
        "fw_version_number (in the header) is not declared in _abi.py",
    ]
