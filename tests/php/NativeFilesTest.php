<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CacheDir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\MountTable;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\NativeFiles;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\RuntimeFailure;

/**
 * Where the launcher runs from when an upload dropped its exec bit or the
 * mount forbids programs: a copy checked against the release digest in the
 * private cache folder, or one sentence naming the cause and the fix.
 */
final class NativeFilesTest extends TestCase
{
    /** A launcher that says where it runs from and whether the library is beside it. */
    private const LAUNCHER = "#!/bin/sh\nd=\$(dirname \"\$0\")\n[ -f \"\$d/libhostkey_host.so\" ] && echo \"\$0\"\n";

    private string $root;
    private string $bin;
    private int $uid;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/hkrm-native-' . bin2hex(random_bytes(4));
        $this->bin = $this->root . '/bin/x86_64';
        mkdir($this->bin, 0755, true);
        mkdir($this->root . '/templates_c');
        mkdir($this->root . '/tmp');
        file_put_contents($this->bin . '/hostkey-host', self::LAUNCHER);
        file_put_contents($this->bin . '/libhostkey_host.so', 'the library');
        foreach (['hostkey-host', 'libhostkey_host.so'] as $file) {
            $digest = hash_file('sha256', $this->bin . '/' . $file);
            file_put_contents($this->bin . '/' . $file . '.sha256', $digest . '  ' . $file . "\n");
        }
        $this->uid = (int) fileowner($this->bin);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    private function native(?string $mountinfo = null, bool $placesWritable = true): NativeFiles
    {
        $writable = static fn (string $dir): bool => $placesWritable && is_writable($dir);
        $cache = new CacheDir($this->root . '/tmp', $this->uid, $writable, [$this->root . '/templates_c']);
        return new NativeFiles($this->bin, $cache, new MountTable($mountinfo));
    }

    /** A mount table with "/" and the test's root mounted with $options. */
    private function mounts(string $options): string
    {
        return "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
            . '45 27 0:40 / ' . str_replace(' ', '\\040', $this->root) . ' ' . $options
            . " - tmpfs tmpfs rw,size=65536k\n";
    }

    private static function execute(string $program): string
    {
        return (string) shell_exec(escapeshellarg($program) . ' 2>&1');
    }

    public function testAnExecutableLauncherRunsWhereTheZipPutIt(): void
    {
        chmod($this->bin . '/hostkey-host', 0755);
        $native = $this->native();
        self::assertNull($native->blocker());
        self::assertSame($this->bin . '/hostkey-host', $native->launcher());
        self::assertSame($this->bin . '/libhostkey_host.so', $native->library());
        self::assertNull($native->copyDir());
        self::assertSame([], glob($this->root . '/templates_c/*'), 'nothing copied');
    }

    public function testALostExecBitRunsFromACheckedCopyInThePrivateFolder(): void
    {
        chmod($this->bin . '/hostkey-host', 0644);
        $native = $this->native($this->mounts('rw,relatime'));
        self::assertSame('mode', $native->blocker());
        $launcher = $native->launcher();
        $private = $this->root . '/templates_c/hostkeyresellermod-' . $this->uid;
        self::assertSame($private, dirname($launcher, 2));
        self::assertMatchesRegularExpression('/^engine-[0-9a-f]{16}$/', basename(dirname($launcher)));
        self::assertSame(0700, fileperms($private) & 0777);
        self::assertSame(0700, fileperms($launcher) & 0777);
        self::assertSame(self::LAUNCHER, file_get_contents($launcher));
        self::assertSame($launcher . "\n", self::execute($launcher), 'the copy runs, and finds the library beside it');
        // The library for FFI stays the shipped one: dlopen needs no exec bit.
        self::assertSame($this->bin . '/libhostkey_host.so', $native->library());
        self::assertSame(dirname($launcher), $native->copyDir());

        // The next request uses that copy as it is.
        $inode = fileinode($launcher);
        self::assertSame($launcher, $this->native()->launcher());
        self::assertSame($inode, fileinode($launcher));
        self::assertSame([], glob($private . '/.*-*'), 'no temporary folder left behind');
    }

    public function testANewReleaseGetsItsOwnCopyAndOldOnesGoAfterAWeek(): void
    {
        chmod($this->bin . '/hostkey-host', 0644);
        $first = dirname($this->native()->launcher());
        touch($first, time() - NativeFiles::STALE_SECONDS - 60);
        file_put_contents($this->bin . '/libhostkey_host.so', 'the next release');
        file_put_contents(
            $this->bin . '/libhostkey_host.so.sha256',
            hash_file('sha256', $this->bin . '/libhostkey_host.so') . "\n",
        );
        $second = dirname($this->native()->launcher());
        self::assertNotSame($first, $second);
        self::assertSame('the next release', file_get_contents($second . '/libhostkey_host.so'));
        self::assertDirectoryDoesNotExist($first);
    }

    public function testAFileThatDoesNotMatchItsDigestIsNeverRun(): void
    {
        chmod($this->bin . '/hostkey-host', 0644);
        // What an ASCII-mode upload does to a binary.
        file_put_contents($this->bin . '/libhostkey_host.so', "the library\r\n");
        try {
            $this->native()->launcher();
            self::fail('a damaged file was copied');
        } catch (ComponentFault $e) {
            self::assertSame(RuntimeFailure::DAMAGED, RuntimeFailure::causeOf($e));
            self::assertSame(
                $this->bin . '/libhostkey_host.so does not match its release digest (libhostkey_host.so.sha256), '
                . 'as after an upload in text (ASCII) mode; upload bin/ again, in binary mode.',
                $e->getMessage(),
            );
        }
        $private = $this->root . '/templates_c/hostkeyresellermod-' . $this->uid;
        self::assertSame([], array_diff(scandir($private) ?: [], ['.', '..']), 'no copy is left');
    }

    public function testWithoutItsDigestNoCopyIsMadeAndChmodIsTheFix(): void
    {
        chmod($this->bin . '/hostkey-host', 0644);
        unlink($this->bin . '/hostkey-host.sha256');
        $launcher = $this->bin . '/hostkey-host';
        try {
            $this->native($this->mounts('rw,relatime'))->launcher();
            self::fail('copied without a digest');
        } catch (ComponentFault $e) {
            self::assertSame(RuntimeFailure::EXEC_BIT, RuntimeFailure::causeOf($e));
            self::assertSame(
                'The component host program ' . $launcher . ' is not executable (mode 0644), and ' . $launcher
                . '.sha256 (its release digest) is missing, so no checked copy can be made; run chmod 755 '
                . $launcher . '.',
                $e->getMessage(),
            );
        }
    }

    public function testANoexecMountWithNoPlaceToRunIsOneSentenceNamingTheMount(): void
    {
        // The mount table says noexec (a real noexec mount: tests/dist/unpacked.sh).
        chmod($this->bin . '/hostkey-host', 0644);
        $native = $this->native($this->mounts('rw,noexec,relatime'), false);
        self::assertSame('noexec', $native->blocker());
        try {
            $native->launcher();
            self::fail('no place to run was found, yet no failure');
        } catch (ComponentFault $e) {
            self::assertSame(RuntimeFailure::NOEXEC, RuntimeFailure::causeOf($e));
            self::assertSame(
                'The component host program ' . $this->bin . '/hostkey-host cannot run: ' . $this->bin . ' is on '
                . $this->root . ', mounted noexec, and no folder PHP\'s user can write allows running a copy ('
                . $this->root . '/templates_c: no private folder can be made there; ' . $this->root
                . '/tmp: no private folder can be made there); remount ' . $this->root . ' without noexec, or '
                . 'point $templates_compiledir in configuration.php to a folder PHP\'s user can write on a file '
                . 'system that allows programs.',
                $e->getMessage(),
            );
        }
    }

    public function testTheMountTableReadsEscapedPointsAndTheLongestPrefixWins(): void
    {
        $table = new MountTable(
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
            . "40 27 0:41 / /srv/web\\040root rw,noexec,nosuid shared:5 - tmpfs tmpfs rw\n"
            . "41 40 0:42 / /srv/web\\040root/cache rw,relatime - tmpfs tmpfs rw\n"
        );
        self::assertSame(['point' => '/srv/web root', 'noexec' => true, 'type' => 'tmpfs'], $table->mountOf(
            '/srv/web root/modules/addons/hostkeyresellermod/bin/x86_64',
        ));
        self::assertFalse($table->noexec('/srv/web root/cache/x'));
        self::assertFalse($table->noexec('/srv/web rooted'));
        self::assertNull((new MountTable(null))->noexec('/srv'));
        self::assertTrue(MountTable::forThisProcess()->known(), 'Linux has /proc/self/mountinfo');
    }
}
