<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use RuntimeException;

defined('WHMCS') || exit;

/** The helper cannot be used for this request; nothing was sent to it, so a process per call takes over. */
final class HelperUnusable extends RuntimeException
{
}
