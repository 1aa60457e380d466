<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;

defined('WHMCS') || exit;

/**
 * HOSTKEY's post-install callback (modules/gateways/callback/hostkeyresellermod.php).
 */
final class PostInstallCallback
{
    public function __construct(private Bridge $bridge)
    {
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
            $response = $this->bridge->result('callback.post-install', ['request' => [
                'method' => self::method($method),
                'headers' => self::headers($server),
                'params' => $params,
            ]]);
        } catch (ComponentError $e) {
            return self::failure(400, $e->getMessage());
        }
        $status = is_array($response) && is_int($response['status'] ?? null) ? $response['status'] : 500;
        $body = is_array($response) && is_string($response['body'] ?? null) ? $response['body'] : '{}';
        return ['status' => $status >= 100 && $status <= 599 ? $status : 500, 'body' => $body];
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

    /** @return array{status: int, body: string} */
    public static function failure(int $status, string $sentence): array
    {
        return ['status' => $status, 'body' => (string) json_encode(['result' => 'error', 'message' => $sentence])];
    }
}
