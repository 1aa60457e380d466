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
 * The order lifecycle and server management with the fake HOSTKEY API in
 * HOSTKEY-shape mode (tests/fake_hostkey_api/shapes.py): ids as strings,
 * billing facts only in server_data, no invoice status, placeholder names,
 * `{"code":1,"error":..}` refusals, and an `api_keys/edit` that blanks what
 * it is not sent. The fake's request log says what was sent.
 */
final class HostkeyShapeTest extends CatalogueCase
{
    use ServiceRows;

    private const ROOT_PASS = 'Root-Pass42';
    private const OWNER = 3;
    private const KEY_FIELDS = ['id', 'name', 'ip', 'login_notify_method', 'login_notify_address', 'active'];

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testAnOrderIsPaidOnceAndLinkedWhenTheInvoiceHasNoStatus(string $transport): void
    {
        $service = $this->linkedService($transport);
        $server = self::server($service);
        self::assertGreaterThan(0, $server);
        $state = FakeApi::state();
        // HOSTKEY kept its placeholder `hostkey<id>`; the link renamed it, once.
        self::assertSame('web-1.example.test', end($state['servers'])['hostname']);
        self::assertSame('web-1.example.test', end($state['servers'])['requested_hostname']);
        self::assertCount(1, self::calls('eq', 'rename_server'));
        self::assertCount(1, self::calls('eq', 'order_instance'));
        self::assertCount(0, self::calls('whmcs', 'apply_credit'), 'paid from credit at the order: balance 0');
        self::assertSame('Paid', end($state['invoices'])['status']);
        self::assertNotSame('', self::field($service, 'Api key'));
    }

    /**
     * HOSTKEY's shapes put the billing account only in eq/show's server_data and refuse
     * whmcs/get_related_invoices: the renewal takes the public module's path and pays once.
     */
    public function testARenewalIsPaidOnceWhenTheAccountSitsOnlyInServerData(): void
    {
        $service = $this->linkedService('ffi');
        $server = self::server($service);
        $renewal = FakeApi::renewalInvoice($server);
        Capsule::table('tblinvoices')->insert(['id' => 801, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-12-29', 'duedate' => '2026-12-29', 'datepaid' => '2026-12-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 801, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server renewal', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 801]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 801]);

        $state = FakeApi::state();
        $paid = array_values(array_filter($state['invoices'], static fn (array $i): bool =>
            (int) $i['id'] === $renewal));
        self::assertSame('Paid', $paid[0]['status'], json_encode(FakeApi::calls()));
        self::assertCount(1, $state['orders'], 'a renewal never orders');
        self::assertCount(1, self::calls('whmcs', 'apply_credit'), 'the renewal invoice paid once');
        self::assertCount(1, self::calls('whmcs', 'get_product_invoice'), 'through server_data\'s account');
        self::assertNotEmpty(self::calls('whmcs', 'get_related_invoices'), 'asked by the server first');
    }

    public function testAnInvoiceWithoutStatusIsPaidOnceTheBalanceCoversIt(): void
    {
        $service = $this->paidService('cli', '0.00');
        $state = FakeApi::state();
        self::assertCount(1, $state['orders']);
        $invoice = end($state['invoices']);
        self::assertSame('Unpaid', $invoice['status'], 'nothing to pay it with');
        self::assertSame('Pending', self::status($service));

        FakeApi::credit('100.00');
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 800]);
        $state = FakeApi::state();
        self::assertCount(1, $state['orders'], 'the redelivery ordered nothing');
        self::assertCount(0, self::calls('eq', 'order_instance'));
        $paid = array_values(array_filter($state['invoices'], static fn (array $i): bool =>
            $i['id'] === $invoice['id']));
        self::assertSame('Paid', $paid[0]['status']);
        self::assertCount(1, self::calls('whmcs', 'apply_credit'), 'paid once: a zero balance after it says so');
        self::assertSame([$invoice['total'], '0.00'], [$paid[0]['credit'], $paid[0]['balance']]);
    }

    public function testTheClientAreaReadsShowWithoutPowerAndWithStringIds(): void
    {
        $service = $this->linkedService('ffi');
        $server = self::server($service);
        $page = hostkeyresellermod_ClientArea(self::params($service));
        self::assertSame('templates/clientarea', $page['templatefile'], json_encode($page));
        $vars = $page['vars'];
        self::assertSame('', $vars['errorMessage']);
        $facts = json_encode($vars['facts']);
        self::assertStringContainsString('#' . $server, $facts);
        self::assertStringContainsString('web-1.example.test', $facts, 'the name HOSTKEY shows, renamed at link');
        self::assertSame('on', $vars['server']['power'], 'power follows the rental state');
        self::assertSame('Active', self::status($service));
    }

    public function testSuspendAndUnsuspendSendTheWholeKeyRecordSoNothingIsBlanked(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        $before = self::key($service);
        self::assertNotSame('', $before['name']);

        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        self::assertSame(0, (int) self::key($service)['active']);
        self::assertSame('success', hostkeyresellermod_UnsuspendAccount($params));

        $edits = self::calls('api_keys', 'edit');
        self::assertCount(2, $edits);
        foreach ($edits as $edit) {
            self::assertSame(self::KEY_FIELDS, array_keys($edit['params']['params']));
            self::assertSame((string) $before['id'], $edit['params']['params']['id']);
            self::assertSame($before['name'], $edit['params']['params']['name']);
        }
        $flags = array_map(static fn (array $e): string => $e['params']['params']['active'], $edits);
        self::assertSame(['0', '1'], $flags);
        $after = self::key($service);
        self::assertSame(1, (int) $after['active']);
        foreach (['name', 'ip', 'login_notify_method', 'login_notify_address'] as $field) {
            self::assertSame($before[$field], $after[$field], $field . ' kept at HOSTKEY');
        }
    }

    public function testReinstallIsOrderInstanceWithTheServerIdAndNoPreset(): void
    {
        $service = $this->linkedService('ffi');
        $server = self::server($service);
        $done = $this->click($service, ['op' => 'reinstall', 'os_id' => '187', 'password' => 'New-Pass99',
            'confirm' => '1']);
        self::assertTrue($done['ok'], $done['message']);
        self::assertCount(0, self::calls('eq', 'reinstall'), 'no HOSTKEY source shows eq/reinstall');
        $orders = self::calls('eq', 'order_instance');
        self::assertCount(2, $orders, 'the order, then the reinstall');
        $sent = $orders[1]['params'];
        self::assertSame([(string) $server, '187', '***'], [$sent['id'], $sent['os_id'], $sent['root_pass']]);
        foreach (['preset', 'location_name', 'traffic_plan', 'hostname'] as $absent) {
            self::assertArrayNotHasKey($absent, $sent);
        }
        $state = FakeApi::state();
        self::assertCount(1, $state['orders'], 'a reinstall orders no second server');
        self::assertCount(1, array_filter($state['invoices'], static fn (array $i): bool => $i['id'] !== 770000));
    }

    public function testACancellationRefusedWithCodeOneIsNotDoneAndSaysSo(): void
    {
        $service = $this->linkedService('ffi');
        FakeApi::fault(['module' => 'whmcs', 'action' => 'request_cancellation', 'kind' => 'body',
            'body' => '{"code":1,"error":"Cancellation is not possible for this server"}']);
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'Immediate', 'reason' => 'Too slow']);
        self::assertSame([], FakeApi::state()['cancellations']);
        self::assertSame('Active', self::status($service), 'nothing suspended for a refused cancellation');
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'cancellation')
            ->orderByDesc('id')->value('response');
        self::assertStringContainsString('HOSTKEY refused to cancel server ' . self::server($service), $line);
        self::assertStringContainsString('nothing is cancelled yet', $line);

        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'Immediate', 'reason' => 'Too slow']);
        self::assertCount(1, FakeApi::state()['cancellations'], 'the next request is sent and taken');
        self::assertCount(2, self::calls('whmcs', 'request_cancellation'));
    }

    /** A service ordered, paid and linked through the real hooks and callback, HOSTKEY-shaped. */
    private function linkedService(string $transport): int
    {
        $service = $this->paidService($transport);
        $orders = FakeApi::state()['orders'];
        self::assertCount(1, $orders, json_encode(FakeApi::calls()));
        parse_str((string) parse_url(end($orders)['post_install_callback'], PHP_URL_QUERY), $query);
        $answer = Components::callback()->handle($query, []);
        self::assertSame(200, $answer['status'], $answer['body']);
        self::assertSame('Active', self::status($service));
        return $service;
    }

    /** A service whose WHMCS invoice is paid (InvoicePaid run once), HOSTKEY-shaped. */
    private function paidService(string $transport, ?string $credit = null): int
    {
        $this->install($transport);
        $this->import();
        FakeApi::hostkeyShapes();
        if ($credit !== null) {
            FakeApi::credit($credit);
        }
        $product = self::productId('HKP-vm.alpha (NL)');
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => self::OWNER, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => 'web-1.example.test',
            'password' => WhmcsShim::encrypt(self::ROOT_PASS),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', $product)->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        Capsule::table('tblinvoices')->insert(['id' => 800, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 800, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 800]);
        return $service;
    }

    /** @return array<string, mixed> */
    private static function params(int $service): array
    {
        return ['serviceid' => $service, 'userid' => self::OWNER] + self::serviceParams();
    }

    /**
     * @param array<string, string> $post
     * @return array<string, mixed>
     */
    private function click(int $service, array $post): array
    {
        return Components::server()->clientAction(
            self::params($service),
            $post + ['token' => WhmcsShim::TOKEN],
            WhmcsShim::TOKEN,
            self::OWNER
        );
    }

    private static function server(int $service): int
    {
        return (int) self::field($service, 'Preset ID');
    }

    /** @return array<string, mixed> the one key of the service's server, as HOSTKEY holds it */
    private static function key(int $service): array
    {
        $server = (string) self::server($service);
        $keys = array_values(array_filter(FakeApi::state()['api_keys'], static fn (array $k): bool =>
            (string) $k['server_id'] === $server));
        self::assertCount(1, $keys);
        return $keys[0];
    }
}
