<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The contract's `margins-view` made ready for templates/margins.php and the
 * CSV download: typed rows of text, nothing computed here.
 */
final class MarginsView
{
    /** The CSV's columns and the row keys they come from. */
    public const COLUMNS = [
        'service-id' => 'Service',
        'client' => 'Client',
        'server' => 'HOSTKEY server',
        'group' => 'Group',
        'product' => 'Product',
        'status' => 'Status',
        'cycle' => 'Cycle',
        'income' => 'Income a month',
        'cost' => 'HOSTKEY cost a month',
        'basis' => 'Cost basis',
        'margin' => 'Margin a month',
        'margin-percent' => 'Margin %',
        'under-threshold' => 'Under threshold',
        'reason' => 'Why no margin',
    ];

    private const TOTAL_KEYS = ['group', 'services', 'income', 'cost', 'margin', 'margin-percent'];
    private const REPRICE_KEYS = ['service-id', 'client', 'product', 'cycle', 'currency', 'current', 'proposed'];

    /**
     * @return array{currency: string, threshold: string, rows: list<array<string, string|bool>>,
     *     totals: list<array<string, string>>, notes: list<string>, reprice: list<array<string, string>>}|null
     */
    public static function prepare(mixed $margins): ?array
    {
        if (!is_array($margins)) {
            return null;
        }
        $rows = [];
        foreach (self::records($margins['rows'] ?? null) as $row) {
            $prepared = [];
            foreach (array_keys(self::COLUMNS) as $key) {
                $prepared[$key] = $key === 'under-threshold'
                    ? ($row[$key] ?? false) === true
                    : self::text($row[$key] ?? '');
            }
            $rows[] = $prepared;
        }
        return [
            'currency' => self::text($margins['currency'] ?? ''),
            'threshold' => self::text($margins['threshold'] ?? ''),
            'rows' => $rows,
            'totals' => self::pick(self::records($margins['totals'] ?? null), self::TOTAL_KEYS),
            'notes' => array_values(array_map([self::class, 'text'], is_array($margins['notes'] ?? null)
                ? $margins['notes'] : [])),
            'reprice' => self::pick(self::records($margins['reprice'] ?? null), self::REPRICE_KEYS),
        ];
    }

    /**
     * The CSV of the same rows the page shows, with the currency in the
     * money columns' names. Cells a spreadsheet would run as a formula are
     * quoted as text; numbers stay numbers.
     *
     * @param array{currency: string, rows: list<array<string, string|bool>>} $view
     */
    public static function csv(array $view): string
    {
        $out = fopen('php://temp', 'r+');
        if ($out === false) {
            return '';
        }
        $header = [];
        foreach (self::COLUMNS as $key => $label) {
            $money = in_array($key, ['income', 'cost', 'margin'], true);
            $header[] = $money && $view['currency'] !== '' ? $label . ' (' . $view['currency'] . ')' : $label;
        }
        fputcsv($out, $header, ',', '"', '');
        foreach ($view['rows'] as $row) {
            $cells = [];
            foreach (array_keys(self::COLUMNS) as $key) {
                $value = $row[$key] ?? '';
                $cells[] = is_bool($value) ? ($value ? 'yes' : 'no') : self::cell((string) $value);
            }
            fputcsv($out, $cells, ',', '"', '');
        }
        rewind($out);
        $csv = (string) stream_get_contents($out);
        fclose($out);
        return $csv;
    }

    private static function cell(string $value): string
    {
        if ($value !== '' && preg_match('/^[=+\-@\t\r]/', $value) === 1 && !is_numeric($value)) {
            return "'" . $value;
        }
        return $value;
    }

    /**
     * @param list<array<mixed>> $records
     * @param list<string> $keys
     * @return list<array<string, string>>
     */
    private static function pick(array $records, array $keys): array
    {
        $picked = [];
        foreach ($records as $record) {
            $row = [];
            foreach ($keys as $key) {
                $row[$key] = self::text($record[$key] ?? '');
            }
            $picked[] = $row;
        }
        return $picked;
    }

    /** @return list<array<mixed>> */
    private static function records(mixed $list): array
    {
        return is_array($list) ? array_values(array_filter($list, 'is_array')) : [];
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }
}
