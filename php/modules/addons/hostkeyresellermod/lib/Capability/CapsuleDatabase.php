<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Connection;
use Illuminate\Database\Query\Builder;
use Illuminate\Database\QueryException;
use Illuminate\Database\Schema\Blueprint;
use PDOException;
use Throwable;

/**
 * The `db` interface over WHMCS's Capsule connection (Illuminate query builder).
 *
 * Identifiers are checked against `^[A-Za-z_][A-Za-z0-9_]*$`; values are always
 * bound. Table policy (the allow-list) is the caller's job.
 */
final class CapsuleDatabase implements Database
{
    /** Rows per multi-row statement. */
    private const CHUNK_ROWS = 500;
    /** Stay well below MariaDB's 65,535 placeholders per statement. */
    private const MAX_PLACEHOLDERS = 60000;

    /** @var array<string, bool> */
    private array $hasId = [];
    /** @var array{step: int, consecutive: bool}|null */
    private ?array $autoIncrement = null;

    public function __construct(private Connection $connection)
    {
    }

    public function select(array $statement): array
    {
        return $this->guard(function () use ($statement): array {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $columns = Args::identifiers(Args::list($statement, 'columns', false));
            $conditions = Args::list($statement, 'conditions', false);
            $query = Conditions::apply($this->connection->table($table), $conditions);
            foreach (Args::list($statement, 'order', false) as $order) {
                if (!is_array($order)) {
                    throw DatabaseError::invalid('Every order entry must be an object.');
                }
                $direction = Args::bool($order, 'descending') ? 'desc' : 'asc';
                $query->orderBy(Identifier::check($order['column'] ?? null), $direction);
            }
            $limit = $statement['limit'] ?? null;
            if ($limit !== null) {
                if (!is_int($limit) || $limit < 0) {
                    throw DatabaseError::invalid('The limit must be a non-negative integer.');
                }
                $query->limit($limit);
            }
            if (Args::bool($statement, 'for-update')) {
                $query->lockForUpdate();
            }
            $records = $query->get($columns === [] ? ['*'] : $columns)->all();
            if ($columns === []) {
                $columns = $records === []
                    ? array_values($this->connection->getSchemaBuilder()->getColumnListing($table))
                    : array_keys((array) $records[0]);
            }
            $rows = [];
            foreach ($records as $record) {
                $record = (array) $record;
                $row = [];
                foreach ($columns as $column) {
                    $row[] = self::plain($record[$column] ?? null);
                }
                $rows[] = $row;
            }
            return ['columns' => $columns, 'rows' => $rows];
        });
    }

    public function insert(array $statement): array
    {
        return $this->guard(function () use ($statement): array {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $columns = Args::identifiers(Args::list($statement, 'columns'));
            if ($columns === [] || count(array_unique($columns)) !== count($columns)) {
                throw DatabaseError::invalid('An insert needs distinct columns.');
            }
            $records = array_map(
                static fn (mixed $row): array => array_combine($columns, Args::row($row, count($columns))),
                Args::list($statement, 'rows'),
            );
            $givenIds = in_array('id', $columns, true);
            $generatesIds = !$givenIds && $records !== [] && $this->hasIdColumn($table);
            if ($generatesIds && !$this->autoIncrement()['consecutive']) {
                // innodb_autoinc_lock_mode 2 may interleave the ids of one statement.
                return $this->atomically(count($records) > 1, fn (): array => $this->insertEach($table, $records));
            }
            $perChunk = max(1, min(self::CHUNK_ROWS, intdiv(self::MAX_PLACEHOLDERS, count($columns))));
            $chunks = array_chunk($records, $perChunk);
            return $this->atomically(
                count($chunks) > 1,
                fn (): array => $this->insertChunks($table, $chunks, $givenIds, $generatesIds),
            );
        });
    }

    public function update(array $statement): int
    {
        return $this->guard(function () use ($statement): int {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $assignments = [];
            foreach (Args::list($statement, 'assignments') as $pair) {
                if (!is_array($pair) || !array_is_list($pair) || count($pair) !== 2) {
                    throw DatabaseError::invalid('Every assignment must be a [column, value] pair.');
                }
                $assignments[Identifier::check($pair[0])] = Args::value($pair[1]);
            }
            if ($assignments === []) {
                throw DatabaseError::invalid('An update needs at least one assignment.');
            }
            $conditions = Args::list($statement, 'conditions', false);
            $query = Conditions::apply($this->connection->table($table), $conditions);
            // MariaDB reports changed rows, the contract wants matched rows: count first.
            $matched = (clone $query)->count();
            if ($matched > 0) {
                $query->update($assignments);
            }
            return $matched;
        });
    }

    public function updateRows(array $statement): int
    {
        return $this->guard(function () use ($statement): int {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $key = Identifier::check(Args::string($statement, 'key'));
            $columns = Args::identifiers(Args::list($statement, 'columns'));
            $distinct = count(array_unique($columns)) === count($columns);
            if ($columns === [] || in_array($key, $columns, true) || !$distinct) {
                throw DatabaseError::invalid('update-rows needs distinct columns other than the key.');
            }
            $rows = array_map(
                static fn (mixed $row): array => Args::row($row, count($columns) + 1),
                Args::list($statement, 'rows'),
            );
            $perChunk = max(1, min(self::CHUNK_ROWS, intdiv(self::MAX_PLACEHOLDERS, 2 * count($columns) + 1)));
            $chunks = array_chunk($rows, $perChunk);
            return $this->atomically(count($chunks) > 1, function () use ($table, $key, $columns, $chunks): int {
                $matched = 0;
                foreach ($chunks as $chunk) {
                    $matched += $this->updateChunk($table, $key, $columns, $chunk);
                }
                return $matched;
            });
        });
    }

    public function delete(array $statement): int
    {
        return $this->guard(function () use ($statement): int {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $conditions = Args::list($statement, 'conditions', false);
            if ($conditions === []) {
                throw DatabaseError::invalid('A delete needs at least one condition.');
            }
            return Conditions::apply($this->connection->table($table), $conditions)->delete();
        });
    }

    public function begin(): void
    {
        $this->guard(fn () => $this->connection->beginTransaction());
    }

    public function commit(): void
    {
        $this->requireTransaction('commit');
        $this->guard(fn () => $this->connection->commit());
    }

    public function rollback(): void
    {
        $this->requireTransaction('roll back');
        $this->guard(fn () => $this->connection->rollBack());
    }

    public function transactionLevel(): int
    {
        return $this->connection->transactionLevel();
    }

    public function tableExists(string $table): bool
    {
        Identifier::check($table, 'table');
        return $this->guard(fn (): bool => $this->connection->getSchemaBuilder()->hasTable($table));
    }

    public function createTable(array $definition): void
    {
        $table = TableDefinition::fromArray($definition);
        $this->guard(function () use ($table): void {
            $this->connection->getSchemaBuilder()->create(
                $table->name,
                static function (Blueprint $blueprint) use ($table): void {
                    $table->apply($blueprint);
                },
            );
        });
        unset($this->hasId[$table->name]);
    }

    /**
     * One multi-row INSERT per chunk; the new ids from lastInsertId().
     *
     * @param list<list<array<string, int|float|string|null>>> $chunks
     * @return list<int>
     */
    private function insertChunks(string $table, array $chunks, bool $givenIds, bool $generatesIds): array
    {
        $ids = [];
        foreach ($chunks as $chunk) {
            $this->connection->table($table)->insert($chunk);
            if ($givenIds) {
                foreach ($chunk as $record) {
                    $ids[] = (int) $record['id'];
                }
                continue;
            }
            // One multi-row INSERT gets consecutive ids (innodb_autoinc_lock_mode 0 or 1);
            // lastInsertId() is the first of them.
            $first = $generatesIds ? (int) $this->connection->getPdo()->lastInsertId() : 0;
            $step = $generatesIds ? $this->autoIncrement()['step'] : 0;
            foreach (array_keys($chunk) as $index) {
                $ids[] = $generatesIds ? $first + $index * $step : 0;
            }
        }
        return $ids;
    }

    /**
     * @param list<array<string, int|float|string|null>> $records
     * @return list<int>
     */
    private function insertEach(string $table, array $records): array
    {
        $ids = [];
        foreach ($records as $record) {
            $ids[] = (int) $this->connection->table($table)->insertGetId($record);
        }
        return $ids;
    }

    /**
     * UPDATE t SET c = CASE key WHEN ? THEN ? ... ELSE c END, ... WHERE key IN (...)
     *
     * @param list<string> $columns
     * @param list<list<int|float|string|null>> $chunk
     */
    private function updateChunk(string $table, string $key, array $columns, array $chunk): int
    {
        $quotedKey = Identifier::quote($key);
        $sets = [];
        $bindings = [];
        foreach ($columns as $index => $column) {
            $quoted = Identifier::quote($column);
            $cases = '';
            foreach ($chunk as $row) {
                $cases .= ' WHEN ? THEN ?';
                $bindings[] = $row[0];
                $bindings[] = $row[$index + 1];
            }
            $sets[] = $quoted . ' = CASE ' . $quotedKey . $cases . ' ELSE ' . $quoted . ' END';
        }
        $keys = array_values(array_unique(array_column($chunk, 0), SORT_REGULAR));
        $matched = $this->connection->table($table)->whereIn($key, $keys)->count();
        if ($matched === 0) {
            return 0;
        }
        $sql = 'UPDATE ' . Identifier::quote($this->connection->getTablePrefix() . $table, 'table')
            . ' SET ' . implode(', ', $sets)
            . ' WHERE ' . $quotedKey . ' IN (' . implode(', ', array_fill(0, count($keys), '?')) . ')';
        $this->connection->update($sql, array_merge($bindings, $keys));
        return $matched;
    }

    /**
     * Runs a statement that takes several SQL statements as one unit (a savepoint
     * when the component has a transaction open).
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    private function atomically(bool $needed, callable $work): mixed
    {
        return $needed ? $this->connection->transaction($work) : $work();
    }

    private function hasIdColumn(string $table): bool
    {
        return $this->hasId[$table] ??= $this->connection->getSchemaBuilder()->hasColumn($table, 'id');
    }

    /**
     * How the server numbers the rows of one multi-row INSERT.
     *
     * @return array{step: int, consecutive: bool}
     */
    private function autoIncrement(): array
    {
        if ($this->autoIncrement === null) {
            $row = $this->connection->selectOne(
                'SELECT @@auto_increment_increment AS step, @@innodb_autoinc_lock_mode AS lock_mode'
            );
            $this->autoIncrement = [
                'step' => max(1, (int) ($row->step ?? 1)),
                'consecutive' => (int) ($row->lock_mode ?? 1) !== 2,
            ];
        }
        return $this->autoIncrement;
    }

    private function requireTransaction(string $what): void
    {
        if ($this->connection->transactionLevel() === 0) {
            throw DatabaseError::invalid('There is no open transaction to ' . $what . '.');
        }
    }

    /** A fetched value as JSON can carry it. */
    private static function plain(mixed $value): int|float|string|null
    {
        return match (true) {
            $value === null, is_int($value), is_float($value), is_string($value) => $value,
            is_bool($value) => (int) $value,
            default => (string) $value,
        };
    }

    /**
     * Runs a database operation, turning driver errors into DatabaseError.
     *
     * @template T
     * @param callable(): T $operation
     * @return T
     */
    private function guard(callable $operation): mixed
    {
        try {
            return $operation();
        } catch (DatabaseError $e) {
            throw $e;
        } catch (QueryException | PDOException $e) {
            $driver = $e->getPrevious() instanceof PDOException ? $e->getPrevious() : $e;
            $state = (string) ($driver instanceof PDOException && isset($driver->errorInfo[0])
                ? $driver->errorInfo[0]
                : $driver->getCode());
            $kind = match (substr($state, 0, 2)) {
                '23', '22' => 'constraint',
                '42' => 'invalid',
                default => 'other',
            };
            throw new DatabaseError($kind, 'The database refused the statement: ' . $driver->getMessage(), $e);
        } catch (Throwable $e) {
            throw new DatabaseError('other', 'The database failed: ' . $e->getMessage(), $e);
        }
    }
}
