<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use Illuminate\Database\Connection;
use Illuminate\Database\QueryException;
use Illuminate\Database\Schema\Blueprint;
use PDO;
use PDOException;
use PDOStatement;
use Throwable;

defined('WHMCS') || exit;

/**
 * The `db` interface over WHMCS's Capsule connection.
 *
 * Inserts, update-rows and selects run as prepared statements on Capsule's own
 * PDO (SELECTs are still built by the query builder, then fetched as lists);
 * update, delete, transactions and DDL go through Capsule. Statements run this
 * way are still reported to Capsule's query events.
 *
 * Identifiers are checked against `^[A-Za-z_][A-Za-z0-9_]*$` before any SQL is
 * built; values are always bound. Table policy (the allow-list) is the caller's job.
 */
final class CapsuleDatabase implements Database
{
    /** MariaDB's limit of placeholders in one prepared statement. */
    private const MAX_PLACEHOLDERS = 65535;
    /**
     * Values per update-rows statement: its `CASE key WHEN ...` is scanned for every
     * row, so the cost of a statement grows with rows squared (12 columns: 100 rows
     * cost 0.03 ms a row, 500 rows 0.09 ms, 1000 rows 0.17 ms).
     */
    private const UPDATE_CELLS = 1200;
    /** At most this many rows per update-rows statement. */
    private const UPDATE_ROWS = 500;
    /** Prepared statements kept for reuse (least recently used dropped first). */
    private const CACHED_STATEMENTS = 24;

    /** @var array<string, bool> */
    private array $hasId = [];
    /** @var array{step: int, consecutive: bool}|null */
    private ?array $autoIncrement = null;
    /** @var array<string, PreparedStatement> by SQL, least recently used first */
    private array $statements = [];
    /** The PDO the cached statements belong to. */
    private ?PDO $pdo = null;

    public function __construct(private Connection $connection)
    {
    }

    public function select(array $statement): array
    {
        return $this->guard(function () use ($statement): array {
            [$result, $columns] = $this->selected($statement);
            // PDO gives null, integers, floats and strings (decimals and dates as strings),
            // the values Capsule fetches, already in the order of the columns.
            $rows = $result->fetchAll(PDO::FETCH_NUM);
            if ($columns === []) {
                for ($index = 0, $count = $result->columnCount(); $index < $count; $index++) {
                    $meta = $result->getColumnMeta($index);
                    $columns[] = (string) ($meta['name'] ?? '');
                }
            }
            $result->closeCursor();
            return ['columns' => $columns, 'rows' => $rows];
        });
    }

    public function selectColumn(array $statement): array
    {
        return $this->guard(function () use ($statement): array {
            [$result] = $this->selected($statement);
            // One list of values, not a row array per value: a scope can hold every price id.
            $values = $result->fetchAll(PDO::FETCH_COLUMN, 0);
            $result->closeCursor();
            return $values;
        });
    }

    /**
     * Runs a select statement.
     *
     * @param array<string, mixed> $statement
     * @return array{0: \PDOStatement, 1: list<string>} the executed statement and the columns asked for
     */
    private function selected(array $statement): array
    {
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
        $query->select($columns === [] ? ['*'] : $columns);
        return [$this->run($query->toSql(), $query->getBindings())->statement, $columns];
    }

    public function insert(array $statement): array
    {
        return $this->guard(function () use ($statement): array {
            $table = Identifier::check(Args::string($statement, 'table'), 'table');
            $columns = Args::identifiers(Args::list($statement, 'columns'));
            $width = count($columns);
            if ($columns === [] || count(array_unique($columns)) !== $width) {
                throw DatabaseError::invalid('An insert needs distinct columns.');
            }
            $rows = Args::list($statement, 'rows');
            if ($rows === []) {
                return [];
            }
            $idColumn = array_search('id', $columns, true);
            $generatesIds = $idColumn === false && $this->hasIdColumn($table);
            // innodb_autoinc_lock_mode 2 may interleave the ids of one statement: a row at a time.
            $perChunk = $generatesIds && !$this->autoIncrement()['consecutive']
                ? 1
                : max(1, intdiv(self::MAX_PLACEHOLDERS, $width));
            if (count($rows) <= $perChunk) {
                // One statement: its rows are checked while they are bound.
                return $this->insertChunks($table, $columns, [$rows], $idColumn, $generatesIds);
            }
            foreach ($rows as $row) {
                self::checkRow($row, $width);
            }
            $chunks = array_chunk($rows, $perChunk);
            return $this->atomically(
                fn (): array => $this->insertChunks($table, $columns, $chunks, $idColumn, $generatesIds),
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
            $rows = Args::list($statement, 'rows');
            foreach ($rows as $index => $row) {
                $rows[$index] = self::checkRow($row, count($columns) + 1);
            }
            $perChunk = max(1, min(
                self::UPDATE_ROWS,
                intdiv(self::UPDATE_CELLS, count($columns)),
                intdiv(self::MAX_PLACEHOLDERS, 2 * count($columns) + 1),
            ));
            $chunks = array_chunk($rows, $perChunk);
            $work = function () use ($table, $key, $columns, $chunks): int {
                $matched = 0;
                foreach ($chunks as $chunk) {
                    $matched += $this->updateChunk($table, $key, $columns, $chunk);
                }
                return $matched;
            };
            return count($chunks) > 1 ? $this->atomically($work) : $work();
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

    /**
     * MariaDB's GET_LOCK on Capsule's connection (its session holds the lock).
     * Named locks are server-wide, so the name carries a hash of the database
     * name: two WHMCS installations on one server do not block each other.
     */
    public function lock(string $name, int $timeoutMs): bool
    {
        $seconds = max(0, $timeoutMs) / 1000;
        return $this->guard(function () use ($name, $seconds): bool {
            $taken = $this->connection->selectOne(
                'SELECT GET_LOCK(?, ?) AS taken',
                [$this->serverLockName($name), $seconds],
            );
            $value = is_object($taken) ? ($taken->taken ?? null) : null;
            if ($value === null) {
                throw new DatabaseError('other', 'MariaDB could not take the lock ' . $name . '.');
            }
            return (int) $value === 1;
        });
    }

    public function unlock(string $name): bool
    {
        return $this->guard(function () use ($name): bool {
            $released = $this->connection->selectOne(
                'SELECT RELEASE_LOCK(?) AS released',
                [$this->serverLockName($name)],
            );
            return is_object($released) && (int) ($released->released ?? 0) === 1;
        });
    }

    private function serverLockName(string $name): string
    {
        return $name . '@' . substr(sha1((string) $this->connection->getDatabaseName()), 0, 12);
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
            $pdo = $this->pdo();
            $quote = static fn (string $text): string => (string) $pdo->quote($text);
            $this->connection->getSchemaBuilder()->create(
                $table->name,
                static function (Blueprint $blueprint) use ($table, $quote): void {
                    $table->apply($blueprint, $quote);
                },
            );
        });
        unset($this->hasId[$table->name]);
        $this->forgetStatements();
    }

    /**
     * One multi-row INSERT per chunk (a prepared statement per table, columns and
     * row count, kept for the next request); the new ids from lastInsertId().
     *
     * @param list<string> $columns
     * @param list<list<mixed>> $chunks rows as decoded from JSON, checked here
     * @return list<int>
     */
    private function insertChunks(
        string $table,
        array $columns,
        array $chunks,
        int|false $idColumn,
        bool $generatesIds,
    ): array {
        $width = count($columns);
        $head = 'INSERT INTO ' . $this->quotedTable($table)
            . ' (' . implode(', ', array_map([Identifier::class, 'quote'], $columns)) . ') VALUES ';
        $tuple = '(' . implode(', ', array_fill(0, $width, '?')) . ')';
        $ids = [];
        foreach ($chunks as $chunk) {
            $count = count($chunk);
            $sql = $head . $tuple . str_repeat(', ' . $tuple, $count - 1);
            $prepared = $this->prepared($sql, $count * $width);
            $slots = &$prepared->slots;
            $slot = 0;
            foreach ($chunk as $row) {
                if (!is_array($row) || !array_is_list($row) || count($row) !== $width) {
                    throw DatabaseError::invalid('Every row must be a list of ' . $width . ' values.');
                }
                foreach ($row as $value) {
                    if ($value !== null && !is_int($value) && !is_string($value)) {
                        // Floats are sent as text, as Capsule binds them.
                        $value = is_float($value) ? (string) $value : Args::value($value);
                    }
                    $slots[$slot++] = $value;
                }
            }
            unset($slots);
            $this->execute($prepared);
            if ($idColumn !== false) {
                foreach ($chunk as $row) {
                    $ids[] = (int) $row[$idColumn];
                }
            } elseif ($generatesIds) {
                // One multi-row INSERT gets consecutive ids (innodb_autoinc_lock_mode 0 or 1);
                // lastInsertId() is the first of them.
                $first = (int) $this->pdo()->lastInsertId();
                $step = $this->autoIncrement()['step'];
                for ($index = 0; $index < $count; $index++) {
                    $ids[] = $first + $index * $step;
                }
            } else {
                array_push($ids, ...array_fill(0, $count, 0));
            }
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
        $quotedTable = $this->quotedTable($table);
        $keys = array_values(array_unique(array_column($chunk, 0), SORT_REGULAR));
        $in = ' IN (' . implode(', ', array_fill(0, count($keys), '?')) . ')';
        $counted = $this->run('SELECT COUNT(*) FROM ' . $quotedTable . ' WHERE ' . $quotedKey . $in, $keys);
        $matched = (int) $counted->statement->fetchColumn();
        $counted->statement->closeCursor();
        if ($matched === 0) {
            return 0;
        }
        $sets = [];
        $bindings = [];
        $cases = ' WHEN ? THEN ?' . str_repeat(' WHEN ? THEN ?', count($chunk) - 1);
        foreach ($columns as $index => $column) {
            $quoted = Identifier::quote($column);
            foreach ($chunk as $row) {
                $bindings[] = $row[0];
                $bindings[] = $row[$index + 1];
            }
            $sets[] = $quoted . ' = CASE ' . $quotedKey . $cases . ' ELSE ' . $quoted . ' END';
        }
        $sql = 'UPDATE ' . $quotedTable . ' SET ' . implode(', ', $sets) . ' WHERE ' . $quotedKey . $in;
        $this->run($sql, array_merge($bindings, $keys));
        return $matched;
    }

    /**
     * Runs work of several SQL statements as one unit. Inside the component's open
     * transaction that transaction is the unit (the component rolls it back on an
     * error; no savepoint); otherwise a transaction of its own.
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    private function atomically(callable $work): mixed
    {
        if ($this->connection->transactionLevel() > 0) {
            return $work();
        }
        return $this->connection->transaction($work);
    }

    /** Capsule's PDO; the cached statements are dropped when it changes (a reconnect). */
    private function pdo(): PDO
    {
        $pdo = $this->connection->getPdo();
        if ($pdo !== $this->pdo) {
            $this->forgetStatements();
            $this->pdo = $pdo;
        }
        return $pdo;
    }

    /**
     * The prepared statement for $sql, from the cache or newly prepared; with
     * $slots > 0 its placeholders are bound to that many slots.
     */
    private function prepared(string $sql, int $slots = 0): PreparedStatement
    {
        $pdo = $this->pdo();
        $prepared = $this->statements[$sql] ?? null;
        if ($prepared !== null) {
            // Most recently used last.
            unset($this->statements[$sql]);
        } else {
            $statement = $pdo->prepare($sql);
            if (!$statement instanceof PDOStatement) {
                throw DatabaseError::invalid('The database could not prepare the statement.');
            }
            $prepared = new PreparedStatement($statement, $sql);
            if ($slots > 0) {
                $prepared->bindSlots($slots);
            }
            if (count($this->statements) >= self::CACHED_STATEMENTS) {
                unset($this->statements[array_key_first($this->statements)]);
            }
        }
        $this->statements[$sql] = $prepared;
        return $prepared;
    }

    /**
     * Prepares (or reuses) $sql, binds $bindings as Capsule does (integers as
     * integers, everything else as text) and executes it.
     *
     * @param list<mixed> $bindings
     */
    private function run(string $sql, array $bindings): PreparedStatement
    {
        $prepared = $this->prepared($sql);
        foreach ($this->connection->prepareBindings($bindings) as $index => $value) {
            $prepared->statement->bindValue($index + 1, $value, is_int($value) ? PDO::PARAM_INT : PDO::PARAM_STR);
        }
        $this->execute($prepared, $bindings);
        return $prepared;
    }

    /**
     * Executes a prepared statement and reports it to Capsule's query events.
     *
     * @param list<mixed>|null $bindings for the query log (null: the slots)
     */
    private function execute(PreparedStatement $prepared, ?array $bindings = null): void
    {
        $start = microtime(true);
        if (!$prepared->statement->execute()) {
            // Only when the PDO does not throw (Capsule sets ERRMODE_EXCEPTION).
            $info = $prepared->statement->errorInfo();
            throw new DatabaseError(
                str_starts_with((string) ($info[0] ?? ''), '23') ? 'constraint' : 'other',
                'The database refused the statement: ' . (string) ($info[2] ?? 'unknown error'),
            );
        }
        $elapsed = round((microtime(true) - $start) * 1000, 2);
        if ($bindings === null) {
            $bindings = $this->connection->logging() ? array_map(static fn ($v) => $v, $prepared->slots) : [];
        }
        $this->connection->logQuery($prepared->sql, $bindings, $elapsed);
    }

    private function forgetStatements(): void
    {
        $this->statements = [];
    }

    private function quotedTable(string $table): string
    {
        return Identifier::quote($this->connection->getTablePrefix() . $table, 'table');
    }

    /**
     * A row of values with exactly $arity entries.
     *
     * @return list<int|float|string|null>
     */
    private static function checkRow(mixed $row, int $arity): array
    {
        if (!is_array($row) || !array_is_list($row) || count($row) !== $arity) {
            throw DatabaseError::invalid('Every row must be a list of ' . $arity . ' values.');
        }
        foreach ($row as $value) {
            if ($value !== null && !is_int($value) && !is_string($value) && !is_float($value)) {
                Args::value($value);
            }
        }
        return $row;
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
