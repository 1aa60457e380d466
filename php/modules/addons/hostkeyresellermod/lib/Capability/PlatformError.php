<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use RuntimeException;

defined('WHMCS') || exit;

/**
 * A `platform.error` case: failed (WHMCS refused or failed) or other.
 */
final class PlatformError extends RuntimeException
{
    public static function failed(string $message): self
    {
        return new self($message);
    }
}
