<?php

/**
 * One page of the unpacked zip, served by PHP-FPM (bench/fpm_page.sh):
 *   ?page=call   one engine call that needs neither the database nor HOSTKEY
 *                (provisioning.meta-data): the engine's own cost per call
 *   ?page=addon  the addon's admin page (the catalogue from the database; no
 *                HOSTKEY request)
 * Answers JSON: the time spent in the module's code (hrtime, in the page), the
 * CPU time of PHP and of the helper processes it waited for in that time
 * (getrusage), and the transport PHP chose.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;

require __DIR__ . '/whmcs-init.php';
require ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';

$page = (string) ($_GET['page'] ?? 'call');
$ok = false;
$bytes = 0;
$children = getrusage(1);
$self = getrusage();
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
/** CPU milliseconds (user + system) between two getrusage() answers. */
$cpu = static fn (array $a, array $b): float => (($b['ru_utime.tv_sec'] - $a['ru_utime.tv_sec']) * 1e6
    + ($b['ru_utime.tv_usec'] - $a['ru_utime.tv_usec']) + ($b['ru_stime.tv_sec'] - $a['ru_stime.tv_sec']) * 1e6
    + ($b['ru_stime.tv_usec'] - $a['ru_stime.tv_usec'])) / 1000;
$ffi = (string) ini_get('ffi.enable');
header('Content-Type: application/json');
echo json_encode([
    'ok' => $ok,
    'module_ms' => $ms,
    // The helper processes this request started and waited for (none under FFI).
    'helper_cpu_ms' => $cpu($children, getrusage(1)),
    'php_cpu_ms' => $cpu($self, getrusage()),
    'bytes' => $bytes,
    'sapi' => PHP_SAPI,
    'ffi_enable' => $ffi,
    'transport' => in_array(strtolower($ffi), ['1', 'true', 'on', 'yes'], true) ? 'ffi' : 'cli',
]);
