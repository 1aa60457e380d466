<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * Table and column names: plain identifiers only, quoted with backticks.
 */
final class Identifier
{
    private const PATTERN = '/^[A-Za-z_][A-Za-z0-9_]*$/D';

    /**
     * Returns the name when it is a plain identifier.
     *
     * @throws DatabaseError (invalid) otherwise
     */
    public static function check(mixed $name, string $what = 'column'): string
    {
        if (!is_string($name) || strlen($name) > 64 || preg_match(self::PATTERN, $name) !== 1) {
            $shown = is_string($name) ? '"' . mb_substr($name, 0, 40) . '"' : gettype($name);
            throw DatabaseError::invalid('The ' . $what . ' name ' . $shown . ' is not a plain identifier.');
        }
        return $name;
    }

    /** The checked name in backticks, for hand-written SQL. */
    public static function quote(mixed $name, string $what = 'column'): string
    {
        return '`' . self::check($name, $what) . '`';
    }
}
