//! `hostkey-host`: the process transport (JSON lines on stdin/stdout) and a
//! precompile command for installs.

use hostkey_host::embedder::{Embedder, EmbedderBackend};
use hostkey_host::http::UreqBackend;
use hostkey_host::{Capabilities, Runtime, RuntimeOptions};
use std::io::{BufRead, Write};
use std::process::ExitCode;

const USAGE: &str =
    "usage: hostkey-host serve --options '<json>' | hostkey-host precompile <component.wasm>";

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
        [command, path] if command == "precompile" => {
            let runtime =
                Runtime::new(RuntimeOptions::for_component(path)).map_err(|e| e.to_string())?;
            let cache = runtime.cache_file().display();
            for refusal in &runtime.status()["refused"].as_array().cloned().unwrap_or_default() {
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hostkey-host: {message}");
            ExitCode::FAILURE
        }
    }
}
