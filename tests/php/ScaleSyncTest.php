<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\CatalogueCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\ServiceRows;
use WHMCS\Database\Capsule;

/**
 * Issue 25's reseller: 1,000 services linked to deployed HOSTKEY servers, the
 * API answering every call after 150 ms, and WHMCS's cron as it runs it (the
 * daily job, then a five-minute run after run). Every server is read within
 * twelve runs, no run takes two minutes, the sync's log lines stay short, and
 * a failing server holds up no other and is read on the next run.
 */
final class ScaleSyncTest extends CatalogueCase
{
    use ServiceRows;

    private const SERVICES = 1000;
    private const FIRST_SERVER = 200001;
    private const DELAY_MS = 150;
    private const MAX_RUNS = 12;
    /** The failing server's service is read early in the first run (the 5th). */
    private const FAILING = 5;

    protected function setUp(): void
    {
        parent::setUp();
        require_once ROOTDIR . '/includes/hooks/hostkeyresellermod.php';
    }

    public function testAThousandServersAreAllReadWithinTwelveCronRunsWithShortLogs(): void
    {
        $this->install('ffi');
        $this->import();
        $services = $this->linkThousandServices();
        $failingServer = self::FIRST_SERVER + self::FAILING - 1;
        FakeApi::fault(['module' => 'eq', 'action' => 'show', 'kind' => 'status', 'status' => 500,
            'id' => (string) $failingServer, 'times' => 1]);
        FakeApi::settings(['call_delay_ms' => self::DELAY_MS]);

        $runs = 0;
        $longest = 0.0;
        $sessions = [];
        $slices = [];
        while (self::readCount() < self::SERVICES) {
            $readBefore = self::readCount();
            self::assertLessThan(self::MAX_RUNS, $runs, 'run ' . ($runs + 1) . ' is one too many: '
                . self::readCount() . ' of ' . self::SERVICES . ' read');
            $before = count(self::calls('auth', 'login'));
            $started = microtime(true);
            if ($runs === 0) {
                run_hook('DailyCronJob', []);
                $this->assertTheFailureStoppedNoOther($services);
            }
            run_hook('AfterCronJob', []);
            if ($runs === 0) {
                self::assertNotNull(self::mark($services[self::FAILING - 1])->read_at, 'retried by the next slice');
            }
            $took = microtime(true) - $started;
            $slices[] = sprintf('%d in %.1f s', self::readCount() - $readBefore, $took);
            $longest = max($longest, $took);
            self::assertLessThan(120.0, $took, 'cron run ' . ($runs + 1));
            $sessions[] = count(self::calls('auth', 'login')) - $before;
            $runs++;
        }
        fwrite(STDERR, sprintf(
            "\n  scale: %d services read in %d cron runs, longest %.1f s (%s)\n",
            self::SERVICES,
            $runs,
            $longest,
            implode(', ', $slices),
        ));

        // One session per slice: the daily run has the import's, its own and the five-minute one's.
        self::assertSame(3, $sessions[0]);
        self::assertSame(array_fill(0, $runs - 1, 1), array_slice($sessions, 1));
        $shown = array_count_values(array_map(
            static fn (array $c): string => (string) $c['params']['id'],
            self::calls('eq', 'show'),
        ));
        self::assertCount(self::SERVICES, $shown, 'every server read');
        self::assertSame(2, $shown[(string) $failingServer], 'the failing one twice');
        self::assertSame(self::SERVICES + 1, array_sum($shown), 'every other one once');

        $lines = array_merge(
            Capsule::table('mod_hostkeyresellermod_log')->where('action', 'status-sync')->pluck('response')->all(),
            Capsule::table('tblmodulelog')->where('action', 'status-sync')->pluck('response')->all(),
        );
        self::assertGreaterThanOrEqual(2 * ($runs + 1), count($lines), 'one line per slice in each log');
        foreach ($lines as $line) {
            self::assertLessThanOrEqual(2048, strlen((string) $line), (string) $line);
        }
    }

    public function testEveryCronRunHasItsHookAtPriorityOne(): void
    {
        self::assertCount(1, \WhmcsShim::$hooks['AfterCronJob'] ?? []);
        self::assertSame(1, \WhmcsShim::$hooks['AfterCronJob'][0]['priority']);
    }

    public function testTheAddonPageShowsLongListsAPageAtATime(): void
    {
        $this->install('ffi');
        $marks = [];
        for ($service = 1; $service <= 120; $service++) {
            $marks[] = ['service_id' => $service, 'read_at' => 1796600000, 'tried_at' => 1796600000,
                'failures' => $service === 77 ? 2 : 0,
                'cause' => $service === 77 ? 'The HOSTKEY API did not answer eq/show in time.' : ''];
        }
        Capsule::table('mod_hostkeyresellermod_sync')->insert($marks);
        $orders = [];
        for ($i = 1; $i <= 560; $i++) {
            $orders[] = ['service_id' => 1000 + $i, 'purpose' => 'order',
                'state' => $i <= 60 ? 'needs-attention' : 'linked', 'whmcs_invoice' => 0, 'servers_before' => 0,
                'detail' => 'Link service ' . (1000 + $i) . ' by hand.', 'updated_at' => '2026-12-01 00:00:00'];
        }
        Capsule::table('mod_hostkeyresellermod_orders')->insert($orders);

        $first = $this->page('view');
        self::assertStringContainsString(
            'Server status: 120 services, 1 failing; round started never (page 1 of 3)',
            $first,
        );
        self::assertStringContainsString('Orders waiting: 60 (page 1 of 2)', $first);
        self::assertStringContainsString('The HOSTKEY API did not answer eq/show in time.', $first, 'failing first');
        self::assertStringContainsString('Link service 1050 by hand.', $first);
        self::assertStringNotContainsString('Link service 1051 by hand.', $first);
        self::assertStringNotContainsString('Link service 1061 by hand.', $first, 'a linked order is not waiting');
        self::assertStringContainsString('name="status_page"', $first);

        $last = $this->page('view', ['status_page' => '3', 'orders_page' => '2']);
        self::assertStringContainsString('(page 3 of 3)', $last);
        self::assertStringContainsString('Orders waiting: 60 (page 2 of 2)', $last);
        self::assertStringContainsString('Link service 1060 by hand.', $last);
        self::assertStringNotContainsString('Link service 1050 by hand.', $last);
        self::assertStringNotContainsString('eq/show in time', $last);
    }

    /**
     * 1,000 services linked the way the module records a link, inserted in
     * bulk, and their servers on the reseller's HOSTKEY account.
     *
     * @return list<int> the service ids, in order
     */
    private function linkThousandServices(): array
    {
        $product = self::productId('HKP-vm.alpha (NL)');
        $first = 1 + (int) Capsule::table('tblhosting')->max('id');
        $hosting = [];
        $servers = [];
        for ($i = 0; $i < self::SERVICES; $i++) {
            $hosting[] = ['id' => $first + $i, 'userid' => 3, 'packageid' => $product,
                'domainstatus' => 'Active', 'regdate' => '2026-01-01', 'billingcycle' => 'Monthly',
                'domain' => 'scale-' . $i . '.example.test'];
            $servers[] = ['service_id' => $first + $i, 'server_id' => self::FIRST_SERVER + $i, 'power' => 'on',
                'hold' => '', 'pending_action' => '', 'pending_key' => '', 'action_at' => 0, 'detail' => ''];
        }
        foreach (array_chunk($hosting, 250) as $chunk) {
            Capsule::table('tblhosting')->insert($chunk);
        }
        foreach (array_chunk($servers, 250) as $chunk) {
            Capsule::table('mod_hostkeyresellermod_servers')->insert($chunk);
        }
        FakeApi::addServers(self::FIRST_SERVER, self::SERVICES);
        return range($first, $first + self::SERVICES - 1);
    }

    /** @param list<int> $services */
    private function assertTheFailureStoppedNoOther(array $services): void
    {
        $failing = self::mark($services[self::FAILING - 1]);
        self::assertNull($failing->read_at);
        self::assertSame(1, (int) $failing->failures);
        self::assertStringContainsString('HTTP status 500', (string) $failing->cause);
        foreach (array_slice($services, self::FAILING, 50) as $after) {
            self::assertNotNull(self::mark($after)->read_at, 'service ' . $after . ' after the failing one');
        }
        $line = (string) Capsule::table('mod_hostkeyresellermod_log')->where('action', 'status-sync')
            ->orderBy('id')->value('response');
        self::assertStringContainsString('1 failed. ', $line);
        self::assertStringContainsString('service ' . $services[self::FAILING - 1] . ': ', $line);
        self::assertMatchesRegularExpression('/ \d+ more are due today and follow in the next runs\./', $line);
    }

    private static function mark(int $service): object
    {
        $row = Capsule::table('mod_hostkeyresellermod_sync')->where('service_id', $service)->first();
        self::assertIsObject($row, 'service ' . $service . ' was tried');
        return $row;
    }

    private static function readCount(): int
    {
        return Capsule::table('mod_hostkeyresellermod_sync')->where('service_id', '>', 0)
            ->whereNotNull('read_at')->count();
    }
}
