<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * `types.config-field` records as WHMCS's field schema (addon `_config` fields
 * and product `ConfigOptions`).
 */
final class ConfigFields
{
    /**
     * @param mixed $fields the decoded list<config-field>
     * @return array<string, array<string, mixed>> key => [FriendlyName, Type, ...]
     */
    public static function toWhmcs(mixed $fields): array
    {
        $result = [];
        foreach (is_array($fields) ? $fields : [] as $field) {
            if (!is_array($field) || !isset($field['key']) || !is_string($field['key'])) {
                continue;
            }
            $result[$field['key']] = self::field($field);
        }
        return $result;
    }

    /**
     * @param array<string, mixed> $field
     * @return array<string, mixed>
     */
    private static function field(array $field): array
    {
        $whmcs = [
            'FriendlyName' => (string) ($field['friendly-name'] ?? $field['key']),
            'Type' => (string) ($field['kind'] ?? 'text'),
        ];
        if (isset($field['size']) && is_int($field['size'])) {
            $whmcs['Size'] = (string) $field['size'];
        }
        if (isset($field['default']) && is_string($field['default'])) {
            $whmcs['Default'] = $field['default'];
        }
        $whmcs['Description'] = (string) ($field['description'] ?? '');
        $options = [];
        foreach (is_array($field['options'] ?? null) ? $field['options'] : [] as $option) {
            if (is_array($option) && count($option) === 2) {
                $options[(string) $option[0]] = (string) $option[1];
            }
        }
        if ($options !== []) {
            $whmcs['Options'] = $options;
        }
        return $whmcs;
    }
}
