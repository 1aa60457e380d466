<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Catalogue;
use HostkeyResellerMod\Tests\Support\Db;
use HostkeyResellerMod\Tests\Support\EndToEndCase;
use HostkeyResellerMod\Tests\Support\FakeApi;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AddonModule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\AdminPageView;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\ImportIni;

/**
 * An API key that URL and JSON encoding change (`/`, `+`, `=`, a space) is
 * masked in every form, in WHMCS's module log and in the module's own log,
 * across every call the module logs: activation, test connection (ok and
 * refused with the key echoed), and an import with logging on.
 */
final class SecretMaskingTest extends EndToEndCase
{
    private const KEY = 'Sk/3cr3t+K3y=Qz 7';

    /** @return list<string> the key as PHP and the module may write it */
    private static function forms(): array
    {
        $forms = [
            self::KEY,
            urlencode(self::KEY),
            rawurlencode(self::KEY),
            json_encode(self::KEY),
            json_encode(self::KEY, JSON_UNESCAPED_SLASHES),
        ];
        foreach ([urlencode(self::KEY), rawurlencode(self::KEY)] as $encoded) {
            $lower = static fn (array $m): string => strtolower($m[0]);
            $forms[] = (string) preg_replace_callback('/%[0-9A-F]{2}/', $lower, $encoded);
        }
        // Without the JSON quotes, and the parts long enough to identify the key.
        $forms = array_map(static fn (string $f): string => trim($f, '"'), $forms);
        $forms[] = '3cr3t%2BK3y';
        $forms[] = '3cr3t%2bK3y';
        $forms[] = '3cr3t+K3y';
        return array_values(array_unique($forms));
    }

    /** @return array<string, string> every logged text, keyed by where it is */
    private static function loggedTexts(): array
    {
        $texts = [];
        foreach (['tblmodulelog', 'mod_hostkeyresellermod_log'] as $table) {
            foreach (Capsule::table($table)->get()->all() as $row) {
                foreach ((array) $row as $column => $value) {
                    $texts[$table . '#' . $row->id . '.' . $column] = (string) $value;
                }
            }
        }
        return $texts;
    }

    /** @dataProvider transports */
    public function testTheKeyIsMaskedInEveryEncodingInBothLogs(string $transport): void
    {
        $this->requireFakeApi();
        FakeApi::addAccount(self::KEY);
        FakeApi::catalogue(Catalogue::presets());
        Host::useTransport($transport);
        $this->configure(self::KEY);
        Db::setSettings(['logging' => 'on']);

        self::assertSame('success', hostkeyresellermod_activate()['status']);
        $answer = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertTrue($answer['success'], $answer['error'] ?? '');

        // HOSTKEY echoes the key it refuses, JSON-escaped and form-encoded.
        $echo = json_encode(['result' => -1, 'code' => 'INVALID_KEY',
            'error' => 'Invalid API key ' . self::KEY . ' (key=' . urlencode(self::KEY) . ')']);
        FakeApi::fault(['module' => 'auth', 'action' => 'login', 'kind' => 'body', 'body' => $echo, 'times' => 1]);
        $refused = hostkeyresellermod_TestConnection(self::serverParams());
        self::assertFalse($refused['success']);
        foreach (self::forms() as $form) {
            self::assertStringNotContainsString($form, $refused['error']);
        }

        $report = $this->addonImport();
        self::assertGreaterThan(0, (int) ($report['products-created'] ?? 0), json_encode($report));

        $texts = self::loggedTexts();
        $joined = implode("\n", $texts);
        self::assertStringContainsString('auth/login', $joined, 'the API calls were logged');
        self::assertStringContainsString('key=***', $joined);
        self::assertGreaterThan(0, Capsule::table('mod_hostkeyresellermod_log')->count());
        foreach ($texts as $where => $text) {
            foreach (self::forms() as $form) {
                self::assertStringNotContainsString($form, $text, $where . ' leaks the key as ' . $form);
            }
        }
    }

    /** @return array<string, mixed> */
    private function addonImport(): array
    {
        return (new AddonModule(
            Components::bridge(),
            new AdminPageView(ROOTDIR . '/modules/addons/hostkeyresellermod/templates'),
            new ImportIni(sys_get_temp_dir() . '/hkrm-none/import.ini'),
        ))->import(false);
    }
}
