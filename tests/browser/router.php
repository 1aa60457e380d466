<?php

/**
 * The router of `php -S 127.0.0.1:<port>`: a small WHMCS front for the browser
 * test. It serves the client area's product-details page
 * (clientarea.php?action=productdetails&id=N) and the addon's admin page
 * (admin/addonmodules.php?module=hostkeyresellermod) by calling the module's
 * real entry functions, rendering the client template with Debian's smarty3
 * inside a Bootstrap 4 layout (layout.php), and routes the module's AJAX
 * POST (modop=custom&a=clientAction) as WHMCS does. Static files: Bootstrap 4
 * from Debian's libjs-bootstrap4 and the module's own js/css/png.
 */

declare(strict_types=1);

const HKRM_STATIC_TYPES = ['js' => 'text/javascript', 'css' => 'text/css', 'png' => 'image/png',
    'map' => 'application/json'];

/**
 * Sends a file below $base, or nothing when there is none. No `..` and no
 * hidden segment: Debian's bootstrap4 folder holds symlinks into
 * /usr/share/nodejs, so the check is on the asked path, not the resolved one.
 */
function hkrm_static(string $base, string $relative): bool
{
    $type = HKRM_STATIC_TYPES[strtolower(pathinfo($relative, PATHINFO_EXTENSION))] ?? null;
    $segments = explode('/', $relative);
    $hidden = array_filter($segments, static fn (string $s): bool => $s === '' || $s[0] === '.');
    if ($type === null || $hidden !== [] || !is_file($base . '/' . $relative)) {
        return false;
    }
    header('Content-Type: ' . $type);
    header('Cache-Control: no-store');
    readfile($base . '/' . $relative);
    return true;
}

$hkrmPath = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
if (str_starts_with($hkrmPath, '/assets/bootstrap4/')) {
    if (!hkrm_static('/usr/share/javascript/bootstrap4', substr($hkrmPath, strlen('/assets/bootstrap4/')))) {
        http_response_code(404);
    }
    return true;
}
if (str_starts_with($hkrmPath, '/modules/')) {
    if (!hkrm_static(dirname(__DIR__, 2) . '/php/modules', substr($hkrmPath, strlen('/modules/')))) {
        http_response_code(404);
    }
    return true;
}

require __DIR__ . '/boot.php';
require __DIR__ . '/layout.php';

use WHMCS\Database\Capsule;

session_start();

/**
 * The $params WHMCS passes a server module for a service.
 *
 * @return array<string, mixed>|null
 */
function hkrm_service_params(int $serviceId): ?array
{
    $row = Capsule::table('tblhosting')->where('id', $serviceId)->first();
    if ($row === null) {
        return null;
    }
    return [
        'serviceid' => (int) $row->id, 'userid' => (int) $row->userid, 'pid' => (int) $row->packageid,
        'domain' => (string) $row->domain, 'username' => (string) ($row->username ?? ''),
        'password' => decrypt((string) ($row->password ?? '')), 'status' => (string) $row->domainstatus,
        'billingcycle' => (string) $row->billingcycle, 'serverid' => 0, 'server' => false,
        'clientsdetails' => ['userid' => (int) $row->userid, 'firstname' => 'Cleo', 'lastname' => 'Client',
            'companyname' => '', 'email' => 'cleo@example.test', 'currency' => 1],
    ];
}

/** What WHMCS does with a ClientArea answer: the module's template through Smarty. */
function hkrm_render_client_template(array $answer): string
{
    $compileDir = sys_get_temp_dir() . '/hkrm-browser-smarty-' . getmypid();
    if (!is_dir($compileDir)) {
        mkdir($compileDir, 0700, true);
    }
    $smarty = new Smarty();
    $smarty->setCompileDir($compileDir);
    $smarty->setTemplateDir(ROOTDIR . '/modules/servers/hostkeyresellermod');
    $smarty->assign(is_array($answer['vars'] ?? null) ? $answer['vars'] : []);
    $smarty->assign('token', generate_token('plain'));
    $smarty->assign('WEB_ROOT', '');
    $poll = getenv('HKRM_BROWSER_POLL_MS');
    if (is_string($poll) && ctype_digit($poll)) {
        $smarty->assign('hkrmPollMs', (int) $poll);
    }
    // Debian's Smarty 3.1.47 creates dynamic properties, deprecated in PHP 8.2.
    $previous = error_reporting(E_ALL & ~E_DEPRECATED);
    try {
        return $smarty->fetch((string) ($answer['templatefile'] ?? 'templates/error') . '.tpl');
    } finally {
        error_reporting($previous);
    }
}

/** The functions a client may call by modop=custom&a=<name>, as WHMCS reads them. */
function hkrm_client_allowed(string $function): bool
{
    if (!function_exists('hostkeyresellermod_ClientAreaAllowedFunctions')) {
        return false;
    }
    $allowed = hostkeyresellermod_ClientAreaAllowedFunctions();
    return is_array($allowed) && in_array($function, $allowed, true);
}

if ($hkrmPath === '/clientarea.php' && ($_GET['action'] ?? '') === 'productdetails') {
    $params = hkrm_service_params((int) ($_GET['id'] ?? 0));
    if ($params === null) {
        http_response_code(404);
        echo hkrm_layout('Not found', '<div class="alert alert-danger">No such service.</div>', 'client');
        return true;
    }
    // The client who owns the service is logged in.
    $_SESSION['uid'] = $params['userid'];
    if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST' && ($_POST['modop'] ?? '') === 'custom') {
        $function = is_string($_POST['a'] ?? null) ? $_POST['a'] : '';
        if (!hkrm_client_allowed($function) || !function_exists('hostkeyresellermod_' . $function)) {
            http_response_code(403);
            header('Content-Type: text/plain');
            echo 'The module does not allow the function ' . $function . '.';
            return true;
        }
        // WHMCS calls the function; clientAction answers JSON and exits.
        $result = ('hostkeyresellermod_' . $function)($params);
        header('Content-Type: text/plain');
        echo is_string($result) ? $result : json_encode($result);
        return true;
    }
    $body = hkrm_render_client_template(hostkeyresellermod_ClientArea($params));
    echo hkrm_layout('Product Details', $body, 'client', $params['domain']);
    return true;
}

if ($hkrmPath === '/admin/addonmodules.php' && ($_GET['module'] ?? '') === 'hostkeyresellermod') {
    ob_start();
    hostkeyresellermod_output(['modulelink' => 'addonmodules.php?module=hostkeyresellermod',
        'version' => '', '_lang' => []]);
    $body = (string) ob_get_clean();
    echo hkrm_layout('HOSTKEY Reseller', $body, 'admin');
    return true;
}

http_response_code(404);
header('Content-Type: text/plain');
echo 'Not found.';
return true;
