<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use Closure;
use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * `php modules/addons/hostkeyresellermod/cron.php`: re-runs the catalogue
 * import (`cron.sync`, not scheduled, so it runs even with the daily sync
 * off), prints progress and one summary line; exit 0 on success, 1 otherwise.
 * With `--preview` it runs the same computation without writing
 * (`addon.import-preview`) and lists every change it would make. With
 * `--allow-withdrawal` the admin confirms a run that takes more than the set
 * share of the products on sale off sale (WHMCS's daily cron never does).
 */
final class CronCommand
{
    public const WEB_REFUSAL = 'cron.php only runs from the command line (php cron.php); nothing was done.';
    public const ENV_INIT = 'WHMCS_INIT';
    public const OPTIONS = ['--preview', '--allow-withdrawal'];

    /** @param Closure(): Bridge $bridge built once WHMCS is booted */
    public function __construct(private Closure $bridge, private ImportIni $ini)
    {
    }

    /** The sentence that refuses a web request, or null on the command line. */
    public static function refusal(string $sapi): ?string
    {
        return $sapi === 'cli' ? null : self::WEB_REFUSAL;
    }

    /**
     * WHMCS's init.php: the WHMCS_INIT override when it is set, else the first
     * init.php found walking up from the module folder (the WHMCS root).
     */
    public static function initFile(string $moduleDir, string|false|null $override): ?string
    {
        if (is_string($override) && $override !== '') {
            return is_file($override) ? $override : null;
        }
        $dir = dirname($moduleDir);
        while (true) {
            if (is_file($dir . '/init.php')) {
                return $dir . '/init.php';
            }
            $parent = dirname($dir);
            if ($parent === $dir) {
                return null;
            }
            $dir = $parent;
        }
    }

    /** Why WHMCS cannot be booted, in one sentence. */
    public static function missingInit(string|false|null $override): string
    {
        if (is_string($override) && $override !== '') {
            return self::ENV_INIT . ' names ' . $override . ', which is not a file; nothing was done.';
        }
        return 'WHMCS\'s init.php was not found above the module folder; install the module inside WHMCS '
            . 'or set ' . self::ENV_INIT . ' to its path. Nothing was done.';
    }

    /**
     * Runs the import and reports on the given streams.
     *
     * @param resource $out
     * @param resource $err
     * @param list<string> $arguments the command line after the script name
     */
    public function run($out, $err, array $arguments = []): int
    {
        $started = hrtime(true);
        $unknown = array_diff($arguments, self::OPTIONS);
        if ($unknown !== []) {
            self::say($err, 'Unknown option ' . reset($unknown) . '; the options are '
                . implode(' and ', self::OPTIONS) . '. Nothing was done.');
            return 1;
        }
        $preview = in_array('--preview', $arguments, true);
        $allowWithdrawal = in_array('--allow-withdrawal', $arguments, true);
        try {
            self::say($out, $preview ? 'Previewing the HOSTKEY catalogue import (nothing is written)...'
                : 'Importing the HOSTKEY catalogue...');
            $ini = $this->ini->content();
            if ($ini !== null) {
                self::say($out, 'Found ' . $this->ini->path() . ' (used unless the addon settings say otherwise).');
            }
            $bridge = ($this->bridge)();
            self::say($out, 'Reading the presets from HOSTKEY and updating the WHMCS catalogue...');
            $source = ['source' => AddonModule::importSource($ini, false, $allowWithdrawal)];
            $report = $bridge->result($preview ? 'addon.import-preview' : 'cron.sync', $source);
            $report = is_array($report) ? $report : [];
        } catch (Throwable $e) {
            self::say($err, ErrorReport::sentence('cron', $e, 'running cron.php again later will retry it'));
            return 1;
        }
        foreach (is_array($report['warnings'] ?? null) ? $report['warnings'] : [] as $warning) {
            if (is_scalar($warning)) {
                self::say($out, 'Warning: ' . $warning);
            }
        }
        if ($preview) {
            $text = static fn (mixed $v): string => is_scalar($v) ? (string) $v : '';
            foreach (is_array($report['changes'] ?? null) ? $report['changes'] : [] as $change) {
                if (is_array($change)) {
                    [$what, $old, $new] = [$text($change['what'] ?? ''), $text($change['before'] ?? ''),
                        $text($change['after'] ?? '')];
                    self::say($out, '  ' . $what . ($old !== '' || $new !== '' ? ': ' . $old . ' -> ' . $new : ''));
                }
            }
        }
        self::say($out, self::summaryLine($report, intdiv(hrtime(true) - $started, 1_000_000)));
        return 0;
    }

    /**
     * `Done in N ms: <summary> (X created, Y updated, Z prices changed, W rows written)`.
     *
     * @param array<string, mixed> $report a decoded `import-report`
     */
    public static function summaryLine(array $report, int $milliseconds): string
    {
        $count = static fn (string $key): int => is_numeric($report[$key] ?? null) ? (int) $report[$key] : 0;
        $summary = is_scalar($report['summary'] ?? null) ? rtrim(trim((string) $report['summary']), '.') : '';
        return sprintf(
            'Done in %d ms: %s (%d created, %d updated, %d prices changed, %d rows written)',
            $milliseconds,
            $summary !== '' ? $summary : 'the import finished',
            $count('products-created'),
            $count('products-updated'),
            $count('prices-changed'),
            $count('rows-written'),
        );
    }

    /** @param resource $stream */
    private static function say($stream, string $line): void
    {
        fwrite($stream, $line . "\n");
    }
}
