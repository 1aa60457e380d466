<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\FakeApi;
use WHMCS\Database\Capsule;

/**
 * One catalogue writer at a time: the import, the cron sync and remove-all take
 * the `hostkeyresellermod_catalogue` lock; a second run says since when the
 * first one runs and writes nothing.
 */
final class ConcurrentImportTest extends CatalogueCase
{
    private const CRON = ROOTDIR . '/modules/addons/hostkeyresellermod/cron.php';
    private const INIT = __DIR__ . '/Fixtures/whmcs-init.php';
    private const BUSY = '/^An import is already running since (\d\d:\d\d) UTC\. '
        . 'This is a passing fault: running cron\.php again later will retry it\.$/';

    /**
     * Starts `php cron.php` with the shim as WHMCS.
     *
     * @return array{0: resource, 1: array<int, resource>}
     */
    private static function startCron(): array
    {
        $process = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=true', self::CRON],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            null,
            ['WHMCS_INIT' => self::INIT] + array_filter(getenv(), 'is_string'),
        );
        self::assertIsResource($process);
        return [$process, $pipes];
    }

    /**
     * @param array{0: resource, 1: array<int, resource>} $started
     * @return array{0: int, 1: string, 2: string} exit status, stdout, stderr
     */
    private static function finish(array $started): array
    {
        [$process, $pipes] = $started;
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $out, $err];
    }

    private static function lockRows(): int
    {
        return Capsule::table('mod_hostkeyresellermod_log')->where('action', 'catalogue-lock')->count();
    }

    /** @dataProvider transports */
    public function testTwoCronRunsAtOnceMakeOneCatalogue(string $transport): void
    {
        $this->install($transport);
        // The first run waits 4 s for the catalogue, holding the lock (an overlap
        // the second run cannot miss, however slow the machine).
        FakeApi::fault(['module' => 'presets', 'action' => 'info', 'kind' => 'delay', 'delay_ms' => 4000,
            'times' => 1]);
        $first = self::startCron();
        $until = microtime(true) + 20;
        while (self::lockRows() === 0 && microtime(true) < $until) {
            usleep(20_000);
        }
        self::assertSame(1, self::lockRows(), 'the first run took the lock');

        [$status, $out, $err] = self::finish(self::startCron());
        self::assertSame(1, $status, $out . $err);
        self::assertMatchesRegularExpression(self::BUSY, rtrim($err, "\n"));
        preg_match(self::BUSY, rtrim($err, "\n"), $since);
        $started = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'catalogue-lock')
            ->value('date');
        self::assertSame(substr($started, 11, 5), $since[1]);
        self::assertStringNotContainsString('Done in', $out);
        self::assertSame(1, self::lockRows(), 'the second run wrote no log row');

        [$status, $out, $err] = self::finish($first);
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('(5 created, 0 updated, 63 prices changed, 144 rows written)', $out);
        self::assertSame(5, Db::count('tblproducts'));
        self::assertSame(4, Capsule::table('tblproducts')->where('hidden', 0)->count());
        self::assertSame(1, Capsule::table('mod_hostkeyresellermod_log')->where('action', 'cron-sync')->count());
        $presets = array_filter(FakeApi::calls(), static fn (array $c): bool => $c['module'] === 'presets');
        self::assertCount(1, $presets, 'the second run did not even ask HOSTKEY');
    }

    /** @dataProvider transports */
    public function testTheAdminPageSaysAnImportIsRunningAndChangesNothing(string $transport): void
    {
        $this->install($transport);
        $this->import();
        $rival = NamedLockTest::otherSession();
        self::assertTrue($rival->lock('hostkeyresellermod_catalogue', 0));
        try {
            $before = Db::dump();
            foreach (['import' => [], 'import-full' => [], 'clear' => ['confirm' => 'yes']] as $action => $form) {
                $html = $this->page($action, $form);
                self::assertStringContainsString('An import is already running', $html, $action);
            }
            self::assertSame($before, Db::dump(), 'nothing was written');
            $preview = $this->page('import-preview');
            self::assertStringNotContainsString('An import is already running', $preview, 'a preview never waits');
        } finally {
            $rival->unlock('hostkeyresellermod_catalogue');
        }
        self::assertStringNotContainsString('An import is already running', $this->page('import'));
    }
}
