<?php

/**
 * A listener in the engine helper's place that is not the helper
 * (HelperTransportTest): it says the hello it is given, then echoes to
 * stdout whatever the caller sends, and ends when the caller hangs up.
 *   php fake-helper.php <socket> <hello line>
 */

declare(strict_types=1);

[, $path, $hello] = $argv;
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
}
fclose($client);
fclose($server);
@unlink($path);
