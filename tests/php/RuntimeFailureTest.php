<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

/**
 * A failure of the engine itself reaches the activity log (always on) with the
 * sentence the entry point returns, at most once an hour per cause.
 */
final class RuntimeFailureTest extends EndToEndCase
{
    private string $bin;
    private string $builtBin;

    protected function setUp(): void
    {
        parent::setUp();
        $this->builtBin = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $this->bin = sys_get_temp_dir() . '/hkrm-failure-' . bin2hex(random_bytes(4));
        mkdir($this->bin);
        foreach (Host::FILES as $file) {
            copy($this->builtBin . '/' . $file, $this->bin . '/' . $file);
        }
        putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->bin);
    }

    protected function tearDown(): void
    {
        putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->builtBin);
        exec('rm -rf ' . escapeshellarg($this->bin));
        parent::tearDown();
    }

    /** @return list<string> */
    private static function alarms(): array
    {
        return Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY Reseller engine (%')
            ->orderBy('id')->pluck('description')->all();
    }

    public function testALostExecBitIsOneActionableSentenceInTheActivityLogOnceAnHour(): void
    {
        chmod($this->bin . '/hostkey-host', 0644);
        Host::useTransport('cli');
        $answer = hostkeyresellermod_activate();
        $launcher = $this->bin . '/hostkey-host';
        $sentence = 'The component host program ' . $launcher . ' is not executable (mode 0644), and ' . $launcher
            . '.sha256 (its release digest) is missing, so no checked copy can be made; run chmod 755 '
            . $launcher . '.';
        self::assertSame(['status' => 'error', 'description' => $sentence], $answer);
        self::assertSame(['HOSTKEY Reseller engine (helper program not executable): ' . $sentence], self::alarms());

        // The next requests fail the same way and say so, without flooding the log.
        self::assertSame($sentence, hostkeyresellermod_TestConnection(self::serverParams())['error']);
        self::assertCount(1, self::alarms());

        Capsule::table('tblactivitylog')->update(['date' => date('Y-m-d H:i:s', time() - 3700)]);
        hostkeyresellermod_activate();
        self::assertCount(2, self::alarms(), 'an hour later it is logged again');
    }

    public function testALostExecBitWithTheReleaseDigestsRunsFromACopyAndLogsNothing(): void
    {
        foreach (['hostkey-host', 'libhostkey_host.so'] as $file) {
            $digest = hash_file('sha256', $this->bin . '/' . $file);
            file_put_contents($this->bin . '/' . $file . '.sha256', $digest . '  ' . $file . "\n");
        }
        chmod($this->bin . '/hostkey-host', 0644);
        $this->configure(FakeApi::VALID_KEY);
        $templates = $this->bin . '/templates_c';
        mkdir($templates);
        $GLOBALS['templates_compiledir'] = $templates;
        try {
            Host::useTransport('cli');
            $answer = hostkeyresellermod_activate();
            self::assertSame('success', $answer['status'], $answer['description']);
            self::assertTrue(hostkeyresellermod_TestConnection(self::serverParams())['success']);
        } finally {
            unset($GLOBALS['templates_compiledir']);
        }
        $copies = glob($templates . '/hostkeyresellermod-*/engine-*/hostkey-host') ?: [];
        self::assertCount(1, $copies, 'one copy, in templates_c');
        self::assertFileEquals($this->bin . '/hostkey-host', $copies[0]);
        self::assertFileEquals($this->bin . '/libhostkey_host.so', dirname($copies[0]) . '/libhostkey_host.so');
        self::assertSame(0644, fileperms($this->bin . '/hostkey-host') & 0777, 'the upload is left as it is');
        self::assertSame([], self::alarms());
    }

    public function testALibraryThatDoesNotLoadIsLoggedAsItsOwnCause(): void
    {
        file_put_contents($this->bin . '/libhostkey_host.so', 'not an ELF file');
        Host::useTransport('ffi');
        $answer = hostkeyresellermod_activate();
        self::assertSame('error', $answer['status']);
        $library = $this->bin . '/libhostkey_host.so';
        self::assertStringStartsWith('PHP FFI cannot load ' . $library, $answer['description']);
        self::assertStringEndsWith("compare the System check's glibc row.", $answer['description']);
        self::assertSame(
            ['HOSTKEY Reseller engine (engine does not load): ' . $answer['description']],
            self::alarms(),
        );
    }

    public function testAnUnexpectedFailureLeavesItsCauseInTheActivityLogWithoutItsData(): void
    {
        $error = new \Error('Call to undefined function php_uname()');
        self::assertSame(
            'The HOSTKEY module failed unexpectedly; the module log has the details.',
            ErrorReport::sentence('config', $error),
        );
        $line = $error->getLine();
        self::assertSame(
            ['HOSTKEY Reseller engine (unexpected failure): Error at RuntimeFailureTest.php:' . $line
            . ': Call to undefined function php_uname(); the module log has the details (System Settings > '
            . 'Module Log, with debug logging on).'],
            self::alarms(),
        );
        ErrorReport::sentence('config', new \RuntimeException('SELECT secret FROM somewhere'));
        self::assertCount(1, self::alarms(), 'once an hour');
        Capsule::table('tblactivitylog')->delete();
        ErrorReport::sentence('config', new \RuntimeException('SELECT secret FROM somewhere'));
        self::assertStringNotContainsString('secret', implode("\n", self::alarms()));
        self::assertStringContainsString('RuntimeException at RuntimeFailureTest.php:', implode("\n", self::alarms()));
    }

    public function testEachCauseHasItsOwnHour(): void
    {
        $now = time();
        self::assertTrue(RuntimeFailure::alarm(RuntimeFailure::PROC_OPEN, 'Allow proc_open.', $now));
        self::assertFalse(RuntimeFailure::alarm(RuntimeFailure::PROC_OPEN, 'Allow proc_open.', $now + 60));
        self::assertTrue(RuntimeFailure::alarm(RuntimeFailure::CACHE, 'Make templates_c writable.', $now + 60));
        self::assertTrue(RuntimeFailure::alarm(RuntimeFailure::PROC_OPEN, 'Allow proc_open.', $now + 3601));
        self::assertSame(3, Db::count('tblactivitylog'));
    }
}
