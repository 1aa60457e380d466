<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

defined('WHMCS') || exit;

/**
 * Sends a file from the addon page instead of the page: WHMCS has buffered
 * its admin header by then, so the buffers are dropped before the headers.
 */
final class Download
{
    /**
     * The headers of a file download (the name is the module's own, so it
     * needs no escaping beyond the quotes it cannot contain).
     *
     * @param array{filename: string, type: string, body: string} $file
     * @return list<string>
     */
    public static function headers(array $file): array
    {
        return [
            'Content-Type: ' . $file['type'],
            'Content-Disposition: attachment; filename="' . str_replace(['"', "\r", "\n"], '', $file['filename'])
                . '"',
            'Content-Length: ' . strlen($file['body']),
            'Cache-Control: no-store',
            'X-Content-Type-Options: nosniff',
        ];
    }

    /** @param array{filename: string, type: string, body: string} $file */
    public static function send(array $file): never
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        foreach (self::headers($file) as $header) {
            header($header);
        }
        echo $file['body'];
        exit;
    }
}
