<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * What an admin can do when PHP has no proc_open. Both ways out are
 * PHP_INI_SYSTEM settings: disable_functions is read from php.ini only (a
 * PHP-FPM pool can add to the list, not take from it), ffi.enable from php.ini
 * or the pool; .htaccess, .user.ini and ini_set change neither. On shared
 * hosting that is the host's decision (docs/install.md).
 */
final class ProcOpenAdvice
{
    /** The one sentence for a call that needs proc_open. */
    public static function sentence(bool $ffiUsable = false): string
    {
        if ($ffiUsable) {
            return 'PHP\'s disable_functions blocks proc_open, which the helper-process transport needs; '
                . 'set the addon\'s Engine transport to Automatic or In-process (FFI is enabled here).';
        }
        return 'PHP\'s disable_functions blocks proc_open, which the helper-process transport needs, and FFI is '
            . 'off: ' . self::fix();
    }

    /** The fix, for the System check's row and the sentence above. */
    public static function fix(): string
    {
        return 'remove proc_open from disable_functions in the php.ini WHMCS\'s PHP reads, or set ffi.enable=true '
            . 'there or in WHMCS\'s PHP-FPM pool (php_admin_value[ffi.enable] = true); .htaccess, .user.ini and '
            . 'ini_set can change neither, so on shared hosting ask the host, and if it allows neither, this '
            . 'server cannot run the module.';
    }
}
