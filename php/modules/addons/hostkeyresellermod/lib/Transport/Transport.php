<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * Carries one call to the host and its capability requests back
 * (docs/architecture.md, "The message protocol").
 */
interface Transport
{
    /**
     * Sends a call line, answers every capability request with $capabilities,
     * and returns the final `{"value": ...}` or `{"fault": ...}` line.
     *
     * @throws ComponentFault when the host cannot be reached or breaks the protocol
     */
    public function call(string $call, RequestHandler $capabilities): string;

    /** "ffi" or "cli", for logs and tests. */
    public function name(): string;
}
