<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\SystemCheck;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;

/**
 * What the System check reports about a server, from PHP's settings and the files.
 */
final class SystemCheckTest extends TestCase
{
    private string $bin;

    protected function setUp(): void
    {
        $this->bin = sys_get_temp_dir() . '/hkrm-check-' . bin2hex(random_bytes(4));
        mkdir($this->bin);
        touch($this->bin . '/hostkey_guest.wasm');
        touch($this->bin . '/hostkey-host');
        chmod($this->bin . '/hostkey-host', 0644);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->bin));
    }

    /**
     * @param array<string, string> $ini
     * @return array<string, string>
     */
    private function findings(array $ini, string $setting = 'auto'): array
    {
        $iniGet = static fn (string $name): string => $ini[$name] ?? '';
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        $factory = new TransportFactory($options, $setting, [], 'fpm-fcgi', true, $iniGet);
        return (new SystemCheck($options, $factory, $iniGet))->findings();
    }

    public function testAnFpmServerWithoutFfiAndALostExecBitIsToldWhatToDo(): void
    {
        $findings = $this->findings(['ffi.enable' => 'preload']);
        self::assertSame(PHP_VERSION . ' (needs 8.1 or newer)', $findings['PHP']);
        self::assertSame('not usable here (ffi.enable=preload)', $findings['FFI']);
        self::assertSame('available', $findings['proc_open']);
        self::assertSame('helper process', $findings['Transport']);
        self::assertSame(
            'hostkey-host is not executable: chmod 755 ' . $this->bin . '/hostkey-host',
            $findings['Engine files'],
        );
        self::assertSame(
            $this->bin . ': cold, the next call compiles the engine (about a second)',
            $findings['Compile cache'],
        );
    }

    public function testProcOpenDisabledWithoutFfiIsAFailureForetold(): void
    {
        $findings = $this->findings(['ffi.enable' => 'false', 'disable_functions' => 'exec, proc_open,system']);
        self::assertSame('disabled by disable_functions', $findings['proc_open']);
        self::assertSame('helper process: will fail, enable proc_open or FFI', $findings['Transport']);
    }

    public function testFfiReadyAndAWarmCache(): void
    {
        touch($this->bin . '/libhostkey_host.so');
        touch($this->bin . '/hostkey_guest.0123456789abcdef.cwasm');
        $findings = $this->findings(['ffi.enable' => 'true']);
        self::assertSame('enabled (ffi.enable=true)', $findings['FFI']);
        self::assertSame('in-process (FFI)', $findings['Transport']);
        self::assertSame('libhostkey_host.so ready in ' . $this->bin, $findings['Engine files']);
        self::assertSame($this->bin . ': warm', $findings['Compile cache']);
    }
}
