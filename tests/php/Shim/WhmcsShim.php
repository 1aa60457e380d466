<?php

declare(strict_types=1);

use WHMCS\Database\Capsule;

/**
 * What the fake WHMCS helpers recorded, and the hook registry.
 */
final class WhmcsShim
{
    /** @var array<string, list<array{priority: int, callback: callable}>> */
    public static array $hooks = [];
    /** @var list<array{command: string, values: array<string, mixed>}> */
    public static array $localApiCalls = [];
    /** @var array<string, mixed> answer localAPI gives */
    public static array $localApiAnswer = ['result' => 'success'];

    public const TOKEN = 'shim-csrf-token-0123456789abcdef';
    private const CIPHER_PREFIX = 'shim-encrypted:';

    public static function boot(string $socket): void
    {
        $capsule = new Capsule();
        $capsule->addConnection([
            'driver' => 'mysql',
            'unix_socket' => $socket,
            'database' => 'whmcs',
            'username' => 'root',
            'password' => '',
            'charset' => 'utf8',
            'collation' => 'utf8_unicode_ci',
            'prefix' => '',
            // WHMCS does not run in strict SQL mode.
            'strict' => false,
        ]);
        $capsule->setAsGlobal();
    }

    public static function reset(): void
    {
        self::$localApiCalls = [];
        self::$localApiAnswer = ['result' => 'success'];
    }

    public static function encrypt(string $plain): string
    {
        return self::CIPHER_PREFIX . base64_encode($plain);
    }

    public static function decrypt(string $cipher): string
    {
        if (!str_starts_with($cipher, self::CIPHER_PREFIX)) {
            return '';
        }
        $plain = base64_decode(substr($cipher, strlen(self::CIPHER_PREFIX)), true);
        return $plain === false ? '' : $plain;
    }

    /**
     * Runs the callbacks of a hook point in priority order; returns their answers.
     *
     * @param array<string, mixed> $vars
     * @return list<mixed>
     */
    public static function runHook(string $hook, array $vars): array
    {
        $entries = self::$hooks[$hook] ?? [];
        usort($entries, static fn (array $a, array $b): int => $a['priority'] <=> $b['priority']);
        $answers = [];
        foreach ($entries as $entry) {
            $answers[] = ($entry['callback'])($vars);
        }
        return $answers;
    }

    /** As WHMCS stores request/response data: strings as they are, the rest print_r'd. */
    public static function logText(mixed $data, array $mask): string
    {
        $text = is_string($data) ? $data : print_r($data, true);
        foreach ($mask as $secret) {
            if (is_string($secret) && $secret !== '') {
                $text = str_replace($secret, '***', $text);
            }
        }
        return $text;
    }
}
