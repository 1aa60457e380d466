<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Component;

defined('WHMCS') || exit;

/**
 * Answers the host's capability requests (`db.*`, `platform.*`) during a call.
 */
interface RequestHandler
{
    /** Called before a component call starts. */
    public function callStarted(): void;

    /**
     * Answers one request line with `{"ok": ...}` or `{"error": {...}}`; never throws.
     */
    public function handle(string $request): string;

    /** Called after a component call ended, however it ended. */
    public function callFinished(): void;
}
