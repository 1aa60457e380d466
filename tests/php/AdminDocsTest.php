<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\CacheDir;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\MountTable;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\NativeFiles;
use WHMCS\Module\Addon\HostkeyResellerMod\Transport\ProcOpenAdvice;

/**
 * docs/install.md and docs/admin-guide.md quote the module's sentences as it
 * prints them: each is produced here and looked up in the docs, its server's
 * paths written as "…".
 */
final class AdminDocsTest extends TestCase
{
    private string $root;

    protected function setUp(): void
    {
        $this->root = sys_get_temp_dir() . '/hkrm-docs-' . bin2hex(random_bytes(4));
        mkdir($this->root . '/bin/x86_64', 0755, true);
        file_put_contents($this->root . '/bin/x86_64/hostkey-host', "#!/bin/sh\n");
        chmod($this->root . '/bin/x86_64/hostkey-host', 0644);
        file_put_contents($this->root . '/bin/x86_64/libhostkey_host.so', 'library');
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->root));
    }

    /** A doc as one line of text: markdown wrapping and emphasis removed. */
    private static function doc(string $name): string
    {
        $text = (string) file_get_contents(dirname(__DIR__, 2) . '/docs/' . $name);
        return (string) preg_replace('/\s+/', ' ', str_replace(['*', '`'], '', $text));
    }

    /** The sentence of a NativeFiles failure, with this test's paths as the docs write them. */
    private function failure(?string $mountinfo): string
    {
        $cache = new CacheDir($this->root . '/tmp', 0, static fn (): bool => false, []);
        try {
            (new NativeFiles($this->root . '/bin/x86_64', $cache, new MountTable($mountinfo)))->launcher();
        } catch (ComponentFault $e) {
            return $e->getMessage();
        }
        self::fail('the launcher was found runnable');
    }

    public function testTheProcOpenSentenceIsQuotedWordForWord(): void
    {
        self::assertStringContainsString(ProcOpenAdvice::sentence(false), self::doc('install.md'));
        $guide = self::doc('admin-guide.md');
        self::assertStringContainsString(ProcOpenAdvice::sentence(true), $guide);
        self::assertStringContainsString(substr(ProcOpenAdvice::sentence(false), 0, 200), $guide);
    }

    public function testTheExecBitAndNoexecSentencesAreQuotedAsPrinted(): void
    {
        $guide = self::doc('admin-guide.md');
        $install = self::doc('install.md');
        // No digest beside the launcher: the chmod sentence.
        $sentence = str_replace($this->root . '/bin/x86_64', '…', $this->failure(null));
        self::assertSame(
            'The component host program …/hostkey-host is not executable (mode 0644), and …/hostkey-host.sha256 '
            . '(its release digest) is missing, so no checked copy can be made; run chmod 755 …/hostkey-host.',
            $sentence,
        );
        self::assertStringContainsString($sentence, $guide);

        // With digests, no place to copy to: the mode and the mount sentences.
        foreach (['hostkey-host', 'libhostkey_host.so'] as $file) {
            $path = $this->root . '/bin/x86_64/' . $file;
            file_put_contents($path . '.sha256', hash_file('sha256', $path));
        }
        $mode = preg_replace('/copy \(.*\); run/', 'copy (…); run', $this->failure(null));
        $mode = str_replace($this->root . '/bin/x86_64', '…', (string) $mode);
        self::assertStringContainsString($mode, $guide);
        self::assertStringContainsString($mode, $install);

        $mounts = "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
            . '40 27 0:41 / ' . $this->root . " rw,noexec - tmpfs tmpfs rw\n";
        $noexec = $this->failure($mounts);
        $noexec = (string) preg_replace('/copy \(.*\); remount/', 'copy (…); remount', $noexec);
        $noexec = str_replace([$this->root . '/bin/x86_64', $this->root], ['…/bin/x86_64', '/var/www'], $noexec);
        $noexec = str_replace('program …/bin/x86_64/hostkey-host', 'program …/hostkey-host', $noexec);
        self::assertStringContainsString($noexec, $guide);
        self::assertStringContainsString($noexec, $install);
    }
}
