<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WhmcsShim;

/**
 * Tracked actions never block silently, and reads are throttled: the admin's
 * click while HOSTKEY still runs an earlier action follows it first, then
 * acts or says in one sentence what still runs (unsuspend, then reboot: the
 * reboot goes once the power-on is done); fifty clicks on Refresh, by the
 * admin and the client, cost one `auth/login` and one `eq/show`.
 */
final class TrackedActionsTest extends CatalogueCase
{
    private const OWNER = 3;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testTheAdminsRebootAfterAnUnsuspendIsSentOnceThePowerOnIsDone(string $transport): void
    {
        $params = $this->linkedService($transport);
        self::assertSame('success', hostkeyresellermod_SuspendAccount($params));
        self::assertSame('success', hostkeyresellermod_UnsuspendAccount($params));
        self::assertSame(1, self::callCount('eq', 'on'));
        self::assertArrayHasKey('Reboot', hostkeyresellermod_AdminCustomButtonArray($params), 'listed while tracked');

        // HOSTKEY's key answers "Not ready" twice (the fake's action_checks), then done.
        $running = 'The power-on is still running at HOSTKEY, so the reboot was not sent; '
            . 'click again once it is done.';
        self::assertSame($running, hostkeyresellermod_Reboot($params));
        self::assertSame($running, hostkeyresellermod_Reboot($params));
        self::assertSame(0, self::callCount('eq', 'reboot'));
        self::assertSame('success', hostkeyresellermod_Reboot($params), 'followed, done, then sent');
        self::assertSame(1, self::callCount('eq', 'reboot'));
        self::assertSame(3, self::callCount('eq_callback', 'check'));

        // The interval does not refuse the admin: the reboot, once done, lets a power-off through at once.
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
        self::assertSame('success', hostkeyresellermod_PowerOff($params));
        self::assertSame(2, self::callCount('eq', 'off'), 'the suspension\'s and this one');
    }

    /** @dataProvider transports */
    public function testFiftyRefreshesCostOneLoginAndOneRead(string $transport): void
    {
        $params = $this->linkedService($transport);
        $serviceId = (int) $params['serviceid'];
        Capsule::table('mod_hostkeyresellermod_servers')->where('service_id', $serviceId)
            ->update(['synced_at' => null]);
        [$logins, $reads] = [self::callCount('auth', 'login'), self::callCount('eq', 'show')];
        for ($i = 0; $i < 25; $i++) {
            self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
            $click = Components::server()->clientAction(
                $params,
                ['op' => 'refresh', 'token' => WhmcsShim::TOKEN],
                WhmcsShim::TOKEN,
                self::OWNER
            );
            self::assertTrue($click['ok'], $click['message']);
            self::assertSame('on', $click['server']['power']);
        }
        self::assertSame([1, 1], [self::callCount('auth', 'login') - $logins, self::callCount('eq', 'show') - $reads]);

        // Once the interval has passed, the next refresh reads again (one session, one read).
        $old = gmdate('Y-m-d H:i:s', time() - 31);
        Capsule::table('mod_hostkeyresellermod_servers')->where('service_id', $serviceId)
            ->update(['synced_at' => $old]);
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
        self::assertSame('success', hostkeyresellermod_RefreshStatus($params));
        self::assertSame([2, 2], [self::callCount('auth', 'login') - $logins, self::callCount('eq', 'show') - $reads]);
    }

    /** @return array<string, mixed> the params of a service ordered, paid and linked */
    private function linkedService(string $transport): array
    {
        $this->install($transport);
        $this->import();
        $product = self::productId('HKP-vm.alpha (NL)');
        $service = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => self::OWNER, 'packageid' => $product, 'domainstatus' => 'Pending',
            'regdate' => '2026-11-29', 'billingcycle' => 'Monthly', 'domain' => 'tracked.example.test',
            'password' => WhmcsShim::encrypt('Root-Pass42'),
        ]);
        $option = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', $product)->where('o.optionname', 'like', 'OS %')
            ->where('s.optionname', 'Ubuntu 22.04 (#187)')->first(['o.id as configid', 's.id as optionid']);
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $option->configid,
            'optionid' => $option->optionid, 'qty' => 0]);
        Capsule::table('tblinvoices')->insert(['id' => 920, 'userid' => self::OWNER, 'status' => 'Paid',
            'total' => '10.00', 'date' => '2026-11-29', 'duedate' => '2026-11-29', 'datepaid' => '2026-11-29']);
        Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 920, 'userid' => self::OWNER,
            'type' => 'Hosting', 'relid' => $service, 'description' => 'Server', 'amount' => '5.00']);
        WhmcsShim::runHook('InvoicePaid', ['invoiceid' => 920]);
        $orders = FakeApi::state()['orders'];
        parse_str((string) parse_url(end($orders)['post_install_callback'], PHP_URL_QUERY), $query);
        $answer = Components::callback()->handle($query, []);
        self::assertSame(200, $answer['status'], $answer['body']);
        return ['serviceid' => $service, 'userid' => self::OWNER] + self::serviceParams();
    }

    private static function callCount(string $module, string $action): int
    {
        return count(array_filter(FakeApi::calls(), static fn (array $c): bool =>
            $c['module'] === $module && $c['action'] === $action));
    }
}
