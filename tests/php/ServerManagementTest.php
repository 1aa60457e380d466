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
 * Server management end to end: the real server module file, the real host
 * over both transports, MariaDB, and the fake HOSTKEY API, whose request log
 * says which calls were sent (and which were not).
 */
final class ServerManagementTest extends CatalogueCase
{
    use ServiceRows;

    private const ROOT_PASS = 'Root-Pass42';
    private const OWNER = 3;
    private const HOSTILE = '<script>alert("x")</script>';

    private int $invoice = 800;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testClientPowerActionsSendOneCallTrackProgressAndAreRateLimited(string $transport): void
    {
        $service = $this->linkedService($transport);
        $page = hostkeyresellermod_ClientArea(self::params($service));
        self::assertSame('templates/clientarea', $page['templatefile'], json_encode($page));
        $vars = $page['vars'];
        self::assertSame($vars['facts'], array_values($vars['facts']));
        self::assertSame($service, $vars['serviceId']);
        self::assertSame('clientarea.php?action=productdetails&id=' . $service, $vars['actionUrl']);
        self::assertSame(['power' => 'on', 'label' => 'Running', 'busy' => false, 'busyLabel' => ''], $vars['server']);
        self::assertSame(['on', 'off', 'reboot', 'reinstall', 'refresh'], array_column($vars['actions'], 'op'));
        self::assertSame([false, true, true, true, true], array_column($vars['actions'], 'enabled'));
        self::assertContains(['id' => 187, 'name' => 'Ubuntu 22.04'], $vars['osChoices']);
        self::assertSame('', $vars['errorMessage']);

        $first = $this->click($service, ['op' => 'reboot']);
        self::assertTrue($first['ok'], $first['message']);
        $busy = ['power' => 'on', 'label' => 'Running', 'busy' => true, 'busyLabel' => 'Rebooting…'];
        self::assertSame($busy, $first['server']);
        for ($i = 0; $i < 9; $i++) {
            $again = $this->click($service, ['op' => 'reboot']);
            self::assertFalse($again['ok']);
            self::assertNotSame('', $again['message']);
        }
        self::assertSame(1, self::sent('reboot'), 'ten clicks, one request');

        // The page polls: HOSTKEY's key answers "Not ready" twice, then done.
        $polls = [];
        for ($i = 0; $i < 3; $i++) {
            $polls[] = $this->click($service, ['op' => 'status'])['server']['busy'];
        }
        self::assertSame([true, true, false], $polls);
        self::assertSame(3, count(self::calls('eq_callback', 'check')));
        self::assertSame(1, self::sent('reboot'), 'a poll never sends a power action');

        $limited = $this->click($service, ['op' => 'off']);
        self::assertFalse($limited['ok']);
        self::assertStringContainsString('One action per 30 seconds', $limited['message']);
        self::assertSame(0, self::sent('off'));
        $log = Capsule::table('mod_hostkeyresellermod_log')->where('action', 'server-action')->pluck('response')->all();
        self::assertSame(['reboot of HOSTKEY server ' . self::server($service) . ' sent.'], $log);
    }

    public function testAnotherClientAMissingTokenOrASuspendedServiceIsRefusedWithoutACall(): void
    {
        $service = $this->linkedService('ffi');
        $before = count(FakeApi::calls());
        $stranger = Components::server()->clientAction(self::params($service), ['op' => 'off',
            'token' => WhmcsShim::TOKEN], WhmcsShim::TOKEN, self::OWNER + 1);
        self::assertSame([false, 'Only the owner of this service may manage its server.'], [$stranger['ok'],
            $stranger['message']]);
        self::assertSame([], $stranger['actions']);
        foreach ([[], ['token' => ''], ['token' => 'forged']] as $token) {
            $answer = Components::server()->clientAction(
                self::params($service),
                ['op' => 'off'] + $token,
                WhmcsShim::TOKEN,
                self::OWNER
            );
            self::assertFalse($answer['ok']);
            self::assertStringContainsString('session has expired', $answer['message']);
        }
        self::assertSame($before, count(FakeApi::calls()), 'no call at all, not even a login');

        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Suspended']);
        $suspended = $this->click($service, ['op' => 'on']);
        self::assertFalse($suspended['ok']);
        self::assertSame('Server actions are available only while the service is Active.', $suspended['message']);
        self::assertSame(0, self::sent('on'));
    }

    public function testSuspendUnsuspendAndTerminateEachCallOnceAndRepeatSafely(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        self::assertSame(1, self::sent('off'));
        self::assertSame('suspended', self::ops($service)['hold']);
        self::assertSame([0], self::keysActive($service), 'the panel key cannot log in while suspended');
        // WHMCS marks it Suspended; the page's live read (rental state `rent`) keeps it so.
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Suspended']);
        self::assertSame('Suspended', hostkeyresellermod_ClientArea($params)['vars']['status']);
        self::assertSame('Suspended', Capsule::table('tblhosting')->where('id', $service)->value('domainstatus'));
        Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => 'Active']);
        $sso = hostkeyresellermod_ServiceSingleSignOn($params);
        self::assertSame([false, 'Single sign-on is available only while the service is Active.'], [
            $sso['success'], $sso['errorMsg']]);

        self::assertSame('success', hostkeyresellermod_UnsuspendAccount($params));
        self::assertSame('success', hostkeyresellermod_UnsuspendAccount($params));
        self::assertSame(1, self::sent('on'));
        self::assertSame('', self::ops($service)['hold']);
        self::assertSame([1], self::keysActive($service));
        self::assertCount(2, self::calls('api_keys', 'edit'));

        self::assertSame('success', hostkeyresellermod_TerminateAccount($params));
        self::assertSame('success', hostkeyresellermod_TerminateAccount($params));
        self::assertSame(2, self::sent('off'));
        self::assertCount(1, self::calls('whmcs', 'request_cancellation'));
        self::assertSame('Immediate', FakeApi::state()['cancellations'][0]['type']);
        self::assertSame('terminated', self::ops($service)['hold']);
        $log = Capsule::table('mod_hostkeyresellermod_log')->whereIn('action', ['suspend', 'unsuspend', 'terminate'])
            ->orderBy('id')->pluck('action')->all();
        self::assertSame(['suspend', 'suspend', 'unsuspend', 'unsuspend', 'terminate', 'terminate'], $log);
    }

    public function testAnApiFaultIsOneSentenceAndChangesNothing(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        $refusal = json_encode(['code' => -1, 'message' => 'Server ' . self::HOSTILE . ' is locked']);
        FakeApi::fault(['module' => 'eq', 'action' => 'off', 'kind' => 'body', 'body' => $refusal, 'times' => 2]);
        $before = Db::dump();
        $answer = hostkeyresellermod_SuspendAccount($params);
        self::assertSame('The HOSTKEY API refused eq/off: Server ' . self::HOSTILE . ' is locked.', $answer);
        $click = $this->click($service, ['op' => 'off']);
        self::assertSame([false, 'The HOSTKEY API refused eq/off: Server ' . self::HOSTILE . ' is locked.'], [
            $click['ok'], $click['message']]);
        self::assertSame($before, Db::dump(), 'nothing written but the logs');
        self::assertSame([1], self::keysActive($service), 'a refused power-off leaves the server keys on');
        FakeApi::fault(['module' => 'eq', 'action' => 'show', 'kind' => 'body',
            'body' => json_encode(['code' => -1, 'message' => self::HOSTILE])]);
        $tab = implode("\n", hostkeyresellermod_AdminServicesTabFields($params));
        self::assertStringNotContainsString('<script>', $tab);
        self::assertStringContainsString('&lt;script&gt;', $tab, 'the API message is shown, escaped');

        self::assertSame('success', hostkeyresellermod_SuspendAccount($params), 'the next try works');
        self::assertSame(3, self::sent('off'));
    }

    public function testAReadNeverRaisesAStatusAndAClientsOwnPowerOffDoesNotSuspend(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        self::assertTrue($this->click($service, ['op' => 'off'])['ok']);
        for ($i = 0; $i < 3; $i++) {
            $this->click($service, ['op' => 'status']);
        }
        $page = hostkeyresellermod_ClientArea($params)['vars'];
        self::assertSame(['Active', 'off'], [$page['status'], $page['server']['power']]);
        Components::hooks()->syncServerStatus();
        self::assertSame('Active', self::status($service), 'powered off by its owner, still Active');

        // Set by an admin, WHMCS or the public module (no hold of ours): HOSTKEY's `rent` lifts none.
        foreach (['Suspended', 'Terminated', 'Cancelled', 'Fraud'] as $status) {
            Capsule::table('tblhosting')->where('id', $service)->update(['domainstatus' => $status]);
            self::assertSame($status, hostkeyresellermod_ClientArea($params)['vars']['status']);
            Components::hooks()->syncServerStatus();
            self::assertSame($status, self::status($service));
            self::assertFalse(hostkeyresellermod_ServiceSingleSignOn($params)['success']);
        }
    }

    public function testTheMarketplaceFileClaimsOnlyWhatTheModuleOffers(): void
    {
        $file = ROOTDIR . '/modules/servers/hostkeyresellermod/whmcs.json';
        $meta = json_decode((string) file_get_contents($file), true);
        $features = strtolower(implode("\n", $meta['description']['features']));
        self::assertStringNotContainsString('renew', $features, 'HOSTKEY renews; the module has no renewal');
        self::assertFalse(function_exists('hostkeyresellermod_Renew'));
        self::assertDoesNotMatchRegularExpression('/reinstall[^;]*admin/', $features, 'no admin reinstall button');
        $offered = ['suspend' => 'SuspendAccount', 'unsuspend' => 'UnsuspendAccount',
            'terminate' => 'TerminateAccount', 'reboot' => 'Reboot', 'single sign-on' => 'ServiceSingleSignOn'];
        foreach ($offered as $word => $function) {
            self::assertStringContainsString($word, $features);
            self::assertTrue(function_exists('hostkeyresellermod_' . $function), $function);
        }
    }

    public function testReinstallNeedsConfirmationAnOfferedOsAndAValidPassword(): void
    {
        $service = $this->linkedService('ffi');
        $reinstall = ['op' => 'reinstall', 'os_id' => '187', 'password' => 'New-Pass99', 'confirm' => '1'];
        $refusals = [
            'Confirm the reinstall first' => ['confirm' => ''] + $reinstall,
            'Choose one of the operating systems' => ['os_id' => '999'] + $reinstall,
            'must be 8 to 30 characters' => ['password' => 'weak'] + $reinstall,
        ];
        foreach ($refusals as $sentence => $post) {
            $answer = $this->click($service, $post);
            self::assertFalse($answer['ok']);
            self::assertStringContainsString($sentence, $answer['message']);
        }
        self::assertSame(1, self::sent('order_instance'), 'the order only');
        $done = $this->click($service, $reinstall);
        self::assertTrue($done['ok'], $done['message']);
        self::assertSame('Reinstalling…', $done['server']['busyLabel']);
        // HOSTKEY's own client reinstalls with order_instance, id=<server> and no preset.
        self::assertSame(0, self::sent('reinstall'));
        $sent = array_slice(self::calls('eq', 'order_instance'), 1);
        self::assertCount(1, $sent);
        self::assertSame([(string) self::server($service), '187', '***'], [$sent[0]['params']['id'],
            $sent[0]['params']['os_id'], $sent[0]['params']['root_pass']]);
        self::assertArrayNotHasKey('preset', $sent[0]['params']);
        self::assertStringNotContainsString('New-Pass99', Db::allLogText());
    }

    public function testSingleSignOnUsesTheServersKeyAndTheResellerKeyAppearsNowhere(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        $serverKey = self::field($service, 'Api key');
        $sso = hostkeyresellermod_ServiceSingleSignOn($params);
        self::assertSame(['success' => true,
            'redirectTo' => 'https://panel.hostkey.com/controlpanel.html?base=127.0.0.1&key=' . $serverKey], $sso);
        $meta = hostkeyresellermod_MetaData();
        self::assertSame('Open control panel', $meta['ServiceSingleSignOnLabel']);
        self::assertArrayNotHasKey('AdminSingleSignOnLabel', $meta);
        foreach (['AdminSingleSignOn', 'ChangePassword', 'UsageUpdate'] as $notOffered) {
            self::assertFalse(function_exists('hostkeyresellermod_' . $notOffered), $notOffered);
        }

        $tab = hostkeyresellermod_AdminServicesTabFields($params);
        self::assertSame((string) self::server($service), $tab['HOSTKEY server id']);
        self::assertSame('••••' . substr($serverKey, -4), $tab['Server API key']);
        self::assertStringNotContainsString($serverKey, implode("\n", $tab));

        $seen = json_encode([
            hostkeyresellermod_ClientArea($params), $this->click($service, ['op' => 'status']),
            hostkeyresellermod_AdminCustomButtonArray($params), $tab, $sso, FakeApi::calls(),
        ]) . Db::allLogText();
        self::assertStringNotContainsString(FakeApi::VALID_KEY, $seen);

        // Without its own key the server has no sign-on: the reseller's key is never a stand-in.
        Capsule::table('tblcustomfieldsvalues as v')->join('tblcustomfields as f', 'f.id', '=', 'v.fieldid')
            ->where('v.relid', $service)->where('f.fieldname', 'Api key')->update(['v.value' => '']);
        $none = hostkeyresellermod_ServiceSingleSignOn($params);
        self::assertFalse($none['success']);
        self::assertSame('', hostkeyresellermod_ClientArea($params)['vars']['ssoUrl']);
    }

    public function testAdminButtonsAreAlwaysListedAndRunOnce(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params), 'reads the power: on');
        $all = ['Power on' => 'PowerOn', 'Power off' => 'PowerOff', 'Reboot' => 'Reboot',
            'Refresh status' => 'RefreshStatus'];
        self::assertSame($all, hostkeyresellermod_AdminCustomButtonArray($params));
        self::assertSame('success', hostkeyresellermod_PowerOff($params));
        // WHMCS's list has no disabled state: still listed while HOSTKEY works.
        self::assertSame($all, hostkeyresellermod_AdminCustomButtonArray($params));
        self::assertSame(
            'The power-off is still running at HOSTKEY, so the power-off was not sent; click again once it is done.',
            hostkeyresellermod_PowerOff($params)
        );
        self::assertSame(1, self::sent('off'));
    }

    public function testTheTabRelinksOnlyToAServerOfTheResellersAccount(): void
    {
        $service = $this->linkedService('ffi');
        $params = self::params($service);
        $server = Components::server();
        self::assertStringContainsString(
            'not in the reseller\'s account',
            $server->serviceTabSave($params, ['hostkeyresellermod_server_id' => '99999'])
        );
        self::assertSame((string) self::server($service), self::field($service, 'Preset ID'));
        self::assertSame(
            'The HOSTKEY server id must be a positive number.',
            $server->serviceTabSave($params, ['hostkeyresellermod_server_id' => '1; DROP'])
        );
        self::assertSame(
            'Service ' . $service . ' re-linked to HOSTKEY server 40001 by hand.',
            $server->serviceTabSave($params, ['hostkeyresellermod_server_id' => '40001'])
        );
        self::assertSame('40001', self::field($service, 'Preset ID'));
        $key = self::field($service, 'Api key');
        self::assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $key, 'a key of the new server');
        self::assertSame(
            'https://panel.hostkey.com/controlpanel.html?base=127.0.0.1&key=' . $key,
            hostkeyresellermod_ServiceSingleSignOn($params)['redirectTo']
        );
        self::assertStringNotContainsString($key, Db::allLogText());
        self::assertSame('40001', hostkeyresellermod_AdminServicesTabFields($params)['HOSTKEY server id']);
    }

    public function testTheCronSyncReadsEveryServerAndOneFailureStopsNoOther(): void
    {
        $first = $this->linkedService('ffi');
        $second = $this->order('web-2.example.test');
        FakeApi::fault(['module' => 'eq', 'action' => 'show', 'kind' => 'status', 'status' => 500, 'times' => 1]);
        $line = Components::hooks()->syncServerStatus();
        self::assertIsString($line);
        self::assertStringStartsWith('Status sync: 1 of 2 linked services read, 0 statuses changed, 1 failed.', $line);
        self::assertStringContainsString('service ' . $first . ': ', $line);
        self::assertNotSame('', (string) self::ops($second)['synced_at']);
        self::assertSame($line, Capsule::table('mod_hostkeyresellermod_log')->where('action', 'status-sync')
            ->value('response'));
    }

    /** A service ordered, paid and linked through the real hooks and callback. */
    private function linkedService(string $transport): int
    {
        $this->install($transport);
        $this->import();
        return $this->order('web-1.example.test');
    }

    private function order(string $hostname): int
    {
        $product = self::productId('HKP-vm.alpha (NL)');
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => self::OWNER, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => $hostname,
            'password' => WhmcsShim::encrypt(self::ROOT_PASS),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', $product)->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        $invoice = $this->invoice++;
        Capsule::table('tblinvoices')->insert(['id' => $invoice, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => $invoice, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => $invoice]);
        $orders = FakeApi::state()['orders'];
        parse_str((string) parse_url(end($orders)['post_install_callback'], PHP_URL_QUERY), $query);
        $answer = Components::callback()->handle($query, []);
        self::assertSame(200, $answer['status'], $answer['body']);
        self::assertSame('Active', Capsule::table('tblhosting')->where('id', $service)->value('domainstatus'));
        return $service;
    }

    /** @return array<string, mixed> */
    private static function params(int $service): array
    {
        return ['serviceid' => $service, 'userid' => self::OWNER] + self::serviceParams();
    }

    /**
     * One click of the page's script, as the owner with WHMCS's token.
     *
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

    /** @return list<array<string, mixed>> */

    private static function sent(string $eqAction): int
    {
        return count(self::calls('eq', $eqAction));
    }

    private static function server(int $service): int
    {
        return (int) self::field($service, 'Preset ID');
    }

    /** @return list<int> the active flag of each key of the service's server at HOSTKEY */
    private static function keysActive(int $service): array
    {
        $server = self::server($service);
        $keys = array_filter(FakeApi::state()['api_keys'], static fn (array $k): bool =>
            (string) $k['server_id'] === (string) $server);
        return array_values(array_map(static fn (array $k): int => (int) $k['active'], $keys));
    }

    /** @return array<string, mixed> */
    private static function ops(int $service): array
    {
        return (array) Capsule::table('mod_hostkeyresellermod_servers')->where('service_id', $service)->first();
    }
}
