<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use PDO;
use RuntimeException;

/**
 * The public HostkeyResellerMod's first import, restated from its documented
 * behaviour (shared/reference/original-module.md, "Import") to build the
 * database an admin has before switching to our module: its rows, written
 * the way it writes them — PHP floats and round(), PDO inserts of its column
 * values, its names, labels, order numbers and "Do not install" choice.
 *
 * It writes into an empty catalogue (no update paths) and reads its settings
 * from its own rows in mod_hostkeyresellermodimportsettings.
 *
 * Past the import, its life with a live service, restated from its code
 * (HostkeyResellerModLib 1.0.27): `order()` is its InvoicePaid for a first
 * order, `callback()` its post-install URL (completeLinkToPreset), and
 * `clientAreaView()` what its client area writes on the first view. They
 * call the (fake) HOSTKEY API as it does and write the rows it writes, so a
 * test starts from the database an upgrading reseller really has.
 */
final class PublicModuleImport
{
    private const MODULE = 'hostkeyresellermod';
    private const TITLES = ['vps' => 'VPS products', 'bm' => 'Bare metal products', 'gpu' => 'GPU products'];
    private const PREFIXES = ['gpu' => 'gpu', 'vgpu' => 'gpu', 'vm' => 'vps', 'vds' => 'vps', 'bm' => 'bm'];
    private const SORT_KEYS = ['price_asc', 'price_desc', 'name_asc', 'name_desc', 'none'];
    private const SPECS = ['cpu', 'ram', 'hdd', 'gpu'];

    /** @var array<string, array<string, mixed>> code => tblcurrencies row */
    private array $currencies = [];
    /** @var array<string, array{active: int, amount: float, currency: string}> */
    private array $settings = [];
    private int $round = 0;
    private int $template = 0;
    /** @var array<string, int> group name => id */
    private array $groups = [];
    private string $now;
    /** Its HOSTKEY token: one login per PHP process, as its static cache does. */
    private ?string $token = null;

    public function __construct(private PDO $pdo, private string $prefix = 'HKP-', private string $reseller = 'EUR')
    {
        $this->now = date('Y-m-d H:i:s');
    }

    /** @param list<array<string, mixed>> $presets the presets/info answer's list */
    public function run(array $presets): void
    {
        foreach ($this->pdo->query('SELECT * FROM tblcurrencies')->fetchAll(PDO::FETCH_ASSOC) as $currency) {
            $this->currencies[$currency['code']] = $currency;
        }
        $sort = 0;
        $rows = $this->pdo->query('SELECT * FROM mod_hostkeyresellermodimportsettings')->fetchAll(PDO::FETCH_ASSOC);
        foreach ($rows as $row) {
            match ($row['group']) {
                'round' => $this->round = (int) $row['amount'],
                'template' => $this->template = (int) $row['amount'],
                'sort' => $sort = (int) $row['amount'],
                default => $this->settings[$row['group']] = [
                    'active' => (int) $row['active'],
                    'amount' => (float) $row['amount'],
                    'currency' => $row['currency'],
                ],
            };
        }
        $this->sort($presets, self::SORT_KEYS[$sort] ?? 'price_asc');
        $this->pdo->beginTransaction();
        $counters = [];
        $inactive = [];
        foreach ($presets as $preset) {
            $group = self::PREFIXES[explode('.', $preset['name'])[0]] ?? '';
            if ($group === '' || ($this->settings[$group]['active'] ?? 0) !== 1 || empty($preset['price'])) {
                continue;
            }
            foreach (array_keys($preset['price']) as $location) {
                if ($location === 'RU') {
                    continue;
                }
                $label = $preset['name'] . ' (' . $location . ')';
                $counters[$location . '_' . $group] = ($counters[$location . '_' . $group] ?? 0) + 1;
                $configGroup = $this->insert(
                    'tblproductconfiggroups',
                    ['name' => $label . ' server options', 'description' => ''],
                );
                $productId = $this->product($preset, $group, $location, $label, $counters[$location . '_' . $group]);
                if (empty($preset['active'])) {
                    $inactive[] = $productId;
                }
                $this->insert('tblproductconfiglinks', ['gid' => $configGroup, 'pid' => $productId]);
                $soft = $preset['soft'] ?? [];
                if ($soft) {
                    array_unshift($soft, ['id' => 0, 'name' => 'Do not install']);
                }
                $lists = [
                    'OS ' => $preset['OS'] ?? [],
                    'Soft ' => $soft,
                    'Traffic ' => $preset['traffic_plans'][$location] ?? [],
                ];
                $order = 1;
                foreach ($lists as $prefix => $items) {
                    $option = $this->insert('tblproductconfigoptions', [
                        'gid' => $configGroup, 'optionname' => $prefix . $label, 'optiontype' => 1,
                        'qtyminimum' => 0, 'qtymaximum' => 0, 'order' => $order++, 'hidden' => 0,
                    ]);
                    foreach ($items as $index => $item) {
                        $sub = $this->insert('tblproductconfigoptionssub', [
                            'configid' => $option,
                            'optionname' => $item['name'] . ($item['id'] ? ' (#' . $item['id'] . ')' : ''),
                            'sortorder' => $index + 1, 'hidden' => 0,
                        ]);
                        $this->pricing($group, $sub, $item['price'] ?? [], false, 'configoptions');
                    }
                }
                foreach (['Api key', 'Invoice ID', 'Preset ID'] as $field) {
                    $this->insert('tblcustomfields', [
                        'type' => 'product', 'relid' => $productId, 'fieldname' => $field, 'fieldtype' => 'text',
                        'description' => $field, 'fieldoptions' => '', 'regexpr' => '', 'adminonly' => 'on',
                        'required' => '', 'showorder' => '', 'showinvoice' => '', 'sortorder' => 0,
                    ]);
                }
            }
        }
        if ($inactive) {
            $this->pdo->prepare('UPDATE tblproducts SET hidden = 1 WHERE id IN ('
                . implode(',', array_fill(0, count($inactive), '?')) . ')')->execute($inactive);
        }
        foreach ($this->groups as $id) {
            $visible = $this->pdo->prepare(
                'SELECT COUNT(*) FROM tblproducts WHERE gid = ? AND hidden = 0 AND retired = 0'
            );
            $visible->execute([$id]);
            $this->pdo->prepare('UPDATE tblproductgroups SET hidden = ? WHERE id = ?')
                ->execute([(int) $visible->fetchColumn() === 0 ? '1' : '0', $id]);
        }
        $this->pdo->commit();
    }

    /** usort by the first price of the first location, or by name (strcasecmp). */
    private function sort(array &$presets, string $key): void
    {
        $first = static function (array $p): float|int {
            if (empty($p['price'])) {
                return 0;
            }
            $location = $p['price'][array_key_first($p['price'])];
            return $location[array_key_first($location)];
        };
        match ($key) {
            'price_asc' => usort($presets, static fn ($a, $b): int => $first($a) <=> $first($b)),
            'price_desc' => usort($presets, static fn ($a, $b): int => $first($b) <=> $first($a)),
            'name_asc' => usort($presets, static fn ($a, $b): int => strcasecmp($a['name'], $b['name'])),
            'name_desc' => usort($presets, static fn ($a, $b): int => strcasecmp($b['name'], $a['name'])),
            default => null,
        };
    }

    private function product(array $preset, string $group, string $location, string $label, int $order): int
    {
        $groupName = $location . ' ' . self::TITLES[$group];
        if (!isset($this->groups[$groupName])) {
            $max = $this->pdo->query('SELECT MAX(`order`) FROM tblproductgroups')->fetchColumn();
            $this->groups[$groupName] = $this->insert('tblproductgroups', [
                'name' => $groupName, 'slug' => str_replace([' ', ';'], '-', strtolower($groupName)),
                'headline' => $groupName, 'tagline' => '', 'orderfrmtpl' => '', 'disabledgateways' => '',
                'hidden' => 0, 'order' => $max + 1, 'created_at' => $this->now, 'updated_at' => $this->now,
            ]);
            $this->insert('mod_hostkeyresellermod', [
                'type' => 'group', 'relid' => $this->groups[$groupName], 'name' => $groupName, 'server_type' => '',
            ]);
        }
        $description = [];
        if (isset($preset['cpu_name'])) {
            $description[] = '<strong>CPU:</strong> ' . $preset['cpu_name'];
        }
        $names = [];
        $values = [];
        if ($preset['cpu'] ?? null) {
            $names[] = 'Cores';
            $values[] = $preset['cpu'] . ' cores';
        }
        if (isset($preset['cpu_ghz'])) {
            $names[] = 'GHz';
            $values[] = $preset['cpu_ghz'] . 'GHz';
        }
        if ($values) {
            $description[] = '<strong>' . implode(' / ', $names) . ':</strong> ' . implode(' / ', $values);
        }
        if (isset($preset['ram'])) {
            $description[] = '<strong>RAM:</strong> ' . $preset['ram'] . 'GB';
        }
        if (isset($preset['disk_type'])) {
            $description[] = '<strong>Disk:</strong> ' . $preset['disk_type'];
        } elseif ($preset['hdd'] ?? null) {
            $description[] = '<strong>Disk:</strong> ' . $preset['hdd'] . 'GB';
        }
        if (isset($preset['gpu']) && $preset['gpu']) {
            $description[] = '<strong>GPU:</strong> ' . $preset['gpu'];
        }
        $row = [
            'type' => 'server', 'gid' => $this->groups[$groupName], 'name' => $this->prefix . $label,
            'description' => implode("\n", $description), 'hidden' => $preset['active'] ? 0 : 1,
            'showdomainoptions' => 0, 'welcomeemail' => $this->template, 'paytype' => 'recurring',
            'autosetup' => 'payment', 'servertype' => self::MODULE, 'order' => $order, 'retired' => 0,
            'tagline' => $this->prefix . $label . ' tagline', 'short_description' => $preset['description'],
            'configoption1' => $preset['id'], 'configoption2' => $location,
            'configoption3' => $preset['price'][$location]['USD'] ?? 0,
            'created_at' => $this->now, 'updated_at' => $this->now,
        ];
        foreach (self::SPECS as $i => $spec) {
            $row['configoption' . ($i + 4)] = $preset[$spec] ?? 'None';
        }
        $id = $this->insert('tblproducts', $row);
        $this->insert('mod_hostkeyresellermod', [
            'type' => 'product', 'relid' => $id, 'name' => $preset['name'], 'server_type' => $preset['server_type'],
        ]);
        $this->insert('tblproducts_slugs', [
            'product_id' => $id, 'group_id' => $this->groups[$groupName],
            'group_slug' => str_replace([' ', ';'], '-', strtolower($groupName)),
            'slug' => str_replace(['+', ' ', '(', ')'], ['plus', '-', '', ''], $label),
            'active' => $preset['active'], 'clicks' => 0, 'created_at' => $this->now, 'updated_at' => $this->now,
        ]);
        $this->pricing($group, $id, $preset['price'][$location], true, 'product');
        return $id;
    }

    /** @param array<string, float|int> $prices currency code => monthly */
    private function pricing(string $group, int $relid, array $prices, bool $discount, string $type): void
    {
        if ($prices) {
            $firstCode = array_key_first($prices);
            $firstPrice = $prices[$firstCode];
        } else {
            $firstCode = $this->reseller;
            $firstPrice = 0;
        }
        foreach (array_keys($this->currencies) as $code) {
            if (!isset($prices[$code])) {
                $prices[$code] = $firstPrice / $this->currencies[$firstCode]['rate'] * $this->currencies[$code]['rate'];
            }
        }
        $off = $discount ? [0.03, 0.06, 0.12] : [0, 0, 0];
        $unit = $this->settings[$group]['currency'] ?? '%';
        $amount = $this->settings[$group]['amount'] ?? 0;
        foreach ($this->currencies as $code => $currency) {
            $price = $prices[$code];
            if ($type === 'product') {
                if ($price == 0) {
                    $price = 0;
                } elseif ($unit === '%') {
                    $price = $price * ($amount / 100 + 1);
                } else {
                    $price = $price + $amount * $currency['rate'] / $this->currencies[$unit]['rate'];
                }
            }
            $this->insert('tblpricing', [
                'type' => $type, 'currency' => $currency['id'], 'relid' => $relid,
                'msetupfee' => 0, 'qsetupfee' => 0, 'ssetupfee' => 0, 'asetupfee' => 0, 'bsetupfee' => 0,
                'tsetupfee' => 0, 'monthly' => $this->round($price),
                'quarterly' => $this->round($price * (1 - $off[0]) * 3),
                'semiannually' => $this->round($price * (1 - $off[1]) * 6),
                'annually' => $this->round($price * (1 - $off[2]) * 12), 'biennially' => -1, 'triennially' => -1,
            ]);
        }
    }

    private function round(float|int $value): float|int
    {
        return $this->round ? round(round($value * $this->round) / $this->round, 2) : $value;
    }

    /**
     * Its InvoicePaid for a first order (the `else` branch of InvoicePaid:
     * makeOrder, addInvoiceId, payInvoice). Returns HOSTKEY's invoice id.
     */
    public function order(int $whmcsInvoice): int
    {
        $order = $this->row('SELECT * FROM tblorders WHERE invoiceid = ?', [$whmcsInvoice]);
        $hosting = $this->row('SELECT * FROM tblhosting WHERE orderid = ?', [$order['id']]);
        $product = $this->row('SELECT * FROM tblproducts WHERE id = ?', [$hosting['packageid']]);
        $client = $this->row('SELECT * FROM tblclients WHERE id = ?', [$hosting['userid']]);
        $currency = $this->row('SELECT * FROM tblcurrencies WHERE id = ?', [$client['currency']]);
        $chosen = [];
        $options = $this->pdo->prepare('SELECT o.optionname AS name, s.optionname AS value
            FROM tblhostingconfigoptions h JOIN tblproductconfigoptions o ON o.id = h.configid
            JOIN tblproductconfigoptionssub s ON s.id = h.optionid WHERE h.relid = ?');
        $options->execute([$hosting['id']]);
        foreach ($options->fetchAll(PDO::FETCH_ASSOC) as $option) {
            $chosen[$option['name']] = $option['value'];
        }
        $location = $product['configoption2'];
        $prefix = (string) $this->setting('presetnameprefix');
        $preset = preg_match('/' . $prefix . '(.*) \([A-Z]{2}\)/', $product['name'], $m)
            ? $m[1] : substr($product['name'], strlen($prefix));
        $pick = static function (string $kind) use ($chosen, $preset, $location): array {
            preg_match('/(.+) \(#(\d+)\)/', $chosen[$kind . ' ' . $preset . ' (' . $location . ')'] ?? '', $m);
            return [$m[1] ?? '', $m[2] ?? ''];
        };
        [$osName, $osId] = $pick('OS');
        [$softName, $softId] = $pick('Soft');
        [, $trafficId] = $pick('Traffic');
        $params = [
            'deploy_period' => strtolower($hosting['billingcycle']), 'deploy_notify' => '1',
            'email' => $this->call('whmcs', 'get_client', [])['client']['email'] ?? '',
            'currency_code' => strtoupper($currency['code']), 'os_id' => $osId,
            'root_pass' => decrypt($hosting['password']), 'hostname' => $hosting['domain'], 'os_name' => $osName,
            'traffic_plan' => $trafficId, 'preset' => $preset, 'location_name' => $location,
            // It builds the URL from the request's host; no signature, any caller links.
            'post_install_callback' => rtrim((string) $this->systemUrl(), '/')
                . '/modules/gateways/callback/hostkeyresellermod.php?hosting=' . $hosting['id'],
        ];
        if ($softId !== '' && $softName !== '') {
            $params['soft_id'] = $softId;
            $params['soft_name'] = $softName;
        }
        $ordered = $this->call('eq', 'order_instance', $params);
        if (!in_array($ordered['result'] ?? null, ['OK', 'success'], true) || empty($ordered['invoice'])) {
            throw new RuntimeException('The public module\'s order failed: ' . json_encode($ordered));
        }
        $invoiceId = (string) $ordered['invoice'];
        $this->customField((int) $hosting['packageid'], (int) $hosting['id'], 'Invoice ID', $invoiceId);
        $invoice = $this->call('whmcs', 'get_invoice', ['invoice_id' => $ordered['invoice']]);
        if (($invoice['result'] ?? null) === 'OK') {
            $this->call('whmcs', 'apply_credit', ['invoice_id' => $ordered['invoice'], 'amount' => $invoice['total']]);
        }
        return (int) $ordered['invoice'];
    }

    /**
     * Its post-install URL (completeLinkToPreset): with an `Invoice ID` and no
     * `Api key`, the server read from HOSTKEY's invoice gets a key, stored in
     * `Api key`, and the service (and its order) turns Active. No `Preset ID`.
     * Returns the server id.
     */
    public function callback(int $hostingId): int
    {
        $hosting = $this->row('SELECT * FROM tblhosting WHERE id = ?', [$hostingId]);
        $order = $this->row('SELECT * FROM tblorders WHERE id = ?', [$hosting['orderid']]);
        $server = $this->serverOfInvoice($hosting);
        $added = $this->call('api_keys', 'add', ['params' => [
            'name' => 'Api key [' . $server . '.' . $order['invoiceid'] . ']', 'server_id' => $server, 'active' => 1,
            'ip' => '', 'login_notify_method' => 'none',
            'login_notify_address' => $this->call('whmcs', 'get_client', [])['client']['email'] ?? '',
        ]]);
        $key = $added['data']['api_key'] ?? null;
        if (!is_string($key) || $key === '') {
            throw new RuntimeException('The public module\'s key was not made: ' . json_encode($added));
        }
        $this->customField((int) $hosting['packageid'], $hostingId, 'Api key', $key);
        $this->pdo->prepare('UPDATE tblhosting SET domainstatus = ? WHERE id = ?')->execute(['Active', $hostingId]);
        $this->pdo->prepare('UPDATE tblorders SET status = ? WHERE id = ?')->execute(['Active', $order['id']]);
        return $server;
    }

    /**
     * What its client area writes on the first view of a keyed service: the
     * server read from HOSTKEY's invoice, as `Preset ID`; then the server's
     * rental state read with eq/show (`rent` keeps it Active).
     */
    public function clientAreaView(int $hostingId): void
    {
        $hosting = $this->row('SELECT * FROM tblhosting WHERE id = ?', [$hostingId]);
        $server = $this->serverOfInvoice($hosting);
        $this->customField((int) $hosting['packageid'], $hostingId, 'Preset ID', (string) $server);
        $this->call('eq', 'show', ['id' => $server]);
    }

    /** getServerIdByInvoiceId: the item whose relid is the service, else the first. */
    private function serverOfInvoice(array $hosting): int
    {
        $field = $this->pdo->prepare('SELECT v.value FROM tblcustomfieldsvalues v
            JOIN tblcustomfields f ON f.id = v.fieldid WHERE f.fieldname = ? AND v.relid = ?');
        $field->execute(['Invoice ID', $hosting['id']]);
        $product = $this->row('SELECT * FROM tblproducts WHERE id = ?', [$hosting['packageid']]);
        $invoice = $this->call('whmcs', 'get_invoice', [
            'invoice_id' => $field->fetchColumn(), 'location' => $product['configoption2'],
        ]);
        $items = $invoice['items']['item'] ?? [];
        foreach ($items as $item) {
            if ((int) ($item['relid'] ?? 0) === (int) $hosting['id']) {
                return (int) $item['inv_id'];
            }
        }
        if (!isset($items[0]['inv_id'])) {
            throw new RuntimeException('HOSTKEY\'s invoice names no server: ' . json_encode($invoice));
        }
        return (int) $items[0]['inv_id'];
    }

    /** addCustomFieldValue: a value row with its timestamps, written once. */
    private function customField(int $productId, int $hostingId, string $name, string $value): void
    {
        $field = $this->pdo->prepare('SELECT id FROM tblcustomfields WHERE type = ? AND relid = ? AND fieldname = ?');
        $field->execute(['product', $productId, $name]);
        $this->insert('tblcustomfieldsvalues', [
            'fieldid' => (int) $field->fetchColumn(), 'relid' => $hostingId, 'value' => $value,
            'created_at' => $this->now, 'updated_at' => $this->now,
        ]);
    }

    /**
     * makeInvapiCall: a POST form with the token and the action. (It drops the
     * API URL's port; the fake API has one, so it is kept here.)
     *
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    private function call(string $module, string $action, array $params): array
    {
        $url = (string) $this->setting('apiurl');
        $key = (string) $this->setting('apikey');
        if ($this->token === null) {
            $login = json_decode((string) file_get_contents($url . 'auth.php?action=login&key=' . $key), true);
            $this->token = $login['result']['token'] ?? throw new RuntimeException('No HOSTKEY token.');
        }
        $context = stream_context_create(['http' => [
            'method' => 'POST', 'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
            'content' => http_build_query(['token' => $this->token, 'action' => $action] + $params),
            'ignore_errors' => true, 'timeout' => 10,
        ]]);
        $answer = json_decode((string) file_get_contents($url . $module . '.php', false, $context), true);
        return is_array($answer) ? $answer : [];
    }

    private function setting(string $name): ?string
    {
        $row = $this->pdo->prepare('SELECT value FROM tbladdonmodules WHERE module = ? AND setting = ?');
        $row->execute([self::MODULE, $name]);
        $value = $row->fetchColumn();
        return $value === false ? null : (string) $value;
    }

    private function systemUrl(): string
    {
        return (string) $this->pdo->query("SELECT value FROM tblconfiguration WHERE setting = 'SystemURL'")
            ->fetchColumn();
    }

    /** @return array<string, mixed> */
    private function row(string $sql, array $values): array
    {
        $statement = $this->pdo->prepare($sql);
        $statement->execute($values);
        $row = $statement->fetch(PDO::FETCH_ASSOC);
        if (!is_array($row)) {
            throw new RuntimeException('No row for ' . $sql . ' ' . json_encode($values));
        }
        return $row;
    }

    /** An INSERT of the values as PDO sends them (emulated prepares: PHP's text of each value). */
    private function insert(string $table, array $row): int
    {
        static $columns = [];
        if (!isset($columns[$table])) {
            $columns[$table] = array_column(
                $this->pdo->query('SHOW COLUMNS FROM `' . $table . '`')->fetchAll(PDO::FETCH_ASSOC),
                'Field',
            );
        }
        $row = array_intersect_key($row, array_flip($columns[$table]));
        $this->pdo->prepare('INSERT INTO `' . $table . '` (`' . implode('`,`', array_keys($row)) . '`) VALUES ('
            . implode(',', array_fill(0, count($row), '?')) . ')')->execute(array_values($row));
        return (int) $this->pdo->lastInsertId();
    }
}
