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

    private OpenBasedir $basedir;

    /**
     * @param int $uid the user PHP runs as
     * @param callable(string): bool|null $writable defaults to is_writable
     * @param list<string> $whmcsDirs WHMCS's own writable folders, tried before $tempDir
     * @param OpenBasedir|null $basedir folders outside it are skipped, not tried (no warnings)
     */
    public function __construct(
        private string $tempDir,
        private int $uid,
        ?callable $writable = null,
        private array $whmcsDirs = [],
        ?OpenBasedir $basedir = null,
    ) {
        $this->writable = $writable ?? 'is_writable';
        $this->basedir = $basedir ?? OpenBasedir::forThisProcess();
    }

    public static function forThisProcess(): self
    {
        $uid = function_exists('posix_geteuid') ? posix_geteuid() : (int) getmyuid();
        $basedir = OpenBasedir::forThisProcess();
        return new self(sys_get_temp_dir(), $uid, null, self::whmcsDirs($basedir), $basedir);
    }

    /** The folders a private folder is looked for in, in order. @return list<string> */
    public function places(): array
    {
        return [...$this->whmcsDirs, $this->tempDir];
    }

    /**
     * templates_c and attachments as configuration.php sets them.
     *
     * @return list<string>
     */
    private static function whmcsDirs(OpenBasedir $basedir): array
    {
        $dirs = [];
        foreach (['templates_compiledir', 'attachments_dir'] as $name) {
            $dir = $GLOBALS[$name] ?? null;
            if (is_string($dir) && $dir !== '' && $basedir->allows($dir) && is_dir($dir)) {
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
        if (!$this->basedir->allows($binDir) || !is_dir($binDir) || ($this->writable)($binDir)) {
            return null;
        }
        foreach ($this->privateDirs() as $dir) {
            return $dir;
        }
        return null;
    }

    /**
     * This user's private folder in each place that allows one, made when
     * missing (templates_c, attachments, then the temp dir).
     *
     * @return \Generator<int, string>
     */
    public function privateDirs(): \Generator
    {
        foreach ($this->places() as $base) {
            $dir = $this->privateDirIn($base);
            if ($dir !== null) {
                yield $dir;
            }
        }
    }

    /** The private folder `hostkeyresellermod-<uid>` in $base, or null when it cannot be had safely. */
    public function privateDirIn(string $base): ?string
    {
        $dir = rtrim($base, '/') . '/hostkeyresellermod-' . $this->uid;
        if (!$this->basedir->allows($dir)) {
            return null;
        }
        if (!file_exists($dir) && !is_link($dir)) {
            if (!is_dir($base) || !($this->writable)($base)) {
                return null;
            }
            $old = umask(0077);
            @mkdir($dir, 0700);
            umask($old);
        }
        return $this->isPrivate($dir) ? $dir : null;
    }

    /**
     * The sentence for the admin when no compile can be kept for $binDir:
     * bin/ is read-only, no private folder can be had, and no precompiled
     * `.cwasm` is shipped there; null otherwise.
     */
    public function uncachedWarning(string $binDir): ?string
    {
        if (!$this->basedir->allows($binDir) || !is_dir($binDir) || ($this->writable)($binDir)) {
            return null;
        }
        if ($this->choose($binDir) !== null) {
            return null;
        }
        if ((glob(rtrim($binDir, '/') . '/*.cwasm') ?: []) !== []) {
            return null;
        }
        return 'The compiled engine cannot be kept: ' . $binDir . ' is read-only for PHP\'s user and no private '
            . 'folder could be made in templates_c, attachments or the temp dir, so every request compiles it '
            . '(a second or more); make templates_c writable for PHP\'s user, or upload bin/ with its .cwasm again.';
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
