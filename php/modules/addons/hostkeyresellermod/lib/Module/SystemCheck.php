<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\HelperPlace;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\MountTable;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\NativeFiles;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\OpenBasedir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\ProcOpenAdvice;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;

defined('WHMCS') || exit;

/**
 * The admin page's "System check": what this server gives the module's engine
 * (PHP, transport, proc_open, host files, their mount, glibc, compile cache,
 * the API), read from PHP itself and never from the engine, so the panel shows
 * even when the engine cannot start; a failing row carries its fix.
 */
final class SystemCheck
{
    public const HEADING = 'System check';

    /** The oldest glibc the shipped host binaries load on (whmcs.json's requirements). */
    public const GLIBC_FLOOR = '2.17';

    private const CONNECT_TIMEOUT_S = 3.0;

    /** @var callable(string): (string|false) */
    private $iniGet;
    /** @var callable(): ?string */
    private $glibc;
    /** @var callable(string, int, float): ?string */
    private $connect;

    /**
     * @param callable(string): (string|false)|null $iniGet defaults to ini_get
     * @param callable(): ?string|null $glibc this machine's glibc version, null when unknown
     * @param callable(string, int, float): ?string|null $connect opens a TCP connection to
     *        host:port; null when it answered, else why not
     * @param string|null $processor why the zip has no engine for this processor, if so
     * @param HelperPlace|null $helper where this user's helper lives (default: this process's)
     */
    public function __construct(
        private RuntimeOptions $options,
        private TransportFactory $factory,
        ?callable $iniGet = null,
        ?callable $glibc = null,
        ?callable $connect = null,
        private ?string $processor = null,
        private ?HelperPlace $helper = null,
    ) {
        $this->iniGet = $iniGet ?? 'ini_get';
        $this->glibc = $glibc ?? fn (): ?string => $this->machineGlibc();
        $this->connect = $connect ?? [self::class, 'tcpConnect'];
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
            'proc_open' => $procOpen
                ? 'available'
                : 'disabled by disable_functions' . ($mode === 'cli' ? '; ' . ProcOpenAdvice::fix() : ''),
            'Transport' => $this->transportFinding($mode, $procOpen),
        ];
        if ($this->processor !== null) {
            $findings['Processor'] = $this->processor;
        }
        $native = $this->options->native();
        $findings['Engine files'] = $mode === 'ffi' ? $this->libraryFinding($native) : $this->launcherFinding($native);
        $findings['Mount'] = $this->mountFinding($native);
        $findings['Compile cache'] = $this->cache();
        $findings['glibc'] = $this->glibcFinding();
        $findings['HOSTKEY API'] = $this->apiFinding();
        return $findings;
    }

    /**
     * How a call reaches the engine here: in PHP, through this user's helper kept
     * between requests, or a helper process started for each request (and why).
     */
    private function transportFinding(string $mode, bool $procOpen): string
    {
        if ($mode === 'ffi') {
            return 'in-process (FFI)';
        }
        if (!$procOpen) {
            return 'helper process: will fail, enable proc_open or FFI';
        }
        if (!$this->factory->helperWanted()) {
            return 'helper process, one per request (the per-user helper is for web requests; '
                . 'HOSTKEYRESELLERMOD_HELPER=on or off overrides)';
        }
        $folder = ($this->helper ?? HelperPlace::forThisProcess($this->options))->folder();
        return $folder === null
            ? 'helper process, one per request: no private folder for the per-user helper (see Compile cache)'
            : 'helper process, kept between requests by PHP\'s user (socket in ' . $folder . ')';
    }

    /** The launcher: ready where the zip put it, running from a checked copy, or why neither. */
    private function launcherFinding(NativeFiles $native): string
    {
        $launcher = $this->options->cliPath();
        if (!is_file($launcher)) {
            return basename($launcher) . ' is missing from ' . dirname($launcher)
                . '; upload bin/ again, in binary mode';
        }
        if ($native->blocker() === null) {
            return basename($launcher) . ' ready in ' . dirname($launcher);
        }
        try {
            $copy = $native->runnableDir();
        } catch (ComponentFault $e) {
            return $e->getMessage();
        }
        $why = $native->blocker() === 'noexec' ? 'its mount is noexec' : 'it lost its exec bit';
        return basename($launcher) . ' cannot run in ' . dirname($launcher) . ' (' . $why . '); calls run from a '
            . 'copy checked against the release digest in ' . $copy;
    }

    private function libraryFinding(NativeFiles $native): string
    {
        $library = $this->options->libraryPath();
        if (!is_file($library)) {
            return basename($library) . ' is missing from ' . dirname($library) . '; upload bin/ again, in binary mode';
        }
        try {
            $used = $native->library();
        } catch (ComponentFault $e) {
            return $e->getMessage();
        }
        return $used === $library
            ? basename($library) . ' ready in ' . dirname($library)
            : basename($library) . ' is on a noexec mount; calls load a copy checked against the release digest, '
                . $used;
    }

    /** The mount of the engine's files: whether it lets programs run. */
    private function mountFinding(NativeFiles $native): string
    {
        $dir = $native->shippedDir();
        $mount = $native->mount();
        if ($mount === null) {
            return 'unknown (' . MountTable::SOURCE
                . ' cannot be read here); the Engine files row says whether the engine can run';
        }
        $where = $dir . ' is on ' . $mount['point'] . ' (' . $mount['type'] . ')';
        if (!$mount['noexec']) {
            return $where . ', which allows programs';
        }
        $copy = $native->copyDir();
        return $copy !== null
            ? $where . ', mounted noexec; the engine runs from ' . $copy
            : $where . ', mounted noexec; remount it without noexec, or point $templates_compiledir in '
                . 'configuration.php to a folder PHP\'s user can write on a file system that allows programs';
    }

    private function glibcFinding(): string
    {
        $floor = 'the engine needs ' . self::GLIBC_FLOOR . ' or newer';
        $version = ($this->glibc)();
        if ($version === null) {
            return 'unknown (' . $floor . '; FFI or getconf would tell)';
        }
        return version_compare($version, self::GLIBC_FLOOR, '>=')
            ? $version . ' (' . $floor . ')'
            : $version . ': too old, ' . $floor . '; the engine cannot load on this server, move WHMCS to one with '
                . 'a newer system (CentOS 7, Debian 10, Ubuntu 20.04 or later)';
    }

    /** This machine's glibc: from libc itself through FFI, else getconf. */
    private function machineGlibc(): ?string
    {
        if ($this->factory->ffiUsable() && class_exists(\FFI::class)) {
            try {
                $libc = \FFI::cdef('const char *gnu_get_libc_version(void);', 'libc.so.6');
                $version = $libc->gnu_get_libc_version();
                if (is_string($version) && preg_match('/^\d+\.\d+/', $version) === 1) {
                    return $version;
                }
            } catch (\Throwable) {
                // Not glibc (musl), or FFI refused: try getconf.
            }
        }
        $disabled = array_map('trim', explode(',', strtolower($this->ini('disable_functions'))));
        if (function_exists('shell_exec') && !in_array('shell_exec', $disabled, true)) {
            $out = @shell_exec('getconf GNU_LIBC_VERSION 2>/dev/null');
            if (is_string($out) && preg_match('/glibc\s+(\d+\.\d+)/', $out, $m) === 1) {
                return $m[1];
            }
        }
        return null;
    }

    /** Whether the API's host answers a TCP connection (the key is checked by Test Connection). */
    private function apiFinding(): string
    {
        $url = $this->options->apiUrl();
        $host = parse_url($url, PHP_URL_HOST);
        if (!is_string($host) || $host === '') {
            return 'the API URL ' . $url . ' names no host; fix it in the module settings';
        }
        $port = parse_url($url, PHP_URL_PORT);
        $port = is_int($port) ? $port : (parse_url($url, PHP_URL_SCHEME) === 'http' ? 80 : 443);
        $where = $host . ':' . $port;
        $started = hrtime(true);
        $problem = ($this->connect)($host, $port, self::CONNECT_TIMEOUT_S);
        if ($problem !== null) {
            return $where . ' cannot be reached (' . $problem . '); allow outbound connections to it from this server';
        }
        $ms = (int) round((hrtime(true) - $started) / 1e6);
        return $where . ' reachable (' . $ms . ' ms); Test Connection on a server checks the API key';
    }

    /** Opens and closes a TCP connection; null on success, else the reason. */
    public static function tcpConnect(string $host, int $port, float $timeout): ?string
    {
        $errno = 0;
        $errstr = '';
        // Hosts disable one or the other; the engine's own HTTP does not need either.
        if (function_exists('stream_socket_client')) {
            $target = 'tcp://' . (str_contains($host, ':') ? '[' . trim($host, '[]') . ']' : $host) . ':' . $port;
            $socket = @stream_socket_client($target, $errno, $errstr, $timeout);
        } elseif (function_exists('fsockopen')) {
            $socket = @fsockopen($host, $port, $errno, $errstr, $timeout);
        } else {
            return 'PHP may not open sockets here (fsockopen and stream_socket_client are disabled), so only '
                . 'Test Connection can tell';
        }
        if ($socket === false) {
            return $errstr !== '' ? $errstr : 'error ' . $errno;
        }
        fclose($socket);
        return null;
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

    /**
     * Where the compiled engine is kept, and whether a call will find one:
     * the `.cwasm` shipped (or written) in bin/, or the private folder used
     * when bin/ is read-only for PHP's user.
     */
    private function cache(): string
    {
        $component = $this->options->componentPath();
        $bin = dirname($component);
        $stem = pathinfo($component, PATHINFO_FILENAME);
        $dir = $this->options->cacheDir();
        $where = $dir === null ? $bin : $dir . ' (bin/ is read-only for PHP\'s user)';
        $basedir = OpenBasedir::forThisProcess();
        $kept = $dir === null || !$basedir->allows($dir) ? [] : (glob($dir . '/' . $stem . '.*.cwasm') ?: []);
        $shipped = $basedir->allows($bin) ? (glob($bin . '/' . $stem . '.*.cwasm') ?: []) : [];
        if ($kept !== []) {
            return $where . ': warm';
        }
        if ($shipped !== []) {
            return $where . ($dir === null ? ': warm' : ': warm (the engine precompiled in bin/)');
        }
        $cold = $where . ': cold, the next call compiles the engine (a second or more)';
        if ($dir === null && $basedir->allows($bin) && is_dir($bin) && !is_writable($bin)) {
            // Read-only bin/ and no private folder: every call compiles.
            return $cold . ' and cannot keep it; make templates_c writable for PHP\'s user, or upload bin/ with '
                . 'its .cwasm again';
        }
        return $cold;
    }
}
