<?php

/**
 * Re-runs the HOSTKEY catalogue import from the command line:
 *   php modules/addons/hostkeyresellermod/cron.php
 * WHMCS_INIT=/path/to/init.php overrides where WHMCS is booted from.
 */

declare(strict_types=1);

use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\CronCommand;

// The guard of a file that runs from the command line before WHMCS is booted:
// autoload.php and CronCommand.php accept this constant instead of WHMCS, and a
// web request gets only the refusal below (PHP_SAPI is not `cli`).
define('HOSTKEYRESELLERMOD_CRON', true);

require_once __DIR__ . '/floor.php';
if (($floor = hostkeyresellermod_below_php_floor()) !== null) {
    if (PHP_SAPI === 'cli') {
        fwrite(STDERR, $floor . "\n");
    } else {
        http_response_code(403);
    }
    exit(1);
}
require_once __DIR__ . '/autoload.php';

if (($refusal = CronCommand::refusal(PHP_SAPI)) !== null) {
    http_response_code(403);
    echo $refusal, "\n";
    exit(1);
}
$init = CronCommand::initFile(__DIR__, getenv(CronCommand::ENV_INIT));
if ($init === null) {
    fwrite(STDERR, CronCommand::missingInit(getenv(CronCommand::ENV_INIT)) . "\n");
    exit(1);
}
require_once $init;
exit(Components::cron()->run(STDOUT, STDERR, array_slice($argv, 1)));
