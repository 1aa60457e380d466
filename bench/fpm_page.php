<?php

/**
 * One page of the unpacked zip, served by PHP-FPM (bench/fpm_page.sh):
 *   ?page=call   one engine call that needs neither the database nor HOSTKEY
 *                (provisioning.meta-data): the engine's own cost per call
 *   ?page=addon  the addon's admin page (the catalogue from the database; no
 *                HOSTKEY request)
 * Answers JSON: the time spent in the module's code (hrtime, in the page) and
 * the transport PHP chose, so the runner can tell FFI from the helper process.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;

require __DIR__ . '/whmcs-init.php';
require ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';

$page = (string) ($_GET['page'] ?? 'call');
$ok = false;
$bytes = 0;
$started = hrtime(true);
if ($page === 'addon') {
    ob_start();
    hostkeyresellermod_output(['modulelink' => 'addonmodules.php?module=hostkeyresellermod']);
    $html = (string) ob_get_clean();
    $bytes = strlen($html);
    $ok = $bytes > 1000 && !str_contains($html, 'alert-danger');
} else {
    $value = Components::bridge()->call('provisioning.meta-data');
    $ok = is_array($value) && isset($value['display-name']);
}
$ms = (hrtime(true) - $started) / 1e6;
$ffi = (string) ini_get('ffi.enable');
header('Content-Type: application/json');
echo json_encode([
    'ok' => $ok,
    'module_ms' => $ms,
    'bytes' => $bytes,
    'sapi' => PHP_SAPI,
    'ffi_enable' => $ffi,
    'transport' => in_array(strtolower($ffi), ['1', 'true', 'on', 'yes'], true) ? 'ffi' : 'cli',
]);
