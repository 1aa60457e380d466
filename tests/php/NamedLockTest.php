<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use Illuminate\Database\MySqlConnection;
use PDO;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;

/**
 * `db.lock` / `db.unlock` over MariaDB's GET_LOCK: another session sees the
 * lock, only the module's names are taken, and a call never leaves one held.
 */
final class NamedLockTest extends TestCase
{
    private const NAME = 'hostkeyresellermod_catalogue';

    private CapabilityHandler $handler;
    private CapsuleDatabase $rival;

    protected function setUp(): void
    {
        Db::reset();
        $this->handler = new CapabilityHandler(
            new CapsuleDatabase(Capsule::connection()),
            new MemoryPlatform(),
        );
        $this->rival = self::otherSession();
    }

    protected function tearDown(): void
    {
        $this->rival->unlock(self::NAME);
    }

    /** A second MariaDB session on the same database, as a second PHP process has. */
    public static function otherSession(): CapsuleDatabase
    {
        $socket = (string) getenv('HOSTKEYRESELLERMOD_DB_SOCKET');
        $pdo = new PDO('mysql:unix_socket=' . $socket . ';dbname=whmcs', 'root', '');
        return new CapsuleDatabase(new MySqlConnection($pdo, 'whmcs'));
    }

    /** @param array<string, mixed> $args */
    private function ask(string $op, array $args): array
    {
        $answer = $this->handler->handle(json_encode(['op' => $op, 'args' => $args], JSON_THROW_ON_ERROR));
        return json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }

    public function testALockIsSeenByAnotherSessionUntilItIsReleased(): void
    {
        $this->handler->callStarted();
        self::assertSame(['ok' => true], $this->ask('db.lock', ['name' => self::NAME, 'timeout-ms' => 0]));
        $again = $this->ask('db.lock', ['name' => self::NAME, 'timeout-ms' => 0]);
        self::assertSame(['ok' => false], $again, 'locks do not nest');
        self::assertFalse($this->rival->lock(self::NAME, 0), 'the other session waits');
        self::assertSame(['ok' => true], $this->ask('db.unlock', ['name' => self::NAME]));
        self::assertSame(['ok' => false], $this->ask('db.unlock', ['name' => self::NAME]));
        $this->handler->callFinished();
        self::assertTrue($this->rival->lock(self::NAME, 0));
        self::assertSame(['ok' => false], $this->ask('db.lock', ['name' => self::NAME, 'timeout-ms' => 50]));
    }

    public function testTheEndOfACallReleasesTheLocksItLeftHeld(): void
    {
        $this->handler->callStarted();
        self::assertSame(['ok' => true], $this->ask('db.lock', ['name' => self::NAME, 'timeout-ms' => 0]));
        // The call ends without unlock, as a trapped or stopped component would.
        $this->handler->callFinished();
        self::assertTrue($this->rival->lock(self::NAME, 0), 'released with the call');
    }

    public function testOnlyTheModulesOwnLockNamesAreTaken(): void
    {
        foreach (['other_app', "hostkeyresellermod') OR 1=1 -- ", str_repeat('hostkeyresellermod', 3), ''] as $name) {
            $answer = $this->ask('db.lock', ['name' => $name, 'timeout-ms' => 0]);
            self::assertSame('invalid', $answer['error']['kind'] ?? null, json_encode($answer));
        }
        $answer = $this->ask('db.lock', ['name' => self::NAME, 'timeout-ms' => -1]);
        self::assertSame('invalid', $answer['error']['kind'] ?? null);
        self::assertTrue($this->rival->lock(self::NAME, 0), 'nothing was taken');
    }
}
