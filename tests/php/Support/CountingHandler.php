<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

/** Counts the capability requests a call made. */
final class CountingHandler implements RequestHandler
{
    public int $requests = 0;

    public function __construct(private RequestHandler $inner)
    {
    }

    public function callStarted(): void
    {
        $this->inner->callStarted();
    }

    public function handle(string $request): string
    {
        $this->requests++;
        return $this->inner->handle($request);
    }

    public function callFinished(): void
    {
        $this->inner->callFinished();
    }
}
