<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use RuntimeException;

/**
 * The fake HOSTKEY API started by tests/run-php-tests.sh (port in
 * HOSTKEYRESELLERMOD_FAKE_API_PORT) and its /_control/ endpoints.
 */
final class FakeApi
{
    public const VALID_KEY = 'hk-test-key-0123456789abcdef0123';
    public const EMPTY_KEY = 'hk-empty-key-0000000000000000000';

    public static function available(): bool
    {
        return self::port() !== null;
    }

    public static function port(): ?int
    {
        $port = getenv('HOSTKEYRESELLERMOD_FAKE_API_PORT');
        return is_string($port) && ctype_digit($port) ? (int) $port : null;
    }

    public static function url(): string
    {
        return 'http://127.0.0.1:' . self::port() . '/';
    }

    public static function reset(): void
    {
        self::post('reset', []);
        self::post('fault', ['clear' => true]);
    }

    /** Adds an account like the valid key's under another key (reset() removes it). */
    public static function addAccount(string $key): void
    {
        // Decoded as objects: an empty JSON object must stay one when posted back.
        $raw = @file_get_contents(self::url() . '_control/state');
        $state = is_string($raw) ? json_decode($raw) : null;
        if (!is_object($state) || !isset($state->accounts->{self::VALID_KEY})) {
            throw new RuntimeException('The fake HOSTKEY API did not give its state.');
        }
        unset($state->calls, $state->faults);
        $state->accounts->{$key} = $state->accounts->{self::VALID_KEY};
        self::post('reset', ['state' => $state]);
    }

    /**
     * Gives the valid key's account $count more servers like the fixture's
     * 40001, with ids from $firstId (reset() removes them).
     */
    public static function addServers(int $firstId, int $count): void
    {
        $raw = @file_get_contents(self::url() . '_control/state');
        $state = is_string($raw) ? json_decode($raw) : null;
        if (!is_object($state) || !isset($state->servers[0])) {
            throw new RuntimeException('The fake HOSTKEY API did not give its state.');
        }
        unset($state->calls, $state->faults);
        $model = $state->servers[0];
        for ($id = $firstId; $id < $firstId + $count; $id++) {
            $server = clone $model;
            $server->id = $id;
            $server->hostname = 'scale-' . $id . '.example.test';
            $state->servers[] = $server;
        }
        self::post('reset', ['state' => $state]);
    }

    /**
     * Changes the fake's settings until the next reset, e.g. `['shape' => 'hostkey']`:
     * answers in the shapes HOSTKEY's own clients show (tests/fake_hostkey_api/shapes.py).
     *
     * @param array<string, mixed> $settings
     */
    public static function settings(array $settings): void
    {
        $answer = self::post('settings', $settings);
        foreach ($settings as $name => $value) {
            if (($answer['settings'][$name] ?? null) !== $value) {
                throw new RuntimeException('The fake HOSTKEY API did not take the settings: ' . json_encode($answer));
            }
        }
    }

    /** Sets the valid key's credit balance; the recorded calls start afresh. */
    public static function credit(string $amount): void
    {
        $raw = @file_get_contents(self::url() . '_control/state');
        $state = is_string($raw) ? json_decode($raw) : null;
        if (!is_object($state) || !isset($state->accounts->{self::VALID_KEY})) {
            throw new RuntimeException('The fake HOSTKEY API did not give its state.');
        }
        unset($state->calls, $state->faults);
        $state->accounts->{self::VALID_KEY}->client->credit = $amount;
        self::post('reset', ['state' => $state]);
    }

    /**
     * HOSTKEY-shape mode for this test (a reset turns it off): the fake's one shape
     * switch. `$scenario` sets knobs of the lost-answer flow that are not shapes
     * (`server_ids_from`, `order_unpaid`, `deploy_checks`: tests/fake_hostkey_api/pending_flow.py).
     *
     * @param array<string, mixed> $scenario
     */
    public static function hostkeyShapes(array $scenario = []): void
    {
        self::settings(['shape' => 'hostkey'] + $scenario);
    }

    /** @param array<string, mixed> $fault module, action, kind (delay|status|body|close), ... */
    public static function fault(array $fault): void
    {
        self::post('fault', $fault);
    }

    /**
     * Replaces the catalogue `presets/info` serves.
     *
     * @param list<array<string, mixed>> $presets
     */
    public static function catalogue(array $presets): void
    {
        $answer = self::post('catalogue', ['presets' => $presets]);
        if (($answer['count'] ?? null) !== count($presets)) {
            throw new RuntimeException('The fake HOSTKEY API did not take the catalogue: ' . json_encode($answer));
        }
    }

    /** @return list<array<string, mixed>> the API calls the fake recorded */
    public static function calls(): array
    {
        return self::request('GET', 'calls', null)['calls'] ?? [];
    }

    /** @return array<string, mixed> everything the fake HOSTKEY holds (orders, invoices, keys, ...) */
    public static function state(): array
    {
        return self::request('GET', 'state', null);
    }

    /** HOSTKEY raises the next (unpaid) invoice of a server; returns its id. */
    public static function renewalInvoice(int $serverId): int
    {
        $answer = self::post('renewal', ['server_id' => $serverId]);
        if (!is_int($answer['invoice_id'] ?? null)) {
            throw new RuntimeException('The fake HOSTKEY API raised no renewal invoice: ' . json_encode($answer));
        }
        return $answer['invoice_id'];
    }

    /** @param array<string, mixed> $body */
    private static function post(string $endpoint, array $body): array
    {
        return self::request('POST', $endpoint, $body);
    }

    /** @param array<string, mixed>|null $body */
    private static function request(string $method, string $endpoint, ?array $body): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode((object) $body, JSON_THROW_ON_ERROR),
            'ignore_errors' => true,
            'timeout' => 10,
        ]]);
        $answer = @file_get_contents(self::url() . '_control/' . $endpoint, false, $context);
        if ($answer === false) {
            throw new RuntimeException('The fake HOSTKEY API does not answer /_control/' . $endpoint);
        }
        $decoded = json_decode($answer, true);
        if (!is_array($decoded)) {
            throw new RuntimeException('The fake HOSTKEY API answered /_control/' . $endpoint . ' with ' . $answer);
        }
        return $decoded;
    }
}
