<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use HostkeyResellerMod\Tests\Support\OtherModules;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\WhmcsPlatform;

/**
 * The PHP wall on its own: the shipped grants applied by CapabilityHandler over
 * the real MariaDB, as if a request had got past the host.
 */
final class GrantsTest extends TestCase
{
    public const INJECTED_DEFAULT = "x') SELECT username AS a, passwordhash AS b FROM tbladmins -- ";

    private CapabilityHandler $handler;
    private MemoryPlatform $platform;

    protected function setUp(): void
    {
        Db::reset();
        Capsule::table('tblclients')->truncate();
        Capsule::table('tblclients')->insert([
            'id' => 1, 'firstname' => 'Ann', 'email' => 'ann@example.test', 'password' => '$2y$10$clienthash',
            'currency' => 1,
        ]);
        Db::setSettings(['apikey' => 'k']);
        Capsule::table('tbladdonmodules')->insert(['module' => 'stripe', 'setting' => 'secret', 'value' => 'sk_live']);
        $this->platform = new MemoryPlatform();
        $this->handler = new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), $this->platform);
    }

    protected function tearDown(): void
    {
        OtherModules::forget();
        Capsule::table('tbladdonmodules')->where('module', 'stripe')->delete();
        Capsule::table('tblclients')->truncate();
    }

    /**
     * @param array<string, mixed> $args
     * @return array<string, mixed>
     */
    private function ask(string $op, array $args): array
    {
        $answer = $this->handler->handle(json_encode(['op' => $op, 'args' => $args], JSON_THROW_ON_ERROR));
        return json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, mixed> */
    private static function logTable(mixed $default): array
    {
        return ['definition' => [
            'name' => 'mod_hostkeyresellermod_log',
            'columns' => [
                ['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null],
                ['name' => 'module', 'kind' => 'short-text', 'nullable' => true, 'default' => $default],
            ],
            'indexes' => [],
        ]];
    }

    public function testTheCreateTablePayloadIsRefusedEvenWithoutTheHost(): void
    {
        // Typed as the contract now sends it, and raw as it was sent before.
        foreach ([['short-text' => self::INJECTED_DEFAULT], self::INJECTED_DEFAULT] as $default) {
            $answer = $this->ask('db.create-table', self::logTable($default));
            self::assertSame('invalid', $answer['error']['kind'] ?? null, json_encode($answer));
            self::assertStringContainsString('default of the column module', $answer['error']['message']);
            self::assertFalse(Db::tableExists('mod_hostkeyresellermod_log'));
        }
        self::assertArrayHasKey('ok', $this->ask('db.create-table', self::logTable(['short-text' => 'HKP- 1'])));
        self::assertTrue(Db::tableExists('mod_hostkeyresellermod_log'));
    }

    /** @return array<string, array{0: string, 1: array<string, mixed>, 2: string}> */
    public static function holes(): array
    {
        $select = static fn (string $table, array $columns, array $conditions = []): array => ['statement' => [
            'table' => $table, 'columns' => $columns, 'conditions' => $conditions, 'order' => [],
            'limit' => null, 'for-update' => false,
        ]];
        $notIn = [['column' => 'id', 'comparison' => 'not-in-list', 'values' => []]];
        return [
            'client password hashes' => ['db.select', $select('tblclients', ['id', 'password']), 'table-not-allowed'],
            'every client column' => ['db.select', $select('tblclients', []), 'invalid'],
            'a secret column as an oracle' => ['db.select', $select('tblclients', ['id'], [
                ['column' => 'password', 'comparison' => 'like', 'values' => ['$2y$%']],
            ]), 'table-not-allowed'],
            'other modules\' settings' => ['db.select', $select('tbladdonmodules', ['setting', 'value']),
                'table-not-allowed'],
            'another module by name' => ['db.select', $select('tbladdonmodules', ['value'], [
                ['column' => 'module', 'comparison' => 'eq', 'values' => ['stripe']],
            ]), 'table-not-allowed'],
            'every currency deleted' => ['db.delete', ['statement' => [
                'table' => 'tblcurrencies', 'conditions' => $notIn,
            ]], 'table-not-allowed'],
            'every product deleted' => ['db.delete', ['statement' => [
                'table' => 'tblproducts', 'conditions' => $notIn,
            ]], 'invalid'],
            'every client rewritten' => ['db.update', ['statement' => [
                'table' => 'tblclients', 'assignments' => [['email', 'x@evil.test']], 'conditions' => [],
            ]], 'table-not-allowed'],
            'every service rewritten' => ['db.update', ['statement' => [
                'table' => 'tblhosting', 'assignments' => [['domainstatus', 'Cancelled']], 'conditions' => [],
            ]], 'invalid'],
            'email templates rewritten' => ['db.update-rows', ['statement' => [
                'table' => 'tblemailtemplates', 'key' => 'id', 'columns' => ['message'], 'rows' => [[1, 'x']],
            ]], 'table-not-allowed'],
            'an SSO token' => ['platform.local-api', ['command' => 'CreateSsoToken', 'params' => []], 'failed'],
            'a server password' => ['platform.decrypt', ['secret' => [
                'table' => 'tblservers', 'column' => 'password', 'id' => 1,
            ]], 'failed'],
            'any ciphertext' => ['platform.decrypt', ['ciphertext' => 'enc:x'], 'other'],
        ];
    }

    /**
     * @dataProvider holes
     * @param array<string, mixed> $args
     */
    public function testEachHoleTheReviewFoundIsRefusedEvenWithoutTheHost(string $op, array $args, string $kind): void
    {
        $before = Db::dump(['tblclients', 'tblcurrencies', 'tbladdonmodules', 'tblproducts', 'tblhosting']);
        $answer = $this->ask($op, $args);
        self::assertSame($kind, $answer['error']['kind'] ?? null, json_encode($answer));
        self::assertStringNotContainsString('clienthash', json_encode($answer));
        self::assertStringNotContainsString('sk_live', json_encode($answer));
        self::assertSame($before, Db::dump(['tblclients', 'tblcurrencies', 'tbladdonmodules', 'tblproducts',
            'tblhosting']));
        self::assertSame([], $this->platform->localApiCalls);
        self::assertSame([], $this->platform->decrypted);
    }

    public function testTheGrantedRequestsStillWork(): void
    {
        OtherModules::seed();
        $settings = $this->ask('db.select', ['statement' => [
            'table' => 'tbladdonmodules', 'columns' => ['setting', 'value'],
            'conditions' => [['column' => 'module', 'comparison' => 'eq', 'values' => ['hostkeyresellermod']]],
        ]]);
        self::assertSame([['apikey', 'k']], $settings['ok']['rows']);
        $client = $this->ask('db.select', ['statement' => [
            'table' => 'tblclients', 'columns' => ['id', 'email', 'currency'],
            'conditions' => [['column' => 'id', 'comparison' => 'eq', 'values' => [1]]],
        ]]);
        self::assertSame([[1, 'ann@example.test', 1]], $client['ok']['rows'], 'the client of one of our services');
        $this->ask('platform.local-api', ['command' => 'SendEmail', 'params' => [
            ['messagename', OtherModules::WELCOME], ['id', (string) OtherModules::OUR_SERVICE],
        ]]);
        self::assertSame('SendEmail', $this->platform->localApiCalls[0][0] ?? null);
    }

    public function testDecryptReadsTheGrantedCellItself(): void
    {
        OtherModules::seed();
        $handler = new CapabilityHandler(
            new CapsuleDatabase(Capsule::connection()),
            new WhmcsPlatform(Capsule::connection()),
        );
        $ask = static fn (array $secret): array => json_decode($handler->handle(json_encode(
            ['op' => 'platform.decrypt', 'args' => ['secret' => $secret]],
            JSON_THROW_ON_ERROR,
        )), true);
        $id = OtherModules::OUR_SERVICE;
        $cell = ['table' => 'tblhosting', 'column' => 'password', 'id' => $id];
        self::assertSame(['ok' => 'our-r00t-pass'], $ask($cell));
        $missing = $ask(['table' => 'tblhosting', 'column' => 'password', 'id' => $id + 1]);
        self::assertSame('failed', $missing['error']['kind']);
    }

    /**
     * The hostile component's tricks against other modules' rows (issue 22), at
     * the PHP wall alone: each is refused or reaches none of their rows.
     *
     * @return array<string, array{0: string, 1: array<string, mixed>, 2: string|int|list<mixed>}>
     *     op, args, the error kind, or the count / rows answered
     */
    public static function otherModulesRows(): array
    {
        $in = static fn (string $column, array $values): array =>
            ['column' => $column, 'comparison' => 'in-list', 'values' => $values];
        $eq = static fn (string $column, mixed $value): array =>
            ['column' => $column, 'comparison' => 'eq', 'values' => [$value]];
        $cancel = [['domainstatus', 'Cancelled']];
        return [
            'every module\'s active services cancelled' => ['db.update', ['statement' => [
                'table' => 'tblhosting', 'assignments' => $cancel, 'conditions' => [$eq('domainstatus', 'Active')],
            ]], 'invalid'],
            'a cPanel service cancelled by id' => ['db.update', ['statement' => [
                'table' => 'tblhosting', 'assignments' => $cancel,
                'conditions' => [$in('id', [OtherModules::CPANEL_SERVICE])],
            ]], 0],
            'cPanel services by update-rows' => ['db.update-rows', ['statement' => [
                'table' => 'tblhosting', 'key' => 'id', 'columns' => ['domainstatus'],
                'rows' => [[OtherModules::CPANEL_SERVICE, 'Cancelled']],
            ]], 0],
            'a cPanel service\'s password' => ['platform.decrypt', ['secret' => [
                'table' => 'tblhosting', 'column' => 'password', 'id' => OtherModules::CPANEL_SERVICE,
            ]], 'failed'],
            'a cPanel custom field read' => ['db.select', ['statement' => [
                'table' => 'tblcustomfieldsvalues', 'columns' => ['relid', 'value'],
                'conditions' => [$eq('fieldid', OtherModules::CPANEL_FIELD)],
            ]], []],
            'a cPanel custom field overwritten' => ['db.update', ['statement' => [
                'table' => 'tblcustomfieldsvalues', 'assignments' => [['value', 'overwritten']],
                'conditions' => [$eq('fieldid', OtherModules::CPANEL_FIELD)],
            ]], 0],
            'a value planted in a cPanel field' => ['db.insert', ['statement' => [
                'table' => 'tblcustomfieldsvalues', 'columns' => ['fieldid', 'relid', 'value'],
                'rows' => [[OtherModules::CPANEL_FIELD, OtherModules::CPANEL_SERVICE, 'planted']],
            ]], 'table-not-allowed'],
            'our field moved to a cPanel service' => ['db.update', ['statement' => [
                'table' => 'tblcustomfieldsvalues', 'assignments' => [['relid', OtherModules::CPANEL_SERVICE]],
                'conditions' => [$eq('fieldid', OtherModules::OUR_FIELD)],
            ]], 'table-not-allowed'],
            'a price moved to a cPanel product' => ['db.update', ['statement' => [
                'table' => 'tblpricing', 'assignments' => [['relid', OtherModules::CPANEL_PRODUCT]],
                'conditions' => [$in('id', [1])],
            ]], 'table-not-allowed'],
            'cPanel products deleted by servertype' => ['db.delete', ['statement' => [
                'table' => 'tblproducts', 'conditions' => [$eq('servertype', 'cpanel')],
            ]], 'invalid'],
            'a cPanel product deleted by id' => ['db.delete', ['statement' => [
                'table' => 'tblproducts', 'conditions' => [$in('id', [OtherModules::CPANEL_PRODUCT])],
            ]], 0],
            'a cPanel product adopted' => ['db.update', ['statement' => [
                'table' => 'tblproducts', 'assignments' => [['servertype', 'hostkeyresellermod']],
                'conditions' => [$in('id', [OtherModules::CPANEL_PRODUCT])],
            ]], 0],
            'our product handed to cPanel' => ['db.update', ['statement' => [
                'table' => 'tblproducts', 'assignments' => [['servertype', 'cpanel']],
                'conditions' => [$in('id', [OtherModules::OUR_PRODUCT])],
            ]], 'table-not-allowed'],
            'a product inserted for cPanel' => ['db.insert', ['statement' => [
                'table' => 'tblproducts', 'columns' => ['name', 'servertype'], 'rows' => [['Fake', 'cpanel']],
            ]], 'table-not-allowed'],
            'a free-form email' => ['platform.local-api', ['command' => 'SendEmail', 'params' => [
                ['id', (string) OtherModules::OUR_SERVICE], ['customtype', 'product'],
                ['customsubject', 'Your password'], ['custommessage', 'Log in at http://evil.example/'],
            ]], 'failed'],
            'an email to a cPanel client' => ['platform.local-api', ['command' => 'SendEmail', 'params' => [
                ['messagename', OtherModules::WELCOME], ['id', (string) OtherModules::CPANEL_SERVICE],
            ]], 'failed'],
            'a general template to a client id' => ['platform.local-api', ['command' => 'SendEmail', 'params' => [
                ['messagename', 'Password Reset Validation'], ['id', (string) OtherModules::OUR_SERVICE],
            ]], 'failed'],
            'another client\'s email address' => ['db.select', ['statement' => [
                'table' => 'tblclients', 'columns' => ['id', 'email'], 'conditions' => [$eq('id', 2)],
            ]], []],
        ];
    }

    /**
     * @dataProvider otherModulesRows
     * @param array<string, mixed> $args
     * @param string|int|list<mixed> $expected
     */
    public function testAHostileComponentCannotReachOtherModulesRowsEvenWithoutTheHost(
        string $op,
        array $args,
        string|int|array $expected,
    ): void {
        OtherModules::seed();
        Capsule::table('tblclients')->insert(['id' => 2, 'email' => 'bob@example.test']);
        $before = Db::dump(OtherModules::TABLES);
        $answer = $this->ask($op, $args);
        if (is_string($expected)) {
            self::assertSame($expected, $answer['error']['kind'] ?? null, json_encode($answer));
        } elseif (is_int($expected)) {
            self::assertSame($expected, $answer['ok'] ?? null, json_encode($answer));
        } else {
            self::assertSame($expected, $answer['ok']['rows'] ?? null, json_encode($answer));
        }
        foreach ([OtherModules::CPANEL_SECRET, OtherModules::CPANEL_PASSWORD, 'bob@'] as $secret) {
            self::assertStringNotContainsString($secret, json_encode($answer));
        }
        self::assertSame($before, Db::dump(OtherModules::TABLES));
        self::assertSame([], $this->platform->localApiCalls);
        self::assertSame([], $this->platform->decrypted);
    }

    public function testTheModulesOwnRowsStayWithinReach(): void
    {
        OtherModules::seed();
        $cancelled = $this->ask('db.update', ['statement' => [
            'table' => 'tblhosting', 'assignments' => [['domainstatus', 'Cancelled']],
            'conditions' => [['column' => 'id', 'comparison' => 'in-list',
                'values' => [OtherModules::OUR_SERVICE, OtherModules::CPANEL_SERVICE]]],
        ]]);
        self::assertSame(1, $cancelled['ok'] ?? null, json_encode($cancelled));
        self::assertSame(
            [OtherModules::OUR_SERVICE => 'Cancelled', OtherModules::CPANEL_SERVICE => 'Active'],
            Capsule::table('tblhosting')->orderBy('id')->pluck('domainstatus', 'id')->all(),
        );
        $values = $this->ask('db.select', ['statement' => [
            'table' => 'tblcustomfieldsvalues', 'columns' => ['value'],
            'conditions' => [['column' => 'fieldid', 'comparison' => 'in-list',
                'values' => [OtherModules::OUR_FIELD, OtherModules::CPANEL_FIELD]]],
        ]]);
        self::assertSame([['our-key']], $values['ok']['rows'] ?? null);
        $planted = $this->ask('db.insert', ['statement' => [
            'table' => 'tblcustomfieldsvalues', 'columns' => ['fieldid', 'relid', 'value'],
            'rows' => [[OtherModules::OUR_FIELD, OtherModules::OUR_SERVICE, 'second']],
        ]]);
        self::assertArrayHasKey('ok', $planted, json_encode($planted));
    }

    /**
     * A price is the module's by its owner (a product's or a sub-option's price), tested at
     * the PHP wall on the rows themselves, not against a list of every price id.
     */
    public function testAPriceIsTheModulesByItsOwner(): void
    {
        OtherModules::seed();
        Capsule::table('tblproductconfiglinks')->insert(['id' => 50, 'gid' => 5, 'pid' => OtherModules::OUR_PRODUCT]);
        Capsule::table('tblproductconfigoptions')->insert(['id' => 55, 'gid' => 5, 'optionname' => 'OS']);
        Capsule::table('tblproductconfigoptionssub')->insert(['id' => 555, 'configid' => 55, 'optionname' => 'Debian']);
        $price = static fn (int $id, string $type, int $relid, string $monthly): array =>
            ['id' => $id, 'type' => $type, 'currency' => 1, 'relid' => $relid, 'monthly' => $monthly];
        Capsule::table('tblpricing')->insert([
            $price(1, 'product', OtherModules::OUR_PRODUCT, '4.00'),
            $price(2, 'product', OtherModules::CPANEL_PRODUCT, '9.00'),
            $price(3, 'configoptions', 555, '1.00'),
            $price(4, 'configoptions', 777, '2.00'),
        ]);
        $in = static fn (string $column, array $values): array =>
            ['column' => $column, 'comparison' => 'in-list', 'values' => $values];
        $type = static fn (string $type): array => ['column' => 'type', 'comparison' => 'eq', 'values' => [$type]];
        $ids = function (array $conditions): array {
            $answer = $this->ask('db.select', ['statement' => [
                'table' => 'tblpricing', 'columns' => ['id'], 'conditions' => $conditions,
                'order' => [['column' => 'id', 'descending' => false]],
            ]]);
            return array_map('intval', array_column($answer['ok']['rows'] ?? [['error']], 0));
        };
        $products = [OtherModules::OUR_PRODUCT, OtherModules::CPANEL_PRODUCT];
        self::assertSame([1, 3], $ids([]));
        self::assertSame([1], $ids([$type('product'), $in('relid', $products)]));
        self::assertSame([3], $ids([$type('configoptions'), $in('relid', [555, 777])]));
        self::assertSame([3], $ids([$in('relid', [555, 777])]));
        self::assertSame([], $ids([$type('client')]));

        $updated = $this->ask('db.update-rows', ['statement' => [
            'table' => 'tblpricing', 'key' => 'id', 'columns' => ['monthly'],
            'rows' => [[1, '5.00'], [2, '0.01'], [3, '1.50'], [4, '0.01']],
        ]]);
        self::assertSame(2, $updated['ok'] ?? null, json_encode($updated));
        $moved = $this->ask('db.update', ['statement' => [
            'table' => 'tblpricing', 'assignments' => [['type', 'product'], ['relid', OtherModules::CPANEL_PRODUCT]],
            'conditions' => [$in('id', [1])],
        ]]);
        self::assertSame('table-not-allowed', $moved['error']['kind'] ?? null, json_encode($moved));
        $deleted = $this->ask('db.delete', ['statement' => [
            'table' => 'tblpricing', 'conditions' => [$in('relid', [...$products, 555, 777])],
        ]]);
        self::assertSame(2, $deleted['ok'] ?? null, json_encode($deleted));
        self::assertSame(
            [2 => '9.00', 4 => '2.00'],
            Capsule::table('tblpricing')->orderBy('id')->pluck('monthly', 'id')->all(),
        );
    }

    public function testGrantsOfAnotherShapeAreRefusedWhenRead(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        Grants::fromJson('{"tables": {"tblclients": {"select": "everything"}}}');
    }
}
