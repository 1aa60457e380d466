#!/usr/bin/env bash
# The catalogue import benchmark: a private MariaDB (own run dir, database
# whmcs_bench) and the fake HOSTKEY API loaded with a generated 400-preset
# catalogue; the real addon.import through the PHP bridge (FFI), three runs
# (first import, no-change re-sync, 5% of the presets repriced), each in a fresh
# PHP process; a fourth no-change re-sync with the bridge's default limits;
# then the floor: the same rows as multi-row INSERTs through PDO.
#   bash bench/catalogue_import.sh <output.json>
# Stops what it started and removes its run dir on exit. Not a test: it measures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:?usage: catalogue_import.sh <output.json>}

export HOSTKEYRESELLERMOD_BIN_DIR=${HOSTKEYRESELLERMOD_BIN_DIR:-$root/build/bin}
export HOSTKEYRESELLERMOD_TIMEOUT_MS=600000
export HOSTKEYRESELLERMOD_FUEL=500000000000
export HOSTKEYRESELLERMOD_MEMORY_MB=1024
export HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS=120000
export HOSTKEY_BENCH_DB=whmcs_bench
seed=20261124

run_dir=$(mktemp -d /tmp/hk-bench.XXXXXX)
export HOSTKEYRESELLERMOD_RUN_DIR=$run_dir
fake_pid=""
cleanup() {
    if [ -n "$fake_pid" ] && kill -0 "$fake_pid" 2>/dev/null; then
        kill "$fake_pid" 2>/dev/null || true
        wait "$fake_pid" 2>/dev/null || true
    fi
    bash "$root/tests/db/mariadb.sh" stop || true
    rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "   starting a private MariaDB in $run_dir" >&2
socket=$(bash tests/db/mariadb.sh start)
export HOSTKEYRESELLERMOD_DB_SOCKET=$socket
db() { mariadb --no-defaults --socket="$socket" --user=root "$@"; }
db -e "DROP DATABASE IF EXISTS $HOSTKEY_BENCH_DB; CREATE DATABASE $HOSTKEY_BENCH_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
db "$HOSTKEY_BENCH_DB" < tests/db/whmcs-schema.sql
db "$HOSTKEY_BENCH_DB" < tests/db/whmcs-seed.sql

python3 tests/fake_hostkey_api/server.py --port 0 --port-file "$run_dir/fake-api.port" 2>"$run_dir/fake-api.log" &
fake_pid=$!
for _ in $(seq 1 100); do
    [ -s "$run_dir/fake-api.port" ] && break
    sleep 0.1
done
[ -s "$run_dir/fake-api.port" ] || { echo "the fake HOSTKEY API did not start" >&2; cat "$run_dir/fake-api.log" >&2; exit 1; }
api="http://127.0.0.1:$(tr -d '[:space:]' < "$run_dir/fake-api.port")/"

load_catalogue() { # <catalogue.json>
    python3 -c 'import sys, urllib.request
req = urllib.request.Request(sys.argv[2] + "_control/catalogue", data=open(sys.argv[1], "rb").read(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=120).read()' "$1" "$api"
}
python3 bench/catalogue.py --seed "$seed" > "$run_dir/catalogue.json"
python3 bench/catalogue.py --seed "$seed" --reprice 0.05 > "$run_dir/catalogue-repriced.json"
load_catalogue "$run_dir/catalogue.json"

php_ffi() { php -d ffi.enable=true -d memory_limit=2048M bench/catalogue_import.php "$@"; }

php_ffi activate "$api" > "$run_dir/activate.json"
echo "   run 1: first import into empty catalogue tables" >&2
php_ffi import first > "$run_dir/first.json"
php bench/catalogue_import.php dump "$run_dir/rows.ser" > "$run_dir/dump.json"
echo "   run 2: no-change re-sync" >&2
php_ffi import nochange > "$run_dir/nochange.json"
echo "   run 3: re-sync with 5% of the presets repriced" >&2
load_catalogue "$run_dir/catalogue-repriced.json"
php_ffi import repriced > "$run_dir/repriced.json"
echo "   run 4: no-change re-sync again, with the bridge's default limits (no HOSTKEYRESELLERMOD_* limits)" >&2
env -u HOSTKEYRESELLERMOD_TIMEOUT_MS -u HOSTKEYRESELLERMOD_FUEL -u HOSTKEYRESELLERMOD_MEMORY_MB \
    -u HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS php -d ffi.enable=true -d memory_limit=2048M \
    bench/catalogue_import.php import default-limits > "$run_dir/default-limits.json"
echo "   floor: the first import's rows as multi-row INSERTs through PDO (3 times, median)" >&2
php -d memory_limit=2048M bench/catalogue_import.php floor "$run_dir/rows.ser" 3 > "$run_dir/floor.json"

python3 - "$run_dir" "$seed" > "$out" <<'EOF'
import json, sys
d, seed = sys.argv[1], int(sys.argv[2])
load = lambda name: json.load(open(f"{d}/{name}.json"))
cat = json.load(open(f"{d}/catalogue.json"))
repriced = json.load(open(f"{d}/catalogue-repriced.json"))["repriced"]
presets = cat["presets"]
json.dump({
    "catalogue": {
        "seed": seed, "presets": len(presets),
        "prefixes": {p: sum(1 for x in presets if x["name"].split(".")[0] == p) for p in ("vm", "vds", "bm", "gpu", "vgpu")},
        "locations": sorted(presets[0]["price"].keys()), "os": len(presets[0]["OS"]), "soft": len(presets[0]["soft"]),
        "traffic_per_location": len(next(iter(presets[0]["traffic_plans"].values()))),
        "with_usd": sum(1 for x in presets if "USD" in x["price"]["NL"]),
        "repriced": len(repriced), "json_bytes": len(json.dumps({"presets": presets}, separators=(",", ":"))),
    },
    "activate": load("activate"), "dump": load("dump"),
    "runs": [load("first"), load("nochange"), load("repriced")], "default_limits": load("default-limits"),
    "floor": load("floor"),
}, sys.stdout, indent=1)
EOF
echo "   catalogue import benchmark written to $out" >&2
