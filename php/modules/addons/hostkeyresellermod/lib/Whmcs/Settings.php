<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

use Illuminate\Database\Connection;

defined('WHMCS') || exit;

/**
 * This module's rows of tbladdonmodules, as far as the PHP bridge needs them.
 */
final class Settings
{
    public const MODULE = 'hostkeyresellermod';
    public const DEFAULT_API_URL = 'https://invapi.hostkey.com/';

    /** @param array<string, string> $values setting => value */
    public function __construct(private array $values)
    {
    }

    public static function load(Connection $connection): self
    {
        $values = [];
        $rows = $connection->table('tbladdonmodules')
            ->where('module', self::MODULE)
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
        return $url !== '' ? $url : self::DEFAULT_API_URL;
    }

    /** auto, ffi or cli. */
    public function transport(): string
    {
        $mode = strtolower(trim($this->get('transport', 'auto')));
        return in_array($mode, ['auto', 'ffi', 'cli'], true) ? $mode : 'auto';
    }
}
