<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\ServiceRows;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\PublicModuleImport;
use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WhmcsShim;

/**
 * A reseller upgrades with live services: the public module imported the
 * catalogue, ordered two servers at (the fake) HOSTKEY and linked them as it
 * does (PublicModuleImport restates its order, its post-install URL and its
 * first client-area view). Client A never opened the client area: `Invoice
 * ID` + `Api key`. Client B did once: also `Preset ID`. Then our module is
 * activated over it and its import adopts the catalogue. Every later step is
 * asserted from what HOSTKEY saw (the fake API's recorded calls and state).
 */
final class UpgradeLiveServicesTest extends CatalogueCase
{
    use ServiceRows;

    private const ROOT_PASS = 'Root-Pass42';
    private const CLIENT_A = 3;
    private const CLIENT_B = 4;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
        Capsule::table('tblorders')->whereIn('id', [501, 502, 503])->delete();
        Capsule::table('tblclients')->whereIn('id', [self::CLIENT_A, self::CLIENT_B])->delete();
    }

    protected function tearDown(): void
    {
        Capsule::table('tblorders')->whereIn('id', [501, 502, 503])->delete();
        Capsule::table('tblclients')->whereIn('id', [self::CLIENT_A, self::CLIENT_B])->delete();
        parent::tearDown();
    }

    /** @return array<string, array{0: string, 1: string}> */
    public static function variants(): array
    {
        return [
            'A: Invoice ID and Api key, over FFI' => ['A', 'ffi'],
            'B: also Preset ID, over the CLI' => ['B', 'cli'],
        ];
    }

    /** @dataProvider variants */
    public function testALiveServiceOfThePublicModuleIsRenewedSuspendedAndManagedAsOurs(
        string $variant,
        string $transport,
    ): void {
        $live = $this->upgradedWithLiveServices($transport);
        [$service, $server, $owner] = $live[$variant];
        $invoiceId = self::field($service, 'Invoice ID');
        $storedKey = self::field($service, 'Api key');
        self::assertSame($variant === 'B' ? (string) $server : '', self::field($service, 'Preset ID'));
        $seen = count(FakeApi::calls());
        $keysBefore = count(FakeApi::state()['api_keys']);
        $_SESSION = ['uid' => $owner];
        $params = ['serviceid' => $service, 'userid' => $owner] + self::serviceParams();

        // Renewal: HOSTKEY raised the server's next invoice; the client paid WHMCS's (delivered twice).
        $renewal = FakeApi::renewalInvoice($server);
        self::invoice(800 + $service, $owner, $service);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 800 + $service]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 800 + $service]);
        self::assertSame('Paid', self::hostkeyInvoice($renewal)['status']);
        self::assertCount(0, self::since($seen, 'eq', 'order_instance'), 'a renewal never orders');
        $paid = array_filter(
            self::since($seen, 'whmcs', 'apply_credit'),
            static fn (array $c): bool => (string) $c['params']['invoice_id'] === (string) $renewal,
        );
        self::assertCount(1, $paid, 'exactly one more HOSTKEY invoice paid, once');
        self::assertCount(1, self::since($seen, 'whmcs', 'apply_credit'));
        self::assertCount(2, FakeApi::state()['orders'], 'still the public module\'s two servers');

        // The client area: the server's facts and its power buttons.
        $page = hostkeyresellermod_ClientArea($params);
        self::assertSame('templates/clientarea', $page['templatefile'], json_encode($page));
        self::assertSame('#' . $server, array_column($page['vars']['facts'], 'value', 'label')['Server']);
        $enabled = array_column(array_filter($page['vars']['actions'], static fn (array $a): bool =>
            $a['enabled']), 'op');
        self::assertContains('reboot', $enabled);
        self::assertContains('off', $enabled);

        // Power: the owner reboots; another client is refused before any call.
        $reboot = ['op' => 'reboot', 'token' => WhmcsShim::TOKEN];
        $stranger = Components::server()->clientAction($params, $reboot, WhmcsShim::TOKEN, $owner + 10);
        self::assertFalse($stranger['ok']);
        $click = Components::server()->clientAction($params, $reboot, WhmcsShim::TOKEN, $owner);
        self::assertTrue($click['ok'], $click['message']);
        self::assertSame([(string) $server], self::ids(self::since($seen, 'eq', 'reboot')));

        // Suspend: one power off of that server, Suspended; unsuspend: one power on.
        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Suspended']);
        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        self::assertSame([(string) $server], self::ids(self::since($seen, 'eq', 'off')));
        self::assertSame('Suspended', self::status($service));
        self::assertSame('success', hostkeyresellermod_UnsuspendAccount($params));
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Active']);
        self::assertSame([(string) $server], self::ids(self::since($seen, 'eq', 'on')));

        // Single sign-on: the key the public module stored, for its owner only; no new key.
        $sso = hostkeyresellermod_ServiceSingleSignOn($params);
        self::assertSame(['success' => true,
            'redirectTo' => 'https://panel.hostkey.com/controlpanel.html?base=127.0.0.1&key=' . $storedKey], $sso);
        $_SESSION = ['uid' => $owner + 10];
        self::assertFalse(hostkeyresellermod_ServiceSingleSignOn($params)['success']);
        $_SESSION = ['uid' => $owner];
        self::assertCount(0, self::since($seen, 'api_keys', 'add'));
        self::assertCount($keysBefore, FakeApi::state()['api_keys']);

        // Cancellation, delivered twice: one request for that server.
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'End of Billing Period',
            'reason' => 'Moving on']);
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'End of Billing Period',
            'reason' => 'Moving on']);
        self::assertSame([(string) $server], self::ids(self::since($seen, 'whmcs', 'request_cancellation')));

        // HOSTKEY's invoice was asked for at most once to find the server, and Invoice ID never moved.
        $asked = array_filter(
            self::since($seen, 'whmcs', 'get_invoice'),
            static fn (array $c): bool => (string) $c['params']['invoice_id'] === $invoiceId,
        );
        self::assertLessThanOrEqual(1, count($asked));
        self::assertSame($variant === 'A' ? 1 : 0, count($asked), 'A is found through its invoice, B by Preset ID');
        self::assertSame($invoiceId, self::field($service, 'Invoice ID'));
        self::assertSame($server, (int) Capsule::table('mod_hostkeyresellermod_servers')
            ->where('service_id', $service)->value('server_id'));
    }

    public function testAServiceWhoseServerCannotBeDeterminedOrdersNothingAndWaitsForTheAdmin(): void
    {
        $this->upgradedWithLiveServices('ffi');
        // A service the public module's order never reached HOSTKEY for, made Active by hand.
        $service = self::serviceOrder(503, self::CLIENT_A, 'c.example.test');
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Active']);
        $seen = count(FakeApi::calls());
        self::invoice(900, self::CLIENT_A, $service);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 900]);
        self::assertCount(0, self::since($seen, 'eq', 'order_instance'));
        self::assertCount(0, self::since($seen, 'whmcs', 'apply_credit'));
        $job = (array) Capsule::table('mod_hostkeyresellermod_orders')->where('service_id', $service)
            ->where('purpose', 'renewal:900')->first();
        self::assertSame('needs-attention', $job['state']);
        $sentence = '/^[^\n.]*no HOSTKEY server could be determined[^\n]*\.$/';
        self::assertMatchesRegularExpression($sentence, $job['detail']);
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'invoice-paid')
            ->orderBy('id', 'desc')->value('response');
        self::assertStringStartsWith('Service ' . $service . ' needs attention: ', $line);
        self::assertSame('Active', self::status($service));
    }

    public function testARelinkToAServerThePublicModuleLinkedToAnotherServiceIsRefused(): void
    {
        $live = $this->upgradedWithLiveServices('ffi');
        $service = self::serviceOrder(503, self::CLIENT_A, 'c.example.test');
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Active']);
        $params = ['serviceid' => $service, 'userid' => self::CLIENT_A] + self::serviceParams();
        // B's server is linked by its Preset ID; A's only by its Invoice ID (no page has shown A yet).
        foreach (['B', 'A'] as $variant) {
            [$other, $server] = $live[$variant];
            $seen = count(FakeApi::calls());
            $line = Components::server()->serviceTabSave($params, ['hostkeyresellermod_server_id' => (string) $server]);
            self::assertSame(
                'HOSTKEY server ' . $server . ' is already linked to service ' . $other
                    . '; the link was not changed.',
                $line,
            );
            self::assertCount(0, self::since($seen, 'api_keys', 'add'), 'no key made for the other client\'s server');
            self::assertSame('', self::field($service, 'Preset ID'));
        }
        $_SESSION = ['uid' => self::CLIENT_A];
        self::assertFalse(hostkeyresellermod_ServiceSingleSignOn($params)['success']);
    }

    /**
     * The public module installed, its catalogue imported, A and B ordered,
     * paid and linked by it; then our module activated and its import run.
     *
     * @return array{A: array{0: int, 1: int, 2: int}, B: array{0: int, 1: int, 2: int}}
     *     service id, HOSTKEY server id, owner
     */
    private function upgradedWithLiveServices(string $transport): array
    {
        Host::useTransport($transport);
        $this->configure(FakeApi::VALID_KEY);
        FakeApi::catalogue(Catalogue::presets());
        self::publicModuleInstalled();
        foreach ([self::CLIENT_A => 'a', self::CLIENT_B => 'b'] as $id => $name) {
            Capsule::table('tblclients')->insert(['id' => $id, 'firstname' => $name, 'email' => $name . '@example.test',
                'currency' => 1]);
        }
        $public = new PublicModuleImport(Capsule::connection()->getPdo());
        $live = [];
        foreach (['A' => [501, self::CLIENT_A], 'B' => [502, self::CLIENT_B]] as $variant => [$order, $owner]) {
            $service = self::serviceOrder($order, $owner, strtolower($variant) . '.example.test');
            $public->order($order);
            $server = $public->callback($service);
            if ($variant === 'B') {
                $public->clientAreaView($service);
            }
            self::assertSame('Active', self::status($service));
            $live[$variant] = [$service, $server, $owner];
        }
        self::assertCount(2, FakeApi::state()['orders']);

        $activation = hostkeyresellermod_activate();
        self::assertSame('success', $activation['status'], $activation['description']);
        self::assertSame([], $this->import()['warnings']);
        return $live;
    }

    /** The public module's tables, settings rows and import. */
    private static function publicModuleInstalled(): void
    {
        $schema = Capsule::schema();
        $schema->create('mod_hostkeyresellermod', static function (Blueprint $table): void {
            $table->increments('id');
            $table->string('type', 16);
            $table->integer('relid');
            $table->string('name', 256);
            $table->string('server_type', 256);
        });
        $schema->create('mod_hostkeyresellermod_log', static function (Blueprint $table): void {
            $table->increments('id');
            $table->date('date');
            $table->string('module', 64);
            $table->string('action', 64);
            $table->text('params');
            $table->text('response');
        });
        $schema->create('mod_hostkeyresellermodimportsettings', static function (Blueprint $table): void {
            $table->increments('id');
            $table->string('group', 8);
            $table->string('name', 32);
            $table->string('currency', 3);
            $table->integer('amount');
            $table->tinyInteger('active');
        });
        Capsule::table('mod_hostkeyresellermodimportsettings')->insert([
            ['group' => 'vps', 'name' => 'Import VPS products', 'currency' => '%', 'amount' => 10, 'active' => 1],
            ['group' => 'bm', 'name' => 'Import Bare metal products', 'currency' => '%', 'amount' => 0, 'active' => 1],
            ['group' => 'gpu', 'name' => 'Import GPU products', 'currency' => '%', 'amount' => 0, 'active' => 1],
            ['group' => 'round', 'name' => 'Round price to', 'currency' => '', 'amount' => 0, 'active' => 1],
            ['group' => 'template', 'name' => 'Email template', 'currency' => '', 'amount' => 0, 'active' => 1],
            ['group' => 'sort', 'name' => 'Product sorting', 'currency' => '', 'amount' => 4, 'active' => 1],
        ]);
        Db::setSettings([
            'version' => '1.0.27', 'presetnameprefix' => 'HKP-', 'defaultproductgroup' => 'Hostkey servers',
            'logging' => '', 'importsource' => 'auto',
        ]);
        (new PublicModuleImport(Capsule::connection()->getPdo()))->run(Catalogue::presets());
    }

    /** A client's order of vm.alpha in NL, paid by WHMCS invoice = order id; returns the service id. */
    private static function serviceOrder(int $order, int $owner, string $hostname): int
    {
        Capsule::table('tblorders')->insert(['id' => $order, 'ordernum' => $order, 'userid' => $owner,
            'date' => '2026-10-01 10:00:00', 'invoiceid' => $order, 'status' => 'Pending']);
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => $owner, 'orderid' => $order, 'packageid' => self::productId('HKP-vm.alpha (NL)'),
            'domainstatus' => 'Pending', 'regdate' => '2026-10-01', 'billingcycle' => 'Monthly',
            'domain' => $hostname, 'password' => WhmcsShim::encrypt(self::ROOT_PASS),
        ]);
        foreach (['OS' => 'Ubuntu 22.04 (#187)', 'Traffic' => '3 TB (#25)'] as $kind => $sub) {
            $option = Capsule::table('tblproductconfigoptionssub as s')
                ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
                ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
                ->where('l.pid', self::productId('HKP-vm.alpha (NL)'))->where('o.optionname', 'like', $kind . ' %')
                ->where('s.optionname', $sub)->first(['o.id as configid', 's.id as optionid']);
            self::assertNotNull($option, $sub);
            Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
                'optionid' => $option->optionid, 'qty' => 0]);
        }
        self::invoice($order, $owner, $service);
        return $service;
    }

    private static function invoice(int $id, int $owner, int $service): void
    {
        Capsule::table('tblinvoices')->insert(['id' => $id, 'userid' => $owner, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-10-01', 'duedate' => '2026-10-01',
            'datepaid' => '2026-10-01 12:00:00']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => $id, 'userid' => $owner, 'type' => 'Hosting',
            'relid' => $service, 'description' => 'Server', 'amount' => '10.00']);
    }

    /** @return list<array<string, mixed>> the calls of module/action HOSTKEY saw after the first $seen */
    private static function since(int $seen, string $module, string $action): array
    {
        return array_values(array_filter(
            array_slice(FakeApi::calls(), $seen),
            static fn (array $c): bool => $c['module'] === $module && $c['action'] === $action,
        ));
    }

    /**
     * @param list<array<string, mixed>> $calls
     * @return list<string> the server id of each call
     */
    private static function ids(array $calls): array
    {
        return array_map(static fn (array $c): string => (string) ($c['params']['id'] ?? ''), $calls);
    }

    /** @return array<string, mixed> */
    private static function hostkeyInvoice(int $id): array
    {
        foreach (FakeApi::state()['invoices'] as $invoice) {
            if ((int) $invoice['id'] === $id) {
                return $invoice;
            }
        }
        self::fail('HOSTKEY has no invoice ' . $id);
    }
}
