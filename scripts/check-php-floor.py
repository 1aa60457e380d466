#!/usr/bin/env python3
"""Refuses PHP syntax and functions newer than the module's floor (PHP 8.1).

The tests run on Debian's PHP 8.2, so `php -l` alone would let 8.2+ syntax
through; WHMCS 8.8-8.10 run PHP 8.1. This lists what PHP 8.2, 8.3 and 8.4
added to the language and refuses it in the shipped tree. Comments and
strings are blanked first so prose does not trip it.
"""

import re
import sys
from pathlib import Path

TYPE = r"[\\\w]+"
NEWER = [
    (r"\breadonly\s+(?:final\s+|abstract\s+)?class\b", "readonly classes (8.2)"),
    (r"\b(?:final\s+|abstract\s+)readonly\s+class\b", "readonly classes (8.2)"),
    (rf"\(\s*{TYPE}\s*&\s*{TYPE}(?:\s*&\s*{TYPE})*\s*\)\s*\|", "DNF types (8.2)"),
    (rf"\|\s*\(\s*{TYPE}\s*&", "DNF types (8.2)"),
    (r"\bfunction\b[^{;]*?\)\s*:\s*\??(?:true|false|null)\s*[{;]", "true/false/null as a standalone return type (8.2)"),
    (r"[(,]\s*(?:true|false|null)\s+\$\w+", "true/false/null as a standalone parameter type (8.2)"),
    (r"\bconst\s+(?:int|string|float|bool|array|mixed|iterable|object|self|static|\?\w+)\s+[A-Z_][A-Z0-9_]*\s*=", "typed class constants (8.3)"),
    (r"::\{\s*\$", "dynamic class constant fetch (8.3)"),
    (r"\bnew\s+[\\\w]+\([^()]*\)\s*->", "new without parentheses chained (8.4)"),
    (r"\b(?:public|protected|private)\s*\(\s*set\s*\)", "asymmetric visibility (8.4)"),
    (r"\{\s*get\s*(?:=>|\{)", "property hooks (8.4)"),
    (r"\b(?:json_validate|mb_str_pad|str_increment|str_decrement|array_find|array_find_key|array_any|array_all|mb_trim|mb_ltrim|mb_rtrim|mb_ucfirst|mb_lcfirst|ini_parse_quantity|memory_reset_peak_usage|mysqli_execute_query|curl_upkeep|openssl_cipher_key_length|libxml_get_external_entity_loader|sodium_crypto_stream_xchacha20_xor_ic)\s*\(", "a function newer than PHP 8.1"),
]
PATTERNS = [(re.compile(p), why) for p, why in NEWER]


def code_only(text: str) -> str:
    """Blanks comments and string literals, keeping line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i) or c == "#" and not text.startswith("#[", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main(roots: list[str]) -> int:
    found = 0
    files = sorted(p for r in roots for p in Path(r).rglob("*.php"))
    for path in files:
        code = code_only(path.read_text(encoding="utf-8"))
        for pattern, why in PATTERNS:
            for match in pattern.finditer(code):
                line = code.count("\n", 0, match.start()) + 1
                print(f"{path}:{line}: {why} is above the PHP 8.1 floor")
                found += 1
    print(f"{len(files)} PHP files checked against the 8.1 floor: {found} newer constructs")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["php"]))
