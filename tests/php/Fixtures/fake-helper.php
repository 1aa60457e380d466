<?php

/**
 * A listener in the engine helper's place that is not the helper
 * (HelperTransportTest): it says the hello it is given, then echoes to
 * stdout whatever the caller sends, and ends when the caller hangs up; with
 * a third argument, it answers the first line with it and hangs up itself.
 *   php fake-helper.php <socket> <hello line> [<answer to the first line>]
 */

declare(strict_types=1);

[$path, $hello, $answer] = [$argv[1], $argv[2], $argv[3] ?? null];
$server = stream_socket_server('unix://' . $path, $errno, $error);
if ($server === false) {
    fwrite(STDERR, "cannot listen: $error\n");
    exit(1);
}
chmod($path, 0600);
echo "listening\n";
$client = stream_socket_accept($server, 10);
if ($client === false) {
    exit(1);
}
fwrite($client, $hello . "\n");
while (($line = fgets($client)) !== false) {
    echo $line;
    if ($answer !== null) {
        fwrite($client, $answer . "\n");
        break;
    }
}
fclose($client);
fclose($server);
@unlink($path);
