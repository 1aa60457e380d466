<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\HostkeyResellerMod\Transport;

use FFI;
use FFI\CData;
use Throwable;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\ComponentFault;
use WHMCS\Module\Addon\HostkeyResellerMod\Component\RequestHandler;

defined('WHMCS') || exit;

/**
 * One `hk_runtime` of libhostkey_host.so per PHP process and options.
 *
 * This is the module's only static state: the runtime and the C callback made
 * from a PHP closure are created once and kept, because converting a closure
 * to a C callback on every call leaks memory, and loading the component costs
 * milliseconds. The callback forwards to the handler of the call in progress.
 */
final class FfiRuntime
{
    private const ERROR_ANSWER = '{"error":{"kind":"other","message":"The PHP bridge failed to answer the request."}}';
    private const JSON_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE;

    /** @var array<string, self> */
    private static array $cache = [];

    private ?RequestHandler $handler = null;
    private CData $runtime;
    /** Holds the converted callback so that it lives as long as the runtime. */
    private CData $callback;

    private function __construct(private FFI $ffi, string $options)
    {
        $this->callback = $ffi->new('struct { hk_capability_fn fn; }');
        // A PHP exception must never unwind through the host's Rust frames (PHP
        // FFI would longjmp over them): the callback catches every Throwable.
        // A PHP fatal error (memory_limit, max_execution_time) inside it cannot
        // be caught and ends the process (docs/architecture.md).
        $this->callback->fn = function ($request, $length, $reply): void {
            try {
                $this->reply($request, (int) $length, $reply);
            } catch (Throwable) {
                // reply() catches everything itself; this is the last line of defence.
            }
        };
        $runtime = $ffi->new('hk_runtime *');
        $error = $ffi->hk_runtime_new($options, strlen($options), $this->callback->fn, FFI::addr($runtime));
        if ($error !== null) {
            throw RuntimeFailure::fault(
                RuntimeFailure::LOADER,
                'The component could not be loaded: ' . $this->takeError($error),
            );
        }
        if (FFI::isNull($runtime)) {
            throw new ComponentFault('The component host returned no runtime.');
        }
        $this->runtime = $runtime;
    }

    /**
     * The runtime for these options, created on first use in this process.
     */
    public static function shared(string $library, string $header, string $options): self
    {
        $key = $library . "\0" . $options;
        if (!isset(self::$cache[$key])) {
            $declarations = @file_get_contents($header);
            if ($declarations === false) {
                throw new ComponentFault('The C header ' . $header . ' of the component host cannot be read.');
            }
            try {
                $ffi = FFI::cdef($declarations, $library);
            } catch (Throwable $e) {
                throw RuntimeFailure::fault(
                    RuntimeFailure::LOADER,
                    'PHP FFI cannot load ' . $library . ': ' . $e->getMessage()
                    . '; upload bin/ again in binary mode, and compare the System check\'s glibc row.',
                    $e,
                );
            }
            self::$cache[$key] = new self($ffi, $options);
        }
        return self::$cache[$key];
    }

    /**
     * Runs one call; capability requests go to $handler while it runs.
     */
    public function call(string $call, RequestHandler $handler): string
    {
        $previous = $this->handler;
        $this->handler = $handler;
        try {
            $out = $this->ffi->new('hk_buffer *');
            $error = $this->ffi->hk_runtime_call($this->runtime, $call, strlen($call), FFI::addr($out));
            if ($error !== null) {
                throw new ComponentFault('The component host failed: ' . $this->takeError($error));
            }
            if (FFI::isNull($out)) {
                throw new ComponentFault('The component host returned no answer.');
            }
            try {
                return $this->bufferText($out);
            } finally {
                $this->ffi->hk_buffer_free($out);
            }
        } finally {
            $this->handler = $previous;
        }
    }

    public function __destruct()
    {
        if (isset($this->runtime)) {
            $this->ffi->hk_runtime_free($this->runtime);
        }
    }

    /**
     * The C callback's body: exactly one hk_reply, and no exception may escape.
     */
    private function reply(mixed $request, int $length, mixed $reply): void
    {
        try {
            // Declared `const char *`, PHP FFI hands the request over as a string read up
            // to its NUL (the host terminates it); the length is the authority either way.
            $text = is_string($request) ? substr($request, 0, $length) : FFI::string($request, $length);
            $answer = $this->handler !== null
                ? $this->handler->handle($text)
                : '{"error":{"kind":"other","message":"No call is in progress."}}';
        } catch (Throwable $e) {
            $answer = self::errorAnswer($e);
        }
        try {
            $this->ffi->hk_reply($reply, $answer, strlen($answer));
        } catch (Throwable) {
            // Nothing can be reported from inside the callback; the host sees no reply.
        }
    }

    /** The error answer for a handler that threw (its contract says it never does). */
    private static function errorAnswer(Throwable $e): string
    {
        $message = 'The PHP bridge failed to answer the request: ' . rtrim($e->getMessage(), '.');
        $answer = json_encode(['error' => ['kind' => 'other', 'message' => $message]], self::JSON_FLAGS);
        return is_string($answer) ? $answer : self::ERROR_ANSWER;
    }

    /**
     * The bytes of an hk_buffer. Declared as a byte pointer, hk_buffer_data comes
     * back as CData; declared `const char *`, PHP FFI has already made it a string
     * by reading up to a NUL, which is only right if the host NUL-terminates.
     */
    private function bufferText(CData $buffer): string
    {
        $length = (int) $this->ffi->hk_buffer_len($buffer);
        $data = $this->ffi->hk_buffer_data($buffer);
        if ($data instanceof CData) {
            return FFI::string($data, $length);
        }
        if (is_string($data) && strlen($data) === $length) {
            return $data;
        }
        throw new ComponentFault(
            'The component host\'s answer buffer is not NUL-terminated, but hostkey_host.h declares '
            . 'hk_buffer_data as const char *, which PHP FFI reads as a C string.'
        );
    }

    private function takeError(CData $error): string
    {
        $message = $this->ffi->hk_error_message($error);
        $text = is_string($message) ? $message : ($message === null ? '' : FFI::string($message));
        $this->ffi->hk_error_free($error);
        return $text !== '' ? $text : 'no message';
    }
}
