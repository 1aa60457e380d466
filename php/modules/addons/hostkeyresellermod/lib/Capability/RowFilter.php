<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * Row filters (`rows` and `scopes` in grants.json): a statement on a WHMCS core
 * table reaches only the module's own rows. Each scope is read once per request
 * with the bridge's own selects and AND-ed to the statement, so the component's
 * statements need not know the filters and a hostile one cannot leave them
 * out. The host did the same before (`host/src/policy/rows.rs`).
 */
final class RowFilter
{
    private const DEPTH = 8;
    private const TESTS = ['eq', 'ne', 'in', 'not-in'];

    /** @var array<string, list<int|float|string>> scope => its values, for this request */
    private array $resolved = [];

    /** @var array<string, array<string, true>> scope => its values as a set, for this request */
    private array $sets = [];

    public function __construct(private Grants $grants, private Database $database)
    {
    }

    /**
     * @param array<string, mixed> $s a checked `select-statement`
     * @return array<string, mixed> the statement with its filter AND-ed
     */
    public function select(array $s): array
    {
        return $this->filtered($s, 'select');
    }

    /**
     * @param array<string, mixed> $s a checked `update-statement`
     * @return array<string, mixed>
     */
    public function update(array $s): array
    {
        $table = (string) $s['table'];
        $assigned = [];
        foreach (Args::list($s, 'assignments') as $pair) {
            if (is_array($pair)) {
                $assigned[(string) ($pair[0] ?? '')] = Args::value($pair[1] ?? null);
            }
        }
        $this->assigned($table, $this->alternatives($table, 'update') ?? [], $assigned);
        $this->reassignable($table, $assigned);
        return $this->filtered($s, 'update');
    }

    /**
     * @param array<string, mixed> $s a checked `delete-statement`
     * @return array<string, mixed>
     */
    public function delete(array $s): array
    {
        return $this->filtered($s, 'delete');
    }

    /**
     * Keeps the rows whose key names one of the module's rows (the others would
     * not match a filtered WHERE) and checks their new values.
     *
     * @param array<string, mixed> $s a checked `update-rows-statement`
     * @return array<string, mixed>
     */
    public function updateRows(array $s): array
    {
        $table = (string) $s['table'];
        $alternatives = $this->alternatives($table, 'update');
        if ($alternatives === null) {
            return $s;
        }
        $columns = Args::list($s, 'columns');
        $rows = Args::list($s, 'rows');
        foreach ($rows as $row) {
            $row = Args::row($row, count($columns) + 1);
            $assigned = [];
            foreach ($columns as $index => $column) {
                $assigned[(string) $column] = $row[$index + 1];
            }
            $this->assigned($table, $alternatives, $assigned);
            $this->reassignable($table, $assigned);
        }
        if ($rows === [] || $alternatives === []) {
            return $s;
        }
        $key = (string) $s['key'];
        if (count($alternatives) > 1) {
            // Several owners (a price of a product or of a sub-option): each row's owner is
            // read by its key and tested here.
            $keys = ['column' => $key, 'comparison' => 'in-list', 'values' => array_column($rows, 0)];
            $ours = array_fill_keys(array_map('strval', $this->ownedKeys($table, $key, [$keys], $alternatives)), true);
            $s['rows'] = array_values(array_filter(
                $rows,
                static fn (array $row): bool => isset($ours[(string) ($row[0] ?? '')]),
            ));
            return $s;
        }
        $filter = $alternatives[0];
        // A filter on the key alone is tested here, against the scope's set: a re-sync's
        // updates would otherwise send a whole scope with each statement.
        if ($filter !== [] && array_diff(array_column($filter, 'column'), [$key]) === []) {
            $s['rows'] = array_values(array_filter($rows, function (array $row) use ($filter): bool {
                foreach ($filter as $condition) {
                    if (!$this->meets($condition, $row[0] ?? null)) {
                        return false;
                    }
                }
                return true;
            }));
            return $s;
        }
        $conditions = $this->conditions($filter, 0);
        $conditions[] = ['column' => $key, 'comparison' => 'in-list', 'values' => array_column($rows, 0)];
        $ours = [];
        $found = $this->database->select(['table' => $table, 'columns' => [$key], 'conditions' => $conditions]);
        foreach ($found['rows'] as $row) {
            $ours[(string) $row[0]] = true;
        }
        $s['rows'] = array_values(array_filter($rows, static fn (array $row): bool => isset($ours[(string) $row[0]])));
        return $s;
    }

    /**
     * Every inserted row must meet the insert filter (one of its alternatives).
     *
     * @param array<string, mixed> $s a checked `insert-statement`
     */
    public function insert(array $s): void
    {
        $table = (string) $s['table'];
        $alternatives = $this->alternatives($table, 'insert');
        if ($alternatives === null) {
            return;
        }
        $columns = Args::list($s, 'columns');
        $width = count($columns);
        // Each condition's column index, found once per statement: an import checks
        // 168,000 price rows here. Only the values a condition reads are converted; the
        // database checks every value of a row before it binds it.
        $plans = [];
        foreach ($alternatives as $conditions) {
            $plan = [];
            foreach ($conditions as $condition) {
                $index = array_search($condition['column'], $columns, true);
                $plan[] = [$index === false ? null : $index, $condition];
            }
            $plans[] = $plan;
        }
        foreach (Args::list($s, 'rows') as $row) {
            if (!is_array($row) || !array_is_list($row) || count($row) !== $width) {
                throw DatabaseError::invalid('Every row must be a list of ' . $width . ' values.');
            }
            foreach ($plans as $plan) {
                foreach ($plan as [$index, $condition]) {
                    $value = $index === null ? null : $row[$index];
                    if ($value !== null && !is_int($value) && !is_string($value)) {
                        $value = Args::value($value);
                    }
                    if (!$this->meets($condition, $value)) {
                        continue 2;
                    }
                }
                continue 2;
            }
            throw new DatabaseError(
                'table-not-allowed',
                'The module may only insert rows of ' . $table . ' that belong to its own products and services.'
            );
        }
    }

    /** The cell's row must be one the decrypt grant lets the module open. */
    public function decrypt(string $table, string $column, int $id): void
    {
        $conditions = $this->conditions($this->grants->decryptRows($table, $column), 0);
        $conditions[] = ['column' => 'id', 'comparison' => 'eq', 'values' => [$id]];
        $found = $this->database->select(
            ['table' => $table, 'columns' => ['id'], 'conditions' => $conditions, 'limit' => 1],
        );
        if ($found['rows'] === []) {
            throw PlatformError::failed('The module may not decrypt ' . $table . '.' . $column . ' of row ' . $id
                . ': the row is not one of its own.');
        }
    }

    /**
     * A granted command with exactly its parameters, each value in its scope.
     *
     * @param array<string, string> $params
     */
    public function localApi(string $command, array $params): void
    {
        $scopes = $this->grants->localApiParams($command) ?? [];
        $names = array_keys($params);
        $expected = array_keys($scopes);
        sort($names);
        sort($expected);
        if ($names !== $expected) {
            throw PlatformError::failed('The WHMCS API command ' . $command . ' takes exactly the parameters '
                . implode(', ', array_keys($scopes)) . '.');
        }
        foreach ($params as $name => $value) {
            $members = array_map('strval', $this->values($scopes[$name], 0));
            if (!in_array($value, $members, true)) {
                throw PlatformError::failed('The WHMCS API command ' . $command . ' may not be called with that '
                    . $name . '.');
            }
        }
    }

    /**
     * @param array<string, mixed> $s
     * @return array<string, mixed>
     */
    private function filtered(array $s, string $op): array
    {
        $table = (string) $s['table'];
        $alternatives = $this->alternatives($table, $op);
        if ($alternatives === null) {
            return $s;
        }
        $own = Args::list($s, 'conditions', false);
        $open = self::possible($own, $alternatives);
        if (count($open) === 1) {
            $extra = $this->narrowed($own, $open[0]);
        } elseif ($open === []) {
            // `x IN ()` matches no row; x is a column the filter names.
            $column = $alternatives[0][0]['column'] ?? $this->key($table);
            $extra = [['column' => $column, 'comparison' => 'in-list', 'values' => []]];
        } else {
            // Several owners: the keys of the rows the statement matches that meet one of
            // them, each tested here (a price is the module's by type and relid, so no scope
            // of price ids is read or sent).
            $key = $this->key($table);
            $values = $this->ownedKeys($table, $key, $own, $open);
            $extra = [['column' => $key, 'comparison' => 'in-list', 'values' => $values]];
        }
        $s['conditions'] = array_merge($own, $extra);
        return $s;
    }

    /**
     * The alternatives the statement's own conditions leave open: one that wants
     * `type = 'product'` cannot match a statement on `type = 'configoptions'`.
     *
     * @param list<mixed> $own
     * @param list<list<array<string, string>>> $alternatives
     * @return list<list<array<string, string>>>
     */
    private static function possible(array $own, array $alternatives): array
    {
        $open = [];
        foreach ($alternatives as $conditions) {
            foreach ($conditions as $condition) {
                if ($condition['test'] !== 'eq') {
                    continue;
                }
                foreach ($own as $mine) {
                    if (!is_array($mine) || ($mine['column'] ?? null) !== $condition['column']) {
                        continue;
                    }
                    $values = is_array($mine['values'] ?? null) ? $mine['values'] : [];
                    $values = match ($mine['comparison'] ?? null) {
                        'eq' => array_slice($values, 0, 1),
                        'in-list' => $values,
                        default => null,
                    };
                    if ($values === null) {
                        continue;
                    }
                    $texts = array_map(static fn (mixed $v): ?string => is_scalar($v) ? (string) $v : null, $values);
                    if (!in_array($condition['operand'], $texts, true)) {
                        continue 3;
                    }
                }
            }
            $open[] = $conditions;
        }
        return $open;
    }

    /**
     * The `$key` of the rows `$conditions` match that meet one of the alternatives,
     * tested row by row against the scopes' sets.
     *
     * @param list<mixed> $conditions
     * @param list<list<array<string, string>>> $alternatives
     * @return list<int|float|string>
     */
    private function ownedKeys(string $table, string $key, array $conditions, array $alternatives): array
    {
        $columns = [$key];
        foreach ($alternatives as $alternative) {
            foreach ($alternative as $condition) {
                if (!in_array($condition['column'], $columns, true)) {
                    $columns[] = $condition['column'];
                }
            }
        }
        $at = array_flip($columns);
        $found = $this->database->select(['table' => $table, 'columns' => $columns, 'conditions' => $conditions]);
        $keys = [];
        foreach ($found['rows'] as $row) {
            foreach ($alternatives as $alternative) {
                foreach ($alternative as $condition) {
                    if (!$this->meets($condition, $row[$at[$condition['column']]] ?? null)) {
                        continue 2;
                    }
                }
                if ($row[0] !== null) {
                    $keys[] = $row[0];
                }
                break;
            }
        }
        return $keys;
    }

    /** The column that singles a row out (the first of the table's keys). */
    private function key(string $table): string
    {
        return $this->grants->tables()[$table]['keys'][0] ?? 'id';
    }

    /**
     * The filter's conditions for a statement that carries `$own`: a scope on a column the
     * statement already names by explicit values (`=` or `IN`) becomes those values that are
     * in the scope, tested here against its set, not the whole scope sent with the statement.
     *
     * @param list<mixed> $own
     * @param list<array<string, string>> $filter
     * @return list<array{column: string, comparison: string, values: list<int|float|string>}>
     */
    private function narrowed(array $own, array $filter): array
    {
        $conditions = [];
        foreach ($filter as $condition) {
            $named = null;
            foreach ($own as $mine) {
                if (
                    is_array($mine) && ($mine['column'] ?? null) === $condition['column']
                    && in_array($mine['comparison'] ?? null, ['eq', 'in-list'], true)
                    && is_array($mine['values'] ?? null)
                ) {
                    $named = $mine['values'];
                    break;
                }
            }
            if ($named === null || $condition['test'] !== 'in') {
                array_push($conditions, ...$this->conditions([$condition], 0));
                continue;
            }
            $values = [];
            foreach ($named as $value) {
                if ((is_int($value) || is_float($value) || is_string($value)) && $this->meets($condition, $value)) {
                    $values[] = $value;
                }
            }
            $conditions[] = ['column' => $condition['column'], 'comparison' => 'in-list', 'values' => $values];
        }
        return $conditions;
    }

    /** @return list<list<array<string, string>>>|null one of which a row must meet; null: not filtered */
    private function alternatives(string $table, string $op): ?array
    {
        $rows = $this->grants->rows($table);
        return $rows === null ? null : ($rows[$op] ?? null);
    }

    /**
     * Assigned values must keep the row the module's: each filtered column its
     * condition, or, for alternatives, all of one of them.
     *
     * @param list<list<array<string, string>>> $alternatives
     * @param array<string, int|float|string|null> $assigned column => new value
     */
    private function assigned(string $table, array $alternatives, array $assigned): void
    {
        if (count($alternatives) !== 1) {
            $this->fits($table, $alternatives, $assigned);
            return;
        }
        foreach ($assigned as $column => $value) {
            $this->assignable($table, $alternatives[0], (string) $column, $value);
        }
    }

    /**
     * A value assigned to a filtered column must keep the row the module's.
     *
     * @param list<array<string, string>> $filter
     */
    private function assignable(string $table, array $filter, string $column, mixed $value): void
    {
        foreach ($filter as $condition) {
            if ($condition['column'] === $column && !$this->meets($condition, Args::value($value))) {
                throw new DatabaseError('table-not-allowed', 'The module may not set ' . $table . '.' . $column
                    . ' to a value outside its own rows.');
            }
        }
    }

    /**
     * New values of the columns the insert filter names must meet it as an
     * inserted row would: all of one alternative, never part of one (a price row
     * moved to another module's product by its relid alone is refused).
     *
     * @param array<string, int|float|string|null> $assigned column => new value
     */
    private function reassignable(string $table, array $assigned): void
    {
        $alternatives = $this->alternatives($table, 'insert');
        if ($alternatives !== null) {
            $this->fits($table, $alternatives, $assigned);
        }
    }

    /**
     * Assigned values of the columns the alternatives name must meet all of one of them.
     *
     * @param list<list<array<string, string>>> $alternatives
     * @param array<string, int|float|string|null> $assigned column => new value
     */
    private function fits(string $table, array $alternatives, array $assigned): void
    {
        $touched = false;
        foreach ($alternatives as $conditions) {
            foreach ($conditions as $condition) {
                $touched = $touched || array_key_exists($condition['column'], $assigned);
            }
        }
        if (!$touched) {
            return;
        }
        foreach ($alternatives as $conditions) {
            $all = true;
            foreach ($conditions as $condition) {
                if (!$this->meets($condition, $assigned[$condition['column']] ?? null)) {
                    $all = false;
                    break;
                }
            }
            if ($all) {
                return;
            }
        }
        throw new DatabaseError('table-not-allowed', 'The module may not move rows of ' . $table
            . ' outside its own products and services.');
    }

    /** @param array<string, string> $condition */
    private function meets(array $condition, int|float|string|null $value): bool
    {
        if ($value === null) {
            return false;
        }
        $text = (string) $value;
        $test = $condition['test'];
        if ($test === 'eq') {
            return $text === $condition['operand'];
        }
        if ($test === 'ne') {
            return $text !== $condition['operand'];
        }
        return isset($this->set($condition['operand'])[$text]) === ($test === 'in');
    }

    /**
     * A scope's values as the keys of a set: an import checks 100,000s of inserted rows against one.
     *
     * @return array<string, true>
     */
    private function set(string $scope): array
    {
        return $this->sets[$scope] ??= array_fill_keys(array_map('strval', $this->values($scope, 0)), true);
    }

    /**
     * @param list<array<string, string>> $filter
     * @return list<array{column: string, comparison: string, values: list<int|float|string>}>
     */
    private function conditions(array $filter, int $depth): array
    {
        $conditions = [];
        foreach ($filter as $condition) {
            $operand = $condition['operand'];
            $conditions[] = ['column' => $condition['column']] + match ($condition['test']) {
                'eq' => ['comparison' => 'eq', 'values' => [$operand]],
                'ne' => ['comparison' => 'ne', 'values' => [$operand]],
                'in' => ['comparison' => 'in-list', 'values' => $this->values($operand, $depth)],
                default => ['comparison' => 'not-in-list', 'values' => $this->values($operand, $depth)],
            };
        }
        return $conditions;
    }

    /** @return list<int|float|string> the scope's distinct non-null values */
    private function values(string $name, int $depth): array
    {
        if (isset($this->resolved[$name])) {
            return $this->resolved[$name];
        }
        $scope = $this->grants->scopes()[$name] ?? null;
        if ($scope === null || $depth > self::DEPTH) {
            throw new DatabaseError('table-not-allowed', 'The grants\' scope ' . $name . ' cannot be used.');
        }
        $values = [];
        if (isset($scope['any'])) {
            foreach ($scope['any'] as $part) {
                foreach ($this->values($part, $depth + 1) as $value) {
                    $values[(string) $value] = $value;
                }
            }
        } else {
            $column = $this->database->selectColumn([
                'table' => $scope['table'],
                'columns' => [$scope['column']],
                'conditions' => $this->conditions($scope['where'], $depth + 1),
            ]);
            foreach ($column as $value) {
                if ($value !== null) {
                    $values[(string) $value] = $value;
                }
            }
            unset($column);
        }
        return $this->resolved[$name] = array_values($values);
    }

    /**
     * Forgets the scopes a write to `$table` may have changed: with `$columns` (an update's
     * assigned columns), only those that read one of them, so repricing keeps the price ids.
     *
     * @param list<string>|null $columns
     */
    public function written(string $table, ?array $columns = null): void
    {
        foreach (array_keys($this->resolved) as $name) {
            if ($this->touches($name, $table, $columns, 0)) {
                unset($this->resolved[$name], $this->sets[$name]);
            }
        }
    }

    /** @param list<string>|null $columns */
    private function touches(string $name, string $table, ?array $columns, int $depth): bool
    {
        $scope = $this->grants->scopes()[$name] ?? null;
        if ($scope === null || $depth > self::DEPTH) {
            return true;
        }
        if (isset($scope['any'])) {
            foreach ($scope['any'] as $part) {
                if ($this->touches($part, $table, $columns, $depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        $read = array_merge([(string) $scope['column']], array_column($scope['where'], 'column'));
        if ($scope['table'] === $table && ($columns === null || array_intersect($columns, $read) !== [])) {
            return true;
        }
        foreach ($scope['where'] as $condition) {
            $nested = $condition['test'] === 'in' || $condition['test'] === 'not-in';
            if ($nested && $this->touches($condition['operand'], $table, $columns, $depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** @return list<array<string, string>> conditions as read from grants.json */
    public static function conditionsFrom(mixed $list): array
    {
        if (!is_array($list) || !array_is_list($list)) {
            throw new \InvalidArgumentException('A row filter is a list of conditions.');
        }
        $conditions = [];
        foreach ($list as $condition) {
            $fields = is_object($condition) ? get_object_vars($condition) : [];
            $tests = array_values(array_intersect(array_keys($fields), self::TESTS));
            if (
                !is_string($fields['column'] ?? null) || count($tests) !== 1 || count($fields) !== 2
                || !is_string($fields[$tests[0]])
            ) {
                throw new \InvalidArgumentException('A row condition names a column and one of eq, ne, in, not-in.');
            }
            $conditions[] = ['column' => $fields['column'], 'test' => $tests[0], 'operand' => $fields[$tests[0]]];
        }
        return $conditions;
    }

    /** @return array<string, list<list<array<string, string>>>>|null per operation: alternatives, one of which a row must meet */
    public static function rowsFrom(string $table, mixed $rows): ?array
    {
        if ($rows === null) {
            return null;
        }
        $ops = is_object($rows) ? get_object_vars($rows) : null;
        if ($ops === null || array_diff(array_keys($ops), ['select', 'insert', 'update', 'delete']) !== []) {
            throw new \InvalidArgumentException(
                'The row filters of ' . $table . ' are per select, insert, update, delete.'
            );
        }
        $parsed = [];
        foreach ($ops as $op => $filter) {
            if (is_object($filter)) {
                $any = $filter->any ?? null;
                if (!is_array($any) || !array_is_list($any) || count(get_object_vars($filter)) !== 1) {
                    throw new \InvalidArgumentException(
                        'The ' . $op . ' filter of ' . $table . ' is a list or {"any": [...]}.'
                    );
                }
                $parsed[$op] = array_map([self::class, 'conditionsFrom'], $any);
                continue;
            }
            $parsed[$op] = [self::conditionsFrom($filter)];
        }
        return $parsed;
    }

    /** @return array<string, mixed> a scope as read from grants.json */
    public static function scopeFrom(string $name, mixed $scope): array
    {
        $fields = is_object($scope) ? get_object_vars($scope) : [];
        if (array_keys($fields) === ['any'] && is_array($fields['any'])) {
            if (array_filter($fields['any'], 'is_string') !== $fields['any']) {
                throw new \InvalidArgumentException('The scope ' . $name . ' joins scopes by name.');
            }
            return ['any' => array_values($fields['any'])];
        }
        $known = ['table', 'column', 'where'];
        if (
            array_diff(array_keys($fields), $known) !== [] || !is_string($fields['table'] ?? null)
            || !is_string($fields['column'] ?? null)
        ) {
            throw new \InvalidArgumentException('The scope ' . $name . ' names a table, a column and its rows.');
        }
        return [
            'table' => Identifier::check($fields['table'], 'table'),
            'column' => Identifier::check($fields['column']),
            'where' => self::conditionsFrom($fields['where'] ?? null),
        ];
    }

    /**
     * Every core table filters each granted operation and names its keys when
     * it may be written; every scope named exists and none refers to itself.
     */
    public static function validate(Grants $grants): void
    {
        $scopes = $grants->scopes();
        foreach ($grants->tables() as $table => $grant) {
            if (str_starts_with($table, Grants::MODULE_TABLE_PREFIX)) {
                continue;
            }
            $rows = $grant['rows'];
            $granted = [
                'select' => $grant['select'] !== null,
                'insert' => $grant['insert'] !== null,
                'update' => $grant['update'] !== null,
                'delete' => $grant['delete'],
            ];
            foreach ($granted as $op => $yes) {
                if ($yes && !isset($rows[$op])) {
                    throw new \InvalidArgumentException(
                        'The core table ' . $table . ' has no row filter for ' . $op . '.'
                    );
                }
            }
            if (($granted['update'] || $granted['delete']) && $grant['keys'] === []) {
                throw new \InvalidArgumentException('The core table ' . $table . ' has no keys to pin writes by.');
            }
            foreach ($rows ?? [] as $op => $alternatives) {
                foreach ($alternatives as $conditions) {
                    self::validateConditions($scopes, $conditions);
                }
                // A statement more than one alternative may match is answered by the rows' keys.
                if ($op !== 'insert' && count($alternatives) > 1 && $grant['keys'] === []) {
                    throw new \InvalidArgumentException(
                        'The core table ' . $table . ' filters by alternatives but names no key.'
                    );
                }
            }
        }
        foreach (array_keys($scopes) as $name) {
            self::validateScope($scopes, $name, 0);
        }
        foreach ($grants->decryptGrants() as $conditions) {
            self::validateConditions($scopes, $conditions);
        }
        foreach ($grants->localApiGrants() as $params) {
            foreach ($params as $scope) {
                self::validateScope($scopes, $scope, 0);
            }
        }
    }

    /**
     * @param array<string, array<string, mixed>> $scopes
     * @param list<array<string, string>> $conditions
     */
    private static function validateConditions(array $scopes, array $conditions): void
    {
        foreach ($conditions as $condition) {
            if ($condition['test'] === 'in' || $condition['test'] === 'not-in') {
                self::validateScope($scopes, $condition['operand'], 0);
            }
        }
    }

    /** @param array<string, array<string, mixed>> $scopes */
    private static function validateScope(array $scopes, string $name, int $depth): void
    {
        $scope = $scopes[$name] ?? null;
        if ($scope === null) {
            throw new \InvalidArgumentException('The scope ' . $name . ' is not declared.');
        }
        if ($depth > self::DEPTH) {
            throw new \InvalidArgumentException('The scope ' . $name . ' refers to itself.');
        }
        $parts = $scope['any'] ?? array_column(
            array_filter($scope['where'], static fn (array $c): bool => in_array($c['test'], ['in', 'not-in'], true)),
            'operand',
        );
        foreach ($parts as $part) {
            self::validateScope($scopes, $part, $depth + 1);
        }
    }
}
