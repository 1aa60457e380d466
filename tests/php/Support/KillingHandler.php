<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperTransport;

/** Sends $signal to the helper at its call's first capability request, then answers. */
final class KillingHandler implements RequestHandler
{
    public function __construct(
        private RequestHandler $inner,
        private HelperTransport $transport,
        private int $signal = SIGKILL,
    ) {
    }

    public function callStarted(): void
    {
        $this->inner->callStarted();
    }

    public function handle(string $request): string
    {
        $pid = $this->transport->helperPid();
        if ($pid !== null && $this->transport->route() === 'helper') {
            posix_kill($pid, $this->signal);
            usleep(50000);
        }
        return $this->inner->handle($request);
    }

    public function callFinished(): void
    {
        $this->inner->callFinished();
    }
}
