<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The `provisioning.client-area-view` as WHMCS's ClientArea answer
 * (templates/clientarea.tpl or templates/error.tpl of the server module), and
 * the `clientAction` endpoint's JSON, in the shapes of
 * docs/management.md (the client-area contract). Every string is plain text;
 * the template and the page's script escape it.
 */
final class ClientAreaView
{
    private const TEMPLATES = ['clientarea', 'error'];

    /**
     * @param array<string, mixed> $view
     * @return array{templatefile: string, vars: array<string, mixed>}
     */
    public static function fromView(array $view, int $serviceId): array
    {
        $template = in_array($view['template'] ?? null, self::TEMPLATES, true) ? $view['template'] : 'error';
        $facts = [];
        foreach (self::rows($view['facts'] ?? null) as $field) {
            $facts[] = ['label' => self::text($field['label'] ?? ''), 'value' => self::text($field['value'] ?? '')];
        }
        $osChoices = [];
        foreach (self::rows($view['os-choices'] ?? null) as $os) {
            $osChoices[] = ['id' => (int) ($os['id'] ?? 0), 'name' => self::text($os['name'] ?? '')];
        }
        $error = self::text($view['error'] ?? '');
        if ($template === 'error' && $error === '') {
            $error = 'The server details are not available right now.';
        }
        $vars = self::base($serviceId, $error);
        // Worded by the component (WHMCS's spelling, or while the server is set up).
        $vars['status'] = self::text($view['status-text'] ?? '');
        $vars['server'] = self::server($view['server'] ?? null);
        $vars['actions'] = self::actions($view['actions'] ?? null);
        $vars['osChoices'] = $osChoices;
        $vars['facts'] = $facts;
        $vars['ssoUrl'] = ($view['single-sign-on'] ?? false) === true && $serviceId > 0
            ? 'clientarea.php?action=productdetails&id=' . $serviceId . '&dosinglesignon=1'
            : '';
        return ['templatefile' => 'templates/' . $template, 'vars' => $vars];
    }

    /** @return array{templatefile: string, vars: array<string, mixed>} */
    public static function error(string $sentence, int $serviceId = 0): array
    {
        return ['templatefile' => 'templates/error', 'vars' => self::base($serviceId, $sentence)];
    }

    /**
     * The posted fields as `['request' => <provisioning.action-request>]`, or the
     * sentence refusing them.
     *
     * @param array<string, mixed> $post
     * @return string|array{request: mixed}
     */
    public static function request(array $post): string|array
    {
        $action = CustomActions::fromOp(is_string($post['op'] ?? null) ? $post['op'] : '');
        if ($action === null) {
            return 'This action is not offered.';
        }
        if ($action !== 'reinstall') {
            return ['request' => $action];
        }
        // Decoded only: whether a reinstall may go ahead is the component's rule.
        $osId = is_string($post['os_id'] ?? null) ? $post['os_id'] : '';
        $password = is_string($post['password'] ?? null) ? $post['password'] : '';
        return ['request' => ['reinstall' => [
            'os-id' => preg_match('/^[1-9][0-9]{0,17}$/', $osId) === 1 ? (int) $osId : null,
            'password' => $password,
            'confirmed' => ($post['confirm'] ?? '') === '1',
        ]]];
    }

    /**
     * @param array<string, mixed> $outcome a `provisioning.action-outcome`
     * @return array{ok: bool, message: string, server: array<string, mixed>, actions: list<array<string, mixed>>}
     */
    public static function outcome(array $outcome): array
    {
        return [
            'ok' => ($outcome['accepted'] ?? false) === true,
            'message' => self::text($outcome['message'] ?? ''),
            'server' => self::server($outcome['server'] ?? null),
            'actions' => self::actions($outcome['actions'] ?? null),
        ];
    }

    /** @return array{ok: bool, message: string, server: array<string, mixed>, actions: list<array<string, mixed>>} */
    public static function refusal(string $sentence): array
    {
        return ['ok' => false, 'message' => $sentence, 'server' => self::server(null), 'actions' => []];
    }

    /** Only http(s) URLs may become links or redirects. */
    public static function isWebUrl(string $url): bool
    {
        $scheme = parse_url($url, PHP_URL_SCHEME);
        $host = parse_url($url, PHP_URL_HOST);
        return in_array(is_string($scheme) ? strtolower($scheme) : '', ['http', 'https'], true)
            && is_string($host) && $host !== '';
    }

    /** @return array<string, mixed> */
    private static function base(int $serviceId, string $error): array
    {
        return [
            'serviceId' => $serviceId,
            'actionUrl' => 'clientarea.php?action=productdetails&id=' . $serviceId,
            'status' => '',
            'server' => self::server(null),
            'actions' => [],
            'osChoices' => [],
            'facts' => [],
            'ssoUrl' => '',
            'errorMessage' => $error,
        ];
    }

    /** @return array{power: string, label: string, busy: bool, busyLabel: string} */
    private static function server(mixed $state): array
    {
        $state = is_array($state) ? $state : [];
        $power = in_array($state['power'] ?? null, ['on', 'off'], true) ? $state['power'] : 'unknown';
        $label = self::text($state['label'] ?? '');
        $busy = ($state['busy'] ?? false) === true;
        return [
            'power' => $power,
            'label' => $label !== '' ? $label : 'Unknown',
            'busy' => $busy,
            'busyLabel' => $busy ? self::text($state['busy-label'] ?? '') : '',
        ];
    }

    /** @return list<array{op: string, label: string, enabled: bool, confirm: string}> */
    private static function actions(mixed $buttons): array
    {
        $result = [];
        foreach (self::rows($buttons) as $button) {
            $op = CustomActions::op(self::text($button['action'] ?? ''));
            if ($op !== null) {
                $result[] = [
                    'op' => $op,
                    'label' => self::text($button['label'] ?? ''),
                    'enabled' => ($button['enabled'] ?? false) === true,
                    'confirm' => self::text($button['confirm'] ?? ''),
                ];
            }
        }
        return $result;
    }

    /** @return list<array<string, mixed>> */
    private static function rows(mixed $list): array
    {
        return array_values(array_filter(is_array($list) ? $list : [], 'is_array'));
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }
}
