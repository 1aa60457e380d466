"""scripts/check-php-floor.py finds what PHP 8.2+ added and leaves 8.1 code alone."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check-php-floor.py"

NEWER = {
    "readonly class A {}": "readonly classes",
    "function f(): false { return false; }": "standalone return type",
    "function g(null $x) {}": "standalone parameter type",
    "function h(): (A&B)|null { return null; }": "DNF types",
    "class C { const string X = 'a'; }": "typed class constants",
    "$v = C::{$name};": "dynamic class constant fetch",
    "$x = new Foo()->bar();": "new without parentheses",
    "json_validate('{}');": "a function newer than PHP 8.1",
}

FLOOR = """<?php
declare(strict_types=1);
final class D
{
    public function __construct(public readonly int $id, private array $list = new \\ArrayObject()) {}
    public function e(): ?int { return $this->id > 0 ? $this->id : null; }
    public function n(): never { throw new \\RuntimeException('readonly class X'); }
}
enum Kind: string { case A = 'a'; }
$d = (new D(1))->e(); // function x(): null {
"""


def check(source: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "x.php").write_text(source)
        return subprocess.run([sys.executable, CHECK, tmp], capture_output=True, text=True)


class FloorSyntaxTest(unittest.TestCase):
    def test_each_newer_construct_is_refused(self):
        for line, why in NEWER.items():
            with self.subTest(line=line):
                run = check("<?php\n" + line + "\n")
                self.assertEqual(run.returncode, 1, run.stdout)
                self.assertIn(why, run.stdout)
                self.assertIn("x.php:2:", run.stdout)

    def test_php_81_code_comments_and_strings_pass(self):
        run = check(FLOOR)
        self.assertEqual(run.returncode, 0, run.stdout)

    def test_the_shipped_tree_is_within_the_floor(self):
        run = subprocess.run([sys.executable, CHECK, ROOT / "php"], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout)
        self.assertRegex(run.stdout, r"[1-9]\d* PHP files checked")


if __name__ == "__main__":
    unittest.main()
