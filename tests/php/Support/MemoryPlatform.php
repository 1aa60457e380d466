<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests\Support;

use WHMCS\Module\Addon\HostkeyResellerMod\Capability\Platform;
use WHMCS\Module\Addon\HostkeyResellerMod\Capability\PlatformError;

/**
 * An in-memory Platform that records what it was asked.
 */
final class MemoryPlatform implements Platform
{
    /** @var list<array<string, mixed>> */
    public array $moduleLog = [];
    /** @var list<array{0: string, 1: int|null}> */
    public array $activityLog = [];
    /** @var list<array{0: string, 1: array<string, string>}> */
    public array $localApiCalls = [];

    /** @var list<array{0: string, 1: string, 2: int}> the cells decrypted */
    public array $decrypted = [];

    public function decrypt(string $table, string $column, int $id): string
    {
        if ($id <= 0) {
            throw PlatformError::failed('There is no stored value to decrypt.');
        }
        $this->decrypted[] = [$table, $column, $id];
        return 'plain:' . $table . '.' . $column . '#' . $id;
    }

    public function moduleLog(string $action, string $request, string $response, string $processed, array $mask): void
    {
        $this->moduleLog[] = compact('action', 'request', 'response', 'processed', 'mask');
    }

    public function activityLog(string $message, ?int $clientId): void
    {
        $this->activityLog[] = [$message, $clientId];
    }

    public function systemUrl(): string
    {
        return 'https://whmcs.example.test/';
    }

    public function localApi(string $command, array $params): array
    {
        $this->localApiCalls[] = [$command, $params];
        return ['result' => 'success'];
    }
}
