<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The custom button actions the server module defines PHP functions for
 * (`hostkeyresellermod_<Action>` in modules/servers/hostkeyresellermod).
 * A button the component offers with another action is not shown: WHMCS
 * could not call it back.
 */
final class CustomActions
{
    public const NAMES = ['PowerOn', 'PowerOff', 'Reboot', 'Reinstall'];

    public static function has(string $action): bool
    {
        return in_array($action, self::NAMES, true);
    }
}
