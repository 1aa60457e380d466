//! One call: a fresh Store and instance, limits armed, the export found by
//! name and called with JSON arguments converted to WIT values.

use crate::engine::{self, EPOCH_TICK, LoadError, Loaded};
use crate::json_val;
use crate::options::RuntimeOptions;
use crate::state::{CallLimits, Capabilities, HostState};
use serde_json::{Value as Json, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::Val;
use wasmtime::{Store, Trap};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// The contract's package; exports are `hostkey:reseller/<interface>@<version>`.
pub const PACKAGE_NAMESPACE: &str = "hostkey:reseller";

/// A call name no export can have (exports are `interface.function`): the
/// host answers it itself with how this process got its component.
pub const HOST_STATUS_CALL: &str = "@host.status";

/// When set, names a file the host appends one JSON line to per call: the
/// call's name, the process and `status()` (how `make test-dist` shows that
/// no call after the first pays a compile, across processes and transports).
pub const STATUS_LOG_ENV: &str = "HOSTKEYRESELLERMOD_HOST_STATUS_LOG";

/// The contract this host was built from (its imports are typed from it).
const HOST_CONTRACT: &str = include_str!("../../wit/capabilities.wit");

/// `x.y.z` of a `package hostkey:reseller@x.y.z;` line.
pub fn host_contract_version() -> &'static str {
    HOST_CONTRACT
        .lines()
        .find_map(|l| l.trim().strip_prefix("package hostkey:reseller@"))
        .map(|v| v.trim_end_matches(';').trim())
        .unwrap_or("")
}

/// Semver compatibility: the same major, or for 0.x the same minor.
fn compatible(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> { v.split('.').filter_map(|p| p.parse().ok()).collect() };
    let (a, b) = (parts(a), parts(b));
    match (a.as_slice(), b.as_slice()) {
        ([0, x, ..], [0, y, ..]) => x == y,
        ([x, ..], [y, ..]) => x == y,
        _ => false,
    }
}

/// The contract version the component exports, read from its export names.
pub fn component_contract_version(component: &wasmtime::component::Component) -> Option<String> {
    let prefix = format!("{PACKAGE_NAMESPACE}/");
    component
        .component_type()
        .exports(engine::engine())
        .find_map(|(name, _)| {
            name.strip_prefix(&prefix)?
                .split_once('@')
                .map(|(_, version)| version.to_string())
        })
}

/// The loaded component and its options; one per process, many calls.
pub struct Runtime {
    loaded: Arc<Loaded>,
    options: RuntimeOptions,
    /// The contract version of the component's exports.
    version: String,
}

/// Why a call could not complete; becomes `{"fault": "..."}`.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error(
        "the call request is not valid JSON of the form {{\"call\": \"interface.function\", \"args\": {{...}}}}: {0}"
    )]
    /// The request is not valid JSON of the protocol.
    BadRequest(String),
    /// No such export.
    #[error("the component has no export named `{0}`")]
    UnknownExport(String),
    /// The arguments do not fit the export's WIT types.
    #[error("the arguments of `{call}` do not fit its WIT types: {problem}")]
    BadArguments {
        /// The export called.
        call: String,
        /// What does not fit, with its path.
        problem: String,
    },
    /// The memory cap was hit.
    #[error("the call used more than its {0} MB memory cap and was stopped")]
    MemoryCap(u64),
    /// The fuel ran out.
    #[error("the call used up its CPU budget of {0} fuel units and was stopped")]
    CpuBudget(u64),
    /// The wall-clock limit ran out.
    #[error("the call took longer than its {0} ms limit and was stopped")]
    Timeout(u64),
    /// The component trapped.
    #[error("the component failed: {0}")]
    Trap(String),
    /// The host could not prepare the call.
    #[error("the host could not set up the call: {0}")]
    Setup(String),
}

impl Runtime {
    /// Loads the component (from the cache when warm) and checks its contract version and the grants.
    pub fn new(options: RuntimeOptions) -> Result<Self, LoadError> {
        if let Some(theirs) = &options.grants {
            crate::grants::check_same(theirs).map_err(LoadError::Grants)?;
        }
        let loaded = engine::load(&options.component, options.cache_dir.as_deref())?;
        let version = component_contract_version(&loaded.component).ok_or_else(|| {
            LoadError::Link(
                options.component.clone(),
                format!("it exports no {PACKAGE_NAMESPACE} interface"),
            )
        })?;
        let ours = host_contract_version();
        if !compatible(&version, ours) {
            return Err(LoadError::Link(
                options.component.clone(),
                format!("it speaks {PACKAGE_NAMESPACE}@{version}, this host {ours}"),
            ));
        }
        Ok(Self {
            loaded,
            options,
            version,
        })
    }

    /// The options it runs with.
    pub fn options(&self) -> &RuntimeOptions {
        &self.options
    }

    /// Whether the component came from the `.cwasm` cache.
    pub fn loaded_from_cache(&self) -> bool {
        self.loaded.from_cache
    }

    /// The `.cwasm` cache file of this component and engine.
    pub fn cache_file(&self) -> &std::path::Path {
        &self.loaded.cwasm
    }

    /// Why this process's compile could not be cached, if it could not.
    pub fn cache_error(&self) -> Option<&str> {
        self.loaded.cache_error.as_deref()
    }

    /// The host's own counters for this process: whether the component came
    /// from a sealed `.cwasm` or was compiled, how long that took, where the
    /// cache is, and why a cache file was refused or could not be written.
    pub fn status(&self) -> Json {
        json!({
            "loaded_from_cache": self.loaded.from_cache,
            "checked_by_stamp": self.loaded.checked_by_stamp,
            "compiles": engine::compiles(),
            "compile_ms": self.loaded.compile_ms,
            "cache_file": self.loaded.cwasm.display().to_string(),
            "cache_error": self.loaded.cache_error,
            "refused": self.loaded.refused,
        })
    }

    fn log_status(&self, request: &[u8]) {
        use std::io::Write;
        let Some(path) = std::env::var_os(STATUS_LOG_ENV) else {
            return;
        };
        let name = serde_json::from_slice::<Json>(request)
            .ok()
            .and_then(|r| r.get("call").and_then(Json::as_str).map(str::to_string));
        let mut line = self.status();
        line["call"] = json!(name);
        line["pid"] = json!(std::process::id());
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
        {
            let _ = writeln!(file, "{line}");
        }
    }

    /// Runs one call request and returns the answer envelope as JSON bytes.
    pub fn call_json(&self, request: &[u8], caps: Capabilities) -> Vec<u8> {
        self.log_status(request);
        let envelope = match self.call(request, caps) {
            Ok(value) => json!({ "value": value }),
            Err(fault) => json!({ "fault": fault.to_string() }),
        };
        serde_json::to_vec(&envelope)
            .unwrap_or_else(|_| br#"{"fault":"the answer could not be encoded"}"#.to_vec())
    }

    /// Runs one call request; the export's return value as JSON.
    pub fn call(&self, request: &[u8], caps: Capabilities) -> Result<Json, Fault> {
        let request: Json =
            serde_json::from_slice(request).map_err(|e| Fault::BadRequest(e.to_string()))?;
        let name = request
            .get("call")
            .and_then(Json::as_str)
            .ok_or_else(|| Fault::BadRequest("`call` is missing".into()))?;
        if name == HOST_STATUS_CALL {
            return Ok(self.status());
        }
        let empty = json!({});
        let args = request.get("args").unwrap_or(&empty);
        let options = match request.get("limits") {
            Some(limits) => self
                .options
                .with_limits(limits)
                .map_err(Fault::BadRequest)?,
            None => self.options.clone(),
        };
        self.invoke_with(name, args, caps, &options)
    }

    /// Runs one export with the runtime's own limits.
    pub fn invoke(&self, name: &str, args: &Json, caps: Capabilities) -> Result<Json, Fault> {
        self.invoke_with(name, args, caps, &self.options)
    }

    fn invoke_with(
        &self,
        name: &str,
        args: &Json,
        caps: Capabilities,
        options: &RuntimeOptions,
    ) -> Result<Json, Fault> {
        let export = self.export_index(name)?;
        let stderr = MemoryOutputPipe::new(16 * 1024);
        let wasi = WasiCtxBuilder::new().stderr(stderr.clone()).build();
        let limits = CallLimits {
            http_allow: options.http_allow.clone(),
            http_timeout: Duration::from_millis(options.http_timeout_ms),
            deadline: Instant::now() + Duration::from_millis(options.timeout_ms),
            http_max_bytes: options.http_max_bytes,
            memory_bytes: usize::try_from(options.memory_mb.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
            memory_refused: false,
        };
        let mut store = Store::new(engine::engine(), HostState::new(wasi, limits, caps));
        store.limiter(|state| state);
        store
            .set_fuel(options.fuel)
            .map_err(|e| Fault::Setup(e.to_string()))?;
        let tick_ms = u64::try_from(EPOCH_TICK.as_millis()).unwrap_or(1).max(1);
        store.set_epoch_deadline(options.timeout_ms.div_ceil(tick_ms).max(1));
        store.epoch_deadline_trap();
        let _ticking = engine::Ticking::start();

        let outcome = (|| {
            let instance = self.loaded.instance_pre.instantiate(&mut store)?;
            let func = instance
                .get_func(&mut store, export)
                .ok_or_else(|| wasmtime::format_err!("export `{name}` is not a function"))?;
            let ty = func.ty(&store);
            let mut params = Vec::new();
            for (param, param_ty) in ty.params() {
                let value = args.get(param).unwrap_or(&Json::Null);
                let converted = json_val::to_val(value, &param_ty, param)
                    .map_err(|e| BadArgs(e.to_string()))?;
                params.push(converted);
            }
            let mut results = vec![Val::Bool(false); ty.results().len()];
            func.call(&mut store, &params, &mut results)?;
            Ok::<_, wasmtime::Error>(results.first().map_or(Json::Null, json_val::from_val))
        })();

        store.data_mut().release_locks();
        let memory_refused = store.data().limits.memory_refused;
        outcome.map_err(|error| fault(name, options, error, memory_refused, &stderr))
    }

    fn export_index(&self, name: &str) -> Result<wasmtime::component::ComponentExportIndex, Fault> {
        let (interface, function) = name
            .split_once('.')
            .ok_or_else(|| Fault::UnknownExport(name.to_string()))?;
        let qualified = format!("{PACKAGE_NAMESPACE}/{interface}@{}", self.version);
        let component = &self.loaded.component;
        let parent = component
            .get_export_index(None, &qualified)
            .ok_or_else(|| Fault::UnknownExport(name.to_string()))?;
        component
            .get_export_index(Some(&parent), function)
            .ok_or_else(|| Fault::UnknownExport(name.to_string()))
    }
}

fn fault(
    name: &str,
    options: &RuntimeOptions,
    error: wasmtime::Error,
    memory_refused: bool,
    stderr: &MemoryOutputPipe,
) -> Fault {
    if let Some(BadArgs(problem)) = error.downcast_ref::<BadArgs>() {
        return Fault::BadArguments {
            call: name.to_string(),
            problem: problem.clone(),
        };
    }
    if memory_refused {
        return Fault::MemoryCap(options.memory_mb);
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Fault::CpuBudget(options.fuel),
        Some(Trap::Interrupt) => Fault::Timeout(options.timeout_ms),
        trap => {
            // The cause, not the wasm backtrace (a thousand characters of
            // frame addresses that only hid it).
            let cause = trap.map_or_else(|| error.root_cause().to_string(), Trap::to_string);
            let said = String::from_utf8_lossy(&stderr.contents()).into_owned();
            // The guest's panic hook writes one `panic: ...` line; else the last line said.
            let line = said
                .lines()
                .rev()
                .find(|l| l.starts_with("panic: "))
                .or_else(|| said.lines().rev().find(|l| !l.trim().is_empty()))
                .unwrap_or_default();
            let (cause, line) = (short(&cause), short(line));
            if line.is_empty() {
                Fault::Trap(cause)
            } else {
                Fault::Trap(format!("{cause} ({line})"))
            }
        }
    }
}

/// The first line of `text`, at most 300 characters.
fn short(text: &str) -> String {
    let first = text.trim().lines().next().unwrap_or_default().trim();
    match first.char_indices().nth(300) {
        Some((at, _)) => format!("{}...", &first[..at]),
        None => first.to_string(),
    }
}

#[derive(Debug)]
struct BadArgs(String);

impl std::fmt::Display for BadArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadArgs {}

#[cfg(test)]
mod version_tests {
    use super::{compatible, host_contract_version};

    #[test]
    fn the_host_knows_its_contract_and_semver_decides_compatibility() {
        assert_eq!(host_contract_version(), env!("CARGO_PKG_VERSION"));
        assert!(compatible("0.1.0", "0.1.3"));
        assert!(!compatible("0.2.0", "0.1.0"));
        assert!(compatible("1.2.0", "1.0.0"));
        assert!(!compatible("2.0.0", "1.9.0"));
    }
}
