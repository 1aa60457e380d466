<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use WhmcsShim;

/**
 * The addon page as WHMCS shows it (`hostkeyresellermod_output`): the settings
 * form by field kind, the remove form, the action buttons, the preview and
 * import results and errors, everything escaped.
 */
final class AdminPageTest extends CatalogueCase
{
    private const HOSTILE_NAME = 'vm.x"><img src=x onerror=alert(1)>';

    /** @dataProvider transports */
    public function testThePageShowsTheSettingsFormTheRemoveFormAndTheActions(string $transport): void
    {
        $this->install($transport);
        $html = self::output('GET');
        // Text, checkbox and select fields, each with its label.
        self::assertStringContainsString(
            '<label class="col-sm-4 control-label" for="hk-save-settings-vps_markup">VPS products: markup</label>',
            $html,
        );
        self::assertMatchesRegularExpression(
            '/<input type="text" class="form-control" id="hk-save-settings-vps_markup"\s+'
            . 'name="vps_markup" value="10">/',
            $html,
        );
        self::assertMatchesRegularExpression(
            '/<input type="checkbox" id="hk-save-settings-vps_import" name="vps_import"\s+value="yes" checked>\s+'
            . 'Import VPS products\s+<\/label>/',
            $html,
        );
        self::assertMatchesRegularExpression('/name="option_markup"\s+value="yes">/', $html, 'not ticked');
        self::assertMatchesRegularExpression(
            '/<select class="form-control" id="hk-save-settings-round" name="round">\s+'
            . '<option value="0" selected>No rounding<\/option>\s+<option value="0.1">0.10<\/option>/',
            $html,
        );
        self::assertStringContainsString('<option value="price_asc">Price, low to high</option>', $html);
        self::assertStringContainsString('<input type="hidden" name="action" value="save-settings">', $html);
        self::assertStringContainsString('>Save settings</button>', $html);
        // The remove form: a red button and its confirmation box, not ticked.
        self::assertStringContainsString('<input type="hidden" name="action" value="clear">', $html);
        self::assertMatchesRegularExpression('/name="confirm"\s+value="yes">\s+Yes, remove every imported/', $html);
        $remove = '<button type="submit" class="btn btn-danger">Remove imported products</button>';
        self::assertStringContainsString($remove, $html);
        self::assertSame(1, substr_count($html, 'value="clear"'), 'no other remove button');
        // The two plain actions; the import asks first.
        self::assertMatchesRegularExpression(
            '/<button type="submit" name="action" value="import-preview"\s+'
            . 'class="btn btn-default">Preview import<\/button>/',
            $html,
        );
        self::assertMatchesRegularExpression(
            '/value="import"\s+class="btn btn-primary" data-confirm="Import the HOSTKEY catalogue into WHMCS now\?" '
            . 'onclick="return confirm\(this.dataset.confirm\);">Import catalogue<\/button>/',
            $html,
        );
        self::assertSame(3, substr_count($html, 'name="token" value="' . WhmcsShim::TOKEN . '"'), 'every form');
        self::assertStringContainsString('<th class="col-sm-3">API key</th><td>set</td>', $html);
        self::assertStringNotContainsString(FakeApi::VALID_KEY, $html);
    }

    /** @dataProvider transports */
    public function testThePageShowsTheSystemCheckOfThisServer(string $transport): void
    {
        $this->install($transport);
        $html = self::output('GET');
        self::assertStringContainsString('<h3 class="panel-title">System check</h3>', $html);
        $php = preg_quote(PHP_VERSION, '/');
        self::assertMatchesRegularExpression('/<td>PHP<\/td>\s+<td>' . $php . ' \(needs 8\.1/', $html);
        // The admin page runs on PHP's command line here: a helper process per request.
        $mode = $transport === 'ffi' ? 'in-process (FFI)' : 'helper process, one per request (';
        self::assertMatchesRegularExpression('/<td>Transport<\/td>\s+<td>' . preg_quote($mode, '/') . '/', $html);
        $bin = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        self::assertMatchesRegularExpression(
            '/<td>Compile cache<\/td>\s+<td>' . preg_quote($bin, '/') . ': warm<\/td>/',
            $html,
            'make build precompiles the component beside it',
        );
    }

    public function testWhenTheEngineCannotStartThePageStillShowsTheSystemCheckWithTheFix(): void
    {
        $this->install('cli');
        $built = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $bin = sys_get_temp_dir() . '/hkrm-page-' . bin2hex(random_bytes(4));
        mkdir($bin);
        try {
            foreach (Host::FILES as $file) {
                copy($built . '/' . $file, $bin . '/' . $file);
            }
            // A lost exec bit and no release digest beside it: nothing can repair it.
            chmod($bin . '/hostkey-host', 0644);
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $bin);
            $html = self::output('GET');
        } finally {
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $built);
            exec('rm -rf ' . escapeshellarg($bin));
        }
        $sentence = 'The component host program ' . $bin . '/hostkey-host is not executable (mode 0644), and '
            . $bin . '/hostkey-host.sha256 (its release digest) is missing, so no checked copy can be made; '
            . 'run chmod 755 ' . $bin . '/hostkey-host.';
        self::assertStringContainsString(
            '<div class="alert alert-danger" role="alert">' . htmlspecialchars($sentence) . '</div>',
            $html,
        );
        self::assertStringContainsString('<h3 class="panel-title">System check</h3>', $html);
        self::assertMatchesRegularExpression(
            '/<td>Engine files<\/td>\s+<td>' . preg_quote(htmlspecialchars($sentence), '/') . '<\/td>/',
            $html,
        );
        self::assertMatchesRegularExpression('/<td>Mount<\/td>\s+<td>' . preg_quote($bin, '/') . ' is on /', $html);
        self::assertMatchesRegularExpression('/<td>glibc<\/td>\s+<td>\d+\.\d+ \(the engine needs/', $html);
    }

    /** @dataProvider transports */
    public function testAPreviewShowsItsCountsAndChangesEscaped(string $transport): void
    {
        $presets = Catalogue::presets();
        $presets[] = Catalogue::preset(1077, self::HOSTILE_NAME, ['NL' => 1.00], []);
        $this->install($transport, $presets);
        $before = Db::dump();
        $html = self::output('POST', ['action' => 'import-preview']);
        self::assertSame($before, Db::dump());
        self::assertStringContainsString(
            '<div class="alert alert-success" role="alert">The import would offer 5 products in 4 groups',
            $html,
        );
        self::assertStringContainsString('<h3 class="panel-title">What the import would do</h3>', $html);
        self::assertMatchesRegularExpression('/<th>What<\/th>\s+<th>Count<\/th>/', $html);
        self::assertMatchesRegularExpression('/<td>Products created<\/td>\s+<td>6<\/td>/', $html);
        self::assertMatchesRegularExpression('/<th>Change<\/th>\s+<th>Before<\/th>\s+<th>After<\/th>/', $html);
        self::assertStringContainsString('<td>create product HKP-vm.alpha (NL)</td>', $html);
        // The component strips the markup from names; the template escapes what is left.
        self::assertStringContainsString('<td>create product HKP-vm.x&quot; (NL)</td>', $html);
        self::assertStringNotContainsString('<img', $html);
    }

    /** @dataProvider transports */
    public function testAnImportFromThePageIsReportedAndRemembered(string $transport): void
    {
        $this->install($transport);
        $html = self::output('POST', ['action' => 'import']);
        self::assertStringContainsString(
            '<div class="alert alert-success" role="alert">4 products in 4 groups are now available; 144 rows written.',
            $html,
        );
        self::assertStringContainsString('<h3 class="panel-title">What the import did</h3>', $html);
        self::assertSame(5, Db::count('tblproducts'));
        $html = self::output('GET');
        self::assertMatchesRegularExpression(
            '/<th class="col-sm-3">Last import<\/th><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(import\): '
            . '4 products in 4 groups are now available; 144 rows written.<\/td>/',
            $html,
        );
    }

    /** @dataProvider transports */
    public function testErrorsAreShownEscapedAndChangeNothing(string $transport): void
    {
        $this->install($transport);
        $before = Db::dump();
        $html = self::output('POST', ['action' => 'save-settings', 'bm_unit' => '<b>"x"</b>'] + Catalogue::SETTINGS);
        self::assertStringContainsString(
            '<div class="alert alert-danger" role="alert">The import setting &quot;bm markup unit&quot; names '
            . '&lt;B&gt;&quot;X&quot;&lt;/B&gt;, which is not a WHMCS currency.</div>',
            $html,
        );
        self::assertStringNotContainsString('<b>', $html);
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'kind' => 'status', 'status' => 502, 'times' => 1]);
        $html = self::output('POST', ['action' => 'import']);
        self::assertStringContainsString(
            '<div class="alert alert-danger" role="alert">Nothing was changed: The HOSTKEY API answered presets/info '
            . 'with HTTP status 502.</div>',
            $html,
        );
        self::assertSame($before, Db::dump());
    }

    /** @dataProvider transports */
    public function testAnExpiredTokenRemovesNothing(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $before = Db::dump();
        $html = self::output('POST', ['action' => 'clear', 'confirm' => 'yes'], 'forged');
        self::assertStringContainsString('The form had expired, so nothing was changed.', $html);
        self::assertSame($before, Db::dump());
        self::assertSame(5, Db::count('tblproducts'));
    }

    public function testAPageBeforeActivationShowsTheErrorAndTheActions(): void
    {
        $html = self::output('GET', [], null, 'addonmodules.php?module=hostkeyresellermod&x="<b>');
        self::assertStringContainsString('class="alert alert-danger"', $html);
        self::assertStringContainsString('name="token" value="' . WhmcsShim::TOKEN . '"', $html);
        $action = 'action="addonmodules.php?module=hostkeyresellermod&amp;x=&quot;&lt;b&gt;"';
        self::assertStringContainsString($action, $html);
        self::assertStringNotContainsString('"<b>', $html);
        self::assertStringContainsString('>Preview import</button>', $html);
    }

    /**
     * The page as WHMCS renders it for a request.
     *
     * @param array<string, string> $post
     */
    private static function output(
        string $method,
        array $post = [],
        ?string $token = null,
        string $link = self::MODULE_LINK,
    ): string {
        $_SERVER['REQUEST_METHOD'] = $method;
        $_POST = $method === 'POST' ? ['token' => $token ?? WhmcsShim::TOKEN] + $post : [];
        ob_start();
        try {
            hostkeyresellermod_output(['modulelink' => $link]);
        } finally {
            $html = (string) ob_get_clean();
            $_POST = [];
            unset($_SERVER['REQUEST_METHOD']);
        }
        return $html;
    }
}
