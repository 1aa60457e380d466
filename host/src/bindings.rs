//! The contract's imports as Rust traits; exports are called dynamically
//! (see `runtime.rs`), so the host never changes when an export's body lands.

// Generated from the WIT, whose `///` comments document it (make lint checks them).
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "reseller",
    imports: { default: trappable },
});

pub use hostkey::reseller::{db, http, platform};
