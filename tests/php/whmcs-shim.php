<?php

/**
 * A WHMCS runtime for tests: the constants, `WHMCS\Database\Capsule` over a
 * real MariaDB (WhmcsShim::boot), and the global helpers the module calls.
 * The helpers record what they were given in WhmcsShim so that tests can look.
 */

declare(strict_types=1);

require_once __DIR__ . '/Shim/Capsule.php';
require_once __DIR__ . '/Shim/WhmcsShim.php';

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    define('WHMCS', true);
}
if (!defined('ROOTDIR')) {
    define('ROOTDIR', dirname(__DIR__, 2) . '/php');
}

function add_hook(string $hookPoint, int $priority, callable $function): void
{
    WhmcsShim::$hooks[$hookPoint][] = ['priority' => $priority, 'callback' => $function];
}

/** @return list<mixed> */
function run_hook(string $hookPoint, array $vars): array
{
    return WhmcsShim::runHook($hookPoint, $vars);
}

function logModuleCall(
    string $module,
    string $action,
    mixed $requestString,
    mixed $responseData,
    mixed $processedData = '',
    array $replaceVars = []
): void {
    Capsule::table('tblmodulelog')->insert([
        'date' => date('Y-m-d H:i:s'),
        'module' => $module,
        'action' => WhmcsShim::logText($action, $replaceVars),
        'request' => WhmcsShim::logText($requestString, $replaceVars),
        'response' => WhmcsShim::logText($responseData, $replaceVars),
        'arrdata' => WhmcsShim::logText($processedData, $replaceVars),
    ]);
}

function logActivity(string $message, int $userId = 0): void
{
    Capsule::table('tblactivitylog')->insert([
        'date' => date('Y-m-d H:i:s'),
        'description' => $message,
        'user' => 'System',
        'userid' => $userId,
        'ipaddr' => '127.0.0.1',
    ]);
}

function encrypt(string $plain): string
{
    return WhmcsShim::encrypt($plain);
}

function decrypt(string $cipher): string
{
    return WhmcsShim::decrypt($cipher);
}

/** @return array<string, mixed> */
function localAPI(string $command, array $values = [], string $adminUser = ''): array
{
    WhmcsShim::$localApiCalls[] = ['command' => $command, 'values' => $values];
    return WhmcsShim::$localApiAnswer;
}

function generate_token(string $type = 'form'): string
{
    return $type === 'plain'
        ? WhmcsShim::TOKEN
        : '<input type="hidden" name="token" value="' . WhmcsShim::TOKEN . '" />';
}
