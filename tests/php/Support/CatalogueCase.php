<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AddonModule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminPageView;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ImportIni;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;
use WhmcsShim;

/**
 * The catalogue import end to end: the real addon module and host, MariaDB
 * with the three seeded currencies, the fake API serving Catalogue::presets().
 */
abstract class CatalogueCase extends EndToEndCase
{
    public const MODULE_LINK = 'addonmodules.php?module=hostkeyresellermod';
    /** The twelve money columns of tblpricing, in the order the assertions list them. */
    public const CYCLES = ['monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'];
    public const SETUP_FEES = ['msetupfee', 'qsetupfee', 'ssetupfee', 'asetupfee', 'bsetupfee', 'tsetupfee'];

    protected function setUp(): void
    {
        parent::setUp();
        $this->requireFakeApi();
    }

    /**
     * An activated module pointing at the fake API, the test catalogue served,
     * and the import settings saved through the admin page.
     *
     * @param list<array<string, mixed>>|null $presets
     * @param array<string, string>|null $settings the settings form (null: keep the defaults)
     */
    protected function install(string $transport, ?array $presets = null, ?array $settings = Catalogue::SETTINGS): void
    {
        Host::useTransport($transport);
        $this->configure(FakeApi::VALID_KEY);
        $answer = hostkeyresellermod_activate();
        self::assertSame('success', $answer['status'], $answer['description']);
        FakeApi::catalogue($presets ?? Catalogue::presets());
        if ($settings !== null) {
            $html = $this->page('save-settings', $settings);
            self::assertStringContainsString('The import settings are saved', $html);
        }
    }

    /** The addon module, reading import.ini from $iniPath (none by default). */
    protected function addon(?string $iniPath = null): AddonModule
    {
        return new AddonModule(
            Components::bridge(),
            new AdminPageView(ROOTDIR . '/modules/addons/hostkeyresellermod/templates'),
            new ImportIni($iniPath ?? sys_get_temp_dir() . '/hkrm-no-such-dir/import.ini'),
        );
    }

    /**
     * The admin page after a POST of $action (with a valid CSRF token).
     *
     * @param array<string, string> $form
     */
    protected function page(string $action, array $form = [], ?string $iniPath = null): string
    {
        $post = ['token' => WhmcsShim::TOKEN, 'action' => $action] + $form;
        return $this->addon($iniPath)->output(
            ['modulelink' => self::MODULE_LINK],
            'POST',
            $post,
            new CsrfGuard(WhmcsShim::TOKEN),
        );
    }

    /** @return array<string, mixed> the import report */
    protected function import(bool $preview = false, bool $allowWithdrawal = false): array
    {
        return $this->addon()->import($preview, $allowWithdrawal);
    }

    protected static function productId(string $name): int
    {
        $id = Capsule::table('tblproducts')->where('name', $name)->value('id');
        self::assertNotNull($id, 'product ' . $name . ' exists');
        return (int) $id;
    }

    /** @return array<string, mixed> */
    protected static function product(string $name): array
    {
        return (array) Capsule::table('tblproducts')->where('id', self::productId($name))->first();
    }

    /**
     * A pricing row per currency code: the six cycles, then the six setup fees.
     *
     * @return array<string, list<string>>
     */
    protected static function prices(string $type, int $relid): array
    {
        $rows = Capsule::table('tblpricing')
            ->join('tblcurrencies', 'tblcurrencies.id', '=', 'tblpricing.currency')
            ->where('tblpricing.type', $type)
            ->where('tblpricing.relid', $relid)
            ->orderBy('tblpricing.currency')
            ->get(array_merge(['tblcurrencies.code'], array_map(
                static fn (string $c): string => 'tblpricing.' . $c,
                array_merge(self::CYCLES, self::SETUP_FEES),
            )))
            ->all();
        $prices = [];
        foreach ($rows as $row) {
            $row = (array) $row;
            $code = (string) array_shift($row);
            self::assertArrayNotHasKey($code, $prices, 'one ' . $type . ' pricing row per currency for ' . $relid);
            $prices[$code] = array_map('strval', array_values($row));
        }
        return $prices;
    }

    /**
     * The four discounted cycles of a product per currency (biennially and
     * triennially must be -1.00 and every setup fee 0.00; checked here).
     *
     * @return array<string, list<string>>
     */
    protected static function productCycles(string $name): array
    {
        $cycles = [];
        foreach (self::prices('product', self::productId($name)) as $code => $row) {
            $what = $name . ' ' . $code;
            self::assertSame(['-1.00', '-1.00'], array_slice($row, 4, 2), $what . ': no 2- or 3-year cycle');
            self::assertSame(array_fill(0, 6, '0.00'), array_slice($row, 6), $what . ': no setup fee');
            $cycles[$code] = array_slice($row, 0, 4);
        }
        return $cycles;
    }

    /** The id of a sub-option of a product's option (`OS`, `Soft`, `Traffic`). */
    protected static function subId(string $product, string $kind, string $sub): int
    {
        $id = Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', self::productId($product))
            ->where('o.optionname', 'like', $kind . ' %')
            ->where('s.optionname', $sub)
            ->value('s.id');
        self::assertNotNull($id, $product . ': ' . $kind . ' ' . $sub . ' exists');
        return (int) $id;
    }

    /**
     * Sub-options of a product's option: name => hidden.
     *
     * @return array<string, int>
     */
    protected static function subs(string $product, string $kind): array
    {
        return array_map('intval', Capsule::table('tblproductconfigoptionssub as s')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 's.configid')
            ->join('tblproductconfiglinks as l', 'l.gid', '=', 'o.gid')
            ->where('l.pid', self::productId($product))
            ->where('o.optionname', 'like', $kind . ' %')
            ->orderBy('s.sortorder')
            ->orderBy('s.id')
            ->pluck('s.hidden', 's.optionname')
            ->all());
    }

    /** A live service on a product; returns its id. */
    protected static function service(string $product, string $status = 'Active'): int
    {
        return (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => 3, 'packageid' => self::productId($product), 'domainstatus' => $status,
            'regdate' => '2026-01-01', 'billingcycle' => 'Monthly', 'domain' => 'srv.example.test',
        ]);
    }

    /** The report's counts, without what differs between a preview and a run. */
    protected static function counts(array $report): array
    {
        $counts = $report;
        foreach (['dry-run', 'duration-ms', 'statements', 'summary', 'changes'] as $key) {
            unset($counts[$key]);
        }
        ksort($counts);
        return $counts;
    }
}
