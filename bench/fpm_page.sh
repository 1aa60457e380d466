#!/usr/bin/env bash
# Pages of an unpacked zip through PHP-FPM (Debian's php8.2-fpm), as a web
# server asks for them (FastCGI on a unix socket, bench/fcgi.py): three FPM
# masters with one worker each: PHP's default ffi.enable (preload: a web
# request cannot use FFI, so the module talks to its per-user engine helper,
# `hostkey-host helper`), the same with the helper switched off
# (HOSTKEYRESELLERMOD_HELPER=off: a host process per request, as before the
# helper), and ffi.enable=true. Called by bench/zip_cron.sh with its tree and servers:
#   bash bench/fpm_page.sh <harness dir> <whmcs root> <tmp dir> <output.json> [requests]
# Not a test: it measures.
set -euo pipefail
harness=${1:?harness dir}
whmcs=${2:?whmcs root}
tmp=${3:?tmp dir}
out=${4:?output.json}
requests=${5:-40}
root=$(cd "$(dirname "$0")/.." && pwd)
fpm=$(command -v php-fpm8.2 || command -v php-fpm || ls /usr/sbin/php-fpm8.2 2>/dev/null || true)
[ -n "$fpm" ] || { echo "php-fpm is missing: run scripts/install-deps.sh (php8.2-fpm)" >&2; exit 1; }

run=$(mktemp -d /tmp/hk-fpm.XXXXXX)
chmod 755 "$run"
cp "$root/bench/fpm_page.php" "$harness/dist/"
chmod a+r "$harness/dist/fpm_page.php"
user_lines=""
if [ "$(id -u)" = 0 ]; then
    user_lines=$'user = nobody\ngroup = nogroup'
fi
pool() {
    local name=$1 extra=$2
    cat <<CONF
[$name]
$user_lines
listen = $run/$name.sock
listen.mode = 0666
pm = static
pm.max_children = 1
clear_env = yes
env[PATH] = /usr/bin:/bin
env[TMPDIR] = $tmp
env[HOSTKEYRESELLERMOD_UNPACKED] = $whmcs
env[HOSTKEYRESELLERMOD_DB_SOCKET] = $HOSTKEYRESELLERMOD_DB_SOCKET
env[HOSTKEYRESELLERMOD_FAKE_API_PORT] = $HOSTKEYRESELLERMOD_FAKE_API_PORT
env[WHMCS_INIT] = $harness/dist/whmcs-init.php
php_admin_value[error_log] = $run/$name-php.log
php_admin_flag[log_errors] = on
$extra
CONF
}
# One FPM master per pool: two pools of one master share its OPcache memory,
# and answers were seen with the other pool's ffi.enable.
pids=()
# Every master is ended, also after one that failed to start (set -e does not stop the loop).
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$run"; }
trap cleanup EXIT
for name in default process ffi; do
    extra=""
    [ "$name" = ffi ] && extra="php_admin_value[ffi.enable] = true"
    [ "$name" = process ] && extra='env[HOSTKEYRESELLERMOD_HELPER] = "off"'
    {
        printf '[global]\npid = %s/%s.pid\nerror_log = %s/%s-fpm.log\ndaemonize = no\n' "$run" "$name" "$run" "$name"
        pool "$name" "$extra"
    } > "$run/$name.conf"
    "$fpm" --fpm-config "$run/$name.conf" --nodaemonize &
    pids+=($!)
done
ready() { [ -S "$run/default.sock" ] && [ -S "$run/process.sock" ] && [ -S "$run/ffi.sock" ]; }
for _ in $(seq 1 100); do
    ready && break
    sleep 0.1
done
ready || { cat "$run"/*-fpm.log >&2; exit 1; }

python3 - "$run" "$harness/dist/fpm_page.php" "$requests" "$root/bench" "$whmcs" > "$out" <<'PY'
import json, os, statistics, sys, time
run, script, n, bench, whmcs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sys.path.insert(0, bench)
import fcgi

def one(pool, page):
    started = time.perf_counter()
    raw, err = fcgi.request(f"{run}/{pool}.sock", script, f"page={page}")
    wall = (time.perf_counter() - started) * 1000.0
    try:
        answer = json.loads(fcgi.body_of(raw))
    except ValueError:
        raise SystemExit(f"{pool} {page}: not JSON: {raw[-400:]!r} {err[-400:]!r}")
    if not answer.get("ok"):
        raise SystemExit(f"{pool} {page}: the page failed: {answer} {err[-400:]!r}")
    # Grouped by the settings the answer reports, not by the socket asked:
    # answers under the other pool's ffi.enable were seen, and are counted.
    answer["asked"] = pool
    answer["wall_ms"] = wall
    return answer

POOLS = ("default", "process", "ffi")

def helpers():
    """The engine helpers of this tree: pid -> CPU seconds so far (user + system)."""
    found = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if len(argv) > 2 and argv[1] == b"helper" and whmcs.encode() in b" ".join(argv):
            found[int(pid)] = (int(stat[11]) + int(stat[12])) / tick
    return found

result = {"requests": n}
for pool in POOLS:
    for page in ("call", "addon"):
        for _ in range(3):
            one(pool, page)  # warm: opcache, the worker's FFI runtime, the helper

def pool_of(answer):
    return "ffi" if answer["transport"] == "ffi" else answer["asked"] if answer["asked"] != "ffi" else "default"

# Interleaved, so that the pools see the same machine load.
for page in ("call", "addon"):
    runs = {pool: [] for pool in POOLS}
    before = helpers()
    for _ in range(n):
        for pool in POOLS:
            answer = one(pool, page)
            runs[pool_of(answer)].append(answer)
    after = helpers()
    # The helper is not PHP's child, so getrusage cannot see it: its CPU over
    # the series, from /proc, divided by the default pool's requests.
    helper_cpu_ms = sum(after[p] - before.get(p, 0.0) for p in after) * 1000.0 / max(1, len(runs["default"]))
    result[f"helpers_{page}"] = sorted(after)
    result[f"crossed_{page}"] = sum(1 for answers in runs.values() for a in answers
                                    if a["asked"] != pool_of(a))
    for pool, answers in runs.items():
        if not answers:
            raise SystemExit(f"{page}: no answer under the {pool} settings")
        module = [a["module_ms"] for a in answers]
        helper = [a["helper_cpu_ms"] for a in answers]
        if pool == "default":
            helper = [helper_cpu_ms]
        php_cpu = [a["php_cpu_ms"] for a in answers]
        wall = [a["wall_ms"] for a in answers]
        result[f"{pool}_{page}"] = {
            "transport": answers[0]["transport"],
            "ffi_enable": answers[0]["ffi_enable"],
            "sapi": answers[0]["sapi"],
            "module_median_ms": statistics.median(module),
            "module_p90_ms": sorted(module)[int(0.9 * (len(module) - 1))],
            "wall_median_ms": statistics.median(wall),
            "helper_cpu_median_ms": statistics.median(helper),
            "php_cpu_median_ms": statistics.median(php_cpu),
            "bytes": answers[0]["bytes"],
            "answers": len(answers),
        }
json.dump(result, sys.stdout, indent=1)
PY
