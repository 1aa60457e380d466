<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Capability;

defined('WHMCS') || exit;

/**
 * The `platform` interface of the contract: what only WHMCS can do.
 * Implementations throw PlatformError.
 */
interface Platform
{
    /** Decrypts the value WHMCS stored encrypted in $table.$column of row $id. */
    public function decrypt(string $table, string $column, int $id): string;

    /**
     * @param list<string> $mask secret values to scrub before the entry is stored
     */
    public function moduleLog(string $action, string $request, string $response, string $processed, array $mask): void;

    /** @param int|null $clientId the client the line is about; null for none */
    public function activityLog(string $message, ?int $clientId): void;

    /** WHMCS's public system URL, ending in '/'. */
    public function systemUrl(): string;

    /**
     * @param array<string, string> $params
     * @return array<string, mixed> WHMCS's answer
     */
    public function localApi(string $command, array $params): array;
}
