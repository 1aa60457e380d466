<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Component;

use RuntimeException;

defined('WHMCS') || exit;

/**
 * The call could not complete: the host answered `{"fault": "..."}` (trap,
 * limit hit, unknown export) or the transport itself failed.
 */
final class ComponentFault extends RuntimeException
{
}
