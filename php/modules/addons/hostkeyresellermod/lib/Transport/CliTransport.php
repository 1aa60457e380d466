<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * Out-of-process transport: `hostkey-host serve --options '<json>'`, JSON lines
 * on stdin/stdout. One process per transport object, reused for its calls.
 */
final class CliTransport implements Transport
{
    /** @var resource|null */
    private $process = null;
    /** @var resource|null */
    private $stdin = null;
    /** @var resource|null */
    private $stdout = null;
    /** @var resource|null */
    private $stderr = null;

    /**
     * @param int $graceMs extra wait beyond the host's own wall-clock limit before PHP gives up
     * @param int $loadMs extra wait for the first answer of a fresh host: loading (a compile,
     *                    when no `.cwasm` fits, takes seconds on a busy host) is not part of the call's limit
     */
    public function __construct(
        private RuntimeOptions $options,
        private int $graceMs = 5000,
        private int $loadMs = 30000,
    ) {
    }

    public function call(string $call, RequestHandler $capabilities): string
    {
        $fresh = $this->process === null;
        $this->start();
        $timeoutMs = self::callTimeoutMs($call) ?? $this->options->timeoutMs();
        try {
            $line = $this->lines()->converse(
                $call,
                $capabilities,
                $timeoutMs + $this->graceMs,
                $fresh ? $this->loadMs : 0,
            );
        } catch (Throwable $e) {
            // The conversation is in an unknown state: the next call starts a fresh host.
            $this->stop();
            throw $e;
        }
        return $line;
    }

    /** The framing over this host's pipes. */
    private function lines(): JsonLines
    {
        return new JsonLines(
            $this->stdout,
            $this->stdin,
            fn (string $what): ComponentFault => new ComponentFault($this->ended($what)),
            fn () => $this->stop(true),
        );
    }

    public function name(): string
    {
        return 'cli';
    }

    public function __destruct()
    {
        $this->stop();
    }

    private function start(): void
    {
        if ($this->process !== null) {
            return;
        }
        if (!function_exists('proc_open')) {
            $ffi = (new TransportFactory($this->options, 'auto', []))->ffiUsable();
            throw RuntimeFailure::fault(RuntimeFailure::PROC_OPEN, ProcOpenAdvice::sentence($ffi));
        }
        // The shipped launcher, or a checked copy when an upload or the mount stops it.
        $binary = $this->options->native()->launcher();
        $stderr = tmpfile();
        if ($stderr === false) {
            throw new ComponentFault('No temporary file for the component host\'s messages can be created.');
        }
        $pipes = [];
        $process = proc_open(
            [$binary, 'serve', '--options', $this->options->toJson()],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => $stderr],
            $pipes,
        );
        if (!is_resource($process)) {
            fclose($stderr);
            throw new ComponentFault('The component host program ' . $binary . ' could not be started.');
        }
        $this->process = $process;
        $this->stdin = $pipes[0];
        $this->stdout = $pipes[1];
        $this->stderr = $stderr;
    }

    /** The wall-clock limit a call request carries itself (`limits.timeout_ms`), if any. */
    public static function callTimeoutMs(string $call): ?int
    {
        if (!str_contains($call, '"limits"')) {
            return null;
        }
        $request = json_decode($call, true);
        $timeout = is_array($request) && is_array($request['limits'] ?? null)
            ? ($request['limits']['timeout_ms'] ?? null)
            : null;
        return is_int($timeout) && $timeout > 0 ? $timeout : null;
    }

    /** A sentence for a host that went away, with the last line it wrote to stderr. */
    private function ended(string $what): string
    {
        $detail = '';
        if ($this->stderr !== null) {
            rewind($this->stderr);
            $lines = preg_split('/\R/', trim((string) stream_get_contents($this->stderr))) ?: [];
            $last = trim((string) end($lines));
            if ($last !== '') {
                $detail = ': ' . mb_substr($last, 0, 300);
            }
        }
        return 'The component host ' . $what . ' unexpectedly' . $detail . '.';
    }

    /** Ends the host: EOF on its input ends it; $now (or a host that lingers) gets killed. */
    private function stop(bool $now = false): void
    {
        if ($this->process === null) {
            return;
        }
        if (is_resource($this->stdin)) {
            fclose($this->stdin);
        }
        // The host's end of stdout closes only when the process ends: waiting
        // for that EOF wakes PHP at the exit itself, where polling the status
        // with sleeps cost up to twice the host's exit time per call.
        $ended = !$now && is_resource($this->stdout) && self::waitForEof($this->stdout, 2.0);
        if (is_resource($this->stdout)) {
            fclose($this->stdout);
        }
        if (!$ended && proc_get_status($this->process)['running']) {
            proc_terminate($this->process, 9);
        }
        proc_close($this->process);
        if (is_resource($this->stderr)) {
            fclose($this->stderr);
        }
        $this->process = null;
        $this->stdin = null;
        $this->stdout = null;
        $this->stderr = null;
    }

    /** Reads and drops what is left on $stream until its EOF, for at most $seconds. */
    private static function waitForEof($stream, float $seconds): bool
    {
        $until = microtime(true) + $seconds;
        while (true) {
            if (feof($stream)) {
                return true;
            }
            $remaining = $until - microtime(true);
            if ($remaining <= 0) {
                return false;
            }
            $read = [$stream];
            $write = null;
            $except = null;
            $whole = (int) $remaining;
            $ready = @stream_select($read, $write, $except, $whole, (int) (($remaining - $whole) * 1e6));
            if ($ready === false) {
                return false;
            }
            if ($ready > 0 && fread($stream, 8192) === false) {
                return false;
            }
        }
    }
}
