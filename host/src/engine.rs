//! One wasmtime engine per process, an epoch ticker for wall-clock limits,
//! and the compiled component, loaded once per process from a `.cwasm` cache.

use crate::bindings::Reseller;
use crate::state::HostState;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
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
    /// Whether it came from the `.cwasm` cache (for benchmarks and logs).
    pub from_cache: bool,
    /// The cache file for this component and engine.
    pub cwasm: PathBuf,
    /// Why a fresh compile could not be kept in the cache (every process then
    /// compiles again); `None` when it came from the cache or was written.
    pub cache_error: Option<String>,
}

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

/// Loads without the process cache (benchmarks measure this).
pub fn load_uncached(path: &Path, cache_dir: Option<&Path>) -> Result<Loaded, LoadError> {
    let engine = engine();
    let cwasm = cwasm_path(engine, path, cache_dir)?;
    // SAFETY: the `.cwasm` sits next to the `.wasm` in the module's own
    // folder, or in the private cache folder the embedder made for its user,
    // written by this host from that `.wasm`; deserialize checks the engine's
    // version and settings and fails on a mismatch.
    let cached = cwasm
        .exists()
        .then(|| unsafe { Component::deserialize_file(engine, &cwasm) }.ok())
        .flatten();
    let from_cache = cached.is_some();
    let mut cache_error = None;
    let component = match cached {
        Some(component) => component,
        None => {
            let component = Component::from_file(engine, path)
                .map_err(|e| LoadError::Compile(path.to_path_buf(), e.to_string()))?;
            cache_error = store_cwasm(&component, &cwasm).err();
            component
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
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    bytes.hash(&mut hasher);
    let stem = wasm
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("component");
    let name = format!("{stem}.{:016x}.cwasm", hasher.finish());
    Ok(match cache_dir {
        Some(dir) => dir.join(name),
        None => wasm.with_file_name(name),
    })
}

/// Writes the cache atomically and removes stale ones; a read-only folder
/// only costs the next process a compile, and the caller is told why.
fn store_cwasm(component: &Component, cwasm: &Path) -> Result<(), String> {
    let bytes = component
        .serialize()
        .map_err(|e| format!("the compiled component cannot be serialized: {e}"))?;
    let temp = cwasm.with_extension(format!("tmp{}", std::process::id()));
    let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, cwasm));
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
        if file != name && file.starts_with(&format!("{stem}.")) && file.ends_with(".cwasm") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
