<?php

/**
 * WHMCS addon module `hostkeyresellermod`: settings, activation, admin page.
 *
 * Each function builds the module object, calls it, and turns any failure
 * into one logged sentence. Business rules live in the component.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\AddonModule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\Download;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// Each function answers with the floor's sentence on an older PHP (floor.php).
require_once __DIR__ . '/floor.php';
require_once __DIR__ . '/autoload.php';

function hostkeyresellermod_config(): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        $module = hostkeyresellermod_floor_module();
        return ['name' => $module['display_name'], 'description' => $floor, 'version' => '0', 'fields' => []];
    }
    try {
        return Components::addon()->config();
    } catch (Throwable $e) {
        return AddonModule::unavailableConfig(ErrorReport::sentence('config', $e));
    }
}

function hostkeyresellermod_activate(): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return ['status' => 'error', 'description' => $floor];
    }
    try {
        return Components::addon()->activate();
    } catch (Throwable $e) {
        return ['status' => 'error', 'description' => ErrorReport::sentence('activate', $e)];
    }
}

function hostkeyresellermod_deactivate(): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return ['status' => 'error', 'description' => $floor];
    }
    try {
        return Components::addon()->deactivate();
    } catch (Throwable $e) {
        return ['status' => 'error', 'description' => ErrorReport::sentence('deactivate', $e)];
    }
}

function hostkeyresellermod_upgrade(array $vars): void
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return;
    }
    try {
        Components::addon()->upgrade($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('upgrade', $e);
    }
}

function hostkeyresellermod_output(array $vars): void
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        echo '<div class="alert alert-danger">' . htmlspecialchars($floor, ENT_QUOTES, 'UTF-8') . '</div>';
        return;
    }
    try {
        $addon = Components::addon();
        $method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
        if (($file = $addon->download($method, $_POST, CsrfGuard::fromWhmcs())) !== null) {
            Download::send($file);
        }
        echo $addon->output($vars, $method, $_POST, CsrfGuard::fromWhmcs());
    } catch (Throwable $e) {
        echo '<div class="alert alert-danger">'
            . htmlspecialchars(ErrorReport::sentence('output', $e), ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8')
            . '</div>';
    }
}

function hostkeyresellermod_sidebar(array $vars): string
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return '';
    }
    try {
        return Components::addon()->sidebar($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('sidebar', $e);
        return '';
    }
}
