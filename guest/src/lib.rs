//! hostkeyresellermod's business rules. Everything here runs natively
//! against the traits in `capabilities`; `component` binds them to the WIT
//! contract when built for `wasm32-wasip2`.

pub mod addon;
pub mod api;
pub mod callback;
pub mod capabilities;
pub mod catalog;
pub mod error;
pub mod margins;
pub mod orders;
pub mod provisioning;
pub mod schema;
pub mod secrets;
pub mod servers;
pub mod sync;

#[cfg(target_arch = "wasm32")]
mod component;

#[cfg(test)]
mod testing;
