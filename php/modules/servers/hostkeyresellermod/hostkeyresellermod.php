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
        $module = hostkeyresellermod_floor_module();
        $meta = ['DisplayName' => $module['display_name']];
        if (isset($module['whmcs_api_version'], $module['requires_server'])) {
            $meta += ['APIVersion' => $module['whmcs_api_version'], 'RequiresServer' => $module['requires_server']];
        }
        return $meta;
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
        return ['templatefile' => 'templates/error', 'vars' => ['errorMessage' => $floor]];
    }
    try {
        return Components::server()->clientArea($params);
    } catch (Throwable $e) {
        return ClientAreaView::error(ErrorReport::sentence('ClientArea', $e), (int) ($params['serviceid'] ?? 0));
    }
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

/** Admin buttons for the service's state; a failure offers none. */
function hostkeyresellermod_AdminCustomButtonArray(array $params = []): array
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return [];
    }
    try {
        return Components::server()->adminButtons($params);
    } catch (Throwable $e) {
        ErrorReport::sentence('AdminCustomButtonArray', $e);
        return [];
    }
}

/** An admin button: 'success' or the sentence WHMCS shows. */
function hostkeyresellermod_admin_button(string $suffix, array $params): string
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return $floor;
    }
    try {
        return Components::server()->adminAction($suffix, $params);
    } catch (Throwable $e) {
        return ErrorReport::sentence($suffix, $e);
    }
}

function hostkeyresellermod_PowerOn(array $params): string
{
    return hostkeyresellermod_admin_button('PowerOn', $params);
}

function hostkeyresellermod_PowerOff(array $params): string
{
    return hostkeyresellermod_admin_button('PowerOff', $params);
}

function hostkeyresellermod_Reboot(array $params): string
{
    return hostkeyresellermod_admin_button('Reboot', $params);
}

function hostkeyresellermod_RefreshStatus(array $params): string
{
    return hostkeyresellermod_admin_button('RefreshStatus', $params);
}

/** The client area's AJAX endpoint is the only function a client may call. */
function hostkeyresellermod_ClientAreaAllowedFunctions(): array
{
    return ['clientAction'];
}

/**
 * The client page's actions (docs/management.md): JSON, then exit. Below the
 * PHP floor WHMCS shows the floor's sentence instead.
 */
function hostkeyresellermod_clientAction(array $params): string
{
    if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
        return $floor;
    }
    try {
        $answer = Components::server()->clientAction($params, $_POST, (string) generate_token('plain'));
    } catch (Throwable $e) {
        $answer = ClientAreaView::refusal(ErrorReport::sentence('clientAction', $e));
    }
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode($answer, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT);
    exit;
}

/** Single sign-on into HOSTKEY's panel for this one server (its own key). */
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

/** WHMCS shows nothing back; the module log has the outcome. */
function hostkeyresellermod_AdminServicesTabFieldsSave(array $params): void
{
    if (hostkeyresellermod_below_php_floor() !== null) {
        return;
    }
    try {
        Components::server()->serviceTabSave($params, $_POST);
    } catch (Throwable $e) {
        ErrorReport::sentence('AdminServicesTabFieldsSave', $e);
    }
}
