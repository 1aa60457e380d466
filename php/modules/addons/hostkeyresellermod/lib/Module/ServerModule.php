<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServerParams;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ServiceParams;

defined('WHMCS') || exit;

/**
 * The server module's WHMCS functions, mapped to the `provisioning` exports.
 */
final class ServerModule
{
    public const FUNCTION_PREFIX = 'hostkeyresellermod_';
    /** The service tab's input for a hand re-link. */
    public const RELINK_FIELD = 'hostkeyresellermod_server_id';

    /** The service actions that end in 'success' or a sentence. */
    private const ACTIONS = [
        'create' => 'provisioning.create',
        'suspend' => 'provisioning.suspend',
        'unsuspend' => 'provisioning.unsuspend',
        'terminate' => 'provisioning.terminate',
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
            'DisplayName' => (string) ($meta['display-name'] ?? Facts::displayName()),
            'APIVersion' => (string) ($meta['api-version'] ?? Facts::whmcsApiVersion()),
            'RequiresServer' => (bool) ($meta['requires-server'] ?? Facts::requiresServer()),
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
        return [
            'DisplayName' => Facts::displayName(),
            'APIVersion' => Facts::whmcsApiVersion(),
            'RequiresServer' => Facts::requiresServer(),
        ];
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
     * create, suspend, unsuspend or terminate.
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
        $serviceId = (int) ($params['serviceid'] ?? 0);
        try {
            $view = $this->bridge->result('provisioning.client-area', ['params' => ServiceParams::fromParams($params)]);
        } catch (ComponentError $e) {
            return ClientAreaView::error($e->getMessage(), $serviceId);
        }
        return ClientAreaView::fromView(is_array($view) ? $view : [], $serviceId);
    }

    /**
     * The admin's buttons: the enabled actions WHMCS can call back without input
     * (a reinstall needs an OS and a password, so it is the client area's).
     *
     * @param array<string, mixed> $params
     * @return array<string, string> label => function suffix
     */
    public function adminButtons(array $params): array
    {
        $args = ['params' => ServiceParams::fromParams($params)];
        $buttons = $this->bridge->result('provisioning.admin-buttons', $args);
        $result = [];
        foreach (is_array($buttons) ? $buttons : [] as $button) {
            $suffix = CustomActions::suffix(is_array($button) ? (string) ($button['action'] ?? '') : '');
            if ($suffix !== null && ($button['enabled'] ?? false) === true) {
                $result[(string) ($button['label'] ?? $suffix)] = $suffix;
            }
        }
        return $result;
    }

    /**
     * An admin button (WHMCS calls `hostkeyresellermod_<Suffix>`).
     *
     * @param array<string, mixed> $params
     * @return string 'success' or the sentence WHMCS shows
     */
    public function adminAction(string $suffix, array $params): string
    {
        $action = CustomActions::action($suffix);
        if ($action === null || $action === 'reinstall') {
            return 'The action ' . $suffix . ' is not part of this module.';
        }
        try {
            $outcome = $this->bridge->result('provisioning.run-action', [
                'params' => ServiceParams::fromParams($params),
                'requester' => 'admin',
                'request' => $action,
            ]);
        } catch (ComponentError $e) {
            return $e->getMessage();
        }
        $outcome = is_array($outcome) ? $outcome : [];
        if (($outcome['accepted'] ?? false) === true) {
            return 'success';
        }
        $message = is_string($outcome['message'] ?? null) ? $outcome['message'] : '';
        return $message !== '' ? $message : 'The action was not sent.';
    }

    /**
     * The client area's AJAX endpoint (docs/management.md): the CSRF token is
     * checked here, before the component is called; who may act is the
     * component's rule.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $post
     * @param int|null $clientId the logged-in client; null reads WHMCS's session
     * @return array{ok: bool, message: string, server: array<string, mixed>, actions: list<array<string, mixed>>}
     */
    public function clientAction(array $params, array $post, string $sessionToken, ?int $clientId = null): array
    {
        $token = is_string($post['token'] ?? null) ? $post['token'] : '';
        if ($sessionToken === '' || !hash_equals($sessionToken, $token)) {
            return ClientAreaView::refusal('Your session has expired; reload the page and try again.');
        }
        $request = ClientAreaView::request($post);
        if (is_string($request)) {
            return ClientAreaView::refusal($request);
        }
        $clientId ??= (int) ($_SESSION['uid'] ?? 0);
        try {
            $outcome = $this->bridge->result('provisioning.run-action', [
                'params' => ServiceParams::fromParams($params),
                'requester' => ['client' => $clientId],
                'request' => $request['request'],
            ]);
        } catch (ComponentError $e) {
            return ClientAreaView::refusal($e->getMessage());
        }
        return ClientAreaView::outcome(is_array($outcome) ? $outcome : []);
    }

    /**
     * AdminServicesTabFieldsSave: a new server id typed into the tab re-links the
     * service; WHMCS shows nothing back, the module log has the outcome.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $post
     */
    public function serviceTabSave(array $params, array $post): string
    {
        $raw = is_string($post[self::RELINK_FIELD] ?? null) ? trim($post[self::RELINK_FIELD]) : '';
        if ($raw === '') {
            return '';
        }
        if (preg_match('/^[1-9][0-9]{0,17}$/', $raw) !== 1) {
            return 'The HOSTKEY server id must be a positive number.';
        }
        try {
            $line = $this->bridge->result('provisioning.service-tab-save', [
                'params' => ServiceParams::fromParams($params),
                'server-id' => (int) $raw,
            ]);
        } catch (ComponentError $e) {
            return $e->getMessage();
        }
        return is_string($line) ? $line : '';
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
        $result['Re-link to server id'] = '<input type="text" class="form-control input-200" name="'
            . self::RELINK_FIELD . '" value="" placeholder="HOSTKEY server id" />';
        return $result;
    }

    /**
     * WHMCS calls this from the admin's and the client's service page; who is
     * signed in is read from WHMCS's session (an admin first), and whether
     * that one may sign on is the component's rule.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed>|null $session null reads WHMCS's session
     * @return array<string, mixed> success + redirectTo, or success false + errorMsg
     */
    public function singleSignOn(array $params, ?array $session = null): array
    {
        $session ??= $_SESSION ?? [];
        $admin = (int) ($session['adminid'] ?? 0);
        $requester = $admin > 0 ? 'admin' : ['client' => (int) ($session['uid'] ?? 0)];
        try {
            $url = $this->bridge->result(
                'provisioning.single-sign-on',
                ['params' => ServiceParams::fromParams($params), 'requester' => $requester],
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
