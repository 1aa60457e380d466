<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * Reads fields of decoded JSON arguments, refusing wrong shapes with `invalid`.
 */
final class Args
{
    /** @param array<string, mixed> $args */
    public static function string(array $args, string $key): string
    {
        if (!isset($args[$key]) || !is_string($args[$key])) {
            throw DatabaseError::invalid('The field ' . $key . ' must be a string.');
        }
        return $args[$key];
    }

    /** @param array<string, mixed> $args */
    public static function int(array $args, string $key): int
    {
        if (!isset($args[$key]) || !is_int($args[$key])) {
            throw DatabaseError::invalid('The field ' . $key . ' must be an integer.');
        }
        return $args[$key];
    }

    /** @param array<string, mixed> $args */
    public static function bool(array $args, string $key, bool $default = false): bool
    {
        if (!array_key_exists($key, $args)) {
            return $default;
        }
        if (!is_bool($args[$key])) {
            throw DatabaseError::invalid('The field ' . $key . ' must be true or false.');
        }
        return $args[$key];
    }

    /**
     * @param array<string, mixed> $args
     * @return array<string, mixed>
     */
    public static function record(array $args, string $key): array
    {
        if (!isset($args[$key]) || !is_array($args[$key])) {
            throw DatabaseError::invalid('The field ' . $key . ' must be an object.');
        }
        return $args[$key];
    }

    /**
     * @param array<string, mixed> $args
     * @return list<mixed>
     */
    public static function list(array $args, string $key, bool $required = true): array
    {
        if (!array_key_exists($key, $args) && !$required) {
            return [];
        }
        if (!isset($args[$key]) || !is_array($args[$key]) || !array_is_list($args[$key])) {
            throw DatabaseError::invalid('The field ' . $key . ' must be a list.');
        }
        return $args[$key];
    }

    /**
     * A database value: null, an integer, a float or a string.
     */
    public static function value(mixed $value): int|float|string|null
    {
        if ($value === null || is_int($value) || is_float($value) || is_string($value)) {
            return $value;
        }
        throw DatabaseError::invalid(
            'A database value must be null, a number or a string, not ' . gettype($value) . '.'
        );
    }

    /**
     * A row of values with exactly $arity entries.
     *
     * @return list<int|float|string|null>
     */
    public static function row(mixed $row, int $arity): array
    {
        if (!is_array($row) || !array_is_list($row) || count($row) !== $arity) {
            throw DatabaseError::invalid('Every row must be a list of ' . $arity . ' values.');
        }
        return array_map([self::class, 'value'], $row);
    }

    /**
     * A list of checked identifiers.
     *
     * @param list<mixed> $names
     * @return list<string>
     */
    public static function identifiers(array $names, string $what = 'column'): array
    {
        return array_map(static fn (mixed $name): string => Identifier::check($name, $what), $names);
    }
}
