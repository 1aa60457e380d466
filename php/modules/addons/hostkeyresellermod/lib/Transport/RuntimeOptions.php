<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * Where the host's files are and the runtime options JSON both transports pass
 * to the host (docs/architecture.md, "Runtime options").
 */
final class RuntimeOptions
{
    /** HOSTKEY API hosts that are always allowed, besides the configured one. */
    public const HOSTKEY_HOSTS = ['invapi.hostkey.com', 'invapi.hostkey.ru'];

    /** Environment variables that override a limit (milliseconds / MB / fuel units). */
    private const ENV_LIMITS = [
        'HOSTKEYRESELLERMOD_TIMEOUT_MS' => 'timeout_ms',
        'HOSTKEYRESELLERMOD_HTTP_TIMEOUT_MS' => 'http_timeout_ms',
        'HOSTKEYRESELLERMOD_MEMORY_MB' => 'memory_mb',
        'HOSTKEYRESELLERMOD_FUEL' => 'fuel',
    ];

    /**
     * The processors the zip has a host for (`bin/<arch>/`), by what php_uname('m') says.
     * aarch64 is not built yet (docs/decisions.md, "Host binaries").
     */
    public const MACHINES = ['x86_64' => 'x86_64', 'amd64' => 'x86_64'];

    /** @var array<string, int> the limits set explicitly (environment) */
    private array $given;

    /** Where the native host files (library, CLI) are: the bin dir itself or its `<arch>/` folder. */
    private string $nativeDir;

    private ?NativeFiles $native;

    /**
     * @param array<string, int> $limits memory_mb, fuel, timeout_ms, http_timeout_ms
     * @param string|null $arch the folder of bin/ with the native files; null: beside the component
     * @param string|null $cacheDir where the host keeps the compiled component; null: beside it
     * @param NativeFiles|null $native where the native files run from; null: found on first use
     */
    public function __construct(
        private string $binDir,
        private string $apiUrl,
        private array $limits = [],
        private ?Grants $grants = null,
        ?string $arch = null,
        private ?string $cacheDir = null,
        ?NativeFiles $native = null,
    ) {
        $this->native = $native;
        $this->binDir = rtrim($binDir, '/');
        $this->nativeDir = $arch === null ? $this->binDir : $this->binDir . '/' . $arch;
        // The limits of every call and of a long one are facts.json's (`limits`).
        $defaults = Facts::limits('call');
        $this->given = array_intersect_key($limits, $defaults);
        $this->limits = array_replace($defaults, $this->given);
    }

    /**
     * The limits a long call carries in its request (Bridge::LONG_CALLS): an
     * import walks the whole catalogue in one transaction, so facts.json gives
     * it more time and fuel; memory and the HTTP timeout stay as configured.
     * A limit set in the environment wins.
     *
     * @return array<string, int>
     */
    public function longCallLimits(): array
    {
        $long = Facts::limits('long_call');
        return array_replace($long, array_intersect_key($this->given, $long));
    }

    /**
     * Options for this install: the component in `<addon>/bin`, the host for this
     * processor in `<addon>/bin/<arch>`, unless HOSTKEYRESELLERMOD_BIN_DIR names a
     * folder that holds one build side by side; limits overridable by
     * HOSTKEYRESELLERMOD_* variables.
     *
     * @param array<string, string> $env usually getenv()
     * @param Grants|null $grants sent to the host, which refuses to run when they differ from its own
     * @param string|null $machine the processor's name (default: Machine::name())
     * @throws ComponentFault on a processor the zip has no host for
     */
    public static function fromEnvironment(
        string $addonDir,
        string $apiUrl,
        array $env,
        ?Grants $grants = null,
        ?string $machine = null,
    ): self {
        $arch = null;
        if (isset($env['HOSTKEYRESELLERMOD_BIN_DIR']) && $env['HOSTKEYRESELLERMOD_BIN_DIR'] !== '') {
            $binDir = $env['HOSTKEYRESELLERMOD_BIN_DIR'];
        } else {
            $binDir = $addonDir . '/bin';
            $arch = self::arch($machine ?? Machine::name() ?? '');
        }
        $limits = [];
        foreach (self::ENV_LIMITS as $variable => $key) {
            if (isset($env[$variable]) && ctype_digit($env[$variable]) && (int) $env[$variable] > 0) {
                $limits[$key] = (int) $env[$variable];
            }
        }
        $cache = CacheDir::forThisProcess();
        $cacheDir = $cache->choose($binDir);
        $warning = $cacheDir === null ? $cache->uncachedWarning($binDir) : null;
        if ($warning !== null) {
            RuntimeFailure::alarm(RuntimeFailure::CACHE, $warning);
        }
        return new self($binDir, $apiUrl, $limits, $grants, $arch, $cacheDir);
    }

    /** The `bin/` folder for a processor, or the sentence that it has none. */
    public static function arch(string $machine): string
    {
        if (trim($machine) === '') {
            throw new ComponentFault(
                'hostkeyresellermod cannot tell this server\'s processor (php_uname and posix_uname are disabled '
                . 'and PHP\'s binary cannot be read); allow php_uname in disable_functions.'
            );
        }
        $arch = self::MACHINES[strtolower(trim($machine))] ?? null;
        if ($arch === null) {
            throw new ComponentFault(sprintf(
                'hostkeyresellermod has no engine for this server\'s processor (%s); it runs on %s.',
                $machine,
                implode(', ', array_unique(self::MACHINES)),
            ));
        }
        return $arch;
    }

    /** The HOSTKEY API's base URL from the settings. */
    public function apiUrl(): string
    {
        return $this->apiUrl;
    }

    public function componentPath(): string
    {
        return $this->binDir . '/hostkey_guest.wasm';
    }

    public function libraryPath(): string
    {
        return $this->nativeDir . '/libhostkey_host.so';
    }

    public function headerPath(): string
    {
        return $this->binDir . '/hostkey_host.h';
    }

    public function cliPath(): string
    {
        return $this->nativeDir . '/hostkey-host';
    }

    /** Where the native files run from (the shipped folder, or a checked copy of it). */
    public function native(): NativeFiles
    {
        return $this->native ??= NativeFiles::forThisProcess($this->nativeDir);
    }

    /** Where the host keeps the compiled component when not beside it. */
    public function cacheDir(): ?string
    {
        return $this->cacheDir;
    }

    public function timeoutMs(): int
    {
        return $this->limits['timeout_ms'];
    }

    /**
     * The API host of the settings plus HOSTKEY's own hosts.
     *
     * @return list<string>
     */
    public function httpAllow(): array
    {
        $hosts = [];
        $host = parse_url($this->apiUrl, PHP_URL_HOST);
        if (is_string($host) && $host !== '') {
            $hosts[] = strtolower(trim($host, '[]'));
        }
        return array_values(array_unique(array_merge($hosts, self::HOSTKEY_HOSTS)));
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        $options = ['component' => $this->componentPath(), 'http_allow' => $this->httpAllow()] + $this->limits;
        if ($this->grants !== null) {
            $options['grants'] = $this->grants->declaration();
        }
        if ($this->cacheDir !== null) {
            $options['cache_dir'] = $this->cacheDir;
        }
        return $options;
    }

    public function toJson(): string
    {
        return json_encode($this->toArray(), JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
    }
}
