<?php

/**
 * The PHP floor of the module, checked before any class of it is loaded.
 *
 * Every file WHMCS loads on its own includes this first. It and those files
 * must parse on PHP 7.2 (no arrow functions, typed properties, `??=`, union
 * types or `match`), so an older PHP gets one sentence instead of a ParseError
 * from the classes under lib/ (PHP 8.1 syntax). tests/php-floor/ runs them
 * under PHP 7.4.
 */

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

if (!function_exists('hostkeyresellermod_below_php_floor')) {
    /**
     * The sentence for an admin when this PHP is older than the module needs, else null.
     *
     * @return string|null
     */
    function hostkeyresellermod_below_php_floor()
    {
        if (PHP_VERSION_ID >= 80100) {
            return null;
        }
        return 'hostkeyresellermod needs PHP 8.1 or newer; this server runs ' . PHP_VERSION . '.';
    }
}

if (!function_exists('hostkeyresellermod_floor_module')) {
    /**
     * What WHMCS shows of the module (facts.json's `module`), for the answers
     * given below the floor, when no class of lib/ may load.
     *
     * @return array<string, mixed>
     */
    function hostkeyresellermod_floor_module()
    {
        $text = @file_get_contents(__DIR__ . '/facts.json');
        $facts = is_string($text) ? json_decode($text, true) : null;
        $module = isset($facts['module']) && is_array($facts['module']) ? $facts['module'] : array();
        // The folder is the module's name: the one thing known without the file.
        return $module + array('display_name' => basename(__DIR__));
    }
}
