<?php

/**
 * The catalogue import benchmark's PHP side: the real addon.import through the
 * real bridge (FFI) into MariaDB, one step per PHP process (bench/catalogue_import.sh
 * runs them). Each step prints one JSON object.
 *
 *   php -d ffi.enable=true bench/catalogue_import.php activate <api url>
 *   php -d ffi.enable=true bench/catalogue_import.php import <label>
 *   php bench/catalogue_import.php dump <file>     every row of the import's tables
 *   php bench/catalogue_import.php floor <file> [n] those rows into empty tables, n times (3), timed
 *
 * Environment: HOSTKEYRESELLERMOD_DB_SOCKET, HOSTKEY_BENCH_DB (database, default
 * whmcs_bench), HOSTKEYRESELLERMOD_BIN_DIR and the HOSTKEYRESELLERMOD_* limits.
 *
 * Statements are counted by the server on the bridge's own connection:
 * `SHOW SESSION STATUS` before and after the call (`Questions`: every statement
 * a client sent, prepared-statement executions included, COM_STMT_PREPARE/CLOSE
 * not), minus what one status read costs (measured by two reads in a row).
 */

declare(strict_types=1);

use Illuminate\Contracts\Events\Dispatcher;
use Illuminate\Database\Connection;
use Illuminate\Database\Events\QueryExecuted;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\WhmcsPlatform;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\FfiTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\Settings;

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once __DIR__ . '/../tests/php/whmcs-shim.php';
require_once __DIR__ . '/../php/modules/addons/hostkeyresellermod/autoload.php';

/** The tables the import writes: dumped after the first import and replayed by the floor. */
const IMPORT_TABLES = [
    'tblproductgroups', 'tblproducts', 'tblproductconfiggroups', 'tblproductconfiglinks',
    'tblproductconfigoptions', 'tblproductconfigoptionssub', 'tblpricing', 'tblcustomfields',
    'tblproducts_slugs', 'mod_hostkeyresellermod',
];
/** Also counted, to see every row a run leaves behind. */
const LOG_TABLES = ['mod_hostkeyresellermod_log', 'tblmodulelog', 'tblactivitylog'];

/** Wraps the bridge's handler: requests per op and table, time in PHP, JSON bytes each way. */
final class ProfilingHandler implements RequestHandler
{
    /** @var array<string, array{n: int, ns: int, in: int, out: int, rows: int, after: int}> */
    public array $ops = [];
    public int $ns = 0;
    public int $requests = 0;
    /** Host + guest time from the call's start to the first request. */
    public int $beforeFirstNs = 0;
    private int $lastEnd = 0;
    private string $lastKey = '';

    public function __construct(private RequestHandler $inner)
    {
    }

    public function callStarted(): void
    {
        $this->inner->callStarted();
        $this->lastEnd = hrtime(true);
        $this->lastKey = '';
    }

    /** Host + guest time since the previous answer (or the call's start), charged to that request. */
    private function gap(int $now): void
    {
        if ($this->lastKey === '') {
            $this->beforeFirstNs += $now - $this->lastEnd;
        } else {
            $this->ops[$this->lastKey]['after'] += $now - $this->lastEnd;
        }
    }

    public function handle(string $request): string
    {
        $start = hrtime(true);
        $this->gap($start);
        $answer = $this->inner->handle($request);
        $end = hrtime(true);
        $ns = $end - $start;
        // Keys come in either order (row statements start with "op" and "table",
        // the others end with them): look at both ends of a long request.
        $ends = strlen($request) > 800 ? substr($request, 0, 400) . substr($request, -400) : $request;
        $op = preg_match('/"op"\s*:\s*"([a-z.\-]+)"/', $ends, $m) === 1 ? $m[1] : '?';
        $key = $op;
        if (str_starts_with($op, 'db.') && preg_match_all('/"(?:table|name)"\s*:\s*"([A-Za-z0-9_]+)"/', $ends, $t) > 0) {
            $key .= ' ' . end($t[1]);
        }
        $rows = 0;
        if ($op === 'db.insert' && str_starts_with($answer, '{"ok":[') && $answer !== '{"ok":[]}') {
            $rows = substr_count($answer, ',') + 1;
        } elseif (($op === 'db.update-rows' || $op === 'db.update' || $op === 'db.delete')
            && preg_match('/^\{"ok":(\d+)\}$/', $answer, $n) === 1) {
            $rows = (int) $n[1];
        } elseif ($op === 'db.select') {
            $rows = max(0, substr_count($answer, '],[') + (str_contains($answer, '"rows":[[') ? 1 : 0));
        }
        $entry = $this->ops[$key] ?? ['n' => 0, 'ns' => 0, 'in' => 0, 'out' => 0, 'rows' => 0, 'after' => 0];
        $entry['n']++;
        $entry['ns'] += $ns;
        $entry['in'] += strlen($request);
        $entry['out'] += strlen($answer);
        $entry['rows'] += $rows;
        $this->ops[$key] = $entry;
        $this->ns += $ns;
        $this->requests++;
        $this->lastKey = $key;
        $this->lastEnd = hrtime(true);
        return $answer;
    }

    public function callFinished(): void
    {
        $this->gap(hrtime(true));
        $this->lastKey = '';
        $this->inner->callFinished();
    }
}

/** Capsule's events, only to add up the time of each SQL statement it runs. */
final class QueryMeter implements Dispatcher
{
    public int $queries = 0;
    public float $ms = 0.0;
    /** @var array<string, array{n: int, ms: float}> */
    public array $byVerb = [];

    public function reset(): void
    {
        $this->queries = 0;
        $this->ms = 0.0;
        $this->byVerb = [];
    }

    public function dispatch($event, $payload = [], $halt = false)
    {
        if ($event instanceof QueryExecuted) {
            $this->queries++;
            $this->ms += (float) $event->time;
            $verb = strtolower(strtok(ltrim($event->sql), " \n(") ?: '?');
            $entry = $this->byVerb[$verb] ?? ['n' => 0, 'ms' => 0.0];
            $entry['n']++;
            $entry['ms'] += (float) $event->time;
            $this->byVerb[$verb] = $entry;
        }
        return null;
    }

    public function listen($events, $listener = null)
    {
    }

    public function hasListeners($eventName)
    {
        return false;
    }

    public function subscribe($subscriber)
    {
    }

    public function until($event, $payload = [])
    {
        return null;
    }

    public function push($event, $payload = [])
    {
    }

    public function flush($event)
    {
    }

    public function forget($event)
    {
    }

    public function forgetPushed()
    {
    }
}

function env_or(string $name, string $default): string
{
    $value = getenv($name);
    return is_string($value) && $value !== '' ? $value : $default;
}

function socket(): string
{
    $socket = env_or('HOSTKEYRESELLERMOD_DB_SOCKET', '');
    if ($socket === '') {
        fwrite(STDERR, "HOSTKEYRESELLERMOD_DB_SOCKET is not set\n");
        exit(2);
    }
    return $socket;
}

function database(): string
{
    return env_or('HOSTKEY_BENCH_DB', 'whmcs_bench');
}

/** Capsule on the bench database, configured as the tests' shim does it (WhmcsShim::boot). */
function boot_capsule(string $database): Connection
{
    $capsule = new Capsule();
    $capsule->addConnection([
        'driver' => 'mysql',
        'unix_socket' => socket(),
        'database' => $database,
        'username' => 'root',
        'password' => '',
        'charset' => 'utf8',
        'collation' => 'utf8_unicode_ci',
        'prefix' => '',
        'strict' => false,
    ]);
    $capsule->setAsGlobal();
    return Capsule::connection();
}

function runtime_options(Connection $connection): RuntimeOptions
{
    return RuntimeOptions::fromEnvironment(Components::addonDir(), Settings::load($connection)->apiUrl(), getenv());
}

/** The limits addon.import runs with: the runtime's, replaced by the long-call limits the bridge sends. */
function import_limits(RuntimeOptions $options): array
{
    $limits = array_diff_key($options->toArray(), ['component' => 0, 'http_allow' => 0]);
    return method_exists($options, 'longCallLimits') ? array_replace($limits, $options->longCallLimits()) : $limits;
}

/** The bridge as Components::bridge() builds it, with the given handler and the FFI transport. */
function bridge(Connection $connection, RequestHandler $handler): Bridge
{
    $options = runtime_options($connection);
    $transport = new FfiTransport($options);
    return method_exists($options, 'longCallLimits')
        ? new Bridge($transport, $handler, $options->longCallLimits())
        : new Bridge($transport, $handler);
}

function capabilities(Connection $connection): CapabilityHandler
{
    return new CapabilityHandler(
        new CapsuleDatabase($connection),
        new WhmcsPlatform($connection),
        Grants::shipped(),
    );
}

/** @return array<string, int> the session's status counters (numeric ones) */
function db_status(Connection $connection): array
{
    $status = [];
    foreach ($connection->select('SHOW SESSION STATUS') as $row) {
        $row = (array) $row;
        $value = $row['Value'] ?? $row['value'] ?? '';
        if (is_numeric($value)) {
            $status[(string) ($row['Variable_name'] ?? $row['variable_name'])] = (int) $value;
        }
    }
    return $status;
}

/** @return array<string, int> */
function status_delta(array $before, array $after, array $overhead = []): array
{
    $delta = [];
    foreach ($after as $name => $value) {
        $d = $value - ($before[$name] ?? 0) - ($overhead[$name] ?? 0);
        if ($d !== 0) {
            $delta[$name] = $d;
        }
    }
    return $delta;
}

/** @return array<string, int> */
function table_counts(Connection $connection): array
{
    $counts = [];
    foreach (array_merge(IMPORT_TABLES, LOG_TABLES) as $table) {
        $counts[$table] = $connection->getSchemaBuilder()->hasTable($table)
            ? (int) $connection->table($table)->count()
            : -1;
    }
    return $counts;
}

function vm_kb(string $field): int
{
    $status = (string) file_get_contents('/proc/self/status');
    return preg_match('/^' . $field . ':\s+(\d+)\s+kB/m', $status, $m) === 1 ? (int) $m[1] : -1;
}

function out(array $value): void
{
    echo json_encode($value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
}

function activate(string $apiUrl): void
{
    $connection = boot_capsule(database());
    foreach (['apiurl' => $apiUrl, 'apikey' => 'hk-test-key-0123456789abcdef0123'] as $setting => $value) {
        $connection->table('tbladdonmodules')->updateOrInsert(
            ['module' => Facts::moduleName(), 'setting' => $setting],
            ['value' => $value],
        );
    }
    $report = bridge($connection, capabilities($connection))->result('addon.activate');
    out(['activated' => $report]);
}

/** Times presets/info as the import asks it (currencies=EUR), outside the measured call. */
function fetch_catalogue(string $apiUrl): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => 'currencies=EUR',
        'timeout' => 120,
    ]]);
    $start = hrtime(true);
    $body = (string) file_get_contents(rtrim($apiUrl, '/') . '/presets.php?action=info', false, $context);
    $ms = (hrtime(true) - $start) / 1e6;
    return ['ms' => round($ms, 1), 'bytes' => strlen($body)];
}

function import(string $label): void
{
    $connection = boot_capsule(database());
    $meter = new QueryMeter();
    $connection->setEventDispatcher($meter);
    $handler = new ProfilingHandler(capabilities($connection));
    $bridge = bridge($connection, $handler);
    $apiUrl = Settings::load($connection)->apiUrl();
    $http = fetch_catalogue($apiUrl);

    $countsBefore = table_counts($connection);
    $s0 = db_status($connection);
    $s1 = db_status($connection);
    $overhead = status_delta($s0, $s1);
    $meter->reset();

    $error = null;
    $report = null;
    $start = hrtime(true);
    try {
        $source = ['ini' => null, 'trigger' => 'manual'];
        $report = $bridge->result('addon.import', ['source' => $source]);
    } catch (ComponentError $e) {
        $error = 'component error: ' . $e->getMessage();
    } catch (Throwable $e) {
        $error = get_class($e) . ': ' . $e->getMessage();
    }
    $wallNs = hrtime(true) - $start;
    $sql = ['queries' => $meter->queries, 'ms' => round($meter->ms, 1), 'by_verb' => $meter->byVerb];

    $s2 = db_status($connection);
    $delta = status_delta($s1, $s2, $overhead);
    $countsAfter = table_counts($connection);
    $peak = memory_get_peak_usage(true);

    $tableDelta = [];
    foreach ($countsAfter as $table => $n) {
        $tableDelta[$table] = $n - $countsBefore[$table];
    }
    ksort($handler->ops);
    $ops = [];
    foreach ($handler->ops as $key => $entry) {
        $ops[$key] = ['n' => $entry['n'], 'ms' => round($entry['ns'] / 1e6, 1), 'json_in' => $entry['in'],
            'json_out' => $entry['out'], 'rows' => $entry['rows'], 'host_after_ms' => round($entry['after'] / 1e6, 1)];
    }
    if (is_array($report)) {
        $report['changes'] = count($report['changes'] ?? []);
    }
    out([
        'label' => $label,
        'error' => $error,
        'wall_ms' => round($wallNs / 1e6, 1),
        'statements' => $delta['Questions'] ?? 0,
        'status_read_overhead' => array_intersect_key($overhead, array_flip(['Questions', 'Handler_write'])),
        'com' => array_filter($delta, static fn (string $k): bool => str_starts_with($k, 'Com_'), ARRAY_FILTER_USE_KEY),
        'handler' => array_intersect_key($delta, array_flip(['Handler_write', 'Handler_update', 'Handler_delete',
            'Handler_read_key', 'Handler_read_next', 'Handler_read_rnd_next', 'Handler_tmp_write'])),
        'report' => $report,
        'tables_before' => $countsBefore,
        'tables_after' => $countsAfter,
        'tables_delta' => $tableDelta,
        'php_peak_bytes' => $peak,
        'vm_hwm_kb' => vm_kb('VmHWM'),
        'php_handler_ms' => round($handler->ns / 1e6, 1),
        'requests' => $handler->requests,
        'host_before_first_request_ms' => round($handler->beforeFirstNs / 1e6, 1),
        'sql' => $sql,
        'ops' => $ops,
        'catalogue_fetch_apart' => $http,
        'limits' => import_limits(runtime_options($connection)),
    ]);
}

function pdo(string $database): PDO
{
    $pdo = new PDO('mysql:unix_socket=' . socket() . ';dbname=' . $database . ';charset=utf8', 'root', '', [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_EMULATE_PREPARES => false,
    ]);
    $pdo->exec("SET NAMES utf8 COLLATE utf8_unicode_ci");
    $pdo->exec("SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION'");
    return $pdo;
}

function dump(string $file): void
{
    $pdo = pdo(database());
    $tables = [];
    $counts = [];
    foreach (IMPORT_TABLES as $table) {
        $statement = $pdo->query('SELECT * FROM `' . $table . '`');
        $columns = [];
        for ($i = 0; $i < $statement->columnCount(); $i++) {
            $columns[] = $statement->getColumnMeta($i)['name'];
        }
        $rows = $statement->fetchAll(PDO::FETCH_NUM);
        $tables[$table] = ['columns' => $columns, 'rows' => $rows];
        $counts[$table] = count($rows);
    }
    file_put_contents($file, serialize($tables));
    out(['dumped' => $counts, 'total' => array_sum($counts)]);
}

/** @return array<string, int> */
function pdo_status(PDO $pdo): array
{
    $status = [];
    foreach ($pdo->query('SHOW SESSION STATUS')->fetchAll(PDO::FETCH_NUM) as [$name, $value]) {
        if (is_numeric($value)) {
            $status[$name] = (int) $value;
        }
    }
    return $status;
}

/** Empty copies of the import's tables in `<database>_floor` (not timed). */
function floor_tables(string $source, string $floor): void
{
    $admin = pdo($source);
    $admin->exec('DROP DATABASE IF EXISTS `' . $floor . '`');
    $admin->exec('CREATE DATABASE `' . $floor . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    foreach (IMPORT_TABLES as $table) {
        $admin->exec('CREATE TABLE `' . $floor . '`.`' . $table . '` LIKE `' . $source . '`.`' . $table . '`');
    }
}

/** Bytes per INSERT statement of the floor: large, well under max_allowed_packet (16 MB). */
const FLOOR_CHUNK_BYTES = 4 << 20;

/**
 * One timed write of every dumped row, as fast as PDO writes them: BEGIN,
 * multi-row INSERTs of up to FLOOR_CHUNK_BYTES with the values inline (one
 * round trip per statement, no placeholders to bind), COMMIT. Building the
 * statements is timed too: any writer has to.
 *
 * @return array<string, int|float>
 */
function floor_once(array $tables, string $floor): array
{
    $pdo = pdo($floor);
    $s0 = pdo_status($pdo);
    $s1 = pdo_status($pdo);
    $overhead = status_delta($s0, $s1);
    $sent = 0;
    $rowsWritten = 0;
    $db0 = db_cpu_s();
    $php0 = own_cpu_s();
    $start = hrtime(true);
    $pdo->beginTransaction();
    foreach ($tables as $table => ['columns' => $columns, 'rows' => $rows]) {
        if ($rows === []) {
            continue;
        }
        $head = 'INSERT INTO `' . $table . '` (`' . implode('`,`', $columns) . '`) VALUES ';
        $sql = $head;
        $n = 0;
        foreach ($rows as $row) {
            foreach ($row as $i => $value) {
                if ($value === null) {
                    $row[$i] = 'NULL';
                } elseif (!is_int($value)) {
                    $row[$i] = $pdo->quote((string) $value);
                }
            }
            $tuple = '(' . implode(',', $row) . ')';
            if ($n > 0 && strlen($sql) + strlen($tuple) >= FLOOR_CHUNK_BYTES) {
                $pdo->exec($sql);
                $sent++;
                $sql = $head;
                $n = 0;
            }
            $sql .= ($n > 0 ? ',' : '') . $tuple;
            $n++;
            $rowsWritten++;
        }
        $pdo->exec($sql);
        $sent++;
    }
    $pdo->commit();
    $ns = hrtime(true) - $start;
    $phpCpu = own_cpu_s() - $php0;
    $dbCpu = $db0 === null ? null : db_cpu_s() - $db0;
    $delta = status_delta($s1, pdo_status($pdo), $overhead);
    return [
        'wall_ms' => round($ns / 1e6, 1),
        'php_cpu_s' => round($phpCpu, 3),
        'db_cpu_s' => $dbCpu === null ? null : round($dbCpu, 3),
        'statements' => $delta['Questions'] ?? 0,
        'inserts_sent' => $sent,
        'rows_written' => $rowsWritten,
        'handler_write' => $delta['Handler_write'] ?? 0,
        'chunk_bytes' => FLOOR_CHUNK_BYTES,
    ];
}

/** CPU seconds (user + system) of this PHP process so far. */
function own_cpu_s(): float
{
    $usage = getrusage();
    return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
        + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

/** CPU seconds of the MariaDB server so far (HOSTKEY_BENCH_DB_PID_FILE names its pid file), or null. */
function db_cpu_s(): ?float
{
    $pidFile = (string) getenv('HOSTKEY_BENCH_DB_PID_FILE');
    $pid = $pidFile === '' ? '' : trim((string) @file_get_contents($pidFile));
    $stat = $pid === '' ? false : @file_get_contents('/proc/' . $pid . '/stat');
    if ($stat === false) {
        return null;
    }
    $fields = preg_split('/\s+/', trim(substr($stat, strrpos($stat, ')') + 1)));
    // utime and stime, in USER_HZ ticks (100 per second on Linux).
    return ((int) $fields[11] + (int) $fields[12]) / 100.0;
}

/** The floor, written `$times` times into fresh empty tables; the median time is the floor. */
function floor_run(string $file, int $times): void
{
    $source = database();
    $floor = $source . '_floor';
    $tables = unserialize((string) file_get_contents($file));
    $runs = [];
    for ($i = 0; $i < max(1, $times); $i++) {
        floor_tables($source, $floor);
        $runs[] = floor_once($tables, $floor);
    }
    $times = array_column($runs, 'wall_ms');
    sort($times);
    $result = $runs[count($runs) - 1];
    $result['wall_ms'] = $times[intdiv(count($times), 2)];
    $result['wall_ms_runs'] = array_column($runs, 'wall_ms');
    $result['php_peak_bytes'] = memory_get_peak_usage(true);
    out($result);
}

$mode = $argv[1] ?? '';
$arg = $argv[2] ?? '';
match ($mode) {
    'activate' => activate($arg),
    'import' => import($arg),
    'dump' => dump($arg),
    'floor' => floor_run($arg, (int) ($argv[3] ?? 3)),
    default => (function (): void {
        fwrite(STDERR, "usage: catalogue_import.php activate <api url> | import <label> | dump <file> | floor <file> [n]\n");
        exit(2);
    })(),
};
