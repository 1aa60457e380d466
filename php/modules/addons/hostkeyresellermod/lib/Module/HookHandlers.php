<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use Closure;
use Throwable;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

defined('WHMCS') || exit;

/**
 * The WHMCS hooks, routed to the `hooks` exports. A failure is logged and
 * never thrown into WHMCS's page.
 */
final class HookHandlers
{
    public const CHECKOUT_UNAVAILABLE = 'The order cannot be checked right now; please try again in a few minutes.';

    private ImportIni $ini;

    /** @param Closure(): Bridge $bridge built only when a hook fires */
    public function __construct(private Closure $bridge, ?ImportIni $ini = null)
    {
        $this->ini = $ini ?? ImportIni::forAddon();
    }

    /**
     * WHMCS's daily cron: re-runs the catalogue import (`cron.sync`, scheduled,
     * so the component skips it when the admin switched the daily sync off),
     * then starts the day's round of the status sync with its first slice.
     * A failure goes to the module log and the activity log, never to WHMCS.
     *
     * @return array<string, mixed>|null the import report, null after a failure
     */
    public function dailyCronJob(): ?array
    {
        try {
            $report = ($this->bridge)()->result('cron.sync', [
                'source' => AddonModule::importSource($this->ini->content(), true),
            ]);
            $this->syncServerStatus();
            return is_array($report) ? $report : [];
        } catch (Throwable $e) {
            $this->syncServerStatus();
            $sentence = ErrorReport::sentence('DailyCronJob', $e, 'the next daily run will retry it');
            if (function_exists('logActivity')) {
                try {
                    logActivity('HOSTKEY daily catalogue sync failed: ' . $sentence);
                } catch (Throwable) {
                    // The module log already has it.
                }
            }
            return null;
        }
    }

    /**
     * WHMCS's cron after every run (every five minutes, the daily one too):
     * the next slice of the status sync.
     */
    public function afterCronJob(): ?string
    {
        return $this->syncServerStatus(false);
    }

    /**
     * One slice of the cron's status sync (`cron.sync-server-status`), sized
     * by the component to fit the call's own time limit; `$daily` starts the
     * day's round. Its summary goes to the module log, a failure to the
     * activity log.
     */
    public function syncServerStatus(bool $daily = true): ?string
    {
        try {
            $bridge = ($this->bridge)();
            $line = $bridge->result('cron.sync-server-status', [
                'deadline-ms' => $bridge->callTimeoutMs(),
                'daily' => $daily,
            ]);
            return is_string($line) ? $line : '';
        } catch (Throwable $e) {
            $sentence = ErrorReport::sentence('ServerStatusSync', $e);
            if (function_exists('logActivity')) {
                try {
                    logActivity('HOSTKEY server status sync failed: ' . $sentence);
                } catch (Throwable) {
                    // The module log already has it.
                }
            }
            return null;
        }
    }

    /** @param array<string, mixed> $vars */
    public function invoicePaid(array $vars): void
    {
        $this->run('InvoicePaid', 'hooks.invoice-paid', ['invoice-id' => (int) ($vars['invoiceid'] ?? 0)]);
    }

    /** @param array<string, mixed> $vars relid, type, reason */
    public function cancellationRequest(array $vars): void
    {
        $type = strtolower(trim((string) ($vars['type'] ?? '')));
        $this->run('CancellationRequest', 'hooks.cancellation-request', [
            'service-id' => (int) ($vars['relid'] ?? 0),
            'kind' => $type === 'immediate' ? 'immediate' : 'end-of-billing-period',
            'reason' => is_scalar($vars['reason'] ?? null) ? (string) $vars['reason'] : '',
        ]);
    }

    /** @param array<string, mixed> $vars */
    public function serviceDelete(array $vars): void
    {
        $this->run('ServiceDelete', 'hooks.service-delete', ['service-id' => (int) ($vars['serviceid'] ?? 0)]);
    }

    /**
     * @param array<string, mixed> $cart the session cart (`$_SESSION['cart']`)
     * @return list<string> errors that block checkout
     */
    public function validateCheckout(array $cart): array
    {
        $items = [];
        foreach (is_array($cart['products'] ?? null) ? $cart['products'] : [] as $product) {
            if (!is_array($product) || !isset($product['pid'])) {
                continue;
            }
            $password = $product['server']['rootpw'] ?? null;
            $items[] = [
                'product-id' => (int) $product['pid'],
                'password' => is_string($password) && $password !== '' ? $password : null,
            ];
        }
        if ($items === []) {
            return [];
        }
        $errors = $this->run('ShoppingCartValidateCheckout', 'hooks.validate-checkout', ['items' => $items]);
        if ($errors === null) {
            return self::checkoutUnavailable($cart);
        }
        return is_array($errors) ? array_values(array_filter($errors, 'is_string')) : [];
    }

    /**
     * What checkout answers when the component could not check the cart: our
     * products are blocked (an unchecked order must not pass), other carts pass.
     * Which products are ours is the module column WHMCS itself keeps, not a
     * business rule; if even that cannot be read the cart is blocked.
     *
     * @param array<string, mixed> $cart the session cart (`$_SESSION['cart']`)
     * @return list<string>
     */
    public static function checkoutUnavailable(array $cart): array
    {
        $ids = [];
        foreach (is_array($cart['products'] ?? null) ? $cart['products'] : [] as $product) {
            if (is_array($product) && isset($product['pid'])) {
                $ids[] = (int) $product['pid'];
            }
        }
        if ($ids === []) {
            return [];
        }
        try {
            $ours = Capsule::table('tblproducts')->whereIn('id', $ids)
                ->where('servertype', Facts::moduleName())->exists();
        } catch (Throwable) {
            $ours = true;
        }
        return $ours ? [self::CHECKOUT_UNAVAILABLE] : [];
    }

    /** @param array<string, mixed> $args */
    private function run(string $hook, string $function, array $args): mixed
    {
        try {
            return ($this->bridge)()->result($function, $args);
        } catch (Throwable $e) {
            ErrorReport::sentence($hook, $e, 'trying again later can help');
            return null;
        }
    }
}
