//! The `hostkey-host` program (the process transport, JSON lines on
//! stdin/stdout, and the `precompile` command), kept in the library so that
//! the shipped executable is a small launcher that loads this library
//! (`main.rs`) instead of a second copy of wasmtime.

use crate::embedder::{Embedder, EmbedderBackend};
use crate::http::UreqBackend;
use crate::{Capabilities, Runtime, RuntimeOptions};
use std::ffi::{CStr, c_char};
use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

const USAGE: &str = "usage: hostkey-host serve --options '<json>' | hostkey-host precompile <component.wasm> \
     | hostkey-host helper --dir <private folder> --options '<json>' [--idle-ms <n>]";

/// Capability requests go out on stdout, answers come back on stdin.
struct StdioEmbedder;

impl Embedder for StdioEmbedder {
    fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
        write_line(request).map_err(|e| format!("cannot write to the embedder: {e}"))?;
        let mut answer = String::new();
        let read = std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| format!("cannot read the embedder's answer: {e}"))?;
        if read == 0 {
            return Err("the embedder closed stdin before answering".into());
        }
        Ok(answer.trim_end().as_bytes().to_vec())
    }
}

fn write_line(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn serve(options: RuntimeOptions) -> Result<(), String> {
    let runtime = Runtime::new(options).map_err(|e| e.to_string())?;
    let http = UreqBackend::default();
    let mut line = String::new();
    loop {
        line.clear();
        let read = std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read a call: {e}"))?;
        if read == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let backend = EmbedderBackend::new(Box::new(StdioEmbedder));
        let caps = Capabilities {
            http: Box::new(http.clone()),
            db: Box::new(backend.clone()),
            platform: Box::new(backend),
        };
        let answer = runtime.call_json(line.trim().as_bytes(), caps);
        write_line(&answer).map_err(|e| format!("cannot write the answer: {e}"))?;
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [command, flag, json] if command == "serve" && flag == "--options" => {
            let options: RuntimeOptions = serde_json::from_str(json)
                .map_err(|e| format!("the runtime options are not valid: {e}"))?;
            serve(options)
        }
        [command, rest @ ..] if command == "helper" => crate::helper::run(rest),
        [command, path] if command == "precompile" => {
            let runtime =
                Runtime::new(RuntimeOptions::for_component(path)).map_err(|e| e.to_string())?;
            let cache = runtime.cache_file().display();
            for refusal in &runtime.status()["refused"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                if let Some(refusal) = refusal.as_str() {
                    println!("{refusal}; compiled again");
                }
            }
            if let Some(problem) = runtime.cache_error() {
                return Err(format!(
                    "{path} compiles, but {problem}; every process will compile it again"
                ));
            }
            // A cache file is only used after wasmtime accepted it for this engine.
            if runtime.loaded_from_cache() {
                println!("{cache} is a valid precompiled {path}");
            } else {
                println!("{path} is now precompiled to {cache}");
            }
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

/// Runs the program with its arguments (without the program name); returns
/// the exit status. Messages go to stderr as `hostkey-host: <sentence>`.
///
/// # Safety
/// `args` must point to `count` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hk_cli_main(args: *const *const c_char, count: usize) -> i32 {
    let mut list = Vec::with_capacity(count);
    for i in 0..count {
        // SAFETY: per this function's contract.
        let arg = unsafe { *args.add(i) };
        if arg.is_null() {
            break;
        }
        // SAFETY: a NUL-terminated string, per this function's contract.
        list.push(
            unsafe { CStr::from_ptr(arg) }
                .to_string_lossy()
                .into_owned(),
        );
    }
    match catch_unwind(AssertUnwindSafe(|| run(&list))) {
        Ok(Ok(())) => 0,
        Ok(Err(message)) => {
            eprintln!("hostkey-host: {message}");
            1
        }
        Err(_) => {
            eprintln!("hostkey-host: the host panicked");
            1
        }
    }
}
