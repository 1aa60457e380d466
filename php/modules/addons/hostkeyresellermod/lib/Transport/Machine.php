<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * This server's processor, as uname(2) names it (x86_64, aarch64), found
 * without trusting any one optional function: hosts put php_uname and
 * posix_uname in disable_functions. Last comes the ELF header of PHP's own
 * binary, which names the processor PHP runs on.
 */
final class Machine
{
    /** ELF e_machine values of the processors a host could be built for. */
    private const ELF_MACHINES = [0x3E => 'x86_64', 0xB7 => 'aarch64', 0x03 => 'i386'];

    /** The processor's name, or null when nothing tells. */
    public static function name(?OpenBasedir $basedir = null): ?string
    {
        if (function_exists('php_uname')) {
            $machine = php_uname('m');
            if ($machine !== '') {
                return $machine;
            }
        }
        if (function_exists('posix_uname')) {
            $uname = posix_uname();
            if (is_array($uname) && ($uname['machine'] ?? '') !== '') {
                return (string) $uname['machine'];
            }
        }
        $basedir ??= OpenBasedir::forThisProcess();
        return self::fromElf(PHP_BINARY, $basedir) ?? self::fromElf('/proc/self/exe', $basedir);
    }

    /** The processor an ELF file is built for (e_machine, bytes 18-19, little-endian on Linux). */
    public static function fromElf(string $path, OpenBasedir $basedir): ?string
    {
        if ($path === '' || !$basedir->allows($path) || !is_readable($path)) {
            return null;
        }
        $head = @file_get_contents($path, false, null, 0, 20);
        if (!is_string($head) || strlen($head) < 20 || !str_starts_with($head, "\x7fELF")) {
            return null;
        }
        $machine = unpack('v', substr($head, 18, 2));
        return is_array($machine) ? (self::ELF_MACHINES[$machine[1]] ?? null) : null;
    }
}
