<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use Smarty;

/**
 * templates/clientarea.tpl with the live controls (the client-area contract's
 * vars: server, actions, osChoices, facts, ssoUrl), rendered by Debian's
 * smarty3 with hostile values everywhere.
 */
final class ClientAreaTemplateTest extends TestCase
{
    private const HOSTILE = '<script>alert("x")</script>&\'';
    private const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#039;';

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

    /** @param array<string, mixed> $vars */
    private function render(array $vars): string
    {
        $smarty = new Smarty();
        $smarty->setCompileDir($this->compileDir);
        $smarty->setTemplateDir(ROOTDIR . '/modules/servers/hostkeyresellermod');
        $smarty->assign($vars);
        $previous = error_reporting(E_ALL & ~E_DEPRECATED);
        try {
            return $smarty->fetch('templates/clientarea.tpl');
        } finally {
            error_reporting($previous);
        }
    }

    /** @return array<string, mixed> */
    private static function vars(bool $busy, string $text = self::HOSTILE): array
    {
        return [
            'serviceId' => 12,
            'actionUrl' => 'clientarea.php?action=productdetails&id=12&x="><b>',
            'server' => ['power' => 'on', 'label' => $text, 'busy' => $busy, 'busyLabel' => $busy ? $text : ''],
            'actions' => [
                ['op' => 'on', 'label' => $text, 'enabled' => false, 'confirm' => ''],
                ['op' => 'off', 'label' => 'Power off', 'enabled' => true, 'confirm' => $text],
                ['op' => 'reinstall', 'label' => 'Reinstall', 'enabled' => true, 'confirm' => $text],
            ],
            'osChoices' => [['id' => 187, 'name' => $text]],
            'facts' => [['label' => $text, 'value' => $text]],
            'ssoUrl' => 'clientarea.php?action=productdetails&id=12&dosinglesignon=1',
            'errorMessage' => $text,
            'token' => 'tok"en<',
        ];
    }

    public function testEveryValueIsEscapedAndReachesTheScriptOnlyAsAnAttribute(): void
    {
        $html = $this->render(self::vars(false));
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringNotContainsString('"><b>', $html);
        // label, button label, two data-confirm, the reinstall checkbox, OS name, fact label and value, message
        self::assertSame(9, substr_count($html, self::ESCAPED));
        $url = 'clientarea.php?action=productdetails&amp;id=12&amp;x=&quot;&gt;&lt;b&gt;';
        self::assertStringContainsString('data-action-url="' . $url . '"', $html);
        self::assertStringContainsString('name="token" value="tok&quot;en&lt;"', $html);
        self::assertStringContainsString('data-confirm="' . self::ESCAPED . '"', $html);
        self::assertStringContainsString('<option value="187">' . self::ESCAPED . '</option>', $html);
        $sso = 'clientarea.php?action=productdetails&amp;id=12&amp;dosinglesignon=1';
        self::assertStringContainsString('href="' . $sso . '"', $html);
        self::assertStringContainsString('src="/modules/servers/hostkeyresellermod/templates/js/clientarea.js"', $html);
        $message = '/class="hkrm-message alert alert-warning"[^>]*>' . preg_quote(self::ESCAPED, '/') . '</';
        self::assertMatchesRegularExpression($message, $html);
    }

    public function testButtonsFollowEnabledAndAllWaitWhileTheServerIsBusy(): void
    {
        $idle = $this->render(self::vars(false, 'Running'));
        self::assertMatchesRegularExpression('/data-op="on" data-confirm=""\s+disabled\s+data-enabled="0"/', $idle);
        self::assertMatchesRegularExpression('/data-op="off" data-confirm="Running"\s+data-enabled="1"/', $idle);
        self::assertStringContainsString('badge-success', $idle);
        self::assertMatchesRegularExpression('/class="hkrm-progress[^"]*d-none"/', $idle);

        $busy = $this->render(self::vars(true, 'Rebooting…'));
        self::assertSame(3, preg_match_all('/\s+disabled\s+data-enabled=/', $busy));
        self::assertDoesNotMatchRegularExpression('/class="hkrm-progress[^"]*d-none"/', $busy);
        self::assertStringContainsString('<span class="hkrm-busy-label">Rebooting…</span>', $busy);
    }

    public function testWithoutAMessageOrSingleSignOnNeitherIsShown(): void
    {
        $vars = ['errorMessage' => '', 'ssoUrl' => '', 'actions' => [], 'facts' => []] + self::vars(false, 'x');
        $vars['server']['power'] = 'unknown';
        $html = $this->render($vars);
        self::assertStringContainsString('class="hkrm-message alert d-none"', $html);
        self::assertStringNotContainsString('dosinglesignon', $html);
        self::assertStringNotContainsString('hkrm-facts', $html);
        self::assertStringContainsString('badge-warning', $html);
        self::assertStringContainsString('I understand that reinstalling erases everything on the server.', $html);
    }
}
