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

require_once __DIR__ . '/../../addons/hostkeyresellermod/autoload.php';

function hostkeyresellermod_MetaData(): array
{
    try {
        return Components::server()->metaData();
    } catch (Throwable $e) {
        ErrorReport::sentence('MetaData', $e);
        return ServerModule::fallbackMetaData();
    }
}

function hostkeyresellermod_ConfigOptions(): array
{
    try {
        return Components::server()->configOptions();
    } catch (Throwable $e) {
        ErrorReport::sentence('ConfigOptions', $e);
        return [];
    }
}

function hostkeyresellermod_TestConnection(array $params): array
{
    try {
        return Components::server()->testConnection($params);
    } catch (Throwable $e) {
        return ['success' => false, 'error' => ErrorReport::sentence('TestConnection', $e)];
    }
}

/** create, suspend, ...: 'success' or the sentence WHMCS shows. */
function hostkeyresellermod_service_action(string $action, array $params): string
{
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
    try {
        return Components::server()->clientArea($params);
    } catch (Throwable $e) {
        return ClientAreaView::error(ErrorReport::sentence('ClientArea', $e));
    }
}
