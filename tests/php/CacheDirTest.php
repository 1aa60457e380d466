<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use HostkeyResellerMod\Tests\Support\Host;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CacheDir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CliTransport;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\OpenBasedir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeOptions;

/**
 * Where the compiled component is kept when bin/ is read-only for PHP's user.
 */
final class CacheDirTest extends TestCase
{
    private string $root;
    private string $bin;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/hkrm-cache-' . bin2hex(random_bytes(4));
        $this->bin = $this->root . '/bin';
        mkdir($this->bin, 0755, true);
        mkdir($this->root . '/tmp');
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    private function readOnlyBin(): CacheDir
    {
        $bin = $this->bin;
        $writable = static fn (string $dir): bool => $dir !== $bin;
        return new CacheDir($this->root . '/tmp', (int) fileowner($this->bin), $writable);
    }

    public function testAWritableBinKeepsTheCacheBesideTheComponent(): void
    {
        $dir = new CacheDir($this->root . '/tmp', (int) fileowner($this->bin), static fn (): bool => true);
        self::assertNull($dir->choose($this->bin));
        self::assertSame([], glob($this->root . '/tmp/*'));
    }

    public function testAReadOnlyBinGetsAFolderPrivateToThisUser(): void
    {
        $chosen = $this->readOnlyBin()->choose($this->bin);
        $uid = (int) fileowner($this->bin);
        self::assertSame($this->root . '/tmp/hostkeyresellermod-' . $uid, $chosen);
        self::assertDirectoryExists((string) $chosen);
        self::assertSame(0700, fileperms((string) $chosen) & 0777);
        self::assertSame($chosen, $this->readOnlyBin()->choose($this->bin), 'the same folder next time');
    }

    public function testWhmcsTemplatesCComesBeforeTheTempDir(): void
    {
        $uid = (int) fileowner($this->bin);
        mkdir($this->root . '/templates_c');
        $bin = $this->bin;
        $writable = static fn (string $dir): bool => $dir !== $bin;
        $dir = new CacheDir($this->root . '/tmp', $uid, $writable, [$this->root . '/templates_c']);
        self::assertSame($this->root . '/templates_c/hostkeyresellermod-' . $uid, $dir->choose($this->bin));
        self::assertSame(0700, fileperms($this->root . '/templates_c/hostkeyresellermod-' . $uid) & 0777);
    }

    public function testAnUnsafeTemplatesCFolderFallsBackToTheTempDir(): void
    {
        $uid = (int) fileowner($this->bin);
        mkdir($this->root . '/templates_c/hostkeyresellermod-' . $uid, 0777, true);
        chmod($this->root . '/templates_c/hostkeyresellermod-' . $uid, 0777);
        $bin = $this->bin;
        $writable = static fn (string $dir): bool => $dir !== $bin;
        $dir = new CacheDir($this->root . '/tmp', $uid, $writable, [$this->root . '/templates_c']);
        self::assertSame($this->root . '/tmp/hostkeyresellermod-' . $uid, $dir->choose($this->bin));
    }

    public function testNowhereToKeepACompileIsTheAdminsToFix(): void
    {
        $bin = $this->bin;
        $readOnly = static fn (string $dir): bool => $dir !== $bin;
        $nowhere = new CacheDir($this->root . '/no-such-temp-dir', (int) fileowner($this->bin), $readOnly);
        self::assertNull($nowhere->choose($this->bin));
        self::assertSame(
            'The compiled engine cannot be kept: ' . $this->bin . ' is read-only for PHP\'s user and no private '
            . 'folder could be made in templates_c, attachments or the temp dir, so every request compiles it '
            . '(a second or more); make templates_c writable for PHP\'s user, or upload bin/ with its .cwasm again.',
            $nowhere->uncachedWarning($this->bin),
        );
        touch($this->bin . '/hostkey_guest.0123456789abcdef.cwasm');
        self::assertNull($nowhere->uncachedWarning($this->bin), 'the shipped .cwasm serves');
        unlink($this->bin . '/hostkey_guest.0123456789abcdef.cwasm');
        self::assertNull($this->readOnlyBin()->uncachedWarning($this->bin), 'a private folder was made');
        $writable = new CacheDir($this->root . '/no-such-temp-dir', 0, static fn (): bool => true);
        self::assertNull($writable->uncachedWarning($this->bin), 'bin/ itself keeps it');
    }

    public function testFoldersOutsideOpenBasedirAreSkippedWithoutAWarning(): void
    {
        $uid = (int) fileowner($this->bin);
        $basedir = new OpenBasedir($this->bin . PATH_SEPARATOR . $this->root . '/allowed/');
        self::assertTrue($basedir->allows($this->bin . '/x86_64/hostkey-host'));
        self::assertTrue($basedir->allows($this->root . '/allowed'));
        self::assertFalse($basedir->allows($this->root . '/allowed-not'));
        self::assertFalse($basedir->allows($this->bin . '-tmp'), 'a root is a folder, not a prefix');
        self::assertFalse($basedir->allows($this->bin . '/../tmp'));
        $bin = $this->bin;
        $writable = static fn (string $dir): bool => $dir !== $bin;
        $dir = new CacheDir($this->root . '/tmp', $uid, $writable, [], $basedir);
        self::assertNull($dir->choose($this->bin));
        self::assertSame([], glob($this->root . '/tmp/*'), 'nothing was made outside open_basedir');

        // A real PHP under open_basedir: the module's file probes write no warning.
        $script = $this->root . '/probe.php';
        file_put_contents($script, sprintf(
            '<?php define("WHMCS", 1); require %s; $GLOBALS["templates_compiledir"] = "/var/lib/nowhere";'
            . ' $c = \\WHMCS\\Module\\Addon\\HostkeyResellerMod\\Transport\\CacheDir::forThisProcess();'
            . ' var_dump($c->choose(%s));'
            . ' $n = \\WHMCS\\Module\\Addon\\HostkeyResellerMod\\Transport\\NativeFiles::forThisProcess(%s);'
            . ' var_dump($n->blocker(), $n->mount());'
            . ' var_dump(\\WHMCS\\Module\\Addon\\HostkeyResellerMod\\Transport\\Machine::name());',
            var_export(ROOTDIR . '/modules/addons/hostkeyresellermod/autoload.php', true),
            var_export($this->bin, true),
            var_export($this->bin, true),
        ));
        $allowed = implode(':', [$this->root, ROOTDIR . '/modules']);
        $command = sprintf(
            'php -n -d open_basedir=%s -d error_reporting=-1 -d display_errors=stderr -d log_errors=0 %s 2>&1',
            escapeshellarg($allowed),
            escapeshellarg($script),
        );
        $out = (string) shell_exec($command);
        self::assertStringNotContainsString('Warning', $out);
        self::assertStringNotContainsString('open_basedir', $out);
        self::assertStringContainsString('string(6) "x86_64"', $out, 'php_uname answers: ' . $out);
    }

    public function testAFolderOthersCanWriteIsRefused(): void
    {
        $planted = $this->root . '/tmp/hostkeyresellermod-' . (int) fileowner($this->bin);
        mkdir($planted);
        chmod($planted, 0777);
        self::assertNull($this->readOnlyBin()->choose($this->bin));
    }

    public function testAFolderOfAnotherUserIsRefused(): void
    {
        $dir = new CacheDir($this->root . '/tmp', 4242, static fn (): bool => false);
        mkdir($this->root . '/tmp/hostkeyresellermod-4242', 0700);
        self::assertNull($dir->choose($this->bin), 'owned by root, not by user 4242');
    }

    public function testASymlinkIsRefused(): void
    {
        $uid = (int) fileowner($this->bin);
        mkdir($this->root . '/elsewhere', 0700);
        symlink($this->root . '/elsewhere', $this->root . '/tmp/hostkeyresellermod-' . $uid);
        self::assertNull($this->readOnlyBin()->choose($this->bin));
    }

    public function testTheOptionsCarryTheFolderToTheHost(): void
    {
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/', [], null, null, '/var/cache/hk');
        self::assertSame('/var/cache/hk', json_decode($options->toJson(), true)['cache_dir']);
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/');
        self::assertArrayNotHasKey('cache_dir', json_decode($options->toJson(), true));
    }

    /** The real host (process transport) compiles into the chosen folder and nothing into bin/. */
    public function testTheHostKeepsItsCompiledComponentInTheChosenFolder(): void
    {
        $reason = Host::unavailableReason();
        self::assertNull($reason, (string) $reason);
        $built = (string) getenv('HOSTKEYRESELLERMOD_BIN_DIR');
        foreach (Host::FILES as $file) {
            copy($built . '/' . $file, $this->bin . '/' . $file);
        }
        chmod($this->bin . '/hostkey-host', 0755);
        $cache = $this->readOnlyBin()->choose($this->bin);
        self::assertNotNull($cache);
        $options = new RuntimeOptions($this->bin, 'https://invapi.hostkey.com/', [], null, null, $cache);
        $none = new class implements RequestHandler {
            public function callStarted(): void
            {
            }

            public function handle(string $request): string
            {
                return '{"err":"no capability in this test"}';
            }

            public function callFinished(): void
            {
            }
        };
        $answer = (new CliTransport($options))->call('{"call":"addon.config","args":{}}', $none);
        self::assertStringContainsString('HOSTKEY Reseller', $answer);
        self::assertCount(1, glob($cache . '/hostkey_guest.*.cwasm') ?: []);
        self::assertSame([], glob($this->bin . '/*.cwasm') ?: []);
    }
}
