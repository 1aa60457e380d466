#!/bin/bash
# The module in a local sandbox: a private MariaDB with a WHMCS schema, the
# fake HOSTKEY API, the real module files and the built host.
#   bash tests/demo/run.sh        (make demo builds the host first)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
# shellcheck source=../php/servers.sh
. "$root/tests/php/servers.sh"
trap stop_servers EXIT
trap 'exit 130' INT TERM

echo "Starting MariaDB and the fake HOSTKEY API..."
start_servers >/dev/null || exit 1
use_built_host
php -d ffi.enable=true tests/demo/demo.php
