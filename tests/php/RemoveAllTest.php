<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use WHMCS\Database\Capsule;

/**
 * "Remove imported products" on the admin page (`clear` with its confirmation):
 * products that have services are retired, the rest go with everything that
 * hangs off them; the module's groups go once empty; nothing else is touched.
 */
final class RemoveAllTest extends CatalogueCase
{
    /** @dataProvider transports */
    public function testRemoveAllRetiresWhatHasServicesAndDeletesTheRest(string $transport): void
    {
        $this->install($transport);
        $this->import();
        // The admin's own product, with a price and a custom field, in a group of their own.
        $ownGroup = (int) Capsule::table('tblproductgroups')->insertGetId(['name' => 'My servers', 'order' => 9]);
        $own = (int) Capsule::table('tblproducts')->insertGetId(['type' => 'server', 'gid' => $ownGroup,
            'name' => 'My server', 'paytype' => 'recurring']);
        Capsule::table('tblpricing')->insert(['type' => 'product', 'currency' => 1, 'relid' => $own,
            'monthly' => 12.00]);
        Capsule::table('tblcustomfields')->insert(['type' => 'product', 'relid' => $own, 'fieldname' => 'Rack']);
        self::service('HKP-vm.alpha (NL)', 'Active');
        self::service('HKP-bm.beta (NL)', 'Terminated');
        $fiField = (int) Capsule::table('tblcustomfields')->where('relid', self::productId('HKP-vm.alpha (FI)'))
            ->where('fieldname', 'Invoice ID')->value('id');
        Capsule::table('tblcustomfieldsvalues')->insert(['fieldid' => $fiField, 'relid' => 999, 'value' => 'stale']);
        $kept = [];
        foreach (['HKP-vm.alpha (NL)', 'HKP-bm.beta (NL)'] as $name) {
            $kept[$name] = self::prices('product', self::productId($name));
        }
        $gone = array_map(
            static fn (string $name): int => self::productId($name),
            ['HKP-vm.alpha (FI)', 'HKP-gpu.gamma (FI)', 'HKP-vgpu.delta (NL)']
        );
        $goneSubs = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->whereIn('l.pid', $gone)->pluck('s.id')->all();
        self::assertCount(5 + 3 + 0, $goneSubs, 'sub-options of vm.alpha FI, gpu.gamma, vgpu.delta');

        // Without the confirmation box nothing happens.
        $before = Db::dump();
        $html = $this->page('clear');
        self::assertStringContainsString('Removing the imported catalogue needs the confirmation box ticked.', $html);
        self::assertSame($before, Db::dump());

        $html = $this->page('clear', ['confirm' => 'yes']);
        self::assertStringContainsString(
            'Removed 3 products and 3 groups; 2 products with services were retired instead.',
            $html,
        );
        // Retired, still priced and optioned, with their custom fields.
        foreach ($kept as $name => $prices) {
            $product = self::product($name);
            self::assertSame([0, 1], [(int) $product['hidden'], (int) $product['retired']], $name);
            self::assertSame($prices, self::prices('product', (int) $product['id']));
            self::assertSame(3, Capsule::table('tblcustomfields')->where('relid', $product['id'])->count());
            self::assertSame(1, Capsule::table('tblproductconfiglinks')->where('pid', $product['id'])->count());
        }
        // Deleted with their options, prices, custom fields (and values), slugs and records.
        self::assertSame(0, Capsule::table('tblproducts')->whereIn('id', $gone)->count());
        self::assertSame(0, Capsule::table('tblpricing')->where('type', 'product')->whereIn('relid', $gone)->count());
        self::assertSame(0, Capsule::table('tblproductconfiglinks')->whereIn('pid', $gone)->count());
        self::assertSame(0, Capsule::table('tblproductconfigoptionssub')->whereIn('id', $goneSubs)->count());
        self::assertSame(0, Capsule::table('tblpricing')->where('type', 'configoptions')->whereIn('relid', $goneSubs)
            ->count());
        self::assertSame(0, Capsule::table('tblcustomfields')->whereIn('relid', $gone)->where('type', 'product')
            ->count());
        self::assertSame(0, Capsule::table('tblcustomfieldsvalues')->where('fieldid', $fiField)->count());
        self::assertSame(0, Capsule::table('tblproducts_slugs')->whereIn('product_id', $gone)->count());
        self::assertSame(0, Capsule::table('mod_hostkeyresellermod')->where('type', 'product')
            ->whereIn('relid', $gone)->count());
        self::assertSame(2, Db::count('tblproductconfiggroups'), 'only the retired products\' config groups');
        self::assertSame(6, Db::count('tblproductconfigoptions'));
        self::assertSame(6 + 2, Db::count('tblproductconfigoptionssub'), 'vm.alpha NL 6, bm.beta NL 2 (no soft)');
        self::assertSame((6 + 2) * 3 + 2 * 3 + 1, Db::count('tblpricing'), 'subs, retired products, own product');
        // Groups: empty module groups deleted; those left with only retired products hidden.
        $groups = Capsule::table('tblproductgroups')->orderBy('id')->pluck('hidden', 'name')
            ->map(static fn ($h): int => (int) $h)->all();
        self::assertSame(['NL VPS products' => 1, 'NL Bare metal products' => 1, 'My servers' => 0], $groups);
        self::assertSame(
            ['NL Bare metal products', 'NL VPS products'],
            Capsule::table('mod_hostkeyresellermod')->where('type', 'group')->orderBy('name')->pluck('name')->all(),
        );
        // The admin's own product is untouched.
        $ownPrice = Capsule::table('tblpricing')->where('type', 'product')->where('relid', $own)->value('monthly');
        self::assertSame('12.00', (string) $ownPrice);
        self::assertSame(1, Capsule::table('tblcustomfields')->where('relid', $own)->count());
        self::assertSame(3, Db::count('tblproducts'));

        // A new import brings the catalogue back without duplicates.
        $report = $this->import();
        self::assertSame(3, $report['products-created']);
        self::assertSame(6, Db::count('tblproducts'));
        self::assertSame(0, (int) self::product('HKP-vm.alpha (NL)')['retired']);
        self::assertSame(15 + 1, Db::count('tblcustomfields'));
    }
}
