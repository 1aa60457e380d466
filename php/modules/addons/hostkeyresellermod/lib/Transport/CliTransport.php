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
        if (is_resource($this->stdout)) {
            fclose($this->stdout);
        }
        $status = proc_get_status($this->process);
        if ($status['running']) {
            // The host exits within a millisecond or so of EOF: poll from 0.1 ms
            // up, so a process per call does not pay a fixed sleep.
            $until = microtime(true) + ($now ? 0.0 : 2.0);
            $pauseUs = 100;
            while ($status['running'] && microtime(true) < $until) {
                usleep($pauseUs);
                $pauseUs = min($pauseUs * 2, 20000);
                $status = proc_get_status($this->process);
            }
            if ($status['running']) {
                proc_terminate($this->process, 9);
            }
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
}
