<?php

/**
 * WHMCS server (provisioning) module `hostkeyresellermod`.
 *
 * Each function builds the module object, calls it, and turns any failure
 * into one logged sentence. Business rules live in the component. Only what
 * works is defined: WHMCS offers a function (a button, a tab) because it exists.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\ClientAreaView;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ServerModule;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// Each function answers with the floor's sentence on an older PHP (floor.php).
require_once __DIR__ . '/../../addons/hostkeyresellermod/floor.php';
require_once __DIR__ . '/../../addons/hostkeyresellermod/autoload.php';

function hostkeyresellermod_MetaData(): array
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return ['DisplayName' => 'HOSTKEY Reseller', 'APIVersion' => '1.1', 'RequiresServer' => false];
    }
    try {
        return Components::server()->metaData();
    } catch (Throwable $e) {
        ErrorReport::sentence('MetaData', $e);
        return ServerModule::fallbackMetaData();
    }
}

function hostkeyresellermod_ConfigOptions(): array
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return [];
    }
    try {
        return Components::server()->configOptions();
    } catch (Throwable $e) {
        ErrorReport::sentence('ConfigOptions', $e);
        return [];
    }
}

function hostkeyresellermod_TestConnection(array $params): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return ['success' => false, 'error' => $floor];
    }
    try {
        return Components::server()->testConnection($params);
    } catch (Throwable $e) {
        return ['success' => false, 'error' => ErrorReport::sentence('TestConnection', $e)];
    }
}

/** create, suspend, ...: 'success' or the sentence WHMCS shows. */
function hostkeyresellermod_service_action(string $action, array $params): string
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return $floor;
    }
    try {
        return Components::server()->serviceAction($action, $params);
    } catch (Throwable $e) {
        return ErrorReport::sentence($action, $e);
    }
}

function hostkeyresellermod_CreateAccount(array $params): string
{
    return hostkeyresellermod_service_action('create', $params);
}

function hostkeyresellermod_ClientArea(array $params): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        $vars = ['status' => '', 'panelUrl' => '', 'fields' => [], 'errorMessage' => $floor];
        return ['templatefile' => 'templates/error', 'vars' => $vars];
    }
    try {
        return Components::server()->clientArea($params);
    } catch (Throwable $e) {
        return ClientAreaView::error(ErrorReport::sentence('ClientArea', $e));
    }
}
