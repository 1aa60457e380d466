#!/usr/bin/env python3
"""Times the shared import cases (tests/component-cases/) under wasmtime
(host/examples/time_case.rs) and under jco in Node (hosts/node/bench/time-case.js)
in one run, and prints the results as JSON. For information: nothing asserts them.

    python3 bench/engines.py [runs] > engines.json
"""
import json
import subprocess
import sys

CASES = ["catalogue-preview-then-import", "catalogue-resync-no-change"]


def run(cmd, cwd="."):
    return json.loads(subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout)


def main():
    runs = sys.argv[1] if len(sys.argv) > 1 else "30"
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "hostkey-host", "--example", "time_case"], check=True)
    subprocess.run(["node", "src/transpile.js"], cwd="hosts/node", check=True, capture_output=True)
    results = []
    for case in CASES:
        path = f"tests/component-cases/{case}.json"
        wasmtime = run(["cargo", "run", "--release", "-q", "-p", "hostkey-host", "--example", "time_case", "--", path, runs])
        jco = run(["node", "bench/time-case.js", f"../../{path}", runs], cwd="hosts/node")
        results.append({"case": case, "wasmtime": wasmtime, "jco": jco})
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
