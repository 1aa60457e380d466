<?php

/**
 * WHMCS server (provisioning) module `hostkeyresellermod`.
 *
 * Each function builds the module object, calls it, and turns any failure
 * into one logged sentence. Business rules live in the component.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\ClientAreaView;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\CustomActions;
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

function hostkeyresellermod_SuspendAccount(array $params): string
{
    return hostkeyresellermod_service_action('suspend', $params);
}

function hostkeyresellermod_UnsuspendAccount(array $params): string
{
    return hostkeyresellermod_service_action('unsuspend', $params);
}

function hostkeyresellermod_TerminateAccount(array $params): string
{
    return hostkeyresellermod_service_action('terminate', $params);
}

function hostkeyresellermod_Renew(array $params): string
{
    return hostkeyresellermod_service_action('renew', $params);
}

function hostkeyresellermod_ChangePassword(array $params): string
{
    return hostkeyresellermod_service_action('change-password', $params);
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

function hostkeyresellermod_AdminCustomButtonArray(): array
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return [];
    }
    try {
        return Components::server()->buttons(true);
    } catch (Throwable $e) {
        ErrorReport::sentence('AdminCustomButtonArray', $e);
        return [];
    }
}

function hostkeyresellermod_ClientAreaCustomButtonArray(): array
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return [];
    }
    try {
        return Components::server()->buttons(false);
    } catch (Throwable $e) {
        ErrorReport::sentence('ClientAreaCustomButtonArray', $e);
        return [];
    }
}

function hostkeyresellermod_ClientAreaAllowedFunctions(): array
{
    return array_values(hostkeyresellermod_ClientAreaCustomButtonArray());
}

function hostkeyresellermod_AdminServicesTabFields(array $params): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return ['HOSTKEY' => htmlspecialchars($floor, ENT_QUOTES, 'UTF-8')];
    }
    try {
        return Components::server()->serviceTabFields($params);
    } catch (Throwable $e) {
        $sentence = ErrorReport::sentence('AdminServicesTabFields', $e);
        return ['HOSTKEY' => htmlspecialchars($sentence, ENT_QUOTES, 'UTF-8')];
    }
}

function hostkeyresellermod_ServiceSingleSignOn(array $params): array
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return ['success' => false, 'errorMsg' => $floor];
    }
    try {
        return Components::server()->singleSignOn($params);
    } catch (Throwable $e) {
        return ['success' => false, 'errorMsg' => ErrorReport::sentence('ServiceSingleSignOn', $e)];
    }
}

/** A custom button: WHMCS calls `hostkeyresellermod_<Action>` from the admin or client area. */
function hostkeyresellermod_custom_action(string $action, array $params): string
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return $floor;
    }
    try {
        return Components::server()->customAction($action, $params, defined('ADMINAREA'));
    } catch (Throwable $e) {
        return ErrorReport::sentence($action, $e);
    }
}

// One function per CustomActions::NAMES entry.
function hostkeyresellermod_PowerOn(array $params): string
{
    return hostkeyresellermod_custom_action('PowerOn', $params);
}

function hostkeyresellermod_PowerOff(array $params): string
{
    return hostkeyresellermod_custom_action('PowerOff', $params);
}

function hostkeyresellermod_Reboot(array $params): string
{
    return hostkeyresellermod_custom_action('Reboot', $params);
}

function hostkeyresellermod_Reinstall(array $params): string
{
    return hostkeyresellermod_custom_action('Reinstall', $params);
}
