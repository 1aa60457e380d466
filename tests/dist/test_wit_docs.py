"""scripts/check-wit-docs.py counts every contract item, including enum cases
written on the declaration's line.

Run: python3 -m unittest discover -s tests/dist
"""

import pathlib
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check-wit-docs.py"


def check(*paths):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, paths)],
                          capture_output=True, text=True, check=False)


class WitDocsTest(unittest.TestCase):
    def lint(self, text):
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "case.wit"
            path.write_text(text, encoding="utf-8")
            return check(path)

    def test_the_shipped_contract_has_every_item_documented(self):
        run = check(*sorted((ROOT / "wit").glob("*.wit")))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("0 contract items without a doc comment", run.stdout)

    def test_cases_on_the_enum_line_count_as_undocumented(self):
        run = self.lint("/// Doc.\ninterface a {\n    /// Doc.\n    enum method { get, post }\n}\n")
        self.assertEqual(run.returncode, 1)
        self.assertIn("2 contract items without a doc comment", run.stdout)
        self.assertIn("case get", run.stderr)
        self.assertIn("case post", run.stderr)

    def test_cases_one_per_line_with_docs_pass(self):
        run = self.lint("/// Doc.\ninterface a {\n    /// Doc.\n    enum method {\n        /// G.\n        get,\n"
                        "        /// P.\n        post,\n    }\n}\n")
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_an_undocumented_case_on_its_own_line_is_found(self):
        run = self.lint("/// Doc.\ninterface a {\n    /// Doc.\n    enum method {\n        get,\n    }\n}\n")
        self.assertEqual(run.returncode, 1)
        self.assertIn("get,", run.stderr)
