<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

use RuntimeException;
use Throwable;

defined('WHMCS') || exit;

/**
 * A `db.error` case: table-not-allowed, invalid, constraint or other.
 */
final class DatabaseError extends RuntimeException
{
    public const KINDS = ['table-not-allowed', 'invalid', 'constraint', 'other'];

    public function __construct(private string $kind, string $message, ?Throwable $previous = null)
    {
        parent::__construct($message, 0, $previous);
        if (!in_array($kind, self::KINDS, true)) {
            $this->kind = 'other';
        }
    }

    public static function invalid(string $message): self
    {
        return new self('invalid', $message);
    }

    public static function tableNotAllowed(string $table): self
    {
        return new self('table-not-allowed', 'The table ' . $table . ' is not one the module may use.');
    }

    public function kind(): string
    {
        return $this->kind;
    }
}
