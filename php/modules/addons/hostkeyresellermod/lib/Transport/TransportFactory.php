<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;

defined('WHMCS') || exit;

/**
 * Picks the transport: FFI when PHP allows it here, the CLI otherwise.
 *
 * The addon setting `transport` (auto|ffi|cli) chooses; the environment
 * variable HOSTKEYRESELLERMOD_TRANSPORT overrides the setting. The process
 * transport goes through this user's engine helper in a web request (a
 * process start per request is what it saves), and a process per call in
 * PHP's CLI (cron: one process serves the run); HOSTKEYRESELLERMOD_HELPER=on
 * or off overrides that.
 */
final class TransportFactory
{
    public const MODES = ['auto', 'ffi', 'cli'];

    /** @var callable(string): (string|false) */
    private $iniGet;

    /**
     * @param array<string, string> $env usually getenv()
     * @param callable(string): (string|false)|null $iniGet defaults to ini_get
     */
    public function __construct(
        private RuntimeOptions $options,
        private string $setting,
        private array $env,
        private string $sapi = PHP_SAPI,
        private ?bool $ffiLoaded = null,
        ?callable $iniGet = null,
    ) {
        $this->iniGet = $iniGet ?? 'ini_get';
    }

    /** The requested mode: auto, ffi or cli. */
    public function requestedMode(): string
    {
        $mode = strtolower(trim($this->env['HOSTKEYRESELLERMOD_TRANSPORT'] ?? ''));
        if (!in_array($mode, self::MODES, true)) {
            $mode = strtolower(trim($this->setting));
        }
        return in_array($mode, self::MODES, true) ? $mode : 'auto';
    }

    /** Whether PHP lets this SAPI use FFI at run time. */
    public function ffiUsable(): bool
    {
        if (!($this->ffiLoaded ?? extension_loaded('ffi'))) {
            return false;
        }
        $enable = strtolower(trim((string) ($this->iniGet)('ffi.enable')));
        if (in_array($enable, ['1', 'true', 'on', 'yes'], true)) {
            return true;
        }
        return $enable === 'preload' && $this->sapi === 'cli';
    }

    /** The mode that will be used: ffi or cli. */
    public function mode(): string
    {
        return match ($this->requestedMode()) {
            'ffi' => 'ffi',
            'cli' => 'cli',
            default => $this->ffiUsable() && is_file($this->options->libraryPath()) ? 'ffi' : 'cli',
        };
    }

    /** Whether the process transport goes through the per-user helper. */
    public function helperWanted(): bool
    {
        return match (strtolower(trim($this->env['HOSTKEYRESELLERMOD_HELPER'] ?? ''))) {
            'on', '1', 'yes' => true,
            'off', '0', 'no' => false,
            default => $this->sapi !== 'cli',
        };
    }

    public function create(): Transport
    {
        if ($this->mode() === 'cli') {
            $process = new CliTransport($this->options);
            if (!$this->helperWanted()) {
                return $process;
            }
            $idle = $this->env['HOSTKEYRESELLERMOD_HELPER_IDLE_MS'] ?? '';
            return new HelperTransport(
                $this->options,
                $process,
                HelperPlace::forThisProcess($this->options),
                ctype_digit($idle) && (int) $idle > 0 ? (int) $idle : 60000,
            );
        }
        if (!$this->ffiUsable()) {
            throw new ComponentFault(
                'The FFI transport is selected but PHP does not allow FFI here; '
                . 'set ffi.enable=true or choose the CLI transport.'
            );
        }
        return new FfiTransport($this->options);
    }
}
