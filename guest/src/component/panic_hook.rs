//! A panic in the guest ends the call in a trap, and the host reports the
//! trap with the `panic: ...` line the guest wrote to stderr. Rust's default
//! hook ends with a "run with RUST_BACKTRACE=1" note, so the cause was lost;
//! this hook writes the message and its place on one short line.

use std::io::Write;

fn report(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.payload_as_str().unwrap_or("a panic without a message");
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    // The crate and file, not the build machine's folders.
    let place = info
        .location()
        .map(|l| {
            let parts: Vec<&str> = l.file().rsplitn(4, '/').collect();
            let file: Vec<&str> = parts.into_iter().take(3).rev().collect();
            format!(" at {}:{}", file.join("/"), l.line())
        })
        .unwrap_or_default();
    let _ = writeln!(std::io::stderr(), "panic: {message}{place}");
}

extern "C" fn install() {
    std::panic::set_hook(Box::new(report));
}

/// Run by `__wasm_call_ctors`, which wit-bindgen's export glue calls once per
/// instance before the first export runs: every call has the hook.
#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL: extern "C" fn() = install;
