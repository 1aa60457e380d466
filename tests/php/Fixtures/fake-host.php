<?php

/**
 * A stand-in for `hostkey-host serve --options '<json>'` that speaks the JSON
 * lines protocol; what it does depends on the called export's name.
 */

declare(strict_types=1);

$options = $argv[3] ?? '{}';
if (($argv[1] ?? '') !== 'serve' || ($argv[2] ?? '') !== '--options') {
    fwrite(STDERR, "usage: hostkey-host serve --options '<json>'\n");
    exit(2);
}

$send = static function (array $message): void {
    fwrite(STDOUT, json_encode($message) . "\n");
    fflush(STDOUT);
};

$calls = 0;
while (($line = fgets(STDIN)) !== false) {
    $calls++;
    $call = json_decode($line, true);
    switch ($call['call'] ?? '') {
        case 'test.options':
            $send(['value' => json_decode($options, true)]);
            break;
        case 'test.two-requests':
            $answers = [];
            foreach (['platform.system-url', 'platform.decrypt'] as $op) {
                $secret = ['table' => 'tblhosting', 'column' => 'password', 'id' => 7];
                $send(['op' => $op, 'args' => ['secret' => $secret]]);
                $answers[] = json_decode((string) fgets(STDIN), true);
            }
            $send(['value' => ['answers' => $answers, 'call-number' => $calls, 'args' => $call['args']]]);
            break;
        case 'test.fault':
            $send(['fault' => 'The call ran out of time.']);
            break;
        case 'test.garbage':
            fwrite(STDOUT, "this is not json\n");
            break;
        case 'test.crash':
            fwrite(STDERR, "thread 'main' panicked at host/src/main.rs:1: boom\n");
            exit(101);
        case 'addon.import':
            // A long call: takes args.sleep_ms, answers with the limits it carried.
            usleep((int) ($call['args']['sleep_ms'] ?? 0) * 1000);
            $send(['value' => ['limits' => $call['limits'] ?? null]]);
            break;
        case 'test.slow-start':
            // A host still loading when its first call arrives (a compile on a busy machine).
            usleep($calls === 1 ? (int) ($call['args']['sleep_ms'] ?? 0) * 1000 : 0);
            $send(['value' => ['call-number' => $calls]]);
            break;
        case 'test.hang':
            sleep(30);
            break;
        default:
            $send(['fault' => 'unknown export ' . ($call['call'] ?? '?')]);
    }
}
