<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\MemoryPlatform;
use HostkeyResellerMod\Tests\Support\ScriptedTransport;
use PHPUnit\Framework\TestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;

/**
 * The bridge's side of the protocol, with a scripted transport.
 */
final class BridgeTest extends TestCase
{
    protected function setUp(): void
    {
        Db::reset();
    }

    private function bridge(ScriptedTransport $transport): Bridge
    {
        return new Bridge(
            $transport,
            new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform()),
        );
    }

    public function testTheCallLineNamesTheExportAndItsArguments(): void
    {
        $transport = new ScriptedTransport('{"value":{"ok":null}}');
        $this->bridge($transport)->result('provisioning.test-connection', ['server' => null]);
        self::assertSame(['{"call":"provisioning.test-connection","args":{"server":null}}'], $transport->calls);
        $this->bridge($transport)->call('addon.activate');
        self::assertSame('{"call":"addon.activate","args":{}}', $transport->calls[1]);
    }

    public function testLongCallsCarryTheirOwnLimits(): void
    {
        $transport = new ScriptedTransport('{"value":{"ok":null}}');
        $bridge = new Bridge(
            $transport,
            new CapabilityHandler(new CapsuleDatabase(Capsule::connection()), new MemoryPlatform()),
            ['timeout_ms' => 600000, 'fuel' => 500000000000],
        );
        foreach (Bridge::LONG_CALLS as $function) {
            $bridge->call($function, ['source' => ['ini' => null, 'trigger' => 'manual']]);
        }
        $bridge->call('addon.config');
        self::assertCount(6, $transport->calls);
        foreach (array_slice($transport->calls, 0, 5) as $index => $line) {
            self::assertStringEndsWith(',"limits":{"timeout_ms":600000,"fuel":500000000000}}', $line);
            self::assertSame(Bridge::LONG_CALLS[$index], json_decode($line, true)['call']);
        }
        self::assertSame('{"call":"addon.config","args":{}}', $transport->calls[5]);
    }

    /**
     * LONG_CALLS names exports of the contract (a renamed export would lose its
     * limits without a word), and every export that runs an import is in it.
     */
    public function testTheLongCallsAreTheContractsImportingExports(): void
    {
        $wit = (string) file_get_contents(__DIR__ . '/../../wit/whmcs.wit');
        $exports = [];
        preg_match_all('/^interface ([a-z-]+) \{(.*?)^\}/ms', $wit, $interfaces, PREG_SET_ORDER);
        foreach ($interfaces as [, $interface, $body]) {
            preg_match_all('/^\s*%?([a-z][a-z-]*): func\(([^)]*)\) -> ([^;]+);/m', $body, $functions, PREG_SET_ORDER);
            foreach ($functions as [, $function, $params, $result]) {
                $exports[$interface . '.' . $function] = $params . ' -> ' . $result;
            }
        }
        self::assertArrayHasKey('addon.config', $exports, 'the contract was read');
        foreach (Bridge::LONG_CALLS as $call) {
            self::assertArrayHasKey($call, $exports, $call . ' is an export of wit/whmcs.wit');
        }
        $importing = array_keys(array_filter(
            $exports,
            static fn (string $signature): bool => str_contains($signature, 'import-report'),
        ));
        self::assertNotEmpty($importing);
        self::assertSame([], array_values(array_diff($importing, Bridge::LONG_CALLS)), 'imports get the long limits');
    }

    public function testALongCallRaisesPhpsOwnTimeLimitButNeverSetsOne(): void
    {
        $bridge = $this->bridge(new ScriptedTransport('{"value":{"ok":null}}'));
        $previous = ini_get('max_execution_time');
        try {
            set_time_limit(30);
            $bridge->call('addon.config');
            self::assertSame('30', ini_get('max_execution_time'), 'a short call leaves it');
            $bridge->call('addon.import');
            self::assertSame('630', ini_get('max_execution_time'), '600 s and a margin');
            set_time_limit(0);
            $bridge->call('addon.import');
            self::assertSame('0', ini_get('max_execution_time'), 'unlimited stays unlimited');
        } finally {
            set_time_limit((int) $previous);
        }
    }

    public function testValuesAndOkResultsAreDecoded(): void
    {
        $value = $this->bridge(new ScriptedTransport('{"value":{"name":"HOSTKEY","fields":[]}}'))->call('addon.config');
        self::assertSame(['name' => 'HOSTKEY', 'fields' => []], $value);
        $ok = $this->bridge(new ScriptedTransport('{"value":{"ok":"done"}}'))->result('addon.deactivate');
        self::assertSame('done', $ok);
    }

    public function testAnErrResultBecomesAComponentErrorWithItsSentence(): void
    {
        $err = '{"value":{"err":{"invalid-input":"Not a service of this module."}}}';
        $bridge = $this->bridge(new ScriptedTransport($err));
        try {
            $bridge->result('provisioning.create', ['params' => []]);
            self::fail('expected a ComponentError');
        } catch (ComponentError $e) {
            self::assertSame('invalid-input', $e->case());
            self::assertSame('Not a service of this module.', $e->getMessage());
        }
    }

    public function testAFaultBecomesAComponentFault(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage('The call ran out of fuel.');
        $this->bridge(new ScriptedTransport('{"fault":"The call ran out of fuel."}'))->call('addon.import');
    }

    /** @return array<string, array{0: string}> */
    public static function brokenAnswers(): array
    {
        return [
            'not json' => ['{"value":'],
            'neither value nor fault' => ['{"answer":1}'],
            'a list' => ['[1,2]'],
        ];
    }

    /** @dataProvider brokenAnswers */
    public function testABrokenAnswerIsAFault(string $answer): void
    {
        $this->expectException(ComponentFault::class);
        $this->bridge(new ScriptedTransport($answer))->call('addon.config');
    }

    public function testAResultCallRefusesAPlainValue(): void
    {
        $this->expectException(ComponentFault::class);
        $this->expectExceptionMessage('not a result');
        $this->bridge(new ScriptedTransport('{"value":"plain"}'))->result('addon.deactivate');
    }

    public function testCapabilityRequestsDuringTheCallAreAnswered(): void
    {
        $transport = new ScriptedTransport('{"value":{"ok":null}}', [
            '{"op":"db.select","args":{"statement":{"table":"tblcurrencies","columns":["code"],"conditions":'
                . '[{"column":"default","comparison":"eq","values":[1]}],"order":[],"limit":1,"for-update":false}}}',
            '{"op":"platform.system-url","args":{}}',
        ]);
        $this->bridge($transport)->result('addon.activate');
        self::assertSame('{"ok":{"columns":["code"],"rows":[["EUR"]]}}', $transport->replies[0]);
        self::assertSame('{"ok":"https://whmcs.example.test/"}', $transport->replies[1]);
    }

    public function testATransactionLeftOpenByTheCallIsRolledBack(): void
    {
        $transport = new ScriptedTransport('{"fault":"trapped"}', [
            '{"op":"db.begin","args":{}}',
            '{"op":"db.insert","args":{"statement":{"table":"tblproductgroups","columns":["name"],"rows":[["x"]]}}}',
        ]);
        try {
            $this->bridge($transport)->result('addon.import');
            self::fail('expected a fault');
        } catch (ComponentFault) {
            self::assertSame(0, Capsule::connection()->transactionLevel());
            self::assertSame(0, Db::count('tblproductgroups'));
        }
    }
}
