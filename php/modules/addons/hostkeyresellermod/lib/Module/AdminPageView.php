<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * Renders the `addon.admin-view` model with the escaped PHP template
 * templates/admin.php (every value goes through htmlspecialchars).
 *
 * Tables named `form:<action>` are forms posting <action>; their rows are
 * [name, label, value, kind (text, yesno or select), choices as
 * "value=Label|value=Label"]. Other tables have a header row first.
 */
final class AdminPageView
{
    private const LEVELS = ['success' => 'success', 'info' => 'info', 'warning' => 'warning', 'error' => 'danger'];
    private const KINDS = ['text', 'yesno', 'select'];

    /** The page's own buttons, as (action, label, confirmation or ''). */
    public const ACTIONS = [
        ['import-preview', 'Preview import', ''],
        ['import', 'Import catalogue', 'Import the HOSTKEY catalogue into WHMCS now?'],
        [
            'import-full',
            'Re-sync everything',
            'Compare every option and price with HOSTKEY and repair any edited by hand?',
        ],
    ];

    /** What a ticked checkbox posts. */
    public const CHECKED_VALUE = 'yes';

    /** How known forms look: (heading, submit label, button class, panel class). */
    private const FORMS = [
        'save-settings' => ['Import settings', 'Save settings', 'btn-primary', 'panel-default'],
        'import' => ['Import with a large withdrawal', 'Import and withdraw', 'btn-warning', 'panel-warning'],
        'clear' => ['Remove the imported catalogue', 'Remove imported products', 'btn-danger', 'panel-danger'],
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
            'checkedValue' => self::CHECKED_VALUE,
        ];
        foreach (is_array($page['tables'] ?? null) ? $page['tables'] : [] as $table) {
            if (!is_array($table) || count($table) !== 2 || !is_array($table[1] ?? null)) {
                continue;
            }
            $name = self::text($table[0] ?? '');
            $rows = array_values(array_filter($table[1], 'is_array'));
            $rows = array_map(
                static fn (array $row): array => array_values(array_map([self::class, 'text'], $row)),
                $rows,
            );
            if (str_starts_with($name, 'form:')) {
                $view['forms'][] = self::form(substr($name, 5), $rows);
            } else {
                $view['tables'][] = [
                    'name' => $name,
                    'header' => $rows[0] ?? [],
                    'rows' => array_slice($rows, 1),
                ];
            }
        }
        return $this->include('admin.php', $view);
    }

    public function sidebar(string $moduleLink): string
    {
        return $this->include('sidebar.php', ['moduleLink' => $moduleLink, 'title' => AddonModule::NAME]);
    }

    /**
     * A form of the view model, ready for the template.
     *
     * @param list<list<string>> $rows
     * @return array<string, mixed>
     */
    private static function form(string $action, array $rows): array
    {
        [$heading, $submit, $button, $panel] = self::FORMS[$action]
            ?? [ucfirst(str_replace('-', ' ', $action)), ucfirst(str_replace('-', ' ', $action)), 'btn-default',
                'panel-default'];
        $fields = [];
        foreach ($rows as $row) {
            $name = $row[0] ?? '';
            if ($name === '') {
                continue;
            }
            $kind = $row[3] ?? 'text';
            $value = $row[2] ?? '';
            $field = [
                'name' => $name,
                'id' => 'hk-' . $action . '-' . $name,
                'label' => ($row[1] ?? '') !== '' ? $row[1] : $name,
                'value' => $value,
                'kind' => in_array($kind, self::KINDS, true) ? $kind : 'text',
                'checked' => $value !== '',
                'choices' => [],
            ];
            if ($field['kind'] === 'select') {
                $field['choices'] = self::choices($row[4] ?? '', $value);
            }
            $fields[] = $field;
        }
        return [
            'action' => $action,
            'heading' => $heading,
            'submit' => $submit,
            'button' => $button,
            'panel' => $panel,
            'fields' => $fields,
        ];
    }

    /**
     * "value=Label|value=Label" as a list of (value, label, selected); a current
     * value that is not among the choices is kept as the first choice.
     *
     * @return list<array{value: string, label: string, selected: bool}>
     */
    private static function choices(string $spec, string $current): array
    {
        $choices = [];
        foreach ($spec === '' ? [] : explode('|', $spec) as $item) {
            [$value, $label] = str_contains($item, '=') ? explode('=', $item, 2) : [$item, $item];
            $choices[] = ['value' => $value, 'label' => $label !== '' ? $label : $value, 'selected' => false];
        }
        $values = array_column($choices, 'value');
        if (!in_array($current, $values, true)) {
            array_unshift($choices, ['value' => $current, 'label' => $current, 'selected' => false]);
        }
        foreach ($choices as $index => $choice) {
            $choices[$index]['selected'] = $choice['value'] === $current;
        }
        return $choices;
    }

    /**
     * The texts of lang/english.php (`$_ADDONLANG`), for the templates as `$view['lang']`.
     *
     * @return array<string, string>
     */
    public function lang(): array
    {
        $load = static function (string $file): array {
            $_ADDONLANG = [];
            require $file;
            return $_ADDONLANG;
        };
        return $load(dirname($this->templateDir) . '/lang/english.php');
    }

    /** @param array<string, mixed> $view */
    private function include(string $template, array $view): string
    {
        $view['lang'] = $this->lang();
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
