<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * In-process transport: libhostkey_host.so through PHP FFI.
 */
final class FfiTransport implements Transport
{
    public function __construct(private RuntimeOptions $options)
    {
    }

    public function call(string $call, RequestHandler $capabilities): string
    {
        $runtime = FfiRuntime::shared(
            $this->options->native()->library(),
            $this->options->headerPath(),
            $this->options->toJson(),
        );
        return $runtime->call($call, $capabilities);
    }

    public function name(): string
    {
        return 'ffi';
    }
}
