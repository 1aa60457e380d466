<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\Download;
use WhmcsShim;

/**
 * The Margins view end to end: services on imported products, HOSTKEY
 * raising one preset's price by 20 % in a re-sync, the warning it leaves, the
 * page and its CSV, and the repricing's preview and apply.
 */
final class MarginsTest extends CatalogueCase
{
    /** Clients of the test (tblclients is not a scratch table). */
    private const CLIENTS = [701 => ['usd@example.test', 2], 702 => ['eur@example.test', 1]];

    protected function tearDown(): void
    {
        Capsule::table('tblclients')->whereIn('id', array_keys(self::CLIENTS))->delete();
        parent::tearDown();
    }

    /** @return array{thin: int, wide: int, unlinked: int} */
    private function shop(string $transport): array
    {
        $this->install($transport);
        $this->import();
        Capsule::table('tblclients')->whereIn('id', array_keys(self::CLIENTS))->delete();
        foreach (self::CLIENTS as $id => [$email, $currency]) {
            Capsule::table('tblclients')->insert(['id' => $id, 'email' => $email, 'currency' => $currency]);
        }
        // vm.alpha NL sells at 4.13 EUR + 10 %; in USD 4.91 a month.
        $thin = $this->liveService('HKP-vm.alpha (NL)', 701, '4.91', 'Monthly', 50001);
        // bm.beta NL: 999.18 EUR a year against HOSTKEY's 89.99 a month with 12 % off.
        $wide = $this->liveService('HKP-bm.beta (NL)', 702, '999.18', 'Annually', 50002);
        $unlinked = $this->liveService('HKP-vm.alpha (NL)', 702, '4.54', 'Monthly', 0);
        return ['thin' => $thin, 'wide' => $wide, 'unlinked' => $unlinked];
    }

    private function liveService(string $product, int $client, string $amount, string $cycle, int $server): int
    {
        $id = (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => $client, 'packageid' => self::productId($product), 'domainstatus' => 'Active',
            'regdate' => '2026-01-01', 'billingcycle' => $cycle, 'amount' => $amount,
            'nextduedate' => gmdate('Y-m-d', time() + 5 * 86400), 'domain' => 'srv' . $server . '.example.test',
        ]);
        if ($server > 0) {
            Capsule::table('mod_hostkeyresellermod_servers')->insert(['service_id' => $id, 'server_id' => $server]);
        }
        return $id;
    }

    private function raiseAlphaByTwentyPercent(): void
    {
        FakeApi::catalogue(Catalogue::with(1001, static function (array $preset): array {
            $preset['price']['NL']['EUR'] = round($preset['price']['NL']['EUR'] * 1.2, 3);
            return $preset;
        }));
        $this->import();
    }

    /**
     * The Margins table's rows as service id => [under threshold, its cells].
     *
     * @return array<int, array{0: bool, 1: list<string>}>
     */
    private static function rows(string $html): array
    {
        $dom = new \DOMDocument();
        self::assertTrue(@$dom->loadHTML('<?xml encoding="utf-8"?>' . $html));
        $rows = [];
        foreach (
            (new \DOMXPath($dom))->query('//table[contains(@class,"hostkeyresellermod-margins-table")]/tbody/tr')
            ?: [] as $tr
        ) {
            self::assertInstanceOf(\DOMElement::class, $tr);
            $cells = [];
            foreach ($tr->getElementsByTagName('td') as $td) {
                $cells[] = trim(preg_replace('/\s+/', ' ', $td->textContent) ?? '');
            }
            $rows[(int) $tr->getAttribute('data-service')] = [$tr->getAttribute('data-under') === '1', $cells];
        }
        return $rows;
    }

    /** @return list<array<string, string>> the CSV's rows by column name */
    private function csv(): array
    {
        $file = $this->addon()->download(
            'POST',
            ['token' => WhmcsShim::TOKEN, 'action' => 'margins-csv'],
            new CsrfGuard(WhmcsShim::TOKEN),
        );
        self::assertNotNull($file);
        self::assertContains('Content-Type: text/csv; charset=utf-8', Download::headers($file));
        self::assertMatchesRegularExpression(
            '/^Content-Disposition: attachment; filename="hostkey-margins-\d{4}-\d\d-\d\d\.csv"$/',
            Download::headers($file)[1],
        );
        $lines = array_values(array_filter(explode("\n", $file['body']), static fn (string $l): bool => $l !== ''));
        $header = str_getcsv(array_shift($lines), ',', '"', '');
        return array_map(
            static fn (string $line): array => array_combine($header, str_getcsv($line, ',', '"', '')),
            $lines
        );
    }

    /** @dataProvider transports */
    public function testAPriceRiseOfTwentyPercentPutsTheServiceUnderTheThresholdAndWarnsOnce(string $transport): void
    {
        ['thin' => $thin, 'wide' => $wide, 'unlinked' => $unlinked] = $this->shop($transport);
        $before = self::rows($this->page('margins'));
        // bm.beta earns 4.9 %, vm.alpha 9.2 %.
        self::assertSame([$wide, $thin, $unlinked], array_keys($before), 'worst first, the reason row last');
        self::assertFalse($before[$thin][0]);
        // 4.91 USD is 4.55 EUR; HOSTKEY's 4.13 estimated: 0.42, 9.2 %.
        self::assertSame(['4.55', '4.13 estimated', '0.42', '9.2'], array_slice($before[$thin][1], 8, 4));

        $this->raiseAlphaByTwentyPercent();

        $warnings = Capsule::table('tblactivitylog')->where('description', 'like', '%margin threshold%')
            ->pluck('description')->all();
        self::assertCount(1, $warnings, implode("\n", $warnings));
        self::assertStringContainsString('service #' . $thin . ' (HKP-vm.alpha (NL), usd@example.test)', $warnings[0]);
        self::assertStringContainsString('estimated margin -9.0 %', $warnings[0]);

        $html = $this->page('margins');
        $after = self::rows($html);
        self::assertSame([$thin, $wide, $unlinked], array_keys($after));
        self::assertTrue($after[$thin][0], 'under the 0 % threshold');
        self::assertSame(['4.55', '4.95 estimated', '-0.41', '-9.0'], array_slice($after[$thin][1], 8, 4));
        self::assertFalse($after[$wide][0]);
        self::assertStringContainsString('No HOSTKEY server is known', $after[$unlinked][1][8]);
        self::assertStringContainsString('fell under the margin threshold of 0 %', $html);
        self::assertStringContainsString('#' . $thin . ' (HKP-vm.alpha (NL))', $html);
        self::assertStringContainsString('no call that returns the reseller balance', $html);

        $csv = $this->csv();
        self::assertSame(array_keys($after), array_map(static fn (array $r): int => (int) $r['Service'], $csv));
        foreach ($csv as $row) {
            [$under, $cells] = $after[(int) $row['Service']];
            self::assertSame($under ? 'yes' : 'no', $row['Under threshold']);
            self::assertSame($cells[2], $row['Client']);
            self::assertSame($cells[5], $row['Product']);
            $shown = $row['Why no margin'] === '' ? $row['Income a month (EUR)'] : $row['Why no margin'];
            self::assertSame($cells[8], $shown);
        }
        self::assertSame('-0.41', $csv[0]['Margin a month (EUR)']);
        self::assertSame('estimated', $csv[0]['Cost basis']);
    }

    public function testALongViewIsShownFiftyAtATimeWhileTheTotalsAndTheCsvCoverEveryRow(): void
    {
        $this->shop('ffi');
        for ($i = 1; $i <= 57; $i++) {
            $this->liveService('HKP-vm.alpha (NL)', 702, '4.54', 'Monthly', 60000 + $i);
        }
        $first = $this->page('margins');
        $second = $this->page('margins', ['margins_page' => '2']);
        self::assertCount(50, self::rows($first));
        self::assertCount(10, self::rows($second));
        $shown = array_merge(array_keys(self::rows($first)), array_keys(self::rows($second)));
        self::assertCount(60, array_unique($shown), 'every service on one of the two pages');
        self::assertStringContainsString('Services 1 to 50 of 60 (page 1 of 2)', $first);
        self::assertStringContainsString('Services 51 to 60 of 60 (page 2 of 2)', $second);
        self::assertStringContainsString('name="margins_page"', $first);
        $totals = static function (string $html): string {
            self::assertSame(1, preg_match('/<table[^>]*hostkeyresellermod-margin-totals.*?<\/table>/s', $html, $m));
            return $m[0];
        };
        self::assertStringContainsString('<tr><th>Overall</th><td>59</td>', $totals($first), 'every linked one');
        self::assertSame($totals($first), $totals($second));
        self::assertSame($shown, array_map(static fn (array $r): int => (int) $r['Service'], $this->csv()));
    }

    /** @dataProvider transports */
    public function testThePreviewChangesNothingAndTheApplyExactlyTheSelected(string $transport): void
    {
        ['thin' => $thin, 'wide' => $wide, 'unlinked' => $unlinked] = $this->shop($transport);
        $this->raiseAlphaByTwentyPercent();
        $before = Db::dump(['tblhosting', 'tblpricing', 'tblproducts']);

        $preview = $this->page('reprice-preview', ['service' => [$thin, $unlinked]]);
        self::assertSame($before, Db::dump(['tblhosting', 'tblpricing', 'tblproducts']), 'the preview writes nothing');
        self::assertStringContainsString('Preview of 2 service(s): nothing was changed.', $preview);
        // 4.956 EUR + 10 % in USD: 5.89; in EUR: 5.45.
        self::assertMatchesRegularExpression('/4\.91 USD<\/td>\s*<td[^>]*><strong>5\.89 USD/', $preview);
        self::assertMatchesRegularExpression('/4\.54 EUR<\/td>\s*<td[^>]*><strong>5\.45 EUR/', $preview);

        $refused = $this->page('reprice-apply', ['service' => [$thin, 999999]]);
        self::assertStringContainsString('Service 999999 is not an Active or Suspended service', $refused);
        self::assertSame($before, Db::dump(['tblhosting', 'tblpricing', 'tblproducts']), 'a refusal writes nothing');

        $done = $this->page('reprice-apply', ['service' => [$thin, $unlinked]]);
        self::assertStringContainsString('The recurring amounts of 2 service(s) are changed.', $done);
        self::assertStringContainsString('next invoice', $done);
        $amounts = Capsule::table('tblhosting')->orderBy('id')->pluck('amount', 'id')->all();
        self::assertSame([$thin => '5.89', $wide => '999.18', $unlinked => '5.45'], array_map('strval', $amounts));
        $logged = Capsule::table('mod_hostkeyresellermod_log')->where('action', 'reprice')->orderBy('id')
            ->pluck('response')->all();
        self::assertCount(2, $logged);
        self::assertStringContainsString(
            'service ' . $thin . ' (HKP-vm.alpha (NL), Monthly) set from 4.91 to 5.89 USD',
            $logged[0]
        );
        self::assertStringContainsString('from 4.54 to 5.45 EUR', $logged[1]);
    }

    /**
     * MariaDB refuses the second service's write (a trigger of the test): the
     * first service's write, already made, is rolled back with it.
     *
     * @dataProvider transports
     */
    public function testAFailedWriteOfTheSecondServiceLeavesEveryAmountAndLogsNoReprice(string $transport): void
    {
        ['thin' => $thin, 'unlinked' => $unlinked] = $this->shop($transport);
        $this->raiseAlphaByTwentyPercent();
        $before = Db::dump(['tblhosting', 'tblpricing', 'tblproducts']);
        Capsule::unprepared('DROP TRIGGER IF EXISTS hkrm_test_refuse_amount');
        Capsule::unprepared(
            'CREATE TRIGGER hkrm_test_refuse_amount BEFORE UPDATE ON tblhosting FOR EACH ROW'
            . ' IF NEW.id = ' . $unlinked . ' AND NEW.amount <> OLD.amount THEN'
            . " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF"
        );
        try {
            $failed = $this->page('reprice-apply', ['service' => [$thin, $unlinked]]);
        } finally {
            Capsule::unprepared('DROP TRIGGER IF EXISTS hkrm_test_refuse_amount');
        }

        self::assertStringContainsString('The WHMCS database refused a request', $failed);
        self::assertStringNotContainsString('are changed', $failed);
        self::assertSame($before, Db::dump(['tblhosting', 'tblpricing', 'tblproducts']), 'the first write is undone');
        self::assertSame('4.91', (string) Capsule::table('tblhosting')->where('id', $thin)->value('amount'));
        self::assertSame(0, Capsule::table('mod_hostkeyresellermod_log')->where('action', 'reprice')->count());

        // Without the refusal the same selection goes through: the failure was the trigger's.
        $done = $this->page('reprice-apply', ['service' => [$thin, $unlinked]]);
        self::assertStringContainsString('The recurring amounts of 2 service(s) are changed.', $done);
        self::assertSame(2, Capsule::table('mod_hostkeyresellermod_log')->where('action', 'reprice')->count());
    }

    public function testEveryValueOfTheViewIsEscapedAndTheCsvQuotesFormulas(): void
    {
        $hostile = '<script>x()</script>"\'&';
        $row = ['service-id' => 7, 'client' => '=HYPERLINK("x")' . $hostile, 'server' => $hostile,
            'group' => 'VPS', 'product' => $hostile, 'status' => 'Active', 'cycle' => 'Monthly', 'income' => '1.00',
            'cost' => '2.00', 'basis' => 'estimated', 'margin' => '-1.00', 'margin-percent' => '-100.0',
            'under-threshold' => true, 'reason' => ''];
        $page = ['margins' => ['currency' => 'EUR', 'threshold' => '0', 'rows' => [$row],
            'totals' => [['group' => $hostile, 'services' => 1, 'income' => '1.00', 'cost' => '2.00',
                'margin' => '-1.00', 'margin-percent' => '-100.0']],
            'notes' => [$hostile], 'reprice' => [['service-id' => 7, 'client' => $hostile, 'product' => $hostile,
                'cycle' => 'Monthly', 'currency' => 'EUR', 'current' => '1.00', 'proposed' => '2.00']]]];
        $html = (new \WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminPageView(
            ROOTDIR . '/modules/addons/hostkeyresellermod/templates',
        ))->render($page, self::MODULE_LINK, 'tok');
        self::assertStringNotContainsString('<script>', $html);
        self::assertSame(7, substr_count($html, '&lt;script&gt;x()&lt;/script&gt;&quot;&apos;&amp;'));
        self::assertStringContainsString('data-under="1"', $html);
        self::assertStringContainsString('name="action" value="reprice-apply"', $html);
        $csv = \WHMCS\Module\Addon\HostkeyResellerMod\Module\MarginsView::csv(
            \WHMCS\Module\Addon\HostkeyResellerMod\Module\MarginsView::prepare($page['margins']) ?? [],
        );
        $lines = explode("\n", trim($csv));
        self::assertCount(2, $lines);
        $cells = str_getcsv($lines[1], ',', '"', '');
        self::assertSame("'=HYPERLINK(\"x\")" . $hostile, $cells[1], 'a formula is quoted as text');
        self::assertSame('-1.00', $cells[10], 'a negative number stays a number');
        self::assertSame('yes', $cells[12]);
    }

    /** @dataProvider transports */
    public function testAnExpiredFormDownloadsNothing(string $transport): void
    {
        $this->shop($transport);
        self::assertNull($this->addon()->download(
            'POST',
            ['token' => 'stale', 'action' => 'margins-csv'],
            new CsrfGuard(WhmcsShim::TOKEN),
        ));
        self::assertNull($this->addon()->download('GET', ['action' => 'margins-csv'], new CsrfGuard(WhmcsShim::TOKEN)));
        $expired = $this->addon()->output(
            ['modulelink' => self::MODULE_LINK],
            'POST',
            ['token' => 'stale', 'action' => 'margins-csv'],
            new CsrfGuard(WhmcsShim::TOKEN),
        );
        self::assertStringContainsString('The form had expired, so nothing was changed.', $expired);
        self::assertStringNotContainsString('hostkeyresellermod-margins-table', $expired);
    }
}
