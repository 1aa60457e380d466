#!/bin/bash
# The browser test: the private MariaDB and the fake HOSTKEY API
# (tests/php/servers.sh), the module set up by setup.php, `php -S` on
# 127.0.0.1 serving router.php, and headless Chromium over DevTools
# (test_client_area.py). Screenshots go to $HKRM_SCREENSHOT_DIR (default: a
# temp dir); `--update-docs` copies them to docs/screenshots/.
#   bash tests/browser/run.sh [--update-docs]
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
# Debian's python3 and its python3-websocket (not whatever python3 is first on PATH).
py=/usr/bin/python3
for tool in chromium php "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "tests/browser: $tool is missing; run scripts/install-deps.sh" >&2
        exit 1
    fi
done
if ! "$py" -c 'import websocket' 2>/dev/null; then
    echo "tests/browser: python3-websocket is missing; run scripts/install-deps.sh" >&2
    exit 1
fi

export HOSTKEYRESELLERMOD_RUN_DIR=${HOSTKEYRESELLERMOD_RUN_DIR:-$root/tests/.run/browser}
# shellcheck source=../php/servers.sh
. "$root/tests/php/servers.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hkrm-browser.XXXXXX")
web_pid=""
cleanup() {
    if [ -n "$web_pid" ] && kill -0 "$web_pid" 2>/dev/null; then
        kill "$web_pid" 2>/dev/null
        wait "$web_pid" 2>/dev/null
    fi
    stop_servers
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_servers || exit 1
use_built_host
if [ ! -x "${HOSTKEYRESELLERMOD_BIN_DIR:-}/hostkey-host" ]; then
    echo "tests/browser: the host is not built; run make build" >&2
    exit 1
fi
php -d ffi.enable=true tests/browser/setup.php > "$work/setup.json" || exit 1

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HKRM_BROWSER_POLL_MS=700 php -d ffi.enable=true -S "127.0.0.1:$port" tests/browser/router.php \
    >"$work/web.log" 2>&1 &
web_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    sleep 0.05
done

export HKRM_BROWSER_URL="http://127.0.0.1:$port"
export HKRM_BROWSER_SETUP="$work/setup.json"
export HKRM_SCREENSHOT_DIR=${HKRM_SCREENSHOT_DIR:-$work/screenshots}
mkdir -p "$HKRM_SCREENSHOT_DIR"
HOSTKEYRESELLERMOD_FAKE_API_PORT=$HOSTKEYRESELLERMOD_FAKE_API_PORT "$py" -m unittest discover -s tests/browser -p 'test_*.py' -v
status=$?
if [ "$status" -ne 0 ]; then
    echo "== php -S log" >&2
    tail -n 40 "$work/web.log" >&2
fi
if [ "$status" -eq 0 ] && [ "${1:-}" = "--update-docs" ]; then
    mkdir -p docs/screenshots
    cp "$HKRM_SCREENSHOT_DIR"/*.png docs/screenshots/
    echo "screenshots copied to docs/screenshots/"
fi
exit "$status"
