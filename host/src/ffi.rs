//! The C ABI PHP's FFI loads (header: `host/include/hostkey_host.h`).
//!
//! Fallible functions return NULL or an owned `hk_error`; every owned
//! pointer has its `_free`; no panic unwinds across `extern "C"`.

use crate::embedder::{Embedder, EmbedderBackend};
use crate::http::UreqBackend;
use crate::options::RuntimeOptions;
use crate::runtime::Runtime;
use crate::state::Capabilities;
use std::ffi::{CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

mod cli;

/// The embedder's answer function: gets one request and must call
/// `hk_reply(reply, ...)` once before returning.
pub type CapabilityFn =
    extern "C" fn(request: *const c_char, request_len: usize, reply: *mut c_void);

/// A runtime with its embedder callback and HTTP client (`hk_runtime_new`).
pub struct HkRuntime {
    runtime: Runtime,
    capability: CapabilityFn,
    http: UreqBackend,
}

/// An error sentence owned by the caller (`hk_error_free`).
pub struct HkError {
    message: CString,
}

/// The answer bytes, followed by a NUL that `len` does not count.
pub struct HkBuffer {
    data: Vec<u8>,
}

impl HkBuffer {
    fn new(mut data: Vec<u8>) -> Self {
        data.push(0);
        Self { data }
    }
}

struct ReplySlot {
    data: Option<Vec<u8>>,
}

struct FfiEmbedder {
    capability: CapabilityFn,
}

impl Embedder for FfiEmbedder {
    fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
        let mut slot = ReplySlot { data: None };
        // NUL-terminated as well, so an embedder that reads a C string
        // (rather than pointer + length) cannot read past the end.
        let mut terminated = Vec::with_capacity(request.len() + 1);
        terminated.extend_from_slice(request);
        terminated.push(0);
        (self.capability)(
            terminated.as_ptr().cast(),
            request.len(),
            std::ptr::from_mut(&mut slot).cast(),
        );
        slot.data
            .ok_or_else(|| "the embedder's callback returned without replying".to_string())
    }
}

fn error(message: impl Into<String>) -> *mut HkError {
    let text = message.into().replace('\0', " ");
    let message = CString::new(text).unwrap_or_default();
    Box::into_raw(Box::new(HkError { message }))
}

fn guarded(body: impl FnOnce() -> Result<(), String>) -> *mut HkError {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => std::ptr::null_mut(),
        Ok(Err(message)) => error(message),
        Err(_) => error("the host panicked; the call was abandoned"),
    }
}

/// # Safety
/// `bytes` must point to `len` readable bytes (or be NULL with `len` 0).
unsafe fn slice<'a>(bytes: *const c_char, len: usize) -> Result<&'a [u8], String> {
    if bytes.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err("a NULL buffer was passed".into())
        };
    }
    // SAFETY: the caller guarantees `len` readable bytes at `bytes`.
    Ok(unsafe { std::slice::from_raw_parts(bytes.cast::<u8>(), len) })
}

/// Creates a runtime from options JSON (see docs/architecture.md).
///
/// # Safety
/// `options` must point to `options_len` bytes; `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_runtime_new(
    options: *const c_char,
    options_len: usize,
    capability: Option<CapabilityFn>,
    out: *mut *mut HkRuntime,
) -> *mut HkError {
    guarded(|| {
        if out.is_null() {
            return Err("hk_runtime_new needs an out pointer".into());
        }
        let capability = capability.ok_or("hk_runtime_new needs a capability callback")?;
        // SAFETY: per this function's contract.
        let bytes = unsafe { slice(options, options_len)? };
        let options: RuntimeOptions = serde_json::from_slice(bytes)
            .map_err(|e| format!("the runtime options are not valid: {e}"))?;
        let runtime = Runtime::new(options).map_err(|e| e.to_string())?;
        let boxed = Box::new(HkRuntime {
            runtime,
            capability,
            http: UreqBackend::default(),
        });
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { *out = Box::into_raw(boxed) };
        Ok(())
    })
}

/// Runs one call; `*out` receives the answer envelope (`value` or `fault`).
///
/// # Safety
/// `runtime` must come from `hk_runtime_new`; `call` must point to
/// `call_len` bytes; `out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_runtime_call(
    runtime: *mut HkRuntime,
    call: *const c_char,
    call_len: usize,
    out: *mut *mut HkBuffer,
) -> *mut HkError {
    guarded(|| {
        if runtime.is_null() || out.is_null() {
            return Err("hk_runtime_call needs a runtime and an out pointer".into());
        }
        // SAFETY: per this function's contract.
        let (rt, request) = unsafe { (&*runtime, slice(call, call_len)?) };
        let backend = EmbedderBackend::new(Box::new(FfiEmbedder {
            capability: rt.capability,
        }));
        let caps = Capabilities {
            http: Box::new(rt.http.clone()),
            db: Box::new(backend.clone()),
            platform: Box::new(backend),
        };
        let data = rt.runtime.call_json(request, caps);
        // SAFETY: `out` is non-NULL and writable per the contract.
        unsafe { *out = Box::into_raw(Box::new(HkBuffer::new(data))) };
        Ok(())
    })
}

/// Answers the capability request being handled; the bytes are copied.
///
/// # Safety
/// `reply` must be the pointer the callback received; `data` must point to
/// `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_reply(reply: *mut c_void, data: *const c_char, len: usize) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if reply.is_null() {
            return;
        }
        // SAFETY: per this function's contract.
        let bytes = unsafe { slice(data, len) }
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        // SAFETY: `reply` is the slot handed to the callback, alive for its duration.
        unsafe { (*reply.cast::<ReplySlot>()).data = Some(bytes) };
    }));
}

/// # Safety
/// `buffer` must come from `hk_runtime_call` and not be freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_buffer_data(buffer: *const HkBuffer) -> *const u8 {
    if buffer.is_null() {
        return std::ptr::null();
    }
    // SAFETY: per this function's contract.
    unsafe { (*buffer).data.as_ptr() }
}

/// # Safety
/// `buffer` must come from `hk_runtime_call` and not be freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_buffer_len(buffer: *const HkBuffer) -> usize {
    if buffer.is_null() {
        return 0;
    }
    // SAFETY: per this function's contract.
    unsafe { (*buffer).data.len().saturating_sub(1) }
}

/// # Safety
/// `buffer` must come from `hk_runtime_call`, or be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_buffer_free(buffer: *mut HkBuffer) {
    if !buffer.is_null() {
        // SAFETY: it was created by Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(buffer) });
    }
}

/// # Safety
/// `error` must come from this library and not be freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_error_message(error: *const HkError) -> *const c_char {
    if error.is_null() {
        return std::ptr::null();
    }
    // SAFETY: per this function's contract.
    unsafe { (*error).message.as_ptr() }
}

/// # Safety
/// `error` must come from this library, or be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_error_free(error: *mut HkError) {
    if !error.is_null() {
        // SAFETY: it was created by Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(error) });
    }
}

/// # Safety
/// `runtime` must come from `hk_runtime_new`, or be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_runtime_free(runtime: *mut HkRuntime) {
    if !runtime.is_null() {
        // SAFETY: it was created by Box::into_raw and is freed once.
        drop(unsafe { Box::from_raw(runtime) });
    }
}
