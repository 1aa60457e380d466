<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Database\Capsule;

/**
 * Another module's rows beside the module's own, for the hostile-component
 * suite: a cPanel product with a service, a custom field and its value, next to
 * one product of this module with the same, and WHMCS's stock email templates.
 */
final class OtherModules
{
    public const OUR_PRODUCT = 901;
    public const CPANEL_PRODUCT = 902;
    public const OUR_SERVICE = 9010;
    public const CPANEL_SERVICE = 9020;
    public const OUR_FIELD = 90100;
    public const CPANEL_FIELD = 90200;
    public const CPANEL_SECRET = 'cpanel-token-5e3c';
    public const CPANEL_PASSWORD = 'cPanel-r00t-pass';
    public const WELCOME = 'Hosting Account Welcome Email';
    public const TEMPLATES = ['tblemailtemplates'];
    /** The tables every trick is after; a dump of them must not change. */
    public const TABLES = ['tblproducts', 'tblhosting', 'tblcustomfields', 'tblcustomfieldsvalues', 'tblpricing',
        'tblemailtemplates', 'tblclients'];

    public static function seed(): void
    {
        Capsule::table('tblproducts')->insert([
            ['id' => self::OUR_PRODUCT, 'gid' => 1, 'name' => 'HKP-vm (NL)', 'servertype' => 'hostkeyresellermod'],
            ['id' => self::CPANEL_PRODUCT, 'gid' => 1, 'name' => 'cPanel Pro', 'servertype' => 'cpanel'],
        ]);
        Capsule::table('tblhosting')->insert([
            ['id' => self::OUR_SERVICE, 'userid' => 1, 'packageid' => self::OUR_PRODUCT, 'domainstatus' => 'Active',
                'password' => encrypt('our-r00t-pass')],
            ['id' => self::CPANEL_SERVICE, 'userid' => 2, 'packageid' => self::CPANEL_PRODUCT,
                'domainstatus' => 'Active', 'password' => encrypt(self::CPANEL_PASSWORD)],
        ]);
        Capsule::table('tblcustomfields')->insert([
            ['id' => self::OUR_FIELD, 'type' => 'product', 'relid' => self::OUR_PRODUCT, 'fieldname' => 'Api key'],
            ['id' => self::CPANEL_FIELD, 'type' => 'product', 'relid' => self::CPANEL_PRODUCT,
                'fieldname' => 'cPanel token'],
        ]);
        Capsule::table('tblcustomfieldsvalues')->insert([
            ['fieldid' => self::OUR_FIELD, 'relid' => self::OUR_SERVICE, 'value' => 'our-key'],
            ['fieldid' => self::CPANEL_FIELD, 'relid' => self::CPANEL_SERVICE, 'value' => self::CPANEL_SECRET],
        ]);
        self::forget();
        Capsule::table('tblemailtemplates')->insert([
            ['type' => 'product', 'name' => self::WELCOME, 'subject' => 'Welcome'],
            ['type' => 'general', 'name' => 'Password Reset Validation', 'subject' => 'Reset'],
        ]);
    }

    /** tblemailtemplates is not a scratch table: the seeded templates go again. */
    public static function forget(): void
    {
        Capsule::table('tblemailtemplates')
            ->whereIn('name', [self::WELCOME, 'Password Reset Validation'])
            ->delete();
    }
}
