<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use PDOStatement;

defined('WHMCS') || exit;

/**
 * A prepared statement kept for reuse, with its SQL (for Capsule's query events).
 *
 * When `$slots` is used, every placeholder is bound by reference to one slot
 * (`bindParam`): the caller writes the values into the slots and executes. The
 * driver sends each value with the type it has at execution (null, integer,
 * string), so a multi-row INSERT needs no call per value.
 */
final class PreparedStatement
{
    /** @var list<int|string|null> */
    public array $slots = [];

    public function __construct(public readonly PDOStatement $statement, public readonly string $sql)
    {
    }

    /** Binds placeholder i + 1 to slot i, for $count placeholders. */
    public function bindSlots(int $count): void
    {
        $this->slots = array_fill(0, $count, null);
        for ($index = 0; $index < $count; $index++) {
            $this->statement->bindParam($index + 1, $this->slots[$index]);
        }
    }
}
