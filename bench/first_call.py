#!/usr/bin/env python3
"""First call of a fresh process, with and without the .cwasm cache.

Each run spawns `hostkey-host serve`, makes one call that needs no database
or HTTP (provisioning.meta-data) and exits. The bin dir's component, with its
shipped `.cwasm` and release digest, is copied to a temporary folder so the
runs do not disturb it. Prints JSON:
- a fresh tree: the first process after the copy (reads the `.wasm`, checks
  the `.cwasm` against its digest, and stamps the result);
- with the cache: later processes (the stamp stands for the check);
- without the cache: the `.cwasm` removed before each run (a compile);
- where a warm first call goes: four programs started in turn, 40 rounds
  (the machine's load is shared by all four): /bin/true (what starting any
  process costs here), the launcher loading its library (`hostkey-host`
  printing its usage), that plus the engine and the component (`serve` with
  no request), and the whole first call; each step is the difference of
  medians.
"""
import glob
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CPU = []  # CPU ms (user + system) of each process, in run order
CALL = b'{"call":"provisioning.meta-data","args":{}}\n'
STATUS = b'{"call":"@host.status","args":{}}\n'


def one_run(host, wasm, request=CALL):
    options = json.dumps({"component": wasm})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([host, "serve", "--options", options], input=request, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if not answers or any("value" not in a for a in answers):
        raise SystemExit(f"unexpected answer: {out.stdout!r} {out.stderr!r}")
    return elapsed * 1000.0, answers[0]["value"]


def timed(args, request=b""):
    """Wall ms of one run of args (its exit status is not the point: `--help` exits 1)."""
    started = time.perf_counter()
    subprocess.run(args, input=request, capture_output=True)
    return (time.perf_counter() - started) * 1000.0


def main():
    bin_dir = sys.argv[1]
    host = os.path.join(bin_dir, "hostkey-host")
    with tempfile.TemporaryDirectory() as tmp:
        wasm = os.path.join(tmp, "hostkey_guest.wasm")
        shutil.copy(os.path.join(bin_dir, "hostkey_guest.wasm"), wasm)
        for shipped in glob.glob(os.path.join(bin_dir, "hostkey_guest.*.cwasm*")):
            shutil.copy(shipped, tmp)
        # Past the stamp's settling time (host/src/engine.rs, SETTLED).
        time.sleep(1.2)
        # The status first (what loaded the component), then the call.
        fresh_ms, fresh = one_run(host, wasm, STATUS + CALL)
        if not fresh["loaded_from_cache"] or fresh["checked_by_stamp"]:
            raise SystemExit(f"the shipped .cwasm was not loaded by a full check: {fresh}")
        _, stamped = one_run(host, wasm, STATUS + CALL)
        if not stamped["checked_by_stamp"]:
            raise SystemExit(f"the stamp was not used: {stamped}")
        CPU.clear()
        warm = [one_run(host, wasm)[0] for _ in range(30)]
        warm_cpu = list(CPU)

        def clear_cache():
            for name in os.listdir(tmp):
                if ".cwasm" in name or name.endswith(".stamp"):
                    os.remove(os.path.join(tmp, name))

        phases = {"true": [], "library": [], "component": [], "call": []}
        options = json.dumps({"component": wasm})
        for _ in range(40):
            phases["true"].append(timed(["/bin/true"]))
            phases["library"].append(timed([host, "--help"]))
            phases["component"].append(timed([host, "serve", "--options", options]))
            phases["call"].append(timed([host, "serve", "--options", options], CALL))
        medians = {k: statistics.median(v) for k, v in phases.items()}

        cold = []
        for _ in range(5):
            clear_cache()
            cold.append(one_run(host, wasm)[0])
    print(json.dumps({
        "process_first_call_fresh_tree_ms": fresh_ms,
        "process_first_call_with_cache_ms": statistics.median(warm),
        "process_first_call_with_cache_p90_ms": sorted(warm)[int(0.9 * (len(warm) - 1))],
        "process_first_call_with_cache_cpu_ms": statistics.median(warm_cpu),
        "process_first_call_without_cache_ms": statistics.median(cold),
        "runs_without_cache": len(cold),
        "runs_with_cache": len(warm),
        "phases_rounds": 40,
        "phase_process_ms": medians["true"],
        "phase_library_ms": medians["library"] - medians["true"],
        "phase_component_ms": medians["component"] - medians["library"],
        "phase_call_ms": medians["call"] - medians["component"],
        "phase_total_ms": medians["call"],
    }))


if __name__ == "__main__":
    main()
