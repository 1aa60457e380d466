<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Whmcs;

defined('WHMCS') || exit;

/**
 * The admin page's CSRF check: a POST must carry the session's token.
 */
final class CsrfGuard
{
    public function __construct(private string $token)
    {
    }

    /**
     * WHMCS's session token (generate_token('plain')), or a per-session token
     * of our own where that helper is missing.
     */
    public static function fromWhmcs(): self
    {
        if (function_exists('generate_token')) {
            return new self((string) generate_token('plain'));
        }
        if (session_status() === PHP_SESSION_ACTIVE) {
            $_SESSION['hostkeyresellermod_token'] ??= bin2hex(random_bytes(20));
            return new self((string) $_SESSION['hostkeyresellermod_token']);
        }
        return new self('');
    }

    public function token(): string
    {
        return $this->token;
    }

    public function valid(mixed $submitted): bool
    {
        return $this->token !== '' && is_string($submitted) && hash_equals($this->token, $submitted);
    }
}
