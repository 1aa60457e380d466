#!/usr/bin/env bash
# What an admin gets: the release zip freshly unpacked (bin/ read-only, PHP as
# nobody, no HOSTKEYRESELLERMOD_* limits, PHP's own ffi.enable default), the
# 400-preset catalogue of bench/catalogue.py in the fake HOSTKEY API, activation,
# then the first `php cron.php` of that tree, timed from outside (process start
# to exit: PHP, the WHMCS boot, loading the engine, the import). Then the floor
# of bench/catalogue_import.php (the same rows as multi-row INSERTs via PDO in
# one transaction); import and floor as interleaved pairs (HOSTKEY_BENCH_PAIRS,
# 5), each import in a fresh database and a freshly unpacked tree. Then pages
# of the last tree through PHP-FPM (bench/fpm_page.sh). Needs `make dist`.
#   bash bench/zip_cron.sh <output.json>
# Not a test: it measures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:?usage: zip_cron.sh <output.json>}
seed=20261124
version=$(bash scripts/version.sh)
zip=$root/build/hostkeyresellermod-$version.zip
[ -f "$zip" ] || { echo "$zip is missing: run make dist" >&2; exit 1; }

work=$(mktemp -d /tmp/hk-zip-bench.XXXXXX)
chmod 755 "$work"
export HOSTKEYRESELLERMOD_RUN_DIR=$work/run
# shellcheck source=../tests/php/servers.sh
. "$root/tests/php/servers.sh"
cleanup() { stop_servers; rm -rf "$work"; }
trap cleanup EXIT
start_servers >/dev/null
chmod 755 "$HOSTKEYRESELLERMOD_RUN_DIR"
api="http://127.0.0.1:$HOSTKEYRESELLERMOD_FAKE_API_PORT/"
python3 bench/catalogue.py --seed "$seed" > "$work/catalogue.json"
python3 -c 'import sys, urllib.request
req = urllib.request.Request(sys.argv[2] + "_control/catalogue", data=open(sys.argv[1], "rb").read(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=120).read()' "$work/catalogue.json" "$api"

# The harness (WHMCS shim, init file, request script) is copied out of the
# checkout: PHP's user may not be able to enter it (a clone under /root).
harness=$work/harness
mkdir -p "$harness/dist" "$harness/php"
cp "$root/tests/dist/whmcs-init.php" "$root/tests/dist/unpacked-call.php" "$harness/dist/"
cp -r "$root/tests/php/whmcs-shim.php" "$root/tests/php/Shim" "$harness/php/"
chmod -R a+rX "$harness"

whmcs=$work/whmcs
mkdir -p "$work/tmp"
as_php=()
if [ "$(id -u)" = 0 ]; then
    as_php=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    chown nobody "$work/tmp"
fi
env=(env -i PATH=/usr/bin:/bin TMPDIR="$work/tmp" HOSTKEYRESELLERMOD_UNPACKED="$whmcs"
    HOSTKEYRESELLERMOD_DB_SOCKET="$HOSTKEYRESELLERMOD_DB_SOCKET"
    HOSTKEYRESELLERMOD_FAKE_API_PORT="$HOSTKEYRESELLERMOD_FAKE_API_PORT"
    WHMCS_INIT="$harness/dist/whmcs-init.php")
db() { mariadb --no-defaults --socket="$HOSTKEYRESELLERMOD_DB_SOCKET" --user=root "$@"; }

# A fresh WHMCS (schema and seed) and a freshly unpacked zip, activated.
fresh_tree() {
    db -e 'DROP DATABASE IF EXISTS whmcs; CREATE DATABASE whmcs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
    db whmcs < "$root/tests/db/whmcs-schema.sql"
    db whmcs < "$root/tests/db/whmcs-seed.sql"
    rm -rf "$whmcs"
    mkdir -p "$whmcs"
    (cd "$whmcs" && unzip -q "$zip")
    chmod -R a+rX,go-w "$whmcs"
    chmod -R a-w "$whmcs/modules/addons/hostkeyresellermod/bin"
    mkdir -p "$whmcs/templates_c"
    [ ${#as_php[@]} -eq 0 ] || chown nobody "$whmcs/templates_c"
    "${as_php[@]}" "${env[@]}" php "$harness/dist/unpacked-call.php" activate > "$work/activate.json"
}

# Import and floor as interleaved pairs: each pair sees the same machine load,
# so their ratio means more than either time.
pairs=${HOSTKEY_BENCH_PAIRS:-5}
export HOSTKEY_BENCH_DB=whmcs
for i in $(seq 1 "$pairs"); do
    fresh_tree
    echo "   pair $i/$pairs: the first cron.php of the unpacked zip, then the floor" >&2
    # CPU seconds: the cron's processes (PHP with the engine in it: FFI) from
    # getrusage, MariaDB's from /proc/<pid>/stat around the run.
    python3 - "$work/cron-$i.json" "$HOSTKEYRESELLERMOD_RUN_DIR/mysqld.pid" "${as_php[@]}" "${env[@]}" \
        php "$whmcs/modules/addons/hostkeyresellermod/cron.php" <<'PY'
import json, os, resource, subprocess, sys, time
def db_cpu():
    pid = open(sys.argv[2]).read().strip()
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
def own_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
db0, cpu0 = db_cpu(), own_cpu()
start = time.perf_counter()
run = subprocess.run(sys.argv[3:], capture_output=True, text=True)
wall = time.perf_counter() - start
json.dump({"wall_s": wall, "status": run.returncode, "stdout": run.stdout, "stderr": run.stderr,
           "php_cpu_s": own_cpu() - cpu0, "db_cpu_s": db_cpu() - db0},
          open(sys.argv[1], "w"))
PY
    if [ "$i" = 1 ]; then
        php bench/catalogue_import.php dump "$work/rows.ser" > "$work/dump.json"
    fi
    HOSTKEY_BENCH_DB_PID_FILE="$HOSTKEYRESELLERMOD_RUN_DIR/mysqld.pid" \
        php -d memory_limit=2048M bench/catalogue_import.php floor "$work/rows.ser" 1 > "$work/floor-$i.json"
done

echo "   pages through PHP-FPM (default ffi.enable and ffi.enable=true)" >&2
bash bench/fpm_page.sh "$harness" "$whmcs" "$work/tmp" "$work/fpm.json"

php_version=$(php -r 'echo PHP_VERSION;')
python3 - "$work" "$php_version" "$pairs" > "$out" <<'PY'
import json, sys
d, pairs = sys.argv[1], int(sys.argv[3])
load = lambda name: json.load(open(f"{d}/{name}.json"))
json.dump({"php": sys.argv[2], "activate": load("activate"),
           "pairs": [{"cron": load(f"cron-{i}"), "floor": load(f"floor-{i}")} for i in range(1, pairs + 1)],
           "dump": load("dump"), "fpm": load("fpm"),
           "presets": len(load("catalogue")["presets"])}, sys.stdout, indent=1)
PY
echo "   written to $out" >&2
