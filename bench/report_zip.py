"""The docs/benchmarks.md section of bench/zip_cron.sh: the first cron.php of a
freshly unpacked zip against the PDO floor, as interleaved pairs, and pages of
that tree through PHP-FPM."""

import json
import re
import statistics
import sys

TARGET = 1.5
FPM_TARGET_MS = 5.0


def _done(cron):
    lines = cron["stdout"].strip().splitlines()
    return re.search(r"Done in (\d+) ms: (.*)$", lines[-1]) if lines else None


def _cpu(run):
    php, db = run.get("php_cpu_s"), run.get("db_cpu_s")
    if php is None or db is None:
        return "—"
    return f"{php:.2f} s / {db:.2f} s"


def _where(pairs):
    """Where the import's time beyond the floor goes, from the CPU seconds of
    the same pairs (medians): MariaDB's work against the PHP process's."""
    have = [p for p in pairs if all(p[k].get(f) is not None for k in ("cron", "floor") for f in ("php_cpu_s", "db_cpu_s"))]
    if not have:
        return []
    med = lambda f: statistics.median(f(p) for p in have)
    extra_wall = med(lambda p: p["cron"]["wall_s"] - p["floor"]["wall_ms"] / 1000.0)
    db_import, db_floor = med(lambda p: p["cron"]["db_cpu_s"]), med(lambda p: p["floor"]["db_cpu_s"])
    php_import, php_floor = med(lambda p: p["cron"]["php_cpu_s"]), med(lambda p: p["floor"]["php_cpu_s"])
    floor_wall = med(lambda p: p["floor"]["wall_ms"] / 1000.0)
    need = extra_wall - (TARGET - 1) * floor_wall
    return [
        f"- where the time beyond the floor goes (medians over the pairs; CPU seconds of the processes, user + "
        f"system, from getrusage and /proc): the import takes {extra_wall:.2f} s longer than its floor. MariaDB "
        f"works {db_import:.2f} s of CPU for the import against {db_floor:.2f} s for the floor (the same rows); "
        f"the PHP process, which holds the engine and the component (FFI), {php_import:.2f} s against "
        f"{php_floor:.2f} s for the floor's PHP building its INSERTs. The two run in turn (a statement, then its "
        "answer), so the difference is the PHP process's: WHMCS's boot, the three HTTP calls, the component "
        "parsing the catalogue and building 244,030 rows, their JSON to PHP and PHP binding them. "
        + (f"Reaching {TARGET}x would take {need:.2f} s less of it." if need > 0 else ""),
    ]


def section(data, machine):
    pairs = data["pairs"]
    rows, ratios = [], []
    for i, pair in enumerate(pairs, 1):
        cron, floor = pair["cron"], pair["floor"]
        if cron["status"] != 0:
            raise SystemExit(f"pair {i}: cron.php failed: {cron['stderr'][-400:]}")
        floor_s = floor["wall_ms"] / 1000.0
        ratio = cron["wall_s"] / floor_s
        ratios.append(ratio)
        done = _done(cron)
        inner = int(done.group(1)) / 1000.0 if done else float("nan")
        rows.append(f"| {i} | {cron['wall_s']:.2f} s | {inner:.2f} s | {_cpu(cron)} | {floor_s:.2f} s | {_cpu(floor)} "
                    f"| {ratio:.2f}x |")
    median = statistics.median(ratios)
    floor0 = pairs[0]["floor"]
    per_row_us = floor0["wall_ms"] * 1000.0 / max(1, floor0["rows_written"])
    done = _done(pairs[0]["cron"])
    out = [
        "## The first `cron.php` of a freshly unpacked zip (400 presets), paired with its floor\n",
        f"Produced by `make bench` (`bench/zip_cron.sh`); machine: {machine}; PHP {data['php']}.\n",
        "- each pair: a fresh WHMCS database (schema and seed), the release zip freshly unpacked into an "
        "empty WHMCS root, `bin/` read-only, PHP run as `nobody`, no `HOSTKEYRESELLERMOD_*` variables "
        "(the module's own limits), PHP's default `ffi.enable` (preload: the CLI uses FFI), the catalogue "
        "of `bench/catalogue.py` (seed 20261124) in the fake HOSTKEY API, `addon.activate` (not timed); "
        "then the tree's first `php cron.php`, timed from outside from process start to exit (PHP, the "
        "WHMCS boot, loading the engine from the shipped `.cwasm`, three HTTP calls, the import, commit); "
        "right after it, the floor.",
        f"- the floor: the {floor0['rows_written']:,} rows the first import left, written by PDO into empty "
        f"copies of the tables in one transaction, as multi-row INSERTs of {floor0.get('chunk_bytes', 0) // 1024:,} KB "
        f"at most with the values inline ({floor0['inserts_sent']} statements), timed from BEGIN to COMMIT: "
        f"{per_row_us:.1f} µs per row in pair 1.",
        f"- {len(pairs)} pairs, import then floor, interleaved so that each pair sees the same machine load; "
        "the ratio of each pair, then their median and spread.",
        "",
        "| pair | first `cron.php` (process start to exit) | the import as `cron.php` reports it "
        "| its CPU: PHP process / MariaDB | floor | its CPU: PHP / MariaDB | ÷ floor |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"- median ratio **{median:.2f}x** (spread {min(ratios):.2f}x to {max(ratios):.2f}x over {len(ratios)} pairs); "
        f"target (issue 23) ≤ {TARGET}x: {'meets' if median <= TARGET else 'MISSES'}.",
        *_where(pairs),
        f"- `cron.php` said (pair 1): {done.group(2) if done else pairs[0]['cron']['stdout'].strip()[-200:]}",
        "",
    ]
    fpm = data.get("fpm")
    if fpm:
        out += fpm_section(fpm)
    return "\n".join(out)


def fpm_section(fpm):
    def how(key):
        r = fpm[key]
        setting = f"`ffi.enable={r['ffi_enable'] or '(default: preload)'}`"
        if key.startswith("default"):
            return f"{setting} → the per-user helper"
        if key.startswith("process"):
            return f"{setting}, helper off → a process per request"
        return f"{setting} → {r['transport']}"

    def row(key, what):
        r = fpm[key]
        return (f"| {what} | {how(key)} | "
                f"{r['module_median_ms']:.2f} ms (p90 {r['module_p90_ms']:.2f}) | "
                f"{r['helper_cpu_median_ms']:.2f} ms | {r['php_cpu_median_ms']:.2f} ms | {r['wall_median_ms']:.2f} ms |")

    call = fpm["default_call"]["module_median_ms"]
    helpers = fpm.get("helpers_call", [])
    out = [
        "## Pages through PHP-FPM (Debian's php8.2-fpm)\n",
        "Produced by `make bench` (`bench/fpm_page.sh`, after the pairs above, on the last unpacked tree as "
        "`nobody`): three FPM masters of one worker each: PHP's default `ffi.enable` (preload: FFI is not "
        "allowed in a web request, so the module talks to its per-user engine helper, `hostkey-host helper`, "
        "started by the first request and kept between requests), the same with the helper off "
        "(`HOSTKEYRESELLERMOD_HELPER=off`: a host process per request, as before the helper), and "
        "`ffi.enable=true`; requests sent over FastCGI as a web server does (`bench/fcgi.py`), "
        f"{fpm['requests']} per pool and page, interleaved between the pools after 3 warm-up requests each; "
        "each answer is counted under the `ffi.enable` it reports (answers that came back under another "
        f"pool's setting: {fpm.get('crossed_call', 0)} of the calls, {fpm.get('crossed_addon', 0)} of the addon pages). "
        f"Helpers that served the calls: {len(helpers)}.",
        "- *in the module*: `hrtime` around the module's code in the page (what the engine and the bridge "
        "cost, plus PHP's own answers to the engine's database requests); *page*: the whole FastCGI request "
        "seen by the client (FPM, PHP start-up, the WHMCS boot of the test harness, the module); *CPU*: "
        "`getrusage` in the page around the module's code, for PHP itself and for the host processes it "
        "started and waited for (user + system); the helper is not PHP's child, so its CPU is read from "
        "`/proc` over the series and divided by its requests: what the call costs the machine, whatever else runs on it.",
        "- neither page sends anything to HOSTKEY: `provisioning.meta-data` is answered by the component "
        "alone, and the addon page reads the catalogue from the database; so the first rows are the engine's "
        "whole overhead per call, with no HOSTKEY time to subtract.",
        "",
        "| page | transport | in the module (median) | CPU of the host process | CPU of PHP | page (median) |",
        "|---|---|---|---|---|---|",
        row("default_call", "one engine call (`provisioning.meta-data`)"),
        row("process_call", "one engine call (`provisioning.meta-data`)"),
        row("ffi_call", "one engine call (`provisioning.meta-data`)"),
        row("default_addon", f"the addon's admin page ({fpm['default_addon']['bytes']:,} bytes of HTML)"),
        row("process_addon", "the addon's admin page"),
        row("ffi_addon", "the addon's admin page"),
        "",
        f"- target (issue 23): engine overhead per call under FPM's defaults ≤ {FPM_TARGET_MS:.0f} ms median: "
        f"{call:.2f} ms, {'meets' if call <= FPM_TARGET_MS else 'MISSES'} "
        f"(a process per request: {fpm['process_call']['module_median_ms']:.2f} ms; before the helper, 8.79 ms).",
        "",
    ]
    return out


if __name__ == "__main__":
    import os
    print(section(json.load(open(sys.argv[1])), sys.argv[2] if len(sys.argv) > 2 else f"{os.cpu_count()} cores"))
