<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;

/**
 * The real module files, the real host and component, MariaDB and the fake
 * HOSTKEY API: every test runs through both transports.
 */
final class EndToEndTest extends EndToEndCase
{
    /** @dataProvider transports */
    public function testActivateCreatesTheModuleTablesWithDefaultRows(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_activate();
        self::assertSame('success', $answer['status'], $answer['description']);
        self::assertNotSame('', $answer['description']);
        foreach (Db::MODULE_TABLES as $table) {
            self::assertTrue(Db::tableExists($table), $table . ' exists');
        }
        $groups = array_column(Db::rows('mod_hostkeyresellermodimportsettings'), 'group');
        self::assertSame(['vps', 'bm', 'gpu', 'round', 'template', 'sort'], $groups);
        self::assertSame(0, Db::count('mod_hostkeyresellermod'));
        self::assertSame(0, Db::count('tblmodulelog'), 'no failure was logged');
    }

    /** @dataProvider transports */
    public function testActivatingTwiceChangesNothing(string $transport): void
    {
        Host::useTransport($transport);
        self::assertSame('success', hostkeyresellermod_activate()['status']);
        $before = $this->moduleTables();
        $again = hostkeyresellermod_activate();
        self::assertSame('success', $again['status'], $again['description']);
        self::assertSame($before, $this->moduleTables());
        self::assertSame(6, Db::count('mod_hostkeyresellermodimportsettings'));
    }

    /** @dataProvider transports */
    public function testTestConnectionSucceedsAgainstTheFakeApi(string $transport): void
    {
        Host::useTransport($transport);
        $this->configure(FakeApi::VALID_KEY);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertSame(['success' => true, 'error' => ''], $answer);
        $modules = array_column(FakeApi::calls(), 'module');
        self::assertContains('auth', $modules, 'the component logged in at the fake API');
    }

    /** @dataProvider transports */
    public function testABadKeyIsRefusedInOneSentenceThatNeverLeaksTheKey(string $transport): void
    {
        Host::useTransport($transport);
        $badKey = 'hk-wrong-key-9f8e7d6c5b4a39281706';
        $this->configure($badKey);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertFalse($answer['success']);
        self::assertStringContainsString('refused', $answer['error']);
        self::assertStringNotContainsString($badKey, $answer['error']);
        self::assertGreaterThan(0, Db::count('tblmodulelog'), 'the API call was logged');
        self::assertStringNotContainsString($badKey, Db::allLogText());
    }

    /** @dataProvider transports */
    public function testAnAccountWithoutServersIsRefusedClearly(string $transport): void
    {
        Host::useTransport($transport);
        $this->configure(FakeApi::EMPTY_KEY);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertFalse($answer['success']);
        self::assertStringContainsString('No appropriate servers found', $answer['error']);
        self::assertStringNotContainsString(FakeApi::EMPTY_KEY, Db::allLogText());
    }

    /** @dataProvider transports */
    public function testAnApiTimeoutIsAClearSentence(string $transport): void
    {
        Host::useTransport($transport, ['HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => '800']);
        $this->configure(FakeApi::VALID_KEY);
        FakeApi::fault(['module' => 'auth', 'kind' => 'delay', 'delay_ms' => 2500, 'times' => 1]);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertFalse($answer['success']);
        self::assertMatchesRegularExpression('/\bin time\b|timed out|timeout/i', $answer['error']);
        self::assertStringNotContainsString('unexpectedly', $answer['error']);
    }

    /** @dataProvider transports */
    public function testMalformedJsonFromTheApiIsAClearSentence(string $transport): void
    {
        Host::useTransport($transport);
        $this->configure(FakeApi::VALID_KEY);
        FakeApi::fault(['module' => 'auth', 'kind' => 'body', 'body' => '{"result": {not json', 'times' => 1]);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertFalse($answer['success']);
        self::assertStringContainsString('JSON', $answer['error']);
        self::assertStringContainsString('auth', $answer['error']);
    }

    /** @dataProvider transports */
    public function testConfigIsWhmcsFieldSchema(string $transport): void
    {
        Host::useTransport($transport);
        $config = hostkeyresellermod_config();
        self::assertSame('HOSTKEY Reseller', $config['name']);
        $cargo = (string) file_get_contents(dirname(ROOTDIR) . '/Cargo.toml');
        self::assertSame(1, preg_match('/^\[workspace\.package\]\nversion = "([^"]+)"/m', $cargo, $workspace));
        self::assertSame($workspace[1], $config['version'], 'the version is the Cargo workspace version');
        self::assertSame('password', $config['fields']['apikey']['Type']);
        self::assertSame('API key', $config['fields']['apikey']['FriendlyName']);
        self::assertSame('https://invapi.hostkey.com/', $config['fields']['apiurl']['Default']);
        self::assertSame('60', $config['fields']['apiurl']['Size']);
        self::assertSame('dropdown', $config['fields']['transport']['Type']);
        self::assertSame(['auto', 'ffi', 'cli'], array_keys($config['fields']['transport']['Options']));
        self::assertArrayNotHasKey('Options', $config['fields']['apikey']);
        self::assertSame(0, Db::count('tblmodulelog'), 'the answer came from the component, not the fallback');
    }

    /** @dataProvider transports */
    public function testMetaDataAndConfigOptionsAreWhmcsArrays(string $transport): void
    {
        Host::useTransport($transport);
        $meta = hostkeyresellermod_MetaData();
        self::assertSame('1.1', $meta['APIVersion']);
        self::assertIsBool($meta['RequiresServer']);
        self::assertNotSame('', $meta['DisplayName']);
        $options = hostkeyresellermod_ConfigOptions();
        self::assertNotEmpty($options);
        foreach ($options as $field) {
            self::assertArrayHasKey('FriendlyName', $field);
            self::assertContains($field['Type'], ['text', 'password', 'yesno', 'dropdown', 'radio', 'textarea']);
        }
        self::assertSame(0, Db::count('tblmodulelog'), 'the answers came from the component, not the fallback');
    }

    /** @dataProvider transports */
    public function testTheComponentsSentencePassesThrough(string $transport): void
    {
        Host::useTransport($transport);
        $answer = hostkeyresellermod_CreateAccount(self::serviceParams());
        self::assertSame('Service 12 is not a service of a HOSTKEY product.', $answer);
        $page = hostkeyresellermod_ClientArea(self::serviceParams());
        self::assertSame('templates/error', $page['templatefile']);
        self::assertSame('This service is not a HOSTKEY server.', $page['vars']['errorMessage']);
    }

    /** @return array<string, list<array<string, mixed>>> */
    private function moduleTables(): array
    {
        $tables = [];
        foreach (Db::MODULE_TABLES as $table) {
            $tables[$table] = Db::rows($table);
        }
        return $tables;
    }
}
