<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;

defined('WHMCS') || exit;

/**
 * What an entry point does with an exception: log it to WHMCS's module log and
 * return one sentence for the page; a failure of the engine itself also goes
 * to the activity log (RuntimeFailure, at most once an hour per cause).
 */
final class ErrorReport
{
    public const MODULE = 'hostkeyresellermod';

    public static function sentence(string $action, Throwable $error): string
    {
        $known = $error instanceof ComponentError || $error instanceof ComponentFault;
        $sentence = $known
            ? $error->getMessage()
            : 'The HOSTKEY module failed unexpectedly; the module log has the details.';
        if (function_exists('logModuleCall')) {
            try {
                logModuleCall(
                    self::MODULE,
                    $action,
                    '',
                    $error::class . ': ' . $error->getMessage(),
                    $known ? '' : $error->getFile() . ':' . $error->getLine(),
                    [],
                );
            } catch (Throwable) {
                // Logging must never hide the original failure.
            }
        }
        $cause = RuntimeFailure::causeOf($error);
        if ($cause !== null) {
            RuntimeFailure::alarm($cause, $sentence);
        }
        return $sentence;
    }
}
