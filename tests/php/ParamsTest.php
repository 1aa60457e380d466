<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminRequest;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ConfigFields;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServerParams;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServiceParams;

/**
 * WHMCS's arrays mapped to the contract's records and back.
 */
final class ParamsTest extends TestCase
{
    public function testServerParamsBecomeTheServerRecord(): void
    {
        $server = ServerParams::fromParams([
            'serverid' => '4', 'serverhostname' => ' invapi.hostkey.ru ', 'serverip' => '198.51.100.7',
            'serverusername' => 'reseller', 'serverpassword' => 'key ', 'serveraccesshash' => 'hash',
            'serversecure' => 'on', 'serverport' => '8443',
        ]);
        self::assertSame([
            'id' => 4, 'hostname' => 'invapi.hostkey.ru', 'ip-address' => '198.51.100.7', 'username' => 'reseller',
            'password' => 'key', 'access-hash' => 'hash', 'secure' => true, 'port' => 8443,
        ], $server);
        $bare = ServerParams::fromParams(['serversecure' => false, 'serverport' => '']);
        self::assertFalse($bare['secure']);
        self::assertNull($bare['port']);
        self::assertNull($bare['id'], 'no tblservers row: none, not 0');
    }

    public function testServiceParamsBecomeTheServiceParamsRecord(): void
    {
        $model = new class {
            /** @return array<string, mixed> */
            public function getAttributes(): array
            {
                return ['orderid' => 31, 'billingcycle' => 'Monthly', 'domainstatus' => 'Pending'];
            }
        };
        $params = [
            'serviceid' => 12, 'userid' => 3, 'pid' => 7, 'domain' => 'vm1.example.test', 'username' => 'root',
            'password' => ' Pass word1 ', 'model' => $model, 'server' => true, 'serverid' => 2,
            'serverhostname' => 'invapi.hostkey.com', 'serversecure' => true, 'serverport' => '',
            'configoption1' => '101', 'configoption2' => 'NL', 'configoption7' => 'RTX',
            'clientsdetails' => ['userid' => 3, 'firstname' => 'Cleo', 'lastname' => 'Client',
                'companyname' => 'ACME', 'email' => 'cleo@example.test', 'currency' => '2'],
            'configoptions' => ['OS vm.mini (NL)' => 'Ubuntu (#5)', 'Traffic' => 3],
            'customfields' => ['Invoice ID' => '770001', 'Api key' => ''],
        ];
        $record = ServiceParams::fromParams($params);
        self::assertSame([
            'id' => 12, 'client-id' => 3, 'order-id' => 31, 'product-id' => 7, 'domain' => 'vm1.example.test',
            'username' => 'root', 'password' => ' Pass word1 ', 'status' => 'pending', 'billing-cycle' => 'monthly',
        ], $record['service']);
        $cycle = static fn (string $whmcs): ?string => ServiceParams::fromParams(['billingcycle' => $whmcs])
            ['service']['billing-cycle'];
        self::assertSame('semi-annually', $cycle('Semi-Annually'));
        self::assertSame('free-account', $cycle('Free Account'));
        self::assertSame('one-time', $cycle('One Time'));
        self::assertNull($cycle('Fortnightly'), 'a cycle WHMCS does not document is none');
        self::assertNull(ServiceParams::fromParams([])['service']['status']);
        self::assertCount(24, $record['product']['config-options']);
        self::assertSame(['101', 'NL'], array_slice($record['product']['config-options'], 0, 2));
        self::assertSame('RTX', $record['product']['config-options'][6]);
        self::assertSame('', $record['product']['config-options'][23]);
        self::assertSame(2, $record['client']['currency-id']);
        self::assertNull($record['product']['group-id'], 'WHMCS passed no gid');
        self::assertNull(ServiceParams::fromParams(['orderid' => '0'])['service']['order-id']);
        self::assertSame('cleo@example.test', $record['client']['email']);
        self::assertSame('invapi.hostkey.com', $record['server']['hostname']);
        self::assertSame([
            ['name' => 'OS vm.mini (NL)', 'value' => 'Ubuntu (#5)'],
            ['name' => 'Traffic', 'value' => '3'],
        ], $record['chosen-options']);
        self::assertSame(
            [['name' => 'Invoice ID', 'value' => '770001'], ['name' => 'Api key', 'value' => '']],
            $record['custom-fields'],
        );
        self::assertNull(ServiceParams::fromParams(['server' => false])['server']);
    }

    public function testConfigFieldsBecomeWhmcsFieldSchema(): void
    {
        $fields = ConfigFields::toWhmcs([
            ['key' => 'importsource', 'friendly-name' => 'Source', 'kind' => 'dropdown', 'size' => null,
                'default' => 'auto', 'description' => 'Where',
                'options' => [['auto', 'Automatic'], ['ini', 'import.ini']]],
            ['key' => 'apikey', 'friendly-name' => 'API key', 'kind' => 'password', 'size' => 40,
                'default' => null, 'description' => '', 'options' => []],
            'garbage',
        ]);
        self::assertSame([
            'importsource' => ['FriendlyName' => 'Source', 'Type' => 'dropdown', 'Default' => 'auto',
                'Description' => 'Where', 'Options' => ['auto' => 'Automatic', 'ini' => 'import.ini']],
            'apikey' => ['FriendlyName' => 'API key', 'Type' => 'password', 'Size' => '40', 'Description' => ''],
        ], $fields);
    }

    public function testAdminRequestsCarryOnlyPlainFieldsAndAKnownActionShape(): void
    {
        $request = AdminRequest::fromPost([
            'token' => 'secret-token', 'action' => 'import-preview', 'markup' => ['vps' => '10', 'bm' => '5'],
            'round' => 4, 'bad name' => 'x', 'note' => '<b>',
        ]);
        self::assertSame('import-preview', $request['action']);
        self::assertSame(
            [['markup[vps]', '10'], ['markup[bm]', '5'], ['round', '4'], ['note', '<b>']],
            $request['form'],
        );
        self::assertSame('view', AdminRequest::fromPost(['action' => 'Drop Tables'])['action']);
    }

    public function testTheCsrfGuardComparesTheSessionToken(): void
    {
        $guard = new CsrfGuard('abc123');
        self::assertTrue($guard->valid('abc123'));
        self::assertFalse($guard->valid('abc124'));
        self::assertFalse($guard->valid(['abc123']));
        self::assertFalse((new CsrfGuard(''))->valid(''));
        self::assertSame(\WhmcsShim::TOKEN, CsrfGuard::fromWhmcs()->token());
    }
}
