//! The WIT binding: imports become the capability traits, exports forward
//! to the rules. Nothing else lives here.

mod capabilities;
mod convert;
#[cfg(feature = "sandbox-probes")]
mod grant_probes;
mod guest_impl;
mod margins_view;
mod panic_hook;
#[cfg(feature = "sandbox-probes")]
mod probes;
mod server_views;

wit_bindgen::generate!({
    path: "../wit",
    world: "reseller",
});

/// The component's export type.
pub struct Component;

export!(Component);
