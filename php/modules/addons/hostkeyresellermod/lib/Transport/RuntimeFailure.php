<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use Throwable;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * A failure of the module's engine itself (not of a call): the library does
 * not load, the helper program lost its exec bit, proc_open is disabled, the
 * compiled engine cannot be kept. WHMCS drops the module log unless debug
 * logging is on, so these also go to the activity log (always on), with one
 * actionable sentence, at most once an hour per cause. The activity log is
 * the memory: an entry of the same cause in the last hour means no new one.
 */
final class RuntimeFailure
{
    /** Exception codes of a ComponentFault that is a runtime failure. */
    public const LOADER = 1501;
    public const EXEC_BIT = 1502;
    public const PROC_OPEN = 1503;
    public const CACHE = 1504;
    public const NOEXEC = 1505;
    public const DAMAGED = 1506;
    /** A failure no sentence foresaw (a PHP Error, an exception of another library). */
    public const UNEXPECTED = 1599;

    private const CAUSES = [
        self::LOADER => 'engine does not load',
        self::EXEC_BIT => 'helper program not executable',
        self::PROC_OPEN => 'proc_open disabled',
        self::CACHE => 'compiled engine not kept',
        self::NOEXEC => 'engine on a noexec mount',
        self::DAMAGED => 'engine files damaged',
        self::UNEXPECTED => 'unexpected failure',
    ];

    public const QUIET_SECONDS = 3600;

    /** The fault an entry point turns into its answer. */
    public static function fault(int $cause, string $sentence, ?Throwable $previous = null): ComponentFault
    {
        return new ComponentFault($sentence, $cause, $previous);
    }

    /** The cause of a runtime failure, or null for any other error. */
    public static function causeOf(Throwable $error): ?int
    {
        $code = $error->getCode();
        return $error instanceof ComponentFault && is_int($code) && isset(self::CAUSES[$code]) ? $code : null;
    }

    /**
     * The activity log's sentence for a failure no sentence foresaw: where it
     * happened, and PHP's own message for a PHP Error (an undefined or
     * disabled function, a type error), which carries no data; another
     * library's exception may carry data, so only its class.
     */
    public static function unexpected(Throwable $error): string
    {
        $where = basename($error->getFile()) . ':' . $error->getLine();
        $what = $error instanceof \Error ? ': ' . mb_substr($error->getMessage(), 0, 200) : '';
        return $error::class . ' at ' . $where . $what
            . '; the module log has the details (System Settings > Module Log, with debug logging on).';
    }

    /** The activity log's text for a cause: a fixed prefix, then the sentence. */
    public static function entry(int $cause, string $sentence): string
    {
        return self::prefix($cause) . $sentence;
    }

    private static function prefix(int $cause): string
    {
        return Facts::displayName() . ' engine (' . (self::CAUSES[$cause] ?? 'failure') . '): ';
    }

    /**
     * Writes the sentence to the activity log unless the same cause was
     * logged in the last hour; true when written. Never throws.
     */
    public static function alarm(int $cause, string $sentence, ?int $now = null): bool
    {
        if (!function_exists('logActivity')) {
            return false;
        }
        $now ??= time();
        try {
            $recent = Capsule::table('tblactivitylog')
                ->where('date', '>=', date('Y-m-d H:i:s', $now - self::QUIET_SECONDS))
                ->where('description', 'like', addcslashes(self::prefix($cause), '%_\\') . '%')
                ->exists();
            if ($recent) {
                return false;
            }
            logActivity(self::entry($cause, $sentence));
            return true;
        } catch (Throwable) {
            // The alarm must never hide the failure it reports.
            return false;
        }
    }
}
