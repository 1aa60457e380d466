<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod;

use JsonException;
use UnexpectedValueException;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * The module's shared facts as `facts.json` states them, the one place they are
 * written: its name and what WHMCS shows of it, WHMCS's service statuses, the
 * rule of its lock names, the limits per call kind. The host and the component have the same file built in
 * (crate hostkey-facts), the Node host reads it too (docs/decisions.md, "One
 * home for the facts").
 */
final class Facts
{
    public const FILE = __DIR__ . '/../facts.json';

    /** @var array<string, mixed>|null */
    private static ?array $facts = null;

    /** WHMCS's name of the module: its folders, `tbladdonmodules.module`, `tblproducts.servertype`. */
    public static function moduleName(): string
    {
        return self::text('module', 'name');
    }

    /** The name WHMCS shows (the addon list, the server module list, the admin page). */
    public static function displayName(): string
    {
        return self::text('module', 'display_name');
    }

    public static function description(): string
    {
        return self::text('module', 'description');
    }

    public static function author(): string
    {
        return self::text('module', 'author');
    }

    /** What `_MetaData` answers: the server module's API version and that it needs no server. */
    public static function whmcsApiVersion(): string
    {
        return self::text('module', 'whmcs_api_version');
    }

    public static function requiresServer(): bool
    {
        $value = self::section('module')['requires_server'] ?? null;
        if (!is_bool($value)) {
            throw self::broken('module.requires_server must be true or false');
        }
        return $value;
    }

    /** The HOSTKEY API's URL while the setting is empty. */
    public static function defaultApiUrl(): string
    {
        return self::text('module', 'default_api_url');
    }

    /**
     * WHMCS's service statuses as WHMCS spells them, in the order of the
     * contract's `service-status` (whose cases are these in lower case).
     *
     * @return list<string>
     */
    public static function serviceStatuses(): array
    {
        $statuses = self::all()['service_statuses'] ?? null;
        if (!is_array($statuses) || $statuses === [] || !array_is_list($statuses)) {
            throw self::broken('service_statuses must be a list of words');
        }
        foreach ($statuses as $status) {
            if (!is_string($status) || preg_match('/^[A-Za-z]+$/D', $status) !== 1) {
                throw self::broken('service_statuses must be a list of words');
            }
        }
        return $statuses;
    }

    /** A named lock of this module: its name, then letters, digits or the listed punctuation. */
    public static function isLockName(string $name): bool
    {
        $rule = self::section('lock_name');
        $max = $rule['max_length'] ?? null;
        $punctuation = $rule['punctuation'] ?? null;
        if (!is_int($max) || !is_string($punctuation)) {
            throw self::broken('lock_name needs max_length and punctuation');
        }
        $pattern = '/^' . preg_quote(self::moduleName(), '/')
            . '[A-Za-z0-9' . preg_quote($punctuation, '/') . ']*$/D';
        return strlen($name) <= $max && preg_match($pattern, $name) === 1;
    }

    /**
     * The limits of a call kind: `call` (every call: memory_mb, fuel, timeout_ms,
     * http_timeout_ms) or `long_call` (what a long job carries instead).
     *
     * @return array<string, int>
     */
    public static function limits(string $kind): array
    {
        $limits = self::section('limits')[$kind] ?? null;
        if (!is_array($limits) || $limits === []) {
            throw self::broken('limits.' . $kind . ' is missing');
        }
        foreach ($limits as $key => $value) {
            if (!is_int($value) || $value <= 0) {
                throw self::broken('limits.' . $kind . '.' . $key . ' must be a positive integer');
            }
        }
        return $limits;
    }

    /** @return array<string, mixed> */
    private static function section(string $name): array
    {
        $section = self::all()[$name] ?? null;
        if (!is_array($section)) {
            throw self::broken($name . ' is missing');
        }
        return $section;
    }

    /** @return array<string, mixed> */
    private static function all(): array
    {
        if (self::$facts === null) {
            $text = is_file(self::FILE) ? file_get_contents(self::FILE) : false;
            if ($text === false) {
                throw self::broken('the file cannot be read');
            }
            try {
                $facts = json_decode($text, true, 16, JSON_THROW_ON_ERROR);
            } catch (JsonException) {
                throw self::broken('it is not valid JSON');
            }
            if (!is_array($facts)) {
                throw self::broken('it must be a JSON object');
            }
            self::$facts = $facts;
        }
        return self::$facts;
    }

    private static function text(string $section, string $key): string
    {
        $value = self::section($section)[$key] ?? null;
        if (!is_string($value) || $value === '') {
            throw self::broken($section . '.' . $key . ' must be text');
        }
        return $value;
    }

    private static function broken(string $why): UnexpectedValueException
    {
        return new UnexpectedValueException(
            'The module\'s facts.json is broken (' . $why . '); install the module\'s files from one release.'
        );
    }
}
