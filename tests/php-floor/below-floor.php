<?php

/**
 * Run by an old PHP (tests/php-floor/run.sh, PHP 7.4): loads what WHMCS loads
 * on its own and calls every entry point. Below the floor each answers with the
 * floor's sentence (or, where WHMCS expects a list, with nothing), no hook is
 * added, no class of lib/ is loaded, and nothing raises a notice or an error.
 * This file itself keeps to PHP 7.2's syntax.
 *   php7.4 below-floor.php <php root> modules|callback
 */

define('WHMCS', true);

set_error_handler(function ($level, $message, $file, $line) {
    fwrite(STDERR, "FAIL: PHP error '$message' at $file:$line\n");
    exit(1);
});

$hooks = 0;
function add_hook($name, $priority, $callback)
{
    $GLOBALS['hooks']++;
}

$root = $argv[1];
$mode = $argv[2];
$sentence = 'hostkeyresellermod needs PHP 8.1 or newer; this server runs ' . PHP_VERSION . '.';
$failures = [];
$checks = 0;

function check($ok, $what)
{
    $GLOBALS['checks']++;
    if (!$ok) {
        $GLOBALS['failures'][] = $what;
    }
}

if ($mode === 'callback') {
    ob_start();
    include $root . '/modules/gateways/callback/hostkeyresellermod.php';
    $body = (string) ob_get_clean();
    check($body === '{"result":"error","message":"hostkeyresellermod needs PHP 8.1 or newer."}', 'callback answered ' . $body);
} else {
    include $root . '/includes/hooks/hostkeyresellermod.php';
    check($hooks === 0, 'the hooks file added ' . $hooks . ' hooks');
    include $root . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';
    include $root . '/modules/servers/hostkeyresellermod/hostkeyresellermod.php';

    // Where WHMCS expects a list or nothing, an empty answer is the right one.
    $silent = [
        'hostkeyresellermod_upgrade', 'hostkeyresellermod_sidebar', 'hostkeyresellermod_metadata',
        'hostkeyresellermod_configoptions', 'hostkeyresellermod_admincustombuttonarray',
        'hostkeyresellermod_clientareacustombuttonarray', 'hostkeyresellermod_clientareaallowedfunctions',
        'hostkeyresellermod_adminservicestabfieldssave', 'hostkeyresellermod_below_php_floor',
        'hostkeyresellermod_floor_module',
    ];
    $functions = array_filter(get_defined_functions()['user'], function ($name) {
        return strpos($name, 'hostkeyresellermod_') === 0;
    });
    // The entry files really loaded: the addon's and the server module's functions are there.
    $required = ['hostkeyresellermod_config', 'hostkeyresellermod_activate', 'hostkeyresellermod_output',
        'hostkeyresellermod_metadata', 'hostkeyresellermod_createaccount', 'hostkeyresellermod_clientarea',
        'hostkeyresellermod_testconnection'];
    $missing = array_diff($required, array_map('strtolower', $functions));
    check($missing === [], 'entry points missing: ' . implode(', ', $missing));
    foreach ($functions as $function) {
        $reflection = new ReflectionFunction($function);
        $args = [];
        foreach ($reflection->getParameters() as $parameter) {
            $type = $parameter->getType();
            $args[] = $type !== null && $type->getName() === 'string' ? 'create' : [];
        }
        ob_start();
        $result = call_user_func_array($function, $args);
        $printed = (string) ob_get_clean();
        $answer = $printed . ' ' . json_encode($result);
        if (in_array($function, $silent, true)) {
            check(strpos($answer, 'hostkeyresellermod needs') === false || $function === 'hostkeyresellermod_below_php_floor', $function . ' answered ' . $answer);
        } else {
            $escaped = htmlspecialchars($sentence, ENT_QUOTES, 'UTF-8');
            check(strpos($answer, json_encode($sentence)) !== false || strpos($printed, $escaped) !== false
                || strpos($answer, json_encode($escaped)) !== false, $function . ' answered ' . $answer);
        }
    }
}

foreach (get_included_files() as $file) {
    check(strpos($file, '/lib/') === false, 'loaded ' . $file);
}

foreach ($failures as $failure) {
    fwrite(STDERR, 'FAIL: ' . $failure . "\n");
}
echo "below the floor ($mode, PHP " . PHP_VERSION . '): ' . ($checks - count($failures)) . ' passed, '
    . count($failures) . " failed\n";
exit($failures === [] ? 0 : 1);
