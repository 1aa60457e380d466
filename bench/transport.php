<?php

/**
 * Per-call cost of the two transports for a call with two database round trips
 * and no HTTP (the probes component's `probe:db2`), answered by an in-memory
 * PHP handler so the figures are the bridge's own cost; plus the RSS of this
 * PHP process before and after 100,000 FFI calls. Prints JSON.
 *
 * Usage: php -d ffi.enable=true bench/transport.php <bin dir holding the probes component> ffi
 *        php -d ffi.enable=false bench/transport.php <bin dir holding the probes component> cli
 * The process transport is timed in a PHP process of its own, without FFI:
 * that is the PHP that uses it (a PHP with the engine in-process calls it
 * there), and forking a PHP that holds the engine costs more.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CliTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\FfiTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;

// The module's files refuse to run outside WHMCS (their direct-access guard).
define('WHMCS', true);
require __DIR__ . '/../php/modules/addons/hostkeyresellermod/autoload.php';

/** Answers selects from memory and counts the requests it saw. */
final class MemoryHandler implements RequestHandler
{
    public int $requests = 0;

    public function callStarted(): void
    {
    }

    public function handle(string $request): string
    {
        $this->requests++;
        $message = json_decode($request, true, 64, JSON_THROW_ON_ERROR);
        if (($message['op'] ?? '') === 'db.select') {
            return '{"ok":{"columns":["a","b"],"rows":[["x",1],["y",2]]}}';
        }
        return '{"ok":null}';
    }

    public function callFinished(): void
    {
    }
}

function rss_kb(): int
{
    $status = (string) file_get_contents('/proc/self/status');
    return preg_match('/^VmRSS:\s+(\d+)\s+kB/m', $status, $m) === 1 ? (int) $m[1] : -1;
}

function median(array $values): float
{
    sort($values);
    $n = count($values);
    return $n % 2 === 1 ? $values[intdiv($n, 2)] : ($values[$n / 2 - 1] + $values[$n / 2]) / 2;
}

function percentile(array $values, float $p): float
{
    sort($values);
    return $values[(int) floor(($p / 100) * (count($values) - 1))];
}

$binDir = $argv[1] ?? '';
$options = new RuntimeOptions($binDir, 'http://127.0.0.1:9/');
$args = ['server' => ['id' => 1, 'hostname' => '', 'ip-address' => '', 'username' => 'probe:db2', 'password' => '',
    'access-hash' => '', 'secure' => false, 'port' => null]];
$handler = new MemoryHandler();

$check = static function (mixed $value): void {
    if (($value['ok']['summary'] ?? '') !== '2 settings, 2 currencies') {
        throw new RuntimeException('unexpected answer: ' . json_encode($value));
    }
};

$what = $argv[2] ?? '';
if ($what === 'ffi') {
    // FFI, in-process: one runtime for the process, as the bridge keeps it.
    $ffi = new Bridge(new FfiTransport($options), $handler);
    $check($ffi->call('provisioning.test-connection', $args));
    for ($i = 0; $i < 2000; $i++) {
        $ffi->call('provisioning.test-connection', $args);
    }
    $ffiTimes = [];
    for ($i = 0; $i < 20000; $i++) {
        $t = hrtime(true);
        $ffi->call('provisioning.test-connection', $args);
        $ffiTimes[] = (hrtime(true) - $t) / 1000.0;
    }
    gc_collect_cycles();
    $rssBefore = rss_kb();
    $handler->requests = 0;
    $leakRuns = 100000;
    for ($i = 0; $i < $leakRuns; $i++) {
        $ffi->call('provisioning.test-connection', $args);
    }
    gc_collect_cycles();
    $rssAfter = rss_kb();
    $requestsPerCall = $handler->requests / $leakRuns;
    echo json_encode([
        'db_requests_per_call' => $requestsPerCall,
        'ffi_calls_timed' => count($ffiTimes),
        'ffi_median_us' => median($ffiTimes),
        'ffi_p90_us' => percentile($ffiTimes, 90),
        'rss_calls' => $leakRuns,
        'rss_before_kb' => $rssBefore,
        'rss_after_kb' => $rssAfter,
        'rss_growth_kb' => $rssAfter - $rssBefore,
    ], JSON_PRETTY_PRINT), "\n";
    exit(0);
}
$ffiOn = in_array(strtolower((string) ini_get('ffi.enable')), ['1', 'true', 'on', 'yes'], true);
if ($what !== 'cli' || (extension_loaded('ffi') && $ffiOn)) {
    fwrite(STDERR, "usage: php -d ffi.enable=true transport.php <bin dir> ffi | php -d ffi.enable=false transport.php <bin dir> cli\n");
    exit(2);
}

// Process transport: a new `hostkey-host serve` for every call (the first
// ten not timed: they bring the files into the page cache).
$cliTimes = [];
for ($i = -10; $i < 300; $i++) {
    $t = hrtime(true);
    $bridge = new Bridge(new CliTransport($options), $handler);
    $check($bridge->call('provisioning.test-connection', $args));
    unset($bridge);
    if ($i >= 0) {
        $cliTimes[] = (hrtime(true) - $t) / 1e6;
    }
}

// Process transport kept open for several calls (what one PHP request can reuse).
$persistent = new Bridge(new CliTransport($options), $handler);
$persistent->call('provisioning.test-connection', $args);
$keptTimes = [];
for ($i = 0; $i < 2000; $i++) {
    $t = hrtime(true);
    $persistent->call('provisioning.test-connection', $args);
    $keptTimes[] = (hrtime(true) - $t) / 1000.0;
}

echo json_encode([
    'cli_php' => 'a PHP process with FFI off',
    'cli_process_per_call_calls' => count($cliTimes),
    'cli_process_per_call_median_ms' => median($cliTimes),
    'cli_process_per_call_p90_ms' => percentile($cliTimes, 90),
    'cli_kept_open_median_us' => median($keptTimes),
], JSON_PRETTY_PRINT), "\n";
