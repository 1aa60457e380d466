<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;

/**
 * The host's own counters (`@host.status`), through the bridge on both
 * transports: how this process got its component and where the cache is.
 */
final class HostStatusTest extends EndToEndCase
{
    /** @dataProvider transports */
    public function testTheHostSaysWhetherItCompiledAndWhereItsCacheIs(string $transport): void
    {
        Host::useTransport($transport);
        $bridge = Components::bridge();
        $bridge->call('addon.config');
        $status = $bridge->call('@host.status');
        self::assertIsArray($status);
        $keys = array_keys($status);
        sort($keys);
        self::assertSame(
            [
                'cache_error', 'cache_file', 'checked_by_stamp', 'compile_ms', 'compiles',
                'loaded_from_cache', 'refused',
            ],
            $keys,
        );
        self::assertIsInt($status['compiles']);
        // Whether a stamp stood for the full check of the .cwasm (host/src/engine/stamp.rs).
        self::assertIsBool($status['checked_by_stamp']);
        $bin = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        self::assertSame($bin, dirname($status['cache_file']), 'make build precompiles beside the component');
        self::assertMatchesRegularExpression('/hostkey_guest\.[0-9a-f]{16}\.cwasm$/', $status['cache_file']);
        self::assertTrue($status['loaded_from_cache']);
        self::assertSame(0, $status['compile_ms']);
        self::assertSame([], $status['refused']);
        self::assertNull($status['cache_error']);
    }
}
