<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The explicit map between the contract's `server-action` cases, the admin
 * buttons' function suffixes (`hostkeyresellermod_<Suffix>` in
 * modules/servers/hostkeyresellermod) and the client page's `op` words.
 * Nothing outside these maps is ever called.
 */
final class CustomActions
{
    /** server-action => admin function suffix */
    public const SUFFIXES = [
        'power-on' => 'PowerOn',
        'power-off' => 'PowerOff',
        'reboot' => 'Reboot',
        'refresh' => 'RefreshStatus',
    ];

    /** server-action => the client page's op */
    public const OPS = [
        'power-on' => 'on',
        'power-off' => 'off',
        'reboot' => 'reboot',
        'reinstall' => 'reinstall',
        'refresh' => 'refresh',
    ];

    /** The admin function suffix of an action; null for one with no admin button. */
    public static function suffix(string $action): ?string
    {
        return self::SUFFIXES[$action] ?? null;
    }

    /** The action of an admin function suffix; null for none. */
    public static function action(string $suffix): ?string
    {
        $action = array_search($suffix, self::SUFFIXES, true);
        return is_string($action) ? $action : null;
    }

    /** The client page's op of an action; null for none. */
    public static function op(string $action): ?string
    {
        return self::OPS[$action] ?? null;
    }

    /** The action of a posted op (`status` is the page's poll: a refresh). */
    public static function fromOp(string $op): ?string
    {
        if ($op === 'status') {
            return 'refresh';
        }
        $action = array_search($op, self::OPS, true);
        return is_string($action) ? $action : null;
    }
}
