#!/usr/bin/env python3
"""First call of a fresh process, with and without the .cwasm cache.

Each run spawns `hostkey-host serve`, makes one call that needs no database
or HTTP (provisioning.meta-data) and exits; the component is copied to a
temporary folder so the staged cache is not disturbed. Prints JSON.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CALL = b'{"call":"provisioning.meta-data","args":{}}\n'


def one_run(host, wasm):
    options = json.dumps({"component": wasm})
    started = time.perf_counter()
    out = subprocess.run([host, "serve", "--options", options], input=CALL, capture_output=True, check=True)
    elapsed = time.perf_counter() - started
    if b'"value"' not in out.stdout:
        raise SystemExit(f"unexpected answer: {out.stdout!r}")
    return elapsed * 1000.0


def main():
    bin_dir = sys.argv[1]
    host = os.path.join(bin_dir, "hostkey-host")
    with tempfile.TemporaryDirectory() as tmp:
        wasm = os.path.join(tmp, "hostkey_guest.wasm")
        shutil.copy(os.path.join(bin_dir, "hostkey_guest.wasm"), wasm)

        def clear_cache():
            for name in os.listdir(tmp):
                if name.endswith(".cwasm"):
                    os.remove(os.path.join(tmp, name))

        cold = []
        for _ in range(5):
            clear_cache()
            cold.append(one_run(host, wasm))
        one_run(host, wasm)  # leaves the cache in place
        warm = [one_run(host, wasm) for _ in range(30)]
    print(json.dumps({
        "process_first_call_without_cache_ms": statistics.median(cold),
        "process_first_call_with_cache_ms": statistics.median(warm),
        "runs_without_cache": len(cold),
        "runs_with_cache": len(warm),
    }))


if __name__ == "__main__":
    main()
