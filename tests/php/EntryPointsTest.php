<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\OtherModules;
use WHMCS\Database\Capsule;
use WhmcsShim;

/**
 * The hooks, the callback and the admin page as WHMCS runs them, through the
 * real host: a component error is logged and shown, never thrown (the admin
 * page's forms and results: AdminPageTest).
 */
final class EntryPointsTest extends EndToEndCase
{
    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    public function testTheFourHooksAreRegisteredAtPriorityOne(): void
    {
        foreach (['InvoicePaid', 'CancellationRequest', 'ServiceDelete', 'ShoppingCartValidateCheckout'] as $hook) {
            self::assertCount(1, WhmcsShim::$hooks[$hook] ?? [], $hook);
            self::assertSame(1, WhmcsShim::$hooks[$hook][0]['priority'], $hook);
        }
    }

    /**
     * A paid invoice, a cancellation request and a deletion of another module's
     * service that exist (a cPanel service beside one of ours): nothing is
     * ordered, cancelled or logged, and the service stays as it was.
     *
     * @dataProvider transports
     */
    public function testHooksForInvoicesAndServicesOfOtherModulesDoNothingAndLogNothing(string $transport): void
    {
        OtherModules::seed();
        try {
            $service = OtherModules::CPANEL_SERVICE;
            $invoice = (int) Capsule::table('tblinvoices')->insertGetId([
                'userid' => 2, 'status' => 'Paid', 'subtotal' => '10.00', 'total' => '10.00',
            ]);
            Capsule::table('tblinvoiceitems')->insert([
                'invoiceid' => $invoice, 'userid' => 2, 'type' => 'Hosting', 'relid' => $service, 'amount' => '10.00',
            ]);
            $before = Capsule::table('tblhosting')->orderBy('id')->get()->map(static fn ($row) => (array) $row)->all();
            Host::useTransport($transport);
            run_hook('InvoicePaid', ['invoiceid' => $invoice]);
            run_hook('CancellationRequest', ['relid' => $service, 'type' => 'Immediate', 'reason' => 'Slow']);
            run_hook('ServiceDelete', ['userid' => 2, 'serviceid' => $service]);
            $after = Capsule::table('tblhosting')->orderBy('id')->get()->map(static fn ($row) => (array) $row)->all();
        } finally {
            OtherModules::forget();
        }
        self::assertSame($before, $after);
        self::assertSame(0, Db::count('tblmodulelog'));
        self::assertSame(0, Db::count('tblactivitylog'));
    }

    /** @dataProvider transports */
    public function testCheckoutValidationIgnoresProductsOfOtherModules(string $transport): void
    {
        OtherModules::seed();
        Host::useTransport($transport);
        $_SESSION['cart'] = ['products' => [['pid' => OtherModules::CPANEL_PRODUCT, 'server' => ['rootpw' => 'weak']]]];
        try {
            $answers = run_hook('ShoppingCartValidateCheckout', []);
        } finally {
            unset($_SESSION['cart']);
            OtherModules::forget();
        }
        self::assertSame([[]], $answers);
        self::assertSame(0, Db::count('tblmodulelog'));
    }

    /** @dataProvider transports */
    public function testABrokenEngineBlocksCheckoutOfOurProductsOnlyAndLogsIt(string $transport): void
    {
        $builtBin = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $emptyBin = sys_get_temp_dir() . '/hkrm-nohost-' . bin2hex(random_bytes(4));
        mkdir($emptyBin);
        $ours = (int) Capsule::table('tblproducts')->insertGetId([
            'type' => 'server', 'gid' => 1, 'name' => 'HKP-bm.ours', 'servertype' => 'hostkeyresellermod',
            'paytype' => 'recurring', 'autosetup' => 'payment',
        ]);
        $theirs = (int) Capsule::table('tblproducts')->insertGetId([
            'type' => 'server', 'gid' => 1, 'name' => 'Other', 'servertype' => 'cpanel',
            'paytype' => 'recurring', 'autosetup' => 'payment',
        ]);
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_BIN_DIR' => $emptyBin]);
        try {
            $_SESSION['cart'] = ['products' => [['pid' => $theirs], ['pid' => $ours, 'server' => ['rootpw' => 'x']]]];
            $mixed = run_hook('ShoppingCartValidateCheckout', []);
            $_SESSION['cart'] = ['products' => [['pid' => $theirs]]];
            $others = run_hook('ShoppingCartValidateCheckout', []);
        } finally {
            unset($_SESSION['cart']);
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $builtBin);
            exec('rm -rf ' . escapeshellarg($emptyBin));
        }
        self::assertSame([['The order cannot be checked right now; please try again in a few minutes.']], $mixed);
        self::assertSame([[]], $others, 'a cart without our products is not held up by our engine');
        self::assertGreaterThan(0, Db::count('tblmodulelog') + Db::count('tblactivitylog'), 'the failure is logged');
    }

    /** @dataProvider transports */
    public function testThePostInstallCallbackAnswersJson(string $transport): void
    {
        Host::useTransport($transport);
        $_GET = ['hosting' => '12'];
        ob_start();
        try {
            include ROOTDIR . '/modules/gateways/callback/hostkeyresellermod.php';
        } finally {
            $body = (string) ob_get_clean();
            $_GET = [];
        }
        $answer = json_decode($body, true);
        self::assertIsArray($answer, $body);
        self::assertSame('error', $answer['result']);
        self::assertSame('This install has signed no callback.', $answer['message'], 'unsigned: refused');
    }

    /** @dataProvider transports */
    public function testAPostWithoutAValidTokenIsNotPassedOn(string $transport): void
    {
        Host::useTransport($transport);
        $_SERVER['REQUEST_METHOD'] = 'POST';
        $_POST = ['token' => 'forged', 'action' => 'clear'];
        ob_start();
        try {
            hostkeyresellermod_output(['modulelink' => 'addonmodules.php?module=hostkeyresellermod']);
        } finally {
            $html = (string) ob_get_clean();
            $_POST = [];
            unset($_SERVER['REQUEST_METHOD']);
        }
        self::assertStringContainsString('The form had expired, so nothing was changed.', $html);
    }

    /** @dataProvider transports */
    public function testDeactivateAndSidebar(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_deactivate();
        self::assertSame('success', $answer['status'], $answer['description']);
        self::assertStringContainsString('kept', $answer['description']);
        $sidebar = hostkeyresellermod_sidebar(['modulelink' => 'addonmodules.php?module=hostkeyresellermod']);
        self::assertStringContainsString('href="addonmodules.php?module=hostkeyresellermod"', $sidebar);
        self::assertSame(0, Db::count('tblmodulelog'));
    }
}
