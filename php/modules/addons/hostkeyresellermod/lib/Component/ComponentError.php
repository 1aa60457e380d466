<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Component;

use RuntimeException;

defined('WHMCS') || exit;

/**
 * The component answered `{"err": {"<case>": "sentence"}}`: a business failure
 * with one sentence for the admin (a case of `types.error`).
 */
final class ComponentError extends RuntimeException
{
    public function __construct(private string $case, string $sentence)
    {
        parent::__construct($sentence);
    }

    /**
     * Builds the error from the `err` payload of a WIT result.
     */
    public static function fromVariant(mixed $variant): self
    {
        if (is_string($variant)) {
            return new self($variant, 'The module failed (' . $variant . ').');
        }
        if (is_array($variant) && count($variant) === 1) {
            $case = (string) array_key_first($variant);
            $payload = $variant[$case];
            $sentence = is_string($payload) && $payload !== '' ? $payload : 'The module failed (' . $case . ').';
            return new self($case, $sentence);
        }
        return new self('internal', 'The module answered with an error the bridge does not understand.');
    }

    /**
     * Whether trying the same again later can help (the `retryable` case: a timeout,
     * HOSTKEY's 5xx, a lock another run holds); every other case needs a change first.
     */
    public function retryable(): bool
    {
        return $this->case === 'retryable';
    }

    /** The case of `types.error`: invalid-input, api, database, platform, internal, retryable. */
    public function case(): string
    {
        return $this->case;
    }
}
