<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use JsonException;

defined('WHMCS') || exit;

/**
 * The second wall: the grants of `grants.json` (per table, operation and
 * column; pinned rows; decryptable cells; localAPI commands), applied to every
 * request after the host applied the same file (docs/security.md).
 */
final class Grants
{
    public const MODULE_TABLE_PREFIX = 'mod_hostkeyresellermod';
    public const FILE = __DIR__ . '/../../grants.json';

    /** @var array<string, array{select: list<string>|true|null, insert: list<string>|true|null,
     *      update: list<string>|true|null, delete: bool, create: bool, pin: array<string, string>,
     *      rows: array<string, mixed>|null, keys: list<string>}> */
    private array $tables = [];
    /** @var array<string, list<array<string, string>>> "table.column" => the rows it may be opened in */
    private array $decrypt = [];
    /** @var array<string, array<string, string>> command => parameter => scope */
    private array $localApi = [];
    /** @var array<string, array<string, mixed>> */
    private array $scopes = [];

    /** @param object $declaration the decoded file, objects kept as objects (sent to the host as is) */
    private function __construct(private object $declaration)
    {
        $tables = $declaration->tables ?? null;
        if (!is_object($tables)) {
            throw new \InvalidArgumentException('The grants have no tables.');
        }
        foreach (get_object_vars($tables) as $table => $grant) {
            $this->tables[(string) $table] = self::tableGrant((string) $table, $grant);
        }
        foreach (get_object_vars($declaration->scopes ?? new \stdClass()) as $name => $scope) {
            $this->scopes[(string) $name] = RowFilter::scopeFrom((string) $name, $scope);
        }
        foreach ($declaration->decrypt ?? [] as $cell) {
            if (!is_object($cell) || !is_string($cell->table ?? null) || !is_string($cell->column ?? null)) {
                throw new \InvalidArgumentException('Every decrypt grant names a table and a column.');
            }
            $this->decrypt[$cell->table . '.' . $cell->column] = RowFilter::conditionsFrom($cell->rows ?? []);
        }
        $commands = $declaration->{'local-api'} ?? new \stdClass();
        if (!is_object($commands)) {
            throw new \InvalidArgumentException('The local-api grants name each command\'s parameters.');
        }
        foreach (get_object_vars($commands) as $command => $params) {
            $scopes = is_object($params) ? get_object_vars($params) : null;
            if ($scopes === null || $scopes === [] || array_filter($scopes, 'is_string') !== $scopes) {
                throw new \InvalidArgumentException(
                    'The local-api grant ' . $command . ' names its parameters\' scopes.'
                );
            }
            $this->localApi[(string) $command] = $scopes;
        }
        RowFilter::validate($this);
    }

    /** @return array<string, array<string, mixed>> the named scopes */
    public function scopes(): array
    {
        return $this->scopes;
    }

    /** @return array<string, mixed>|null the table's row filters (null: one of the module's own tables) */
    public function rows(string $table): ?array
    {
        return $this->tables[$table]['rows'] ?? null;
    }

    /**
     * @return array<string, array{select: list<string>|true|null, insert: list<string>|true|null,
     *     update: list<string>|true|null, delete: bool, create: bool, pin: array<string, string>,
     *     rows: array<string, mixed>|null, keys: list<string>}>
     */
    public function tables(): array
    {
        return $this->tables;
    }

    /** @return list<array<string, string>> the conditions a decrypted cell's row must meet */
    public function decryptRows(string $table, string $column): array
    {
        return $this->decrypt[$table . '.' . $column] ?? [];
    }

    /** @return array<string, array<string, string>> command => parameter => scope */
    public function localApiGrants(): array
    {
        return $this->localApi;
    }

    /** @return array<string, list<array<string, string>>> "table.column" => the rows it may be opened in */
    public function decryptGrants(): array
    {
        return $this->decrypt;
    }

    /** @return array<string, string>|null parameter => scope, null when the command is not granted */
    public function localApiParams(string $command): ?array
    {
        return $this->localApi[$command] ?? null;
    }

    /** The module's own grants.json. */
    public static function shipped(): self
    {
        return self::fromFile(self::FILE);
    }

    public static function fromFile(string $path): self
    {
        $text = is_file($path) ? file_get_contents($path) : false;
        if ($text === false) {
            throw new \InvalidArgumentException('The grants file ' . basename($path) . ' cannot be read.');
        }
        return self::fromJson($text);
    }

    public static function fromJson(string $text): self
    {
        try {
            $declaration = json_decode($text, false, 16, JSON_THROW_ON_ERROR);
        } catch (JsonException $e) {
            throw new \InvalidArgumentException('The grants are not valid JSON: ' . $e->getMessage(), 0, $e);
        }
        if (!is_object($declaration)) {
            throw new \InvalidArgumentException('The grants must be a JSON object.');
        }
        return new self($declaration);
    }

    /** The declaration as read, for the host's comparison with its own copy. */
    public function declaration(): object
    {
        return $this->declaration;
    }

    /** @param array<string, mixed> $s a `select-statement` */
    public function checkSelect(array $s): void
    {
        [$table, $grant] = $this->granted($s['table'] ?? null);
        if ($grant['select'] === null) {
            throw self::refused('The module may not read ' . $table . '.');
        }
        $columns = Args::list($s, 'columns', false);
        if ($columns === [] && $grant['select'] !== true) {
            throw DatabaseError::invalid('A select on ' . $table . ' must name the columns it reads.');
        }
        $ordered = array_map(
            static fn (mixed $o): mixed => is_array($o) ? ($o['column'] ?? null) : null,
            Args::list($s, 'order', false),
        );
        $conditions = Args::list($s, 'conditions', false);
        $this->readable($table, $grant, array_merge($columns, $ordered, self::conditionColumns($conditions)));
        $this->pinned($table, $grant, $conditions);
    }

    /** @param array<string, mixed> $s an `insert-statement` */
    public function checkInsert(array $s): void
    {
        [$table, $grant] = $this->granted($s['table'] ?? null);
        $columns = Args::list($s, 'columns');
        self::writable($table, $grant['insert'], 'insert', $columns);
        foreach ($grant['pin'] as $column => $value) {
            $index = array_search($column, $columns, true);
            foreach (Args::list($s, 'rows') as $row) {
                if ($index === false || !is_array($row) || ($row[$index] ?? null) !== $value) {
                    throw self::pinMissing($table, $column, $value);
                }
            }
        }
    }

    /** @param array<string, mixed> $s an `update-statement` */
    public function checkUpdate(array $s): void
    {
        [$table, $grant] = $this->granted($s['table'] ?? null);
        $assigned = array_map(
            static fn (mixed $a): mixed => is_array($a) ? ($a[0] ?? null) : null,
            Args::list($s, 'assignments'),
        );
        self::writable($table, $grant['update'], 'update', $assigned);
        foreach ($assigned as $column) {
            if (isset($grant['pin'][$column])) {
                throw self::refused('The module may not update ' . $table . '.' . $column . '.');
            }
        }
        $conditions = Args::list($s, 'conditions', false);
        $this->readable($table, $grant, self::conditionColumns($conditions));
        self::requirePinnedRows($table, 'update', $conditions, $grant['keys']);
        $this->pinned($table, $grant, $conditions);
    }

    /** @param array<string, mixed> $s an `update-rows-statement` */
    public function checkUpdateRows(array $s): void
    {
        [$table, $grant] = $this->granted($s['table'] ?? null);
        $columns = Args::list($s, 'columns');
        self::writable($table, $grant['update'], 'update', $columns);
        $key = $s['key'] ?? null;
        $this->readable($table, $grant, [$key]);
        foreach ($grant['pin'] as $column => $value) {
            throw self::pinMissing($table, $column, $value);
        }
        if (in_array($key, $columns, true)) {
            throw self::refused('The module may not update the key column ' . $table . '.' . $key . '.');
        }
        if ($grant['keys'] !== [] && !in_array($key, $grant['keys'], true)) {
            throw DatabaseError::invalid('The update on ' . $table . ' must name its rows by '
                . implode(' or ', $grant['keys']) . '.');
        }
    }

    /** @param array<string, mixed> $s a `delete-statement` */
    public function checkDelete(array $s): void
    {
        [$table, $grant] = $this->granted($s['table'] ?? null);
        if (!$grant['delete']) {
            throw self::refused('The module may not delete rows of ' . $table . '.');
        }
        $conditions = Args::list($s, 'conditions', false);
        $this->readable($table, $grant, self::conditionColumns($conditions));
        self::requirePinnedRows($table, 'delete', $conditions, $grant['keys']);
        $this->pinned($table, $grant, $conditions);
    }

    public function checkTableExists(mixed $table): string
    {
        return $this->granted($table)[0];
    }

    /** @param array<string, mixed> $definition a `table-def`; its defaults are TableDefinition's to check */
    public function checkCreate(array $definition): void
    {
        [$table, $grant] = $this->granted($definition['name'] ?? null);
        if (!$grant['create'] || !str_starts_with($table, self::MODULE_TABLE_PREFIX)) {
            throw self::refused('Only the module\'s own tables may be created, not ' . $table . '.');
        }
    }

    public function checkDecrypt(string $table, string $column): void
    {
        if (!isset($this->decrypt[$table . '.' . $column])) {
            throw PlatformError::failed(
                'The module may not decrypt ' . mb_substr($table, 0, 64) . '.' . mb_substr($column, 0, 64) . '.'
            );
        }
    }

    public function checkLocalApi(string $command): void
    {
        if (!isset($this->localApi[$command])) {
            throw PlatformError::failed(
                'The WHMCS API command ' . mb_substr($command, 0, 64) . ' is not one the module may call.'
            );
        }
    }

    /**
     * @return array{0: string, 1: array{select: list<string>|true|null, insert: list<string>|true|null,
     *     update: list<string>|true|null, delete: bool, create: bool, pin: array<string, string>}}
     */
    private function granted(mixed $table): array
    {
        if (!is_string($table) || !isset($this->tables[$table])) {
            throw DatabaseError::tableNotAllowed(is_string($table) ? mb_substr($table, 0, 64) : gettype($table));
        }
        return [$table, $this->tables[$table]];
    }

    /**
     * Columns named by conditions and orderings must be readable: a condition on
     * a secret column would be an oracle for its value.
     *
     * @param array{select: list<string>|true|null} $grant
     * @param list<mixed> $columns
     */
    private function readable(string $table, array $grant, array $columns): void
    {
        foreach ($columns as $column) {
            $column = Identifier::check($column);
            $select = $grant['select'];
            if ($select !== true && !in_array($column, $select ?? [], true)) {
                throw self::refused('The module may not read ' . $table . '.' . $column . '.');
            }
        }
    }

    /**
     * @param list<string>|true|null $allowed
     * @param list<mixed> $columns
     */
    private static function writable(string $table, array|bool|null $allowed, string $op, array $columns): void
    {
        if ($allowed === null || $allowed === false) {
            throw self::refused('The module may not ' . $op . ' rows of ' . $table . '.');
        }
        foreach ($columns as $column) {
            $column = Identifier::check($column);
            if ($allowed !== true && !in_array($column, $allowed, true)) {
                throw self::refused('The module may not ' . $op . ' ' . $table . '.' . $column . '.');
            }
        }
    }

    /**
     * @param array{pin: array<string, string>} $grant
     * @param list<mixed> $conditions
     */
    private function pinned(string $table, array $grant, array $conditions): void
    {
        foreach ($grant['pin'] as $column => $value) {
            $carried = false;
            foreach ($conditions as $condition) {
                $carried = $carried || (is_array($condition)
                    && ($condition['column'] ?? null) === $column
                    && ($condition['comparison'] ?? null) === 'eq'
                    && ($condition['values'] ?? null) === [$value]);
            }
            if (!$carried) {
                throw self::pinMissing($table, $column, $value);
            }
        }
    }

    /**
     * An update or delete must single out rows: an `eq` with a value or a
     * non-empty `in-list`, on one of the table's keys when it declares them (an
     * `eq` on any column could match every module's rows). `not-in-list`,
     * ranges and `like` do not.
     *
     * @param list<mixed> $conditions
     * @param list<string> $keys
     */
    private static function requirePinnedRows(string $table, string $op, array $conditions, array $keys): void
    {
        if (self::pins($conditions, $keys)) {
            return;
        }
        if ($keys !== [] && self::pins($conditions, [])) {
            throw DatabaseError::invalid('The ' . $op . ' on ' . $table . ' must name its rows by '
                . implode(' or ', $keys) . '.');
        }
        throw DatabaseError::invalid(
            'The ' . $op . ' on ' . $table . ' must pin its rows with an eq or a non-empty in-list condition.'
        );
    }

    /**
     * @param list<mixed> $conditions
     * @param list<string> $keys
     */
    private static function pins(array $conditions, array $keys): bool
    {
        foreach ($conditions as $condition) {
            $values = is_array($condition) ? ($condition['values'] ?? []) : [];
            $comparison = is_array($condition) ? ($condition['comparison'] ?? null) : null;
            $column = is_array($condition) ? ($condition['column'] ?? null) : null;
            if (!is_array($values) || ($keys !== [] && !in_array($column, $keys, true))) {
                continue;
            }
            if ($comparison === 'eq' && count($values) === 1 && $values[0] !== null) {
                return true;
            }
            if ($comparison === 'in-list' && $values !== []) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param list<mixed> $conditions
     * @return list<mixed>
     */
    private static function conditionColumns(array $conditions): array
    {
        return array_map(static fn (mixed $c): mixed => is_array($c) ? ($c['column'] ?? null) : null, $conditions);
    }

    private static function refused(string $message): DatabaseError
    {
        return new DatabaseError('table-not-allowed', $message);
    }

    private static function pinMissing(string $table, string $column, string $value): DatabaseError
    {
        return self::refused('Statements on ' . $table . ' must carry the condition ' . $column . ' = ' . $value . '.');
    }

    /**
     * @return array{select: list<string>|true|null, insert: list<string>|true|null,
     *     update: list<string>|true|null, delete: bool, create: bool, pin: array<string, string>,
     *     rows: array<string, mixed>|null, keys: list<string>}
     */
    private static function tableGrant(string $table, mixed $grant): array
    {
        if (!is_object($grant)) {
            throw new \InvalidArgumentException('The grant of ' . $table . ' must be an object.');
        }
        $known = ['select', 'insert', 'update', 'delete', 'create', 'pin', 'rows', 'keys'];
        $unknown = array_diff(array_keys(get_object_vars($grant)), $known);
        if ($unknown !== []) {
            throw new \InvalidArgumentException('The grant of ' . $table . ' has unknown keys.');
        }
        $pin = [];
        foreach (get_object_vars($grant->pin ?? new \stdClass()) as $column => $value) {
            if (!is_string($value)) {
                throw new \InvalidArgumentException('The pins of ' . $table . ' must be text.');
            }
            $pin[(string) $column] = $value;
        }
        return [
            'select' => self::columns($table, $grant->select ?? null),
            'insert' => self::columns($table, $grant->insert ?? null),
            'update' => self::columns($table, $grant->update ?? null),
            'delete' => ($grant->delete ?? false) === true,
            'create' => ($grant->create ?? false) === true,
            'pin' => $pin,
            'rows' => RowFilter::rowsFrom($table, $grant->rows ?? null),
            'keys' => self::keys($table, $grant->keys ?? []),
        ];
    }

    /** @return list<string> */
    private static function keys(string $table, mixed $keys): array
    {
        if (!is_array($keys) || !array_is_list($keys) || array_filter($keys, 'is_string') !== $keys) {
            throw new \InvalidArgumentException('The keys of ' . $table . ' are a list of column names.');
        }
        return $keys;
    }

    /** @return list<string>|true|null */
    private static function columns(string $table, mixed $columns): array|bool|null
    {
        if ($columns === null || $columns === '*') {
            return $columns === '*' ? true : null;
        }
        if (!is_array($columns) || !array_is_list($columns) || array_filter($columns, 'is_string') !== $columns) {
            throw new \InvalidArgumentException('A column grant of ' . $table . ' is "*" or a list of names.');
        }
        return $columns;
    }
}
