#!/bin/bash
# The PHP tests: lint (php -l, phpcs PSR-12), then PHPUnit against a private
# MariaDB (fresh `whmcs` database from tests/db/*.sql), the fake HOSTKEY API,
# and the built host (HOSTKEYRESELLERMOD_BIN_DIR, default build/bin).
#   bash tests/run-php-tests.sh [phpunit arguments, e.g. --filter EndToEnd]
# Exits with PHPUnit's status (or the lint's, when PHPUnit passed).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
# shellcheck source=php/servers.sh
. "$root/tests/php/servers.sh"
trap stop_servers EXIT
trap 'exit 130' INT TERM

lint_status=0
echo "== php -l"
while IFS= read -r -d '' file; do
    if ! out=$(php -l "$file" 2>&1); then
        echo "$out"
        lint_status=1
    fi
done < <(find php tests/php tests/demo tests/browser -name '*.php' -print0)
echo "== phpcs --standard=PSR12 (tests/php/phpcs.xml)"
if ! phpcs -q --standard=tests/php/phpcs.xml; then
    lint_status=1
fi

start_servers || exit 1
use_built_host
echo "== phpunit (db: $HOSTKEYRESELLERMOD_DB_SOCKET," \
    "fake API port: ${HOSTKEYRESELLERMOD_FAKE_API_PORT:-none}, host: ${HOSTKEYRESELLERMOD_BIN_DIR:-none})"
php -d ffi.enable=true /usr/bin/phpunit -c phpunit.xml "$@"
phpunit_status=$?

if [ "$phpunit_status" -ne 0 ]; then
    exit "$phpunit_status"
fi
if [ "$lint_status" -ne 0 ]; then
    echo "lint failed" >&2
fi
exit "$lint_status"
