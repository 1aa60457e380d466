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
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/autoload.php';

function hostkeyresellermod_config(): array
{
    try {
        return Components::addon()->config();
    } catch (Throwable $e) {
        return AddonModule::unavailableConfig(ErrorReport::sentence('config', $e));
    }
}

function hostkeyresellermod_activate(): array
{
    try {
        return Components::addon()->activate();
    } catch (Throwable $e) {
        return ['status' => 'error', 'description' => ErrorReport::sentence('activate', $e)];
    }
}

function hostkeyresellermod_deactivate(): array
{
    try {
        return Components::addon()->deactivate();
    } catch (Throwable $e) {
        return ['status' => 'error', 'description' => ErrorReport::sentence('deactivate', $e)];
    }
}

function hostkeyresellermod_upgrade(array $vars): void
{
    try {
        Components::addon()->upgrade($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('upgrade', $e);
    }
}

function hostkeyresellermod_output(array $vars): void
{
    try {
        echo Components::addon()->output($vars, $_SERVER['REQUEST_METHOD'] ?? 'GET', $_POST, CsrfGuard::fromWhmcs());
    } catch (Throwable $e) {
        echo '<div class="alert alert-danger">'
            . htmlspecialchars(ErrorReport::sentence('output', $e), ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8')
            . '</div>';
    }
}

function hostkeyresellermod_sidebar(array $vars): string
{
    try {
        return Components::addon()->sidebar($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('sidebar', $e);
        return '';
    }
}
