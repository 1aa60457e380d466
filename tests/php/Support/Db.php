<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Database\Capsule;

/**
 * Test helpers over the shim's MariaDB connection.
 */
final class Db
{
    public const MODULE_TABLES = [
        'mod_hostkeyresellermod',
        'mod_hostkeyresellermod_log',
        'mod_hostkeyresellermodimportsettings',
    ];

    /** Tables a test may fill; emptied before each test. */
    private const SCRATCH_TABLES = [
        'tbladdonmodules', 'tblmodulelog', 'tblactivitylog', 'tblproductgroups', 'tblproducts',
        'tblpricing', 'tblcustomfields', 'tblcustomfieldsvalues', 'tblhosting', 'tblservers',
    ];

    /** Back to the seeded install: no module tables, no settings, empty logs. */
    public static function reset(): void
    {
        $schema = Capsule::schema();
        foreach (self::MODULE_TABLES as $table) {
            $schema->dropIfExists($table);
        }
        foreach (self::SCRATCH_TABLES as $table) {
            Capsule::table($table)->truncate();
        }
        while (Capsule::connection()->transactionLevel() > 0) {
            Capsule::connection()->rollBack();
        }
    }

    /** @param array<string, string> $settings setting => value for hostkeyresellermod */
    public static function setSettings(array $settings): void
    {
        foreach ($settings as $setting => $value) {
            Capsule::table('tbladdonmodules')->updateOrInsert(
                ['module' => 'hostkeyresellermod', 'setting' => $setting],
                ['value' => $value],
            );
        }
    }

    /** @return list<array<string, mixed>> */
    public static function rows(string $table, string $orderBy = 'id'): array
    {
        return array_map(
            static fn (object $row): array => (array) $row,
            Capsule::table($table)->orderBy($orderBy)->get()->all(),
        );
    }

    public static function count(string $table): int
    {
        return Capsule::table($table)->count();
    }

    public static function tableExists(string $table): bool
    {
        return Capsule::schema()->hasTable($table);
    }

    /** Everything the logs hold, for "this secret never appears" checks. */
    public static function allLogText(): string
    {
        $text = '';
        foreach (['tblmodulelog', 'tblactivitylog'] as $table) {
            foreach (self::rows($table) as $row) {
                $text .= implode("\n", array_map('strval', $row)) . "\n";
            }
        }
        if (self::tableExists('mod_hostkeyresellermod_log')) {
            foreach (self::rows('mod_hostkeyresellermod_log') as $row) {
                $text .= implode("\n", array_map('strval', $row)) . "\n";
            }
        }
        return $text;
    }
}
