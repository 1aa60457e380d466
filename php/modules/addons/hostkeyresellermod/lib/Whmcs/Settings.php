<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

use Illuminate\Database\Connection;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * This module's rows of tbladdonmodules, as far as the PHP bridge needs them.
 */
final class Settings
{
    /** @param array<string, string> $values setting => value */
    public function __construct(private array $values)
    {
    }

    public static function load(Connection $connection): self
    {
        $values = [];
        $rows = $connection->table('tbladdonmodules')
            ->where('module', Facts::moduleName())
            ->get(['setting', 'value'])
            ->all();
        foreach ($rows as $row) {
            $values[(string) $row->setting] = (string) $row->value;
        }
        return new self($values);
    }

    public function get(string $setting, string $default = ''): string
    {
        return $this->values[$setting] ?? $default;
    }

    public function apiUrl(): string
    {
        $url = trim($this->get('apiurl'));
        return $url !== '' ? $url : Facts::defaultApiUrl();
    }

    /** auto, ffi or cli. */
    public function transport(): string
    {
        $mode = strtolower(trim($this->get('transport', 'auto')));
        return in_array($mode, ['auto', 'ffi', 'cli'], true) ? $mode : 'auto';
    }
}
