<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Connection;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\LogMask;

defined('WHMCS') || exit;

/**
 * The `platform` interface over WHMCS's global helpers and its configuration table.
 */
final class WhmcsPlatform implements Platform
{
    public function __construct(private Connection $connection)
    {
    }

    public function decrypt(string $table, string $column, int $id): string
    {
        $this->requireFunction('decrypt');
        $stored = $this->connection->table(Identifier::check($table, 'table'))
            ->where('id', $id)
            ->value(Identifier::check($column));
        if (!is_string($stored) || $stored === '') {
            throw PlatformError::failed('There is no stored value to decrypt in ' . $table . '.' . $column
                . ' of row ' . $id . '.');
        }
        return (string) decrypt($stored);
    }

    public function moduleLog(string $action, string $request, string $response, string $processed, array $mask): void
    {
        $this->requireFunction('logModuleCall');
        $mask = array_values(array_filter($mask, static fn (mixed $value): bool => is_string($value) && $value !== ''));
        logModuleCall(
            Facts::moduleName(),
            $action,
            LogMask::text($request),
            LogMask::text($response),
            LogMask::text($processed),
            $mask,
        );
    }

    public function activityLog(string $message, ?int $clientId): void
    {
        $this->requireFunction('logActivity');
        // WHMCS's own spelling of "no client" is 0.
        logActivity(LogMask::text($message), $clientId ?? 0);
    }

    public function systemUrl(): string
    {
        $url = $this->connection->table('tblconfiguration')->where('setting', 'SystemURL')->value('value');
        if (!is_string($url) || trim($url) === '') {
            throw PlatformError::failed('WHMCS has no System URL configured (General Settings).');
        }
        return rtrim(trim($url), '/') . '/';
    }

    public function localApi(string $command, array $params): array
    {
        $this->requireFunction('localAPI');
        $answer = localAPI($command, $params);
        if (!is_array($answer)) {
            throw PlatformError::failed('WHMCS\'s local API gave no answer to ' . $command . '.');
        }
        return $answer;
    }

    private function requireFunction(string $name): void
    {
        if (!function_exists($name)) {
            throw PlatformError::failed('The WHMCS function ' . $name . '() is not available here.');
        }
    }
}
