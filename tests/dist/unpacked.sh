#!/usr/bin/env bash
# The release zip as an admin installs it: unpacked into an empty WHMCS root,
# files owned by the uploader (here root), bin/ read-only, and every request
# made as an unprivileged user (nobody) in its own PHP process: activation,
# TestConnection, the import through cron.php, the System check. The host logs
# its own counters per call (HOSTKEYRESELLERMOD_HOST_STATUS_LOG);
# check_unpacked.py reads them: no call after the first pays a compile.
#
# Two installs, each with a fresh temp dir:
#   shipped  the zip as built, process transport: the shipped .cwasm (release
#            digest) serves every call, nothing compiles;
#   tampered one byte of the shipped .cwasm flipped, FFI transport: refused,
#            compiled once into templates_c/hostkeyresellermod-<uid>/ (sealed
#            with the keyed digest), every later call loads that.
# Needs root (to act as nobody), the zip (make dist), MariaDB and PHP.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(bash scripts/version.sh)
zip=$root/build/hostkeyresellermod-$version.zip
[ -f "$zip" ] || { echo "$zip is missing: run make dist" >&2; exit 1; }

work=$(mktemp -d /tmp/hkrm-unpacked.XXXXXX)
chmod 755 "$work"
export HOSTKEYRESELLERMOD_RUN_DIR=$work/run
# shellcheck source=../php/servers.sh
. "$root/tests/php/servers.sh"
cleanup() { stop_servers; rm -rf "$work"; }
trap cleanup EXIT
start_servers >/dev/null
chmod 755 "$HOSTKEYRESELLERMOD_RUN_DIR"

if [ "$(id -u)" = 0 ]; then
    as_php=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    php_user=nobody
else
    as_php=()
    php_user=$(id -un)
fi

# The harness (WHMCS shim, init file, request script) is copied out of the
# checkout: PHP's user may not be able to enter it (a clone under /root).
harness=$work/harness
mkdir -p "$harness/dist" "$harness/php"
cp "$root/tests/dist/whmcs-init.php" "$root/tests/dist/unpacked-call.php" "$harness/dist/"
cp -r "$root/tests/php/whmcs-shim.php" "$root/tests/php/Shim" "$harness/php/"
chmod -R a+rX "$harness"

run_install() {
    local name=$1 transport=$2 whmcs=$work/$1 tmp=$work/$1-tmp log=$work/$1-status.log
    mkdir -p "$whmcs" "$tmp"
    (cd "$whmcs" && unzip -q "$zip")
    local bin=$whmcs/modules/addons/hostkeyresellermod/bin
    if [ "$name" = tampered ]; then
        python3 - "$bin" <<'PY'
import pathlib, sys
cwasm = next(pathlib.Path(sys.argv[1]).glob("hostkey_guest.*.cwasm"))
data = bytearray(cwasm.read_bytes())
data[len(data) // 2] ^= 0x40
cwasm.write_bytes(bytes(data))
PY
    fi
    # The uploader's files: readable by all, bin/ writable by nobody.
    chmod -R a+rX,go-w "$whmcs"
    chmod -R a-w "$bin"
    # WHMCS's templates_c belongs to PHP's user.
    mkdir -p "$whmcs/templates_c"
    chown "$php_user" "$whmcs/templates_c" "$tmp" "$work"
    local db=(mariadb --no-defaults --socket="$HOSTKEYRESELLERMOD_DB_SOCKET" --user=root)
    "${db[@]}" -e 'DROP DATABASE whmcs; CREATE DATABASE whmcs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
    "${db[@]}" whmcs < "$root/tests/db/whmcs-schema.sql"
    "${db[@]}" whmcs < "$root/tests/db/whmcs-seed.sql"
    local -a env=(env -i PATH=/usr/bin:/bin TMPDIR="$tmp"
        HOSTKEYRESELLERMOD_UNPACKED="$whmcs"
        HOSTKEYRESELLERMOD_DB_SOCKET="$HOSTKEYRESELLERMOD_DB_SOCKET"
        HOSTKEYRESELLERMOD_FAKE_API_PORT="$HOSTKEYRESELLERMOD_FAKE_API_PORT"
        HOSTKEYRESELLERMOD_TRANSPORT="$transport"
        HOSTKEYRESELLERMOD_HOST_STATUS_LOG="$log"
        WHMCS_INIT="$harness/dist/whmcs-init.php")
    local php=(php -d ffi.enable=true)
    touch "$log" && chown "$php_user" "$log"
    echo "== $name ($transport transport, as $php_user)"
    for step in activate test-connection; do
        "${as_php[@]}" "${env[@]}" "${php[@]}" "$harness/dist/unpacked-call.php" "$step" \
            > "$work/$name-$step.json"
    done
    "${as_php[@]}" "${env[@]}" "${php[@]}" "$whmcs/modules/addons/hostkeyresellermod/cron.php" \
        > "$work/$name-cron.out"
    "${as_php[@]}" "${env[@]}" "${php[@]}" "$harness/dist/unpacked-call.php" system-check \
        > "$work/$name-system-check.json"
    python3 "$root/tests/dist/check_unpacked.py" "$name" "$work" "$whmcs" "$tmp" "$php_user"
}

run_install shipped cli
run_install tampered ffi
echo "unpacked zip: ok"
