<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * Which mount a path is on and whether that mount forbids running programs
 * (`noexec`), from /proc/self/mountinfo. Used to name the real cause when
 * the engine cannot run; null when the table cannot be read (not Linux, or
 * open_basedir hides /proc).
 */
final class MountTable
{
    public const SOURCE = '/proc/self/mountinfo';

    /** @var list<array{point: string, noexec: bool, type: string}>|null */
    private ?array $mounts;

    /** @param string|null $mountinfo the text of a mountinfo file; null when unknown */
    public function __construct(?string $mountinfo)
    {
        $this->mounts = $mountinfo === null ? null : self::parse($mountinfo);
    }

    public static function forThisProcess(?OpenBasedir $basedir = null): self
    {
        $basedir ??= OpenBasedir::forThisProcess();
        if (!$basedir->allows(self::SOURCE) || !is_readable(self::SOURCE)) {
            return new self(null);
        }
        $text = @file_get_contents(self::SOURCE);
        return new self(is_string($text) ? $text : null);
    }

    public function known(): bool
    {
        return $this->mounts !== null;
    }

    /**
     * The mount that holds $path: the longest mount point that is a prefix of it.
     *
     * @return array{point: string, noexec: bool, type: string}|null
     */
    public function mountOf(string $path): ?array
    {
        if ($this->mounts === null) {
            return null;
        }
        $real = @realpath($path);
        $path = is_string($real) ? $real : $path;
        $best = null;
        foreach ($this->mounts as $mount) {
            $point = $mount['point'];
            $inside = $point === '/' || $path === $point || str_starts_with($path, $point . '/');
            // Later lines are mounted over earlier ones at the same point.
            if ($inside && ($best === null || strlen($point) >= strlen($best['point']))) {
                $best = $mount;
            }
        }
        return $best;
    }

    /** True when $path is on a noexec mount, false when not, null when unknown. */
    public function noexec(string $path): ?bool
    {
        $mount = $this->mountOf($path);
        return $mount === null ? null : $mount['noexec'];
    }

    /** @return list<array{point: string, noexec: bool, type: string}> */
    private static function parse(string $text): array
    {
        $mounts = [];
        foreach (preg_split('/\R/', $text) ?: [] as $line) {
            // id parent major:minor root point options [optional...] - type source super-options
            $fields = explode(' ', trim($line));
            $dash = array_search('-', $fields, true);
            if (count($fields) < 6 || $dash === false || $dash < 6) {
                continue;
            }
            $options = explode(',', $fields[5]);
            $mounts[] = [
                'point' => self::unescape($fields[4]),
                'noexec' => in_array('noexec', $options, true),
                'type' => $fields[$dash + 1] ?? '',
            ];
        }
        return $mounts;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static function unescape(string $field): string
    {
        return (string) preg_replace_callback(
            '/\\\\([0-7]{3})/',
            static fn (array $m): string => chr((int) octdec($m[1])),
            $field,
        );
    }
}
