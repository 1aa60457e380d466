<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Database\Capsule;

/**
 * What a service looks like in WHMCS's tables and what the fake HOSTKEY API
 * was asked, read the same way by every lifecycle test.
 */
trait ServiceRows
{
    /** @return list<array<string, mixed>> the fake API's calls of one module/action, in order */
    protected static function calls(string $module, string $action): array
    {
        return array_values(array_filter(FakeApi::calls(), static fn (array $c): bool =>
            $c['module'] === $module && $c['action'] === $action));
    }

    protected static function status(int $service): string
    {
        return (string) Capsule::table('tblhosting')->where('id', $service)->value('domainstatus');
    }

    /** A custom field's value for the service ('' when it has none). */
    protected static function field(int $service, string $name): string
    {
        return (string) Capsule::table('tblcustomfieldsvalues as v')
            ->join('tblcustomfields as f', 'f.id', '=', 'v.fieldid')
            ->where('v.relid', $service)->where('f.fieldname', $name)->value('v.value');
    }
}
