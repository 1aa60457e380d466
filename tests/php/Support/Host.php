<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

/**
 * The built host (HOSTKEYRESELLERMOD_BIN_DIR): what end-to-end tests need.
 */
final class Host
{
    public const FILES = ['hostkey_guest.wasm', 'libhostkey_host.so', 'hostkey_host.h', 'hostkey-host'];

    /** Variables tests change; reset after each test. */
    private const ENVIRONMENT = [
        'HOSTKEYRESELLERMOD_TRANSPORT',
        'HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS',
        'HOSTKEYRESELLERMOD_TIMEOUT_MS',
    ];

    /** Why the host cannot be used, or null when it can. */
    public static function unavailableReason(): ?string
    {
        $dir = getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        if (!is_string($dir) || $dir === '') {
            return 'HOSTKEYRESELLERMOD_BIN_DIR is not set (build the host, then run tests/run-php-tests.sh)';
        }
        foreach (self::FILES as $file) {
            if (!is_file($dir . '/' . $file)) {
                return 'the host file ' . $dir . '/' . $file . ' is missing';
            }
        }
        return null;
    }

    /**
     * Chooses the transport for the next calls and restores it later.
     *
     * @param array<string, string> $extra more environment variables
     */
    public static function useTransport(string $transport, array $extra = []): void
    {
        putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transport);
        foreach ($extra as $name => $value) {
            putenv($name . '=' . $value);
        }
    }

    public static function resetEnvironment(): void
    {
        foreach (self::ENVIRONMENT as $name) {
            putenv($name);
        }
    }
}
