<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

defined('WHMCS') || exit;

/**
 * The PHP wall's own masking of what goes to WHMCS's logs: a post-install
 * callback's signature (whoever reads it can call the URL) in every form a
 * URL takes in a log, raw, URL-encoded once or twice, JSON-escaped or as a
 * JSON member. The component masks them too; this holds whatever it sends.
 */
final class LogMask
{
    private const SIGNATURE = '/(sig(?:=|%3d|%253d|\\\\u003d|"\s*:\s*"))[0-9a-f]{16,}/i';

    public static function text(string $text): string
    {
        $masked = preg_replace(self::SIGNATURE, '$1***', $text);
        return is_string($masked) ? $masked : '(withheld: the text could not be masked)';
    }
}
