<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use PDO;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;

/**
 * The capability protocol answered over the real MariaDB, request by request,
 * under wide test grants (every column of the tables used here); the shipped
 * grants are GrantsTest's.
 */
final class CapabilityHandlerTest extends TestCase
{
    private CapabilityHandler $handler;
    private MemoryPlatform $platform;

    protected function setUp(): void
    {
        Db::reset();
        $this->platform = new MemoryPlatform();
        $this->handler = new CapabilityHandler(
            new CapsuleDatabase(Capsule::connection()),
            $this->platform,
            Grants::fromJson((string) json_encode([
                'tables' => [
                    'tblproductgroups' => self::EVERYTHING + self::EVERY_ROW,
                    'tblcurrencies' => self::EVERYTHING + self::EVERY_ROW,
                    'mod_hostkeyresellermod' => self::EVERYTHING + ['create' => true],
                    'mod_hostkeyresellermodimportsettings' => self::EVERYTHING + ['create' => true],
                ],
                'decrypt' => [['table' => 'tblhosting', 'column' => 'password']],
                'local-api' => ['SendEmail' => ['messagename' => 'templates', 'id' => 'services']],
                'scopes' => [
                    'templates' => ['table' => 'tblemailtemplates', 'column' => 'name', 'where' => []],
                    'services' => ['table' => 'tblhosting', 'column' => 'id', 'where' => []],
                ],
            ])),
        );
    }

    private const EVERYTHING = ['select' => '*', 'insert' => '*', 'update' => '*', 'delete' => true];
    /** Core tables declare row filters; these tests use two as plain tables: every row, written by id or order. */
    private const EVERY_ROW = [
        'rows' => ['select' => [], 'insert' => [], 'update' => [], 'delete' => []],
        'keys' => ['id', 'order'],
    ];

    /**
     * @param array<string, mixed> $args
     * @return array<string, mixed> the decoded answer
     */
    private function ask(string $op, array $args = []): array
    {
        $answer = $this->handler->handle(json_encode(['op' => $op, 'args' => (object) $args], JSON_THROW_ON_ERROR));
        return json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }

    /** @param array<string, mixed> $args */
    private function ok(string $op, array $args = []): mixed
    {
        $answer = $this->ask($op, $args);
        self::assertArrayHasKey('ok', $answer, 'expected ok, got ' . json_encode($answer));
        return $answer['ok'];
    }

    /**
     * @param array<string, mixed> $args
     * @return array{kind: string, message: string}
     */
    private function error(string $op, array $args = []): array
    {
        $answer = $this->ask($op, $args);
        self::assertArrayHasKey('error', $answer, 'expected an error, got ' . json_encode($answer));
        return $answer['error'];
    }

    /** @param list<list<mixed>> $rows */
    private function insertGroups(array $rows): array
    {
        return $this->ok('db.insert', ['statement' => [
            'table' => 'tblproductgroups',
            'columns' => ['name', 'order', 'hidden'],
            'rows' => $rows,
        ]]);
    }

    /**
     * The session's statement counters (Com_*).
     *
     * @return array<string, int>
     */
    private static function sessionCounters(): array
    {
        $counters = [];
        $result = Capsule::connection()->getPdo()->query("SHOW SESSION STATUS LIKE 'Com\\_%'");
        foreach ($result->fetchAll(PDO::FETCH_NUM) as [$name, $value]) {
            $counters[$name] = (int) $value;
        }
        return $counters;
    }

    /**
     * What changed since $before, without the counters' own read (PDO prepares it).
     *
     * @param array<string, int> $before
     * @return array{Com_savepoint: int, Com_insert: int, Com_stmt_prepare: int, Com_stmt_execute: int}
     */
    private static function countersSince(array $before): array
    {
        $after = self::sessionCounters();
        $own = ['Com_savepoint' => 0, 'Com_insert' => 0, 'Com_stmt_prepare' => 1, 'Com_stmt_execute' => 1];
        $delta = [];
        foreach ($own as $name => $read) {
            $delta[$name] = ($after[$name] ?? 0) - ($before[$name] ?? 0) - $read;
        }
        return $delta;
    }

    /**
     * Rows for tblproductgroups (name, order, hidden), with explicit ids (id first) when $firstId is given.
     *
     * @return list<list<int|string>>
     */
    private static function groupRows(int $count, ?int $firstId = null): array
    {
        $rows = [];
        for ($i = 0; $i < $count; $i++) {
            $row = ['Group ' . $i, $i, 0];
            $rows[] = $firstId === null ? $row : [$firstId + $i, ...$row];
        }
        return $rows;
    }

    public function testSelectReturnsColumnsAndRowsInTheOrderAsked(): void
    {
        $answer = $this->ok('db.select', ['statement' => [
            'table' => 'tblcurrencies',
            'columns' => ['code', 'rate', 'id'],
            'conditions' => [['column' => 'default', 'comparison' => 'ne', 'values' => [1]]],
            'order' => [['column' => 'code', 'descending' => true]],
            'limit' => 5,
            'for-update' => false,
        ]]);
        self::assertSame(['code', 'rate', 'id'], $answer['columns']);
        self::assertSame([['USD', '1.08000', 2], ['GBP', '0.86000', 3]], $answer['rows']);
    }

    public function testSelectWithoutColumnsGivesEveryColumnEvenWithoutRows(): void
    {
        $answer = $this->ok('db.select', ['statement' => [
            'table' => 'tblcurrencies',
            'columns' => [],
            'conditions' => [['column' => 'code', 'comparison' => 'eq', 'values' => ['XXX']]],
            'order' => [],
            'limit' => null,
            'for-update' => false,
        ]]);
        self::assertSame(['id', 'code', 'prefix', 'suffix', 'format', 'rate', 'default'], $answer['columns']);
        self::assertSame([], $answer['rows']);
    }

    public function testSelectWithoutColumnsGivesEveryColumnInTableOrder(): void
    {
        $answer = $this->ok('db.select', ['statement' => [
            'table' => 'tblcurrencies',
            'columns' => [],
            'conditions' => [['column' => 'code', 'comparison' => 'in-list', 'values' => ['USD', 'EUR']]],
            'order' => [['column' => 'id', 'descending' => false]],
            'limit' => null,
            'for-update' => false,
        ]]);
        self::assertSame(['id', 'code', 'prefix', 'suffix', 'format', 'rate', 'default'], $answer['columns']);
        self::assertSame([
            [1, 'EUR', '€', ' EUR', 2, '1.00000', 1],
            [2, 'USD', '$', ' USD', 2, '1.08000', 0],
        ], $answer['rows']);
    }

    public function testEveryComparisonFiltersAsTheContractSays(): void
    {
        $this->insertGroups([['Alpha', 1, 0], ['Beta', 2, 1], ['Gamma', 3, 0]]);
        $cases = [
            [['column' => 'order', 'comparison' => 'lt', 'values' => [2]], ['Alpha']],
            [['column' => 'order', 'comparison' => 'le', 'values' => [2]], ['Alpha', 'Beta']],
            [['column' => 'order', 'comparison' => 'gt', 'values' => [2]], ['Gamma']],
            [['column' => 'order', 'comparison' => 'ge', 'values' => [2]], ['Beta', 'Gamma']],
            [['column' => 'name', 'comparison' => 'like', 'values' => ['%a%']], ['Alpha', 'Beta', 'Gamma']],
            [['column' => 'name', 'comparison' => 'like', 'values' => ['G%']], ['Gamma']],
            [['column' => 'hidden', 'comparison' => 'eq', 'values' => [1]], ['Beta']],
            [['column' => 'name', 'comparison' => 'in-list', 'values' => ['Alpha', 'Gamma']], ['Alpha', 'Gamma']],
            [['column' => 'name', 'comparison' => 'in-list', 'values' => []], []],
            [['column' => 'name', 'comparison' => 'not-in-list', 'values' => ['Alpha']], ['Beta', 'Gamma']],
            [['column' => 'name', 'comparison' => 'not-in-list', 'values' => []], ['Alpha', 'Beta', 'Gamma']],
            [['column' => 'name', 'comparison' => 'not-null', 'values' => []], ['Alpha', 'Beta', 'Gamma']],
            [['column' => 'name', 'comparison' => 'is-null', 'values' => []], []],
        ];
        foreach ($cases as [$condition, $expected]) {
            $answer = $this->ok('db.select', ['statement' => [
                'table' => 'tblproductgroups',
                'columns' => ['name'],
                'conditions' => [$condition],
                'order' => [['column' => 'id', 'descending' => false]],
                'limit' => null,
                'for-update' => false,
            ]]);
            self::assertSame($expected, array_column($answer['rows'], 0), json_encode($condition));
        }
    }

    public function testInsertReturnsTheNewIdsInRowOrder(): void
    {
        $this->insertGroups([['Existing', 0, 0]]);
        $ids = $this->insertGroups([['One', 1, 0], ['Two', 2, 0], ['Three', 3, 0]]);
        self::assertCount(3, $ids);
        foreach ($ids as $index => $id) {
            $name = Capsule::table('tblproductgroups')->where('id', $id)->value('name');
            self::assertSame(['One', 'Two', 'Three'][$index], $name);
        }
        self::assertSame([$ids[0], $ids[0] + 1, $ids[0] + 2], $ids);
    }

    public function testALargeInsertIsChunkedAndStillReturnsEveryId(): void
    {
        // 25,000 rows of 3 values: over MariaDB's 65,535 placeholders, so two statements.
        $ids = $this->insertGroups(self::groupRows(25000));
        self::assertCount(25000, $ids);
        self::assertSame(25000, count(array_unique($ids)));
        $picked = [0, 21844, 21845, 24999];
        $names = Capsule::table('tblproductgroups')
            ->whereIn('id', array_map(static fn (int $index): int => $ids[$index], $picked))
            ->orderBy('id')
            ->pluck('name')
            ->all();
        self::assertSame(['Group 0', 'Group 21844', 'Group 21845', 'Group 24999'], $names);
        self::assertSame(0, Capsule::connection()->transactionLevel());
    }

    public function testInsertsOfTheSameShapeReuseOnePreparedStatement(): void
    {
        $this->insertGroups(self::groupRows(2));
        $before = self::sessionCounters();
        $first = $this->insertGroups(self::groupRows(2));
        $second = $this->insertGroups(self::groupRows(2));
        $expected = ['Com_savepoint' => 0, 'Com_insert' => 2, 'Com_stmt_prepare' => 0, 'Com_stmt_execute' => 2];
        self::assertSame($expected, self::countersSince($before), 'one prepared statement, executed twice');
        self::assertSame($first[1] + 1, $second[0]);
        $before = self::sessionCounters();
        self::assertCount(3, $this->insertGroups(self::groupRows(3)));
        $expected = ['Com_savepoint' => 0, 'Com_insert' => 1, 'Com_stmt_prepare' => 1, 'Com_stmt_execute' => 1];
        self::assertSame($expected, self::countersSince($before), 'three rows: a statement of its own');
        self::assertSame(9, Db::count('tblproductgroups'));
    }

    public function testInsertBindsNullsIntegersFloatsAndText(): void
    {
        $this->ok('db.create-table', ['definition' => [
            'name' => 'mod_hostkeyresellermodimportsettings',
            'columns' => [
                ['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null],
                ['name' => 'group', 'kind' => 'short-text', 'nullable' => false, 'default' => null],
                ['name' => 'count', 'kind' => 'integer', 'nullable' => false, 'default' => ['integer' => 0]],
                ['name' => 'big', 'kind' => 'big-integer', 'nullable' => true, 'default' => null],
                ['name' => 'amount', 'kind' => 'money', 'nullable' => false, 'default' => ['integer' => 0]],
                ['name' => 'notes', 'kind' => 'text', 'nullable' => true, 'default' => null],
            ],
            'indexes' => [],
        ]]);
        $columns = ['group', 'count', 'big', 'amount', 'notes'];
        $ids = $this->ok('db.insert', ['statement' => [
            'table' => 'mod_hostkeyresellermodimportsettings',
            'columns' => $columns,
            'rows' => [
                ['vps', 7, null, 12.5, null],
                ['dedicated', '8', 9007199254740993, 0.1 + 0.2, 'text'],
                ['7', -1, -9007199254740993, '1.005', ''],
            ],
        ]]);
        self::assertSame([1, 2, 3], $ids);
        $answer = $this->ok('db.select', ['statement' => [
            'table' => 'mod_hostkeyresellermodimportsettings', 'columns' => $columns,
            'conditions' => [], 'order' => [['column' => 'id', 'descending' => false]], 'limit' => null,
            'for-update' => false,
        ]]);
        self::assertSame([
            ['vps', 7, null, '12.50', null],
            ['dedicated', 8, 9007199254740993, '0.30', 'text'],
            ['7', -1, -9007199254740993, '1.01', ''],
        ], $answer['rows']);
    }

    public function testInsertIntoATableWithoutIdGivesZeros(): void
    {
        $this->ok('db.create-table', ['definition' => [
            'name' => 'mod_hostkeyresellermod',
            'columns' => [
                ['name' => 'type', 'kind' => 'short-text', 'nullable' => false, 'default' => null],
                ['name' => 'relid', 'kind' => 'integer', 'nullable' => false, 'default' => ['integer' => 0]],
            ],
            'indexes' => [],
        ]]);
        $ids = $this->ok('db.insert', ['statement' => [
            'table' => 'mod_hostkeyresellermod',
            'columns' => ['type', 'relid'],
            'rows' => [['group', 1], ['product', 2]],
        ]]);
        self::assertSame([0, 0], $ids);
        self::assertSame(2, Db::count('mod_hostkeyresellermod'));
    }

    public function testUpdateReportsRowsMatchedEvenWhenNothingChanges(): void
    {
        $this->insertGroups([['A', 1, 0], ['B', 1, 0], ['C', 2, 0]]);
        $statement = ['statement' => [
            'table' => 'tblproductgroups',
            'assignments' => [['hidden', 1]],
            'conditions' => [['column' => 'order', 'comparison' => 'eq', 'values' => [1]]],
        ]];
        self::assertSame(2, $this->ok('db.update', $statement));
        self::assertSame(2, $this->ok('db.update', $statement), 'unchanged rows still match');
        $hidden = Capsule::table('tblproductgroups')->where('hidden', 1)->orderBy('id')->pluck('name')->all();
        self::assertSame(['A', 'B'], $hidden);
    }

    public function testUpdateRowsSetsEachRowItsOwnValues(): void
    {
        $ids = $this->insertGroups([['A', 1, 0], ['B', 2, 0], ['C', 3, 0]]);
        $matched = $this->ok('db.update-rows', ['statement' => [
            'table' => 'tblproductgroups',
            'key' => 'id',
            'columns' => ['name', 'order'],
            'rows' => [[$ids[0], 'A2', 10], [$ids[2], "C'2", 30], [999999, 'missing', 0]],
        ]]);
        self::assertSame(2, $matched);
        $rows = array_map(
            static fn (object $row): array => [$row->name, $row->order],
            Capsule::table('tblproductgroups')->orderBy('id')->get(['name', 'order'])->all(),
        );
        self::assertSame([['A2', 10], ['B', 2], ["C'2", 30]], $rows);
    }

    public function testUpdateRowsRefusesTheWrongArity(): void
    {
        $ids = $this->insertGroups([['A', 1, 0]]);
        $error = $this->error('db.update-rows', ['statement' => [
            'table' => 'tblproductgroups',
            'key' => 'id',
            'columns' => ['name', 'order'],
            'rows' => [[$ids[0], 'only-name']],
        ]]);
        self::assertSame('invalid', $error['kind']);
        self::assertSame('A', Capsule::table('tblproductgroups')->value('name'));
    }

    public function testDeleteRemovesTheMatchingRowsAndRefusesNoCondition(): void
    {
        $this->insertGroups([['A', 1, 0], ['B', 2, 0], ['C', 3, 0]]);
        self::assertSame(2, $this->ok('db.delete', ['statement' => [
            'table' => 'tblproductgroups',
            'conditions' => [['column' => 'order', 'comparison' => 'in-list', 'values' => [2, 3]]],
        ]]));
        $error = $this->error('db.delete', ['statement' => ['table' => 'tblproductgroups', 'conditions' => []]]);
        self::assertSame('invalid', $error['kind']);
        $error = $this->error('db.delete', ['statement' => [
            'table' => 'tblproductgroups',
            'conditions' => [['column' => 'order', 'comparison' => 'ge', 'values' => [0]]],
        ]]);
        self::assertSame('invalid', $error['kind'], 'a range does not pin rows');
        self::assertSame(['A'], Capsule::table('tblproductgroups')->pluck('name')->all());
    }

    public function testRollbackUndoesTheTransaction(): void
    {
        self::assertNull($this->ok('db.begin'));
        $this->insertGroups([['Rolled back', 1, 0]]);
        self::assertSame(1, Db::count('tblproductgroups'), 'visible inside the transaction');
        self::assertNull($this->ok('db.rollback'));
        self::assertSame(0, Db::count('tblproductgroups'));
        self::assertSame(0, Capsule::connection()->transactionLevel());

        $this->ok('db.begin');
        $this->insertGroups([['Committed', 1, 0]]);
        $this->ok('db.commit');
        self::assertSame(['Committed'], Capsule::table('tblproductgroups')->pluck('name')->all());
        self::assertSame('invalid', $this->error('db.commit')['kind'], 'no transaction is open');
    }

    public function testAnOpenTransactionIsRolledBackWhenTheCallEnds(): void
    {
        $this->handler->callStarted();
        $this->ok('db.begin');
        $this->insertGroups([['Left open', 1, 0]]);
        $this->handler->callFinished();
        self::assertSame(0, Capsule::connection()->transactionLevel());
        self::assertSame(0, Db::count('tblproductgroups'));
    }

    public function testTablesOutsideTheAllowListAreRefused(): void
    {
        foreach (['db.select', 'db.insert', 'db.update', 'db.delete', 'db.update-rows'] as $op) {
            $error = $this->error($op, ['statement' => [
                'table' => 'tbladmins',
                'columns' => ['username'],
                'conditions' => [['column' => 'id', 'comparison' => 'eq', 'values' => [1]]],
                'assignments' => [['username', 'x']],
                'key' => 'id',
                'rows' => [[1, 'x']],
                'order' => [],
                'limit' => null,
                'for-update' => false,
            ]]);
            self::assertSame('table-not-allowed', $error['kind'], $op);
            self::assertStringContainsString('tbladmins', $error['message']);
        }
        self::assertSame('table-not-allowed', $this->error('db.table-exists', ['table' => 'tbladmins'])['kind']);
        self::assertSame('admin', Capsule::table('tbladmins')->where('id', 1)->value('username'));
    }

    public function testOnlyTheModulesOwnTablesMayBeCreated(): void
    {
        $error = $this->error('db.create-table', ['definition' => [
            'name' => 'tblproducts',
            'columns' => [['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null]],
            'indexes' => [],
        ]]);
        self::assertSame('table-not-allowed', $error['kind']);
        self::assertSame('table-not-allowed', $this->error('db.create-table', ['definition' => [
            'name' => 'mod_hostkeyresellermod_other',
            'columns' => [['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null]],
            'indexes' => [],
        ]])['kind']);
    }

    public function testIdentifierInjectionIsRefusedAndNothingRuns(): void
    {
        $this->insertGroups([['Keep', 1, 0]]);
        $attempts = [
            ['db.select', ['table' => 'tblproductgroups',
                'columns' => ['name`, (SELECT password FROM tbladmins) AS `x'],
                'conditions' => [], 'order' => [], 'limit' => null, 'for-update' => false]],
            ['db.select', ['table' => 'tblproductgroups', 'columns' => ['name'],
                'conditions' => [['column' => 'id = 1 OR 1', 'comparison' => 'eq', 'values' => [1]]],
                'order' => [], 'limit' => null, 'for-update' => false]],
            ['db.select', ['table' => 'tblproductgroups', 'columns' => ['name'], 'conditions' => [],
                'order' => [['column' => 'name; DROP TABLE tblproducts', 'descending' => false]], 'limit' => null,
                'for-update' => false]],
            ['db.update', ['table' => 'tblproductgroups', 'assignments' => [['name` = 1, `hidden', 'x']],
                'conditions' => [['column' => 'id', 'comparison' => 'ge', 'values' => [0]]]]],
            ['db.update-rows', ['table' => 'tblproductgroups', 'key' => 'id` OR 1=1 -- ', 'columns' => ['name'],
                'rows' => [[1, 'x']]]],
            ['db.insert', ['table' => 'tblproductgroups', 'columns' => ['name) VALUES (1); --'],
                'rows' => [['x']]]],
            ['db.delete', ['table' => 'tblproductgroups',
                'conditions' => [['column' => '1=1 OR id', 'comparison' => 'eq', 'values' => [1]]]]],
        ];
        foreach ($attempts as [$op, $statement]) {
            $error = $this->error($op, ['statement' => $statement]);
            self::assertSame('invalid', $error['kind'], $op . ' ' . json_encode($statement));
        }
        self::assertSame('table-not-allowed', $this->error('db.select', ['statement' => [
            'table' => 'tblproductgroups` JOIN `tbladmins', 'columns' => [], 'conditions' => [], 'order' => [],
            'limit' => null, 'for-update' => false,
        ]])['kind']);
        self::assertSame(['Keep'], Capsule::table('tblproductgroups')->pluck('name')->all());
        self::assertTrue(Db::tableExists('tblproducts'));
    }

    public function testValuesAreBoundNotInterpolated(): void
    {
        $evil = "x'); DELETE FROM tblproductgroups; --";
        $this->insertGroups([['Keep', 1, 0], [$evil, 2, 0]]);
        $answer = $this->ok('db.select', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['name'],
            'conditions' => [['column' => 'name', 'comparison' => 'eq', 'values' => [$evil]]],
            'order' => [], 'limit' => null, 'for-update' => false,
        ]]);
        self::assertSame([[$evil]], $answer['rows']);
        self::assertSame(2, Db::count('tblproductgroups'));
    }

    public function testCreateTableMapsEveryColumnKind(): void
    {
        self::assertFalse($this->ok('db.table-exists', ['table' => 'mod_hostkeyresellermodimportsettings']));
        self::assertNull($this->ok('db.create-table', ['definition' => [
            'name' => 'mod_hostkeyresellermodimportsettings',
            'columns' => [
                ['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null],
                ['name' => 'group', 'kind' => 'short-text', 'nullable' => false, 'default' => null],
                ['name' => 'count', 'kind' => 'integer', 'nullable' => false, 'default' => ['integer' => 7]],
                ['name' => 'big', 'kind' => 'big-integer', 'nullable' => true, 'default' => null],
                ['name' => 'amount', 'kind' => 'money', 'nullable' => false, 'default' => ['decimal' => '1.50']],
                ['name' => 'notes', 'kind' => 'text', 'nullable' => true, 'default' => ['short-text' => 'HKP- 50%']],
                ['name' => 'date', 'kind' => 'date-time', 'nullable' => true, 'default' => null],
            ],
            'indexes' => [['group']],
        ]]));
        self::assertTrue($this->ok('db.table-exists', ['table' => 'mod_hostkeyresellermodimportsettings']));
        $columns = [];
        foreach (Capsule::select('SHOW COLUMNS FROM mod_hostkeyresellermodimportsettings') as $column) {
            $columns[$column->Field] = [$column->Type, $column->Null, $column->Default, $column->Extra];
        }
        self::assertSame('auto_increment', $columns['id'][3]);
        self::assertSame('varchar(255)', $columns['group'][0]);
        self::assertSame(['int(11)', 'NO', '7'], array_slice($columns['count'], 0, 3));
        self::assertSame(['bigint(20)', 'YES'], array_slice($columns['big'], 0, 2));
        self::assertSame(['decimal(16,2)', 'NO', '1.50'], array_slice($columns['amount'], 0, 3));
        self::assertSame('text', $columns['notes'][0]);
        self::assertStringContainsString('HKP- 50%', (string) $columns['notes'][2]);
        self::assertSame('datetime', $columns['date'][0]);
        $indexes = array_map(
            static fn (object $index): string => $index->Column_name,
            Capsule::select("SHOW INDEX FROM mod_hostkeyresellermodimportsettings WHERE Key_name <> 'PRIMARY'"),
        );
        self::assertSame(['group'], $indexes);
        $ids = $this->ok('db.insert', ['statement' => [
            'table' => 'mod_hostkeyresellermodimportsettings',
            'columns' => ['group', 'amount'],
            'rows' => [['vps', 12.5]],
        ]]);
        self::assertSame([1], $ids);
        $row = $this->ok('db.select', ['statement' => [
            'table' => 'mod_hostkeyresellermodimportsettings', 'columns' => ['group', 'count', 'amount'],
            'conditions' => [], 'order' => [], 'limit' => 1, 'for-update' => true,
        ]]);
        self::assertSame([['vps', 7, '12.50']], $row['rows']);
    }

    public function testConstraintViolationsAreReportedAsConstraint(): void
    {
        $this->ok('db.create-table', ['definition' => [
            'name' => 'mod_hostkeyresellermod',
            'columns' => [
                ['name' => 'id', 'kind' => 'id', 'nullable' => false, 'default' => null],
                ['name' => 'type', 'kind' => 'short-text', 'nullable' => false, 'default' => null],
            ],
            'indexes' => [],
        ]]);
        $error = $this->error('db.insert', ['statement' => [
            'table' => 'mod_hostkeyresellermod', 'columns' => ['id', 'type'], 'rows' => [[1, 'a'], [1, 'b']],
        ]]);
        self::assertSame('constraint', $error['kind']);
        self::assertStringNotContainsString('insert into', strtolower($error['message']), 'no SQL text in the message');
    }

    public function testAChunkedInsertIsAllOrNothing(): void
    {
        // 17,000 rows of 4 values: two statements; the second repeats id 1 of the first.
        $rows = self::groupRows(17000, 1);
        $rows[16500][0] = 1;
        $error = $this->error('db.insert', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['id', 'name', 'order', 'hidden'], 'rows' => $rows,
        ]]);
        self::assertSame('constraint', $error['kind']);
        self::assertSame(0, Db::count('tblproductgroups'), 'the first chunk was rolled back too');
        self::assertSame(0, Capsule::connection()->transactionLevel());
    }

    public function testAChunkedInsertInAnOpenTransactionTakesNoSavepointAndFailsWithIt(): void
    {
        $this->ok('db.begin');
        $before = self::sessionCounters();
        $ids = $this->ok('db.insert', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['id', 'name', 'order', 'hidden'],
            'rows' => self::groupRows(17000, 1),
        ]]);
        self::assertSame(range(1, 17000), $ids);
        self::assertSame(0, self::countersSince($before)['Com_savepoint']);
        $this->ok('db.commit');
        self::assertSame(17000, Db::count('tblproductgroups'));

        $this->ok('db.begin');
        $rows = self::groupRows(17000, 20001);
        $rows[16999][0] = 20001;
        $before = self::sessionCounters();
        $error = $this->error('db.insert', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['id', 'name', 'order', 'hidden'], 'rows' => $rows,
        ]]);
        self::assertSame('constraint', $error['kind']);
        self::assertSame(0, self::countersSince($before)['Com_savepoint']);
        self::assertSame(1, Capsule::connection()->transactionLevel(), 'the transaction is still open');
        $this->ok('db.rollback');
        self::assertSame(17000, Db::count('tblproductgroups'), 'the rollback took the first chunk with it');
    }

    public function testAnInvalidRowInALaterChunkStopsTheInsertBeforeAnyStatement(): void
    {
        $rows = self::groupRows(25000);
        $rows[24000] = ['Group', ['nested'], 0];
        $before = self::sessionCounters();
        self::assertSame('invalid', $this->error('db.insert', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['name', 'order', 'hidden'], 'rows' => $rows,
        ]])['kind']);
        self::assertSame(0, self::countersSince($before)['Com_insert'], 'no INSERT was sent');
        self::assertSame(0, Db::count('tblproductgroups'));
    }

    public function testUpdateRowsInSeveralStatementsMatchesEveryRow(): void
    {
        $ids = $this->insertGroups(self::groupRows(1000));
        $rows = [];
        foreach ($ids as $index => $id) {
            $rows[] = [$id, 'Renamed ' . $index, 1000 + $index];
        }
        $rows[] = [999999, 'missing', 0];
        $matched = $this->ok('db.update-rows', ['statement' => [
            'table' => 'tblproductgroups', 'key' => 'id', 'columns' => ['name', 'order'], 'rows' => $rows,
        ]]);
        self::assertSame(1000, $matched);
        self::assertSame(0, Capsule::connection()->transactionLevel());
        $last = Capsule::table('tblproductgroups')->where('id', $ids[999])->first(['name', 'order']);
        self::assertSame(['Renamed 999', 1999], [$last->name, $last->order]);
        self::assertSame(1000, Capsule::table('tblproductgroups')->where('name', 'like', 'Renamed %')->count());
    }

    public function testAnInListLongerThanMariaDbsPlaceholderLimitIsAnswered(): void
    {
        $this->insertGroups([['A', 1, 0], ['B', 2, 0]]);
        $ids = Capsule::table('tblproductgroups')->orderBy('id')->pluck('id')->all();
        $many = array_merge(range(1_000_000, 1_070_000), [$ids[1]]);
        $rows = $this->ok('db.select', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['name'],
            'conditions' => [['column' => 'id', 'comparison' => 'in-list', 'values' => $many]],
        ]]);
        self::assertSame([['B']], $rows['rows']);
        $rows = $this->ok('db.select', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['name'],
            'conditions' => [['column' => 'id', 'comparison' => 'not-in-list', 'values' => $many]],
        ]]);
        self::assertSame([['A']], $rows['rows']);
    }

    public function testMalformedRequestsAreAnsweredNotThrown(): void
    {
        $answer = json_decode($this->handler->handle('{not json'), true);
        self::assertSame('invalid', $answer['error']['kind']);
        self::assertSame('other', $this->error('db.drop-everything')['kind']);
        self::assertSame('invalid', $this->error('db.select', ['statement' => 'tblproducts'])['kind']);
        self::assertSame('invalid', $this->error('db.insert', ['statement' => [
            'table' => 'tblproductgroups', 'columns' => ['name'], 'rows' => [[['nested']]],
        ]])['kind']);
    }

    public function testPlatformRequestsReachThePlatform(): void
    {
        Capsule::table('tblhosting')->insert(['id' => 5, 'userid' => 1]);
        Capsule::table('tblemailtemplates')->insert(['type' => 'product', 'name' => 'Welcome']);
        try {
            $this->platformRequestsReachThePlatform();
        } finally {
            Capsule::table('tblemailtemplates')->where('name', 'Welcome')->delete();
        }
    }

    private function platformRequestsReachThePlatform(): void
    {
        $cell = ['table' => 'tblhosting', 'column' => 'password', 'id' => 5];
        self::assertSame('plain:tblhosting.password#5', $this->ok('platform.decrypt', ['secret' => $cell]));
        $server = ['table' => 'tblservers', 'column' => 'password', 'id' => 1];
        self::assertSame('failed', $this->error('platform.decrypt', ['secret' => $server])['kind']);
        $raw = $this->error('platform.decrypt', ['ciphertext' => 'enc:x']);
        self::assertSame('other', $raw['kind'], 'no raw ciphertext');
        self::assertSame([['tblhosting', 'password', 5]], $this->platform->decrypted);
        self::assertSame('https://whmcs.example.test/', $this->ok('platform.system-url'));
        self::assertNull($this->ok('platform.module-log', ['entry' => [
            'action' => 'auth/login', 'request' => 'key=k', 'response' => '{}', 'processed' => '', 'mask' => ['k'],
        ]]));
        self::assertSame('auth/login', $this->platform->moduleLog[0]['action']);
        self::assertSame(['k'], $this->platform->moduleLog[0]['mask']);
        self::assertNull($this->ok('platform.activity-log', ['message' => 'Imported', 'client-id' => 7]));
        self::assertNull($this->ok('platform.activity-log', ['message' => 'Synced', 'client-id' => null]));
        self::assertSame([['Imported', 7], ['Synced', null]], $this->platform->activityLog);
        self::assertSame(['result' => 'success'], $this->ok('platform.local-api', [
            'command' => 'SendEmail', 'params' => [['messagename', 'Welcome'], ['id', '5']],
        ]));
        self::assertSame([['SendEmail', ['messagename' => 'Welcome', 'id' => '5']]], $this->platform->localApiCalls);
    }
}
