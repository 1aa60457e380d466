<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\ServiceRows;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WhmcsShim;

/**
 * A lost order answer against HOSTKEY as its own client's tests show it
 * (terraform provider pending_test.go): the ordered hostname not applied
 * (`hostkey<id>`), a new id below the account's existing server, the deploy
 * followed through `deploy_keys` and `eq_callback/check`; linked by the cron
 * without any post-install call, and every money-moving call made once.
 */
final class LostOrderAnswerTest extends CatalogueCase
{
    use ServiceRows;

    private const INVOICE = 700;
    private const HOSTNAME = 'web-1.example.test';

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testALostAnswerIsFoundOrderedOncePaidOnceAndLinkedByTheCron(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $existing = array_map('intval', array_column(FakeApi::state()['servers'], 'id'));
        FakeApi::hostkeyShapes(['server_ids_from' => 30000, 'order_unpaid' => true, 'deploy_checks' => 1]);
        $service = $this->order();
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'close', 'when' => 'after']);

        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertSame('sending', self::job($service)['state']);
        $state = FakeApi::state();
        self::assertCount(1, $state['orders'], 'HOSTKEY placed it; the answer was lost');
        $server = self::server($state, (int) $state['orders'][0]['server_id']);
        self::assertSame('hostkey' . $server['id'], $server['hostname'], 'the hostname is not applied');
        self::assertLessThan(min($existing), (int) $server['id'], 'a new id below the existing ones');

        // Redelivery: found through deploy_keys, never ordered again, paid once.
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertSame('paid', self::job($service)['state']);
        self::assertSame((string) $state['orders'][0]['invoice_id'], self::field($service, 'Invoice ID'));
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);

        // No post-install call: the cron follows the deploy until HOSTKEY reports it done.
        Components::hooks()->syncServerStatus();
        $waiting = self::job($service);
        self::assertSame('paid', $waiting['state']);
        self::assertStringContainsString('HOSTKEY is still deploying its server (pending)', $waiting['detail']);
        self::assertStringContainsString('HOSTKEY is still deploying', $this->page('view'), 'the admin sees it');
        Components::hooks()->syncServerStatus();
        self::assertSame('linked', self::job($service)['state']);
        self::assertSame((string) $server['id'], self::field($service, 'Preset ID'));
        self::assertNotSame('', self::field($service, 'Api key'));
        self::assertSame('Active', (string) Capsule::table('tblhosting')->where('id', $service)->value('domainstatus'));
        $after = self::server(FakeApi::state(), (int) $server['id']);
        self::assertSame(self::HOSTNAME, $after['hostname'], 'renamed from the placeholder');

        Components::hooks()->syncServerStatus();
        $calls = array_count_values(array_map(
            static fn (array $c): string => $c['module'] . '/' . $c['action'],
            FakeApi::calls(),
        ));
        foreach (['eq/order_instance', 'whmcs/apply_credit', 'api_keys/add', 'eq/rename_server'] as $once) {
            self::assertSame(1, $calls[$once] ?? 0, $once);
        }
        self::assertCount(1, FakeApi::state()['orders']);
    }

    public function testAnOrderHostkeyDoesNotShowYetIsNotOrderedAgain(): void
    {
        $this->install('ffi');
        $this->import();
        FakeApi::hostkeyShapes();
        $service = $this->order();
        // HOSTKEY never saw it, but nothing can tell that yet.
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'close']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        Components::hooks()->syncServerStatus();
        self::assertSame('sending', self::job($service)['state']);
        self::assertStringContainsString('HOSTKEY shows no new order or server yet', self::job($service)['detail']);
        self::assertCount(0, FakeApi::state()['orders']);
        $orders = array_filter(FakeApi::calls(), static fn (array $c): bool => $c['action'] === 'order_instance');
        self::assertCount(1, $orders, 'sent once, not again while HOSTKEY may still show it');
        // A quarter of an hour later HOSTKEY still shows nothing: it never arrived, order it.
        Capsule::table('mod_hostkeyresellermod_pending')->where('service_id', $service)
            ->update(['sent_at' => time() - 15 * 60]);
        Components::hooks()->syncServerStatus();
        self::assertCount(1, FakeApi::state()['orders']);
        self::assertSame('linked', self::job($service)['state'], 'ordered, paid and, deployed at once, linked');
    }

    private function order(): int
    {
        $product = 'HKP-vm.alpha (NL)';
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => 3, 'packageid' => self::productId($product), 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => self::HOSTNAME,
            'password' => WhmcsShim::encrypt('Root-Pass42'),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', self::productId($product))->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        self::assertNotNull($option);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        Capsule::table('tblinvoices')->insert(['id' => self::INVOICE, 'userid' => 3, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29',
            'datepaid' => '2026-11-29 12:00:00']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => self::INVOICE, 'userid' => 3, 'type' => 'Hosting',
            'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        return $service;
    }

    /**
     * @param array<string, mixed> $state
     * @return array<string, mixed>
     */
    private static function server(array $state, int $id): array
    {
        foreach ($state['servers'] as $server) {
            if ((int) $server['id'] === $id) {
                return $server;
            }
        }
        self::fail('HOSTKEY has no server ' . $id);
    }

    /** @return array<string, mixed> */
    private static function job(int $service): array
    {
        return (array) Capsule::table('mod_hostkeyresellermod_orders')->where('service_id', $service)
            ->where('purpose', 'order')->first();
    }
}
