<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The `provisioning.client-area-view` as WHMCS's ClientArea answer
 * (templates/clientarea.tpl or templates/error.tpl of the server module).
 */
final class ClientAreaView
{
    private const TEMPLATES = ['clientarea', 'error'];

    /**
     * @param array<string, mixed> $view
     * @return array{templatefile: string, vars: array<string, mixed>}
     */
    public static function fromView(array $view): array
    {
        $template = in_array($view['template'] ?? null, self::TEMPLATES, true) ? $view['template'] : 'error';
        $panelUrl = $view['panel-url'] ?? null;
        $panelUrl = is_string($panelUrl) && self::isWebUrl($panelUrl) ? $panelUrl : '';
        $fields = [];
        foreach (is_array($view['fields'] ?? null) ? $view['fields'] : [] as $field) {
            if (is_array($field)) {
                $fields[] = [
                    'label' => self::text($field['label'] ?? ''),
                    'value' => self::text($field['value'] ?? ''),
                ];
            }
        }
        $error = self::text($view['error'] ?? '');
        if ($template === 'error' && $error === '') {
            $error = 'The server details are not available right now.';
        }
        return [
            'templatefile' => 'templates/' . $template,
            'vars' => [
                'status' => self::text($view['status'] ?? ''),
                'panelUrl' => $panelUrl,
                'fields' => $fields,
                'errorMessage' => $error,
            ],
        ];
    }

    /** @return array{templatefile: string, vars: array<string, mixed>} */
    public static function error(string $sentence): array
    {
        return [
            'templatefile' => 'templates/error',
            'vars' => ['status' => '', 'panelUrl' => '', 'fields' => [], 'errorMessage' => $sentence],
        ];
    }

    /** Only http(s) URLs may become links or iframes. */
    public static function isWebUrl(string $url): bool
    {
        $scheme = parse_url($url, PHP_URL_SCHEME);
        $host = parse_url($url, PHP_URL_HOST);
        return in_array(is_string($scheme) ? strtolower($scheme) : '', ['http', 'https'], true)
            && is_string($host) && $host !== '';
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }
}
