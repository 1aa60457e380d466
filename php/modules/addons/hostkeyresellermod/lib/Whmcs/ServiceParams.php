<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * WHMCS's `$params` of a server-module call as the WIT `types.service-params`
 * record. Reads only what WHMCS passed (no queries behind the scenes); values
 * WHMCS does not pass are read from the service model's loaded attributes.
 */
final class ServiceParams
{
    /** The WIT `billing-cycle` cases (WHMCS writes `Free Account`, `One Time`, `Semi-Annually`...). */
    private const BILLING_CYCLES = [
        'free-account', 'one-time', 'monthly', 'quarterly', 'semi-annually', 'annually', 'biennially', 'triennially',
    ];

    /**
     * WHMCS's spelling of an enum value as the WIT case, or null for none or one
     * the contract does not know.
     *
     * @param list<string> $cases
     */
    public static function spelling(mixed $value, array $cases): ?string
    {
        $case = strtolower(str_replace([' ', '_'], '-', trim(self::text($value))));
        return in_array($case, $cases, true) ? $case : null;
    }

    /**
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    public static function fromParams(array $params): array
    {
        $model = self::attributes($params['model'] ?? null);
        $client = is_array($params['clientsdetails'] ?? null) ? $params['clientsdetails'] : [];
        return [
            'service' => [
                'id' => (int) ($params['serviceid'] ?? $model['id'] ?? 0),
                'client-id' => (int) ($params['userid'] ?? $model['userid'] ?? 0),
                'order-id' => ServerParams::id($params['orderid'] ?? $model['orderid'] ?? null),
                'product-id' => (int) ($params['pid'] ?? $params['packageid'] ?? $model['packageid'] ?? 0),
                'domain' => self::text($params['domain'] ?? $model['domain'] ?? ''),
                'username' => self::text($params['username'] ?? ''),
                'password' => is_scalar($params['password'] ?? null) ? (string) $params['password'] : '',
                'status' => self::spelling(
                    $params['status'] ?? $model['domainstatus'] ?? '',
                    array_map('strtolower', Facts::serviceStatuses()),
                ),
                'billing-cycle' => self::spelling(
                    $params['billingcycle'] ?? $model['billingcycle'] ?? '',
                    self::BILLING_CYCLES,
                ),
            ],
            'product' => [
                'id' => (int) ($params['pid'] ?? $params['packageid'] ?? 0),
                'name' => self::text($params['productname'] ?? $params['name'] ?? ''),
                'group-id' => ServerParams::id($params['gid'] ?? null),
                'config-options' => self::configOptions($params),
            ],
            'client' => [
                'id' => (int) ($client['userid'] ?? $client['id'] ?? $params['userid'] ?? 0),
                'firstname' => self::text($client['firstname'] ?? ''),
                'lastname' => self::text($client['lastname'] ?? ''),
                'companyname' => self::text($client['companyname'] ?? ''),
                'email' => self::text($client['email'] ?? ''),
                'currency-id' => ServerParams::id($client['currency'] ?? null),
            ],
            'server' => ServerParams::flag($params['server'] ?? false) ? ServerParams::fromParams($params) : null,
            'chosen-options' => self::pairs($params['configoptions'] ?? [], 'name', 'value'),
            'custom-fields' => self::pairs($params['customfields'] ?? [], 'name', 'value'),
        ];
    }

    /**
     * configoption1..configoption24 in order.
     *
     * @param array<string, mixed> $params
     * @return list<string>
     */
    private static function configOptions(array $params): array
    {
        $options = [];
        for ($n = 1; $n <= 24; $n++) {
            $options[] = self::text($params['configoption' . $n] ?? '');
        }
        return $options;
    }

    /**
     * ['Name' => value] as a list of records.
     *
     * @return list<array<string, string>>
     */
    private static function pairs(mixed $map, string $nameKey, string $valueKey): array
    {
        $list = [];
        if (!is_array($map)) {
            return $list;
        }
        foreach ($map as $name => $value) {
            $list[] = [$nameKey => (string) $name, $valueKey => self::text($value)];
        }
        return $list;
    }

    /**
     * The service model's loaded attributes, without touching relations.
     *
     * @return array<string, mixed>
     */
    private static function attributes(mixed $model): array
    {
        if (is_object($model) && method_exists($model, 'getAttributes')) {
            $attributes = $model->getAttributes();
            return is_array($attributes) ? $attributes : [];
        }
        return is_array($model) ? $model : [];
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }
}
