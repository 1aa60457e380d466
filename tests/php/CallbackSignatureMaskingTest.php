<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\LogMask;
use WhmcsShim;

/**
 * Whoever reads a live post-install URL's signature can call it, so no log
 * keeps one: the order lifecycle runs with logging on (order, a lost answer
 * found again, a failed and a successful link, the page, a power action, a
 * cancellation), then every log table of the database is scanned for the
 * signatures HOSTKEY was sent for this run's own orders.
 */
final class CallbackSignatureMaskingTest extends CatalogueCase
{
    private const OWNER = 3;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testNoLogTableHoldsALiveSignatureOfTheRunsOrders(string $transport): void
    {
        $this->install($transport);
        Db::setSettings(['logging' => 'on']);
        $this->import();
        $first = $this->order('sig-1.example.test', 910);
        // The second order's answer is lost: found again on the next delivery.
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'close', 'when' => 'after']);
        $second = $this->order('sig-2.example.test', 911);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 911]);
        $orders = FakeApi::state()['orders'];
        self::assertCount(2, $orders);

        // The first link fails once (the key cannot be made), then works.
        FakeApi::fault(['module' => 'api_keys', 'action' => 'add', 'kind' => 'status', 'status' => 500]);
        self::assertNotSame(200, self::postInstall($orders[0]['post_install_callback'])['status']);
        foreach ($orders as $order) {
            self::assertSame(200, self::postInstall($order['post_install_callback'])['status']);
        }
        $params = ['serviceid' => $first, 'userid' => self::OWNER] + self::serviceParams();
        hostkeyresellermod_ClientArea($params);
        self::assertSame('success', hostkeyresellermod_Reboot($params));
        WhmcsShim::runHook('CancellationRequest', ['relid' => $second, 'type' => 'Immediate', 'reason' => 'x']);

        $signatures = [];
        foreach ($orders as $order) {
            parse_str((string) parse_url($order['post_install_callback'], PHP_URL_QUERY), $query);
            self::assertMatchesRegularExpression('/^[0-9a-f]{64}$/', (string) $query['sig']);
            $signatures[] = (string) $query['sig'];
        }
        $tables = self::logTables();
        self::assertContains('tblmodulelog', $tables);
        self::assertContains('tblactivitylog', $tables);
        self::assertContains('mod_hostkeyresellermod_log', $tables);
        $scanned = '';
        foreach ($tables as $table) {
            foreach (Capsule::table($table)->get()->all() as $row) {
                $scanned .= implode("\n", array_map('strval', (array) $row)) . "\n";
            }
        }
        self::assertStringContainsString('order_instance', $scanned, 'the order calls were logged');
        self::assertMatchesRegularExpression(
            '/post_install_callback=[^&\s]*sig%3D\*\*\*/i',
            $scanned,
            'the callback URL is logged, its signature masked'
        );
        foreach ($signatures as $signature) {
            // Hex digits read the same raw, URL-encoded and in JSON; a half is a leak too.
            foreach ([$signature, substr($signature, 0, 32), substr($signature, 32)] as $part) {
                self::assertStringNotContainsStringIgnoringCase($part, $scanned);
            }
        }
    }

    public function testThePhpWallMasksSignaturesInEveryFormItself(): void
    {
        $sig = str_repeat('a1b2c3d4', 8);
        $url = 'https://w.example/modules/gateways/callback/hostkeyresellermod.php?hosting=5&expires=9&sig=' . $sig;
        $forms = [$url, urlencode($url), rawurlencode(urlencode($url)), json_encode(['url' => $url]),
            json_encode(['sig' => $sig]), json_encode(['u' => $url], JSON_HEX_AMP | JSON_HEX_TAG),
            strtoupper($url)];
        foreach ($forms as $form) {
            $masked = LogMask::text((string) $form);
            self::assertStringNotContainsStringIgnoringCase(substr($sig, 0, 16), $masked, (string) $form);
            self::assertStringContainsString('***', $masked);
        }
        self::assertSame('sig=abc, a digest a1b2c3d4a1b2c3d4', LogMask::text('sig=abc, a digest a1b2c3d4a1b2c3d4'));
    }

    /** @return list<string> every table of the database that holds a log */
    private static function logTables(): array
    {
        $tables = [];
        foreach (Capsule::select('SHOW TABLES') as $row) {
            $name = (string) array_values((array) $row)[0];
            if (preg_match('/log/i', $name) === 1) {
                $tables[] = $name;
            }
        }
        return $tables;
    }

    private function order(string $hostname, int $invoice): int
    {
        $product = self::productId('HKP-vm.alpha (NL)');
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => self::OWNER, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => $hostname,
            'password' => WhmcsShim::encrypt('Root-Pass42'),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', $product)->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        Capsule::table('tblinvoices')->insert(['id' => $invoice, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => $invoice, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => $invoice]);
        return $service;
    }

    /** @return array{status: int, body: string} */
    private static function postInstall(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        return Components::callback()->handle($query, []);
    }
}
