<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * The second wall (the host checks the same list first): the only tables the
 * component may touch through the bridge.
 */
final class TableAllowList
{
    public const MODULE_TABLE_PREFIX = 'mod_hostkeyresellermod';

    public const STANDARD = [
        'mod_hostkeyresellermod',
        'mod_hostkeyresellermod_log',
        'mod_hostkeyresellermodimportsettings',
        'tbladdonmodules',
        'tblcurrencies',
        'tblproducts',
        'tblproductgroups',
        'tblproducts_slugs',
        'tblpricing',
        'tblproductconfiggroups',
        'tblproductconfiglinks',
        'tblproductconfigoptions',
        'tblproductconfigoptionssub',
        'tblcustomfields',
        'tblcustomfieldsvalues',
        'tblhosting',
        'tblhostingconfigoptions',
        'tblorders',
        'tblinvoices',
        'tblinvoiceitems',
        'tblclients',
        'tblemailtemplates',
        'tblcancelrequests',
    ];

    /** @var array<string, true> */
    private array $tables;

    /** @param list<string> $tables */
    public function __construct(array $tables = self::STANDARD)
    {
        $this->tables = array_fill_keys($tables, true);
    }

    public function allows(mixed $table): bool
    {
        return is_string($table) && isset($this->tables[$table]);
    }

    /**
     * @throws DatabaseError (table-not-allowed)
     */
    public function check(mixed $table): string
    {
        if (!$this->allows($table)) {
            throw DatabaseError::tableNotAllowed(is_string($table) ? mb_substr($table, 0, 64) : gettype($table));
        }
        return $table;
    }

    /**
     * Only the module's own tables may be created.
     *
     * @throws DatabaseError (table-not-allowed)
     */
    public function checkCreatable(mixed $table): string
    {
        $table = $this->check($table);
        if (!str_starts_with($table, self::MODULE_TABLE_PREFIX)) {
            throw new DatabaseError(
                'table-not-allowed',
                'Only the module\'s own tables may be created, not ' . $table . '.',
            );
        }
        return $table;
    }
}
