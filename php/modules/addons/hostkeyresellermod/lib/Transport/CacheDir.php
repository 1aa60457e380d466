<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * Where the host keeps the compiled component (`.cwasm`) when the module's
 * bin/ folder is read-only for PHP's user, as on a server where the files
 * belong to the uploader: a folder `hostkeyresellermod-<uid>` private to this
 * user (0700) in the first place that allows one among WHMCS's templates_c,
 * WHMCS's attachments and the temp dir. A `.cwasm` is native code, so a
 * folder someone else could write is refused; the host seals each file with
 * a secret kept in that folder (docs/security.md).
 */
final class CacheDir
{
    /** @var callable(string): bool */
    private $writable;

    /**
     * @param int $uid the user PHP runs as
     * @param callable(string): bool|null $writable defaults to is_writable
     */
    /**
     * @param int $uid the user PHP runs as
     * @param callable(string): bool|null $writable defaults to is_writable
     * @param list<string> $whmcsDirs WHMCS's own writable folders, tried before $tempDir
     */
    public function __construct(
        private string $tempDir,
        private int $uid,
        ?callable $writable = null,
        private array $whmcsDirs = [],
    ) {
        $this->writable = $writable ?? 'is_writable';
    }

    public static function forThisProcess(): self
    {
        $uid = function_exists('posix_geteuid') ? posix_geteuid() : (int) getmyuid();
        return new self(sys_get_temp_dir(), $uid, null, self::whmcsDirs());
    }

    /**
     * templates_c and attachments as configuration.php sets them.
     *
     * @return list<string>
     */
    private static function whmcsDirs(): array
    {
        $dirs = [];
        foreach (['templates_compiledir', 'attachments_dir'] as $name) {
            $dir = $GLOBALS[$name] ?? null;
            if (is_string($dir) && $dir !== '' && is_dir($dir)) {
                $dirs[] = $dir;
            }
        }
        return $dirs;
    }

    /**
     * The cache folder for a component in $binDir: null to keep it beside the
     * component (bin/ is writable, or missing), or a private folder; null too
     * when no safe folder can be had (each process then compiles).
     */
    public function choose(string $binDir): ?string
    {
        if (!is_dir($binDir) || ($this->writable)($binDir)) {
            return null;
        }
        foreach ([...$this->whmcsDirs, $this->tempDir] as $base) {
            $dir = rtrim($base, '/') . '/hostkeyresellermod-' . $this->uid;
            if (!file_exists($dir) && !is_link($dir)) {
                $old = umask(0077);
                @mkdir($dir, 0700);
                umask($old);
            }
            if ($this->isPrivate($dir)) {
                return $dir;
            }
        }
        return null;
    }

    /**
     * The sentence for the admin when no compile can be kept for $binDir:
     * bin/ is read-only, no private folder can be had, and no precompiled
     * `.cwasm` is shipped there; null otherwise.
     */
    public function uncachedWarning(string $binDir): ?string
    {
        if (!is_dir($binDir) || ($this->writable)($binDir) || $this->choose($binDir) !== null) {
            return null;
        }
        if ((glob(rtrim($binDir, '/') . '/*.cwasm') ?: []) !== []) {
            return null;
        }
        return 'The compiled engine cannot be kept: ' . $binDir . ' is read-only for PHP\'s user and no private '
            . 'folder could be made in templates_c or the temp dir, so every request compiles it (about a '
            . 'second); make templates_c writable for PHP\'s user, or upload bin/ with its .cwasm again.';
    }

    /** A real folder of this user that nobody else may write. */
    private function isPrivate(string $dir): bool
    {
        clearstatcache(true, $dir);
        if (is_link($dir) || !is_dir($dir)) {
            return false;
        }
        $owner = @fileowner($dir);
        $perms = @fileperms($dir);
        return $owner === $this->uid && $perms !== false && ($perms & 0o077) === 0;
    }
}
