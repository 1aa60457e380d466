<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use Illuminate\Database\Schema\Blueprint;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;

/**
 * The shared db conformance table (tests/db-conformance/cases.json) through
 * the PHP bridge's handler over MariaDB: the same statements return the same
 * rows as in the guest's and the host's in-memory databases.
 */
final class DbConformanceTest extends TestCase
{
    private const CASES = __DIR__ . '/../db-conformance/cases.json';

    public function testMariaDbThroughTheBridgeKeepsTheContractsMeaning(): void
    {
        Db::reset();
        $spec = json_decode((string) file_get_contents(self::CASES), true, 512, JSON_THROW_ON_ERROR);
        $table = $spec['table'];
        Capsule::schema()->create($table['name'], static function (Blueprint $t): void {
            $t->increments('id');
            $t->string('type', 16);
            $t->integer('relid');
            $t->string('name', 255)->nullable();
            $t->string('server_type', 64)->nullable();
        });
        foreach ($table['rows'] as $row) {
            Capsule::table($table['name'])->insert(array_combine($table['columns'], $row));
        }
        $handler = new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform());
        foreach ($spec['cases'] as $case) {
            $statement = [
                'table' => $table['name'],
                'columns' => ['id'],
                'conditions' => array_map(static fn (array $c): array => [
                    'column' => $c[0], 'comparison' => $c[1], 'values' => $c[2],
                ], $case['conditions'] ?? []),
                'order' => array_map(static fn (array $o): array => [
                    'column' => $o[0], 'descending' => $o[1],
                ], $case['order'] ?? []),
                'limit' => $case['limit'] ?? null,
                'for-update' => false,
            ];
            $answer = json_decode($handler->handle((string) json_encode(
                ['op' => 'db.select', 'args' => ['statement' => $statement]],
            )), true);
            if ($case['ids'] === 'invalid') {
                self::assertSame('invalid', $answer['error']['kind'] ?? null, $case['name']);
                continue;
            }
            self::assertArrayHasKey('ok', $answer, $case['name'] . ': ' . json_encode($answer));
            $ids = array_map(static fn (array $row): int => (int) $row[0], $answer['ok']['rows']);
            self::assertSame($case['ids'], $ids, $case['name']);
        }
    }
}
