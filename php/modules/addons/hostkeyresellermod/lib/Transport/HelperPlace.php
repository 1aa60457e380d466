<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * Where this user's engine helper listens: `h-<key>.sock` in the private
 * cache folder (CacheDir, 0700), the key a digest of the component's path and
 * cache folder and of the identities (device, inode, size, mtime, ctime) of
 * the component, launcher and library, as the helper computes it
 * (host/src/helper/name.rs). An upgrade, a re-upload or a `chmod` changes an
 * identity, so a request never reaches a helper of older files. PHP has no
 * SO_PEERCRED: what it can check itself is the folder and the socket file
 * (this user's, private); the helper's hello tells the rest.
 */
final class HelperPlace
{
    private const KEY_VERSION = 'hostkey-helper/1';

    private string|null|false $folder = false;

    public function __construct(private RuntimeOptions $options, private CacheDir $cache, private int $uid)
    {
    }

    public static function forThisProcess(RuntimeOptions $options): self
    {
        $uid = function_exists('posix_geteuid') ? posix_geteuid() : (int) getmyuid();
        return new self($options, CacheDir::forThisProcess(), $uid);
    }

    /** The user PHP runs as. */
    public function uid(): int
    {
        return $this->uid;
    }

    /** This user's private folder, or null when none can be had (then no helper). */
    public function folder(): ?string
    {
        if ($this->folder === false) {
            $this->folder = null;
            foreach ($this->cache->privateDirs() as $dir) {
                $this->folder = $dir;
                break;
            }
        }
        return $this->folder;
    }

    /** The helper's name for $launcher, or null when a file cannot be read. */
    public function name(string $launcher): ?string
    {
        $launcher = @realpath($launcher);
        if ($launcher === false) {
            return null;
        }
        $lines = [self::KEY_VERSION, $this->options->componentPath(), (string) $this->options->cacheDir()];
        $files = [$this->options->componentPath(), $launcher, dirname($launcher) . '/' . NativeFiles::LIBRARY];
        foreach ($files as $file) {
            $stat = @stat($file);
            if ($stat === false) {
                return null;
            }
            $lines[] = implode(':', [$stat['dev'], $stat['ino'], $stat['size'], $stat['mtime'], $stat['ctime']]);
        }
        return 'h-' . substr(hash('sha256', implode("\n", $lines) . "\n"), 0, 16);
    }

    /** The socket of the helper named $name, or null without a private folder. */
    public function socket(string $name): ?string
    {
        $folder = $this->folder();
        return $folder === null ? null : $folder . '/' . $name . '.sock';
    }

    /**
     * Why the file at $path is not a helper of this user's to talk to, or
     * null: it must be a socket (not a symlink), owned by this user, that
     * nobody else may read or write.
     */
    public function socketProblem(string $path): ?string
    {
        clearstatcache(true, $path);
        $stat = @lstat($path);
        if ($stat === false) {
            return 'there is no socket';
        }
        if (($stat['mode'] & 0o170000) !== 0o140000) {
            return 'it is not a socket';
        }
        if ($stat['uid'] !== $this->uid) {
            return sprintf('it belongs to user %d, not to PHP\'s user %d', $stat['uid'], $this->uid);
        }
        if (($stat['mode'] & 0o077) !== 0) {
            return sprintf('others may use it (mode %o)', $stat['mode'] & 0o777);
        }
        return null;
    }
}
