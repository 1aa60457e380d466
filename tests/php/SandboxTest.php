<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use HostkeyResellerMod\Tests\Support\OtherModules;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServerParams;
use WhmcsShim;

/**
 * The host's limits as WHMCS sees them, with the test-only probes component
 * (HOSTKEY_PROBES_WASM, built by `make build`): a runaway call ends as one
 * sentence, PHP survives, and the next call works.
 */
final class SandboxTest extends EndToEndCase
{
    private string $originalBinDir = '';
    private string $probeBinDir = '';

    protected function setUp(): void
    {
        parent::setUp();
        $probes = getenv('HOSTKEY_PROBES_WASM');
        if (!is_string($probes) || !is_file($probes)) {
            self::markTestSkipped('HOSTKEY_PROBES_WASM does not name the probes component');
        }
        $this->originalBinDir = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        $this->probeBinDir = sys_get_temp_dir() . '/hkrm-probes-' . bin2hex(random_bytes(4));
        mkdir($this->probeBinDir);
        foreach (['libhostkey_host.so', 'hostkey_host.h', 'hostkey-host'] as $file) {
            symlink($this->originalBinDir . '/' . $file, $this->probeBinDir . '/' . $file);
        }
        copy($probes, $this->probeBinDir . '/hostkey_guest.wasm');
        putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->probeBinDir);
    }

    protected function tearDown(): void
    {
        OtherModules::forget();
        if ($this->probeBinDir !== '') {
            putenv('HOSTKEYRESELLERMOD_BIN_DIR=' . $this->originalBinDir);
            array_map('unlink', glob($this->probeBinDir . '/*') ?: []);
            rmdir($this->probeBinDir);
        }
        putenv('HOSTKEYRESELLERMOD_FUEL');
        putenv('HOSTKEYRESELLERMOD_MEMORY_MB');
        parent::tearDown();
    }

    /** @return array<string, mixed> */
    private static function probe(string $name): array
    {
        return ['serverusername' => 'probe:' . $name] + self::serverParams();
    }

    /** @dataProvider transports */
    public function testARunawayLoopRunsOutOfFuelAndPhpCarriesOn(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_FUEL' => '200000000']);
        $answer = hostkeyresellermod_TestConnection(self::probe('loop'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('CPU budget', $answer['error']);
        self::assertSame('success', hostkeyresellermod_activate()['status'], 'the next call works');
    }

    /** @dataProvider transports */
    public function testARunawayAllocationHitsTheMemoryCap(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_MEMORY_MB' => '48']);
        $answer = hostkeyresellermod_TestConnection(self::probe('alloc'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('memory', $answer['error']);
    }

    /** @dataProvider transports */
    public function testAWallClockTimeoutEndsTheCall(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_TIMEOUT_MS' => '300']);
        $answer = hostkeyresellermod_TestConnection(self::probe('loop'));
        self::assertFalse($answer['success']);
        // The host's own sentence says the wall clock ended it (not fuel, not a trap).
        self::assertStringContainsString('longer than its 300 ms limit', $answer['error']);
    }

    /** @dataProvider transports */
    public function testTheComponentCannotReadTheAdminsTable(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_TestConnection(self::probe('table'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('tbladmins', $answer['error']);
        self::assertStringContainsString('not', $answer['error']);
        self::assertStringNotContainsString('admin@whmcs.example.test', $answer['error']);
        self::assertSame(0, Db::count('tblmodulelog'));
    }

    /** @return array<string, mixed> a probe that sends one request outside the grants */
    private static function grantProbe(string $request): array
    {
        return ['serverusername' => 'probe:grant', 'serverhostname' => $request] + self::serverParams();
    }

    /** @dataProvider transports */
    public function testTheCreateTablePayloadIsRefusedByTheHost(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_TestConnection(self::grantProbe('create-table-injection'));
        self::assertFalse($answer['success']);
        self::assertStringContainsString('the default of the column `module` is refused', $answer['error']);
        self::assertFalse(Db::tableExists('mod_hostkeyresellermod_log'));
    }

    /** @dataProvider transports */
    public function testRequestsOutsideTheGrantsAreRefusedByTheHost(string $transport): void
    {
        Host::useTransport($transport);
        Capsule::table('tblhosting')->insert(['userid' => 1, 'domainstatus' => 'Active']);
        $tables = ['tblclients', 'tblcurrencies', 'tbladdonmodules', 'tblproducts', 'tblhosting'];
        $before = Db::dump($tables);
        $refusals = [
            'clients-password' => 'may not read the column `tblclients`.`password`',
            'clients-every-column' => 'a select on `tblclients` must name the columns it reads',
            'other-modules-settings' => 'must carry the condition `module` = \'hostkeyresellermod\'',
            'delete-every-currency' => 'may not delete rows of `tblcurrencies`',
            'delete-products-not-in' => 'the delete on `tblproducts` must pin its rows',
            'update-every-service' => 'the update on `tblhosting` must pin its rows',
            'sso-token' => 'may not call the WHMCS API command `CreateSsoToken`',
            'send-email' => 'the WHMCS API command `SendEmail` takes exactly the parameters id, messagename',
            'decrypt-server-password' => 'may not decrypt `tblservers`.`password`',
        ];
        foreach ($refusals as $probe => $refusal) {
            $answer = hostkeyresellermod_TestConnection(self::grantProbe($probe));
            self::assertFalse($answer['success'], $probe);
            self::assertStringContainsString($refusal, $answer['error'], $probe);
        }
        self::assertSame($before, Db::dump($tables));
    }

    /** @dataProvider transports */
    public function testTheHostRefusesABridgeWhoseGrantsDiffer(string $transport): void
    {
        $declaration = json_decode((string) file_get_contents(Grants::FILE), true, 64, JSON_THROW_ON_ERROR);
        $declaration['tables']['tblclients']['select'][] = 'password';
        $edited = Grants::fromJson(json_encode($declaration, JSON_THROW_ON_ERROR));
        $bridge = static function (Grants $grants) use ($transport): Bridge {
            $env = ['HOSTKEYRESELLERMOD_TRANSPORT' => $transport, 'HOSTKEYRESELLERMOD_BIN_DIR' => (string) getenv(
                'HOSTKEYRESELLERMOD_BIN_DIR'
            )];
            $options = RuntimeOptions::fromEnvironment('/nowhere', 'http://127.0.0.1:9/', $env, $grants);
            $handler = new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform(), $grants);
            return new Bridge((new TransportFactory($options, $transport, $env))->create(), $handler);
        };
        self::assertIsArray($bridge(Grants::shipped())->call('addon.config'), 'the shipped copy agrees');
        try {
            $bridge($edited)->call('addon.config');
            self::fail('the host ran with grants that differ from its own');
        } catch (ComponentFault $fault) {
            self::assertStringContainsString('differs from the grants built into this host', $fault->getMessage());
        }
    }

    /**
     * The hostile component's tricks against other modules' rows (issue 22),
     * through the real host and bridge: each refused, or reaching none of
     * their rows; the tables and the platform calls unchanged.
     *
     * @dataProvider transports
     */
    public function testAHostileComponentCannotReachOtherModulesRows(string $transport): void
    {
        Host::useTransport($transport);
        OtherModules::seed();
        $cpanel = OtherModules::CPANEL_SERVICE;
        $field = OtherModules::CPANEL_FIELD;
        $tricks = [
            'cancel-every-active-service' => 'the update on `tblhosting` must name its rows by `id`',
            'cancel-services:' . $cpanel => 'updated 0 services',
            'read-services' => 'read services [' . OtherModules::OUR_SERVICE . ']',
            'decrypt-password:' . $cpanel => 'may not decrypt `tblhosting`.`password` of row ' . $cpanel
                . ': the row is not one of its own',
            'read-field-values:' . $field => 'read 0 field values []',
            'overwrite-field-values:' . $field => 'overwrote 0 field values',
            'insert-field-value:' . $field . ',' . $cpanel => 'may only insert rows of `tblcustomfieldsvalues`',
            'delete-cpanel-products' => 'the delete on `tblproducts` must name its rows by `id`',
            'delete-products:' . OtherModules::CPANEL_PRODUCT => 'deleted 0 products',
            'adopt-products:' . OtherModules::CPANEL_PRODUCT => 'adopted 0 products',
            'free-form-email:' . OtherModules::OUR_SERVICE => 'takes exactly the parameters id, messagename',
            'email-service:' . $cpanel => 'may not be called with that `id`',
        ];
        $before = Db::dump(OtherModules::TABLES);
        WhmcsShim::reset();
        foreach ($tricks as $probe => $outcome) {
            $said = self::grantProbeAnswer($probe);
            self::assertStringContainsString($outcome, $said, $probe);
            self::assertStringNotContainsString(OtherModules::CPANEL_SECRET, $said);
            self::assertStringNotContainsString(OtherModules::CPANEL_PASSWORD, $said);
        }
        self::assertSame($before, Db::dump(OtherModules::TABLES));
        self::assertSame([], WhmcsShim::$localApiCalls, 'no email was sent');
    }

    /** The component's whole answer to a grant probe, summary or refusal. */
    private static function grantProbeAnswer(string $probe): string
    {
        $server = ServerParams::fromParams(self::grantProbe($probe));
        $answer = Components::bridge()->call('provisioning.test-connection', ['server' => $server]);
        return (string) json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** @dataProvider transports */
    public function testTheModulesOwnRowsStayWithinReachOfTheComponent(string $transport): void
    {
        Host::useTransport($transport);
        OtherModules::seed();
        $ids = OtherModules::OUR_SERVICE . ',' . OtherModules::CPANEL_SERVICE;
        self::assertStringContainsString('updated 1 services', self::grantProbeAnswer('cancel-services:' . $ids));
        self::assertSame(
            [OtherModules::OUR_SERVICE => 'Cancelled', OtherModules::CPANEL_SERVICE => 'Active'],
            Capsule::table('tblhosting')->orderBy('id')->pluck('domainstatus', 'id')->all(),
        );
    }
}
