<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

/**
 * Renders the `addon.admin-view` model with the escaped PHP template
 * templates/admin.php (every value goes through htmlspecialchars).
 */
final class AdminPageView
{
    private const LEVELS = ['success' => 'success', 'info' => 'info', 'warning' => 'warning', 'error' => 'danger'];

    /** Actions the page always offers, as (action, label, confirmation or ''). */
    public const ACTIONS = [
        ['import-preview', 'Preview import', ''],
        ['import', 'Import catalogue', 'Import the HOSTKEY catalogue into WHMCS now?'],
        ['clear', 'Remove imported products', 'Remove every imported product that has no services?'],
    ];

    public function __construct(private string $templateDir)
    {
    }

    /**
     * @param array<string, mixed> $page the decoded admin-view
     */
    public function render(array $page, string $moduleLink, string $token): string
    {
        $view = [
            'title' => self::text($page['title'] ?? '') ?: AddonModule::NAME,
            'notices' => $this->notices($page['notices'] ?? []),
            'fields' => self::fields($page['fields'] ?? []),
            'tables' => [],
            'forms' => [],
            'moduleLink' => $moduleLink,
            'token' => $token,
            'actions' => self::ACTIONS,
        ];
        foreach (is_array($page['tables'] ?? null) ? $page['tables'] : [] as $table) {
            if (!is_array($table) || count($table) !== 2 || !is_array($table[1])) {
                continue;
            }
            $name = self::text($table[0]);
            $rows = array_values(array_filter($table[1], 'is_array'));
            $rows = array_map(static fn (array $row): array => array_map([self::class, 'text'], $row), $rows);
            if (str_starts_with($name, 'form:')) {
                $view['forms'][] = ['action' => substr($name, 5), 'rows' => $rows];
            } else {
                $view['tables'][] = ['name' => $name, 'rows' => $rows];
            }
        }
        return $this->include('admin.php', $view);
    }

    public function sidebar(string $moduleLink): string
    {
        return $this->include('sidebar.php', ['moduleLink' => $moduleLink, 'title' => AddonModule::NAME]);
    }

    /** @param array<string, mixed> $view */
    private function include(string $template, array $view): string
    {
        $e = static fn (mixed $value): string => htmlspecialchars(
            is_scalar($value) ? (string) $value : '',
            ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5,
            'UTF-8',
        );
        $render = static function (string $file, array $view, callable $e): void {
            require $file;
        };
        ob_start();
        try {
            $render($this->templateDir . '/' . $template, $view, $e);
        } finally {
            $html = (string) ob_get_clean();
        }
        return $html;
    }

    /** @return list<array{class: string, text: string}> */
    private function notices(mixed $notices): array
    {
        $result = [];
        foreach (is_array($notices) ? $notices : [] as $notice) {
            if (is_array($notice)) {
                $level = self::text($notice['level'] ?? 'info');
                $result[] = ['class' => self::LEVELS[$level] ?? 'info', 'text' => self::text($notice['text'] ?? '')];
            }
        }
        return $result;
    }

    /** @return list<array{label: string, value: string}> */
    private static function fields(mixed $fields): array
    {
        $result = [];
        foreach (is_array($fields) ? $fields : [] as $field) {
            if (is_array($field)) {
                $result[] = [
                    'label' => self::text($field['label'] ?? ''),
                    'value' => self::text($field['value'] ?? ''),
                ];
            }
        }
        return $result;
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : '';
    }
}
