<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use Closure;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * A transport made on its first call, so that a page which cannot reach the
 * engine (FFI forced where PHP forbids it, ...) still gets built and can say
 * so next to its System check instead of failing whole.
 */
final class DeferredTransport implements Transport
{
    private ?Transport $transport = null;

    /** @param Closure(): Transport $make */
    public function __construct(private Closure $make)
    {
    }

    public function call(string $call, RequestHandler $capabilities): string
    {
        return $this->transport()->call($call, $capabilities);
    }

    public function name(): string
    {
        return $this->transport()->name();
    }

    private function transport(): Transport
    {
        return $this->transport ??= ($this->make)();
    }
}
