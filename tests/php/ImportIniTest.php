<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AddonModule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminRequest;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\CronCommand;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ImportIni;

/**
 * The small pieces around the import: reading import.ini, the admin request
 * and import source as the WIT records, cron.php's summary line.
 */
final class ImportIniTest extends TestCase
{
    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/hkrm-ini-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            chmod($file, 0600);
            unlink($file);
        }
        rmdir($this->dir);
    }

    public function testTheFileIsReadWhenItExistsAndIsReadable(): void
    {
        $path = $this->dir . '/import.ini';
        $ini = new ImportIni($path);
        self::assertSame($path, $ini->path());
        self::assertNull($ini->content(), 'missing');
        file_put_contents($path, "[vps]\nmarkup = 5\n");
        self::assertSame("[vps]\nmarkup = 5\n", $ini->content());
        file_put_contents($path, '');
        self::assertSame('', $ini->content(), 'an empty file is still the file');
        file_put_contents($path, str_repeat(';', ImportIni::MAX_BYTES + 1));
        self::assertNull($ini->content(), 'too large to be a settings file');
        self::assertNull((new ImportIni($this->dir))->content(), 'a directory is not the file');
        if (function_exists('posix_geteuid') && posix_geteuid() !== 0) {
            file_put_contents($path, "[vps]\n");
            chmod($path, 0000);
            self::assertNull($ini->content(), 'unreadable');
        }
        self::assertStringEndsWith('/modules/addons/hostkeyresellermod/import.ini', ImportIni::forAddon()->path());
    }

    public function testTheAdminRequestCarriesTheIniAndTheFormPairs(): void
    {
        self::assertSame(['action' => 'view', 'form' => [], 'ini' => null], AdminRequest::view());
        $request = AdminRequest::fromPost([
            'token' => 't', 'action' => 'save-settings', 'vps_import' => 'yes', 'round' => '0.25',
            'bad name!' => 'x', 'list' => ['a' => '1', 'b' => ['nested']],
        ], "[general]\nround = 1\n");
        self::assertSame([
            'action' => 'save-settings',
            'form' => [['vps_import', 'yes'], ['round', '0.25'], ['list[a]', '1']],
            'ini' => "[general]\nround = 1\n",
        ], $request);
        self::assertSame('view', AdminRequest::fromPost(['action' => 'DROP TABLE'])['action']);
        self::assertSame(
            ['ini' => null, 'trigger' => 'scheduled'],
            AddonModule::importSource(null, true, true),
            'the daily cron never confirms a large withdrawal',
        );
        self::assertSame(
            ['ini' => 'x', 'trigger' => 'manual-allowing-withdrawal'],
            AddonModule::importSource('x', false, true),
        );
        self::assertSame(['ini' => null, 'trigger' => 'manual'], AddonModule::importSource(null));
    }

    public function testTheCronSummaryLine(): void
    {
        self::assertSame(
            'Done in 42 ms: 4 products in 4 groups are now available; 156 rows written '
            . '(5 created, 1 updated, 72 prices changed, 156 rows written)',
            CronCommand::summaryLine([
                'summary' => '4 products in 4 groups are now available; 156 rows written.',
                'products-created' => 5, 'products-updated' => 1, 'prices-changed' => 72, 'rows-written' => 156,
            ], 42),
        );
        self::assertSame(
            'Done in 0 ms: the import finished (0 created, 0 updated, 0 prices changed, 0 rows written)',
            CronCommand::summaryLine([], 0),
        );
    }
}
