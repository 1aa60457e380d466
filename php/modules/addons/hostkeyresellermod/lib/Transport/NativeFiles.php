<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * Where the engine's native files (the `hostkey-host` launcher and the
 * `libhostkey_host.so` it loads from its own folder) can run from.
 *
 * An FTP or file-manager upload drops the exec bit, and some servers mount
 * the web root noexec. Then the two files are copied into this user's private
 * cache folder (CacheDir), checked there against the release digests the zip
 * carries (`<file>.sha256`), and run from that copy. Only when no private
 * folder allows running programs does a call fail, with a sentence naming the
 * real cause (the file's mode, or the mount) and its fix.
 */
final class NativeFiles
{
    public const LAUNCHER = 'hostkey-host';
    public const LIBRARY = 'libhostkey_host.so';

    /** A folder of the copy is named by the release digests, so a new release gets a new copy. */
    private const COPY_PREFIX = 'engine-';

    public const STALE_SECONDS = 7 * 86400;

    private ?string $runnable = null;

    /** @var string|null|false false: not looked at yet */
    private string|null|false $blocker = false;

    public function __construct(
        private string $dir,
        private CacheDir $cache,
        private MountTable $mounts,
    ) {
        $this->dir = rtrim($dir, '/');
    }

    public static function forThisProcess(string $dir): self
    {
        $basedir = OpenBasedir::forThisProcess();
        return new self($dir, CacheDir::forThisProcess(), MountTable::forThisProcess($basedir));
    }

    /** The folder the zip put the native files in. */
    public function shippedDir(): string
    {
        return $this->dir;
    }

    /**
     * The folder to run the launcher from: the shipped one when it can run
     * there, else a verified copy (made now when missing).
     *
     * @throws ComponentFault a RuntimeFailure naming the cause and the fix
     */
    public function runnableDir(): string
    {
        if ($this->runnable !== null) {
            return $this->runnable;
        }
        $launcher = $this->dir . '/' . self::LAUNCHER;
        if (!is_file($launcher)) {
            throw RuntimeFailure::fault(
                RuntimeFailure::EXEC_BIT,
                'The component host program ' . $launcher . ' is missing; upload bin/ again, in binary mode.',
            );
        }
        $this->runnable = is_executable($launcher) ? $this->dir : $this->copy();
        return $this->runnable;
    }

    /** The launcher to start. @throws ComponentFault */
    public function launcher(): string
    {
        return $this->runnableDir() . '/' . self::LAUNCHER;
    }

    /**
     * The library for PHP FFI: the shipped one unless its mount is noexec
     * (the exec bit does not matter to dlopen), then the copy's.
     *
     * @throws ComponentFault
     */
    public function library(): string
    {
        if ($this->blocker() !== 'noexec') {
            return $this->dir . '/' . self::LIBRARY;
        }
        return $this->runnableDir() . '/' . self::LIBRARY;
    }

    /**
     * Why the launcher cannot run where the zip put it: "noexec" (its file
     * system forbids programs), "mode" (no exec bit), or null (it can run).
     */
    public function blocker(): ?string
    {
        // Asked on every FFI call: found once per request.
        if ($this->blocker === false) {
            $this->blocker = $this->findBlocker();
        }
        return $this->blocker;
    }

    private function findBlocker(): ?string
    {
        $launcher = $this->dir . '/' . self::LAUNCHER;
        if (!is_file($launcher) || is_executable($launcher)) {
            return null;
        }
        $noexec = $this->mounts->noexec($this->dir);
        if ($noexec !== null) {
            return $noexec ? 'noexec' : 'mode';
        }
        // Without the mount table: exec bits for everyone that access() still
        // refuses point at the mount.
        $perms = @fileperms($launcher);
        return $perms !== false && ($perms & 0o111) === 0o111 ? 'noexec' : 'mode';
    }

    /**
     * The mount the shipped files are on, when the mount table can be read.
     *
     * @return array{point: string, noexec: bool, type: string}|null
     */
    public function mount(): ?array
    {
        return $this->mounts->mountOf($this->dir);
    }

    /** Where the copy runs from, when one is used (null: the shipped files run). */
    public function copyDir(): ?string
    {
        try {
            $dir = $this->runnableDir();
        } catch (ComponentFault) {
            return null;
        }
        return $dir === $this->dir ? null : $dir;
    }

    /** @throws ComponentFault */
    private function copy(): string
    {
        $digests = [];
        foreach ([self::LAUNCHER, self::LIBRARY] as $file) {
            $digests[$file] = $this->releaseDigest($file);
        }
        $name = self::COPY_PREFIX . substr(hash('sha256', implode("\n", $digests)), 0, 16);
        $refused = [];
        foreach ($this->cache->places() as $base) {
            $private = $this->cache->privateDirIn($base);
            if ($private === null) {
                $refused[] = $base . ': no private folder can be made there';
                continue;
            }
            $target = $private . '/' . $name;
            if (self::ready($target)) {
                return $target;
            }
            if (!self::execAllowedIn($private)) {
                $mount = $this->mounts->mountOf($private);
                $refused[] = $private . ': ' . ($mount === null ? 'noexec' : 'on ' . $mount['point'] . ', noexec');
                continue;
            }
            $this->install($private, $target, $digests);
            if (self::ready($target)) {
                return $target;
            }
            $refused[] = $private . ': the copy does not run there';
        }
        throw $this->noPlace($refused);
    }

    /** A copy in place: the launcher runs and the library is beside it. */
    private static function ready(string $dir): bool
    {
        clearstatcache();
        return is_file($dir . '/' . self::LAUNCHER) && is_executable($dir . '/' . self::LAUNCHER)
            && is_file($dir . '/' . self::LIBRARY);
    }

    /**
     * Whether programs may run from $dir: an empty file marked executable
     * there passes access(X_OK) unless the mount is noexec.
     */
    private static function execAllowedIn(string $dir): bool
    {
        $probe = $dir . '/.exec-probe-' . bin2hex(random_bytes(4));
        if (@file_put_contents($probe, '') === false) {
            return false;
        }
        @chmod($probe, 0700);
        clearstatcache(true, $probe);
        $allowed = is_executable($probe);
        @unlink($probe);
        return $allowed;
    }

    /**
     * Copies both files into a fresh folder, checks the copies against the
     * release digests (the bytes that will run, in a folder only this user
     * can write), marks the launcher executable, then renames the folder into
     * place so that a concurrent request sees all of it or none.
     *
     * @param array<string, string> $digests
     * @throws ComponentFault when a shipped file does not match its digest
     */
    private function install(string $private, string $target, array $digests): void
    {
        $temp = $private . '/.' . basename($target) . '-' . bin2hex(random_bytes(4));
        $old = umask(0077);
        try {
            if (!@mkdir($temp, 0700)) {
                return;
            }
            foreach ($digests as $file => $digest) {
                $copy = $temp . '/' . $file;
                if (!@copy($this->dir . '/' . $file, $copy)) {
                    self::remove($temp);
                    return;
                }
                if (!hash_equals($digest, (string) hash_file('sha256', $copy))) {
                    self::remove($temp);
                    throw RuntimeFailure::fault(
                        RuntimeFailure::DAMAGED,
                        $this->dir . '/' . $file . ' does not match its release digest (' . $file . '.sha256), '
                        . 'as after an upload in text (ASCII) mode; upload bin/ again, in binary mode.',
                    );
                }
            }
            @chmod($temp . '/' . self::LAUNCHER, 0700);
            @chmod($temp . '/' . self::LIBRARY, 0600);
            if (is_dir($target) && !self::ready($target)) {
                self::remove($target);
            }
            if (!@rename($temp, $target)) {
                // Another request put its copy in place first: that one is used.
                self::remove($temp);
            }
            $this->removeStale($private, basename($target));
        } finally {
            umask($old);
        }
    }

    /** The release digest of a shipped file, from `<file>.sha256`. @throws ComponentFault */
    private function releaseDigest(string $file): string
    {
        $path = $this->dir . '/' . $file . '.sha256';
        $text = is_file($path) ? @file_get_contents($path) : false;
        $digest = is_string($text) ? strtolower((string) strtok(trim($text), " \t\n")) : '';
        if (preg_match('/^[0-9a-f]{64}$/', $digest) !== 1) {
            throw RuntimeFailure::fault(
                $this->blocker() === 'noexec' ? RuntimeFailure::NOEXEC : RuntimeFailure::EXEC_BIT,
                $this->blockedWords() . ', and ' . $path . ' (its release digest) is missing, so no checked copy '
                . 'can be made; ' . $this->fix(),
            );
        }
        return $digest;
    }

    /** The sentence when no private folder can run the copy. @param list<string> $refused */
    private function noPlace(array $refused): ComponentFault
    {
        $noexec = $this->blocker() === 'noexec';
        return RuntimeFailure::fault(
            $noexec ? RuntimeFailure::NOEXEC : RuntimeFailure::EXEC_BIT,
            $this->blockedWords() . ', and no folder PHP\'s user can write allows running a copy ('
            . implode('; ', $refused) . '); ' . $this->fix(),
        );
    }

    /** What stops the shipped launcher, naming the mount or the mode. */
    private function blockedWords(): string
    {
        $launcher = $this->dir . '/' . self::LAUNCHER;
        if ($this->blocker() === 'noexec') {
            return 'The component host program ' . $launcher . ' cannot run: ' . $this->mountWords($this->dir);
        }
        $perms = @fileperms($launcher);
        $mode = $perms === false ? '' : sprintf(' (mode %04o)', $perms & 0o7777);
        return 'The component host program ' . $launcher . ' is not executable' . $mode;
    }

    private function fix(): string
    {
        $launcher = $this->dir . '/' . self::LAUNCHER;
        if ($this->blocker() !== 'noexec') {
            return 'run chmod 755 ' . $launcher . '.';
        }
        $mount = $this->mounts->mountOf($this->dir);
        $point = $mount === null ? 'that file system' : $mount['point'];
        return 'remount ' . $point . ' without noexec, or point $templates_compiledir in configuration.php to a '
            . 'folder PHP\'s user can write on a file system that allows programs.';
    }

    /** "<dir> is on the noexec mount <point>" or the like, for a sentence. */
    private function mountWords(string $dir): string
    {
        $mount = $this->mounts->mountOf($dir);
        if ($mount === null) {
            return $dir . '\'s file system does not allow running programs (noexec)';
        }
        return $dir . ' is on ' . $mount['point'] . ', mounted noexec';
    }

    /**
     * Removes copies of other releases (folders `engine-*` other than $keep)
     * made over a week ago: another WHMCS of this user on an older release
     * may still run its copy, and would only make it again.
     */
    private function removeStale(string $private, string $keep): void
    {
        foreach (glob($private . '/' . self::COPY_PREFIX . '*', GLOB_ONLYDIR) ?: [] as $dir) {
            $made = @filemtime($dir);
            if (basename($dir) !== $keep && !is_link($dir) && $made !== false && $made < time() - self::STALE_SECONDS) {
                self::remove($dir);
            }
        }
    }

    private static function remove(string $dir): void
    {
        foreach ([self::LAUNCHER, self::LIBRARY] as $file) {
            @unlink($dir . '/' . $file);
        }
        @rmdir($dir);
    }
}
