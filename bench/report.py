#!/usr/bin/env python3
"""Writes docs/benchmarks.md from the benchmark JSON files.

    report.py first_call.json transport.json [catalogue_import.json [engines.json]]
"""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def verdict(value, target, lower_is_better=True):
    ok = value <= target if lower_is_better else value >= target
    return "meets" if ok else "MISSES"


def previous_figures():
    """The `measured` column of the previous docs/benchmarks.md's transport
    table, by row name (HOSTKEY_BENCH_PREVIOUS names the file)."""
    path = os.environ.get("HOSTKEY_BENCH_PREVIOUS", "")
    figures, when = {}, "—"
    try:
        text = open(path).read()
    except OSError:
        return figures, when
    for line in text.splitlines():
        if line.startswith("- when: "):
            when = line[len("- when: "):].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and not cells[0].startswith("---"):
            figures[cells[0]] = cells[1]
    return figures, when


def main():
    first = json.load(open(sys.argv[1]))
    transport = json.load(open(sys.argv[2]))
    php = subprocess.run(["php", "-r", "echo PHP_VERSION;"], capture_output=True, text=True).stdout
    previous, previous_when = previous_figures()
    rows = [
        ("FFI, in-process, per call (median)", f"{transport['ffi_median_us']:.0f} µs",
         f"p90 {transport['ffi_p90_us']:.0f} µs over {transport['ffi_calls_timed']} calls", "≤ 100 µs",
         verdict(transport['ffi_median_us'], 100)),
        ("Process transport, one `hostkey-host` per call (median)", f"{transport['cli_process_per_call_median_ms']:.2f} ms",
         f"p90 {transport['cli_process_per_call_p90_ms']:.2f} ms over {transport['cli_process_per_call_calls']} calls, "
         f"from {transport.get('cli_php', 'PHP')}", "≤ 5 ms",
         verdict(transport['cli_process_per_call_median_ms'], 5)),
        ("Process transport kept open, per call (median)", f"{transport['cli_kept_open_median_us']:.0f} µs",
         "one process for 2,000 calls", "—", "—"),
        ("First call of a process, with the `.cwasm` cache (median)", f"{first['process_first_call_with_cache_ms']:.2f} ms",
         f"p90 {first['process_first_call_with_cache_p90_ms']:.2f} ms, {first['runs_with_cache']} runs: spawn + load + call + exit; "
         f"CPU time of the process {first['process_first_call_with_cache_cpu_ms']:.2f} ms (median)", "≤ 5 ms",
         verdict(first['process_first_call_with_cache_ms'], 5)),
        ("First call of the first process of a fresh tree", f"{first['process_first_call_fresh_tree_ms']:.2f} ms",
         "1 run: the `.wasm` read, the shipped `.cwasm` checked against its digest, stamped", "—", "—"),
        ("First call of a process, without the cache (median)", f"{first['process_first_call_without_cache_ms']:.1f} ms",
         f"{first['runs_without_cache']} runs: spawn + compile + call", "baseline", "—"),
        ("PHP RSS growth over 100,000 FFI calls", f"{transport['rss_growth_kb']} KB",
         f"{transport['rss_before_kb']} KB → {transport['rss_after_kb']} KB", "< 1024 KB",
         verdict(transport['rss_growth_kb'], 1023)),
    ]
    speedup = first['process_first_call_without_cache_ms'] / first['process_first_call_with_cache_ms']
    out = []
    out.append("# Benchmarks\n")
    out.append("Produced by `make bench` (`bench/run.sh`); numbers from one run, not from tests.\n")
    out.append(f"- when: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    out.append(f"- machine: {os.cpu_count()} cores, {cpu_model()}; PHP {php}")
    out.append(f"- the call: `provisioning.test-connection` of the probes component (`probe:db2`): "
               f"{transport['db_requests_per_call']:.0f} database round trips into PHP, no HTTP; PHP answers "
               "from memory so the figures are the bridge's own cost\n")
    out.append("## Transports and start-up\n")
    out.append("All from the release zip's files (`make dist`, unpacked): the stripped launcher and "
               "library of `bin/x86_64/`, the shipped component and its precompiled `.cwasm`.\n")
    out.append(f"| what | measured | detail | target | | previous run ({previous_when}) |")
    out.append("|---|---|---|---|---|---|")
    for name, value, detail, target, ok in rows:
        out.append(f"| {name} | {value} | {detail} | {target} | {ok} | {previous.get(name, '—')} |")
    out.append("")
    if "phase_total_ms" in first:
        out.append("### Where a process's call goes\n")
        out.append(f"Four programs started in turn from Python, {first['phases_rounds']} rounds, differences of medians "
                   "(bench/first_call.py):\n")
        out.append(f"- starting any process on this machine (`/bin/true`): {first['phase_process_ms']:.2f} ms;")
        out.append(f"- the launcher loading `libhostkey_host.so` (dynamic linking, relocations): "
                   f"+{first['phase_library_ms']:.2f} ms;")
        out.append(f"- the engine and the component from the `.cwasm` (its stamp, the mapping, wasmtime reading "
                   f"its metadata, linking the imports): +{first['phase_component_ms']:.2f} ms;")
        out.append(f"- one call (`provisioning.meta-data`: instantiate, call, answer, exit): "
                   f"+{first['phase_call_ms']:.2f} ms; {first['phase_total_ms']:.2f} ms in all.")
        out.append(f"- the process transport's figure above adds PHP's side, measured in {transport.get('cli_php', 'PHP')}: "
                   "`proc_open` (PHP forks itself, where Python uses vfork), the pipes, two database round trips "
                   "through PHP and the wait for the exit.\n")
    per_process_us = transport['cli_process_per_call_median_ms'] * 1000.0
    out.append("## Ratios (same run)\n")
    out.append(f"- the `.cwasm` cache makes a process's first call {speedup:.0f}x faster than compiling the `.wasm`;")
    out.append(f"- an FFI call costs 1/{per_process_us / transport['ffi_median_us']:.0f} of a process per call, "
               f"and 1/{transport['cli_kept_open_median_us'] / transport['ffi_median_us']:.1f} of a call to a process kept open;")
    out.append(f"- memory: {transport['rss_growth_kb'] * 1024 / transport['rss_calls']:.1f} bytes of RSS per FFI call "
               "(a bridge that converts its callback on every call grows ~700 bytes per call).")
    out.append("")
    if len(sys.argv) > 3:
        import report_import
        out.append(report_import.section(json.load(open(sys.argv[3])), f"{os.cpu_count()} cores, {cpu_model()}; PHP {php}"))
    if len(sys.argv) > 5:
        import report_zip
        out.append(report_zip.section(json.load(open(sys.argv[5])), f"{os.cpu_count()} cores, {cpu_model()}"))
    if len(sys.argv) > 4:
        import report_engines
        out.append(report_engines.section(json.load(open(sys.argv[4])), f"{os.cpu_count()} cores, {cpu_model()}"))
    print("\n".join(out))


if __name__ == "__main__":
    main()
