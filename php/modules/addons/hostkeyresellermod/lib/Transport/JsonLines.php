<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use Closure;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * One call over JSON lines (docs/architecture.md, "The message protocol"):
 * the call goes out, each capability request (`op`) is answered by the
 * calling request, until the `value` or `fault` line. The same framing for a
 * host process's pipes (CliTransport) and a helper's socket (HelperTransport).
 */
final class JsonLines
{
    /**
     * @param resource $read
     * @param resource $write
     * @param Closure(string): ComponentFault $ended the fault for a host that went away ("stopped", ...)
     * @param Closure(): void $hung runs before the fault for a host that did not answer in time
     * @param list<string> $finals the keys of a line that ends the call
     */
    public function __construct(
        private $read,
        private $write,
        private Closure $ended,
        private Closure $hung,
        private array $finals = ['value', 'fault'],
    ) {
    }

    /**
     * Sends $call and answers its requests; returns the final line (`value`
     * or `fault`; a helper adds `refused`, for a call it did not run).
     *
     * @param int $waitMs how long to wait for each line
     * @param int $firstExtraMs more to wait for the first line (a host still loading)
     * @throws ComponentFault
     */
    public function converse(string $call, RequestHandler $capabilities, int $waitMs, int $firstExtraMs = 0): string
    {
        $this->writeLine($call);
        return $this->answer($capabilities, $waitMs, $firstExtraMs);
    }

    /**
     * The rest of a call whose line was written: its requests answered, its
     * final line returned.
     *
     * @throws ComponentFault
     */
    public function answer(RequestHandler $capabilities, int $waitMs, int $firstExtraMs = 0): string
    {
        while (true) {
            $line = $this->readLine($waitMs + $firstExtraMs);
            $firstExtraMs = 0;
            $message = json_decode($line, true);
            if (!is_array($message)) {
                throw new ComponentFault('The component host wrote a line that is not a JSON object.');
            }
            if (array_key_exists('op', $message)) {
                $this->writeLine($capabilities->handle($line));
                continue;
            }
            foreach ($this->finals as $final) {
                if (array_key_exists($final, $message)) {
                    return $line;
                }
            }
            throw new ComponentFault('The component host wrote a line without op, value or fault.');
        }
    }

    /** @throws ComponentFault */
    public function writeLine(string $line): void
    {
        $data = str_replace("\n", ' ', $line) . "\n";
        $written = 0;
        while ($written < strlen($data)) {
            $chunk = @fwrite($this->write, substr($data, $written));
            if ($chunk === false || $chunk === 0) {
                throw ($this->ended)('stopped reading its input');
            }
            $written += $chunk;
        }
        fflush($this->write);
    }

    /** The next non-empty line. @throws ComponentFault */
    public function readLine(int $waitMs): string
    {
        $deadline = microtime(true) + $waitMs / 1000;
        while (true) {
            $remaining = $deadline - microtime(true);
            if ($remaining <= 0) {
                ($this->hung)();
                throw new ComponentFault(sprintf(
                    'The component host did not answer within %s seconds.',
                    rtrim(rtrim(number_format($waitMs / 1000, 1, '.', ''), '0'), '.'),
                ));
            }
            $read = [$this->read];
            $write = null;
            $except = null;
            $seconds = (int) floor($remaining);
            $ready = @stream_select($read, $write, $except, $seconds, (int) (($remaining - $seconds) * 1e6));
            if ($ready === false) {
                throw new ComponentFault('Waiting for the component host failed.');
            }
            if ($ready === 0) {
                continue;
            }
            $line = fgets($this->read);
            if ($line === false) {
                throw ($this->ended)('stopped');
            }
            $line = rtrim($line, "\r\n");
            if ($line !== '') {
                return $line;
            }
        }
    }
}
