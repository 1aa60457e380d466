<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use Closure;
use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\LogMask;

defined('WHMCS') || exit;

/**
 * HOSTKEY's post-install callback (modules/gateways/callback/hostkeyresellermod.php).
 * A public URL: the component's own answers (refusals included) go back as
 * they are; any failure (the engine does not start, a call fails) answers
 * one generic sentence, and its details, which may name this server's paths,
 * go to the activity log and the module log only.
 */
final class PostInstallCallback
{
    /** What a failure answers, whatever it was. */
    public const FAILURE = 'The post-install call could not be handled now; please call again later.';

    /** The contract's `callback-result` as the body spells it. */
    private const RESULTS = ['ok' => 'OK', 'waiting' => 'waiting', 'ended' => 'ended', 'error' => 'error'];

    /** @var Closure(): Bridge */
    private Closure $bridge;

    /** @param Bridge|Closure(): Bridge $bridge built only when a call comes (its start may fail) */
    public function __construct(Bridge|Closure $bridge)
    {
        $this->bridge = $bridge instanceof Bridge ? static fn (): Bridge => $bridge : $bridge;
    }

    /**
     * @param array<string, mixed> $query $_GET
     * @param array<string, mixed> $form $_POST
     * @param string $method $_SERVER['REQUEST_METHOD']
     * @param array<string, mixed> $server $_SERVER, for the request's headers
     * @return array{status: int, body: string}
     */
    public function handle(array $query, array $form, string $method = 'GET', array $server = []): array
    {
        $params = [];
        foreach ([$query, $form] as $source) {
            foreach ($source as $name => $value) {
                if (is_scalar($value)) {
                    $params[] = [(string) $name, (string) $value];
                }
            }
        }
        try {
            $response = ($this->bridge)()->result('callback.post-install', ['request' => [
                'method' => self::method($method),
                'headers' => self::headers($server),
                'params' => $params,
            ]]);
        } catch (Throwable $e) {
            return self::failed($e);
        }
        $status = is_array($response) && is_int($response['status'] ?? null) ? $response['status'] : 500;
        $result = is_array($response) && is_string($response['verdict'] ?? null) ? $response['verdict'] : '';
        $message = is_array($response) && is_string($response['message'] ?? null) ? $response['message'] : '';
        if (!isset(self::RESULTS[$result]) || $status < 100 || $status > 599) {
            return self::failure(500, self::FAILURE);
        }
        return self::body($status, self::RESULTS[$result], $message);
    }

    /**
     * The WIT `request-method`: get, post, or any other as received (the
     * component refuses those).
     *
     * @return string|array{other: string}
     */
    public static function method(string $method): string|array
    {
        $method = strtoupper(trim($method));
        return match ($method) {
            'GET', '' => 'get',
            'POST' => 'post',
            default => ['other' => substr($method, 0, 32)],
        };
    }

    /**
     * The request's headers from $_SERVER as (lower-case name, value); the
     * session cookie is WHMCS's business and stays out.
     *
     * @param array<string, mixed> $server
     * @return list<array{0: string, 1: string}>
     */
    public static function headers(array $server): array
    {
        $headers = [];
        foreach ($server as $key => $value) {
            $key = (string) $key;
            if (!is_scalar($value)) {
                continue;
            }
            if (str_starts_with($key, 'HTTP_')) {
                $name = substr($key, 5);
            } elseif ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                $name = $key;
            } else {
                continue;
            }
            $name = strtolower(str_replace('_', '-', $name));
            if ($name !== 'cookie') {
                $headers[] = [$name, (string) $value];
            }
        }
        return $headers;
    }

    /**
     * The generic answer of a failure; what failed goes to the logs.
     *
     * @return array{status: int, body: string}
     */
    public static function failed(Throwable $error): array
    {
        $detail = ErrorReport::sentence('post-install callback', $error);
        // An engine that does not start is already in the activity log, once
        // an hour (RuntimeFailure): a public URL must not flood it.
        if (RuntimeFailure::causeOf($error) === null && function_exists('logActivity')) {
            try {
                logActivity(LogMask::text('HOSTKEY post-install callback failed: ' . $detail));
            } catch (Throwable) {
                // The caller still gets its answer.
            }
        }
        return self::failure(500, self::FAILURE);
    }

    /** @return array{status: int, body: string} */
    public static function failure(int $status, string $sentence): array
    {
        return self::body($status, 'error', $sentence);
    }

    /** @return array{status: int, body: string} */
    private static function body(int $status, string $result, string $message): array
    {
        $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE;
        $body = json_encode(['result' => $result, 'message' => $message], $flags);
        return ['status' => $status, 'body' => (string) $body];
    }
}
