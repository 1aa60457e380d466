<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Schema\Blueprint;

defined('WHMCS') || exit;

/**
 * A checked `db.table-def`, applied to a schema Blueprint.
 */
final class TableDefinition
{
    public const KINDS = ['id', 'integer', 'big-integer', 'money', 'short-text', 'text', 'date-time'];

    /**
     * @param list<array{name: string, kind: string, nullable: bool, default: int|float|string|null}> $columns
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
                'default' => Args::value($column['default'] ?? null),
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

    public function apply(Blueprint $table): void
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
                $definition->default($column['default']);
            }
        }
        foreach ($this->indexes as $index) {
            $table->index($index);
        }
    }
}
