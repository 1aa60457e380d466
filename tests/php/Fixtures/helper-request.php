<?php

/**
 * One request of the module, as its own PHP process (CLI) or an FPM page
 * (HelperTransportTest): one engine call through Components::bridge(),
 * with the transport PHP picks for this SAPI and environment. Prints "ok".
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;

require __DIR__ . '/whmcs-init.php';
require_once ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';

$meta = Components::bridge()->call('provisioning.meta-data');
echo is_array($meta) && isset($meta['display-name']) ? "ok\n" : "no answer\n";
