<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

use Closure;
use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\Bridge;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Facts;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\CsrfGuard;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

defined('WHMCS') || exit;

/**
 * The addon module's WHMCS functions, mapped to the component's `addon` exports.
 */
final class AddonModule
{
    /** The bridge's own setting: only PHP reads it, so only PHP offers it. */
    private const TRANSPORT_FIELD = [
        'FriendlyName' => 'Engine transport',
        'Type' => 'dropdown',
        'Options' => ['auto' => 'Automatic', 'ffi' => 'In-process (FFI)', 'cli' => 'Helper process'],
        'Default' => 'auto',
        'Description' => 'How PHP runs the module\'s engine: in-process (FFI, needs ffi.enable) or a helper process.',
    ];

    private ImportIni $ini;

    /** @var (Closure(): SystemCheck)|null built only for the admin page */
    private ?Closure $check;

    /** @param (Closure(): SystemCheck)|null $check the admin page's System check */
    public function __construct(
        private Bridge $bridge,
        private AdminPageView $view,
        ?ImportIni $ini = null,
        ?Closure $check = null,
    ) {
        $this->ini = $ini ?? ImportIni::forAddon();
        $this->check = $check;
    }

    /**
     * The WIT `addon.import-source`: import.ini's content and who started the
     * run (`import-trigger`; the daily cron never confirms a large withdrawal).
     *
     * @return array{ini: ?string, trigger: string}
     */
    public static function importSource(?string $ini, bool $scheduled = false, bool $allowWithdrawal = false): array
    {
        $trigger = match (true) {
            $scheduled => 'scheduled',
            $allowWithdrawal => 'manual-allowing-withdrawal',
            default => 'manual',
        };
        return ['ini' => $ini, 'trigger' => $trigger];
    }

    /**
     * Runs the catalogue import (or only computes it, for a preview).
     *
     * @param bool $allowWithdrawal the admin confirmed taking more than the set share off sale
     * @return array<string, mixed> the decoded `import-report`
     * @throws ComponentError with the component's sentence
     */
    public function import(bool $preview = false, bool $allowWithdrawal = false): array
    {
        $report = $this->bridge->result(
            $preview ? 'addon.import-preview' : 'addon.import',
            ['source' => self::importSource($this->ini->content(), false, $allowWithdrawal)],
        );
        return is_array($report) ? $report : [];
    }

    /**
     * Removes the imported catalogue (products with services are retired).
     *
     * @return array<string, mixed> the decoded `clear-report`
     */
    public function clear(): array
    {
        $report = $this->bridge->result('addon.clear');
        return is_array($report) ? $report : [];
    }

    /** @return array<string, mixed> what `<name>_config()` returns */
    public function config(): array
    {
        $config = $this->bridge->call('addon.config');
        $config = is_array($config) ? $config : [];
        $fields = ConfigFields::toWhmcs($config['fields'] ?? []);
        $fields['transport'] = self::TRANSPORT_FIELD;
        return [
            'name' => (string) ($config['name'] ?? Facts::displayName()),
            'description' => (string) ($config['description'] ?? ''),
            'version' => (string) ($config['version'] ?? '0'),
            'author' => (string) ($config['author'] ?? ''),
            'language' => 'english',
            'fields' => $fields,
        ];
    }

    /**
     * The settings form when the component cannot be reached, so that the
     * admin can still switch the transport; the description says what failed.
     *
     * @return array<string, mixed>
     */
    public static function unavailableConfig(string $sentence): array
    {
        return [
            'name' => Facts::displayName(),
            'description' => 'The module\'s engine is not available: ' . $sentence,
            'version' => '0',
            'author' => Facts::author(),
            'language' => 'english',
            'fields' => ['transport' => self::TRANSPORT_FIELD],
        ];
    }

    /** @return array{status: string, description: string} */
    public function activate(): array
    {
        try {
            $report = $this->bridge->result('addon.activate');
        } catch (ComponentError $e) {
            return ['status' => 'error', 'description' => $e->getMessage()];
        }
        $summary = is_array($report) ? (string) ($report['summary'] ?? '') : '';
        return ['status' => 'success', 'description' => $summary !== '' ? $summary : 'The module is activated.'];
    }

    /** @return array{status: string, description: string} */
    public function deactivate(): array
    {
        try {
            $sentence = $this->bridge->result('addon.deactivate');
        } catch (ComponentError $e) {
            return ['status' => 'error', 'description' => $e->getMessage()];
        }
        $sentence = is_string($sentence) && $sentence !== '' ? $sentence : 'The module is deactivated.';
        return ['status' => 'success', 'description' => $sentence];
    }

    /**
     * @param array<string, mixed> $vars WHMCS's vars; `version` is the previously installed one
     * @return string what the upgrade did
     */
    public function upgrade(array $vars): string
    {
        $result = $this->bridge->result('addon.upgrade', ['from-version' => (string) ($vars['version'] ?? '')]);
        return is_string($result) ? $result : '';
    }

    /**
     * The admin page's HTML. A POST is passed on only with a valid CSRF token.
     *
     * @param array<string, mixed> $vars WHMCS's vars (modulelink, ...)
     * @param array<string, mixed> $post the POST fields
     */
    public function output(array $vars, string $method, array $post, CsrfGuard $csrf): string
    {
        $notices = [];
        $ini = $this->ini->content();
        $request = AdminRequest::view($ini);
        if (strtoupper($method) === 'POST') {
            if ($csrf->valid($post['token'] ?? null)) {
                $request = AdminRequest::fromPost($post, $ini);
            } else {
                $notices[] = [
                    'level' => 'error',
                    'text' => 'The form had expired, so nothing was changed. Please try again.',
                ];
            }
        }
        try {
            $page = $this->bridge->result('addon.admin-page', ['request' => $request]);
            $page = is_array($page) ? $page : [];
        } catch (ComponentError $e) {
            $page = ['notices' => [['level' => 'error', 'text' => $e->getMessage()]]];
        } catch (Throwable $e) {
            // The engine itself failed: say why, and still show the System check below.
            $page = ['notices' => [['level' => 'error', 'text' => ErrorReport::sentence('output', $e)]]];
        }
        $page['notices'] = array_merge($notices, is_array($page['notices'] ?? null) ? $page['notices'] : []);
        if ($this->check !== null) {
            $page['tables'] = array_merge(
                is_array($page['tables'] ?? null) ? $page['tables'] : [],
                [($this->check)()->table()],
            );
        }
        return $this->view->render($page, (string) ($vars['modulelink'] ?? ''), $csrf->token());
    }

    /**
     * The Margins CSV when the admin asked for it (a POST of `margins-csv`
     * with a valid CSRF token): every row of the Margins view, whatever page
     * it shows. Null for any other request, which the page then renders.
     *
     * @param array<string, mixed> $post the POST fields
     * @return array{filename: string, type: string, body: string}|null
     */
    public function download(string $method, array $post, CsrfGuard $csrf): ?array
    {
        if (
            strtoupper($method) !== 'POST' || ($post['action'] ?? null) !== 'margins-csv'
            || !$csrf->valid($post['token'] ?? null)
        ) {
            return null;
        }
        // Every row, not the page the view shows.
        $request = AdminRequest::fromPost(
            ['action' => 'margins', 'margins_page' => 'all'] + $post,
            $this->ini->content(),
        );
        try {
            $page = $this->bridge->result('addon.admin-page', ['request' => $request]);
        } catch (ComponentError) {
            return null;
        }
        $margins = MarginsView::prepare(is_array($page) ? ($page['margins'] ?? null) : null);
        if ($margins === null) {
            return null;
        }
        return [
            'filename' => 'hostkey-margins-' . gmdate('Y-m-d') . '.csv',
            'type' => 'text/csv; charset=utf-8',
            'body' => MarginsView::csv($margins),
        ];
    }

    /** @param array<string, mixed> $vars */
    public function sidebar(array $vars): string
    {
        return $this->view->sidebar((string) ($vars['modulelink'] ?? ''));
    }
}
