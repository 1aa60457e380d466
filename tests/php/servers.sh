# Sourced by tests/run-php-tests.sh and tests/demo/run.sh: the private MariaDB
# with a fresh `whmcs` database, and the fake HOSTKEY API.
#   start_servers   exports HOSTKEYRESELLERMOD_DB_SOCKET and HOSTKEYRESELLERMOD_FAKE_API_PORT
#   stop_servers    stops both (safe to call twice)
# Needs $root (the repository root). HOSTKEYRESELLERMOD_RUN_DIR moves the run folder
# (default tests/.run), so that two checkouts or runs do not share one server.

fake_api_pid=""

start_servers() {
    local run_dir=${HOSTKEYRESELLERMOD_RUN_DIR:-$root/tests/.run} socket port_file
    mkdir -p "$run_dir"
    socket=$(bash "$root/tests/db/mariadb.sh" start) || return 1
    mariadb --no-defaults --socket="$socket" --user=root -e \
        'DROP DATABASE IF EXISTS whmcs; CREATE DATABASE whmcs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' || return 1
    mariadb --no-defaults --socket="$socket" --user=root whmcs < "$root/tests/db/whmcs-schema.sql" || return 1
    mariadb --no-defaults --socket="$socket" --user=root whmcs < "$root/tests/db/whmcs-seed.sql" || return 1
    export HOSTKEYRESELLERMOD_DB_SOCKET=$socket

    port_file=$run_dir/fake-api.port
    rm -f "$port_file"
    if [ ! -f "$root/tests/fake_hostkey_api/server.py" ]; then
        echo "tests/fake_hostkey_api/server.py is missing: the tests need the fake HOSTKEY API" >&2
        return 1
    fi
    python3 "$root/tests/fake_hostkey_api/server.py" --port 0 --port-file "$port_file" 2>"$run_dir/fake-api.log" &
    fake_api_pid=$!
    for _ in $(seq 1 100); do
        [ -s "$port_file" ] && break
        sleep 0.1
    done
    if [ ! -s "$port_file" ]; then
        echo "the fake HOSTKEY API did not start; see $run_dir/fake-api.log" >&2
        return 1
    fi
    HOSTKEYRESELLERMOD_FAKE_API_PORT=$(tr -d '[:space:]' < "$port_file")
    export HOSTKEYRESELLERMOD_FAKE_API_PORT
}

stop_servers() {
    if [ -n "$fake_api_pid" ] && kill -0 "$fake_api_pid" 2>/dev/null; then
        kill "$fake_api_pid" 2>/dev/null
        wait "$fake_api_pid" 2>/dev/null
    fi
    fake_api_pid=""
    bash "$root/tests/db/mariadb.sh" stop
}

# The built host: HOSTKEYRESELLERMOD_BIN_DIR, or build/bin when it exists, and the
# probes component of the sandbox tests (HOSTKEY_PROBES_WASM).
use_built_host() {
    if [ -z "${HOSTKEYRESELLERMOD_BIN_DIR:-}" ] && [ -d "$root/build/bin" ]; then
        export HOSTKEYRESELLERMOD_BIN_DIR=$root/build/bin
    fi
    if [ -z "${HOSTKEY_PROBES_WASM:-}" ] && [ -f "$root/build/hostkey_guest_probes.wasm" ]; then
        export HOSTKEY_PROBES_WASM=$root/build/hostkey_guest_probes.wasm
    fi
}
