<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use HostkeyResellerMod\Tests\Support\Db;
use PHPUnit\Framework\TestCase;
use RecursiveDirectoryIterator;
use RecursiveIteratorIterator;

/**
 * A web visitor who requests a module file directly gets no error text, no
 * path and no effect: every PHP file under php/ starts with WHMCS's guard
 * (`defined('WHMCS') || exit;`, or the refusal of cron.php off the command line).
 */
final class DirectAccessTest extends TestCase
{
    private const PHP_ROOT = ROOTDIR;
    /** Guards a file may start with (its first statement after declare/namespace/use). */
    private const GUARDS = [
        "defined('WHMCS')||exit;",
        "defined('WHMCS')||defined('HOSTKEYRESELLERMOD_CRON')||exit;",
        "if(!defined('WHMCS')){",
    ];
    /** cron.php runs from the command line before WHMCS is booted; its guard is the refusal. */
    private const CRON_GUARD = "define('HOSTKEYRESELLERMOD_CRON',true);";

    /** @return list<string> paths relative to php/ */
    private static function phpFiles(): array
    {
        $files = [];
        $iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(self::PHP_ROOT));
        foreach ($iterator as $file) {
            if ($file->isFile() && $file->getExtension() === 'php') {
                $files[] = substr($file->getPathname(), strlen(self::PHP_ROOT) + 1);
            }
        }
        sort($files);
        return $files;
    }

    /** The first statement of a file after its header, without whitespace. */
    private static function firstStatement(string $code): string
    {
        $statement = '';
        $firstToken = null;
        foreach (token_get_all($code) as $token) {
            [$id, $text] = is_array($token) ? [$token[0], $token[1]] : [null, $token];
            if (in_array($id, [T_OPEN_TAG, T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true)) {
                continue;
            }
            $firstToken ??= $id;
            $statement .= $text;
            if ($text === ';' || $text === '{') {
                if (!in_array($firstToken, [T_DECLARE, T_NAMESPACE, T_USE], true)) {
                    return $statement;
                }
                $statement = '';
                $firstToken = null;
            }
        }
        return $statement;
    }

    public function testEveryPhpFileStartsWithTheGuard(): void
    {
        $files = self::phpFiles();
        self::assertGreaterThan(40, count($files));
        foreach ($files as $file) {
            $first = self::firstStatement((string) file_get_contents(self::PHP_ROOT . '/' . $file));
            $expected = $file === 'modules/addons/hostkeyresellermod/cron.php' ? [self::CRON_GUARD] : self::GUARDS;
            self::assertContains($first, $expected, $file . ' does not start with the WHMCS guard');
        }
    }

    public function testTheGuardCheckSeesAFileWithoutIt(): void
    {
        $unguarded = "<?php\n\ndeclare(strict_types=1);\n\nnamespace A;\n\nuse B;\n\nfinal class C\n{\n}\n";
        self::assertNotContains(self::firstStatement($unguarded), self::GUARDS);
        $guarded = "<?php\n\ndeclare(strict_types=1);\n\nnamespace A;\n\nuse B;\n\ndefined('WHMCS') || exit;\n";
        self::assertContains(self::firstStatement($guarded), self::GUARDS);
    }

    /**
     * Each file requested over HTTP from PHP's built-in web server (a web SAPI,
     * WHMCS not defined, display_errors on) answers without an error, a path
     * or a change in the database.
     */
    public function testARequestForAnyFileShowsNoPathAndChangesNothing(): void
    {
        $before = Db::dump();
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($probe);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $server = proc_open(
            [PHP_BINARY, '-d', 'display_errors=1', '-d', 'error_reporting=-1', '-d', 'html_errors=0',
                '-S', '127.0.0.1:' . $port, '-t', self::PHP_ROOT],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            sys_get_temp_dir(),
            ['HOSTKEYRESELLERMOD_DB_SOCKET' => (string) getenv('HOSTKEYRESELLERMOD_DB_SOCKET')],
        );
        self::assertIsResource($server);
        $answers = [];
        try {
            $context = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 10]]);
            foreach (self::phpFiles() as $file) {
                $body = false;
                for ($try = 0; $try < 50 && $body === false; $try++) {
                    $body = @file_get_contents('http://127.0.0.1:' . $port . '/' . $file, false, $context);
                    if ($body === false) {
                        usleep(100_000);
                    }
                }
                self::assertNotFalse($body, 'no answer for ' . $file);
                $answers[$file] = $body;
            }
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
        foreach ($answers as $file => $body) {
            self::assertStringNotContainsString(dirname(self::PHP_ROOT), $body, $file . ' shows a path');
            $error = '/(Fatal|Parse) error|Warning:|Notice:|Deprecated:/';
            self::assertDoesNotMatchRegularExpression($error, $body, $file . ' shows a PHP error');
        }
        self::assertSame($before, Db::dump(), 'a direct request changed the database');
    }
}
