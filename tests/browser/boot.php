<?php

/**
 * What every PHP file of the browser harness starts with: Debian's Illuminate
 * and Smarty, the WHMCS shim on the private MariaDB (tests/php/servers.sh),
 * and the real module files.
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once '/usr/share/php/smarty3/Smarty.class.php';
require_once __DIR__ . '/../php/whmcs-shim.php';
require_once ROOTDIR . '/modules/addons/hostkeyresellermod/autoload.php';

$hkrmSocket = getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
if (!is_string($hkrmSocket) || $hkrmSocket === '') {
    fwrite(STDERR, "HOSTKEYRESELLERMOD_DB_SOCKET is not set: run tests/browser/run.sh\n");
    exit(2);
}
WhmcsShim::boot($hkrmSocket);

require_once ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';
require_once ROOTDIR . '/modules/servers/hostkeyresellermod/hostkeyresellermod.php';
require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
