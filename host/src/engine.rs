//! One wasmtime engine per process, an epoch ticker for wall-clock limits
//! (awake only while a call runs), and the compiled component, loaded once
//! per process from a sealed `.cwasm` cache.

use crate::bindings::Reseller;
use crate::state::HostState;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

mod folder;
mod seal;
mod stamp;
pub use folder::{Folder, Identity, Trust};
pub use seal::{KEY_FILE, Seal};
use stamp::{Place, Stamp};
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
    /// Whether a stamp stood for the full check (no `.wasm` read, no hash
    /// of the `.cwasm`).
    pub checked_by_stamp: bool,
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

/// The process's engine. Its epoch advances only while a call runs
/// (`Ticking`): no thread is started by loading or precompiling, and none
/// wakes up between calls.
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
        Engine::new(&config).unwrap_or_else(|_| Engine::default())
    })
}

/// Calls running now; the ticker sleeps (parked) while there are none.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Held for the length of a call: the engine's epoch advances every
/// `EPOCH_TICK` while any is held, so wall-clock limits hold.
pub struct Ticking(());

impl Ticking {
    /// Starts (or wakes) the ticker for one call.
    pub fn start() -> Self {
        static TICKER: OnceLock<Option<std::thread::Thread>> = OnceLock::new();
        RUNNING.fetch_add(1, Ordering::SeqCst);
        let ticker = TICKER.get_or_init(|| {
            std::thread::Builder::new()
                .name("hostkey-epoch".into())
                .spawn(tick)
                .ok()
                .map(|handle| handle.thread().clone())
        });
        if let Some(thread) = ticker {
            thread.unpark();
        }
        Ticking(())
    }
}

impl Drop for Ticking {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

fn tick() {
    let engine = engine();
    loop {
        if RUNNING.load(Ordering::SeqCst) == 0 {
            // An unpark that came first makes this return at once.
            std::thread::park();
            continue;
        }
        engine.increment_epoch();
        std::thread::sleep(EPOCH_TICK);
    }
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
/// is sealed and kept where the next process looks. A stamp (stamp.rs) lets
/// the next process skip reading the `.wasm` and hashing the `.cwasm` while
/// neither file changed.
pub fn load_uncached(path: &Path, cache_dir: Option<&Path>) -> Result<Loaded, LoadError> {
    let engine = engine();
    let unreadable = |e| LoadError::Unreadable(path.to_path_buf(), e);
    let wasm_id = Identity::of(&std::fs::metadata(path).map_err(unreadable)?);
    let mut refused = Vec::new();
    let mut cache_error = None;
    let beside = Folder::open(component_folder(path), Trust::Component);
    if let Err(why) = &beside {
        refused.push(why.clone());
    }
    let (beside, beside_error) = match beside {
        Ok(folder) => (Some(folder), None),
        Err(why) => (None, Some(why)),
    };
    let cache = cache_dir.and_then(|dir| {
        Folder::open(dir, Trust::Private)
            .and_then(|folder| seal::key(&folder).map(|key| (folder, key)))
            .map_err(|problem| cache_error = Some(problem))
            .ok()
    });
    // Stamps live where this process may write: the cache folder, else
    // beside the component (its own secret, made there on first use).
    let stamps = match &cache {
        Some((folder, key)) => Some((folder, key.clone())),
        None => beside
            .as_ref()
            .and_then(|folder| seal::key(folder).ok().map(|key| (folder, key))),
    };
    let stamp_file = stamp_name(engine, path);
    let folder_of = |place: Place| match place {
        Place::Beside => beside.as_ref(),
        Place::Cache => cache.as_ref().map(|(folder, _)| folder),
    };

    let mut found = None;
    let mut checked_by_stamp = false;
    if let Some((folder, key)) = &stamps
        && let Some(stamp) = Stamp::read(folder, key, &stamp_file)
        && stamp.wasm == wasm_id
        && let Some(place) = folder_of(stamp.place)
        && let Ok(file) = place.open_file(&stamp.name)
        && file
            .metadata()
            .is_ok_and(|meta| Identity::of(&meta) == stamp.cwasm)
    {
        // SAFETY: the file whose digest a full check matched, unchanged
        // since (same inode, size, ctime: stamp.rs), mapped from the file
        // this process opened and checked.
        match unsafe { deserialize_open(engine, &file) } {
            Ok(component) => {
                found = Some((component, place.path().join(&stamp.name)));
                checked_by_stamp = true;
            }
            Err(e) => refused.push(format!(
                "{} does not fit this engine: {e}",
                place.display(&stamp.name)
            )),
        }
    }

    let mut name = None;
    let mut wasm = Vec::new();
    if found.is_none() {
        let (bytes, id) = read_with_identity(path).map_err(unreadable)?;
        let cwasm = cwasm_name(engine, path, &bytes);
        wasm = bytes;
        let mut places = Vec::new();
        if let Some(folder) = &beside {
            places.push((Place::Beside, folder, Seal::Release));
        }
        if let Some((folder, key)) = &cache {
            places.push((Place::Cache, folder, Seal::Keyed(key.clone())));
        }
        for (place, folder, seal) in places {
            let Ok((bytes, cwasm_id, _)) = folder.read(&cwasm) else {
                continue;
            };
            // The bytes checked are the bytes loaded: no window to swap the file.
            if let Err(why) = seal.check(folder, &cwasm, &bytes) {
                refused.push(why);
                continue;
            }
            // SAFETY: `bytes` carry the digest of this host's own compile (see
            // seal.rs); deserialize still checks the engine's version and settings.
            match unsafe { Component::deserialize(engine, &bytes) } {
                Ok(component) => {
                    found = Some((component, folder.path().join(&cwasm)));
                    if let Some((stamp_folder, key)) = &stamps {
                        let stamp = Stamp {
                            wasm: id,
                            place,
                            name: cwasm.clone(),
                            cwasm: cwasm_id,
                        };
                        stamp_if_settled(stamp_folder, key, &stamp_file, &stamp);
                    }
                    break;
                }
                Err(e) => refused.push(format!(
                    "{} does not fit this engine: {e}",
                    folder.display(&cwasm)
                )),
            }
        }
        name = Some((cwasm, id));
    }

    let from_cache = found.is_some();
    let mut compile_ms = 0;
    let (component, cwasm) = match (found, name) {
        (Some(found), _) => found,
        (None, None) => unreachable!("a stamp that loaded nothing falls back to the full check"),
        (None, Some((cwasm, wasm_id))) => {
            let started = Instant::now();
            let component = Component::new(engine, &wasm)
                .map_err(|e| LoadError::Compile(path.to_path_buf(), e.to_string()))?;
            COMPILES.fetch_add(1, Ordering::Relaxed);
            compile_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let keep = match (&cache, &beside) {
                (Some((folder, key)), _) => Some((Place::Cache, folder, Seal::Keyed(key.clone()))),
                (None, Some(folder)) if cache_error.is_none() => {
                    Some((Place::Beside, folder, Seal::Release))
                }
                _ => None,
            };
            let at = match (&keep, cache_dir) {
                (Some((_, folder, _)), _) => folder.path().join(&cwasm),
                (None, Some(dir)) => dir.join(&cwasm),
                (None, None) => path.with_file_name(&cwasm),
            };
            match keep {
                Some((place, folder, seal)) => match store_cwasm(&component, folder, &cwasm, &seal)
                {
                    Ok(cwasm_id) => {
                        if let Some((stamp_folder, key)) = &stamps {
                            let stamp = Stamp {
                                wasm: wasm_id,
                                place,
                                name: cwasm.clone(),
                                cwasm: cwasm_id,
                            };
                            stamp_if_settled(stamp_folder, key, &stamp_file, &stamp);
                        }
                    }
                    Err(problem) => cache_error = Some(problem),
                },
                None => {
                    if cache_error.is_none() {
                        cache_error = beside_error;
                    }
                }
            }
            (component, at)
        }
    };
    let instance_pre = link(engine, path, &component)?;
    Ok(Loaded {
        component,
        instance_pre,
        from_cache,
        checked_by_stamp,
        cwasm,
        cache_error,
        refused,
        compile_ms,
    })
}

/// The component in `file`, mapped rather than copied: the pages of code
/// that a call never runs are never read, which is most of the cost of a
/// process's start (a 3.6 MB `.cwasm` copied twice). Mapped through
/// `/proc/self/fd`, so it is the file this process opened and checked, not
/// whatever has its name now. Where the file cannot be mapped executable (a
/// `noexec` mount) or `/proc` is missing, its bytes are read and copied.
///
/// # Safety
/// `file` must hold a `.cwasm` this host made, vouched for by its digest.
unsafe fn deserialize_open(engine: &Engine, file: &std::fs::File) -> wasmtime::Result<Component> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let by_fd = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    // SAFETY: per this function's contract.
    if let Ok(component) = unsafe { Component::deserialize_file(engine, &by_fd) } {
        return Ok(component);
    }
    let mut bytes = Vec::new();
    let mut reader = file;
    reader.read_to_end(&mut bytes)?;
    // SAFETY: per this function's contract.
    unsafe { Component::deserialize(engine, &bytes) }
}

/// The component with the host's imports linked.
fn link(
    engine: &Engine,
    path: &Path,
    component: &Component,
) -> Result<InstancePre<HostState>, LoadError> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))?;
    Reseller::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))?;
    linker
        .instantiate_pre(component)
        .map_err(|e| LoadError::Link(path.to_path_buf(), e.to_string()))
}

fn component_folder(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// The bytes of `path` and the identity of the file they came from (one
/// open file, so the two belong together).
fn read_with_identity(path: &Path) -> std::io::Result<(Vec<u8>, Identity)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok((bytes, Identity::of(&meta)))
}

/// How old both files' last change must be before a stamp may stand for
/// them: the kernel stamps ctime from a coarse clock, so a change in the
/// same clock tick as the check could leave the identity as it was (git's
/// "racily clean" problem). A file changed this recently is checked fully
/// again by the next process, which stamps it then.
const SETTLED: Duration = Duration::from_secs(1);

fn stamp_if_settled(folder: &Folder, key: &[u8], file: &str, stamp: &Stamp) {
    let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return;
    };
    let settled = |id: &Identity| {
        let changed = Duration::new(
            u64::try_from(id.ctime().0).unwrap_or(u64::MAX),
            u32::try_from(id.ctime().1).unwrap_or(0),
        );
        changed + SETTLED < now
    };
    if settled(&stamp.wasm) && settled(&stamp.cwasm) {
        // A stamp that cannot be written only costs the next process a full check.
        let _ = stamp.write(folder, key, file);
    }
}

/// The stamp's file name: one per engine and component path.
fn stamp_name(engine: &Engine, wasm: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    std::path::absolute(wasm)
        .unwrap_or_else(|_| wasm.to_path_buf())
        .hash(&mut hasher);
    let stem = wasm
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("component");
    format!("{stem}.{:016x}.stamp", hasher.finish())
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

/// Writes the cache and its digest atomically (relative to the checked
/// folder, never through a symlink) and removes stale ones; a read-only
/// folder only costs the next process a compile, and the caller is told
/// why. The identity of the file written.
fn store_cwasm(
    component: &Component,
    folder: &Folder,
    name: &str,
    seal: &Seal,
) -> Result<Identity, String> {
    let bytes = component
        .serialize()
        .map_err(|e| format!("the compiled component cannot be serialized: {e}"))?;
    // Native code: readable by others only beside the component (bin/ is
    // shared with whoever unpacked it), private in the cache folder.
    let mode = match seal {
        Seal::Release => 0o644,
        Seal::Keyed(_) => 0o600,
    };
    let written = folder
        .replace(name, &bytes, mode)
        .and_then(|id| seal.record(folder, name, &bytes).map(|()| id));
    let id = written.map_err(|e| format!("{} cannot be written: {e}", folder.display(name)))?;
    remove_stale(folder, name);
    Ok(id)
}

fn remove_stale(folder: &Folder, current: &str) {
    let Some(stem) = current.split('.').next() else {
        return;
    };
    let prefix = format!("{stem}.");
    for file in folder.names() {
        let stale = [".cwasm", ".cwasm.sha256", ".cwasm.hmac"]
            .iter()
            .any(|ext| file.ends_with(ext));
        if !file.starts_with(current) && file.starts_with(&prefix) && stale {
            folder.remove(&file);
        }
    }
}
