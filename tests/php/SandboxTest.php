<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;

/**
 * The host's limits as WHMCS sees them, with the test-only probes component
 * (HOSTKEY_PROBES_WASM, built by `make build`): a runaway call ends as one
 * sentence, PHP survives, and the next call works.
 */
final class SandboxTest extends EndToEndCase
{
    private string $originalBinDir = '';
    private string $probeBinDir = '';

    protected function setUp(): void
    {
        parent::setUp();
        $probes = getenv('HOSTKEY_PROBES_WASM');
        if (!is_string($probes) || !is_file($probes)) {
            self::markTestSkipped('HOSTKEY_PROBES_WASM does not name the probes component');
        }
        $this->originalBinDir = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $this->probeBinDir = sys_get_temp_dir() . '/hkrm-probes-' . bin2hex(random_bytes(4));
        mkdir($this->probeBinDir);
        foreach (['libhostkey_host.so', 'hostkey_host.h', 'hostkey-host'] as $file) {
            symlink($this->originalBinDir . '/' . $file, $this->probeBinDir . '/' . $file);
        }
        copy($probes, $this->probeBinDir . '/hostkey_guest.wasm');
        putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->probeBinDir);
    }

    protected function tearDown(): void
    {
        if ($this->probeBinDir !== '') {
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->originalBinDir);
            array_map('unlink', glob($this->probeBinDir . '/*') ?: []);
            rmdir($this->probeBinDir);
        }
        putenv('HOSTKEYRESELLERMOD_FUEL');
        putenv('HOSTKEYRESELLERMOD_MEMORY_MB');
        parent::tearDown();
    }

    /** @return array<string, mixed> */
    private static function probe(string $name): array
    {
        return ['serverusername' => 'probe:' . $name] + self::serverParams();
    }

    /** @dataProvider transports */
    public function testARunawayLoopRunsOutOfFuelAndPhpCarriesOn(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_FUEL' => '200000000']);
        $answer = hostkeyresellermod_TestConnection(self::probe('loop'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('CPU budget', $answer['error']);
        self::assertSame('success', hostkeyresellermod_activate()['status'], 'the next call works');
    }

    /** @dataProvider transports */
    public function testARunawayAllocationHitsTheMemoryCap(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_MEMORY_MB' => '48']);
        $answer = hostkeyresellermod_TestConnection(self::probe('alloc'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('memory', $answer['error']);
    }

    /** @dataProvider transports */
    public function testAWallClockTimeoutEndsTheCall(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_TIMEOUT_MS' => '300']);
        $started = microtime(true);
        $answer = hostkeyresellermod_TestConnection(self::probe('loop'));
        self::assertFalse($answer['success']);
        self::assertNotSame('', $answer['error']);
        self::assertLessThan(5.0, microtime(true) - $started);
    }

    /** @dataProvider transports */
    public function testTheComponentCannotReadTheAdminsTable(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_TestConnection(self::probe('table'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('tbladmins', $answer['error']);
        self::assertStringContainsString('not', $answer['error']);
        self::assertStringNotContainsString('admin@whmcs.example.test', $answer['error']);
        self::assertSame(0, Db::count('tblmodulelog'));
    }
}
