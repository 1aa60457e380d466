//! The wasmtime host of hostkeyresellermod: loads the component, limits each
//! call, supplies `http` natively and forwards `db`/`platform` to the embedder.

#![deny(missing_docs)]

pub mod backends;
mod bindings;
pub mod db;
pub mod embedder;
pub mod engine;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod ffi;
pub mod grants;
pub mod helper;
pub mod http;
pub mod json_val;
pub mod options;
pub mod platform;
pub mod policy;
pub mod runtime;
pub mod state;
mod wire;

pub use bindings::{db as db_types, http as http_types, platform as platform_types};
pub use options::RuntimeOptions;
pub use runtime::{Fault, Runtime};
pub use state::Capabilities;
