#!/usr/bin/env python3
"""Fails when the files of a crate's src/ folder use each other in a circle:
each file is a node, and an arrow A -> B is a path in A (`use` or written
inline, `crate::`, `super::`, `self::` or a child module's name) that names
B's module or something inside it. Tests (`tests*.rs`, `tests/`, `#[cfg(test)]
mod`) are no nodes: they may reach anywhere.
    python3 scripts/check-use-cycles.py host/src guest/src"""

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_of(src: Path, path: Path) -> tuple[str, ...]:
    parts = path.relative_to(src).with_suffix("").parts
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def is_test(src: Path, path: Path) -> bool:
    parts = path.relative_to(src).parts
    return any(p == "tests" or p.startswith("tests_") or p == "tests.rs" for p in parts)


def without_tests_and_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    out, at = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+" + IDENT + r"\s*\{", text):
        if m.start() < at:
            continue
        out.append(text[at : m.start()])
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        at = i
    out.append(text[at:])
    return "".join(out)


def use_paths(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e (`self` in a group is its prefix)."""
    tree = re.sub(r"\s+", "", tree)
    brace = tree.find("{")
    if brace < 0:
        return [re.sub(r"(::self)?(as" + IDENT + ")?$", "", tree)]
    prefix, inner, depth, items, start = tree[:brace], tree[brace + 1 : tree.rindex("}")], 0, [], 0
    for i, c in enumerate(inner):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    paths = []
    for item in filter(None, items):
        paths += [prefix.rstrip(":")] if item == "self" else use_paths(prefix + item)
    return paths


def absolute(module: tuple[str, ...], path: str, children: set[str]) -> tuple[str, ...] | None:
    segments = [s for s in path.split("::") if s]
    if not segments:
        return None
    if segments[0] == "crate":
        return tuple(segments[1:])
    base, i = list(module), 0
    if segments[0] in ("super", "self"):
        while i < len(segments) and segments[i] in ("super", "self"):
            if segments[i] == "super":
                base = base[:-1]
            i += 1
        return tuple(base + segments[i:])
    if segments[0] in children:
        return tuple(base + segments)
    return None


def reexports(module: tuple[str, ...], text: str, children: set[str]) -> dict[str, tuple[str, ...]]:
    """The names a file hands on (`pub use a::B` / `pub use a::C as D`), by the path they stand for."""
    names = {}
    for tree in re.findall(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
        for p in use_paths(tree):
            alias = re.search(r"as(" + IDENT + r")$", p)
            p = re.sub(r"as" + IDENT + "$", "", p)
            full = absolute(module, p, children)
            if full:
                names[alias.group(1) if alias else full[-1]] = full
    return names


def edges(src: Path) -> dict[str, set[str]]:
    every = sorted(src.rglob("*.rs"))
    texts = {p: p.read_text() for p in every}
    test_mods = set()
    for p, text in texts.items():
        for name in re.findall(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+(" + IDENT + r")\s*;", text):
            test_mods.add(module_of(src, p) + (name,))
    files = {
        module_of(src, p): p
        for p in every
        if not is_test(src, p) and not any(module_of(src, p)[: len(t)] == t for t in test_mods)
    }
    bodies, faces = {}, {}
    for module, path in files.items():
        bodies[module] = without_tests_and_comments(texts[path])
        children = {m[-1] for m in files if len(m) == len(module) + 1 and m[:-1] == module}
        faces[module] = (children, reexports(module, bodies[module], children))

    def resolve(full: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for _ in range(8):
            prefix = full
            while prefix is not None and prefix not in files:
                prefix = prefix[:-1] if prefix else None
            if prefix is None:
                return None
            rest = full[len(prefix):]
            handed = faces[prefix][1].get(rest[0]) if rest else None
            if handed is None or handed == full:
                return prefix
            full = handed + rest[1:]
        return prefix

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        text, children = bodies[module], faces[module][0]
        paths = [p for tree in re.findall(r"\buse\s+([^;]+);", text) for p in use_paths(tree)]
        paths += re.findall(r"\b((?:crate|super|self|" + IDENT + r")(?:::" + IDENT + r")+)", text)
        targets = set()
        for p in paths:
            target = resolve(absolute(module, re.sub(r"as" + IDENT + "$", "", p), children))
            if target is not None and target != module and target != ():
                targets.add(str(files[target].relative_to(src)))
        graph[str(path.relative_to(src))] = targets
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
        graph = edges(Path(name))
        found = cycle(graph)
        if found:
            print(f"{name}: the files use each other in a circle: {' -> '.join(found)}", file=sys.stderr)
            status = 1
        else:
            arrows = sum(len(t) for t in graph.values())
            print(f"{name}: no circle of use between its {len(graph)} files ({arrows} arrows)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["host/src"]))
