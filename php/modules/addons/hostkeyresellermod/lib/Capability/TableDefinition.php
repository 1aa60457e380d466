<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Query\Expression;
use Illuminate\Database\Schema\Blueprint;

defined('WHMCS') || exit;

/**
 * A checked `db.table-def`, applied to a schema Blueprint.
 *
 * Blueprint writes a default into the DDL in quotes without escaping it, so a
 * default is typed (`column-default`), checked here as the host checks it, and
 * handed to Blueprint as an expression already quoted by the PDO.
 */
final class TableDefinition
{
    public const KINDS = ['id', 'integer', 'big-integer', 'money', 'short-text', 'text', 'date-time'];

    /** Which default cases each column kind takes. */
    private const DEFAULTS = [
        'id' => [],
        'integer' => ['integer'],
        'big-integer' => ['integer'],
        'money' => ['integer', 'decimal'],
        'short-text' => ['short-text'],
        'text' => ['short-text'],
        'date-time' => [],
    ];
    private const DECIMAL = '/^-?[0-9]{1,14}(\.[0-9]{1,2})?$/D';
    private const SHORT_TEXT = '/^[A-Za-z0-9 _.,:%-]{0,64}$/D';

    /**
     * @param list<array{name: string, kind: string, nullable: bool,
     *     default: array{0: string, 1: int|string}|null}> $columns
     * @param list<list<string>> $indexes
     */
    private function __construct(public readonly string $name, private array $columns, private array $indexes)
    {
    }

    /**
     * @param array<string, mixed> $definition the decoded `table-def`
     * @throws DatabaseError (invalid) for a malformed definition
     */
    public static function fromArray(array $definition): self
    {
        $name = Identifier::check(Args::string($definition, 'name'), 'table');
        $columns = [];
        foreach (Args::list($definition, 'columns') as $column) {
            if (!is_array($column)) {
                throw DatabaseError::invalid('Every column definition must be an object.');
            }
            $kind = $column['kind'] ?? null;
            if (!in_array($kind, self::KINDS, true)) {
                throw DatabaseError::invalid('The column kind ' . (is_string($kind) ? $kind : '?') . ' is unknown.');
            }
            $columnName = Identifier::check($column['name'] ?? null);
            if (isset($columns[$columnName])) {
                throw DatabaseError::invalid('The column ' . $columnName . ' is defined twice.');
            }
            $columns[$columnName] = [
                'name' => $columnName,
                'kind' => $kind,
                'nullable' => Args::bool($column, 'nullable'),
                'default' => self::default($columnName, $kind, $column['default'] ?? null),
            ];
        }
        if ($columns === []) {
            throw DatabaseError::invalid('A table needs at least one column.');
        }
        $indexes = [];
        foreach (Args::list($definition, 'indexes', false) as $index) {
            if (!is_array($index) || !array_is_list($index) || $index === []) {
                throw DatabaseError::invalid('Every index must be a non-empty list of columns.');
            }
            foreach ($index as $column) {
                if (!is_string($column) || !isset($columns[$column])) {
                    throw DatabaseError::invalid('An index names a column the table does not define.');
                }
            }
            $indexes[] = $index;
        }
        return new self($name, array_values($columns), $indexes);
    }

    /**
     * A typed default (`{"integer": 0}`, `{"decimal": "1.50"}`, `{"short-text": "x"}`)
     * that fits the column's kind, or null.
     *
     * @return array{0: string, 1: int|string}|null
     * @throws DatabaseError (invalid) otherwise
     */
    private static function default(string $column, string $kind, mixed $default): ?array
    {
        if ($default === null) {
            return null;
        }
        $refused = DatabaseError::invalid('The default of the column ' . $column . ' is refused: a default is '
            . '{"integer": n}, {"decimal": "d.dd"} or {"short-text": "..."} of at most 64 letters, digits, '
            . 'spaces and _ . , : % -, fitting the column\'s kind.');
        if (!is_array($default) || count($default) !== 1) {
            throw $refused;
        }
        $case = (string) array_key_first($default);
        $value = $default[$case];
        $fits = in_array($case, self::DEFAULTS[$kind], true) && match ($case) {
            'integer' => is_int($value),
            'decimal' => is_string($value) && preg_match(self::DECIMAL, $value) === 1,
            'short-text' => is_string($value) && preg_match(self::SHORT_TEXT, $value) === 1,
            default => false,
        };
        if (!$fits) {
            throw $refused;
        }
        return [$case, $value];
    }

    /**
     * @param callable(string): string $quote the connection's PDO::quote
     */
    public function apply(Blueprint $table, callable $quote): void
    {
        foreach ($this->columns as $column) {
            $definition = match ($column['kind']) {
                'id' => $table->increments($column['name']),
                'integer' => $table->integer($column['name']),
                'big-integer' => $table->bigInteger($column['name']),
                'money' => $table->decimal($column['name'], 16, 2),
                'short-text' => $table->string($column['name'], 255),
                'text' => $table->text($column['name']),
                'date-time' => $table->dateTime($column['name']),
            };
            if ($column['kind'] === 'id') {
                continue;
            }
            if ($column['nullable']) {
                $definition->nullable();
            }
            if ($column['default'] !== null) {
                [$case, $value] = $column['default'];
                // Checked above; quoted all the same, so this line is safe on its own.
                $sql = $case === 'integer' ? (string) (int) $value : $quote((string) $value);
                $definition->default(new Expression($sql));
            }
        }
        foreach ($this->indexes as $index) {
            $table->index($index);
        }
    }
}
