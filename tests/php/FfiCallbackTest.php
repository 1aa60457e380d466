<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use RuntimeException;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\FfiTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;

/**
 * A PHP exception inside the FFI capability callback never unwinds through the
 * host's Rust frames: it becomes an error answer, the call ends as a clean
 * error result, and the same runtime serves the next call.
 */
final class FfiCallbackTest extends EndToEndCase
{
    public function testAThrowingCapabilityHandlerEndsAsAnErrorAndTheRuntimeCarriesOn(): void
    {
        if (!extension_loaded('ffi') || !in_array(ini_get('ffi.enable'), ['1', 'true', 'On', 'on'], true)) {
            self::markTestSkipped('PHP FFI is not enabled (ffi.enable=true)');
        }
        $transport = new FfiTransport(new RuntimeOptions((string) getenv('HOSTKEYRESELLERMOD_BIN_DIR'), ''));
        $throwing = new class implements RequestHandler {
            public int $asked = 0;

            public function callStarted(): void
            {
            }

            public function handle(string $request): string
            {
                $this->asked++;
                throw new RuntimeException('the handler exploded');
            }

            public function callFinished(): void
            {
            }
        };
        try {
            (new Bridge($transport, $throwing))->result('addon.activate');
            self::fail('activation cannot succeed without a database');
        } catch (ComponentError $e) {
            self::assertSame(
                'The WHMCS database refused a request: The PHP bridge failed to answer the request: '
                . 'the handler exploded.',
                $e->getMessage(),
            );
        }
        self::assertSame(1, $throwing->asked);

        $working = new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform());
        $report = (new Bridge($transport, $working))->result('addon.activate');
        self::assertIsArray($report);
        self::assertTrue(Capsule::schema()->hasTable('mod_hostkeyresellermod_log'), 'the next call worked');
    }
}
