<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * The process transport through this user's engine helper, a host that
 * outlives the request which started it (`hostkey-host helper`,
 * docs/decisions.md "The per-user helper"): a web request under PHP-FPM's
 * defaults then pays a connect instead of a process start.
 *
 * Anything that goes wrong before a call reaches the helper (no private
 * folder, a socket of another user, a helper that cannot start, a hello that
 * does not check out, options it refuses) sends this request's calls to a
 * process per call instead. Once a call went out, a helper that dies or hangs
 * is killed and the call fails: it is never sent again, because it may have
 * spent money; the module's job rows record such an action before it leaves,
 * so the next cron run or request finds it from there.
 */
final class HelperTransport implements Transport
{
    /** The least time a helper gets to load the component and listen. */
    private const START_MS = 5000;

    /** @var resource|null */
    private $socket = null;

    private ?int $helperPid = null;

    private bool $fellBack = false;

    /** How the last call went: "helper", "process", or "" before a call. */
    private string $route = '';

    /** Why the helper was not used, when it was not (for tests and the log). */
    private ?string $problem = null;

    /**
     * @param Transport $process the process per call, for when the helper cannot be used
     * @param int $idleMs how long a helper this transport starts lives without calls
     */
    public function __construct(
        private RuntimeOptions $options,
        private Transport $process,
        private HelperPlace $place,
        private int $idleMs = 60000,
        private int $graceMs = 5000,
        private int $connectMs = 1000,
    ) {
    }

    public function call(string $call, RequestHandler $capabilities): string
    {
        if ($this->socket === null && !$this->fellBack) {
            $this->open();
        }
        if ($this->socket === null) {
            $this->route = 'process';
            return $this->process->call($call, $capabilities);
        }
        $this->route = 'helper';
        $timeoutMs = CliTransport::callTimeoutMs($call) ?? $this->options->timeoutMs();
        $lines = $this->lines(true);
        try {
            $lines->writeLine($call);
        } catch (ComponentFault $e) {
            // Not written, so not received (a helper that refused the options
            // or went idle closed first): the call goes to a process instead.
            return $this->instead('the helper closed the connection: ' . $e->getMessage(), $call, $capabilities);
        }
        try {
            $line = $lines->answer($capabilities, $timeoutMs + $this->graceMs);
        } catch (Throwable $e) {
            // Not repeated: the call may have done part of its work.
            $this->close();
            $this->fellBack = true;
            throw $e;
        }
        if (str_starts_with($line, '{"refused"')) {
            // The helper ran nothing: the call goes to a process instead.
            return $this->instead('the helper refused the call: ' . self::said($line), $call, $capabilities);
        }
        return $line;
    }

    /** $call, which the helper did not run, by a process per call; so are this request's next calls. */
    private function instead(string $problem, string $call, RequestHandler $capabilities): string
    {
        $this->problem = $problem;
        $this->close();
        $this->fellBack = true;
        $this->route = 'process';
        return $this->process->call($call, $capabilities);
    }

    public function name(): string
    {
        return 'cli';
    }

    /** "helper" when the last call went through the helper, "process" when not. */
    public function route(): string
    {
        return $this->route;
    }

    /** The helper's process id, once a hello was checked. */
    public function helperPid(): ?int
    {
        return $this->helperPid;
    }

    /** Why this request's calls go to a process per call, if they do. */
    public function problem(): ?string
    {
        return $this->problem;
    }

    public function __destruct()
    {
        $this->close();
    }

    /** Connects (starting the helper when none listens); on failure, falls back. */
    private function open(): void
    {
        try {
            $this->connect();
        } catch (HelperUnusable $e) {
            $this->problem = $e->getMessage();
            $this->close();
            $this->fellBack = true;
        }
    }

    /** @throws HelperUnusable */
    private function connect(): void
    {
        try {
            $launcher = $this->options->native()->launcher();
        } catch (ComponentFault $e) {
            throw new HelperUnusable($e->getMessage());
        }
        $name = $this->place->name($launcher);
        $socket = $name === null ? null : $this->place->socket($name);
        if ($name === null || $socket === null) {
            throw new HelperUnusable('no private folder for a helper, or its files cannot be read');
        }
        $stream = $this->place->socketProblem($socket) === null ? $this->dial($socket) : null;
        if ($stream === null) {
            $this->start($launcher, $socket);
            $stream = $this->dialAfterStart($socket);
        }
        $this->socket = $stream;
        $this->hello($name);
        $this->lines(false)->writeLine(json_encode(
            ['options' => $this->options->toArray()],
            JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES,
        ));
    }

    /** @return resource|null */
    private function dial(string $socket)
    {
        $stream = @stream_socket_client('unix://' . $socket, $errno, $error, $this->connectMs / 1000);
        return is_resource($stream) ? $stream : null;
    }

    /**
     * A helper just started (or starting in another request) listens within
     * moments; the socket is checked again before it is used.
     *
     * @return resource
     * @throws HelperUnusable
     */
    private function dialAfterStart(string $socket)
    {
        $until = microtime(true) + $this->connectMs / 1000;
        $pauseUs = 200;
        do {
            $problem = $this->place->socketProblem($socket);
            $stream = $problem === null ? $this->dial($socket) : null;
            if ($stream !== null) {
                return $stream;
            }
            usleep($pauseUs);
            $pauseUs = min($pauseUs * 2, 50000);
        } while (microtime(true) < $until);
        throw new HelperUnusable('the helper\'s socket cannot be used: ' . ($problem ?? 'nobody answers on it'));
    }

    /**
     * Starts `hostkey-host helper`, which detaches and says where it listens.
     *
     * @throws HelperUnusable
     */
    private function start(string $launcher, string $socket): void
    {
        if (!function_exists('proc_open')) {
            throw new HelperUnusable('proc_open is disabled, so no helper can be started');
        }
        $pipes = [];
        $process = @proc_open(
            [$launcher, 'helper', '--dir', dirname($socket), '--options', $this->options->toJson(),
                '--idle-ms', (string) $this->idleMs],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        if (!is_resource($process)) {
            throw new HelperUnusable('the helper could not be started');
        }
        // A first start may compile the component: as long as a call may take, and never under a few seconds.
        $lines = new JsonLines(
            $pipes[1],
            $pipes[1],
            static fn (string $what): ComponentFault => new ComponentFault('The helper ' . $what . '.'),
            static fn () => null,
        );
        try {
            $said = json_decode($lines->readLine(max($this->options->timeoutMs(), self::START_MS)), true);
        } catch (ComponentFault $e) {
            // Its last words, without waiting for a helper that is still busy.
            stream_set_blocking($pipes[2], false);
            $said = ['error' => trim((string) stream_get_contents($pipes[2])) ?: $e->getMessage()];
        }
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($process);
        $where = is_array($said) ? ($said['listening'] ?? $said['busy'] ?? null) : null;
        if ($where !== $socket) {
            throw new HelperUnusable('the helper did not start: ' . self::said(json_encode($said) ?: ''));
        }
    }

    /**
     * The helper's first line: its user must be this one, it must have seen
     * this process at the other end (SO_PEERCRED, which PHP cannot ask), and
     * run the files this request would.
     *
     * @throws HelperUnusable
     */
    private function hello(string $name): void
    {
        try {
            $line = $this->lines(false)->readLine($this->connectMs);
        } catch (ComponentFault $e) {
            throw new HelperUnusable('the helper did not say hello: ' . $e->getMessage());
        }
        $hello = json_decode($line, true);
        if (!is_array($hello) || ($hello['hello'] ?? null) !== 'hostkey-host') {
            throw new HelperUnusable('the helper did not say hello: ' . self::said($line));
        }
        $uid = $this->place->uid();
        $checks = [
            'its user' => [$hello['uid'] ?? null, $uid],
            'the user it sees' => [$hello['peer_uid'] ?? null, $uid],
            'the process it sees' => [$hello['peer_pid'] ?? null, getmypid()],
            'its files' => [$hello['name'] ?? null, $name],
        ];
        foreach ($checks as $what => [$theirs, $ours]) {
            if ($theirs !== $ours) {
                throw new HelperUnusable(sprintf(
                    'the helper is refused: %s is %s, not %s',
                    $what,
                    json_encode($theirs),
                    json_encode($ours),
                ));
            }
        }
        $this->helperPid = is_int($hello['pid'] ?? null) ? $hello['pid'] : null;
    }

    /** The framing over the helper's socket; $kill: a hang kills the helper. */
    private function lines(bool $kill): JsonLines
    {
        if ($this->socket === null) {
            throw new ComponentFault('The helper is not connected.');
        }
        return new JsonLines(
            $this->socket,
            $this->socket,
            static fn (string $what): ComponentFault => new ComponentFault(
                'The engine helper ' . $what . ' during the call; the call is not repeated, '
                . 'as it may have done part of its work.'
            ),
            fn () => $kill ? $this->kill() : null,
            ['value', 'fault', 'refused'],
        );
    }

    /** A helper that stopped answering is ended: its next caller starts a fresh one. */
    private function kill(): void
    {
        if ($this->helperPid !== null && function_exists('posix_kill')) {
            @posix_kill($this->helperPid, 9);
        }
        $this->close();
    }

    private function close(): void
    {
        if (is_resource($this->socket)) {
            fclose($this->socket);
        }
        $this->socket = null;
    }

    /** What the helper said, shortened for a message. */
    private static function said(string $line): string
    {
        $message = json_decode($line, true);
        $text = is_array($message) ? (string) ($message['refused'] ?? $message['error'] ?? $line) : $line;
        return mb_substr($text, 0, 300);
    }
}
