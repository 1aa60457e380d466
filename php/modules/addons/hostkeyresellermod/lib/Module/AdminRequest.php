<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * What the admin asked on the addon page, as the WIT `addon.admin-request`:
 * a CSRF-checked POST (or a plain view) and the content of `import.ini`.
 */
final class AdminRequest
{
    /** The cases of the WIT `addon.admin-action`; anything else shows the page. */
    public const ACTIONS = [
        'view', 'save-settings', 'import-preview', 'import', 'import-full', 'clear',
        'margins', 'reprice-preview', 'reprice-apply',
    ];
    private const FIELD = '/^[A-Za-z0-9_.:\[\]-]{1,128}$/D';

    /**
     * Showing the page without acting.
     *
     * @return array{action: string, form: list<array{0: string, 1: string}>, ini: ?string}
     */
    public static function view(?string $ini = null): array
    {
        return ['action' => 'view', 'form' => [], 'ini' => $ini];
    }

    /**
     * @param array<string, mixed> $post
     * @param string|null $ini the content of import.ini, when the file exists
     * @return array{action: string, form: list<array{0: string, 1: string}>, ini: ?string}
     */
    public static function fromPost(array $post, ?string $ini = null): array
    {
        $action = $post['action'] ?? '';
        // A CSV that could not be made shows the Margins view with the reason.
        $action = $action === 'margins-csv' ? 'margins' : $action;
        $action = is_string($action) && in_array($action, self::ACTIONS, true) ? $action : 'view';
        $form = [];
        foreach ($post as $name => $value) {
            $name = (string) $name;
            if ($name === 'token' || $name === 'action' || preg_match(self::FIELD, $name) !== 1) {
                continue;
            }
            if (is_scalar($value)) {
                $form[] = [$name, (string) $value];
            } elseif (is_array($value)) {
                foreach ($value as $key => $item) {
                    if (is_scalar($item)) {
                        $form[] = [$name . '[' . $key . ']', (string) $item];
                    }
                }
            }
        }
        return ['action' => $action, 'form' => $form, 'ini' => $ini];
    }
}
