#!/usr/bin/env bash
# The status-sync scale benchmark (issue 25): for each N in HOSTKEY_BENCH_SCALE
# (default "1000 5000"), a fresh private MariaDB database and fake HOSTKEY API,
# N services linked to N servers, every API call answered after
# HOSTKEY_BENCH_DELAY_MS (default 150), then WHMCS's cron as it runs it (the
# daily job, then five-minute runs) until every server has been read; then the
# addon page's module time. Writes the "Status sync at scale" section of
# docs/benchmarks.md (the other sections are left as they are).
#   bash bench/scale.sh [output.json]
# Stops what it started and removes its run dir on exit. Not a test: it measures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-}
sizes=${HOSTKEY_BENCH_SCALE:-1000 5000}
delay=${HOSTKEY_BENCH_DELAY_MS:-150}
export HOSTKEYRESELLERMOD_BIN_DIR=${HOSTKEYRESELLERMOD_BIN_DIR:-$root/build/bin}

run_dir=$(mktemp -d /tmp/hk-scale.XXXXXX)
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

socket=$(bash tests/db/mariadb.sh start)
export HOSTKEYRESELLERMOD_DB_SOCKET=$socket
db() { mariadb --no-defaults --socket="$socket" --user=root "$@"; }

python3 tests/fake_hostkey_api/server.py --port 0 --port-file "$run_dir/fake-api.port" 2>"$run_dir/fake-api.log" &
fake_pid=$!
for _ in $(seq 1 100); do
    [ -s "$run_dir/fake-api.port" ] && break
    sleep 0.1
done
[ -s "$run_dir/fake-api.port" ] || { echo "the fake HOSTKEY API did not start" >&2; exit 1; }
HOSTKEYRESELLERMOD_FAKE_API_PORT=$(tr -d '[:space:]' < "$run_dir/fake-api.port")
export HOSTKEYRESELLERMOD_FAKE_API_PORT

php_ffi() { php -d ffi.enable=true -d memory_limit=1024M bench/scale.php "$@"; }
results=()
for n in $sizes; do
    echo "== $n linked services, every API call after $delay ms" >&2
    db -e "DROP DATABASE IF EXISTS whmcs; CREATE DATABASE whmcs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    db whmcs < tests/db/whmcs-schema.sql
    db whmcs < tests/db/whmcs-seed.sql
    curl -s -X POST -H 'Content-Type: application/json' -d '{}' \
        "http://127.0.0.1:$HOSTKEYRESELLERMOD_FAKE_API_PORT/_control/reset" >/dev/null
    php_ffi setup "$n" > "$run_dir/setup-$n.json"
    php_ffi cron "$delay" 288 > "$run_dir/cron-$n.json"
    php_ffi page 5 > "$run_dir/page-$n.json"
    results+=("$n")
done

python3 - "$run_dir" "${results[@]}" > "$run_dir/scale.json" <<'PY'
import json, sys
d, sizes = sys.argv[1], sys.argv[2:]
load = lambda name: json.load(open(f"{d}/{name}.json"))
json.dump([{"setup": load(f"setup-{n}"), "cron": load(f"cron-{n}"), "page": load(f"page-{n}")} for n in sizes],
          sys.stdout, indent=1)
PY
[ -z "$out" ] || cp "$run_dir/scale.json" "$out"
python3 bench/report_scale.py "$run_dir/scale.json" docs/benchmarks.md
echo "   the status-sync section of docs/benchmarks.md is written" >&2
