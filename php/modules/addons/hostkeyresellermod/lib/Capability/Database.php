<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * The `db` interface of the contract, with statements as decoded JSON arrays
 * (docs/architecture.md). Implementations throw DatabaseError.
 */
interface Database
{
    /**
     * @param array<string, mixed> $statement
     * @return array{columns: list<string>, rows: list<list<int|float|string|null>>}
     */
    public function select(array $statement): array;

    /**
     * The first column of a select's rows as one list (the row filters' scopes).
     *
     * @param array<string, mixed> $statement a select-statement of one column
     * @return list<int|float|string|null>
     */
    public function selectColumn(array $statement): array;

    /**
     * @param array<string, mixed> $statement
     * @return list<int> the new ids in row order (0 where the table has no id)
     */
    public function insert(array $statement): array;

    /** @param array<string, mixed> $statement rows matched */
    public function update(array $statement): int;

    /** @param array<string, mixed> $statement rows matched */
    public function updateRows(array $statement): int;

    /** @param array<string, mixed> $statement rows deleted */
    public function delete(array $statement): int;

    /**
     * Takes a named lock (server-wide, outside transactions), waiting at most
     * $timeoutMs; false when another session holds it.
     */
    public function lock(string $name, int $timeoutMs): bool;

    /** Releases a named lock; false when this session did not hold it. */
    public function unlock(string $name): bool;

    public function begin(): void;

    public function commit(): void;

    public function rollback(): void;

    /** How many transactions are open on the connection. */
    public function transactionLevel(): int;

    public function tableExists(string $table): bool;

    /** @param array<string, mixed> $definition */
    public function createTable(array $definition): void;
}
