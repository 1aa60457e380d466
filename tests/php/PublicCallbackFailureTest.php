<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\PostInstallCallback;

/**
 * The post-install URL is public: when the engine cannot start, a visitor
 * gets one generic sentence and no path of this server; the details are in
 * the activity log for the reseller.
 */
final class PublicCallbackFailureTest extends EndToEndCase
{
    /** @dataProvider transports */
    public function testAnEngineThatCannotStartAnswersOneGenericSentenceAndLogsTheDetails(string $transport): void
    {
        $builtBin = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $emptyBin = sys_get_temp_dir() . '/hkrm-nobin-' . bin2hex(random_bytes(4));
        mkdir($emptyBin);
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_BIN_DIR' => $emptyBin]);
        $_GET = ['hosting' => '12', 'expires' => '1', 'sig' => str_repeat('ab', 32)];
        ob_start();
        try {
            $answer = Components::callback()->handle($_GET, []);
            include ROOTDIR . '/modules/gateways/callback/hostkeyresellermod.php';
        } finally {
            $body = (string) ob_get_clean();
            $_GET = [];
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $builtBin);
            exec('rm -rf ' . escapeshellarg($emptyBin));
        }
        $generic = ['result' => 'error', 'message' => PostInstallCallback::FAILURE];
        self::assertSame(500, $answer['status']);
        self::assertSame($generic, json_decode($answer['body'], true));
        self::assertSame($generic, json_decode($body, true), 'the entry file answers the same');
        foreach ([$answer['body'], $body] as $public) {
            self::assertStringNotContainsString($emptyBin, $public);
            self::assertStringNotContainsString(ROOTDIR, $public);
            self::assertDoesNotMatchRegularExpression('#/(tmp|usr|var|home|work)/#', $public);
        }
        $activity = implode("\n", array_column(Db::rows('tblactivitylog'), 'description'));
        self::assertStringContainsString($emptyBin, $activity, 'the details are the reseller\'s to read');
        self::assertStringNotContainsString(str_repeat('ab', 32), Db::allLogText(), 'the signature is not');
    }
}
