<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Module;

defined('WHMCS') || exit;

/**
 * The addon's `import.ini` (import settings as a file, as in the original
 * module): its content when the file exists and is readable, else null. The
 * component parses and validates it; PHP only reads it.
 */
final class ImportIni
{
    public const FILE = 'import.ini';
    /** A settings file is a few hundred bytes; anything this large is not one. */
    public const MAX_BYTES = 65536;

    public function __construct(private string $path)
    {
    }

    /** `<addon dir>/import.ini`. */
    public static function forAddon(): self
    {
        return new self(Components::addonDir() . '/' . self::FILE);
    }

    public function path(): string
    {
        return $this->path;
    }

    /** The file's content, or null when it is missing, unreadable or too large. */
    public function content(): ?string
    {
        if (!is_file($this->path) || !is_readable($this->path)) {
            return null;
        }
        $content = @file_get_contents($this->path, false, null, 0, self::MAX_BYTES + 1);
        if (!is_string($content) || strlen($content) > self::MAX_BYTES) {
            return null;
        }
        return $content;
    }
}
