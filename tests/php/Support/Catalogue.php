<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

/**
 * The test catalogue the fake API serves (POST /_control/catalogue), in the
 * shape `presets/info` returns. Prices are EUR only on purpose: the module
 * asks for the reseller's currency (EUR), so USD and GBP are converted
 * through WHMCS's rates (USD 1.08, GBP 0.86, EUR 1 the default).
 *
 *   1001 vm.alpha   VPS, NL 4.13 / FI 5.07 / RU 3.00 (RU skipped by default);
 *                   OS Ubuntu (0) and Windows (15.33), soft Docker (1.99),
 *                   traffic NL #25 (0) and #26 (5.55), FI #31 (0), RU #41
 *   2001 bm.beta    bare metal, NL 89.99; OS Ubuntu, no soft, traffic NL #4
 *   3001 gpu.gamma  GPU, FI 250.25; traffic FI #33 (0) and #35 (0.125)
 *   3002 vgpu.delta GPU, inactive, NL 99.00
 *   1003 vm.soon    no prices: skipped
 *   9001 stor.s1    a prefix the module does not sell: skipped
 */
final class Catalogue
{
    /** The admin page's settings form used by most tests. */
    public const SETTINGS = [
        'vps_import' => 'yes', 'vps_markup' => '10', 'vps_unit' => '%',
        'bm_import' => 'yes', 'bm_markup' => '5', 'bm_unit' => 'USD',
        'gpu_import' => 'yes', 'gpu_markup' => '0', 'gpu_unit' => '%',
        'round' => '0', 'template' => '0', 'sort' => 'none',
    ];

    /** The tables the import writes; a dump of them shows what it changed. */
    public const TABLES = [
        'tblproductgroups', 'tblproducts', 'tblproducts_slugs', 'tblpricing', 'tblproductconfiggroups',
        'tblproductconfiglinks', 'tblproductconfigoptions', 'tblproductconfigoptionssub', 'tblcustomfields',
        'tblcustomfieldsvalues', 'mod_hostkeyresellermod',
    ];

    /** @return list<array<string, mixed>> */
    public static function presets(): array
    {
        $ubuntu = ['id' => 187, 'name' => 'Ubuntu 22.04', 'price' => ['EUR' => 0]];
        $windows = ['id' => 243, 'name' => 'Windows Server 2022', 'price' => ['EUR' => 15.33]];
        $docker = ['id' => 34, 'name' => 'Docker CE', 'price' => ['EUR' => 1.99]];
        return [
            self::preset(1001, 'vm.alpha', ['NL' => 4.13, 'FI' => 5.07, 'RU' => 3.00], [
                'OS' => [$ubuntu, $windows],
                'soft' => [$docker],
                'traffic_plans' => [
                    'NL' => [self::plan(25, '3 TB', 0), self::plan(26, '10 TB', 5.55)],
                    'FI' => [self::plan(31, '3 TB', 0)],
                    'RU' => [self::plan(41, '3 TB', 0)],
                ],
            ]),
            self::preset(2001, 'bm.beta', ['NL' => 89.99], [
                'cpu' => 8, 'ram' => 64, 'hdd' => '2x960', 'disk_type' => '2x960 GB SSD',
                'OS' => [$ubuntu],
                'traffic_plans' => ['NL' => [self::plan(4, '1Gbps 50TB', 0)]],
            ]),
            self::preset(3001, 'gpu.gamma', ['FI' => 250.25], [
                'cpu' => 16, 'ram' => 128, 'hdd' => 1920, 'gpu' => '1x RTX A5000',
                'OS' => [$ubuntu],
                'traffic_plans' => ['FI' => [self::plan(33, '30 TB', 0), self::plan(35, 'Extra 1 TB', 0.125)]],
            ]),
            self::preset(3002, 'vgpu.delta', ['NL' => 99.00], ['active' => 0, 'gpu' => '1x A4000']),
            self::preset(1003, 'vm.soon', [], []),
            self::preset(9001, 'stor.s1', ['NL' => 10.00], []),
        ];
    }

    /**
     * The presets with one changed by a callback (or removed when it returns null).
     *
     * @param callable(array<string, mixed>): ?array<string, mixed> $change
     * @return list<array<string, mixed>>
     */
    public static function with(int $id, callable $change, ?array $presets = null): array
    {
        $result = [];
        foreach ($presets ?? self::presets() as $preset) {
            if ($preset['id'] === $id) {
                $preset = $change($preset);
            }
            if ($preset !== null) {
                $result[] = $preset;
            }
        }
        return $result;
    }

    /**
     * @param array<string, float> $prices location => EUR monthly
     * @param array<string, mixed> $extra
     * @return array<string, mixed>
     */
    public static function preset(int $id, string $name, array $prices, array $extra): array
    {
        return $extra + [
            'id' => $id,
            'name' => $name,
            'active' => 1,
            'server_type' => strstr($name, '.', true),
            'cpu' => 2,
            'cpu_name' => 'AMD EPYC 7543',
            'cpu_ghz' => 2.5,
            'ram' => 4,
            'hdd' => 40,
            'disk_type' => '40 GB NVMe',
            'gpu' => '',
            'description' => $name . ' for tests',
            'locations' => implode(',', array_keys($prices)),
            'price' => array_map(static fn (float $eur): array => ['EUR' => $eur], $prices),
            'OS' => [],
            'soft' => [],
            'traffic_plans' => [],
        ];
    }

    /** @return array<string, mixed> */
    public static function plan(int $id, string $name, float $eur): array
    {
        return ['id' => $id, 'name' => $name, 'price' => ['EUR' => $eur]];
    }
}
