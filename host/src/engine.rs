//! One wasmtime engine per process, an epoch ticker for wall-clock limits,
//! and the compiled component, loaded once per process from a `.cwasm` cache.

use crate::bindings::Reseller;
use crate::state::HostState;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

mod seal;
pub use seal::{KEY_FILE, Seal};
use wasmtime::component::{Component, HasSelf, InstancePre, Linker};
use wasmtime::{Config, Engine};

/// How often the engine's epoch advances; wall-clock limits are in these steps.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The compiled component with its imports linked, ready to instantiate.
pub struct Loaded {
    /// The compiled component.
    pub component: Component,
    /// The component with its imports linked.
    pub instance_pre: InstancePre<HostState>,
    /// Whether it came from a `.cwasm` (for benchmarks, logs and `@host.status`).
    pub from_cache: bool,
    /// The cache file for this component and engine (where it was loaded
    /// from or written to).
    pub cwasm: PathBuf,
    /// Why a fresh compile could not be kept in the cache (every process then
    /// compiles again); `None` when it came from the cache or was written.
    pub cache_error: Option<String>,
    /// Why a `.cwasm` found was not loaded (no or wrong digest).
    pub refused: Vec<String>,
    /// How long this process spent compiling the component (0 from the cache).
    pub compile_ms: u64,
}

/// How many times this process compiled a component (the `.wasm`, not a
/// `.cwasm`): what a warm cache keeps at 0.
pub fn compiles() -> u64 {
    COMPILES.load(Ordering::Relaxed)
}

static COMPILES: AtomicU64 = AtomicU64::new(0);

/// Why the component cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("the component file {0} cannot be read: {1}")]
    Unreadable(PathBuf, std::io::Error),
    /// wasmtime cannot compile it.
    #[error("the component {0} cannot be compiled: {1}")]
    Compile(PathBuf, String),
    /// Its imports or exports do not fit the host's contract.
    #[error("the component {0} does not fit the host's contract: {1}")]
    Link(PathBuf, String),
    /// The embedder's grants differ from the host's.
    #[error("{0}")]
    Grants(String),
}

/// The process's engine; its ticker thread starts with it.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.consume_fuel(true);
        config.epoch_interruption(true);
        // The baseline processor of the architecture, not this machine's:
        // a `.cwasm` made by `make dist` then fits every server of that
        // architecture (the component does no SIMD-heavy work).
        #[cfg(target_arch = "x86_64")]
        let _ = config.target("x86_64-unknown-linux-gnu");
        #[cfg(target_arch = "aarch64")]
        let _ = config.target("aarch64-unknown-linux-gnu");
        // Config::new() only fails on options we do not set.
        let engine = Engine::new(&config).unwrap_or_else(|_| Engine::default());
        let ticking = engine.weak();
        std::thread::Builder::new()
            .name("hostkey-epoch".into())
            .spawn(move || {
                while let Some(engine) = ticking.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .ok();
        engine
    })
}

/// The component at `path`, compiled at most once per process; its `.cwasm`
/// cache beside it, or in `cache_dir` when given.
pub fn load(path: &Path, cache_dir: Option<&Path>) -> Result<Arc<Loaded>, LoadError> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Loaded>>>> = OnceLock::new();
    let cache = LOADED.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok().and_then(|map| map.get(path).cloned()) {
        return Ok(found);
    }
    let loaded = Arc::new(load_uncached(path, cache_dir)?);
    if let Ok(mut map) = cache.lock() {
        map.insert(path.to_path_buf(), loaded.clone());
    }
    Ok(loaded)
}

/// Loads without the process cache (benchmarks measure this): a `.cwasm`
/// beside the component vouched for by its release digest, else one in
/// `cache_dir` vouched for by the folder's keyed digest, else a compile that
/// is sealed and kept where the next process looks.
pub fn load_uncached(path: &Path, cache_dir: Option<&Path>) -> Result<Loaded, LoadError> {
    let engine = engine();
    let wasm = std::fs::read(path).map_err(|e| LoadError::Unreadable(path.to_path_buf(), e))?;
    let name = cwasm_name(engine, path, &wasm);
    let beside = path.with_file_name(&name);
    let mut refused = Vec::new();
    let mut cache_error = None;
    let mut places = vec![(beside.clone(), Seal::Release)];
    let mut keep = (beside, Seal::Release);
    if let Some(dir) = cache_dir {
        let cwasm = dir.join(&name);
        match seal::key(dir) {
            Ok(key) => {
                places.push((cwasm.clone(), Seal::Keyed(key.clone())));
                keep = (cwasm, Seal::Keyed(key));
            }
            Err(problem) => {
                cache_error = Some(problem);
                keep = (cwasm, Seal::Release);
            }
        }
    }
    let mut found = None;
    for (cwasm, seal) in &places {
        let Ok(bytes) = std::fs::read(cwasm) else {
            continue;
        };
        // The bytes checked are the bytes loaded: no window to swap the file.
        if let Err(why) = seal.check(cwasm, &bytes) {
            refused.push(why);
            continue;
        }
        // SAFETY: `bytes` carry the digest of this host's own compile (see
        // seal.rs); deserialize still checks the engine's version and settings.
        match unsafe { Component::deserialize(engine, &bytes) } {
            Ok(component) => {
                found = Some((component, cwasm.clone()));
                break;
            }
            Err(e) => refused.push(format!("{} does not fit this engine: {e}", cwasm.display())),
        }
    }
    let from_cache = found.is_some();
    let mut compile_ms = 0;
    let (component, cwasm) = match found {
        Some(found) => found,
        None => {
            let started = Instant::now();
            let component = Component::new(engine, &wasm)
                .map_err(|e| LoadError::Compile(path.to_path_buf(), e.to_string()))?;
            COMPILES.fetch_add(1, Ordering::Relaxed);
            compile_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let (cwasm, seal) = keep;
            if cache_error.is_none() {
                cache_error = store_cwasm(&component, &cwasm, &seal).err();
            }
            (component, cwasm)
        }
    };
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))?;
    Reseller::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))?;
    let instance_pre = linker
        .instantiate_pre(&component)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))?;
    Ok(Loaded {
        component,
        instance_pre,
        from_cache,
        cwasm,
        cache_error,
        refused,
        compile_ms,
    })
}

/// `x.wasm` -> `x.<key>.cwasm`, the key covering the engine (version and
/// settings) and the `.wasm` file's content: an unzip or a copy that changes
/// the modification time keeps a shipped `.cwasm` valid, a changed component
/// never meets an old one.
pub fn cwasm_path(
    engine: &Engine,
    wasm: &Path,
    cache_dir: Option<&Path>,
) -> Result<PathBuf, LoadError> {
    let bytes = std::fs::read(wasm).map_err(|e| LoadError::Unreadable(wasm.to_path_buf(), e))?;
    let name = cwasm_name(engine, wasm, &bytes);
    Ok(match cache_dir {
        Some(dir) => dir.join(name),
        None => wasm.with_file_name(name),
    })
}

fn cwasm_name(engine: &Engine, wasm: &Path, bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    bytes.hash(&mut hasher);
    let stem = wasm
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("component");
    format!("{stem}.{:016x}.cwasm", hasher.finish())
}

/// Writes the cache and its digest atomically and removes stale ones; a
/// read-only folder only costs the next process a compile, and the caller is
/// told why.
fn store_cwasm(component: &Component, cwasm: &Path, seal: &Seal) -> Result<(), String> {
    let bytes = component
        .serialize()
        .map_err(|e| format!("the compiled component cannot be serialized: {e}"))?;
    let temp = cwasm.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::write(&temp, &bytes)
        .and_then(|()| std::fs::rename(&temp, cwasm))
        .and_then(|()| seal.record(cwasm, &bytes));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("{} cannot be written: {e}", cwasm.display()));
    }
    remove_stale(cwasm);
    Ok(())
}

fn remove_stale(current: &Path) {
    let (Some(dir), Some(name)) = (
        current.parent(),
        current.file_name().and_then(|n| n.to_str()),
    ) else {
        return;
    };
    let Some(stem) = name.split('.').next() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let stale = [".cwasm", ".cwasm.sha256", ".cwasm.hmac"]
            .iter()
            .any(|ext| file.ends_with(ext));
        if !file.starts_with(name) && file.starts_with(&format!("{stem}.")) && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
