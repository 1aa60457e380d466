#!/usr/bin/env bash
# The PHP floor's check (docs/decisions.md, "PHP floor"): the files WHMCS loads
# on its own parse under PHP 7.4 (written to 7.2's rules), and below the floor
# the hooks add nothing and every entry point answers with the one sentence.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
old_php=$(bash tests/php-floor/old-php.sh) || exit 1

# What WHMCS (or the admin's cron) loads by itself, and what those load before the floor check.
guarded=(php/includes/hooks/hostkeyresellermod.php
         php/modules/addons/hostkeyresellermod/hostkeyresellermod.php
         php/modules/addons/hostkeyresellermod/cron.php
         php/modules/addons/hostkeyresellermod/floor.php
         php/modules/addons/hostkeyresellermod/autoload.php
         php/modules/gateways/callback/hostkeyresellermod.php
         php/modules/servers/hostkeyresellermod/hostkeyresellermod.php
         tests/php-floor/below-floor.php)
status=0
for file in "${guarded[@]}"; do
    $old_php -l "$file" >/dev/null || status=1
done
$old_php tests/php-floor/below-floor.php php modules || status=1
$old_php tests/php-floor/below-floor.php php callback || status=1

expected="hostkeyresellermod needs PHP 8.1 or newer; this server runs $($old_php -r 'echo PHP_VERSION;')."
answer=$($old_php php/modules/addons/hostkeyresellermod/cron.php 2>&1 >/dev/null)
cron_status=$?
if [ "$cron_status" -ne 1 ] || [ "$answer" != "$expected" ]; then
    echo "FAIL: cron.php under PHP 7.4 exited $cron_status with: $answer" >&2
    status=1
else
    echo "below the floor (cron.php): 2 passed, 0 failed"
fi
exit $status
