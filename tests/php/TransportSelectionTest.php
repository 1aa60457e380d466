<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CliTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\DeferredTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\FfiTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\Machine;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\OpenBasedir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\Transport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;

/**
 * Which transport is used, and the options both transports pass to the host.
 */
final class TransportSelectionTest extends TestCase
{
    private string $binDir;

    protected function setUp(): void
    {
        $this->binDir = sys_get_temp_dir() . '/hkrm-bin-' . bin2hex(random_bytes(4));
        mkdir($this->binDir);
        touch($this->binDir . '/libhostkey_host.so');
    }

    protected function tearDown(): void
    {
        @unlink($this->binDir . '/libhostkey_host.so');
        @rmdir($this->binDir);
    }

    /** @param array<string, string> $env */
    private function factory(string $setting, array $env, string $sapi, bool $loaded, string $ini): TransportFactory
    {
        $options = new RuntimeOptions($this->binDir, 'https://invapi.hostkey.com/');
        return new TransportFactory($options, $setting, $env, $sapi, $loaded, static fn (): string => $ini);
    }

    /** @return array<string, array{0: string, 1: array<string, string>, 2: string, 3: bool, 4: string, 5: string}> */
    public static function cases(): array
    {
        return [
            'auto, cli sapi, preload' => ['auto', [], 'cli', true, 'preload', 'ffi'],
            'auto, fpm, preload' => ['auto', [], 'fpm-fcgi', true, 'preload', 'cli'],
            'auto, fpm, enabled' => ['auto', [], 'fpm-fcgi', true, 'true', 'ffi'],
            'auto, fpm, enabled as 1' => ['auto', [], 'fpm-fcgi', true, '1', 'ffi'],
            'auto, disabled' => ['auto', [], 'cli', true, 'false', 'cli'],
            'auto, no extension' => ['auto', [], 'cli', false, 'true', 'cli'],
            'setting cli' => ['cli', [], 'cli', true, 'true', 'cli'],
            'setting ffi' => ['ffi', [], 'fpm-fcgi', true, 'true', 'ffi'],
            'env beats setting' => ['ffi', ['HOSTKEYRESELLERMOD_TRANSPORT' => 'cli'], 'cli', true, 'true', 'cli'],
            'unknown env ignored' => ['cli', ['HOSTKEYRESELLERMOD_TRANSPORT' => 'pigeon'], 'cli', true, 'true', 'cli'],
            'unknown setting is auto' => ['fast', [], 'cli', true, 'preload', 'ffi'],
        ];
    }

    /**
     * @dataProvider cases
     * @param array<string, string> $env
     */
    public function testTheModeFollowsSettingEnvironmentAndPhp(
        string $setting,
        array $env,
        string $sapi,
        bool $loaded,
        string $ini,
        string $expected,
    ): void {
        $factory = $this->factory($setting, $env, $sapi, $loaded, $ini);
        self::assertSame($expected, $factory->mode());
        $transport = $factory->create();
        // A web request's process transport goes through the per-user helper; PHP's CLI (cron) does not.
        $class = $expected === 'ffi' ? FfiTransport::class
            : ($sapi === 'cli' ? CliTransport::class : HelperTransport::class);
        self::assertInstanceOf($class, $transport);
        self::assertSame($expected, $transport->name());
    }

    public function testTheHelperIsForWebRequestsUnlessTheEnvironmentSaysOtherwise(): void
    {
        self::assertTrue($this->factory('cli', [], 'fpm-fcgi', true, 'true')->helperWanted());
        self::assertFalse($this->factory('cli', [], 'cli', true, 'true')->helperWanted());
        $off = $this->factory('cli', ['HOSTKEYRESELLERMOD_HELPER' => 'off'], 'fpm-fcgi', true, 'true');
        self::assertFalse($off->helperWanted());
        self::assertInstanceOf(CliTransport::class, $off->create());
        $on = $this->factory('cli', ['HOSTKEYRESELLERMOD_HELPER' => 'on'], 'cli', true, 'true');
        self::assertTrue($on->helperWanted());
        self::assertInstanceOf(HelperTransport::class, $on->create());
    }

    public function testAutoFallsBackToTheCliWithoutTheLibrary(): void
    {
        unlink($this->binDir . '/libhostkey_host.so');
        self::assertSame('cli', $this->factory('auto', [], 'cli', true, 'true')->mode());
    }

    public function testForcedFfiWhereItIsNotAllowedIsAClearFault(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage('ffi.enable=true');
        $this->factory('ffi', [], 'fpm-fcgi', true, 'preload')->create();
    }

    public function testOptionsNameTheFilesAndAllowTheConfiguredApiHost(): void
    {
        $addon = '/var/www/whmcs/modules/addons/hostkeyresellermod';
        $options = RuntimeOptions::fromEnvironment($addon, 'http://127.0.0.1:8099/api/', [], null, 'x86_64');
        self::assertSame($addon . '/bin/hostkey_guest.wasm', $options->componentPath());
        self::assertSame($addon . '/bin/x86_64/hostkey-host', $options->cliPath());
        self::assertSame($addon . '/bin/x86_64/libhostkey_host.so', $options->libraryPath());
        self::assertSame($addon . '/bin/hostkey_host.h', $options->headerPath());
        $json = json_decode($options->toJson(), true);
        self::assertSame(['127.0.0.1', 'invapi.hostkey.com', 'invapi.hostkey.ru'], $json['http_allow']);
        self::assertSame(
            ['component', 'http_allow', 'memory_mb', 'fuel', 'timeout_ms', 'http_timeout_ms'],
            array_keys($json),
        );
        self::assertSame(30000, $json['timeout_ms']);
    }

    public function testTheHostIsPickedByWhatPhpUnameSays(): void
    {
        $options = RuntimeOptions::fromEnvironment('/addon', 'https://invapi.hostkey.com/', [], null, 'AMD64');
        self::assertSame('/addon/bin/x86_64/hostkey-host', $options->cliPath());
        self::assertSame('x86_64', RuntimeOptions::arch(php_uname('m')), 'this machine is one the zip serves');
    }

    public function testTheProcessorIsFoundWithoutPhpUnameFromPhpsOwnBinary(): void
    {
        $anywhere = new OpenBasedir('');
        self::assertSame('x86_64', Machine::fromElf(PHP_BINARY, $anywhere));
        self::assertSame('x86_64', Machine::fromElf('/proc/self/exe', $anywhere));
        self::assertNull(Machine::fromElf(__FILE__, $anywhere), 'not an ELF file');
        self::assertNull(Machine::fromElf(PHP_BINARY, new OpenBasedir('/nowhere')), 'outside open_basedir');
        self::assertSame(php_uname('m'), Machine::name());
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage(
            "hostkeyresellermod cannot tell this server's processor (php_uname and posix_uname are disabled "
            . "and PHP's binary cannot be read); allow php_uname in disable_functions."
        );
        RuntimeOptions::arch('');
    }

    public function testATransportThatCannotBeMadeFailsOnItsFirstCallNotBefore(): void
    {
        $made = 0;
        $factory = $this->factory('ffi', [], 'fpm-fcgi', true, 'preload');
        $deferred = new DeferredTransport(static function () use ($factory, &$made): Transport {
            $made++;
            return $factory->create();
        });
        self::assertSame(0, $made, 'nothing is made before a call');
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage('The FFI transport is selected but PHP does not allow FFI here');
        $deferred->name();
    }

    public function testAProcessorWithoutAHostGetsOneSentence(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage(
            "hostkeyresellermod has no engine for this server's processor (sparc64); it runs on x86_64."
        );
        RuntimeOptions::fromEnvironment('/addon', 'https://invapi.hostkey.com/', [], null, 'sparc64');
    }

    public function testTheEnvironmentOverridesTheBinDirAndLimits(): void
    {
        $options = RuntimeOptions::fromEnvironment('/addon', 'https://INVAPI.hostkey.com/', [
            'HOSTKEYRESELLERMOD_BIN_DIR' => '/opt/hostkey/',
            'HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '1500',
            'HOSTKEYRESELLERMOD_TIMEOUT_MS' => 'soon',
        ]);
        self::assertSame('/opt/hostkey/libhostkey_host.so', $options->libraryPath());
        self::assertSame('/opt/hostkey/hostkey_host.h', $options->headerPath());
        $json = json_decode($options->toJson(), true);
        self::assertSame(1500, $json['http_timeout_ms']);
        self::assertSame(30000, $json['timeout_ms'], 'a value that is not a number is ignored');
        self::assertSame(['invapi.hostkey.com', 'invapi.hostkey.ru'], $json['http_allow']);
    }

    public function testLongCallsGetTenMinutesUnlessTheEnvironmentSaysOtherwise(): void
    {
        $options = RuntimeOptions::fromEnvironment('/addon', 'https://invapi.hostkey.com/', [
            'HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '1500',
        ]);
        self::assertSame(['timeout_ms' => 600000, 'fuel' => 500000000000], $options->longCallLimits());
        $options = RuntimeOptions::fromEnvironment('/addon', 'https://invapi.hostkey.com/', [
            'HOSTKEYRESELLERMOD_TIMEOUT_MS' => '900000',
        ]);
        self::assertSame(['timeout_ms' => 900000, 'fuel' => 500000000000], $options->longCallLimits());
        self::assertSame(900000, json_decode($options->toJson(), true)['timeout_ms']);
    }
}
