<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\Transport;

/**
 * A transport that plays a script: capability requests to send, then an answer.
 */
final class ScriptedTransport implements Transport
{
    /** @var list<string> the call lines received */
    public array $calls = [];
    /** @var list<string> the answers the handler gave */
    public array $replies = [];

    /** @param list<string> $requests */
    public function __construct(private string $answer, private array $requests = [])
    {
    }

    public function call(string $call, RequestHandler $capabilities): string
    {
        $this->calls[] = $call;
        foreach ($this->requests as $request) {
            $this->replies[] = $capabilities->handle($request);
        }
        return $this->answer;
    }

    public function name(): string
    {
        return 'scripted';
    }
}
