<?php

/**
 * One WHMCS request against the unpacked zip, as its own PHP process:
 *   php unpacked-call.php activate|test-connection|system-check|output
 * Prints the entry point's answer as JSON (`output`: the addon page's HTML).
 */

declare(strict_types=1);

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\Components;

require __DIR__ . '/whmcs-init.php';
require ROOTDIR . '/modules/addons/hostkeyresellermod/hostkeyresellermod.php';
require ROOTDIR . '/modules/servers/hostkeyresellermod/hostkeyresellermod.php';

$step = $argv[1] ?? '';
switch ($step) {
    case 'activate':
        // What the admin enters on the settings page, before WHMCS activates.
        $port = (string) getenv('HOSTKEYRESELLERMOD_FAKE_API_PORT');
        $settings = ['apiurl' => 'http://127.0.0.1:' . $port . '/', 'apikey' => 'hk-test-key-0123456789abcdef0123'];
        foreach ($settings as $k => $v) {
            Capsule::table('tbladdonmodules')->updateOrInsert(
                ['module' => 'hostkeyresellermod', 'setting' => $k],
                ['value' => $v],
            );
        }
        $answer = hostkeyresellermod_activate();
        break;
    case 'test-connection':
        $answer = hostkeyresellermod_TestConnection([
            'serverid' => 0, 'serverhostname' => '', 'serverip' => '', 'serverusername' => '',
            'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => true, 'serverport' => '',
        ]);
        break;
    case 'output':
        ob_start();
        hostkeyresellermod_output(['modulelink' => 'addonmodules.php?module=hostkeyresellermod']);
        $answer = ['html' => (string) ob_get_clean()];
        break;
    case 'system-check':
        $answer = Components::systemCheck()->findings();
        break;
    default:
        fwrite(STDERR, "unknown step {$step}\n");
        exit(2);
}
echo json_encode($answer, JSON_UNESCAPED_SLASHES), "\n";
