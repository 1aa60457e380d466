<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;

/**
 * Drop-in succession: a database the original module filled
 * (tests/db/original-layout.sql) is adopted by the import, row by row, with
 * no duplicate product, group, option, price, custom field or record.
 */
final class OriginalLayoutTest extends CatalogueCase
{
    private const FIXTURE = __DIR__ . '/../db/original-layout.sql';

    /** @dataProvider transports */
    public function testTheImportAdoptsTheOriginalsRows(string $transport): void
    {
        Host::useTransport($transport);
        Db::loadSql(self::FIXTURE);
        $this->configure(FakeApi::VALID_KEY);
        $activation = hostkeyresellermod_activate();
        self::assertSame('success', $activation['status'], $activation['description']);
        // The public module's tables are adopted; only the orders, servers, pending, costs and sync tables are new.
        self::assertSame(
            'The module is set up: 5 tables created, 0 default settings added.',
            $activation['description'],
        );
        FakeApi::catalogue(Catalogue::presets());
        $ownProduct = Db::dump(['tblproducts_slugs']);
        $pricingIds = Capsule::table('tblpricing')->pluck('id')->map(static fn ($id): int => (int) $id)->all();

        // The original's import settings apply (VPS +10 %, bare metal +5 USD): no save needed.
        $report = $this->import();
        self::assertSame(2, $report['products-created'], 'gpu.gamma and vgpu.delta are new');
        self::assertSame(2, $report['groups-created'], 'FI GPU, NL GPU');
        self::assertSame(1, $report['options-removed'], '1 TB (#24): withdrawn, nobody chose it');
        self::assertSame(0, $report['options-hidden']);
        self::assertSame(0, $report['products-retired']);

        // Products: the original's ids, not copies; the admin's own product untouched.
        $products = Capsule::table('tblproducts')->orderBy('id')->pluck('name', 'id')->all();
        self::assertSame([7, 21, 22, 23], array_slice(array_keys($products), 0, 4));
        self::assertSame(
            ['My dedicated server', 'HKP-vm.alpha (NL)', 'HKP-vm.alpha (FI)', 'HKP-bm.beta (NL)',
                'HKP-gpu.gamma (FI)', 'HKP-vgpu.delta (NL)'],
            array_values($products),
        );
        self::assertSame(['', '', ''], [
            self::rowOf('tblproducts', 7)['servertype'], self::rowOf('tblproducts', 7)['configoption1'],
            self::rowOf('tblproducts', 7)['tagline'],
        ]);
        $groups = Capsule::table('tblproductgroups')->orderBy('id')->pluck('name', 'id')->all();
        self::assertSame([5, 11, 12, 13], array_slice(array_keys($groups), 0, 4));
        self::assertCount(6, $groups);
        self::assertSame(count($groups), count(array_unique($groups)), 'no group twice');
        self::assertSame(11, (int) self::product('HKP-vm.alpha (NL)')['gid']);

        // Records: the original's six kept, four added, none twice.
        $records = Capsule::table('mod_hostkeyresellermod')->where('type', '!=', 'sync')->orderBy('id')
            ->get(['id', 'type', 'relid'])->all();
        self::assertCount(10, $records);
        $recordIds = array_map(static fn ($r): int => (int) $r->id, $records);
        self::assertSame([1, 2, 3, 4, 5, 6], array_slice($recordIds, 0, 6));
        $keys = array_map(static fn ($r): string => $r->type . ':' . $r->relid, $records);
        self::assertSame(count($keys), count(array_unique($keys)));
        self::assertNotContains('product:7', $keys, 'the admin\'s own product is not the module\'s');

        // Options: one config group per product, the original's dropdowns and sub-options by id.
        foreach ([21 => 31, 22 => 32, 23 => 33] as $pid => $configGroup) {
            self::assertSame([$configGroup], Capsule::table('tblproductconfiglinks')->where('pid', $pid)->pluck('gid')
                ->map(static fn ($g): int => (int) $g)->all());
            self::assertSame(3, Capsule::table('tblproductconfigoptions')->where('gid', $configGroup)->count());
        }
        self::assertSame(
            ['3 TB (#25)' => 0, '10 TB (#26)' => 0],
            self::subs('HKP-vm.alpha (NL)', 'Traffic'),
        );
        self::assertSame(93, self::subId('HKP-vm.alpha (NL)', 'Traffic', '10 TB (#26)'), 'same row, same id');
        self::assertSame(90, self::subId('HKP-vm.alpha (NL)', 'Soft', 'Do not install'), 'its own name, adopted');
        self::assertSame(52, self::subId('HKP-vm.alpha (NL)', 'OS', 'Windows Server 2022 (#243)'));
        self::assertSame(0, Capsule::table('tblproductconfigoptionssub')->where('id', 94)->count());
        self::assertSame(0, Capsule::table('tblpricing')->where('type', 'configoptions')->where('relid', 94)->count());
        $subs = Capsule::table('tblproductconfigoptionssub')->get(['configid', 'optionname'])->all();
        $subKeys = array_map(static fn ($s): string => $s->configid . ':' . $s->optionname, $subs);
        self::assertSame(count($subKeys), count(array_unique($subKeys)), 'no sub-option twice');
        // The live service's choices still point at rows that exist.
        $chosen = Capsule::table('tblhostingconfigoptions')->where('relid', 501)->pluck('optionid')->all();
        self::assertSame(3, Capsule::table('tblproductconfigoptionssub')->whereIn('id', $chosen)->count());

        // Prices: one row per (type, relid, currency), the original's rows updated in place,
        // GBP added; the values are the same as a fresh import's.
        $duplicates = Capsule::table('tblpricing')->selectRaw('type, relid, currency, count(*) as n')
            ->groupBy('type', 'relid', 'currency')->havingRaw('count(*) > 1')->get()->all();
        self::assertSame([], $duplicates);
        $kept = Capsule::table('tblpricing')->whereIn('id', $pricingIds)->pluck('id')->count();
        self::assertSame(count($pricingIds) - 2, $kept, 'all but the two rows of 1 TB (#24) kept their ids');
        self::assertSame(101, (int) Capsule::table('tblpricing')->where('type', 'product')->where('relid', 21)
            ->where('currency', 1)->value('id'));
        // vm.alpha NL now 4.13 EUR +10 %: 4.543 -> 4.54 (was 4.40 from the old 4.00).
        self::assertSame([
            'EUR' => ['4.54', '13.22', '25.62', '47.97'],
            'USD' => ['4.91', '14.28', '27.67', '51.81'],
            'GBP' => ['3.91', '11.37', '22.04', '41.26'],
        ], self::productCycles('HKP-vm.alpha (NL)'));
        self::assertSame(
            ['50.00', '150.00', '300.00', '600.00', '-1.00', '-1.00', '10.00', '0.00', '0.00', '0.00', '0.00', '0.00'],
            self::prices('product', 7)['EUR'],
            'the admin\'s own product keeps its price',
        );
        self::assertSame(['EUR'], array_keys(self::prices('product', 7)));

        // Custom fields: the original's three per product, values kept.
        foreach ([21, 22, 23] as $pid) {
            self::assertSame(['Api key', 'Invoice ID', 'Preset ID'], Capsule::table('tblcustomfields')
                ->where('type', 'product')->where('relid', $pid)->orderBy('id')->pluck('fieldname')->all());
        }
        self::assertSame('770123', Capsule::table('tblcustomfieldsvalues')->where('fieldid', 202)->where('relid', 501)
            ->value('value'));
        self::assertSame(3, Db::count('tblcustomfieldsvalues'));
        self::assertSame(15, Db::count('tblcustomfields'), '9 kept + 3 for each new product');
        // Slugs: the original's kept (with their clicks), new products get theirs.
        self::assertSame(6, Db::count('tblproducts_slugs'));
        self::assertStringContainsString(
            "(2,21,11,'nl-vps-products','hkp-vm-alpha-nl',1,17,NULL,NULL)",
            Db::dump(['tblproducts_slugs']),
        );
        self::assertStringContainsString("(1,7,5,'my-own-servers','my-dedicated-server',1,4,NULL,NULL)", $ownProduct);
        self::assertStringContainsString("(1,7,5,'my-own-servers','my-dedicated-server',1,4,NULL,NULL)", Db::dump(
            ['tblproducts_slugs'],
        ));

        // And the adopted catalogue is stable.
        $before = Db::dump();
        self::assertSame(0, $this->import()['rows-written']);
        self::assertSame($before, Db::dump());
    }

    /** @return array<string, mixed> */
    private static function rowOf(string $table, int $id): array
    {
        return (array) Capsule::table($table)->where('id', $id)->first();
    }
}
