#!/usr/bin/env python3
"""The checks of tools/ on texts that break their rules: each must fail on
them (a check that passes everything checks nothing). Run by
`make doc-facts`.

    python3 tools/test_checks.py
"""

import importlib.util
import sys
import unittest
from pathlib import Path

TOOLS = Path(__file__).resolve().parent


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


facts = load("check-doc-facts")
conventions = load("check-abi-conventions")


class DocFacts(unittest.TestCase):
    def test_the_whole_lookup_order_passes_wrapped_and_quoted(self):
        text = ("/// Finds it: explicit token > `$FW_AUTH_TOKEN` > `$CAVE_TOKEN` >\n"
                "/// `$FW_AUTH_TOKEN_FILE` > `$CAVE_TOKEN_FILE` > token file > the\n"
                "/// layout's files > the other layout's default file.\n")
        self.assertEqual(facts.check_text("a.rs", text), ([], {"lookup": 1, "secrets": 0}))

    def test_a_lookup_order_missing_a_variable_fails(self):
        text = "// explicit token > $FW_AUTH_TOKEN > token file (and key) > the layout's files\n"
        problems, _ = facts.check_text("a.go", text)
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("a.go:1: the lookup order"))

    def test_a_secrets_directory_without_cloud_volume_dir_fails(self):
        text = "--secrets-dir DIR (default `$FW_SECRETS_DIR`, else `~/.cloudvolume/secrets`)\n"
        problems, _ = facts.check_text("README.md", text)
        self.assertEqual(len(problems), 1)

    def test_the_whole_secrets_directory_passes_across_a_rust_string(self):
        text = ('        "the secrets directory (default $FW_SECRETS_DIR, else \\\n'
                '         $CLOUD_VOLUME_DIR/secrets, else ~/.cloudvolume/secrets)",\n')
        self.assertEqual(facts.check_text("cli.rs", text)[0], [])


class AbiConventions(unittest.TestCase):
    def test_a_conforming_header_passes(self):
        header = ("fw_result fw_auth_token(const fw_auth *auth, char **out_token, fw_error **err);\n"
                  "void fw_auth_free(fw_auth *auth);\n")
        self.assertEqual(conventions.problems(header), ([], 2))

    def test_an_out_parameter_without_out_fails(self):
        header = "fw_result fw_auth_layout(const fw_auth *auth, fw_layout *layout, fw_error **err);\n"
        problems, _ = conventions.problems(header)
        self.assertEqual(problems, ["fw_auth_layout: `fw_layout *layout` is an out-parameter; "
                                    "name it out_layout"])

    def test_a_shared_handle_taken_mutable_fails(self):
        header = "fw_result fw_auth_set_token(fw_auth *auth, const char *token, fw_error **err);\n"
        problems, _ = conventions.problems(header)
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("fw_auth_set_token: `fw_auth *auth` shares"))
        self.assertIn("take it `const fw_auth *`", problems[0])


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=0).result
    sys.exit(0 if result.wasSuccessful() else 1)
