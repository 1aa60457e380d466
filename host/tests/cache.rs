//! The `.cwasm` cache: keyed by the component's content, and `hostkey-host
//! precompile` says what it did (or could not do).

mod support;

use hostkey_host::engine::{cwasm_path, engine};
use hostkey_host::{Runtime, RuntimeOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// A fresh folder holding a copy of the shipped component.
fn folder_with_component(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hk-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let wasm = dir.join("hostkey_guest.wasm");
    std::fs::copy(support::shipped(), &wasm).expect("copy of the component");
    (dir, wasm)
}

fn precompile(wasm: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hostkey-host"))
        .arg("precompile")
        .arg(wasm)
        .output()
        .expect("hostkey-host runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_key_follows_the_content_not_the_modification_time() {
    let (dir, wasm) = folder_with_component("key");
    let key = cwasm_path(engine(), &wasm, None).expect("key");
    let file = std::fs::File::options()
        .write(true)
        .open(&wasm)
        .expect("open");
    file.set_modified(SystemTime::now() + Duration::from_secs(3600))
        .expect("touch");
    drop(file);
    assert_eq!(key, cwasm_path(engine(), &wasm, None).expect("key"));
    let mut bytes = std::fs::read(&wasm).expect("read");
    bytes.push(0);
    std::fs::write(&wasm, bytes).expect("write");
    assert_ne!(key, cwasm_path(engine(), &wasm, None).expect("key"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn precompile_writes_the_cache_then_verifies_it() {
    let (dir, wasm) = folder_with_component("write");
    let cwasm = cwasm_path(engine(), &wasm, None).expect("key");
    let first = precompile(&wasm);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains(&format!("is now precompiled to {}", cwasm.display())),
        "{first:?}"
    );
    assert!(cwasm.is_file());
    let second = precompile(&wasm);
    assert!(second.status.success(), "{second:?}");
    assert!(
        stdout(&second).contains(&format!("{} is a valid precompiled", cwasm.display())),
        "{second:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn precompile_fails_with_a_sentence_when_it_cannot_write() {
    let (dir, wasm) = folder_with_component("unwritable");
    // A folder where the cache file belongs: no rename can replace it, even as root.
    let cwasm = cwasm_path(engine(), &wasm, None).expect("key");
    std::fs::create_dir(&cwasm).expect("blocking folder");
    let output = precompile(&wasm);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(stdout(&output).is_empty(), "{output:?}");
    assert!(
        stderr.contains("cannot be written") && stderr.contains("will compile it again"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_cache_folder_given_by_the_embedder_holds_the_cache() {
    let (dir, wasm) = folder_with_component("folder");
    let cache = dir.join("private");
    std::fs::create_dir(&cache).expect("cache folder");
    let mut options = RuntimeOptions::for_component(&wasm);
    options.cache_dir = Some(cache.clone());
    let runtime = Runtime::new(options).expect("runtime");
    assert_eq!(Some(cache.as_path()), runtime.cache_file().parent());
    assert!(runtime.cache_file().is_file());
    assert_eq!(None, runtime.cache_error());
    let beside = cwasm_path(engine(), &wasm, None).expect("key");
    assert!(!beside.exists(), "nothing is written beside the component");
    let _ = std::fs::remove_dir_all(dir);
}
