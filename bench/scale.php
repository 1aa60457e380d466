<?php

/**
 * The status-sync scale benchmark's PHP side (bench/scale.sh runs it against a
 * private MariaDB and the fake HOSTKEY API): N services linked to N servers,
 * the API answering every call after a set delay, WHMCS's cron as it runs it.
 * Each step prints one JSON object.
 *
 *   php -d ffi.enable=true bench/scale.php setup <services>   activate, import, link N services
 *   php -d ffi.enable=true bench/scale.php cron <delay ms> <max runs>
 *   php -d ffi.enable=true bench/scale.php page <repeats>     the addon page's module time
 *
 * Environment: HOSTKEYRESELLERMOD_DB_SOCKET (database `whmcs`),
 * HOSTKEYRESELLERMOD_FAKE_API_PORT, HOSTKEYRESELLERMOD_BIN_DIR.
 */

declare(strict_types=1);

use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once __DIR__ . '/../tests/php/whmcs-shim.php';
require_once __DIR__ . '/../tests/php/Support/FakeApi.php';
require_once __DIR__ . '/../php/modules/addons/hostkeyresellermod/autoload.php';
require_once __DIR__ . '/../php/includes/hooks/hostkeyresellermod.php';

const FIRST_SERVER = 300001;
/** Services whose first order waits (paid, deploying): the needs-attention list has pages too. */
const WAITING = 120;

WhmcsShim::boot((string) getenv('HOSTKEYRESELLERMOD_DB_SOCKET'));

function out(array $value): void
{
    echo json_encode($value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
}

function setup(int $services): void
{
    foreach (['apiurl' => FakeApi::url(), 'apikey' => FakeApi::VALID_KEY] as $setting => $value) {
        Capsule::table('tbladdonmodules')->updateOrInsert(
            ['module' => 'hostkeyresellermod', 'setting' => $setting],
            ['value' => $value],
        );
    }
    $addon = Components::addon();
    $addon->activate();
    $addon->import();
    $product = (int) Capsule::table('tblproducts')->where('servertype', 'hostkeyresellermod')->min('id');
    $first = 1 + (int) Capsule::table('tblhosting')->max('id');
    $now = gmdate('Y-m-d H:i:s');
    $hosting = $servers = $orders = [];
    for ($i = 0; $i < $services; $i++) {
        $id = $first + $i;
        $hosting[] = ['id' => $id, 'userid' => 3, 'packageid' => $product, 'domainstatus' => 'Active',
            'regdate' => '2026-01-01', 'billingcycle' => 'Monthly', 'domain' => 'scale-' . $i . '.example.test'];
        $servers[] = ['service_id' => $id, 'server_id' => FIRST_SERVER + $i, 'power' => 'on', 'hold' => '',
            'pending_action' => '', 'pending_key' => '', 'action_at' => 0, 'detail' => ''];
        $orders[] = ['service_id' => $id, 'purpose' => 'order', 'state' => 'linked', 'whmcs_invoice' => 0,
            'hostkey_invoice' => 880000 + $i, 'server_id' => FIRST_SERVER + $i, 'servers_before' => 0,
            'detail' => '', 'updated_at' => $now];
    }
    for ($i = 0; $i < WAITING; $i++) {
        $id = $first + $services + $i;
        $hosting[] = ['id' => $id, 'userid' => 3, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-01-01', 'billingcycle' => 'Monthly', 'domain' => 'waiting-' . $i . '.example.test'];
        $orders[] = ['service_id' => $id, 'purpose' => 'order', 'state' => 'needs-attention', 'whmcs_invoice' => 0,
            'hostkey_invoice' => 990000 + $i, 'server_id' => null, 'servers_before' => 0,
            'detail' => 'Several new servers could be this order; link one by hand.', 'updated_at' => $now];
    }
    foreach (['tblhosting' => $hosting, 'mod_hostkeyresellermod_servers' => $servers,
        'mod_hostkeyresellermod_orders' => $orders] as $table => $rows) {
        foreach (array_chunk($rows, 500) as $chunk) {
            Capsule::table($table)->insert($chunk);
        }
    }
    FakeApi::addServers(FIRST_SERVER, $services);
    out(['services' => $services, 'waiting_orders' => WAITING, 'product' => $product]);
}

function read_count(): int
{
    return Capsule::table('mod_hostkeyresellermod_sync')->where('service_id', '>', 0)
        ->whereNotNull('read_at')->count();
}

function cron(int $delayMs, int $maxRuns): void
{
    $services = Capsule::table('mod_hostkeyresellermod_servers')->count();
    FakeApi::settings(['call_delay_ms' => $delayMs]);
    $before = count(FakeApi::calls());
    $runs = [];
    while (read_count() < $services && count($runs) < $maxRuns) {
        $start = hrtime(true);
        if ($runs === []) {
            run_hook('DailyCronJob', []);
        }
        run_hook('AfterCronJob', []);
        $runs[] = ['seconds' => round((hrtime(true) - $start) / 1e9, 2), 'read' => read_count()];
        fwrite(STDERR, sprintf("   run %d: %.1f s, %d of %d read\n", count($runs), end($runs)['seconds'],
            end($runs)['read'], $services));
    }
    FakeApi::settings(['call_delay_ms' => 0]);
    $calls = array_slice(FakeApi::calls(), $before);
    $count = static fn (string $module, string $action): int => count(array_filter(
        $calls,
        static fn (array $c): bool => $c['module'] === $module && $c['action'] === $action,
    ));
    $lines = Capsule::table('mod_hostkeyresellermod_log')->where('action', 'status-sync')->pluck('response')->all();
    out([
        'services' => $services, 'delay_ms' => $delayMs, 'runs' => $runs,
        'all_read' => read_count() === $services,
        'longest_run_s' => max(array_column($runs, 'seconds')),
        'api_calls' => count($calls), 'eq_show' => $count('eq', 'show'), 'auth_login' => $count('auth', 'login'),
        'calls_per_server' => round(count($calls) / max(1, $services), 3),
        'longest_log_line_bytes' => max(array_map('strlen', array_map('strval', $lines))),
    ]);
}

function page(int $repeats): void
{
    $guard = new CsrfGuard(WhmcsShim::TOKEN);
    $time = static function (callable $render): array {
        $start = hrtime(true);
        $html = $render();
        return [(hrtime(true) - $start) / 1e6, $html];
    };
    [$firstMs] = $time(static fn (): string => Components::addon()->output([], 'GET', [], $guard));
    $views = $pages = [];
    $html = '';
    for ($i = 0; $i < $repeats; $i++) {
        [$ms] = $time(static fn (): string => Components::addon()->output([], 'GET', [], $guard));
        $views[] = $ms;
        [$ms, $html] = $time(static fn (): string => Components::addon()->output([], 'POST', [
            'token' => WhmcsShim::TOKEN, 'action' => 'view', 'status_page' => '40', 'orders_page' => '2',
        ], $guard));
        $pages[] = $ms;
    }
    sort($views);
    sort($pages);
    out([
        'services' => Capsule::table('mod_hostkeyresellermod_sync')->where('service_id', '>', 0)->count(),
        'first_view_ms' => round($firstMs, 1),
        'view_ms_median' => round($views[intdiv(count($views), 2)], 1),
        'paged_view_ms_median' => round($pages[intdiv(count($pages), 2)], 1),
        'paged_view_shows_page_40' => str_contains($html, '(page 40 of '),
        'html_bytes' => strlen($html),
    ]);
}

$mode = $argv[1] ?? '';
match ($mode) {
    'setup' => setup((int) ($argv[2] ?? 1000)),
    'cron' => cron((int) ($argv[2] ?? 150), (int) ($argv[3] ?? 12)),
    'page' => page((int) ($argv[2] ?? 5)),
    default => (function (): void {
        fwrite(STDERR, "usage: scale.php setup <services> | cron <delay ms> <max runs> | page <repeats>\n");
        exit(2);
    })(),
};
