<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\CronCommand;
use WhmcsShim;

/**
 * The two ways the import runs unattended: `php cron.php` (booting WHMCS
 * through WHMCS_INIT, here the shim) and WHMCS's DailyCronJob hook, which
 * the `dailysync` setting switches off.
 */
final class CronTest extends CatalogueCase
{
    private const CRON = ROOTDIR . '/modules/addons/hostkeyresellermod/cron.php';
    private const INIT = __DIR__ . '/Fixtures/whmcs-init.php';
    private const SUMMARY = '/^Done in \d+ ms: (.+) \((\d+) created, (\d+) updated, (\d+) prices changed, '
        . '(\d+) rows written\)$/';

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    /** @dataProvider transports */
    public function testCronPhpImportsTheCatalogueAndPrintsOneSummaryLine(string $transport): void
    {
        $this->install($transport);
        [$status, $out, $err] = self::cron();
        self::assertSame(0, $status, $err);
        self::assertSame('', $err);
        $lines = explode("\n", rtrim($out, "\n"));
        self::assertSame('Importing the HOSTKEY catalogue...', $lines[0]);
        self::assertMatchesRegularExpression(self::SUMMARY, end($lines));
        preg_match(self::SUMMARY, end($lines), $m);
        self::assertSame('4 products in 4 groups are now available; 144 rows written', $m[1]);
        self::assertSame(['5', '0', '63', '144'], array_slice($m, 2));
        self::assertSame(5, Db::count('tblproducts'));
        self::assertSame('4.54', self::productCycles('HKP-vm.alpha (NL)')['EUR'][0]);
        self::assertSame('cron-sync', Capsule::table('mod_hostkeyresellermod_log')->orderBy('id', 'desc')
            ->value('action'));

        [$status, $out] = self::cron();
        self::assertSame(0, $status);
        $lines = explode("\n", rtrim($out, "\n"));
        preg_match(self::SUMMARY, end($lines), $m);
        self::assertSame(['0', '0', '0', '0'], array_slice($m, 2), $out);
    }

    /** @dataProvider transports */
    public function testCronPhpPreviewListsTheChangesAndWritesNothing(string $transport): void
    {
        $this->install($transport);
        $before = Db::dump(Catalogue::TABLES);
        [$status, $out, $err] = self::cron([], ['--preview']);
        self::assertSame(0, $status, $err);
        $lines = explode("\n", rtrim($out, "\n"));
        self::assertSame('Previewing the HOSTKEY catalogue import (nothing is written)...', $lines[0]);
        self::assertContains('  create product HKP-vm.alpha (NL):  -> on sale', $lines);
        preg_match(self::SUMMARY, end($lines), $m);
        self::assertSame('The import would offer 4 products in 4 groups and write 144 rows', $m[1]);
        self::assertSame($before, Db::dump(Catalogue::TABLES));

        [$status, , $err] = self::cron([], ['--everything']);
        self::assertSame(1, $status);
        self::assertSame(
            "Unknown option --everything; the options are --preview and --allow-withdrawal. Nothing was done.\n",
            $err,
        );
    }

    public function testCronPhpRunsWithTheDailySyncSwitchedOff(): void
    {
        $this->install('cli');
        Db::setSettings(['dailysync' => '']);
        [$status, $out, $err] = self::cron();
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('(5 created, 0 updated, 63 prices changed, 144 rows written)', $out);
        self::assertSame(5, Db::count('tblproducts'));
    }

    /** @dataProvider transports */
    public function testCronPhpReportsAFailureOnStderrWithExitStatusOne(string $transport): void
    {
        $this->install($transport);
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'kind' => 'status', 'status' => 500, 'times' => 1]);
        $before = Db::dump();
        [$status, $out, $err] = self::cron();
        self::assertSame(1, $status);
        self::assertSame(
            "The HOSTKEY API answered presets/info with HTTP status 500. "
            . "This is a passing fault: running cron.php again later will retry it.\n",
            $err,
        );
        self::assertStringContainsString('Importing the HOSTKEY catalogue...', $out);
        self::assertStringNotContainsString('Done in', $out);
        self::assertSame($before, Db::dump());
    }

    public function testCronPhpNeedsWhmcs(): void
    {
        [$status, $out, $err] = self::cron(['WHMCS_INIT' => '/nonexistent/init.php']);
        self::assertSame(1, $status);
        self::assertSame('', $out);
        self::assertSame("WHMCS_INIT names /nonexistent/init.php, which is not a file; nothing was done.\n", $err);

        // Found by walking up from the module folder to the WHMCS root.
        $root = sys_get_temp_dir() . '/hkrm-whmcs-' . bin2hex(random_bytes(4));
        mkdir($root . '/modules/addons/hostkeyresellermod', 0777, true);
        touch($root . '/init.php');
        try {
            self::assertSame(
                $root . '/init.php',
                CronCommand::initFile($root . '/modules/addons/hostkeyresellermod', false),
            );
            self::assertNull(CronCommand::initFile($root . '/modules/addons/hostkeyresellermod', $root . '/nope.php'));
        } finally {
            unlink($root . '/init.php');
            rmdir($root . '/modules/addons/hostkeyresellermod');
            rmdir($root . '/modules/addons');
            rmdir($root . '/modules');
            rmdir($root);
        }
        self::assertStringContainsString('set WHMCS_INIT to its path', CronCommand::missingInit(false));
    }

    public function testCronPhpRefusesToRunFromTheWeb(): void
    {
        $this->install('cli');
        self::assertNull(CronCommand::refusal('cli'));
        self::assertSame(CronCommand::WEB_REFUSAL, CronCommand::refusal('fpm-fcgi'));
        // PHP's built-in web server (SAPI cli-server) serving the module folder.
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($probe);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $server = proc_open(
            [PHP_BINARY, '-S', '127.0.0.1:' . $port, '-t', dirname(self::CRON)],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['WHMCS_INIT' => self::INIT] + self::environment(),
        );
        self::assertIsResource($server);
        try {
            $context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 5]]);
            $body = false;
            for ($try = 0; $try < 50 && $body === false; $try++) {
                usleep(100_000);
                $body = @file_get_contents('http://127.0.0.1:' . $port . '/cron.php', false, $context);
            }
            $status = $http_response_header[0] ?? '';
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
        self::assertSame(CronCommand::WEB_REFUSAL . "\n", $body);
        self::assertStringContainsString('403', $status);
        self::assertSame(0, Db::count('tblproducts'));
    }

    public function testTheDailyCronJobHookIsRegisteredAtPriorityOne(): void
    {
        self::assertCount(1, WhmcsShim::$hooks['DailyCronJob'] ?? []);
        self::assertSame(1, WhmcsShim::$hooks['DailyCronJob'][0]['priority']);
    }

    /** @dataProvider transports */
    public function testTheDailyCronJobHookSyncsUnlessTheDailySyncIsOff(string $transport): void
    {
        $this->install($transport);
        Db::setSettings(['dailysync' => '']);
        self::assertSame([null], run_hook('DailyCronJob', []));
        self::assertSame(0, Db::count('tblproducts'));
        $asked = array_filter(FakeApi::calls(), static fn (array $call): bool => $call['module'] === 'presets');
        self::assertSame([], $asked, 'the API was not even asked');

        Db::setSettings(['dailysync' => 'on']);
        run_hook('DailyCronJob', []);
        self::assertSame(5, Db::count('tblproducts'));
        $runs = Capsule::table('mod_hostkeyresellermod_log')->whereIn('action', ['cron-sync', 'status-sync'])
            ->orderBy('id')->pluck('action')->all();
        self::assertSame(['status-sync', 'cron-sync', 'status-sync'], $runs, 'the status sync runs after each');
        self::assertSame(0, Capsule::table('tblmodulelog')->where('action', 'DailyCronJob')->count());
    }

    /** @dataProvider transports */
    public function testADailyCronJobFailureIsLoggedNeverThrown(string $transport): void
    {
        $this->install($transport);
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'kind' => 'status', 'status' => 500, 'times' => 1]);
        self::assertSame([null], run_hook('DailyCronJob', []));
        $logged = Capsule::table('tblmodulelog')->where('action', 'DailyCronJob')->value('response');
        self::assertStringContainsString('HTTP status 500', (string) $logged);
        self::assertSame(
            ['HOSTKEY daily catalogue sync failed: The HOSTKEY API answered presets/info with HTTP status 500. '
                . 'This is a passing fault: the next daily run will retry it.'],
            Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY daily%')->pluck('description')
                ->all(),
        );
        self::assertSame(0, Db::count('tblproducts'));
        // A refusal is permanent: the log does not promise a retry.
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'kind' => 'body', 'times' => 1,
            'body' => '{"result":"error","message":"Account blocked"}']);
        self::assertSame([null], run_hook('DailyCronJob', []));
        self::assertSame(
            'HOSTKEY daily catalogue sync failed: The HOSTKEY API refused presets/info: Account blocked. '
                . 'Retrying will not help until this is fixed.',
            Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY daily%')->orderBy('id', 'desc')
                ->value('description'),
        );
    }

    public function testCronPhpStopsALargeWithdrawalUntilAllowedOnTheCommandLine(): void
    {
        $this->install('cli');
        self::cron();
        FakeApi::catalogue(Catalogue::with(1001, static fn (): ?array => null, Catalogue::with(
            2001,
            static fn (): ?array => null,
        )));
        $before = Db::dump();
        [$status, $out, $err] = self::cron();
        self::assertSame(1, $status, $out);
        self::assertStringStartsWith('HOSTKEY\'s answer would take 3 of the 4 products on sale off sale', $err);
        self::assertStringContainsString('`php cron.php --allow-withdrawal`', $err);
        self::assertSame($before, Db::dump());

        [$status, $out, $err] = self::cron([], ['--preview']);
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('Warning: HOSTKEY\'s answer would take 3 of the 4 products', $out);

        [$status, $out, $err] = self::cron([], ['--allow-withdrawal']);
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('1 products in 1 groups are now available', $out);
    }

    /**
     * Runs cron.php as WHMCS's cron would, with the shim as WHMCS.
     *
     * @param array<string, string> $env
     * @param list<string> $arguments
     * @return array{0: int, 1: string, 2: string} exit status, stdout, stderr
     */
    private static function cron(array $env = [], array $arguments = []): array
    {
        $process = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=true', self::CRON, ...$arguments],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            $env + ['WHMCS_INIT' => self::INIT] + self::environment(),
        );
        self::assertIsResource($process);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out, $err];
    }

    /** @return array<string, string> */
    private static function environment(): array
    {
        return array_filter(getenv(), 'is_string');
    }
}
