<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use PHPUnit\Framework\TestCase;
use WhmcsShim;

/**
 * A test that runs the real module files through the built host, once per
 * transport (data provider `transports`).
 */
abstract class EndToEndCase extends TestCase
{
    /** @return array<string, array{0: string}> */
    public static function transports(): array
    {
        return ['ffi' => ['ffi'], 'cli' => ['cli']];
    }

    protected function setUp(): void
    {
        $reason = Host::unavailableReason();
        if ($reason !== null) {
            self::markTestSkipped($reason);
        }
        Db::reset();
        WhmcsShim::reset();
        // The pages are looked at as client 3, who owns the services the tests
        // make (single sign-on checks who is signed in).
        $_SESSION = ['uid' => 3];
        if (FakeApi::available()) {
            FakeApi::reset();
        }
        require_once ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';
        require_once ROOTDIR . '/modules/servers/hostkeyresellermod/hostkeyresellermod.php';
    }

    protected function tearDown(): void
    {
        $_SESSION = [];
        Host::resetEnvironment();
    }

    protected function requireFakeApi(): void
    {
        if (!FakeApi::available()) {
            self::markTestSkipped('the fake HOSTKEY API is not running (HOSTKEYRESELLERMOD_FAKE_API_PORT)');
        }
    }

    /** Addon settings pointing at the fake API with the given key. */
    protected function configure(string $apiKey): void
    {
        $this->requireFakeApi();
        Db::setSettings(['apiurl' => FakeApi::url(), 'apikey' => $apiKey]);
    }

    /**
     * What WHMCS passes to TestConnection for a server row without a password:
     * the addon settings are used.
     *
     * @return array<string, mixed>
     */
    protected static function serverParams(string $password = ''): array
    {
        return [
            'serverid' => 0,
            'serverhostname' => '',
            'serverip' => '',
            'serverusername' => '',
            'serverpassword' => $password,
            'serveraccesshash' => '',
            'serversecure' => true,
            'serverport' => '',
        ];
    }

    /**
     * What WHMCS passes to a provisioning function of a service.
     *
     * @return array<string, mixed>
     */
    protected static function serviceParams(): array
    {
        return [
            'serviceid' => 12,
            'userid' => 3,
            'pid' => 7,
            'serverid' => 0,
            'server' => false,
            'domain' => 'vm1.example.test',
            'username' => 'root',
            'password' => 'Secret-Pass1',
            'configoption1' => '101',
            'configoption2' => 'NL',
            'clientsdetails' => [
                'userid' => 3, 'firstname' => 'Cleo', 'lastname' => 'Client', 'companyname' => '',
                'email' => 'cleo@example.test', 'currency' => 1,
            ],
            'customfields' => ['Invoice ID' => '', 'Api key' => '', 'Preset ID' => ''],
            'configoptions' => ['OS vm.mini (NL)' => 'Ubuntu 24.04 (#5)'],
        ];
    }
}
