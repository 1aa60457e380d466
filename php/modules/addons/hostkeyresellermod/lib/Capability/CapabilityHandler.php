<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use JsonException;
use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * Answers the host's `db.*` and `platform.*` requests (docs/architecture.md),
 * the same way for both transports. Every request is checked against the grants
 * (grants.json, as the host did before) before the database or WHMCS sees it.
 * Never throws.
 */
final class CapabilityHandler implements RequestHandler
{
    /** The operations this bridge answers, and the method answering each. */
    private const OPERATIONS = [
        'db.select' => 'select',
        'db.insert' => 'insert',
        'db.update' => 'update',
        'db.update-rows' => 'updateRows',
        'db.delete' => 'delete',
        'db.lock' => 'lock',
        'db.unlock' => 'unlock',
        'db.begin' => 'begin',
        'db.commit' => 'commit',
        'db.rollback' => 'rollback',
        'db.table-exists' => 'tableExists',
        'db.create-table' => 'createTable',
        'platform.decrypt' => 'decrypt',
        'platform.module-log' => 'moduleLog',
        'platform.activity-log' => 'activityLog',
        'platform.system-url' => 'systemUrl',
        'platform.local-api' => 'localApi',
    ];

    private const JSON_FLAGS = JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION;

    /** @var list<int> transaction level at the start of each call in progress */
    private array $levels = [];
    /** @var list<array<string, true>> named locks taken by each call in progress */
    private array $locks = [];

    private Grants $grants;

    /** The row filter of the call in progress: it keeps the scopes it read until a write makes them stale. */
    private ?RowFilter $rowFilter = null;

    public function __construct(
        private Database $database,
        private Platform $platform,
        ?Grants $grants = null,
    ) {
        $this->grants = $grants ?? Grants::shipped();
    }

    public function callStarted(): void
    {
        $this->rowFilter = null;
        $this->levels[] = $this->safeLevel();
        $this->locks[] = [];
    }

    /**
     * Rolls back any transaction the component opened and left open (a trap
     * or a limit ended the call between begin and commit).
     */
    public function callFinished(): void
    {
        $this->rowFilter = null;
        $start = array_pop($this->levels) ?? 0;
        try {
            while ($this->database->transactionLevel() > $start) {
                $this->database->rollback();
            }
        } catch (Throwable) {
            // The connection is unusable; WHMCS will report its own error.
        }
        // A lock never outlives its call, however the call ended (trap, limit).
        foreach (array_keys(array_pop($this->locks) ?? []) as $name) {
            try {
                $this->database->unlock($name);
            } catch (Throwable) {
                // A broken connection has lost its locks with its session.
            }
        }
    }

    public function handle(string $request): string
    {
        $op = '';
        try {
            $message = json_decode($request, true, 64, JSON_THROW_ON_ERROR);
            if (!is_array($message) || !isset($message['op']) || !is_string($message['op'])) {
                return $this->error('db.', 'invalid', 'The request has no op.');
            }
            $op = $message['op'];
            $args = $message['args'] ?? [];
            if (!is_array($args)) {
                return $this->error($op, 'invalid', 'The args of ' . $op . ' must be an object.');
            }
            if (!isset(self::OPERATIONS[$op])) {
                $unknown = 'The operation ' . mb_substr($op, 0, 40) . ' is unknown to this bridge.';
                return $this->error($op, 'other', $unknown);
            }
            $method = self::OPERATIONS[$op];
            return json_encode(['ok' => $this->$method($args)], self::JSON_FLAGS);
        } catch (JsonException) {
            return $this->error($op, 'invalid', 'The request is not valid JSON or its answer cannot be encoded.');
        } catch (DatabaseError $e) {
            return $this->error($op, $e->kind(), $e->getMessage());
        } catch (PlatformError $e) {
            return $this->error($op, 'failed', $e->getMessage());
        } catch (Throwable $e) {
            return $this->error($op, 'other', $e->getMessage());
        }
    }

    /** The row filter of the call: a scope is read again only after a write to a table it reads. */
    private function rows(): RowFilter
    {
        return $this->rowFilter ??= new RowFilter($this->grants, $this->database);
    }

    /**
     * Runs a write to `$table` (of `$columns`; null: rows added or removed), then forgets the
     * scopes it may have changed, even when it failed.
     *
     * @template T
     * @param list<string>|null $columns
     * @param callable(): T $write
     * @return T
     */
    private function writing(string $table, ?array $columns, callable $write): mixed
    {
        try {
            return $write();
        } finally {
            $this->rowFilter?->written($table, $columns);
        }
    }

    /** @param array<string, mixed> $args */
    private function select(array $args): array
    {
        $statement = Args::record($args, 'statement');
        $this->grants->checkSelect($statement);
        return $this->database->select($this->rows()->select($statement));
    }

    /** @param array<string, mixed> $args */
    private function insert(array $args): array
    {
        $statement = Args::record($args, 'statement');
        $this->grants->checkInsert($statement);
        $this->rows()->insert($statement);
        return $this->writing((string) $statement['table'], null, fn (): array => $this->database->insert($statement));
    }

    /** @param array<string, mixed> $args */
    private function update(array $args): int
    {
        $statement = Args::record($args, 'statement');
        $this->grants->checkUpdate($statement);
        $statement = $this->rows()->update($statement);
        $columns = [];
        foreach (Args::list($statement, 'assignments') as $pair) {
            $columns[] = is_array($pair) ? (string) ($pair[0] ?? '') : '';
        }
        return $this->writing(
            (string) $statement['table'],
            $columns,
            fn (): int => $this->database->update($statement),
        );
    }

    /** @param array<string, mixed> $args */
    private function updateRows(array $args): int
    {
        $statement = Args::record($args, 'statement');
        $this->grants->checkUpdateRows($statement);
        $statement = $this->rows()->updateRows($statement);
        // Every row was another module's: nothing of the module's to change.
        return $statement['rows'] === [] ? 0 : $this->writing(
            (string) $statement['table'],
            array_map('strval', Args::list($statement, 'columns')),
            fn (): int => $this->database->updateRows($statement),
        );
    }

    /** @param array<string, mixed> $args */
    private function delete(array $args): int
    {
        $statement = Args::record($args, 'statement');
        $this->grants->checkDelete($statement);
        $statement = $this->rows()->delete($statement);
        return $this->writing((string) $statement['table'], null, fn (): int => $this->database->delete($statement));
    }

    /** @param array<string, mixed> $args */
    private function lock(array $args): bool
    {
        $name = self::lockName($args);
        $timeout = $args['timeout-ms'] ?? 0;
        if (!is_int($timeout) || $timeout < 0) {
            throw DatabaseError::invalid('The lock timeout must be a non-negative number of milliseconds.');
        }
        $call = array_key_last($this->locks);
        // GET_LOCK nests within a session; the contract's locks do not.
        if ($call !== null && isset($this->locks[$call][$name])) {
            return false;
        }
        $taken = $this->database->lock($name, $timeout);
        if ($taken && $call !== null) {
            $this->locks[$call][$name] = true;
        }
        return $taken;
    }

    /** @param array<string, mixed> $args */
    private function unlock(array $args): bool
    {
        $name = self::lockName($args);
        if ($this->locks !== []) {
            unset($this->locks[array_key_last($this->locks)][$name]);
        }
        return $this->database->unlock($name);
    }

    /** @param array<string, mixed> $args */
    private static function lockName(array $args): string
    {
        $name = Args::string($args, 'name');
        if (!Facts::isLockName($name)) {
            throw DatabaseError::invalid('The lock name ' . mb_substr($name, 0, 60) . ' is not one of this module.');
        }
        return $name;
    }

    private function begin(): mixed
    {
        $this->database->begin();
        return null;
    }

    private function commit(): mixed
    {
        $this->database->commit();
        return null;
    }

    private function rollback(): mixed
    {
        // Rows a scope holds may be gone with the transaction.
        $this->rowFilter = null;
        $this->database->rollback();
        return null;
    }

    /** @param array<string, mixed> $args */
    private function tableExists(array $args): bool
    {
        return $this->database->tableExists($this->grants->checkTableExists(Args::string($args, 'table')));
    }

    /** @param array<string, mixed> $args */
    private function createTable(array $args): mixed
    {
        $definition = Args::record($args, 'definition');
        $this->grants->checkCreate($definition);
        $this->database->createTable($definition);
        return null;
    }

    /** @param array<string, mixed> $args */
    private function decrypt(array $args): string
    {
        $secret = Args::record($args, 'secret');
        $table = Args::string($secret, 'table');
        $column = Args::string($secret, 'column');
        $this->grants->checkDecrypt($table, $column);
        $id = Args::int($secret, 'id');
        $this->rows()->decrypt($table, $column, $id);
        return $this->platform->decrypt($table, $column, $id);
    }

    /** @param array<string, mixed> $args */
    private function moduleLog(array $args): mixed
    {
        $entry = Args::record($args, 'entry');
        $mask = array_values(array_filter(Args::list($entry, 'mask', false), 'is_string'));
        $this->platform->moduleLog(
            Args::string($entry, 'action'),
            self::text($entry['request'] ?? ''),
            self::text($entry['response'] ?? ''),
            self::text($entry['processed'] ?? ''),
            $mask,
        );
        return null;
    }

    /** @param array<string, mixed> $args */
    private function activityLog(array $args): mixed
    {
        $client = $args['client-id'] ?? null;
        $this->platform->activityLog(Args::string($args, 'message'), is_int($client) ? $client : null);
        return null;
    }

    private function systemUrl(): string
    {
        return $this->platform->systemUrl();
    }

    /** @param array<string, mixed> $args */
    private function localApi(array $args): object
    {
        $command = Args::string($args, 'command');
        $this->grants->checkLocalApi($command);
        $params = self::pairs($args['params'] ?? []);
        $this->rows()->localApi($command, $params);
        try {
            return (object) $this->platform->localApi($command, $params);
        } finally {
            // WHMCS's own API may change the rows a scope holds.
            $this->rowFilter = null;
        }
    }

    /**
     * local-api params as an object of strings or a list of [name, value] pairs.
     *
     * @return array<string, string>
     */
    private static function pairs(mixed $params): array
    {
        if (!is_array($params)) {
            throw DatabaseError::invalid('The local API params must be an object of strings.');
        }
        $result = [];
        if (array_is_list($params)) {
            foreach ($params as $pair) {
                if (!is_array($pair) || count($pair) !== 2 || !is_string($pair[0] ?? null)) {
                    throw DatabaseError::invalid('The local API params must be [name, value] pairs.');
                }
                $result[$pair[0]] = self::text($pair[1]);
            }
            return $result;
        }
        foreach ($params as $name => $value) {
            $result[(string) $name] = self::text($value);
        }
        return $result;
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : json_encode($value, self::JSON_FLAGS);
    }

    private function safeLevel(): int
    {
        try {
            return $this->database->transactionLevel();
        } catch (Throwable) {
            return 0;
        }
    }

    /** An error answer; the kind is mapped into the interface's error variant. */
    private function error(string $op, string $kind, string $message): string
    {
        if (str_starts_with($op, 'platform.')) {
            $kind = $kind === 'failed' ? 'failed' : 'other';
        } elseif (!in_array($kind, DatabaseError::KINDS, true)) {
            $kind = 'other';
        }
        return json_encode(['error' => ['kind' => $kind, 'message' => $message]], self::JSON_FLAGS);
    }
}
