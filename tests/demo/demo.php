<?php

/**
 * A walk through the module as WHMCS would run it: the real module files, the
 * built host, a private MariaDB and the fake HOSTKEY API (see run.sh).
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once __DIR__ . '/../php/whmcs-shim.php';
require_once ROOTDIR . '/modules/addons/hostkeyresellermod/autoload.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\CronCommand;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;

$say = static function (string $text = ''): void {
    echo $text, "\n";
};
$heading = static function (string $text) use ($say): void {
    $say();
    $say($text);
    $say(str_repeat('-', strlen($text)));
};
/** Prints rows as an aligned text table. */
$grid = static function (array $rows) use ($say): void {
    if ($rows === []) {
        $say('    (no rows)');
        return;
    }
    $rows = array_map(static fn ($row): array => array_map(
        static fn ($value): string => $value === null ? 'NULL' : mb_strimwidth((string) $value, 0, 60, '...'),
        (array) $row,
    ), $rows);
    $columns = array_keys($rows[0]);
    $widths = [];
    foreach ($columns as $column) {
        $lengths = array_map(static fn ($row): int => mb_strlen($row[$column]), $rows);
        $widths[$column] = max(mb_strlen((string) $column), ...$lengths);
    }
    $line = static fn (array $cells): string => '    ' . implode(' | ', array_map(
        static fn ($column) => str_pad((string) $cells[$column], $widths[$column]),
        $columns,
    ));
    $say($line(array_combine($columns, $columns)));
    $say('    ' . implode('-+-', array_map(static fn ($column) => str_repeat('-', $widths[$column]), $columns)));
    foreach ($rows as $row) {
        $say($line($row));
    }
};
$timed = static function (callable $call): array {
    $started = microtime(true);
    $result = $call();
    return [$result, (microtime(true) - $started) * 1000];
};

$socket = getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
$port = getenv('HOSTKEYRESELLERMOD_FAKE_API_PORT');
$binDir = getenv('HOSTKEYRESELLERMOD_BIN_DIR');
if (!$socket || !$port || !$binDir) {
    fwrite(STDERR, "Run this through tests/demo/run.sh (it starts MariaDB and the fake API).\n");
    exit(2);
}
if (!is_file($binDir . '/hostkey-host')) {
    fwrite(STDERR, "The host is not built in $binDir: run `make build` (or `make demo`).\n");
    exit(2);
}
WhmcsShim::boot($socket);

$apiUrl = 'http://127.0.0.1:' . $port . '/';
$apiKey = 'hk-test-key-0123456789abcdef0123';
foreach (['apiurl' => $apiUrl, 'apikey' => $apiKey] as $setting => $value) {
    Capsule::table('tbladdonmodules')
        ->insert(['module' => 'hostkeyresellermod', 'setting' => $setting, 'value' => $value]);
}

require_once ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';
require_once ROOTDIR . '/modules/servers/hostkeyresellermod/hostkeyresellermod.php';
require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';

$transports = ['ffi', 'cli'];
if (!extension_loaded('ffi')) {
    $transports = ['cli'];
}

$say('HOSTKEY reseller module demo');
$say('  WHMCS database : MariaDB at ' . $socket);
$say('  HOSTKEY API    : the fake API at ' . $apiUrl . ' (fixture key ' . substr($apiKey, 0, 7) . '...)');
$say('  host and engine: ' . $binDir);
$say('  transports     : ' . implode(', ', $transports));

$heading('1. The admin activates the addon (' . $transports[0] . ')');
putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transports[0]);
[$answer, $ms] = $timed(static fn (): array => hostkeyresellermod_activate());
$say(sprintf('  hostkeyresellermod_activate() -> %s: %s  (%.0f ms)', $answer['status'], $answer['description'], $ms));
foreach (['mod_hostkeyresellermod', 'mod_hostkeyresellermod_log', 'mod_hostkeyresellermodimportsettings'] as $table) {
    if (!Capsule::schema()->hasTable($table)) {
        $say("  table $table: missing");
        continue;
    }
    $columns = implode(', ', Capsule::schema()->getColumnListing($table));
    $say("  table $table ($columns):");
    $grid(array_map(static fn ($row) => (array) $row, Capsule::table($table)->orderBy('id')->get()->all()));
}

$heading('2. ...and activates it again (' . end($transports) . ')');
putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . end($transports));
[$answer, $ms] = $timed(static fn (): array => hostkeyresellermod_activate());
$say(sprintf('  hostkeyresellermod_activate() -> %s: %s  (%.0f ms)', $answer['status'], $answer['description'], $ms));
$say('  import settings rows: ' . Capsule::table('mod_hostkeyresellermodimportsettings')->count());

$heading('3. The admin clicks "Test Connection"');
$server = [
    'serverid' => 0, 'serverhostname' => '', 'serverip' => '', 'serverusername' => '', 'serverpassword' => '',
    'serveraccesshash' => '', 'serversecure' => true, 'serverport' => '',
];
foreach ($transports as $transport) {
    putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transport);
    [$answer, $ms] = $timed(static fn (): array => hostkeyresellermod_TestConnection($server));
    $say(sprintf(
        '  %-3s with the right key -> %s  (%.0f ms)',
        $transport,
        $answer['success'] ? 'success' : 'failed: ' . $answer['error'],
        $ms,
    ));
}
$badKey = 'hk-typo-key-0123456789abcdef01234';
Capsule::table('tbladdonmodules')->where('module', 'hostkeyresellermod')->where('setting', 'apikey')
    ->update(['value' => $badKey]);
foreach ($transports as $transport) {
    putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transport);
    [$answer, $ms] = $timed(static fn (): array => hostkeyresellermod_TestConnection($server));
    $say(sprintf(
        '  %-3s with a wrong key   -> %s  (%.0f ms)',
        $transport,
        $answer['success'] ? 'success (unexpected!)' : 'failed: ' . $answer['error'],
        $ms,
    ));
}

$heading('4. The admin previews, then imports the HOSTKEY catalogue');
Capsule::table('tbladdonmodules')->where('module', 'hostkeyresellermod')->where('setting', 'apikey')
    ->update(['value' => $apiKey]);
putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transports[0]);
$addon = Components::addon();
$page = $addon->output(
    ['modulelink' => 'addonmodules.php?module=hostkeyresellermod'],
    'POST',
    ['token' => WhmcsShim::TOKEN, 'action' => 'save-settings', 'vps_import' => 'yes', 'vps_markup' => '10',
        'vps_unit' => '%', 'bm_import' => 'yes', 'bm_markup' => '5', 'bm_unit' => 'USD', 'gpu_import' => 'yes',
        'gpu_markup' => '0', 'gpu_unit' => '%', 'round' => '0', 'sort' => 'price_asc'],
    new CsrfGuard(WhmcsShim::TOKEN),
);
$say('  Import settings (admin page): VPS +10 %, bare metal +5 USD, GPU at cost, no rounding -> '
    . (str_contains($page, 'The import settings are saved') ? 'saved' : 'NOT saved'));
$counts = static fn (array $r): string => sprintf(
    '%d groups and %d products created, %d hidden, %d prices, %d rows',
    $r['groups-created'],
    $r['products-created'],
    $r['products-hidden'],
    $r['prices-changed'],
    $r['rows-written'],
);
[$preview, $ms] = $timed(static fn (): array => $addon->import(true));
$say(sprintf('  Preview: %s  (%.0f ms)', $preview['summary'], $ms));
$say('           would be: ' . $counts($preview) . '; products in WHMCS now: '
    . Capsule::table('tblproducts')->count());
[$import, $ms] = $timed(static fn (): array => $addon->import());
$say(sprintf('  Import : %s  (%.0f ms)', $import['summary'], $ms));
$say('           did     : ' . $counts($import) . '; the preview listed the same changes: '
    . ($import['changes'] === $preview['changes'] ? 'yes' : 'NO'));
$say('  Some products and their monthly prices (EUR default; USD 1.08, GBP 0.86):');
$prices = [];
foreach (
    Capsule::table('tblproducts as p')->join('tblpricing as r', 'r.relid', '=', 'p.id')
        ->join('tblcurrencies as c', 'c.id', '=', 'r.currency')->where('r.type', 'product')
        ->where('p.servertype', 'hostkeyresellermod')->orderBy('p.gid')->orderBy('p.order')
        ->get(['p.name', 'p.hidden', 'c.code', 'r.monthly'])->all() as $row
) {
    $prices[$row->name] ??= ['product' => $row->name . ($row->hidden ? ' (hidden)' : '')];
    $prices[$row->name][$row->code] = $row->monthly;
}
$grid(array_slice(array_values($prices), 0, 6));
[$again, $ms] = $timed(static fn (): array => $addon->import());
$say(sprintf('  The same import again: %d rows written  (%.0f ms)', $again['rows-written'], $ms));
$say('  As cron.php prints it: ' . CronCommand::summaryLine($again, (int) round($ms)));

$heading('5. What WHMCS\'s module log holds (secrets masked)');
$log = Capsule::table('tblmodulelog')->orderBy('id')->get(['id', 'action', 'request', 'response'])->all();
$grid(array_map(static fn ($row) => (array) $row, $log));
$everything = json_encode([$log, Capsule::table('tblactivitylog')->get()->all()]);
$say();
$say('  The right key appears in the logs: ' . (str_contains($everything, $apiKey) ? 'YES (bad)' : 'no'));
$say('  The wrong key appears in the logs: ' . (str_contains($everything, $badKey) ? 'YES (bad)' : 'no'));

$hostkey = static function (string $method, string $endpoint, ?array $body = null) use ($apiUrl): array {
    $context = stream_context_create(['http' => [
        'method' => $method, 'header' => "Content-Type: application/json\r\n", 'ignore_errors' => true,
        'content' => $body === null ? '' : (string) json_encode((object) $body),
    ]]);
    $answer = json_decode((string) file_get_contents($apiUrl . '_control/' . $endpoint, false, $context), true);
    return is_array($answer) ? $answer : [];
};
$field = static function (int $service, string $name): string {
    return (string) Capsule::table('tblcustomfieldsvalues as v')->join('tblcustomfields as f', 'f.id', '=', 'v.fieldid')
        ->where('v.relid', $service)->where('f.fieldname', $name)->value('v.value');
};
$masked = static fn (string $secret): string => $secret === '' ? '(none)' : substr($secret, 0, 4) . '...';
$journal = static function () use ($say): void {
    $line = Capsule::table('mod_hostkeyresellermod_log')->orderBy('id', 'desc')->value('response');
    $say('  module log: ' . $line);
};

$heading('6. A client orders a server and pays the invoice');
putenv('HOSTKEYRESELLERMOD_TRANSPORT=' . $transports[0]);
$product = Capsule::table('tblproducts')->where('servertype', 'hostkeyresellermod')->where('hidden', 0)
    ->orderBy('id')->first(['id', 'name']);
$os = Capsule::table('tblproductconfigoptionssub as s')
    ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
    ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')->where('l.pid', $product->id)
    ->where('o.optionname', 'like', 'OS %')->orderBy('s.sortorder')
    ->first(['o.id as configid', 's.id', 's.optionname']);
$service = (int) Capsule::table('tblhosting')->insertGetId([
    'userid' => 1, 'packageid' => $product->id, 'domainstatus' => 'Pending', 'regdate' => date('Y-m-d'),
    'billingcycle' => 'Monthly', 'domain' => 'demo1.example.test', 'password' => encrypt('Demo-Pass42'),
]);
Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $os->configid,
    'optionid' => $os->id, 'qty' => 0]);
Capsule::table('tblinvoices')->insert(['id' => 9001, 'userid' => 1, 'status' => 'Paid', 'total' => '10.00',
    'date' => date('Y-m-d'), 'duedate' => date('Y-m-d')]);
Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 9001, 'userid' => 1, 'type' => 'Hosting',
    'relid' => $service, 'description' => $product->name, 'amount' => '10.00']);
$say("  Service $service: {$product->name}, {$os->optionname}, hostname demo1.example.test; invoice 9001 paid.");
run_hook('InvoicePaid', ['invoiceid' => 9001]);
$journal();
run_hook('InvoicePaid', ['invoiceid' => 9001]);
$state = $hostkey('GET', 'state');
$order = $state['orders'][0] ?? null;
$say('  InvoicePaid delivered twice; HOSTKEY saw ' . count($state['orders']) . ' order(s).');
if ($order !== null) {
    $invoice = current(array_filter(
        $state['invoices'],
        static fn (array $i): bool => $i['id'] == $order['invoice_id'],
    ));
    $say(sprintf(
        '  HOSTKEY: server %s (%s %s), invoice %s %s; WHMCS Invoice ID field: %s',
        $order['server_id'],
        $order['preset'],
        $order['location'],
        $order['invoice_id'],
        $invoice['status'] ?? '?',
        $field($service, 'Invoice ID')
    ));

    $heading('7. HOSTKEY deployed the server and calls the signed URL it was given');
    parse_str((string) parse_url($order['post_install_callback'], PHP_URL_QUERY), $query);
    $answer = Components::callback()->handle($query, []);
    $say('  callback -> HTTP ' . $answer['status'] . ' ' . $answer['body']);
    $forged = ['sig' => str_repeat('0', 64)] + $query;
    $say('  the same URL with a forged signature -> HTTP ' . Components::callback()->handle($forged, [])['status']);
    $say(sprintf('  service status %s, Preset ID %s, Api key %s', Capsule::table('tblhosting')->where('id', $service)
        ->value('domainstatus'), $field($service, 'Preset ID'), $masked($field($service, 'Api key'))));

    $heading('8. The client opens the service');
    $page = hostkeyresellermod_ClientArea(['serviceid' => $service]);
    $say('  template ' . $page['templatefile'] . ', status ' . $page['vars']['status']);
    foreach ($page['vars']['facts'] as $fact) {
        $say('  ' . $fact['label'] . ': ' . $fact['value']);
    }
    $say('  power: ' . $page['vars']['server']['label'] . '; buttons: ' . implode(', ', array_map(
        static fn (array $a): string => $a['label'] . ($a['enabled'] ? '' : ' (off)'),
        $page['vars']['actions']
    )));
    $_SESSION['uid'] = 1;
    $sso = hostkeyresellermod_ServiceSingleSignOn(['serviceid' => $service]);
    $say('  single sign-on: ' . preg_replace('/key=.*/', 'key=...', (string) ($sso['redirectTo'] ?? '')));
    $token = generate_token('plain');
    $reboot = ['op' => 'reboot', 'token' => $token];
    $clicks = [];
    foreach ([1, 1, 1] as $who) {
        $answer = Components::server()->clientAction(['serviceid' => $service], $reboot, $token, $who);
        $clicks[] = $answer['ok'] ? 'sent (' . $answer['server']['busyLabel'] . ')' : $answer['message'];
    }
    $say('  the client clicks Reboot three times: ' . implode(' | ', array_unique($clicks)));
    $say('  another client posts the same: ' . Components::server()->clientAction(
        ['serviceid' => $service],
        $reboot,
        $token,
        2
    )['message']);
    $reboots = array_filter($hostkey('GET', 'state')['calls'] ?? [], static fn (array $r): bool =>
        ($r['module'] ?? '') === 'eq' && ($r['action'] ?? '') === 'reboot');
    $say('  eq/reboot calls HOSTKEY saw: ' . count($reboots));

    $heading('9. A month later: HOSTKEY raises its invoice, the client pays WHMCS\'s renewal');
    $renewal = $hostkey('POST', 'renewal', ['server_id' => (int) $order['server_id']])['invoice_id'] ?? 0;
    Capsule::table('tblinvoices')->insert(['id' => 9002, 'userid' => 1, 'status' => 'Paid', 'total' => '10.00',
        'date' => date('Y-m-d'), 'duedate' => date('Y-m-d')]);
    Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 9002, 'userid' => 1, 'type' => 'Hosting',
        'relid' => $service, 'description' => $product->name, 'amount' => '10.00']);
    run_hook('InvoicePaid', ['invoiceid' => 9002]);
    $journal();
    $state = $hostkey('GET', 'state');
    $paid = current(array_filter($state['invoices'], static fn (array $i): bool => $i['id'] == $renewal));
    $say("  HOSTKEY renewal invoice $renewal: " . ($paid['status'] ?? '?') . '; orders at HOSTKEY: '
        . count($state['orders']));

    $heading('10. The client cancels at the end of the billing period');
    run_hook('CancellationRequest', ['relid' => $service, 'type' => 'End of Billing Period', 'reason' => 'Demo']);
    $journal();
    $cancellations = $hostkey('GET', 'state')['cancellations'];
    $say('  HOSTKEY cancellations: ' . count($cancellations) . ' (' . ($cancellations[0]['type'] ?? '-') . ')');
}

$heading('Result');
$created = array_values(array_filter(
    ['mod_hostkeyresellermod', 'mod_hostkeyresellermod_log', 'mod_hostkeyresellermodimportsettings',
        'mod_hostkeyresellermod_orders', 'mod_hostkeyresellermod_servers', 'mod_hostkeyresellermod_pending',
        'mod_hostkeyresellermod_costs',
        'mod_hostkeyresellermod_sync'],
    static fn (string $table): bool => Capsule::schema()->hasTable($table),
));
$say('  Tables created      : ' . implode(', ', $created));
$tests = Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY connection test:%')
    ->orderBy('id')->pluck('description')->all();
$say('  TestConnection said : ' . ($tests === [] ? '(nothing)' : end($tests)));
$say('  The import said     : ' . $import['summary']);
$say('  Catalogue in WHMCS  : ' . Capsule::table('tblproductgroups')->count() . ' groups, '
    . Capsule::table('tblproducts')->count() . ' products, ' . Capsule::table('tblpricing')->count() . ' prices');
$say();
