<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\Host;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServiceParams;

/**
 * facts.json is the one home of the module's shared facts: the component and
 * the host have it built in, PHP reads it. These fail when a built component
 * or host says something else than the file PHP ships with, or when a PHP
 * file spells a fact itself again.
 */
final class FactsTest extends EndToEndCase
{
    /** @dataProvider transports */
    public function testTheComponentSaysWhatFactsJsonSays(string $transport): void
    {
        Host::useTransport($transport);
        $config = hostkeyresellermod_config();
        self::assertSame(Facts::displayName(), $config['name']);
        self::assertSame(Facts::description(), $config['description']);
        self::assertSame(Facts::author(), $config['author']);
        self::assertSame(Facts::defaultApiUrl(), $config['fields']['apiurl']['Default']);
        $meta = hostkeyresellermod_MetaData();
        self::assertSame(Facts::displayName(), $meta['DisplayName']);
        self::assertSame(Facts::whmcsApiVersion(), $meta['APIVersion']);
        self::assertSame(Facts::requiresServer(), $meta['RequiresServer']);
        self::assertSame(0, Db::count('tblmodulelog'), 'the answers came from the component, not the fallback');
    }

    public function testEveryCallCarriesTheFactsLimitsAndALongCallItsOwn(): void
    {
        $options = RuntimeOptions::fromEnvironment('/addon', 'https://invapi.hostkey.com/', [], null, 'x86_64');
        $call = Facts::limits('call');
        self::assertSame(['memory_mb', 'fuel', 'timeout_ms', 'http_timeout_ms'], array_keys($call));
        self::assertSame($call, array_intersect_key($options->toArray(), $call));
        self::assertSame(Facts::limits('long_call'), $options->longCallLimits());
        self::assertGreaterThan($call['fuel'], Facts::limits('long_call')['fuel']);
        self::assertGreaterThan($call['timeout_ms'], Facts::limits('long_call')['timeout_ms']);
    }

    public function testTheBridgeTakesTheLockNamesTheRuleAllowsAndNoOther(): void
    {
        $handler = new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform());
        $lock = static function (string $name) use ($handler): array {
            $handler->callStarted();
            try {
                return json_decode($handler->handle(json_encode(['op' => 'db.lock', 'args' => [
                    'name' => $name, 'timeout-ms' => 0,
                ]], JSON_THROW_ON_ERROR)), true, 8, JSON_THROW_ON_ERROR);
            } finally {
                $handler->callFinished();
            }
        };
        $module = Facts::moduleName();
        $longest = $module . str_repeat('x', 40 - strlen($module));
        self::assertTrue(Facts::isLockName($longest));
        foreach ([$module . '_catalogue', $module . '.service.4294967295', $longest] as $name) {
            self::assertSame(['ok' => true], $lock($name), $name);
        }
        foreach (['other_app', $longest . 'x', $module . "') OR 1", 'x' . $module] as $name) {
            self::assertFalse(Facts::isLockName($name), $name);
            self::assertSame('invalid', $lock($name)['error']['kind'] ?? null, $name);
        }
    }

    /**
     * The bridge turns WHMCS's status into the contract's case from facts.json's
     * list; the component (built from the same list) prints it back as WHMCS
     * spells it, which the client-area tests read.
     */
    public function testEveryStatusOfFactsJsonBecomesItsContractCase(): void
    {
        $statuses = Facts::serviceStatuses();
        $wit = (string) file_get_contents(dirname(ROOTDIR) . '/wit/whmcs.wit');
        self::assertSame(1, preg_match('/enum service-status \{(.*?)\}/s', $wit, $enum));
        preg_match_all('/^\s*([a-z-]+),\s*$/m', $enum[1], $cases);
        self::assertSame($cases[1], array_map('strtolower', $statuses), 'the contract has the same cases in order');
        foreach ($statuses as $status) {
            foreach ([$status, strtoupper($status), ' ' . $status] as $spelling) {
                self::assertSame(
                    strtolower($status),
                    ServiceParams::fromParams(['status' => $spelling])['service']['status'],
                    $spelling,
                );
            }
        }
        self::assertNull(ServiceParams::fromParams(['status' => 'Unknown'])['service']['status']);
    }

    /**
     * The facts are spelled in facts.json only: no PHP file of the module
     * writes the module's name or display name as a string of its own.
     */
    public function testNoModuleFileSpellsAFactAgain(): void
    {
        $found = [];
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(ROOTDIR . '/modules'));
        foreach ($files as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            $text = (string) file_get_contents($file->getPathname());
            foreach ([Facts::moduleName(), Facts::displayName(), Facts::defaultApiUrl()] as $fact) {
                if (str_contains($text, "'" . $fact . "'") || str_contains($text, '"' . $fact . '"')) {
                    $found[] = basename($file->getPathname()) . ': ' . $fact;
                }
            }
        }
        self::assertSame([], $found);
    }
}
