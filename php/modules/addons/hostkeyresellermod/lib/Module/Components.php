<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapabilityHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Grants;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\CapsuleDatabase;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\WhmcsPlatform;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\DeferredTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\TransportFactory;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\Settings;

defined('WHMCS') || exit;

/**
 * The composition root: builds the objects an entry point needs from WHMCS's
 * runtime (Capsule, settings, environment). Everything else gets them passed in.
 */
final class Components
{
    /** The addon folder (modules/addons/hostkeyresellermod). */
    public static function addonDir(): string
    {
        return dirname(__DIR__, 2);
    }

    public static function bridge(): Bridge
    {
        $connection = Capsule::connection();
        $settings = Settings::load($connection);
        $env = getenv();
        // One reading of grants.json: PHP enforces it and the host checks it is its own.
        $grants = Grants::shipped();
        try {
            $options = RuntimeOptions::fromEnvironment(self::addonDir(), $settings->apiUrl(), $env, $grants);
            $factory = new TransportFactory($options, $settings->transport(), $env);
            $transport = new DeferredTransport(static fn () => $factory->create());
            $limits = $options->longCallLimits();
            $timeoutMs = $options->timeoutMs();
        } catch (ComponentFault $e) {
            // No engine for this server: each call says so; the admin page still shows its System check.
            $transport = new DeferredTransport(static fn () => throw $e);
            $limits = Facts::limits('long_call');
            $timeoutMs = Facts::limits('call')['timeout_ms'];
        }
        $capabilities = new CapabilityHandler(
            new CapsuleDatabase($connection),
            new WhmcsPlatform($connection),
            $grants,
        );
        return new Bridge($transport, $capabilities, $limits, $timeoutMs);
    }

    public static function addon(): AddonModule
    {
        return new AddonModule(
            self::bridge(),
            new AdminPageView(self::addonDir() . '/templates'),
            ImportIni::forAddon(),
            static fn (): SystemCheck => self::systemCheck(),
        );
    }

    /**
     * What the admin page reports about this server (settings read once
     * more). Built without the engine, so it shows whatever stops the engine,
     * even a processor the zip has no engine for.
     */
    public static function systemCheck(): SystemCheck
    {
        $settings = Settings::load(Capsule::connection());
        $env = getenv();
        $processor = null;
        try {
            $options = RuntimeOptions::fromEnvironment(self::addonDir(), $settings->apiUrl(), $env);
        } catch (ComponentFault $e) {
            $processor = $e->getMessage();
            $options = new RuntimeOptions(self::addonDir() . '/bin', $settings->apiUrl());
        }
        $factory = new TransportFactory($options, $settings->transport(), $env);
        return new SystemCheck($options, $factory, null, null, null, $processor);
    }

    public static function server(): ServerModule
    {
        return new ServerModule(self::bridge());
    }

    public static function hooks(): HookHandlers
    {
        return new HookHandlers(static fn (): Bridge => self::bridge(), ImportIni::forAddon());
    }

    /** What cron.php runs; the bridge is built only when it starts. */
    public static function cron(): CronCommand
    {
        return new CronCommand(static fn (): Bridge => self::bridge(), ImportIni::forAddon());
    }

    public static function callback(): PostInstallCallback
    {
        return new PostInstallCallback(static fn (): Bridge => self::bridge());
    }
}
