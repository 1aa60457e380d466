<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use Smarty;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminPageView;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ClientAreaView;

/**
 * Every template rendered, with hostile values: a Smarty compile error is a
 * fatal error in Debian's smarty3 on PHP 8.2, and every value must be escaped.
 */
final class TemplatesTest extends TestCase
{
    private const HOSTILE = '<script>alert("x")</script>&\'';

    private string $compileDir;

    protected function setUp(): void
    {
        $this->compileDir = sys_get_temp_dir() . '/hkrm-smarty-' . bin2hex(random_bytes(4));
        mkdir($this->compileDir);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->compileDir . '/*') ?: [] as $file) {
            unlink($file);
        }
        rmdir($this->compileDir);
    }

    /** The PHP templates print their own texts from lang/english.php, each one defined there. */
    public function testEveryTextOfTheTemplatesIsInTheLanguageFile(): void
    {
        $addon = ROOTDIR . '/modules/addons/hostkeyresellermod';
        $lang = (new AdminPageView($addon . '/templates'))->lang();
        $used = [];
        foreach (glob($addon . '/templates/*.php') ?: [] as $template) {
            preg_match_all('/\$view\[.lang.\]\[.([a-z_]+).\]/', (string) file_get_contents($template), $m);
            $used = array_merge($used, $m[1]);
        }
        self::assertGreaterThanOrEqual(3, count($used));
        foreach ($used as $key) {
            self::assertArrayHasKey($key, $lang);
            self::assertNotSame('', trim($lang[$key]));
        }
        $sidebar = (new AdminPageView($addon . '/templates'))->sidebar('addonmodules.php?module=hostkeyresellermod');
        self::assertStringContainsString('>' . $lang['sidebar_link'] . '</a>', $sidebar);
    }

    /** Renders a server-module template as WHMCS would, from a ClientArea answer. */
    private function renderClientArea(array $answer): string
    {
        $smarty = new Smarty();
        $smarty->setCompileDir($this->compileDir);
        $smarty->setTemplateDir(ROOTDIR . '/modules/servers/hostkeyresellermod');
        $smarty->assign($answer['vars']);
        // Debian's Smarty 3.1.47 creates dynamic properties, deprecated in PHP 8.2;
        // only deprecations are muted, and only while Smarty runs.
        $previous = error_reporting(E_ALL & ~E_DEPRECATED);
        try {
            return $smarty->fetch($answer['templatefile'] . '.tpl');
        } finally {
            error_reporting($previous);
        }
    }

    public function testTheClientAreaTemplateEscapesEveryValue(): void
    {
        $html = $this->renderClientArea(ClientAreaView::fromView([
            'template' => 'clientarea',
            'status' => self::HOSTILE,
            'facts' => [['label' => self::HOSTILE, 'value' => self::HOSTILE]],
            'server' => ['power' => 'on', 'label' => self::HOSTILE, 'busy' => false, 'busy-label' => ''],
            'error' => self::HOSTILE,
        ], 7));
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringContainsString('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#039;', $html);
    }

    public function testTheClientAreaPageNeverEmbedsThePanel(): void
    {
        $answer = ClientAreaView::fromView([
            'template' => 'clientarea',
            'status' => 'Active',
            'panel-url' => 'https://panel.hostkey.com/controlpanel.html?key=secret',
            'single-sign-on' => true,
            'error' => 'The panel is being prepared.',
        ], 7);
        $html = $this->renderClientArea($answer);
        self::assertStringNotContainsString('<iframe', $html);
        self::assertStringNotContainsString('key=secret', $html . json_encode($answer));
        self::assertSame('clientarea.php?action=productdetails&id=7&dosinglesignon=1', $answer['vars']['ssoUrl']);
        self::assertStringContainsString('The panel is being prepared.', $html);
        self::assertMatchesRegularExpression('/data-power="unknown">Unknown</', $html, 'no live state: unknown');
    }

    public function testTheErrorTemplateShowsTheEscapedSentence(): void
    {
        $html = $this->renderClientArea(ClientAreaView::error('Server <b>#5</b> is "gone".'));
        self::assertStringContainsString('Server &lt;b&gt;#5&lt;/b&gt; is &quot;gone&quot;.', $html);
        $fallback = $this->renderClientArea(ClientAreaView::fromView(['template' => 'nonsense'], 7));
        self::assertStringContainsString('The server details are not available right now.', $fallback);
    }

    public function testTheAdminPageEscapesEveryValue(): void
    {
        $view = new AdminPageView(ROOTDIR . '/modules/addons/hostkeyresellermod/templates');
        $h = self::HOSTILE;
        $html = $view->render([
            'title' => $h,
            'notices' => [['level' => 'error', 'text' => $h], ['level' => '"><x', 'text' => 'ok']],
            'fields' => [['label' => $h, 'value' => $h]],
            'tables' => [['title' => 'Products', 'header' => ['Name', $h], 'rows' => [[$h, '1.00']]]],
            'forms' => [
                ['action' => 'save-settings', 'fields' => [
                    self::field('markup_vps', $h, $h, 'text'),
                    self::field('ru', $h, 'on', 'yesno'),
                    self::field('round', $h, $h, 'select', [['value' => '0', 'label' => 'None'],
                        ['value' => $h, 'label' => $h]]),
                    self::field('odd', 'Odd kind', $h, '"><x'),
                ]],
                ['action' => '"><x', 'fields' => [self::field('n"><x', 'label', 'v', 'text')]],
            ],
        ], 'addonmodules.php?module=hostkeyresellermod&a="b"', 'tok"en');
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringNotContainsString('"><x', $html);
        $escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&apos;';
        // title, notice, field label and value, table header and cell (6), three labels (9), the
        // text value (10), the selected choice's value and label (12), the odd kind's value (13)
        self::assertSame(13, substr_count($html, $escaped));
        self::assertStringContainsString('class="alert alert-danger"', $html);
        self::assertStringContainsString('class="alert alert-info"', $html);
        self::assertStringContainsString('<th>Name</th>', $html);
        self::assertStringContainsString('<td>1.00</td>', $html);
        self::assertStringContainsString('name="action" value="save-settings"', $html);
        self::assertStringContainsString('name="action" value="&quot;&gt;&lt;x"', $html);
        self::assertStringContainsString('name="n&quot;&gt;&lt;x"', $html);
        self::assertStringContainsString('name="markup_vps" value="' . $escaped . '"', $html);
        self::assertMatchesRegularExpression('/name="ru"\s+value="yes" checked>/', $html);
        self::assertStringContainsString('<option value="' . $escaped . '" selected>' . $escaped . '</option>', $html);
        self::assertStringContainsString('<option value="0">None</option>', $html);
        self::assertStringContainsString('<input type="text" class="form-control" id="hk-save-settings-odd"', $html);
        self::assertStringContainsString('value="tok&quot;en"', $html);
        $action = 'action="addonmodules.php?module=hostkeyresellermod&amp;a=&quot;b&quot;"';
        self::assertStringContainsString($action, $html);
        self::assertSame(
            ['import-preview', 'import', 'import-full', 'margins'],
            array_column(AdminPageView::ACTIONS, 0),
        );
        foreach (AdminPageView::ACTIONS as [$action]) {
            self::assertStringContainsString('name="action" value="' . $action . '"', $html);
        }
        $sidebar = $view->sidebar('addonmodules.php?module=hostkeyresellermod&<x>');
        self::assertStringContainsString('href="addonmodules.php?module=hostkeyresellermod&amp;&lt;x&gt;"', $sidebar);
    }

    public function testOnlyATrueYesNoValueShowsTheBoxTicked(): void
    {
        $view = new AdminPageView(ROOTDIR . '/modules/addons/hostkeyresellermod/templates');
        $html = $view->render(['forms' => [['action' => 'save-settings', 'fields' => [
            ['name' => 'on', 'label' => 'On', 'value' => ['yes-no' => true], 'choices' => []],
            ['name' => 'off', 'label' => 'Off', 'value' => ['yes-no' => false], 'choices' => []],
            ['name' => 'text', 'label' => 'Text', 'value' => ['yes-no' => 'on'], 'choices' => []],
        ]]]], 'addonmodules.php?module=hostkeyresellermod', 'token');
        self::assertMatchesRegularExpression('/name="on"\s+value="yes" checked>/', $html);
        self::assertMatchesRegularExpression('/name="off"\s+value="yes">/', $html);
        self::assertMatchesRegularExpression('/name="text"\s+value="yes">/', $html, 'a string is not a yes');
    }

    public function testAdminFormsFollowTheirKinds(): void
    {
        $view = new AdminPageView(ROOTDIR . '/modules/addons/hostkeyresellermod/templates');
        $html = $view->render([
            'forms' => [
                ['action' => 'save-settings', 'fields' => [
                    self::field('vps_import', 'Import VPS products', '', 'yesno'),
                    self::field('sort', 'Product order', 'price_asc', 'select', [
                        ['value' => 'none', 'label' => 'As listed'],
                        ['value' => 'price_asc', 'label' => 'Price, low to high'],
                    ]),
                    self::field('template', '', '3', 'text'),
                ]],
                ['action' => 'clear', 'fields' => [self::field('confirm', 'Yes, remove', '', 'yesno')]],
            ],
            'tables' => [['title' => 'Empty report', 'header' => [], 'rows' => []]],
        ], 'addonmodules.php?module=hostkeyresellermod', 'token');
        self::assertMatchesRegularExpression('/name="vps_import"\s+value="yes">/', $html, 'an empty value: not ticked');
        self::assertStringContainsString('<option value="none">As listed</option>', $html);
        self::assertStringContainsString('<option value="price_asc" selected>Price, low to high</option>', $html);
        self::assertStringContainsString('for="hk-save-settings-template">template</label>', $html, 'name as label');
        self::assertStringContainsString('panel panel-danger hostkeyresellermod-form-clear', $html);
        $remove = '<button type="submit" class="btn btn-danger">Remove imported products</button>';
        self::assertStringContainsString($remove, $html);
        self::assertStringContainsString('<button type="submit" class="btn btn-primary">Save settings</button>', $html);
        self::assertStringContainsString('<h3 class="panel-title">Empty report</h3>', $html);
        self::assertStringNotContainsString('<thead>', $html);
        self::assertStringNotContainsString('class="alert', $html);
        self::assertStringContainsString('<h2>HOSTKEY Reseller</h2>', $html);
    }

    /**
     * A `form-field` record as the component sends it.
     *
     * @param list<array{value: string, label: string}> $choices
     * @return array<string, mixed>
     */
    private static function field(string $name, string $label, string $value, string $kind, array $choices = []): array
    {
        $case = $kind === 'yesno' ? 'yes-no' : $kind;
        $input = [$case => $kind === 'yesno' ? $value !== '' : $value];
        return ['name' => $name, 'label' => $label, 'value' => $input, 'choices' => $choices];
    }
}
