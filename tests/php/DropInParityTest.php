<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\PublicModuleImport;
use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;

/**
 * Drop-in means side by side: an install the public module set up and
 * imported into (its tables, its settings rows, its catalogue — written by
 * PublicModuleImport the way the public module writes them) is adopted by
 * our import of the same HOSTKEY catalogue without a single row moving.
 *
 * WHMCS's currencies here: USD the default, EUR 0.92, RUB 92.5; HOSTKEY
 * prices in EUR (the reseller's currency). VPS +15 %, bare metal +5 USD,
 * GPU at cost; round = 4 (0.25 steps); sort index 1 (price, high to low).
 */
final class DropInParityTest extends CatalogueCase
{
    /** The settings form that says what the public module's rows say. */
    private const SAME_SETTINGS = [
        'vps_import' => 'yes', 'vps_markup' => '15', 'vps_unit' => '%',
        'bm_import' => 'yes', 'bm_markup' => '5', 'bm_unit' => 'USD',
        'gpu_import' => 'yes', 'gpu_markup' => '0', 'gpu_unit' => '%',
        'round' => '0.25', 'template' => '0', 'sort' => 'price_desc',
    ];

    protected function setUp(): void
    {
        parent::setUp();
        self::currencies([[1, 'USD', '1.00000', 1], [2, 'EUR', '0.92000', 0], [3, 'RUB', '92.50000', 0]]);
    }

    protected function tearDown(): void
    {
        self::currencies([[1, 'EUR', '1.00000', 1], [2, 'USD', '1.08000', 0], [3, 'GBP', '0.86000', 0]]);
        parent::tearDown();
    }

    /** @dataProvider transports */
    public function testAnAdminWhoSwitchesFromThePublicModuleSeesNothingMove(string $transport): void
    {
        Host::useTransport($transport);
        self::publicModuleInstalled();
        $this->configure(FakeApi::VALID_KEY);
        FakeApi::catalogue(self::presets());
        $catalogue = self::catalogueDump();
        $settings = Db::dump(['mod_hostkeyresellermodimportsettings']);

        $activation = hostkeyresellermod_activate();
        self::assertSame('success', $activation['status'], $activation['description']);
        // The public module's tables are adopted; only the orders, servers, pending, costs and sync tables are new.
        self::assertSame(
            'The module is set up: 5 tables created, 0 default settings added.',
            $activation['description'],
        );

        $report = $this->import();
        self::assertSame([], $report['warnings']);
        $counts = ['groups-created', 'products-created', 'products-updated', 'options-removed', 'prices-changed'];
        foreach ($counts as $count) {
            self::assertSame(0, $report[$count], $count);
        }
        self::assertSame(0, $report['rows-written'], implode("\n", array_map(
            static fn (array $line): string => implode(' | ', $line),
            $report['changes'],
        )));
        self::assertSame($catalogue, self::catalogueDump(), 'no row of the catalogue moved');
        self::assertSame($settings, Db::dump(['mod_hostkeyresellermodimportsettings']));

        // A price exactly on a half step: 11.88 EUR +15 % in RUB = 1,373.625 -> 1,373.75.
        self::assertSame(['1373.75', '3997.25', '7747.25', '14505.50'], self::productCycles('HKP-vm.half (NL)')['RUB']);
        self::assertSame(0, $this->import()['rows-written'], 'the second import writes nothing either');
    }

    public function testTheAdminPageShowsThePublicModulesSettingsAndSavesThemInItsLayout(): void
    {
        self::publicModuleInstalled();
        $this->configure(FakeApi::VALID_KEY);
        self::assertSame('success', hostkeyresellermod_activate()['status']);
        $settings = Db::dump(['mod_hostkeyresellermodimportsettings']);

        $html = $this->page('');
        foreach (['price_desc', '0.25'] as $selected) {
            $option = '/<option value="' . preg_quote($selected, '/') . '" selected>/';
            self::assertMatchesRegularExpression($option, $html);
        }
        self::assertMatchesRegularExpression('/name="vps_markup"[^>]*value="15"/', $html);
        self::assertMatchesRegularExpression('/name="bm_markup"[^>]*value="5"/', $html);
        self::assertMatchesRegularExpression('/name="bm_unit"[^>]*value="USD"/', $html);
        self::assertMatchesRegularExpression('/name="vps_unit"[^>]*value="%"/', $html);

        $saved = $this->page('save-settings', self::SAME_SETTINGS);
        self::assertStringContainsString('The import settings are saved', $saved);
        self::assertSame($settings, Db::dump(['mod_hostkeyresellermodimportsettings']), 'written back as they were');

        $changed = ['sort' => 'name_asc', 'round' => '1', 'vps_markup' => '20'];
        $this->page('save-settings', $changed + self::SAME_SETTINGS);
        $rows = Capsule::table('mod_hostkeyresellermodimportsettings')->orderBy('id')
            ->get(['group', 'name', 'currency', 'amount', 'active'])->map(static fn ($r): array => (array) $r)->all();
        self::assertSame([
            ['group' => 'vps', 'name' => 'Import VPS products', 'currency' => '%', 'amount' => 20, 'active' => 1],
            [
                'group' => 'bm', 'name' => 'Import Bare metal products', 'currency' => 'USD', 'amount' => 5,
                'active' => 1,
            ],
            ['group' => 'gpu', 'name' => 'Import GPU products', 'currency' => '%', 'amount' => 0, 'active' => 1],
            ['group' => 'round', 'name' => 'Round price to', 'currency' => '', 'amount' => 1, 'active' => 1],
            ['group' => 'template', 'name' => 'Email template', 'currency' => '', 'amount' => 0, 'active' => 1],
            ['group' => 'sort', 'name' => 'Product sorting', 'currency' => '', 'amount' => 2, 'active' => 1],
        ], $rows, 'the public module reads them back: sort index 2 = name_asc, round k = 1');
    }

    public function testWhmcsUpgradingFromThePublicModuleSetsUpOnlyWhatIsMissing(): void
    {
        self::publicModuleInstalled();
        $this->configure(FakeApi::VALID_KEY);
        $settings = Db::dump(['mod_hostkeyresellermodimportsettings']);
        $catalogue = self::catalogueDump();
        hostkeyresellermod_upgrade(['version' => '1.0.27']);
        self::assertTrue(Capsule::schema()->hasTable('mod_hostkeyresellermod_orders'));
        self::assertSame($settings, Db::dump(['mod_hostkeyresellermodimportsettings']));
        self::assertSame($catalogue, self::catalogueDump());
        self::assertSame(0, Db::count('tblmodulelog'), 'no failure logged');
    }

    public function testAFreshImportProducesTheNamesAndPricesTheAdoptionExpects(): void
    {
        self::publicModuleInstalled();
        $theirs = self::namesAndPrices();

        Db::reset();
        $this->install('ffi', self::presets(), self::SAME_SETTINGS);
        $report = $this->import();
        self::assertSame(8, $report['products-created'], 'vm.alpha, vm.half, bm.beta in NL and FI; gpu, vgpu');
        self::assertSame($theirs, self::namesAndPrices());
    }

    /**
     * HOSTKEY's catalogue in EUR: two locations, OS / soft / traffic with
     * prices, an inactive preset, a preset with no soft.
     *
     * @return list<array<string, mixed>>
     */
    private static function presets(): array
    {
        $ubuntu = ['id' => 187, 'name' => 'Ubuntu 22.04', 'price' => ['EUR' => 0]];
        $windows = ['id' => 243, 'name' => 'Windows Server 2022', 'price' => ['EUR' => 15.33]];
        $docker = ['id' => 34, 'name' => 'Docker CE', 'price' => ['EUR' => 1.99]];
        $panel = ['id' => 35, 'name' => 'ISPmanager', 'price' => ['EUR' => 6.5]];
        return [
            Catalogue::preset(1001, 'vm.alpha', ['NL' => 4.13, 'FI' => 5.07, 'RU' => 3.00], [
                'OS' => [$ubuntu, $windows],
                'soft' => [$docker, $panel],
                'traffic_plans' => [
                    'NL' => [Catalogue::plan(25, '3 TB', 0), Catalogue::plan(26, '10 TB', 5.55)],
                    'FI' => [Catalogue::plan(31, '3 TB', 0), Catalogue::plan(32, '20 TB', 9.99)],
                ],
            ]),
            Catalogue::preset(1002, 'vm.half', ['NL' => 11.88, 'FI' => 12.5], [
                'cpu' => 4, 'ram' => 8, 'cpu_ghz' => 3.0,
                'OS' => [$ubuntu, $windows],
                'soft' => [$panel],
                'traffic_plans' => ['NL' => [Catalogue::plan(25, '3 TB', 0)], 'FI' => [Catalogue::plan(31, '3 TB', 0)]],
            ]),
            Catalogue::preset(2001, 'bm.beta', ['NL' => 89.99, 'FI' => 95.0], [
                'cpu' => 8, 'ram' => 64, 'hdd' => '2x960', 'disk_type' => '2x960 GB SSD',
                'OS' => [$ubuntu],
                'traffic_plans' => ['NL' => [Catalogue::plan(4, '1Gbps 50TB', 0)]],
            ]),
            Catalogue::preset(3001, 'gpu.gamma', ['FI' => 250.25], [
                'cpu' => 16, 'ram' => 128, 'hdd' => 1920, 'gpu' => '1x RTX A5000', 'cpu_name' => null,
                'OS' => [$ubuntu],
                'traffic_plans' => [
                    'FI' => [Catalogue::plan(33, '30 TB', 0), Catalogue::plan(35, 'Extra 1 TB', 0.125)],
                ],
            ]),
            Catalogue::preset(3002, 'vgpu.delta', ['NL' => 99.00], ['active' => 0, 'gpu' => '1x A4000']),
            Catalogue::preset(1003, 'vm.soon', [], []),
        ];
    }

    /** The public module's tables, settings rows and first import, as it writes them. */
    private static function publicModuleInstalled(): void
    {
        $schema = Capsule::schema();
        $schema->create('mod_hostkeyresellermod', static function (Blueprint $table): void {
            $table->increments('id');
            $table->string('type', 16);
            $table->integer('relid');
            $table->string('name', 256);
            $table->string('server_type', 256);
        });
        $schema->create('mod_hostkeyresellermod_log', static function (Blueprint $table): void {
            $table->increments('id');
            $table->date('date');
            $table->string('module', 64);
            $table->string('action', 64);
            $table->text('params');
            $table->text('response');
        });
        $schema->create('mod_hostkeyresellermodimportsettings', static function (Blueprint $table): void {
            $table->increments('id');
            $table->string('group', 8);
            $table->string('name', 32);
            $table->string('currency', 3);
            $table->integer('amount');
            $table->tinyInteger('active');
        });
        Capsule::table('mod_hostkeyresellermodimportsettings')->insert([
            ['group' => 'vps', 'name' => 'Import VPS products', 'currency' => '%', 'amount' => 15, 'active' => 1],
            [
                'group' => 'bm', 'name' => 'Import Bare metal products', 'currency' => 'USD', 'amount' => 5,
                'active' => 1,
            ],
            ['group' => 'gpu', 'name' => 'Import GPU products', 'currency' => '%', 'amount' => 0, 'active' => 1],
            ['group' => 'round', 'name' => 'Round price to', 'currency' => '', 'amount' => 4, 'active' => 1],
            ['group' => 'template', 'name' => 'Email template', 'currency' => '', 'amount' => 0, 'active' => 1],
            ['group' => 'sort', 'name' => 'Product sorting', 'currency' => '', 'amount' => 1, 'active' => 1],
        ]);
        Db::setSettings([
            'version' => '1.0.27', 'presetnameprefix' => 'HKP-', 'defaultproductgroup' => 'Hostkey servers',
            'logging' => '', 'importsource' => 'auto',
        ]);
        (new PublicModuleImport(Capsule::connection()->getPdo()))->run(self::presets());
    }

    /** The catalogue tables, with the module's own table minus our sync fingerprints. */
    private static function catalogueDump(): string
    {
        $records = Capsule::table('mod_hostkeyresellermod')->where('type', '!=', 'sync')->orderBy('id')->get()
            ->map(static fn ($r): string => json_encode((array) $r))->implode("\n");
        return Db::dump(array_values(array_diff(Catalogue::TABLES, ['mod_hostkeyresellermod']))) . $records;
    }

    /**
     * Every product and sub-option by name, with what a client sees of it.
     *
     * @return array<string, mixed>
     */
    private static function namesAndPrices(): array
    {
        $out = [];
        foreach (
            Capsule::table('tblproducts as p')->join('tblproductgroups as g', 'g.id', '=', 'p.gid')
            ->orderBy('p.name')->get(['p.*', 'g.name as groupname']) as $p
        ) {
            $p = (array) $p;
            $out[$p['name']] = [
                'group' => $p['groupname'], 'order' => $p['order'], 'hidden' => $p['hidden'],
                'description' => $p['description'], 'tagline' => $p['tagline'],
                'options' => array_map(static fn (int $i): string => (string) $p['configoption' . $i], range(1, 7)),
                'prices' => self::prices('product', (int) $p['id']),
            ];
            $subs = Capsule::table('tblproductconfigoptionssub as s')
                ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
                ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
                ->where('l.pid', $p['id'])->orderBy('o.order')->orderBy('s.sortorder')
                ->get(['o.optionname as option', 'o.order', 's.optionname', 's.sortorder', 's.id']);
            foreach ($subs as $s) {
                $out[$p['name']]['subs'][$s->option . ' #' . $s->order . ' / ' . $s->optionname . ' #' . $s->sortorder]
                    = self::prices('configoptions', (int) $s->id);
            }
        }
        return $out;
    }

    /** @param list<array{0: int, 1: string, 2: string, 3: int}> $rows id, code, rate, default */
    private static function currencies(array $rows): void
    {
        Capsule::table('tblpricing')->truncate();
        Capsule::table('tblcurrencies')->delete();
        foreach ($rows as [$id, $code, $rate, $default]) {
            Capsule::table('tblcurrencies')->insert([
                'id' => $id, 'code' => $code, 'prefix' => '', 'suffix' => ' ' . $code, 'format' => 2,
                'rate' => $rate, 'default' => $default,
            ]);
        }
    }
}
