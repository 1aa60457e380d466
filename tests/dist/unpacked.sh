#!/usr/bin/env bash
# The release zip as an admin installs it: unpacked into an empty WHMCS root,
# files owned by the uploader (here root), bin/ read-only, and every request
# made as an unprivileged user (nobody) in its own PHP process: activation,
# TestConnection, the import through cron.php, the System check. The host logs
# its own counters per call (HOSTKEYRESELLERMOD_HOST_STATUS_LOG);
# check_unpacked.py reads them: no call after the first pays a compile.
#
# Installs, each with a fresh temp dir:
#   shipped  the zip as built, process transport: the shipped .cwasm (release
#            digest) serves every call, nothing compiles;
#   tampered one byte of the shipped .cwasm flipped, FFI transport: refused,
#            compiled once into templates_c/hostkeyresellermod-<uid>/ (sealed
#            with the keyed digest), every later call loads that;
#   execbit  the launcher uploaded without its exec bit (mode 0644): every
#            call runs from a copy checked against its release digest in
#            templates_c/hostkeyresellermod-<uid>/engine-*/;
#   nouname  php_uname in disable_functions: the module works as shipped;
#   basedir  open_basedir of the WHMCS root and the harness only, no WHMCS
#            folder writable: the module works and PHP logs no warning;
#   noprocopen proc_open in disable_functions and FFI off: activation says
#            what to change where, the addon page still shows the System
#            check with the proc_open row failing and its fix;
#   noexec   the WHMCS root and the temp dir on a tmpfs mounted noexec (as
#            root; a private mount namespace): one sentence naming the mount;
#   noexec-copy the WHMCS root mounted noexec, the temp dir not: the calls
#            run from a checked copy in the temp dir;
#   noexec-ffi the same with the FFI transport: PHP loads the copy's library.
# Needs root (to act as nobody and to mount), the zip (make dist), MariaDB and PHP.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(bash scripts/version.sh)
zip=$root/build/hostkeyresellermod-$version.zip
[ -f "$zip" ] || { echo "$zip is missing: run make dist" >&2; exit 1; }

inner=${1:-}
if [ "$inner" = --noexec-inner ]; then
    # Run again inside a private mount namespace by the outer run (below),
    # which owns the work dir and the servers.
    work=$HKRM_UNPACKED_WORK
else
    work=$(mktemp -d /tmp/hkrm-unpacked.XXXXXX)
    chmod 755 "$work"
    export HOSTKEYRESELLERMOD_RUN_DIR=$work/run
    # shellcheck source=../php/servers.sh
    . "$root/tests/php/servers.sh"
    cleanup() { stop_servers; rm -rf "$work"; }
    trap cleanup EXIT
    start_servers >/dev/null
    chmod 755 "$HOSTKEYRESELLERMOD_RUN_DIR"
fi
noexec=$work/noexec

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
if [ "$inner" != --noexec-inner ]; then
    mkdir -p "$harness/dist" "$harness/php"
    cp "$root/tests/dist/whmcs-init.php" "$root/tests/dist/unpacked-call.php" "$harness/dist/"
    cp -r "$root/tests/php/whmcs-shim.php" "$root/tests/php/Shim" "$harness/php/"
    chmod -R a+rX "$harness"
fi

run_install() {
    local name=$1 transport=$2
    shift 2
    local -a php_args=("$@")
    local place=$work tmp=$work/$name-tmp
    case $name in
        noexec) place=$noexec; tmp=$noexec/$name-tmp ;;
        noexec-copy | noexec-ffi) place=$noexec ;;
    esac
    local whmcs=$place/$name log=$work/$name-status.log
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
    # What an FTP upload in the default mode leaves: no exec bit.
    [ "$name" = execbit ] && chmod 644 "$bin/x86_64/hostkey-host"
    chmod -R a-w "$bin"
    # WHMCS's templates_c belongs to PHP's user (but for basedir).
    mkdir -p "$whmcs/templates_c"
    [ "$name" = basedir ] || chown "$php_user" "$whmcs/templates_c"
    chown "$php_user" "$tmp" "$work"
    if [ "$name" = basedir ]; then
        php_args+=(-d "open_basedir=$whmcs:$harness:/usr/share/php" -d log_errors=1
            -d "error_log=$work/$name-php-errors.log" -d display_errors=0 -d error_reporting=-1)
    fi
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
    local php=(php -d ffi.enable=true "${php_args[@]}")
    touch "$log" && chown "$php_user" "$log"
    echo "== $name ($transport transport, as $php_user${php_args[*]:+, ${php_args[*]}})"
    local -a steps=(activate test-connection)
    case $name in noprocopen | noexec) steps=(activate) ;; esac
    for step in "${steps[@]}"; do
        "${as_php[@]}" "${env[@]}" "${php[@]}" "$harness/dist/unpacked-call.php" "$step" \
            > "$work/$name-$step.json"
    done
    case $name in
        noprocopen | noexec)
            "${as_php[@]}" "${env[@]}" "${php[@]}" "$harness/dist/unpacked-call.php" output \
                > "$work/$name-output.json" ;;
        *)
            "${as_php[@]}" "${env[@]}" "${php[@]}" "$whmcs/modules/addons/hostkeyresellermod/cron.php" \
                > "$work/$name-cron.out" ;;
    esac
    "${as_php[@]}" "${env[@]}" "${php[@]}" "$harness/dist/unpacked-call.php" system-check \
        > "$work/$name-system-check.json"
    python3 "$root/tests/dist/check_unpacked.py" "$name" "$work" "$whmcs" "$tmp" "$php_user"
}

if [ "$inner" = --noexec-inner ]; then
    # In a private mount namespace (below): the tmpfs vanishes with it.
    mount -t tmpfs -o noexec,nosuid,nodev,mode=755,size=512m hkrm-noexec "$noexec"
    run_install noexec cli
    run_install noexec-copy cli
    run_install noexec-ffi ffi
    exit 0
fi

run_install shipped cli
run_install tampered ffi
run_install execbit cli
run_install nouname cli -d disable_functions=php_uname
run_install basedir cli
run_install noprocopen cli -d ffi.enable=false -d disable_functions=proc_open
if [ "$(id -u)" = 0 ] && unshare --mount --propagation private true 2>/dev/null; then
    mkdir -p "$noexec"
    HKRM_UNPACKED_WORK=$work unshare --mount --propagation private bash "$0" --noexec-inner
else
    echo "== noexec: not simulated (needs root and mount namespaces); NativeFilesTest covers the sentence"
fi
echo "unpacked zip: ok"
