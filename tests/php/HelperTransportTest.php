<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CountingHandler;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\KillingHandler;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CacheDir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CliTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperPlace;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;

/**
 * The per-user engine helper (`hostkey-host helper`, HelperTransport) with
 * the real host: each transport object stands for one web request, as PHP
 * makes one per request. Every test works on its own copy of bin/ and its own
 * private folder, and ends the helpers it started.
 */
final class HelperTransportTest extends TestCase
{
    private string $root;
    private string $bin;
    private string $places;

    protected function setUp(): void
    {
        $reason = Host::unavailableReason();
        if ($reason !== null) {
            self::markTestSkipped($reason);
        }
        Db::reset();
        $this->root = sys_get_temp_dir() . '/hkrm-helper-' . bin2hex(random_bytes(4));
        $this->bin = $this->root . '/bin';
        $this->places = $this->root . '/places';
        mkdir($this->bin, 0755, true);
        mkdir($this->places, 0755);
        $built = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        // With the shipped .cwasm and its digest: no test waits for a compile.
        $files = [...Host::FILES, ...array_map('basename', glob($built . '/*.cwasm*') ?: [])];
        foreach ($files as $file) {
            copy($built . '/' . $file, $this->bin . '/' . $file);
        }
        chmod($this->bin . '/hostkey-host', 0755);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->root . '/places/*/h-*.sock') ?: [] as $socket) {
            $pid = $this->pidListeningOn($socket);
            if ($pid !== null) {
                posix_kill($pid, SIGTERM);
            }
        }
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    private function options(int $timeoutMs = 30000): RuntimeOptions
    {
        return new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/', ['timeout_ms' => $timeoutMs]);
    }

    /** One web request's transport. */
    private function request(int $timeoutMs = 30000, int $graceMs = 5000): HelperTransport
    {
        $options = $this->options($timeoutMs);
        return new HelperTransport(
            $options,
            new CliTransport($options, $graceMs, 0),
            new HelperPlace($options, new CacheDir($this->places, posix_geteuid()), posix_geteuid()),
            20000,
            $graceMs,
        );
    }

    private function bridge(HelperTransport $transport, ?RequestHandler $handler = null): Bridge
    {
        return new Bridge($transport, $handler ?? self::handler());
    }

    private static function handler(): CapabilityHandler
    {
        return new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform());
    }

    private function folder(): string
    {
        return $this->places . '/hostkeyresellermod-' . posix_geteuid();
    }

    private function socketOf(): string
    {
        $options = $this->options();
        $place = new HelperPlace($options, new CacheDir($this->places, posix_geteuid()), posix_geteuid());
        return $this->folder() . '/' . $place->name($this->bin . '/hostkey-host') . '.sock';
    }

    /**
     * Whether $pid is a live process: a zombie left for init counts as gone
     * once its last thread ended (until then its socket is still open).
     */
    private static function alive(int $pid): bool
    {
        $status = @file_get_contents('/proc/' . $pid . '/status');
        return is_string($status)
            && !(preg_match('/^State:\s+Z/m', $status) === 1 && preg_match('/^Threads:\s+1$/m', $status) === 1);
    }

    private static function waitUntilGone(int $pid, float $seconds = 5.0): bool
    {
        $until = microtime(true) + $seconds;
        while (self::alive($pid) && microtime(true) < $until) {
            usleep(20000);
        }
        return !self::alive($pid);
    }

    private function pidListeningOn(string $socket): ?int
    {
        $stream = @stream_socket_client('unix://' . $socket, $errno, $error, 1.0);
        if (!is_resource($stream)) {
            return null;
        }
        stream_set_timeout($stream, 1);
        $hello = json_decode((string) fgets($stream), true);
        fclose($stream);
        return is_array($hello) && is_int($hello['pid'] ?? null) ? $hello['pid'] : null;
    }

    public function testOneHelperServesCallsOfSeveralRequestsAndTheirCapabilities(): void
    {
        $first = $this->request();
        $meta = $this->bridge($first)->call('provisioning.meta-data');
        self::assertSame('helper', $first->route(), (string) $first->problem());
        self::assertIsArray($meta);
        self::assertArrayHasKey('display-name', $meta);
        $pid = $first->helperPid();
        self::assertIsInt($pid);
        self::assertNotSame(getmypid(), $pid);
        unset($first);
        self::assertTrue(self::alive($pid), 'the helper outlives the request that started it');

        // The next request reaches the same helper, and answers its db requests itself.
        $second = $this->request();
        $counting = new CountingHandler(self::handler());
        $report = $this->bridge($second, $counting)->call('addon.activate');
        self::assertSame('helper', $second->route());
        self::assertSame($pid, $second->helperPid());
        self::assertIsArray($report);
        self::assertGreaterThan(0, $counting->requests, 'the db requests came to this request');
        self::assertTrue(Capsule::schema()->hasTable('mod_hostkeyresellermod_orders'), 'the helper\'s writes landed');

        $socket = $this->socketOf();
        clearstatcache();
        self::assertSame(0o600, fileperms($socket) & 0o777);
        self::assertSame(0o700, fileperms($this->folder()) & 0o777);
    }

    public function testAForeignOrStaleSocketIsNeverTalkedTo(): void
    {
        $socket = $this->socketOf();
        @mkdir($this->folder(), 0700);
        // Another user's socket in its place: PHP refuses it, a helper of its own replaces it.
        $foreign = stream_socket_server('unix://' . $socket);
        self::assertIsResource($foreign);
        chmod($socket, 0600);
        chown($socket, 65534);
        $transport = $this->request();
        $this->bridge($transport)->call('provisioning.meta-data');
        self::assertSame('helper', $transport->route(), (string) $transport->problem());
        $read = [$foreign];
        $write = $except = null;
        self::assertSame(0, stream_select($read, $write, $except, 0), 'nobody connected to the foreign socket');
        fclose($foreign);
        clearstatcache();
        self::assertSame(posix_geteuid(), fileowner($socket), 'the helper bound its own socket');
        $pid = $transport->helperPid();
        self::assertIsInt($pid);
        unset($transport);

        // A stale socket (its helper gone without removing it) is replaced too.
        posix_kill($pid, SIGKILL);
        self::assertTrue(self::waitUntilGone($pid));
        self::assertFileExists($socket, 'a killed helper leaves its socket behind');
        $next = $this->request();
        $this->bridge($next)->call('provisioning.meta-data');
        self::assertSame('helper', $next->route(), (string) $next->problem());
        self::assertNotSame($pid, $next->helperPid());
    }

    public function testAHelloThatDoesNotCheckOutSendsTheCallsToAProcess(): void
    {
        // A listener of this user's in the helper's place, that claims to see another process.
        $socket = $this->socketOf();
        @mkdir($this->folder(), 0700);
        $hello = json_encode([
            'hello' => 'hostkey-host', 'pid' => 1, 'uid' => posix_geteuid(), 'peer_uid' => posix_geteuid(),
            'peer_pid' => 1, 'name' => basename($socket, '.sock'), 'component_sha256' => '',
        ]);
        $impostor = proc_open(
            [PHP_BINARY, __DIR__ . '/Fixtures/fake-helper.php', $socket, (string) $hello],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        self::assertIsResource($impostor);
        self::assertSame("listening\n", fgets($pipes[1]));
        $transport = $this->request();
        $meta = $this->bridge($transport)->call('provisioning.meta-data');
        self::assertArrayHasKey('display-name', $meta, 'the call was answered by a process');
        self::assertSame('process', $transport->route());
        self::assertStringContainsString('the process it sees is 1', (string) $transport->problem());
        self::assertSame('', stream_get_contents($pipes[1]), 'the impostor got no options and no call');
        proc_close($impostor);
    }

    public function testAHelperThatRefusesTheOptionsRunsNothingAndTheCallGoesToAProcess(): void
    {
        // A listener that says a hello this process accepts, then refuses the options.
        $socket = $this->socketOf();
        @mkdir($this->folder(), 0700);
        $hello = json_encode([
            'hello' => 'hostkey-host', 'pid' => 1, 'uid' => posix_geteuid(), 'peer_uid' => posix_geteuid(),
            'peer_pid' => getmypid(), 'name' => basename($socket, '.sock'), 'component_sha256' => '',
        ]);
        $refusal = '{"refused":"the options name another component or cache than this helper runs"}';
        $refuser = proc_open(
            [PHP_BINARY, __DIR__ . '/Fixtures/fake-helper.php', $socket, (string) $hello, $refusal],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        self::assertIsResource($refuser);
        self::assertSame("listening\n", fgets($pipes[1]));
        $transport = $this->request();
        $meta = $this->bridge($transport)->call('provisioning.meta-data');
        self::assertArrayHasKey('display-name', $meta, 'the call was answered by a process');
        self::assertSame('process', $transport->route());
        $problem = (string) $transport->problem();
        self::assertMatchesRegularExpression('/refused the call|closed the connection/', $problem);
        $received = (string) stream_get_contents($pipes[1]);
        self::assertStringStartsWith('{"options":', $received, 'the options came first');
        proc_close($refuser);
    }

    public function testAHelperKilledDuringACallFailsThatCallOnceAndTheNextRequestStartsAnother(): void
    {
        $transport = $this->request();
        $bridge = $this->bridge($transport, new KillingHandler(self::handler(), $transport));
        try {
            $bridge->call('addon.activate');
            self::fail('a call whose helper died must fail');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('the call is not repeated', $e->getMessage());
        }
        $dead = $transport->helperPid();
        self::assertIsInt($dead);
        self::assertTrue(self::waitUntilGone($dead));
        // The rest of this request goes to a process per call.
        self::assertArrayHasKey('display-name', $bridge->call('provisioning.meta-data'));
        self::assertSame('process', $transport->route());

        $next = $this->request();
        $this->bridge($next)->call('provisioning.meta-data');
        self::assertSame('helper', $next->route(), (string) $next->problem());
        self::assertNotSame($dead, $next->helperPid());
    }

    public function testAHelperThatHangsDuringACallIsKilled(): void
    {
        $transport = $this->request(300, 200);
        $bridge = $this->bridge($transport, new KillingHandler(self::handler(), $transport, SIGSTOP));
        try {
            $bridge->call('addon.activate');
            self::fail('a call whose helper hangs must fail');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('did not answer within 0.5 seconds', $e->getMessage());
        }
        $hung = $transport->helperPid();
        self::assertIsInt($hung, (string) $transport->problem());
        self::assertTrue(self::waitUntilGone($hung), 'the hung helper was killed');
    }

    public function testAnUpgradedComponentGetsANewHelperAndTheOldOneLeaves(): void
    {
        $old = $this->request();
        $this->bridge($old)->call('provisioning.meta-data');
        $oldPid = $old->helperPid();
        self::assertIsInt($oldPid);
        $oldSocket = $this->socketOf();
        unset($old);

        // An unzip writes new files: new inodes, even for the same bytes.
        $wasm = $this->bin . '/hostkey_guest.wasm';
        copy($wasm, $wasm . '.new');
        rename($wasm . '.new', $wasm);

        $new = $this->request();
        $this->bridge($new)->call('provisioning.meta-data');
        self::assertSame('helper', $new->route(), (string) $new->problem());
        self::assertNotSame($oldPid, $new->helperPid());
        self::assertNotSame($oldSocket, $this->socketOf());
        self::assertTrue(self::waitUntilGone($oldPid), 'the old helper saw its files change and left');
        self::assertFileDoesNotExist($oldSocket);
    }

    public function testSeparatePhpProcessesShareOneHelper(): void
    {
        // Requests as separate PHP processes (the CLI), each through Components::bridge().
        $pids = [];
        for ($i = 0; $i < 3; $i++) {
            $pids[] = $this->requestInAnotherProcess();
        }
        self::assertCount(1, array_unique($pids), 'one helper served all: ' . implode(', ', $pids));
        self::assertTrue(self::alive($pids[0]));
    }

    public function testUnderPhpFpmDefaultsTheHelperOutlivesEachRequestAndFpmItself(): void
    {
        $fpm = is_file('/usr/sbin/php-fpm8.2') ? '/usr/sbin/php-fpm8.2' : (string) exec('command -v php-fpm');
        self::assertFileExists($fpm, 'php-fpm is part of the test tools (scripts/install-deps.sh)');
        $run = $this->root . '/fpm';
        mkdir($run);
        $log = $this->root . '/status.log';
        $env = [
            'PATH' => '/usr/bin:/bin',
            'TMPDIR' => $this->places,
            'HOSTKEYRESELLERMOD_BIN_DIR' => $this->bin,
            'HOSTKEYRESELLERMOD_DB_SOCKET' => (string) getenv('HOSTKEYRESELLERMOD_DB_SOCKET'),
            'HOSTKEYRESELLERMOD_HOST_STATUS_LOG' => $log,
        ];
        $lines = ['[global]', "pid = $run/fpm.pid", "error_log = $run/fpm.log", 'daemonize = no', '[www]',
            "listen = $run/fpm.sock", 'pm = static', 'pm.max_children = 2', 'clear_env = yes'];
        foreach ($env as $name => $value) {
            $lines[] = "env[$name] = $value";
        }
        // PHP-FPM's defaults otherwise: ffi.enable=preload, so no FFI in a request.
        file_put_contents("$run/fpm.conf", implode("\n", $lines) . "\n");
        $master = proc_open(
            [$fpm, '--fpm-config', "$run/fpm.conf", '--nodaemonize', '--allow-to-run-as-root'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$run/out.log", 'w'], 2 => ['file', "$run/out.log", 'a']],
            $pipes,
        );
        self::assertIsResource($master);
        for ($i = 0; $i < 100 && !file_exists("$run/fpm.sock"); $i++) {
            usleep(50000);
        }
        $pids = [];
        for ($i = 0; $i < 4; $i++) {
            @unlink($log);
            $page = $this->fpmPage("$run/fpm.sock", __DIR__ . '/Fixtures/helper-request.php');
            self::assertSame('ok', $page, (string) @file_get_contents("$run/fpm.log"));
            $line = json_decode((string) file_get_contents($log), true);
            $pids[] = $line['pid'];
        }
        proc_terminate($master, SIGQUIT);
        proc_close($master);
        self::assertCount(1, array_unique($pids), 'one helper served every request: ' . implode(', ', $pids));
        $helper = $pids[0];
        self::assertTrue(self::alive($helper), 'the helper outlives the FPM pool that started it');
        $stat = explode(' ', (string) file_get_contents('/proc/' . $helper . '/stat'));
        self::assertSame((string) $helper, $stat[5], 'the helper leads its own session (setsid)');
    }

    /** The body of one FastCGI request to an FPM pool (bench/fcgi.py). */
    private function fpmPage(string $socket, string $script): string
    {
        $code = 'import sys; sys.path.insert(0, sys.argv[1]); import fcgi; '
            . 'raw, err = fcgi.request(sys.argv[2], sys.argv[3]); '
            . 'sys.stdout.write(fcgi.body_of(raw).decode()); sys.stderr.write(err.decode())';
        $bench = dirname(__DIR__, 2) . '/bench';
        $command = array_map('escapeshellarg', ['python3', '-c', $code, $bench, $socket, $script]);
        $out = (string) shell_exec(implode(' ', $command) . ' 2>&1');
        return trim($out);
    }

    /** Runs one call in a new PHP process (its own request) and returns the pid of the host that answered. */
    private function requestInAnotherProcess(): int
    {
        $log = $this->root . '/status.log';
        @unlink($log);
        $env = getenv();
        $env['HOSTKEYRESELLERMOD_BIN_DIR'] = $this->bin;
        $env['HOSTKEYRESELLERMOD_HELPER'] = 'on';
        $env['HOSTKEYRESELLERMOD_TRANSPORT'] = 'cli';
        $env['HOSTKEYRESELLERMOD_HOST_STATUS_LOG'] = $log;
        $env['TMPDIR'] = $this->places;
        $process = proc_open(
            [PHP_BINARY, __DIR__ . '/Fixtures/helper-request.php'],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            $env,
        );
        self::assertIsResource($process);
        fclose($pipes[0]);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), $out . $err);
        self::assertSame('ok', trim($out), $err);
        $line = json_decode((string) file_get_contents($log), true);
        self::assertIsArray($line);
        return $line['pid'];
    }
}
