<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\ServiceRows;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WhmcsShim;

/**
 * An ended service stays ended: ordered and paid, then terminated (or marked
 * Cancelled or Fraud) before HOSTKEY deployed; HOSTKEY's genuine, signed
 * post-install call then links nothing, creates no key, revives nothing, and
 * the server is cancelled at HOSTKEY once. No power call, key switch or
 * sign-on is possible afterwards, for the client or the admin.
 */
final class EndedServiceTest extends CatalogueCase
{
    use ServiceRows;

    private const OWNER = 3;
    private const INVOICE = 900;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @return array<string, array{0: string, 1: string}> */
    public static function endings(): array
    {
        return [
            'terminated (ffi)' => ['ffi', 'Terminated'],
            'terminated (cli)' => ['cli', 'Terminated'],
            'cancelled (ffi)' => ['ffi', 'Cancelled'],
            'fraud (cli)' => ['cli', 'Fraud'],
        ];
    }

    /** @dataProvider endings */
    public function testAGenuineCallbackForAnEndedServiceRevivesNothingAndCancelsTheServerOnce(
        string $transport,
        string $ending
    ): void {
        $this->install($transport);
        $this->import();
        $service = $this->orderAndPay();
        $order = FakeApi::state()['orders'][0];
        $params = self::params($service);
        if ($ending === 'Terminated') {
            // WHMCS calls the module, then writes the status.
            self::assertSame('success', hostkeyresellermod_TerminateAccount($params));
            self::assertSame('terminated', self::ops($service)['hold'] ?? null, 'held without a server');
        }
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => $ending]);

        $answer = self::postInstall($order['post_install_callback']);
        self::assertSame(200, $answer['status'], $answer['body']);
        self::assertSame(
            ['result' => 'ended', 'message' => 'The service has ended; no server was linked to it.'],
            json_decode($answer['body'], true)
        );
        self::assertSame($ending, self::status($service), 'the status stays');
        self::assertSame('', self::field($service, 'Preset ID'), 'not linked');
        self::assertSame('', self::field($service, 'Api key'), 'no key stored');
        self::assertSame([], array_values(array_filter(FakeApi::state()['api_keys'], static fn (array $k): bool =>
            (string) $k['server_id'] === (string) $order['server_id'])), 'no key created at HOSTKEY');
        self::assertSame('paid', self::job($service)['state']);
        $cancellations = FakeApi::state()['cancellations'];
        self::assertCount(1, $cancellations);
        self::assertSame([(string) $order['server_id'], 'Immediate'], [(string) $cancellations[0]['server_id'],
            $cancellations[0]['type']]);
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'post-install')
            ->orderBy('id', 'desc')->value('response');
        // TerminateAccount already requested it (the paid order named the server); else the callback does.
        $expected = $ending === 'Terminated'
            ? 'its server\'s cancellation was passed on to HOSTKEY before'
            : 'the cancellation of HOSTKEY server ' . $order['server_id'] . ' was requested';
        self::assertStringContainsString($expected, $line);

        // HOSTKEY calls again: still one cancellation, nothing written.
        $tables = ['tblhosting', 'tblcustomfieldsvalues', 'mod_hostkeyresellermod_orders',
            'mod_hostkeyresellermod_servers'];
        $before = Db::dump($tables);
        self::assertSame(200, self::postInstall($order['post_install_callback'])['status']);
        self::assertSame($before, Db::dump($tables));
        self::assertCount(1, self::calls('whmcs', 'request_cancellation'));
        self::assertSame('success', hostkeyresellermod_TerminateAccount($params));
        self::assertCount(1, self::calls('whmcs', 'request_cancellation'), 'a terminate now asks no second time');
        // What a terminate sends (eq/off, keys off) is all: nothing after it powers or keys anything.
        $offs = count(self::calls('eq', 'off'));

        // No power call, key switch or sign-on is possible, whoever asks.
        self::assertSame([], hostkeyresellermod_AdminCustomButtonArray($params));
        $refusal = 'Service ' . $service . ' has ended';
        foreach (['PowerOn', 'Reboot', 'PowerOff'] as $button) {
            self::assertStringStartsWith($refusal, ('hostkeyresellermod_' . $button)($params), $button);
        }
        self::assertStringStartsWith($refusal, hostkeyresellermod_UnsuspendAccount($params));
        $click = Components::server()->clientAction(
            $params,
            ['op' => 'on', 'token' => WhmcsShim::TOKEN],
            WhmcsShim::TOKEN,
            self::OWNER
        );
        self::assertFalse($click['ok']);
        self::assertFalse(hostkeyresellermod_ServiceSingleSignOn($params)['success']);
        self::assertStringStartsWith($refusal, hostkeyresellermod_CreateAccount($params));
        foreach (['on', 'reboot'] as $power) {
            self::assertSame([], self::calls('eq', $power), 'eq/' . $power);
        }
        self::assertCount($offs, self::calls('eq', 'off'));
        self::assertSame([], self::calls('api_keys', 'add'));
        self::assertSame([], self::calls('api_keys', 'edit'));
        self::assertSame($ending, self::status($service));
    }

    private function orderAndPay(): int
    {
        $product = self::productId('HKP-vm.alpha (NL)');
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => self::OWNER, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => 'ended.example.test',
            'password' => WhmcsShim::encrypt('Root-Pass42'),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', $product)->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        Capsule::table('tblinvoices')->insert(['id' => self::INVOICE, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => self::INVOICE, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertCount(1, FakeApi::state()['orders']);
        self::assertSame('paid', self::job($service)['state']);
        return $service;
    }

    /** @return array{status: int, body: string} */
    private static function postInstall(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        return Components::callback()->handle($query, []);
    }

    /** @return array<string, mixed> */
    private static function params(int $service): array
    {
        return ['serviceid' => $service, 'userid' => self::OWNER] + self::serviceParams();
    }

    /** @return array<string, mixed> */
    private static function job(int $service): array
    {
        return (array) Capsule::table('mod_hostkeyresellermod_orders')->where('service_id', $service)
            ->where('purpose', 'order')->first();
    }

    /** @return array<string, mixed> */
    private static function ops(int $service): array
    {
        return (array) Capsule::table('mod_hostkeyresellermod_servers')->where('service_id', $service)->first();
    }
}
