<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use WHMCS\Module\Addon\HostkeyResellerMod\Facts;

defined('WHMCS') || exit;

/**
 * Renders the `addon.admin-view` model (notices, fields, `form`s of
 * `form-field`s, `table`s) with the escaped PHP template templates/admin.php
 * (every value goes through htmlspecialchars).
 */
final class AdminPageView
{
    private const LEVELS = ['success' => 'success', 'info' => 'info', 'warning' => 'warning', 'error' => 'danger'];
    /** The `field-value` cases and the template's input kinds. */
    private const KINDS = ['text' => 'text', 'yes-no' => 'yesno', 'select' => 'select'];

    /** The page's own buttons, as (action, label, confirmation or ''). */
    public const ACTIONS = [
        ['import-preview', 'Preview import', ''],
        ['import', 'Import catalogue', 'Import the HOSTKEY catalogue into WHMCS now?'],
        [
            'import-full',
            'Re-sync everything',
            'Compare every option and price with HOSTKEY and repair any edited by hand?',
        ],
        ['margins', 'Margins', ''],
    ];

    /** What a ticked checkbox posts. */
    public const CHECKED_VALUE = 'yes';

    /** How known forms look: (heading, submit label, button class, panel class). */
    private const FORMS = [
        'save-settings' => ['Import settings', 'Save settings', 'btn-primary', 'panel-default'],
        'import' => ['Import with a large withdrawal', 'Import and withdraw', 'btn-warning', 'panel-warning'],
        'clear' => ['Remove the imported catalogue', 'Remove imported products', 'btn-danger', 'panel-danger'],
        'view' => ['Pages of the lists', 'Show these pages', 'btn-default', 'panel-default'],
        'margins' => ['Pages of the Margins view', 'Show this page', 'btn-default', 'panel-default'],
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
            'title' => self::text($page['title'] ?? '') ?: Facts::displayName(),
            'notices' => $this->notices($page['notices'] ?? []),
            'fields' => self::fields($page['fields'] ?? []),
            'tables' => [],
            'forms' => [],
            'moduleLink' => $moduleLink,
            'token' => $token,
            'actions' => self::ACTIONS,
            'checkedValue' => self::CHECKED_VALUE,
            'margins' => MarginsView::prepare($page['margins'] ?? null),
        ];
        foreach (self::items($page['forms'] ?? null) as $form) {
            $action = self::text($form['action'] ?? '');
            if ($action !== '') {
                $view['forms'][] = self::form($action, self::items($form['fields'] ?? null));
            }
        }
        foreach (self::items($page['tables'] ?? null) as $table) {
            $view['tables'][] = [
                'name' => self::text($table['title'] ?? ''),
                'header' => self::cells($table['header'] ?? null),
                'rows' => array_map([self::class, 'cells'], self::items($table['rows'] ?? null)),
            ];
        }
        return $this->include('admin.php', $view);
    }

    public function sidebar(string $moduleLink): string
    {
        return $this->include('sidebar.php', ['moduleLink' => $moduleLink, 'title' => Facts::displayName()]);
    }

    /**
     * A form of the view model, ready for the template.
     *
     * @param list<array<mixed>> $fields the `form-field` records
     * @return array<string, mixed>
     */
    private static function form(string $action, array $fields): array
    {
        [$heading, $submit, $button, $panel] = self::FORMS[$action]
            ?? [ucfirst(str_replace('-', ' ', $action)), ucfirst(str_replace('-', ' ', $action)), 'btn-default',
                'panel-default'];
        $prepared = [];
        foreach ($fields as $field) {
            $name = self::text($field['name'] ?? '');
            if ($name === '') {
                continue;
            }
            // `field-value` variant: {"text": s}, {"yes-no": bool} or {"select": s}.
            $input = is_array($field['value'] ?? null) ? $field['value'] : [];
            $case = (string) array_key_first($input);
            $kind = self::KINDS[$case] ?? 'text';
            $checked = $kind === 'yesno' && ($input[$case] ?? false) === true;
            $value = $kind === 'yesno' ? '' : self::text($input[$case] ?? '');
            $label = self::text($field['label'] ?? '');
            $entry = [
                'name' => $name,
                'id' => 'hk-' . $action . '-' . $name,
                'label' => $label !== '' ? $label : $name,
                'value' => $value,
                'kind' => $kind,
                'checked' => $checked,
                'choices' => [],
            ];
            if ($entry['kind'] === 'select') {
                $entry['choices'] = self::choices(self::items($field['choices'] ?? null), $value);
            }
            $prepared[] = $entry;
        }
        return [
            'action' => $action,
            'heading' => $heading,
            'submit' => $submit,
            'button' => $button,
            'panel' => $panel,
            'fields' => $prepared,
        ];
    }

    /**
     * The `choice` records as (value, label, selected); a current value that is
     * not among the choices is kept as the first choice.
     *
     * @param list<array<mixed>> $items
     * @return list<array{value: string, label: string, selected: bool}>
     */
    private static function choices(array $items, string $current): array
    {
        $choices = [];
        foreach ($items as $item) {
            $value = self::text($item['value'] ?? '');
            $label = self::text($item['label'] ?? '');
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
     * The arrays (records) of a decoded list; anything else is dropped.
     *
     * @return list<array<mixed>>
     */
    private static function items(mixed $list): array
    {
        return is_array($list) ? array_values(array_filter($list, 'is_array')) : [];
    }

    /**
     * A row of text cells.
     *
     * @return list<string>
     */
    private static function cells(mixed $row): array
    {
        return is_array($row) ? array_values(array_map([self::class, 'text'], $row)) : [];
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
