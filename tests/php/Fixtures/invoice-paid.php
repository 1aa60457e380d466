<?php

/**
 * One WHMCS process delivering InvoicePaid (for the concurrency tests):
 *   php invoice-paid.php <invoice id>
 * with the shim as WHMCS (whmcs-init.php). Prints the hook's module log line.
 */

declare(strict_types=1);

require __DIR__ . '/whmcs-init.php';
require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';

run_hook('InvoicePaid', ['invoiceid' => (int) ($argv[1] ?? 0)]);
echo WHMCS\Database\Capsule::table('mod_hostkeyresellermod_log')->where('action', 'invoice-paid')
    ->orderBy('id', 'desc')->value('response'), "\n";
