<?php

/**
 * PSR-4 autoloader for the module's classes (no Composer in a WHMCS module).
 *
 * WHMCS\Module\Addon\HostkeyResellerMod\X\Y lives in lib/X/Y.php.
 */

declare(strict_types=1);

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Addon\\HostkeyResellerMod\\';
    if (strncasecmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    $file = __DIR__ . '/lib/' . str_replace('\\', '/', $relative) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});
