<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use WHMCS\Database\Capsule;

/**
 * The catalogue import into MariaDB: exactly the expected groups, products,
 * options and prices (worked out by hand below), every rounding mode, the
 * import settings saved from the admin page or read from import.ini.
 *
 * Rates (tests/db/whmcs-seed.sql): EUR 1 (default), USD 1.08, GBP 0.86. The
 * API gives EUR only, so USD = EUR * 1.08 and GBP = EUR * 0.86.
 * Product: monthly M = converted base, then markup; quarterly = M*3*0.97
 * = M*2.91, semi-annually = M*6*0.94 = M*5.64, annually = M*12*0.88 = M*10.56,
 * each from the unrounded M, rounded by the step then to cents (half away
 * from zero). Options: at cost, M, 3M, 6M, 12M, rounded with the products'
 * step; two- and three-year cycles -1.00 (the public module's rules).
 */
final class CatalogueImportTest extends CatalogueCase
{
    /** @dataProvider transports */
    public function testTheFixtureCatalogueBecomesExactlyTheExpectedCatalogue(string $transport): void
    {
        $this->install($transport);
        $report = $this->import();
        self::assertFalse($report['dry-run']);
        self::assertSame(5, $report['groups-created']);
        self::assertSame(5, $report['products-created']);
        self::assertSame(1, $report['products-hidden'], 'vgpu.delta is inactive');
        self::assertSame(4, $report['products-on-sale']);
        self::assertSame([], $report['warnings']);

        // Groups `<LOC> <title>` in the API's order of presets and locations;
        // NL GPU holds only the inactive vgpu.delta, so it is hidden.
        $groups = Capsule::table('tblproductgroups')->orderBy('order')->get(['id', 'name', 'slug', 'hidden'])->all();
        self::assertSame([
            ['NL VPS products', 'nl-vps-products', 0],
            ['FI VPS products', 'fi-vps-products', 0],
            ['NL Bare metal products', 'nl-bare-metal-products', 0],
            ['FI GPU products', 'fi-gpu-products', 0],
            ['NL GPU products', 'nl-gpu-products', 1],
        ], array_map(static fn (object $g): array => [$g->name, $g->slug, (int) $g->hidden], $groups));
        $groupId = array_column(array_map(static fn (object $g): array => (array) $g, $groups), 'id', 'name');

        // Products: RU (not enabled), vm.soon (no prices) and stor.s1 (prefix) are left out.
        $expected = [
            'HKP-vm.alpha (FI)' => ['FI VPS products', 0, ['1001', 'FI', '0', '2', '4', '40', '']],
            'HKP-vm.alpha (NL)' => ['NL VPS products', 0, ['1001', 'NL', '0', '2', '4', '40', '']],
            'HKP-bm.beta (NL)' => ['NL Bare metal products', 0, ['2001', 'NL', '0', '8', '64', '2x960', '']],
            'HKP-gpu.gamma (FI)' => ['FI GPU products', 0, ['3001', 'FI', '0', '16', '128', '1920', '1x RTX A5000']],
            'HKP-vgpu.delta (NL)' => ['NL GPU products', 1, ['3002', 'NL', '0', '2', '4', '40', '1x A4000']],
        ];
        $products = Db::rows('tblproducts');
        self::assertEqualsCanonicalizing(array_keys($expected), array_column($products, 'name'));
        foreach ($products as $product) {
            [$group, $hidden, $options] = $expected[$product['name']];
            $what = $product['name'];
            self::assertSame((int) $groupId[$group], (int) $product['gid'], $what . ' group');
            self::assertSame($hidden, (int) $product['hidden'], $what . ' hidden');
            self::assertSame(0, (int) $product['retired'], $what . ' retired');
            self::assertSame(['server', 'hostkeyresellermod', 'recurring', 'payment'], [
                $product['type'], $product['servertype'], $product['paytype'], $product['autosetup'],
            ], $what);
            $configOptions = [];
            for ($i = 1; $i <= 7; $i++) {
                $configOptions[] = $product['configoption' . $i];
            }
            // configoption3 is the USD price the API gave; asked in EUR, it gave none.
            self::assertSame($options, $configOptions, $what . ' configoption1..7');
            $slug = Capsule::table('tblproducts_slugs')->where('product_id', $product['id'])->value('slug');
            // The public module's slug: `vm.alpha (FI)` -> `vm.alpha-FI`.
            self::assertSame(str_replace([' (', ')'], ['-', ''], substr($what, 4)), $slug);
        }
        // 5 groups and 5 products recorded, and a sync fingerprint per product.
        self::assertSame(
            ['group' => 5, 'product' => 5, 'sync' => 5],
            Capsule::table('mod_hostkeyresellermod')->groupBy('type')->orderBy('type')
                ->selectRaw('type, count(*) as n')->pluck('n', 'type')->map(static fn ($n): int => (int) $n)->all(),
        );

        // Config groups, the three dropdowns and their sub-options `<name> (#<id>)`.
        foreach (array_keys($expected) as $name) {
            $preset = substr($name, 4);
            $pid = self::productId($name);
            $configGroups = Capsule::table('tblproductconfiglinks as l')
                ->join('tblproductconfiggroups as g', 'g.id', '=', 'l.gid')
                ->where('l.pid', $pid)->pluck('g.name')->all();
            self::assertSame([$preset . ' server options'], $configGroups);
            $options = Capsule::table('tblproductconfigoptions as o')
                ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')->where('l.pid', $pid)
                ->orderBy('o.order')->get(['o.optionname', 'o.optiontype', 'o.hidden'])->all();
            self::assertSame(
                [['OS ' . $preset, '1', 0], ['Soft ' . $preset, '1', 0], ['Traffic ' . $preset, '1', 0]],
                array_map(static fn (object $o): array => [$o->optionname, (string) $o->optiontype,
                    (int) $o->hidden], $options),
            );
        }
        $ubuntuWindows = ['Ubuntu 22.04 (#187)' => 0, 'Windows Server 2022 (#243)' => 0];
        $nothing = ['Do not install' => 0];
        self::assertSame($ubuntuWindows, self::subs('HKP-vm.alpha (NL)', 'OS'));
        self::assertSame($nothing + ['Docker CE (#34)' => 0], self::subs('HKP-vm.alpha (NL)', 'Soft'));
        self::assertSame(['3 TB (#25)' => 0, '10 TB (#26)' => 0], self::subs('HKP-vm.alpha (NL)', 'Traffic'));
        self::assertSame($ubuntuWindows, self::subs('HKP-vm.alpha (FI)', 'OS'));
        self::assertSame(['3 TB (#31)' => 0], self::subs('HKP-vm.alpha (FI)', 'Traffic'));
        self::assertSame(['Ubuntu 22.04 (#187)' => 0], self::subs('HKP-bm.beta (NL)', 'OS'));
        self::assertSame([], self::subs('HKP-bm.beta (NL)', 'Soft'), 'no soft: no "Do not install" either');
        self::assertSame(['1Gbps 50TB (#4)' => 0], self::subs('HKP-bm.beta (NL)', 'Traffic'));
        self::assertSame(['30 TB (#33)' => 0, 'Extra 1 TB (#35)' => 0], self::subs('HKP-gpu.gamma (FI)', 'Traffic'));
        self::assertSame([], self::subs('HKP-vgpu.delta (NL)', 'OS'));
        self::assertSame([], self::subs('HKP-vgpu.delta (NL)', 'Soft'));
        self::assertSame(16, Db::count('tblproductconfigoptionssub'), '6 + 5 + 2 + 3 + 0 sub-options');

        // Custom fields: three admin-only text fields per product.
        foreach (array_keys($expected) as $name) {
            $fields = Capsule::table('tblcustomfields')->where('type', 'product')
                ->where('relid', self::productId($name))->orderBy('sortorder')->orderBy('id')
                ->get(['fieldname', 'fieldtype', 'adminonly'])->all();
            self::assertSame(
                [['Api key', 'text', 'on'], ['Invoice ID', 'text', 'on'], ['Preset ID', 'text', 'on']],
                array_map(static fn (object $f): array => [$f->fieldname, $f->fieldtype, $f->adminonly], $fields),
                $name,
            );
        }
        self::assertSame(15, Db::count('tblcustomfields'));

        // Product prices, VPS +10 %, bare metal +5 USD, GPU at cost; no rounding.
        // vm.alpha NL 4.13 EUR: M(EUR) = 4.13*1.10 = 4.543; M*2.91 = 13.22013; M*5.64 = 25.62252;
        //   M*10.56 = 47.97408. M(USD) = 4.13*1.08*1.10 = 4.90644; 14.2777404; 27.6723216; 51.8120064.
        //   M(GBP) = 4.13*0.86*1.10 = 3.90698; 11.3693118; 22.0353672; 41.2577088.
        self::assertSame([
            'EUR' => ['4.54', '13.22', '25.62', '47.97'],
            'USD' => ['4.91', '14.28', '27.67', '51.81'],
            'GBP' => ['3.91', '11.37', '22.04', '41.26'],
        ], self::productCycles('HKP-vm.alpha (NL)'));
        // vm.alpha FI 5.07 EUR: M(EUR) = 5.577 -> 16.22907, 31.45428, 58.89312;
        //   M(USD) = 5.07*1.08*1.1 = 6.02316 -> 17.5273956, 33.9706224, 63.6045696;
        //   M(GBP) = 5.07*0.86*1.1 = 4.79622 -> 13.9570002, 27.0506808, 50.6480832.
        self::assertSame([
            'EUR' => ['5.58', '16.23', '31.45', '58.89'],
            'USD' => ['6.02', '17.53', '33.97', '63.60'],
            'GBP' => ['4.80', '13.96', '27.05', '50.65'],
        ], self::productCycles('HKP-vm.alpha (FI)'));
        // bm.beta NL 89.99 EUR + 5 USD converted into each currency:
        //   EUR: 89.99 + 5/1.08 = 89.99 + 4.6296296.. = 94.6196296..; *2.91 = 275.3431222..;
        //        *5.64 = 533.6547111..; *10.56 = 999.1832888..
        //   USD: 89.99*1.08 + 5 = 97.1892 + 5 = 102.1892; 297.370572; 576.347088; 1079.117952
        //   GBP: 89.99*0.86 + 5/1.08*0.86 = 77.3914 + 3.9814814.. = 81.3728814..; 236.7950851..;
        //        458.9430516..; 859.2976284..
        self::assertSame([
            'EUR' => ['94.62', '275.34', '533.65', '999.18'],
            'USD' => ['102.19', '297.37', '576.35', '1079.12'],
            'GBP' => ['81.37', '236.80', '458.94', '859.30'],
        ], self::productCycles('HKP-bm.beta (NL)'));
        // gpu.gamma FI 250.25 EUR at cost: 250.25*2.91 = 728.2275; *5.64 = 1411.41; *10.56 = 2642.64.
        //   USD 270.27: 786.4857, 1524.3228, 2854.0512. GBP 215.215 (half -> 215.22): 626.27565,
        //   1213.8126, 2272.6704.
        self::assertSame([
            'EUR' => ['250.25', '728.23', '1411.41', '2642.64'],
            'USD' => ['270.27', '786.49', '1524.32', '2854.05'],
            'GBP' => ['215.22', '626.28', '1213.81', '2272.67'],
        ], self::productCycles('HKP-gpu.gamma (FI)'));
        // vgpu.delta NL 99.00 (hidden but priced): *2.91 = 288.09, *5.64 = 558.36, *10.56 = 1045.44;
        //   USD 106.92: 311.1372, 603.0288, 1129.0752; GBP 85.14: 247.7574, 480.1896, 899.0784.
        self::assertSame([
            'EUR' => ['99.00', '288.09', '558.36', '1045.44'],
            'USD' => ['106.92', '311.14', '603.03', '1129.08'],
            'GBP' => ['85.14', '247.76', '480.19', '899.08'],
        ], self::productCycles('HKP-vgpu.delta (NL)'));

        // Options at cost, no discount, no markup (option_markup is off), the
        // products' step (none here); two-/three-year -1.00.
        $option = static fn (array $eur, array $usd, array $gbp): array => [
            'EUR' => array_merge($eur, ['-1.00', '-1.00'], array_fill(0, 6, '0.00')),
            'USD' => array_merge($usd, ['-1.00', '-1.00'], array_fill(0, 6, '0.00')),
            'GBP' => array_merge($gbp, ['-1.00', '-1.00'], array_fill(0, 6, '0.00')),
        ];
        // Windows 15.33 EUR: x3 45.99, x6 91.98, x12 183.96; USD 16.5564 -> 49.6692, 99.3384, 198.6768;
        //   GBP 13.1838 -> 39.5514, 79.1028, 158.2056.
        self::assertSame(
            $option(
                ['15.33', '45.99', '91.98', '183.96'],
                ['16.56', '49.67', '99.34', '198.68'],
                ['13.18', '39.55', '79.10', '158.21']
            ),
            self::prices('configoptions', self::subId('HKP-vm.alpha (NL)', 'OS', 'Windows Server 2022 (#243)')),
        );
        // The same Windows on the FI product is its own sub-option with the same prices.
        self::assertSame(
            self::prices('configoptions', self::subId('HKP-vm.alpha (NL)', 'OS', 'Windows Server 2022 (#243)')),
            self::prices('configoptions', self::subId('HKP-vm.alpha (FI)', 'OS', 'Windows Server 2022 (#243)')),
        );
        // Docker 1.99 EUR: 5.97, 11.94, 23.88; USD 2.1492 -> 6.4476, 12.8952, 25.7904;
        //   GBP 1.7114 -> 5.1342, 10.2684, 20.5368.
        self::assertSame(
            $option(
                ['1.99', '5.97', '11.94', '23.88'],
                ['2.15', '6.45', '12.90', '25.79'],
                ['1.71', '5.13', '10.27', '20.54']
            ),
            self::prices('configoptions', self::subId('HKP-vm.alpha (FI)', 'Soft', 'Docker CE (#34)')),
        );
        // 10 TB 5.55 EUR: 16.65, 33.30, 66.60; USD 5.994 -> 17.982, 35.964, 71.928;
        //   GBP 4.773 -> 14.319, 28.638, 57.276.
        self::assertSame(
            $option(
                ['5.55', '16.65', '33.30', '66.60'],
                ['5.99', '17.98', '35.96', '71.93'],
                ['4.77', '14.32', '28.64', '57.28']
            ),
            self::prices('configoptions', self::subId('HKP-vm.alpha (NL)', 'Traffic', '10 TB (#26)')),
        );
        // Extra 1 TB 0.125 EUR: cents half away from zero: 0.13, 0.375 -> 0.38, 0.75, 1.50;
        //   USD 0.135 -> 0.14, 0.405 -> 0.41, 0.81, 1.62; GBP 0.1075 -> 0.11, 0.3225 -> 0.32, 0.645 -> 0.65, 1.29.
        self::assertSame(
            $option(
                ['0.13', '0.38', '0.75', '1.50'],
                ['0.14', '0.41', '0.81', '1.62'],
                ['0.11', '0.32', '0.65', '1.29']
            ),
            self::prices('configoptions', self::subId('HKP-gpu.gamma (FI)', 'Traffic', 'Extra 1 TB (#35)')),
        );
        $free = array_fill(0, 4, '0.00');
        self::assertSame(
            $option($free, $free, $free),
            self::prices('configoptions', self::subId('HKP-vm.alpha (NL)', 'Soft', 'Do not install')),
        );
        // 5 products and 16 sub-options, one row per currency each.
        self::assertSame(15, Capsule::table('tblpricing')->where('type', 'product')->count());
        self::assertSame(48, Capsule::table('tblpricing')->where('type', 'configoptions')->count());
        self::assertSame(63, Db::count('tblpricing'));
    }

    /**
     * Every rounding step on three products: gpu.gamma (at cost, midpoints),
     * vm.alpha NL (+10 %) and bm.beta NL in GBP (+5 USD converted).
     */
    public function testEveryRoundingMode(): void
    {
        $this->install('ffi');
        // Unrounded: gpu.gamma EUR 250.25, 728.2275, 1411.41, 2642.64; vm.alpha NL EUR 4.543,
        // 13.22013, 25.62252, 47.97408; bm.beta GBP 81.3728814, 236.7950851, 458.9430516, 859.2976284.
        // Step 1/k: round(x*k)/k, half away from zero.
        $modes = [
            // cents only
            '0' => [['250.25', '728.23', '1411.41', '2642.64'], ['4.54', '13.22', '25.62', '47.97'],
                ['81.37', '236.80', '458.94', '859.30']],
            // k=10: 2502.5 -> 2503 (a half goes up); 7282.275 -> 7282; 14114.1 -> 14114; 26426.4 -> 26426.
            //   45.43 -> 45; 132.2013 -> 132; 256.2252 -> 256; 479.7408 -> 480.
            //   813.73 -> 814; 2367.95 -> 2368; 4589.43 -> 4589; 8592.98 -> 8593.
            '0.1' => [['250.30', '728.20', '1411.40', '2642.60'], ['4.50', '13.20', '25.60', '48.00'],
                ['81.40', '236.80', '458.90', '859.30']],
            // k=4: 1001 -> 250.25; 2912.91 -> 2913; 5645.64 -> 5646; 10570.56 -> 10571.
            //   18.172 -> 18; 52.88 -> 53; 102.49 -> 102; 191.896 -> 192.
            //   325.49 -> 325; 947.18 -> 947; 1835.77 -> 1836; 3437.19 -> 3437.
            '0.25' => [['250.25', '728.25', '1411.50', '2642.75'], ['4.50', '13.25', '25.50', '48.00'],
                ['81.25', '236.75', '459.00', '859.25']],
            // k=2: 500.5 -> 501 (a half goes up); 1456.455 -> 1456; 2822.82 -> 2823; 5285.28 -> 5285.
            //   9.086 -> 9; 26.44 -> 26; 51.245 -> 51; 95.948 -> 96.
            //   162.75 -> 163; 473.59 -> 474; 917.89 -> 918; 1718.6 -> 1719.
            '0.5' => [['250.50', '728.00', '1411.50', '2642.50'], ['4.50', '13.00', '25.50', '48.00'],
                ['81.50', '237.00', '459.00', '859.50']],
            // k=1: 250.25 -> 250; 728.2275 -> 728; 1411.41 -> 1411; 2642.64 -> 2643.
            //   4.543 -> 5; 13.22 -> 13; 25.62 -> 26; 47.97 -> 48.
            //   81.37 -> 81; 236.8 -> 237; 458.9 -> 459; 859.3 -> 859.
            '1' => [['250.00', '728.00', '1411.00', '2643.00'], ['5.00', '13.00', '26.00', '48.00'],
                ['81.00', '237.00', '459.00', '859.00']],
        ];
        // Options take the same step (the public module's rule): Windows 15.33 EUR,
        // x3 45.99, x6 91.98, x12 183.96.
        $windows = [
            '0' => ['15.33', '45.99', '91.98', '183.96'],
            '0.1' => ['15.30', '46.00', '92.00', '184.00'],
            '0.25' => ['15.25', '46.00', '92.00', '184.00'],
            '0.5' => ['15.50', '46.00', '92.00', '184.00'],
            '1' => ['15.00', '46.00', '92.00', '184.00'],
        ];
        foreach ($modes as $round => [$gamma, $alpha, $beta]) {
            $html = $this->page('save-settings', ['round' => (string) $round] + Catalogue::SETTINGS);
            self::assertStringContainsString('The import settings are saved', $html);
            $this->import();
            self::assertSame($gamma, self::productCycles('HKP-gpu.gamma (FI)')['EUR'], 'gpu.gamma, round ' . $round);
            self::assertSame($alpha, self::productCycles('HKP-vm.alpha (NL)')['EUR'], 'vm.alpha, round ' . $round);
            self::assertSame($beta, self::productCycles('HKP-bm.beta (NL)')['GBP'], 'bm.beta GBP, round ' . $round);
            $windowsId = self::subId('HKP-vm.alpha (NL)', 'OS', 'Windows Server 2022 (#243)');
            $prices = self::prices('configoptions', $windowsId);
            self::assertSame($windows[$round], array_slice($prices['EUR'], 0, 4), 'Windows, round ' . $round);
        }
        self::assertSame(15, Capsule::table('tblpricing')->where('type', 'product')->count(), 'updated in place');
    }

    /** @dataProvider transports */
    public function testImportSettingsAreSavedFromTheAdminPageInTheOriginalsRows(string $transport): void
    {
        $this->install($transport, null, null);
        $html = $this->page('save-settings', [
            'vps_import' => 'yes', 'vps_markup' => '12.5', 'vps_unit' => '%',
            'bm_markup' => '5', 'bm_unit' => 'usd',
            'gpu_import' => 'yes', 'gpu_markup' => '0', 'gpu_unit' => '%',
            'round' => '0.25', 'template' => '7', 'sort' => 'price_desc',
            'option_markup' => 'yes', 'include_ru' => 'yes',
        ]);
        self::assertStringContainsString('class="alert alert-success"', $html);
        $rows = Capsule::table('mod_hostkeyresellermodimportsettings')->orderBy('id')
            ->get(['group', 'name', 'currency', 'amount', 'active'])->all();
        $byGroup = [];
        foreach ($rows as $row) {
            self::assertArrayNotHasKey($row->group, $byGroup, 'one row per group');
            $byGroup[$row->group] = [(string) $row->name, (string) $row->currency, (string) $row->amount,
                (int) $row->active];
        }
        // The public module's rows: labels in `name`, every value in `amount`.
        self::assertSame(['Import VPS products', '%', '12.50', 1], $byGroup['vps']);
        self::assertSame(['Import Bare metal products', 'USD', '5.00', 0], $byGroup['bm'], 'bm_import not ticked');
        self::assertSame(['Import GPU products', '%', '0.00', 1], $byGroup['gpu']);
        self::assertSame(['Round price to', '', '4.00', 1], $byGroup['round'], 'the original stores 0.25 steps as 4');
        self::assertSame(['Email template', '', '7.00', 1], $byGroup['template']);
        self::assertSame(['Product sorting', '', '1.00', 1], $byGroup['sort'], 'price_desc is index 1');
        self::assertSame(1, $byGroup['options'][3]);
        self::assertSame(1, $byGroup['ru'][3]);
        // The form shows the saved values back.
        self::assertMatchesRegularExpression('/name="vps_markup" value="12.5"/', $html);
        self::assertMatchesRegularExpression('/<option value="0.25" selected>/', $html);
        self::assertMatchesRegularExpression('/<option value="price_desc" selected>/', $html);
        self::assertMatchesRegularExpression('/name="include_ru"\s+value="yes" checked>/', $html);
        self::assertMatchesRegularExpression('/name="bm_import"\s+value="yes">/', $html);

        // The saved settings drive the import: bare metal is not imported, RU is, options get the markup.
        $report = $this->import();
        self::assertSame(5, $report['products-created'], 'vm.alpha FI/NL/RU, gpu.gamma, vgpu.delta');
        self::assertSame(0, Capsule::table('tblproducts')->where('name', 'like', 'HKP-bm.%')->count());
        // vm.alpha RU 3.00 EUR +12.5 % = 3.375; steps of 0.25: 13.5 -> 14 -> 3.50.
        self::assertSame('3.50', self::productCycles('HKP-vm.alpha (RU)')['EUR'][0]);
        // Windows 15.33 +12.5 % = 17.24625 -> 17.25 (options take the products' 0.25 step).
        $windows = self::prices('configoptions', self::subId('HKP-vm.alpha (NL)', 'OS', 'Windows Server 2022 (#243)'));
        self::assertSame('17.25', $windows['EUR'][0]);
        self::assertSame(7, (int) self::product('HKP-vm.alpha (NL)')['welcomeemail']);
    }

    /** @dataProvider transports */
    public function testABadSettingIsRefusedNamingTheFieldAndNothingIsSaved(string $transport): void
    {
        $this->install($transport);
        $before = Db::dump(['mod_hostkeyresellermodimportsettings']);
        $refusals = [
            [['vps_markup' => '-3'], 'The import setting &quot;vps markup&quot; cannot be a negative percentage.'],
            [['bm_unit' => 'XYZ'], 'The import setting &quot;bm markup unit&quot; names XYZ, '
                . 'which is not a WHMCS currency.'],
            [['round' => '0.3'], 'The import setting &quot;rounding&quot; must be 0 (none), 10 or 0.1, '
                . '4 or 0.25, 2 or 0.5, or 1, not 0.3.'],
            [['gpu_markup' => 'lots'], 'The import setting &quot;gpu markup&quot; must be a number, '
                . 'not &quot;lots&quot;.'],
            [['sort' => 'cheapest'], 'The import setting &quot;sort&quot; must be none, price_asc, price_desc, '
                . 'name_asc or name_desc, not &quot;cheapest&quot;.'],
        ];
        foreach ($refusals as [$bad, $sentence]) {
            $html = $this->page('save-settings', $bad + Catalogue::SETTINGS);
            $alert = '<div class="alert alert-danger" role="alert">' . $sentence . '</div>';
            self::assertStringContainsString($alert, $html);
            self::assertStringNotContainsString('The import settings are saved', $html);
            $after = Db::dump(['mod_hostkeyresellermodimportsettings']);
            self::assertSame($before, $after, 'nothing saved: ' . $sentence);
        }
    }

    /** @dataProvider transports */
    public function testImportIniWinsOverTheAdminPageWhenPresent(string $transport): void
    {
        $this->install($transport);
        $dir = sys_get_temp_dir() . '/hkrm-ini-' . bin2hex(random_bytes(4));
        mkdir($dir);
        $ini = $dir . '/import.ini';
        file_put_contents($ini, "[vps]\nimport = 1\nmarkup = 50\nunit = %\n[bm]\nimport = 0\n[gpu]\nimport = 0\n");
        try {
            $html = $this->page('view', [], $ini);
            self::assertStringContainsString('import.ini (the form below is not used while the file is there)', $html);
            $html = $this->page('import', [], $ini);
            self::assertStringContainsString('2 products in 2 groups are now available', $html);
        } finally {
            unlink($ini);
            rmdir($dir);
        }
        // vm.alpha NL 4.13 +50 % = 6.195 -> 6.20; bare metal and GPU not imported.
        self::assertSame('6.20', self::productCycles('HKP-vm.alpha (NL)')['EUR'][0]);
        self::assertSame(2, Db::count('tblproducts'));
        // Without the file the admin page's settings apply again (+10 %: 4.54).
        self::assertStringContainsString('this page', $this->page('view'));
        $this->import();
        self::assertSame('4.54', self::productCycles('HKP-vm.alpha (NL)')['EUR'][0]);
    }
}
