<?php

declare(strict_types=1);

namespace HostkeyResellerMod\Tests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\HostkeyResellerMod\Module\PostInstallCallback;

/**
 * The callback request's method and headers as the WIT `callback-request`.
 */
final class CallbackRequestTest extends TestCase
{
    public function testTheMethodIsGetPostOrAnotherAsReceived(): void
    {
        self::assertSame('get', PostInstallCallback::method('GET'));
        self::assertSame('post', PostInstallCallback::method('post'));
        self::assertSame(['other' => 'DELETE'], PostInstallCallback::method('delete'));
    }

    public function testHeadersComeFromServerWithoutTheCookie(): void
    {
        self::assertSame(
            [['x-signature', 'abc'], ['content-type', 'application/json']],
            PostInstallCallback::headers([
                'HTTP_X_SIGNATURE' => 'abc',
                'HTTP_COOKIE' => 'WHMCSsession=secret',
                'CONTENT_TYPE' => 'application/json',
                'REMOTE_ADDR' => '127.0.0.1',
                'HTTP_ARRAY' => ['x'],
            ]),
        );
    }
}
