<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServerParams;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServiceParams;

defined('WHMCS') || exit;

/**
 * The server module's WHMCS functions, mapped to the `provisioning` exports.
 */
final class ServerModule
{
    public const FUNCTION_PREFIX = 'hostkeyresellermod_';

    /** The service actions that end in 'success' or a sentence. */
    private const ACTIONS = [
        'create' => 'provisioning.create',
        'suspend' => 'provisioning.suspend',
        'unsuspend' => 'provisioning.unsuspend',
        'terminate' => 'provisioning.terminate',
        'renew' => 'provisioning.renew',
        'change-password' => 'provisioning.change-password',
    ];

    public function __construct(private Bridge $bridge)
    {
    }

    /** @return array<string, mixed> */
    public function metaData(): array
    {
        $meta = $this->bridge->call('provisioning.meta-data');
        $meta = is_array($meta) ? $meta : [];
        $result = [
            'DisplayName' => (string) ($meta['display-name'] ?? 'HOSTKEY Reseller'),
            'APIVersion' => (string) ($meta['api-version'] ?? '1.1'),
            'RequiresServer' => (bool) ($meta['requires-server'] ?? false),
        ];
        if (is_string($meta['service-single-sign-on-label'] ?? null)) {
            $result['ServiceSingleSignOnLabel'] = $meta['service-single-sign-on-label'];
        }
        if (is_string($meta['admin-single-sign-on-label'] ?? null)) {
            $result['AdminSingleSignOnLabel'] = $meta['admin-single-sign-on-label'];
        }
        return $result;
    }

    /** What `_MetaData` answers when the component cannot be reached. */
    public static function fallbackMetaData(): array
    {
        return ['DisplayName' => 'HOSTKEY Reseller', 'APIVersion' => '1.1', 'RequiresServer' => false];
    }

    /** @return array<string, array<string, mixed>> */
    public function configOptions(): array
    {
        return ConfigFields::toWhmcs($this->bridge->call('provisioning.config-options'));
    }

    /**
     * @param array<string, mixed> $params WHMCS's server params
     * @return array{success: bool, error: string}
     */
    public function testConnection(array $params): array
    {
        try {
            $this->bridge->result('provisioning.test-connection', ['server' => ServerParams::fromParams($params)]);
        } catch (ComponentError $e) {
            return ['success' => false, 'error' => $e->getMessage()];
        }
        return ['success' => true, 'error' => ''];
    }

    /**
     * create, suspend, unsuspend, terminate, renew or change-password.
     *
     * @param array<string, mixed> $params
     * @return string 'success' or the sentence WHMCS shows
     */
    public function serviceAction(string $action, array $params): string
    {
        if (!isset(self::ACTIONS[$action])) {
            return 'The action ' . $action . ' is not part of this module.';
        }
        return $this->successOrSentence(self::ACTIONS[$action], ['params' => ServiceParams::fromParams($params)]);
    }

    /**
     * @param array<string, mixed> $params
     * @return array{templatefile: string, vars: array<string, mixed>}
     */
    public function clientArea(array $params): array
    {
        try {
            $view = $this->bridge->result('provisioning.client-area', ['params' => ServiceParams::fromParams($params)]);
        } catch (ComponentError $e) {
            return ClientAreaView::error($e->getMessage());
        }
        return ClientAreaView::fromView(is_array($view) ? $view : []);
    }

    /**
     * Buttons whose action has a PHP function WHMCS can call back.
     *
     * @return array<string, string> label => function suffix
     */
    public function buttons(bool $admin): array
    {
        $buttons = $this->bridge->call($admin ? 'provisioning.admin-buttons' : 'provisioning.client-buttons');
        $result = [];
        foreach (is_array($buttons) ? $buttons : [] as $button) {
            $action = is_array($button) ? ($button['action'] ?? null) : null;
            if (is_string($action) && CustomActions::has($action)) {
                $result[(string) ($button['label'] ?? $action)] = $action;
            }
        }
        return $result;
    }

    /**
     * A custom button's action (WHMCS calls `hostkeyresellermod_<action>`).
     *
     * @param array<string, mixed> $params
     */
    public function customAction(string $action, array $params, bool $admin): string
    {
        return $this->successOrSentence(
            $admin ? 'provisioning.admin-action' : 'provisioning.client-action',
            ['action' => $action, 'params' => ServiceParams::fromParams($params)],
        );
    }

    /**
     * @param array<string, mixed> $params
     * @return array<string, string> label => escaped HTML
     */
    public function serviceTabFields(array $params): array
    {
        try {
            $fields = $this->bridge->result(
                'provisioning.service-tab-fields',
                ['params' => ServiceParams::fromParams($params)],
            );
        } catch (ComponentError $e) {
            return ['HOSTKEY' => self::escape($e->getMessage())];
        }
        $result = [];
        foreach (is_array($fields) ? $fields : [] as $field) {
            if (is_array($field)) {
                $result[(string) ($field['label'] ?? '')] = self::escape($field['value'] ?? '');
            }
        }
        return $result;
    }

    /**
     * @param array<string, mixed> $params
     * @return array<string, mixed> success + redirectTo, or success false + errorMsg
     */
    public function singleSignOn(array $params): array
    {
        try {
            $url = $this->bridge->result(
                'provisioning.single-sign-on',
                ['params' => ServiceParams::fromParams($params)],
            );
        } catch (ComponentError $e) {
            return ['success' => false, 'errorMsg' => $e->getMessage()];
        }
        if (!is_string($url) || !ClientAreaView::isWebUrl($url)) {
            return ['success' => false, 'errorMsg' => 'The module did not return a usable sign-on address.'];
        }
        return ['success' => true, 'redirectTo' => $url];
    }

    /** @param array<string, mixed> $args */
    private function successOrSentence(string $function, array $args): string
    {
        try {
            $this->bridge->result($function, $args);
        } catch (ComponentError $e) {
            return $e->getMessage();
        }
        return 'success';
    }

    private static function escape(mixed $value): string
    {
        return htmlspecialchars(is_scalar($value) ? (string) $value : '', ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
