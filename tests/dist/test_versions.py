"""One version everywhere in the source: Cargo's workspace version is the WIT
package's version and what the docs name. (The zip's whmcs.json: test_zip; the
addon's `_config` answer: tests/php/EndToEndTest.)

Run: python3 -m unittest discover -s tests/dist
"""

import pathlib
import re
import tomllib
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = re.compile(r"^package hostkey:reseller@([^;\s]+);", re.MULTILINE)


def workspace_version():
    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["workspace"]["package"]["version"]


class VersionTest(unittest.TestCase):
    def test_every_wit_package_carries_the_workspace_version(self):
        version = workspace_version()
        files = sorted((ROOT / "wit").glob("*.wit"))
        self.assertTrue(files)
        for path in files:
            found = PACKAGE.findall(path.read_text(encoding="utf-8"))
            self.assertEqual([version], found, path.name)

    def test_the_docs_name_the_wit_package_by_the_workspace_version(self):
        version = workspace_version()
        for doc in ("README.md", "docs/architecture.md"):
            named = re.findall(r"hostkey:reseller@([0-9.]+)", (ROOT / doc).read_text(encoding="utf-8"))
            self.assertEqual([version], named, doc)

    def test_the_addon_config_reports_the_cargo_package_version(self):
        source = (ROOT / "guest/src/addon/mod.rs").read_text(encoding="utf-8")
        self.assertIn('pub const VERSION: &str = env!("CARGO_PKG_VERSION");', source)
        guest = tomllib.loads((ROOT / "guest/Cargo.toml").read_text(encoding="utf-8"))
        self.assertEqual({"workspace": True}, guest["package"]["version"])
