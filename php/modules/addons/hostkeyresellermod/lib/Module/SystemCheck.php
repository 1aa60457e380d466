<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;

defined('WHMCS') || exit;

/**
 * The admin page's "System check": what this server gives the module's engine
 * (PHP, transport, proc_open, host files, compile cache), read from PHP itself,
 * so an admin sees why calls fail or are slow without module debug logging.
 */
final class SystemCheck
{
    public const HEADING = 'System check';

    /** @var callable(string): (string|false) */
    private $iniGet;

    /** @param callable(string): (string|false)|null $iniGet defaults to ini_get */
    public function __construct(
        private RuntimeOptions $options,
        private TransportFactory $factory,
        ?callable $iniGet = null,
    ) {
        $this->iniGet = $iniGet ?? 'ini_get';
    }

    /**
     * The check as an admin-view table: a header row, then one row per item.
     *
     * @return array{0: string, 1: list<list<string>>}
     */
    public function table(): array
    {
        $rows = [];
        foreach ($this->findings() as $item => $finding) {
            $rows[] = [$item, $finding];
        }
        return ['title' => self::HEADING, 'header' => ['Item', 'Finding'], 'rows' => $rows];
    }

    /** @return array<string, string> */
    public function findings(): array
    {
        $mode = $this->factory->mode();
        $ffi = $this->factory->ffiUsable();
        $procOpen = $this->procOpenAvailable();
        $findings = [
            'PHP' => PHP_VERSION . ' (needs 8.1 or newer)',
            'FFI' => $ffi
                ? 'enabled (ffi.enable=' . $this->ini('ffi.enable') . ')'
                : 'not usable here (ffi.enable=' . $this->ini('ffi.enable') . ')',
            'proc_open' => $procOpen ? 'available' : 'disabled by disable_functions',
            'Transport' => $mode === 'ffi'
                ? 'in-process (FFI)'
                : 'helper process' . ($procOpen ? '' : ': will fail, enable proc_open or FFI'),
        ];
        $findings['Engine files'] = $mode === 'ffi'
            ? self::file($this->options->libraryPath(), false)
            : self::file($this->options->cliPath(), true);
        $findings['Compile cache'] = $this->cache();
        return $findings;
    }

    private function ini(string $name): string
    {
        $value = ($this->iniGet)($name);
        return $value === false || $value === '' ? 'off' : (string) $value;
    }

    private function procOpenAvailable(): bool
    {
        $disabled = array_map('trim', explode(',', strtolower($this->ini('disable_functions'))));
        return function_exists('proc_open') && !in_array('proc_open', $disabled, true);
    }

    private static function file(string $path, bool $executable): string
    {
        if (!is_file($path)) {
            return basename($path) . ' is missing from ' . dirname($path);
        }
        if ($executable && !is_executable($path)) {
            return basename($path) . ' is not executable: chmod 755 ' . $path;
        }
        return basename($path) . ' ready in ' . dirname($path);
    }

    private function cache(): string
    {
        $component = $this->options->componentPath();
        $dir = $this->options->cacheDir() ?? dirname($component);
        $stem = pathinfo($component, PATHINFO_FILENAME);
        $warm = glob($dir . '/' . $stem . '.*.cwasm') ?: [];
        return $dir . ($warm === [] ? ': cold, the next call compiles the engine (about a second)' : ': warm');
    }
}
