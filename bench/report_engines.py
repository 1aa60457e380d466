"""The engines section of docs/benchmarks.md (bench/engines.py's JSON)."""
import json


def section(results, machine):
    case_steps = {}
    for r in results:
        with open(f"tests/component-cases/{r['case']}.json") as f:
            case_steps[r["case"]] = " → ".join(step["call"] for step in json.load(f)["steps"])
    node = results[0]["jco"].get("node", "?")
    out = [
        "## Two engines, one component (wasmtime and jco)",
        "",
        f"Produced by `make bench` (`bench/engines.py`); machine: {machine}; Node {node}. "
        "The same shared case file, on the same `build/bin/hostkey_guest.wasm`, with "
        "in-memory fakes of the same semantics (no PHP, no MariaDB): the Rust host's under wasmtime, "
        "`hosts/node`'s under jco. A run is the whole case: a fresh database, every step a fresh instance. "
        "For information only; no test asserts these.",
        "",
        "| case (steps) | wasmtime median | jco / Node median | jco ÷ wasmtime | runs |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        w, j = r["wasmtime"], r["jco"]
        out.append(
            f"| `{r['case']}` ({case_steps[r['case']]}) | {w['median_ms']:.1f} ms | {j['median_ms']:.1f} ms "
            f"| {j['median_ms'] / w['median_ms']:.1f}x | {w['runs']} |"
        )
    out.append("")
    return "\n".join(out)
