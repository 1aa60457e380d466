<?php

/**
 * WHMCS hooks of `hostkeyresellermod`, all at priority 1 like the original
 * module. Each hook is routed to the component's `hooks` export (the daily
 * cron to `cron.sync` and a status-sync slice that starts the day's round,
 * every cron run to the next slice); a failure is logged and never thrown
 * into WHMCS.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\HookHandlers;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/../../modules/addons/hostkeyresellermod/floor.php';
// Below the PHP floor WHMCS runs on without this module's hooks.
if (hostkeyresellermod_below_php_floor() !== null) {
    return;
}
require_once __DIR__ . '/../../modules/addons/hostkeyresellermod/autoload.php';

add_hook('InvoicePaid', 1, static function (array $vars): void {
    try {
        Components::hooks()->invoicePaid($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('InvoicePaid', $e);
    }
});

add_hook('CancellationRequest', 1, static function (array $vars): void {
    try {
        Components::hooks()->cancellationRequest($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('CancellationRequest', $e);
    }
});

add_hook('ServiceDelete', 1, static function (array $vars): void {
    try {
        Components::hooks()->serviceDelete($vars);
    } catch (Throwable $e) {
        ErrorReport::sentence('ServiceDelete', $e);
    }
});

add_hook('ShoppingCartValidateCheckout', 1, static function (array $vars): array {
    $cart = is_array($_SESSION['cart'] ?? null) ? $_SESSION['cart'] : [];
    try {
        return Components::hooks()->validateCheckout($cart);
    } catch (Throwable $e) {
        ErrorReport::sentence('ShoppingCartValidateCheckout', $e);
        return HookHandlers::checkoutUnavailable($cart);
    }
});

add_hook('DailyCronJob', 1, static function (array $vars): void {
    try {
        Components::hooks()->dailyCronJob();
    } catch (Throwable $e) {
        ErrorReport::sentence('DailyCronJob', $e);
    }
});

add_hook('AfterCronJob', 1, static function (array $vars): void {
    try {
        Components::hooks()->afterCronJob();
    } catch (Throwable $e) {
        ErrorReport::sentence('AfterCronJob', $e);
    }
});
