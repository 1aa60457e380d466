<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CliTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;

/**
 * The process transport against a scripted host (tests/php/Fixtures/fake-host.php),
 * so that its protocol handling is tested without the real host.
 */
final class CliTransportTest extends TestCase
{
    private string $binDir;

    protected function setUp(): void
    {
        $this->binDir = sys_get_temp_dir() . '/hkrm-cli-' . bin2hex(random_bytes(4));
        mkdir($this->binDir);
        $script = "#!/bin/sh\nexec " . escapeshellarg(PHP_BINARY) . ' '
            . escapeshellarg(__DIR__ . '/Fixtures/fake-host.php') . " \"\$@\"\n";
        file_put_contents($this->binDir . '/hostkey-host', $script);
        chmod($this->binDir . '/hostkey-host', 0755);
    }

    protected function tearDown(): void
    {
        @unlink($this->binDir . '/hostkey-host');
        @rmdir($this->binDir);
    }

    /** @param array<string, int> $longCallLimits */
    private function bridge(
        int $timeoutMs = 30000,
        int $graceMs = 5000,
        array $longCallLimits = [],
        int $loadMs = 0,
    ): Bridge {
        $options = new RuntimeOptions($this->binDir, 'https://invapi.hostkey.com/', ['timeout_ms' => $timeoutMs]);
        return new Bridge(
            new CliTransport($options, $graceMs, $loadMs),
            new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform()),
            $longCallLimits ?: $options->longCallLimits(),
        );
    }

    public function testTheHostGetsTheOptionsAsOneArgument(): void
    {
        $options = $this->bridge()->call('test.options');
        self::assertSame($this->binDir . '/hostkey_guest.wasm', $options['component']);
        self::assertSame(['invapi.hostkey.com', 'invapi.hostkey.ru'], $options['http_allow']);
    }

    public function testEachRequestIsAnsweredAndOneProcessServesSeveralCalls(): void
    {
        // The fake host decrypts service 7's password: a service of this module's.
        Db::reset();
        Capsule::table('tblproducts')->insert(['id' => 3, 'servertype' => 'hostkeyresellermod']);
        Capsule::table('tblhosting')->insert(['id' => 7, 'packageid' => 3]);
        $bridge = $this->bridge();
        $first = $bridge->call('test.two-requests', ['note' => "two\nlines"]);
        $decrypted = ['ok' => 'plain:tblhosting.password#7'];
        self::assertSame([['ok' => 'https://whmcs.example.test/'], $decrypted], $first['answers']);
        self::assertSame(['note' => "two\nlines"], $first['args']);
        self::assertSame(1, $first['call-number']);
        self::assertSame(2, $bridge->call('test.two-requests')['call-number'], 'the same process answered');
    }

    public function testAFaultLineIsAComponentFault(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage('The call ran out of time.');
        $this->bridge()->call('test.fault');
    }

    public function testAGarbageLineIsAFaultAndTheNextCallStartsAFreshHost(): void
    {
        $bridge = $this->bridge();
        try {
            $bridge->call('test.garbage');
            self::fail('expected a fault');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('not a JSON object', $e->getMessage());
        }
        self::assertSame(1, $bridge->call('test.two-requests')['call-number']);
    }

    public function testAHostThatDiesIsAFaultWithItsLastWords(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessageMatches('/stopped unexpectedly: .*panicked.*boom/');
        $this->bridge()->call('test.crash');
    }

    public function testAHostThatHangsIsGivenUpOn(): void
    {
        try {
            $this->bridge(200, 300)->call('test.hang');
            self::fail('expected a fault');
        } catch (ComponentFault $e) {
            // The bridge's own deadline ended it, not the host answering late.
            self::assertStringContainsString('did not answer within 0.5 seconds', $e->getMessage());
        }
    }

    public function testAFreshHostIsGivenItsLoadingTimeOnceNotOnEveryCall(): void
    {
        // 0.2 s limit + 0.3 s grace; the host needs 1 s to load before its first answer.
        $bridge = $this->bridge(200, 300, [], 2000);
        self::assertSame(1, $bridge->call('test.slow-start', ['sleep_ms' => 1000])['call-number']);
        self::assertSame(2, $bridge->call('test.slow-start', ['sleep_ms' => 1000])['call-number']);
        try {
            $bridge->call('test.hang');
            self::fail('expected a fault');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('did not answer within 0.5 seconds', $e->getMessage());
        }
    }

    public function testWithoutTheLoadingAllowanceASlowStartIsGivenUpOn(): void
    {
        try {
            $this->bridge(200, 300)->call('test.slow-start', ['sleep_ms' => 1000]);
            self::fail('expected a fault');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('did not answer within 0.5 seconds', $e->getMessage());
        }
    }

    public function testALongCallIsWaitedForAsLongAsItsOwnLimit(): void
    {
        // The runtime's limit is 0.2 s (+0.3 s grace); an import carries 3 s and takes 1 s.
        $bridge = $this->bridge(200, 300, ['timeout_ms' => 3000, 'fuel' => 7]);
        $value = $bridge->call('addon.import', ['sleep_ms' => 1000]);
        self::assertSame(['limits' => ['timeout_ms' => 3000, 'fuel' => 7]], $value);
        // Other calls keep the runtime's limit.
        try {
            $bridge->call('test.hang');
            self::fail('expected a fault');
        } catch (ComponentFault $e) {
            self::assertStringContainsString('did not answer within 0.5 seconds', $e->getMessage());
        }
    }

    public function testAMissingProgramIsAClearFault(): void
    {
        unlink($this->binDir . '/hostkey-host');
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage(
            'The component host program ' . $this->binDir . '/hostkey-host is missing; '
            . 'upload bin/ again, in binary mode.'
        );
        $this->bridge()->call('test.options');
    }
}
