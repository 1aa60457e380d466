//! Runtime options, given by the embedder as JSON (docs/architecture.md).

use serde::Deserialize;
use std::path::PathBuf;

/// The runtime's component, cache and per-call limits.
#[derive(Debug, Clone, Deserialize)]
pub struct RuntimeOptions {
    /// Path of the component's `.wasm`; the `.cwasm` cache lives beside it
    /// unless `cache_dir` names another folder.
    pub component: PathBuf,
    /// Folder for the `.cwasm` cache when the component's own is read-only
    /// (the embedder creates it, private to its user).
    #[serde(default)]
    pub cache_dir: Option<PathBuf>,
    /// Hosts the component may reach over HTTP.
    #[serde(default)]
    pub http_allow: Vec<String>,
    /// Memory cap per call.
    #[serde(default = "default_memory_mb")]
    pub memory_mb: u64,
    /// CPU budget per call, in wasmtime fuel units (about one per instruction).
    #[serde(default = "default_fuel")]
    pub fuel: u64,
    /// Wall-clock limit per call.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Upper bound of one HTTP request.
    #[serde(default = "default_http_timeout_ms")]
    pub http_timeout_ms: u64,
    /// Largest HTTP answer read.
    #[serde(default = "default_http_max_bytes")]
    pub http_max_bytes: u64,
    /// The embedder's copy of `grants.json`: the runtime refuses to start when
    /// it differs from the grants built into this host (docs/security.md).
    #[serde(default)]
    pub grants: Option<serde_json::Value>,
}

// The defaults are an ordinary call's limits, written once in facts.json.
fn default_memory_mb() -> u64 {
    hostkey_facts::CALL_MEMORY_MB
}
fn default_fuel() -> u64 {
    hostkey_facts::CALL_FUEL
}
fn default_timeout_ms() -> u64 {
    hostkey_facts::CALL_TIMEOUT_MS
}
fn default_http_timeout_ms() -> u64 {
    hostkey_facts::CALL_HTTP_TIMEOUT_MS
}
fn default_http_max_bytes() -> u64 {
    32 * 1024 * 1024
}

impl RuntimeOptions {
    /// These options with a call's own limits (`memory_mb`, `fuel`,
    /// `timeout_ms`, `http_timeout_ms`): long jobs such as an import ask for more.
    pub fn with_limits(&self, limits: &serde_json::Value) -> Result<Self, String> {
        let mut options = self.clone();
        let Some(map) = limits.as_object() else {
            return Err("`limits` must be an object".into());
        };
        for (key, value) in map {
            let number = value
                .as_u64()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("the limit `{key}` must be a positive integer"))?;
            match key.as_str() {
                "memory_mb" => options.memory_mb = number,
                "fuel" => options.fuel = number,
                "timeout_ms" => options.timeout_ms = number,
                "http_timeout_ms" => options.http_timeout_ms = number,
                other => return Err(format!("`{other}` is not a limit a call can set")),
            }
        }
        Ok(options)
    }

    /// The defaults for `component`.
    pub fn for_component(component: impl Into<PathBuf>) -> Self {
        Self {
            component: component.into(),
            cache_dir: None,
            http_allow: Vec::new(),
            memory_mb: default_memory_mb(),
            fuel: default_fuel(),
            timeout_ms: default_timeout_ms(),
            http_timeout_ms: default_http_timeout_ms(),
            http_max_bytes: default_http_max_bytes(),
            grants: None,
        }
    }
}
