<?php

/**
 * HOSTKEY's post-install callback: HOSTKEY calls this URL when a server is
 * ready. Routed to the component's `callback.post-install`, which checks the
 * request and answers with a status and a JSON body.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\PostInstallCallback;

// A web entry point: its guard boots WHMCS, and says nothing about paths when
// WHMCS is not where it should be.
if (!defined('WHMCS')) {
    if (!is_file(__DIR__ . '/../../../init.php')) {
        http_response_code(500);
        header('Content-Type: application/json; charset=utf-8');
        echo '{"result":"error","message":"WHMCS is not installed here."}';
        exit;
    }
    require_once __DIR__ . '/../../../init.php';
}

require_once __DIR__ . '/../../addons/hostkeyresellermod/floor.php';
// A public URL: the floor's sentence without the server's PHP version.
if (hostkeyresellermod_below_php_floor() !== null) {
    http_response_code(503);
    header('Content-Type: application/json; charset=utf-8');
    echo '{"result":"error","message":"hostkeyresellermod needs PHP 8.1 or newer."}';
    return;
}
require_once __DIR__ . '/../../addons/hostkeyresellermod/autoload.php';

try {
    $hostkeyresellermodAnswer = Components::callback()->handle(
        $_GET,
        $_POST,
        is_string($_SERVER['REQUEST_METHOD'] ?? null) ? $_SERVER['REQUEST_METHOD'] : 'GET',
        $_SERVER,
    );
} catch (Throwable $e) {
    $hostkeyresellermodAnswer = PostInstallCallback::failed($e);
}

if (!headers_sent()) {
    http_response_code($hostkeyresellermodAnswer['status']);
    header('Content-Type: application/json; charset=utf-8');
}
echo $hostkeyresellermodAnswer['body'];
