<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

defined('WHMCS') || defined('HOSTKEYRESELLERMOD_CRON') || exit;

/**
 * Whether open_basedir lets PHP touch a path. A file function on a path
 * outside it writes a warning to the error log on every request, even under
 * `@` when WHMCS's error handler is on, so the module asks first.
 */
final class OpenBasedir
{
    /** @var list<string> */
    private array $roots;

    /** @param string $setting the open_basedir value ('' when unrestricted) */
    public function __construct(string $setting)
    {
        $roots = [];
        foreach (explode(PATH_SEPARATOR, $setting) as $root) {
            $root = trim($root);
            if ($root !== '' && !str_starts_with($root, '/')) {
                // "." and other relative roots are relative to the working folder, as PHP reads them.
                $cwd = getcwd();
                $root = $cwd === false ? '' : $cwd . '/' . $root;
            }
            if ($root !== '') {
                $roots[] = $root;
            }
        }
        $this->roots = $roots;
    }

    public static function forThisProcess(): self
    {
        return new self((string) ini_get('open_basedir'));
    }

    public function allows(string $path): bool
    {
        if ($this->roots === []) {
            return true;
        }
        $path = self::normal($path);
        foreach ($this->roots as $root) {
            // PHP's rule: the root folder itself or anything below it ("/a" does not allow "/ab").
            $root = rtrim(self::normal($root), '/');
            if ($root === '' || $path === $root || str_starts_with($path, $root . '/')) {
                return true;
            }
        }
        return false;
    }

    /** An absolute path without "." and ".." parts (links are not followed: the check is a pre-filter). */
    private static function normal(string $path): string
    {
        $parts = [];
        foreach (explode('/', $path) as $part) {
            if ($part === '' || $part === '.') {
                continue;
            }
            if ($part === '..') {
                array_pop($parts);
                continue;
            }
            $parts[] = $part;
        }
        return '/' . implode('/', $parts);
    }
}
