<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Component;

use JsonException;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\Transport;

defined('WHMCS') || exit;

/**
 * Calls the component's exports (`interface.function`) and decodes their answers.
 * The long jobs (import, preview, cron sync, remove all, the admin page that runs
 * them) carry their own, larger limits in the call request; every other call
 * keeps the runtime's tight defaults.
 */
final class Bridge
{
    /** Exports that may walk the whole catalogue. */
    public const LONG_CALLS = ['addon.import', 'addon.import-preview', 'addon.admin-page', 'addon.clear', 'cron.sync'];

    private const JSON_FLAGS = JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION;

    /** @var array<string, int> */
    private array $longCallLimits;
    private int $callTimeoutMs;

    /**
     * @param array<string, int>|null $longCallLimits the limits of LONG_CALLS (timeout_ms, fuel, ...);
     *     null: facts.json's `long_call`
     */
    public function __construct(
        private Transport $transport,
        private RequestHandler $capabilities,
        ?array $longCallLimits = null,
        ?int $callTimeoutMs = null,
    ) {
        $this->longCallLimits = $longCallLimits ?? Facts::limits('long_call');
        $this->callTimeoutMs = $callTimeoutMs ?? Facts::limits('call')['timeout_ms'];
    }

    /** The wall-clock limit of a call that is not a long one (`timeout_ms`). */
    public function callTimeoutMs(): int
    {
        return $this->callTimeoutMs;
    }

    /**
     * Calls an export and returns its return value.
     *
     * @param array<string, mixed> $args arguments keyed by their WIT parameter names
     * @throws ComponentFault when the call could not complete
     */
    public function call(string $function, array $args = []): mixed
    {
        $request = ['call' => $function, 'args' => (object) $args];
        if (in_array($function, self::LONG_CALLS, true) && $this->longCallLimits !== []) {
            $request['limits'] = $this->longCallLimits;
            self::allowPhpTime($this->longCallLimits['timeout_ms'] ?? 0);
        }
        try {
            $line = json_encode($request, self::JSON_FLAGS);
        } catch (JsonException $e) {
            throw new ComponentFault('The arguments of ' . $function . ' cannot be encoded as JSON.', 0, $e);
        }
        $this->capabilities->callStarted();
        try {
            $answer = $this->transport->call($line, $this->capabilities);
        } finally {
            $this->capabilities->callFinished();
        }
        try {
            $decoded = json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
        } catch (JsonException $e) {
            throw new ComponentFault('The component host answered ' . $function . ' with malformed JSON.', 0, $e);
        }
        if (is_array($decoded) && array_key_exists('value', $decoded)) {
            return $decoded['value'];
        }
        if (is_array($decoded) && isset($decoded['fault']) && is_string($decoded['fault'])) {
            throw new ComponentFault($decoded['fault']);
        }
        throw new ComponentFault('The component host answered ' . $function . ' without a value or a fault.');
    }

    /**
     * A web request's own time limit (max_execution_time, which counts the
     * component's CPU time under FFI) is raised to the call's limit plus a
     * margin; an unlimited one (the CLI) stays unlimited.
     */
    private static function allowPhpTime(int $timeoutMs): void
    {
        $current = (int) ini_get('max_execution_time');
        $needed = intdiv($timeoutMs, 1000) + 30;
        if ($timeoutMs > 0 && $current > 0 && $current < $needed && function_exists('set_time_limit')) {
            @set_time_limit($needed);
        }
    }

    /**
     * Calls an export that returns `result<T, error>` and returns T.
     *
     * @param array<string, mixed> $args
     * @throws ComponentError with the guest's sentence when the result is `err`
     * @throws ComponentFault when the call could not complete
     */
    public function result(string $function, array $args = []): mixed
    {
        $value = $this->call($function, $args);
        if (is_array($value) && count($value) === 1 && array_key_exists('ok', $value)) {
            return $value['ok'];
        }
        if (is_array($value) && count($value) === 1 && array_key_exists('err', $value)) {
            throw ComponentError::fromVariant($value['err']);
        }
        throw new ComponentFault('The component answered ' . $function . ' with something that is not a result.');
    }
}
