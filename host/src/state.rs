//! What one call's `Store` holds: WASI context, limits and the backends.

use crate::backends::{DbBackend, HttpBackend, PlatformBackend};
use std::time::{Duration, Instant};
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The capabilities a call runs with; the embedder's or in-memory fakes.
pub struct Capabilities {
    /// Outgoing HTTP.
    pub http: Box<dyn HttpBackend>,
    /// The database.
    pub db: Box<dyn DbBackend>,
    /// WHMCS's functions.
    pub platform: Box<dyn PlatformBackend>,
}

/// Per-call limits that host functions enforce.
pub struct CallLimits {
    /// Hosts HTTP may reach.
    pub http_allow: Vec<String>,
    /// Upper bound of one HTTP request.
    pub http_timeout: Duration,
    /// When the call's wall-clock limit runs out; no HTTP request waits past it.
    pub deadline: Instant,
    /// Largest HTTP answer read.
    pub http_max_bytes: u64,
    /// Memory cap.
    pub memory_bytes: usize,
    /// Set when the guest asked for more memory than the cap.
    pub memory_refused: bool,
}

/// What one call's `Store` holds.
pub struct HostState {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limits: CallLimits,
    pub(crate) http: Box<dyn HttpBackend>,
    pub(crate) db: Box<dyn DbBackend>,
    pub(crate) platform: Box<dyn PlatformBackend>,
    /// Named locks the call took and has not released.
    pub(crate) locks: Vec<String>,
    /// The row filters' scopes, read once a call (`policy::rows`).
    pub(crate) scopes: crate::policy::rows::ScopeCache,
}

impl HostState {
    /// The state of one call.
    pub fn new(wasi: WasiCtx, limits: CallLimits, caps: Capabilities) -> Self {
        Self {
            wasi,
            table: ResourceTable::new(),
            limits,
            http: caps.http,
            db: caps.db,
            platform: caps.platform,
            locks: Vec::new(),
            scopes: Default::default(),
        }
    }

    /// Releases the locks the call left held (it ended early, trapped or
    /// forgot): a lock never outlives its call.
    pub fn release_locks(&mut self) {
        for name in std::mem::take(&mut self.locks) {
            let _ = self.db.unlock(name);
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limits.memory_bytes {
            self.limits.memory_refused = true;
            wasmtime::bail!("memory cap reached");
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// The contract's `types` interface has no functions to supply.
impl crate::bindings::hostkey::reseller::types::Host for HostState {}
