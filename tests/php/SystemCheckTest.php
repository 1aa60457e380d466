<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\SystemCheck;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CacheDir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperPlace;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\MountTable;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\NativeFiles;
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
        $glibc = static fn (): ?string => '2.28';
        $connect = static fn (): ?string => null;
        return (new SystemCheck($options, $factory, $iniGet, $glibc, $connect))->findings();
    }

    public function testGlibcIsComparedWithTheFloorTheZipDeclares(): void
    {
        $meta = json_decode(
            (string) file_get_contents(ROOTDIR . '/modules/addons/hostkeyresellermod/whmcs.json'),
            true,
        );
        self::assertSame('>=' . SystemCheck::GLIBC_FLOOR, $meta['requirements']['glibc']);
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        $factory = new TransportFactory($options, 'auto', [], 'fpm-fcgi', false);
        $check = static fn (?string $glibc): string => (new SystemCheck(
            $options,
            $factory,
            null,
            static fn (): ?string => $glibc,
            static fn (): ?string => null,
        ))->findings()['glibc'];
        self::assertSame('2.28 (the engine needs 2.17 or newer)', $check('2.28'));
        self::assertSame(
            '2.12: too old, the engine needs 2.17 or newer; the engine cannot load on this server, move WHMCS to '
            . 'one with a newer system (CentOS 7, Debian 10, Ubuntu 20.04 or later)',
            $check('2.12'),
        );
        self::assertSame('unknown (the engine needs 2.17 or newer; FFI or getconf would tell)', $check(null));
        $real = (new SystemCheck($options, $factory))->findings()['glibc'];
        self::assertMatchesRegularExpression('/^\d+\.\d+ \(the engine needs 2\.17 or newer\)$/', $real);
    }

    public function testTheApiHostIsReachedOrTheAdminIsToldWhy(): void
    {
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        $factory = new TransportFactory($options, 'auto', [], 'fpm-fcgi', false);
        $asked = [];
        $refused = static function (string $host, int $port) use (&$asked): ?string {
            $asked[] = $host . ':' . $port;
            return 'Connection refused';
        };
        $finding = (new SystemCheck($options, $factory, null, null, $refused))->findings()['HOSTKEY API'];
        self::assertSame(['invapi.hostkey.com:443'], $asked);
        self::assertSame(
            'invapi.hostkey.com:443 cannot be reached (Connection refused); '
            . 'allow outbound connections to it from this server',
            $finding,
        );
        // A real connection: a listening socket on 127.0.0.1.
        $server = stream_socket_server('tcp://127.0.0.1:0');
        self::assertNotFalse($server);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($server, false), ':'), 1);
        $local = new RuntimeOptions($this->bin, 'http://127.0.0.1:' . $port . '/');
        $finding = (new SystemCheck($local, $factory))->findings()['HOSTKEY API'];
        self::assertMatchesRegularExpression(
            '/^127\.0\.0\.1:' . $port . ' reachable \(\d+ ms\); Test Connection on a server checks the API key$/',
            $finding,
        );
        fclose($server);
    }

    public function testAnFpmServerWithoutFfiAndALostExecBitIsToldWhatToDo(): void
    {
        $findings = $this->findings(['ffi.enable' => 'preload']);
        self::assertSame(PHP_VERSION . ' (needs 8.1 or newer)', $findings['PHP']);
        self::assertSame('not usable here (ffi.enable=preload)', $findings['FFI']);
        self::assertSame('available', $findings['proc_open']);
        self::assertMatchesRegularExpression(
            '/^helper process, kept between requests by PHP\'s user \(socket in \/\S+\/hostkeyresellermod-\d+\)$/',
            $findings['Transport'],
        );
        $launcher = $this->bin . '/hostkey-host';
        self::assertSame(
            'The component host program ' . $launcher . ' is not executable (mode 0644), and ' . $launcher
            . '.sha256 (its release digest) is missing, so no checked copy can be made; run chmod 755 '
            . $launcher . '.',
            $findings['Engine files'],
        );
        self::assertMatchesRegularExpression(
            '/^' . preg_quote($this->bin, '/') . ' is on \S+ \(\w+\), which allows programs$/',
            $findings['Mount'],
        );
        self::assertSame(
            $this->bin . ': cold, the next call compiles the engine (a second or more)',
            $findings['Compile cache'],
        );
    }

    public function testALostExecBitIsRepairedAndTheRowSaysWhereTheCopyRuns(): void
    {
        file_put_contents($this->bin . '/hostkey-host', "#!/bin/sh\n");
        file_put_contents($this->bin . '/libhostkey_host.so', 'library');
        foreach (['hostkey-host', 'libhostkey_host.so'] as $file) {
            file_put_contents($this->bin . '/' . $file . '.sha256', hash_file('sha256', $this->bin . '/' . $file));
        }
        mkdir($this->bin . '/tmp');
        $cache = new CacheDir($this->bin . '/tmp', (int) fileowner($this->bin), null, []);
        $native = new NativeFiles($this->bin, $cache, MountTable::forThisProcess());
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/', [], null, null, null, $native);
        $iniGet = static fn (string $name): string => $name === 'ffi.enable' ? 'preload' : '';
        $factory = new TransportFactory($options, 'auto', [], 'fpm-fcgi', true, $iniGet);
        $glibc = static fn (): string => '2.36';
        $check = new SystemCheck($options, $factory, $iniGet, $glibc, static fn (): ?string => null);
        $copy = $this->bin . '/tmp/hostkeyresellermod-' . fileowner($this->bin);
        self::assertMatchesRegularExpression(
            '/^hostkey-host cannot run in ' . preg_quote($this->bin, '/') . ' \(it lost its exec bit\); calls run '
            . 'from a copy checked against the release digest in ' . preg_quote($copy, '/') . '\/engine-[0-9a-f]{16}$/',
            $check->findings()['Engine files'],
        );
    }

    public function testAProcessorWithoutAnEngineIsItsOwnRow(): void
    {
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        $factory = new TransportFactory($options, 'auto', [], 'fpm-fcgi', false);
        $sentence = "hostkeyresellermod has no engine for this server's processor (sparc64); it runs on x86_64.";
        $glibc = static fn (): string => '2.36';
        $check = new SystemCheck($options, $factory, null, $glibc, static fn (): ?string => null, $sentence);
        self::assertSame($sentence, $check->findings()['Processor']);
    }

    public function testWithoutAPrivateFolderAWebRequestStartsAHelperProcessEachTimeAndTheRowSaysWhy(): void
    {
        $iniGet = static fn (string $name): string => $name === 'ffi.enable' ? 'preload' : '';
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        $factory = new TransportFactory($options, 'auto', [], 'fpm-fcgi', true, $iniGet);
        $nowhere = new CacheDir($this->bin . '/no-such-folder', 0, static fn (): bool => false, []);
        $check = new SystemCheck(
            $options,
            $factory,
            $iniGet,
            static fn (): ?string => '2.28',
            static fn (): ?string => null,
            null,
            new HelperPlace($options, $nowhere, 0),
        );
        self::assertSame(
            'helper process, one per request: no private folder for the per-user helper (see Compile cache)',
            $check->findings()['Transport'],
        );
        $helperOff = ['HOSTKEYRESELLERMOD_HELPER' => 'off'];
        $off = new TransportFactory($options, 'auto', $helperOff, 'fpm-fcgi', true, $iniGet);
        self::assertStringStartsWith(
            'helper process, one per request (the per-user helper is for web requests;',
            (new SystemCheck($options, $off, $iniGet))->findings()['Transport'],
        );
    }

    public function testProcOpenDisabledWithoutFfiIsAFailureForetold(): void
    {
        $findings = $this->findings(['ffi.enable' => 'false', 'disable_functions' => 'exec, proc_open,system']);
        self::assertSame(
            'disabled by disable_functions; remove proc_open from disable_functions in the php.ini WHMCS\'s PHP '
            . 'reads, or set ffi.enable=true there or in WHMCS\'s PHP-FPM pool (php_admin_value[ffi.enable] = true); '
            . '.htaccess, .user.ini and ini_set can change neither, so on shared hosting ask the host, and if it '
            . 'allows neither, this server cannot run the module.',
            $findings['proc_open'],
        );
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
