<?php

/**
 * WHMCS's init.php for the unpacked zip (HOSTKEYRESELLERMOD_UNPACKED names its
 * root): the shim on the test MariaDB, ROOTDIR and templates_c as
 * configuration.php sets them. cron.php loads this through WHMCS_INIT.
 */

declare(strict_types=1);

$root = (string) getenv('HOSTKEYRESELLERMOD_UNPACKED');
if ($root === '' || !is_dir($root . '/modules/addons/hostkeyresellermod')) {
    fwrite(STDERR, "HOSTKEYRESELLERMOD_UNPACKED does not name an unpacked zip\n");
    exit(2);
}
define('ROOTDIR', $root);
$GLOBALS['templates_compiledir'] = $root . '/templates_c';
require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once __DIR__ . '/../php/whmcs-shim.php';
WhmcsShim::boot((string) getenv('HOSTKEYRESELLERMOD_DB_SOCKET'));
