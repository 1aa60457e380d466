//! The contract's imports as Rust traits; exports are called dynamically
//! (see `runtime.rs`), so the host never changes when an export's body lands.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "reseller",
    imports: { default: trappable },
});

pub use hostkey::reseller::{db, http, platform};
