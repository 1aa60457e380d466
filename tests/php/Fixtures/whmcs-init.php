<?php

/**
 * A stand-in for WHMCS's init.php, for cron.php in tests (WHMCS_INIT points
 * here): the WHMCS shim on the test MariaDB (HOSTKEYRESELLERMOD_DB_SOCKET).
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once __DIR__ . '/../whmcs-shim.php';

$socket = getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
if (!is_string($socket) || $socket === '') {
    fwrite(STDERR, "HOSTKEYRESELLERMOD_DB_SOCKET is not set\n");
    exit(2);
}
WhmcsShim::boot($socket);
