<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;

/**
 * Hostile catalogue answers over MariaDB (issue 11, items 3 and 4): an empty
 * catalogue and a large withdrawal are refused with the database unchanged;
 * unusable or oversized prices are left out with a warning and nothing is
 * capped by MariaDB; HOSTKEY's HTML and 4-byte text never reach the rows, so
 * a re-sync writes nothing.
 */
final class HostileCatalogueTest extends CatalogueCase
{
    /** The preset left when HOSTKEY withdraws 3 of the 4 products on sale. */
    private const ONLY_GPU = 3001;

    /** The import's error, failing the test when it was not refused. */
    private function refusedImport(bool $allowWithdrawal = false): ComponentError
    {
        try {
            $this->import(false, $allowWithdrawal);
        } catch (ComponentError $e) {
            return $e;
        }
        self::fail('the import should have been refused');
    }

    /** @dataProvider transports */
    public function testAnEmptyCatalogueIsRefusedAndTheDatabaseIsUnchanged(string $transport): void
    {
        $this->install($transport);
        $this->import();
        FakeApi::catalogue([]);
        $before = Db::dump();
        foreach ([false, true] as $allow) {
            $error = $this->refusedImport($allow);
            self::assertSame('invalid-input', $error->case());
            self::assertSame(
                'The HOSTKEY catalogue cannot be used: the catalogue answer lists no presets at all, '
                . 'which HOSTKEY never sends for a working account.',
                $error->getMessage(),
            );
        }
        $html = $this->page('import');
        self::assertStringContainsString('Nothing was changed: The HOSTKEY catalogue cannot be used', $html);
        self::assertSame($before, Db::dump(), 'every table but the logs is byte-for-byte the same');
        self::assertSame(4, Capsule::table('tblproducts')->where('hidden', 0)->where('retired', 0)->count());
    }

    /** @dataProvider transports */
    public function testWithdrawingMoreThanHalfIsRefusedThenAllowedOnConfirmation(string $transport): void
    {
        $this->install($transport);
        $this->import();
        // Only gpu.gamma is left: 3 of the 4 products on sale would go.
        FakeApi::catalogue(array_values(array_filter(
            Catalogue::presets(),
            static fn (array $preset): bool => $preset['id'] === self::ONLY_GPU,
        )));
        $before = Db::dump();
        $sentence = 'HOSTKEY\'s answer would take 3 of the 4 products on sale off sale (75%, more than the 50% '
            . 'one import may withdraw)';

        $error = $this->refusedImport();
        self::assertSame('invalid-input', $error->case());
        self::assertStringStartsWith($sentence, $error->getMessage());
        self::assertSame($before, Db::dump(), 'the refused run rolled back whole');

        $preview = $this->import(true);
        self::assertContains($sentence . '; if HOSTKEY really withdrew them, confirm with "Allow a large '
            . 'withdrawal" on the addon page or `php cron.php --allow-withdrawal` (the import stops here unless '
            . 'confirmed).', $preview['warnings']);
        $html = $this->page('import');
        self::assertStringContainsString(htmlspecialchars($sentence, ENT_QUOTES | ENT_HTML5), $html);
        self::assertStringContainsString('name="allow_withdrawal"', $html, 'the page offers the confirmation');
        self::assertSame($before, Db::dump());

        // The daily cron never confirms, even when asked to.
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
        self::assertSame([null], run_hook('DailyCronJob', []));
        self::assertSame($before, Db::dump());

        // The admin ticks the box on the page: the import goes through.
        $html = $this->page('import', ['allow_withdrawal' => 'yes']);
        self::assertStringNotContainsString('Nothing was changed', $html);
        self::assertStringNotContainsString('name="allow_withdrawal"', $html, 'confirmed: not offered again');
        self::assertSame(1, Capsule::table('tblproducts')->where('hidden', 0)->where('retired', 0)->count());
        self::assertSame(5, Db::count('tblproducts'), 'hidden, not deleted');
    }

    /** @dataProvider transports */
    public function testHugeAndUnusablePricesAreSkippedWithAWarningAndNeverCapped(string $transport): void
    {
        // VPS markup 10 %: 8,333,333,333,333 EUR a month is 1.045e14 USD a year, over decimal(16,2).
        $this->install($transport, Catalogue::with(1001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = '8333333333333';
            return $preset;
        }, Catalogue::with(2001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = '1e300';
            return $preset;
        }, Catalogue::with(3001, static function (array $preset): array {
            $preset['price']['FI']['EUR'] = 'NaN';
            return $preset;
        }))));
        $report = $this->import();
        self::assertContains(
            'The preset bm.beta (#2001) was skipped: the NL EUR price "1e300" is not an amount.',
            $report['warnings'],
        );
        self::assertContains(
            'The preset gpu.gamma (#3001) was skipped: the FI EUR price "NaN" is not an amount.',
            $report['warnings'],
        );
        $huge = array_values(array_filter(
            $report['warnings'],
            static fn (string $w): bool => str_starts_with($w, 'HKP-vm.alpha (NL) was skipped: its price '),
        ));
        self::assertCount(1, $huge, implode("\n", $report['warnings']));
        self::assertStringEndsWith(' cannot be stored in WHMCS (0 to 99999999999999.99).', $huge[0]);
        self::assertSame(
            ['HKP-vgpu.delta (NL)', 'HKP-vm.alpha (FI)'],
            Capsule::table('tblproducts')->orderBy('name')->pluck('name')->all(),
            'only the presets with usable prices (vgpu.delta is inactive, so hidden)',
        );
        $largest = Capsule::table('tblpricing')->max('annually');
        self::assertLessThan(2000, (float) $largest, 'vgpu.delta is the dearest left; nothing near the cap');
        self::assertSame(0, Capsule::table('tblpricing')->where('annually', '>=', '99999999999999.99')->count());
    }

    /** @dataProvider transports */
    public function testHtmlAndEmojiAreStoredSafelyAndAReSyncWritesNothing(string $transport): void
    {
        $this->install($transport, Catalogue::with(1001, static function (array $preset): array {
            $preset['name'] = 'vm.alpha<script>alert(1)</script>🚀';
            $preset['cpu_name'] = 'EPYC <b>"7543"</b> & \'Co\'';
            $preset['gpu'] = '<img src=x onerror=alert(1)>';
            $preset['description'] = 'Fast & <i>cheap</i> 😀';
            $preset['OS'][0]['name'] = 'Ubuntu <u>22.04</u> 🐧';
            return $preset;
        }));
        $first = $this->import();
        self::assertSame(5, $first['products-created']);
        $product = self::product("HKP-vm.alphaalert(1)\u{FFFD} (NL)");
        self::assertStringContainsString('EPYC &quot;7543&quot; &amp; &#039;Co&#039;', $product['description']);
        self::assertStringNotContainsString('<img', $product['description']);
        self::assertStringNotContainsString('<script', $product['description'] . $product['tagline']);
        self::assertSame("Fast &amp; &lt;i&gt;cheap&lt;/i&gt; \u{FFFD}", $product['short_description']);
        self::assertSame(
            ["Ubuntu 22.04 \u{FFFD} (#187)", 'Windows Server 2022 (#243)'],
            array_keys(self::subs("HKP-vm.alphaalert(1)\u{FFFD} (NL)", 'OS')),
        );
        foreach (Capsule::table('tblproducts')->pluck('name')->all() as $name) {
            self::assertDoesNotMatchRegularExpression('/[<>?]/', (string) $name, 'no markup, nothing MariaDB replaced');
        }

        $before = Db::dump();
        $again = $this->import();
        self::assertSame(0, $again['rows-written'], $again['summary']);
        self::assertSame([], $again['changes']);
        self::assertSame($before, Db::dump());
    }
}
