#!/usr/bin/env python3
"""Fails when an item of the contract has no `///` doc comment: every
interface, world, type, record field, enum and variant case and function.
    python3 scripts/check-wit-docs.py wit/*.wit"""

import re
import sys

ITEM = re.compile(
    r"^\s*(interface|world|record|enum|variant|flags|resource|type)\s+[%a-z]"
    r"|^\s*[%a-z][a-z0-9-]*\s*:\s*(func\b|[a-z%<(])"
    r"|^\s*[%a-z][a-z0-9-]*(\([^)]*\))?\s*,\s*$"
)
SKIP = re.compile(r"^\s*(package|use|import|export|include)\b|^\s*}|^\s*$|^\s*//")
# Cases written on the declaration's own line (`enum method { get, post }`) cannot
# carry a `///` each, so every one of them counts as undocumented.
ONE_LINE_CASES = re.compile(r"^\s*(?:enum|variant|flags)\s+[%a-z][a-z0-9-]*\s*\{([^}]*)\}")


def missing(path: str) -> list[str]:
    out = []
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if SKIP.match(line) or not ITEM.match(line):
            continue
        inline = ONE_LINE_CASES.match(line)
        if inline:
            for case in filter(None, (c.strip() for c in inline.group(1).split(","))):
                out.append(f"{path}:{i + 1}: case {case} (one case per line, each with ///)")
        j = i - 1
        while j >= 0 and lines[j].strip().startswith("///") is False and lines[j].strip().startswith("@"):
            j -= 1
        if j < 0 or not lines[j].strip().startswith("///"):
            out.append(f"{path}:{i + 1}: {line.strip()}")
    return out


def main(paths: list[str]) -> int:
    gaps = [gap for path in paths for gap in missing(path)]
    for gap in gaps:
        print(f"no /// doc: {gap}", file=sys.stderr)
    print(f"{len(gaps)} contract items without a doc comment")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
