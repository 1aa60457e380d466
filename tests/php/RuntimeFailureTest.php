<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;

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
        $sentence = 'The component host program ' . $this->bin . '/hostkey-host is missing or not executable; '
            . 'upload bin/ again or run chmod 755 ' . $this->bin . '/hostkey-host.';
        self::assertSame(['status' => 'error', 'description' => $sentence], $answer);
        self::assertSame(['HOSTKEY Reseller engine (helper program not executable): ' . $sentence], self::alarms());

        // The next requests fail the same way and say so, without flooding the log.
        self::assertSame($sentence, hostkeyresellermod_TestConnection(self::serverParams())['error']);
        self::assertCount(1, self::alarms());

        Capsule::table('tblactivitylog')->update(['date' => date('Y-m-d H:i:s', time() - 3700)]);
        hostkeyresellermod_activate();
        self::assertCount(2, self::alarms(), 'an hour later it is logged again');
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
