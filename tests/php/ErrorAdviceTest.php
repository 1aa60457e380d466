<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use RuntimeException;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentError;
use WHMCS\Module\Addon\HostkeyResellerMod\Whmcs\ErrorReport;

/**
 * What a failure says about retrying: only the `retryable` case promises a retry.
 */
final class ErrorAdviceTest extends TestCase
{
    public function testOnlyAPassingFaultPromisesARetry(): void
    {
        $passing = ComponentError::fromVariant(['retryable' => 'The HOSTKEY API did not answer in time.']);
        self::assertTrue($passing->retryable());
        self::assertSame(
            ' This is a passing fault: the next daily run will retry it.',
            ErrorReport::advice($passing, 'the next daily run will retry it'),
        );
        foreach (['api', 'invalid-input', 'database', 'platform', 'internal'] as $case) {
            $permanent = ComponentError::fromVariant([$case => 'No.']);
            self::assertFalse($permanent->retryable(), $case);
            self::assertSame(' Retrying will not help until this is fixed.', ErrorReport::advice($permanent, 'x'));
        }
        self::assertSame('', ErrorReport::advice(new RuntimeException('boom'), 'x'), 'an unexpected failure');
    }
}
