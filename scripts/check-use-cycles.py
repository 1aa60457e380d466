#!/usr/bin/env python3
"""Fails when the files of a crate's src/ folder `use` each other in a circle
(host/src: the interface files, the backends and the state must stay layered).
    python3 scripts/check-use-cycles.py host/src [more src dirs]"""

import re
import sys
from pathlib import Path


def edges(src: Path) -> dict[str, set[str]]:
    modules = {p.stem for p in src.glob("*.rs")} | {p.name for p in src.iterdir() if p.is_dir()}
    graph: dict[str, set[str]] = {}
    for path in sorted(src.glob("*.rs")):
        text = path.read_text()
        used = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text))
        graph[path.stem] = {m for m in used if m in modules and m != path.stem}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main(dirs: list[str]) -> int:
    status = 0
    for name in dirs:
        found = cycle(edges(Path(name)))
        if found:
            print(f"{name}: the files use each other in a circle: {' -> '.join(found)}", file=sys.stderr)
            status = 1
        else:
            print(f"{name}: no circle of use between its files")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["host/src"]))
