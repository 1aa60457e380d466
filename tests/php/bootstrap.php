<?php

/**
 * PHPUnit bootstrap: Debian's Illuminate and Smarty, the WHMCS shim on the
 * test MariaDB, the module's autoloader and the tests' own classes.
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once '/usr/share/php/smarty3/Smarty.class.php';
require_once __DIR__ . '/whmcs-shim.php';
require_once ROOTDIR . '/modules/addons/hostkeyresellermod/autoload.php';

spl_autoload_register(static function (string $class): void {
    $prefix = 'HostkeyResellerMod\\Tests\\';
    if (str_starts_with($class, $prefix)) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    }
});

$socket = getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
if (!is_string($socket) || $socket === '') {
    fwrite(STDERR, "HOSTKEYRESELLERMOD_DB_SOCKET is not set: run tests/run-php-tests.sh\n");
    exit(2);
}
WhmcsShim::boot($socket);
