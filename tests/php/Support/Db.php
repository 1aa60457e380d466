<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use RuntimeException;
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
        'mod_hostkeyresellermod_orders',
        'mod_hostkeyresellermod_pending',
        'mod_hostkeyresellermod_servers',
        'mod_hostkeyresellermod_costs',
        'mod_hostkeyresellermod_sync',
    ];

    /** Tables a test may fill; emptied before each test. */
    private const SCRATCH_TABLES = [
        'tbladdonmodules', 'tblmodulelog', 'tblactivitylog', 'tblproductgroups', 'tblproducts',
        'tblpricing', 'tblcustomfields', 'tblcustomfieldsvalues', 'tblhosting', 'tblservers',
        'tblproducts_slugs', 'tblproductconfiggroups', 'tblproductconfiglinks', 'tblproductconfigoptions',
        'tblproductconfigoptionssub', 'tblhostingconfigoptions', 'tblinvoices', 'tblinvoiceitems',
    ];

    /**
     * The logs, and the status sync's bookkeeping (when a server was last read): they record
     * every run, so "nothing changed" comparisons leave them out.
     */
    public const LOG_TABLES = ['tblmodulelog', 'tblactivitylog', 'mod_hostkeyresellermod_log',
        'mod_hostkeyresellermod_sync'];

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

    /**
     * `mysqldump --skip-dump-date --skip-comments` of the whole `whmcs` database
     * (schema with AUTO_INCREMENT counters, and every row in primary-key order),
     * without the log tables: equal dumps mean nothing was written.
     *
     * @param list<string> $tables only these tables (all when empty)
     */
    public static function dump(array $tables = []): string
    {
        $command = [self::client('mariadb-dump', 'mysqldump'), '--no-defaults', '--socket=' . self::socket(),
            '--user=root', '--skip-dump-date', '--skip-comments', '--skip-extended-insert', '--order-by-primary',
            '--single-transaction'];
        foreach (self::LOG_TABLES as $table) {
            $command[] = '--ignore-table=whmcs.' . $table;
        }
        $command[] = 'whmcs';
        array_push($command, ...$tables);
        return self::run($command, null);
    }

    /** Runs an SQL file with the mariadb client (errors fail the test run). */
    public static function loadSql(string $file): void
    {
        $sql = file_get_contents($file);
        if (!is_string($sql)) {
            throw new RuntimeException('Cannot read ' . $file);
        }
        self::run([self::client('mariadb', 'mysql'), '--no-defaults', '--socket=' . self::socket(), '--user=root',
            'whmcs'], $sql);
    }

    /**
     * The rows of a table as `col=value` lines keyed by id, for comparing.
     *
     * @return array<int, string>
     */
    public static function lines(string $table): array
    {
        $lines = [];
        foreach (self::rows($table) as $row) {
            $lines[(int) $row['id']] = implode(' ', array_map(
                static fn (string $column, mixed $value): string => $column . '=' . var_export($value, true),
                array_keys($row),
                $row,
            ));
        }
        return $lines;
    }

    private static function socket(): string
    {
        $socket = getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
        if (!is_string($socket) || $socket === '') {
            throw new RuntimeException('HOSTKEYRESELLERMOD_DB_SOCKET is not set');
        }
        return $socket;
    }

    private static function client(string ...$names): string
    {
        foreach ($names as $name) {
            foreach (['/usr/bin/', '/usr/local/bin/'] as $dir) {
                if (is_executable($dir . $name)) {
                    return $dir . $name;
                }
            }
        }
        throw new RuntimeException('None of ' . implode(', ', $names) . ' is installed');
    }

    /** @param list<string> $command */
    private static function run(array $command, ?string $input): string
    {
        $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new RuntimeException('Cannot run ' . $command[0]);
        }
        fwrite($pipes[0], $input ?? '');
        fclose($pipes[0]);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0) {
            throw new RuntimeException(basename($command[0]) . ' failed (' . $status . '): ' . $err);
        }
        return $out;
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
