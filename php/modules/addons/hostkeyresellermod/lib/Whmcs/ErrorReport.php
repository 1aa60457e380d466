<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;

defined('WHMCS') || exit;

/**
 * What an entry point does with an exception: log it to WHMCS's module log and
 * return one sentence for the page; a failure of the engine itself also goes
 * to the activity log (RuntimeFailure, at most once an hour per cause).
 */
final class ErrorReport
{
    /**
     * What retrying does, after the sentence: `$retry` (what will retry, e.g.
     * "the next daily run will retry it") only for a passing fault; a permanent
     * one says a retry does not help; an unexpected failure says nothing more.
     */
    public static function advice(Throwable $error, string $retry): string
    {
        if (!$error instanceof ComponentError) {
            return '';
        }
        return $error->retryable()
            ? ' This is a passing fault: ' . $retry . '.'
            : ' Retrying will not help until this is fixed.';
    }

    /**
     * Logs the failure and returns its sentence; with `$retry`, the sentence and
     * the log say whether retrying helps (see `advice`).
     */
    public static function sentence(string $action, Throwable $error, ?string $retry = null): string
    {
        $known = $error instanceof ComponentError || $error instanceof ComponentFault;
        $advice = $retry === null ? '' : self::advice($error, $retry);
        $sentence = $known
            ? $error->getMessage() . $advice
            : 'The HOSTKEY module failed unexpectedly; the module log has the details.';
        if (function_exists('logModuleCall')) {
            try {
                logModuleCall(
                    Facts::moduleName(),
                    $action,
                    '',
                    LogMask::text($error::class . ': ' . $error->getMessage() . $advice),
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
        } elseif (!$known) {
            // The module log is off unless debug logging is: the activity log keeps the cause.
            RuntimeFailure::alarm(RuntimeFailure::UNEXPECTED, RuntimeFailure::unexpected($error));
        }
        return $sentence;
    }
}
