<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\ServiceRows;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WhmcsShim;

/**
 * Where the money moves, end to end: the real hooks file, the real host
 * over both transports, MariaDB, and the fake HOSTKEY API, whose state says
 * what HOSTKEY saw (orders placed, invoices paid, keys, cancellations).
 */
final class OrderLifecycleTest extends CatalogueCase
{
    use ServiceRows;

    private const ROOT_PASS = 'Root-Pass42';
    private const INVOICE = 700;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testOrderPaidCallbackRenewalAndCancellationEachHappenOnce(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)',
            'Soft' => 'Docker CE (#34)', 'Traffic' => '10 TB (#26)']);
        self::invoice(self::INVOICE, [$service]);

        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        $state = FakeApi::state();
        self::assertCount(1, $state['orders'], 'one order at HOSTKEY');
        $order = $state['orders'][0];
        self::assertSame(['vm.alpha', 'NL'], [$order['preset'], $order['location']]);
        self::assertSame('Paid', self::hostkeyInvoice($state, $order['invoice_id'])['status']);
        self::assertSame((string) $order['invoice_id'], self::field($service, 'Invoice ID'));
        self::assertSame('paid', self::job($service)['state']);

        // The same InvoicePaid again (a gateway retry): nothing more at HOSTKEY.
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertCount(1, FakeApi::state()['orders']);

        // HOSTKEY deployed the server and calls the URL it was given.
        $answer = self::postInstall($order['post_install_callback']);
        self::assertSame(200, $answer['status'], $answer['body']);
        $state = FakeApi::state();
        self::assertSame((string) $order['server_id'], self::field($service, 'Preset ID'));
        $keys = array_values(array_filter($state['api_keys'], static fn (array $k): bool =>
            (string) $k['server_id'] === (string) $order['server_id']));
        self::assertCount(1, $keys, 'one per-server key');
        $serverKey = self::field($service, 'Api key');
        self::assertNotSame('', $serverKey);
        self::assertSame('Active', self::serviceStatus($service));
        // The client area: HOSTKEY's live state, the server's facts, its panel.
        $page = hostkeyresellermod_ClientArea(['serviceid' => $service] + self::serviceParams());
        self::assertSame('templates/clientarea', $page['templatefile'], json_encode($page));
        self::assertSame('Active', $page['vars']['status']);
        $sso = 'clientarea.php?action=productdetails&id=' . $service . '&dosinglesignon=1';
        self::assertSame($sso, $page['vars']['ssoUrl']);
        $panel = 'https://panel.hostkey.com/controlpanel.html?base=127.0.0.1&key=' . $serverKey;
        self::assertSame(
            ['success' => true, 'redirectTo' => $panel],
            hostkeyresellermod_ServiceSingleSignOn(['serviceid' => $service] + self::serviceParams())
        );
        $facts = array_column($page['vars']['facts'], 'value', 'label');
        self::assertSame('#' . $order['server_id'], $facts['Server']);
        self::assertSame('NL', $facts['Location']);
        self::assertMatchesRegularExpression('/^203\.0\.113\.\d+$/', $facts['IP addresses']);
        // A replay changes nothing and creates no second key.
        $before = Db::dump();
        $replay = self::postInstall($order['post_install_callback']);
        self::assertSame(200, $replay['status']);
        self::assertStringContainsString('already linked', $replay['body']);
        self::assertCount(1, FakeApi::state()['api_keys']);
        self::assertSame($before, Db::dump());

        // Forged, tampered, unsigned and expired calls: 403, nothing changes.
        $url = $order['post_install_callback'];
        $secret = (string) Capsule::table('mod_hostkeyresellermod')->where('type', 'callback-secret')->value('name');
        $expired = time() - 60;
        $signature = hash_hmac('sha256', 'hosting=' . $service . '&expires=' . $expired, (string) hex2bin($secret));
        $refusals = [
            preg_replace('/sig=[0-9a-f]+/', 'sig=' . str_repeat('0', 64), $url),
            preg_replace('/hosting=\d+/', 'hosting=' . ($service + 1), $url),
            preg_replace('/&sig=[0-9a-f]+/', '', $url),
            'https://w/?hosting=' . $service . '&expires=' . $expired . '&sig=' . $signature,
        ];
        foreach ($refusals as $bad) {
            $refused = self::postInstall((string) $bad);
            self::assertSame(403, $refused['status'], (string) $bad);
        }
        self::assertStringContainsString('expired', $refused['body'], 'the genuine but expired one');
        // The genuine URL with another method: one sentence, nothing changes; a POST with headers replays.
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        $put = Components::callback()->handle($query, [], 'PUT', ['HTTP_USER_AGENT' => 'x']);
        self::assertSame(405, $put['status']);
        $sentence = json_decode($put['body'], true)['message'];
        self::assertSame('The post-install callback takes GET or POST, not PUT.', $sentence);
        $post = Components::callback()->handle([], $query, 'post', ['HTTP_X_SIGNATURE' => 's']);
        self::assertSame(200, $post['status'], $post['body']);
        self::assertSame($before, Db::dump());

        // Renewal: HOSTKEY raised the next invoice; the client paid WHMCS's renewal.
        $renewal = FakeApi::renewalInvoice((int) $order['server_id']);
        self::invoice(self::INVOICE + 1, [$service]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE + 1]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE + 1]);
        $state = FakeApi::state();
        self::assertSame('Paid', self::hostkeyInvoice($state, $renewal)['status']);
        self::assertCount(1, $state['orders'], 'a renewal never orders');
        $applied = array_filter(FakeApi::calls(), static fn (array $c): bool => $c['action'] === 'apply_credit');
        self::assertCount(1, $applied, 'the renewal invoice paid once (the order was paid from credit at once)');

        // The client cancels at the end of the period, twice.
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'End of Billing Period',
            'reason' => 'Moving on']);
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'End of Billing Period',
            'reason' => 'Moving on']);
        $cancellations = FakeApi::state()['cancellations'];
        self::assertCount(1, $cancellations);
        self::assertSame('End of Billing Period', $cancellations[0]['type']);
        self::assertSame('Active', self::serviceStatus($service), 'end of period: not suspended now');

        // Each money-moving call happened exactly once at HOSTKEY.
        $calls = array_count_values(array_map(
            static fn (array $c): string => $c['module'] . '/' . $c['action'],
            FakeApi::calls(),
        ));
        foreach (['eq/order_instance', 'api_keys/add', 'whmcs/apply_credit', 'whmcs/request_cancellation'] as $once) {
            self::assertSame(1, $calls[$once] ?? 0, $once);
        }
        $logs = Db::allLogText();
        // The live URL's signature (HOSTKEY was sent it) as well as the expired one's.
        foreach ([FakeApi::VALID_KEY, self::ROOT_PASS, $serverKey, $secret, $signature, $query['sig']] as $hidden) {
            self::assertStringNotContainsString($hidden, $logs);
        }
    }

    public function testATwoServiceInvoiceOrdersTwoServersEachLinkedToItsService(): void
    {
        $this->install('ffi');
        $this->import();
        $first = self::order('HKP-vm.alpha (NL)', 'a.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        $second = self::order('HKP-vm.alpha (FI)', 'b.example.test', ['OS' => 'Windows Server 2022 (#243)']);
        self::invoice(self::INVOICE, [$first, $second], withDomain: true);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        $orders = FakeApi::state()['orders'];
        self::assertCount(2, $orders);
        foreach ([$first => $orders[0], $second => $orders[1]] as $service => $order) {
            self::assertSame((string) $order['invoice_id'], self::field($service, 'Invoice ID'));
            self::assertSame(200, self::postInstall($order['post_install_callback'])['status']);
            self::assertSame((string) $order['server_id'], self::field($service, 'Preset ID'));
        }
    }

    public function testAnAnswerLostAfterHostkeyPlacedTheOrderIsFoundAndNotOrderedAgain(): void
    {
        $this->install('ffi');
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'close', 'when' => 'after']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertSame('sending', self::job($service)['state']);
        self::assertCount(1, FakeApi::state()['orders'], 'HOSTKEY placed it');
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertCount(1, FakeApi::state()['orders'], 'found, never ordered twice');
        self::assertSame('paid', self::job($service)['state']);
    }

    public function testTwoProcessesDeliveringTheSameInvoiceAtOnceOrderOnce(): void
    {
        $this->install('ffi');
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'delay', 'delay_ms' => 3000]);
        $first = self::deliverInAnotherProcess();
        self::waitFor(static fn (): bool => (self::job($service)['state'] ?? '') === 'sending');
        [$status, $second] = self::finish(self::deliverInAnotherProcess());
        self::assertSame(0, $status, $second);
        self::assertStringContainsString('another delivery is already working on it; nothing was done', $second);
        [$status, $out] = self::finish($first);
        self::assertSame(0, $status, $out);
        self::assertStringContainsString('ordered at HOSTKEY and HOSTKEY invoice', $out);
        self::assertCount(1, FakeApi::state()['orders']);
        self::assertSame('paid', self::job($service)['state']);
    }

    public function testAProcessKilledAfterSendingTheOrderIsNotOrderedAgain(): void
    {
        $this->install('ffi');
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance', 'kind' => 'delay', 'delay_ms' => 2000]);
        $killed = self::deliverInAnotherProcess();
        // 'sending' is written before the request leaves; kill only once HOSTKEY holds the order.
        self::waitFor(static fn (): bool => array_filter(
            FakeApi::calls(),
            static fn (array $call): bool => $call['action'] === 'order_instance',
        ) !== []);
        self::assertSame('sending', self::job($service)['state']);
        proc_terminate($killed[0], 9);
        self::finish($killed);
        // HOSTKEY still places the order it received.
        self::waitFor(static fn (): bool => count(FakeApi::state()['orders']) === 1);
        self::assertSame('sending', self::job($service)['state']);
        [$status, $out] = self::finish(self::deliverInAnotherProcess());
        self::assertSame(0, $status, $out);
        self::assertStringContainsString('ordered at HOSTKEY and HOSTKEY invoice', $out);
        self::assertCount(1, FakeApi::state()['orders'], 'found again, not ordered twice');
        self::assertSame('paid', self::job($service)['state']);
    }

    /** @return array{0: resource, 1: array<int, resource>} */
    private static function deliverInAnotherProcess(): array
    {
        $process = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=true', __DIR__ . '/Fixtures/invoice-paid.php', (string) self::INVOICE],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            array_filter(getenv(), 'is_string'),
        );
        self::assertIsResource($process);
        return [$process, $pipes];
    }

    /**
     * @param array{0: resource, 1: array<int, resource>} $started
     * @return array{0: int, 1: string} exit status, output
     */
    private static function finish(array $started): array
    {
        [$process, $pipes] = $started;
        $out = (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out];
    }

    private static function waitFor(callable $condition): void
    {
        $until = microtime(true) + 20;
        while (!$condition()) {
            self::assertLessThan($until, microtime(true), 'waited 20 s in vain');
            usleep(20_000);
        }
    }

    /** @dataProvider faults */
    public function testAFaultAtOrderTimeIsOneSentenceAndTheNextDeliveryCompletes(array $fault): void
    {
        $this->install('ffi');
        Host::useTransport('ffi', ['HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '2000']);
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        FakeApi::fault(['module' => 'eq', 'action' => 'order_instance'] + $fault);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertCount(0, FakeApi::state()['orders']);
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'invoice-paid')
            ->orderBy('id', 'desc')->value('response');
        self::assertMatchesRegularExpression('/^Service \d+: [^\n]+\.$/', $line);
        // A quarter of an hour on HOSTKEY still shows nothing: the order never arrived.
        Capsule::table('mod_hostkeyresellermod_pending')->update(['sent_at' => time() - 15 * 60]);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertCount(1, FakeApi::state()['orders']);
        self::assertSame('paid', self::job($service)['state']);
    }

    /** @dataProvider faults */
    public function testAFaultWhenPayingOrLinkingIsOneSentenceAndTheNextTryCompletes(array $fault): void
    {
        $this->install('ffi');
        Host::useTransport('ffi', ['HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '2000']);
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        // Paying: HOSTKEY's invoice cannot be read; the order stays recorded, nothing is re-ordered.
        FakeApi::fault(['module' => 'whmcs', 'action' => 'get_invoice'] + $fault);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertSame('ordered', self::job($service)['state']);
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'invoice-paid')
            ->orderBy('id', 'desc')->value('response');
        self::assertMatchesRegularExpression('/^Service \d+: [^\n]+\.$/', $line);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        self::assertSame('paid', self::job($service)['state']);
        self::assertCount(1, FakeApi::state()['orders']);
        // Linking: the key cannot be created; the callback answers an error and HOSTKEY's retry links.
        FakeApi::fault(['module' => 'api_keys', 'action' => 'add'] + $fault);
        $url = FakeApi::state()['orders'][0]['post_install_callback'];
        self::assertNotSame(200, self::postInstall($url)['status']);
        self::assertSame('paid', self::job($service)['state']);
        self::assertSame(200, self::postInstall($url)['status']);
        self::assertSame('linked', self::job($service)['state']);
        self::assertSame('Active', self::serviceStatus($service));
    }

    /** @return array<string, array{0: array<string, mixed>}> */
    public static function faults(): array
    {
        return [
            // No answer within the HTTP timeout (2 s here), and nothing placed.
            'timeout' => [['kind' => 'status', 'status' => 504, 'delay_ms' => 4000]],
            'HTTP 500' => [['kind' => 'status', 'status' => 500]],
            'malformed JSON' => [['kind' => 'body', 'body' => '{"result":']],
            'result error' => [['kind' => 'body', 'body' => '{"result":"error","message":"No stock"}']],
        ];
    }

    public function testAHookFailureIsLoggedInOneSentenceAndNeverThrown(): void
    {
        $this->install('ffi');
        $this->import();
        $service = self::order('HKP-vm.alpha (NL)', 'web-1.example.test', ['OS' => 'Ubuntu 22.04 (#187)']);
        self::invoice(self::INVOICE, [$service]);
        Capsule::schema()->drop('mod_hostkeyresellermod_orders');
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => self::INVOICE]);
        WhmcsShim::runHook('CancellationRequest', ['relid' => $service, 'type' => 'Immediate', 'reason' => 'x']);
        self::assertSame([], FakeApi::state()['orders']);
        $lines = Capsule::table('mod_hostkeyresellermod_log')->whereIn('action', ['invoice-paid', 'cancellation'])
            ->orderBy('id')->pluck('response')->all();
        self::assertCount(2, $lines);
        foreach ($lines as $line) {
            self::assertMatchesRegularExpression('/^Service \d+: .*database refused.*\.$/', $line);
        }
    }

    public function testCheckoutRefusesAWeakRootPasswordForOurProductsOnly(): void
    {
        $this->install('ffi');
        $this->import();
        $errors = Components::hooks()->validateCheckout(['products' => [
            ['pid' => self::productId('HKP-vm.alpha (NL)'), 'server' => ['rootpw' => 'weak']],
            ['pid' => self::productId('HKP-vm.alpha (FI)'), 'server' => ['rootpw' => 'Good-Pass1']],
            ['pid' => 7, 'server' => ['rootpw' => 'x']],
        ]]);
        self::assertSame(['HKP-vm.alpha (NL): The root password must be 8 to 30 characters long.'], $errors);
    }

    /**
     * A client's service of a product with chosen options (kind => sub-option name).
     *
     * @param array<string, string> $choices
     */
    private static function order(string $product, string $hostname, array $choices): int
    {
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => 3, 'packageid' => self::productId($product), 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => $hostname,
            'password' => WhmcsShim::encrypt(self::ROOT_PASS),
        ]);
        foreach ($choices as $kind => $sub) {
            $option = Capsule::table('tblproductconfigoptionssub as s')
                ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
                ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
                ->where('l.pid', self::productId($product))->where('o.optionname', 'like', $kind . ' %')
                ->where('s.optionname', $sub)->first(['o.id as configid', 's.id as optionid']);
            self::assertNotNull($option, $product . ': ' . $sub);
            Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
                'optionid' => $option->optionid, 'qty' => 0]);
        }
        return $service;
    }

    /** @param list<int> $services */
    private static function invoice(int $id, array $services, bool $withDomain = false): void
    {
        Capsule::table('tblinvoices')->insert(['id' => $id, 'userid' => 3, 'status' => 'Paid', 'total' => '10.00',
            'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29 12:00:00']);
        foreach ($services as $service) {
            Capsule::table('tblinvoiceitems')->insert(['invoiceid' => $id, 'userid' => 3, 'type' => 'Hosting',
                'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        }
        if ($withDomain) {
            Capsule::table('tblinvoiceitems')->insert(['invoiceid' => $id, 'userid' => 3, 'type' => 'Domain',
                'relid' => $services[0], 'description' => 'example.test', 'amount' => '9.99']);
        }
    }

    /** @return array{status: int, body: string} */
    private static function postInstall(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        return Components::callback()->handle($query, []);
    }

    /** @return array<string, mixed> */
    private static function job(int $service): array
    {
        return (array) Capsule::table('mod_hostkeyresellermod_orders')->where('service_id', $service)
            ->where('purpose', 'order')->first();
    }

    private static function serviceStatus(int $service): string
    {
        return (string) Capsule::table('tblhosting')->where('id', $service)->value('domainstatus');
    }

    /**
     * @param array<string, mixed> $state
     * @return array<string, mixed>
     */
    private static function hostkeyInvoice(array $state, int|string $id): array
    {
        foreach ($state['invoices'] as $invoice) {
            if ((string) $invoice['id'] === (string) $id) {
                return $invoice;
            }
        }
        self::fail('HOSTKEY has no invoice ' . $id);
    }
}
