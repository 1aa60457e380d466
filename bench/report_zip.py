"""The docs/benchmarks.md section of bench/zip_cron.sh: the first cron.php of a
freshly unpacked zip against the PDO floor of the same run."""

import json
import re
import sys

TARGET = 1.5


def section(data, machine):
    cron, floor = data["cron"], data["floor"]
    wall = cron["wall_s"]
    floor_s = floor["wall_ms"] / 1000.0
    ratio = wall / floor_s
    done = re.search(r"Done in (\d+) ms: (.*)$", cron["stdout"].strip().splitlines()[-1])
    inner = int(done.group(1)) / 1000.0 if done else float("nan")
    runs = ", ".join(f"{ms / 1000:.2f} s" for ms in floor["wall_ms_runs"])
    out = [
        "## The first `cron.php` of a freshly unpacked zip (400 presets)\n",
        f"Produced by `make bench` (`bench/zip_cron.sh`); machine: {machine}; PHP {data['php']}.\n",
        "- the release zip (`make dist`) unpacked into an empty WHMCS root, `bin/` read-only, "
        "PHP run as `nobody`, no `HOSTKEYRESELLERMOD_*` variables (the module's own limits), "
        "PHP's default `ffi.enable` (preload: the CLI uses FFI); the catalogue of `bench/catalogue.py` "
        "(seed 20261124) in the fake HOSTKEY API; `addon.activate` first (not timed: WHMCS needs it "
        "before any import), then the tree's first `php cron.php`, a fresh process that loads the "
        "engine itself: the shipped precompiled `.cwasm`, checked against its release digest, so "
        "nothing compiles (without it the first process of a tree compiles once, ~0.5-1 s, "
        "into templates_c; `tests/dist/unpacked.sh` shows both).",
        "- wall time: from starting `php cron.php` to its exit, measured outside the process "
        "(PHP start-up, the WHMCS boot, loading the engine, three HTTP calls, the import, commit).",
        f"- the floor: the {floor['rows_written']:,} rows that import left, as multi-row INSERTs "
        f"through PDO in one transaction into empty copies of the tables, 3 times ({runs}), the median; "
        "same run, right after the import. Compare the ratio, not the seconds: on a shared "
        "machine both move together.",
        "",
        "| what | wall time | ÷ floor |",
        "|---|---|---|",
        f"| first `cron.php` of the unpacked zip (process start to exit) | {wall:.2f} s | {ratio:.2f}x |",
        f"| the same, as `cron.php` reports it (the import alone) | {inner:.2f} s | {inner / floor_s:.2f}x |",
        f"| floor: same rows, multi-row INSERTs via PDO | {floor_s:.2f} s | 1x |",
        "",
        f"- target (issue 15): within {TARGET}x the floor: {ratio:.2f}x, "
        f"{'meets' if ratio <= TARGET else 'does not meet'}.",
        f"- `cron.php` said: {done.group(2) if done else cron['stdout'].strip()[-200:]}",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    import os
    print(section(json.load(open(sys.argv[1])), sys.argv[2] if len(sys.argv) > 2 else f"{os.cpu_count()} cores"))
