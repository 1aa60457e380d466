<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Query\Builder;

defined('WHMCS') || exit;

/**
 * Applies `db.condition` lists to a query builder (all joined with AND).
 *
 * One meaning with the contract and the fakes (tests/db-conformance/cases.json):
 * comparing with null is refused (is-null / not-null say it), a NULL column
 * matches no comparison, an empty not-in-list excludes nothing.
 */
final class Conditions
{
    private const OPERATORS = ['eq' => '=', 'ne' => '<>', 'lt' => '<', 'le' => '<=', 'gt' => '>', 'ge' => '>='];
    /** From this many values on, a list of integers is inlined (see manyIntegers). */
    private const INLINE_INTEGERS = 1000;

    /**
     * @param list<mixed> $conditions
     */
    public static function apply(Builder $query, array $conditions): Builder
    {
        foreach ($conditions as $condition) {
            if (!is_array($condition)) {
                throw DatabaseError::invalid('Every condition must be an object.');
            }
            self::applyOne($query, $condition);
        }
        return $query;
    }

    /** @param array<string, mixed> $condition */
    private static function applyOne(Builder $query, array $condition): void
    {
        $column = Identifier::check($condition['column'] ?? null);
        $comparison = $condition['comparison'] ?? null;
        $values = array_map([Args::class, 'value'], Args::list($condition, 'values', false));
        switch ($comparison) {
            case 'eq':
            case 'ne':
            case 'lt':
            case 'le':
            case 'gt':
            case 'ge':
                $value = self::single($values, $comparison);
                if ($value === null) {
                    throw DatabaseError::invalid('The comparison ' . $comparison
                        . ' cannot compare with null: use is-null or not-null.');
                } else {
                    $query->where($column, self::OPERATORS[$comparison], $value);
                }
                return;
            case 'like':
                $value = self::single($values, $comparison);
                if (!is_string($value)) {
                    throw DatabaseError::invalid('The comparison like needs a text pattern.');
                }
                $query->where($column, 'like', $value);
                return;
            case 'in-list':
                if ($values === []) {
                    $query->whereRaw('0 = 1');
                } elseif (self::manyIntegers($values)) {
                    $query->whereIntegerInRaw($column, $values);
                } else {
                    $query->whereIn($column, $values);
                }
                return;
            case 'not-in-list':
                if (self::manyIntegers($values)) {
                    $query->whereIntegerNotInRaw($column, $values);
                } elseif ($values !== []) {
                    $query->whereNotIn($column, $values);
                }
                return;
            case 'is-null':
                $query->whereNull($column);
                return;
            case 'not-null':
                $query->whereNotNull($column);
                return;
        }
        throw DatabaseError::invalid('The comparison ' . (is_string($comparison) ? $comparison : '?') . ' is unknown.');
    }

    /**
     * A long list of integers (the row filters' ids of a large install) is written
     * into the SQL as integers: bound, it could pass MariaDB's 65535 placeholders.
     *
     * @param list<int|float|string|null> $values
     */
    private static function manyIntegers(array $values): bool
    {
        return count($values) >= self::INLINE_INTEGERS && array_filter($values, 'is_int') === $values;
    }

    /** @param list<int|float|string|null> $values */
    private static function single(array $values, string $comparison): int|float|string|null
    {
        if (count($values) !== 1) {
            throw DatabaseError::invalid('The comparison ' . $comparison . ' needs exactly one value.');
        }
        return $values[0];
    }
}
