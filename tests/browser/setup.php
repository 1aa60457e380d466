<?php

/**
 * The state the browser test starts from, made the way WHMCS makes it: the
 * addon activated and pointed at the fake HOSTKEY API, the catalogue
 * imported, a client's server ordered, paid and linked by HOSTKEY's callback.
 * Then HOSTKEY names the server with a hostile string, which the page must
 * show as text. Prints {"serviceId": ..., "serverId": ..., "hostileName": ...}.
 */

declare(strict_types=1);

require __DIR__ . '/boot.php';

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;

const HKRM_API_KEY = 'hk-test-key-0123456789abcdef0123';
const HKRM_CLIENT = 3;
const HKRM_HOSTILE = '<script>window.hkrmPwned=1</script><img src=x onerror="window.hkrmPwned=2">web-1 & "co"';

function hkrm_fail(string $why): never
{
    fwrite(STDERR, 'setup: ' . $why . "\n");
    exit(1);
}

/** @param array<string, mixed>|null $body */
function hkrm_control(string $method, string $endpoint, ?array $body = null): array
{
    $url = 'http://127.0.0.1:' . getenv('HOSTKEYRESELLERMOD_FAKE_API_PORT') . '/_control/' . $endpoint;
    $context = stream_context_create(['http' => [
        'method' => $method, 'header' => "Content-Type: application/json\r\n", 'ignore_errors' => true,
        'content' => $body === null ? '' : (string) json_encode((object) $body),
    ]]);
    $answer = json_decode((string) @file_get_contents($url, false, $context), true);
    return is_array($answer) ? $answer : hkrm_fail('the fake HOSTKEY API did not answer ' . $endpoint);
}

$apiUrl = 'http://127.0.0.1:' . getenv('HOSTKEYRESELLERMOD_FAKE_API_PORT') . '/';
foreach (['apiurl' => $apiUrl, 'apikey' => HKRM_API_KEY] as $setting => $value) {
    Capsule::table('tbladdonmodules')->insert(['module' => 'hostkeyresellermod', 'setting' => $setting,
        'value' => $value]);
}
$activated = hostkeyresellermod_activate();
if ($activated['status'] !== 'success') {
    hkrm_fail('activation: ' . $activated['description']);
}
$addon = Components::addon();
$addon->output(
    ['modulelink' => 'addonmodules.php?module=hostkeyresellermod'],
    'POST',
    ['token' => WhmcsShim::TOKEN, 'action' => 'save-settings', 'vps_import' => 'yes', 'vps_markup' => '10',
        'vps_unit' => '%', 'bm_import' => 'yes', 'bm_markup' => '5', 'bm_unit' => 'USD', 'gpu_import' => 'no',
        'gpu_markup' => '0', 'gpu_unit' => '%', 'round' => '0', 'sort' => 'price_asc'],
    new CsrfGuard(WhmcsShim::TOKEN),
);
$addon->import();

$product = Capsule::table('tblproducts')->where('servertype', 'hostkeyresellermod')->where('hidden', 0)
    ->orderBy('id')->first(['id', 'name']) ?? hkrm_fail('the import created no product');
$os = Capsule::table('tblproductconfigoptionssub as s')
    ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
    ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')->where('l.pid', $product->id)
    ->where('o.optionname', 'like', 'OS %')->orderBy('s.sortorder')
    ->first(['o.id as configid', 's.id']) ?? hkrm_fail('the product has no OS option');
$service = (int) Capsule::table('tblhosting')->insertGetId([
    'userid' => HKRM_CLIENT, 'packageid' => $product->id, 'domainstatus' => 'Pending',
    'regdate' => date('Y-m-d'), 'billingcycle' => 'Monthly', 'domain' => 'web-1.example.test',
    'password' => encrypt('Browser-Pass42'),
]);
Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'configid' => $os->configid,
    'optionid' => $os->id, 'qty' => 0]);
Capsule::table('tblinvoices')->insert(['id' => 9100, 'userid' => HKRM_CLIENT, 'status' => 'Paid',
    'total' => '10.00', 'date' => date('Y-m-d'), 'duedate' => date('Y-m-d')]);
Capsule::table('tblinvoiceitems')->insert(['invoiceid' => 9100, 'userid' => HKRM_CLIENT, 'type' => 'Hosting',
    'relid' => $service, 'description' => $product->name, 'amount' => '10.00']);
run_hook('InvoicePaid', ['invoiceid' => 9100]);

$state = hkrm_control('GET', 'state');
$order = $state['orders'][0] ?? hkrm_fail('HOSTKEY received no order');
parse_str((string) parse_url($order['post_install_callback'], PHP_URL_QUERY), $query);
$linked = Components::callback()->handle($query, []);
if ($linked['status'] !== 200) {
    hkrm_fail('the post-install callback answered ' . $linked['status'] . ': ' . $linked['body']);
}

// HOSTKEY's side names the server; the page must print that name as text.
$state = hkrm_control('GET', 'state');
unset($state['calls'], $state['faults']);
foreach ($state['servers'] as &$server) {
    if ((string) $server['id'] === (string) $order['server_id']) {
        $server['hostname'] = HKRM_HOSTILE;
    }
}
unset($server);
hkrm_control('POST', 'reset', ['state' => $state]);

// The ordered service pays its product's monthly price (the order did not set it);
// two more live services for the Margins view: one sold under HOSTKEY's cost
// (on a server of its own), one whose server nobody recorded.
$monthly = Capsule::table('tblpricing')->where('type', 'product')->where('relid', $product->id)
    ->where('currency', 1)->value('monthly') ?? hkrm_fail('the product has no EUR price');
Capsule::table('tblhosting')->where('id', $service)->update(['amount' => $monthly]);
$cheap = (int) Capsule::table('tblhosting')->insertGetId([
    'userid' => HKRM_CLIENT, 'packageid' => $product->id, 'domainstatus' => 'Active', 'amount' => '0.50',
    'regdate' => date('Y-m-d'), 'billingcycle' => 'Monthly', 'domain' => 'web-2.example.test',
    'nextduedate' => date('Y-m-d', time() + 3 * 86400),
]);
Capsule::table('mod_hostkeyresellermod_servers')->insert(['service_id' => $cheap, 'server_id' => 424242]);
Capsule::table('tblhosting')->insert([
    'userid' => HKRM_CLIENT, 'packageid' => $product->id, 'domainstatus' => 'Suspended', 'amount' => '9.00',
    'regdate' => date('Y-m-d'), 'billingcycle' => 'Monthly', 'domain' => 'web-3.example.test',
]);

echo json_encode([
    'marginUnder' => $cheap,
    'serviceId' => $service,
    'serverId' => (int) $order['server_id'],
    'hostileName' => HKRM_HOSTILE,
]), "\n";
