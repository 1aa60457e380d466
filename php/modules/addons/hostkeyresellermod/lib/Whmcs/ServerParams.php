<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

defined('WHMCS') || exit;

/**
 * WHMCS's server `$params` (TestConnection, or the server of a service) as the
 * WIT `types.server` record.
 */
final class ServerParams
{
    /**
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    public static function fromParams(array $params): array
    {
        $port = $params['serverport'] ?? null;
        $port = is_numeric($port) && (int) $port > 0 && (int) $port <= 65535 ? (int) $port : null;
        return [
            'id' => self::id($params['serverid'] ?? null),
            'hostname' => self::text($params['serverhostname'] ?? ''),
            'ip-address' => self::text($params['serverip'] ?? ''),
            'username' => self::text($params['serverusername'] ?? ''),
            'password' => self::text($params['serverpassword'] ?? ''),
            'access-hash' => self::text($params['serveraccesshash'] ?? ''),
            'secure' => self::flag($params['serversecure'] ?? false),
            'port' => $port,
        ];
    }

    /** WHMCS passes booleans as true/false, 'on' or '1'. */
    public static function flag(mixed $value): bool
    {
        return $value === true
            || (is_scalar($value) && in_array(strtolower((string) $value), ['1', 'on', 'true', 'yes'], true));
    }

    public static function text(mixed $value): string
    {
        return is_scalar($value) ? trim((string) $value) : '';
    }

    /** A WHMCS row id as the contract's `option<s64>`: a positive number, else none. */
    public static function id(mixed $value): ?int
    {
        return is_numeric($value) && (int) $value > 0 ? (int) $value : null;
    }
}
