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
     * @return array{status: int, body: string}
     */
    public function handle(array $query, array $form): array
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
            $response = $this->bridge->result('callback.post-install', ['request' => ['params' => $params]]);
        } catch (ComponentError $e) {
            return self::failure(400, $e->getMessage());
        }
        $status = is_array($response) && is_int($response['status'] ?? null) ? $response['status'] : 500;
        $body = is_array($response) && is_string($response['body'] ?? null) ? $response['body'] : '{}';
        return ['status' => $status >= 100 && $status <= 599 ? $status : 500, 'body' => $body];
    }

    /** @return array{status: int, body: string} */
    public static function failure(int $status, string $sentence): array
    {
        return ['status' => $status, 'body' => (string) json_encode(['result' => 'error', 'message' => $sentence])];
    }
}
